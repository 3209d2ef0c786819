/*
 * Tier 1: hot blocks compiled through LLVM (ORC LLJIT) on a background
 * thread and installed into their TransBlock atomically.
 *
 *   Jit *jit = jit_new(JIT_BACKGROUND, &log);
 *   ...
 *   if (++tb->exec_count == threshold) jit_submit(jit, tb);
 *   JitFn fn = atomic_load(&tb->jit_fn);   // run it when set
 *   ...
 *   jit_release(jit, tb);                  // before freeing a retired block
 *
 * Compiled code reaches guest memory through CpuCommon.page_flags checks
 * and the scion_mem_* slow paths, and calls helpers by name; the backend
 * resolves those names to this process's functions.  LLVM itself is loaded
 * (as a shared module) by the compile thread when the first block is
 * compiled, so short runs never load it.
 */
#ifndef SCION_JIT_H
#define SCION_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/block_cache.h"
#include "backend/log.h"

typedef enum JitMode {
    JIT_OFF,        /* interpreter only */
    JIT_BACKGROUND, /* hot blocks compiled on a worker thread (default) */
    JIT_SYNC,       /* hot blocks compiled before they run again */
    JIT_ALWAYS,     /* every block compiled before its first run */
    JIT_CHECK,      /* as ALWAYS, and every run checked against the interpreter */
} JitMode;

typedef struct JitStats {
    uint64_t compiled, failed, discarded;
    double compile_seconds;
} JitStats;

typedef struct Jit Jit;

Jit *jit_new(JitMode mode, Log *log);
/* Stop the compile thread; compiled code stays usable until jit_free. */
void jit_stop(Jit *j);
void jit_free(Jit *j);
JitMode jit_mode(const Jit *j);
/* Queue (or, in sync modes, compile now) a block's code. */
void jit_submit(Jit *j, TransBlock *tb);
/* Free a retired block's compiled code; false while a compile is in flight. */
bool jit_release(Jit *j, TransBlock *tb);
void jit_stats(Jit *j, JitStats *out);
/* Around fork(): no compile is in progress while the process is copied, and
 * the child gets a compile thread of its own. */
void jit_fork_prepare(Jit *j);
void jit_fork_parent(Jit *j);
void jit_fork_child(Jit *j);
bool jit_parse_mode(const char *s, JitMode *mode);

#endif
