/* Guest RAM pages in the snapshot stream (snapshot/ram.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
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

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Pages the host never backed (neither present nor swapped, by
 * /proc/self/pagemap) read as zero: scanning them would only fault in the
 * zero page, which costs more than the scan.  One byte per page, non-zero
 * for a page that may hold data; NULL if pagemap cannot be read. */
static uint8_t *backed_pages(const uint8_t *ram, uint64_t pages)
{
    enum { BATCH = 4096 };
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    uint8_t *backed = fd >= 0 ? malloc(pages) : NULL;
    uint64_t entry[BATCH], host_page = (uintptr_t)ram / (uint64_t)sysconf(_SC_PAGESIZE);
    /* Guest page i must be host page host_page + i: RAM that does not start
     * on a host page (a heap buffer) is scanned instead. */
    bool ok = backed && sysconf(_SC_PAGESIZE) == SNAP_PAGE_SIZE && (uintptr_t)ram % SNAP_PAGE_SIZE == 0;
    for (uint64_t p = 0; ok && p < pages; p += BATCH) {
        size_t n = pages - p < BATCH ? (size_t)(pages - p) : BATCH;
        ok = pread(fd, entry, n * 8, (off_t)((host_page + p) * 8)) == (ssize_t)(n * 8);
        for (size_t i = 0; ok && i < n; i++)
            backed[p + i] = (entry[i] >> 62) != 0; /* bit 63 present, bit 62 swapped */
    }
    if (fd >= 0)
        close(fd);
    if (!ok) {
        free(backed);
        return NULL;
    }
    return backed;
}

/* One thread's share of the chunks, encoded as records in chunk order. */
typedef struct Encoder {
    const uint8_t *ram, *dirty, *backed; /* backed: backed_pages(), or NULL (scan every page) */
    uint64_t size, first_chunk, end_chunk;
    int level;
    VmsBuf records;
    SnapRamStats stats;
    pthread_t thread;
    bool started;
} Encoder;

/* Compresses the data pages of one chunk into out; returns the length. */
static size_t compress_pages(z_stream *z, const uint8_t *chunk, uint64_t data_mask, uint8_t *out)
{
    deflateReset(z);
    z->next_out = out;
    z->avail_out = (uInt)deflateBound(z, CHUNK_BYTES);
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES; i++) {
        if (!(data_mask >> i & 1))
            continue;
        z->next_in = (Bytef *)(chunk + (size_t)i * SNAP_PAGE_SIZE);
        z->avail_in = SNAP_PAGE_SIZE;
        deflate(z, Z_NO_FLUSH);
    }
    deflate(z, Z_FINISH);
    return (size_t)(z->next_out - out);
}

static void encode_chunk(Encoder *e, z_stream *z, uint8_t *scratch, uint64_t index)
{
    uint64_t first = index * SNAP_CHUNK_PAGES, pages = e->size >> SNAP_PAGE_BITS;
    uint64_t zero_mask = 0, data_mask = 0;
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES && first + i < pages; i++) {
        if (e->dirty && !e->dirty[first + i])
            continue;
        bool zero = (e->backed && !e->backed[first + i]) || page_is_zero(e->ram + ((first + i) << SNAP_PAGE_BITS));
        if (zero && e->dirty)
            zero_mask |= 1ull << i;
        else if (!zero)
            data_mask |= 1ull << i;
    }
    if (!zero_mask && !data_mask)
        return;
    size_t clen = data_mask ? compress_pages(z, e->ram + (first << SNAP_PAGE_BITS), data_mask, scratch) : 0;
    vms_buf_put_le(&e->records, index, 4);
    vms_buf_put_le(&e->records, zero_mask, 8);
    vms_buf_put_le(&e->records, data_mask, 8);
    vms_buf_put_le(&e->records, clen, 4);
    vms_buf_put(&e->records, scratch, clen);
    e->stats.pages_sent += (uint64_t)__builtin_popcountll(zero_mask | data_mask);
    e->stats.zero_pages_sent += (uint64_t)__builtin_popcountll(zero_mask);
}

static void *encode_range(void *opaque)
{
    Encoder *e = opaque;
    z_stream z = {0};
    uint8_t *scratch = NULL;
    if (deflateInit(&z, e->level) != Z_OK || !(scratch = malloc(deflateBound(&z, CHUNK_BYTES))))
        e->records.failed = true;
    for (uint64_t c = e->first_chunk; c < e->end_chunk && !e->records.failed; c++)
        encode_chunk(e, &z, scratch, c);
    deflateEnd(&z);
    free(scratch);
    return NULL;
}

/* Packs the encoders' records, in order, into "ram" sections. */
static void emit_sections(SnapSink *s, uint64_t size, Encoder *enc, unsigned n, SnapRamStats *stats)
{
    VmsBuf sec = {0};
    for (unsigned k = 0; k <= n; k++) {
        /* An encoder with no records has data NULL (and NULL + 0 is undefined). */
        const uint8_t *p = k < n ? enc[k].records.data : NULL, *end = p ? p + enc[k].records.len : NULL;
        while (p < end || k == n) {
            size_t rec = k < n ? RECORD_HEAD + get_le(p + 20, 4) : 0;
            if (sec.len && (k == n || sec.len + rec > SNAP_RAM_SECTION_BYTES)) {
                snap_write_section(s, "ram", 0, SNAP_RAM_VERSION, sec.data, sec.len);
                stats->bytes += sec.len;
                sec.len = 0;
            }
            if (k == n)
                break;
            if (!sec.len)
                vms_buf_put_le(&sec, size, 8);
            vms_buf_put(&sec, p, rec);
            p += rec;
        }
    }
    if (sec.failed)
        s->failed = true;
    vms_buf_free(&sec);
}

#define MAX_ENCODERS 4

void snap_ram_write(SnapSink *s, const uint8_t *ram, uint64_t size, const uint8_t *dirty, int level,
                    SnapRamStats *stats)
{
    SnapRamStats ignored;
    stats = stats ? stats : &ignored;
    *stats = (SnapRamStats){0};
    /* A migration round names its pages: only a full save scans all RAM. */
    uint8_t *backed = dirty ? NULL : backed_pages(ram, size >> SNAP_PAGE_BITS);
    uint64_t chunks = ((size >> SNAP_PAGE_BITS) + SNAP_CHUNK_PAGES - 1) / SNAP_CHUNK_PAGES;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cpus < 1 ? 1 : cpus > MAX_ENCODERS ? MAX_ENCODERS : (unsigned)cpus;
    Encoder enc[MAX_ENCODERS];
    for (unsigned k = 0; k < n; k++) {
        enc[k] = (Encoder){.ram = ram, .dirty = dirty, .backed = backed, .size = size, .first_chunk = chunks * k / n,
                           .end_chunk = chunks * (k + 1) / n, .level = level};
        /* The calling thread encodes the last share itself. */
        enc[k].started = k + 1 < n && pthread_create(&enc[k].thread, NULL, encode_range, &enc[k]) == 0;
        if (k + 1 == n)
            encode_range(&enc[k]);
    }
    for (unsigned k = 0; k + 1 < n; k++)
        if (enc[k].started)
            pthread_join(enc[k].thread, NULL);
        else
            encode_range(&enc[k]);
    for (unsigned k = 0; k < n; k++) {
        s->failed |= enc[k].records.failed;
        stats->pages_sent += enc[k].stats.pages_sent;
        stats->zero_pages_sent += enc[k].stats.zero_pages_sent;
    }
    if (!s->failed)
        emit_sections(s, size, enc, n, stats);
    for (unsigned k = 0; k < n; k++)
        vms_buf_free(&enc[k].records);
    free(backed);
}

/* --- loading -------------------------------------------------------------- */

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
