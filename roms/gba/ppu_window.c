/*
 * PPU scene 7: windows (GBATEK "LCD I/O Window Feature").  WIN0 and
 * WIN1 overlap (WIN0 wins there); an OBJ-window sprite (mode 2, not
 * drawn itself) shapes the OBJ window; everything else is outside.  Each
 * area lets different layers through and only some enable the colour
 * effect, here brightening BG0, BG1 and the backdrop by 8/16:
 *   WIN0: BG0, OBJ, effect        WIN1: BG1, BG2, OBJ, no effect
 *   OBJ window: BG0, BG2, effect  outside: BG1, BG2, effect
 * All window edges lie inside the screen with left < right and
 * top < bottom.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_window";

#define WIN_BG(n) (1u << (n))
#define WIN_OBJ 0x10u
#define WIN_EFFECT 0x20u

static void backgrounds(void)
{
    palette_fill(BG_PALETTE, 12);
    BG_PALETTE[0] = RGB15(0, 8, 16);
    /* Odd components: brightening by 8/16 gives whole results (ppu_blend.h). */
    palette_quantize(BG_PALETTE, 0x1f, 1);
    for (u32 t = 0; t < 8; t++)
        tile4_make(0x0000, t, t + 2);
    for (u32 ty = 0; ty < 32; ty++)
        for (u32 tx = 0; tx < 32; tx++) {
            *text_map(28, tx, ty) = (u16)((tx + ty) & 7) | SE_BANK(2);
            *text_map(29, tx, ty) = (u16)((tx * 3 + ty) & 7) | SE_BANK(7) | SE_HFLIP;
            *text_map(30, tx, ty) = (u16)(((tx ^ ty) & 1) ? 9 : (ty & 7)) | SE_BANK(12);
        }
    REG_BGCNT(0) = BGCNT_PRIO(0) | BGCNT_SCREEN(28);
    REG_BGCNT(1) = BGCNT_PRIO(1) | BGCNT_SCREEN(29);
    REG_BGCNT(2) = BGCNT_PRIO(2) | BGCNT_SCREEN(30);
}

/* A visible sprite crossing every area, and a 64x64 OBJ-window sprite
 * (the texture's holes leave gaps in the window). */
static void sprites(void)
{
    palette_fill(OBJ_PALETTE, 3);
    palette_quantize(OBJ_PALETTE, 0x1f, 1);
    ObjTex t = {0, 64, 64, 0, 1};
    obj_tex_fill(&t, 5);
    obj_place(0, 90, 50, 64, 64, 0, 0, A2_BANK(4));
    obj_place(1, 160, 90, 64, 64, A0_OBJWIN, 0, 0);
}

int main(void)
{
    vram_clear();
    obj_hide_all();
    backgrounds();
    sprites();
    REG_WIN0H = 40 << 8 | 140;
    REG_WIN0V = 30 << 8 | 110;
    REG_WIN1H = 100 << 8 | 200;
    REG_WIN1V = 60 << 8 | 140;
    REG_WININ = (u16)((WIN_BG(0) | WIN_OBJ | WIN_EFFECT) | (WIN_BG(1) | WIN_BG(2) | WIN_OBJ) << 8);
    REG_WINOUT = (u16)((WIN_BG(1) | WIN_BG(2) | WIN_EFFECT) | (WIN_BG(0) | WIN_BG(2) | WIN_EFFECT) << 8);
    REG_BLDCNT = BLD_BRIGHTEN | BLD_FIRST(0x01 | 0x02 | 0x20);
    REG_BLDY = 8;
    REG_DISPCNT = DCNT_MODE(0) | DCNT_BG(0) | DCNT_BG(1) | DCNT_BG(2) | DCNT_OBJ | DCNT_OBJ_1D | DCNT_WIN0 |
                  DCNT_WIN1 | DCNT_OBJWIN;
    scene_idle();
}
