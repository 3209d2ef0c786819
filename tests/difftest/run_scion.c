/* Running a case under scion: interpreter, baseline tier or LLVM tier. */
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend/baseline.h"
#include "backend/block_cache.h"
#include "backend/interp.h"
#include "backend/jit.h"
#include "backend/log.h"
#include "frontend/arm_cpu.h"
#include "tests/difftest/runners.h"
#include "translator/translate.h"

#define RESERVE_SIZE ((1ull << 32) + 0x10000)
#define MAX_BLOCKS 1000

struct ScionRunner {
    uint8_t *base;
    uint8_t *page_flags;
    uint32_t code_end;
    ArmCpu cpu;
    Translator *tr;
    BlockCache *cache;
    Jit *jit;
    Baseline *baseline;
    Log log;
    FILE *trace;
};

/* The host SIGSEGV handler needs to find the run in progress; a signal
 * handler cannot be passed an argument, so this one thread-local pointer
 * (set only around a guest run) is the exception to "no globals", as in
 * scion's own user mode. */
static __thread sigjmp_buf *fault_jmp;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    if (!fault_jmp) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    siglongjmp(*fault_jmp, 1);
}

static void install_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

static size_t fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len);

static void map_region(ScionRunner *s, uint32_t addr, uint32_t size, int prot, uint8_t flags)
{
    if (mprotect(s->base + addr, size, prot) != 0) {
        perror("difftest: mprotect");
        exit(2);
    }
    for (uint32_t p = addr >> 12; p < (addr + size) >> 12; p++)
        s->page_flags[p] = flags;
}

ScionRunner *scion_runner_new(bool want_jit)
{
    ScionRunner *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base = mmap(NULL, RESERVE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    s->page_flags = calloc(GUEST_PAGES, 1);
    if (s->base == MAP_FAILED || !s->page_flags) {
        perror("difftest: guest memory");
        exit(2);
    }
    map_region(s, DT_CODE_BASE, DT_CODE_SIZE, PROT_READ | PROT_WRITE, PAGE_FLAG_READ | PAGE_FLAG_EXEC | PAGE_FLAG_MAPPED);
    map_region(s, DT_DATA_ADDR, DT_DATA_SIZE, PROT_READ | PROT_WRITE,
               PAGE_FLAG_READ | PAGE_FLAG_WRITE | PAGE_FLAG_MAPPED);
    s->log.out = stderr;
    s->tr = translator_new();
    s->cache = block_cache_new(NULL, NULL);
    if (want_jit) {
        /* Each block compiled alone and unchained: exits return here. */
        JitConfig config = {.cache = s->cache, .fetch = fetch, .fetch_opaque = s};
        s->jit = jit_new(JIT_SYNC, &s->log, &config);
        if (!s->jit) {
            fprintf(stderr, "difftest: the LLVM tier is unavailable\n");
            exit(2);
        }
    }
    if (!(s->baseline = baseline_new(0))) {
        fprintf(stderr, "difftest: no executable memory for the baseline tier\n");
        exit(2);
    }
    install_handler();
    return s;
}

void scion_runner_free(ScionRunner *s)
{
    if (!s)
        return;
    block_cache_flush(s->cache);
    jit_collect(s->jit, &s->cpu.common);
    block_cache_collect(s->cache);
    jit_free(s->jit);
    baseline_free(s->baseline);
    block_cache_free(s->cache);
    translator_free(s->tr);
    munmap(s->base, RESERVE_SIZE);
    free(s->page_flags);
    free(s);
}

/* Executable bytes: the case's code and nothing after it, so blocks end
 * exactly at the end address. */
static size_t fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len)
{
    ScionRunner *s = opaque;
    if (addr < DT_CODE_ADDR || addr >= s->code_end)
        return 0;
    size_t n = s->code_end - addr;
    if (n > len)
        n = len;
    memcpy(buf, s->base + addr, n);
    return n;
}

static void load_state(ScionRunner *s, const DtCase *c)
{
    ArmCpu *cpu = &s->cpu;
    memset(cpu, 0, sizeof *cpu);
    cpu->common.mem_base = s->base;
    cpu->common.page_flags = s->page_flags;
    arm_cpu_reset_user(cpu);
    memcpy(cpu->r, c->init.r, sizeof cpu->r);
    arm_cpsr_write(cpu, c->init.cpsr, 0xf80f0000u);
    cpu->thumb = c->isa == DT_T32;
    memcpy(cpu->vfp.d, c->init.d, sizeof cpu->vfp.d);
    cpu->fpscr = c->init.fpscr;
    cpu->fpexc = 1u << 30;
    /* Code pages are read-only while the guest runs, as under Unicorn. */
    mprotect(s->base + DT_CODE_BASE, DT_CODE_SIZE, PROT_READ | PROT_WRITE);
    memset(s->base + DT_CODE_BASE, 0, DT_CODE_SIZE);
    s->code_end = DT_CODE_ADDR + (uint32_t)dt_code_bytes(c, s->base + DT_CODE_ADDR,
                                                         DT_CODE_BASE + DT_CODE_SIZE - DT_CODE_ADDR);
    mprotect(s->base + DT_CODE_BASE, DT_CODE_SIZE, PROT_READ);
    dt_fill_mem(s->base + DT_DATA_ADDR, c->init.mem_seed);
}

static void save_state(ScionRunner *s, DtResult *out)
{
    const ArmCpu *cpu = &s->cpu;
    memcpy(out->st.r, cpu->r, sizeof out->st.r);
    out->st.cpsr = arm_cpsr_read(cpu) & DT_CPSR_MASK;
    out->st.fpscr = cpu->fpscr;
    memcpy(out->st.d, cpu->vfp.d, sizeof out->st.d);
    out->st.mem = s->base + DT_DATA_ADDR;
}

static void set_stop(DtResult *out, DtStop stop, uint32_t pc, const char *why)
{
    out->stop = stop;
    out->stop_pc = pc;
    snprintf(out->why, sizeof out->why, "%s", why);
}

static int run_baseline(ScionRunner *s, const IrBlock *ir, DtResult *out)
{
    InterpCode *code = interp_prepare(ir);
    BaselineCode bc;
    baseline_compile(s->baseline, code, &(BaselineRequest){.softmmu = false}, &bc);
    interp_free(code); /* the host code stands alone */
    if (!bc.body) {
        set_stop(out, DT_STOP_OTHER, s->cpu.r[15], "the baseline tier declined the block");
        return -1;
    }
    uint32_t next;
    IrExitKind k = baseline_run(s->baseline, &bc, &s->cpu, &next);
    s->cpu.r[15] = next;
    return (int)k;
}

/* Run one block; returns its exit kind (or -1 with out set). */
static int run_block(ScionRunner *s, DtTier tier, DtResult *out)
{
    ArmCpu *cpu = &s->cpu;
    uint32_t pc = cpu->r[15], mode = arm_mode_bits(cpu), next;
    TranslateResult r;
    if (translate_block(s->tr, fetch, s, pc, mode, &r) != TRANSLATE_OK) {
        set_stop(out, DT_STOP_OTHER, pc, "pc left the code");
        return -1;
    }
    if (s->trace) {
        fprintf(s->trace, "scion IR of the block at %08x (%s):\n", pc, tier == DT_TIER_JIT ? "jit" : tier == DT_TIER_BASELINE ? "baseline" : "interp");
        ir_print(r.ir, s->trace);
    }
    if (tier == DT_TIER_INTERP) {
        InterpCode *code = interp_prepare(r.ir);
        IrExitKind k = interp_run(code, cpu, &next);
        interp_free(code);
        cpu->r[15] = next;
        return (int)k;
    }
    if (tier == DT_TIER_BASELINE)
        return run_baseline(s, r.ir, out);
    TransBlock *tb = block_cache_insert(s->cache, pc, mode, r.guest_start, r.guest_end, r.ninsns,
                                        interp_prepare(r.ir));
    jit_submit(s->jit, tb);
    JitFn fn = atomic_load(&tb->jit_fn);
    if (!fn) {
        set_stop(out, DT_STOP_OTHER, pc, "LLVM compilation failed");
        return -1;
    }
    uint64_t res = fn(cpu, NULL, pc);
    cpu->r[15] = (uint32_t)res;
    return (int)(res >> 32);
}

static void run_loop(ScionRunner *s, DtTier tier, DtResult *out)
{
    ArmCpu *cpu = &s->cpu;
    for (int i = 0; i < MAX_BLOCKS; i++) {
        if (cpu->r[15] == s->code_end) {
            set_stop(out, DT_STOP_END, cpu->r[15], "");
            return;
        }
        int k = run_block(s, tier, out);
        switch (k) {
        case -1: return;
        case IR_EXIT_JUMP: case IR_EXIT_INDIRECT: case IR_EXIT_YIELD: break;
        case IR_EXIT_UNDEF: set_stop(out, DT_STOP_UNDEF, cpu->r[15], "undefined instruction"); return;
        case IR_EXIT_UNIMPL: set_stop(out, DT_STOP_UNIMPL, cpu->r[15], "unimplemented"); return;
        default: set_stop(out, DT_STOP_OTHER, cpu->r[15], ir_exit_kind_name((IrExitKind)k)); return;
        }
    }
    set_stop(out, DT_STOP_OTHER, cpu->r[15], "too many blocks");
}

void scion_run(ScionRunner *s, const DtCase *c, DtTier tier, DtResult *out)
{
    memset(out, 0, sizeof *out);
    load_state(s, c);
    sigjmp_buf jb;
    if (sigsetjmp(jb, 1) == 0) {
        fault_jmp = &jb;
        run_loop(s, tier, out);
    } else {
        set_stop(out, DT_STOP_FAULT, s->cpu.common.insn_pc, "guest memory fault");
        s->cpu.r[15] = s->cpu.common.insn_pc;
    }
    fault_jmp = NULL;
    save_state(s, out);
    if (tier == DT_TIER_JIT) {
        block_cache_flush(s->cache);
        jit_collect(s->jit, &s->cpu.common);
        block_cache_collect(s->cache);
    }
}

void scion_runner_trace(ScionRunner *s, FILE *out)
{
    s->trace = out;
}

size_t dt_code_bytes(const DtCase *c, uint8_t *buf, size_t cap)
{
    size_t off = 0;
    for (unsigned i = 0; i < c->ninsns && off + 4 <= cap; i++) {
        uint32_t e = c->insn[i];
        if (c->isa == DT_T32 && c->size[i] == 4)
            e = (e >> 16) | (e << 16); /* hw1 first */
        for (unsigned b = 0; b < c->size[i]; b++)
            buf[off++] = (uint8_t)(e >> (8 * b));
    }
    return off;
}
