/*
 * Common library of the bare-metal test programs: PL011 output by polling,
 * check bookkeeping, exception dispatch and abort recording.  See rom.h.
 */
#include "rom.h"

/* PL011 registers (ARM PrimeCell UART PL011 TRM, DDI 0183). */
#define UART_DR 0x000
#define UART_FR 0x018
#define UART_CR 0x030
#define UART_FR_TXFF (1u << 5)
#define UART_CR_UARTEN (1u << 0)
#define UART_CR_TXE (1u << 8)
#define UART_CR_RXE (1u << 9)

static exc_handler_fn *handlers[8];
static const char *first_failure;
static uint32_t failures;
struct fault_record fault;
static int fault_armed;

void rom_init(void);

void rom_init(void)
{
    /* The TRM requires UARTEN and TXE before transmitting; firmware may
     * or may not have set them. */
    mmio_write32(UART_BASE + UART_CR, UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE);
}

void uart_putc(char c)
{
    if (c == '\n')
        uart_putc('\r');
    while (mmio_read32(UART_BASE + UART_FR) & UART_FR_TXFF)
        ;
    mmio_write32(UART_BASE + UART_DR, (uint8_t)c);
}

void puts_raw(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

void print_line(const char *s)
{
    puts_raw(s);
    uart_putc('\n');
}

void print_hex(uint32_t v)
{
    puts_raw("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

/* No division: the programs link without libgcc. */
void print_dec(uint32_t v)
{
    static const uint32_t powers[] = {1000000000, 100000000, 10000000, 1000000,
                                      100000, 10000, 1000, 100, 10, 1};
    int started = 0;
    for (unsigned i = 0; i < sizeof powers / sizeof powers[0]; i++) {
        char digit = '0';
        while (v >= powers[i]) {
            v -= powers[i];
            digit++;
        }
        if (digit != '0' || started || powers[i] == 1) {
            uart_putc(digit);
            started = 1;
        }
    }
}

void section(const char *title)
{
    puts_raw("-- ");
    print_line(title);
}

static void note_failure(const char *what)
{
    if (!first_failure)
        first_failure = what;
    failures++;
}

int check(int ok, const char *what)
{
    puts_raw(ok ? "  ok   " : "  BAD  ");
    print_line(what);
    if (!ok)
        note_failure(what);
    return ok;
}

int check_eq(uint32_t got, uint32_t want, const char *what)
{
    if (got == want)
        return check(1, what);
    puts_raw("  BAD  ");
    puts_raw(what);
    puts_raw(": got ");
    print_hex(got);
    puts_raw(", want ");
    print_hex(want);
    uart_putc('\n');
    note_failure(what);
    return 0;
}

void finish(void)
{
    if (first_failure) {
        puts_raw("FAIL: ");
        puts_raw(first_failure);
        if (failures > 1) {
            puts_raw(" (and ");
            print_dec(failures - 1);
            puts_raw(" more)");
        }
        uart_putc('\n');
    } else {
        print_line("PASS");
    }
    psci_system_off();
}

static void fatal(const char *what, uint32_t kind, const struct exc_frame *f)
{
    puts_raw("  unexpected exception ");
    print_dec(kind);
    puts_raw(" at pc=");
    print_hex(f->pc);
    puts_raw(" spsr=");
    print_hex(f->spsr);
    puts_raw(" dfsr=");
    print_hex(read_dfsr());
    puts_raw(" dfar=");
    print_hex(read_dfar());
    puts_raw(" ifsr=");
    print_hex(read_ifsr());
    uart_putc('\n');
    note_failure(what);
    finish();
}

void exc_set_handler(enum exc_kind kind, exc_handler_fn *fn)
{
    handlers[kind] = fn;
}

void fault_arm(void)
{
    fault.count = 0;
    fault.kind = 0;
    fault.fsr = fault.far = fault.pc = fault.spsr = 0;
    fault_armed = 1;
}

void fault_disarm(void)
{
    fault_armed = 0;
}

static void record_fault(uint32_t kind, struct exc_frame *f)
{
    fault.count++;
    fault.kind = kind;
    fault.pc = f->pc;
    fault.spsr = f->spsr;
    if (kind == EXC_DABT) {
        fault.fsr = read_dfsr();
        fault.far = read_dfar();
        f->pc += 4;
    } else {
        fault.fsr = read_ifsr();
        fault.far = read_ifar();
        f->pc = fault.recover_pc ? fault.recover_pc : f->pc + 4;
    }
}

/* `svc #SVC_RETURN_FROM_USER` from User mode ends run_in_user(). */
static int return_from_user(struct exc_frame *f)
{
    extern char user_resume[];
    uint32_t imm = *(const uint32_t *)(f->pc - 4) & 0xffffff;
    if (imm != SVC_RETURN_FROM_USER || (f->spsr & CPSR_MODE_MASK) != MODE_USR)
        return 0;
    f->pc = (uint32_t)user_resume;
    f->spsr = (f->spsr & ~CPSR_MODE_MASK) | MODE_SVC;
    return 1;
}

void exc_dispatch(uint32_t kind, struct exc_frame *f);

void exc_dispatch(uint32_t kind, struct exc_frame *f)
{
    if (kind == EXC_SVC && return_from_user(f))
        return;
    if (handlers[kind]) {
        handlers[kind](f);
        return;
    }
    if ((kind == EXC_DABT || kind == EXC_PABT) && fault_armed) {
        record_fault(kind, f);
        return;
    }
    fatal("unexpected exception", kind, f);
}

void delay_ticks(uint64_t ticks)
{
    uint64_t end = read_cntvct() + ticks;
    while (read_cntvct() < end)
        ;
}

void *memset(void *dst, int c, unsigned n)
{
    volatile uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

void *memcpy(void *dst, const void *src, unsigned n)
{
    volatile uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}
