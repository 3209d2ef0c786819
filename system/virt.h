/*
 * The `virt` board: an ARMv7-A (Cortex-A15) system at QEMU virt's addresses
 * with GICv2, generic timer, PL011, PL031, virtio-mmio disks and RNG, and
 * PSCI over HVC.  virt_run boots a kernel and runs until the guest powers
 * off or the user quits (Ctrl-A x).
 *
 *   VirtOptions o = {.kernel = "vmlinuz", .initrd = "initrd.gz",
 *                    .append = "console=ttyAMA0", .ram_size = 256 << 20};
 *   return virt_run(&o);
 */
#ifndef SCION_VIRT_H
#define SCION_VIRT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend/jit.h"

#define VIRT_MAX_DRIVES 8
#define VIRT_DEFAULT_RAM (256ull << 20)
#define VIRT_MIN_RAM (16ull << 20)
#define VIRT_MAX_RAM (3ull << 30)
#define VIRT_MAX_ICOUNT_SHIFT 10

typedef struct VirtDrive {
    const char *path;
    bool readonly, snapshot;
} VirtDrive;

typedef struct VirtOptions {
    const char *kernel, *initrd, *dtb, *append;
    uint64_t ram_size;
    VirtDrive drives[VIRT_MAX_DRIVES];
    unsigned ndrives;
    uint64_t rng_seed;      /* 0: host entropy */
    int icount_shift;       /* -icount N: 2^N ns of guest time per instruction; -1: host time */
    int64_t rtc_base;       /* RTC at power-on, seconds since the epoch; -1: the host's clock */
    unsigned log_mask;
    FILE *log_out;
    bool stats;
    JitMode jit;
    BaselineMode baseline;
    const char *jit_cache;  /* NULL: no persistent code cache */
    uint64_t jit_cache_max;
    unsigned jit_threshold;
    size_t tb_size;         /* -tb-size: baseline code arena bytes (0: the default) */
    bool icount_given;      /* -icount was on the command line */
    /* Snapshots and migration. */
    const char *loadvm;     /* -loadvm FILE: start from this snapshot */
    bool all_snapshot;      /* -snapshot: every drive gets a copy-on-write overlay */
    uint64_t snapshot_at;   /* -snapshot-at N: freeze after N instructions (-icount) ... */
    const char *snapshot_file; /* ... into this file (-snapshot-file), then exit */
    const char *monitor;    /* -monitor unix:PATH */
    const char *incoming;   /* -incoming unix:PATH | tcp:127.0.0.1:PORT */
    bool state_hash;        /* -state-hash: print the machine state's SHA-256 at exit */
    char *owned_paths[VIRT_MAX_DRIVES]; /* drive paths found from a snapshot (freed by virt_run) */
} VirtOptions;

/* Returns the process exit status (0 after a guest power-off or a quit). */
int virt_run(const VirtOptions *o);

#endif
