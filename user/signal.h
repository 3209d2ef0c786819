/*
 * Guest signals in user mode: host signals arriving for the guest are
 * queued and delivered between blocks; synchronous faults (SIGSEGV,
 * SIGBUS, SIGILL, SIGTRAP) are delivered at the faulting instruction.
 * Delivery builds the ARM Linux rt_sigframe on the guest stack.
 */
#ifndef SCION_SIGNAL_H
#define SCION_SIGNAL_H

#include <stdint.h>

#include "user/process.h"

/* Host handlers that queue signals for the guest and catch guest faults. */
void signal_install_host_handlers(UserProcess *p);
/* Deliver a synchronous fault at the current instruction. */
void signal_deliver_sync(UserProcess *p, int signo, int code, uint32_t addr);
/* Deliver queued asynchronous signals that are not blocked. */
void signal_deliver_pending(UserProcess *p);
/* Take the guest signal's default action (terminate, core, ignore, stop). */
void signal_default_action(UserProcess *p, int signo);

#endif
