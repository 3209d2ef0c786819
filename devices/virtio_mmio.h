/*
 * virtio over MMIO (VIRTIO 1.1 section 4.2, register layout Version 2) and
 * split virtqueues (section 2.6) for the devices behind it.
 *
 * A VirtioMmio is one 0x200-byte transport window.  The board creates
 * VIRT_MMIO_COUNT of them like QEMU's virt; a slot with no device behind
 * it (ops == NULL) reads DeviceID 0, which drivers skip.  A device is a
 * state struct plus a VirtioDeviceOps table: the transport handles feature
 * negotiation (VIRTIO_F_VERSION_1 must be accepted, VIRTIO_F_INDIRECT_DESC
 * is offered for every device), status, queue setup and interrupts, and
 * calls ops->notify when the driver kicks a queue.  The device then takes
 * requests with virtq_pop and completes them with virtq_push, both inside
 * notify (all I/O is synchronous).
 *
 * Guest mistakes (descriptor loops, indices or buffers outside the queue or
 * RAM, bad queue sizes, readable/writable descriptors in the wrong place)
 * are logged under LOG_GUEST_ERRORS and put the device into the
 * DEVICE_NEEDS_RESET state: Status reads with bit 0x40 set, the queues
 * stop, and (once DRIVER_OK was set) a configuration-change interrupt is
 * raised.  Only a reset (Status = 0) leaves that state.  The transport never
 * touches host memory outside the RAM regions of the Bus.
 *
 *   static VirtioMmio slot[VIRT_MMIO_COUNT];   // owned by the board
 *   virtio_mmio_init(&slot[0], bus, log, irq0, &virtio_blk_ops, &blk);
 *   virtio_mmio_init(&slot[1], bus, log, irq1, NULL, NULL);  // empty
 *   bus_add_mmio(bus, "virtio-mmio", base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, &slot[0]);
 *
 *   // in a device's notify callback:
 *   VirtqElem e;
 *   while (virtq_pop(vq, &e)) {
 *       uint64_t written = handle(&e);          // reads e.seg[0..n_rd),
 *       virtq_push(vq, &e, written);            // writes e.seg[n_rd..)
 *   }
 */
#ifndef SCION_VIRTIO_MMIO_H
#define SCION_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/log.h"
#include "devices/bus.h"
#include "devices/irq.h"

#define VIRTIO_MMIO_SIZE 0x200
#define VIRTIO_MMIO_MAGIC 0x74726976u  /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x4e4f4953u /* "SION" */
#define VIRTIO_MMIO_CONFIG 0x100       /* device configuration space */

/* Device status bits (2.1). */
enum {
    VIRTIO_STATUS_ACKNOWLEDGE = 1,
    VIRTIO_STATUS_DRIVER = 2,
    VIRTIO_STATUS_DRIVER_OK = 4,
    VIRTIO_STATUS_FEATURES_OK = 8,
    VIRTIO_STATUS_NEEDS_RESET = 0x40,
    VIRTIO_STATUS_FAILED = 0x80,
};

/* InterruptStatus bits. */
enum {
    VIRTIO_INT_USED_BUFFER = 1,
    VIRTIO_INT_CONFIG_CHANGE = 2,
};

/* Reserved feature bits (6) handled by the transport. */
#define VIRTIO_F_INDIRECT_DESC (1ull << 28)
#define VIRTIO_F_VERSION_1 (1ull << 32)

/* Split virtqueue flags (2.6.5, 2.6.6). */
enum {
    VIRTQ_DESC_F_NEXT = 1,
    VIRTQ_DESC_F_WRITE = 2,
    VIRTQ_DESC_F_INDIRECT = 4,
    VIRTQ_AVAIL_F_NO_INTERRUPT = 1,
};

/* The largest queue a device may declare (queue_max), which also bounds
 * the segments of one request and the entries of an indirect table. */
#define VIRTQ_MAX_SIZE 1024
#define VIRTIO_MMIO_MAX_QUEUES 8

typedef struct VirtioMmio VirtioMmio;

typedef struct VirtQueue {
    VirtioMmio *transport;
    unsigned index;
    uint32_t num;                /* QueueNum: entries in each ring */
    bool ready;                  /* QueueReady */
    uint64_t desc, avail, used;  /* guest-physical ring addresses */
    uint16_t last_avail;         /* free-running index of the next avail entry to take */
    uint16_t used_idx;           /* free-running used->idx */
} VirtQueue;

/* One buffer of a descriptor chain, already checked to lie in guest RAM. */
typedef struct VirtqSeg {
    uint8_t *host; /* NULL for a zero-length buffer */
    uint32_t len;
} VirtqSeg;

/* A popped descriptor chain: seg[0, n_rd) are device-readable, then
 * seg[n_rd, n_rd + n_wr) device-writable (the spec requires that order). */
typedef struct VirtqElem {
    uint16_t head;
    unsigned n_rd, n_wr;
    uint64_t rd_len, wr_len; /* total bytes of each part */
    VirtqSeg seg[VIRTQ_MAX_SIZE];
} VirtqElem;

typedef struct VirtioDeviceOps {
    const char *name;              /* for log lines, e.g. "virtio-blk" */
    uint32_t device_id;            /* 2 block, 4 entropy (5) */
    unsigned num_queues;           /* <= VIRTIO_MMIO_MAX_QUEUES */
    unsigned queue_max;            /* QueueNumMax, power of 2, <= VIRTQ_MAX_SIZE */
    uint64_t (*features)(void *dev);  /* device-specific bits; transport adds its own */
    /* Config space accesses; offset is relative to the config space, size
     * 1, 2 or 4 and naturally aligned.  May be NULL (reads 0). */
    uint32_t (*config_read)(void *dev, uint32_t offset, unsigned size);
    void (*config_write)(void *dev, uint32_t offset, uint32_t value, unsigned size);
    void (*notify)(void *dev, VirtQueue *vq); /* process available buffers */
    void (*reset)(void *dev);                 /* may be NULL */
} VirtioDeviceOps;

struct VirtioMmio {
    Bus *bus;
    Log *log;
    IrqLine irq;
    const VirtioDeviceOps *ops; /* NULL: empty slot */
    void *dev;
    uint32_t status;       /* as written by the driver (FEATURES_OK only if accepted) */
    bool needs_reset;      /* DEVICE_NEEDS_RESET, ORed into Status reads */
    uint32_t int_status;
    uint32_t device_features_sel, driver_features_sel, queue_sel, shm_sel;
    uint64_t driver_features;
    uint32_t config_generation;
    VirtQueue vq[VIRTIO_MMIO_MAX_QUEUES];
};

void virtio_mmio_init(VirtioMmio *t, Bus *bus, Log *log, IrqLine irq, const VirtioDeviceOps *ops, void *dev);
extern const MmioOps virtio_mmio_ops;

/* The features the driver accepted (valid once FEATURES_OK is set). */
uint64_t virtio_mmio_driver_features(const VirtioMmio *t);
/* For devices whose config space changes: bumps ConfigGeneration and
 * raises the configuration-change interrupt. */
void virtio_mmio_config_changed(VirtioMmio *t);
/* Logs a guest error (LOG_GUEST_ERRORS) and enters DEVICE_NEEDS_RESET. */
void virtio_mmio_fail(VirtioMmio *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs a guest error naming the device, without changing the device state. */
void virtio_mmio_guest_error(VirtioMmio *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The next available descriptor chain, or false when there is none or the
 * chain is malformed (then the device is in NEEDS_RESET). */
bool virtq_pop(VirtQueue *vq, VirtqElem *e);
/* Returns the chain to the driver with `written` bytes written into its
 * writable part (clamped to wr_len), and interrupts unless suppressed. */
void virtq_push(VirtQueue *vq, const VirtqElem *e, uint64_t written);

/* Copy [offset, offset + len) of the readable part into dst / of src into
 * the writable part; return the bytes copied (less at the part's end). */
size_t virtq_elem_read(const VirtqElem *e, uint64_t offset, void *dst, size_t len);
size_t virtq_elem_write(const VirtqElem *e, uint64_t offset, const void *src, size_t len);
/* Calls fn on each contiguous host piece of [offset, offset + len) of the
 * readable (writable == false) or writable part, with pos = the bytes of
 * the range before the piece; stops early when fn returns false.  True if
 * the part held the whole range and fn accepted every piece. */
typedef bool (*VirtqSpanFn)(void *opaque, uint8_t *host, size_t len, uint64_t pos);
bool virtq_elem_each(const VirtqElem *e, bool writable, uint64_t offset, uint64_t len, VirtqSpanFn fn, void *opaque);

/* The state table for snapshots (snapshot/vmstate.h). */
struct VmsDesc;
extern const struct VmsDesc virtio_mmio_vmstate;

#endif
