/* ARM PrimeCell UART (PL011 r1p5): registers, FIFOs and interrupts.
 * See pl011.h for what is modelled and what is not. */
#include "devices/pl011.h"
#include "snapshot/vmstate.h"

#include <string.h>

/* UARTPeriphID0-3 and UARTPCellID0-3 (TRM r1p5).  PeriphID2 0x34 is
 * designer bits [3:0] = 4 and revision 3 (r1p5); Linux's amba-pl011 reads
 * the revision to learn that the FIFOs are 32 entries deep. */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* Fill levels selected by UARTIFLS fields, in eighths of the FIFO. */
static const unsigned ifls_eighths[5] = {1, 2, 4, 6, 7};

enum { RSR_OE = 1u << 3 };

static void guest_error(Pl011 *u, const char *what, uint32_t offset)
{
    if (u->log && log_on(u->log, LOG_GUEST_ERRORS))
        log_printf(u->log, "pl011: %s at offset 0x%03x\n", what, offset);
}

/* --- FIFOs ----------------------------------------------------------- */

/* With LCR_H.FEN clear each FIFO is a one-byte holding register. */
static unsigned fifo_capacity(const Pl011 *u)
{
    return (u->lcr_h & PL011_LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

static bool fifo_full(const Pl011 *u, const Pl011Fifo *f)
{
    return f->count >= fifo_capacity(u);
}

static void fifo_push(Pl011Fifo *f, uint8_t byte)
{
    f->data[(f->head + f->count) % PL011_FIFO_DEPTH] = byte;
    f->count++;
}

static uint8_t fifo_pop(Pl011Fifo *f)
{
    uint8_t byte = f->data[f->head];
    f->head = (f->head + 1) % PL011_FIFO_DEPTH;
    f->count--;
    return byte;
}

/* The interrupt trigger level in characters for an IFLS field. */
static unsigned trigger_level(unsigned field)
{
    if (field > 4)
        field = 4; /* reserved encodings: treat as the highest level */
    return PL011_FIFO_DEPTH * ifls_eighths[field] / 8;
}

/* RX fires when the FIFO holds this many characters. */
static unsigned rx_trigger(const Pl011 *u)
{
    if (!(u->lcr_h & PL011_LCR_H_FEN))
        return 1;
    return trigger_level((u->ifls >> 3) & 7);
}

/* TX fires when the FIFO holds at most this many characters. */
static unsigned tx_trigger(const Pl011 *u)
{
    if (!(u->lcr_h & PL011_LCR_H_FEN))
        return 0;
    return trigger_level(u->ifls & 7);
}

/* --- interrupts ------------------------------------------------------ */

static void update_irq(Pl011 *u)
{
    bool level = (u->ris & u->imsc) != 0;
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

/* RX and RT after the receive FIFO level changed. */
static void update_rx_status(Pl011 *u)
{
    if (u->rx.count >= rx_trigger(u))
        u->ris |= PL011_INT_RX;
    else
        u->ris &= ~PL011_INT_RX;
    if (u->rx.count == 0)
        u->ris &= ~PL011_INT_RT;
    else if (!(u->ris & PL011_INT_RX))
        /* No timing: the timeout is taken to expire at once for data
         * waiting below the trigger level. */
        u->ris |= PL011_INT_RT;
}

/* --- receive --------------------------------------------------------- */

static bool receiver_on(const Pl011 *u)
{
    return (u->cr & PL011_CR_UARTEN) && (u->cr & PL011_CR_RXE);
}

static bool transmitter_on(const Pl011 *u)
{
    return (u->cr & PL011_CR_UARTEN) && (u->cr & PL011_CR_TXE);
}

bool pl011_can_receive(const Pl011 *u)
{
    return receiver_on(u) && !(u->cr & PL011_CR_LBE) && !fifo_full(u, &u->rx);
}

/* A character arriving at the receiver (console or loopback). */
static void receive_char(Pl011 *u, uint8_t byte)
{
    if (fifo_full(u, &u->rx)) {
        /* Overrun: the FIFO contents stay valid, the new character is lost. */
        u->rsr |= RSR_OE;
        u->ris |= PL011_INT_OE;
    } else {
        fifo_push(&u->rx, byte);
        update_rx_status(u);
    }
    update_irq(u);
}

void pl011_receive(Pl011 *u, uint8_t byte)
{
    if (pl011_can_receive(u))
        receive_char(u, byte);
}

static uint32_t read_dr(Pl011 *u)
{
    if (u->rx.count == 0)
        return 0; /* reading an empty FIFO is harmless; the data is undefined */
    uint8_t byte = fifo_pop(&u->rx);
    u->rsr = 0; /* our characters carry no framing, parity or break errors */
    update_rx_status(u);
    update_irq(u);
    return byte;
}

/* --- transmit -------------------------------------------------------- */

static void transmit_char(Pl011 *u, uint8_t byte)
{
    if (u->cr & PL011_CR_LBE) {
        if (receiver_on(u))
            receive_char(u, byte);
    } else if (u->tx) {
        u->tx(u->tx_opaque, byte);
    }
}

/* Sends what the transmit FIFO holds if the transmitter is on. */
static void drain_tx(Pl011 *u)
{
    bool sent = false;
    while (transmitter_on(u) && u->tx_fifo.count) {
        transmit_char(u, fifo_pop(&u->tx_fifo));
        sent = true;
    }
    /* The FIFO passed down through its trigger level as characters left. */
    if (sent && u->tx_fifo.count <= tx_trigger(u))
        u->ris |= PL011_INT_TX;
    update_irq(u);
}

static void write_dr(Pl011 *u, uint32_t value)
{
    if (fifo_full(u, &u->tx_fifo)) {
        guest_error(u, "write to DR with the transmit FIFO full", PL011_DR);
        return;
    }
    fifo_push(&u->tx_fifo, (uint8_t)value);
    if (u->tx_fifo.count > tx_trigger(u))
        u->ris &= ~PL011_INT_TX;
    drain_tx(u);
}

/* --- registers ------------------------------------------------------- */

static uint32_t read_fr(const Pl011 *u)
{
    /* The modem inputs are a line whose other end is always ready. */
    uint32_t fr = PL011_FR_CTS | PL011_FR_DSR | PL011_FR_DCD;
    if (u->tx_fifo.count)
        fr |= PL011_FR_BUSY;
    else
        fr |= PL011_FR_TXFE;
    if (fifo_full(u, &u->tx_fifo))
        fr |= PL011_FR_TXFF;
    if (u->rx.count == 0)
        fr |= PL011_FR_RXFE;
    if (fifo_full(u, &u->rx))
        fr |= PL011_FR_RXFF;
    return fr;
}

static uint32_t read_reg(Pl011 *u, uint32_t offset)
{
    switch (offset) {
    case PL011_DR: return read_dr(u);
    case PL011_RSR: return u->rsr;
    case PL011_FR: return read_fr(u);
    case PL011_ILPR: return u->ilpr;
    case PL011_IBRD: return u->ibrd;
    case PL011_FBRD: return u->fbrd;
    case PL011_LCR_H: return u->lcr_h;
    case PL011_CR: return u->cr;
    case PL011_IFLS: return u->ifls;
    case PL011_IMSC: return u->imsc;
    case PL011_RIS: return u->ris;
    case PL011_MIS: return u->ris & u->imsc;
    case PL011_DMACR: return u->dmacr;
    case PL011_ICR:
        guest_error(u, "read of write-only ICR", offset);
        return 0;
    }
    if (offset >= PL011_PERIPHID0 && offset <= 0xffc)
        return pl011_id[(offset - PL011_PERIPHID0) / 4];
    guest_error(u, "read of reserved register", offset);
    return 0;
}

static void write_imsc(Pl011 *u, uint32_t value)
{
    uint32_t unmasked = value & ~u->imsc;
    u->imsc = value & PL011_INT_ALL;
    /* See pl011.h: unmasking TX with room in the FIFO raises it. */
    if ((unmasked & PL011_INT_TX) && transmitter_on(u) && u->tx_fifo.count <= tx_trigger(u))
        u->ris |= PL011_INT_TX;
    update_irq(u);
}

static void write_cr(Pl011 *u, uint32_t value)
{
    /* Bits 6:3 are reserved. */
    u->cr = value & 0xff87;
    drain_tx(u);
}

static void write_reg(Pl011 *u, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case PL011_DR: write_dr(u, value); return;
    case PL011_RSR: u->rsr = 0; return; /* UARTECR: any write clears */
    case PL011_ILPR: u->ilpr = value & 0xff; return;
    case PL011_IBRD: u->ibrd = value & 0xffff; return;
    case PL011_FBRD: u->fbrd = value & 0x3f; return;
    case PL011_LCR_H: u->lcr_h = value & 0xff; return;
    case PL011_CR: write_cr(u, value); return;
    case PL011_IFLS: u->ifls = value & 0x3f; return;
    case PL011_IMSC: write_imsc(u, value); return;
    case PL011_ICR:
        u->ris &= ~value;
        update_irq(u);
        return;
    case PL011_DMACR:
        u->dmacr = value & 7;
        if ((value & 3) && u->log && log_on(u->log, LOG_UNIMP)) /* RXDMAE/TXDMAE: no DMA controller */
            log_printf(u->log, "pl011: DMA requests (DMACR 0x%x at offset 0x048) are not modelled\n", value);
        return;
    case PL011_FR:
    case PL011_RIS:
    case PL011_MIS:
        guest_error(u, "write to read-only register", offset);
        return;
    }
    guest_error(u, "write to reserved or read-only register", offset);
}

static uint64_t pl011_read(void *opaque, uint32_t offset, unsigned size)
{
    Pl011 *u = opaque;
    unsigned shift = (offset & 3) * 8;
    uint32_t value = read_reg(u, offset & ~3u) >> shift;
    return size >= 4 ? value : value & ((1u << (size * 8)) - 1);
}

static void pl011_write(void *opaque, uint32_t offset, uint64_t value, unsigned size)
{
    Pl011 *u = opaque;
    if (offset & 3) {
        guest_error(u, "unaligned write ignored", offset);
        return;
    }
    uint32_t v = (uint32_t)value;
    if (size < 4)
        v &= (1u << (size * 8)) - 1;
    write_reg(u, offset, v);
}

const MmioOps pl011_ops = {pl011_read, pl011_write, 1, 4};

void pl011_init(Pl011 *u, Log *log, IrqLine irq, void (*tx)(void *opaque, uint8_t byte), void *tx_opaque)
{
    memset(u, 0, sizeof *u);
    u->log = log;
    u->irq = irq;
    u->tx = tx;
    u->tx_opaque = tx_opaque;
    u->cr = PL011_CR_TXE | PL011_CR_RXE;
    u->ifls = 0x12; /* both trigger levels at half full */
}

/* --- snapshot state ----------------------------------------------------- */

static const VmsField pl011_fifo_fields[] = {
    VMS(Pl011Fifo, data),
    VMS_MAX(Pl011Fifo, head, PL011_FIFO_DEPTH - 1),
    VMS_MAX(Pl011Fifo, count, PL011_FIFO_DEPTH),
};
static const VmsDesc pl011_fifo_vmstate = VMS_DESC("pl011-fifo", 1, Pl011Fifo, pl011_fifo_fields, NULL);

static const VmsField pl011_fields[] = {
    VMS_STRUCT(Pl011, rx, Pl011Fifo, pl011_fifo_vmstate),
    VMS_STRUCT(Pl011, tx_fifo, Pl011Fifo, pl011_fifo_vmstate),
    VMS_MAX(Pl011, rsr, 0xf), VMS(Pl011, ilpr), VMS(Pl011, ibrd), VMS(Pl011, fbrd), VMS(Pl011, lcr_h),
    VMS(Pl011, cr), VMS(Pl011, ifls), VMS_MAX(Pl011, imsc, PL011_INT_ALL), VMS_MAX(Pl011, ris, PL011_INT_ALL),
    VMS(Pl011, dmacr), VMS(Pl011, irq_level),
};
const VmsDesc pl011_vmstate = VMS_DESC("pl011", 1, Pl011, pl011_fields, NULL);
