/*
 * Where the LLVM tier's linked code and data live: one memfd mapped twice,
 * writable at one address and executable at another (no page is both), as
 * the baseline tier's code arena is.  RuntimeDyld (ORC's RTDyld object
 * linking layer, through MCJIT-style memory manager callbacks) writes and
 * relocates each object's sections in the writable view; the code runs from
 * the executable view, the same distance away, so every PC-relative
 * reference between an object's sections stays right.
 *
 * Why not ORC's default memory manager: it maps each object's sections on
 * pages of their own, three pages per unit, and hot code scattered over
 * hundreds of pages ran 1.8x slower than the same code packed (measured by
 * spreading the baseline tier's blocks the same way).  Here objects are
 * packed one after another, and the space of removed objects is reused.
 *
 * The heap has a fixed size: when it is full, objects fail to link and
 * their blocks stay in the baseline tier.
 */
#ifndef SCION_LLVM_MEMORY_H
#define SCION_LLVM_MEMORY_H

#include <llvm-c/Orc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct LlvmMemory LlvmMemory;

LlvmMemory *llvm_memory_new(size_t size);
void llvm_memory_free(LlvmMemory *m);

/* The object linking layer that allocates from m (for
 * LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator). */
LLVMOrcObjectLayerRef llvm_memory_object_layer(LlvmMemory *m, LLVMOrcExecutionSessionRef es);

/* A linked address (in the writable view, as RuntimeDyld sees it) as the
 * address to run it at, and an executable-view address as the address to
 * write it at; other addresses come back unchanged. */
uintptr_t llvm_memory_executable(const LlvmMemory *m, uintptr_t linked);
void *llvm_memory_writable(const LlvmMemory *m, void *executable);

/* Whether executable-view address x is in m (async-signal-safe). */
bool llvm_memory_contains(const LlvmMemory *m, uintptr_t x);

/* In a child after fork(): the memfd is shared with the parent, so copy
 * what it holds into one of the child's own, mapped at the same addresses
 * (linked code and ORC's records of it stay valid).  False if that failed
 * part way: then the views may no longer be mapped. */
bool llvm_memory_fork_child(LlvmMemory *m);

#endif
