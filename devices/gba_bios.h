/*
 * The Game Boy Advance BIOS in C (high-level emulation of its software
 * interrupts, GBATEK "BIOS Functions").  scion does not ship Nintendo's
 * BIOS: when the guest executes SWI n, the board calls gba_bios_swi with the
 * guest's registers and a memory interface, and the guest continues after
 * the SWI as if the BIOS had run.
 *
 * gba_bios.c holds the dispatcher, reset, halt, memory-copy and misc
 * functions; gba_bios_math.c the arithmetic and affine functions;
 * gba_bios_decomp.c the unpacker, decompressors and unfilters.
 */
#ifndef SCION_GBA_BIOS_H
#define SCION_GBA_BIOS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/gba_bus.h"

/* The BIOS reaches memory the way DMA does: through the board's bus. */
typedef GbaBus GbaBiosBus;

typedef enum GbaSwiAction {
    GBA_SWI_DONE,          /* registers updated; continue after the SWI */
    GBA_SWI_HALT,          /* Halt: the board halts the CPU until an enabled interrupt (IE & IF) */
    GBA_SWI_STOP,          /* Stop */
    GBA_SWI_INTR_WAIT,     /* IntrWait / VBlankIntrWait: see gba_bios_swi */
    GBA_SWI_SOFT_RESET,    /* the board resets the CPU (see SoftReset) */
    GBA_SWI_UNIMPLEMENTED, /* the board reports: unimplemented BIOS function n */
} GbaSwiAction;

/* Run BIOS function `number` (the SWI comment field, already extracted).
 * r[0..15] are the caller's registers; r0..r3 are updated as the BIOS
 * returns them.  *cycles receives an estimate of the CPU cycles the real
 * BIOS would take (never fewer than GBA_BIOS_MIN_CYCLES).
 *
 * Per action:
 *  - GBA_SWI_INTR_WAIT: IME has been set to 1 and, if r0 was nonzero
 *    (discard old flags), the r1 bits cleared from the BIOS flags.  The
 *    board halts until gba_bios_intr_acknowledged(bus, r[1]) returns true
 *    (checking it once before halting at all); VBlankIntrWait leaves r0=1,
 *    r1=1.
 *  - GBA_SWI_SOFT_RESET: r[0] and r[14] hold the address to continue at
 *    (ARM state), r1..r12 are zero; the board resets modes and stacks.
 *  - GBA_SWI_HALT / GBA_SWI_STOP: also returned by CustomHalt (0x27)
 *    for r2 bit 7 clear / set. */
GbaSwiAction gba_bios_swi(unsigned number, uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles);

/* IntrWait support: if any bit of mask is set in the BIOS interrupt flags
 * (the 16-bit word at GBA_BIOS_IF), clear those bits and return true. */
bool gba_bios_intr_acknowledged(const GbaBiosBus *bus, uint16_t mask);

/* The name of BIOS function n for diagnostics ("Div", ...) or NULL. */
const char *gba_bios_name(unsigned number);

#define GBA_BIOS_MIN_CYCLES 40u
#define GBA_BIOS_CHECKSUM 0xbaae187fu
/* BIOS RAM at the top of IWRAM: SoftReset clears it, RegisterRamReset
 * spares it; the byte at GBA_BIOS_RESET_FLAG picks SoftReset's target. */
#define GBA_BIOS_RAM_BASE 0x03007e00u
#define GBA_BIOS_RAM_SIZE 0x200u
#define GBA_BIOS_RESET_FLAG 0x03007ffau
/* The largest decompressed size honoured (the header's 24-bit field). */
#define GBA_BIOS_MAX_UNCOMP (16u << 20)

/* --- the parts, for gba_bios.c and the tests ------------------------------ */

/* Bus access by width (little-endian guest). */
static inline uint32_t gba_bios_rd(const GbaBiosBus *bus, uint32_t addr, unsigned size)
{
    return bus->read(bus->opaque, addr, size);
}

static inline void gba_bios_wr(const GbaBiosBus *bus, uint32_t addr, uint32_t value, unsigned size)
{
    bus->write(bus->opaque, addr, value, size);
}

/* gba_bios_math.c */
typedef struct GbaDivResult {
    int32_t quot, rem;
    uint32_t abs_quot;
} GbaDivResult;

GbaDivResult gba_bios_div(int32_t num, int32_t den);
uint16_t gba_bios_sqrt(uint32_t x);
int32_t gba_bios_arctan(int32_t tan_q14);
uint16_t gba_bios_arctan2(int32_t x, int32_t y);
int16_t gba_bios_sine(unsigned index); /* the BIOS's 256-entry table: sin(index * 2pi / 256), 1.14 fixed */
/* These return the estimated cycles. */
uint32_t gba_bios_bg_affine_set(const GbaBiosBus *bus, uint32_t src, uint32_t dst, uint32_t count);
uint32_t gba_bios_obj_affine_set(const GbaBiosBus *bus, uint32_t src, uint32_t dst, uint32_t count,
                                 uint32_t stride);

/* gba_bios_decomp.c; all return the estimated cycles. */
uint32_t gba_bios_bit_unpack(const GbaBiosBus *bus, uint32_t src, uint32_t dst, uint32_t info);
uint32_t gba_bios_lz77_uncomp(const GbaBiosBus *bus, uint32_t src, uint32_t dst, bool vram);
uint32_t gba_bios_huff_uncomp(const GbaBiosBus *bus, uint32_t src, uint32_t dst);
uint32_t gba_bios_rl_uncomp(const GbaBiosBus *bus, uint32_t src, uint32_t dst, bool vram);
uint32_t gba_bios_diff8_unfilter(const GbaBiosBus *bus, uint32_t src, uint32_t dst, bool vram);
uint32_t gba_bios_diff16_unfilter(const GbaBiosBus *bus, uint32_t src, uint32_t dst);

#endif
