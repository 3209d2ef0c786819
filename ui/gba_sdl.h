/*
 * The Game Boy Advance in a window (SDL2): the picture scaled by whole
 * numbers and letterboxed, sound paced by the audio device, keyboard and
 * game controllers, and the hotkeys of a handheld emulator (fast-forward,
 * pause, frame advance, screenshots, save-state slots, rewind).  Keys and
 * options: ui/GBA_UI.md.
 */
#ifndef SCION_GBA_SDL_H
#define SCION_GBA_SDL_H

#include <stdbool.h>

#include "system/gba.h"

typedef struct GbaUiOptions {
    int scale;               /* initial integer scale, default 3 (0 or less: the default) */
    bool fullscreen;
    const char *keymap_path; /* or NULL: $XDG_CONFIG_HOME/scion/gba-keys.conf if present, else the defaults */
    const char *state_dir;   /* where save-state slots go, or NULL: beside the ROM (ROM path without
                              * extension + ".ss1" .. ".ss9") */
    const char *rom_path;    /* for naming states and screenshots, and the window title */
    bool mute;
} GbaUiOptions;

/* Runs the window until the user closes it; returns the process exit
 * status (0, or 1 with a message on stderr naming the problem if SDL cannot
 * start, e.g. without a display). */
int gba_sdl_run(Gba *g, const GbaUiOptions *o);

#endif
