/*
 * IR ops -> LLVM IR, one op at a time (see llvm_emit_internal.h).
 *
 * Guest memory: in user mode, direct accesses (see user_host_addr); in
 * system mode, an inline TLB check, whose slow path writes the state back,
 * records the instruction's pc and calls the softmmu, which may raise the
 * guest's abort.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu_common.h"
#include "backend/llvm_emit_internal.h"
#include "backend/softmmu.h"
#include "translator/helpers.h"

static LLVMValueRef call_intrinsic(Emitter *e, const char *name, LLVMTypeRef t, LLVMValueRef *args, unsigned n)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(e->mod, id, &t, 1);
    LLVMTypeRef fty = LLVMIntrinsicGetType(e->ctx, id, &t, 1);
    return LLVMBuildCall2(e->b, fty, fn, args, n, "");
}

/* --- temps ------------------------------------------------------------- */

static bool ends_bb(uint8_t op)
{
    return op == IR_BR || op == IR_BRZ || op == IR_BRNZ || op == IR_EXIT || op == IR_EXIT_IND;
}

/* Temps used in another basic block than their definition get an alloca. */
void emit_plan_temps(Emitter *e)
{
    size_t n = e->code->ntemps;
    unsigned *def_bb = calloc(n, sizeof *def_bb);
    bool *cross = calloc(n, sizeof *cross);
    unsigned bb = 0;
    for (size_t i = 0; i < e->code->count; i++) {
        const IrInsn *in = &e->code->insns[i];
        if (in->op == IR_LABEL)
            bb++;
        const IrTemp args[3] = {in->a, in->b, in->c};
        for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
            if (args[k] < n && def_bb[args[k]] != bb)
                cross[args[k]] = true;
        if (in->dst != IR_NO_TEMP)
            def_bb[in->dst] = bb;
        if (ends_bb(in->op))
            bb++;
    }
    for (size_t t = 0; t + 1 < n; t++)
        if (cross[t])
            e->temp_slot[t] = LLVMBuildAlloca(e->entry_b, e->i64, "");
    free(def_bb);
    free(cross);
}

static LLVMValueRef get_temp(Emitter *e, IrTemp t)
{
    if (t == e->code->ntemps - 1) /* the interpreter's zero temp */
        return c64(e, 0);
    if (e->temp_slot[t])
        return LLVMBuildLoad2(e->b, LLVMTypeOf(e->temps[t]), e->temp_slot[t], "");
    return e->temps[t];
}

LLVMValueRef emit_get32(Emitter *e, IrTemp t)
{
    LLVMValueRef v = get_temp(e, t);
    return LLVMTypeOf(v) == e->i32 ? v : LLVMBuildTrunc(e->b, v, e->i32, "");
}

LLVMValueRef emit_get64(Emitter *e, IrTemp t)
{
    LLVMValueRef v = get_temp(e, t);
    return LLVMTypeOf(v) == e->i64 ? v : LLVMBuildZExt(e->b, v, e->i64, "");
}

void emit_set_temp(Emitter *e, IrTemp t, LLVMValueRef v)
{
    e->temps[t] = v;
    if (e->temp_slot[t]) {
        /* The slot is i64-sized; keep the type of the value in temps[] for reloads. */
        LLVMBuildStore(e->b, v, e->temp_slot[t]);
    }
}

/* --- memory ------------------------------------------------------------ */

static unsigned access_size(uint8_t op)
{
    switch (op) {
    case IR_LD8U: case IR_LD8S: case IR_ST8: return 1;
    case IR_LD16U: case IR_LD16S: case IR_ST16: return 2;
    case IR_LD64: case IR_ST64: return 8;
    default: return 4;
    }
}

static LLVMTypeRef access_type(Emitter *e, unsigned size)
{
    return size == 1 ? e->i8 : size == 2 ? e->i16 : size == 4 ? e->i32 : e->i64;
}

/* User mode: the guest address space is host memory at mem_base, with the
 * guest's protections.  An access that faults is run again by the lower
 * tiers from the unit's last restart point (emit_checkpoint), so it needs
 * no check here. */
static LLVMValueRef user_host_addr(Emitter *e, const IrInsn *in)
{
    LLVMValueRef idx = LLVMBuildZExt(e->b, emit_get32(e, in->a), e->i64, "");
    return LLVMBuildGEP2(e->b, e->i8, e->mem_base, &idx, 1, "");
}

/* System mode: the TLB entry of addr and whether access hits it (softmmu.h). */
static LLVMValueRef tlb_entry_in(Emitter *e, LLVMValueRef addr, uint32_t table_offset)
{
    LLVMValueRef tlb = LLVMBuildLoad2(e->b, e->ptr, state_ptr(e, table_offset), "tlb");
    LLVMValueRef idx = LLVMBuildAnd(e->b, LLVMBuildLShr(e->b, addr, c32(e, 12), ""), c32(e, TLB_SIZE - 1), "");
    LLVMValueRef off = LLVMBuildMul(e->b, LLVMBuildZExt(e->b, idx, e->i64, ""), c64(e, sizeof(TlbEntry)), "");
    return LLVMBuildGEP2(e->b, e->i8, tlb, &off, 1, "");
}

LLVMValueRef emit_tlb_entry(Emitter *e, LLVMValueRef addr)
{
    return tlb_entry_in(e, addr, COMMON_OFF(tlb));
}

LLVMValueRef emit_tlb_field(Emitter *e, LLVMValueRef entry, unsigned offset)
{
    LLVMValueRef off = c64(e, offset);
    return LLVMBuildLoad2(e->b, e->i32, LLVMBuildGEP2(e->b, e->i8, entry, &off, 1, ""), "");
}

static LLVMValueRef tlb_hit(Emitter *e, LLVMValueRef addr, unsigned size, unsigned flags, unsigned tag_offset,
                            LLVMValueRef *entry)
{
    unsigned amask = flags & TLB_AMASK;
    *entry = tlb_entry_in(e, addr, (flags & TLB_UNPRIV) ? COMMON_OFF(tlb_user) : COMMON_OFF(tlb));
    LLVMValueRef toff = c64(e, tag_offset);
    LLVMValueRef tag = LLVMBuildLoad2(e->b, e->i32, LLVMBuildGEP2(e->b, e->i8, *entry, &toff, 1, ""), "tag");
    LLVMValueRef last = LLVMBuildAnd(e->b, LLVMBuildAdd(e->b, addr, c32(e, size - 1), ""), c32(e, TLB_PAGE_MASK), "");
    if (amask)
        last = LLVMBuildOr(e->b, last, LLVMBuildAnd(e->b, addr, c32(e, amask), ""), "");
    return LLVMBuildICmp(e->b, LLVMIntEQ, tag, last, "");
}

static LLVMValueRef tlb_host_addr(Emitter *e, LLVMValueRef entry, LLVMValueRef addr)
{
    LLVMValueRef aoff = c64(e, offsetof(TlbEntry, addend));
    LLVMValueRef addend = LLVMBuildLoad2(e->b, e->i64, LLVMBuildGEP2(e->b, e->i8, entry, &aoff, 1, ""), "");
    LLVMValueRef host = LLVMBuildAdd(e->b, addend, LLVMBuildZExt(e->b, addr, e->i64, ""), "");
    return LLVMBuildIntToPtr(e->b, host, e->ptr, "");
}

/* Where an access goes: the fast-path condition and host address, and the
 * runtime function the slow path calls with its arguments (the state is
 * synced first, since the slow path may raise a guest fault). */
typedef struct Access {
    LLVMValueRef ok, host;
    const char *slow_fn;
    LLVMTypeRef params[4];
    LLVMValueRef args[4];
    unsigned nargs;
} Access;

/* System mode: the TLB (softmmu.h); the slow path walks, does MMIO or
 * raises the abort. */
static Access sys_access(Emitter *e, LLVMValueRef addr, unsigned size, unsigned flags, bool write,
                         LLVMValueRef value64)
{
    LLVMValueRef entry;
    unsigned tag = write ? offsetof(TlbEntry, tag_write) : offsetof(TlbEntry, tag_read);
    Access a = {.ok = tlb_hit(e, addr, size, flags, tag, &entry),
                .slow_fn = write ? "scion_sys_store" : "scion_sys_load",
                .params = {e->ptr, e->i64, e->i64, e->i64},
                .args = {e->state, LLVMBuildZExt(e->b, addr, e->i64, "")}};
    a.host = tlb_host_addr(e, entry, addr);
    a.nargs = 2;
    if (write)
        a.args[a.nargs++] = value64;
    a.args[a.nargs++] = c64(e, size | flags << TLB_ALIGN_SHIFT);
    return a;
}

/* Branch on a.ok: the fast block and the slow block (state synced, slow
 * call made, result in *slow_result); both continue in the returned join. */
static LLVMBasicBlockRef access_paths(Emitter *e, const Access *a, LLVMTypeRef ret, LLVMBasicBlockRef *fast,
                                      LLVMBasicBlockRef *slow, LLVMValueRef *slow_result)
{
    *fast = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "mem.fast");
    *slow = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "mem.slow");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(e->ctx, e->fn, "mem.join");
    emit_cond_br_likely(e, a->ok, *fast, *slow);
    LLVMPositionBuilderAtEnd(e->b, *slow);
    emit_sync_for_call(e);
    LLVMTypeRef fty;
    LLVMValueRef fn = emit_runtime_fn(e, a->slow_fn, ret, (LLVMTypeRef *)a->params, a->nargs, &fty);
    *slow_result = LLVMBuildCall2(e->b, fty, fn, (LLVMValueRef *)a->args, a->nargs, "");
    LLVMPositionBuilderAtEnd(e->b, *fast);
    return join;
}

static LLVMValueRef extend_loaded(Emitter *e, const IrInsn *in, LLVMValueRef v, unsigned size)
{
    if (size >= 4)
        return v;
    bool sign = in->op == IR_LD8S || in->op == IR_LD16S;
    return sign ? LLVMBuildSExt(e->b, v, e->i32, "") : LLVMBuildZExt(e->b, v, e->i32, "");
}

static LLVMValueRef emit_load(Emitter *e, const IrInsn *in)
{
    unsigned size = access_size(in->op);
    LLVMTypeRef type = access_type(e, size);
    if (!e->unit->softmmu) {
        LLVMValueRef v = LLVMBuildLoad2(e->b, type, user_host_addr(e, in), "");
        LLVMSetAlignment(v, 1);
        return extend_loaded(e, in, v, size);
    }
    Access a = sys_access(e, emit_get32(e, in->a), size, in->aux, false, NULL);
    LLVMBasicBlockRef fast, slow;
    LLVMValueRef slow_result;
    LLVMBasicBlockRef join = access_paths(e, &a, e->i64, &fast, &slow, &slow_result);
    LLVMValueRef v_fast = LLVMBuildLoad2(e->b, type, a.host, "");
    LLVMSetAlignment(v_fast, 1);
    LLVMBuildBr(e->b, join);
    LLVMPositionBuilderAtEnd(e->b, slow);
    LLVMValueRef v_slow = LLVMBuildTrunc(e->b, slow_result, type, "");
    LLVMBuildBr(e->b, join);
    LLVMPositionBuilderAtEnd(e->b, join);
    LLVMValueRef phi = LLVMBuildPhi(e->b, type, "");
    LLVMValueRef vals[2] = {v_fast, v_slow};
    LLVMBasicBlockRef bbs[2] = {fast, slow};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return extend_loaded(e, in, phi, size);
}

void emit_store_op(Emitter *e, const IrInsn *in)
{
    unsigned size = access_size(in->op);
    LLVMValueRef v64 = emit_get64(e, in->b);
    LLVMValueRef v = size == 8 ? v64 : LLVMBuildTrunc(e->b, v64, access_type(e, size), "");
    if (!e->unit->softmmu) {
        /* Running a store again from a restart point before it is
         * harmless; from one before an earlier store it is not (a load in
         * between may have read what that store changed). */
        if (!e->checkpointed)
            emit_checkpoint(e);
        LLVMSetAlignment(LLVMBuildStore(e->b, v, user_host_addr(e, in)), 1);
        return;
    }
    Access a = sys_access(e, emit_get32(e, in->a), size, in->aux, true, v64);
    LLVMBasicBlockRef fast, slow;
    LLVMValueRef unused;
    LLVMBasicBlockRef join = access_paths(e, &a, LLVMVoidTypeInContext(e->ctx), &fast, &slow, &unused);
    LLVMSetAlignment(LLVMBuildStore(e->b, v, a.host), 1);
    LLVMBuildBr(e->b, join);
    LLVMPositionBuilderAtEnd(e->b, slow);
    LLVMBuildBr(e->b, join);
    LLVMPositionBuilderAtEnd(e->b, join);
}

/* --- helpers ---------------------------------------------------------- */

static LLVMValueRef emit_call(Emitter *e, const IrInsn *in)
{
    const HelperInfo *h = &helper_info[in->imm];
    char name[96];
    snprintf(name, sizeof name, "helper_%s", h->name);
    LLVMTypeRef fty, params[4] = {e->ptr, e->i64, e->i64, e->i64};
    LLVMValueRef fn = emit_runtime_fn(e, name, e->i64, params, 4, &fty);
    emit_sync_for_call(e);
    LLVMValueRef args[4] = {e->state, emit_get64(e, in->a), emit_get64(e, in->b), emit_get64(e, in->c)};
    LLVMValueRef r = LLVMBuildCall2(e->b, fty, fn, args, 4, "");
    emit_load_slots(e); /* the helper may have changed guest state */
    memset(e->dirty, 0, e->nslots);
    e->checkpoint_next = true; /* running the helper again would not be harmless */
    return r;
}

/* --- ops --------------------------------------------------------------- */

static LLVMValueRef emit_addc(Emitter *e, const IrInsn *in)
{
    LLVMValueRef s = LLVMBuildAdd(e->b, LLVMBuildAdd(e->b, emit_get64(e, in->a), emit_get64(e, in->b), ""), emit_get64(e, in->c), "");
    return LLVMBuildTrunc(e->b, LLVMBuildLShr(e->b, s, c64(e, 32), ""), e->i32, "");
}

static LLVMValueRef emit_addv(Emitter *e, const IrInsn *in)
{
    LLVMValueRef a = emit_get32(e, in->a), b = emit_get32(e, in->b);
    LLVMValueRef r = LLVMBuildAdd(e->b, LLVMBuildAdd(e->b, a, b, ""), emit_get32(e, in->c), "");
    LLVMValueRef same = LLVMBuildNot(e->b, LLVMBuildXor(e->b, a, b, ""), "");
    LLVMValueRef v = LLVMBuildAnd(e->b, same, LLVMBuildXor(e->b, a, r, ""), "");
    return LLVMBuildLShr(e->b, v, c32(e, 31), "");
}

static LLVMValueRef emit_div(Emitter *e, const IrInsn *in, bool is_signed)
{
    LLVMValueRef a = emit_get32(e, in->a), b = emit_get32(e, in->b);
    LLVMValueRef zero = LLVMBuildICmp(e->b, LLVMIntEQ, b, c32(e, 0), "");
    LLVMValueRef bad = zero;
    if (is_signed) {
        LLVMValueRef ovf = LLVMBuildAnd(e->b, LLVMBuildICmp(e->b, LLVMIntEQ, a, c32(e, 0x80000000u), ""),
                                        LLVMBuildICmp(e->b, LLVMIntEQ, b, c32(e, 0xffffffffu), ""), "");
        bad = LLVMBuildOr(e->b, zero, ovf, "");
    }
    LLVMValueRef safe_b = LLVMBuildSelect(e->b, bad, c32(e, 1), b, "");
    LLVMValueRef q = is_signed ? LLVMBuildSDiv(e->b, a, safe_b, "") : LLVMBuildUDiv(e->b, a, safe_b, "");
    if (is_signed)
        q = LLVMBuildSelect(e->b, bad, LLVMBuildSelect(e->b, zero, c32(e, 0), c32(e, 0x80000000u), ""), q, "");
    else
        q = LLVMBuildSelect(e->b, zero, c32(e, 0), q, "");
    return q;
}

static LLVMValueRef masked(Emitter *e, IrTemp t, uint32_t mask)
{
    return LLVMBuildAnd(e->b, emit_get32(e, t), c32(e, mask), "");
}

static LLVMValueRef emit_shift64(Emitter *e, const IrInsn *in, LLVMOpcode opc)
{
    LLVMValueRef amt = LLVMBuildZExt(e->b, masked(e, in->b, 63), e->i64, "");
    return LLVMBuildBinOp(e->b, opc, emit_get64(e, in->a), amt, "");
}

static LLVMValueRef cmp(Emitter *e, LLVMIntPredicate p, const IrInsn *in)
{
    return LLVMBuildZExt(e->b, LLVMBuildICmp(e->b, p, emit_get32(e, in->a), emit_get32(e, in->b), ""), e->i32, "");
}

static LLVMValueRef emit_unary_intrinsic(Emitter *e, const char *name, const IrInsn *in, bool with_flag)
{
    LLVMValueRef args[2] = {emit_get32(e, in->a), LLVMConstInt(e->i1, 0, 0)};
    return call_intrinsic(e, name, e->i32, args, with_flag ? 2 : 1);
}

LLVMValueRef emit_value_op(Emitter *e, const IrInsn *in)
{
    LLVMBuilderRef b = e->b;
    switch ((IrOp)in->op) {
    case IR_LDS32: return emit_read_state(e, (uint32_t)in->imm, 4);
    case IR_LDS64: return emit_read_state(e, (uint32_t)in->imm, 8);
    case IR_MOVI: return c32(e, (uint32_t)in->imm);
    case IR_MOVI64: return c64(e, in->imm);
    case IR_ADD: return LLVMBuildAdd(b, emit_get32(e, in->a), emit_get32(e, in->b), "");
    case IR_SUB: return LLVMBuildSub(b, emit_get32(e, in->a), emit_get32(e, in->b), "");
    case IR_MUL: return LLVMBuildMul(b, emit_get32(e, in->a), emit_get32(e, in->b), "");
    case IR_AND: return LLVMBuildAnd(b, emit_get32(e, in->a), emit_get32(e, in->b), "");
    case IR_OR: return LLVMBuildOr(b, emit_get32(e, in->a), emit_get32(e, in->b), "");
    case IR_XOR: return LLVMBuildXor(b, emit_get32(e, in->a), emit_get32(e, in->b), "");
    case IR_NOT: return LLVMBuildNot(b, emit_get32(e, in->a), "");
    case IR_SHL: return LLVMBuildShl(b, emit_get32(e, in->a), masked(e, in->b, 31), "");
    case IR_LSHR: return LLVMBuildLShr(b, emit_get32(e, in->a), masked(e, in->b, 31), "");
    case IR_ASHR: return LLVMBuildAShr(b, emit_get32(e, in->a), masked(e, in->b, 31), "");
    case IR_ROR: {
        LLVMValueRef args[3] = {emit_get32(e, in->a), emit_get32(e, in->a), masked(e, in->b, 31)};
        return call_intrinsic(e, "llvm.fshr", e->i32, args, 3);
    }
    case IR_ADDC: return emit_addc(e, in);
    case IR_ADDV: return emit_addv(e, in);
    case IR_SETEQ: return cmp(e, LLVMIntEQ, in);
    case IR_SETNE: return cmp(e, LLVMIntNE, in);
    case IR_SETLTU: return cmp(e, LLVMIntULT, in);
    case IR_SETLTS: return cmp(e, LLVMIntSLT, in);
    case IR_SELECT: {
        LLVMValueRef c = LLVMBuildICmp(b, LLVMIntNE, emit_get32(e, in->a), c32(e, 0), "");
        return LLVMBuildSelect(b, c, emit_get32(e, in->b), emit_get32(e, in->c), "");
    }
    case IR_UDIV: return emit_div(e, in, false);
    case IR_SDIV: return emit_div(e, in, true);
    case IR_CLZ: return emit_unary_intrinsic(e, "llvm.ctlz", in, true);
    case IR_BSWAP: return emit_unary_intrinsic(e, "llvm.bswap", in, false);
    case IR_SEXT8: return LLVMBuildSExt(b, LLVMBuildTrunc(b, emit_get32(e, in->a), e->i8, ""), e->i32, "");
    case IR_SEXT16: return LLVMBuildSExt(b, LLVMBuildTrunc(b, emit_get32(e, in->a), e->i16, ""), e->i32, "");
    case IR_ZEXT8: return masked(e, in->a, 0xff);
    case IR_ZEXT16: return masked(e, in->a, 0xffff);
    case IR_ZEXT64: return LLVMBuildZExt(b, emit_get32(e, in->a), e->i64, "");
    case IR_SEXT64: return LLVMBuildSExt(b, emit_get32(e, in->a), e->i64, "");
    case IR_LO32: return LLVMBuildTrunc(b, emit_get64(e, in->a), e->i32, "");
    case IR_HI32: return LLVMBuildTrunc(b, LLVMBuildLShr(b, emit_get64(e, in->a), c64(e, 32), ""), e->i32, "");
    case IR_PAIR64:
        return LLVMBuildOr(b, emit_get64(e, in->a), LLVMBuildShl(b, emit_get64(e, in->b), c64(e, 32), ""), "");
    case IR_ADD64: return LLVMBuildAdd(b, emit_get64(e, in->a), emit_get64(e, in->b), "");
    case IR_SUB64: return LLVMBuildSub(b, emit_get64(e, in->a), emit_get64(e, in->b), "");
    case IR_MUL64: return LLVMBuildMul(b, emit_get64(e, in->a), emit_get64(e, in->b), "");
    case IR_SHL64: return emit_shift64(e, in, LLVMShl);
    case IR_LSHR64: return emit_shift64(e, in, LLVMLShr);
    case IR_ASHR64: return emit_shift64(e, in, LLVMAShr);
    case IR_LD8U: case IR_LD8S: case IR_LD16U: case IR_LD16S: case IR_LD32: case IR_LD64:
        return emit_load(e, in);
    case IR_CALL: return emit_call(e, in);
    default: return NULL;
    }
}

