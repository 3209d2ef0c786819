/* Superblocks: blocks joined with their likely successors (superblock.h). */
#include "backend/superblock.h"

#include <stdlib.h>
#include <string.h>

#include "backend/baseline.h"
#include "backend/cpu_common.h"

/* A likely successor needs this many net votes (superblock_note_exit).
 * A block gets baseline code after some seven interpreted runs (exec.c
 * counts lookups of it, about two per run), so that means six of seven
 * runs went there. */
#define MIN_VOTES 5
/* Runs of counting code that make a measurement (measured_next). */
#define MIN_MEASURED_RUNS 64
/* Joined IR stays well inside the baseline tier's temps (4096) and frame. */
#define MAX_TEMPS 1024
#define NO_OP SIZE_MAX

/* One counter of the majority vote (Misra and Gries): a successor that
 * ends with `votes` net votes after n runs took at least (n + votes) / 2
 * of them. */
void superblock_note_exit(TransBlock *tb, uint32_t next_pc)
{
    if (tb->likely_votes && tb->likely_next == next_pc) {
        if (tb->likely_votes < UINT8_MAX)
            tb->likely_votes++;
    } else if (tb->likely_votes) {
        tb->likely_votes--;
    } else {
        tb->likely_next = next_pc;
        tb->likely_votes = 1;
    }
}

bool superblock_likely(const TransBlock *tb)
{
    return tb->likely_votes >= MIN_VOTES;
}

static bool is_branch(uint8_t op)
{
    return op == IR_BR || op == IR_BRZ || op == IR_BRNZ;
}

/* Op `in` of a block whose ops now start `shift` ops and whose temps
 * `offset` temps later, its zero temp (interp_prepare's) now `zero`. */
static IrInsn moved(IrInsn in, unsigned offset, IrTemp old_zero, IrTemp zero, size_t shift)
{
    IrTemp *args[3] = {&in.a, &in.b, &in.c};
    for (unsigned a = 0; a < ir_op_info[in.op].nargs; a++)
        *args[a] = *args[a] == old_zero ? zero : (IrTemp)(*args[a] + offset);
    if (ir_op_info[in.op].result != IR_RESULT_V)
        in.dst = (IrTemp)(in.dst + offset);
    if (is_branch(in.op))
        in.imm += shift;
    return in;
}

/* `BRZ c L; EXIT hot; LABEL L; EXIT cold` with exit_at at the first
 * exit: the shape of a conditional branch taken mostly.  Joined as
 * `BRNZ c L; EXIT cold; LABEL L; next...`, the hot path falls through
 * and the side exit lies between a store before the branch and the one
 * after the label that overwrites it, so the store is made on the side
 * exit's path alone (baseline_opt.h). */
static bool hot_exit_first(const InterpCode *c, size_t at)
{
    return at >= 1 && at + 2 < c->count && (c->insns[at - 1].op == IR_BRZ || c->insns[at - 1].op == IR_BRNZ) &&
           c->insns[at - 1].imm == at + 1 && c->insns[at + 1].op == IR_LABEL && c->insns[at + 2].op == IR_EXIT;
}

static InterpCode *splice(const InterpCode *head, size_t exit_at, const InterpCode *next);

InterpCode *superblock_join(const InterpCode *head, size_t exit_at, const InterpCode *next, size_t *next_at)
{
    *next_at = exit_at;
    if (!hot_exit_first(head, exit_at))
        return splice(head, exit_at, next);
    *next_at = exit_at + 2;
    InterpCode flipped = *head;
    if (!(flipped.insns = malloc(head->count * sizeof *flipped.insns)))
        abort();
    memcpy(flipped.insns, head->insns, head->count * sizeof *flipped.insns);
    IrInsn *br = &flipped.insns[exit_at - 1];
    br->op = br->op == IR_BRZ ? IR_BRNZ : IR_BRZ;
    flipped.insns[exit_at] = head->insns[exit_at + 2];
    flipped.insns[exit_at + 2] = head->insns[exit_at];
    InterpCode *j = splice(&flipped, exit_at + 2, next);
    free(flipped.insns);
    return j;
}

static InterpCode *splice(const InterpCode *head, size_t exit_at, const InterpCode *next)
{
    InterpCode *j = malloc(sizeof *j);
    size_t count = head->count - 1 + next->count;
    if (!j || !(j->insns = malloc(count * sizeof *j->insns)))
        abort();
    j->count = count;
    j->ntemps = head->ntemps - 1 + next->ntemps; /* one zero temp, the last */
    IrTemp head_zero = (IrTemp)(head->ntemps - 1), zero = (IrTemp)(j->ntemps - 1);
    unsigned offset = head->ntemps - 1;
    size_t shift = next->count - 1; /* where head's ops after exit_at move */
    for (size_t i = 0, o = 0; i < head->count; i++) {
        if (i == exit_at) {
            for (size_t k = 0; k < next->count; k++)
                j->insns[o++] = moved(next->insns[k], offset, (IrTemp)(next->ntemps - 1), zero, exit_at);
            continue;
        }
        IrInsn in = head->insns[i];
        unsigned n = ir_op_info[in.op].nargs;
        IrTemp *args[3] = {&in.a, &in.b, &in.c};
        for (unsigned a = 0; a < n; a++)
            if (*args[a] == head_zero)
                *args[a] = zero;
        if (is_branch(in.op) && in.imm > exit_at)
            in.imm += shift;
        j->insns[o++] = in;
    }
    return j;
}

/* next's IR after ops that count its run and instructions the way
 * baseline code counts a block's at its start (--stats). */
static InterpCode *counting(const InterpCode *next, unsigned ninsns)
{
    static const size_t counters[] = {offsetof(CpuCommon, baseline_blocks), offsetof(CpuCommon, baseline_insns)};
    enum { NCOUNTERS = sizeof counters / sizeof *counters, OPS_PER_COUNTER = 4, TEMPS_PER_COUNTER = 3 };
    InterpCode *c = malloc(sizeof *c);
    size_t extra = NCOUNTERS * OPS_PER_COUNTER;
    if (!c || !(c->insns = malloc((extra + next->count) * sizeof *c->insns)))
        abort();
    c->count = extra + next->count;
    c->ntemps = next->ntemps + NCOUNTERS * TEMPS_PER_COUNTER;
    IrInsn *o = c->insns;
    for (size_t k = 0; k < NCOUNTERS; k++) {
        IrTemp t = (IrTemp)(k * TEMPS_PER_COUNTER);
        uint64_t add = k ? ninsns : 1;
        *o++ = (IrInsn){.op = IR_LDS64, .dst = t, .a = IR_NO_TEMP, .b = IR_NO_TEMP, .c = IR_NO_TEMP, .imm = counters[k]};
        *o++ = (IrInsn){.op = IR_MOVI64, .dst = t + 1, .a = IR_NO_TEMP, .b = IR_NO_TEMP, .c = IR_NO_TEMP, .imm = add};
        *o++ = (IrInsn){.op = IR_ADD64, .dst = t + 2, .a = t, .b = t + 1, .c = IR_NO_TEMP};
        *o++ = (IrInsn){.op = IR_STS64, .dst = IR_NO_TEMP, .a = t + 2, .b = IR_NO_TEMP, .c = IR_NO_TEMP, .imm = counters[k]};
    }
    IrTemp zero = (IrTemp)(next->ntemps - 1);
    for (size_t i = 0; i < next->count; i++)
        *o++ = moved(next->insns[i], NCOUNTERS * TEMPS_PER_COUNTER, zero, (IrTemp)(zero + NCOUNTERS * TEMPS_PER_COUNTER),
                     extra);
    return c;
}

/* The op in [lo, hi) of code that is a direct exit to (pc, mode), or NO_OP. */
static size_t find_exit(const InterpCode *code, size_t lo, size_t hi, uint32_t pc, uint32_t mode)
{
    for (size_t i = lo; i < hi; i++) {
        const IrInsn *in = &code->insns[i];
        if (in->op == IR_EXIT && in->aux == IR_EXIT_JUMP && ir_exit_pc(in) == pc && ir_exit_mode(in) == mode)
            return i;
    }
    return NO_OP;
}

static unsigned direct_exits(const InterpCode *code)
{
    unsigned n = 0;
    for (size_t i = 0; i < code->count; i++)
        n += code->insns[i].op == IR_EXIT && code->insns[i].aux == IR_EXIT_JUMP;
    return n;
}

/* Is next's code on the pages tb is filed under (block_cache.c), so that
 * a write to it finds tb? */
static bool on_pages_of(const TransBlock *tb, const TransBlock *next)
{
    uint64_t lo = tb->guest_start & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
    uint64_t hi = (((uint64_t)tb->guest_end - 1) | (GUEST_PAGE_SIZE - 1)) + 1;
    return next->guest_start >= lo && next->guest_end <= hi;
}

static bool joins(const TransBlock *tb, const TransBlock *next, const TransBlock *const *members, unsigned n)
{
    if (!next || !next->code || !atomic_load_explicit(&next->valid, memory_order_relaxed) || !on_pages_of(tb, next))
        return false;
    for (unsigned k = 0; k < n; k++)
        if (members[k] == next)
            return false; /* a loop: its back edge stays an exit, linked to the head */
    return true;
}

/* Where the runs of a block's counting code went (exec.c): 1 and *pc
 * when nine in ten or more left by one exit, 0 when none did, -1 when it
 * has not counted enough runs to tell.  The interpreted runs' vote sees
 * the first few runs only; a branch that goes either way later made a
 * superblock whose side exit runs half the time (xz -d 8% slower). */
static int measured_next(const TransBlock *tb, uint32_t *pc)
{
    if (!tb->exits_counted || tb->exec_count < MIN_MEASURED_RUNS)
        return -1;
    unsigned best = 0;
    for (unsigned k = 1; k < BASELINE_MAX_SITES; k++)
        if (tb->exit_runs[k] > tb->exit_runs[best])
            best = k;
    if ((uint64_t)tb->exit_runs[best] * 10 < tb->exec_count * 9)
        return 0;
    *pc = tb->exit_pc[best];
    return 1;
}

/* Where block `last` (ops [lo, hi) of code) likely goes: where its
 * counting code measured, else its interpreted runs' majority, else with
 * guess its last direct exit.  False for none. */
static bool likely_next(const TransBlock *last, const InterpCode *code, size_t lo, size_t hi, bool guess, uint32_t *pc)
{
    int measured = measured_next(last, pc);
    if (measured >= 0)
        return measured;
    if (superblock_likely(last)) {
        *pc = last->likely_next;
        return true;
    }
    for (size_t i = hi; guess && i-- > lo;)
        if (code->insns[i].op == IR_EXIT && code->insns[i].aux == IR_EXIT_JUMP) {
            *pc = ir_exit_pc(&code->insns[i]);
            return true;
        }
    return false;
}

InterpCode *superblock_form(const TransBlock *tb, const SuperblockLookup *lookup, bool count, SuperblockSpan *span)
{
    *span = (SuperblockSpan){.start = tb->guest_start, .end = tb->guest_end, .blocks = 1};
    const TransBlock *members[SUPERBLOCK_MAX_BLOCKS] = {tb};
    InterpCode *joined = NULL;
    const InterpCode *code = tb->code;
    size_t lo = 0, hi = code->count; /* the ops of the block joined last */
    const TransBlock *last = tb;
    uint32_t pc;
    while (span->blocks < SUPERBLOCK_MAX_BLOCKS && likely_next(last, code, lo, hi, lookup->guess, &pc)) {
        size_t at = find_exit(code, lo, hi, pc, tb->mode);
        if (at == NO_OP)
            break;
        const TransBlock *next = lookup->find(lookup->opaque, pc, tb->mode);
        if (!joins(tb, next, members, span->blocks) ||
            direct_exits(code) - 1 + direct_exits(next->code) > BASELINE_MAX_SITES ||
            code->ntemps + next->code->ntemps > MAX_TEMPS)
            break;
        InterpCode *counted = count ? counting(next->code, next->ninsns) : NULL;
        const InterpCode *part = counted ? counted : next->code;
        InterpCode *j = superblock_join(code, at, part, &lo);
        hi = lo + part->count;
        interp_free(counted);
        interp_free(joined);
        code = joined = j;
        span->start = next->guest_start < span->start ? next->guest_start : span->start;
        span->end = next->guest_end > span->end ? next->guest_end : span->end;
        members[span->blocks++] = last = next;
    }
    return joined;
}
