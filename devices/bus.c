/* The physical address space: region table, RAM and MMIO dispatch, DMA. */
#include <string.h>

#include "devices/bus.h"

void bus_init(Bus *b, Log *log)
{
    memset(b, 0, sizeof *b);
    b->log = log;
}

static bool overlaps(const Bus *b, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < b->count; i++) {
        const BusRegion *r = &b->regions[i];
        if (base < r->base + r->size && r->base < base + size)
            return true;
    }
    return false;
}

static bool add_region(Bus *b, BusRegion r)
{
    if (b->count == BUS_MAX_REGIONS || r.size == 0 || r.base + r.size < r.base || overlaps(b, r.base, r.size))
        return false;
    b->regions[b->count++] = r;
    return true;
}

bool bus_add_ram(Bus *b, const char *name, uint64_t base, uint64_t size, uint8_t *host)
{
    return add_region(b, (BusRegion){.name = name, .base = base, .size = size, .ram = host});
}

bool bus_add_mmio(Bus *b, const char *name, uint64_t base, uint64_t size, const MmioOps *ops, void *opaque)
{
    return add_region(b, (BusRegion){.name = name, .base = base, .size = size, .ops = ops, .opaque = opaque});
}

static bool contains(const BusRegion *r, uint64_t addr)
{
    return addr - r->base < r->size;
}

const BusRegion *bus_find(Bus *b, uint64_t addr)
{
    if (b->last && contains(b->last, addr))
        return b->last;
    for (unsigned i = 0; i < b->count; i++)
        if (contains(&b->regions[i], addr))
            return b->last = &b->regions[i];
    return NULL;
}

/* The region if [addr, addr + size) lies inside it and the size is allowed. */
static const BusRegion *access_region(Bus *b, uint64_t addr, unsigned size, bool write)
{
    const BusRegion *r = bus_find(b, addr);
    if (r && addr + size - r->base <= r->size &&
        (r->ram || (size >= r->ops->min_size && size <= r->ops->max_size)))
        return r;
    if (log_on(b->log, LOG_GUEST_ERRORS))
        log_printf(b->log, "bus: %s of %u bytes at 0x%08llx: %s\n", write ? "write" : "read", size,
                   (unsigned long long)addr, r ? "bad size for device" : "nothing mapped");
    return NULL;
}

bool bus_read(Bus *b, uint64_t addr, unsigned size, uint64_t *value)
{
    const BusRegion *r = access_region(b, addr, size, false);
    if (!r)
        return false;
    if (r->ram) {
        uint64_t v = 0;
        memcpy(&v, r->ram + (addr - r->base), size);
        *value = v;
    } else {
        *value = r->ops->read(r->opaque, (uint32_t)(addr - r->base), size);
    }
    return true;
}

bool bus_write(Bus *b, uint64_t addr, unsigned size, uint64_t value)
{
    const BusRegion *r = access_region(b, addr, size, true);
    if (!r)
        return false;
    if (r->ram) {
        memcpy(r->ram + (addr - r->base), &value, size);
        if (b->on_ram_write)
            b->on_ram_write(b->hook_opaque, addr, size);
    } else
        r->ops->write(r->opaque, (uint32_t)(addr - r->base), value, size);
    return true;
}

static uint8_t *ram_span(Bus *b, uint64_t addr, uint64_t len)
{
    const BusRegion *r = bus_find(b, addr);
    if (!r || !r->ram || len > r->size || addr - r->base > r->size - len)
        return NULL;
    return r->ram + (addr - r->base);
}

const uint8_t *bus_dma_read(Bus *b, uint64_t addr, uint64_t len)
{
    return ram_span(b, addr, len);
}

uint8_t *bus_dma_write(Bus *b, uint64_t addr, uint64_t len)
{
    uint8_t *p = ram_span(b, addr, len);
    if (p && b->on_ram_write)
        b->on_ram_write(b->hook_opaque, addr, len);
    return p;
}
