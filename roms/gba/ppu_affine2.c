/*
 * PPU scene 3: mode 2, two affine BGs (GBATEK "LCD I/O BG
 * Rotation/Scaling").  BG2, in front, is a 128x128 map turned by -20
 * degrees and magnified 1.6 times, without wraparound: outside its
 * texture it is transparent and BG3 shows.  BG3 is a 512x512 map,
 * sheared and shrunk, with wraparound and a reference point far
 * outside the map.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_affine2";

/* BG2: 8.8 fixed point, cos(-20) / 1.6 = 0.587, sin(-20) / 1.6 = -0.214. */
#define PA2 150
#define PB2 55
#define PC2 (-55)
#define PD2 150
/* BG3: x texels per pixel 2, shear 0.5 along x, y 1.25 texels per pixel. */
#define PA3 512
#define PB3 128
#define PC3 0
#define PD3 320

int main(void)
{
    vram_clear();
    palette_fill(BG_PALETTE, 6);
    BG_PALETTE[0] = RGB15(31, 31, 0);
    for (u32 t = 0; t < 64; t++)
        tile8_make(0x0000, t, t);
    /* BG2: 16x16 tiles at screen block 30; BG3: 64x64 at 24-25. */
    for (u32 ty = 0; ty < 16; ty++)
        for (u32 tx = 0; tx < 16; tx++)
            affine_map_set(30, 16, tx, ty, (tx ^ ty) & 31);
    for (u32 ty = 0; ty < 64; ty++)
        for (u32 tx = 0; tx < 64; tx++)
            affine_map_set(24, 64, tx, ty, 32 + ((tx / 2 + ty) & 31));

    REG_BGCNT(2) = BGCNT_PRIO(0) | BGCNT_CHAR(0) | BGCNT_SCREEN(30) | BGCNT_SIZE(0);
    REG_BGCNT(3) = BGCNT_PRIO(1) | BGCNT_CHAR(0) | BGCNT_SCREEN(24) | BGCNT_WRAP | BGCNT_SIZE(2);
    REG_BGPA(2) = (u16)PA2;
    REG_BGPB(2) = (u16)PB2;
    REG_BGPC(2) = (u16)PC2;
    REG_BGPD(2) = (u16)PD2;
    /* Texture centre (64, 64) at screen (120, 80). */
    REG_BGX(2) = (u32)(64 * 256 - (PA2 * 120 + PB2 * 80));
    REG_BGY(2) = (u32)(64 * 256 - (PC2 * 120 + PD2 * 80));
    REG_BGPA(3) = (u16)PA3;
    REG_BGPB(3) = (u16)PB3;
    REG_BGPC(3) = (u16)PC3;
    REG_BGPD(3) = (u16)PD3;
    REG_BGX(3) = (u32)(-3000 * 256);
    REG_BGY(3) = (u32)(1700 * 256 + 77);
    REG_DISPCNT = DCNT_MODE(2) | DCNT_BG(2) | DCNT_BG(3);
    scene_idle();
}
