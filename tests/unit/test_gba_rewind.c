/* The rewind ring (ui/gba_rewind.h): states come back newest first and
 * byte for byte; the entry and byte limits drop the oldest; a state larger
 * than the whole budget is refused without disturbing the ring. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ui/gba_rewind.h"

#define STATE_LEN 4096

/* A state that says which one it is and compresses only partly. */
static uint8_t *make_state(unsigned id, size_t len)
{
    uint8_t *s = malloc(len);
    uint32_t x = id * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = i % 4 == 0 ? (uint8_t)(x >> 24) : (uint8_t)id;
    }
    return s;
}

static void push_id(GbaRewind *r, unsigned id)
{
    uint8_t *s = make_state(id, STATE_LEN);
    ck_assert(gba_rewind_push(r, s, STATE_LEN));
    free(s);
}

static void pop_expect(GbaRewind *r, unsigned id)
{
    uint8_t *got, *want = make_state(id, STATE_LEN);
    size_t len;
    ck_assert(gba_rewind_pop(r, &got, &len));
    ck_assert_uint_eq(len, STATE_LEN);
    ck_assert_msg(memcmp(got, want, STATE_LEN) == 0, "state %u differs", id);
    free(got);
    free(want);
}

START_TEST(test_newest_first)
{
    GbaRewind r;
    ck_assert(gba_rewind_init(&r, 10, 1u << 20));
    for (unsigned i = 1; i <= 5; i++)
        push_id(&r, i);
    ck_assert_uint_eq(gba_rewind_count(&r), 5);
    for (unsigned i = 5; i >= 1; i--)
        pop_expect(&r, i);
    uint8_t *s;
    size_t len;
    ck_assert(!gba_rewind_pop(&r, &s, &len));
    ck_assert_uint_eq(gba_rewind_bytes(&r), 0);
    gba_rewind_free(&r);
}
END_TEST

START_TEST(test_entry_limit_drops_oldest)
{
    GbaRewind r;
    ck_assert(gba_rewind_init(&r, 4, 1u << 20));
    for (unsigned i = 1; i <= 11; i++)
        push_id(&r, i);
    ck_assert_uint_eq(gba_rewind_count(&r), 4);
    for (unsigned i = 11; i >= 8; i--)
        pop_expect(&r, i);
    ck_assert_uint_eq(gba_rewind_count(&r), 0);
    gba_rewind_free(&r);
}
END_TEST

/* Interleaved pushes and pops wrap the ring's indices both ways. */
START_TEST(test_push_pop_interleaved)
{
    GbaRewind r;
    ck_assert(gba_rewind_init(&r, 3, 1u << 20));
    push_id(&r, 1);
    push_id(&r, 2);
    push_id(&r, 3);
    push_id(&r, 4); /* drops 1 */
    pop_expect(&r, 4);
    push_id(&r, 5);
    push_id(&r, 6); /* drops 2 */
    pop_expect(&r, 6);
    pop_expect(&r, 5);
    pop_expect(&r, 3);
    ck_assert_uint_eq(gba_rewind_count(&r), 0);
    gba_rewind_free(&r);
}
END_TEST

START_TEST(test_byte_limit_drops_oldest)
{
    GbaRewind r;
    ck_assert(gba_rewind_init(&r, 1000, 1u << 20));
    push_id(&r, 1);
    size_t one = gba_rewind_bytes(&r);
    gba_rewind_free(&r);
    /* Room for three states of about this size, not four. */
    ck_assert(gba_rewind_init(&r, 1000, one * 3 + one / 2));
    for (unsigned i = 1; i <= 10; i++) {
        push_id(&r, i);
        ck_assert(gba_rewind_bytes(&r) <= one * 3 + one / 2);
    }
    ck_assert_uint_eq(gba_rewind_count(&r), 3);
    pop_expect(&r, 10);
    pop_expect(&r, 9);
    pop_expect(&r, 8);
    gba_rewind_free(&r);
}
END_TEST

START_TEST(test_too_large_refused)
{
    GbaRewind r;
    ck_assert(gba_rewind_init(&r, 10, 256));
    uint8_t tiny[16] = {1, 2, 3};
    ck_assert(gba_rewind_push(&r, tiny, sizeof tiny));
    uint8_t *big = make_state(7, STATE_LEN);
    ck_assert(!gba_rewind_push(&r, big, STATE_LEN));
    free(big);
    ck_assert_uint_eq(gba_rewind_count(&r), 1);
    uint8_t *s;
    size_t len;
    ck_assert(gba_rewind_pop(&r, &s, &len));
    ck_assert_uint_eq(len, sizeof tiny);
    ck_assert_int_eq(memcmp(s, tiny, sizeof tiny), 0);
    free(s);
    gba_rewind_free(&r);
}
END_TEST

START_TEST(test_clear_and_limits)
{
    GbaRewind r;
    ck_assert(!gba_rewind_init(&r, 0, 100));
    gba_rewind_free(&r);
    ck_assert(!gba_rewind_init(&r, 10, 0));
    gba_rewind_free(&r);
    ck_assert(gba_rewind_init(&r, 10, 1u << 20));
    push_id(&r, 1);
    push_id(&r, 2);
    gba_rewind_clear(&r);
    ck_assert_uint_eq(gba_rewind_count(&r), 0);
    ck_assert_uint_eq(gba_rewind_bytes(&r), 0);
    push_id(&r, 3);
    pop_expect(&r, 3);
    gba_rewind_free(&r);
}
END_TEST

static Suite *rewind_suite(void)
{
    Suite *s = suite_create("gba_rewind");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_newest_first);
    tcase_add_test(tc, test_entry_limit_drops_oldest);
    tcase_add_test(tc, test_push_pop_interleaved);
    tcase_add_test(tc, test_byte_limit_drops_oldest);
    tcase_add_test(tc, test_too_large_refused);
    tcase_add_test(tc, test_clear_and_limits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rewind_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
