/* File I/O system calls in a private temporary directory under /tmp.
 * Prints sizes, mode bits, names and errno names only. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/time.h>

static const char *en(int e)
{
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EBADF: return "EBADF";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EAGAIN: return "EAGAIN";
    case EINVAL: return "EINVAL";
    case ESPIPE: return "ESPIPE";
    case EACCES: return "EACCES";
    case ELOOP: return "ELOOP";
    default: return "E?";
    }
}

#define TRY(expr)                                                                   \
    do {                                                                            \
        errno = 0;                                                                  \
        long _r = (long)(expr);                                                     \
        printf("%-40s -> %ld %s\n", #expr, _r < 0 ? -1L : _r, _r < 0 ? en(errno) : "OK"); \
    } while (0)
#define TRYQ(expr)                                                                  \
    do {                                                                            \
        errno = 0;                                                                  \
        long _r = (long)(expr);                                                     \
        printf("%-40s -> %s %s\n", #expr, _r < 0 ? "fail" : "ok", _r < 0 ? en(errno) : "OK"); \
    } while (0)

static void show_stat_as(const char *name, const char *label)
{
    struct stat st;
    if (lstat(name, &st) != 0) {
        printf("lstat %s: %s\n", label, en(errno));
        return;
    }
    const char *t = S_ISREG(st.st_mode) ? "reg" : S_ISDIR(st.st_mode) ? "dir"
                  : S_ISLNK(st.st_mode) ? "lnk" : S_ISFIFO(st.st_mode) ? "fifo" : "other";
    printf("lstat %s: %s mode=%04o", label, t, (unsigned)(st.st_mode & 07777));
    if (!S_ISDIR(st.st_mode))
        printf(" size=%lld nlink=%u", (long long)st.st_size, (unsigned)st.st_nlink);
    printf("\n");
}

static void show_stat(const char *name) { show_stat_as(name, name); }

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s: %s\n", path, en(errno));
        return;
    }
    char *names[64];
    int n = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            dots++;
            continue;
        }
        if (n < 64)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmpstr);
    printf("dir %s (%d entries, dots=%d):", path, n, dots);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static unsigned sum_fd(int fd)
{
    unsigned char buf[777];
    unsigned s = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++)
            s = s * 31 + buf[i];
    return s;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

int main(void)
{
    umask(022);
    char tmpl[] = "/tmp/scion-fileio-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        perror("mkdtemp");
        return 1;
    }
    show_stat_as(dir, "<tmpdir>"); /* mode of a mkdtemp dir is 0700 */
    if (chdir(dir) != 0) {
        perror("chdir");
        return 1;
    }
    char cwd[4096];
    printf("getcwd matches mkdtemp: %d\n", getcwd(cwd, sizeof cwd) && !strcmp(cwd, dir));

    printf("== create / write / read / lseek ==\n");
    int fd = open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666);
    printf("open a.txt ok=%d\n", fd >= 0);
    TRY(open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666));
    char buf[4096];
    for (int i = 0; i < 1000; i++)
        buf[i] = 'A' + i % 26;
    TRY(write(fd, buf, 1000));
    show_stat("a.txt");
    TRY(lseek(fd, 0, SEEK_CUR));
    TRY(lseek(fd, 10, SEEK_SET));
    memset(buf, 0, sizeof buf);
    TRY(read(fd, buf, 5));
    printf("read: %.5s\n", buf);
    TRY(lseek(fd, -3, SEEK_END));
    TRY(read(fd, buf, 100));
    printf("tail: %.3s\n", buf);
    TRY(read(fd, buf, 100));
    TRY(lseek(fd, 100, SEEK_END));
    TRY(write(fd, "Z", 1));
    show_stat("a.txt");
    TRY(lseek(fd, 1000, SEEK_SET));
    TRY(read(fd, buf, 200));
    int zeros = 0;
    for (int i = 0; i < 100; i++)
        zeros += buf[i] == 0;
    printf("hole zeros=%d last=%c\n", zeros, buf[100]);
    TRY(lseek(fd, -1, SEEK_SET));

    printf("== pread / pwrite ==\n");
    TRY(lseek(fd, 7, SEEK_SET));
    TRY(pwrite(fd, "0123456789", 10, 500));
    TRY(pread(fd, buf, 12, 499));
    printf("pread: %.12s\n", buf);
    TRY(lseek(fd, 0, SEEK_CUR));

    printf("== readv / writev ==\n");
    struct iovec iov[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
    TRY(lseek(fd, 0, SEEK_SET));
    TRY(writev(fd, iov, 3));
    char r1[4] = { 0 }, r2[6] = { 0 };
    struct iovec riov[2] = { { r1, 2 }, { r2, 4 } };
    TRY(lseek(fd, 1, SEEK_SET));
    TRY(readv(fd, riov, 2));
    printf("readv: %s|%s\n", r1, r2);

    printf("== ftruncate / large offsets ==\n");
    TRY(ftruncate(fd, 20));
    show_stat("a.txt");
    TRY(ftruncate(fd, 3000));
    TRY(lseek(fd, 0, SEEK_SET));
    printf("checksum after extend: %08x\n", sum_fd(fd));
    TRY(ftruncate(fd, 5LL << 30)); /* sparse 5 GiB: needs 64-bit offsets */
    struct stat st;
    fstat(fd, &st);
    printf("fstat size=%lld\n", (long long)st.st_size);
    printf("lseek end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
    TRY(pwrite(fd, "X", 1, (5LL << 30) - 1));
    char x = 0;
    TRY(pread(fd, &x, 1, (5LL << 30) - 1));
    printf("byte at 5GiB-1: %c\n", x);
    TRY(ftruncate(fd, 100));
    show_stat("a.txt");

    printf("== dup / dup2 / fcntl ==\n");
    int d1 = dup(fd);
    printf("dup ok=%d differs=%d\n", d1 >= 0, d1 != fd);
    TRY(lseek(fd, 42, SEEK_SET));
    TRY(lseek(d1, 0, SEEK_CUR)); /* shared file offset */
    TRY(dup2(fd, 50));
    TRY(fcntl(50, F_GETFD));
    TRY(fcntl(50, F_SETFD, FD_CLOEXEC));
    TRY(fcntl(50, F_GETFD));
    TRY(dup2(50, 50));
    TRY(dup3(fd, 51, O_CLOEXEC));
    TRY(fcntl(51, F_GETFD));
    int d2 = fcntl(fd, F_DUPFD, 60);
    printf("F_DUPFD >= 60: %d\n", d2 >= 60);
    TRY(fcntl(fd, F_GETFL) & O_ACCMODE);
    TRY(fcntl(fd, F_SETFL, O_APPEND));
    TRY((fcntl(fd, F_GETFL) & O_APPEND) != 0);
    TRY(write(fd, "++", 2));
    show_stat("a.txt");
    close(50);
    close(51);
    close(d1);
    close(d2);
    TRY(close(d2));
    TRY(read(d2, buf, 1));
    TRY(fcntl(d2, F_GETFD));

    /* locks (single process: always succeed) */
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    TRY(fcntl(fd, F_SETLK, &fl));
    fl.l_type = F_UNLCK;
    TRY(fcntl(fd, F_SETLK, &fl));
    TRY(fsync(fd));
    TRY(close(fd));

    printf("== O_APPEND / O_TRUNC ==\n");
    fd = open("b.txt", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    TRY(write(fd, "hello", 5));
    close(fd);
    fd = open("b.txt", O_WRONLY | O_APPEND);
    TRY(lseek(fd, 0, SEEK_SET));
    TRY(write(fd, " world", 6));
    close(fd);
    fd = open("b.txt", O_RDONLY);
    memset(buf, 0, sizeof buf);
    TRY(read(fd, buf, sizeof buf));
    printf("content: %s\n", buf);
    TRY(write(fd, "x", 1));
    close(fd);
    show_stat("b.txt");
    fd = open("b.txt", O_RDWR | O_TRUNC);
    close(fd);
    show_stat("b.txt");

    printf("== directories / rename / links ==\n");
    TRY(mkdir("sub", 0755));
    TRY(mkdir("sub", 0755));
    TRY(mkdir("sub/deeper", 0700));
    show_stat("sub");
    show_stat("sub/deeper");
    TRY(rename("b.txt", "sub/c.txt"));
    show_stat("b.txt");
    show_stat("sub/c.txt");
    TRY(link("a.txt", "sub/hard"));
    show_stat("a.txt");
    TRY(symlink("sub/c.txt", "lnk"));
    show_stat("lnk");
    memset(buf, 0, sizeof buf);
    TRY(readlink("lnk", buf, sizeof buf));
    printf("readlink: %s\n", buf);
    TRY(stat("lnk", &st));
    printf("stat through link: size=%lld reg=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    TRY(symlink("loop2", "loop1"));
    TRY(symlink("loop1", "loop2"));
    TRY(open("loop1", O_RDONLY));
    TRY(open("a.txt/x", O_RDONLY));
    TRY(open("sub", O_WRONLY));
    TRY(open("nonexistent", O_RDONLY));
    TRY(rmdir("sub"));
    TRY(unlink("sub"));
    TRY(chmod("a.txt", 0640));
    show_stat("a.txt");
    TRY(access("a.txt", R_OK | W_OK));
    TRY(access("nonexistent", F_OK));
    struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 500 } };
    TRY(utimensat(AT_FDCWD, "a.txt", ts, 0));
    stat("a.txt", &st);
    printf("mtime=%lld.%09ld atime=%lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (long long)st.st_atim.tv_sec);
    TRY(truncate("a.txt", 7));
    show_stat("a.txt");

    printf("== *at() calls ==\n");
    int dfd = open("sub", O_RDONLY | O_DIRECTORY);
    printf("O_DIRECTORY open ok=%d\n", dfd >= 0);
    TRY(open("a.txt", O_RDONLY | O_DIRECTORY));
    int afd = openat(dfd, "made-at", O_CREAT | O_WRONLY, 0644);
    TRY(write(afd, "at", 2));
    close(afd);
    TRY(fstatat(dfd, "made-at", &st, 0));
    printf("fstatat size=%lld\n", (long long)st.st_size);
    TRY(mkdirat(dfd, "dir-at", 0750));
    TRY(renameat(dfd, "made-at", AT_FDCWD, "moved-at"));
    TRY(unlinkat(dfd, "dir-at", AT_REMOVEDIR));
    TRY(faccessat(dfd, "c.txt", F_OK, 0));
    close(dfd);

    printf("== readdir ==\n");
    for (int i = 9; i >= 0; i--) {
        char nm[32];
        snprintf(nm, sizeof nm, "sub/f%d", i);
        close(open(nm, O_CREAT | O_WRONLY, 0644));
    }
    list_dir(".");
    list_dir("sub");
    /* rewinddir/telldir basic use */
    DIR *d = opendir("sub");
    int cnt1 = 0, cnt2 = 0;
    while (readdir(d))
        cnt1++;
    rewinddir(d);
    while (readdir(d))
        cnt2++;
    closedir(d);
    printf("rewinddir counts equal=%d (%d)\n", cnt1 == cnt2, cnt1);

    printf("== pipes and FIFOs ==\n");
    int p[2];
    TRY(pipe(p));
    TRY(lseek(p[0], 0, SEEK_CUR));
    TRY(fcntl(p[0], F_SETFL, O_NONBLOCK));
    TRY(read(p[0], buf, 10));
    TRY(write(p[1], "pipe!", 5));
    TRY(read(p[0], buf, 10));
    close(p[0]);
    close(p[1]);
    TRY(mkfifo("fifo", 0644));
    show_stat("fifo");

    printf("== stdio ==\n");
    FILE *f = fopen("stdio.txt", "w+");
    for (int i = 0; i < 100; i++)
        fprintf(f, "line %03d %s\n", i, i % 2 ? "odd" : "even");
    printf("ftell=%ld\n", ftell(f));
    rewind(f);
    char line[64];
    int lines = 0;
    while (fgets(line, sizeof line, f))
        lines++;
    printf("lines=%d eof=%d\n", lines, feof(f));
    fseek(f, 13 * 50, SEEK_SET);
    fgets(line, sizeof line, f);
    printf("line at 650: %s", line);
    fclose(f);
    show_stat("stdio.txt");
    f = fopen("stdio.txt", "r");
    fseek(f, -8, SEEK_END);
    printf("fgetc tail: ");
    int ch;
    while ((ch = fgetc(f)) != EOF)
        putchar(ch == '\n' ? '$' : ch);
    printf("\n");
    fclose(f);
    f = tmpfile();
    fputs("temporary", f);
    rewind(f);
    fgets(line, sizeof line, f);
    printf("tmpfile: %s\n", line);
    fclose(f);

    printf("== big file ==\n");
    fd = open("big.bin", O_CREAT | O_RDWR, 0644);
    static unsigned char big[1 << 20];
    for (unsigned i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 2654435761u >> 24);
    TRY(write(fd, big, sizeof big));
    TRY(lseek(fd, 0, SEEK_SET));
    printf("big checksum=%08x\n", sum_fd(fd));
    close(fd);

    printf("== cleanup ==\n");
    TRY(chdir("/"));
    rm_rf(dir);
    struct stat gone;
    printf("temp dir removed: %d\n", stat(dir, &gone) != 0 && errno == ENOENT);
    printf("done\n");
    return 0;
}
