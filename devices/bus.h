/*
 * The physical address space of a system board: RAM regions backed by host
 * memory and MMIO regions backed by devices.
 *
 * A device is a state struct plus an MmioOps table; the board registers it
 * at a base address.  Offsets passed to read/write are relative to the
 * region base.  Accesses of a size outside [min_size, max_size] or that
 * cross the region end never reach the device: the bus reports them as a
 * guest error and the CPU side turns them into an external abort.
 *
 *   static const MmioOps uart_ops = {uart_read, uart_write, 1, 4};
 *   Bus *bus = bus_new(&log);
 *   bus_add_ram(bus, "ram", 0x40000000, ram_size, ram_host);
 *   bus_add_mmio(bus, "pl011", 0x09000000, 0x1000, &uart_ops, uart);
 *   const uint8_t *p = bus_dma_read(bus, desc_addr, 16);  // NULL unless all RAM
 */
#ifndef SCION_BUS_H
#define SCION_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/log.h"

typedef struct MmioOps {
    uint64_t (*read)(void *opaque, uint32_t offset, unsigned size);
    void (*write)(void *opaque, uint32_t offset, uint64_t value, unsigned size);
    unsigned min_size, max_size; /* allowed access sizes in bytes */
} MmioOps;

typedef struct BusRegion {
    const char *name;
    uint64_t base, size;
    uint8_t *ram;          /* host memory of a RAM region, else NULL */
    const MmioOps *ops;    /* device of an MMIO region, else NULL */
    void *opaque;
} BusRegion;

#define BUS_MAX_REGIONS 64

typedef struct Bus {
    BusRegion regions[BUS_MAX_REGIONS];
    unsigned count;
    const BusRegion *last; /* the region of the last lookup */
    Log *log;
    /* Called for every device (DMA) write into RAM, so translated code of
     * those bytes is dropped and snapshots see the page dirty. */
    void (*on_ram_write)(void *opaque, uint64_t addr, uint64_t len);
    void *hook_opaque;
} Bus;

void bus_init(Bus *b, Log *log);
bool bus_add_ram(Bus *b, const char *name, uint64_t base, uint64_t size, uint8_t *host);
bool bus_add_mmio(Bus *b, const char *name, uint64_t base, uint64_t size, const MmioOps *ops, void *opaque);
/* The region holding addr, or NULL. */
const BusRegion *bus_find(Bus *b, uint64_t addr);
/* Device or RAM access; false (and a guest-error log line) when nothing
 * answers at addr or the device refuses the size. */
bool bus_read(Bus *b, uint64_t addr, unsigned size, uint64_t *value);
bool bus_write(Bus *b, uint64_t addr, unsigned size, uint64_t value);
/* Host pointer to guest RAM [addr, addr + len) for device DMA reads, or
 * NULL if any of it is not RAM (devices treat NULL as a guest error). */
const uint8_t *bus_dma_read(Bus *b, uint64_t addr, uint64_t len);
/* The same for a device about to write [addr, addr + len) (calls the
 * on_ram_write hook). */
uint8_t *bus_dma_write(Bus *b, uint64_t addr, uint64_t len);

#endif
