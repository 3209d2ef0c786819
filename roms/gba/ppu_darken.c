/*
 * PPU scene 8c: brightness decrease (GBATEK "LCD I/O Color Special
 * Effects"), EVY 8/16, on BG1, BG2, the OBJs and the backdrop; BG0 stays
 * as it is.  No second target is named, so the semi-transparent sprite
 * has nothing to blend with and is darkened like the normal one.  (OBJs
 * are a first target here on purpose: whether a semi-transparent OBJ
 * that does not blend takes the brightness effect without BLDCNT bit 4
 * is not spelt out clearly enough to test.)
 */
#include "ppu_blend.h"

const char test_name[] = "ppu_darken";

int main(void)
{
    blend_scene(0x1e, 0); /* even components: c * 8 / 16 is whole */
    REG_BLDCNT = BLD_DARKEN | BLD_FIRST(0x02 | 0x04 | 0x10 | 0x20);
    REG_BLDALPHA = 7 | 9 << 8;
    REG_BLDY = 8;
    REG_DISPCNT = BLEND_DISPCNT;
    scene_idle();
}
