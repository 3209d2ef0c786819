/*
 * Multiply and divide: MUL/MLA/MLS, the 64-bit multiplies (UMULL, UMLAL,
 * SMULL, SMLAL, UMAAL), the DSP halfword and dual multiplies (SMULxy,
 * SMLAxy, SMULWy, SMLAWy, SMLALxy, SMUAD/SMUSD, SMLAD/SMLSD, SMLALD/SMLSLD),
 * the most-significant-word multiplies (SMMUL, SMMLA, SMMLS) and SDIV/UDIV.
 *
 * Capstone lists the operands in assembler order for every form, A32 and
 * T32 alike: Rd, Rn, Rm[, Ra] and RdLo, RdHi, Rn, Rm.  The S forms (A32
 * only, plus 16-bit Thumb MULS outside IT blocks) set N and Z and leave C
 * and V unchanged.  A destination of r15 is UNPREDICTABLE; scion treats it
 * as UNDEFINED.
 */
#include "translator/families.h"

/* --- small utilities --------------------------------------------------- */

static IrTemp k(LowerCtx *ctx, uint32_t v)
{
    return ir_movi(ctx->ir, v);
}

/* True if operands 0..n-1 are all core registers. */
static bool regs_ok(const LowerCtx *ctx, unsigned n)
{
    if (op_count(ctx) != n)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (!op_is_reg(ctx, i))
            return false;
    return true;
}

static IrTemp src(LowerCtx *ctx, unsigned i)
{
    return lower_read_reg(ctx, op_reg(ctx, i));
}

/* UNPREDICTABLE r15 destinations end as UNDEFINED; returns true if so. */
static bool pc_dest(LowerCtx *ctx, int a, int b)
{
    if (a != 15 && b != 15)
        return false;
    lower_exit_fault(ctx, IR_EXIT_UNDEF);
    return true;
}

/* Q |= bit (bit is 0 or 1). */
static void or_q(LowerCtx *ctx, IrTemp bit)
{
    IrBlock *b = ctx->ir;
    ir_sts32(b, CPU_OFF(qf), ir_op2(b, IR_OR, ir_lds32(b, CPU_OFF(qf)), bit));
}

/* 1 if the 64-bit value v is not a sign-extended 32-bit value. */
static IrTemp ovf64(LowerCtx *ctx, IrTemp v)
{
    IrBlock *b = ctx->ir;
    IrTemp lo_sign = ir_op2(b, IR_ASHR, ir_op1(b, IR_LO32, v), k(ctx, 31));
    return ir_op2(b, IR_SETNE, ir_op1(b, IR_HI32, v), lo_sign);
}

/* Signed halfword of x: top (bits 31:16) or bottom (15:0). */
static IrTemp half(LowerCtx *ctx, IrTemp x, bool top)
{
    IrBlock *b = ctx->ir;
    return top ? ir_op2(b, IR_ASHR, x, k(ctx, 16)) : ir_op1(b, IR_SEXT16, x);
}

static IrTemp pair_of(LowerCtx *ctx, unsigned lo_op, unsigned hi_op)
{
    return ir_op2(ctx->ir, IR_PAIR64, src(ctx, lo_op), src(ctx, hi_op));
}

/* Write a 64-bit result to RdLo (operand 0) and RdHi (operand 1). */
static void write_pair(LowerCtx *ctx, IrTemp v)
{
    IrBlock *b = ctx->ir;
    IrTemp lo = ir_op1(b, IR_LO32, v), hi = ir_op1(b, IR_HI32, v);
    lower_write_reg(ctx, op_reg(ctx, 0), lo);
    lower_write_reg(ctx, op_reg(ctx, 1), hi);
}

static bool long_dests_bad(LowerCtx *ctx)
{
    return pc_dest(ctx, op_reg(ctx, 0), op_reg(ctx, 1));
}

/* --- MUL, MLA, MLS ----------------------------------------------------- */

static bool trans_mul(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 3))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrTemp r = ir_op2(ctx->ir, IR_MUL, src(ctx, 1), src(ctx, 2));
    lower_write_reg(ctx, op_reg(ctx, 0), r);
    if (insn_sets_flags(ctx))
        lower_set_nz(ctx, r);
    return true;
}

static bool trans_mla(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrBlock *b = ctx->ir;
    IrTemp p = ir_op2(b, IR_MUL, src(ctx, 1), src(ctx, 2));
    IrTemp acc = src(ctx, 3);
    IrTemp r = ctx->insn->id == ARM_INS_MLS ? ir_op2(b, IR_SUB, acc, p) : ir_op2(b, IR_ADD, p, acc);
    lower_write_reg(ctx, op_reg(ctx, 0), r);
    if (insn_sets_flags(ctx))
        lower_set_nz(ctx, r);
    return true;
}

/* --- 64-bit multiplies ------------------------------------------------- */

static bool trans_mull(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (long_dests_bad(ctx))
        return true;
    IrBlock *b = ctx->ir;
    unsigned id = ctx->insn->id;
    bool sgn = id == ARM_INS_SMULL || id == ARM_INS_SMLAL;
    bool acc = id == ARM_INS_UMLAL || id == ARM_INS_SMLAL;
    IrOp ext = sgn ? IR_SEXT64 : IR_ZEXT64;
    IrTemp p = ir_op2(b, IR_MUL64, ir_op1(b, ext, src(ctx, 2)), ir_op1(b, ext, src(ctx, 3)));
    if (acc)
        p = ir_op2(b, IR_ADD64, p, pair_of(ctx, 0, 1));
    write_pair(ctx, p);
    if (insn_sets_flags(ctx)) {
        IrTemp lo = ir_op1(b, IR_LO32, p), hi = ir_op1(b, IR_HI32, p);
        ir_sts32(b, CPU_OFF(nf), ir_op2(b, IR_LSHR, hi, k(ctx, 31)));
        ir_sts32(b, CPU_OFF(zf), ir_op2(b, IR_SETEQ, ir_op2(b, IR_OR, lo, hi), k(ctx, 0)));
    }
    return true;
}

/* UMAAL: RdHi:RdLo = Rn * Rm + RdLo + RdHi (cannot overflow 64 bits). */
static bool trans_umaal(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (long_dests_bad(ctx))
        return true;
    IrBlock *b = ctx->ir;
    IrTemp p = ir_op2(b, IR_MUL64, ir_op1(b, IR_ZEXT64, src(ctx, 2)), ir_op1(b, IR_ZEXT64, src(ctx, 3)));
    p = ir_op2(b, IR_ADD64, p, ir_op1(b, IR_ZEXT64, src(ctx, 0)));
    p = ir_op2(b, IR_ADD64, p, ir_op1(b, IR_ZEXT64, src(ctx, 1)));
    write_pair(ctx, p);
    return true;
}

/* --- halfword multiplies ----------------------------------------------- */

/* Which halves the xy suffix selects: n_top for Rn, m_top for Rm. */
static void halves_xy(unsigned id, bool *n_top, bool *m_top)
{
    switch (id) {
    case ARM_INS_SMULBT: case ARM_INS_SMLABT: case ARM_INS_SMLALBT:
        *n_top = false, *m_top = true;
        break;
    case ARM_INS_SMULTB: case ARM_INS_SMLATB: case ARM_INS_SMLALTB:
        *n_top = true, *m_top = false;
        break;
    case ARM_INS_SMULTT: case ARM_INS_SMLATT: case ARM_INS_SMLALTT:
        *n_top = true, *m_top = true;
        break;
    default:
        *n_top = false, *m_top = false;
        break;
    }
}

/* Product of the selected halves of operands 1 (Rn) and 2 (Rm). */
static IrTemp product_xy(LowerCtx *ctx)
{
    bool nt, mt;
    halves_xy(ctx->insn->id, &nt, &mt);
    return ir_op2(ctx->ir, IR_MUL, half(ctx, src(ctx, 1), nt), half(ctx, src(ctx, 2), mt));
}

static bool trans_smulxy(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 3))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    lower_write_reg(ctx, op_reg(ctx, 0), product_xy(ctx));
    return true;
}

/* SMLAxy: Rd = product + Ra, Q set on signed overflow of the addition. */
static bool trans_smlaxy(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrBlock *b = ctx->ir;
    IrTemp p = product_xy(ctx), acc = src(ctx, 3), zero = k(ctx, 0);
    IrTemp r = ir_op2(b, IR_ADD, p, acc);
    IrTemp v = ir_op3(b, IR_ADDV, p, acc, zero);
    lower_write_reg(ctx, op_reg(ctx, 0), r);
    or_q(ctx, v);
    return true;
}

/* SMLALxy: RdHi:RdLo += product (no saturation, no flags). */
static bool trans_smlalxy(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (long_dests_bad(ctx))
        return true;
    IrBlock *b = ctx->ir;
    bool nt, mt;
    halves_xy(ctx->insn->id, &nt, &mt);
    IrTemp p = ir_op2(b, IR_MUL, half(ctx, src(ctx, 2), nt), half(ctx, src(ctx, 3), mt));
    write_pair(ctx, ir_op2(b, IR_ADD64, pair_of(ctx, 0, 1), ir_op1(b, IR_SEXT64, p)));
    return true;
}

/* (Rn * SInt(Rm half)) >> 16: the 48-bit product's bits 47:16. */
static IrTemp product_wy(LowerCtx *ctx)
{
    IrBlock *b = ctx->ir;
    unsigned id = ctx->insn->id;
    bool top = id == ARM_INS_SMULWT || id == ARM_INS_SMLAWT;
    IrTemp p = ir_op2(b, IR_MUL64, ir_op1(b, IR_SEXT64, src(ctx, 1)),
                      ir_op1(b, IR_SEXT64, half(ctx, src(ctx, 2), top)));
    return ir_op1(b, IR_LO32, ir_op2(b, IR_ASHR64, p, k(ctx, 16)));
}

static bool trans_smulwy(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 3))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    lower_write_reg(ctx, op_reg(ctx, 0), product_wy(ctx));
    return true;
}

static bool trans_smlawy(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrBlock *b = ctx->ir;
    IrTemp p = product_wy(ctx), acc = src(ctx, 3);
    IrTemp r = ir_op2(b, IR_ADD, p, acc);
    IrTemp v = ir_op3(b, IR_ADDV, p, acc, k(ctx, 0));
    lower_write_reg(ctx, op_reg(ctx, 0), r);
    or_q(ctx, v);
    return true;
}

/* --- dual 16-bit multiplies -------------------------------------------- */

/* The two products of a dual multiply of operands rn_op and rn_op + 1:
 * bottom * bottom and top * top, with Rm's halves swapped for the X forms. */
static void dual_products(LowerCtx *ctx, unsigned rn_op, bool swap, IrTemp *p1, IrTemp *p2)
{
    IrBlock *b = ctx->ir;
    IrTemp n = src(ctx, rn_op), m = src(ctx, rn_op + 1);
    if (swap)
        m = ir_op2(b, IR_ROR, m, k(ctx, 16));
    *p1 = ir_op2(b, IR_MUL, half(ctx, n, false), half(ctx, m, false));
    *p2 = ir_op2(b, IR_MUL, half(ctx, n, true), half(ctx, m, true));
}

/* SMUAD{X} (Q on overflow of p1 + p2) and SMUSD{X} (cannot overflow). */
static bool trans_smuad(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 3))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrBlock *b = ctx->ir;
    unsigned id = ctx->insn->id;
    IrTemp p1, p2;
    dual_products(ctx, 1, id == ARM_INS_SMUADX || id == ARM_INS_SMUSDX, &p1, &p2);
    if (id == ARM_INS_SMUSD || id == ARM_INS_SMUSDX) {
        lower_write_reg(ctx, op_reg(ctx, 0), ir_op2(b, IR_SUB, p1, p2));
        return true;
    }
    IrTemp v = ir_op3(b, IR_ADDV, p1, p2, k(ctx, 0));
    lower_write_reg(ctx, op_reg(ctx, 0), ir_op2(b, IR_ADD, p1, p2));
    or_q(ctx, v);
    return true;
}

/* SMLAD{X}, SMLSD{X}: Rd = Ra + p1 +/- p2 computed exactly, Q on overflow. */
static bool trans_smlad(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrBlock *b = ctx->ir;
    unsigned id = ctx->insn->id;
    IrTemp p1, p2;
    dual_products(ctx, 1, id == ARM_INS_SMLADX || id == ARM_INS_SMLSDX, &p1, &p2);
    bool sub = id == ARM_INS_SMLSD || id == ARM_INS_SMLSDX;
    IrTemp s = ir_op2(b, sub ? IR_SUB64 : IR_ADD64, ir_op1(b, IR_SEXT64, p1), ir_op1(b, IR_SEXT64, p2));
    s = ir_op2(b, IR_ADD64, s, ir_op1(b, IR_SEXT64, src(ctx, 3)));
    IrTemp v = ovf64(ctx, s);
    lower_write_reg(ctx, op_reg(ctx, 0), ir_op1(b, IR_LO32, s));
    or_q(ctx, v);
    return true;
}

/* SMLALD{X}, SMLSLD{X}: RdHi:RdLo += p1 +/- p2 (64-bit wrap, no flags). */
static bool trans_smlald(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 4))
        return false;
    if (long_dests_bad(ctx))
        return true;
    IrBlock *b = ctx->ir;
    unsigned id = ctx->insn->id;
    IrTemp p1, p2;
    dual_products(ctx, 2, id == ARM_INS_SMLALDX || id == ARM_INS_SMLSLDX, &p1, &p2);
    bool sub = id == ARM_INS_SMLSLD || id == ARM_INS_SMLSLDX;
    IrTemp s = ir_op2(b, sub ? IR_SUB64 : IR_ADD64, ir_op1(b, IR_SEXT64, p1), ir_op1(b, IR_SEXT64, p2));
    write_pair(ctx, ir_op2(b, IR_ADD64, pair_of(ctx, 0, 1), s));
    return true;
}

/* --- most-significant-word multiplies ---------------------------------- */

/* SMMUL{R}, SMMLA{R}, SMMLS{R}: bits 63:32 of (Ra << 32) +/- Rn * Rm, with
 * 0x80000000 added first for the rounding forms. */
static bool trans_smmul(LowerCtx *ctx)
{
    unsigned id = ctx->insn->id;
    bool acc = id != ARM_INS_SMMUL && id != ARM_INS_SMMULR;
    if (!regs_ok(ctx, acc ? 4 : 3))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrBlock *b = ctx->ir;
    bool round = id == ARM_INS_SMMULR || id == ARM_INS_SMMLAR || id == ARM_INS_SMMLSR;
    bool sub = id == ARM_INS_SMMLS || id == ARM_INS_SMMLSR;
    IrTemp p = ir_op2(b, IR_MUL64, ir_op1(b, IR_SEXT64, src(ctx, 1)), ir_op1(b, IR_SEXT64, src(ctx, 2)));
    if (acc) {
        IrTemp a = ir_op2(b, IR_PAIR64, k(ctx, 0), src(ctx, 3));
        p = ir_op2(b, sub ? IR_SUB64 : IR_ADD64, a, p);
    }
    if (round)
        p = ir_op2(b, IR_ADD64, p, ir_movi64(b, 0x80000000u));
    lower_write_reg(ctx, op_reg(ctx, 0), ir_op1(b, IR_HI32, p));
    return true;
}

/* --- division ---------------------------------------------------------- */

/* The IR's divisions already give 0 for x / 0 and INT_MIN for INT_MIN / -1,
 * as ARMv7 does with divide-by-zero trapping absent (A profile). */
static bool trans_div(LowerCtx *ctx)
{
    if (!regs_ok(ctx, 3))
        return false;
    if (pc_dest(ctx, op_reg(ctx, 0), -1))
        return true;
    IrOp op = ctx->insn->id == ARM_INS_SDIV ? IR_SDIV : IR_UDIV;
    lower_write_reg(ctx, op_reg(ctx, 0), ir_op2(ctx->ir, op, src(ctx, 1), src(ctx, 2)));
    return true;
}

FAMILY_TABLE(multiply,
    {ARM_INS_MUL, trans_mul},
    {ARM_INS_MLA, trans_mla},
    {ARM_INS_MLS, trans_mla},
    {ARM_INS_UMULL, trans_mull},
    {ARM_INS_UMLAL, trans_mull},
    {ARM_INS_SMULL, trans_mull},
    {ARM_INS_SMLAL, trans_mull},
    {ARM_INS_UMAAL, trans_umaal},
    {ARM_INS_SMULBB, trans_smulxy},
    {ARM_INS_SMULBT, trans_smulxy},
    {ARM_INS_SMULTB, trans_smulxy},
    {ARM_INS_SMULTT, trans_smulxy},
    {ARM_INS_SMLABB, trans_smlaxy},
    {ARM_INS_SMLABT, trans_smlaxy},
    {ARM_INS_SMLATB, trans_smlaxy},
    {ARM_INS_SMLATT, trans_smlaxy},
    {ARM_INS_SMULWB, trans_smulwy},
    {ARM_INS_SMULWT, trans_smulwy},
    {ARM_INS_SMLAWB, trans_smlawy},
    {ARM_INS_SMLAWT, trans_smlawy},
    {ARM_INS_SMLALBB, trans_smlalxy},
    {ARM_INS_SMLALBT, trans_smlalxy},
    {ARM_INS_SMLALTB, trans_smlalxy},
    {ARM_INS_SMLALTT, trans_smlalxy},
    {ARM_INS_SMUAD, trans_smuad},
    {ARM_INS_SMUADX, trans_smuad},
    {ARM_INS_SMUSD, trans_smuad},
    {ARM_INS_SMUSDX, trans_smuad},
    {ARM_INS_SMLAD, trans_smlad},
    {ARM_INS_SMLADX, trans_smlad},
    {ARM_INS_SMLSD, trans_smlad},
    {ARM_INS_SMLSDX, trans_smlad},
    {ARM_INS_SMLALD, trans_smlald},
    {ARM_INS_SMLALDX, trans_smlald},
    {ARM_INS_SMLSLD, trans_smlald},
    {ARM_INS_SMLSLDX, trans_smlald},
    {ARM_INS_SMMUL, trans_smmul},
    {ARM_INS_SMMULR, trans_smmul},
    {ARM_INS_SMMLA, trans_smmul},
    {ARM_INS_SMMLAR, trans_smmul},
    {ARM_INS_SMMLS, trans_smmul},
    {ARM_INS_SMMLSR, trans_smmul},
    {ARM_INS_SDIV, trans_div},
    {ARM_INS_UDIV, trans_div});
