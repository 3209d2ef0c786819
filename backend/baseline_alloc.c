/* Linear-scan register allocation for baseline blocks (baseline_alloc.h). */
#include "backend/baseline_alloc.h"

#include "backend/baseline.h"
#include "backend/baseline_opt.h"

/* Caller-saved first: most temps live for an op or two and cross no call. */
static const X64Reg caller_saved[] = {X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10, X64_R11};
static const X64Reg callee_saved[] = {X64_R14, X64_R13, X64_R15, X64_RBP};
#define NCALLER (sizeof caller_saved / sizeof *caller_saved)

/* The part of callee_saved the allocator may hand out: r14 only when it
 * holds no guest memory base (BaselineRequest.segment); the pinned words
 * after the first take theirs from the end (the first takes r12, which
 * is not listed). */
typedef struct CalleePool {
    size_t first, end;
} CalleePool;

static CalleePool callee_pool(unsigned npinned, bool segment)
{
    return (CalleePool){.first = segment ? 0 : 1,
                        .end = sizeof callee_saved / sizeof *callee_saved - (npinned ? npinned - 1 : 0)};
}

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

#define NO_STORE UINT32_MAX

/* What pinned_home needs to know about the pinned words. */
typedef struct PinnedHints {
    unsigned npinned;
    const uint32_t *off;
    uint32_t *first_store; /* find_pinned_stores' */
    uint32_t busy_until[BASELINE_MAX_PINNED]; /* last reader of a temp given the word's register */
} PinnedHints;

static bool is_constant(uint8_t op)
{
    return op == IR_MOVI || op == IR_MOVI64;
}

/* Is t an address ADD (BASELINE_ADD_ADDRESS), which has no value: its
 * guest access adds its operands, which the ADD's keep_until keeps? */
static bool is_address_add(const InterpCode *code, const BaselineAlloc *a, IrTemp t)
{
    const IrInsn *d = &code->insns[a->def[t]];
    return d->op == IR_ADD && d->dst == t && (d->aux & BASELINE_ADD_ADDRESS);
}

static void note_uses(const InterpCode *code, const uint32_t *keep_until, BaselineAlloc *a)
{
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        const IrTemp args[3] = {in->a, in->b, in->c};
        for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
            if (args[k] < code->ntemps && a->last_use[args[k]] < i && !(k == 0 && is_address_add(code, a, args[k])))
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
static int pick(const int *owner, const BaselineAlloc *a, uint32_t i, bool want_callee_saved, CalleePool pool)
{
    for (int pass = 0; pass < 2; pass++) {
        bool callee = want_callee_saved != (pass == 1);
        const X64Reg *set = callee ? callee_saved : caller_saved;
        size_t from = callee ? pool.first : 0, to = callee ? pool.end : NCALLER;
        for (size_t k = from; k < to; k++)
            if (is_free(owner, a, set[k], i))
                return set[k];
    }
    return BASELINE_NO_REG;
}

/* No register is free at op i for temp t: take one from the temp whose
 * range reaches furthest, if that is further than t's, and spill that
 * temp instead (it then lives in its stack slot throughout; nothing has
 * been emitted yet).  Long ranges are cheaper in a slot, per op they
 * cover. */
static int take_from_furthest(int *owner, BaselineAlloc *a, IrTemp t, CalleePool pool)
{
    int best = BASELINE_NO_REG;
    uint32_t furthest = a->last_use[t];
    for (size_t k = 0; k < NCALLER + pool.end; k++) {
        if (k >= NCALLER && k - NCALLER < pool.first)
            continue;
        int r = k < NCALLER ? caller_saved[k] : callee_saved[k - NCALLER];
        if (owner[r] >= 0 && a->last_use[owner[r]] > furthest) {
            furthest = a->last_use[owner[r]];
            best = r;
        }
    }
    if (best != BASELINE_NO_REG)
        a->reg[owner[best]] = BASELINE_NO_REG;
    return best;
}

/* Which pinned word (index into off[]) a 32-bit state access names, or -1. */
static int pinned_word(const IrInsn *in, const PinnedHints *h)
{
    if (in->op != IR_LDS32 && in->op != IR_STS32)
        return -1;
    return baseline_pinned_index(h->off, h->npinned, in->imm);
}

/* May op `in` run while a temp already sits in the register of pinned
 * word k that it is about to be stored to?  Not if it can fault, call
 * out, leave, branch or merge, or touches that word. */
static bool fits_window(const IrInsn *in, const PinnedHints *h, unsigned k)
{
    if (in->op == IR_LDS32 || in->op == IR_STS32)
        return pinned_word(in, h) != (int)k;
    return in->op == IR_INSN_START || (ir_op_info[in->op].result != IR_RESULT_V && !is_memory_op(in->op) &&
                                       in->op != IR_CALL && in->op != IR_LDS64);
}

/* Does word k's register hold the same value after ops from..to
 * (inclusive)?  Not across a store to the word (or over it), nor a helper
 * call (the word is written back and loaded again around it, and the
 * helper may change it). */
static bool register_kept(const InterpCode *code, const PinnedHints *h, unsigned k, bool memory_calls, uint32_t from,
                          uint32_t to)
{
    for (uint32_t i = from; i <= to && i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        if (in->op == IR_STS64 || in->op == IR_LDS64 || calls_out(in->op, memory_calls) ||
            (in->op == IR_STS32 && pinned_word(in, h) == (int)k))
            return false;
    }
    return true;
}

/* The pinned register temp t (defined by op i) can live in, or
 * BASELINE_NO_REG.  A load of a pinned word reads its register in place
 * while nothing rewrites it; a value that is stored to a pinned word and
 * reaches that store without anything in between that could observe the
 * word (a fault, a call, an exit, a branch) is computed in the word's
 * register, once the register's earlier values are dead. */
static int pinned_home(const InterpCode *code, const PinnedHints *h, const BaselineAlloc *a, bool memory_calls,
                       IrTemp t, uint32_t i)
{
    const IrInsn *in = &code->insns[i];
    if (ir_op_info[in->op].result != IR_RESULT_I32)
        return BASELINE_NO_REG; /* pinned registers hold zero-extended words */
    int k = pinned_word(in, h);
    if (k >= 0) /* a load */
        return register_kept(code, h, (unsigned)k, memory_calls, i + 1, a->last_use[t]) ? k : BASELINE_NO_REG;
    uint32_t j = h->first_store[t];
    if (j == NO_STORE || (code->insns[j].aux & BASELINE_STS_DEFERRED))
        return BASELINE_NO_REG;
    k = pinned_word(&code->insns[j], h);
    if (h->busy_until[k] > i)
        return BASELINE_NO_REG;
    for (uint32_t w = i + 1; w < j; w++)
        if (!fits_window(&code->insns[w], h, (unsigned)k))
            return BASELINE_NO_REG;
    return register_kept(code, h, (unsigned)k, memory_calls, j + 1, a->last_use[t]) ? k : BASELINE_NO_REG;
}

/* h->first_store: per temp, the first op storing it to a pinned word. */
static void find_pinned_stores(const InterpCode *code, PinnedHints *h, Scratch *s)
{
    h->first_store = scratch_alloc(s, code->ntemps, sizeof *h->first_store);
    for (unsigned t = 0; t < code->ntemps; t++)
        h->first_store[t] = NO_STORE;
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        if (in->op == IR_STS32 && in->a < code->ntemps && h->first_store[in->a] == NO_STORE && pinned_word(in, h) >= 0)
            h->first_store[in->a] = i;
    }
}

/* The register of an operand that op i reads for the last time: computing
 * the result there saves the copy a two-address host op would make. */
static int dying_operand_reg(const InterpCode *code, const BaselineAlloc *a, const int *owner, uint32_t i)
{
    const IrInsn *in = &code->insns[i];
    const IrTemp args[3] = {in->a, in->b, in->c};
    for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++) {
        int r = args[k] < code->ntemps ? a->reg[args[k]] : BASELINE_NO_REG;
        if (r != BASELINE_NO_REG && owner[r] == (int)args[k] && a->last_use[args[k]] == i)
            return r;
    }
    return BASELINE_NO_REG;
}

/* Does anything in ops from..to (inclusive) change state word off, as far
 * as the block can tell?  A store to it (deferred or not) or over it, or a
 * call out (helpers may write any word). */
static bool rewrites_word(const InterpCode *code, uint32_t off, bool memory_calls, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i <= to && i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        if ((in->op == IR_STS32 && in->imm == off) || (in->op == IR_STS64 && (in->imm == off || in->imm + 4 == off)) ||
            calls_out(in->op, memory_calls))
            return true;
    }
    return false;
}

/* Temps left without a register that load an unpinned state word which
 * stays as it is while they live are read from the word itself: no stack
 * slot, no store.  Not a temp a deferred store names: fault sites name
 * registers and slots (BaselineRecovery). */
static void find_state_homes(const InterpCode *code, bool memory_calls, const PinnedHints *h, BaselineAlloc *a,
                             Scratch *s)
{
    a->state_home = scratch_alloc(s, code->ntemps, sizeof *a->state_home);
    for (unsigned t = 0; t < code->ntemps; t++)
        a->state_home[t] = BASELINE_NO_HOME;
    if (!a->spilled)
        return;
    bool *deferred_value = scratch_zalloc(s, code->ntemps, sizeof *deferred_value);
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        if (in->op == IR_STS32 && (in->aux & BASELINE_STS_DEFERRED) && in->a < code->ntemps)
            deferred_value[in->a] = true;
    }
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        IrTemp t = in->dst;
        if (in->op != IR_LDS32 || a->reg[t] != BASELINE_NO_REG || a->last_use[t] <= i || deferred_value[t] ||
            in->imm % 4 || pinned_word(in, h) >= 0 ||
            rewrites_word(code, (uint32_t)in->imm, memory_calls, i + 1, a->last_use[t]))
            continue;
        a->state_home[t] = (uint32_t)in->imm;
    }
}

/* Is t a temp the allocation left in memory (neither a register nor a
 * constant)? */
static bool in_memory(const InterpCode *code, const BaselineAlloc *a, IrTemp t)
{
    return t < code->ntemps && a->reg[t] == BASELINE_NO_REG && !is_constant(code->insns[a->def[t]].op) &&
           a->last_use[t] > a->def[t];
}

/* BaselineAlloc.spill_cost: a load per read of a temp in memory, and a
 * store of each that has no state home. */
static unsigned count_spill_cost(const InterpCode *code, const BaselineAlloc *a)
{
    unsigned cost = 0;
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        const IrTemp args[3] = {in->a, in->b, in->c};
        for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
            cost += in_memory(code, a, args[k]);
        if (ir_op_info[in->op].result != IR_RESULT_V && in_memory(code, a, in->dst) &&
            a->state_home[in->dst] == BASELINE_NO_HOME)
            cost++;
    }
    return cost;
}

void baseline_alloc(const InterpCode *code, bool memory_calls, bool segment, const uint32_t *keep_until,
                    const uint32_t *pinned_off, unsigned npinned, BaselineAlloc *a, Scratch *s)
{
    CalleePool pool = callee_pool(npinned, segment);
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
    PinnedHints h = {.npinned = npinned < BASELINE_MAX_PINNED ? npinned : BASELINE_MAX_PINNED, .off = pinned_off};
    if (h.npinned)
        find_pinned_stores(code, &h, s);
    int owner[16]; /* the temp last given each register, or -1 */
    for (int r = 0; r < 16; r++)
        owner[r] = -1;
    for (uint32_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        if (ir_op_info[in->op].result == IR_RESULT_V || is_constant(in->op) || a->last_use[in->dst] <= i)
            continue;
        int k = h.npinned ? pinned_home(code, &h, a, memory_calls, in->dst, i) : BASELINE_NO_REG;
        if (k != BASELINE_NO_REG) {
            a->reg[in->dst] = (int8_t)baseline_pinned_reg((unsigned)k);
            if (h.busy_until[k] < a->last_use[in->dst])
                h.busy_until[k] = a->last_use[in->dst];
            continue;
        }
        bool crosses_call = calls_before[a->last_use[in->dst]] > calls_before[i + 1];
        int r = dying_operand_reg(code, a, owner, i);
        if (r == BASELINE_NO_REG || (crosses_call && !baseline_reg_callee_saved((X64Reg)r)))
            r = pick(owner, a, i, crosses_call, pool);
        if (r == BASELINE_NO_REG) {
            a->spilled++;
            r = take_from_furthest(owner, a, in->dst, pool);
        }
        if (r != BASELINE_NO_REG) {
            owner[r] = in->dst;
            a->reg[in->dst] = (int8_t)r;
        }
    }
    find_state_homes(code, memory_calls, &h, a, s);
    a->spill_cost = a->spilled ? count_spill_cost(code, a) : 0;
}
