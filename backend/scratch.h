/*
 * Scratch memory for one compilation: bump-allocated, released all at
 * once.  Compiling a baseline block makes a dozen short-lived arrays (per
 * IR op, per temp); from malloc, with the frees and the first touch of
 * new heap pages, they cost about a tenth of a cold start.
 *
 *   scratch_reset(&s);                     before each compilation
 *   uint32_t *a = scratch_zalloc(&s, n, sizeof *a);
 *   ...                                    pointers stay valid until the next reset
 *
 * A request that does not fit takes a chunk of its own; the next reset
 * frees those and grows the main buffer to what the last compilation
 * needed, so steady state is one buffer and no malloc.
 */
#ifndef SCION_SCRATCH_H
#define SCION_SCRATCH_H

#include <stddef.h>

typedef struct ScratchChunk ScratchChunk;

typedef struct Scratch {
    unsigned char *base;
    size_t cap, used;
    size_t wanted;        /* bytes asked for since the last reset */
    ScratchChunk *extra;  /* chunks of requests that did not fit */
} Scratch;

/* n elements of size bytes, aligned for any type; abort()s when the host
 * is out of memory, like the compilers' other allocations. */
void *scratch_alloc(Scratch *s, size_t n, size_t size);
void *scratch_zalloc(Scratch *s, size_t n, size_t size);
void scratch_reset(Scratch *s);
void scratch_free(Scratch *s);

#endif
