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

/* A signal waiting for delivery, with its guest siginfo (128 bytes). */
typedef struct GuestSigEntry {
    int signo;
    uint32_t info[32];
} GuestSigEntry;

#define GUEST_SIGQ_MAX 64

/* A syscall interrupted by a signal that may be restarted (see syscall.h). */
typedef struct SyscallRestart {
    bool active;
    int kind;          /* SCION_ERESTARTSYS or SCION_ERESTARTNOHAND */
    uint32_t pc, mode; /* the SVC instruction and its translation mode */
    uint32_t r0;       /* the original first argument */
} SyscallRestart;

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
    volatile uint64_t pending; /* bit s-1: signal s is in sigq */
    /* Queued signals, filled by the host signal handler; touched by other
     * code only with host signals blocked. */
    GuestSigEntry sigq[GUEST_SIGQ_MAX];
    volatile int sigq_len;
    /* sigsuspend/pselect/ppoll: the mask to restore after delivery. */
    bool restore_sigmask;
    uint64_t saved_sigmask;
    SyscallRestart restart;
    uint32_t sigaltstack_sp, sigaltstack_size, sigaltstack_flags;
    uint32_t clear_child_tid;
    /* Synchronous fault recovery from the host SIGSEGV/SIGBUS handler. */
    sigjmp_buf fault_jmp;
    uint32_t fault_addr;
    int fault_signo, fault_code;
    uint64_t rlimit_as, rlimit_data; /* virtual limits (never applied to scion) */
    uint32_t personality;
    uint8_t unknown_seen[64]; /* bit per unknown syscall number (mod 512) already reported */
    bool warned_threads;      /* "threads are not supported" already said */
    bool exited;
    int exit_status;
} UserProcess;

#endif
