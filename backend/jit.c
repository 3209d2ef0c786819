/*
 * Tier 1 driver (see jit.h): region submission, the compile thread, the
 * persistent code cache, installation, chaining and invalidation.
 *
 * Exactly one thread uses the LLVM backend at a time: the compile thread,
 * or in the synchronous modes the dispatcher (llvm_lock makes that
 * explicit, and lets fork wait for a compile in flight).
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
#include "backend/module.h"
#include "backend/region.h"
#include "backend/region_recipes.h"

#define QUEUE_CAP 1024
/* Queued regions the compile thread looks through for one whose code is
 * in the code cache (take_next). */
#define QUEUE_SCAN 64
#define REMOVAL_CAP 1024
#define BACKEND_MODULE "libscion-llvm.so"
/* Bumped when the meaning of a unit's code changes in a way the key's
 * other parts (IR, guest bytes, backend module, target) do not show. */
#define CODE_KEY_VERSION "scion-jit-2"

typedef enum RegionState { REGION_QUEUED, REGION_LIVE, REGION_RETIRED } RegionState;

/* Linked code, shared by the regions with the same key (same code): an
 * object's symbols can be defined only once in the JIT at a time. */
typedef struct JitObject {
    uint8_t key[SHA256_SIZE];
    JitFn fn;
    void *resource;
    unsigned refs; /* regions using it */
    struct JitObject *next;
} JitObject;

typedef struct JitRegion {
    JitUnit unit;       /* IR copies: the compile thread's while compiling */
    uint8_t **bytes;    /* guest bytes of each member, for the key */
    TransBlock *head;
    TransBlock **blocks; /* the members, compared (never followed) after retirement */
    unsigned nblocks;
    RegionState state;
    bool compiling;     /* queued or being compiled */
    /* Results, written by the compiling thread. */
    JitFn fn;
    JitObject *object;
    bool from_cache;
    double seconds;
    /* Set by the compile thread while the region is queued. */
    uint8_t key[SHA256_SIZE];
    bool keyed, cached;
    struct JitRegion *next, *done_next;
} JitRegion;

struct Jit {
    JitMode mode;
    Log *log;
    JitConfig config;
    const JitBackendOps *ops; /* NULL until the module is loaded */
    void *backend;
    int backend_state;        /* 0 not tried, 1 loaded, -1 unavailable */
    atomic_bool backend_live; /* backend_state is 1 (for other threads) */
    uint8_t module_digest[SHA256_SIZE];
    CodeCache *code_cache;
    bool code_cache_tried;
    /* Dispatcher thread only. */
    RegionRecipes *recipes; /* of the program (jit_set_program), or NULL */
    JitRegion *regions;       /* every region not yet freed */
    void ***links;            /* cells pointed at compiled code */
    size_t nlinks, links_cap;
    /* Shared with the compile thread, under lock. */
    pthread_t worker;
    bool worker_started;
    pthread_mutex_t lock;
    pthread_mutex_t llvm_lock; /* held while LLVM works, so fork never copies it mid-compile */
    pthread_cond_t wake;
    JitRegion *queue[QUEUE_CAP];
    unsigned qhead, qcount;
    JitRegion *done;
    atomic_uint ndone;
    JitObject *objects;
    void *removals[REMOVAL_CAP];
    unsigned nremovals;
    bool stopping;
    bool held;         /* jit_hold: take no new work */
    JitStats stats;
};

/* --- runtime entry points called from compiled code --------------------- */

uint64_t scion_sys_load(void *state, uint64_t addr, uint64_t size)
{
    CpuCommon *c = state;
    return c->load_slow(c, (uint32_t)addr, (unsigned)size);
}

void scion_sys_store(void *state, uint64_t addr, uint64_t value, uint64_t size)
{
    CpuCommon *c = state;
    c->store_slow(c, (uint32_t)addr, value, (unsigned)size);
}

uint64_t scion_chain_miss(void *state, void **link, uint64_t pc)
{
    ((CpuCommon *)state)->chain_link = link;
    return (uint64_t)IR_EXIT_JUMP << 32 | (uint32_t)pc;
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

bool jit_owns_code(Jit *j, uintptr_t host_pc)
{
    return j && atomic_load_explicit(&j->backend_live, memory_order_acquire) &&
           j->ops->owns_code(j->backend, host_pc);
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

/* --- the backend module ------------------------------------------------ */

/* The code generator's own bytes are part of every code cache key. */
static void digest_module(Jit *j, void *symbol)
{
    Dl_info info;
    FILE *f = dladdr(symbol, &info) && info.dli_fname ? fopen(info.dli_fname, "rb") : NULL;
    Sha256 h;
    sha256_init(&h);
    uint8_t buf[65536];
    size_t n;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&h, buf, n);
    if (f)
        fclose(f);
    sha256_final(&h, j->module_digest);
}

/* Load and start the backend on first use (on the LLVM thread). */
static bool ensure_backend(Jit *j)
{
    if (j->backend_state)
        return j->backend_state > 0;
    j->backend_state = -1;
    void *h = scion_module_open(BACKEND_MODULE, "SCION_LLVM_MODULE");
    JitBackendEntry entry = h ? (JitBackendEntry)(uintptr_t)dlsym(h, SCION_LLVM_BACKEND_SYMBOL) : NULL;
    if (!entry) {
        log_printf(j->log, "scion: the LLVM tier is unavailable (%s); running the interpreter alone\n",
                   h ? "bad module" : dlerror());
        return false;
    }
    digest_module(j, (void *)(uintptr_t)entry);
    j->ops = entry();
    j->backend = j->ops->create(j->log);
    if (!j->backend)
        return false;
    j->backend_state = 1;
    atomic_store_explicit(&j->backend_live, true, memory_order_release);
    return true;
}

/* --- compiling (on the LLVM thread) ------------------------------------ */

/* Field by field: IrInsn has padding before imm, whose bytes are whatever
 * the allocator left there and would make every key differ run to run. */
static void hash_ir(Sha256 *h, const InterpCode *code)
{
    for (size_t i = 0; i < code->count; i++) {
        const IrInsn *in = &code->insns[i];
        uint8_t packed[18] = {in->op, in->aux};
        const uint16_t temps[4] = {in->dst, in->a, in->b, in->c};
        memcpy(packed + 2, temps, sizeof temps);
        memcpy(packed + 10, &in->imm, sizeof in->imm);
        sha256_update(h, packed, sizeof packed);
    }
}

static void code_key(Jit *j, const JitRegion *r, uint8_t key[SHA256_SIZE])
{
    Sha256 h;
    sha256_init(&h);
    sha256_update(&h, CODE_KEY_VERSION, sizeof CODE_KEY_VERSION);
    sha256_update(&h, j->module_digest, sizeof j->module_digest);
    const char *target = j->ops->target_id(j->backend);
    sha256_update(&h, target, strlen(target) + 1);
    sha256_update(&h, &r->unit.chain, sizeof r->unit.chain);
    sha256_update(&h, &r->unit.count, sizeof r->unit.count);
    sha256_update(&h, &r->unit.softmmu, sizeof r->unit.softmmu);
    sha256_update(&h, &r->unit.icount, sizeof r->unit.icount);
    sha256_update(&h, &r->unit.page_local_bits, sizeof r->unit.page_local_bits);
    for (unsigned i = 0; i < r->unit.nmembers; i++) {
        const JitMember *m = &r->unit.members[i];
        uint32_t words[6] = {m->pc, m->mode, m->guest_start, m->guest_end, m->ninsns, m->cost};
        sha256_update(&h, words, sizeof words);
        sha256_update(&h, r->bytes[i], m->guest_end - m->guest_start);
        hash_ir(&h, m->code);
    }
    sha256_final(&h, key);
}

static CodeCache *code_cache(Jit *j)
{
    if (!j->code_cache_tried && j->config.code_cache_dir)
        j->code_cache = code_cache_open(j->config.code_cache_dir, j->config.code_cache_max, j->log);
    j->code_cache_tried = true;
    return j->code_cache;
}

/* The unit's object: from the code cache, or compiled (and cached). */
static bool unit_object(Jit *j, JitRegion *r, const uint8_t key[SHA256_SIZE], uint8_t **obj, size_t *size)
{
    CodeCache *cc = code_cache(j);
    if (cc && code_cache_get(cc, key, obj, size)) {
        r->from_cache = true;
        return true;
    }
    if (!j->ops->compile(j->backend, &r->unit, obj, size))
        return false;
    if (cc)
        code_cache_put(cc, key, *obj, *size);
    return true;
}

static void free_unit_copies(JitRegion *r)
{
    if (!r->unit.members)
        return;
    for (unsigned i = 0; i < r->unit.nmembers; i++) {
        interp_free(r->unit.members[i].code);
        free(r->bytes[i]);
    }
    free(r->unit.members);
    free(r->bytes);
    r->unit.members = NULL;
    r->bytes = NULL;
}

static void process_removals(Jit *j);

static JitObject *find_object(Jit *j, const uint8_t key[SHA256_SIZE])
{
    for (JitObject *o = j->objects; o; o = o->next)
        if (!memcmp(o->key, key, SHA256_SIZE))
            return o;
    return NULL;
}

/* The unit's code already linked (another region with the same key), or
 * loaded from the code cache, or compiled; NULL if LLVM failed. */
static JitObject *unit_code(Jit *j, JitRegion *r, const uint8_t key[SHA256_SIZE])
{
    pthread_mutex_lock(&j->lock);
    JitObject *o = find_object(j, key);
    if (o)
        o->refs++;
    pthread_mutex_unlock(&j->lock);
    if (o)
        return o;
    uint8_t *obj = NULL;
    size_t size = 0;
    if (!unit_object(j, r, key, &obj, &size))
        return NULL;
    process_removals(j); /* an old object with this key may be on its way out */
    void *resource = NULL;
    JitFn fn = j->ops->load(j->backend, obj, size, r->unit.name, &resource);
    free(obj);
    if (!fn || !(o = calloc(1, sizeof *o)))
        return NULL;
    memcpy(o->key, key, SHA256_SIZE);
    o->fn = fn;
    o->resource = resource;
    o->refs = 1;
    pthread_mutex_lock(&j->lock);
    o->next = j->objects;
    j->objects = o;
    pthread_mutex_unlock(&j->lock);
    return o;
}

/* The region's key, and whether the code cache holds its code (backend loaded). */
static void key_region(Jit *j, JitRegion *r)
{
    if (r->keyed)
        return;
    code_key(j, r, r->key);
    r->keyed = true;
    r->cached = code_cache(j) && code_cache_has(code_cache(j), r->key);
}

static void compile_region(Jit *j, JitRegion *r)
{
    double t0 = now();
    if (ensure_backend(j)) {
        key_region(j, r);
        const uint8_t *key = r->key;
        snprintf(r->unit.name, sizeof r->unit.name, "u_%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x", key[0], key[1],
                 key[2], key[3], key[4], key[5], key[6], key[7], key[8], key[9]);
        r->object = unit_code(j, r, key);
        r->fn = r->object ? r->object->fn : NULL;
    }
    free_unit_copies(r);
    r->seconds = now() - t0;
}

/* Free code of retired regions (on the LLVM thread). */
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

static void push_done(Jit *j, JitRegion *r)
{
    r->done_next = j->done;
    j->done = r;
    atomic_fetch_add(&j->ndone, 1);
}

/*
 * The next region to compile, taken off the queue (called and returning
 * with j->lock held): the first of the oldest QUEUE_SCAN whose code is in
 * the code cache, else the oldest.  Linking cached code costs a small
 * part of compiling it, so a later run of a program gets all the code
 * earlier runs compiled first, instead of in the order its regions got hot
 * behind ones that were never compiled.  Only this thread takes regions
 * off the queue, so the ones it looked at stay where they were.
 */
static JitRegion *take_next(Jit *j)
{
    unsigned n = j->qcount < QUEUE_SCAN ? j->qcount : QUEUE_SCAN, pick = 0;
    JitRegion *scan[QUEUE_SCAN];
    for (unsigned i = 0; i < n; i++)
        scan[i] = j->queue[(j->qhead + i) % QUEUE_CAP];
    pthread_mutex_unlock(&j->lock);
    pthread_mutex_lock(&j->llvm_lock);
    bool found = false;
    if (code_cache(j) && ensure_backend(j))
        for (unsigned i = 0; i < n && !found; i++) {
            key_region(j, scan[i]);
            found = scan[i]->cached;
            pick = found ? i : 0;
        }
    pthread_mutex_unlock(&j->llvm_lock);
    pthread_mutex_lock(&j->lock);
    JitRegion *r = j->queue[(j->qhead + pick) % QUEUE_CAP];
    for (unsigned i = pick; i > 0; i--) /* the ones before it move up one place */
        j->queue[(j->qhead + i) % QUEUE_CAP] = j->queue[(j->qhead + i - 1) % QUEUE_CAP];
    j->qhead = (j->qhead + 1) % QUEUE_CAP;
    j->qcount--;
    return r;
}

static void *worker_main(void *arg)
{
    Jit *j = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* guest signals belong to the guest thread */
    pthread_mutex_lock(&j->lock);
    for (;;) {
        while (!j->stopping && (j->held || (!j->qcount && !j->nremovals)))
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
        JitRegion *r = take_next(j);
        pthread_mutex_unlock(&j->lock);
        pthread_mutex_lock(&j->llvm_lock);
        compile_region(j, r);
        pthread_mutex_unlock(&j->llvm_lock);
        pthread_mutex_lock(&j->lock);
        push_done(j, r);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* --- regions on the dispatcher thread ---------------------------------- */

static void retire_region(JitRegion *r)
{
    if (r->state == REGION_LIVE) {
        atomic_store(&r->head->jit_fn, NULL);
        r->head->jit_tried = false; /* it may be compiled again, with what is there now */
        r->head->exec_count = 0;
    }
    r->state = REGION_RETIRED;
    for (unsigned i = 0; i < r->nblocks; i++)
        r->blocks[i]->region_refs--;
}

/* A member of some regions was retired: so are they. */
static void block_retired(void *opaque, TransBlock *tb)
{
    Jit *j = opaque;
    for (JitRegion *r = j->regions; r && tb->region_refs; r = r->next) {
        if (r->state == REGION_RETIRED)
            continue;
        for (unsigned i = 0; i < r->nblocks; i++)
            if (r->blocks[i] == tb) {
                retire_region(r);
                j->stats.retired++;
                break;
            }
    }
}

static void remove_code(Jit *j, void *resource)
{
    if (!j->worker_started) {
        pthread_mutex_lock(&j->llvm_lock);
        j->ops->remove(j->backend, resource);
        pthread_mutex_unlock(&j->llvm_lock);
        return;
    }
    pthread_mutex_lock(&j->lock);
    while (j->nremovals == REMOVAL_CAP) { /* let the LLVM thread catch up */
        pthread_mutex_unlock(&j->lock);
        sched_yield();
        pthread_mutex_lock(&j->lock);
    }
    j->removals[j->nremovals++] = resource;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
}

/* A region stops using its code; the last one out frees it. */
static void release_object(Jit *j, JitObject *o)
{
    if (!o)
        return;
    pthread_mutex_lock(&j->lock);
    bool last = --o->refs == 0;
    if (last) {
        JitObject **p = &j->objects;
        while (*p != o)
            p = &(*p)->next;
        *p = o->next;
    }
    pthread_mutex_unlock(&j->lock);
    if (last) {
        remove_code(j, o->resource);
        free(o);
    }
}

static void install(Jit *j, JitRegion *r)
{
    r->compiling = false;
    atomic_store(&r->head->jit_busy, false);
    if (!r->fn) {
        j->stats.failed++;
        if (r->state != REGION_RETIRED)
            retire_region(r);
        r->head->jit_tried = true;
    } else if (r->state == REGION_RETIRED) {
        j->stats.discarded++;
    } else {
        r->state = REGION_LIVE;
        atomic_store(&r->head->jit_fn, r->fn);
        j->stats.units++;
        j->stats.unit_blocks += r->nblocks;
    }
    j->stats.compile_seconds += r->seconds;
}

void jit_poll_slow(Jit *j)
{
    pthread_mutex_lock(&j->lock);
    JitRegion *done = j->done;
    j->done = NULL;
    atomic_store(&j->ndone, 0);
    pthread_mutex_unlock(&j->lock);
    while (done) {
        JitRegion *next = done->done_next;
        install(j, done);
        done = next;
    }
}

const atomic_uint *jit_done_counter(const Jit *j)
{
    return &j->ndone;
}

static void enqueue(Jit *j, JitRegion *r)
{
    r->compiling = true;
    atomic_store(&r->head->jit_busy, true);
    r->head->jit_tried = true;
    if (j->mode != JIT_BACKGROUND || !j->worker_started) {
        pthread_mutex_lock(&j->llvm_lock);
        if (ensure_backend(j))
            process_removals(j);
        compile_region(j, r);
        pthread_mutex_unlock(&j->llvm_lock);
        install(j, r);
        return;
    }
    pthread_mutex_lock(&j->lock);
    bool queued = j->qcount < QUEUE_CAP;
    if (queued) {
        j->queue[(j->qhead + j->qcount++) % QUEUE_CAP] = r;
        pthread_cond_signal(&j->wake);
    }
    pthread_mutex_unlock(&j->lock);
    if (!queued) { /* queue full: stay in the interpreter for now */
        free_unit_copies(r);
        r->compiling = false;
        atomic_store(&r->head->jit_busy, false);
        r->head->jit_tried = false;
        retire_region(r);
    }
}

static uint8_t *copy_guest_bytes(Jit *j, uint32_t start, uint32_t end)
{
    uint8_t *buf = calloc(1, end - start + 1);
    if (!buf)
        abort();
    j->config.fetch(j->config.fetch_opaque, start, buf, end - start);
    return buf;
}

static void submit_members(Jit *j, TransBlock **blocks, unsigned n)
{
    JitRegion *r = calloc(1, sizeof *r);
    r->blocks = malloc(n * sizeof *r->blocks);
    r->unit.members = calloc(n, sizeof *r->unit.members);
    r->bytes = calloc(n, sizeof *r->bytes);
    if (!r || !r->blocks || !r->unit.members || !r->bytes)
        abort();
    r->head = blocks[0];
    r->nblocks = r->unit.nmembers = n;
    r->unit.chain = j->config.chain;
    r->unit.count = j->config.count;
    r->unit.softmmu = j->config.softmmu;
    r->unit.icount = j->config.icount;
    r->unit.page_local_bits = j->config.page_local_bits;
    for (unsigned i = 0; i < n; i++) {
        TransBlock *tb = blocks[i];
        r->blocks[i] = tb;
        tb->region_refs++;
        InterpCode *copy = malloc(sizeof *copy);
        if (!copy || !(copy->insns = malloc(tb->code->count * sizeof *copy->insns)))
            abort();
        memcpy(copy->insns, tb->code->insns, tb->code->count * sizeof *copy->insns);
        copy->count = tb->code->count;
        copy->ntemps = tb->code->ntemps;
        r->unit.members[i] = (JitMember){.pc = tb->pc, .mode = tb->mode, .guest_start = tb->guest_start,
                                         .guest_end = tb->guest_end, .ninsns = tb->ninsns, .cost = tb->cost, .code = copy};
        r->bytes[i] = copy_guest_bytes(j, tb->guest_start, tb->guest_end);
    }
    r->next = j->regions;
    j->regions = r;
    enqueue(j, r);
}

void jit_submit(Jit *j, TransBlock *tb)
{
    if (j && !atomic_load(&tb->jit_busy) && !atomic_load(&tb->jit_fn))
        submit_members(j, &tb, 1);
}

/* The region an earlier run formed around head, if its blocks are all
 * translated now; else 0. */
static unsigned recipe_region(Jit *j, TransBlock *head, TransBlock **blocks)
{
    uint32_t members[REGION_MAX_BLOCKS][2];
    unsigned n = j->recipes ? recipes_find(j->recipes, head->pc, head->mode, members) : 0;
    for (unsigned i = 0; i < n; i++) {
        blocks[i] = block_cache_peek(j->config.cache, members[i][0], members[i][1]);
        if (!blocks[i] || (i == 0 && blocks[i] != head))
            return 0;
        for (unsigned k = 0; k < i; k++)
            if (blocks[k] == blocks[i])
                return 0; /* a damaged recipe: formation never repeats a block */
    }
    if (n)
        recipes_note_used(j->recipes);
    return n;
}

void jit_submit_region(Jit *j, TransBlock *head, uint64_t min_runs)
{
    if (!j || atomic_load(&head->jit_busy) || atomic_load(&head->jit_fn))
        return;
    TransBlock *blocks[REGION_MAX_BLOCKS];
    unsigned n = recipe_region(j, head, blocks);
    if (!n) {
        n = region_form(j->config.cache, head, min_runs, j->config.page_local_bits, blocks);
        if (j->recipes)
            recipes_add(j->recipes, blocks, n);
    }
    submit_members(j, blocks, n);
}

void jit_set_program(Jit *j, const uint8_t key[SHA256_SIZE])
{
    if (!j || !j->config.code_cache_dir || j->recipes)
        return;
    uint8_t recipes_key[SHA256_SIZE];
    Sha256 h; /* the program's, and how units are made: chained or not, counting or not */
    sha256_init(&h);
    sha256_update(&h, key, SHA256_SIZE);
    sha256_update(&h, &j->config.chain, sizeof j->config.chain);
    sha256_update(&h, &j->config.count, sizeof j->config.count);
    sha256_final(&h, recipes_key);
    /* An unusable directory is reported once, when compiled code is cached. */
    j->recipes = recipes_open(j->config.code_cache_dir, j->config.code_cache_max, recipes_key, NULL);
}

void jit_save_recipes(Jit *j)
{
    if (j)
        recipes_save(j->recipes);
}

/* A chain cell as compiled code reads it, as the word to write. */
static void **cell_word(Jit *j, void **cell)
{
    return j->ops->writable(j->backend, cell);
}

void jit_link(Jit *j, void **cell, JitFn fn)
{
    if (j->nlinks == j->links_cap) {
        j->links_cap = j->links_cap ? 2 * j->links_cap : 1024;
        if (!(j->links = realloc(j->links, j->links_cap * sizeof *j->links)))
            abort();
    }
    j->links[j->nlinks++] = cell;
    *cell_word(j, cell) = (void *)(uintptr_t)fn;
    j->stats.links++;
}

void jit_collect(Jit *j, CpuCommon *cpu)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->nlinks; i++)
        *cell_word(j, j->links[i]) = (void *)(uintptr_t)scion_chain_miss;
    j->nlinks = 0;
    j->stats.unlink_rounds++;
    if (cpu && cpu->lookup)
        memset(cpu->lookup, 0, JIT_LOOKUP_SIZE * sizeof *cpu->lookup);
    JitRegion **p = &j->regions;
    while (*p) {
        JitRegion *r = *p;
        if (r->state != REGION_RETIRED || r->compiling) {
            p = &r->next;
            continue;
        }
        *p = r->next;
        release_object(j, r->object);
        free(r->blocks);
        free(r);
    }
}

bool jit_release(Jit *j, TransBlock *tb)
{
    (void)j;
    return !atomic_load(&tb->jit_busy);
}

/* --- life cycle -------------------------------------------------------- */

/* With no compile thread left: regions it had not finished never will be. */
static void drop_unfinished(Jit *j)
{
    j->qcount = 0;
    for (JitRegion *r = j->regions; r; r = r->next)
        if (r->compiling) {
            r->compiling = false;
            free_unit_copies(r);
            atomic_store(&r->head->jit_busy, false);
            if (r->state != REGION_RETIRED)
                retire_region(r);
        }
}

static bool block_releasable(void *opaque, TransBlock *tb)
{
    return jit_release(opaque, tb);
}

Jit *jit_new(JitMode mode, Log *log, const JitConfig *config)
{
    if (mode == JIT_OFF)
        return NULL;
    Jit *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->mode = mode;
    j->log = log;
    j->config = *config;
    if (mode == JIT_CHECK)
        j->config.chain = false;
    pthread_mutex_init(&j->lock, NULL);
    pthread_mutex_init(&j->llvm_lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    block_cache_set_jit_hooks(config->cache, block_retired, block_releasable, j);
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
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    if (j->worker_started)
        pthread_join(j->worker, NULL);
    j->worker_started = false;
    jit_poll_slow(j);
    drop_unfinished(j);
}

void jit_free(Jit *j)
{
    if (!j)
        return;
    jit_stop(j);
    for (JitRegion *r = j->regions, *next; r; r = next) {
        next = r->next;
        free(r->blocks);
        free(r);
    }
    for (JitObject *o = j->objects, *next; o; o = next) {
        next = o->next;
        j->ops->remove(j->backend, o->resource); /* releases its resource tracker too */
        free(o);
    }
    if (j->backend_state > 0) {
        atomic_store(&j->backend_live, false);
        process_removals(j);
        j->ops->destroy(j->backend);
    }
    code_cache_close(j->code_cache);
    recipes_close(j->recipes);
    free(j->links);
    pthread_mutex_destroy(&j->lock);
    pthread_mutex_destroy(&j->llvm_lock);
    pthread_cond_destroy(&j->wake);
    free(j);
}

void jit_stats(Jit *j, JitStats *out)
{
    memset(out, 0, sizeof *out);
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    *out = j->stats;
    out->code_cache = code_cache_stats(j->code_cache);
    out->recipes = recipes_stats(j->recipes);
    pthread_mutex_unlock(&j->lock);
}

void jit_hold(Jit *j, bool hold)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->held = hold;
    pthread_cond_broadcast(&j->wake);
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
 * now on (children mostly exec soon).  Regions the parent's compile thread
 * had not finished are dropped. */
void jit_fork_child(Jit *j)
{
    if (!j)
        return;
    j->worker_started = false;
    recipes_fork_child(j->recipes);
    if (j->mode == JIT_BACKGROUND)
        j->mode = JIT_SYNC;
    /* The parent's compile thread was waiting on this condition; nobody does here. */
    pthread_cond_init(&j->wake, NULL);
    pthread_mutex_unlock(&j->lock);
    pthread_mutex_unlock(&j->llvm_lock);
    if (j->backend_state > 0 && !j->ops->fork_child(j->backend)) {
        /* The child's code would be the parent's, changing under it. */
        log_printf(j->log, "scion: no memory for the forked process's own copy of its compiled code\n");
        _exit(127);
    }
    jit_poll_slow(j);
    drop_unfinished(j);
}
