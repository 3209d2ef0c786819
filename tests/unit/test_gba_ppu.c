/* The GBA PPU against GBATEK's LCD chapters: scenes are built by writing
 * VRAM, palette RAM, OAM and the I/O registers directly, a frame is drawn
 * from VBlank, and single pixels are compared with colours worked out by
 * hand from the register descriptions. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gba_ppu.h"

static uint8_t vram[GBA_VRAM_SIZE], pal[GBA_PALETTE_SIZE], oam[GBA_OAM_SIZE], io[GBA_IO_SIZE];
static const GbaPpuMem mem = {vram, pal, oam, io};
static GbaPpu ppu;
static uint32_t frame[GBA_SCREEN_H][GBA_SCREEN_W];

/* --- scene building ---------------------------------------------------------- */

#define BGR(r, g, b) ((unsigned)(r) | (unsigned)(g) << 5 | (unsigned)(b) << 10)

/* A 5-bit component as the 8-bit value the screen shows: GBATEK's
 * "c * 8 + c / 4" rounding of 31 up to 255. */
static uint32_t rgb(unsigned r, unsigned g, unsigned b)
{
    return (r * 8 + r / 4) << 16 | (g * 8 + g / 4) << 8 | (b * 8 + b / 4);
}

#define RED_RGB rgb(31, 0, 0)
#define GREEN_RGB rgb(0, 31, 0)
#define BLUE_RGB rgb(0, 0, 31)
#define BACKDROP_RGB rgb(2, 4, 6)

static void put16(uint8_t *p, unsigned offset, unsigned value)
{
    p[offset] = value & 0xff;
    p[offset + 1] = (value >> 8) & 0xff;
}

static void reg(unsigned offset, unsigned value)
{
    put16(io, offset, value);
}

static void reg32(unsigned offset, uint32_t value)
{
    put16(io, offset, value & 0xffff);
    put16(io, offset + 2, value >> 16);
}

static void colour(unsigned index, unsigned bgr555)
{
    put16(pal, index * 2, bgr555);
}

/* Palette: BG colours 1 red, 2 green, 3 blue; OBJ colours the same at 256+. */
static void standard_palette(void)
{
    colour(0, BGR(2, 4, 6));
    colour(1, BGR(31, 0, 0));
    colour(2, BGR(0, 31, 0));
    colour(3, BGR(0, 0, 31));
    colour(256 + 1, BGR(31, 0, 0));
    colour(256 + 2, BGR(0, 31, 0));
    colour(256 + 3, BGR(0, 0, 31));
}

/* 4-bit tiles: 32 bytes, 4 per row, the left pixel in the low nibble. */
static void tile4_pixel(uint32_t base, unsigned tile, unsigned x, unsigned y, unsigned nibble)
{
    uint8_t *b = &vram[base + tile * 32 + y * 4 + x / 2];
    *b = (x & 1) ? (uint8_t)((*b & 0x0f) | nibble << 4) : (uint8_t)((*b & 0xf0) | nibble);
}

static void tile4_fill(uint32_t base, unsigned tile, unsigned nibble)
{
    memset(&vram[base + tile * 32], (int)(nibble | nibble << 4), 32);
}

/* 8-bit tiles: 64 bytes, one per pixel. */
static void tile8_pixel(uint32_t base, unsigned tile, unsigned x, unsigned y, unsigned index)
{
    vram[base + tile * 64 + y * 8 + x] = (uint8_t)index;
}

static void tile8_fill(uint32_t base, unsigned tile, unsigned index)
{
    memset(&vram[base + tile * 64], (int)index, 64);
}

/* A 32x32 text screen block filled with one map entry. */
static void text_map_fill(uint32_t block_addr, unsigned entry)
{
    for (unsigned i = 0; i < 1024; i++)
        put16(vram, block_addr + i * 2, entry);
}

static void oam_entry(unsigned i, unsigned attr0, unsigned attr1, unsigned attr2)
{
    put16(oam, i * 8, attr0);
    put16(oam, i * 8 + 2, attr1);
    put16(oam, i * 8 + 4, attr2);
}

static void oam_affine(unsigned group, int pa, int pb, int pc, int pd)
{
    put16(oam, group * 32 + 6, (unsigned)pa & 0xffff);
    put16(oam, group * 32 + 14, (unsigned)pb & 0xffff);
    put16(oam, group * 32 + 22, (unsigned)pc & 0xffff);
    put16(oam, group * 32 + 30, (unsigned)pd & 0xffff);
}

#define OBJ_VRAM 0x10000u
#define GBA_REG_BG1CNT (GBA_REG_BG0CNT + 2)
#define GBA_REG_BG2CNT (GBA_REG_BG0CNT + 4)
#define BG_CNT(prio, charblk, screenblk) ((unsigned)(prio) | (unsigned)(charblk) << 2 | (unsigned)(screenblk) << 8)
#define DISP_BG(n) (1u << (8 + (n)))
#define DISP_OBJ (1u << 12)
#define DISP_OBJ_1D (1u << 6)

/* Draws a whole frame, starting from VBlank as the hardware does. */
static void render(void)
{
    gba_ppu_vblank(&ppu, io);
    for (unsigned y = 0; y < GBA_SCREEN_H; y++)
        gba_ppu_draw_line(&ppu, &mem, y, frame[y]);
}

static uint32_t px(unsigned x, unsigned y)
{
    return frame[y][x];
}

static void setup(void)
{
    memset(vram, 0, sizeof vram);
    memset(pal, 0, sizeof pal);
    memset(oam, 0, sizeof oam);
    memset(io, 0, sizeof io);
    /* An all-zero OAM entry is a visible 8x8 sprite: hide all 128. */
    for (unsigned i = 0; i < 128; i++)
        put16(oam, i * 8, 0x200);
    /* The BIOS leaves the affine BGs untransformed. */
    reg(GBA_REG_BG2PA, 0x100);
    reg(GBA_REG_BG2PA + 6, 0x100);
    reg(GBA_REG_BG3PA, 0x100);
    reg(GBA_REG_BG3PA + 6, 0x100);
    standard_palette();
    gba_ppu_reset(&ppu);
}

/* --- display control ------------------------------------------------------- */

START_TEST(test_forced_blank_is_white)
{
    tile4_fill(0, 1, 1);
    text_map_fill(0x4000, 1);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8));
    reg(GBA_REG_DISPCNT, DISP_BG(0) | 0x80);
    render();
    ck_assert_uint_eq(px(0, 0), 0xffffff);
    ck_assert_uint_eq(px(239, 159), 0xffffff);
    reg(GBA_REG_DISPCNT, DISP_BG(0));
    render();
    ck_assert_uint_eq(px(0, 0), RED_RGB);
}
END_TEST

START_TEST(test_backdrop_and_bg_enable_bits)
{
    tile4_fill(0, 1, 1);
    text_map_fill(0x4000, 1);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8));
    reg(GBA_REG_DISPCNT, 0); /* BG0 configured but not enabled */
    render();
    ck_assert_uint_eq(px(17, 33), BACKDROP_RGB);
    colour(0, BGR(31, 31, 0));
    render();
    ck_assert_uint_eq(px(17, 33), rgb(31, 31, 0));
}
END_TEST

/* --- text backgrounds -------------------------------------------------------- */

START_TEST(test_text_tile_at_scroll_offset)
{
    /* Tile 1 at map column 5, row 3; its pixel (2,6) has colour 3. */
    tile4_pixel(0, 1, 2, 6, 3);
    put16(vram, 0x4000 + (3 * 32 + 5) * 2, 1);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8));
    reg(GBA_REG_BG0HOFS, 3);
    reg(GBA_REG_BG0HOFS + 2, 5);
    reg(GBA_REG_DISPCNT, DISP_BG(0));
    render();
    /* BG point (42, 30) shows at screen (42 - 3, 30 - 5). */
    ck_assert_uint_eq(px(39, 25), BLUE_RGB);
    ck_assert_uint_eq(px(38, 25), BACKDROP_RGB);
    ck_assert_uint_eq(px(39, 24), BACKDROP_RGB);
    /* Scrolling by 256+3 is the same on a 256-wide map. */
    reg(GBA_REG_BG0HOFS, 256 + 3);
    render();
    ck_assert_uint_eq(px(39, 25), BLUE_RGB);
}
END_TEST

START_TEST(test_text_tile_flips)
{
    tile4_pixel(0, 1, 1, 2, 2);
    put16(vram, 0x4000 + 0 * 2, 1 | 0x400);         /* horizontal flip */
    put16(vram, 0x4000 + 1 * 2, 1 | 0x800);         /* vertical flip */
    put16(vram, 0x4000 + 2 * 2, 1 | 0x400 | 0x800); /* both */
    put16(vram, 0x4000 + 3 * 2, 1);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8));
    reg(GBA_REG_DISPCNT, DISP_BG(0));
    render();
    ck_assert_uint_eq(px(6, 2), GREEN_RGB);
    ck_assert_uint_eq(px(1, 2), BACKDROP_RGB);
    ck_assert_uint_eq(px(8 + 1, 5), GREEN_RGB);
    ck_assert_uint_eq(px(8 + 1, 2), BACKDROP_RGB);
    ck_assert_uint_eq(px(16 + 6, 5), GREEN_RGB);
    ck_assert_uint_eq(px(24 + 1, 2), GREEN_RGB);
}
END_TEST

START_TEST(test_text_256_colour_tile)
{
    /* Char block 1 (0x4000), 256 colours: tile 2 starts at 0x4000 + 128. */
    tile8_pixel(0x4000, 2, 5, 1, 200);
    colour(200, BGR(7, 14, 21));
    put16(vram, 0x8000 + (1 * 32 + 0) * 2, 2);
    reg(GBA_REG_BG1CNT, BG_CNT(0, 1, 16) | 0x80);
    reg(GBA_REG_DISPCNT, DISP_BG(1));
    render();
    ck_assert_uint_eq(px(5, 9), rgb(7, 14, 21));
    ck_assert_uint_eq(px(4, 9), BACKDROP_RGB);
}
END_TEST

START_TEST(test_text_palette_bank)
{
    tile4_pixel(0, 1, 0, 0, 3);
    colour(5 * 16 + 3, BGR(9, 9, 9));
    put16(vram, 0x4000, 1 | 5u << 12);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8));
    reg(GBA_REG_DISPCNT, DISP_BG(0));
    render();
    ck_assert_uint_eq(px(0, 0), rgb(9, 9, 9));
}
END_TEST

/* Which 2 KiB screen block holds BG point (256+8, 256+16) of each map size. */
START_TEST(test_text_screen_block_layout)
{
    tile4_pixel(0, 1, 0, 0, 1);
    tile4_pixel(0, 2, 0, 0, 2);
    tile4_pixel(0, 3, 0, 0, 3);
    reg(GBA_REG_DISPCNT, DISP_BG(0));
    /* 512x512: SC0 SC1 / SC2 SC3; SC3 is the fourth block. */
    put16(vram, 0x4000 + 3 * 0x800 + (2 * 32 + 1) * 2, 1);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8) | 3u << 14);
    reg(GBA_REG_BG0HOFS, 256);
    reg(GBA_REG_BG0HOFS + 2, 256);
    render();
    ck_assert_uint_eq(px(8, 16), RED_RGB);
    /* 512x256: SC1 is the right half. */
    memset(vram + 0x4000, 0, 0x2000);
    put16(vram, 0x4000 + 1 * 0x800 + (2 * 32 + 1) * 2, 2);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8) | 1u << 14);
    reg(GBA_REG_BG0HOFS + 2, 0);
    render();
    ck_assert_uint_eq(px(8, 16), GREEN_RGB);
    /* 256x512: SC1 is the bottom half. */
    memset(vram + 0x4000, 0, 0x2000);
    put16(vram, 0x4000 + 1 * 0x800 + (2 * 32 + 1) * 2, 3);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8) | 2u << 14);
    reg(GBA_REG_BG0HOFS, 0);
    reg(GBA_REG_BG0HOFS + 2, 256);
    render();
    ck_assert_uint_eq(px(8, 16), BLUE_RGB);
}
END_TEST

START_TEST(test_bg_priorities)
{
    tile4_fill(0, 1, 1);
    tile4_fill(0, 2, 2);
    text_map_fill(0x4000, 1); /* BG0 red */
    text_map_fill(0x4800, 2); /* BG1 green */
    reg(GBA_REG_DISPCNT, DISP_BG(0) | DISP_BG(1));
    reg(GBA_REG_BG0CNT, BG_CNT(1, 0, 8));
    reg(GBA_REG_BG1CNT, BG_CNT(0, 0, 9));
    render();
    ck_assert_uint_eq(px(100, 100), GREEN_RGB);
    /* Equal priority: the lower BG number is in front. */
    reg(GBA_REG_BG1CNT, BG_CNT(1, 0, 9));
    render();
    ck_assert_uint_eq(px(100, 100), RED_RGB);
    /* A transparent pixel of the front BG lets the one behind through. */
    tile4_pixel(0, 1, 4, 4, 0);
    render();
    ck_assert_uint_eq(px(4, 4), GREEN_RGB);
}
END_TEST

/* --- bitmap modes ------------------------------------------------------------- */

START_TEST(test_mode3_bitmap)
{
    put16(vram, (20 * 240 + 10) * 2, BGR(1, 2, 3));
    reg(GBA_REG_DISPCNT, 3 | DISP_BG(2));
    render();
    ck_assert_uint_eq(px(10, 20), rgb(1, 2, 3));
    /* Bitmap colour 0 is black, not transparent. */
    ck_assert_uint_eq(px(11, 20), 0);
}
END_TEST

START_TEST(test_mode4_frame_select)
{
    vram[7 * 240 + 5] = 1;
    vram[0xa000 + 7 * 240 + 5] = 2;
    reg(GBA_REG_DISPCNT, 4 | DISP_BG(2));
    render();
    ck_assert_uint_eq(px(5, 7), RED_RGB);
    ck_assert_uint_eq(px(6, 7), BACKDROP_RGB); /* index 0 is transparent */
    reg(GBA_REG_DISPCNT, 4 | DISP_BG(2) | 0x10);
    render();
    ck_assert_uint_eq(px(5, 7), GREEN_RGB);
}
END_TEST

START_TEST(test_mode5_small_frames)
{
    put16(vram, (127 * 160 + 159) * 2, BGR(3, 3, 3));
    put16(vram, 0xa000 + (127 * 160 + 159) * 2, BGR(4, 4, 4));
    for (unsigned x = 0; x < 240; x++)
        put16(vram, 0xa000 + x * 2, BGR(5, 5, 5)); /* spills past the 160-pixel row */
    reg(GBA_REG_DISPCNT, 5 | DISP_BG(2));
    render();
    ck_assert_uint_eq(px(159, 127), rgb(3, 3, 3));
    reg(GBA_REG_DISPCNT, 5 | DISP_BG(2) | 0x10);
    render();
    ck_assert_uint_eq(px(159, 127), rgb(4, 4, 4));
    ck_assert_uint_eq(px(159, 0), rgb(5, 5, 5));
    ck_assert_uint_eq(px(160, 0), BACKDROP_RGB); /* beyond 160x128 */
    ck_assert_uint_eq(px(0, 128), BACKDROP_RGB);
}
END_TEST

START_TEST(test_mode_selects_backgrounds)
{
    tile4_fill(0, 1, 1);
    text_map_fill(0x4000, 1);
    tile8_fill(0x8000, 1, 2);
    memset(vram + 0xc000, 1, 16 * 16); /* affine map: tile 1 everywhere */
    reg(GBA_REG_BG0CNT, BG_CNT(1, 0, 8));
    reg(GBA_REG_BG2CNT, BG_CNT(0, 2, 24));
    reg(GBA_REG_DISPCNT, 1 | DISP_BG(0) | DISP_BG(2));
    render();
    ck_assert_uint_eq(px(50, 50), GREEN_RGB); /* BG2 affine in front */
    ck_assert_uint_eq(px(200, 50), RED_RGB); /* beyond the 128-pixel affine map */
    reg(GBA_REG_DISPCNT, 2 | DISP_BG(0) | DISP_BG(2));
    render();
    ck_assert_uint_eq(px(200, 50), BACKDROP_RGB); /* mode 2 has no BG0 */
}
END_TEST

/* --- affine backgrounds ------------------------------------------------------- */

/* A 128x128 affine BG2: map at 0x4000, tiles at 0. */
static void affine_scene(void)
{
    reg(GBA_REG_BG2CNT, BG_CNT(0, 0, 8));
    reg(GBA_REG_DISPCNT, 2 | DISP_BG(2));
}

START_TEST(test_affine_scaled_2x)
{
    tile8_fill(0, 1, 2);
    tile8_pixel(0, 1, 3, 2, 1);
    vram[0x4000] = 1;
    affine_scene();
    reg(GBA_REG_BG2PA, 0x80);
    reg(GBA_REG_BG2PA + 6, 0x80);
    render();
    /* Half a texel per pixel and per line: texel (3,2) covers x 6-7, y 4-5. */
    ck_assert_uint_eq(px(6, 4), RED_RGB);
    ck_assert_uint_eq(px(7, 5), RED_RGB);
    ck_assert_uint_eq(px(5, 4), GREEN_RGB);
    ck_assert_uint_eq(px(8, 4), GREEN_RGB);
    ck_assert_uint_eq(px(6, 6), GREEN_RGB);
    ck_assert_uint_eq(px(15, 15), GREEN_RGB);
    ck_assert_uint_eq(px(16, 4), BACKDROP_RGB); /* texel 8: tile 0 is empty */
}
END_TEST

START_TEST(test_affine_rotated_90)
{
    /* PA=0 PB=-1 PC=1 PD=0 from (127, 0): texel (127 - y, x). */
    tile8_fill(0, 1, 2);
    tile8_pixel(0, 1, 0, 2, 1);
    vram[0x4000 + 1 * 16 + 15] = 1; /* texel (120, 10) is tile (15,1) pixel (0,2) */
    affine_scene();
    reg(GBA_REG_BG2PA, 0);
    reg(GBA_REG_BG2PA + 2, 0xff00);
    reg(GBA_REG_BG2PA + 4, 0x100);
    reg(GBA_REG_BG2PA + 6, 0);
    reg32(GBA_REG_BG2X, 127 << 8);
    render();
    ck_assert_uint_eq(px(10, 7), RED_RGB);
    ck_assert_uint_eq(px(11, 7), GREEN_RGB);
    ck_assert_uint_eq(px(8, 0), GREEN_RGB);
    ck_assert_uint_eq(px(10, 8), BACKDROP_RGB); /* texel x 119 */
    ck_assert_uint_eq(px(16, 7), BACKDROP_RGB); /* texel y 16 */
}
END_TEST

START_TEST(test_affine_wraparound)
{
    tile8_fill(0, 1, 1);
    vram[0x4000 + 15] = 1; /* texels x 120..127 of row 0 */
    affine_scene();
    reg32(GBA_REG_BG2X, 0xfffff800); /* -8.0, upper bits beyond 28 ignored */
    render();
    ck_assert_uint_eq(px(3, 0), BACKDROP_RGB);
    ck_assert_uint_eq(px(8, 0), BACKDROP_RGB);
    ck_assert_uint_eq(px(130, 0), RED_RGB); /* texel 122 without wrapping */
    reg(GBA_REG_BG2CNT, BG_CNT(0, 0, 8) | 0x2000);
    render();
    ck_assert_uint_eq(px(3, 0), RED_RGB); /* texel -5 wraps to 123 */
    ck_assert_uint_eq(px(8, 0), BACKDROP_RGB);
    ck_assert_uint_eq(px(3, 130), RED_RGB); /* line 130 wraps to row 2 */
}
END_TEST

START_TEST(test_affine_larger_map)
{
    /* 256x256 affine map is 32 tiles wide: tile (20, 3) at byte 3 * 32 + 20. */
    tile8_fill(0, 1, 3);
    vram[0x4000 + 3 * 32 + 20] = 1;
    reg(GBA_REG_BG2CNT, BG_CNT(0, 0, 8) | 1u << 14);
    reg(GBA_REG_DISPCNT, 2 | DISP_BG(2));
    render();
    ck_assert_uint_eq(px(160, 24), BLUE_RGB);
    ck_assert_uint_eq(px(159, 24), BACKDROP_RGB);
}
END_TEST

START_TEST(test_affine_reference_point_reload)
{
    tile8_fill(0, 1, 1);
    tile8_fill(0, 2, 2);
    vram[0x4000] = 1;      /* texel rows 0-7 red */
    vram[0x4000 + 16] = 2; /* rows 8-15 green */
    affine_scene();
    uint32_t line[GBA_SCREEN_W];
    gba_ppu_vblank(&ppu, io);
    for (unsigned y = 0; y <= 10; y++)
        gba_ppu_draw_line(&ppu, &mem, y, line);
    ck_assert_uint_eq(line[0], GREEN_RGB); /* row 10 */
    /* Writing BG2Y mid-frame restarts the walk from the written value. */
    reg32(GBA_REG_BG2Y, 0);
    gba_ppu_ref_written(&ppu, io, 2);
    gba_ppu_draw_line(&ppu, &mem, 11, line);
    ck_assert_uint_eq(line[0], RED_RGB);
    ck_assert_int_eq(ppu.ref_y[0], 0x100);
    /* VBlank reloads from the registers. */
    reg32(GBA_REG_BG2Y, 9 << 8);
    gba_ppu_vblank(&ppu, io);
    ck_assert_int_eq(ppu.ref_y[0], 9 << 8);
    gba_ppu_draw_line(&ppu, &mem, 0, line);
    ck_assert_uint_eq(line[0], GREEN_RGB);
}
END_TEST

/* --- sprites ------------------------------------------------------------------- */

START_TEST(test_sprite_8x8_palette_bank)
{
    tile4_pixel(OBJ_VRAM, 1, 3, 4, 5);
    colour(256 + 2 * 16 + 5, BGR(11, 12, 13));
    oam_entry(0, 20, 30, 1 | 2u << 12);
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(33, 24), rgb(11, 12, 13));
    ck_assert_uint_eq(px(32, 24), BACKDROP_RGB);
}
END_TEST

/* GBATEK's size table, by shape then size: width, height. */
static const unsigned sprite_dims[3][4][2] = {
    {{8, 8}, {16, 16}, {32, 32}, {64, 64}},
    {{16, 8}, {32, 8}, {32, 16}, {64, 32}},
    {{8, 16}, {8, 32}, {16, 32}, {32, 64}},
};

/* The bottom-right texel of every shape and size, where each mapping
 * puts it: 1D rows are the sprite's width in tiles apart, 2D rows 32. */
static void check_sprite_corners(bool one_d)
{
    for (unsigned shape = 0; shape < 3; shape++) {
        for (unsigned size = 0; size < 4; size++) {
            unsigned w = sprite_dims[shape][size][0], h = sprite_dims[shape][size][1];
            unsigned base = 4, stride = one_d ? w / 8 : 32;
            unsigned tile = base + (h / 8 - 1) * stride + (w / 8 - 1);
            memset(vram + OBJ_VRAM, 0, 0x8000);
            tile4_pixel(OBJ_VRAM, tile, 7, 7, 3);
            oam_entry(0, 10 | shape << 14, 100 | size << 14, base);
            reg(GBA_REG_DISPCNT, DISP_OBJ | (one_d ? DISP_OBJ_1D : 0));
            render();
            ck_assert_msg(px(100 + w - 1, 10 + h - 1) == BLUE_RGB, "shape %u size %u", shape, size);
            ck_assert_uint_eq(px(100 + w, 10 + h - 1), BACKDROP_RGB);
            ck_assert_uint_eq(px(100 + w - 1, 10 + h), BACKDROP_RGB);
        }
    }
}

START_TEST(test_sprite_sizes_1d_mapping)
{
    check_sprite_corners(true);
}
END_TEST

START_TEST(test_sprite_sizes_2d_mapping)
{
    check_sprite_corners(false);
}
END_TEST

START_TEST(test_sprite_64x32_mapping_difference)
{
    /* Texel (25, 22) of a 64x32 sprite with tile base 10: tile column 3,
     * row 2, pixel (1, 6).  1D: tile 10 + 2*8 + 3; 2D: tile 10 + 2*32 + 3. */
    tile4_pixel(OBJ_VRAM, 29, 1, 6, 1);
    tile4_pixel(OBJ_VRAM, 77, 1, 6, 2);
    oam_entry(0, 50 | 1u << 14, 100 | 3u << 14, 10);
    reg(GBA_REG_DISPCNT, DISP_OBJ | DISP_OBJ_1D);
    render();
    ck_assert_uint_eq(px(125, 72), RED_RGB);
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(125, 72), GREEN_RGB);
}
END_TEST

START_TEST(test_sprite_256_colours)
{
    /* 16x16, 256 colours, tile base 5.  Texel (9, 11): tile column 1, row 1,
     * pixel (1, 3).  1D: each 8-bit tile is two tile numbers, a row of the
     * sprite is 4: tile 5 + 4 + 2 = 11.  2D: the low bit of the base is
     * ignored: tile 4 + 32 + 2 = 38. */
    colour(256 + 77, BGR(17, 18, 19));
    colour(256 + 78, BGR(20, 21, 22));
    vram[OBJ_VRAM + 11 * 32 + 3 * 8 + 1] = 77;
    vram[OBJ_VRAM + 38 * 32 + 3 * 8 + 1] = 78;
    oam_entry(0, 60 | 1u << 13, 70 | 1u << 14, 5 | 15u << 12); /* the palette bank is ignored */
    reg(GBA_REG_DISPCNT, DISP_OBJ | DISP_OBJ_1D);
    render();
    ck_assert_uint_eq(px(79, 71), rgb(17, 18, 19));
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(79, 71), rgb(20, 21, 22));
}
END_TEST

START_TEST(test_sprite_flips)
{
    tile4_pixel(OBJ_VRAM, 1, 1, 2, 1);
    oam_entry(0, 40, 40 | 1u << 12, 1);
    oam_entry(1, 40, 60 | 1u << 13, 1);
    oam_entry(2, 40, 80 | 3u << 12, 1);
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(46, 42), RED_RGB);
    ck_assert_uint_eq(px(41, 42), BACKDROP_RGB);
    ck_assert_uint_eq(px(61, 45), RED_RGB);
    ck_assert_uint_eq(px(86, 45), RED_RGB);
}
END_TEST

START_TEST(test_sprite_disabled_flag)
{
    tile4_fill(OBJ_VRAM, 1, 1);
    oam_entry(0, 40 | 0x200, 40, 1);
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(42, 42), BACKDROP_RGB);
    oam_entry(0, 40, 40, 1);
    render();
    ck_assert_uint_eq(px(42, 42), RED_RGB);
    /* OBJ layer disabled in DISPCNT */
    reg(GBA_REG_DISPCNT, 0);
    render();
    ck_assert_uint_eq(px(42, 42), BACKDROP_RGB);
}
END_TEST

START_TEST(test_sprite_affine_double_size)
{
    /* 8x8 with texel (0,0) red, the rest green. */
    tile4_fill(OBJ_VRAM, 1, 2);
    tile4_pixel(OBJ_VRAM, 1, 0, 0, 1);
    oam_affine(0, 0x100, 0, 0, 0x100);
    oam_entry(0, 40 | 0x100 | 0x200, 40, 1); /* affine, double size, group 0 */
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    /* The 8x8 texture sits in the middle of a 16x16 box. */
    ck_assert_uint_eq(px(44, 44), RED_RGB);
    ck_assert_uint_eq(px(51, 51), GREEN_RGB);
    ck_assert_uint_eq(px(43, 44), BACKDROP_RGB);
    ck_assert_uint_eq(px(52, 51), BACKDROP_RGB);
    /* Magnified 2x it fills the box: texel (0,0) covers 2x2 pixels. */
    oam_affine(0, 0x80, 0, 0, 0x80);
    render();
    ck_assert_uint_eq(px(40, 40), RED_RGB);
    ck_assert_uint_eq(px(41, 41), RED_RGB);
    ck_assert_uint_eq(px(42, 41), GREEN_RGB);
    ck_assert_uint_eq(px(55, 55), GREEN_RGB);
    ck_assert_uint_eq(px(56, 55), BACKDROP_RGB);
    /* Without double size the box stays 8x8 and shows texels 2..5. */
    oam_entry(0, 40 | 0x100, 40, 1);
    render();
    ck_assert_uint_eq(px(40, 40), GREEN_RGB);
    ck_assert_uint_eq(px(47, 47), GREEN_RGB);
    ck_assert_uint_eq(px(48, 47), BACKDROP_RGB);
    /* ...and the 0x200 bit of an affine sprite does not disable it. */
}
END_TEST

START_TEST(test_sprite_affine_param_group)
{
    /* Group 3 halves the width: the 8x8 texture shrinks to 4 pixels. */
    tile4_fill(OBJ_VRAM, 1, 2);
    oam_affine(0, 0x100, 0, 0, 0x100);
    oam_affine(3, 0x200, 0, 0, 0x100);
    oam_entry(0, 40 | 0x100, 40 | 3u << 9, 1);
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(41, 40), BACKDROP_RGB); /* dx -3: texel -6+4 */
    ck_assert_uint_eq(px(42, 40), GREEN_RGB);    /* dx -2: texel 0 */
    ck_assert_uint_eq(px(45, 40), GREEN_RGB);    /* dx 1: texel 6 */
    ck_assert_uint_eq(px(46, 40), BACKDROP_RGB); /* dx 2: texel 8 */
}
END_TEST

START_TEST(test_sprite_priority_against_bg)
{
    tile4_fill(0, 1, 1);
    text_map_fill(0x4000, 1);
    tile4_fill(OBJ_VRAM, 1, 2);
    tile4_pixel(OBJ_VRAM, 1, 0, 0, 0);
    reg(GBA_REG_BG0CNT, BG_CNT(1, 0, 8));
    reg(GBA_REG_DISPCNT, DISP_BG(0) | DISP_OBJ);
    oam_entry(0, 40, 40, 1 | 1u << 10); /* same priority: OBJ in front */
    render();
    ck_assert_uint_eq(px(41, 41), GREEN_RGB);
    ck_assert_uint_eq(px(40, 40), RED_RGB); /* transparent sprite pixel */
    oam_entry(0, 40, 40, 1 | 2u << 10); /* behind */
    render();
    ck_assert_uint_eq(px(41, 41), RED_RGB);
    oam_entry(0, 40, 40, 1 | 0u << 10); /* in front */
    render();
    ck_assert_uint_eq(px(41, 41), GREEN_RGB);
}
END_TEST

START_TEST(test_sprite_oam_order)
{
    tile4_fill(OBJ_VRAM, 1, 1);
    tile4_fill(OBJ_VRAM, 2, 2);
    oam_entry(0, 40, 40, 1 | 1u << 10);
    oam_entry(1, 40, 44, 2 | 1u << 10);
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(45, 41), RED_RGB); /* lower OAM number on top */
    ck_assert_uint_eq(px(49, 41), GREEN_RGB);
    oam_entry(1, 40, 44, 2 | 0u << 10); /* better priority wins over order */
    render();
    ck_assert_uint_eq(px(45, 41), GREEN_RGB);
}
END_TEST

START_TEST(test_sprite_wraps_y_256_x_512)
{
    /* 8x16 at x = 510 (-2), y = 250: texel (3, 9) lands on (1, 3). */
    tile4_pixel(OBJ_VRAM, 1 + 1, 3, 1, 3);
    oam_entry(0, 250 | 2u << 14, 510, 1);
    reg(GBA_REG_DISPCNT, DISP_OBJ | DISP_OBJ_1D);
    render();
    ck_assert_uint_eq(px(1, 3), BLUE_RGB);
    ck_assert_uint_eq(px(2, 3), BACKDROP_RGB);
}
END_TEST

START_TEST(test_sprite_tiles_in_bitmap_modes)
{
    /* Modes 3-5 keep their frame buffer in OBJ tiles 0..511. */
    tile4_fill(OBJ_VRAM, 0, 1);
    tile4_fill(OBJ_VRAM, 512, 2);
    oam_entry(0, 10, 10, 0);
    oam_entry(1, 10, 30, 512);
    reg(GBA_REG_DISPCNT, 3 | DISP_OBJ);
    render();
    ck_assert_uint_eq(px(12, 12), BACKDROP_RGB);
    ck_assert_uint_eq(px(32, 12), GREEN_RGB);
    reg(GBA_REG_DISPCNT, 0 | DISP_OBJ);
    render();
    ck_assert_uint_eq(px(12, 12), RED_RGB);
}
END_TEST

/* --- windows ------------------------------------------------------------------- */

/* BG0 solid red (priority 0), BG1 solid green (priority 1). */
static void two_solid_bgs(void)
{
    tile4_fill(0, 1, 1);
    tile4_fill(0, 2, 2);
    text_map_fill(0x4000, 1);
    text_map_fill(0x4800, 2);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8));
    reg(GBA_REG_BG1CNT, BG_CNT(1, 0, 9));
}

START_TEST(test_window0_cuts_bg)
{
    two_solid_bgs();
    reg(GBA_REG_DISPCNT, DISP_BG(0) | 1u << 13);
    reg(GBA_REG_WIN0H, 10 << 8 | 20);
    reg(GBA_REG_WIN0V, 5 << 8 | 15);
    reg(GBA_REG_WININ, 0x01);
    reg(GBA_REG_WINOUT, 0);
    render();
    ck_assert_uint_eq(px(9, 10), BACKDROP_RGB);
    ck_assert_uint_eq(px(10, 10), RED_RGB);
    ck_assert_uint_eq(px(19, 10), RED_RGB);
    ck_assert_uint_eq(px(20, 10), BACKDROP_RGB);
    ck_assert_uint_eq(px(15, 4), BACKDROP_RGB);
    ck_assert_uint_eq(px(15, 5), RED_RGB);
    ck_assert_uint_eq(px(15, 14), RED_RGB);
    ck_assert_uint_eq(px(15, 15), BACKDROP_RGB);
}
END_TEST

START_TEST(test_window_garbage_edges)
{
    two_solid_bgs();
    reg(GBA_REG_DISPCNT, DISP_BG(0) | 1u << 13);
    reg(GBA_REG_WININ, 0x01);
    reg(GBA_REG_WIN0V, 0 << 8 | 200); /* Y2 > 160: to the bottom */
    reg(GBA_REG_WIN0H, 200 << 8 | 250); /* X2 > 240: to the right edge */
    render();
    ck_assert_uint_eq(px(199, 159), BACKDROP_RGB);
    ck_assert_uint_eq(px(200, 159), RED_RGB);
    ck_assert_uint_eq(px(239, 0), RED_RGB);
    reg(GBA_REG_WIN0H, 100 << 8 | 50); /* X1 > X2: X2 taken as 240 */
    render();
    ck_assert_uint_eq(px(60, 20), BACKDROP_RGB);
    ck_assert_uint_eq(px(100, 20), RED_RGB);
    ck_assert_uint_eq(px(239, 20), RED_RGB);
}
END_TEST

START_TEST(test_window_precedence)
{
    two_solid_bgs();
    reg(GBA_REG_DISPCNT, DISP_BG(0) | DISP_BG(1) | 3u << 13);
    reg(GBA_REG_WIN0H, 0 << 8 | 100);
    reg(GBA_REG_WIN0V, 0 << 8 | 160);
    reg(GBA_REG_WIN1H, 50 << 8 | 150);
    reg(GBA_REG_WIN1V, 0 << 8 | 160);
    reg(GBA_REG_WININ, 0x02 | 0x01 << 8); /* WIN0: BG1 only; WIN1: BG0 only */
    reg(GBA_REG_WINOUT, 0x00);
    render();
    ck_assert_uint_eq(px(10, 10), GREEN_RGB);
    ck_assert_uint_eq(px(75, 10), GREEN_RGB); /* both: WIN0 wins */
    ck_assert_uint_eq(px(120, 10), RED_RGB);
    ck_assert_uint_eq(px(200, 10), BACKDROP_RGB);
}
END_TEST

START_TEST(test_obj_window)
{
    two_solid_bgs();
    tile4_fill(OBJ_VRAM, 1, 3);
    tile4_pixel(OBJ_VRAM, 1, 0, 0, 0);
    oam_entry(0, 20 | 2u << 10, 20, 1); /* OBJ window sprite */
    reg(GBA_REG_DISPCNT, DISP_BG(0) | DISP_BG(1) | DISP_OBJ | 1u << 15);
    reg(GBA_REG_WINOUT, 0x01 | 0x02 << 8); /* outside: BG0; OBJ window: BG1 */
    render();
    ck_assert_uint_eq(px(21, 21), GREEN_RGB); /* the sprite itself is not drawn */
    ck_assert_uint_eq(px(20, 20), RED_RGB);   /* its transparent pixel */
    ck_assert_uint_eq(px(28, 21), RED_RGB);
}
END_TEST

/* --- colour special effects ----------------------------------------------------- */

/* BG0 colour (20,10,4) in front of BG1 colour (10,30,31). */
static void blend_scene(void)
{
    two_solid_bgs();
    colour(1, BGR(20, 10, 4));
    colour(2, BGR(10, 30, 31));
    reg(GBA_REG_DISPCNT, DISP_BG(0) | DISP_BG(1));
}

START_TEST(test_alpha_blend_half_half)
{
    blend_scene();
    reg(GBA_REG_BLDCNT, 0x01 | 1u << 6 | 0x02 << 8);
    reg(GBA_REG_BLDALPHA, 8 | 8 << 8);
    render();
    /* (20*8 + 10*8)/16 = 15, (10*8 + 30*8)/16 = 20, (4*8 + 31*8)/16 = 17.5 -> 17 */
    ck_assert_uint_eq(px(0, 0), rgb(15, 20, 17));
}
END_TEST

START_TEST(test_alpha_blend_clamps)
{
    blend_scene();
    reg(GBA_REG_BLDCNT, 0x01 | 1u << 6 | 0x02 << 8);
    reg(GBA_REG_BLDALPHA, 31 | 16 << 8); /* EVA 31 acts as 16 */
    render();
    ck_assert_uint_eq(px(0, 0), rgb(30, 31, 31));
}
END_TEST

START_TEST(test_alpha_blend_needs_both_targets)
{
    blend_scene();
    reg(GBA_REG_BLDALPHA, 8 | 8 << 8);
    reg(GBA_REG_BLDCNT, 0x01 | 1u << 6 | 0x04 << 8); /* second target BG2, not BG1 */
    render();
    ck_assert_uint_eq(px(0, 0), rgb(20, 10, 4));
    reg(GBA_REG_BLDCNT, 0x02 | 1u << 6 | 0x02 << 8); /* first target BG1 only */
    render();
    ck_assert_uint_eq(px(0, 0), rgb(20, 10, 4));
    /* Backdrop as second target, BG1 off: (20*8 + 2*8)/16 = 11, 7, 5. */
    reg(GBA_REG_DISPCNT, DISP_BG(0));
    reg(GBA_REG_BLDCNT, 0x01 | 1u << 6 | 0x20 << 8);
    render();
    ck_assert_uint_eq(px(0, 0), rgb(11, 7, 5));
}
END_TEST

START_TEST(test_brighten_and_darken)
{
    blend_scene();
    reg(GBA_REG_BLDY, 8);
    reg(GBA_REG_BLDCNT, 0x01 | 2u << 6);
    render();
    /* I + (31 - I) * 8/16: 20 + 5, 10 + 10, 4 + 13 */
    ck_assert_uint_eq(px(0, 0), rgb(25, 20, 17));
    reg(GBA_REG_BLDCNT, 0x01 | 3u << 6);
    render();
    /* I - I * 8/16: 20 - 10, 10 - 5, 4 - 2 */
    ck_assert_uint_eq(px(0, 0), rgb(10, 5, 2));
    reg(GBA_REG_BLDY, 20); /* acts as 16 */
    render();
    ck_assert_uint_eq(px(0, 0), rgb(0, 0, 0));
    reg(GBA_REG_BLDCNT, 0x01 | 2u << 6);
    render();
    ck_assert_uint_eq(px(0, 0), rgb(31, 31, 31));
    reg(GBA_REG_BLDCNT, 0x02 | 2u << 6); /* BG0 is not a first target */
    render();
    ck_assert_uint_eq(px(0, 0), rgb(20, 10, 4));
}
END_TEST

START_TEST(test_window_effect_bit)
{
    blend_scene();
    reg(GBA_REG_BLDCNT, 0x01 | 1u << 6 | 0x02 << 8);
    reg(GBA_REG_BLDALPHA, 8 | 8 << 8);
    reg(GBA_REG_DISPCNT, DISP_BG(0) | DISP_BG(1) | 1u << 13);
    reg(GBA_REG_WIN0H, 0 << 8 | 100);
    reg(GBA_REG_WIN0V, 0 << 8 | 160);
    reg(GBA_REG_WININ, 0x03);           /* inside: BGs, no effect */
    reg(GBA_REG_WINOUT, 0x03 | 0x20);   /* outside: BGs and effect */
    render();
    ck_assert_uint_eq(px(50, 0), rgb(20, 10, 4));
    ck_assert_uint_eq(px(150, 0), rgb(15, 20, 17));
}
END_TEST

START_TEST(test_semi_transparent_obj)
{
    /* BG0 (10,30,31) behind a semi-transparent sprite of colour (20,10,4). */
    tile4_fill(0, 1, 1);
    text_map_fill(0x4000, 1);
    colour(1, BGR(10, 30, 31));
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8));
    tile4_fill(OBJ_VRAM, 1, 4);
    colour(256 + 4, BGR(20, 10, 4));
    oam_entry(0, 0 | 1u << 10, 0, 1);
    reg(GBA_REG_DISPCNT, DISP_BG(0) | DISP_OBJ);
    reg(GBA_REG_BLDALPHA, 8 | 8 << 8);
    reg(GBA_REG_BLDY, 8);
    /* Brightness mode, OBJ not a first target: still alpha-blended. */
    reg(GBA_REG_BLDCNT, 0x00 | 2u << 6 | 0x01 << 8);
    render();
    ck_assert_uint_eq(px(3, 3), rgb(15, 20, 17));
    ck_assert_uint_eq(px(8, 3), rgb(10, 30, 31)); /* beside the sprite */
    /* No second target under it: the brightness effect applies instead. */
    reg(GBA_REG_BLDCNT, 0x10 | 2u << 6);
    render();
    ck_assert_uint_eq(px(3, 3), rgb(25, 20, 17));
    /* A normal sprite with the same settings is only brightened. */
    oam_entry(0, 0, 0, 1);
    reg(GBA_REG_BLDCNT, 0x10 | 2u << 6 | 0x01 << 8);
    render();
    ck_assert_uint_eq(px(3, 3), rgb(25, 20, 17));
}
END_TEST

/* --- mosaic -------------------------------------------------------------------- */

START_TEST(test_bg_mosaic_4x4)
{
    tile4_fill(0, 1, 2);
    tile4_pixel(0, 1, 4, 4, 1);
    text_map_fill(0x4000, 1);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8) | 0x40);
    reg(GBA_REG_MOSAIC, 3 | 3 << 4);
    reg(GBA_REG_DISPCNT, DISP_BG(0));
    render();
    ck_assert_uint_eq(px(4, 4), RED_RGB);
    ck_assert_uint_eq(px(7, 7), RED_RGB);
    ck_assert_uint_eq(px(8, 4), GREEN_RGB);
    ck_assert_uint_eq(px(4, 8), GREEN_RGB);
    ck_assert_uint_eq(px(3, 4), GREEN_RGB);
    reg(GBA_REG_BG0CNT, BG_CNT(0, 0, 8)); /* mosaic bit off */
    render();
    ck_assert_uint_eq(px(7, 7), GREEN_RGB);
}
END_TEST

START_TEST(test_affine_bg_vertical_mosaic)
{
    tile8_fill(0, 1, 2);
    tile8_pixel(0, 1, 0, 4, 1);
    vram[0x4000] = 1;
    affine_scene();
    reg(GBA_REG_BG2CNT, BG_CNT(0, 0, 8) | 0x40);
    reg(GBA_REG_MOSAIC, 3 | 3 << 4);
    render();
    ck_assert_uint_eq(px(3, 4), RED_RGB);
    ck_assert_uint_eq(px(3, 7), RED_RGB); /* line 7 repeats line 4 */
    ck_assert_uint_eq(px(4, 7), GREEN_RGB);
    ck_assert_uint_eq(px(0, 3), GREEN_RGB);    /* texel (0, 0) */
    ck_assert_uint_eq(px(0, 8), BACKDROP_RGB); /* texel row 8: map tile 0 is empty */
}
END_TEST

START_TEST(test_obj_mosaic)
{
    tile4_fill(OBJ_VRAM, 1, 2);
    tile4_pixel(OBJ_VRAM, 1, 0, 0, 1);
    oam_entry(0, 8 | 1u << 12, 8, 1);
    reg(GBA_REG_MOSAIC, 3u << 8 | 3u << 12);
    reg(GBA_REG_DISPCNT, DISP_OBJ);
    render();
    ck_assert_uint_eq(px(8, 8), RED_RGB);
    ck_assert_uint_eq(px(11, 11), RED_RGB);
    ck_assert_uint_eq(px(12, 8), GREEN_RGB);
    ck_assert_uint_eq(px(8, 12), GREEN_RGB);
    oam_entry(0, 8, 8, 1); /* mosaic bit off */
    render();
    ck_assert_uint_eq(px(11, 11), GREEN_RGB);
}
END_TEST

/* --- snapshot state ------------------------------------------------------------- */

START_TEST(test_vmstate_round_trip_and_range)
{
    GbaPpu a, b;
    gba_ppu_reset(&a);
    a.ref_x[0] = -5;
    a.ref_y[1] = 0x7ffffff;
    a.mosaic_ref_x[1] = -(1 << 27);
    VmsBuf buf = {0};
    vms_encode(&gba_ppu_vmstate, &a, &buf);
    ck_assert(!buf.failed);
    ck_assert_uint_eq(buf.len, 8 * 4);
    char err[128];
    gba_ppu_reset(&b);
    ck_assert(vms_decode(&gba_ppu_vmstate, 1, buf.data, buf.len, &b, err, sizeof err));
    ck_assert_int_eq(b.ref_x[0], -5);
    ck_assert_int_eq(b.ref_y[1], 0x7ffffff);
    ck_assert_int_eq(b.mosaic_ref_x[1], -(1 << 27));
    buf.data[3] = 0x08; /* ref_x[0] = 0x08ffff.. is no 28-bit value */
    buf.data[0] = buf.data[1] = buf.data[2] = 0;
    ck_assert(!vms_decode(&gba_ppu_vmstate, 1, buf.data, buf.len, &b, err, sizeof err));
    vms_buf_free(&buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gba_ppu");
    TCase *tc = tcase_create("gba_ppu");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_forced_blank_is_white);
    tcase_add_test(tc, test_backdrop_and_bg_enable_bits);
    tcase_add_test(tc, test_text_tile_at_scroll_offset);
    tcase_add_test(tc, test_text_tile_flips);
    tcase_add_test(tc, test_text_256_colour_tile);
    tcase_add_test(tc, test_text_palette_bank);
    tcase_add_test(tc, test_text_screen_block_layout);
    tcase_add_test(tc, test_bg_priorities);
    tcase_add_test(tc, test_mode3_bitmap);
    tcase_add_test(tc, test_mode4_frame_select);
    tcase_add_test(tc, test_mode5_small_frames);
    tcase_add_test(tc, test_mode_selects_backgrounds);
    tcase_add_test(tc, test_affine_scaled_2x);
    tcase_add_test(tc, test_affine_rotated_90);
    tcase_add_test(tc, test_affine_wraparound);
    tcase_add_test(tc, test_affine_larger_map);
    tcase_add_test(tc, test_affine_reference_point_reload);
    tcase_add_test(tc, test_sprite_8x8_palette_bank);
    tcase_add_test(tc, test_sprite_sizes_1d_mapping);
    tcase_add_test(tc, test_sprite_sizes_2d_mapping);
    tcase_add_test(tc, test_sprite_64x32_mapping_difference);
    tcase_add_test(tc, test_sprite_256_colours);
    tcase_add_test(tc, test_sprite_flips);
    tcase_add_test(tc, test_sprite_disabled_flag);
    tcase_add_test(tc, test_sprite_affine_double_size);
    tcase_add_test(tc, test_sprite_affine_param_group);
    tcase_add_test(tc, test_sprite_priority_against_bg);
    tcase_add_test(tc, test_sprite_oam_order);
    tcase_add_test(tc, test_sprite_wraps_y_256_x_512);
    tcase_add_test(tc, test_sprite_tiles_in_bitmap_modes);
    tcase_add_test(tc, test_window0_cuts_bg);
    tcase_add_test(tc, test_window_garbage_edges);
    tcase_add_test(tc, test_window_precedence);
    tcase_add_test(tc, test_obj_window);
    tcase_add_test(tc, test_alpha_blend_half_half);
    tcase_add_test(tc, test_alpha_blend_clamps);
    tcase_add_test(tc, test_alpha_blend_needs_both_targets);
    tcase_add_test(tc, test_brighten_and_darken);
    tcase_add_test(tc, test_window_effect_bit);
    tcase_add_test(tc, test_semi_transparent_obj);
    tcase_add_test(tc, test_bg_mosaic_4x4);
    tcase_add_test(tc, test_affine_bg_vertical_mosaic);
    tcase_add_test(tc, test_obj_mosaic);
    tcase_add_test(tc, test_vmstate_round_trip_and_range);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
