/* Packed, double-mapped memory for linked LLVM units (see llvm_memory.h). */
#include "backend/llvm_memory.h"

#include <llvm-c/OrcEE.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Every allocation is a multiple of this, and at least this aligned. */
#define GRANULE 16

typedef struct Extent {
    size_t off, len;
} Extent;

struct LlvmMemory {
    uint8_t *rw, *rx;
    size_t size;
    pthread_mutex_t lock;
    Extent *free_list; /* sorted by offset, never adjacent */
    size_t nfree, free_cap;
    size_t high; /* end of the highest allocation so far */
};

/* The sections of one object: freed together when ORC removes it. */
typedef struct ObjectMemory {
    LlvmMemory *heap;
    Extent *taken;
    size_t ntaken, cap;
} ObjectMemory;

LlvmMemory *llvm_memory_new(size_t size)
{
    LlvmMemory *m = calloc(1, sizeof *m);
    int fd = memfd_create("scion-llvm-code", MFD_CLOEXEC);
    if (!m || fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        if (fd >= 0)
            close(fd);
        free(m);
        return NULL;
    }
    m->size = size;
    m->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m->rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd); /* the mappings keep the memory */
    m->free_list = malloc(sizeof *m->free_list);
    if (m->rw == MAP_FAILED || m->rx == MAP_FAILED || !m->free_list) {
        m->free_list = (free(m->free_list), NULL);
        llvm_memory_free(m);
        return NULL;
    }
    m->free_list[0] = (Extent){0, size};
    m->nfree = m->free_cap = 1;
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void llvm_memory_free(LlvmMemory *m)
{
    if (!m)
        return;
    if (m->rw && m->rw != MAP_FAILED)
        munmap(m->rw, m->size);
    if (m->rx && m->rx != MAP_FAILED)
        munmap(m->rx, m->size);
    if (m->free_list)
        pthread_mutex_destroy(&m->lock);
    free(m->free_list);
    free(m);
}

static void insert_extent(LlvmMemory *m, size_t at, Extent x)
{
    if (m->nfree == m->free_cap) {
        m->free_cap *= 2;
        if (!(m->free_list = realloc(m->free_list, m->free_cap * sizeof *m->free_list)))
            abort();
    }
    memmove(&m->free_list[at + 1], &m->free_list[at], (m->nfree - at) * sizeof *m->free_list);
    m->free_list[at] = x;
    m->nfree++;
}

static void remove_extent(LlvmMemory *m, size_t at)
{
    memmove(&m->free_list[at], &m->free_list[at + 1], (m->nfree - at - 1) * sizeof *m->free_list);
    m->nfree--;
}

/* First fit; the offset of len bytes aligned to align, or SIZE_MAX. */
static size_t take(LlvmMemory *m, size_t len, size_t align)
{
    for (size_t i = 0; i < m->nfree; i++) {
        Extent e = m->free_list[i];
        size_t start = (e.off + align - 1) & ~(align - 1);
        if (start < e.off || start - e.off > e.len || e.len - (start - e.off) < len)
            continue;
        remove_extent(m, i);
        size_t after = e.off + e.len - (start + len);
        if (after)
            insert_extent(m, i, (Extent){start + len, after});
        if (start > e.off)
            insert_extent(m, i, (Extent){e.off, start - e.off});
        if (start + len > m->high)
            m->high = start + len;
        return start;
    }
    return SIZE_MAX;
}

static void give_back(LlvmMemory *m, Extent x)
{
    size_t i = 0;
    while (i < m->nfree && m->free_list[i].off < x.off)
        i++;
    if (i > 0 && m->free_list[i - 1].off + m->free_list[i - 1].len == x.off) {
        x.off = m->free_list[i - 1].off;
        x.len += m->free_list[i - 1].len;
        remove_extent(m, --i);
    }
    if (i < m->nfree && x.off + x.len == m->free_list[i].off) {
        x.len += m->free_list[i].len;
        remove_extent(m, i);
    }
    insert_extent(m, i, x);
}

uintptr_t llvm_memory_executable(const LlvmMemory *m, uintptr_t linked)
{
    uintptr_t rw = (uintptr_t)m->rw;
    return linked - rw < m->size ? (uintptr_t)m->rx + (linked - rw) : linked;
}

bool llvm_memory_contains(const LlvmMemory *m, uintptr_t x)
{
    return x - (uintptr_t)m->rx < m->size;
}

void *llvm_memory_writable(const LlvmMemory *m, void *executable)
{
    uintptr_t x = (uintptr_t)executable, rx = (uintptr_t)m->rx;
    return x - rx < m->size ? m->rw + (x - rx) : executable;
}

bool llvm_memory_fork_child(LlvmMemory *m)
{
    int fd = memfd_create("scion-llvm-code", MFD_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = ftruncate(fd, (off_t)m->size) == 0 && pwrite(fd, m->rw, m->high, 0) == (ssize_t)m->high &&
              mmap(m->rw, m->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == m->rw &&
              mmap(m->rx, m->size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, fd, 0) == m->rx;
    close(fd);
    pthread_mutex_init(&m->lock, NULL); /* only this thread is left */
    return ok;
}

/* --- RuntimeDyld's memory manager callbacks ------------------------------ */

static void *create_context(void *heap)
{
    ObjectMemory *o = calloc(1, sizeof *o);
    if (o)
        o->heap = heap;
    return o;
}

static void notify_terminating(void *heap)
{
    (void)heap;
}

static uint8_t *allocate(ObjectMemory *o, uintptr_t size, unsigned alignment)
{
    LlvmMemory *m = o->heap;
    size_t align = alignment > GRANULE ? alignment : GRANULE;
    size_t len = ((size_t)size + GRANULE - 1) & ~(size_t)(GRANULE - 1);
    if (len == 0)
        len = GRANULE;
    if (align & (align - 1))
        return NULL;
    if (o->ntaken == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 8;
        Extent *t = realloc(o->taken, cap * sizeof *t);
        if (!t)
            return NULL;
        o->taken = t;
        o->cap = cap;
    }
    pthread_mutex_lock(&m->lock);
    size_t off = take(m, len, align);
    pthread_mutex_unlock(&m->lock);
    if (off == SIZE_MAX)
        return NULL;
    o->taken[o->ntaken++] = (Extent){off, len};
    memset(m->rw + off, 0, len); /* reused space still holds a removed object's bytes */
    return m->rw + off;
}

static uint8_t *allocate_code(void *opaque, uintptr_t size, unsigned alignment, unsigned id, const char *name)
{
    (void)id, (void)name;
    return allocate(opaque, size, alignment);
}

static uint8_t *allocate_data(void *opaque, uintptr_t size, unsigned alignment, unsigned id, const char *name,
                              LLVMBool read_only)
{
    (void)id, (void)name, (void)read_only;
    return allocate(opaque, size, alignment);
}

/* Nothing to change: the executable view already shows what was written. */
static LLVMBool finalize(void *opaque, char **error)
{
    (void)opaque, (void)error;
    return 0;
}

static void destroy(void *opaque)
{
    ObjectMemory *o = opaque;
    pthread_mutex_lock(&o->heap->lock);
    for (size_t i = 0; i < o->ntaken; i++)
        give_back(o->heap, o->taken[i]);
    pthread_mutex_unlock(&o->heap->lock);
    free(o->taken);
    free(o);
}

LLVMOrcObjectLayerRef llvm_memory_object_layer(LlvmMemory *m, LLVMOrcExecutionSessionRef es)
{
    return LLVMOrcCreateRTDyldObjectLinkingLayerWithMCJITMemoryManagerLikeCallbacks(
        es, m, create_context, notify_terminating, allocate_code, allocate_data, finalize, destroy);
}
