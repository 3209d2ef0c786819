/*
 * Tier 1 driver: hot blocks queued to a compile thread, compiled by the LLVM
 * backend (a shared module loaded on first use, see jit_backend.h) and
 * installed into their TransBlock atomically.
 *
 * Exactly one thread uses the backend at a time: the compile thread, or in
 * the synchronous modes the dispatcher (llvm_lock makes that explicit, and
 * lets fork wait for a compile in flight).  Code of retired blocks is freed
 * by queueing its resource to the compile thread.
 */
#include "backend/jit.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/jit_backend.h"

#define QUEUE_CAP 4096
#define BACKEND_MODULE "libscion-llvm.so"

#define REMOVAL_CAP 1024

struct Jit {
    JitMode mode;
    Log *log;
    const JitBackendOps *ops; /* NULL until the module is loaded */
    void *backend;
    int backend_state;        /* 0 not tried, 1 loaded, -1 unavailable */
    void *removals[REMOVAL_CAP]; /* code resources queued for the LLVM thread */
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

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* dlopen the LLVM backend: $SCION_LLVM_MODULE, beside the executable, the
 * build tree, or the install directory. */
static void *open_backend_module(void)
{
    const char *env = getenv("SCION_LLVM_MODULE");
    if (env)
        return dlopen(env, RTLD_NOW | RTLD_LOCAL);
    char path[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", path, PATH_MAX);
    if (n > 0) {
        path[n] = 0;
        char *slash = strrchr(path, '/');
        if (slash) {
            strcpy(slash + 1, BACKEND_MODULE);
            void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
            if (h)
                return h;
        }
    }
    static const char *const dirs[] = {SCION_LLVM_MODULE_BUILD_DIR, SCION_LLVM_MODULE_INSTALL_DIR};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dirs[i], BACKEND_MODULE);
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
    }
    return NULL;
}

/* Load and start the backend on first use (on the LLVM thread). */
static bool ensure_backend(Jit *j)
{
    if (j->backend_state)
        return j->backend_state > 0;
    j->backend_state = -1;
    void *h = open_backend_module();
    JitBackendEntry entry = h ? (JitBackendEntry)(uintptr_t)dlsym(h, SCION_LLVM_BACKEND_SYMBOL) : NULL;
    if (!entry) {
        log_printf(j->log, "scion: the LLVM tier is unavailable (%s); running the interpreter alone\n",
                   h ? "bad module" : dlerror());
        return false;
    }
    j->ops = entry();
    j->backend = j->ops->create(j->log);
    if (!j->backend)
        return false;
    j->backend_state = 1;
    return true;
}

static JitFn compile_block(Jit *j, TransBlock *tb, void **resource)
{
    if (!ensure_backend(j))
        return NULL;
    char name[64];
    snprintf(name, sizeof name, "tb_%08x_%x_%lu", tb->pc, tb->mode, j->next_id++);
    return j->ops->compile(j->backend, tb->code, name, resource);
}

/* Free code of retired blocks (on the LLVM thread). */
static void process_removals(Jit *j)
{
    pthread_mutex_lock(&j->lock);
    unsigned n = j->nremovals;
    void *batch[REMOVAL_CAP];
    memcpy(batch, j->removals, n * sizeof batch[0]);
    j->nremovals = 0;
    pthread_mutex_unlock(&j->lock);
    for (unsigned i = 0; i < n; i++)
        j->ops->remove(j->backend, batch[i]);
}

/* Compile and publish; a block invalidated meanwhile gets no code. */
static void compile_and_install(Jit *j, TransBlock *tb)
{
    double t0 = now();
    void *rt = NULL;
    JitFn fn = compile_block(j, tb, &rt);
    bool installed = false;
    if (fn && atomic_load(&tb->valid)) {
        tb->jit_resource = rt;
        atomic_store(&tb->jit_fn, fn);
        installed = true;
    } else if (fn) {
        j->ops->remove(j->backend, rt);
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
    if (j->backend_state > 0) {
        process_removals(j);
        j->ops->destroy(j->backend); /* frees all compiled code */
    }
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
        j->ops->remove(j->backend, tb->jit_resource);
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
