/* Find-or-translate and run one block. */
#include <stdlib.h>
#include <string.h>

#include "backend/machine.h"
#include "backend/store_log.h"
#include "backend/tier_check.h"

void machine_init(Machine *m, GuestFetchFn fetch, void *fetch_opaque, PageCodeHook on_code, void *hook_opaque)
{
    m->translator = translator_new();
    m->cache = block_cache_new(on_code, hook_opaque);
    m->fetch = fetch;
    m->fetch_opaque = fetch_opaque;
    m->cpu.common.machine = m;
    if (!m->log.out)
        m->log.out = stderr;
}

static bool release_block(void *opaque, TransBlock *tb)
{
    return jit_release(opaque, tb);
}

bool machine_enable_jit(Machine *m, JitMode mode)
{
    if (mode == JIT_OFF)
        return true;
    m->jit = jit_new(mode, &m->log);
    if (!m->jit)
        return false;
    if (!m->jit_threshold)
        m->jit_threshold = JIT_DEFAULT_THRESHOLD;
    block_cache_set_release_hook(m->cache, release_block, m->jit);
    return true;
}

void machine_destroy(Machine *m)
{
    jit_stop(m->jit);             /* no compile in flight from here on */
    block_cache_free(m->cache);   /* releases each block's compiled code */
    jit_free(m->jit);
    translator_free(m->translator);
    if (m->check_log)
        store_log_free(m->check_log);
    free(m->check_log);
    m->cache = NULL;
    m->translator = NULL;
    m->jit = NULL;
    m->check_log = NULL;
}

static void log_block_asm(Machine *m, const TranslateResult *r, bool thumb)
{
    uint32_t pc = r->guest_start;
    log_printf(&m->log, "IN: %s\n", thumb ? "(thumb)" : "");
    for (unsigned i = 0; i < r->ninsns && pc < r->guest_end; i++) {
        uint8_t bytes[4];
        char text[80];
        unsigned size;
        size_t n = m->fetch(m->fetch_opaque, pc, bytes, 4);
        translator_disasm(m->translator, bytes, n, pc, thumb, text, sizeof text, &size);
        log_printf(&m->log, "0x%08x:  %s\n", pc, text);
        pc += size;
    }
    log_printf(&m->log, "\n");
}

static TransBlock *translate(Machine *m, uint32_t pc, uint32_t mode)
{
    TranslateResult r;
    if (translate_block(m->translator, m->fetch, m->fetch_opaque, pc, mode, &r) != TRANSLATE_OK)
        return NULL;
    const char *err = ir_validate(r.ir);
    if (err) {
        fprintf(stderr, "scion: internal error: invalid IR for block at 0x%08x: %s\n", pc, err);
        ir_print(r.ir, stderr);
        abort();
    }
    if (log_on(&m->log, LOG_IN_ASM))
        log_block_asm(m, &r, mode & ARM_MODEBIT_THUMB);
    if (log_on(&m->log, LOG_OP)) {
        log_printf(&m->log, "OP for 0x%08x:\n", pc);
        ir_print(r.ir, m->log.out);
    }
    TransBlock *tb = block_cache_insert(m->cache, pc, mode, r.guest_start, r.guest_end, r.ninsns, interp_prepare(r.ir));
    if (jit_mode(m->jit) >= JIT_ALWAYS)
        jit_submit(m->jit, tb);
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

static int run_block(Machine *m, TransBlock *tb)
{
    ArmCpu *cpu = &m->cpu;
    if (__builtin_expect(m->log.mask & (LOG_CPU | LOG_EXEC), 0)) {
        if (log_on(&m->log, LOG_CPU))
            log_cpu(m);
        if (log_on(&m->log, LOG_EXEC))
            log_printf(&m->log, "Trace: [%08x/%x]\n", tb->pc, tb->mode);
    }
    m->stats.blocks_executed++;
    m->stats.insns_executed += tb->ninsns;
    JitFn fn = atomic_load_explicit(&tb->jit_fn, memory_order_acquire);
    if (fn) {
        if (__builtin_expect(jit_mode(m->jit) == JIT_CHECK, 0))
            return tier_check_run(m, tb, fn);
        m->stats.jit_blocks_executed++;
        m->stats.jit_insns_executed += tb->ninsns;
        uint64_t r = fn(cpu);
        cpu->r[15] = (uint32_t)r;
        return (int)(r >> 32);
    }
    if (m->jit && ++tb->exec_count >= m->jit_threshold && !tb->jit_tried &&
        (jit_mode(m->jit) != JIT_BACKGROUND || m->stats.blocks_executed >= JIT_WARMUP_BLOCKS)) {
        tb->jit_tried = true;
        jit_submit(m->jit, tb);
    }
    uint32_t next;
    IrExitKind kind = interp_run(tb->code, cpu, &next);
    cpu->r[15] = next;
    return kind;
}

int machine_run(Machine *m)
{
    ArmCpu *cpu = &m->cpu;
    TransBlock *prev = NULL;
    uint32_t collected = block_cache_epoch(m->cache) - 1;
    for (;;) {
        if (block_cache_epoch(m->cache) != collected) {
            /* Blocks were retired (maybe the one just run): free them, forget prev. */
            block_cache_collect(m->cache);
            collected = block_cache_epoch(m->cache);
            prev = NULL;
        }
        TransBlock *tb = find_block(m, prev, cpu->r[15], arm_mode_bits(cpu));
        if (!tb)
            return STEP_FETCH_FAULT;
        int kind = run_block(m, tb);
        if (kind != IR_EXIT_JUMP && kind != IR_EXIT_INDIRECT)
            return kind;
        if (m->interrupt_request)
            return IR_EXIT_YIELD;
        prev = tb;
    }
}
