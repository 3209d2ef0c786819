/*
 * Loading a kernel, an initrd and a device tree into the `virt` board's RAM
 * (the -kernel / -initrd / -dtb / -append options), and the register state
 * to start the CPU with.
 *
 * The kernel format is recognised by content:
 *   - an ARM Linux zImage (magic 0x016F2818 at offset 0x24), booted by the
 *     protocol of Linux's Documentation/arch/arm/booting.rst;
 *   - an ELF32 little-endian ARM executable (bare-metal programs): PT_LOAD
 *     segments go to their physical addresses p_paddr;
 *   - a raw binary, only when the file name ends in ".bin": loaded at the
 *     start of RAM and entered there.
 * Anything else (arm64 Image, uImage, gzip, text, empty) is refused.
 *
 * Every image gets a device tree (the generated one of fdt_virt.h, or the
 * -dtb file with /chosen patched) and the registers of the boot protocol:
 * r0 = 0, r1 = 0xffffffff (no machine number: the DTB describes the
 * board), r2 = the DTB's physical address.
 *
 * Where things go (guest physical, B = RAM base, all page aligned):
 *   zImage   B + 0x8000, or the header's start address when it is not 0.
 *   zImage's DTB and initrd: the DTB at B + 128 MiB, the initrd right
 *            above it.  booting.rst asks that both lie where the
 *            decompressor won't overwrite them and inside the kernel's
 *            lowmem mapping, and names "just above 128 MiB" as the safe
 *            spot.  When RAM (capped at 512 MiB, well inside the ~760 MiB
 *            of lowmem a 3G/1G kernel maps) is too small for that, they go
 *            at the top of it instead, provided that leaves 5x the zImage
 *            size plus 1 MiB above the load address: room for the
 *            decompressed kernel and the decompressor relocating itself.
 *   ELF/.bin DTB at the top of RAM, the initrd just below it; they must not
 *            overlap the image.
 * Nothing is written to RAM unless the whole layout checks out.
 *
 * The CPU then starts as booting.rst requires: SVC mode (or HYP), IRQ and
 * FIQ masked, MMU and caches off, pc = entry (Thumb state if
 * BootState.thumb), r0-r2 as above.
 *
 *   BootConfig bc = {
 *       .kernel_path = "zImage", .initrd_path = "initrd.img",
 *       .cmdline = "console=ttyAMA0 root=/dev/vda",
 *       .board = {.virtio_count = VIRT_MMIO_COUNT},
 *   };
 *   BootState st;
 *   char err[512];
 *   if (!boot_load(&bc, ram, 0x40000000, ram_size, &st, err, sizeof err))
 *       fprintf(stderr, "scion: %s\n", err);
 *   cpu->r[0] = st.r0; cpu->r[1] = st.r1; cpu->r[2] = st.r2; cpu->pc = st.pc;
 */
#ifndef SCION_BOOT_H
#define SCION_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/fdt_virt.h"

typedef struct BootConfig {
    const char *kernel_path;
    const char *initrd_path; /* NULL: none */
    const char *dtb_path;    /* NULL: generate the board's DTB */
    const char *cmdline;     /* NULL: no bootargs */
    /* The board's facts for the generated DTB (virtio_count, timer_hz);
     * boot_load fills in RAM, command line and initrd itself. */
    FdtVirtConfig board;
} BootConfig;

/* The same inputs already in memory: what boot_load reads, and what a
 * fuzzer feeds.  Names are only used in messages and, for the kernel, to
 * recognise ".bin". */
typedef struct BootImages {
    const char *kernel_name;
    const uint8_t *kernel;
    size_t kernel_len;
    const char *initrd_name;
    const uint8_t *initrd; /* NULL: none */
    size_t initrd_len;
    const char *dtb_name;
    const uint8_t *dtb;    /* NULL: generate */
    size_t dtb_len;
    const char *cmdline;
} BootImages;

typedef enum BootKind { BOOT_ZIMAGE, BOOT_ELF, BOOT_RAW } BootKind;

typedef struct BootState {
    uint32_t pc;          /* entry, Thumb bit cleared */
    bool thumb;           /* enter in Thumb state (ELF e_entry bit 0) */
    uint32_t r0, r1, r2;
    BootKind kind;
    uint64_t image_start, image_end;   /* the kernel's bytes in RAM, [start, end) */
    uint64_t dtb_addr, dtb_size;
    uint64_t initrd_start, initrd_end; /* 0/0: none */
    char desc[320];       /* one line for -d logging */
} BootState;

bool boot_load(const BootConfig *cfg, uint8_t *ram, uint64_t ram_base, uint64_t ram_size, BootState *out,
               char *err, size_t errlen);

bool boot_load_images(const BootImages *img, const FdtVirtConfig *board, uint8_t *ram, uint64_t ram_base,
                      uint64_t ram_size, BootState *out, char *err, size_t errlen);

#endif
