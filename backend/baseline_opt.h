/*
 * Block-local clean-up of the IR before the baseline tier emits it (the
 * LLVM tier gets the same from LLVM's own passes; the interpreter runs the
 * IR as translated, the reference):
 *   - a guest-state word loaded or stored earlier in the block is reused
 *     instead of loaded again, up to a label (a merge) or a helper call;
 *     across a conditional instruction (a forward branch over it to a
 *     label only it reaches) the words it does not touch stay known, and
 *     their stores stay pending for the two rules below;
 *   - a state store that a later store to the same word overwrites, with
 *     nothing in between that could observe it (a load of that word, a
 *     helper call, a branch or an exit), is dropped; if guest memory
 *     accesses lie in between (they may fault, and a fault shows the
 *     state), it is deferred instead: user mode's fault sites say where
 *     its value is, and the fault handler writes it (baseline_fault_site).
 *     Not a carry or an overflow (ADDC, ADDV): stored, it is a host setcc
 *     into its word; deferred, a setcc into a register held until the
 *     overwrite (bzip2 -9 and xz -9 3-4% faster stored);
 *   - a state store that every path overwrites before anything can see
 *     it (an exit, a helper call or a guest access sees every word) is
 *     dropped, across branches too (backward liveness of the words);
 *   - NOT of a constant, and the carry and overflow of adding zero (CMP,
 *     SUBS, CMN, ADDS with #0), become constants;
 *   - x + NOT u + cin with its carry or overflow wanted (SUBS, CMP with a
 *     register), or with a carry cin from an ADDC (SBC, SBCS), and a
 *     CMP's carry alone (ADDC x (NOT u) 1) mark the NOT
 *     (BASELINE_NOT_SUBTRAHEND): a host sub, sbb or cmp;
 *   - a compare that only a SELECT reads marks the compare
 *     (BASELINE_SET_FOR_SELECT): a host cmp and cmov;
 *   - x + (u << 1..3), the shift read by nothing else (ARM's register
 *     offsets scaled by LSL), marks the shift (BASELINE_SHL_SCALED): a
 *     host lea with a scaled index;
 *   - with `segment` (user mode, gs's base at guest address 0), x + u read
 *     only as a guest access's address marks the add (BASELINE_ADD_ADDRESS):
 *     the access addresses gs:[x + u], scaled too;
 *   - x + NOT u + 1 with no flag of it wanted (SUBS with a register,
 *     flags dead) becomes x - u;
 *   - (x + K1) + K2, the inner sum read by nothing else, becomes
 *     x + (K1 + K2) (what a SUBS #K whose flags are dead leaves);
 *   - user mode: a guest access to x + K (a small constant) reads x and
 *     keeps K in its imm (the host instruction's displacement); the add
 *     then often has no reader left;
 *   - ops whose results nobody reads are dropped, except guest loads (they
 *     may fault) and helper calls.
 * Branch targets (op indices, as interp_prepare leaves them) are remapped.
 */
#ifndef SCION_BASELINE_OPT_H
#define SCION_BASELINE_OPT_H

#include <stdbool.h>

#include "backend/interp.h"
#include "backend/scratch.h"

/* A deferred store (aux of a STS32): no code, but the fault sites between
 * it and the store that overwrites it (op keep_until) name its value,
 * which the word had at those sites. */
#define BASELINE_STS_DEFERRED 1u
/* With it: the word is a flag of the value named, its sign bit (N) or
 * whether it is zero (Z), so the op computing the flag may go. */
#define BASELINE_STS_SIGN 2u
#define BASELINE_STS_ZERO 4u
#define BASELINE_STS_DERIVE (BASELINE_STS_SIGN | BASELINE_STS_ZERO)

/* A NOT (aux) whose result only a subtract the baseline makes a host
 * sub, sbb or cmp reads (x + NOT u + cin with its carry or overflow, or
 * with the carry of an ADDC; an ADDC or ADDV of x, NOT u and 1): no code;
 * the baseline subtracts u, which stays live until the last of those ops
 * (keep_until). */
#define BASELINE_NOT_SUBTRAHEND 1u

/* A SETEQ, SETNE, SETLTU or SETLTS (aux) whose result only a SELECT
 * reads: no code; the SELECT compares the operands, which stay live until
 * it (keep_until), and moves on the host flags (cmp; cmov instead of
 * cmp; setcc; test; cmov).  ARM's shifts by a register are such selects. */
#define BASELINE_SET_FOR_SELECT 1u

/* A SHL by 1, 2 or 3 (aux) whose result only an ADD reads, as the ADD's
 * operand: no code; the ADD is lea [x + u * 2^n], and u stays live until
 * it (keep_until). */
#define BASELINE_SHL_SCALED 1u

/* User mode with BaselineRequest.segment: an ADD (aux) of two temps whose
 * only reader is a guest access, as its address: no code; the access
 * adds them itself, gs:[x + u] (or gs:[x + v * 2^n] when u is a marked
 * SHL v n), and they stay live until it (keep_until). */
#define BASELINE_ADD_ADDRESS 2u

/* User mode, BXWritePC's target (lower_exit_bx): t = AND x 1 (the Thumb
 * bit), m = ADD t -3, pc = AND x m, then EXIT_IND pc t.  The ADD and the
 * AND (aux), read by nothing else, get no code: the exit looks x itself
 * up (the lookup table's keys are pc | Thumb bit in user mode) and
 * computes the pc only when the lookup misses; x stays live until the exit
 * (keep_until). */
#define BASELINE_BX_PART 1u

/* Folded displacements stay below this in magnitude: x + K may then cross
 * 2^32 (or 0) only into the guard pages around user mode's guest space
 * (user/guest_mem.h), where the fault is the guest's fault at the wrapped
 * address, which is never mapped (GUEST_MIN_MAP). */
#define BASELINE_MAX_DISP 4096

static inline uint32_t baseline_derive(uint32_t v, unsigned derive)
{
    return derive & BASELINE_STS_SIGN ? v >> 31 : derive & BASELINE_STS_ZERO ? v == 0 : v;
}

/* A new op list in out->insns and per op its keep_until (0 unless its
 * operands must outlive it: a deferred store, a marked NOT or compare), both in s until its next reset; out->ntemps is code's.
 * memory_calls: guest memory accesses may run C that touches the state
 * (system mode slow paths), so they also end state reuse and deferral.
 * segment: BaselineRequest.segment (BASELINE_ADD_ADDRESS). */
void baseline_optimize(const InterpCode *code, bool memory_calls, bool segment, InterpCode *out, uint32_t **keep_until,
                       Scratch *s);

#endif
