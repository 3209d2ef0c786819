/* Host signal handling for the guest, and guest signal delivery. */
#include "user/signal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "user/guest_mem.h"

/*
 * The one piece of process-wide state: host signal handlers cannot be given
 * a context pointer, so they find the running guest process through this
 * thread-local pointer, set by signal_install_host_handlers.
 */
static _Thread_local UserProcess *running_process;

static bool in_guest_space(const UserProcess *p, uintptr_t host)
{
    uintptr_t base = (uintptr_t)p->mem.base;
    return host >= base && host - base < (1ull << 32) + 65536;
}

/* A store into a page that holds translated code: drop that page's blocks,
 * lift the write protection, and let the store run again. */
static bool handle_code_write(UserProcess *p, uint32_t addr)
{
    uint32_t page = addr / GUEST_PAGE;
    uint8_t f = p->mem.flags[page];
    if (!(f & GPAGE_CODE) || !(f & GPAGE_W))
        return false;
    block_cache_invalidate_range(p->machine->cache, page * GUEST_PAGE, GUEST_PAGE);
    guest_unmark_code(&p->mem, page);
    return true;
}

static void host_fault_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    UserProcess *p = running_process;
    uintptr_t host = (uintptr_t)si->si_addr;
    if (!p || !in_guest_space(p, host)) {
        /* A fault in scion itself: report it and die with the host signal. */
        static const char msg[] = "scion: internal error: host fault outside guest memory\n";
        ssize_t ignored = write(2, msg, sizeof msg - 1);
        (void)ignored;
        signal(sig, SIG_DFL);
        return;
    }
    uint64_t guest = host - (uintptr_t)p->mem.base;
    if (guest < (1ull << 32) && handle_code_write(p, (uint32_t)guest))
        return;
    p->fault_addr = (uint32_t)guest;
    p->fault_signo = SIGSEGV;
    p->fault_code = (guest < (1ull << 32) && (p->mem.flags[guest / GUEST_PAGE] & GPAGE_MAPPED)) ? 2 /* SEGV_ACCERR */
                                                                                              : 1 /* SEGV_MAPERR */;
    siglongjmp(p->fault_jmp, 1);
}

void signal_install_host_handlers(UserProcess *p)
{
    running_process = p;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = host_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

static bool default_is_ignore(int signo)
{
    return signo == SIGCHLD || signo == SIGURG || signo == SIGWINCH || signo == SIGCONT;
}

void signal_default_action(UserProcess *p, int signo)
{
    if (default_is_ignore(signo))
        return;
    /* Terminate the way the guest would, so a parent sees WIFSIGNALED. */
    fflush(stdout);
    fflush(stderr);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(signo, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(signo);
    p->exited = true;
    p->exit_status = 128 + signo;
}

void signal_deliver_sync(UserProcess *p, int signo, int code, uint32_t addr)
{
    if (log_on(&p->machine->log, LOG_SIGNALS))
        log_printf(&p->machine->log, "scion: signal %d (code %d, addr 0x%08x) at pc 0x%08x\n", signo, code, addr,
                   p->machine->cpu.r[15]);
    signal_default_action(p, signo);
}

void signal_deliver_pending(UserProcess *p)
{
    for (int s = 1; s <= GUEST_NSIG; s++) {
        uint64_t bit = 1ull << (s - 1);
        if ((p->pending & bit) && !(p->sigmask & bit)) {
            p->pending &= ~bit;
            signal_default_action(p, s);
        }
    }
}
