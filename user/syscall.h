/*
 * Linux ARM EABI system calls for user mode.
 *
 * user/syscall_list.h is the one list of implemented syscalls:
 * X(number, name, handler, strace format).  A handler is
 *   int32_t sys_NAME(UserProcess *p, const uint32_t a[6])
 * returning the result or a negative errno, exactly as the guest sees it.
 * Unknown numbers are reported under -d unimp (and always once on stderr)
 * and return -ENOSYS.
 */
#ifndef SCION_SYSCALL_H
#define SCION_SYSCALL_H

#include <stdint.h>

#include "user/process.h"

typedef int32_t (*SyscallFn)(UserProcess *p, const uint32_t a[6]);

/* Run the syscall the guest requested (r7 = number, r0-r5 = arguments). */
void syscall_dispatch(UserProcess *p);
const char *syscall_name(uint32_t nr);

/*
 * Handlers of blocking syscalls return these (negated) when a guest signal
 * handler interrupted them; the guest sees -EINTR or a restarted syscall:
 *   SCION_ERESTARTSYS     restart if the handler has SA_RESTART
 *   SCION_ERESTARTNOHAND  restart only if no handler ran
 */
enum { SCION_ERESTARTSYS = 512, SCION_ERESTARTNOHAND = 514 };

/* Once before running: settle paths the process needs later (the guest
 * program's absolute path for /proc/self/exe). */
void user_process_start(UserProcess *p);
/* Remember scion's own options (argv[1..prog_index-1]) for execve, which
 * starts a new scion for the new program.  Without this, execve passes on
 * the sysroot, the log items and the -jit mode. */
void user_process_set_exec_args(UserProcess *p, int argc, char **argv, int prog_index);

/* Translate a host errno result (-1 and errno) to the guest's -errno. */
int32_t host_result(long r);

#endif
