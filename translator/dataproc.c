/*
 * Data-processing instructions (A32 and T32): arithmetic and logical ops
 * with the flexible second operand, compares, moves, shifts, ADR,
 * MOVW/MOVT, ADDW/SUBW.
 */
#include "translator/families.h"

typedef enum DpKind {
    DP_AND, DP_EOR, DP_ORR, DP_ORN, DP_BIC, DP_MOV, DP_MVN, /* logical */
    DP_ADD, DP_ADC, DP_SUB, DP_SBC, DP_RSB, DP_RSC,          /* arithmetic */
} DpKind;

static bool dp_is_logical(DpKind k)
{
    return k <= DP_MVN;
}

/* Result of a logical op; b is the shifter output. */
static IrTemp logical_result(IrBlock *ir, DpKind k, IrTemp a, IrTemp b)
{
    switch (k) {
    case DP_AND: return ir_op2(ir, IR_AND, a, b);
    case DP_EOR: return ir_op2(ir, IR_XOR, a, b);
    case DP_ORR: return ir_op2(ir, IR_OR, a, b);
    case DP_ORN: return ir_op2(ir, IR_OR, a, ir_op1(ir, IR_NOT, b));
    case DP_BIC: return ir_op2(ir, IR_AND, a, ir_op1(ir, IR_NOT, b));
    case DP_MVN: return ir_op1(ir, IR_NOT, b);
    default: return b; /* MOV */
    }
}

/* ADD, SUB and RSB without flags as one op.  With flags they keep the
 * x + y + carry_in form below, which the baseline tier compiles as one
 * host add with carry giving the result and both flags. */
static IrTemp plain_result(IrBlock *ir, DpKind k, IrTemp a, IrTemp b)
{
    switch (k) {
    case DP_ADD: return ir_op2(ir, IR_ADD, a, b);
    case DP_SUB: return ir_op2(ir, IR_SUB, a, b);
    default: return ir_op2(ir, IR_SUB, b, a); /* RSB */
    }
}

/* Arithmetic as x + y + carry_in with ARM's operand inversions. */
static IrTemp arith_result(LowerCtx *ctx, DpKind k, IrTemp a, IrTemp b, bool set_flags)
{
    IrBlock *ir = ctx->ir;
    if (!set_flags && (k == DP_ADD || k == DP_SUB || k == DP_RSB))
        return plain_result(ir, k, a, b);
    IrTemp x = a, y = b, cin;
    switch (k) {
    case DP_ADD: cin = ir_movi(ir, 0); break;
    case DP_ADC: cin = lower_get_c(ctx); break;
    case DP_SUB: y = ir_op1(ir, IR_NOT, b); cin = ir_movi(ir, 1); break;
    case DP_SBC: y = ir_op1(ir, IR_NOT, b); cin = lower_get_c(ctx); break;
    case DP_RSB: x = b; y = ir_op1(ir, IR_NOT, a); cin = ir_movi(ir, 1); break;
    default: /* RSC */ x = b; y = ir_op1(ir, IR_NOT, a); cin = lower_get_c(ctx); break;
    }
    IrTemp r = ir_op2(ir, IR_ADD, ir_op2(ir, IR_ADD, x, y), cin);
    if (set_flags) {
        IrTemp c = ir_op3(ir, IR_ADDC, x, y, cin);
        IrTemp v = ir_op3(ir, IR_ADDV, x, y, cin);
        lower_set_nz(ctx, r);
        lower_set_c(ctx, c);
        lower_set_v(ctx, v);
    }
    return r;
}

/* First source operand; immediate forms with Rn = pc in Thumb read Align(PC, 4). */
static IrTemp read_rn(LowerCtx *ctx, int rn, unsigned op2_index)
{
    if (rn == 15 && ctx->thumb && op_is_imm(ctx, op2_index))
        return lower_read_pc_aligned(ctx);
    return lower_read_reg(ctx, rn);
}

static bool dp_generic(LowerCtx *ctx, DpKind k)
{
    bool unary = k == DP_MOV || k == DP_MVN;
    unsigned n = op_count(ctx);
    int rd = op_reg(ctx, 0);
    if (rd < 0 || n < 2)
        return false;
    unsigned op2 = unary ? 1 : (n >= 3 ? 2 : 1);
    int rn = unary ? -1 : (n >= 3 ? op_reg(ctx, 1) : rd);
    bool s = insn_sets_flags(ctx);
    IrTemp carry = IR_NO_TEMP;
    IrTemp b = lower_operand2(ctx, op2, (s && dp_is_logical(k)) ? &carry : NULL);
    IrTemp a = unary ? IR_NO_TEMP : read_rn(ctx, rn, op2);
    IrTemp r;
    if (dp_is_logical(k)) {
        r = logical_result(ctx->ir, k, a, b);
        if (s && !(rd == 15 && ctx->system)) {
            lower_set_nz(ctx, r);
            lower_set_c(ctx, carry);
        }
    } else {
        r = arith_result(ctx, k, a, b, s && !(rd == 15 && ctx->system));
    }
    if (s && rd == 15 && ctx->system) {
        lower_exception_return(ctx, r); /* SUBS pc, lr, #imm; MOVS pc, lr */
        return true;
    }
    lower_write_reg_alu(ctx, rd, r);
    return true;
}

static bool trans_and(LowerCtx *c) { return dp_generic(c, DP_AND); }
static bool trans_eor(LowerCtx *c) { return dp_generic(c, DP_EOR); }
static bool trans_orr(LowerCtx *c) { return dp_generic(c, DP_ORR); }
static bool trans_orn(LowerCtx *c) { return dp_generic(c, DP_ORN); }
static bool trans_bic(LowerCtx *c) { return dp_generic(c, DP_BIC); }
static bool trans_mov(LowerCtx *c) { return dp_generic(c, DP_MOV); }
static bool trans_mvn(LowerCtx *c) { return dp_generic(c, DP_MVN); }
static bool trans_add(LowerCtx *c) { return dp_generic(c, DP_ADD); }
static bool trans_adc(LowerCtx *c) { return dp_generic(c, DP_ADC); }
static bool trans_sub(LowerCtx *c) { return dp_generic(c, DP_SUB); }
static bool trans_sbc(LowerCtx *c) { return dp_generic(c, DP_SBC); }
static bool trans_rsb(LowerCtx *c) { return dp_generic(c, DP_RSB); }
static bool trans_rsc(LowerCtx *c) { return dp_generic(c, DP_RSC); }

/* CMP, CMN, TST, TEQ: flags only. */
static bool compare_generic(LowerCtx *ctx, DpKind k)
{
    int rn = op_reg(ctx, 0);
    if (rn < 0 || op_count(ctx) < 2)
        return false;
    IrTemp carry = IR_NO_TEMP;
    IrTemp b = lower_operand2(ctx, 1, dp_is_logical(k) ? &carry : NULL);
    IrTemp a = lower_read_reg(ctx, rn);
    if (!dp_is_logical(k)) {
        arith_result(ctx, k, a, b, true);
        return true;
    }
    lower_set_nz(ctx, logical_result(ctx->ir, k, a, b));
    lower_set_c(ctx, carry);
    return true;
}

static bool trans_cmp(LowerCtx *c) { return compare_generic(c, DP_SUB); }
static bool trans_cmn(LowerCtx *c) { return compare_generic(c, DP_ADD); }
static bool trans_tst(LowerCtx *c) { return compare_generic(c, DP_AND); }
static bool trans_teq(LowerCtx *c) { return compare_generic(c, DP_EOR); }

/* LSL/LSR/ASR/ROR/RRX as instructions: Rd, Rm, (Rs | #imm). */
static bool shift_generic(LowerCtx *ctx, arm_shifter imm_type, arm_shifter reg_type)
{
    unsigned n = op_count(ctx);
    int rd = op_reg(ctx, 0);
    if (rd < 0 || n < 2)
        return false;
    bool s = insn_sets_flags(ctx);
    IrTemp carry = IR_NO_TEMP, r;
    int rm = n >= 3 ? op_reg(ctx, 1) : rd;
    unsigned amt = n >= 3 ? 2 : 1;
    if (n == 2 && op_at(ctx, 1)->shift.type != ARM_SFT_INVALID) {
        /* A32 immediate shifts come as "Rd, Rm <shift> #n" (one shifted operand). */
        r = lower_operand2(ctx, 1, s ? &carry : NULL);
    } else if (imm_type == ARM_SFT_RRX) {
        r = lower_shift_imm(ctx, lower_read_reg(ctx, op_reg(ctx, 1)), ARM_SFT_RRX, 1, s ? &carry : NULL);
    } else if (op_is_imm(ctx, amt)) {
        unsigned k = (unsigned)op_at(ctx, amt)->imm;
        r = lower_shift_imm(ctx, lower_read_reg(ctx, rm), imm_type, k, s ? &carry : NULL);
    } else {
        IrTemp amount = lower_read_reg(ctx, op_reg(ctx, amt));
        r = lower_shift_reg(ctx, lower_read_reg(ctx, rm), reg_type, amount, s ? &carry : NULL);
    }
    if (s) {
        lower_set_nz(ctx, r);
        lower_set_c(ctx, carry);
    }
    lower_write_reg_alu(ctx, rd, r);
    return true;
}

static bool trans_lsl(LowerCtx *c) { return shift_generic(c, ARM_SFT_LSL, ARM_SFT_LSL_REG); }
static bool trans_lsr(LowerCtx *c) { return shift_generic(c, ARM_SFT_LSR, ARM_SFT_LSR_REG); }
static bool trans_asr(LowerCtx *c) { return shift_generic(c, ARM_SFT_ASR, ARM_SFT_ASR_REG); }
static bool trans_ror(LowerCtx *c) { return shift_generic(c, ARM_SFT_ROR, ARM_SFT_ROR_REG); }
static bool trans_rrx(LowerCtx *c) { return shift_generic(c, ARM_SFT_RRX, ARM_SFT_RRX_REG); }

/* ADR: decoded from the raw encoding, Capstone's immediate differs by form. */
static bool trans_adr(LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw, base = (ctx->pc + (ctx->thumb ? 4 : 8)) & ~3u, addr;
    int rd = op_reg(ctx, 0);
    if (rd < 0)
        return false;
    if (!ctx->thumb) {
        uint32_t imm = arm_expand_imm(raw & 0xfff);
        addr = (raw & (1u << 23)) ? base + imm : base - imm;
    } else if (ctx->insn->size == 2) {
        addr = base + (raw & 0xff) * 4;
    } else {
        uint32_t imm = ((raw >> 26) & 1) << 11 | ((raw >> 12) & 7) << 8 | (raw & 0xff);
        addr = (raw & (1u << 23)) ? base - imm : base + imm; /* T2 (bit 23 set) subtracts */
    }
    lower_write_reg_alu(ctx, rd, ir_movi(ctx->ir, addr));
    return true;
}

static bool trans_movw(LowerCtx *ctx)
{
    int rd = op_reg(ctx, 0);
    if (rd < 0 || !op_is_imm(ctx, 1))
        return false;
    lower_write_reg(ctx, rd, ir_movi(ctx->ir, (uint32_t)op_at(ctx, 1)->imm & 0xffff));
    return true;
}

static bool trans_movt(LowerCtx *ctx)
{
    int rd = op_reg(ctx, 0);
    if (rd < 0 || !op_is_imm(ctx, 1))
        return false;
    IrBlock *ir = ctx->ir;
    IrTemp low = ir_op1(ir, IR_ZEXT16, lower_read_reg(ctx, rd));
    IrTemp high = ir_movi(ir, ((uint32_t)op_at(ctx, 1)->imm & 0xffff) << 16);
    lower_write_reg(ctx, rd, ir_op2(ir, IR_OR, low, high));
    return true;
}

/* ADDW/SUBW: Rd, Rn, #imm12; Rn = pc means Align(PC, 4). */
static bool addw_subw(LowerCtx *ctx, bool sub)
{
    int rd = op_reg(ctx, 0), rn = op_reg(ctx, 1);
    if (rd < 0 || rn < 0 || !op_is_imm(ctx, 2))
        return false;
    IrBlock *ir = ctx->ir;
    IrTemp a = rn == 15 ? lower_read_pc_aligned(ctx) : lower_read_reg(ctx, rn);
    IrTemp imm = ir_movi(ir, (uint32_t)op_at(ctx, 2)->imm);
    lower_write_reg_alu(ctx, rd, ir_op2(ir, sub ? IR_SUB : IR_ADD, a, imm));
    return true;
}

static bool trans_addw(LowerCtx *c) { return addw_subw(c, false); }
static bool trans_subw(LowerCtx *c) { return addw_subw(c, true); }

FAMILY_TABLE(dataproc,
    {ARM_INS_AND, trans_and}, {ARM_INS_EOR, trans_eor}, {ARM_INS_ORR, trans_orr},
    {ARM_INS_ORN, trans_orn}, {ARM_INS_BIC, trans_bic}, {ARM_INS_MOV, trans_mov},
    {ARM_INS_MVN, trans_mvn}, {ARM_INS_ADD, trans_add}, {ARM_INS_ADC, trans_adc},
    {ARM_INS_SUB, trans_sub}, {ARM_INS_SBC, trans_sbc}, {ARM_INS_RSB, trans_rsb},
    {ARM_INS_RSC, trans_rsc}, {ARM_INS_CMP, trans_cmp}, {ARM_INS_CMN, trans_cmn},
    {ARM_INS_TST, trans_tst}, {ARM_INS_TEQ, trans_teq}, {ARM_INS_LSL, trans_lsl},
    {ARM_INS_LSR, trans_lsr}, {ARM_INS_ASR, trans_asr}, {ARM_INS_ROR, trans_ror},
    {ARM_INS_RRX, trans_rrx}, {ARM_INS_ADR, trans_adr}, {ARM_INS_MOVW, trans_movw},
    {ARM_INS_MOVT, trans_movt}, {ARM_INS_ADDW, trans_addw}, {ARM_INS_SUBW, trans_subw});
