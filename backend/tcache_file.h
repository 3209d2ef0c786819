/*
 * The translation cache's file format (see translation_cache.h): a header,
 * then entries, each the IR of one block with the guest bytes it was
 * translated from.  Reading checks every field against the file's size;
 * an entry's checksum and IR are checked when it is used.
 */
#ifndef SCION_TCACHE_FILE_H
#define SCION_TCACHE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "translator/translate.h"

typedef struct TcacheEntry {
    uint64_t checksum; /* of the entry after this field */
    uint32_t size;     /* of the entry, this header included, a multiple of 8 */
    uint32_t pc, mode, guest_start, guest_end, ninsns;
    uint32_t count, ntemps, nlabels;
    uint32_t ir_bytes; /* of the encoded instructions, after the guest bytes */
} TcacheEntry;

/* An open-addressed table from (pc, mode) to an entry. */
typedef struct TcacheIndex {
    uint32_t *slots; /* entry number + 1, 0 for empty */
    uint32_t mask;
} TcacheIndex;

/* Entries, indexed: a mapped file, or entries in memory. */
typedef struct TcacheFile {
    const uint8_t *data; /* the mapped file, or NULL */
    size_t size;
    const uint8_t *entries;
    uint32_t n;
    uint32_t *offset; /* of each entry, from entries */
    TcacheIndex index;
} TcacheFile;

#define TCACHE_FILE_HEADER 24

/* Takes the mapping (unmapped by tcache_file_free, also on failure);
 * false if the file is not one whole file of this format. */
bool tcache_file_load(TcacheFile *f, const uint8_t *data, size_t size);
/* Index nentries entries in memory (entries stays the caller's); false
 * if they do not fill size bytes exactly. */
bool tcache_file_index(TcacheFile *f, const uint8_t *entries, size_t size, uint32_t nentries);
void tcache_file_free(TcacheFile *f);
/* The newest entry for (pc, mode), or -1. */
int64_t tcache_file_find(const TcacheFile *f, uint32_t pc, uint32_t mode);
static inline const TcacheEntry *tcache_file_entry(const TcacheFile *f, uint32_t n)
{
    return (const TcacheEntry *)(f->entries + f->offset[n]);
}
/* The header of a file of nentries entries, size bytes in all. */
void tcache_file_header(uint8_t out[TCACHE_FILE_HEADER], uint32_t nentries, uint64_t size);

/* The guest bytes an entry was translated from. */
static inline const uint8_t *tcache_entry_bytes(const TcacheEntry *e)
{
    return (const uint8_t *)(e + 1);
}
/* Room an entry of this translation may need. */
size_t tcache_entry_room(const TranslateResult *r);
/* The entry for (pc, mode) -> r with the guest bytes at guest, written to
 * out (tcache_entry_room bytes); returns its size. */
size_t tcache_entry_encode(uint8_t *out, uint32_t pc, uint32_t mode, const TranslateResult *r, const uint8_t *guest);
/* Set the checksum of an entry whose other fields are in place. */
void tcache_entry_seal(uint8_t *entry);
/* The entry's IR into *ir (whose insns array of *cap grows as needed);
 * false if its checksum or encoding is wrong. */
bool tcache_entry_decode(const TcacheEntry *e, IrBlock *ir, size_t *cap);

#endif
