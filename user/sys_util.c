/* Helpers shared by the syscall files (see sys_util.h). */
#include "user/sys_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

const void *guest_rbuf(UserProcess *p, uint32_t addr, uint32_t len)
{
    if (len == 0)
        return p->mem.base + addr;
    return guest_ptr(&p->mem, addr, len, GPAGE_R);
}

void *guest_wbuf(UserProcess *p, uint32_t addr, uint32_t len)
{
    if (len == 0)
        return p->mem.base + addr;
    if (!guest_access_ok(&p->mem, addr, len, GPAGE_W))
        return NULL;
    uint32_t first = addr / GUEST_PAGE, last = (uint32_t)(((uint64_t)addr + len - 1) / GUEST_PAGE);
    for (uint32_t pg = first; pg <= last; pg++) {
        if (p->mem.flags[pg] & GPAGE_CODE) {
            machine_invalidate_code(p->machine, pg * GUEST_PAGE, GUEST_PAGE);
            guest_unmark_code(&p->mem, pg);
        }
    }
    return p->mem.base + addr;
}

int32_t copy_to_guest(UserProcess *p, uint32_t addr, const void *src, uint32_t len)
{
    void *d = guest_wbuf(p, addr, len);
    if (!d)
        return -EFAULT;
    memcpy(d, src, len);
    return 0;
}

int32_t copy_from_guest(UserProcess *p, void *dst, uint32_t addr, uint32_t len)
{
    const void *s = guest_rbuf(p, addr, len);
    if (!s)
        return -EFAULT;
    memcpy(dst, s, len);
    return 0;
}

int32_t put_u32(UserProcess *p, uint32_t addr, uint32_t v)
{
    return copy_to_guest(p, addr, &v, 4);
}

int32_t get_u32(UserProcess *p, uint32_t addr, uint32_t *v)
{
    return copy_from_guest(p, v, addr, 4);
}

int32_t put_u64(UserProcess *p, uint32_t addr, uint64_t v)
{
    return copy_to_guest(p, addr, &v, 8);
}

int32_t get_u64(UserProcess *p, uint32_t addr, uint64_t *v)
{
    return copy_from_guest(p, v, addr, 8);
}

bool is_proc_self_exe(const char *path)
{
    if (strncmp(path, "/proc/", 6)) /* most paths: no getpid, no snprintf */
        return false;
    if (!strcmp(path, "/proc/self/exe"))
        return true;
    char own[64];
    snprintf(own, sizeof own, "/proc/%d/exe", (int)getpid());
    return !strcmp(path, own);
}

const char *guest_exe_realpath(UserProcess *p, char *buf, size_t len)
{
    char tmp[PATH_MAX];
    const char *exe = p->exe_path ? p->exe_path : "";
    if (!realpath(exe, tmp))
        snprintf(tmp, sizeof tmp, "%s", exe);
    snprintf(buf, len, "%s", tmp);
    return buf;
}

/* The sysroot copy of an absolute path wins unless both are directories. */
static bool use_sysroot_copy(const char *sys, const char *host)
{
    struct stat s, h;
    if (lstat(sys, &s) != 0)
        return false;
    if (!S_ISDIR(s.st_mode))
        return true;
    return stat(host, &h) != 0;
}

const char *host_path(UserProcess *p, const char *path, char *buf, size_t len)
{
    if (is_proc_self_exe(path))
        return guest_exe_realpath(p, buf, len);
    if (path[0] != '/' || !p->sysroot || !p->sysroot[0])
        return path;
    int n = snprintf(buf, len, "%s%s", p->sysroot, path);
    if (n < 0 || (size_t)n >= len || !use_sysroot_copy(buf, path))
        return path;
    return buf;
}

const char *guest_path(UserProcess *p, uint32_t addr, char *buf, size_t len)
{
    const char *s = guest_str(&p->mem, addr, PATH_MAX);
    return s ? host_path(p, s, buf, len) : NULL;
}

/* Open flags whose values differ between ARM and x86-64 Linux. */
static const struct {
    int host;
    uint32_t guest;
} open_flag_map[] = {
    {0200000, 040000},  /* O_DIRECTORY */
    {0400000, 0100000}, /* O_NOFOLLOW */
    {040000, 0200000},  /* O_DIRECT */
    {0100000, 0400000}, /* O_LARGEFILE */
};

int open_flags_to_host(uint32_t guest)
{
    int host = (int)(guest & ~(uint32_t)(040000 | 0100000 | 0200000 | 0400000));
    for (size_t i = 0; i < sizeof open_flag_map / sizeof open_flag_map[0]; i++)
        if (guest & open_flag_map[i].guest)
            host |= open_flag_map[i].host;
    return host & ~0100000; /* O_LARGEFILE is implied on the host */
}

uint32_t open_flags_to_guest(int host)
{
    uint32_t guest = (uint32_t)host & ~(uint32_t)(040000 | 0100000 | 0200000 | 0400000);
    for (size_t i = 0; i < sizeof open_flag_map / sizeof open_flag_map[0]; i++)
        if (host & open_flag_map[i].host)
            guest |= open_flag_map[i].guest;
    return guest;
}

int32_t get_timespec(UserProcess *p, uint32_t addr, bool time64, struct timespec *ts)
{
    if (time64) {
        int64_t v[2];
        if (copy_from_guest(p, v, addr, sizeof v))
            return -EFAULT;
        ts->tv_sec = v[0];
        ts->tv_nsec = (int32_t)(uint32_t)v[1]; /* the kernel ignores the upper half */
    } else {
        int32_t v[2];
        if (copy_from_guest(p, v, addr, sizeof v))
            return -EFAULT;
        ts->tv_sec = v[0];
        ts->tv_nsec = v[1];
    }
    return 0;
}

int32_t put_timespec(UserProcess *p, uint32_t addr, bool time64, const struct timespec *ts)
{
    if (time64) {
        int64_t v[2] = {ts->tv_sec, ts->tv_nsec};
        return copy_to_guest(p, addr, v, sizeof v);
    }
    int32_t v[2] = {(int32_t)ts->tv_sec, (int32_t)ts->tv_nsec};
    return copy_to_guest(p, addr, v, sizeof v);
}

int32_t get_timeval(UserProcess *p, uint32_t addr, struct timeval *tv)
{
    int32_t v[2];
    if (copy_from_guest(p, v, addr, sizeof v))
        return -EFAULT;
    tv->tv_sec = v[0];
    tv->tv_usec = v[1];
    return 0;
}

int32_t put_timeval(UserProcess *p, uint32_t addr, const struct timeval *tv)
{
    int32_t v[2] = {(int32_t)tv->tv_sec, (int32_t)tv->tv_usec};
    return copy_to_guest(p, addr, v, sizeof v);
}

int32_t host_result_restart(long r, int32_t restart_code)
{
    if (r < 0 && errno == EINTR)
        return -restart_code;
    return host_result(r);
}

void sys_unimp(UserProcess *p, const char *fmt, ...)
{
    Log *log = &p->machine->log;
    if (!log_on(log, LOG_UNIMP))
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_printf(log, "scion: unimplemented: %s\n", msg);
}
