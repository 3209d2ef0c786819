/* The virt board's device tree and the kernel/initrd/DTB loader.
 *
 * Expected values come from the Linux device-tree bindings (arm,gic.yaml,
 * arm,arch_timer.yaml, psci.yaml, pl011.yaml, virtio/mmio.yaml), from QEMU
 * virt's memory map (GIC at 0x08000000, UART at 0x09000000, virtio-mmio at
 * 0x0a000000 + n * 0x200 on SPI 16 + n), from Linux's arm booting.rst
 * (zImage magic 0x016F2818 at 0x24; r0 = 0, r1 = ~0, r2 = DTB; DTB 8-byte
 * aligned) and from the ELF specification. */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/boot.h"
#include "devices/fdt_virt.h"

#define RAM_BASE 0x40000000u
#define MIB (1024u * 1024u)

/* ---- helpers ---- */

static FdtVirtConfig board_config(void)
{
    return (FdtVirtConfig){
        .ram_base = RAM_BASE, .ram_size = 256 * MIB,
        .cmdline = "console=ttyAMA0 root=/dev/vda rw",
        .initrd_start = 0x48000000, .initrd_end = 0x48123456,
        .virtio_count = 32,
    };
}

static void *build(const FdtVirtConfig *cfg, size_t *size)
{
    char err[256] = "";
    void *fdt = fdt_virt_build(cfg, size, err, sizeof err);
    ck_assert_msg(fdt != NULL, "fdt_virt_build: %s", err);
    ck_assert_int_eq(fdt_check_full(fdt, *size), 0);
    ck_assert_uint_eq(fdt_totalsize(fdt), *size);
    return fdt;
}

static int node(const void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);
    ck_assert_msg(off >= 0, "%s: %s", path, fdt_strerror(off));
    return off;
}

/* Cell i of a property that must be exactly ncells cells long. */
static uint32_t cell(const void *fdt, const char *path, const char *prop, int ncells, int i)
{
    int len;
    const fdt32_t *v = fdt_getprop(fdt, node(fdt, path), prop, &len);
    ck_assert_msg(v != NULL, "%s:%s missing", path, prop);
    ck_assert_int_eq(len, ncells * 4);
    return fdt32_to_cpu(v[i]);
}

static void assert_cells(const void *fdt, const char *path, const char *prop, const uint32_t *want, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(cell(fdt, path, prop, n, i) == want[i], "%s:%s cell %d = 0x%x, want 0x%x", path, prop, i,
                      cell(fdt, path, prop, n, i), want[i]);
}

static const char *str(const void *fdt, const char *path, const char *prop)
{
    int len;
    const char *s = fdt_getprop(fdt, node(fdt, path), prop, &len);
    ck_assert_msg(s != NULL && len > 0 && s[len - 1] == '\0', "%s:%s not a string", path, prop);
    return s;
}

static bool has_prop(const void *fdt, const char *path, const char *prop)
{
    return fdt_getprop(fdt, node(fdt, path), prop, NULL) != NULL;
}

static bool compatible(const void *fdt, const char *path, const char *want)
{
    int len;
    const char *list = fdt_getprop(fdt, node(fdt, path), "compatible", &len);
    return list && fdt_stringlist_contains(list, len, want);
}

/* linux,initrd-* may be 1 or 2 cells; Linux accepts both. */
static uint64_t number(const void *fdt, const char *path, const char *prop)
{
    int len;
    const fdt32_t *v = fdt_getprop(fdt, node(fdt, path), prop, &len);
    ck_assert_msg(v && (len == 4 || len == 8), "%s:%s", path, prop);
    return len == 4 ? fdt32_to_cpu(v[0]) : (uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]);
}

static void write_temp(const void *data, size_t len, const char *suffix, char path[64])
{
    snprintf(path, 64, "/tmp/scion_fdt_boot_XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* the host is little-endian like the guest */
}

static uint8_t *make_zimage(size_t len)
{
    uint8_t *z = malloc(len);
    for (size_t i = 0; i < len; i++)
        z[i] = (uint8_t)(i * 31 + 7);
    put32(z + 0x24, 0x016f2818);
    put32(z + 0x28, 0);
    put32(z + 0x2c, (uint32_t)len);
    put32(z + 0x30, 0x04030201);
    return z;
}

/* An ELF32 ARM executable: a 0x100-byte code segment at base + 0x10000 and
 * a data segment at base + 0x20000 with 0x10 bytes of data and 0xff0 of bss. */
enum { ELF_CODE = 0x100, ELF_DATA = 0x10, ELF_DATA_MEM = 0x1000 };

typedef struct TestElf {
    Elf32_Ehdr eh;
    Elf32_Phdr ph[2];
    uint8_t code[ELF_CODE];
    uint8_t data[ELF_DATA];
} TestElf;

static TestElf make_elf(void)
{
    TestElf e;
    memset(&e, 0, sizeof e);
    memcpy(e.eh.e_ident, ELFMAG, SELFMAG);
    e.eh.e_ident[EI_CLASS] = ELFCLASS32;
    e.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    e.eh.e_ident[EI_VERSION] = EV_CURRENT;
    e.eh.e_type = ET_EXEC;
    e.eh.e_machine = EM_ARM;
    e.eh.e_version = EV_CURRENT;
    e.eh.e_entry = RAM_BASE + 0x10000 + 1; /* Thumb */
    e.eh.e_phoff = offsetof(TestElf, ph);
    e.eh.e_ehsize = sizeof(Elf32_Ehdr);
    e.eh.e_phentsize = sizeof(Elf32_Phdr);
    e.eh.e_phnum = 2;
    e.ph[0] = (Elf32_Phdr){PT_LOAD, offsetof(TestElf, code), RAM_BASE + 0x10000, RAM_BASE + 0x10000,
                           ELF_CODE, ELF_CODE, PF_R | PF_X, 4};
    e.ph[1] = (Elf32_Phdr){PT_LOAD, offsetof(TestElf, data), RAM_BASE + 0x20000, RAM_BASE + 0x20000,
                           ELF_DATA, ELF_DATA_MEM, PF_R | PF_W, 4};
    for (int i = 0; i < ELF_CODE; i++)
        e.code[i] = (uint8_t)(0x40 + i);
    memset(e.data, 0x5a, ELF_DATA);
    return e;
}

typedef struct Board {
    uint8_t *ram;
    uint64_t size;
    BootState st;
    char err[512];
} Board;

static Board *board_new(uint64_t size)
{
    Board *b = calloc(1, sizeof *b);
    b->ram = calloc(1, size);
    ck_assert_ptr_nonnull(b->ram);
    b->size = size;
    return b;
}

static void board_free(Board *b)
{
    free(b->ram);
    free(b);
}

static bool boot(Board *b, const char *kernel, const char *initrd, const char *dtb, const char *cmdline)
{
    BootConfig bc = {kernel, initrd, dtb, cmdline, {.virtio_count = 32}};
    b->err[0] = '\0';
    return boot_load(&bc, b->ram, RAM_BASE, b->size, &b->st, b->err, sizeof b->err);
}

static const void *guest(const Board *b, uint64_t addr)
{
    ck_assert_uint_ge(addr, RAM_BASE);
    ck_assert_uint_lt(addr, RAM_BASE + b->size);
    return b->ram + (addr - RAM_BASE);
}

/* The DTB r2 points at: 8-byte aligned, inside RAM, valid. */
static const void *booted_dtb(const Board *b)
{
    ck_assert_uint_eq(b->st.r0, 0);
    ck_assert_uint_eq(b->st.r1, 0xffffffffu);
    ck_assert_uint_eq(b->st.r2 % 8, 0);
    const void *fdt = guest(b, b->st.r2);
    ck_assert_uint_eq(fdt_magic(fdt), FDT_MAGIC);
    ck_assert_uint_le(b->st.r2 + fdt_totalsize(fdt), RAM_BASE + b->size);
    ck_assert_int_eq(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
    return fdt;
}

static void assert_refused(Board *b, const char *kernel, const char *initrd, const char *must_contain)
{
    ck_assert_msg(!boot(b, kernel, initrd, NULL, NULL), "%s was accepted", kernel);
    ck_assert_msg(b->err[0] != '\0', "empty message for %s", kernel);
    ck_assert_msg(strstr(b->err, must_contain) != NULL, "message \"%s\" lacks \"%s\"", b->err, must_contain);
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* ---- generated device tree ---- */

START_TEST(test_dtb_root_memory_cpu_psci)
{
    FdtVirtConfig cfg = board_config();
    size_t size;
    void *fdt = build(&cfg, &size);
    ck_assert_uint_eq(cell(fdt, "/", "#address-cells", 1, 0), 2);
    ck_assert_uint_eq(cell(fdt, "/", "#size-cells", 1, 0), 2);
    ck_assert(compatible(fdt, "/", "linux,dummy-virt"));
    ck_assert(has_prop(fdt, "/", "model"));
    ck_assert_str_eq(str(fdt, "/memory@40000000", "device_type"), "memory");
    assert_cells(fdt, "/memory@40000000", "reg", (uint32_t[]){0, 0x40000000, 0, 0x10000000}, 4);
    ck_assert_uint_eq(cell(fdt, "/cpus", "#address-cells", 1, 0), 1);
    ck_assert_uint_eq(cell(fdt, "/cpus", "#size-cells", 1, 0), 0);
    ck_assert(compatible(fdt, "/cpus/cpu@0", "arm,cortex-a15"));
    ck_assert_str_eq(str(fdt, "/cpus/cpu@0", "device_type"), "cpu");
    ck_assert_uint_eq(cell(fdt, "/cpus/cpu@0", "reg", 1, 0), 0);
    ck_assert_str_eq(str(fdt, "/cpus/cpu@0", "enable-method"), "psci");
    ck_assert(compatible(fdt, "/psci", "arm,psci-0.2"));
    ck_assert(compatible(fdt, "/psci", "arm,psci"));
    ck_assert_str_eq(str(fdt, "/psci", "method"), "hvc");
    ck_assert_uint_eq(cell(fdt, "/psci", "cpu_suspend", 1, 0), 0x84000001);
    ck_assert_uint_eq(cell(fdt, "/psci", "cpu_off", 1, 0), 0x84000002);
    ck_assert_uint_eq(cell(fdt, "/psci", "cpu_on", 1, 0), 0x84000003);
    ck_assert_uint_eq(cell(fdt, "/psci", "migrate", 1, 0), 0x84000005);
    free(fdt);
}
END_TEST

START_TEST(test_dtb_gic_timer_clock)
{
    FdtVirtConfig cfg = board_config();
    size_t size;
    void *fdt = build(&cfg, &size);
    const char *gic = "/intc@8000000";
    ck_assert(compatible(fdt, gic, "arm,cortex-a15-gic"));
    ck_assert_uint_eq(cell(fdt, gic, "#interrupt-cells", 1, 0), 3);
    ck_assert(has_prop(fdt, gic, "interrupt-controller"));
    assert_cells(fdt, gic, "reg", (uint32_t[]){0, 0x08000000, 0, 0x10000, 0, 0x08010000, 0, 0x10000}, 8);
    uint32_t gic_phandle = fdt_get_phandle(fdt, node(fdt, gic));
    ck_assert_uint_ne(gic_phandle, 0);
    ck_assert_uint_eq(cell(fdt, "/", "interrupt-parent", 1, 0), gic_phandle);

    /* Secure, non-secure, virtual, hypervisor timer PPIs 13, 14, 11, 10;
     * flags: CPU mask 0x1 in bits[15:8], level high (4). */
    ck_assert(compatible(fdt, "/timer", "arm,armv7-timer"));
    assert_cells(fdt, "/timer", "interrupts",
                 (uint32_t[]){1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104}, 12);
    ck_assert(has_prop(fdt, "/timer", "always-on"));
    ck_assert(!has_prop(fdt, "/timer", "clock-frequency"));

    ck_assert(compatible(fdt, "/apb-pclk", "fixed-clock"));
    ck_assert_uint_eq(cell(fdt, "/apb-pclk", "#clock-cells", 1, 0), 0);
    ck_assert_uint_eq(cell(fdt, "/apb-pclk", "clock-frequency", 1, 0), 24000000);
    ck_assert_str_eq(str(fdt, "/apb-pclk", "clock-output-names"), "clk24mhz");
    free(fdt);

    cfg.timer_hz = 62500000;
    fdt = build(&cfg, &size);
    ck_assert_uint_eq(cell(fdt, "/timer", "clock-frequency", 1, 0), 62500000);
    free(fdt);
}
END_TEST

START_TEST(test_dtb_uart_rtc_virtio)
{
    FdtVirtConfig cfg = board_config();
    size_t size;
    void *fdt = build(&cfg, &size);
    uint32_t clk = fdt_get_phandle(fdt, node(fdt, "/apb-pclk"));
    ck_assert_uint_ne(clk, 0);

    const char *uart = "/pl011@9000000";
    ck_assert(compatible(fdt, uart, "arm,pl011"));
    ck_assert(compatible(fdt, uart, "arm,primecell"));
    assert_cells(fdt, uart, "reg", (uint32_t[]){0, 0x09000000, 0, 0x1000}, 4);
    assert_cells(fdt, uart, "interrupts", (uint32_t[]){0, 1, 4}, 3);
    assert_cells(fdt, uart, "clocks", (uint32_t[]){clk, clk}, 2);
    int len;
    const char *names = fdt_getprop(fdt, node(fdt, uart), "clock-names", &len);
    ck_assert_int_eq(len, (int)sizeof "uartclk\0apb_pclk");
    ck_assert_mem_eq(names, "uartclk\0apb_pclk", len);

    const char *rtc = "/pl031@9010000";
    ck_assert(compatible(fdt, rtc, "arm,pl031"));
    ck_assert(compatible(fdt, rtc, "arm,primecell"));
    assert_cells(fdt, rtc, "reg", (uint32_t[]){0, 0x09010000, 0, 0x1000}, 4);
    assert_cells(fdt, rtc, "interrupts", (uint32_t[]){0, 2, 4}, 3);
    ck_assert_uint_eq(cell(fdt, rtc, "clocks", 1, 0), clk);
    ck_assert_str_eq(str(fdt, rtc, "clock-names"), "apb_pclk");

    int count = 0;
    for (int off = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"); off >= 0;
         off = fdt_node_offset_by_compatible(fdt, off, "virtio,mmio"))
        count++;
    ck_assert_int_eq(count, 32);
    for (unsigned n = 0; n < 32; n += 31) {
        char path[64];
        snprintf(path, sizeof path, "/virtio_mmio@%x", 0x0a000000 + n * 0x200);
        assert_cells(fdt, path, "reg", (uint32_t[]){0, 0x0a000000 + n * 0x200, 0, 0x200}, 4);
        assert_cells(fdt, path, "interrupts", (uint32_t[]){0, 16 + n, 1}, 3);
        ck_assert(has_prop(fdt, path, "dma-coherent"));
    }
    free(fdt);

    cfg.virtio_count = 0;
    fdt = build(&cfg, &size);
    ck_assert_int_eq(fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"), -FDT_ERR_NOTFOUND);
    free(fdt);
}
END_TEST

START_TEST(test_dtb_chosen)
{
    FdtVirtConfig cfg = board_config();
    size_t size;
    void *fdt = build(&cfg, &size);
    ck_assert_str_eq(str(fdt, "/chosen", "bootargs"), "console=ttyAMA0 root=/dev/vda rw");
    ck_assert_uint_eq(number(fdt, "/chosen", "linux,initrd-start"), 0x48000000);
    ck_assert_uint_eq(number(fdt, "/chosen", "linux,initrd-end"), 0x48123456);
    /* stdout-path names the UART node. */
    const char *out = str(fdt, "/chosen", "stdout-path");
    ck_assert(compatible(fdt, out, "arm,pl011"));
    free(fdt);

    cfg.cmdline = NULL;
    cfg.initrd_start = cfg.initrd_end = 0;
    fdt = build(&cfg, &size);
    ck_assert(!has_prop(fdt, "/chosen", "bootargs"));
    ck_assert(!has_prop(fdt, "/chosen", "linux,initrd-start"));
    ck_assert(!has_prop(fdt, "/chosen", "linux,initrd-end"));
    free(fdt);
}
END_TEST

START_TEST(test_dtb_bad_config)
{
    char err[256];
    size_t size;
    FdtVirtConfig cfg = board_config();
    cfg.virtio_count = 33;
    err[0] = '\0';
    ck_assert_ptr_null(fdt_virt_build(&cfg, &size, err, sizeof err));
    ck_assert_str_ne(err, "");
    cfg = board_config();
    cfg.initrd_end = RAM_BASE + 257 * MIB; /* past the end of RAM */
    err[0] = '\0';
    ck_assert_ptr_null(fdt_virt_build(&cfg, &size, err, sizeof err));
    ck_assert_str_ne(err, "");
}
END_TEST

/* ---- user device tree ---- */

static void assert_user_refused(const void *blob, size_t len, const char *what)
{
    char path[64], err[256] = "";
    write_temp(blob, len, ".dtb", path);
    FdtVirtConfig cfg = board_config();
    size_t size;
    void *fdt = fdt_virt_load_user(path, &cfg, &size, err, sizeof err);
    ck_assert_msg(fdt == NULL, "%s accepted", what);
    ck_assert_msg(strstr(err, path) != NULL, "%s: message \"%s\" does not name the file", what, err);
    unlink(path);
}

START_TEST(test_user_dtb_corrupt)
{
    FdtVirtConfig cfg = board_config();
    size_t size;
    uint8_t *good = build(&cfg, &size);
    uint8_t *bad = malloc(size);
    struct fdt_header *h = (struct fdt_header *)bad;

    memcpy(bad, good, size);
    assert_user_refused(bad, size / 2, "truncated");
    assert_user_refused(bad, 20, "shorter than a header");
    assert_user_refused(bad, 0, "empty");

    h->magic = cpu_to_fdt32(0xdeadbeef);
    assert_user_refused(bad, size, "bad magic");

    memcpy(bad, good, size);
    h->off_dt_struct = cpu_to_fdt32(size + 64);
    assert_user_refused(bad, size, "struct block past the end");

    memcpy(bad, good, size);
    h->off_dt_strings = cpu_to_fdt32(0xfffffff0);
    assert_user_refused(bad, size, "strings block past the end");

    memcpy(bad, good, size);
    h->totalsize = cpu_to_fdt32(size * 2);
    assert_user_refused(bad, size, "totalsize larger than the file");

    /* The first token of the structure block must be FDT_BEGIN_NODE. */
    memcpy(bad, good, size);
    uint32_t *token = (uint32_t *)(bad + fdt32_to_cpu(h->off_dt_struct));
    *token = cpu_to_fdt32(0x77);
    assert_user_refused(bad, size, "bad structure token");

    free(bad);
    free(good);

    char err[256] = "";
    ck_assert_ptr_null(fdt_virt_load_user("/tmp/scion_no_such.dtb", &cfg, &size, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/tmp/scion_no_such.dtb"));
    ck_assert_ptr_nonnull(strstr(err, strerror(ENOENT)));
}
END_TEST

/* A minimal tree without /chosen, as a user might write. */
static void *minimal_tree(size_t *len)
{
    size_t cap = 4096;
    void *fdt = malloc(cap);
    ck_assert_int_eq(fdt_create_empty_tree(fdt, (int)cap), 0);
    ck_assert_int_eq(fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt"), 0);
    ck_assert_int_ge(fdt_add_subnode(fdt, 0, "memory@40000000"), 0);
    ck_assert_int_eq(fdt_pack(fdt), 0);
    *len = fdt_totalsize(fdt);
    return fdt;
}

START_TEST(test_user_dtb_patched)
{
    size_t len, size;
    void *blob = minimal_tree(&len);
    char path[64], err[256] = "";
    write_temp(blob, len, ".dtb", path);
    FdtVirtConfig cfg = board_config();
    void *fdt = fdt_virt_load_user(path, &cfg, &size, err, sizeof err);
    ck_assert_msg(fdt != NULL, "%s", err);
    ck_assert_int_eq(fdt_check_full(fdt, size), 0);
    ck_assert_str_eq(str(fdt, "/chosen", "bootargs"), cfg.cmdline);
    ck_assert_uint_eq(number(fdt, "/chosen", "linux,initrd-start"), 0x48000000);
    ck_assert_uint_eq(number(fdt, "/chosen", "linux,initrd-end"), 0x48123456);
    ck_assert(compatible(fdt, "/", "linux,dummy-virt")); /* the rest is kept */
    node(fdt, "/memory@40000000");

    /* Patch the patched tree again: bootargs replaced, the stale initrd
     * range removed when there is no initrd now. */
    FdtVirtConfig again = cfg;
    again.cmdline = "quiet";
    again.initrd_start = again.initrd_end = 0;
    size_t size2;
    void *fdt2 = fdt_virt_patch_user(fdt, size, "patched.dtb", &again, &size2, err, sizeof err);
    ck_assert_msg(fdt2 != NULL, "%s", err);
    ck_assert_int_eq(fdt_check_full(fdt2, size2), 0);
    ck_assert_str_eq(str(fdt2, "/chosen", "bootargs"), "quiet");
    ck_assert(!has_prop(fdt2, "/chosen", "linux,initrd-start"));
    ck_assert(!has_prop(fdt2, "/chosen", "linux,initrd-end"));

    /* No command line: the user's bootargs stay. */
    again.cmdline = NULL;
    void *fdt3 = fdt_virt_patch_user(fdt2, size2, "patched.dtb", &again, &size, err, sizeof err);
    ck_assert_msg(fdt3 != NULL, "%s", err);
    ck_assert_str_eq(str(fdt3, "/chosen", "bootargs"), "quiet");
    free(fdt3);
    free(fdt2);
    free(fdt);
    free(blob);
    unlink(path);
}
END_TEST

/* ---- zImage ---- */

START_TEST(test_zimage_boot)
{
    const size_t klen = 300000, ilen = 1234567;
    uint8_t *z = make_zimage(klen);
    uint8_t *initrd = malloc(ilen);
    for (size_t i = 0; i < ilen; i++)
        initrd[i] = (uint8_t)(i ^ (i >> 8));
    char kpath[64], ipath[64];
    write_temp(z, klen, "", kpath);
    write_temp(initrd, ilen, ".img", ipath);

    Board *b = board_new(256 * MIB);
    ck_assert_msg(boot(b, kpath, ipath, NULL, "console=ttyAMA0"), "%s", b->err);
    ck_assert_int_eq(b->st.kind, BOOT_ZIMAGE);
    ck_assert_uint_eq(b->st.pc, RAM_BASE + 0x8000);
    ck_assert(!b->st.thumb);
    ck_assert_mem_eq(guest(b, RAM_BASE + 0x8000), z, klen);
    ck_assert_str_ne(b->st.desc, "");

    const void *fdt = booted_dtb(b);
    ck_assert_str_eq(str(fdt, "/chosen", "bootargs"), "console=ttyAMA0");
    assert_cells(fdt, "/memory@40000000", "reg", (uint32_t[]){0, RAM_BASE, 0, 256 * MIB}, 4);
    uint64_t istart = number(fdt, "/chosen", "linux,initrd-start");
    uint64_t iend = number(fdt, "/chosen", "linux,initrd-end");
    ck_assert_uint_eq(iend - istart, ilen);
    ck_assert_mem_eq(guest(b, istart), initrd, ilen);
    ck_assert_uint_le(iend, RAM_BASE + 256 * MIB);

    /* Neither DTB nor initrd may lie where the kernel decompresses: booting.rst
     * calls "just above 128 MiB" safe, which 256 MiB of RAM allows. */
    ck_assert_uint_ge(b->st.r2, RAM_BASE + 128 * MIB);
    ck_assert_uint_ge(istart, RAM_BASE + 128 * MIB);
    ck_assert(!ranges_overlap(b->st.r2, fdt_totalsize(fdt), istart, ilen));
    board_free(b);

    /* The same with a user DTB: /chosen patched, still valid. */
    size_t dlen;
    void *user = minimal_tree(&dlen);
    char dpath[64];
    write_temp(user, dlen, ".dtb", dpath);
    b = board_new(256 * MIB);
    ck_assert_msg(boot(b, kpath, ipath, dpath, "root=/dev/vda"), "%s", b->err);
    fdt = booted_dtb(b);
    ck_assert_str_eq(str(fdt, "/chosen", "bootargs"), "root=/dev/vda");
    ck_assert_uint_eq(number(fdt, "/chosen", "linux,initrd-end") - number(fdt, "/chosen", "linux,initrd-start"),
                      ilen);
    board_free(b);

    unlink(kpath);
    unlink(ipath);
    unlink(dpath);
    free(user);
    free(initrd);
    free(z);
}
END_TEST

/* With too little RAM for the 128 MiB spot, DTB and initrd still land in
 * RAM, clear of the kernel and of each other. */
START_TEST(test_zimage_small_ram)
{
    const size_t klen = 200000, ilen = 3 * MIB;
    uint8_t *z = make_zimage(klen);
    uint8_t *initrd = calloc(1, ilen);
    initrd[0] = 0x42;
    char kpath[64], ipath[64];
    write_temp(z, klen, "", kpath);
    write_temp(initrd, ilen, "", ipath);
    Board *b = board_new(48 * MIB);
    ck_assert_msg(boot(b, kpath, ipath, NULL, NULL), "%s", b->err);
    const void *fdt = booted_dtb(b);
    uint64_t istart = number(fdt, "/chosen", "linux,initrd-start");
    ck_assert_uint_le(istart + ilen, RAM_BASE + 48 * MIB);
    ck_assert_uint_eq(*(const uint8_t *)guest(b, istart), 0x42);
    ck_assert(!ranges_overlap(b->st.r2, fdt_totalsize(fdt), istart, ilen));
    ck_assert(!ranges_overlap(b->st.r2, fdt_totalsize(fdt), RAM_BASE + 0x8000, klen));
    ck_assert(!ranges_overlap(istart, ilen, RAM_BASE + 0x8000, klen));
    ck_assert(!has_prop(fdt, "/chosen", "bootargs"));
    board_free(b);
    unlink(kpath);
    unlink(ipath);
    free(initrd);
    free(z);
}
END_TEST

/* ---- ELF ---- */

START_TEST(test_elf_boot)
{
    TestElf e = make_elf();
    char path[64];
    write_temp(&e, sizeof e, ".elf", path);
    Board *b = board_new(64 * MIB);
    memset(b->ram, 0xaa, 0x30000); /* so bss zeroing shows */
    ck_assert_msg(boot(b, path, NULL, NULL, "hello"), "%s", b->err);
    ck_assert_int_eq(b->st.kind, BOOT_ELF);
    ck_assert_uint_eq(b->st.pc, RAM_BASE + 0x10000);
    ck_assert(b->st.thumb);
    ck_assert_mem_eq(guest(b, RAM_BASE + 0x10000), e.code, ELF_CODE);
    ck_assert_mem_eq(guest(b, RAM_BASE + 0x20000), e.data, ELF_DATA);
    const uint8_t *bss = guest(b, RAM_BASE + 0x20000 + ELF_DATA);
    for (int i = 0; i < ELF_DATA_MEM - ELF_DATA; i++)
        ck_assert_uint_eq(bss[i], 0);
    ck_assert_uint_eq(*(const uint8_t *)guest(b, RAM_BASE + 0x20000 + ELF_DATA_MEM), 0xaa); /* past bss: untouched */
    ck_assert_uint_eq(*(const uint8_t *)guest(b, RAM_BASE + 0x10000 - 1), 0xaa);
    const void *fdt = booted_dtb(b);
    ck_assert_str_eq(str(fdt, "/chosen", "bootargs"), "hello");
    ck_assert(!ranges_overlap(b->st.r2, fdt_totalsize(fdt), RAM_BASE + 0x10000, 0x11000));
    board_free(b);

    /* ARM entry (bit 0 clear) starts in ARM state. */
    e.eh.e_entry = RAM_BASE + 0x10000;
    write_temp(&e, sizeof e, ".elf", path);
    b = board_new(64 * MIB);
    ck_assert_msg(boot(b, path, NULL, NULL, NULL), "%s", b->err);
    ck_assert(!b->st.thumb);
    ck_assert_uint_eq(b->st.pc, RAM_BASE + 0x10000);
    board_free(b);
    unlink(path);
}
END_TEST

static void assert_elf_refused(TestElf *e, size_t len, const char *must_contain)
{
    char path[64];
    write_temp(e, len, ".elf", path);
    Board *b = board_new(64 * MIB);
    assert_refused(b, path, NULL, must_contain);
    board_free(b);
    unlink(path);
}

START_TEST(test_elf_refused)
{
    TestElf e = make_elf();
    e.ph[1].p_paddr = RAM_BASE + 64 * MIB - 0x800; /* bss runs past the end of RAM */
    assert_elf_refused(&e, sizeof e, "segment 1");

    e = make_elf();
    e.ph[0].p_paddr = 0x1000; /* below RAM */
    assert_elf_refused(&e, sizeof e, "outside RAM");

    e = make_elf();
    e.eh.e_ident[EI_CLASS] = ELFCLASS64;
    assert_elf_refused(&e, sizeof e, "64-bit");

    e = make_elf();
    e.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    assert_elf_refused(&e, sizeof e, "big-endian");

    e = make_elf();
    e.eh.e_machine = EM_386;
    assert_elf_refused(&e, sizeof e, "not ARM");

    e = make_elf();
    e.eh.e_type = ET_REL;
    assert_elf_refused(&e, sizeof e, "executable");

    e = make_elf();
    e.eh.e_phnum = 200; /* program headers past the end of the file */
    assert_elf_refused(&e, sizeof e, "program headers");

    e = make_elf();
    e.ph[0].p_filesz = 0x100000; /* data past the end of the file */
    e.ph[0].p_memsz = 0x100000;
    assert_elf_refused(&e, sizeof e, "outside the file");

    e = make_elf();
    e.ph[1].p_filesz = ELF_DATA_MEM + 1; /* more file bytes than memory */
    assert_elf_refused(&e, sizeof e, "segment 1");

    e = make_elf();
    assert_elf_refused(&e, 30, "truncated");
}
END_TEST

/* ---- other formats and file errors ---- */

START_TEST(test_not_a_kernel)
{
    Board *b = board_new(32 * MIB);
    char path[64];
    const char *text = "#!/bin/sh\necho this is not a kernel\n";
    write_temp(text, strlen(text), "", path);
    assert_refused(b, path, NULL, "not a kernel image");
    ck_assert_ptr_nonnull(strstr(b->err, path));
    unlink(path);

    write_temp("", 0, "", path);
    assert_refused(b, path, NULL, "not a kernel image");
    unlink(path);

    write_temp("", 0, ".bin", path);
    assert_refused(b, path, NULL, "not a kernel image");
    unlink(path);

    uint8_t img[0x80] = {0};
    memcpy(img + 0x38, "ARM\x64", 4); /* arm64 Image */
    write_temp(img, sizeof img, "", path);
    assert_refused(b, path, NULL, "not a kernel image");
    unlink(path);

    memset(img, 0, sizeof img);
    memcpy(img, "\x27\x05\x19\x56", 4); /* uImage, big-endian magic */
    write_temp(img, sizeof img, "", path);
    assert_refused(b, path, NULL, "not a kernel image");
    unlink(path);

    memset(img, 0, sizeof img);
    memcpy(img, "\x1f\x8b\x08", 3); /* gzip */
    write_temp(img, sizeof img, "", path);
    assert_refused(b, path, NULL, "not a kernel image");
    unlink(path);

    assert_refused(b, "/tmp/scion_no_such_kernel", NULL, strerror(ENOENT));
    ck_assert_ptr_nonnull(strstr(b->err, "/tmp/scion_no_such_kernel"));
    board_free(b);
}
END_TEST

START_TEST(test_zimage_refused)
{
    Board *b = board_new(16 * MIB);
    char kpath[64], ipath[64];
    uint8_t *z = make_zimage(4096);
    write_temp(z, 4096, "", kpath);

    /* An initrd larger than RAM (sparse: nothing is written). */
    snprintf(ipath, sizeof ipath, "/tmp/scion_fdt_boot_XXXXXX");
    int fd = mkstemp(ipath);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 17 * MIB), 0);
    close(fd);
    assert_refused(b, kpath, ipath, "does not fit in RAM");
    ck_assert_ptr_nonnull(strstr(b->err, ipath));
    ck_assert_ptr_nonnull(strstr(b->err, "17825792 bytes"));
    ck_assert_ptr_nonnull(strstr(b->err, "16777216 bytes"));
    unlink(ipath);

    assert_refused(b, kpath, "/tmp/scion_no_such_initrd", strerror(ENOENT));
    write_temp("", 0, "", ipath);
    assert_refused(b, kpath, ipath, "empty");
    unlink(ipath);
    unlink(kpath);

    /* A zImage larger than RAM. */
    snprintf(kpath, sizeof kpath, "/tmp/scion_fdt_boot_XXXXXX");
    fd = mkstemp(kpath);
    ck_assert_int_eq(write(fd, z, 4096), 4096);
    ck_assert_int_eq(ftruncate(fd, 17 * MIB), 0);
    close(fd);
    assert_refused(b, kpath, NULL, "does not fit in RAM");
    unlink(kpath);

    /* The header promises more than the file holds. */
    put32(z + 0x2c, 8192);
    write_temp(z, 4096, "", kpath);
    assert_refused(b, kpath, NULL, "4096 bytes");
    unlink(kpath);

    /* A big-endian kernel: the magic and the endianness flag byte-swapped. */
    free(z);
    z = make_zimage(4096);
    memcpy(z + 0x24, "\x01\x6f\x28\x18", 4);
    memcpy(z + 0x30, "\x04\x03\x02\x01", 4);
    write_temp(z, 4096, "", kpath);
    assert_refused(b, kpath, NULL, "big-endian");
    unlink(kpath);
    free(z);
    board_free(b);
}
END_TEST

START_TEST(test_raw_bin)
{
    uint8_t code[64];
    for (int i = 0; i < 64; i++)
        code[i] = (uint8_t)(200 - i);
    char path[64];
    write_temp(code, sizeof code, ".bin", path);
    Board *b = board_new(16 * MIB);
    ck_assert_msg(boot(b, path, NULL, NULL, NULL), "%s", b->err);
    ck_assert_int_eq(b->st.kind, BOOT_RAW);
    ck_assert_uint_eq(b->st.pc, RAM_BASE);
    ck_assert(!b->st.thumb);
    ck_assert_mem_eq(guest(b, RAM_BASE), code, sizeof code);
    booted_dtb(b);
    unlink(path);

    /* The same bytes without the .bin name are not guessed at. */
    write_temp(code, sizeof code, ".img", path);
    assert_refused(b, path, NULL, "not a kernel image");
    unlink(path);
    board_free(b);
}
END_TEST

/* Random corruption of the parsed headers never crashes: each image is
 * either loaded or refused with a message, with RAM at the usual base or
 * at 0, large or barely larger than the image.  (A stand-in for the
 * fuzzer; run it under ASan.) */
START_TEST(test_mutated_images)
{
    static const struct {
        uint64_t base, size;
    } rams[] = {{RAM_BASE, 8 * MIB}, {0, 8 * MIB}, {RAM_BASE, 0x10000 + 123}, {0, 0x3000}};
    uint8_t *ram = calloc(1, 8 * MIB);
    TestElf e0 = make_elf();
    uint8_t *z0 = make_zimage(512);
    uint32_t seed = 12345;
    FdtVirtConfig board = {.virtio_count = 4};
    for (int round = 0; round < 8000; round++) {
        bool elf = round & 1;
        uint8_t buf[sizeof(TestElf) > 512 ? sizeof(TestElf) : 512];
        size_t len = elf ? sizeof e0 : 512;
        memcpy(buf, elf ? (const void *)&e0 : (const void *)z0, len);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245 + 12345;
            size_t at = (seed >> 8) % (elf ? sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr) : 0x34);
            buf[at] ^= (uint8_t)(seed >> 24) | 1;
        }
        BootImages img = {.kernel_name = round & 2 ? "fuzz.bin" : "fuzz", .kernel = buf, .kernel_len = len};
        BootState st;
        char err[256] = "";
        unsigned r = (unsigned)(round >> 2) % 4;
        if (!boot_load_images(&img, &board, ram, rams[r].base, rams[r].size, &st, err, sizeof err))
            ck_assert_str_ne(err, "");
    }
    free(z0);
    free(ram);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fdt_boot");
    TCase *dtb = tcase_create("dtb");
    tcase_add_test(dtb, test_dtb_root_memory_cpu_psci);
    tcase_add_test(dtb, test_dtb_gic_timer_clock);
    tcase_add_test(dtb, test_dtb_uart_rtc_virtio);
    tcase_add_test(dtb, test_dtb_chosen);
    tcase_add_test(dtb, test_dtb_bad_config);
    tcase_add_test(dtb, test_user_dtb_corrupt);
    tcase_add_test(dtb, test_user_dtb_patched);
    suite_add_tcase(s, dtb);
    TCase *boot_tc = tcase_create("boot");
    tcase_add_test(boot_tc, test_zimage_boot);
    tcase_add_test(boot_tc, test_zimage_small_ram);
    tcase_add_test(boot_tc, test_elf_boot);
    tcase_add_test(boot_tc, test_elf_refused);
    tcase_add_test(boot_tc, test_not_a_kernel);
    tcase_add_test(boot_tc, test_zimage_refused);
    tcase_add_test(boot_tc, test_raw_bin);
    tcase_add_test(boot_tc, test_mutated_images);
    suite_add_tcase(s, boot_tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
