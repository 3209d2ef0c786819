/* File names for states and screenshots (see gba_paths.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ui/gba_paths.h"

/* How many same-second screenshots get distinct names. */
#define MAX_SAME_SECOND 100

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Length of path up to the extension of its last component ("a.b/c.gba"
 * -> "a.b/c"); a leading dot ("/x/.hidden") is not an extension. */
static size_t stem_length(const char *path)
{
    const char *base = base_name(path);
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? (size_t)(dot - path) : strlen(path);
}

static bool fits(int n, size_t len)
{
    return n >= 0 && (size_t)n < len;
}

void gba_path_rom_name(char *buf, size_t len, const char *rom_path)
{
    if (!rom_path || !*rom_path) {
        snprintf(buf, len, "scion");
        return;
    }
    const char *base = base_name(rom_path);
    size_t n = stem_length(rom_path) - (size_t)(base - rom_path);
    snprintf(buf, len, "%.*s", (int)n, base);
}

bool gba_path_state_slot(char *buf, size_t len, const char *rom_path, const char *state_dir, int slot)
{
    if (state_dir && *state_dir) {
        char name[256];
        gba_path_rom_name(name, sizeof name, rom_path);
        return fits(snprintf(buf, len, "%s/%s.ss%d", state_dir, name, slot), len);
    }
    if (!rom_path || !*rom_path)
        return fits(snprintf(buf, len, "scion.ss%d", slot), len);
    return fits(snprintf(buf, len, "%.*s.ss%d", (int)stem_length(rom_path), rom_path, slot), len);
}

bool gba_path_screenshot(char *buf, size_t len, const char *rom_path, const struct tm *when)
{
    const char *rom = rom_path && *rom_path ? rom_path : "scion";
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", when);
    int stem = (int)stem_length(rom);
    for (int n = 1; n <= MAX_SAME_SECOND; n++) {
        int w = n == 1 ? snprintf(buf, len, "%.*s-%s.png", stem, rom, stamp)
                       : snprintf(buf, len, "%.*s-%s-%d.png", stem, rom, stamp, n);
        if (!fits(w, len))
            return false;
        if (access(buf, F_OK) != 0)
            return true;
    }
    return false;
}
