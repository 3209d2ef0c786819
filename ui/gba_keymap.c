/* Key and button mapping for the GBA window (see gba_keymap.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "devices/gba_map.h"
#include "ui/gba_keymap.h"

static const char *const key_names[GBA_KEYMAP_KEYS] = {
    "A", "B", "SELECT", "START", "RIGHT", "LEFT", "UP", "DOWN", "R", "L",
};

/* How far the left stick must lean (of 32767) to press a direction: about
 * 40%, past the drift of worn sticks. */
#define STICK_THRESHOLD 13000

static int key_index(uint16_t bit)
{
    return __builtin_ctz(bit);
}

void gba_keymap_defaults(GbaKeymap *m)
{
    static const struct {
        uint16_t key;
        SDL_Scancode scancode;
        SDL_GameControllerButton button;
    } defaults[GBA_KEYMAP_KEYS] = {
        {GBA_KEY_A, SDL_SCANCODE_X, SDL_CONTROLLER_BUTTON_A},
        {GBA_KEY_B, SDL_SCANCODE_Z, SDL_CONTROLLER_BUTTON_B},
        {GBA_KEY_SELECT, SDL_SCANCODE_BACKSPACE, SDL_CONTROLLER_BUTTON_BACK},
        {GBA_KEY_START, SDL_SCANCODE_RETURN, SDL_CONTROLLER_BUTTON_START},
        {GBA_KEY_RIGHT, SDL_SCANCODE_RIGHT, SDL_CONTROLLER_BUTTON_DPAD_RIGHT},
        {GBA_KEY_LEFT, SDL_SCANCODE_LEFT, SDL_CONTROLLER_BUTTON_DPAD_LEFT},
        {GBA_KEY_UP, SDL_SCANCODE_UP, SDL_CONTROLLER_BUTTON_DPAD_UP},
        {GBA_KEY_DOWN, SDL_SCANCODE_DOWN, SDL_CONTROLLER_BUTTON_DPAD_DOWN},
        {GBA_KEY_R, SDL_SCANCODE_S, SDL_CONTROLLER_BUTTON_RIGHTSHOULDER},
        {GBA_KEY_L, SDL_SCANCODE_A, SDL_CONTROLLER_BUTTON_LEFTSHOULDER},
    };
    for (int i = 0; i < GBA_KEYMAP_KEYS; i++) {
        int k = key_index(defaults[i].key);
        m->keys[k] = defaults[i].scancode;
        m->buttons[k] = defaults[i].button;
    }
}

/* --- the config file ------------------------------------------------------- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int key_from_name(const char *name)
{
    for (int i = 0; i < GBA_KEYMAP_KEYS; i++)
        if (strcasecmp(name, key_names[i]) == 0)
            return i;
    return -1;
}

static const char *without_prefix(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncasecmp(s, prefix, n) == 0 ? s + n : s;
}

/* SDL's own key names ("Return", "Left", "X"); the C enum's spelling is
 * taken too, with underscores where SDL's names have spaces ("LEFT_SHIFT"
 * for "Left Shift"). */
static SDL_Scancode scancode_from_name(const char *name)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", without_prefix(name, "SDL_SCANCODE_"));
    SDL_Scancode sc = SDL_GetScancodeFromName(buf);
    if (sc == SDL_SCANCODE_UNKNOWN) {
        for (char *p = buf; *p; p++)
            if (*p == '_')
                *p = ' ';
        sc = SDL_GetScancodeFromName(buf);
    }
    return sc;
}

/* SDL's mapping-string names ("a", "leftshoulder", "dpup") or the C enum's
 * ("A", "LEFTSHOULDER", "DPAD_UP"), which differ only for the d-pad. */
static SDL_GameControllerButton button_from_name(const char *name)
{
    static const struct {
        const char *enum_name;
        SDL_GameControllerButton button;
    } dpad[] = {
        {"DPAD_UP", SDL_CONTROLLER_BUTTON_DPAD_UP},
        {"DPAD_DOWN", SDL_CONTROLLER_BUTTON_DPAD_DOWN},
        {"DPAD_LEFT", SDL_CONTROLLER_BUTTON_DPAD_LEFT},
        {"DPAD_RIGHT", SDL_CONTROLLER_BUTTON_DPAD_RIGHT},
    };
    const char *bare = without_prefix(name, "SDL_CONTROLLER_BUTTON_");
    for (size_t i = 0; i < sizeof dpad / sizeof dpad[0]; i++)
        if (strcasecmp(bare, dpad[i].enum_name) == 0)
            return dpad[i].button;
    char lower[64];
    size_t n = 0;
    for (; bare[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)bare[n]);
    lower[n] = '\0';
    return SDL_GameControllerGetButtonFromString(lower);
}

/* One line, already stripped of its comment; NULL if it applied, else what
 * is wrong with it. */
static const char *apply_line(GbaKeymap *m, char *line, const char **bad_word)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return "expected 'key NAME = SCANCODE' or 'button NAME = BUTTON'";
    *eq = '\0';
    char *value = trim(eq + 1), *lhs = trim(line);
    char *kind = lhs, *name = lhs + strcspn(lhs, " \t");
    if (*name)
        *name++ = '\0';
    name = trim(name);
    *bad_word = kind;
    bool is_key = strcasecmp(kind, "key") == 0;
    if (!is_key && strcasecmp(kind, "button") != 0)
        return "unknown binding kind (want 'key' or 'button')";
    *bad_word = name;
    int k = key_from_name(name);
    if (k < 0)
        return "unknown GBA key (want A B SELECT START RIGHT LEFT UP DOWN R L)";
    *bad_word = value;
    if (is_key) {
        SDL_Scancode sc = scancode_from_name(value);
        if (sc == SDL_SCANCODE_UNKNOWN)
            return "unknown key name";
        m->keys[k] = sc;
    } else {
        SDL_GameControllerButton b = button_from_name(value);
        if (b == SDL_CONTROLLER_BUTTON_INVALID)
            return "unknown controller button";
        m->buttons[k] = b;
    }
    return NULL;
}

int gba_keymap_parse(GbaKeymap *m, const char *text, const char *source, FILE *warn)
{
    int bad = 0, lineno = 0;
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
        p += n + (p[n] == '\n');
        lineno++;
        line[strcspn(line, "#")] = '\0';
        char *body = trim(line);
        if (!*body)
            continue;
        const char *word = "";
        const char *why = n >= sizeof line ? "line too long" : apply_line(m, body, &word);
        if (why) {
            bad++;
            fprintf(warn, "scion: %s:%d: %s%s%s%s, line ignored\n", source, lineno, why, *word ? ": '" : "",
                    word, *word ? "'" : "");
        }
    }
    return bad;
}

/* A keymap is a few hundred bytes; anything far larger is not one. */
#define KEYMAP_FILE_MAX (64 * 1024)

bool gba_keymap_load(GbaKeymap *m, const char *path, FILE *warn)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(warn, "scion: %s: %s; using the default keys\n", path, strerror(errno));
        return false;
    }
    char *text = malloc(KEYMAP_FILE_MAX + 1);
    size_t n = text ? fread(text, 1, KEYMAP_FILE_MAX, f) : 0;
    bool ok = text && !ferror(f);
    fclose(f);
    if (ok) {
        text[n] = '\0';
        gba_keymap_parse(m, text, path, warn);
    } else {
        fprintf(warn, "scion: %s: cannot read; using the default keys\n", path);
    }
    free(text);
    return ok;
}

bool gba_keymap_default_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && *xdg)
        n = snprintf(buf, len, "%s/scion/gba-keys.conf", xdg);
    else if (home && *home)
        n = snprintf(buf, len, "%s/.config/scion/gba-keys.conf", home);
    else
        return false;
    return n > 0 && (size_t)n < len;
}

/* --- reading the keys ------------------------------------------------------- */

uint16_t gba_keymap_keyboard(const GbaKeymap *m, const uint8_t *keyboard, int nkeys)
{
    uint16_t pressed = 0;
    for (int i = 0; i < GBA_KEYMAP_KEYS; i++)
        if ((int)m->keys[i] < nkeys && keyboard[m->keys[i]])
            pressed |= (uint16_t)(1u << i);
    return pressed;
}

static uint16_t stick_keys(SDL_GameController *c)
{
    int x = SDL_GameControllerGetAxis(c, SDL_CONTROLLER_AXIS_LEFTX);
    int y = SDL_GameControllerGetAxis(c, SDL_CONTROLLER_AXIS_LEFTY);
    uint16_t keys = 0;
    if (x > STICK_THRESHOLD)
        keys |= GBA_KEY_RIGHT;
    if (x < -STICK_THRESHOLD)
        keys |= GBA_KEY_LEFT;
    if (y > STICK_THRESHOLD)
        keys |= GBA_KEY_DOWN;
    if (y < -STICK_THRESHOLD)
        keys |= GBA_KEY_UP;
    return keys;
}

uint16_t gba_pads_keys(const GbaPads *p, const GbaKeymap *m)
{
    uint16_t pressed = 0;
    for (int i = 0; i < GBA_PADS_MAX; i++) {
        SDL_GameController *c = p->pad[i];
        if (!c)
            continue;
        for (int k = 0; k < GBA_KEYMAP_KEYS; k++)
            if (SDL_GameControllerGetButton(c, m->buttons[k]))
                pressed |= (uint16_t)(1u << k);
        pressed |= stick_keys(c);
    }
    return pressed;
}

/* --- hot-plug ---------------------------------------------------------------- */

void gba_pads_add(GbaPads *p, int device_index)
{
    SDL_JoystickID id = SDL_JoystickGetDeviceInstanceID(device_index);
    for (int i = 0; i < GBA_PADS_MAX; i++)
        if (p->pad[i] && SDL_JoystickInstanceID(SDL_GameControllerGetJoystick(p->pad[i])) == id)
            return; /* SDL reports controllers present at start-up as added too */
    for (int i = 0; i < GBA_PADS_MAX; i++) {
        if (!p->pad[i]) {
            p->pad[i] = SDL_GameControllerOpen(device_index);
            return;
        }
    }
}

void gba_pads_remove(GbaPads *p, SDL_JoystickID instance)
{
    for (int i = 0; i < GBA_PADS_MAX; i++) {
        if (p->pad[i] && SDL_JoystickInstanceID(SDL_GameControllerGetJoystick(p->pad[i])) == instance) {
            SDL_GameControllerClose(p->pad[i]);
            p->pad[i] = NULL;
        }
    }
}

void gba_pads_close_all(GbaPads *p)
{
    for (int i = 0; i < GBA_PADS_MAX; i++) {
        if (p->pad[i])
            SDL_GameControllerClose(p->pad[i]);
        p->pad[i] = NULL;
    }
}
