/* The GBA machine: assembly, the scanline clock, interrupts, the HLE BIOS
 * glue, and the frame loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gba_bios.h"
#include "frontend/arm_sys.h"
#include "system/gba_board.h"

/* --- the BIOS ---------------------------------------------------------------- */

/* scion's own BIOS image for the HLE mode: exception vectors and the IRQ
 * dispatcher that games rely on (it calls the handler whose address they
 * store at 0x03007ffc, in IRQ mode, with r0-r3, r12 and lr saved).  SWIs
 * never reach it: the run loop performs them in C (devices/gba_bios.c). */
static const struct {
    uint32_t offset, word;
} hle_bios_code[] = {
    {0x000, 0xe3a0f408}, /* reset: mov pc, #0x08000000 */
    {0x004, 0xe1b0f00e}, /* undefined instruction: movs pc, lr (skip it) */
    {0x008, 0xe1b0f00e}, /* SWI (only with -bios): movs pc, lr */
    {0x00c, 0xe25ef004}, /* prefetch abort: subs pc, lr, #4 */
    {0x010, 0xe25ef008}, /* data abort: subs pc, lr, #8 */
    {0x014, 0xeafffffe}, /* reserved: b . */
    {0x018, 0xea000042}, /* IRQ: b 0x128 */
    {0x01c, 0xe25ef004}, /* FIQ: subs pc, lr, #4 */
    {0x128, 0xe92d500f}, /* stmfd sp!, {r0-r3, r12, lr} */
    {0x12c, 0xe3a00301}, /* mov r0, #0x04000000 */
    {0x130, 0xe28fe000}, /* add lr, pc, #0 */
    {0x134, 0xe510f004}, /* ldr pc, [r0, #-4]: the handler at 0x03fffffc = 0x03007ffc */
    {0x138, 0xe8bd500f}, /* ldmfd sp!, {r0-r3, r12, lr} */
    {0x13c, 0xe25ef004}, /* subs pc, lr, #4 */
};

/* What BIOS reads return from outside the BIOS (GBATEK "BIOS ROM"): the
 * last opcode it fetched, after boot, during an IRQ and after a SWI. */
enum { BIOS_LATCH_BOOT = 0xe129f000, BIOS_LATCH_IRQ = 0xe25ef004, BIOS_LATCH_SWI = 0xe3a02004 };

static void install_hle_bios(Gba *g)
{
    memset(g->bios, 0, sizeof g->bios);
    for (size_t i = 0; i < sizeof hle_bios_code / sizeof hle_bios_code[0]; i++)
        memcpy(g->bios + hle_bios_code[i].offset, &hle_bios_code[i].word, 4);
}

static bool load_bios(Gba *g, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open BIOS '%s': %s", path, strerror(errno));
        return false;
    }
    size_t n = fread(g->bios, 1, sizeof g->bios, f);
    int extra = fgetc(f);
    fclose(f);
    if (n != sizeof g->bios || extra != EOF) {
        snprintf(err, errlen, "BIOS '%s' is not a 16 KiB GBA BIOS image", path);
        return false;
    }
    return true;
}

/* The CPU as the BIOS leaves it when it starts the cartridge (GBATEK
 * "BIOS RAM Usage"): stacks of SVC, IRQ and System mode set up, System
 * mode with interrupts enabled, ARM state at 0x08000000. */
static void reset_after_bios(Gba *g, uint32_t entry)
{
    ArmCpu *cpu = &g->m.cpu;
    arm_cpu_reset_system(cpu);
    cpu->r[13] = 0x03007fe0u;
    arm_switch_mode(cpu, ARM_MODE_IRQ);
    cpu->r[13] = 0x03007fa0u;
    arm_switch_mode(cpu, ARM_MODE_SYS);
    cpu->r[13] = 0x03007f00u;
    cpu->cpsr_rest = ARM_MODE_SYS;
    cpu->r[15] = entry;
    g->regs.bios_latch = BIOS_LATCH_BOOT;
}

/* --- time and events ------------------------------------------------------------ */

static uint64_t now(const Gba *g)
{
    return g->m.cpu.common.icount;
}

void gba_raise_irq(Gba *g, uint16_t bits)
{
    g->regs.iflags |= bits;
    machine_request_exit(&g->m);
}

void gba_run_dma(Gba *g, unsigned timing, unsigned channels)
{
    uint16_t irq = 0;
    GbaBus bus = g->bus;
    g->m.cpu.common.icount += gba_dma_run(&g->dma, timing, channels, &bus, &irq);
    if (irq)
        gba_raise_irq(g, irq);
}

/* A FIFO wants more samples: the sound DMA channel feeding it runs. */
static void refill_fifos(Gba *g, unsigned fifos)
{
    for (unsigned ch = 1; ch <= 2; ch++) {
        uint32_t dst = g->dma.ch[ch].dad & 0x0fffffffu;
        bool feeds_a = dst == GBA_IO_BASE + GBA_REG_FIFO_A, feeds_b = dst == GBA_IO_BASE + GBA_REG_FIFO_B;
        if (((fifos & 1) && feeds_a) || ((fifos & 2) && feeds_b))
            gba_run_dma(g, GBA_DMA_AT_SPECIAL, 1u << ch);
    }
}

static void timer_overflow(void *opaque, unsigned n)
{
    Gba *g = opaque;
    if (g->timers.control[n] & GBA_TIMER_IRQ)
        gba_raise_irq(g, (uint16_t)(GBA_IRQ_TIMER0 << n));
    if (n < 2) {
        unsigned fifos = gba_apu_timer_overflow(&g->apu, n);
        if (fifos)
            refill_fifos(g, fifos);
    }
}

void gba_sync_devices(Gba *g)
{
    uint64_t t = now(g);
    while (t > g->regs.devices_at) {
        uint64_t delta = t - g->regs.devices_at;
        uint32_t step = delta > 0x10000000u ? 0x10000000u : (uint32_t)delta;
        g->regs.devices_at += step;
        gba_apu_run(&g->apu, step); /* sound up to the overflow, then the FIFOs move on */
        gba_timers_advance(&g->timers, step, timer_overflow, g);
    }
}

static uint16_t dispstat_settings(const Gba *g)
{
    return (uint16_t)(g->io[GBA_REG_DISPSTAT] | g->io[GBA_REG_DISPSTAT + 1] << 8);
}

uint16_t gba_dispstat(const Gba *g)
{
    uint16_t s = dispstat_settings(g) & 0xff38u;
    unsigned line = g->regs.line;
    if (line >= GBA_SCREEN_H && line < GBA_LINES - 1)
        s |= 1; /* VBlank: lines 160-226 */
    if (g->regs.in_hblank)
        s |= 2;
    if (line == (unsigned)(s >> 8))
        s |= 4;
    return s;
}

static void draw_line(Gba *g)
{
    GbaPpuMem mem = {g->vram, g->palette, g->oam, g->io};
    gba_ppu_draw_line(&g->ppu, &mem, g->regs.line, g->frame + g->regs.line * GBA_SCREEN_W);
}

/* DMA3's special timing is video capture (GBATEK "DMA3 Video Capture"):
 * one transfer per HBlank of lines 2 to 161, then the channel stops. */
enum { CAPTURE_FIRST_LINE = 2, CAPTURE_LAST_LINE = 161 };

static void video_capture(Gba *g)
{
    unsigned line = g->regs.line;
    if (!(gba_dma_waiting(&g->dma, GBA_DMA_AT_SPECIAL) & 8))
        return;
    if (line >= CAPTURE_FIRST_LINE && line <= CAPTURE_LAST_LINE)
        gba_run_dma(g, GBA_DMA_AT_SPECIAL, 8);
    if (line == CAPTURE_LAST_LINE)
        g->dma.ch[3].control &= (uint16_t)~GBA_DMA_ENABLE;
}

static void start_hblank(Gba *g)
{
    g->regs.in_hblank = 1;
    if (g->regs.line < GBA_SCREEN_H)
        draw_line(g);
    if (dispstat_settings(g) & 0x10)
        gba_raise_irq(g, GBA_IRQ_HBLANK);
    if (g->regs.line < GBA_SCREEN_H) /* no HBlank DMA in VBlank */
        gba_run_dma(g, GBA_DMA_AT_HBLANK, 0xf);
    video_capture(g);
}

static void start_vblank(Gba *g)
{
    if (dispstat_settings(g) & 0x08)
        gba_raise_irq(g, GBA_IRQ_VBLANK);
    gba_run_dma(g, GBA_DMA_AT_VBLANK, 0xf);
    gba_ppu_vblank(&g->ppu, g->io);
    g->regs.frames++;
    g->frame_done = true;
}

static void start_line(Gba *g)
{
    GbaRegs *r = &g->regs;
    r->in_hblank = 0;
    r->line_start += GBA_CYCLES_LINE;
    r->line = (uint16_t)((r->line + 1) % GBA_LINES);
    if (r->line == GBA_SCREEN_H)
        start_vblank(g);
    uint16_t settings = dispstat_settings(g);
    if ((settings & 0x20) && r->line == settings >> 8)
        gba_raise_irq(g, GBA_IRQ_VCOUNT);
}

static uint64_t next_line_event(const Gba *g)
{
    return g->regs.line_start + (g->regs.in_hblank ? GBA_CYCLES_LINE : GBA_CYCLES_HDRAW);
}

static void run_line_events(Gba *g)
{
    while (!g->frame_done && now(g) >= next_line_event(g)) {
        if (g->regs.in_hblank)
            start_line(g);
        else
            start_hblank(g);
    }
}

/* The cycle at which the CPU must stop next: a scanline phase or a timer
 * overflow. */
static uint64_t next_event(const Gba *g)
{
    uint64_t next = next_line_event(g);
    uint32_t overflow = gba_timers_next_overflow(&g->timers);
    if (overflow != UINT32_MAX && g->regs.devices_at + overflow < next)
        next = g->regs.devices_at + overflow;
    return next > now(g) ? next : now(g) + 1;
}

/* --- interrupts and exits ----------------------------------------------------------- */

static void deliver_interrupts(Gba *g)
{
    ArmCpu *cpu = &g->m.cpu;
    bool requested = (g->regs.ie & g->regs.iflags) != 0;
    if (requested)
        g->regs.halted = 0; /* Halt ends on any enabled request, even with IME off */
    cpu->sys.pending = requested && (g->regs.ime & 1) ? ARM_PENDING_IRQ : 0;
    if (arm_interrupt_deliverable(cpu)) {
        arm_take_exception(cpu, ARM_EXC_IRQ, cpu->r[15]);
        g->regs.bios_latch = BIOS_LATCH_IRQ;
        cpu->common.icount += 3; /* the pipeline refill of the exception entry */
    }
}

static void report_undefined(Gba *g, const char *what)
{
    ArmCpu *cpu = &g->m.cpu;
    if (!log_on(&g->m.log, LOG_UNIMP))
        return;
    char text[80];
    unsigned size;
    machine_disasm_at(&g->m, cpu->r[15], cpu->thumb, text, sizeof text, &size);
    log_printf(&g->m.log, "gba: %s at 0x%08x: %s (taken as UNDEFINED)\n", what, cpu->r[15], text);
}

static uint32_t swi_number(Gba *g, uint32_t swi_addr, bool thumb)
{
    if (thumb)
        return gba_bus_read(g, swi_addr, 2) & 0xff;
    return gba_bus_read(g, swi_addr, 4) >> 16 & 0xff;
}

/* IntrWait (gba_bios_swi has discarded old flags as asked and set IME):
 * done once the BIOS interrupt flags show one of the awaited interrupts;
 * until then the CPU halts and the SWI runs again after each interrupt
 * handler returns (its return address is the SWI itself). */
static void intr_wait(Gba *g, const GbaBiosBus *bus, uint32_t swi_addr)
{
    ArmCpu *cpu = &g->m.cpu;
    uint16_t mask = (uint16_t)cpu->r[1];
    if (gba_bios_intr_acknowledged(bus, mask)) {
        g->regs.intr_wait = 0;
        return;
    }
    g->regs.intr_wait = 1;
    g->regs.intr_wait_mask = mask;
    g->regs.halted = 1;
    cpu->r[15] = swi_addr;
}

static void soft_reset(Gba *g, uint32_t entry)
{
    reset_after_bios(g, entry);
    g->regs.intr_wait = g->regs.halted = 0;
}

static void hle_swi(Gba *g)
{
    ArmCpu *cpu = &g->m.cpu;
    uint32_t swi_addr = cpu->r[15] - (cpu->thumb ? 2 : 4);
    unsigned number = swi_number(g, swi_addr, cpu->thumb);
    const GbaBiosBus bus = g->bus;
    if (g->regs.intr_wait && (number == 4 || number == 5)) {
        intr_wait(g, &bus, swi_addr);
        return;
    }
    uint32_t cycles = 0;
    GbaSwiAction action = gba_bios_swi(number, cpu->r, &bus, &cycles);
    cpu->common.icount += cycles;
    g->regs.bios_latch = BIOS_LATCH_SWI;
    switch (action) {
    case GBA_SWI_DONE: break;
    case GBA_SWI_HALT: case GBA_SWI_STOP: g->regs.halted = 1; break;
    case GBA_SWI_INTR_WAIT: intr_wait(g, &bus, swi_addr); break;
    case GBA_SWI_SOFT_RESET: soft_reset(g, cpu->r[0]); break;
    case GBA_SWI_UNIMPLEMENTED:
        if (log_on(&g->m.log, LOG_UNIMP))
            log_printf(&g->m.log, "gba: unimplemented BIOS function 0x%02x (%s) at 0x%08x\n", number,
                       gba_bios_name(number) ? gba_bios_name(number) : "unknown", swi_addr);
        break;
    }
}

static void handle_exit(Gba *g, int kind)
{
    ArmCpu *cpu = &g->m.cpu;
    switch (kind) {
    case IR_EXIT_SYSCALL:
        if (g->hle_bios)
            hle_swi(g);
        else
            arm_take_exception(cpu, ARM_EXC_SVC, cpu->r[15]);
        break;
    case IR_EXIT_UNIMPL:
    case IR_EXIT_UNDEF:
    case IR_EXIT_BKPT:
        report_undefined(g, kind == IR_EXIT_UNIMPL ? "unimplemented instruction" : "undefined instruction");
        arm_take_exception(cpu, ARM_EXC_UNDEF, cpu->r[15]);
        cpu->common.icount += 3;
        break;
    case STEP_FETCH_FAULT:
        if (log_on(&g->m.log, LOG_GUEST_ERRORS))
            log_printf(&g->m.log, "gba: instruction fetch from unmapped 0x%08x\n", cpu->r[15]);
        arm_take_exception(cpu, ARM_EXC_PABT, cpu->r[15]);
        cpu->common.icount += 3; /* time goes on even if the guest loops on the abort */
        break;
    default: break;
    }
}

static void step(Gba *g)
{
    CpuCommon *c = &g->m.cpu.common;
    c->exit_request = 0;
    gba_sync_devices(g);
    run_line_events(g);
    if (g->frame_done)
        return;
    deliver_interrupts(g);
    if (g->regs.halted) {
        c->icount = next_event(g); /* nothing runs until the next device event */
        return;
    }
    c->icount_limit = next_event(g);
    handle_exit(g, machine_run(&g->m));
}

void gba_run_frame(Gba *g)
{
    g->frame_done = false;
    while (!g->frame_done)
        step(g);
    g->regs.cycles = now(g);
}

/* --- construction --------------------------------------------------------------- */

static char *default_save_path(const char *rom)
{
    size_t len = strlen(rom);
    const char *dot = strrchr(rom, '.'), *slash = strrchr(rom, '/');
    if (dot && (!slash || dot > slash))
        len = (size_t)(dot - rom);
    char *p = malloc(len + 5);
    if (p) {
        memcpy(p, rom, len);
        memcpy(p + len, ".sav", 5);
    }
    return p;
}

static bool open_log(Gba *g, const GbaConfig *c, char *err, size_t errlen)
{
    g->m.log.mask = c->log_mask;
    g->m.log.out = stderr;
    if (!c->log_file)
        return true;
    if (!(g->log_file = fopen(c->log_file, "w"))) {
        snprintf(err, errlen, "cannot open log file '%s': %s", c->log_file, strerror(errno));
        return false;
    }
    g->m.log.out = g->log_file;
    return true;
}

static bool load_cartridge(Gba *g, const GbaConfig *c, char *err, size_t errlen)
{
    char warn[256] = "";
    if (!gba_cart_load(&g->cart, c->rom_path, err, errlen, warn, sizeof warn))
        return false;
    if (warn[0])
        fprintf(stderr, "scion: warning: %s\n", warn);
    g->save_path = c->save_path ? strdup(c->save_path) : default_save_path(c->rom_path);
    if (!g->save_path) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    /* An unreadable or corrupt save is left alone (the cartridge refuses to
     * write it back) and the game runs without it, as in mGBA. */
    char save_err[512];
    if (!gba_cart_read_save(&g->cart, g->save_path, save_err, sizeof save_err))
        fprintf(stderr, "scion: warning: %s\n", save_err);
    return true;
}

static void reset_devices(Gba *g)
{
    gba_ppu_reset(&g->ppu);
    gba_apu_reset(&g->apu);
    gba_timers_reset(&g->timers);
    gba_dma_reset(&g->dma);
    g->regs.line_start = now(g);
    g->io[GBA_REG_POSTFLG] = 1;
    /* The BIOS leaves the affine BGs unscaled: PA = PD = 1.0 (0x100). */
    static const uint32_t unit_params[] = {GBA_REG_BG2PA, GBA_REG_BG2PA + 6, GBA_REG_BG3PA, GBA_REG_BG3PA + 6};
    for (size_t i = 0; i < sizeof unit_params / sizeof unit_params[0]; i++)
        g->io[unit_params[i] + 1] = 0x01;
    gba_apu_write(&g->apu, GBA_REG_SOUNDBIAS, 0x200, 2);
}

Gba *gba_new(const GbaConfig *c, char *err, size_t errlen)
{
    if (c->jit == JIT_CHECK) {
        /* Running a block twice would repeat its I/O side effects. */
        snprintf(err, errlen, "-jit check is not available on the GBA machine (use -jit always)");
        return NULL;
    }
    Gba *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->hle_bios = c->bios_path == NULL;
    bool ok = open_log(g, c, err, errlen) && load_cartridge(g, c, err, errlen) &&
              (g->hle_bios || load_bios(g, c->bios_path, err, errlen));
    if (!ok) {
        gba_cart_free(&g->cart);
        free(g->save_path);
        if (g->log_file)
            fclose(g->log_file);
        free(g);
        return NULL;
    }
    if (g->hle_bios)
        install_hle_bios(g);
    gba_mem_init(g);
    reset_devices(g);
    if (g->hle_bios) {
        reset_after_bios(g, GBA_ROM_BASE);
    } else {
        arm_cpu_reset_system(&g->m.cpu); /* the BIOS boots from its reset vector */
        g->m.cpu.cpsr_rest &= ~ARM_CPSR_A; /* ARMv4 has no A bit */
        g->m.cpu.r[15] = 0;
    }
    g->m.baseline_mode = c->baseline;
    if (!machine_enable_jit(&g->m, c->jit, c->jit_cache))
        fprintf(stderr, "scion: the LLVM tier is unavailable; running the interpreter alone\n");
    return g;
}

void gba_free(Gba *g)
{
    if (!g)
        return;
    char err[512];
    if (g->cart.save_dirty && !gba_cart_write_save(&g->cart, g->save_path, err, sizeof err))
        fprintf(stderr, "scion: %s\n", err);
    machine_destroy(&g->m);
    gba_cart_free(&g->cart);
    free(g->save_path);
    if (g->log_file)
        fclose(g->log_file);
    free(g);
}

/* --- front-end access ----------------------------------------------------------- */

uint64_t gba_frame_count(const Gba *g)
{
    return g->regs.frames;
}

const uint32_t *gba_framebuffer(const Gba *g)
{
    return g->frame;
}

size_t gba_audio_take(Gba *g, int16_t *out, size_t max)
{
    return gba_apu_take(&g->apu, out, max);
}

void gba_set_keys(Gba *g, uint16_t pressed)
{
    g->regs.keys_pressed = pressed & GBA_KEYS_ALL;
    gba_keypad_check(g);
}

void gba_cpu_registers(const Gba *g, uint32_t regs[17])
{
    memcpy(regs, g->m.cpu.r, 16 * sizeof *regs);
    regs[16] = arm_cpsr_read(&g->m.cpu);
}

uint32_t gba_peek32(Gba *g, uint32_t addr)
{
    unsigned r = addr >> 24 & 0xf;
    if (addr >> 28 || r == 0x4 || r >= 0xd)
        return 0; /* reads there have side effects or none to show */
    return gba_bus_read(g, addr, 4);
}
