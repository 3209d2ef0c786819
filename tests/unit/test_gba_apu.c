/* The GBA sound controller against GBATEK "GBA Sound Controller": register
 * read masks and the master enable, the square channels' frequency
 * (131072/(2048-n) Hz), duty, envelope, length and sweep, the wave
 * channel's banks and digit order, the noise LFSR periods, the FIFOs and
 * their DMA requests, the mixer's levels and the output ring.
 *
 * Output levels follow the scaling documented in devices/gba_apu.h: a
 * 10-bit DAC value centred on SOUNDBIAS 0x200, times 64 for int16; a PSG
 * channel swings +-volume, times SOUNDCNT_L master volume + 1, divided by
 * the PSG ratio; a FIFO sample counts 4x at 100%, 2x at 50%. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gba_apu.h"

#define CYCLES_PER_FRAME 512u /* 16777216 Hz / 32768 Hz */
#define FRAMES_PER_SECOND 32768u
#define PSG_ALL_FULL_VOLUME 0xff77u /* SOUNDCNT_L: every channel both sides, master volume 7 */
#define PSG_RATIO_100 0x0002u        /* SOUNDCNT_H */
/* One PSG unit at master volume 7 (x8) and ratio 100%, as int16. */
#define PSG_UNIT (8 * 64)

static GbaApu *apu;

static void setup(void)
{
    apu = malloc(sizeof *apu);
    ck_assert_ptr_nonnull(apu);
    gba_apu_reset(apu);
}

static void teardown(void)
{
    free(apu);
}

static void wr16(uint32_t offset, uint32_t value)
{
    gba_apu_write(apu, offset, value, 2);
}

static uint32_t rd16(uint32_t offset)
{
    return gba_apu_read(apu, offset, 2);
}

/* Master enable on, every PSG channel to both sides at full volume. */
static void psg_on(void)
{
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    wr16(GBA_REG_SOUNDCNT_L, PSG_ALL_FULL_VOLUME);
    wr16(GBA_REG_SOUNDCNT_H, PSG_RATIO_100);
}

/* Runs n frames' worth of cycles and returns the left samples (the caller
 * frees them); right must equal left in every test here. */
static int16_t *collect(size_t n)
{
    int16_t *left = malloc(n * sizeof *left);
    int16_t frames[2 * 1024];
    ck_assert_ptr_nonnull(left);
    for (size_t done = 0; done < n;) {
        size_t chunk = n - done < 1024 ? n - done : 1024;
        gba_apu_run(apu, (uint32_t)chunk * CYCLES_PER_FRAME);
        ck_assert_uint_eq(gba_apu_take(apu, frames, chunk), chunk);
        for (size_t i = 0; i < chunk; i++) {
            ck_assert_int_eq(frames[2 * i], frames[2 * i + 1]);
            left[done + i] = frames[2 * i];
        }
        done += chunk;
    }
    return left;
}

static void run_frames(size_t n)
{
    free(collect(n));
}

static unsigned rising_edges(const int16_t *s, size_t from, size_t to)
{
    unsigned n = 0;
    for (size_t i = from + 1; i < to; i++)
        n += s[i - 1] <= 0 && s[i] > 0;
    return n;
}

/* Distances between consecutive rising edges in [from, to) must all be `period`. */
static void assert_edge_period(const int16_t *s, size_t from, size_t to, size_t period)
{
    size_t last = 0;
    unsigned intervals = 0;
    for (size_t i = from + 1; i < to; i++) {
        if (!(s[i - 1] <= 0 && s[i] > 0))
            continue;
        if (last) {
            ck_assert_uint_eq(i - last, period);
            intervals++;
        }
        last = i;
    }
    ck_assert_uint_ge(intervals, 2);
}

static bool channel_on(unsigned ch)
{
    return rd16(GBA_REG_SOUNDCNT_X) & (1u << ch);
}

/* --- registers ------------------------------------------------------------- */

START_TEST(test_register_read_masks)
{
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDBIAS), 0x0200);
    wr16(GBA_REG_SOUNDCNT_X, 0xffff);
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDCNT_X), 0x0080); /* status bits are read-only */
    static const struct {
        uint32_t offset, written, read;
    } regs[] = {
        {GBA_REG_SOUND1CNT_L, 0xffff, 0x007f}, {GBA_REG_SOUND1CNT_H, 0xffff, 0xffc0},
        {GBA_REG_SOUND1CNT_X, 0x47ff, 0x4000}, {0x066, 0xffff, 0x0000},
        {GBA_REG_SOUND2CNT_L, 0xffff, 0xffc0}, {GBA_REG_SOUND2CNT_H, 0x47ff, 0x4000},
        {GBA_REG_SOUND3CNT_L, 0xffff, 0x00e0}, {GBA_REG_SOUND3CNT_H, 0xffff, 0xe000},
        {GBA_REG_SOUND3CNT_X, 0x47ff, 0x4000}, {GBA_REG_SOUND4CNT_L, 0xffff, 0xff00},
        {GBA_REG_SOUND4CNT_H, 0x7fff, 0x40ff}, {GBA_REG_SOUNDCNT_L, 0xffff, 0xff77},
        {GBA_REG_SOUNDCNT_H, 0x77ff, 0x770f}, {GBA_REG_SOUNDBIAS, 0xffff, 0xc3fe},
        {0x08a, 0xffff, 0x0000},               {GBA_REG_FIFO_A, 0x1234, 0x0000},
    };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        wr16(regs[i].offset, regs[i].written);
        ck_assert_msg(rd16(regs[i].offset) == regs[i].read, "reg %03x reads %04x, want %04x", regs[i].offset,
                      rd16(regs[i].offset), regs[i].read);
    }
    /* Wider and narrower accesses see the same bits. */
    gba_apu_write(apu, GBA_REG_SOUND1CNT_L, 0xffffffffu, 4);
    ck_assert_uint_eq(gba_apu_read(apu, GBA_REG_SOUND1CNT_L, 4), 0xffc0007fu);
    ck_assert_uint_eq(gba_apu_read(apu, GBA_REG_SOUND1CNT_H + 1, 1), 0xff);
    ck_assert_uint_eq(gba_apu_read(apu, GBA_REG_SOUNDBIAS, 4), 0x0000c3feu);
}
END_TEST

START_TEST(test_master_disable_clears_and_locks)
{
    psg_on();
    wr16(GBA_REG_SOUND2CNT_L, 0xf080);
    wr16(GBA_REG_SOUND2CNT_H, 0x8000 | 1792);
    wr16(GBA_REG_SOUNDCNT_H, 0x0302);
    gba_apu_write(apu, GBA_REG_WAVE_RAM, 0x5a, 1);
    ck_assert(channel_on(1));
    ck_assert_uint_eq(rd16(GBA_REG_SOUND2CNT_L), 0xf080);

    wr16(GBA_REG_SOUNDCNT_X, 0);
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDCNT_X), 0);
    ck_assert_uint_eq(rd16(GBA_REG_SOUND2CNT_L), 0);
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDCNT_L), 0);
    /* Outside 0x60-0x81: kept. */
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDCNT_H), 0x0302);
    ck_assert_uint_eq(gba_apu_read(apu, GBA_REG_WAVE_RAM, 1), 0x5a);
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDBIAS), 0x0200);

    wr16(GBA_REG_SOUND2CNT_L, 0xf080); /* locked */
    wr16(GBA_REG_SOUNDCNT_L, 0xff77);
    ck_assert_uint_eq(rd16(GBA_REG_SOUND2CNT_L), 0);
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDCNT_L), 0);
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    ck_assert_uint_eq(rd16(GBA_REG_SOUND2CNT_L), 0);
    wr16(GBA_REG_SOUND2CNT_L, 0xf080);
    ck_assert_uint_eq(rd16(GBA_REG_SOUND2CNT_L), 0xf080);
}
END_TEST

START_TEST(test_silent_dac_keeps_channel_off)
{
    psg_on();
    wr16(GBA_REG_SOUND2CNT_L, 0x0080); /* initial volume 0, decreasing */
    wr16(GBA_REG_SOUND2CNT_H, 0x8000 | 1792);
    ck_assert(!channel_on(1));
    wr16(GBA_REG_SOUND2CNT_L, 0x0880); /* increasing from 0: the DAC is on */
    wr16(GBA_REG_SOUND2CNT_H, 0x8000 | 1792);
    ck_assert(channel_on(1));
}
END_TEST

/* --- square channels ------------------------------------------------------- */

START_TEST(test_square_frequency)
{
    psg_on();
    wr16(GBA_REG_SOUND1CNT_L, 0); /* no sweep */
    wr16(GBA_REG_SOUND1CNT_H, 0xf080); /* volume 15, 50% duty */
    wr16(GBA_REG_SOUND1CNT_X, 0x8000 | 1750);
    int16_t *s = collect(FRAMES_PER_SECOND);
    /* 131072 / (2048 - 1750) = 439.8 Hz */
    unsigned edges = rising_edges(s, 0, FRAMES_PER_SECOND);
    ck_assert_uint_ge(edges, 439);
    ck_assert_uint_le(edges, 441);
    int16_t lo = 0, hi = 0;
    for (size_t i = 0; i < FRAMES_PER_SECOND; i++) {
        lo = s[i] < lo ? s[i] : lo;
        hi = s[i] > hi ? s[i] : hi;
    }
    ck_assert_int_eq(hi, 15 * PSG_UNIT);
    ck_assert_int_eq(lo, -15 * PSG_UNIT);
    free(s);

    gba_apu_reset(apu);
    psg_on();
    wr16(GBA_REG_SOUND2CNT_L, 0xf080);
    wr16(GBA_REG_SOUND2CNT_H, 0x8000 | 1024); /* 131072 / 1024 = 128 Hz: 256 frames */
    s = collect(FRAMES_PER_SECOND);
    edges = rising_edges(s, 0, FRAMES_PER_SECOND);
    ck_assert_uint_ge(edges, 127);
    ck_assert_uint_le(edges, 129);
    assert_edge_period(s, 0, FRAMES_PER_SECOND, 256);
    ck_assert(channel_on(1) && !channel_on(0));
    free(s);
}
END_TEST

START_TEST(test_square_duty)
{
    /* n = 1792: 512 Hz, 64 frames a period; 4096 frames are 64 periods. */
    static const unsigned high_eighths[4] = {1, 2, 4, 6};
    for (unsigned duty = 0; duty < 4; duty++) {
        gba_apu_reset(apu);
        psg_on();
        wr16(GBA_REG_SOUND2CNT_L, 0xf000 | duty << 6);
        wr16(GBA_REG_SOUND2CNT_H, 0x8000 | 1792);
        int16_t *s = collect(4096);
        unsigned high = 0;
        for (size_t i = 0; i < 4096; i++)
            high += s[i] > 0;
        ck_assert_msg(high * 8 == 4096 * high_eighths[duty], "duty %u: %u of 4096 high", duty, high);
        free(s);
    }
}
END_TEST

START_TEST(test_envelope_decreases_to_silence)
{
    psg_on();
    wr16(GBA_REG_SOUND2CNT_L, 0xf280); /* volume 15, decreasing, step 2/64 s */
    wr16(GBA_REG_SOUND2CNT_H, 0x8000 | 1792);
    /* 15 steps of 2/64 s = 1024 frames: silent within 15 * 1024 frames, plus
     * up to one 64 Hz tick (512 frames) before the first step. */
    int16_t *s = collect(16384);
    size_t first_at[16];
    for (int v = 0; v < 16; v++)
        first_at[v] = SIZE_MAX;
    for (size_t i = 0; i < 16384; i++) {
        int v = abs(s[i]) / PSG_UNIT;
        ck_assert_int_eq(abs(s[i]) % PSG_UNIT, 0);
        ck_assert_int_le(v, i ? abs(s[i - 1]) / PSG_UNIT : 15); /* never louder */
        if (first_at[v] == SIZE_MAX)
            first_at[v] = i;
    }
    ck_assert_uint_eq(first_at[15], 0);
    ck_assert_uint_gt(first_at[14], 512);
    ck_assert_uint_le(first_at[14], 1024);
    for (int v = 13; v >= 0; v--)
        ck_assert_uint_eq(first_at[v] - first_at[v + 1], 1024);
    ck_assert_uint_le(first_at[0], 15 * 1024);
    for (size_t i = 15 * 1024; i < 16384; i++)
        ck_assert_int_eq(s[i], 0);
    ck_assert(channel_on(1)); /* GBATEK: the flag stays set when the envelope ends */
    free(s);
}
END_TEST

START_TEST(test_length_stops_channel)
{
    psg_on();
    wr16(GBA_REG_SOUND2CNT_L, 0xf080 | 32); /* length (64 - 32) / 256 s = 4096 frames */
    wr16(GBA_REG_SOUND2CNT_H, 0xc000 | 1792);
    /* 32 ticks at 256 Hz (every 128 frames), the first within 128 frames. */
    run_frames(31 * 128);
    ck_assert(channel_on(1));
    int16_t *s = collect(4096 - 31 * 128 + 64);
    ck_assert(!channel_on(1));
    for (size_t i = 128; i < 4096 - 31 * 128 + 64; i++)
        ck_assert_int_eq(s[i], 0);
    free(s);

    /* Without the length flag it keeps playing. */
    gba_apu_reset(apu);
    psg_on();
    wr16(GBA_REG_SOUND2CNT_L, 0xf080 | 32);
    wr16(GBA_REG_SOUND2CNT_H, 0x8000 | 1792);
    run_frames(8192);
    ck_assert(channel_on(1));
}
END_TEST

START_TEST(test_sweep_raises_frequency)
{
    psg_on();
    wr16(GBA_REG_SOUND1CNT_L, 0x0073); /* every 7/128 s, increase by f >> 3 */
    wr16(GBA_REG_SOUND1CNT_H, 0xf080);
    wr16(GBA_REG_SOUND1CNT_X, 0x8000 | 1024);
    /* 7 ticks at 128 Hz (every 256 frames), the first within 256 frames:
     * the first sweep lands in (1536, 1792], then every 1792 frames.
     * f: 1024 (256 frames a period), 1152 (224), 1296, 1458, 1640, 1845;
     * the sixth sweep would give 2075 > 2047 and stops the channel, in
     * (1536 + 5 * 1792, 1792 + 5 * 1792] = (10496, 10752]. */
    int16_t *s = collect(10496);
    ck_assert(channel_on(0));
    assert_edge_period(s, 0, 1536, 256);
    assert_edge_period(s, 1792 + 32, 1536 + 1792, 224); /* 32: the old timer runs out */
    free(s);
    run_frames(10752 - 10496);
    ck_assert(!channel_on(0));
}
END_TEST

/* --- wave channel ---------------------------------------------------------- */

/* Digits 0..15 then 15..0, two to a byte, high nibble first. */
static void write_ramp(uint8_t *bytes)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned d0 = 2 * i < 16 ? 2 * i : 31 - 2 * i;
        unsigned d1 = 2 * i + 1 < 16 ? 2 * i + 1 : 31 - (2 * i + 1);
        bytes[i] = (uint8_t)(d0 << 4 | d1);
    }
}

static unsigned digit_of(const uint8_t *bytes, unsigned k)
{
    return k & 1 ? bytes[k / 2] & 15 : bytes[k / 2] >> 4;
}

/* Whether frames s[0..n) are the digits (played one a frame, starting
 * anywhere in the cycle of `count`) at 100% volume. */
static bool plays_digits(const int16_t *s, size_t n, const unsigned *digits, unsigned count)
{
    for (unsigned start = 0; start < count; start++) {
        size_t i = 0;
        while (i < n && s[i] == (2 * (int)digits[(start + i) % count] - 15) * PSG_UNIT)
            i++;
        if (i == n)
            return true;
    }
    return false;
}

START_TEST(test_wave_plays_written_pattern)
{
    uint8_t ramp[16];
    unsigned digits[32];
    write_ramp(ramp);
    for (unsigned k = 0; k < 32; k++)
        digits[k] = digit_of(ramp, k);
    psg_on();
    wr16(GBA_REG_SOUND3CNT_L, 0x0000); /* bank 0 plays: the CPU writes bank 1 */
    for (unsigned i = 0; i < 16; i++)
        gba_apu_write(apu, GBA_REG_WAVE_RAM + i, ramp[i], 1);
    wr16(GBA_REG_SOUND3CNT_L, 0x00c0); /* play bank 1 */
    ck_assert_uint_eq(gba_apu_read(apu, GBA_REG_WAVE_RAM + 1, 1), 0); /* now the CPU sees bank 0 */
    wr16(GBA_REG_SOUND3CNT_H, 0x2000);  /* 100% */
    wr16(GBA_REG_SOUND3CNT_X, 0x8000 | 1984); /* 2097152 / 64 = 32768 digits/s: one a frame */
    ck_assert(channel_on(2));
    int16_t *s = collect(96);
    ck_assert(plays_digits(s, 96, digits, 32));
    free(s);

    /* 50%: digit 15 swings 15 * 2 / 4 = 7 units (integer). */
    wr16(GBA_REG_SOUND3CNT_H, 0x4000);
    s = collect(32);
    int16_t hi = 0;
    for (size_t i = 0; i < 32; i++)
        hi = s[i] > hi ? s[i] : hi;
    ck_assert_int_eq(hi, 7 * PSG_UNIT);
    free(s);

    /* Stopping playback (bit 7) turns the channel off. */
    wr16(GBA_REG_SOUND3CNT_L, 0x0000);
    ck_assert(!channel_on(2));
    ck_assert_uint_eq(gba_apu_read(apu, GBA_REG_WAVE_RAM + 1, 1), ramp[1]); /* bank 0 selected: CPU on bank 1 */
}
END_TEST

START_TEST(test_wave_two_banks)
{
    uint8_t ramp[16], flat[16];
    unsigned digits[64];
    write_ramp(ramp);
    memset(flat, 0x9c, sizeof flat); /* digits 9, 12 */
    psg_on();
    wr16(GBA_REG_SOUND3CNT_L, 0x0000); /* CPU on bank 1 */
    for (unsigned i = 0; i < 16; i++)
        gba_apu_write(apu, GBA_REG_WAVE_RAM + i, flat[i], 1);
    wr16(GBA_REG_SOUND3CNT_L, 0x0040); /* CPU on bank 0 */
    for (unsigned i = 0; i < 16; i++)
        gba_apu_write(apu, GBA_REG_WAVE_RAM + i, ramp[i], 1);
    for (unsigned k = 0; k < 32; k++) {
        digits[k] = digit_of(ramp, k); /* bank 0 first: it is the selected one */
        digits[32 + k] = digit_of(flat, k);
    }
    wr16(GBA_REG_SOUND3CNT_L, 0x00a0); /* 64 digits, bank 0 selected, playing */
    wr16(GBA_REG_SOUND3CNT_H, 0x2000);
    wr16(GBA_REG_SOUND3CNT_X, 0x8000 | 1984);
    int16_t *s = collect(160);
    ck_assert(plays_digits(s, 160, digits, 64));
    free(s);
}
END_TEST

/* --- noise ---------------------------------------------------------------- */

static bool periodic(const int16_t *s, size_t n, size_t period)
{
    for (size_t i = 0; i + period < n; i++)
        if (s[i] != s[i + period])
            return false;
    return true;
}

static unsigned count_high(const int16_t *s, size_t n)
{
    unsigned high = 0;
    for (size_t i = 0; i < n; i++)
        high += s[i] > 0;
    return high;
}

START_TEST(test_noise_lfsr_periods)
{
    /* r = 1, s = 3: 524288 / 1 / 2^4 = 32768 Hz, one shift a frame. */
    psg_on();
    wr16(GBA_REG_SOUND4CNT_L, 0xf000);
    wr16(GBA_REG_SOUND4CNT_H, 0x8000 | 3 << 4 | 0x08 | 1); /* 7-bit */
    int16_t *s = collect(3 * 127);
    ck_assert(periodic(s, 3 * 127, 127));
    ck_assert(!periodic(s, 3 * 127, 1)); /* 127 is prime: nothing shorter */
    ck_assert_uint_eq(count_high(s, 127), 64); /* an m-sequence: 2^6 ones */
    free(s);

    wr16(GBA_REG_SOUND4CNT_H, 0x8000 | 3 << 4 | 1); /* 15-bit */
    size_t n = 32767 + 2000;
    s = collect(n);
    ck_assert(periodic(s, n, 32767));
    /* 32767 = 7 * 31 * 151: no shorter period divides it. */
    ck_assert(!periodic(s, n, 32767 / 7));
    ck_assert(!periodic(s, n, 32767 / 31));
    ck_assert(!periodic(s, n, 32767 / 151));
    ck_assert_uint_eq(count_high(s, 32767), 16384);
    ck_assert(channel_on(3));
    free(s);
}
END_TEST

/* --- FIFOs ----------------------------------------------------------------- */

static int16_t one_frame(void)
{
    int16_t frame[2];
    gba_apu_run(apu, CYCLES_PER_FRAME);
    ck_assert_uint_eq(gba_apu_take(apu, frame, 1), 1);
    return frame[0];
}

static void push_words(uint32_t fifo, const int8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint32_t word = 0;
        for (size_t b = 0; b < 4; b++)
            word |= (uint32_t)(uint8_t)bytes[i + b] << (8 * b);
        gba_apu_write(apu, fifo, word, 4);
    }
}

START_TEST(test_fifo_plays_in_order)
{
    int8_t bytes[32];
    for (int i = 0; i < 32; i++)
        bytes[i] = (int8_t)(i * 9 - 128); /* -128 .. 151-128 */
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    wr16(GBA_REG_SOUNDCNT_H, 0x4304); /* A: 100%, both sides, timer 0; B (muted, empty) on timer 1 */
    push_words(GBA_REG_FIFO_A, bytes, 32);
    for (unsigned i = 0; i < 32; i++) {
        unsigned left_after = 31 - i;
        ck_assert_uint_eq(gba_apu_timer_overflow(apu, 1), 2); /* only B, which wants data */
        ck_assert_uint_eq(gba_apu_timer_overflow(apu, 0), left_after <= 16 ? 1u : 0u);
        /* 100%: 4 DAC steps per sample step, 64 int16 per DAC step */
        ck_assert_int_eq(one_frame(), bytes[i] * 4 * 64);
    }
    /* Empty: the last sample holds, and the FIFO keeps asking. */
    ck_assert_uint_eq(gba_apu_timer_overflow(apu, 0), 1);
    ck_assert_int_eq(one_frame(), bytes[31] * 4 * 64);

    wr16(GBA_REG_SOUNDCNT_H, 0x4300); /* 50% */
    ck_assert_int_eq(one_frame(), bytes[31] * 2 * 64);
    wr16(GBA_REG_SOUNDCNT_H, 0x4100); /* right only */
    int16_t frame[2];
    gba_apu_run(apu, CYCLES_PER_FRAME);
    ck_assert_uint_eq(gba_apu_take(apu, frame, 1), 1);
    ck_assert_int_eq(frame[0], 0);
    ck_assert_int_eq(frame[1], bytes[31] * 2 * 64);
}
END_TEST

START_TEST(test_fifo_b_on_timer_1)
{
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    wr16(GBA_REG_SOUNDCNT_H, 0x7008); /* B: 100%, both sides, timer 1; A on timer 0, muted */
    wr16(GBA_REG_FIFO_B, 0x2010);     /* 16-bit writes push two bytes each */
    wr16(GBA_REG_FIFO_B + 2, 0x4030);
    ck_assert_uint_eq(gba_apu_timer_overflow(apu, 0), 1); /* A: empty, wants data */
    ck_assert_int_eq(one_frame(), 0);
    ck_assert_uint_eq(gba_apu_timer_overflow(apu, 1), 2);
    ck_assert_int_eq(one_frame(), 0x10 * 4 * 64);
    ck_assert_uint_eq(gba_apu_timer_overflow(apu, 1), 2);
    ck_assert_int_eq(one_frame(), 0x20 * 4 * 64);
    gba_apu_write(apu, GBA_REG_FIFO_B + 1, 0xf0, 1); /* byte writes push one */
    gba_apu_timer_overflow(apu, 1);
    gba_apu_timer_overflow(apu, 1);
    gba_apu_timer_overflow(apu, 1);
    ck_assert_int_eq(one_frame(), -0x10 * 4 * 64);
}
END_TEST

START_TEST(test_fifo_reset)
{
    static const int8_t bytes[8] = {5, 6, 7, 8, 9, 10, 11, 12};
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    wr16(GBA_REG_SOUNDCNT_H, 0x0304);
    push_words(GBA_REG_FIFO_A, bytes, 8);
    gba_apu_timer_overflow(apu, 0);
    ck_assert_int_eq(one_frame(), 5 * 4 * 64);
    wr16(GBA_REG_SOUNDCNT_H, 0x0b04); /* reset A */
    ck_assert_uint_eq(rd16(GBA_REG_SOUNDCNT_H), 0x0304); /* the reset bit is not kept */
    gba_apu_timer_overflow(apu, 0);
    ck_assert_int_eq(one_frame(), 5 * 4 * 64); /* nothing left to play after 5 */
    push_words(GBA_REG_FIFO_A, bytes + 4, 4);
    gba_apu_timer_overflow(apu, 0);
    ck_assert_int_eq(one_frame(), 9 * 4 * 64); /* the new data comes first */
}
END_TEST

START_TEST(test_fifo_overflow_drops_extra_bytes)
{
    int8_t bytes[40];
    for (int i = 0; i < 40; i++)
        bytes[i] = (int8_t)(i + 1);
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    wr16(GBA_REG_SOUNDCNT_H, 0x0304);
    push_words(GBA_REG_FIFO_A, bytes, 40);
    for (int i = 0; i < 32; i++) {
        gba_apu_timer_overflow(apu, 0);
        ck_assert_int_eq(one_frame(), (i + 1) * 4 * 64);
    }
    gba_apu_timer_overflow(apu, 0); /* bytes 33-40 never got in */
    ck_assert_int_eq(one_frame(), 32 * 4 * 64);
}
END_TEST

START_TEST(test_master_off_stops_fifo)
{
    wr16(GBA_REG_SOUNDCNT_H, 0x4304); /* A on timer 0, B on timer 1 */
    gba_apu_write(apu, GBA_REG_FIFO_A, 0x40, 1);
    ck_assert_uint_eq(gba_apu_timer_overflow(apu, 0), 0);
    ck_assert_int_eq(one_frame(), 0);
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    ck_assert_uint_eq(gba_apu_timer_overflow(apu, 0), 1);
    ck_assert_int_eq(one_frame(), 0x40 * 4 * 64);
}
END_TEST

/* --- mixer and ring --------------------------------------------------------- */

START_TEST(test_mix_volumes_bias_and_clipping)
{
    psg_on();
    wr16(GBA_REG_SOUNDCNT_L, 0x4473); /* channel 3 both sides; master left 7 (x8), right 3 (x4) */
    wr16(GBA_REG_SOUNDCNT_H, 0x0000); /* PSG 25% */
    for (unsigned i = 0; i < 16; i++)
        gba_apu_write(apu, GBA_REG_WAVE_RAM + i, 0xff, 1); /* every digit 15 */
    wr16(GBA_REG_SOUND3CNT_L, 0x00c0);
    wr16(GBA_REG_SOUND3CNT_H, 0x2000);
    wr16(GBA_REG_SOUND3CNT_X, 0x8000 | 1984);
    int16_t frame[2];
    gba_apu_run(apu, CYCLES_PER_FRAME);
    ck_assert_uint_eq(gba_apu_take(apu, frame, 1), 1);
    /* left: 15 * 8 / 4 = 30; right: 15 * 4 / 4 = 15, and 0x200 + 15 loses
     * its low bit at the default 9-bit resolution: 14. */
    ck_assert_int_eq(frame[0], 30 * 64);
    ck_assert_int_eq(frame[1], 14 * 64);

    wr16(GBA_REG_SOUNDCNT_H, 0x0001); /* PSG 50% */
    gba_apu_run(apu, CYCLES_PER_FRAME);
    gba_apu_take(apu, frame, 1);
    ck_assert_int_eq(frame[0], 60 * 64);
    ck_assert_int_eq(frame[1], 30 * 64);

    /* 6-bit resolution keeps multiples of 16: 0x200 + 60 -> 0x230. */
    wr16(GBA_REG_SOUNDBIAS, 0xc200);
    gba_apu_run(apu, CYCLES_PER_FRAME);
    gba_apu_take(apu, frame, 1);
    ck_assert_int_eq(frame[0], 48 * 64);

    /* The bias moves the silent level; the sum clips at 0x3ff. */
    gba_apu_reset(apu);
    wr16(GBA_REG_SOUNDBIAS, 0x0100);
    ck_assert_int_eq(one_frame(), (0x100 - 0x200) * 64);
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    wr16(GBA_REG_SOUNDBIAS, 0x03fe);
    wr16(GBA_REG_SOUNDCNT_H, 0x0304);
    gba_apu_write(apu, GBA_REG_FIFO_A, 0x7f, 1);
    gba_apu_timer_overflow(apu, 0);
    ck_assert_int_eq(one_frame(), (0x3fe - 0x200) * 64); /* 0x3ff, low bit dropped */
    wr16(GBA_REG_SOUNDBIAS, 0x0000);
    gba_apu_write(apu, GBA_REG_FIFO_A, 0x80, 1); /* -128 */
    gba_apu_timer_overflow(apu, 0);
    ck_assert_int_eq(one_frame(), -0x200 * 64);
}
END_TEST

START_TEST(test_ring_drops_oldest)
{
    wr16(GBA_REG_SOUNDCNT_X, 0x80);
    wr16(GBA_REG_SOUNDCNT_H, 0x0304);
    gba_apu_write(apu, GBA_REG_FIFO_A, 10, 1);
    gba_apu_timer_overflow(apu, 0);
    gba_apu_run(apu, 8000 * CYCLES_PER_FRAME);
    gba_apu_write(apu, GBA_REG_FIFO_A, 20, 1);
    gba_apu_timer_overflow(apu, 0);
    gba_apu_run(apu, 1000 * CYCLES_PER_FRAME);
    /* 9000 frames made, 8192 kept: the first 808 are gone. */
    int16_t *frames = malloc(2 * 9000 * sizeof *frames);
    ck_assert_ptr_nonnull(frames);
    ck_assert_uint_eq(gba_apu_take(apu, frames, 9000), 8192);
    for (size_t i = 0; i < 8192; i++)
        ck_assert_int_eq(frames[2 * i], (i < 7192 ? 10 : 20) * 4 * 64);
    ck_assert_uint_eq(gba_apu_take(apu, frames, 9000), 0);
    /* Partial takes. */
    gba_apu_run(apu, 5 * CYCLES_PER_FRAME + CYCLES_PER_FRAME / 2);
    ck_assert_uint_eq(gba_apu_take(apu, frames, 3), 3);
    ck_assert_uint_eq(gba_apu_take(apu, frames, 3), 2);
    gba_apu_run(apu, CYCLES_PER_FRAME / 2);
    ck_assert_uint_eq(gba_apu_take(apu, frames, 3), 1);
    free(frames);
}
END_TEST

START_TEST(test_snapshot_table_covers_state)
{
    ck_assert_str_eq(gba_apu_vmstate.name, "gba_apu");
    ck_assert_uint_eq(gba_apu_vmstate.size, sizeof(GbaApu));
    /* Encoding a played state and decoding it into a fresh one continues
     * identically. */
    psg_on();
    wr16(GBA_REG_SOUND4CNT_L, 0xf100);
    wr16(GBA_REG_SOUND4CNT_H, 0x8000 | 0x21);
    run_frames(300);
    VmsBuf buf = {0};
    vms_encode(&gba_apu_vmstate, apu, &buf);
    ck_assert(!buf.failed);
    GbaApu *copy = malloc(sizeof *copy);
    ck_assert_ptr_nonnull(copy);
    gba_apu_reset(copy);
    char err[128];
    ck_assert_msg(vms_decode(&gba_apu_vmstate, gba_apu_vmstate.version, buf.data, buf.len, copy, err, sizeof err),
                  "%s", err);
    vms_buf_free(&buf);
    int16_t *expected = collect(2000);
    GbaApu *original = apu;
    apu = copy;
    int16_t *got = collect(2000);
    apu = original;
    ck_assert_mem_eq(got, expected, 2000 * sizeof *got);
    free(expected);
    free(got);
    free(copy);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gba_apu");
    TCase *tc = tcase_create("gba_apu");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_register_read_masks);
    tcase_add_test(tc, test_master_disable_clears_and_locks);
    tcase_add_test(tc, test_silent_dac_keeps_channel_off);
    tcase_add_test(tc, test_square_frequency);
    tcase_add_test(tc, test_square_duty);
    tcase_add_test(tc, test_envelope_decreases_to_silence);
    tcase_add_test(tc, test_length_stops_channel);
    tcase_add_test(tc, test_sweep_raises_frequency);
    tcase_add_test(tc, test_wave_plays_written_pattern);
    tcase_add_test(tc, test_wave_two_banks);
    tcase_add_test(tc, test_noise_lfsr_periods);
    tcase_add_test(tc, test_fifo_plays_in_order);
    tcase_add_test(tc, test_fifo_b_on_timer_1);
    tcase_add_test(tc, test_fifo_reset);
    tcase_add_test(tc, test_fifo_overflow_drops_extra_bytes);
    tcase_add_test(tc, test_master_off_stops_fifo);
    tcase_add_test(tc, test_mix_volumes_bias_and_clipping);
    tcase_add_test(tc, test_ring_drops_oldest);
    tcase_add_test(tc, test_snapshot_table_covers_state);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
