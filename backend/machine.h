/*
 * Machine: everything one emulated machine owns, reachable from one pointer
 * so that several machines can live in one process.
 *
 * backend/exec.c runs blocks: machine_run finds (or translates) the block
 * at the CPU's pc and mode, runs it and its successors, and returns why the
 * run ended.  The caller
 * (user-mode loop or system board) handles syscalls, faults and interrupts.
 */
#ifndef SCION_MACHINE_H
#define SCION_MACHINE_H

#include <stdatomic.h>
#include <stdint.h>

#include "backend/baseline.h"
#include "backend/block_cache.h"
#include "backend/jit.h"
#include "backend/log.h"
#include "frontend/arm_cpu.h"
#include "translator/translate.h"

/* Counted by the dispatcher; compiled code counts its own blocks and
 * instructions in CpuCommon (jit_entries, jit_blocks, jit_insns). */
typedef struct ExecStats {
    uint64_t dispatches;                 /* blocks (or units) the dispatcher ran */
    uint64_t interp_blocks, interp_insns; /* counted per whole block */
    uint64_t baseline_blocks, baseline_insns; /* the same for the baseline tier */
    uint64_t jit_dispatches;             /* units entered from the dispatcher */
    uint64_t lookup_fills;               /* indirect-branch table entries written */
    uint64_t ir_restores;                /* blocks translated again for a recompilation (exec.c keeps_ir) */
    uint64_t superblocks, superblock_blocks; /* compiled, and the blocks in them (superblock.h) */
    /* Time the guest waited for synchronous compilation (-jit sync/always):
     * system boards leave it out of guest time, so a guest sees a slow
     * first run of a block as the same instant, not as lost time. */
    uint64_t stalled_ns;
} ExecStats;

#define JIT_DEFAULT_THRESHOLD 2000
/* Run time before anything is compiled in the background mode: short runs
 * (busybox true, ls) finish without loading LLVM. */
#define JIT_WARMUP_NS 100000000u

struct UserProcess;

/* System mode: the physical page of the code at virtual pc, through the
 * MMU (false: the instruction fetch faults; the board has noted the abort). */
typedef bool (*CodePageFn)(void *opaque, uint32_t pc, uint32_t *phys_page);

typedef struct Machine {
    ArmCpu cpu;
    Log log;
    Translator *translator;
    BlockCache *cache;
    GuestFetchFn fetch;  /* reads executable guest bytes for the translator */
    void *fetch_opaque;
    struct UserProcess *user; /* Linux user mode, or NULL */
    /* System mode: blocks are keyed by physical page too (ARM_MODEBIT_PAGE_MASK)
     * and their byte ranges are physical; phys_fetch reads physical code. */
    CodePageFn code_page;
    void *code_page_opaque;
    GuestFetchFn phys_fetch;
    Baseline *baseline;       /* tier 0.5, NULL when the host gives no executable memory */
    BaselineMode baseline_mode;
    /* User mode: gs's base is CpuCommon.mem_base on the thread that runs
     * the guest (guest_mem_segment), so baseline code may address guest
     * memory as gs:[x + u * scale] (BaselineRequest.segment). */
    bool guest_segment;
    uint32_t stubs_logged; /* -d out_asm: 1 + the baseline generation whose stubs are logged, 0: none */
    size_t code_arena_size;   /* -tb-size, read by machine_init (0: the default) */
    Jit *jit;                 /* NULL when the LLVM tier is off */
    const atomic_uint *jit_done; /* compiled units waiting to be installed */
    unsigned jit_threshold;   /* interpreted runs before a block is compiled */
    char *jit_cache_dir;      /* persistent code cache, or NULL */
    uint64_t jit_cache_max;   /* its size bound in bytes (0: the default) */
    bool jit_count;           /* compiled code counts blocks and instructions (--stats) */
    struct TranslationCache *tcache; /* user mode's persistent translations, or NULL */
    struct CodeCache *tcache_dir;    /* the directory it lives in */
    bool icount;              /* deterministic mode: count instructions (CpuCommon.icount) */
    /* What a block adds to CpuCommon.icount, if not its instruction count
     * (the GBA counts CPU cycles there); fixed when the block is translated. */
    unsigned (*block_cost)(void *opaque, uint32_t pc, uint32_t mode, unsigned ninsns);
    void *block_cost_opaque;
    JitLookupEntry *jit_lookup; /* the indirect-branch table (cpu.common.lookup) */
    struct StoreLog *check_log; /* -jit check */
    uint32_t collected_epoch; /* block cache epoch when retired blocks were last freed */
    uint64_t started_ns;      /* CLOCK_MONOTONIC at machine_init */
    ExecStats stats;
    /* User mode: a guest access in LLVM code faulted, and the state is back
     * at the unit's last restart point (CpuCommon.insn_pc/insn_mode, see
     * llvm_emit.c): the next block runs in the baseline tier or the
     * interpreter, which fault precisely, or the LLVM code would fault at
     * the same access again. */
    bool resume_lower_tier;
} Machine;

/* Why machine_run stopped, beyond the IR exit kinds. */
typedef enum StepResult {
    STEP_FETCH_FAULT = IR_EXIT_KIND_COUNT,
    STEP_TIER_MISMATCH, /* -jit check found a difference (already reported) */
} StepResult;

void machine_init(Machine *m, GuestFetchFn fetch, void *fetch_opaque, PageCodeHook on_code, void *hook_opaque);
/* Start the LLVM tier (before running), with a persistent code cache in
 * cache_dir unless it is NULL. */
bool machine_enable_jit(Machine *m, JitMode mode, const char *cache_dir);
/* User mode: take translations from, and keep them in, cache_dir's file
 * for this guest program (translation_cache.h), and the LLVM tier's region
 * recipes too (region_recipes.h).  After machine_enable_jit, before running.
 * An unusable directory is said only if the user named it (explicit_dir):
 * the default one is tried on every run. */
void machine_enable_translation_cache(Machine *m, const char *cache_dir, bool explicit_dir, const char *program);
/* Write this run's new translations and region recipes (at exit, execve). */
void machine_save_translations(Machine *m);
/* Ask the running guest code to return to the caller of machine_run soon
 * (async-signal-safe).  User mode's baseline code tests the request at
 * backward jumps; its indirect exits find the lookup table empty. */
static inline void machine_request_exit(Machine *m)
{
    m->cpu.common.exit_request = 1;
    if (!m->cpu.common.tlb && m->baseline)
        baseline_drop_lookups(m->baseline);
}
/* Guest code in [addr, addr + len) changed or went away. */
void machine_invalidate_code(Machine *m, uint32_t addr, uint64_t len);
void machine_destroy(Machine *m);
/* The instruction at guest pc, disassembled for a diagnostic ("" if the
 * bytes cannot be fetched); *size receives its length. */
void machine_disasm_at(Machine *m, uint32_t pc, bool thumb, char *text, size_t len, unsigned *size);
/* Run blocks until one ends with something other than a branch (syscall,
 * exception, fault) or an exit is requested; returns that IrExitKind
 * (IR_EXIT_YIELD for an exit request) or a StepResult. */
int machine_run(Machine *m);

#endif
