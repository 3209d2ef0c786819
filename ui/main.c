/*
 * The scion command line.
 *
 *   scion run [options] PROGRAM [ARGS...]   run a 32-bit ARM Linux program
 *   scion [options] PROGRAM [ARGS...]       the same
 *   scion virt -kernel FILE [options]       boot a system on the virt board
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ui/cli_util.h"
#include "ui/gba_cli.h"
#include "ui/stats.h"
#include "ui/virt_cli.h"
#include "user/elf_load.h"
#include "user/run.h"
#include "user/syscall.h"

/* A leak checker needs the machine torn down at exit to tell leaks from
 * what is still in use; otherwise the kernel takes the address space back
 * at once, and freeing it piece by piece (every block, its code, the
 * caches) was 1.5-2 ms of a 36 ms `ls -l /`. */
#if defined(__SANITIZE_ADDRESS__)
#define TEAR_DOWN_AT_EXIT true
#else
#define TEAR_DOWN_AT_EXIT false
#endif


extern char **environ;

typedef struct Options {
    const char *sysroot;
    const char *logfile;
    const char *argv0;
    unsigned log_mask;
    bool stats;
    JitMode jit;
    BaselineMode baseline;
    const char *jit_cache; /* directory, "off", or NULL for the default */
    uint64_t jit_cache_max; /* bytes, 0 for the default */
    unsigned jit_threshold; /* 0 for the default */
    size_t tb_size; /* bytes of the baseline code arena, 0 for the default */
    int prog_index; /* index in argv of PROGRAM */
} Options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: scion run [options] PROGRAM [ARGS...]\n"
            "       scion virt -kernel FILE [options]   (a whole system: see scion virt --help)\n"
            "       scion gba [options] ROM.gba         (a Game Boy Advance: see scion gba --help)\n"
            "Run a 32-bit ARM (armhf, EABI5) Linux program on this machine.\n\n"
            "Options:\n"
            "  -L DIR          ARM sysroot for the dynamic loader and libraries\n"
            "                  (default: $SCION_LD_PREFIX)\n"
            "  -cpu MODEL      CPU model (cortex-a15, the default and only one)\n"
            "  -strace         log system calls (same as -d strace)\n"
            "  -d ITEM,...     log items; -d help lists them\n"
            "  -D FILE         write logs to FILE instead of stderr\n"
            "  -0 ARGV0        pass ARGV0 as the program's argv[0]\n"
            "  -jit MODE       LLVM tier: off (default: the baseline tier alone), on\n"
            "                  (hot regions compiled in the background), sync (compiled\n"
            "                  before they run again), always (every block), check (always,\n"
            "                  and every block checked against the interpreter)\n"
            "  -baseline MODE  baseline tier (x86-64 code per block once it has run 15\n"
            "                  times): on (default), off (the IR interpreter alone), check\n"
            "                  (every block compiled on its first run and checked against\n"
            "                  the interpreter)\n"
            "  -jit-cache DIR  keep translations and compiled code in DIR for later\n"
            "                  runs of the same program, or 'off'\n"
            "                  (default: $XDG_CACHE_HOME/scion/jit)\n"
            "  -jit-threshold N  interpreted runs of a block before its region is\n"
            "                  compiled (default %u)\n"
            "  -jit-cache-max SIZE  bound of the code cache directory, in bytes or with\n"
            "                  a K, M or G suffix (default 256M); least recently\n"
            "                  used entries go first\n"
            "  -tb-size N      baseline code arena of N MiB (default %zu); when it is\n"
            "                  full, it starts over\n"
            "  --stats         print execution statistics at exit\n"
            "  -h, --help      this help\n"
            "  --version       version\n", JIT_DEFAULT_THRESHOLD, BASELINE_DEFAULT_ARENA >> 20);
}

/* Returns -1 to continue, or an exit status. */
static int parse_options(int argc, char **argv, Options *o)
{
    int i = 1;
    if (i < argc && !strcmp(argv[i], "run"))
        i++;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version") || !strcmp(a, "-version")) {
            printf("scion %s (ARMv7-A user mode and virt board, Cortex-A15)\n", SCION_VERSION);
            return 0;
        } else if (!strcmp(a, "--stats") || !strcmp(a, "-stats")) {
            o->stats = true;
        } else if (!strcmp(a, "-jit") && has_value) {
            if (!jit_parse_mode(argv[++i], &o->jit))
                return cli_bad_usage("unknown -jit mode '%s' (on, off, sync, always, check)", argv[i]);
        } else if (!strcmp(a, "-baseline") && has_value) {
            if (!baseline_parse_mode(argv[++i], &o->baseline))
                return cli_bad_usage("unknown -baseline mode '%s' (on, off, check)", argv[i]);
        } else if (!strcmp(a, "-jit-cache") && has_value) {
            o->jit_cache = argv[++i];
            if (!*o->jit_cache)
                return cli_bad_usage("%s", "-jit-cache needs a directory or 'off'");
        } else if (!strcmp(a, "-jit-threshold") && has_value) {
            uint64_t n;
            if (!cli_parse_size(argv[++i], &n) || n > 1000000000)
                return cli_bad_usage("bad -jit-threshold '%s' (a positive count)", argv[i]);
            o->jit_threshold = (unsigned)n;
        } else if (!strcmp(a, "-tb-size") && has_value) {
            if (!cli_parse_tb_size(argv[++i], &o->tb_size))
                return cli_bad_usage("bad -tb-size '%s' (MiB, 1 to 2047)", argv[i]);
        } else if (!strcmp(a, "-jit-cache-max") && has_value) {
            if (!cli_parse_size(argv[++i], &o->jit_cache_max))
                return cli_bad_usage("bad -jit-cache-max size '%s' (a number with an optional K, M or G)", argv[i]);
        } else if (!strcmp(a, "-strace")) {
            o->log_mask |= LOG_STRACE;
        } else if (!strcmp(a, "-L") && has_value) {
            o->sysroot = argv[++i];
        } else if (!strcmp(a, "-D") && has_value) {
            o->logfile = argv[++i];
        } else if (!strcmp(a, "-0") && has_value) {
            o->argv0 = argv[++i];
        } else if (!strcmp(a, "-cpu") && has_value) {
            const char *model = argv[++i];
            if (strcmp(model, "cortex-a15") && strcmp(model, "max") && strcmp(model, "any"))
                return cli_bad_usage("unknown CPU model '%s' (available: cortex-a15)", model);
        } else if (!strcmp(a, "-d") && has_value) {
            const char *spec = argv[++i], *bad = NULL;
            if (!strcmp(spec, "help")) {
                log_print_help(stdout);
                return 0;
            }
            if (!log_parse(spec, &o->log_mask, &bad))
                return cli_bad_usage("unknown log item in '%s' (see -d help)", spec);
        } else if (!strcmp(a, "--")) {
            i++;
            break;
        } else {
            return cli_bad_usage("unknown or incomplete option '%s'", a);
        }
    }
    if (i >= argc)
        return cli_bad_usage("%s", "no program given");
    o->prog_index = i;
    return -1;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The guest owns descriptors 0-2 and may close them: ls and xz close
 * stderr before exiting.  Scion's own messages (unimplemented syscalls,
 * logs, --stats) keep going where stderr went at startup, through a copy
 * at the highest descriptor the limit allows (capped so the kernel's
 * descriptor table stays small), where the guest's lowest-free
 * allocation does not reach.  Close-on-exec: a guest execve starts a
 * new scion that makes its own copy. */
static void keep_own_stderr(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < 64)
        return;
    rlim_t top = lim.rlim_cur > 1024 ? 1024 : lim.rlim_cur;
    int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, (int)(top - 1));
    if (fd < 0)
        return;
    FILE *own = fdopen(fd, "w");
    if (!own) {
        close(fd);
        return;
    }
    setvbuf(own, NULL, _IONBF, 0);
    stderr = own;
}

#define HEAP_RESERVE (8u << 20)
#define HUGE_PAGE (2u << 20)

/*
 * Translating fills the heap with small blocks (IR, interpreter code,
 * block records: 5.7 MiB for `ls -l /`), each 4 KiB page of it a page
 * fault the first time, a microsecond or more each here: 1200 of a cold
 * start's 2100 faults.  The heap grows by HEAP_RESERVE at once, and that
 * first stretch asks for huge pages: a fault per 2 MiB (857 faults in
 * all, and 6% less time; peak RSS 15.3 -> 16.8 MiB).  Only that stretch:
 * a 32 MiB reserve in huge pages took 509 faults but doubled the peak
 * RSS, as a huge page is resident whole once any byte of it is touched.
 */
static void heap_in_huge_pages(void)
{
    mallopt(M_TOP_PAD, HEAP_RESERVE);
    uintptr_t before = (uintptr_t)sbrk(0);
    void *volatile grow[4] = {0}; /* below the mmap threshold: from the heap's top, until it grows */
    for (int i = 0; i < 4 && (uintptr_t)sbrk(0) == before; i++)
        grow[i] = malloc(64 << 10);
    for (int i = 0; i < 4; i++)
        free(grow[i]);
    uintptr_t after = (uintptr_t)sbrk(0);
    uintptr_t from = (before + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1), to = after & ~(uintptr_t)(HUGE_PAGE - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_HUGEPAGE);
}

static int run_program(const Options *o, int argc, char **argv)
{
    keep_own_stderr();
    heap_in_huge_pages();
    Machine *m = calloc(1, sizeof *m);
    UserProcess *p = calloc(1, sizeof *p);
    if (!m || !p)
        return 1;
    const char *prog = argv[o->prog_index];
    m->log.mask = o->log_mask;
    m->log.out = stderr;
    if (o->logfile && !(m->log.out = fopen(o->logfile, "w"))) {
        fprintf(stderr, "scion: cannot open log file %s: %s\n", o->logfile, strerror(errno));
        return 1;
    }
    if (!guest_mem_init(&p->mem)) {
        fprintf(stderr, "scion: cannot reserve 4 GiB of address space for the guest\n");
        return 1;
    }
    p->machine = m;
    m->user = p;
    p->sysroot = o->sysroot ? o->sysroot : getenv("SCION_LD_PREFIX");
    p->exe_path = prog;
    user_process_set_exec_args(p, argc, argv, o->prog_index);
    ElfInfo info;
    char err[512];
    if (elf_load(&p->mem, prog, p->sysroot, &info, err, sizeof err) != 0) {
        fprintf(stderr, "scion: %s\n", err);
        return 1;
    }
    uint32_t sp;
    char **guest_argv = argv + o->prog_index;
    int guest_argc = argc - o->prog_index;
    if (o->argv0)
        guest_argv[0] = (char *)o->argv0;
    if (elf_map_vectors(&p->mem) != 0 || elf_setup_stack(&p->mem, &info, guest_argc, guest_argv, environ, prog, &sp) != 0) {
        fprintf(stderr, "scion: cannot set up the guest stack\n");
        return 1;
    }
    p->brk_start = p->brk_cur = info.brk;
    arm_cpu_reset_user(&m->cpu);
    m->cpu.common.mem_base = p->mem.base;
    m->guest_segment = guest_mem_segment(&p->mem);
    m->cpu.common.page_flags = p->mem.flags;
    m->cpu.r[13] = sp;
    m->cpu.r[15] = info.start_pc & ~1u;
    m->cpu.thumb = info.start_pc & 1;
    m->code_arena_size = o->tb_size;
    machine_init(m, guest_fetch, &p->mem, guest_protect_code_page, &p->mem);
    char cache_dir[PATH_MAX];
    m->jit_cache_max = o->jit_cache_max;
    m->jit_threshold = o->jit_threshold;
    m->baseline_mode = o->baseline;
    m->jit_count = o->stats; /* counting costs compiled code a little: only when asked */
    if (!machine_enable_jit(m, o->jit, cli_code_cache_dir(o->jit_cache, cache_dir, sizeof cache_dir)))
        fprintf(stderr, "scion: the LLVM tier is unavailable; running the interpreter alone\n");
    machine_enable_translation_cache(m, cli_code_cache_dir(o->jit_cache, cache_dir, sizeof cache_dir),
                                     o->jit_cache != NULL, prog);
    double start = now_seconds();
    int status = user_run(p);
    machine_save_translations(m);
    if (o->stats)
        stats_print(m, now_seconds() - start);
    if (jit_mode(m->jit) == JIT_BACKGROUND || !TEAR_DOWN_AT_EXIT) {
        /* Leave without the teardown (TEAR_DOWN_AT_EXIT) and without exit
         * handlers: the compile thread may be inside LLVM (even still
         * loading it), and they would tear LLVM down under its feet. */
        fflush(NULL);
        _exit(status);
    }
    machine_destroy(m);
    return status;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "virt"))
        return virt_cli_main(argc - 2, argv + 2);
    if (argc > 1 && !strcmp(argv[1], "gba"))
        return gba_cli_main(argc - 2, argv + 2);
    Options o = {.jit = JIT_OFF}; /* the baseline tier alone: faster than tiering to LLVM so far (BENCHMARKS.md) */
    int r = parse_options(argc, argv, &o);
    if (r >= 0)
        return r;
    return run_program(&o, argc, argv);
}
