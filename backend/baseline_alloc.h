/*
 * Register allocation for the baseline tier: one linear scan over a
 * block's IR.  Temps are single-assignment and control flow only goes
 * forward, so a temp is live exactly from its defining op to its last
 * reader in op order, on every path; each temp gets one host register for
 * that whole range, or none (its stack slot).  When none is free, the temp
 * whose range reaches furthest goes to its slot (Poletto and Sarkar's
 * linear scan).  Temps live across an op that
 * calls C (helpers; in system mode, the TLB slow path of every guest memory
 * access) prefer callee-saved registers; those left in caller-saved ones
 * are saved around the call by the code generator.
 */
#ifndef SCION_BASELINE_ALLOC_H
#define SCION_BASELINE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/interp.h"
#include "backend/scratch.h"
#include "backend/x64_asm.h"

#define BASELINE_NO_REG (-1)

typedef struct BaselineAlloc {
    int8_t *reg;        /* per temp: an X64Reg, or BASELINE_NO_REG */
    uint32_t *def;      /* per temp: index of its defining op */
    uint32_t *last_use; /* per temp: index of its last reader (0: never read) */
    unsigned spilled;   /* temps read that got no register */
    unsigned spill_cost; /* memory accesses spilling adds: a store of each
                            spilled temp without a state home, a load per read */
    /* per temp with no register that loads a state word nothing rewrites
     * while it lives: that word's offset, its home instead of a stack
     * slot; else BASELINE_NO_HOME */
    uint32_t *state_home;
} BaselineAlloc;

#define BASELINE_NO_HOME UINT32_MAX

/* The host registers temps may live in, and whether the C ABI keeps them
 * across calls. */
bool baseline_reg_callee_saved(X64Reg r);

/* memory_calls: guest loads and stores may call C (system mode).
 * keep_until (baseline_optimize's): a deferred store's value stays where
 * it is until that op.  The registers of the npinned pinned words at
 * state offsets pinned_off (baseline_pinned_reg) are not the allocator's
 * to share out, but a temp that reads or is stored to such a word may
 * live in its register (baseline_alloc.c, pinned_home).  The arrays live in s
 * until its next reset. */
void baseline_alloc(const InterpCode *code, bool memory_calls, bool segment, const uint32_t *keep_until,
                    const uint32_t *pinned_off, unsigned npinned, BaselineAlloc *out, Scratch *s);
/* The host register of pinned state word k. */
X64Reg baseline_pinned_reg(unsigned k);
/* The index of state offset off among the npinned pinned words at
 * pinned_off, or -1. */
static inline int baseline_pinned_index(const uint32_t *pinned_off, unsigned npinned, uint64_t off)
{
    for (unsigned k = 0; k < npinned; k++)
        if (pinned_off[k] == off)
            return (int)k;
    return -1;
}
/* Does temp t hold a value that op i must keep across a call it makes? */
static inline bool baseline_live_across(const BaselineAlloc *a, unsigned t, uint32_t i)
{
    return a->def[t] < i && a->last_use[t] > i;
}

#endif
