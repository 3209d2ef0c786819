/* Waiting for file descriptors: select, poll, epoll (with signal masks). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "user/guest_abi.h"
#include "user/signal.h"
#include "user/sys_util.h"

/*
 * pselect/ppoll/epoll_pwait replace the signal mask while they wait.  The
 * guest mask changes for the call (and stays until a signal interrupting
 * it has been delivered, as for sigsuspend); the host waits with the same
 * mask.  Returns 0, -errno, or -SCION_ERESTARTNOHAND if a signal is
 * already waiting; *hs is the host mask to wait with, or NULL.
 */
static int32_t mask_begin(UserProcess *p, uint32_t addr, uint32_t size, sigset_t *set, sigset_t **hs)
{
    *hs = NULL;
    if (!addr)
        return 0;
    uint64_t m;
    if (size != 8)
        return -EINVAL;
    if (get_u64(p, addr, &m))
        return -EFAULT;
    m &= ~GUEST_UNBLOCKABLE;
    signal_block_host();
    p->saved_sigmask = p->sigmask;
    p->restore_sigmask = true;
    p->sigmask = m;
    signal_host_set(m & ~(GUEST_SIGBIT(SIGSEGV) | GUEST_SIGBIT(SIGBUS)), set);
    *hs = set;
    return (p->pending & ~m) ? -SCION_ERESTARTNOHAND : 0;
}

/* Unless a signal interrupted the call, the old mask comes back now. */
static int32_t mask_end(UserProcess *p, int32_t r)
{
    if (p->restore_sigmask && r != -SCION_ERESTARTNOHAND) {
        p->restore_sigmask = false;
        p->sigmask = p->saved_sigmask;
        signal_sync_host_mask(p);
    }
    return r;
}

/* --- select ------------------------------------------------------------------ */

typedef struct FdSets {
    uint32_t addr[3];
    uint8_t *host[3];
    uint32_t gbytes, hbytes;
} FdSets;

/* fd_set is a bit array in both ABIs; only the word size differs. */
static int32_t fdsets_in(UserProcess *p, FdSets *s, uint32_t nfds, const uint32_t addr[3])
{
    s->gbytes = (nfds + 31) / 32 * 4;
    s->hbytes = (nfds + 63) / 64 * 8;
    for (int i = 0; i < 3; i++) {
        s->addr[i] = addr[i];
        s->host[i] = NULL;
        if (!addr[i])
            continue;
        s->host[i] = calloc(1, s->hbytes ? s->hbytes : 8);
        if (!s->host[i])
            return -ENOMEM;
        if (copy_from_guest(p, s->host[i], addr[i], s->gbytes))
            return -EFAULT;
    }
    return 0;
}

static int32_t fdsets_out(UserProcess *p, FdSets *s, int32_t r)
{
    for (int i = 0; i < 3; i++) {
        if (s->host[i] && r >= 0 && copy_to_guest(p, s->addr[i], s->host[i], s->gbytes))
            r = -EFAULT;
        free(s->host[i]);
    }
    return r;
}

static int32_t select_common(UserProcess *p, const uint32_t a[6], struct timespec *ts, sigset_t *hs)
{
    if ((int32_t)a[0] < 0)
        return -EINVAL;
    uint32_t nfds = a[0] > 65536 ? 65536 : a[0];
    FdSets s;
    int32_t r = fdsets_in(p, &s, nfds, &a[1]);
    if (r == 0) {
        struct {
            const sigset_t *set;
            size_t size;
        } data = {hs, 8};
        r = host_result_restart(
            syscall(SYS_pselect6, nfds, s.host[0], s.host[1], s.host[2], ts, hs ? &data : NULL),
            SCION_ERESTARTNOHAND);
    }
    return fdsets_out(p, &s, r);
}

int32_t sys_newselect(UserProcess *p, const uint32_t a[6])
{
    struct timeval tv;
    struct timespec ts;
    if (a[4]) {
        if (get_timeval(p, a[4], &tv))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        ts.tv_sec = tv.tv_sec;
        ts.tv_nsec = tv.tv_usec * 1000;
    }
    int32_t r = select_common(p, a, a[4] ? &ts : NULL, NULL);
    if (a[4] && r != -EFAULT) {
        tv.tv_sec = ts.tv_sec;
        tv.tv_usec = ts.tv_nsec / 1000;
        put_timeval(p, a[4], &tv);
    }
    return r;
}

/* pselect6(nfds, r, w, e, timespec, {sigset pointer, size}) */
static int32_t pselect_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct timespec ts;
    if (a[4] && get_timespec(p, a[4], time64, &ts))
        return -EFAULT;
    uint32_t data[2] = {0, 0};
    if (a[5] && copy_from_guest(p, data, a[5], sizeof data))
        return -EFAULT;
    sigset_t set, *hs;
    int32_t r = mask_begin(p, data[0], data[1], &set, &hs);
    if (r == 0)
        r = select_common(p, a, a[4] ? &ts : NULL, hs);
    if (a[4] && r != -EFAULT)
        put_timespec(p, a[4], time64, &ts);
    return mask_end(p, r);
}

int32_t sys_pselect6(UserProcess *p, const uint32_t a[6]) { return pselect_common(p, a, false); }
int32_t sys_pselect6_time64(UserProcess *p, const uint32_t a[6]) { return pselect_common(p, a, true); }

/* --- poll (struct pollfd is the same everywhere) ----------------------------- */

static int32_t poll_common(UserProcess *p, uint32_t fds, uint32_t nfds, struct timespec *ts, sigset_t *hs)
{
    if (nfds > 1u << 20)
        return -EINVAL;
    struct pollfd *pfd = guest_wbuf(p, fds, nfds * 8);
    if (!pfd)
        return -EFAULT;
    return host_result_restart(syscall(SYS_ppoll, pfd, nfds, ts, hs, 8), SCION_ERESTARTNOHAND);
}

int32_t sys_poll(UserProcess *p, const uint32_t a[6])
{
    int32_t ms = (int32_t)a[2];
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    return poll_common(p, a[0], a[1], ms >= 0 ? &ts : NULL, NULL);
}

/* ppoll(fds, nfds, timespec, sigmask, sigsetsize) */
static int32_t ppoll_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    struct timespec ts;
    if (a[2] && get_timespec(p, a[2], time64, &ts))
        return -EFAULT;
    sigset_t set, *hs;
    int32_t r = mask_begin(p, a[3], a[4], &set, &hs);
    if (r == 0)
        r = poll_common(p, a[0], a[1], a[2] ? &ts : NULL, hs);
    if (a[2] && r != -EFAULT)
        put_timespec(p, a[2], time64, &ts);
    return mask_end(p, r);
}

int32_t sys_ppoll(UserProcess *p, const uint32_t a[6]) { return ppoll_common(p, a, false); }
int32_t sys_ppoll_time64(UserProcess *p, const uint32_t a[6]) { return ppoll_common(p, a, true); }

/* --- epoll (struct epoll_event is packed on x86-64 only) --------------------- */

int32_t sys_epoll_create(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return (int32_t)a[0] <= 0 ? -EINVAL : host_result(epoll_create1(0));
}

int32_t sys_epoll_create1(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(epoll_create1(open_flags_to_host(a[0])));
}

int32_t sys_epoll_ctl(UserProcess *p, const uint32_t a[6])
{
    struct epoll_event ev, *evp = NULL;
    if (a[1] != EPOLL_CTL_DEL || a[3]) {
        GuestEpollEvent g;
        if (copy_from_guest(p, &g, a[3], sizeof g))
            return -EFAULT;
        ev.events = g.events;
        ev.data.u64 = g.data;
        evp = &ev;
    }
    return host_result(epoll_ctl((int)a[0], (int)a[1], (int)a[2], evp));
}

static int32_t epoll_wait_common(UserProcess *p, const uint32_t a[6], struct timespec *ts, sigset_t *hs)
{
    int32_t max = (int32_t)a[2];
    if (max <= 0 || max > 65536)
        return -EINVAL;
    if (!guest_access_ok(&p->mem, a[1], (uint32_t)max * sizeof(GuestEpollEvent), GPAGE_W))
        return -EFAULT;
    struct epoll_event *ev = malloc((size_t)max * sizeof *ev);
    if (!ev)
        return -ENOMEM;
    long ms = ts ? (long)(ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000) : -1;
    int32_t r = host_result_restart(syscall(SYS_epoll_pwait, (int)a[0], ev, max, ms > INT32_MAX ? INT32_MAX : ms, hs, 8),
                                    SCION_ERESTARTNOHAND);
    for (int32_t i = 0; i < r; i++) {
        GuestEpollEvent g = {ev[i].events, 0, ev[i].data.u64};
        copy_to_guest(p, a[1] + (uint32_t)i * sizeof g, &g, sizeof g);
    }
    free(ev);
    return r;
}

static struct timespec *ms_timeout(int32_t ms, struct timespec *ts)
{
    if (ms < 0)
        return NULL;
    ts->tv_sec = ms / 1000;
    ts->tv_nsec = (long)(ms % 1000) * 1000000;
    return ts;
}

int32_t sys_epoll_wait(UserProcess *p, const uint32_t a[6])
{
    struct timespec ts;
    return epoll_wait_common(p, a, ms_timeout((int32_t)a[3], &ts), NULL);
}

/* epoll_pwait(epfd, events, maxevents, timeout ms, sigmask, sigsetsize) */
int32_t sys_epoll_pwait(UserProcess *p, const uint32_t a[6])
{
    struct timespec ts;
    sigset_t set, *hs;
    int32_t r = mask_begin(p, a[4], a[5], &set, &hs);
    if (r == 0)
        r = epoll_wait_common(p, a, ms_timeout((int32_t)a[3], &ts), hs);
    return mask_end(p, r);
}

/* epoll_pwait2(epfd, events, maxevents, 64-bit timespec, sigmask, sigsetsize) */
int32_t sys_epoll_pwait2(UserProcess *p, const uint32_t a[6])
{
    struct timespec ts;
    if (a[3] && get_timespec(p, a[3], true, &ts))
        return -EFAULT;
    sigset_t set, *hs;
    int32_t r = mask_begin(p, a[4], a[5], &set, &hs);
    if (r == 0)
        r = epoll_wait_common(p, a, a[3] ? &ts : NULL, hs);
    return mask_end(p, r);
}
