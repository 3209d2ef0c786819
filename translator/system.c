/*
 * System and exception-generating instructions: SVC, BKPT, UDF, hints,
 * barriers, IT, MRS/MSR, CPS, CLREX, preload hints and MRC/MCR.
 *
 * Linux user mode (ctx->system false) sees only what user code may do: the
 * APSR, the CP15 thread-ID registers and barriers.  In full-system mode the
 * privileged forms go to helpers_sys.c, which check the current mode at run
 * time (translations do not depend on privilege), and instructions that
 * may change the mode, the interrupt masks or translation state end the
 * block so the dispatcher looks again (lower_exit_resync).
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

/* ISB: a context synchronization event; in system mode the dispatcher
 * looks the next instruction up again, through the current translation. */
static bool trans_isb(LowerCtx *ctx)
{
    if (ctx->system)
        lower_exit_resync(ctx);
    return true;
}

/* WFI: the system board idles until an interrupt; a NOP in user mode. */
static bool trans_wfi(LowerCtx *ctx)
{
    if (ctx->system)
        lower_exit_kind(ctx, ctx->next_pc, IR_EXIT_WFI);
    return true;
}

/* CPS{IE,ID} {a}{i}{f}{, #mode}: a NOP in User mode (checked by the helper). */
static bool trans_cps(LowerCtx *ctx)
{
    if (!ctx->system)
        return true;
    uint32_t raw = ctx->insn->raw;
    unsigned imod, aif, mode = ~0u;
    if (!ctx->thumb) {
        imod = (raw >> 18) & 3;
        aif = (raw >> 6) & 7;
        if (raw & (1u << 17))
            mode = raw & 0x1f;
    } else if (ctx->insn->size == 2) {
        imod = (raw & 0x10) ? 3 : 2;
        aif = raw & 7;
    } else {
        imod = (raw >> 9) & 3;
        aif = (raw >> 5) & 7;
        if (raw & (1u << 8))
            mode = raw & 0x1f;
    }
    uint32_t bits = aif << 6; /* A, I, F are CPSR bits 8, 7, 6 */
    IrBlock *ir = ctx->ir;
    lower_exit_resync_if(ctx, ir_call(ir, HELPER_cps, ir_movi(ir, imod == 3 ? bits : 0),
                                      ir_movi(ir, imod == 2 ? bits : 0), ir_movi(ir, mode)));
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
    bool spsr = ctx->thumb ? (ctx->insn->raw >> 20) & 1 : (ctx->insn->raw >> 22) & 1;
    IrBlock *ir = ctx->ir;
    if (rd >= 0 && spsr && ctx->system) {
        lower_write_reg(ctx, rd, ir_call(ir, HELPER_spsr_read, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP));
        return true;
    }
    if (rd < 0 || spsr)
        return lower_unimplemented(ctx); /* SPSR: UNPREDICTABLE in user mode */
    IrTemp cpsr = ir_call(ir, HELPER_cpsr_read, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
    lower_write_reg(ctx, rd, ir_op2(ir, IR_AND, ir_op1(ir, IR_LO32, cpsr), ir_movi(ir, ~0x0600fc20u)));
    return true;
}

/* MSR APSR_<fields>, Rn|#imm: user mode writes NZCVQ and GE only. */
static bool trans_msr(LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    bool spsr = ctx->thumb ? (raw >> 20) & 1 : (raw >> 22) & 1;
    if (spsr && !ctx->system)
        return lower_unimplemented(ctx);
    uint32_t fields = ctx->thumb ? (raw >> 8) & 0xf : (raw >> 16) & 0xf;
    IrBlock *ir = ctx->ir;
    IrTemp v;
    if (!ctx->thumb && (raw & (1u << 25)))
        v = ir_movi(ir, arm_expand_imm(raw & 0xfff));
    else
        v = lower_read_reg(ctx, ctx->thumb ? (int)((raw >> 16) & 0xf) : (int)(raw & 0xf));
    if (ctx->system) {
        uint32_t mask = 0;
        for (unsigned f = 0; f < 4; f++)
            if (fields >> f & 1)
                mask |= 0xffu << (8 * f);
        if (spsr)
            ir_call(ir, HELPER_spsr_write, v, ir_movi(ir, mask), IR_NO_TEMP);
        else
            lower_exit_resync_if(ctx, ir_call(ir, HELPER_sys_cpsr_write, v, ir_movi(ir, mask), IR_NO_TEMP));
        return true;
    }
    uint32_t mask = ((fields & 8) ? 0xf8000000u : 0) | ((fields & 4) ? 0x000f0000u : 0);
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

static uint32_t cp15_key(Cp15Reg r)
{
    return r.crn << 12 | r.opc1 << 8 | r.crm << 4 | r.opc2;
}

/* MRC p15 in system mode; rt = 15 writes NZCV (APSR_nzcv). */
static bool sys_mrc(LowerCtx *ctx, Cp15Reg r, unsigned rt)
{
    IrBlock *ir = ctx->ir;
    IrTemp res = ir_call(ir, HELPER_cp15_read, ir_movi(ir, cp15_key(r)), IR_NO_TEMP, IR_NO_TEMP);
    lower_check_status(ctx, ir_op1(ir, IR_HI32, res));
    IrTemp v = ir_op1(ir, IR_LO32, res);
    if (rt != 15)
        lower_write_reg(ctx, (int)rt, v);
    else
        ir_call(ir, HELPER_cpsr_write, v, ir_movi(ir, 0xf0000000u), IR_NO_TEMP);
    return true;
}

/* Writes after which the block may go on: cache and branch-predictor
 * maintenance, address translation operations and barriers (c7), TLB
 * maintenance (c8: a changed translation reaches the instruction stream
 * only after a context synchronization, ISB, which ends the block), and the
 * thread ID registers.  Everything else may change translation, the
 * timers or interrupts. */
static bool mcr_keeps_block(Cp15Reg r)
{
    return r.crn == 7 || r.crn == 8 || is_thread_id(r, 2) || is_thread_id(r, 3) || is_thread_id(r, 4);
}

/* MCR p15 in system mode. */
static bool sys_mcr(LowerCtx *ctx, Cp15Reg r, unsigned rt)
{
    IrBlock *ir = ctx->ir;
    IrTemp st = ir_call(ir, HELPER_cp15_write, ir_movi(ir, cp15_key(r)), lower_read_reg(ctx, (int)rt), IR_NO_TEMP);
    lower_check_status(ctx, st);
    if (!mcr_keeps_block(r))
        lower_exit_resync(ctx);
    return true;
}

static bool trans_mrc(LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    unsigned coproc = (raw >> 8) & 0xf, rt = (raw >> 12) & 0xf;
    Cp15Reg r = cp15_fields(raw);
    if (ctx->system && coproc == 15)
        return sys_mrc(ctx, r, rt);
    if (ctx->system && coproc == 14 && rt != 15 && r.crn == 0 && r.opc1 == 0 && r.crm == 0 && r.opc2 == 0) {
        /* DBGDIDR: debug architecture 0, none (ID_DFR0 says so too). */
        lower_write_reg(ctx, (int)rt, ir_movi(ctx->ir, 0));
        return true;
    }
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
    if (ctx->system && coproc == 15 && rt != 15)
        return sys_mcr(ctx, r, rt);
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
    {ARM_INS_WFE, trans_nothing}, {ARM_INS_WFI, trans_wfi}, {ARM_INS_SEV, trans_nothing},
    {ARM_INS_HINT, trans_nothing}, {ARM_INS_DBG, trans_nothing}, {ARM_INS_DMB, trans_nothing},
    {ARM_INS_DSB, trans_nothing}, {ARM_INS_ISB, trans_isb}, {ARM_INS_IT, trans_nothing},
    {ARM_INS_PLD, trans_nothing}, {ARM_INS_PLDW, trans_nothing}, {ARM_INS_PLI, trans_nothing},
    {ARM_INS_CPS, trans_cps}, {ARM_INS_CLREX, trans_clrex}, {ARM_INS_MRS, trans_mrs},
    {ARM_INS_MSR, trans_msr}, {ARM_INS_MRC, trans_mrc}, {ARM_INS_MCR, trans_mcr},
    {ARM_INS_SETEND, trans_setend});
