/*
 * PPU scene 5: sprites with 1D tile mapping (GBATEK "LCD OBJ - OAM
 * Attributes", "LCD OBJ - VRAM Character Mapping").  All twelve regular
 * sizes from 8x8 to 64x64, in 16 and 256 colours, some flipped; an
 * affine sprite and a double-size affine one; a sprite cut by the left
 * edge and one wrapped from the bottom (Y 248) to the top; and sprites
 * of priorities 0, 2 and 3 against BG0 (priority 1) and BG1 (priority 3),
 * where an OBJ wins over a BG of the same priority.  Sprites only
 * overlap sprites of the same priority.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_obj1d";

static u32 next_tile; /* next free OBJ tile number (32-byte units) */

/* Makes a w x h texture, returns its first tile number (even, so that
 * 256-colour sprites start on a whole 64-byte tile). */
static u32 texture(u32 w, u32 h, int c256, u32 seed)
{
    ObjTex t = {next_tile, w, h, c256, 1};
    obj_tex_fill(&t, seed);
    next_tile += (w / 8) * (h / 8) * (c256 ? 2 : 1);
    next_tile = (next_tile + 1) & ~1u;
    return t.tile;
}

/* A regular sprite with its own texture. */
static void sprite(u32 n, int x, int y, int w, int h, int c256, u16 a1, u32 prio, u32 bank)
{
    u32 tile = texture((u32)w, (u32)h, c256, n);
    obj_place(n, x, y, w, h, c256 ? A0_256 : 0, a1, (u16)(tile | A2_PRIO(prio) | A2_BANK(bank)));
}

static void backgrounds(void)
{
    palette_fill(BG_PALETTE, 2);
    BG_PALETTE[0] = RGB15(10, 10, 10);
    for (u32 t = 0; t < 8; t++)
        tile4_make(0x0000, t, t);
    for (u32 ty = 0; ty < 32; ty++)
        for (u32 tx = 0; tx < 32; tx++) {
            /* BG0: bands of tiles with gaps; BG1: all tiles. */
            *text_map(28, tx, ty) = (u16)((ty % 4 == 1 || tx % 6 == 2) ? 9 : (tx & 7)) | SE_BANK(3);
            *text_map(29, tx, ty) = (u16)((tx + ty) & 7) | SE_BANK(8);
        }
    REG_BGCNT(0) = BGCNT_PRIO(1) | BGCNT_SCREEN(28);
    REG_BGCNT(1) = BGCNT_PRIO(3) | BGCNT_SCREEN(29);
}

static void regular_sprites(void)
{
    /* Top row: squares in 16 colours, wide and tall ones in 256. */
    sprite(0, 2, 2, 8, 8, 0, 0, 0, 1);
    sprite(1, 12, 2, 16, 16, 0, A1_HFLIP, 0, 2);
    sprite(2, 30, 2, 32, 32, 0, A1_VFLIP, 0, 3);
    sprite(3, 64, 2, 64, 64, 0, A1_HFLIP | A1_VFLIP, 0, 4);
    sprite(4, 130, 2, 64, 32, 1, 0, 0, 0);
    sprite(5, 196, 2, 32, 64, 1, A1_HFLIP, 0, 0);
    /* Second row: the small wide and tall shapes. */
    sprite(6, 2, 70, 16, 8, 0, 0, 0, 5);
    sprite(7, 20, 70, 32, 8, 1, A1_VFLIP, 0, 0);
    sprite(8, 2, 80, 32, 16, 0, A1_HFLIP, 0, 6);
    sprite(9, 36, 80, 8, 16, 0, 0, 0, 7);
    sprite(10, 46, 80, 8, 32, 1, A1_HFLIP, 0, 0);
    sprite(11, 56, 80, 16, 32, 0, A1_VFLIP, 0, 9);
    /* Priorities: in front of BG0, between BG0 and BG1, level with BG1. */
    sprite(12, 4, 118, 32, 32, 0, 0, 0, 10);
    sprite(13, 40, 118, 32, 32, 0, 0, 2, 11);
    sprite(14, 76, 118, 32, 32, 1, 0, 3, 0);
    /* Same priority, overlapping: the lower OAM number is in front. */
    sprite(15, 112, 120, 32, 32, 0, 0, 1, 12);
    sprite(16, 124, 128, 32, 32, 0, A1_HFLIP, 1, 13);
    /* Cut by the left edge (X = -12), and wrapped from Y 248 to the top. */
    sprite(17, -12, 40, 32, 16, 0, 0, 0, 14);
    sprite(18, 228, 248, 16, 16, 0, 0, 0, 15);
}

/* Affine: a 32x32 sprite turned by 30 degrees, and a double-size one
 * turned by 45 degrees and magnified 4/3 (its 64x64 box holds it). */
static void affine_sprites(void)
{
    u32 tile = texture(32, 32, 0, 40);
    obj_affine_set(0, 222, -128, 128, 222);
    obj_place(19, 140, 72, 32, 32, A0_AFFINE, A1_AFFINE_GROUP(0), (u16)(tile | A2_BANK(5)));
    tile = texture(32, 32, 1, 41);
    obj_affine_set(1, 136, -136, 136, 136);
    obj_place(20, 172, 72, 32, 32, A0_AFFINE | A0_DOUBLE | A0_256, A1_AFFINE_GROUP(1), (u16)tile);
}

int main(void)
{
    vram_clear();
    obj_hide_all();
    palette_fill(OBJ_PALETTE, 17);
    backgrounds();
    regular_sprites();
    affine_sprites();
    REG_DISPCNT = DCNT_MODE(0) | DCNT_BG(0) | DCNT_BG(1) | DCNT_OBJ | DCNT_OBJ_1D;
    scene_idle();
}
