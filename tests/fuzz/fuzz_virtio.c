/*
 * libFuzzer target: the virtio-mmio transport and split virtqueues
 * (devices/virtio_mmio.h) with virtio-blk and virtio-rng behind them.
 *
 * The input is a setup header and then a program of operations a guest
 * could perform: raw MMIO accesses of any size and offset, raw writes of
 * guest RAM, and a few "driver" shortcuts (set up a queue, negotiate
 * features, write a descriptor, publish an available entry, notify) that
 * let the fuzzer reach request processing without first discovering the
 * whole initialisation protocol.  Every shortcut only performs register
 * and RAM writes a guest could do, so anything it finds is reachable by a
 * guest.
 *
 *   u8 device  bits 0-1: 0/3 virtio-blk, 1 virtio-rng, 2 empty slot;
 *              bits 2-3 (blk): 0/3 snapshot, 1 read-only, 2 writable;
 *              bit 4 (rng): host entropy instead of a fixed seed;
 *              bit 5: log guest errors (to /dev/null)
 *   u8 ram     bits 0-1: RAM size 4 KiB, 16 KiB, 64 KiB, 64 KiB
 *   then operations until the input ends (see run_op).
 *
 * Guest RAM is a heap block with a second 4 KiB block mapped right above
 * it, so a buffer that spans the two regions (and must be refused) would
 * show up as a heap overflow under ASan.  The disk image is a memfd
 * (16 KiB plus a partial sector), rewritten before each input, so the
 * writable mode changes no file and inputs stay independent.
 *
 * Checked besides memory safety: every device DMA write lies inside a RAM
 * region, the interrupt line always equals (InterruptStatus != 0), and
 * every call returns (run with -timeout).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/virt_map.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"
#include "tests/fuzz/fuzz_input.h"

#define RAM_BASE 0x40000000u
#define RAM_MAX (64u * 1024)
#define RAM2_SIZE 4096u
#define IMAGE_SIZE (16u * 1024 + 100)

/* Register offsets (VIRTIO 1.1 table 4.1). */
enum {
    R_DEVICE_FEATURES = 0x010, R_DEVICE_FEATURES_SEL = 0x014, R_DRIVER_FEATURES = 0x020,
    R_DRIVER_FEATURES_SEL = 0x024, R_QUEUE_SEL = 0x030, R_QUEUE_NUM = 0x038, R_QUEUE_READY = 0x044,
    R_QUEUE_NOTIFY = 0x050, R_INTERRUPT_STATUS = 0x060, R_INTERRUPT_ACK = 0x064, R_STATUS = 0x070,
    R_QUEUE_DESC_LOW = 0x080, R_QUEUE_DRIVER_LOW = 0x090, R_QUEUE_DEVICE_LOW = 0x0a0,
};

/* What the driver shortcuts remember about each queue they set up. */
typedef struct QueueShadow {
    uint32_t num;
    uint32_t desc, avail; /* offsets into RAM */
    uint16_t avail_idx;
} QueueShadow;

typedef struct VirtioFuzz {
    uint8_t *ram, *ram2;
    uint32_t ram_size;
    int image_fd;
    char image_path[64];
    uint8_t image[IMAGE_SIZE];
    FILE *devnull;
    Bus bus;
    Log log;
    VirtioMmio slot;
    VirtioBlk blk;
    VirtioRng rng;
    bool irq_level;
    QueueShadow q[VIRTIO_MMIO_MAX_QUEUES];
} VirtioFuzz;

static VirtioFuzz fz;

#define MMIO_BASE (virt_memmap[VIRT_MMIO].base)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz.ram = malloc(RAM_MAX);
    fz.ram2 = malloc(RAM2_SIZE);
    fz.devnull = fopen("/dev/null", "w");
    fz.image_fd = memfd_create("fuzz-virtio-disk", MFD_CLOEXEC);
    if (!fz.ram || !fz.ram2 || !fz.devnull || fz.image_fd < 0)
        abort();
    snprintf(fz.image_path, sizeof fz.image_path, "/proc/self/fd/%d", fz.image_fd);
    for (size_t i = 0; i < IMAGE_SIZE; i++)
        fz.image[i] = (uint8_t)(i * 7 + (i >> 9));
    return 0;
}

static void on_irq(void *controller, unsigned line, bool level)
{
    (void)line;
    ((VirtioFuzz *)controller)->irq_level = level;
}

static void on_ram_write(void *opaque, uint64_t addr, uint64_t len)
{
    const VirtioFuzz *f = opaque;
    uint64_t end = addr + len;
    bool in_ram1 = addr >= RAM_BASE && end <= RAM_BASE + f->ram_size && end >= addr;
    bool in_ram2 = addr >= RAM_BASE + f->ram_size && end <= RAM_BASE + f->ram_size + RAM2_SIZE && end >= addr;
    if (!in_ram1 && !in_ram2) {
        fprintf(stderr, "virtio fuzz: DMA write 0x%llx+0x%llx outside RAM\n", (unsigned long long)addr,
                (unsigned long long)len);
        abort();
    }
}

static void reg_write(uint32_t offset, uint32_t value)
{
    bus_write(&fz.bus, MMIO_BASE + offset, 4, value);
}

static uint32_t reg_read(uint32_t offset)
{
    uint64_t v = 0;
    bus_read(&fz.bus, MMIO_BASE + offset, 4, &v);
    return (uint32_t)v;
}

/* A driver's store into guest RAM (clipped at the end of RAM). */
static void ram_store(uint32_t offset, const void *src, size_t len)
{
    if (offset >= fz.ram_size)
        return;
    if (len > fz.ram_size - offset)
        len = fz.ram_size - offset;
    memcpy(fz.ram + offset, src, len);
}

static void ram_store16(uint32_t offset, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    ram_store(offset, b, 2);
}

static void ram_store32(uint32_t offset, uint32_t v)
{
    ram_store16(offset, (uint16_t)v);
    ram_store16(offset + 2, (uint16_t)(v >> 16));
}

static unsigned access_size(uint8_t code)
{
    return 1u << (code & 3); /* 8 must be refused by the bus */
}

static void op_mmio(FuzzInput *in, bool write)
{
    uint32_t offset = fin_u16(in) & 0x3ff; /* past the 0x200 window too */
    unsigned size = access_size(fin_u8(in));
    if (write) {
        bus_write(&fz.bus, MMIO_BASE + offset, size, fin_u32(in));
    } else {
        uint64_t v;
        bus_read(&fz.bus, MMIO_BASE + offset, size, &v);
    }
}

static void op_ram(FuzzInput *in)
{
    uint32_t offset = fin_u16(in) % fz.ram_size;
    size_t len = fin_u8(in);
    const uint8_t *p = fin_take(in, &len);
    ram_store(offset, p, len);
}

/* Queue setup as a driver does it (4.2.3.2), with fuzzed sizes/addresses. */
static void op_queue_setup(FuzzInput *in)
{
    unsigned q = fin_u8(in) % VIRTIO_MMIO_MAX_QUEUES;
    uint8_t how = fin_u8(in);
    uint32_t num = (how & 0x10) ? fin_u16(in) : 1u << (how & 0xf);
    uint32_t desc = fin_u16(in) & ~15u, avail = fin_u16(in) & ~1u, used = fin_u16(in) & ~3u;
    reg_write(R_QUEUE_SEL, q);
    reg_write(R_QUEUE_NUM, num);
    reg_write(R_QUEUE_DESC_LOW, RAM_BASE + desc);
    reg_write(R_QUEUE_DESC_LOW + 4, 0);
    reg_write(R_QUEUE_DRIVER_LOW, RAM_BASE + avail);
    reg_write(R_QUEUE_DRIVER_LOW + 4, 0);
    reg_write(R_QUEUE_DEVICE_LOW, RAM_BASE + used);
    reg_write(R_QUEUE_DEVICE_LOW + 4, (how & 0x20) ? 1 : 0); /* above 4 GiB: must be refused */
    if (!(how & 0x40)) {
        ram_store16(avail, 0);
        ram_store16(avail + 2, 0);
    }
    fz.q[q] = (QueueShadow){num ? num : 1, desc, avail, 0};
    reg_write(R_QUEUE_READY, 1);
}

/* Initialisation (3.1.1): ACKNOWLEDGE, DRIVER, features, FEATURES_OK, DRIVER_OK. */
static void op_driver_init(FuzzInput *in)
{
    uint8_t how = fin_u8(in);
    if (how & 1)
        reg_write(R_STATUS, 0);
    reg_write(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    reg_write(R_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    for (uint32_t sel = 0; sel < 2; sel++) {
        reg_write(R_DEVICE_FEATURES_SEL, sel);
        uint32_t offered = reg_read(R_DEVICE_FEATURES);
        uint32_t take = (how & 2) ? fin_u32(in) : offered & ~fin_u32(in);
        reg_write(R_DRIVER_FEATURES_SEL, sel);
        reg_write(R_DRIVER_FEATURES, (how & 4) ? offered : take);
    }
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    reg_write(R_STATUS, status);
    if (!(how & 8))
        reg_write(R_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
}

static void op_descriptor(FuzzInput *in)
{
    const QueueShadow *s = &fz.q[fin_u8(in) % VIRTIO_MMIO_MAX_QUEUES];
    uint32_t index = fin_u16(in) % s->num;
    uint8_t how = fin_u8(in);
    uint64_t addr = (how & 1) ? (uint64_t)fin_u32(in) | (uint64_t)((how & 4) ? fin_u32(in) : 0) << 32
                              : RAM_BASE + fin_u16(in);
    uint32_t len = (how & 2) ? fin_u32(in) : fin_u16(in);
    uint16_t flags = fin_u8(in), next = fin_u16(in);
    uint32_t at = s->desc + 16 * index;
    ram_store32(at, (uint32_t)addr);
    ram_store32(at + 4, (uint32_t)(addr >> 32));
    ram_store32(at + 8, len);
    ram_store16(at + 12, flags);
    ram_store16(at + 14, next);
}

/* Publish a head in the available ring (2.6.13) and maybe notify. */
static void op_avail(FuzzInput *in)
{
    unsigned q = fin_u8(in) % VIRTIO_MMIO_MAX_QUEUES;
    QueueShadow *s = &fz.q[q];
    uint16_t head = fin_u16(in);
    uint8_t how = fin_u8(in);
    ram_store16(s->avail + 4 + 2 * (s->avail_idx % s->num), head);
    s->avail_idx++;
    ram_store16(s->avail, how & VIRTQ_AVAIL_F_NO_INTERRUPT);
    ram_store16(s->avail + 2, s->avail_idx);
    if (how & 2)
        reg_write(R_QUEUE_NOTIFY, q);
}

static void run_op(FuzzInput *in)
{
    switch (fin_u8(in) % 10) {
    case 0: op_mmio(in, true); break;
    case 1: op_mmio(in, false); break;
    case 2: op_ram(in); break;
    case 3: op_queue_setup(in); break;
    case 4: op_driver_init(in); break;
    case 5: op_descriptor(in); break;
    case 6: op_avail(in); break;
    case 7: reg_write(R_QUEUE_NOTIFY, fin_u8(in) % (VIRTIO_MMIO_MAX_QUEUES + 1)); break;
    case 8: reg_write(R_STATUS, fin_u8(in)); break;
    default: reg_write(R_INTERRUPT_ACK, reg_read(R_INTERRUPT_STATUS) & fin_u8(in)); break;
    }
}

static bool attach_device(uint8_t setup)
{
    const VirtioDeviceOps *ops = NULL;
    void *dev = NULL;
    unsigned kind = setup & 3, blk_mode = (setup >> 2) & 3;
    if (kind == 1) {
        virtio_rng_init(&fz.rng, (setup & 0x10) ? 0 : 0x5c10);
        ops = &virtio_rng_ops;
        dev = &fz.rng;
    } else if (kind != 2) {
        if (ftruncate(fz.image_fd, 0) != 0 || pwrite(fz.image_fd, fz.image, IMAGE_SIZE, 0) != IMAGE_SIZE)
            abort();
        char err[256];
        if (!virtio_blk_open(&fz.blk, fz.image_path, blk_mode == 1, blk_mode != 1 && blk_mode != 2, err, sizeof err)) {
            fprintf(stderr, "virtio fuzz: %s\n", err);
            abort();
        }
        ops = &virtio_blk_ops;
        dev = &fz.blk;
    }
    IrqLine irq = {on_irq, &fz, VIRT_SPI_MMIO};
    virtio_mmio_init(&fz.slot, &fz.bus, &fz.log, irq, ops, dev);
    return ops == &virtio_blk_ops;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t ram_sizes[4] = {4096, 16384, RAM_MAX, RAM_MAX};
    FuzzInput in = {data, size};
    uint8_t setup = fin_u8(&in);
    fz.ram_size = ram_sizes[fin_u8(&in) & 3];
    memset(fz.ram, 0, RAM_MAX);
    memset(fz.ram2, 0, RAM2_SIZE);
    memset(fz.q, 0, sizeof fz.q);
    for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
        fz.q[i].num = 1;
    fz.irq_level = false;
    fz.log = (Log){(setup & 0x20) ? LOG_GUEST_ERRORS | LOG_UNIMP : 0, fz.devnull};
    bus_init(&fz.bus, &fz.log);
    fz.bus.on_ram_write = on_ram_write;
    fz.bus.hook_opaque = &fz;
    bus_add_ram(&fz.bus, "ram", RAM_BASE, fz.ram_size, fz.ram);
    bus_add_ram(&fz.bus, "ram2", RAM_BASE + fz.ram_size, RAM2_SIZE, fz.ram2);
    bool is_blk = attach_device(setup);
    bus_add_mmio(&fz.bus, "virtio-mmio", MMIO_BASE, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, &fz.slot);

    while (in.n) {
        run_op(&in);
        if (fz.irq_level != (fz.slot.int_status != 0)) {
            fprintf(stderr, "virtio fuzz: irq line %d but InterruptStatus 0x%x\n", fz.irq_level,
                    fz.slot.int_status);
            abort();
        }
    }
    if (is_blk)
        virtio_blk_close(&fz.blk);
    return 0;
}
