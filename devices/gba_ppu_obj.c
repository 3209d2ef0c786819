/*
 * The sprite layer of one line (GBATEK "LCD OBJ - OAM Attributes", "LCD
 * OBJ - OAM Rotation/Scaling Parameters", "LCD OBJ - VRAM Character
 * Mapping").  Sprites are visited in OAM order; a later sprite takes a
 * pixel only with a strictly better priority, so among equal priorities
 * the lower OAM number stays on top.
 */
#include <string.h>

#include "devices/gba_ppu_internal.h"

/* attr0 */
#define ATTR0_AFFINE (1u << 8)
#define ATTR0_DOUBLE_OR_DISABLE (1u << 9)
#define ATTR0_MOSAIC (1u << 12)
#define ATTR0_256_COLOURS (1u << 13)
/* attr1, non-affine sprites */
#define ATTR1_HFLIP (1u << 12)
#define ATTR1_VFLIP (1u << 13)

enum { OBJ_MODE_NORMAL, OBJ_MODE_SEMI, OBJ_MODE_WINDOW, OBJ_MODE_PROHIBITED };

/* Width and height in pixels by [shape][size]; shape 3 is prohibited. */
static const uint8_t obj_dims[3][4][2] = {
    {{8, 8}, {16, 16}, {32, 32}, {64, 64}},
    {{16, 8}, {32, 8}, {32, 16}, {64, 32}},
    {{8, 16}, {8, 32}, {16, 32}, {32, 64}},
};

/* One sprite as this line needs it. */
typedef struct Sprite {
    unsigned attr0, attr1, attr2;
    int width, height;       /* of the texture */
    int box_w, box_h;        /* on screen: doubled by the affine double-size flag */
    int x;                   /* left edge, from the 9-bit signed X */
    int row;                 /* line within the box */
    int16_t pa, pb, pc, pd;  /* affine sprites only */
    uint32_t min_tile_addr;  /* tiles below are frame buffer in bitmap modes */
    bool one_d;
} Sprite;

static void read_affine_params(const uint8_t *oam, unsigned group, Sprite *s)
{
    /* The four parameters of group g sit in attribute word 3 of entries 4g..4g+3. */
    uint32_t base = group * 32 + 6;
    s->pa = (int16_t)ppu_rd16(oam, base);
    s->pb = (int16_t)ppu_rd16(oam, base + 8);
    s->pc = (int16_t)ppu_rd16(oam, base + 16);
    s->pd = (int16_t)ppu_rd16(oam, base + 24);
}

/* Fills s for OAM entry i; false when it has no pixels on line y. */
static bool sprite_on_line(const PpuView *m, unsigned i, unsigned y, Sprite *s)
{
    s->attr0 = ppu_rd16(m->oam, i * 8);
    s->attr1 = ppu_rd16(m->oam, i * 8 + 2);
    s->attr2 = ppu_rd16(m->oam, i * 8 + 4);
    bool affine = s->attr0 & ATTR0_AFFINE;
    unsigned shape = s->attr0 >> 14, mode = (s->attr0 >> 10) & 3;
    if ((!affine && (s->attr0 & ATTR0_DOUBLE_OR_DISABLE)) || shape == 3 || mode == OBJ_MODE_PROHIBITED)
        return false;
    s->width = obj_dims[shape][s->attr1 >> 14][0];
    s->height = obj_dims[shape][s->attr1 >> 14][1];
    bool doubled = affine && (s->attr0 & ATTR0_DOUBLE_OR_DISABLE);
    s->box_w = doubled ? 2 * s->width : s->width;
    s->box_h = doubled ? 2 * s->height : s->height;
    /* Y wraps at 256, so a sprite near the bottom reappears at the top. */
    s->row = (int)((y - (s->attr0 & 0xff)) & 0xff);
    if (s->row >= s->box_h)
        return false;
    s->x = (int)(s->attr1 & 0x1ff) - ((s->attr1 & 0x100) ? 512 : 0);
    if (s->x >= GBA_SCREEN_W || s->x + s->box_w <= 0)
        return false;
    if (affine)
        read_affine_params(m->oam, (s->attr1 >> 9) & 31, s);
    return true;
}

/* VRAM address of the sprite's tile at tile column col, row row, or 0
 * when that tile is not usable (frame buffer in bitmap modes). */
static uint32_t sprite_tile_addr(const Sprite *s, unsigned col, unsigned row)
{
    bool c256 = s->attr0 & ATTR0_256_COLOURS;
    unsigned tile = s->attr2 & 0x3ff;
    unsigned step = c256 ? 2 : 1; /* a 256-colour tile spans two 32-byte tile numbers */
    unsigned row_stride;
    if (s->one_d) {
        row_stride = (unsigned)(s->width / 8) * step;
    } else {
        row_stride = 32; /* 2D: a 32x32 matrix of tiles */
        if (c256)
            tile &= ~1u;
    }
    tile += row * row_stride + col * step;
    uint32_t addr = OBJ_TILE_BASE + (tile & 0x3ff) * 32;
    return addr < s->min_tile_addr ? 0 : addr;
}

/* Palette colour of texel (tx, ty) of the sprite, or PPU_TRANSPARENT. */
static uint16_t sprite_texel(const PpuView *m, const Sprite *s, int tx, int ty)
{
    uint32_t addr = sprite_tile_addr(s, (unsigned)tx >> 3, (unsigned)ty >> 3);
    if (!addr)
        return PPU_TRANSPARENT;
    unsigned px = (unsigned)tx & 7, py = (unsigned)ty & 7;
    if (s->attr0 & ATTR0_256_COLOURS)
        return m->obj_tiles256[m->vram[addr + py * 8 + px]];
    unsigned byte = m->vram[addr + py * 4 + px / 2];
    unsigned nibble = (px & 1) ? byte >> 4 : byte & 15;
    return m->obj_tiles16[(s->attr2 >> 12) * 16 + nibble];
}

/* Texture row ty of a sprite, decoded a tile at a time. */
static void sprite_row(const PpuView *m, const Sprite *s, int ty, uint16_t *texels)
{
    unsigned py = (unsigned)ty & 7;
    bool c256 = s->attr0 & ATTR0_256_COLOURS;
    const uint16_t *bank = &m->obj_tiles16[(s->attr2 >> 12) * 16];
    for (unsigned col = 0; col < (unsigned)s->width / 8; col++, texels += 8) {
        uint32_t addr = sprite_tile_addr(s, col, (unsigned)ty >> 3);
        if (!addr) {
            for (unsigned i = 0; i < 8; i++)
                texels[i] = PPU_TRANSPARENT;
        } else if (c256) {
            for (unsigned i = 0; i < 8; i++)
                texels[i] = m->obj_tiles256[m->vram[addr + py * 8 + i]];
        } else {
            uint32_t pixels = ppu_rd32(m->vram, addr + py * 4); /* pixel i in bits 4i..4i+3 */
            for (unsigned i = 0; i < 8; i++, pixels >>= 4)
                texels[i] = bank[pixels & 15];
        }
    }
}

static void plot(const Sprite *s, unsigned x, uint16_t colour, GbaObjLine *out)
{
    unsigned mode = (s->attr0 >> 10) & 3;
    if (mode == OBJ_MODE_WINDOW) {
        out->window[x] = true;
        return;
    }
    unsigned prio = (s->attr2 >> 10) & 3;
    if (prio >= out->prio[x])
        return;
    out->color[x] = colour;
    out->prio[x] = (uint8_t)prio;
    out->prios_present |= (uint8_t)(1u << prio);
    out->semi[x] = mode == OBJ_MODE_SEMI;
}

/* The screen column whose texel pixel sx shows: with mosaic, the first
 * column of its block, but never left of the sprite. */
static int mosaic_column(const Sprite *s, int sx, unsigned mosaic_h)
{
    if (mosaic_h == 1)
        return sx;
    int mx = sx - (int)((unsigned)sx % mosaic_h);
    return mx < s->x ? s->x : mx;
}

/* Texels of a regular sprite come straight from the box, flipped. */
static void draw_regular(const PpuView *m, const Sprite *s, int row, unsigned mosaic_h, int first, int last,
                         GbaObjLine *out)
{
    uint16_t texels[64];
    sprite_row(m, s, (s->attr1 & ATTR1_VFLIP) ? s->height - 1 - row : row, texels);
    bool hflip = s->attr1 & ATTR1_HFLIP;
    for (int sx = first; sx < last; sx++) {
        int lx = mosaic_column(s, sx, mosaic_h) - s->x;
        uint16_t colour = texels[hflip ? s->width - 1 - lx : lx];
        if (!(colour & PPU_TRANSPARENT))
            plot(s, (unsigned)sx, colour, out);
    }
}

/* Affine sprites sample the texture about the box centre through
 * (PA PB; PC PD); what falls outside the texture is transparent. */
static void draw_affine(const PpuView *m, const Sprite *s, int row, unsigned mosaic_h, int first, int last,
                        GbaObjLine *out)
{
    int dy = row - s->box_h / 2;
    for (int sx = first; sx < last; sx++) {
        int dx = mosaic_column(s, sx, mosaic_h) - s->x - s->box_w / 2;
        int tx = ((s->pa * dx + s->pb * dy) >> 8) + s->width / 2;
        int ty = ((s->pc * dx + s->pd * dy) >> 8) + s->height / 2;
        if (tx < 0 || ty < 0 || tx >= s->width || ty >= s->height)
            continue;
        uint16_t colour = sprite_texel(m, s, tx, ty);
        if (!(colour & PPU_TRANSPARENT))
            plot(s, (unsigned)sx, colour, out);
    }
}

/* Draws the part of sprite s on line y, clipped to the screen. */
static void draw_sprite(const PpuView *m, const Sprite *s, unsigned y, GbaObjLine *out)
{
    bool mosaic = s->attr0 & ATTR0_MOSAIC;
    unsigned mosaic_h = mosaic ? ppu_mosaic_size(m->io, MOSAIC_OBJ_H) : 1;
    int row = s->row;
    if (mosaic) {
        /* Vertical mosaic repeats the block's first screen line. */
        row -= (int)(y % ppu_mosaic_size(m->io, MOSAIC_OBJ_V));
        if (row < 0)
            row = 0;
    }
    int first = s->x < 0 ? 0 : s->x;
    int last = s->x + s->box_w > GBA_SCREEN_W ? GBA_SCREEN_W : s->x + s->box_w;
    if (s->attr0 & ATTR0_AFFINE)
        draw_affine(m, s, row, mosaic_h, first, last, out);
    else
        draw_regular(m, s, row, mosaic_h, first, last, out);
}

void gba_obj_line(const PpuView *m, unsigned y, GbaObjLine *out)
{
    for (unsigned x = 0; x < GBA_SCREEN_W; x++)
        out->color[x] = PPU_TRANSPARENT;
    memset(out->prio, 4, sizeof out->prio);
    memset(out->semi, 0, sizeof out->semi);
    memset(out->window, 0, sizeof out->window);
    out->prios_present = 0;
    unsigned dispcnt = ppu_rd16(m->io, GBA_REG_DISPCNT);
    bool bitmap_mode = (dispcnt & DISPCNT_MODE_MASK) >= 3;
    for (unsigned i = 0; i < 128; i++) {
        Sprite s;
        if (!sprite_on_line(m, i, y, &s))
            continue;
        s.one_d = dispcnt & DISPCNT_OBJ_1D;
        s.min_tile_addr = bitmap_mode ? OBJ_TILE_BASE_BITMAP : OBJ_TILE_BASE;
        draw_sprite(m, &s, y, out);
    }
}
