/*
 * Extra support for the `smc` and `hostile` programs: cache maintenance to
 * make written instructions executable (ARM ARM "Ordering of cache and branch
 * predictor maintenance operations"), and a small short-descriptor MMU
 * set-up.
 *
 *     uint32_t *p = (uint32_t *)0x48400000;
 *     p[0] = 0xe3a0002a;                    // mov r0, #42
 *     p[1] = 0xe12fff1e;                    // bx lr
 *     code_sync((uint32_t)p, 8);            // DCCMVAU, DSB, ICIMVAU, BPIALL, DSB, ISB
 *     uint32_t r = ((uint32_t (*)(void))p)();  // r == 42
 *
 *     mmu_identity(l1);                     // RAM and devices identity mapped
 *     l1[0x800] = sect_desc(0x48400000, SEC_RAM);
 *     mmu_enable(l1);
 */
#ifndef ROM_EXTRA_H
#define ROM_EXTRA_H

#include <stdint.h>

/* ------------------------------------------- cache maintenance (CP15 c7) */
static inline void dccmvau(uint32_t va)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c11, 1" : : "r"(va) : "memory");
}
static inline void icimvau(uint32_t va)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 1" : : "r"(va) : "memory");
}
static inline uint32_t read_ctr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 1" : "=r"(v));
    return v;
}
/* CTR.L1Ip (bits 15:14) = 0b11: the instruction cache is PIPT, so a change
 * of VA->PA mapping needs no instruction-cache maintenance. */
static inline int icache_is_pipt(void)
{
    return ((read_ctr() >> 14) & 3) == 3;
}

/* Make the instructions just written to [va, va + len) visible to
 * instruction fetch at the same VA: clean each D-cache line to the point of
 * unification, DSB, invalidate each I-cache line, invalidate the branch
 * predictor, DSB, ISB. */
void code_sync(uint32_t va, uint32_t len);
/* The same for code written through a different VA than the one it is
 * executed from: the D-side clean goes by the written VA, the I-side by
 * ICIALLU, which also covers VIPT instruction caches. */
void code_sync_alias(uint32_t written_va, uint32_t len);

/* ---------------------------------------------------- short descriptors */
#define DESC_SECTION 0x2u
#define DESC_PAGE_TABLE 0x1u
#define DESC_SMALL_PAGE 0x2u
#define SEC_B (1u << 2)
#define SEC_C (1u << 3)
#define SEC_XN (1u << 4)
#define SEC_AP_FULL (3u << 10)
#define SEC_TEX(t) ((uint32_t)(t) << 12)
/* Normal memory, inner/outer write-back write-allocate: TEX=001 C=1 B=1. */
#define SEC_RAM (SEC_TEX(1) | SEC_C | SEC_B | SEC_AP_FULL)
/* Shareable Device memory (TEX=000 C=0 B=1), never executable. */
#define SEC_DEVICE (SEC_B | SEC_AP_FULL | SEC_XN)
#define PAGE_XN (1u << 0)
#define PAGE_B (1u << 2)
#define PAGE_C (1u << 3)
#define PAGE_AP_FULL (3u << 4)
#define PAGE_RAM ((1u << 6) | PAGE_C | PAGE_B | PAGE_AP_FULL)

static inline uint32_t sect_desc(uint32_t pa, uint32_t attrs)
{
    return (pa & 0xfff00000u) | attrs | DESC_SECTION;
}
static inline uint32_t page_desc(uint32_t pa, uint32_t attrs)
{
    return (pa & 0xfffff000u) | attrs | DESC_SMALL_PAGE;
}
static inline uint32_t page_table_desc(const uint32_t *l2)
{
    return ((uint32_t)l2 & ~0x3ffu) | DESC_PAGE_TABLE;    /* domain 0 */
}

/* Fill a 16 KiB-aligned L1 table: nothing mapped except the devices
 * (0x08000000-0x0affffff, Device, XN) and the first 256 MiB of RAM
 * (0x40000000-0x4fffffff, Normal write-back), both identity mapped. */
void mmu_identity(uint32_t *l1);
/* TTBCR.N = 0, TTBR0 = l1 (walks inner/outer write-back), domain 0
 * Client, ASID 0, TLBs flushed, then SCTLR.M, C and I set. */
void mmu_enable(uint32_t *l1);
/* There is no mmu_disable(): with the data cache on, turning the MMU off
 * would first need the whole cache cleaned by set/way, so the programs
 * run their MMU-off parts first and leave the MMU on to the end. */
/* After changing a descriptor: DSB, TLBIMVA (ASID 0) or TLBIALL, BPIALL,
 * DSB, ISB. */
void tlb_flush_va(uint32_t va);
void tlb_flush_all(void);

#endif
