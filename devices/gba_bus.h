/*
 * How the GBA's bus masters other than the CPU (DMA, the HLE BIOS) reach
 * memory: guest addresses, access sizes 1, 2 or 4, with the side effects
 * of the real bus (I/O registers, VRAM byte rules, save chips).
 */
#ifndef SCION_GBA_BUS_H
#define SCION_GBA_BUS_H

#include <stdint.h>

typedef struct GbaBus {
    uint32_t (*read)(void *opaque, uint32_t addr, unsigned size);
    void (*write)(void *opaque, uint32_t addr, uint32_t value, unsigned size);
    void *opaque;
} GbaBus;

#endif
