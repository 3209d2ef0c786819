/*
 * Which keyboard keys and game controller buttons press which GBA keys,
 * the text file that changes them, and the controllers plugged in now.
 *
 * The file (default $XDG_CONFIG_HOME/scion/gba-keys.conf) has lines
 *   key    NAME = SCANCODE      e.g.  key A = X   or  key A = SDL_SCANCODE_X
 *   button NAME = BUTTON        e.g.  button B = x   or  SDL_CONTROLLER_BUTTON_X
 * with NAME one of A B SELECT START RIGHT LEFT UP DOWN R L; '#' starts a
 * comment.  A bad line is reported and skipped.
 */
#ifndef SCION_GBA_KEYMAP_H
#define SCION_GBA_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <SDL.h>

/* The GBA keys, indexed by their KEYINPUT bit (GBA_KEY_A is bit 0). */
#define GBA_KEYMAP_KEYS 10

typedef struct GbaKeymap {
    SDL_Scancode keys[GBA_KEYMAP_KEYS];
    SDL_GameControllerButton buttons[GBA_KEYMAP_KEYS];
} GbaKeymap;

/* Arrows, X = A, Z = B, A = L, S = R, Enter = Start, Backspace = Select;
 * on a controller the buttons of the same names, the d-pad, shoulders,
 * Start and Back. */
void gba_keymap_defaults(GbaKeymap *m);
/* Apply the lines of text (a config file's contents) over m; each bad line
 * gets one warning on warn naming source and line.  Returns the number of
 * bad lines. */
int gba_keymap_parse(GbaKeymap *m, const char *text, const char *source, FILE *warn);
/* Apply the file at path; false with a warning if it cannot be read. */
bool gba_keymap_load(GbaKeymap *m, const char *path, FILE *warn);
/* $XDG_CONFIG_HOME/scion/gba-keys.conf (or ~/.config/... without it) in
 * buf; false when neither variable is set or buf is too short. */
bool gba_keymap_default_path(char *buf, size_t len);

/* GBA_KEY_* bits for the keys held on the keyboard (SDL_GetKeyboardState). */
uint16_t gba_keymap_keyboard(const GbaKeymap *m, const uint8_t *keyboard, int nkeys);

/* The game controllers open now, followed through hot-plug events. */
#define GBA_PADS_MAX 4
typedef struct GbaPads {
    SDL_GameController *pad[GBA_PADS_MAX];
} GbaPads;

/* Open the controller at SDL device index (SDL_CONTROLLERDEVICEADDED). */
void gba_pads_add(GbaPads *p, int device_index);
/* Close the controller with this instance id (SDL_CONTROLLERDEVICEREMOVED). */
void gba_pads_remove(GbaPads *p, SDL_JoystickID instance);
void gba_pads_close_all(GbaPads *p);
/* GBA_KEY_* bits held on any controller: mapped buttons, and the left
 * stick for the directions. */
uint16_t gba_pads_keys(const GbaPads *p, const GbaKeymap *m);

#endif
