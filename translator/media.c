/*
 * ARMv6/v7 media instructions: CLZ, byte/bit reversal, bitfields (UBFX,
 * SBFX, BFI, BFC), extends (SXT*, UXT*, with add and 16-bit forms), PKH,
 * saturation (SSAT, USAT, SSAT16, USAT16, QADD, QSUB, QDADD, QDSUB), the
 * parallel add/subtract family, SEL and USAD8/USADA8.
 *
 * Registers come from Capstone's operands, which are in assembler order for
 * every form.  Immediate fields (bitfield lsb/width/msb, extend rotation,
 * saturation width and shift, PKH shift) are decoded from the raw encoding,
 * which is both simpler and independent of how Capstone prints them.  The
 * parallel and saturating operations are C helpers (translator/
 * media_helpers.c) that also write GE or Q; the rest is plain IR.
 * A destination of r15 is UNPREDICTABLE; scion treats it as UNDEFINED.
 */
#include "translator/families.h"

/* --- small utilities --------------------------------------------------- */

static IrTemp k(LowerCtx *ctx, uint32_t v)
{
    return ir_movi(ctx->ir, v);
}

static IrTemp src(LowerCtx *ctx, unsigned i)
{
    return lower_read_reg(ctx, op_reg(ctx, i));
}

/* True if the instruction has n operands and those listed in mask (bit i =
 * operand i) are core registers. */
static bool ops_ok(const LowerCtx *ctx, unsigned n, unsigned reg_mask)
{
    if (op_count(ctx) != n)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (((reg_mask >> i) & 1) && !op_is_reg(ctx, i))
            return false;
    return true;
}

/* Write operand 0; an r15 destination ends as UNDEFINED. */
static void write_rd(LowerCtx *ctx, IrTemp v)
{
    int rd = op_reg(ctx, 0);
    if (rd == 15)
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
    else
        lower_write_reg(ctx, rd, v);
}

static bool is_t32(const LowerCtx *ctx)
{
    return ctx->thumb && ctx->insn->size == 4;
}

static uint32_t bits(uint32_t raw, unsigned hi, unsigned lo)
{
    return (raw >> lo) & ((2u << (hi - lo)) - 1);
}

/* The 5-bit immediate of shifts and bitfield lsb: A32 bits 11:7, T32
 * imm3:imm2 (second halfword bits 14:12 and 7:6). */
static unsigned imm5(const LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    if (ctx->thumb)
        return bits(raw, 14, 12) << 2 | bits(raw, 7, 6);
    return bits(raw, 11, 7);
}

/* The 5-bit field holding widthm1, msb or sat_imm: A32 bits 20:16, T32
 * second halfword bits 4:0. */
static unsigned field5(const LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    return ctx->thumb ? bits(raw, 4, 0) : bits(raw, 20, 16);
}

static uint32_t low_mask(unsigned width)
{
    return width >= 32 ? 0xffffffffu : (1u << width) - 1;
}

/* --- CLZ, REV, REV16, REVSH, RBIT -------------------------------------- */

static bool trans_clz(LowerCtx *ctx)
{
    if (!ops_ok(ctx, 2, 3))
        return false;
    write_rd(ctx, ir_op1(ctx->ir, IR_CLZ, src(ctx, 1)));
    return true;
}

static bool trans_rev(LowerCtx *ctx)
{
    if (!ops_ok(ctx, 2, 3))
        return false;
    IrBlock *b = ctx->ir;
    IrTemp x = src(ctx, 1), r;
    switch (ctx->insn->id) {
    case ARM_INS_REV: r = ir_op1(b, IR_BSWAP, x); break;
    case ARM_INS_REV16: r = ir_op2(b, IR_ROR, ir_op1(b, IR_BSWAP, x), k(ctx, 16)); break;
    case ARM_INS_REVSH:
        r = ir_op1(b, IR_SEXT16, ir_op2(b, IR_LSHR, ir_op1(b, IR_BSWAP, x), k(ctx, 16)));
        break;
    default: r = ir_call(b, HELPER_rbit, x, IR_NO_TEMP, IR_NO_TEMP); break;
    }
    write_rd(ctx, r);
    return true;
}

/* --- bitfields --------------------------------------------------------- */

/* UBFX/SBFX Rd, Rn, #lsb, #width.  lsb + width > 32 is UNPREDICTABLE:
 * UNDEFINED here, as in QEMU. */
static bool trans_bfx(LowerCtx *ctx)
{
    if (!ops_ok(ctx, 4, 3))
        return false;
    IrBlock *b = ctx->ir;
    unsigned lsb = imm5(ctx), width = field5(ctx) + 1;
    if (lsb + width > 32) {
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
        return true;
    }
    IrTemp x = src(ctx, 1), r;
    if (ctx->insn->id == ARM_INS_UBFX) {
        r = ir_op2(b, IR_AND, ir_op2(b, IR_LSHR, x, k(ctx, lsb)), k(ctx, low_mask(width)));
    } else {
        IrTemp up = ir_op2(b, IR_SHL, x, k(ctx, 32 - lsb - width));
        r = ir_op2(b, IR_ASHR, up, k(ctx, 32 - width));
    }
    write_rd(ctx, r);
    return true;
}

/* BFI Rd, Rn, #lsb, #width and BFC Rd, #lsb, #width.  msb and lsb come
 * from the raw encoding: for msb < lsb (UNPREDICTABLE; UNDEFINED here, as
 * in QEMU) Capstone prints a made-up lsb/width. */
static bool trans_bfi(LowerCtx *ctx)
{
    bool bfc = ctx->insn->id == ARM_INS_BFC;
    if (!ops_ok(ctx, bfc ? 3 : 4, bfc ? 1 : 3))
        return false;
    IrBlock *b = ctx->ir;
    unsigned lsb = imm5(ctx), msb = field5(ctx);
    if (msb < lsb) {
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
        return true;
    }
    uint32_t mask = low_mask(msb - lsb + 1) << lsb;
    IrTemp old = ir_op2(b, IR_AND, src(ctx, 0), k(ctx, ~mask));
    IrTemp r = old;
    if (!bfc) {
        IrTemp ins = ir_op2(b, IR_AND, ir_op2(b, IR_SHL, src(ctx, 1), k(ctx, lsb)), k(ctx, mask));
        r = ir_op2(b, IR_OR, old, ins);
    }
    write_rd(ctx, r);
    return true;
}

/* --- extends ----------------------------------------------------------- */

/* The rotation of an extend: A32 bits 11:10, T32 bits 5:4 of the second
 * halfword, none in 16-bit Thumb. */
static unsigned ext_rotation(const LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    if (ctx->thumb)
        return is_t32(ctx) ? bits(raw, 5, 4) * 8 : 0;
    return bits(raw, 11, 10) * 8;
}

static IrTemp rotated(LowerCtx *ctx, unsigned i)
{
    IrTemp x = src(ctx, i);
    unsigned rot = ext_rotation(ctx);
    return rot ? ir_op2(ctx->ir, IR_ROR, x, k(ctx, rot)) : x;
}

/* SXTB, SXTH, UXTB, UXTH and their accumulating forms SXTAB ... UXTAH. */
static bool trans_ext(LowerCtx *ctx)
{
    IrOp op;
    bool add = false;
    switch (ctx->insn->id) {
    case ARM_INS_SXTAB: add = true; /* fall through */
    case ARM_INS_SXTB: op = IR_SEXT8; break;
    case ARM_INS_SXTAH: add = true; /* fall through */
    case ARM_INS_SXTH: op = IR_SEXT16; break;
    case ARM_INS_UXTAB: add = true; /* fall through */
    case ARM_INS_UXTB: op = IR_ZEXT8; break;
    case ARM_INS_UXTAH: add = true; /* fall through */
    default: op = IR_ZEXT16; break;
    }
    unsigned n = add ? 3 : 2;
    if (!ops_ok(ctx, n, (1u << n) - 1))
        return false;
    IrBlock *b = ctx->ir;
    IrTemp r = ir_op1(b, op, rotated(ctx, n - 1));
    if (add)
        r = ir_op2(b, IR_ADD, src(ctx, 1), r);
    write_rd(ctx, r);
    return true;
}

/* SXTB16, UXTB16, SXTAB16, UXTAB16: bytes 0 and 2 of the rotated operand,
 * extended to halfwords and optionally added to Rn's halfwords. */
static bool trans_ext16(LowerCtx *ctx)
{
    unsigned id = ctx->insn->id;
    bool add = id == ARM_INS_SXTAB16 || id == ARM_INS_UXTAB16;
    bool sgn = id == ARM_INS_SXTB16 || id == ARM_INS_SXTAB16;
    unsigned n = add ? 3 : 2;
    if (!ops_ok(ctx, n, (1u << n) - 1))
        return false;
    IrBlock *b = ctx->ir;
    IrTemp x = rotated(ctx, n - 1);
    IrOp ext = sgn ? IR_SEXT8 : IR_ZEXT8;
    IrTemp lo = ir_op1(b, ext, x);
    IrTemp hi = ir_op1(b, ext, ir_op2(b, IR_LSHR, x, k(ctx, 16)));
    if (add) {
        IrTemp rn = src(ctx, 1);
        lo = ir_op2(b, IR_ADD, rn, lo);
        hi = ir_op2(b, IR_ADD, ir_op2(b, IR_LSHR, rn, k(ctx, 16)), hi);
    }
    IrTemp r = ir_op2(b, IR_OR, ir_op1(b, IR_ZEXT16, lo), ir_op2(b, IR_SHL, hi, k(ctx, 16)));
    write_rd(ctx, r);
    return true;
}

/* --- PKHBT, PKHTB ------------------------------------------------------ */

static bool trans_pkh(LowerCtx *ctx)
{
    if (!ops_ok(ctx, 3, 7))
        return false;
    IrBlock *b = ctx->ir;
    unsigned sh = imm5(ctx);
    IrTemp rn = src(ctx, 1), rm = src(ctx, 2), r;
    if (ctx->insn->id == ARM_INS_PKHBT) {
        IrTemp top = ir_op2(b, IR_SHL, rm, k(ctx, sh));
        r = ir_op2(b, IR_OR, ir_op1(b, IR_ZEXT16, rn), ir_op2(b, IR_AND, top, k(ctx, 0xffff0000u)));
    } else { /* ASR #0 encodes ASR #32, the same as ASR #31 for the bottom half */
        IrTemp bot = ir_op2(b, IR_ASHR, rm, k(ctx, sh == 0 ? 31 : sh));
        r = ir_op2(b, IR_OR, ir_op2(b, IR_AND, rn, k(ctx, 0xffff0000u)), ir_op1(b, IR_ZEXT16, bot));
    }
    write_rd(ctx, r);
    return true;
}

/* --- saturation -------------------------------------------------------- */

/* SSAT/USAT Rd, #n, Rn{, LSL #s | ASR #s}. */
static bool trans_sat(LowerCtx *ctx)
{
    if (!ops_ok(ctx, 3, 5))
        return false;
    IrBlock *b = ctx->ir;
    uint32_t raw = ctx->insn->raw;
    bool asr = ctx->thumb ? bits(raw, 21, 21) : bits(raw, 6, 6);
    unsigned sh = imm5(ctx), n = field5(ctx);
    bool sgn = ctx->insn->id == ARM_INS_SSAT;
    IrTemp x = src(ctx, 2);
    if (asr)
        x = ir_op2(b, IR_ASHR, x, k(ctx, sh == 0 ? 31 : sh));
    else if (sh)
        x = ir_op2(b, IR_SHL, x, k(ctx, sh));
    IrTemp r = ir_call(b, sgn ? HELPER_ssat : HELPER_usat, x, k(ctx, sgn ? n + 1 : n), IR_NO_TEMP);
    write_rd(ctx, r);
    return true;
}

/* SSAT16/USAT16 Rd, #n, Rn: sat_imm is 4 bits (A32 19:16, T32 3:0). */
static bool trans_sat16(LowerCtx *ctx)
{
    if (!ops_ok(ctx, 3, 5))
        return false;
    uint32_t raw = ctx->insn->raw;
    unsigned n = ctx->thumb ? bits(raw, 3, 0) : bits(raw, 19, 16);
    bool sgn = ctx->insn->id == ARM_INS_SSAT16;
    IrTemp r = ir_call(ctx->ir, sgn ? HELPER_ssat16 : HELPER_usat16, src(ctx, 2), k(ctx, sgn ? n + 1 : n),
                       IR_NO_TEMP);
    write_rd(ctx, r);
    return true;
}

/* --- helper-backed three-register operations --------------------------- */

static int helper_for(unsigned id)
{
    switch (id) {
    case ARM_INS_QADD: return HELPER_qadd;
    case ARM_INS_QSUB: return HELPER_qsub;
    case ARM_INS_QDADD: return HELPER_qdadd;
    case ARM_INS_QDSUB: return HELPER_qdsub;
    case ARM_INS_SADD16: return HELPER_sadd16;
    case ARM_INS_SASX: return HELPER_sasx;
    case ARM_INS_SSAX: return HELPER_ssax;
    case ARM_INS_SSUB16: return HELPER_ssub16;
    case ARM_INS_SADD8: return HELPER_sadd8;
    case ARM_INS_SSUB8: return HELPER_ssub8;
    case ARM_INS_QADD16: return HELPER_qadd16;
    case ARM_INS_QASX: return HELPER_qasx;
    case ARM_INS_QSAX: return HELPER_qsax;
    case ARM_INS_QSUB16: return HELPER_qsub16;
    case ARM_INS_QADD8: return HELPER_qadd8;
    case ARM_INS_QSUB8: return HELPER_qsub8;
    case ARM_INS_SHADD16: return HELPER_shadd16;
    case ARM_INS_SHASX: return HELPER_shasx;
    case ARM_INS_SHSAX: return HELPER_shsax;
    case ARM_INS_SHSUB16: return HELPER_shsub16;
    case ARM_INS_SHADD8: return HELPER_shadd8;
    case ARM_INS_SHSUB8: return HELPER_shsub8;
    case ARM_INS_UADD16: return HELPER_uadd16;
    case ARM_INS_UASX: return HELPER_uasx;
    case ARM_INS_USAX: return HELPER_usax;
    case ARM_INS_USUB16: return HELPER_usub16;
    case ARM_INS_UADD8: return HELPER_uadd8;
    case ARM_INS_USUB8: return HELPER_usub8;
    case ARM_INS_UQADD16: return HELPER_uqadd16;
    case ARM_INS_UQASX: return HELPER_uqasx;
    case ARM_INS_UQSAX: return HELPER_uqsax;
    case ARM_INS_UQSUB16: return HELPER_uqsub16;
    case ARM_INS_UQADD8: return HELPER_uqadd8;
    case ARM_INS_UQSUB8: return HELPER_uqsub8;
    case ARM_INS_UHADD16: return HELPER_uhadd16;
    case ARM_INS_UHASX: return HELPER_uhasx;
    case ARM_INS_UHSAX: return HELPER_uhsax;
    case ARM_INS_UHSUB16: return HELPER_uhsub16;
    case ARM_INS_UHADD8: return HELPER_uhadd8;
    case ARM_INS_UHSUB8: return HELPER_uhsub8;
    default: return -1;
    }
}

/* Rd = helper(operand 1, operand 2).  For the parallel ops that is (Rn, Rm);
 * for QADD and friends Capstone's order is Rd, Rm, Rn, which is the
 * helpers' (Rm, Rn) order too. */
static bool trans_helper(LowerCtx *ctx)
{
    int h = helper_for(ctx->insn->id);
    if (h < 0 || !ops_ok(ctx, 3, 7))
        return false;
    write_rd(ctx, ir_call(ctx->ir, (unsigned)h, src(ctx, 1), src(ctx, 2), IR_NO_TEMP));
    return true;
}

/* --- SEL, USAD8, USADA8 ------------------------------------------------ */

/* SEL: byte i from Rn if GE[i] else from Rm.  GE spread to byte masks:
 * ge * 0x00204081 puts bit i at bit 8i (no other bit lands on a multiple
 * of 8), then * 0xff fills the bytes. */
static bool trans_sel(LowerCtx *ctx)
{
    if (!ops_ok(ctx, 3, 7))
        return false;
    IrBlock *b = ctx->ir;
    IrTemp ge = ir_op2(b, IR_AND, ir_lds32(b, CPU_OFF(ge)), k(ctx, 0xf));
    IrTemp spread = ir_op2(b, IR_AND, ir_op2(b, IR_MUL, ge, k(ctx, 0x00204081u)), k(ctx, 0x01010101u));
    IrTemp mask = ir_op2(b, IR_MUL, spread, k(ctx, 0xff));
    IrTemp from_n = ir_op2(b, IR_AND, src(ctx, 1), mask);
    IrTemp from_m = ir_op2(b, IR_AND, src(ctx, 2), ir_op1(b, IR_NOT, mask));
    write_rd(ctx, ir_op2(b, IR_OR, from_n, from_m));
    return true;
}

static bool trans_usad8(LowerCtx *ctx)
{
    bool acc = ctx->insn->id == ARM_INS_USADA8;
    unsigned n = acc ? 4 : 3;
    if (!ops_ok(ctx, n, (1u << n) - 1))
        return false;
    IrBlock *b = ctx->ir;
    IrTemp r = ir_call(b, HELPER_usad8, src(ctx, 1), src(ctx, 2), IR_NO_TEMP);
    if (acc)
        r = ir_op2(b, IR_ADD, r, src(ctx, 3));
    write_rd(ctx, r);
    return true;
}

FAMILY_TABLE(media,
    {ARM_INS_CLZ, trans_clz},
    {ARM_INS_REV, trans_rev},
    {ARM_INS_REV16, trans_rev},
    {ARM_INS_REVSH, trans_rev},
    {ARM_INS_RBIT, trans_rev},
    {ARM_INS_UBFX, trans_bfx},
    {ARM_INS_SBFX, trans_bfx},
    {ARM_INS_BFI, trans_bfi},
    {ARM_INS_BFC, trans_bfi},
    {ARM_INS_SXTB, trans_ext},
    {ARM_INS_SXTH, trans_ext},
    {ARM_INS_UXTB, trans_ext},
    {ARM_INS_UXTH, trans_ext},
    {ARM_INS_SXTAB, trans_ext},
    {ARM_INS_SXTAH, trans_ext},
    {ARM_INS_UXTAB, trans_ext},
    {ARM_INS_UXTAH, trans_ext},
    {ARM_INS_SXTB16, trans_ext16},
    {ARM_INS_UXTB16, trans_ext16},
    {ARM_INS_SXTAB16, trans_ext16},
    {ARM_INS_UXTAB16, trans_ext16},
    {ARM_INS_PKHBT, trans_pkh},
    {ARM_INS_PKHTB, trans_pkh},
    {ARM_INS_SSAT, trans_sat},
    {ARM_INS_USAT, trans_sat},
    {ARM_INS_SSAT16, trans_sat16},
    {ARM_INS_USAT16, trans_sat16},
    {ARM_INS_QADD, trans_helper},
    {ARM_INS_QSUB, trans_helper},
    {ARM_INS_QDADD, trans_helper},
    {ARM_INS_QDSUB, trans_helper},
    {ARM_INS_SADD16, trans_helper},
    {ARM_INS_SASX, trans_helper},
    {ARM_INS_SSAX, trans_helper},
    {ARM_INS_SSUB16, trans_helper},
    {ARM_INS_SADD8, trans_helper},
    {ARM_INS_SSUB8, trans_helper},
    {ARM_INS_QADD16, trans_helper},
    {ARM_INS_QASX, trans_helper},
    {ARM_INS_QSAX, trans_helper},
    {ARM_INS_QSUB16, trans_helper},
    {ARM_INS_QADD8, trans_helper},
    {ARM_INS_QSUB8, trans_helper},
    {ARM_INS_SHADD16, trans_helper},
    {ARM_INS_SHASX, trans_helper},
    {ARM_INS_SHSAX, trans_helper},
    {ARM_INS_SHSUB16, trans_helper},
    {ARM_INS_SHADD8, trans_helper},
    {ARM_INS_SHSUB8, trans_helper},
    {ARM_INS_UADD16, trans_helper},
    {ARM_INS_UASX, trans_helper},
    {ARM_INS_USAX, trans_helper},
    {ARM_INS_USUB16, trans_helper},
    {ARM_INS_UADD8, trans_helper},
    {ARM_INS_USUB8, trans_helper},
    {ARM_INS_UQADD16, trans_helper},
    {ARM_INS_UQASX, trans_helper},
    {ARM_INS_UQSAX, trans_helper},
    {ARM_INS_UQSUB16, trans_helper},
    {ARM_INS_UQADD8, trans_helper},
    {ARM_INS_UQSUB8, trans_helper},
    {ARM_INS_UHADD16, trans_helper},
    {ARM_INS_UHASX, trans_helper},
    {ARM_INS_UHSAX, trans_helper},
    {ARM_INS_UHSUB16, trans_helper},
    {ARM_INS_UHADD8, trans_helper},
    {ARM_INS_UHSUB8, trans_helper},
    {ARM_INS_SEL, trans_sel},
    {ARM_INS_USAD8, trans_usad8},
    {ARM_INS_USADA8, trans_usad8});
