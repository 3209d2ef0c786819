/*
 * scion IR: a linear list of typed three-address ops over numbered temps.
 *
 * A translated guest block becomes one IrBlock.  Control flow inside a block
 * is forward-only (labels and conditional branches, used for conditional
 * execution); leaving the block is always an EXIT/EXIT_IND op, which names
 * the next guest pc and why the block ended (IrExitKind).
 *
 *   IrBlock *b = ir_block_new();
 *   IrTemp x = ir_lds32(b, offsetof(ArmCpu, r[1]));
 *   IrTemp y = ir_op2(b, IR_ADD, x, ir_movi(b, 4));
 *   ir_sts32(b, offsetof(ArmCpu, r[0]), y);
 *   ir_exit(b, 0x8004, IR_EXIT_JUMP);
 *
 * Temps are single-assignment by construction of the builder API.  Both
 * executors (backend/interp.c and the LLVM emitter) handle every op.
 */
#ifndef SCION_IR_H
#define SCION_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "translator/ir_ops.h"

typedef uint16_t IrTemp;
typedef uint16_t IrLabel;

#define IR_NO_TEMP ((IrTemp)0xffff)
#define IR_MAX_TEMPS 0xfff0

/* Why a block ended; the dispatcher acts on it. */
typedef enum IrExitKind {
    IR_EXIT_JUMP,     /* direct branch or fall-through to a known pc */
    IR_EXIT_INDIRECT, /* computed target (BX, POP {pc}, LDR pc, ...) */
    IR_EXIT_SYSCALL,  /* SVC: pc already points past the SVC */
    IR_EXIT_UNDEF,    /* undefined instruction at pc: guest SIGILL */
    IR_EXIT_BKPT,     /* BKPT at pc: guest SIGTRAP */
    IR_EXIT_UNIMPL,   /* valid instruction at pc that scion lacks */
    IR_EXIT_YIELD,    /* state changed in a way that needs a new lookup */
    IR_EXIT_WFI,      /* system mode: wait for interrupt, pc past the WFI */
    IR_EXIT_HVC,      /* system mode: HVC (PSCI calls), pc past the HVC */
    IR_EXIT_KIND_COUNT
} IrExitKind;

typedef struct IrInsn {
    uint8_t op;       /* IrOp */
    uint8_t aux;      /* exit kind or per-op flag */
    IrTemp dst;
    IrTemp a, b, c;
    uint64_t imm;
} IrInsn;

typedef struct IrBlock {
    IrInsn *insns;
    size_t count, capacity;
    unsigned ntemps;
    unsigned nlabels;
    bool overflow; /* too many temps: the translator must end the block earlier */
} IrBlock;

typedef struct IrOpInfo {
    const char *name;
    uint8_t nargs;
    uint8_t result; /* IR_RESULT_* */
} IrOpInfo;

enum { IR_RESULT_V, IR_RESULT_I32, IR_RESULT_I64 };

extern const IrOpInfo ir_op_info[IR_OP_COUNT];

IrBlock *ir_block_new(void);
void ir_block_free(IrBlock *b);
void ir_block_reset(IrBlock *b);

/* Append an op; returns its dst temp (IR_NO_TEMP for ops without result). */
IrTemp ir_emit(IrBlock *b, IrOp op, IrTemp a, IrTemp bb, IrTemp c, uint64_t imm, uint8_t aux);

static inline IrTemp ir_op1(IrBlock *b, IrOp op, IrTemp a) { return ir_emit(b, op, a, IR_NO_TEMP, IR_NO_TEMP, 0, 0); }
static inline IrTemp ir_op2(IrBlock *b, IrOp op, IrTemp a, IrTemp x) { return ir_emit(b, op, a, x, IR_NO_TEMP, 0, 0); }
static inline IrTemp ir_op3(IrBlock *b, IrOp op, IrTemp a, IrTemp x, IrTemp y) { return ir_emit(b, op, a, x, y, 0, 0); }
static inline IrTemp ir_movi(IrBlock *b, uint32_t v) { return ir_emit(b, IR_MOVI, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, v, 0); }
static inline IrTemp ir_movi64(IrBlock *b, uint64_t v) { return ir_emit(b, IR_MOVI64, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, v, 0); }
static inline IrTemp ir_lds32(IrBlock *b, size_t off) { return ir_emit(b, IR_LDS32, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, off, 0); }
static inline IrTemp ir_lds64(IrBlock *b, size_t off) { return ir_emit(b, IR_LDS64, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, off, 0); }
static inline void ir_sts32(IrBlock *b, size_t off, IrTemp v) { ir_emit(b, IR_STS32, v, IR_NO_TEMP, IR_NO_TEMP, off, 0); }
static inline void ir_sts64(IrBlock *b, size_t off, IrTemp v) { ir_emit(b, IR_STS64, v, IR_NO_TEMP, IR_NO_TEMP, off, 0); }
static inline IrTemp ir_load(IrBlock *b, IrOp op, IrTemp addr) { return ir_op1(b, op, addr); }
static inline void ir_store(IrBlock *b, IrOp op, IrTemp addr, IrTemp v) { ir_emit(b, op, addr, v, IR_NO_TEMP, 0, 0); }
/* The same with access flags in aux: a mask of address bits that must be 0
 * (system mode raises an alignment fault; user mode ignores it, as Linux
 * fixes up misaligned user accesses), and IR_MEM_UNPRIV for an access
 * checked as User mode's whatever the current mode (LDRT, STRT). */
#define IR_MEM_UNPRIV 0x80u
static inline IrTemp ir_load_al(IrBlock *b, IrOp op, IrTemp addr, unsigned flags)
{
    return ir_emit(b, op, addr, IR_NO_TEMP, IR_NO_TEMP, 0, (uint8_t)flags);
}
static inline void ir_store_al(IrBlock *b, IrOp op, IrTemp addr, IrTemp v, unsigned flags)
{
    ir_emit(b, op, addr, v, IR_NO_TEMP, 0, (uint8_t)flags);
}
static inline IrTemp ir_call(IrBlock *b, unsigned helper, IrTemp a, IrTemp x, IrTemp y)
{
    return ir_emit(b, IR_CALL, a, x, y, helper, 0);
}

IrLabel ir_new_label(IrBlock *b);
void ir_label(IrBlock *b, IrLabel l);
void ir_br(IrBlock *b, IrLabel l);
void ir_brz(IrBlock *b, IrTemp cond, IrLabel l);
void ir_brnz(IrBlock *b, IrTemp cond, IrLabel l);
/* Leave the block.  The next translation mode is part of a direct exit when
 * the translator knows it (IR_MODE_UNKNOWN otherwise), and always part of an
 * indirect one: compiled code uses it to link blocks without the dispatcher. */
#define IR_MODE_UNKNOWN 0xffffffffu
void ir_exit(IrBlock *b, uint32_t next_pc, IrExitKind kind);
void ir_exit_to(IrBlock *b, uint32_t next_pc, uint32_t next_mode, IrExitKind kind);
void ir_exit_ind(IrBlock *b, IrTemp next_pc, IrTemp next_mode, IrExitKind kind);
static inline uint32_t ir_exit_pc(const IrInsn *in) { return (uint32_t)in->imm; }
static inline uint32_t ir_exit_mode(const IrInsn *in) { return (uint32_t)(in->imm >> 32); }

/* Does op `in` read temp t? */
static inline bool ir_reads(const IrInsn *in, IrTemp t)
{
    const IrTemp args[3] = {in->a, in->b, in->c};
    for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
        if (args[k] == t)
            return true;
    return false;
}

/* Check structural rules (temps defined before use, labels forward and
 * placed, block ends in an exit).  Returns NULL or a static description. */
const char *ir_validate(const IrBlock *b);

void ir_print(const IrBlock *b, FILE *out);
const char *ir_exit_kind_name(IrExitKind k);

#endif
