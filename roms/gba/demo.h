/*
 * demo.gba, a small Breakout for scion's GBA machine: shared definitions.
 * demo.c holds the game (states, physics, input), demo_gfx.c everything
 * drawn into VRAM (palettes, procedurally drawn tiles and font, maps,
 * sprites), demo_sound.c the PSG sound effects and background melody.
 * Register layouts follow GBATEK.
 */
#ifndef GBA_DEMO_H
#define GBA_DEMO_H

#include "gba.h"

#define RGB(r, g, b) ((u16)((r) | (g) << 5 | (b) << 10))

/* --- hardware bits the demo uses (GBATEK) ------------------------------------ */
#define REG_BGCNT(n) REG16(0x008 + 2 * (n))
#define REG_BGHOFS(n) REG16(0x010 + 4 * (n))
#define REG_BGVOFS(n) REG16(0x012 + 4 * (n))
#define REG_KEYINPUT REG16(0x130)

#define DISPCNT_MODE0 0x0000u
#define DISPCNT_OBJ_1D 0x0040u
#define DISPCNT_BG(n) (0x0100u << (n))
#define DISPCNT_OBJ 0x1000u

#define KEY_A 0x0001u
#define KEY_B 0x0002u
#define KEY_SELECT 0x0004u
#define KEY_START 0x0008u
#define KEY_RIGHT 0x0010u
#define KEY_LEFT 0x0020u
#define KEY_UP 0x0040u
#define KEY_DOWN 0x0080u

#define BG_PALETTE ((volatile u16 *)0x05000000u)
#define OBJ_PALETTE ((volatile u16 *)0x05000200u)
#define OBJ_TILES ((volatile u32 *)0x06010000u)
#define OAM_ADDR 0x07000000u

/* VRAM layout: BG tiles in char block 0, one 32x32 map per layer in the
 * screen blocks at the top of the 64 KiB BG area. */
#define BG_TILES ((volatile u32 *)0x06000000u)
#define SBB_HUD 28    /* BG0: text (HUD, title, messages) */
#define SBB_FIELD 29  /* BG1: HUD bar, walls, bricks */
#define SBB_NEAR 30   /* BG2: near star layer */
#define SBB_FAR 31    /* BG3: far star layer */
#define MAP(sbb) ((volatile u16 *)(0x06000000u + 0x800u * (sbb)))

/* BG tile numbers (demo_gfx.c draws them). */
enum {
    T_BLANK = 0,
    T_FONT = 1,               /* ' ' .. '_': 64 glyphs */
    T_BRICK_L = T_FONT + 64,  /* a 16x8 brick, left and right halves */
    T_BRICK_R,
    T_CRACK_L,                /* the same, cracked (a hard brick hit once) */
    T_CRACK_R,
    T_WALL,
    T_BAR,                    /* HUD bar */
    T_BLOCK,                  /* title logo pixel */
    T_STAR_FAR,               /* 4 variants */
    T_STAR_NEAR = T_STAR_FAR + 4, /* 4 variants */
};

/* BG palette banks. */
enum { PAL_TEXT = 0, PAL_BRICK = 1 /* 1..6 */, PAL_STARS = 7, PAL_YELLOW = 8, PAL_HARD = 9 };

/* OBJ tiles (1D mapping, 32-byte units). */
enum { OT_PADDLE = 0 /* 4 tiles, 32x8 */, OT_BALL = 4, OT_DEBRIS = 5 };

/* --- playfield geometry (pixels) ---------------------------------------------- */
#define FIELD_LEFT 8
#define FIELD_RIGHT 232
#define FIELD_TOP 24
#define BRICK_COLS 14
#define BRICK_ROWS 6
#define BRICK_W 16
#define BRICK_H 8
#define BRICK_TOP_ROW 4 /* map row of the first brick row */
#define PADDLE_Y 144
#define PADDLE_W 32
#define BALL_SIZE 4

/* --- demo_gfx.c ------------------------------------------------------------------ */
typedef struct Sprite {
    u16 attr0, attr1, attr2, pad;
} Sprite;

extern Sprite oam_shadow[128];

void gfx_init(void);
void gfx_clear_text(void);
void gfx_text(int col, int row, const char *s, int pal);
void gfx_number(int col, int row, u32 value, int digits, int pal);
void gfx_field_frame(void);
void gfx_brick(int row, int col, int pal, int cracked);
void gfx_logo(int col, int row, const char *s);
void gfx_clear_logo(void);
void gfx_scroll(u32 frame);
void gfx_hide_sprites(void);
void gfx_sprite(int slot, int x, int y, u16 shape_size, int tile, int pal);
void gfx_commit(void);

/* --- demo_sound.c ---------------------------------------------------------------- */
void sound_init(void);
void sound_paddle(void);
void sound_wall(void);
void sound_brick(int row);
void sound_lose(void);
void sound_jingle(void);
void sound_music(int on);
void sound_tick(void);

#endif
