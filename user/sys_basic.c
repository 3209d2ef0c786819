/* Process identity, limits, scheduling, and small process-wide syscalls. */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "user/guest_abi.h"
#include "user/sys_util.h"

int32_t sys_enosys(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    return -ENOSYS;
}

int32_t sys_exit(UserProcess *p, const uint32_t a[6])
{
    if (p->clear_child_tid && guest_access_ok(&p->mem, p->clear_child_tid, 4, GPAGE_W))
        put_u32(p, p->clear_child_tid, 0);
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

int32_t sys_getppid(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    return getppid();
}

/* One thread: its id is the process id. */
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
    (void)p;
    return a[1] == 12 ? 0 : -EINVAL; /* sizeof(struct robust_list_head) */
}

int32_t sys_get_robust_list(UserProcess *p, const uint32_t a[6])
{
    if (a[2] && put_u32(p, a[2], 12))
        return -EFAULT;
    if (a[1] && put_u32(p, a[1], 0))
        return -EFAULT;
    return 0;
}

int32_t sys_uname(UserProcess *p, const uint32_t a[6])
{
    struct utsname u;
    if (uname(&u) != 0)
        return -errno;
    snprintf(u.machine, sizeof u.machine, "armv7l");
    return copy_to_guest(p, a[0], &u, sizeof u);
}

int32_t sys_sethostname(UserProcess *p, const uint32_t a[6])
{
    const char *name = guest_rbuf(p, a[0], a[1]);
    return name ? host_result(sethostname(name, a[1])) : -EFAULT;
}

/* --- user and group ids -------------------------------------------------- */

static int32_t low16(uint32_t id)
{
    return id > 0xffff ? 65534 : (int32_t)id;
}

int32_t sys_getuid16(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return low16(getuid()); }
int32_t sys_getgid16(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return low16(getgid()); }
int32_t sys_geteuid16(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return low16(geteuid()); }
int32_t sys_getegid16(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return low16(getegid()); }
int32_t sys_getuid32(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return (int32_t)getuid(); }
int32_t sys_getgid32(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return (int32_t)getgid(); }
int32_t sys_geteuid32(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return (int32_t)geteuid(); }
int32_t sys_getegid32(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return (int32_t)getegid(); }

/* The id-changing calls go straight to the kernel: glibc's wrappers would
 * try to change every host thread. */
int32_t sys_setuid32(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(syscall(SYS_setuid, a[0])); }
int32_t sys_setgid32(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(syscall(SYS_setgid, a[0])); }

int32_t sys_setreuid32(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_setreuid, a[0], a[1]));
}

int32_t sys_setregid32(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_setregid, a[0], a[1]));
}

int32_t sys_setresuid32(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_setresuid, a[0], a[1], a[2]));
}

int32_t sys_setresgid32(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_setresgid, a[0], a[1], a[2]));
}

int32_t sys_setfsuid32(UserProcess *p, const uint32_t a[6]) { (void)p; return (int32_t)syscall(SYS_setfsuid, a[0]); }
int32_t sys_setfsgid32(UserProcess *p, const uint32_t a[6]) { (void)p; return (int32_t)syscall(SYS_setfsgid, a[0]); }

static int32_t put_three(UserProcess *p, const uint32_t a[6], const uint32_t v[3])
{
    for (int i = 0; i < 3; i++)
        if (put_u32(p, a[i], v[i]))
            return -EFAULT;
    return 0;
}

int32_t sys_getresuid32(UserProcess *p, const uint32_t a[6])
{
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    return put_three(p, a, (const uint32_t[3]){r, e, s});
}

int32_t sys_getresgid32(UserProcess *p, const uint32_t a[6])
{
    gid_t r, e, s;
    getresgid(&r, &e, &s);
    return put_three(p, a, (const uint32_t[3]){r, e, s});
}

int32_t sys_getgroups32(UserProcess *p, const uint32_t a[6])
{
    if ((int32_t)a[0] < 0)
        return -EINVAL;
    uint32_t n = a[0];
    if (n == 0)
        return host_result(getgroups(0, NULL));
    void *buf = guest_wbuf(p, a[1], n * 4);
    if (!buf)
        return -EFAULT;
    return host_result(getgroups((int)n, buf)); /* gid_t is 32-bit on both */
}

int32_t sys_setgroups32(UserProcess *p, const uint32_t a[6])
{
    if (a[0] > 65536)
        return -EINVAL;
    const void *buf = guest_rbuf(p, a[1], a[0] * 4);
    if (!buf)
        return -EFAULT;
    return host_result(syscall(SYS_setgroups, a[0], buf));
}

/* --- sessions and process groups ---------------------------------------- */

int32_t sys_getpgrp(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return getpgrp(); }
int32_t sys_setpgid(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(setpgid((pid_t)a[0], (pid_t)a[1])); }
int32_t sys_getpgid(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(getpgid((pid_t)a[0])); }
int32_t sys_setsid(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return host_result(setsid()); }
int32_t sys_getsid(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(getsid((pid_t)a[0])); }
int32_t sys_umask(UserProcess *p, const uint32_t a[6]) { (void)p; return (int32_t)umask(a[0] & 0777); }

/* --- resource limits and usage ------------------------------------------ */

#define GUEST_RLIM_INFINITY 0xffffffffu

/* Limits on address space would constrain scion's own 4 GiB reservation:
 * they are remembered for the guest but not applied. */
static bool virtual_limit(int resource)
{
    return resource == RLIMIT_AS || resource == RLIMIT_DATA;
}

static uint64_t *virtual_slot(UserProcess *p, int resource)
{
    return resource == RLIMIT_AS ? &p->rlimit_as : &p->rlimit_data;
}

static int get_limit(UserProcess *p, int resource, struct rlimit *rl)
{
    if (virtual_limit(resource)) {
        uint64_t *v = virtual_slot(p, resource);
        rl->rlim_cur = v[0] ? v[0] - 1 : RLIM_INFINITY; /* stored +1 so 0 means unset */
        rl->rlim_max = RLIM_INFINITY;
        return 0;
    }
    return getrlimit(resource, rl);
}

static int set_limit(UserProcess *p, int resource, const struct rlimit *rl)
{
    if (virtual_limit(resource)) {
        if (rl->rlim_cur > rl->rlim_max)
            return errno = EINVAL, -1;
        *virtual_slot(p, resource) = rl->rlim_cur == RLIM_INFINITY ? 0 : rl->rlim_cur + 1;
        return 0;
    }
    return setrlimit(resource, rl);
}

int32_t sys_prlimit64(UserProcess *p, const uint32_t a[6])
{
    int resource = (int)a[1];
    bool self = a[0] == 0 || (pid_t)a[0] == getpid();
    uint64_t nv[2];
    if (a[2] && copy_from_guest(p, nv, a[2], sizeof nv))
        return -EFAULT;
    if (!self) {
        struct rlimit old, nl = {nv[0], nv[1]};
        int r = prlimit((pid_t)a[0], resource, a[2] ? &nl : NULL, &old);
        if (r != 0)
            return -errno;
        return a[3] ? copy_to_guest(p, a[3], (uint64_t[2]){old.rlim_cur, old.rlim_max}, 16) : 0;
    }
    struct rlimit old;
    if (get_limit(p, resource, &old) != 0)
        return -errno;
    if (a[2]) {
        struct rlimit nl = {nv[0], nv[1]};
        if (set_limit(p, resource, &nl) != 0)
            return -errno;
    }
    if (a[3] && copy_to_guest(p, a[3], (uint64_t[2]){old.rlim_cur, old.rlim_max}, 16))
        return -EFAULT;
    return 0;
}

static uint32_t limit32(rlim_t v)
{
    return v >= GUEST_RLIM_INFINITY ? GUEST_RLIM_INFINITY : (uint32_t)v;
}

int32_t sys_ugetrlimit(UserProcess *p, const uint32_t a[6])
{
    struct rlimit rl;
    if (get_limit(p, (int)a[0], &rl) != 0)
        return -errno;
    uint32_t g[2] = {limit32(rl.rlim_cur), limit32(rl.rlim_max)};
    return copy_to_guest(p, a[1], g, sizeof g);
}

int32_t sys_setrlimit(UserProcess *p, const uint32_t a[6])
{
    uint32_t g[2];
    if (copy_from_guest(p, g, a[1], sizeof g))
        return -EFAULT;
    struct rlimit rl = {g[0] == GUEST_RLIM_INFINITY ? RLIM_INFINITY : g[0],
                        g[1] == GUEST_RLIM_INFINITY ? RLIM_INFINITY : g[1]};
    return set_limit(p, (int)a[0], &rl) ? -errno : 0;
}

int32_t sys_getrusage(UserProcess *p, const uint32_t a[6])
{
    struct rusage ru;
    if (getrusage((int)a[0], &ru) != 0)
        return -errno;
    return rusage_to_guest(p, &ru, a[1]);
}

int32_t sys_times(UserProcess *p, const uint32_t a[6])
{
    struct tms t;
    clock_t r = times(&t);
    if (r == (clock_t)-1)
        return -errno;
    uint32_t g[4] = {(uint32_t)t.tms_utime, (uint32_t)t.tms_stime, (uint32_t)t.tms_cutime, (uint32_t)t.tms_cstime};
    if (a[0] && copy_to_guest(p, a[0], g, sizeof g))
        return -EFAULT;
    return (int32_t)(uint32_t)r;
}

/* struct sysinfo with 32-bit longs; memory sizes scaled into mem_unit. */
int32_t sys_sysinfo(UserProcess *p, const uint32_t a[6])
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return -errno;
    uint64_t unit = si.mem_unit ? si.mem_unit : 1;
    unsigned long mem[6] = {si.totalram, si.freeram, si.sharedram, si.bufferram, si.totalswap, si.freeswap};
    uint64_t biggest = si.totalram > si.totalswap ? si.totalram : si.totalswap;
    while (biggest * si.mem_unit / unit > 0xffffffffu)
        unit <<= 1;
    uint32_t g[16];
    memset(g, 0, sizeof g);
    g[0] = (uint32_t)si.uptime;
    for (int i = 0; i < 3; i++)
        g[1 + i] = (uint32_t)si.loads[i];
    for (int i = 0; i < 6; i++)
        g[4 + i] = (uint32_t)((uint64_t)mem[i] * si.mem_unit / unit);
    g[10] = si.procs;
    g[13] = (uint32_t)unit;
    return copy_to_guest(p, a[0], g, 64);
}

/* --- prctl, personality, scheduling --------------------------------------- */

int32_t sys_prctl(UserProcess *p, const uint32_t a[6])
{
    switch (a[0]) {
    case PR_SET_NAME: {
        char name[16];
        if (copy_from_guest(p, name, a[1], 1))
            return -EFAULT;
        const char *s = guest_str(&p->mem, a[1], 4096);
        if (!s)
            return -EFAULT;
        snprintf(name, sizeof name, "%s", s);
        return host_result(prctl(PR_SET_NAME, name, 0, 0, 0));
    }
    case PR_GET_NAME: {
        char name[16] = {0};
        prctl(PR_GET_NAME, name, 0, 0, 0);
        return copy_to_guest(p, a[1], name, sizeof name);
    }
    case PR_GET_PDEATHSIG: {
        int sig = 0;
        prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
        return put_u32(p, a[1], (uint32_t)sig);
    }
    case PR_SET_PDEATHSIG: case PR_GET_DUMPABLE: case PR_SET_DUMPABLE: case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS: case PR_SET_CHILD_SUBREAPER: case PR_CAPBSET_READ: case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS: case PR_GET_TIMERSLACK: case PR_SET_TIMERSLACK:
        return host_result(prctl((int)a[0], (unsigned long)a[1], (unsigned long)a[2], (unsigned long)a[3],
                                 (unsigned long)a[4]));
    default:
        sys_unimp(p, "prctl option %u", a[0]);
        return -EINVAL;
    }
}

int32_t sys_personality(UserProcess *p, const uint32_t a[6])
{
    uint32_t old = p->personality;
    if (a[0] != 0xffffffffu)
        p->personality = a[0];
    return (int32_t)old;
}

int32_t sys_getcpu(UserProcess *p, const uint32_t a[6])
{
    unsigned cpu = 0, node = 0;
    if (getcpu(&cpu, &node) != 0)
        return -errno;
    if ((a[0] && put_u32(p, a[0], cpu)) || (a[1] && put_u32(p, a[1], node)))
        return -EFAULT;
    return 0;
}

int32_t sys_sched_getaffinity(UserProcess *p, const uint32_t a[6])
{
    uint32_t len = a[1];
    if (len & 3)
        return -EINVAL;
    uint8_t set[1024];
    long r = syscall(SYS_sched_getaffinity, (pid_t)a[0], sizeof set, set);
    if (r < 0)
        return -errno;
    uint32_t n = (uint32_t)r < len ? (uint32_t)r : len;
    /* The guest's mask is in 32-bit words: the kernel wants at least nr_cpu_ids bits. */
    for (uint32_t i = len; i < (uint32_t)r; i++)
        if (set[i])
            return -EINVAL;
    return copy_to_guest(p, a[2], set, n) ? -EFAULT : (int32_t)n;
}

int32_t sys_sched_setaffinity(UserProcess *p, const uint32_t a[6])
{
    uint8_t set[1024] = {0};
    uint32_t len = a[1] < sizeof set ? a[1] : sizeof set;
    if (copy_from_guest(p, set, a[2], len))
        return -EFAULT;
    return host_result(syscall(SYS_sched_setaffinity, (pid_t)a[0], sizeof set, set));
}

int32_t sys_sched_yield(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    return host_result(sched_yield());
}

int32_t sys_sched_setparam(UserProcess *p, const uint32_t a[6])
{
    struct sched_param sp;
    if (copy_from_guest(p, &sp, a[1], sizeof sp))
        return -EFAULT;
    return host_result(sched_setparam((pid_t)a[0], &sp));
}

int32_t sys_sched_getparam(UserProcess *p, const uint32_t a[6])
{
    struct sched_param sp;
    if (sched_getparam((pid_t)a[0], &sp) != 0)
        return -errno;
    return copy_to_guest(p, a[1], &sp, sizeof sp);
}

int32_t sys_sched_setscheduler(UserProcess *p, const uint32_t a[6])
{
    struct sched_param sp;
    if (copy_from_guest(p, &sp, a[2], sizeof sp))
        return -EFAULT;
    return host_result(syscall(SYS_sched_setscheduler, (pid_t)a[0], (int)a[1], &sp));
}

int32_t sys_sched_getscheduler(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(sched_getscheduler((pid_t)a[0]));
}

int32_t sys_sched_get_priority_max(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(sched_get_priority_max((int)a[0]));
}

int32_t sys_sched_get_priority_min(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(sched_get_priority_min((int)a[0]));
}

/* The raw syscall: the kernel returns 20 - nice, glibc's wrapper nice. */
int32_t sys_getpriority(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_getpriority, (int)a[0], (id_t)a[1]));
}

int32_t sys_setpriority(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(setpriority((int)a[0], (id_t)a[1], (int)a[2]));
}

int32_t sys_getrandom(UserProcess *p, const uint32_t a[6])
{
    void *buf = guest_wbuf(p, a[0], a[1]);
    if (!buf)
        return -EFAULT;
    return host_result_restart(getrandom(buf, a[1], a[2]), SCION_ERESTARTSYS);
}

/* --- futexes: one guest thread, so the host kernel on the guest word ----- */

static int32_t futex_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
    uint32_t *uaddr = guest_wbuf(p, a[0], 4);
    if (!uaddr)
        return -EFAULT;
    struct timespec ts, *tsp = NULL;
    bool has_timeout = cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
                       cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_LOCK_PI2;
    uintptr_t arg4 = a[3];
    if (has_timeout && a[3]) {
        if (get_timespec(p, a[3], time64, &ts))
            return -EFAULT;
        tsp = &ts;
        arg4 = (uintptr_t)tsp;
    }
    void *uaddr2 = NULL;
    if (cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP || cmd == FUTEX_CMP_REQUEUE_PI ||
        cmd == FUTEX_WAIT_REQUEUE_PI) {
        uaddr2 = guest_wbuf(p, a[4], 4);
        if (!uaddr2)
            return -EFAULT;
    }
    if (has_timeout && !a[3])
        arg4 = 0;
    return host_result_restart(syscall(SYS_futex, uaddr, op, a[2], arg4, uaddr2, a[5]), SCION_ERESTARTSYS);
}

int32_t sys_futex(UserProcess *p, const uint32_t a[6])
{
    return futex_common(p, a, false);
}

int32_t sys_futex_time64(UserProcess *p, const uint32_t a[6])
{
    return futex_common(p, a, true);
}

int32_t sys_membarrier(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    enum { QUERY = 0, GLOBAL = 1, PRIVATE_EXPEDITED = 8, REGISTER_PRIVATE_EXPEDITED = 16 };
    switch (a[0]) {
    case QUERY: return GLOBAL | PRIVATE_EXPEDITED | REGISTER_PRIVATE_EXPEDITED;
    case GLOBAL: case PRIVATE_EXPEDITED: case REGISTER_PRIVATE_EXPEDITED: return 0;
    default: return -EINVAL;
    }
}

/* struct __user_cap_header_struct {version, pid}; data: 3 words per set. */
int32_t sys_capget(UserProcess *p, const uint32_t a[6])
{
    uint32_t hdr[2], data[6];
    if (copy_from_guest(p, hdr, a[0], sizeof hdr))
        return -EFAULT;
    long r = syscall(SYS_capget, hdr, a[1] ? data : NULL);
    int32_t res = host_result(r);
    if (copy_to_guest(p, a[0], hdr, sizeof hdr))
        return -EFAULT;
    if (res == 0 && a[1]) {
        uint32_t n = hdr[0] == 0x19980330 ? 12 : 24; /* v1: one set, v2/v3: two */
        if (copy_to_guest(p, a[1], data, n))
            return -EFAULT;
    }
    return res;
}

int32_t sys_capset(UserProcess *p, const uint32_t a[6])
{
    uint32_t hdr[2], data[6] = {0};
    if (copy_from_guest(p, hdr, a[0], sizeof hdr))
        return -EFAULT;
    uint32_t n = hdr[0] == 0x19980330 ? 12 : 24;
    if (copy_from_guest(p, data, a[1], n))
        return -EFAULT;
    return host_result(syscall(SYS_capset, hdr, data));
}

/* --- ARM private syscalls ------------------------------------------------- */

int32_t sys_arm_set_tls(UserProcess *p, const uint32_t a[6])
{
    p->machine->cpu.tpidruro = a[0];
    return 0;
}

int32_t sys_arm_get_tls(UserProcess *p, const uint32_t a[6])
{
    (void)a;
    return (int32_t)p->machine->cpu.tpidruro;
}

int32_t sys_arm_cacheflush(UserProcess *p, const uint32_t a[6])
{
    if (a[1] < a[0])
        return -EINVAL;
    machine_invalidate_code(p->machine, a[0], (uint64_t)a[1] - a[0]);
    return 0;
}
