/*
 * ARM Generic Interrupt Controller, architecture version 2 (ARM IHI 0048B):
 * a Distributor and one CPU interface, without the Security Extensions
 * and without the Virtualization Extensions.
 *
 * Implementation choices the architecture leaves open (GIC-400-like):
 *  - 5 priority bits (32 levels): IPRIORITYR and PMR bits [2:0] are RAZ/WI;
 *    the minimum binary points are 2 (GICC_BPR) and 3 (GICC_ABPR), which
 *    are also their reset values.  GICC_APR0 holds one bit per active
 *    Group 0 priority level (priority >> 3), GICC_NSAPR0 the same for
 *    Group 1; APR1-3 and NSAPR1-3 are RAZ/WI.
 *  - SGIs are permanently enabled (ISENABLER0[15:0] read as one, writes
 *    ignored) and edge-triggered; PPIs are fixed level-sensitive
 *    (ICFGR1 reads 0, writes ignored: the timers' PPIs are level).
 *    SPIs are programmable, level-sensitive at reset.
 *  - ITARGETSR0-7 (SGIs, PPIs) read 0x01 (CPU 0) in every byte; SPI target
 *    bytes keep only bit 0 (no other CPU exists) and reset to 0x01.  An SPI
 *    whose target byte is 0 is never forwarded.
 *  - ISPENDR0/ICPENDR0 bits of SGIs are read-only (use SPENDSGIR,
 *    CPENDSGIR or SGIR); only source CPU 0 exists, so SGI pending bytes
 *    have bit 0 only and the IAR's CPUID field is always 0.
 *  - Priority ties go to the lowest interrupt ID.
 *  - The ICFGR bit [2F] (reserved in v2) is RAZ/WI.
 *  - GICC_HPPIR reports the highest priority pending interrupt whatever
 *    the PMR and running priority.
 *  - Without Security Extensions GICC_CTLR has EnableGrp0 (bit 0),
 *    EnableGrp1 (1), AckCtl (2), FIQEn (3), CBPR (4), the bypass-disable
 *    bits (5-8, stored only: there is no legacy bypass), EOImodeS (9, for
 *    Group 0) and EOImodeNS (10, for Group 1).  GICC_IAR acknowledges Group
 *    1 interrupts only when AckCtl is set (else reads 1022); GICC_AIAR,
 *    AEOIR and AHPPIR handle Group 1 interrupts only; GICC_ABPR is the
 *    Group 1 binary point unless CBPR.
 *
 * Interrupt inputs: gic_set_irq(gic, intid, level) takes the level of the
 * wire into interrupt ID intid (16..num_irqs-1; SGIs have no wire).  A
 * level-sensitive interrupt is pending while its wire is high (or after a
 * write to ISPENDR, until acknowledged or cleared); an edge-triggered one
 * latches pending on a rising edge.  The outputs cpu_irq and cpu_fiq
 * (IrqLine.line is passed through untouched) are recomputed after every
 * change and driven only when their level changes: the CPU interface
 * signals the highest priority pending interrupt when it is enabled in
 * both GICD_CTLR and GICC_CTLR, has priority above the PMR and group
 * priority above the running priority; Group 0 goes to FIQ when FIQEn.
 *
 *   Gic gic;
 *   gic_init(&gic, &log, 288, (IrqLine){cpu_set_irq, cpu, 0}, (IrqLine){cpu_set_irq, cpu, 1});
 *   bus_add_mmio(&bus, "gic-dist", virt_memmap[VIRT_GIC_DIST].base,
 *                virt_memmap[VIRT_GIC_DIST].size, &gic_dist_ops, &gic);
 *   bus_add_mmio(&bus, "gic-cpu", virt_memmap[VIRT_GIC_CPU].base,
 *                virt_memmap[VIRT_GIC_CPU].size, &gic_cpu_ops, &gic);
 *   IrqLine uart_irq = {gic_set_irq, &gic, 32 + VIRT_SPI_UART};
 *   IrqLine timer_irq = {gic_set_irq, &gic, VIRT_PPI_NONSECURE_TIMER};
 */
#ifndef SCION_GICV2_H
#define SCION_GICV2_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/log.h"
#include "devices/bus.h"
#include "devices/irq.h"

#define GIC_MAX_IRQS 1024 /* IDs 1020-1023 are special; at most 1020 sources */
#define GIC_WORDS (GIC_MAX_IRQS / 32)

enum {
    GIC_SPURIOUS = 1023,     /* no interrupt to acknowledge */
    GIC_GROUP1_PENDING = 1022, /* GICC_IAR with AckCtl clear and a Group 1 interrupt first */
};

typedef struct Gic {
    Log *log;
    IrqLine cpu_irq, cpu_fiq;
    unsigned num_irqs;
    /* Distributor: one bit per interrupt ID, 32 to a word. */
    uint32_t dist_ctlr;
    uint32_t group[GIC_WORDS];
    uint32_t enabled[GIC_WORDS];
    uint32_t latched[GIC_WORDS]; /* pending by edge, SGI or ISPENDR write */
    uint32_t line[GIC_WORDS];    /* input wire levels */
    uint32_t active[GIC_WORDS];
    uint32_t edge[GIC_WORDS];    /* 1 = edge-triggered, 0 = level-sensitive */
    uint8_t priority[GIC_MAX_IRQS];
    uint8_t target[GIC_MAX_IRQS]; /* SPIs only */
    /* CPU interface. */
    uint32_t cpu_ctlr, pmr, bpr, abpr;
    uint32_t apr[2]; /* active priority levels of Group 0 and Group 1 */
    bool irq_out, fiq_out; /* last levels driven */
} Gic;

/* num_irqs: a multiple of 32 from 32 to 1024 (IDs above 1019 never exist). */
void gic_init(Gic *g, Log *log, unsigned num_irqs, IrqLine cpu_irq, IrqLine cpu_fiq);
/* The level of interrupt intid's input wire; matches IrqLine.set. */
void gic_set_irq(void *gic, unsigned intid, bool level);

extern const MmioOps gic_dist_ops; /* opaque: Gic *; byte or word accesses */
extern const MmioOps gic_cpu_ops;  /* opaque: Gic *; word accesses */

/* Distributor register offsets. */
enum {
    GICD_CTLR = 0x000,
    GICD_TYPER = 0x004,
    GICD_IIDR = 0x008,
    GICD_IGROUPR = 0x080,
    GICD_ISENABLER = 0x100,
    GICD_ICENABLER = 0x180,
    GICD_ISPENDR = 0x200,
    GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300,
    GICD_ICACTIVER = 0x380,
    GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800,
    GICD_ICFGR = 0xc00,
    GICD_SGIR = 0xf00,
    GICD_CPENDSGIR = 0xf10,
    GICD_SPENDSGIR = 0xf20,
    GICD_PIDR4 = 0xfd0,
    GICD_PIDR0 = 0xfe0,
    GICD_PIDR2 = 0xfe8,
    GICD_CIDR0 = 0xff0,
};

/* CPU interface register offsets. */
enum {
    GICC_CTLR = 0x00,
    GICC_PMR = 0x04,
    GICC_BPR = 0x08,
    GICC_IAR = 0x0c,
    GICC_EOIR = 0x10,
    GICC_RPR = 0x14,
    GICC_HPPIR = 0x18,
    GICC_ABPR = 0x1c,
    GICC_AIAR = 0x20,
    GICC_AEOIR = 0x24,
    GICC_AHPPIR = 0x28,
    GICC_APR0 = 0xd0,
    GICC_NSAPR0 = 0xe0,
    GICC_IIDR = 0xfc,
    GICC_DIR = 0x1000,
};

enum {
    GICC_CTLR_ENABLE_GRP0 = 1u << 0,
    GICC_CTLR_ENABLE_GRP1 = 1u << 1,
    GICC_CTLR_ACKCTL = 1u << 2,
    GICC_CTLR_FIQEN = 1u << 3,
    GICC_CTLR_CBPR = 1u << 4,
    GICC_CTLR_EOIMODE_S = 1u << 9,
    GICC_CTLR_EOIMODE_NS = 1u << 10,
};

/* The state table for snapshots (snapshot/vmstate.h). */
struct VmsDesc;
extern const struct VmsDesc gic_vmstate;

#endif
