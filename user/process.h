/*
 * A Linux user-mode guest process: memory, program break, signal state,
 * and what execve needs to start scion again for another ARM program.
 */
#ifndef SCION_PROCESS_H
#define SCION_PROCESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/machine.h"
#include "user/guest_mem.h"

#define GUEST_NSIG 64

typedef struct GuestSigAction {
    uint32_t handler; /* guest address, or SIG_DFL (0) / SIG_IGN (1) */
    uint32_t flags;
    uint32_t restorer;
    uint64_t mask;
} GuestSigAction;

typedef struct UserProcess {
    Machine *machine;
    GuestMem mem;
    uint32_t brk_start, brk_cur;
    const char *sysroot;  /* -L: where absolute guest paths of the loader and libraries live */
    const char *exe_path; /* host path of the running guest program */
    const char *scion_exe; /* host path of scion itself, for execve */
    char **scion_args;     /* options to pass on to a re-executed scion */
    int scion_nargs;
    GuestSigAction sigaction[GUEST_NSIG + 1];
    uint64_t sigmask;
    volatile uint64_t pending; /* host signals waiting for delivery */
    uint32_t sigaltstack_sp, sigaltstack_size, sigaltstack_flags;
    uint32_t clear_child_tid;
    /* Synchronous fault recovery from the host SIGSEGV/SIGBUS handler. */
    sigjmp_buf fault_jmp;
    uint32_t fault_addr;
    int fault_signo, fault_code;
    bool exited;
    int exit_status;
} UserProcess;

#endif
