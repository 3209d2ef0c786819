/*
 * The GBA's four Game Boy sound channels (GBATEK "GBA Sound Channel 1-4"):
 * square with sweep, square, wave and noise, each with length, and the
 * squares and noise with a volume envelope, clocked by the frame
 * sequencer.  Frequencies are in CPU cycles (16.78 MHz, four times the
 * Game Boy's clock).
 */
#include "devices/gba_apu_psg.h"

enum { SQUARE1, SQUARE2, WAVE, NOISE };

/* Frequency/control register of each channel: bits 0-10 frequency (not
 * for noise), 14 length enable, 15 restart. */
static const uint16_t control_reg[4] = {GBA_REG_SOUND1CNT_X, GBA_REG_SOUND2CNT_H, GBA_REG_SOUND3CNT_X,
                                        GBA_REG_SOUND4CNT_H};
/* Length/duty/envelope register (length in bits 0-5, envelope in 8-15);
 * channel 3 has its length in SOUND3CNT_H bits 0-7 instead. */
static const uint16_t envelope_reg[4] = {GBA_REG_SOUND1CNT_H, GBA_REG_SOUND2CNT_L, 0, GBA_REG_SOUND4CNT_L};

#define CONTROL_LENGTH_ENABLE 0x4000u
#define CONTROL_RESTART 0x8000u
#define WAVE_DIMENSION 0x20u /* SOUND3CNT_L: two banks, 64 digits */
#define WAVE_BANK 0x40u
#define WAVE_PLAYBACK 0x80u
#define NOISE_7BIT 0x08u
#define FREQUENCY_MAX 2047u

/* Duty patterns, one bit per step (GBATEK: 12.5, 25, 50, 75% high). */
static const uint8_t duty_pattern[4] = {0x01, 0x81, 0x87, 0x7e};

static uint8_t reg8(const GbaApu *a, uint32_t offset)
{
    return a->regs[offset - GBA_REG_SOUND_FIRST];
}

static uint32_t frequency(const GbaApu *a, unsigned ch)
{
    return gba_apu_reg16(a, control_reg[ch]) & FREQUENCY_MAX;
}

static void set_frequency(GbaApu *a, unsigned ch, uint32_t f)
{
    uint32_t i = control_reg[ch] - GBA_REG_SOUND_FIRST;
    a->regs[i] = (uint8_t)f;
    a->regs[i + 1] = (uint8_t)((a->regs[i + 1] & ~7u) | (f >> 8));
}

/* Envelope byte: bits 0-2 step time, 3 direction (1 = up), 4-7 initial volume. */
static uint8_t envelope(const GbaApu *a, unsigned ch)
{
    return reg8(a, envelope_reg[ch] + 1u);
}

/* Whether the channel's DAC is powered: a square or noise channel whose
 * initial volume and direction are all zero cannot sound. */
static bool dac_on(const GbaApu *a, unsigned ch)
{
    if (ch == WAVE)
        return reg8(a, GBA_REG_SOUND3CNT_L) & WAVE_PLAYBACK;
    return envelope(a, ch) & 0xf8;
}

/* CPU cycles per waveform step; 0 for a noise channel that is not clocked. */
static uint32_t step_cycles(const GbaApu *a, unsigned ch)
{
    if (ch == SQUARE1 || ch == SQUARE2)
        return (2048 - frequency(a, ch)) * 16; /* 8 steps: 131072/(2048-n) Hz */
    if (ch == WAVE)
        return (2048 - frequency(a, ch)) * 8; /* 2097152/(2048-n) digits/s */
    /* 524288 Hz / r / 2^(s+1), r = 0 counting as 0.5; s = 14, 15 prohibited. */
    uint16_t cnt = gba_apu_reg16(a, GBA_REG_SOUND4CNT_H);
    uint32_t ratio = cnt & 7, shift = (cnt >> 4) & 15;
    if (shift >= 14)
        return 0;
    return (ratio ? 32 * ratio : 16) << (shift + 1);
}

static unsigned wave_digits(const GbaApu *a)
{
    return (reg8(a, GBA_REG_SOUND3CNT_L) & WAVE_DIMENSION) ? 64 : 32;
}

/* --- restart --------------------------------------------------------------- */

static void restart_sweep(GbaApu *a)
{
    unsigned time = (reg8(a, GBA_REG_SOUND1CNT_L) >> 4) & 7;
    a->sweep_timer = (uint8_t)(time ? time : 8);
}

static void restart(GbaApu *a, unsigned ch)
{
    GbaPsgChannel *c = &a->ch[ch];
    c->on = dac_on(a, ch);
    if (c->length == 0)
        c->length = ch == WAVE ? 256 : 64;
    c->timer = step_cycles(a, ch);
    if (ch != WAVE) {
        c->volume = envelope(a, ch) >> 4;
        c->env_timer = envelope(a, ch) & 7;
    }
    if (ch == WAVE)
        c->position = 0;
    if (ch == NOISE) {
        c->lfsr = (reg8(a, GBA_REG_SOUND4CNT_H) & NOISE_7BIT) ? 0x40 : 0x4000;
        c->high = false;
    }
    if (ch == SQUARE1)
        restart_sweep(a);
}

/* --- register side effects --------------------------------------------------- */

static void length_written(GbaApu *a, unsigned ch, uint8_t value)
{
    a->ch[ch].length = (uint16_t)(ch == WAVE ? 256 - value : 64 - (value & 63));
}

void gba_psg_register_written(GbaApu *a, uint32_t offset)
{
    uint8_t value = reg8(a, offset);
    for (unsigned ch = 0; ch < 4; ch++) {
        if (offset == control_reg[ch] + 1u && (value & (CONTROL_RESTART >> 8)))
            restart(a, ch);
        if (ch != WAVE && offset == envelope_reg[ch])
            length_written(a, ch, value);
        if (ch != WAVE && offset == envelope_reg[ch] + 1u && !dac_on(a, ch))
            a->ch[ch].on = false;
    }
    if (offset == GBA_REG_SOUND3CNT_H)
        length_written(a, WAVE, value);
    if (offset == GBA_REG_SOUND3CNT_L && !dac_on(a, WAVE))
        a->ch[WAVE].on = false;
}

void gba_psg_power_off(GbaApu *a)
{
    for (unsigned ch = 0; ch < 4; ch++)
        a->ch[ch] = (GbaPsgChannel){0};
    a->sweep_timer = 0;
}

/* --- waveform timers ------------------------------------------------------ */

/* Steps a channel takes in `cycles`, its timer reloading with `period`. */
static uint32_t count_steps(GbaPsgChannel *c, uint32_t period, uint32_t cycles)
{
    if (cycles < c->timer) {
        c->timer -= cycles;
        return 0;
    }
    cycles -= c->timer;
    c->timer = period - cycles % period;
    return 1 + cycles / period;
}

/* GBATEK's noise generator: shift right; a 1 shifted out sounds high and
 * feeds back into bits 13-14 (15-bit) or 5-6 (7-bit). */
static void noise_shift(GbaApu *a)
{
    GbaPsgChannel *c = &a->ch[NOISE];
    bool carry = c->lfsr & 1;
    c->lfsr >>= 1;
    if (carry)
        c->lfsr ^= (reg8(a, GBA_REG_SOUND4CNT_H) & NOISE_7BIT) ? 0x60 : 0x6000;
    c->high = carry;
}

void gba_psg_advance(GbaApu *a, uint32_t cycles)
{
    for (unsigned ch = 0; ch < 4; ch++) {
        GbaPsgChannel *c = &a->ch[ch];
        if (!c->on)
            continue;
        uint32_t period = step_cycles(a, ch);
        if (period == 0)
            continue;
        uint32_t steps = count_steps(c, period, cycles);
        if (ch == WAVE)
            c->position = (uint8_t)((c->position + steps) % wave_digits(a));
        else if (ch == NOISE)
            while (steps--)
                noise_shift(a);
        else
            c->position = (uint8_t)((c->position + steps) & 7);
    }
}

/* --- frame sequencer ------------------------------------------------------- */

static void clock_length(GbaApu *a, unsigned ch)
{
    GbaPsgChannel *c = &a->ch[ch];
    if (!(gba_apu_reg16(a, control_reg[ch]) & CONTROL_LENGTH_ENABLE) || c->length == 0)
        return;
    if (--c->length == 0)
        c->on = false;
}

/* GBATEK: X(t) = X(t-1) +- X(t-1)/2^n every sweep time/128 s; a result
 * above 2047 stops the channel.  Shift 0 changes nothing but still checks. */
static void clock_sweep(GbaApu *a)
{
    uint8_t sweep = reg8(a, GBA_REG_SOUND1CNT_L);
    unsigned time = (sweep >> 4) & 7, shift = sweep & 7;
    if (a->sweep_timer > 1) {
        a->sweep_timer--;
        return;
    }
    a->sweep_timer = (uint8_t)(time ? time : 8);
    if (time == 0 || !a->ch[SQUARE1].on)
        return;
    uint32_t f = frequency(a, SQUARE1), delta = f >> shift;
    uint32_t next = (sweep & 8) ? f - delta : f + delta;
    if (next > FREQUENCY_MAX)
        a->ch[SQUARE1].on = false;
    else if (shift)
        set_frequency(a, SQUARE1, next);
}

static void clock_envelope(GbaApu *a, unsigned ch)
{
    GbaPsgChannel *c = &a->ch[ch];
    uint8_t env = envelope(a, ch);
    unsigned step = env & 7;
    if (!c->on || step == 0)
        return;
    if (c->env_timer > 1) {
        c->env_timer--;
        return;
    }
    c->env_timer = (uint8_t)step;
    if ((env & 8) && c->volume < 15)
        c->volume++;
    else if (!(env & 8) && c->volume > 0)
        c->volume--;
}

/* Steps 0, 2, 4, 6 clock length (256 Hz), 2 and 6 sweep (128 Hz), 7 the
 * envelopes (64 Hz). */
void gba_psg_sequencer_step(GbaApu *a)
{
    unsigned step = a->seq_step;
    if (!(step & 1))
        for (unsigned ch = 0; ch < 4; ch++)
            clock_length(a, ch);
    if (step == 2 || step == 6)
        clock_sweep(a);
    if (step == 7) {
        clock_envelope(a, SQUARE1);
        clock_envelope(a, SQUARE2);
        clock_envelope(a, NOISE);
    }
    a->seq_step = (uint8_t)((step + 1) & 7);
}

/* --- levels ----------------------------------------------------------------- */

/* Digits play high nibble first; with two banks the selected one plays
 * first, then the other. */
static unsigned wave_digit(const GbaApu *a)
{
    unsigned pos = a->ch[WAVE].position & 63;
    unsigned bank = (reg8(a, GBA_REG_SOUND3CNT_L) & WAVE_BANK) ? 1 : 0;
    if (wave_digits(a) == 64)
        bank ^= pos >> 5;
    uint8_t byte = a->wave[bank * 16 + ((pos & 31) >> 1)];
    return (pos & 1) ? byte & 15 : byte >> 4;
}

/* SOUND3CNT_H bits 13-14: mute, 100, 50, 25%; bit 15 forces 75%. */
static int wave_level(const GbaApu *a)
{
    static const int quarters[4] = {0, 4, 2, 1};
    uint16_t cnt = gba_apu_reg16(a, GBA_REG_SOUND3CNT_H);
    int scale = (cnt & 0x8000) ? 3 : quarters[(cnt >> 13) & 3];
    return (2 * (int)wave_digit(a) - 15) * scale / 4;
}

int gba_psg_level(const GbaApu *a, unsigned ch)
{
    const GbaPsgChannel *c = &a->ch[ch];
    if (!c->on)
        return 0;
    if (ch == WAVE)
        return wave_level(a);
    bool high;
    if (ch == NOISE)
        high = c->high;
    else
        high = (duty_pattern[reg8(a, envelope_reg[ch]) >> 6] >> (c->position & 7)) & 1;
    return high ? c->volume : -(int)c->volume;
}
