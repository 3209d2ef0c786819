/*
 * Block-local clean-up of the IR before the baseline tier emits it (the
 * LLVM tier gets the same from LLVM's own passes; the interpreter runs the
 * IR as translated, the reference):
 *   - a guest-state word loaded or stored earlier in the block is reused
 *     instead of loaded again, up to a label (a merge) or a helper call;
 *   - a state store that a later store to the same word overwrites, with
 *     nothing in between that could observe it (a load of that word, a
 *     helper call, a guest memory access that may fault, a branch or an
 *     exit), is dropped;
 *   - NOT of a constant, and the carry and overflow of adding zero (CMP,
 *     SUBS, CMN, ADDS with #0), become constants;
 *   - ops whose results nobody reads are dropped, except guest loads (they
 *     may fault) and helper calls.
 * Branch targets (op indices, as interp_prepare leaves them) are remapped.
 */
#ifndef SCION_BASELINE_OPT_H
#define SCION_BASELINE_OPT_H

#include <stdbool.h>

#include "backend/interp.h"
#include "backend/scratch.h"

/* A new op list in out->insns (in s, until its next reset); out->ntemps is code's.
 * memory_calls: guest memory accesses may run C that touches the state
 * (system mode slow paths), so they also end state reuse. */
void baseline_optimize(const InterpCode *code, bool memory_calls, InterpCode *out, Scratch *s);

#endif
