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

#include "backend/block_cache.h"
#include "backend/log.h"

typedef struct JitBackendOps {
    void *(*create)(Log *log); /* NULL if LLVM cannot target this host */
    /* Compile one block; *resource identifies its code for remove(). */
    JitFn (*compile)(void *backend, const InterpCode *code, const char *name, void **resource);
    void (*remove)(void *backend, void *resource);
    void (*destroy)(void *backend);
} JitBackendOps;

/* The module's one exported entry point. */
#define SCION_LLVM_BACKEND_SYMBOL "scion_llvm_backend_ops"
typedef const JitBackendOps *(*JitBackendEntry)(void);

/* Slow paths called from compiled code (host address = mem_base + guest). */
uint64_t scion_mem_load(uint8_t *host, uint64_t size);
void scion_mem_store(uint8_t *host, uint64_t value, uint64_t size);

#endif
