/*
 * PPU scene 6: sprites with 2D tile mapping (GBATEK "LCD OBJ - VRAM
 * Character Mapping"): OBJ VRAM is a 32x32 matrix of 32-byte tiles, a
 * sprite's next tile row is 32 tile numbers on.  16- and 256-colour
 * sprites of several shapes, flipped and not, and one affine sprite;
 * 256-colour sprites start at even tile numbers.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_obj2d";

/* The texture of a sprite whose top-left tile is at matrix (col, row). */
static u32 texture(u32 col, u32 row, u32 w, u32 h, int c256, u32 seed)
{
    ObjTex t = {row * 32 + col, w, h, c256, 0};
    obj_tex_fill(&t, seed);
    return t.tile;
}

int main(void)
{
    vram_clear();
    obj_hide_all();
    palette_fill(BG_PALETTE, 4);
    palette_fill(OBJ_PALETTE, 9);
    BG_PALETTE[0] = RGB15(6, 12, 6);
    /* 16-colour textures in the matrix's left half, 256-colour (two
     * tile numbers per tile) in the right half. */
    u32 a = texture(0, 0, 64, 64, 0, 1);   /* columns 0-7, rows 0-7 */
    u32 b = texture(8, 0, 32, 16, 0, 2);   /* columns 8-11, rows 0-1 */
    u32 c = texture(8, 2, 16, 32, 0, 3);   /* columns 8-9, rows 2-5 */
    u32 d = texture(16, 0, 32, 32, 1, 4);  /* columns 16-23, rows 0-3 */
    u32 e = texture(16, 4, 64, 32, 1, 5);  /* columns 16-31, rows 4-7 */
    u32 f = texture(12, 8, 8, 32, 0, 6);   /* column 12, rows 8-11 */
    obj_place(0, 4, 4, 64, 64, 0, 0, (u16)(a | A2_BANK(1)));
    obj_place(1, 72, 4, 64, 64, 0, A1_HFLIP | A1_VFLIP, (u16)(a | A2_BANK(6)));
    obj_place(2, 140, 4, 32, 16, 0, A1_VFLIP, (u16)(b | A2_BANK(2)));
    obj_place(3, 140, 24, 16, 32, 0, A1_HFLIP, (u16)(c | A2_BANK(3)));
    obj_place(4, 176, 4, 32, 32, A0_256, 0, (u16)d);
    obj_place(5, 176, 40, 32, 32, A0_256, A1_VFLIP, (u16)d);
    obj_place(6, 4, 80, 64, 32, A0_256, A1_HFLIP, (u16)e);
    obj_place(7, 72, 80, 8, 32, 0, 0, (u16)(f | A2_BANK(7)));
    /* The 64x64 texture, shrunk to half and turned by 90 degrees. */
    obj_affine_set(0, 0, 512, -512, 0);
    obj_place(8, 100, 80, 64, 64, A0_AFFINE, A1_AFFINE_GROUP(0), (u16)(a | A2_BANK(8)));
    REG_DISPCNT = DCNT_MODE(0) | DCNT_OBJ;
    scene_idle();
}
