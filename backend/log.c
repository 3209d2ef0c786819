/* Logging categories and their command-line names. */
#include "backend/log.h"

#include <stdarg.h>
#include <string.h>

static const struct {
    const char *name;
    unsigned bit;
    const char *help;
} log_items[] = {
    {"in_asm", LOG_IN_ASM, "guest instructions as they are translated"},
    {"op", LOG_OP, "scion IR of each translated block"},
    {"exec", LOG_EXEC, "each block as it is executed"},
    {"cpu", LOG_CPU, "guest registers before each block"},
    {"unimp", LOG_UNIMP, "unimplemented instructions, syscalls and features"},
    {"guest_errors", LOG_GUEST_ERRORS, "guest misbehaviour (bad syscall arguments, ...)"},
    {"strace", LOG_STRACE, "guest system calls"},
    {"signals", LOG_SIGNALS, "guest signal delivery"},
    {"out_asm", LOG_OUT_ASM, "host code the baseline tier emits for each block"},
};

void log_printf(Log *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(l->out ? l->out : stderr, fmt, ap);
    va_end(ap);
}

static bool parse_item(const char *item, size_t len, unsigned *mask)
{
    if (len == 3 && !strncmp(item, "all", 3)) {
        for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++)
            *mask |= log_items[i].bit;
        return true;
    }
    for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++)
        if (strlen(log_items[i].name) == len && !strncmp(item, log_items[i].name, len)) {
            *mask |= log_items[i].bit;
            return true;
        }
    return false;
}

bool log_parse(const char *spec, unsigned *mask, const char **bad)
{
    const char *p = spec;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (!parse_item(p, len, mask)) {
            *bad = p;
            return false;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

void log_print_help(FILE *out)
{
    fprintf(out, "Log items (-d item,...):\n");
    for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++)
        fprintf(out, "  %-13s %s\n", log_items[i].name, log_items[i].help);
    fprintf(out, "  %-13s %s\n", "all", "everything above");
}
