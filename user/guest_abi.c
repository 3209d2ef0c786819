/* Conversions between host and ARM EABI structure layouts. */
#include "user/guest_abi.h"

#include <errno.h>
#include <string.h>

#include "user/sys_util.h"

int32_t stat_to_guest(UserProcess *p, const struct stat *st, uint32_t addr)
{
    GuestStat64 s;
    memset(&s, 0, sizeof s);
    s.st_dev = st->st_dev;
    s.st_ino_low = (uint32_t)st->st_ino;
    s.st_mode = st->st_mode;
    s.st_nlink = (uint32_t)st->st_nlink;
    s.st_uid = st->st_uid;
    s.st_gid = st->st_gid;
    s.st_rdev = st->st_rdev;
    s.st_size = st->st_size;
    s.st_blksize = (uint32_t)st->st_blksize;
    s.st_blocks = (uint64_t)st->st_blocks;
    s.st_atime_sec = (uint32_t)st->st_atim.tv_sec;
    s.st_atime_nsec = (uint32_t)st->st_atim.tv_nsec;
    s.st_mtime_sec = (uint32_t)st->st_mtim.tv_sec;
    s.st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
    s.st_ctime_sec = (uint32_t)st->st_ctim.tv_sec;
    s.st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
    s.st_ino = st->st_ino;
    return copy_to_guest(p, addr, &s, sizeof s);
}

int32_t statfs_to_guest(UserProcess *p, const struct statfs *st, uint32_t addr)
{
    GuestStatfs64 s;
    memset(&s, 0, sizeof s);
    s.f_type = (uint32_t)st->f_type;
    s.f_bsize = (uint32_t)st->f_bsize;
    s.f_blocks = st->f_blocks;
    s.f_bfree = st->f_bfree;
    s.f_bavail = st->f_bavail;
    s.f_files = st->f_files;
    s.f_ffree = st->f_ffree;
    memcpy(s.f_fsid, &st->f_fsid, sizeof s.f_fsid);
    s.f_namelen = (uint32_t)st->f_namelen;
    s.f_frsize = (uint32_t)st->f_frsize;
    s.f_flags = (uint32_t)st->f_flags;
    return copy_to_guest(p, addr, &s, sizeof s);
}

int32_t rusage_to_guest(UserProcess *p, const struct rusage *ru, uint32_t addr)
{
    int32_t g[18];
    g[0] = (int32_t)ru->ru_utime.tv_sec;
    g[1] = (int32_t)ru->ru_utime.tv_usec;
    g[2] = (int32_t)ru->ru_stime.tv_sec;
    g[3] = (int32_t)ru->ru_stime.tv_usec;
    const long rest[14] = {ru->ru_maxrss, ru->ru_ixrss,  ru->ru_idrss,  ru->ru_isrss,    ru->ru_minflt,
                           ru->ru_majflt, ru->ru_nswap,  ru->ru_inblock, ru->ru_oublock, ru->ru_msgsnd,
                           ru->ru_msgrcv, ru->ru_nsignals, ru->ru_nvcsw, ru->ru_nivcsw};
    for (int i = 0; i < 14; i++)
        g[4 + i] = (int32_t)rest[i];
    return copy_to_guest(p, addr, g, sizeof g);
}

enum { LAYOUT_KILL, LAYOUT_TIMER, LAYOUT_RT, LAYOUT_CHLD, LAYOUT_FAULT, LAYOUT_POLL, LAYOUT_SYS };

/* Which union member a siginfo carries, decided as the kernel does. */
static int siginfo_layout(int signo, int code)
{
    if (code > 0 && code < 0x80) {
        switch (signo) {
        case SIGILL: case SIGFPE: case SIGSEGV: case SIGBUS: case SIGTRAP: return LAYOUT_FAULT;
        case SIGCHLD: return LAYOUT_CHLD;
        case SIGIO: return LAYOUT_POLL;
        case SIGSYS: return LAYOUT_SYS;
        default: return LAYOUT_KILL;
        }
    }
    if (code == SI_TIMER)
        return LAYOUT_TIMER;
    if (code == SI_SIGIO)
        return LAYOUT_POLL;
    return code < 0 ? LAYOUT_RT : LAYOUT_KILL;
}

void siginfo_to_guest(const siginfo_t *h, GuestSiginfo *g)
{
    memset(g, 0, sizeof *g);
    g->si_signo = h->si_signo;
    g->si_errno = h->si_errno;
    g->si_code = h->si_code;
    switch (siginfo_layout(h->si_signo, h->si_code)) {
    case LAYOUT_KILL:
        g->f[0] = (uint32_t)h->si_pid;
        g->f[1] = h->si_uid;
        break;
    case LAYOUT_TIMER:
        g->f[0] = (uint32_t)h->si_timerid;
        g->f[1] = (uint32_t)h->si_overrun;
        g->f[2] = (uint32_t)h->si_value.sival_int;
        break;
    case LAYOUT_RT:
        g->f[0] = (uint32_t)h->si_pid;
        g->f[1] = h->si_uid;
        g->f[2] = (uint32_t)h->si_value.sival_int;
        break;
    case LAYOUT_CHLD:
        g->f[0] = (uint32_t)h->si_pid;
        g->f[1] = h->si_uid;
        g->f[2] = (uint32_t)h->si_status;
        g->f[3] = (uint32_t)h->si_utime;
        g->f[4] = (uint32_t)h->si_stime;
        break;
    case LAYOUT_FAULT:
        g->f[0] = (uint32_t)(uintptr_t)h->si_addr;
        break;
    case LAYOUT_POLL:
        g->f[0] = (uint32_t)h->si_band;
        g->f[1] = (uint32_t)h->si_fd;
        break;
    case LAYOUT_SYS:
        g->f[0] = (uint32_t)(uintptr_t)h->si_call_addr;
        g->f[1] = (uint32_t)h->si_syscall;
        g->f[2] = h->si_arch;
        break;
    }
}

void siginfo_from_guest(const GuestSiginfo *g, siginfo_t *h)
{
    memset(h, 0, sizeof *h);
    h->si_signo = g->si_signo;
    h->si_errno = g->si_errno;
    h->si_code = g->si_code;
    switch (siginfo_layout(g->si_signo, g->si_code)) {
    case LAYOUT_TIMER:
        h->si_timerid = (int)g->f[0];
        h->si_overrun = (int)g->f[1];
        h->si_value.sival_int = (int)g->f[2];
        break;
    case LAYOUT_CHLD:
        h->si_pid = (pid_t)g->f[0];
        h->si_uid = g->f[1];
        h->si_status = (int)g->f[2];
        break;
    case LAYOUT_FAULT:
        h->si_addr = (void *)(uintptr_t)g->f[0];
        break;
    case LAYOUT_POLL:
        h->si_band = (int32_t)g->f[0];
        h->si_fd = (int)g->f[1];
        break;
    default:
        h->si_pid = (pid_t)g->f[0];
        h->si_uid = g->f[1];
        h->si_value.sival_int = (int)g->f[2];
        break;
    }
}
