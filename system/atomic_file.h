/*
 * Writing a file so that a crash or a full disk never leaves it half
 * written: a temporary file beside it, fsync, rename over the old one,
 * fsync of the directory.
 */
#ifndef SCION_ATOMIC_FILE_H
#define SCION_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* fsync the directory holding path, so a rename in it reaches the disk. */
void atomic_sync_parent_dir(const char *path);
/* False with a message naming the problem in err (the old file untouched). */
bool atomic_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
