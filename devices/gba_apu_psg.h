/*
 * The APU's four Game Boy channels, as seen by the rest of the APU
 * (devices/gba_apu.c): register side effects, time, the 512 Hz frame
 * sequencer and each channel's present level.  Internal to the APU.
 */
#ifndef SCION_GBA_APU_PSG_H
#define SCION_GBA_APU_PSG_H

#include "devices/gba_apu.h"

/* The 16-bit register at `offset` (from GBA_IO_BASE), as last written. */
static inline uint16_t gba_apu_reg16(const GbaApu *a, uint32_t offset)
{
    uint32_t i = offset - GBA_REG_SOUND_FIRST;
    return (uint16_t)(a->regs[i] | a->regs[i + 1] << 8);
}

/* The byte at `offset` in 0x60..0x7f has just been stored into regs. */
void gba_psg_register_written(GbaApu *a, uint32_t offset);
/* The master enable went off: every channel stops. */
void gba_psg_power_off(GbaApu *a);
/* Runs the channels' waveform timers for `cycles` CPU cycles. */
void gba_psg_advance(GbaApu *a, uint32_t cycles);
/* One 512 Hz frame sequencer step: length, sweep, envelope clocks. */
void gba_psg_sequencer_step(GbaApu *a);
/* Channel ch's level now, -15..15 (0 when off). */
int gba_psg_level(const GbaApu *a, unsigned ch);

#endif
