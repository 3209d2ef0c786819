/* Linear-scan register allocation for baseline blocks (baseline_alloc.h). */
#include "backend/baseline_alloc.h"


/* Caller-saved first: most temps live for an op or two and cross no call. */
static const X64Reg caller_saved[] = {X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10, X64_R11};
static const X64Reg callee_saved[] = {X64_R13, X64_R15, X64_RBP};

/* The first pinned word takes r12, which nothing else uses; the others
 * take callee-saved registers from the end of the list, which the
 * allocator then leaves alone.  Callee-saved: a helper call keeps them
 * (the code around it still writes them back and reloads them, as the
 * helper may use the state). */
X64Reg baseline_pinned_reg(unsigned k)
{
    return k == 0 ? X64_R12 : callee_saved[sizeof callee_saved / sizeof *callee_saved - k];
}

bool baseline_reg_callee_saved(X64Reg r)
{
    return r == X64_R13 || r == X64_R15 || r == X64_RBP || r == X64_RBX || r == X64_R12 || r == X64_R14;
}

static bool is_memory_op(uint8_t op)
{
    return op >= IR_LD8U && op <= IR_ST64;
}

static bool calls_out(uint8_t op, bool memory_calls)
{
    return op == IR_CALL || (memory_calls && is_memory_op(op));
}

static bool is_constant(uint8_t op)
{
    return op == IR_MOVI || op == IR_MOVI64;
}

static void note_uses(const InterpCode *code, const uint32_t *keep_until, BaselineAlloc *a)
{
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        const IrTemp args[3] = {in->a, in->b, in->c};
        for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
            if (args[k] < code->ntemps && a->last_use[args[k]] < i)
                a->last_use[args[k]] = i;
        for (unsigned k = 0; k < ir_op_info[in->op].nargs && keep_until[i]; k++) /* baseline_opt.h */
            if (args[k] < code->ntemps && keep_until[i] > a->last_use[args[k]])
                a->last_use[args[k]] = keep_until[i];
        if (ir_op_info[in->op].result != IR_RESULT_V)
            a->def[in->dst] = i;
    }
}

/* A register is free at op i once its temp has been read for the last
 * time (an op reads its operands before it writes its result, so op i may
 * reuse its last operand's register). */
static bool is_free(const int *owner, const BaselineAlloc *a, int r, uint32_t i)
{
    return owner[r] < 0 || a->last_use[owner[r]] <= i;
}

/* A free register of the preferred kind, else of the other, else none. */
static int pick(const int *owner, const BaselineAlloc *a, uint32_t i, bool want_callee_saved, unsigned npinned)
{
    for (int pass = 0; pass < 2; pass++) {
        bool callee = want_callee_saved != (pass == 1);
        const X64Reg *set = callee ? callee_saved : caller_saved;
        size_t n = callee ? sizeof callee_saved / sizeof *callee_saved - (npinned ? npinned - 1 : 0) /* r12 is not listed */
                          : sizeof caller_saved / sizeof *caller_saved;
        for (size_t k = 0; k < n; k++)
            if (is_free(owner, a, set[k], i))
                return set[k];
    }
    return BASELINE_NO_REG;
}

void baseline_alloc(const InterpCode *code, bool memory_calls, const uint32_t *keep_until, unsigned npinned,
                    BaselineAlloc *a, Scratch *s)
{
    unsigned n = code->ntemps;
    a->reg = scratch_alloc(s, n, sizeof *a->reg);
    a->def = scratch_zalloc(s, n, sizeof *a->def);
    a->last_use = scratch_zalloc(s, n, sizeof *a->last_use);
    a->spilled = 0;
    uint32_t *calls_before = scratch_alloc(s, code->count + 1, sizeof *calls_before); /* calling ops before index i */
    for (unsigned t = 0; t < n; t++)
        a->reg[t] = BASELINE_NO_REG;
    note_uses(code, keep_until, a);
    calls_before[0] = 0;
    for (uint32_t i = 0; i < code->count; i++)
        calls_before[i + 1] = calls_before[i] + calls_out(code->insns[i].op, memory_calls);
    int owner[16]; /* the temp last given each register, or -1 */
    for (int r = 0; r < 16; r++)
        owner[r] = -1;
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        if (ir_op_info[in->op].result == IR_RESULT_V || is_constant(in->op) || a->last_use[in->dst] <= i)
            continue;
        bool crosses_call = calls_before[a->last_use[in->dst]] > calls_before[i + 1];
        int r = pick(owner, a, i, crosses_call, npinned);
        if (r != BASELINE_NO_REG) {
            owner[r] = in->dst;
            a->reg[in->dst] = (int8_t)r;
        } else {
            a->spilled++;
        }
    }
}
