/* Command-line helpers shared by `scion run` and `scion virt`. */
#ifndef SCION_CLI_UTIL_H
#define SCION_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Print "scion: <fmt with arg>" and the --help hint; returns exit status 2. */
int cli_bad_usage(const char *fmt, const char *arg);
/* "512", "64K", "256M", "1G" -> bytes. */
bool cli_parse_size(const char *s, uint64_t *out);
/* -tb-size N: the baseline code arena in MiB, as QEMU's tb-size; bytes in
 * *out.  False (out of 1..2047, or not a number) is a usage error: blocks
 * jump to each other with 32-bit displacements. */
bool cli_parse_tb_size(const char *s, size_t *out);
/* The code cache directory for a -jit-cache option value (NULL: the
 * default), made absolute; NULL for "off" or when there is no default. */
const char *cli_code_cache_dir(const char *option, char *buf, size_t len);

#endif
