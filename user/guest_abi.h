/* Linux ARM EABI structure layouts that differ from the host's. */
#ifndef SCION_GUEST_ABI_H
#define SCION_GUEST_ABI_H

#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>

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

/* struct statfs64 (packed to 84 bytes on ARM EABI). */
typedef struct __attribute__((packed)) GuestStatfs64 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags;
    uint32_t f_spare[4];
} GuestStatfs64;

_Static_assert(sizeof(GuestStatfs64) == 84, "ARM EABI statfs64 is 84 bytes");

/* struct flock64: 64-bit offsets aligned to 8 (32 bytes). */
typedef struct __attribute__((packed)) GuestFlock64 {
    int16_t l_type, l_whence;
    uint32_t pad;
    int64_t l_start, l_len;
    int32_t l_pid;
    uint32_t pad2;
} GuestFlock64;

_Static_assert(sizeof(GuestFlock64) == 32, "ARM EABI flock64 is 32 bytes");

/* struct flock with 32-bit off_t (16 bytes). */
typedef struct GuestFlock {
    int16_t l_type, l_whence;
    int32_t l_start, l_len;
    int32_t l_pid;
} GuestFlock;

/* siginfo_t: three ints, then a union of 4-byte words (128 bytes). */
typedef struct GuestSiginfo {
    int32_t si_signo, si_errno, si_code;
    uint32_t f[29];
} GuestSiginfo;

_Static_assert(sizeof(GuestSiginfo) == 128, "siginfo is 128 bytes");

/* struct epoll_event: not packed on ARM (16 bytes). */
typedef struct GuestEpollEvent {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
} GuestEpollEvent;

/* Write a host stat as the guest's stat64 at guest address addr. */
int32_t stat_to_guest(UserProcess *p, const struct stat *st, uint32_t addr);
int32_t statfs_to_guest(UserProcess *p, const struct statfs *st, uint32_t addr);
/* struct rusage with 32-bit longs (72 bytes). */
int32_t rusage_to_guest(UserProcess *p, const struct rusage *ru, uint32_t addr);

/* siginfo between the host and the guest layout (by signal and code, as
 * the kernel decides which union member is valid). */
void siginfo_to_guest(const siginfo_t *h, GuestSiginfo *g);
void siginfo_from_guest(const GuestSiginfo *g, siginfo_t *h);

#endif
