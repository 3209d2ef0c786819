/*
 * What the parts of the GBA PPU share: register fields, the line buffers
 * the layers are drawn into, and the renderers of each layer kind.  Not
 * for use outside devices/gba_ppu*.c.
 *
 * A layer line holds BGR555 colours; an entry with PPU_TRANSPARENT set has
 * no pixel there, so the layers behind it show through.
 */
#ifndef SCION_GBA_PPU_INTERNAL_H
#define SCION_GBA_PPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/gba_ppu.h"

#define PPU_TRANSPARENT 0x8000u

/* DISPCNT */
#define DISPCNT_MODE_MASK 7u
#define DISPCNT_FRAME_SELECT (1u << 4)
#define DISPCNT_OBJ_1D (1u << 6)
#define DISPCNT_FORCED_BLANK (1u << 7)
#define DISPCNT_BG_ENABLE_SHIFT 8
#define DISPCNT_OBJ_ENABLE (1u << 12)
#define DISPCNT_WIN0 (1u << 13)
#define DISPCNT_WIN1 (1u << 14)
#define DISPCNT_OBJWIN (1u << 15)

/* BGxCNT */
#define BGCNT_MOSAIC (1u << 6)
#define BGCNT_256_COLOURS (1u << 7)
#define BGCNT_WRAPAROUND (1u << 13)

/* Layer numbers, as BLDCNT and WININ/WINOUT number their bits. */
enum { LAYER_OBJ = 4, LAYER_BACKDROP = 5 };
#define WINDOW_EFFECT_BIT (1u << 5)
#define WINDOW_ALL 0x3fu

/* Where OBJ tiles start in VRAM, and where they start in bitmap modes,
 * whose frame buffers take the lower half of OBJ VRAM. */
#define OBJ_TILE_BASE 0x10000u
#define OBJ_TILE_BASE_BITMAP 0x14000u
/* Background tile data beyond this is OBJ VRAM: it reads as transparent. */
#define BG_VRAM_END 0x10000u

/* What the renderers read, as of the start of the line.  The palette is
 * decoded once into BGR555, and again with palette index 0 of every
 * 16-colour bank (tiles16) or of the 256-colour palette (tiles256) already
 * replaced by PPU_TRANSPARENT, so tile decoding needs no test per pixel. */
typedef struct PpuView {
    const uint8_t *vram, *oam, *io;
    const uint16_t *colours; /* BG colours, then OBJ colours from 256 (GbaPpu's tables) */
    const uint16_t *bg_tiles16, *bg_tiles256, *obj_tiles16, *obj_tiles256;
} PpuView;

/* The sprite layer of one line.  prio is 4 where no sprite pixel is. */
typedef struct GbaObjLine {
    uint16_t color[GBA_SCREEN_W];
    uint8_t prio[GBA_SCREEN_W];
    bool semi[GBA_SCREEN_W];   /* the pixel is from a semi-transparent OBJ */
    bool window[GBA_SCREEN_W]; /* an OBJ-window sprite covers the pixel */
    uint8_t prios_present;     /* bit p: some pixel has priority p */
} GbaObjLine;

/* Every layer of one line, ready to be composed. */
typedef struct GbaLineLayers {
    uint16_t bg[4][GBA_SCREEN_W];
    uint8_t bg_order[4]; /* the drawn BGs, front to back (priority, then number) */
    uint8_t bg_prio[4];  /* the priority of bg_order[i] */
    unsigned nbg;
    bool obj_on;
    GbaObjLine obj;
} GbaLineLayers;

static inline unsigned ppu_rd16(const uint8_t *p, uint32_t offset)
{
    return (unsigned)p[offset] | (unsigned)p[offset + 1] << 8;
}

static inline uint32_t ppu_rd32(const uint8_t *p, uint32_t offset)
{
    return (uint32_t)ppu_rd16(p, offset) | (uint32_t)ppu_rd16(p, offset + 2) << 16;
}

/* MOSAIC holds sizes minus one: BG H, BG V, OBJ H, OBJ V nibbles. */
static inline unsigned ppu_mosaic_size(const uint8_t *io, unsigned nibble)
{
    return ((ppu_rd16(io, GBA_REG_MOSAIC) >> (4 * nibble)) & 15) + 1;
}
enum { MOSAIC_BG_H = 0, MOSAIC_BG_V = 1, MOSAIC_OBJ_H = 2, MOSAIC_OBJ_V = 3 };

/* gba_ppu_bg.c */
void gba_bg_text_line(const PpuView *m, unsigned bg, unsigned y, uint16_t *out);
void gba_bg_affine_line(const PpuView *m, unsigned bg, int32_t ref_x, int32_t ref_y, uint16_t *out);
void gba_bg_bitmap_line(const PpuView *m, unsigned mode, int32_t ref_x, int32_t ref_y, uint16_t *out);

/* gba_ppu_obj.c */
void gba_obj_line(const PpuView *m, unsigned y, GbaObjLine *out);

/* gba_ppu_compose.c: windows, priorities and colour special effects. */
void gba_compose_line(const PpuView *m, unsigned y, const GbaLineLayers *layers, uint32_t *out);

#endif
