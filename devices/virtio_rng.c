/* virtio-rng: host entropy or a seeded xoshiro256** stream. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "devices/virtio_rng.h"
#include "snapshot/vmstate.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t xoshiro256ss(uint64_t s[4])
{
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void virtio_rng_init(VirtioRng *r, uint64_t seed_or_0)
{
    memset(r, 0, sizeof *r);
    r->seed = seed_or_0;
    uint64_t x = seed_or_0;
    for (int i = 0; i < 4; i++)
        r->state[i] = splitmix64(&x);
}

static bool host_entropy(uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Output words are used little-endian, so the byte stream is the same on
 * every host. */
static void prng_bytes(VirtioRng *r, uint8_t *buf, size_t len)
{
    while (len) {
        uint64_t v = xoshiro256ss(r->state);
        for (int i = 0; i < 8 && len; i++, len--)
            *buf++ = (uint8_t)(v >> (8 * i));
    }
}

bool virtio_rng_fill(VirtioRng *r, uint8_t *buf, size_t len)
{
    if (!r->seed)
        return host_entropy(buf, len);
    prng_bytes(r, buf, len);
    return true;
}

static bool fill_piece(void *opaque, uint8_t *host, size_t len, uint64_t pos)
{
    (void)pos;
    return virtio_rng_fill(opaque, host, len);
}

static void rng_notify(void *dev, VirtQueue *vq)
{
    VirtqElem e;
    while (virtq_pop(vq, &e)) {
        if (e.n_rd) {
            virtio_mmio_fail(vq->transport, "device-readable buffer in the entropy request queue");
            return;
        }
        /* getrandom(2) cannot fail on the kernels scion runs on; should it,
         * the buffer goes back with nothing written and the driver asks again. */
        bool ok = virtq_elem_each(&e, true, 0, e.wr_len, fill_piece, dev);
        virtq_push(vq, &e, ok ? e.wr_len : 0);
    }
}

const VirtioDeviceOps virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_ENTROPY,
    .num_queues = 1,
    .queue_max = VIRTIO_RNG_QUEUE_MAX,
    .notify = rng_notify,
};

/* --- snapshot state ----------------------------------------------------- */

static const VmsField virtio_rng_fields[] = {VMS(VirtioRng, seed), VMS(VirtioRng, state)};
const VmsDesc virtio_rng_vmstate = VMS_DESC("virtio-rng", 1, VirtioRng, virtio_rng_fields, NULL);
