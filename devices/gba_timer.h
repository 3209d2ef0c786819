/*
 * The GBA's four 16-bit timers (GBATEK "GBA Timers"): prescalers of 1, 64,
 * 256 and 1024 CPU cycles, count-up (cascade) from the previous timer,
 * reload on overflow, and an interrupt request per overflow.  Timers 0 and
 * 1 also clock the sound FIFOs.  The board advances them by CPU cycles
 * between guest blocks and asks when the next overflow falls due.
 */
#ifndef SCION_GBA_TIMER_H
#define SCION_GBA_TIMER_H

#include <stdbool.h>
#include <stdint.h>

enum {
    GBA_TIMER_PRESCALER = 3u << 0,
    GBA_TIMER_CASCADE = 1u << 2,
    GBA_TIMER_IRQ = 1u << 6,
    GBA_TIMER_START = 1u << 7,
};

typedef struct GbaTimers {
    uint16_t reload[4], counter[4], control[4];
    uint32_t phase[4]; /* CPU cycles towards the next tick of the prescaler */
} GbaTimers;

/* Called for each overflow of timer n, in order. */
typedef void (*GbaTimerOverflowFn)(void *opaque, unsigned n);

void gba_timers_reset(GbaTimers *t);
/* TMnCNT_L and TMnCNT_H as the CPU sees them. */
uint16_t gba_timer_read_counter(const GbaTimers *t, unsigned n);
void gba_timer_write_reload(GbaTimers *t, unsigned n, uint16_t value);
void gba_timer_write_control(GbaTimers *t, unsigned n, uint16_t value);
/* Advance every running timer by cycles CPU cycles. */
void gba_timers_advance(GbaTimers *t, uint32_t cycles, GbaTimerOverflowFn overflow, void *opaque);
/* CPU cycles until the next overflow of a free-running timer, or UINT32_MAX. */
uint32_t gba_timers_next_overflow(const GbaTimers *t);

extern const struct VmsDesc gba_timers_vmstate;

#endif
