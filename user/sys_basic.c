/* Process identity and the smallest set of file syscalls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "user/guest_abi.h"
#include "user/syscall.h"

int32_t sys_exit(UserProcess *p, const uint32_t a[6])
{
    p->exited = true;
    p->exit_status = (int)(a[0] & 0xff);
    return 0;
}

int32_t sys_exit_group(UserProcess *p, const uint32_t a[6])
{
    return sys_exit(p, a);
}

int32_t sys_getpid(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    return getpid();
}

int32_t sys_gettid(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    return getpid();
}

int32_t sys_set_tid_address(UserProcess *p, const uint32_t a[6])
{
    p->clear_child_tid = a[0];
    return getpid();
}

int32_t sys_set_robust_list(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    return 0;
}

int32_t sys_uname(UserProcess *p, const uint32_t a[6])
{
    struct utsname *u = guest_ptr(&p->mem, a[0], sizeof *u, GPAGE_W);
    if (!u)
        return -EFAULT;
    if (uname(u) != 0)
        return -errno;
    snprintf(u->machine, sizeof u->machine, "armv7l");
    return 0;
}

int32_t sys_arm_set_tls(UserProcess *p, const uint32_t a[6])
{
    p->machine->cpu.tpidruro = a[0];
    return 0;
}

int32_t sys_arm_cacheflush(UserProcess *p, const uint32_t a[6])
{
    if (a[1] < a[0])
        return -EINVAL;
    block_cache_invalidate_range(p->machine->cache, a[0], (uint64_t)a[1] - a[0]);
    return 0;
}

int32_t sys_read(UserProcess *p, const uint32_t a[6])
{
    void *buf = guest_ptr(&p->mem, a[1], a[2], GPAGE_W);
    if (!buf)
        return -EFAULT;
    return host_result(read((int)a[0], buf, a[2]));
}

int32_t sys_write(UserProcess *p, const uint32_t a[6])
{
    const void *buf = guest_ptr(&p->mem, a[1], a[2], GPAGE_R);
    if (!buf)
        return -EFAULT;
    return host_result(write((int)a[0], buf, a[2]));
}

int32_t sys_close(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(close((int)a[0]));
}

int32_t sys_openat(UserProcess *p, const uint32_t a[6])
{
    const char *path = guest_str(&p->mem, a[1], 4096);
    if (!path)
        return -EFAULT;
    return host_result(openat((int)a[0], path, (int)a[2], (mode_t)a[3]));
}

int32_t sys_writev(UserProcess *p, const uint32_t a[6])
{
    uint32_t n = a[2];
    if (n > 1024)
        return -EINVAL;
    const uint32_t *giov = guest_ptr(&p->mem, a[1], n * 8, GPAGE_R);
    if (!giov && n)
        return -EFAULT;
    struct iovec iov[1024];
    for (uint32_t i = 0; i < n; i++) {
        iov[i].iov_base = guest_ptr(&p->mem, giov[2 * i], giov[2 * i + 1], GPAGE_R);
        iov[i].iov_len = giov[2 * i + 1];
        if (!iov[i].iov_base && iov[i].iov_len)
            return -EFAULT;
    }
    return host_result(writev((int)a[0], iov, (int)n));
}

int32_t sys_fstat64(UserProcess *p, const uint32_t a[6])
{
    struct stat st;
    if (fstat((int)a[0], &st) != 0)
        return -errno;
    return stat_to_guest(p, &st, a[1]);
}

int32_t sys_ioctl(UserProcess *p, const uint32_t a[6])
{
    enum { GUEST_TCGETS = 0x5401, GUEST_TIOCGWINSZ = 0x5413 };
    switch (a[1]) {
    case GUEST_TCGETS: {
        /* struct termios is laid out the same on ARM EABI and x86-64 Linux. */
        void *t = guest_ptr(&p->mem, a[2], 60, GPAGE_W);
        return t ? host_result(ioctl((int)a[0], TCGETS, t)) : -EFAULT;
    }
    case GUEST_TIOCGWINSZ: {
        void *w = guest_ptr(&p->mem, a[2], 8, GPAGE_W);
        return w ? host_result(ioctl((int)a[0], TIOCGWINSZ, w)) : -EFAULT;
    }
    default:
        log_printf(&p->machine->log, "scion: unimplemented ioctl 0x%x on fd %d\n", a[1], (int)a[0]);
        return -ENOTTY;
    }
}
