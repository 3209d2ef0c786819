/*
 * Logging by category, QEMU -d style.  Categories are bits in Log.mask;
 * disabled categories cost one test.  Guest errors (the guest did something
 * wrong) are kept apart from unimplemented features (scion lacks something).
 *
 *   if (log_on(&m->log, LOG_UNIMP)) log_printf(&m->log, "...");
 */
#ifndef SCION_LOG_H
#define SCION_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum {
    LOG_IN_ASM = 1u << 0,       /* guest instructions as they are translated */
    LOG_OP = 1u << 1,           /* IR of each translated block */
    LOG_EXEC = 1u << 2,         /* each block as it is executed */
    LOG_CPU = 1u << 3,          /* registers before each block */
    LOG_UNIMP = 1u << 4,        /* unimplemented instructions, syscalls, features */
    LOG_GUEST_ERRORS = 1u << 5, /* guest misbehaviour scion tolerates */
    LOG_STRACE = 1u << 6,       /* syscalls (also -strace) */
    LOG_SIGNALS = 1u << 7,      /* guest signal delivery */
    LOG_OUT_ASM = 1u << 8,      /* host code of each block the baseline tier compiles */
};

typedef struct Log {
    unsigned mask;
    FILE *out; /* stderr unless -D */
} Log;

static inline bool log_on(const Log *l, unsigned cat)
{
    return (l->mask & cat) != 0;
}

void log_printf(Log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse "in_asm,exec,unimp"; on error returns false and names the bad item. */
bool log_parse(const char *spec, unsigned *mask, const char **bad);
void log_print_help(FILE *out);

#endif
