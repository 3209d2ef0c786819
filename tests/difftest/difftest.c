/*
 * difftest: random A32/T32 instructions run under scion and Unicorn from
 * the same state; any difference in registers, flags, VFP state or data
 * memory is a failure, printed as a one-line reproducer for --replay.
 *
 *   difftest [--seed N] [--count N] [--isa a32|t32|both] [--block 1|5|100]
 *            [--tier interp|baseline|jit|both|all] [--max-fail N] [--quiet]
 *   (both: interp and jit; all: the three tiers)
 *   difftest --replay FILE [--tier ...]
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tests/difftest/casegen.h"
#include "tests/difftest/runners.h"

typedef struct Options {
    uint64_t seed;
    unsigned long count;
    int isa;       /* DT_A32, DT_T32, or -1 for both */
    unsigned block;
    bool interp, baseline, jit;
    unsigned max_fail;
    bool quiet, minimize, trace, brief, show_skips, coverage;
    const char *replay;
} Options;

typedef struct Session {
    Options opt;
    DtChecker *chk;
    ScionRunner *scion;
    UcRunner *uc;
    DtStats rejects, skips, templates;
    unsigned long passed, failed, skipped;
} Session;

typedef enum Verdict { V_PASS, V_FAIL, V_SKIP } Verdict;

static const char *tier_name(DtTier t)
{
    return t == DT_TIER_JIT ? "scion-jit" : t == DT_TIER_BASELINE ? "scion-baseline" : "scion-interp";
}

/* Compare one scion run with the reference; on a skip, *why says why. */
static Verdict judge(const DtResult *ref, const DtResult *got, const char **why)
{
    if (ref->stop == DT_STOP_END && got->stop == DT_STOP_END)
        return V_PASS; /* states compared by the caller */
    if (ref->stop == DT_STOP_FAULT && got->stop == DT_STOP_FAULT) {
        *why = "memory fault on both sides";
        return V_SKIP;
    }
    if (ref->stop == DT_STOP_ALIGN && got->stop == DT_STOP_END) {
        *why = "alignment fault in Unicorn (scion does unaligned accesses, as Linux fixes them up)";
        return V_SKIP;
    }
    if (ref->stop == DT_STOP_ALIGN && got->stop == DT_STOP_FAULT) {
        *why = "alignment fault in Unicorn, memory fault in scion";
        return V_SKIP;
    }
    if (ref->stop == DT_STOP_UNDEF && got->stop == DT_STOP_UNDEF) {
        *why = "undefined on both sides";
        return V_SKIP;
    }
    return V_FAIL;
}

/* What kind of failure: tier and both stop reasons (the minimizer keeps
 * only reductions that fail the same way). */
static int signature(DtTier tier, const DtResult *got, const DtResult *ref)
{
    return (int)tier * 100 + (int)got->stop * 10 + (int)ref->stop;
}

static Verdict run_tier(Session *s, const DtCase *c, const DtResult *ref, DtTier tier, FILE *diff, int *sig)
{
    DtResult got;
    const char *why = NULL;
    scion_run(s->scion, c, tier, &got);
    *sig = signature(tier, &got, ref);
    Verdict v = judge(ref, &got, &why);
    if (v == V_SKIP) {
        char mn[32], reason[160];
        dt_mnemonic_at(s->chk, c, ref->stop_pc, mn, sizeof mn);
        snprintf(reason, sizeof reason, "%s [%s]", why, mn);
        dt_stats_add(&s->skips, reason);
        if (s->opt.show_skips)
            printf("  skipped: %s: %s stopped at %08x (%s), unicorn at %08x (%s)\n", reason, tier_name(tier),
                   got.stop_pc, got.why, ref->stop_pc, ref->why);
        return V_SKIP;
    }
    if (v == V_FAIL) {
        if (diff)
            dt_compare(&got, ref, tier_name(tier), "unicorn", diff);
        return V_FAIL;
    }
    FILE *sink = diff ? diff : fopen("/dev/null", "w");
    unsigned n = dt_compare(&got, ref, tier_name(tier), "unicorn", sink);
    if (!diff)
        fclose(sink);
    return n ? V_FAIL : V_PASS;
}

/* Run a case on every selected tier; diff (may be NULL) gets differences,
 * sig the failure's signature. */
static Verdict run_case(Session *s, const DtCase *c, FILE *diff, int *sig)
{
    DtResult ref;
    uc_run(s->uc, c, &ref);
    Verdict out = V_PASS;
    DtTier tiers[3];
    unsigned nt = 0;
    if (s->opt.interp)
        tiers[nt++] = DT_TIER_INTERP;
    if (s->opt.baseline)
        tiers[nt++] = DT_TIER_BASELINE;
    if (s->opt.jit)
        tiers[nt++] = DT_TIER_JIT;
    for (unsigned i = 0; i < nt; i++) {
        Verdict v = run_tier(s, c, &ref, tiers[i], diff, sig);
        if (v == V_FAIL)
            return V_FAIL;
        if (v == V_SKIP)
            out = V_SKIP;
    }
    return out;
}

static uint32_t nop_for(const DtCase *c, unsigned i)
{
    if (c->isa == DT_A32)
        return 0xe320f000u;
    return c->size[i] == 2 ? 0xbf00u : 0xf3af8000u;
}

/* Replace instructions by NOPs, last first, while the case still fails
 * the same way. */
static void minimize(Session *s, DtCase *c)
{
    int sig0, sig;
    if (run_case(s, c, NULL, &sig0) != V_FAIL)
        return;
    for (unsigned i = c->ninsns; i-- > 0;) {
        uint32_t keep = c->insn[i];
        if (keep == nop_for(c, i))
            continue;
        c->insn[i] = nop_for(c, i);
        if (run_case(s, c, NULL, &sig) != V_FAIL || sig != sig0)
            c->insn[i] = keep;
    }
}

static void print_state(FILE *out, const DtState *st)
{
    for (unsigned r = 0; r < 15; r++)
        fprintf(out, "%sr%-2u=%08x", r % 5 ? "  " : "    ", r, st->r[r]);
    fprintf(out, "\n    cpsr=%08x (N%u Z%u C%u V%u Q%u GE=%x)  fpscr=%08x\n", st->cpsr, st->cpsr >> 31,
            st->cpsr >> 30 & 1, st->cpsr >> 29 & 1, st->cpsr >> 28 & 1, st->cpsr >> 27 & 1, st->cpsr >> 16 & 0xf,
            st->fpscr);
    for (unsigned i = 0; i < 32; i++)
        fprintf(out, "%sd%-2u=%016llx", i % 4 ? "  " : "    ", i, (unsigned long long)st->d[i]);
    fprintf(out, "\n    data memory: seed %016llx\n", (unsigned long long)st->mem_seed);
}

static void report_failure(Session *s, DtCase *c, const char *what)
{
    if (s->opt.minimize && c->ninsns > 1)
        minimize(s, c);
    int sig;
    printf("FAIL %s (%s, %u instructions)\n", what, c->isa == DT_A32 ? "a32" : "t32", c->ninsns);
    if (!s->opt.brief) {
        printf("  reproducer (for --replay):\n");
        dt_print_case(stdout, c);
    }
    printf("  code:\n");
    dt_listing(s->chk, c, stdout);
    if (!s->opt.brief) {
        printf("  initial state:\n");
        print_state(stdout, &c->init);
    }
    printf("  differences:\n");
    fflush(stdout);
    if (run_case(s, c, stdout, &sig) != V_FAIL)
        printf("    (the minimized case no longer fails)\n");
    printf("\n");
    fflush(stdout);
}

static void count(Session *s, Verdict v, DtCase *c, const char *what)
{
    if (v == V_PASS)
        s->passed++;
    else if (v == V_SKIP) {
        s->skipped++;
        if (s->opt.show_skips) {
            printf("SKIP %s:\n", what);
            dt_print_case(stdout, c);
            dt_listing(s->chk, c, stdout);
        }
    }
    else {
        s->failed++;
        if (s->failed <= s->opt.max_fail)
            report_failure(s, c, what);
    }
}

static void random_run(Session *s)
{
    Rng master;
    rng_seed(&master, s->opt.seed);
    DtCase *c = malloc(sizeof *c);
    if (!c)
        abort();
    for (unsigned long i = 0; i < s->opt.count && s->failed < s->opt.max_fail; i++) {
        Rng rng;
        rng_seed(&rng, rng_next(&master));
        DtIsa isa = s->opt.isa >= 0 ? (DtIsa)s->opt.isa : (DtIsa)(i & 1);
        dt_gen_case(s->chk, &rng, isa, s->opt.block, c, &s->rejects);
        int sig;
        char what[64];
        snprintf(what, sizeof what, "case %lu of seed %llu", i, (unsigned long long)s->opt.seed);
        count(s, run_case(s, c, NULL, &sig), c, what);
    }
    free(c);
}

static int replay(Session *s)
{
    FILE *f = fopen(s->opt.replay, "r");
    if (!f) {
        fprintf(stderr, "difftest: %s: %s\n", s->opt.replay, strerror(errno));
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    DtCase *c = malloc(sizeof *c);
    if (!c)
        abort();
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        const char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || !*p)
            continue;
        char err[128], what[64];
        if (!dt_parse_case(p, c, err, sizeof err)) {
            fprintf(stderr, "difftest: %s:%u: %s\n", s->opt.replay, lineno, err);
            s->failed++;
            continue;
        }
        int sig;
        snprintf(what, sizeof what, "%s:%u", s->opt.replay, lineno);
        count(s, run_case(s, c, NULL, &sig), c, what);
    }
    free(c);
    free(line);
    fclose(f);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: difftest [--seed N] [--count N] [--isa a32|t32|both] [--block 1|5|100]\n"
                 "                [--tier interp|baseline|jit|both|all] [--max-fail N] [--no-minimize] [--quiet] [--brief] [--trace]\n"
                 "                [--coverage] [--show-skips]\n"
                 "       difftest --replay FILE [--tier interp|baseline|jit|both|all]\n");
}

static bool parse_tier(Options *o, const char *v)
{
    bool all = !strcmp(v, "all");
    o->interp = all || !strcmp(v, "interp") || !strcmp(v, "both");
    o->baseline = all || !strcmp(v, "baseline");
    o->jit = all || !strcmp(v, "jit") || !strcmp(v, "both");
    return o->interp || o->baseline || o->jit;
}

/* Options without a value; returns false if a is none of them. */
static bool parse_flag(Options *o, const char *a)
{
    static const struct {
        const char *name;
        size_t off;
        bool value;
    } flags[] = {
        {"--quiet", offsetof(Options, quiet), true},         {"--coverage", offsetof(Options, coverage), true},
        {"--show-skips", offsetof(Options, show_skips), true}, {"--brief", offsetof(Options, brief), true},
        {"--trace", offsetof(Options, trace), true},         {"--no-minimize", offsetof(Options, minimize), false},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strcmp(a, flags[i].name)) {
            *(bool *)((char *)o + flags[i].off) = flags[i].value;
            return true;
        }
    return false;
}

/* Options with a value v; returns false for an unknown option or bad value. */
static bool parse_valued(Options *o, const char *a, const char *v)
{
    if (!strcmp(a, "--seed"))
        o->seed = strtoull(v, NULL, 0);
    else if (!strcmp(a, "--count"))
        o->count = strtoul(v, NULL, 0);
    else if (!strcmp(a, "--max-fail"))
        o->max_fail = (unsigned)strtoul(v, NULL, 0);
    else if (!strcmp(a, "--isa"))
        o->isa = !strcmp(v, "a32") ? DT_A32 : !strcmp(v, "t32") ? DT_T32 : !strcmp(v, "both") ? -1 : -2;
    else if (!strcmp(a, "--block"))
        o->block = (unsigned)strtoul(v, NULL, 0);
    else if (!strcmp(a, "--tier"))
        return parse_tier(o, v);
    else if (!strcmp(a, "--replay"))
        o->replay = v;
    else
        return false;
    return o->isa != -2 && o->block >= 1 && o->block <= 100;
}

static bool parse_opts(int argc, char **argv, Options *o)
{
    *o = (Options){.seed = 1, .count = 1000, .isa = -1, .block = 1, .interp = true, .jit = true,
                   .max_fail = 10, .minimize = true};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (parse_flag(o, a))
            continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (!v || !parse_valued(o, a, v)) {
            fprintf(stderr, "difftest: bad option %s%s%s\n", a, v ? " " : "", v ? v : "");
            usage(stderr);
            return false;
        }
        i++;
    }
    return true;
}

int main(int argc, char **argv)
{
    Session *s = calloc(1, sizeof *s);
    if (!s || !parse_opts(argc, argv, &s->opt))
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    s->chk = dt_checker_new();
    s->scion = scion_runner_new(s->opt.jit);
    s->uc = uc_runner_new();
    if (s->opt.trace)
        scion_runner_trace(s->scion, stdout);
    if (s->opt.coverage)
        dt_checker_count_templates(s->chk, &s->templates);
    int rc = 0;
    if (s->opt.replay)
        rc = replay(s);
    else
        random_run(s);
    if (s->opt.coverage)
        dt_stats_print(&s->templates, stdout, "instructions generated, by template");
    if (!s->opt.quiet) {
        dt_stats_print(&s->rejects, stdout, "candidates rejected (redrawn)");
        dt_stats_print(&s->skips, stdout, "runs skipped");
    }
    printf("%lu passed, %lu failed, %lu skipped\n", s->passed, s->failed, s->skipped);
    if (s->failed)
        rc = 1;
    uc_runner_free(s->uc);
    scion_runner_free(s->scion);
    dt_checker_free(s->chk);
    free(s);
    return rc;
}
