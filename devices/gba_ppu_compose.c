/*
 * Composing the layers of one line (GBATEK "LCD I/O Window Feature", "LCD
 * I/O Color Special Effects"): the windows decide per pixel which layers
 * and whether the special effect may show; the two front-most visible
 * layers are then the first and second targets of alpha blending, or the
 * front one alone is brightened or darkened.
 */
#include <string.h>

#include "devices/gba_ppu_internal.h"

enum { BLEND_NONE, BLEND_ALPHA, BLEND_BRIGHTEN, BLEND_DARKEN };

/* The effect registers, read once per line. */
typedef struct Effects {
    unsigned first, second; /* BLDCNT target masks, bit per layer as in LAYER_* */
    unsigned mode;
    unsigned eva, evb, evy; /* already clamped to 16 */
} Effects;

static unsigned clamp16(unsigned coefficient)
{
    return coefficient > 16 ? 16 : coefficient;
}

static Effects read_effects(const uint8_t *io)
{
    unsigned bldcnt = ppu_rd16(io, GBA_REG_BLDCNT), alpha = ppu_rd16(io, GBA_REG_BLDALPHA);
    return (Effects){bldcnt & 0x3f,
                     (bldcnt >> 8) & 0x3f,
                     (bldcnt >> 6) & 3,
                     clamp16(alpha & 31),
                     clamp16((alpha >> 8) & 31),
                     clamp16(ppu_rd16(io, GBA_REG_BLDY) & 31)};
}

/* --- windows ---------------------------------------------------------------- */

/* Interval [lo, hi) of a WINxH / WINxV register; GBATEK: hi beyond the
 * screen or lo above hi both mean "to the screen's edge". */
static void window_span(unsigned reg, unsigned limit, unsigned *lo, unsigned *hi)
{
    *lo = reg >> 8;
    *hi = reg & 0xff;
    if (*hi > limit || *lo > *hi)
        *hi = limit;
}

static void apply_rect_window(const uint8_t *io, unsigned n, unsigned y, unsigned enables, uint8_t *mask)
{
    unsigned top, bottom, left, right;
    window_span(ppu_rd16(io, GBA_REG_WIN0V + 2 * n), GBA_SCREEN_H, &top, &bottom);
    if (y < top || y >= bottom)
        return;
    window_span(ppu_rd16(io, GBA_REG_WIN0H + 2 * n), GBA_SCREEN_W, &left, &right);
    for (unsigned x = left; x < right; x++)
        mask[x] = (uint8_t)enables;
}

/* Per pixel, the WININ/WINOUT bits that apply: WIN0 beats WIN1 beats the
 * OBJ window beats outside; with no window enabled everything shows. */
static void window_masks(const uint8_t *io, unsigned y, const GbaLineLayers *l, uint8_t *mask)
{
    unsigned dispcnt = ppu_rd16(io, GBA_REG_DISPCNT);
    if (!(dispcnt & (DISPCNT_WIN0 | DISPCNT_WIN1 | DISPCNT_OBJWIN))) {
        memset(mask, WINDOW_ALL, GBA_SCREEN_W);
        return;
    }
    unsigned winin = ppu_rd16(io, GBA_REG_WININ), winout = ppu_rd16(io, GBA_REG_WINOUT);
    memset(mask, winout & WINDOW_ALL, GBA_SCREEN_W);
    if ((dispcnt & DISPCNT_OBJWIN) && l->obj_on) {
        for (unsigned x = 0; x < GBA_SCREEN_W; x++)
            if (l->obj.window[x])
                mask[x] = (uint8_t)((winout >> 8) & WINDOW_ALL);
    }
    if (dispcnt & DISPCNT_WIN1)
        apply_rect_window(io, 1, y, (winin >> 8) & WINDOW_ALL, mask);
    if (dispcnt & DISPCNT_WIN0)
        apply_rect_window(io, 0, y, winin & WINDOW_ALL, mask);
}

/* --- priorities ------------------------------------------------------------- */

/* Per pixel, the front-most and the second visible layer as colour |
 * layer << 16 | semi-transparent << 19. */
#define PIXEL_LAYER_SHIFT 16
#define PIXEL_SEMI (1u << 19)

typedef struct Targets {
    uint32_t top[GBA_SCREEN_W], below[GBA_SCREEN_W];
} Targets;

/* Lays one BG over what is there, where it has a pixel and the window
 * lets it through. */
static void cover_with_bg(Targets *t, const uint16_t *line, unsigned bg, const uint8_t *mask)
{
    for (unsigned x = 0; x < GBA_SCREEN_W; x++) {
        if ((line[x] & PPU_TRANSPARENT) || !(mask[x] >> bg & 1))
            continue;
        t->below[x] = t->top[x];
        t->top[x] = line[x] | bg << PIXEL_LAYER_SHIFT;
    }
}

/* Lays the sprite pixels of one priority over what is there. */
static void cover_with_obj(Targets *t, const GbaObjLine *obj, unsigned prio, const uint8_t *mask)
{
    for (unsigned x = 0; x < GBA_SCREEN_W; x++) {
        if (obj->prio[x] != prio || !(mask[x] & (1u << LAYER_OBJ)))
            continue;
        t->below[x] = t->top[x];
        t->top[x] = obj->color[x] | LAYER_OBJ << PIXEL_LAYER_SHIFT | (obj->semi[x] ? PIXEL_SEMI : 0);
    }
}

/* Paints back to front: the backdrop, then for each priority from 3 to 0
 * the BGs from the highest number down and the OBJs last, since among
 * equal priorities OBJs are in front of BGs and BG0 in front of BG1. */
static void find_targets(const GbaLineLayers *l, const uint8_t *mask, uint16_t backdrop, Targets *t)
{
    uint32_t back = backdrop | (uint32_t)LAYER_BACKDROP << PIXEL_LAYER_SHIFT;
    for (unsigned x = 0; x < GBA_SCREEN_W; x++)
        t->top[x] = t->below[x] = back;
    unsigned next_bg = l->nbg; /* bg_order is front to back: walk it backwards */
    for (int prio = 3; prio >= 0; prio--) {
        while (next_bg > 0 && l->bg_prio[next_bg - 1] == prio) {
            next_bg--;
            cover_with_bg(t, l->bg[l->bg_order[next_bg]], l->bg_order[next_bg], mask);
        }
        if (l->obj_on)
            cover_with_obj(t, &l->obj, (unsigned)prio, mask);
    }
}

/* --- colour special effects ---------------------------------------------------- */

static unsigned channel(uint16_t c, unsigned shift)
{
    return (c >> shift) & 31;
}

static uint16_t alpha_blend(uint16_t a, uint16_t b, const Effects *e)
{
    uint16_t out = 0;
    for (unsigned shift = 0; shift < 15; shift += 5) {
        unsigned v = (channel(a, shift) * e->eva + channel(b, shift) * e->evb) >> 4;
        out |= (uint16_t)((v > 31 ? 31 : v) << shift);
    }
    return out;
}

static uint16_t brightness(uint16_t c, const Effects *e, bool brighter)
{
    uint16_t out = 0;
    for (unsigned shift = 0; shift < 15; shift += 5) {
        unsigned v = channel(c, shift);
        v = brighter ? v + (((31 - v) * e->evy) >> 4) : v - ((v * e->evy) >> 4);
        out |= (uint16_t)(v << shift);
    }
    return out;
}

/* A semi-transparent OBJ over a second target always alpha-blends, and
 * then no brightness effect applies to either pixel. */
static uint16_t apply_effect(uint32_t top, uint32_t below, const Effects *e)
{
    uint16_t front = (uint16_t)top, back = (uint16_t)below;
    unsigned front_layer = (top >> PIXEL_LAYER_SHIFT) & 7, back_layer = (below >> PIXEL_LAYER_SHIFT) & 7;
    bool semi = top & PIXEL_SEMI;
    bool second_ok = e->second >> back_layer & 1;
    if (semi && second_ok)
        return alpha_blend(front, back, e);
    if (!semi && !(e->first >> front_layer & 1))
        return front;
    switch (e->mode) {
    case BLEND_ALPHA:
        return second_ok ? alpha_blend(front, back, e) : front;
    case BLEND_BRIGHTEN:
        return brightness(front, e, true);
    case BLEND_DARKEN:
        return brightness(front, e, false);
    default:
        return front;
    }
}

static uint32_t expand(unsigned c5)
{
    return (c5 << 3) | (c5 >> 2);
}

static uint32_t to_rgb888(uint16_t c)
{
    return expand(channel(c, 0)) << 16 | expand(channel(c, 5)) << 8 | expand(channel(c, 10));
}

void gba_compose_line(const PpuView *m, unsigned y, const GbaLineLayers *l, uint32_t *out)
{
    uint8_t mask[GBA_SCREEN_W];
    window_masks(m->io, y, l, mask);
    Targets t;
    find_targets(l, mask, m->colours[0], &t);
    Effects e = read_effects(m->io);
    for (unsigned x = 0; x < GBA_SCREEN_W; x++) {
        uint16_t c = (mask[x] & WINDOW_EFFECT_BIT) ? apply_effect(t.top[x], t.below[x], &e) : (uint16_t)t.top[x];
        out[x] = to_rgb888(c);
    }
}
