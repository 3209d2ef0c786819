/*
 * PPU scene 2: mode 1 (GBATEK "LCD I/O BG Rotation/Scaling"): BG2 is a
 * 256x256 affine BG turned by 30 degrees and shown at 2/3 size (1.5
 * texels per pixel) about the screen centre, with wraparound, so its
 * map repeats across the screen; BG0, a text BG with holes, lies in
 * front of it.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_affine1";

/* 8.8 fixed point: cos 30 * 1.5 = 1.299, sin 30 * 1.5 = 0.75. */
#define PA 333
#define PB (-192)
#define PC 192
#define PD 333

int main(void)
{
    vram_clear();
    palette_fill(BG_PALETTE, 21);
    BG_PALETTE[0] = RGB15(0, 0, 8);
    /* BG2: 256-colour tiles in char block 0, a 32x32 byte map at screen
     * block 20 whose tiles number the map position (a visible grid). */
    for (u32 t = 0; t < 32; t++)
        tile8_make(0x0000, t, t);
    for (u32 ty = 0; ty < 32; ty++)
        for (u32 tx = 0; tx < 32; tx++)
            affine_map_set(20, 32, tx, ty, (tx + 2 * ty) & 31);
    /* BG0: 16-colour tiles in char block 2, map at screen block 24. */
    for (u32 t = 0; t < 8; t++)
        tile4_make(0x8000, t, t + 9);
    for (u32 ty = 0; ty < 32; ty++)
        for (u32 tx = 0; tx < 32; tx++)
            *text_map(24, tx, ty) = (u16)(((tx + ty) % 4 == 0 ? (tx & 7) : 8) | SE_BANK(4));

    REG_BGCNT(0) = BGCNT_PRIO(0) | BGCNT_CHAR(2) | BGCNT_SCREEN(24);
    REG_BGCNT(2) = BGCNT_PRIO(1) | BGCNT_CHAR(0) | BGCNT_SCREEN(20) | BGCNT_WRAP | BGCNT_SIZE(1);
    REG_BGPA(2) = (u16)PA;
    REG_BGPB(2) = (u16)PB;
    REG_BGPC(2) = (u16)PC;
    REG_BGPD(2) = (u16)PD;
    /* Texture point (128, 128) at screen (120, 80). */
    REG_BGX(2) = (u32)(128 * 256 - (PA * 120 + PB * 80));
    REG_BGY(2) = (u32)(128 * 256 - (PC * 120 + PD * 80));
    REG_BGHOFS(0) = 3;
    REG_DISPCNT = DCNT_MODE(1) | DCNT_BG(0) | DCNT_BG(2);
    scene_idle();
}
