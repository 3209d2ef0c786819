/* Double-mapped executable memory (see code_arena.h). */
#include "backend/code_arena.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct CodeArena {
    uint8_t *rw, *rx;
    size_t size, used;
    size_t populated; /* both views are mapped up to here */
    uint32_t generation;
    uint64_t resets;
};

/* Map a fresh memfd of a->size bytes at two addresses. */
static bool map_views(CodeArena *a)
{
    int fd = memfd_create("scion-baseline-code", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)a->size) != 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    a->rw = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    a->rx = mmap(NULL, a->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd); /* the mappings keep the memory */
    if (a->rw != MAP_FAILED && a->rx != MAP_FAILED)
        return true;
    if (a->rw != MAP_FAILED)
        munmap(a->rw, a->size);
    if (a->rx != MAP_FAILED)
        munmap(a->rx, a->size);
    return false;
}

CodeArena *code_arena_new(size_t size)
{
    CodeArena *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->size = size;
    if (!map_views(a)) {
        free(a);
        return NULL;
    }
    return a;
}

bool code_arena_fork_child(CodeArena *a)
{
    uint8_t *rw = a->rw, *rx = a->rx;
    bool ok = map_views(a);
    munmap(rw, a->size);
    munmap(rx, a->size);
    a->used = 0;
    a->populated = 0;
    a->generation++;
    return ok;
}

void code_arena_free(CodeArena *a)
{
    if (!a)
        return;
    munmap(a->rw, a->size);
    munmap(a->rx, a->size);
    free(a);
}

/* Every page of code would otherwise fault twice, written through one
 * view and then run through the other, and page faults are dear on a
 * virtualised host (they were a fifth of a cold `ls -l /`, with the
 * heap's).  Map the next stretch of both views in one call each instead.
 * Kernels before 5.14 lack the advice; they just fault. */
enum { POPULATE_STEP = 256 * 1024 };

static void populate_ahead(CodeArena *a, size_t end)
{
    if (end <= a->populated)
        return;
    size_t from = a->populated, to = end + POPULATE_STEP;
    to = to > a->size ? a->size : to & ~(size_t)(POPULATE_STEP - 1);
    madvise(a->rw + from, to - from, MADV_POPULATE_WRITE);
    madvise(a->rx + from, to - from, MADV_POPULATE_READ);
    a->populated = to;
}

uint8_t *code_arena_reserve(CodeArena *a, size_t want, size_t *cap)
{
    if (a->size - a->used < want) {
        /* Start over: the pages are given back, so a reset arena costs
         * only what is written into it again. */
        madvise(a->rw, a->size, MADV_REMOVE);
        a->used = 0;
        a->populated = 0;
        a->generation++;
        a->resets++;
    }
    populate_ahead(a, a->used + want);
    *cap = a->size - a->used;
    return a->rw + a->used;
}

void *code_arena_commit(CodeArena *a, size_t used)
{
    void *x = a->rx + a->used;
    a->used = (a->used + used + 15) & ~(size_t)15;
    if (a->used > a->size)
        a->used = a->size;
    return x;
}

uint8_t *code_arena_writable(CodeArena *a, size_t off)
{
    return a->rw + off;
}

uint8_t *code_arena_executable(CodeArena *a, size_t off)
{
    return a->rx + off;
}

uint32_t code_arena_generation(const CodeArena *a)
{
    return a->generation;
}

size_t code_arena_used(const CodeArena *a)
{
    return a->used;
}

size_t code_arena_size(const CodeArena *a)
{
    return a->size;
}

uint64_t code_arena_resets(const CodeArena *a)
{
    return a->resets;
}
