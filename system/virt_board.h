/*
 * The `virt` board's innards, shared by its run loop (system/virt.c), its
 * snapshots (system/virt_snapshot.c) and its monitor (system/virt_monitor.c).
 * Not an interface for anything else: see system/virt.h.
 */
#ifndef SCION_VIRT_BOARD_H
#define SCION_VIRT_BOARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/gicv2.h"
#include "devices/pl011.h"
#include "devices/pl031.h"
#include "devices/virt_map.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"
#include "system/console.h"
#include "system/monitor.h"
#include "system/sysmem.h"
#include "system/virt.h"

#define GIC_NUM_IRQS 288
#define NS_PER_TICK 16 /* the 62.5 MHz system counter */
#define TICK_MS 1      /* how often the ticker looks at deadlines and input */
#define MONITOR_POLL_NS 5000000u /* how often a running machine looks at the monitor */

/* What the machine is doing, as `info status` says it. */
typedef enum VirtRunState { VIRT_RUNNING, VIRT_PAUSED, VIRT_POSTMIGRATE } VirtRunState;

typedef struct VirtBoard {
    Machine m;
    SysMem mem;
    Bus bus;
    Gic gic;
    Pl011 uart;
    Pl031 rtc;
    VirtioMmio mmio[VIRT_MMIO_COUNT];
    VirtioBlk blk[VIRT_MAX_DRIVES];
    VirtDrive drive[VIRT_MAX_DRIVES]; /* as opened (path made absolute) */
    char *drive_path[VIRT_MAX_DRIVES];
    unsigned nblk;
    VirtioRng rng;
    uint8_t *ram;
    uint64_t ram_size;
    Console con;
    Monitor mon;
    ArmSysHooks hooks;
    uint64_t start_ns;
    _Atomic uint64_t deadline_ns; /* next timer event (guest ns), UINT64_MAX: none */
    atomic_bool ticker_stop;
    atomic_bool input_ready;   /* the ticker saw console input waiting */
    pthread_t ticker;
    bool ticker_started;
    int icount_shift; /* -1: guest time follows the host clock */
    VirtRunState run_state;
    uint64_t paused_at_ns;    /* host time when the guest was stopped */
    uint64_t monitor_polled_ns;
    uint64_t snapshot_at;     /* -snapshot-at: instruction count to freeze at (0: none) */
    const char *snapshot_file;
    char snap_info[1024];     /* what the last savevm/loadvm did, for `info snapshot` */
    char migrate_info[512];   /* the same for migrations */
    struct Migration *migration; /* outgoing migration in progress, or NULL */
    uint8_t *dirty;           /* while migrating: one byte per RAM page written since the last round */
    bool off;
    int status;
    uint64_t irqs, wfis, psci_calls;
} VirtBoard;

uint64_t virt_host_ns(void);
/* Guest time in ns: host time since start (less stalls) or, with -icount,
 * instructions run. */
uint64_t virt_guest_ns(void *board);
/* Sets guest time to ns from now on (after loading a snapshot). */
void virt_set_guest_ns(VirtBoard *b, uint64_t ns);
/* Recomputes the timers' outputs and the next deadline. */
void virt_update_timers(VirtBoard *b);
/* Stops or restarts the guest; guest time stands still while stopped. */
void virt_pause(VirtBoard *b);
void virt_resume(VirtBoard *b);

#endif
