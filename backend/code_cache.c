/* The persistent code cache (see code_cache.h). */
#include "backend/code_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "SCIONJC1"
#define MAX_OBJECT (64u << 20)
/* The directory, a slash and an entry name (64 hex digits, ".o", a temporary suffix). */
#define ENTRY_PATH_MAX (PATH_MAX + 96)
/* A temporary file this old belongs to a process that died mid-write. */
#define STALE_TEMP_SECONDS 3600
/*
 * Counting the directory's bytes takes a stat per entry: with 2000
 * entries, 3.6 ms of a 33 ms `ls -l /`, in every process that writes.  So
 * a process counts only if nobody has for COUNT_SECONDS (the stamp file's
 * age says when somebody last did), or once it has itself written a
 * COUNT_SHARE-th of the bound; until then the directory may run over the
 * bound by what was written meanwhile, and the next count trims it.
 */
#define STAMP ".counted"
#define COUNT_SECONDS 10
#define COUNT_SHARE 64

typedef struct EntryHeader {
    char magic[8];
    uint8_t key[SHA256_SIZE];
    uint64_t size;
    uint8_t digest[SHA256_SIZE];
} EntryHeader;

struct CodeCache {
    char dir[PATH_MAX];
    const char *suffix; /* of the entries get and put read and write */
    uint64_t max_bytes;
    int64_t total; /* bytes in the directory, -1 until counted */
    uint64_t uncounted; /* bytes this process wrote while total was unknown */
    Log *log;
    CodeCacheStats stats;
};

static bool make_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return false;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) && errno != EEXIST)
                return false;
            *p = '/';
        }
    return !mkdir(buf, 0755) || errno == EEXIST;
}

bool code_cache_default_dir(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && *xdg == '/')
        n = snprintf(buf, len, "%s/scion/jit", xdg);
    else if (home && *home)
        n = snprintf(buf, len, "%s/.cache/scion/jit", home);
    else
        return false;
    return n > 0 && (size_t)n < len;
}

CodeCache *code_cache_open(const char *dir, uint64_t max_bytes, Log *log)
{
    struct stat st;
    if (!make_dirs(dir) || stat(dir, &st) || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK)) {
        if (log)
            log_printf(log, "scion: JIT code cache directory %s is unusable (%s); not caching\n", dir, strerror(errno));
        return NULL;
    }
    CodeCache *cc = calloc(1, sizeof *cc);
    if (!cc)
        return NULL;
    snprintf(cc->dir, sizeof cc->dir, "%s", dir);
    cc->suffix = ".o";
    cc->max_bytes = max_bytes;
    cc->total = -1;
    cc->log = log;
    return cc;
}

void code_cache_use_suffix(CodeCache *cc, const char *suffix)
{
    cc->suffix = suffix;
}

void code_cache_close(CodeCache *cc)
{
    free(cc);
}

CodeCacheStats code_cache_stats(const CodeCache *cc)
{
    return cc ? cc->stats : (CodeCacheStats){0};
}

/* DIR/<key in hex><suffix>: ".o" for objects, ".t" for translations,
 * ".r" for region recipes. */
static void entry_path(const CodeCache *cc, const uint8_t key[SHA256_SIZE], const char *suffix, char *buf, size_t len)
{
    char hex[2 * SHA256_SIZE + 1];
    for (int i = 0; i < SHA256_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    snprintf(buf, len, "%s/%s%s", cc->dir, hex, suffix);
}

static bool read_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool entry_valid(const EntryHeader *h, const uint8_t key[SHA256_SIZE], uint64_t file_size)
{
    return !memcmp(h->magic, MAGIC, 8) && !memcmp(h->key, key, SHA256_SIZE) && h->size <= MAX_OBJECT &&
           file_size == sizeof *h + h->size;
}

bool code_cache_get(CodeCache *cc, const uint8_t key[SHA256_SIZE], uint8_t **object, size_t *size)
{
    char path[ENTRY_PATH_MAX];
    entry_path(cc, key, cc->suffix, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cc->stats.misses++;
        return false;
    }
    struct stat st;
    EntryHeader h;
    uint8_t *obj = NULL, digest[SHA256_SIZE];
    bool ok = !fstat(fd, &st) && read_all(fd, &h, sizeof h) && entry_valid(&h, key, (uint64_t)st.st_size) &&
              (obj = malloc(h.size ? h.size : 1)) && read_all(fd, obj, h.size);
    if (ok) {
        sha256(obj, h.size, digest);
        ok = !memcmp(digest, h.digest, SHA256_SIZE);
    }
    close(fd);
    if (!ok) {
        free(obj);
        cc->stats.rejected++;
        cc->stats.misses++;
        return false; /* the caller compiles and put() replaces the entry */
    }
    utimensat(AT_FDCWD, path, NULL, 0); /* recently used: evicted last */
    cc->stats.hits++;
    *object = obj;
    *size = h.size;
    return true;
}

bool code_cache_has(CodeCache *cc, const uint8_t key[SHA256_SIZE])
{
    char path[ENTRY_PATH_MAX];
    entry_path(cc, key, cc->suffix, path, sizeof path);
    return access(path, R_OK) == 0;
}

typedef struct DirEntry {
    char name[80];
    time_t mtime;
    off_t size;
} DirEntry;

static bool is_entry_name(const char *name)
{
    size_t n = strlen(name);
    return n == 2 * SHA256_SIZE + 2 && name[n - 2] == '.' && strchr("otr", name[n - 1]);
}

/* Every entry of the directory (malloc'd array), and their total size. */
static DirEntry *list_entries(CodeCache *cc, size_t *count, int64_t *total)
{
    DIR *d = opendir(cc->dir);
    DirEntry *list = NULL;
    size_t n = 0, cap = 0;
    *total = 0;
    struct dirent *de;
    time_t now = time(NULL);
    while (d && (de = readdir(d))) {
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, 0))
            continue;
        if (strstr(de->d_name, ".tmp.") && now - st.st_mtime > STALE_TEMP_SECONDS) {
            unlinkat(dirfd(d), de->d_name, 0); /* left by a writer that died */
            continue;
        }
        if (!is_entry_name(de->d_name))
            continue;
        if (n == cap) {
            DirEntry *bigger = realloc(list, (cap = cap ? 2 * cap : 256) * sizeof *list);
            if (!bigger)
                break; /* evict from what was listed so far */
            list = bigger;
        }
        snprintf(list[n].name, sizeof list[n].name, "%s", de->d_name);
        list[n].mtime = st.st_mtime;
        list[n].size = st.st_size;
        *total += st.st_size;
        n++;
    }
    if (d)
        closedir(d);
    *count = n;
    return list;
}

static int older_first(const void *a, const void *b)
{
    const DirEntry *x = a, *y = b;
    return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

static void stamp_path(const CodeCache *cc, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", cc->dir, STAMP);
}

/* Whether this process should count the directory now. */
static bool count_due(const CodeCache *cc)
{
    char path[ENTRY_PATH_MAX];
    struct stat st;
    stamp_path(cc, path, sizeof path);
    return cc->uncounted > cc->max_bytes / COUNT_SHARE || stat(path, &st) ||
           time(NULL) - st.st_mtime >= COUNT_SECONDS;
}

/* Counts the directory (the stamp says when), then deletes least recently
 * used entries until it is at 3/4 of its bound. */
static void evict(CodeCache *cc)
{
    size_t n;
    DirEntry *list = list_entries(cc, &n, &cc->total);
    char stamp[ENTRY_PATH_MAX];
    stamp_path(cc, stamp, sizeof stamp);
    int fd = open(stamp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        futimens(fd, NULL);
        close(fd);
    }
    cc->uncounted = 0;
    if ((uint64_t)cc->total > cc->max_bytes) {
        qsort(list, n, sizeof *list, older_first);
        for (size_t i = 0; i < n && (uint64_t)cc->total > cc->max_bytes / 4 * 3; i++) {
            char path[ENTRY_PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", cc->dir, list[i].name);
            if (!unlink(path)) {
                cc->total -= list[i].size;
                cc->stats.evicted++;
            }
        }
    }
    free(list);
}

static bool write_all(int fd, const struct iovec *iov, int n)
{
    struct iovec part[IOV_MAX];
    for (int i = 0; i < n;) {
        int count = n - i < IOV_MAX ? n - i : IOV_MAX;
        memcpy(part, iov + i, (size_t)count * sizeof *part);
        i += count;
        for (struct iovec *v = part; count;) {
            ssize_t done = writev(fd, v, count);
            if (done <= 0)
                return false;
            for (; count && (size_t)done >= v->iov_len; count--)
                done -= (ssize_t)(v++)->iov_len;
            if (count) {
                v->iov_base = (char *)v->iov_base + done;
                v->iov_len -= (size_t)done;
            }
        }
    }
    return true;
}

/* path's new contents, through a temporary file and a rename, so readers
 * see the old file or the new one, never a part. */
static bool write_entry(CodeCache *cc, const char *path, const struct iovec *iov, int n)
{
    char tmp[ENTRY_PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    bool ok = write_all(fd, iov, n);
    ok = !close(fd) && ok && !rename(tmp, path);
    if (!ok) {
        unlink(tmp);
        return false;
    }
    int64_t size = 0;
    for (int i = 0; i < n; i++)
        size += (int64_t)iov[i].iov_len;
    bool counted = cc->total >= 0;
    if (counted)
        cc->total += size;
    else
        cc->uncounted += (uint64_t)size;
    if (counted ? cc->total > (int64_t)cc->max_bytes : count_due(cc))
        evict(cc);
    return true;
}

void code_cache_put(CodeCache *cc, const uint8_t key[SHA256_SIZE], const uint8_t *object, size_t size)
{
    if (size > MAX_OBJECT)
        return;
    char path[ENTRY_PATH_MAX];
    entry_path(cc, key, cc->suffix, path, sizeof path);
    EntryHeader h = {.size = size};
    memcpy(h.magic, MAGIC, 8);
    memcpy(h.key, key, SHA256_SIZE);
    sha256(object, size, h.digest);
    const struct iovec parts[2] = {{&h, sizeof h}, {(void *)object, size}};
    if (write_entry(cc, path, parts, 2))
        cc->stats.written++;
}

void *code_cache_map_file(CodeCache *cc, const uint8_t key[SHA256_SIZE], size_t *size, uint64_t *inode)
{
    char path[ENTRY_PATH_MAX];
    entry_path(cc, key, cc->suffix, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *p = MAP_FAILED;
    if (fd >= 0 && !fstat(fd, &st) && st.st_size > 0 && (uint64_t)st.st_size <= MAX_OBJECT) {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        *size = (size_t)st.st_size;
        *inode = (uint64_t)st.st_ino;
        futimens(fd, NULL); /* recently used: evicted last */
    }
    if (fd >= 0)
        close(fd);
    return p == MAP_FAILED ? NULL : p;
}

bool code_cache_put_file(CodeCache *cc, const uint8_t key[SHA256_SIZE], const struct iovec *parts, int n)
{
    size_t size = 0;
    for (int i = 0; i < n; i++)
        size += parts[i].iov_len;
    if (size > MAX_OBJECT)
        return false;
    char path[ENTRY_PATH_MAX];
    entry_path(cc, key, cc->suffix, path, sizeof path);
    return write_entry(cc, path, parts, n);
}
