/* The rewind ring (see gba_rewind.h).  Compression is zlib's fastest
 * level: a state is taken every few frames, and the time matters more than
 * the last few percent of size. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ui/gba_rewind.h"

bool gba_rewind_init(GbaRewind *r, size_t max_entries, size_t max_bytes)
{
    memset(r, 0, sizeof *r);
    if (max_entries == 0 || max_bytes == 0)
        return false;
    r->entries = calloc(max_entries, sizeof *r->entries);
    r->max_entries = max_entries;
    r->max_bytes = max_bytes;
    return r->entries != NULL;
}

static GbaRewindEntry *entry_at(GbaRewind *r, size_t age_from_oldest)
{
    return &r->entries[(r->oldest + age_from_oldest) % r->max_entries];
}

static void drop_oldest(GbaRewind *r)
{
    GbaRewindEntry *e = entry_at(r, 0);
    r->bytes -= e->stored;
    free(e->data);
    *e = (GbaRewindEntry){0};
    r->oldest = (r->oldest + 1) % r->max_entries;
    r->count--;
}

void gba_rewind_clear(GbaRewind *r)
{
    while (r->count)
        drop_oldest(r);
}

void gba_rewind_free(GbaRewind *r)
{
    if (r->entries)
        gba_rewind_clear(r);
    free(r->entries);
    memset(r, 0, sizeof *r);
}

/* The state deflated into a buffer of its own size; NULL if out of memory
 * or too large for zlib's lengths. */
static uint8_t *deflate_state(const uint8_t *state, size_t len, size_t *stored)
{
    if ((uLong)len != len)
        return NULL;
    uLong cap = compressBound((uLong)len);
    uint8_t *z = malloc(cap);
    if (!z)
        return NULL;
    uLongf zlen = cap;
    if (compress2(z, &zlen, state, (uLong)len, Z_BEST_SPEED) != Z_OK) {
        free(z);
        return NULL;
    }
    uint8_t *shrunk = realloc(z, zlen ? zlen : 1);
    *stored = zlen;
    return shrunk ? shrunk : z;
}

bool gba_rewind_push(GbaRewind *r, const uint8_t *state, size_t len)
{
    size_t stored;
    uint8_t *z = deflate_state(state, len, &stored);
    if (!z || stored > r->max_bytes) {
        free(z);
        return false;
    }
    while (r->count && (r->count == r->max_entries || r->bytes + stored > r->max_bytes))
        drop_oldest(r);
    *entry_at(r, r->count) = (GbaRewindEntry){z, stored, len};
    r->count++;
    r->bytes += stored;
    return true;
}

bool gba_rewind_pop(GbaRewind *r, uint8_t **state, size_t *len)
{
    if (r->count == 0)
        return false;
    GbaRewindEntry e = *entry_at(r, r->count - 1);
    *entry_at(r, r->count - 1) = (GbaRewindEntry){0};
    r->count--;
    r->bytes -= e.stored;
    uint8_t *raw = malloc(e.raw ? e.raw : 1);
    uLongf raw_len = e.raw;
    bool ok = raw && uncompress(raw, &raw_len, e.data, e.stored) == Z_OK && raw_len == e.raw;
    free(e.data);
    if (!ok) {
        free(raw);
        return false;
    }
    *state = raw;
    *len = e.raw;
    return true;
}
