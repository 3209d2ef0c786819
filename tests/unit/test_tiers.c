/*
 * Every executor handles every IR op, with the same result: for each op in
 * ir_ops.h a small block using it runs in the interpreter, as baseline code
 * and as LLVM code (compiled alone, -jit sync), and the guest states must
 * agree.  An op the interpreter or the baseline tier lacks does not build
 * (-Wswitch); one the LLVM emitter lacks aborts the compile, failing this
 * test.
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend/baseline.h"
#include "backend/jit.h"
#include "frontend/arm_cpu.h"
#include "guest_code.h"
#include "translator/helpers.h"
#include "translator/translate.h"

#define DATA_ADDR 0x10000u
#define R(n) offsetof(ArmCpu, r[n])
#define D(n) offsetof(ArmCpu, vfp.d[n])

typedef struct Env {
    uint8_t *mem;        /* host address of guest DATA_ADDR */
    uint8_t *page_flags; /* one per guest page */
    BlockCache *cache;
    Jit *jit;
    Log log;
} Env;

static size_t no_fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len)
{
    (void)opaque, (void)addr;
    memset(buf, 0, len);
    return len;
}

static void env_init(Env *e)
{
    e->mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(e->mem, MAP_FAILED);
    e->page_flags = calloc(1u << 20, 1);
    e->page_flags[DATA_ADDR >> 12] = PAGE_FLAG_READ | PAGE_FLAG_WRITE | PAGE_FLAG_MAPPED;
    e->log.out = stderr;
    e->cache = block_cache_new(NULL, NULL);
    JitConfig config = {.cache = e->cache, .fetch = no_fetch};
    e->jit = jit_new(JIT_SYNC, &e->log, &config);
    ck_assert_msg(e->jit != NULL, "no LLVM tier");
}

static void env_free(Env *e)
{
    block_cache_flush(e->cache);
    jit_collect(e->jit, NULL);
    block_cache_collect(e->cache);
    jit_free(e->jit);
    block_cache_free(e->cache);
    free(e->page_flags);
    munmap(e->mem, 4096);
}

static void cpu_init(Env *e, ArmCpu *cpu)
{
    memset(cpu, 0, sizeof *cpu);
    cpu->common.mem_base = e->mem - DATA_ADDR;
    cpu->common.page_flags = e->page_flags;
    for (int i = 0; i < 16; i++)
        cpu->r[i] = 0x9e3779b9u * (uint32_t)(i + 1);
    for (int i = 0; i < 32; i++)
        cpu->vfp.d[i] = 0x0123456789abcdefull * (uint64_t)(i + 1);
    for (int i = 0; i < 4096; i++)
        e->mem[i] = (uint8_t)(i * 13 + 7);
}

/* Operands of a value op: constants for the 32-bit ones, a 64-bit state
 * word where the op reads an i64, 0 or 1 where it reads a carry. */
static IrTemp operand(IrBlock *b, IrOp op, unsigned k)
{
    bool wide = op == IR_LO32 || op == IR_HI32 ||
                ((op == IR_ADD64 || op == IR_SUB64 || op == IR_MUL64) && k < 2) ||
                ((op == IR_SHL64 || op == IR_LSHR64 || op == IR_ASHR64) && k == 0);
    if (wide)
        return ir_lds64(b, D(k + 1));
    if ((op == IR_ADDC || op == IR_ADDV) && k == 2)
        return ir_movi(b, 1);
    if (op == IR_LD8U || op == IR_LD8S || op == IR_LD16U || op == IR_LD16S || op == IR_LD32 || op == IR_LD64 ||
        op == IR_ST8 || op == IR_ST16 || op == IR_ST32 || op == IR_ST64)
        return k == 0 ? ir_movi(b, DATA_ADDR + 0x123) : ir_lds64(b, D(5));
    if ((op == IR_UDIV || op == IR_SDIV) && k == 1)
        return ir_lds32(b, R(7));
    return ir_lds32(b, R(k + 2));
}

/* The compiled run (state, exit, memory) must match the interpreter's. */
static void expect_same(const char *tier, IrOp op, const ArmCpu *interp, const ArmCpu *other, uint64_t exit_interp,
                        uint64_t exit_other, const uint8_t *mem_interp, const uint8_t *mem)
{
    const char *name = ir_op_info[op].name;
    ck_assert_msg(exit_interp == exit_other, "%s (%s): exit differs", name, tier);
    ck_assert_msg(!memcmp(interp->r, other->r, sizeof interp->r), "%s (%s): registers differ", name, tier);
    ck_assert_msg(!memcmp(interp->vfp.d, other->vfp.d, sizeof interp->vfp.d), "%s (%s): d registers differ", name,
                  tier);
    ck_assert_msg(!memcmp(mem_interp, mem, 4096), "%s (%s): memory differs", name, tier);
}

/* A block whose result depends on op; every block also branches and exits. */
static void build_block(IrBlock *b, IrOp op)
{
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0x8000, 0);
    const IrOpInfo *info = &ir_op_info[op];
    IrLabel skip = ir_new_label(b);
    ir_brz(b, ir_lds32(b, R(1)), skip); /* r1 != 0: falls through */
    if (op == IR_CALL) {
        ir_sts32(b, R(0), ir_call(b, HELPER_rbit, ir_lds32(b, R(3)), IR_NO_TEMP, IR_NO_TEMP));
    } else if (op == IR_MOVI || op == IR_MOVI64) {
        IrTemp t = ir_emit(b, op, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0xfedcba9876543210ull, 0);
        ir_sts64(b, D(0), op == IR_MOVI ? ir_op1(b, IR_ZEXT64, t) : t);
    } else if (info->result == IR_RESULT_V && info->nargs == 2 && op >= IR_ST8 && op <= IR_ST64) {
        ir_store(b, op, operand(b, op, 0), operand(b, op, 1));
    } else if (info->result != IR_RESULT_V && op != IR_LDS32 && op != IR_LDS64) {
        IrTemp args[3] = {IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP};
        for (unsigned k = 0; k < info->nargs; k++)
            args[k] = operand(b, op, k);
        IrTemp t = ir_emit(b, op, args[0], args[1], args[2], 0, 0);
        if (info->result == IR_RESULT_I64)
            ir_sts64(b, D(0), t);
        else
            ir_sts32(b, R(0), t);
    }
    ir_label(b, skip);
    IrLabel over = ir_new_label(b);
    ir_br(b, over);
    ir_label(b, over);
    IrLabel taken = ir_new_label(b);
    ir_brnz(b, ir_lds32(b, R(1)), taken);
    ir_label(b, taken);
    ir_sts32(b, R(12), ir_lds32(b, R(11))); /* plain state traffic, every block */
    ir_sts64(b, D(9), ir_lds64(b, D(8)));
    if (op == IR_EXIT)
        ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
    else
        ir_exit_ind(b, ir_lds32(b, R(14)), ir_movi(b, 0), IR_EXIT_INDIRECT);
}

static bool block_uses(const IrBlock *b, IrOp op)
{
    for (size_t i = 0; i < b->count; i++)
        if (b->insns[i].op == op)
            return true;
    return false;
}

static Baseline *checked_baseline(void)
{
    Baseline *bl = baseline_new(0);
    ck_assert_msg(bl != NULL, "no executable memory for the baseline tier");
    return bl;
}

/* Words every block reads or writes (build_block), pinned. */
static const uint32_t block_pins[] = {R(1), R(11), R(12)};

/* Run code as baseline code of bl (pinning npins words) on a fresh state,
 * which must end as the interpreter's did. */
static void run_baseline(Env *e, Baseline *bl, const InterpCode *code, const uint32_t *pins, unsigned npins,
                         const ArmCpu *interp, uint64_t interp_exit, const uint8_t *mem_interp, IrOp op)
{
    const char *tier = npins ? "baseline, pinned" : "baseline";
    BaselineCode bc;
    baseline_compile(bl, code, &(BaselineRequest){.chain = true, .tag = 0x1000, .pinned_off = pins, .npinned = npins},
                     &bc);
    ck_assert_msg(bc.body != NULL, "%s: the baseline tier declined (%s)", ir_op_info[op].name, tier);
    ArmCpu compiled;
    cpu_init(e, &compiled);
    uint32_t next;
    IrExitKind kind = baseline_run(bl, &bc, &compiled, &next);
    expect_same(tier, op, interp, &compiled, interp_exit, (uint64_t)kind << 32 | next, mem_interp, e->mem);
}

/* Block A adds to the pinned words and is linked to block B, which has
 * more temps live at once than the baseline has registers and reads each
 * several times: B would spill much, so it runs with the pinned words in
 * the state (choose_pinning), which it must store first. */
static InterpCode *pinned_then_spilling(IrBlock *b, bool spilling)
{
    ir_block_reset(b);
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, spilling ? 0x9000 : 0x8000, 0);
    if (!spilling) {
        for (int k = 0; k < 3; k++)
            ir_sts32(b, block_pins[k], ir_op2(b, IR_ADD, ir_lds32(b, block_pins[k]), ir_movi(b, 5)));
        ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
        return interp_prepare(b);
    }
    static const int unpinned[] = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13};
    enum { N = sizeof unpinned / sizeof unpinned[0] };
    IrTemp t[N];
    for (int k = 0; k < N; k++)
        t[k] = ir_lds32(b, R(unpinned[k]));
    for (int k = 0; k < N; k++) /* each read thrice: spilling would cost more than unpinning */
        ir_sts32(b, R(unpinned[k]), ir_op2(b, IR_ADD, ir_op2(b, IR_ADD, t[k], t[N - 1 - k]), t[(k + 5) % N]));
    ir_exit_to(b, 0xa000, 0, IR_EXIT_JUMP);
    return interp_prepare(b);
}

START_TEST(a_block_that_spills_keeps_the_pinned_words)
{
    Env e = {0};
    env_init(&e);
    Baseline *bl = checked_baseline();
    IrBlock *b = ir_block_new();
    InterpCode *code[2] = {pinned_then_spilling(b, false), pinned_then_spilling(b, true)};
    ArmCpu interp, compiled;
    cpu_init(&e, &interp);
    uint32_t next, base_next;
    interp_run(code[0], &interp, &next);
    IrExitKind kind = interp_run(code[1], &interp, &next);
    BaselineCode bc[2];
    for (int k = 0; k < 2; k++) {
        baseline_compile(bl, code[k],
                         &(BaselineRequest){.chain = true, .tag = 0x1000 + 0x10 * (uintptr_t)k,
                                            .pinned_off = block_pins, .npinned = 3},
                         &bc[k]);
        ck_assert_msg(bc[k].body != NULL, "the baseline tier declined");
    }
    baseline_link(bl, &bc[0], 0, &bc[1]);
    cpu_init(&e, &compiled);
    IrExitKind base_kind = baseline_run(bl, &bc[0], &compiled, &base_next);
    expect_same("baseline, pinned", IR_ADD, &interp, &compiled, (uint64_t)kind << 32 | next,
                (uint64_t)base_kind << 32 | base_next, e.mem, e.mem);
    for (int k = 0; k < 2; k++)
        interp_free(code[k]);
    baseline_free(bl);
    ir_block_free(b);
    env_free(&e);
}
END_TEST

/* Block b (ended) runs on a Baseline pinning block_pins as in the
 * interpreter; op names the case. */
static void expect_pinned_baseline_as_interp(IrBlock *b, IrOp op)
{
    Env e = {0};
    env_init(&e);
    Baseline *bl = checked_baseline();
    InterpCode *code = interp_prepare(b);
    ArmCpu interp;
    cpu_init(&e, &interp);
    uint32_t next;
    IrExitKind kind = interp_run(code, &interp, &next);
    run_baseline(&e, bl, code, block_pins, 3, &interp, (uint64_t)kind << 32 | next, e.mem, op);
    interp_free(code);
    baseline_free(bl);
    env_free(&e);
}

/* 64-bit state ops over pinned words (R(11), R(12)) see them, and set them,
 * as the 32-bit ones do. */
START_TEST(wide_state_ops_over_pinned_words)
{
    IrBlock *b = ir_block_new();
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0x8000, 0);
    ir_sts32(b, R(11), ir_op2(b, IR_ADD, ir_lds32(b, R(11)), ir_movi(b, 1)));
    ir_sts64(b, D(0), ir_lds64(b, R(11)));
    ir_sts32(b, R(1), ir_op2(b, IR_ADD, ir_lds32(b, R(1)), ir_movi(b, 2))); /* pinned, not in the state */
    ir_sts64(b, R(11), ir_lds64(b, D(1)));
    ir_sts32(b, R(2), ir_lds32(b, R(12)));
    ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
    expect_pinned_baseline_as_interp(b, IR_STS64);
    ir_block_free(b);
}
END_TEST

/* Temps may live in a pinned word's register (baseline_alloc's
 * pinned_home): the old value of a word stays readable after a new one is
 * stored or computed in its register, and values kept across a helper
 * call and a guest load end as the interpreter's. */
START_TEST(temps_in_pinned_registers_keep_their_values)
{
    IrBlock *b = ir_block_new();
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0x8000, 0);
    IrTemp old11 = ir_lds32(b, R(11));
    ir_sts32(b, R(11), ir_op2(b, IR_ADD, old11, ir_movi(b, 1)));
    ir_sts32(b, R(2), old11); /* the old value, read after the new one is stored */
    IrTemp old12 = ir_lds32(b, R(12)), next12 = ir_op2(b, IR_ADD, ir_lds32(b, R(4)), ir_movi(b, 9));
    ir_sts32(b, R(5), ir_op2(b, IR_OR, old12, next12)); /* read between the new value and its store */
    ir_sts32(b, R(12), next12);
    IrTemp sum = ir_op2(b, IR_ADD, ir_lds32(b, R(4)), ir_lds32(b, R(12)));
    ir_sts32(b, R(9), sum);
    ir_sts32(b, R(8), ir_op2(b, IR_SUB, ir_lds32(b, R(6)), sum));
    IrTemp old1 = ir_lds32(b, R(1));
    IrTemp new1 = ir_op2(b, IR_XOR, old1, ir_movi(b, 0x55));
    ir_sts32(b, R(0), ir_call(b, HELPER_rbit, old1, IR_NO_TEMP, IR_NO_TEMP));
    ir_sts32(b, R(1), new1);
    IrTemp loaded = ir_load(b, IR_LD32, ir_movi(b, DATA_ADDR + 16)); /* a fault site in between */
    ir_sts32(b, R(3), ir_op2(b, IR_ADD, old1, loaded));
    ir_sts32(b, R(11), ir_op2(b, IR_SUB, ir_movi(b, 3), ir_lds32(b, R(11))));
    ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
    expect_pinned_baseline_as_interp(b, IR_STS32);
    ir_block_free(b);
}
END_TEST

/* x + (u << n) is a lea (baseline_opt.h, BASELINE_SHL_SCALED): with the
 * shifted word either operand, in a pinned register or not, and a sum that
 * wraps past 2^32. */
START_TEST(scaled_adds_wrap_as_the_interpreter_does)
{
    IrBlock *b = ir_block_new();
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0x8000, 0);
    for (unsigned n = 1; n <= 3; n++) {
        IrTemp shifted = ir_op2(b, IR_SHL, ir_lds32(b, R(n + 3)), ir_movi(b, n));
        ir_sts32(b, R(n + 6), ir_op2(b, IR_ADD, ir_lds32(b, R(11)), shifted));
        IrTemp pinned_shifted = ir_op2(b, IR_SHL, ir_lds32(b, R(12)), ir_movi(b, n));
        ir_sts32(b, R(n - 1), ir_op2(b, IR_ADD, pinned_shifted, ir_lds32(b, R(n + 3))));
    }
    /* a guest address that wraps: (DATA_ADDR + 16) + (0x80000000 << 1) */
    ir_store(b, IR_ST32, ir_movi(b, DATA_ADDR + 32), ir_movi(b, 0x80000000u));
    ir_store(b, IR_ST32, ir_movi(b, DATA_ADDR + 36), ir_movi(b, DATA_ADDR + 16));
    IrTemp u = ir_load(b, IR_LD32, ir_movi(b, DATA_ADDR + 32)), base = ir_load(b, IR_LD32, ir_movi(b, DATA_ADDR + 36));
    IrTemp at = ir_op2(b, IR_ADD, base, ir_op2(b, IR_SHL, u, ir_movi(b, 1)));
    ir_sts32(b, R(3), ir_load(b, IR_LD32, at));
    ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
    expect_pinned_baseline_as_interp(b, IR_ADD);
    ir_block_free(b);
}
END_TEST

/* User mode with gs's base at guest address 0 (BaselineRequest.segment):
 * guest accesses are gs-relative, address adds go into the accesses and
 * r14 holds temps.  Twelve register-offset loads live at once (more than
 * there are registers), a load from a plain address while they do, and
 * an address that wraps past 2^32 must load what the interpreter loads,
 * with or without the segment. */
START_TEST(segment_relative_accesses_run_as_the_interpreter_does)
{
    Env e = {0};
    env_init(&e);
    ck_assert_int_eq(syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)(e.mem - DATA_ADDR)), 0);
    IrBlock *b = ir_block_new();
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0x8000, 0);
    ir_store(b, IR_ST32, ir_movi(b, DATA_ADDR + 32), ir_movi(b, 0x80000000u));
    ir_store(b, IR_ST32, ir_movi(b, DATA_ADDR + 36), ir_movi(b, DATA_ADDR + 16));
    IrTemp u = ir_load(b, IR_LD32, ir_movi(b, DATA_ADDR + 32)), base = ir_load(b, IR_LD32, ir_movi(b, DATA_ADDR + 36));
    enum { N = 12 };
    IrTemp t[N];
    for (int k = 0; k < N; k++) {
        IrTemp index = ir_op2(b, IR_AND, ir_lds32(b, R(k)), ir_movi(b, 0xff));
        t[k] = ir_load(b, IR_LD32, ir_op2(b, IR_ADD, base, ir_op2(b, IR_SHL, index, ir_movi(b, 2))));
    }
    ir_sts32(b, R(14), ir_load(b, IR_LD32, base)); /* an address that is no add, while r14 holds a temp */
    for (int k = 0; k < N; k++)
        ir_sts32(b, R(k), ir_op2(b, IR_ADD, ir_op2(b, IR_ADD, t[k], t[N - 1 - k]), t[(k + 5) % N]));
    ir_sts32(b, R(13), ir_load(b, IR_LD32, ir_op2(b, IR_ADD, base, ir_op2(b, IR_SHL, u, ir_movi(b, 1)))));
    ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
    InterpCode *code = interp_prepare(b);
    ArmCpu interp, compiled;
    cpu_init(&e, &interp);
    uint32_t next;
    IrExitKind kind = interp_run(code, &interp, &next);
    uint8_t mem_interp[4096];
    memcpy(mem_interp, e.mem, sizeof mem_interp);
    for (int segment = 0; segment < 2; segment++) {
        Baseline *bl = checked_baseline();
        BaselineCode bc;
        baseline_compile(bl, code, &(BaselineRequest){.chain = true, .tag = 0x1000, .segment = segment}, &bc);
        ck_assert_msg(bc.body != NULL, "the baseline tier declined");
        cpu_init(&e, &compiled);
        uint32_t base_next;
        IrExitKind base_kind = baseline_run(bl, &bc, &compiled, &base_next);
        expect_same(segment ? "baseline, segment" : "baseline", IR_LD32, &interp, &compiled,
                    (uint64_t)kind << 32 | next, (uint64_t)base_kind << 32 | base_next, mem_interp, e.mem);
        baseline_free(bl);
    }
    interp_free(code);
    ir_block_free(b);
    env_free(&e);
}
END_TEST

/* The translator's code for some guest bytes, prepared for the
 * interpreter and compiled as baseline code as the dispatcher asks (flag
 * words 0 or 1). */
typedef struct GuestBlock {
    Env env;
    InterpCode *code;
    Baseline *bl;
    BaselineCode bc;
    bool thumb;
} GuestBlock;

static void guest_block_open(GuestBlock *g, Translator *t, GuestCode *gc, bool thumb)
{
    *g = (GuestBlock){.thumb = thumb};
    env_init(&g->env);
    TranslateResult tr;
    ck_assert_int_eq(translate_block(t, guest_code_fetch, gc, gc->pc, thumb ? ARM_MODEBIT_THUMB : 0, &tr),
                     TRANSLATE_OK);
    g->code = interp_prepare(tr.ir);
    g->bl = checked_baseline();
    baseline_compile(g->bl, g->code,
                     &(BaselineRequest){.chain = true, .tag = 0x1000, .bool_words_off = offsetof(ArmCpu, nf),
                                        .nbool_words = ARM_FLAG_WORDS},
                     &g->bc);
    ck_assert_msg(g->bc.body != NULL, "the baseline tier declined");
}

static void guest_block_close(GuestBlock *g)
{
    interp_free(g->code);
    baseline_free(g->bl);
    env_free(&g->env);
}

/* Run the block from r0-r3 = r[] in both: registers, flags and the next
 * pc must agree; cpu gets the interpreter's state, and the next pc is
 * returned. */
static uint32_t guest_block_run(GuestBlock *g, const uint32_t r[4], ArmCpu *cpu)
{
    ArmCpu state[2];
    uint32_t next[2];
    for (int k = 0; k < 2; k++) {
        cpu_init(&g->env, &state[k]);
        state[k].thumb = g->thumb;
        memcpy(state[k].r, r, 4 * sizeof *r);
        IrExitKind kind =
            k ? baseline_run(g->bl, &g->bc, &state[k], &next[k]) : interp_run(g->code, &state[k], &next[k]);
        ck_assert_int_eq(kind, IR_EXIT_JUMP);
    }
    ck_assert_msg(next[0] == next[1], "%#x %#x %#x %#x: the interpreter goes to %#x, baseline code to %#x", r[0], r[1],
                  r[2], r[3], next[0], next[1]);
    ck_assert_msg(!memcmp(&state[0].nf, &state[1].nf, 4 * sizeof state[0].nf), "%#x %#x %#x %#x: NZCV differ", r[0],
                  r[1], r[2], r[3]);
    ck_assert_msg(!memcmp(state[0].r, state[1].r, sizeof state[0].r), "%#x %#x %#x %#x: registers differ", r[0], r[1],
                  r[2], r[3]);
    *cpu = state[0];
    return next[0];
}

/* A compare or an add that sets the flags, then B<cond> on a signed
 * condition, or two instructions of an IT block on it (the first branches
 * on the host's flags, the second on the flags' values), with or without
 * a guest load or store in between (a mov, which keeps the host's flags):
 * baseline code (branch_on_signed) must go where the ARM ARM says, which
 * is where the signed comparison of the operands (CMP) or the sign of the
 * exact sum (ADDS, CMN) says. */
START_TEST(signed_conditions_branch_as_the_architecture_says)
{
    static const uint32_t values[][2] = {
        {1, 2}, {2, 1}, {5, 5}, {0x80000000u, 1}, {1, 0x80000000u}, {0x7fffffffu, 0xffffffffu},
        {0xffffffffu, 0x7fffffffu}, {0x80000000u, 0x80000000u}, {0, 0}, {0x40000000u, 0x40000000u}, {5, 0xfffffffbu},
    };
    enum { GE = 0xa, LT = 0xb, GT = 0xc, LE = 0xd };
    Translator *t = translator_new();
    for (unsigned cond = GE; cond <= LE; cond++)
        for (unsigned op = 0; op < 10; op++)
            for (unsigned v = 0; v < sizeof values / sizeof values[0]; v++) {
                uint32_t a = values[v][0], b = values[v][1];
                bool add = op & 1, thumb = op >= 2 && op < 6, it = op >= 4 && op < 6;
                int64_t exact = add ? (int64_t)(int32_t)a + (int32_t)b : (int64_t)(int32_t)a - (int32_t)b;
                bool ge = exact >= 0, z = (uint32_t)exact == 0;
                bool gt = ge && !z;
                bool taken = cond == GE ? ge : cond == LT ? !ge : cond == GT ? gt : !gt;
                GuestCode gc;
                if (op >= 6 && op < 8) { /* cmp or cmn r0, r1; ldr r2, [r3]; b<cond> .+8 (A32) */
                    uint32_t insn[3] = {add ? 0xe1700001u : 0xe1500001u, 0xe5932000u, cond << 28 | 0x0a000000u};
                    guest_code_set(&gc, insn, sizeof insn, 0x8000);
                    GuestBlock g;
                    guest_block_open(&g, t, &gc, false);
                    ArmCpu cpu;
                    uint32_t next = guest_block_run(&g, (const uint32_t[4]){a, b, 0, DATA_ADDR}, &cpu);
                    guest_block_close(&g);
                    ck_assert_msg(next == (taken ? 0x8010u : 0x800cu), "%s; ldr; b %#x, %#x, %#x: went to %#x",
                                  add ? "cmn" : "cmp", cond, a, b, next);
                    continue;
                }
                if (op >= 8) { /* cmp or cmn r0, r1; str r2, [r3]; itt <cond>; adds r2, #1; adds r1, #1 */
                    uint16_t insn[5] = {add ? 0x42c8 : 0x4288, 0x601a, (uint16_t)(0xbf04 | cond << 4 | (cond & 1) << 3),
                                        0x3201, 0x3101};
                    guest_code_set(&gc, insn, sizeof insn, 0x8000);
                    GuestBlock g;
                    guest_block_open(&g, t, &gc, true);
                    ArmCpu cpu;
                    guest_block_run(&g, (const uint32_t[4]){a, b, 100, DATA_ADDR}, &cpu);
                    guest_block_close(&g);
                    ck_assert_msg(cpu.r[2] == 100u + taken && cpu.r[1] == b + taken, "%s; str; itt %#x, %#x, %#x: r1 %#x r2 %u",
                                  add ? "cmn" : "cmp", cond, a, b, cpu.r[1], cpu.r[2]);
                    continue;
                }
                if (it) { /* cmp r0, r1 or cmn r0, r1; itt <cond>; adds r2, #1; adds r3, #1 */
                    uint16_t insn[4] = {add ? 0x42c8 : 0x4288, (uint16_t)(0xbf04 | cond << 4 | (cond & 1) << 3), 0x3201,
                                        0x3301};
                    guest_code_set(&gc, insn, sizeof insn, 0x8000);
                    GuestBlock g;
                    guest_block_open(&g, t, &gc, true);
                    ArmCpu cpu;
                    guest_block_run(&g, (const uint32_t[4]){a, b, 100, 200}, &cpu);
                    guest_block_close(&g);
                    ck_assert_msg(cpu.r[2] == 100u + taken && cpu.r[3] == 200u + taken,
                                  "%s; itt %#x, %#x, %#x: r2 %u r3 %u", add ? "cmn" : "cmp", cond, a, b, cpu.r[2],
                                  cpu.r[3]);
                    continue;
                }
                if (thumb) { /* cmp r0, r1 or adds r2, r0, r1; b<cond> .+8 */
                    uint16_t insn[2] = {add ? 0x1842 : 0x4288, (uint16_t)(0xd000 | cond << 8 | 1)};
                    guest_code_set(&gc, insn, sizeof insn, 0x8000);
                } else {
                    uint32_t insn[2] = {add ? 0xe0902001u : 0xe1500001u, cond << 28 | 0x0a000000u};
                    guest_code_set(&gc, insn, sizeof insn, 0x8000);
                }
                GuestBlock g;
                guest_block_open(&g, t, &gc, thumb);
                ArmCpu cpu;
                uint32_t next = guest_block_run(&g, (const uint32_t[4]){a, b, 0, 0}, &cpu);
                guest_block_close(&g);
                uint32_t want = taken ? 0x8000 + (thumb ? 8 : 12) : 0x8000 + (thumb ? 4 : 8);
                ck_assert_msg(next == want, "%s cond %#x, %#x, %#x: went to %#x, not %#x", add ? "adds" : "cmp", cond,
                              a, b, next, want);
            }
    translator_free(t);
}
END_TEST

/* The ARM ARM's AddWithCarry, for the references below. */
typedef struct Awc {
    uint32_t result, n, z, c, v;
} Awc;

static Awc add_with_carry(uint32_t x, uint32_t y, uint32_t carry)
{
    uint64_t unsigned_sum = (uint64_t)x + y + carry;
    int64_t signed_sum = (int64_t)(int32_t)x + (int32_t)y + carry;
    uint32_t result = (uint32_t)unsigned_sum;
    return (Awc){result, result >> 31, result == 0, unsigned_sum != result, signed_sum != (int32_t)result};
}

/* 64-bit arithmetic as ARM code does it: a flag-setting add or subtract of
 * the low words, then ADC or SBC (with or without S) of the high words.
 * Baseline code passes the carry from one to the other in the host's CF
 * (cmc between a sub and an adc or an add and an sbc), or from the carry's
 * value when an add between takes the CF, and a CMP whose only flag
 * wanted is C is a host cmp; the state after each pair must be the ARM
 * ARM's (AddWithCarry twice). */
START_TEST(carry_chains_compute_as_the_architecture_says)
{
    static const uint32_t values[] = {0, 1, 2, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu};
    enum { NV = sizeof values / sizeof values[0] };
    static const struct {
        const char *name;
        uint32_t insn[3];
        bool low_sub, high_sub, high_sets, low_writes;
    } pairs[] = {
        {"subs r4, r0, r2; mov r6, r0; sbcs r5, r1, r3", {0xe0504002u, 0xe1a06000u, 0xe0d15003u}, true, true, true, true},
        {"cmp r0, r2; mov r6, r0; sbcs r5, r1, r3", {0xe1500002u, 0xe1a06000u, 0xe0d15003u}, true, true, true, false},
        {"subs r4, r0, r2; mov r6, r0; sbc r5, r1, r3", {0xe0504002u, 0xe1a06000u, 0xe0c15003u}, true, true, false, true},
        {"adds r4, r0, r2; mov r6, r0; adcs r5, r1, r3", {0xe0904002u, 0xe1a06000u, 0xe0b15003u}, false, false, true, true},
        {"adds r4, r0, r2; mov r6, r0; sbcs r5, r1, r3", {0xe0904002u, 0xe1a06000u, 0xe0d15003u}, false, true, true, true},
        {"subs r4, r0, r2; mov r6, r0; adcs r5, r1, r3", {0xe0504002u, 0xe1a06000u, 0xe0b15003u}, true, false, true, true},
        {"cmp r0, r2; mov r6, r0; adc r5, r1, r3", {0xe1500002u, 0xe1a06000u, 0xe0a15003u}, true, false, false, false},
        /* an add between takes the host's CF: the carry comes from its value */
        {"subs r4, r0, r2; add r6, r0, r1; sbcs r5, r1, r3", {0xe0504002u, 0xe0806001u, 0xe0d15003u}, true, true, true, true},
        {"cmp r0, r2; add r6, r0, r1; sbc r5, r1, r3", {0xe1500002u, 0xe0806001u, 0xe0c15003u}, true, true, false, false},
        {"adds r4, r0, r2; add r6, r0, r1; adcs r5, r1, r3", {0xe0904002u, 0xe0806001u, 0xe0b15003u}, false, false, true, true},
        /* x read later, y not: the sum may get y's register */
        {"cmp r0, r2; adc r5, r1, r3; mov r4, r1", {0xe1500002u, 0xe0a15003u, 0xe1a04001u}, true, false, false, false},
        {"cmp r0, r2; sbc r5, r1, r3; mov r4, r1", {0xe1500002u, 0xe0c15003u, 0xe1a04001u}, true, true, false, false},
    };
    Translator *t = translator_new();
    for (unsigned p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        GuestCode gc;
        guest_code_set(&gc, pairs[p].insn, sizeof pairs[p].insn, 0x8000);
        GuestBlock g;
        guest_block_open(&g, t, &gc, false);
        for (unsigned k = 0; k < NV * NV * NV * NV; k++) {
            uint32_t r[4] = {values[k % NV], values[k / NV % NV], values[k / NV / NV % NV], values[k / NV / NV / NV]};
            ArmCpu cpu;
            guest_block_run(&g, r, &cpu);
            Awc low = add_with_carry(r[0], pairs[p].low_sub ? ~r[2] : r[2], pairs[p].low_sub);
            Awc high = add_with_carry(r[1], pairs[p].high_sub ? ~r[3] : r[3], low.c);
            Awc flags = pairs[p].high_sets ? high : low;
            ck_assert_msg(cpu.r[5] == high.result && (!pairs[p].low_writes || cpu.r[4] == low.result),
                          "%s with %#x %#x %#x %#x: r4 %#x r5 %#x, not %#x %#x", pairs[p].name, r[0], r[1], r[2], r[3],
                          cpu.r[4], cpu.r[5], low.result, high.result);
            ck_assert_msg(cpu.nf == flags.n && cpu.zf == flags.z && cpu.cf == flags.c && cpu.vf == flags.v,
                          "%s with %#x %#x %#x %#x: NZCV %u%u%u%u, not %u%u%u%u", pairs[p].name, r[0], r[1], r[2], r[3],
                          cpu.nf, cpu.zf, cpu.cf, cpu.vf, flags.n, flags.z, flags.c, flags.v);
        }
        guest_block_close(&g);
    }
    translator_free(t);
}
END_TEST

/* Unsigned conditions on the flags of a 64-bit compare, subtract or add
 * (the high word's SBCS or ADCS, whose carry baseline code keeps in the
 * host's CF, inverted after a sub or sbb), and HI then LS in one IT block
 * after a CMP (the first branches on the host's flags, the second on the
 * flags' values): each goes where the ARM ARM's AddWithCarry says. */
START_TEST(unsigned_conditions_follow_the_carry)
{
    static const uint32_t values[] = {0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu};
    enum { NV = sizeof values / sizeof values[0], EQ = 0, NE = 1, CS = 2, CC = 3, HI = 8, LS = 9 };
    static const unsigned conds[] = {EQ, NE, CS, CC, HI, LS};
    static const struct {
        const char *name;
        uint32_t insn[2];
        bool low_sub, high_sub;
    } pairs[] = {
        {"cmp r0, r2; sbcs r5, r1, r3", {0xe1500002u, 0xe0d15003u}, true, true},
        {"subs r4, r0, r2; sbcs r5, r1, r3", {0xe0504002u, 0xe0d15003u}, true, true},
        {"adds r4, r0, r2; adcs r5, r1, r3", {0xe0904002u, 0xe0b15003u}, false, false},
        {"adds r4, r0, r2; sbcs r5, r1, r3", {0xe0904002u, 0xe0d15003u}, false, true},
    };
    Translator *t = translator_new();
    for (unsigned p = 0; p < sizeof pairs / sizeof pairs[0]; p++)
        for (unsigned c = 0; c < sizeof conds / sizeof conds[0]; c++) {
            uint32_t insn[3] = {pairs[p].insn[0], pairs[p].insn[1], conds[c] << 28 | 0x0a000000u}; /* b<cond> .+8 */
            GuestCode gc;
            guest_code_set(&gc, insn, sizeof insn, 0x8000);
            GuestBlock g;
            guest_block_open(&g, t, &gc, false);
            for (unsigned k = 0; k < NV * NV * NV * NV; k++) {
                uint32_t r[4] = {values[k % NV], values[k / NV % NV], values[k / NV / NV % NV], values[k / NV / NV / NV]};
                ArmCpu cpu;
                uint32_t next = guest_block_run(&g, r, &cpu);
                Awc low = add_with_carry(r[0], pairs[p].low_sub ? ~r[2] : r[2], pairs[p].low_sub);
                Awc high = add_with_carry(r[1], pairs[p].high_sub ? ~r[3] : r[3], low.c);
                bool hi = high.c && !high.z;
                bool taken = conds[c] == EQ ? high.z : conds[c] == NE ? !high.z : conds[c] == CS ? high.c
                             : conds[c] == CC ? !high.c : conds[c] == HI ? hi : !hi;
                ck_assert_msg(next == (taken ? 0x8010u : 0x800cu), "%s; b cond %u with %#x %#x %#x %#x: went to %#x",
                              pairs[p].name, conds[c], r[0], r[1], r[2], r[3], next);
            }
            guest_block_close(&g);
        }
    /* cmp r0, r1; ite hi; movhi r2, #1; movls r2, #2 (Thumb) */
    static const uint16_t ite[4] = {0x4288, 0xbf8c, 0x2201, 0x2202};
    GuestCode gc;
    guest_code_set(&gc, ite, sizeof ite, 0x8000);
    GuestBlock g;
    guest_block_open(&g, t, &gc, true);
    for (unsigned k = 0; k < NV * NV; k++) {
        uint32_t a = values[k % NV], b = values[k / NV];
        ArmCpu cpu;
        guest_block_run(&g, (const uint32_t[4]){a, b, 0, 0}, &cpu);
        ck_assert_msg(cpu.r[2] == (a > b ? 1u : 2u), "cmp %#x, %#x; ite hi: r2 = %u", a, b, cpu.r[2]);
    }
    guest_block_close(&g);
    translator_free(t);
}
END_TEST

/* How many STS32s of the IT state word the translation of gc (Thumb) at
 * IT state `it` makes. */
static unsigned itstate_stores(Translator *t, GuestCode *gc, uint32_t it)
{
    TranslateResult tr;
    ck_assert_int_eq(translate_block(t, guest_code_fetch, gc, gc->pc, ARM_MODEBIT_THUMB | it << ARM_MODEBIT_IT_SHIFT, &tr),
                     TRANSLATE_OK);
    unsigned n = 0;
    for (size_t i = 0; i < tr.ir->count; i++)
        n += tr.ir->insns[i].op == IR_STS32 && tr.ir->insns[i].imm == offsetof(ArmCpu, itstate);
    return n;
}

/* The IT state word changes only at exits, so it holds the state the
 * block was looked up with until one: an IT block that ends inside the
 * block leaves it as it was (0), and no exit stores it; a block that
 * starts inside an IT block stores the state it leaves with.  Both run as
 * in the interpreter. */
START_TEST(exits_store_the_it_state_only_when_it_changed)
{
    /* cmp r0, r1; itt eq; moveq r2, #1; moveq r3, #2; movs r4, #7 */
    static const uint16_t code[5] = {0x4288, 0xbf04, 0x2201, 0x2302, 0x2407};
    Translator *t = translator_new();
    GuestCode gc;
    guest_code_set(&gc, code, sizeof code, 0x8000);
    ck_assert_uint_eq(itstate_stores(t, &gc, 0), 0);
    guest_code_set(&gc, code + 2, sizeof code - 4, 0x8004); /* from moveq r2, #1, in the ITT */
    ck_assert_uint_ne(itstate_stores(t, &gc, 0x04), 0);
    guest_code_set(&gc, code, sizeof code, 0x8000);
    GuestBlock g;
    guest_block_open(&g, t, &gc, true);
    for (uint32_t b = 0; b < 2; b++) {
        ArmCpu cpu;
        guest_block_run(&g, (const uint32_t[4]){1, b, 0, 0}, &cpu);
        ck_assert_msg(cpu.itstate == 0 && cpu.r[2] == (b == 1) && cpu.r[4] == 7, "r1 = %u: itstate %#x, r2 %u",
                      b, cpu.itstate, cpu.r[2]);
    }
    guest_block_close(&g);
    translator_free(t);
}
END_TEST

/* A block that marks r5 with `mark` and jumps to 0x9000. */
static InterpCode *marking_block(IrBlock *b, uint32_t pc, uint32_t mark)
{
    ir_block_reset(b);
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, pc, 0);
    ir_sts32(b, R(5), ir_movi(b, mark));
    ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
    return interp_prepare(b);
}

/* User mode's indirect exits look up pc | Thumb bit (baseline_lookup_fill):
 * bx r0 (the target is its own key), mov pc, r0 in Thumb (the pc and the
 * mode, a constant) and bx r0 in ARM reach the block filled for their
 * target's pc and mode; a block of the other mode at that pc (the entry
 * holds one of them), an ARM target with bit 1 set and a pc with no entry
 * miss and leave for the dispatcher at the interpreter's pc. */
START_TEST(indirect_exits_find_their_targets_by_pc_and_thumb_bit)
{
    enum { TARGET = 0xa000, ARM = 0, THUMB = 1 };
    static const uint32_t marks[2] = {0xaaaa, 0x7777};
    static const struct {
        const char *name;
        uint32_t raw;
        bool thumb, t16;
        uint32_t r0, filled; /* the mode of the block filled at TARGET */
        bool hit;
    } cases[] = {
        {"bx r0 to Thumb", 0x4700, true, true, TARGET | 1, THUMB, true},
        {"bx r0 to Thumb, an ARM block there", 0x4700, true, true, TARGET | 1, ARM, false},
        {"bx r0 to ARM", 0x4700, true, true, TARGET, ARM, true},
        {"bx r0 to ARM, a Thumb block there", 0x4700, true, true, TARGET, THUMB, false},
        {"bx r0 to ARM, bit 1 set", 0x4700, true, true, TARGET | 2, ARM, false},
        {"mov pc, r0 (Thumb)", 0x4687, true, true, TARGET | 1, THUMB, true},
        {"bx r0 in ARM to ARM", 0xe12fff10u, false, false, TARGET, ARM, true},
        {"bx r0 in ARM to Thumb", 0xe12fff10u, false, false, TARGET | 1, THUMB, true},
        {"bx r0 in ARM to a pc with no entry", 0xe12fff10u, false, false, TARGET + 0x40, ARM, false},
    };
    Translator *t = translator_new();
    IrBlock *b = ir_block_new();
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Env env = {0};
        env_init(&env);
        Baseline *bl = checked_baseline();
        InterpCode *target = marking_block(b, TARGET, marks[cases[k].filled]);
        BaselineCode target_code;
        baseline_compile(bl, target, &(BaselineRequest){.chain = true, .tag = 0x2000}, &target_code);
        ck_assert_msg(target_code.body != NULL, "the baseline tier declined");
        baseline_lookup_fill(bl, TARGET, cases[k].filled, true, &target_code);
        GuestCode gc;
        guest_code_encode(&gc, cases[k].t16 ? GUEST_CODE_T16 : GUEST_CODE_A32, cases[k].raw, 0x8000);
        TranslateResult tr;
        ck_assert_int_eq(translate_block(t, guest_code_fetch, &gc, 0x8000, cases[k].thumb ? ARM_MODEBIT_THUMB : 0, &tr),
                         TRANSLATE_OK);
        InterpCode *code = interp_prepare(tr.ir);
        BaselineCode bc;
        baseline_compile(bl, code,
                         &(BaselineRequest){.chain = true, .tag = 0x1000, .lookup = bl->lookup, .pc = 0x8000,
                                            .mode = cases[k].thumb, .bool_words_off = offsetof(ArmCpu, nf),
                                            .nbool_words = ARM_FLAG_WORDS},
                         &bc);
        ck_assert_msg(bc.body != NULL, "%s: the baseline tier declined", cases[k].name);
        ArmCpu interp, compiled;
        uint32_t next[2];
        for (int tier = 0; tier < 2; tier++) {
            ArmCpu *c = tier ? &compiled : &interp;
            cpu_init(&env, c);
            c->thumb = cases[k].thumb;
            c->r[0] = cases[k].r0;
            IrExitKind kind = tier ? baseline_run(bl, &bc, c, &next[tier]) : interp_run(code, c, &next[tier]);
            IrExitKind want = cases[k].hit && tier ? IR_EXIT_JUMP : IR_EXIT_INDIRECT;
            ck_assert_msg(kind == want, "%s: exit kind %d, not %d", cases[k].name, kind, want);
        }
        if (cases[k].hit) {
            ck_assert_msg(compiled.r[5] == marks[cases[k].filled] && next[1] == 0x9000,
                          "%s: reached r5 = %#x, next %#x", cases[k].name, compiled.r[5], next[1]);
            ck_assert_msg(interp.thumb == compiled.thumb && next[0] == TARGET, "%s: not the interpreter's target",
                          cases[k].name);
        } else {
            ck_assert_msg(next[0] == next[1] && interp.thumb == compiled.thumb && compiled.r[5] == interp.r[5],
                          "%s: left for %#x (Thumb %d), the interpreter for %#x (Thumb %d)", cases[k].name, next[1],
                          compiled.thumb, next[0], interp.thumb);
        }
        interp_free(code);
        interp_free(target);
        baseline_free(bl);
        env_free(&env);
    }
    ir_block_free(b);
    translator_free(t);
}
END_TEST

/* A block at pc that exits to 0x9000 unless r1 is not zero, then (past a
 * label only that branch reaches) to 0xa000. */
static InterpCode *branch_to_exit(IrBlock *b, uint32_t pc)
{
    ir_block_reset(b);
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, pc, 0);
    IrLabel taken = ir_new_label(b);
    ir_brnz(b, ir_lds32(b, R(1)), taken);
    ir_exit_to(b, 0x9000, 0, IR_EXIT_JUMP);
    ir_label(b, taken);
    ir_exit_to(b, 0xa000, 0, IR_EXIT_JUMP);
    return interp_prepare(b);
}

/* An unlink round empties every lookup entry the dispatcher filled, both
 * when it remembers the filled slots (a few) and when there were too many
 * to remember (every slot); and a request to leave (a signal) drops them
 * all as well. */
static unsigned filled_entries(const Baseline *bl)
{
    unsigned n = 0;
    for (unsigned i = 0; i < BASELINE_LOOKUP_SIZE; i++)
        n += bl->lookup[i].pc != 1; /* baseline.c's LOOKUP_EMPTY: no pc is odd in a key */
    return n;
}

START_TEST(unlinking_empties_every_filled_lookup_entry)
{
    static const unsigned fills[] = {3, BASELINE_LOOKUP_SIZE / 4};
    IrBlock *b = ir_block_new();
    for (unsigned k = 0; k < 3; k++) {
        Baseline *bl = checked_baseline();
        InterpCode *target = marking_block(b, 0xa000, 0x1234);
        BaselineCode code;
        baseline_compile(bl, target, &(BaselineRequest){.chain = true, .tag = 0x2000}, &code);
        ck_assert_msg(code.body != NULL, "the baseline tier declined");
        unsigned n = fills[k % 2];
        for (unsigned i = 0; i < n; i++)
            baseline_lookup_fill(bl, 0x10000 + 2 * i, 1, true, &code);
        ck_assert_uint_eq(filled_entries(bl), n);
        if (k < 2)
            baseline_unlink_all(bl);
        else
            baseline_drop_lookups(bl);
        ck_assert_uint_eq(filled_entries(bl), 0);
        interp_free(target);
        baseline_free(bl);
    }
    ir_block_free(b);
}
END_TEST

/* A branch that reaches only a linkable exit is linked with it
 * (BaselineCode.site_alias): the branch then jumps to the successor, and
 * unlinking sends it back to the exit.  Not when the exit tests for an
 * exit request (a backward one): the branch must come through the test. */
START_TEST(branches_to_a_linked_exit_follow_its_link)
{
    static const struct {
        uint32_t pc;
        bool requested, reaches;
    } cases[] = {
        {0x8000, false, true}, /* forward: the branch is linked too */
        {0x8000, true, true},  /* forward exits do not look at requests */
        {0xb000, false, true},
        {0xb000, true, false}, /* backward: a request stops it even when linked */
    };
    IrBlock *b = ir_block_new();
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Env env = {0};
        env_init(&env);
        Baseline *bl = checked_baseline();
        InterpCode *code[2] = {branch_to_exit(b, cases[k].pc), marking_block(b, 0xa000, 0x7777)};
        BaselineCode bc[2];
        for (int j = 0; j < 2; j++) {
            baseline_compile(bl, code[j],
                             &(BaselineRequest){.chain = true, .tag = 0x1000 + 0x10 * (uintptr_t)j, .pc = cases[k].pc}, &bc[j]);
            ck_assert_msg(bc[j].body != NULL, "the baseline tier declined");
        }
        baseline_link(bl, &bc[0], 1, &bc[1]);
        for (int round = 0; round < 2; round++) { /* linked, then unlinked */
            ArmCpu cpu;
            cpu_init(&env, &cpu);
            cpu.r[1] = 1;
            cpu.r[5] = 0;
            cpu.common.exit_request = cases[k].requested;
            uint32_t next;
            baseline_run(bl, &bc[0], &cpu, &next);
            bool reached = cpu.r[5] == 0x7777;
            ck_assert_msg(reached == (cases[k].reaches && round == 0) && next == (reached ? 0x9000u : 0xa000u),
                          "exit at %#x%s, %s: %s the successor, left for %#x", cases[k].pc,
                          cases[k].requested ? ", exit requested" : "", round ? "unlinked" : "linked",
                          reached ? "reached" : "did not reach", next);
            baseline_unlink_all(bl);
        }
        for (int j = 0; j < 2; j++)
            interp_free(code[j]);
        baseline_free(bl);
        env_free(&env);
    }
    ir_block_free(b);
}
END_TEST

START_TEST(every_op_runs_the_same_in_every_tier)
{
    Env e = {0};
    env_init(&e);
    Baseline *bl = checked_baseline(), *pinned = checked_baseline();
    IrBlock *b = ir_block_new();
    for (unsigned op = 0; op < IR_OP_COUNT; op++) {
        ir_block_reset(b);
        build_block(b, (IrOp)op);
        ck_assert_msg(ir_validate(b) == NULL, "%s: %s", ir_op_info[op].name, ir_validate(b));
        ck_assert_msg(block_uses(b, (IrOp)op), "no block exercises %s", ir_op_info[op].name);
        ArmCpu interp;
        cpu_init(&e, &interp);
        InterpCode *code = interp_prepare(b);
        uint32_t next;
        IrExitKind kind = interp_run(code, &interp, &next);
        uint8_t mem_interp[4096];
        memcpy(mem_interp, e.mem, sizeof mem_interp);
        TransBlock *tb = block_cache_insert(e.cache, 0x8000 + 16 * op, 0, 0x8000, 0x8004, 1, code);
        jit_submit(e.jit, tb);
        JitFn fn = atomic_load(&tb->jit_fn);
        ck_assert_msg(fn != NULL, "%s: LLVM compilation failed", ir_op_info[op].name);
        ArmCpu compiled;
        cpu_init(&e, &compiled);
        uint64_t r = fn(&compiled, NULL, 0x8000);
        uint64_t interp_exit = (uint64_t)kind << 32 | next;
        expect_same("LLVM", (IrOp)op, &interp, &compiled, interp_exit, r, mem_interp, e.mem);
        run_baseline(&e, bl, code, NULL, 0, &interp, interp_exit, mem_interp, (IrOp)op);
        run_baseline(&e, pinned, code, block_pins, 3, &interp, interp_exit, mem_interp, (IrOp)op);
    }
    baseline_free(bl);
    baseline_free(pinned);
    ir_block_free(b);
    env_free(&e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tiers");
    TCase *tc = tcase_create("ops");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_op_runs_the_same_in_every_tier);
    tcase_add_test(tc, a_block_that_spills_keeps_the_pinned_words);
    tcase_add_test(tc, wide_state_ops_over_pinned_words);
    tcase_add_test(tc, temps_in_pinned_registers_keep_their_values);
    tcase_add_test(tc, scaled_adds_wrap_as_the_interpreter_does);
    tcase_add_test(tc, segment_relative_accesses_run_as_the_interpreter_does);
    tcase_add_test(tc, unlinking_empties_every_filled_lookup_entry);
    tcase_add_test(tc, signed_conditions_branch_as_the_architecture_says);
    tcase_add_test(tc, carry_chains_compute_as_the_architecture_says);
    tcase_add_test(tc, unsigned_conditions_follow_the_carry);
    tcase_add_test(tc, exits_store_the_it_state_only_when_it_changed);
    tcase_add_test(tc, indirect_exits_find_their_targets_by_pc_and_thumb_bit);
    tcase_add_test(tc, branches_to_a_linked_exit_follow_its_link);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
