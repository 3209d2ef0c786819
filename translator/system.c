/*
 * System and exception-generating instructions at user level: SVC, BKPT,
 * UDF, hints, barriers, IT, MRS/MSR (APSR), CLREX, preload hints, and the
 * CP15 thread-ID registers (the only coprocessor registers user code may
 * access; the rest are UNDEFINED in user mode).
 */
#include "translator/families.h"

static bool trans_svc(LowerCtx *ctx)
{
    lower_exit_kind(ctx, ctx->next_pc, IR_EXIT_SYSCALL);
    return true;
}

static bool trans_bkpt(LowerCtx *ctx)
{
    lower_exit_fault(ctx, IR_EXIT_BKPT);
    return true;
}

static bool trans_udf(LowerCtx *ctx)
{
    lower_exit_fault(ctx, IR_EXIT_UNDEF);
    return true;
}

/* Hints, barriers, preloads, IT: no effect on a single-threaded guest
 * (IT state is tracked by the translator). */
static bool trans_nothing(LowerCtx *ctx)
{
    (void)ctx;
    return true;
}

static bool trans_clrex(LowerCtx *ctx)
{
    ir_call(ctx->ir, HELPER_clrex, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
    return true;
}

/* MRS Rd, APSR: the execution-state bits (IT, T) read as zero. */
static bool trans_mrs(LowerCtx *ctx)
{
    int rd = op_reg(ctx, 0);
    if (rd < 0 || (!ctx->thumb && (ctx->insn->raw & (1u << 22))) || (ctx->thumb && (ctx->insn->raw & (1u << 20))))
        return lower_unimplemented(ctx); /* SPSR: UNPREDICTABLE in user mode */
    IrBlock *ir = ctx->ir;
    IrTemp cpsr = ir_call(ir, HELPER_cpsr_read, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
    lower_write_reg(ctx, rd, ir_op2(ir, IR_AND, ir_op1(ir, IR_LO32, cpsr), ir_movi(ir, ~0x0600fc20u)));
    return true;
}

/* MSR APSR_<fields>, Rn|#imm: user mode writes NZCVQ and GE only. */
static bool trans_msr(LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    bool spsr = ctx->thumb ? (raw >> 20) & 1 : (raw >> 22) & 1;
    if (spsr)
        return lower_unimplemented(ctx);
    uint32_t fields = ctx->thumb ? (raw >> 8) & 0xf : (raw >> 16) & 0xf;
    uint32_t mask = ((fields & 8) ? 0xf8000000u : 0) | ((fields & 4) ? 0x000f0000u : 0);
    IrBlock *ir = ctx->ir;
    IrTemp v;
    if (!ctx->thumb && (raw & (1u << 25)))
        v = ir_movi(ir, arm_expand_imm(raw & 0xfff));
    else
        v = lower_read_reg(ctx, ctx->thumb ? (int)((raw >> 16) & 0xf) : (int)(raw & 0xf));
    ir_call(ir, HELPER_cpsr_write, v, ir_movi(ir, mask), IR_NO_TEMP);
    return true;
}

typedef struct Cp15Reg {
    unsigned crn, opc1, crm, opc2;
} Cp15Reg;

static Cp15Reg cp15_fields(uint32_t raw)
{
    return (Cp15Reg){(raw >> 16) & 0xf, (raw >> 21) & 7, raw & 0xf, (raw >> 5) & 7};
}

static bool is_thread_id(Cp15Reg r, unsigned opc2)
{
    return r.crn == 13 && r.opc1 == 0 && r.crm == 0 && r.opc2 == opc2;
}

/* The CP15 barrier operations user code may still use (CP15BEN set). */
static bool is_cp15_barrier(Cp15Reg r)
{
    return r.crn == 7 && r.opc1 == 0 && ((r.crm == 10 && (r.opc2 == 4 || r.opc2 == 5)) || (r.crm == 5 && r.opc2 == 4));
}

static bool trans_mrc(LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    unsigned coproc = (raw >> 8) & 0xf, rt = (raw >> 12) & 0xf;
    Cp15Reg r = cp15_fields(raw);
    if (coproc != 15 || rt == 15) {
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
        return true;
    }
    if (is_thread_id(r, 3))
        lower_write_reg(ctx, (int)rt, ir_lds32(ctx->ir, CPU_OFF(tpidruro)));
    else if (is_thread_id(r, 2))
        lower_write_reg(ctx, (int)rt, ir_lds32(ctx->ir, CPU_OFF(tpidrurw)));
    else
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
    return true;
}

static bool trans_mcr(LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    unsigned coproc = (raw >> 8) & 0xf, rt = (raw >> 12) & 0xf;
    Cp15Reg r = cp15_fields(raw);
    if (coproc == 15 && is_thread_id(r, 2))
        ir_sts32(ctx->ir, CPU_OFF(tpidrurw), lower_read_reg(ctx, (int)rt));
    else if (coproc == 15 && is_cp15_barrier(r))
        return true;
    else
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
    return true;
}

/* SETEND LE is a no-op for a little-endian guest; big-endian data is not modelled. */
static bool trans_setend(LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    bool big = ctx->thumb ? (raw >> 3) & 1 : (raw >> 9) & 1;
    return big ? lower_unimplemented(ctx) : true;
}

FAMILY_TABLE(system,
    {ARM_INS_SVC, trans_svc}, {ARM_INS_BKPT, trans_bkpt}, {ARM_INS_UDF, trans_udf},
    {ARM_INS_TRAP, trans_udf}, {ARM_INS_NOP, trans_nothing}, {ARM_INS_YIELD, trans_nothing},
    {ARM_INS_WFE, trans_nothing}, {ARM_INS_WFI, trans_nothing}, {ARM_INS_SEV, trans_nothing},
    {ARM_INS_HINT, trans_nothing}, {ARM_INS_DBG, trans_nothing}, {ARM_INS_DMB, trans_nothing},
    {ARM_INS_DSB, trans_nothing}, {ARM_INS_ISB, trans_nothing}, {ARM_INS_IT, trans_nothing},
    {ARM_INS_PLD, trans_nothing}, {ARM_INS_PLDW, trans_nothing}, {ARM_INS_PLI, trans_nothing},
    {ARM_INS_CPS, trans_nothing}, {ARM_INS_CLREX, trans_clrex}, {ARM_INS_MRS, trans_mrs},
    {ARM_INS_MSR, trans_msr}, {ARM_INS_MRC, trans_mrc}, {ARM_INS_MCR, trans_mcr},
    {ARM_INS_SETEND, trans_setend});
