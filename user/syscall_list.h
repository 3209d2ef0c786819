/* The implemented Linux ARM EABI syscalls: X(number, name, handler). */
#ifndef SCION_SYSCALL_LIST_H
#define SCION_SYSCALL_LIST_H

#define SCION_SYSCALLS(X)                                  \
    /* process */                                          \
    X(1, exit, sys_exit)                                   \
    X(248, exit_group, sys_exit_group)                     \
    X(20, getpid, sys_getpid)                              \
    X(224, gettid, sys_gettid)                             \
    X(256, set_tid_address, sys_set_tid_address)           \
    X(338, set_robust_list, sys_set_robust_list)           \
    X(122, uname, sys_uname)                               \
    X(0xf0005, ARM_set_tls, sys_arm_set_tls)               \
    X(0xf0002, ARM_cacheflush, sys_arm_cacheflush)         \
    /* memory */                                           \
    X(45, brk, sys_brk)                                    \
    X(192, mmap2, sys_mmap2)                               \
    X(91, munmap, sys_munmap)                              \
    X(125, mprotect, sys_mprotect)                         \
    X(163, mremap, sys_mremap)                             \
    X(220, madvise, sys_madvise)                           \
    /* files (minimal set; see sys_fs.c) */                \
    X(3, read, sys_read)                                   \
    X(4, write, sys_write)                                 \
    X(6, close, sys_close)                                 \
    X(322, openat, sys_openat)                             \
    X(146, writev, sys_writev)                             \
    X(197, fstat64, sys_fstat64)                           \
    X(54, ioctl, sys_ioctl)

#endif
