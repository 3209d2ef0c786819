/*
 * Guest signals in user mode.
 *
 * The host mirrors the guest's signal state: a guest handler is a host
 * handler that queues the signal (with its siginfo) in the UserProcess; a
 * guest SIG_IGN / SIG_DFL is the same host disposition, so ignoring,
 * default termination, stopping and exec inheritance happen in the host
 * kernel exactly as they would for the guest.  The host signal mask is
 * the guest's mask (SIGSEGV and SIGBUS stay unblocked: scion needs them
 * for guest faults), so blocked signals stay pending in the host kernel.
 *
 * Queued signals are delivered between blocks (signal_deliver_pending) by
 * building the ARM Linux signal frame (rt_sigframe for SA_SIGINFO
 * handlers, sigframe otherwise) on the guest stack or alternate stack;
 * synchronous faults (SIGSEGV, SIGBUS, SIGILL, SIGTRAP) are delivered at
 * the faulting instruction.
 */
#ifndef SCION_SIGNAL_H
#define SCION_SIGNAL_H

#include <signal.h>
#include <stdint.h>

#include "user/guest_abi.h"
#include "user/process.h"

#define GUEST_SIG_DFL 0u
#define GUEST_SIG_IGN 1u
#define GUEST_SIGBIT(s) (1ull << ((s) - 1))
/* SIGKILL and SIGSTOP can be neither blocked nor caught. */
#define GUEST_UNBLOCKABLE (GUEST_SIGBIT(SIGKILL) | GUEST_SIGBIT(SIGSTOP))

/* Take over the host signal state at start: inherited ignored signals and
 * mask become the guest's; install the fault handlers. */
void signal_install_host_handlers(UserProcess *p);
/* Deliver a synchronous fault at the current instruction. */
void signal_deliver_sync(UserProcess *p, int signo, int code, uint32_t addr);
/* Deliver queued signals that are not blocked; finish syscall restarts. */
void signal_deliver_pending(UserProcess *p);
/* Take the guest signal's default action (terminate, core, ignore, stop). */
void signal_default_action(UserProcess *p, int signo);

/* Anything for signal_deliver_pending to do? (checked between blocks) */
static inline bool signal_work_pending(const UserProcess *p)
{
    return (p->pending & ~p->sigmask) || p->restart.active || p->restore_sigmask;
}

/* Set a guest action (handler SIG_DFL/SIG_IGN/address) and mirror it. */
void signal_set_action(UserProcess *p, int signo, const GuestSigAction *act);
/* Set the guest signal mask and mirror it on the host. */
void signal_set_mask(UserProcess *p, uint64_t mask);
/* Host sigset for a guest mask (signals 32 and 33 are scion-internal). */
void signal_host_set(uint64_t mask, sigset_t *set);
/* Block every host signal but SIGSEGV/SIGBUS (to touch the queue). */
void signal_block_host(void);
/* Restore the host mask from the guest mask. */
void signal_sync_host_mask(UserProcess *p);

/* Pending signals: queued here or held by the host kernel. */
uint64_t signal_pending_set(UserProcess *p);
/* Take the lowest queued signal in set (host signals blocked by the
 * caller); returns its number or 0. */
int signal_dequeue(UserProcess *p, uint64_t set, GuestSiginfo *info);
/* Queue a signal for this process without the host (signals 32, 33). */
void signal_queue_internal(UserProcess *p, const GuestSiginfo *info);

/* ss_flags of the alternate signal stack as seen from stack pointer sp. */
uint32_t signal_altstack_flags(const UserProcess *p, uint32_t sp);

/* rt_sigreturn / sigreturn: restore the context saved in the frame at sp. */
int32_t signal_return(UserProcess *p, bool rt);

/* Before a host execve: the host gets the guest's exact mask and ignored
 * signals.  If the execve fails, signal_exec_failed restores scion's state. */
void signal_prepare_exec(UserProcess *p);
void signal_exec_failed(UserProcess *p);

#endif
