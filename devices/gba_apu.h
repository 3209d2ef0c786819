/*
 * The Game Boy Advance sound controller (GBATEK "GBA Sound Controller"):
 * the four Game Boy PSG channels (two squares, wave, noise), the two
 * DirectSound FIFOs fed by timer overflows and sound DMA, and the mixer
 * that turns them into 10-bit PWM levels, delivered here as stereo int16
 * frames at GBA_APU_RATE in a ring the frontend drains.
 *
 * Modelling choices where GBATEK is silent (the tests pin them down):
 *  - A PSG channel's level is bipolar: a square or noise channel outputs
 *    +volume or -volume (volume 0-15 from the envelope), the wave channel
 *    2*digit-15 scaled by its 0/25/50/75/100% volume; a channel that is
 *    off outputs 0.  Each side sums its enabled channels, multiplies by
 *    SOUNDCNT_L master volume + 1 (so at most +-480) and applies the
 *    SOUNDCNT_H PSG ratio (25/50/100%; the prohibited 3 acts as 100%).
 *  - A FIFO sample s (signed 8-bit) contributes s*4 at DMA volume 100%
 *    (the whole 10-bit range) and s*2 at 50%.
 *  - The sum plus the SOUNDBIAS level is clipped to 0..0x3ff, the low bits
 *    below the SOUNDBIAS amplitude resolution are cleared (9 bits at the
 *    default), and the frame value is (level - 0x200) * 64.
 *  - A byte pushed into a full FIFO (32 bytes) is dropped; a timer
 *    overflow on an empty FIFO keeps playing the last sample; the FIFO
 *    reset bits empty the queue but keep the sample being played.
 *  - With SOUNDCNT_X bit 7 clear nothing plays, timer overflows consume
 *    nothing and request no DMA, and 0x60-0x81 read as zero and ignore
 *    writes; frames (the bias level alone) are still produced.
 *  - Writing zero to the volume and direction bits of a square or noise
 *    envelope turns the channel off and keeps triggers from starting it
 *    (the Game Boy DAC enable, Pan Docs).
 *  - Register writes take effect at once: the board should catch the APU
 *    up with gba_apu_run before forwarding a sound register access.
 */
#ifndef SCION_GBA_APU_H
#define SCION_GBA_APU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/gba_map.h"
#include "snapshot/vmstate.h"

#define GBA_APU_RATE 32768 /* output sample rate, stereo int16 */
#define GBA_APU_CYCLES_PER_FRAME (GBA_CPU_HZ / GBA_APU_RATE)  /* 512 */
#define GBA_APU_CYCLES_PER_STEP (GBA_CPU_HZ / 512u)           /* frame sequencer: 32768 */
#define GBA_APU_RING_FRAMES 8192u
#define GBA_APU_FIFO_BYTES 32u
#define GBA_APU_FIFO_REFILL_LEVEL 16u /* a FIFO holding this many bytes or fewer wants DMA */
#define GBA_APU_REG_BYTES (GBA_REG_SOUND_END - GBA_REG_SOUND_FIRST)

/* Sound register offsets (from GBA_IO_BASE) that gba_map.h leaves out. */
enum {
    GBA_REG_SOUND1CNT_L = 0x060,
    GBA_REG_SOUND1CNT_H = 0x062,
    GBA_REG_SOUND1CNT_X = 0x064,
    GBA_REG_SOUND2CNT_L = 0x068,
    GBA_REG_SOUND2CNT_H = 0x06c,
    GBA_REG_SOUND3CNT_L = 0x070,
    GBA_REG_SOUND3CNT_H = 0x072,
    GBA_REG_SOUND3CNT_X = 0x074,
    GBA_REG_SOUND4CNT_L = 0x078,
    GBA_REG_SOUND4CNT_H = 0x07c,
    GBA_REG_PSG_END = 0x082, /* 0x60..0x81: reset and locked while the master enable is off */
};

/* Running state of one PSG channel (the settings live in the registers). */
typedef struct GbaPsgChannel {
    uint32_t timer;   /* CPU cycles until the next waveform step */
    uint16_t length;  /* 256 Hz length ticks left */
    uint16_t lfsr;    /* channel 4's shift register */
    uint8_t position; /* duty step 0-7 (channels 1, 2) or wave digit 0-63 (channel 3) */
    uint8_t volume;   /* envelope volume 0-15 */
    uint8_t env_timer; /* 64 Hz ticks until the next envelope step */
    bool on;          /* the SOUNDCNT_X status flag */
    bool high;        /* channel 4: the bit last shifted out of the LFSR */
} GbaPsgChannel;

typedef struct GbaFifo {
    uint8_t data[GBA_APU_FIFO_BYTES];
    uint8_t head;   /* index of the oldest byte */
    uint8_t count;  /* bytes queued */
    uint8_t sample; /* the signed 8-bit sample being played */
} GbaFifo;

typedef struct GbaApu {
    uint8_t regs[GBA_APU_REG_BYTES]; /* bytes as written, indexed by offset - 0x60 */
    uint8_t wave[32];                /* channel 3's banks 0 and 1, 16 bytes (32 digits) each */
    GbaPsgChannel ch[4];
    GbaFifo fifo[2]; /* A, B */
    uint8_t sweep_timer;   /* 128 Hz ticks until channel 1's next sweep */
    uint8_t seq_step;      /* frame sequencer step 0-7 */
    uint32_t to_seq_step;  /* CPU cycles until the next sequencer step */
    uint32_t to_frame;     /* CPU cycles until the next output frame */
    /* Output ring (host side, not snapshot state). */
    int16_t ring[GBA_APU_RING_FRAMES * 2];
    uint32_t ring_head;  /* oldest frame */
    uint32_t ring_count; /* frames held */
} GbaApu;

void gba_apu_reset(GbaApu *a);
/* CPU access to the sound registers: offset from GBA_IO_BASE in
 * [GBA_REG_SOUND_FIRST, GBA_REG_SOUND_END); size 1, 2 or 4. */
uint32_t gba_apu_read(GbaApu *a, uint32_t offset, unsigned size);
void gba_apu_write(GbaApu *a, uint32_t offset, uint32_t value, unsigned size);
/* Timer `timer` (0 or 1) overflowed: each FIFO it drives takes its next
 * sample.  Returns a mask (bit 0: FIFO A, bit 1: FIFO B) of those FIFOs
 * that now hold GBA_APU_FIFO_REFILL_LEVEL bytes or fewer. */
unsigned gba_apu_timer_overflow(GbaApu *a, unsigned timer);
/* Advances sound by `cycles` CPU cycles, appending frames to the ring
 * (dropping the oldest when it is full). */
void gba_apu_run(GbaApu *a, uint32_t cycles);
/* Takes up to max stereo frames (interleaved L, R); returns how many. */
size_t gba_apu_take(GbaApu *a, int16_t *out, size_t max);

extern const VmsDesc gba_apu_vmstate;

#endif
