/*
 * The GBA sound controller around its PSG channels (devices/gba_apu_psg.c):
 * register access, the master enable, the DirectSound FIFOs, the mixer
 * and SOUNDBIAS, and the ring of output frames.  Modelling choices are
 * listed in gba_apu.h.
 */
#include "devices/gba_apu.h"

#include <string.h>

#include "devices/gba_apu_psg.h"

#define MASTER_ENABLE 0x80u
#define SOUNDBIAS_DEFAULT 0x200u /* GBATEK: "the default setting is 0200h" */
#define DAC_CENTRE 0x200
#define DAC_MAX 0x3ff

/* SOUNDCNT_H bits. */
#define DMA_A_FULL_VOLUME 0x0004u
#define DMA_A_RIGHT 0x0100u
#define DMA_A_TIMER1 0x0400u
#define DMA_A_RESET 0x0800u
#define DMA_B_SHIFT 4 /* FIFO B's bits sit 4 above A's (volume: 1 above) */

/* Readable bits of each halfword from 0x60 to 0x8f; write-only fields
 * (lengths, frequencies, restart, FIFO reset) and unused bits read 0. */
static const uint16_t read_mask[] = {
    0x007f, 0xffc0, 0x4000, 0x0000, /* 0x60 SOUND1CNT_L, _H, _X, unused */
    0xffc0, 0x0000, 0x4000, 0x0000, /* 0x68 SOUND2CNT_L, unused, SOUND2CNT_H, unused */
    0x00e0, 0xe000, 0x4000, 0x0000, /* 0x70 SOUND3CNT_L, _H, _X, unused */
    0xff00, 0x0000, 0x40ff, 0x0000, /* 0x78 SOUND4CNT_L, unused, SOUND4CNT_H, unused */
    0xff77, 0x770f, 0x0080, 0x0000, /* 0x80 SOUNDCNT_L, _H, _X (status added), unused */
    0xc3fe, 0x0000, 0x0000, 0x0000, /* 0x88 SOUNDBIAS, unused */
};

static uint8_t *reg_byte(GbaApu *a, uint32_t offset)
{
    return &a->regs[offset - GBA_REG_SOUND_FIRST];
}

static bool master_on(const GbaApu *a)
{
    return a->regs[GBA_REG_SOUNDCNT_X - GBA_REG_SOUND_FIRST] & MASTER_ENABLE;
}

void gba_apu_reset(GbaApu *a)
{
    memset(a, 0, sizeof *a);
    *reg_byte(a, GBA_REG_SOUNDBIAS) = (uint8_t)SOUNDBIAS_DEFAULT;
    *reg_byte(a, GBA_REG_SOUNDBIAS + 1) = (uint8_t)(SOUNDBIAS_DEFAULT >> 8);
    a->to_seq_step = GBA_APU_CYCLES_PER_STEP;
    a->to_frame = GBA_APU_CYCLES_PER_FRAME;
}

/* --- FIFOs ------------------------------------------------------------------ */

static void fifo_push(GbaFifo *f, uint8_t byte)
{
    if (f->count >= GBA_APU_FIFO_BYTES)
        return;
    f->data[(f->head + f->count) % GBA_APU_FIFO_BYTES] = byte;
    f->count++;
}

static void fifo_pop(GbaFifo *f)
{
    if (f->count == 0)
        return;
    f->sample = f->data[f->head % GBA_APU_FIFO_BYTES];
    f->head = (uint8_t)((f->head + 1) % GBA_APU_FIFO_BYTES);
    f->count--;
}

static void fifo_clear(GbaFifo *f)
{
    f->head = 0;
    f->count = 0;
}

unsigned gba_apu_timer_overflow(GbaApu *a, unsigned timer)
{
    if (!master_on(a) || timer > 1)
        return 0;
    uint16_t cnt = gba_apu_reg16(a, GBA_REG_SOUNDCNT_H);
    unsigned want_refill = 0;
    for (unsigned i = 0; i < 2; i++) {
        unsigned driven_by = (cnt & (DMA_A_TIMER1 << (i * DMA_B_SHIFT))) ? 1 : 0;
        if (driven_by != timer)
            continue;
        fifo_pop(&a->fifo[i]);
        if (a->fifo[i].count <= GBA_APU_FIFO_REFILL_LEVEL)
            want_refill |= 1u << i;
    }
    return want_refill;
}

/* --- register access -------------------------------------------------------- */

/* The channel 3 bank the CPU sees: the one not selected for playback. */
static uint8_t *wave_ram_byte(GbaApu *a, uint32_t offset)
{
    unsigned playing = (*reg_byte(a, GBA_REG_SOUND3CNT_L) >> 6) & 1;
    return &a->wave[(playing ^ 1) * 16 + (offset - GBA_REG_WAVE_RAM)];
}

static uint8_t channel_status(const GbaApu *a)
{
    uint8_t status = 0;
    for (unsigned ch = 0; ch < 4; ch++)
        status |= (uint8_t)(a->ch[ch].on << ch);
    return status;
}

static uint8_t read_byte(GbaApu *a, uint32_t offset)
{
    if (offset < GBA_REG_SOUND_FIRST || offset >= GBA_REG_FIFO_A)
        return 0; /* out of range, or the write-only FIFOs */
    if (offset >= GBA_REG_WAVE_RAM)
        return *wave_ram_byte(a, offset);
    if (offset == GBA_REG_SOUNDCNT_X)
        return (uint8_t)((*reg_byte(a, offset) & MASTER_ENABLE) | channel_status(a));
    uint32_t i = offset - GBA_REG_SOUND_FIRST;
    return (uint8_t)(a->regs[i] & (read_mask[i / 2] >> (8 * (i & 1))));
}

static void write_master_enable(GbaApu *a, uint8_t value)
{
    bool was_on = master_on(a);
    *reg_byte(a, GBA_REG_SOUNDCNT_X) = value & MASTER_ENABLE;
    if (was_on && !(value & MASTER_ENABLE)) {
        memset(a->regs, 0, GBA_REG_PSG_END - GBA_REG_SOUND_FIRST);
        gba_psg_power_off(a);
    }
    if (!was_on && (value & MASTER_ENABLE)) {
        a->seq_step = 0;
        a->to_seq_step = GBA_APU_CYCLES_PER_STEP;
    }
}

/* SOUNDCNT_H's high byte: the FIFO reset bits act and are not kept. */
static void write_dma_control_high(GbaApu *a, uint8_t value)
{
    if (value & (DMA_A_RESET >> 8))
        fifo_clear(&a->fifo[0]);
    if (value & (DMA_A_RESET >> (8 - DMA_B_SHIFT)))
        fifo_clear(&a->fifo[1]);
    *reg_byte(a, GBA_REG_SOUNDCNT_H + 1) = value & 0x77;
}

static void write_byte(GbaApu *a, uint32_t offset, uint8_t value)
{
    if (offset < GBA_REG_SOUND_FIRST || offset >= GBA_REG_SOUND_END)
        return;
    if (offset >= GBA_REG_FIFO_A) {
        fifo_push(&a->fifo[(offset - GBA_REG_FIFO_A) / 4], value);
        return;
    }
    if (offset >= GBA_REG_WAVE_RAM) {
        *wave_ram_byte(a, offset) = value;
        return;
    }
    if (offset < GBA_REG_PSG_END && !master_on(a))
        return; /* GBATEK: the PSG registers are locked while sound is off */
    if (offset == GBA_REG_SOUNDCNT_X)
        write_master_enable(a, value);
    else if (offset == GBA_REG_SOUNDCNT_H + 1)
        write_dma_control_high(a, value);
    else
        *reg_byte(a, offset) = value;
    if (offset < GBA_REG_SOUNDCNT_L)
        gba_psg_register_written(a, offset);
}

uint32_t gba_apu_read(GbaApu *a, uint32_t offset, unsigned size)
{
    uint32_t value = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        value |= (uint32_t)read_byte(a, offset + i) << (8 * i);
    return value;
}

void gba_apu_write(GbaApu *a, uint32_t offset, uint32_t value, unsigned size)
{
    for (unsigned i = 0; i < size && i < 4; i++)
        write_byte(a, offset + i, (uint8_t)(value >> (8 * i)));
}

/* --- mixing ----------------------------------------------------------------- */

/* One side's PSG sum: SOUNDCNT_L picks the channels (bits 8-11 right,
 * 12-15 left) and the master volume (bits 0-2 right, 4-6 left);
 * SOUNDCNT_H bits 0-1 the ratio. */
static int psg_side(const GbaApu *a, const int level[4], unsigned left)
{
    uint16_t cnt = gba_apu_reg16(a, GBA_REG_SOUNDCNT_L);
    unsigned enables = (cnt >> (left ? 12 : 8)) & 15;
    int volume = (int)((cnt >> (left ? 4 : 0)) & 7) + 1;
    int sum = 0;
    for (unsigned ch = 0; ch < 4; ch++)
        if (enables & (1u << ch))
            sum += level[ch];
    static const int ratio_divisor[4] = {4, 2, 1, 1};
    return sum * volume / ratio_divisor[gba_apu_reg16(a, GBA_REG_SOUNDCNT_H) & 3];
}

static int fifo_side(const GbaApu *a, unsigned fifo, unsigned left)
{
    uint16_t cnt = gba_apu_reg16(a, GBA_REG_SOUNDCNT_H);
    if (!(cnt & (DMA_A_RIGHT << (fifo * DMA_B_SHIFT + left))))
        return 0;
    int scale = (cnt & (DMA_A_FULL_VOLUME << fifo)) ? 4 : 2;
    return (int8_t)a->fifo[fifo].sample * scale;
}

/* SOUNDBIAS: add the bias (bits 1-9), clip to 10 bits, keep the bits of
 * the amplitude resolution (bits 14-15: 9, 8, 7 or 6 bits). */
static int16_t dac_output(const GbaApu *a, int sum)
{
    uint16_t bias = gba_apu_reg16(a, GBA_REG_SOUNDBIAS);
    int level = sum + (bias & 0x3fe);
    level = level < 0 ? 0 : level > DAC_MAX ? DAC_MAX : level;
    level &= ~((2 << (bias >> 14)) - 1);
    return (int16_t)((level - DAC_CENTRE) * 64);
}

static void ring_push(GbaApu *a, int16_t left, int16_t right)
{
    if (a->ring_count == GBA_APU_RING_FRAMES) {
        a->ring_head = (a->ring_head + 1) % GBA_APU_RING_FRAMES;
        a->ring_count--;
    }
    uint32_t slot = (a->ring_head + a->ring_count) % GBA_APU_RING_FRAMES;
    a->ring[2 * slot] = left;
    a->ring[2 * slot + 1] = right;
    a->ring_count++;
}

static void emit_frame(GbaApu *a)
{
    int sum[2] = {0, 0}; /* right, left */
    if (master_on(a)) {
        int level[4];
        for (unsigned ch = 0; ch < 4; ch++)
            level[ch] = gba_psg_level(a, ch);
        for (unsigned side = 0; side < 2; side++)
            sum[side] = psg_side(a, level, side) + fifo_side(a, 0, side) + fifo_side(a, 1, side);
    }
    ring_push(a, dac_output(a, sum[1]), dac_output(a, sum[0]));
}

void gba_apu_run(GbaApu *a, uint32_t cycles)
{
    while (cycles) {
        uint32_t chunk = cycles;
        if (chunk > a->to_frame)
            chunk = a->to_frame;
        if (chunk > a->to_seq_step)
            chunk = a->to_seq_step;
        if (master_on(a)) {
            gba_psg_advance(a, chunk);
            a->to_seq_step -= chunk;
        }
        a->to_frame -= chunk;
        cycles -= chunk;
        if (a->to_seq_step == 0) {
            gba_psg_sequencer_step(a);
            a->to_seq_step = GBA_APU_CYCLES_PER_STEP;
        }
        if (a->to_frame == 0) {
            emit_frame(a);
            a->to_frame = GBA_APU_CYCLES_PER_FRAME;
        }
    }
}

size_t gba_apu_take(GbaApu *a, int16_t *out, size_t max)
{
    size_t n = 0;
    for (; n < max && a->ring_count; n++) {
        out[2 * n] = a->ring[2 * a->ring_head];
        out[2 * n + 1] = a->ring[2 * a->ring_head + 1];
        a->ring_head = (a->ring_head + 1) % GBA_APU_RING_FRAMES;
        a->ring_count--;
    }
    return n;
}

/* --- snapshot state ------------------------------------------------------- */

static const VmsField psg_channel_fields[] = {
    VMS(GbaPsgChannel, timer),          VMS_MAX(GbaPsgChannel, length, 256), VMS_MAX(GbaPsgChannel, lfsr, 0x7fff),
    VMS_MAX(GbaPsgChannel, position, 63), VMS_MAX(GbaPsgChannel, volume, 15), VMS_MAX(GbaPsgChannel, env_timer, 7),
    VMS(GbaPsgChannel, on),             VMS(GbaPsgChannel, high),
};
static const VmsDesc psg_channel_vmstate = VMS_DESC("gba_psg_channel", 1, GbaPsgChannel, psg_channel_fields, NULL);

static const VmsField fifo_fields[] = {
    VMS(GbaFifo, data),
    VMS_MAX(GbaFifo, head, GBA_APU_FIFO_BYTES - 1),
    VMS_MAX(GbaFifo, count, GBA_APU_FIFO_BYTES),
    VMS(GbaFifo, sample),
};
static const VmsDesc fifo_vmstate = VMS_DESC("gba_fifo", 1, GbaFifo, fifo_fields, NULL);

/* The output ring is host-side and stays out. */
static const VmsField gba_apu_fields[] = {
    VMS(GbaApu, regs),
    VMS(GbaApu, wave),
    VMS_STRUCT(GbaApu, ch, GbaPsgChannel, psg_channel_vmstate),
    VMS_STRUCT(GbaApu, fifo, GbaFifo, fifo_vmstate),
    VMS_MAX(GbaApu, sweep_timer, 8),
    VMS_MAX(GbaApu, seq_step, 7),
    VMS_MAX(GbaApu, to_seq_step, GBA_APU_CYCLES_PER_STEP),
    VMS_MAX(GbaApu, to_frame, GBA_APU_CYCLES_PER_FRAME),
};
const VmsDesc gba_apu_vmstate = VMS_DESC("gba_apu", 1, GbaApu, gba_apu_fields, NULL);
