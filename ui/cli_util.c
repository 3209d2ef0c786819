/* Command-line helpers shared by the user-mode and system-mode front ends. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/baseline.h"
#include "backend/code_cache.h"
#include "ui/cli_util.h"

int cli_bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "scion: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'scion --help'.\n");
    return 2;
}

/* "512", "64K", "256M", "1G" -> bytes. */
bool cli_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (errno || end == s || *end || v == 0 || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool cli_parse_tb_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v < BASELINE_MIN_ARENA >> 20 || v > 2047)
        return false;
    *out = (size_t)v << 20;
    return true;
}

/* -jit-cache: the directory to use (absolute, since the guest changes the
 * working directory and execs more scions), or NULL for none. */
const char *cli_code_cache_dir(const char *option, char *buf, size_t len)
{
    if (!option)
        return code_cache_default_dir(buf, len) ? buf : NULL;
    if (!strcmp(option, "off"))
        return NULL;
    char cwd[PATH_MAX];
    if (option[0] == '/' || !getcwd(cwd, sizeof cwd))
        return option;
    int n = snprintf(buf, len, "%s/%s", cwd, option);
    return n > 0 && (size_t)n < len ? buf : option;
}

