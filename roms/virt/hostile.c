/*
 * hostile: a guest that tries to break its emulator.  Every case must end
 * in the architecturally correct exception (ARM ARM: exception entry,
 * VMSA fault reporting in DFSR/IFSR/DFAR/IFAR) and let the program go on.
 *
 * MMU off: instruction fetch and a load from a physical address with
 * nothing behind it (synchronous external aborts, FS 0x8); 100,000
 * distinct two-instruction blocks, chained in a scattered order and run
 * once each, then all rewritten and run again; 10,000 UDFs; SVCs with
 * every Thumb immediate and every 12-bit ARM immediate (plus each byte
 * lane); stores to read-only GIC registers.
 * MMU on: branches to unmapped and XN memory and falling through into
 * them (IFSR, IFAR, the preferred return address, the registers written
 * before the fault); a 32-bit Thumb instruction straddling into an
 * unmapped page; the top of the address space, mapped and unmapped;
 * unaligned accesses crossing into another (remote) page and into an
 * unmapped one; a Device-memory hole; runaway recursion into an
 * unmapped stack page.
 */
#include "rom.h"
#include "rom_extra.h"

/* A hole in the `virt` map (between the virtio-mmio transports at
 * 0x0a000000 and the platform bus at 0x0c000000): no device answers. */
#define PA_HOLE 0x0b000000u

#define PA_CHAIN 0x48800000u    /* the 100,000 blocks, 800 KB */
#define PA_HPAGES 0x48900000u   /* backing pages of VA_PAGES */
#define PA_TOP 0x48b00000u      /* backs the last MiB of the address space */
#define PA_SVC 0x48c00000u      /* generated SVC sequences */

#define VA_PAGES 0x80000000u    /* small pages, see build_tables() */
#define VA_UNMAPPED 0x90000000u
#define VA_TOP 0xfff00000u

#define ARM_BX_LR 0xe12fff1eu
#define ARM_PUSH_LR 0xe52de004u    /* str lr, [sp, #-4]! */
#define ARM_POP_PC 0xe49df004u     /* ldr pc, [sp], #4 */

static uint32_t l1[4096] __attribute__((aligned(16384)));
static uint32_t l2[256] __attribute__((aligned(1024)));

static uint32_t load8(uint32_t addr)
{
    uint32_t v = LOAD_FAILED;
    __asm__ volatile("ldrb %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
    return v;
}

static uint32_t load16(uint32_t addr)
{
    uint32_t v = LOAD_FAILED;
    __asm__ volatile("ldrh %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
    return v;
}

/* One abort of the given kind/status/address since fault_arm(). */
static void check_fault(uint32_t kind, uint32_t status, uint32_t far, uint32_t wnr,
                        const char *what)
{
    int ok = fault.count == 1 && fault.kind == kind && fsr_status(fault.fsr) == status &&
             fault.far == far && (kind == EXC_PABT || (fault.fsr & FSR_WNR) == wnr);
    if (!ok) {
        puts_raw("       aborts=");
        print_dec(fault.count);
        puts_raw(" kind=");
        print_dec(fault.kind);
        puts_raw(" fsr=");
        print_hex(fault.fsr);
        puts_raw(" far=");
        print_hex(fault.far);
        puts_raw("; want status ");
        print_hex(status);
        puts_raw(" far ");
        print_hex(far);
        uart_putc('\n');
    }
    check(ok, what);
}

/* ------------------------------------------------ prefetch aborts */
/* A prefetch-abort handler that also keeps the aborted code's r0 and
 * resumes try_call()'s recovery path.  Installed for Undefined
 * Instruction as well, so that a wrong exception is reported by the
 * checks (kind = 1) instead of ending the program. */
static volatile uint32_t pabt_r0;

static void record_and_recover(uint32_t kind, struct exc_frame *f)
{
    fault.count++;
    fault.kind = kind;
    fault.fsr = read_ifsr();
    fault.far = read_ifar();
    fault.pc = f->pc;
    fault.spsr = f->spsr;
    pabt_r0 = f->r[0];
    f->pc = fault.recover_pc;
    /* try_call()'s recovery path is ARM code: clear T and IT[7:0] */
    f->spsr &= ~(CPSR_T | 0x0600fc00u);
}

static void pabt_keep_r0(struct exc_frame *f)
{
    record_and_recover(EXC_PABT, f);
}

static void und_instead_of_pabt(struct exc_frame *f)
{
    record_and_recover(EXC_UND, f);
}

/* try_call(addr) must abort with IFSR status, IFAR = far, preferred
 * return address = pc, and r0 = r0_at_fault (unless ~0). */
static void expect_pabt(uint32_t addr, uint32_t status, uint32_t far, uint32_t pc,
                        uint32_t r0_at_fault, const char *what)
{
    fault_arm();
    pabt_r0 = 0;
    exc_set_handler(EXC_PABT, pabt_keep_r0);
    exc_set_handler(EXC_UND, und_instead_of_pabt);
    uint32_t r = try_call(addr);
    exc_set_handler(EXC_PABT, 0);
    exc_set_handler(EXC_UND, 0);
    fault_disarm();
    check_fault(EXC_PABT, status, far, 0, what);
    check_eq(r, LOAD_FAILED, "  the call did not return");
    check_eq(fault.pc, pc, "  preferred return address (LR_abt - 4)");
    if (r0_at_fault != ~0u)
        check_eq(pabt_r0, r0_at_fault, "  instructions before the fault executed");
}

/* ------------------------------------------------------- MMU off */
static void test_hole_mmu_off(void)
{
    section("nothing behind a physical address (MMU off)");
    expect_pabt(PA_HOLE, 0x8, PA_HOLE, PA_HOLE, ~0u,
                "branch to it: prefetch abort, IFSR 0x8 (external), IFAR");
    fault_arm();
    uint32_t v = load32(PA_HOLE + 0x10);
    check_fault(EXC_DABT, 0x8, PA_HOLE + 0x10, 0,
                "LDR from it: data abort, DFSR 0x8 (external), DFAR");
    check_eq(v, LOAD_FAILED, "  no register written");
    fault_disarm();
}

/* The chain: block i = `add r0, r0, #imm(i)` + `b <block i+1>`, placed
 * in 8-byte slot (i * stride) mod N; the last block returns. */
#define CHAIN_BLOCKS 100000u

static uint32_t chain_imm(uint32_t i, uint32_t pass)
{
    return ((i * (2 * pass + 1)) & 0x3f) + 1;
}

static uint32_t build_chain(uint32_t stride, uint32_t pass)
{
    uint32_t slot = 0, sum = 0;
    for (uint32_t i = 0; i < CHAIN_BLOCKS; i++) {
        uint32_t next = slot + stride;
        if (next >= CHAIN_BLOCKS)
            next -= CHAIN_BLOCKS;
        uint32_t at = PA_CHAIN + 8 * slot, target = PA_CHAIN + 8 * next;
        /* mov r0, #imm first, then add r0, r0, #imm */
        store32(at, (i == 0 ? 0xe3a00000u : 0xe2800000u) | chain_imm(i, pass));
        if (i + 1 == CHAIN_BLOCKS)
            store32(at + 4, ARM_BX_LR);
        else
            store32(at + 4, 0xea000000u | (((target - (at + 4 + 8)) >> 2) & 0xffffff));
        sum += chain_imm(i, pass);
        slot = next;
    }
    code_sync(PA_CHAIN, 8 * CHAIN_BLOCKS);
    return sum;
}

static void test_chain(void)
{
    section("100,000 distinct blocks, each run once");
    uint32_t want = build_chain(7919, 0);
    check_eq(try_call(PA_CHAIN), want, "chain in stride-7919 order: sum of the immediates");
    want = build_chain(12347, 1);
    check_eq(try_call(PA_CHAIN), want, "all rewritten, stride 12347: new sum");
}

/* UDF #imm16: 0xe7f000f0 | imm12 << 8 | imm4 . */
static volatile uint32_t und_count, und_imm_sum, und_bad;

static void und_count_skip(struct exc_frame *f)
{
    uint32_t insn = *(const uint32_t *)f->pc;
    if ((insn & 0xfff000f0u) != 0xe7f000f0u || (read_cpsr() & CPSR_MODE_MASK) != MODE_UND ||
        (f->spsr & (CPSR_MODE_MASK | CPSR_T)) != MODE_SVC)
        und_bad++;
    und_count++;
    und_imm_sum += ((insn >> 4) & 0xfff0) | (insn & 0xf);
    f->pc += 4;
}

static void test_udf_storm(void)
{
    section("undefined-instruction storm");
    und_count = und_imm_sum = und_bad = 0;
    exc_set_handler(EXC_UND, und_count_skip);
    for (uint32_t i = 0; i < 1000; i++)
        __asm__ volatile("udf #0\n\tudf #1\n\tudf #2\n\tudf #3\n\tudf #4\n\t"
                         "udf #5\n\tudf #6\n\tudf #7\n\tudf #8\n\tudf #0xfff8" ::: "memory");
    exc_set_handler(EXC_UND, 0);
    check_eq(und_count, 10000, "10,000 UDFs taken");
    check_eq(und_imm_sum, 1000 * (36 + 0xfff8), "  each at its own address (immediates)");
    check_eq(und_bad, 0, "  Undefined mode, SPSR = SVC, ARM state");
}

/* SVC: the handler checks each immediate (from the instruction before
 * the return address) and return address against the generated list. */
static uint32_t svc_want[4096 + 512 + 4];
static volatile uint32_t svc_count, svc_bad, svc_base, svc_thumb;

static void svc_check(struct exc_frame *f)
{
    uint32_t k = svc_count++, imm, next;
    if (svc_thumb) {
        imm = *(const uint16_t *)(f->pc - 2) & 0xff;
        next = svc_base + 2 + 2 * (k + 1);
        if (!(f->spsr & CPSR_T))
            svc_bad++;
    } else {
        imm = *(const uint32_t *)(f->pc - 4) & 0xffffff;
        next = svc_base + 4 + 4 * (k + 1);
    }
    if (imm != svc_want[k] || f->pc != next || (f->spsr & CPSR_MODE_MASK) != MODE_SVC)
        svc_bad++;
}

static uint32_t svc_list(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < 4096; i++)
        svc_want[n++] = i;
    for (uint32_t b = 0; b < 256; b++) {
        svc_want[n++] = b << 12;
        svc_want[n++] = b << 16;
    }
    svc_want[n++] = 0xffffff;
    svc_want[n++] = 0x800000;
    svc_want[n++] = 0xaaaaaa;
    svc_want[n++] = 0x555555;
    return n;
}

static void test_svc(void)
{
    section("SVC immediates");
    uint32_t n = svc_list();
    store32(PA_SVC, ARM_PUSH_LR);           /* SVC from SVC mode overwrites LR_svc */
    for (uint32_t k = 0; k < n; k++)
        store32(PA_SVC + 4 + 4 * k, 0xef000000u | svc_want[k]);
    store32(PA_SVC + 4 + 4 * n, ARM_POP_PC);
    code_sync(PA_SVC, 4 * (n + 2));
    exc_set_handler(EXC_SVC, svc_check);
    svc_bad = 0;
    svc_thumb = 0;
    svc_base = PA_SVC;
    for (uint32_t round = 0; round < 3; round++) {
        svc_count = 0;
        (void)try_call(PA_SVC);
        if (svc_count != n)
            svc_bad++;
    }
    check_eq(svc_bad, 0, "ARM: 0-0xfff, every byte in bits 12-19/16-23, 3 runs");

    uint32_t t = PA_SVC + 0x10000;
    *(volatile uint16_t *)t = 0xb500;       /* push {lr} */
    for (uint32_t k = 0; k < 256; k++) {
        *(volatile uint16_t *)(t + 2 + 2 * k) = (uint16_t)(0xdf00u | k);
        svc_want[k] = k;
    }
    *(volatile uint16_t *)(t + 2 + 2 * 256) = 0xbd00;  /* pop {pc} */
    code_sync(t, 2 * 258);
    svc_thumb = 1;
    svc_base = t;
    svc_count = 0;
    (void)try_call(t | 1);
    exc_set_handler(EXC_SVC, 0);
    check_eq(svc_count, 256, "Thumb: all 256 immediates taken");
    check_eq(svc_bad, 0, "  immediates, return addresses, T in SPSR");
}

/* GICv2 (IHI 0048B): writes to read-only registers are ignored. */
static void test_gic_read_only(void)
{
    static const struct { uint32_t addr; const char *what; } regs[] = {
        {GICD_BASE + GICD_TYPER, "GICD_TYPER unchanged by writes"},
        {GICD_BASE + 0x008, "GICD_IIDR unchanged"},
        {GICD_BASE + GICD_ICPIDR2, "GICD_ICPIDR2 unchanged"},
        {GICC_BASE + GICC_RPR, "GICC_RPR unchanged"},
        {GICC_BASE + GICC_HPPIR, "GICC_HPPIR unchanged"},
        {GICC_BASE + 0xfc, "GICC_IIDR unchanged"},
    };
    section("stores to read-only GIC registers");
    fault_arm();
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        uint32_t before = mmio_read32(regs[i].addr);
        mmio_write32(regs[i].addr, ~before);
        mmio_write32(regs[i].addr, 0);
        check_eq(mmio_read32(regs[i].addr), before, regs[i].what);
    }
    check_eq(fault.count, 0, "  no aborts");
    fault_disarm();
}

/* -------------------------------------------------------- MMU on */
/* VA_PAGES small pages: 0 code -> PA+0, 1 XN -> PA+0x5000 (not adjacent
 * in PA), 2 unmapped, 3 -> PA+0x3000, 4 unmapped, 5 -> PA+0x6000,
 * 6 unmapped, 8 unmapped (stack guard), 9-10 stack -> PA+0x9000/0xa000. */
static void build_tables(void)
{
    mmu_identity(l1);
    l1[PA_HOLE >> 20] = sect_desc(PA_HOLE, SEC_DEVICE);
    l1[VA_TOP >> 20] = sect_desc(PA_TOP, SEC_RAM);
    memset(l2, 0, sizeof l2);
    l2[0] = page_desc(PA_HPAGES, PAGE_RAM);
    l2[1] = page_desc(PA_HPAGES + 0x5000, PAGE_RAM) | PAGE_XN;
    l2[3] = page_desc(PA_HPAGES + 0x3000, PAGE_RAM);
    l2[5] = page_desc(PA_HPAGES + 0x6000, PAGE_RAM);
    l2[9] = page_desc(PA_HPAGES + 0x9000, PAGE_RAM);
    l2[10] = page_desc(PA_HPAGES + 0xa000, PAGE_RAM);
    l1[VA_PAGES >> 20] = page_table_desc(l2);
}

static void write_code(void)
{
    store32(PA_HPAGES + 0xff8, 0xe3a00005);             /* mov r0, #5 */
    store32(PA_HPAGES + 0xffc, 0xe2800001);             /* add r0, r0, #1 */
    store32(PA_HPAGES + 0x5000, 0xe2800010);            /* (XN) add r0, r0, #16 */
    store32(PA_HPAGES + 0x5004, ARM_BX_LR);
    store32(PA_HPAGES + 0x3ff8, 0xe3a00007);            /* mov r0, #7 */
    store32(PA_HPAGES + 0x3ffc, 0xe2800002);            /* add r0, r0, #2 */
    /* Thumb: movs r0, #3 at 0x5ffc, movw r0, #0x1234 at 0x5ffe..0x6001 */
    *(volatile uint16_t *)(PA_HPAGES + 0x6ffc) = 0x2003;
    *(volatile uint16_t *)(PA_HPAGES + 0x6ffe) = 0xf241;
    store32(PA_TOP + 0xffff8, 0xe3a00042);              /* mov r0, #0x42 */
    store32(PA_TOP + 0xffffc, ARM_BX_LR);
    code_sync_alias(PA_HPAGES, 0x7000);
    code_sync_alias(PA_TOP + 0xff000, 0x1000);
}

static void test_prefetch_aborts(void)
{
    section("prefetch aborts (MMU on)");
    expect_pabt(VA_UNMAPPED, 0x5, VA_UNMAPPED, VA_UNMAPPED, ~0u,
                "branch to an unmapped section: IFSR 0x5, IFAR");
    expect_pabt(VA_PAGES + 0x2000, 0x7, VA_PAGES + 0x2000, VA_PAGES + 0x2000, ~0u,
                "branch to an unmapped page: IFSR 0x7, IFAR");
    expect_pabt(VA_PAGES + 0x1000, 0xf, VA_PAGES + 0x1000, VA_PAGES + 0x1000, ~0u,
                "branch to an XN page: IFSR 0xF, IFAR");
    expect_pabt(VA_PAGES + 0xff8, 0xf, VA_PAGES + 0x1000, VA_PAGES + 0x1000, 6,
                "falling through into an XN page: IFSR 0xF at its first byte");
    expect_pabt(VA_PAGES + 0x3ff8, 0x7, VA_PAGES + 0x4000, VA_PAGES + 0x4000, 9,
                "falling through into an unmapped page: IFSR 0x7");
    /* The instruction starts in a mapped page: the preferred return
     * address is its first halfword, IFAR the first faulting byte. */
    expect_pabt((VA_PAGES + 0x5ffc) | 1, 0x7, VA_PAGES + 0x6000, VA_PAGES + 0x5ffe, 3,
                "32-bit Thumb instruction straddling into an unmapped page");
}

static void test_top_of_memory(void)
{
    section("the top of the address space");
    fault_arm();
    check_eq(try_call(0xfffffff8), 0x42, "code at 0xfffffff8 runs and returns");
    store32(PA_TOP + 0xffff8, 0x0b0a0908);
    store32(PA_TOP + 0xffffc, 0x0f0e0d0c);
    check_eq(load32(0xfffffffc), 0x0f0e0d0c, "LDR 0xfffffffc");
    check_eq(load8(0xffffffff), 0x0f, "LDRB 0xffffffff");
    check_eq(load16(0xfffffffe), 0x0f0e, "LDRH 0xfffffffe");
    check_eq(load32(0xfffffffa), 0x0d0c0b0a, "unaligned LDR 0xfffffffa (no wrap)");
    check_eq(fault.count, 0, "  no aborts");

    l1[VA_TOP >> 20] = 0;
    tlb_flush_va(0xfffff000);
    fault_arm();
    check_eq(load32(0xfffffffc), LOAD_FAILED, "unmapped: LDR 0xfffffffc aborts");
    check_fault(EXC_DABT, 0x5, 0xfffffffc, 0, "  DFSR 0x5, DFAR 0xfffffffc");
    fault_arm();
    check_eq(load8(0xffffffff), LOAD_FAILED, "LDRB 0xffffffff aborts");
    check_fault(EXC_DABT, 0x5, 0xffffffff, 0, "  DFSR 0x5, DFAR 0xffffffff");
    fault_arm();
    store32(0xfffffffc, 1);
    check_fault(EXC_DABT, 0x5, 0xfffffffc, FSR_WNR, "STR 0xfffffffc: DFSR 0x5, WnR");
    fault_disarm();
    expect_pabt(0xfffffffc, 0x5, 0xfffffffc, 0xfffffffc, ~0u,
                "branch to 0xfffffffc: IFSR 0x5, IFAR");
}

static void test_unaligned(void)
{
    section("unaligned accesses across pages");
    store32(PA_HPAGES + 0xffc, 0x33221100);
    store32(PA_HPAGES + 0x5000, 0x77665544);
    fault_arm();
    check_eq(load32(VA_PAGES + 0xffe), 0x55443322,
             "LDR across two pages with distant PAs");
    store32(VA_PAGES + 0xfff, 0xddccbbaa);
    check_eq(load32(PA_HPAGES + 0xffc), 0xaa221100, "STR across them: first page's byte");
    check_eq(load32(PA_HPAGES + 0x5000), 0x77ddccbb, "  second page's bytes");
    check_eq(fault.count, 0, "  no aborts");

    fault_arm();
    check_eq(load32(VA_PAGES + 0x3ffe), LOAD_FAILED, "LDR from a page into an unmapped one");
    check_fault(EXC_DABT, 0x7, VA_PAGES + 0x4000, 0, "  DFSR 0x7, DFAR = first faulting byte");
    fault_arm();
    check_eq(load16(VA_PAGES + 0x3fff), LOAD_FAILED, "LDRH across into it");
    check_fault(EXC_DABT, 0x7, VA_PAGES + 0x4000, 0, "  DFAR = first faulting byte");
    fault_disarm();
}

static void test_device_hole(void)
{
    section("Device memory with no device (MMU on)");
    fault_arm();
    check_eq(load32(PA_HOLE + 0x100), LOAD_FAILED, "LDR aborts");
    check_fault(EXC_DABT, 0x8, PA_HOLE + 0x100, 0, "  DFSR 0x8 (synchronous external), DFAR");
    fault_arm();
    check_eq(load8(PA_HOLE + 0x203), LOAD_FAILED, "LDRB aborts");
    check_fault(EXC_DABT, 0x8, PA_HOLE + 0x203, 0, "  DFSR 0x8, DFAR");
    fault_disarm();
}

uint32_t recurse_into_guard(uint32_t stack_top);
extern char recursion_recover[], recursion_push[];
extern uint32_t recursion_sp_at_abort;
static volatile uint32_t stack_fault_pc, stack_fault_mode;

static void dabt_stack(struct exc_frame *f)
{
    fault.count++;
    fault.kind = EXC_DABT;
    fault.fsr = read_dfsr();
    fault.far = read_dfar();
    stack_fault_pc = f->pc;
    stack_fault_mode = f->spsr & CPSR_MODE_MASK;
    f->pc = (uint32_t)recursion_recover;
}

static void test_recursion(void)
{
    section("runaway recursion into an unmapped stack page");
    uint32_t top = VA_PAGES + 0xb000, bottom = VA_PAGES + 0x9000;
    fault_arm();
    exc_set_handler(EXC_DABT, dabt_stack);
    uint32_t depth = recurse_into_guard(top);
    exc_set_handler(EXC_DABT, 0);
    check_fault(EXC_DABT, 0x7, bottom - 4, FSR_WNR,
                "push into the guard page: DFSR 0x7, WnR, DFAR");
    check_eq(depth, (top - bottom) / 4 + 1, "  depth: every word of the stack used");
    check_eq(stack_fault_pc, (uint32_t)recursion_push, "  at the push instruction");
    check_eq(stack_fault_mode, MODE_SVC, "  taken from SVC mode");
    check_eq(recursion_sp_at_abort, bottom, "  SP not written back (base restored)");
    check_eq(load32(bottom), (uint32_t)recursion_recover, "  last pushed LR");
    fault_disarm();
}

void test_main(void)
{
    print_line("hostile: a guest that tries to break its emulator");
    test_hole_mmu_off();
    test_chain();
    test_udf_storm();
    test_svc();
    test_gic_read_only();

    section("MMU on");
    build_tables();
    write_code();
    mmu_enable(l1);
    check_eq(read_sctlr() & SCTLR_M, SCTLR_M, "SCTLR.M set");
    test_prefetch_aborts();
    test_top_of_memory();
    test_unaligned();
    test_device_hole();
    test_recursion();
}
