/*
 * -jit check and -baseline check: every compiled block (an LLVM unit or a
 * block's baseline code) runs twice, in the interpreter (on the
 * machine's real state, so faults behave as with -jit off) and compiled (on
 * a copy, against the same memory after the interpreter's stores are
 * undone).  Any difference in registers, flags, VFP state, exit or stored
 * bytes stops the guest with a report naming the block and the field.
 */
#ifndef SCION_TIER_CHECK_H
#define SCION_TIER_CHECK_H

#include "backend/machine.h"

/* Returns the block's exit kind (the interpreter's), or IR_EXIT_UNIMPL-like
 * STEP_TIER_MISMATCH after reporting a difference. */
int tier_check_run(Machine *m, TransBlock *tb, JitFn fn);
int tier_check_baseline(Machine *m, TransBlock *tb, const BaselineCode *base);

#endif
