/*
 * libFuzzer target: the user-supplied DTB path, fdt_virt_patch_user()
 * (devices/fdt_virt.h).
 *
 * Input: u8 flags, then the DTB.
 *   flags bits 0-1 command line (none, short, empty, 2000 bytes),
 *         bit 2 an initrd range, bit 3 put that range above 4 GiB.
 *
 * On success the target checks fdt_virt.h's promises: the result is a
 * valid DTB of at most FDT_VIRT_MAX_SIZE bytes (size_out = its total size),
 * /chosen carries the command line, and the linux,initrd-* properties give
 * the configured range, or are absent when there is no initrd.
 */
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fdt_virt.h"
#include "tests/fuzz/fuzz_input.h"

static const char *cmdline_variant(unsigned v)
{
    static char long_cmdline[2001];
    if (!long_cmdline[0])
        memset(long_cmdline, 'y', sizeof long_cmdline - 1);
    switch (v) {
    case 0: return NULL;
    case 1: return "console=ttyAMA0 earlycon";
    case 2: return "";
    default: return long_cmdline;
    }
}

static void fail(const char *what)
{
    fprintf(stderr, "fdt fuzz: %s\n", what);
    abort();
}

static bool prop_u64(const void *fdt, int node, const char *name, uint64_t *v)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    if (!p || len != 8)
        return false;
    *v = (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
    return true;
}

static void check_result(const void *out, size_t size, const FdtVirtConfig *cfg)
{
    if (size > FDT_VIRT_MAX_SIZE || size < sizeof(struct fdt_header) || fdt_totalsize(out) != size)
        fail("result size wrong");
    if (fdt_check_full(out, size) != 0)
        fail("result is not a valid device tree");
    int chosen = fdt_path_offset(out, "/chosen");
    if (chosen < 0)
        fail("result has no /chosen");
    if (cfg->cmdline) {
        int len;
        const char *args = fdt_getprop(out, chosen, "bootargs", &len);
        if (!args || len != (int)strlen(cfg->cmdline) + 1 || memcmp(args, cfg->cmdline, (size_t)len) != 0)
            fail("bootargs differ from the command line");
    }
    uint64_t start, end;
    bool has_start = prop_u64(out, chosen, "linux,initrd-start", &start);
    bool has_end = prop_u64(out, chosen, "linux,initrd-end", &end);
    if (cfg->initrd_end) {
        if (!has_start || !has_end || start != cfg->initrd_start || end != cfg->initrd_end)
            fail("initrd range not as configured");
    } else {
        int len;
        if (fdt_getprop(out, chosen, "linux,initrd-start", &len) || fdt_getprop(out, chosen, "linux,initrd-end", &len))
            fail("stale initrd properties left without an initrd");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in = {data, size};
    uint8_t flags = fin_u8(&in);
    FdtVirtConfig cfg = {
        .ram_base = 0x40000000,
        .ram_size = 256u << 20,
        .cmdline = cmdline_variant(flags & 3),
        .virtio_count = 1,
    };
    if (flags & 4) {
        uint64_t high = (flags & 8) ? 1ull << 32 : 0;
        cfg.initrd_start = 0x48000000 + high;
        cfg.initrd_end = 0x48123456 + high;
    }
    size_t size_out = 0;
    char err[256] = "";
    void *out = fdt_virt_patch_user(in.p, in.n, "fuzz.dtb", &cfg, &size_out, err, sizeof err);
    if (out)
        check_result(out, size_out, &cfg);
    else if (!err[0])
        fail("refused without a message");
    free(out);
    return 0;
}
