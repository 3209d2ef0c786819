/*
 * A JitUnit (one or more translated blocks) -> one LLVM function
 *     i64 NAME(ptr state, ptr link, i64 pc)   ; exit kind << 32 | next pc
 *
 * Guest state words (LDS/STS at fixed offsets) live in allocas for the
 * whole unit, so LLVM keeps guest registers and flags in SSA values across
 * the unit's blocks and loops and drops dead flag computations.  They are
 * loaded at entry and written back at exits, before helper calls, at
 * restart points and (system mode) before memory slow paths, each time only
 * the words some path since the last write-back changed (the dirty sets);
 * helper calls reload them afterwards.  Words accessed with overlapping
 * sizes (VFP S and D registers) go to memory directly.
 *
 * User mode: guest accesses are not checked.  A host fault in a unit goes
 * back to its last restart point (emit_checkpoint: the entry, each store
 * instruction, each instruction that writes a state word directly and the
 * one after it, the instruction after a helper call), where the state was
 * written back and insn_pc names the instruction, and the baseline tier
 * runs on from there (user/signal.c).
 * Between two restart points there is at most one store instruction, at
 * the first, and nothing else that changes memory or state, so running
 * those instructions again gives what the first run would have.
 *
 * Exits:
 *  - to a member of the unit: a branch (on a back-edge, only if no exit is
 *    requested, so signals and code invalidation are noticed in loops);
 *  - other direct exits: a tail call through a cell of the unit, which
 *    starts at scion_chain_miss and which the dispatcher points at the
 *    successor's code once that is compiled (QEMU's block chaining);
 *  - indirect branches: a tail call to the entry of CpuCommon.lookup that
 *    matches the target pc and mode, else back to the dispatcher;
 *  - anything else returns to the dispatcher.
 */
#include "backend/llvm_emit.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu_common.h"
#include "backend/llvm_emit_internal.h"
#include "backend/softmmu.h"


/* --- guest state slots ------------------------------------------------- */

static Slot *find_slot(const Emitter *e, uint32_t offset, uint8_t size)
{
    for (unsigned i = 0; i < e->nslots; i++)
        if (e->slots[i].offset == offset && e->slots[i].size == size)
            return &e->slots[i];
    return NULL;
}

static bool overlaps(const Slot *a, uint32_t off, uint8_t size)
{
    return a->offset < off + size && off < a->offset + a->size;
}

static Slot *add_slot(Emitter *e, uint32_t offset, uint8_t size)
{
    Slot *s = find_slot(e, offset, size);
    if (!s) {
        s = &e->slots[e->nslots++];
        *s = (Slot){.offset = offset, .size = size, .cached = true};
    }
    return s;
}

/* A 64-bit counter that every member adds to (always written back). */
static void add_counter(Emitter *e, uint32_t offset)
{
    add_slot(e, offset, 8)->counter = true;
}

/* The state words the unit touches (and its counters); overlapping ones
 * are not cached. */
static void collect_slots(Emitter *e)
{
    size_t total = 4;
    for (unsigned m = 0; m < e->unit->nmembers; m++)
        total += e->unit->members[m].code->count;
    e->slots = calloc(total, sizeof *e->slots);
    for (unsigned m = 0; m < e->unit->nmembers; m++) {
        const InterpCode *code = e->unit->members[m].code;
        for (size_t i = 0; i < code->count; i++) {
            const IrInsn *in = &code->insns[i];
            if (in->op == IR_LDS32 || in->op == IR_STS32)
                add_slot(e, (uint32_t)in->imm, 4);
            else if (in->op == IR_LDS64 || in->op == IR_STS64)
                add_slot(e, (uint32_t)in->imm, 8);
        }
    }
    for (unsigned i = 0; i < e->nslots; i++)
        for (unsigned j = 0; j < e->nslots; j++)
            if (i != j && overlaps(&e->slots[j], e->slots[i].offset, e->slots[i].size))
                e->slots[i].cached = false;
    if (e->unit->icount)
        add_counter(e, COMMON_OFF(icount));
    if (e->unit->count) {
        add_counter(e, COMMON_OFF(jit_entries));
        add_counter(e, COMMON_OFF(jit_blocks));
        add_counter(e, COMMON_OFF(jit_insns));
    }
}

static LLVMTypeRef slot_type(Emitter *e, const Slot *s)
{
    return s->size == 8 ? e->i64 : e->i32;
}

void emit_load_slots(Emitter *e)
{
    for (unsigned i = 0; i < e->nslots; i++) {
        Slot *s = &e->slots[i];
        if (s->cached)
            LLVMBuildStore(e->b, LLVMBuildLoad2(e->b, slot_type(e, s), state_ptr(e, s->offset), ""), s->alloca_);
    }
}

/* Only the slots that some path since the last write-back changed: the
 * others still hold what the state holds. */
void emit_store_slots(Emitter *e)
{
    for (unsigned i = 0; i < e->nslots; i++) {
        Slot *s = &e->slots[i];
        if (s->cached && (e->dirty[i] || s->counter))
            LLVMBuildStore(e->b, LLVMBuildLoad2(e->b, slot_type(e, s), s->alloca_, ""), state_ptr(e, s->offset));
    }
}

LLVMValueRef emit_read_state(Emitter *e, uint32_t offset, uint8_t size)
{
    Slot *s = find_slot(e, offset, size);
    LLVMTypeRef t = size == 8 ? e->i64 : e->i32;
    if (s && s->cached)
        return LLVMBuildLoad2(e->b, t, s->alloca_, "");
    return LLVMBuildLoad2(e->b, t, state_ptr(e, offset), "");
}

void emit_write_state(Emitter *e, uint32_t offset, uint8_t size, LLVMValueRef v)
{
    Slot *s = find_slot(e, offset, size);
    if (s && s->cached)
        e->dirty[s - e->slots] = true;
    else
        e->checkpoint_next = true; /* the state itself changed: no running it again */
    LLVMBuildStore(e->b, v, (s && s->cached) ? s->alloca_ : state_ptr(e, offset));
}

static void add_to_slot(Emitter *e, uint32_t offset, uint64_t n)
{
    LLVMValueRef v = emit_read_state(e, offset, 8);
    emit_write_state(e, offset, 8, LLVMBuildAdd(e->b, v, c64(e, n), ""));
}

void emit_sync_for_call(Emitter *e)
{
    emit_store_slots(e);
    LLVMBuildStore(e->b, c32(e, (uint32_t)e->insn_start), state_ptr(e, COMMON_OFF(insn_pc)));
    LLVMBuildStore(e->b, c32(e, (uint32_t)(e->insn_start >> 32)), state_ptr(e, COMMON_OFF(insn_mode)));
}

LLVMValueRef emit_runtime_fn(Emitter *e, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, unsigned n,
                             LLVMTypeRef *fty)
{
    *fty = LLVMFunctionType(ret, params, n, false);
    LLVMValueRef f = LLVMGetNamedFunction(e->mod, name);
    return f ? f : LLVMAddFunction(e->mod, name, *fty);
}

/* --- exits ------------------------------------------------------------- */

static int find_member(const Emitter *e, uint32_t pc, uint32_t mode)
{
    for (unsigned m = 0; m < e->unit->nmembers; m++)
        if (e->unit->members[m].pc == pc && e->unit->members[m].mode == mode)
            return (int)m;
    return -1;
}

/* The key mode of a direct exit's target (IR_MODE_UNKNOWN: not linkable). */
static uint32_t target_mode_of(const Emitter *e, unsigned member, const IrInsn *in)
{
    const JitMember *m = &e->unit->members[member];
    return jit_direct_target_mode(e->unit->page_local_bits, m->pc, m->mode, ir_exit_pc(in), ir_exit_mode(in));
}

static uint32_t target_mode(const Emitter *e, const IrInsn *in)
{
    return target_mode_of(e, e->member, in);
}

/* The member a direct exit of `member` branches to inside the unit, or -1. */
static int internal_target(const Emitter *e, unsigned member, const IrInsn *in)
{
    if (!e->unit->chain || in->op != IR_EXIT || in->aux != IR_EXIT_JUMP)
        return -1;
    uint32_t mode = target_mode_of(e, member, in);
    return mode == IR_MODE_UNKNOWN ? -1 : find_member(e, ir_exit_pc(in), mode);
}

/* For each member, the slots that some path from the unit's entry to the
 * member's start writes (a fixpoint over the branches between members;
 * a member counts as writing everything it writes anywhere). */
static void plan_dirty_slots(Emitter *e)
{
    unsigned n = e->unit->nmembers, ns = e->nslots;
    bool *writes = calloc((size_t)n * ns + 1, 1);
    e->dirty_in = calloc((size_t)n * ns + 1, 1);
    e->dirty = calloc(ns + 1, 1);
    for (unsigned m = 0; m < n; m++) {
        const InterpCode *code = e->unit->members[m].code;
        for (size_t i = 0; i < code->count; i++) {
            const IrInsn *in = &code->insns[i];
            Slot *s = in->op == IR_STS32 ? find_slot(e, (uint32_t)in->imm, 4)
                    : in->op == IR_STS64 ? find_slot(e, (uint32_t)in->imm, 8) : NULL;
            if (s)
                writes[(size_t)m * ns + (size_t)(s - e->slots)] = true;
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (unsigned m = 0; m < n; m++) {
            const InterpCode *code = e->unit->members[m].code;
            for (size_t i = 0; i < code->count; i++) {
                int t = internal_target(e, m, &code->insns[i]);
                for (unsigned k = 0; t >= 0 && k < ns; k++) {
                    bool out = e->dirty_in[(size_t)m * ns + k] || writes[(size_t)m * ns + k];
                    if (out && !e->dirty_in[(size_t)t * ns + k])
                        e->dirty_in[(size_t)t * ns + k] = changed = true;
                }
            }
        }
    }
    free(writes);
}

/* A direct exit that may be chained: a known next mode, outside the unit. */
static bool is_chainable(const Emitter *e, const IrInsn *in)
{
    return e->unit->chain && in->op == IR_EXIT && in->aux == IR_EXIT_JUMP && target_mode(e, in) != IR_MODE_UNKNOWN &&
           find_member(e, ir_exit_pc(in), target_mode(e, in)) < 0;
}

static void build_result(Emitter *e, uint8_t kind, LLVMValueRef pc32)
{
    LLVMValueRef r = LLVMBuildOr(e->b, LLVMBuildZExt(e->b, pc32, e->i64, ""), c64(e, (uint64_t)kind << 32), "");
    LLVMBuildRet(e->b, r);
}

static void emit_return(Emitter *e, uint8_t kind, LLVMValueRef pc32)
{
    emit_store_slots(e);
    build_result(e, kind, pc32);
}

void emit_cond_br_likely(Emitter *e, LLVMValueRef cond, LLVMBasicBlockRef likely, LLVMBasicBlockRef unlikely)
{
    LLVMValueRef br = LLVMBuildCondBr(e->b, cond, likely, unlikely);
    LLVMMetadataRef md[3] = {LLVMMDStringInContext2(e->ctx, "branch_weights", 14),
                             LLVMValueAsMetadata(c32(e, 2000)), LLVMValueAsMetadata(c32(e, 1))};
    LLVMSetMetadata(br, LLVMGetMDKindIDInContext(e->ctx, "prof", 4),
                    LLVMMetadataAsValue(e->ctx, LLVMMDNodeInContext2(e->ctx, md, 3)));
}

void emit_checkpoint(Emitter *e)
{
    emit_sync_for_call(e);
    memset(e->dirty, 0, e->nslots);
    e->checkpointed = true;
}

/* Branch to `go` unless an exit is requested; the other way returns
 * (kind, pc) with the state already written back. */
static void leave_if_requested(Emitter *e, uint8_t kind, LLVMValueRef pc32, LLVMBasicBlockRef go, bool store)
{
    LLVMValueRef req = LLVMBuildLoad2(e->b, e->i32, state_ptr(e, COMMON_OFF(exit_request)), "");
    LLVMSetVolatile(req, true);
    LLVMBasicBlockRef leave = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "leave");
    emit_cond_br_likely(e, LLVMBuildICmp(e->b, LLVMIntEQ, req, c32(e, 0), ""), go, leave);
    LLVMPositionBuilderAtEnd(e->b, leave);
    if (store)
        emit_store_slots(e);
    build_result(e, kind, pc32);
}

static void tail_call(Emitter *e, LLVMValueRef fn, LLVMValueRef link, LLVMValueRef pc32)
{
    LLVMValueRef args[3] = {e->state, link, LLVMBuildZExt(e->b, pc32, e->i64, "")};
    LLVMValueRef r = LLVMBuildCall2(e->b, e->fn_type, fn, args, 3, "");
    LLVMSetTailCallKind(r, LLVMTailCallKindMustTail);
    LLVMBuildRet(e->b, r);
}

static void emit_chained_exit(Emitter *e, uint32_t pc)
{
    emit_store_slots(e);
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "chain");
    leave_if_requested(e, IR_EXIT_JUMP, c32(e, pc), go, false);
    LLVMPositionBuilderAtEnd(e->b, go);
    LLVMValueRef idx[2] = {c64(e, 0), c64(e, e->ncells++)};
    LLVMTypeRef cells_type = LLVMGlobalGetValueType(e->cells);
    LLVMValueRef cell = LLVMBuildGEP2(e->b, cells_type, e->cells, idx, 2, "");
    tail_call(e, LLVMBuildLoad2(e->b, e->ptr, cell, ""), cell, c32(e, pc));
}

static void emit_exit_direct(Emitter *e, const IrInsn *in)
{
    uint32_t pc = ir_exit_pc(in), mode = target_mode(e, in);
    /* Unchained units (-jit check) leave at every exit, loops included, so
     * each run is one pass through the block, like the interpreter's. */
    bool linkable = e->unit->chain && in->aux == IR_EXIT_JUMP && mode != IR_MODE_UNKNOWN;
    int m = linkable ? find_member(e, pc, mode) : -1;
    if (m > (int)e->member)
        LLVMBuildBr(e->b, e->member_bb[m]);
    else if (m >= 0)
        leave_if_requested(e, IR_EXIT_JUMP, c32(e, pc), e->member_bb[m], true);
    else if (is_chainable(e, in))
        emit_chained_exit(e, pc);
    else
        emit_return(e, in->aux, c32(e, pc));
}

/* System mode: the block key's mode of an indirect target, whose physical
 * page comes from the TLB's instruction-side entry (a TLB miss leaves
 * through the dispatcher, which walks the tables). */
static LLVMValueRef system_key_mode(Emitter *e, LLVMValueRef pc, LLVMValueRef mode)
{
    LLVMValueRef entry = emit_tlb_entry(e, pc);
    LLVMValueRef tag = emit_tlb_field(e, entry, offsetof(TlbEntry, tag_exec));
    LLVMValueRef hit = LLVMBuildICmp(e->b, LLVMIntEQ, tag, LLVMBuildAnd(e->b, pc, c32(e, TLB_PAGE_MASK), ""), "");
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "itlb.hit");
    LLVMBasicBlockRef miss = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "itlb.miss");
    LLVMBuildCondBr(e->b, hit, go, miss);
    LLVMPositionBuilderAtEnd(e->b, miss);
    build_result(e, IR_EXIT_INDIRECT, pc);
    LLVMPositionBuilderAtEnd(e->b, go);
    uint32_t carried = e->unit->members[e->member].mode & e->unit->page_local_bits & ~TLB_PAGE_MASK;
    LLVMValueRef page = emit_tlb_field(e, entry, offsetof(TlbEntry, phys_page));
    return LLVMBuildOr(e->b, LLVMBuildOr(e->b, mode, c32(e, carried), ""), page, "");
}

/* Indirect branch: jump to the lookup table's code for (pc, mode) if any. */
static void emit_exit_indirect(Emitter *e, const IrInsn *in)
{
    LLVMValueRef pc = emit_get32(e, in->a), mode = emit_get32(e, in->b);
    if (!e->unit->chain || in->aux != IR_EXIT_INDIRECT) {
        emit_return(e, in->aux, pc);
        return;
    }
    emit_store_slots(e);
    LLVMBasicBlockRef probe = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "lookup");
    leave_if_requested(e, IR_EXIT_INDIRECT, pc, probe, false);
    LLVMPositionBuilderAtEnd(e->b, probe);
    if (e->unit->page_local_bits)
        mode = system_key_mode(e, pc, mode);
    LLVMValueRef index = LLVMBuildAnd(e->b, LLVMBuildLShr(e->b, pc, c32(e, 1), ""), c32(e, JIT_LOOKUP_SIZE - 1), "");
    LLVMValueRef off = LLVMBuildMul(e->b, LLVMBuildZExt(e->b, index, e->i64, ""), c64(e, sizeof(JitLookupEntry)), "");
    LLVMValueRef entry = LLVMBuildGEP2(e->b, e->i8, e->lookup, &off, 1, "");
    LLVMValueRef off_mode = c64(e, offsetof(JitLookupEntry, mode)), off_fn = c64(e, offsetof(JitLookupEntry, fn));
    LLVMValueRef epc = LLVMBuildLoad2(e->b, e->i32, entry, "");
    LLVMValueRef emode = LLVMBuildLoad2(e->b, e->i32, LLVMBuildGEP2(e->b, e->i8, entry, &off_mode, 1, ""), "");
    LLVMValueRef hit = LLVMBuildAnd(e->b, LLVMBuildICmp(e->b, LLVMIntEQ, epc, pc, ""),
                                    LLVMBuildICmp(e->b, LLVMIntEQ, emode, mode, ""), "");
    LLVMBasicBlockRef jump = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "lookup.hit");
    LLVMBasicBlockRef miss = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "lookup.miss");
    LLVMBuildCondBr(e->b, hit, jump, miss);
    LLVMPositionBuilderAtEnd(e->b, miss);
    build_result(e, IR_EXIT_INDIRECT, pc);
    LLVMPositionBuilderAtEnd(e->b, jump);
    LLVMValueRef fn = LLVMBuildLoad2(e->b, e->ptr, LLVMBuildGEP2(e->b, e->i8, entry, &off_fn, 1, ""), "");
    tail_call(e, fn, LLVMConstPointerNull(e->ptr), pc);
}

/* --- control ops ------------------------------------------------------- */

/* Whether the instruction starting at insn index `start` writes a state
 * word that is not kept in an alloca: running it again from an earlier
 * restart point could read what it wrote, so it must be one itself. */
static bool writes_state_directly(const Emitter *e, size_t start)
{
    for (size_t i = start + 1; i < e->code->count && e->code->insns[i].op != IR_INSN_START; i++) {
        const IrInsn *in = &e->code->insns[i];
        if (in->op != IR_STS32 && in->op != IR_STS64)
            continue;
        const Slot *s = find_slot(e, (uint32_t)in->imm, in->op == IR_STS32 ? 4 : 8);
        if (!s || !s->cached)
            return true;
    }
    return false;
}

/* A branch to the LABEL at insn index `label`: what is dirty here is dirty there. */
static void note_branch(Emitter *e, uint64_t label)
{
    for (unsigned k = 0; k < e->nslots; k++)
        e->label_dirty[label * e->nslots + k] |= e->dirty[k];
}

/* After a terminator, code up to the next label is unreachable but must
 * still sit in a block. */
static void start_dead_block(Emitter *e)
{
    memset(e->dirty, 0, e->nslots); /* no path reaches it */
    LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->ctx, e->fn, "dead"));
}

static void emit_control_op(Emitter *e, const IrInsn *in, size_t index)
{
    LLVMBuilderRef b = e->b;
    switch ((IrOp)in->op) {
    case IR_INSN_START:
        e->insn_start = in->imm;
        e->checkpointed = false;
        if ((e->checkpoint_next || writes_state_directly(e, index)) && !e->unit->softmmu)
            emit_checkpoint(e);
        e->checkpoint_next = false;
        break;
    case IR_LABEL:
        LLVMBuildBr(b, e->label_bb[index]);
        LLVMPositionBuilderAtEnd(b, e->label_bb[index]);
        for (unsigned k = 0; k < e->nslots; k++)
            e->dirty[k] |= e->label_dirty[index * e->nslots + k];
        e->checkpointed = false;
        break;
    case IR_BR:
        note_branch(e, in->imm);
        LLVMBuildBr(b, e->label_bb[in->imm]);
        start_dead_block(e);
        break;
    case IR_BRZ:
    case IR_BRNZ: {
        note_branch(e, in->imm);
        LLVMValueRef c =
            LLVMBuildICmp(b, in->op == IR_BRZ ? LLVMIntEQ : LLVMIntNE, emit_get32(e, in->a), c32(e, 0), "");
        LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "");
        LLVMBuildCondBr(b, c, e->label_bb[in->imm], next);
        LLVMPositionBuilderAtEnd(b, next);
        break;
    }
    case IR_EXIT:
        emit_exit_direct(e, in);
        start_dead_block(e);
        break;
    case IR_EXIT_IND:
        emit_exit_indirect(e, in);
        start_dead_block(e);
        break;
    case IR_STS32: emit_write_state(e, (uint32_t)in->imm, 4, emit_get32(e, in->a)); break;
    case IR_STS64: emit_write_state(e, (uint32_t)in->imm, 8, emit_get64(e, in->a)); break;
    case IR_ST8: case IR_ST16: case IR_ST32: case IR_ST64: emit_store_op(e, in); break;
    default: abort();
    }
}

/* --- the unit ---------------------------------------------------------- */

static void init_types(Emitter *e)
{
    e->i1 = LLVMInt1TypeInContext(e->ctx);
    e->i8 = LLVMInt8TypeInContext(e->ctx);
    e->i16 = LLVMInt16TypeInContext(e->ctx);
    e->i32 = LLVMInt32TypeInContext(e->ctx);
    e->i64 = LLVMInt64TypeInContext(e->ctx);
    e->ptr = LLVMPointerTypeInContext(e->ctx, 0);
    LLVMTypeRef params[3] = {e->ptr, e->ptr, e->i64};
    e->fn_type = LLVMFunctionType(e->i64, params, 3, false);
}

static unsigned count_chain_cells(Emitter *e)
{
    unsigned n = 0;
    for (unsigned m = 0; m < e->unit->nmembers; m++) {
        const InterpCode *code = e->unit->members[m].code;
        for (size_t i = 0; i < code->count; i++)
            n += is_chainable(e, &code->insns[i]);
    }
    return n;
}

/* The unit's chain cells, all pointing at the miss stub to begin with. */
static void create_cells(Emitter *e)
{
    unsigned n = count_chain_cells(e);
    LLVMTypeRef t = LLVMArrayType2(e->ptr, n ? n : 1);
    e->cells = LLVMAddGlobal(e->mod, t, "cells");
    LLVMSetLinkage(e->cells, LLVMInternalLinkage);
    LLVMValueRef miss = LLVMAddFunction(e->mod, "scion_chain_miss", e->fn_type);
    LLVMValueRef *init = malloc((n ? n : 1) * sizeof *init);
    for (unsigned i = 0; i < (n ? n : 1); i++)
        init[i] = miss;
    LLVMSetInitializer(e->cells, LLVMConstArray2(e->ptr, init, n ? n : 1));
    free(init);
}

/* User mode: the unit's entry is its first restart point. */
static void store_entry_restart_point(Emitter *e)
{
    const JitMember *m = &e->unit->members[0];
    uint64_t start = (uint64_t)m->mode << 32 | m->pc;
    for (size_t i = 0; i < m->code->count; i++)
        if (m->code->insns[i].op == IR_INSN_START) {
            start = m->code->insns[i].imm;
            break;
        }
    LLVMBuildStore(e->b, c64(e, start), state_ptr(e, COMMON_OFF(insn_pc)));
}

static void emit_prologue(Emitter *e)
{
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "entry");
    LLVMPositionBuilderAtEnd(e->b, entry);
    for (unsigned i = 0; i < e->nslots; i++)
        if (e->slots[i].cached)
            e->slots[i].alloca_ = LLVMBuildAlloca(e->b, slot_type(e, &e->slots[i]), "");
    e->mem_base = LLVMBuildLoad2(e->b, e->ptr, state_ptr(e, COMMON_OFF(mem_base)), "mem");
    if (!e->unit->softmmu)
        store_entry_restart_point(e);
    e->lookup = LLVMBuildLoad2(e->b, e->ptr, state_ptr(e, COMMON_OFF(lookup)), "lookup");
    emit_load_slots(e);
    if (e->unit->count)
        add_to_slot(e, COMMON_OFF(jit_entries), 1);
    LLVMPositionBuilderAtEnd(e->entry_b, entry);
    e->member_bb = calloc(e->unit->nmembers, sizeof *e->member_bb);
    for (unsigned m = 0; m < e->unit->nmembers; m++)
        e->member_bb[m] = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "member");
}

/* -icount: a block starts only while icount < icount_limit; otherwise
 * return to the dispatcher at this block, which stops at the same
 * boundary the interpreter would. */
static void emit_icount_check(Emitter *e, const JitMember *mb)
{
    LLVMValueRef count = emit_read_state(e, COMMON_OFF(icount), 8);
    LLVMValueRef limit = LLVMBuildLoad2(e->b, e->i64, state_ptr(e, COMMON_OFF(icount_limit)), "limit");
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "icount.ok");
    LLVMBasicBlockRef stop = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "icount.stop");
    LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntUGE, count, limit, ""), stop, go);
    LLVMPositionBuilderAtEnd(e->b, stop);
    emit_return(e, IR_EXIT_JUMP, c32(e, mb->pc));
    LLVMPositionBuilderAtEnd(e->b, go);
    emit_write_state(e, COMMON_OFF(icount), 8, LLVMBuildAdd(e->b, count, c64(e, mb->cost), ""));
}

static void emit_member(Emitter *e, unsigned m)
{
    const JitMember *mb = &e->unit->members[m];
    const InterpCode *code = mb->code;
    e->member = m;
    e->code = code;
    memcpy(e->dirty, e->dirty_in + (size_t)m * e->nslots, e->nslots);
    e->temps = calloc(code->ntemps + 1, sizeof *e->temps);
    e->temp_slot = calloc(code->ntemps + 1, sizeof *e->temp_slot);
    e->label_bb = calloc(code->count + 1, sizeof *e->label_bb);
    e->label_dirty = calloc((code->count + 1) * e->nslots + 1, 1);
    e->checkpointed = e->checkpoint_next = false;
    LLVMPositionBuilderAtEnd(e->b, e->member_bb[m]);
    if (e->unit->icount)
        emit_icount_check(e, mb);
    if (e->unit->count) {
        add_to_slot(e, COMMON_OFF(jit_blocks), 1);
        add_to_slot(e, COMMON_OFF(jit_insns), mb->ninsns);
    }
    emit_plan_temps(e);
    for (size_t i = 0; i < code->count; i++)
        if (code->insns[i].op == IR_LABEL)
            e->label_bb[i] = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "L");
    for (size_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        if (in->dst != IR_NO_TEMP) {
            LLVMValueRef v = emit_value_op(e, in);
            if (!v)
                abort();
            emit_set_temp(e, in->dst, v);
        } else {
            emit_control_op(e, in, i);
        }
    }
    LLVMBuildUnreachable(e->b);
    free(e->temps);
    free(e->temp_slot);
    free(e->label_bb);
    free(e->label_dirty);
}

LLVMModuleRef llvm_emit_unit(LLVMContextRef ctx, const JitUnit *unit)
{
    Emitter e = {.ctx = ctx, .unit = unit};
    init_types(&e);
    e.mod = LLVMModuleCreateWithNameInContext(unit->name, ctx);
    e.b = LLVMCreateBuilderInContext(ctx);
    e.entry_b = LLVMCreateBuilderInContext(ctx);
    e.fn = LLVMAddFunction(e.mod, unit->name, e.fn_type);
    /* No unwind tables: nothing unwinds through guest code, and their
     * frames would name the linked (writable) addresses (llvm_memory.h). */
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(e.fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, nounwind, 0));
    e.state = LLVMGetParam(e.fn, 0);
    create_cells(&e);
    collect_slots(&e);
    plan_dirty_slots(&e);
    emit_prologue(&e);
    for (unsigned m = 0; m < unit->nmembers; m++)
        emit_member(&e, m);
    LLVMBuildBr(e.entry_b, e.member_bb[0]);
    LLVMDisposeBuilder(e.b);
    LLVMDisposeBuilder(e.entry_b);
    free(e.member_bb);
    free(e.slots);
    free(e.dirty);
    free(e.dirty_in);
    return e.mod;
}
