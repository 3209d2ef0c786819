/*
 * `scion gba`: run a Game Boy Advance ROM in a window (ui/gba_sdl.c) or
 * headless for tests and benchmarks: N frames, then the last frame as a
 * PNG or its SHA-256, and the result word of the project's test ROMs.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/module.h"
#include "backend/sha256.h"
#include "devices/gba_map.h"
#include "system/gba.h"
#include "ui/cli_util.h"
#include "ui/gba_cli.h"
#include "ui/gba_sdl.h"
#include "ui/png.h"
#include "ui/wav.h"

#define SDL_MODULE "libscion-sdl.so"

/* The result convention of roms/gba (README there): "SCNR", then 0 or the
 * number of the first failing check, at the end of EWRAM. */
#define RESULT_ADDR 0x0203fff0u
#define RESULT_MAGIC 0x524e4353u

typedef struct GbaCliOptions {
    GbaConfig config;
    GbaUiOptions ui;
    char jit_cache_buf[4096];
    const char *display;       /* "sdl", "none" or NULL (sdl when a display is present) */
    unsigned long frames;
    const char *screenshot;
    const char *keys;          /* headless key script */
    const char *load_state;
    unsigned long save_state_at;
    const char *save_state_file;
    const char *audio_dump;    /* headless: the sound as a WAV file */
    bool frame_hash, result, stats;
} GbaCliOptions;

static void gba_usage(FILE *out)
{
    fprintf(out,
            "usage: scion gba [options] ROM.gba\n"
            "Run a Game Boy Advance ROM (ARM7TDMI) in a window or headless.\n\n"
            "Options:\n"
            "  -bios FILE      a 16 KiB GBA BIOS image (default: scion's own HLE BIOS)\n"
            "  -save FILE      the cartridge save (default: the ROM's name with .sav)\n"
            "  -display sdl|none  a window (the default when a display is present) or\n"
            "                  headless\n"
            "  -scale N, -fullscreen, -mute, -keymap FILE   window options (see README)\n"
            "  -load-state FILE   start from a save state\n"
            "Headless (-display none):\n"
            "  -frames N       run N more frames (default 600, 10 s of GBA time)\n"
            "  -keys SCRIPT    keys held from a frame on: \"FRAME:KEY+KEY,FRAME:,...\"\n"
            "                  (frame numbers count from power-on, also after -load-state)\n"
            "                  (KEY: A B SELECT START RIGHT LEFT UP DOWN R L)\n"
            "  -screenshot FILE.png   write the last frame as PNG\n"
            "  -frame-hash     print the SHA-256 of the last frame (RGB bytes, row by row)\n"
            "  -result         print the result of one of scion's test ROMs (PASS or\n"
            "                  FAIL n); exit status 1 unless PASS\n"
            "  -save-state-at N FILE   save a state when frame N (from power-on) is done\n"
            "  -audio-dump FILE.wav    write the sound of the run (16-bit stereo, 32768 Hz)\n"
            "Common:\n"
            "  -jit MODE, -jit-cache DIR|off   the LLVM tier, as for `scion run`\n"
            "  -baseline on|off  the baseline tier, or the IR interpreter in its place\n"
            "  -d ITEM,...     log items (-d help); -D FILE writes them to FILE\n"
            "  --stats         print frames and speed at exit\n");
}

static int parse_number(const char *s, unsigned long *out, const char *what)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > 100000000ul)
        return cli_bad_usage(what, s);
    *out = v;
    return -1;
}

static int parse_value_option(GbaCliOptions *o, const char *a, const char *v)
{
    GbaConfig *c = &o->config;
    if (!strcmp(a, "-bios")) c->bios_path = v;
    else if (!strcmp(a, "-save")) c->save_path = v;
    else if (!strcmp(a, "-display")) {
        if (strcmp(v, "sdl") && strcmp(v, "none"))
            return cli_bad_usage("unknown -display '%s' (sdl or none)", v);
        o->display = v;
    } else if (!strcmp(a, "-frames")) return parse_number(v, &o->frames, "bad -frames '%s' (a count)");
    else if (!strcmp(a, "-screenshot")) o->screenshot = v;
    else if (!strcmp(a, "-keys")) o->keys = v;
    else if (!strcmp(a, "-load-state")) o->load_state = v;
    else if (!strcmp(a, "-audio-dump")) o->audio_dump = v;
    else if (!strcmp(a, "-keymap")) o->ui.keymap_path = v;
    else if (!strcmp(a, "-scale")) {
        unsigned long s = 0;
        int r = parse_number(v, &s, "bad -scale '%s' (1 to 8)");
        if (r >= 0 || s < 1 || s > 8)
            return r >= 0 ? r : cli_bad_usage("bad -scale '%s' (1 to 8)", v);
        o->ui.scale = (int)s;
    } else if (!strcmp(a, "-jit")) {
        if (!jit_parse_mode(v, &c->jit))
            return cli_bad_usage("unknown -jit mode '%s' (on, off, sync, always)", v);
    } else if (!strcmp(a, "-baseline")) {
        if (!baseline_parse_mode(v, &c->baseline) || c->baseline == BASELINE_CHECK)
            return cli_bad_usage("unknown -baseline mode '%s' (on, off)", v);
    } else if (!strcmp(a, "-jit-cache")) c->jit_cache = cli_code_cache_dir(v, o->jit_cache_buf, sizeof o->jit_cache_buf);
    else if (!strcmp(a, "-d")) {
        const char *bad = NULL;
        if (!strcmp(v, "help")) {
            log_print_help(stdout);
            return 0;
        }
        if (!log_parse(v, &c->log_mask, &bad))
            return cli_bad_usage("unknown log item in '%s' (see -d help)", v);
    } else if (!strcmp(a, "-D")) c->log_file = v;
    else return cli_bad_usage("unknown option '%s'", a);
    return -1;
}

static bool takes_value(const char *a)
{
    static const char *const with_value[] = {"-bios", "-save", "-display", "-frames", "-screenshot", "-keys",
                                             "-load-state", "-audio-dump", "-keymap", "-scale", "-jit", "-baseline",
                                             "-jit-cache", "-d", "-D"};
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (!strcmp(a, with_value[i]))
            return true;
    return false;
}

static int parse_flag(GbaCliOptions *o, const char *a)
{
    if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
        gba_usage(stdout);
        return 0;
    }
    if (!strcmp(a, "-frame-hash")) o->frame_hash = true;
    else if (!strcmp(a, "-result")) o->result = true;
    else if (!strcmp(a, "--stats")) o->stats = true;
    else if (!strcmp(a, "-fullscreen")) o->ui.fullscreen = true;
    else if (!strcmp(a, "-mute")) o->ui.mute = true;
    else return cli_bad_usage("unknown option '%s'", a);
    return -1;
}

static int parse_options(int argc, char **argv, GbaCliOptions *o)
{
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        int r;
        if (!strcmp(a, "-save-state-at")) {
            if (i + 2 >= argc)
                return cli_bad_usage("option '%s' needs a frame number and a file", a);
            if ((r = parse_number(argv[i + 1], &o->save_state_at, "bad -save-state-at frame '%s'")) >= 0)
                return r;
            o->save_state_file = argv[i + 2];
            i += 2;
            continue;
        }
        if (takes_value(a)) {
            if (i + 1 >= argc)
                return cli_bad_usage("option '%s' needs a value", a);
            r = parse_value_option(o, a, argv[++i]);
        } else {
            r = parse_flag(o, a);
        }
        if (r >= 0)
            return r;
    }
    if (i != argc - 1)
        return i >= argc ? cli_bad_usage("no ROM given%s", "") : cli_bad_usage("unexpected argument '%s'", argv[i + 1]);
    o->config.rom_path = o->ui.rom_path = argv[i];
    return -1;
}

/* --- headless ------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint16_t bit;
} key_names[] = {
    {"A", GBA_KEY_A}, {"B", GBA_KEY_B}, {"SELECT", GBA_KEY_SELECT}, {"START", GBA_KEY_START},
    {"RIGHT", GBA_KEY_RIGHT}, {"LEFT", GBA_KEY_LEFT}, {"UP", GBA_KEY_UP}, {"DOWN", GBA_KEY_DOWN},
    {"R", GBA_KEY_R}, {"L", GBA_KEY_L},
};

static bool parse_keys(const char *s, size_t len, uint16_t *out)
{
    *out = 0;
    while (len) {
        size_t n = 0;
        while (n < len && s[n] != '+')
            n++;
        bool found = false;
        for (size_t k = 0; k < sizeof key_names / sizeof key_names[0] && !found; k++)
            if (strlen(key_names[k].name) == n && !strncmp(s, key_names[k].name, n)) {
                *out |= key_names[k].bit;
                found = true;
            }
        if (!found)
            return false;
        s += n + (n < len);
        len -= n + (n < len);
    }
    return true;
}

/* The keys the script holds at frame (the last entry at or before it);
 * false for a malformed script. */
static bool scripted_keys(const char *script, uint64_t frame, uint16_t *keys)
{
    *keys = 0;
    for (const char *p = script; p && *p;) {
        char *end;
        unsigned long at = strtoul(p, &end, 10);
        if (end == p || *end != ':')
            return false;
        const char *list = end + 1, *next = strchr(list, ',');
        size_t len = next ? (size_t)(next - list) : strlen(list);
        uint16_t held;
        if (!parse_keys(list, len, &held))
            return false;
        if (at <= frame)
            *keys = held;
        p = next ? next + 1 : NULL;
    }
    return true;
}

static void print_frame_hash(const Gba *g)
{
    const uint32_t *px = gba_framebuffer(g);
    Sha256 h;
    uint8_t digest[SHA256_SIZE];
    sha256_init(&h);
    for (unsigned i = 0; i < GBA_SCREEN_W * GBA_SCREEN_H; i++) {
        uint8_t rgb[3] = {(uint8_t)(px[i] >> 16), (uint8_t)(px[i] >> 8), (uint8_t)px[i]};
        sha256_update(&h, rgb, 3);
    }
    sha256_final(&h, digest);
    printf("frame %" PRIu64 " sha256 ", gba_frame_count(g));
    for (unsigned i = 0; i < SHA256_SIZE; i++)
        printf("%02x", digest[i]);
    printf("\n");
}

static int print_result(Gba *g)
{
    if (gba_peek32(g, RESULT_ADDR) != RESULT_MAGIC) {
        printf("result: none (the ROM wrote no result)\n");
        return 1;
    }
    uint32_t code = gba_peek32(g, RESULT_ADDR + 4);
    if (code == 0) {
        printf("result: PASS\n");
        return 0;
    }
    printf("result: FAIL %u\n", code);
    return 1;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int finish_headless(Gba *g, const GbaCliOptions *o)
{
    int status = 0;
    char err[512];
    if (o->screenshot && !png_write_rgb(o->screenshot, gba_framebuffer(g), GBA_SCREEN_W, GBA_SCREEN_H, err, sizeof err)) {
        fprintf(stderr, "scion: %s\n", err);
        status = 1;
    }
    if (o->frame_hash)
        print_frame_hash(g);
    if (o->result && print_result(g) != 0)
        status = 1;
    return status;
}

/* The sound of a headless run, for -audio-dump: stereo frames, grown as
 * each GBA frame's samples are taken. */
typedef struct AudioDump {
    int16_t *frames;
    size_t count, cap;
} AudioDump;

static bool audio_dump_take(AudioDump *d, Gba *g)
{
    for (;;) {
        if (d->cap - d->count < GBA_AUDIO_RATE / 8) {
            size_t cap = d->cap ? 2 * d->cap : GBA_AUDIO_RATE;
            int16_t *p = realloc(d->frames, cap * 2 * sizeof *p);
            if (!p)
                return false;
            d->frames = p;
            d->cap = cap;
        }
        size_t n = gba_audio_take(g, d->frames + 2 * d->count, d->cap - d->count);
        d->count += n;
        if (n == 0)
            return true;
    }
}

static int run_headless(Gba *g, const GbaCliOptions *o)
{
    char err[512];
    uint16_t keys;
    AudioDump dump = {0};
    if (o->keys && !scripted_keys(o->keys, 0, &keys))
        return cli_bad_usage("bad -keys script '%s' (FRAME:KEY+KEY,...)", o->keys);
    double t0 = seconds_now();
    uint64_t start = gba_frame_count(g);
    for (unsigned long f = 0; f < o->frames; f++) {
        if (o->keys && scripted_keys(o->keys, gba_frame_count(g), &keys))
            gba_set_keys(g, keys);
        gba_run_frame(g);
        if (o->audio_dump && !audio_dump_take(&dump, g)) {
            fprintf(stderr, "scion: out of memory for -audio-dump\n");
            free(dump.frames);
            return 1;
        }
        if (o->save_state_file && gba_frame_count(g) == o->save_state_at &&
            !gba_save_state(g, o->save_state_file, err, sizeof err)) {
            fprintf(stderr, "scion: %s\n", err);
            free(dump.frames);
            return 1;
        }
    }
    if (o->audio_dump) {
        bool ok = wav_write_stereo16(o->audio_dump, dump.frames, dump.count, GBA_AUDIO_RATE, err, sizeof err);
        free(dump.frames);
        if (!ok) {
            fprintf(stderr, "scion: %s\n", err);
            return 1;
        }
    }
    if (o->stats) {
        double s = seconds_now() - t0, frames = (double)(gba_frame_count(g) - start);
        fprintf(stderr, "scion: %.0f frames in %.3f s: %.1f frames/s, %.1fx real time\n", frames, s,
                frames / s, frames / s / (GBA_CPU_HZ / (double)GBA_CYCLES_FRAME));
    }
    return finish_headless(g, o);
}

static bool display_present(void)
{
    return getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
}

/* The window lives in libscion-sdl.so (meson.build says why). */
static int run_window(Gba *g, const GbaUiOptions *ui)
{
    void *module = scion_module_open(SDL_MODULE, "SCION_SDL_MODULE");
    int (*run)(Gba *, const GbaUiOptions *) = module ? (int (*)(Gba *, const GbaUiOptions *))dlsym(module, "gba_sdl_run")
                                                     : NULL;
    if (!run) {
        const char *why = dlerror();
        fprintf(stderr, "scion: the window needs %s (SDL2): %s; -display none runs without one\n", SDL_MODULE,
                why ? why : "not found");
        return 1;
    }
    return run(g, ui);
}

int gba_cli_main(int argc, char **argv)
{
    GbaCliOptions o = {.frames = 600, .config = {.jit = JIT_OFF}};
    o.config.jit_cache = cli_code_cache_dir(NULL, o.jit_cache_buf, sizeof o.jit_cache_buf);
    int r = parse_options(argc, argv, &o);
    if (r >= 0)
        return r;
    char err[512];
    Gba *g = gba_new(&o.config, err, sizeof err);
    if (!g) {
        fprintf(stderr, "scion: %s\n", err);
        return 1;
    }
    if (o.load_state && !gba_load_state(g, o.load_state, err, sizeof err)) {
        fprintf(stderr, "scion: %s\n", err);
        gba_free(g);
        return 1;
    }
    bool window = o.display ? !strcmp(o.display, "sdl") : display_present();
    int status = window ? run_window(g, &o.ui) : run_headless(g, &o);
    gba_free(g);
    return status;
}
