/*
 * Common support for the bare-metal system test programs (ARMv7-A, `virt`
 * board): register access, PL011 output, checks, exception hooks, PSCI.
 *
 * A program defines `void test_main(void)`; crt0.S sets up a stack for
 * every mode, installs the common vector table (VBAR) and calls it, then
 * calls finish(), which prints the final `PASS` or `FAIL: <what>` line and
 * powers the machine off with PSCI SYSTEM_OFF.
 *
 *     void test_main(void)
 *     {
 *         check_eq(read_cntfrq(), 62500000, "CNTFRQ");
 *         fault_arm();
 *         uint32_t v = load32(0x90000000);   // aborts: v stays LOAD_FAILED
 *         check_eq(fault.count, 1, "one data abort");
 *     }
 *
 * Exceptions enter C through exc_dispatch() with a struct exc_frame that
 * holds the interrupted r0-r12, the SPSR and the *preferred return
 * address* (the faulting instruction for undefined/aborts, the instruction
 * after an SVC, the interrupted instruction for IRQ/FIQ); a handler may
 * edit any of them, the stub writes them back on return.
 */
#ifndef ROM_H
#define ROM_H

#include <stdint.h>

/* ------------------------------------------------------------ board */
#define UART_BASE 0x09000000u
#define RTC_BASE 0x09010000u
#define GICD_BASE 0x08000000u
#define GICC_BASE 0x08010000u
#define RAM_BASE 0x40000000u

#define PSCI_SYSTEM_OFF 0x84000008u

/* ------------------------------------------------------------ CPSR */
enum {
    MODE_USR = 0x10, MODE_FIQ = 0x11, MODE_IRQ = 0x12, MODE_SVC = 0x13,
    MODE_ABT = 0x17, MODE_UND = 0x1b, MODE_SYS = 0x1f,
};
#define CPSR_MODE_MASK 0x1fu
#define CPSR_T (1u << 5)
#define CPSR_F (1u << 6)
#define CPSR_I (1u << 7)
#define CPSR_A (1u << 8)
#define CPSR_NZCV 0xf0000000u

static inline uint32_t read_cpsr(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, cpsr" : "=r"(v));
    return v;
}
static inline void irq_enable(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }

/* ----------------------------------------------------- CP15 access */
#define CP15_READ(name, opc1, crn, crm, opc2)                              \
    static inline uint32_t read_##name(void)                               \
    {                                                                      \
        uint32_t v;                                                        \
        __asm__ volatile("mrc p15, " #opc1 ", %0, " #crn ", " #crm ", " #opc2 \
                         : "=r"(v));                                       \
        return v;                                                          \
    }
#define CP15_WRITE(name, opc1, crn, crm, opc2)                             \
    static inline void write_##name(uint32_t v)                            \
    {                                                                      \
        __asm__ volatile("mcr p15, " #opc1 ", %0, " #crn ", " #crm ", " #opc2 \
                         : : "r"(v) : "memory");                           \
    }
#define CP15_RW(name, opc1, crn, crm, opc2)                                \
    CP15_READ(name, opc1, crn, crm, opc2)                                  \
    CP15_WRITE(name, opc1, crn, crm, opc2)

CP15_READ(midr, 0, c0, c0, 0)
CP15_READ(id_mmfr0, 0, c0, c1, 4)
CP15_RW(sctlr, 0, c1, c0, 0)
CP15_RW(cpacr, 0, c1, c0, 2)
CP15_RW(ttbr0, 0, c2, c0, 0)
CP15_RW(ttbr1, 0, c2, c0, 1)
CP15_RW(ttbcr, 0, c2, c0, 2)
CP15_RW(dacr, 0, c3, c0, 0)
CP15_RW(dfsr, 0, c5, c0, 0)
CP15_RW(ifsr, 0, c5, c0, 1)
CP15_RW(dfar, 0, c6, c0, 0)
CP15_RW(ifar, 0, c6, c0, 2)
CP15_RW(par, 0, c7, c4, 0)
CP15_WRITE(ats1cpr, 0, c7, c8, 0)
CP15_WRITE(iciallu, 0, c7, c5, 0)
CP15_WRITE(bpiall, 0, c7, c5, 6)
CP15_WRITE(tlbiall, 0, c8, c7, 0)
CP15_WRITE(tlbimva, 0, c8, c7, 1)
CP15_WRITE(tlbiasid, 0, c8, c7, 2)
CP15_RW(vbar, 0, c12, c0, 0)
CP15_RW(contextidr, 0, c13, c0, 1)
CP15_RW(cntfrq, 0, c14, c0, 0)
CP15_RW(cntp_tval, 0, c14, c2, 0)
CP15_RW(cntp_ctl, 0, c14, c2, 1)
CP15_RW(cntv_tval, 0, c14, c3, 0)
CP15_RW(cntv_ctl, 0, c14, c3, 1)

#define SCTLR_M (1u << 0)
#define SCTLR_A (1u << 1)
#define SCTLR_C (1u << 2)
#define SCTLR_I (1u << 12)
#define SCTLR_V (1u << 13)

/* 64-bit generic timer registers (MRRC/MCRR). */
static inline uint64_t read_cntpct(void)
{
    uint32_t lo, hi;
    __asm__ volatile("isb\n\tmrrc p15, 0, %0, %1, c14" : "=r"(lo), "=r"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_cntvct(void)
{
    uint32_t lo, hi;
    __asm__ volatile("isb\n\tmrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_cntv_cval(void)
{
    uint32_t lo, hi;
    __asm__ volatile("mrrc p15, 3, %0, %1, c14" : "=r"(lo), "=r"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void write_cntv_cval(uint64_t v)
{
    __asm__ volatile("mcrr p15, 3, %0, %1, c14"
                     : : "r"((uint32_t)v), "r"((uint32_t)(v >> 32)) : "memory");
}

/* ------------------------------------------------------------ MMIO */
static inline uint32_t mmio_read32(uint32_t addr)
{
    return *(volatile uint32_t *)addr;
}
static inline void mmio_write32(uint32_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}
static inline uint8_t mmio_read8(uint32_t addr)
{
    return *(volatile uint8_t *)addr;
}
static inline void mmio_write8(uint32_t addr, uint8_t v)
{
    *(volatile uint8_t *)addr = v;
}

/* Loads/stores with a fixed single instruction, so that an abort handler
 * that skips the faulting instruction (fault_arm()) leaves a known value:
 * a load that aborted returns LOAD_FAILED. */
#define LOAD_FAILED 0xdeadbeefu
static inline uint32_t load32(uint32_t addr)
{
    uint32_t v = LOAD_FAILED;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
    return v;
}
static inline void store32(uint32_t addr, uint32_t v)
{
    __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
}
/* Unprivileged (user-permission) accesses from a privileged mode. */
static inline uint32_t load32_user(uint32_t addr)
{
    uint32_t v = LOAD_FAILED;
    __asm__ volatile("ldrt %0, [%1]" : "+r"(v), "+r"(addr) : : "memory");
    return v;
}
static inline void store32_user(uint32_t addr, uint32_t v)
{
    __asm__ volatile("strt %0, [%1]" : "+r"(v), "+r"(addr) : : "memory");
}

/* ------------------------------------------------- GICv2 (IHI 0048B) */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_SGIR 0xf00
#define GICD_ICPIDR2 0xfe8
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GIC_SPURIOUS 1023u

static inline uint32_t gicd_read(uint32_t off) { return mmio_read32(GICD_BASE + off); }
static inline void gicd_write(uint32_t off, uint32_t v) { mmio_write32(GICD_BASE + off, v); }
static inline uint32_t gicc_read(uint32_t off) { return mmio_read32(GICC_BASE + off); }
static inline void gicc_write(uint32_t off, uint32_t v) { mmio_write32(GICC_BASE + off, v); }

/* The bit for interrupt `id` in a 1-bit-per-interrupt register bank. */
static inline uint32_t gic_bit_test(uint32_t bank, uint32_t id)
{
    return (gicd_read(bank + 4 * (id / 32)) >> (id % 32)) & 1;
}
static inline void gic_bit_write(uint32_t bank, uint32_t id)
{
    gicd_write(bank + 4 * (id / 32), 1u << (id % 32));
}
/* 8-bit-per-interrupt fields, by word read-modify-write. */
static inline void gic_set_byte(uint32_t bank, uint32_t id, uint32_t v)
{
    uint32_t off = bank + (id & ~3u), shift = 8 * (id & 3);
    gicd_write(off, (gicd_read(off) & ~(0xffu << shift)) | ((v & 0xff) << shift));
}
static inline uint32_t gic_get_byte(uint32_t bank, uint32_t id)
{
    return (gicd_read(bank + (id & ~3u)) >> (8 * (id & 3))) & 0xff;
}

/* ---------------------------------------------------------- output */
void uart_putc(char c);
void puts_raw(const char *s);       /* no newline added */
void print_hex(uint32_t v);         /* 0x%08x */
void print_dec(uint32_t v);
void print_line(const char *s);     /* s + "\n" */

/* ---------------------------------------------------------- checks */
/* Each check prints "  ok   <what>" or "  BAD  <what>: got .., want ..";
 * the first failure is remembered for finish()'s final FAIL line. */
int check(int ok, const char *what);
int check_eq(uint32_t got, uint32_t want, const char *what);
void section(const char *title);    /* prints "-- title" */
void finish(void) __attribute__((noreturn));
void psci_system_off(void) __attribute__((noreturn));

/* ------------------------------------------------------ exceptions */
enum exc_kind {
    EXC_UND = 1, EXC_SVC = 2, EXC_PABT = 3, EXC_DABT = 4, EXC_IRQ = 6, EXC_FIQ = 7,
};
struct exc_frame {
    uint32_t spsr;
    uint32_t pad;       /* keeps the C stack 8-byte aligned */
    uint32_t r[13];
    uint32_t pc;        /* preferred return address; edit to resume elsewhere */
};
typedef void exc_handler_fn(struct exc_frame *f);

/* NULL restores the default: a fatal "unexpected exception" (aborts:
 * recorded and skipped while fault_arm()ed, see below). */
void exc_set_handler(enum exc_kind kind, exc_handler_fn *fn);
extern uint32_t rom_vectors[];      /* the common vector table (crt0.S) */

/* Abort recording.  After fault_arm(), a data abort records DFSR/DFAR and
 * resumes at the next instruction; a prefetch abort records IFSR/IFAR and
 * resumes at fault.recover_pc (or the next instruction if that is 0). */
struct fault_record {
    volatile uint32_t count;
    volatile uint32_t kind;         /* EXC_DABT or EXC_PABT */
    volatile uint32_t fsr, far, pc, spsr;
    volatile uint32_t recover_pc;
};
extern struct fault_record fault;
void fault_arm(void);
void fault_disarm(void);

/* Fault status of a short-descriptor DFSR/IFSR: FS[4] is bit 10. */
static inline uint32_t fsr_status(uint32_t fsr)
{
    return ((fsr >> 6) & 0x10) | (fsr & 0xf);
}
#define FSR_WNR (1u << 11)
#define FSR_DOMAIN(fsr) (((fsr) >> 4) & 0xf)

/* Run fn() in User mode on the user stack; fn returns normally and the
 * code comes back to SVC mode through `svc #SVC_RETURN_FROM_USER`. */
#define SVC_RETURN_FROM_USER 0xff
void run_in_user(void (*fn)(void));
/* Call the code at addr (ARM, `bx lr` convention) and return its r0, or
 * LOAD_FAILED when a prefetch abort diverted it (after fault_arm(): the
 * PABT is recorded in `fault`). */
uint32_t try_call(uint32_t addr);

/* Wait for the given number of generic-timer (virtual count) ticks. */
void delay_ticks(uint64_t ticks);

void *memset(void *dst, int c, unsigned n);
void *memcpy(void *dst, const void *src, unsigned n);

/* Provided by each program. */
void test_main(void);

#endif
