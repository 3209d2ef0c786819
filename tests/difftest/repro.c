/*
 * Reproducer lines: one case per line, "key=value" fields separated by
 * spaces, in any order:
 *
 *   isa=a32|t32
 *   code=HEX,HEX,...   A32 words; T32 halfwords (4 digits) or hw1hw2 (8 digits)
 *   r=R0,...,R14       15 hex words
 *   cpsr=HEX           NZCVQ and GE bits (others ignored)
 *   fpscr=HEX
 *   d=D0,...,D31       32 hex doublewords
 *   mem=HEX            seed of the data region's initial contents
 *
 * Lines starting with '#' and blank lines are ignored by the replayer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tests/difftest/dt.h"

void dt_print_case(FILE *out, const DtCase *c)
{
    fprintf(out, "isa=%s code=", c->isa == DT_A32 ? "a32" : "t32");
    for (unsigned i = 0; i < c->ninsns; i++)
        fprintf(out, c->size[i] == 2 ? "%s%04x" : "%s%08x", i ? "," : "", c->insn[i]);
    fprintf(out, " r=");
    for (unsigned r = 0; r < 15; r++)
        fprintf(out, "%s%08x", r ? "," : "", c->init.r[r]);
    fprintf(out, " cpsr=%08x fpscr=%08x d=", c->init.cpsr, c->init.fpscr);
    for (unsigned i = 0; i < 32; i++)
        fprintf(out, "%s%016" PRIx64, i ? "," : "", c->init.d[i]);
    fprintf(out, " mem=%016" PRIx64 "\n", c->init.mem_seed);
}

/* Parse a comma-separated hex list; returns the count or -1. */
static int parse_list(const char *s, uint64_t *vals, unsigned *digits, int max)
{
    int n = 0;
    while (*s && *s != ' ' && *s != '\n') {
        if (n == max)
            return -1;
        char *end;
        vals[n] = strtoull(s, &end, 16);
        if (end == s)
            return -1;
        if (digits)
            digits[n] = (unsigned)(end - s);
        n++;
        s = end;
        if (*s == ',')
            s++;
    }
    return n;
}

static bool parse_field(const char *key, const char *val, DtCase *c, unsigned *seen)
{
    uint64_t v[DT_MAX_INSNS];
    unsigned digits[DT_MAX_INSNS];
    int n;
    if (!strcmp(key, "isa")) {
        c->isa = !strncmp(val, "t32", 3) ? DT_T32 : DT_A32;
        *seen |= 1;
        return !strncmp(val, "t32", 3) || !strncmp(val, "a32", 3);
    }
    if (!strcmp(key, "code")) {
        n = parse_list(val, v, digits, DT_MAX_INSNS);
        if (n <= 0)
            return false;
        c->ninsns = (unsigned)n;
        for (int i = 0; i < n; i++) {
            c->insn[i] = (uint32_t)v[i];
            c->size[i] = digits[i] <= 4 ? 2 : 4;
        }
        *seen |= 2;
        return true;
    }
    if (!strcmp(key, "r")) {
        if (parse_list(val, v, NULL, 15) != 15)
            return false;
        for (int i = 0; i < 15; i++)
            c->init.r[i] = (uint32_t)v[i];
        *seen |= 4;
        return true;
    }
    if (!strcmp(key, "d")) {
        if (parse_list(val, v, NULL, 32) != 32)
            return false;
        memcpy(c->init.d, v, sizeof c->init.d);
        *seen |= 8;
        return true;
    }
    if (parse_list(val, v, NULL, 1) != 1)
        return false;
    if (!strcmp(key, "cpsr"))
        c->init.cpsr = (uint32_t)v[0] & DT_CPSR_MASK;
    else if (!strcmp(key, "fpscr"))
        c->init.fpscr = (uint32_t)v[0];
    else if (!strcmp(key, "mem"))
        c->init.mem_seed = v[0];
    else
        return false;
    return true;
}

bool dt_parse_case(const char *line, DtCase *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    unsigned seen = 0;
    const char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n')
            break;
        const char *eq = strchr(p, '=');
        const char *sp = strpbrk(p, " \t\n");
        if (!eq || (sp && sp < eq)) {
            snprintf(err, errlen, "expected key=value at \"%.20s\"", p);
            return false;
        }
        char key[16];
        size_t klen = (size_t)(eq - p);
        if (klen >= sizeof key) {
            snprintf(err, errlen, "unknown key at \"%.20s\"", p);
            return false;
        }
        memcpy(key, p, klen);
        key[klen] = 0;
        if (!parse_field(key, eq + 1, c, &seen)) {
            snprintf(err, errlen, "bad value for %s", key);
            return false;
        }
        p = sp ? sp : eq + strlen(eq);
    }
    if ((seen & 3) != 3) {
        snprintf(err, errlen, "a case needs at least isa= and code=");
        return false;
    }
    c->init.r[15] = DT_CODE_ADDR;
    return true;
}
