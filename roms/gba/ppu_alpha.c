/*
 * PPU scene 8a: alpha blending (GBATEK "LCD I/O Color Special Effects"),
 * EVA 10/16 and EVB 6/16.  First target BG0, second targets BG1 and the
 * backdrop: BG0 blends over whichever of them is right behind it, and
 * not over BG2, which is no second target.  A semi-transparent sprite
 * (OBJ mode 1) blends over second targets although OBJs are not a first
 * target, and shows plainly over BG2; a normal sprite does not blend.
 */
#include "ppu_blend.h"

const char test_name[] = "ppu_alpha";

int main(void)
{
    blend_scene(0x18, 0); /* components 0, 8, 16, 24: 10a + 6b is a multiple of 16 */
    REG_BLDCNT = BLD_ALPHA | BLD_FIRST(0x01) | BLD_SECOND(0x02 | 0x20);
    REG_BLDALPHA = 10 | 6 << 8;
    REG_DISPCNT = BLEND_DISPCNT;
    scene_idle();
}
