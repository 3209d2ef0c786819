/* The compilers' scratch allocator: every block is aligned, distinct and
 * usable, zeroed when asked, whether it fits the buffer or not; a reset
 * after an overflow grows the buffer so the same requests fit. */
#include <check.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/scratch.h"

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t k = 0; k < n; k++)
        if (p[k] != v)
            return false;
    return true;
}

static void fill_and_check(Scratch *s, size_t n, uint8_t **blocks, size_t *sizes)
{
    for (size_t i = 0; i < n; i++) {
        sizes[i] = 1 + (i * 7919) % 40000;
        blocks[i] = i % 2 ? scratch_zalloc(s, sizes[i], 1) : scratch_alloc(s, sizes[i], 1);
        ck_assert_uint_eq((uintptr_t)blocks[i] % alignof(max_align_t), 0);
        if (i % 2)
            ck_assert(all_bytes(blocks[i], sizes[i], 0));
        memset(blocks[i], (int)(i & 0xff), sizes[i]);
    }
    for (size_t i = 0; i < n; i++) /* no block overlaps another */
        ck_assert(all_bytes(blocks[i], sizes[i], (uint8_t)(i & 0xff)));
}

START_TEST(test_blocks_are_distinct_and_aligned)
{
    Scratch s = {0};
    uint8_t *blocks[64];
    size_t sizes[64];
    scratch_reset(&s);
    fill_and_check(&s, 64, blocks, sizes); /* about 1.3 MB: most go to chunks of their own */
    ck_assert_ptr_nonnull(s.extra);
    scratch_reset(&s);
    ck_assert_ptr_null(s.extra);
    fill_and_check(&s, 64, blocks, sizes); /* the buffer has grown: all fit */
    ck_assert_ptr_null(s.extra);
    scratch_free(&s);
}
END_TEST

START_TEST(test_empty_requests)
{
    Scratch s = {0};
    scratch_reset(&s);
    void *a = scratch_alloc(&s, 0, 8), *b = scratch_zalloc(&s, 10, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_ne(a, b);
    scratch_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scratch");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_blocks_are_distinct_and_aligned);
    tcase_add_test(tc, test_empty_requests);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
