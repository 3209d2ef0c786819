/* Conversions between host and ARM EABI structure layouts. */
#include "user/guest_abi.h"

#include <errno.h>
#include <string.h>

int32_t stat_to_guest(UserProcess *p, const struct stat *st, uint32_t addr)
{
    GuestStat64 *g = guest_ptr(&p->mem, addr, sizeof *g, GPAGE_W);
    if (!g)
        return -EFAULT;
    GuestStat64 s;
    memset(&s, 0, sizeof s);
    s.st_dev = st->st_dev;
    s.st_ino_low = (uint32_t)st->st_ino;
    s.st_mode = st->st_mode;
    s.st_nlink = (uint32_t)st->st_nlink;
    s.st_uid = st->st_uid;
    s.st_gid = st->st_gid;
    s.st_rdev = st->st_rdev;
    s.st_size = st->st_size;
    s.st_blksize = (uint32_t)st->st_blksize;
    s.st_blocks = (uint64_t)st->st_blocks;
    s.st_atime_sec = (uint32_t)st->st_atim.tv_sec;
    s.st_atime_nsec = (uint32_t)st->st_atim.tv_nsec;
    s.st_mtime_sec = (uint32_t)st->st_mtim.tv_sec;
    s.st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
    s.st_ctime_sec = (uint32_t)st->st_ctim.tv_sec;
    s.st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
    s.st_ino = st->st_ino;
    memcpy(g, &s, sizeof s);
    return 0;
}
