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
#define PIXEL_SEMI_SHIFT 19
#define PIXEL_SEMI (1u << PIXEL_SEMI_SHIFT)

typedef struct Targets {
    uint32_t top[GBA_SCREEN_W], below[GBA_SCREEN_W];
} Targets;

/* Puts pixel over x where cover is all ones; branch-free, because which
 * pixels a layer covers follows the picture and predicts badly. */
static void cover(Targets *t, unsigned x, uint32_t pixel, uint32_t cover)
{
    t->below[x] = (t->top[x] & cover) | (t->below[x] & ~cover);
    t->top[x] = (pixel & cover) | (t->top[x] & ~cover);
}

/* Lays one BG over what is there, where it has a pixel and the window
 * lets it through. */
static void cover_with_bg(Targets *t, const uint16_t *line, unsigned bg, const uint8_t *mask)
{
    for (unsigned x = 0; x < GBA_SCREEN_W; x++) {
        uint32_t shows = ((line[x] >> 15) ^ 1u) & (mask[x] >> bg); /* bit 15: PPU_TRANSPARENT */
        cover(t, x, line[x] | bg << PIXEL_LAYER_SHIFT, -(shows & 1));
    }
}

/* Lays the sprite pixels of one priority over what is there. */
static void cover_with_obj(Targets *t, const GbaObjLine *obj, unsigned prio, const uint8_t *mask)
{
    for (unsigned x = 0; x < GBA_SCREEN_W; x++) {
        uint32_t shows = (obj->prio[x] == prio) & (mask[x] >> LAYER_OBJ);
        uint32_t pixel = obj->color[x] | LAYER_OBJ << PIXEL_LAYER_SHIFT | (uint32_t)obj->semi[x] << PIXEL_SEMI_SHIFT;
        cover(t, x, pixel, -(shows & 1));
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
        if (l->obj_on && (l->obj.prios_present >> prio & 1))
            cover_with_obj(t, &l->obj, (unsigned)prio, mask);
    }
}

/* --- colour special effects ---------------------------------------------------- */

static unsigned channel(uint16_t c, unsigned shift)
{
    return (c >> shift) & 31;
}

/* BGR555 spread so that each component has 5 spare bits above it: red
 * at bit 0, blue at bit 10, green at bit 21.  Two components times
 * coefficients of at most 16 then add up without carrying into the next. */
static uint32_t spread(uint16_t c)
{
    return (c & 0x7c1fu) | (uint32_t)(c & 0x03e0u) << 16;
}

/* Clamps each spread component (now at most 6 bits) to 31 and packs. */
static uint16_t saturate_pack(uint32_t v)
{
    unsigned r = v & 63, b = (v >> 10) & 63, g = (v >> 21) & 63;
    r = r > 31 ? 31 : r;
    g = g > 31 ? 31 : g;
    b = b > 31 ? 31 : b;
    return (uint16_t)(r | g << 5 | b << 10);
}

static uint16_t alpha_blend(uint16_t a, uint16_t b, const Effects *e)
{
    uint32_t sum = spread(a) * e->eva + spread(b) * e->evb;
    /* Shift each component's sum right by 4 without mixing components. */
    return saturate_pack((sum >> 4) & (0x3fu | 0x3fu << 10 | 0x3fu << 21));
}

/* I + (31 - I) * EVY / 16 or I - I * EVY / 16, rounded down. */
static uint16_t brightness(uint16_t c, const Effects *e, bool brighter)
{
    const uint32_t component_mask = 0x1fu | 0x1fu << 10 | 0x1fu << 21;
    uint32_t v = spread(c);
    if (brighter)
        return saturate_pack(v + ((((spread(0x7fff) - v) * e->evy) >> 4) & component_mask));
    return saturate_pack(v - (((v * e->evy) >> 4) & component_mask));
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

/* A 5-bit component on the 8-bit screen: (c << 3) | (c >> 2). */
static const uint8_t expand5[32] = {0,   8,   16,  24,  33,  41,  49,  57,  66,  74,  82,
                                    90,  99,  107, 115, 123, 132, 140, 148, 156, 165, 173,
                                    181, 189, 198, 206, 214, 222, 231, 239, 247, 255};

static uint32_t to_rgb888(uint16_t c)
{
    return (uint32_t)expand5[channel(c, 0)] << 16 | (uint32_t)expand5[channel(c, 5)] << 8 | expand5[channel(c, 10)];
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
