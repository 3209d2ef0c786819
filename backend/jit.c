/*
 * Tier 1: LLVM compilation of hot blocks through ORC LLJIT.
 *
 * One LLJIT per machine.  Exactly one thread uses LLVM: the compile thread
 * (or, in the synchronous modes, the dispatcher).  It owns an LLVM context
 * and a target machine for this host, runs a short pass pipeline, emits an
 * object file itself and hands it to LLJIT, which only links it.  Each
 * object gets its own resource tracker, so invalidated code is freed; the
 * removal is queued to the LLVM thread.  Helpers and the memory slow paths
 * are absolute symbols pointing at this process's functions.
 */
#include "backend/jit.h"

#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/llvm_emit.h"
#include "translator/helpers.h"

#define QUEUE_CAP 4096
#define JIT_PASSES "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,gvn,dse,instcombine<no-verify-fixpoint>,simplifycfg)"

#define REMOVAL_CAP 1024

struct Jit {
    JitMode mode;
    Log *log;
    LLVMOrcLLJITRef lljit;
    LLVMOrcJITDylibRef dylib;
    LLVMContextRef llvm_ctx;     /* the LLVM thread's */
    LLVMTargetMachineRef tm;     /* the LLVM thread's */
    LLVMOrcResourceTrackerRef removals[REMOVAL_CAP]; /* queued for the LLVM thread */
    unsigned nremovals;
    pthread_t worker;
    bool worker_started;
    pthread_mutex_t lock; /* queue and stats; the LLVM context is the compiling thread's alone */
    pthread_mutex_t llvm_lock; /* held while LLVM works, so fork never copies it mid-compile */
    pthread_cond_t wake;
    TransBlock *queue[QUEUE_CAP];
    unsigned qhead, qcount;
    bool stopping;
    unsigned long next_id;
    JitStats stats;
};

uint64_t scion_mem_load(uint8_t *host, uint64_t size)
{
    uint64_t v = 0;
    memcpy(&v, host, (size_t)size);
    return v;
}

void scion_mem_store(uint8_t *host, uint64_t value, uint64_t size)
{
    memcpy(host, &value, (size_t)size);
}

bool jit_parse_mode(const char *s, JitMode *mode)
{
    static const struct {
        const char *name;
        JitMode mode;
    } names[] = {{"off", JIT_OFF}, {"on", JIT_BACKGROUND}, {"background", JIT_BACKGROUND},
                 {"sync", JIT_SYNC}, {"always", JIT_ALWAYS},
                 {"check", JIT_CHECK}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].name)) {
            *mode = names[i].mode;
            return true;
        }
    return false;
}

JitMode jit_mode(const Jit *j)
{
    return j ? j->mode : JIT_OFF;
}

static bool report(Jit *j, LLVMErrorRef err, const char *what)
{
    if (!err)
        return true;
    char *msg = LLVMGetErrorMessage(err);
    log_printf(j->log, "scion: LLVM %s failed: %s\n", what, msg);
    LLVMDisposeErrorMessage(msg);
    return false;
}

static void define_symbol(Jit *j, const char *name, void *addr)
{
    LLVMOrcCSymbolMapPair pair = {
        .Name = LLVMOrcLLJITMangleAndIntern(j->lljit, name),
        .Sym = {.Address = (LLVMOrcExecutorAddress)(uintptr_t)addr,
                .Flags = {.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable}},
    };
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(&pair, 1);
    report(j, LLVMOrcJITDylibDefine(j->dylib, mu), "symbol definition");
}

static void define_runtime_symbols(Jit *j)
{
    char name[96];
    for (unsigned i = 0; i < HELPER_COUNT; i++) {
        snprintf(name, sizeof name, "helper_%s", helper_info[i].name);
        define_symbol(j, name, (void *)helper_info[i].fn);
    }
    define_symbol(j, "scion_mem_load", (void *)scion_mem_load);
    define_symbol(j, "scion_mem_store", (void *)scion_mem_store);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static LLVMTargetMachineRef host_target_machine(Jit *j)
{
    char *triple = LLVMGetDefaultTargetTriple(), *err = NULL;
    LLVMTargetRef target;
    LLVMTargetMachineRef tm = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &err)) {
        log_printf(j->log, "scion: LLVM has no target for %s: %s\n", triple, err);
        LLVMDisposeMessage(err);
    } else {
        char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
        tm = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelDefault, LLVMRelocPIC,
                                     LLVMCodeModelSmall);
        LLVMDisposeMessage(cpu);
        LLVMDisposeMessage(features);
    }
    LLVMDisposeMessage(triple);
    return tm;
}

/* Emit, optimise and compile one block to an object file in memory. */
static LLVMMemoryBufferRef compile_object(Jit *j, TransBlock *tb, const char *name)
{
    LLVMModuleRef mod = llvm_emit_block(j->llvm_ctx, tb->code, name);
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    LLVMErrorRef err = LLVMRunPasses(mod, JIT_PASSES, j->tm, opts);
    LLVMDisposePassBuilderOptions(opts);
    LLVMMemoryBufferRef obj = NULL;
    char *msg = NULL;
    if (report(j, err, "optimisation") && LLVMTargetMachineEmitToMemoryBuffer(j->tm, mod, LLVMObjectFile, &msg, &obj)) {
        log_printf(j->log, "scion: LLVM code generation failed: %s\n", msg);
        LLVMDisposeMessage(msg);
        obj = NULL;
    }
    LLVMDisposeModule(mod);
    return obj;
}

/* Link an object into the JIT and find its entry point; NULL on failure. */
static JitFn load_object(Jit *j, LLVMMemoryBufferRef obj, const char *name, LLVMOrcResourceTrackerRef *rt_out)
{
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(j->dylib);
    if (!report(j, LLVMOrcLLJITAddObjectFileWithRT(j->lljit, rt, obj), "object add")) {
        LLVMOrcReleaseResourceTracker(rt);
        return NULL;
    }
    LLVMOrcExecutorAddress addr = 0;
    if (!report(j, LLVMOrcLLJITLookup(j->lljit, &addr, name), "link")) {
        LLVMOrcResourceTrackerRemove(rt);
        LLVMOrcReleaseResourceTracker(rt);
        return NULL;
    }
    *rt_out = rt;
    return (JitFn)(uintptr_t)addr;
}

static JitFn compile_block(Jit *j, TransBlock *tb, LLVMOrcResourceTrackerRef *rt_out)
{
    char name[64];
    snprintf(name, sizeof name, "tb_%08x_%x_%lu", tb->pc, tb->mode, j->next_id++);
    LLVMMemoryBufferRef obj = compile_object(j, tb, name);
    return obj ? load_object(j, obj, name, rt_out) : NULL;
}

/* Free code of retired blocks (on the LLVM thread). */
static void process_removals(Jit *j)
{
    pthread_mutex_lock(&j->lock);
    unsigned n = j->nremovals;
    LLVMOrcResourceTrackerRef batch[REMOVAL_CAP];
    memcpy(batch, j->removals, n * sizeof batch[0]);
    j->nremovals = 0;
    pthread_mutex_unlock(&j->lock);
    for (unsigned i = 0; i < n; i++) {
        report(j, LLVMOrcResourceTrackerRemove(batch[i]), "code removal");
        LLVMOrcReleaseResourceTracker(batch[i]);
    }
}

/* Compile and publish; a block invalidated meanwhile gets no code. */
static void compile_and_install(Jit *j, TransBlock *tb)
{
    double t0 = now();
    LLVMOrcResourceTrackerRef rt = NULL;
    JitFn fn = compile_block(j, tb, &rt);
    bool installed = false;
    if (fn && atomic_load(&tb->valid)) {
        tb->jit_resource = rt;
        atomic_store(&tb->jit_fn, fn);
        installed = true;
    } else if (fn) {
        LLVMOrcResourceTrackerRemove(rt);
        LLVMOrcReleaseResourceTracker(rt);
    }
    pthread_mutex_lock(&j->lock);
    j->stats.compile_seconds += now() - t0;
    if (!fn)
        j->stats.failed++;
    else if (installed)
        j->stats.compiled++;
    else
        j->stats.discarded++;
    pthread_mutex_unlock(&j->lock);
    atomic_store(&tb->jit_busy, false);
}

static void *worker_main(void *arg)
{
    Jit *j = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* guest signals belong to the guest thread */
    pthread_mutex_lock(&j->lock);
    for (;;) {
        while (!j->qcount && !j->nremovals && !j->stopping)
            pthread_cond_wait(&j->wake, &j->lock);
        if (j->stopping)
            break;
        if (j->nremovals) {
            pthread_mutex_unlock(&j->lock);
            pthread_mutex_lock(&j->llvm_lock);
            process_removals(j);
            pthread_mutex_unlock(&j->llvm_lock);
            pthread_mutex_lock(&j->lock);
            continue;
        }
        TransBlock *tb = j->queue[j->qhead];
        j->qhead = (j->qhead + 1) % QUEUE_CAP;
        j->qcount--;
        pthread_mutex_unlock(&j->lock);
        pthread_mutex_lock(&j->llvm_lock);
        compile_and_install(j, tb);
        pthread_mutex_unlock(&j->llvm_lock);
        pthread_mutex_lock(&j->lock);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

Jit *jit_new(JitMode mode, Log *log)
{
    if (mode == JIT_OFF)
        return NULL;
    Jit *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->mode = mode;
    j->log = log;
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    if (!report(j, LLVMOrcCreateLLJIT(&j->lljit, NULL), "JIT creation")) {
        free(j);
        return NULL;
    }
    j->dylib = LLVMOrcLLJITGetMainJITDylib(j->lljit);
    j->llvm_ctx = LLVMContextCreate();
    j->tm = host_target_machine(j);
    if (!j->tm) {
        LLVMOrcDisposeLLJIT(j->lljit);
        LLVMContextDispose(j->llvm_ctx);
        free(j);
        return NULL;
    }
    define_runtime_symbols(j);
    pthread_mutex_init(&j->lock, NULL);
    pthread_mutex_init(&j->llvm_lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    if (mode == JIT_BACKGROUND)
        j->worker_started = pthread_create(&j->worker, NULL, worker_main, j) == 0;
    return j;
}

void jit_stop(Jit *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stopping = true;
    for (; j->qcount; j->qcount--, j->qhead = (j->qhead + 1) % QUEUE_CAP)
        atomic_store(&j->queue[j->qhead]->jit_busy, false);
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    if (j->worker_started)
        pthread_join(j->worker, NULL);
    j->worker_started = false;
}

void jit_free(Jit *j)
{
    if (!j)
        return;
    jit_stop(j);
    process_removals(j);
    LLVMOrcDisposeLLJIT(j->lljit);
    LLVMDisposeTargetMachine(j->tm);
    LLVMContextDispose(j->llvm_ctx);
    pthread_mutex_destroy(&j->lock);
    pthread_mutex_destroy(&j->llvm_lock);
    pthread_cond_destroy(&j->wake);
    free(j);
}

void jit_submit(Jit *j, TransBlock *tb)
{
    if (!j || atomic_load(&tb->jit_busy) || atomic_load(&tb->jit_fn))
        return;
    atomic_store(&tb->jit_busy, true);
    if (j->mode != JIT_BACKGROUND) {
        pthread_mutex_lock(&j->llvm_lock);
        process_removals(j);
        compile_and_install(j, tb);
        pthread_mutex_unlock(&j->llvm_lock);
        return;
    }
    pthread_mutex_lock(&j->lock);
    if (j->qcount < QUEUE_CAP) {
        j->queue[(j->qhead + j->qcount++) % QUEUE_CAP] = tb;
        pthread_cond_signal(&j->wake);
    } else {
        atomic_store(&tb->jit_busy, false); /* queue full: stay in the interpreter for now */
    }
    pthread_mutex_unlock(&j->lock);
}

bool jit_release(Jit *j, TransBlock *tb)
{
    if (atomic_load(&tb->jit_busy))
        return false;
    if (!tb->jit_resource)
        return true;
    if (!j->worker_started) {
        /* No compile thread (synchronous modes, or stopped): free it here. */
        pthread_mutex_lock(&j->llvm_lock);
        report(j, LLVMOrcResourceTrackerRemove(tb->jit_resource), "code removal");
        LLVMOrcReleaseResourceTracker(tb->jit_resource);
        pthread_mutex_unlock(&j->llvm_lock);
        tb->jit_resource = NULL;
        atomic_store(&tb->jit_fn, NULL);
        return true;
    }
    pthread_mutex_lock(&j->lock);
    bool queued = j->nremovals < REMOVAL_CAP;
    if (queued) {
        j->removals[j->nremovals++] = tb->jit_resource;
        tb->jit_resource = NULL;
        atomic_store(&tb->jit_fn, NULL);
        pthread_cond_signal(&j->wake);
    }
    pthread_mutex_unlock(&j->lock);
    return queued; /* a full queue keeps the block until the LLVM thread catches up */
}

void jit_stats(Jit *j, JitStats *out)
{
    memset(out, 0, sizeof *out);
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    *out = j->stats;
    pthread_mutex_unlock(&j->lock);
}

void jit_fork_prepare(Jit *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->llvm_lock);
    pthread_mutex_lock(&j->lock);
}

void jit_fork_parent(Jit *j)
{
    if (!j)
        return;
    pthread_mutex_unlock(&j->lock);
    pthread_mutex_unlock(&j->llvm_lock);
}

/* The child has only the forking thread: it compiles synchronously from
 * now on (children mostly exec soon), and blocks still queued go back to
 * the interpreter. */
void jit_fork_child(Jit *j)
{
    if (!j)
        return;
    for (; j->qcount; j->qcount--, j->qhead = (j->qhead + 1) % QUEUE_CAP)
        atomic_store(&j->queue[j->qhead]->jit_busy, false);
    j->worker_started = false;
    if (j->mode == JIT_BACKGROUND)
        j->mode = JIT_SYNC;
    /* The parent's compile thread was waiting on this condition; nobody does here. */
    pthread_cond_init(&j->wake, NULL);
    pthread_mutex_unlock(&j->lock);
    pthread_mutex_unlock(&j->llvm_lock);
}
