/*
 * Baseline tier: one pass over a block's IR, emitting x86-64 per op.
 *
 * Register use inside a block: rbx = guest state (CpuCommon first) +
 * STATE_BIAS, r14 = host address of guest address 0 and the pinned guest
 * words in r12, rbp and r15 (user mode, baseline_pinned_reg); rax, rcx,
 * rdx are scratch within one op.  Temps live in the other registers as
 * baseline_alloc.c assigns them, else at [rsp + 8t], always as
 * the interpreter holds them (32-bit results zero-extended to 64), so
 * helpers see the same argument values.  The frame is the same size for
 * every block, so chained blocks share it.
 *
 * Flags (the request's 0-or-1 words): where the host flags of an add or a
 * compare hold a guest flag, it goes into its word's low byte by a setcc,
 * and a branch on it jumps on those host flags; ops whose only readers
 * are such stores and branches then emit nothing, and their temps hold no
 * value.  emit_block tracks which temp the host flags describe
 * (flags_of) across ops that emit nothing touching them, and which carry
 * the host's CF holds (carry_of), so that an add or subtract with carry
 * (ADC, SBC: 64-bit arithmetic) is one adc or sbb on it.
 *
 * Every IR op has a case in emit_op; the switch has no default so the
 * compiler names any op this file forgets (-Wswitch), as in interp.c.
 */
#include "backend/baseline.h"
#include "backend/baseline_alloc.h"
#include "backend/baseline_opt.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend/code_arena.h"
#include "backend/cpu_common.h"
#include "backend/softmmu.h"
#include "backend/x64_asm.h"
#include "translator/helpers.h"

/* Blocks with more temps than this stay interpreted; the frame holds this
 * many, whatever the block. */
#define MAX_TEMPS 4096
#define FRAME_SIZE (MAX_TEMPS * 8)
/* Upper bound of code per IR op, to reserve space before emitting. */
#define MAX_BYTES_PER_OP 128

static_assert(offsetof(CpuCommon, insn_mode) == offsetof(CpuCommon, insn_pc) + 4,
              "one 64-bit store sets both instruction-start fields");
static_assert(sizeof(TlbEntry) == 32, "the TLB index is scaled by a shift");

struct BaselineLink {
    uint32_t site;     /* arena offset of the rel32 */
    uint32_t unlinked; /* its value before linking (the stub) */
    const BaselineCode *target; /* NULL for a call of LLVM code (baseline_link_call) */
};

typedef struct Fixup {
    size_t rel32_at;
    size_t target; /* index of the LABEL op */
} Fixup;

/* A softmmu access's TLB miss path, emitted out of line after the block's
 * last op so that the hit path falls straight through. */
typedef struct SlowPath {
    const IrInsn *in;
    size_t miss;          /* the jcc taken on a miss */
    size_t join;          /* where the hit path goes on (the load's result in rax) */
    X64Reg saved[16];     /* caller-saved registers live across the access */
    unsigned nsaved;
    bool store_pc;        /* the instruction's start is stored only here */
    uint32_t pc;
    uint8_t size;
    bool sign, is_store;
} SlowPath;

typedef struct Emit {
    X64Buf b;
    const InterpCode *code;
    const BaselineRequest *req;
    bool softmmu;
    bool segment;          /* user mode's guest accesses are gs-relative (BaselineRequest.segment) */
    unsigned nsites;       /* linkable exits emitted */
    size_t site_at[BASELINE_MAX_SITES];     /* their rel32 offsets in b */
    size_t site_requested[BASELINE_MAX_SITES]; /* their jcc on an exit request (SIZE_MAX: none) */
    size_t site_alias[BASELINE_MAX_SITES];  /* a branch's rel32 that reaches nothing but the site (SIZE_MAX: none) */
    uint32_t site_pc[BASELINE_MAX_SITES], site_mode[BASELINE_MAX_SITES];
    uint8_t site_kind[BASELINE_MAX_SITES];
    bool *is_const;
    bool *is64;        /* per temp: a 64-bit value (else 32-bit, zero-extended) */
    uint64_t *konst;
    BaselineAlloc alloc;
    size_t index;      /* of the op being emitted */
    int32_t rsp_bias;  /* bytes pushed below the frame (around calls) */
    int reg_owner[16]; /* the temp last put in each register, or -1 */
    Fixup *fixups;
    size_t nfixups;
    Baseline *bl;
    size_t arena_start; /* the block's offset in the arena */
    SlowPath *slow;     /* one per softmmu access at most */
    size_t nslow;
    bool start_pending; /* an INSN_START not yet stored (on some path to here) */
    bool start_seen;    /* start_imm holds the latest INSN_START */
    bool mode_stored;   /* insn_mode holds stored_mode on every path to here */
    IrTemp flags_of;    /* the temp the host's SF and ZF describe, if any */
    IrTemp flags_in;    /* flags_of as the current op starts */
    IrTemp carry_of;    /* the ADDC temp the host's CF holds (its complement
                           if carry_inverted: after a host sub or sbb) */
    IrTemp carry_in;    /* carry_of as the current op starts */
    bool carry_inverted;
    const uint32_t *keep_until; /* baseline_optimize's */
    BaselineRecovery *deferred; /* the deferred stores not yet overwritten */
    unsigned ndeferred;
    bool *done_early;   /* per op: emitted with an earlier op (a STS32 whose
                         * value a setcc wrote, a branch on a compare) */
    X64Cond *branch_cc; /* per such branch: when it jumps */
    bool *cmc_first;    /* per such branch: complement CF before the jcc */
    uint32_t stored_mode;
    uint64_t start_imm;
    /* The pinned words live in the state here: the block spilled with
     * their registers taken, so it stores them as it starts, uses their
     * registers (except the first) and loads them back as it leaves. */
    bool unpinned;
} Emit;

#define RAX X64_RAX
#define RCX X64_RCX
#define RDX X64_RDX
#define RBX X64_RBX
/* rbx points STATE_BIAS bytes into the guest state, so that the words
 * blocks touch most (insn_pc through the first d registers: the core
 * registers, the flags, the exit request) are a signed byte's
 * displacement away: each access is 3 bytes shorter than with a 32-bit
 * one.  ST(off) is state offset off as a displacement from rbx. */
#define STATE_BIAS 0xb0
#define ST(off) ((int32_t)(off) - STATE_BIAS)
#define RSP X64_RSP
#define RSI X64_RSI
#define RDI X64_RDI
#define R14 X64_R14

/* No entry matches: no guest pc is odd in its key. */
#define LOOKUP_EMPTY 1u
#define LOOKUP_BYTES (BASELINE_LOOKUP_SIZE * sizeof(JitLookupEntry))

/* Slots remembered for clear_lookup; a table with more filled is
 * cleared whole (a program that fills that many seldom unlinks). */
#define BASELINE_LOOKUP_LOG (BASELINE_LOOKUP_SIZE / 8)

/* Every unlink round clears the table: the slots filled since the last
 * clear, not the whole 512 KiB (jitgen, which invalidates code all the
 * time, took 1.5x as long clearing it whole). */
static void clear_lookup(Baseline *bl)
{
    if (bl->nfilled > BASELINE_LOOKUP_LOG) {
        for (unsigned i = 0; i < BASELINE_LOOKUP_SIZE; i++)
            bl->lookup[i] = (JitLookupEntry){.pc = LOOKUP_EMPTY};
    } else {
        for (uint32_t k = 0; k < bl->nfilled; k++)
            bl->lookup[bl->filled[k]] = (JitLookupEntry){.pc = LOOKUP_EMPTY};
    }
    bl->nfilled = 0;
}

/* Async-signal-safe: only keys change.  A fill that the signal interrupts
 * is dropped again by the dispatcher, which tests the request after it. */
void baseline_drop_lookups(Baseline *bl)
{
    volatile JitLookupEntry *table = bl->lookup;
    uint32_t n = bl->nfilled;
    if (n > BASELINE_LOOKUP_LOG) {
        for (unsigned i = 0; i < BASELINE_LOOKUP_SIZE; i++)
            table[i].pc = LOOKUP_EMPTY;
    } else {
        for (uint32_t k = 0; k < n; k++)
            table[bl->filled[k]].pc = LOOKUP_EMPTY;
    }
}

void baseline_lookup_fill(Baseline *bl, uint32_t pc, uint32_t mode, bool user, const BaselineCode *to)
{
    if (!bl || !baseline_current(bl, to) || (user && mode > 1))
        return;
    uint32_t slot = baseline_lookup_index(pc);
    if (bl->lookup[slot].pc == LOOKUP_EMPTY) {
        if (bl->nfilled < BASELINE_LOOKUP_LOG)
            bl->filled[bl->nfilled] = slot;
        if (bl->nfilled <= BASELINE_LOOKUP_LOG)
            bl->nfilled++;
    }
    if (user) /* the key is pc | mode; a pc in page 0 never runs, so it is not LOOKUP_EMPTY */
        bl->lookup[slot] = (JitLookupEntry){.pc = pc | mode, .fn = to->body};
    else
        bl->lookup[slot] = (JitLookupEntry){.pc = pc, .mode = mode, .fn = to->body};
}

/* The lookup table goes in the low 2 GiB where the host allows it, so
 * that the code of indirect exits can index it at an absolute address
 * (table_is_low). */
static JitLookupEntry *alloc_lookup_table(void)
{
    void *p = mmap(NULL, LOOKUP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (p == MAP_FAILED)
        p = mmap(NULL, LOOKUP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        abort();
    return p;
}

Baseline *baseline_new(size_t arena_size)
{
    Baseline *bl = calloc(1, sizeof *bl);
    if (!bl)
        return NULL;
    if (!(bl->arena = code_arena_new(arena_size ? arena_size : BASELINE_DEFAULT_ARENA))) {
        free(bl);
        return NULL;
    }
    bl->generation = code_arena_generation(bl->arena);
    bl->lookup = alloc_lookup_table();
    if (!(bl->filled = malloc(BASELINE_LOOKUP_LOG * sizeof *bl->filled)))
        abort();
    bl->nfilled = BASELINE_LOOKUP_LOG + 1; /* a fresh mapping: all of it */
    clear_lookup(bl);
    return bl;
}

void baseline_free(Baseline *bl)
{
    if (bl) {
        code_arena_free(bl->arena);
        free(bl->links);
        munmap(bl->lookup, LOOKUP_BYTES);
        free(bl->filled);
        free(bl->fault_sites);
        free(bl->recoveries);
        scratch_free(&bl->scratch);
        free(bl);
    }
}

/* The arena started over: every link went with the code. */
static void sync_generation(Baseline *bl)
{
    uint32_t g = code_arena_generation(bl->arena);
    if (g != bl->generation) {
        bl->generation = g;
        bl->nlinks = 0;
        bl->nfault_sites = 0;
        bl->nrecoveries = 0;
        clear_lookup(bl);
    }
}

void baseline_fork_child(Baseline **bl)
{
    if (!*bl)
        return;
    if (!code_arena_fork_child((*bl)->arena)) {
        baseline_free(*bl); /* no memory of its own: the child interprets */
        *bl = NULL;
        return;
    }
    sync_generation(*bl);
}

bool baseline_parse_mode(const char *s, BaselineMode *mode)
{
    static const char *const names[] = {[BASELINE_ON] = "on", [BASELINE_OFF] = "off", [BASELINE_CHECK] = "check"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i])) {
            *mode = (BaselineMode)i;
            return true;
        }
    return false;
}

BaselineStats baseline_stats(const Baseline *bl)
{
    BaselineStats s = bl->stats;
    s.resets = code_arena_resets(bl->arena);
    return s;
}

static int32_t slot(const Emit *e, IrTemp t)
{
    return (int32_t)t * 8 + e->rsp_bias;
}

/* Temp t's register (none for a constant, even one folded after allocation). */
static int reg_of(const Emit *e, IrTemp t)
{
    return e->is_const[t] ? BASELINE_NO_REG : e->alloc.reg[t];
}

static bool constant(const Emit *e, IrTemp t, uint64_t v)
{
    return e->is_const[t] && e->konst[t] == v;
}

/* Is state offset off one of the request's 0-or-1 words? */
static bool is_bool_word(const Emit *e, uint64_t off)
{
    uint64_t first = e->req->bool_words_off;
    return off >= first && off - first < 4ull * e->req->nbool_words && (off - first) % 4 == 0;
}

/* Is op j a STS32 of t into a 0-or-1 word, and t's last reader? */
static bool sole_bool_store(const Emit *e, size_t j, IrTemp t)
{
    const IrInsn *in = &e->code->insns[j];
    return in->op == IR_STS32 && !(in->aux & BASELINE_STS_DEFERRED) && in->a == t && e->alloc.last_use[t] == j &&
           is_bool_word(e, in->imm);
}

static bool is_bool_word(const Emit *e, uint64_t off);

/* The state word a temp without a register is read from instead of its
 * stack slot (BaselineAlloc.state_home), or BASELINE_NO_HOME.  Not a
 * 0-or-1 word: the setcc that last wrote it stored a byte, which a wider
 * load would wait for. */
static uint32_t home_of(const Emit *e, IrTemp t)
{
    uint32_t home = e->alloc.state_home[t];
    return home != BASELINE_NO_HOME && !e->is_const[t] && e->alloc.reg[t] == BASELINE_NO_REG && !is_bool_word(e, home)
               ? home
               : BASELINE_NO_HOME;
}

/* reg <- temp t (width 4: its low 32 bits, zero-extended; width 8: all). */
static void get(Emit *e, X64Reg reg, IrTemp t, unsigned width)
{
    if (reg_of(e, t) == (int)reg && (width == 8 || !e->is64[t]))
        return; /* there already */
    if (e->is_const[t])
        x64_mov_imm(&e->b, reg, width == 4 ? (uint32_t)e->konst[t] : e->konst[t]);
    else if (reg_of(e, t) != BASELINE_NO_REG)
        x64_mov_rr(&e->b, width, reg, (X64Reg)reg_of(e, t));
    else if (home_of(e, t) != BASELINE_NO_HOME)
        x64_load(&e->b, 4, reg, RBX, ST(home_of(e, t))); /* a 32-bit word, zero-extended */
    else
        x64_load(&e->b, width, reg, RSP, slot(e, t));
}

/* temp t <- reg (all 64 bits); nothing for a temp nobody reads. */
static void put(Emit *e, IrTemp t, X64Reg reg)
{
    if (e->alloc.last_use[t] <= e->alloc.def[t] || reg_of(e, t) == (int)reg || home_of(e, t) != BASELINE_NO_HOME)
        return;
    if (reg_of(e, t) != BASELINE_NO_REG)
        x64_mov_rr(&e->b, 8, (X64Reg)reg_of(e, t), reg);
    else
        x64_store(&e->b, 8, RSP, slot(e, t), reg);
}

/* Where an op computes its result: the result's own register, unless an
 * operand that is read after the result is first written lives there. */
static X64Reg target(const Emit *e, IrTemp dst, IrTemp read_late)
{
    int r = reg_of(e, dst);
    if (r == BASELINE_NO_REG || (read_late != IR_NO_TEMP && !e->is_const[read_late] && reg_of(e, read_late) == r))
        return RAX;
    return (X64Reg)r;
}

/* The caller-saved registers holding temps that the current op must keep
 * across a call; returns how many, in saved[]. */
static unsigned live_caller_saved(const Emit *e, X64Reg saved[16])
{
    static const X64Reg candidates[] = {X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10, X64_R11};
    unsigned n = 0;
    for (size_t k = 0; k < sizeof candidates / sizeof *candidates; k++) {
        int owner = e->reg_owner[candidates[k]];
        if (owner >= 0 && baseline_live_across(&e->alloc, (unsigned)owner, (uint32_t)e->index))
            saved[n++] = candidates[k];
    }
    return n;
}

/* Push the live caller-saved registers (keeping rsp 16-byte aligned);
 * slots are addressed through the bias until restore_live. */
static void push_saved(Emit *e, const X64Reg saved[16], unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        x64_push(&e->b, saved[k]);
    if (n & 1)
        x64_alu_imm(&e->b, 8, X64_SUB, RSP, 8);
    e->rsp_bias = (int32_t)((n + (n & 1)) * 8);
}

static unsigned save_live(Emit *e, X64Reg saved[16])
{
    unsigned n = live_caller_saved(e, saved);
    push_saved(e, saved, n);
    return n;
}

static void restore_live(Emit *e, const X64Reg saved[16], unsigned n)
{
    if (n & 1)
        x64_alu_imm(&e->b, 8, X64_ADD, RSP, 8);
    for (unsigned k = n; k-- > 0;)
        x64_pop(&e->b, saved[k]);
    e->rsp_bias = 0;
}

/* The index of state word off among the pinned ones, or -1. */
static int pinned_index(const Emit *e, uint64_t off)
{
    return baseline_pinned_index(e->bl->pinned_off, e->unpinned ? 0 : e->bl->npinned, off);
}

/* Does the 64-bit state word at off hold a pinned one?  (The translator
 * makes none, but the IR allows it: the access then goes through the
 * state, written back before and reloaded after.) */
static bool pinned_within(const Emit *e, uint64_t off)
{
    return pinned_index(e, off) >= 0 || pinned_index(e, off + 4) >= 0;
}

/* Jumps (direct or computed) go on at the next pc: nothing reads the
 * instruction's own pc after them, unlike a syscall, an undefined
 * instruction, a yield or a wait. */
static bool exits_by_jump(uint8_t kind)
{
    return kind == IR_EXIT_JUMP || kind == IR_EXIT_INDIRECT;
}

/* Store a pending INSN_START: before anything that can fault, call out or
 * leave the block other than by a jump, the state names the current
 * instruction.  Branches inside the block do not store it: a label sets
 * it pending again (its paths may disagree), which costs a second store
 * only where something after the label needs it. */
static void flush_start(Emit *e)
{
    if (!e->start_pending)
        return;
    uint32_t pc = (uint32_t)e->start_imm, mode = (uint32_t)(e->start_imm >> 32);
    x64_store_imm(&e->b, 4, RBX, ST(offsetof(CpuCommon, insn_pc)), pc);
    if (!e->mode_stored || e->stored_mode != mode)
        x64_store_imm(&e->b, 4, RBX, ST(offsetof(CpuCommon, insn_mode)), mode);
    e->mode_stored = true;
    e->stored_mode = mode;
    e->start_pending = false;
}

/* Callee-saved registers the blocks use, pushed in this order. */
static const X64Reg saved_regs[] = {X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15, X64_RBP};
#define NSAVED (sizeof saved_regs / sizeof saved_regs[0])
/* Entry rsp is 8 mod 16; the pushes and the frame leave it 16-byte aligned
 * for calls. */
#define FRAME_ALLOC (FRAME_SIZE + ((NSAVED & 1) ? 0 : 8))

/* The pinned state words to their host registers, and back. */
static void load_pinned(X64Buf *b, const Baseline *bl)
{
    for (unsigned k = 0; k < bl->npinned; k++)
        x64_load(b, 4, baseline_pinned_reg(k), RBX, ST((int32_t)bl->pinned_off[k]));
}

static void store_pinned(X64Buf *b, const Baseline *bl)
{
    for (unsigned k = 0; k < bl->npinned; k++)
        x64_store(b, 4, RBX, ST((int32_t)bl->pinned_off[k]), baseline_pinned_reg(k));
}

/* The shared stubs: enter(state, body) saves the callee-saved registers,
 * makes the frame, loads the fixed and the pinned registers and jumps to
 * the body; blocks leave through the exit stub with the exit kind in eax
 * and the next pc in CpuCommon.baseline_next_pc, and the stub writes the
 * pinned words back.  Returns the exit stub's offset. */
static size_t emit_stubs(X64Buf *b, const Baseline *bl)
{
    for (size_t k = 0; k < NSAVED; k++)
        x64_push(b, saved_regs[k]);
    x64_alu_imm(b, 8, X64_SUB, RSP, FRAME_ALLOC);
    x64_lea(b, 8, RBX, RDI, RSP, 1, STATE_BIAS);
    x64_load(b, 8, R14, RBX, ST(offsetof(CpuCommon, mem_base))); /* user mode's; a temp in system mode */
    load_pinned(b, bl);
    x64_jmp_reg(b, RSI);
    size_t leave = b->len;
    store_pinned(b, bl);
    x64_alu_imm(b, 8, X64_ADD, RSP, FRAME_ALLOC);
    for (size_t k = NSAVED; k-- > 0;)
        x64_pop(b, saved_regs[k]);
    x64_ret(b);
    return leave;
}

/* Give the arena's current generation its stubs (code_arena_reserve may
 * have just started one).  False if they do not fit. */
static bool ensure_stubs(Baseline *bl)
{
    if (bl->enter && bl->stubs_gen == bl->generation)
        return true;
    bl->pins_fixed = true; /* the stubs now have them */
    size_t cap;
    uint8_t *w = code_arena_reserve(bl->arena, 64, &cap);
    sync_generation(bl);
    size_t start = code_arena_used(bl->arena);
    X64Buf b = {.p = w, .cap = cap};
    size_t leave = emit_stubs(&b, bl);
    if (b.overflow)
        return false;
    bl->enter = (BaselineEnter)code_arena_commit(bl->arena, b.len);
    bl->leave_off = (uint32_t)(start + leave);
    bl->stubs_size = (uint32_t)b.len;
    bl->stubs_gen = bl->generation;
    return true;
}

/* Leave for the dispatcher through the shared exit stub.  It sits below
 * the block's start, so its buffer offset wraps; so does the rel32. */
static void jump_to_leave(Emit *e)
{
    x64_patch_to(&e->b, x64_jmp_fwd(&e->b), (size_t)e->bl->leave_off - e->arena_start);
}

static void exit_with(Emit *e, X64Reg next_pc, uint32_t imm_pc, bool use_imm, unsigned kind)
{
    if (use_imm)
        x64_store_imm(&e->b, 4, RBX, ST(offsetof(CpuCommon, baseline_next_pc)), imm_pc);
    else
        x64_store(&e->b, 4, RBX, ST(offsetof(CpuCommon, baseline_next_pc)), next_pc);
    x64_mov_imm(&e->b, RAX, kind);
    if (e->unpinned)
        load_pinned(&e->b, e->bl);
    jump_to_leave(e);
}

/* [rbx + off] += v (64-bit counters in CpuCommon). */
static void add_counter(Emit *e, size_t off, uint32_t v)
{
    x64_load(&e->b, 8, RAX, RBX, ST((int32_t)off));
    x64_alu_imm(&e->b, 8, X64_ADD, RAX, v);
    x64_store(&e->b, 8, RBX, ST((int32_t)off), RAX);
}

/* Must a linked exit look at CpuCommon.exit_request first?  A run of
 * chained blocks that never leaves them has to jump backwards sooner or
 * later (a chain of jumps to ever higher pcs ends) or through an indirect
 * exit, which misses its lookup once an exit is requested
 * (baseline_drop_lookups), so in user mode forward jumps skip the test and
 * a request (a signal, code invalidated by another thread) is seen at the
 * next backward one or the next indirect exit.  System mode tests every
 * exit: an interrupt's latency counts there. */
static bool exit_tests_request(const Emit *e, const IrInsn *in)
{
    return e->softmmu || ir_exit_pc(in) <= e->req->pc;
}

/* Does control never fall through op? */
static bool ends_flow(uint8_t op)
{
    return op == IR_EXIT || op == IR_EXIT_IND || op == IR_BR;
}

/* The rel32 of the one branch to the label that the current op follows,
 * when nothing else reaches it (the op before the label is an exit or an
 * unconditional branch): linking the exit may patch that branch too, so
 * that it jumps to the successor itself, not to the exit's jmp.  SIZE_MAX
 * if not. */
static size_t sole_branch_here(const Emit *e)
{
    size_t i = e->index;
    const IrInsn *insns = e->code->insns;
    if (i < 2 || insns[i - 1].op != IR_LABEL || !ends_flow(insns[i - 2].op))
        return SIZE_MAX;
    size_t found = SIZE_MAX;
    for (size_t k = 0; k < e->nfixups; k++) {
        if (e->fixups[k].target != i - 1) /* branches name their label's op */
            continue;
        if (found != SIZE_MAX)
            return SIZE_MAX;
        found = e->fixups[k].rel32_at;
    }
    return found;
}

/* A direct exit that the dispatcher can link to its successor: unless an
 * exit is requested, jump through a rel32 that starts out pointing at the
 * exit's stub, which returns with CpuCommon.baseline_exit naming this exit.
 * The stubs go after the body (emit_exit_stub), out of the way of the code
 * that runs. */
static void linkable_exit(Emit *e, const IrInsn *in)
{
    X64Buf *b = &e->b;
    if (e->unpinned)
        load_pinned(b, e->bl);
    unsigned index = e->nsites++;
    e->site_requested[index] = SIZE_MAX;
    /* a branch linked with the exit would skip flush_deferred's stores
     * and the count */
    e->site_alias[index] = e->unpinned || e->ndeferred || e->req->exit_runs ? SIZE_MAX : sole_branch_here(e);
    if (e->req->exit_runs) {
        x64_mov_imm(b, RAX, (uint64_t)(uintptr_t)&e->req->exit_runs[index]);
        x64_alu_mem_imm8(b, 4, X64_ADD, RAX, 0, 1);
    }
    if (exit_tests_request(e, in)) {
        x64_alu_mem_imm8(b, 4, X64_CMP, RBX, ST(offsetof(CpuCommon, exit_request)), 0);
        e->site_requested[index] = x64_jcc_fwd(b, X64_CC_NE);
        e->site_alias[index] = SIZE_MAX; /* the branch must come through the test */
    }
    e->site_at[index] = x64_jmp_fwd(b);
    e->site_pc[index] = ir_exit_pc(in);
    e->site_mode[index] = ir_exit_mode(in);
    e->site_kind[index] = in->aux;
}

static void emit_exit_stub(Emit *e, unsigned index)
{
    X64Buf *b = &e->b;
    if (e->site_requested[index] != SIZE_MAX)
        x64_patch(b, e->site_requested[index]);
    x64_patch(b, e->site_at[index]);
    x64_mov_imm(b, RAX, e->req->tag | index);
    x64_store(b, 8, RBX, ST(offsetof(CpuCommon, baseline_exit)), RAX);
    exit_with(e, RAX, e->site_pc[index], true, e->site_kind[index]);
}

/* dst <- the TLB entry (softmmu.h) for the guest address in addr, from
 * the TLB that CpuCommon holds at tlb_off. */
static void tlb_entry_of(X64Buf *b, X64Reg dst, X64Reg addr, size_t tlb_off)
{
    x64_mov_rr(b, 4, dst, addr);
    x64_shift_imm(b, 4, X64_SHR, dst, 12 - 5); /* page number * 32 */
    x64_alu_imm(b, 4, X64_AND, dst, (TLB_SIZE - 1) << 5);
    x64_alu_rm(b, 8, X64_ADD, dst, RBX, ST((int32_t)tlb_off));
}

/* System mode: edx |= the physical page of the code at the pc in ecx, from
 * the TLB's instruction side, and the key bits that carry over from this
 * block (as jit_direct_target_mode); returns the jump taken on a TLB miss
 * (the dispatcher walks the tables). */
static size_t system_key_mode(Emit *e)
{
    X64Buf *b = &e->b;
    uint32_t carried = e->req->mode & e->req->page_local_bits & ~(uint32_t)TLB_PAGE_MASK;
    if (carried)
        x64_alu_imm(b, 4, X64_OR, RDX, carried);
    tlb_entry_of(b, RAX, RCX, offsetof(CpuCommon, tlb));
    x64_alu_imm(b, 4, X64_AND, RCX, TLB_PAGE_MASK);
    x64_alu_rm(b, 4, X64_CMP, RCX, RAX, offsetof(TlbEntry, tag_exec));
    size_t miss = x64_jcc_fwd(b, X64_CC_NE);
    x64_alu_rm(b, 4, X64_OR, RDX, RAX, offsetof(TlbEntry, phys_page));
    x64_load(b, 4, RCX, RBX, ST(offsetof(CpuCommon, baseline_next_pc)));
    return miss;
}

/* Jump to the code of the lookup table's entry for the pc in ecx if its
 * key is (ecx, edx); *miss gets the two jumps taken when it is not.
 * Nothing is live after an exit, so rsi is free to hold the table.  The
 * entry is at table + ((pc >> 1) & (size - 1)) * 16, that is
 * table + (pc & (size - 1) << 1) * 8. */
static void jump_if_looked_up(Emit *e, size_t miss[2])
{
    static_assert(sizeof(JitLookupEntry) == 16, "entries are indexed by a shift");
    X64Buf *b = &e->b;
    x64_mov_rr(b, 4, RAX, RCX);
    x64_alu_imm(b, 4, X64_AND, RAX, (BASELINE_LOOKUP_SIZE - 1) << 1);
    x64_mov_imm(b, RSI, (uint64_t)(uintptr_t)e->req->lookup);
    x64_lea(b, 8, RAX, RSI, RAX, 8, 0);
    x64_alu_rm(b, 4, X64_CMP, RCX, RAX, offsetof(JitLookupEntry, pc));
    miss[0] = x64_jcc_fwd(b, X64_CC_NE);
    x64_alu_rm(b, 4, X64_CMP, RDX, RAX, offsetof(JitLookupEntry, mode));
    miss[1] = x64_jcc_fwd(b, X64_CC_NE);
    x64_load(b, 8, RAX, RAX, offsetof(JitLookupEntry, fn));
    x64_jmp_reg(b, RAX);
}

/* An exit to the pc in ecx and the mode in edx (the exit's own, without
 * the page bits) that goes straight to the target's body when the lookup
 * table has it and no exit is requested; falls through to the ordinary
 * exit otherwise, with ecx the pc again. */
static void lookup_exit(Emit *e)
{
    X64Buf *b = &e->b;
    if (e->softmmu)
        x64_store(b, 4, RBX, ST(offsetof(CpuCommon, baseline_next_pc)), RCX); /* the pc, kept while system_key_mode borrows rcx */
    x64_alu_mem_imm8(b, 4, X64_CMP, RBX, ST(offsetof(CpuCommon, exit_request)), 0);
    size_t requested = x64_jcc_fwd(b, X64_CC_NE);
    size_t tlb_miss = e->softmmu ? system_key_mode(e) : 0;
    size_t miss[2];
    jump_if_looked_up(e, miss);
    x64_patch(b, requested);
    x64_patch(b, miss[0]);
    x64_patch(b, miss[1]);
    if (e->softmmu) {
        x64_patch(b, tlb_miss);
        x64_load(b, 4, RCX, RBX, ST(offsetof(CpuCommon, baseline_next_pc)));
    }
}

/* Can the code index the request's lookup table at an absolute address? */
static bool table_is_low(const Emit *e)
{
    return (uintptr_t)e->req->lookup + LOOKUP_BYTES <= INT32_MAX;
}

/* A register holding temp t for the exit's compares: its own if it has
 * one that stays put (an unpinned block reloads the pinned registers before
 * it leaves), else `scratch` loaded with it. */
static X64Reg exit_operand(Emit *e, IrTemp t, X64Reg scratch)
{
    if (!e->unpinned && reg_of(e, t) != BASELINE_NO_REG)
        return (X64Reg)reg_of(e, t);
    get(e, scratch, t, 4);
    return scratch;
}

/* The x of an exit whose pc is BXWritePC's x & ((x & 1) - 3), marked
 * BASELINE_BX_PART (the exit's mode is x & 1), else IR_NO_TEMP. */
static IrTemp bx_target(const Emit *e, const IrInsn *exit)
{
    IrTemp pc = exit->a;
    if (pc >= e->code->ntemps || e->is_const[pc])
        return IR_NO_TEMP;
    const IrInsn *and = &e->code->insns[e->alloc.def[pc]];
    if (and->op != IR_AND || and->dst != pc || !(and->aux & BASELINE_BX_PART))
        return IR_NO_TEMP;
    const IrInsn *first = &e->code->insns[e->alloc.def[and->a]];
    bool a_is_mask = !e->is_const[and->a] && first->op == IR_ADD && first->dst == and->a &&
                     (first->aux & BASELINE_BX_PART);
    return a_is_mask ? and->b : and->a;
}

/* dst = x & (t - 3): BXWritePC's pc of target x with Thumb bit t. */
static void bx_pc(X64Buf *b, X64Reg dst, X64Reg x, X64Reg t)
{
    x64_lea(b, 4, dst, t, RSP, 1, -3);
    x64_alu_rr(b, 4, X64_AND, dst, x);
}

/* User mode's indirect exit, to the pc in temp in->a and the mode in
 * temp in->b: the lookup table's keys are pc | mode for the modes 0 and 1
 * (ARM, Thumb; baseline_lookup_fill), so one compare and a jump through
 * the entry.  A BX target is its own key (bx_target); its pc is computed
 * only when the lookup misses.  A requested exit empties the table's keys
 * (baseline_drop_lookups) instead of being tested here. */
static void indirect_exit(Emit *e, const IrInsn *in)
{
    X64Buf *b = &e->b;
    IrTemp x = bx_target(e, in);
    X64Reg key, pc = RCX, thumb = RDX;
    size_t guard = SIZE_MAX;
    if (x != IR_NO_TEMP) {
        key = exit_operand(e, x, RCX);
        thumb = exit_operand(e, in->b, RDX);
    } else {
        pc = exit_operand(e, in->a, RCX);
        key = pc;
        if (!e->is_const[in->b]) { /* modes other than 0 and 1 are never in the table */
            X64Reg mode = exit_operand(e, in->b, RDX);
            x64_alu_imm(b, 4, X64_CMP, mode, 1);
            guard = x64_jcc_fwd(b, X64_CC_A);
            x64_lea(b, 4, RDX, pc, mode, 1, 0);
            key = RDX;
        } else if (e->konst[in->b] == 1) {
            x64_lea(b, 4, RDX, pc, RSP, 1, 1);
            key = RDX;
        }
    }
    if (e->unpinned)
        load_pinned(b, e->bl);
    if (x != IR_NO_TEMP || !e->is_const[in->b] || e->konst[in->b] <= 1) {
        int32_t table = (int32_t)(uintptr_t)e->req->lookup;
        x64_mov_rr(b, 4, RAX, key);
        x64_alu_imm(b, 4, X64_AND, RAX, (BASELINE_LOOKUP_SIZE - 1) << 1); /* index * 16 = that * 8 */
        x64_alu_rm_abs_idx(b, 4, X64_CMP, key, RAX, 8, table + (int32_t)offsetof(JitLookupEntry, pc));
        size_t miss = x64_jcc_fwd(b, X64_CC_NE);
        x64_jmp_mem_abs_idx(b, RAX, 8, table + (int32_t)offsetof(JitLookupEntry, fn));
        x64_patch(b, miss);
    }
    if (guard != SIZE_MAX)
        x64_patch(b, guard);
    if (x != IR_NO_TEMP) {
        bx_pc(b, RAX, key, thumb);
        pc = RAX;
    }
    exit_with(e, pc, 0, false, in->aux);
}

/* A direct exit to another virtual page in system mode: the target's
 * physical page is the MMU's to say on every run, so the exit is never
 * linked (jit_direct_target_mode) but goes through the lookup table, as an
 * indirect exit does. */
static bool crosses_page(const Emit *e, const IrInsn *in)
{
    return e->req->page_local_bits && ((e->req->pc ^ ir_exit_pc(in)) >> 12) != 0;
}

static bool is_linkable(const Emit *e, const IrInsn *in)
{
    return e->req->chain && e->nsites < BASELINE_MAX_SITES && in->aux == IR_EXIT_JUMP && ir_exit_mode(in) != IR_MODE_UNKNOWN &&
           !crosses_page(e, in);
}

static bool is_looked_up(const Emit *e, const IrInsn *in)
{
    return e->req->chain && e->req->lookup && in->aux == IR_EXIT_JUMP && ir_exit_mode(in) != IR_MODE_UNKNOWN &&
           crosses_page(e, in);
}

static void jump_to_label(Emit *e, size_t rel32_at, uint64_t label_index)
{
    e->fixups[e->nfixups++] = (Fixup){rel32_at, (size_t)label_index};
}

static void place_label(Emit *e, size_t index)
{
    for (size_t i = 0; i < e->nfixups; i++)
        if (e->fixups[i].target == index)
            x64_patch(&e->b, e->fixups[i].rel32_at);
}

static void emit_branch(Emit *e, const IrInsn *in, bool if_zero)
{
    if (e->is_const[in->a]) {
        if ((e->konst[in->a] == 0) == if_zero)
            jump_to_label(e, x64_jmp_fwd(&e->b), in->imm);
        return;
    }
    X64Reg v = RAX;
    if (reg_of(e, in->a) != BASELINE_NO_REG && !e->is64[in->a])
        v = (X64Reg)reg_of(e, in->a);
    else
        get(e, RAX, in->a, 4);
    x64_test_rr(&e->b, 4, v, v);
    jump_to_label(e, x64_jcc_fwd(&e->b, if_zero ? X64_CC_E : X64_CC_NE), in->imm);
}

/* t op= b (32-bit), with b as an immediate when it is a constant. */
static void alu_b(Emit *e, X64Alu op, X64Reg t, IrTemp b)
{
    if (e->is_const[b])
        x64_alu_imm(&e->b, 4, op, t, (uint32_t)e->konst[b]);
    else if (reg_of(e, b) != BASELINE_NO_REG)
        x64_alu_rr(&e->b, 4, op, t, (X64Reg)reg_of(e, b));
    else if (home_of(e, b) != BASELINE_NO_HOME)
        x64_alu_rm(&e->b, 4, op, t, RBX, ST(home_of(e, b)));
    else
        x64_alu_rm(&e->b, 4, op, t, RSP, slot(e, b));
}

static void set_const(Emit *e, IrTemp t, uint64_t v);

static bool commutes(X64Alu op)
{
    return op == X64_ADD || op == X64_AND || op == X64_OR || op == X64_XOR;
}

/* t = a + K or a + b into a register other than a's: one lea instead of a
 * mov and an add.  The host flags then describe nothing (flags_of stays
 * unset), which only a later test of t against zero would have used. */
static bool emit_add_lea(Emit *e, const IrInsn *in)
{
    IrTemp a = in->a, b = in->b;
    if (reg_of(e, a) == BASELINE_NO_REG || e->is64[a] || (e->is_const[b] && e->konst[b] == 0))
        return false;
    X64Reg t = target(e, in->dst, IR_NO_TEMP), ra = (X64Reg)reg_of(e, a);
    if (t == ra)
        return false;
    if (e->is_const[b])
        x64_lea(&e->b, 4, t, ra, RSP, 1, (int32_t)(uint32_t)e->konst[b]); /* rsp as the index: none */
    else if (reg_of(e, b) != BASELINE_NO_REG && !e->is64[b])
        x64_lea(&e->b, 4, t, ra, (X64Reg)reg_of(e, b), 1, 0);
    else
        return false;
    put(e, in->dst, t);
    return true;
}

static X64Reg operand_reg(Emit *e, IrTemp b, unsigned width, X64Reg scratch);

/* The SHL marked for the ADD `in` (baseline_opt.h), if one of its
 * operands is that; *base gets the other. */
static const IrInsn *scaled_operand(const Emit *e, const IrInsn *in, IrTemp *base)
{
    const IrTemp ops[2] = {in->a, in->b};
    for (int k = 0; k < 2; k++) {
        if (e->is_const[ops[k]])
            continue;
        const IrInsn *d = &e->code->insns[e->alloc.def[ops[k]]];
        if (d->op == IR_SHL && d->dst == ops[k] && (d->aux & BASELINE_SHL_SCALED)) {
            *base = ops[1 - k];
            return d;
        }
    }
    return NULL;
}

/* x + (u << n) as lea [x + u * 2^n]: the shift made no code. */
static bool emit_scaled_add(Emit *e, const IrInsn *in)
{
    IrTemp base;
    const IrInsn *shl = scaled_operand(e, in, &base);
    if (!shl)
        return false;
    X64Reg index = operand_reg(e, shl->a, 4, RDX), rb = operand_reg(e, base, 4, RCX);
    X64Reg t = target(e, in->dst, IR_NO_TEMP); /* lea reads both before it writes */
    x64_lea(&e->b, 4, t, rb, index, 1u << e->konst[shl->b], 0);
    put(e, in->dst, t);
    return true;
}

static void emit_alu(Emit *e, const IrInsn *in, X64Alu op)
{
    IrTemp a = in->a, b = in->b; /* not both constants: baseline_opt folded those */
    if (op == X64_ADD && (emit_scaled_add(e, in) || emit_add_lea(e, in)))
        return;
    if (commutes(op) && !e->is_const[b] && reg_of(e, b) != BASELINE_NO_REG && reg_of(e, b) == reg_of(e, in->dst))
        a = in->b, b = in->a; /* the result's register holds b already */
    X64Reg t = target(e, in->dst, b);
    get(e, t, a, 4);
    if (!(e->is_const[b] && e->konst[b] == 0 && op != X64_AND)) {
        alu_b(e, op, t, b); /* x + 0, x - 0, x | 0, x ^ 0 are x */
        e->flags_of = in->dst; /* put below moves without touching flags */
    }
    put(e, in->dst, t);
}

/* A register holding temp b (its own, or `scratch` loaded with it). */
static X64Reg operand_reg(Emit *e, IrTemp b, unsigned width, X64Reg scratch)
{
    if (reg_of(e, b) != BASELINE_NO_REG && (width == 8 || !e->is64[b]))
        return (X64Reg)reg_of(e, b);
    get(e, scratch, b, width);
    return scratch;
}

static void emit_alu64(Emit *e, const IrInsn *in, X64Alu op)
{
    X64Reg t = target(e, in->dst, in->b);
    get(e, t, in->a, 8);
    if (e->is_const[in->b] && (int64_t)e->konst[in->b] == (int32_t)e->konst[in->b])
        x64_alu_imm(&e->b, 8, op, t, (uint32_t)e->konst[in->b]); /* sign-extended, as it was */
    else
        x64_alu_rr(&e->b, 8, op, t, operand_reg(e, in->b, 8, RCX));
    put(e, in->dst, t);
}

static void emit_mul(Emit *e, const IrInsn *in, unsigned width)
{
    X64Reg t = target(e, in->dst, in->b);
    get(e, t, in->a, width);
    x64_imul_rr(&e->b, width, t, operand_reg(e, in->b, width, RCX)); /* imul r32 zero-extends */
    put(e, in->dst, t);
}

static void emit_shift(Emit *e, const IrInsn *in, unsigned width, X64Shift op)
{
    X64Reg t = target(e, in->dst, IR_NO_TEMP);
    if (e->is_const[in->b]) {
        get(e, t, in->a, width);
        x64_shift_imm(&e->b, width, op, t, (uint8_t)(e->konst[in->b] & (width * 8 - 1)));
    } else {
        get(e, RCX, in->b, 4); /* first: b may live where the result goes */
        get(e, t, in->a, width);
        x64_shift_cl(&e->b, width, op, t); /* x86 masks the count as the IR does */
    }
    put(e, in->dst, t);
}

/* 32-bit compare of a (in register a) with temp b; a is not changed. */
static void compare_b(Emit *e, X64Reg a, IrTemp b)
{
    if (e->is_const[b] && e->konst[b] == 0)
        x64_test_rr(&e->b, 4, a, a);
    else
        alu_b(e, X64_CMP, a, b);
}

/* A compare reads a 32-bit register, so an operand already in one is
 * compared where it is, into a result register cleared beforehand
 * (xor; cmp; setcc instead of mov; cmp; setcc; movzx).  target() never
 * gives the result b's register, so the xor cannot clobber an operand
 * unless a shares the result's register. */
/* Ops that emit nothing that changes the host flags: a NOT whose add
 * group subtracts its operand emits nothing at all, zero and sign
 * extensions are a movzx or movsx, an add of a scaled index a lea, and
 * user mode's guest loads and stores a mov (system mode's look at the TLB
 * with a cmp). */
static bool keeps_host_flags(const Emit *e, const IrInsn *in)
{
    switch ((IrOp)in->op) {
    case IR_MOVI:
    case IR_STS32:
    case IR_LDS32:
    case IR_INSN_START:
    case IR_ZEXT8:
    case IR_ZEXT16:
    case IR_SEXT8:
    case IR_SEXT16: return true;
    case IR_NOT: return in->aux & BASELINE_NOT_SUBTRAHEND;
    case IR_SHL: return in->aux & BASELINE_SHL_SCALED; /* the lea's index: no code */
    case IR_ADD: { /* a scaled index is a lea (emit_scaled_add), an address nothing */
        IrTemp base;
        return (in->aux & BASELINE_ADD_ADDRESS) || scaled_operand(e, in, &base) != NULL;
    }
    case IR_LD8U:
    case IR_LD8S:
    case IR_LD16U:
    case IR_LD16S:
    case IR_LD32:
    case IR_ST8:
    case IR_ST16:
    case IR_ST32: return !e->softmmu;
    default: return false;
    }
}

static bool is_bool_store_of(const Emit *e, const IrInsn *in, IrTemp t)
{
    return in->op == IR_STS32 && in->a == t && !(in->aux & BASELINE_STS_DEFERRED) && is_bool_word(e, in->imm);
}

/* lower_set_nz's shape: n = LSHR x 31; STS n; z = SETEQ x 0; STS z (or
 * either pair alone), each into a 0-or-1 word, n and z read by nothing
 * else.  Returns how many ops from i it spans, 0 if none. */
typedef struct NzGroup {
    IrTemp x;
    X64Cond cc[2];
    int32_t off[2];
    unsigned pairs;
} NzGroup;

static size_t match_nz_group(Emit *e, size_t i, NzGroup *g)
{
    const InterpCode *code = e->code;
    *g = (NzGroup){.x = IR_NO_TEMP};
    size_t j = i, end = i;
    while (g->pairs < 2 && j + 1 < code->count) {
        const IrInsn *d = &code->insns[j];
        X64Cond c;
        if (d->op == IR_MOVI) { /* the shift count or the compared zero */
            set_const(e, d->dst, (uint32_t)d->imm);
            j++;
            continue;
        }
        if (d->op == IR_LSHR && constant(e, d->b, 31))
            c = X64_CC_S;
        else if (d->op == IR_SETEQ && constant(e, d->b, 0))
            c = X64_CC_E;
        else
            break;
        if ((g->x != IR_NO_TEMP && d->a != g->x) || e->is_const[d->a] || e->is64[d->a] ||
            !sole_bool_store(e, j + 1, d->dst))
            break;
        g->x = d->a;
        g->cc[g->pairs] = c;
        g->off[g->pairs++] = (int32_t)code->insns[j + 1].imm;
        end = j += 2;
    }
    return end - i;
}

/* May the STS32 at op j be done where the host flags are set, before op
 * `from`, as a setcc?  Not if another op from `from` to `to` loads or
 * stores its word (the setcc must not move past it). */
static bool store_may_move(const Emit *e, size_t from, size_t to, size_t j)
{
    const InterpCode *code = e->code;
    for (size_t k = from; k < to; k++)
        if (k != j && (code->insns[k].op == IR_LDS32 || code->insns[k].op == IR_STS32) &&
            code->insns[k].imm == code->insns[j].imm)
            return false;
    return true;
}

/* t is a condition the host flags hold as op `from` starts.  If t's last
 * reader is a BRZ or BRNZ, its others STS32s into 0-or-1 words, and
 * nothing from `from` to the branch changes the host flags (lower_set_nz's
 * ops on nz_of emit none: the host flags describe nz_of already) or
 * touches those words, the branch can test the flags and the stores be
 * setcc's: returns the branch's index, else 0. */
static size_t flag_branch_on(Emit *e, size_t from, IrTemp t, IrTemp nz_of)
{
    const InterpCode *code = e->code;
    size_t br = e->alloc.last_use[t];
    if (br < from || br >= code->count || (code->insns[br].op != IR_BRZ && code->insns[br].op != IR_BRNZ))
        return 0;
    for (size_t j = from; j < br;) {
        const IrInsn *in = &code->insns[j];
        NzGroup g;
        size_t n = nz_of == IR_NO_TEMP ? 0 : match_nz_group(e, j, &g);
        if (n && g.x == nz_of) {
            j += n;
            continue;
        }
        if (!keeps_host_flags(e, in) || (ir_reads(in, t) && !is_bool_store_of(e, in, t)))
            return 0;
        if (is_bool_store_of(e, in, t) && !store_may_move(e, from, br, j))
            return 0;
        j++;
    }
    return br;
}

/* Branch br tests condition t, which the host flags hold as cc (1 when cc
 * holds), and the STS32s of t before it are setcc's written now. */
static void branch_on_host_flags(Emit *e, size_t from, size_t br, IrTemp t, X64Cond cc)
{
    for (size_t j = from; j < br; j++)
        if (is_bool_store_of(e, &e->code->insns[j], t)) {
            x64_setcc_mem(&e->b, cc, RBX, ST((int32_t)e->code->insns[j].imm));
            e->done_early[j] = true;
        }
    /* x86 negates a condition with its low bit */
    e->branch_cc[br] = e->code->insns[br].op == IR_BRNZ ? cc : (X64Cond)(cc ^ 1);
    e->done_early[br] = true;
}

/* n = LSHR x 31 (N) read only by flag stores and a branch: a test of x
 * (none if the host flags describe it already), setcc's, and js/jns. */
static bool emit_sign_branch(Emit *e, const IrInsn *in)
{
    if (!constant(e, in->b, 31) || e->is_const[in->a] || e->is64[in->a])
        return false;
    size_t br = flag_branch_on(e, e->index + 1, in->dst, in->a); /* Z of x may come between */
    if (!br)
        return false;
    if (e->flags_in != in->a) {
        X64Reg r = operand_reg(e, in->a, 4, RAX);
        x64_test_rr(&e->b, 4, r, r);
    }
    branch_on_host_flags(e, e->index + 1, br, in->dst, X64_CC_S);
    e->flags_of = in->a;
    return true;
}

/* n = LSHR x 31 while the host flags describe x: a sets, which leaves
 * them describing x (a signed branch after it may still use them). */
static bool emit_sign_bit(Emit *e, const IrInsn *in)
{
    if (e->flags_in != in->a || !constant(e, in->b, 31) || e->is64[in->a])
        return false;
    X64Reg t = target(e, in->dst, IR_NO_TEMP);
    x64_setcc(&e->b, X64_CC_S, t);
    put(e, in->dst, t);
    e->flags_of = in->a;
    return true;
}

static X64Cond compare_cc(uint8_t op)
{
    return op == IR_SETEQ ? X64_CC_E : op == IR_SETNE ? X64_CC_NE : op == IR_SETLTU ? X64_CC_B : X64_CC_L;
}

static void emit_set(Emit *e, const IrInsn *in, X64Cond cc)
{
    if (in->aux & BASELINE_SET_FOR_SELECT)
        return; /* emit_select compares */
    X64Reg t = target(e, in->dst, in->b);
    size_t br = e->is_const[in->a] ? 0 : flag_branch_on(e, e->index + 1, in->dst, IR_NO_TEMP);
    if (br) { /* compare, setcc into the words, branch: no 0/1 value */
        bool flags_ready = e->flags_in == in->a && constant(e, in->b, 0) && (cc == X64_CC_E || cc == X64_CC_NE);
        if (!flags_ready)
            compare_b(e, operand_reg(e, in->a, 4, RAX), in->b);
        branch_on_host_flags(e, e->index + 1, br, in->dst, cc);
        return;
    }
    if (e->flags_in == in->a && e->is_const[in->b] && e->konst[in->b] == 0 && (cc == X64_CC_E || cc == X64_CC_NE)) {
        x64_setcc(&e->b, cc, t); /* the host's ZF is a's already */
        put(e, in->dst, t);
        e->flags_of = in->a; /* and still is */
        return;
    }
    int a = reg_of(e, in->a);
    if (a != BASELINE_NO_REG && a != (int)t) {
        x64_alu_rr(&e->b, 4, X64_XOR, t, t);
        compare_b(e, (X64Reg)a, in->b);
        x64_setcc_byte(&e->b, cc, t);
    } else {
        get(e, t, in->a, 4);
        compare_b(e, t, in->b);
        x64_setcc(&e->b, cc, t);
    }
    put(e, in->dst, t);
}

static void emit_unary(Emit *e, const IrInsn *in, unsigned width, bool sign)
{
    X64Reg t = target(e, in->dst, IR_NO_TEMP);
    get(e, t, in->a, 4);
    x64_extend(&e->b, width, sign, t, t);
    put(e, in->dst, t);
}

/* The carry or the signed overflow of a + b + c (c is 0 or 1), from the
 * host's own add with carry. */
/* The host's CF as an add with carry-in cin wants it: cin itself for an
 * adc, its complement for an sbb (borrow).  From the CF an earlier add
 * left (carry_in) when it holds cin, else from cin's value. */
static void carry_into_cf(Emit *e, IrTemp cin, bool borrow)
{
    if (e->carry_in == cin) {
        if (e->carry_inverted != borrow)
            x64_cmc(&e->b);
        return;
    }
    get(e, RCX, cin, 4);
    if (borrow)
        x64_alu_imm(&e->b, 4, X64_CMP, RCX, 1); /* CF = (cin == 0) */
    else
        x64_neg(&e->b, 4, RCX); /* CF = (cin != 0) */
}

/* The u of y = NOT u when baseline_opt marked the NOT (it has no code:
 * the add subtracts u), else IR_NO_TEMP. */
static IrTemp subtrahend_of(const Emit *e, IrTemp y)
{
    if (y >= e->code->ntemps || e->is_const[y])
        return IR_NO_TEMP;
    const IrInsn *d = &e->code->insns[e->alloc.def[y]];
    return d->op == IR_NOT && d->dst == y && (d->aux & BASELINE_NOT_SUBTRAHEND) ? d->a : IR_NO_TEMP;
}

static bool carry_only_in_cf(const Emit *e, size_t from, IrTemp c);

/* ADDC or ADDV x y c outside an add group: a host add (x + NOT u + c: a
 * sub, sbb or cmp of u) and a setcc.  An ADDC leaves its carry in CF for
 * an add with carry after it (carry_of). */
static void emit_add_flag(Emit *e, const IrInsn *in, X64Cond flag)
{
    IrTemp u = subtrahend_of(e, in->b);
    bool known = e->is_const[in->c], borrow = u != IR_NO_TEMP;
    X64Reg t = target(e, in->dst, borrow ? u : in->b);
    if (!known)
        carry_into_cf(e, in->c, borrow);
    if (borrow && known) { /* x - u (cin 1): a compare does */
        alu_b(e, X64_CMP, operand_reg(e, in->a, 4, RAX), u);
    } else {
        get(e, t, in->a, 4); /* mov does not touch the flags */
        if (borrow)
            alu_b(e, X64_SBB, t, u);
        else if (known && e->konst[in->c] == 0)
            alu_b(e, X64_ADD, t, in->b);
        else {
            if (known)
                x64_stc(&e->b);
            alu_b(e, X64_ADC, t, in->b);
        }
    }
    if (borrow && flag == X64_CC_B)
        flag = X64_CC_AE; /* a sub's CF is the borrow */
    if (in->op != IR_ADDC || !carry_only_in_cf(e, e->index + 1, in->dst)) {
        x64_setcc(&e->b, flag, t);
        put(e, in->dst, t);
    }
    if (in->op == IR_ADDC) {
        e->carry_of = in->dst;
        e->carry_inverted = borrow;
    }
}

static void undefer_store(Emit *e, uint32_t off);


/* Could op `in` tell whether the state word at `off` was written before
 * it rather than after?  Loads, stores and calls could (a fault or a
 * helper sees the state), and so could branches and exits. */
static bool observes_word(const IrInsn *in, uint64_t off)
{
    switch ((IrOp)in->op) {
    case IR_LDS32:
    case IR_STS32: return in->imm == off;
    case IR_LDS64:
    case IR_STS64: return in->imm == off || in->imm + 4 == off;
    case IR_INSN_START: return false;
    case IR_CALL: return true;
    default:
        return ir_op_info[in->op].result == IR_RESULT_V || (in->op >= IR_LD8U && in->op <= IR_ST64);
    }
}

/* The op that stores flag temp f into a 0-or-1 word, if a setcc may write
 * it there already where f is computed: that store is f's only reader and
 * nothing from op `from` to it observes the word.  0 if not. */
static size_t early_store(const Emit *e, size_t from, IrTemp f)
{
    const InterpCode *code = e->code;
    size_t j = from;
    while (j < code->count && j < from + 16 && !(code->insns[j].op == IR_STS32 && code->insns[j].a == f))
        j++;
    if (j == code->count || j == from + 16 || !sole_bool_store(e, j, f))
        return 0;
    for (size_t k = from; k < j; k++)
        if (ir_reads(&code->insns[k], f) || observes_word(&code->insns[k], code->insns[j].imm))
            return 0;
    return j;
}

/* Is temp t a MOVI of v? */
static bool movi_of(const Emit *e, IrTemp t, uint32_t v)
{
    if (t >= e->code->ntemps)
        return false;
    const IrInsn *d = &e->code->insns[e->alloc.def[t]];
    return d->op == IR_MOVI && d->dst == t && (uint32_t)d->imm == v;
}

/* ARM's HI (C && !Z) as lower_cond builds it from an add group's carry c
 * and the Z flag of its sum: z = SETEQ sum 0; t1 = XOR z 1; t2 = AND c t1;
 * then a BRZ or BRNZ on t2. */
typedef struct HiBranch {
    size_t seteq, xor, and, br;
    IrTemp z;
    bool kept_c, kept_z; /* read after the branch too: computed as ever */
} HiBranch;

/* Does op `in` leave the host flags describing x when they do as it
 * starts?  Those that emit nothing or a store, and x's N and Z as a setcc
 * reads them (emit_sign_bit, emit_set). */
static bool keeps_flags_of(const Emit *e, const IrInsn *in, IrTemp x)
{
    return keeps_host_flags(e, in) || (in->op == IR_LSHR && in->a == x && constant(e, in->b, 31)) ||
           ((in->op == IR_SETEQ || in->op == IR_SETNE) && in->a == x && constant(e, in->b, 0) &&
            !(in->aux & BASELINE_SET_FOR_SELECT));
}

/* The other operand of a two-operand op that reads t once; IR_NO_TEMP if
 * it does not. */
static IrTemp other_operand(const IrInsn *in, IrTemp t)
{
    if ((in->a == t) == (in->b == t))
        return IR_NO_TEMP;
    return in->a == t ? in->b : in->a;
}

/* The first op from `from` that reads flag temp f other than to store it
 * into its 0-or-1 word (the condition a branch tests), or 0. */
static size_t flag_op_reader(const Emit *e, size_t from, IrTemp f)
{
    for (size_t j = from; j <= e->alloc.last_use[f] && j < e->code->count; j++)
        if (ir_reads(&e->code->insns[j], f) && !is_bool_store_of(e, &e->code->insns[j], f))
            return j;
    return 0;
}

/* Ops from `from` to the branch other than those keep the host flags (or
 * are lower_set_nz's on sum), and c and z are read only by them and by
 * STS32s into 0-or-1 words: then after the add, the host's CF is c and ZF
 * is z up to the branch, and a cmc makes ja (CF = 0 and ZF = 0) test HI. */
static bool match_hi_branch(Emit *e, size_t from, IrTemp c, IrTemp sum, HiBranch *h)
{
    const InterpCode *code = e->code;
    *h = (HiBranch){.and = flag_op_reader(e, from, c)};
    const IrInsn *and = &code->insns[h->and];
    IrTemp t1 = other_operand(and, c);
    if (!h->and || and->op != IR_AND || t1 >= code->ntemps)
        return false;
    h->kept_c = e->alloc.last_use[c] > h->and;
    h->xor = e->alloc.def[t1];
    const IrInsn *x = &code->insns[h->xor];
    if (e->is_const[t1] || x->op != IR_XOR || x->dst != t1 || !movi_of(e, x->b, 1) ||
        e->alloc.last_use[t1] != h->and)
        return false;
    h->z = x->a;
    if (h->z >= code->ntemps)
        return false;
    h->seteq = e->alloc.def[h->z];
    const IrInsn *zs = &code->insns[h->seteq];
    h->br = e->alloc.last_use[and->dst];
    const IrInsn *br = &code->insns[h->br];
    if (h->seteq < from || zs->op != IR_SETEQ || zs->dst != h->z || zs->a != sum || !movi_of(e, zs->b, 0) ||
        (br->op != IR_BRZ && br->op != IR_BRNZ) || br->a != and->dst || e->done_early[h->br])
        return false;
    h->kept_z = e->alloc.last_use[h->z] > h->xor;
    for (size_t j = from; j < h->br;) {
        const IrInsn *in = &code->insns[j];
        NzGroup g;
        size_t n = match_nz_group(e, j, &g);
        if (n && g.x == sum) {
            j += n;
            continue;
        }
        if (j == h->seteq || j == h->xor || j == h->and) {
            j++;
            continue;
        }
        if (!keeps_flags_of(e, in, sum) || ir_reads(in, and->dst))
            return false;
        IrTemp flag = ir_reads(in, c) ? c : ir_reads(in, h->z) ? h->z : IR_NO_TEMP;
        if ((flag == c && h->kept_c) || (flag == h->z && h->kept_z))
            flag = IR_NO_TEMP; /* its store reads its register */
        if (flag != IR_NO_TEMP && !is_bool_store_of(e, in, flag))
            return false;
        if (flag != IR_NO_TEMP && !store_may_move(e, from, h->br, j))
            return false;
        j++;
    }
    return true;
}

/* The matched HI: the flag words now, the compare ops skipped, the branch
 * on the host flags.  borrow: a host sub left CF as the complement of C,
 * so ja tests HI without a cmc. */
static void branch_on_hi(Emit *e, size_t from, IrTemp c, const HiBranch *h, bool borrow)
{
    for (size_t j = from; j < h->br; j++) {
        const IrInsn *in = &e->code->insns[j];
        if ((!h->kept_c && is_bool_store_of(e, in, c)) || (!h->kept_z && is_bool_store_of(e, in, h->z))) {
            X64Cond cc = in->a != c ? X64_CC_E : borrow ? X64_CC_AE : X64_CC_B;
            x64_setcc_mem(&e->b, cc, RBX, ST((int32_t)in->imm));
            e->done_early[j] = true;
        }
    }
    e->done_early[h->xor] = e->done_early[h->and] = true;
    e->done_early[h->seteq] = !h->kept_z;
    e->branch_cc[h->br] = e->code->insns[h->br].op == IR_BRNZ ? X64_CC_A : X64_CC_BE;
    e->cmc_first[h->br] = !borrow;
    e->done_early[h->br] = true;
}

/* ARM's signed conditions as lower_cond builds them from an add group's
 * overflow v and the N and Z of its sum:
 *   n = LSHR sum 31;  s = SETEQ n v                    GE (BRNZ s), LT (BRZ s)
 *   z = SETEQ sum 0;  t = XOR z 1;  g = AND t s        GT (BRNZ g), LE (BRZ g)
 * n, v and z read otherwise only by STS32s into 0-or-1 words.  The host's
 * SF, OF and ZF after the add are N, V and Z, so the branch is one jcc.
 * Indices of the matched ops; z's are 0 for GE and LT. */
typedef struct SignedBranch {
    size_t lshr, seteq, seteq_z, xor, and, br;
    IrTemp n, z;
    X64Cond cc;
    /* read after the branch too (the next instruction of an IT block):
     * computed as ever, by a setcc that leaves the host flags alone */
    bool kept_n, kept_v, kept_z;
} SignedBranch;

/* The op defining t if it is `op` with first operand a and a constant b
 * second, at or after `from`; 0 if not. */
static size_t def_of(const Emit *e, IrTemp t, uint8_t op, IrTemp a, uint32_t b, size_t from)
{
    if (t >= e->code->ntemps || e->is_const[t])
        return 0;
    size_t d = e->alloc.def[t];
    const IrInsn *in = &e->code->insns[d];
    return d >= from && in->op == op && in->dst == t && in->a == a && movi_of(e, in->b, b) ? d : 0;
}

/* Ops from `from` to the branch other than the matched ones keep the host
 * flags, read none of the matched temps but n, v and z, and those only as
 * STS32s, into 0-or-1 words that no other op there loads or stores unless
 * the temp is kept (its store then reads its register). */
static bool signed_branch_clear(const Emit *e, size_t from, IrTemp v, const SignedBranch *sb)
{
    const InterpCode *code = e->code;
    bool gt = sb->z != IR_NO_TEMP; /* GT or LE: z, the XOR and the AND too */
    for (size_t j = from; j < sb->br; j++) {
        const IrInsn *in = &code->insns[j];
        if (j == sb->lshr || j == sb->seteq || (gt && (j == sb->seteq_z || j == sb->xor || j == sb->and)))
            continue;
        if (!keeps_host_flags(e, in) || ir_reads(in, code->insns[sb->seteq].dst) ||
            (gt && (ir_reads(in, code->insns[sb->xor].dst) || ir_reads(in, code->insns[sb->and].dst))))
            return false;
        IrTemp flag = ir_reads(in, v)              ? v
                      : ir_reads(in, sb->n)        ? sb->n
                      : gt && ir_reads(in, sb->z) ? sb->z
                                                  : IR_NO_TEMP;
        bool kept = (flag == v && sb->kept_v) || (flag == sb->n && sb->kept_n) || (flag == sb->z && sb->kept_z);
        if (flag != IR_NO_TEMP && !kept && (!is_bool_store_of(e, in, flag) || !store_may_move(e, from, sb->br, j)))
            return false;
    }
    return true;
}

static bool match_signed_branch(Emit *e, size_t from, IrTemp v, IrTemp sum, SignedBranch *sb)
{
    const InterpCode *code = e->code;
    *sb = (SignedBranch){.z = IR_NO_TEMP, .seteq = flag_op_reader(e, from, v)}; /* the SETEQ with n */
    const IrInsn *s = &code->insns[sb->seteq];
    if (!sb->seteq || s->op != IR_SETEQ)
        return false;
    sb->n = other_operand(s, v);
    sb->lshr = def_of(e, sb->n, IR_LSHR, sum, 31, from);
    if (!sb->lshr)
        return false;
    sb->kept_n = e->alloc.last_use[sb->n] > sb->seteq;
    sb->kept_v = e->alloc.last_use[v] > sb->seteq;
    size_t user = e->alloc.last_use[s->dst];
    const IrInsn *u = &code->insns[user];
    bool greater = u->op == IR_AND;
    if (greater) {
        IrTemp t = other_operand(u, s->dst);
        sb->and = user;
        sb->xor = t == IR_NO_TEMP ? 0 : def_of(e, t, IR_XOR, code->insns[e->alloc.def[t]].a, 1, from);
        if (!sb->xor || e->alloc.last_use[t] != user)
            return false;
        sb->z = code->insns[sb->xor].a;
        sb->seteq_z = def_of(e, sb->z, IR_SETEQ, sum, 0, from);
        if (!sb->seteq_z)
            return false;
        sb->kept_z = e->alloc.last_use[sb->z] > sb->xor;
        user = e->alloc.last_use[u->dst];
        u = &code->insns[user];
    }
    sb->br = user;
    if ((u->op != IR_BRZ && u->op != IR_BRNZ) || u->a != (greater ? code->insns[sb->and].dst : s->dst) ||
        e->done_early[user])
        return false;
    sb->cc = u->op == IR_BRNZ ? (greater ? X64_CC_G : X64_CC_GE) : (greater ? X64_CC_LE : X64_CC_L);
    return signed_branch_clear(e, from, v, sb);
}

/* The matched signed branch: the N, V (and Z) words now, the compare ops
 * skipped, the branch on the host flags. */
static void branch_on_signed(Emit *e, size_t from, IrTemp v, const SignedBranch *sb)
{
    for (size_t j = from; j < sb->br; j++) {
        const IrInsn *in = &e->code->insns[j];
        X64Cond cc = !sb->kept_v && is_bool_store_of(e, in, v)        ? X64_CC_O
                     : !sb->kept_n && is_bool_store_of(e, in, sb->n) ? X64_CC_S
                     : !sb->kept_z && sb->z != IR_NO_TEMP && is_bool_store_of(e, in, sb->z) ? X64_CC_E
                                                                                           : X64_CC_NE;
        if (cc != X64_CC_NE) {
            x64_setcc_mem(&e->b, cc, RBX, ST((int32_t)in->imm));
            e->done_early[j] = true;
        }
    }
    e->done_early[sb->seteq] = true;
    e->done_early[sb->lshr] = !sb->kept_n;
    if (sb->z != IR_NO_TEMP) {
        e->done_early[sb->xor] = e->done_early[sb->and] = true;
        e->done_early[sb->seteq_z] = !sb->kept_z;
    }
    e->branch_cc[sb->br] = sb->cc;
    e->done_early[sb->br] = true;
}

/* The flag ops of an add group, if `f` is one for operands x, y, cin. */
static bool is_flag_of(const IrInsn *f, IrTemp x, IrTemp y, IrTemp cin)
{
    return (f->op == IR_ADDC || f->op == IR_ADDV) && f->a == x && f->b == y && f->c == cin;
}

/* Is the sum of an add group (ops before `from`, flags c and v, either
 * IR_NO_TEMP) read only where the host flags stand for it: N and Z groups
 * (match_nz_group), the N and Z of a signed branch, the Z of a HI branch,
 * with nothing between that changes the host flags?  Then a CMP's
 * difference need not exist: a host cmp sets the same flags. */
static bool sum_in_flags_only(Emit *e, size_t from, IrTemp sum, IrTemp c, IrTemp v)
{
    SignedBranch sb;
    HiBranch hi;
    bool by_signed = v != IR_NO_TEMP && match_signed_branch(e, from, v, sum, &sb);
    bool by_hi = c != IR_NO_TEMP && match_hi_branch(e, from, c, sum, &hi);
    for (size_t j = from; j <= e->alloc.last_use[sum] && j < e->code->count;) {
        const IrInsn *in = &e->code->insns[j];
        NzGroup g;
        size_t n = match_nz_group(e, j, &g);
        if (n && g.x == sum) {
            j += n;
            continue;
        }
        bool consumed = (by_signed && (j == sb.lshr || j == sb.seteq ||
                                       (sb.z != IR_NO_TEMP && (j == sb.seteq_z || j == sb.xor || j == sb.and)))) ||
                        (by_hi && (j == hi.seteq || j == hi.xor || j == hi.and));
        if (!consumed && !keeps_flags_of(e, in, sum))
            return false;
        if (!consumed && ir_reads(in, sum) && !(in->op == IR_LSHR || in->op == IR_SETEQ || in->op == IR_SETNE))
            return false; /* keeps_flags_of's setcc's read no register */
        j++;
    }
    return true;
}

/* Is every reader of carry c (an ADDC's result) the carry-in of one add
 * group, with nothing from op `from` to it that changes the host flags?
 * That group takes c from the CF (carry_into_cf), so c needs no value. */
static bool carry_only_in_cf(const Emit *e, size_t from, IrTemp c)
{
    const InterpCode *code = e->code;
    size_t last = e->alloc.last_use[c];
    for (size_t j = from; j <= last && j + 2 < code->count; j++) {
        const IrInsn *in = &code->insns[j], *r = in + 1;
        if (ir_reads(in, c))
            return false;
        bool group = in->op == IR_ADD && r->op == IR_ADD && r->a == in->dst && r->b == c &&
                     e->alloc.last_use[in->dst] == j + 1; /* emit_add_group's shape, c its carry-in */
        if (group) {
            size_t n = 2;
            while (n < 4 && j + n < code->count && is_flag_of(&code->insns[j + n], in->a, in->b, c))
                n++;
            return last < j + n;
        }
        if (!keeps_host_flags(e, in))
            return false;
    }
    return false;
}

/* sum += y + cin, CF set already for an unknown cin: a sub (subtract,
 * cin 1) or an sbb (borrow, CF the complement of cin) of u, or of ~K for
 * a constant y = K; else an add or adc of y. */
static void add_into(Emit *e, X64Reg sum, IrTemp y, IrTemp u, bool subtract, bool borrow, IrTemp cin)
{
    if (subtract || borrow) {
        X64Alu op = subtract ? X64_SUB : X64_SBB;
        if (u != IR_NO_TEMP)
            alu_b(e, op, sum, u);
        else
            x64_alu_imm(&e->b, 4, op, sum, ~(uint32_t)e->konst[y]);
    } else if (e->is_const[cin] && e->konst[cin] == 0) {
        alu_b(e, X64_ADD, sum, y);
    } else {
        if (e->is_const[cin])
            x64_stc(&e->b);
        alu_b(e, X64_ADC, sum, y);
    }
}

/* ARM's flag-setting add as the translator lowers it (dataproc.c):
 *   s = ADD x y;  r = ADD s cin;  [c = ADDC x y cin];  [v = ADDV x y cin]
 * where s has no other reader.  One host add with carry gives the sum and
 * both flags.  Returns how many ops it emitted: 0 if the ops at i have
 * another shape. */
static size_t emit_add_group(Emit *e, size_t i)
{
    const InterpCode *code = e->code;
    const IrInsn *s = &code->insns[i], *r = s + 1;
    if (s->op != IR_ADD || i + 2 >= code->count || r->op != IR_ADD || r->a != s->dst || r->b == s->dst ||
        e->alloc.last_use[s->dst] != i + 1)
        return 0;
    IrTemp x = s->a, y = s->b, cin = r->b;
    size_t n = 2;
    while (n < 4 && i + n < code->count && is_flag_of(&code->insns[i + n], x, y, cin))
        n++;
    X64Buf *b = &e->b;
    bool known = e->is_const[cin];
    IrTemp u = subtrahend_of(e, y);
    bool by_reg = u != IR_NO_TEMP;
    /* without flags (SBC, ADC), a group only where the NOT has no code or
     * the host's CF holds the carry */
    if (n == 2 && (known || (!by_reg && e->carry_in != cin)))
        return 0;
    /* x + ~K + 1 and x + NOT u + 1 (SUBS, CMP) are a host sub, and with
     * an unknown carry (SBCS, SBC) an sbb, whose CF is the borrow: ARM's C
     * is its complement */
    bool subtract = known && e->konst[cin] == 1 && (e->is_const[y] || by_reg);
    bool borrow = !known && (by_reg || (e->is_const[y] && e->carry_in == cin && e->carry_inverted));
    X64Cond carry = subtract || borrow ? X64_CC_AE : X64_CC_B;
    if (!known)
        carry_into_cf(e, cin, borrow);
    IrTemp flag_of[2] = {IR_NO_TEMP, IR_NO_TEMP}; /* the group's ADDC and ADDV */
    for (size_t k = 2; k < n; k++)
        flag_of[code->insns[i + k].op == IR_ADDV] = code->insns[i + k].dst;
    /* with flag ops after it, x, y and cin are read after r is defined, so
     * r's register is none of theirs; without, it may be y's (or u's) */
    X64Reg sum = target(e, r->dst, by_reg ? u : y);
    if (subtract && sum_in_flags_only(e, i + n, r->dst, flag_of[0], flag_of[1])) {
        X64Reg xr = operand_reg(e, x, 4, RAX);
        if (by_reg)
            alu_b(e, X64_CMP, xr, u);
        else
            x64_alu_imm(b, 4, X64_CMP, xr, ~(uint32_t)e->konst[y]);
    } else {
        get(e, sum, x, 4); /* mov leaves the flags alone, as do put and setcc below */
        add_into(e, sum, y, u, subtract, borrow, cin);
        put(e, r->dst, sum);
    }

    for (size_t k = 2; k < n; k++) {
        const IrInsn *f = &code->insns[i + k];
        X64Cond cc = f->op == IR_ADDC ? carry : X64_CC_O;
        size_t br = flag_branch_on(e, i + n, f->dst, r->dst);
        HiBranch hi;
        SignedBranch sb;
        if (br) {
            branch_on_host_flags(e, i + n, br, f->dst, cc);
            continue;
        }
        if (f->op == IR_ADDC && match_hi_branch(e, i + n, f->dst, r->dst, &hi)) {
            branch_on_hi(e, i + n, f->dst, &hi, subtract || borrow);
            if (!hi.kept_c)
                continue;
        }
        if (f->op == IR_ADDV && match_signed_branch(e, i + n, f->dst, r->dst, &sb)) {
            branch_on_signed(e, i + n, f->dst, &sb);
            if (!sb.kept_v)
                continue;
        }
        size_t store = early_store(e, i + n, f->dst);
        if (store) {
            x64_setcc_mem(b, cc, RBX, ST((int32_t)code->insns[store].imm));
            e->done_early[store] = true;
            continue;
        }
        if (f->op == IR_ADDC && carry_only_in_cf(e, i + n, f->dst))
            continue;
        /* x, y and cin are read: the flag's register may be one of theirs */
        X64Reg t = target(e, f->dst, IR_NO_TEMP);
        x64_setcc(b, cc, t);
        put(e, f->dst, t);
    }
    e->flags_of = r->dst;
    e->carry_of = flag_of[0];
    e->carry_inverted = subtract || borrow;
    return n;
}

/* lower_set_nz's shape (match_nz_group), emitted as a test of x (none if
 * the host flags describe x already) and a setcc into each word.  Returns
 * how many ops it emitted. */
static size_t emit_nz_group(Emit *e, size_t i)
{
    NzGroup g;
    size_t n = match_nz_group(e, i, &g);
    if (n == 0)
        return 0;
    if (e->flags_in != g.x) {
        X64Reg r = operand_reg(e, g.x, 4, RAX);
        x64_test_rr(&e->b, 4, r, r);
    } else {
        e->carry_of = e->carry_in; /* setcc's leave CF alone */
    }
    for (unsigned k = 0; k < g.pairs; k++) {
        x64_setcc_mem(&e->b, g.cc[k], RBX, ST(g.off[k]));
        undefer_store(e, (uint32_t)g.off[k]);
    }
    e->flags_of = g.x;
    return n;
}

/* ZEXT64 and LO32: 32-bit temps are kept zero-extended, so at most one
 * mov (none when the result shares the operand's register). */
static void emit_low32(Emit *e, const IrInsn *in)
{
    X64Reg t = target(e, in->dst, IR_NO_TEMP);
    get(e, t, in->a, 4);
    put(e, in->dst, t);
}

static void emit_high32(Emit *e, const IrInsn *in)
{
    X64Reg t = target(e, in->dst, IR_NO_TEMP);
    get(e, t, in->a, 8);
    x64_shift_imm(&e->b, 8, X64_SHR, t, 32);
    put(e, in->dst, t);
}

static void emit_pair64(Emit *e, const IrInsn *in)
{
    get(e, RCX, in->b, 4);
    X64Reg t = target(e, in->dst, IR_NO_TEMP);
    x64_shift_imm(&e->b, 8, X64_SHL, RCX, 32);
    get(e, t, in->a, 4);
    x64_alu_rr(&e->b, 8, X64_OR, t, RCX);
    put(e, in->dst, t);
}

/* a ? b : c; a compare marked for it (baseline_opt.h) is made here.  The
 * result goes to its own register unless an operand read after c is
 * there. */
static void emit_select(Emit *e, const IrInsn *in)
{
    const IrInsn *set = e->is_const[in->a] ? NULL : &e->code->insns[e->alloc.def[in->a]];
    if (set && !(set->aux & BASELINE_SET_FOR_SELECT))
        set = NULL;
    IrTemp late[3] = {in->b, set ? set->a : in->a, set ? set->b : IR_NO_TEMP};
    X64Reg t = RCX;
    int r = reg_of(e, in->dst);
    if (r != BASELINE_NO_REG && r != reg_of(e, late[0]) && r != reg_of(e, late[1]) &&
        (late[2] == IR_NO_TEMP || r != reg_of(e, late[2])))
        t = (X64Reg)r;
    get(e, t, in->c, 4);
    X64Reg b = operand_reg(e, in->b, 4, RDX);
    if (set) {
        compare_b(e, operand_reg(e, set->a, 4, RAX), set->b);
    } else {
        X64Reg a = operand_reg(e, in->a, 4, RAX);
        x64_test_rr(&e->b, 4, a, a);
    }
    x64_cmov(&e->b, 4, set ? compare_cc(set->op) : X64_CC_NE, t, b);
    put(e, in->dst, t);
}

/* Division by zero gives 0; INT_MIN / -1 gives INT_MIN (negation wraps). */
static void emit_div(Emit *e, const IrInsn *in, bool sign)
{
    get(e, RCX, in->b, 4);
    x64_alu_rr(&e->b, 4, X64_XOR, RAX, RAX);
    x64_test_rr(&e->b, 4, RCX, RCX);
    size_t by_zero = x64_jcc_fwd(&e->b, X64_CC_E);
    get(e, RAX, in->a, 4);
    size_t done_neg = 0;
    if (sign) {
        x64_alu_imm(&e->b, 4, X64_CMP, RCX, 0xffffffffu);
        size_t divide = x64_jcc_fwd(&e->b, X64_CC_NE);
        x64_neg(&e->b, 4, RAX);
        done_neg = x64_jmp_fwd(&e->b);
        x64_patch(&e->b, divide);
        x64_cdq(&e->b);
    } else {
        x64_alu_rr(&e->b, 4, X64_XOR, RDX, RDX);
    }
    x64_div(&e->b, sign, RCX);
    x64_patch(&e->b, by_zero);
    if (sign)
        x64_patch(&e->b, done_neg);
    put(e, in->dst, RAX);
}

static void emit_clz(Emit *e, const IrInsn *in)
{
    get(e, RAX, in->a, 4);
    x64_mov_imm(&e->b, RCX, 63);
    x64_bsr(&e->b, RAX, RAX);
    x64_cmov(&e->b, 4, X64_CC_E, RAX, RCX); /* zero input: 63 ^ 31 = 32 */
    x64_alu_imm(&e->b, 4, X64_XOR, RAX, 31);
    put(e, in->dst, RAX);
}

/* rdx <- the TLB entry for the address in eax (flags decide which TLB),
 * ecx <- the key of the access (softmmu.h); compare it with the entry's
 * tag for this access kind; returns the jump taken on a miss, with rdx the
 * entry's addend on a hit. */
static size_t tlb_lookup(Emit *e, unsigned size, unsigned flags, size_t tag_off)
{
    X64Buf *b = &e->b;
    unsigned amask = flags & TLB_AMASK;
    if (amask + 1 >= size) {
        /* an aligned access stays in its page: a misaligned one keeps low
         * bits and misses, as tlb_key's would */
        x64_mov_rr(b, 4, RCX, RAX);
        x64_alu_imm(b, 4, X64_AND, RCX, TLB_PAGE_MASK | amask);
    } else {
        x64_lea(b, 4, RCX, RAX, X64_RSP, 1, (int32_t)size - 1);
        x64_alu_imm(b, 4, X64_AND, RCX, TLB_PAGE_MASK);
        if (amask) {
            x64_mov_rr(b, 4, RDX, RAX);
            x64_alu_imm(b, 4, X64_AND, RDX, amask);
            x64_alu_rr(b, 4, X64_OR, RCX, RDX);
        }
    }
    tlb_entry_of(b, RDX, RAX, (flags & TLB_UNPRIV) ? offsetof(CpuCommon, tlb_user) : offsetof(CpuCommon, tlb));
    x64_alu_rm(b, 4, X64_CMP, RCX, RDX, (int32_t)tag_off);
    size_t miss = x64_jcc_fwd(b, X64_CC_NE);
    x64_load(b, 8, RDX, RDX, offsetof(TlbEntry, addend));
    return miss;
}

static void call_slow(Emit *e, size_t fn_off)
{
    x64_lea(&e->b, 8, RDI, RBX, RSP, 1, -STATE_BIAS); /* the state */
    x64_load(&e->b, 8, RAX, RBX, ST((int32_t)fn_off));
    x64_call_reg(&e->b, RAX);
}

/* A register holding the guest address temp a, zero-extended: its own, or
 * rax loaded with it. */
static X64Reg address(Emit *e, IrTemp a)
{
    if (reg_of(e, a) != BASELINE_NO_REG && !e->is64[a])
        return (X64Reg)reg_of(e, a);
    get(e, RAX, a, 4);
    return RAX;
}

/* A softmmu access's pending INSN_START: a TLB hit cannot fault, so the
 * start is stored on the miss path only and stays pending for the next op
 * that needs it, when insn_mode already holds its mode (else stored now). */
static void defer_start(Emit *e, SlowPath *sp)
{
    sp->store_pc = false;
    if (!e->start_pending)
        return;
    if (e->mode_stored && e->stored_mode == (uint32_t)(e->start_imm >> 32)) {
        sp->store_pc = true;
        sp->pc = (uint32_t)e->start_imm;
    } else {
        flush_start(e);
    }
}

/* Begin a softmmu access: eax <- the address, TLB lookup; returns its
 * slow path, to be completed with the join point. */
static SlowPath *softmmu_access(Emit *e, const IrInsn *in, unsigned size, bool sign, bool is_store)
{
    SlowPath *sp = &e->slow[e->nslow++];
    *sp = (SlowPath){.in = in, .size = (uint8_t)size, .sign = sign, .is_store = is_store};
    defer_start(e, sp);
    sp->nsaved = live_caller_saved(e, sp->saved);
    get(e, RAX, in->a, 4);
    sp->miss = tlb_lookup(e, size, in->aux, is_store ? offsetof(TlbEntry, tag_write) : offsetof(TlbEntry, tag_read));
    return sp;
}

/* The miss path: the address is in eax; back to the join point with a
 * load's result in rax. */
static void emit_slow_path(Emit *e, const SlowPath *sp)
{
    X64Buf *b = &e->b;
    const IrInsn *in = sp->in;
    unsigned how = sp->size | (unsigned)in->aux << TLB_ALIGN_SHIFT;
    x64_patch(b, sp->miss);
    if (sp->store_pc)
        x64_store_imm(b, 4, RBX, ST(offsetof(CpuCommon, insn_pc)), sp->pc);
    push_saved(e, sp->saved, sp->nsaved);
    if (sp->is_store) {
        get(e, RDX, in->b, sp->size == 8 ? 8 : 4);
        x64_mov_rr(b, 4, RSI, RAX);
        x64_mov_imm(b, RCX, how);
        call_slow(e, offsetof(CpuCommon, store_slow));
    } else {
        x64_mov_rr(b, 4, RSI, RAX);
        x64_mov_imm(b, RDX, how);
        call_slow(e, offsetof(CpuCommon, load_slow));
    }
    restore_live(e, sp->saved, sp->nsaved);
    if (!sp->is_store && sp->size < 4)
        x64_extend(b, sp->size, sp->sign, RAX, RAX);
    else if (!sp->is_store && sp->size == 4)
        x64_mov_rr(b, 4, RAX, RAX);
    x64_patch_to(b, x64_jmp_fwd(b), sp->join);
}

/* A deferred store of temp t to state word off (baseline_opt.h): until
 * the word is stored again, fault sites name where t is. */
static void defer_store(Emit *e, uint32_t off, IrTemp t, unsigned derive)
{
    BaselineRecovery r = {.state_off = off, .kind = BASELINE_CONSTANT,
                          .value = baseline_derive((uint32_t)e->konst[t], derive)};
    if (!e->is_const[t] && reg_of(e, t) != BASELINE_NO_REG)
        r = (BaselineRecovery){.state_off = off, .kind = BASELINE_IN_REG, .reg = (uint8_t)reg_of(e, t), .derive = derive};
    else if (!e->is_const[t])
        r = (BaselineRecovery){.state_off = off, .kind = BASELINE_IN_SLOT, .value = (uint32_t)slot(e, t), .derive = derive};
    unsigned k = 0;
    while (k < e->ndeferred && e->deferred[k].state_off != off)
        k++;
    e->deferred[k] = r;
    e->ndeferred += k == e->ndeferred;
}

/* A real store to off: the word holds its value from here on. */
static void undefer_store(Emit *e, uint32_t off)
{
    for (unsigned k = 0; k < e->ndeferred; k++)
        if (e->deferred[k].state_off == off) {
            e->deferred[k] = e->deferred[--e->ndeferred];
            return;
        }
}

/* An exit between a deferred store and the store that overwrites it (a
 * superblock's side exit, baseline_opt.h): write the words where fault
 * sites would find them.  Pinned words go through the state, so that no
 * value is read from a pinned register after it changed. */
static void flush_deferred(Emit *e)
{
    X64Buf *b = &e->b;
    unsigned pins_changed = 0; /* bit k: pinned word k */
    for (unsigned k = 0; k < e->ndeferred; k++) {
        const BaselineRecovery *r = &e->deferred[k];
        int32_t off = ST(r->state_off);
        int pin = pinned_index(e, r->state_off);
        if (pin >= 0)
            pins_changed |= 1u << pin;
        if (r->kind == BASELINE_CONSTANT) {
            x64_store_imm(b, 4, RBX, off, r->value);
            continue;
        }
        X64Reg v = RAX;
        if (r->kind == BASELINE_IN_SLOT)
            x64_load(b, 4, RAX, X64_RSP, (int32_t)r->value);
        else if (r->derive)
            x64_mov_rr(b, 4, RAX, (X64Reg)r->reg);
        else
            v = (X64Reg)r->reg;
        if (r->derive & BASELINE_STS_SIGN)
            x64_shift_imm(b, 4, X64_SHR, RAX, 31);
        if (r->derive & BASELINE_STS_ZERO) {
            x64_test_rr(b, 4, RAX, RAX);
            x64_setcc(b, X64_CC_E, RAX);
        }
        x64_store(b, 4, RBX, off, v);
    }
    for (unsigned k = 0; k < e->bl->npinned; k++)
        if (pins_changed >> k & 1)
            x64_load(b, 4, baseline_pinned_reg(k), RBX, ST(e->bl->pinned_off[k]));
}

static void *grow(void *array, size_t *cap, size_t size)
{
    *cap = *cap ? 2 * *cap : 1024;
    void *p = realloc(array, *cap * size);
    if (!p)
        abort();
    return p;
}

/* User mode: the access emitted next may fault; instead of storing the
 * instruction's start and the deferred stores before it, name them in the
 * fault-site table. */
static void fault_site(Emit *e)
{
    Baseline *bl = e->bl;
    if (bl->nfault_sites == bl->fault_sites_cap)
        bl->fault_sites = grow(bl->fault_sites, &bl->fault_sites_cap, sizeof *bl->fault_sites);
    while (bl->nrecoveries + e->ndeferred > bl->recoveries_cap)
        bl->recoveries = grow(bl->recoveries, &bl->recoveries_cap, sizeof *bl->recoveries);
    bl->fault_sites[bl->nfault_sites++] = (BaselineFaultSite){
        .off = (uint32_t)(e->arena_start + e->b.len), .pc = (uint32_t)e->start_imm, .mode = (uint32_t)(e->start_imm >> 32),
        .first_recovery = (uint32_t)bl->nrecoveries, .nrecoveries = e->ndeferred, .pins_in_regs = !e->unpinned};
    if (e->ndeferred) /* recoveries stays NULL until a site has some */
        memcpy(bl->recoveries + bl->nrecoveries, e->deferred, e->ndeferred * sizeof *e->deferred);
    bl->nrecoveries += e->ndeferred;
}

bool baseline_fault_site(const Baseline *bl, uintptr_t host_pc, const uint64_t host_regs[16], void *state,
                         uint32_t *pc, uint32_t *mode)
{
    uintptr_t base = (uintptr_t)code_arena_executable(bl->arena, 0);
    if (host_pc < base || host_pc - base >= code_arena_size(bl->arena))
        return false;
    uint32_t off = (uint32_t)(host_pc - base);
    size_t lo = 0, hi = bl->nfault_sites;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (bl->fault_sites[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == bl->nfault_sites || bl->fault_sites[lo].off != off)
        return false;
    const BaselineFaultSite *site = &bl->fault_sites[lo];
    *pc = site->pc;
    *mode = site->mode;
    for (unsigned k = 0; k < (site->pins_in_regs ? bl->npinned : 0); k++) /* before the deferred words, which may be newer */
        memcpy((char *)state + bl->pinned_off[k], &host_regs[baseline_pinned_reg(k)], 4);
    for (uint32_t k = 0; k < site->nrecoveries; k++) {
        const BaselineRecovery *r = &bl->recoveries[site->first_recovery + k];
        uint32_t v = r->value;
        if (r->kind == BASELINE_IN_REG)
            v = (uint32_t)host_regs[r->reg];
        else if (r->kind == BASELINE_IN_SLOT)
            memcpy(&v, (const char *)(uintptr_t)host_regs[X64_RSP] + r->value, sizeof v);
        if (r->kind != BASELINE_CONSTANT)
            v = baseline_derive(v, r->derive);
        memcpy((char *)state + r->state_off, &v, sizeof v);
    }
    return true;
}

/* User mode: a constant guest address below 2^31 (with its folded
 * displacement, baseline_opt.h) is a displacement from r14 by itself. */
static bool absolute_address(const Emit *e, const IrInsn *in, int32_t *disp)
{
    if (!e->is_const[in->a])
        return false;
    uint64_t a = e->konst[in->a] + (uint64_t)(int64_t)(int32_t)in->imm;
    *disp = (int32_t)a;
    return a < 0x80000000u;
}

/* User mode's guest address.  With a segment (BaselineRequest.segment):
 * gs-relative base + index * scale, the two operands of an address ADD
 * (BASELINE_ADD_ADDRESS; the index scaled by its marked SHL), else a base
 * and no index (X64_RSP).  Without: a base register to add to r14. */
typedef struct GuestAddress {
    X64Reg base, index;
    unsigned scale;
    bool segment;
} GuestAddress;

static GuestAddress guest_address(Emit *e, IrTemp a)
{
    const IrInsn *add = e->is_const[a] ? NULL : &e->code->insns[e->alloc.def[a]];
    if (!add || add->op != IR_ADD || add->dst != a || !(add->aux & BASELINE_ADD_ADDRESS))
        return (GuestAddress){.base = address(e, a), .index = X64_RSP, .scale = 1, .segment = e->segment};
    IrTemp x = add->a, u = add->b;
    unsigned scale = 1;
    const IrInsn *shl = scaled_operand(e, add, &x);
    if (shl) {
        u = shl->a;
        scale = 1u << e->konst[shl->b];
    }
    return (GuestAddress){.base = operand_reg(e, x, 4, RAX), .index = operand_reg(e, u, 4, RDX), .scale = scale,
                          .segment = true};
}

static void emit_load(Emit *e, const IrInsn *in, unsigned size, bool sign)
{
    int32_t disp;
    if (!e->softmmu && absolute_address(e, in, &disp)) {
        X64Reg t = target(e, in->dst, IR_NO_TEMP);
        fault_site(e);
        if (e->segment)
            x64_load_gs_abs(&e->b, size, sign, t, disp);
        else if (sign)
            x64_load_sx(&e->b, size, t, R14, disp);
        else
            x64_load(&e->b, size, t, R14, disp);
        put(e, in->dst, t);
        return;
    }
    if (!e->softmmu) {
        GuestAddress ga = guest_address(e, in->a);
        X64Reg t = target(e, in->dst, IR_NO_TEMP);
        fault_site(e);
        if (ga.segment)
            x64_load_gs(&e->b, size, sign, t, ga.base, ga.index, ga.scale, (int32_t)in->imm);
        else
            x64_load_idx(&e->b, size, sign, t, R14, ga.base, (int32_t)in->imm);
        put(e, in->dst, t);
        return;
    }
    SlowPath *sp = softmmu_access(e, in, size, sign, false);
    x64_load_idx(&e->b, size, sign, RAX, RDX, RAX, 0);
    sp->join = e->b.len;
    put(e, in->dst, RAX);
}

static void emit_store(Emit *e, const IrInsn *in, unsigned size)
{
    unsigned vwidth = size == 8 ? 8 : 4;
    if (!e->softmmu) {
        int32_t disp;
        bool absolute = absolute_address(e, in, &disp);
        GuestAddress ga = absolute ? (GuestAddress){0} : guest_address(e, in->a);
        X64Reg v = RCX;
        if (reg_of(e, in->b) != BASELINE_NO_REG && (vwidth == 8 || !e->is64[in->b]))
            v = (X64Reg)reg_of(e, in->b);
        else
            get(e, RCX, in->b, vwidth);
        fault_site(e);
        if (absolute && e->segment)
            x64_store_gs_abs(&e->b, size, disp, v);
        else if (absolute)
            x64_store(&e->b, size, R14, disp, v);
        else if (ga.segment)
            x64_store_gs(&e->b, size, ga.base, ga.index, ga.scale, (int32_t)in->imm, v);
        else
            x64_store_idx(&e->b, size, R14, ga.base, (int32_t)in->imm, v);
        return;
    }
    SlowPath *sp = softmmu_access(e, in, size, false, true);
    get(e, RCX, in->b, vwidth);
    x64_store_idx(&e->b, size, RDX, RAX, 0, RCX);
    sp->join = e->b.len;
}

static void emit_call(Emit *e, const IrInsn *in)
{
    flush_start(e);
    X64Reg saved[16];
    unsigned nsaved = save_live(e, saved);
    /* Arguments through the scratch registers first: a temp may live in
     * rsi or rdi, which the call's arguments overwrite. */
    get(e, RDX, in->b, 8);
    get(e, RCX, in->c, 8);
    get(e, RAX, in->a, 8);
    x64_mov_rr(&e->b, 8, RSI, RAX);
    x64_lea(&e->b, 8, RDI, RBX, RSP, 1, -STATE_BIAS); /* the state */
    x64_mov_imm(&e->b, RAX, (uint64_t)(uintptr_t)helper_info[in->imm].fn);
    if (!e->unpinned)
        store_pinned(&e->b, e->bl);
    x64_call_reg(&e->b, RAX);
    if (!e->unpinned)
        load_pinned(&e->b, e->bl);
    restore_live(e, saved, nsaved);
    put(e, in->dst, RAX);
}

static void emit_state_store(Emit *e, const IrInsn *in, unsigned width)
{
    int32_t off = (int32_t)in->imm;
    int pin = width == 4 ? pinned_index(e, in->imm) : -1;
    if (pin >= 0) {
        get(e, baseline_pinned_reg((unsigned)pin), in->a, 4);
        return;
    }
    if (e->is_const[in->a] && (width == 4 || (int64_t)e->konst[in->a] == (int32_t)e->konst[in->a])) {
        x64_store_imm(&e->b, width, RBX, ST(off), (uint32_t)e->konst[in->a]);
        return;
    }
    X64Reg v = RAX;
    if (reg_of(e, in->a) != BASELINE_NO_REG && (width == 8 || !e->is64[in->a]))
        v = (X64Reg)reg_of(e, in->a);
    else
        get(e, RAX, in->a, width);
    x64_store(&e->b, width, RBX, ST(off), v);
}


static void set_const(Emit *e, IrTemp t, uint64_t v)
{
    e->is_const[t] = true;
    e->konst[t] = v;
}

static void emit_op(Emit *e, const IrInsn *in, size_t index)
{
    X64Buf *b = &e->b;
    switch ((IrOp)in->op) {
    case IR_INSN_START: e->start_pending = e->start_seen = true; e->start_imm = in->imm; break;
    case IR_LABEL:
        place_label(e, index);
        e->start_pending = e->start_seen;
        e->mode_stored = false;
        break;
    case IR_BR: jump_to_label(e, x64_jmp_fwd(b), in->imm); break;
    case IR_BRZ:
    case IR_BRNZ:
        if (e->done_early[index]) { /* on host flags an earlier op left */
            if (e->cmc_first[index])
                x64_cmc(b);
            jump_to_label(e, x64_jcc_fwd(b, e->branch_cc[index]), in->imm);
        }
        else
            emit_branch(e, in, in->op == IR_BRZ);
        break;
    case IR_EXIT:
        flush_deferred(e);
        if (!exits_by_jump(in->aux))
            flush_start(e);
        if (is_linkable(e, in)) {
            linkable_exit(e, in);
        } else if (is_looked_up(e, in)) {
            x64_mov_imm(b, RCX, ir_exit_pc(in));
            x64_mov_imm(b, RDX, ir_exit_mode(in));
            lookup_exit(e);
            exit_with(e, RCX, 0, false, in->aux);
        } else {
            exit_with(e, RAX, ir_exit_pc(in), true, in->aux);
        }
        break;
    case IR_EXIT_IND:
        flush_deferred(e);
        if (!exits_by_jump(in->aux))
            flush_start(e);
        if (e->req->chain && e->req->lookup && in->aux == IR_EXIT_INDIRECT && !e->softmmu && table_is_low(e)) {
            indirect_exit(e, in);
            break;
        }
        if (bx_target(e, in) != IR_NO_TEMP) {
            bx_pc(b, RAX, operand_reg(e, bx_target(e, in), 4, RCX), operand_reg(e, in->b, 4, RDX));
            x64_mov_rr(b, 4, RCX, RAX);
        } else
            get(e, RCX, in->a, 4);
        if (e->req->chain && e->req->lookup && in->aux == IR_EXIT_INDIRECT) {
            get(e, RDX, in->b, 4);
            if (e->unpinned)
                load_pinned(b, e->bl);
            lookup_exit(e);
        }
        exit_with(e, RCX, 0, false, in->aux);
        break;
    case IR_LDS32: {
        X64Reg t = target(e, in->dst, IR_NO_TEMP);
        int pin = pinned_index(e, in->imm);
        if (pin >= 0) {
            if (t != baseline_pinned_reg((unsigned)pin)) /* else read in place (baseline_alloc) */
                x64_mov_rr(b, 4, t, baseline_pinned_reg((unsigned)pin));
            put(e, in->dst, t);
            break;
        }
        if (home_of(e, in->dst) != BASELINE_NO_HOME)
            break; /* read from the word where it is used */
        /* a byte load of a 0-or-1 word: its last store may be a setcc's byte,
         * which a wider load would wait for */
        x64_load(b, is_bool_word(e, in->imm) ? 1 : 4, t, RBX, ST((int32_t)in->imm));
        put(e, in->dst, t);
        break;
    }
    case IR_STS32:
        if (in->aux & BASELINE_STS_DEFERRED) {
            defer_store(e, (uint32_t)in->imm, in->a, in->aux & BASELINE_STS_DERIVE);
            break;
        }
        undefer_store(e, (uint32_t)in->imm);
        if (!e->done_early[index])
            emit_state_store(e, in, 4);
        break;
    case IR_LDS64:
        if (pinned_within(e, in->imm))
            store_pinned(b, e->bl);
        x64_load(b, 8, RAX, RBX, ST((int32_t)in->imm));
        put(e, in->dst, RAX);
        break;
    case IR_STS64:
        undefer_store(e, (uint32_t)in->imm);
        undefer_store(e, (uint32_t)in->imm + 4);
        if (pinned_within(e, in->imm))
            store_pinned(b, e->bl); /* the others' words too, as all are reloaded */
        emit_state_store(e, in, 8);
        if (pinned_within(e, in->imm))
            load_pinned(b, e->bl);
        break;
    case IR_MOVI: set_const(e, in->dst, (uint32_t)in->imm); break;
    case IR_MOVI64: set_const(e, in->dst, in->imm); break;
    case IR_ADD:
        if (!(in->aux & (BASELINE_BX_PART | BASELINE_ADD_ADDRESS))) /* else its exit or access computes it */
            emit_alu(e, in, X64_ADD);
        break;
    case IR_SUB: emit_alu(e, in, X64_SUB); break;
    case IR_MUL: emit_mul(e, in, 4); break;
    case IR_AND:
        if (!(in->aux & BASELINE_BX_PART))
            emit_alu(e, in, X64_AND);
        break;
    case IR_OR: emit_alu(e, in, X64_OR); break;
    case IR_XOR: emit_alu(e, in, X64_XOR); break;
    case IR_NOT: {
        if (in->aux & BASELINE_NOT_SUBTRAHEND)
            break; /* its add group subtracts the operand */
        X64Reg t = target(e, in->dst, IR_NO_TEMP);
        get(e, t, in->a, 4);
        x64_not(b, 4, t);
        put(e, in->dst, t);
        break;
    }
    case IR_SHL:
        if (!(in->aux & BASELINE_SHL_SCALED)) /* else the ADD reading it shifts */
            emit_shift(e, in, 4, X64_SHL);
        break;
    case IR_LSHR:
        if (!emit_sign_branch(e, in) && !emit_sign_bit(e, in))
            emit_shift(e, in, 4, X64_SHR);
        break;
    case IR_ASHR: emit_shift(e, in, 4, X64_SAR); break;
    case IR_ROR: emit_shift(e, in, 4, X64_ROR); break;
    case IR_ADDC: emit_add_flag(e, in, X64_CC_B); break;
    case IR_ADDV: emit_add_flag(e, in, X64_CC_O); break;
    case IR_SETEQ:
    case IR_SETNE:
    case IR_SETLTU:
    case IR_SETLTS: emit_set(e, in, compare_cc(in->op)); break;
    case IR_SELECT: emit_select(e, in); break;
    case IR_UDIV: emit_div(e, in, false); break;
    case IR_SDIV: emit_div(e, in, true); break;
    case IR_CLZ: emit_clz(e, in); break;
    case IR_BSWAP: get(e, RAX, in->a, 4); x64_bswap(b, RAX); put(e, in->dst, RAX); break;
    case IR_SEXT8: emit_unary(e, in, 1, true); break;
    case IR_SEXT16: emit_unary(e, in, 2, true); break;
    case IR_ZEXT8: emit_unary(e, in, 1, false); break;
    case IR_ZEXT16: emit_unary(e, in, 2, false); break;
    case IR_ZEXT64:
    case IR_LO32: emit_low32(e, in); break;
    case IR_SEXT64: emit_unary(e, in, 4, true); break;
    case IR_HI32: emit_high32(e, in); break;
    case IR_PAIR64: emit_pair64(e, in); break;
    case IR_ADD64: emit_alu64(e, in, X64_ADD); break;
    case IR_SUB64: emit_alu64(e, in, X64_SUB); break;
    case IR_MUL64: emit_mul(e, in, 8); break;
    case IR_SHL64: emit_shift(e, in, 8, X64_SHL); break;
    case IR_LSHR64: emit_shift(e, in, 8, X64_SHR); break;
    case IR_ASHR64: emit_shift(e, in, 8, X64_SAR); break;
    case IR_LD8U: emit_load(e, in, 1, false); break;
    case IR_LD8S: emit_load(e, in, 1, true); break;
    case IR_LD16U: emit_load(e, in, 2, false); break;
    case IR_LD16S: emit_load(e, in, 2, true); break;
    case IR_LD32: emit_load(e, in, 4, false); break;
    case IR_LD64: emit_load(e, in, 8, false); break;
    case IR_ST8: emit_store(e, in, 1); break;
    case IR_ST16: emit_store(e, in, 2); break;
    case IR_ST32: emit_store(e, in, 4); break;
    case IR_ST64: emit_store(e, in, 8); break;
    case IR_CALL: emit_call(e, in); break;
    case IR_OP_COUNT: abort();
    }
}

/* Count this run of the block; at the hot count return to the dispatcher
 * before doing anything, so it can send the block to the LLVM tier. */
static void count_runs(Emit *e)
{
    X64Buf *b = &e->b;
    x64_mov_imm(b, RAX, (uint64_t)(uintptr_t)e->req->runs);
    x64_load(b, 8, RCX, RAX, 0);
    x64_alu_imm(b, 8, X64_ADD, RCX, 1);
    x64_store(b, 8, RAX, 0, RCX);
    x64_alu_imm(b, 8, X64_CMP, RCX, (uint32_t)e->req->hot_runs);
    size_t cold = x64_jcc_fwd(b, X64_CC_NE);
    exit_with(e, RAX, e->req->pc, true, IR_EXIT_JUMP);
    x64_patch(b, cold);
}

static bool is_store_or_branch(uint8_t op)
{
    return op == IR_STS32 || op == IR_BRZ || op == IR_BRNZ;
}

static void emit_block(Emit *e)
{
    const InterpCode *code = e->code;
    e->is_const[code->ntemps - 1] = true; /* interp_prepare's zero temp */
    for (size_t i = 0; i < code->count; i++)
        if (ir_op_info[code->insns[i].op].result == IR_RESULT_I64)
            e->is64[code->insns[i].dst] = true;
    if (e->unpinned)
        store_pinned(&e->b, e->bl);
    if (e->req->runs)
        count_runs(e);
    if (e->req->count) {
        add_counter(e, offsetof(CpuCommon, baseline_blocks), 1);
        add_counter(e, offsetof(CpuCommon, baseline_insns), e->req->ninsns);
    }
    for (size_t i = 0; i < code->count && !e->b.overflow;) {
        e->index = i;
        e->flags_in = e->flags_of;
        e->carry_in = e->carry_of;
        if (!keeps_host_flags(e, &code->insns[i]) && !e->done_early[i])
            e->flags_of = e->carry_of = IR_NO_TEMP;
        if (e->done_early[i] && !is_store_or_branch(code->insns[i].op)) {
            i++; /* emitted with an earlier op (branch_on_hi's) */
            continue;
        }
        size_t n = emit_add_group(e, i);
        if (n == 0)
            n = emit_nz_group(e, i);
        if (n == 0) {
            emit_op(e, &code->insns[i], i);
            n = 1;
        }
        for (; n > 0; n--, i++)
            if (ir_op_info[code->insns[i].op].result != IR_RESULT_V && reg_of(e, code->insns[i].dst) != BASELINE_NO_REG)
                e->reg_owner[reg_of(e, code->insns[i].dst)] = code->insns[i].dst;
    }
    /* The block ends in an exit (ir_validate), so nothing falls into these. */
    for (size_t k = 0; k < e->nslow && !e->b.overflow; k++)
        emit_slow_path(e, &e->slow[k]);
    for (unsigned k = 0; k < e->nsites; k++)
        emit_exit_stub(e, k);
}

/* The request pins the words the Baseline pins (the first request sets
 * them). */
static bool same_pins(Baseline *bl, const BaselineRequest *req)
{
    if (!bl->pins_fixed) {
        bl->npinned = req->npinned < BASELINE_MAX_PINNED ? req->npinned : BASELINE_MAX_PINNED;
        for (unsigned k = 0; k < bl->npinned; k++)
            bl->pinned_off[k] = req->pinned_off[k];
    }
    if (req->npinned != bl->npinned)
        return false;
    for (unsigned k = 0; k < bl->npinned; k++)
        if (req->pinned_off[k] != bl->pinned_off[k])
            return false;
    return true;
}

/* Writable space for want bytes of a block in a generation that has its
 * stubs: reserving may start a new generation, at most once more. */
static uint8_t *reserve_with_stubs(Baseline *bl, size_t want, size_t *cap)
{
    for (int tries = 0; tries < 2; tries++) {
        if (!ensure_stubs(bl))
            return NULL;
        uint8_t *w = code_arena_reserve(bl->arena, want, cap);
        sync_generation(bl);
        if (bl->stubs_gen == bl->generation)
            return w;
    }
    return NULL;
}

/* How many of the block's ops are helper calls (want_calls), else LDS32s
 * and STS32s of pinned words. */
static unsigned count_ops(const Emit *e, bool want_calls)
{
    unsigned n = 0;
    for (size_t i = 0; i < e->code->count; i++) {
        const IrInsn *in = &e->code->insns[i];
        if (want_calls ? in->op == IR_CALL
                       : (in->op == IR_LDS32 || in->op == IR_STS32) && pinned_index(e, in->imm) >= 0)
            n++;
    }
    return n;
}

/* A block whose temps spill with the pinned registers taken may run
 * unpinned instead (e->unpinned): it stores the pinned words as it starts,
 * allocates their registers, and loads them again as it leaves.  The
 * choice that costs fewer memory accesses: pinned, spilling's and a store
 * and a load of each pinned word around each helper call; unpinned, that
 * store and load once, an access for each LDS32 or STS32 of a pinned
 * word, and what spilling is left. */
static void choose_pinning(Emit *e)
{
    BaselineAlloc pinned = e->alloc;
    unsigned per_word = 2 * e->bl->npinned;
    unsigned pinned_cost = pinned.spill_cost + per_word * count_ops(e, true);
    unsigned unpinned_cost = per_word + count_ops(e, false);
    baseline_alloc(e->code, e->softmmu, e->segment, e->keep_until, NULL, 0, &e->alloc, &e->bl->scratch);
    unpinned_cost += e->alloc.spill_cost;
    e->unpinned = unpinned_cost < pinned_cost;
    if (!e->unpinned)
        e->alloc = pinned;
}

void baseline_compile(Baseline *bl, const InterpCode *prepared, const BaselineRequest *req, BaselineCode *out)
{
    *out = (BaselineCode){0};
    if (prepared->ntemps > MAX_TEMPS) {
        bl->stats.declined++;
        out->declined = true;
        return;
    }
    Scratch *s = &bl->scratch;
    scratch_reset(s);
    InterpCode optimized;
    uint32_t *keep_until;
    bool segment = req->segment && !req->softmmu;
    baseline_optimize(prepared, req->softmmu, segment, &optimized, &keep_until, s);
    const InterpCode *code = &optimized;
    size_t want = 128 + code->count * MAX_BYTES_PER_OP, cap;
    uint8_t *w = same_pins(bl, req) ? reserve_with_stubs(bl, want, &cap) : NULL;
    if (!w) {
        bl->stats.declined++;
        out->declined = true;
        return;
    }
    size_t start = code_arena_used(bl->arena);
    size_t nfault_sites = bl->nfault_sites, nrecoveries = bl->nrecoveries;
    Emit e = {.b = {.p = w, .cap = cap}, .code = code, .req = req, .softmmu = req->softmmu, .segment = segment,
              .bl = bl, .arena_start = start};
    e.is_const = scratch_zalloc(s, code->ntemps, sizeof *e.is_const);
    e.is64 = scratch_zalloc(s, code->ntemps, sizeof *e.is64);
    e.konst = scratch_zalloc(s, code->ntemps, sizeof *e.konst);
    e.fixups = scratch_zalloc(s, code->count + 1, sizeof *e.fixups);
    e.done_early = scratch_zalloc(s, code->count + 1, sizeof *e.done_early);
    e.branch_cc = scratch_zalloc(s, code->count + 1, sizeof *e.branch_cc);
    e.cmc_first = scratch_zalloc(s, code->count + 1, sizeof *e.cmc_first);
    e.flags_of = e.flags_in = IR_NO_TEMP;
    e.carry_of = e.carry_in = IR_NO_TEMP;
    e.slow = req->softmmu ? scratch_zalloc(s, code->count, sizeof *e.slow) : NULL;
    e.keep_until = keep_until;
    e.deferred = scratch_alloc(s, code->count + 1, sizeof *e.deferred);
    baseline_alloc(code, req->softmmu, segment, keep_until, bl->pinned_off, bl->npinned, &e.alloc, s);
    if (e.alloc.spilled && bl->npinned)
        choose_pinning(&e);
    for (int r = 0; r < 16; r++)
        e.reg_owner[r] = -1;
    emit_block(&e);
    if (e.b.overflow) {
        bl->nfault_sites = nfault_sites; /* that code is never run */
        bl->nrecoveries = nrecoveries;
        bl->stats.declined++;
        out->declined = true;
        return;
    }
    bl->stats.compiled++;
    bl->stats.code_bytes += e.b.len;
    uint8_t *x = code_arena_commit(bl->arena, e.b.len);
    out->body = x;
    out->size = (uint32_t)e.b.len;
    out->gen = bl->generation;
    out->counts_runs = req->runs != NULL;
    for (unsigned i = 0; i < e.nsites; i++) {
        out->site[i] = (uint32_t)(start + e.site_at[i]);
        out->site_alias[i] = e.site_alias[i] == SIZE_MAX ? 0 : (uint32_t)(start + e.site_alias[i]);
        out->exit_pc[i] = e.site_pc[i];
        out->exit_mode[i] = e.site_mode[i];
    }
}

/* Patch exit site `site` to jump to executable address `to`, remembering
 * how to undo it. */
static void patch_site(Baseline *bl, uint32_t site, const uint8_t *to, const BaselineCode *target)
{
    if (bl->nlinks == bl->links_cap) {
        bl->links_cap = bl->links_cap ? 2 * bl->links_cap : 256;
        if (!(bl->links = realloc(bl->links, bl->links_cap * sizeof *bl->links)))
            abort();
    }
    uint8_t *rw = code_arena_writable(bl->arena, site);
    uint32_t old, rel = (uint32_t)(to - (code_arena_executable(bl->arena, site) + 4));
    memcpy(&old, rw, 4);
    if (old == rel)
        return; /* linked already (it came back on an exit request) */
    memcpy(rw, &rel, 4);
    bl->links[bl->nlinks++] = (BaselineLink){site, old, target};
    bl->stats.links++;
}

void baseline_link_call(Baseline *bl, const BaselineCode *from, unsigned index, void *fn, uint32_t pc)
{
    if (!baseline_current(bl, from) || !from->site[index])
        return;
    size_t cap;
    uint8_t *w = code_arena_reserve(bl->arena, 128, &cap);
    sync_generation(bl);
    if (!baseline_current(bl, from))
        return; /* the arena started over: from's code is gone */
    Emit e = {.b = {.p = w, .cap = cap}, .bl = bl, .arena_start = code_arena_used(bl->arena)};
    X64Buf *b = &e.b;
    x64_lea(b, 8, RDI, RBX, RSP, 1, -STATE_BIAS); /* the state */
    x64_alu_rr(b, 4, X64_XOR, RSI, RSI);
    x64_mov_imm(b, RDX, pc);
    x64_mov_imm(b, RAX, (uint64_t)(uintptr_t)fn);
    store_pinned(b, bl); /* the LLVM code works on the state */
    x64_call_reg(b, RAX);
    load_pinned(b, bl);  /* for the exit stub, which writes them back */
    x64_store(b, 4, RBX, ST(offsetof(CpuCommon, baseline_next_pc)), RAX); /* JitFn returns kind << 32 | next pc */
    x64_shift_imm(b, 8, X64_SHR, RAX, 32);
    jump_to_leave(&e);
    if (b->overflow)
        return;
    const uint8_t *x = code_arena_commit(bl->arena, b->len);
    patch_site(bl, from->site[index], x, NULL);
}

void baseline_link(Baseline *bl, const BaselineCode *from, unsigned index, const BaselineCode *to)
{
    if (!baseline_current(bl, from) || !baseline_current(bl, to) || !from->site[index])
        return;
    patch_site(bl, from->site[index], to->body, to);
    if (from->site_alias[index])
        patch_site(bl, from->site_alias[index], to->body, to);
}

void baseline_unlink_all(Baseline *bl)
{
    if (!bl)
        return;
    for (size_t i = bl->nlinks; i-- > 0;) /* newest first: a site linked twice gets its stub back last */
        memcpy(code_arena_writable(bl->arena, bl->links[i].site), &bl->links[i].unlinked, 4);
    bl->nlinks = 0;
    bl->stats.unlink_rounds++;
    clear_lookup(bl);
}

void baseline_retarget(Baseline *bl, const BaselineCode *code, const void *old_body, uint32_t pc)
{
    for (size_t i = 0; i < bl->nlinks; i++) {
        const BaselineLink *l = &bl->links[i];
        if (l->target != code)
            continue;
        uint32_t rel = (uint32_t)((const uint8_t *)code->body - (code_arena_executable(bl->arena, l->site) + 4));
        memcpy(code_arena_writable(bl->arena, l->site), &rel, 4);
    }
    JitLookupEntry *e = &bl->lookup[baseline_lookup_index(pc)];
    if (e->fn == old_body)
        e->fn = code->body;
}

void baseline_unlink_into(Baseline *bl, bool (*leave)(void *opaque, const BaselineCode *target), void *opaque)
{
    if (!bl)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < bl->nlinks; i++) {
        BaselineLink *l = &bl->links[i];
        if (l->target && leave(opaque, l->target))
            memcpy(code_arena_writable(bl->arena, l->site), &l->unlinked, 4);
        else
            bl->links[kept++] = *l;
    }
    bl->nlinks = kept;
    clear_lookup(bl); /* cheaper than finding the entries that lead there */
}

uint32_t baseline_arena_offset(const Baseline *bl, const BaselineCode *c)
{
    return (uint32_t)((const uint8_t *)c->body - code_arena_executable(bl->arena, 0));
}
