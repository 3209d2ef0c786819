/*
 * Shared between the two halves of the LLVM emitter: llvm_emit.c (the shape
 * of a unit: guest-state slots, members, exits and chaining) and
 * llvm_emit_ops.c (one IR op at a time: values, memory, helper calls).
 */
#ifndef SCION_LLVM_EMIT_INTERNAL_H
#define SCION_LLVM_EMIT_INTERNAL_H

#include <llvm-c/Core.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend/cpu_common.h"
#include "backend/jit_unit.h"

#define COMMON_OFF(field) ((uint32_t)offsetof(CpuCommon, field))

/* A guest state word kept in an alloca (so in SSA values) across the unit. */
typedef struct Slot {
    uint32_t offset;
    uint8_t size; /* 4 or 8 */
    bool cached;
    bool counter; /* icount or a --stats counter: written by every member */
    LLVMValueRef alloca_;
} Slot;

typedef struct Emitter {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    LLVMBuilderRef entry_b; /* appends allocas to the entry block */
    LLVMValueRef fn, state;
    LLVMTypeRef i1, i8, i16, i32, i64, ptr, fn_type;
    const JitUnit *unit;
    /* The member being emitted. */
    const InterpCode *code;
    unsigned member;
    LLVMValueRef *temps;          /* SSA value of each temp, or NULL */
    LLVMValueRef *temp_slot;      /* alloca for temps used across basic blocks */
    LLVMBasicBlockRef *label_bb;  /* by insn index of LABEL ops */
    uint64_t insn_start;          /* imm of the current INSN_START */
    /* The whole unit. */
    Slot *slots;
    unsigned nslots;
    LLVMBasicBlockRef *member_bb; /* entry of each member */
    bool *dirty_in;               /* [member][slot]: some path from the entry to the member wrote it */
    bool *dirty;                  /* [slot]: some path from the entry or the last
                                     restart point to here wrote it */
    bool *label_dirty;            /* [insn index][slot]: dirty on branches to that label */
    bool checkpointed;            /* the current instruction is the restart point */
    bool checkpoint_next;         /* the next instruction must be one (emit_checkpoint) */
    LLVMValueRef mem_base, lookup;
    LLVMValueRef cells;           /* chain cells of external direct exits */
    unsigned ncells;
} Emitter;

static inline LLVMValueRef c32(Emitter *e, uint32_t v)
{
    return LLVMConstInt(e->i32, v, false);
}

static inline LLVMValueRef c64(Emitter *e, uint64_t v)
{
    return LLVMConstInt(e->i64, v, false);
}

static inline LLVMValueRef state_ptr(Emitter *e, uint32_t offset)
{
    LLVMValueRef idx = c64(e, offset);
    return LLVMBuildGEP2(e->b, e->i8, e->state, &idx, 1, "");
}

/* llvm_emit.c */
LLVMValueRef emit_read_state(Emitter *e, uint32_t offset, uint8_t size);
void emit_write_state(Emitter *e, uint32_t offset, uint8_t size, LLVMValueRef v);
void emit_store_slots(Emitter *e);
void emit_load_slots(Emitter *e);
/* Before a call that may fault or look at the state: make it precise. */
void emit_sync_for_call(Emitter *e);
/* A conditional branch that LLVM lays out for the likely side. */
void emit_cond_br_likely(Emitter *e, LLVMValueRef cond, LLVMBasicBlockRef likely, LLVMBasicBlockRef unlikely);
/* User mode: make the current instruction the restart point (state written
 * back, CpuCommon.insn_pc/insn_mode naming it).  See llvm_emit.c. */
void emit_checkpoint(Emitter *e);
LLVMValueRef emit_runtime_fn(Emitter *e, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, unsigned n,
                             LLVMTypeRef *fty);

/* llvm_emit_ops.c */
/* System mode: the softmmu TLB entry of a guest address, and one of its
 * 32-bit fields (byte offset in TlbEntry). */
LLVMValueRef emit_tlb_entry(Emitter *e, LLVMValueRef addr);
LLVMValueRef emit_tlb_field(Emitter *e, LLVMValueRef entry, unsigned offset);
void emit_plan_temps(Emitter *e);
LLVMValueRef emit_get32(Emitter *e, IrTemp t);
LLVMValueRef emit_get64(Emitter *e, IrTemp t);
void emit_set_temp(Emitter *e, IrTemp t, LLVMValueRef v);
/* The value of an op with a result (NULL if the op has none). */
LLVMValueRef emit_value_op(Emitter *e, const IrInsn *in);
void emit_store_op(Emitter *e, const IrInsn *in);

#endif
