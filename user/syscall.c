/* Syscall dispatch, restarts after signals, and -strace output. */
#include "user/syscall.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user/syscall_list.h"

#define SCION_SYSCALL_DECL(nr, name, fn, fmt) int32_t fn(UserProcess *p, const uint32_t a[6]);
SCION_SYSCALLS(SCION_SYSCALL_DECL)
SCION_ARM_SYSCALLS(SCION_SYSCALL_DECL)
#undef SCION_SYSCALL_DECL

/*
 * fmt describes the syscall for -strace: the first character is how the
 * result prints ('d' decimal, 'x' hex, '!' the call does not return when
 * it succeeds: printed before it runs), the rest one character per
 * argument: d int, u unsigned, x hex, o octal, p pointer, s string.
 */
typedef struct SyscallEntry {
    const char *name;
    SyscallFn fn;
    const char *fmt;
} SyscallEntry;

#define SCION_NR_LIMIT 512
#define ARM_NR_BASE 0xf0000u

static const SyscallEntry syscall_table[SCION_NR_LIMIT] = {
#define SCION_SYSCALL_ENTRY(nr, name, fn, fmt) [nr] = {#name, fn, fmt},
    SCION_SYSCALLS(SCION_SYSCALL_ENTRY)
#undef SCION_SYSCALL_ENTRY
};

static const SyscallEntry arm_syscall_table[16] = {
#define SCION_SYSCALL_ENTRY(nr, name, fn, fmt) [(nr) - ARM_NR_BASE] = {#name, fn, fmt},
    SCION_ARM_SYSCALLS(SCION_SYSCALL_ENTRY)
#undef SCION_SYSCALL_ENTRY
};

static const SyscallEntry *find_syscall(uint32_t nr)
{
    const SyscallEntry *e = NULL;
    if (nr < SCION_NR_LIMIT)
        e = &syscall_table[nr];
    else if (nr - ARM_NR_BASE < 16)
        e = &arm_syscall_table[nr - ARM_NR_BASE];
    return e && e->fn ? e : NULL;
}

const char *syscall_name(uint32_t nr)
{
    const SyscallEntry *e = find_syscall(nr);
    return e ? e->name : NULL;
}

int32_t host_result(long r)
{
    return r < 0 ? -errno : (int32_t)r;
}

/* --- strace -------------------------------------------------------------- */

typedef struct TraceBuf {
    char text[640];
    size_t len;
} TraceBuf;

static void __attribute__((format(printf, 2, 3))) tb_printf(TraceBuf *b, const char *fmt, ...)
{
    if (b->len >= sizeof b->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->text + b->len, sizeof b->text - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len = b->len + (size_t)n < sizeof b->text ? b->len + (size_t)n : sizeof b->text - 1;
}

static void print_string(UserProcess *p, TraceBuf *b, uint32_t addr)
{
    const char *s = guest_str(&p->mem, addr, 4096);
    if (!s) {
        tb_printf(b, "0x%x", addr);
        return;
    }
    tb_printf(b, "\"");
    size_t i;
    for (i = 0; s[i] && i < 64; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            tb_printf(b, "\\%c", c);
        else if (c == '\n')
            tb_printf(b, "\\n");
        else if (c < 32 || c >= 127)
            tb_printf(b, "\\x%02x", c);
        else
            tb_printf(b, "%c", c);
    }
    tb_printf(b, s[i] ? "\"..." : "\"");
}

static void print_arg(UserProcess *p, TraceBuf *b, char kind, uint32_t v)
{
    switch (kind) {
    case 'd': tb_printf(b, "%d", (int32_t)v); break;
    case 'u': tb_printf(b, "%u", v); break;
    case 'o': tb_printf(b, "0%o", v); break;
    case 's': print_string(p, b, v); break;
    case 'p':
        if (v == 0) {
            tb_printf(b, "NULL");
            break;
        }
        /* fall through */
    default: tb_printf(b, "0x%x", v); break;
    }
}

static void strace_call(UserProcess *p, TraceBuf *b, const SyscallEntry *e, const uint32_t a[6])
{
    tb_printf(b, "%d %s(", (int)getpid(), e->name);
    const char *args = e->fmt + 1;
    for (int i = 0; args[i] && i < 6; i++) {
        if (i)
            tb_printf(b, ", ");
        print_arg(p, b, args[i], a[i]);
    }
    tb_printf(b, ")");
}

static void strace_result(UserProcess *p, TraceBuf *b, const SyscallEntry *e, int32_t r)
{
    if (r < 0 && r > -4096)
        tb_printf(b, " = -1 errno=%d (%s)", -r, strerror(-r));
    else if (e->fmt[0] == 'x')
        tb_printf(b, " = 0x%x", (uint32_t)r);
    else
        tb_printf(b, " = %d", r);
    log_printf(&p->machine->log, "%s\n", b->text);
}

/* --- dispatch ------------------------------------------------------------ */

static void report_unknown(UserProcess *p, uint32_t nr)
{
    Log *log = &p->machine->log;
    uint32_t key = nr % (8 * sizeof p->unknown_seen);
    bool seen = p->unknown_seen[key / 8] & (1u << (key % 8));
    p->unknown_seen[key / 8] |= (uint8_t)(1u << (key % 8));
    if (log_on(log, LOG_UNIMP))
        log_printf(log, "scion: unimplemented syscall %u (0x%x) at pc 0x%08x\n", nr, nr,
                   p->machine->cpu.common.insn_pc);
    else if (!seen)
        fprintf(stderr, "scion: unimplemented syscall %u (0x%x) at pc 0x%08x\n", nr, nr,
                p->machine->cpu.common.insn_pc);
}

static bool is_sigreturn(uint32_t nr)
{
    return nr == 119 || nr == 173;
}

/* An interrupted syscall: -EINTR for now; signal delivery decides whether
 * it restarts (pc back on the SVC, r0 the original first argument). */
static int32_t note_restart(UserProcess *p, int32_t r, uint32_t r0)
{
    ArmCpu *cpu = &p->machine->cpu;
    p->restart.active = true;
    p->restart.kind = -r;
    p->restart.pc = cpu->common.insn_pc;
    p->restart.mode = cpu->common.insn_mode;
    p->restart.r0 = r0;
    return -EINTR;
}

void syscall_dispatch(UserProcess *p)
{
    ArmCpu *cpu = &p->machine->cpu;
    uint32_t nr = cpu->r[7];
    const uint32_t args[6] = {cpu->r[0], cpu->r[1], cpu->r[2], cpu->r[3], cpu->r[4], cpu->r[5]};
    const SyscallEntry *e = find_syscall(nr);
    Log *log = &p->machine->log;
    if (!e) {
        report_unknown(p, nr);
        if (log_on(log, LOG_STRACE))
            log_printf(log, "%d syscall_%u(0x%x, 0x%x, 0x%x, ...) = -1 errno=%d (%s)\n", (int)getpid(), nr, args[0],
                       args[1], args[2], ENOSYS, strerror(ENOSYS));
        cpu->r[0] = (uint32_t)-ENOSYS;
        return;
    }
    bool trace = log_on(log, LOG_STRACE);
    TraceBuf tb = {.len = 0};
    if (trace) {
        strace_call(p, &tb, e, args);
        if (e->fmt[0] == '!') {
            log_printf(log, "%s ...\n", tb.text);
            fflush(log->out);
        }
    }
    int32_t r = e->fn(p, args);
    if (!is_sigreturn(nr) && (r == -SCION_ERESTARTSYS || r == -SCION_ERESTARTNOHAND))
        r = note_restart(p, r, args[0]);
    if (trace && !p->exited)
        strace_result(p, &tb, e, r);
    if (!p->exited)
        cpu->r[0] = (uint32_t)r;
}
