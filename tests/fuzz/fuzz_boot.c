/*
 * libFuzzer target: the virt board's boot loader, boot_load_images()
 * (devices/boot.h), on kernel, initrd and DTB buffers.
 *
 * Input layout (fields read with tests/fuzz/fuzz_input.h, zeros past the end):
 *   u8  flags   bit 0 initrd present, bit 1 user DTB present,
 *               bit 2 kernel named "*.bin", bits 3-4 command line variant,
 *               bit 5 timer_hz set, bit 6 describe all virtio transports
 *   u8  ram     bits 0-1 RAM size (64 KiB, 2 MiB, 16 MiB, 160 MiB),
 *               bits 2-3 RAM base (0x40000000, 0, top of 4 GiB, above 4 GiB)
 *   u24 kernel length, u24 initrd length
 *   kernel bytes, initrd bytes, then the rest is the DTB.
 *
 * RAM buffers are separate heap blocks allocated once, so ASan reports any
 * write outside them.  Beyond memory safety the target checks boot.h's
 * promises: on success the image, DTB and initrd lie in RAM without
 * overlapping, r0-r2 follow the boot protocol, and the DTB in RAM is valid
 * with /chosen matching the command line and initrd; on failure RAM is
 * untouched and a message is given.
 */
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/boot.h"
#include "devices/virt_map.h"
#include "tests/fuzz/fuzz_input.h"

#define KIB 1024ull
#define MIB (1024ull * 1024)
#define RAM_FILL 0xa5
/* RAM sizes whose untouched-on-failure property is checked byte by byte. */
#define CHECK_UNTOUCHED_MAX (2 * MIB)

static const uint64_t ram_sizes[4] = {64 * KIB, 2 * MIB, 16 * MIB, 160 * MIB};

typedef struct BootFuzz {
    uint8_t *ram[4];
} BootFuzz;

static BootFuzz fuzz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int i = 0; i < 4; i++) {
        fuzz.ram[i] = malloc(ram_sizes[i]);
        if (!fuzz.ram[i])
            abort();
    }
    return 0;
}

static const char *cmdline_variant(unsigned v)
{
    static char long_cmdline[3000];
    if (!long_cmdline[0])
        memset(long_cmdline, 'x', sizeof long_cmdline - 1);
    switch (v) {
    case 0: return NULL;
    case 1: return "console=ttyAMA0 root=/dev/vda rw";
    case 2: return "";
    default: return long_cmdline;
    }
}

static uint64_t ram_base_variant(unsigned v, uint64_t size)
{
    switch (v) {
    case 0: return virt_memmap[VIRT_MEM].base;
    case 1: return 0;
    case 2: return (1ull << 32) - size;
    default: return 1ull << 32; /* must be refused */
    }
}

static void fail(const char *what, const BootState *st)
{
    fprintf(stderr, "boot fuzz: %s (%s)\n", what, st->desc);
    abort();
}

static bool in_ram(uint64_t start, uint64_t end, uint64_t base, uint64_t size)
{
    return start <= end && start >= base && end <= base + size;
}

static bool overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

static uint64_t prop_u(const void *fdt, int node, const char *name, bool *ok)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    *ok = p && (len == 4 || len == 8);
    if (!*ok)
        return 0;
    return len == 4 ? fdt32_to_cpu(p[0]) : ((uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]));
}

static void check_chosen(const void *fdt, const char *cmdline, const BootState *st)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        fail("DTB in RAM has no /chosen", st);
    if (cmdline) {
        int len;
        const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);
        if (!args || len != (int)strlen(cmdline) + 1 || memcmp(args, cmdline, (size_t)len) != 0)
            fail("/chosen bootargs differ from the command line", st);
    }
    bool ok_start, ok_end;
    uint64_t start = prop_u(fdt, chosen, "linux,initrd-start", &ok_start);
    uint64_t end = prop_u(fdt, chosen, "linux,initrd-end", &ok_end);
    if (st->initrd_end) {
        if (!ok_start || !ok_end || start != st->initrd_start || end != st->initrd_end)
            fail("/chosen initrd range differs from where the initrd went", st);
    } else if (ok_start || ok_end) {
        fail("/chosen names an initrd although none was loaded", st);
    }
}

static void check_success(const BootState *st, const uint8_t *ram, uint64_t base, uint64_t size,
                          const char *cmdline)
{
    if (!in_ram(st->image_start, st->image_end, base, size) || st->image_start == st->image_end)
        fail("image outside RAM", st);
    if (!in_ram(st->dtb_addr, st->dtb_addr + st->dtb_size, base, size) || st->dtb_addr % 8)
        fail("DTB outside RAM or misaligned", st);
    if (overlap(st->dtb_addr, st->dtb_addr + st->dtb_size, st->image_start, st->image_end))
        fail("DTB overlaps the image", st);
    if (st->initrd_end) {
        if (!in_ram(st->initrd_start, st->initrd_end, base, size))
            fail("initrd outside RAM", st);
        if (overlap(st->initrd_start, st->initrd_end, st->image_start, st->image_end) ||
            overlap(st->initrd_start, st->initrd_end, st->dtb_addr, st->dtb_addr + st->dtb_size))
            fail("initrd overlaps the image or the DTB", st);
    }
    if (st->r0 != 0 || st->r1 != 0xffffffffu || st->r2 != st->dtb_addr)
        fail("registers do not follow the boot protocol", st);
    if (!in_ram(st->pc, st->pc + 2, base, size))
        fail("entry point outside RAM", st);
    const void *fdt = ram + (st->dtb_addr - base);
    if (fdt_check_full(fdt, st->dtb_size) != 0 || fdt_totalsize(fdt) > st->dtb_size)
        fail("DTB in RAM is not a valid device tree", st);
    check_chosen(fdt, cmdline, st);
}

static void check_untouched(const uint8_t *ram, uint64_t size)
{
    for (uint64_t i = 0; i < size; i++)
        if (ram[i] != RAM_FILL) {
            fprintf(stderr, "boot fuzz: RAM byte 0x%llx written by a failed load\n", (unsigned long long)i);
            abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in = {data, size};
    uint8_t flags = fin_u8(&in), ram_sel = fin_u8(&in);
    size_t kernel_len = fin_u24(&in), initrd_len = fin_u24(&in);
    const uint8_t *kernel = fin_take(&in, &kernel_len);
    const uint8_t *initrd = fin_take(&in, &initrd_len);
    size_t dtb_len = in.n;
    const uint8_t *dtb = fin_take(&in, &dtb_len);

    BootImages img = {
        .kernel_name = (flags & 4) ? "fuzz.bin" : "fuzz-kernel",
        .kernel = kernel,
        .kernel_len = kernel_len,
        .initrd_name = "fuzz-initrd",
        .initrd = (flags & 1) ? initrd : NULL,
        .initrd_len = initrd_len,
        .dtb_name = "fuzz.dtb",
        .dtb = (flags & 2) ? dtb : NULL,
        .dtb_len = dtb_len,
        .cmdline = cmdline_variant((flags >> 3) & 3),
    };
    FdtVirtConfig board = {
        .virtio_count = (flags & 0x40) ? VIRT_MMIO_COUNT : 1,
        .timer_hz = (flags & 0x20) ? VIRT_TIMER_HZ : 0,
    };
    unsigned size_idx = ram_sel & 3;
    uint64_t ram_size = ram_sizes[size_idx], ram_base = ram_base_variant((ram_sel >> 2) & 3, ram_size);
    uint8_t *ram = fuzz.ram[size_idx];
    bool check_ram = ram_size <= CHECK_UNTOUCHED_MAX;
    if (check_ram)
        memset(ram, RAM_FILL, ram_size);

    BootState st;
    char err[512] = "";
    if (boot_load_images(&img, &board, ram, ram_base, ram_size, &st, err, sizeof err)) {
        check_success(&st, ram, ram_base, ram_size, img.cmdline);
    } else {
        if (!err[0])
            abort(); /* a refusal always says why */
        if (check_ram)
            check_untouched(ram, ram_size);
    }
    return 0;
}
