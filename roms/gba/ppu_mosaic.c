/*
 * PPU scene 9: mosaic (GBATEK "LCD I/O Mosaic Function").  BG0 has
 * mosaic 4x3 (MOSAIC bits 0-7 hold size minus one), BG1 beside it none;
 * sprites with OBJ mosaic 4x2 next to the same sprites without.  The
 * mosaic sprites sit at X a multiple of 4 and Y a multiple of 2 and their
 * sizes are multiples of the block, so blocks start at the sprite's own
 * top-left corner and end at its edges: where blocks start for a sprite
 * not so placed, and whether a block may reach past the sprite's right
 * edge, GBATEK does not say (mGBA extends it, scion does not).
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_mosaic";

static void backgrounds(void)
{
    palette_fill(BG_PALETTE, 8);
    BG_PALETTE[0] = RGB15(0, 0, 0);
    for (u32 t = 0; t < 8; t++)
        tile4_make(0x0000, t, t + 4);
    for (u32 ty = 0; ty < 32; ty++)
        for (u32 tx = 0; tx < 32; tx++) {
            /* BG0 on the left half, BG1 on the right, same tiles. */
            u16 e = (u16)((tx + 2 * ty) & 7) | SE_BANK(ty & 7);
            *text_map(28, tx, ty) = tx < 15 ? e : 9;
            *text_map(29, tx, ty) = tx < 15 ? 9 : e;
        }
    REG_BGCNT(0) = BGCNT_PRIO(1) | BGCNT_SCREEN(28) | BGCNT_MOSAIC;
    REG_BGCNT(1) = BGCNT_PRIO(1) | BGCNT_SCREEN(29);
    REG_BGHOFS(0) = 2; /* the mosaic grid follows the screen, not the map */
    REG_BGVOFS(0) = 1;
}

static void sprites(void)
{
    palette_fill(OBJ_PALETTE, 1);
    ObjTex a = {0, 32, 32, 0, 1}, b = {32, 32, 16, 1, 1};
    obj_tex_fill(&a, 3);
    obj_tex_fill(&b, 8);
    obj_place(0, 20, 20, 32, 32, A0_MOSAIC, 0, A2_BANK(3));
    obj_place(1, 60, 20, 32, 32, 0, 0, A2_BANK(3));
    obj_place(2, 140, 90, 32, 16, A0_MOSAIC | A0_256, A1_HFLIP, 32);
    obj_place(3, 190, 90, 32, 16, A0_256, A1_HFLIP, 32);
}

int main(void)
{
    vram_clear();
    obj_hide_all();
    backgrounds();
    sprites();
    REG_MOSAIC = (4 - 1) | (3 - 1) << 4 | (4 - 1) << 8 | (2 - 1) << 12;
    REG_DISPCNT = DCNT_MODE(0) | DCNT_BG(0) | DCNT_BG(1) | DCNT_OBJ | DCNT_OBJ_1D;
    scene_idle();
}
