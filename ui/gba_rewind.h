/*
 * The rewind ring: the machine's recent states, newest last, in bounded
 * memory.  States are stored zlib-compressed (most of a GBA's RAM is alike
 * from one snapshot to the next, and empty areas are zeros), and the oldest
 * are dropped to make room.
 *
 *   GbaRewind r;
 *   gba_rewind_init(&r, 600, 64u << 20);
 *   every few frames: gba_state_to_buffer(g, &buf, &len);
 *                     gba_rewind_push(&r, buf, len); free(buf);
 *   while rewinding:  if (gba_rewind_pop(&r, &buf, &len)) load it, free(buf);
 *   gba_rewind_free(&r);
 */
#ifndef SCION_GBA_REWIND_H
#define SCION_GBA_REWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct GbaRewindEntry {
    uint8_t *data; /* compressed */
    size_t stored; /* bytes at data */
    size_t raw;    /* bytes once inflated */
} GbaRewindEntry;

typedef struct GbaRewind {
    GbaRewindEntry *entries; /* a ring of max_entries */
    size_t max_entries;
    size_t max_bytes; /* of compressed data kept */
    size_t oldest;    /* index of the oldest entry */
    size_t count;
    size_t bytes;
} GbaRewind;

/* An empty ring holding at most max_entries states and max_bytes of
 * compressed data; false if out of memory or either limit is 0. */
bool gba_rewind_init(GbaRewind *r, size_t max_entries, size_t max_bytes);
void gba_rewind_free(GbaRewind *r);
/* Drop every state (after loading a save state, say: the past is another
 * timeline). */
void gba_rewind_clear(GbaRewind *r);
/* Keep a copy of state as the newest, dropping the oldest as the limits
 * need; false (ring unchanged) if it cannot be kept: larger than the whole
 * budget once compressed, or out of memory. */
bool gba_rewind_push(GbaRewind *r, const uint8_t *state, size_t len);
/* Remove the newest state and give it back in *state (malloc'd, the caller
 * frees); false if the ring is empty or the entry cannot be inflated. */
bool gba_rewind_pop(GbaRewind *r, uint8_t **state, size_t *len);
static inline size_t gba_rewind_count(const GbaRewind *r)
{
    return r->count;
}
static inline size_t gba_rewind_bytes(const GbaRewind *r)
{
    return r->bytes;
}

#endif
