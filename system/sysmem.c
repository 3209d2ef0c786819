/* Softmmu fill and slow paths, MMU instruction fetch, code-page tracking. */
#include <string.h>

#include "frontend/arm_mmu.h"
#include "frontend/arm_sys.h"
#include "system/sysmem.h"

static SysMem *from_common(CpuCommon *c)
{
    return ((Machine *)c->machine)->code_page_opaque;
}

static ArmCpu *cpu_of(SysMem *s)
{
    return &s->m->cpu;
}

void sysmem_select_tlb(SysMem *s)
{
    cpu_of(s)->common.tlb = s->cur->tlb[arm_privileged(cpu_of(s)) ? 0 : 1];
    cpu_of(s)->common.tlb_user = s->cur->tlb[1];
}

/* The access being resolved is checked as User mode's (current mode, or LDRT & co.). */
static bool user_access(SysMem *s)
{
    return s->unprivileged || !arm_privileged(cpu_of(s));
}

static void flush_set(TlbSet *t)
{
    tlb_flush_table(t->tlb[0]);
    tlb_flush_table(t->tlb[1]);
    t->valid = true;
}

/* TLBIALL and changes to SCTLR, TTBR1, TTBCR: every regime forgets; the
 * current one at once, the others when they are next used. */
void sysmem_flush_tlb(SysMem *s)
{
    for (unsigned i = 0; i < TLB_SETS; i++)
        s->sets[i].valid = false;
    flush_set(s->cur);
    s->tlb_flushes++;
}

void sysmem_flush_page(SysMem *s, uint32_t va)
{
    static const TlbEntry invalid = {.tag_read = TLB_INVALID, .tag_write = TLB_INVALID, .tag_exec = TLB_INVALID};
    for (unsigned i = 0; i < TLB_SETS; i++) {
        *tlb_entry(s->sets[i].tlb[0], va) = invalid;
        *tlb_entry(s->sets[i].tlb[1], va) = invalid;
    }
}

void sysmem_regime_switch(SysMem *s)
{
    const ArmSys *sys = &cpu_of(s)->sys;
    TlbSet *pick = NULL;
    for (unsigned i = 0; i < TLB_SETS && !pick; i++) {
        TlbSet *t = &s->sets[i];
        if (t->ttbr0 == sys->ttbr0 && t->contextidr == sys->contextidr && t->dacr == sys->dacr)
            pick = t;
    }
    if (!pick) { /* reuse the least recently used regime */
        pick = &s->sets[0];
        for (unsigned i = 1; i < TLB_SETS; i++)
            if (s->sets[i].last_used < pick->last_used)
                pick = &s->sets[i];
        pick->ttbr0 = sys->ttbr0;
        pick->contextidr = sys->contextidr;
        pick->dacr = sys->dacr;
        pick->valid = false;
    }
    if (!pick->valid)
        flush_set(pick);
    pick->last_used = ++s->switches;
    s->cur = pick;
    sysmem_select_tlb(s);
}

/* Stores to a page that now holds translated code must take the slow path,
 * in every regime's TLB. */
static void protect_code_page(SysMem *s, uint32_t phys_page)
{
    for (unsigned i = 0; i < TLB_SETS; i++)
        for (unsigned p = 0; p < 2; p++)
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                TlbEntry *e = &s->sets[i].tlb[p][k];
                if (e->phys_page == phys_page && e->tag_write != TLB_INVALID)
                    e->tag_write = TLB_INVALID;
            }
}

/* Page-table walks read RAM only; anything else is an external abort. */
static bool read_phys_word(void *opaque, uint32_t pa, uint32_t *value)
{
    SysMem *s = opaque;
    const uint8_t *p = bus_dma_read(s->bus, pa, 4);
    if (!p)
        return false;
    memcpy(value, p, 4);
    return true;
}

static uint8_t *ram_host(SysMem *s, uint32_t pa)
{
    uint64_t off = (uint64_t)pa - s->ram_base;
    return off < s->ram_size ? s->ram + off : NULL;
}

/* Translate va for access at the current privilege; returns 0 or an FSR. */
static uint32_t translate(SysMem *s, uint32_t va, ArmAccess access, ArmMmuResult *r)
{
    ArmCpu *cpu = cpu_of(s);
    uint32_t fsr = arm_mmu_translate(&cpu->sys, read_phys_word, s, va, user_access(s), r);
    return fsr ? fsr : arm_mmu_check(r, access);
}

static void fill(SysMem *s, uint32_t va, const ArmMmuResult *r)
{
    ArmCpu *cpu = cpu_of(s);
    uint32_t page = va & TLB_PAGE_MASK, pa_page = r->pa & TLB_PAGE_MASK;
    TlbEntry *e = tlb_entry(s->unprivileged ? cpu->common.tlb_user : cpu->common.tlb, va);
    uint8_t *host = ram_host(s, pa_page);
    e->phys_page = pa_page;
    if (!host) { /* MMIO: every access takes the slow path */
        e->tag_read = e->tag_write = e->tag_exec = TLB_INVALID;
        return;
    }
    e->addend = (uintptr_t)host - page;
    e->tag_read = r->read ? page : TLB_INVALID;
    bool fast_write = r->write && !block_cache_page_has_code(s->m->cache, pa_page >> GUEST_PAGE_BITS) &&
                      (!s->dirty || s->dirty[(pa_page - s->ram_base) >> GUEST_PAGE_BITS]);
    e->tag_write = fast_write ? page : TLB_INVALID;
    e->tag_exec = r->exec ? page : TLB_INVALID;
}

/* Deliver a data abort for the instruction being executed and unwind. */
static void __attribute__((noreturn)) data_abort(SysMem *s, uint32_t va, uint32_t fsr, bool write)
{
    ArmCpu *cpu = cpu_of(s);
    arm_resume_insn(cpu);
    cpu->sys.dfsr = fsr | (write ? 1u << 11 : 0);
    cpu->sys.dfar = va;
    s->unprivileged = false;
    arm_take_exception(cpu, ARM_EXC_DABT, cpu->common.insn_pc);
    s->aborts++;
    longjmp(s->abort_jmp, 1);
}

/* Physical address of va for an access of size bytes within one page. */
static uint32_t resolve(SysMem *s, uint32_t va, ArmAccess access)
{
    ArmMmuResult r;
    uint32_t fsr = translate(s, va, access, &r);
    if (fsr)
        data_abort(s, va, fsr, access == ARM_ACCESS_WRITE);
    fill(s, va, &r);
    return r.pa;
}

static uint64_t load_in_page(SysMem *s, uint32_t va, unsigned size)
{
    uint32_t pa = resolve(s, va, ARM_ACCESS_READ);
    uint8_t *host = ram_host(s, pa);
    uint64_t v = 0;
    if (host)
        memcpy(&v, host, size);
    else if (!bus_read(s->bus, pa, size, &v))
        data_abort(s, va, arm_fsr(ARM_FS_EXTERNAL, 0), false);
    return v;
}

static void store_in_page(SysMem *s, uint32_t va, uint64_t v, unsigned size)
{
    uint32_t pa = resolve(s, va, ARM_ACCESS_WRITE);
    uint8_t *host = ram_host(s, pa);
    if (!host) {
        if (!bus_write(s->bus, pa, size, v))
            data_abort(s, va, arm_fsr(ARM_FS_EXTERNAL, 0), true);
        return;
    }
    bool refill = false;
    if (block_cache_page_has_code(s->m->cache, pa >> GUEST_PAGE_BITS)) {
        /* Self-modifying code: drop the page's translations. */
        machine_invalidate_code(s->m, pa & TLB_PAGE_MASK, GUEST_PAGE_SIZE);
        refill = true;
    }
    uint8_t *dirty = s->dirty ? &s->dirty[(pa - s->ram_base) >> GUEST_PAGE_BITS] : NULL;
    if (dirty && !*dirty) { /* the first store since the migration last looked */
        *dirty = 1;
        refill = true;
    }
    if (refill) { /* later stores to the page may take the fast path */
        ArmMmuResult r;
        if (!translate(s, va, ARM_ACCESS_WRITE, &r))
            fill(s, va, &r);
    }
    memcpy(host, &v, size);
}

static bool crosses_page(uint32_t va, unsigned size)
{
    return (va & (GUEST_PAGE_SIZE - 1)) + size > GUEST_PAGE_SIZE;
}

/* size | alignment mask << TLB_ALIGN_SHIFT from the fast path: a
 * misaligned access raises the alignment fault (before any translation
 * fault, as the ARM ARM orders them). */
static unsigned check_alignment(SysMem *s, uint32_t va, unsigned size_and_flags, bool write)
{
    unsigned flags = size_and_flags >> TLB_ALIGN_SHIFT;
    if (va & flags & TLB_AMASK)
        data_abort(s, va, arm_fsr(ARM_FS_ALIGNMENT, 0), write);
    s->unprivileged = (flags & TLB_UNPRIV) != 0;
    return size_and_flags & ((1u << TLB_ALIGN_SHIFT) - 1);
}

static uint64_t load_slow(CpuCommon *c, uint32_t va, unsigned size_and_mask)
{
    SysMem *s = from_common(c);
    unsigned size = check_alignment(s, va, size_and_mask, false);
    unsigned unpriv = s->unprivileged ? TLB_UNPRIV : 0;
    uint64_t v = 0;
    if (!crosses_page(va, size)) {
        v = load_in_page(s, va, size);
    } else {
        for (unsigned i = 0; i < size; i++) /* little-endian, byte by byte */
            v |= guest_load_aligned(c, va + i, 1, unpriv) << (8 * i);
    }
    s->unprivileged = false;
    return v;
}

static void store_slow(CpuCommon *c, uint32_t va, uint64_t v, unsigned size_and_mask)
{
    SysMem *s = from_common(c);
    unsigned size = check_alignment(s, va, size_and_mask, true);
    unsigned unpriv = s->unprivileged ? TLB_UNPRIV : 0;
    if (!crosses_page(va, size)) {
        store_in_page(s, va, v, size);
        s->unprivileged = false;
        return;
    }
    /* Check both pages before writing anything, so a fault leaves memory as it was. */
    ArmMmuResult r;
    for (uint32_t a = va; a != ((va + size - 1) & TLB_PAGE_MASK) + GUEST_PAGE_SIZE;
         a = (a & TLB_PAGE_MASK) + GUEST_PAGE_SIZE) {
        uint32_t fsr = translate(s, a, ARM_ACCESS_WRITE, &r);
        if (fsr)
            data_abort(s, a, fsr, true);
    }
    for (unsigned i = 0; i < size; i++)
        guest_store_aligned(c, va + i, (v >> (8 * i)) & 0xff, 1, unpriv);
    s->unprivileged = false;
}

/* --- instruction fetch --------------------------------------------------- */

static bool code_page(void *opaque, uint32_t pc, uint32_t *phys_page)
{
    SysMem *s = opaque;
    TlbEntry *e = tlb_entry(cpu_of(s)->common.tlb, pc);
    if (e->tag_exec == (pc & TLB_PAGE_MASK)) {
        *phys_page = e->phys_page;
        return true;
    }
    ArmMmuResult r;
    uint32_t fsr = translate(s, pc, ARM_ACCESS_EXEC, &r);
    if (!fsr && !ram_host(s, r.pa))
        fsr = arm_fsr(ARM_FS_EXTERNAL, 0);
    if (fsr) {
        s->fetch_fsr = fsr;
        s->fetch_addr = pc;
        return false;
    }
    fill(s, pc, &r);
    *phys_page = r.pa & TLB_PAGE_MASK;
    return true;
}

/* Translator fetch: virtual addresses through the MMU, RAM only. */
static size_t fetch_virtual(void *opaque, uint32_t va, uint8_t *buf, size_t len)
{
    SysMem *s = opaque;
    size_t done = 0;
    while (done < len) {
        uint32_t a = va + (uint32_t)done, page;
        if (!code_page(s, a, &page))
            break;
        uint8_t *host = ram_host(s, page | (a & (GUEST_PAGE_SIZE - 1)));
        size_t n = GUEST_PAGE_SIZE - (a & (GUEST_PAGE_SIZE - 1));
        if (n > len - done)
            n = len - done;
        memcpy(buf + done, host, n);
        done += n;
    }
    return done;
}

/* The code cache's fetch: block ranges are physical in system mode. */
static size_t fetch_physical(void *opaque, uint32_t pa, uint8_t *buf, size_t len)
{
    SysMem *s = opaque;
    const uint8_t *host = bus_dma_read(s->bus, pa, len);
    if (!host) {
        memset(buf, 0, len);
        return 0;
    }
    memcpy(buf, host, len);
    return len;
}

uint32_t sysmem_address_translate(SysMem *s, uint32_t va, bool user, bool write)
{
    ArmMmuResult r;
    uint32_t fsr = arm_mmu_translate(&cpu_of(s)->sys, read_phys_word, s, va, user, &r);
    if (!fsr)
        fsr = arm_mmu_check(&r, write ? ARM_ACCESS_WRITE : ARM_ACCESS_READ);
    if (fsr) /* F = 1, FS[5:0] = {ExT, FS[4], FS[3:0]} in bits 6:1 */
        return 1u | ((fsr & 0xf) << 1) | (((fsr >> 10) & 1) << 5) | (((fsr >> 12) & 1) << 6);
    if (r.page_bits == 24) /* supersection: PA[31:24], SS */
        return (r.pa & 0xff000000u) | 2u;
    return r.pa & TLB_PAGE_MASK;
}

void sysmem_prefetch_abort(SysMem *s)
{
    ArmCpu *cpu = cpu_of(s);
    cpu->sys.ifsr = s->fetch_fsr;
    cpu->sys.ifar = s->fetch_addr;
    arm_take_exception(cpu, ARM_EXC_PABT, cpu->r[15]);
    s->aborts++;
}

/* A page gained translated code. */
static void on_first_code(void *opaque, uint32_t page)
{
    protect_code_page(opaque, page << GUEST_PAGE_BITS);
}

/* Device DMA into RAM while a migration tracks writes. */
static void mark_dirty(SysMem *s, uint64_t addr, uint64_t len)
{
    if (!s->dirty || !len || addr < s->ram_base || addr - s->ram_base >= s->ram_size)
        return;
    uint64_t first = (addr - s->ram_base) >> GUEST_PAGE_BITS, last = (addr + len - 1 - s->ram_base) >> GUEST_PAGE_BITS;
    for (uint64_t p = first; p <= last && p < s->ram_size >> GUEST_PAGE_BITS; p++)
        s->dirty[p] = 1;
}

/* Device DMA into RAM: drop translations of what it overwrote. */
static void on_ram_write(void *opaque, uint64_t addr, uint64_t len)
{
    SysMem *s = opaque;
    mark_dirty(s, addr, len);
    for (uint64_t a = addr & TLB_PAGE_MASK; a < addr + len; a += GUEST_PAGE_SIZE)
        if (a < (1ull << 32) && block_cache_page_has_code(s->m->cache, (uint32_t)(a >> GUEST_PAGE_BITS))) {
            machine_invalidate_code(s->m, (uint32_t)addr, len);
            return;
        }
}

void sysmem_init(SysMem *s, Machine *m, Bus *bus, uint8_t *ram, uint64_t ram_base, uint64_t ram_size)
{
    s->m = m;
    s->bus = bus;
    s->ram = ram;
    s->ram_base = ram_base;
    s->ram_size = ram_size;
    s->cur = &s->sets[0];
    sysmem_flush_tlb(s);
    s->tlb_flushes = 0;
    bus->on_ram_write = on_ram_write;
    bus->hook_opaque = s;
    machine_init(m, fetch_virtual, s, on_first_code, s);
    translator_set_system(m->translator, true);
    m->code_page = code_page;
    m->code_page_opaque = s;
    m->phys_fetch = fetch_physical;
    CpuCommon *c = &m->cpu.common;
    c->load_slow = load_slow;
    c->store_slow = store_slow;
    sysmem_select_tlb(s);
}

/* Every TLB's fast store path, so the next store to each page is seen. */
static void protect_all_writes(SysMem *s)
{
    for (unsigned i = 0; i < TLB_SETS; i++)
        for (unsigned p = 0; p < 2; p++)
            for (unsigned k = 0; k < TLB_SIZE; k++)
                s->sets[i].tlb[p][k].tag_write = TLB_INVALID;
}

void sysmem_track_dirty(SysMem *s, uint8_t *dirty)
{
    s->dirty = dirty;
    if (dirty) {
        memset(dirty, 0, s->ram_size >> GUEST_PAGE_BITS);
        protect_all_writes(s);
    }
}

uint64_t sysmem_harvest_dirty(SysMem *s, uint8_t *out)
{
    uint64_t pages = s->ram_size >> GUEST_PAGE_BITS, n = 0;
    for (uint64_t p = 0; p < pages; p++)
        n += (out[p] = s->dirty[p]) != 0;
    memset(s->dirty, 0, pages);
    protect_all_writes(s);
    return n;
}
