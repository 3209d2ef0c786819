/*
 * ARM PrimeCell UART (PL011), revision r1p5, as described by its Technical
 * Reference Manual (ARM DDI 0183).
 *
 * The model has a 32-entry receive FIFO fed by the host console and a
 * transmit path that hands every byte to a host callback as soon as the
 * transmitter is enabled (UARTCR.UARTEN and TXE).  Bytes written while the
 * transmitter is disabled wait in a 32-entry transmit FIFO (FR.TXFF and
 * BUSY show it) and go out when the guest enables it; in loopback
 * (UARTCR.LBE) they go to the receive FIFO instead.  The receiver takes
 * input only while UARTEN and RXE are set and loopback is off.
 *
 * There is no baud-rate timing: IBRD/FBRD/LCR_H/ILPR/DMACR are stored and
 * read back only.  Consequences for interrupts (UARTRIS bits):
 *   RX  set when the receive FIFO reaches its UARTIFLS trigger level (one
 *       character with LCR_H.FEN clear), cleared when reads take it below.
 *   RT  (receive timeout) set whenever characters wait below the trigger
 *       level, as if the 32-bit-period timeout had already expired;
 *       cleared when the FIFO empties.
 *   TX  set when a character leaves the transmit FIFO with the FIFO at or
 *       below its trigger level, i.e. after every transmitted character;
 *       also when TXIM is unmasked while the transmitter is enabled and the
 *       FIFO is at or below its trigger level (a forgiving extension: the
 *       TRM's TX interrupt only fires on the transition, but drivers that
 *       unmask TXIM and wait are then not left hanging).
 *   OE  set when a loopback character finds the receive FIFO full.
 * The modem status inputs read as asserted (FR.CTS/DSR/DCD = 1, RI = 0)
 * and never change, so the modem interrupts never fire; hardware flow
 * control and IrDA are not modelled.  The output level on the IrqLine is
 * (RIS & IMSC) != 0, driven only when it changes.
 *
 * Sub-word accesses: reads return the addressed bytes of the register;
 * a write at an offset that is not word aligned is a guest error and is
 * ignored (the APB has no byte strobes); a narrow aligned write writes the
 * zero-extended value to the whole register.
 *
 *   Pl011 uart;
 *   pl011_init(&uart, &log, (IrqLine){gic_set_irq, &gic, 32 + VIRT_SPI_UART},
 *              console_putc, console);
 *   bus_add_mmio(&bus, "pl011", virt_memmap[VIRT_UART].base,
 *                virt_memmap[VIRT_UART].size, &pl011_ops, &uart);
 *   while (have_input && pl011_can_receive(&uart))
 *       pl011_receive(&uart, next_input_byte());
 */
#ifndef SCION_PL011_H
#define SCION_PL011_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/log.h"
#include "devices/bus.h"
#include "devices/irq.h"

#define PL011_FIFO_DEPTH 32

/* A byte queue used for both FIFOs. */
typedef struct Pl011Fifo {
    uint8_t data[PL011_FIFO_DEPTH];
    unsigned head, count;
} Pl011Fifo;

typedef struct Pl011 {
    Log *log;
    IrqLine irq;
    void (*tx)(void *opaque, uint8_t byte);
    void *tx_opaque;
    Pl011Fifo rx, tx_fifo;
    uint32_t rsr;   /* receive status: error bits of the last character */
    uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    bool irq_level; /* last level driven on irq */
} Pl011;

/* Reset state (TRM reset values: CR 0x300, IFLS 0x12, FIFOs empty). */
void pl011_init(Pl011 *u, Log *log, IrqLine irq, void (*tx)(void *opaque, uint8_t byte), void *tx_opaque);
/* True when pl011_receive would accept a byte now: receiver enabled, no
 * loopback, receive FIFO not full. */
bool pl011_can_receive(const Pl011 *u);
/* One byte from the console.  Call only when pl011_can_receive: otherwise
 * the byte is refused (dropped here; the caller should keep it). */
void pl011_receive(Pl011 *u, uint8_t byte);

extern const MmioOps pl011_ops; /* opaque: Pl011 *; 1..4-byte accesses */

/* Register offsets and bits the board and tests need. */
enum {
    PL011_DR = 0x000,
    PL011_RSR = 0x004,
    PL011_FR = 0x018,
    PL011_ILPR = 0x020,
    PL011_IBRD = 0x024,
    PL011_FBRD = 0x028,
    PL011_LCR_H = 0x02c,
    PL011_CR = 0x030,
    PL011_IFLS = 0x034,
    PL011_IMSC = 0x038,
    PL011_RIS = 0x03c,
    PL011_MIS = 0x040,
    PL011_ICR = 0x044,
    PL011_DMACR = 0x048,
    PL011_PERIPHID0 = 0xfe0,
    PL011_PCELLID0 = 0xff0,
};

enum {
    PL011_FR_CTS = 1u << 0,
    PL011_FR_DSR = 1u << 1,
    PL011_FR_DCD = 1u << 2,
    PL011_FR_BUSY = 1u << 3,
    PL011_FR_RXFE = 1u << 4,
    PL011_FR_TXFF = 1u << 5,
    PL011_FR_RXFF = 1u << 6,
    PL011_FR_TXFE = 1u << 7,
    PL011_FR_RI = 1u << 8,
};

enum {
    PL011_LCR_H_FEN = 1u << 4,
};

enum {
    PL011_CR_UARTEN = 1u << 0,
    PL011_CR_LBE = 1u << 7,
    PL011_CR_TXE = 1u << 8,
    PL011_CR_RXE = 1u << 9,
};

/* Interrupt bits of IMSC, RIS, MIS and ICR. */
enum {
    PL011_INT_RI = 1u << 0,
    PL011_INT_CTS = 1u << 1,
    PL011_INT_DCD = 1u << 2,
    PL011_INT_DSR = 1u << 3,
    PL011_INT_RX = 1u << 4,
    PL011_INT_TX = 1u << 5,
    PL011_INT_RT = 1u << 6,
    PL011_INT_FE = 1u << 7,
    PL011_INT_PE = 1u << 8,
    PL011_INT_BE = 1u << 9,
    PL011_INT_OE = 1u << 10,
    PL011_INT_ALL = 0x7ff,
};

/* The state table for snapshots (snapshot/vmstate.h). */
struct VmsDesc;
extern const struct VmsDesc pl011_vmstate;

#endif
