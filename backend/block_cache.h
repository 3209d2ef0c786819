/*
 * The translation-block cache.
 *
 * Blocks are keyed by guest pc plus the mode bits that change translation
 * (Thumb, IT state).  Every block is also linked from each guest page it was
 * translated from, so a write to guest code invalidates exactly the blocks
 * of that page.  Invalidated blocks are unlinked at once but freed only at
 * block_cache_collect(), called by the dispatcher between blocks, because
 * the invalidating write may come from the very block that is running.
 *
 *   BlockCache *c = block_cache_new();
 *   TransBlock *tb = block_cache_lookup(c, pc, mode);
 *   if (!tb) tb = block_cache_insert(c, pc, mode, start, end, code);
 *   ...
 *   block_cache_invalidate_range(c, addr, len);
 *   block_cache_collect(c);
 */
#ifndef SCION_BLOCK_CACHE_H
#define SCION_BLOCK_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/baseline.h"
#include "backend/interp.h"
#include "backend/jit_unit.h"

#define GUEST_PAGE_BITS 12
#define GUEST_PAGE_SIZE (1u << GUEST_PAGE_BITS)
#define GUEST_PAGES (1u << (32 - GUEST_PAGE_BITS))

typedef struct TransBlock TransBlock;

struct TransBlock {
    uint32_t pc, mode;
    uint32_t guest_start, guest_end; /* translated bytes [start, end) */
    /* Bytes whose change retires the block: its own, or a superblock's
     * (superblock.h), within the pages of its own first and last byte. */
    uint32_t span_start, span_end;
    unsigned ninsns;
    unsigned cost;   /* what the block adds to CpuCommon.icount (ninsns unless the board weighs it) */
    InterpCode *code;
    BaselineCode baseline; /* its baseline tier code (backend/baseline.h) */
    uint64_t exec_count;
    unsigned interpreted; /* runs in the interpreter before baseline code (exec.c) */
    uint32_t likely_next; /* where its interpreted runs went most (superblock_note_exit) */
    uint8_t likely_votes;
    bool superblock_due; /* its baseline code counts runs in exec_count towards a superblock (exec.c) */
    bool exits_counted;  /* exit_runs and exit_pc hold what counting code measured */
    uint32_t exit_runs[BASELINE_MAX_SITES]; /* per linkable exit of the counting code: how often */
    uint32_t exit_pc[BASELINE_MAX_SITES];   /* and where to */
    TransBlock *hash_next;
    TransBlock *page_next[2];  /* links in the lists of its first and last page */
    TransBlock *retired_next;
    atomic_bool valid;
    /* Tier 1 (backend/jit.c), all on the dispatcher's thread. */
    _Atomic(JitFn) jit_fn; /* code of the region this block heads */
    atomic_bool jit_busy;  /* its region is compiling: the block must not be freed */
    bool jit_tried;        /* submitted already (compiled, failed or dropped) */
    unsigned region_refs;  /* regions (live or compiling) that contain this block */
    /* Successors seen at run time, so the dispatcher skips the hash lookup;
     * valid while the cache's epoch is unchanged (no block was retired). */
    struct {
        uint32_t pc, mode, epoch;
        TransBlock *tb;
    } succ[2];
};

typedef struct BlockCacheStats {
    uint64_t translated, invalidated, lookups, misses;
} BlockCacheStats;

typedef struct BlockCache BlockCache;

/* Called with each guest page that gains its first block (for write protection). */
typedef void (*PageCodeHook)(void *opaque, uint32_t page);
/* Called before a retired block is freed; returns false to keep it for later
 * (its compiled code is still being produced). */
typedef bool (*BlockReleaseHook)(void *opaque, TransBlock *tb);
/* Called when a block that is part of compiled regions is retired. */
typedef void (*BlockRetireHook)(void *opaque, TransBlock *tb);

BlockCache *block_cache_new(PageCodeHook on_first_code, void *opaque);
void block_cache_set_jit_hooks(BlockCache *c, BlockRetireHook on_retire, BlockReleaseHook on_release, void *opaque);
void block_cache_free(BlockCache *c);

TransBlock *block_cache_lookup(BlockCache *c, uint32_t pc, uint32_t mode);
/* The same without counting a lookup (for region formation). */
TransBlock *block_cache_peek(const BlockCache *c, uint32_t pc, uint32_t mode);
TransBlock *block_cache_insert(BlockCache *c, uint32_t pc, uint32_t mode, uint32_t guest_start, uint32_t guest_end,
                               unsigned ninsns, InterpCode *code);
/* tb's span grows to cover [start, end) too, which must lie on the pages
 * of tb's first and last byte. */
void block_cache_extend_span(BlockCache *c, TransBlock *tb, uint32_t start, uint32_t end);
/* Invalidate every block whose span has bytes in [addr, addr + len); returns how many. */
unsigned block_cache_invalidate_range(BlockCache *c, uint32_t addr, uint64_t len);
bool block_cache_page_has_code(const BlockCache *c, uint32_t page);
void block_cache_collect(BlockCache *c);
void block_cache_flush(BlockCache *c);
const BlockCacheStats *block_cache_stats(const BlockCache *c);
/* Changes whenever a block is retired: cached block pointers are stale. */
uint32_t block_cache_epoch(const BlockCache *c);

#endif
