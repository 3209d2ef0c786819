/*
 * PPU scene 1: mode 0, four text BGs (GBATEK "LCD VRAM BG Screen Data
 * Format", "LCD I/O BG Control").  Priorities differ from the BG numbers
 * (BG1 front, then BG0, BG3, BG2) and every BG is scrolled; map entries
 * use both flips and two 16-colour palette banks; BG1 has 256-colour
 * tiles; BG2 is a 512x256 map (two screen blocks) scrolled across the
 * seam.  Holes in the tiles let the layers behind, and the backdrop, show.
 */
#include "ppu_scene.h"

const char test_name[] = "ppu_text";

/* Char blocks: 16-colour tiles at 0x0000, 256-colour ones at 0x4000.
 * Screen blocks: BG0 26, BG1 27, BG2 28-29, BG3 30. */
static void make_tiles(void)
{
    for (u32 t = 0; t < 16; t++) {
        tile4_make(0x0000, t, t);
        tile8_make(0x4000, t, t + 3);
    }
}

/* A map of w screen blocks (1 or 2) wide: entries vary by position,
 * flips alternate, one in `gap` tiles is blank (tile 0 of a transparent
 * block would be a pattern, so blank = a tile past the patterns). */
static void make_map(u32 sb, u32 blocks, u32 gap, u32 bank_a, u32 bank_b, u32 seed)
{
    for (u32 b = 0; b < blocks; b++)
        for (u32 ty = 0; ty < 32; ty++)
            for (u32 tx = 0; tx < 32; tx++) {
                u32 n = tx + 32 * b + ty * 3 + seed;
                u16 e = (u16)(n % 15);
                if (gap && umod(n, gap) == 0)
                    e = 16; /* all zero: transparent */
                if (tx & 1)
                    e |= SE_HFLIP;
                if (ty & 2)
                    e |= SE_VFLIP;
                e |= SE_BANK(((tx / 4 + ty / 3) & 1) ? bank_a : bank_b);
                *text_map(sb + b, tx, ty) = e;
            }
}

int main(void)
{
    vram_clear();
    palette_fill(BG_PALETTE, 3);
    BG_PALETTE[0] = RGB15(4, 8, 12); /* backdrop */
    make_tiles();
    make_map(26, 1, 3, 2, 5, 0);
    make_map(27, 1, 2, 0, 0, 7);
    make_map(28, 2, 0, 9, 12, 1);
    make_map(30, 1, 4, 1, 14, 4);

    REG_BGCNT(0) = BGCNT_PRIO(1) | BGCNT_CHAR(0) | BGCNT_SCREEN(26);
    REG_BGCNT(1) = BGCNT_PRIO(0) | BGCNT_CHAR(1) | BGCNT_256 | BGCNT_SCREEN(27);
    REG_BGCNT(2) = BGCNT_PRIO(3) | BGCNT_CHAR(0) | BGCNT_SCREEN(28) | BGCNT_SIZE(1);
    REG_BGCNT(3) = BGCNT_PRIO(2) | BGCNT_CHAR(0) | BGCNT_SCREEN(30);
    REG_BGHOFS(0) = 5;
    REG_BGVOFS(0) = 3;
    REG_BGHOFS(1) = 300; /* past the 256-pixel map: wraps */
    REG_BGVOFS(1) = 21;
    REG_BGHOFS(2) = 150; /* the 512-wide map's seam crosses the screen */
    REG_BGVOFS(2) = 200;
    REG_BGHOFS(3) = 0x1f9;
    REG_BGVOFS(3) = 7;
    REG_DISPCNT = DCNT_MODE(0) | DCNT_BG(0) | DCNT_BG(1) | DCNT_BG(2) | DCNT_BG(3);
    scene_idle();
}
