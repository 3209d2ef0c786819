/* Fix functions shared by the A32 and T32 tables. */
#include "tests/difftest/gen.h"

/* Record base write-back: the base keeps pointing into the data region
 * (offsets are bounded), and stays aligned only if the template says so. */
static void note_wb(GenInsn *in, bool keeps_aligned)
{
    in->wb = true;
    in->wb_keeps_ptr = true;
    in->wb_aligned = keeps_aligned;
}

/* A32 LDR/STR/LDRB/STRB immediate and register: P, W, Rt, Rn constraints.
 * Fields: P U B W L, n (base), t, m (register form), 't' never r15. */
static void fix_ldst_common(Gen *g, GenInsn *in, bool aligned_offset)
{
    bool wback = gf(in, 'P') == 0 || gf(in, 'W') == 1;
    unsigned t = gf(in, 't'), n = gf(in, 'n');
    if (wback && (n == t || n == 15)) {
        in->reject = true;
        return;
    }
    if (wback)
        note_wb(in, aligned_offset);
    (void)g;
}

void fix_ldst_imm(Gen *g, GenInsn *in)
{
    /* Word accesses with word-multiple offsets keep bases aligned. */
    if (in->t->flags & T_ALIGN)
        sf(in, 'i', gf(in, 'i') & ~3u);
    fix_ldst_common(g, in, (gf(in, 'i') & 3) == 0);
}

/* Register offsets: keep the scaled index small (LSL #0-3 or a right
 * shift), so the address stays inside the data region. */
void fix_ldst_reg(Gen *g, GenInsn *in)
{
    if (has(in, 'y')) { /* A32 shift type + imm5 */
        unsigned ty = rng_below(g->rng, 3);
        sf(in, 'y', ty);
        sf(in, 'i', ty == 0 ? rng_below(g->rng, 4) : gf(in, 'i'));
    }
    fix_ldst_common(g, in, false);
}

/* A32 LDRD/STRD (extra load/store): t even, not r14; P/W; write-back rules. */
void fix_ldst_pair(Gen *g, GenInsn *in)
{
    unsigned t = gf(in, 't') & ~1u, n = gf(in, 'n');
    if (t == 14)
        t = 2 * rng_below(g->rng, 7);
    sf(in, 't', t);
    in->writes = 0;
    bool load = gf(in, 'S') == 0; /* A32 bit 5: 0 = LDRD, 1 = STRD */
    if (gf(in, 'P') == 0 && gf(in, 'W') == 1) {
        sf(in, 'W', 0); /* P=0 W=1 is UNPREDICTABLE for the dual forms */
    }
    bool wback = gf(in, 'P') == 0 || gf(in, 'W') == 1;
    if (wback && (n == 15 || n == t || n == t + 1)) {
        in->reject = true;
        return;
    }
    if (has(in, 'm')) {
        unsigned m = gf(in, 'm');
        if (m == 15 || (load && (m == t || m == t + 1))) {
            in->reject = true;
            return;
        }
    } else {
        unsigned imm = gf(in, 'i') & ~3u;
        sf(in, 'i', imm);
    }
    if (load)
        in->writes = (uint16_t)(3u << t);
    if (wback)
        note_wb(in, !has(in, 'm'));
}

/* LDM/STM (A32 and T32.W): list without pc (and without sp in T32), no
 * base in the list with write-back, at least two registers in T32. */
void fix_ldm(Gen *g, GenInsn *in)
{
    unsigned n = gf(in, 'n');
    uint32_t list = gf(in, 'r') & 0x7fff;
    if (g->thumb)
        list &= ~(1u << 13);
    bool wback = gf(in, 'W') == 1;
    if (wback)
        list &= ~(1u << n);
    if (!wback && !gf(in, 'L'))
        list &= ~(1u << n); /* plain STM of the base is fine, but keep it simple */
    if (__builtin_popcount(list) < (g->thumb ? 2 : 1) || n == 15) {
        in->reject = true;
        return;
    }
    sf(in, 'r', list);
    if (gf(in, 'L'))
        in->writes = (uint16_t)list;
    if (wback)
        note_wb(in, true);
}

void note_ldrex(GenInsn *in, unsigned size)
{
    in->ldrex_size = size;
}

void check_strex(Gen *g, GenInsn *in, unsigned size)
{
    if (g->ldrex_sizes & ~(unsigned)size)
        in->reject = true;
}
