/*
 * Guest memory for Linux user mode: the whole 32-bit guest address space is
 * one reserved 4 GiB host range, so guest address a lives at host base + a
 * and translated code needs no address translation.  Guard pages on both
 * sides catch accesses that baseline code computes as base + x + K when
 * x + K wraps around 2^32 (a folded displacement, baseline_opt.h): the
 * fault is the guest's, at the wrapped address.  That address lies in the
 * first or the last 4 KiB, which the guest can never map (GUEST_MIN_MAP;
 * mappings end below 0xffff0000 but for the vectors page), so the guest
 * sees exactly the fault a 32-bit address would have given.
 *
 * Page flags mirror the guest's view (read/write/exec, mapped) so that
 * scion can answer mmap placement, fetch permission and fault questions
 * without asking the host.  Pages holding translated code are made
 * read-only on the host; a guest store there faults, the handler
 * invalidates that page's blocks and lifts the protection (self-modifying
 * code).
 */
#ifndef SCION_GUEST_MEM_H
#define SCION_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/cpu_common.h"

enum {
    GPAGE_R = PAGE_FLAG_READ, GPAGE_W = PAGE_FLAG_WRITE, GPAGE_X = PAGE_FLAG_EXEC, /* == PROT_* */
    GPAGE_MAPPED = PAGE_FLAG_MAPPED,
    GPAGE_CODE = PAGE_FLAG_CODE, /* host write-protected because it holds translated code */
};

#define GUEST_PAGE 4096u
#define GUEST_GUARD (64u * 1024)
/* Page 0 stays unmapped, as Linux's vm.mmap_min_addr keeps it everywhere. */
#define GUEST_MIN_MAP GUEST_PAGE

typedef struct GuestMem {
    uint8_t *base;
    uint8_t *flags; /* one byte per guest page */
    uint32_t mmap_top; /* top-down search for mmap starts below this */
} GuestMem;

bool guest_mem_init(GuestMem *g);
void guest_mem_destroy(GuestMem *g);
/* Make gs's base (on the calling thread) guest address 0, for baseline
 * code's gs-relative guest accesses (Machine.guest_segment); false if the
 * host refuses. */
bool guest_mem_segment(const GuestMem *g);

/* Map [addr, addr+len) (page aligned) anonymous or from a host fd.
 * Returns 0 or a negative errno. */
int guest_map_fixed(GuestMem *g, uint32_t addr, uint32_t len, int prot, int flags, int fd, uint64_t offset);
int guest_unmap(GuestMem *g, uint32_t addr, uint32_t len);
int guest_protect(GuestMem *g, uint32_t addr, uint32_t len, int prot);
/* Find a free page-aligned range of len bytes (top-down); 0 if none. */
uint32_t guest_find_free(GuestMem *g, uint32_t len);
bool guest_range_free(const GuestMem *g, uint32_t addr, uint32_t len);

/* True if every page of [addr, addr+len) is mapped with prot (GPAGE_*). */
bool guest_access_ok(const GuestMem *g, uint32_t addr, uint32_t len, int prot);
/* Host pointer for a guest range the caller may access, or NULL. */
void *guest_ptr(const GuestMem *g, uint32_t addr, uint32_t len, int prot);
/* Copy a NUL-terminated guest string (at most max bytes); NULL if invalid. */
const char *guest_str(const GuestMem *g, uint32_t addr, size_t max);

/* Protect/unprotect a code page on the host (see GPAGE_CODE). */
void guest_mark_code(GuestMem *g, uint32_t page);
void guest_unmark_code(GuestMem *g, uint32_t page);

/* Callbacks for the translator and block cache (opaque = GuestMem*). */
size_t guest_fetch(void *g, uint32_t addr, uint8_t *buf, size_t len);
void guest_protect_code_page(void *g, uint32_t page);

static inline uint32_t page_round_up(uint32_t v)
{
    return (v + GUEST_PAGE - 1) & ~(GUEST_PAGE - 1);
}

#endif
