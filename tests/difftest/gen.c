/* Template engine: draw fields, apply constraints, encode. */
#include "tests/difftest/gen.h"

#include <string.h>

static unsigned pick_from_mask(Gen *g, uint16_t mask)
{
    unsigned n = (unsigned)__builtin_popcount(mask);
    unsigned k = rng_below(g->rng, n);
    for (unsigned r = 0; r < 16; r++)
        if ((mask >> r & 1) && k-- == 0)
            return r;
    return 0;
}

static uint16_t field_mask(unsigned bits, bool allow_sp, bool allow_pc, bool thumb)
{
    if (bits < 4)
        return (uint16_t)((1u << (1u << bits)) - 1);
    uint16_t m = 0xffff & ~(1u << 15);
    if (thumb && !allow_sp)
        m &= (uint16_t)~(1u << 13);
    if (allow_pc)
        m |= 1u << 15;
    return m;
}

unsigned gen_reg(Gen *g, unsigned bits, bool allow_sp, bool allow_pc)
{
    uint16_t m = field_mask(bits, allow_sp, false, g->thumb);
    if (allow_pc && rng_chance(g->rng, 5))
        return 15;
    /* Prefer registers that do not carry a pointer, so pointers survive. */
    uint16_t keep = m & (uint16_t)~(g->ptr | g->fpv);
    if (keep && rng_chance(g->rng, 70))
        return pick_from_mask(g, keep);
    return pick_from_mask(g, m);
}

/* A base register pointing into the data region, aligned to align bytes. */
/* A base register pointing into the data region, aligned to align bytes;
 * -1 if there is none (the template is redrawn). */
int gen_base(Gen *g, unsigned bits, unsigned align, bool allow_sp)
{
    uint16_t ok = align >= 8 ? g->a8ptr : align == 4 ? g->aptr : g->ptr;
    uint16_t m = field_mask(bits, allow_sp, false, g->thumb) & ok;
    return m ? (int)pick_from_mask(g, m) : -1;
}

/* An index register holding a small value, or -1. */
int gen_index(Gen *g, unsigned bits)
{
    uint16_t m = field_mask(bits, false, false, g->thumb) & g->small;
    return m ? (int)pick_from_mask(g, m) : -1;
}

/* A32: AL half of the time.  T32 (VFP patterns): 1110, the T32 prefix. */
static void draw_cond(Gen *g, GenInsn *in)
{
    sf(in, 'c', g->thumb || rng_chance(g->rng, 50) ? 14 : rng_below(g->rng, 14));
}

static void draw_field(Gen *g, GenInsn *in, char c, unsigned bits)
{
    const Tmpl *t = in->t;
    bool sp = (t->flags & T_SP_OK) != 0;
    uint32_t v;
    int r;
    switch (c) {
    case 'c':
        draw_cond(g, in);
        return;
    case 'n':
        if (t->flags & T_MEM) {
            r = gen_base(g, bits, (t->flags & T_ALIGN8) ? 8 : (t->flags & T_ALIGN) ? 4 : 1, true);
            in->reject |= r < 0;
            v = r < 0 ? 0 : (uint32_t)r;
        } else
            v = gen_reg(g, bits, sp, (t->flags & T_PC_N) != 0);
        break;
    case 'm':
        if (t->flags & T_MEM) {
            r = gen_index(g, bits);
            in->reject |= r < 0;
            v = r < 0 ? 0 : (uint32_t)r;
        } else
            v = gen_reg(g, bits, sp, (t->flags & T_PC_M) != 0);
        break;
    case 't':
        if ((t->flags & T_FPSCR_RT) && (g->fpv & field_mask(bits, false, false, g->thumb))) {
            v = pick_from_mask(g, g->fpv & field_mask(bits, false, false, g->thumb));
            break;
        }
        v = gen_reg(g, bits, sp, false);
        break;
    case 'd': case 's': case 'u': case 'a':
        v = gen_reg(g, bits, sp, false);
        break;
    case 'r':
        v = 0;
        while (!v)
            v = rng_u32(g->rng) & ((1u << bits) - 1);
        break;
    default:
        v = bits >= 32 ? rng_u32(g->rng) : rng_u32(g->rng) & ((1u << bits) - 1);
        break;
    }
    sf(in, c, v);
}

static unsigned pattern_len(const char *p)
{
    unsigned n = 0;
    for (; *p; p++)
        n += *p != ' ';
    return n;
}

void gen_encode(GenInsn *in)
{
    const char *p = in->t->pat;
    unsigned len = pattern_len(p), pos = len;
    uint8_t used[128] = {0};
    uint32_t enc = 0;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ')
            continue;
        pos--;
        uint32_t b;
        if (c == '0' || c == '1') {
            b = c - '0';
        } else {
            unsigned k = in->fbits[c] - 1 - used[c]++;
            b = in->f[c] >> k & 1;
        }
        enc |= b << pos;
    }
    in->enc = enc;
    in->size = len / 8;
}

static void init_fields(Gen *g, GenInsn *in, const Tmpl *t)
{
    memset(in, 0, sizeof *in);
    in->t = t;
    for (const char *p = t->pat; *p; p++)
        if (*p != ' ' && *p != '0' && *p != '1')
            in->fbits[(unsigned char)*p]++;
    for (unsigned c = 0; c < 128; c++)
        if (in->fbits[c])
            draw_field(g, in, (char)c, in->fbits[c]);
}

static void apply_writes(GenInsn *in)
{
    if (in->t->flags & T_WRITES_LR)
        in->writes |= 1u << 14;
    for (const char *w = in->t->writes; w && *w; w++)
        if (has(in, *w))
            in->writes |= (uint16_t)(1u << (gf(in, *w) & 15));
}

static const Tmpl *pick_tmpl(Gen *g, const TmplSet *sets, size_t nsets)
{
    unsigned total = 0;
    for (size_t i = 0; i < nsets; i++)
        total += sets[i].weight;
    unsigned k = rng_below(g->rng, total);
    const TmplSet *s = sets;
    for (size_t i = 0; i < nsets; i++) {
        if (k < sets[i].weight) {
            s = &sets[i];
            break;
        }
        k -= sets[i].weight;
    }
    unsigned tw = 0;
    for (size_t i = 0; i < s->n; i++)
        tw += s->t[i].weight ? s->t[i].weight : 1;
    k = rng_below(g->rng, tw);
    for (size_t i = 0; i < s->n; i++) {
        unsigned w = s->t[i].weight ? s->t[i].weight : 1;
        if (k < w)
            return &s->t[i];
        k -= w;
    }
    return &s->t[0];
}

bool gen_from_sets(Gen *g, const TmplSet *sets, size_t nsets, GenInsn *out)
{
    const Tmpl *t = pick_tmpl(g, sets, nsets);
    init_fields(g, out, t);
    if (t->fix && !out->reject)
        t->fix(g, out);
    if (out->reject)
        return false;
    apply_writes(out);
    gen_encode(out);
    return true;
}
