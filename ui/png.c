/* PNG encoding (ISO/IEC 15948): signature, IHDR, one IDAT, IEND.  Rows use
 * filter type 0 (none): screenshots are small and zlib does the work. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ui/png.h"

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

/* The PNG limit on a dimension is 2^31 - 1; keep far below so the
 * raw-image size cannot overflow size_t or zlib's uLong. */
#define PNG_MAX_SIDE 16384u

typedef struct ByteBuf {
    uint8_t *data;
    size_t len;
} ByteBuf;

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A chunk: length, type, data, CRC over type and data. */
static void put_chunk(ByteBuf *b, const char type[4], const uint8_t *data, size_t len)
{
    uint8_t *p = b->data + b->len;
    put_be32(p, (uint32_t)len);
    memcpy(p + 4, type, 4);
    if (len)
        memcpy(p + 8, data, len);
    uLong crc = crc32(0L, p + 4, (uInt)(len + 4));
    put_be32(p + 8 + len, (uint32_t)crc);
    b->len += 12 + len;
}

/* The filtered image: each row is a filter byte (0) then R, G, B per pixel. */
static uint8_t *raw_rows(const uint32_t *pixels, unsigned width, unsigned height, size_t *len)
{
    size_t row = 1 + 3 * (size_t)width;
    uint8_t *raw = malloc(row * height);
    if (!raw)
        return NULL;
    for (unsigned y = 0; y < height; y++) {
        uint8_t *p = raw + row * y;
        *p++ = 0;
        for (unsigned x = 0; x < width; x++) {
            uint32_t c = pixels[(size_t)y * width + x];
            *p++ = (uint8_t)(c >> 16);
            *p++ = (uint8_t)(c >> 8);
            *p++ = (uint8_t)c;
        }
    }
    *len = row * height;
    return raw;
}

static uint8_t *deflate_all(const uint8_t *raw, size_t raw_len, size_t *out_len)
{
    uLong cap = compressBound((uLong)raw_len);
    uint8_t *z = malloc(cap);
    if (!z)
        return NULL;
    uLongf zlen = cap;
    if (compress2(z, &zlen, raw, (uLong)raw_len, 6) != Z_OK) {
        free(z);
        return NULL;
    }
    *out_len = zlen;
    return z;
}

static ByteBuf assemble(unsigned width, unsigned height, const uint8_t *idat, size_t idat_len)
{
    ByteBuf b = {malloc(sizeof png_signature + 3 * 12 + 13 + idat_len), 0};
    if (!b.data)
        return b;
    memcpy(b.data, png_signature, sizeof png_signature);
    b.len = sizeof png_signature;
    uint8_t ihdr[13];
    put_be32(ihdr, width);
    put_be32(ihdr + 4, height);
    ihdr[8] = 8;  /* bits per sample */
    ihdr[9] = 2;  /* colour type: truecolour (RGB) */
    ihdr[10] = 0; /* compression: deflate */
    ihdr[11] = 0; /* filter method: adaptive (with type 0 on every row) */
    ihdr[12] = 0; /* no interlace */
    put_chunk(&b, "IHDR", ihdr, sizeof ihdr);
    put_chunk(&b, "IDAT", idat, idat_len);
    put_chunk(&b, "IEND", NULL, 0);
    return b;
}

bool png_encode_rgb(const uint32_t *pixels, unsigned width, unsigned height, uint8_t **out, size_t *len, char *err,
                    size_t errlen)
{
    if (width == 0 || height == 0 || width > PNG_MAX_SIDE || height > PNG_MAX_SIDE) {
        snprintf(err, errlen, "cannot encode a %ux%u picture as PNG", width, height);
        return false;
    }
    size_t raw_len, idat_len = 0;
    uint8_t *raw = raw_rows(pixels, width, height, &raw_len);
    uint8_t *idat = raw ? deflate_all(raw, raw_len, &idat_len) : NULL;
    free(raw);
    ByteBuf b = idat ? assemble(width, height, idat, idat_len) : (ByteBuf){NULL, 0};
    free(idat);
    if (!b.data) {
        snprintf(err, errlen, "out of memory encoding a %ux%u PNG", width, height);
        return false;
    }
    *out = b.data;
    *len = b.len;
    return true;
}

static bool write_whole(const char *path, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    int saved = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok)
        snprintf(err, errlen, "%s: %s", path, strerror(saved));
    return ok;
}

bool png_write_rgb(const char *path, const uint32_t *pixels, unsigned width, unsigned height, char *err,
                   size_t errlen)
{
    uint8_t *png;
    size_t len;
    if (!png_encode_rgb(pixels, width, height, &png, &len, err, errlen))
        return false;
    size_t tmp_len = strlen(path) + 32;
    char *tmp = malloc(tmp_len);
    bool ok = tmp != NULL;
    if (!ok)
        snprintf(err, errlen, "out of memory");
    if (ok) {
        snprintf(tmp, tmp_len, "%s.tmp%ld", path, (long)getpid());
        ok = write_whole(tmp, png, len, err, errlen);
    }
    if (ok && rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        ok = false;
    }
    if (!ok && tmp)
        unlink(tmp);
    free(tmp);
    free(png);
    return ok;
}
