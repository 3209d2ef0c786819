/* virtio-blk over a raw image file, with an optional in-memory overlay. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/sha256.h"
#include "devices/virtio_blk.h"
#include "snapshot/vmstate.h"

#define CHUNK 4096u          /* snapshot overlay granularity */
#define HEADER_BYTES 16      /* le32 type, le32 reserved, le64 sector */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- raw file I/O ---- */

/* Reads len bytes at off; bytes past the end of the file read as zeros. */
static bool pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
    while (len) {
        ssize_t n = pread(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0) {
            memset(buf, 0, len);
            return true;
        }
        buf += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

static bool pwrite_full(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
    while (len) {
        ssize_t n = pwrite(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

/* ---- snapshot overlay ---- */

static size_t slot_of(const BlkOverlay *o, uint64_t chunk)
{
    uint64_t h = (chunk + 1) * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ (h >> 29)) & (o->cap - 1);
}

static uint8_t *overlay_find(const BlkOverlay *o, uint64_t chunk)
{
    if (!o->cap)
        return NULL;
    for (size_t i = slot_of(o, chunk);; i = (i + 1) & (o->cap - 1)) {
        if (o->keys[i] == 0)
            return NULL;
        if (o->keys[i] == chunk + 1)
            return o->chunks[i];
    }
}

static void overlay_place(BlkOverlay *o, uint64_t chunk, uint8_t *data)
{
    size_t i = slot_of(o, chunk);
    while (o->keys[i])
        i = (i + 1) & (o->cap - 1);
    o->keys[i] = chunk + 1;
    o->chunks[i] = data;
    o->count++;
}

/* Keeps the table at most half full so probes stay short. */
static bool overlay_grow(BlkOverlay *o)
{
    size_t cap = o->cap ? 2 * o->cap : 64;
    BlkOverlay bigger = {calloc(cap, sizeof *o->keys), calloc(cap, sizeof *o->chunks), cap, 0};
    if (!bigger.keys || !bigger.chunks) {
        free(bigger.keys);
        free(bigger.chunks);
        return false;
    }
    for (size_t i = 0; i < o->cap; i++)
        if (o->keys[i])
            overlay_place(&bigger, o->keys[i] - 1, o->chunks[i]);
    free(o->keys);
    free(o->chunks);
    *o = bigger;
    return true;
}

/* The overlay copy of a chunk, made from the image on first use. */
static uint8_t *overlay_chunk(VirtioBlk *b, uint64_t chunk)
{
    BlkOverlay *o = &b->overlay;
    uint8_t *data = overlay_find(o, chunk);
    if (data)
        return data;
    if (2 * (o->count + 1) > o->cap && !overlay_grow(o))
        return NULL;
    data = malloc(CHUNK);
    if (!data)
        return NULL;
    if (!pread_full(b->fd, data, CHUNK, chunk * CHUNK)) {
        free(data);
        return NULL;
    }
    overlay_place(o, chunk, data);
    return data;
}

static void overlay_free(BlkOverlay *o)
{
    for (size_t i = 0; i < o->cap; i++)
        if (o->keys[i])
            free(o->chunks[i]);
    free(o->keys);
    free(o->chunks);
    *o = (BlkOverlay){0};
}

/* ---- disk access (offsets already checked against the capacity) ---- */

static bool disk_read(VirtioBlk *b, uint64_t off, uint8_t *dst, size_t len)
{
    if (!b->snapshot)
        return pread_full(b->fd, dst, len, off);
    while (len) {
        size_t in = off % CHUNK, n = CHUNK - in < len ? CHUNK - in : len;
        const uint8_t *copy = overlay_find(&b->overlay, off / CHUNK);
        if (copy)
            memcpy(dst, copy + in, n);
        else if (!pread_full(b->fd, dst, n, off))
            return false;
        dst += n;
        off += n;
        len -= n;
    }
    return true;
}

static bool disk_write(VirtioBlk *b, uint64_t off, const uint8_t *src, size_t len)
{
    if (!b->snapshot)
        return pwrite_full(b->fd, src, len, off);
    while (len) {
        size_t in = off % CHUNK, n = CHUNK - in < len ? CHUNK - in : len;
        uint8_t *copy = overlay_chunk(b, off / CHUNK);
        if (!copy)
            return false;
        memcpy(copy + in, src, n);
        src += n;
        off += n;
        len -= n;
    }
    return true;
}

/* ---- requests ---- */

typedef struct Transfer {
    VirtioBlk *blk;
    uint64_t disk_off;
} Transfer;

static bool read_piece(void *opaque, uint8_t *host, size_t len, uint64_t pos)
{
    Transfer *x = opaque;
    return disk_read(x->blk, x->disk_off + pos, host, len);
}

static bool write_piece(void *opaque, uint8_t *host, size_t len, uint64_t pos)
{
    Transfer *x = opaque;
    return disk_write(x->blk, x->disk_off + pos, host, len);
}

/* Data must be whole sectors inside the disk (5.2.6.1). */
static bool range_ok(VirtioBlk *b, VirtQueue *vq, uint64_t sector, uint64_t len)
{
    if (len % VIRTIO_BLK_SECTOR) {
        virtio_mmio_guest_error(vq->transport, "request data of %llu bytes is not whole sectors",
                                (unsigned long long)len);
        return false;
    }
    if (sector > b->capacity || len / VIRTIO_BLK_SECTOR > b->capacity - sector) {
        virtio_mmio_guest_error(vq->transport, "sectors %llu+%llu beyond the capacity of %llu",
                                (unsigned long long)sector, (unsigned long long)(len / VIRTIO_BLK_SECTOR),
                                (unsigned long long)b->capacity);
        return false;
    }
    return true;
}

/* Each handler returns the status; *filled counts the bytes it wrote at
 * the start of the writable part (the rest before the status is zeroed). */
static uint8_t do_in(VirtioBlk *b, VirtQueue *vq, const VirtqElem *e, uint64_t sector, uint64_t *filled)
{
    uint64_t len = e->wr_len - 1;
    Transfer x = {b, sector * VIRTIO_BLK_SECTOR};
    if (!range_ok(b, vq, sector, len) || !virtq_elem_each(e, true, 0, len, read_piece, &x))
        return VIRTIO_BLK_S_IOERR;
    *filled = len;
    return VIRTIO_BLK_S_OK;
}

static uint8_t do_out(VirtioBlk *b, VirtQueue *vq, const VirtqElem *e, uint64_t sector)
{
    uint64_t len = e->rd_len - HEADER_BYTES;
    Transfer x = {b, sector * VIRTIO_BLK_SECTOR};
    if (b->readonly) {
        virtio_mmio_guest_error(vq->transport, "write to a read-only disk");
        return VIRTIO_BLK_S_IOERR;
    }
    if (!range_ok(b, vq, sector, len) || !virtq_elem_each(e, false, HEADER_BYTES, len, write_piece, &x))
        return VIRTIO_BLK_S_IOERR;
    return VIRTIO_BLK_S_OK;
}

static uint8_t do_flush(VirtioBlk *b)
{
    if (b->snapshot || b->readonly)
        return VIRTIO_BLK_S_OK; /* nothing of the guest's is in the file to make durable */
    return fdatasync(b->fd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

static uint8_t do_get_id(VirtioBlk *b, const VirtqElem *e, uint64_t *filled)
{
    uint64_t room = e->wr_len - 1;
    *filled = virtq_elem_write(e, 0, b->serial, room < VIRTIO_BLK_ID_BYTES ? room : VIRTIO_BLK_ID_BYTES);
    return VIRTIO_BLK_S_OK;
}

static uint8_t dispatch(VirtioBlk *b, VirtQueue *vq, const VirtqElem *e, uint64_t *filled)
{
    uint8_t header[HEADER_BYTES];
    virtq_elem_read(e, 0, header, sizeof header);
    uint32_t type = le32(header);
    uint64_t sector = le64(header + 8);
    switch (type) {
    case VIRTIO_BLK_T_IN:
        return do_in(b, vq, e, sector, filled);
    case VIRTIO_BLK_T_OUT:
        return do_out(b, vq, e, sector);
    case VIRTIO_BLK_T_FLUSH:
        return do_flush(b);
    case VIRTIO_BLK_T_GET_ID:
        return do_get_id(b, e, filled);
    default:
        return VIRTIO_BLK_S_UNSUPP;
    }
}

static bool zero_piece(void *opaque, uint8_t *host, size_t len, uint64_t pos)
{
    (void)opaque;
    (void)pos;
    memset(host, 0, len);
    return true;
}

static void handle_request(VirtioBlk *b, VirtQueue *vq, const VirtqElem *e)
{
    if (e->rd_len < HEADER_BYTES || e->wr_len < 1) {
        virtio_mmio_fail(vq->transport, "request with %llu readable bytes (header needs %u) and %llu writable "
                         "(status needs 1)", (unsigned long long)e->rd_len, HEADER_BYTES,
                         (unsigned long long)e->wr_len);
        return;
    }
    uint64_t filled = 0;
    uint8_t status = dispatch(b, vq, e, &filled);
    /* The used length covers the whole writable part, so all of it must
     * have been written (2.6.8.1): zero what the request did not fill. */
    virtq_elem_each(e, true, filled, e->wr_len - 1 - filled, zero_piece, NULL);
    virtq_elem_write(e, e->wr_len - 1, &status, 1);
    virtq_push(vq, e, e->wr_len);
}

static void blk_notify(void *dev, VirtQueue *vq)
{
    VirtqElem e;
    while (virtq_pop(vq, &e))
        handle_request(dev, vq, &e);
}

static uint64_t blk_features(void *dev)
{
    const VirtioBlk *b = dev;
    return VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | (b->readonly ? VIRTIO_BLK_F_RO : 0);
}

static uint32_t blk_config_read(void *dev, uint32_t offset, unsigned size)
{
    const VirtioBlk *b = dev;
    if (offset + size > VIRTIO_BLK_CONFIG_SIZE)
        return 0; /* fields of features we do not offer */
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)b->config[offset + i] << (8 * i);
    return v;
}

const VirtioDeviceOps virtio_blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .num_queues = 1,
    .queue_max = VIRTIO_BLK_QUEUE_MAX,
    .features = blk_features,
    .config_read = blk_config_read,
    .notify = blk_notify,
};

/* ---- open / close ---- */

static void fill_config(VirtioBlk *b)
{
    memset(b->config, 0, sizeof b->config);
    put_le(b->config + 0x00, b->capacity, 8);
    /* Header and status take two descriptors of a chain no longer than the queue. */
    put_le(b->config + 0x0c, VIRTIO_BLK_QUEUE_MAX - 2, 4);
    put_le(b->config + 0x14, VIRTIO_BLK_SECTOR, 4);
}

void virtio_blk_set_serial(VirtioBlk *b, const char *serial)
{
    memset(b->serial, 0, sizeof b->serial);
    size_t n = strlen(serial);
    memcpy(b->serial, serial, n < sizeof b->serial ? n : sizeof b->serial);
}

static bool open_failed(VirtioBlk *b, char *err, size_t errlen, const char *path, const char *why)
{
    snprintf(err, errlen, "cannot open disk image '%s': %s", path, why);
    if (b->fd >= 0)
        close(b->fd);
    b->fd = -1;
    return false;
}

/* Another emulator writing the image at the same time would corrupt it. */
static bool lock_image(VirtioBlk *b, bool writable)
{
    if (flock(b->fd, (writable ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
        return true;
    return errno != EWOULDBLOCK; /* filesystems without locks: go on */
}

static bool open_image(VirtioBlk *b, const char *path, bool readonly, bool snapshot, bool lock, char *err,
                       size_t errlen)
{
    memset(b, 0, sizeof *b);
    bool writable = !readonly && !snapshot;
    b->readonly = readonly;
    b->snapshot = snapshot && !readonly;
    b->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (b->fd < 0)
        return open_failed(b, err, errlen, path, strerror(errno));
    struct stat st;
    if (fstat(b->fd, &st) != 0)
        return open_failed(b, err, errlen, path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return open_failed(b, err, errlen, path, "is a directory");
    off_t size = lseek(b->fd, 0, SEEK_END); /* also right for block devices */
    if (size < 0)
        return open_failed(b, err, errlen, path, strerror(errno));
    if (lock && !lock_image(b, writable))
        return open_failed(b, err, errlen, path, "already in use (locked by another process or drive)");
    b->capacity = (uint64_t)size / VIRTIO_BLK_SECTOR;
    const char *base = strrchr(path, '/');
    virtio_blk_set_serial(b, base ? base + 1 : path);
    fill_config(b);
    return true;
}

bool virtio_blk_open(VirtioBlk *b, const char *path, bool readonly, bool snapshot, char *err, size_t errlen)
{
    return open_image(b, path, readonly, snapshot, true, err, errlen);
}

bool virtio_blk_open_unlocked(VirtioBlk *b, const char *path, bool readonly, bool snapshot, char *err,
                              size_t errlen)
{
    return open_image(b, path, readonly, snapshot, false, err, errlen);
}

bool virtio_blk_lock(VirtioBlk *b)
{
    return lock_image(b, !b->readonly && !b->snapshot);
}

void virtio_blk_unlock(VirtioBlk *b)
{
    flock(b->fd, LOCK_UN);
}

void virtio_blk_close(VirtioBlk *b)
{
    if (b->fd >= 0)
        close(b->fd);
    b->fd = -1;
    overlay_free(&b->overlay);
}

/* ---- snapshots ---- */

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void virtio_blk_overlay_save(const VirtioBlk *b, VmsBuf *out)
{
    const BlkOverlay *o = &b->overlay;
    uint64_t *order = malloc((o->count ? o->count : 1) * sizeof *order);
    if (!order) {
        out->failed = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < o->cap; i++)
        if (o->keys[i])
            order[n++] = o->keys[i] - 1;
    /* Chunk order, not hash-table order: equal overlays encode equally. */
    qsort(order, n, sizeof *order, compare_u64);
    vms_buf_put_le(out, n, 8);
    for (size_t i = 0; i < n; i++) {
        vms_buf_put_le(out, order[i], 8);
        vms_buf_put(out, overlay_find(o, order[i]), CHUNK);
    }
    free(order);
}

bool virtio_blk_overlay_load(const VirtioBlk *b, const uint8_t *data, size_t len, BlkOverlay *staged, char *err,
                             size_t errlen)
{
    *staged = (BlkOverlay){0};
    uint64_t n = len >= 8 ? le64(data) : 0, chunks = (b->capacity * VIRTIO_BLK_SECTOR + CHUNK - 1) / CHUNK;
    if (len < 8 || (len - 8) / (8 + CHUNK) != n || (len - 8) % (8 + CHUNK)) {
        snprintf(err, errlen, "section blk-overlay: its length does not match its %llu chunks", (unsigned long long)n);
        return false;
    }
    if (n && !b->snapshot) {
        snprintf(err, errlen, "section blk-overlay: the drive has no overlay (it was not opened with snapshot=on)");
        return false;
    }
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *rec = data + 8 + i * (8 + CHUNK);
        uint64_t chunk = le64(rec);
        uint8_t *copy = chunk < chunks && !overlay_find(staged, chunk) ? malloc(CHUNK) : NULL;
        if (!copy || (2 * (staged->count + 1) > staged->cap && !overlay_grow(staged))) {
            free(copy);
            overlay_free(staged);
            snprintf(err, errlen, "section blk-overlay: chunk %llu is outside the disk, repeated, or out of memory",
                     (unsigned long long)chunk);
            return false;
        }
        memcpy(copy, rec + 8, CHUNK);
        overlay_place(staged, chunk, copy);
    }
    return true;
}

void virtio_blk_overlay_commit(VirtioBlk *b, BlkOverlay *staged)
{
    overlay_free(&b->overlay);
    b->overlay = *staged;
    *staged = (BlkOverlay){0};
}

void virtio_blk_overlay_discard(BlkOverlay *staged)
{
    overlay_free(staged);
}

bool virtio_blk_content_hash(const VirtioBlk *b, uint8_t digest[SHA256_SIZE])
{
    enum { PIECE = 1 << 20 };
    uint8_t *buf = malloc(PIECE);
    if (!buf)
        return false;
    Sha256 h;
    sha256_init(&h);
    uint64_t size = b->capacity * VIRTIO_BLK_SECTOR;
    bool ok = true;
    for (uint64_t off = 0; off < size && ok; off += PIECE) {
        size_t n = size - off < PIECE ? (size_t)(size - off) : PIECE;
        ok = pread_full(b->fd, buf, n, off);
        sha256_update(&h, buf, n);
    }
    sha256_final(&h, digest);
    free(buf);
    return ok;
}
