/*
 * The Game Boy Advance machine: an ARM7TDMI, the GBA memory map and its
 * devices (PPU, APU, timers, DMA, keypad, cartridge with its save chip),
 * run a frame at a time by a front end (ui/gba_cli.c headless, ui/gba_sdl.c
 * in a window).
 *
 *   char err[256];
 *   Gba *g = gba_new(&config, err, sizeof err);
 *   while (...) {
 *       gba_set_keys(g, pressed);
 *       gba_run_frame(g);
 *       show(gba_framebuffer(g)); play(gba_audio_take(...));
 *   }
 *   gba_free(g);   // writes the cartridge save if it changed
 */
#ifndef SCION_GBA_H
#define SCION_GBA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/jit.h"

typedef struct GbaConfig {
    const char *rom_path;
    const char *bios_path;  /* a 16 KiB BIOS image, or NULL for scion's HLE BIOS */
    const char *save_path;  /* the cartridge save, or NULL for ROM path with .sav */
    JitMode jit;
    BaselineMode baseline;  /* BASELINE_ON or BASELINE_OFF */
    const char *jit_cache;  /* directory, or NULL: no persistent code cache */
    unsigned log_mask;      /* LOG_* items (-d) */
    const char *log_file;   /* or NULL for stderr */
} GbaConfig;

typedef struct Gba Gba;

/* A machine with the ROM loaded and reset as the BIOS leaves it, or NULL
 * with a message naming the problem in err. */
Gba *gba_new(const GbaConfig *config, char *err, size_t errlen);
/* Writes the cartridge save (temp file + rename) if it changed. */
void gba_free(Gba *g);

/* Run until the start of the next VBlank: one frame. */
void gba_run_frame(Gba *g);
uint64_t gba_frame_count(const Gba *g);
/* The last completed frame, GBA_SCREEN_W x GBA_SCREEN_H pixels 0x00RRGGBB. */
const uint32_t *gba_framebuffer(const Gba *g);
/* Sound produced so far: up to max stereo frames (L, R interleaved) at
 * GBA_AUDIO_RATE; returns how many. */
#define GBA_AUDIO_RATE 32768
size_t gba_audio_take(Gba *g, int16_t *out, size_t max);
/* The keys held now: GBA_KEY_* bits set for pressed keys. */
void gba_set_keys(Gba *g, uint16_t pressed);

/* Save states (snapshot/): to a file (temp file + rename) and back; a bad
 * or foreign file changes nothing and says why in err. */
bool gba_save_state(Gba *g, const char *path, char *err, size_t errlen);
bool gba_load_state(Gba *g, const char *path, char *err, size_t errlen);
/* The same in memory, for rewind: *buf (malloc'd, the caller frees) and its
 * length; loading from a buffer that gba_state_to_buffer made. */
bool gba_state_to_buffer(Gba *g, uint8_t **buf, size_t *len);
bool gba_state_from_buffer(Gba *g, const uint8_t *buf, size_t len, char *err, size_t errlen);

/* Registers of the CPU (r0-r15, then CPSR) for the headless test runner. */
void gba_cpu_registers(const Gba *g, uint32_t regs[17]);
/* A guest memory read without side effects (the headless runner's result
 * word), 0 where nothing is mapped. */
uint32_t gba_peek32(Gba *g, uint32_t addr);

#endif
