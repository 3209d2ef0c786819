/*
 * Helpers shared by the syscall files: guest buffers the host kernel may
 * read or write, 64-bit arguments in register pairs, paths in the sysroot,
 * and the small conversions most syscalls need.
 */
#ifndef SCION_SYS_UTIL_H
#define SCION_SYS_UTIL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "user/process.h"
#include "user/syscall.h"

/* A 64-bit argument passed in two registers, low word first. */
static inline uint64_t arg64(uint32_t lo, uint32_t hi)
{
    return (uint64_t)lo | (uint64_t)hi << 32;
}

static inline ArmCpu *sys_cpu(UserProcess *p)
{
    return &p->machine->cpu;
}

/* Guest memory the host kernel (or scion) will read: NULL if the range is
 * not readable by the guest.  len 0 gives a non-NULL pointer. */
const void *guest_rbuf(UserProcess *p, uint32_t addr, uint32_t len);
/* Guest memory the host kernel will write: NULL if not writable.  Pages
 * holding translated code are unprotected first (their blocks dropped),
 * so the kernel does not fail with EFAULT on them. */
void *guest_wbuf(UserProcess *p, uint32_t addr, uint32_t len);

/* Copy to/from guest memory; 0 or -EFAULT. */
int32_t copy_to_guest(UserProcess *p, uint32_t addr, const void *src, uint32_t len);
int32_t copy_from_guest(UserProcess *p, void *dst, uint32_t addr, uint32_t len);
int32_t put_u32(UserProcess *p, uint32_t addr, uint32_t v);
int32_t get_u32(UserProcess *p, uint32_t addr, uint32_t *v);
int32_t put_u64(UserProcess *p, uint32_t addr, uint64_t v);
int32_t get_u64(UserProcess *p, uint32_t addr, uint64_t *v);

/* Host path for a guest path that is only looked up (opened for reading,
 * stat'ed, executed): an absolute path that exists in the sysroot (-L)
 * resolves there unless it is a directory that also exists on the host;
 * /proc/self/exe names the guest program.  Writes into buf. */
const char *host_path(UserProcess *p, const char *path, char *buf, size_t len);
/* The guest string at addr resolved with host_path, or NULL (-EFAULT). */
const char *guest_path(UserProcess *p, uint32_t addr, char *buf, size_t len);
/* True if path names the guest's own executable (/proc/self/exe). */
bool is_proc_self_exe(const char *path);
/* Absolute host path of the running guest program. */
const char *guest_exe_realpath(UserProcess *p, char *buf, size_t len);

/* open(2) flags: ARM values <-> host values. */
int open_flags_to_host(uint32_t guest);
uint32_t open_flags_to_guest(int host);

/* struct timespec (32-bit or 64-bit time) and struct timeval (32-bit). */
int32_t get_timespec(UserProcess *p, uint32_t addr, bool time64, struct timespec *ts);
int32_t put_timespec(UserProcess *p, uint32_t addr, bool time64, const struct timespec *ts);
int32_t get_timeval(UserProcess *p, uint32_t addr, struct timeval *tv);
int32_t put_timeval(UserProcess *p, uint32_t addr, const struct timeval *tv);

/* Result of a host call that blocks and may be interrupted by a guest
 * signal handler: -1/EINTR becomes the given restart code. */
int32_t host_result_restart(long r, int32_t restart_code);

/* Unimplemented argument or feature: logged under -d unimp. */
void sys_unimp(UserProcess *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
