/*
 * The part of every guest CPU state that the executors know about.
 *
 * A guest CPU state struct starts with a CpuCommon, so the IR executors can
 * reach guest memory and record instruction boundaries without knowing the
 * guest architecture.  Everything else is addressed by byte offset from the
 * IR (LDS/STS ops).
 */
#ifndef SCION_CPU_COMMON_H
#define SCION_CPU_COMMON_H

#include <stdint.h>

/* Per-page access flags (CpuCommon.page_flags), shared with the memory owner. */
enum {
    PAGE_FLAG_READ = 1,
    PAGE_FLAG_WRITE = 2,
    PAGE_FLAG_EXEC = 4,
    PAGE_FLAG_MAPPED = 8,
    PAGE_FLAG_CODE = 16, /* holds translated code: stores must take the slow path */
};

/* The LLVM tier's indirect-branch lookup table: compiled code looks up a
 * computed target here and jumps straight to its code; the dispatcher
 * fills it.  (The baseline tier has its own, BASELINE_LOOKUP_SIZE.) */
#define JIT_LOOKUP_BITS 12
#define JIT_LOOKUP_SIZE (1u << JIT_LOOKUP_BITS)
typedef struct JitLookupEntry {
    uint32_t pc, mode;
    void *fn;
} JitLookupEntry;

static inline unsigned jit_lookup_index(uint32_t pc)
{
    return (pc >> 1) & (JIT_LOOKUP_SIZE - 1);
}

struct TlbEntry;

typedef struct CpuCommon {
    uint8_t *mem_base;  /* host address of guest address 0 (flat guest memory) */
    /* System mode (backend/softmmu.h): the TLB of the current privilege,
     * or NULL in user mode, and the slow paths behind it. */
    struct TlbEntry *tlb;
    struct TlbEntry *tlb_user; /* User mode's, for LDRT/STRT */
    uint64_t (*load_slow)(struct CpuCommon *c, uint32_t addr, unsigned size);
    void (*store_slow)(struct CpuCommon *c, uint32_t addr, uint64_t value, unsigned size);
    const uint8_t *page_flags; /* one byte per 4 KiB guest page, PAGE_FLAG_* */
    uint32_t insn_pc;   /* guest pc of the instruction being executed */
    uint32_t insn_mode; /* translation mode bits of that instruction */
    void *machine;      /* owning Machine, for helpers that need it */
    struct StoreLog *store_log; /* -jit check: record stores so they can be undone */
    /* Set asynchronously (signals, code invalidation): compiled code leaves
     * at its next exit or loop back-edge, the dispatcher returns. */
    volatile int exit_request;
    void **chain_link;       /* set by the chain-miss stub: the exit cell to link */
    JitLookupEntry *lookup;  /* indirect-branch table, JIT_LOOKUP_SIZE entries */
    /* Deterministic mode (-icount): guest instructions run, counted per
     * block as it starts in both tiers; a block starts only while
     * icount < icount_limit, else control returns to the caller of
     * machine_run at that block boundary. */
    uint64_t icount, icount_limit;
    /* Counted by compiled code: units entered, guest blocks and instructions run. */
    uint64_t jit_entries, jit_blocks, jit_insns;
    /* The baseline tier (baseline.h): which linkable exit the last block
     * left through (block tag | exit index, 0 for none), and its counts. */
    uintptr_t baseline_exit;
    uint32_t baseline_next_pc; /* where the last baseline run left off */
    uint64_t baseline_blocks, baseline_insns;
} CpuCommon;

#endif
