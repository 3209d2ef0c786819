/* GBA DMA: channel registers, latching, and transfers through the bus. */
#include "devices/gba_dma.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "devices/gba_map.h"
#include "snapshot/vmstate.h"

/* Address bits each channel drives (GBATEK: DMA0 reaches internal memory
 * only; DMA3 is the only one that writes the game pak). */
static const uint32_t src_mask[4] = {0x07ffffffu, 0x0fffffffu, 0x0fffffffu, 0x0fffffffu};
static const uint32_t dst_mask[4] = {0x07ffffffu, 0x07ffffffu, 0x07ffffffu, 0x0fffffffu};

void gba_dma_reset(GbaDma *d)
{
    memset(d, 0, sizeof *d);
}

static unsigned timing_of(const GbaDmaChannel *c)
{
    return (c->control >> GBA_DMA_TIMING_SHIFT) & 3;
}

/* A count of 0 means the largest: 0x4000 units (0x10000 for DMA3). */
static uint32_t units_of(unsigned n, uint16_t count)
{
    uint32_t max = n == 3 ? 0x10000u : 0x4000u;
    uint32_t units = count & (max - 1);
    return units ? units : max;
}

static void latch(GbaDma *d, unsigned n)
{
    GbaDmaChannel *c = &d->ch[n];
    c->src = c->sad & src_mask[n];
    c->dst = c->dad & dst_mask[n];
    c->units = units_of(n, c->count);
}

unsigned gba_dma_write16(GbaDma *d, uint32_t offset, uint16_t value)
{
    unsigned n = offset / 12, reg = offset % 12;
    if (n > 3)
        return 0;
    GbaDmaChannel *c = &d->ch[n];
    switch (reg) {
    case 0: c->sad = (c->sad & 0xffff0000u) | value; break;
    case 2: c->sad = (c->sad & 0xffffu) | (uint32_t)value << 16; break;
    case 4: c->dad = (c->dad & 0xffff0000u) | value; break;
    case 6: c->dad = (c->dad & 0xffffu) | (uint32_t)value << 16; break;
    case 8: c->count = value; break;
    default: {
        bool was_enabled = c->control & GBA_DMA_ENABLE;
        c->control = value & (n == 3 ? 0xffe0u : 0xf7e0u); /* bit 11 (game pak DRQ) exists on DMA3 only */
        if (!was_enabled && (c->control & GBA_DMA_ENABLE)) {
            latch(d, n);
            if (timing_of(c) == GBA_DMA_AT_ONCE)
                return 1u << n;
        }
        break;
    }
    }
    return 0;
}

uint16_t gba_dma_read16(const GbaDma *d, uint32_t offset)
{
    unsigned n = offset / 12, reg = offset % 12;
    if (n > 3 || reg != 10)
        return 0; /* addresses and counts are write-only */
    return d->ch[n].control;
}

unsigned gba_dma_waiting(const GbaDma *d, unsigned timing)
{
    unsigned mask = 0;
    for (unsigned n = 0; n < 4; n++)
        if ((d->ch[n].control & GBA_DMA_ENABLE) && timing_of(&d->ch[n]) == timing)
            mask |= 1u << n;
    return mask;
}

static uint32_t step_of(unsigned mode, unsigned unit)
{
    switch (mode) {
    case 0: case 3: return unit;        /* increment (and increment/reload) */
    case 1: return (uint32_t)-unit;     /* decrement */
    default: return 0;                  /* fixed */
    }
}

/* Sound FIFO refill (DMA1/2, special timing): four words into the fixed
 * FIFO address whatever the count and width say. */
static bool is_fifo_refill(unsigned n, const GbaDmaChannel *c)
{
    return (n == 1 || n == 2) && timing_of(c) == GBA_DMA_AT_SPECIAL;
}

static uint32_t transfer(GbaDmaChannel *c, unsigned n, const GbaBus *bus)
{
    bool fifo = is_fifo_refill(n, c);
    unsigned unit = fifo || (c->control & GBA_DMA_WORD) ? 4 : 2;
    uint32_t units = fifo ? 4 : c->units;
    uint32_t src_step = step_of((c->control >> GBA_DMA_SRC_SHIFT) & 3, unit);
    uint32_t dst_step = fifo ? 0 : step_of((c->control >> GBA_DMA_DST_SHIFT) & 3, unit);
    uint32_t align = ~(uint32_t)(unit - 1);
    for (uint32_t i = 0; i < units; i++) {
        uint32_t v = bus->read(bus->opaque, c->src & align, unit);
        bus->write(bus->opaque, c->dst & align, v, unit);
        c->src += src_step;
        c->dst += dst_step;
    }
    return 2 + 2 * units; /* 2N + 2(n-1)S + 2I, counting every access as 1 cycle */
}

/* After the last unit: repeat (reload the count, and the destination for
 * increment/reload) or switch the channel off. */
static void finish(GbaDmaChannel *c, unsigned n)
{
    if ((c->control & GBA_DMA_REPEAT) && timing_of(c) != GBA_DMA_AT_ONCE) {
        c->units = units_of(n, c->count);
        if (((c->control >> GBA_DMA_DST_SHIFT) & 3) == 3)
            c->dst = c->dad & dst_mask[n];
    } else {
        c->control &= (uint16_t)~GBA_DMA_ENABLE;
    }
}

uint32_t gba_dma_run(GbaDma *d, unsigned timing, unsigned channels_mask, const GbaBus *bus, uint16_t *irq)
{
    uint32_t cycles = 0;
    unsigned ready = gba_dma_waiting(d, timing) & channels_mask;
    for (unsigned n = 0; n < 4; n++) {
        if (!(ready >> n & 1))
            continue;
        GbaDmaChannel *c = &d->ch[n];
        cycles += transfer(c, n, bus);
        if (c->control & GBA_DMA_IRQ)
            *irq |= (uint16_t)(GBA_IRQ_DMA0 << n);
        finish(c, n);
    }
    return cycles;
}

static const VmsField channel_fields[] = {
    VMS(GbaDmaChannel, sad), VMS(GbaDmaChannel, dad), VMS(GbaDmaChannel, count), VMS(GbaDmaChannel, control),
    VMS(GbaDmaChannel, src), VMS(GbaDmaChannel, dst), VMS_MAX(GbaDmaChannel, units, 0x10000),
};
static const VmsDesc channel_vmstate = VMS_DESC("gba-dma-channel", 1, GbaDmaChannel, channel_fields, NULL);
static const VmsField dma_fields[] = {
    VMS_STRUCT(GbaDma, ch, GbaDmaChannel, channel_vmstate),
};
const VmsDesc gba_dma_vmstate = VMS_DESC("gba-dma", 1, GbaDma, dma_fields, NULL);
