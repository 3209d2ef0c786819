/*
 * Guest RAM in a snapshot stream: "ram" sections of page records.
 *
 * RAM is cut into chunks of 64 pages of 4 KiB.  A chunk record says which
 * of its pages become zero and which carry data, then holds the data pages
 * compressed with zlib as one deflate stream:
 *
 *   u32 chunk index | u64 zero mask | u64 data mask | u32 compressed length | bytes
 *
 * A full save sends every chunk holding a non-zero page (all-zero pages
 * are elided: a loader starts from zeroed RAM); a migration round sends
 * only the pages dirtied since the last round, zero or not.  The payload
 * starts with the RAM size (u64), so a stream for another RAM size is
 * refused, and is at most SNAP_RAM_SECTION_BYTES long.
 */
#ifndef SCION_SNAP_RAM_H
#define SCION_SNAP_RAM_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot/stream.h"

#define SNAP_PAGE_BITS 12
#define SNAP_PAGE_SIZE (1u << SNAP_PAGE_BITS)
#define SNAP_CHUNK_PAGES 64
#define SNAP_RAM_SECTION_BYTES (4u << 20)
#define SNAP_RAM_VERSION 1

typedef struct SnapRamStats {
    uint64_t pages_sent, zero_pages_sent, bytes;
} SnapRamStats;

/* Writes "ram" sections.  dirty: one byte per page, non-zero for pages to
 * send (zero pages included); NULL sends every non-zero page.  level: the
 * zlib level (1 favours speed). */
void snap_ram_write(SnapSink *s, const uint8_t *ram, uint64_t size, const uint8_t *dirty, int level,
                    SnapRamStats *stats);
/* Applies one "ram" section to ram (size bytes); false with a message on
 * any malformed record (ram may then be partly written: pass a staging copy). */
bool snap_ram_apply(const SnapSection *sec, uint8_t *ram, uint64_t size, char *err, size_t errlen);

/* Applies a stream's "ram" sections in order, decompressing on all cores:
 * add checks a section's records and takes its payload (sec->data becomes
 * NULL); the pages are written by some later add or by finish.  A failure
 * leaves ram partly written (pass a staging copy). */
typedef struct SnapRamLoader {
    uint8_t *ram;
    uint64_t size;
    struct SnapRamRecord *rec; /* records waiting to be decompressed */
    size_t nrec, cap;
    uint8_t *seen;             /* per chunk: a waiting record writes it */
    uint8_t **held;            /* the payloads those records point into */
    size_t nheld, heldcap;
    uint64_t pending;          /* bytes of those payloads */
    /* Pages are written once this many bytes wait (8 MiB by default); a
     * live stream sets 0, so a migration target decompresses the pages as
     * they arrive, not all at the end while the guest stands still. */
    uint64_t batch_bytes;
} SnapRamLoader;

void snap_ram_loader_init(SnapRamLoader *l, uint8_t *ram, uint64_t size);
bool snap_ram_loader_add(SnapRamLoader *l, SnapSection *sec, char *err, size_t errlen);
bool snap_ram_loader_finish(SnapRamLoader *l, char *err, size_t errlen);
void snap_ram_loader_free(SnapRamLoader *l);

#endif
