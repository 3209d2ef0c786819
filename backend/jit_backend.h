/*
 * The interface between the tier-1 driver (backend/jit.c: queue, compile
 * thread, installation) and the LLVM code generator, which lives in a
 * separate shared module (libscion-llvm.so, backend/llvm_backend.c) loaded
 * with dlopen the first time a block is compiled.  Short runs never pay for
 * loading and initialising LLVM.
 *
 * All calls for one backend come from one thread at a time.
 */
#ifndef SCION_JIT_BACKEND_H
#define SCION_JIT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/jit_unit.h"
#include "backend/log.h"

typedef struct JitBackendOps {
    void *(*create)(Log *log); /* NULL if LLVM cannot target this host */
    /* What compiled objects depend on besides the unit: LLVM version, host
     * triple, CPU and features (part of the code cache key). */
    const char *(*target_id)(void *backend);
    /* Compile a unit to a relocatable object file (malloc'd). */
    bool (*compile)(void *backend, const JitUnit *unit, uint8_t **object, size_t *size);
    /* Link an object; returns its function `name`; *resource identifies the
     * code for remove().  NULL if the object is unusable. */
    JitFn (*load)(void *backend, const uint8_t *object, size_t size, const char *name, void **resource);
    void (*remove)(void *backend, void *resource);
    /* Where to write a word of linked data (a chain cell) given the
     * address compiled code reads it at.  A pure function of the backend's
     * mappings: the dispatcher thread may call it while the compile thread
     * uses the backend. */
    void *(*writable)(void *backend, void *executable);
    /* Whether a host pc is in linked code (pure too, and async-signal-safe:
     * the fault handler asks). */
    bool (*owns_code)(void *backend, uintptr_t pc);
    /* In a child after fork(): give it linked code of its own (false if
     * that failed and no linked code may run). */
    bool (*fork_child)(void *backend);
    void (*destroy)(void *backend);
} JitBackendOps;

/* The module's one exported entry point. */
#define SCION_LLVM_BACKEND_SYMBOL "scion_llvm_backend_ops"
typedef const JitBackendOps *(*JitBackendEntry)(void);

/* System mode's TLB-miss paths (softmmu.h). */
uint64_t scion_sys_load(void *state, uint64_t addr, uint64_t size);
void scion_sys_store(void *state, uint64_t addr, uint64_t value, uint64_t size);
/* Where unlinked chain cells point: records the cell for the dispatcher to
 * link and returns to it with a jump to pc. */
uint64_t scion_chain_miss(void *state, void **link, uint64_t pc);

#endif
