/*
 * The persistent translation cache (user mode): the IR of the blocks a run
 * translated, kept on disk per program, so that later runs of the same
 * program skip Capstone and the translator (a third of `ls -l /`'s time)
 * for code whose bytes have not changed.
 *
 * One file per program, DIR/<key in hex>.t in the code cache's directory
 * and under its size bound (code_cache.h).  The key (tcache_program_key)
 * only groups entries: an entry is used only when the guest bytes at its
 * address are those it was translated from, its checksum holds and its IR
 * passes ir_validate, so a stale, damaged or foreign file costs
 * translations, never wrong code.  The file is written whole when the
 * program exits or execs: the newest entry for each block from this run,
 * earlier runs and processes running at the same time, up to
 * TCACHE_FILE_MAX.
 *
 *   TranslationCache *tc = tcache_open(code_cache, key, fetch, opaque);
 *   if (!tcache_find(tc, pc, mode, &r)) { translate_block(..., &r); tcache_add(tc, pc, mode, &r); }
 *   tcache_save(tc);   // at exit
 *   tcache_close(tc);
 */
#ifndef SCION_TRANSLATION_CACHE_H
#define SCION_TRANSLATION_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/code_cache.h"
#include "translator/translate.h"

#define TCACHE_FILE_MAX (32u << 20)

typedef struct TcacheStats {
    uint64_t hits;     /* blocks taken from the file */
    uint64_t misses;   /* no entry for (pc, mode) */
    uint64_t changed;  /* an entry, but the guest bytes there differ now */
    uint64_t rejected; /* damaged entries, or a damaged file (counted once) */
    uint64_t saved;    /* entries written at exit */
} TcacheStats;

typedef struct TranslationCache TranslationCache;

/* The key of a program's file: the file format, scion's own executable
 * (a rebuilt translator may translate differently), the translator's
 * options, and the guest program file's identity (device, inode, size,
 * modification time).  False if the program cannot be stat'ed. */
bool tcache_program_key(const char *program, uint32_t options, uint8_t key[SHA256_SIZE]);
/* Never NULL: without a usable file it starts empty. */
TranslationCache *tcache_open(CodeCache *cc, const uint8_t key[SHA256_SIZE], GuestFetchFn fetch, void *opaque);
void tcache_close(TranslationCache *tc);
/* The cached translation of (pc, mode) if its bytes are still there; out->ir
 * is the cache's until the next call. */
bool tcache_find(TranslationCache *tc, uint32_t pc, uint32_t mode, TranslateResult *out);
/* Keep a fresh translation for the file. */
void tcache_add(TranslationCache *tc, uint32_t pc, uint32_t mode, const TranslateResult *r);
/* Write the file if this run translated anything new. */
void tcache_save(TranslationCache *tc);
/* In a forked child: what it translated until now is the parent's to save
 * (both save what they translate from here on, merged into the file). */
void tcache_fork_child(TranslationCache *tc);
TcacheStats tcache_stats(const TranslationCache *tc);

#endif
