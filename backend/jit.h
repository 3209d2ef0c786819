/*
 * Tier 1: hot code compiled through LLVM (ORC LLJIT) on a background thread.
 *
 * When a block gets hot the dispatcher forms a region around it (region.h)
 * and queues it; the compile thread turns the region into one host
 * function (or links it from the persistent code cache) and hands it back;
 * the dispatcher installs it as the head block's code at its next poll.
 * Everything that touches blocks and regions runs on the dispatcher's
 * thread; the compile thread sees only its own copies of the IR.
 *
 *   Jit *jit = jit_new(JIT_BACKGROUND, &log, &config);
 *   if (++tb->exec_count == threshold) jit_submit_region(jit, tb, threshold / 2);
 *   jit_poll(jit);                          // install finished code
 *   JitFn fn = atomic_load(&tb->jit_fn);    // run it when set
 *   jit_link(jit, cell, fn);                // chain an exit to compiled code
 *   jit_collect(jit, &cpu->common);         // after blocks were retired
 */
#ifndef SCION_JIT_H
#define SCION_JIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/block_cache.h"
#include "backend/code_cache.h"
#include "backend/cpu_common.h"
#include "backend/log.h"
#include "backend/region_recipes.h"
#include "translator/translate.h"

typedef enum JitMode {
    JIT_OFF,        /* interpreter only */
    JIT_BACKGROUND, /* hot regions compiled on a worker thread (default) */
    JIT_SYNC,       /* hot regions compiled before they run again */
    JIT_ALWAYS,     /* every block compiled before its first run */
    JIT_CHECK,      /* as ALWAYS, unchained, every run checked against the interpreter */
} JitMode;

typedef struct JitConfig {
    BlockCache *cache;
    GuestFetchFn fetch; /* guest bytes, for the code cache key */
    void *fetch_opaque;
    const char *code_cache_dir; /* NULL: no persistent code cache */
    uint64_t code_cache_max;    /* its size bound in bytes */
    bool chain;                 /* link compiled code (false: every exit returns) */
    bool count;                 /* compiled code counts what it runs (--stats, -jit check) */
    bool softmmu;               /* system mode: memory through the TLB */
    bool icount;                /* deterministic mode (CpuCommon.icount) */
    uint32_t page_local_bits;   /* system mode: see jit_direct_target_mode */
} JitConfig;

typedef struct JitStats {
    uint64_t units, unit_blocks; /* compiled or loaded units, and the blocks in them */
    uint64_t failed, discarded, retired;
    uint64_t links, unlink_rounds;
    double compile_seconds;      /* on the compile thread */
    CodeCacheStats code_cache;
    RecipeStats recipes;
} JitStats;

typedef struct Jit Jit;

Jit *jit_new(JitMode mode, Log *log, const JitConfig *config);
/* Stop the compile thread; compiled code stays usable until jit_free. */
void jit_stop(Jit *j);
void jit_free(Jit *j);
JitMode jit_mode(const Jit *j);
/* Whether host_pc is in LLVM code (async-signal-safe). */
bool jit_owns_code(Jit *j, uintptr_t host_pc);
/* Compile (queue, or in the synchronous modes compile now) the block alone,
 * or the region headed by it of blocks that ran at least min_runs times. */
void jit_submit(Jit *j, TransBlock *tb);
void jit_submit_region(Jit *j, TransBlock *head, uint64_t min_runs);
/* The program being run (tcache_program_key): regions are then formed as
 * earlier runs of it formed them (region_recipes.h), and new ones are
 * kept by jit_save_recipes (at exit or execve). */
void jit_set_program(Jit *j, const uint8_t key[SHA256_SIZE]);
void jit_save_recipes(Jit *j);
/* Install code the compile thread has finished (dispatcher thread). */
void jit_poll_slow(Jit *j);
static inline void jit_poll(Jit *j, const atomic_uint *pending)
{
    if (atomic_load_explicit(pending, memory_order_relaxed))
        jit_poll_slow(j);
}
const atomic_uint *jit_done_counter(const Jit *j);
/* Point an exit cell of compiled code at fn (fn's region stays linked until
 * the next jit_collect). */
void jit_link(Jit *j, void **cell, JitFn fn);
/* After blocks were retired, before block_cache_collect: unlink every chain
 * and cpu's lookup table (cpu may be NULL), free the code of retired regions. */
void jit_collect(Jit *j, CpuCommon *cpu);
/* May a retired block be freed (false while its region compiles)? */
bool jit_release(Jit *j, TransBlock *tb);
void jit_stats(Jit *j, JitStats *out);
/* While held, the compile thread finishes the unit it is on and then
 * takes no new work: the board holds it while it saves a snapshot, so the
 * compressing threads have the cores. */
void jit_hold(Jit *j, bool hold);
/* Around fork(): no compile is in progress while the process is copied, and
 * the child compiles synchronously from then on. */
void jit_fork_prepare(Jit *j);
void jit_fork_parent(Jit *j);
void jit_fork_child(Jit *j);
bool jit_parse_mode(const char *s, JitMode *mode);

#endif
