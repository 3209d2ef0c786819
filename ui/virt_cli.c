/*
 * `scion virt`: the command line of the system board, in QEMU's spelling
 * where QEMU has one (-kernel, -initrd, -append, -dtb, -m, -drive,
 * -nographic, -serial stdio).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/virt.h"
#include "ui/cli_util.h"
#include "ui/virt_cli.h"

static void virt_usage(FILE *out)
{
    fprintf(out,
            "usage: scion virt -kernel FILE [options]\n"
            "Boot an ARMv7-A (Cortex-A15) system on the `virt` board (QEMU virt's map).\n\n"
            "Options:\n"
            "  -kernel FILE    Linux zImage, ELF32 ARM executable, or raw FILE.bin\n"
            "  -initrd FILE    initial RAM disk\n"
            "  -append LINE    kernel command line\n"
            "  -dtb FILE       device tree to use instead of the generated one\n"
            "  -m SIZE         RAM size (default 256M; a plain number means MiB)\n"
            "  -drive file=PATH[,if=virtio][,format=raw][,readonly=on][,snapshot=on]\n"
            "                  a raw disk image on virtio-blk (snapshot=on: writes\n"
            "                  stay in memory, the file is untouched)\n"
            "  -nographic, -serial stdio   console on stdin/stdout (the only one)\n"
            "  -rng-seed N     virtio-rng from a seeded generator (reproducible runs)\n"
            "  -icount N       deterministic time: each instruction is 2^N ns of guest\n"
            "                  time (0..10); timers fire at the same instruction every run\n"
            "  -rtc-base SECS  the RTC's time at power-on, in seconds since 1970\n"
            "                  (default: the host's clock)\n"
            "  -jit MODE, -jit-cache DIR|off, -jit-cache-max SIZE, -jit-threshold N,\n"
            "  -tb-size N\n"
            "                  as for user mode (scion run --help)\n"
            "  -baseline on|off  the baseline tier, or the IR interpreter in its place\n"
            "                  the LLVM tier, as for `scion run`\n"
            "  -d ITEM,...     log items (-d help); -D FILE writes them to FILE\n"
            "  --stats         print execution statistics at exit\n"
            "Snapshots and migration:\n"
            "  -loadvm FILE    start from a snapshot instead of booting (the machine's\n"
            "                  RAM size, clock mode and disks come from FILE; disks are\n"
            "                  looked for at their recorded path, then beside FILE)\n"
            "  -snapshot       every disk gets a copy-on-write overlay in memory (for\n"
            "                  clones of one snapshot)\n"
            "  -monitor unix:PATH   the monitor on a UNIX socket (also Ctrl-A c)\n"
            "  -snapshot-at N -snapshot-file FILE   with -icount: save the machine\n"
            "                  into FILE at the first block boundary at or after N\n"
            "                  instructions (an idle guest may jump past N), then exit\n"
            "  -incoming unix:PATH|tcp:127.0.0.1:PORT   wait for a live migration\n"
            "  -state-hash     print the SHA-256 of the machine state at exit (equal\n"
            "                  for equal runs given -icount, -rng-seed and -rtc-base)\n"
            "Console keys: Ctrl-A x quits, Ctrl-A h helps, Ctrl-A c switches to the\n"
            "monitor and back, Ctrl-A Ctrl-A sends Ctrl-A.\n");
}

/* -m: "256" is MiB as in QEMU; suffixes K, M, G as elsewhere. */
static bool parse_ram(const char *s, uint64_t *out)
{
    char buf[64];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof buf - 1)
        return false;
    memcpy(buf, s, n + 1);
    if (buf[n - 1] >= '0' && buf[n - 1] <= '9')
        strcat(buf, "M");
    return cli_parse_size(buf, out) && *out >= VIRT_MIN_RAM && *out <= VIRT_MAX_RAM && !(*out & 0xfffff);
}

/* -drive file=PATH,if=virtio,format=raw,readonly=on,snapshot=on */
static bool parse_drive(char *spec, VirtDrive *d)
{
    *d = (VirtDrive){0};
    for (char *save = NULL, *item = strtok_r(spec, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (!strncmp(item, "file=", 5))
            d->path = item + 5;
        else if (!strcmp(item, "if=virtio") || !strcmp(item, "format=raw") || !strcmp(item, "media=disk"))
            continue;
        else if (!strcmp(item, "readonly=on") || !strcmp(item, "readonly"))
            d->readonly = true;
        else if (!strcmp(item, "snapshot=on") || !strcmp(item, "snapshot"))
            d->snapshot = true;
        else if (strcmp(item, "readonly=off") && strcmp(item, "snapshot=off"))
            return false;
    }
    return d->path && *d->path;
}

static int parse_log(VirtOptions *o, const char *spec)
{
    const char *bad = NULL;
    if (!strcmp(spec, "help")) {
        log_print_help(stdout);
        return 0;
    }
    if (!log_parse(spec, &o->log_mask, &bad))
        return cli_bad_usage("unknown log item in '%s' (see -d help)", spec);
    return -1;
}

static int parse_jit_option(VirtOptions *o, const char *a, const char *v)
{
    uint64_t n;
    if (!strcmp(a, "-jit")) {
        if (!jit_parse_mode(v, &o->jit))
            return cli_bad_usage("unknown -jit mode '%s' (on, off, sync, always)", v);
    } else if (!strcmp(a, "-baseline")) {
        if (!baseline_parse_mode(v, &o->baseline) || o->baseline == BASELINE_CHECK)
            return cli_bad_usage("unknown -baseline mode '%s' (on, off)", v);
    } else if (!strcmp(a, "-jit-cache")) {
        o->jit_cache = v;
    } else if (!strcmp(a, "-jit-threshold")) {
        if (!cli_parse_size(v, &n) || n > 1000000000)
            return cli_bad_usage("bad -jit-threshold '%s' (a positive count)", v);
        o->jit_threshold = (unsigned)n;
    } else if (!strcmp(a, "-tb-size")) {
        if (!cli_parse_tb_size(v, &o->tb_size))
            return cli_bad_usage("bad -tb-size '%s' (MiB, 1 to 2047)", v);
    } else if (!cli_parse_size(v, &o->jit_cache_max)) {
        return cli_bad_usage("bad -jit-cache-max size '%s' (a number with an optional K, M or G)", v);
    }
    return -1;
}

static bool is_jit_option(const char *a)
{
    return !strcmp(a, "-jit") || !strcmp(a, "-baseline") || !strcmp(a, "-jit-cache") ||
           !strcmp(a, "-jit-threshold") || !strcmp(a, "-jit-cache-max") || !strcmp(a, "-tb-size");
}

/* One option with its value v (NULL if the option takes none); returns -1
 * to go on, or an exit status. */
static int parse_one(VirtOptions *o, const char *a, char *v, const char **logfile)
{
    if (!strcmp(a, "-kernel")) o->kernel = v;
    else if (!strcmp(a, "-loadvm")) o->loadvm = v;
    else if (!strcmp(a, "-snapshot-file")) o->snapshot_file = v;
    else if (!strcmp(a, "-monitor")) o->monitor = v;
    else if (!strcmp(a, "-incoming")) o->incoming = v;
    else if (!strcmp(a, "-initrd")) o->initrd = v;
    else if (!strcmp(a, "-append")) o->append = v;
    else if (!strcmp(a, "-dtb")) o->dtb = v;
    else if (!strcmp(a, "-D")) *logfile = v;
    else if (!strcmp(a, "-d")) return parse_log(o, v);
    else if (is_jit_option(a)) return parse_jit_option(o, a, v);
    else if (!strcmp(a, "-m")) {
        if (!parse_ram(v, &o->ram_size))
            return cli_bad_usage("bad -m size '%s' (16M to 3G, in whole MiB)", v);
    } else if (!strcmp(a, "-drive")) {
        if (o->ndrives == VIRT_MAX_DRIVES)
            return cli_bad_usage("too many -drive options (at most %s)", "8");
        if (!parse_drive(v, &o->drives[o->ndrives++]))
            return cli_bad_usage("bad -drive '%s' (file=PATH[,readonly=on][,snapshot=on])", v);
    } else if (!strcmp(a, "-icount")) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < 0 || n > VIRT_MAX_ICOUNT_SHIFT)
            return cli_bad_usage("bad -icount '%s' (a shift from 0 to 10)", v);
        o->icount_shift = (int)n;
        o->icount_given = true;
    } else if (!strcmp(a, "-snapshot-at")) {
        if (!cli_parse_size(v, &o->snapshot_at) || !o->snapshot_at)
            return cli_bad_usage("bad -snapshot-at '%s' (a positive instruction count)", v);
    } else if (!strcmp(a, "-rtc-base")) {
        char *end;
        long long n = strtoll(v, &end, 10);
        if (*end || end == v || n < 0 || n > 0xffffffffLL)
            return cli_bad_usage("bad -rtc-base '%s' (seconds since 1970)", v);
        o->rtc_base = n;
    } else if (!strcmp(a, "-rng-seed")) {
        if (!cli_parse_size(v, &o->rng_seed))
            return cli_bad_usage("bad -rng-seed '%s' (a positive number)", v);
    } else if ((!strcmp(a, "-M") || !strcmp(a, "-machine")) && strcmp(v, "virt")) {
        return cli_bad_usage("unknown machine '%s' (available: virt)", v);
    } else if (!strcmp(a, "-cpu") && strcmp(v, "cortex-a15")) {
        return cli_bad_usage("unknown CPU model '%s' (available: cortex-a15)", v);
    } else if (!strcmp(a, "-serial") && strcmp(v, "stdio") && strcmp(v, "mon:stdio")) {
        return cli_bad_usage("unsupported -serial '%s' (stdio)", v);
    }
    return -1;
}

static bool takes_value(const char *a)
{
    static const char *const with_value[] = {"-kernel", "-initrd", "-append", "-dtb", "-m", "-drive", "-D", "-d",
                                             "-jit", "-baseline", "-jit-cache", "-jit-threshold", "-jit-cache-max", "-tb-size", "-rng-seed", "-icount", "-rtc-base",
                                             "-M", "-machine", "-cpu", "-serial", "-loadvm", "-snapshot-file", "-monitor", "-incoming",
                                             "-snapshot-at"};
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (!strcmp(a, with_value[i]))
            return true;
    return false;
}

/* Options that only make sense together, or not at all together. */
static int check_combinations(VirtOptions *o)
{
    bool restoring = o->loadvm || o->incoming;
    if (o->loadvm && o->incoming)
        return cli_bad_usage("%s", "-loadvm and -incoming both say where the machine comes from; give one");
    if (restoring && (o->kernel || o->initrd || o->dtb || o->append))
        return cli_bad_usage("%s", "-kernel, -initrd, -dtb and -append boot a new machine; a restored one "
                                   "(-loadvm, -incoming) has them in its RAM already");
    if (!restoring && !o->kernel)
        return cli_bad_usage("%s", "no -kernel given");
    if (!o->snapshot_at != !o->snapshot_file)
        return cli_bad_usage("%s", "-snapshot-at N and -snapshot-file FILE go together");
    if (o->snapshot_at && !o->icount_given && !o->loadvm)
        return cli_bad_usage("%s", "-snapshot-at counts instructions: it needs -icount");
    for (unsigned i = 0; o->all_snapshot && i < o->ndrives; i++)
        o->drives[i].snapshot = !o->drives[i].readonly;
    return -1;
}

static int parse_virt_options(int argc, char **argv, VirtOptions *o, const char **logfile)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
            virt_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--stats") || !strcmp(a, "-stats")) {
            o->stats = true;
        } else if (!strcmp(a, "-nographic")) {
            continue;
        } else if (!strcmp(a, "-snapshot")) {
            o->all_snapshot = true;
        } else if (!strcmp(a, "-state-hash")) {
            o->state_hash = true;
        } else if (takes_value(a)) {
            if (i + 1 >= argc)
                return cli_bad_usage("option '%s' needs a value", a);
            int r = parse_one(o, a, argv[++i], logfile);
            if (r >= 0)
                return r;
        } else {
            return cli_bad_usage("unknown option '%s' for scion virt", a);
        }
    }
    return check_combinations(o);
}

int virt_cli_main(int argc, char **argv)
{
    VirtOptions o = {.jit = JIT_OFF, .icount_shift = -1, .rtc_base = -1}; /* ram_size 0: the default */
    const char *logfile = NULL;
    int r = parse_virt_options(argc, argv, &o, &logfile);
    if (r >= 0)
        return r;
    if (logfile && !(o.log_out = fopen(logfile, "w"))) {
        perror(logfile);
        return 1;
    }
    char cache_dir[PATH_MAX];
    o.jit_cache = cli_code_cache_dir(o.jit_cache, cache_dir, sizeof cache_dir);
    return virt_run(&o);
}
