/* ARM PrimeCell RTC (PL031): a seconds counter with a match interrupt.
 * See pl031.h for the time base and the limits of the match interrupt. */
#include "devices/pl031.h"
#include "snapshot/vmstate.h"

#include <string.h>

/* RTCPeriphID0-3 and RTCPCellID0-3 (TRM): part 0x031, designer ARM. */
static const uint8_t pl031_id[8] = {0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void guest_error(Pl031 *r, const char *what, uint32_t offset)
{
    if (r->log && log_on(r->log, LOG_GUEST_ERRORS))
        log_printf(r->log, "pl031: %s at offset 0x%03x\n", what, offset);
}

/* Seconds since the epoch by the clock alone, truncated to the counter's
 * 32 bits (the counter wraps). */
static uint32_t clock_seconds(const Pl031 *r)
{
    uint64_t now = r->now_ns ? r->now_ns(r->clock_opaque) : 0;
    return (uint32_t)(r->epoch_seconds + now / 1000000000u);
}

static uint32_t counter(const Pl031 *r)
{
    return clock_seconds(r) + r->load_offset;
}

static void update_irq(Pl031 *r)
{
    bool level = (r->ris & r->imsc & 1) != 0;
    if (level != r->irq_level) {
        r->irq_level = level;
        irq_set(&r->irq, level);
    }
}

/* Raises RIS if the counter has been equal to MR at some second in
 * (last_checked, now]: the comparison the hardware makes every second. */
static void check_match(Pl031 *r)
{
    uint32_t now = counter(r);
    uint32_t passed = now - r->last_checked;
    if (passed && r->mr - r->last_checked - 1 < passed)
        r->ris |= 1;
    r->last_checked = now;
    update_irq(r);
}

void pl031_update(Pl031 *r)
{
    check_match(r);
}

/* Makes the next check look at the current second itself, for when the
 * counter jumps or MR changes and the comparator sees a new pair. */
static void recheck_current_second(Pl031 *r)
{
    r->last_checked = counter(r) - 1;
    check_match(r);
}

static uint64_t pl031_read(void *opaque, uint32_t offset, unsigned size)
{
    Pl031 *r = opaque;
    (void)size;
    check_match(r);
    switch (offset) {
    case PL031_DR: return counter(r);
    case PL031_MR: return r->mr;
    case PL031_LR: return r->lr;
    case PL031_CR: return 1;
    case PL031_IMSC: return r->imsc;
    case PL031_RIS: return r->ris;
    case PL031_MIS: return r->ris & r->imsc;
    case PL031_ICR:
        guest_error(r, "read of write-only ICR", offset);
        return 0;
    }
    if (offset >= PL031_PERIPHID0 && offset <= 0xffc && !(offset & 3))
        return pl031_id[(offset - PL031_PERIPHID0) / 4];
    guest_error(r, "read of reserved register", offset);
    return 0;
}

static void pl031_write(void *opaque, uint32_t offset, uint64_t value, unsigned size)
{
    Pl031 *r = opaque;
    uint32_t v = (uint32_t)value;
    (void)size;
    check_match(r);
    switch (offset) {
    case PL031_MR:
        r->mr = v;
        recheck_current_second(r);
        return;
    case PL031_LR:
        r->lr = v;
        r->load_offset = v - clock_seconds(r);
        recheck_current_second(r);
        return;
    case PL031_CR:
        return; /* RTCStart: already started, later writes have no effect */
    case PL031_IMSC:
        r->imsc = v & 1;
        update_irq(r);
        return;
    case PL031_ICR:
        r->ris &= ~(v & 1);
        update_irq(r);
        return;
    }
    guest_error(r, "write to read-only or reserved register", offset);
}

const MmioOps pl031_ops = {pl031_read, pl031_write, 4, 4};

void pl031_init(Pl031 *r, Log *log, IrqLine irq, uint64_t (*now_ns)(void *), void *clock_opaque,
                uint64_t epoch_seconds)
{
    memset(r, 0, sizeof *r);
    r->log = log;
    r->irq = irq;
    r->now_ns = now_ns;
    r->clock_opaque = clock_opaque;
    r->epoch_seconds = epoch_seconds;
    r->last_checked = counter(r);
}

/* --- snapshot state ----------------------------------------------------- */

static const VmsField pl031_fields[] = {
    VMS(Pl031, epoch_seconds), VMS(Pl031, load_offset), VMS(Pl031, mr), VMS(Pl031, lr),
    VMS_MAX(Pl031, imsc, 1), VMS_MAX(Pl031, ris, 1), VMS(Pl031, last_checked), VMS(Pl031, irq_level),
};
const VmsDesc pl031_vmstate = VMS_DESC("pl031", 1, Pl031, pl031_fields, NULL);
