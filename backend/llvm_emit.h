/*
 * The LLVM emitter: scion IR (as prepared for the interpreter) -> one LLVM
 * function  i64 NAME(ptr state)  returning exit kind << 32 | next pc.
 * Only backend/ includes LLVM headers.
 */
#ifndef SCION_LLVM_EMIT_H
#define SCION_LLVM_EMIT_H

#include <llvm-c/Core.h>

#include "backend/interp.h"

LLVMModuleRef llvm_emit_block(LLVMContextRef ctx, const InterpCode *code, const char *name);

#endif
