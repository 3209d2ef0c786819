/*
 * The picture the blending scenes (ppu_alpha, ppu_brighten, ppu_darken)
 * share; each sets its own BLDCNT/BLDALPHA/BLDY on top.
 *   BG0 (priority 0) in front, with holes;
 *   BG1 (priority 1) on the left two thirds, BG2 (priority 1) on the
 *   right third, both with gaps where the backdrop shows;
 *   sprite 0 semi-transparent (OBJ mode 1), priority 0, straddling BG1
 *   and BG2; sprite 1 a normal sprite, priority 0.
 *
 * Colours and coefficients are chosen so that every effect result is an
 * exact integer (e.g. alpha 10/6 over components that are multiples of
 * 8, brightening by 8/16 of odd components): GBATEK gives the formulas
 * on 5-bit intensities but not how a fraction is rounded, and mGBA (the
 * oracle of tests/gba/ppu_golden.txt) blends at 8-bit precision, so a
 * fractional result would test rounding nobody has pinned down.
 */
#ifndef GBA_PPU_BLEND_H
#define GBA_PPU_BLEND_H

#include "ppu_scene.h"

/* Three BGs: BG0 in front with holes, BG1 on the left two thirds,
 * BG2 on the right third; the backdrop shows in BG1's and BG2's gaps. */
static void blend_backgrounds(void)
{
    palette_fill(BG_PALETTE, 14);
    BG_PALETTE[0] = RGB15(28, 4, 4);
    for (u32 t = 0; t < 8; t++)
        tile4_make(0x0000, t, t);
    for (u32 ty = 0; ty < 32; ty++)
        for (u32 tx = 0; tx < 32; tx++) {
            u16 blank = 9;
            *text_map(28, tx, ty) = (u16)(((tx / 2 + ty) % 3 == 0) ? blank : (tx & 7)) | SE_BANK(3);
            *text_map(29, tx, ty) = (u16)((tx < 20 && (tx + ty) % 5) ? (ty & 7) : blank) | SE_BANK(9);
            *text_map(30, tx, ty) = (u16)((tx >= 20 && ty % 4) ? ((tx + ty) & 7) : blank) | SE_BANK(14);
        }
    REG_BGCNT(0) = BGCNT_PRIO(0) | BGCNT_SCREEN(28);
    REG_BGCNT(1) = BGCNT_PRIO(1) | BGCNT_SCREEN(29);
    REG_BGCNT(2) = BGCNT_PRIO(1) | BGCNT_SCREEN(30);
}

static void blend_sprites(void)
{
    palette_fill(OBJ_PALETTE, 7);
    ObjTex t = {0, 64, 64, 0, 1};
    obj_tex_fill(&t, 2);
    /* Semi-transparent, straddling BG1 and BG2; and a normal one. */
    obj_place(0, 130, 20, 64, 64, A0_SEMI, 0, A2_BANK(2));
    obj_place(1, 20, 90, 64, 64, 0, A1_HFLIP, A2_BANK(5));
}

/* The picture, with every colour component c turned into
 * (c & keep) | set in both palettes. */
static void blend_scene(u32 keep, u32 set)
{
    vram_clear();
    obj_hide_all();
    blend_backgrounds();
    blend_sprites();
    palette_quantize(BG_PALETTE, keep, set);
    palette_quantize(OBJ_PALETTE, keep, set);
}

#define BLEND_DISPCNT (DCNT_MODE(0) | DCNT_BG(0) | DCNT_BG(1) | DCNT_BG(2) | DCNT_OBJ | DCNT_OBJ_1D)

#endif
