/* Guest RAM pages in the snapshot stream (snapshot/ram.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "snapshot/ram.h"
#include "snapshot/vmstate.h"

#define CHUNK_BYTES ((size_t)SNAP_CHUNK_PAGES * SNAP_PAGE_SIZE)
#define RECORD_HEAD 24 /* index, two masks, compressed length */

static bool page_is_zero(const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *)p;
    uint64_t acc = 0;
    for (unsigned i = 0; i < SNAP_PAGE_SIZE / 8; i += 8) {
        acc |= w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7];
        if (acc)
            return false;
    }
    return true;
}

typedef struct RamWriter {
    SnapSink *sink;
    VmsBuf buf;
    uint64_t size;
    z_stream z;
    uint8_t *scratch; /* one chunk's compressed data */
    SnapRamStats *stats;
} RamWriter;

static void flush_section(RamWriter *w)
{
    if (w->buf.len > 8) {
        snap_write_section(w->sink, "ram", 0, SNAP_RAM_VERSION, w->buf.data, w->buf.len);
        w->stats->bytes += w->buf.len;
    }
    w->buf.len = 0;
    vms_buf_put_le(&w->buf, w->size, 8);
}

/* Compresses the data pages of one chunk into w->scratch; returns the length. */
static size_t compress_pages(RamWriter *w, const uint8_t *chunk, uint64_t data_mask)
{
    deflateReset(&w->z);
    w->z.next_out = w->scratch;
    w->z.avail_out = (uInt)deflateBound(&w->z, CHUNK_BYTES);
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES; i++) {
        if (!(data_mask >> i & 1))
            continue;
        w->z.next_in = (Bytef *)(chunk + (size_t)i * SNAP_PAGE_SIZE);
        w->z.avail_in = SNAP_PAGE_SIZE;
        deflate(&w->z, Z_NO_FLUSH);
    }
    deflate(&w->z, Z_FINISH);
    return (size_t)(w->z.next_out - w->scratch);
}

static void write_chunk(RamWriter *w, uint64_t index, const uint8_t *ram, const uint8_t *dirty)
{
    uint64_t first = index * SNAP_CHUNK_PAGES, pages = w->size >> SNAP_PAGE_BITS;
    uint64_t zero_mask = 0, data_mask = 0;
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES && first + i < pages; i++) {
        if (dirty && !dirty[first + i])
            continue;
        bool zero = page_is_zero(ram + ((first + i) << SNAP_PAGE_BITS));
        if (zero && dirty)
            zero_mask |= 1ull << i;
        else if (!zero)
            data_mask |= 1ull << i;
    }
    if (!zero_mask && !data_mask)
        return;
    size_t clen = data_mask ? compress_pages(w, ram + (first << SNAP_PAGE_BITS), data_mask) : 0;
    if (w->buf.len + RECORD_HEAD + clen > SNAP_RAM_SECTION_BYTES)
        flush_section(w);
    vms_buf_put_le(&w->buf, index, 4);
    vms_buf_put_le(&w->buf, zero_mask, 8);
    vms_buf_put_le(&w->buf, data_mask, 8);
    vms_buf_put_le(&w->buf, clen, 4);
    vms_buf_put(&w->buf, w->scratch, clen);
    w->stats->pages_sent += (uint64_t)__builtin_popcountll(zero_mask | data_mask);
    w->stats->zero_pages_sent += (uint64_t)__builtin_popcountll(zero_mask);
}

void snap_ram_write(SnapSink *s, const uint8_t *ram, uint64_t size, const uint8_t *dirty, int level,
                    SnapRamStats *stats)
{
    SnapRamStats ignored;
    RamWriter w = {.sink = s, .size = size, .stats = stats ? stats : &ignored};
    *w.stats = (SnapRamStats){0};
    if (deflateInit(&w.z, level) != Z_OK) {
        s->failed = true;
        return;
    }
    w.scratch = malloc(deflateBound(&w.z, CHUNK_BYTES));
    if (!w.scratch)
        s->failed = true;
    flush_section(&w);
    uint64_t chunks = ((size >> SNAP_PAGE_BITS) + SNAP_CHUNK_PAGES - 1) / SNAP_CHUNK_PAGES;
    for (uint64_t c = 0; c < chunks && !s->failed && !w.buf.failed; c++)
        write_chunk(&w, c, ram, dirty);
    flush_section(&w);
    if (w.buf.failed)
        s->failed = true;
    deflateEnd(&w.z);
    free(w.scratch);
    vms_buf_free(&w.buf);
}

/* --- loading -------------------------------------------------------------- */

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Inflates exactly the data pages of one record into their places. */
static bool inflate_pages(uint8_t *chunk, uint64_t data_mask, const uint8_t *src, size_t clen)
{
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK)
        return false;
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)clen;
    int rc = Z_OK;
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES && (rc == Z_OK || rc == Z_STREAM_END); i++) {
        if (!(data_mask >> i & 1))
            continue;
        z.next_out = chunk + (size_t)i * SNAP_PAGE_SIZE;
        z.avail_out = SNAP_PAGE_SIZE;
        rc = inflate(&z, Z_SYNC_FLUSH);
        if (z.avail_out != 0)
            rc = Z_DATA_ERROR; /* a short page: the stream ended early */
    }
    /* The stream must end exactly after the last page. */
    uint8_t extra;
    if (rc == Z_OK || rc == Z_STREAM_END) {
        z.next_out = &extra;
        z.avail_out = 1;
        rc = inflate(&z, Z_FINISH);
    }
    bool ok = rc == Z_STREAM_END && z.avail_out == 1 && z.avail_in == 0;
    inflateEnd(&z);
    return ok;
}

static bool apply_record(const uint8_t **pp, const uint8_t *end, uint8_t *ram, uint64_t size, char *err,
                         size_t errlen)
{
    const uint8_t *p = *pp;
    if ((size_t)(end - p) < RECORD_HEAD) {
        snprintf(err, errlen, "section ram: a page record is truncated");
        return false;
    }
    uint64_t index = get_le(p, 4), zero_mask = get_le(p + 4, 8), data_mask = get_le(p + 12, 8);
    uint64_t clen = get_le(p + 20, 4), pages = size >> SNAP_PAGE_BITS, first = index * SNAP_CHUNK_PAGES;
    p += RECORD_HEAD;
    uint64_t in_chunk = first < pages ? (pages - first < SNAP_CHUNK_PAGES ? pages - first : SNAP_CHUNK_PAGES) : 0;
    uint64_t valid = in_chunk == SNAP_CHUNK_PAGES ? ~0ull : (1ull << in_chunk) - 1;
    if (!in_chunk || ((zero_mask | data_mask) & ~valid) || (zero_mask & data_mask) || clen > (uint64_t)(end - p) ||
        (!data_mask != !clen)) {
        snprintf(err, errlen, "section ram: page record for chunk %llu is corrupt", (unsigned long long)index);
        return false;
    }
    uint8_t *chunk = ram + (first << SNAP_PAGE_BITS);
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES; i++)
        if (zero_mask >> i & 1)
            memset(chunk + (size_t)i * SNAP_PAGE_SIZE, 0, SNAP_PAGE_SIZE);
    if (data_mask && !inflate_pages(chunk, data_mask, p, clen)) {
        snprintf(err, errlen, "section ram: the pages of chunk %llu do not decompress", (unsigned long long)index);
        return false;
    }
    *pp = p + clen;
    return true;
}

bool snap_ram_apply(const SnapSection *sec, uint8_t *ram, uint64_t size, char *err, size_t errlen)
{
    if (sec->version > SNAP_RAM_VERSION) {
        snprintf(err, errlen, "section ram has version %u; this scion reads up to version %u", sec->version,
                 SNAP_RAM_VERSION);
        return false;
    }
    if (sec->len < 8 || get_le(sec->data, 8) != size) {
        snprintf(err, errlen, "section ram is for %llu MiB of RAM; this machine has %llu MiB",
                 sec->len < 8 ? 0ull : (unsigned long long)(get_le(sec->data, 8) >> 20),
                 (unsigned long long)(size >> 20));
        return false;
    }
    const uint8_t *p = sec->data + 8, *end = sec->data + sec->len;
    while (p < end)
        if (!apply_record(&p, end, ram, size, err, errlen))
            return false;
    return true;
}
