/* The lowering toolkit: registers, flags, conditions, shifter, exits. */
#include "translator/lower.h"

int op_reg(const LowerCtx *ctx, unsigned i)
{
    if (i >= op_count(ctx) || op_at(ctx, i)->type != ARM_OP_REG)
        return -1;
    return arm_reg_index(op_at(ctx, i)->reg);
}

bool op_is_reg(const LowerCtx *ctx, unsigned i)
{
    return op_reg(ctx, i) >= 0;
}

bool op_is_imm(const LowerCtx *ctx, unsigned i)
{
    return i < op_count(ctx) && op_at(ctx, i)->type == ARM_OP_IMM;
}

/* The S bit is bit 20 of every A32 and 32-bit T32 encoding that has one
 * (Capstone 4 reports update_flags for some that do not set flags, e.g.
 * T32 ADC.W without S); 16-bit Thumb encodings set flags outside IT blocks,
 * which Capstone tracks. */
bool insn_sets_flags(const LowerCtx *ctx)
{
    if (ctx->insn->size == 4)
        return (ctx->insn->raw >> 20) & 1;
    return ctx->insn->detail->update_flags;
}

/* --- registers --------------------------------------------------------- */

IrTemp lower_read_reg(LowerCtx *ctx, int n)
{
    if (n == 15)
        return ir_movi(ctx->ir, ctx->pc + (ctx->thumb ? 4 : 8));
    return ir_lds32(ctx->ir, CPU_OFF(r[n]));
}

IrTemp lower_read_pc_aligned(LowerCtx *ctx)
{
    return ir_movi(ctx->ir, (ctx->pc + (ctx->thumb ? 4 : 8)) & ~3u);
}

void lower_write_reg(LowerCtx *ctx, int n, IrTemp v)
{
    ir_sts32(ctx->ir, CPU_OFF(r[n]), v);
}

void lower_write_reg_alu(LowerCtx *ctx, int n, IrTemp v)
{
    if (n != 15)
        lower_write_reg(ctx, n, v);
    else if (ctx->thumb || ctx->v4t) /* ARMv4T: ALU writes to pc never interwork */
        lower_exit_branch(ctx, v);
    else
        lower_exit_bx(ctx, v);
}

void lower_write_reg_load(LowerCtx *ctx, int n, IrTemp v)
{
    if (n != 15)
        lower_write_reg(ctx, n, v);
    else if (ctx->v4t) /* ARMv4T: LDR pc and LDM/POP {pc} stay in the current state */
        lower_exit_branch(ctx, v);
    else
        lower_exit_bx(ctx, v);
}

/* --- flags ------------------------------------------------------------- */

void lower_set_nz(LowerCtx *ctx, IrTemp r)
{
    IrBlock *b = ctx->ir;
    ir_sts32(b, CPU_OFF(nf), ir_op2(b, IR_LSHR, r, ir_movi(b, 31)));
    ir_sts32(b, CPU_OFF(zf), ir_op2(b, IR_SETEQ, r, ir_movi(b, 0)));
}

void lower_set_c(LowerCtx *ctx, IrTemp c)
{
    ir_sts32(ctx->ir, CPU_OFF(cf), c);
}

void lower_set_v(LowerCtx *ctx, IrTemp v)
{
    ir_sts32(ctx->ir, CPU_OFF(vf), v);
}

IrTemp lower_get_c(LowerCtx *ctx)
{
    return ir_lds32(ctx->ir, CPU_OFF(cf));
}

static IrTemp flag(LowerCtx *ctx, size_t off)
{
    return ir_lds32(ctx->ir, off);
}

static IrTemp not1(IrBlock *b, IrTemp x)
{
    return ir_op2(b, IR_XOR, x, ir_movi(b, 1));
}

IrTemp lower_cond(LowerCtx *ctx, int cond)
{
    IrBlock *b = ctx->ir;
    IrTemp r;
    switch (cond >> 1) {
    case 0: r = flag(ctx, CPU_OFF(zf)); break;
    case 1: r = flag(ctx, CPU_OFF(cf)); break;
    case 2: r = flag(ctx, CPU_OFF(nf)); break;
    case 3: r = flag(ctx, CPU_OFF(vf)); break;
    case 4: /* HI: C && !Z */
        r = ir_op2(b, IR_AND, flag(ctx, CPU_OFF(cf)), not1(b, flag(ctx, CPU_OFF(zf))));
        break;
    case 5: /* GE: N == V */
        r = ir_op2(b, IR_SETEQ, flag(ctx, CPU_OFF(nf)), flag(ctx, CPU_OFF(vf)));
        break;
    case 6: /* GT: !Z && N == V */
        r = ir_op2(b, IR_AND, not1(b, flag(ctx, CPU_OFF(zf))),
                   ir_op2(b, IR_SETEQ, flag(ctx, CPU_OFF(nf)), flag(ctx, CPU_OFF(vf))));
        break;
    default: return ir_movi(b, 1);
    }
    return (cond & 1) ? not1(b, r) : r;
}

void lower_skip_unless(LowerCtx *ctx, int cond, IrLabel skip)
{
    if ((cond & 1) && cond < 14)
        ir_brnz(ctx->ir, lower_cond(ctx, cond & ~1), skip);
    else
        ir_brz(ctx->ir, lower_cond(ctx, cond), skip);
}

/* --- shifter ----------------------------------------------------------- */

static IrTemp bit_at(IrBlock *b, IrTemp v, IrTemp pos)
{
    return ir_op2(b, IR_AND, ir_op2(b, IR_LSHR, v, pos), ir_movi(b, 1));
}

IrTemp lower_shift_imm(LowerCtx *ctx, IrTemp v, arm_shifter type, unsigned n, IrTemp *carry)
{
    IrBlock *b = ctx->ir;
    if (n == 0 && type != ARM_SFT_RRX) {
        if (carry)
            *carry = lower_get_c(ctx);
        return v;
    }
    switch (type) {
    case ARM_SFT_LSL:
        if (carry)
            *carry = bit_at(b, v, ir_movi(b, 32 - n));
        return n >= 32 ? ir_movi(b, 0) : ir_op2(b, IR_SHL, v, ir_movi(b, n));
    case ARM_SFT_LSR:
        if (carry)
            *carry = bit_at(b, v, ir_movi(b, n - 1));
        return n >= 32 ? ir_movi(b, 0) : ir_op2(b, IR_LSHR, v, ir_movi(b, n));
    case ARM_SFT_ASR:
        if (carry)
            *carry = bit_at(b, v, ir_movi(b, n >= 32 ? 31 : n - 1));
        return ir_op2(b, IR_ASHR, v, ir_movi(b, n >= 32 ? 31 : n));
    case ARM_SFT_ROR: {
        IrTemp r = ir_op2(b, IR_ROR, v, ir_movi(b, n));
        if (carry)
            *carry = ir_op2(b, IR_LSHR, r, ir_movi(b, 31));
        return r;
    }
    case ARM_SFT_RRX: {
        IrTemp c = lower_get_c(ctx);
        if (carry)
            *carry = ir_op2(b, IR_AND, v, ir_movi(b, 1));
        return ir_op2(b, IR_OR, ir_op2(b, IR_LSHR, v, ir_movi(b, 1)), ir_op2(b, IR_SHL, c, ir_movi(b, 31)));
    }
    default:
        return v;
    }
}

/* Shifts by a register: amounts 0..255, ARM results for 32 and above. */
IrTemp lower_shift_reg(LowerCtx *ctx, IrTemp v, arm_shifter type, IrTemp amount, IrTemp *carry)
{
    IrBlock *b = ctx->ir;
    IrTemp s = ir_op1(b, IR_ZEXT8, amount);
    IrTemp zero = ir_movi(b, 0), one = ir_movi(b, 1), k32 = ir_movi(b, 32);
    IrTemp is_zero = ir_op2(b, IR_SETEQ, s, zero);
    IrTemp lt32 = ir_op2(b, IR_SETLTU, s, k32);
    IrTemp le32 = ir_op2(b, IR_SETLTU, s, ir_movi(b, 33));
    IrTemp res, c = IR_NO_TEMP;
    switch (type) {
    case ARM_SFT_LSL_REG:
    case ARM_SFT_LSL:
        res = ir_op3(b, IR_SELECT, lt32, ir_op2(b, IR_SHL, v, s), zero);
        if (carry)
            c = ir_op3(b, IR_SELECT, le32, bit_at(b, v, ir_op2(b, IR_SUB, k32, s)), zero);
        break;
    case ARM_SFT_LSR_REG:
    case ARM_SFT_LSR:
        res = ir_op3(b, IR_SELECT, lt32, ir_op2(b, IR_LSHR, v, s), zero);
        if (carry)
            c = ir_op3(b, IR_SELECT, le32, bit_at(b, v, ir_op2(b, IR_SUB, s, one)), zero);
        break;
    case ARM_SFT_ASR_REG:
    case ARM_SFT_ASR: {
        IrTemp clamped = ir_op3(b, IR_SELECT, lt32, s, ir_movi(b, 31));
        res = ir_op2(b, IR_ASHR, v, clamped);
        if (carry) {
            IrTemp pos = ir_op3(b, IR_SELECT, le32, ir_op2(b, IR_SUB, s, one), ir_movi(b, 31));
            c = bit_at(b, v, pos);
        }
        break;
    }
    default: /* ROR */
        res = ir_op2(b, IR_ROR, v, s);
        if (carry)
            c = ir_op2(b, IR_LSHR, res, ir_movi(b, 31));
        break;
    }
    if (carry)
        *carry = ir_op3(b, IR_SELECT, is_zero, lower_get_c(ctx), c);
    return res;
}

uint32_t arm_expand_imm(uint32_t imm12)
{
    uint32_t v = imm12 & 0xff, rot = 2 * ((imm12 >> 8) & 0xf);
    return rot ? (v >> rot) | (v << (32 - rot)) : v;
}

/* The carry of a modified immediate: unchanged when unrotated. */
static bool imm_is_rotated(const LowerCtx *ctx)
{
    uint32_t raw = ctx->insn->raw;
    if (!ctx->thumb)
        return ((raw >> 25) & 1) && ((raw >> 8) & 0xf) != 0;
    if (ctx->insn->size != 4 || (raw & 0xfa008000u) != 0xf0000000u)
        return false; /* not a T32 modified-immediate data-processing insn */
    uint32_t i_imm3_top = ((raw >> 26) & 1) << 1 | ((raw >> 14) & 1);
    return i_imm3_top != 0;
}

IrTemp lower_operand2(LowerCtx *ctx, unsigned i, IrTemp *carry)
{
    IrBlock *b = ctx->ir;
    const cs_arm_op *op = op_at(ctx, i);
    if (op->type == ARM_OP_IMM) {
        uint32_t v = (uint32_t)op->imm;
        /* Capstone prints some A32 modified immediates as "#imm, #rot":
         * the value comes from the encoding instead. */
        if (!ctx->thumb && ((ctx->insn->raw >> 25) & 7) == 1)
            v = arm_expand_imm(ctx->insn->raw & 0xfff);
        if (carry)
            *carry = imm_is_rotated(ctx) ? ir_movi(b, v >> 31) : lower_get_c(ctx);
        return ir_movi(b, v);
    }
    IrTemp v = lower_read_reg(ctx, arm_reg_index(op->reg));
    arm_shifter st = op->shift.type;
    if (st == ARM_SFT_INVALID) {
        if (carry)
            *carry = lower_get_c(ctx);
        return v;
    }
    if (st >= ARM_SFT_ASR_REG) {
        IrTemp amount = lower_read_reg(ctx, arm_reg_index(op->shift.value));
        return lower_shift_reg(ctx, v, st, amount, carry);
    }
    return lower_shift_imm(ctx, v, st, op->shift.value, carry);
}

/* --- leaving the block ------------------------------------------------- */

void lower_store_itstate(LowerCtx *ctx, uint32_t it)
{
    /* Only exits store the word, so until then it holds the IT state the
     * block was looked up with (an IT block that ends inside the block
     * leaves 0 where 0 was). */
    if (ctx->it_touched && it != ctx->it_entry)
        ir_sts32(ctx->ir, CPU_OFF(itstate), ir_movi(ctx->ir, it));
}

void lower_sync_itstate(LowerCtx *ctx)
{
    lower_store_itstate(ctx, ctx->it_next);
}

void lower_exit_direct(LowerCtx *ctx, uint32_t target, bool to_thumb)
{
    if (to_thumb != ctx->thumb)
        ir_sts32(ctx->ir, CPU_OFF(thumb), ir_movi(ctx->ir, to_thumb));
    lower_sync_itstate(ctx);
    uint32_t mode = (to_thumb ? ARM_MODEBIT_THUMB : 0) | ctx->it_next << ARM_MODEBIT_IT_SHIFT;
    ir_exit_to(ctx->ir, target, mode, IR_EXIT_JUMP);
    ctx->ends_block = true;
}

void lower_exit_bx(LowerCtx *ctx, IrTemp target)
{
    IrBlock *b = ctx->ir;
    IrTemp t = ir_op2(b, IR_AND, target, ir_movi(b, 1));
    ir_sts32(b, CPU_OFF(thumb), t);
    /* BXWritePC: Thumb clears bit 0 (mask ~1 = 1 - 3), ARM bits 1:0 (with
     * bit 0 already clear, ~2 = 0 - 3 does it): no select needed. */
    IrTemp mask = ir_op2(b, IR_ADD, t, ir_movi(b, 0u - 3));
    lower_sync_itstate(ctx);
    /* The Thumb bit is ARM_MODEBIT_THUMB of the next mode. */
    IrTemp mode = ir_op2(b, IR_OR, t, ir_movi(b, ctx->it_next << ARM_MODEBIT_IT_SHIFT));
    ir_exit_ind(b, ir_op2(b, IR_AND, target, mask), mode, IR_EXIT_INDIRECT);
    ctx->ends_block = true;
}

void lower_exit_branch(LowerCtx *ctx, IrTemp target)
{
    IrBlock *b = ctx->ir;
    lower_sync_itstate(ctx);
    uint32_t mode = (ctx->thumb ? ARM_MODEBIT_THUMB : 0) | ctx->it_next << ARM_MODEBIT_IT_SHIFT;
    ir_exit_ind(b, ir_op2(b, IR_AND, target, ir_movi(b, ctx->thumb ? ~1u : ~3u)), ir_movi(b, mode), IR_EXIT_INDIRECT);
    ctx->ends_block = true;
}

void lower_exit_kind(LowerCtx *ctx, uint32_t pc, IrExitKind kind)
{
    lower_sync_itstate(ctx);
    ir_exit(ctx->ir, pc, kind);
    ctx->ends_block = true;
}

void lower_exception_return(LowerCtx *ctx, IrTemp new_pc)
{
    IrBlock *b = ctx->ir;
    /* The helper restores IT and T from the SPSR: no IT sync here. */
    ir_call(b, HELPER_exception_return, new_pc, IR_NO_TEMP, IR_NO_TEMP);
    ir_exit_ind(b, ir_lds32(b, CPU_OFF(r[15])), ir_movi(b, IR_MODE_UNKNOWN), IR_EXIT_YIELD);
    ctx->ends_block = true;
}

void lower_check_status(LowerCtx *ctx, IrTemp status)
{
    IrBlock *b = ctx->ir;
    IrLabel ok = ir_new_label(b), unimpl = ir_new_label(b);
    ir_brz(b, status, ok);
    ir_brz(b, ir_op2(b, IR_SETEQ, status, ir_movi(b, 1)), unimpl);
    lower_exit_fault(ctx, IR_EXIT_UNDEF);
    ir_label(b, unimpl);
    lower_exit_fault(ctx, IR_EXIT_UNIMPL);
    ir_label(b, ok);
    ctx->ends_block = false; /* the instruction goes on when the status is 0 */
}

void lower_exit_resync(LowerCtx *ctx)
{
    lower_exit_kind(ctx, ctx->next_pc, IR_EXIT_YIELD);
}

void lower_exit_resync_if(LowerCtx *ctx, IrTemp needed)
{
    IrBlock *b = ctx->ir;
    IrLabel go_on = ir_new_label(b);
    ir_brz(b, needed, go_on);
    lower_exit_resync(ctx);
    ir_label(b, go_on);
    ctx->ends_block = false;
}

void lower_exit_fault(LowerCtx *ctx, IrExitKind kind)
{
    /* The exception is taken with the state of the faulting instruction. */
    lower_store_itstate(ctx, ctx->it_cur);
    ir_exit(ctx->ir, ctx->pc, kind);
    ctx->ends_block = true;
}

bool lower_unimplemented(LowerCtx *ctx)
{
    lower_exit_fault(ctx, IR_EXIT_UNIMPL);
    return true;
}
