/*
 * The two sides of the comparison.
 *
 * ScionRunner runs a case through scion's translator and either tier:
 * the IR interpreter (translate_block + interp_run per block) or the LLVM
 * tier (block cache + JIT_SYNC compilation, then the compiled function).
 * Guest memory is a 4 GiB PROT_NONE reservation with the code and data
 * pages mapped, as in scion's user mode, so a stray access faults.
 *
 * UcRunner runs the same case under Unicorn (Cortex-A15 model, user mode,
 * VFP enabled through FPEXC.EN).
 */
#ifndef SCION_DIFFTEST_RUNNERS_H
#define SCION_DIFFTEST_RUNNERS_H

#include "tests/difftest/dt.h"

typedef enum DtTier { DT_TIER_INTERP, DT_TIER_JIT, DT_TIER_BASELINE } DtTier;

typedef struct ScionRunner ScionRunner;
ScionRunner *scion_runner_new(bool want_jit);
void scion_runner_free(ScionRunner *s);
void scion_run(ScionRunner *s, const DtCase *c, DtTier tier, DtResult *out);
/* Print the IR of every block translated from now on (to out, or stop if NULL). */
void scion_runner_trace(ScionRunner *s, FILE *out);

typedef struct UcRunner UcRunner;
UcRunner *uc_runner_new(void);
void uc_runner_free(UcRunner *u);
void uc_run(UcRunner *u, const DtCase *c, DtResult *out);

/* Bytes of a case's code as laid out in guest memory. */
size_t dt_code_bytes(const DtCase *c, uint8_t *buf, size_t cap);

#endif
