/*
 * The `virt` board's device tree, written with libfdt's sequential-write
 * API, and the patching of a user-supplied DTB.
 *
 * Property values follow the Linux device-tree bindings:
 *   arm/arm,gic.yaml          GICv2 ("arm,cortex-a15-gic"), 3 interrupt cells:
 *                             <type number flags>, type 0 = SPI, 1 = PPI;
 *                             flags bits[3:0] trigger (1 edge rising,
 *                             4 level high), bits[15:8] PPI CPU mask.
 *   timer/arm,arch_timer.yaml "arm,armv7-timer", interrupts in the order
 *                             secure, non-secure, virtual, hypervisor PPI.
 *   arm/psci.yaml             "arm,psci-0.2" plus the 0.1 function ids for
 *                             kernels that only know "arm,psci".
 *   serial/pl011.yaml, rtc/arm,pl031 and clock/fixed-clock.yaml.
 *   virtio/mmio.yaml          "virtio,mmio".
 *   chosen (the DT spec)      bootargs, stdout-path, linux,initrd-*.
 */
#include "devices/fdt_virt.h"

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virt_map.h"

#define APB_PCLK_HZ 24000000u

/* GIC interrupt specifier cells (arm,gic.yaml). */
enum {
    GIC_SPI = 0,
    GIC_PPI = 1,
    IRQ_EDGE_RISING = 1,
    IRQ_LEVEL_HIGH = 4,
    /* PPI flags: the CPU mask (bits[15:8]) names our single CPU. The ARM ARM
     * makes the timer outputs level-sensitive, active high. */
    TIMER_PPI_FLAGS = (1u << 8) | IRQ_LEVEL_HIGH,
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- Sequential writer: remembers the first libfdt error so the node
 * writers below stay readable; every call after an error is skipped. ---- */

typedef struct FdtWriter {
    void *fdt;
    int err; /* first negative libfdt result, 0 if none */
} FdtWriter;

static void w_check(FdtWriter *w, int result)
{
    if (result < 0 && !w->err)
        w->err = result;
}

static void w_begin(FdtWriter *w, const char *name)
{
    if (!w->err)
        w_check(w, fdt_begin_node(w->fdt, name));
}

static void w_end(FdtWriter *w)
{
    if (!w->err)
        w_check(w, fdt_end_node(w->fdt));
}

static void w_prop(FdtWriter *w, const char *name, const void *val, int len)
{
    if (!w->err)
        w_check(w, fdt_property(w->fdt, name, val, len));
}

static void w_empty(FdtWriter *w, const char *name)
{
    w_prop(w, name, NULL, 0);
}

static void w_u32(FdtWriter *w, const char *name, uint32_t v)
{
    fdt32_t be = cpu_to_fdt32(v);
    w_prop(w, name, &be, sizeof be);
}

static void w_u64(FdtWriter *w, const char *name, uint64_t v)
{
    fdt64_t be = cpu_to_fdt64(v);
    w_prop(w, name, &be, sizeof be);
}

#define MAX_CELLS 16

static void w_cells(FdtWriter *w, const char *name, const uint32_t *cells, int n)
{
    fdt32_t be[MAX_CELLS];
    for (int i = 0; i < n && i < MAX_CELLS; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    w_prop(w, name, be, (n < MAX_CELLS ? n : MAX_CELLS) * (int)sizeof be[0]);
}

static void w_string(FdtWriter *w, const char *name, const char *s)
{
    w_prop(w, name, s, (int)strlen(s) + 1);
}

/* A string list given as one literal with embedded NULs, "a\0b". */
#define W_STRINGS(w, name, literal) w_prop((w), (name), (literal), (int)sizeof(literal))

/* reg with #address-cells = #size-cells = 2, as the root declares. */
static void w_reg(FdtWriter *w, uint64_t base, uint64_t size)
{
    uint32_t cells[4] = {base >> 32, (uint32_t)base, size >> 32, (uint32_t)size};
    w_cells(w, "reg", cells, 4);
}

static void w_spi(FdtWriter *w, unsigned spi, unsigned trigger)
{
    uint32_t cells[3] = {GIC_SPI, spi, trigger};
    w_cells(w, "interrupts", cells, 3);
}

static void w_begin_at(FdtWriter *w, const char *name, uint64_t addr)
{
    char node[64];
    snprintf(node, sizeof node, "%s@%" PRIx64, name, addr);
    w_begin(w, node);
}

/* ---- The nodes ---- */

static void write_root_props(FdtWriter *w)
{
    w_string(w, "compatible", "linux,dummy-virt");
    w_string(w, "model", "scion virt board");
    w_u32(w, "#address-cells", 2);
    w_u32(w, "#size-cells", 2);
    w_u32(w, "interrupt-parent", FDT_VIRT_PHANDLE_GIC);
}

static void write_memory(FdtWriter *w, const FdtVirtConfig *cfg)
{
    w_begin_at(w, "memory", cfg->ram_base);
    w_string(w, "device_type", "memory");
    w_reg(w, cfg->ram_base, cfg->ram_size);
    w_end(w);
}

static void write_cpus(FdtWriter *w)
{
    w_begin(w, "cpus");
    w_u32(w, "#address-cells", 1); /* reg of a cpu is its MPIDR affinity */
    w_u32(w, "#size-cells", 0);
    w_begin(w, "cpu@0");
    w_string(w, "device_type", "cpu");
    w_string(w, "compatible", "arm,cortex-a15");
    w_u32(w, "reg", 0);
    w_string(w, "enable-method", "psci");
    w_end(w);
    w_end(w);
}

static void write_psci(FdtWriter *w)
{
    w_begin(w, "psci");
    W_STRINGS(w, "compatible", "arm,psci-0.2\0arm,psci");
    w_string(w, "method", "hvc");
    /* Function ids for the 0.1 binding ("arm,psci"): the 0.2 ids; there is
     * no MIGRATE in virt_map.h's list, its 0.2 id is 0x84000005. */
    w_u32(w, "cpu_suspend", PSCI_CPU_SUSPEND);
    w_u32(w, "cpu_off", PSCI_CPU_OFF);
    w_u32(w, "cpu_on", PSCI_CPU_ON);
    w_u32(w, "migrate", 0x84000005);
    w_end(w);
}

static void write_gic(FdtWriter *w)
{
    const VirtRegion *dist = &virt_memmap[VIRT_GIC_DIST], *cpu = &virt_memmap[VIRT_GIC_CPU];
    w_begin_at(w, "intc", dist->base);
    w_string(w, "compatible", "arm,cortex-a15-gic");
    w_u32(w, "#interrupt-cells", 3);
    w_u32(w, "#address-cells", 0);
    w_empty(w, "interrupt-controller");
    uint32_t reg[8] = {dist->base >> 32, (uint32_t)dist->base, dist->size >> 32, (uint32_t)dist->size,
                       cpu->base >> 32,  (uint32_t)cpu->base,  cpu->size >> 32,  (uint32_t)cpu->size};
    w_cells(w, "reg", reg, 8);
    w_u32(w, "phandle", FDT_VIRT_PHANDLE_GIC);
    w_end(w);
}

static void write_timer(FdtWriter *w, const FdtVirtConfig *cfg)
{
    w_begin(w, "timer");
    w_string(w, "compatible", "arm,armv7-timer");
    /* PPI specifiers are numbered from interrupt ID 16. */
    uint32_t irqs[12] = {
        GIC_PPI, VIRT_PPI_SECURE_TIMER - 16, TIMER_PPI_FLAGS,
        GIC_PPI, VIRT_PPI_NONSECURE_TIMER - 16, TIMER_PPI_FLAGS,
        GIC_PPI, VIRT_PPI_VIRT_TIMER - 16, TIMER_PPI_FLAGS,
        GIC_PPI, VIRT_PPI_HYP_TIMER - 16, TIMER_PPI_FLAGS,
    };
    w_cells(w, "interrupts", irqs, 12);
    w_empty(w, "always-on"); /* the timer keeps counting in every power state we have */
    if (cfg->timer_hz)
        w_u32(w, "clock-frequency", cfg->timer_hz);
    w_end(w);
}

static void write_apb_pclk(FdtWriter *w)
{
    w_begin(w, "apb-pclk");
    w_string(w, "compatible", "fixed-clock");
    w_u32(w, "#clock-cells", 0);
    w_u32(w, "clock-frequency", APB_PCLK_HZ);
    w_string(w, "clock-output-names", "clk24mhz");
    w_u32(w, "phandle", FDT_VIRT_PHANDLE_APB_PCLK);
    w_end(w);
}

static void write_uart(FdtWriter *w)
{
    const VirtRegion *r = &virt_memmap[VIRT_UART];
    w_begin_at(w, "pl011", r->base);
    W_STRINGS(w, "compatible", "arm,pl011\0arm,primecell");
    w_reg(w, r->base, r->size);
    w_spi(w, VIRT_SPI_UART, IRQ_LEVEL_HIGH);
    uint32_t clocks[2] = {FDT_VIRT_PHANDLE_APB_PCLK, FDT_VIRT_PHANDLE_APB_PCLK};
    w_cells(w, "clocks", clocks, 2);
    W_STRINGS(w, "clock-names", "uartclk\0apb_pclk");
    w_end(w);
}

static void write_rtc(FdtWriter *w)
{
    const VirtRegion *r = &virt_memmap[VIRT_RTC];
    w_begin_at(w, "pl031", r->base);
    W_STRINGS(w, "compatible", "arm,pl031\0arm,primecell");
    w_reg(w, r->base, r->size);
    w_spi(w, VIRT_SPI_RTC, IRQ_LEVEL_HIGH);
    w_u32(w, "clocks", FDT_VIRT_PHANDLE_APB_PCLK);
    w_string(w, "clock-names", "apb_pclk");
    w_end(w);
}

/* Written in ascending address order: Linux probes platform devices in
 * tree order, so transport 0 becomes the first virtio device (vda). */
static void write_virtio(FdtWriter *w, unsigned count)
{
    const VirtRegion *r = &virt_memmap[VIRT_MMIO];
    for (unsigned n = 0; n < count; n++) {
        uint64_t base = r->base + (uint64_t)n * r->size;
        w_begin_at(w, "virtio_mmio", base);
        w_string(w, "compatible", "virtio,mmio");
        w_reg(w, base, r->size);
        w_spi(w, VIRT_SPI_MMIO + n, IRQ_EDGE_RISING);
        w_empty(w, "dma-coherent"); /* device DMA sees the CPU's view of RAM */
        w_end(w);
    }
}

static bool has_initrd(const FdtVirtConfig *cfg)
{
    return cfg->initrd_end > cfg->initrd_start;
}

static void write_chosen(FdtWriter *w, const FdtVirtConfig *cfg)
{
    char uart[64];
    snprintf(uart, sizeof uart, "/pl011@%" PRIx64, virt_memmap[VIRT_UART].base);
    w_begin(w, "chosen");
    if (cfg->cmdline)
        w_string(w, "bootargs", cfg->cmdline);
    w_string(w, "stdout-path", uart);
    if (has_initrd(cfg)) {
        /* Linux reads these with any cell count; 64-bit matches the root's
         * #address-cells. */
        w_u64(w, "linux,initrd-start", cfg->initrd_start);
        w_u64(w, "linux,initrd-end", cfg->initrd_end);
    }
    w_end(w);
}

static int write_tree(void *buf, int bufsize, const FdtVirtConfig *cfg)
{
    FdtWriter w = {buf, 0};
    w_check(&w, fdt_create(buf, bufsize));
    if (!w.err)
        w_check(&w, fdt_finish_reservemap(buf));
    w_begin(&w, "");
    write_root_props(&w);
    write_memory(&w, cfg);
    write_cpus(&w);
    write_psci(&w);
    write_gic(&w);
    write_timer(&w, cfg);
    write_apb_pclk(&w);
    write_uart(&w);
    write_rtc(&w);
    write_virtio(&w, cfg->virtio_count);
    write_chosen(&w, cfg);
    w_end(&w);
    if (!w.err)
        w_check(&w, fdt_finish(buf));
    if (!w.err)
        w_check(&w, fdt_pack(buf));
    return w.err;
}

static bool config_valid(const FdtVirtConfig *cfg, char *err, size_t errlen)
{
    uint64_t ram_end = cfg->ram_base + cfg->ram_size;
    if (cfg->virtio_count > VIRT_MMIO_COUNT) {
        set_err(err, errlen, "device tree: %u virtio-mmio transports requested, the board has %u",
                cfg->virtio_count, VIRT_MMIO_COUNT);
        return false;
    }
    if (cfg->ram_size == 0 || ram_end < cfg->ram_base) {
        set_err(err, errlen, "device tree: bad RAM range base 0x%" PRIx64 " size 0x%" PRIx64, cfg->ram_base,
                cfg->ram_size);
        return false;
    }
    if (cfg->initrd_end < cfg->initrd_start ||
        (has_initrd(cfg) && (cfg->initrd_start < cfg->ram_base || cfg->initrd_end > ram_end))) {
        set_err(err, errlen, "device tree: initrd range 0x%" PRIx64 "-0x%" PRIx64 " is not inside RAM",
                cfg->initrd_start, cfg->initrd_end);
        return false;
    }
    return true;
}

/* Shrink a packed tree's buffer to its size. */
static void *shrink(void *fdt, size_t *size_out)
{
    size_t size = fdt_totalsize(fdt);
    void *small = realloc(fdt, size);
    if (size_out)
        *size_out = size;
    return small ? small : fdt;
}

void *fdt_virt_build(const FdtVirtConfig *cfg, size_t *size_out, char *err, size_t errlen)
{
    if (!config_valid(cfg, err, errlen))
        return NULL;
    size_t cmdlen = cfg->cmdline ? strlen(cfg->cmdline) : 0;
    if (cmdlen >= FDT_VIRT_MAX_SIZE) {
        set_err(err, errlen, "device tree: kernel command line of %zu bytes is too long", cmdlen);
        return NULL;
    }
    /* Start with room for everything but the command line, grow on NOSPACE. */
    for (size_t bufsize = 16384 + 2 * cmdlen; bufsize <= 2 * FDT_VIRT_MAX_SIZE; bufsize *= 2) {
        void *buf = malloc(bufsize);
        if (!buf) {
            set_err(err, errlen, "device tree: out of memory");
            return NULL;
        }
        int r = write_tree(buf, (int)bufsize, cfg);
        if (r == 0 && fdt_totalsize(buf) <= FDT_VIRT_MAX_SIZE)
            return shrink(buf, size_out);
        free(buf);
        if (r != -FDT_ERR_NOSPACE) {
            set_err(err, errlen, "device tree: libfdt: %s", r ? fdt_strerror(r) : "tree larger than 2 MiB");
            return NULL;
        }
    }
    set_err(err, errlen, "device tree: larger than %u bytes", FDT_VIRT_MAX_SIZE);
    return NULL;
}

/* ---- User DTB ---- */

/* Every copy of the property: libfdt's checks accept duplicate names. */
static int delprop_if_present(void *fdt, int node, const char *name)
{
    int r;
    while ((r = fdt_delprop(fdt, node, name)) == 0)
        continue;
    return r == -FDT_ERR_NOTFOUND ? 0 : r;
}

/* The /chosen node, created when missing. */
static int chosen_node(void *fdt)
{
    int node = fdt_path_offset(fdt, "/chosen");
    if (node == -FDT_ERR_NOTFOUND)
        node = fdt_add_subnode(fdt, 0, "chosen");
    return node;
}

static int patch_chosen(void *fdt, const FdtVirtConfig *cfg)
{
    int node = chosen_node(fdt);
    if (node < 0)
        return node;
    int r = 0;
    if (cfg->cmdline)
        r = fdt_setprop_string(fdt, node, "bootargs", cfg->cmdline);
    if (r == 0 && has_initrd(cfg)) {
        r = fdt_setprop_u64(fdt, node, "linux,initrd-start", cfg->initrd_start);
        if (r == 0)
            r = fdt_setprop_u64(fdt, node, "linux,initrd-end", cfg->initrd_end);
    } else if (r == 0) {
        r = delprop_if_present(fdt, node, "linux,initrd-start");
        if (r == 0)
            r = delprop_if_present(fdt, node, "linux,initrd-end");
    }
    return r == 0 ? fdt_pack(fdt) : r;
}

/* Debian 12's libfdt 1.6.1 adds a property's 32-bit length to its offset
 * in int arithmetic when stepping to the next tag, so a length near 4 GiB
 * (e.g. 0xfffffff4) wraps the "next" offset back onto the property itself
 * and fdt_check_full, which steps tag by tag until FDT_END, never returns
 * (found by fuzzing; dtc 1.7.0 checks the sum).  So walk the structure
 * block once ourselves first: every property's value must end inside the
 * block and every step must move forward, which bounds the walk to
 * size_dt_struct / 4 steps.  Needs a checked header of version >= 17 (for
 * size_dt_struct).  Returns false with a message in err. */
static bool struct_walk_ok(const void *fdt, const char *name, char *err, size_t errlen)
{
    uint32_t size = fdt_size_dt_struct(fdt);
    int offset = 0;
    for (;;) {
        int next;
        uint32_t tag = fdt_next_tag(fdt, offset, &next);
        if (tag == FDT_END)
            return true; /* the end, or a bad tag: fdt_check_full reports it */
        if (tag == FDT_PROP) {
            /* Tag, length, name offset; the block need not be aligned, so
             * the length is read bytewise.  fdt_offset_ptr checked that
             * offset + 12 <= size, so the subtraction cannot underflow. */
            const uint8_t *prop = fdt_offset_ptr(fdt, offset, 12);
            uint32_t len = prop ? fdt32_ld((const fdt32_t *)(prop + 4)) : 0;
            if (!prop || len > size - (uint32_t)offset - 12) {
                set_err(err, errlen,
                        "%s: not a valid device tree: property at structure offset 0x%x has length 0x%" PRIx32
                        ", past the end of the structure block",
                        name, (unsigned)offset, len);
                return false;
            }
        }
        if (next <= offset) {
            set_err(err, errlen, "%s: not a valid device tree: tag at structure offset 0x%x does not advance",
                    name, (unsigned)offset);
            return false;
        }
        offset = next;
    }
}

void *fdt_virt_patch_user(const void *blob, size_t len, const char *name, const FdtVirtConfig *cfg,
                          size_t *size_out, char *err, size_t errlen)
{
    if (len < sizeof(struct fdt_header) || len > FDT_VIRT_MAX_SIZE) {
        set_err(err, errlen, "%s: not a usable device tree: %zu bytes (a DTB has at least %zu and at most %u)",
                name, len, sizeof(struct fdt_header), FDT_VIRT_MAX_SIZE);
        return NULL;
    }
    /* libfdt wants an aligned blob; the caller's may be anywhere. */
    void *copy = malloc(len);
    if (!copy) {
        set_err(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    memcpy(copy, blob, len);
    /* libfdt 1.6.1's fdt_check_full dereferences a NULL node name in trees
     * older than version 16 (found by fuzzing): refuse those first. */
    int r = fdt_check_header(copy);
    if (!r && fdt_version(copy) < 17)
        r = -FDT_ERR_BADVERSION;
    if (!r && fdt_totalsize(copy) > len) /* the walk below trusts totalsize */
        r = -FDT_ERR_TRUNCATED;
    if (!r && !struct_walk_ok(copy, name, err, errlen)) {
        free(copy);
        return NULL;
    }
    if (!r)
        r = fdt_check_full(copy, len);
    if (r) {
        set_err(err, errlen, "%s: not a valid device tree: %s", name, fdt_strerror(r));
        free(copy);
        return NULL;
    }
    size_t cmdlen = cfg->cmdline ? strlen(cfg->cmdline) : 0;
    size_t bufsize = fdt_totalsize(copy) + cmdlen + 1024; /* room for /chosen and its properties */
    void *out = bufsize <= 2 * FDT_VIRT_MAX_SIZE ? malloc(bufsize) : NULL;
    r = out ? fdt_open_into(copy, out, (int)bufsize) : -FDT_ERR_NOSPACE;
    free(copy);
    if (r == 0)
        r = patch_chosen(out, cfg);
    if (r == 0 && fdt_totalsize(out) > FDT_VIRT_MAX_SIZE)
        r = -FDT_ERR_NOSPACE;
    if (r) {
        set_err(err, errlen, "%s: cannot set /chosen: %s", name, fdt_strerror(r));
        free(out);
        return NULL;
    }
    return shrink(out, size_out);
}

void *fdt_virt_load_user(const char *path, const FdtVirtConfig *cfg, size_t *size_out, char *err,
                         size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    /* One byte more than allowed, so an oversized file is recognised. */
    size_t cap = FDT_VIRT_MAX_SIZE + 1;
    uint8_t *buf = malloc(cap);
    size_t len = buf ? fread(buf, 1, cap, f) : 0;
    bool failed = !buf || ferror(f);
    int saved_errno = errno;
    fclose(f);
    if (failed) {
        set_err(err, errlen, "%s: %s", path, buf ? strerror(saved_errno) : "out of memory");
        free(buf);
        return NULL;
    }
    void *dtb = fdt_virt_patch_user(buf, len, path, cfg, size_out, err, errlen);
    free(buf);
    return dtb;
}
