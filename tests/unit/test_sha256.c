/* SHA-256 against the example digests of FIPS 180-4's companion document
 * (NIST "SHA256.pdf" examples) and the well-known million-'a' vector. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/sha256.h"

static void hex(const uint8_t d[SHA256_SIZE], char out[2 * SHA256_SIZE + 1])
{
    for (int i = 0; i < SHA256_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_digest(const void *data, size_t len, const char *want)
{
    uint8_t d[SHA256_SIZE];
    char got[2 * SHA256_SIZE + 1];
    sha256(data, len, d);
    hex(d, got);
    ck_assert_str_eq(got, want);
}

START_TEST(test_nist_examples)
{
    check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_digest(two_blocks, strlen(two_blocks), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* Fed in uneven pieces, so every buffering path is taken. */
START_TEST(test_million_a_in_pieces)
{
    Sha256 h;
    sha256_init(&h);
    char chunk[1024]; /* steps go up to 1009 bytes */
    memset(chunk, 'a', sizeof chunk);
    size_t left = 1000000;
    for (size_t step = 1; left; step = step % 997 + 13) {
        size_t n = step < left ? step : left;
        sha256_update(&h, chunk, n);
        left -= n;
    }
    uint8_t d[SHA256_SIZE];
    char got[2 * SHA256_SIZE + 1];
    sha256_final(&h, d);
    hex(d, got);
    ck_assert_str_eq(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Lengths around the 55/56/64-byte padding boundaries agree with one-shot hashing. */
START_TEST(test_padding_boundaries)
{
    uint8_t buf[130];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 + 1);
    for (size_t len = 50; len <= 130; len++) {
        uint8_t a[SHA256_SIZE], b[SHA256_SIZE];
        sha256(buf, len, a);
        Sha256 h;
        sha256_init(&h);
        sha256_update(&h, buf, len / 3);
        sha256_update(&h, buf + len / 3, len - len / 3);
        sha256_final(&h, b);
        ck_assert_mem_eq(a, b, SHA256_SIZE);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_nist_examples);
    tcase_add_test(tc, test_million_a_in_pieces);
    tcase_add_test(tc, test_padding_boundaries);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
