/*
 * execve: an ARM ELF program runs in a fresh scion (re-executed from
 * /proc/self/exe with the same sysroot and logging options); a #! script
 * runs its interpreter the way Linux does; anything else fails with the
 * errno Linux would give.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/jit.h"
#include "user/signal.h"
#include "user/sys_util.h"

#define EXEC_MAX_STRINGS 65536
#define EXEC_MAX_SCRIPT_DEPTH 4

typedef struct ExecRequest {
    const char **argv; /* guest strings, with room for the interpreter words */
    int argc;
    const char **envp;
    char path[PATH_MAX];      /* host path of the file to run */
    char argv0[PATH_MAX];     /* replaces argv[0] after a #! line (interp) */
    char interp_arg[PATH_MAX]; /* the optional #! argument */
} ExecRequest;

void user_process_start(UserProcess *p)
{
    char buf[PATH_MAX];
    if (p->exe_path && realpath(p->exe_path, buf))
        p->exe_path = strdup(buf);
    if (p->sysroot && realpath(p->sysroot, buf))
        p->sysroot = strdup(buf);
}

/* Options of the scion command line that a re-executed scion repeats:
 * all but the program's own (-0), the sysroot (passed separately, made
 * absolute) and the log file (-D, which the new scion would truncate). */
void user_process_set_exec_args(UserProcess *p, int argc, char **argv, int prog_index)
{
    p->scion_args = calloc((size_t)argc + 1, sizeof *p->scion_args);
    p->scion_nargs = 0;
    if (!p->scion_args)
        return;
    for (int i = 1; i < prog_index && i < argc; i++) {
        const char *a = argv[i];
        if ((i == 1 && !strcmp(a, "run")) || !strcmp(a, "--"))
            continue;
        if ((!strcmp(a, "-0") || !strcmp(a, "-D") || !strcmp(a, "-L")) && i + 1 < prog_index) {
            i++;
            continue;
        }
        p->scion_args[p->scion_nargs++] = argv[i];
    }
}

/* A NULL-terminated guest array of strings; room is left before it. */
static int32_t read_strings(UserProcess *p, uint32_t addr, int room, const char ***out, int *count)
{
    int n = 0;
    uint32_t v = 0;
    while (addr) {
        if (get_u32(p, addr + 4u * (uint32_t)n, &v))
            return -EFAULT;
        if (!v)
            break;
        if (++n > EXEC_MAX_STRINGS)
            return -E2BIG;
    }
    const char **list = calloc((size_t)n + (size_t)room + 2, sizeof *list);
    if (!list)
        return -ENOMEM;
    for (int i = 0; i < n; i++) {
        get_u32(p, addr + 4u * (uint32_t)i, &v);
        list[room + i] = guest_str(&p->mem, v, 1u << 17);
        if (!list[room + i]) {
            free(list);
            return -EFAULT;
        }
    }
    *out = list;
    *count = n;
    return 0;
}

/* Check that path can be executed and read its first bytes. */
static int32_t read_head(const char *path, char *head, size_t len, size_t *got)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EACCES;
    if (access(path, X_OK) != 0)
        return -errno;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, head, len);
    close(fd);
    if (n < 0)
        return -EIO;
    *got = (size_t)n;
    return 0;
}

static bool is_arm_elf(const char *head, size_t n)
{
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)head;
    return n >= sizeof *eh && !memcmp(head, ELFMAG, SELFMAG) && eh->e_ident[EI_CLASS] == ELFCLASS32 &&
           eh->e_ident[EI_DATA] == ELFDATA2LSB && eh->e_machine == EM_ARM;
}

/* Split a #! line into interpreter and optional argument (as Linux does). */
static int32_t parse_shebang(ExecRequest *r, char *head, size_t n)
{
    head[n < 255 ? n : 255] = 0;
    char *s = head + 2, *end = strchr(s, '\n');
    if (end)
        *end = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return -ENOEXEC;
    char *e = s + strcspn(s, " \t");
    char *arg = *e ? e + 1 : e;
    *e = 0;
    while (*arg == ' ' || *arg == '\t')
        arg++;
    size_t al = strlen(arg);
    while (al && (arg[al - 1] == ' ' || arg[al - 1] == '\t'))
        arg[--al] = 0;
    snprintf(r->argv0, sizeof r->argv0, "%s", s);
    snprintf(r->interp_arg, sizeof r->interp_arg, "%s", arg);
    return 0;
}

/* argv becomes: interp [arg] script argv[1...] */
static void push_interp(ExecRequest *r, const char *script)
{
    r->argv[0] = script; /* argv[0] is replaced by the script path */
    r->argv--;
    r->argc++;
    if (r->interp_arg[0]) {
        r->argv[0] = strdup(r->interp_arg);
        r->argv--;
        r->argc++;
    }
    r->argv[0] = strdup(r->argv0);
}

/* The names of the log items, to pass -d on to the new scion. */
static void log_items_arg(unsigned mask, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *name;
    } items[] = {
        {LOG_IN_ASM, "in_asm"}, {LOG_OP, "op"}, {LOG_EXEC, "exec"}, {LOG_CPU, "cpu"}, {LOG_UNIMP, "unimp"},
        {LOG_GUEST_ERRORS, "guest_errors"}, {LOG_STRACE, "strace"}, {LOG_SIGNALS, "signals"},
    };
    buf[0] = 0;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        if (mask & items[i].bit)
            snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? "," : "", items[i].name);
}

static const char *jit_mode_name(const Jit *jit)
{
    switch (jit ? jit_mode(jit) : JIT_OFF) {
    case JIT_OFF: return "off";
    case JIT_SYNC: return "sync";
    case JIT_ALWAYS: return "always";
    case JIT_CHECK: return "check";
    default: return "on";
    }
}

/* scion [options] -0 ARGV0 -- PROGRAM ARGS...; returns the argument count. */
static int build_scion_argv(UserProcess *p, const ExecRequest *r, const char *exe, const char **argv, char *items,
                            size_t items_len, char *cache_max, size_t cache_max_len)
{
    int k = 0;
    argv[k++] = exe;
    if (p->sysroot)
        argv[k++] = "-L", argv[k++] = p->sysroot;
    if (p->scion_args) {
        for (int i = 0; i < p->scion_nargs; i++)
            argv[k++] = p->scion_args[i];
    } else {
        log_items_arg(p->machine->log.mask, items, items_len);
        if (items[0])
            argv[k++] = "-d", argv[k++] = items;
        argv[k++] = "-jit", argv[k++] = jit_mode_name(p->machine->jit);
        argv[k++] = "-jit-cache", argv[k++] = p->machine->jit_cache_dir ? p->machine->jit_cache_dir : "off";
        if (p->machine->jit_cache_max) {
            snprintf(cache_max, cache_max_len, "%llu", (unsigned long long)p->machine->jit_cache_max);
            argv[k++] = "-jit-cache-max", argv[k++] = cache_max;
        }
    }
    argv[k++] = "-0";
    argv[k++] = r->argc > 0 ? r->argv[0] : r->path;
    argv[k++] = "--";
    argv[k++] = r->path;
    for (int i = 1; i < r->argc; i++)
        argv[k++] = r->argv[i];
    argv[k] = NULL;
    return k;
}

static int32_t exec_scion(UserProcess *p, ExecRequest *r)
{
    char self[PATH_MAX], items[128], cache_max[24];
    const char *exe = p->scion_exe;
    if (!exe) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n < 0)
            return -ENOEXEC;
        self[n] = 0;
        exe = self;
    }
    const char **argv = calloc((size_t)r->argc + (size_t)p->scion_nargs + 16, sizeof *argv);
    if (!argv)
        return -ENOMEM;
    build_scion_argv(p, r, exe, argv, items, sizeof items, cache_max, sizeof cache_max);
    fflush(stdout);
    fflush(stderr);
    fflush(p->machine->log.out);
    machine_save_translations(p->machine); /* this process image is about to go */
    signal_prepare_exec(p);
    execve(exe, (char *const *)argv, (char *const *)r->envp);
    int e = errno;
    signal_exec_failed(p);
    free(argv);
    return -e;
}

/* Find the file to run: a #! interpreter resolves like any guest path. */
static int32_t resolve(UserProcess *p, ExecRequest *r, const char *guest_name)
{
    char buf[PATH_MAX];
    const char *host = host_path(p, guest_name, buf, sizeof buf);
    snprintf(r->path, sizeof r->path, "%s", host);
    return 0;
}

enum { EXEC_AGAIN = 1 };

/* Run the file *name: an ARM program, or a #! script whose interpreter
 * becomes *name (EXEC_AGAIN).  Returns only on failure. */
static int32_t exec_file(UserProcess *p, ExecRequest *r, const char **name, int depth)
{
    char head[256];
    size_t n = 0;
    resolve(p, r, *name);
    int32_t res = read_head(r->path, head, sizeof head - 1, &n);
    if (res)
        return res;
    if (is_arm_elf(head, n))
        return exec_scion(p, r);
    if (n < 2 || head[0] != '#' || head[1] != '!')
        return -ENOEXEC;
    if (depth >= EXEC_MAX_SCRIPT_DEPTH)
        return -ELOOP;
    res = parse_shebang(r, head, n);
    if (res)
        return res;
    if (r->argc == 0)
        r->argv[0] = *name, r->argc = 1, r->argv[1] = NULL;
    push_interp(r, strdup(*name));
    *name = r->argv[0];
    return EXEC_AGAIN;
}

static int32_t do_execve(UserProcess *p, const char *path, uint32_t argv_addr, uint32_t envp_addr)
{
    ExecRequest *r = calloc(1, sizeof *r);
    if (!r)
        return -ENOMEM;
    const char **argv_base = NULL, **envp = NULL;
    int envc = 0, room = 2 * EXEC_MAX_SCRIPT_DEPTH;
    int32_t res = read_strings(p, argv_addr, room, &argv_base, &r->argc);
    if (res == 0)
        res = read_strings(p, envp_addr, 0, &envp, &envc);
    r->argv = argv_base ? argv_base + room : NULL;
    r->envp = envp;
    const char *name = path;
    for (int depth = 0; res == 0 || res == EXEC_AGAIN; depth++)
        res = exec_file(p, r, &name, depth);
    free(argv_base);
    free(envp);
    free(r);
    return res;
}

int32_t sys_execve(UserProcess *p, const uint32_t a[6])
{
    const char *path = guest_str(&p->mem, a[0], PATH_MAX);
    if (!path)
        return -EFAULT;
    return do_execve(p, path, a[1], a[2]);
}

/* execveat(dirfd, path, argv, envp, flags) */
int32_t sys_execveat(UserProcess *p, const uint32_t a[6])
{
    enum { GUEST_AT_EMPTY_PATH = 0x1000 };
    const char *path = guest_str(&p->mem, a[1], PATH_MAX);
    if (!path)
        return -EFAULT;
    char buf[PATH_MAX + 64];
    int dirfd = (int)a[0];
    if (!path[0]) {
        if (!(a[4] & GUEST_AT_EMPTY_PATH))
            return -ENOENT;
        snprintf(buf, sizeof buf, "/dev/fd/%d", dirfd); /* the name Linux gives a script */
        path = buf;
    } else if (path[0] != '/' && dirfd != AT_FDCWD) {
        snprintf(buf, sizeof buf, "/proc/self/fd/%d/%s", dirfd, path);
        path = buf;
    }
    return do_execve(p, path, a[2], a[3]);
}
