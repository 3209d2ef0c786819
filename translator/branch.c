/* Branches: B, BL, BLX, BX, CBZ/CBNZ, TBB/TBH. */
#include "translator/families.h"

static uint32_t branch_target(const LowerCtx *ctx)
{
    return (uint32_t)op_at(ctx, 0)->imm;
}

static void set_link(LowerCtx *ctx)
{
    lower_write_reg(ctx, 14, ir_movi(ctx->ir, ctx->next_pc | (ctx->thumb ? 1 : 0)));
}

static bool trans_b(LowerCtx *ctx)
{
    if (!op_is_imm(ctx, 0))
        return false;
    lower_exit_direct(ctx, branch_target(ctx), ctx->thumb);
    return true;
}

static bool trans_bl(LowerCtx *ctx)
{
    if (!op_is_imm(ctx, 0))
        return false;
    set_link(ctx);
    lower_exit_direct(ctx, branch_target(ctx), ctx->thumb);
    return true;
}

static bool trans_blx(LowerCtx *ctx)
{
    if (op_is_imm(ctx, 0)) {
        /* BLX imm always switches instruction set; Thumb targets Align(PC, 4). */
        uint32_t target = branch_target(ctx);
        if (ctx->thumb)
            target &= ~3u;
        set_link(ctx);
        lower_exit_direct(ctx, target, !ctx->thumb);
        return true;
    }
    int rm = op_reg(ctx, 0);
    if (rm < 0)
        return false;
    IrTemp target = lower_read_reg(ctx, rm);
    set_link(ctx);
    lower_exit_bx(ctx, target);
    return true;
}

static bool trans_bx(LowerCtx *ctx)
{
    int rm = op_reg(ctx, 0);
    if (rm < 0)
        return false;
    lower_exit_bx(ctx, lower_read_reg(ctx, rm));
    return true;
}

static bool cbz_generic(LowerCtx *ctx, bool nonzero)
{
    int rn = op_reg(ctx, 0);
    if (rn < 0 || !op_is_imm(ctx, 1))
        return false;
    IrBlock *ir = ctx->ir;
    IrLabel not_taken = ir_new_label(ir);
    IrTemp v = lower_read_reg(ctx, rn);
    if (nonzero)
        ir_brz(ir, v, not_taken);
    else
        ir_brnz(ir, v, not_taken);
    lower_exit_direct(ctx, (uint32_t)op_at(ctx, 1)->imm, true);
    ir_label(ir, not_taken);
    lower_exit_direct(ctx, ctx->next_pc, true);
    return true;
}

static bool trans_cbz(LowerCtx *c) { return cbz_generic(c, false); }
static bool trans_cbnz(LowerCtx *c) { return cbz_generic(c, true); }

/* TBB/TBH [Rn, Rm{, lsl #1}]: fields from the raw T32 encoding. */
static bool table_branch(LowerCtx *ctx, bool half)
{
    uint32_t raw = ctx->insn->raw;
    int rn = (raw >> 16) & 0xf, rm = raw & 0xf;
    IrBlock *ir = ctx->ir;
    IrTemp index = lower_read_reg(ctx, rm);
    if (half)
        index = ir_op2(ir, IR_SHL, index, ir_movi(ir, 1));
    IrTemp addr = ir_op2(ir, IR_ADD, lower_read_reg(ctx, rn), index);
    IrTemp entry = ir_load_al(ir, half ? IR_LD16U : IR_LD8U, addr, lower_amask(ctx, 0, half ? 2 : 1));
    IrTemp offset = ir_op2(ir, IR_SHL, entry, ir_movi(ir, 1));
    lower_exit_branch(ctx, ir_op2(ir, IR_ADD, ir_movi(ir, ctx->pc + 4), offset));
    return true;
}

static bool trans_tbb(LowerCtx *c) { return table_branch(c, false); }
static bool trans_tbh(LowerCtx *c) { return table_branch(c, true); }

FAMILY_TABLE(branch,
    {ARM_INS_B, trans_b}, {ARM_INS_BL, trans_bl}, {ARM_INS_BLX, trans_blx},
    {ARM_INS_BX, trans_bx}, {ARM_INS_CBZ, trans_cbz}, {ARM_INS_CBNZ, trans_cbnz},
    {ARM_INS_TBB, trans_tbb}, {ARM_INS_TBH, trans_tbh});
