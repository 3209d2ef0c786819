/*
 * The LLVM emitter: a JitUnit -> one LLVM function (see llvm_emit.c for the
 * shape of the code).  Only backend/ includes LLVM headers.
 */
#ifndef SCION_LLVM_EMIT_H
#define SCION_LLVM_EMIT_H

#include <llvm-c/Core.h>

#include "backend/jit_unit.h"

LLVMModuleRef llvm_emit_unit(LLVMContextRef ctx, const JitUnit *unit);

#endif
