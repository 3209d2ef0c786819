/*
 * The `virt` board's memory and interrupt map, as const data.
 *
 * Addresses and interrupt numbers are QEMU virt's (hw/arm/virt.c), so
 * device trees, kernels configured for it and users' habits carry over.
 * SPI numbers are GIC SPIs (interrupt ID = 32 + spi); PPIs are given as
 * interrupt IDs 16..31.
 */
#ifndef SCION_VIRT_MAP_H
#define SCION_VIRT_MAP_H

#include <stdint.h>

typedef struct VirtRegion {
    uint64_t base, size;
} VirtRegion;

enum VirtDevice {
    VIRT_FLASH,       /* not modelled; kept so addresses match */
    VIRT_GIC_DIST,
    VIRT_GIC_CPU,
    VIRT_UART,
    VIRT_RTC,
    VIRT_MMIO,        /* the first virtio-mmio transport */
    VIRT_MEM,
    VIRT_DEVICE_COUNT
};

static const VirtRegion virt_memmap[VIRT_DEVICE_COUNT] = {
    [VIRT_FLASH] = {0x00000000, 0x08000000},
    [VIRT_GIC_DIST] = {0x08000000, 0x00010000},
    [VIRT_GIC_CPU] = {0x08010000, 0x00010000},
    [VIRT_UART] = {0x09000000, 0x00001000},
    [VIRT_RTC] = {0x09010000, 0x00001000},
    [VIRT_MMIO] = {0x0a000000, 0x00000200},
    [VIRT_MEM] = {0x40000000, 0xc0000000}, /* the most RAM the map allows */
};

/* virtio-mmio transports: VIRT_MMIO_COUNT of them, each VIRT_MMIO size
 * apart, transport n on SPI VIRT_SPI_MMIO + n. */
#define VIRT_MMIO_COUNT 32

enum VirtIrq {
    VIRT_SPI_UART = 1,
    VIRT_SPI_RTC = 2,
    VIRT_SPI_MMIO = 16,
};

/* Generic timer PPIs (interrupt IDs) and its frequency. */
enum {
    VIRT_PPI_SECURE_TIMER = 29,
    VIRT_PPI_NONSECURE_TIMER = 30,
    VIRT_PPI_VIRT_TIMER = 27,
    VIRT_PPI_HYP_TIMER = 26,
};
#define VIRT_TIMER_HZ 62500000u

/* PSCI function ids (0.2, 32-bit calling convention). */
enum {
    PSCI_VERSION = 0x84000000,
    PSCI_CPU_SUSPEND = 0x84000001,
    PSCI_CPU_OFF = 0x84000002,
    PSCI_CPU_ON = 0x84000003,
    PSCI_AFFINITY_INFO = 0x84000004,
    PSCI_MIGRATE_INFO_TYPE = 0x84000006,
    PSCI_SYSTEM_OFF = 0x84000008,
    PSCI_SYSTEM_RESET = 0x84000009,
    PSCI_FEATURES = 0x8400000a,
};

#endif
