/*
 * Tier 0: the IR interpreter.
 *
 * interp_prepare turns a validated IrBlock into InterpCode (labels resolved
 * to op indices, missing call arguments pointed at a zero temp); interp_run
 * executes it against a guest CPU state that starts with a CpuCommon.
 *
 *   InterpCode *code = interp_prepare(block);
 *   uint32_t next;
 *   IrExitKind why = interp_run(code, cpu, &next);
 */
#ifndef SCION_INTERP_H
#define SCION_INTERP_H

#include "translator/ir.h"

typedef struct InterpCode {
    IrInsn *insns;
    size_t count;
    unsigned ntemps; /* including the zero temp */
} InterpCode;

InterpCode *interp_prepare(const IrBlock *b);
void interp_free(InterpCode *code);
IrExitKind interp_run(const InterpCode *code, void *state, uint32_t *next_pc);

/* The value of a 32-bit op without side effects (ADD ... ZEXT16 in
 * ir_ops.h) on constant operands, computed by interp_run itself, so that
 * constant folding has no semantics of its own. */
uint32_t interp_eval32(uint8_t op, const uint32_t args[3]);
static inline bool interp_op_is_pure32(uint8_t op)
{
    return op >= IR_ADD && op <= IR_ZEXT16;
}

#endif
