/*
 * PPU scene 4a: mode 3 (GBATEK "LCD VRAM Bitmap BG Modes"), a 240x160
 * frame buffer of direct BGR555 colours.  The first 32768 pixels hold
 * every colour once, in order, so this scene also checks the whole
 * 5-bit to 8-bit colour expansion of a screenshot; the rest of the
 * screen is a pattern with bit 15 set, which the PPU ignores.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_mode3";

int main(void)
{
    volatile u16 *fb = VRAM;
    for (u32 i = 0; i < SCREEN_W * SCREEN_H; i++)
        fb[i] = (u16)(i < 0x8000 ? i : 0x8000 | ((i * 37) & 0x7fff));
    REG_DISPCNT = DCNT_MODE(3) | DCNT_BG(2);
    scene_idle();
}
