/*
 * The persistent code cache: compiled objects on disk, so a second run of
 * the same program links what the first compiled instead of compiling it.
 *
 * An entry is one file DIR/<key in hex>.o: a header (magic, key, object
 * size, SHA-256 of the object) and the object.  An entry whose header, key,
 * size or checksum does not match is ignored and replaced, never linked.
 * Entries are written to a temporary file and renamed, so processes sharing
 * a directory never see half-written entries.  When the directory grows
 * past its size bound the least recently used entries are deleted.
 *
 *   CodeCache *cc = code_cache_open(dir, max_bytes, log);
 *   if (!code_cache_get(cc, key, &obj, &size)) { compile; code_cache_put(cc, key, obj, size); }
 */
#ifndef SCION_CODE_CACHE_H
#define SCION_CODE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "backend/log.h"
#include "backend/sha256.h"

#define CODE_CACHE_DEFAULT_MAX (256ull << 20)

typedef struct CodeCacheStats {
    uint64_t hits, misses, rejected, written, evicted;
} CodeCacheStats;

typedef struct CodeCache CodeCache;

/* NULL (after a message to log, unless it is NULL) if DIR cannot be
 * created or used. */
CodeCache *code_cache_open(const char *dir, uint64_t max_bytes, Log *log);
void code_cache_close(CodeCache *cc);
/* Every entry of this handle is DIR/<key in hex><suffix>: ".o", the
 * default, for compiled objects; ".r" for region recipes
 * (region_recipes.h); ".t" for translation files (translation_cache.h). */
void code_cache_use_suffix(CodeCache *cc, const char *suffix);
/* The default directory: $XDG_CACHE_HOME/scion/jit or ~/.cache/scion/jit. */
bool code_cache_default_dir(char *buf, size_t len);
/* A verified object for key (malloc'd), or false. */
bool code_cache_get(CodeCache *cc, const uint8_t key[SHA256_SIZE], uint8_t **object, size_t *size);
/* Whether there is an entry for key (not checked: code_cache_get does that). */
bool code_cache_has(CodeCache *cc, const uint8_t key[SHA256_SIZE]);
void code_cache_put(CodeCache *cc, const uint8_t key[SHA256_SIZE], const uint8_t *object, size_t size);
CodeCacheStats code_cache_stats(const CodeCache *cc);
/* Files of another format than entries (no header), under the same bound
 * and eviction: the file mapped read-only (munmap it) with its inode
 * number, or NULL; and written whole through a temporary file and a
 * rename. */
void *code_cache_map_file(CodeCache *cc, const uint8_t key[SHA256_SIZE], size_t *size, uint64_t *inode);
bool code_cache_put_file(CodeCache *cc, const uint8_t key[SHA256_SIZE], const struct iovec *parts, int n);

#endif
