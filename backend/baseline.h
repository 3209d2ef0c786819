/*
 * The baseline tier: scion IR to x86-64 machine code in one pass, a few
 * microseconds per block, so code that runs only a handful of times still
 * runs as host code instead of in the IR interpreter.  The LLVM tier takes
 * over hot code later; the interpreter stays the reference (and runs
 * anything the baseline declines: huge blocks, or a host without
 * executable memory).
 *
 * The translation is template-like and deliberately simple: every temp has
 * a stack slot, constants are folded into the instructions that use them,
 * guest memory is reached inline (the flat mapping in user mode, the
 * softmmu TLB's fast path in system mode with the same slow-path calls as
 * the interpreter), helpers are called with the interpreter's arguments.
 * Results are exactly the interpreter's: the same IR semantics, op by op.
 *
 *   Baseline *bl = baseline_new();
 *   BaselineFn fn = baseline_compile(bl, tb->code, softmmu);
 *   IrExitKind why = fn(cpu, &next_pc);
 */
#ifndef SCION_BASELINE_H
#define SCION_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/interp.h"

typedef enum BaselineMode {
    BASELINE_ON,    /* the default: blocks run as baseline code from their first run */
    BASELINE_OFF,   /* the IR interpreter runs what the LLVM tier has not compiled */
    BASELINE_CHECK, /* every baseline run is checked against the interpreter */
} BaselineMode;

/* "on", "off" or "check"; false for anything else. */
bool baseline_parse_mode(const char *s, BaselineMode *mode);

typedef IrExitKind (*BaselineFn)(void *state, uint32_t *next_pc);

typedef struct Baseline Baseline;

typedef struct BaselineStats {
    uint64_t compiled, declined; /* blocks */
    uint64_t code_bytes;         /* emitted in all */
    uint64_t resets;             /* times the code arena filled up and started over */
} BaselineStats;

/* NULL when the host gives no executable memory. */
Baseline *baseline_new(void);
void baseline_free(Baseline *bl);
/* Host code for a prepared block (interp_prepare's form), or NULL if the
 * block is not compiled (run it in the interpreter).  softmmu: guest memory
 * goes through CpuCommon's TLB (system mode), else the flat mapping at
 * CpuCommon.mem_base.  May reset the code arena: call only while no
 * baseline code is running, and check baseline_valid before reusing older
 * results. */
BaselineFn baseline_compile(Baseline *bl, const InterpCode *code, bool softmmu);
/* In the child after fork(): forget all code (it lives in memory shared
 * with the parent) and take an arena of the child's own. */
void baseline_fork_child(Baseline **bl);
/* The generation that results of baseline_compile belong to now. */
uint32_t baseline_generation(const Baseline *bl);
BaselineStats baseline_stats(const Baseline *bl);

#endif
