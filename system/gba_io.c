/*
 * The GBA's I/O registers (0x04000000-0x040003ff): what reads return and
 * what writes set off.  The PPU reads its registers straight from Gba.io;
 * sound goes to the APU, DMA and timers to their devices; interrupts,
 * keypad, wait states and halting are the board's.
 */
#include <string.h>

#include "system/gba_board.h"

static uint16_t io16(const Gba *g, uint32_t offset)
{
    return (uint16_t)(g->io[offset] | g->io[offset + 1] << 8);
}

static void set_io16(Gba *g, uint32_t offset, uint16_t v)
{
    g->io[offset] = (uint8_t)v;
    g->io[offset + 1] = (uint8_t)(v >> 8);
}

static bool in_range(uint32_t offset, uint32_t first, uint32_t end)
{
    return offset >= first && offset < end;
}

static void report_unimplemented(Gba *g, const char *what, uint32_t offset)
{
    if (log_on(&g->m.log, LOG_UNIMP))
        log_printf(&g->m.log, "gba: unimplemented I/O register %s at 0x%08x (pc 0x%08x)\n", what,
                   GBA_IO_BASE + offset, g->m.cpu.common.insn_pc);
}

/* Registers that read back as written (GBATEK marks the others W). */
static bool readable_video(uint32_t offset)
{
    switch (offset) {
    case GBA_REG_DISPCNT: case GBA_REG_GREENSWAP: case GBA_REG_BG0CNT: case GBA_REG_BG0CNT + 2:
    case GBA_REG_BG0CNT + 4: case GBA_REG_BG0CNT + 6: case GBA_REG_WININ: case GBA_REG_WINOUT:
    case GBA_REG_BLDCNT: case GBA_REG_BLDALPHA:
        return true;
    default:
        return false;
    }
}

static uint16_t read16(Gba *g, uint32_t offset)
{
    GbaRegs *r = &g->regs;
    if (offset < GBA_REG_SOUND_FIRST) {
        if (offset == GBA_REG_DISPSTAT)
            return gba_dispstat(g);
        if (offset == GBA_REG_VCOUNT)
            return r->line;
        return readable_video(offset) ? io16(g, offset) : 0;
    }
    if (in_range(offset, GBA_REG_SOUND_FIRST, GBA_REG_SOUND_END))
        return (uint16_t)gba_apu_read(&g->apu, offset, 2);
    if (in_range(offset, GBA_REG_DMA0SAD, GBA_REG_DMA0SAD + 48))
        return gba_dma_read16(&g->dma, offset - GBA_REG_DMA0SAD);
    if (in_range(offset, GBA_REG_TM0CNT_L, GBA_REG_TM0CNT_L + 16)) {
        unsigned n = (offset - GBA_REG_TM0CNT_L) / 4;
        gba_sync_devices(g);
        return offset & 2 ? g->timers.control[n] : gba_timer_read_counter(&g->timers, n);
    }
    switch (offset) {
    case GBA_REG_KEYINPUT: return (uint16_t)(~r->keys_pressed & GBA_KEYS_ALL);
    case GBA_REG_KEYCNT: return r->keycnt;
    case GBA_REG_IE: return r->ie;
    case GBA_REG_IF: return r->iflags;
    case GBA_REG_WAITCNT: return r->waitcnt;
    case GBA_REG_IME: return r->ime;
    case GBA_REG_POSTFLG: return io16(g, offset);
    case GBA_REG_RCNT: return io16(g, offset);
    default: break;
    }
    if (in_range(offset, GBA_REG_SIODATA32, GBA_REG_KEYINPUT) || in_range(offset, 0x140, 0x15c)) {
        report_unimplemented(g, "read (serial)", offset);
        return io16(g, offset);
    }
    return 0; /* unused: reads as 0 */
}

uint32_t gba_io_read(Gba *g, uint32_t offset, unsigned size)
{
    if (size == 4)
        return read16(g, offset) | (uint32_t)read16(g, offset + 2) << 16;
    uint16_t v = read16(g, offset & ~1u);
    return size == 2 ? v : (uint32_t)(v >> (8 * (offset & 1)) & 0xff);
}

/* --- writes ------------------------------------------------------------------ */

/* Interrupt state changed: let the run loop look at it before the next block. */
static void interrupts_changed(Gba *g)
{
    machine_request_exit(&g->m);
}

/* KEYCNT's interrupt: any (OR) or all (AND) of the selected keys held. */
void gba_keypad_check(Gba *g)
{
    uint16_t keys = g->regs.keycnt & GBA_KEYS_ALL, held = g->regs.keys_pressed & keys;
    if (!(g->regs.keycnt & 0x4000u) || !keys)
        return;
    bool all = g->regs.keycnt & 0x8000u;
    if (all ? held == keys : held != 0)
        gba_raise_irq(g, GBA_IRQ_KEYPAD);
}

static void write_video(Gba *g, uint32_t offset, uint16_t v)
{
    if (offset == GBA_REG_VCOUNT)
        return; /* read-only */
    if (offset == GBA_REG_DISPSTAT)
        v = (uint16_t)((io16(g, offset) & 7) | (v & 0xff38u)); /* the flags are read-only */
    set_io16(g, offset, v);
    if (in_range(offset, GBA_REG_BG2X, GBA_REG_BG2Y + 4))
        gba_ppu_ref_written(&g->ppu, g->io, 2);
    else if (in_range(offset, GBA_REG_BG3X, GBA_REG_BG3Y + 4))
        gba_ppu_ref_written(&g->ppu, g->io, 3);
}

static void write_timer(Gba *g, uint32_t offset, uint16_t v)
{
    unsigned n = (offset - GBA_REG_TM0CNT_L) / 4;
    gba_sync_devices(g);
    if (offset & 2)
        gba_timer_write_control(&g->timers, n, v);
    else
        gba_timer_write_reload(&g->timers, n, v);
    machine_request_exit(&g->m); /* the next overflow may come sooner now */
}

static void write_system(Gba *g, uint32_t offset, uint16_t v)
{
    GbaRegs *r = &g->regs;
    switch (offset) {
    case GBA_REG_KEYCNT: r->keycnt = v & 0xc3ffu; gba_keypad_check(g); break;
    case GBA_REG_IE: r->ie = v & 0x3fffu; interrupts_changed(g); break;
    case GBA_REG_IF: r->iflags &= (uint16_t)~v; interrupts_changed(g); break; /* write 1 to acknowledge */
    case GBA_REG_WAITCNT: r->waitcnt = v & 0x5fffu; gba_mem_waitstates(g); break;
    case GBA_REG_IME: r->ime = v & 1; interrupts_changed(g); break;
    case GBA_REG_RCNT: set_io16(g, offset, v); break;
    default:
        if (in_range(offset, GBA_REG_SIODATA32, GBA_REG_KEYINPUT) || in_range(offset, 0x140, 0x15c))
            report_unimplemented(g, "write (serial)", offset);
        set_io16(g, offset, v);
        break;
    }
}

static void write16(Gba *g, uint32_t offset, uint16_t v)
{
    if (offset < GBA_REG_SOUND_FIRST) {
        write_video(g, offset, v);
    } else if (in_range(offset, GBA_REG_SOUND_FIRST, GBA_REG_SOUND_END)) {
        gba_sync_devices(g);
        gba_apu_write(&g->apu, offset, v, 2);
    } else if (in_range(offset, GBA_REG_DMA0SAD, GBA_REG_DMA0SAD + 48)) {
        unsigned start = gba_dma_write16(&g->dma, offset - GBA_REG_DMA0SAD, v);
        if (start)
            gba_run_dma(g, GBA_DMA_AT_ONCE, start);
    } else if (in_range(offset, GBA_REG_TM0CNT_L, GBA_REG_TM0CNT_L + 16)) {
        write_timer(g, offset, v);
    } else {
        write_system(g, offset, v);
    }
}

/* HALTCNT (8 bits at 0x301): bit 7 clear halts until an interrupt,
 * set stops (treated as halt: nothing here needs the difference). */
static void write_haltcnt(Gba *g)
{
    g->regs.halted = 1;
    machine_request_exit(&g->m);
}

void gba_io_write(Gba *g, uint32_t offset, uint32_t value, unsigned size)
{
    if (in_range(offset, GBA_REG_FIFO_A, GBA_REG_FIFO_B + 4) && size != 1) {
        gba_apu_write(&g->apu, offset, value, size); /* FIFO pushes keep their width */
        return;
    }
    if (size == 4) {
        write16(g, offset, (uint16_t)value);
        write16(g, offset + 2, (uint16_t)(value >> 16));
        return;
    }
    if (size == 2) {
        write16(g, offset, (uint16_t)value);
        return;
    }
    if (offset == GBA_REG_HALTCNT) {
        write_haltcnt(g);
        return;
    }
    if (offset == GBA_REG_IF || offset == GBA_REG_IF + 1) { /* acknowledge just the bits of this byte */
        write16(g, GBA_REG_IF, (uint16_t)((value & 0xff) << (8 * (offset & 1))));
        return;
    }
    if (in_range(offset, GBA_REG_SOUND_FIRST, GBA_REG_SOUND_END)) {
        gba_sync_devices(g);
        gba_apu_write(&g->apu, offset, value, 1);
        return;
    }
    uint16_t old = read16(g, offset & ~1u);
    if (offset < GBA_REG_SOUND_FIRST && !readable_video(offset & ~1u))
        old = io16(g, offset & ~1u); /* write-only registers: merge with what was written */
    unsigned shift = 8 * (offset & 1);
    write16(g, offset & ~1u, (uint16_t)((old & ~(0xffu << shift)) | (value & 0xff) << shift));
}
