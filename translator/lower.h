/*
 * The lowering toolkit shared by every instruction family.
 *
 * A family is a set of TranslateFn, each handling one or more Capstone
 * instruction ids, registered in a TransEntry table (see families.h).  A
 * TranslateFn gets a LowerCtx describing the current instruction and emits
 * IR into ctx->ir.  It returns false if it does not handle this encoding
 * (the translator then reports the instruction as unimplemented).
 *
 * Conditional execution is handled by the translator around the call: a
 * TranslateFn emits the unconditional semantics.  Instructions that leave
 * the block (branches, SVC, writes to pc) call one of the lower_exit_* or
 * lower_write_pc_* functions, which set ctx->ends_block.
 *
 * Ordering rule (precise faults): emit every guest memory access of an
 * instruction before any write to guest registers, so a faulting access
 * leaves the registers as they were before the instruction.
 */
#ifndef SCION_LOWER_H
#define SCION_LOWER_H

#include <stddef.h>

#include "frontend/arm_cpu.h"
#include "frontend/arm_decode.h"
#include "translator/helpers.h"
#include "translator/ir.h"

typedef struct LowerCtx {
    IrBlock *ir;
    const ArmInsn *insn;
    uint32_t pc;        /* address of this instruction */
    uint32_t next_pc;   /* address of the next instruction */
    bool thumb;
    bool in_it;         /* inside an IT block (not the IT instruction itself) */
    uint32_t it_cur;    /* IT state of this instruction */
    uint32_t it_next;   /* IT state after this instruction */
    bool ends_block;    /* set by the lowering when control leaves the block */
    bool it_touched;    /* the block involves IT state: exits must store it */
    uint32_t it_entry;  /* IT state as the block starts, which CpuCommon's itstate
                         * word holds until an exit stores another (lower_store_itstate) */
    void *log;          /* Log*, for unimplemented-feature reports */
    bool system;        /* full system: privileged instructions are real */
    bool vfp_off;       /* system mode: VFP instructions are UNDEFINED */
    bool align_all;     /* system mode with SCTLR.A: every access must be aligned */
    bool v4t;           /* ARMv4T (ARM7TDMI): no interworking on loads and ALU writes to pc,
                         * rotated unaligned loads, stores of pc read pc + 12 */
} LowerCtx;

/* The alignment mask of an access of size bytes that the instruction
 * requires to be aligned to `required` + 1 bytes (0: no requirement). */
static inline unsigned lower_amask(const LowerCtx *ctx, unsigned required, unsigned size)
{
    unsigned natural = ctx->align_all ? size - 1 : 0;
    return required > natural ? required : natural;
}

typedef bool (*TranslateFn)(LowerCtx *ctx);

typedef struct TransEntry {
    unsigned id; /* arm_insn */
    TranslateFn fn;
} TransEntry;

#define CPU_OFF(field) offsetof(ArmCpu, field)

/* --- operands ---------------------------------------------------------- */
static inline const cs_arm_op *op_at(const LowerCtx *ctx, unsigned i) { return &ctx->insn->detail->operands[i]; }
static inline unsigned op_count(const LowerCtx *ctx) { return ctx->insn->detail->op_count; }
/* Register index 0..15 of operand i, or -1 if it is not a core register. */
int op_reg(const LowerCtx *ctx, unsigned i);
bool op_is_reg(const LowerCtx *ctx, unsigned i);
bool op_is_imm(const LowerCtx *ctx, unsigned i);
bool insn_sets_flags(const LowerCtx *ctx);

/* --- registers --------------------------------------------------------- */
/* Read core register n; r15 reads as the architectural pc (insn + 8 or + 4). */
IrTemp lower_read_reg(LowerCtx *ctx, int n);
/* Align(PC, 4) as used by literal loads and ADR. */
IrTemp lower_read_pc_aligned(LowerCtx *ctx);
/* Write core register n (0..14). */
void lower_write_reg(LowerCtx *ctx, int n, IrTemp v);
/* Write a value to a register that may be r15, choosing the pc-write rule:
 * ALU results (ALUWritePC), loads (LoadWritePC) or plain branches. */
void lower_write_reg_alu(LowerCtx *ctx, int n, IrTemp v);
void lower_write_reg_load(LowerCtx *ctx, int n, IrTemp v);

/* --- flags ------------------------------------------------------------- */
void lower_set_nz(LowerCtx *ctx, IrTemp result);
void lower_set_c(LowerCtx *ctx, IrTemp c);
void lower_set_v(LowerCtx *ctx, IrTemp v);
IrTemp lower_get_c(LowerCtx *ctx);
/* 1 if condition code cond (0..13) passes, built from the flag words. */
IrTemp lower_cond(LowerCtx *ctx, int cond);
/* Branch to skip unless cond holds: an odd condition (NE, CC, ...) is its
 * even one's value branched on the other way, with no NOT in between. */
void lower_skip_unless(LowerCtx *ctx, int cond, IrLabel skip);

/* --- shifter ----------------------------------------------------------- */
/* Shift value by an immediate amount (ARM DecodeImmShift semantics already
 * applied by Capstone: type is arm_shifter, amount 0..32).  If carry_out is
 * non-NULL, *carry_out receives the shifter carry (old C when unchanged). */
IrTemp lower_shift_imm(LowerCtx *ctx, IrTemp v, arm_shifter type, unsigned amount, IrTemp *carry_out);
/* Shift by a register amount (bottom byte of amount), ARM semantics for
 * amounts of 32 and more. */
IrTemp lower_shift_reg(LowerCtx *ctx, IrTemp v, arm_shifter type, IrTemp amount, IrTemp *carry_out);
/* Value of a flexible operand i (register with optional shift, or
 * immediate).  carry_out as above; an immediate with a rotation sets the
 * carry to bit 31 of the value (A32 ARMExpandImm_C / T32 ThumbExpandImm_C). */
IrTemp lower_operand2(LowerCtx *ctx, unsigned i, IrTemp *carry_out);

/* A32 modified immediate: imm8 rotated right by twice the 4-bit rotation. */
uint32_t arm_expand_imm(uint32_t imm12);

/* --- leaving the block ------------------------------------------------- */
void lower_exit_direct(LowerCtx *ctx, uint32_t target, bool to_thumb);
/* BXWritePC: bit 0 selects Thumb. */
void lower_exit_bx(LowerCtx *ctx, IrTemp target);
/* BranchWritePC: stay in the current instruction set. */
void lower_exit_branch(LowerCtx *ctx, IrTemp target);
/* Exceptions and syscalls: pc as given, kind says why. */
void lower_exit_kind(LowerCtx *ctx, uint32_t pc, IrExitKind kind);
/* Store the IT state that applies after this instruction (before exits). */
void lower_sync_itstate(LowerCtx *ctx);
/* Store IT state `it` into the state as the block leaves, unless the word
 * holds it already (it_entry). */
void lower_store_itstate(LowerCtx *ctx, uint32_t it);

/* System mode: CPSR <- SPSR and continue at new_pc (SUBS pc, lr; LDM ^; RFE). */
void lower_exception_return(LowerCtx *ctx, IrTemp new_pc);
/* Leave the block after this instruction and look the next one up again
 * (system state that affects translation or interrupts may have changed). */
void lower_exit_resync(LowerCtx *ctx);
/* The same when `needed` (a helper's answer) is not 0; else go on. */
void lower_exit_resync_if(LowerCtx *ctx, IrTemp needed);

/* Continue when status (a helper's ArmCp15Status-like result) is 0; leave
 * with UNDEF for 1, with UNIMPL (reported) for anything else. */
void lower_check_status(LowerCtx *ctx, IrTemp status);

/* Leave the block at this instruction with its own IT state (UNDEF, BKPT). */
void lower_exit_fault(LowerCtx *ctx, IrExitKind kind);
/* An encoding scion decodes but does not implement: the dispatcher reports
 * it (with its bytes and pc) when it is reached, and stops the guest. */
bool lower_unimplemented(LowerCtx *ctx);

#endif
