/*
 * virtio-rng, the entropy device (VIRTIO 1.1 section 5.4).
 *
 * One request queue of device-writable buffers, each filled completely and
 * returned at once.  With seed 0 the bytes come from getrandom(2); with any
 * other seed they come from xoshiro256** (Blackman and Vigna) whose state
 * is four successive outputs of splitmix64 started at the seed, so a
 * deterministic run gives the guest the same bytes every time.  The stream
 * continues across device resets.
 *
 *   VirtioRng rng;
 *   virtio_rng_init(&rng, opts.deterministic ? opts.seed : 0);
 *   virtio_mmio_init(&slot, bus, log, irq, &virtio_rng_ops, &rng);
 */
#ifndef SCION_VIRTIO_RNG_H
#define SCION_VIRTIO_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "devices/virtio_mmio.h"

#define VIRTIO_ID_ENTROPY 4
#define VIRTIO_RNG_QUEUE_MAX 64

typedef struct VirtioRng {
    uint64_t seed;     /* 0: host entropy */
    uint64_t state[4]; /* xoshiro256** state when seed != 0 */
} VirtioRng;

extern const VirtioDeviceOps virtio_rng_ops;

void virtio_rng_init(VirtioRng *r, uint64_t seed_or_0);
/* The bytes the device hands out next (exposed for tests); false if the
 * host's entropy source failed. */
bool virtio_rng_fill(VirtioRng *r, uint8_t *buf, size_t len);

/* The state table for snapshots (snapshot/vmstate.h). */
struct VmsDesc;
extern const struct VmsDesc virtio_rng_vmstate;

#endif
