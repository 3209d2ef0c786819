/*
 * Linux ARM EABI system calls for user mode.
 *
 * user/syscall_list.h is the one list of implemented syscalls:
 * X(number, name, handler).  A handler is
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

/* Translate a host errno result (-1 and errno) to the guest's -errno. */
int32_t host_result(long r);

#endif
