/*
 * The softmmu TLB of system mode, used by both tiers.
 *
 * Each entry caches one virtual 4 KiB page for the current privilege: a tag
 * per access kind (the page address when that access may take the fast
 * path, TLB_INVALID otherwise) and the host address offset of the page.
 * A fast-path access at guest address a of size n, with alignment mask m
 * (IR aux: address bits that must be 0), hits when
 *     entry(a).tag == (((a + n - 1) & ~0xfff) | (a & m))
 * which also sends accesses that cross into the next page (the entry at
 * a's index can never be tagged with the next page) and misaligned ones to
 * the slow path, which raises the alignment fault.
 * Everything else - misses, MMIO, pages holding translated code (stores
 * must invalidate it), permission faults - goes to CpuCommon's slow-path
 * functions, which walk the translation tables, fill the entry or raise
 * the guest's abort (longjmp back to the run loop).
 *
 * Linux user mode has no TLB: CpuCommon.tlb is NULL there and guest memory
 * is a flat host mapping.
 */
#ifndef SCION_SOFTMMU_H
#define SCION_SOFTMMU_H

#include <stdint.h>
#include <string.h>

#include "backend/cpu_common.h"
#include "translator/ir.h"

#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_PAGE_MASK 0xfffff000u
/* Never equal to a page address, nor to a page address with alignment
 * bits (the fast-path key of an access that must be aligned). */
#define TLB_INVALID 0x800u
/* Access flags (IR aux of loads and stores): the alignment mask in the low
 * bits, and TLB_UNPRIV for LDRT/STRT & co., which are checked as User mode
 * accesses whatever the current mode.  Slow paths get size | flags <<
 * TLB_ALIGN_SHIFT. */
#define TLB_ALIGN_SHIFT 8
#define TLB_UNPRIV IR_MEM_UNPRIV
#define TLB_AMASK 0x7fu

/* 32 bytes, so that generated code scales the index with one shift. */
typedef struct TlbEntry {
    uint32_t tag_read, tag_write, tag_exec;
    uint32_t phys_page; /* physical page, for the slow path */
    uintptr_t addend;   /* host address = addend + guest virtual address */
    uint64_t unused;
} TlbEntry;

enum TlbAccess { TLB_READ, TLB_WRITE, TLB_EXEC };

static inline TlbEntry *tlb_entry(TlbEntry *tlb, uint32_t addr)
{
    return &tlb[(addr >> 12) & (TLB_SIZE - 1)];
}

static inline void tlb_flush_table(TlbEntry *tlb)
{
    for (unsigned i = 0; i < TLB_SIZE; i++)
        tlb[i] = (TlbEntry){.tag_read = TLB_INVALID, .tag_write = TLB_INVALID, .tag_exec = TLB_INVALID};
}

/* Guest memory access from C (helpers, both modes).  In system mode a miss
 * may raise a guest abort and not return. */
static inline uint32_t tlb_key(uint32_t addr, unsigned size, unsigned amask)
{
    return ((addr + size - 1) & TLB_PAGE_MASK) | (addr & amask);
}

static inline TlbEntry *access_entry(CpuCommon *c, uint32_t addr, unsigned flags)
{
    return tlb_entry((flags & TLB_UNPRIV) ? c->tlb_user : c->tlb, addr);
}

static inline uint64_t guest_load_aligned(CpuCommon *c, uint32_t addr, unsigned size, unsigned flags)
{
    uint64_t v = 0;
    if (!c->tlb) {
        memcpy(&v, c->mem_base + addr, size);
        return v;
    }
    TlbEntry *e = access_entry(c, addr, flags);
    if (__builtin_expect(e->tag_read == tlb_key(addr, size, flags & TLB_AMASK), 1)) {
        memcpy(&v, (uint8_t *)(e->addend + addr), size);
        return v;
    }
    return c->load_slow(c, addr, size | flags << TLB_ALIGN_SHIFT);
}

static inline void guest_store_aligned(CpuCommon *c, uint32_t addr, uint64_t v, unsigned size, unsigned flags)
{
    if (!c->tlb) {
        memcpy(c->mem_base + addr, &v, size);
        return;
    }
    TlbEntry *e = access_entry(c, addr, flags);
    if (__builtin_expect(e->tag_write == tlb_key(addr, size, flags & TLB_AMASK), 1))
        memcpy((uint8_t *)(e->addend + addr), &v, size);
    else
        c->store_slow(c, addr, v, size | flags << TLB_ALIGN_SHIFT);
}

static inline uint64_t guest_load(CpuCommon *c, uint32_t addr, unsigned size)
{
    return guest_load_aligned(c, addr, size, 0);
}

static inline void guest_store(CpuCommon *c, uint32_t addr, uint64_t v, unsigned size)
{
    guest_store_aligned(c, addr, v, size, 0);
}

#endif
