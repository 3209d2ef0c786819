/*
 * ARM PrimeCell Real Time Clock (PL031), as described by its Technical
 * Reference Manual (ARM DDI 0224).
 *
 * The counter RTCDR counts seconds: epoch_seconds (given at init, e.g. the
 * host's wall-clock time at boot) plus the guest time from the now_ns
 * callback, plus the offset a write to RTCLR establishes (the write makes
 * RTCDR read the written value at that moment; it then keeps counting).
 * The counter runs from reset, like a battery-backed clock that firmware
 * has started: RTCCR reads 1 and writes have no effect, which the TRM
 * allows once the RTC has been enabled.
 *
 * Limitation: nothing is scheduled, so the match interrupt (RTCRIS set
 * when RTCDR equals RTCMR) is evaluated on every register access, and on
 * every pl031_update call.  Each evaluation notices any match passed since
 * the previous one, so the interrupt is never missed, only raised late; a
 * board that wants timely alarms calls pl031_update now and then.
 *
 * Only aligned 32-bit accesses are accepted.
 *
 *   Pl031 rtc;
 *   pl031_init(&rtc, &log, (IrqLine){gic_set_irq, &gic, 32 + VIRT_SPI_RTC},
 *              guest_clock_ns, machine, (uint64_t)time(NULL));
 *   bus_add_mmio(&bus, "pl031", virt_memmap[VIRT_RTC].base,
 *                virt_memmap[VIRT_RTC].size, &pl031_ops, &rtc);
 */
#ifndef SCION_PL031_H
#define SCION_PL031_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/log.h"
#include "devices/bus.h"
#include "devices/irq.h"

typedef struct Pl031 {
    Log *log;
    IrqLine irq;
    uint64_t (*now_ns)(void *opaque);
    void *clock_opaque;
    uint64_t epoch_seconds;
    uint32_t load_offset; /* added to epoch + elapsed seconds, from RTCLR */
    uint32_t mr, lr, imsc, ris;
    uint32_t last_checked; /* RTCDR at the last match evaluation */
    bool irq_level;       /* last level driven on irq */
} Pl031;

void pl031_init(Pl031 *r, Log *log, IrqLine irq, uint64_t (*now_ns)(void *), void *clock_opaque,
                uint64_t epoch_seconds);
/* Evaluates the match interrupt against the current time. */
void pl031_update(Pl031 *r);

extern const MmioOps pl031_ops; /* opaque: Pl031 *; 32-bit accesses */

enum {
    PL031_DR = 0x000,
    PL031_MR = 0x004,
    PL031_LR = 0x008,
    PL031_CR = 0x00c,
    PL031_IMSC = 0x010,
    PL031_RIS = 0x014,
    PL031_MIS = 0x018,
    PL031_ICR = 0x01c,
    PL031_PERIPHID0 = 0xfe0,
    PL031_PCELLID0 = 0xff0,
};

/* The state table for snapshots (snapshot/vmstate.h). */
struct VmsDesc;
extern const struct VmsDesc pl031_vmstate;

#endif
