/*
 * gic: the GICv2 distributor and CPU interface (ARM IHI 0048B), mostly by
 * polling GICC_IAR with CPSR.I set: SGIs to self, priorities and the
 * running priority, PMR masking, spurious 1023, software-pended SPIs,
 * enable bits, and one SGI taken as a real IRQ exception.
 */
#include "rom.h"

#define SPI_TEST 40u    /* an SPI no device of the board drives */
#define IAR_ID(iar) ((iar) & 0x3ffu)
#define SGIR_TO_SELF (2u << 24)
#define SGIR_TO_OTHERS (1u << 24)
#define SGIR_TO_LIST(cpus) ((uint32_t)(cpus) << 16)

static struct {
    volatile uint32_t count, iar, cpsr;
} irq;

static void on_irq(struct exc_frame *f)
{
    (void)f;
    uint32_t iar = gicc_read(GICC_IAR);
    irq.count++;
    irq.iar = iar;
    irq.cpsr = read_cpsr();
    if (IAR_ID(iar) != GIC_SPURIOUS)
        gicc_write(GICC_EOIR, iar);
}

static void setup(uint32_t id, uint32_t priority)
{
    gic_set_byte(GICD_IPRIORITYR, id, priority);
    gic_bit_write(GICD_ISENABLER, id);
}

static void sgi_to_self(uint32_t id)
{
    gicd_write(GICD_SGIR, SGIR_TO_SELF | id);
    dsb();
}

/* Acknowledge: the IAR value, then EOI unless spurious. */
static uint32_t ack_eoi(void)
{
    uint32_t iar = gicc_read(GICC_IAR);
    if (IAR_ID(iar) != GIC_SPURIOUS)
        gicc_write(GICC_EOIR, iar);
    return iar;
}

static void test_identification(void)
{
    section("identification");
    uint32_t typer = gicd_read(GICD_TYPER);
    uint32_t lines = typer & 0x1f;
    puts_raw("  GICD_TYPER = ");
    print_hex(typer);
    puts_raw(": ");
    print_dec(32 * (lines + 1));
    print_line(" interrupt IDs");
    check(lines >= 1, "ITLinesNumber >= 1 (SPIs up to at least ID 63)");
    check_eq((typer >> 5) & 7, 0, "CPUNumber = 0 (one processor)");
    check_eq((gicd_read(GICD_ICPIDR2) >> 4) & 0xf, 2, "ICPIDR2.ArchRev = 2 (GICv2)");
}

static void enable_gic(void)
{
    gicd_write(GICD_CTLR, 1);
    gicc_write(GICC_PMR, 0xff);
    gicc_write(GICC_BPR, 2);        /* group priority = bits [7:3] */
    gicc_write(GICC_CTLR, 1);
}

static void test_basics(void)
{
    section("spurious, SGI to self, priority bits");
    enable_gic();
    check_eq(gicc_read(GICC_CTLR) & 1, 1, "GICC_CTLR.Enable reads back");
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS, "nothing pending: IAR = 1023");
    check_eq(gicc_read(GICC_RPR) & 0xff, 0xff, "idle running priority 0xFF");

    setup(3, 0xa0);
    sgi_to_self(3);
    check_eq(gic_bit_test(GICD_ISPENDR, 3), 1, "SGI 3 pending in ISPENDR0");
    check_eq(IAR_ID(gicc_read(GICC_HPPIR)), 3, "HPPIR = 3");
    uint32_t iar = gicc_read(GICC_IAR);
    check_eq(iar, 3, "IAR = 3, source CPU (bits 12:10) = 0");
    check_eq(gic_bit_test(GICD_ISACTIVER, 3), 1, "  active after the read");
    check_eq(gic_bit_test(GICD_ISPENDR, 3), 0, "  no longer pending");
    check_eq(gicc_read(GICC_RPR) & 0xff, 0xa0, "  running priority = its priority");
    gicc_write(GICC_EOIR, iar);
    check_eq(gic_bit_test(GICD_ISACTIVER, 3), 0, "EOIR: inactive");
    check_eq(gicc_read(GICC_RPR) & 0xff, 0xff, "  running priority idle again");

    gicd_write(GICD_SGIR, SGIR_TO_LIST(1) | 3);
    dsb();
    check_eq(ack_eoi(), 3, "SGI with CPUTargetList = CPU 0");
    gicd_write(GICD_SGIR, SGIR_TO_OTHERS | 3);
    dsb();
    check_eq(IAR_ID(ack_eoi()), GIC_SPURIOUS, "SGI to all other CPUs: not to us");

    gic_set_byte(GICD_IPRIORITYR, 6, 0xff);
    uint32_t prio = gic_get_byte(GICD_IPRIORITYR, 6);
    uint32_t low_zeros = (~prio & 0xff) + 1;
    check((prio & 0xf0) == 0xf0 && (low_zeros & (low_zeros - 1)) == 0,
          "priority 0xFF reads back as the implemented high bits (>= 16 levels)");
}

static void test_pmr(void)
{
    section("priority mask");
    setup(5, 0x80);
    gicc_write(GICC_PMR, 0x80);
    sgi_to_self(5);
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS,
             "priority 0x80 not signalled with PMR = 0x80");
    check_eq(gic_bit_test(GICD_ISPENDR, 5), 1, "  but stays pending");
    gicc_write(GICC_PMR, 0x90);
    check_eq(ack_eoi(), 5, "PMR = 0x90 lets it through");
    gicc_write(GICC_PMR, 0xff);
}

static void test_priorities(void)
{
    section("priorities and preemption");
    setup(1, 0xa0);
    setup(2, 0x40);
    setup(4, 0xc0);
    sgi_to_self(1);
    sgi_to_self(2);
    uint32_t first = gicc_read(GICC_IAR);
    check_eq(first, 2, "of two pending SGIs the higher priority (lower value) wins");
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS,
             "lower priority not signalled while 0x40 is running");
    gicc_write(GICC_EOIR, first);
    check_eq(ack_eoi(), 1, "after EOI the other one is signalled");

    uint32_t low = gicc_read(GICC_IAR);
    check_eq(low, GIC_SPURIOUS, "nothing left");
    sgi_to_self(1);
    low = gicc_read(GICC_IAR);
    check_eq(low, 1, "SGI 1 (0xA0) active");
    sgi_to_self(4);
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS, "0xC0 does not preempt 0xA0");
    sgi_to_self(2);
    uint32_t high = gicc_read(GICC_IAR);
    check_eq(high, 2, "0x40 preempts 0xA0");
    check_eq(gicc_read(GICC_RPR) & 0xff, 0x40, "running priority 0x40");
    gicc_write(GICC_EOIR, high);
    check_eq(gicc_read(GICC_RPR) & 0xff, 0xa0, "EOI of the nested one: back to 0xA0");
    gicc_write(GICC_EOIR, low);
    check_eq(ack_eoi(), 4, "then 0xC0 is signalled");
    check_eq(gicc_read(GICC_RPR) & 0xff, 0xff, "idle");
}

static void test_spi(void)
{
    section("SPI 40 pended by software");
    gic_bit_write(GICD_ICENABLER, SPI_TEST);
    gic_set_byte(GICD_IPRIORITYR, SPI_TEST, 0x80);
    gic_set_byte(GICD_ITARGETSR, SPI_TEST, 1);  /* RAZ/WI on one CPU */
    check_eq(gic_bit_test(GICD_ISENABLER, SPI_TEST), 0, "ICENABLER disables it");
    gic_bit_write(GICD_ISPENDR, SPI_TEST);
    check_eq(gic_bit_test(GICD_ISPENDR, SPI_TEST), 1, "ISPENDR sets it pending");
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS, "disabled: not signalled");
    gic_bit_write(GICD_ICPENDR, SPI_TEST);
    check_eq(gic_bit_test(GICD_ISPENDR, SPI_TEST), 0, "ICPENDR clears it");
    gic_bit_write(GICD_ISENABLER, SPI_TEST);
    check_eq(gic_bit_test(GICD_ISENABLER, SPI_TEST), 1, "ISENABLER enables it");
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS, "enabled but not pending");
    gic_bit_write(GICD_ISPENDR, SPI_TEST);
    uint32_t iar = gicc_read(GICC_IAR);
    check_eq(iar, SPI_TEST, "pended again: IAR = 40");
    check_eq(gic_bit_test(GICD_ISACTIVER, SPI_TEST), 1, "  active");
    check_eq(gic_bit_test(GICD_ISPENDR, SPI_TEST), 0, "  not pending (line is low)");
    gicc_write(GICC_EOIR, iar);
    check_eq(gic_bit_test(GICD_ISACTIVER, SPI_TEST), 0, "EOIR: inactive");
    gic_bit_write(GICD_ICENABLER, SPI_TEST);
}

static void test_enables(void)
{
    section("distributor and CPU interface enables");
    setup(7, 0x80);
    gicd_write(GICD_CTLR, 0);
    sgi_to_self(7);
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS, "GICD_CTLR = 0: nothing forwarded");
    gicd_write(GICD_CTLR, 1);
    gicc_write(GICC_CTLR, 0);
    check_eq(IAR_ID(gicc_read(GICC_IAR)), GIC_SPURIOUS, "GICC_CTLR = 0: nothing signalled");
    gicc_write(GICC_CTLR, 1);
    check_eq(ack_eoi(), 7, "both enabled: the SGI arrives");
}

static void test_irq_exception(void)
{
    section("SGI taken as an IRQ exception");
    exc_set_handler(EXC_IRQ, on_irq);
    irq.count = 0;
    setup(9, 0x80);
    sgi_to_self(9);
    check_eq(irq.count, 0, "not taken while CPSR.I = 1");
    irq_enable();
    isb();
    for (int i = 0; i < 1000 && irq.count == 0; i++)
        ;
    irq_disable();
    check_eq(irq.count, 1, "taken once CPSR.I = 0");
    check_eq(irq.iar, 9, "handler's IAR = 9");
    check_eq(irq.cpsr & CPSR_MODE_MASK, MODE_IRQ, "handler runs in IRQ mode");
    exc_set_handler(EXC_IRQ, 0);
}

/* CPSIE and MSR unmasking a pending interrupt: it is taken before the
 * next instruction, not at some later block boundary. */
static void test_unmask_takes_pending(void)
{
    section("unmasking a pending IRQ takes it at once");
    exc_set_handler(EXC_IRQ, on_irq);
    setup(10, 0x80);
    irq.count = 0;
    sgi_to_self(10);
    uint32_t seen;
    __asm__ volatile("cpsie i\n\tldr %0, [%1]" : "=r"(seen) : "r"(&irq.count) : "memory");
    irq_disable();
    check_eq(seen, 1, "CPSIE i: handled before the next instruction");
    irq.count = 0;
    sgi_to_self(10);
    __asm__ volatile("mrs r3, cpsr\n\tbic r3, r3, #0x80\n\tmsr cpsr_c, r3\n\tldr %0, [%1]"
                     : "=r"(seen) : "r"(&irq.count) : "r3", "memory");
    irq_disable();
    check_eq(seen, 1, "MSR CPSR_c clearing I: handled before the next instruction");
    irq.count = 0;
    __asm__ volatile("cpsie i\n\tcpsid i\n\tldr %0, [%1]" : "=r"(seen) : "r"(&irq.count) : "memory");
    check_eq(seen, 0, "nothing pending: nothing taken");
    exc_set_handler(EXC_IRQ, 0);
}

void test_main(void)
{
    print_line("gic: GICv2 distributor and CPU interface");
    test_identification();
    test_basics();
    test_pmr();
    test_priorities();
    test_spi();
    test_enables();
    test_irq_exception();
    test_unmask_takes_pending();
}
