/*
 * Where the GBA window puts its files: save-state slots and screenshots,
 * named after the ROM.
 *
 *   roms/zelda.gba, slot 3          -> roms/zelda.ss3 (or STATE_DIR/zelda.ss3)
 *   roms/zelda.gba, screenshot now  -> roms/zelda-20240131-235959.png
 */
#ifndef SCION_GBA_PATHS_H
#define SCION_GBA_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The ROM's file name without directory or extension ("zelda"), or "scion"
 * for NULL. */
void gba_path_rom_name(char *buf, size_t len, const char *rom_path);
/* The file for save-state slot (1-9): in state_dir if given, else beside
 * the ROM (or in the current directory without one).  False if buf is too
 * short. */
bool gba_path_state_slot(char *buf, size_t len, const char *rom_path, const char *state_dir, int slot);
/* A screenshot name beside the ROM stamped with when (local time); a
 * "-2", "-3" ... is added if that file exists already.  False if buf is too
 * short or no free name is found. */
bool gba_path_screenshot(char *buf, size_t len, const char *rom_path, const struct tm *when);

#endif
