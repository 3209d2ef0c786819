/* The PNG writer (ui/png.h), checked by an independent reader written
 * here from the format: the signature, every chunk's CRC, the IHDR fields,
 * the chunk order, and the pixels after inflating the IDAT data and
 * undoing the row filters. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ui/png.h"

typedef struct Decoded {
    unsigned width, height;
    unsigned depth, colour, compression, filter, interlace;
    uint32_t *pixels;
    int chunks;
} Decoded;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void read_ihdr(Decoded *d, const uint8_t *data, uint32_t len)
{
    ck_assert_uint_eq(len, 13);
    d->width = be32(data);
    d->height = be32(data + 4);
    d->depth = data[8];
    d->colour = data[9];
    d->compression = data[10];
    d->filter = data[11];
    d->interlace = data[12];
}

/* Undo filter type 0 only: the writer documents that it uses no other. */
static void unfilter_rows(Decoded *d, const uint8_t *raw, size_t raw_len)
{
    size_t row = 1 + 3 * (size_t)d->width;
    ck_assert_uint_eq(raw_len, row * d->height);
    d->pixels = malloc(sizeof *d->pixels * d->width * d->height);
    for (unsigned y = 0; y < d->height; y++) {
        const uint8_t *p = raw + row * y;
        ck_assert_uint_eq(p[0], 0);
        for (unsigned x = 0; x < d->width; x++, p += 3)
            d->pixels[y * d->width + x] = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    }
}

/* Walk the chunks, checking each CRC and the IHDR-first, IEND-last order;
 * the IDAT data concatenated and inflated gives the rows. */
static Decoded decode(const uint8_t *png, size_t len)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    Decoded d = {0};
    ck_assert(len >= 8 && memcmp(png, sig, 8) == 0);
    uint8_t *idat = NULL;
    size_t idat_len = 0, pos = 8;
    bool ended = false;
    while (!ended) {
        ck_assert(pos + 12 <= len);
        uint32_t clen = be32(png + pos);
        ck_assert(pos + 12 + clen <= len);
        const uint8_t *type = png + pos + 4, *data = png + pos + 8;
        ck_assert_uint_eq(be32(data + clen), (uint32_t)crc32(0L, type, clen + 4));
        if (d.chunks == 0)
            ck_assert(memcmp(type, "IHDR", 4) == 0);
        if (memcmp(type, "IHDR", 4) == 0)
            read_ihdr(&d, data, clen);
        if (memcmp(type, "IDAT", 4) == 0) {
            idat = realloc(idat, idat_len + clen + 1);
            memcpy(idat + idat_len, data, clen);
            idat_len += clen;
        }
        ended = memcmp(type, "IEND", 4) == 0;
        pos += 12 + clen;
        d.chunks++;
    }
    ck_assert_uint_eq(pos, len);
    uLongf raw_len = (1 + 3 * (uLongf)d.width) * d.height;
    uint8_t *raw = malloc(raw_len + 1);
    ck_assert_int_eq(uncompress(raw, &raw_len, idat, idat_len), Z_OK);
    unfilter_rows(&d, raw, raw_len);
    free(raw);
    free(idat);
    return d;
}

static uint32_t *test_picture(unsigned w, unsigned h)
{
    uint32_t *px = malloc(sizeof *px * w * h);
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++)
            px[y * w + x] = (x * 7u & 0xff) << 16 | (y * 13u & 0xff) << 8 | ((x ^ y) & 0xff);
    return px;
}

static void check_round_trip(unsigned w, unsigned h)
{
    uint32_t *px = test_picture(w, h);
    uint8_t *png;
    size_t len;
    char err[128];
    ck_assert_msg(png_encode_rgb(px, w, h, &png, &len, err, sizeof err), "%s", err);
    Decoded d = decode(png, len);
    ck_assert_uint_eq(d.width, w);
    ck_assert_uint_eq(d.height, h);
    ck_assert_uint_eq(d.depth, 8);
    ck_assert_uint_eq(d.colour, 2);
    ck_assert_uint_eq(d.compression, 0);
    ck_assert_uint_eq(d.filter, 0);
    ck_assert_uint_eq(d.interlace, 0);
    ck_assert_int_eq(memcmp(d.pixels, px, sizeof *px * w * h), 0);
    free(d.pixels);
    free(png);
    free(px);
}

START_TEST(test_gba_screen_round_trips)
{
    check_round_trip(240, 160);
}
END_TEST

START_TEST(test_odd_sizes_round_trip)
{
    check_round_trip(1, 1);
    check_round_trip(3, 1);
    check_round_trip(1, 7);
    check_round_trip(333, 17);
}
END_TEST

/* The high byte of a pixel is not part of the colour and must not leak. */
START_TEST(test_high_byte_ignored)
{
    uint32_t px[2] = {0xff123456u, 0x00abcdefu};
    uint8_t *png;
    size_t len;
    char err[128];
    ck_assert(png_encode_rgb(px, 2, 1, &png, &len, err, sizeof err));
    Decoded d = decode(png, len);
    ck_assert_uint_eq(d.pixels[0], 0x123456u);
    ck_assert_uint_eq(d.pixels[1], 0xabcdefu);
    free(d.pixels);
    free(png);
}
END_TEST

START_TEST(test_empty_refused)
{
    uint32_t px = 0;
    uint8_t *png = NULL;
    size_t len = 0;
    char err[128] = "";
    ck_assert(!png_encode_rgb(&px, 0, 1, &png, &len, err, sizeof err));
    ck_assert(!png_encode_rgb(&px, 1, 0, &png, &len, err, sizeof err));
    ck_assert(png == NULL);
    ck_assert(strstr(err, "PNG") != NULL);
}
END_TEST

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert(f != NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    uint8_t *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The file is what png_encode_rgb gives, and no temporary is left. */
START_TEST(test_write_file)
{
    char dir[] = "/tmp/scion-png-XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/shot.png", dir);
    uint32_t *px = test_picture(240, 160);
    char err[256];
    ck_assert_msg(png_write_rgb(path, px, 240, 160, err, sizeof err), "%s", err);
    size_t flen, mlen;
    uint8_t *file = read_file(path, &flen), *mem;
    ck_assert(png_encode_rgb(px, 240, 160, &mem, &mlen, err, sizeof err));
    ck_assert_uint_eq(flen, mlen);
    ck_assert_int_eq(memcmp(file, mem, flen), 0);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0); /* fails if a temporary was left */
    free(file);
    free(mem);
    free(px);
}
END_TEST

START_TEST(test_write_to_missing_dir_fails)
{
    uint32_t px = 0x102030;
    char err[256] = "";
    ck_assert(!png_write_rgb("/nonexistent-scion-dir/x.png", &px, 1, 1, err, sizeof err));
    ck_assert(strstr(err, "/nonexistent-scion-dir/") != NULL);
}
END_TEST

static Suite *png_suite(void)
{
    Suite *s = suite_create("png");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_gba_screen_round_trips);
    tcase_add_test(tc, test_odd_sizes_round_trip);
    tcase_add_test(tc, test_high_byte_ignored);
    tcase_add_test(tc, test_empty_refused);
    tcase_add_test(tc, test_write_file);
    tcase_add_test(tc, test_write_to_missing_dir_fails);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(png_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
