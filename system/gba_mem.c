/*
 * The GBA memory map as the CPU, DMA and the BIOS see it.
 *
 * The CPU goes through the softmmu TLB (backend/softmmu.h) with the MMU
 * off: a page of EWRAM, IWRAM or ROM (in any of their mirrors) is filled
 * with its host address, so loads, stores and fetches there take the fast
 * path in both tiers.  Everything with rules of its own takes the slow
 * path into gba_bus_read/gba_bus_write: I/O registers, palette, VRAM and
 * OAM stores (8-bit stores are widened or dropped), BIOS reads (protected
 * while the pc is outside the BIOS), the save chips, EEPROM, open bus.
 *
 * Translated code is tracked by canonical address (the first mirror), so
 * a store through any mirror finds the blocks translated from another.
 */
#include <string.h>

#include "frontend/arm_sys.h"
#include "system/gba_board.h"

static Gba *gba_of(CpuCommon *c)
{
    return ((Machine *)c->machine)->code_page_opaque;
}

static uint32_t region_of(uint32_t addr)
{
    return addr >> 24 & 0xf;
}

static uint32_t vram_offset(uint32_t addr)
{
    uint32_t off = addr & 0x1ffffu;
    return off >= GBA_VRAM_SIZE ? off - 0x8000u : off; /* 0x18000-0x1ffff mirror 0x10000-0x17fff */
}

/* The first mirror of addr in memories that can hold code, else false. */
static bool canonical(uint32_t addr, uint32_t *out)
{
    switch (region_of(addr)) {
    case 0x0: if (addr >= GBA_BIOS_SIZE) return false; *out = addr; return true;
    case 0x2: *out = GBA_EWRAM_BASE | (addr & (GBA_EWRAM_SIZE - 1)); return true;
    case 0x3: *out = GBA_IWRAM_BASE | (addr & (GBA_IWRAM_SIZE - 1)); return true;
    case 0x6: *out = GBA_VRAM_BASE | vram_offset(addr); return true;
    case 0x8: case 0x9: case 0xa: case 0xb: case 0xc: case 0xd:
        *out = GBA_ROM_BASE | (addr & (GBA_ROM_MAX - 1));
        return true;
    default: return false;
    }
}

/* Host memory behind the byte at addr for plain RAM-like access, or NULL. */
static uint8_t *host_byte(Gba *g, uint32_t addr)
{
    switch (region_of(addr)) {
    case 0x0: return addr < GBA_BIOS_SIZE ? g->bios + addr : NULL;
    case 0x2: return g->ewram + (addr & (GBA_EWRAM_SIZE - 1));
    case 0x3: return g->iwram + (addr & (GBA_IWRAM_SIZE - 1));
    case 0x5: return g->palette + (addr & (GBA_PALETTE_SIZE - 1));
    case 0x6: return g->vram + vram_offset(addr);
    case 0x7: return g->oam + (addr & (GBA_OAM_SIZE - 1));
    case 0x8: case 0x9: case 0xa: case 0xb: case 0xc: case 0xd: {
        uint32_t off = addr & (GBA_ROM_MAX - 1);
        return off < g->cart.rom_alloc && !gba_cart_is_eeprom(&g->cart, addr) ? g->cart.rom + off : NULL;
    }
    default: return NULL;
    }
}

/* Little-endian bytes of code memory (0 where there is none). */
static uint32_t code_word(Gba *g, uint32_t addr, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        const uint8_t *p = host_byte(g, addr + i);
        v |= (uint32_t)(p ? *p : 0) << (8 * i);
    }
    return v;
}

/* --- code tracking --------------------------------------------------------- */

static void invalidate_code(Gba *g, uint32_t addr, unsigned size)
{
    uint32_t canon;
    if (canonical(addr, &canon) && block_cache_page_has_code(g->m.cache, canon >> GUEST_PAGE_BITS))
        machine_invalidate_code(&g->m, canon, size);
}

/* A page gained translated code: stores to it (through any mirror) must
 * take the slow path, which invalidates. */
static void on_first_code(void *opaque, uint32_t page)
{
    Gba *g = opaque;
    for (unsigned i = 0; i < TLB_SIZE; i++)
        if (g->tlb[i].phys_page == page << GUEST_PAGE_BITS)
            g->tlb[i].tag_write = TLB_INVALID;
}

/* --- the bus (every side effect) ------------------------------------------- */

static uint32_t load_le(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    memcpy(&v, p, size);
    return v;
}

/* BIOS reads: the BIOS protects itself from reads by code outside it
 * (GBATEK "BIOS ROM"): they return the last opcode the BIOS fetched. */
static uint32_t bios_read(Gba *g, uint32_t addr, unsigned size)
{
    uint32_t pc = g->m.cpu.common.insn_pc;
    if (pc < GBA_BIOS_SIZE)
        return load_le(g->bios + addr, size);
    return g->regs.bios_latch >> (8 * (addr & 3)) & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
}

/* The 8-bit backup bus: a wider read sees the byte repeated. */
static uint32_t backup_read(Gba *g, uint32_t addr, unsigned size)
{
    uint32_t b = gba_cart_backup_read(&g->cart, addr & 0xffffu);
    return size == 1 ? b : size == 2 ? b * 0x0101u : b * 0x01010101u;
}

/* Where nothing answers, the bus still holds the last instruction the CPU
 * prefetched (GBATEK "GBA Unpredictable Things"): the word at pc + 8 in
 * ARM state, the halfword at pc + 4 on both halves in Thumb state. */
static uint32_t open_bus(Gba *g, uint32_t addr, unsigned size)
{
    const CpuCommon *c = &g->m.cpu.common;
    uint32_t v = (c->insn_mode & ARM_MODEBIT_THUMB) ? code_word(g, c->insn_pc + 4, 2) * 0x00010001u
                                                     : code_word(g, c->insn_pc + 8, 4);
    v >>= 8 * (addr & 3);
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

uint32_t gba_bus_read(Gba *g, uint32_t addr, unsigned size)
{
    addr &= ~(size - 1);
    if (addr >> 28)
        return open_bus(g, addr, size);
    switch (region_of(addr)) {
    case 0x0: return addr < GBA_BIOS_SIZE ? bios_read(g, addr, size) : open_bus(g, addr, size);
    case 0x1: return open_bus(g, addr, size);
    case 0x4:
        if ((addr & 0x00ffffffu) < GBA_IO_SIZE)
            return gba_io_read(g, addr & (GBA_IO_SIZE - 1), size);
        return open_bus(g, addr, size);
    case 0x8: case 0x9: case 0xa: case 0xb: case 0xc: case 0xd:
        if (gba_cart_is_eeprom(&g->cart, addr))
            return gba_cart_eeprom_read(&g->cart);
        return gba_cart_rom_read(&g->cart, addr & (GBA_ROM_MAX - 1), size);
    case 0xe: case 0xf: return backup_read(g, addr, size);
    default: return load_le(host_byte(g, addr), size); /* RAM, palette, VRAM, OAM */
    }
}

/* Palette and BG VRAM take an 8-bit store as the byte in both halves of
 * the halfword; OBJ VRAM and OAM ignore 8-bit stores (GBATEK "GBA Memory
 * Map": 8-bit writes). */
static void video_store(Gba *g, uint32_t addr, uint32_t value, unsigned size)
{
    uint8_t *p = host_byte(g, addr);
    if (size != 1) {
        memcpy(p, &value, size);
        return;
    }
    unsigned mode = g->io[GBA_REG_DISPCNT] & 7;
    uint32_t obj_start = mode >= 3 ? 0x14000u : 0x10000u;
    if (region_of(addr) == 0x7 || (region_of(addr) == 0x6 && vram_offset(addr) >= obj_start))
        return;
    uint8_t *half = host_byte(g, addr & ~1u);
    half[0] = half[1] = (uint8_t)value;
}

static void rom_store(Gba *g, uint32_t addr, uint32_t value)
{
    if (gba_cart_is_eeprom(&g->cart, addr))
        gba_cart_eeprom_write(&g->cart, (uint16_t)value);
}

void gba_bus_write(Gba *g, uint32_t addr, uint32_t value, unsigned size)
{
    addr &= ~(size - 1);
    if (addr >> 28)
        return;
    switch (region_of(addr)) {
    case 0x2: case 0x3:
        invalidate_code(g, addr, size);
        memcpy(host_byte(g, addr), &value, size);
        break;
    case 0x4:
        if ((addr & 0x00ffffffu) < GBA_IO_SIZE)
            gba_io_write(g, addr & (GBA_IO_SIZE - 1), value, size);
        break;
    case 0x5: case 0x6: case 0x7:
        invalidate_code(g, addr, size);
        video_store(g, addr, value, size);
        break;
    case 0x8: case 0x9: case 0xa: case 0xb: case 0xc: case 0xd: rom_store(g, addr, value); break;
    case 0xe: case 0xf: gba_cart_backup_write(&g->cart, addr & 0xffffu, (uint8_t)(value >> (8 * (addr & 3)))); break;
    default: break; /* BIOS and unmapped: writes go nowhere */
    }
}

/* --- the CPU's TLB ---------------------------------------------------------- */

static bool fast_readable(uint32_t addr)
{
    unsigned r = region_of(addr);
    return r == 0x2 || r == 0x3 || r == 0x6 || (r >= 0x8 && r <= 0xd);
}

static bool fast_writable(const Gba *g, uint32_t page)
{
    unsigned r = region_of(page);
    uint32_t canon;
    return (r == 0x2 || r == 0x3) && canonical(page, &canon) &&
           !block_cache_page_has_code(g->m.cache, canon >> GUEST_PAGE_BITS);
}

static void fill(Gba *g, uint32_t addr)
{
    uint32_t page = addr & TLB_PAGE_MASK, canon = 0;
    TlbEntry *e = tlb_entry(g->tlb, addr);
    uint8_t *host = addr >> 28 ? NULL : host_byte(g, page);
    bool code = canonical(page, &canon) && host;
    *e = (TlbEntry){.tag_read = TLB_INVALID, .tag_write = TLB_INVALID, .tag_exec = TLB_INVALID,
                   .phys_page = canon & TLB_PAGE_MASK};
    bool eeprom_page = region_of(page) == 0xd && (g->cart.save_type == GBA_SAVE_EEPROM512 ||
                                                  g->cart.save_type == GBA_SAVE_EEPROM8K);
    if (!host || region_of(page) == 0x5 || region_of(page) == 0x7 || eeprom_page)
        return; /* palette and OAM are smaller than a page; EEPROM answers serially */
    e->addend = (uintptr_t)host - page;
    e->tag_read = fast_readable(page) ? page : TLB_INVALID;
    e->tag_write = fast_writable(g, page) ? page : TLB_INVALID;
    e->tag_exec = code ? page : TLB_INVALID;
}

static uint64_t load_slow(CpuCommon *c, uint32_t addr, unsigned size_and_flags)
{
    Gba *g = gba_of(c);
    unsigned size = size_and_flags & ((1u << TLB_ALIGN_SHIFT) - 1);
    fill(g, addr);
    return gba_bus_read(g, addr, size);
}

static void store_slow(CpuCommon *c, uint32_t addr, uint64_t value, unsigned size_and_flags)
{
    Gba *g = gba_of(c);
    unsigned size = size_and_flags & ((1u << TLB_ALIGN_SHIFT) - 1);
    gba_bus_write(g, addr, (uint32_t)value, size);
    fill(g, addr); /* after any invalidation, so the page may be fast again */
}

/* --- instruction fetch ------------------------------------------------------ */

static bool code_page(void *opaque, uint32_t pc, uint32_t *page)
{
    Gba *g = opaque;
    uint32_t canon;
    if (pc >> 28 || !canonical(pc, &canon) || !host_byte(g, pc))
        return false;
    *page = canon & TLB_PAGE_MASK;
    return true;
}

static size_t fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len)
{
    Gba *g = opaque;
    size_t n = 0;
    uint32_t page;
    for (; n < len; n++) {
        if (!code_page(g, addr + (uint32_t)n, &page))
            break;
        buf[n] = *host_byte(g, addr + (uint32_t)n);
    }
    return n;
}

void gba_mem_waitstates(Gba *g)
{
    gba_wait_table(&g->waits, g->regs.waitcnt);
}

/* The cycles of a block's instructions (devices/gba_timing.h), with the
 * wait states in force when it is translated. */
static unsigned block_cost(void *opaque, uint32_t pc, uint32_t mode, unsigned ninsns)
{
    Gba *g = opaque;
    bool thumb = mode & ARM_MODEBIT_THUMB;
    unsigned cycles = 0;
    for (unsigned i = 0; i < ninsns; i++) {
        GbaFetchCost f = g->waits.fetch[region_of(pc)][thumb];
        if (!thumb) {
            cycles += gba_arm_cycles(code_word(g, pc, 4), f);
            pc += 4;
            continue;
        }
        unsigned size;
        cycles += gba_thumb_cycles((uint16_t)code_word(g, pc, 2), (uint16_t)code_word(g, pc + 2, 2), f, &size);
        pc += size;
    }
    return cycles;
}

static uint32_t bus_read_cb(void *opaque, uint32_t addr, unsigned size)
{
    return gba_bus_read(opaque, addr, size);
}

static void bus_write_cb(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    gba_bus_write(opaque, addr, value, size);
}

void gba_mem_flush(Gba *g)
{
    tlb_flush_table(g->tlb);
}

void gba_mem_init(Gba *g)
{
    Machine *m = &g->m;
    machine_init(m, fetch, g, on_first_code, g);
    translator_set_system(m->translator, true);
    translator_set_model(m->translator, ARM_MODEL_ARM7TDMI);
    m->code_page = code_page;
    m->code_page_opaque = g;
    m->phys_fetch = fetch; /* canonical addresses are guest addresses */
    m->block_cost = block_cost;
    m->block_cost_opaque = g;
    m->icount = true;
    CpuCommon *c = &m->cpu.common;
    c->load_slow = load_slow;
    c->store_slow = store_slow;
    c->tlb = c->tlb_user = g->tlb;
    gba_mem_flush(g);
    g->bus = (GbaBus){bus_read_cb, bus_write_cb, g};
    gba_mem_waitstates(g);
}
