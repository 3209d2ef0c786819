/*
 * lz77comp IN OUT: compresses a file into the GBA BIOS LZ77 format
 * (GBATEK "LZ77UnCompReadNormalWrite8bit"): a header word (type 1 in bits
 * 4-7, decompressed size in bits 8-31), then groups of one flag byte (MSB
 * first; 1 = back-reference) and 8 blocks.  A back-reference is two bytes:
 * length-3 in the top nibble, then a 12-bit displacement-1.  Greedy
 * longest match; the output is padded to a multiple of 4 bytes.
 */
#include <stdio.h>
#include <stdlib.h>

#define MIN_MATCH 3
#define MAX_MATCH 18
#define MAX_DISP 4096

struct match {
    size_t len, disp;
};

static struct match longest_match(const unsigned char *in, size_t size, size_t pos)
{
    struct match best = {0, 0};
    size_t first = pos > MAX_DISP ? pos - MAX_DISP : 0;
    for (size_t from = first; from < pos; from++) {
        size_t len = 0;
        /* The source may overlap the bytes being produced. */
        while (len < MAX_MATCH && pos + len < size && in[from + len] == in[pos + len])
            len++;
        if (len > best.len) {
            best.len = len;
            best.disp = pos - from;
        }
    }
    return best;
}

static int compress(const unsigned char *in, size_t size, FILE *out)
{
    if (size >= 1u << 24)
        return -1;
    unsigned long header = 0x10 | (unsigned long)size << 8;
    for (int i = 0; i < 4; i++)
        fputc((int)(header >> (8 * i)) & 0xff, out);
    size_t written = 4, pos = 0;
    while (pos < size) {
        unsigned char group[1 + 8 * 2];
        size_t n = 1;
        group[0] = 0;
        for (int block = 0; block < 8 && pos < size; block++) {
            struct match m = longest_match(in, size, pos);
            if (m.len >= MIN_MATCH) {
                group[0] |= 0x80 >> block;
                group[n++] = (unsigned char)((m.len - MIN_MATCH) << 4 | (m.disp - 1) >> 8);
                group[n++] = (unsigned char)((m.disp - 1) & 0xff);
                pos += m.len;
            } else {
                group[n++] = in[pos++];
            }
        }
        fwrite(group, 1, n, out);
        written += n;
    }
    for (; written % 4; written++)
        fputc(0, out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN OUT\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static unsigned char in[1 << 20];
    size_t size = fread(in, 1, sizeof in, f);
    fclose(f);
    if (size == sizeof in) {
        fprintf(stderr, "%s: %s is too large\n", argv[0], argv[1]);
        return 1;
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    if (compress(in, size, out) != 0 || fclose(out) != 0) {
        fprintf(stderr, "%s: cannot compress %s\n", argv[0], argv[1]);
        return 1;
    }
    return 0;
}
