/* Translation-block cache: hash lookup, per-page lists, deferred freeing. */
#include "backend/block_cache.h"

#include <stdlib.h>

#define HASH_BITS 16
#define HASH_SIZE (1u << HASH_BITS)

struct BlockCache {
    TransBlock *hash[HASH_SIZE];
    TransBlock **pages; /* GUEST_PAGES list heads, one per guest page */
    /* Per page, which 64-byte chunks hold translated bytes (bit k: bytes
     * 64k..64k+63): a store next to code, the usual case for data kept
     * beside its code, misses every block without walking the page's list.
     * Bits are set as blocks arrive and recomputed after an invalidation. */
    uint64_t *code_chunks;
    TransBlock *retired;
    PageCodeHook on_first_code;
    void *opaque;
    BlockRetireHook on_retire;
    BlockReleaseHook on_release;
    void *jit_opaque;
    BlockCacheStats stats;
    uint32_t epoch;
};

static unsigned hash_key(uint32_t pc, uint32_t mode)
{
    uint32_t h = (pc >> 1) ^ (mode * 0x9e3779b1u);
    return (h ^ (h >> HASH_BITS)) & (HASH_SIZE - 1);
}

BlockCache *block_cache_new(PageCodeHook on_first_code, void *opaque)
{
    BlockCache *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->pages = calloc(GUEST_PAGES, sizeof *c->pages);
    c->code_chunks = calloc(GUEST_PAGES, sizeof *c->code_chunks);
    if (!c->pages || !c->code_chunks)
        abort();
    c->on_first_code = on_first_code;
    c->opaque = opaque;
    return c;
}

void block_cache_set_jit_hooks(BlockCache *c, BlockRetireHook on_retire, BlockReleaseHook on_release, void *opaque)
{
    c->on_retire = on_retire;
    c->on_release = on_release;
    c->jit_opaque = opaque;
}

static void free_block(TransBlock *tb)
{
    interp_free(tb->code);
    free(tb);
}

void block_cache_free(BlockCache *c)
{
    if (!c)
        return;
    /* Everything goes: no page lists to unlink from one by one (that walk
     * was 2% of `ls -l /`), no hooks to tell. */
    for (unsigned h = 0; h < HASH_SIZE; h++)
        for (TransBlock *tb = c->hash[h], *next; tb; tb = next) {
            next = tb->hash_next;
            free_block(tb);
        }
    for (TransBlock *tb = c->retired, *next; tb; tb = next) {
        next = tb->retired_next;
        free_block(tb);
    }
    free(c->pages);
    free(c->code_chunks);
    free(c);
}

TransBlock *block_cache_peek(const BlockCache *c, uint32_t pc, uint32_t mode)
{
    for (TransBlock *tb = c->hash[hash_key(pc, mode)]; tb; tb = tb->hash_next)
        if (tb->pc == pc && tb->mode == mode)
            return tb;
    return NULL;
}

TransBlock *block_cache_lookup(BlockCache *c, uint32_t pc, uint32_t mode)
{
    c->stats.lookups++;
    TransBlock *tb = block_cache_peek(c, pc, mode);
    c->stats.misses += !tb;
    return tb;
}

static uint32_t first_page(const TransBlock *tb)
{
    return tb->guest_start >> GUEST_PAGE_BITS;
}

static uint32_t last_page(const TransBlock *tb)
{
    return (tb->guest_end - 1) >> GUEST_PAGE_BITS;
}

#define CHUNK_BITS 6

/* The chunks of page that [lo, hi) touches. */
static uint64_t chunk_mask(uint32_t page, uint64_t lo, uint64_t hi)
{
    uint64_t base = (uint64_t)page << GUEST_PAGE_BITS;
    uint64_t from = lo > base ? lo - base : 0, to = hi < base + GUEST_PAGE_SIZE ? hi - base : GUEST_PAGE_SIZE;
    if (from >= to)
        return 0;
    unsigned first = (unsigned)(from >> CHUNK_BITS), last = (unsigned)((to - 1) >> CHUNK_BITS);
    uint64_t upto_last = last == 63 ? ~0ull : (1ull << (last + 1)) - 1;
    return upto_last & ~((1ull << first) - 1);
}

static void link_page(BlockCache *c, TransBlock *tb, uint32_t page, int slot)
{
    if (!c->pages[page] && c->on_first_code)
        c->on_first_code(c->opaque, page);
    tb->page_next[slot] = c->pages[page];
    c->pages[page] = tb;
    c->code_chunks[page] |= chunk_mask(page, tb->span_start, tb->span_end);
}

TransBlock *block_cache_insert(BlockCache *c, uint32_t pc, uint32_t mode, uint32_t guest_start, uint32_t guest_end,
                               unsigned ninsns, InterpCode *code)
{
    TransBlock *tb = calloc(1, sizeof *tb);
    if (!tb)
        abort();
    tb->pc = pc;
    tb->mode = mode;
    tb->guest_start = guest_start;
    tb->guest_end = guest_end;
    tb->span_start = guest_start;
    tb->span_end = guest_end;
    tb->ninsns = ninsns;
    tb->cost = ninsns;
    tb->code = code;
    atomic_init(&tb->valid, true);
    atomic_init(&tb->jit_fn, NULL);
    atomic_init(&tb->jit_busy, false);
    unsigned h = hash_key(pc, mode);
    tb->hash_next = c->hash[h];
    c->hash[h] = tb;
    link_page(c, tb, first_page(tb), 0);
    if (last_page(tb) != first_page(tb))
        link_page(c, tb, last_page(tb), 1);
    c->stats.translated++;
    return tb;
}

void block_cache_extend_span(BlockCache *c, TransBlock *tb, uint32_t start, uint32_t end)
{
    if (start < tb->span_start)
        tb->span_start = start;
    if (end > tb->span_end)
        tb->span_end = end;
    c->code_chunks[first_page(tb)] |= chunk_mask(first_page(tb), tb->span_start, tb->span_end);
    c->code_chunks[last_page(tb)] |= chunk_mask(last_page(tb), tb->span_start, tb->span_end);
}

static void unlink_hash(BlockCache *c, TransBlock *tb)
{
    TransBlock **p = &c->hash[hash_key(tb->pc, tb->mode)];
    while (*p != tb)
        p = &(*p)->hash_next;
    *p = tb->hash_next;
}

static int page_slot(const TransBlock *tb, uint32_t page)
{
    return first_page(tb) == page ? 0 : 1;
}

static void recompute_chunks(BlockCache *c, uint32_t page)
{
    uint64_t mask = 0;
    for (TransBlock *tb = c->pages[page]; tb; tb = tb->page_next[page_slot(tb, page)])
        mask |= chunk_mask(page, tb->span_start, tb->span_end);
    c->code_chunks[page] = mask;
}

static void unlink_page(BlockCache *c, TransBlock *tb, uint32_t page)
{
    TransBlock **p = &c->pages[page];
    while (*p != tb)
        p = &(*p)->page_next[page_slot(*p, page)];
    *p = tb->page_next[page_slot(tb, page)];
    if (!c->pages[page])
        c->code_chunks[page] = 0; /* otherwise stale bits stay until invalidate_page recomputes */
}

static void retire(BlockCache *c, TransBlock *tb)
{
    unlink_hash(c, tb);
    unlink_page(c, tb, first_page(tb));
    if (last_page(tb) != first_page(tb))
        unlink_page(c, tb, last_page(tb));
    tb->valid = false;
    c->epoch++;
    if (tb->region_refs && c->on_retire)
        c->on_retire(c->jit_opaque, tb);
    tb->retired_next = c->retired;
    c->retired = tb;
    c->stats.invalidated++;
}

static unsigned invalidate_page(BlockCache *c, uint32_t page, uint32_t lo, uint64_t hi)
{
    unsigned n = 0;
    if (!(c->code_chunks[page] & chunk_mask(page, lo, hi)))
        return 0; /* only data beside the code was written */
    TransBlock *tb = c->pages[page];
    while (tb) {
        TransBlock *next = tb->page_next[page_slot(tb, page)];
        if (tb->span_start < hi && tb->span_end > lo) {
            retire(c, tb);
            n++;
        }
        tb = next;
    }
    if (n)
        recompute_chunks(c, page);
    return n;
}

unsigned block_cache_invalidate_range(BlockCache *c, uint32_t addr, uint64_t len)
{
    if (len == 0)
        return 0;
    uint64_t end = (uint64_t)addr + len;
    unsigned n = 0;
    uint64_t last = (end - 1) >> GUEST_PAGE_BITS;
    for (uint64_t page = addr >> GUEST_PAGE_BITS; page <= last && page < GUEST_PAGES; page++)
        if (c->pages[page])
            n += invalidate_page(c, (uint32_t)page, addr, end);
    return n;
}

bool block_cache_page_has_code(const BlockCache *c, uint32_t page)
{
    return c->pages[page] != NULL;
}

void block_cache_collect(BlockCache *c)
{
    TransBlock **p = &c->retired;
    while (*p) {
        TransBlock *tb = *p;
        if (c->on_release && !c->on_release(c->jit_opaque, tb)) {
            p = &tb->retired_next; /* compile in flight: try again later */
            continue;
        }
        *p = tb->retired_next;
        free_block(tb);
    }
}

void block_cache_flush(BlockCache *c)
{
    for (unsigned h = 0; h < HASH_SIZE; h++)
        while (c->hash[h])
            retire(c, c->hash[h]);
}

const BlockCacheStats *block_cache_stats(const BlockCache *c)
{
    return &c->stats;
}

uint32_t block_cache_epoch(const BlockCache *c)
{
    return c->epoch;
}
