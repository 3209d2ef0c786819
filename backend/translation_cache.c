/* The persistent translation cache (see translation_cache.h). */
#include "backend/translation_cache.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "backend/tcache_file.h"

#define KEY_VERSION 1
#define FRESH_LIMIT_START (4u << 20)
#define MAX_GUEST_BYTES (TRANSLATE_MAX_INSNS * 4 + 4)

struct TranslationCache {
    CodeCache *cc;
    uint8_t key[SHA256_SIZE];
    GuestFetchFn fetch;
    void *opaque;
    /* The file of earlier runs, as this run found it. */
    TcacheFile old;
    uint64_t old_inode; /* of the file old was mapped from, even if damaged; 0: none */
    bool *replaced; /* [entry]: by a fresh translation of its (pc, mode) */
    /* This run's translations, encoded as they will be written. */
    uint8_t *fresh;
    size_t fresh_size, fresh_limit;
    uint32_t nfresh;
    /* A forked child saves only what it translated itself; the parent
     * saves the rest. */
    size_t fresh_start;
    uint32_t nfresh_start;
    /* What tcache_find hands out. */
    IrBlock ir;
    size_t ir_cap;
    uint8_t bytes[MAX_GUEST_BYTES];
    TcacheStats stats;
};

/* The program's file as it is on disk now, unless it is the one this run
 * started from (or missing, or damaged: counted when count_damage). */
static bool map_current(TranslationCache *tc, TcacheFile *f, bool count_damage)
{
    size_t size;
    uint64_t inode;
    const uint8_t *data = code_cache_map_file(tc->cc, tc->key, &size, &inode);
    if (!data)
        return false;
    if (tc->old_inode == inode) {
        munmap((void *)data, size);
        return false;
    }
    tc->old_inode = inode;
    if (tcache_file_load(f, data, size))
        return true;
    tc->stats.rejected += count_damage;
    return false;
}

TranslationCache *tcache_open(CodeCache *cc, const uint8_t key[SHA256_SIZE], GuestFetchFn fetch, void *opaque)
{
    TranslationCache *tc = calloc(1, sizeof *tc);
    if (!tc)
        abort();
    tc->cc = cc;
    code_cache_use_suffix(cc, ".t");
    memcpy(tc->key, key, SHA256_SIZE);
    tc->fetch = fetch;
    tc->opaque = opaque;
    map_current(tc, &tc->old, true);
    if (!(tc->replaced = calloc(tc->old.n + 1, sizeof *tc->replaced)))
        abort();
    return tc;
}

void tcache_close(TranslationCache *tc)
{
    if (!tc)
        return;
    tcache_file_free(&tc->old);
    free(tc->replaced);
    if (tc->fresh)
        munmap(tc->fresh, TCACHE_FILE_MAX);
    free(tc->ir.insns);
    free(tc);
}

bool tcache_find(TranslationCache *tc, uint32_t pc, uint32_t mode, TranslateResult *out)
{
    int64_t n = tcache_file_find(&tc->old, pc, mode);
    if (n < 0 || tc->replaced[n]) {
        tc->stats.misses++;
        return false;
    }
    const TcacheEntry *e = tcache_file_entry(&tc->old, (uint32_t)n);
    uint32_t len = e->guest_end - e->guest_start;
    if (tc->fetch(tc->opaque, e->guest_start, tc->bytes, len) != len || memcmp(tc->bytes, tcache_entry_bytes(e), len)) {
        tc->stats.changed++;
        return false;
    }
    if (!tcache_entry_decode(e, &tc->ir, &tc->ir_cap) || ir_validate(&tc->ir)) {
        tc->stats.rejected++;
        return false;
    }
    *out = (TranslateResult){.ir = &tc->ir, .guest_start = e->guest_start, .guest_end = e->guest_end,
                             .ninsns = e->ninsns};
    tc->stats.hits++;
    return true;
}

/* Keep only the newest fresh entry of each (pc, mode): a guest that keeps
 * rewriting code at the same addresses (a JIT) makes version after version
 * of the same blocks, and only the last is ever written. */
static void compact_fresh(TranslationCache *tc)
{
    TcacheFile view = {0};
    uint8_t *base = tc->fresh + tc->fresh_start;
    tcache_file_index(&view, base, tc->fresh_size - tc->fresh_start, tc->nfresh - tc->nfresh_start);
    bool *keep = calloc(view.n + 1, sizeof *keep);
    if (!keep)
        abort();
    for (uint32_t i = 0; i < view.n; i++) /* before anything moves: the index reads the entries */
        keep[i] = tcache_file_find(&view, tcache_file_entry(&view, i)->pc, tcache_file_entry(&view, i)->mode) == i;
    size_t out = 0;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < view.n; i++)
        if (keep[i]) {
            size_t size = tcache_file_entry(&view, i)->size;
            memmove(base + out, base + view.offset[i], size); /* never ahead of where it came from */
            out += size;
            kept++;
        }
    free(keep);
    tcache_file_free(&view);
    size_t end = (tc->fresh_start + out + 4095) & ~(size_t)4095, was = tc->fresh_size;
    if (was > end)
        madvise(tc->fresh + end, was - end, MADV_DONTNEED);
    tc->fresh_size = tc->fresh_start + out;
    tc->nfresh = tc->nfresh_start + kept;
}

/* The fresh entries live in one reservation of TCACHE_FILE_MAX bytes with
 * huge pages: a first run's 1-3 MiB of entries then cost a page fault or
 * two instead of hundreds.  Past fresh_limit they are compacted, and the
 * limit doubles when that freed less than half. */
static uint8_t *fresh_room(TranslationCache *tc, size_t size)
{
    if (!tc->fresh) {
        void *p = mmap(NULL, TCACHE_FILE_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                       -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        madvise(p, TCACHE_FILE_MAX, MADV_HUGEPAGE);
        tc->fresh = p;
        tc->fresh_limit = FRESH_LIMIT_START;
    }
    if (TCACHE_FILE_HEADER + tc->fresh_size + size > tc->fresh_limit) {
        compact_fresh(tc);
        if (TCACHE_FILE_HEADER + tc->fresh_size + size > tc->fresh_limit / 2 && tc->fresh_limit < TCACHE_FILE_MAX)
            tc->fresh_limit *= 2;
    }
    return TCACHE_FILE_HEADER + tc->fresh_size + size > tc->fresh_limit ? NULL : tc->fresh + tc->fresh_size;
}

void tcache_add(TranslationCache *tc, uint32_t pc, uint32_t mode, const TranslateResult *r)
{
    int64_t old = tcache_file_find(&tc->old, pc, mode);
    if (old >= 0)
        tc->replaced[old] = true;
    size_t room = tcache_entry_room(r);
    uint8_t *entry = room && pc == r->guest_start ? fresh_room(tc, room) : NULL;
    uint32_t len = r->guest_end - r->guest_start;
    /* Full (TCACHE_FILE_MAX of distinct blocks), or the bytes went away:
     * nothing to check a later run against. */
    if (!entry || tc->fetch(tc->opaque, r->guest_start, tc->bytes, len) != len)
        return;
    tc->fresh_size += tcache_entry_encode(entry, pc, mode, r, tc->bytes);
    tc->nfresh++;
}

/* Marks [entry] of f that some entry of `with` (pc, mode) supersedes. */
static void mark_superseded(const TcacheFile *f, const uint8_t *with, size_t size, bool *superseded)
{
    for (size_t off = 0; off < size; off += ((const TcacheEntry *)(with + off))->size) {
        const TcacheEntry *e = (const TcacheEntry *)(with + off);
        int64_t n = tcache_file_find(f, e->pc, e->mode);
        if (n >= 0)
            superseded[n] = true;
    }
}

/* Appends to iov the newest entry of each (pc, mode) of f that is not
 * marked, while the file stays within TCACHE_FILE_MAX (so this run's own
 * entries go first); runs of neighbours become one piece. */
static void add_kept(const TcacheFile *f, const bool *drop, struct iovec *iov, int *n, uint64_t *size, uint32_t *count)
{
    for (uint32_t i = 0; i < f->n; i++) {
        const TcacheEntry *e = tcache_file_entry(f, i);
        if (drop[i] || tcache_file_find(f, e->pc, e->mode) != i || *size + e->size > TCACHE_FILE_MAX)
            continue;
        struct iovec *last = &iov[*n - 1];
        if (*n > 1 && (const uint8_t *)last->iov_base + last->iov_len == (const uint8_t *)e)
            last->iov_len += e->size;
        else
            iov[(*n)++] = (struct iovec){(void *)e, e->size};
        *size += e->size;
        (*count)++;
    }
}

/*
 * The file: this run's entries, then the newest entry of each (pc, mode)
 * from the file this run started with and from what another process of
 * this program wrote since (so that processes running at once add up),
 * leaving out what this run's entries supersede.  This run's entries go
 * as they are, in one piece: a block translated twice in the run is there
 * twice, and the later one, the newer, is the one a reader indexes; the
 * next run that saves keeps only that one (indexing them all here cost
 * 0.4 ms of `ls -l /`'s first run).  Written straight from the mapped
 * files and the fresh entries, without assembling a copy.
 */
void tcache_save(TranslationCache *tc)
{
    if (tc->nfresh == tc->nfresh_start)
        return;
    TcacheFile other = {0};
    map_current(tc, &other, false);
    const uint8_t *fresh = tc->fresh + tc->fresh_start;
    size_t fresh_size = tc->fresh_size - tc->fresh_start;
    bool *drop_other = calloc(other.n + 1, sizeof *drop_other);
    struct iovec *iov = malloc((other.n + tc->old.n + 3) * sizeof *iov);
    if (drop_other && iov) {
        if (other.n)
            mark_superseded(&other, fresh, fresh_size, drop_other);
        for (uint32_t i = 0; i < tc->old.n && other.n; i++)
            if (!tc->replaced[i])
                mark_superseded(&other, (const uint8_t *)tcache_file_entry(&tc->old, i),
                                tcache_file_entry(&tc->old, i)->size, drop_other);
        uint8_t header[TCACHE_FILE_HEADER];
        uint64_t size = TCACHE_FILE_HEADER + fresh_size;
        uint32_t count = tc->nfresh - tc->nfresh_start;
        int n = 2;
        iov[0] = (struct iovec){header, sizeof header};
        iov[1] = (struct iovec){(void *)fresh, fresh_size};
        add_kept(&tc->old, tc->replaced, iov, &n, &size, &count);
        add_kept(&other, drop_other, iov, &n, &size, &count);
        tcache_file_header(header, count, size);
        if (code_cache_put_file(tc->cc, tc->key, iov, n))
            tc->stats.saved = count;
    }
    free(iov);
    free(drop_other);
    tcache_file_free(&other);
}

void tcache_fork_child(TranslationCache *tc)
{
    if (!tc)
        return;
    tc->fresh_start = tc->fresh_size;
    tc->nfresh_start = tc->nfresh;
}

TcacheStats tcache_stats(const TranslationCache *tc)
{
    return tc ? tc->stats : (TcacheStats){0};
}

bool tcache_program_key(const char *program, uint32_t options, uint8_t key[SHA256_SIZE])
{
    struct stat self, prog;
    if (stat("/proc/self/exe", &self) || stat(program, &prog))
        return false;
    const uint64_t words[] = {KEY_VERSION,
                              options,
                              (uint64_t)self.st_dev,
                              (uint64_t)self.st_ino,
                              (uint64_t)self.st_size,
                              (uint64_t)self.st_mtim.tv_sec,
                              (uint64_t)self.st_mtim.tv_nsec,
                              (uint64_t)prog.st_dev,
                              (uint64_t)prog.st_ino,
                              (uint64_t)prog.st_size,
                              (uint64_t)prog.st_mtim.tv_sec,
                              (uint64_t)prog.st_mtim.tv_nsec};
    Sha256 h;
    sha256_init(&h);
    sha256_update(&h, "scion translations", 18);
    sha256_update(&h, words, sizeof words);
    sha256_final(&h, key);
    return true;
}
