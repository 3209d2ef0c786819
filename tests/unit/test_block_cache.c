/* Block cache: lookup by (pc, mode), page lists, invalidation, hooks. */
#include <check.h>
#include <stdlib.h>

#include "backend/block_cache.h"

typedef struct HookLog {
    uint32_t pages[8];
    int count;
} HookLog;

static void record_page(void *opaque, uint32_t page)
{
    HookLog *h = opaque;
    if (h->count < 8)
        h->pages[h->count++] = page;
}

static InterpCode *dummy_code(void)
{
    InterpCode *c = calloc(1, sizeof *c);
    c->insns = calloc(1, sizeof *c->insns);
    return c;
}

START_TEST(lookup_by_pc_and_mode)
{
    BlockCache *c = block_cache_new(NULL, NULL);
    TransBlock *arm = block_cache_insert(c, 0x8000, 0, 0x8000, 0x8010, 4, dummy_code());
    TransBlock *thumb = block_cache_insert(c, 0x8000, 1, 0x8000, 0x8008, 4, dummy_code());
    ck_assert_ptr_eq(block_cache_lookup(c, 0x8000, 0), arm);
    ck_assert_ptr_eq(block_cache_lookup(c, 0x8000, 1), thumb);
    ck_assert_ptr_null(block_cache_lookup(c, 0x8000, 3));
    ck_assert_ptr_null(block_cache_lookup(c, 0x8004, 0));
    block_cache_free(c);
}
END_TEST

START_TEST(invalidate_only_overlapping_blocks)
{
    BlockCache *c = block_cache_new(NULL, NULL);
    block_cache_insert(c, 0x8000, 0, 0x8000, 0x8010, 4, dummy_code());
    block_cache_insert(c, 0x8100, 0, 0x8100, 0x8110, 4, dummy_code());
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x8010, 0xf0), 0);
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x800c, 4), 1);
    ck_assert_ptr_null(block_cache_lookup(c, 0x8000, 0));
    ck_assert_ptr_nonnull(block_cache_lookup(c, 0x8100, 0));
    ck_assert(block_cache_page_has_code(c, 0x8));
    block_cache_invalidate_range(c, 0x8000, 0x1000);
    ck_assert(!block_cache_page_has_code(c, 0x8));
    block_cache_collect(c);
    ck_assert_uint_eq(block_cache_stats(c)->invalidated, 2);
    block_cache_free(c);
}
END_TEST

/* The 64-byte chunk map that lets stores beside code skip the block lists
 * must never hide a block: edges of chunks and pages, blocks re-added after
 * an invalidation. */
START_TEST(chunk_map_never_hides_a_block)
{
    BlockCache *c = block_cache_new(NULL, NULL);
    block_cache_insert(c, 0x8030, 0, 0x8030, 0x8048, 4, dummy_code()); /* chunks 0 and 1 */
    block_cache_insert(c, 0x8fc0, 0, 0x8fc0, 0x9000, 4, dummy_code()); /* the last chunk */
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x802c, 4), 0);  /* chunk 0, before the block */
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x8048, 8), 0);  /* chunk 1, after it */
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x8080, 64), 0); /* a chunk without code */
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x8fff, 1), 1);  /* last byte of the page */
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x8047, 1), 1);  /* last byte of the block */
    /* A block added where one was invalidated is found again. */
    block_cache_insert(c, 0x8040, 0, 0x8040, 0x8050, 4, dummy_code());
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x804c, 2), 1);
    /* A block straddling two pages is found from either. */
    block_cache_insert(c, 0x9ffc, 1, 0x9ffc, 0xa002, 2, dummy_code());
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0xa001, 1), 1);
    ck_assert(!block_cache_page_has_code(c, 0x9));
    block_cache_collect(c);
    block_cache_free(c);
}
END_TEST

START_TEST(block_straddling_pages_is_in_both)
{
    HookLog log = {0};
    BlockCache *c = block_cache_new(record_page, &log);
    TransBlock *tb = block_cache_insert(c, 0x8ffc, 1, 0x8ffc, 0x9002, 2, dummy_code());
    ck_assert_int_eq(log.count, 2);
    ck_assert_uint_eq(log.pages[0], 0x8);
    ck_assert_uint_eq(log.pages[1], 0x9);
    ck_assert(block_cache_page_has_code(c, 0x9));
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x9000, 1), 1);
    ck_assert(!tb->valid); /* retired but not freed until collect */
    ck_assert(!block_cache_page_has_code(c, 0x8));
    ck_assert(!block_cache_page_has_code(c, 0x9));
    block_cache_collect(c);
    block_cache_free(c);
}
END_TEST

START_TEST(invalidate_range_at_top_of_address_space)
{
    BlockCache *c = block_cache_new(NULL, NULL);
    block_cache_insert(c, 0xfffffff0, 0, 0xfffffff0, 0xfffffffc, 3, dummy_code());
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0xfffff000, 0x1000), 1);
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0, 0), 0);
    block_cache_free(c);
}
END_TEST

/* A superblock's head covers its successors' bytes too (superblock.h):
 * flushing only a successor's bytes (a JIT writing through another
 * mapping, then cacheflush) retires the head, also when they lie in
 * another 64-byte chunk than the head's own; bytes past the span do not. */
START_TEST(a_superblocks_span_retires_its_head)
{
    BlockCache *c = block_cache_new(NULL, NULL);
    TransBlock *head = block_cache_insert(c, 0x8008, 0, 0x8008, 0x8014, 3, dummy_code());
    block_cache_insert(c, 0x8180, 0, 0x8180, 0x8188, 2, dummy_code());
    block_cache_extend_span(c, head, 0x8180, 0x8188);
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x8200, 0x40), 0);
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x8184, 4), 2);
    ck_assert_ptr_null(block_cache_lookup(c, 0x8008, 0));
    /* the span alone marks its chunks: no block of its own there */
    head = block_cache_insert(c, 0x9008, 0, 0x9008, 0x9014, 3, dummy_code());
    block_cache_extend_span(c, head, 0x9180, 0x9188);
    ck_assert_uint_eq(block_cache_invalidate_range(c, 0x9180, 2), 1);
    block_cache_collect(c);
    block_cache_free(c);
}
END_TEST

START_TEST(flush_removes_everything)
{
    BlockCache *c = block_cache_new(NULL, NULL);
    for (uint32_t i = 0; i < 1000; i++)
        block_cache_insert(c, 0x10000 + i * 8, 0, 0x10000 + i * 8, 0x10000 + i * 8 + 8, 2, dummy_code());
    ck_assert_ptr_nonnull(block_cache_lookup(c, 0x10000 + 999 * 8, 0));
    block_cache_flush(c);
    ck_assert_ptr_null(block_cache_lookup(c, 0x10000, 0));
    ck_assert_uint_eq(block_cache_stats(c)->translated, 1000);
    block_cache_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("block_cache");
    TCase *tc = tcase_create("cache");
    tcase_add_test(tc, lookup_by_pc_and_mode);
    tcase_add_test(tc, invalidate_only_overlapping_blocks);
    tcase_add_test(tc, chunk_map_never_hides_a_block);
    tcase_add_test(tc, block_straddling_pages_is_in_both);
    tcase_add_test(tc, invalidate_range_at_top_of_address_space);
    tcase_add_test(tc, a_superblocks_span_retires_its_head);
    tcase_add_test(tc, flush_removes_everything);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
