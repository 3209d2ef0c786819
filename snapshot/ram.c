/* Guest RAM pages in the snapshot stream (snapshot/ram.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
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

#define MAX_WORKERS 4

/* Runs fn(arg) on up to one thread per core (at most MAX_WORKERS, and no
 * more than there are work items), the calling thread being one of them;
 * fn takes work items from arg until none are left. */
static void run_on_cores(void *(*fn)(void *), void *arg, uint64_t items)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (unsigned)cpus;
    n = items < n ? 1 : n;
    pthread_t helper[MAX_WORKERS];
    bool started[MAX_WORKERS] = {false};
    for (unsigned k = 0; k + 1 < n; k++)
        started[k] = pthread_create(&helper[k], NULL, fn, arg) == 0;
    fn(arg);
    for (unsigned k = 0; k + 1 < n; k++)
        if (started[k])
            pthread_join(helper[k], NULL);
}

/* RAM is encoded in blocks of BLOCK_CHUNKS chunks (2 MiB), handed out to
 * the encoding threads one at a time: guest data clusters (the kernel at
 * the bottom, page cache wherever), so fixed halves would leave one thread
 * idle.  A block's records never exceed a section, so each non-empty
 * block becomes one section, in block order. */
#define BLOCK_CHUNKS 8

typedef struct EncodeJob {
    const uint8_t *ram, *dirty, *backed; /* backed: backed_pages(), or NULL (scan every page) */
    uint64_t size, chunks;
    int level;
    atomic_uint_fast64_t next_block;
    VmsBuf *blocks;                      /* one record buffer per block */
    atomic_uint_fast64_t pages_sent, zero_pages_sent;
    atomic_bool failed;
} EncodeJob;

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

static void encode_chunk(EncodeJob *j, VmsBuf *out, z_stream *z, uint8_t *scratch, uint64_t index)
{
    uint64_t first = index * SNAP_CHUNK_PAGES, pages = j->size >> SNAP_PAGE_BITS;
    uint64_t zero_mask = 0, data_mask = 0;
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES && first + i < pages; i++) {
        if (j->dirty && !j->dirty[first + i])
            continue;
        bool zero = (j->backed && !j->backed[first + i]) || page_is_zero(j->ram + ((first + i) << SNAP_PAGE_BITS));
        if (zero && j->dirty)
            zero_mask |= 1ull << i;
        else if (!zero)
            data_mask |= 1ull << i;
    }
    if (!zero_mask && !data_mask)
        return;
    size_t clen = data_mask ? compress_pages(z, j->ram + (first << SNAP_PAGE_BITS), data_mask, scratch) : 0;
    vms_buf_put_le(out, index, 4);
    vms_buf_put_le(out, zero_mask, 8);
    vms_buf_put_le(out, data_mask, 8);
    vms_buf_put_le(out, clen, 4);
    vms_buf_put(out, scratch, clen);
    atomic_fetch_add(&j->pages_sent, (uint64_t)__builtin_popcountll(zero_mask | data_mask));
    atomic_fetch_add(&j->zero_pages_sent, (uint64_t)__builtin_popcountll(zero_mask));
}

static void *encode_blocks(void *opaque)
{
    EncodeJob *j = opaque;
    z_stream z = {0};
    uint8_t *scratch = NULL;
    if (deflateInit(&z, j->level) != Z_OK || !(scratch = malloc(deflateBound(&z, CHUNK_BYTES))))
        atomic_store(&j->failed, true);
    uint64_t blocks = (j->chunks + BLOCK_CHUNKS - 1) / BLOCK_CHUNKS, b;
    while (!atomic_load(&j->failed) && (b = atomic_fetch_add(&j->next_block, 1)) < blocks) {
        for (uint64_t c = b * BLOCK_CHUNKS; c < (b + 1) * BLOCK_CHUNKS && c < j->chunks; c++)
            encode_chunk(j, &j->blocks[b], &z, scratch, c);
        if (j->blocks[b].failed)
            atomic_store(&j->failed, true);
    }
    deflateEnd(&z);
    free(scratch);
    return NULL;
}

static void emit_sections(SnapSink *s, const EncodeJob *j, SnapRamStats *stats)
{
    uint8_t prefix[8];
    for (unsigned i = 0; i < 8; i++)
        prefix[i] = (uint8_t)(j->size >> (8 * i));
    for (uint64_t b = 0; b < (j->chunks + BLOCK_CHUNKS - 1) / BLOCK_CHUNKS; b++) {
        if (!j->blocks[b].len)
            continue;
        snap_write_section2(s, "ram", 0, SNAP_RAM_VERSION, prefix, sizeof prefix, j->blocks[b].data,
                            j->blocks[b].len);
        stats->bytes += sizeof prefix + j->blocks[b].len;
    }
}

void snap_ram_write(SnapSink *s, const uint8_t *ram, uint64_t size, const uint8_t *dirty, int level,
                    SnapRamStats *stats)
{
    SnapRamStats ignored;
    stats = stats ? stats : &ignored;
    *stats = (SnapRamStats){0};
    uint64_t chunks = ((size >> SNAP_PAGE_BITS) + SNAP_CHUNK_PAGES - 1) / SNAP_CHUNK_PAGES;
    uint64_t blocks = (chunks + BLOCK_CHUNKS - 1) / BLOCK_CHUNKS;
    /* A migration round names its pages: only a full save scans all RAM. */
    EncodeJob j = {.ram = ram, .dirty = dirty, .backed = dirty ? NULL : backed_pages(ram, size >> SNAP_PAGE_BITS),
                   .size = size, .chunks = chunks, .level = level, .blocks = calloc(blocks ? blocks : 1, sizeof(VmsBuf))};
    if (!j.blocks) {
        s->failed = true;
        free((void *)j.backed);
        return;
    }
    run_on_cores(encode_blocks, &j, blocks);
    stats->pages_sent = atomic_load(&j.pages_sent);
    stats->zero_pages_sent = atomic_load(&j.zero_pages_sent);
    s->failed |= atomic_load(&j.failed);
    if (!s->failed)
        emit_sections(s, &j, stats);
    for (uint64_t b = 0; b < blocks; b++)
        vms_buf_free(&j.blocks[b]);
    free(j.blocks);
    free((void *)j.backed);
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

/* One page record, checked against the RAM size. */
typedef struct SnapRamRecord {
    uint64_t index, zero_mask, data_mask;
    const uint8_t *data;
    size_t clen;
} SnapRamRecord;
typedef SnapRamRecord Record;

static bool parse_record(const uint8_t **pp, const uint8_t *end, uint64_t size, Record *r, char *err, size_t errlen)
{
    const uint8_t *p = *pp;
    if ((size_t)(end - p) < RECORD_HEAD) {
        snprintf(err, errlen, "section ram: a page record is truncated");
        return false;
    }
    *r = (Record){get_le(p, 4), get_le(p + 4, 8), get_le(p + 12, 8), p + RECORD_HEAD, get_le(p + 20, 4)};
    uint64_t pages = size >> SNAP_PAGE_BITS, first = r->index * SNAP_CHUNK_PAGES;
    uint64_t in_chunk = first < pages ? (pages - first < SNAP_CHUNK_PAGES ? pages - first : SNAP_CHUNK_PAGES) : 0;
    uint64_t valid = in_chunk == SNAP_CHUNK_PAGES ? ~0ull : (1ull << in_chunk) - 1;
    if (!in_chunk || ((r->zero_mask | r->data_mask) & ~valid) || (r->zero_mask & r->data_mask) ||
        r->clen > (uint64_t)(end - r->data) || (!r->data_mask != !r->clen)) {
        snprintf(err, errlen, "section ram: page record for chunk %llu is corrupt", (unsigned long long)r->index);
        return false;
    }
    *pp = r->data + r->clen;
    return true;
}

static bool apply_record(const Record *r, uint8_t *ram)
{
    uint8_t *chunk = ram + ((r->index * SNAP_CHUNK_PAGES) << SNAP_PAGE_BITS);
    for (unsigned i = 0; i < SNAP_CHUNK_PAGES; i++)
        if (r->zero_mask >> i & 1)
            memset(chunk + (size_t)i * SNAP_PAGE_SIZE, 0, SNAP_PAGE_SIZE);
    return !r->data_mask || inflate_pages(chunk, r->data_mask, r->data, r->clen);
}

/* Records waiting to be decompressed are pooled across sections so that
 * all threads share the work; a chunk seen again (a later migration round)
 * first flushes the pool, so rounds apply in order. */
#define LOADER_FLUSH_BYTES (8u << 20)

typedef struct DecodeJob {
    const Record *rec;
    size_t count;
    uint8_t *ram;
    atomic_size_t next;
    _Atomic(const Record *) bad; /* a record that did not decompress */
} DecodeJob;

static void *decode_records(void *opaque)
{
    DecodeJob *j = opaque;
    size_t i;
    while (!atomic_load(&j->bad) && (i = atomic_fetch_add(&j->next, 1)) < j->count)
        if (!apply_record(&j->rec[i], j->ram))
            atomic_store(&j->bad, &j->rec[i]);
    return NULL;
}

static bool decode_pool(SnapRamLoader *l, char *err, size_t errlen)
{
    DecodeJob j = {.rec = l->rec, .count = l->nrec, .ram = l->ram};
    run_on_cores(decode_records, &j, l->nrec);
    const Record *bad = atomic_load(&j.bad);
    if (bad)
        snprintf(err, errlen, "section ram: the pages of chunk %llu do not decompress", (unsigned long long)bad->index);
    for (size_t i = 0; i < l->nrec; i++)
        l->seen[l->rec[i].index] = 0;
    for (size_t i = 0; i < l->nheld; i++)
        free(l->held[i]);
    l->nrec = l->nheld = 0;
    l->pending = 0;
    return bad == NULL;
}

void snap_ram_loader_init(SnapRamLoader *l, uint8_t *ram, uint64_t size)
{
    *l = (SnapRamLoader){.ram = ram, .size = size, .batch_bytes = LOADER_FLUSH_BYTES};
}

static bool loader_reserve(SnapRamLoader *l, size_t records)
{
    uint64_t chunks = ((l->size >> SNAP_PAGE_BITS) + SNAP_CHUNK_PAGES - 1) / SNAP_CHUNK_PAGES;
    if (!l->seen && !(l->seen = calloc(chunks ? chunks : 1, 1)))
        return false;
    if (l->nheld == l->heldcap) {
        size_t cap = l->heldcap ? 2 * l->heldcap : 16;
        uint8_t **held = realloc(l->held, cap * sizeof *held);
        if (!held)
            return false;
        l->held = held;
        l->heldcap = cap;
    }
    if (l->nrec + records > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->nrec + records)
            cap *= 2;
        Record *rec = realloc(l->rec, cap * sizeof *rec);
        if (!rec)
            return false;
        l->rec = rec;
        l->cap = cap;
    }
    return true;
}

/* A chunk in this section already waits in the pool (an earlier round). */
static bool collides(const SnapRamLoader *l, const SnapSection *sec)
{
    const uint8_t *p = sec->data + 8, *end = sec->data + sec->len;
    Record r;
    char ignored[8];
    while (p < end && parse_record(&p, end, l->size, &r, ignored, sizeof ignored))
        if (l->seen[r.index])
            return true;
    return false;
}

bool snap_ram_loader_add(SnapRamLoader *l, SnapSection *sec, char *err, size_t errlen)
{
    if (sec->version > SNAP_RAM_VERSION) {
        snprintf(err, errlen, "section ram has version %u; this scion reads up to version %u", sec->version,
                 SNAP_RAM_VERSION);
        return false;
    }
    if (sec->len < 8 || get_le(sec->data, 8) != l->size) {
        snprintf(err, errlen, "section ram is for %llu MiB of RAM; this machine has %llu MiB",
                 sec->len < 8 ? 0ull : (unsigned long long)(get_le(sec->data, 8) >> 20),
                 (unsigned long long)(l->size >> 20));
        return false;
    }
    if (!loader_reserve(l, sec->len / RECORD_HEAD + 1)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (l->nrec && collides(l, sec) && !decode_pool(l, err, errlen))
        return false;
    const uint8_t *p = sec->data + 8, *end = sec->data + sec->len;
    size_t first = l->nrec;
    while (p < end) {
        Record *r = &l->rec[l->nrec];
        bool ok = parse_record(&p, end, l->size, r, err, errlen);
        if (ok && l->seen[r->index]) {
            snprintf(err, errlen, "section ram: chunk %llu appears twice", (unsigned long long)r->index);
            ok = false;
        }
        if (!ok) { /* forget this section's records; the pool stays as it was */
            while (l->nrec > first)
                l->seen[l->rec[--l->nrec].index] = 0;
            return false;
        }
        l->seen[r->index] = 1;
        l->nrec++;
    }
    l->held[l->nheld++] = sec->data; /* the records point into it */
    l->pending += sec->len;
    sec->data = NULL;
    sec->len = 0;
    return l->pending < l->batch_bytes || decode_pool(l, err, errlen);
}

bool snap_ram_loader_finish(SnapRamLoader *l, char *err, size_t errlen)
{
    return !l->nrec || decode_pool(l, err, errlen);
}

void snap_ram_loader_free(SnapRamLoader *l)
{
    for (size_t i = 0; i < l->nheld; i++)
        free(l->held[i]);
    free(l->held);
    free(l->rec);
    free(l->seen);
    *l = (SnapRamLoader){0};
}

bool snap_ram_apply(const SnapSection *sec, uint8_t *ram, uint64_t size, char *err, size_t errlen)
{
    SnapSection copy = *sec;
    copy.data = malloc(sec->len ? sec->len : 1);
    if (!copy.data) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(copy.data, sec->data, sec->len);
    SnapRamLoader l;
    snap_ram_loader_init(&l, ram, size);
    bool ok = snap_ram_loader_add(&l, &copy, err, errlen) && snap_ram_loader_finish(&l, err, errlen);
    free(copy.data);
    snap_ram_loader_free(&l);
    return ok;
}
