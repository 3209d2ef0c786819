/*
 * Guest block -> IR.  A Translator owns the Capstone decoder and the
 * dispatch table built from the instruction families.
 *
 *   Translator *t = translator_new();
 *   TranslateResult r;
 *   if (translate_block(t, fetch, opaque, pc, mode, &r) == TRANSLATE_OK)
 *       run(r.ir) ...
 *
 * Blocks end at branches and other exits, at exceptions, after
 * TRANSLATE_MAX_INSNS instructions and at guest page boundaries (an
 * instruction may straddle one; guest_end then lies in the next page).
 */
#ifndef SCION_TRANSLATE_H
#define SCION_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/arm_cpu.h"
#include "translator/ir.h"

#define TRANSLATE_MAX_INSNS 128
#define TRANSLATE_PAGE_SIZE 4096u

typedef struct Translator Translator;

/* Copies up to len executable guest bytes at addr into buf; returns how many
 * were available (fewer at the end of executable memory). */
typedef size_t (*GuestFetchFn)(void *opaque, uint32_t addr, uint8_t *buf, size_t len);

typedef struct TranslateResult {
    IrBlock *ir;        /* owned by the translator, valid until the next call */
    uint32_t guest_start, guest_end; /* bytes [start, end) were translated */
    unsigned ninsns;
} TranslateResult;

typedef enum TranslateStatus {
    TRANSLATE_OK,
    TRANSLATE_FETCH_FAULT, /* the first instruction is not executable */
} TranslateStatus;

Translator *translator_new(void);
void translator_free(Translator *t);
/* Translate for a full system (privileged instructions, exceptions) rather
 * than Linux user mode. */
void translator_set_system(Translator *t, bool system);
/* The guest CPU (ARM_MODEL_CORTEX_A15 unless set). */
void translator_set_model(Translator *t, ArmModel model);

TranslateStatus translate_block(Translator *t, GuestFetchFn fetch, void *opaque, uint32_t pc, uint32_t mode,
                                TranslateResult *out);

/* Disassemble one instruction for diagnostics into buf ("" if invalid). */
void translator_disasm(Translator *t, const uint8_t *bytes, size_t len, uint32_t pc, bool thumb, char *buf,
                       size_t buflen, unsigned *size);

/* The Capstone id handled by no family: for the coverage unit test. */
bool translator_handles(const Translator *t, unsigned cs_id);

#endif
