/*
 * Background layers of one line (GBATEK "LCD VRAM Overview", "LCD VRAM
 * Character Data", "LCD VRAM BG Screen Data Format", "LCD I/O BG
 * Rotation/Scaling", "LCD VRAM Bitmap BG Modes"): text BGs, affine BGs and
 * the three bitmap modes, each into a line of BGR555 colours.
 */
#include <string.h>

#include "devices/gba_ppu_internal.h"

static unsigned bg_control(const PpuView *m, unsigned bg)
{
    return ppu_rd16(m->io, GBA_REG_BG0CNT + 2 * bg);
}

static uint32_t char_base(unsigned cnt)
{
    return ((cnt >> 2) & 3) * 0x4000u;
}

static uint32_t screen_base(unsigned cnt)
{
    return ((cnt >> 8) & 31) * 0x800u;
}

/* A mosaic size (MOSAIC_BG_H or _V) of a BG, 1 when its mosaic is off. */
static unsigned bg_mosaic(const PpuView *m, unsigned cnt, unsigned nibble)
{
    return (cnt & BGCNT_MOSAIC) ? ppu_mosaic_size(m->io, nibble) : 1;
}

/* Row fy of the tile a text map entry names (tile, flips, palette bank),
 * as 8 colours left to right on screen. */
static void text_tile_row(const PpuView *m, unsigned entry, uint32_t chars, bool c256, unsigned fy, uint16_t *row)
{
    unsigned py = (entry & 0x800) ? 7 - fy : fy;
    unsigned mirror = (entry & 0x400) ? 7 : 0; /* x ^ 7 is 7 - x */
    unsigned tile = entry & 0x3ff;
    uint32_t addr = chars + tile * (c256 ? 64 : 32) + py * (c256 ? 8 : 4);
    if (addr >= BG_VRAM_END) {
        for (unsigned i = 0; i < 8; i++)
            row[i] = PPU_TRANSPARENT;
        return;
    }
    if (c256) {
        for (unsigned i = 0; i < 8; i++)
            row[i ^ mirror] = m->bg_tiles256[m->vram[addr + i]];
        return;
    }
    const uint16_t *bank = &m->bg_tiles16[(entry >> 12) * 16];
    uint32_t pixels = ppu_rd32(m->vram, addr); /* pixel i in bits 4i..4i+3 */
    for (unsigned i = 0; i < 8; i++, pixels >>= 4)
        row[i ^ mirror] = bank[pixels & 15];
}

/* Horizontal mosaic: every pixel repeats the first of its block.  In
 * place, since a block's first pixel is never overwritten. */
static void mosaic_line(uint16_t *line, unsigned size)
{
    if (size == 1)
        return;
    for (unsigned x = 0; x < GBA_SCREEN_W; x += size)
        for (unsigned i = 1; i < size && x + i < GBA_SCREEN_W; i++)
            line[x + i] = line[x];
}

void gba_bg_text_line(const PpuView *m, unsigned bg, unsigned y, uint16_t *out)
{
    unsigned cnt = bg_control(m, bg);
    unsigned hofs = ppu_rd16(m->io, GBA_REG_BG0HOFS + 4 * bg) & 0x1ff;
    unsigned vofs = ppu_rd16(m->io, GBA_REG_BG0HOFS + 4 * bg + 2) & 0x1ff;
    unsigned mosaic_v = bg_mosaic(m, cnt, MOSAIC_BG_V);
    unsigned width = (cnt & 0x4000) ? 512 : 256, height = (cnt & 0x8000) ? 512 : 256;
    unsigned sy = (y - y % mosaic_v + vofs) & (height - 1);
    /* 256x256 screen blocks of 2 KiB: left to right, then top to bottom. */
    uint32_t map_row = screen_base(cnt) + (sy >> 8) * (width / 256) * 0x800u + ((sy & 255) >> 3) * 64;
    uint32_t chars = char_base(cnt);
    bool c256 = cnt & BGCNT_256_COLOURS;
    /* Whole tiles go into a line that starts at the first tile's left
     * edge; the scroll's fine part then cuts the visible 240 out of it. */
    uint16_t tiles[GBA_SCREEN_W + 8];
    for (unsigned x = 0; x < GBA_SCREEN_W + 8; x += 8) {
        unsigned sx = (x + hofs) & (width - 1);
        unsigned entry = ppu_rd16(m->vram, map_row + (sx >> 8) * 0x800u + ((sx & 255) >> 3) * 2);
        text_tile_row(m, entry, chars, c256, sy & 7, tiles + x);
    }
    memcpy(out, tiles + (hofs & 7), GBA_SCREEN_W * sizeof *out);
    mosaic_line(out, bg_mosaic(m, cnt, MOSAIC_BG_H));
}

/* The affine walk across one line: texture coordinates of screen pixel x
 * are the reference point plus x times (PA, PC), in 1/256 texels;
 * arithmetic shifts floor them. */
typedef struct AffineWalk {
    int32_t x, y, pa, pc;
} AffineWalk;

static AffineWalk affine_walk(const PpuView *m, unsigned bg, int32_t ref_x, int32_t ref_y)
{
    uint32_t regs = bg == 2 ? GBA_REG_BG2PA : GBA_REG_BG3PA;
    return (AffineWalk){ref_x, ref_y, (int16_t)ppu_rd16(m->io, regs), (int16_t)ppu_rd16(m->io, regs + 4)};
}

static void affine_step(AffineWalk *w, int32_t *tx, int32_t *ty)
{
    *tx = w->x >> 8;
    *ty = w->y >> 8;
    w->x += w->pa;
    w->y += w->pc;
}

void gba_bg_affine_line(const PpuView *m, unsigned bg, int32_t ref_x, int32_t ref_y, uint16_t *out)
{
    unsigned cnt = bg_control(m, bg);
    int32_t size = 128 << ((cnt >> 14) & 3);
    bool wrap = cnt & BGCNT_WRAPAROUND;
    uint32_t map = screen_base(cnt), chars = char_base(cnt);
    AffineWalk w = affine_walk(m, bg, ref_x, ref_y);
    for (unsigned x = 0; x < GBA_SCREEN_W; x++) {
        int32_t tx, ty;
        affine_step(&w, &tx, &ty);
        if (wrap) {
            tx &= size - 1;
            ty &= size - 1;
        } else if (tx < 0 || ty < 0 || tx >= size || ty >= size) {
            out[x] = PPU_TRANSPARENT;
            continue;
        }
        /* Affine maps are one byte per tile; tiles are always 256-colour. */
        unsigned tile = m->vram[map + (uint32_t)((ty >> 3) * (size >> 3) + (tx >> 3))];
        uint32_t addr = chars + tile * 64 + (uint32_t)((ty & 7) * 8 + (tx & 7));
        out[x] = addr < BG_VRAM_END ? m->bg_tiles256[m->vram[addr]] : PPU_TRANSPARENT;
    }
    mosaic_line(out, bg_mosaic(m, cnt, MOSAIC_BG_H));
}

/* Modes 3-5 draw BG2 from a frame buffer through the same affine walk. */
void gba_bg_bitmap_line(const PpuView *m, unsigned mode, int32_t ref_x, int32_t ref_y, uint16_t *out)
{
    unsigned dispcnt = ppu_rd16(m->io, GBA_REG_DISPCNT);
    uint32_t frame = (mode != 3 && (dispcnt & DISPCNT_FRAME_SELECT)) ? 0xa000u : 0;
    int32_t width = mode == 5 ? 160 : 240, height = mode == 5 ? 128 : 160;
    AffineWalk w = affine_walk(m, 2, ref_x, ref_y);
    for (unsigned x = 0; x < GBA_SCREEN_W; x++) {
        int32_t tx, ty;
        affine_step(&w, &tx, &ty);
        if (tx < 0 || ty < 0 || tx >= width || ty >= height) {
            out[x] = PPU_TRANSPARENT;
            continue;
        }
        uint32_t pixel = (uint32_t)(ty * width + tx);
        if (mode == 4)
            out[x] = m->bg_tiles256[m->vram[frame + pixel]];
        else
            out[x] = (uint16_t)(ppu_rd16(m->vram, frame + pixel * 2) & 0x7fff);
    }
    mosaic_line(out, bg_mosaic(m, bg_control(m, 2), MOSAIC_BG_H));
}
