/*
 * A memo of Capstone's answers, keyed by encoding.
 *
 * A cold start decodes every instruction it translates once, and Capstone
 * (decoder plus the printer that fills its operand details) was a quarter
 * of `ls -l /`'s time.  Most of those instructions repeat an encoding seen
 * before: `ls -l /` decodes 31.7 k instructions of 12.8 k distinct
 * encodings.  Capstone's answer for an encoding depends only on the mode
 * (A32 or T32), the IT state its handle carries, and for the branches that
 * Capstone resolves to absolute targets, the pc.  arm_decode.c asks the
 * memo only outside IT blocks and never keeps those branches or IT itself.
 *
 * An entry keeps the instruction id, the details up to their operands,
 * and the operands up to op_count packed in 20 bytes each (an instruction
 * whose operands do not come back exactly from that is not kept); the
 * rest of the 36 operand slots are what Capstone leaves in unused ones
 * (captured from a real decode), so a recalled cs_arm is byte for byte the
 * one Capstone filled in (test_decode checks it).
 *
 * Bounded: 16 Ki entries in one 2 MiB huge page; when it fills, the memo
 * starts over.
 */
#ifndef SCION_DECODE_MEMO_H
#define SCION_DECODE_MEMO_H

#include <capstone/arm.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct DecodeMemo DecodeMemo;

DecodeMemo *decode_memo_new(void);
void decode_memo_free(DecodeMemo *m);

/* What Capstone said about raw in this mode, if the memo holds it: the
 * details are the memo's, valid until its next recall. */
const cs_arm *decode_memo_recall(DecodeMemo *m, uint32_t raw, bool thumb, unsigned *id);
/* Keeps Capstone's answer. */
void decode_memo_keep(DecodeMemo *m, uint32_t raw, bool thumb, unsigned id, const cs_arm *detail);

/* Instructions whose details hold absolute branch targets (pc-relative). */
bool decode_memo_pc_dependent(unsigned id);

#endif
