/*
 * demo.gba's sound, all on the four PSG channels (GBATEK "GBA Sound
 * Channel 1-4"): channel 1 (square) for paddle and wall bounces, channel 2
 * (square) for bricks and the start jingle, channel 4 (noise) for a lost
 * ball, channel 3 (wave) for a quiet looping bass line.
 *
 * Frequency register values are constants worked out from GBATEK:
 * squares play 131072 / (2048 - n) Hz, the wave channel with a 32-digit
 * table 2097152 / (2048 - n) / 32 = 65536 / (2048 - n) Hz.  (No runtime
 * division: the ROMs are linked without libgcc.)
 */
#include "demo.h"

#define REG_SOUND1CNT_L REG16(0x060)
#define REG_SOUND1CNT_H REG16(0x062)
#define REG_SOUND1CNT_X REG16(0x064)
#define REG_SOUND2CNT_L REG16(0x068)
#define REG_SOUND2CNT_H REG16(0x06c)
#define REG_SOUND3CNT_L REG16(0x070)
#define REG_SOUND3CNT_H REG16(0x072)
#define REG_SOUND3CNT_X REG16(0x074)
#define REG_SOUND4CNT_L REG16(0x078)
#define REG_SOUND4CNT_H REG16(0x07c)
#define REG_SOUNDCNT_L REG16(0x080)
#define REG_SOUNDCNT_H REG16(0x082)
#define REG_SOUNDCNT_X REG16(0x084)
#define WAVE_RAM(i) REG16(0x090 + 2 * (i))

#define RESTART 0x8000u

/* Envelope/duty word (SOUNDxCNT_H of ch1, SOUND2CNT_L, SOUND4CNT_L):
 * initial volume, decreasing, a step every `step`/64 s; duty 0-3. */
#define ENVELOPE(vol, step, duty) ((u16)((vol) << 12 | (step) << 8 | (duty) << 6))

/* Square notes: n = 2048 - 131072 / f. */
enum { SQ_G4 = 1714, SQ_C5 = 1797, SQ_E5 = 1849, SQ_G5 = 1881, SQ_A5 = 1899, SQ_C6 = 1923,
       SQ_E6 = 1949, SQ_G6 = 1964 };
/* Wave notes: n = 2048 - 65536 / f. */
enum { WV_A2 = 1452, WV_C3 = 1547, WV_D3 = 1602, WV_E3 = 1650, WV_F3 = 1673, WV_G3 = 1714 };

#define JINGLE_FRAMES 6 /* per note */
#define MUSIC_FRAMES 12 /* per note: a bar of four notes in 0.8 s */

static const u16 jingle[] = {SQ_C5, SQ_E5, SQ_G5, SQ_C6};
static const u16 bass[16] = {WV_A2, WV_A2, WV_E3, WV_A2, WV_C3, WV_C3, WV_G3, WV_C3,
                             WV_D3, WV_D3, WV_F3, WV_D3, WV_E3, WV_E3, WV_G3, WV_E3};

static struct {
    unsigned jingle_pos, jingle_timer;
    unsigned music_on, music_pos, music_timer;
} seq;

void sound_init(void)
{
    REG_SOUNDCNT_X = 0x0080; /* master enable first: the PSG registers are locked without it */
    REG_SOUNDCNT_L = 0xff77; /* channels 1-4 on both sides, volume 7 each */
    REG_SOUNDCNT_H = 0x0002; /* PSG at 100% */
    REG_SOUND1CNT_L = 0;     /* no sweep */
    /* The wave table, a triangle, written while bank 0 plays (the CPU
     * then sees bank 1), then bank 1 selected for playback. */
    REG_SOUND3CNT_L = 0x0000;
    for (int i = 0; i < 8; i++) {
        /* digits 4i..4i+3, the first in the high nibble of the first byte */
        u32 d[4];
        for (int k = 0; k < 4; k++) {
            int j = 4 * i + k;
            d[k] = (u32)(j < 16 ? j : 31 - j);
        }
        WAVE_RAM(i) = (u16)(d[0] << 4 | d[1] | d[2] << 12 | d[3] << 8);
    }
    REG_SOUND3CNT_L = 0x0040;
    REG_SOUND3CNT_H = 0x4000; /* 50% volume: it is background */
    seq.jingle_pos = sizeof jingle / sizeof jingle[0];
    seq.music_on = 0;
}

static void square1(u16 n, u16 envelope)
{
    REG_SOUND1CNT_H = envelope;
    REG_SOUND1CNT_X = (u16)(n | RESTART);
}

static void square2(u16 n, u16 envelope)
{
    REG_SOUND2CNT_L = envelope;
    REG_SOUND2CNT_H = (u16)(n | RESTART);
}

void sound_paddle(void)
{
    square1(SQ_G5, ENVELOPE(12, 1, 2));
}

void sound_wall(void)
{
    square1(SQ_G4, ENVELOPE(9, 1, 1));
}

/* Higher rows ring higher. */
void sound_brick(int row)
{
    static const u16 pitch[BRICK_ROWS] = {SQ_G6, SQ_E6, SQ_C6, SQ_A5, SQ_G5, SQ_E5};
    square2(pitch[row], ENVELOPE(11, 1, 2));
}

/* Noise, 15-bit LFSR clocked at 524288 / 3 / 2^5 Hz: a low rumble that
 * fades over about 0.7 s. */
void sound_lose(void)
{
    REG_SOUND4CNT_L = ENVELOPE(15, 3, 0);
    REG_SOUND4CNT_H = (u16)(RESTART | 4 << 4 | 3);
}

void sound_jingle(void)
{
    seq.jingle_pos = 0;
    seq.jingle_timer = 1;
}

void sound_music(int on)
{
    seq.music_on = (unsigned)on;
    seq.music_pos = 0;
    seq.music_timer = 1;
    if (!on)
        REG_SOUND3CNT_L = 0x0040; /* playback off, bank 1 kept */
}

/* Once per frame: the next jingle or bass note when its time comes. */
void sound_tick(void)
{
    if (seq.jingle_pos < sizeof jingle / sizeof jingle[0] && --seq.jingle_timer == 0) {
        square2(jingle[seq.jingle_pos++], ENVELOPE(10, 2, 2));
        seq.jingle_timer = JINGLE_FRAMES;
    }
    if (seq.music_on && --seq.music_timer == 0) {
        REG_SOUND3CNT_L = 0x00c0; /* playback on, bank 1 */
        REG_SOUND3CNT_X = (u16)(bass[seq.music_pos] | RESTART);
        seq.music_pos = (seq.music_pos + 1) & 15;
        seq.music_timer = MUSIC_FRAMES;
    }
}
