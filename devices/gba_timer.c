/* The GBA timers: prescaled counting, cascade, reload, overflow callbacks. */
#include "devices/gba_timer.h"

#include <stdio.h>
#include <string.h>

#include "snapshot/vmstate.h"

static const unsigned prescaler_shift[4] = {0, 6, 8, 10};

void gba_timers_reset(GbaTimers *t)
{
    memset(t, 0, sizeof *t);
}

static bool running(const GbaTimers *t, unsigned n)
{
    return t->control[n] & GBA_TIMER_START;
}

static bool cascaded(const GbaTimers *t, unsigned n)
{
    return n > 0 && (t->control[n] & GBA_TIMER_CASCADE); /* timer 0 has no predecessor */
}

uint16_t gba_timer_read_counter(const GbaTimers *t, unsigned n)
{
    return t->counter[n];
}

void gba_timer_write_reload(GbaTimers *t, unsigned n, uint16_t value)
{
    t->reload[n] = value;
}

/* Starting a timer loads the reload value (GBATEK: 0 -> 1 of the start bit). */
void gba_timer_write_control(GbaTimers *t, unsigned n, uint16_t value)
{
    bool was_running = running(t, n);
    t->control[n] = value & 0xc7;
    if (!was_running && running(t, n)) {
        t->counter[n] = t->reload[n];
        t->phase[n] = 0;
    }
}

static void add_ticks(GbaTimers *t, unsigned n, uint64_t ticks, GbaTimerOverflowFn overflow, void *opaque);

/* An overflow of timer n: reload, report, and clock a cascaded successor. */
static void overflowed(GbaTimers *t, unsigned n, GbaTimerOverflowFn overflow, void *opaque)
{
    t->counter[n] = t->reload[n];
    overflow(opaque, n);
    if (n < 3 && running(t, n + 1) && cascaded(t, n + 1))
        add_ticks(t, n + 1, 1, overflow, opaque);
}

static void add_ticks(GbaTimers *t, unsigned n, uint64_t ticks, GbaTimerOverflowFn overflow, void *opaque)
{
    while (ticks) {
        uint32_t room = 0x10000u - t->counter[n];
        if (ticks < room) {
            t->counter[n] = (uint16_t)(t->counter[n] + ticks);
            return;
        }
        ticks -= room;
        overflowed(t, n, overflow, opaque);
    }
}

void gba_timers_advance(GbaTimers *t, uint32_t cycles, GbaTimerOverflowFn overflow, void *opaque)
{
    for (unsigned n = 0; n < 4; n++) {
        if (!running(t, n) || cascaded(t, n))
            continue;
        unsigned shift = prescaler_shift[t->control[n] & GBA_TIMER_PRESCALER];
        uint64_t total = (uint64_t)t->phase[n] + cycles;
        t->phase[n] = (uint32_t)(total & ((1u << shift) - 1));
        add_ticks(t, n, total >> shift, overflow, opaque);
    }
}

uint32_t gba_timers_next_overflow(const GbaTimers *t)
{
    uint32_t next = UINT32_MAX;
    for (unsigned n = 0; n < 4; n++) {
        if (!running(t, n) || cascaded(t, n))
            continue;
        unsigned shift = prescaler_shift[t->control[n] & GBA_TIMER_PRESCALER];
        uint64_t cycles = ((uint64_t)(0x10000u - t->counter[n]) << shift) - t->phase[n];
        if (cycles < next)
            next = (uint32_t)cycles;
    }
    return next;
}

static bool timers_check(const void *state, char *err, size_t errlen)
{
    const GbaTimers *t = state;
    for (unsigned n = 0; n < 4; n++)
        if (t->phase[n] >= 1024u) {
            snprintf(err, errlen, "timer %u prescaler phase %u out of range", n, t->phase[n]);
            return false;
        }
    return true;
}

static const VmsField timers_fields[] = {
    VMS(GbaTimers, reload),
    VMS(GbaTimers, counter),
    VMS(GbaTimers, control),
    VMS(GbaTimers, phase),
};
const VmsDesc gba_timers_vmstate = VMS_DESC("gba-timers", 1, GbaTimers, timers_fields, timers_check);
