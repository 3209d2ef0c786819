/* Signal delivery: raise/kill, SA_SIGINFO fields for SIGSEGV/SIGILL/SIGBUS,
 * siglongjmp out of fault handlers, modifying the interrupted context,
 * SIGALRM via setitimer, sigprocmask/sigpending, sa_mask ordering,
 * SA_RESETHAND, queued real-time signals, sigaltstack. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <setjmp.h>
#include <unistd.h>
#include <ucontext.h>
#include <sys/mman.h>
#include <sys/time.h>

/* Functions that execute an undefined instruction, in the current ISA. */
#ifdef __thumb__
__asm__(".text\n\t.balign 4\n\t.global do_udf\n\t.thumb\n\t.thumb_func\n\t"
        ".type do_udf, %function\ndo_udf:\n\t"
        "movs r0, #7\n\t.global udf_site\nudf_site:\n\t.inst.n 0xde00\n\tbx lr\n\t.size do_udf, .-do_udf\n");
#else
__asm__(".text\n\t.balign 4\n\t.global do_udf\n\t.arm\n\t"
        ".type do_udf, %function\ndo_udf:\n\t"
        "mov r0, #7\n\t.global udf_site\nudf_site:\n\t.inst 0xe7f000f0\n\tbx lr\n\t.size do_udf, .-do_udf\n");
#endif
int do_udf(void);
extern char udf_site[];

static char logbuf[512];
static volatile int loglen;
static void logs(const char *s)
{
    while (*s && loglen < (int)sizeof logbuf - 1)
        logbuf[loglen++] = *s++;
    logbuf[loglen] = 0;
}
static void log_reset(void)
{
    loglen = 0;
    logbuf[0] = 0;
}

static volatile sig_atomic_t usr1_count, usr2_count, alrm_count;

static void h_usr1(int sig)
{
    (void)sig;
    usr1_count++;
    logs("[usr1");
    if (usr1_count == 3)
        raise(SIGUSR2); /* blocked by sa_mask until we return */
    logs("]");
}
static void h_usr2(int sig)
{
    (void)sig;
    usr2_count++;
    logs("[usr2]");
}
static void h_alrm(int sig)
{
    (void)sig;
    alrm_count++;
}

static sigjmp_buf jb;
static volatile int got_signo, got_code;
static volatile uintptr_t got_addr;
static volatile uintptr_t handler_local;

static void h_fault(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    int local;
    handler_local = (uintptr_t)&local;
    got_signo = si->si_signo;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, sig);
}

/* SIGILL handler that resumes after the faulting instruction with r0 changed */
static volatile int ill_thumb_bit;
static void h_ill_skip(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    ucontext_t *uc = ctx;
    got_addr = (uintptr_t)si->si_addr;
    ill_thumb_bit = (uc->uc_mcontext.arm_cpsr >> 5) & 1;
    uintptr_t pc = uc->uc_mcontext.arm_pc;
    got_code = (pc == got_addr);
    uc->uc_mcontext.arm_pc = pc + (ill_thumb_bit ? 2 : 4);
    uc->uc_mcontext.arm_r0 += 35;
}

static void set_handler(int sig, void (*h)(int), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0)
        perror("sigaction");
}

static void set_action(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0)
        perror("sigaction");
}

static const char *code_name(int sig, int code)
{
    if (sig == SIGSEGV)
        return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGBUS)
        return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "?";
    if (sig == SIGILL)
        return code == ILL_ILLOPC ? "ILL_ILLOPC" : code == ILL_ILLOPN ? "ILL_ILLOPN" : "?";
    return "?";
}

static void test_basic(void)
{
    printf("== raise / kill ==\n");
    set_handler(SIGUSR1, h_usr1, 0, NULL);
    raise(SIGUSR1);
    printf("after raise: usr1_count=%d\n", usr1_count);
    kill(getpid(), SIGUSR1);
    printf("after kill: usr1_count=%d\n", usr1_count);

    printf("== sa_mask defers SIGUSR2 raised inside SIGUSR1 handler ==\n");
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    set_handler(SIGUSR1, h_usr1, 0, &m);
    set_handler(SIGUSR2, h_usr2, 0, NULL);
    log_reset();
    raise(SIGUSR1);
    printf("order: %s usr1=%d usr2=%d\n", logbuf, usr1_count, usr2_count);

    printf("== sigprocmask / sigpending ==\n");
    sigset_t blk, old, pend;
    sigemptyset(&blk);
    sigaddset(&blk, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blk, &old);
    log_reset();
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue */
    sigpending(&pend);
    printf("blocked: pending USR1=%d USR2=%d count=%d\n", sigismember(&pend, SIGUSR1),
           sigismember(&pend, SIGUSR2), usr1_count);
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigpending(&pend);
    printf("unblocked: pending USR1=%d count=%d log=%s\n", sigismember(&pend, SIGUSR1),
           usr1_count, logbuf);

    printf("== SA_RESETHAND ==\n");
    set_handler(SIGUSR2, h_usr2, SA_RESETHAND, NULL);
    raise(SIGUSR2);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    printf("usr2=%d handler reset to default=%d\n", usr2_count, cur.sa_handler == SIG_DFL);

    printf("== ignored signal ==\n");
    set_handler(SIGUSR2, SIG_IGN, 0, NULL);
    raise(SIGUSR2);
    printf("still alive, usr2=%d\n", usr2_count);
}

/* Per-signal delivery logs. Only the order *within* one RT signal number
 * (FIFO) is printed: qemu-arm 7.2 delivers different RT signals highest
 * number first, while Linux delivers the lowest-numbered pending signal first. */
static volatile int rt_log[2][8];
static volatile int rt_n[2];
static void h_rt(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    int k = sig - SIGRTMIN;
    if (k >= 0 && k < 2 && rt_n[k] < 8)
        rt_log[k][rt_n[k]++] = si->si_value.sival_int + (si->si_code == SI_QUEUE ? 100 : 0) +
                               (si->si_pid == getpid() ? 1000 : 0);
}

static void test_rt(void)
{
    printf("== queued real-time signals ==\n");
    set_action(SIGRTMIN, h_rt, 0);
    set_action(SIGRTMIN + 1, h_rt, 0);
    sigset_t blk, old;
    sigemptyset(&blk);
    sigaddset(&blk, SIGRTMIN);
    sigaddset(&blk, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &blk, &old);
    union sigval v;
    v.sival_int = 9;
    sigqueue(getpid(), SIGRTMIN + 1, v);
    for (int i = 1; i <= 5; i++) {
        v.sival_int = i;
        sigqueue(getpid(), SIGRTMIN, v);
    }
    printf("delivered while blocked: %d\n", rt_n[0] + rt_n[1]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (int k = 0; k < 2; k++) {
        printf("SIGRTMIN+%d delivered %d:", k, rt_n[k]);
        for (int i = 0; i < rt_n[k]; i++)
            printf(" %d", rt_log[k][i]);
        printf("\n");
    }
}

static void test_faults(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    printf("== SIGSEGV ==\n");
    set_action(SIGSEGV, h_fault, 0);
    set_action(SIGBUS, h_fault, 0);

    /* unmapped page */
    char *p = mmap(NULL, pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, pg * 2);
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile int *)(p + 0x24) = 1;
        printf("write to unmapped page did not fault\n");
    } else {
        printf("unmapped write: signo=%d code=%s addr=base+0x%lx\n", got_signo,
               code_name(got_signo, got_code), (unsigned long)(got_addr - (uintptr_t)p));
    }
    if (sigsetjmp(jb, 1) == 0) {
        volatile int x = *(volatile int *)(p + pg + 0x100);
        (void)x;
        printf("read of unmapped page did not fault\n");
    } else {
        printf("unmapped read: signo=%d code=%s addr=base+0x%lx\n", got_signo,
               code_name(got_signo, got_code), (unsigned long)(got_addr - (uintptr_t)p));
    }

    /* NULL page */
    if (sigsetjmp(jb, 1) == 0) {
        volatile uintptr_t nul = 16;
        *(volatile int *)nul = 1;
        printf("null write did not fault\n");
    } else {
        printf("null+16 write: signo=%d code=%s addr=0x%lx\n", got_signo,
               code_name(got_signo, got_code), (unsigned long)got_addr);
    }

    /* read-only page */
    char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jb, 1) == 0) {
        ro[0x123] = 1;
        printf("write to read-only page did not fault\n");
    } else {
        printf("read-only write: signo=%d code=%s addr=base+0x%lx\n", got_signo,
               code_name(got_signo, got_code), (unsigned long)(got_addr - (uintptr_t)ro));
    }
    printf("read-only page still readable: %d\n", ro[0x123]);

    /* mprotect to PROT_NONE after writing */
    char *pn = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pn[8] = 42;
    mprotect(pn, pg, PROT_NONE);
    if (sigsetjmp(jb, 1) == 0) {
        volatile char c = pn[8];
        (void)c;
        printf("PROT_NONE read did not fault\n");
    } else {
        printf("PROT_NONE read: signo=%d code=%s addr=base+0x%lx\n", got_signo,
               code_name(got_signo, got_code), (unsigned long)(got_addr - (uintptr_t)pn));
    }
    mprotect(pn, pg, PROT_READ);
    printf("after mprotect back: %d\n", pn[8]);

    /* executing a non-executable page */
    if (sigsetjmp(jb, 1) == 0) {
        void (*fn)(void) = (void (*)(void))((uintptr_t)ro
#ifdef __thumb__
                                            | 1
#endif
        );
        fn();
        printf("jump to non-exec page did not fault\n");
    } else {
        printf("exec of non-exec page: signo=%d code=%s addr=base+0x%lx\n", got_signo,
               code_name(got_signo, got_code), (unsigned long)(got_addr - (uintptr_t)ro));
    }

    /* SIGBUS: access past the end of a file mapping */
    printf("== SIGBUS ==\n");
    int fd = memfd_create("sigbus", 0);
    if (fd < 0) {
        perror("memfd_create");
    } else {
        ftruncate(fd, 16);
        char *fm = mmap(NULL, pg * 2, PROT_READ, MAP_SHARED, fd, 0);
        printf("in-file byte: %d\n", fm[4]);
        if (sigsetjmp(jb, 1) == 0) {
            volatile char c = fm[pg + 4];
            (void)c;
            printf("read past EOF did not fault\n");
        } else {
            /* si_addr not printed: qemu-arm 7.2 reports it one page too high */
            printf("past-EOF read: signo=%d code=%s\n", got_signo,
                   code_name(got_signo, got_code));
        }
        munmap(fm, pg * 2);
        close(fd);
    }

    /* fault handler on an alternate stack */
    printf("== sigaltstack ==\n");
    static char altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    set_action(SIGSEGV, h_fault, SA_ONSTACK);
    handler_local = 0;
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile int *)(p + 8) = 1;
    }
    printf("handler ran on altstack: %d\n",
           handler_local >= (uintptr_t)altstack && handler_local < (uintptr_t)altstack + sizeof altstack);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("altstack flags after handler: onstack=%d disabled=%d\n",
           (cur.ss_flags & SS_ONSTACK) != 0, (cur.ss_flags & SS_DISABLE) != 0);
    /* SIGSEGV must have been unblocked again by siglongjmp(…, savemask=1) */
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("SIGSEGV blocked now: %d\n", sigismember(&now, SIGSEGV));
    munmap(ro, pg);
    munmap(pn, pg);
}

/* A handler that makes the page accessible and returns: the faulting
 * store runs again, and only it (the instructions before it ran once). */
static char *resume_page;
static volatile uintptr_t resume_pc;
extern char segv_resume_insn[];

static void h_make_writable(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si;
    resume_pc = ((ucontext_t *)ctx)->uc_mcontext.arm_pc;
    mprotect(resume_page, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE);
}

static void __attribute__((noinline)) test_fault_resume(void)
{
    printf("== SIGSEGV, handler returns ==\n");
    long pg = sysconf(_SC_PAGESIZE);
    resume_page = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    set_action(SIGSEGV, h_make_writable, 0);
    unsigned counter, stored;
    __asm__ volatile("mov %0, #0\n\t"
                     "add %0, %0, #1\n\t"
                     ".global segv_resume_insn\n"
                     "segv_resume_insn:\n\t"
                     "str %0, [%2, #8]\n\t"
                     "add %0, %0, #10\n\t"
                     "ldr %1, [%2, #8]\n\t"
                     : "=&r"(counter), "=&r"(stored)
                     : "r"(resume_page)
                     : "memory");
    printf("counter %u, stored %u, uc pc at the store: %d\n", counter, stored,
           resume_pc == (uintptr_t)segv_resume_insn);
    munmap(resume_page, pg);
}

/* A load that faults after a store and an add in the same block: the
 * handler sees the registers at the load (the store and the add ran once,
 * the add after the load not yet), makes the page readable and returns. */
static char *load_page;
static unsigned store_word;
static volatile unsigned seen_counter;
static volatile uintptr_t seen_pc;
extern char segv_load_insn[];

static void h_make_readable(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si;
    seen_counter = ((ucontext_t *)ctx)->uc_mcontext.arm_r4;
    seen_pc = ((ucontext_t *)ctx)->uc_mcontext.arm_pc;
    mprotect(load_page, sysconf(_SC_PAGESIZE), PROT_READ);
}

static void __attribute__((noinline)) test_fault_after_store(void)
{
    printf("== SIGSEGV on a load after a store, handler returns ==\n");
    long pg = sysconf(_SC_PAGESIZE);
    load_page = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ((unsigned *)load_page)[4] = 1000;
    mprotect(load_page, pg, PROT_NONE);
    set_action(SIGSEGV, h_make_readable, 0);
    register unsigned counter __asm__("r4") = 5;
    register unsigned value __asm__("r5");
    __asm__ volatile(".syntax unified\n\t"
                     "str %0, [%2]\n\t"
                     "adds %0, %0, #1\n\t"
                     ".global segv_load_insn\n"
                     "segv_load_insn:\n\t"
                     "ldr %1, [%3, #16]\n\t"
                     "adds %0, %0, %1\n\t"
                     : "+r"(counter), "=&r"(value)
                     : "r"(&store_word), "r"(load_page)
                     : "memory", "cc");
    printf("r4 at the fault %u, uc pc at the load: %d, loaded %u, r4 after %u, stored %u\n", seen_counter,
           seen_pc == (uintptr_t)segv_load_insn, value, counter, store_word);
    munmap(load_page, pg);
}

/* A load that faults between two flag-setting adds to one register, in
 * one block: the handler sees the register and the flags the first add
 * left (scion's baseline tier keeps such overwritten values out of the
 * state until a fault needs them), makes the page readable and returns. */
static volatile unsigned seen_r4_flags[2];

static void h_read_flags(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si;
    seen_r4_flags[0] = ((ucontext_t *)ctx)->uc_mcontext.arm_r4;
    seen_r4_flags[1] = ((ucontext_t *)ctx)->uc_mcontext.arm_cpsr >> 28;
    mprotect(load_page, sysconf(_SC_PAGESIZE), PROT_READ);
}

/* Accesses whose base + offset wraps around 2^32: the fault is at the
 * 32-bit address (scion's baseline code adds the offset in the host
 * address, and guard pages turn the overflow into this fault). */
static void wrapped_access(const char *what, unsigned base, int store)
{
    if (sigsetjmp(jb, 1) == 0) {
        register unsigned b __asm__("r1") = base;
        register unsigned v __asm__("r0") = 7;
        if (store)
            __asm__ volatile("strb %0, [%1, #255]" : : "r"(v), "r"(b) : "memory");
        else if (base < 16)
            __asm__ volatile("ldr %0, [%1, #-8]" : "+r"(v) : "r"(b) : "memory");
        else
            __asm__ volatile("ldr %0, [%1, #16]" : "+r"(v) : "r"(b) : "memory");
        printf("%s did not fault\n", what);
    } else {
        printf("%s: signo=%d code=%s addr=%#lx\n", what, got_signo, code_name(got_signo, got_code),
               (unsigned long)got_addr);
    }
}

static void __attribute__((noinline)) test_wrapped_addresses(void)
{
    printf("== SIGSEGV at addresses that wrap around ==\n");
    set_action(SIGSEGV, h_fault, 0);
    wrapped_access("ldr [4 - 8]", 4, 0);
    wrapped_access("ldr [0xfffffff8 + 16]", 0xfffffff8u, 0);
    wrapped_access("strb [0xffffff80 + 255]", 0xffffff80u, 1);
}

static void __attribute__((noinline)) test_fault_between_flag_setters(void)
{
    printf("== SIGSEGV between two ADDS to one register, handler returns ==\n");
    long pg = sysconf(_SC_PAGESIZE);
    load_page = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ((unsigned *)load_page)[4] = 1000;
    mprotect(load_page, pg, PROT_NONE);
    set_action(SIGSEGV, h_read_flags, 0);
    register unsigned acc __asm__("r4") = 0x7fffffffu;
    register unsigned value __asm__("r5");
    unsigned flags;
    __asm__ volatile(".syntax unified\n\t"
                     "adds %0, %0, #1\n\t"
                     "ldr %1, [%3, #16]\n\t"
                     "adds %0, %0, %1\n\t"
                     "mrs %2, apsr\n\t"
                     : "+r"(acc), "=&r"(value), "=r"(flags)
                     : "r"(load_page)
                     : "memory", "cc");
    printf("at the fault r4 %#x NZCV %#x; after r4 %#x NZCV %#x\n", seen_r4_flags[0], seen_r4_flags[1], acc,
           flags >> 28);
    munmap(load_page, pg);
}

/* A compare, an IT block, a load that faults (after the block, or inside
 * it on the path that runs), and a SUBS that overwrites the flags, in one
 * block: the handler sees the compare's flags on either path of the IT
 * block (scion's baseline tier keeps them out of the state across the
 * conditional instructions until a fault needs them).  The block runs 40
 * times with the page readable first, so that it is baseline code, not
 * interpreted, when it faults. */
static unsigned __attribute__((noinline)) it_block_then_load(unsigned start, int inside, unsigned *r5, unsigned *r6)
{
    register unsigned a __asm__("r4") = start;
    register unsigned b __asm__("r5") = 0;
    register unsigned value __asm__("r6") = 0;
    if (inside)
        __asm__ volatile(".syntax unified\n\t"
                         "cmp %0, #7\n\t"
                         "itt lt\n\t"
                         "addlt %1, %1, %0\n\t"
                         "ldrlt %2, [%3, #16]\n\t"
                         "subs %0, %0, #5\n\t"
                         : "+r"(a), "+r"(b), "+r"(value)
                         : "r"(load_page)
                         : "memory", "cc");
    else
        __asm__ volatile(".syntax unified\n\t"
                         "cmp %0, #7\n\t"
                         "itt lt\n\t"
                         "addlt %1, %1, #3\n\t"
                         "addlt %1, %1, %0\n\t"
                         "ldr %2, [%3, #16]\n\t"
                         "subs %0, %0, #5\n\t"
                         : "+r"(a), "+r"(b), "+r"(value)
                         : "r"(load_page)
                         : "memory", "cc");
    *r5 = b;
    *r6 = value;
    return a;
}

static void __attribute__((noinline)) fault_around_it_block(unsigned start, int inside)
{
    long pg = sysconf(_SC_PAGESIZE);
    load_page = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ((unsigned *)load_page)[4] = 1000;
    unsigned b, value, a = 0;
    for (int i = 0; i < 40; i++)
        a += it_block_then_load(start + (i & 1) * 4, inside, &b, &value);
    mprotect(load_page, pg, PROT_NONE);
    set_action(SIGSEGV, h_read_flags, 0);
    a = it_block_then_load(start, inside, &b, &value);
    printf("r4=%u, fault %s the IT block: at the fault r4 %u NZCV %#x; after r4 %u r5 %u loaded %u\n", start,
           inside ? "inside" : "after", seen_r4_flags[0], seen_r4_flags[1], a, b, value);
    munmap(load_page, pg);
}

static void __attribute__((noinline)) test_fault_around_it_block(void)
{
    printf("== SIGSEGV around an IT block between CMP and SUBS, handler returns ==\n");
    fault_around_it_block(5, 0); /* LT holds: the conditional adds run */
    fault_around_it_block(9, 0); /* LT fails: they are skipped */
    fault_around_it_block(5, 1);
}

/* A loop of two blocks: the first increments r4 and compares it, the
 * second loads (from two pages in turn), sets r4 and the flags again and
 * jumps back through a register.  After 3000 runs scion compiles the
 * first block joined with the second (the computed jump keeps the second
 * from being joined with the first instead), which makes neither of the
 * first block's stores on the way: the load that faults in the second
 * iteration must still show the handler the compare's flags and the
 * incremented r4. */
static unsigned __attribute__((noinline)) loop_through_two_pages(char *base, unsigned start, unsigned count)
{
    long pg = sysconf(_SC_PAGESIZE);
    register unsigned a __asm__("r4") = start;
    unsigned value = 0, off = (unsigned)pg - 4, top;
    __asm__ volatile(".syntax unified\n\t"
                     "adr %[top], 1f\n\t"
                     "1: adds %[a], %[a], #1\n\t"
                     "cmp %[a], %[limit]\n\t"
                     "beq 2f\n\t"
                     "ldr %[v], [%[base], %[off]]\n\t"
                     "eor %[off], %[off], %[toggle]\n\t"
                     "subs %[a], %[a], %[v]\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "beq 2f\n\t"
                     "mov pc, %[top]\n\t"
                     "2:\n\t"
                     : [a] "+r"(a), [v] "+&r"(value), [off] "+&r"(off), [n] "+&r"(count), [top] "=&r"(top)
                     : [base] "r"(base), [limit] "r"(0x80000000u), [toggle] "r"((unsigned)pg ^ ((unsigned)pg - 4))
                     : "memory", "cc");
    return a;
}

static void __attribute__((noinline)) test_fault_in_superblock(void)
{
    printf("== SIGSEGV in the second block of a hot loop, handler returns ==\n");
    long pg = sysconf(_SC_PAGESIZE);
    char *base = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned warm = loop_through_two_pages(base, 100, 3000);
    load_page = base + pg;
    mprotect(load_page, pg, PROT_NONE);
    set_action(SIGSEGV, h_read_flags, 0);
    unsigned after = loop_through_two_pages(base, 7, 3);
    printf("warm run r4 %u; at the fault r4 %u NZCV %#x; after r4 %u\n", warm, seen_r4_flags[0], seen_r4_flags[1],
           after);
    munmap(base, 2 * pg);
}

/* Register-offset accesses, ARM's [rB, rI, lsl #2], in a hot loop (compiled
 * code adds base and scaled index in the access itself): a negative index
 * wraps the 32-bit sum below the base, and one index reaches a PROT_NONE
 * page, whose handler makes it readable and returns, so that the load
 * alone runs again and the sum goes on. */
static long indexed_fault_offset = -1;

static void h_unprotect_indexed(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)ctx;
    indexed_fault_offset = (char *)si->si_addr - load_page;
    mprotect(load_page, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE);
}

static unsigned __attribute__((noinline)) sum_indexed(const unsigned *base, const int *index, int n)
{
    unsigned sum = 0;
    for (int k = 0; k < n; k++) {
        unsigned v;
        __asm__ volatile("ldr %0, [%1, %2, lsl #2]" : "=r"(v) : "r"(base), "r"(index[k]) : "memory");
        sum = sum * 31 + v;
    }
    return sum;
}

static void __attribute__((noinline)) store_indexed(unsigned *base, int index, unsigned v)
{
    __asm__ volatile("str %0, [%1, %2, lsl #2]" : : "r"(v), "r"(base), "r"(index) : "memory");
}

static void __attribute__((noinline)) test_fault_at_indexed_load(void)
{
    printf("== register-offset loads: wrapped negative indices, SIGSEGV at one, handler returns ==\n");
    long pg = sysconf(_SC_PAGESIZE);
    char *pages = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned *words = (unsigned *)pages, *base = words + 64;
    for (long k = 0; k < 2 * pg / 4; k++)
        words[k] = (unsigned)(k * 2654435761u);
    for (int k = 0; k < 64; k++)
        store_indexed(base, -1 - k, 1000u + (unsigned)k);
    int index[64];
    for (int k = 0; k < 64; k++)
        index[k] = (k * 37) % 128 - 64;
    unsigned warm = 0;
    for (int round = 0; round < 100; round++)
        warm = sum_indexed(base, index, 64);
    load_page = pages + pg;
    mprotect(load_page, pg, PROT_NONE);
    set_action(SIGSEGV, h_unprotect_indexed, 0);
    index[40] = (int)(pg / 4) - 64 + 3; /* the fourth word of the second page */
    unsigned faulted = sum_indexed(base, index, 64);
    printf("warm sum %#x; fault at word %ld of the page; sum %#x\n", warm, indexed_fault_offset / 4, faulted);
    munmap(pages, 2 * pg);
}

/* The same with VFP: an S register and its D register in one block, a
 * VLDM whose second register faults, and an add before it that reads the
 * first one.  Running the block again from its start would add the loaded
 * value instead of the old one. */
static void h_make_second_page_readable(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si, (void)ctx;
    mprotect(load_page + sysconf(_SC_PAGESIZE), sysconf(_SC_PAGESIZE), PROT_READ);
}

static void __attribute__((noinline)) test_fault_inside_vldm(void)
{
    printf("== SIGSEGV inside a VLDM after an S-register write, handler returns ==\n");
    long pg = sysconf(_SC_PAGESIZE);
    load_page = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    double *pair = (double *)(load_page + pg - 8);
    pair[0] = 100.0;
    pair[1] = 1000.0;
    mprotect(load_page + pg, pg, PROT_NONE);
    set_action(SIGSEGV, h_make_second_page_readable, 0);
    double sum, first, second;
    __asm__ volatile(".syntax unified\n\t"
                     "vmov.f64 d1, #2.0\n\t"
                     "vmov s0, %[one]\n\t"
                     "vmov s1, %[one]\n\t"
                     "vcvt.f64.f32 d0, s0\n\t"
                     "vadd.f64 d2, d0, d1\n\t"
                     "vldmia %[p], {d0-d1}\n\t"
                     "vmov.f64 %P[sum], d2\n\t"
                     "vmov.f64 %P[first], d0\n\t"
                     "vmov.f64 %P[second], d1\n\t"
                     : [sum] "=w"(sum), [first] "=w"(first), [second] "=w"(second)
                     : [one] "r"(0x3f800000u /* 1.0f */), [p] "r"(pair)
                     : "memory", "d0", "d1", "d2");
    printf("sum %.1f, loaded %.1f %.1f\n", sum, first, second);
    munmap(load_page, 2 * pg);
}

static void test_ill(void)
{
    printf("== SIGILL ==\n");
    uintptr_t fn = (uintptr_t)udf_site & ~(uintptr_t)1;
    set_action(SIGILL, h_fault, 0);
    if (sigsetjmp(jb, 1) == 0) {
        do_udf();
        printf("udf did not trap\n");
    } else {
        /* si_code: Linux reports ILL_ILLOPC; not printed (see README) */
        printf("udf: signo=%d addr=udf_site+%lu\n", got_signo, (unsigned long)(got_addr - fn));
    }
    set_action(SIGILL, h_ill_skip, 0);
    int r = do_udf();
    printf("udf skipped by handler: r0=%d pc==si_addr:%d addr=udf_site+%lu thumb_bit_matches=%d\n", r,
           got_code, (unsigned long)(got_addr - fn),
#ifdef __thumb__
           ill_thumb_bit == 1
#else
           ill_thumb_bit == 0
#endif
    );
    for (int i = 0; i < 100; i++)
        r += do_udf() - 42;
    printf("100 more traps: r=%d\n", r);
}

/* Spin until SIGALRM's handler counts past `before`, in a loop whose only
 * way back is an indirect branch: the signal must reach code that never
 * jumps backwards directly (scion's indirect exits do not test for a
 * pending signal; the lookup table is emptied instead). */
static void __attribute__((noinline)) spin_until_alarm(int before)
{
    __asm__ volatile("   adr   r1, 1f\n"
#ifdef __thumb__
                     "   orr   r1, r1, #1\n"
#endif
                     "1: ldr   r2, [%0]\n"
                     "   cmp   r2, %1\n"
                     "   bne   2f\n"
                     "   bx    r1\n"
                     "2:\n"
                     :
                     : "r"(&alrm_count), "r"(before)
                     : "r1", "r2", "cc", "memory");
}

static void test_alarm_in_indirect_loop(void)
{
    printf("== SIGALRM in a loop of indirect branches ==\n");
    set_handler(SIGALRM, h_alrm, 0, NULL);
    int before = alrm_count;
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    spin_until_alarm(before);
    printf("the loop saw the alarm: %d\n", alrm_count == before + 1);
}

static void test_alarm(void)
{
    printf("== SIGALRM ==\n");
    set_handler(SIGALRM, h_alrm, 0, NULL);
    sigset_t blk, old;
    sigemptyset(&blk);
    sigaddset(&blk, SIGALRM);
    sigprocmask(SIG_BLOCK, &blk, &old);
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    sigset_t waitmask = old;
    sigdelset(&waitmask, SIGALRM);
    while (alrm_count == 0)
        sigsuspend(&waitmask);
    printf("setitimer one-shot fired: %d\n", alrm_count);

    /* periodic timer, three ticks */
    struct itimerval per = { { 0, 5000 }, { 0, 5000 } };
    setitimer(ITIMER_REAL, &per, NULL);
    while (alrm_count < 4)
        sigsuspend(&waitmask);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("periodic ticks reached: %d\n", alrm_count >= 4);

    /* alarm(): remaining seconds reported back */
    unsigned prev = alarm(100);
    unsigned rem = alarm(0);
    printf("alarm prev=%u remaining=%u\n", prev, rem);

    /* pause() returns after handler with EINTR.  The timer repeats: a tick
     * that lands before pause() (a slow emulator) must not leave it waiting. */
    alarm(0);
    struct itimerval repeat = { { 0, 20000 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &repeat, NULL);
    int pr = pause();
    setitimer(ITIMER_REAL, &off, NULL);
    printf("pause returned %d, alarms=%d\n", pr, alrm_count >= 5);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_basic();
    test_rt();
    test_faults();
    test_fault_resume();
    test_fault_after_store();
    test_wrapped_addresses();
    test_fault_between_flag_setters();
    test_fault_around_it_block();
    test_fault_in_superblock();
    test_fault_at_indexed_load();
    test_fault_inside_vldm();
    test_ill();
    test_alarm();
    test_alarm_in_indirect_loop();
    printf("done\n");
    return 0;
}
