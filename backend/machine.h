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

#include <stdint.h>

#include "backend/block_cache.h"
#include "backend/jit.h"
#include "backend/log.h"
#include "frontend/arm_cpu.h"
#include "translator/translate.h"

typedef struct ExecStats {
    uint64_t blocks_executed;
    uint64_t insns_executed; /* counted per whole block */
    uint64_t jit_blocks_executed, jit_insns_executed;
} ExecStats;

#define JIT_DEFAULT_THRESHOLD 64
/* Blocks run before anything is compiled in the background mode: short
 * runs (busybox true, ls) finish in the interpreter without loading LLVM. */
#define JIT_WARMUP_BLOCKS 500000

struct UserProcess;

typedef struct Machine {
    ArmCpu cpu;
    Log log;
    Translator *translator;
    BlockCache *cache;
    GuestFetchFn fetch;  /* reads executable guest bytes for the translator */
    void *fetch_opaque;
    struct UserProcess *user; /* Linux user mode, or NULL */
    Jit *jit;                 /* NULL when the LLVM tier is off */
    unsigned jit_threshold;   /* interpreted runs before a block is compiled */
    struct StoreLog *check_log; /* -jit check */
    volatile int interrupt_request; /* set asynchronously: leave machine_run soon */
    ExecStats stats;
} Machine;

/* Why machine_run stopped, beyond the IR exit kinds. */
typedef enum StepResult {
    STEP_FETCH_FAULT = IR_EXIT_KIND_COUNT,
    STEP_TIER_MISMATCH, /* -jit check found a difference (already reported) */
} StepResult;

void machine_init(Machine *m, GuestFetchFn fetch, void *fetch_opaque, PageCodeHook on_code, void *hook_opaque);
/* Start the LLVM tier (before running). Returns false if LLVM is unavailable. */
bool machine_enable_jit(Machine *m, JitMode mode);
void machine_destroy(Machine *m);
/* Run blocks until one ends with something other than a branch (syscall,
 * exception, fault) or interrupt_request is set; returns that IrExitKind
 * (IR_EXIT_YIELD for an interrupt request) or a StepResult. */
int machine_run(Machine *m);

#endif
