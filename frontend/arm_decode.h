/*
 * The ARM guest-ISA front end: Capstone decoding of A32, T32 and VFP.
 *
 * Only frontend/ calls Capstone.  The decoded form (ArmInsn) carries
 * Capstone's instruction id and operand details, because the translator's
 * families are keyed by those ids; the enums come from <capstone/arm.h>.
 * Capstone 4's details are wrong for a few encodings (writeback, register
 * lists, IT-block conditions), so ArmInsn also carries the raw encoding and
 * the translator checks raw bits where it matters.
 *
 *   ArmDecoder *d = arm_decoder_new();
 *   ArmInsn insn;
 *   if (arm_decode(d, bytes, avail, pc, thumb, &insn)) ...
 *
 * Thumb IT blocks: Capstone keeps the IT state inside its handle.  scion
 * owns the IT state (it is part of the block key), so arm_decode_begin_block
 * puts Capstone's handle into the block's starting IT state and
 * arm_decode_end_block drains any IT state left when a block stops mid-IT.
 */
#ifndef SCION_ARM_DECODE_H
#define SCION_ARM_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/arm.h>

typedef struct ArmDecoder ArmDecoder;

typedef struct ArmInsn {
    uint32_t pc;
    uint32_t raw;   /* A32 word; T32: 16-bit value, or first halfword << 16 | second */
    uint8_t size;   /* 2 or 4 */
    bool thumb;
    unsigned id;    /* arm_insn */
    int cond;       /* ARM condition 0..14 (14 = always) as Capstone reports it */
    /* Capstone's details, in the decoder: valid until its next arm_decode
     * (copying 1.7 KiB per instruction was 3% of a cold start). */
    const cs_arm *detail;
} ArmInsn;

ArmDecoder *arm_decoder_new(void);
void arm_decoder_free(ArmDecoder *d);

void arm_decode_begin_block(ArmDecoder *d, bool thumb, uint32_t itstate);
void arm_decode_end_block(ArmDecoder *d, bool thumb, uint32_t itstate);

/* Decode one instruction from bytes (avail bytes readable).  Returns false
 * for an encoding Capstone does not recognise (UNDEFINED to scion). */
bool arm_decode(ArmDecoder *d, const uint8_t *bytes, size_t avail, uint32_t pc, bool thumb, ArmInsn *out);
/* Mnemonic and operands of the instruction arm_decode last decoded in
 * that state (for -d in_asm and messages; formatting it for every
 * instruction translated cost 7% of a cold start). */
void arm_decode_text(ArmDecoder *d, bool thumb, char *buf, size_t len);

/* Register number 0..15 for a Capstone core register, -1 otherwise. */
int arm_reg_index(unsigned cs_reg);
/* VFP register numbers: S0..S31 -> 0..31, D0..D31 -> 0..31, else -1. */
int arm_sreg_index(unsigned cs_reg);
int arm_dreg_index(unsigned cs_reg);

/* True if a Thumb halfword starts a 32-bit instruction. */
static inline bool thumb_is_32bit(uint16_t hw)
{
    return (hw >> 11) >= 0x1d;
}

#endif
