/*
 * sound_test.gba: plays sounds whose frequencies follow from GBATEK's
 * formulas, for tests/gba/sound_check.sh to measure in a WAV dump
 * (scion gba -audio-dump).  Timeline, in VBlanks from start-up (one VBlank
 * = 280896 cycles = 16.74 ms):
 *
 * (counted from the first VBlank after the short set-up):
 *
 *   0-9      silence (sound on, nothing playing)
 *   10-69    channel 1 square, n = 1750: 131072 / (2048 - 1750) = 439.83 Hz
 *   70-79    silence
 *   80-139   DirectSound FIFO A, timer 0 reload 0xfc00 (16777216 / 1024 =
 *            16384 samples/s) fed by DMA 1 in sound mode, a sine of 32
 *            samples per period: 16384 / 32 = 512 Hz
 *   140-     silence; main returns, so the screen shows PASS
 *
 * Nothing here is checked by the ROM itself: the measurement is the test.
 */
#include "irq.h"

const char test_name[] = "SOUND_TEST";

#define REG_SOUND1CNT_L REG16(0x060)
#define REG_SOUND1CNT_H REG16(0x062)
#define REG_SOUND1CNT_X REG16(0x064)
#define REG_SOUNDCNT_L REG16(0x080)
#define REG_SOUNDCNT_H REG16(0x082)
#define REG_SOUNDCNT_X REG16(0x084)
#define FIFO_A_ADDR 0x040000a0u

#define SQUARE_N 1750          /* 439.83 Hz */
#define TIMER_RELOAD 0xfc00u   /* 1024 cycles per sample */
#define SINE_PERIOD 32         /* samples: 512 Hz */
#define FIFO_FRAMES 60
/* 60 frames of samples at 16384 Hz (about 16.1 K) and some to spare:
 * sound DMA reads on through memory, it does not wrap. */
#define STREAM_BYTES (20 * 1024)

static s32 stream_words[STREAM_BYTES / 4] __attribute__((section(".ewram_bss")));

/* 127 * sin(2 pi k / 32) for k = 0..8, the first quarter of the period. */
static const u8 quarter_sine[9] = {0, 25, 49, 71, 90, 106, 117, 125, 127};

static s32 sine_sample(int k)
{
    k &= SINE_PERIOD - 1;
    int q = k & 7;
    switch (k >> 3) {
    case 0: return quarter_sine[q];
    case 1: return quarter_sine[8 - q];
    case 2: return -(s32)quarter_sine[q];
    default: return -(s32)quarter_sine[8 - q];
    }
}

/* One period computed, then copied word by word: start-up stays short
 * (the code runs from the cartridge, with its wait states). */
static void fill_stream(void)
{
    u32 period[SINE_PERIOD / 4];
    for (int w = 0; w < SINE_PERIOD / 4; w++) {
        period[w] = 0;
        for (int b = 0; b < 4; b++)
            period[w] |= (u32)(u8)sine_sample(4 * w + b) << 8 * b;
    }
    for (int i = 0; i < STREAM_BYTES / 4; i++)
        stream_words[i] = (s32)period[i % (SINE_PERIOD / 4)];
}

static void vblank_wait(void)
{
    __asm__ volatile("swi 0x050000" ::: "r0", "r1", "r2", "r3", "r12", "memory", "cc");
}

static void wait_frames(int n)
{
    while (n-- > 0)
        vblank_wait();
}

static void play_square(void)
{
    REG_SOUND1CNT_L = 0;      /* no sweep */
    REG_SOUND1CNT_H = 0xf080; /* volume 15, no envelope steps, duty 50% */
    REG_SOUND1CNT_X = 0x8000 | SQUARE_N; /* restart, no length limit */
}

static void stop_square(void)
{
    REG_SOUND1CNT_H = 0x0000; /* volume 0, decreasing: the channel's DAC off */
    REG_SOUND1CNT_X = 0x8000 | SQUARE_N;
}

static void play_fifo(void)
{
    /* PSG 100%, FIFO A 100% to both sides on timer 0, FIFO A reset. */
    REG_SOUNDCNT_H = 0x0002 | 0x0004 | 0x0300 | 0x0800;
    REG_DMA_SAD(1) = (u32)stream_words;
    REG_DMA_DAD(1) = FIFO_A_ADDR;
    REG_DMA_CNT_L(1) = 4;
    /* enable, sound FIFO timing, 32-bit, repeat, destination fixed */
    REG_DMA_CNT_H(1) = 0x8000 | 0x3000 | 0x0400 | 0x0200 | 0x0040;
    REG_TM_CNT_L(0) = TIMER_RELOAD;
    REG_TM_CNT_H(0) = 0x0080; /* enable, 1 cycle per tick */
}

static void stop_fifo(void)
{
    REG_TM_CNT_H(0) = 0;
    REG_DMA_CNT_H(1) = 0;
    REG_SOUNDCNT_H = 0x0002 | 0x0800; /* FIFO A off both sides, emptied */
}

int main(void)
{
    fill_stream();
    REG_SOUNDCNT_X = 0x0080; /* master enable before any other sound register */
    REG_SOUNDCNT_L = 0x1177; /* channel 1 on both sides, volume 7 */
    REG_SOUNDCNT_H = 0x0002;
    REG_DISPSTAT = DISPSTAT_VBLANK_IRQ;
    irq_enable(IRQ_VBLANK);

    wait_frames(10);
    play_square();
    wait_frames(60);
    stop_square();
    wait_frames(10);
    play_fifo();
    wait_frames(FIFO_FRAMES);
    stop_fifo();
    irq_disable();
    return 0;
}
