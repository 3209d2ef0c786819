/*
 * Guest memory of an ARM system board: the softmmu TLB's fill and slow
 * paths, instruction fetch through the MMU, and translated-code tracking
 * for physical pages.
 *
 * SysMem connects the CPU (frontend/arm_mmu.c walks the tables), the
 * physical address space (devices/bus.h) and the block cache (a store to a
 * physical page holding translated code invalidates that code).  A guest
 * abort - translation, permission, domain or external - is delivered as
 * the architecture says (DFSR/DFAR or IFSR/IFAR, then the exception entry)
 * and unwinds to the board's run loop through abort_jmp.
 *
 *   sysmem_init(&mem, machine, &bus, ram, ram_base, ram_size);
 *   if (setjmp(mem.abort_jmp)) { ...guest abort taken... }
 *   machine_run(machine);
 */
#ifndef SCION_SYSMEM_H
#define SCION_SYSMEM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/machine.h"
#include "backend/softmmu.h"
#include "devices/bus.h"

/* The TLB of one translation regime: Linux switches TTBR0 and the ASID on
 * every context switch and DACR around every user access, so a few regimes
 * are kept (like an ASID-tagged TLB) instead of flushing on each switch. */
#define TLB_SETS 8

typedef struct TlbSet {
    uint32_t ttbr0, contextidr, dacr;
    bool valid;         /* entries may be used (else flushed before reuse) */
    uint64_t last_used;
    TlbEntry tlb[2][TLB_SIZE]; /* [0] privileged, [1] User mode */
} TlbSet;

typedef struct SysMem {
    Machine *m;
    Bus *bus;
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    TlbSet sets[TLB_SETS];
    TlbSet *cur;
    bool unprivileged;  /* the slow path is resolving an LDRT/STRT-style access */
    uint64_t switches;
    jmp_buf abort_jmp;
    /* The last instruction fetch that faulted (for the prefetch abort). */
    uint32_t fetch_fsr, fetch_addr;
    uint64_t tlb_flushes, aborts;
    /* While a migration runs: one byte per RAM page, set by the first
     * store (CPU or DMA) after the page was last harvested; else NULL. */
    uint8_t *dirty;
} SysMem;

void sysmem_init(SysMem *s, Machine *m, Bus *bus, uint8_t *ram, uint64_t ram_base, uint64_t ram_size);
/* Point the CPU at the TLB of its current privilege. */
void sysmem_select_tlb(SysMem *s);
void sysmem_flush_tlb(SysMem *s);
/* TTBR0, CONTEXTIDR or DACR changed: use (or start) that regime's TLB. */
void sysmem_regime_switch(SysMem *s);
void sysmem_flush_page(SysMem *s, uint32_t va);
/* The PAR value of an ATS1C* operation (ARM ARM B4.1.112). */
uint32_t sysmem_address_translate(SysMem *s, uint32_t va, bool user, bool write);
/* Dirty-page tracking for live migration: dirty (one byte per RAM page,
 * owned by the caller) starts clear and every TLB's fast store path is
 * closed, so the first store to each page takes the slow path and marks
 * it; NULL stops tracking.  Harvest copies the marks to out, clears them,
 * closes the fast paths again and returns how many pages were dirty.
 * Both run between guest blocks, in the thread that runs the guest. */
void sysmem_track_dirty(SysMem *s, uint8_t *dirty);
uint64_t sysmem_harvest_dirty(SysMem *s, uint8_t *out);
/* Take the prefetch abort of the last failed fetch (STEP_FETCH_FAULT). */
void sysmem_prefetch_abort(SysMem *s);

#endif
