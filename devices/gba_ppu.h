/*
 * The Game Boy Advance picture processing unit, one visible line at a time
 * (GBATEK "LCD Video Controller", "LCD OBJ", "LCD Color Palettes").
 *
 * The renderer reads VRAM, palette RAM, OAM and the I/O block as the CPU
 * last wrote them and never writes them back.  Each call of
 * gba_ppu_draw_line composes one line from the layers DISPCNT selects:
 * text, affine or bitmap backgrounds (modes 0-5), sprites, the three
 * windows and the colour special effects, then turns BGR555 into
 * 0x00RRGGBB.
 *
 * State between lines is small: the internal reference points of the
 * affine backgrounds BG2 and BG3 (the CPU-visible BGxX/BGxY are only the
 * values they are reloaded from) and the reference points kept for the
 * first line of a vertical mosaic block.  The board calls:
 *
 *   gba_ppu_reset(&ppu);
 *   // on every CPU write to BG2X/BG2Y (or BG3X/BG3Y), after storing it:
 *   gba_ppu_ref_written(&ppu, io, 2);
 *   // at the start of each visible line's HDraw (or once per line, in order):
 *   gba_ppu_draw_line(&ppu, &mem, vcount, framebuffer + vcount * 240);
 *   // when VCOUNT reaches 160:
 *   gba_ppu_vblank(&ppu, io);
 *
 * Not modelled: the OBJ rendering-cycle limit per line (DISPCNT bit 5 and
 * the 1210/954-cycle budget), green swap, and the mid-line effects of
 * register writes (a line is drawn from the registers as they are when
 * gba_ppu_draw_line is called).
 */
#ifndef SCION_GBA_PPU_H
#define SCION_GBA_PPU_H

#include <stdint.h>

#include "devices/gba_map.h"
#include "snapshot/vmstate.h"

typedef struct GbaPpuMem {
    const uint8_t *vram;    /* GBA_VRAM_SIZE (96 KiB) */
    const uint8_t *palette; /* 1 KiB: 256 BG colours then 256 OBJ colours, BGR555 little-endian */
    const uint8_t *oam;     /* 1 KiB: 128 OBJ attribute entries + affine params interleaved */
    const uint8_t *io;      /* the 1 KiB I/O block (offsets of gba_map.h), little-endian, as last written */
} GbaPpuMem;

typedef struct GbaPpu {
    /* Internal affine reference points of BG2 and BG3 (28-bit signed 20.8
     * fixed point, kept sign-extended to 32 bits), advanced by PB/PD per
     * drawn line, reloaded at VBlank and when the CPU writes BGxX/BGxY. */
    int32_t ref_x[2], ref_y[2];
    /* The reference points at the first line of the current vertical
     * mosaic block: a mosaic affine BG repeats that line's source row. */
    int32_t mosaic_ref_x[2], mosaic_ref_y[2];
    /* Derived from the palette, not state (the snapshot table leaves it
     * out): the decoded colours and the tile lookup tables, rebuilt only
     * when the palette bytes differ from palette_seen, which most lines
     * of most frames they do not. */
    bool palette_valid;
    uint8_t palette_seen[GBA_PALETTE_SIZE];
    uint16_t colours[512]; /* BG colours, then OBJ colours from 256 */
    uint16_t bg_tiles16[256], bg_tiles256[256], obj_tiles16[256], obj_tiles256[256];
} GbaPpu;

void gba_ppu_reset(GbaPpu *p);
/* The CPU wrote BGxX or BGxY of bg (2 or 3): copy both into the internal
 * reference point, as the hardware does at once, mid-frame included. */
void gba_ppu_ref_written(GbaPpu *p, const uint8_t *io, unsigned bg);
/* Start of VBlank: reload both reference points from BG2X/Y and BG3X/Y. */
void gba_ppu_vblank(GbaPpu *p, const uint8_t *io);
/* Draw visible line y (0..159) into out[240] as 0x00RRGGBB (5-bit
 * components expanded as (c << 3) | (c >> 2)). */
void gba_ppu_draw_line(GbaPpu *p, const GbaPpuMem *mem, unsigned y, uint32_t *out);

extern const VmsDesc gba_ppu_vmstate;

#endif
