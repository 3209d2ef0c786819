/*
 * timer: the ARMv7 generic timer through CP15 (ARM ARM B8): CNTFRQ, the
 * physical and virtual counts, CNTV/CNTP TVAL, CVAL and CTL semantics, and
 * the virtual timer interrupt (PPI 27) through the GICv2 to an IRQ
 * exception, with WFI waiting for it.
 */
#include "rom.h"

#define CTL_ENABLE (1u << 0)
#define CTL_IMASK (1u << 1)
#define CTL_ISTATUS (1u << 2)
#define VTIMER_IRQ 27u

static struct {
    volatile uint32_t count, iar, spsr, cpsr;
} irq;

static void on_irq(struct exc_frame *f)
{
    uint32_t iar = gicc_read(GICC_IAR);
    irq.count++;
    irq.iar = iar;
    irq.spsr = f->spsr;
    irq.cpsr = read_cpsr();
    if ((iar & 0x3ff) == VTIMER_IRQ)
        write_cntv_ctl(CTL_ENABLE | CTL_IMASK);     /* drop the level */
    if ((iar & 0x3ff) != GIC_SPURIOUS)
        gicc_write(GICC_EOIR, iar);
}

/* Spin until (read_ctl() & ISTATUS), at most `ticks` of virtual count. */
static int wait_istatus(uint32_t (*read_ctl)(void), uint64_t ticks)
{
    uint64_t end = read_cntvct() + ticks;
    while (!(read_ctl() & CTL_ISTATUS))
        if (read_cntvct() > end)
            return 0;
    return 1;
}

static void test_counters(void)
{
    section("counters");
    check_eq(read_cntfrq(), 62500000, "CNTFRQ = 62.5 MHz (board firmware value)");
    int monotonic = 1;
    uint64_t p = read_cntpct(), v = read_cntvct();
    for (int i = 0; i < 1000; i++) {
        uint64_t p2 = read_cntpct(), v2 = read_cntvct();
        monotonic &= p2 >= p && v2 >= v;
        p = p2;
        v = v2;
    }
    check(monotonic, "CNTPCT and CNTVCT never go backwards");
    uint64_t start = read_cntvct();
    int spins = 0;
    while (read_cntvct() == start && spins < 10000000)
        spins++;
    check(read_cntvct() > start, "CNTVCT advances");
    start = read_cntpct();
    spins = 0;
    while (read_cntpct() == start && spins < 10000000)
        spins++;
    check(read_cntpct() > start, "CNTPCT advances");
}

static void test_virtual_timer_polled(void)
{
    uint32_t frq = read_cntfrq();

    section("virtual timer, polled (IMASK set)");
    write_cntv_ctl(0);
    write_cntv_tval(frq / 500);                     /* 2 ms */
    write_cntv_ctl(CTL_ENABLE | CTL_IMASK);
    isb();
    uint64_t now = read_cntvct(), cval = read_cntv_cval();
    int32_t tval = (int32_t)read_cntv_tval();
    check(cval > now && cval - now <= frq / 500, "TVAL write: CVAL = CNTVCT + TVAL");
    check(tval > 0 && tval <= (int32_t)(frq / 500), "TVAL counts down from the value written");
    check_eq(read_cntv_ctl() & (CTL_ENABLE | CTL_IMASK), CTL_ENABLE | CTL_IMASK,
             "CTL.ENABLE and IMASK read back");
    check(wait_istatus(read_cntv_ctl, frq), "ISTATUS sets when CNTVCT reaches CVAL");
    check(read_cntvct() >= cval, "  not before CVAL");
    check((int32_t)read_cntv_tval() <= 0, "TVAL is negative (signed) once expired");

    write_cntv_cval(read_cntvct() + frq);           /* 1 s ahead */
    isb();
    check_eq(read_cntv_ctl() & CTL_ISTATUS, 0, "CVAL in the future: ISTATUS clear");
    write_cntv_cval(0);
    isb();
    check_eq(read_cntv_ctl() & CTL_ISTATUS, CTL_ISTATUS, "CVAL = 0: ISTATUS set at once");
    write_cntv_tval((uint32_t)-1000);
    isb();
    now = read_cntvct();
    cval = read_cntv_cval();
    check(cval < now && now - cval < frq, "negative TVAL: CVAL = CNTVCT - 1000 (sign-extended)");
    check_eq(read_cntv_ctl() & CTL_ISTATUS, CTL_ISTATUS, "  ISTATUS set");
    write_cntv_ctl(0);
}

static void test_physical_timer_polled(void)
{
    uint32_t frq = read_cntfrq();

    section("physical timer, polled");
    write_cntp_ctl(0);
    write_cntp_tval(frq / 1000);
    write_cntp_ctl(CTL_ENABLE | CTL_IMASK);
    isb();
    check(wait_istatus(read_cntp_ctl, frq), "CNTP ISTATUS sets after TVAL ticks");
    write_cntp_ctl(0);
}

static void gic_setup(void)
{
    gicd_write(GICD_CTLR, 1);
    gic_set_byte(GICD_IPRIORITYR, VTIMER_IRQ, 0x80);
    gic_bit_write(GICD_ISENABLER, VTIMER_IRQ);
    gicc_write(GICC_PMR, 0xf0);
    gicc_write(GICC_CTLR, 1);
}

static void test_timer_irq(void)
{
    uint32_t frq = read_cntfrq();

    section("virtual timer interrupt (PPI 27) through the GIC");
    gic_setup();
    exc_set_handler(EXC_IRQ, on_irq);
    irq.count = 0;

    /* IMASK set: the timer condition is met but no interrupt is raised */
    write_cntv_tval((uint32_t)-1);
    write_cntv_ctl(CTL_ENABLE | CTL_IMASK);
    isb();
    delay_ticks(1000);
    check_eq(read_cntv_ctl() & CTL_ISTATUS, CTL_ISTATUS, "IMASK: ISTATUS still set");
    check_eq(gic_bit_test(GICD_ISPENDR, VTIMER_IRQ), 0, "IMASK: PPI 27 not pending");
    check_eq(gicc_read(GICC_IAR) & 0x3ff, GIC_SPURIOUS, "IMASK: IAR reads 1023");

    /* CPSR.I set: WFI still wakes up on the pending interrupt */
    write_cntv_tval(frq / 200);                     /* 5 ms */
    write_cntv_ctl(CTL_ENABLE);
    isb();
    uint64_t cval = read_cntv_cval();
    for (int i = 0; i < 1000 && !gic_bit_test(GICD_ISPENDR, VTIMER_IRQ); i++)
        wfi();
    check(read_cntvct() >= cval, "WFI (IRQs masked) returns once the timer fired");
    check_eq(gic_bit_test(GICD_ISPENDR, VTIMER_IRQ), 1, "PPI 27 pending in GICD_ISPENDR0");
    check_eq(gicc_read(GICC_HPPIR) & 0x3ff, VTIMER_IRQ, "GICC_HPPIR = 27");
    check_eq(irq.count, 0, "no IRQ exception while CPSR.I = 1");

    irq_enable();
    isb();
    for (int i = 0; i < 1000 && irq.count == 0; i++)
        ;
    irq_disable();
    check_eq(irq.count, 1, "IRQ taken once CPSR.I is cleared");
    check_eq(irq.iar, VTIMER_IRQ, "GICC_IAR = 27 (CPU ID 0)");
    check_eq(irq.cpsr & (CPSR_MODE_MASK | CPSR_I), MODE_IRQ | CPSR_I,
             "handler in IRQ mode with CPSR.I set");
    check_eq(irq.spsr & (CPSR_MODE_MASK | CPSR_I), MODE_SVC, "SPSR_irq: SVC, I clear");
    check_eq(gic_bit_test(GICD_ISPENDR, VTIMER_IRQ), 0, "after EOI: not pending");
    check_eq(gic_bit_test(GICD_ISACTIVER, VTIMER_IRQ), 0, "after EOI: not active");
    check_eq(gicc_read(GICC_IAR) & 0x3ff, GIC_SPURIOUS, "IAR then reads 1023");

    /* CPSR.I clear: WFI sleeps until the IRQ, which is taken on waking */
    write_cntv_tval(frq / 200);
    write_cntv_ctl(CTL_ENABLE);
    isb();
    cval = read_cntv_cval();
    irq_enable();
    for (int i = 0; i < 1000 && irq.count == 1; i++)
        wfi();
    irq_disable();
    check_eq(irq.count, 2, "WFI with IRQs enabled: the timer IRQ was taken");
    check(read_cntvct() >= cval, "  not before CVAL");
    write_cntv_ctl(0);
    exc_set_handler(EXC_IRQ, 0);
}

void test_main(void)
{
    print_line("timer: generic timer and its interrupt");
    test_counters();
    test_virtual_timer_polled();
    test_physical_timer_polled();
    test_timer_irq();
}
