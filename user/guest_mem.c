/* The flat guest address space of user mode. */
#include "user/guest_mem.h"

#include <asm/prctl.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend/baseline_opt.h"

#define GUEST_SPACE (1ull << 32)
#define RESERVED (GUEST_GUARD + GUEST_SPACE + GUEST_GUARD)

/* What makes baseline code's folded displacements safe (guest_mem.h): a
 * wrapped sum, with an 8-byte access, stays inside a guard, and its guest
 * address in the first page, which the guest cannot map. */
static_assert(BASELINE_MAX_DISP + 8 <= GUEST_GUARD, "a folded displacement reaches past the guard pages");
static_assert(BASELINE_MAX_DISP <= GUEST_MIN_MAP, "a wrapped folded address could be mapped");

#define NPAGES (1u << 20)

bool guest_mem_init(GuestMem *g)
{
    void *p = mmap(NULL, RESERVED, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    g->base = (uint8_t *)p + GUEST_GUARD;
    g->flags = calloc(NPAGES, 1);
    g->mmap_top = 0xb6000000u;
    return g->flags != NULL;
}

bool guest_mem_segment(const GuestMem *g)
{
    return syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)g->base) == 0;
}

void guest_mem_destroy(GuestMem *g)
{
    if (g->base)
        munmap(g->base - GUEST_GUARD, RESERVED);
    free(g->flags);
    g->base = NULL;
    g->flags = NULL;
}

static int host_prot(uint8_t flags)
{
    int p = 0;
    if (flags & (GPAGE_R | GPAGE_X))
        p |= PROT_READ;
    if ((flags & GPAGE_W) && !(flags & GPAGE_CODE))
        p |= PROT_WRITE | PROT_READ;
    return p;
}

static void set_flags(GuestMem *g, uint32_t addr, uint32_t len, uint8_t value)
{
    memset(g->flags + (addr / GUEST_PAGE), value, len / GUEST_PAGE);
}

int guest_map_fixed(GuestMem *g, uint32_t addr, uint32_t len, int prot, int flags, int fd, uint64_t offset)
{
    if ((uint64_t)addr + len > GUEST_SPACE || (addr | len) % GUEST_PAGE)
        return -EINVAL;
    if (addr < GUEST_MIN_MAP)
        return -EPERM; /* as Linux answers a map below vm.mmap_min_addr */
    int hflags = MAP_FIXED | (flags & (MAP_SHARED | MAP_PRIVATE));
    if (fd < 0)
        hflags |= MAP_ANONYMOUS;
    uint8_t gflags = (uint8_t)((prot & 7) | GPAGE_MAPPED);
    void *p = mmap(g->base + addr, len, host_prot(gflags), hflags, fd, (off_t)offset);
    if (p == MAP_FAILED)
        return -errno;
    set_flags(g, addr, len, gflags);
    return 0;
}

int guest_unmap(GuestMem *g, uint32_t addr, uint32_t len)
{
    if ((uint64_t)addr + len > GUEST_SPACE || (addr | len) % GUEST_PAGE)
        return -EINVAL;
    void *p = mmap(g->base + addr, len, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    set_flags(g, addr, len, 0);
    return 0;
}

int guest_protect(GuestMem *g, uint32_t addr, uint32_t len, int prot)
{
    if ((uint64_t)addr + len > GUEST_SPACE || addr % GUEST_PAGE)
        return -EINVAL;
    if (!guest_access_ok(g, addr, len, 0))
        return -ENOMEM;
    /* One mprotect per run of pages with the same host protection (a page
     * holding translated code stays write-protected): a 4 GiB segment is
     * not a million system calls. */
    uint64_t end = (uint64_t)addr + len, run = addr;
    for (uint64_t a = addr; a < end; a += GUEST_PAGE) {
        uint8_t *f = &g->flags[a / GUEST_PAGE];
        *f = (uint8_t)((*f & ~7) | (prot & 7));
        bool last = a + GUEST_PAGE >= end;
        if (!last) {
            uint8_t next = (uint8_t)((g->flags[(a + GUEST_PAGE) / GUEST_PAGE] & ~7) | (prot & 7));
            last = host_prot(next) != host_prot(*f);
        }
        if (last) {
            if (mprotect(g->base + run, a + GUEST_PAGE - run, host_prot(*f)) != 0)
                return -errno;
            run = a + GUEST_PAGE;
        }
    }
    return 0;
}

bool guest_range_free(const GuestMem *g, uint32_t addr, uint32_t len)
{
    if ((uint64_t)addr + len > GUEST_SPACE)
        return false;
    for (uint32_t p = addr / GUEST_PAGE; p < (addr + (uint64_t)len + GUEST_PAGE - 1) / GUEST_PAGE; p++)
        if (g->flags[p] & GPAGE_MAPPED)
            return false;
    return true;
}

uint32_t guest_find_free(GuestMem *g, uint32_t len)
{
    uint32_t npages = page_round_up(len) / GUEST_PAGE;
    uint32_t run = 0;
    for (uint32_t p = g->mmap_top / GUEST_PAGE; p-- > 16;) {
        run = (g->flags[p] & GPAGE_MAPPED) ? 0 : run + 1;
        if (run == npages)
            return p * GUEST_PAGE;
    }
    return 0;
}

bool guest_access_ok(const GuestMem *g, uint32_t addr, uint32_t len, int prot)
{
    if (len == 0)
        return true;
    uint64_t end = (uint64_t)addr + len;
    if (end > GUEST_SPACE)
        return false;
    for (uint64_t p = addr / GUEST_PAGE; p <= (end - 1) / GUEST_PAGE; p++) {
        uint8_t f = g->flags[p];
        if (!(f & GPAGE_MAPPED) || (f & prot) != prot)
            return false;
    }
    return true;
}

void *guest_ptr(const GuestMem *g, uint32_t addr, uint32_t len, int prot)
{
    return guest_access_ok(g, addr, len, prot) ? g->base + addr : NULL;
}

const char *guest_str(const GuestMem *g, uint32_t addr, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        uint64_t a = (uint64_t)addr + i;
        if (a >= GUEST_SPACE || !(g->flags[a / GUEST_PAGE] & GPAGE_MAPPED) || !(g->flags[a / GUEST_PAGE] & GPAGE_R))
            return NULL;
        if (g->base[a] == 0)
            return (const char *)g->base + addr;
    }
    return NULL;
}

void guest_mark_code(GuestMem *g, uint32_t page)
{
    uint8_t *f = &g->flags[page];
    if (!(*f & GPAGE_W) || (*f & GPAGE_CODE))
        return;
    *f |= GPAGE_CODE;
    mprotect(g->base + (uint64_t)page * GUEST_PAGE, GUEST_PAGE, host_prot(*f));
}

void guest_unmark_code(GuestMem *g, uint32_t page)
{
    uint8_t *f = &g->flags[page];
    if (!(*f & GPAGE_CODE))
        return;
    *f &= (uint8_t)~GPAGE_CODE;
    mprotect(g->base + (uint64_t)page * GUEST_PAGE, GUEST_PAGE, host_prot(*f));
}

size_t guest_fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len)
{
    GuestMem *g = opaque;
    size_t n = 0;
    while (n < len) {
        uint64_t a = (uint64_t)addr + n;
        if (a >= GUEST_SPACE || (g->flags[a / GUEST_PAGE] & (GPAGE_MAPPED | GPAGE_X)) != (GPAGE_MAPPED | GPAGE_X))
            break;
        buf[n] = g->base[a];
        n++;
    }
    return n;
}

void guest_protect_code_page(void *opaque, uint32_t page)
{
    guest_mark_code(opaque, page);
}
