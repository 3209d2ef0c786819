/*
 * demo.gba's graphics: every tile is drawn here pixel by pixel (no assets),
 * the maps of the four mode 0 layers are written through the helpers
 * below, and sprites are collected in a shadow OAM that gfx_commit copies
 * with DMA 3 during VBlank (OAM is only safely writable then).
 */
#include "demo.h"

Sprite oam_shadow[128] __attribute__((aligned(4)));

/* --- the font ---------------------------------------------------------------------
 * 5x7 glyphs for ' '..'_', one byte per row, bit 4 = leftmost column.
 * Glyphs the demo never prints are left blank. */
static const u8 glyphs[64][7] = {
    ['0' - ' '] = {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e},
    ['1' - ' '] = {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e},
    ['2' - ' '] = {0x0e, 0x11, 0x01, 0x06, 0x08, 0x10, 0x1f},
    ['3' - ' '] = {0x1e, 0x01, 0x01, 0x0e, 0x01, 0x01, 0x1e},
    ['4' - ' '] = {0x12, 0x12, 0x12, 0x1f, 0x02, 0x02, 0x02},
    ['5' - ' '] = {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e},
    ['6' - ' '] = {0x0e, 0x10, 0x10, 0x1e, 0x11, 0x11, 0x0e},
    ['7' - ' '] = {0x1f, 0x01, 0x02, 0x04, 0x04, 0x04, 0x04},
    ['8' - ' '] = {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e},
    ['9' - ' '] = {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x01, 0x0e},
    ['A' - ' '] = {0x04, 0x0a, 0x11, 0x11, 0x1f, 0x11, 0x11},
    ['B' - ' '] = {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e},
    ['C' - ' '] = {0x0f, 0x10, 0x10, 0x10, 0x10, 0x10, 0x0f},
    ['D' - ' '] = {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c},
    ['E' - ' '] = {0x1f, 0x10, 0x10, 0x1c, 0x10, 0x10, 0x1f},
    ['F' - ' '] = {0x1f, 0x10, 0x10, 0x1c, 0x10, 0x10, 0x10},
    ['G' - ' '] = {0x0f, 0x10, 0x10, 0x13, 0x11, 0x11, 0x0f},
    ['H' - ' '] = {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11},
    ['I' - ' '] = {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x1f},
    ['K' - ' '] = {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11},
    ['L' - ' '] = {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f},
    ['M' - ' '] = {0x11, 0x1b, 0x15, 0x11, 0x11, 0x11, 0x11},
    ['N' - ' '] = {0x11, 0x19, 0x19, 0x15, 0x13, 0x13, 0x11},
    ['O' - ' '] = {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e},
    ['P' - ' '] = {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10},
    ['R' - ' '] = {0x1e, 0x11, 0x11, 0x1e, 0x12, 0x11, 0x11},
    ['S' - ' '] = {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e},
    ['T' - ' '] = {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04},
    ['U' - ' '] = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e},
    ['V' - ' '] = {0x11, 0x11, 0x11, 0x11, 0x0a, 0x0a, 0x04},
    ['W' - ' '] = {0x11, 0x11, 0x11, 0x11, 0x15, 0x1b, 0x11},
    ['Y' - ' '] = {0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04},
    [':' - ' '] = {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00},
    ['-' - ' '] = {0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00},
    ['!' - ' '] = {0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04},
    ['.' - ' '] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c},
};

static int glyph_bit(int ch, int x, int y)
{
    if (x < 0 || x > 4 || y < 0 || y > 6)
        return 0;
    return glyphs[ch][y] >> (4 - x) & 1;
}

/* --- drawing tiles ----------------------------------------------------------------
 * A 4bpp tile is 8 words, one per row, pixel x in bits 4x..4x+3.  Each
 * kind of tile is a function from (x, y) to a colour index. */
typedef int (*PixelFn)(int x, int y, int arg);

static void draw_tile(volatile u32 *dst, PixelFn fn, int arg, int x0)
{
    for (int y = 0; y < 8; y++) {
        u32 row = 0;
        for (int x = 0; x < 8; x++)
            row |= (u32)(fn(x0 + x, y, arg) & 15) << (4 * x);
        dst[y] = row;
    }
}

/* Glyph pixels in colour 1, their drop shadow (one pixel down-right) in 2:
 * readable over the moving stars. */
static int font_pixel(int x, int y, int ch)
{
    if (glyph_bit(ch, x - 1, y))
        return 1;
    return glyph_bit(ch, x - 2, y - 1) ? 2 : 0;
}

/* A 16x8 brick: a one-pixel gap right and below, a light top-left bevel,
 * a dark bottom-right one, a glint; arg = 1 adds a crack. */
static int brick_pixel(int x, int y, int cracked)
{
    if (x == 15 || y == 7)
        return 0;
    if (cracked && ((y == 1 && x == 9) || (y == 2 && x == 8) || (y == 3 && x == 8) ||
                    (y == 4 && x == 7) || (y == 5 && x == 6) || (y == 3 && x == 9)))
        return 3;
    if (y == 0 || x == 0)
        return 1;
    if (y == 6 || x == 14)
        return 3;
    return (y == 2 && x >= 2 && x <= 4) ? 1 : 2;
}

static int wall_pixel(int x, int y, int unused)
{
    (void)unused;
    if (x == 0 || x == 7 || y == 7)
        return 6;
    return ((x + y) & 3) == 0 ? 6 : 5;
}

static int bar_pixel(int x, int y, int unused)
{
    (void)x, (void)unused;
    return y == 7 ? 4 : 3;
}

static int block_pixel(int x, int y, int unused)
{
    (void)unused;
    if (x == 0 || y == 0)
        return 1;
    return (x == 7 || y == 7) ? 3 : 2;
}

/* Stars: a fixed pseudo-random layout per variant (variant 0 is empty). */
static int far_star_pixel(int x, int y, int v)
{
    static const u8 spots[4][2] = {{0xff, 0}, {0x25, 1}, {0x61, 2}, {0x43, 1}};
    return (v && x == (spots[v][0] >> 4) && y == (spots[v][0] & 15)) ? spots[v][1] : 0;
}

static int near_star_pixel(int x, int y, int v)
{
    switch (v) {
    case 1: /* a small cross */
        if (x == 3 && y == 3) return 3;
        return ((x == 3 && (y == 2 || y == 4)) || (y == 3 && (x == 2 || x == 4))) ? 2 : 0;
    case 2: /* a single bright star */
        return (x == 5 && y == 6) ? 3 : 0;
    case 3: /* a wisp of nebula: a sparse dither */
        return ((x ^ y) & 1) == 0 && ((x + 2 * y) % 5) == 0 ? 4 : 0;
    default:
        return 0;
    }
}

static int paddle_pixel(int x, int y, int unused)
{
    (void)unused;
    if (y == 0 || y == 7 || ((x == 0 || x == 31) && (y == 1 || y == 6)))
        return 0;
    if (x < 4 || x > 27)
        return y == 1 ? 1 : 6;
    return y == 1 ? 1 : y == 6 ? 3 : 2;
}

/* The physics ball is the 4x4 square at (2, 2) in this tile. */
static int ball_pixel(int x, int y, int unused)
{
    (void)unused;
    if (x < 2 || x > 5 || y < 2 || y > 5)
        return 0;
    if ((x == 2 || x == 5) && (y == 2 || y == 5))
        return 0;
    return (x + y >= 8) ? 5 : 4;
}

static int debris_pixel(int x, int y, int unused)
{
    (void)unused;
    if (x > 2 || y > 2)
        return 0;
    return (x == 0 && y == 0) ? 1 : 2;
}

static void draw_tiles(void)
{
    volatile u32 *bg = BG_TILES;
    for (int ch = 0; ch < 64; ch++)
        draw_tile(bg + 8 * (T_FONT + ch), font_pixel, ch, 0);
    for (int cracked = 0; cracked < 2; cracked++)
        for (int half = 0; half < 2; half++)
            draw_tile(bg + 8 * (T_BRICK_L + 2 * cracked + half), brick_pixel, cracked, 8 * half);
    draw_tile(bg + 8 * T_WALL, wall_pixel, 0, 0);
    draw_tile(bg + 8 * T_BAR, bar_pixel, 0, 0);
    draw_tile(bg + 8 * T_BLOCK, block_pixel, 0, 0);
    for (int v = 0; v < 4; v++) {
        draw_tile(bg + 8 * (T_STAR_FAR + v), far_star_pixel, v, 0);
        draw_tile(bg + 8 * (T_STAR_NEAR + v), near_star_pixel, v, 0);
    }
    for (int t = 0; t < 4; t++)
        draw_tile(OBJ_TILES + 8 * (OT_PADDLE + t), paddle_pixel, 0, 8 * t);
    draw_tile(OBJ_TILES + 8 * OT_BALL, ball_pixel, 0, 0);
    draw_tile(OBJ_TILES + 8 * OT_DEBRIS, debris_pixel, 0, 0);
}

/* --- palettes ---------------------------------------------------------------------- */

/* A brick bank: colour 1 lighter, 2 the base, 3 darker. */
static void brick_bank(volatile u16 *pal, int r, int g, int b)
{
    pal[1] = RGB((r + 31) / 2, (g + 31) / 2, (b + 31) / 2);
    pal[2] = RGB(r, g, b);
    pal[3] = RGB(r / 2, g / 2, b / 2);
}

static void set_palettes(void)
{
    static const u8 brick_colours[6][3] = {
        {31, 6, 6}, {31, 16, 4}, {29, 27, 5}, {8, 26, 8}, {6, 22, 30}, {22, 8, 30},
    };
    volatile u16 *bg = BG_PALETTE, *obj = OBJ_PALETTE;
    bg[0] = RGB(1, 1, 6); /* the backdrop: deep space */
    bg[1] = RGB(31, 31, 31);
    bg[2] = RGB(2, 2, 8);
    bg[3] = RGB(5, 5, 12);
    bg[4] = RGB(10, 10, 20);
    bg[5] = RGB(14, 16, 22);
    bg[6] = RGB(7, 8, 13);
    for (int i = 0; i < 6; i++) {
        const u8 *c = brick_colours[i];
        brick_bank(bg + 16 * (PAL_BRICK + i), c[0], c[1], c[2]);
        brick_bank(obj + 16 * (1 + i), c[0], c[1], c[2]); /* debris */
    }
    brick_bank(bg + 16 * PAL_HARD, 20, 21, 24);
    bg[16 * PAL_STARS + 1] = RGB(9, 9, 13);
    bg[16 * PAL_STARS + 2] = RGB(17, 17, 22);
    bg[16 * PAL_STARS + 3] = RGB(31, 31, 31);
    bg[16 * PAL_STARS + 4] = RGB(6, 3, 12);
    bg[16 * PAL_YELLOW + 1] = RGB(31, 27, 6);
    bg[16 * PAL_YELLOW + 2] = RGB(8, 4, 0);
    obj[1] = RGB(28, 29, 31);
    obj[2] = RGB(14, 18, 28);
    obj[3] = RGB(6, 8, 16);
    obj[4] = RGB(31, 31, 31);
    obj[5] = RGB(18, 18, 24);
    obj[6] = RGB(31, 10, 8);
}

/* --- maps ------------------------------------------------------------------------ */

static void fill_map(int sbb, u16 entry)
{
    volatile u16 *m = MAP(sbb);
    for (int i = 0; i < 32 * 32; i++)
        m[i] = entry;
}

/* The star layers: a fixed scatter (its own LCG, so the game's random
 * sequence does not depend on it), mostly empty tiles. */
static void draw_starfields(void)
{
    u32 seed = 0x2545f491u;
    volatile u16 *far = MAP(SBB_FAR), *near = MAP(SBB_NEAR);
    for (int i = 0; i < 32 * 32; i++) {
        seed = seed * 1664525u + 1013904223u;
        u32 r = seed >> 24;
        far[i] = (u16)((r < 96 ? T_STAR_FAR + 1 + r % 3 : T_STAR_FAR) | PAL_STARS << 12);
        u32 s = (seed >> 16) & 0xff;
        near[i] = (u16)((s < 24 ? T_STAR_NEAR + 1 + s % 3 : T_STAR_NEAR) | PAL_STARS << 12);
    }
}

void gfx_clear_text(void)
{
    fill_map(SBB_HUD, T_BLANK);
}

void gfx_text(int col, int row, const char *s, int pal)
{
    volatile u16 *m = MAP(SBB_HUD) + 32 * row + col;
    for (; *s; s++) {
        int c = *s >= 'a' && *s <= 'z' ? *s - 32 : *s;
        if (c < ' ' || c > '_')
            c = ' ';
        *m++ = (u16)((T_FONT + c - ' ') | pal << 12);
    }
}

/* value with leading zeros in exactly `digits` columns. */
void gfx_number(int col, int row, u32 value, int digits, int pal)
{
    char buf[12];
    buf[digits] = 0;
    for (int i = digits - 1; i >= 0; i--) {
        buf[i] = (char)('0' + value % 10);
        value /= 10;
    }
    gfx_text(col, row, buf, pal);
}

/* BG1 for a game: the HUD bar (rows 0-1), the top wall (row 2), the side
 * walls (columns 0 and 29); bricks come from gfx_brick. */
void gfx_field_frame(void)
{
    volatile u16 *m = MAP(SBB_FIELD);
    fill_map(SBB_FIELD, T_BLANK);
    for (int col = 0; col < 32; col++) {
        m[col] = m[32 + col] = T_BAR;
        m[64 + col] = T_WALL;
    }
    for (int row = 3; row < 20; row++)
        m[32 * row] = m[32 * row + 29] = T_WALL;
}

/* pal 0 clears the brick. */
void gfx_brick(int row, int col, int pal, int cracked)
{
    volatile u16 *m = MAP(SBB_FIELD) + 32 * (BRICK_TOP_ROW + row) + 1 + 2 * col;
    u16 left = (u16)(cracked ? T_CRACK_L : T_BRICK_L);
    m[0] = pal ? (u16)(left | pal << 12) : T_BLANK;
    m[1] = pal ? (u16)((left + 1) | pal << 12) : T_BLANK;
}

/* The title logo: each glyph pixel becomes a bevelled block tile on BG1,
 * coloured by row like the brick wall. */
void gfx_logo(int col, int row, const char *s)
{
    volatile u16 *m = MAP(SBB_FIELD);
    for (; *s; s++, col += 6)
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 5; x++)
                if (glyph_bit(*s - ' ', x, y))
                    m[32 * (row + y) + col + x] = (u16)(T_BLOCK | (PAL_BRICK + y % 6) << 12);
}

void gfx_clear_logo(void)
{
    fill_map(SBB_FIELD, T_BLANK);
}

/* Parallax: the far stars drift down at 1/4 px per frame, the near ones
 * at 1/2 px and sway sideways (a triangle wave), giving depth. */
void gfx_scroll(u32 frame)
{
    u32 sway = (frame >> 3) & 31;
    REG_BGVOFS(3) = (u16)(-(frame >> 2) & 0x1ff);
    REG_BGVOFS(2) = (u16)(-(frame >> 1) & 0x1ff);
    REG_BGHOFS(2) = (u16)(sway < 16 ? sway : 32 - sway);
}

/* --- sprites ----------------------------------------------------------------------- */

void gfx_hide_sprites(void)
{
    for (int i = 0; i < 128; i++) {
        oam_shadow[i].attr0 = 0x0200; /* OBJ disable */
        oam_shadow[i].attr1 = oam_shadow[i].attr2 = 0;
    }
}

/* shape_size: GBATEK's shape (attr0 bits 14-15) << 2 | size (attr1 bits
 * 14-15); all sprites are drawn between BG1 and BG2 (priority 1). */
void gfx_sprite(int slot, int x, int y, u16 shape_size, int tile, int pal)
{
    Sprite *s = &oam_shadow[slot];
    s->attr0 = (u16)((y & 0xff) | (shape_size >> 2) << 14);
    s->attr1 = (u16)((x & 0x1ff) | (shape_size & 3) << 14);
    s->attr2 = (u16)(tile | 1 << 10 | pal << 12);
}

/* In VBlank: the shadow OAM into OAM, 256 words by DMA 3 (immediate,
 * 32-bit; the CPU stops until it is done). */
void gfx_commit(void)
{
    REG_DMA_SAD(3) = (u32)oam_shadow;
    REG_DMA_DAD(3) = OAM_ADDR;
    REG_DMA_CNT_L(3) = sizeof oam_shadow / 4;
    REG_DMA_CNT_H(3) = 0x8400; /* enable, 32-bit */
    barrier();
}

void gfx_init(void)
{
    REG_DISPCNT = 0x0080; /* forced blank while VRAM is filled */
    set_palettes();
    for (int i = 0; i < 8; i++)
        BG_TILES[i] = 0;
    draw_tiles();
    gfx_clear_text();
    gfx_clear_logo();
    draw_starfields();
    gfx_hide_sprites();
    gfx_commit();
    for (int n = 0; n < 4; n++) {
        /* priority n, char block 0, 16 colours, 256x256 */
        static const u8 sbb[4] = {SBB_HUD, SBB_FIELD, SBB_NEAR, SBB_FAR};
        REG_BGCNT(n) = (u16)(n | sbb[n] << 8);
        REG_BGHOFS(n) = 0;
        REG_BGVOFS(n) = 0;
    }
    REG_BGVOFS(0) = (u16)-4 & 0x1ff; /* text 4 px down: centred in the 16 px HUD bar */
    REG_DISPCNT = DISPCNT_MODE0 | DISPCNT_OBJ_1D | DISPCNT_BG(0) | DISPCNT_BG(1) | DISPCNT_BG(2) |
                  DISPCNT_BG(3) | DISPCNT_OBJ;
}
