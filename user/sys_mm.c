/* Memory syscalls: brk, mmap2, munmap, mprotect, mremap, madvise. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "user/syscall.h"

/* Translated code and write protection of a range go away with its mapping. */
static void forget_code(UserProcess *p, uint32_t addr, uint32_t len)
{
    machine_invalidate_code(p->machine, addr, len);
    for (uint32_t a = addr; a - addr < len; a += GUEST_PAGE)
        p->mem.flags[a / GUEST_PAGE] &= (uint8_t)~GPAGE_CODE;
}

int32_t sys_brk(UserProcess *p, const uint32_t a[6])
{
    uint32_t want = a[0];
    if (want < p->brk_start)
        return (int32_t)p->brk_cur;
    uint32_t old_end = page_round_up(p->brk_cur), new_end = page_round_up(want);
    if (new_end > old_end) {
        if (!guest_range_free(&p->mem, old_end, new_end - old_end))
            return (int32_t)p->brk_cur;
        if (guest_map_fixed(&p->mem, old_end, new_end - old_end, GPAGE_R | GPAGE_W, MAP_PRIVATE, -1, 0) < 0)
            return (int32_t)p->brk_cur;
    } else if (new_end < old_end) {
        forget_code(p, new_end, old_end - new_end);
        guest_unmap(&p->mem, new_end, old_end - new_end);
    }
    if (want > p->brk_cur && old_end > p->brk_cur)
        memset(p->mem.base + p->brk_cur, 0, (want < old_end ? want : old_end) - p->brk_cur);
    p->brk_cur = want;
    return (int32_t)want;
}

enum { GUEST_MAP_SHARED = 1, GUEST_MAP_PRIVATE = 2, GUEST_MAP_FIXED = 0x10, GUEST_MAP_ANONYMOUS = 0x20,
       GUEST_MAP_FIXED_NOREPLACE = 0x100000 };

int32_t sys_mmap2(UserProcess *p, const uint32_t a[6])
{
    uint32_t addr = a[0], len = a[1], prot = a[2], flags = a[3];
    int fd = (int)a[4];
    uint64_t offset = (uint64_t)a[5] * 4096;
    if (len == 0 || (addr & (GUEST_PAGE - 1)) || (prot & ~7u))
        return -EINVAL;
    uint32_t size = page_round_up(len);
    if (size == 0)
        return -ENOMEM;
    bool fixed = flags & (GUEST_MAP_FIXED | GUEST_MAP_FIXED_NOREPLACE);
    if (!fixed && !(addr && guest_range_free(&p->mem, addr, size)))
        addr = guest_find_free(&p->mem, size);
    if (addr == 0 && !fixed)
        return -ENOMEM;
    if ((flags & GUEST_MAP_FIXED_NOREPLACE) && !guest_range_free(&p->mem, addr, size))
        return -EEXIST;
    if ((uint64_t)addr + size > 0xffff0000u)
        return -ENOMEM;
    int host_flags = (flags & GUEST_MAP_SHARED) ? MAP_SHARED : MAP_PRIVATE;
    forget_code(p, addr, size);
    int r = guest_map_fixed(&p->mem, addr, size, (int)prot, host_flags, (flags & GUEST_MAP_ANONYMOUS) ? -1 : fd,
                            offset);
    return r < 0 ? r : (int32_t)addr;
}

int32_t sys_munmap(UserProcess *p, const uint32_t a[6])
{
    uint32_t addr = a[0], size = page_round_up(a[1]);
    if ((addr & (GUEST_PAGE - 1)) || a[1] == 0 || (uint64_t)addr + size > 0xffff0000u)
        return -EINVAL;
    forget_code(p, addr, size);
    return guest_unmap(&p->mem, addr, size);
}

int32_t sys_mprotect(UserProcess *p, const uint32_t a[6])
{
    uint32_t addr = a[0], size = page_round_up(a[1]);
    if (addr & (GUEST_PAGE - 1))
        return -EINVAL;
    if (!(a[2] & GPAGE_X))
        forget_code(p, addr, size);
    return guest_protect(&p->mem, addr, size, (int)(a[2] & 7));
}

enum { GUEST_MREMAP_MAYMOVE = 1, GUEST_MREMAP_FIXED = 2, GUEST_MREMAP_DONTUNMAP = 4 };

/* Like forget_code, for pages that stay mapped and move: the host write
 * protection of code pages is lifted too, so the range is one host mapping
 * again and the kernel can move it in one piece. */
static void release_code(UserProcess *p, uint32_t addr, uint32_t len)
{
    machine_invalidate_code(p->machine, addr, len);
    for (uint32_t a = addr; a - addr < len; a += GUEST_PAGE)
        guest_unmark_code(&p->mem, a / GUEST_PAGE);
}

/* The host move.  A plain host mremap would leave a hole in the guest
 * reservation at the old range until it is refilled, and the compile
 * thread (LLVM's allocations) could take that hole meanwhile, to be
 * overwritten by the refill.  So the pages move with MREMAP_DONTUNMAP,
 * which leaves the old range mapped (it is then replaced in one mmap),
 * and growth maps the new tail over the reservation: no hole at any time.
 * DONTUNMAP needs equal sizes, so a shrink unmaps the tail first. */
static int host_move(UserProcess *p, uint32_t old_addr, uint32_t old_size, uint32_t dest, uint32_t new_size,
                     bool keep_old)
{
    uint8_t *base = p->mem.base;
    uint32_t moved = old_size < new_size ? old_size : new_size;
    int hflags = MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP;
    if (!keep_old && new_size < old_size)
        guest_unmap(&p->mem, old_addr + new_size, old_size - new_size);
    if (mremap(base + old_addr, moved, moved, hflags, base + dest) == MAP_FAILED)
        return -errno;
    if (new_size > old_size) {
        uint8_t last = p->mem.flags[(old_addr + old_size - GUEST_PAGE) / GUEST_PAGE];
        int r = guest_map_fixed(&p->mem, dest + old_size, new_size - old_size, last & 7, MAP_PRIVATE, -1, 0);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Move [old_addr, +old_size) to dest resized to new_size, replacing whatever
 * is mapped there.  The host moves the pages themselves, so file-backed and
 * shared mappings keep their backing and PROT_NONE pages need no copy. */
static int32_t move_mapping(UserProcess *p, uint32_t old_addr, uint32_t old_size, uint32_t dest, uint32_t new_size,
                            bool keep_old)
{
    uint8_t *f = p->mem.flags;
    release_code(p, old_addr, old_size);
    uint32_t kept = old_size < new_size ? old_size : new_size;
    uint8_t tail_flags = f[(old_addr + old_size - (old_size ? GUEST_PAGE : 0)) / GUEST_PAGE];
    int r = host_move(p, old_addr, old_size, dest, new_size, keep_old);
    if (r < 0)
        return r;
    machine_invalidate_code(p->machine, dest, new_size); /* blocks of what was at dest */
    memcpy(f + dest / GUEST_PAGE, f + old_addr / GUEST_PAGE, kept / GUEST_PAGE);
    /* Growth extends the last page's mapping (anonymous zeros). */
    memset(f + (dest + kept) / GUEST_PAGE, tail_flags, (new_size - kept) / GUEST_PAGE);
    if (!keep_old)
        guest_unmap(&p->mem, old_addr, kept);
    return (int32_t)dest;
}

/* MREMAP_FIXED or MREMAP_DONTUNMAP: always a move, to new_addr (only a hint
 * without FIXED).  Checks in the kernel's order: EINVAL before EFAULT. */
static int32_t mremap_to(UserProcess *p, uint32_t old_addr, uint32_t old_size, uint32_t new_addr, uint32_t new_size,
                         uint32_t flags)
{
    if ((flags & GUEST_MREMAP_FIXED) && new_addr < GUEST_MIN_MAP)
        return -EPERM;
    if ((new_addr & (GUEST_PAGE - 1)) || (uint64_t)new_addr + new_size > 0xffff0000u)
        return -EINVAL;
    if ((uint64_t)old_addr + old_size > new_addr && (uint64_t)new_addr + new_size > old_addr)
        return -EINVAL;
    if (!guest_access_ok(&p->mem, old_addr, old_size, 0))
        return -EFAULT;
    if (!(flags & GUEST_MREMAP_FIXED) && !(new_addr && guest_range_free(&p->mem, new_addr, new_size)))
        new_addr = guest_find_free(&p->mem, new_size);
    if (!new_addr)
        return -ENOMEM;
    return move_mapping(p, old_addr, old_size, new_addr, new_size, flags & GUEST_MREMAP_DONTUNMAP);
}

int32_t sys_mremap(UserProcess *p, const uint32_t a[6])
{
    uint32_t old_addr = a[0], old_size = page_round_up(a[1]), new_size = page_round_up(a[2]), flags = a[3];
    if (flags & ~(uint32_t)(GUEST_MREMAP_MAYMOVE | GUEST_MREMAP_FIXED | GUEST_MREMAP_DONTUNMAP))
        return -EINVAL;
    /* FIXED and DONTUNMAP only make sense for a move; DONTUNMAP cannot resize. */
    if ((flags & (GUEST_MREMAP_FIXED | GUEST_MREMAP_DONTUNMAP)) && !(flags & GUEST_MREMAP_MAYMOVE))
        return -EINVAL;
    if ((flags & GUEST_MREMAP_DONTUNMAP) && a[1] != a[2])
        return -EINVAL;
    if ((old_addr & (GUEST_PAGE - 1)) || new_size == 0)
        return -EINVAL;
    if (flags & (GUEST_MREMAP_FIXED | GUEST_MREMAP_DONTUNMAP))
        return mremap_to(p, old_addr, old_size, a[4], new_size, flags);
    if (!guest_access_ok(&p->mem, old_addr, old_size, 0))
        return -EFAULT;
    if (new_size <= old_size) {
        if (new_size < old_size) {
            forget_code(p, old_addr + new_size, old_size - new_size);
            guest_unmap(&p->mem, old_addr + new_size, old_size - new_size);
        }
        return (int32_t)old_addr;
    }
    uint8_t prot = p->mem.flags[old_addr / GUEST_PAGE] & 7;
    if (guest_range_free(&p->mem, old_addr + old_size, new_size - old_size)) {
        int r = guest_map_fixed(&p->mem, old_addr + old_size, new_size - old_size, prot, MAP_PRIVATE, -1, 0);
        return r < 0 ? r : (int32_t)old_addr;
    }
    if (!(flags & GUEST_MREMAP_MAYMOVE))
        return -ENOMEM;
    uint32_t dest = guest_find_free(&p->mem, new_size);
    if (!dest)
        return -ENOMEM;
    return move_mapping(p, old_addr, old_size, dest, new_size, false);
}

int32_t sys_madvise(UserProcess *p, const uint32_t a[6])
{
    enum { GUEST_MADV_DONTNEED = 4 };
    if (a[2] != GUEST_MADV_DONTNEED)
        return 0; /* advice only */
    if ((a[0] & (GUEST_PAGE - 1)) || !guest_access_ok(&p->mem, a[0], a[1], 0))
        return -EINVAL;
    return host_result(madvise(p->mem.base + a[0], page_round_up(a[1]), MADV_DONTNEED));
}

int32_t sys_msync(UserProcess *p, const uint32_t a[6])
{
    if (a[0] & (GUEST_PAGE - 1))
        return -EINVAL;
    if (!guest_access_ok(&p->mem, a[0], a[1], 0))
        return -ENOMEM;
    return host_result(msync(p->mem.base + a[0], a[1], (int)a[2]));
}

/* Locking pages in memory: accepted, nothing to do for the guest. */
int32_t sys_mlock(UserProcess *p, const uint32_t a[6])
{
    if (!guest_access_ok(&p->mem, a[0] & ~(GUEST_PAGE - 1), a[1] + (a[0] & (GUEST_PAGE - 1)), 0))
        return -ENOMEM;
    return 0;
}

int32_t sys_mlockall(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    return 0;
}

int32_t sys_mincore(UserProcess *p, const uint32_t a[6])
{
    if (a[0] & (GUEST_PAGE - 1))
        return -EINVAL;
    uint32_t pages = page_round_up(a[1]) / GUEST_PAGE;
    if (!guest_access_ok(&p->mem, a[0], a[1], 0))
        return -ENOMEM;
    uint8_t *vec = guest_ptr(&p->mem, a[2], pages, GPAGE_W);
    if (!vec)
        return -EFAULT;
    return host_result(mincore(p->mem.base + a[0], a[1], vec));
}
