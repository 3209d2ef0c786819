/*
 * gbafix IN OUT: finishes a raw GBA ROM image.  Writes the header
 * complement byte at 0xbd (GBATEK: chk = -(sum of bytes 0xa0..0xbc) -
 * 0x19) and pads the image with 0xff to a power-of-two size.
 */
#include <stdio.h>
#include <stdlib.h>

#define HEADER_SIZE 0xc0
#define MIN_SIZE 0x400

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            unsigned char *bigger = realloc(buf, cap);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    *size = len;
    return buf;
}

static unsigned char header_complement(const unsigned char *rom)
{
    unsigned sum = 0;
    for (int i = 0xa0; i <= 0xbc; i++)
        sum += rom[i];
    return (unsigned char)(-sum - 0x19);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.bin OUT.gba\n", argv[0]);
        return 2;
    }
    size_t size;
    unsigned char *rom = read_file(argv[1], &size);
    if (!rom)
        return 1;
    if (size < HEADER_SIZE) {
        fprintf(stderr, "%s: %zu bytes is too short for a GBA header\n", argv[1], size);
        return 1;
    }
    size_t padded = MIN_SIZE;
    while (padded < size)
        padded *= 2;
    unsigned char *out = realloc(rom, padded);
    if (!out) {
        perror("realloc");
        return 1;
    }
    for (size_t i = size; i < padded; i++)
        out[i] = 0xff;
    out[0xbd] = header_complement(out);

    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(out, 1, padded, f) != padded || fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    free(out);
    return 0;
}
