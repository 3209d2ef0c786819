/* Linux ARM EABI structure layouts that differ from the host's. */
#ifndef SCION_GUEST_ABI_H
#define SCION_GUEST_ABI_H

#include <stdint.h>
#include <sys/stat.h>

#include "user/process.h"

/* struct stat64 as the ARM EABI kernel writes it (104 bytes). */
typedef struct __attribute__((packed)) GuestStat64 {
    uint64_t st_dev;
    uint8_t pad0[4];
    uint32_t st_ino_low;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint8_t pad3[8];
    int64_t st_size;
    uint32_t st_blksize;
    uint8_t pad4[4];
    uint64_t st_blocks;
    uint32_t st_atime_sec, st_atime_nsec;
    uint32_t st_mtime_sec, st_mtime_nsec;
    uint32_t st_ctime_sec, st_ctime_nsec;
    uint64_t st_ino;
} GuestStat64;

_Static_assert(sizeof(GuestStat64) == 104, "ARM EABI stat64 is 104 bytes");

/* Write a host stat as the guest's stat64 at guest address addr. */
int32_t stat_to_guest(UserProcess *p, const struct stat *st, uint32_t addr);

#endif
