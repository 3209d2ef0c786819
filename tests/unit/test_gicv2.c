/* GICv2 against the architecture specification (ARM IHI 0048B): the
 * interrupt life cycle for level and edge SPIs, priority masking,
 * preemption and the running priority, SGIs, spurious IDs, banked
 * read-only targets, byte access to priorities, and the IRQ/FIQ outputs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gicv2.h"

/* The processor's IRQ and FIQ inputs. */
typedef struct FakeCpu {
    bool level[2];
    unsigned changes[2];
} FakeCpu;

static void cpu_set(void *controller, unsigned line, bool level)
{
    FakeCpu *c = controller;
    c->level[line] = level;
    c->changes[line]++;
}

enum { IRQ, FIQ };
enum { SPI_A = 33, SPI_B = 34, SPI_C = 35 };

static Log quiet_log = {0, NULL};
static Gic gic;
static FakeCpu cpu;

static uint32_t dist_rd(uint32_t offset)
{
    return (uint32_t)gic_dist_ops.read(&gic, offset, 4);
}

static void dist_wr(uint32_t offset, uint32_t value)
{
    gic_dist_ops.write(&gic, offset, value, 4);
}

static uint32_t cpu_rd(uint32_t offset)
{
    return (uint32_t)gic_cpu_ops.read(&gic, offset, 4);
}

static void cpu_wr(uint32_t offset, uint32_t value)
{
    gic_cpu_ops.write(&gic, offset, value, 4);
}

static void set_priority(unsigned id, uint8_t priority)
{
    gic_dist_ops.write(&gic, GICD_IPRIORITYR + id, priority, 1);
}

static void enable_irq(unsigned id)
{
    dist_wr(GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32));
}

static bool bit_set(uint32_t base, unsigned id)
{
    return (dist_rd(base + 4 * (id / 32)) >> (id % 32)) & 1;
}

static void make_edge(unsigned id)
{
    uint32_t offset = GICD_ICFGR + 4 * (id / 16);
    dist_wr(offset, dist_rd(offset) | 2u << (2 * (id % 16)));
}

/* A GIC with both stages enabled for Group 0 and every priority unmasked. */
static void setup(void)
{
    memset(&cpu, 0, sizeof cpu);
    gic_init(&gic, &quiet_log, 288, (IrqLine){cpu_set, &cpu, IRQ}, (IrqLine){cpu_set, &cpu, FIQ});
    dist_wr(GICD_CTLR, 1);
    cpu_wr(GICC_CTLR, GICC_CTLR_ENABLE_GRP0);
    cpu_wr(GICC_PMR, 0xff);
}

START_TEST(test_identification)
{
    ck_assert_uint_eq(dist_rd(GICD_TYPER) & 0x1f, 288 / 32 - 1); /* ITLinesNumber */
    ck_assert_uint_eq((dist_rd(GICD_TYPER) >> 5) & 7, 0);        /* one CPU */
    ck_assert_uint_eq((dist_rd(GICD_PIDR2) >> 4) & 0xf, 2);      /* ArchRev: GICv2 */
    ck_assert_uint_eq(dist_rd(GICD_IIDR) & 0xfff, 0x43b);
    ck_assert_uint_eq((cpu_rd(GICC_IIDR) >> 16) & 0xf, 2);
    ck_assert_uint_eq(dist_rd(GICD_CIDR0), 0x0d);
}
END_TEST

/* Level-sensitive SPI: pending while the input is high; acknowledging it
 * makes it active and pending, it is not signalled again until EOI, and
 * signalled again after EOI if the input is still high. */
START_TEST(test_level_spi_flow)
{
    set_priority(SPI_A, 0xa0);
    gic_set_irq(&gic, SPI_A, true);
    ck_assert(bit_set(GICD_ISPENDR, SPI_A));
    ck_assert(!cpu.level[IRQ]); /* not enabled yet */
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_SPURIOUS);
    enable_irq(SPI_A);
    ck_assert(cpu.level[IRQ]);
    ck_assert(!cpu.level[FIQ]);
    ck_assert_uint_eq(cpu_rd(GICC_HPPIR), SPI_A);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_A);
    ck_assert(!cpu.level[IRQ]);
    ck_assert(bit_set(GICD_ISACTIVER, SPI_A));
    ck_assert(bit_set(GICD_ISPENDR, SPI_A)); /* active and pending */
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0xa0);
    cpu_wr(GICC_EOIR, SPI_A);
    ck_assert(!bit_set(GICD_ISACTIVER, SPI_A));
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0xff);
    ck_assert(cpu.level[IRQ]); /* input still high */
    gic_set_irq(&gic, SPI_A, false);
    ck_assert(!cpu.level[IRQ]);
    ck_assert(!bit_set(GICD_ISPENDR, SPI_A));
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_SPURIOUS);
}
END_TEST

/* Level-sensitive: an ISPENDR write latches pending until acknowledged;
 * ICPENDR does not clear the pending state of an asserted input. */
START_TEST(test_level_spi_software_pending)
{
    enable_irq(SPI_A);
    dist_wr(GICD_ISPENDR + 4, 1u << (SPI_A - 32));
    ck_assert(cpu.level[IRQ]);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_A);
    ck_assert(!bit_set(GICD_ISPENDR, SPI_A));
    cpu_wr(GICC_EOIR, SPI_A);
    ck_assert(!cpu.level[IRQ]);
    gic_set_irq(&gic, SPI_A, true);
    dist_wr(GICD_ICPENDR + 4, 1u << (SPI_A - 32));
    ck_assert(bit_set(GICD_ISPENDR, SPI_A));
    ck_assert(cpu.level[IRQ]);
}
END_TEST

/* Edge-triggered SPI: a rising edge latches pending, acknowledge clears
 * it; an edge while active makes it active and pending, signalled only
 * after EOI. */
START_TEST(test_edge_spi_flow)
{
    make_edge(SPI_B);
    ck_assert_uint_eq((dist_rd(GICD_ICFGR + 8) >> (2 * (SPI_B - 32) + 1)) & 1, 1);
    enable_irq(SPI_B);
    gic_set_irq(&gic, SPI_B, true);
    gic_set_irq(&gic, SPI_B, false);
    ck_assert(bit_set(GICD_ISPENDR, SPI_B));
    ck_assert(cpu.level[IRQ]);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_B);
    ck_assert(!bit_set(GICD_ISPENDR, SPI_B));
    ck_assert(!cpu.level[IRQ]);
    gic_set_irq(&gic, SPI_B, true);
    ck_assert(bit_set(GICD_ISPENDR, SPI_B));
    ck_assert(!cpu.level[IRQ]);
    cpu_wr(GICC_EOIR, SPI_B);
    ck_assert(cpu.level[IRQ]);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_B);
    cpu_wr(GICC_EOIR, SPI_B);
    ck_assert(!cpu.level[IRQ]);
    gic_set_irq(&gic, SPI_B, true); /* no edge: the input was already high */
    ck_assert(!cpu.level[IRQ]);
}
END_TEST

/* Only interrupts with priority strictly higher (numerically lower) than
 * the PMR are signalled. */
START_TEST(test_priority_mask)
{
    set_priority(SPI_A, 0xa0);
    enable_irq(SPI_A);
    cpu_wr(GICC_PMR, 0xa0);
    gic_set_irq(&gic, SPI_A, true);
    ck_assert(!cpu.level[IRQ]);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_SPURIOUS);
    ck_assert_uint_eq(cpu_rd(GICC_HPPIR), SPI_A);
    cpu_wr(GICC_PMR, 0xa8);
    ck_assert(cpu.level[IRQ]);
    cpu_wr(GICC_PMR, 0);
    ck_assert(!cpu.level[IRQ]);
    cpu_wr(GICC_PMR, 0xff);
    ck_assert_uint_eq(cpu_rd(GICC_PMR), 0xf8); /* 5 priority bits */
}
END_TEST

/* A pending interrupt preempts only with a higher group priority than the
 * running priority; priority drop returns to the next active level. */
START_TEST(test_preemption_and_running_priority)
{
    set_priority(SPI_A, 0x80);
    set_priority(SPI_B, 0x40);
    set_priority(SPI_C, 0x60);
    enable_irq(SPI_A);
    enable_irq(SPI_B);
    enable_irq(SPI_C);
    gic_set_irq(&gic, SPI_A, true);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_A);
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0x80);
    gic_set_irq(&gic, SPI_B, true);
    ck_assert(cpu.level[IRQ]);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_B);
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0x40);
    gic_set_irq(&gic, SPI_C, true);
    ck_assert(!cpu.level[IRQ]); /* 0x60 does not preempt 0x40 */
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_SPURIOUS);
    gic_set_irq(&gic, SPI_B, false);
    cpu_wr(GICC_EOIR, SPI_B);
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0x80);
    ck_assert(cpu.level[IRQ]); /* 0x60 preempts 0x80 */
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_C);
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0x60);
    ck_assert_uint_eq(cpu_rd(GICC_APR0), 1u << (0x60 >> 3) | 1u << (0x80 >> 3));
}
END_TEST

/* With binary point 4 the group priority is bits [7:5]: 0x48 and 0x50
 * share group priority 0x40, so 0x48 cannot preempt 0x50. */
START_TEST(test_binary_point_grouping)
{
    cpu_wr(GICC_BPR, 0);
    ck_assert_uint_eq(cpu_rd(GICC_BPR), 2); /* the minimum for 5 bits */
    cpu_wr(GICC_ABPR, 0);
    ck_assert_uint_eq(cpu_rd(GICC_ABPR), 3);
    cpu_wr(GICC_BPR, 4);
    set_priority(SPI_A, 0x50);
    set_priority(SPI_B, 0x48);
    set_priority(SPI_C, 0x30);
    enable_irq(SPI_A);
    enable_irq(SPI_B);
    enable_irq(SPI_C);
    gic_set_irq(&gic, SPI_A, true);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_A);
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0x40);
    gic_set_irq(&gic, SPI_B, true);
    ck_assert(!cpu.level[IRQ]);
    gic_set_irq(&gic, SPI_C, true); /* group priority 0x20 */
    ck_assert(cpu.level[IRQ]);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_C);
}
END_TEST

/* SGIs: always enabled, edge; SGIR's target list filter; IAR reports the
 * source CPU (0) in bits [12:10]; SPENDSGIR/CPENDSGIR bit 0 is CPU 0. */
START_TEST(test_sgi)
{
    ck_assert_uint_eq(dist_rd(GICD_ISENABLER) & 0xffff, 0xffff);
    dist_wr(GICD_ICENABLER, 0xffff);
    ck_assert_uint_eq(dist_rd(GICD_ISENABLER) & 0xffff, 0xffff);
    ck_assert_uint_eq(dist_rd(GICD_ICFGR), 0xaaaaaaaa);
    dist_wr(GICD_SGIR, 2u << 24 | 5); /* to the requesting CPU */
    ck_assert(cpu.level[IRQ]);
    ck_assert_uint_eq(gic_dist_ops.read(&gic, GICD_SPENDSGIR + 5, 1), 1);
    uint32_t iar = cpu_rd(GICC_IAR);
    ck_assert_uint_eq(iar & 0x3ff, 5);
    ck_assert_uint_eq((iar >> 10) & 7, 0);
    cpu_wr(GICC_EOIR, iar);
    ck_assert(!cpu.level[IRQ]);
    dist_wr(GICD_SGIR, 0u << 24 | 0x02u << 16 | 3); /* CPU 1 does not exist */
    ck_assert(!cpu.level[IRQ]);
    dist_wr(GICD_SGIR, 1u << 24 | 3); /* all but self: nobody */
    ck_assert(!cpu.level[IRQ]);
    dist_wr(GICD_SGIR, 0u << 24 | 0x01u << 16 | 3);
    ck_assert(cpu.level[IRQ]);
    ck_assert(bit_set(GICD_ISPENDR, 3));
    gic_dist_ops.write(&gic, GICD_CPENDSGIR + 3, 1, 1);
    ck_assert(!cpu.level[IRQ]);
    gic_dist_ops.write(&gic, GICD_SPENDSGIR + 3, 1, 1);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), 3);
}
END_TEST

/* 1023 when nothing is pending, when the Distributor or CPU interface is
 * disabled; EOIR of 1023 changes nothing. */
START_TEST(test_spurious)
{
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_SPURIOUS);
    ck_assert_uint_eq(cpu_rd(GICC_HPPIR), GIC_SPURIOUS);
    enable_irq(SPI_A);
    gic_set_irq(&gic, SPI_A, true);
    dist_wr(GICD_CTLR, 0);
    ck_assert(!cpu.level[IRQ]);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_SPURIOUS);
    dist_wr(GICD_CTLR, 1);
    cpu_wr(GICC_CTLR, 0);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_SPURIOUS);
    cpu_wr(GICC_CTLR, GICC_CTLR_ENABLE_GRP0);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_A);
    cpu_wr(GICC_EOIR, GIC_SPURIOUS);
    ck_assert(bit_set(GICD_ISACTIVER, SPI_A));
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0);
}
END_TEST

/* ITARGETSR0-7 are read-only and name the reading CPU; SPI targets keep
 * only implemented CPUs; an SPI targeting no CPU is not forwarded. */
START_TEST(test_targets)
{
    for (uint32_t off = 0; off < 32; off += 4) {
        ck_assert_uint_eq(dist_rd(GICD_ITARGETSR + off), 0x01010101);
        dist_wr(GICD_ITARGETSR + off, 0);
        ck_assert_uint_eq(dist_rd(GICD_ITARGETSR + off), 0x01010101);
    }
    gic_dist_ops.write(&gic, GICD_ITARGETSR + SPI_A, 0xff, 1);
    ck_assert_uint_eq(gic_dist_ops.read(&gic, GICD_ITARGETSR + SPI_A, 1), 0x01);
    gic_dist_ops.write(&gic, GICD_ITARGETSR + SPI_A, 0x00, 1);
    enable_irq(SPI_A);
    gic_set_irq(&gic, SPI_A, true);
    ck_assert(!cpu.level[IRQ]);
    gic_dist_ops.write(&gic, GICD_ITARGETSR + SPI_A, 0x01, 1);
    ck_assert(cpu.level[IRQ]);
}
END_TEST

/* IPRIORITYR is byte accessible; unimplemented low bits read as zero. */
START_TEST(test_priority_byte_access)
{
    gic_dist_ops.write(&gic, GICD_IPRIORITYR + 33, 0xff, 1);
    ck_assert_uint_eq(gic_dist_ops.read(&gic, GICD_IPRIORITYR + 33, 1), 0xf8);
    ck_assert_uint_eq(dist_rd(GICD_IPRIORITYR + 32), 0x0000f800);
    dist_wr(GICD_IPRIORITYR + 36, 0x10203040);
    ck_assert_uint_eq(gic_dist_ops.read(&gic, GICD_IPRIORITYR + 36, 1), 0x40);
    ck_assert_uint_eq(gic_dist_ops.read(&gic, GICD_IPRIORITYR + 39, 1), 0x10);
    ck_assert_uint_eq(dist_rd(GICD_IPRIORITYR + 288), 0); /* beyond the last ID */
}
END_TEST

/* Group 0 goes to FIQ when FIQEn; Group 1 to IRQ and needs AckCtl to be
 * acknowledged through GICC_IAR (else 1022), or goes through GICC_AIAR. */
START_TEST(test_groups_and_fiq)
{
    enable_irq(SPI_A);
    cpu_wr(GICC_CTLR, GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_FIQEN);
    gic_set_irq(&gic, SPI_A, true);
    ck_assert(cpu.level[FIQ]);
    ck_assert(!cpu.level[IRQ]);
    dist_wr(GICD_IGROUPR + 4, 1u << (SPI_A - 32));
    ck_assert(!cpu.level[FIQ]); /* Group 1 disabled */
    dist_wr(GICD_CTLR, 3);
    cpu_wr(GICC_CTLR, GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1 | GICC_CTLR_FIQEN);
    ck_assert(cpu.level[IRQ]);
    ck_assert(!cpu.level[FIQ]);
    ck_assert_uint_eq(cpu_rd(GICC_HPPIR), GIC_GROUP1_PENDING);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), GIC_GROUP1_PENDING);
    ck_assert_uint_eq(cpu_rd(GICC_AHPPIR), SPI_A);
    ck_assert_uint_eq(cpu_rd(GICC_AIAR), SPI_A);
    ck_assert(!cpu.level[IRQ]);
    cpu_wr(GICC_AEOIR, SPI_A);
    ck_assert(cpu.level[IRQ]);
    cpu_wr(GICC_CTLR, GICC_CTLR_ENABLE_GRP1 | GICC_CTLR_ACKCTL);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_A);
}
END_TEST

/* EOImode: EOIR only drops the priority, DIR deactivates. */
START_TEST(test_split_eoi)
{
    cpu_wr(GICC_CTLR, GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_EOIMODE_S);
    set_priority(SPI_A, 0x80);
    enable_irq(SPI_A);
    gic_set_irq(&gic, SPI_A, true);
    ck_assert_uint_eq(cpu_rd(GICC_IAR), SPI_A);
    cpu_wr(GICC_EOIR, SPI_A);
    ck_assert_uint_eq(cpu_rd(GICC_RPR), 0xff);
    ck_assert(bit_set(GICD_ISACTIVER, SPI_A));
    ck_assert(!cpu.level[IRQ]); /* active: not signalled again */
    cpu_wr(GICC_DIR, SPI_A);
    ck_assert(!bit_set(GICD_ISACTIVER, SPI_A));
    ck_assert(cpu.level[IRQ]);
}
END_TEST

/* The outputs are driven only when their level changes; PPIs are level. */
START_TEST(test_output_only_on_change)
{
    enable_irq(SPI_A);
    enable_irq(30); /* a PPI */
    gic_set_irq(&gic, SPI_A, true);
    gic_set_irq(&gic, SPI_A, true);
    gic_set_irq(&gic, 30, true); /* another source while already high */
    ck_assert_uint_eq(cpu.changes[IRQ], 1);
    gic_set_irq(&gic, SPI_A, false);
    gic_set_irq(&gic, 30, false);
    ck_assert_uint_eq(cpu.changes[IRQ], 2);
    ck_assert(!cpu.level[IRQ]);
    ck_assert_uint_eq(cpu.changes[FIQ], 0);
    ck_assert_uint_eq(dist_rd(GICD_ICFGR + 4), 0); /* PPIs level-sensitive */
    make_edge(30);
    ck_assert_uint_eq(dist_rd(GICD_ICFGR + 4), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gicv2");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_identification);
    tcase_add_test(tc, test_level_spi_flow);
    tcase_add_test(tc, test_level_spi_software_pending);
    tcase_add_test(tc, test_edge_spi_flow);
    tcase_add_test(tc, test_priority_mask);
    tcase_add_test(tc, test_preemption_and_running_priority);
    tcase_add_test(tc, test_binary_point_grouping);
    tcase_add_test(tc, test_sgi);
    tcase_add_test(tc, test_spurious);
    tcase_add_test(tc, test_targets);
    tcase_add_test(tc, test_priority_byte_access);
    tcase_add_test(tc, test_groups_and_fiq);
    tcase_add_test(tc, test_split_eoi);
    tcase_add_test(tc, test_output_only_on_change);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
