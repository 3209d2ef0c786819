/* Creating and waiting for processes: fork, vfork, clone, wait4, waitid. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/translation_cache.h"
#include "user/guest_abi.h"
#include "user/sys_util.h"

enum {
    GUEST_CSIGNAL = 0xff, GUEST_CLONE_VM = 0x100, GUEST_CLONE_VFORK = 0x4000, GUEST_CLONE_THREAD = 0x10000,
    GUEST_CLONE_SETTLS = 0x80000, GUEST_CLONE_PARENT_SETTID = 0x100000, GUEST_CLONE_CHILD_CLEARTID = 0x200000,
    GUEST_CLONE_CHILD_SETTID = 0x1000000,
};

typedef struct CloneArgs {
    uint32_t flags, newsp, ptid, tls, ctid;
} CloneArgs;

/* The new process's side of a fork-like clone. */
static void child_setup(UserProcess *p, const CloneArgs *c)
{
    ArmCpu *cpu = sys_cpu(p);
    if (c->newsp)
        cpu->r[13] = c->newsp;
    if (c->flags & GUEST_CLONE_SETTLS)
        cpu->tpidruro = c->tls;
    uint32_t tid = (uint32_t)getpid();
    if (c->flags & GUEST_CLONE_CHILD_SETTID)
        put_u32(p, c->ctid, tid);
    if (c->flags & GUEST_CLONE_PARENT_SETTID)
        put_u32(p, c->ptid, tid);
    if (c->flags & GUEST_CLONE_CHILD_CLEARTID)
        p->clear_child_tid = c->ctid;
    /* A new process starts with no pending signals. */
    p->sigq_len = 0;
    p->pending = 0;
}

/* Wait until a vfork child has called execve or exited: the write end of
 * the pipe is close-on-exec, so read() sees EOF at either. */
static void vfork_wait(int fd)
{
    char c;
    while (read(fd, &c, 1) < 0 && errno == EINTR)
        ;
    close(fd);
}

/*
 * Every clone without CLONE_VM, and CLONE_VM|CLONE_VFORK (posix_spawn),
 * becomes a host fork: the child gets a copy of guest memory rather than
 * sharing it until execve, which programs that follow the vfork rules
 * cannot tell apart.
 */
static int32_t do_fork(UserProcess *p, const CloneArgs *c)
{
    bool vfork_like = c->flags & GUEST_CLONE_VFORK;
    int sync[2] = {-1, -1};
    if (vfork_like && pipe2(sync, O_CLOEXEC) != 0)
        vfork_like = false;
    fflush(stdout);
    fflush(stderr);
    fflush(p->machine->log.out);
    int exit_signal = (int)(c->flags & GUEST_CSIGNAL);
    jit_fork_prepare(p->machine->jit);
    pid_t pid = exit_signal == SIGCHLD ? fork() : (pid_t)syscall(SYS_clone, (unsigned long)exit_signal, 0, 0, 0, 0);
    if (pid == 0) {
        jit_fork_child(p->machine->jit);
        baseline_fork_child(&p->machine->baseline);
        tcache_fork_child(p->machine->tcache);
    } else {
        jit_fork_parent(p->machine->jit);
    }
    if (pid < 0) {
        int e = errno;
        if (vfork_like)
            close(sync[0]), close(sync[1]);
        return -e;
    }
    if (pid == 0) {
        if (vfork_like)
            close(sync[0]);
        child_setup(p, c);
        return 0;
    }
    if (c->flags & GUEST_CLONE_PARENT_SETTID)
        put_u32(p, c->ptid, (uint32_t)pid);
    if (vfork_like) {
        close(sync[1]);
        vfork_wait(sync[0]);
    }
    return pid;
}

int32_t sys_fork(UserProcess *p, const uint32_t a[6])
{
    (void)a;
    CloneArgs c = {SIGCHLD, 0, 0, 0, 0};
    return do_fork(p, &c);
}

int32_t sys_vfork(UserProcess *p, const uint32_t a[6])
{
    (void)a;
    CloneArgs c = {GUEST_CLONE_VFORK | SIGCHLD, 0, 0, 0, 0};
    return do_fork(p, &c);
}

static void warn_threads(UserProcess *p, uint32_t flags)
{
    static const char msg[] = "scion: threads (clone with CLONE_VM) are not supported yet";
    Log *log = &p->machine->log;
    bool logged = log_on(log, LOG_UNIMP);
    if (logged)
        log_printf(log, "%s (flags 0x%x)\n", msg, flags);
    if (!p->warned_threads && !(logged && log->out == stderr))
        fprintf(stderr, "%s\n", msg);
    p->warned_threads = true;
}

/* ARM argument order: clone(flags, newsp, parent_tidptr, tls, child_tidptr). */
int32_t sys_clone(UserProcess *p, const uint32_t a[6])
{
    CloneArgs c = {a[0], a[1], a[2], a[3], a[4]};
    if ((c.flags & GUEST_CLONE_THREAD) || ((c.flags & GUEST_CLONE_VM) && !(c.flags & GUEST_CLONE_VFORK))) {
        warn_threads(p, c.flags);
        return -ENOSYS;
    }
    return do_fork(p, &c);
}

int32_t sys_wait4(UserProcess *p, const uint32_t a[6])
{
    int status = 0;
    struct rusage ru;
    if (a[1] && !guest_access_ok(&p->mem, a[1], 4, GPAGE_W))
        return -EFAULT;
    pid_t r = wait4((pid_t)a[0], &status, (int)a[2], a[3] ? &ru : NULL);
    if (r < 0)
        return host_result_restart(-1, SCION_ERESTARTSYS);
    if (r > 0 && a[1] && put_u32(p, a[1], (uint32_t)status))
        return -EFAULT;
    if (r > 0 && a[3] && rusage_to_guest(p, &ru, a[3]))
        return -EFAULT;
    return r;
}

/* waitid(idtype, id, siginfo, options, rusage) */
int32_t sys_waitid(UserProcess *p, const uint32_t a[6])
{
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof si);
    long r = syscall(SYS_waitid, (int)a[0], (id_t)a[1], &si, (int)a[3], a[4] ? &ru : NULL);
    if (r < 0)
        return host_result_restart(-1, SCION_ERESTARTSYS);
    if (a[2]) {
        GuestSiginfo g;
        siginfo_to_guest(&si, &g);
        if (copy_to_guest(p, a[2], &g, sizeof g))
            return -EFAULT;
    }
    if (a[4] && rusage_to_guest(p, &ru, a[4]))
        return -EFAULT;
    return 0;
}
