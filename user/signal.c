/* Host signal handling for the guest, and guest signal delivery. */
#include "user/signal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "user/elf_load.h"
#include "user/guest_mem.h"
#include "user/syscall.h"

/*
 * The one piece of process-wide state: host signal handlers cannot be given
 * a context pointer, so they find the running guest process through this
 * thread-local pointer, set by signal_install_host_handlers.
 */
static _Thread_local UserProcess *running_process;

enum {
    GUEST_SA_NOCLDSTOP = 1, GUEST_SA_NOCLDWAIT = 2, GUEST_SA_SIGINFO = 4,
    GUEST_SA_RESTORER = 0x04000000, GUEST_SA_ONSTACK = 0x08000000, GUEST_SA_RESTART = 0x10000000,
    GUEST_SA_NODEFER = 0x40000000, GUEST_SA_RESETHAND = 0x80000000u,
};
enum { GUEST_SS_ONSTACK = 1, GUEST_SS_DISABLE = 2, GUEST_SS_AUTODISARM = 1u << 31 };

/* --- the signal queue ---------------------------------------------------- */

/* Runs in a host signal handler: only plain stores. */
static void queue_push(UserProcess *p, const GuestSiginfo *info)
{
    int s = info->si_signo;
    if (s < 1 || s > GUEST_NSIG)
        return;
    if (s < 32 && (p->pending & GUEST_SIGBIT(s)))
        return; /* standard signals do not queue */
    int n = p->sigq_len;
    if (n >= GUEST_SIGQ_MAX)
        return;
    p->sigq[n].signo = s;
    memcpy(p->sigq[n].info, info, sizeof p->sigq[n].info);
    p->sigq_len = n + 1;
    p->pending |= GUEST_SIGBIT(s);
    machine_request_exit(p->machine); /* leave the block loop to deliver it */
}

/* si_code of a signal another scion thread passed on to the guest thread;
 * the original code travels in si_errno (see forward_to_guest_thread). */
#define SCION_SI_FORWARDED (-60)

static void queue_push_host(UserProcess *p, const siginfo_t *si)
{
    GuestSiginfo g;
    siginfo_t copy = *si;
    if (copy.si_code == SCION_SI_FORWARDED) {
        copy.si_code = copy.si_errno;
        copy.si_errno = 0;
    }
    siginfo_to_guest(&copy, &g);
    queue_push(p, &g);
}

/*
 * A signal for the guest that the kernel gave to one of scion's own
 * threads (the JIT compiler's): block every signal in that thread from now
 * on (its mask comes back from uc when the handler returns) and send the
 * signal, siginfo intact, to the guest thread, the process's first thread.
 */
static void forward_to_guest_thread(int sig, siginfo_t *si, void *uc)
{
    ucontext_t *ctx = uc;
    sigfillset(&ctx->uc_sigmask);
    sigdelset(&ctx->uc_sigmask, SIGSEGV);
    sigdelset(&ctx->uc_sigmask, SIGBUS);
    siginfo_t copy = *si;
    copy.si_errno = si->si_code;
    copy.si_code = SCION_SI_FORWARDED; /* negative: allowed for rt_tgsigqueueinfo */
    pid_t pid = getpid();
    syscall(SYS_rt_tgsigqueueinfo, pid, pid, sig, &copy);
}

static void queue_remove(UserProcess *p, int i)
{
    int s = p->sigq[i].signo;
    int n = p->sigq_len;
    memmove(&p->sigq[i], &p->sigq[i + 1], (size_t)(n - i - 1) * sizeof p->sigq[0]);
    p->sigq_len = n - 1;
    for (int k = 0; k < n - 1; k++)
        if (p->sigq[k].signo == s)
            return;
    p->pending &= ~GUEST_SIGBIT(s);
}

/* Drop queued instances of a signal (now ignored). */
static void queue_discard(UserProcess *p, int signo)
{
    for (int i = p->sigq_len; i-- > 0;)
        if (p->sigq[i].signo == signo)
            queue_remove(p, i);
}

int signal_dequeue(UserProcess *p, uint64_t set, GuestSiginfo *info)
{
    uint64_t avail = p->pending & set;
    if (!avail)
        return 0;
    int s = __builtin_ctzll(avail) + 1;
    for (int i = 0; i < p->sigq_len; i++) {
        if (p->sigq[i].signo == s) {
            memcpy(info, p->sigq[i].info, sizeof *info);
            queue_remove(p, i);
            return s;
        }
    }
    p->pending &= ~GUEST_SIGBIT(s);
    return 0;
}

void signal_queue_internal(UserProcess *p, const GuestSiginfo *info)
{
    signal_block_host();
    queue_push(p, info);
    signal_sync_host_mask(p);
}

/* --- host handlers and the host mask ------------------------------------- */

static void host_catcher(int sig, siginfo_t *si, void *uc)
{
    if (running_process)
        queue_push_host(running_process, si);
    else
        forward_to_guest_thread(sig, si, uc);
}

/* The guest's 4 GiB and the guards around it (guest_mem.h). */
static bool in_guest_space(const UserProcess *p, uintptr_t host)
{
    uintptr_t low = (uintptr_t)p->mem.base - GUEST_GUARD;
    return host >= low && host - low < GUEST_GUARD + (1ull << 32) + GUEST_GUARD;
}

/* A store into a page that holds translated code: drop that page's blocks,
 * lift the write protection, and let the store run again. */
static bool handle_code_write(UserProcess *p, uint32_t addr)
{
    uint32_t page = addr / GUEST_PAGE;
    uint8_t f = p->mem.flags[page];
    if (!(f & GPAGE_CODE) || !(f & GPAGE_W))
        return false;
    machine_invalidate_code(p->machine, page * GUEST_PAGE, GUEST_PAGE);
    guest_unmark_code(&p->mem, page);
    return true;
}

/* Baseline code does not store the instruction's start before an access
 * to guest memory: find it from the faulting host instruction. */
static void name_faulting_insn(UserProcess *p, void *uc)
{
    Machine *m = p->machine;
    const greg_t *g = ((ucontext_t *)uc)->uc_mcontext.gregs;
    /* by x86-64 register number, as X64Reg counts them */
    static const int greg_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    uint64_t regs[16];
    for (int r = 0; r < 16; r++)
        regs[r] = (uint64_t)g[greg_of[r]];
    uint32_t pc, mode;
    if (m->baseline && baseline_fault_site(m->baseline, (uintptr_t)g[REG_RIP], regs, &m->cpu, &pc, &mode)) {
        m->cpu.common.insn_pc = pc;
        m->cpu.common.insn_mode = mode;
    }
}

static void host_fault_handler(int sig, siginfo_t *si, void *uc)
{
    UserProcess *p = running_process;
    if (si->si_code <= 0) { /* sent by kill(): an ordinary signal */
        if (p)
            queue_push_host(p, si);
        else
            forward_to_guest_thread(sig, si, uc);
        return;
    }
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
    uintptr_t rip = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
    if (jit_owns_code(p->machine->jit, rip)) {
        /* LLVM code does not check its accesses: the state is back at its
         * last restart point, from where the lower tiers run it again and
         * fault precisely (Machine.resume_lower_tier). */
        p->fault_signo = 0;
        siglongjmp(p->fault_jmp, 1);
    }
    name_faulting_insn(p, uc);
    p->fault_addr = (uint32_t)guest; /* in a guard: the wrapped address */
    p->fault_signo = sig;
    if (sig == SIGBUS)
        p->fault_code = 2; /* BUS_ADRERR */
    else
        p->fault_code = (guest < (1ull << 32) && (p->mem.flags[guest / GUEST_PAGE] & GPAGE_MAPPED))
                            ? 2  /* SEGV_ACCERR */
                            : 1; /* SEGV_MAPERR */
    siglongjmp(p->fault_jmp, 1);
}

static bool is_fault_signal(int s)
{
    return s == SIGSEGV || s == SIGBUS;
}

/* Signals the host C library keeps for itself: emulated inside scion. */
static bool is_internal_signal(int s)
{
    return s == 32 || s == 33;
}

void signal_host_set(uint64_t mask, sigset_t *set)
{
    sigemptyset(set);
    for (int s = 1; s <= GUEST_NSIG; s++)
        if ((mask & GUEST_SIGBIT(s)) && !is_internal_signal(s))
            sigaddset(set, s);
}

void signal_block_host(void)
{
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

void signal_sync_host_mask(UserProcess *p)
{
    sigset_t set;
    signal_host_set(p->sigmask & ~(GUEST_SIGBIT(SIGSEGV) | GUEST_SIGBIT(SIGBUS)), &set);
    sigprocmask(SIG_SETMASK, &set, NULL);
}

void signal_set_mask(UserProcess *p, uint64_t mask)
{
    p->sigmask = mask & ~GUEST_UNBLOCKABLE;
    signal_sync_host_mask(p);
}

static void install_fault_handler(int s)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = host_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigfillset(&sa.sa_mask);
    sigdelset(&sa.sa_mask, SIGSEGV);
    sigdelset(&sa.sa_mask, SIGBUS);
    sigaction(s, &sa, NULL);
}

/* Make the host disposition of signo mirror the guest's. */
static void host_apply_action(UserProcess *p, int s)
{
    if (s == SIGKILL || s == SIGSTOP || is_internal_signal(s) || is_fault_signal(s))
        return;
    const GuestSigAction *g = &p->sigaction[s];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (g->handler == GUEST_SIG_DFL) {
        sa.sa_handler = SIG_DFL;
    } else if (g->handler == GUEST_SIG_IGN) {
        sa.sa_handler = SIG_IGN;
    } else {
        sa.sa_sigaction = host_catcher;
        sa.sa_flags = SA_SIGINFO;
        sigfillset(&sa.sa_mask);
        sigdelset(&sa.sa_mask, SIGSEGV);
        sigdelset(&sa.sa_mask, SIGBUS);
    }
    if (s == SIGCHLD)
        sa.sa_flags |= (int)(g->flags & (GUEST_SA_NOCLDSTOP | GUEST_SA_NOCLDWAIT));
    sigaction(s, &sa, NULL);
}

static bool default_is_ignore(int signo)
{
    return signo == SIGCHLD || signo == SIGURG || signo == SIGWINCH || signo == SIGCONT;
}

void signal_set_action(UserProcess *p, int signo, const GuestSigAction *act)
{
    signal_block_host();
    p->sigaction[signo] = *act;
    host_apply_action(p, signo);
    if (act->handler == GUEST_SIG_IGN || (act->handler == GUEST_SIG_DFL && default_is_ignore(signo)))
        queue_discard(p, signo);
    signal_sync_host_mask(p);
}

void signal_install_host_handlers(UserProcess *p)
{
    running_process = p;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    uint64_t mask = 0;
    for (int s = 1; s <= GUEST_NSIG; s++) {
        if (is_internal_signal(s) || s == SIGKILL || s == SIGSTOP)
            continue;
        if (sigismember(&cur, s) == 1)
            mask |= GUEST_SIGBIT(s);
        struct sigaction old;
        if (sigaction(s, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN)
            p->sigaction[s].handler = GUEST_SIG_IGN;
    }
    p->sigmask = mask;
    install_fault_handler(SIGSEGV);
    install_fault_handler(SIGBUS);
    signal_sync_host_mask(p);
}

uint64_t signal_pending_set(UserProcess *p)
{
    sigset_t host;
    sigpending(&host);
    uint64_t set = p->pending;
    for (int s = 1; s <= GUEST_NSIG; s++)
        if (!is_internal_signal(s) && sigismember(&host, s) == 1)
            set |= GUEST_SIGBIT(s);
    return set;
}

void signal_prepare_exec(UserProcess *p)
{
    sigset_t set;
    signal_host_set(p->sigmask, &set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    signal(SIGSEGV, p->sigaction[SIGSEGV].handler == GUEST_SIG_IGN ? SIG_IGN : SIG_DFL);
    signal(SIGBUS, p->sigaction[SIGBUS].handler == GUEST_SIG_IGN ? SIG_IGN : SIG_DFL);
}

void signal_exec_failed(UserProcess *p)
{
    install_fault_handler(SIGSEGV);
    install_fault_handler(SIGBUS);
    signal_sync_host_mask(p);
}

/* --- default actions ----------------------------------------------------- */

static bool default_is_stop(int signo)
{
    return signo == SIGSTOP || signo == SIGTSTP || signo == SIGTTIN || signo == SIGTTOU;
}

void signal_default_action(UserProcess *p, int signo)
{
    if (default_is_ignore(signo))
        return;
    if (default_is_stop(signo)) {
        kill(getpid(), SIGSTOP);
        return;
    }
    if (log_on(&p->machine->log, LOG_SIGNALS))
        log_printf(&p->machine->log, "scion: guest killed by signal %d\n", signo);
    /* Terminate the way the guest would, so a parent sees WIFSIGNALED. */
    fflush(stdout);
    fflush(stderr);
    fflush(p->machine->log.out);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    int host = is_internal_signal(signo) ? SIGKILL : signo;
    signal(host, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, host);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(host);
    p->exited = true;
    p->exit_status = 128 + signo;
}

/* --- the signal frame ---------------------------------------------------- */

/* Offsets in ARM Linux's struct ucontext and signal frames. */
enum {
    UC_FLAGS = 0, UC_LINK = 4, UC_STACK = 8, UC_MCONTEXT = 20, UC_SIGMASK = 104, UC_REGSPACE = 232,
    UC_SIZE = 744,
    MC_TRAP_NO = 0, MC_ERROR_CODE = 4, MC_OLDMASK = 8, MC_R0 = 12, MC_CPSR = 76, MC_FAULT_ADDRESS = 80,
    VFP_MAGIC = 0x56465001, VFP_FRAME_SIZE = 288,
    SIGFRAME_SIZE = UC_SIZE + 8, /* ucontext + retcode[2] */
    RT_SIGFRAME_SIZE = 128 + SIGFRAME_SIZE,
};

typedef struct FaultInfo {
    uint32_t trap_no, error_code, address;
} FaultInfo;

static void put32(uint8_t *base, uint32_t off, uint32_t v)
{
    memcpy(base + off, &v, 4);
}

static uint32_t get32(const uint8_t *base, uint32_t off)
{
    uint32_t v;
    memcpy(&v, base + off, 4);
    return v;
}

static bool on_altstack(const UserProcess *p, uint32_t sp)
{
    return sp > p->sigaltstack_sp && sp - p->sigaltstack_sp <= p->sigaltstack_size;
}

uint32_t signal_altstack_flags(const UserProcess *p, uint32_t sp)
{
    if (p->sigaltstack_size == 0)
        return GUEST_SS_DISABLE;
    return (on_altstack(p, sp) ? GUEST_SS_ONSTACK : 0) | (p->sigaltstack_flags & GUEST_SS_AUTODISARM);
}

static void save_vfp(const ArmCpu *cpu, uint8_t *vfp)
{
    put32(vfp, 0, VFP_MAGIC);
    put32(vfp, 4, VFP_FRAME_SIZE);
    memcpy(vfp + 8, cpu->vfp.d, sizeof cpu->vfp.d);
    put32(vfp, 264, cpu->fpscr);
    put32(vfp, 272, cpu->fpexc | 0x40000000u); /* FPEXC.EN */
    put32(vfp, VFP_FRAME_SIZE, 0);            /* end of the aux frames */
}

/* Fill the ucontext at uc (host pointer) for the current guest state. */
static void setup_ucontext(UserProcess *p, uint8_t *uc, uint64_t mask, const FaultInfo *fi, uint32_t flags)
{
    ArmCpu *cpu = &p->machine->cpu;
    memset(uc, 0, UC_SIZE);
    put32(uc, UC_FLAGS, flags);
    put32(uc, UC_STACK, p->sigaltstack_sp);
    put32(uc, UC_STACK + 4, signal_altstack_flags(p, cpu->r[13]));
    put32(uc, UC_STACK + 8, p->sigaltstack_size);
    uint8_t *mc = uc + UC_MCONTEXT;
    put32(mc, MC_TRAP_NO, fi->trap_no);
    put32(mc, MC_ERROR_CODE, fi->error_code);
    put32(mc, MC_OLDMASK, (uint32_t)mask);
    for (int i = 0; i < 16; i++)
        put32(mc, MC_R0 + 4 * i, cpu->r[i]);
    put32(mc, MC_CPSR, arm_cpsr_read(cpu));
    put32(mc, MC_FAULT_ADDRESS, fi->address);
    memcpy(uc + UC_SIGMASK, &mask, 8);
    save_vfp(cpu, uc + UC_REGSPACE);
}

/* Guest stack address for a frame of size bytes, or 0 if it cannot be written. */
static uint32_t frame_address(UserProcess *p, const GuestSigAction *act, uint32_t size)
{
    uint32_t sp = p->machine->cpu.r[13];
    if ((act->flags & GUEST_SA_ONSTACK) && p->sigaltstack_size && !on_altstack(p, sp))
        sp = p->sigaltstack_sp + p->sigaltstack_size;
    uint32_t frame = (sp - size) & ~7u;
    if (frame > sp || !guest_access_ok(&p->mem, frame, size, GPAGE_W))
        return 0;
    return frame;
}

/* A syscall interrupted by this delivery: restart it or let it fail with EINTR. */
static void finish_restart(UserProcess *p, bool handler_runs, uint32_t flags)
{
    if (!p->restart.active)
        return;
    p->restart.active = false;
    if (handler_runs && !(p->restart.kind == SCION_ERESTARTSYS && (flags & GUEST_SA_RESTART)))
        return;
    ArmCpu *cpu = &p->machine->cpu;
    cpu->r[0] = p->restart.r0;
    cpu->r[15] = p->restart.pc;
    cpu->thumb = p->restart.mode & ARM_MODEBIT_THUMB;
    cpu->itstate = (p->restart.mode >> ARM_MODEBIT_IT_SHIFT) & 0xff;
}

static void log_delivery(UserProcess *p, int signo, uint32_t frame, uint32_t handler)
{
    if (log_on(&p->machine->log, LOG_SIGNALS))
        log_printf(&p->machine->log, "scion: delivering signal %d at pc 0x%08x: handler 0x%08x, frame 0x%08x\n",
                   signo, p->machine->cpu.r[15], handler, frame);
}

/* Registers at handler entry (setup_return in Linux), then the handler's mask. */
static void enter_handler(UserProcess *p, int signo, uint32_t frame, bool rt)
{
    GuestSigAction *act = &p->sigaction[signo];
    ArmCpu *cpu = &p->machine->cpu;
    cpu->r[0] = (uint32_t)signo;
    if (rt) {
        cpu->r[1] = frame;
        cpu->r[2] = frame + 128;
    }
    cpu->r[13] = frame;
    cpu->r[14] = (act->flags & GUEST_SA_RESTORER) ? act->restorer : rt ? VECTORS_RT_SIGRETURN : VECTORS_SIGRETURN;
    cpu->r[15] = act->handler & ~1u;
    cpu->thumb = act->handler & 1;
    cpu->itstate = 0;
    uint64_t mask = p->sigmask | act->mask;
    if (!(act->flags & GUEST_SA_NODEFER))
        mask |= GUEST_SIGBIT(signo);
    p->sigmask = mask & ~GUEST_UNBLOCKABLE;
    if (act->flags & GUEST_SA_RESETHAND) {
        act->handler = GUEST_SIG_DFL;
        host_apply_action(p, signo);
    }
}

/* Build the frame and enter the handler; false if the stack is unusable. */
static bool setup_frame(UserProcess *p, int signo, const GuestSiginfo *info, const FaultInfo *fi)
{
    const GuestSigAction *act = &p->sigaction[signo];
    bool rt = act->flags & GUEST_SA_SIGINFO;
    uint32_t frame = frame_address(p, act, rt ? RT_SIGFRAME_SIZE : SIGFRAME_SIZE);
    if (!frame)
        return false;
    log_delivery(p, signo, frame, act->handler);
    uint64_t saved = p->restore_sigmask ? p->saved_sigmask : p->sigmask;
    p->restore_sigmask = false;
    if (rt)
        memcpy(p->mem.base + frame, info, sizeof *info);
    setup_ucontext(p, p->mem.base + frame + (rt ? 128 : 0), saved, fi, rt ? 0 : 0x5ac3c35a);
    if (p->sigaltstack_flags & GUEST_SS_AUTODISARM) {
        p->sigaltstack_sp = p->sigaltstack_size = 0;
        p->sigaltstack_flags = 0;
    }
    enter_handler(p, signo, frame, rt);
    return true;
}

/* The guest cannot take a signal (bad stack): it dies of SIGSEGV. */
static void force_segv(UserProcess *p)
{
    p->sigaction[SIGSEGV].handler = GUEST_SIG_DFL;
    signal_default_action(p, SIGSEGV);
}

static void deliver_one(UserProcess *p, int signo, const GuestSiginfo *info)
{
    const GuestSigAction *act = &p->sigaction[signo];
    if (act->handler == GUEST_SIG_IGN)
        return;
    if (act->handler == GUEST_SIG_DFL) {
        signal_default_action(p, signo);
        return;
    }
    finish_restart(p, true, act->flags);
    FaultInfo fi = {0, 0, 0};
    if (!setup_frame(p, signo, info, &fi))
        force_segv(p);
}

void signal_deliver_pending(UserProcess *p)
{
    signal_block_host();
    while (!p->exited) {
        GuestSiginfo info;
        int s = signal_dequeue(p, ~p->sigmask, &info);
        if (!s)
            break;
        deliver_one(p, s, &info);
    }
    finish_restart(p, false, 0);
    if (p->restore_sigmask) {
        p->restore_sigmask = false;
        p->sigmask = p->saved_sigmask;
    }
    signal_sync_host_mask(p);
}

void signal_deliver_sync(UserProcess *p, int signo, int code, uint32_t addr)
{
    if (log_on(&p->machine->log, LOG_SIGNALS))
        log_printf(&p->machine->log, "scion: signal %d (code %d, addr 0x%08x) at pc 0x%08x\n", signo, code, addr,
                   p->machine->cpu.r[15]);
    signal_block_host();
    GuestSigAction *act = &p->sigaction[signo];
    if ((p->sigmask & GUEST_SIGBIT(signo)) || act->handler == GUEST_SIG_IGN || act->handler == GUEST_SIG_DFL) {
        /* Linux forces the default action for a blocked or ignored fault. */
        act->handler = GUEST_SIG_DFL;
        signal_default_action(p, signo);
        signal_sync_host_mask(p);
        return;
    }
    GuestSiginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = signo;
    info.si_code = code;
    info.f[0] = addr;
    FaultInfo fi = {signo == SIGSEGV || signo == SIGBUS ? 14u : signo == SIGILL ? 6u : 0u, 0, addr};
    if (!setup_frame(p, signo, &info, &fi))
        force_segv(p);
    signal_sync_host_mask(p);
}

/* --- sigreturn ----------------------------------------------------------- */

static void restore_vfp(ArmCpu *cpu, const uint8_t *vfp)
{
    if (get32(vfp, 0) != VFP_MAGIC || get32(vfp, 4) != VFP_FRAME_SIZE)
        return;
    memcpy(cpu->vfp.d, vfp + 8, sizeof cpu->vfp.d);
    cpu->fpscr = get32(vfp, 264);
}

int32_t signal_return(UserProcess *p, bool rt)
{
    ArmCpu *cpu = &p->machine->cpu;
    uint32_t sp = cpu->r[13];
    uint32_t uc = rt ? sp + 128 : sp;
    if ((sp & 7) || !guest_access_ok(&p->mem, uc, UC_SIZE, GPAGE_R)) {
        if (log_on(&p->machine->log, LOG_GUEST_ERRORS))
            log_printf(&p->machine->log, "scion: bad signal frame at sp 0x%08x\n", sp);
        force_segv(p);
        return 0;
    }
    const uint8_t *u = p->mem.base + uc;
    const uint8_t *mc = u + UC_MCONTEXT;
    for (int i = 0; i < 16; i++)
        cpu->r[i] = get32(mc, MC_R0 + 4 * i);
    arm_cpsr_write(cpu, get32(mc, MC_CPSR), 0xf80f0000u | 0x0600fc00u | ARM_CPSR_T);
    cpu->r[15] &= cpu->thumb ? ~1u : ~3u;
    restore_vfp(cpu, u + UC_REGSPACE);
    uint64_t mask;
    memcpy(&mask, u + UC_SIGMASK, 8);
    signal_block_host();
    p->restart.active = false;
    signal_set_mask(p, mask);
    return (int32_t)cpu->r[0];
}
