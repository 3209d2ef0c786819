/*
 * libFuzzer target: loading a snapshot (snapshot/stream.h, ram.h,
 * vmstate.h) with the virt board's device tables and checks, as
 * system/virt_snapshot.c does it.
 *
 * Input: u8 setup, then a snapshot stream read from memory.
 *   setup bits 0-1: RAM size for "ram" sections when the size a section
 *                   declares is not taken: 64 KiB, 1 MiB, 4 MiB, 1 MiB + 512
 *         bit 2:    never take the declared size (so records meet a RAM
 *                   of another size and must be refused)
 *         bit 3:    repair the stream's CRCs and the end marker's section
 *                   count before reading it, so that mutated payloads get
 *                   past the CRCs to the section parsers (without it the
 *                   CRCs themselves are under test)
 * The stream is read like -loadvm reads it: snap_read_header, then
 * snap_read_section until the end marker or an error.  Each section:
 *   "ram"          snap_ram_apply into this input's RAM, made at the first
 *                  "ram" section with the size that section declares when
 *                  it is at most 4 MiB (else the setup size);
 *   "cpu", "gic", "pl011", "pl031", "virtio-rng", "virtio-mmio"
 *                  vms_decode into a staging copy of a live device that
 *                  starts in its reset state (virtio-mmio instance 0 is a
 *                  virtio-rng, 1 a virtio-blk, any other an empty slot);
 *   "blk-overlay"  virtio_blk_overlay_load for a small snapshot=on drive;
 *   anything else  skipped (the board refuses it by name).
 * A section that loads is committed to the live device, which is then run
 * a little from that state (register reads and writes, an interrupt
 * acknowledged, queues notified), because a state the checks accept must
 * be one the device can run from.  After every "ram" section that loads,
 * the first 64 KiB of RAM become the DMA memory the virtio devices see.
 *
 * Checked besides memory safety and leaks: every refusal carries a
 * message; a device section that loads re-encodes to the same bytes; a
 * loaded overlay saves to as many bytes as it was loaded from; RAM built
 * from "ram" sections saves (every non-zero page) and loads into zeroed
 * RAM as the same bytes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

#define RAM_MAX (4u << 20)
#define DMA_BASE 0x40000000u
#define DMA_SIZE (64u * 1024)
#define BLK_SECTORS 40 /* 20 KiB: five overlay chunks */
#define GIC_IRQS 288   /* as on the virt board */

enum { SLOT_RNG, SLOT_BLK, SLOT_EMPTY, SLOT_COUNT };

typedef struct Machine {
    Log log;
    Bus bus;
    uint8_t dma[DMA_SIZE];
    ArmCpu cpu;
    Gic gic;
    Pl011 uart;
    Pl031 rtc;
    VirtioMmio slot[SLOT_COUNT];
    VirtioRng rng;
    VirtioBlk blk;
    uint8_t *ram; /* made at the first "ram" section */
    uint64_t ram_size;
    bool ram_ok; /* every "ram" section so far loaded */
} Machine;

/* Staging copies, as large as the largest device. */
typedef union Staged {
    ArmCpu cpu;
    Gic gic;
    Pl011 uart;
    Pl031 rtc;
    VirtioMmio mmio;
    VirtioRng rng;
} Staged;

static Machine m;
static Staged staged;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "snapshot fuzz: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* A refusal must say why. */
static void check_refusal(const char *err, const char *what)
{
    if (!err[0])
        fail(what, "refused without a message");
}

/* --- stream I/O in memory ------------------------------------------------ */

typedef struct MemSource {
    const uint8_t *p;
    size_t n;
} MemSource;

static bool mem_read(void *opaque, void *data, size_t len)
{
    MemSource *s = opaque;
    if (len > s->n)
        return false;
    memcpy(data, s->p, len);
    s->p += len;
    s->n -= len;
    return true;
}

static bool buf_write(void *opaque, const void *data, size_t len)
{
    VmsBuf *b = opaque;
    vms_buf_put(b, data, len);
    return !b->failed;
}

/* --- CRC repair ------------------------------------------------------------- */

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Rewrites the CRC of the header, of each section and of the end marker
 * (and the end marker's count) as far as the stream's layout can be
 * followed (stream.h has the layout). */
static void repair_crcs(uint8_t *d, size_t n)
{
    if (n < 16)
        return;
    uint64_t tlen = le(d + 12, 4);
    if (tlen > n - 16 || n - 16 - tlen < 4)
        return;
    put_le32(d + 16 + tlen, (uint32_t)crc32(0, d + 16, (uInt)tlen));
    size_t at = 16 + tlen + 4;
    uint32_t sections = 0;
    while (n - at >= 4) {
        if (!memcmp(d + at, "END.", 4)) {
            if (n - at < 12)
                return;
            put_le32(d + at + 4, sections);
            put_le32(d + at + 8, (uint32_t)crc32(0, d + at, 8));
            return;
        }
        if (memcmp(d + at, "SECT", 4) || n - at < 6)
            return;
        uint64_t nlen = le(d + at + 4, 2), head = 2 + nlen + 16;
        if (n - at - 4 < head)
            return;
        uint64_t plen = le(d + at + 4 + 2 + nlen + 8, 8);
        if (plen > n - at - 4 - head || n - at - 4 - head - plen < 4)
            return;
        put_le32(d + at + 4 + head + plen, (uint32_t)crc32_z(0, d + at + 4, (size_t)(head + plen)));
        at += 4 + head + plen + 4;
        sections++;
    }
}

/* --- the machine ----------------------------------------------------------- */

static void on_cpu_line(void *controller, unsigned line, bool level)
{
    (void)controller;
    (void)line;
    (void)level;
}

/* The reset state of arm_cpu_reset_system (frontend/arm_sys.c, which would
 * bring the MMU and the translator along). */
static void cpu_reset(ArmCpu *cpu)
{
    memset(cpu, 0, sizeof *cpu);
    cpu->system = true;
    cpu->cpsr_rest = ARM_MODE_SVC | ARM_CPSR_A | ARM_CPSR_I | ARM_CPSR_F;
    cpu->sys.sctlr = 0x00c50078;
    cpu->sys.cntfrq = 62500000;
}

static void machine_init(void)
{
    m.log = (Log){0, NULL};
    memset(m.dma, 0, sizeof m.dma);
    bus_init(&m.bus, &m.log);
    bus_add_ram(&m.bus, "ram", DMA_BASE, DMA_SIZE, m.dma);
    cpu_reset(&m.cpu);
    gic_init(&m.gic, &m.log, GIC_IRQS, (IrqLine){on_cpu_line, NULL, 0}, (IrqLine){on_cpu_line, NULL, 1});
    pl011_init(&m.uart, &m.log, (IrqLine){gic_set_irq, &m.gic, 32 + 1}, NULL, NULL);
    pl031_init(&m.rtc, &m.log, (IrqLine){gic_set_irq, &m.gic, 32 + 2}, NULL, NULL, 1700000000);
    virtio_rng_init(&m.rng, 0x5eed);
    /* A snapshot=on drive without an image: reads of chunks the overlay
     * lacks fail (fd -1), which the device reports as I/O errors. */
    m.blk = (VirtioBlk){.fd = -1, .capacity = BLK_SECTORS, .snapshot = true};
    static const VirtioDeviceOps *const ops[SLOT_COUNT] = {&virtio_rng_ops, &virtio_blk_ops, NULL};
    void *const devs[SLOT_COUNT] = {&m.rng, &m.blk, NULL};
    for (unsigned i = 0; i < SLOT_COUNT; i++)
        virtio_mmio_init(&m.slot[i], &m.bus, &m.log, (IrqLine){gic_set_irq, &m.gic, 48 + i}, ops[i], devs[i]);
    m.ram = NULL;
    m.ram_size = 0;
    m.ram_ok = true;
}

static void machine_free(void)
{
    virtio_blk_close(&m.blk);
    free(m.ram);
    m.ram = NULL;
}

/* --- running devices from a loaded state ---------------------------------- */

static void run_gic(Gic *g)
{
    for (uint32_t off = 0; off < 0x1000; off += 4)
        gic_dist_ops.read(g, off, 4);
    static const uint32_t cpu_regs[] = {GICC_CTLR, GICC_PMR, GICC_BPR, GICC_RPR, GICC_HPPIR, GICC_ABPR,
                                        GICC_AHPPIR, GICC_APR0, GICC_NSAPR0, GICC_IIDR};
    for (unsigned i = 0; i < sizeof cpu_regs / sizeof cpu_regs[0]; i++)
        gic_cpu_ops.read(g, cpu_regs[i], 4);
    for (unsigned round = 0; round < 2; round++) {
        uint32_t id = (uint32_t)gic_cpu_ops.read(g, round ? GICC_AIAR : GICC_IAR, 4);
        gic_cpu_ops.write(g, round ? GICC_AEOIR : GICC_EOIR, id, 4);
        gic_cpu_ops.write(g, GICC_DIR, id, 4);
    }
    gic_set_irq(g, 40, true);
    gic_set_irq(g, 40, false);
    gic_dist_ops.write(g, GICD_SGIR, 0x02000003, 4); /* SGI 3 to this CPU */
}

static void run_uart(Pl011 *u)
{
    for (uint32_t off = 0; off <= PL011_DMACR; off += 4)
        pl011_ops.read(u, off, 4);
    pl011_receive(u, 'r');
    pl011_ops.write(u, PL011_DR, 't', 4);
    pl011_ops.read(u, PL011_DR, 4);
    pl011_ops.write(u, PL011_ICR, PL011_INT_ALL, 4);
}

static void run_rtc(Pl031 *r)
{
    for (uint32_t off = 0; off <= 0x20; off += 4)
        pl031_ops.read(r, off, 4);
    pl031_update(r);
    pl031_ops.write(r, PL031_MR, 0, 4);
}

static void run_mmio(VirtioMmio *t)
{
    for (uint32_t off = 0; off < 0x100 + VIRTIO_BLK_CONFIG_SIZE; off += 4)
        virtio_mmio_ops.read(t, off, 4);
    /* QueueNotify (0x050) for every queue: ready ones pop descriptors. */
    for (uint32_t q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
        virtio_mmio_ops.write(t, 0x050, q, 4);
    /* InterruptACK (0x064) of whatever InterruptStatus (0x060) shows. */
    virtio_mmio_ops.write(t, 0x064, virtio_mmio_ops.read(t, 0x060, 4), 4);
}

/* --- sections ---------------------------------------------------------------- */

typedef enum Kind { K_CPU, K_GIC, K_UART, K_RTC, K_MMIO, K_RNG } Kind;

static const struct {
    const char *name;
    const VmsDesc *desc;
    Kind kind;
} devices[] = {
    {"cpu", &arm_cpu_vmstate, K_CPU},        {"gic", &gic_vmstate, K_GIC},
    {"pl011", &pl011_vmstate, K_UART},       {"pl031", &pl031_vmstate, K_RTC},
    {"virtio-mmio", &virtio_mmio_vmstate, K_MMIO}, {"virtio-rng", &virtio_rng_vmstate, K_RNG},
};

static void *live_device(Kind k, uint32_t instance)
{
    switch (k) {
    case K_CPU: return &m.cpu;
    case K_GIC: return &m.gic;
    case K_UART: return &m.uart;
    case K_RTC: return &m.rtc;
    case K_MMIO: return &m.slot[instance < SLOT_EMPTY ? instance : SLOT_EMPTY];
    default: return &m.rng;
    }
}

static void run_device(Kind k, void *dev)
{
    switch (k) {
    case K_GIC: run_gic(dev); break;
    case K_UART: run_uart(dev); break;
    case K_RTC: run_rtc(dev); break;
    case K_MMIO: run_mmio(dev); break;
    case K_RNG: {
        uint8_t out[16];
        virtio_rng_fill(dev, out, sizeof out);
        break;
    }
    default: break; /* the CPU needs the whole machine to run */
    }
}

static void load_device(unsigned which, const SnapSection *sec)
{
    const VmsDesc *d = devices[which].desc;
    void *live = live_device(devices[which].kind, sec->instance);
    char err[256] = "";
    memcpy(&staged, live, d->size);
    if (!vms_decode(d, sec->version, sec->data, sec->len, &staged, err, sizeof err)) {
        check_refusal(err, d->name);
        return;
    }
    /* Every field is present from version 0 on, so what loaded is all of
     * the payload: encoding it again must give the same bytes. */
    VmsBuf again = {0};
    vms_encode(d, &staged, &again);
    if (again.failed)
        fail("out of memory", NULL);
    if (again.len != sec->len || (sec->len && memcmp(again.data, sec->data, sec->len)))
        fail("a loaded section encodes differently", d->name);
    vms_buf_free(&again);
    memcpy(live, &staged, d->size);
    run_device(devices[which].kind, live);
}

static void load_overlay(const SnapSection *sec)
{
    BlkOverlay o;
    char err[256] = "";
    if (!virtio_blk_overlay_load(&m.blk, sec->data, sec->len, &o, err, sizeof err)) {
        check_refusal(err, "blk-overlay");
        if (o.keys || o.chunks || o.count)
            fail("a refused overlay was left allocated", NULL);
        return;
    }
    virtio_blk_overlay_commit(&m.blk, &o);
    VmsBuf again = {0};
    virtio_blk_overlay_save(&m.blk, &again);
    if (again.failed || again.len != sec->len)
        fail("a loaded overlay saves to another length", NULL);
    vms_buf_free(&again);
}

static uint64_t declared_ram_size(const SnapSection *sec)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8 && i < sec->len; i++)
        v |= (uint64_t)sec->data[i] << (8 * i);
    return v;
}

static void load_ram(const SnapSection *sec, uint8_t setup)
{
    if (!m.ram) {
        static const uint64_t sizes[4] = {64u << 10, 1u << 20, RAM_MAX, (1u << 20) + 512};
        uint64_t declared = declared_ram_size(sec);
        m.ram_size = !(setup & 4) && declared <= RAM_MAX ? declared : sizes[setup & 3];
        m.ram = calloc(1, m.ram_size ? m.ram_size : 1);
        if (!m.ram)
            fail("out of memory", NULL);
    }
    char err[256] = "";
    if (!snap_ram_apply(sec, m.ram, m.ram_size, err, sizeof err)) {
        check_refusal(err, "ram");
        m.ram_ok = false;
        return;
    }
    memcpy(m.dma, m.ram, m.ram_size < DMA_SIZE ? m.ram_size : DMA_SIZE);
}

/* Saving the loaded RAM and loading that into zeroed RAM gives it back. */
static void check_ram_round_trip(void)
{
    if (!m.ram || !m.ram_ok)
        return;
    VmsBuf out = {0};
    SnapSink sink = {buf_write, &out, 0, 0, false};
    snap_ram_write(&sink, m.ram, m.ram_size, NULL, 1, NULL);
    if (sink.failed)
        fail("saving RAM failed", NULL);
    uint8_t *copy = calloc(1, m.ram_size ? m.ram_size : 1);
    if (!copy)
        fail("out of memory", NULL);
    MemSource ms = {out.data, out.len};
    SnapSource src = {.read = mem_read, .opaque = &ms};
    SnapSection sec;
    char err[256] = "";
    for (uint32_t i = 0; i < sink.sections; i++) {
        if (snap_read_section(&src, &sec, err, sizeof err) != SNAP_SECTION)
            fail("saved RAM does not read back", err);
        if (!snap_ram_apply(&sec, copy, m.ram_size, err, sizeof err))
            fail("saved RAM does not load", err);
        snap_section_free(&sec);
    }
    if (ms.n != 0)
        fail("saved RAM has bytes after its sections", NULL);
    if (memcmp(copy, m.ram, m.ram_size))
        fail("RAM saved and loaded again differs", NULL);
    free(copy);
    vms_buf_free(&out);
}

static void load_section(const SnapSection *sec, uint8_t setup)
{
    if (!sec->name[0] || strlen(sec->name) > SNAP_NAME_MAX || (sec->len && !sec->data))
        fail("a section with a bad name or no payload", sec->name);
    if (!strcmp(sec->name, "ram")) {
        load_ram(sec, setup);
        return;
    }
    if (!strcmp(sec->name, "blk-overlay")) {
        load_overlay(sec);
        return;
    }
    for (unsigned i = 0; i < sizeof devices / sizeof devices[0]; i++)
        if (!strcmp(sec->name, devices[i].name)) {
            load_device(i, sec);
            return;
        }
}

static void read_header_keys(const char *text)
{
    static const char *const keys[] = {"machine", "ram_size", "drives", "drive0", ""};
    char value[64];
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (snap_header_get(text, keys[i], value, sizeof value) && strlen(value) >= sizeof value)
            fail("a header value overflows its buffer", keys[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t setup = data[0];
    uint8_t *copy = NULL;
    MemSource ms = {data + 1, size - 1};
    if (setup & 8) {
        copy = malloc(size);
        if (!copy)
            fail("out of memory", NULL);
        memcpy(copy, data + 1, size - 1);
        repair_crcs(copy, size - 1);
        ms.p = copy;
    }
    SnapSource src = {.read = mem_read, .opaque = &ms};
    char err[256] = "";
    char *header = snap_read_header(&src, err, sizeof err);
    if (!header) {
        check_refusal(err, "header");
        free(copy);
        return 0;
    }
    read_header_keys(header);
    free(header);

    machine_init();
    SnapSection sec;
    SnapReadResult r;
    uint32_t sections = 0;
    while ((r = snap_read_section(&src, &sec, err, sizeof err)) == SNAP_SECTION) {
        sections++;
        load_section(&sec, setup);
        snap_section_free(&sec);
        err[0] = 0;
    }
    if (r == SNAP_ERROR)
        check_refusal(err, "section list");
    if (sec.data)
        fail("the reader left a payload allocated", NULL);
    if (src.sections != sections)
        fail("the reader's section count is wrong", NULL);
    check_ram_round_trip();
    machine_free();
    free(copy);
    return 0;
}
