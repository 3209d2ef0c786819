/*
 * PPU scene 4c: mode 5 (GBATEK "LCD VRAM Bitmap BG Modes"), two 160x128
 * frames of direct colours at 0x06000000 and 0x0600a000; frame 0 is
 * shown and frame 1 holds something else.  Outside the 160x128 area the
 * backdrop shows.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_mode5";

static void fill_frame(u32 f)
{
    volatile u16 *fb = (volatile u16 *)(0x06000000u + f * 0xa000u);
    for (u32 y = 0; y < 128; y++)
        for (u32 x = 0; x < 160; x++)
            fb[y * 160 + x] = f ? RGB15(31, 0, 31) : RGB15(x & 31, y & 31, (x / 32 + y / 16) * 3 & 31);
}

int main(void)
{
    BG_PALETTE[0] = RGB15(0, 10, 20);
    fill_frame(0);
    fill_frame(1);
    REG_DISPCNT = DCNT_MODE(5) | DCNT_BG(2);
    scene_idle();
}
