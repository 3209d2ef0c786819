/* The `virt` board: assembly, boot, and the run loop (interrupts, timers,
 * exceptions, PSCI, idle). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "devices/boot.h"
#include "devices/gicv2.h"
#include "devices/pl011.h"
#include "devices/pl031.h"
#include "devices/virt_map.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"
#include "frontend/arm_cp15.h"
#include "frontend/arm_mmu.h"
#include "frontend/arm_sys.h"
#include "system/console.h"
#include "system/sysmem.h"
#include "system/virt.h"
#include "system/migrate.h"
#include "system/virt_board.h"
#include "system/virt_monitor.h"
#include "system/virt_snapshot.h"
#include "ui/stats.h"

/* --- time ----------------------------------------------------------------- */

uint64_t virt_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Host time since start, without the time the guest stood still while
 * -jit sync/always compiled for it; or, with -icount, instructions run. */
uint64_t virt_guest_ns(void *opaque)
{
    VirtBoard *b = opaque;
    if (b->icount_shift >= 0)
        return b->m.cpu.common.icount << b->icount_shift;
    uint64_t now = b->run_state == VIRT_RUNNING ? virt_host_ns() : b->paused_at_ns;
    return now - b->start_ns - __atomic_load_n(&b->m.stats.stalled_ns, __ATOMIC_RELAXED);
}

void virt_set_guest_ns(VirtBoard *b, uint64_t ns)
{
    if (b->icount_shift >= 0)
        return; /* guest time is the instruction count, restored with the CPU */
    __atomic_store_n(&b->m.stats.stalled_ns, 0, __ATOMIC_RELAXED);
    uint64_t now = b->run_state == VIRT_RUNNING ? virt_host_ns() : b->paused_at_ns;
    b->start_ns = now - ns;
}

void virt_pause(VirtBoard *b)
{
    if (b->run_state != VIRT_RUNNING)
        return;
    b->paused_at_ns = virt_host_ns();
    b->run_state = VIRT_PAUSED;
}

void virt_resume(VirtBoard *b)
{
    if (b->run_state == VIRT_RUNNING)
        return;
    b->start_ns += virt_host_ns() - b->paused_at_ns;
    b->run_state = VIRT_RUNNING;
}

/* -icount: the instruction count at which guest time reaches ns. */
static uint64_t ns_to_icount(const VirtBoard *b, uint64_t ns)
{
    return ns == UINT64_MAX ? UINT64_MAX : (ns >> b->icount_shift) + ((ns & ((1ull << b->icount_shift) - 1)) != 0);
}

static uint64_t counter(void *opaque)
{
    return virt_guest_ns(opaque) / NS_PER_TICK;
}

/* Timer outputs to the GIC, and the next deadline for the ticker. */
void virt_update_timers(VirtBoard *b)
{
    ArmCpu *cpu = &b->m.cpu;
    gic_set_irq(&b->gic, VIRT_PPI_NONSECURE_TIMER, arm_timer_irq(cpu, true));
    gic_set_irq(&b->gic, VIRT_PPI_VIRT_TIMER, arm_timer_irq(cpu, false));
    uint64_t d = arm_timer_deadline(cpu);
    atomic_store(&b->deadline_ns, d == UINT64_MAX || d > UINT64_MAX / NS_PER_TICK ? UINT64_MAX : d * NS_PER_TICK);
}

static void timer_changed(void *opaque)
{
    virt_update_timers(opaque);
}

/* Sends the running guest back to the loop when a timer is due or input
 * waits, so compiled loops never delay an interrupt for long. */
static void *ticker_main(void *opaque)
{
    VirtBoard *b = opaque;
    while (!atomic_load(&b->ticker_stop)) {
        struct timespec ts = {0, TICK_MS * 1000000L};
        nanosleep(&ts, NULL);
        bool input = !atomic_load(&b->input_ready) && console_wait(&b->con, 0);
        if (input)
            atomic_store(&b->input_ready, true);
        if (input || virt_guest_ns(b) >= atomic_load(&b->deadline_ns))
            machine_request_exit(&b->m);
    }
    return NULL;
}

/* --- CPU-facing hooks -------------------------------------------------- */

static void tlb_flush(void *opaque)
{
    sysmem_flush_tlb(&((VirtBoard *)opaque)->mem);
}

static void regime_switch(void *opaque)
{
    sysmem_regime_switch(&((VirtBoard *)opaque)->mem);
}

static uint32_t address_translate(void *opaque, uint32_t va, bool user, bool write)
{
    return sysmem_address_translate(&((VirtBoard *)opaque)->mem, va, user, write);
}

static void tlb_flush_page(void *opaque, uint32_t va)
{
    sysmem_flush_page(&((VirtBoard *)opaque)->mem, va);
}

/* GIC outputs: line 0 is IRQ, line 1 FIQ. */
static void cpu_interrupt(void *opaque, unsigned line, bool level)
{
    VirtBoard *b = opaque;
    uint32_t bit = line ? ARM_PENDING_FIQ : ARM_PENDING_IRQ;
    if (level) {
        b->m.cpu.sys.pending |= bit;
        machine_request_exit(&b->m);
    } else {
        b->m.cpu.sys.pending &= ~bit;
    }
}

static void uart_tx(void *opaque, uint8_t byte)
{
    VirtBoard *b = opaque;
    console_write(&b->con, &byte, 1);
}

/* --- assembly ------------------------------------------------------------ */

static bool add_virtio(VirtBoard *b, unsigned slot, const VirtioDeviceOps *ops, void *dev)
{
    IrqLine irq = {gic_set_irq, &b->gic, 32 + VIRT_SPI_MMIO + slot};
    virtio_mmio_init(&b->mmio[slot], &b->bus, &b->m.log, irq, ops, dev);
    uint64_t base = virt_memmap[VIRT_MMIO].base + slot * virt_memmap[VIRT_MMIO].size;
    return bus_add_mmio(&b->bus, "virtio-mmio", base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, &b->mmio[slot]);
}

static bool add_devices(VirtBoard *b, const VirtOptions *o, char *err, size_t errlen)
{
    Log *log = &b->m.log;
    gic_init(&b->gic, log, GIC_NUM_IRQS, (IrqLine){cpu_interrupt, b, 0}, (IrqLine){cpu_interrupt, b, 1});
    pl011_init(&b->uart, log, (IrqLine){gic_set_irq, &b->gic, 32 + VIRT_SPI_UART}, uart_tx, b);
    pl011_ops.write(&b->uart, PL011_CR, 0x301, 4); /* enabled, as firmware leaves it */
    uint64_t rtc_base = o->rtc_base >= 0 ? (uint64_t)o->rtc_base : (uint64_t)time(NULL);
    pl031_init(&b->rtc, log, (IrqLine){gic_set_irq, &b->gic, 32 + VIRT_SPI_RTC}, virt_guest_ns, b, rtc_base);
    bool ok = bus_add_mmio(&b->bus, "gic-dist", virt_memmap[VIRT_GIC_DIST].base, virt_memmap[VIRT_GIC_DIST].size,
                           &gic_dist_ops, &b->gic) &&
              bus_add_mmio(&b->bus, "gic-cpu", virt_memmap[VIRT_GIC_CPU].base, virt_memmap[VIRT_GIC_CPU].size,
                           &gic_cpu_ops, &b->gic) &&
              bus_add_mmio(&b->bus, "pl011", virt_memmap[VIRT_UART].base, virt_memmap[VIRT_UART].size, &pl011_ops,
                           &b->uart) &&
              bus_add_mmio(&b->bus, "pl031", virt_memmap[VIRT_RTC].base, virt_memmap[VIRT_RTC].size, &pl031_ops,
                           &b->rtc);
    /* Disks first, so the first -drive is the guest's vda; then the RNG. */
    unsigned slot = 0;
    for (unsigned i = 0; ok && i < o->ndrives; i++, slot++) {
        const VirtDrive *d = &o->drives[i];
        bool opened = o->incoming ? virtio_blk_open_unlocked(&b->blk[i], d->path, d->readonly, d->snapshot, err, errlen)
                                  : virtio_blk_open(&b->blk[i], d->path, d->readonly, d->snapshot, err, errlen);
        if (!opened)
            return false;
        b->nblk = i + 1;
        b->drive[i] = *d;
        b->drive[i].snapshot = d->snapshot && !d->readonly;
        b->drive_path[i] = realpath(d->path, NULL);
        if (!b->drive_path[i] && !(b->drive_path[i] = strdup(d->path))) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        b->drive[i].path = b->drive_path[i];
        ok = add_virtio(b, slot, &virtio_blk_ops, &b->blk[i]);
    }
    virtio_rng_init(&b->rng, o->rng_seed);
    ok = ok && add_virtio(b, slot++, &virtio_rng_ops, &b->rng);
    for (; ok && slot < VIRT_MMIO_COUNT; slot++)
        ok = add_virtio(b, slot, NULL, NULL);
    if (!ok)
        snprintf(err, errlen, "internal error: the board's address map overlaps");
    return ok;
}

static bool load_boot_images(VirtBoard *b, const VirtOptions *o, char *err, size_t errlen)
{
    BootConfig bc = {.kernel_path = o->kernel, .initrd_path = o->initrd, .dtb_path = o->dtb, .cmdline = o->append,
                     .board = {.virtio_count = VIRT_MMIO_COUNT}};
    BootState st;
    if (!boot_load(&bc, b->ram, virt_memmap[VIRT_MEM].base, b->ram_size, &st, err, errlen))
        return false;
    ArmCpu *cpu = &b->m.cpu;
    cpu->r[0] = st.r0;
    cpu->r[1] = st.r1;
    cpu->r[2] = st.r2;
    cpu->r[15] = st.pc;
    cpu->thumb = st.thumb;
    if (log_on(&b->m.log, LOG_EXEC | LOG_CPU))
        log_printf(&b->m.log, "boot: %s\n", st.desc);
    return true;
}

static VirtBoard *board_new(const VirtOptions *o, char *err, size_t errlen)
{
    VirtBoard *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->ram_size = o->ram_size ? o->ram_size : VIRT_DEFAULT_RAM;
    b->icount_shift = o->icount_shift;
    b->ram = mmap(NULL, b->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (b->ram == MAP_FAILED) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM: %s", (unsigned long long)(b->ram_size >> 20),
                 strerror(errno));
        free(b);
        return NULL;
    }
    b->m.log.mask = o->log_mask;
    b->m.log.out = o->log_out ? o->log_out : stderr;
    b->m.code_arena_size = o->tb_size;
    bus_init(&b->bus, &b->m.log);
    bus_add_ram(&b->bus, "ram", virt_memmap[VIRT_MEM].base, b->ram_size, b->ram);
    b->start_ns = virt_host_ns();
    atomic_store(&b->deadline_ns, UINT64_MAX);
    monitor_init(&b->mon, STDOUT_FILENO);
    sysmem_init(&b->mem, &b->m, &b->bus, b->ram, virt_memmap[VIRT_MEM].base, b->ram_size);
    arm_cpu_reset_system(&b->m.cpu);
    b->hooks = (ArmSysHooks){counter, timer_changed, tlb_flush, tlb_flush_page, regime_switch, address_translate};
    b->m.cpu.hooks = &b->hooks;
    b->m.cpu.hooks_opaque = b;
    sysmem_select_tlb(&b->mem);
    return b;
}

static void board_free(VirtBoard *b)
{
    machine_destroy(&b->m); /* idempotent; stops the compile thread first */
    monitor_close(&b->mon);
    for (unsigned i = 0; i < b->nblk; i++) {
        virtio_blk_close(&b->blk[i]);
        free(b->drive_path[i]);
    }
    munmap(b->ram, b->ram_size);
    free(b);
}

/* --- running ------------------------------------------------------------- */

static void psci_call(VirtBoard *b)
{
    ArmCpu *cpu = &b->m.cpu;
    int32_t ret;
    b->psci_calls++;
    switch (cpu->r[0]) {
    case PSCI_VERSION: ret = 2; break; /* 0.2 */
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET: /* no reboot: like qemu -no-reboot */
        b->off = true;
        b->status = 0;
        return;
    case PSCI_MIGRATE_INFO_TYPE: ret = 2; break; /* no Trusted OS */
    case PSCI_CPU_SUSPEND: cpu->sys.halted = !cpu->sys.pending; ret = 0; break;
    case PSCI_CPU_ON: ret = cpu->r[1] == 0 ? -4 : -2; break; /* ALREADY_ON, INVALID_PARAMETERS */
    case PSCI_AFFINITY_INFO: ret = cpu->r[1] == 0 ? 0 : -2; break;
    case PSCI_CPU_OFF: ret = -3; break; /* DENIED: the last CPU */
    default:
        if (log_on(&b->m.log, LOG_UNIMP))
            log_printf(&b->m.log, "psci: unimplemented function 0x%08x\n", cpu->r[0]);
        ret = -1; /* NOT_SUPPORTED */
        break;
    }
    cpu->r[0] = (uint32_t)ret;
}

static void report_unimplemented(VirtBoard *b)
{
    ArmCpu *cpu = &b->m.cpu;
    if (!log_on(&b->m.log, LOG_UNIMP))
        return;
    char text[80];
    unsigned size;
    machine_disasm_at(&b->m, cpu->r[15], cpu->thumb, text, sizeof text, &size);
    log_printf(&b->m.log, "unimplemented instruction at 0x%08x: %s (taken as UNDEFINED)\n", cpu->r[15], text);
}

static void handle_exit(VirtBoard *b, int kind)
{
    ArmCpu *cpu = &b->m.cpu;
    switch (kind) {
    case IR_EXIT_SYSCALL: arm_take_exception(cpu, ARM_EXC_SVC, cpu->r[15]); break;
    case IR_EXIT_UNIMPL:
        report_unimplemented(b);
        arm_take_exception(cpu, ARM_EXC_UNDEF, cpu->r[15]);
        break;
    case IR_EXIT_UNDEF: arm_take_exception(cpu, ARM_EXC_UNDEF, cpu->r[15]); break;
    case IR_EXIT_BKPT:
        cpu->sys.ifsr = arm_fsr(ARM_FS_DEBUG, 0);
        arm_take_exception(cpu, ARM_EXC_PABT, cpu->r[15]);
        break;
    case IR_EXIT_WFI:
        b->wfis++;
        cpu->sys.halted = !cpu->sys.pending;
        break;
    case IR_EXIT_HVC:
        if (arm_privileged(cpu))
            psci_call(b);
        else
            arm_take_exception(cpu, ARM_EXC_UNDEF, cpu->r[15] - 4);
        break;
    case STEP_FETCH_FAULT: sysmem_prefetch_abort(&b->mem); break;
    default: break; /* branches and yields: just go on */
    }
}

/* Console input (to the UART or the monitor); the ticker's poll says when
 * to look, so the loop does not make a system call per guest exit. */
static void feed_console(VirtBoard *b)
{
    if (!atomic_load(&b->input_ready))
        return;
    virt_feed_console(b);
    if (!console_wait(&b->con, 0) || (!b->mon.console_active && !pl011_can_receive(&b->uart)))
        atomic_store(&b->input_ready, false); /* the UART is full or stdin drained: the ticker looks again */
}

/* Take a pending, unmasked interrupt at this block boundary. */
static void deliver_interrupts(VirtBoard *b)
{
    ArmCpu *cpu = &b->m.cpu;
    if (cpu->sys.pending)
        cpu->sys.halted = 0; /* WFI wakes even for masked interrupts */
    if (!arm_interrupt_deliverable(cpu))
        return;
    bool fiq = (cpu->sys.pending & ARM_PENDING_FIQ) && !(cpu->cpsr_rest & ARM_CPSR_F);
    arm_take_exception(cpu, fiq ? ARM_EXC_FIQ : ARM_EXC_IRQ, cpu->r[15]);
    b->irqs++;
}

/* Instructions between looks at the console in -icount mode. */
#define ICOUNT_SLICE (1u << 22)

/* -icount: run to the next timer deadline (or a slice), so interrupts are
 * taken at the same instruction in every run. */
static void set_icount_limit(VirtBoard *b)
{
    CpuCommon *c = &b->m.cpu.common;
    uint64_t deadline = ns_to_icount(b, atomic_load(&b->deadline_ns));
    uint64_t slice = c->icount + ICOUNT_SLICE;
    c->icount_limit = deadline > c->icount && deadline < slice ? deadline : slice;
    if (b->snapshot_at > c->icount && b->snapshot_at < c->icount_limit)
        c->icount_limit = b->snapshot_at;
}

/* WFI: sleep until the next timer deadline or console input; with
 * -icount, guest time jumps to the deadline instead. */
static void idle(VirtBoard *b)
{
    if (b->icount_shift >= 0) {
        uint64_t deadline = ns_to_icount(b, atomic_load(&b->deadline_ns));
        if (deadline != UINT64_MAX) {
            if (deadline > b->m.cpu.common.icount)
                b->m.cpu.common.icount = deadline;
            return;
        }
    }
    uint64_t now = virt_guest_ns(b), d = atomic_load(&b->deadline_ns);
    int ms = d <= now ? 0 : (d - now) / 1000000u > 10 ? 10 : (int)((d - now + 999999) / 1000000u);
    virt_wait_input(b, ms);
}

/* -snapshot-at: the instruction count is reached; save and end. */
static void freeze(VirtBoard *b)
{
    char err[512];
    VirtSnapInfo info;
    b->off = true;
    if (!virt_snapshot_save(b, b->snapshot_file, &info, err, sizeof err)) {
        fprintf(stderr, "scion: %s\n", err);
        b->status = 1;
        return;
    }
    fprintf(stderr, "scion: snapshot saved at instruction %llu to %s (%llu bytes, %.3f s)\n",
            (unsigned long long)b->m.cpu.common.icount, b->snapshot_file, (unsigned long long)info.bytes,
            info.seconds);
}

/* The monitor between blocks: every few milliseconds of host time, and
 * while the guest is stopped. */
static void service_monitor(VirtBoard *b)
{
    uint64_t now = virt_host_ns();
    if (b->run_state == VIRT_RUNNING && now - b->monitor_polled_ns < MONITOR_POLL_NS)
        return;
    b->monitor_polled_ns = now;
    virt_wait_input(b, b->run_state == VIRT_RUNNING ? 0 : 10);
    feed_console(b);
}

static void step(VirtBoard *b)
{
    b->m.cpu.common.exit_request = 0;
    if (b->snapshot_at && b->m.cpu.common.icount >= b->snapshot_at) {
        freeze(b);
        return;
    }
    migrate_service(b);
    service_monitor(b);
    if (b->run_state != VIRT_RUNNING || b->off)
        return;
    if (b->icount_shift >= 0 && console_wait(&b->con, 0))
        atomic_store(&b->input_ready, true); /* no ticker in -icount mode */
    feed_console(b);
    virt_update_timers(b);
    deliver_interrupts(b);
    if (b->off)
        return;
    if (b->m.cpu.sys.halted) {
        idle(b);
        return;
    }
    sysmem_select_tlb(&b->mem);
    if (b->icount_shift >= 0)
        set_icount_limit(b);
    handle_exit(b, machine_run(&b->m));
}

static void run_loop(VirtBoard *b)
{
    /* A guest abort unwinds here with the exception already taken. */
    setjmp(b->mem.abort_jmp);
    while (!b->off)
        step(b);
}

static bool start_ticker(VirtBoard *b)
{
    b->ticker_started = pthread_create(&b->ticker, NULL, ticker_main, b) == 0;
    return b->ticker_started;
}

static void stop_ticker(VirtBoard *b)
{
    if (!b->ticker_started)
        return;
    atomic_store(&b->ticker_stop, true);
    pthread_join(b->ticker, NULL);
}

static void print_board_stats(VirtBoard *b, double seconds)
{
    stats_print(&b->m, seconds);
    fprintf(stderr, "scion stats: system: %llu interrupts, %llu WFI, %llu aborts, %llu TLB flushes, "
            "%llu regime switches, %llu PSCI calls\n", (unsigned long long)b->irqs, (unsigned long long)b->wfis,
            (unsigned long long)b->mem.aborts, (unsigned long long)b->mem.tlb_flushes,
            (unsigned long long)b->mem.switches, (unsigned long long)b->psci_calls);
}

/* -loadvm and -incoming: the machine's configuration comes from the
 * snapshot's header, checked against what the command line says. */
static bool config_from_snapshot(VirtOptions *o, SnapFile *sf, char *err, size_t errlen)
{
    if (!snap_file_open(sf, o->loadvm, err, errlen))
        return false;
    char why[512];
    if (!virt_snapshot_config(sf->header, o->loadvm, o, why, sizeof why)) {
        snprintf(err, errlen, "snapshot '%s': %s", o->loadvm, why);
        return false;
    }
    return true;
}

static VirtBoard *build_board(const VirtOptions *o, SnapFile *sf, char *err, size_t errlen)
{
    VirtBoard *b = board_new(o, err, errlen);
    if (!b)
        return NULL;
    bool ok = add_devices(b, o, err, errlen);
    if (ok && o->loadvm) {
        char why[512];
        ok = virt_snapshot_load(b, &sf->src, sf->header, why, sizeof why);
        if (!ok)
            snprintf(err, errlen, "snapshot '%s': %s", o->loadvm, why);
    } else if (ok && !o->incoming) {
        ok = load_boot_images(b, o, err, errlen);
    }
    if (ok && o->monitor)
        ok = monitor_listen(&b->mon, o->monitor, err, errlen);
    if (!ok) {
        board_free(b);
        return NULL;
    }
    b->snapshot_at = o->snapshot_at;
    b->snapshot_file = o->snapshot_file;
    return b;
}

static bool start_jit(VirtBoard *b, const VirtOptions *o)
{
    if (o->jit == JIT_CHECK) {
        fprintf(stderr, "scion: -jit check is not available on the virt board yet\n");
        return false;
    }
    b->m.jit_cache_max = o->jit_cache_max;
    b->m.jit_threshold = o->jit_threshold;
    b->m.baseline_mode = o->baseline;
    b->m.jit_count = o->stats;
    b->m.icount = o->icount_shift >= 0;
    if (!machine_enable_jit(&b->m, o->jit, o->jit_cache))
        fprintf(stderr, "scion: the LLVM tier is unavailable; running the interpreter alone\n");
    return true;
}

static void print_state_hash(VirtBoard *b)
{
    uint8_t digest[32];
    virt_state_hash(b, digest);
    fprintf(stderr, "scion: state sha256 ");
    for (unsigned i = 0; i < sizeof digest; i++)
        fprintf(stderr, "%02x", digest[i]);
    fprintf(stderr, " at instruction %llu\n", (unsigned long long)b->m.cpu.common.icount);
}

static int run_board(VirtBoard *b, const VirtOptions *o)
{
    console_open(&b->con);
    if (o->incoming && !migrate_incoming(b, o->incoming)) {
        console_close(&b->con);
        return 1;
    }
    if (o->icount_shift < 0 && !start_ticker(b))
        fprintf(stderr, "scion: cannot start the timer thread; interrupts may be late\n");
    double start = (double)virt_host_ns() * 1e-9;
    run_loop(b);
    stop_ticker(b);
    migrate_cancel(b);
    console_close(&b->con);
    if (o->stats)
        print_board_stats(b, (double)virt_host_ns() * 1e-9 - start);
    if (o->state_hash)
        print_state_hash(b);
    return b->status;
}

int virt_run(const VirtOptions *given)
{
    char err[1024];
    VirtOptions o = *given;
    SnapFile sf = {0};
    if (o.loadvm && !config_from_snapshot(&o, &sf, err, sizeof err)) {
        fprintf(stderr, "scion: %s\n", err);
        snap_file_close(&sf);
        return 1;
    }
    if (o.snapshot_at && o.icount_shift < 0) {
        fprintf(stderr, "scion: -snapshot-at counts instructions: the snapshot was taken without -icount\n");
        snap_file_close(&sf);
        return 1;
    }
    VirtBoard *b = build_board(&o, &sf, err, sizeof err);
    snap_file_close(&sf);
    for (unsigned i = 0; i < VIRT_MAX_DRIVES; i++)
        free(o.owned_paths[i]);
    if (!b) {
        fprintf(stderr, "scion: %s\n", err);
        return 1;
    }
    if (!start_jit(b, &o)) {
        board_free(b);
        return 2;
    }
    int status = run_board(b, &o);
    if (jit_mode(b->m.jit) == JIT_BACKGROUND) {
        monitor_close(&b->mon); /* its socket file goes too */
        fflush(NULL);
        _exit(status); /* as in user mode: never tear LLVM down under the compile thread */
    }
    board_free(b);
    return status;
}
