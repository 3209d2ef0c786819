/*
 * T32 templates (16-bit and 32-bit), weighted by family.  32-bit patterns
 * are hw1 then hw2.  4-bit register fields avoid r13 and r15 (UNPREDICTABLE
 * for almost every T32 encoding) unless a template allows them.
 */
#include "tests/difftest/gen.h"

static bool in_it(const Gen *g)
{
    return (g->it & 0xf) != 0;
}

/* LSL/LSR/ASR #imm; 11 is ADD/SUB.  MOVS Rd, Rm (LSL #0) is UNPREDICTABLE
 * inside an IT block (MOV register, encoding T2). */
static void fix_t16_shift(Gen *g, GenInsn *in)
{
    if (gf(in, 'o') == 3)
        sf(in, 'o', rng_below(g->rng, 3));
    if (in_it(g) && gf(in, 'o') == 0 && gf(in, 'i') == 0)
        sf(in, 'i', 1 + rng_below(g->rng, 31));
}

/* ADD Rdn, Rm (high registers): Rdn != pc; both pc is UNPREDICTABLE. */
static void fix_t16_addhi(Gen *g, GenInsn *in)
{
    if (rng_chance(g->rng, 10))
        sf(in, 'm', 13);
    if (rng_chance(g->rng, 5))
        sf(in, 'm', 15);
}

/* CMP Rn, Rm (high registers): not both low, neither pc. */
static void fix_t16_cmphi(Gen *g, GenInsn *in)
{
    if (gf(in, 'n') < 8 && gf(in, 'm') < 8)
        sf(in, 'm', 8 + rng_below(g->rng, 5));
}

static void fix_t16_sp(Gen *g, GenInsn *in)
{
    (void)in;
    if (!(g->aptr >> 13 & 1))
        in->reject = true;
}

/* ADD/SUB SP, SP, #imm7*4: SP stays a word-aligned pointer (the offset is
 * at most 508), but may lose doubleword alignment. */
static void fix_t16_addsub_sp(Gen *g, GenInsn *in)
{
    fix_t16_sp(g, in);
    sf(in, 'n', 13);
    in->wb = true;
    in->wb_keeps_ptr = true;
    in->wb_aligned = true;
}

/* REV, REV16, REVSH (10 is unallocated). */
static void fix_t16_rev(Gen *g, GenInsn *in)
{
    if (gf(in, 'o') == 2)
        sf(in, 'o', 3);
    (void)g;
}

/* PUSH/POP move sp by a multiple of 4: it may lose doubleword alignment. */
static void note_sp_moves(GenInsn *in)
{
    sf(in, 'n', 13);
    in->wb = true;
    in->wb_keeps_ptr = true;
    in->wb_aligned = true;
}

static void fix_t16_push(Gen *g, GenInsn *in)
{
    fix_t16_sp(g, in);
    note_sp_moves(in);
}

static void fix_t16_pop(Gen *g, GenInsn *in)
{
    fix_t16_sp(g, in);
    in->writes = (uint16_t)gf(in, 'r');
    note_sp_moves(in);
}

/* 16-bit LDM/STM: STM always writes back (the base must not be in the list
 * unless lowest: keep it out); LDM writes back unless the base is listed. */
static void fix_t16_ldm(Gen *g, GenInsn *in)
{
    unsigned n = gf(in, 'n');
    uint32_t list = gf(in, 'r');
    (void)g;
    if (!gf(in, 'L'))
        list &= ~(1u << n);
    if (!list) {
        in->reject = true;
        return;
    }
    sf(in, 'r', list);
    if (gf(in, 'L'))
        in->writes = (uint16_t)list;
    if (!(list >> n & 1)) {
        in->wb = true;
        in->wb_keeps_ptr = true;
        in->wb_aligned = true;
    }
}

static void fix_bcond(Gen *g, GenInsn *in)
{
    if (gf(in, 'k') >= 14)
        sf(in, 'k', rng_below(g->rng, 14));
}

/* --- 32-bit ---------------------------------------------------------------- */

static const uint8_t dp_ops[] = {0, 1, 2, 3, 4, 8, 10, 11, 13, 14};
static const uint8_t cmp_ops[] = {0, 4, 8, 13};

/* ThumbExpandImm: a replicated pattern (imm12<11:8> = 0001..0011) with
 * imm8 = 0 is UNPREDICTABLE. */
static void fix_modimm(Gen *g, GenInsn *in)
{
    uint32_t i = gf(in, 'i');
    if ((i >> 10) == 0 && ((i >> 8) & 3) != 0 && (i & 0xff) == 0)
        sf(in, 'i', i | (1 + rng_below(g->rng, 255)));
}

static void fix_t32_dp(Gen *g, GenInsn *in)
{
    sf(in, 'o', dp_ops[rng_below(g->rng, sizeof dp_ops)]);
    if (in->t->pat[3] == '1') /* "1111 0...": modified immediate */
        fix_modimm(g, in);
}

static void fix_t32_cmp(Gen *g, GenInsn *in)
{
    sf(in, 'o', cmp_ops[rng_below(g->rng, sizeof cmp_ops)]);
    if (in->t->pat[3] == '1')
        fix_modimm(g, in);
}

/* ADDW (op 00000) or SUBW (op 01010). */
static void fix_t32_addw(Gen *g, GenInsn *in)
{
    sf(in, 'x', rng_chance(g->rng, 50) ? 0 : 3);
}

static void fix_t32_ssat(Gen *g, GenInsn *in)
{
    if (gf(in, 'h') && gf(in, 'i') == 0)
        sf(in, 'i', 1 + rng_below(g->rng, 31)); /* sh=1, imm=0 is SSAT16 */
}

static void fix_t32_bfx(Gen *g, GenInsn *in)
{
    sf(in, 'w', rng_below(g->rng, 32 - gf(in, 'l')));
}

static void fix_t32_bfi(Gen *g, GenInsn *in)
{
    unsigned lsb = gf(in, 'l');
    sf(in, 'w', lsb + rng_below(g->rng, 32 - lsb));
    if (rng_chance(g->rng, 25))
        sf(in, 'n', 15);
}

static void fix_t32_extend(Gen *g, GenInsn *in)
{
    sf(in, 'o', rng_below(g->rng, 6));
    if (rng_chance(g->rng, 40))
        sf(in, 'n', 15);
}

static void fix_t32_parallel(Gen *g, GenInsn *in)
{
    static const uint8_t op[] = {0, 1, 2, 4, 5, 6};
    sf(in, 'o', op[rng_below(g->rng, 6)]);
    sf(in, 'p', op[rng_below(g->rng, 6)]);
}

/* REV, CLZ and friends repeat Rm in the Rn field. */
static void fix_copy_m(Gen *g, GenInsn *in)
{
    (void)g;
    sf(in, 'M', gf(in, 'm'));
}

/* Accumulating multiplies: Ra = 1111 selects the non-accumulating form. */
static void fix_t32_acc(Gen *g, GenInsn *in)
{
    if (rng_chance(g->rng, 30))
        sf(in, 'a', 15);
}

/* SMLAD, SMLAWy, SMLSD, SMMLA (op1 010..101). */
static void fix_t32_mac(Gen *g, GenInsn *in)
{
    sf(in, 'o', 2 + rng_below(g->rng, 4));
    fix_t32_acc(g, in);
}

static void fix_t32_long(Gen *g, GenInsn *in)
{
    if (gf(in, 'u') == gf(in, 'a'))
        in->reject = true;
    (void)g;
}

static void fix_t32_size(Gen *g, GenInsn *in)
{
    if (gf(in, 's') == 3)
        sf(in, 's', rng_below(g->rng, 3));
}

static void note_wb(GenInsn *in, bool aligned)
{
    in->wb = true;
    in->wb_keeps_ptr = true;
    in->wb_aligned = aligned;
}

/* imm8 forms: P U W with P=0 W=0 unallocated; write-back needs Rn != Rt. */
static void fix_t32_imm8(Gen *g, GenInsn *in)
{
    if (has(in, 's'))
        fix_t32_size(g, in);
    if (!gf(in, 'P') && !gf(in, 'W'))
        sf(in, 'W', 1);
    if (gf(in, 'W')) {
        if (gf(in, 'n') == gf(in, 't')) {
            in->reject = true;
            return;
        }
        note_wb(in, false);
    }
}

static void fix_t32_literal(Gen *g, GenInsn *in)
{
    fix_t32_size(g, in);
}

/* LDRD/STRD (immediate): P=W=0 is another encoding; Rt != Rt2 for loads;
 * write-back base differs from both. */
static void fix_t32_pair(Gen *g, GenInsn *in)
{
    unsigned n = gf(in, 'n'), t = gf(in, 't'), u = gf(in, 'u');
    if (!gf(in, 'P') && !gf(in, 'W'))
        sf(in, 'P', 1);
    if (gf(in, 'L') && t == u) {
        in->reject = true;
        return;
    }
    if (gf(in, 'W')) {
        if (n == t || n == u) {
            in->reject = true;
            return;
        }
        note_wb(in, true);
    }
    in->writes = gf(in, 'L') ? (uint16_t)(1u << t | 1u << u) : 0;
    (void)g;
}

/* Size of a T32 exclusive: word (no x field), B/H (x), D (u field). */
static unsigned t32_excl_size(const GenInsn *in)
{
    if (has(in, 'u'))
        return 8;
    return has(in, 'x') ? (gf(in, 'x') ? 2 : 1) : 4;
}

static void fix_t32_strex(Gen *g, GenInsn *in)
{
    unsigned d = gf(in, 'd');
    if (d == gf(in, 'n') || d == gf(in, 't') || (has(in, 'u') && d == gf(in, 'u')))
        in->reject = true;
    check_strex(g, in, t32_excl_size(in));
}

static void fix_t32_ldrex(Gen *g, GenInsn *in)
{
    (void)g;
    note_ldrex(in, t32_excl_size(in));
}

static void fix_t32_ldrexd(Gen *g, GenInsn *in)
{
    if (gf(in, 't') == gf(in, 'u'))
        in->reject = true;
    fix_t32_ldrex(g, in);
}

static void fix_t32_ldm(Gen *g, GenInsn *in)
{
    if (gf(in, 'o') == 0 || gf(in, 'o') == 3)
        sf(in, 'o', 1 + rng_below(g->rng, 2));
    fix_ldm(g, in);
}

static void fix_t32_msr(Gen *g, GenInsn *in)
{
    if (gf(in, 'k') == 0)
        sf(in, 'k', 1 + rng_below(g->rng, 3));
}

static const Tmpl t16[] = {
    {"t16-shift-imm", "000o oiii iimm mddd", 0, "d", fix_t16_shift, 3},
    {"t16-addsub-reg", "0001 10xm mmnn nddd", 0, "d", NULL, 2},
    {"t16-addsub-imm3", "0001 11xi iinn nddd", 0, "d", NULL, 2},
    {"t16-imm8", "001x xddd iiii iiii", 0, "d", NULL, 3},
    {"t16-dp-reg", "0100 00xx xxmm mddd", 0, "d", NULL, 5},
    {"t16-add-hi", "0100 0100 dmmm mddd", T_SP_OK, "d", fix_t16_addhi, 1},
    {"t16-cmp-hi", "0100 0101 nmmm mnnn", 0, "", fix_t16_cmphi, 1},
    {"t16-mov-hi", "0100 0110 dmmm mddd", T_PC_M, "d", NULL, 1},
    {"t16-ldr-literal", "0100 1ttt iiii iiii", 0, "t", NULL, 1},
    {"t16-ldst-reg", "0101 xxxm mmnn nttt", T_MEM, "t", NULL, 3},
    {"t16-ldst-word", "0110 Liii iinn nttt", T_MEM | T_ALIGN, "t", NULL, 2},
    {"t16-ldst-byte", "0111 Liii iinn nttt", T_MEM, "t", NULL, 2},
    {"t16-ldst-half", "1000 Liii iinn nttt", T_MEM, "t", NULL, 2},
    {"t16-ldst-sp", "1001 Lttt iiii iiii", 0, "t", fix_t16_sp, 1},
    {"t16-adr", "1010 0ddd iiii iiii", 0, "d", NULL, 1},
    {"t16-add-sp-imm", "1010 1ddd iiii iiii", 0, "d", NULL, 1},
    {"t16-addsub-sp", "1011 0000 xiii iiii", 0, "", fix_t16_addsub_sp, 1},
    {"t16-extend", "1011 0010 xxmm mddd", 0, "d", NULL, 1},
    {"t16-push", "1011 010x rrrr rrrr", 0, "", fix_t16_push, 1},
    {"t16-pop", "1011 1100 rrrr rrrr", 0, "", fix_t16_pop, 1},
    {"t16-rev", "1011 1010 oomm mddd", 0, "d", fix_t16_rev, 1},
    {"t16-nop", "1011 1111 0000 0000", 0, "", NULL, 1},
    {"t16-ldm/stm", "1100 Lnnn rrrr rrrr", T_MEM | T_ALIGN, "", fix_t16_ldm, 2},
    {"t16-cbz", "1011 x0j1 jjjj jnnn", T_BRANCH | T_NOT_IN_IT, "", NULL, 1},
    {"t16-bcond", "1101 kkkk jjjj jjjj", T_BRANCH | T_NOT_IN_IT, "", fix_bcond, 1},
    {"t16-b", "1110 0jjj jjjj jjjj", T_BRANCH | T_ENDS_IT, "", NULL, 1},
};

static const Tmpl t16_it[] = {
    {"t16-it", "1011 1111 kkkk qqqq", T_IT | T_NOT_IN_IT, "", NULL, 1},
};

static const Tmpl t32_dp[] = {
    {"t32-dp-modimm", "1111 0i0o oooS nnnn 0iii dddd iiii iiii", 0, "d", fix_t32_dp, 4},
    {"t32-cmp-modimm", "1111 0i0o ooo1 nnnn 0iii 1111 iiii iiii", 0, "", fix_t32_cmp, 2},
    {"t32-mov-modimm", "1111 0i00 01oS 1111 0iii dddd iiii iiii", 0, "d", fix_modimm, 1},
    {"t32-addw/subw", "1111 0i10 x0x0 nnnn 0iii dddd iiii iiii", T_PC_N, "d", fix_t32_addw, 1},
    {"t32-movw/movt", "1111 0i10 x100 iiii 0iii dddd iiii iiii", 0, "d", NULL, 1},
    {"t32-dp-shreg", "1110 101o oooS nnnn 0iii dddd iiyy mmmm", 0, "d", fix_t32_dp, 5},
    {"t32-cmp-shreg", "1110 101o ooo1 nnnn 0iii 1111 iiyy mmmm", 0, "", fix_t32_cmp, 2},
    {"t32-mov-shreg", "1110 1010 01oS 1111 0iii dddd iiyy mmmm", 0, "d", NULL, 2},
    {"t32-shift-reg", "1111 1010 0yyS nnnn 1111 dddd 0000 mmmm", 0, "d", NULL, 2},
};

static const Tmpl t32_media[] = {
    {"t32-ssat/usat", "1111 0011 x0h0 nnnn 0iii dddd ii0k kkkk", 0, "d", fix_t32_ssat, 2},
    {"t32-ssat16/usat16", "1111 0011 x010 nnnn 0000 dddd 0000 kkkk", 0, "d", NULL, 1},
    {"t32-sbfx/ubfx", "1111 0011 x100 nnnn 0lll dddd ll0w wwww", 0, "d", fix_t32_bfx, 2},
    {"t32-bfi/bfc", "1111 0011 0110 nnnn 0lll dddd ll0w wwww", 0, "d", fix_t32_bfi, 2},
    {"t32-pkh", "1110 1010 1100 nnnn 0iii dddd iiy0 mmmm", 0, "d", NULL, 1},
    {"t32-extend", "1111 1010 0ooo nnnn 1111 dddd 10xx mmmm", 0, "d", fix_t32_extend, 3},
    {"t32-parallel", "1111 1010 1ooo nnnn 1111 dddd 0ppp mmmm", 0, "d", fix_t32_parallel, 6},
    {"t32-qadd/qsub", "1111 1010 1000 nnnn 1111 dddd 10xx mmmm", 0, "d", NULL, 2},
    {"t32-rev/rbit", "1111 1010 1001 MMMM 1111 dddd 10xx mmmm", 0, "d", fix_copy_m, 1},
    {"t32-sel", "1111 1010 1010 nnnn 1111 dddd 1000 mmmm", 0, "d", NULL, 1},
    {"t32-clz", "1111 1010 1011 MMMM 1111 dddd 1000 mmmm", 0, "d", fix_copy_m, 1},
};

static const Tmpl t32_mul[] = {
    {"t32-mla/mul", "1111 1011 0000 nnnn aaaa dddd 0000 mmmm", 0, "d", fix_t32_acc, 2},
    {"t32-mls", "1111 1011 0000 nnnn aaaa dddd 0001 mmmm", 0, "d", NULL, 1},
    {"t32-smlaxy", "1111 1011 0001 nnnn aaaa dddd 00xx mmmm", 0, "d", fix_t32_acc, 1},
    {"t32-smlad/smlawy/smlsd/smmla", "1111 1011 0ooo nnnn aaaa dddd 000x mmmm", 0, "d", fix_t32_mac, 3},
    {"t32-smmls", "1111 1011 0110 nnnn aaaa dddd 000x mmmm", 0, "d", NULL, 1},
    {"t32-usada8", "1111 1011 0111 nnnn aaaa dddd 0000 mmmm", 0, "d", fix_t32_acc, 1},
    {"t32-smull/umull", "1111 1011 10x0 nnnn aaaa uuuu 0000 mmmm", 0, "ua", fix_t32_long, 2},
    {"t32-smlal/umlal", "1111 1011 11x0 nnnn aaaa uuuu 0000 mmmm", 0, "ua", fix_t32_long, 2},
    {"t32-umaal", "1111 1011 1110 nnnn aaaa uuuu 0110 mmmm", 0, "ua", fix_t32_long, 1},
    {"t32-smlalxy", "1111 1011 1100 nnnn aaaa uuuu 10xx mmmm", 0, "ua", fix_t32_long, 1},
    {"t32-smlald/smlsld", "1111 1011 110x nnnn aaaa uuuu 110x mmmm", 0, "ua", fix_t32_long, 1},
    {"t32-sdiv/udiv", "1111 1011 10x1 nnnn 1111 dddd 1111 mmmm", 0, "d", NULL, 2},
};

static const Tmpl t32_ldst[] = {
    {"t32-ldst-imm12", "1111 1000 1ssL nnnn tttt iiii iiii iiii", T_MEM, "t", fix_t32_size, 4},
    {"t32-ldrs-imm12", "1111 1001 10s1 nnnn tttt iiii iiii iiii", T_MEM, "t", NULL, 1},
    {"t32-ldst-imm8", "1111 1000 0ssL nnnn tttt 1PUW iiii iiii", T_MEM, "t", fix_t32_imm8, 4},
    {"t32-ldrs-imm8", "1111 1001 00s1 nnnn tttt 1PUW iiii iiii", T_MEM, "t", fix_t32_imm8, 1},
    {"t32-ldst-reg", "1111 1000 0ssL nnnn tttt 0000 00ii mmmm", T_MEM, "t", fix_t32_size, 3},
    {"t32-ldrs-reg", "1111 1001 00s1 nnnn tttt 0000 00ii mmmm", T_MEM, "t", NULL, 1},
    {"t32-ldr-literal", "1111 1000 Uss1 1111 tttt iiii iiii iiii", 0, "t", fix_t32_literal, 1},
    {"t32-ldrs-literal", "1111 1001 U0s1 1111 tttt iiii iiii iiii", 0, "t", NULL, 1},
    {"t32-ldrd/strd", "1110 100P U1WL nnnn tttt uuuu iiii iiii", T_MEM | T_ALIGN, "", fix_t32_pair, 2},
    {"t32-ldm/stm", "1110 100o o0WL nnnn rrrr rrrr rrrr rrrr", T_MEM | T_ALIGN, "", fix_t32_ldm, 3},
    {"t32-ldrex", "1110 1000 0101 nnnn tttt 1111 iiii iiii", T_MEM | T_ALIGN, "t", fix_t32_ldrex, 1},
    {"t32-strex", "1110 1000 0100 nnnn tttt dddd iiii iiii", T_MEM | T_ALIGN, "d", fix_t32_strex, 1},
    {"t32-ldrexb/h", "1110 1000 1101 nnnn tttt 1111 010x 1111", T_MEM | T_ALIGN, "t", fix_t32_ldrex, 1},
    {"t32-ldrexd", "1110 1000 1101 nnnn tttt uuuu 0111 1111", T_MEM | T_ALIGN8, "tu", fix_t32_ldrexd, 1},
    {"t32-strexb/h", "1110 1000 1100 nnnn tttt 1111 010x dddd", T_MEM | T_ALIGN, "d", fix_t32_strex, 1},
    {"t32-strexd", "1110 1000 1100 nnnn tttt uuuu 0111 dddd", T_MEM | T_ALIGN8, "d", fix_t32_strex, 1},
    {"t32-pld", "1111 1000 1001 nnnn 1111 iiii iiii iiii", T_MEM, "", NULL, 1},
};

static const Tmpl t32_branch[] = {
    {"t32-b.w", "1111 0jjj jjjj jjjj 10j1 jjjj jjjj jjjj", T_BRANCH | T_ENDS_IT, "", NULL, 2},
    {"t32-bl", "1111 0jjj jjjj jjjj 11j1 jjjj jjjj jjjj", T_BRANCH | T_ENDS_IT | T_WRITES_LR, "", NULL, 1},
    {"t32-bcond.w", "1111 0jkk kkjj jjjj 10j0 jjjj jjjj jjjj", T_BRANCH | T_NOT_IN_IT, "", fix_bcond, 1},
};

static const Tmpl t32_sys[] = {
    {"t32-mrs", "1111 0011 1110 1111 1000 dddd 0000 0000", 0, "d", NULL, 2},
    {"t32-msr", "1111 0011 1000 nnnn 1000 kk00 0000 0000", 0, "", fix_t32_msr, 2},
    {"t32-nop.w", "1111 0011 1010 1111 1000 0000 0000 0000", 0, "", NULL, 1},
    {"t32-barrier", "1111 0011 1011 1111 1000 1111 01xx 1111", T_NOT_IN_IT, "", NULL, 1},
    {"t32-clrex", "1111 0011 1011 1111 1000 1111 0010 1111", 0, "", NULL, 1},
};

#include "tests/difftest/gen_vfp.inc"

#define SET(arr, w, name) {arr, sizeof arr / sizeof arr[0], w, name}

const TmplSet gen_t32_sets[] = {
    SET(t16, 30, "t16"),
    SET(t16_it, 6, "it"),
    SET(t32_dp, 18, "t32-dataproc"),
    SET(t32_media, 10, "t32-media"),
    SET(t32_mul, 6, "t32-multiply"),
    SET(t32_ldst, 14, "t32-loadstore"),
    SET(t32_branch, 3, "t32-branch"),
    SET(t32_sys, 2, "t32-system"),
    SET(vfp_dp, 7, "vfp-dp"),
    SET(vfp_ls, 4, "vfp-ls"),
    SET(vfp_mov, 4, "vfp-mov"),
};
const size_t gen_t32_nsets = sizeof gen_t32_sets / sizeof gen_t32_sets[0];
