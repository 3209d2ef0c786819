/* GICv2 Distributor and one CPU interface (ARM IHI 0048B), without the
 * Security and Virtualization Extensions.  See gicv2.h for the
 * implementation-defined choices. */
#include "devices/gicv2.h"
#include "snapshot/vmstate.h"

#include <string.h>

#define PRIORITY_BITS_MASK 0xf8u /* 5 implemented priority bits */
#define MIN_BPR 2u                /* 7 - 5 priority bits */
#define MIN_ABPR 3u
#define IDLE_PRIORITY 0x100u      /* below every real priority; RPR shows 0xff */
#define SGI_MASK 0x0000ffffu      /* IDs 0-15 in word 0 */

/* ICPIDR4-7, ICPIDR0-3, ICCIDR0-3 from 0xfd0.  ICPIDR2[7:4] = 2: GICv2. */
static const uint8_t gic_dist_id[12] = {0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
#define GICD_IIDR_VALUE 0x0000043bu /* implementer ARM (JEP106 0x43b), product 0 */
#define GICC_IIDR_VALUE 0x0002043bu /* architecture version 2, implementer ARM */

static void guest_error(Gic *g, const char *what, uint32_t offset)
{
    if (g->log && log_on(g->log, LOG_GUEST_ERRORS))
        log_printf(g->log, "gic: %s (offset 0x%03x)\n", what, offset);
}

static void unimplemented(Gic *g, const char *what, uint32_t offset)
{
    if (g->log && log_on(g->log, LOG_UNIMP))
        log_printf(g->log, "gic: %s at offset 0x%03x is not implemented\n", what, offset);
}

/* --- per-interrupt state ---------------------------------------------- */

static bool bit_of(const uint32_t *map, unsigned id)
{
    return (map[id / 32] >> (id % 32)) & 1;
}

static void put_bit(uint32_t *map, unsigned id, bool value)
{
    if (value)
        map[id / 32] |= 1u << (id % 32);
    else
        map[id / 32] &= ~(1u << (id % 32));
}

/* The IDs of bitmap word n that exist (1020-1023 never do). */
static uint32_t existing(const Gic *g, unsigned n)
{
    if (n >= g->num_irqs / 32)
        return 0;
    return n == 31 ? 0x0fffffffu : 0xffffffffu;
}

static bool irq_exists(const Gic *g, unsigned id)
{
    return id < GIC_MAX_IRQS && ((existing(g, id / 32) >> (id % 32)) & 1);
}

/* Pending: latched, or a level-sensitive input held high. */
static uint32_t pending_word(const Gic *g, unsigned n)
{
    return g->latched[n] | (g->line[n] & ~g->edge[n]);
}

static unsigned group_of(const Gic *g, unsigned id)
{
    return bit_of(g->group, id);
}

/* --- priorities ------------------------------------------------------- */

/* The bits of a priority that form its group priority (for preemption):
 * bits [7:BPR+1] for Group 0 (and Group 1 when CBPR), [7:ABPR] for Group 1. */
static uint32_t group_priority_mask(const Gic *g, unsigned group)
{
    unsigned low_bit = (group == 0 || (g->cpu_ctlr & GICC_CTLR_CBPR)) ? g->bpr + 1 : g->abpr;
    return (0xffu << low_bit) & PRIORITY_BITS_MASK;
}

static uint32_t group_priority(const Gic *g, unsigned id)
{
    return g->priority[id] & group_priority_mask(g, group_of(g, id));
}

/* The group priority of the highest priority active level, or idle. */
static uint32_t running_priority(const Gic *g)
{
    uint32_t levels = g->apr[0] | g->apr[1];
    if (!levels)
        return IDLE_PRIORITY;
    return (uint32_t)__builtin_ctz(levels) << 3;
}

/* --- selecting and signalling ----------------------------------------- */

/* Pending, enabled, not active, in a group enabled in both GICD_CTLR and
 * GICC_CTLR: the interrupts of word n the Distributor may forward. */
static uint32_t forwardable_word(const Gic *g, unsigned n)
{
    uint32_t groups = 0;
    uint32_t both = g->dist_ctlr & g->cpu_ctlr;
    if (both & GICC_CTLR_ENABLE_GRP0)
        groups |= ~g->group[n];
    if (both & GICC_CTLR_ENABLE_GRP1)
        groups |= g->group[n];
    return pending_word(g, n) & g->enabled[n] & ~g->active[n] & groups & existing(g, n);
}

/* The highest priority forwardable interrupt (lowest ID on ties), or
 * GIC_SPURIOUS. */
static unsigned highest_pending(const Gic *g)
{
    unsigned best = GIC_SPURIOUS;
    for (unsigned n = 0; n < g->num_irqs / 32; n++) {
        uint32_t w = forwardable_word(g, n);
        while (w) {
            unsigned id = n * 32 + (unsigned)__builtin_ctz(w);
            w &= w - 1;
            if (id >= 32 && !(g->target[id] & 1))
                continue; /* an SPI not targeted at CPU 0 */
            if (best == GIC_SPURIOUS || g->priority[id] < g->priority[best])
                best = id;
        }
    }
    return best;
}

/* Whether the CPU interface may signal id: priority above the mask and
 * group priority above the running priority. */
static bool has_sufficient_priority(const Gic *g, unsigned id)
{
    return g->priority[id] < g->pmr && group_priority(g, id) < running_priority(g);
}

static void drive(const IrqLine *line, bool *current, bool level)
{
    if (*current != level) {
        *current = level;
        irq_set(line, level);
    }
}

static void update_outputs(Gic *g)
{
    bool irq = false, fiq = false;
    unsigned id = highest_pending(g);
    if (id != GIC_SPURIOUS && has_sufficient_priority(g, id)) {
        if (group_of(g, id) == 0 && (g->cpu_ctlr & GICC_CTLR_FIQEN))
            fiq = true;
        else
            irq = true;
    }
    drive(&g->cpu_irq, &g->irq_out, irq);
    drive(&g->cpu_fiq, &g->fiq_out, fiq);
}

void gic_set_irq(void *gic, unsigned intid, bool level)
{
    Gic *g = gic;
    if (intid < 16 || !irq_exists(g, intid) || bit_of(g->line, intid) == level)
        return; /* SGIs have no wire; unknown IDs are a board wiring slip */
    put_bit(g->line, intid, level);
    if (level && bit_of(g->edge, intid))
        put_bit(g->latched, intid, true);
    update_outputs(g);
}

/* --- CPU interface: acknowledge, end of interrupt --------------------- */

/* GICC_IAR (alias: GICC_AIAR, Group 1 only).  SGIs report source CPU 0 in
 * bits [12:10], i.e. the ID alone. */
static uint32_t acknowledge(Gic *g, bool alias)
{
    unsigned id = highest_pending(g);
    if (id == GIC_SPURIOUS || !has_sufficient_priority(g, id))
        return GIC_SPURIOUS;
    unsigned group = group_of(g, id);
    if (alias && group == 0)
        return GIC_SPURIOUS;
    if (!alias && group == 1 && !(g->cpu_ctlr & GICC_CTLR_ACKCTL))
        return GIC_GROUP1_PENDING;
    /* Pending -> active; a level input still high keeps it active and
     * pending. */
    put_bit(g->latched, id, false);
    put_bit(g->active, id, true);
    g->apr[group] |= 1u << (group_priority(g, id) >> 3);
    update_outputs(g);
    return id;
}

static uint32_t highest_pending_id(const Gic *g, bool alias)
{
    unsigned id = highest_pending(g);
    if (id == GIC_SPURIOUS)
        return id;
    unsigned group = group_of(g, id);
    if (alias)
        return group == 1 ? id : GIC_SPURIOUS;
    return group == 1 && !(g->cpu_ctlr & GICC_CTLR_ACKCTL) ? GIC_GROUP1_PENDING : id;
}

/* Priority drop: the highest active priority level is no longer running. */
static void drop_priority(Gic *g, unsigned group, uint32_t offset)
{
    uint32_t levels = g->apr[0] | g->apr[1];
    if (!levels) {
        guest_error(g, "end of interrupt with no active priority", offset);
        return;
    }
    uint32_t highest = levels & -levels;
    if (g->apr[group] & highest)
        g->apr[group] &= ~highest;
    else
        g->apr[!group] &= ~highest;
}

/* The ID of an EOIR/DIR value if it names an active interrupt this
 * interface may complete, else GIC_SPURIOUS. */
static unsigned completed_id(Gic *g, uint32_t value, uint32_t offset)
{
    unsigned id = value & 0x3ff;
    if (id >= 1020)
        return GIC_SPURIOUS; /* writes of the special IDs are ignored */
    if (!irq_exists(g, id) || !bit_of(g->active, id)) {
        guest_error(g, "completion of an interrupt that is not active", offset);
        return GIC_SPURIOUS;
    }
    if (id < 16 && ((value >> 10) & 7) != 0) {
        guest_error(g, "completion of an SGI from a CPU that does not exist", offset);
        return GIC_SPURIOUS;
    }
    return id;
}

static void end_of_interrupt(Gic *g, uint32_t value, bool alias, uint32_t offset)
{
    unsigned id = completed_id(g, value, offset);
    if (id == GIC_SPURIOUS)
        return;
    unsigned group = group_of(g, id);
    if (alias && group == 0) {
        guest_error(g, "AEOIR names a Group 0 interrupt", offset);
        return;
    }
    drop_priority(g, group, offset);
    uint32_t split = group == 0 ? GICC_CTLR_EOIMODE_S : GICC_CTLR_EOIMODE_NS;
    if (!(g->cpu_ctlr & split))
        put_bit(g->active, id, false);
    update_outputs(g);
}

static void deactivate(Gic *g, uint32_t value)
{
    unsigned id = completed_id(g, value, GICC_DIR);
    if (id == GIC_SPURIOUS)
        return;
    put_bit(g->active, id, false);
    update_outputs(g);
}

/* --- CPU interface registers ------------------------------------------ */

static uint64_t gic_cpu_read(void *opaque, uint32_t offset, unsigned size)
{
    Gic *g = opaque;
    (void)size;
    switch (offset) {
    case GICC_CTLR: return g->cpu_ctlr;
    case GICC_PMR: return g->pmr;
    case GICC_BPR: return g->bpr;
    case GICC_IAR: return acknowledge(g, false);
    case GICC_RPR: {
        uint32_t running = running_priority(g);
        return running == IDLE_PRIORITY ? 0xff : running;
    }
    case GICC_HPPIR: return highest_pending_id(g, false);
    case GICC_ABPR: return g->abpr;
    case GICC_AIAR: return acknowledge(g, true);
    case GICC_AHPPIR: return highest_pending_id(g, true);
    case GICC_APR0: return g->apr[0];
    case GICC_NSAPR0: return g->apr[1];
    case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
    case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
        return 0; /* 32 priority levels fit in APR0/NSAPR0 */
    case GICC_IIDR: return GICC_IIDR_VALUE;
    case GICC_EOIR: case GICC_AEOIR: case GICC_DIR:
        guest_error(g, "read of a write-only CPU interface register", offset);
        return 0;
    }
    guest_error(g, "read of a reserved CPU interface register", offset);
    return 0;
}

static void gic_cpu_write(void *opaque, uint32_t offset, uint64_t value, unsigned size)
{
    Gic *g = opaque;
    uint32_t v = (uint32_t)value;
    (void)size;
    switch (offset) {
    case GICC_CTLR: g->cpu_ctlr = v & 0x7ff; break;
    case GICC_PMR: g->pmr = v & PRIORITY_BITS_MASK; break;
    /* A binary point below the minimum is set to the minimum. */
    case GICC_BPR: g->bpr = (v & 7) < MIN_BPR ? MIN_BPR : (v & 7); break;
    case GICC_ABPR: g->abpr = (v & 7) < MIN_ABPR ? MIN_ABPR : (v & 7); break;
    case GICC_EOIR: end_of_interrupt(g, v, false, offset); return;
    case GICC_AEOIR: end_of_interrupt(g, v, true, offset); return;
    case GICC_DIR: deactivate(g, v); return;
    /* Restoring saved active priorities (power management). */
    case GICC_APR0: g->apr[0] = v; break;
    case GICC_NSAPR0: g->apr[1] = v; break;
    case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
    case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
        return;
    default:
        guest_error(g, "write to a read-only or reserved CPU interface register", offset);
        return;
    }
    update_outputs(g);
}

const MmioOps gic_cpu_ops = {gic_cpu_read, gic_cpu_write, 4, 4};

/* --- Distributor: byte-accessible registers --------------------------- */

static bool byte_accessible(uint32_t offset)
{
    return (offset >= GICD_IPRIORITYR && offset < GICD_ICFGR) ||
           (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + 16);
}

static uint8_t dist_read_byte(const Gic *g, uint32_t offset)
{
    if (offset < GICD_ITARGETSR) {
        unsigned id = offset - GICD_IPRIORITYR;
        return irq_exists(g, id) ? g->priority[id] : 0;
    }
    if (offset < GICD_ICFGR) {
        unsigned id = offset - GICD_ITARGETSR;
        if (id < 32)
            return 0x01; /* private interrupts: the reading CPU, CPU 0 */
        return irq_exists(g, id) ? g->target[id] : 0;
    }
    unsigned sgi = (offset - GICD_CPENDSGIR) % 16;
    return bit_of(g->latched, sgi); /* bit 0: pending from CPU 0 */
}

static void dist_write_byte(Gic *g, uint32_t offset, uint8_t value)
{
    if (offset < GICD_ITARGETSR) {
        unsigned id = offset - GICD_IPRIORITYR;
        if (irq_exists(g, id))
            g->priority[id] = value & PRIORITY_BITS_MASK;
    } else if (offset < GICD_ICFGR) {
        unsigned id = offset - GICD_ITARGETSR;
        if (id >= 32 && irq_exists(g, id))
            g->target[id] = value & 0x01; /* only CPU 0 exists */
    } else {
        unsigned sgi = (offset - GICD_CPENDSGIR) % 16;
        if (value & 1)
            put_bit(g->latched, sgi, offset >= GICD_SPENDSGIR);
    }
}

/* --- Distributor: word registers -------------------------------------- */

/* Which bitmap a 0x080-0x3fc register offset names. */
static uint32_t *bitmap_for(Gic *g, uint32_t offset)
{
    switch (offset & ~0x7fu) {
    case GICD_IGROUPR: return g->group;
    case GICD_ISENABLER: case GICD_ICENABLER: return g->enabled;
    case GICD_ISPENDR: case GICD_ICPENDR: return g->latched;
    default: return g->active;
    }
}

static uint32_t read_icfgr(const Gic *g, unsigned n)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < 16; k++) {
        unsigned id = n * 16 + k;
        if (irq_exists(g, id) && bit_of(g->edge, id))
            value |= 2u << (2 * k);
    }
    return value;
}

static uint32_t dist_read_word(Gic *g, uint32_t offset)
{
    if (offset >= GICD_IGROUPR && offset < GICD_IPRIORITYR) {
        unsigned n = (offset & 0x7f) / 4;
        if ((offset & ~0x7fu) == GICD_ISPENDR || (offset & ~0x7fu) == GICD_ICPENDR)
            return pending_word(g, n) & existing(g, n);
        return bitmap_for(g, offset)[n] & existing(g, n);
    }
    if (offset >= GICD_ICFGR && offset < GICD_ICFGR + 0x100)
        return read_icfgr(g, (offset - GICD_ICFGR) / 4);
    if (offset >= GICD_PIDR4 && offset < 0x1000)
        return gic_dist_id[(offset - GICD_PIDR4) / 4];
    switch (offset) {
    case GICD_CTLR: return g->dist_ctlr;
    case GICD_TYPER: return g->num_irqs / 32 - 1; /* CPUNumber 0, no SecurityExtn */
    case GICD_IIDR: return GICD_IIDR_VALUE;
    case GICD_SGIR:
        guest_error(g, "read of write-only GICD_SGIR", offset);
        return 0;
    }
    if (offset >= 0xd00 && offset < 0xe00)
        unimplemented(g, "implementation-defined distributor register", offset);
    else if (offset < 0xe00 || offset >= 0xf00) /* 0xe00-0xefc: NSACR, RAZ/WI without Security Extensions */
        guest_error(g, "read of a reserved distributor register", offset);
    return 0;
}

/* Set/clear-enable, -pending, -active and group registers. */
static void write_bitmap_register(Gic *g, uint32_t offset, uint32_t value)
{
    unsigned n = (offset & 0x7f) / 4;
    uint32_t kind = offset & ~0x7fu;
    uint32_t bits = value & existing(g, n);
    if (n == 0 && kind >= GICD_ISENABLER && kind <= GICD_ICPENDR)
        bits &= ~SGI_MASK; /* SGIs: always enabled, pending set via SGI registers */
    uint32_t *map = bitmap_for(g, offset);
    switch (kind) {
    case GICD_IGROUPR: map[n] = bits; break;
    case GICD_ISENABLER: case GICD_ISPENDR: case GICD_ISACTIVER: map[n] |= bits; break;
    default: map[n] &= ~bits; break;
    }
}

static void write_icfgr(Gic *g, unsigned n, uint32_t value)
{
    if (n < 2)
        return; /* SGIs always edge, PPIs fixed level-sensitive */
    for (unsigned k = 0; k < 16; k++) {
        unsigned id = n * 16 + k;
        if (irq_exists(g, id))
            put_bit(g->edge, id, (value >> (2 * k + 1)) & 1);
    }
}

static void write_sgir(Gic *g, uint32_t value)
{
    unsigned sgi = value & 0xf;
    unsigned target_list = (value >> 16) & 0xff;
    switch ((value >> 24) & 3) {
    case 0: /* the CPUs in the target list */
        if (target_list & 1)
            put_bit(g->latched, sgi, true);
        break;
    case 1: /* all other CPUs: there are none */
        break;
    case 2: /* the requesting CPU */
        put_bit(g->latched, sgi, true);
        break;
    default:
        guest_error(g, "GICD_SGIR with the reserved target list filter", GICD_SGIR);
        break;
    }
}

static void dist_write_word(Gic *g, uint32_t offset, uint32_t value)
{
    if (offset >= GICD_IGROUPR && offset < GICD_IPRIORITYR)
        write_bitmap_register(g, offset, value);
    else if (offset >= GICD_ICFGR && offset < GICD_ICFGR + 0x100)
        write_icfgr(g, (offset - GICD_ICFGR) / 4, value);
    else if (offset == GICD_CTLR)
        g->dist_ctlr = value & 3;
    else if (offset == GICD_SGIR)
        write_sgir(g, value);
    else if (offset >= 0xd00 && offset < 0xe00)
        unimplemented(g, "implementation-defined distributor register", offset);
    else if (offset < 0xe00 || offset >= 0xf00) /* 0xe00-0xefc: NSACR, RAZ/WI */
        guest_error(g, "write to a read-only or reserved distributor register", offset);
}

static uint64_t gic_dist_read(void *opaque, uint32_t offset, unsigned size)
{
    Gic *g = opaque;
    if (byte_accessible(offset) && byte_accessible(offset + size - 1)) {
        uint32_t value = 0;
        for (unsigned i = 0; i < size; i++)
            value |= (uint32_t)dist_read_byte(g, offset + i) << (8 * i);
        return value;
    }
    if (size != 4 || (offset & 3)) {
        guest_error(g, "distributor register read that is not an aligned word", offset);
        return 0;
    }
    return dist_read_word(g, offset);
}

static void gic_dist_write(void *opaque, uint32_t offset, uint64_t value, unsigned size)
{
    Gic *g = opaque;
    if (byte_accessible(offset) && byte_accessible(offset + size - 1)) {
        for (unsigned i = 0; i < size; i++)
            dist_write_byte(g, offset + i, (uint8_t)(value >> (8 * i)));
    } else if (size != 4 || (offset & 3)) {
        guest_error(g, "distributor register write that is not an aligned word", offset);
        return;
    } else {
        dist_write_word(g, offset, (uint32_t)value);
    }
    update_outputs(g);
}

const MmioOps gic_dist_ops = {gic_dist_read, gic_dist_write, 1, 4};

void gic_init(Gic *g, Log *log, unsigned num_irqs, IrqLine cpu_irq, IrqLine cpu_fiq)
{
    memset(g, 0, sizeof *g);
    g->log = log;
    g->cpu_irq = cpu_irq;
    g->cpu_fiq = cpu_fiq;
    num_irqs = (num_irqs + 31) / 32 * 32;
    g->num_irqs = num_irqs < 32 ? 32 : num_irqs > GIC_MAX_IRQS ? GIC_MAX_IRQS : num_irqs;
    g->enabled[0] = SGI_MASK;
    g->edge[0] = SGI_MASK;
    memset(g->target, 0x01, sizeof g->target);
    g->bpr = MIN_BPR;
    g->abpr = MIN_ABPR;
}

/* --- snapshot state ----------------------------------------------------- */

static bool gic_state_check(const void *staged, char *err, size_t errlen)
{
    const Gic *g = staged;
    for (unsigned i = 0; i < GIC_MAX_IRQS; i++)
        if (g->priority[i] & 7) {
            snprintf(err, errlen, "section gic: priority of interrupt %u has unimplemented low bits", i);
            return false;
        }
    if (g->pmr & 7) {
        snprintf(err, errlen, "section gic: the PMR holds unimplemented bits");
        return false;
    }
    return true;
}

static const VmsField gic_fields[] = {
    VMS_MAX(Gic, dist_ctlr, 3), VMS(Gic, group), VMS(Gic, enabled), VMS(Gic, latched), VMS(Gic, line),
    VMS(Gic, active), VMS(Gic, edge), VMS(Gic, priority), VMS(Gic, target), VMS_MAX(Gic, cpu_ctlr, 0x7ff),
    VMS_MAX(Gic, pmr, 0xff), VMS_MAX(Gic, bpr, 7), VMS_MAX(Gic, abpr, 7), VMS(Gic, apr), VMS(Gic, irq_out),
    VMS(Gic, fiq_out),
};
const VmsDesc gic_vmstate = VMS_DESC("gic", 1, Gic, gic_fields, gic_state_check);
