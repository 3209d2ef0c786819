/* virtio-mmio transport (Version 2 registers) and split virtqueues. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "devices/virtio_mmio.h"
#include "snapshot/vmstate.h"

/* Register offsets (VIRTIO 1.1 table 4.1, 1.2 for the SHM registers). */
enum {
    REG_MAGIC = 0x000,
    REG_VERSION = 0x004,
    REG_DEVICE_ID = 0x008,
    REG_VENDOR_ID = 0x00c,
    REG_DEVICE_FEATURES = 0x010,
    REG_DEVICE_FEATURES_SEL = 0x014,
    REG_DRIVER_FEATURES = 0x020,
    REG_DRIVER_FEATURES_SEL = 0x024,
    REG_QUEUE_SEL = 0x030,
    REG_QUEUE_NUM_MAX = 0x034,
    REG_QUEUE_NUM = 0x038,
    REG_QUEUE_READY = 0x044,
    REG_QUEUE_NOTIFY = 0x050,
    REG_INTERRUPT_STATUS = 0x060,
    REG_INTERRUPT_ACK = 0x064,
    REG_STATUS = 0x070,
    REG_QUEUE_DESC_LOW = 0x080,
    REG_QUEUE_DESC_HIGH = 0x084,
    REG_QUEUE_DRIVER_LOW = 0x090,
    REG_QUEUE_DRIVER_HIGH = 0x094,
    REG_QUEUE_DEVICE_LOW = 0x0a0,
    REG_QUEUE_DEVICE_HIGH = 0x0a4,
    REG_SHM_SEL = 0x0ac,
    REG_SHM_LEN_LOW = 0x0b0,
    REG_SHM_LEN_HIGH = 0x0b4,
    REG_SHM_BASE_LOW = 0x0b8,
    REG_SHM_BASE_HIGH = 0x0bc,
    REG_CONFIG_GENERATION = 0x0fc,
};

/* Features every device gets from the transport and the ring code. */
#define TRANSPORT_FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC)

#define DESC_SIZE 16

/* Guest memory is little-endian whatever the host is. */
static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}

static const char *device_name(const VirtioMmio *t)
{
    return t->ops && t->ops->name ? t->ops->name : "virtio-mmio";
}

static void vlog(VirtioMmio *t, unsigned category, const char *fmt, va_list ap)
{
    if (!t->log || !log_on(t->log, category))
        return;
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    log_printf(t->log, "%s: %s\n", device_name(t), msg);
}

void virtio_mmio_guest_error(VirtioMmio *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(t, LOG_GUEST_ERRORS, fmt, ap);
    va_end(ap);
}

static void log_unimp(VirtioMmio *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_unimp(VirtioMmio *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(t, LOG_UNIMP, fmt, ap);
    va_end(ap);
}

/* ---- interrupts and device state ---- */

static void update_irq(VirtioMmio *t)
{
    irq_set(&t->irq, t->int_status != 0);
}

static void raise_interrupt(VirtioMmio *t, uint32_t bits)
{
    t->int_status |= bits;
    update_irq(t);
}

void virtio_mmio_config_changed(VirtioMmio *t)
{
    t->config_generation++;
    if (t->status & VIRTIO_STATUS_DRIVER_OK)
        raise_interrupt(t, VIRTIO_INT_CONFIG_CHANGE);
}

void virtio_mmio_fail(VirtioMmio *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(t, LOG_GUEST_ERRORS, fmt, ap);
    va_end(ap);
    if (t->needs_reset)
        return;
    t->needs_reset = true;
    /* 2.1.2: after DRIVER_OK the driver must hear about it. */
    if (t->status & VIRTIO_STATUS_DRIVER_OK)
        raise_interrupt(t, VIRTIO_INT_CONFIG_CHANGE);
}

uint64_t virtio_mmio_driver_features(const VirtioMmio *t)
{
    return t->driver_features;
}

static uint64_t offered_features(const VirtioMmio *t)
{
    uint64_t dev = t->ops->features ? t->ops->features(t->dev) : 0;
    return dev | TRANSPORT_FEATURES;
}

static void reset_queues(VirtioMmio *t)
{
    for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
        t->vq[i] = (VirtQueue){.transport = t, .index = i};
}

/* Status = 0: back to the state after power-on (2.1, 4.2.2.1). */
static void device_reset(VirtioMmio *t)
{
    t->status = 0;
    t->needs_reset = false;
    t->int_status = 0;
    t->device_features_sel = t->driver_features_sel = t->queue_sel = t->shm_sel = 0;
    t->driver_features = 0;
    reset_queues(t);
    update_irq(t);
    if (t->ops && t->ops->reset)
        t->ops->reset(t->dev);
}

void virtio_mmio_init(VirtioMmio *t, Bus *bus, Log *log, IrqLine irq, const VirtioDeviceOps *ops, void *dev)
{
    memset(t, 0, sizeof *t);
    t->bus = bus;
    t->log = log;
    t->irq = irq;
    t->ops = ops;
    t->dev = dev;
    reset_queues(t);
}

/* ---- virtqueue processing ---- */

static bool is_power_of_2(uint32_t n)
{
    return n && !(n & (n - 1));
}

static uint64_t avail_size(uint32_t num)
{
    return 4 + 2ull * num; /* flags, idx, ring[num]; used_event only with EVENT_IDX */
}

static uint64_t used_size(uint32_t num)
{
    return 4 + 8ull * num; /* flags, idx, ring[num] of {id, len} */
}

/* The checks of 2.6 that a queue must pass before the device uses it. */
static bool rings_in_ram(const VirtioMmio *t, const VirtQueue *vq)
{
    return bus_dma_read(t->bus, vq->desc, (uint64_t)DESC_SIZE * vq->num) &&
           bus_dma_read(t->bus, vq->avail, avail_size(vq->num)) && bus_dma_read(t->bus, vq->used, used_size(vq->num));
}

static bool rings_aligned(const VirtQueue *vq)
{
    return vq->desc % 16 == 0 && vq->avail % 2 == 0 && vq->used % 4 == 0;
}

static bool queue_layout_ok(VirtioMmio *t, const VirtQueue *vq)
{
    if (!is_power_of_2(vq->num) || vq->num > t->ops->queue_max) {
        virtio_mmio_fail(t, "queue %u: size %u is not a power of 2 up to %u", vq->index, vq->num,
                         t->ops->queue_max);
        return false;
    }
    if (!rings_aligned(vq)) {
        virtio_mmio_fail(t, "queue %u: misaligned rings (desc 0x%llx avail 0x%llx used 0x%llx)", vq->index,
                         (unsigned long long)vq->desc, (unsigned long long)vq->avail,
                         (unsigned long long)vq->used);
        return false;
    }
    if (!rings_in_ram(t, vq)) {
        virtio_mmio_fail(t, "queue %u: rings outside RAM (desc 0x%llx avail 0x%llx used 0x%llx, size %u)",
                         vq->index, (unsigned long long)vq->desc, (unsigned long long)vq->avail,
                         (unsigned long long)vq->used, vq->num);
        return false;
    }
    return true;
}

typedef struct Desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
} Desc;

/* Reads descriptor i of a table once, so later checks see the same values
 * even if the guest changes the table meanwhile. */
static Desc load_desc(const uint8_t *table, uint32_t i)
{
    const uint8_t *p = table + (size_t)i * DESC_SIZE;
    return (Desc){le64(p), le32(p + 8), le16(p + 12), le16(p + 14)};
}

static bool add_segment(VirtQueue *vq, VirtqElem *e, const Desc *d)
{
    VirtioMmio *t = vq->transport;
    bool writable = d->flags & VIRTQ_DESC_F_WRITE;
    if (!writable && e->n_wr) {
        virtio_mmio_fail(t, "queue %u: device-readable descriptor after a writable one (head %u)", vq->index,
                         e->head);
        return false;
    }
    if (e->n_rd + e->n_wr == VIRTQ_MAX_SIZE) {
        virtio_mmio_fail(t, "queue %u: more than %u buffers in one chain", vq->index, VIRTQ_MAX_SIZE);
        return false;
    }
    uint8_t *host = NULL;
    if (d->len) {
        host = writable ? bus_dma_write(t->bus, d->addr, d->len) : (uint8_t *)bus_dma_read(t->bus, d->addr, d->len);
        if (!host) {
            virtio_mmio_fail(t, "queue %u: buffer 0x%llx+0x%x is not in RAM", vq->index,
                             (unsigned long long)d->addr, d->len);
            return false;
        }
    }
    e->seg[e->n_rd + e->n_wr] = (VirtqSeg){host, d->len};
    if (writable) {
        e->n_wr++;
        e->wr_len += d->len;
    } else {
        e->n_rd++;
        e->rd_len += d->len;
    }
    return true;
}

/* Switches the walk to the indirect table d points at (2.6.5.3). */
static const uint8_t *enter_indirect(VirtQueue *vq, const Desc *d, uint32_t *table_len)
{
    VirtioMmio *t = vq->transport;
    if (!(t->driver_features & VIRTIO_F_INDIRECT_DESC)) {
        virtio_mmio_fail(t, "queue %u: indirect descriptor without VIRTIO_F_INDIRECT_DESC", vq->index);
        return NULL;
    }
    if (d->flags & VIRTQ_DESC_F_NEXT) {
        virtio_mmio_fail(t, "queue %u: indirect descriptor with NEXT set", vq->index);
        return NULL;
    }
    if (d->len == 0 || d->len % DESC_SIZE || d->len / DESC_SIZE > VIRTQ_MAX_SIZE) {
        virtio_mmio_fail(t, "queue %u: indirect table of %u bytes", vq->index, d->len);
        return NULL;
    }
    const uint8_t *table = bus_dma_read(t->bus, d->addr, d->len);
    if (!table) {
        virtio_mmio_fail(t, "queue %u: indirect table 0x%llx+0x%x is not in RAM", vq->index,
                         (unsigned long long)d->addr, d->len);
        return NULL;
    }
    *table_len = d->len / DESC_SIZE;
    return table;
}

/* Follows the chain from e->head; every step is bounded by the table size,
 * so loops end as errors. */
static bool walk_chain(VirtQueue *vq, VirtqElem *e)
{
    VirtioMmio *t = vq->transport;
    const uint8_t *table = bus_dma_read(t->bus, vq->desc, (uint64_t)DESC_SIZE * vq->num);
    uint32_t table_len = vq->num, i = e->head, steps = 0;
    bool indirect = false;
    if (!table) {
        virtio_mmio_fail(t, "queue %u: descriptor table left RAM", vq->index);
        return false;
    }
    for (;;) {
        if (steps++ == table_len) {
            virtio_mmio_fail(t, "queue %u: descriptor chain from %u loops or exceeds %u entries", vq->index,
                             e->head, table_len);
            return false;
        }
        Desc d = load_desc(table, i);
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (indirect || steps != 1) {
                virtio_mmio_fail(t, "queue %u: indirect descriptor %s", vq->index,
                                 indirect ? "inside an indirect table" : "in the middle of a chain");
                return false;
            }
            if (!(table = enter_indirect(vq, &d, &table_len)))
                return false;
            indirect = true;
            i = 0;
            steps = 0;
            continue;
        }
        if (!add_segment(vq, e, &d))
            return false;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return true;
        i = d.next;
        if (i >= table_len) {
            virtio_mmio_fail(t, "queue %u: next descriptor %u out of range (%u entries)", vq->index, i, table_len);
            return false;
        }
    }
}

bool virtq_pop(VirtQueue *vq, VirtqElem *e)
{
    VirtioMmio *t = vq->transport;
    if (!vq->ready || t->needs_reset)
        return false;
    const uint8_t *avail = bus_dma_read(t->bus, vq->avail, avail_size(vq->num));
    if (!avail) {
        virtio_mmio_fail(t, "queue %u: available ring left RAM", vq->index);
        return false;
    }
    /* Acquire: the ring entry and descriptors the driver wrote before
     * publishing idx must be seen after it. */
    uint16_t idx = __atomic_load_n((const uint16_t *)(avail + 2), __ATOMIC_ACQUIRE);
    idx = le16((const uint8_t *)&idx);
    uint16_t pending = (uint16_t)(idx - vq->last_avail);
    if (pending == 0)
        return false;
    if (pending > vq->num) {
        virtio_mmio_fail(t, "queue %u: available idx %u is %u ahead of %u (queue size %u)", vq->index, idx,
                         pending, vq->last_avail, vq->num);
        return false;
    }
    uint16_t head = le16(avail + 4 + 2 * (vq->last_avail % vq->num));
    if (head >= vq->num) {
        virtio_mmio_fail(t, "queue %u: head descriptor %u out of range (%u entries)", vq->index, head, vq->num);
        return false;
    }
    e->head = head;
    e->n_rd = e->n_wr = 0;
    e->rd_len = e->wr_len = 0;
    if (!walk_chain(vq, e))
        return false;
    vq->last_avail++;
    return true;
}

void virtq_push(VirtQueue *vq, const VirtqElem *e, uint64_t written)
{
    VirtioMmio *t = vq->transport;
    if (!vq->ready || t->needs_reset)
        return;
    /* Map just the slot and the index, so the RAM-write hook (code
     * invalidation, dirty tracking) sees only what changes. */
    uint64_t slot_addr = vq->used + 4 + 8ull * (vq->used_idx % vq->num);
    uint8_t *slot = bus_dma_write(t->bus, slot_addr, 8);
    uint8_t *idx_p = bus_dma_write(t->bus, vq->used + 2, 2);
    const uint8_t *avail = bus_dma_read(t->bus, vq->avail, 2);
    if (!slot || !idx_p || !avail) {
        virtio_mmio_fail(t, "queue %u: rings left RAM", vq->index);
        return;
    }
    if (written > e->wr_len)
        written = e->wr_len;
    put_le32(slot, e->head);
    put_le32(slot + 4, (uint32_t)written);
    vq->used_idx++;
    /* Release: the element (and the data) before the index (2.6.8.2). */
    uint16_t idx;
    put_le16((uint8_t *)&idx, vq->used_idx);
    __atomic_store_n((uint16_t *)idx_p, idx, __ATOMIC_RELEASE);
    if (!(le16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT))
        raise_interrupt(t, VIRTIO_INT_USED_BUFFER);
}

bool virtq_elem_each(const VirtqElem *e, bool writable, uint64_t offset, uint64_t len, VirtqSpanFn fn, void *opaque)
{
    unsigned first = writable ? e->n_rd : 0, end = writable ? e->n_rd + e->n_wr : e->n_rd;
    uint64_t pos = 0;
    for (unsigned i = first; i < end && pos < len; i++) {
        const VirtqSeg *s = &e->seg[i];
        if (offset >= s->len) {
            offset -= s->len;
            continue;
        }
        uint64_t n = s->len - offset;
        if (n > len - pos)
            n = len - pos;
        if (!fn(opaque, s->host + offset, (size_t)n, pos))
            return false;
        pos += n;
        offset = 0;
    }
    return pos == len;
}

typedef struct CopyCursor {
    uint8_t *buf;
    size_t done;
    bool to_guest;
} CopyCursor;

static bool copy_piece(void *opaque, uint8_t *host, size_t len, uint64_t pos)
{
    CopyCursor *c = opaque;
    if (c->to_guest)
        memcpy(host, c->buf + pos, len);
    else
        memcpy(c->buf + pos, host, len);
    c->done += len;
    return true;
}

size_t virtq_elem_read(const VirtqElem *e, uint64_t offset, void *dst, size_t len)
{
    CopyCursor c = {dst, 0, false};
    virtq_elem_each(e, false, offset, len, copy_piece, &c);
    return c.done;
}

size_t virtq_elem_write(const VirtqElem *e, uint64_t offset, const void *src, size_t len)
{
    CopyCursor c = {(uint8_t *)src, 0, true};
    virtq_elem_each(e, true, offset, len, copy_piece, &c);
    return c.done;
}

/* ---- registers ---- */

/* The device's queue count, bounded by the array the transport has. */
static unsigned queue_count(const VirtioMmio *t)
{
    return t->ops->num_queues < VIRTIO_MMIO_MAX_QUEUES ? t->ops->num_queues : VIRTIO_MMIO_MAX_QUEUES;
}

static VirtQueue *selected_queue(VirtioMmio *t)
{
    return t->queue_sel < queue_count(t) ? &t->vq[t->queue_sel] : NULL;
}

static uint32_t config_read(VirtioMmio *t, uint32_t offset, unsigned size)
{
    if (offset % size) {
        virtio_mmio_guest_error(t, "misaligned %u-byte config read at 0x%x", size, offset);
        return 0;
    }
    return t->ops->config_read ? t->ops->config_read(t->dev, offset, size) : 0;
}

static void config_write(VirtioMmio *t, uint32_t offset, uint32_t value, unsigned size)
{
    if (offset % size) {
        virtio_mmio_guest_error(t, "misaligned %u-byte config write at 0x%x", size, offset);
        return;
    }
    if (t->ops->config_write)
        t->ops->config_write(t->dev, offset, value, size);
    else
        virtio_mmio_guest_error(t, "write to read-only config space at 0x%x", offset);
}

static uint32_t queue_reg_read(VirtioMmio *t, uint32_t offset)
{
    VirtQueue *vq = selected_queue(t);
    if (offset == REG_QUEUE_NUM_MAX)
        return vq ? t->ops->queue_max : 0; /* 0: no such queue */
    return vq && vq->ready;
}

static uint32_t device_features_word(VirtioMmio *t)
{
    if (t->device_features_sel > 1)
        return 0;
    return (uint32_t)(offered_features(t) >> (32 * t->device_features_sel));
}

static uint64_t device_read(VirtioMmio *t, uint32_t offset)
{
    switch (offset) {
    case REG_DEVICE_FEATURES:
        return device_features_word(t);
    case REG_QUEUE_NUM_MAX:
    case REG_QUEUE_READY:
        return queue_reg_read(t, offset);
    case REG_INTERRUPT_STATUS:
        return t->int_status;
    case REG_STATUS:
        return t->status | (t->needs_reset ? VIRTIO_STATUS_NEEDS_RESET : 0);
    case REG_CONFIG_GENERATION:
        return t->config_generation;
    case REG_SHM_LEN_LOW:
    case REG_SHM_LEN_HIGH:
    case REG_SHM_BASE_LOW:
    case REG_SHM_BASE_HIGH:
        return 0xffffffffu; /* 1.2: no shared memory regions, length -1 */
    default:
        virtio_mmio_guest_error(t, "read of write-only or reserved register 0x%03x", offset);
        return 0;
    }
}

static uint64_t virtio_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    VirtioMmio *t = opaque;
    if (offset >= VIRTIO_MMIO_CONFIG)
        return t->ops ? config_read(t, offset - VIRTIO_MMIO_CONFIG, size) : 0;
    if (size != 4 || offset % 4) {
        virtio_mmio_guest_error(t, "%u-byte read of register 0x%03x (only aligned 32-bit allowed)", size, offset);
        return 0;
    }
    switch (offset) {
    case REG_MAGIC:
        return VIRTIO_MMIO_MAGIC;
    case REG_VERSION:
        return 2;
    case REG_DEVICE_ID:
        return t->ops ? t->ops->device_id : 0;
    case REG_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    default:
        return t->ops ? device_read(t, offset) : 0;
    }
}

/* 3.1.1 step 5: accept the driver's features only if they are a subset of
 * ours and include VERSION_1 (this is not a legacy device). */
static bool features_acceptable(VirtioMmio *t)
{
    uint64_t extra = t->driver_features & ~offered_features(t);
    if (extra) {
        virtio_mmio_guest_error(t, "driver accepted features 0x%llx that were not offered", (unsigned long long)extra);
        return false;
    }
    if (!(t->driver_features & VIRTIO_F_VERSION_1)) {
        virtio_mmio_guest_error(t, "driver did not accept VIRTIO_F_VERSION_1");
        return false;
    }
    return true;
}

static void process_all_queues(VirtioMmio *t)
{
    for (unsigned i = 0; i < queue_count(t); i++)
        if (t->vq[i].ready && t->ops->notify)
            t->ops->notify(t->dev, &t->vq[i]);
}

static void write_status(VirtioMmio *t, uint32_t value)
{
    if (value == 0) {
        device_reset(t);
        return;
    }
    value &= 0xff & ~VIRTIO_STATUS_NEEDS_RESET; /* that bit is the device's */
    if (t->status & ~value)
        virtio_mmio_guest_error(t, "status 0x%x clears bits of 0x%x without a reset", value, t->status);
    bool was_features_ok = t->status & VIRTIO_STATUS_FEATURES_OK;
    if ((value & VIRTIO_STATUS_FEATURES_OK) && !was_features_ok && !features_acceptable(t))
        value &= ~VIRTIO_STATUS_FEATURES_OK;
    bool starting = (value & VIRTIO_STATUS_DRIVER_OK) && !(t->status & VIRTIO_STATUS_DRIVER_OK);
    t->status = value;
    /* Buffers made available before DRIVER_OK wait until now (3.1.1). */
    if (starting)
        process_all_queues(t);
}

static void write_driver_features(VirtioMmio *t, uint32_t value)
{
    if (t->status & VIRTIO_STATUS_FEATURES_OK) {
        virtio_mmio_guest_error(t, "DriverFeatures written after FEATURES_OK");
        return;
    }
    if (t->driver_features_sel > 1) {
        if (value)
            virtio_mmio_guest_error(t, "DriverFeatures word %u = 0x%x: no such features", t->driver_features_sel,
                                    value);
        return;
    }
    unsigned shift = 32 * t->driver_features_sel;
    t->driver_features = (t->driver_features & ~(0xffffffffull << shift)) | (uint64_t)value << shift;
}

static void set_queue_ready(VirtioMmio *t, VirtQueue *vq, uint32_t value)
{
    if (!value) {
        vq->ready = false;
        return;
    }
    if (vq->ready || !queue_layout_ok(t, vq))
        return;
    vq->ready = true;
    vq->last_avail = 0;
    vq->used_idx = 0;
}

/* Layout registers may only change while the queue is not ready (4.2.2.2). */
static void write_queue_address(VirtQueue *vq, uint32_t offset, uint32_t value)
{
    uint64_t *field = offset < REG_QUEUE_DRIVER_LOW   ? &vq->desc
                      : offset < REG_QUEUE_DEVICE_LOW ? &vq->avail
                                                      : &vq->used;
    unsigned shift = (offset & 4) ? 32 : 0;
    *field = (*field & ~(0xffffffffull << shift)) | (uint64_t)value << shift;
}

static void queue_reg_write(VirtioMmio *t, uint32_t offset, uint32_t value)
{
    VirtQueue *vq = selected_queue(t);
    if (!vq) {
        virtio_mmio_guest_error(t, "register 0x%03x written for absent queue %u", offset, t->queue_sel);
        return;
    }
    if (offset == REG_QUEUE_READY) {
        set_queue_ready(t, vq, value);
        return;
    }
    if (vq->ready) {
        virtio_mmio_guest_error(t, "queue %u: register 0x%03x written while the queue is ready", vq->index, offset);
        return;
    }
    if (offset == REG_QUEUE_NUM)
        vq->num = value;
    else
        write_queue_address(vq, offset, value);
}

static void queue_notify(VirtioMmio *t, uint32_t index)
{
    if (index >= queue_count(t) || !t->vq[index].ready) {
        virtio_mmio_guest_error(t, "notify of %s queue %u", index >= queue_count(t) ? "absent" : "unready",
                                index);
        return;
    }
    if (!(t->status & VIRTIO_STATUS_DRIVER_OK))
        return; /* handled when DRIVER_OK is set */
    if (t->ops->notify)
        t->ops->notify(t->dev, &t->vq[index]);
}

static void device_write(VirtioMmio *t, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case REG_DEVICE_FEATURES_SEL:
        t->device_features_sel = value;
        break;
    case REG_DRIVER_FEATURES:
        write_driver_features(t, value);
        break;
    case REG_DRIVER_FEATURES_SEL:
        t->driver_features_sel = value;
        break;
    case REG_QUEUE_SEL:
        t->queue_sel = value;
        break;
    case REG_QUEUE_NUM:
    case REG_QUEUE_READY:
    case REG_QUEUE_DESC_LOW:
    case REG_QUEUE_DESC_HIGH:
    case REG_QUEUE_DRIVER_LOW:
    case REG_QUEUE_DRIVER_HIGH:
    case REG_QUEUE_DEVICE_LOW:
    case REG_QUEUE_DEVICE_HIGH:
        queue_reg_write(t, offset, value);
        break;
    case REG_QUEUE_NOTIFY:
        queue_notify(t, value);
        break;
    case REG_INTERRUPT_ACK:
        t->int_status &= ~value;
        update_irq(t);
        break;
    case REG_STATUS:
        write_status(t, value);
        break;
    case REG_SHM_SEL:
        t->shm_sel = value;
        break;
    case 0x0c0: /* QueueReset (1.2), only with VIRTIO_F_RING_RESET, which is not offered */
        log_unimp(t, "QueueReset register 0x0c0 (VIRTIO_F_RING_RESET not offered)");
        break;
    default:
        virtio_mmio_guest_error(t, "write of read-only or reserved register 0x%03x = 0x%x", offset, value);
        break;
    }
}

static void virtio_mmio_write(void *opaque, uint32_t offset, uint64_t value, unsigned size)
{
    VirtioMmio *t = opaque;
    if (!t->ops)
        return; /* an empty slot ignores everything */
    if (offset >= VIRTIO_MMIO_CONFIG) {
        config_write(t, offset - VIRTIO_MMIO_CONFIG, (uint32_t)value, size);
        return;
    }
    if (size != 4 || offset % 4) {
        virtio_mmio_guest_error(t, "%u-byte write of register 0x%03x (only aligned 32-bit allowed)", size, offset);
        return;
    }
    device_write(t, offset, (uint32_t)value);
}

const MmioOps virtio_mmio_ops = {virtio_mmio_read, virtio_mmio_write, 1, 4};

/* --- snapshot state ----------------------------------------------------- */

static const VmsField virtq_fields[] = {
    VMS_MAX(VirtQueue, num, VIRTQ_MAX_SIZE), VMS(VirtQueue, ready), VMS(VirtQueue, desc), VMS(VirtQueue, avail),
    VMS(VirtQueue, used), VMS(VirtQueue, last_avail), VMS(VirtQueue, used_idx),
};
static const VmsDesc virtq_vmstate = VMS_DESC("virtqueue", 1, VirtQueue, virtq_fields, NULL);

/* A queue the device does not have, or larger than it allows, would let
 * the device index past its rings. */
static bool virtio_mmio_state_check(const void *staged, char *err, size_t errlen)
{
    const VirtioMmio *t = staged;
    for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
        const VirtQueue *q = &t->vq[i];
        bool exists = t->ops && i < t->ops->num_queues;
        bool bad = exists ? q->num > t->ops->queue_max || (q->num & (q->num - 1)) : q->num || q->ready;
        if (bad || (q->ready && !q->num)) {
            snprintf(err, errlen, "section virtio-mmio: queue %u has an impossible size %u", i, q->num);
            return false;
        }
        if (q->ready && (!rings_aligned(q) || !rings_in_ram(t, q))) {
            snprintf(err, errlen, "section virtio-mmio: the rings of queue %u are misaligned or outside RAM", i);
            return false;
        }
    }
    if (!t->ops && (t->status || t->int_status)) {
        snprintf(err, errlen, "section virtio-mmio: an empty slot has device state");
        return false;
    }
    return true;
}

static const VmsField virtio_mmio_fields[] = {
    VMS_MAX(VirtioMmio, status, 0xff), VMS(VirtioMmio, needs_reset), VMS_MAX(VirtioMmio, int_status, 3),
    VMS(VirtioMmio, device_features_sel), VMS(VirtioMmio, driver_features_sel), VMS(VirtioMmio, queue_sel),
    VMS(VirtioMmio, shm_sel), VMS(VirtioMmio, driver_features), VMS(VirtioMmio, config_generation),
    VMS_STRUCT(VirtioMmio, vq, VirtQueue, virtq_vmstate),
};
const VmsDesc virtio_mmio_vmstate = VMS_DESC("virtio-mmio", 1, VirtioMmio, virtio_mmio_fields, virtio_mmio_state_check);
