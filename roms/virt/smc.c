/*
 * smc: self-modifying code and code invalidation, done the way the ARM ARM
 * requires: write the instructions, DCCMVAU, DSB, ICIMVAU (or
 * ICIALLU), BPIALL, DSB, ISB, and only then execute them.  Each version of
 * a routine is called CALLS times, so that a dynamic translator compiles
 * it as hot code before it is rewritten; every call's result is checked.
 *
 * MMU off: ARM and Thumb routines rewritten in place, a routine that
 * rewrites the instruction after itself, a loop that rewrites its own
 * first instruction.  MMU on (caches on): the same through a VA mapping;
 * written through one alias (section) and executed through another
 * (small page); a code page remapped to another PA (TLBIMVA), for a small
 * page and a section.
 */
#include "rom.h"
#include "rom_extra.h"

#define CALLS 5000u

/* Physical buffers (RAM far above the program) and their VAs. */
#define PA_CODE 0x48400000u      /* ARM routine; Thumb routine at +0x802 */
#define PA_ALIAS 0x48500000u     /* written via VA_WRITE, run via VA_EXEC */
#define PA_PAGE1 0x48600000u     /* mov r0, #0x11 */
#define PA_PAGE2 0x48601000u     /* mov r0, #0x22 */
#define PA_SECT2 0x48700000u     /* mov r0, #0x33 */
#define THUMB_OFFSET 0x802u      /* halfword-, not word-aligned */
#define VA_CODE 0x80000000u      /* section -> PA_CODE */
#define VA_WRITE 0x80100000u     /* section -> PA_ALIAS */
#define VA_EXEC 0x80200000u      /* small page -> PA_ALIAS */
#define VA_REMAP 0x80300000u     /* small page -> PA_PAGE1 / PA_PAGE2 */
#define VA_REMAP_SECT 0x80400000u /* section -> PA_PAGE1's MiB / PA_SECT2 */

static uint32_t l1[4096] __attribute__((aligned(16384)));
static uint32_t l2_exec[256] __attribute__((aligned(1024)));
static uint32_t l2_remap[256] __attribute__((aligned(1024)));

typedef uint32_t code_fn(uint32_t x);

static uint32_t call_code(uint32_t addr, uint32_t x)
{
    return ((code_fn *)addr)(x);
}

/* ------------------------------------------------- ARM data processing */
/* `op r0, r0, #imm8` (data-processing immediate, rotation 0). */
enum dp_op { OP_EOR = 0x1, OP_SUB = 0x2, OP_RSB = 0x3, OP_ADD = 0x4, OP_ORR = 0xc, OP_MOV = 0xd };
#define ARM_BX_LR 0xe12fff1eu

static uint32_t dp(enum dp_op op, uint32_t rd, uint32_t rn, uint32_t imm)
{
    if (op == OP_MOV)
        rn = 0;     /* Rn is (0000) in MOV (immediate) */
    return 0xe2000000u | ((uint32_t)op << 21) | (rn << 16) | (rd << 12) | (imm & 0xff);
}

static uint32_t dp_eval(uint32_t insn, uint32_t x)
{
    uint32_t imm = insn & 0xff;
    switch ((insn >> 21) & 0xf) {
    case OP_EOR: return x ^ imm;
    case OP_SUB: return x - imm;
    case OP_RSB: return imm - x;
    case OP_ADD: return x + imm;
    case OP_ORR: return x | imm;
    default: return imm;          /* MOV */
    }
}

struct version {
    uint32_t n;
    uint32_t insn[4];
};

/* Successive versions of one routine: the first instruction changes, the
 * routine grows, only a later instruction changes, it shrinks again. */
#define R0 0u
static const struct version arm_versions[] = {
    {1, {0xe3a00007}},                                              /* mov #7 */
    {1, {0xe2800003}},                                              /* add #3 */
    {2, {0xe2800003, 0xe2200055}},                                  /* + eor #0x55 */
    {2, {0xe2800003, 0xe22000aa}},                                  /* eor #0xaa */
    {3, {0xe2400001, 0xe22000aa, 0xe3800080}},                      /* sub, eor, orr */
    {1, {0xe2600000}},                                              /* rsb #0 */
    {4, {0xe2800010, 0xe2800020, 0xe2800040, 0xe2800080}},          /* 4 adds */
    {1, {0xe3a000ff}},                                              /* mov #0xff */
};
#define N_ARM_VERSIONS (sizeof arm_versions / sizeof arm_versions[0])

static uint32_t version_eval(const struct version *v, uint32_t x)
{
    for (uint32_t i = 0; i < v->n; i++)
        x = dp_eval(v->insn[i], x);
    return x;
}

/* Store a word by the given method: 0 word, 1 bytes, 2 halfwords. */
static void poke32(uint32_t addr, uint32_t v, unsigned method)
{
    if (method == 0) {
        *(volatile uint32_t *)addr = v;
    } else if (method == 1) {
        for (unsigned i = 0; i < 4; i++)
            *(volatile uint8_t *)(addr + i) = (uint8_t)(v >> (8 * i));
    } else {
        *(volatile uint16_t *)addr = (uint16_t)v;
        *(volatile uint16_t *)(addr + 2) = (uint16_t)(v >> 16);
    }
}

static void write_arm_version(uint32_t addr, const struct version *v, unsigned method)
{
    for (uint32_t i = 0; i < v->n; i++)
        poke32(addr + 4 * i, v->insn[i], method);
    poke32(addr + 4 * v->n, ARM_BX_LR, method);
}

/* Calls the routine at exec CALLS times; returns how many results were
 * wrong and prints the first. */
static uint32_t hammer(uint32_t exec, uint32_t (*expect)(const void *, uint32_t),
                       const void *ctx)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < CALLS; i++) {
        uint32_t x = i * 0x9e3779b9u;
        uint32_t got = call_code(exec, x), want = expect(ctx, x);
        if (got != want && bad++ == 0) {
            puts_raw("       call ");
            print_dec(i);
            puts_raw(": got ");
            print_hex(got);
            puts_raw(", want ");
            print_hex(want);
            uart_putc('\n');
        }
    }
    return bad;
}

static uint32_t expect_arm(const void *ctx, uint32_t x)
{
    return version_eval(ctx, x);
}

/* Every version written through `write` (then synchronised as an alias
 * when the two VAs differ) and run CALLS times through `exec`. */
static void rewrite_arm(uint32_t write, uint32_t exec, const char *what)
{
    uint32_t bad = 0;
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned k = 0; k < N_ARM_VERSIONS; k++) {
            const struct version *v = &arm_versions[k];
            write_arm_version(write, v, (round * N_ARM_VERSIONS + k) % 3);
            if (write == exec)
                code_sync(exec, 4 * (v->n + 1));
            else
                code_sync_alias(write, 4 * (v->n + 1));
            bad += hammer(exec, expect_arm, v);
        }
    }
    check_eq(bad, 0, what);
}

/* ----------------------------------------------------------- Thumb */
/* 16-bit `movs r0, #imm8` (T1), `adds r0, #imm8` (T2), `bx lr`; 32-bit
 * `movw r0, #imm16` (T3), stored as two halfwords, first one first. */
#define T_MOVS(imm) (0x2000u | (imm))
#define T_ADDS(imm) (0x3000u | (imm))
#define T_BX_LR 0x4770u

struct thumb_version {
    uint32_t n;             /* halfwords before the bx lr */
    uint16_t hw[6];
    uint32_t want_base;     /* result = want_base + (add_x ? x : 0) */
    uint32_t add_x;
};

static uint32_t t_movw_hw1(uint32_t imm16)
{
    return 0xf240u | (((imm16 >> 11) & 1) << 10) | ((imm16 >> 12) & 0xf);
}
static uint32_t t_movw_hw2(uint32_t imm16, uint32_t rd)
{
    return (((imm16 >> 8) & 7) << 12) | (rd << 8) | (imm16 & 0xff);
}

static void thumb_versions(struct thumb_version *v)
{
    v[0] = (struct thumb_version){1, {T_MOVS(5)}, 5, 0};
    v[1] = (struct thumb_version){1, {T_ADDS(9)}, 9, 1};
    v[2] = (struct thumb_version){2, {t_movw_hw1(0x1234), t_movw_hw2(0x1234, 0)}, 0x1234, 0};
    v[3] = (struct thumb_version){3, {t_movw_hw1(0xbeef), t_movw_hw2(0xbeef, 0), T_ADDS(1)},
                                  0xbef0, 0};
    v[4] = (struct thumb_version){2, {T_ADDS(200), T_ADDS(1)}, 201, 1};
    v[5] = (struct thumb_version){3, {t_movw_hw1(0x8765), t_movw_hw2(0x8765, 0), T_ADDS(0x10)},
                                  0x8775, 0};
}

static uint32_t expect_thumb(const void *ctx, uint32_t x)
{
    const struct thumb_version *v = ctx;
    return v->want_base + (v->add_x ? x : 0);
}

static void test_thumb(uint32_t addr, const char *what)
{
    struct thumb_version versions[6];
    thumb_versions(versions);
    uint32_t bad = 0;
    for (unsigned k = 0; k < 6; k++) {
        const struct thumb_version *v = &versions[k];
        for (uint32_t i = 0; i < v->n; i++)
            *(volatile uint16_t *)(addr + 2 * i) = v->hw[i];
        *(volatile uint16_t *)(addr + 2 * v->n) = T_BX_LR;
        code_sync(addr, 2 * (v->n + 1));
        bad += hammer(addr | 1, expect_thumb, v);   /* BLX to a Thumb address */
    }
    check_eq(bad, 0, what);
}

/* ------------------------------------------ code that rewrites itself */
uint32_t smc_patch_next(uint32_t insn, uint32_t x);
uint32_t smc_self_loop(uint32_t n);

static void test_patch_next(const char *what)
{
    static const enum dp_op ops[] = {OP_MOV, OP_ADD, OP_EOR, OP_SUB, OP_RSB, OP_ORR};
    uint32_t bad = 0;
    for (uint32_t i = 0; i < CALLS; i++) {
        uint32_t insn = dp(ops[i % 6], R0, 1, i * 7), x = i * 0x01000193u;
        uint32_t got = smc_patch_next(insn, x);
        if (got != dp_eval(insn, x) && bad++ == 0) {
            puts_raw("       call ");
            print_dec(i);
            puts_raw(": got ");
            print_hex(got);
            puts_raw(", want ");
            print_hex(dp_eval(insn, x));
            uart_putc('\n');
        }
    }
    check_eq(bad, 0, what);
}

static void test_self_loop(const char *what)
{
    uint32_t bad = 0;
    for (uint32_t round = 0; round < 20; round++) {
        uint32_t n = 250 - round, want = 0;
        for (uint32_t k = 0; k < n; k++)
            want += k;
        if (smc_self_loop(n) != want)
            bad++;
    }
    check_eq(bad, 0, what);
}

/* ----------------------------------------------------------- MMU */
static void build_tables(void)
{
    mmu_identity(l1);
    l1[VA_CODE >> 20] = sect_desc(PA_CODE, SEC_RAM);
    l1[VA_WRITE >> 20] = sect_desc(PA_ALIAS, SEC_RAM);
    l2_exec[0] = page_desc(PA_ALIAS, PAGE_RAM);
    l1[VA_EXEC >> 20] = page_table_desc(l2_exec);
    l2_remap[0] = page_desc(PA_PAGE1, PAGE_RAM);
    l1[VA_REMAP >> 20] = page_table_desc(l2_remap);
    l1[VA_REMAP_SECT >> 20] = sect_desc(PA_PAGE1, SEC_RAM);
}

static void write_mov_r0(uint32_t pa, uint32_t imm)
{
    store32(pa, dp(OP_MOV, R0, 0, imm));
    store32(pa + 4, ARM_BX_LR);
}

static uint32_t expect_const(const void *ctx, uint32_t x)
{
    (void)x;
    return *(const uint32_t *)ctx;
}

/* After a VA->PA change, instruction-cache maintenance is needed only
 * for caches that are not PIPT; the TLB maintenance is always. */
static void after_remap(uint32_t va)
{
    tlb_flush_va(va);
    if (!icache_is_pipt()) {
        write_iciallu(0);
        dsb();
        isb();
    }
}

static void test_remap(void)
{
    section("remapping a code page (MMU on)");
    write_mov_r0(PA_PAGE1, 0x11);
    write_mov_r0(PA_PAGE2, 0x22);
    write_mov_r0(PA_SECT2, 0x33);
    code_sync_alias(PA_PAGE1, 8);
    code_sync_alias(PA_PAGE2, 8);
    code_sync_alias(PA_SECT2, 8);
    print_line(icache_is_pipt() ? "  (CTR: PIPT instruction cache)"
                                : "  (CTR: not PIPT: ICIALLU after each remap)");

    static const uint32_t page_results[] = {0x11, 0x22};
    uint32_t bad = 0;
    for (unsigned k = 0; k < 6; k++) {
        l2_remap[0] = page_desc(k & 1 ? PA_PAGE2 : PA_PAGE1, PAGE_RAM);
        after_remap(VA_REMAP);
        bad += hammer(VA_REMAP, expect_const, &page_results[k & 1]);
    }
    check_eq(bad, 0, "small page remapped 1->2->1..., TLBIMVA: new code runs");

    static const uint32_t sect_results[] = {0x11, 0x33};
    bad = 0;
    for (unsigned k = 0; k < 6; k++) {
        l1[VA_REMAP_SECT >> 20] = sect_desc(k & 1 ? PA_SECT2 : PA_PAGE1, SEC_RAM);
        after_remap(VA_REMAP_SECT);
        bad += hammer(VA_REMAP_SECT, expect_const, &sect_results[k & 1]);
    }
    check_eq(bad, 0, "section remapped back and forth, TLBIMVA: new code runs");
}

static void test_mmu_off(void)
{
    section("MMU off: code rewritten in place");
    check_eq(read_sctlr() & SCTLR_M, 0, "SCTLR.M clear");
    rewrite_arm(PA_CODE, PA_CODE, "ARM routine, 16 rewrites x 5000 calls each");
    test_thumb(PA_CODE + THUMB_OFFSET, "Thumb routine (16/32-bit), 6 rewrites, BLX");
    test_patch_next("instruction after the barrier rewritten, 5000 times");
    test_self_loop("loop rewriting its own first instruction, 20 runs");
}

static void test_mmu_on(void)
{
    section("MMU and caches on: code rewritten through VAs");
    build_tables();
    mmu_enable(l1);
    check_eq(read_sctlr() & (SCTLR_M | SCTLR_C | SCTLR_I), SCTLR_M | SCTLR_C | SCTLR_I,
             "SCTLR.M, C, I set");
    rewrite_arm(VA_CODE, VA_CODE, "ARM routine at a VA != PA, 16 rewrites");
    test_thumb(VA_CODE + THUMB_OFFSET, "Thumb routine at a VA != PA");
    rewrite_arm(VA_WRITE, VA_EXEC,
                "written via a section alias, run via a small-page alias");
    test_patch_next("instruction after the barrier rewritten (MMU on)");
    test_self_loop("self-rewriting loop (MMU on)");
}

void test_main(void)
{
    print_line("smc: self-modifying code and instruction-cache maintenance");
    test_mmu_off();
    test_mmu_on();
    test_remap();
}
