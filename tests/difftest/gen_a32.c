/*
 * A32 templates, weighted by family.  Every constraint below is one of
 * the ARM ARM's UNPREDICTABLE conditions for that encoding (see
 * EXCLUSIONS.md); r15 is never a destination (that would be a branch to a
 * random address).
 */
#include "tests/difftest/gen.h"

/* Data processing: TST/TEQ/CMP/CMN need S=1 (S=0 is the misc space) and
 * Rd=0; MOV/MVN have Rn=0. */
static void fix_dp(Gen *g, GenInsn *in)
{
    unsigned op = gf(in, 'o');
    if (op >= 8 && op <= 11) {
        sf(in, 'S', 1);
        sf(in, 'd', 0);
        in->writes = 0;
    }
    if (op == 13 || op == 15)
        sf(in, 'n', 0);
    (void)g;
}

static void fix_dp_nowrite(Gen *g, GenInsn *in)
{
    fix_dp(g, in);
    unsigned op = gf(in, 'o');
    if (op < 8 || op > 11)
        in->writes = (uint16_t)(1u << gf(in, 'd'));
}

static void fix_long(Gen *g, GenInsn *in)
{
    if (gf(in, 'u') == gf(in, 'a'))
        in->reject = true;
    (void)g;
}

/* Parallel add/sub: prefix S Q SH U UQ UH, op ADD16 ASX SAX SUB16 ADD8 SUB8. */
static void fix_parallel(Gen *g, GenInsn *in)
{
    static const uint8_t pre[] = {1, 2, 3, 5, 6, 7}, op[] = {0, 1, 2, 3, 4, 7};
    sf(in, 'p', pre[rng_below(g->rng, 6)]);
    sf(in, 'o', op[rng_below(g->rng, 6)]);
}

/* Extends: SXTAB16 SXTAB SXTAH UXTAB16 UXTAB UXTAH; Rn=15 selects SXTB etc. */
static void fix_extend(Gen *g, GenInsn *in)
{
    static const uint8_t op[] = {0, 2, 3, 4, 6, 7};
    sf(in, 'o', op[rng_below(g->rng, 6)]);
    if (rng_chance(g->rng, 40))
        sf(in, 'n', 15);
}

static void fix_bfx(Gen *g, GenInsn *in)
{
    unsigned lsb = gf(in, 'l');
    sf(in, 'w', rng_below(g->rng, 32 - lsb)); /* widthm1 <= 31 - lsb */
}

static void fix_bfi(Gen *g, GenInsn *in)
{
    unsigned lsb = gf(in, 'l');
    sf(in, 'w', lsb + rng_below(g->rng, 32 - lsb)); /* msb >= lsb */
    if (rng_chance(g->rng, 25))
        sf(in, 'n', 15); /* BFC */
}

static void fix_msr(Gen *g, GenInsn *in)
{
    if (gf(in, 'k') == 0)
        sf(in, 'k', 1 + rng_below(g->rng, 3));
}

/* LDREX/STREX family: STREX status register differs from Rt and Rn. */
static void fix_strex(Gen *g, GenInsn *in)
{
    unsigned d = gf(in, 'd');
    if (d == gf(in, 't') || d == gf(in, 'n'))
        in->reject = true;
    check_strex(g, in, has(in, 'x') ? (gf(in, 'x') ? 2 : 1) : 4);
}

static void fix_ldrex(Gen *g, GenInsn *in)
{
    (void)g;
    note_ldrex(in, has(in, 'x') ? (gf(in, 'x') ? 2 : 1) : 4);
}

static void fix_exd(Gen *g, GenInsn *in)
{
    unsigned t = gf(in, 't') & ~1u;
    if (t == 14)
        t = 0;
    sf(in, 't', t);
    if (has(in, 'd')) {
        unsigned d = gf(in, 'd');
        if (d == t || d == t + 1 || d == gf(in, 'n'))
            in->reject = true;
        check_strex(g, in, 8);
    } else {
        in->writes = (uint16_t)(3u << t);
        note_ldrex(in, 8);
    }
}

/* A32 halfword / signed byte loads and stores (extra load/store space). */
static void fix_ldst_half(Gen *g, GenInsn *in)
{
    unsigned oo = gf(in, 'h');
    if (oo == 0)
        sf(in, 'h', 1 + rng_below(g->rng, 3));
    if (!gf(in, 'L') && gf(in, 'h') != 1) {
        sf(in, 'h', 1); /* L=0 with op 10/11 is LDRD/STRD: another template */
    }
    bool wback = gf(in, 'P') == 0 || gf(in, 'W') == 1;
    unsigned n = gf(in, 'n'), t = gf(in, 't');
    if (wback && (n == t || n == 15)) {
        in->reject = true;
        return;
    }
    if (has(in, 'm') && gf(in, 'm') == 15) {
        in->reject = true;
        return;
    }
    if (wback) {
        in->wb = true;
        in->wb_keeps_ptr = true;
        in->wb_aligned = false;
    }
}

static void fix_swp(Gen *g, GenInsn *in)
{
    unsigned n = gf(in, 'n');
    if (n == gf(in, 't') || n == gf(in, 'm'))
        in->reject = true;
    (void)g;
}

static void fix_literal(Gen *g, GenInsn *in)
{
    sf(in, 'n', 15);
    (void)g;
}

static void fix_pushpop(Gen *g, GenInsn *in)
{
    if (!(g->aptr >> 13 & 1)) {
        in->reject = true; /* sp no longer points into the data region */
        return;
    }
    sf(in, 'n', 13);
    fix_ldm(g, in);
}

static const Tmpl dp[] = {
    {"dp-imm", "cccc 001o oooS nnnn dddd xxxx iiii iiii", T_PC_N, "", fix_dp_nowrite, 4},
    {"dp-immshift", "cccc 000o oooS nnnn dddd iiii iyy0 mmmm", T_PC_N | T_PC_M, "", fix_dp_nowrite, 5},
    {"dp-regshift", "cccc 000o oooS nnnn dddd ssss 0yy1 mmmm", 0, "", fix_dp_nowrite, 3},
    {"movw", "cccc 0011 0000 iiii dddd iiii iiii iiii", 0, "d", NULL, 1},
    {"movt", "cccc 0011 0100 iiii dddd iiii iiii iiii", 0, "d", NULL, 1},
};

static const Tmpl mul[] = {
    {"mul", "cccc 0000 000S dddd 0000 ssss 1001 nnnn", 0, "d", NULL, 2},
    {"mla", "cccc 0000 001S dddd aaaa ssss 1001 nnnn", 0, "d", NULL, 2},
    {"mls", "cccc 0000 0110 dddd aaaa ssss 1001 nnnn", 0, "d", NULL, 1},
    {"mull", "cccc 0000 1xxS uuuu aaaa ssss 1001 nnnn", 0, "ua", fix_long, 4},
    {"umaal", "cccc 0000 0100 uuuu aaaa ssss 1001 nnnn", 0, "ua", fix_long, 1},
    {"smulxy", "cccc 0001 0110 dddd 0000 ssss 1xx0 nnnn", 0, "d", NULL, 1},
    {"smlaxy", "cccc 0001 0000 dddd aaaa ssss 1xx0 nnnn", 0, "d", NULL, 1},
    {"smulwy", "cccc 0001 0010 dddd 0000 ssss 1x10 nnnn", 0, "d", NULL, 1},
    {"smlawy", "cccc 0001 0010 dddd aaaa ssss 1x00 nnnn", 0, "d", NULL, 1},
    {"smlalxy", "cccc 0001 0100 uuuu aaaa ssss 1xx0 nnnn", 0, "ua", fix_long, 1},
    {"smlad/smlsd", "cccc 0111 0000 dddd aaaa ssss 0xx1 nnnn", 0, "d", NULL, 1},
    {"smuad/smusd", "cccc 0111 0000 dddd 1111 ssss 0xx1 nnnn", 0, "d", NULL, 1},
    {"smlald/smlsld", "cccc 0111 0100 uuuu aaaa ssss 0xx1 nnnn", 0, "ua", fix_long, 1},
    {"smmla", "cccc 0111 0101 dddd aaaa ssss 00x1 nnnn", 0, "d", NULL, 1},
    {"smmls", "cccc 0111 0101 dddd aaaa ssss 11x1 nnnn", 0, "d", NULL, 1},
    {"smmul", "cccc 0111 0101 dddd 1111 ssss 00x1 nnnn", 0, "d", NULL, 1},
    {"sdiv/udiv", "cccc 0111 00x1 dddd 1111 ssss 0001 nnnn", 0, "d", NULL, 2},
};

static const Tmpl media[] = {
    {"parallel", "cccc 0110 0ppp nnnn dddd 1111 ooo1 mmmm", 0, "d", fix_parallel, 6},
    {"qadd/qsub", "cccc 0001 0xx0 nnnn dddd 0000 0101 mmmm", 0, "d", NULL, 2},
    {"ssat/usat", "cccc 0110 1x1k kkkk dddd iiii ix01 nnnn", 0, "d", NULL, 2},
    {"ssat16/usat16", "cccc 0110 1x10 kkkk dddd 1111 0011 nnnn", 0, "d", NULL, 1},
    {"extend", "cccc 0110 1ooo nnnn dddd xx00 0111 mmmm", 0, "d", fix_extend, 3},
    {"pkh", "cccc 0110 1000 nnnn dddd iiii ix01 mmmm", 0, "d", NULL, 1},
    {"sel", "cccc 0110 1000 nnnn dddd 1111 1011 mmmm", 0, "d", NULL, 1},
    {"rev/rev16", "cccc 0110 1011 1111 dddd 1111 x011 mmmm", 0, "d", NULL, 1},
    {"rbit/revsh", "cccc 0110 1111 1111 dddd 1111 x011 mmmm", 0, "d", NULL, 1},
    {"clz", "cccc 0001 0110 1111 dddd 1111 0001 mmmm", 0, "d", NULL, 1},
    {"sbfx/ubfx", "cccc 0111 1x1w wwww dddd llll l101 nnnn", 0, "d", fix_bfx, 2},
    {"bfi/bfc", "cccc 0111 110w wwww dddd llll l001 nnnn", 0, "d", fix_bfi, 2},
    {"usad8", "cccc 0111 1000 dddd 1111 ssss 0001 nnnn", 0, "d", NULL, 1},
    {"usada8", "cccc 0111 1000 dddd aaaa ssss 0001 nnnn", 0, "d", NULL, 1},
};

static const Tmpl ldst[] = {
    {"ldr/str-imm", "cccc 010P UBWL nnnn tttt iiii iiii iiii", T_MEM, "t", fix_ldst_imm, 6},
    {"ldr-imm-aligned", "cccc 010P U0W1 nnnn tttt iiii iiii iiii", T_MEM | T_ALIGN, "t", fix_ldst_imm, 2},
    {"ldr/str-reg", "cccc 011P UBWL nnnn tttt iiii iyy0 mmmm", T_MEM, "t", fix_ldst_reg, 4},
    {"ldr-literal", "cccc 0101 UB01 nnnn tttt iiii iiii iiii", 0, "t", fix_literal, 1},
    {"ldrh/strh-imm", "cccc 000P U1WL nnnn tttt iiii 1hh1 iiii", T_MEM, "t", fix_ldst_half, 3},
    {"ldrh/strh-reg", "cccc 000P U0WL nnnn tttt 0000 1hh1 mmmm", T_MEM, "t", fix_ldst_half, 2},
    {"ldrd/strd-imm", "cccc 000P U1W0 nnnn tttt iiii 11S1 iiii", T_MEM | T_ALIGN, "", fix_ldst_pair, 2},
    {"ldrd/strd-reg", "cccc 000P U0W0 nnnn tttt 0000 11S1 mmmm", T_MEM | T_ALIGN, "", fix_ldst_pair, 1},
    {"ldm/stm", "cccc 100P U0WL nnnn rrrr rrrr rrrr rrrr", T_MEM | T_ALIGN, "", fix_ldm, 4},
    {"push/pop", "cccc 100P U0WL nnnn rrrr rrrr rrrr rrrr", T_MEM | T_ALIGN, "", fix_pushpop, 2},
    {"ldrex", "cccc 0001 1001 nnnn tttt 1111 1001 1111", T_MEM | T_ALIGN, "t", fix_ldrex, 1},
    {"ldrexb/h", "cccc 0001 11x1 nnnn tttt 1111 1001 1111", T_MEM | T_ALIGN, "t", fix_ldrex, 1},
    {"ldrexd", "cccc 0001 1011 nnnn tttt 1111 1001 1111", T_MEM | T_ALIGN8, "", fix_exd, 1},
    {"strex", "cccc 0001 1000 nnnn dddd 1111 1001 tttt", T_MEM | T_ALIGN, "d", fix_strex, 1},
    {"strexb/h", "cccc 0001 11x0 nnnn dddd 1111 1001 tttt", T_MEM | T_ALIGN, "d", fix_strex, 1},
    {"strexd", "cccc 0001 1010 nnnn dddd 1111 1001 tttt", T_MEM | T_ALIGN8, "d", fix_exd, 1},
    {"swp/swpb", "cccc 0001 0x00 nnnn tttt 0000 1001 mmmm", T_MEM | T_ALIGN, "t", fix_swp, 1},
    {"pld/pli", "1111 0101 U101 nnnn 1111 iiii iiii iiii", T_MEM, "", NULL, 1},
};

static const Tmpl branch[] = {
    {"b", "cccc 1010 jjjj jjjj jjjj jjjj jjjj jjjj", T_BRANCH, "", NULL, 3},
    {"bl", "cccc 1011 jjjj jjjj jjjj jjjj jjjj jjjj", T_BRANCH | T_WRITES_LR, "", NULL, 1},
};

static const Tmpl sys[] = {
    {"mrs", "cccc 0001 0000 1111 dddd 0000 0000 0000", 0, "d", NULL, 2},
    {"msr-reg", "cccc 0001 0010 kk00 1111 0000 0000 nnnn", 0, "", fix_msr, 2},
    {"msr-imm", "cccc 0011 0010 kk00 1111 xxxx iiii iiii", 0, "", fix_msr, 2},
    {"nop", "cccc 0011 0010 0000 1111 0000 0000 0000", 0, "", NULL, 1},
    {"barrier", "1111 0101 0111 1111 1111 0000 01xx 1111", 0, "", NULL, 1},
    {"clrex", "1111 0101 0111 1111 1111 0000 0001 1111", 0, "", NULL, 1},
};

#include "tests/difftest/gen_vfp.inc"

#define SET(arr, w, name) {arr, sizeof arr / sizeof arr[0], w, name}

const TmplSet gen_a32_sets[] = {
    SET(dp, 30, "dataproc"),
    SET(mul, 8, "multiply"),
    SET(media, 12, "media"),
    SET(ldst, 20, "loadstore"),
    SET(branch, 4, "branch"),
    SET(sys, 3, "system"),
    SET(vfp_dp, 8, "vfp-dp"),
    SET(vfp_ls, 5, "vfp-ls"),
    SET(vfp_mov, 5, "vfp-mov"),
};
const size_t gen_a32_nsets = sizeof gen_a32_sets / sizeof gen_a32_sets[0];
