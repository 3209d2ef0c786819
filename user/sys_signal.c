/* Signal syscalls: actions, masks, waiting, sending, alternate stacks. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user/signal.h"
#include "user/sys_util.h"

enum { GUEST_SIG_BLOCK = 0, GUEST_SIG_UNBLOCK = 1, GUEST_SIG_SETMASK = 2 };
enum { GUEST_SS_ONSTACK = 1, GUEST_SS_DISABLE = 2, GUEST_SS_AUTODISARM = 1u << 31, GUEST_MINSIGSTKSZ = 2048 };

static bool valid_signo(uint32_t s)
{
    return s >= 1 && s <= GUEST_NSIG;
}

/* struct sigaction as the ARM kernel reads it: handler, flags, restorer, mask. */
int32_t sys_rt_sigaction(UserProcess *p, const uint32_t a[6])
{
    int s = (int)a[0];
    if (!valid_signo(a[0]) || a[3] != 8)
        return -EINVAL;
    GuestSigAction new_act, old = p->sigaction[s];
    if (a[1]) {
        uint32_t g[5];
        if (copy_from_guest(p, g, a[1], sizeof g))
            return -EFAULT;
        if (s == SIGKILL || s == SIGSTOP)
            return -EINVAL;
        new_act.handler = g[0];
        new_act.flags = g[1];
        new_act.restorer = g[2];
        new_act.mask = arg64(g[3], g[4]) & ~GUEST_UNBLOCKABLE;
        signal_set_action(p, s, &new_act);
    }
    if (a[2]) {
        uint32_t g[5] = {old.handler, old.flags, old.restorer, (uint32_t)old.mask, (uint32_t)(old.mask >> 32)};
        if (copy_to_guest(p, a[2], g, sizeof g))
            return -EFAULT;
    }
    return 0;
}

/* The old sigaction: handler, mask (one word), flags, restorer. */
int32_t sys_sigaction(UserProcess *p, const uint32_t a[6])
{
    int s = (int)a[0];
    if (!valid_signo(a[0]))
        return -EINVAL;
    GuestSigAction new_act, old = p->sigaction[s];
    if (a[1]) {
        uint32_t g[4];
        if (copy_from_guest(p, g, a[1], sizeof g))
            return -EFAULT;
        if (s == SIGKILL || s == SIGSTOP)
            return -EINVAL;
        new_act.handler = g[0];
        new_act.mask = g[1] & ~GUEST_UNBLOCKABLE;
        new_act.flags = g[2];
        new_act.restorer = g[3];
        signal_set_action(p, s, &new_act);
    }
    if (a[2]) {
        uint32_t g[4] = {old.handler, (uint32_t)old.mask, old.flags, old.restorer};
        if (copy_to_guest(p, a[2], g, sizeof g))
            return -EFAULT;
    }
    return 0;
}

static int32_t change_mask(UserProcess *p, uint32_t how, uint64_t set)
{
    uint64_t m = p->sigmask;
    switch (how) {
    case GUEST_SIG_BLOCK: m |= set; break;
    case GUEST_SIG_UNBLOCK: m &= ~set; break;
    case GUEST_SIG_SETMASK: m = set; break;
    default: return -EINVAL;
    }
    signal_set_mask(p, m);
    return 0;
}

int32_t sys_rt_sigprocmask(UserProcess *p, const uint32_t a[6])
{
    if (a[3] != 8)
        return -EINVAL;
    uint64_t old = p->sigmask, set;
    if (a[1]) {
        if (get_u64(p, a[1], &set))
            return -EFAULT;
        int32_t r = change_mask(p, a[0], set);
        if (r)
            return r;
    }
    if (a[2] && put_u64(p, a[2], old))
        return -EFAULT;
    return 0;
}

int32_t sys_sigprocmask(UserProcess *p, const uint32_t a[6])
{
    uint64_t old = p->sigmask;
    uint32_t set;
    if (a[1]) {
        if (get_u32(p, a[1], &set))
            return -EFAULT;
        uint64_t full = a[0] == GUEST_SIG_SETMASK ? (p->sigmask & ~0xffffffffull) | set : set;
        int32_t r = change_mask(p, a[0], full);
        if (r)
            return r;
    }
    if (a[2] && put_u32(p, a[2], (uint32_t)old))
        return -EFAULT;
    return 0;
}

int32_t sys_rt_sigpending(UserProcess *p, const uint32_t a[6])
{
    if (a[1] > 8)
        return -EINVAL;
    uint64_t set = signal_pending_set(p) & p->sigmask;
    return copy_to_guest(p, a[0], &set, a[1]);
}

int32_t sys_sigpending(UserProcess *p, const uint32_t a[6])
{
    return put_u32(p, a[0], (uint32_t)(signal_pending_set(p) & p->sigmask));
}

/* Wait with mask until a signal is queued; delivery restores the old mask. */
static int32_t suspend_with_mask(UserProcess *p, uint64_t mask)
{
    mask &= ~GUEST_UNBLOCKABLE;
    signal_block_host();
    if (!p->restore_sigmask)
        p->saved_sigmask = p->sigmask;
    p->restore_sigmask = true;
    p->sigmask = mask;
    if (!(p->pending & ~mask)) {
        sigset_t set;
        signal_host_set(mask & ~(GUEST_SIGBIT(SIGSEGV) | GUEST_SIGBIT(SIGBUS)), &set);
        sigsuspend(&set);
    }
    return -SCION_ERESTARTNOHAND;
}

int32_t sys_rt_sigsuspend(UserProcess *p, const uint32_t a[6])
{
    uint64_t mask;
    if (a[1] != 8)
        return -EINVAL;
    if (get_u64(p, a[0], &mask))
        return -EFAULT;
    return suspend_with_mask(p, mask);
}

int32_t sys_sigsuspend(UserProcess *p, const uint32_t a[6])
{
    return suspend_with_mask(p, (p->sigmask & ~0xffffffffull) | a[2]);
}

int32_t sys_pause(UserProcess *p, const uint32_t a[6])
{
    (void)a;
    return suspend_with_mask(p, p->sigmask);
}

static int32_t sigtimedwait_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    uint64_t set;
    struct timespec ts;
    if (a[3] != 8)
        return -EINVAL;
    if (get_u64(p, a[0], &set) || (a[2] && get_timespec(p, a[2], time64, &ts)))
        return -EFAULT;
    set &= ~GUEST_UNBLOCKABLE;
    signal_block_host();
    GuestSiginfo gi;
    int s = signal_dequeue(p, set, &gi);
    int32_t r = s;
    if (!s) {
        /* Members of set stay blocked on the host; other signals may interrupt. */
        sigset_t hs, wait_mask;
        signal_host_set(set, &hs);
        signal_host_set((p->sigmask | set) & ~(GUEST_SIGBIT(SIGSEGV) | GUEST_SIGBIT(SIGBUS)), &wait_mask);
        sigprocmask(SIG_SETMASK, &wait_mask, NULL);
        siginfo_t hi;
        r = host_result_restart(sigtimedwait(&hs, &hi, a[2] ? &ts : NULL), SCION_ERESTARTNOHAND);
        if (r > 0)
            siginfo_to_guest(&hi, &gi);
    }
    signal_sync_host_mask(p);
    if (r > 0 && a[1] && copy_to_guest(p, a[1], &gi, sizeof gi))
        return -EFAULT;
    return r;
}

int32_t sys_rt_sigtimedwait(UserProcess *p, const uint32_t a[6])
{
    return sigtimedwait_common(p, a, false);
}

int32_t sys_rt_sigtimedwait_time64(UserProcess *p, const uint32_t a[6])
{
    return sigtimedwait_common(p, a, true);
}

static bool internal_for_self(uint32_t sig, uint32_t pid)
{
    return (sig == 32 || sig == 33) && (int)pid == getpid();
}

static int32_t queue_self(UserProcess *p, int sig, int code)
{
    GuestSiginfo gi;
    memset(&gi, 0, sizeof gi);
    gi.si_signo = sig;
    gi.si_code = code;
    gi.f[0] = (uint32_t)getpid();
    gi.f[1] = (uint32_t)getuid();
    signal_queue_internal(p, &gi);
    return 0;
}

int32_t sys_kill(UserProcess *p, const uint32_t a[6])
{
    if (internal_for_self(a[1], a[0]))
        return queue_self(p, (int)a[1], SI_USER);
    return host_result(kill((pid_t)a[0], (int)a[1]));
}

int32_t sys_tkill(UserProcess *p, const uint32_t a[6])
{
    if (internal_for_self(a[1], a[0]))
        return queue_self(p, (int)a[1], SI_TKILL);
    return host_result(syscall(SYS_tkill, (pid_t)a[0], (int)a[1]));
}

int32_t sys_tgkill(UserProcess *p, const uint32_t a[6])
{
    if (internal_for_self(a[2], a[1]))
        return queue_self(p, (int)a[2], SI_TKILL);
    return host_result(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], (int)a[2]));
}

int32_t sys_rt_sigqueueinfo(UserProcess *p, const uint32_t a[6])
{
    GuestSiginfo gi;
    if (copy_from_guest(p, &gi, a[2], sizeof gi))
        return -EFAULT;
    gi.si_signo = (int32_t)a[1];
    if (internal_for_self(a[1], a[0])) {
        signal_queue_internal(p, &gi);
        return 0;
    }
    siginfo_t hi;
    siginfo_from_guest(&gi, &hi);
    return host_result(syscall(SYS_rt_sigqueueinfo, (pid_t)a[0], (int)a[1], &hi));
}

int32_t sys_rt_tgsigqueueinfo(UserProcess *p, const uint32_t a[6])
{
    GuestSiginfo gi;
    if (copy_from_guest(p, &gi, a[3], sizeof gi))
        return -EFAULT;
    gi.si_signo = (int32_t)a[2];
    if (internal_for_self(a[2], a[1])) {
        signal_queue_internal(p, &gi);
        return 0;
    }
    siginfo_t hi;
    siginfo_from_guest(&gi, &hi);
    return host_result(syscall(SYS_rt_tgsigqueueinfo, (pid_t)a[0], (pid_t)a[1], (int)a[2], &hi));
}

/* stack_t: ss_sp, ss_flags, ss_size. */
int32_t sys_sigaltstack(UserProcess *p, const uint32_t a[6])
{
    uint32_t sp = sys_cpu(p)->r[13];
    uint32_t old[3] = {p->sigaltstack_sp, signal_altstack_flags(p, sp), p->sigaltstack_size};
    if (a[0]) {
        uint32_t ss[3];
        if (copy_from_guest(p, ss, a[0], sizeof ss))
            return -EFAULT;
        if (old[1] & GUEST_SS_ONSTACK)
            return -EPERM;
        uint32_t mode = ss[1] & ~(uint32_t)GUEST_SS_AUTODISARM;
        if (mode != 0 && mode != GUEST_SS_DISABLE && mode != GUEST_SS_ONSTACK)
            return -EINVAL;
        if (mode == GUEST_SS_DISABLE) {
            p->sigaltstack_sp = p->sigaltstack_size = 0;
            p->sigaltstack_flags = 0;
        } else {
            if (ss[2] < GUEST_MINSIGSTKSZ)
                return -ENOMEM;
            p->sigaltstack_sp = ss[0];
            p->sigaltstack_size = ss[2];
            p->sigaltstack_flags = ss[1] & GUEST_SS_AUTODISARM;
        }
    }
    if (a[1] && copy_to_guest(p, a[1], old, sizeof old))
        return -EFAULT;
    return 0;
}

int32_t sys_rt_sigreturn(UserProcess *p, const uint32_t a[6])
{
    (void)a;
    return signal_return(p, true);
}

int32_t sys_sigreturn(UserProcess *p, const uint32_t a[6])
{
    (void)a;
    return signal_return(p, false);
}

int32_t sys_signalfd4(UserProcess *p, const uint32_t a[6])
{
    uint64_t mask;
    if (a[2] != 8)
        return -EINVAL;
    if (get_u64(p, a[1], &mask))
        return -EFAULT;
    sigset_t set;
    signal_host_set(mask, &set);
    return host_result(signalfd((int)a[0], &set, (int)a[3]));
}

int32_t sys_signalfd(UserProcess *p, const uint32_t a[6])
{
    const uint32_t b[6] = {a[0], a[1], a[2], 0, 0, 0};
    return sys_signalfd4(p, b);
}
