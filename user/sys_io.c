/* File descriptors and I/O: read/write families, dup, pipes, fcntl, ioctl. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "user/guest_abi.h"
#include "user/sys_util.h"

int32_t sys_read(UserProcess *p, const uint32_t a[6])
{
    void *buf = guest_wbuf(p, a[1], a[2]);
    if (!buf)
        return -EFAULT;
    return host_result_restart(read((int)a[0], buf, a[2]), SCION_ERESTARTSYS);
}

int32_t sys_write(UserProcess *p, const uint32_t a[6])
{
    const void *buf = guest_rbuf(p, a[1], a[2]);
    if (!buf)
        return -EFAULT;
    return host_result_restart(write((int)a[0], buf, a[2]), SCION_ERESTARTSYS);
}

#define GUEST_IOV_MAX 1024

/* Host iovecs for a guest iovec array (base, len words); returns count or -errno. */
static int32_t get_iovec(UserProcess *p, uint32_t addr, uint32_t n, bool to_guest, struct iovec *iov)
{
    if (n > GUEST_IOV_MAX)
        return -EINVAL;
    const uint32_t *g = guest_rbuf(p, addr, n * 8);
    if (!g)
        return -EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t base = g[2 * i], len = g[2 * i + 1];
        if ((int32_t)len < 0)
            return -EINVAL;
        iov[i].iov_base = to_guest ? guest_wbuf(p, base, len) : (void *)guest_rbuf(p, base, len);
        iov[i].iov_len = len;
        if (!iov[i].iov_base)
            return -EFAULT;
    }
    return (int32_t)n;
}

static int32_t rw_vector(UserProcess *p, const uint32_t a[6], bool reading, bool positioned, uint64_t off, int flags)
{
    struct iovec *iov = malloc(GUEST_IOV_MAX * sizeof *iov);
    if (!iov)
        return -ENOMEM;
    int32_t n = get_iovec(p, a[1], a[2], reading, iov);
    long r = -1;
    if (n >= 0) {
        int fd = (int)a[0];
        if (!positioned)
            r = reading ? readv(fd, iov, n) : writev(fd, iov, n);
        else
            r = reading ? preadv2(fd, iov, n, (off_t)off, flags) : pwritev2(fd, iov, n, (off_t)off, flags);
    }
    free(iov);
    return n < 0 ? n : host_result_restart(r, SCION_ERESTARTSYS);
}

int32_t sys_readv(UserProcess *p, const uint32_t a[6]) { return rw_vector(p, a, true, false, 0, 0); }
int32_t sys_writev(UserProcess *p, const uint32_t a[6]) { return rw_vector(p, a, false, false, 0, 0); }
int32_t sys_preadv(UserProcess *p, const uint32_t a[6]) { return rw_vector(p, a, true, true, arg64(a[3], a[4]), 0); }
int32_t sys_pwritev(UserProcess *p, const uint32_t a[6]) { return rw_vector(p, a, false, true, arg64(a[3], a[4]), 0); }

/* preadv2/pwritev2: offset -1 means the current position. */
int32_t sys_preadv2(UserProcess *p, const uint32_t a[6])
{
    return rw_vector(p, a, true, true, arg64(a[3], a[4]), (int)a[5]);
}

int32_t sys_pwritev2(UserProcess *p, const uint32_t a[6])
{
    return rw_vector(p, a, false, true, arg64(a[3], a[4]), (int)a[5]);
}

/* pread64(fd, buf, count, pad, lo, hi): the offset is in the r4:r5 pair. */
int32_t sys_pread64(UserProcess *p, const uint32_t a[6])
{
    void *buf = guest_wbuf(p, a[1], a[2]);
    if (!buf)
        return -EFAULT;
    return host_result_restart(pread((int)a[0], buf, a[2], (off_t)arg64(a[4], a[5])), SCION_ERESTARTSYS);
}

int32_t sys_pwrite64(UserProcess *p, const uint32_t a[6])
{
    const void *buf = guest_rbuf(p, a[1], a[2]);
    if (!buf)
        return -EFAULT;
    return host_result_restart(pwrite((int)a[0], buf, a[2], (off_t)arg64(a[4], a[5])), SCION_ERESTARTSYS);
}

int32_t sys_lseek(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    off_t r = lseek((int)a[0], (off_t)(int32_t)a[1], (int)a[2]);
    if (r < 0)
        return -errno;
    return r > INT32_MAX ? -EOVERFLOW : (int32_t)r;
}

/* _llseek(fd, offset_high, offset_low, loff_t *result, whence) */
int32_t sys_llseek(UserProcess *p, const uint32_t a[6])
{
    off_t r = lseek((int)a[0], (off_t)arg64(a[2], a[1]), (int)a[4]);
    if (r < 0)
        return -errno;
    return put_u64(p, a[3], (uint64_t)r);
}

int32_t sys_close(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(close((int)a[0]));
}

int32_t sys_close_range(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(syscall(SYS_close_range, a[0], a[1], a[2]));
}

int32_t sys_dup(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(dup((int)a[0])); }
int32_t sys_dup2(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(dup2((int)a[0], (int)a[1])); }

int32_t sys_dup3(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(dup3((int)a[0], (int)a[1], open_flags_to_host(a[2])));
}

static int32_t make_pipe(UserProcess *p, uint32_t addr, uint32_t flags)
{
    int fds[2];
    if (!guest_access_ok(&p->mem, addr, 8, GPAGE_W))
        return -EFAULT;
    if (pipe2(fds, open_flags_to_host(flags)) != 0)
        return -errno;
    uint32_t g[2] = {(uint32_t)fds[0], (uint32_t)fds[1]};
    return copy_to_guest(p, addr, g, sizeof g);
}

int32_t sys_pipe(UserProcess *p, const uint32_t a[6]) { return make_pipe(p, a[0], 0); }
int32_t sys_pipe2(UserProcess *p, const uint32_t a[6]) { return make_pipe(p, a[0], a[1]); }

/* --- fcntl ----------------------------------------------------------------- */

enum {
    GUEST_F_GETLK = 5, GUEST_F_SETLK = 6, GUEST_F_SETLKW = 7,
    GUEST_F_GETLK64 = 12, GUEST_F_SETLK64 = 13, GUEST_F_SETLKW64 = 14,
    GUEST_F_OFD_GETLK = 36, GUEST_F_OFD_SETLK = 37, GUEST_F_OFD_SETLKW = 38,
};

static int host_lock_cmd(uint32_t cmd)
{
    switch (cmd) {
    case GUEST_F_GETLK: case GUEST_F_GETLK64: return F_GETLK;
    case GUEST_F_SETLK: case GUEST_F_SETLK64: return F_SETLK;
    case GUEST_F_SETLKW: case GUEST_F_SETLKW64: return F_SETLKW;
    case GUEST_F_OFD_GETLK: return F_OFD_GETLK;
    case GUEST_F_OFD_SETLK: return F_OFD_SETLK;
    default: return F_OFD_SETLKW;
    }
}

static int32_t fcntl_lock(UserProcess *p, int fd, uint32_t cmd, uint32_t addr)
{
    bool wide = cmd >= GUEST_F_GETLK64;
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    if (wide) {
        GuestFlock64 g;
        if (copy_from_guest(p, &g, addr, sizeof g))
            return -EFAULT;
        fl = (struct flock){.l_type = g.l_type, .l_whence = g.l_whence, .l_start = g.l_start, .l_len = g.l_len,
                            .l_pid = g.l_pid};
    } else {
        GuestFlock g;
        if (copy_from_guest(p, &g, addr, sizeof g))
            return -EFAULT;
        fl = (struct flock){.l_type = g.l_type, .l_whence = g.l_whence, .l_start = g.l_start, .l_len = g.l_len,
                            .l_pid = g.l_pid};
    }
    int hcmd = host_lock_cmd(cmd);
    if (fcntl(fd, hcmd, &fl) != 0)
        return host_result_restart(-1, SCION_ERESTARTSYS);
    if (hcmd != F_GETLK && hcmd != F_OFD_GETLK)
        return 0;
    if (wide) {
        GuestFlock64 g = {.l_type = fl.l_type, .l_whence = fl.l_whence, .l_start = fl.l_start, .l_len = fl.l_len,
                          .l_pid = fl.l_pid};
        return copy_to_guest(p, addr, &g, sizeof g);
    }
    if (fl.l_start > INT32_MAX || fl.l_len > INT32_MAX)
        return -EOVERFLOW;
    GuestFlock g = {.l_type = fl.l_type, .l_whence = fl.l_whence, .l_start = (int32_t)fl.l_start,
                    .l_len = (int32_t)fl.l_len, .l_pid = fl.l_pid};
    return copy_to_guest(p, addr, &g, sizeof g);
}

static int32_t fcntl_common(UserProcess *p, const uint32_t a[6])
{
    int fd = (int)a[0];
    uint32_t cmd = a[1], arg = a[2];
    switch (cmd) {
    case GUEST_F_GETLK: case GUEST_F_SETLK: case GUEST_F_SETLKW: case GUEST_F_GETLK64: case GUEST_F_SETLK64:
    case GUEST_F_SETLKW64: case GUEST_F_OFD_GETLK: case GUEST_F_OFD_SETLK: case GUEST_F_OFD_SETLKW:
        return fcntl_lock(p, fd, cmd, arg);
    case F_GETFL: {
        int r = fcntl(fd, F_GETFL);
        return r < 0 ? -errno : (int32_t)open_flags_to_guest(r);
    }
    case F_SETFL:
        return host_result(fcntl(fd, F_SETFL, open_flags_to_host(arg)));
    case F_GETOWN_EX: case F_SETOWN_EX: {
        void *own = cmd == F_GETOWN_EX ? guest_wbuf(p, arg, 8) : (void *)guest_rbuf(p, arg, 8);
        return own ? host_result(fcntl(fd, (int)cmd, own)) : -EFAULT;
    }
    case F_DUPFD: case F_DUPFD_CLOEXEC: case F_GETFD: case F_SETFD: case F_SETOWN: case F_GETOWN: case F_SETSIG:
    case F_GETSIG: case F_SETLEASE: case F_GETLEASE: case F_NOTIFY: case F_SETPIPE_SZ: case F_GETPIPE_SZ:
    case F_ADD_SEALS: case F_GET_SEALS:
        return host_result(fcntl(fd, (int)cmd, (int)arg));
    default:
        sys_unimp(p, "fcntl command %u", cmd);
        return -EINVAL;
    }
}

int32_t sys_fcntl(UserProcess *p, const uint32_t a[6]) { return fcntl_common(p, a); }
int32_t sys_fcntl64(UserProcess *p, const uint32_t a[6]) { return fcntl_common(p, a); }

int32_t sys_flock(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result_restart(flock((int)a[0], (int)a[1]), SCION_ERESTARTSYS);
}

/* --- ioctl ------------------------------------------------------------------ */

/* ioctls on struct termios2 (44 bytes; the same numbers on ARM and x86-64). */
enum {
    GUEST_TCGETS2 = 0x802c542a, GUEST_TCSETS2 = 0x402c542b, GUEST_TCSETSW2 = 0x402c542c,
    GUEST_TCSETSF2 = 0x402c542d,
    GUEST_FICLONE = 0x40049409, /* _IOW(0x94, 9, int): the source fd as the value */
};

/* How an ioctl's third argument is used. */
enum { IOARG_NONE, IOARG_VALUE, IOARG_IN, IOARG_OUT, IOARG_INOUT };

/* Terminal and file ioctls whose structures are laid out alike on ARM and
 * x86-64 Linux (struct termios, termios2, winsize, ints). */
static const struct {
    uint32_t cmd;
    uint8_t kind;
    uint8_t size;
} ioctl_table[] = {
    {TCGETS, IOARG_OUT, 36},     {TCSETS, IOARG_IN, 36},      {TCSETSW, IOARG_IN, 36},    {TCSETSF, IOARG_IN, 36},
    {GUEST_TCGETS2, IOARG_OUT, 44}, {GUEST_TCSETS2, IOARG_IN, 44}, {GUEST_TCSETSW2, IOARG_IN, 44},
    {GUEST_TCSETSF2, IOARG_IN, 44},
    {TIOCGWINSZ, IOARG_OUT, 8},  {TIOCSWINSZ, IOARG_IN, 8},   {TIOCGPGRP, IOARG_OUT, 4},  {TIOCSPGRP, IOARG_IN, 4},
    {TIOCGSID, IOARG_OUT, 4},    {FIONREAD, IOARG_OUT, 4},    {TIOCOUTQ, IOARG_OUT, 4},   {FIONBIO, IOARG_IN, 4},
    {FIOASYNC, IOARG_IN, 4},     {TIOCSCTTY, IOARG_VALUE, 0}, {TIOCNOTTY, IOARG_NONE, 0}, {TIOCEXCL, IOARG_NONE, 0},
    {TIOCNXCL, IOARG_NONE, 0},   {FIOCLEX, IOARG_NONE, 0},    {FIONCLEX, IOARG_NONE, 0},  {TCSBRK, IOARG_VALUE, 0},
    {TCSBRKP, IOARG_VALUE, 0},   {TCXONC, IOARG_VALUE, 0},    {TCFLSH, IOARG_VALUE, 0},   {TIOCGPTN, IOARG_OUT, 4},
    {TIOCSPTLCK, IOARG_IN, 4},   {TIOCGETD, IOARG_OUT, 4},    {TIOCSETD, IOARG_IN, 4},    {TIOCMGET, IOARG_OUT, 4},
    {TIOCMSET, IOARG_IN, 4},     {TIOCMBIS, IOARG_IN, 4},     {TIOCMBIC, IOARG_IN, 4},    {TIOCSTI, IOARG_IN, 1},
    {TIOCGPTPEER, IOARG_VALUE, 0}, {TIOCGEXCL, IOARG_OUT, 4}, {TIOCGPKT, IOARG_OUT, 4},   {TIOCPKT, IOARG_IN, 4},
    {GUEST_FICLONE, IOARG_VALUE, 0}, {TIOCGLCKTRMIOS, IOARG_OUT, 36}, {TIOCSLCKTRMIOS, IOARG_IN, 36}, {TIOCVHANGUP, IOARG_NONE, 0},
};

int32_t sys_ioctl(UserProcess *p, const uint32_t a[6])
{
    int fd = (int)a[0];
    for (size_t i = 0; i < sizeof ioctl_table / sizeof ioctl_table[0]; i++) {
        if (ioctl_table[i].cmd != a[1])
            continue;
        unsigned long cmd = a[1];
        switch (ioctl_table[i].kind) {
        case IOARG_NONE: return host_result_restart(ioctl(fd, cmd), SCION_ERESTARTSYS);
        case IOARG_VALUE: return host_result_restart(ioctl(fd, cmd, (unsigned long)a[2]), SCION_ERESTARTSYS);
        case IOARG_IN: {
            const void *arg = guest_rbuf(p, a[2], ioctl_table[i].size);
            return arg ? host_result_restart(ioctl(fd, cmd, arg), SCION_ERESTARTSYS) : -EFAULT;
        }
        default: {
            void *arg = guest_wbuf(p, a[2], ioctl_table[i].size);
            return arg ? host_result_restart(ioctl(fd, cmd, arg), SCION_ERESTARTSYS) : -EFAULT;
        }
        }
    }
    sys_unimp(p, "ioctl 0x%x on fd %d", a[1], fd);
    return -ENOTTY;
}

/* --- syncing, copying, sizes ------------------------------------------------ */

int32_t sys_fsync(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(fsync((int)a[0])); }
int32_t sys_fdatasync(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(fdatasync((int)a[0])); }
int32_t sys_syncfs(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(syncfs((int)a[0])); }

int32_t sys_sync(UserProcess *p, const uint32_t a[6])
{
    (void)p, (void)a;
    sync();
    return 0;
}

int32_t sys_sendfile(UserProcess *p, const uint32_t a[6])
{
    off_t off = 0;
    if (a[2]) {
        uint32_t o;
        if (get_u32(p, a[2], &o))
            return -EFAULT;
        off = (off_t)(int32_t)o;
    }
    long r = sendfile((int)a[0], (int)a[1], a[2] ? &off : NULL, a[3]);
    if (r >= 0 && a[2] && put_u32(p, a[2], (uint32_t)off))
        return -EFAULT;
    return host_result_restart(r, SCION_ERESTARTSYS);
}

int32_t sys_sendfile64(UserProcess *p, const uint32_t a[6])
{
    off_t *off = NULL;
    if (a[2] && !(off = guest_wbuf(p, a[2], 8)))
        return -EFAULT;
    return host_result_restart(sendfile((int)a[0], (int)a[1], off, a[3]), SCION_ERESTARTSYS);
}

/* A loff_t pointer argument, or NULL. */
static bool offset_ptr(UserProcess *p, uint32_t addr, loff_t **out)
{
    *out = NULL;
    if (!addr)
        return true;
    *out = guest_wbuf(p, addr, 8);
    return *out != NULL;
}

int32_t sys_copy_file_range(UserProcess *p, const uint32_t a[6])
{
    loff_t *in, *out;
    if (!offset_ptr(p, a[1], &in) || !offset_ptr(p, a[3], &out))
        return -EFAULT;
    return host_result(copy_file_range((int)a[0], in, (int)a[2], out, a[4], a[5]));
}

int32_t sys_splice(UserProcess *p, const uint32_t a[6])
{
    loff_t *in, *out;
    if (!offset_ptr(p, a[1], &in) || !offset_ptr(p, a[3], &out))
        return -EFAULT;
    return host_result_restart(splice((int)a[0], in, (int)a[2], out, a[4], a[5]), SCION_ERESTARTSYS);
}

int32_t sys_tee(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result_restart(tee((int)a[0], (int)a[1], a[2], a[3]), SCION_ERESTARTSYS);
}

/* readahead(fd, pad, offset lo, hi, count) */
int32_t sys_readahead(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(readahead((int)a[0], (off_t)arg64(a[2], a[3]), a[4]));
}

/* fallocate(fd, mode, offset r2:r3, len r4:r5) */
int32_t sys_fallocate(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(fallocate((int)a[0], (int)a[1], (off_t)arg64(a[2], a[3]), (off_t)arg64(a[4], a[5])));
}

/* arm_fadvise64_64(fd, advice, offset r2:r3, len r4:r5): returns the error. */
int32_t sys_arm_fadvise64_64(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return -posix_fadvise((int)a[0], (off_t)arg64(a[2], a[3]), (off_t)arg64(a[4], a[5]), (int)a[1]);
}

/* arm_sync_file_range(fd, flags, offset r2:r3, nbytes r4:r5) */
int32_t sys_arm_sync_file_range(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(sync_file_range((int)a[0], (off_t)arg64(a[2], a[3]), (off_t)arg64(a[4], a[5]), a[1]));
}

int32_t sys_ftruncate(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(ftruncate((int)a[0], (off_t)(int32_t)a[1]));
}

/* ftruncate64(fd, pad, lo, hi) */
int32_t sys_ftruncate64(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(ftruncate((int)a[0], (off_t)arg64(a[2], a[3])));
}

int32_t sys_eventfd(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(eventfd(a[0], 0)); }

int32_t sys_eventfd2(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(eventfd(a[0], open_flags_to_host(a[1])));
}

int32_t sys_memfd_create(UserProcess *p, const uint32_t a[6])
{
    const char *name = guest_str(&p->mem, a[0], 256);
    if (!name)
        return -EFAULT;
    return host_result(memfd_create(name, a[1]));
}
