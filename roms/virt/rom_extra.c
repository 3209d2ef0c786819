/*
 * Cache maintenance for code written at run time, and the MMU set-up
 * shared by `smc` and `hostile`.  See rom_extra.h.
 */
#include "rom.h"
#include "rom_extra.h"

/* CTR.DminLine / IminLine: log2 of the smallest line, in words. */
static uint32_t dcache_line(void)
{
    return 4u << ((read_ctr() >> 16) & 0xf);
}
static uint32_t icache_line(void)
{
    return 4u << (read_ctr() & 0xf);
}

static void clean_dcache_range(uint32_t va, uint32_t len)
{
    uint32_t line = dcache_line();
    for (uint32_t a = va & ~(line - 1); a < va + len; a += line)
        dccmvau(a);
    dsb();
}

void code_sync(uint32_t va, uint32_t len)
{
    clean_dcache_range(va, len);
    uint32_t line = icache_line();
    for (uint32_t a = va & ~(line - 1); a < va + len; a += line)
        icimvau(a);
    write_bpiall(0);
    dsb();
    isb();
}

void code_sync_alias(uint32_t written_va, uint32_t len)
{
    clean_dcache_range(written_va, len);
    write_iciallu(0);
    write_bpiall(0);
    dsb();
    isb();
}

void mmu_identity(uint32_t *l1)
{
    memset(l1, 0, 4096 * sizeof l1[0]);
    for (uint32_t mb = 0x080; mb < 0x0b0; mb++)
        l1[mb] = sect_desc(mb << 20, SEC_DEVICE);
    for (uint32_t mb = 0x400; mb < 0x500; mb++)
        l1[mb] = sect_desc(mb << 20, SEC_RAM);
}

void tlb_flush_va(uint32_t va)
{
    dsb();
    write_tlbimva(va & 0xfffff000u);    /* ASID 0 */
    write_bpiall(0);
    dsb();
    isb();
}

void tlb_flush_all(void)
{
    dsb();
    write_tlbiall(0);
    write_bpiall(0);
    dsb();
    isb();
}

/* TTBR0.IRGN = 01 (bit 6, with bit 0 = 0) and RGN = 01: the table walks
 * are write-back cacheable, so they see descriptors written through the
 * data cache after a DSB. */
#define TTBR_WALK_WB ((1u << 6) | (1u << 3))

void mmu_enable(uint32_t *l1)
{
    write_ttbcr(0);
    write_ttbr0((uint32_t)l1 | TTBR_WALK_WB);
    write_dacr(1);                      /* domain 0: Client */
    write_contextidr(0);
    tlb_flush_all();
    write_iciallu(0);
    dsb();
    isb();
    /* TRE = AFE = 0: TEX/C/B and AP[2:0] are used as written */
    write_sctlr((read_sctlr() & ~((1u << 28) | (1u << 29))) | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}
