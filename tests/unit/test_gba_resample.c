/* The GBA window's resampler and rate control (ui/gba_resample.h): frame
 * counts follow the rate ratio, a ramp stays a ramp, chunking does not
 * change the output, the output bound holds, and the rate correction
 * stays within +-0.5% and points the right way. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui/gba_resample.h"

#define IN_RATE 32768.0
#define OUT_RATE 48000.0
#define TOTAL 20000

/* Stereo ramp: left rises, right falls, so swapped channels would show. */
static int16_t *ramp(size_t frames)
{
    int16_t *s = malloc(frames * 2 * sizeof *s);
    for (size_t i = 0; i < frames; i++) {
        s[2 * i] = (int16_t)(i % 30000);
        s[2 * i + 1] = (int16_t)-(int16_t)(i % 30000);
    }
    return s;
}

/* Resample in in chunks of the given sizes (cycled); returns frames out. */
static size_t run_chunked(const int16_t *in, size_t frames, const size_t *chunks, size_t nchunks, double step,
                          int16_t *out, size_t out_cap)
{
    GbaResampler r = {0};
    size_t done = 0, n = 0;
    for (size_t c = 0; done < frames; c++) {
        size_t len = chunks[c % nchunks];
        if (len > frames - done)
            len = frames - done;
        n += gba_resample(&r, in + 2 * done, len, step, out + 2 * n, out_cap - n);
        done += len;
    }
    return n;
}

START_TEST(test_frame_count_follows_ratio)
{
    int16_t *in = ramp(TOTAL);
    size_t cap = TOTAL * 2;
    int16_t *out = malloc(cap * 2 * sizeof *out);
    size_t chunk = 549; /* a GBA frame's worth */
    size_t n = run_chunked(in, TOTAL, &chunk, 1, IN_RATE / OUT_RATE, out, cap);
    double want = TOTAL * OUT_RATE / IN_RATE;
    ck_assert_msg(fabs((double)n - want) <= 1.0, "%zu frames, want %.1f", n, want);
    free(in);
    free(out);
}
END_TEST

/* Linear interpolation of a ramp is the ramp, one input frame late (the
 * first output is the frame before the input: silence at the start). */
START_TEST(test_ramp_stays_linear)
{
    int16_t *in = ramp(TOTAL);
    int16_t *out = malloc(TOTAL * 2 * 2 * sizeof *out);
    size_t chunk = 700;
    double step = IN_RATE / OUT_RATE;
    size_t n = run_chunked(in, TOTAL, &chunk, 1, step, out, TOTAL * 2);
    for (size_t j = 2; j < n; j++) {
        double want = j * step - 1.0;
        if (want >= 29999)
            break;
        ck_assert_msg(fabs(out[2 * j] - want) <= 1.0, "frame %zu: %d, want %.2f", j, out[2 * j], want);
        ck_assert_int_le(abs(out[2 * j + 1] + out[2 * j]), 1);
    }
    free(in);
    free(out);
}
END_TEST

START_TEST(test_chunking_does_not_matter)
{
    int16_t *in = ramp(TOTAL);
    size_t cap = TOTAL * 2;
    int16_t *whole = malloc(cap * 2 * sizeof *whole), *parts = malloc(cap * 2 * sizeof *parts);
    size_t all = TOTAL, odd[] = {1, 7, 549, 2, 1000, 3};
    double step = IN_RATE / (OUT_RATE * 1.003);
    size_t n1 = run_chunked(in, TOTAL, &all, 1, step, whole, cap);
    size_t n2 = run_chunked(in, TOTAL, odd, sizeof odd / sizeof odd[0], step, parts, cap);
    ck_assert_uint_eq(n1, n2);
    ck_assert_int_eq(memcmp(whole, parts, n1 * 2 * sizeof *whole), 0);
    free(in);
    free(whole);
    free(parts);
}
END_TEST

START_TEST(test_output_bound_holds)
{
    int16_t *in = ramp(1000);
    int16_t out[2 * 100 + 2] = {0};
    out[200] = 0x55;
    GbaResampler r = {0};
    ck_assert_uint_eq(gba_resample(&r, in, 1000, 0.5, out, 100), 100);
    ck_assert_int_eq(out[200], 0x55);
    ck_assert_uint_eq(gba_resample(&r, in, 0, 0.5, out, 100), 0);
    free(in);
}
END_TEST

START_TEST(test_rate_factor)
{
    ck_assert(fabs(gba_audio_rate_factor(2400, 2400) - 1.0) < 1e-12);
    ck_assert(fabs(gba_audio_rate_factor(0, 2400) - 1.005) < 1e-12);
    ck_assert(fabs(gba_audio_rate_factor(4800, 2400) - 0.995) < 1e-12);
    ck_assert(fabs(gba_audio_rate_factor(100000, 2400) - 0.995) < 1e-12);
    ck_assert(gba_audio_rate_factor(1200, 2400) > 1.0);
    ck_assert(gba_audio_rate_factor(3600, 2400) < 1.0);
    ck_assert(fabs(gba_audio_rate_factor(5, 0) - 1.0) < 1e-12);
}
END_TEST

static Suite *resample_suite(void)
{
    Suite *s = suite_create("gba_resample");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_frame_count_follows_ratio);
    tcase_add_test(tc, test_ramp_stays_linear);
    tcase_add_test(tc, test_chunking_does_not_matter);
    tcase_add_test(tc, test_output_bound_holds);
    tcase_add_test(tc, test_rate_factor);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(resample_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
