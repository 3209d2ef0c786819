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

#include "backend/interp.h"

#define GUEST_PAGE_BITS 12
#define GUEST_PAGE_SIZE (1u << GUEST_PAGE_BITS)
#define GUEST_PAGES (1u << (32 - GUEST_PAGE_BITS))

typedef struct TransBlock TransBlock;

/* Compiled code of a block: returns exit kind << 32 | next pc. */
typedef uint64_t (*JitFn)(void *state);

struct TransBlock {
    uint32_t pc, mode;
    uint32_t guest_start, guest_end; /* translated bytes [start, end) */
    unsigned ninsns;
    InterpCode *code;
    uint64_t exec_count;
    TransBlock *hash_next;
    TransBlock *page_next[2];  /* links in the lists of its first and last page */
    TransBlock *retired_next;
    atomic_bool valid;
    /* Tier 1 (backend/jit.c): set by the compile thread, read by the dispatcher. */
    _Atomic(JitFn) jit_fn;
    atomic_bool jit_busy; /* queued or compiling: the block must not be freed */
    bool jit_tried;       /* submitted once already (compiled, failed or dropped) */
    void *jit_resource;   /* LLVM resource tracker of the compiled code */
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

BlockCache *block_cache_new(PageCodeHook on_first_code, void *opaque);
void block_cache_set_release_hook(BlockCache *c, BlockReleaseHook hook, void *opaque);
void block_cache_free(BlockCache *c);

TransBlock *block_cache_lookup(BlockCache *c, uint32_t pc, uint32_t mode);
TransBlock *block_cache_insert(BlockCache *c, uint32_t pc, uint32_t mode, uint32_t guest_start, uint32_t guest_end,
                               unsigned ninsns, InterpCode *code);
/* Invalidate every block with bytes in [addr, addr + len); returns how many. */
unsigned block_cache_invalidate_range(BlockCache *c, uint32_t addr, uint64_t len);
bool block_cache_page_has_code(const BlockCache *c, uint32_t page);
void block_cache_collect(BlockCache *c);
void block_cache_flush(BlockCache *c);
const BlockCacheStats *block_cache_stats(const BlockCache *c);
/* Changes whenever a block is retired: cached block pointers are stale. */
uint32_t block_cache_epoch(const BlockCache *c);

#endif
