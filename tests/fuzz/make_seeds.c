/*
 * Writes the seed corpora of the fuzz targets (run by make_seeds.sh, which
 * first builds the small ARM ELF programs passed here).
 *
 *   make_seeds CORPUS_DIR STATIC.elf PIE.elf DYNAMIC.elf BAREMETAL.elf
 *
 * Each seed is a small valid input in the target's format (see the header
 * comment of each fuzz_*.c), so the fuzzers start from the deep paths.
 */
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fdt_virt.h"
#include "devices/virt_map.h"

typedef struct Buf {
    uint8_t *p;
    size_t n, cap;
} Buf;

static void die(const char *what)
{
    fprintf(stderr, "make_seeds: %s\n", what);
    exit(1);
}

static void put(Buf *b, const void *src, size_t len)
{
    if (b->n + len > b->cap) {
        b->cap = (b->n + len) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            die("out of memory");
    }
    memcpy(b->p + b->n, src, len);
    b->n += len;
}

static void put8(Buf *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put16(Buf *b, uint16_t v)
{
    put8(b, (uint8_t)v);
    put8(b, (uint8_t)(v >> 8));
}

static void put24(Buf *b, uint32_t v)
{
    put16(b, (uint16_t)v);
    put8(b, (uint8_t)(v >> 16));
}

static void put32(Buf *b, uint32_t v)
{
    put16(b, (uint16_t)v);
    put16(b, (uint16_t)(v >> 16));
}

static void write_seed(const char *dir, const char *target, const char *name, const Buf *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0)
        die(path);
}

static Buf read_file(const char *path)
{
    Buf b = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    uint8_t chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        put(&b, chunk, n);
    fclose(f);
    return b;
}

/* ---- fuzz_elf: MAIN [#INTERP# INTERP] ---- */

static void elf_seeds(const char *dir, const Buf *stat, const Buf *pie, const Buf *dyn)
{
    write_seed(dir, "fuzz_elf", "static", stat);
    write_seed(dir, "fuzz_elf", "pie", pie);
    write_seed(dir, "fuzz_elf", "dynamic-self-interp", dyn);
    Buf both = {0};
    put(&both, dyn->p, dyn->n);
    put(&both, "#INTERP#", 8);
    put(&both, pie->p, pie->n);
    write_seed(dir, "fuzz_elf", "dynamic-pie-interp", &both);
}

/* ---- DTBs ---- */

static Buf board_dtb(const char *cmdline, uint64_t initrd_start, uint64_t initrd_end)
{
    FdtVirtConfig cfg = {
        .ram_base = virt_memmap[VIRT_MEM].base, .ram_size = 16u << 20, .cmdline = cmdline,
        .initrd_start = initrd_start, .initrd_end = initrd_end, .virtio_count = 2,
    };
    size_t size;
    char err[256];
    void *dtb = fdt_virt_build(&cfg, &size, err, sizeof err);
    if (!dtb)
        die(err);
    Buf b = {0};
    put(&b, dtb, size);
    free(dtb);
    return b;
}

/* The smallest useful tree: an empty root, optionally with a /chosen. */
static Buf tiny_dtb(bool chosen)
{
    uint8_t tree[512];
    if (fdt_create_empty_tree(tree, sizeof tree) != 0)
        die("fdt_create_empty_tree");
    if (chosen) {
        int node = fdt_add_subnode(tree, 0, "chosen");
        if (node < 0 || fdt_setprop_u32(tree, node, "linux,initrd-start", 0x1000) != 0 ||
            fdt_setprop_u32(tree, node, "linux,initrd-end", 0x2000) != 0 ||
            fdt_setprop_string(tree, node, "bootargs", "old") != 0)
            die("libfdt");
    }
    fdt_pack(tree);
    Buf b = {0};
    put(&b, tree, fdt_totalsize(tree));
    return b;
}

static void fdt_seed(const char *dir, const char *name, uint8_t flags, const Buf *dtb)
{
    Buf b = {0};
    put8(&b, flags);
    put(&b, dtb->p, dtb->n);
    write_seed(dir, "fuzz_fdt", name, &b);
}

static void fdt_seeds(const char *dir)
{
    Buf board = board_dtb("console=ttyAMA0", 0x40800000, 0x40900000);
    Buf plain = board_dtb(NULL, 0, 0);
    Buf empty = tiny_dtb(false), chosen = tiny_dtb(true);
    fdt_seed(dir, "board-cmdline-initrd", 0x1 | 0x4, &board);
    fdt_seed(dir, "board-no-initrd", 0x1, &board);
    fdt_seed(dir, "plain-high-initrd", 0x4 | 0x8, &plain);
    fdt_seed(dir, "empty-root", 0x3, &empty);
    fdt_seed(dir, "stale-chosen", 0x0, &chosen);
}

/* ---- fuzz_boot: flags, ram, u24 kernel len, u24 initrd len, kernel, initrd, dtb ---- */

enum { B_INITRD = 1, B_DTB = 2, B_BIN = 4, B_CMDLINE = 1 << 3, B_TIMER = 0x20, B_ALL_VIRTIO = 0x40 };
enum { RAM_64K = 0, RAM_2M = 1, RAM_16M = 2, RAM_160M = 3, BASE_VIRT = 0, BASE_ZERO = 4, BASE_TOP = 8 };

/* A zImage header (booting.rst): code, magic at 0x24, start/end, endian flag. */
static Buf zimage(size_t len, uint32_t start, bool big_endian)
{
    Buf b = {0};
    for (size_t i = 0; i < len / 4; i++)
        put32(&b, 0xe1a00000); /* mov r0, r0 */
    uint32_t magic = 0x016f2818, endian = 0x04030201;
    uint8_t *p = b.p;
    for (int i = 0; i < 4; i++) {
        p[0x24 + i] = (uint8_t)(magic >> (8 * i));
        p[0x28 + i] = (uint8_t)(start >> (8 * i));
        p[0x2c + i] = (uint8_t)((start + len) >> (8 * i));
        p[0x30 + i] = big_endian ? (uint8_t)(endian >> (8 * (3 - i))) : (uint8_t)(endian >> (8 * i));
    }
    return b;
}

static void boot_seed(const char *dir, const char *name, uint8_t flags, uint8_t ram, const Buf *kernel,
                      size_t initrd_len, const Buf *dtb)
{
    Buf b = {0};
    put8(&b, flags);
    put8(&b, ram);
    put24(&b, (uint32_t)kernel->n);
    put24(&b, (uint32_t)initrd_len);
    put(&b, kernel->p, kernel->n);
    for (size_t i = 0; i < initrd_len; i++)
        put8(&b, (uint8_t)(i * 13));
    if (dtb)
        put(&b, dtb->p, dtb->n);
    write_seed(dir, "fuzz_boot", name, &b);
}

static void boot_seeds(const char *dir, const Buf *baremetal)
{
    Buf z = zimage(4096, 0, false), zfixed = zimage(4096, 0x40008000, false), zbe = zimage(256, 0, true);
    Buf dtb = tiny_dtb(true);
    Buf raw = {0};
    for (int i = 0; i < 64; i++)
        put32(&raw, 0xeafffffe); /* b . */
    boot_seed(dir, "zimage-16m-initrd", B_INITRD | B_CMDLINE, RAM_16M | BASE_VIRT, &z, 1024, NULL);
    boot_seed(dir, "zimage-160m-dtb", B_DTB | B_CMDLINE | B_TIMER, RAM_160M | BASE_VIRT, &z, 0, &dtb);
    boot_seed(dir, "zimage-fixed-2m", B_ALL_VIRTIO, RAM_2M | BASE_VIRT, &zfixed, 0, NULL);
    boot_seed(dir, "zimage-big-endian", 0, RAM_16M | BASE_VIRT, &zbe, 0, NULL);
    boot_seed(dir, "elf-2m-initrd", B_INITRD | (2 << 3), RAM_2M | BASE_VIRT, baremetal, 512, NULL);
    boot_seed(dir, "raw-64k", B_BIN | B_CMDLINE, RAM_64K | BASE_VIRT, &raw, 0, NULL);
    boot_seed(dir, "raw-64k-top", B_BIN | B_INITRD | B_DTB, RAM_64K | BASE_TOP, &raw, 100, &dtb);
    boot_seed(dir, "raw-2m-zero", B_BIN, RAM_2M | BASE_ZERO, &raw, 0, NULL);
}

/* ---- fuzz_virtio: setup, ram, then operations ---- */

#define RAM_BASE 0x40000000u
enum { OP_RAM = 2, OP_QUEUE = 3, OP_INIT = 4, OP_DESC = 5, OP_AVAIL = 6 };
enum { F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4 };
/* Ring layout shared by the virtio seeds (offsets into RAM). */
enum { DESC_AT = 0x0000, AVAIL_AT = 0x0800, USED_AT = 0x0a00, HDR_AT = 0x1000, DATA_AT = 0x2000,
       STATUS_AT = 0x3000, INDIRECT_AT = 0x4000 };

static void op_queue(Buf *b, unsigned num_log2)
{
    put8(b, OP_QUEUE);
    put8(b, 0);
    put8(b, (uint8_t)num_log2);
    put16(b, DESC_AT);
    put16(b, AVAIL_AT);
    put16(b, USED_AT);
}

static void op_init(Buf *b)
{
    put8(b, OP_INIT);
    put8(b, 4); /* accept everything offered */
    put32(b, 0);
    put32(b, 0);
}

static void op_desc(Buf *b, uint16_t index, uint16_t addr_off, uint16_t len, uint8_t flags, uint16_t next)
{
    put8(b, OP_DESC);
    put8(b, 0);
    put16(b, index);
    put8(b, 0); /* RAM-relative 16-bit address, 16-bit length */
    put16(b, addr_off);
    put16(b, len);
    put8(b, flags);
    put16(b, next);
}

static void op_ram(Buf *b, uint16_t off, const void *src, uint8_t len)
{
    put8(b, OP_RAM);
    put16(b, off);
    put8(b, len);
    put(b, src, len);
}

static void op_avail_notify(Buf *b, uint16_t head)
{
    put8(b, OP_AVAIL);
    put8(b, 0);
    put16(b, head);
    put8(b, 2); /* notify */
}

static void blk_header(Buf *b, uint32_t type, uint32_t sector)
{
    uint8_t hdr[16] = {0};
    for (int i = 0; i < 4; i++) {
        hdr[i] = (uint8_t)(type >> (8 * i));
        hdr[8 + i] = (uint8_t)(sector >> (8 * i));
    }
    op_ram(b, HDR_AT, hdr, sizeof hdr);
}

static Buf virtio_start(uint8_t setup)
{
    Buf b = {0};
    put8(&b, setup);
    put8(&b, 2); /* 64 KiB RAM */
    op_queue(&b, 3);
    op_init(&b);
    return b;
}

/* header (readable), data (readable for OUT, writable otherwise), status. */
static Buf blk_request(uint8_t setup, uint32_t type, uint32_t sector, uint16_t data_len)
{
    Buf b = virtio_start(setup);
    blk_header(&b, type, sector);
    uint8_t data_flags = type == 1 ? 0 : F_WRITE;
    op_desc(&b, 0, HDR_AT, 16, F_NEXT, 1);
    op_desc(&b, 1, DATA_AT, data_len, F_NEXT | data_flags, 2);
    op_desc(&b, 2, STATUS_AT, 1, F_WRITE, 0);
    op_avail_notify(&b, 0);
    return b;
}

static void virtio_seeds(const char *dir)
{
    enum { BLK_SNAPSHOT = 0x20, BLK_READONLY = 0x24, BLK_WRITABLE = 0x28, RNG = 0x21, EMPTY = 0x22 };
    Buf b;
    b = blk_request(BLK_SNAPSHOT, 0, 1, 1024);
    write_seed(dir, "fuzz_virtio", "blk-read", &b);
    b = blk_request(BLK_SNAPSHOT, 1, 2, 512);
    write_seed(dir, "fuzz_virtio", "blk-write-snapshot", &b);
    b = blk_request(BLK_WRITABLE, 1, 31, 512);
    write_seed(dir, "fuzz_virtio", "blk-write-last-sector", &b);
    b = blk_request(BLK_READONLY, 1, 0, 512);
    write_seed(dir, "fuzz_virtio", "blk-write-readonly", &b);
    b = blk_request(BLK_SNAPSHOT, 8, 0, 20);
    write_seed(dir, "fuzz_virtio", "blk-get-id", &b);
    b = blk_request(BLK_WRITABLE, 4, 0, 0);
    write_seed(dir, "fuzz_virtio", "blk-flush", &b);

    /* A read through an indirect table of three descriptors. */
    b = virtio_start(BLK_SNAPSHOT);
    blk_header(&b, 0, 3);
    uint8_t table[48] = {0};
    const struct { uint16_t at, len, flags, next; } ind[3] = {
        {HDR_AT, 16, F_NEXT, 1}, {DATA_AT, 512, F_NEXT | F_WRITE, 2}, {STATUS_AT, 1, F_WRITE, 0}};
    for (int i = 0; i < 3; i++) {
        uint32_t addr = RAM_BASE + ind[i].at;
        for (int k = 0; k < 4; k++)
            table[16 * i + k] = (uint8_t)(addr >> (8 * k));
        table[16 * i + 8] = (uint8_t)ind[i].len;
        table[16 * i + 9] = (uint8_t)(ind[i].len >> 8);
        table[16 * i + 12] = (uint8_t)ind[i].flags;
        table[16 * i + 14] = (uint8_t)ind[i].next;
    }
    op_ram(&b, INDIRECT_AT, table, sizeof table);
    op_desc(&b, 0, INDIRECT_AT, sizeof table, F_INDIRECT, 0);
    op_avail_notify(&b, 0);
    write_seed(dir, "fuzz_virtio", "blk-read-indirect", &b);

    /* Entropy: two writable buffers in one chain. */
    b = virtio_start(RNG);
    op_desc(&b, 0, DATA_AT, 64, F_NEXT | F_WRITE, 1);
    op_desc(&b, 1, DATA_AT + 0x100, 32, F_WRITE, 0);
    op_avail_notify(&b, 0);
    write_seed(dir, "fuzz_virtio", "rng-two-buffers", &b);

    b = virtio_start(EMPTY);
    write_seed(dir, "fuzz_virtio", "empty-slot", &b);
}

int main(int argc, char **argv)
{
    if (argc != 6)
        die("usage: make_seeds CORPUS_DIR STATIC.elf PIE.elf DYNAMIC.elf BAREMETAL.elf");
    const char *dir = argv[1];
    Buf stat = read_file(argv[2]), pie = read_file(argv[3]), dyn = read_file(argv[4]), bare = read_file(argv[5]);
    elf_seeds(dir, &stat, &pie, &dyn);
    fdt_seeds(dir);
    boot_seeds(dir, &bare);
    virtio_seeds(dir);
    return 0;
}
