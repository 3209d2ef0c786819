/*
 * exceptions: exception entry and return on an ARMv7-A PL1 processor
 * (ARM ARM B1.8, B1.9): the mode and CPSR on entry, LR and SPSR values,
 * the SVC immediate, BKPT as a prefetch abort, alignment data aborts,
 * banked registers, VBAR, and the exception-return instructions.
 */
#include "rom.h"

extern char udf_site[], svc_site[], bkpt_site[];
extern uint32_t alt_vectors[];
uint32_t udf_with_flags(uint32_t nzcv);
uint32_t svc_call(uint32_t arg);
void bkpt_call(void);
uint32_t ldm_at(uint32_t addr);
void bank_probe(uint32_t out[15]);
void fiq_bank_probe(uint32_t out[15]);
uint32_t alt_vectors_run(uint32_t cpsr_after[4], uint32_t misaligned);

/* What the last hooked exception saw. */
static struct {
    uint32_t count, pc, spsr, cpsr, imm, fsr;
} seen;
static volatile uint32_t user_r0, user_cpsr;
static uint32_t scratch[4];

static void see(struct exc_frame *f)
{
    seen.count++;
    seen.pc = f->pc;
    seen.spsr = f->spsr;
    seen.cpsr = read_cpsr();
}

static void on_und(struct exc_frame *f)
{
    see(f);
    f->pc += 4;     /* skip the undefined instruction */
}

static void on_svc(struct exc_frame *f)
{
    see(f);
    seen.imm = *(const uint32_t *)(f->pc - 4) & 0xffffff;
    f->r[0] += 0x1000;  /* a result for the caller, through r0 */
}

static void on_pabt(struct exc_frame *f)
{
    see(f);
    seen.fsr = read_ifsr();
    f->pc += 4;     /* skip the BKPT */
}

static void test_undefined(void)
{
    section("undefined instruction");
    uint32_t before = read_cpsr();
    exc_set_handler(EXC_UND, on_und);
    seen.count = 0;
    uint32_t after = udf_with_flags(0xa0000000);
    uint32_t expected_spsr = (before & ~CPSR_NZCV) | 0xa0000000;
    check_eq(seen.count, 1, "UDF taken once");
    check_eq(seen.pc, (uint32_t)udf_site, "LR_und - 4 = address of the UDF");
    check_eq(seen.spsr, expected_spsr, "SPSR_und = CPSR before (flags N,C)");
    check_eq(seen.cpsr & CPSR_MODE_MASK, MODE_UND, "handler runs in Undefined mode");
    check_eq(seen.cpsr & (CPSR_I | CPSR_A | CPSR_T), CPSR_I | CPSR_A,
             "entry sets CPSR.I and CPSR.A, clears CPSR.T");
    check_eq(after, expected_spsr, "return restores CPSR (mode and flags)");
    exc_set_handler(EXC_UND, 0);
}

static void user_svc(void)
{
    register uint32_t r0 __asm__("r0") = 7;
    __asm__ volatile("svc #0x42" : "+r"(r0) : : "memory");
    user_r0 = r0;
    user_cpsr = read_cpsr();
}

static void user_sctlr(void)
{
    (void)read_sctlr();     /* PL1 only: UNDEFINED in User mode */
}

static void test_svc(void)
{
    section("supervisor call");
    exc_set_handler(EXC_SVC, on_svc);
    seen.count = 0;
    uint32_t r = svc_call(0x55);
    check_eq(seen.count, 1, "SVC taken once");
    check_eq(seen.imm, 0x123456, "SVC immediate read from the instruction");
    check_eq(seen.pc, (uint32_t)svc_site + 4, "LR_svc = the next instruction");
    check_eq(seen.spsr & CPSR_MODE_MASK, MODE_SVC, "SPSR_svc.M = SVC (called from SVC)");
    check_eq(r, 0x1055, "r0 passes in and out");

    seen.count = 0;
    run_in_user(user_svc);
    check_eq(user_cpsr & CPSR_MODE_MASK, MODE_USR, "user code runs in User mode");
    check_eq(seen.imm, 0x42, "SVC #0x42 from User mode");
    check_eq(seen.spsr & CPSR_MODE_MASK, MODE_USR, "SPSR_svc.M = User");
    check_eq(seen.cpsr & CPSR_MODE_MASK, MODE_SVC, "handler runs in SVC mode");
    check_eq(user_r0, 7 + 0x1000, "user r0 updated by the handler");
    check_eq(read_cpsr() & CPSR_MODE_MASK, MODE_SVC, "back in SVC mode");
    exc_set_handler(EXC_SVC, 0);

    exc_set_handler(EXC_UND, on_und);
    seen.count = 0;
    run_in_user(user_sctlr);
    check_eq(seen.count, 1, "MRC SCTLR in User mode is UNDEFINED");
    check_eq(seen.spsr & CPSR_MODE_MASK, MODE_USR, "SPSR_und.M = User");
    exc_set_handler(EXC_UND, 0);
}

static void test_bkpt(void)
{
    section("BKPT: prefetch abort, debug event");
    exc_set_handler(EXC_PABT, on_pabt);
    seen.count = 0;
    bkpt_call();
    check_eq(seen.count, 1, "BKPT taken as a prefetch abort");
    check_eq(seen.pc, (uint32_t)bkpt_site, "LR_abt - 4 = address of the BKPT");
    check_eq(fsr_status(seen.fsr), 0x2, "IFSR.FS = 0b00010 (debug event)");
    check_eq(seen.cpsr & CPSR_MODE_MASK, MODE_ABT, "handler runs in Abort mode");
    check_eq(seen.spsr & CPSR_MODE_MASK, MODE_SVC, "SPSR_abt.M = SVC");
    exc_set_handler(EXC_PABT, 0);
}

static void test_alignment(void)
{
    section("alignment faults (data abort)");
    uint32_t misaligned = (uint32_t)&scratch[1] + 2;
    uint32_t sctlr = read_sctlr();

    fault_arm();
    uint32_t v = ldm_at(misaligned);
    check_eq(fault.count, 1, "misaligned LDM aborts even with SCTLR.A = 0");
    check_eq(v, 0xdeadbeef, "the load did not complete");
    check_eq(fsr_status(fault.fsr), 0x1, "DFSR.FS = 0b00001 (alignment)");
    check_eq(fault.far, misaligned, "DFAR = the misaligned address");

    write_sctlr(sctlr | SCTLR_A);
    isb();
    fault_arm();
    (void)load32(misaligned);
    check_eq(fault.count, 1, "misaligned LDR aborts with SCTLR.A = 1");
    check_eq(fsr_status(fault.fsr), 0x1, "DFSR.FS = alignment");
    check_eq(fault.fsr & FSR_WNR, 0, "DFSR.WnR = 0 for a read");
    check_eq(fault.far, misaligned, "DFAR = the misaligned address");
    check_eq(fault.spsr & CPSR_MODE_MASK, MODE_SVC, "SPSR_abt.M = SVC");
    fault_arm();
    store32(misaligned, 1);
    check_eq(fault.count, 1, "misaligned STR aborts");
    check_eq(fault.fsr & FSR_WNR, FSR_WNR, "DFSR.WnR = 1 for a write");
    fault_arm();
    uint32_t aligned = load32((uint32_t)&scratch[1]);
    check_eq(fault.count, 0, "aligned LDR does not abort");
    check_eq(aligned, scratch[1], "aligned LDR reads memory");
    fault_disarm();
    write_sctlr(sctlr);
    isb();
}

static void test_banked(void)
{
    static const uint32_t modes[4] = {MODE_FIQ, MODE_IRQ, MODE_ABT, MODE_UND};
    static const char *const names[4][3] = {
        {"SP_fiq", "LR_fiq", "SPSR_fiq"}, {"SP_irq", "LR_irq", "SPSR_irq"},
        {"SP_abt", "LR_abt", "SPSR_abt"}, {"SP_und", "LR_und", "SPSR_und"},
    };
    uint32_t out[15];

    section("banked registers");
    bank_probe(out);
    for (int i = 0; i < 4; i++) {
        check_eq(out[i * 3], 0x5a000000 + i * 0x100, names[i][0]);
        check_eq(out[i * 3 + 1], 0x5a000000 + i * 0x100 + 4, names[i][1]);
        check_eq(out[i * 3 + 2], 0x80000000 + i * 0x100 + modes[i], names[i][2]);
    }
    check_eq(out[12], 0x5a000400, "SP_usr (via System mode)");
    check_eq(out[13], 0x5a000404, "LR_usr (via System mode)");
    check_eq(out[14], 0x40000000 + MODE_SVC, "SPSR_svc");

    fiq_bank_probe(out);
    int svc_ok = 1, fiq_ok = 1, sys_ok = 1;
    for (uint32_t i = 0; i < 5; i++) {
        svc_ok &= out[i] == 0x5c000008 + i;
        fiq_ok &= out[5 + i] == 0xf1000008 + i;
        sys_ok &= out[10 + i] == 0x5c000008 + i;
    }
    check(svc_ok, "r8-r12 in SVC mode keep their values across FIQ-mode writes");
    check(fiq_ok, "r8_fiq-r12_fiq are banked");
    check(sys_ok, "System mode shares SVC's r8-r12");
}

static void test_vbar_and_returns(void)
{
    uint32_t cpsr_after[4];

    section("VBAR and exception-return forms");
    check_eq(read_sctlr() & SCTLR_V, 0, "SCTLR.V = 0 (vectors at VBAR)");
    check_eq(read_vbar(), (uint32_t)rom_vectors, "VBAR reads back");
    write_vbar((uint32_t)alt_vectors);
    isb();
    check_eq(read_vbar(), (uint32_t)alt_vectors, "VBAR relocated");
    write_vbar((uint32_t)rom_vectors);
    isb();

    uint32_t mode = read_cpsr() & ~CPSR_NZCV;
    uint32_t marks = alt_vectors_run(cpsr_after, (uint32_t)&scratch[1] + 2);
    check_eq(marks, 0x1111, "each relocated handler ran once");
    check_eq(cpsr_after[0], mode | 0xf0000000, "MOVS PC, LR restores CPSR (UDF)");
    check_eq(cpsr_after[1], mode | 0x80000000, "SRS/RFE restore CPSR (SVC)");
    check_eq(cpsr_after[2], mode | 0x40000000, "LDM {..,pc}^ restores CPSR (BKPT)");
    check_eq(cpsr_after[3], mode | 0x20000000, "SUBS PC, LR, #4 restores CPSR (DABT)");
    check_eq(read_vbar(), (uint32_t)rom_vectors, "VBAR restored");
}

void test_main(void)
{
    print_line("exceptions: ARMv7-A exception entry and return");
    test_undefined();
    test_svc();
    test_bkpt();
    test_alignment();
    test_banked();
    test_vbar_and_returns();
}
