/* virtio-mmio (VIRTIO 1.1 4.2), split virtqueues (2.6), virtio-blk (5.2)
 * and virtio-rng (5.4), driven through the bus the way a guest driver
 * would: registers by 32-bit MMIO, rings and buffers in guest RAM. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (1u << 20)
#define MMIO_BASE 0x0a000000ull
#define QSIZE 16
#define DESC_AT (RAM_BASE + 0x1000)
#define AVAIL_AT (RAM_BASE + 0x2000)
#define USED_AT (RAM_BASE + 0x3000)
#define INDIRECT_AT (RAM_BASE + 0x4000)
#define HDR_AT (RAM_BASE + 0x8000)
#define STATUS_AT (RAM_BASE + 0x8100)
#define DATA_AT (RAM_BASE + 0x10000)

#define IMAGE_SECTORS 64
#define IMAGE_BYTES (IMAGE_SECTORS * 512)

/* Register offsets from the spec's table 4.1. */
enum {
    MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c,
    DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014,
    DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024,
    QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044,
    QUEUE_NOTIFY = 0x050, INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070,
    QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090,
    QUEUE_DRIVER_HIGH = 0x094, QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4,
    CONFIG_GENERATION = 0x0fc, CONFIG = 0x100,
};

typedef struct Env {
    Log log;
    Bus bus;
    uint8_t *ram;
    VirtioMmio t;
    VirtioBlk blk;
    VirtioRng rng;
    bool irq_level;
    uint16_t avail_idx;
    char image[64];
} Env;

static void irq_record(void *controller, unsigned line, bool level)
{
    Env *env = controller;
    ck_assert_uint_eq(line, 48);
    env->irq_level = level;
}

/* ---- guest memory and registers ---- */

static uint8_t *ram(Env *env, uint64_t gpa)
{
    return env->ram + (gpa - RAM_BASE);
}

static void put16(Env *env, uint64_t gpa, uint16_t v)
{
    uint8_t *p = ram(env, gpa);
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(Env *env, uint64_t gpa, uint32_t v)
{
    put16(env, gpa, (uint16_t)v);
    put16(env, gpa + 2, (uint16_t)(v >> 16));
}

static void put64(Env *env, uint64_t gpa, uint64_t v)
{
    put32(env, gpa, (uint32_t)v);
    put32(env, gpa + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(Env *env, uint64_t gpa)
{
    const uint8_t *p = ram(env, gpa);
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(Env *env, uint64_t gpa)
{
    return (uint16_t)get32(env, gpa);
}

static uint32_t rd(Env *env, uint32_t off)
{
    uint64_t v = 0;
    ck_assert(bus_read(&env->bus, MMIO_BASE + off, 4, &v));
    return (uint32_t)v;
}

static uint32_t rd_sized(Env *env, uint32_t off, unsigned size)
{
    uint64_t v = 0;
    ck_assert(bus_read(&env->bus, MMIO_BASE + off, size, &v));
    return (uint32_t)v;
}

static void wr(Env *env, uint32_t off, uint32_t v)
{
    ck_assert(bus_write(&env->bus, MMIO_BASE + off, 4, v));
}

/* The log, read back from its temporary file. */
static char *log_text(Env *env)
{
    static char text[8192];
    fflush(env->log.out);
    rewind(env->log.out);
    size_t n = fread(text, 1, sizeof text - 1, env->log.out);
    text[n] = 0;
    return text;
}

/* ---- the environment ---- */

static void write_image(const char *path, size_t bytes)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < bytes; i++)
        fputc((int)((i * 7 + i / 512) & 0xff), f);
    fclose(f);
}

static uint8_t image_byte(uint64_t off)
{
    return (uint8_t)((off * 7 + off / 512) & 0xff);
}

static void env_base(Env *env)
{
    memset(env, 0, sizeof *env);
    env->log = (Log){LOG_GUEST_ERRORS | LOG_UNIMP, tmpfile()};
    ck_assert_ptr_nonnull(env->log.out);
    bus_init(&env->bus, &env->log);
    env->ram = calloc(1, RAM_SIZE);
    ck_assert(bus_add_ram(&env->bus, "ram", RAM_BASE, RAM_SIZE, env->ram));
}

static void env_attach(Env *env, const VirtioDeviceOps *ops, void *dev)
{
    IrqLine irq = {irq_record, env, 48};
    virtio_mmio_init(&env->t, &env->bus, &env->log, irq, ops, dev);
    ck_assert(bus_add_mmio(&env->bus, "virtio", MMIO_BASE, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, &env->t));
}

/* A virtio-blk over a fresh 32 KiB image with a known pattern. */
static void env_blk(Env *env, bool readonly, bool snapshot)
{
    env_base(env);
    strcpy(env->image, "/tmp/scion-vblk-XXXXXX");
    int fd = mkstemp(env->image);
    ck_assert_int_ge(fd, 0);
    close(fd);
    write_image(env->image, IMAGE_BYTES);
    char err[256];
    ck_assert_msg(virtio_blk_open(&env->blk, env->image, readonly, snapshot, err, sizeof err), "%s", err);
    env_attach(env, &virtio_blk_ops, &env->blk);
}

static void env_free(Env *env)
{
    if (env->image[0]) {
        virtio_blk_close(&env->blk);
        unlink(env->image);
    }
    fclose(env->log.out);
    free(env->ram);
}

/* ---- a minimal driver (3.1.1) ---- */

static uint64_t device_features(Env *env)
{
    wr(env, DEVICE_FEATURES_SEL, 1);
    uint64_t hi = rd(env, DEVICE_FEATURES);
    wr(env, DEVICE_FEATURES_SEL, 0);
    return hi << 32 | rd(env, DEVICE_FEATURES);
}

/* Steps 1-6; returns whether the device kept FEATURES_OK. */
static bool negotiate(Env *env, uint64_t features)
{
    wr(env, STATUS, 0);
    wr(env, STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(env, STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(env, DRIVER_FEATURES_SEL, 0);
    wr(env, DRIVER_FEATURES, (uint32_t)features);
    wr(env, DRIVER_FEATURES_SEL, 1);
    wr(env, DRIVER_FEATURES, (uint32_t)(features >> 32));
    wr(env, STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return rd(env, STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

static void setup_queue(Env *env, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    wr(env, QUEUE_SEL, 0);
    ck_assert_uint_eq(rd(env, QUEUE_READY), 0);
    wr(env, QUEUE_NUM, num);
    wr(env, QUEUE_DESC_LOW, (uint32_t)desc);
    wr(env, QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(env, QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(env, QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wr(env, QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(env, QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    wr(env, QUEUE_READY, 1);
}

static void driver_ok(Env *env)
{
    wr(env, STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                        VIRTIO_STATUS_DRIVER_OK);
}

/* The whole bring-up with every offered feature accepted. */
static void driver_start(Env *env)
{
    memset(ram(env, DESC_AT), 0, 0x4000);
    env->avail_idx = 0;
    ck_assert(negotiate(env, device_features(env)));
    setup_queue(env, QSIZE, DESC_AT, AVAIL_AT, USED_AT);
    ck_assert_uint_eq(rd(env, QUEUE_READY), 1);
    driver_ok(env);
}

static void set_desc_in(Env *env, uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = table + 16ull * i;
    put64(env, d, addr);
    put32(env, d + 8, len);
    put16(env, d + 12, flags);
    put16(env, d + 14, next);
}

static void set_desc(Env *env, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    set_desc_in(env, DESC_AT, i, addr, len, flags, next);
}

/* Makes chain `head` available and notifies queue 0. */
static void kick(Env *env, uint16_t head)
{
    put16(env, AVAIL_AT + 4 + 2 * (env->avail_idx % QSIZE), head);
    env->avail_idx++;
    put16(env, AVAIL_AT + 2, env->avail_idx);
    wr(env, QUEUE_NOTIFY, 0);
}

static uint16_t used_idx(Env *env)
{
    return get16(env, USED_AT + 2);
}

static void check_used(Env *env, unsigned n, uint32_t id, uint32_t len)
{
    ck_assert_uint_eq(get32(env, USED_AT + 4 + 8 * (n % QSIZE)), id);
    ck_assert_uint_eq(get32(env, USED_AT + 8 + 8 * (n % QSIZE)), len);
}

static bool needs_reset(Env *env)
{
    return rd(env, STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

/* ---- virtio-blk requests: header / data / status in three descriptors ---- */

static void blk_header(Env *env, uint32_t type, uint64_t sector)
{
    put32(env, HDR_AT, type);
    put32(env, HDR_AT + 4, 0);
    put64(env, HDR_AT + 8, sector);
}

/* Submits a request with data at DATA_AT (writable for IN-like requests);
 * returns the status byte. */
static uint8_t blk_request(Env *env, uint32_t type, uint64_t sector, uint32_t data_len, bool data_writable)
{
    blk_header(env, type, sector);
    *ram(env, STATUS_AT) = 0xee;
    set_desc(env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    if (data_len) {
        set_desc(env, 1, DATA_AT, data_len, VIRTQ_DESC_F_NEXT | (data_writable ? VIRTQ_DESC_F_WRITE : 0), 2);
        set_desc(env, 2, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    } else {
        set_desc(env, 1, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    }
    uint16_t before = used_idx(env);
    kick(env, 0);
    ck_assert_uint_eq(used_idx(env), (uint16_t)(before + 1));
    return *ram(env, STATUS_AT);
}

static void read_file(const char *path, uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(buf, 1, len, f), len);
    fclose(f);
}

/* ---- transport ---- */

START_TEST(test_identity_registers)
{
    Env env;
    env_blk(&env, false, false);
    ck_assert_uint_eq(rd(&env, MAGIC), 0x74726976);
    ck_assert_uint_eq(rd(&env, VERSION), 2);
    ck_assert_uint_eq(rd(&env, DEVICE_ID), 2);
    ck_assert_uint_eq(rd(&env, VENDOR_ID), VIRTIO_MMIO_VENDOR);
    ck_assert_uint_eq(rd(&env, STATUS), 0);
    wr(&env, QUEUE_SEL, 0);
    ck_assert_uint_eq(rd(&env, QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
    wr(&env, QUEUE_SEL, 1); /* virtio-blk without MQ has one queue */
    ck_assert_uint_eq(rd(&env, QUEUE_NUM_MAX), 0);
    /* Control registers take aligned 32-bit accesses only. */
    ck_assert_uint_eq(rd_sized(&env, MAGIC, 2), 0);
    ck_assert_ptr_nonnull(strstr(log_text(&env), "0x000"));
    env_free(&env);
}
END_TEST

START_TEST(test_empty_slot)
{
    Env env;
    env_base(&env);
    env_attach(&env, NULL, NULL);
    ck_assert_uint_eq(rd(&env, MAGIC), 0x74726976);
    ck_assert_uint_eq(rd(&env, VERSION), 2);
    ck_assert_uint_eq(rd(&env, DEVICE_ID), 0);
    wr(&env, STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(rd(&env, STATUS), 0);
    ck_assert_uint_eq(rd(&env, QUEUE_NUM_MAX), 0);
    ck_assert_uint_eq(rd(&env, CONFIG), 0);
    env_free(&env);
}
END_TEST

START_TEST(test_feature_negotiation)
{
    Env env;
    env_blk(&env, false, false);
    uint64_t f = device_features(&env);
    ck_assert(f & VIRTIO_F_VERSION_1);
    ck_assert(f & VIRTIO_BLK_F_FLUSH);
    ck_assert(f & VIRTIO_BLK_F_BLK_SIZE);
    ck_assert(f & VIRTIO_BLK_F_SEG_MAX);
    ck_assert(!(f & VIRTIO_BLK_F_RO));
    /* Words past the 64 defined feature bits read 0. */
    wr(&env, DEVICE_FEATURES_SEL, 2);
    ck_assert_uint_eq(rd(&env, DEVICE_FEATURES), 0);
    /* A legacy-only driver (no VERSION_1) is refused FEATURES_OK. */
    ck_assert(!negotiate(&env, f & ~VIRTIO_F_VERSION_1));
    /* So is a driver accepting a feature that was not offered. */
    ck_assert(!negotiate(&env, f | (1ull << 40)));
    ck_assert(negotiate(&env, VIRTIO_F_VERSION_1));
    ck_assert(negotiate(&env, f));
    ck_assert_uint_eq(virtio_mmio_driver_features(&env.t), f);
    env_free(&env);
}
END_TEST

START_TEST(test_blk_config_space)
{
    Env env;
    env_blk(&env, false, false);
    /* capacity (le64 at 0) in 512-byte sectors, read as two 32-bit halves. */
    ck_assert_uint_eq(rd(&env, CONFIG + 0), IMAGE_SECTORS);
    ck_assert_uint_eq(rd(&env, CONFIG + 4), 0);
    /* blk_size (le32 at 0x14), also byte- and halfword-wise. */
    ck_assert_uint_eq(rd(&env, CONFIG + 0x14), 512);
    ck_assert_uint_eq(rd_sized(&env, CONFIG + 0x15, 1), 2);
    ck_assert_uint_eq(rd_sized(&env, CONFIG + 0x14, 2), 512);
    /* A driver builds chains of seg_max data buffers plus header and
     * status; they must fit in the queue. */
    uint32_t seg_max = rd(&env, CONFIG + 0x0c);
    ck_assert_uint_ge(seg_max, 1);
    ck_assert_uint_le(seg_max + 2, VIRTIO_BLK_QUEUE_MAX);
    uint32_t gen = rd(&env, CONFIG_GENERATION);
    ck_assert_uint_eq(rd(&env, CONFIG_GENERATION), gen);
    env_free(&env);
}
END_TEST

START_TEST(test_blk_partial_sector_image)
{
    Env env;
    env_base(&env);
    strcpy(env.image, "/tmp/scion-vblk-XXXXXX");
    int fd = mkstemp(env.image);
    close(fd);
    write_image(env.image, 3 * 512 + 100);
    char err[256];
    ck_assert(virtio_blk_open(&env.blk, env.image, false, false, err, sizeof err));
    env_attach(&env, &virtio_blk_ops, &env.blk);
    ck_assert_uint_eq(rd(&env, CONFIG), 3); /* documented: rounded down */
    env_free(&env);
}
END_TEST

START_TEST(test_open_errors)
{
    VirtioBlk b;
    char err[256];
    ck_assert(!virtio_blk_open(&b, "/nonexistent/scion/disk.img", false, false, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/scion/disk.img"));
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    ck_assert(!virtio_blk_open(&b, "/tmp", true, false, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "directory"));
}
END_TEST

/* ---- virtio-blk requests ---- */

START_TEST(test_blk_read_interrupt_ack)
{
    Env env;
    env_blk(&env, false, false);
    driver_start(&env);
    ck_assert(!env.irq_level);
    /* Two sectors from sector 5, scattered over two data buffers. */
    blk_header(&env, VIRTIO_BLK_T_IN, 5);
    set_desc(&env, 3, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 7);
    set_desc(&env, 7, DATA_AT, 700, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    set_desc(&env, 2, DATA_AT + 0x1000, 324, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 9);
    set_desc(&env, 9, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(&env, 3);
    ck_assert_uint_eq(used_idx(&env), 1);
    check_used(&env, 0, 3, 1025);
    ck_assert_uint_eq(*ram(&env, STATUS_AT), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 1024; i++) {
        uint8_t got = i < 700 ? *ram(&env, DATA_AT + i) : *ram(&env, DATA_AT + 0x1000 + i - 700);
        ck_assert_uint_eq(got, image_byte(5 * 512 + i));
    }
    /* Used buffer notification: bit 0, level until acknowledged. */
    ck_assert(env.irq_level);
    ck_assert_uint_eq(rd(&env, INTERRUPT_STATUS), VIRTIO_INT_USED_BUFFER);
    wr(&env, INTERRUPT_ACK, VIRTIO_INT_USED_BUFFER);
    ck_assert_uint_eq(rd(&env, INTERRUPT_STATUS), 0);
    ck_assert(!env.irq_level);
    ck_assert(!needs_reset(&env));
    env_free(&env);
}
END_TEST

START_TEST(test_blk_write_reaches_file)
{
    Env env;
    env_blk(&env, false, false);
    driver_start(&env);
    for (unsigned i = 0; i < 1024; i++)
        *ram(&env, DATA_AT + i) = (uint8_t)(0xa5 ^ i);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_OUT, 10, 1024, false), VIRTIO_BLK_S_OK);
    check_used(&env, 0, 0, 1); /* only the status byte was written */
    uint8_t file[IMAGE_BYTES];
    read_file(env.image, file, sizeof file);
    for (unsigned i = 0; i < IMAGE_BYTES; i++) {
        uint8_t want = i >= 10 * 512 && i < 12 * 512 ? (uint8_t)(0xa5 ^ (i - 10 * 512)) : image_byte(i);
        ck_assert_uint_eq(file[i], want);
    }
    memset(ram(&env, DATA_AT), 0, 1024);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_IN, 10, 1024, true), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 1024; i++)
        ck_assert_uint_eq(*ram(&env, DATA_AT + i), (uint8_t)(0xa5 ^ i));
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
    env_free(&env);
}
END_TEST

START_TEST(test_blk_get_id)
{
    Env env;
    env_blk(&env, false, false);
    driver_start(&env);
    memset(ram(&env, DATA_AT), 0xff, 20);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_GET_ID, 0, 20, true), VIRTIO_BLK_S_OK);
    const char *base = strrchr(env.image, '/') + 1;
    ck_assert_mem_eq(ram(&env, DATA_AT), base, strlen(base));
    for (size_t i = strlen(base); i < 20; i++)
        ck_assert_uint_eq(*ram(&env, DATA_AT + i), 0); /* NUL-padded */
    /* A 20-byte serial fills the field with no terminator. */
    virtio_blk_set_serial(&env.blk, "0123456789abcdefghijKLMN");
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_GET_ID, 0, 20, true), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(ram(&env, DATA_AT), "0123456789abcdefghij", 20);
    env_free(&env);
}
END_TEST

START_TEST(test_blk_errors)
{
    Env env;
    env_blk(&env, false, false);
    driver_start(&env);
    /* DISCARD (11) was not offered: unsupported. */
    ck_assert_uint_eq(blk_request(&env, 11, 0, 16, false), VIRTIO_BLK_S_UNSUPP);
    ck_assert_uint_eq(blk_request(&env, 0x1234, 0, 0, false), VIRTIO_BLK_S_UNSUPP);
    /* The last sector reads; one more does not. */
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_IN, IMAGE_SECTORS - 1, 512, true), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_IN, IMAGE_SECTORS - 1, 1024, true), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_OUT, IMAGE_SECTORS, 512, false), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_IN, ~0ull, 512, true), VIRTIO_BLK_S_IOERR);
    /* Data that is not whole sectors. */
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_IN, 0, 100, true), VIRTIO_BLK_S_IOERR);
    /* Request errors are answered, not fatal. */
    ck_assert(!needs_reset(&env));
    uint8_t file[IMAGE_BYTES];
    read_file(env.image, file, sizeof file);
    for (unsigned i = 0; i < IMAGE_BYTES; i++)
        ck_assert_uint_eq(file[i], image_byte(i));
    env_free(&env);
}
END_TEST

START_TEST(test_blk_snapshot)
{
    Env env;
    env_blk(&env, false, true);
    driver_start(&env);
    ck_assert(!(device_features(&env) & VIRTIO_BLK_F_RO));
    /* Sectors 7..9 straddle the 4 KiB boundary at sector 8. */
    for (unsigned i = 0; i < 1536; i++)
        *ram(&env, DATA_AT + i) = (uint8_t)(i * 13 + 1);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_OUT, 7, 1536, false), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
    uint8_t file[IMAGE_BYTES];
    read_file(env.image, file, sizeof file);
    for (unsigned i = 0; i < IMAGE_BYTES; i++)
        ck_assert_uint_eq(file[i], image_byte(i));
    /* The guest reads its writes back, and the untouched neighbours. */
    memset(ram(&env, DATA_AT), 0, 8192);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_IN, 4, 16 * 512, true), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 16 * 512; i++) {
        uint64_t off = 4 * 512 + i;
        bool written = off >= 7 * 512 && off < 10 * 512;
        uint8_t want = written ? (uint8_t)((off - 7 * 512) * 13 + 1) : image_byte(off);
        ck_assert_uint_eq(*ram(&env, DATA_AT + i), want);
    }
    env_free(&env);
}
END_TEST

START_TEST(test_blk_readonly)
{
    Env env;
    env_blk(&env, true, false);
    ck_assert(device_features(&env) & VIRTIO_BLK_F_RO);
    driver_start(&env);
    memset(ram(&env, DATA_AT), 0x5a, 512);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_OUT, 0, 512, false), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_IN, 0, 512, true), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 512; i++)
        ck_assert_uint_eq(*ram(&env, DATA_AT + i), image_byte(i));
    env_free(&env);
}
END_TEST

START_TEST(test_indirect_descriptors)
{
    Env env;
    env_blk(&env, false, false);
    driver_start(&env);
    ck_assert(virtio_mmio_driver_features(&env.t) & VIRTIO_F_INDIRECT_DESC);
    blk_header(&env, VIRTIO_BLK_T_IN, 2);
    set_desc_in(&env, INDIRECT_AT, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 2);
    set_desc_in(&env, INDIRECT_AT, 2, DATA_AT, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    set_desc_in(&env, INDIRECT_AT, 1, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    set_desc(&env, 5, INDIRECT_AT, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    kick(&env, 5);
    ck_assert_uint_eq(used_idx(&env), 1);
    check_used(&env, 0, 5, 513);
    ck_assert_uint_eq(*ram(&env, STATUS_AT), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 512; i++)
        ck_assert_uint_eq(*ram(&env, DATA_AT + i), image_byte(2 * 512 + i));
    env_free(&env);
}
END_TEST

START_TEST(test_no_interrupt_flag)
{
    Env env;
    env_blk(&env, false, false);
    driver_start(&env);
    put16(&env, AVAIL_AT, VIRTQ_AVAIL_F_NO_INTERRUPT);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(rd(&env, INTERRUPT_STATUS), 0);
    ck_assert(!env.irq_level);
    env_free(&env);
}
END_TEST

/* Buffers made available before DRIVER_OK are served once it is set. */
START_TEST(test_kick_before_driver_ok)
{
    Env env;
    env_blk(&env, false, false);
    memset(ram(&env, DESC_AT), 0, 0x4000);
    ck_assert(negotiate(&env, device_features(&env)));
    setup_queue(&env, QSIZE, DESC_AT, AVAIL_AT, USED_AT);
    blk_header(&env, VIRTIO_BLK_T_FLUSH, 0);
    set_desc(&env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(&env, 1, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(&env, 0);
    ck_assert_uint_eq(used_idx(&env), 0);
    driver_ok(&env);
    ck_assert_uint_eq(used_idx(&env), 1);
    env_free(&env);
}
END_TEST

START_TEST(test_reset)
{
    Env env;
    env_blk(&env, false, false);
    driver_start(&env);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
    ck_assert(env.irq_level);
    wr(&env, STATUS, 0);
    ck_assert_uint_eq(rd(&env, STATUS), 0);
    ck_assert_uint_eq(rd(&env, INTERRUPT_STATUS), 0);
    ck_assert(!env.irq_level);
    wr(&env, QUEUE_SEL, 0);
    ck_assert_uint_eq(rd(&env, QUEUE_READY), 0);
    /* A second bring-up starts the rings from index 0 again. */
    driver_start(&env);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
    check_used(&env, 0, 0, 1);
    env_free(&env);
}
END_TEST

/* ---- virtio-rng ---- */

static void rng_buffer(Env *env, uint64_t seed, uint8_t out[100])
{
    env_base(env);
    virtio_rng_init(&env->rng, seed);
    env_attach(env, &virtio_rng_ops, &env->rng);
    ck_assert_uint_eq(rd(env, DEVICE_ID), 4);
    driver_start(env);
    memset(ram(env, DATA_AT), 0, 100);
    set_desc(env, 0, DATA_AT, 60, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    set_desc(env, 1, DATA_AT + 60, 40, VIRTQ_DESC_F_WRITE, 0);
    kick(env, 0);
    ck_assert_uint_eq(used_idx(env), 1);
    check_used(env, 0, 0, 100);
    ck_assert(env->irq_level);
    memcpy(out, ram(env, DATA_AT), 100);
    env_free(env);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

START_TEST(test_rng)
{
    Env env;
    uint8_t a[100], b[100], c[100], h[100];
    rng_buffer(&env, 42, a);
    rng_buffer(&env, 42, b);
    rng_buffer(&env, 43, c);
    rng_buffer(&env, 0, h);
    ck_assert_mem_eq(a, b, 100);
    ck_assert(memcmp(a, c, 100) != 0);
    ck_assert(!all_zero(a, 100));
    ck_assert(!all_zero(h, 100)); /* 2^-800 chance of a false failure */
}
END_TEST

START_TEST(test_rng_rejects_readable_buffer)
{
    Env env;
    env_base(&env);
    virtio_rng_init(&env.rng, 1);
    env_attach(&env, &virtio_rng_ops, &env.rng);
    driver_start(&env);
    set_desc(&env, 0, DATA_AT, 64, 0, 0);
    kick(&env, 0);
    ck_assert(needs_reset(&env));
    ck_assert_uint_eq(used_idx(&env), 0);
    env_free(&env);
}
END_TEST

/* ---- hostile drivers ---- */

/* After a malformed chain: DEVICE_NEEDS_RESET, a config-change interrupt,
 * nothing used, a guest-error log line; only a reset recovers. */
static void expect_broken(Env *env)
{
    ck_assert(needs_reset(env));
    ck_assert(rd(env, INTERRUPT_STATUS) & VIRTIO_INT_CONFIG_CHANGE);
    ck_assert(env->irq_level);
    ck_assert_uint_eq(used_idx(env), 0);
    ck_assert(strlen(log_text(env)) > 0);
    /* Further kicks are ignored. */
    blk_header(env, VIRTIO_BLK_T_FLUSH, 0);
    set_desc(env, 12, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 13);
    set_desc(env, 13, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(env, 12);
    ck_assert_uint_eq(used_idx(env), 0);
    /* A reset brings the device back. */
    driver_start(env);
    ck_assert(!needs_reset(env));
    ck_assert_uint_eq(blk_request(env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
}

static void broken_env(Env *env)
{
    env_blk(env, false, false);
    driver_start(env);
}

START_TEST(test_hostile_descriptor_loop)
{
    Env env;
    broken_env(&env);
    blk_header(&env, VIRTIO_BLK_T_IN, 0);
    set_desc(&env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(&env, 1, DATA_AT, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    set_desc(&env, 2, DATA_AT, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    kick(&env, 0);
    expect_broken(&env);
    env_free(&env);
}
END_TEST

START_TEST(test_hostile_indirect_loop)
{
    Env env;
    broken_env(&env);
    set_desc_in(&env, INDIRECT_AT, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc_in(&env, INDIRECT_AT, 1, STATUS_AT, 1, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
    set_desc(&env, 0, INDIRECT_AT, 32, VIRTQ_DESC_F_INDIRECT, 0);
    kick(&env, 0);
    expect_broken(&env);
    env_free(&env);
}
END_TEST

START_TEST(test_hostile_nested_indirect)
{
    Env env;
    broken_env(&env);
    set_desc_in(&env, INDIRECT_AT, 0, INDIRECT_AT, 16, VIRTQ_DESC_F_INDIRECT, 0);
    set_desc(&env, 0, INDIRECT_AT, 16, VIRTQ_DESC_F_INDIRECT, 0);
    kick(&env, 0);
    expect_broken(&env);
    env_free(&env);
}
END_TEST

START_TEST(test_hostile_indirect_not_negotiated)
{
    Env env;
    env_blk(&env, false, false);
    memset(ram(&env, DESC_AT), 0, 0x4000);
    ck_assert(negotiate(&env, device_features(&env) & ~VIRTIO_F_INDIRECT_DESC));
    setup_queue(&env, QSIZE, DESC_AT, AVAIL_AT, USED_AT);
    driver_ok(&env);
    blk_header(&env, VIRTIO_BLK_T_FLUSH, 0);
    set_desc_in(&env, INDIRECT_AT, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc_in(&env, INDIRECT_AT, 1, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    set_desc(&env, 0, INDIRECT_AT, 32, VIRTQ_DESC_F_INDIRECT, 0);
    kick(&env, 0);
    expect_broken(&env);
    env_free(&env);
}
END_TEST

START_TEST(test_hostile_buffer_outside_ram)
{
    Env env;
    broken_env(&env);
    blk_header(&env, VIRTIO_BLK_T_IN, 0);
    set_desc(&env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    /* Starts in RAM and runs past its end. */
    set_desc(&env, 1, RAM_BASE + RAM_SIZE - 256, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    set_desc(&env, 2, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(&env, 0);
    expect_broken(&env);
    /* And one at an address with nothing (or a device) behind it. */
    set_desc(&env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(&env, 1, MMIO_BASE, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    kick(&env, 0);
    ck_assert(needs_reset(&env));
    env_free(&env);
}
END_TEST

START_TEST(test_hostile_indices)
{
    Env env;
    broken_env(&env);
    /* Head outside the table. */
    kick(&env, QSIZE);
    expect_broken(&env);
    /* next outside the table. */
    set_desc(&env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1000);
    kick(&env, 0);
    ck_assert(needs_reset(&env));
    /* avail idx more than a queue ahead. */
    driver_start(&env);
    put16(&env, AVAIL_AT + 2, QSIZE + 1);
    wr(&env, QUEUE_NOTIFY, 0);
    ck_assert(needs_reset(&env));
    env_free(&env);
}
END_TEST

START_TEST(test_hostile_descriptor_direction)
{
    Env env;
    broken_env(&env);
    /* The request header in a device-writable buffer. */
    blk_header(&env, VIRTIO_BLK_T_IN, 0);
    set_desc(&env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    set_desc(&env, 1, STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(&env, 0);
    expect_broken(&env);
    /* A readable buffer after a writable one. */
    set_desc(&env, 0, HDR_AT, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(&env, 1, STATUS_AT, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    set_desc(&env, 2, DATA_AT, 512, 0, 0);
    kick(&env, 0);
    ck_assert(needs_reset(&env));
    env_free(&env);
}
END_TEST

static void expect_queue_refused(Env *env, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    ck_assert(negotiate(env, device_features(env)));
    setup_queue(env, num, desc, avail, used);
    ck_assert_uint_eq(rd(env, QUEUE_READY), 0);
    ck_assert(needs_reset(env));
    wr(env, STATUS, 0);
    ck_assert(!needs_reset(env));
}

START_TEST(test_hostile_queue_setup)
{
    Env env;
    env_blk(&env, false, false);
    expect_queue_refused(&env, 2 * VIRTIO_BLK_QUEUE_MAX, DESC_AT, AVAIL_AT, USED_AT);
    expect_queue_refused(&env, 12, DESC_AT, AVAIL_AT, USED_AT);
    expect_queue_refused(&env, 0, DESC_AT, AVAIL_AT, USED_AT);
    /* Rings outside RAM, or running off its end. */
    expect_queue_refused(&env, QSIZE, 0x1000, AVAIL_AT, USED_AT);
    expect_queue_refused(&env, QSIZE, DESC_AT, AVAIL_AT, RAM_BASE + RAM_SIZE - 64);
    expect_queue_refused(&env, QSIZE, DESC_AT, 0xfffffffffffffff0ull, USED_AT);
    /* Misaligned descriptor table (16-byte alignment, 2.6). */
    expect_queue_refused(&env, QSIZE, DESC_AT + 8, AVAIL_AT, USED_AT);
    driver_start(&env);
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
    env_free(&env);
}
END_TEST

START_TEST(test_hostile_register_misuse)
{
    Env env;
    broken_env(&env);
    /* Notifying a queue that does not exist, writing read-only registers,
     * changing a live queue: logged, no effect. */
    wr(&env, QUEUE_NOTIFY, 5);
    wr(&env, MAGIC, 0);
    wr(&env, QUEUE_SEL, 0);
    wr(&env, QUEUE_NUM, 3);
    wr(&env, QUEUE_DESC_LOW, 0);
    wr(&env, QUEUE_SEL, 7);
    wr(&env, QUEUE_READY, 1);
    ck_assert_uint_eq(rd(&env, QUEUE_READY), 0);
    ck_assert_uint_eq(rd(&env, MAGIC), 0x74726976);
    ck_assert(!needs_reset(&env));
    ck_assert(strstr(log_text(&env), "0x050") || strstr(log_text(&env), "queue 5"));
    ck_assert_uint_eq(blk_request(&env, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
    env_free(&env);
}
END_TEST

/* Random descriptor tables and requests (xorshift-driven, so failures
 * replay): the device must answer each kick with at most one used element
 * or enter NEEDS_RESET, and never touch memory outside guest RAM (run
 * under ASan/valgrind to check the latter). */
static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t random_addr(uint64_t *s)
{
    switch (xorshift(s) % 16) {
    case 0:
        return xorshift(s); /* anywhere */
    case 1:
        return RAM_BASE + RAM_SIZE - xorshift(s) % 64; /* straddling the end */
    default:
        return DATA_AT + xorshift(s) % (RAM_SIZE - 0x20000); /* ordinary buffers */
    }
}

/* A plausible request in the descriptors (header, data, status) at
 * random slots, then now and then one random corruption of the table. */
static void random_request(Env *env, uint64_t *s, uint16_t *head)
{
    static const uint32_t types[] = {VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_GET_ID, 11};
    uint32_t type = types[xorshift(s) % 5];
    blk_header(env, type, xorshift(s) % (IMAGE_SECTORS + 4));
    unsigned n_data = (unsigned)(xorshift(s) % 4);
    uint16_t slots[6];
    for (unsigned i = 0; i < n_data + 2; i++)
        slots[i] = (uint16_t)((*head + 3 * i) % QSIZE);
    *head = slots[0];
    set_desc(env, slots[0], HDR_AT, 16, VIRTQ_DESC_F_NEXT, slots[1]);
    for (unsigned i = 1; i <= n_data; i++) {
        uint32_t len = xorshift(s) % 4 ? 512 * (uint32_t)(1 + xorshift(s) % 4) : (uint32_t)(xorshift(s) % 3000);
        uint16_t dir = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;
        set_desc(env, slots[i], random_addr(s), len, dir | VIRTQ_DESC_F_NEXT, slots[i + 1]);
    }
    set_desc(env, slots[n_data + 1], STATUS_AT, 1, VIRTQ_DESC_F_WRITE, 0);
    if (xorshift(s) % 4 == 0) {
        unsigned victim = (unsigned)(xorshift(s) % QSIZE), field = (unsigned)(xorshift(s) % 4);
        uint64_t d = DESC_AT + 16ull * victim, v = xorshift(s);
        if (field == 0)
            put64(env, d, v);
        else if (field == 1)
            put32(env, d + 8, (uint32_t)v);
        else
            put16(env, d + 10 + 2 * field, (uint16_t)(field == 3 ? v % (QSIZE + 2) : v & 7));
    }
    if (xorshift(s) % 16 == 0)
        *head = (uint16_t)(xorshift(s) % (QSIZE + 1));
}

START_TEST(test_hostile_random_chains)
{
    Env env;
    env_blk(&env, false, true); /* snapshot: random writes stay off the file */
    driver_start(&env);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    unsigned broken = 0, served = 0;
    uint16_t head = 0;
    for (int round = 0; round < 5000; round++) {
        head = (uint16_t)(head + 1);
        random_request(&env, &seed, &head);
        uint16_t before = used_idx(&env);
        kick(&env, head);
        uint16_t done = (uint16_t)(used_idx(&env) - before);
        ck_assert_uint_le(done, 1);
        served += done;
        if (needs_reset(&env)) {
            broken++;
            driver_start(&env);
        } else {
            ck_assert_uint_eq(done, 1); /* a chain the device accepted is answered */
            uint8_t status = *ram(&env, STATUS_AT);
            ck_assert_uint_le(status, VIRTIO_BLK_S_UNSUPP);
        }
    }
    ck_assert_uint_gt(broken, 100);
    ck_assert_uint_gt(served, 1000);
    uint8_t file[IMAGE_BYTES];
    read_file(env.image, file, sizeof file);
    for (unsigned i = 0; i < IMAGE_BYTES; i++)
        ck_assert_uint_eq(file[i], image_byte(i));
    env_free(&env);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio");
    TCase *tc = tcase_create("transport");
    tcase_add_test(tc, test_identity_registers);
    tcase_add_test(tc, test_empty_slot);
    tcase_add_test(tc, test_feature_negotiation);
    tcase_add_test(tc, test_reset);
    tcase_add_test(tc, test_no_interrupt_flag);
    tcase_add_test(tc, test_kick_before_driver_ok);
    tcase_add_test(tc, test_indirect_descriptors);
    suite_add_tcase(s, tc);
    tc = tcase_create("blk");
    tcase_add_test(tc, test_blk_config_space);
    tcase_add_test(tc, test_blk_partial_sector_image);
    tcase_add_test(tc, test_open_errors);
    tcase_add_test(tc, test_blk_read_interrupt_ack);
    tcase_add_test(tc, test_blk_write_reaches_file);
    tcase_add_test(tc, test_blk_get_id);
    tcase_add_test(tc, test_blk_errors);
    tcase_add_test(tc, test_blk_snapshot);
    tcase_add_test(tc, test_blk_readonly);
    suite_add_tcase(s, tc);
    tc = tcase_create("rng");
    tcase_add_test(tc, test_rng);
    tcase_add_test(tc, test_rng_rejects_readable_buffer);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_test(tc, test_hostile_descriptor_loop);
    tcase_add_test(tc, test_hostile_indirect_loop);
    tcase_add_test(tc, test_hostile_nested_indirect);
    tcase_add_test(tc, test_hostile_indirect_not_negotiated);
    tcase_add_test(tc, test_hostile_buffer_outside_ram);
    tcase_add_test(tc, test_hostile_indices);
    tcase_add_test(tc, test_hostile_descriptor_direction);
    tcase_add_test(tc, test_hostile_queue_setup);
    tcase_add_test(tc, test_hostile_register_misuse);
    tcase_add_test(tc, test_hostile_random_chains);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
