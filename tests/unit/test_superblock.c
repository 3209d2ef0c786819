/*
 * Superblocks (backend/superblock.c): a block joined with its successor
 * must compute what the two blocks compute in turn, on the joined path
 * and on the head's side exit, in the interpreter and as baseline code
 * with and without the words it writes pinned.  The head's stores that
 * the successor overwrites are deferred to the side exit (baseline_opt's
 * exit_op, baseline.c's flush_deferred): a side exit that did not write
 * them would leave the old r0, r3 and flags.
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend/baseline.h"
#include "backend/baseline_opt.h"
#include "backend/superblock.h"
#include "frontend/arm_cpu.h"

#define DATA_ADDR 0x10000u
#define R(n) offsetof(ArmCpu, r[n])
#define NEXT_PC 0x2000u
#define COLD_PC 0x3000u
#define END_PC 0x4000u

typedef struct Env {
    uint8_t *mem; /* host address of guest DATA_ADDR */
    uint8_t *page_flags;
} Env;

static void env_init(Env *e)
{
    e->mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(e->mem, MAP_FAILED);
    for (int i = 0; i < 4096; i++)
        e->mem[i] = (uint8_t)(i * 29 + 3);
    e->page_flags = calloc(1u << 20, 1);
    ck_assert_ptr_nonnull(e->page_flags);
    e->page_flags[DATA_ADDR >> 12] = PAGE_FLAG_READ | PAGE_FLAG_WRITE | PAGE_FLAG_MAPPED;
}

static void env_free(Env *e)
{
    free(e->page_flags);
    munmap(e->mem, 4096);
}

static void cpu_init(const Env *e, ArmCpu *cpu, uint32_t r0, uint32_t r1, uint32_t r2)
{
    memset(cpu, 0, sizeof *cpu);
    cpu->common.mem_base = e->mem - DATA_ADDR;
    cpu->common.page_flags = e->page_flags;
    for (int i = 0; i < 16; i++)
        cpu->r[i] = 0x9e3779b9u * (uint32_t)(i + 1);
    cpu->r[0] = r0, cpu->r[1] = r1, cpu->r[2] = r2;
}

/* N and Z of v, as the translator stores them. */
static void set_nz(IrBlock *b, IrTemp v)
{
    ir_sts32(b, offsetof(ArmCpu, nf), ir_op2(b, IR_LSHR, v, ir_movi(b, 31)));
    ir_sts32(b, offsetof(ArmCpu, zf), ir_op2(b, IR_SETEQ, v, ir_movi(b, 0)));
}

/* r0 += r1 (flags from it), r3 ^= r0, then to NEXT_PC if r0 != r2, else
 * to COLD_PC; with next_first the exit to NEXT_PC comes first. */
static InterpCode *head_block(IrBlock *b, bool next_first)
{
    ir_block_reset(b);
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0x1000, 0);
    IrTemp sum = ir_op2(b, IR_ADD, ir_lds32(b, R(0)), ir_lds32(b, R(1)));
    ir_sts32(b, R(0), sum);
    set_nz(b, sum);
    ir_sts32(b, R(3), ir_op2(b, IR_XOR, ir_lds32(b, R(3)), sum));
    IrTemp differ = ir_op2(b, IR_SETNE, sum, ir_lds32(b, R(2)));
    IrLabel other = ir_new_label(b);
    if (next_first)
        ir_brz(b, differ, other);
    else
        ir_brnz(b, differ, other);
    ir_exit_to(b, next_first ? NEXT_PC : COLD_PC, 0, IR_EXIT_JUMP);
    ir_label(b, other);
    ir_exit_to(b, next_first ? COLD_PC : NEXT_PC, 0, IR_EXIT_JUMP);
    return interp_prepare(b);
}

/* r0 = r0 * 3 + a word (flags from it) and r3 = r0 - 1: both words and
 * the flags the head wrote, written again.  With load, the word is a
 * guest load's (a fault site between the head's stores and these). */
static InterpCode *next_block(IrBlock *b, bool load)
{
    ir_block_reset(b);
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, NEXT_PC, 0);
    IrTemp loaded = load ? ir_load(b, IR_LD32, ir_movi(b, DATA_ADDR + 0x40)) : ir_movi(b, 0x1234);
    IrTemp r0 = ir_op2(b, IR_ADD, ir_op2(b, IR_MUL, ir_lds32(b, R(0)), ir_movi(b, 3)), loaded);
    ir_sts32(b, R(0), r0);
    set_nz(b, r0);
    ir_sts32(b, R(3), ir_op2(b, IR_SUB, r0, ir_movi(b, 1)));
    ir_exit_to(b, END_PC, 0, IR_EXIT_JUMP);
    return interp_prepare(b);
}

static size_t exit_to(const InterpCode *c, uint32_t pc)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->insns[i].op == IR_EXIT && ir_exit_pc(&c->insns[i]) == pc)
            return i;
    ck_abort_msg("no exit to %#x", pc);
    return 0;
}

static void expect_same_state(const char *what, const ArmCpu *want, uint32_t want_pc, const ArmCpu *got,
                              uint32_t got_pc)
{
    ck_assert_msg(want_pc == got_pc, "%s: goes to %#x, not %#x", what, got_pc, want_pc);
    for (int i = 0; i < 16; i++)
        ck_assert_msg(want->r[i] == got->r[i], "%s: r%d is %#x, not %#x", what, i, got->r[i], want->r[i]);
    ck_assert_msg(want->nf == got->nf && want->zf == got->zf, "%s: N, Z are %u, %u, not %u, %u", what, got->nf,
                  got->zf, want->nf, want->zf);
}

/* Both blocks in the interpreter, the second when the first goes there. */
static uint32_t run_in_turn(const Env *e, const InterpCode *head, const InterpCode *next, const uint32_t r[3],
                            ArmCpu *cpu)
{
    cpu_init(e, cpu, r[0], r[1], r[2]);
    uint32_t pc;
    ck_assert_int_eq(interp_run(head, cpu, &pc), IR_EXIT_JUMP);
    if (pc == NEXT_PC)
        ck_assert_int_eq(interp_run(next, cpu, &pc), IR_EXIT_JUMP);
    return pc;
}

/* joined: the head (either shape: they compute the same) and next_block
 * with or without its load. */
static void run_joined_everywhere(const Env *e, const InterpCode *joined, bool load, const uint32_t r[3])
{
    ArmCpu want, got;
    IrBlock *b = ir_block_new();
    InterpCode *head = head_block(b, true), *next = next_block(b, load);
    uint32_t want_pc = run_in_turn(e, head, next, r, &want), pc;
    interp_free(head);
    interp_free(next);
    ir_block_free(b);
    cpu_init(e, &got, r[0], r[1], r[2]);
    ck_assert_int_eq(interp_run(joined, &got, &pc), IR_EXIT_JUMP);
    expect_same_state("interpreted", &want, want_pc, &got, pc);
    static const uint32_t pins[] = {R(0), R(3), R(2)};
    for (unsigned npins = 0; npins <= 3; npins += 3) {
        Baseline *bl = baseline_new(0);
        ck_assert_ptr_nonnull(bl);
        BaselineCode bc;
        baseline_compile(bl, joined,
                         &(BaselineRequest){.chain = true, .tag = 0x1000, .pc = 0x1000, .pinned_off = pins,
                                            .npinned = npins, .bool_words_off = offsetof(ArmCpu, nf),
                                            .nbool_words = ARM_FLAG_WORDS},
                         &bc);
        ck_assert_msg(bc.body != NULL, "the baseline tier declined the joined block");
        cpu_init(e, &got, r[0], r[1], r[2]);
        ck_assert_int_eq(baseline_run(bl, &bc, &got, &pc), IR_EXIT_JUMP);
        expect_same_state(npins ? "baseline code, r0 r3 r2 pinned" : "baseline code", &want, want_pc, &got, pc);
        baseline_free(bl);
    }
}

/* r0 + r1 == r2 takes the side exit; anything else the joined path. */
static const uint32_t inputs[][3] = {
    {1, 2, 3}, {1, 2, 4}, {0x7fffffffu, 1, 0x80000000u}, {0x7fffffffu, 1, 0}, {0, 0, 0}, {0, 0, 1},
    {0xffffffffu, 1, 0}, {0xffffffffu, 1, 5},
};

START_TEST(joined_code_runs_as_its_blocks_in_turn)
{
    Env e;
    env_init(&e);
    IrBlock *b = ir_block_new();
    for (int shape = 0; shape < 4; shape++) {
        bool next_first = shape & 1, load = shape & 2;
        InterpCode *head = head_block(b, next_first), *next = next_block(b, load);
        size_t at;
        InterpCode *joined = superblock_join(head, exit_to(head, NEXT_PC), next, &at);
        ck_assert_int_eq(joined->insns[joined->count - 1].op, IR_EXIT); /* the joined path falls through */
        ck_assert_uint_eq(at, joined->count - next->count);
        for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++)
            run_joined_everywhere(&e, joined, load, inputs[k]);
        interp_free(joined);
        interp_free(head);
        interp_free(next);
    }
    ir_block_free(b);
    env_free(&e);
}
END_TEST

/* What makes a superblock pay: the head's r0 store and flag stores go
 * to its side exit, as deferred stores, instead of being made on the
 * joined path. */
START_TEST(the_heads_overwritten_stores_wait_for_the_side_exit)
{
    IrBlock *b = ir_block_new();
    InterpCode *head = head_block(b, true), *next = next_block(b, false);
    size_t at;
    InterpCode *joined = superblock_join(head, exit_to(head, NEXT_PC), next, &at);
    Scratch s = {0};
    scratch_reset(&s);
    InterpCode out;
    uint32_t *keep_until;
    baseline_optimize(joined, false, false, &out, &keep_until, &s);
    unsigned deferred = 0, side_exits = 0;
    for (size_t i = 0; i < out.count; i++) {
        const IrInsn *in = &out.insns[i];
        if (in->op == IR_EXIT && ir_exit_pc(in) == COLD_PC)
            side_exits++;
        if (in->op == IR_STS32 && (in->aux & BASELINE_STS_DEFERRED) && !side_exits &&
            (in->imm == R(0) || in->imm == R(3) || in->imm == offsetof(ArmCpu, nf) || in->imm == offsetof(ArmCpu, zf)))
            deferred++;
    }
    ck_assert_uint_eq(side_exits, 1);
    ck_assert_uint_eq(deferred, 4);
    scratch_free(&s);
    interp_free(joined);
    interp_free(head);
    interp_free(next);
    ir_block_free(b);
}
END_TEST

static const TransBlock *peek(void *opaque, uint32_t pc, uint32_t mode)
{
    return block_cache_peek(opaque, pc, mode);
}

/* Which successor joins: the one the counting code measured at nine in
 * ten runs or more, whatever the interpreted runs voted; none when the
 * runs split; the vote when nothing was measured. */
START_TEST(a_measured_successor_outweighs_the_vote)
{
    static const struct {
        bool counted;
        uint32_t voted, runs_next, runs_cold;
        bool joins;
    } cases[] = {
        {false, NEXT_PC, 0, 0, true}, {true, NEXT_PC, 500, 500, false}, {true, NEXT_PC, 950, 50, true},
        {true, COLD_PC, 950, 50, true}, {true, NEXT_PC, 30, 20, true}, /* too few runs to tell: the vote */
    };
    IrBlock *b = ir_block_new();
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        BlockCache *c = block_cache_new(NULL, NULL);
        TransBlock *head = block_cache_insert(c, 0x2400, 0, 0x2400, 0x2410, 4, head_block(b, true));
        block_cache_insert(c, NEXT_PC, 0, NEXT_PC, NEXT_PC + 8, 2, next_block(b, false));
        head->likely_next = cases[k].voted;
        head->likely_votes = 7;
        head->exits_counted = cases[k].counted;
        head->exec_count = cases[k].runs_next + cases[k].runs_cold;
        head->exit_pc[0] = COLD_PC, head->exit_runs[0] = cases[k].runs_cold;
        head->exit_pc[1] = NEXT_PC, head->exit_runs[1] = cases[k].runs_next;
        SuperblockLookup lookup = {.find = peek, .opaque = c};
        SuperblockSpan span;
        InterpCode *joined = superblock_form(head, &lookup, false, &span);
        ck_assert_msg((joined != NULL) == cases[k].joins, "case %zu: %s", k, joined ? "joined" : "not joined");
        if (joined)
            ck_assert_uint_eq(span.start, NEXT_PC); /* the successor, on the head's page */
        interp_free(joined);
        block_cache_flush(c);
        block_cache_collect(c);
        block_cache_free(c);
    }
    ir_block_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("superblock");
    TCase *tc = tcase_create("join");
    tcase_add_test(tc, joined_code_runs_as_its_blocks_in_turn);
    tcase_add_test(tc, the_heads_overwritten_stores_wait_for_the_side_exit);
    tcase_add_test(tc, a_measured_successor_outweighs_the_vote);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
