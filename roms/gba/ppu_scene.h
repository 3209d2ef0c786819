/*
 * Shared by the PPU scene ROMs (ppu_*.c): register names beyond lib/gba.h,
 * procedural palettes, tiles and sprite textures, and the idle loop a
 * scene ends in.  Each scene is static once drawn, so any frame after the
 * set-up shows the same picture (tests/gba/ppu_golden.txt relies on it).
 *
 * VRAM, palette RAM and OAM are written 16 or 32 bits at a time: byte
 * writes to them are not plain stores on the GBA (GBATEK "GBA Memory
 * Map": 8-bit writes to BG VRAM and palette RAM write the byte to both
 * halves, to OBJ VRAM and OAM they are ignored).
 */
#ifndef GBA_PPU_SCENE_H
#define GBA_PPU_SCENE_H

#include "gba.h"

#define REG_BGCNT(n) REG16(0x008 + 2 * (n))
#define REG_BGHOFS(n) REG16(0x010 + 4 * (n))
#define REG_BGVOFS(n) REG16(0x012 + 4 * (n))
/* Affine BG n (2 or 3): PA PB PC PD, then the 28-bit reference X and Y. */
#define REG_BGPA(n) REG16(0x020 + 0x10 * ((n) - 2))
#define REG_BGPB(n) REG16(0x022 + 0x10 * ((n) - 2))
#define REG_BGPC(n) REG16(0x024 + 0x10 * ((n) - 2))
#define REG_BGPD(n) REG16(0x026 + 0x10 * ((n) - 2))
#define REG_BGX(n) REG32(0x028 + 0x10 * ((n) - 2))
#define REG_BGY(n) REG32(0x02c + 0x10 * ((n) - 2))
#define REG_WIN0H REG16(0x040)
#define REG_WIN1H REG16(0x042)
#define REG_WIN0V REG16(0x044)
#define REG_WIN1V REG16(0x046)
#define REG_WININ REG16(0x048)
#define REG_WINOUT REG16(0x04a)
#define REG_MOSAIC REG16(0x04c)
#define REG_BLDCNT REG16(0x050)
#define REG_BLDALPHA REG16(0x052)
#define REG_BLDY REG16(0x054)

#define BG_PALETTE ((volatile u16 *)0x05000000u)
#define OBJ_PALETTE ((volatile u16 *)0x05000200u)
#define OAM ((volatile u16 *)0x07000000u)
#define OBJ_VRAM_OFFSET 0x10000u

/* DISPCNT */
#define DCNT_MODE(m) (m)
#define DCNT_FRAME1 0x0010u
#define DCNT_OBJ_1D 0x0040u
#define DCNT_BG(n) (0x0100u << (n))
#define DCNT_OBJ 0x1000u
#define DCNT_WIN0 0x2000u
#define DCNT_WIN1 0x4000u
#define DCNT_OBJWIN 0x8000u

/* BGxCNT */
#define BGCNT_PRIO(p) (p)
#define BGCNT_CHAR(c) ((c) << 2)
#define BGCNT_MOSAIC 0x0040u
#define BGCNT_256 0x0080u
#define BGCNT_SCREEN(s) ((s) << 8)
#define BGCNT_WRAP 0x2000u
#define BGCNT_SIZE(z) ((z) << 14)

/* Text map entries */
#define SE_HFLIP 0x0400u
#define SE_VFLIP 0x0800u
#define SE_BANK(b) ((b) << 12)

/* OAM attributes */
#define A0_AFFINE 0x0100u
#define A0_DOUBLE 0x0200u
#define A0_HIDE 0x0200u /* without A0_AFFINE */
#define A0_SEMI 0x0400u
#define A0_OBJWIN 0x0800u
#define A0_MOSAIC 0x1000u
#define A0_256 0x2000u
#define A0_SHAPE(s) ((s) << 14)
#define A1_HFLIP 0x1000u
#define A1_VFLIP 0x2000u
#define A1_AFFINE_GROUP(g) ((g) << 9)
#define A1_SIZE(z) ((z) << 14)
#define A2_PRIO(p) ((p) << 10)
#define A2_BANK(b) ((b) << 12)

/* BLDCNT: targets as layer bits (BG0-3, OBJ 4, backdrop 5). */
#define BLD_FIRST(bits) (bits)
#define BLD_SECOND(bits) ((bits) << 8)
#define BLD_ALPHA 0x0040u
#define BLD_BRIGHTEN 0x0080u
#define BLD_DARKEN 0x00c0u

#define RGB15(r, g, b) ((u16)((r) | (g) << 5 | (b) << 10))

/* a % b for a variable b: there is no libgcc for __aeabi_uidivmod, and
 * the scenes only need small quotients. */
static inline u32 umod(u32 a, u32 b)
{
    while (a >= b)
        a -= b;
    return a;
}

/* Shape and size fields of a sprite of w x h pixels (GBATEK "OBJ
 * Attribute 0/1"): shape 0 square, 1 wide, 2 tall. */
static inline u16 obj_shape_of(int w, int h)
{
    return (u16)(w == h ? 0 : (w > h ? 1 : 2));
}

static inline u16 obj_size_of(int w, int h)
{
    int big = w > h ? w : h, small = w > h ? h : w;
    if (w == h)
        return (u16)(big == 8 ? 0 : big == 16 ? 1 : big == 32 ? 2 : 3);
    /* 16x8, 32x8, 32x16, 64x32 and their tall twins */
    if (big == 16)
        return 0;
    if (big == 32)
        return small == 8 ? 1 : 2;
    return 3;
}

/* A palette whose 16-colour banks are ramps (red rising, blue falling
 * through the bank) with a green level per bank, varied by a seed so BG
 * and OBJ palettes differ: neighbouring indexes look alike, banks not. */
static inline void palette_fill(volatile u16 *pal, u32 seed)
{
    for (u32 i = 0; i < 256; i++) {
        u32 bank = i >> 4, k = i & 15;
        pal[i] = RGB15((k * 2 + bank) & 31, (bank * 2 + seed * 3) & 31, (31 - k * 2 + seed) & 31);
    }
}

/* Limits every colour component of a 256-entry palette to
 * (c & keep) | set, so that a blending scene's results are exact
 * integers (see ppu_blend.h). */
static inline void palette_quantize(volatile u16 *pal, u32 keep, u32 set)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = pal[i], r = c & 31, g = (c >> 5) & 31, b = (c >> 10) & 31;
        pal[i] = RGB15((r & keep) | set, (g & keep) | set, (b & keep) | set);
    }
}

/* 4-bit pixel of procedural pattern `kind` at (x, y) of an 8x8 tile:
 * colours 1-14 in diagonal bands, a few transparent (0) holes so layers
 * behind show, and a colour 15 notch in the top-left corner so that
 * flips are visible. */
static inline u32 tile_pixel(u32 kind, u32 x, u32 y)
{
    if (x < 3 && y < 2)
        return 15;
    if ((x + 2 * y + kind) % 5 == 0)
        return 0;
    return 1 + (x + y + 3 * kind) % 14;
}

/* Writes 16-colour tile `tile` (32 bytes each) of pattern kind at VRAM
 * byte offset base. */
static inline void tile4_make(u32 base, u32 tile, u32 kind)
{
    volatile u32 *dst = (volatile u32 *)(0x06000000u + base + tile * 32);
    for (u32 y = 0; y < 8; y++) {
        u32 row = 0;
        for (u32 x = 0; x < 8; x++)
            row |= tile_pixel(kind, x, y) << (4 * x);
        dst[y] = row;
    }
}

/* 256-colour tile (64 bytes) of pattern kind: the 4-bit pattern spread
 * over the whole palette, holes kept transparent. */
static inline void tile8_make(u32 base, u32 tile, u32 kind)
{
    volatile u16 *dst = (volatile u16 *)(0x06000000u + base + tile * 64);
    for (u32 y = 0; y < 8; y++)
        for (u32 x = 0; x < 8; x += 2) {
            u32 lo = tile_pixel(kind, x, y), hi = tile_pixel(kind, x + 1, y);
            lo = lo ? (lo * 17 + kind * 5) & 255 : 0;
            hi = hi ? (hi * 17 + kind * 5) & 255 : 0;
            dst[y * 4 + x / 2] = (u16)(lo | hi << 8);
        }
}

/* Sprite texels in OBJ VRAM.  A sprite is a w x h texture from tile
 * number `tile` (32-byte units), mapped 1D (its tiles in a row) or 2D
 * (tile rows 32 tile numbers apart), 16 or 256 colours (GBATEK "LCD OBJ
 * - VRAM Character Mapping"). */
typedef struct ObjTex {
    u32 tile, w, h;
    int c256, one_d;
} ObjTex;

static inline void obj_texel_put(const ObjTex *t, u32 x, u32 y, u32 colour)
{
    u32 bpp = t->c256 ? 8 : 4;
    u32 tiles_per_row = t->one_d ? t->w / 8 * (bpp / 4) : 32;
    u32 number = t->tile + (y / 8) * tiles_per_row + (x / 8) * (bpp / 4);
    u32 bit = ((y & 7) * 8 + (x & 7)) * bpp; /* within the tile */
    volatile u16 *half = (volatile u16 *)(0x06000000u + OBJ_VRAM_OFFSET + number * 32 + bit / 16 * 2);
    u32 shift = bit & 15, mask = (bpp == 8 ? 0xffu : 0xfu) << shift;
    *half = (u16)((*half & ~mask) | (colour << shift & mask));
}

/* Texture pattern of a sprite: bands, holes, a corner mark for flips and
 * a one-texel border, so size and orientation both show. */
static inline void obj_tex_fill(const ObjTex *t, u32 seed)
{
    for (u32 y = 0; y < t->h; y++)
        for (u32 x = 0; x < t->w; x++) {
            u32 c;
            if (x == 0 || y == 0 || x == t->w - 1 || y == t->h - 1)
                c = 1;
            else if (x < 4 && y < 3)
                c = 15;
            else if ((x * 3 + y + seed) % 7 == 0)
                c = 0;
            else
                c = 2 + (x / 2 + y / 3 + seed) % 12;
            if (t->c256 && c) /* spread over colours 1-255 */
                c = 1 + (c * 16 + seed * 3 + x) % 255;
            obj_texel_put(t, x, y, c);
        }
}

/* OAM entry n; attribute words written as halfwords. */
static inline void obj_set(u32 n, u16 a0, u16 a1, u16 a2)
{
    OAM[n * 4] = a0;
    OAM[n * 4 + 1] = a1;
    OAM[n * 4 + 2] = a2;
}

/* Affine parameter group g: PA PB PC PD in attribute 3 of entries 4g..4g+3. */
static inline void obj_affine_set(u32 g, s32 pa, s32 pb, s32 pc, s32 pd)
{
    OAM[g * 16 + 3] = (u16)pa;
    OAM[g * 16 + 7] = (u16)pb;
    OAM[g * 16 + 11] = (u16)pc;
    OAM[g * 16 + 15] = (u16)pd;
}

/* Sprite at (x, y) of w x h pixels with extra attribute bits. */
static inline void obj_place(u32 n, int x, int y, int w, int h, u16 a0, u16 a1, u16 a2)
{
    obj_set(n, (u16)(((u32)y & 0xff) | A0_SHAPE(obj_shape_of(w, h)) | a0),
            (u16)(((u32)x & 0x1ff) | A1_SIZE(obj_size_of(w, h)) | a1), a2);
}

/* Every sprite off: hidden (attribute 0 bit 9 without bit 8). */
static inline void obj_hide_all(void)
{
    for (u32 n = 0; n < 128; n++)
        obj_set(n, A0_HIDE, 0, 0);
}

/* Clears VRAM (all 96 KiB) with 32-bit stores. */
static inline void vram_clear(void)
{
    volatile u32 *v = (volatile u32 *)0x06000000u;
    for (u32 i = 0; i < 0x18000 / 4; i++)
        v[i] = 0;
}

/* Map entry (tx, ty) of a 256x256-pixel text screen block sb. */
static inline volatile u16 *text_map(u32 sb, u32 tx, u32 ty)
{
    return (volatile u16 *)(0x06000000u + sb * 0x800u) + ty * 32 + tx;
}

/* Affine maps are one byte per tile: stored as halfwords (two tiles). */
static inline void affine_map_set(u32 sb, u32 tiles_per_row, u32 tx, u32 ty, u32 tile)
{
    u32 i = ty * tiles_per_row + tx;
    volatile u16 *h = (volatile u16 *)(0x06000000u + sb * 0x800u) + i / 2;
    *h = (u16)((i & 1) ? ((*h & 0x00ff) | tile << 8) : ((*h & 0xff00) | tile));
}

/* The scene is drawn: idle, one frame at a time, forever.  Nothing
 * changes any more, so every later frame is the same picture. */
static inline void __attribute__((noreturn)) scene_idle(void)
{
    for (;;) {
        while (REG_VCOUNT != 160)
            ;
        while (REG_VCOUNT == 160)
            ;
    }
}

#endif
