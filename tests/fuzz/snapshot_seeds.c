/*
 * Writes the seed corpus of fuzz_snapshot: small valid snapshot streams
 * made with the real state tables and writers, each behind the target's
 * setup byte (see fuzz_snapshot.c; most set bit 3, CRC repair, so that
 * mutations reach the section parsers).  Rerun it when a table or the
 * stream format changes, and commit the result:
 *
 *   cc -std=gnu11 -D_GNU_SOURCE -I. -o /tmp/snapshot_seeds tests/fuzz/snapshot_seeds.c \
 *      snapshot/stream.c snapshot/ram.c snapshot/vmstate.c frontend/arm_vmstate.c \
 *      devices/gicv2.c devices/pl011.c devices/pl031.c devices/virtio_mmio.c \
 *      devices/virtio_blk.c devices/virtio_rng.c devices/bus.c backend/log.c backend/sha256.c -lz
 *   /tmp/snapshot_seeds tests/fuzz/corpus/fuzz_snapshot
 *
 * The corpus also holds real-*-rom-16m: snapshots scion itself saved of
 * bare-metal test programs (roms/, built into BUILD/tests/roms), behind a
 * setup byte, made with
 *   scion virt -kernel uart.elf -m 16M -icount 2 -snapshot-at 200000 -snapshot-file s.snap
 *   { printf '\010'; cat s.snap; } >real-uart-rom-16m
 * (gic.elf at 5000 and timer.elf at 100000 instructions, timer's setup
 * byte 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gicv2.h"
#include "devices/pl011.h"
#include "devices/pl031.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"
#include "frontend/arm_cpu.h"
#include "snapshot/ram.h"
#include "snapshot/stream.h"
#include "snapshot/vmstate.h"

#define RAM_BASE 0x40000000u

static const char *out_dir;
static Log quiet = {0, NULL};

static void die(const char *what)
{
    fprintf(stderr, "snapshot_seeds: %s\n", what);
    exit(1);
}

static bool buf_write(void *opaque, const void *data, size_t len)
{
    VmsBuf *b = opaque;
    vms_buf_put(b, data, len);
    return !b->failed;
}

/* A stream being built: the setup byte, then the snapshot. */
typedef struct Seed {
    VmsBuf bytes;
    SnapSink sink;
} Seed;

static void seed_begin(Seed *s, uint8_t setup, uint64_t ram_size)
{
    *s = (Seed){0};
    s->sink = (SnapSink){buf_write, &s->bytes, 0, 0, false};
    vms_buf_put(&s->bytes, &setup, 1);
    char header[256];
    snprintf(header, sizeof header, "machine=virt\nscion=0.1.0\ncpu=cortex-a15\nram_size=%llu\nicount=3\ndrives=0\n",
             (unsigned long long)ram_size);
    snap_write_header(&s->sink, header);
}

static void put_device(Seed *s, const VmsDesc *d, uint32_t instance, const void *dev)
{
    VmsBuf b = {0};
    vms_encode(d, dev, &b);
    snap_write_section(&s->sink, d->name, instance, d->version, b.data, b.len);
    vms_buf_free(&b);
}

static void seed_end(Seed *s, const char *name)
{
    snap_write_end(&s->sink);
    if (s->sink.failed || s->bytes.failed)
        die("out of memory");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s->bytes.data, 1, s->bytes.len, f) != s->bytes.len || fclose(f) != 0)
        die("cannot write a seed");
    printf("%s: %zu bytes\n", name, s->bytes.len);
    vms_buf_free(&s->bytes);
}

static void cpu_reset(ArmCpu *cpu)
{
    memset(cpu, 0, sizeof *cpu);
    cpu->system = true;
    cpu->cpsr_rest = ARM_MODE_SVC | ARM_CPSR_A | ARM_CPSR_I | ARM_CPSR_F;
    cpu->sys.sctlr = 0x00c50078;
    cpu->sys.cntfrq = 62500000;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* A split-queue descriptor at RAM offset desc_off + 16 * i. */
static void put_desc(uint8_t *ram, uint32_t desc_off, unsigned i, uint32_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint8_t *d = ram + desc_off + 16 * i;
    put64(d, addr);
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}

/* A transport with queue 0 set up and the driver running, rings at
 * RAM offsets 0x1000 (descriptors), 0x2000 (available), 0x3000 (used). */
static void running_transport(VirtioMmio *t, const VirtioDeviceOps *ops, void *dev)
{
    virtio_mmio_init(t, NULL, &quiet, (IrqLine){0}, ops, dev);
    t->status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                VIRTIO_STATUS_DRIVER_OK;
    t->driver_features = VIRTIO_F_VERSION_1;
    t->vq[0].num = 8;
    t->vq[0].ready = true;
    t->vq[0].desc = RAM_BASE + 0x1000;
    t->vq[0].avail = RAM_BASE + 0x2000;
    t->vq[0].used = RAM_BASE + 0x3000;
}

/* One head published in queue 0's available ring. */
static void publish(uint8_t *ram, uint16_t head)
{
    put16(ram + 0x2000, 0);
    put16(ram + 0x2002, 1);
    put16(ram + 0x2004, head);
}

/* Every table in its reset state, RAM with a few non-zero pages. */
static void seed_board_reset(void)
{
    enum { SIZE = 1u << 20 };
    Seed s;
    seed_begin(&s, 0x09, SIZE);
    ArmCpu cpu;
    cpu_reset(&cpu);
    cpu.r[15] = RAM_BASE;
    put_device(&s, &arm_cpu_vmstate, 0, &cpu);
    Gic gic;
    gic_init(&gic, &quiet, 288, (IrqLine){0}, (IrqLine){0});
    put_device(&s, &gic_vmstate, 0, &gic);
    Pl011 uart;
    pl011_init(&uart, &quiet, (IrqLine){0}, NULL, NULL);
    put_device(&s, &pl011_vmstate, 0, &uart);
    Pl031 rtc;
    pl031_init(&rtc, &quiet, (IrqLine){0}, NULL, NULL, 1700000000);
    put_device(&s, &pl031_vmstate, 0, &rtc);
    VirtioRng rng;
    virtio_rng_init(&rng, 0x5eed);
    VirtioMmio t;
    virtio_mmio_init(&t, NULL, &quiet, (IrqLine){0}, &virtio_rng_ops, &rng);
    put_device(&s, &virtio_mmio_vmstate, 0, &t);
    virtio_mmio_init(&t, NULL, &quiet, (IrqLine){0}, NULL, NULL);
    put_device(&s, &virtio_mmio_vmstate, 2, &t);
    put_device(&s, &virtio_rng_vmstate, 0, &rng);
    uint8_t *ram = calloc(1, SIZE);
    if (!ram)
        die("out of memory");
    memcpy(ram, "\x00\x00\xa0\xe3\xfe\xff\xff\xea", 8); /* mov r0, #0; b . */
    for (unsigned i = 0; i < 4096; i++)
        ram[0x5000 + i] = (uint8_t)(i * 31 + (i >> 8));
    memset(ram + SIZE - 4096, 0x55, 64);
    snap_ram_write(&s.sink, ram, SIZE, NULL, 1, NULL);
    free(ram);
    seed_end(&s, "board-reset-1m");
}

/* virtio-rng with one writable buffer waiting: RAM comes first, so the
 * transport's rings are in the fuzz target's DMA memory when it loads. */
static void seed_rng_queue(void)
{
    enum { SIZE = 64u << 10 };
    Seed s;
    seed_begin(&s, 0x08, SIZE);
    uint8_t *ram = calloc(1, SIZE);
    if (!ram)
        die("out of memory");
    put_desc(ram, 0x1000, 0, RAM_BASE + 0x4000, 64, VIRTQ_DESC_F_WRITE, 0);
    publish(ram, 0);
    snap_ram_write(&s.sink, ram, SIZE, NULL, 6, NULL);
    free(ram);
    VirtioRng rng;
    virtio_rng_init(&rng, 0x5eed);
    VirtioMmio t;
    running_transport(&t, &virtio_rng_ops, &rng);
    put_device(&s, &virtio_mmio_vmstate, 0, &t);
    put_device(&s, &virtio_rng_vmstate, 0, &rng);
    seed_end(&s, "rng-queue-notify");
}

/* A virtio-blk overlay of two chunks and a read request for sectors of
 * the first (the other reads fail: the drive has no image). */
static void seed_blk_overlay(void)
{
    enum { SIZE = 64u << 10 };
    Seed s;
    seed_begin(&s, 0x08, SIZE);
    VmsBuf ov = {0};
    vms_buf_put_le(&ov, 2, 8);
    uint8_t chunk[4096];
    for (uint64_t c = 1; c <= 4; c += 3) {
        vms_buf_put_le(&ov, c, 8);
        for (unsigned i = 0; i < sizeof chunk; i++)
            chunk[i] = (uint8_t)(c * 17 + i);
        vms_buf_put(&ov, chunk, sizeof chunk);
    }
    snap_write_section(&s.sink, "blk-overlay", 0, 1, ov.data, ov.len);
    vms_buf_free(&ov);
    uint8_t *ram = calloc(1, SIZE);
    if (!ram)
        die("out of memory");
    /* Request header (type IN, sector 8 = chunk 1), data, status. */
    put32(ram + 0x4000, VIRTIO_BLK_T_IN);
    put64(ram + 0x4008, 8);
    put_desc(ram, 0x1000, 0, RAM_BASE + 0x4000, 16, VIRTQ_DESC_F_NEXT, 1);
    put_desc(ram, 0x1000, 1, RAM_BASE + 0x5000, 1024, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    put_desc(ram, 0x1000, 2, RAM_BASE + 0x6000, 1, VIRTQ_DESC_F_WRITE, 0);
    publish(ram, 0);
    snap_ram_write(&s.sink, ram, SIZE, NULL, 6, NULL);
    free(ram);
    VirtioBlk blk = {.fd = -1, .capacity = 40, .snapshot = true};
    VirtioMmio t;
    running_transport(&t, &virtio_blk_ops, &blk);
    put_device(&s, &virtio_mmio_vmstate, 1, &t);
    seed_end(&s, "blk-overlay-read");
}

/* Devices mid-flight: an SPI pending and enabled, one active, UART FIFOs
 * holding characters, a CPU in Thumb IT state in IRQ mode. */
static void seed_busy_devices(void)
{
    Seed s;
    seed_begin(&s, 0x0a, 4u << 20);
    Gic gic;
    gic_init(&gic, &quiet, 288, (IrqLine){0}, (IrqLine){0});
    gic.dist_ctlr = 1;
    gic.cpu_ctlr = 1;
    gic.pmr = 0xf0;
    gic.enabled[1] = 0x3;
    gic.latched[1] = 0x1;
    gic.active[1] = 0x2;
    gic.priority[32] = 0x80;
    gic.priority[33] = 0x40;
    gic.apr[0] = 1u << (0x40 >> 3);
    gic.edge[1] = 0x3;
    put_device(&s, &gic_vmstate, 0, &gic);
    Pl011 uart;
    pl011_init(&uart, &quiet, (IrqLine){0}, NULL, NULL);
    uart.lcr_h = PL011_LCR_H_FEN;
    uart.cr = PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE;
    uart.rx = (Pl011Fifo){.data = "abc", .head = 30, .count = 5};
    uart.tx_fifo = (Pl011Fifo){.data = "xyz", .head = 0, .count = 3};
    uart.imsc = PL011_INT_RX | PL011_INT_RT;
    uart.ris = PL011_INT_RT;
    uart.irq_level = true;
    put_device(&s, &pl011_vmstate, 0, &uart);
    ArmCpu cpu;
    cpu_reset(&cpu);
    for (unsigned i = 0; i < 16; i++)
        cpu.r[i] = 0x1000u * i + i;
    cpu.thumb = 1;
    cpu.itstate = 0x18;
    cpu.cpsr_rest = ARM_MODE_IRQ | ARM_CPSR_I;
    cpu.nf = cpu.cf = 1;
    cpu.sys.spsr[2] = 0x600001d3;
    cpu.sys.halted = 1;
    cpu.sys.pending = ARM_PENDING_IRQ;
    cpu.vfp.d[3] = 0x400921fb54442d18ull;
    put_device(&s, &arm_cpu_vmstate, 0, &cpu);
    Pl031 rtc;
    pl031_init(&rtc, &quiet, (IrqLine){0}, NULL, NULL, 1700000000);
    rtc.mr = 1700000005;
    rtc.imsc = 1;
    put_device(&s, &pl031_vmstate, 0, &rtc);
    seed_end(&s, "busy-devices");
}

/* A migration round: dirty pages, some of them now zero. */
static void seed_ram_dirty(void)
{
    enum { SIZE = 256u << 10, PAGES = SIZE / 4096 };
    Seed s;
    seed_begin(&s, 0x00, SIZE);
    uint8_t *ram = calloc(1, SIZE);
    uint8_t dirty[PAGES] = {0};
    if (!ram)
        die("out of memory");
    for (unsigned p = 0; p < PAGES; p += 3) {
        dirty[p] = 1;
        if (p % 2)
            memset(ram + p * 4096 + 100, (int)p, 200);
    }
    snap_ram_write(&s.sink, ram, SIZE, dirty, 1, NULL);
    free(ram);
    seed_end(&s, "ram-dirty-256k");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    seed_board_reset();
    seed_rng_queue();
    seed_blk_overlay();
    seed_busy_devices();
    seed_ram_dirty();
    return 0;
}
