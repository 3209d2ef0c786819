/* PL011 UART and PL031 RTC against their Technical Reference Manuals:
 * identification registers, FIFOs and flags, interrupts and the level an
 * interrupt controller sees, the RTC counter, load and match. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pl011.h"
#include "devices/pl031.h"

/* An interrupt controller input that records what it is driven with. */
typedef struct FakeController {
    bool level;
    unsigned line;
    unsigned changes;
} FakeController;

static void fake_set(void *controller, unsigned line, bool level)
{
    FakeController *c = controller;
    c->level = level;
    c->line = line;
    c->changes++;
}

/* The host console end of the UART. */
typedef struct Console {
    uint8_t out[256];
    unsigned count;
} Console;

static void console_tx(void *opaque, uint8_t byte)
{
    Console *c = opaque;
    if (c->count < sizeof c->out)
        c->out[c->count++] = byte;
}

static Log quiet_log = {0, NULL};
static Pl011 uart;
static FakeController ctrl;
static Console console;

static void setup_uart(void)
{
    memset(&ctrl, 0, sizeof ctrl);
    memset(&console, 0, sizeof console);
    pl011_init(&uart, &quiet_log, (IrqLine){fake_set, &ctrl, 33}, console_tx, &console);
}

static uint32_t rd(uint32_t offset)
{
    return (uint32_t)pl011_ops.read(&uart, offset, 4);
}

static void wr(uint32_t offset, uint32_t value)
{
    pl011_ops.write(&uart, offset, value, 4);
}

static void enable_uart(void)
{
    wr(PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
}

/* TRM r1p5: UARTPeriphID0-3 give part 0x011, designer 0x41 (ARM),
 * revision 3; UARTPCellID0-3 the PrimeCell preamble 0xB105F00D. */
START_TEST(test_pl011_id_registers)
{
    static const uint8_t want[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(rd(0xfe0 + 4 * i), want[i]);
    uint32_t part = rd(0xfe0) | (rd(0xfe4) & 0xf) << 8;
    uint32_t designer = rd(0xfe4) >> 4 | (rd(0xfe8) & 0xf) << 4;
    ck_assert_uint_eq(part, 0x011);
    ck_assert_uint_eq(designer, 0x41);
    ck_assert_uint_eq(rd(0xfe8) >> 4, 3);
}
END_TEST

/* Reset values from the TRM's register summary. */
START_TEST(test_pl011_reset_values)
{
    ck_assert_uint_eq(rd(PL011_CR), 0x300);
    ck_assert_uint_eq(rd(PL011_IFLS), 0x12);
    ck_assert_uint_eq(rd(PL011_IMSC), 0);
    ck_assert_uint_eq(rd(PL011_LCR_H), 0);
    uint32_t fr = rd(PL011_FR);
    ck_assert(fr & PL011_FR_TXFE);
    ck_assert(fr & PL011_FR_RXFE);
    ck_assert(!(fr & (PL011_FR_TXFF | PL011_FR_RXFF | PL011_FR_BUSY)));
    ck_assert(!ctrl.level);
}
END_TEST

START_TEST(test_pl011_tx_reaches_callback)
{
    enable_uart();
    wr(PL011_DR, 'h');
    pl011_ops.write(&uart, PL011_DR, 'i', 1); /* byte store */
    ck_assert_uint_eq(console.count, 2);
    ck_assert_mem_eq(console.out, "hi", 2);
    uint32_t fr = rd(PL011_FR);
    ck_assert(fr & PL011_FR_TXFE);
    ck_assert(!(fr & PL011_FR_BUSY));
}
END_TEST

/* Data written while the transmitter is disabled stays in the FIFO (BUSY,
 * not TXFE, TXFF when full) and is sent, in order, once it is enabled. */
START_TEST(test_pl011_tx_waits_for_enable)
{
    wr(PL011_LCR_H, PL011_LCR_H_FEN);
    wr(PL011_CR, PL011_CR_TXE); /* UARTEN clear */
    for (unsigned i = 0; i < PL011_FIFO_DEPTH; i++)
        wr(PL011_DR, 'a' + i % 26);
    ck_assert_uint_eq(console.count, 0);
    uint32_t fr = rd(PL011_FR);
    ck_assert(fr & PL011_FR_BUSY);
    ck_assert(fr & PL011_FR_TXFF);
    ck_assert(!(fr & PL011_FR_TXFE));
    enable_uart();
    ck_assert_uint_eq(console.count, PL011_FIFO_DEPTH);
    ck_assert_uint_eq(console.out[0], 'a');
    ck_assert_uint_eq(console.out[31], 'a' + 31 % 26);
    ck_assert(rd(PL011_FR) & PL011_FR_TXFE);
}
END_TEST

/* With FIFOs disabled the receive side is a one-character holding
 * register; the receiver takes nothing while disabled. */
START_TEST(test_pl011_rx_holding_register)
{
    ck_assert(!pl011_can_receive(&uart)); /* UARTEN clear at reset */
    enable_uart();
    ck_assert(pl011_can_receive(&uart));
    pl011_receive(&uart, 'x');
    ck_assert(!pl011_can_receive(&uart));
    uint32_t fr = rd(PL011_FR);
    ck_assert(fr & PL011_FR_RXFF);
    ck_assert(!(fr & PL011_FR_RXFE));
    ck_assert_uint_eq(rd(PL011_DR), 'x');
    ck_assert(rd(PL011_FR) & PL011_FR_RXFE);
    ck_assert(pl011_can_receive(&uart));
}
END_TEST

START_TEST(test_pl011_rx_fifo_fill_and_drain)
{
    enable_uart();
    wr(PL011_LCR_H, PL011_LCR_H_FEN | 0x60); /* 8 bits, FIFOs on */
    for (unsigned i = 0; i < PL011_FIFO_DEPTH; i++) {
        ck_assert(pl011_can_receive(&uart));
        ck_assert(!(rd(PL011_FR) & PL011_FR_RXFF));
        pl011_receive(&uart, (uint8_t)(0x40 + i));
    }
    ck_assert(!pl011_can_receive(&uart));
    ck_assert(rd(PL011_FR) & PL011_FR_RXFF);
    pl011_receive(&uart, 0xee); /* refused: the caller keeps it */
    for (unsigned i = 0; i < PL011_FIFO_DEPTH; i++) {
        ck_assert(!(rd(PL011_FR) & PL011_FR_RXFE));
        ck_assert_uint_eq(rd(PL011_DR) & 0xff, 0x40 + i);
    }
    ck_assert(rd(PL011_FR) & PL011_FR_RXFE);
    ck_assert_uint_eq(rd(PL011_RSR), 0);
}
END_TEST

/* RX interrupt at the IFLS trigger level (reset: half full, 16 of 32),
 * masked by IMSC, seen by the controller, cleared by reading below it. */
START_TEST(test_pl011_rx_interrupt_trigger_level)
{
    enable_uart();
    wr(PL011_LCR_H, PL011_LCR_H_FEN);
    wr(PL011_IMSC, PL011_INT_RX);
    for (unsigned i = 0; i < 15; i++)
        pl011_receive(&uart, 'a');
    ck_assert(!(rd(PL011_RIS) & PL011_INT_RX));
    ck_assert(!ctrl.level);
    pl011_receive(&uart, 'a');
    ck_assert(rd(PL011_RIS) & PL011_INT_RX);
    ck_assert_uint_eq(rd(PL011_MIS), PL011_INT_RX);
    ck_assert(ctrl.level);
    ck_assert_uint_eq(ctrl.line, 33);
    rd(PL011_DR);
    ck_assert(!(rd(PL011_RIS) & PL011_INT_RX));
    ck_assert(!ctrl.level);
}
END_TEST

/* Characters below the trigger level raise the receive timeout; it goes
 * when the FIFO empties, or by ICR. */
START_TEST(test_pl011_rx_timeout_interrupt)
{
    enable_uart();
    wr(PL011_LCR_H, PL011_LCR_H_FEN);
    wr(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
    pl011_receive(&uart, 'a');
    ck_assert_uint_eq(rd(PL011_MIS), PL011_INT_RT);
    ck_assert(ctrl.level);
    rd(PL011_DR);
    ck_assert_uint_eq(rd(PL011_RIS) & PL011_INT_RT, 0);
    ck_assert(!ctrl.level);
    pl011_receive(&uart, 'b');
    ck_assert(ctrl.level);
    wr(PL011_ICR, PL011_INT_RT);
    ck_assert_uint_eq(rd(PL011_MIS), 0);
    ck_assert(!ctrl.level);
}
END_TEST

/* One character raises RX with the FIFOs disabled. */
START_TEST(test_pl011_rx_interrupt_without_fifo)
{
    enable_uart();
    wr(PL011_IMSC, PL011_INT_RX);
    pl011_receive(&uart, 'z');
    ck_assert(rd(PL011_MIS) & PL011_INT_RX);
    ck_assert(ctrl.level);
    rd(PL011_DR);
    ck_assert(!ctrl.level);
}
END_TEST

/* TX interrupt: raised as transmitted data leaves the FIFO, masked and
 * unmasked through IMSC, cleared by ICR; the line follows RIS & IMSC and
 * is driven only when it changes. */
START_TEST(test_pl011_tx_interrupt)
{
    enable_uart();
    wr(PL011_LCR_H, PL011_LCR_H_FEN);
    wr(PL011_DR, 'a');
    ck_assert(rd(PL011_RIS) & PL011_INT_TX);
    ck_assert(!ctrl.level); /* masked */
    wr(PL011_IMSC, PL011_INT_TX);
    ck_assert(ctrl.level);
    ck_assert_uint_eq(ctrl.changes, 1);
    wr(PL011_DR, 'b');
    ck_assert_uint_eq(ctrl.changes, 1); /* still high: no new edge */
    wr(PL011_ICR, PL011_INT_TX);
    ck_assert_uint_eq(rd(PL011_RIS) & PL011_INT_TX, 0);
    ck_assert(!ctrl.level);
    wr(PL011_DR, 'c');
    ck_assert(ctrl.level);
    wr(PL011_IMSC, 0);
    ck_assert(!ctrl.level);
    ck_assert(rd(PL011_RIS) & PL011_INT_TX);
    ck_assert_uint_eq(console.count, 3);
}
END_TEST

/* Writes that fill the disabled transmitter's FIFO above its trigger
 * level clear TX; draining it on enable raises TX. */
START_TEST(test_pl011_tx_interrupt_on_drain)
{
    wr(PL011_LCR_H, PL011_LCR_H_FEN);
    wr(PL011_CR, PL011_CR_TXE);
    wr(PL011_IMSC, PL011_INT_TX);
    for (unsigned i = 0; i < 20; i++) /* above the 16-character trigger */
        wr(PL011_DR, '0');
    ck_assert(!ctrl.level);
    enable_uart();
    ck_assert(ctrl.level);
    ck_assert_uint_eq(console.count, 20);
}
END_TEST

/* Loopback feeds the transmitter into the receiver. */
START_TEST(test_pl011_loopback)
{
    wr(PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE | PL011_CR_LBE);
    ck_assert(!pl011_can_receive(&uart));
    wr(PL011_DR, 'L');
    ck_assert_uint_eq(console.count, 0);
    ck_assert_uint_eq(rd(PL011_DR), 'L');
}
END_TEST

START_TEST(test_pl011_stored_registers_and_byte_reads)
{
    wr(PL011_IBRD, 0x12345);
    wr(PL011_FBRD, 0xff);
    wr(PL011_DMACR, 0x4);
    ck_assert_uint_eq(rd(PL011_IBRD), 0x2345); /* 16 bits */
    ck_assert_uint_eq(rd(PL011_FBRD), 0x3f);   /* 6 bits */
    ck_assert_uint_eq(rd(PL011_DMACR), 0x4);
    ck_assert_uint_eq(pl011_ops.read(&uart, PL011_CR + 1, 1), 0x03);
    ck_assert_uint_eq(pl011_ops.read(&uart, 0xfe0, 1), 0x11);
}
END_TEST

/* --- PL031 ------------------------------------------------------------ */

typedef struct FakeClock {
    uint64_t ns;
} FakeClock;

static uint64_t fake_now(void *opaque)
{
    return ((FakeClock *)opaque)->ns;
}

static Pl031 rtc;
static FakeClock clk;

static void setup_rtc(void)
{
    memset(&ctrl, 0, sizeof ctrl);
    clk.ns = 0;
    pl031_init(&rtc, &quiet_log, (IrqLine){fake_set, &ctrl, 34}, fake_now, &clk, 1000);
}

static uint32_t rtc_rd(uint32_t offset)
{
    return (uint32_t)pl031_ops.read(&rtc, offset, 4);
}

static void rtc_wr(uint32_t offset, uint32_t value)
{
    pl031_ops.write(&rtc, offset, value, 4);
}

START_TEST(test_pl031_id_registers)
{
    static const uint8_t want[8] = {0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(rtc_rd(0xfe0 + 4 * i), want[i]);
}
END_TEST

START_TEST(test_pl031_counts_seconds)
{
    ck_assert_uint_eq(rtc_rd(PL031_DR), 1000);
    clk.ns = 2500000000ull;
    ck_assert_uint_eq(rtc_rd(PL031_DR), 1002);
    clk.ns = 3000000000ull;
    ck_assert_uint_eq(rtc_rd(PL031_DR), 1003);
    ck_assert_uint_eq(rtc_rd(PL031_CR), 1); /* running */
}
END_TEST

/* Writing RTCLR loads the counter, which keeps counting from there. */
START_TEST(test_pl031_load)
{
    clk.ns = 7000000000ull;
    rtc_wr(PL031_LR, 5000);
    ck_assert_uint_eq(rtc_rd(PL031_DR), 5000);
    ck_assert_uint_eq(rtc_rd(PL031_LR), 5000);
    clk.ns += 3000000000ull;
    ck_assert_uint_eq(rtc_rd(PL031_DR), 5003);
    rtc_wr(PL031_DR, 1); /* read-only */
    ck_assert_uint_eq(rtc_rd(PL031_DR), 5003);
}
END_TEST

/* RTCRIS is set when the counter reaches RTCMR; the output follows
 * RIS & IMSC; ICR clears it. */
START_TEST(test_pl031_match_interrupt)
{
    rtc_wr(PL031_MR, 1005);
    rtc_wr(PL031_IMSC, 1);
    clk.ns = 4000000000ull; /* 1004 */
    ck_assert_uint_eq(rtc_rd(PL031_RIS), 0);
    ck_assert(!ctrl.level);
    clk.ns = 6000000000ull; /* 1006: 1005 was passed between accesses */
    pl031_update(&rtc);
    ck_assert(ctrl.level);
    ck_assert_uint_eq(ctrl.line, 34);
    ck_assert_uint_eq(rtc_rd(PL031_RIS), 1);
    ck_assert_uint_eq(rtc_rd(PL031_MIS), 1);
    rtc_wr(PL031_ICR, 1);
    ck_assert_uint_eq(rtc_rd(PL031_RIS), 0);
    ck_assert(!ctrl.level);
    rtc_wr(PL031_IMSC, 0);
    rtc_wr(PL031_MR, 1006); /* equal right now */
    ck_assert_uint_eq(rtc_rd(PL031_RIS), 1);
    ck_assert_uint_eq(rtc_rd(PL031_MIS), 0);
    ck_assert(!ctrl.level);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pl011");
    TCase *tc = tcase_create("pl011");
    tcase_add_checked_fixture(tc, setup_uart, NULL);
    tcase_add_test(tc, test_pl011_id_registers);
    tcase_add_test(tc, test_pl011_reset_values);
    tcase_add_test(tc, test_pl011_tx_reaches_callback);
    tcase_add_test(tc, test_pl011_tx_waits_for_enable);
    tcase_add_test(tc, test_pl011_rx_holding_register);
    tcase_add_test(tc, test_pl011_rx_fifo_fill_and_drain);
    tcase_add_test(tc, test_pl011_rx_interrupt_trigger_level);
    tcase_add_test(tc, test_pl011_rx_timeout_interrupt);
    tcase_add_test(tc, test_pl011_rx_interrupt_without_fifo);
    tcase_add_test(tc, test_pl011_tx_interrupt);
    tcase_add_test(tc, test_pl011_tx_interrupt_on_drain);
    tcase_add_test(tc, test_pl011_loopback);
    tcase_add_test(tc, test_pl011_stored_registers_and_byte_reads);
    suite_add_tcase(s, tc);
    TCase *rtc_tc = tcase_create("pl031");
    tcase_add_checked_fixture(rtc_tc, setup_rtc, NULL);
    tcase_add_test(rtc_tc, test_pl031_id_registers);
    tcase_add_test(rtc_tc, test_pl031_counts_seconds);
    tcase_add_test(rtc_tc, test_pl031_load);
    tcase_add_test(rtc_tc, test_pl031_match_interrupt);
    suite_add_tcase(s, rtc_tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
