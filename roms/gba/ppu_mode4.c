/*
 * PPU scene 4b: mode 4 (GBATEK "LCD VRAM Bitmap BG Modes"), 8-bit
 * palette indexes in two 240x160 frames at 0x06000000 and 0x0600a000;
 * DISPCNT bit 4 shows frame 1.  Frame 0 holds a different picture, so
 * showing the wrong frame cannot go unnoticed.  Index 0 is transparent:
 * the backdrop shows through it.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_mode4";

/* Fills frame f (0 or 1) with two pixels per halfword store. */
static void fill_frame(u32 f)
{
    volatile u16 *fb = (volatile u16 *)(0x06000000u + f * 0xa000u);
    for (u32 y = 0; y < SCREEN_H; y++)
        for (u32 x = 0; x < SCREEN_W; x += 2) {
            u32 a = f ? (x ^ y) & 255 : (x + y) & 255;
            u32 b = f ? ((x + 1) * 3 + y) & 255 : 7;
            if (f && (x / 8 + y / 8) % 5 == 0)
                a = 0; /* holes: the backdrop */
            fb[(y * SCREEN_W + x) / 2] = (u16)(a | b << 8);
        }
}

int main(void)
{
    palette_fill(BG_PALETTE, 11);
    BG_PALETTE[0] = RGB15(31, 20, 0);
    fill_frame(0);
    fill_frame(1);
    REG_DISPCNT = DCNT_MODE(4) | DCNT_BG(2) | DCNT_FRAME1;
    scene_idle();
}
