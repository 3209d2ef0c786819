/*
 * demo.gba: Breakout, written for scion's GBA machine (the default ROM of
 * `scion run` with a display).  Mode 0: BG0 text, BG1 the HUD bar, walls
 * and bricks, BG2/BG3 two star layers scrolling at different speeds;
 * sprites for the paddle, the ball and brick debris.
 *
 * One loop turn per frame: BIOS VBlankIntrWait (SWI 5) sleeps until VBlank,
 * then the frame's sprites (built last turn) go to OAM by DMA 3 and the
 * scroll registers are set while the screen is not being drawn; then the
 * keypad is read and the game advances one step.
 *
 * Controls: START starts and pauses, LEFT/RIGHT move the paddle (B held:
 * faster), A launches the ball.  Everything random comes from one
 * fixed-seed generator advanced every frame, so the same key presses on
 * the same frames always give the same game.
 */
#include "demo.h"
#include "irq.h"

/* Every ROM links lib/report.c, which names the ROM; the demo never
 * reports a result (main does not return). */
const char test_name[] = "DEMO";

enum State { TITLE, SERVE, PLAY, PAUSED, GAME_OVER };

#define FIX 8 /* ball and debris positions: 24.8 fixed point */
#define LIVES 3
#define MAX_DEBRIS 16
#define SPEED_MIN 384  /* 1.5 px per frame */
#define SPEED_MAX 704  /* 2.75: below the 4-pixel ball, so it cannot tunnel */

typedef struct Debris {
    s32 x, y, vx, vy; /* fixed point */
    int pal;          /* 0: slot free */
} Debris;

static struct Game {
    enum State state;
    enum State resume;  /* what PAUSED goes back to */
    u32 frame;          /* frames since power-on, drives the parallax */
    u32 rng;
    u16 keys, pressed;  /* held now; newly pressed this frame */
    u32 score;
    int lives, level;
    int bricks_left, hits;
    s32 paddle_x;       /* pixels, left edge */
    s32 bx, by, vx, vy; /* ball box top-left and velocity, fixed point */
    s32 speed;
    u8 brick[BRICK_ROWS][BRICK_COLS]; /* hits left: 0 none, 1, 2 (hard) */
    Debris debris[MAX_DEBRIS];
    int hud_dirty;
} game;

/* --- helpers --------------------------------------------------------------------------- */

/* xorshift32 (Marsaglia): advanced once per frame and per draw. */
static u32 rand_next(void)
{
    u32 x = game.rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return game.rng = x;
}

static void vblank_wait(void)
{
    /* VBlankIntrWait: sleeps until the IRQ handler flags a VBlank in
     * 0x03007ff8.  The BIOS may clobber r0-r3 and r12. */
    __asm__ volatile("swi 0x050000" ::: "r0", "r1", "r2", "r3", "r12", "memory", "cc");
}

static void read_keys(void)
{
    u16 now = (u16)(~REG_KEYINPUT & 0x03ff); /* KEYINPUT is 0 for pressed */
    game.pressed = (u16)(now & ~game.keys);
    game.keys = now;
}

/* --- screens ------------------------------------------------------------------------- */

static void show_title(void)
{
    game.state = TITLE;
    gfx_clear_text();
    gfx_clear_logo();
    gfx_logo(1, 3, "SCION");
    gfx_text(11, 11, "BREAKOUT", PAL_YELLOW);
    gfx_text(3, 17, "A: LAUNCH   START: PAUSE", PAL_TEXT);
    sound_music(0);
}

static void draw_hud(void)
{
    gfx_text(1, 0, "SCORE", PAL_TEXT);
    gfx_number(7, 0, game.score, 6, PAL_YELLOW);
    gfx_text(15, 0, "LV", PAL_TEXT);
    gfx_number(18, 0, (u32)game.level, 2, PAL_YELLOW);
    gfx_text(22, 0, "BALLS", PAL_TEXT);
    gfx_number(28, 0, (u32)game.lives, 1, PAL_YELLOW);
    game.hud_dirty = 0;
}

/* Which bricks a level has: a new pattern each level, hard (two-hit)
 * bricks on the top row from level 2. */
static int brick_in_pattern(int level, int row, int col)
{
    switch ((level - 1) & 3) {
    case 0: return 1;
    case 1: return ((row + col) & 1) == 0 || row == 0;
    case 2: return col >= row && col < BRICK_COLS - row; /* a funnel */
    default: return (col % 4) != 3;                     /* columns */
    }
}

static void build_wall(void)
{
    game.bricks_left = 0;
    for (int r = 0; r < BRICK_ROWS; r++)
        for (int c = 0; c < BRICK_COLS; c++) {
            int hp = brick_in_pattern(game.level, r, c) ? (game.level > 1 && r == 0 ? 2 : 1) : 0;
            game.brick[r][c] = (u8)hp;
            game.bricks_left += hp > 0;
            gfx_brick(r, c, hp == 2 ? PAL_HARD : hp ? PAL_BRICK + r : 0, 0);
        }
}

static void serve(void)
{
    game.state = SERVE;
    game.speed = SPEED_MIN + 32 * (game.level - 1);
    if (game.speed > SPEED_MAX)
        game.speed = SPEED_MAX;
    game.hits = 0;
    gfx_text(9, 12, "PRESS  A", PAL_YELLOW);
}

static void start_level(void)
{
    gfx_field_frame();
    build_wall();
    game.hud_dirty = 1;
    sound_jingle();
    serve();
}

static void new_game(void)
{
    gfx_clear_text();
    game.score = 0;
    game.lives = LIVES;
    game.level = 1;
    game.paddle_x = (FIELD_LEFT + FIELD_RIGHT - PADDLE_W) / 2;
    for (int i = 0; i < MAX_DEBRIS; i++)
        game.debris[i].pal = 0;
    start_level();
    sound_music(1);
}

/* --- the ball ------------------------------------------------------------------------ */

/* Launch directions by where the ball meets the paddle: 8 zones, 15 to 60
 * degrees off vertical, as sin/cos * 256. */
static const int16_t zone_sin[8] = {-222, -181, -128, -66, 66, 128, 181, 222};
static const int16_t zone_cos[8] = {128, 181, 222, 247, 247, 222, 181, 128};

static void aim(int zone)
{
    game.vx = game.speed * zone_sin[zone] / 256;
    game.vy = -(game.speed * zone_cos[zone] / 256);
}

static void spawn_debris(int row, int col, int pal)
{
    for (int n = 0, i = 0; n < 3 && i < MAX_DEBRIS; i++) {
        Debris *d = &game.debris[i];
        if (d->pal)
            continue;
        d->x = (FIELD_LEFT + BRICK_W * col + 4 + 4 * n) << FIX;
        d->y = (BRICK_TOP_ROW * 8 + BRICK_H * row + 2) << FIX;
        d->vx = (s32)(rand_next() & 255) - 128;
        d->vy = -(s32)(rand_next() & 255) - 64;
        d->pal = pal;
        n++;
    }
}

/* The brick under pixel (x, y), if any: its hit points drop by one. */
static int hit_brick_at(s32 x, s32 y)
{
    int col = (x - FIELD_LEFT) >> 4, row = (y >> 3) - BRICK_TOP_ROW;
    if (x < FIELD_LEFT || col >= BRICK_COLS || row < 0 || row >= BRICK_ROWS || !game.brick[row][col])
        return 0;
    if (--game.brick[row][col]) {
        gfx_brick(row, col, PAL_HARD, 1); /* cracked */
    } else {
        gfx_brick(row, col, 0, 0);
        spawn_debris(row, col, 1 + row);
        game.bricks_left--;
    }
    game.score += 10 * (u32)(BRICK_ROWS - row);
    game.hud_dirty = 1;
    sound_brick(row);
    /* Every 8th hit the ball speeds up a little. */
    if ((++game.hits & 7) == 0 && game.speed < SPEED_MAX) {
        game.speed += 32;
        game.vx += game.vx > 0 ? 24 : -24;
        game.vy += game.vy > 0 ? 24 : -24;
    }
    return 1;
}

/* Any corner of the ball box (x, y in pixels) inside a brick? */
static int hit_bricks(s32 x, s32 y)
{
    s32 r = x + BALL_SIZE - 1, b = y + BALL_SIZE - 1;
    return hit_brick_at(x, y) || hit_brick_at(r, y) || hit_brick_at(x, b) || hit_brick_at(r, b);
}

/* Moving one axis at a time means a brick or wall reverses just the
 * velocity component that ran into it. */
static void move_ball_x(void)
{
    game.bx += game.vx;
    s32 x = game.bx >> FIX, y = game.by >> FIX;
    if (x < FIELD_LEFT || x + BALL_SIZE > FIELD_RIGHT) {
        game.bx = (x < FIELD_LEFT ? FIELD_LEFT : FIELD_RIGHT - BALL_SIZE) << FIX;
        game.vx = -game.vx;
        sound_wall();
    } else if (hit_bricks(x, y)) {
        game.bx -= game.vx;
        game.vx = -game.vx;
    }
}

static void move_ball_y(void)
{
    game.by += game.vy;
    s32 x = game.bx >> FIX, y = game.by >> FIX;
    if (y < FIELD_TOP) {
        game.by = FIELD_TOP << FIX;
        game.vy = -game.vy;
        sound_wall();
    } else if (hit_bricks(x, y)) {
        game.by -= game.vy;
        game.vy = -game.vy;
    } else if (game.vy > 0 && y + BALL_SIZE > PADDLE_Y && y < PADDLE_Y + 4 &&
               x + BALL_SIZE > game.paddle_x && x < game.paddle_x + PADDLE_W) {
        int zone = (x + BALL_SIZE / 2 - game.paddle_x) >> 2; /* 0..7 across the paddle */
        aim(zone < 0 ? 0 : zone > 7 ? 7 : zone);
        game.by = (PADDLE_Y - BALL_SIZE) << FIX;
        sound_paddle();
    }
}

static void lose_ball(void)
{
    sound_lose();
    game.lives--;
    game.hud_dirty = 1;
    if (game.lives > 0) {
        serve();
        return;
    }
    game.state = GAME_OVER;
    sound_music(0);
    gfx_text(10, 11, "GAME OVER", PAL_YELLOW);
    gfx_text(9, 13, "PRESS START", PAL_TEXT);
}

/* --- one frame ------------------------------------------------------------------------ */

static void move_paddle(void)
{
    int step = game.keys & KEY_B ? 4 : 3;
    if (game.keys & KEY_LEFT)
        game.paddle_x -= step;
    if (game.keys & KEY_RIGHT)
        game.paddle_x += step;
    if (game.paddle_x < FIELD_LEFT)
        game.paddle_x = FIELD_LEFT;
    if (game.paddle_x > FIELD_RIGHT - PADDLE_W)
        game.paddle_x = FIELD_RIGHT - PADDLE_W;
}

static void update_debris(void)
{
    for (int i = 0; i < MAX_DEBRIS; i++) {
        Debris *d = &game.debris[i];
        if (!d->pal)
            continue;
        d->x += d->vx;
        d->y += d->vy;
        d->vy += 24; /* gravity */
        if ((d->y >> FIX) >= SCREEN_H)
            d->pal = 0;
    }
}

static void step_serve(void)
{
    move_paddle();
    /* The ball rides on the paddle until A. */
    game.bx = (game.paddle_x + PADDLE_W / 2 - BALL_SIZE / 2) << FIX;
    game.by = (PADDLE_Y - BALL_SIZE) << FIX;
    if (game.pressed & KEY_A) {
        gfx_text(9, 12, "        ", PAL_TEXT);
        aim(3 + (rand_next() & 1)); /* steep, left or right at random */
        game.state = PLAY;
    }
}

static void step_play(void)
{
    move_paddle();
    move_ball_x();
    move_ball_y();
    if ((game.by >> FIX) >= SCREEN_H) {
        lose_ball();
    } else if (game.bricks_left == 0) {
        game.level++;
        start_level();
    }
}

static void step(void)
{
    rand_next();
    switch (game.state) {
    case TITLE:
        gfx_text(9, 14, (game.frame & 32) ? "PRESS START" : "           ", PAL_TEXT);
        if (game.pressed & KEY_START)
            new_game();
        break;
    case SERVE:
    case PLAY:
        if (game.pressed & KEY_START) {
            game.resume = game.state;
            game.state = PAUSED;
            sound_music(0);
            gfx_text(12, 14, "PAUSED", PAL_YELLOW);
            break;
        }
        if (game.state == SERVE)
            step_serve();
        else
            step_play();
        break;
    case GAME_OVER:
        if (game.pressed & KEY_START)
            new_game();
        break;
    case PAUSED:
        if (game.pressed & KEY_START) {
            game.state = game.resume;
            gfx_text(12, 14, "      ", PAL_TEXT);
            sound_music(1);
        }
        break;
    }
    if (game.state != PAUSED)
        update_debris();
    if (game.hud_dirty && game.state != TITLE)
        draw_hud();
}

/* The sprites for the next VBlank: paddle, ball, debris. */
static void build_sprites(void)
{
    gfx_hide_sprites();
    if (game.state == TITLE)
        return;
    gfx_sprite(0, game.paddle_x, PADDLE_Y, 1 << 2 | 1, OT_PADDLE, 0); /* 32x8 */
    if (game.state != GAME_OVER)
        gfx_sprite(1, (game.bx >> FIX) - 2, (game.by >> FIX) - 2, 0, OT_BALL, 0);
    for (int i = 0; i < MAX_DEBRIS; i++) {
        const Debris *d = &game.debris[i];
        if (d->pal)
            gfx_sprite(2 + i, (d->x >> FIX) & 0x1ff, (d->y >> FIX) & 0xff, 0, OT_DEBRIS, d->pal);
    }
}

int main(void)
{
    gfx_init();
    sound_init();
    game.rng = 0x9e3779b9u; /* fixed seed: same inputs, same game */
    show_title();
    REG_DISPSTAT = DISPSTAT_VBLANK_IRQ;
    irq_enable(IRQ_VBLANK);
    for (;;) {
        vblank_wait();
        gfx_commit();
        gfx_scroll(game.frame);
        read_keys();
        step();
        sound_tick();
        build_sprites();
        game.frame++;
    }
}
