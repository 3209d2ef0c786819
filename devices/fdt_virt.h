/*
 * The device tree (DTB) that describes the `virt` board to the guest.
 *
 * fdt_virt_build writes a flattened device tree for the board of
 * virt_map.h: memory, one Cortex-A15, PSCI, the GICv2, the generic timer,
 * the 24 MHz APB clock, the PL011 UART, the PL031 RTC, the virtio-mmio
 * transports and /chosen (command line, initrd, stdout-path), with the
 * properties Linux's ARM device-tree bindings ask for.
 *
 * fdt_virt_load_user takes a DTB the user supplies (-dtb FILE) instead,
 * checks it, and overrides its /chosen bootargs and initrd range so that
 * -append and -initrd work with it too.
 *
 * Both return a malloc'd, packed DTB (free it) or NULL with a message in
 * err.
 *
 *   FdtVirtConfig cfg = {
 *       .ram_base = 0x40000000, .ram_size = 256 << 20,
 *       .cmdline = "console=ttyAMA0", .virtio_count = VIRT_MMIO_COUNT,
 *   };
 *   size_t size;
 *   char err[256];
 *   void *dtb = fdt_virt_build(&cfg, &size, err, sizeof err);
 *   if (!dtb) fprintf(stderr, "%s\n", err);
 */
#ifndef SCION_FDT_VIRT_H
#define SCION_FDT_VIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct FdtVirtConfig {
    uint64_t ram_base, ram_size;
    const char *cmdline;             /* /chosen bootargs; NULL: none */
    uint64_t initrd_start, initrd_end; /* guest physical, [start, end); 0/0: none */
    unsigned virtio_count;           /* transports to describe, <= VIRT_MMIO_COUNT */
    /* The generic timer's frequency for the timer node's clock-frequency.
     * 0 omits it: the binding prefers that firmware (here: the CPU model's
     * reset value of CNTFRQ) provides the frequency. */
    uint32_t timer_hz;
} FdtVirtConfig;

/* phandles of the nodes other nodes refer to. */
enum {
    FDT_VIRT_PHANDLE_GIC = 1,
    FDT_VIRT_PHANDLE_APB_PCLK = 2,
};

/* Largest DTB we accept or produce: the ARM kernel maps the DTB early
 * through a fixed 2 MiB window. */
#define FDT_VIRT_MAX_SIZE (2u << 20)

void *fdt_virt_build(const FdtVirtConfig *cfg, size_t *size_out, char *err, size_t errlen);

/* Read the DTB at path and patch /chosen from cfg (only cmdline and the
 * initrd range are used). */
void *fdt_virt_load_user(const char *path, const FdtVirtConfig *cfg, size_t *size_out, char *err,
                         size_t errlen);

/* The same for a DTB already in memory; name is used in messages.  The
 * blob is untrusted: it is checked with fdt_check_full before use.  With
 * no initrd in cfg, stale linux,initrd-* properties are removed (they
 * would point at whatever RAM holds now). */
void *fdt_virt_patch_user(const void *blob, size_t len, const char *name, const FdtVirtConfig *cfg,
                          size_t *size_out, char *err, size_t errlen);

#endif
