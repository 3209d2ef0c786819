/* Clocks, sleeps and timers (32-bit and 64-bit time variants). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "user/sys_util.h"

static int32_t clock_gettime_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct timespec ts;
    if (clock_gettime((clockid_t)a[0], &ts) != 0)
        return -errno;
    if (!time64 && (ts.tv_sec > INT32_MAX || ts.tv_sec < INT32_MIN))
        return -EOVERFLOW;
    return put_timespec(p, a[1], time64, &ts);
}

int32_t sys_clock_gettime(UserProcess *p, const uint32_t a[6]) { return clock_gettime_common(p, a, false); }
int32_t sys_clock_gettime64(UserProcess *p, const uint32_t a[6]) { return clock_gettime_common(p, a, true); }

static int32_t clock_getres_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct timespec ts;
    if (clock_getres((clockid_t)a[0], &ts) != 0)
        return -errno;
    return a[1] ? put_timespec(p, a[1], time64, &ts) : 0;
}

int32_t sys_clock_getres(UserProcess *p, const uint32_t a[6]) { return clock_getres_common(p, a, false); }
int32_t sys_clock_getres_time64(UserProcess *p, const uint32_t a[6]) { return clock_getres_common(p, a, true); }

static int32_t clock_settime_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct timespec ts;
    if (get_timespec(p, a[1], time64, &ts))
        return -EFAULT;
    return host_result(clock_settime((clockid_t)a[0], &ts));
}

int32_t sys_clock_settime(UserProcess *p, const uint32_t a[6]) { return clock_settime_common(p, a, false); }
int32_t sys_clock_settime64(UserProcess *p, const uint32_t a[6]) { return clock_settime_common(p, a, true); }

int32_t sys_gettimeofday(UserProcess *p, const uint32_t a[6])
{
    struct timeval tv;
    struct timezone tz;
    if (syscall(SYS_gettimeofday, &tv, &tz) != 0)
        return -errno;
    if (a[0] && put_timeval(p, a[0], &tv))
        return -EFAULT;
    if (a[1] && copy_to_guest(p, a[1], &tz, sizeof tz)) /* two ints on both */
        return -EFAULT;
    return 0;
}

int32_t sys_settimeofday(UserProcess *p, const uint32_t a[6])
{
    struct timeval tv;
    struct timezone tz;
    if ((a[0] && get_timeval(p, a[0], &tv)) || (a[1] && copy_from_guest(p, &tz, a[1], sizeof tz)))
        return -EFAULT;
    return host_result(syscall(SYS_settimeofday, a[0] ? &tv : NULL, a[1] ? &tz : NULL));
}

/* An interrupted sleep reports the time left and fails with EINTR. */
static int32_t sleep_common(UserProcess *p, clockid_t clk, int flags, uint32_t req, uint32_t rem, bool time64)
{
    struct timespec ts, left = {0, 0};
    if (get_timespec(p, req, time64, &ts))
        return -EFAULT;
    int r = clock_nanosleep(clk, flags, &ts, &left);
    if (r == EINTR && rem && !(flags & TIMER_ABSTIME) && put_timespec(p, rem, time64, &left))
        return -EFAULT;
    if (r == EINTR)
        return -SCION_ERESTARTNOHAND;
    return -r;
}

int32_t sys_nanosleep(UserProcess *p, const uint32_t a[6])
{
    return sleep_common(p, CLOCK_MONOTONIC, 0, a[0], a[1], false);
}

int32_t sys_clock_nanosleep(UserProcess *p, const uint32_t a[6])
{
    return sleep_common(p, (clockid_t)a[0], (int)a[1], a[2], a[3], false);
}

int32_t sys_clock_nanosleep_time64(UserProcess *p, const uint32_t a[6])
{
    return sleep_common(p, (clockid_t)a[0], (int)a[1], a[2], a[3], true);
}

/* struct itimerval: two 32-bit timevals (interval, value). */
static int32_t put_itimerval(UserProcess *p, uint32_t addr, const struct itimerval *it)
{
    if (put_timeval(p, addr, &it->it_interval) || put_timeval(p, addr + 8, &it->it_value))
        return -EFAULT;
    return 0;
}

int32_t sys_setitimer(UserProcess *p, const uint32_t a[6])
{
    struct itimerval nv, old;
    memset(&nv, 0, sizeof nv);
    if (a[1] && (get_timeval(p, a[1], &nv.it_interval) || get_timeval(p, a[1] + 8, &nv.it_value)))
        return -EFAULT;
    if (setitimer((int)a[0], &nv, &old) != 0)
        return -errno;
    return a[2] ? put_itimerval(p, a[2], &old) : 0;
}

int32_t sys_getitimer(UserProcess *p, const uint32_t a[6])
{
    struct itimerval it;
    if (getitimer((int)a[0], &it) != 0)
        return -errno;
    return put_itimerval(p, a[1], &it);
}

/* --- POSIX timers ---------------------------------------------------------- */

/* struct sigevent: sigval (4), signo, notify, then the thread id. */
int32_t sys_timer_create(UserProcess *p, const uint32_t a[6])
{
    struct sigevent sev, *sevp = NULL;
    if (a[1]) {
        uint32_t g[4];
        if (copy_from_guest(p, g, a[1], sizeof g))
            return -EFAULT;
        memset(&sev, 0, sizeof sev);
        sev.sigev_value.sival_int = (int)g[0];
        sev.sigev_signo = (int)g[1];
        sev.sigev_notify = (int)g[2];
        if (sev.sigev_notify == SIGEV_THREAD_ID)
            sev._sigev_un._tid = getpid(); /* the one guest thread */
        sevp = &sev;
    }
    int id;
    if (syscall(SYS_timer_create, (clockid_t)a[0], sevp, &id) != 0)
        return -errno;
    return put_u32(p, a[2], (uint32_t)id);
}

static int32_t get_itimerspec(UserProcess *p, uint32_t addr, bool time64, struct itimerspec *it)
{
    uint32_t step = time64 ? 16 : 8;
    if (get_timespec(p, addr, time64, &it->it_interval) || get_timespec(p, addr + step, time64, &it->it_value))
        return -EFAULT;
    return 0;
}

static int32_t put_itimerspec(UserProcess *p, uint32_t addr, bool time64, const struct itimerspec *it)
{
    uint32_t step = time64 ? 16 : 8;
    if (put_timespec(p, addr, time64, &it->it_interval) || put_timespec(p, addr + step, time64, &it->it_value))
        return -EFAULT;
    return 0;
}

static int32_t timer_settime_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct itimerspec nv, old;
    if (get_itimerspec(p, a[2], time64, &nv))
        return -EFAULT;
    if (syscall(SYS_timer_settime, (int)a[0], (int)a[1], &nv, &old) != 0)
        return -errno;
    return a[3] ? put_itimerspec(p, a[3], time64, &old) : 0;
}

int32_t sys_timer_settime(UserProcess *p, const uint32_t a[6]) { return timer_settime_common(p, a, false); }
int32_t sys_timer_settime64(UserProcess *p, const uint32_t a[6]) { return timer_settime_common(p, a, true); }

static int32_t timer_gettime_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct itimerspec it;
    if (syscall(SYS_timer_gettime, (int)a[0], &it) != 0)
        return -errno;
    return put_itimerspec(p, a[1], time64, &it);
}

int32_t sys_timer_gettime(UserProcess *p, const uint32_t a[6]) { return timer_gettime_common(p, a, false); }
int32_t sys_timer_gettime64(UserProcess *p, const uint32_t a[6]) { return timer_gettime_common(p, a, true); }

int32_t sys_timer_getoverrun(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_timer_getoverrun, (int)a[0]));
}

int32_t sys_timer_delete(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_timer_delete, (int)a[0]));
}

/* timerfd: the same itimerspec layouts. */
int32_t sys_timerfd_create(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_timerfd_create, (int)a[0], (int)a[1]));
}

static int32_t timerfd_settime_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct itimerspec nv, old;
    if (get_itimerspec(p, a[2], time64, &nv))
        return -EFAULT;
    if (syscall(SYS_timerfd_settime, (int)a[0], (int)a[1], &nv, &old) != 0)
        return -errno;
    return a[3] ? put_itimerspec(p, a[3], time64, &old) : 0;
}

int32_t sys_timerfd_settime(UserProcess *p, const uint32_t a[6]) { return timerfd_settime_common(p, a, false); }
int32_t sys_timerfd_settime64(UserProcess *p, const uint32_t a[6]) { return timerfd_settime_common(p, a, true); }

static int32_t timerfd_gettime_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct itimerspec it;
    if (syscall(SYS_timerfd_gettime, (int)a[0], &it) != 0)
        return -errno;
    return put_itimerspec(p, a[1], time64, &it);
}

int32_t sys_timerfd_gettime(UserProcess *p, const uint32_t a[6]) { return timerfd_gettime_common(p, a, false); }
int32_t sys_timerfd_gettime64(UserProcess *p, const uint32_t a[6]) { return timerfd_gettime_common(p, a, true); }
