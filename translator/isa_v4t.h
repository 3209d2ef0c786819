/*
 * The ARMv4T instruction set (the ARM7TDMI of the Game Boy Advance) as a
 * subset of what the decoder knows: later instructions (BLX, CLZ, LDRD,
 * saturating and media instructions, Thumb-2, coprocessor access on a core
 * without coprocessors) are UNDEFINED there.  The semantic differences of
 * the instructions it does have are in the lowerings (LowerCtx.v4t).
 */
#ifndef SCION_ISA_V4T_H
#define SCION_ISA_V4T_H

#include <stdbool.h>

#include "frontend/arm_decode.h"

bool isa_v4t_has(const ArmInsn *insn);

#endif
