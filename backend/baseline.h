/*
 * The baseline tier: scion IR to x86-64 machine code in one pass, a few
 * microseconds per block, so code that runs only a handful of times still
 * runs as host code instead of in the IR interpreter.  The LLVM tier takes
 * over hot code later; the interpreter stays the reference (and runs
 * anything the baseline declines: huge blocks, or a host without
 * executable memory).
 *
 * The translation is template-like and deliberately simple: every temp has
 * a stack slot, constants are folded into the instructions that use them,
 * guest memory is reached inline (the flat mapping in user mode, the
 * softmmu TLB's fast path in system mode with the same slow-path calls as
 * the interpreter), helpers are called with the interpreter's arguments.
 * Results are exactly the interpreter's: the same IR semantics, op by op.
 *
 * Pinning (user mode): a few guest registers (BaselineRequest.pinned_off)
 * live in host registers from the entry stub, which loads them, to the
 * exit stub, which writes them back, so that chained blocks pass them on
 * without a store and a load; helper calls and the fault handler see them
 * written back.  A block that would spill with those registers taken
 * stores the pinned words as it starts, allocates their registers, and
 * loads them again on its way out.
 *
 * Chaining: a block compiled with `chain` gets up to BASELINE_MAX_SITES
 * linkable direct exits.  Such an exit first tests CpuCommon.exit_request, then jumps
 * through a patchable rel32: at first to a stub that returns to the
 * dispatcher with CpuCommon.baseline_exit = tag | exit index; once the
 * dispatcher has found the successor it links the exit (baseline_link) and
 * later runs go straight to the successor's body.  Every block uses the same
 * frame, which one entry stub per arena generation sets up and one exit
 * stub tears down, so blocks carry no prologue or epilogue of their own and
 * a chained jump lands on the first instruction of the body.  baseline_unlink_all undoes
 * every link (blocks retired, or a successor got LLVM code).  Indirect
 * exits (user mode) look the target up in the tier's own table of
 * (pc, mode) -> body, which the dispatcher fills (baseline_lookup_fill) and
 * every unlink empties.
 *
 *   Baseline *bl = baseline_new(0);
 *   BaselineCode *bc = &tb->baseline;
 *   baseline_compile(bl, tb->code, &(BaselineRequest){.softmmu = false}, bc);
 *   IrExitKind why = baseline_run(bl, bc, cpu, &next_pc);
 */
#ifndef SCION_BASELINE_H
#define SCION_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/cpu_common.h"
#include "backend/interp.h"
#include "backend/scratch.h"

typedef enum BaselineMode {
    BASELINE_ON,    /* the default: blocks run as baseline code once past their first runs (exec.c) */
    BASELINE_OFF,   /* the IR interpreter runs what the LLVM tier has not compiled */
    BASELINE_CHECK, /* every baseline run is checked against the interpreter */
} BaselineMode;

/* "on", "off" or "check"; false for anything else. */
bool baseline_parse_mode(const char *s, BaselineMode *mode);

/* The shared entry stub: sets up the frame and jumps to body. */
typedef IrExitKind (*BaselineEnter)(void *state, const void *body);

struct CodeArena;
typedef struct BaselineLink BaselineLink;

/* A block has at most this many linkable exits: a block of its own has
 * two, a superblock (superblock.h) one more per block it continues into.
 * CpuCommon.baseline_exit carries the index in the tag's low bits. */
#define BASELINE_MAX_SITES 4

/* The baseline tier's indirect-branch lookup table (Baseline.lookup):
 * 32 Ki entries, 512 KiB touched as used.  With 4 Ki, sqlite3's returns
 * to its 8,000-odd blocks collided and 826 k block runs went through the
 * dispatcher, 216 k with 32 Ki (3% faster). */
#define BASELINE_LOOKUP_BITS 15
#define BASELINE_LOOKUP_SIZE (1u << BASELINE_LOOKUP_BITS)

static inline unsigned baseline_lookup_index(uint32_t pc)
{
    return (pc >> 1) & (BASELINE_LOOKUP_SIZE - 1);
}

/* At most this many state words are pinned (BaselineRequest.pinned_off). */
#define BASELINE_MAX_PINNED 3

/* A block's baseline code, valid while gen is the arena's generation. */
typedef struct BaselineCode {
    void *body;             /* the block's code (NULL: not compiled) */
    uint32_t size;          /* bytes of code from body */
    uint32_t gen;
    bool declined;          /* too large: interpret it */
    bool counts_runs;       /* adds its runs to the request's counter */
    uint32_t site[BASELINE_MAX_SITES];       /* arena offsets of linkable exits' rel32, 0 for none */
    uint32_t site_alias[BASELINE_MAX_SITES]; /* of a branch's rel32 that reaches only that exit (linked with it), 0 for none */
    uint32_t exit_pc[BASELINE_MAX_SITES];    /* where those exits go */
    uint32_t exit_mode[BASELINE_MAX_SITES];  /* and the mode they declare (never IR_MODE_UNKNOWN) */
} BaselineCode;

typedef struct BaselineRequest {
    bool softmmu;   /* guest memory through CpuCommon's TLB (system mode), else the flat mapping */
    bool chain;     /* emit linkable direct exits */
    bool count;     /* count blocks and instructions in CpuCommon (--stats) */
    bool segment;   /* gs's base is CpuCommon.mem_base (Machine.guest_segment); user mode only */
    unsigned ninsns;
    uintptr_t tag;  /* the block's identity for CpuCommon.baseline_exit (low bits below BASELINE_MAX_SITES clear) */
    uint32_t pc;    /* the block's guest pc */
    /* If not NULL, every run adds 1 here first, and the run that brings it
     * to hot_runs returns to the dispatcher (pc unchanged) instead. */
    uint64_t *runs;
    uint64_t hot_runs;
    /* With chain: the lookup table of indirect exits (Baseline.lookup), or
     * NULL to send them to the dispatcher.  In system mode keys carry the
     * physical page, which indirect exits take from the TLB, and the block
     * key's page_local_bits below the page carry over from `mode`. */
    const JitLookupEntry *lookup;
    uint32_t mode, page_local_bits;
    /* nbool_words state words from offset bool_words_off hold only 0 or 1
     * (the guest's flags): a setcc writes one's low byte, a byte load reads
     * it. */
    uint32_t bool_words_off, nbool_words;
    /* User mode: state words that live in host registers from the entry
     * stub to the exit stub (the guest's busiest registers), the same for
     * every request of a Baseline. */
    const uint32_t *pinned_off;
    unsigned npinned;
    /* If not NULL, linkable exit k adds 1 to exit_runs[k] as it leaves
     * (superblock.h measures where hot blocks go). */
    uint32_t *exit_runs;
} BaselineRequest;

typedef struct BaselineStats {
    uint64_t compiled, declined; /* blocks */
    uint64_t code_bytes;         /* emitted in all */
    uint64_t resets;             /* times the code arena filled up and started over */
    uint64_t links, unlink_rounds;
} BaselineStats;

/* User mode: an inline guest memory access in the arena, and the guest
 * instruction it belongs to (sorted by offset within a generation), and
 * the state words whose stores the code defers past it (baseline_opt.h):
 * recoveries [first_recovery, first_recovery + nrecoveries). */
typedef struct BaselineFaultSite {
    uint32_t off, pc, mode;
    uint32_t first_recovery, nrecoveries;
    bool pins_in_regs; /* the pinned words are in their host registers */
} BaselineFaultSite;

/* A state word's value at a fault site: a host register's low 32 bits, a
 * stack slot's, or a constant. */
typedef enum BaselineValueKind { BASELINE_IN_REG, BASELINE_IN_SLOT, BASELINE_CONSTANT } BaselineValueKind;
typedef struct BaselineRecovery {
    uint32_t state_off;
    uint8_t kind;   /* BaselineValueKind */
    uint8_t reg;    /* BASELINE_IN_REG: the X64Reg */
    uint8_t derive; /* BASELINE_STS_SIGN or _ZERO (baseline_opt.h): the word
                     * is that of the value found, else the value itself */
    uint32_t value; /* BASELINE_IN_SLOT: offset from rsp; BASELINE_CONSTANT: the word */
} BaselineRecovery;

/* The dispatcher tests `generation` on every block, so the struct is
 * visible; only baseline.c changes it. */
typedef struct Baseline {
    struct CodeArena *arena;
    uint32_t generation; /* the arena's, mirrored */
    BaselineStats stats;
    BaselineLink *links; /* linked exits, to undo them */
    size_t nlinks, links_cap;
    JitLookupEntry *lookup; /* BASELINE_LOOKUP_SIZE entries, indexed by baseline_lookup_index */
    /* The entries filled since the table was last cleared, so that a
     * clear (every unlink round) touches those only; more than
     * BASELINE_LOOKUP_LOG of them: the whole table. */
    uint32_t *filled;
    uint32_t nfilled;
    BaselineFaultSite *fault_sites;
    size_t nfault_sites, fault_sites_cap;
    BaselineRecovery *recoveries;
    size_t nrecoveries, recoveries_cap;
    Scratch scratch; /* a compilation's temporary arrays */
    uint32_t pinned_off[BASELINE_MAX_PINNED]; /* BaselineRequest's, as the stubs have them */
    unsigned npinned;
    bool pins_fixed; /* set once stubs exist: later requests must agree */
    BaselineEnter enter; /* the shared stubs of generation stubs_gen */
    uint32_t leave_off;  /* arena offset of the shared exit stub */
    uint32_t stubs_size; /* bytes of both, from enter */
    uint32_t stubs_gen;
} Baseline;

/* The code arena's size when none is given (-tb-size): booting Linux on
 * the virt board makes about 50 MiB of code, and starting over would
 * translate the live blocks again.  Only what is used is ever mapped. */
#define BASELINE_DEFAULT_ARENA ((size_t)64 << 20)
#define BASELINE_MIN_ARENA ((size_t)1 << 20)

/* arena_size: bytes of code before the arena starts over (0: the
 * default).  NULL when the host gives no executable memory. */
Baseline *baseline_new(size_t arena_size);
void baseline_free(Baseline *bl);
/* Host code for a prepared block (interp_prepare's form) into *out;
 * out->body stays NULL if the block is not compiled (interpret it).  May
 * reset the code arena: call only while no baseline code is running;
 * results of earlier generations are stale (baseline_current). */
void baseline_compile(Baseline *bl, const InterpCode *code, const BaselineRequest *req, BaselineCode *out);
static inline bool baseline_current(const Baseline *bl, const BaselineCode *c);
/* Point linkable exit `index` of `from` at the body of `to` (both current). */
void baseline_link(Baseline *bl, const BaselineCode *from, unsigned index, const BaselineCode *to);
void baseline_unlink_all(Baseline *bl);
/* User mode: if the host instruction at host_pc is a guest memory access
 * of baseline code, the guest instruction it belongs to (the state's
 * insn_pc and insn_mode are not stored before such accesses), and the
 * state words whose stores were deferred past it written into `state`
 * from the host registers (host_regs, by X64Reg number) and stack.  Safe
 * in a signal handler that interrupted baseline code. */
bool baseline_fault_site(const Baseline *bl, uintptr_t host_pc, const uint64_t host_regs[16], void *state,
                         uint32_t *pc, uint32_t *mode);
/* Where c's code starts in the code arena (its offset in the memfd). */
uint32_t baseline_arena_offset(const Baseline *bl, const BaselineCode *c);
/* Indirect exits to (pc, mode) may go straight to `to` (current).  user
 * (user mode): the entry's key is pc | mode, for the modes 0 and 1 only
 * (ARM and Thumb, ARM_MODEBIT_THUMB), as user mode's indirect exits look
 * it up; others get no entry. */
void baseline_lookup_fill(Baseline *bl, uint32_t pc, uint32_t mode, bool user, const BaselineCode *to);
/* Make every entry of the lookup table miss, so that user mode's indirect
 * exits, which do not test CpuCommon.exit_request, return to the
 * dispatcher (machine_request_exit).  Async-signal-safe, and safe while
 * the table's owner runs or fills it: only the keys change, so an exit
 * that matched one a moment before still jumps to code that exists. */
void baseline_drop_lookups(Baseline *bl);
/* Point linkable exit `index` of `from` at a call of the LLVM tier's code
 * `fn` (jit_unit.h's JitFn) for pc, whose result becomes this block's exit:
 * the dispatcher sees the LLVM unit's exit, as if it had entered it. */
void baseline_link_call(Baseline *bl, const BaselineCode *from, unsigned index, void *fn, uint32_t pc);
/* code (a block's, at pc) was compiled again, in the same generation or
 * a later one: the links to it, and a lookup entry that led to old_body,
 * lead to its new body. */
void baseline_retarget(Baseline *bl, const BaselineCode *code, const void *old_body, uint32_t pc);
/* Undo the links whose target `leave(opaque, target)` names. */
void baseline_unlink_into(Baseline *bl, bool (*leave)(void *opaque, const BaselineCode *target), void *opaque);
/* In the child after fork(): forget all code (it lives in memory shared
 * with the parent) and take an arena of the child's own. */
void baseline_fork_child(Baseline **bl);
BaselineStats baseline_stats(const Baseline *bl);

static inline bool baseline_current(const Baseline *bl, const BaselineCode *c)
{
    return c->body && c->gen == bl->generation;
}

/* Run c's code (current): the exit kind, and the pc to go on at. */
static inline IrExitKind baseline_run(const Baseline *bl, const BaselineCode *c, void *state, uint32_t *next_pc)
{
    IrExitKind kind = bl->enter(state, c->body);
    *next_pc = ((const CpuCommon *)state)->baseline_next_pc;
    return kind;
}

#endif
