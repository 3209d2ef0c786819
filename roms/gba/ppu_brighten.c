/*
 * PPU scene 8b: brightness increase (GBATEK "LCD I/O Color Special
 * Effects"), EVY 8/16, on BG0, the OBJs and the backdrop (first
 * targets), with BG1 as second target.  The semi-transparent sprite
 * alpha-blends (EVA 12, EVB 4) where BG1 is right behind it, and there
 * neither pixel is brightened; elsewhere it is brightened like the
 * normal sprite.  BG2 is not touched.
 */
#include "ppu_blend.h"

const char test_name[] = "ppu_brighten";

int main(void)
{
    /* components 1 mod 4: 31 - c is even (EVY 8) and 12a + 4b a multiple of 16 */
    blend_scene(0x1c, 1);
    REG_BLDCNT = BLD_BRIGHTEN | BLD_FIRST(0x01 | 0x10 | 0x20) | BLD_SECOND(0x02);
    REG_BLDALPHA = 12 | 4 << 8;
    REG_BLDY = 8;
    REG_DISPCNT = BLEND_DISPCNT;
    scene_idle();
}
