/*
 * Instructions that exist only at system level: SRS, RFE, HVC, SMC, ERET
 * and the 64-bit CP15 transfers MRRC/MCRR (the generic timer's counters
 * and compare values).  In Linux user mode all of them are UNDEFINED.
 */
#include "translator/families.h"

static bool undefined(LowerCtx *ctx)
{
    lower_exit_fault(ctx, IR_EXIT_UNDEF);
    return true;
}

/* SRS{DA,DB,IA,IB} sp{!}, #mode: store LR and SPSR of the current mode on
 * the stack of `mode` (A32 and T32 share the W bit and mode field). */
static bool trans_srs(LowerCtx *ctx)
{
    if (!ctx->system)
        return undefined(ctx);
    unsigned id = ctx->insn->id;
    bool inc = id == ARM_INS_SRSIA || id == ARM_INS_SRSIB;
    bool before = id == ARM_INS_SRSDB || id == ARM_INS_SRSIB;
    uint32_t raw = ctx->insn->raw, mode = raw & 0x1f;
    IrBlock *b = ctx->ir;
    IrTemp base = ir_call(b, HELPER_banked_read, ir_movi(b, mode), ir_movi(b, 13), IR_NO_TEMP);
    IrTemp low = inc ? base : ir_op2(b, IR_SUB, base, ir_movi(b, 8));
    IrTemp start = inc == before ? ir_op2(b, IR_ADD, low, ir_movi(b, 4)) : low;
    ir_store_al(b, IR_ST32, start, lower_read_reg(ctx, 14), 3);
    IrTemp spsr = ir_call(b, HELPER_spsr_read, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
    ir_store_al(b, IR_ST32, ir_op2(b, IR_ADD, start, ir_movi(b, 4)), ir_op1(b, IR_LO32, spsr), 3);
    if (raw & (1u << 21)) {
        IrTemp end = inc ? ir_op2(b, IR_ADD, base, ir_movi(b, 8)) : low;
        ir_call(b, HELPER_banked_write, ir_movi(b, mode), ir_movi(b, 13), end);
    }
    return true;
}

/* RFE{DA,DB,IA,IB} rn{!}: load pc and CPSR from memory. */
static bool trans_rfe(LowerCtx *ctx)
{
    if (!ctx->system)
        return undefined(ctx);
    unsigned id = ctx->insn->id;
    bool inc = id == ARM_INS_RFEIA || id == ARM_INS_RFEIB;
    bool before = id == ARM_INS_RFEDB || id == ARM_INS_RFEIB;
    uint32_t raw = ctx->insn->raw;
    int rn = (int)((raw >> 16) & 0xf);
    if (rn == 15)
        return undefined(ctx);
    IrBlock *b = ctx->ir;
    IrTemp base = lower_read_reg(ctx, rn);
    IrTemp low = inc ? base : ir_op2(b, IR_SUB, base, ir_movi(b, 8));
    IrTemp start = inc == before ? ir_op2(b, IR_ADD, low, ir_movi(b, 4)) : low;
    IrTemp pc = ir_load_al(b, IR_LD32, start, 3);
    IrTemp cpsr = ir_load_al(b, IR_LD32, ir_op2(b, IR_ADD, start, ir_movi(b, 4)), 3);
    if (raw & (1u << 21))
        lower_write_reg(ctx, rn, inc ? ir_op2(b, IR_ADD, base, ir_movi(b, 8)) : low);
    ir_call(b, HELPER_rfe, pc, cpsr, IR_NO_TEMP);
    ir_exit_ind(b, ir_lds32(b, CPU_OFF(r[15])), ir_movi(b, IR_MODE_UNKNOWN), IR_EXIT_YIELD);
    ctx->ends_block = true;
    return true;
}

/* HVC: the board answers PSCI calls; SMC: no Security Extensions. */
static bool trans_hvc(LowerCtx *ctx)
{
    if (!ctx->system)
        return undefined(ctx);
    lower_exit_kind(ctx, ctx->next_pc, IR_EXIT_HVC);
    return true;
}

/* MRRC/MCRR p15, opc1, Rt, Rt2, CRm (A32 and T32 share the field layout). */
static bool mrrc_mcrr_fields(LowerCtx *ctx, uint32_t *key, int *rt, int *rt2)
{
    uint32_t raw = ctx->insn->raw;
    if (!ctx->system || ((raw >> 8) & 0xf) != 15)
        return false;
    *key = 1u << 16 | ((raw >> 4) & 0xf) << 8 | (raw & 0xf) << 4;
    *rt = (int)((raw >> 12) & 0xf);
    *rt2 = (int)((raw >> 16) & 0xf);
    return *rt != 15 && *rt2 != 15;
}

static bool trans_mrrc(LowerCtx *ctx)
{
    uint32_t key;
    int rt, rt2;
    if (!mrrc_mcrr_fields(ctx, &key, &rt, &rt2))
        return undefined(ctx);
    IrBlock *b = ctx->ir;
    lower_check_status(ctx, ir_op1(b, IR_LO32, ir_call(b, HELPER_cp15_check, ir_movi(b, key), IR_NO_TEMP, IR_NO_TEMP)));
    IrTemp v = ir_call(b, HELPER_cp15_read64, ir_movi(b, key), IR_NO_TEMP, IR_NO_TEMP);
    lower_write_reg(ctx, rt, ir_op1(b, IR_LO32, v));
    lower_write_reg(ctx, rt2, ir_op1(b, IR_HI32, v));
    return true;
}

static bool trans_mcrr(LowerCtx *ctx)
{
    uint32_t key;
    int rt, rt2;
    if (!mrrc_mcrr_fields(ctx, &key, &rt, &rt2))
        return undefined(ctx);
    IrBlock *b = ctx->ir;
    IrTemp v = ir_op2(b, IR_PAIR64, lower_read_reg(ctx, rt), lower_read_reg(ctx, rt2));
    lower_check_status(ctx, ir_op1(b, IR_LO32, ir_call(b, HELPER_cp15_write64, ir_movi(b, key), v, IR_NO_TEMP)));
    lower_exit_resync(ctx);
    return true;
}

FAMILY_TABLE(privileged,
    {ARM_INS_SRSDA, trans_srs}, {ARM_INS_SRSDB, trans_srs}, {ARM_INS_SRSIA, trans_srs}, {ARM_INS_SRSIB, trans_srs},
    {ARM_INS_RFEDA, trans_rfe}, {ARM_INS_RFEDB, trans_rfe}, {ARM_INS_RFEIA, trans_rfe}, {ARM_INS_RFEIB, trans_rfe},
    {ARM_INS_HVC, trans_hvc}, {ARM_INS_SMC, undefined}, {ARM_INS_ERET, undefined},
    {ARM_INS_MRRC, trans_mrrc}, {ARM_INS_MCRR, trans_mcrr});
