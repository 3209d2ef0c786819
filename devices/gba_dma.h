/*
 * The GBA's four DMA channels (GBATEK "GBA DMA Transfers"): source and
 * destination with increment, decrement, fixed and increment/reload
 * stepping, 16- or 32-bit units, repeat, start at once, at VBlank, at
 * HBlank or on the special trigger (sound FIFO refills for channels 1 and
 * 2), and an interrupt at the end.  Transfers go through a GbaBus, so the
 * board's memory rules (I/O side effects, VRAM, save chips) apply.
 */
#ifndef SCION_GBA_DMA_H
#define SCION_GBA_DMA_H

#include <stdint.h>

#include "devices/gba_bus.h"

enum { GBA_DMA_AT_ONCE, GBA_DMA_AT_VBLANK, GBA_DMA_AT_HBLANK, GBA_DMA_AT_SPECIAL };

enum {
    GBA_DMA_DST_SHIFT = 5,   /* 2 bits: increment, decrement, fixed, increment/reload */
    GBA_DMA_SRC_SHIFT = 7,   /* 2 bits: increment, decrement, fixed, prohibited */
    GBA_DMA_REPEAT = 1u << 9,
    GBA_DMA_WORD = 1u << 10,
    GBA_DMA_TIMING_SHIFT = 12,
    GBA_DMA_IRQ = 1u << 14,
    GBA_DMA_ENABLE = 1u << 15,
};

typedef struct GbaDmaChannel {
    uint32_t sad, dad;      /* the registers as written */
    uint16_t count, control;
    uint32_t src, dst;      /* internal addresses, latched at enable */
    uint32_t units;         /* internal count, latched at enable */
} GbaDmaChannel;

typedef struct GbaDma {
    GbaDmaChannel ch[4];
} GbaDma;

void gba_dma_reset(GbaDma *d);
/* The channel registers, 16 bits at a time: offset from GBA_REG_DMA0SAD
 * (0 .. 0x2e).  A write that enables a channel with start timing "at once"
 * returns its bit in the mask of channels the board must run now. */
unsigned gba_dma_write16(GbaDma *d, uint32_t offset, uint16_t value);
uint16_t gba_dma_read16(const GbaDma *d, uint32_t offset);
/* Run the enabled channels in channels_mask that start at timing, in
 * priority order (0 first).  Returns the CPU cycles the transfers took; the
 * interrupt bits (GBA_IRQ_DMA0 << n) of channels that ended with their IRQ
 * enabled are ORed into *irq. */
uint32_t gba_dma_run(GbaDma *d, unsigned timing, unsigned channels_mask, const GbaBus *bus, uint16_t *irq);
/* The channels waiting for timing (enabled, that start timing). */
unsigned gba_dma_waiting(const GbaDma *d, unsigned timing);

extern const struct VmsDesc gba_dma_vmstate;

#endif
