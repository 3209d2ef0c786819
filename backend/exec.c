/* Find-or-translate and run one block. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/host_disasm.h"
#include "backend/machine.h"
#include "backend/store_log.h"
#include "backend/superblock.h"
#include "backend/tier_check.h"
#include "backend/translation_cache.h"

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void machine_init(Machine *m, GuestFetchFn fetch, void *fetch_opaque, PageCodeHook on_code, void *hook_opaque)
{
    m->translator = translator_new();
    m->cache = block_cache_new(on_code, hook_opaque);
    m->fetch = fetch;
    m->fetch_opaque = fetch_opaque;
    m->cpu.common.machine = m;
    m->collected_epoch = block_cache_epoch(m->cache);
    m->baseline = baseline_new(m->code_arena_size); /* NULL without executable memory: the interpreter runs everything */
    m->started_ns = monotonic_ns();
    if (!m->log.out)
        m->log.out = stderr;
}

/* Block key bits that only the dispatcher can supply (system mode). */
static uint32_t page_local_bits(const Machine *m)
{
    return m->code_page ? ARM_MODEBIT_PAGE_MASK | ARM_MODEBIT_VFP_OFF : 0;
}

bool machine_enable_jit(Machine *m, JitMode mode, const char *cache_dir)
{
    if (mode == JIT_OFF)
        return true;
    m->jit_lookup = calloc(JIT_LOOKUP_SIZE, sizeof *m->jit_lookup);
    if (cache_dir && !(m->jit_cache_dir = strdup(cache_dir)))
        return false;
    bool system = m->code_page != NULL;
    /* System mode chains direct exits within a virtual page only (see
     * jit_direct_target_mode); indirect ones go back to the dispatcher. */
    JitConfig config = {.cache = m->cache, .fetch = system ? m->phys_fetch : m->fetch,
                        .fetch_opaque = system ? m->code_page_opaque : m->fetch_opaque,
                        .code_cache_dir = m->jit_cache_dir,
                        .code_cache_max = m->jit_cache_max ? m->jit_cache_max : CODE_CACHE_DEFAULT_MAX,
                        .chain = true, .count = m->jit_count, .softmmu = system, .icount = m->icount,
                        .page_local_bits = page_local_bits(m)};
    m->jit = jit_new(mode, &m->log, &config);
    if (!m->jit || !m->jit_lookup)
        return false;
    m->cpu.common.lookup = m->jit_lookup;
    m->jit_done = jit_done_counter(m->jit);
    if (!m->jit_threshold)
        m->jit_threshold = JIT_DEFAULT_THRESHOLD;
    return true;
}

void machine_enable_translation_cache(Machine *m, const char *cache_dir, bool explicit_dir, const char *program)
{
    uint8_t key[SHA256_SIZE];
    if (!cache_dir || !tcache_program_key(program, ARM_MODEL_CORTEX_A15, key))
        return;
    m->tcache_dir = code_cache_open(cache_dir, m->jit_cache_max ? m->jit_cache_max : CODE_CACHE_DEFAULT_MAX,
                                    explicit_dir ? &m->log : NULL);
    if (m->tcache_dir)
        m->tcache = tcache_open(m->tcache_dir, key, m->fetch, m->fetch_opaque);
    jit_set_program(m->jit, key);
}

void machine_save_translations(Machine *m)
{
    if (m->tcache)
        tcache_save(m->tcache);
    jit_save_recipes(m->jit);
}

void machine_invalidate_code(Machine *m, uint32_t addr, uint64_t len)
{
    if (block_cache_invalidate_range(m->cache, addr, len))
        machine_request_exit(m); /* compiled code may be running what just went away */
}

void machine_destroy(Machine *m)
{
    jit_stop(m->jit);             /* no compile in flight from here on */
    block_cache_free(m->cache);
    jit_free(m->jit);             /* frees all compiled code */
    free(m->jit_lookup);
    free(m->jit_cache_dir);
    tcache_close(m->tcache);
    code_cache_close(m->tcache_dir);
    m->tcache = NULL;
    m->tcache_dir = NULL;
    m->cpu.common.lookup = m->jit_lookup = NULL;
    m->jit_cache_dir = NULL;
    translator_free(m->translator);
    baseline_free(m->baseline);
    m->baseline = NULL;
    if (m->check_log)
        store_log_free(m->check_log);
    free(m->check_log);
    m->cache = NULL;
    m->translator = NULL;
    m->jit = NULL;
    m->check_log = NULL;
}

void machine_disasm_at(Machine *m, uint32_t pc, bool thumb, char *text, size_t len, unsigned *size)
{
    uint8_t bytes[4];
    size_t n = m->fetch(m->fetch_opaque, pc, bytes, 4);
    translator_disasm(m->translator, bytes, n, pc, thumb, text, len, size);
}

static void log_block_asm(Machine *m, const TranslateResult *r, bool thumb)
{
    uint32_t pc = r->guest_start;
    log_printf(&m->log, "IN: %s\n", thumb ? "(thumb)" : "");
    for (unsigned i = 0; i < r->ninsns && pc < r->guest_end; i++) {
        char text[80];
        unsigned size;
        machine_disasm_at(m, pc, thumb, text, sizeof text, &size);
        log_printf(&m->log, "0x%08x:  %s\n", pc, text);
        pc += size;
    }
    log_printf(&m->log, "\n");
}

/* The guest code at (pc, mode) as IR; false if it cannot be fetched. */
static bool translate_ir(Machine *m, uint32_t pc, uint32_t mode, TranslateResult *r)
{
    if (m->tcache && tcache_find(m->tcache, pc, mode, r))
        return true; /* validated there */
    if (translate_block(m->translator, m->fetch, m->fetch_opaque, pc, mode, r) != TRANSLATE_OK)
        return false;
    const char *err = ir_validate(r->ir);
    if (err) {
        fprintf(stderr, "scion: internal error: invalid IR for block at 0x%08x: %s\n", pc, err);
        ir_print(r->ir, stderr);
        abort();
    }
    if (m->tcache)
        tcache_add(m->tcache, pc, mode, r);
    return true;
}

static TransBlock *translate(Machine *m, uint32_t pc, uint32_t mode)
{
    TranslateResult r;
    if (!translate_ir(m, pc, mode, &r))
        return NULL;
    if (log_on(&m->log, LOG_IN_ASM))
        log_block_asm(m, &r, mode & ARM_MODEBIT_THUMB);
    if (log_on(&m->log, LOG_OP)) {
        log_printf(&m->log, "OP for 0x%08x:\n", pc);
        ir_print(r.ir, m->log.out);
    }
    uint32_t start = r.guest_start, end = r.guest_end;
    if (m->code_page) { /* system mode: physical bytes, for invalidation */
        start = (mode & ARM_MODEBIT_PAGE_MASK) | (r.guest_start & (GUEST_PAGE_SIZE - 1));
        end = start + (r.guest_end - r.guest_start);
    }
    TransBlock *tb = block_cache_insert(m->cache, pc, mode, start, end, r.ninsns, interp_prepare(r.ir));
    if (m->block_cost)
        tb->cost = m->block_cost(m->block_cost_opaque, pc, mode, r.ninsns);
    if (jit_mode(m->jit) >= JIT_ALWAYS) {
        uint64_t t0 = monotonic_ns();
        jit_submit(m->jit, tb);
        __atomic_fetch_add(&m->stats.stalled_ns, monotonic_ns() - t0, __ATOMIC_RELAXED); /* read by the board's ticker */
    }
    return tb;
}

static void log_cpu(Machine *m)
{
    const ArmCpu *c = &m->cpu;
    for (int i = 0; i < 16; i++)
        log_printf(&m->log, "R%02d=%08x%s", i, c->r[i], (i % 4 == 3) ? "\n" : " ");
    log_printf(&m->log, "PSR=%08x\n", arm_cpsr_read(c));
}

/* The block for (pc, mode), via the previous block's successor cache. */
static TransBlock *find_block(Machine *m, TransBlock *prev, uint32_t pc, uint32_t mode)
{
    uint32_t epoch = block_cache_epoch(m->cache);
    unsigned slot = (pc >> 1) & 1;
    if (prev && prev->succ[slot].pc == pc && prev->succ[slot].mode == mode && prev->succ[slot].epoch == epoch &&
        prev->succ[slot].tb)
        return prev->succ[slot].tb;
    TransBlock *tb = block_cache_lookup(m->cache, pc, mode);
    if (!tb && !(tb = translate(m, pc, mode)))
        return NULL;
    if (prev && block_cache_epoch(m->cache) == epoch) {
        prev->succ[slot].pc = pc;
        prev->succ[slot].mode = mode;
        prev->succ[slot].epoch = epoch;
        prev->succ[slot].tb = tb;
    }
    return tb;
}

/* A block whose baseline code is this one has LLVM code now. */
static bool has_llvm_code(void *opaque, const BaselineCode *code)
{
    (void)opaque;
    const TransBlock *tb = (const TransBlock *)((const char *)code - offsetof(TransBlock, baseline));
    return atomic_load_explicit(&tb->jit_fn, memory_order_relaxed) != NULL;
}

static bool warmed_up(const Machine *m)
{
    return jit_mode(m->jit) != JIT_BACKGROUND || monotonic_ns() - m->started_ns >= JIT_WARMUP_NS;
}

/* tb ran often enough: compile its region, or if the run is still young,
 * look again after half the threshold more runs. */
static void submit_hot(Machine *m, TransBlock *tb)
{
    if (!warmed_up(m)) {
        tb->exec_count = m->jit_threshold / 2;
        return;
    }
    if (jit_mode(m->jit) != JIT_SYNC) {
        jit_submit_region(m->jit, tb, m->jit_threshold / 2); /* installed later by jit_poll */
        return;
    }
    uint64_t t0 = monotonic_ns();
    jit_submit_region(m->jit, tb, m->jit_threshold / 2);
    __atomic_fetch_add(&m->stats.stalled_ns, monotonic_ns() - t0, __ATOMIC_RELAXED);
    if (atomic_load(&tb->jit_fn))
        baseline_unlink_into(m->baseline, has_llvm_code, NULL); /* entered through that code from now on */
}

/* Baseline blocks jump to each other only where the dispatcher has nothing
 * to do between blocks: no instruction budget (-icount), no per-block
 * logging, no checking. */
static bool baseline_chaining(const Machine *m)
{
    return m->baseline_mode == BASELINE_ON && !m->icount && !(m->log.mask & (LOG_CPU | LOG_EXEC)) &&
           jit_mode(m->jit) != JIT_CHECK;
}

/* With the baseline tier alone, nothing runs a compiled block's IR again
 * but a recompilation after the code arena starts over, so blocks keep
 * only their host code: the IR was most of the memory a cold start
 * touches (9 MB for `ls -l /`).  The LLVM tier and the checking modes
 * keep it. */
static bool keeps_ir(const Machine *m)
{
    return m->baseline_mode != BASELINE_ON || m->jit;
}

/* A block that dropped its IR needs it again (the arena started over):
 * translate its guest bytes again.  They are what they were (a write to
 * them retires the block) and the translator is deterministic, so the IR
 * is too.  False if the bytes cannot be fetched now (a fetch fault, as
 * for a block translated now). */
static bool restore_ir(Machine *m, TransBlock *tb)
{
    TranslateResult r;
    if (!translate_ir(m, tb->pc, tb->mode, &r))
        return false;
    if (r.ninsns != tb->ninsns || r.guest_end - r.guest_start != tb->guest_end - tb->guest_start) {
        fprintf(stderr, "scion: internal error: block at 0x%08x translates differently (%u instructions, was %u)\n",
                tb->pc, r.ninsns, tb->ninsns);
        abort();
    }
    tb->code = interp_prepare(r.ir);
    m->stats.ir_restores++;
    return true;
}

/* User mode's guest registers that stay in host registers in baseline
 * code: sp, which nearly every block reads or writes, and r3 and r2, which
 * carry values between short blocks most (lua 0.92x, xz -9 0.94x, bzip2 -d
 * 0.93x; session 13). */
static const uint32_t user_pinned_words[] = {offsetof(ArmCpu, r[13]), offsetof(ArmCpu, r[3]), offsetof(ArmCpu, r[2])};

/* A block runs this many times in the interpreter before it gets baseline
 * code (-baseline on): most blocks of a program's start run only a few
 * times, and compiling one costs some thirty interpreted runs.  ls -l /
 * compiles 2262 blocks instead of 5674 and takes 0.85x the time; lua5.4
 * and sqlite3 gain 1-2% (session 15; 7 and 31 did no better).  -baseline
 * check compiles every block on its first run, so that all are checked. */
#define BASELINE_COLD_RUNS 15

/* baseline_lookup_fill's user-mode keys are pc | mode for modes 0 and 1 */
static_assert(ARM_MODEBIT_THUMB == 1, "the Thumb bit is a mode of its own");

/* Superblocks (superblock.h) in user mode's baseline tier alone (the
 * LLVM tier forms regions of its own blocks), where blocks are chained or
 * checked, not logged or counted one by one. */
static bool forms_superblocks(const Machine *m, const BaselineRequest *req)
{
    bool per_block_logs = m->log.mask & (LOG_CPU | LOG_EXEC);
    return !req->softmmu && !m->jit && !m->icount && !per_block_logs &&
           (req->chain || m->baseline_mode == BASELINE_CHECK);
}

/* A block with a likely successor first gets baseline code of its own
 * that counts its runs, and after this many is compiled again joined with
 * its successors.  Most blocks of a program's start never get there:
 * joining them on their first compilation made `ls -l /` 10% slower
 * (23% more IR to compile), promotion after 256 runs 5%, after 1024 none;
 * xz -9, bzip2 -9 and lua5.4 gain as much either way. */
#define SUPERBLOCK_HOT_RUNS 1024

/* The blocks a superblock joins, found in the cache; those whose IR went
 * away (keeps_ir) get it again for the join and lose it after it. */
typedef struct JoinLookup {
    Machine *m;
    TransBlock *restored[SUPERBLOCK_MAX_BLOCKS];
    unsigned nrestored;
} JoinLookup;

static const TransBlock *block_with_ir(void *opaque, uint32_t pc, uint32_t mode)
{
    JoinLookup *j = opaque;
    TransBlock *tb = block_cache_peek(j->m->cache, pc, mode);
    if (!tb || tb->code)
        return tb;
    if (j->nrestored == SUPERBLOCK_MAX_BLOCKS || !restore_ir(j->m, tb))
        return NULL;
    j->restored[j->nrestored++] = tb;
    return tb;
}

/* -baseline check joins blocks as they are compiled, on their first run:
 * the guessed successor, translated if need be. */
static const TransBlock *block_to_check(void *opaque, uint32_t pc, uint32_t mode)
{
    JoinLookup *j = opaque;
    TransBlock *tb = block_cache_lookup(j->m->cache, pc, mode);
    return tb ? tb : translate(j->m, pc, mode);
}

/* Compile tb joined with its likely successors into *out; false if none
 * joins (or the joined code is too large), with tb's IR as it was. */
static bool compile_joined(Machine *m, TransBlock *tb, const BaselineRequest *req, BaselineCode *out)
{
    bool check = m->baseline_mode == BASELINE_CHECK;
    JoinLookup j = {.m = m};
    SuperblockLookup lookup = {.find = check ? block_to_check : block_with_ir, .opaque = &j, .guess = check};
    SuperblockSpan span;
    InterpCode *joined = superblock_form(tb, &lookup, req->count, &span);
    for (unsigned k = 0; k < j.nrestored; k++) {
        interp_free(j.restored[k]->code);
        j.restored[k]->code = NULL;
    }
    if (!joined)
        return false;
    baseline_compile(m->baseline, joined, req, out);
    if (!out->body) {
        interp_free(joined);
        return false;
    }
    interp_free(tb->code);
    tb->code = joined;
    block_cache_extend_span(m->cache, tb, span.start, span.end);
    m->stats.superblocks++;
    m->stats.superblock_blocks += span.blocks;
    return true;
}

static BaselineRequest baseline_request(const Machine *m, TransBlock *tb)
{
    JitMode jm = jit_mode(m->jit);
    /* Under -icount every run passes the dispatcher (no chaining), which
     * counts it; a hot exit would charge the block's cost twice. */
    bool tiering = (jm == JIT_BACKGROUND || jm == JIT_SYNC) && !m->icount;
    BaselineRequest req = {.softmmu = m->cpu.common.tlb != NULL, .chain = baseline_chaining(m),
                           .count = m->jit_count, .ninsns = tb->ninsns, .tag = (uintptr_t)tb, .pc = tb->pc,
                           .runs = tiering ? &tb->exec_count : NULL, .hot_runs = m->jit_threshold,
                           .lookup = m->baseline->lookup, .mode = tb->mode, .page_local_bits = page_local_bits(m),
                           .bool_words_off = offsetof(ArmCpu, nf), .nbool_words = ARM_FLAG_WORDS};
    if (!req.softmmu) {
        req.segment = m->guest_segment;
        req.pinned_off = user_pinned_words;
        req.npinned = sizeof user_pinned_words / sizeof *user_pinned_words;
    }
    return req;
}

/* tb's baseline code: joined with its successors when it is hot (or
 * checked), else its own, counting runs towards a superblock if it has a
 * likely successor. */
static void compile_block(Machine *m, TransBlock *tb, BaselineRequest *req)
{
    bool joins = forms_superblocks(m, req);
    bool hot = m->baseline_mode == BASELINE_CHECK || tb->exec_count >= SUPERBLOCK_HOT_RUNS;
    if (joins && hot && compile_joined(m, tb, req, &tb->baseline))
        return;
    tb->superblock_due = joins && !hot && superblock_likely(tb);
    if (tb->superblock_due) {
        req->runs = &tb->exec_count;
        req->hot_runs = SUPERBLOCK_HOT_RUNS;
        req->exit_runs = tb->exit_runs;
        if (!tb->exits_counted)
            memset(tb->exit_runs, 0, sizeof tb->exit_runs);
    }
    baseline_compile(m->baseline, tb->code, req, &tb->baseline);
    if (tb->superblock_due && tb->baseline.body) {
        tb->exits_counted = true;
        for (unsigned k = 0; k < BASELINE_MAX_SITES; k++)
            tb->exit_pc[k] = tb->baseline.site[k] ? tb->baseline.exit_pc[k] : 0;
    }
}

static void log_baseline_code(Machine *m, const TransBlock *tb)
{
    Baseline *bl = m->baseline;
    if (!log_on(&m->log, LOG_OUT_ASM))
        return;
    if (m->stubs_logged != bl->stubs_gen + 1) {
        m->stubs_logged = bl->stubs_gen + 1;
        log_printf(&m->log, "OUT shared entry and exit stubs (generation %u):\n", bl->stubs_gen);
        host_disasm_log(&m->log, (const uint8_t *)(void *)bl->enter, bl->stubs_size);
    }
    /* perf names the memfd-backed code by arena offset, so give it too */
    log_printf(&m->log, "OUT for 0x%08x: [arena offset 0x%x]\n", tb->pc, baseline_arena_offset(bl, &tb->baseline));
    host_disasm_log(&m->log, (const uint8_t *)tb->baseline.body, tb->baseline.size);
}

/* tb's counting code reached SUPERBLOCK_HOT_RUNS: compile it again,
 * joined with its successors if they still join (else as it is, without
 * the count), and send what led to the old code to the new. */
static void promote(Machine *m, TransBlock *tb)
{
    tb->superblock_due = false;
    if (!tb->code && !restore_ir(m, tb))
        return; /* the old code goes on, its count past the mark */
    BaselineRequest req = baseline_request(m, tb);
    const void *old_body = tb->baseline.body;
    BaselineCode fresh;
    if (!compile_joined(m, tb, &req, &fresh))
        baseline_compile(m->baseline, tb->code, &req, &fresh);
    if (!keeps_ir(m)) {
        interp_free(tb->code);
        tb->code = NULL;
    }
    if (!fresh.body && baseline_current(m->baseline, &tb->baseline))
        return;
    tb->baseline = fresh;
    baseline_retarget(m->baseline, &tb->baseline, old_body, tb->pc);
    if (fresh.body)
        log_baseline_code(m, tb);
}

/* The block's baseline code, compiled once it is no longer cold (or again
 * after the code arena started over), or NULL to interpret it. */
static const BaselineCode *baseline_code(Machine *m, TransBlock *tb)
{
    Baseline *bl = m->baseline;
    if (!bl || m->baseline_mode == BASELINE_OFF || tb->baseline.declined)
        return NULL;
    if (baseline_current(bl, &tb->baseline)) {
        if (tb->superblock_due && tb->exec_count >= SUPERBLOCK_HOT_RUNS)
            promote(m, tb);
        return tb->baseline.body ? &tb->baseline : NULL;
    }
    if (m->baseline_mode == BASELINE_ON && tb->interpreted++ < BASELINE_COLD_RUNS)
        return NULL;
    BaselineRequest req = baseline_request(m, tb);
    compile_block(m, tb, &req);
    if (!tb->baseline.body)
        return NULL;
    if (!keeps_ir(m)) {
        interp_free(tb->code);
        tb->code = NULL;
    }
    log_baseline_code(m, tb);
    return &tb->baseline;
}

/* The last baseline block left through linkable exit `exit` of `from`
 * to tb: link them if every later run of that exit reaches tb too. */
static void link_baseline(Machine *m, uintptr_t exit, TransBlock *tb)
{
    TransBlock *from = (TransBlock *)(exit & ~(uintptr_t)(BASELINE_MAX_SITES - 1));
    unsigned index = exit & (BASELINE_MAX_SITES - 1);
    uint32_t want = jit_direct_target_mode(page_local_bits(m), from->pc, from->mode, from->baseline.exit_pc[index],
                                           from->baseline.exit_mode[index]);
    if (tb->pc != from->baseline.exit_pc[index] || want != tb->mode)
        return;
    JitFn fn = atomic_load(&tb->jit_fn);
    if (fn)
        baseline_link_call(m->baseline, &from->baseline, index, (void *)fn, tb->pc);
    else if (baseline_code(m, tb))
        baseline_link(m->baseline, &from->baseline, index, &tb->baseline);
}

/* Run tb: its LLVM code if it has some (unless lower_tier), else its
 * baseline code or the interpreter. */
static int run_block(Machine *m, TransBlock *tb, bool lower_tier)
{
    ArmCpu *cpu = &m->cpu;
    if (__builtin_expect(m->log.mask & (LOG_CPU | LOG_EXEC), 0)) {
        if (log_on(&m->log, LOG_CPU))
            log_cpu(m);
        if (log_on(&m->log, LOG_EXEC))
            log_printf(&m->log, "Trace: [%08x/%x]\n", tb->pc, tb->mode);
    }
    m->stats.dispatches++;
    JitFn fn = lower_tier ? NULL : atomic_load_explicit(&tb->jit_fn, memory_order_acquire);
    if (fn) {
        if (__builtin_expect(jit_mode(m->jit) == JIT_CHECK, 0))
            return tier_check_run(m, tb, fn);
        m->stats.jit_dispatches++;
        uint64_t r = fn(cpu, NULL, tb->pc);
        cpu->r[15] = (uint32_t)r;
        return (int)(r >> 32);
    }
    if (m->icount)
        cpu->common.icount += tb->cost; /* compiled code counts its own blocks */
    const BaselineCode *base = baseline_code(m, tb);
    /* Baseline code counts its runs itself, chained ones included, and
     * comes back here once when the count reaches the threshold. */
    bool counted = base && tb->baseline.counts_runs;
    if (m->jit && (counted ? tb->exec_count : ++tb->exec_count) >= m->jit_threshold && !tb->jit_tried) {
        submit_hot(m, tb);
        base = baseline_code(m, tb); /* a sync compile may have reset the arena */
    }
    if (base && __builtin_expect(m->baseline_mode == BASELINE_CHECK, 0))
        return tier_check_baseline(m, tb, base);
    uint32_t next;
    IrExitKind kind;
    if (base) {
        kind = baseline_run(m->baseline, base, cpu, &next); /* counts itself (--stats) */
    } else {
        m->stats.interp_blocks++;
        m->stats.interp_insns += tb->ninsns;
        kind = interp_run(tb->code, cpu, &next);
        if (kind == IR_EXIT_JUMP)
            superblock_note_exit(tb, next);
    }
    cpu->r[15] = next;
    return kind;
}

/* The unit that just returned left through an unlinked exit cell (or an
 * indirect branch) whose target turns out to be compiled: link it, so the
 * next time compiled code goes there directly. */
static void link_to(Machine *m, TransBlock *tb, int kind)
{
    CpuCommon *c = &m->cpu.common;
    void **cell = c->chain_link;
    if (!cell && kind != IR_EXIT_INDIRECT)
        return; /* the common case: nothing to link */
    c->chain_link = NULL;
    JitFn fn = atomic_load_explicit(&tb->jit_fn, memory_order_relaxed);
    if (!fn)
        return;
    if (cell && kind == IR_EXIT_JUMP)
        jit_link(m->jit, cell, fn);
    else if (kind == IR_EXIT_INDIRECT && c->lookup) {
        c->lookup[jit_lookup_index(tb->pc)] = (JitLookupEntry){.pc = tb->pc, .mode = tb->mode, .fn = (void *)fn};
        m->stats.lookup_fills++;
    }
}

int machine_run(Machine *m)
{
    ArmCpu *cpu = &m->cpu;
    TransBlock *prev = NULL;
    int kind = IR_EXIT_YIELD;
    /* After a fault in LLVM code, its restart point runs in the lower
     * tiers (see machine.h). */
    bool lower_tier = m->resume_lower_tier;
    m->resume_lower_tier = false;
    cpu->common.baseline_exit = 0; /* the caller may have moved the pc since */
    for (;;) {
        if (block_cache_epoch(m->cache) != m->collected_epoch) {
            /* Blocks were retired (maybe the one just run): unlink compiled
             * code from them, free them, forget prev. */
            cpu->common.chain_link = NULL;
            cpu->common.baseline_exit = 0;
            baseline_unlink_all(m->baseline);
            jit_collect(m->jit, &cpu->common);
            block_cache_collect(m->cache);
            m->collected_epoch = block_cache_epoch(m->cache);
            prev = NULL;
        }
        if (m->jit && atomic_load_explicit(m->jit_done, memory_order_relaxed)) {
            jit_poll_slow(m->jit);
            baseline_unlink_into(m->baseline, has_llvm_code, NULL); /* entered through that code from now on */
        }
        uint32_t mode = arm_mode_bits(cpu), page;
        if (m->code_page) {
            if (!m->code_page(m->code_page_opaque, cpu->r[15], &page))
                return STEP_FETCH_FAULT;
            mode |= page & ARM_MODEBIT_PAGE_MASK;
        }
        TransBlock *tb = find_block(m, prev, cpu->r[15], mode);
        if (!tb || (!tb->code && !baseline_current(m->baseline, &tb->baseline) && !restore_ir(m, tb)))
            return STEP_FETCH_FAULT;
        if (m->jit && jit_mode(m->jit) != JIT_CHECK)
            link_to(m, tb, kind);
        if (cpu->common.baseline_exit) {
            link_baseline(m, cpu->common.baseline_exit, tb);
            cpu->common.baseline_exit = 0;
        } else if ((kind == IR_EXIT_INDIRECT || kind == IR_EXIT_JUMP) && baseline_chaining(m) &&
                   !atomic_load(&tb->jit_fn) && baseline_code(m, tb)) {
            /* an indirect exit or a direct one to another page (system
             * mode) missed the lookup table */
            baseline_lookup_fill(m->baseline, tb->pc, tb->mode, !cpu->common.tlb, &tb->baseline);
            /* a request that came while filling may have missed this key
             * (machine_request_exit): the fill is seen before the test */
            atomic_thread_fence(memory_order_seq_cst);
            if (cpu->common.exit_request)
                baseline_drop_lookups(m->baseline);
        }
        if (m->icount && cpu->common.icount >= cpu->common.icount_limit)
            return IR_EXIT_YIELD; /* the same block boundary compiled code stops at */
        kind = run_block(m, tb, lower_tier);
        lower_tier = false;
        if (kind != IR_EXIT_JUMP && kind != IR_EXIT_INDIRECT)
            return kind;
        if (cpu->common.exit_request)
            return IR_EXIT_YIELD;
        prev = tb;
    }
}
