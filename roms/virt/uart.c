/*
 * uart: the PL011 UART (ARM DDI 0183) and PL031 RTC (ARM DDI 0224) of the
 * board: PrimeCell identification registers, PL011 flags and read/write
 * registers, and the RTC counting seconds, loading, matching and raising
 * its interrupt (SPI 2, interrupt ID 34) at the GIC.  No UART receive test:
 * there is no input.
 */
#include "rom.h"

#define UART_FR 0x018
#define UART_IBRD 0x024
#define UART_FBRD 0x028
#define UART_LCR_H 0x02c
#define UART_CR 0x030
#define UART_IMSC 0x038
#define UART_RIS 0x03c
#define UART_MIS 0x040
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_TXFE (1u << 7)

#define RTC_DR 0x000
#define RTC_MR 0x004
#define RTC_LR 0x008
#define RTC_IMSC 0x010
#define RTC_RIS 0x014
#define RTC_MIS 0x018
#define RTC_ICR 0x01c
#define RTC_IRQ (32u + 2u)

static uint32_t reg(uint32_t base, uint32_t off) { return mmio_read32(base + off); }

/* PeriphID0-3 and PCellID0-3 at 0xFE0-0xFFC: 8 bits each. */
static void check_primecell(uint32_t base, uint32_t part, const char *what)
{
    uint32_t pid = 0, cid = 0;
    for (uint32_t i = 0; i < 4; i++) {
        pid |= (reg(base, 0xfe0 + 4 * i) & 0xff) << (8 * i);
        cid |= (reg(base, 0xff0 + 4 * i) & 0xff) << (8 * i);
    }
    puts_raw("  ");
    puts_raw(what);
    puts_raw(" PeriphID = ");
    print_hex(pid);
    puts_raw(", PCellID = ");
    print_hex(cid);
    uart_putc('\n');
    check_eq(pid & 0xfff, part, "  part number");
    check_eq((pid >> 12) & 0xff, 0x41, "  designer 0x41 (ARM)");
    check_eq(cid, 0xb105f00d, "  PrimeCell ID 0xB105F00D");
}

static int wait_tx_idle(void)
{
    for (int i = 0; i < 1000000; i++)
        if ((reg(UART_BASE, UART_FR) & (FR_BUSY | FR_TXFE)) == FR_TXFE)
            return 1;
    return 0;
}

static void test_pl011(void)
{
    section("PL011 UART");
    check_primecell(UART_BASE, 0x011, "PL011");
    puts_raw("  transmitting a line through UARTDR... ");
    print_line("done");
    check(wait_tx_idle(), "FR: BUSY clears and TXFE sets after transmitting");
    uint32_t fr = reg(UART_BASE, UART_FR);
    check_eq(fr & FR_TXFF, 0, "FR.TXFF clear when idle");
    check_eq(fr & FR_RXFE, FR_RXFE, "FR.RXFE set (no input)");

    uint32_t ibrd = reg(UART_BASE, UART_IBRD), fbrd = reg(UART_BASE, UART_FBRD);
    uint32_t lcr = reg(UART_BASE, UART_LCR_H);
    mmio_write32(UART_BASE + UART_IBRD, 0x1234);
    mmio_write32(UART_BASE + UART_FBRD, 0x2a);     /* bits 15:6 are do-not-modify */
    mmio_write32(UART_BASE + UART_LCR_H, 0x70);     /* 8N1, FIFOs on */
    check_eq(reg(UART_BASE, UART_IBRD), 0x1234, "IBRD reads back (16 bits)");
    check_eq(reg(UART_BASE, UART_FBRD) & 0x3f, 0x2a, "FBRD reads back (6 bits)");
    check_eq(reg(UART_BASE, UART_LCR_H), 0x70, "LCR_H reads back");
    mmio_write32(UART_BASE + UART_IBRD, ibrd);
    mmio_write32(UART_BASE + UART_FBRD, fbrd);
    mmio_write32(UART_BASE + UART_LCR_H, lcr);
    check_eq(reg(UART_BASE, UART_CR) & 0x301, 0x301, "CR: UARTEN, TXE, RXE read back");

    mmio_write32(UART_BASE + UART_IMSC, 0x7ff);
    check_eq(reg(UART_BASE, UART_IMSC), 0x7ff, "IMSC: 11 mask bits");
    check_eq(reg(UART_BASE, UART_MIS), reg(UART_BASE, UART_RIS) & 0x7ff, "MIS = RIS & IMSC");
    mmio_write32(UART_BASE + UART_IMSC, 0);
    check_eq(reg(UART_BASE, UART_MIS), 0, "IMSC = 0: MIS = 0");
}

static void test_pl031(void)
{
    uint32_t frq = read_cntfrq();

    section("PL031 RTC");
    check_primecell(RTC_BASE, 0x031, "PL031");
    uint32_t t0 = reg(RTC_BASE, RTC_DR);
    puts_raw("  RTCDR = ");
    print_dec(t0);
    print_line(" (seconds since 1970)");
    delay_ticks(frq + frq / 4);                     /* 1.25 s */
    uint32_t t1 = reg(RTC_BASE, RTC_DR);
    check(t1 - t0 >= 1 && t1 - t0 <= 3, "RTCDR counts seconds (+1..3 after 1.25 s)");

    mmio_write32(RTC_BASE + RTC_LR, 1000000);
    uint32_t loaded = reg(RTC_BASE, RTC_DR);
    check(loaded - 1000000 <= 1, "RTCLR write loads the counter");
    mmio_write32(RTC_BASE + RTC_MR, 1000002);
    check_eq(reg(RTC_BASE, RTC_MR), 1000002, "RTCMR reads back");

    /* the match interrupt, through the GIC (polled: CPSR.I stays set) */
    gicd_write(GICD_CTLR, 1);
    gic_set_byte(GICD_IPRIORITYR, RTC_IRQ, 0x80);
    gic_bit_write(GICD_ISENABLER, RTC_IRQ);
    mmio_write32(RTC_BASE + RTC_ICR, 1);
    mmio_write32(RTC_BASE + RTC_IMSC, 1);
    check_eq(reg(RTC_BASE, RTC_IMSC) & 1, 1, "RTCIMSC reads back");
    delay_ticks(3 * frq);                           /* past the match */
    check_eq(reg(RTC_BASE, RTC_RIS) & 1, 1, "RTCRIS set once RTCDR reached RTCMR");
    check_eq(reg(RTC_BASE, RTC_MIS) & 1, 1, "RTCMIS set (unmasked)");
    check_eq(gic_bit_test(GICD_ISPENDR, RTC_IRQ), 1, "GIC: SPI 2 (ID 34) pending");
    mmio_write32(RTC_BASE + RTC_ICR, 1);
    check_eq(reg(RTC_BASE, RTC_RIS) & 1, 0, "RTCICR clears it");
    check_eq(gic_bit_test(GICD_ISPENDR, RTC_IRQ), 0, "GIC: ID 34 no longer pending");
    mmio_write32(RTC_BASE + RTC_IMSC, 0);
    gic_bit_write(GICD_ICENABLER, RTC_IRQ);
    mmio_write32(RTC_BASE + RTC_LR, t1 + 5);        /* roughly back to real time */
}

void test_main(void)
{
    print_line("uart: PL011 UART and PL031 RTC");
    test_pl011();
    test_pl031();
}
