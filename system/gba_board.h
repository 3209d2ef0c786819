/*
 * The Game Boy Advance machine's innards, shared by its memory
 * (system/gba_mem.c), its I/O registers (system/gba_io.c), its run loop
 * (system/gba.c) and its save states (system/gba_state.c).  Not an
 * interface for anything else: see system/gba.h.
 *
 * Time is counted in CPU cycles in CpuCommon.icount: each translated block
 * adds its estimated cycles as it starts (Machine.block_cost), DMA and BIOS
 * calls add theirs, and the run loop stops the CPU at the next device event
 * (a scanline phase or a timer overflow) by setting icount_limit.
 */
#ifndef SCION_GBA_BOARD_H
#define SCION_GBA_BOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend/machine.h"
#include "backend/softmmu.h"
#include "devices/gba_apu.h"
#include "devices/gba_bus.h"
#include "devices/gba_cart.h"
#include "devices/gba_dma.h"
#include "devices/gba_map.h"
#include "devices/gba_ppu.h"
#include "devices/gba_timer.h"
#include "devices/gba_timing.h"
#include "system/gba.h"

/* The board's own registers and timekeeping (snapshot state). */
typedef struct GbaRegs {
    uint16_t ie, iflags, ime, waitcnt, keycnt;
    uint16_t keys_pressed;     /* GBA_KEY_* bits held by the player */
    uint16_t line;             /* VCOUNT */
    uint8_t in_hblank;         /* the current line has reached HBlank */
    uint8_t halted;            /* HALTCNT or BIOS Halt: waiting for IE & IF */
    uint8_t intr_wait;         /* BIOS IntrWait in progress (the SWI runs again after each interrupt) */
    uint16_t intr_wait_mask;
    uint32_t bios_latch;       /* what BIOS reads return while the pc is outside the BIOS */
    uint64_t line_start;       /* cycle count at which the current line began */
    uint64_t devices_at;       /* cycle count the timers and sound have reached */
    uint64_t cycles;           /* CpuCommon.icount, saved with the rest */
    uint64_t frames;
} GbaRegs;

struct Gba {
    Machine m;
    TlbEntry tlb[TLB_SIZE];
    uint8_t bios[GBA_BIOS_SIZE];
    uint8_t ewram[GBA_EWRAM_SIZE];
    uint8_t iwram[GBA_IWRAM_SIZE];
    uint8_t io[GBA_IO_SIZE];   /* registers as last written, for the PPU */
    uint8_t palette[GBA_PALETTE_SIZE];
    uint8_t vram[GBA_VRAM_SIZE];
    uint8_t oam[GBA_OAM_SIZE];
    GbaRegs regs;
    GbaCart cart;
    GbaPpu ppu;
    GbaApu apu;
    GbaTimers timers;
    GbaDma dma;
    GbaBus bus;                /* for DMA and the HLE BIOS */
    bool hle_bios;             /* no -bios: SWIs run in C (devices/gba_bios.c) */
    char *save_path;
    bool frame_done;           /* VBlank began: gba_run_frame returns */
    GbaWaitTable waits;        /* code fetch costs by region, from WAITCNT */
    uint32_t frame[GBA_SCREEN_W * GBA_SCREEN_H];
    FILE *log_file;
};

/* --- memory (system/gba_mem.c) --- */
void gba_mem_init(Gba *g);
/* Bus access with every side effect, for DMA and the BIOS (and the CPU's
 * slow path). */
uint32_t gba_bus_read(Gba *g, uint32_t addr, unsigned size);
void gba_bus_write(Gba *g, uint32_t addr, uint32_t value, unsigned size);
/* Forget every TLB entry (after loading a state). */
void gba_mem_flush(Gba *g);
/* WAITCNT changed: recompute the cycle estimates of later blocks. */
void gba_mem_waitstates(Gba *g);

/* --- I/O registers (system/gba_io.c) --- */
uint32_t gba_io_read(Gba *g, uint32_t offset, unsigned size);
void gba_io_write(Gba *g, uint32_t offset, uint32_t value, unsigned size);
/* Raise the keypad interrupt if KEYCNT's condition holds for the keys held. */
void gba_keypad_check(Gba *g);

/* --- run loop (system/gba.c) --- */
/* Bring the timers and sound up to the current cycle. */
void gba_sync_devices(Gba *g);
/* An interrupt request: IF |= bits. */
void gba_raise_irq(Gba *g, uint16_t bits);
/* Run DMA channels waiting for timing (mask of channels). */
void gba_run_dma(Gba *g, unsigned timing, unsigned channels);
/* DISPSTAT as read: the status flags over the settings written. */
uint16_t gba_dispstat(const Gba *g);

#endif
