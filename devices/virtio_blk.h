/*
 * virtio-blk (VIRTIO 1.1 section 5.2) backed by a raw disk image.
 *
 * One request queue; requests complete synchronously inside the queue
 * notification (pread/pwrite on the image).  Supported requests: IN, OUT,
 * FLUSH (fdatasync of the image) and GET_ID (the serial, NUL-padded to 20
 * bytes); anything else answers VIRTIO_BLK_S_UNSUPP.  Features offered:
 * SEG_MAX, BLK_SIZE (512), FLUSH, and RO for read-only images.
 *
 * Image size: the capacity is the file size rounded down to whole 512-byte
 * sectors; a trailing partial sector is invisible to the guest and never
 * modified, so the file size never changes.
 *
 * readonly: the image is opened read-only, VIRTIO_BLK_F_RO is offered and
 * writes fail with VIRTIO_BLK_S_IOERR.
 * snapshot: the image is opened read-only and guest writes go to an
 * in-memory copy-on-write overlay of 4 KiB chunks (memory grows with the
 * amount of distinct data written, at most the disk size); the file is
 * never modified and the writes are lost at close.
 * Otherwise writes go straight to the file with pwrite (no cache in
 * scion), so they are in the file when the guest powers off, and FLUSH
 * makes them durable with fdatasync.
 *
 * The image is locked with flock (exclusive when writable, shared
 * otherwise) so two emulators cannot corrupt it by writing at once.
 *
 *   VirtioBlk blk;
 *   char err[256];
 *   if (!virtio_blk_open(&blk, "disk.img", false, false, err, sizeof err))
 *       fprintf(stderr, "%s\n", err);
 *   virtio_mmio_init(&slot, bus, log, irq, &virtio_blk_ops, &blk);
 *   ...
 *   virtio_blk_close(&blk);
 */
#ifndef SCION_VIRTIO_BLK_H
#define SCION_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/virtio_mmio.h"

#define VIRTIO_ID_BLOCK 2

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)

/* Request types and status values (5.2.6). */
enum {
    VIRTIO_BLK_T_IN = 0,
    VIRTIO_BLK_T_OUT = 1,
    VIRTIO_BLK_T_FLUSH = 4,
    VIRTIO_BLK_T_GET_ID = 8,
    VIRTIO_BLK_S_OK = 0,
    VIRTIO_BLK_S_IOERR = 1,
    VIRTIO_BLK_S_UNSUPP = 2,
};

#define VIRTIO_BLK_SECTOR 512
#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_QUEUE_MAX 256
/* struct virtio_blk_config up to and including blk_size (offset 0x14). */
#define VIRTIO_BLK_CONFIG_SIZE 0x18

/* Snapshot overlay: open-addressing map from chunk number to a copy. */
typedef struct BlkOverlay {
    uint64_t *keys;  /* chunk number + 1; 0 marks a free slot */
    uint8_t **chunks;
    size_t cap, count;
} BlkOverlay;

typedef struct VirtioBlk {
    int fd;
    uint64_t capacity; /* in 512-byte sectors */
    bool readonly, snapshot;
    char serial[VIRTIO_BLK_ID_BYTES]; /* NUL-padded, not terminated when full */
    uint8_t config[VIRTIO_BLK_CONFIG_SIZE];
    BlkOverlay overlay;
} VirtioBlk;

extern const VirtioDeviceOps virtio_blk_ops;

/* Opens the raw image at path; on failure returns false with a message
 * naming the path and the reason in err.  The serial defaults to the
 * file's base name (truncated to 20 bytes). */
bool virtio_blk_open(VirtioBlk *b, const char *path, bool readonly, bool snapshot, char *err, size_t errlen);
/* Live migration: the target opens the image before the source has let
 * it go, then takes the lock once the source has stopped for good, which
 * releases it with virtio_blk_unlock.  virtio_blk_lock is false while
 * another process still holds the image. */
bool virtio_blk_open_unlocked(VirtioBlk *b, const char *path, bool readonly, bool snapshot, char *err,
                              size_t errlen);
bool virtio_blk_lock(VirtioBlk *b);
void virtio_blk_unlock(VirtioBlk *b);
/* Replaces the GET_ID serial (truncated to 20 bytes). */
void virtio_blk_set_serial(VirtioBlk *b, const char *serial);
/* Closes the image and frees the snapshot overlay (safe after a failed open). */
void virtio_blk_close(VirtioBlk *b);

/* Snapshots.  The overlay's chunks (in chunk order) for a snapshot=on
 * drive; loading decodes into a staging overlay that commit then installs
 * (or discard frees).  The content hash is the SHA-256 of the image file's
 * guest-visible bytes (not the overlay), the disk's identity. */
struct VmsBuf;
void virtio_blk_overlay_save(const VirtioBlk *b, struct VmsBuf *out);
bool virtio_blk_overlay_load(const VirtioBlk *b, const uint8_t *data, size_t len, BlkOverlay *staged, char *err,
                             size_t errlen);
void virtio_blk_overlay_commit(VirtioBlk *b, BlkOverlay *staged);
void virtio_blk_overlay_discard(BlkOverlay *staged);
bool virtio_blk_content_hash(const VirtioBlk *b, uint8_t digest[32]);

#endif
