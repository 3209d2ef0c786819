/* Paths, files and directories. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "user/guest_abi.h"
#include "user/sys_util.h"

/* A guest path as given (for calls that create or change things). */
#define GUEST_STR(var, addr)                                  \
    const char *var = guest_str(&p->mem, (addr), PATH_MAX);   \
    if (!var)                                                 \
        return -EFAULT

/* A guest path that is only looked up: may resolve in the sysroot. */
#define LOOKUP_PATH(var, addr)                                \
    char var##_buf[PATH_MAX];                                 \
    const char *var = guest_path(p, (addr), var##_buf, sizeof var##_buf); \
    if (!var)                                                 \
        return -EFAULT

static bool is_proc_self_maps(const char *path)
{
    if (strncmp(path, "/proc/", 6)) /* most paths: no getpid, no snprintf */
        return false;
    char own[64];
    snprintf(own, sizeof own, "/proc/%d/maps", (int)getpid());
    return !strcmp(path, "/proc/self/maps") || !strcmp(path, "/proc/thread-self/maps") || !strcmp(path, own);
}

/* One /proc/self/maps line per run of pages with the same protection. */
static void write_maps(UserProcess *p, FILE *f)
{
    uint32_t start = 0;
    uint8_t cur = 0;
    for (uint64_t pg = 0; pg <= (1ull << 20); pg++) {
        uint8_t fl = pg < (1ull << 20) ? p->mem.flags[pg] & (GPAGE_MAPPED | 7) : 0;
        if (fl == cur)
            continue;
        uint32_t addr = (uint32_t)(pg * GUEST_PAGE);
        if (cur & GPAGE_MAPPED) {
            bool vectors = start == 0xffff0000u, stack = start < 0xbf000000u && addr == 0xbf000000u;
            fprintf(f, "%08x-%08x %c%c%cp 00000000 00:00 0 %s\n", start, pg == (1ull << 20) ? 0u : addr,
                    cur & GPAGE_R ? 'r' : '-', cur & GPAGE_W ? 'w' : '-', cur & GPAGE_X ? 'x' : '-',
                    vectors ? "         [vectors]" : stack ? "         [stack]" : "");
        }
        start = addr;
        cur = fl;
    }
}

/* The guest's own /proc/self/maps (the host's would show scion's). */
static int32_t open_proc_maps(UserProcess *p, int hflags)
{
    int fd = memfd_create("maps", (hflags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0)
        return -errno;
    int dupfd = dup(fd);
    FILE *f = dupfd >= 0 ? fdopen(dupfd, "w") : NULL;
    if (!f) {
        close(fd);
        if (dupfd >= 0)
            close(dupfd);
        return -ENOMEM;
    }
    write_maps(p, f);
    fclose(f);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static int32_t do_openat(UserProcess *p, int dirfd, uint32_t path_addr, uint32_t flags, uint32_t mode)
{
    int hflags = open_flags_to_host(flags);
    char buf[PATH_MAX];
    const char *path = guest_str(&p->mem, path_addr, PATH_MAX);
    if (!path)
        return -EFAULT;
    if (is_proc_self_maps(path))
        return open_proc_maps(p, hflags);
    if ((hflags & O_ACCMODE) == O_RDONLY && !(hflags & O_CREAT))
        path = host_path(p, path, buf, sizeof buf);
    return host_result_restart(openat(dirfd, path, hflags, (mode_t)mode), SCION_ERESTARTSYS);
}

int32_t sys_open(UserProcess *p, const uint32_t a[6]) { return do_openat(p, AT_FDCWD, a[0], a[1], a[2]); }
int32_t sys_openat(UserProcess *p, const uint32_t a[6]) { return do_openat(p, (int)a[0], a[1], a[2], a[3]); }

int32_t sys_creat(UserProcess *p, const uint32_t a[6])
{
    return do_openat(p, AT_FDCWD, a[0], 01 | 0100 | 01000 /* O_WRONLY|O_CREAT|O_TRUNC */, a[1]);
}

int32_t sys_access(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[0]);
    return host_result(access(path, (int)a[1]));
}

int32_t sys_faccessat(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[1]);
    return host_result(syscall(SYS_faccessat, (int)a[0], path, (int)a[2]));
}

int32_t sys_faccessat2(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[1]);
    return host_result(faccessat((int)a[0], path, (int)a[2], (int)a[3]));
}

/* --- stat ------------------------------------------------------------------ */

int32_t sys_stat64(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[0]);
    struct stat st;
    if (stat(path, &st) != 0)
        return -errno;
    return stat_to_guest(p, &st, a[1]);
}

int32_t sys_lstat64(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[0]);
    struct stat st;
    if (lstat(path, &st) != 0)
        return -errno;
    return stat_to_guest(p, &st, a[1]);
}

int32_t sys_fstat64(UserProcess *p, const uint32_t a[6])
{
    struct stat st;
    if (fstat((int)a[0], &st) != 0)
        return -errno;
    return stat_to_guest(p, &st, a[1]);
}

int32_t sys_fstatat64(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[1]);
    struct stat st;
    if (fstatat((int)a[0], path, &st, (int)a[3]) != 0)
        return -errno;
    return stat_to_guest(p, &st, a[2]);
}

/* struct statx has the same layout everywhere. */
int32_t sys_statx(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[1]);
    void *buf = guest_wbuf(p, a[4], 256);
    if (!buf)
        return -EFAULT;
    return host_result(syscall(SYS_statx, (int)a[0], path, (int)a[2], a[3], buf));
}

static int32_t statfs64_out(UserProcess *p, int r, const struct statfs *st, uint32_t size, uint32_t addr)
{
    if (r != 0)
        return -errno;
    if (size != 84 && size != 88)
        return -EINVAL;
    return statfs_to_guest(p, st, addr);
}

int32_t sys_statfs64(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[0]);
    struct statfs st;
    return statfs64_out(p, statfs(path, &st), &st, a[1], a[2]);
}

int32_t sys_fstatfs64(UserProcess *p, const uint32_t a[6])
{
    struct statfs st;
    return statfs64_out(p, fstatfs((int)a[0], &st), &st, a[1], a[2]);
}

/* The old struct statfs: every field 32 bits (64 bytes). */
static int32_t statfs32_out(UserProcess *p, int r, const struct statfs *st, uint32_t addr)
{
    if (r != 0)
        return -errno;
    const uint64_t big[5] = {st->f_blocks, st->f_bfree, st->f_bavail, st->f_files, st->f_ffree};
    uint32_t g[16];
    memset(g, 0, sizeof g);
    g[0] = (uint32_t)st->f_type;
    g[1] = (uint32_t)st->f_bsize;
    for (int i = 0; i < 5; i++) {
        if (big[i] > 0xffffffffu && big[i] != ~0ull)
            return -EOVERFLOW;
        g[2 + i] = (uint32_t)big[i];
    }
    memcpy(&g[7], &st->f_fsid, 8);
    g[9] = (uint32_t)st->f_namelen;
    g[10] = (uint32_t)st->f_frsize;
    g[11] = (uint32_t)st->f_flags;
    return copy_to_guest(p, addr, g, sizeof g);
}

int32_t sys_statfs(UserProcess *p, const uint32_t a[6])
{
    LOOKUP_PATH(path, a[0]);
    struct statfs st;
    return statfs32_out(p, statfs(path, &st), &st, a[1]);
}

int32_t sys_fstatfs(UserProcess *p, const uint32_t a[6])
{
    struct statfs st;
    return statfs32_out(p, fstatfs((int)a[0], &st), &st, a[1]);
}

/* --- directories ------------------------------------------------------------ */

/* struct linux_dirent64 has the same layout everywhere. */
int32_t sys_getdents64(UserProcess *p, const uint32_t a[6])
{
    void *buf = guest_wbuf(p, a[1], a[2]);
    if (!buf)
        return -EFAULT;
    return host_result(syscall(SYS_getdents64, (int)a[0], buf, a[2]));
}

/* The old getdents: 32-bit d_ino and d_off, d_type in the last byte. */
int32_t sys_getdents(UserProcess *p, const uint32_t a[6])
{
    uint32_t count = a[2] < 65536 ? a[2] : 65536;
    uint8_t *out = guest_wbuf(p, a[1], count);
    if (!out)
        return -EFAULT;
    uint8_t *tmp = malloc(count);
    if (!tmp)
        return -ENOMEM;
    long n = syscall(SYS_getdents64, (int)a[0], tmp, count);
    int32_t r = host_result(n), len = 0;
    for (long off = 0; r >= 0 && off < n;) {
        uint64_t ino, doff;
        uint16_t reclen;
        memcpy(&ino, tmp + off, 8);
        memcpy(&doff, tmp + off + 8, 8);
        memcpy(&reclen, tmp + off + 16, 2);
        const char *name = (const char *)tmp + off + 19;
        size_t nl = strlen(name);
        uint16_t glen = (uint16_t)((10 + nl + 2 + 3) & ~3u);
        if (ino > 0xffffffffu) {
            r = -EOVERFLOW;
            break;
        }
        uint32_t w[2] = {(uint32_t)ino, (uint32_t)doff};
        memcpy(out + len, w, 8);
        memcpy(out + len + 8, &glen, 2);
        memcpy(out + len + 10, name, nl + 1);
        out[len + glen - 1] = tmp[off + 18];
        len += glen;
        off += reclen;
    }
    free(tmp);
    return r < 0 ? r : len;
}

static int32_t readlink_common(UserProcess *p, int dirfd, uint32_t path_addr, uint32_t buf_addr, uint32_t size)
{
    const char *path = guest_str(&p->mem, path_addr, PATH_MAX);
    if (!path)
        return -EFAULT;
    if ((int32_t)size <= 0)
        return -EINVAL;
    char *buf = guest_wbuf(p, buf_addr, size);
    if (!buf)
        return -EFAULT;
    if (is_proc_self_exe(path)) {
        char exe[PATH_MAX];
        guest_exe_realpath(p, exe, sizeof exe);
        size_t n = strlen(exe) < size ? strlen(exe) : size;
        memcpy(buf, exe, n);
        return (int32_t)n;
    }
    char hbuf[PATH_MAX];
    return host_result(readlinkat(dirfd, host_path(p, path, hbuf, sizeof hbuf), buf, size));
}

int32_t sys_readlink(UserProcess *p, const uint32_t a[6]) { return readlink_common(p, AT_FDCWD, a[0], a[1], a[2]); }

int32_t sys_readlinkat(UserProcess *p, const uint32_t a[6])
{
    return readlink_common(p, (int)a[0], a[1], a[2], a[3]);
}

int32_t sys_getcwd(UserProcess *p, const uint32_t a[6])
{
    void *buf = guest_wbuf(p, a[0], a[1]);
    if (!buf)
        return -EFAULT;
    return host_result(syscall(SYS_getcwd, buf, a[1]));
}

int32_t sys_chdir(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(chdir(path));
}

int32_t sys_fchdir(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(fchdir((int)a[0])); }

int32_t sys_chroot(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(chroot(path));
}

int32_t sys_mkdir(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(mkdir(path, (mode_t)a[1]));
}

int32_t sys_mkdirat(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[1]);
    return host_result(mkdirat((int)a[0], path, (mode_t)a[2]));
}

int32_t sys_rmdir(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(rmdir(path));
}

int32_t sys_unlink(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(unlink(path));
}

int32_t sys_unlinkat(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[1]);
    return host_result(unlinkat((int)a[0], path, (int)a[2]));
}

static int32_t rename_common(UserProcess *p, int olddir, uint32_t oldp, int newdir, uint32_t newp, uint32_t flags)
{
    GUEST_STR(from, oldp);
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", from);
    GUEST_STR(to, newp);
    return host_result(syscall(SYS_renameat2, olddir, copy, newdir, to, flags));
}

int32_t sys_rename(UserProcess *p, const uint32_t a[6]) { return rename_common(p, AT_FDCWD, a[0], AT_FDCWD, a[1], 0); }

int32_t sys_renameat(UserProcess *p, const uint32_t a[6])
{
    return rename_common(p, (int)a[0], a[1], (int)a[2], a[3], 0);
}

int32_t sys_renameat2(UserProcess *p, const uint32_t a[6])
{
    return rename_common(p, (int)a[0], a[1], (int)a[2], a[3], a[4]);
}

static int32_t link_common(UserProcess *p, int olddir, uint32_t oldp, int newdir, uint32_t newp, uint32_t flags)
{
    GUEST_STR(from, oldp);
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", from);
    GUEST_STR(to, newp);
    return host_result(linkat(olddir, copy, newdir, to, (int)flags));
}

int32_t sys_link(UserProcess *p, const uint32_t a[6]) { return link_common(p, AT_FDCWD, a[0], AT_FDCWD, a[1], 0); }

int32_t sys_linkat(UserProcess *p, const uint32_t a[6])
{
    return link_common(p, (int)a[0], a[1], (int)a[2], a[3], a[4]);
}

static int32_t symlink_common(UserProcess *p, uint32_t target, int newdir, uint32_t linkp)
{
    GUEST_STR(to, target);
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", to);
    GUEST_STR(name, linkp);
    return host_result(symlinkat(copy, newdir, name));
}

int32_t sys_symlink(UserProcess *p, const uint32_t a[6]) { return symlink_common(p, a[0], AT_FDCWD, a[1]); }
int32_t sys_symlinkat(UserProcess *p, const uint32_t a[6]) { return symlink_common(p, a[0], (int)a[1], a[2]); }

int32_t sys_chmod(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(chmod(path, (mode_t)a[1]));
}

int32_t sys_fchmod(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(fchmod((int)a[0], (mode_t)a[1])); }

int32_t sys_fchmodat(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[1]);
    return host_result(syscall(SYS_fchmodat, (int)a[0], path, (mode_t)a[2]));
}

int32_t sys_chown32(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(chown(path, a[1], a[2]));
}

int32_t sys_lchown32(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(lchown(path, a[1], a[2]));
}

int32_t sys_fchown32(UserProcess *p, const uint32_t a[6]) { (void)p; return host_result(fchown((int)a[0], a[1], a[2])); }

int32_t sys_fchownat(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[1]);
    return host_result(fchownat((int)a[0], path, a[2], a[3], (int)a[4]));
}

/* 16-bit ids: 0xffff means "unchanged" (-1). */
static uint32_t id16(uint32_t v)
{
    return (v & 0xffff) == 0xffff ? 0xffffffffu : (v & 0xffff);
}

int32_t sys_chown16(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(chown(path, id16(a[1]), id16(a[2])));
}

int32_t sys_lchown16(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(lchown(path, id16(a[1]), id16(a[2])));
}

int32_t sys_fchown16(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(fchown((int)a[0], id16(a[1]), id16(a[2])));
}

/* --- times, sizes, nodes ---------------------------------------------------- */

static int32_t utimensat_common(UserProcess *p, const uint32_t a[6], bool time64)
{
    const char *path = NULL;
    if (a[1] && !(path = guest_str(&p->mem, a[1], PATH_MAX)))
        return -EFAULT;
    struct timespec ts[2];
    if (a[2] && (get_timespec(p, a[2], time64, &ts[0]) || get_timespec(p, a[2] + (time64 ? 16 : 8), time64, &ts[1])))
        return -EFAULT;
    return host_result(syscall(SYS_utimensat, (int)a[0], path, a[2] ? ts : NULL, (int)a[3]));
}

int32_t sys_utimensat(UserProcess *p, const uint32_t a[6]) { return utimensat_common(p, a, false); }
int32_t sys_utimensat_time64(UserProcess *p, const uint32_t a[6]) { return utimensat_common(p, a, true); }

static int32_t futimesat_common(UserProcess *p, int dirfd, uint32_t path_addr, uint32_t times)
{
    GUEST_STR(path, path_addr);
    struct timeval tv[2];
    if (times && (get_timeval(p, times, &tv[0]) || get_timeval(p, times + 8, &tv[1])))
        return -EFAULT;
    return host_result(syscall(SYS_futimesat, dirfd, path, times ? tv : NULL));
}

int32_t sys_utimes(UserProcess *p, const uint32_t a[6]) { return futimesat_common(p, AT_FDCWD, a[0], a[1]); }
int32_t sys_futimesat(UserProcess *p, const uint32_t a[6]) { return futimesat_common(p, (int)a[0], a[1], a[2]); }

int32_t sys_truncate(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(truncate(path, (off_t)(int32_t)a[1]));
}

/* truncate64(path, pad, lo, hi) */
int32_t sys_truncate64(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(truncate(path, (off_t)arg64(a[2], a[3])));
}

/* The device number is the kernel's 32-bit encoding on both sides. */
int32_t sys_mknod(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[0]);
    return host_result(syscall(SYS_mknodat, AT_FDCWD, path, a[1], a[2]));
}

int32_t sys_mknodat(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[1]);
    return host_result(syscall(SYS_mknodat, (int)a[0], path, a[2], a[3]));
}

/* --- extended attributes ---------------------------------------------------- */

enum { XA_PATH, XA_LPATH, XA_FD };

/* The file argument of an xattr call: a path, or an fd in *fd. */
static const char *xattr_target(UserProcess *p, int kind, uint32_t arg, char *buf, size_t len)
{
    if (kind == XA_FD)
        return "";
    return guest_path(p, arg, buf, len);
}

static int32_t xattr_set(UserProcess *p, const uint32_t a[6], int kind)
{
    char buf[PATH_MAX];
    const char *path = xattr_target(p, kind, a[0], buf, sizeof buf);
    const char *name = guest_str(&p->mem, a[1], 256);
    const void *value = guest_rbuf(p, a[2], a[3]);
    if (!path || !name || !value)
        return -EFAULT;
    int f = (int)a[4];
    if (kind == XA_FD)
        return host_result(fsetxattr((int)a[0], name, value, a[3], f));
    return host_result(kind == XA_LPATH ? lsetxattr(path, name, value, a[3], f) : setxattr(path, name, value, a[3], f));
}

static int32_t xattr_get(UserProcess *p, const uint32_t a[6], int kind)
{
    char buf[PATH_MAX];
    const char *path = xattr_target(p, kind, a[0], buf, sizeof buf);
    const char *name = guest_str(&p->mem, a[1], 256);
    void *value = guest_wbuf(p, a[2], a[3]);
    if (!path || !name || !value)
        return -EFAULT;
    if (kind == XA_FD)
        return host_result(fgetxattr((int)a[0], name, value, a[3]));
    return host_result(kind == XA_LPATH ? lgetxattr(path, name, value, a[3]) : getxattr(path, name, value, a[3]));
}

static int32_t xattr_list(UserProcess *p, const uint32_t a[6], int kind)
{
    char buf[PATH_MAX];
    const char *path = xattr_target(p, kind, a[0], buf, sizeof buf);
    char *list = guest_wbuf(p, a[1], a[2]);
    if (!path || !list)
        return -EFAULT;
    if (kind == XA_FD)
        return host_result(flistxattr((int)a[0], list, a[2]));
    return host_result(kind == XA_LPATH ? llistxattr(path, list, a[2]) : listxattr(path, list, a[2]));
}

static int32_t xattr_remove(UserProcess *p, const uint32_t a[6], int kind)
{
    char buf[PATH_MAX];
    const char *path = xattr_target(p, kind, a[0], buf, sizeof buf);
    const char *name = guest_str(&p->mem, a[1], 256);
    if (!path || !name)
        return -EFAULT;
    if (kind == XA_FD)
        return host_result(fremovexattr((int)a[0], name));
    return host_result(kind == XA_LPATH ? lremovexattr(path, name) : removexattr(path, name));
}

int32_t sys_setxattr(UserProcess *p, const uint32_t a[6]) { return xattr_set(p, a, XA_PATH); }
int32_t sys_lsetxattr(UserProcess *p, const uint32_t a[6]) { return xattr_set(p, a, XA_LPATH); }
int32_t sys_fsetxattr(UserProcess *p, const uint32_t a[6]) { return xattr_set(p, a, XA_FD); }
int32_t sys_getxattr(UserProcess *p, const uint32_t a[6]) { return xattr_get(p, a, XA_PATH); }
int32_t sys_lgetxattr(UserProcess *p, const uint32_t a[6]) { return xattr_get(p, a, XA_LPATH); }
int32_t sys_fgetxattr(UserProcess *p, const uint32_t a[6]) { return xattr_get(p, a, XA_FD); }
int32_t sys_listxattr(UserProcess *p, const uint32_t a[6]) { return xattr_list(p, a, XA_PATH); }
int32_t sys_llistxattr(UserProcess *p, const uint32_t a[6]) { return xattr_list(p, a, XA_LPATH); }
int32_t sys_flistxattr(UserProcess *p, const uint32_t a[6]) { return xattr_list(p, a, XA_FD); }
int32_t sys_removexattr(UserProcess *p, const uint32_t a[6]) { return xattr_remove(p, a, XA_PATH); }
int32_t sys_lremovexattr(UserProcess *p, const uint32_t a[6]) { return xattr_remove(p, a, XA_LPATH); }
int32_t sys_fremovexattr(UserProcess *p, const uint32_t a[6]) { return xattr_remove(p, a, XA_FD); }

/* --- inotify (struct inotify_event is the same everywhere) ------------------ */

int32_t sys_inotify_init(UserProcess *p, const uint32_t a[6]) { (void)p, (void)a; return host_result(inotify_init()); }

int32_t sys_inotify_init1(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(inotify_init1(open_flags_to_host(a[0])));
}

int32_t sys_inotify_add_watch(UserProcess *p, const uint32_t a[6])
{
    GUEST_STR(path, a[1]);
    return host_result(inotify_add_watch((int)a[0], path, a[2]));
}

int32_t sys_inotify_rm_watch(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(inotify_rm_watch((int)a[0], (int)a[1]));
}
