/* Bump allocation for one compilation (scratch.h). */
#include "backend/scratch.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ScratchChunk {
    ScratchChunk *next;
    alignas(max_align_t) unsigned char data[];
};

enum { SCRATCH_MIN = 64 * 1024 };

static size_t round_up(size_t n)
{
    return (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
}

void *scratch_alloc(Scratch *s, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / 2 / size)
        abort();
    size_t bytes = round_up(n * size > 0 ? n * size : 1);
    s->wanted += bytes;
    if (s->cap - s->used >= bytes) {
        void *p = s->base + s->used;
        s->used += bytes;
        return p;
    }
    ScratchChunk *c = malloc(sizeof *c + bytes);
    if (!c)
        abort();
    c->next = s->extra;
    s->extra = c;
    return c->data;
}

void *scratch_zalloc(Scratch *s, size_t n, size_t size)
{
    void *p = scratch_alloc(s, n, size);
    memset(p, 0, n * size);
    return p;
}

static void free_extra(Scratch *s)
{
    while (s->extra) {
        ScratchChunk *next = s->extra->next;
        free(s->extra);
        s->extra = next;
    }
}

void scratch_reset(Scratch *s)
{
    if (s->extra || !s->base) {
        free_extra(s);
        size_t cap = s->wanted * 2 > SCRATCH_MIN ? s->wanted * 2 : SCRATCH_MIN;
        unsigned char *base = malloc(cap);
        if (!base)
            abort();
        free(s->base);
        s->base = base;
        s->cap = cap;
    }
    s->used = 0;
    s->wanted = 0;
}

void scratch_free(Scratch *s)
{
    free_extra(s);
    free(s->base);
    *s = (Scratch){0};
}
