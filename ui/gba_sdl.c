/* The GBA window (see gba_sdl.h): the SDL window and renderer, the frame
 * loop and its pacing, and the hotkeys.  Sound, key mapping, rewind and
 * file names live in gba_audio.c, gba_keymap.c, gba_rewind.c and
 * gba_paths.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>

#include "devices/gba_map.h"
#include "ui/gba_audio.h"
#include "ui/gba_keymap.h"
#include "ui/gba_paths.h"
#include "ui/gba_rewind.h"
#include "ui/gba_sdl.h"
#include "ui/png.h"

/* 16777216 / 280896: the GBA's frame rate, 59.7275 frames/s. */
#define FRAME_HZ ((double)GBA_CPU_HZ / GBA_CYCLES_FRAME)
#define DEFAULT_SCALE 3
/* Rewind: a state every REWIND_INTERVAL frames, at most REWIND_ENTRIES of
 * them (40 s) in REWIND_BYTES of compressed data. */
#define REWIND_INTERVAL 4
#define REWIND_ENTRIES 600
#define REWIND_BYTES (64u << 20)
#define MESSAGE_MS 2000
/* While fast-forwarding, show at most this many pictures a second: the
 * screen cannot show more and presenting costs time the machine could use. */
#define FAST_FORWARD_PRESENT_HZ 60
/* A timer-paced loop this far behind (a stall, a pause) starts afresh
 * rather than running frames flat out to catch up. */
#define MAX_LAG_FRAMES 5

typedef struct GbaUi {
    Gba *gba;
    const GbaUiOptions *opt;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    GbaKeymap keymap;
    GbaPads pads;
    GbaAudio audio;
    GbaRewind rewind;
    char rom_name[128];

    bool quit;
    bool paused;
    bool fast_forward;  /* Tab held */
    bool rewinding;     /* Backquote held */
    unsigned frames_to_snapshot;
    uint64_t last_snapshot_ms; /* host time of the last rewind state */

    Uint64 next_frame;   /* performance-counter time of the next frame (timer pacing) */
    Uint64 last_present;
    Uint32 fps_since;    /* SDL ticks */
    unsigned fps_frames;
    double fps;
    char message[160];
    Uint32 message_until;
    char title[512];
} GbaUi;

/* --- messages ------------------------------------------------------------------ */

/* Shown in the title bar for two seconds; failures also go to stderr, where
 * they outlast the title. */
static void show_message(GbaUi *ui, bool failed, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->message, sizeof ui->message, fmt, ap);
    va_end(ap);
    ui->message_until = SDL_GetTicks() + MESSAGE_MS;
    if (failed)
        fprintf(stderr, "scion: %s\n", ui->message);
}

static const char *mode_label(const GbaUi *ui)
{
    if (ui->rewinding)
        return " [rewind]";
    if (ui->paused)
        return " [paused]";
    if (ui->fast_forward)
        return " [fast-forward]";
    return "";
}

static void update_title(GbaUi *ui)
{
    char title[sizeof ui->title];
    bool has_message = ui->message[0] && (Sint32)(ui->message_until - SDL_GetTicks()) > 0;
    snprintf(title, sizeof title, "scion - %s - %.1f fps%s%s%s", ui->rom_name, ui->fps, mode_label(ui),
             has_message ? " - " : "", has_message ? ui->message : "");
    if (strcmp(title, ui->title) != 0) {
        memcpy(ui->title, title, sizeof title);
        SDL_SetWindowTitle(ui->window, title);
    }
}

static void count_frame(GbaUi *ui)
{
    ui->fps_frames++;
    Uint32 now = SDL_GetTicks(), elapsed = now - ui->fps_since;
    if (elapsed >= 1000) {
        ui->fps = ui->fps_frames * 1000.0 / elapsed;
        ui->fps_frames = 0;
        ui->fps_since = now;
    }
}

/* --- the picture ----------------------------------------------------------------- */

/* The largest whole multiple of 240x160 that fits the output, centred; a
 * window smaller than 1x gets the largest 3:2 rectangle instead. */
static SDL_Rect picture_rect(int out_w, int out_h)
{
    int scale = SDL_min(out_w / GBA_SCREEN_W, out_h / GBA_SCREEN_H);
    int w = scale * GBA_SCREEN_W, h = scale * GBA_SCREEN_H;
    if (scale < 1) {
        w = SDL_min(out_w, out_h * GBA_SCREEN_W / GBA_SCREEN_H);
        h = w * GBA_SCREEN_H / GBA_SCREEN_W;
    }
    return (SDL_Rect){(out_w - w) / 2, (out_h - h) / 2, w, h};
}

static void present(GbaUi *ui)
{
    SDL_UpdateTexture(ui->texture, NULL, gba_framebuffer(ui->gba), GBA_SCREEN_W * sizeof(uint32_t));
    int w, h;
    if (SDL_GetRendererOutputSize(ui->renderer, &w, &h) != 0)
        SDL_GetWindowSize(ui->window, &w, &h);
    SDL_Rect dst = picture_rect(w, h);
    SDL_SetRenderDrawColor(ui->renderer, 0, 0, 0, 255);
    SDL_RenderClear(ui->renderer);
    SDL_RenderCopy(ui->renderer, ui->texture, NULL, &dst);
    SDL_RenderPresent(ui->renderer);
    ui->last_present = SDL_GetPerformanceCounter();
}

static bool present_due(const GbaUi *ui)
{
    if (!ui->fast_forward)
        return true;
    return SDL_GetPerformanceCounter() - ui->last_present >= SDL_GetPerformanceFrequency() / FAST_FORWARD_PRESENT_HZ;
}

static void toggle_fullscreen(GbaUi *ui)
{
    bool full = SDL_GetWindowFlags(ui->window) & SDL_WINDOW_FULLSCREEN;
    SDL_SetWindowFullscreen(ui->window, full ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
}

/* --- hotkey actions ---------------------------------------------------------------- */

static void take_screenshot(GbaUi *ui)
{
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    char path[4096], err[512];
    if (!gba_path_screenshot(path, sizeof path, ui->opt->rom_path, &local)) {
        show_message(ui, true, "screenshot: no usable file name beside the ROM");
        return;
    }
    if (png_write_rgb(path, gba_framebuffer(ui->gba), GBA_SCREEN_W, GBA_SCREEN_H, err, sizeof err))
        show_message(ui, false, "screenshot %s", path);
    else
        show_message(ui, true, "screenshot: %s", err);
}

static void state_slot(GbaUi *ui, int slot, bool save)
{
    char path[4096], err[512];
    if (!gba_path_state_slot(path, sizeof path, ui->opt->rom_path, ui->opt->state_dir, slot)) {
        show_message(ui, true, "state %d: path too long", slot);
        return;
    }
    bool ok = save ? gba_save_state(ui->gba, path, err, sizeof err) : gba_load_state(ui->gba, path, err, sizeof err);
    if (ok)
        show_message(ui, false, "%s state %d", save ? "saved" : "loaded", slot);
    else
        show_message(ui, true, "%s state %d failed: %s", save ? "saving" : "loading", slot, err);
    if (ok && !save && gba_audio_on(&ui->audio))
        gba_audio_flush(&ui->audio); /* the old timeline's sound */
}

/* --- events ----------------------------------------------------------------------- */

static void advance_one_frame(GbaUi *ui);

static void on_key_down(GbaUi *ui, const SDL_KeyboardEvent *k)
{
    SDL_Scancode sc = k->keysym.scancode;
    bool alt = k->keysym.mod & KMOD_ALT, shift = k->keysym.mod & KMOD_SHIFT;
    if (sc == SDL_SCANCODE_F11 || (alt && sc == SDL_SCANCODE_RETURN)) {
        if (!k->repeat)
            toggle_fullscreen(ui);
        return;
    }
    if (k->repeat && sc != SDL_SCANCODE_N)
        return; /* holding N steps frame after frame; nothing else repeats */
    if (sc == SDL_SCANCODE_ESCAPE)
        ui->quit = true;
    else if (sc == SDL_SCANCODE_P)
        ui->paused = !ui->paused;
    else if (sc == SDL_SCANCODE_N && ui->paused)
        advance_one_frame(ui); /* at once, so a screenshot or save queued behind N sees the new frame */
    else if (sc == SDL_SCANCODE_F12)
        take_screenshot(ui);
    else if (sc >= SDL_SCANCODE_F1 && sc <= SDL_SCANCODE_F9)
        state_slot(ui, (int)(sc - SDL_SCANCODE_F1) + 1, shift);
}

static void handle_event(GbaUi *ui, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        ui->quit = true;
        break;
    case SDL_KEYDOWN:
        on_key_down(ui, &e->key);
        break;
    case SDL_CONTROLLERDEVICEADDED:
        gba_pads_add(&ui->pads, e->cdevice.which);
        break;
    case SDL_CONTROLLERDEVICEREMOVED:
        gba_pads_remove(&ui->pads, e->cdevice.which);
        break;
    default:
        break;
    }
}

/* Held keys are read from the keyboard state rather than followed through
 * events, so a key released while the window had no focus cannot stick. */
static void read_held_keys(GbaUi *ui)
{
    int n;
    const Uint8 *kb = SDL_GetKeyboardState(&n);
    ui->fast_forward = kb[SDL_SCANCODE_TAB];
    ui->rewinding = kb[SDL_SCANCODE_GRAVE];
    /* Alt+Enter is fullscreen, not Start. */
    uint16_t keys = (SDL_GetModState() & KMOD_ALT) ? 0 : gba_keymap_keyboard(&ui->keymap, kb, n);
    gba_set_keys(ui->gba, keys | gba_pads_keys(&ui->pads, &ui->keymap));
}

static void poll_events(GbaUi *ui)
{
    SDL_Event e;
    while (SDL_PollEvent(&e))
        handle_event(ui, &e);
    read_held_keys(ui);
}

/* --- running frames ----------------------------------------------------------------- */

static bool audio_paces(const GbaUi *ui)
{
    return gba_audio_on(&ui->audio) && !ui->fast_forward && !ui->rewinding;
}

/* A rewind state every REWIND_INTERVAL frames; while fast-forwarding, no
 * more often than that many frames take at normal speed (a state costs a
 * copy and a compression of half a megabyte: taken every 4 frames it
 * would halve fast-forward). */
static void snapshot_for_rewind(GbaUi *ui)
{
    if (!ui->rewind.entries || ui->frames_to_snapshot-- > 0)
        return;
    uint64_t now = SDL_GetTicks64();
    if (ui->fast_forward && now - ui->last_snapshot_ms < REWIND_INTERVAL * 1000u * GBA_CYCLES_FRAME / GBA_CPU_HZ) {
        ui->frames_to_snapshot = 0; /* look again next frame */
        return;
    }
    ui->last_snapshot_ms = now;
    ui->frames_to_snapshot = REWIND_INTERVAL - 1;
    uint8_t *buf;
    size_t len;
    if (gba_state_to_buffer(ui->gba, &buf, &len)) {
        gba_rewind_push(&ui->rewind, buf, len);
        free(buf);
    }
}

static void run_frame(GbaUi *ui)
{
    gba_run_frame(ui->gba);
    if (audio_paces(ui))
        gba_audio_queue(&ui->audio, ui->gba);
    else
        gba_audio_discard(ui->gba);
    snapshot_for_rewind(ui);
    count_frame(ui);
}

/* Back one snapshot: load it and run a frame so the picture is the
 * state's own (a state need not hold the finished picture).  At the oldest
 * snapshot the picture stays. */
static void rewind_frame(GbaUi *ui)
{
    uint8_t *buf;
    size_t len;
    char err[256];
    if (!gba_rewind_pop(&ui->rewind, &buf, &len))
        return;
    bool ok = gba_state_from_buffer(ui->gba, buf, len, err, sizeof err);
    free(buf);
    if (!ok) {
        show_message(ui, true, "rewind failed: %s", err);
        return;
    }
    gba_run_frame(ui->gba);
    gba_audio_discard(ui->gba);
    ui->frames_to_snapshot = REWIND_INTERVAL - 1;
    count_frame(ui);
}

static void wait_for_timer(GbaUi *ui)
{
    Uint64 freq = SDL_GetPerformanceFrequency(), period = (Uint64)(freq / FRAME_HZ);
    Uint64 now = SDL_GetPerformanceCounter();
    if (now > ui->next_frame + MAX_LAG_FRAMES * period || ui->next_frame == 0)
        ui->next_frame = now;
    ui->next_frame += period;
    if (ui->next_frame > now)
        SDL_Delay((Uint32)((ui->next_frame - now) * 1000 / freq));
}

/* The machine's pace: the audio device's consumption when sound plays,
 * else the clock; fast-forward has none. */
static void pace(GbaUi *ui)
{
    if (ui->fast_forward && !ui->rewinding)
        return;
    if (audio_paces(ui))
        gba_audio_wait(&ui->audio);
    else
        wait_for_timer(ui);
}

static void advance_one_frame(GbaUi *ui)
{
    run_frame(ui);
    present(ui);
}

static void step(GbaUi *ui)
{
    bool ran = true;
    if (ui->rewinding)
        rewind_frame(ui);
    else if (!ui->paused)
        run_frame(ui);
    else
        ran = false;
    if (ran && present_due(ui))
        present(ui);
    update_title(ui);
    if (ran) {
        pace(ui);
    } else {
        ui->fps = 0;
        present(ui); /* keeps the picture after a resize or expose while paused */
        SDL_Delay(1000 / 60);
    }
}

/* --- set-up and tear-down ----------------------------------------------------------- */

static void load_keymap(GbaUi *ui)
{
    gba_keymap_defaults(&ui->keymap);
    char path[4096];
    if (ui->opt->keymap_path)
        gba_keymap_load(&ui->keymap, ui->opt->keymap_path, stderr);
    else if (gba_keymap_default_path(path, sizeof path) && access(path, F_OK) == 0)
        gba_keymap_load(&ui->keymap, path, stderr);
}

static bool open_window(GbaUi *ui)
{
    int scale = ui->opt->scale > 0 ? ui->opt->scale : DEFAULT_SCALE;
    Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (ui->opt->fullscreen)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    ui->window = SDL_CreateWindow("scion", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, GBA_SCREEN_W * scale,
                                  GBA_SCREEN_H * scale, flags);
    if (!ui->window)
        return false;
    SDL_SetWindowMinimumSize(ui->window, GBA_SCREEN_W, GBA_SCREEN_H);
    /* No vsync: the audio device or the timer sets the pace, and a 60 Hz
     * display must not drag the 59.73 Hz machine along. */
    ui->renderer = SDL_CreateRenderer(ui->window, -1, 0);
    if (!ui->renderer)
        return false;
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    ui->texture = SDL_CreateTexture(ui->renderer, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, GBA_SCREEN_W,
                                    GBA_SCREEN_H);
    return ui->texture != NULL;
}

static void close_ui(GbaUi *ui)
{
    gba_audio_close(&ui->audio);
    gba_pads_close_all(&ui->pads);
    gba_rewind_free(&ui->rewind);
    if (ui->texture)
        SDL_DestroyTexture(ui->texture);
    if (ui->renderer)
        SDL_DestroyRenderer(ui->renderer);
    if (ui->window)
        SDL_DestroyWindow(ui->window);
    SDL_Quit();
}

/* Sound and controllers are optional: without them the window still runs. */
static void open_optional_parts(GbaUi *ui)
{
    if (!ui->opt->mute) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0)
            gba_audio_open(&ui->audio, stderr);
        else
            fprintf(stderr, "scion: no sound (%s); pacing by the clock\n", SDL_GetError());
    }
    if (SDL_InitSubSystem(SDL_INIT_GAMECONTROLLER) != 0)
        fprintf(stderr, "scion: no game controllers (%s)\n", SDL_GetError());
    if (!gba_rewind_init(&ui->rewind, REWIND_ENTRIES, REWIND_BYTES))
        fprintf(stderr, "scion: no memory for rewind\n");
}

/* SDL falls back to its invisible "offscreen" driver when there is no
 * display; a window nobody can see is only wanted when asked for by name
 * (SDL_VIDEODRIVER=dummy or offscreen for smoke tests). */
static bool start_video(void)
{
    const char *why = NULL;
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        why = SDL_GetError();
    } else if (!SDL_getenv("SDL_VIDEODRIVER")) {
        const char *driver = SDL_GetCurrentVideoDriver();
        if (driver && (strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0))
            why = "no display found";
    }
    if (!why)
        return true;
    fprintf(stderr, "scion: cannot open a window: %s (is DISPLAY or WAYLAND_DISPLAY set? "
                    "SDL_VIDEODRIVER=dummy runs without a display)\n", why);
    SDL_Quit();
    return false;
}

int gba_sdl_run(Gba *g, const GbaUiOptions *o)
{
    GbaUi ui = {.gba = g, .opt = o};
    gba_path_rom_name(ui.rom_name, sizeof ui.rom_name, o->rom_path);
    if (!start_video())
        return 1;
    if (!open_window(&ui)) {
        fprintf(stderr, "scion: cannot open the window: %s\n", SDL_GetError());
        close_ui(&ui);
        return 1;
    }
    load_keymap(&ui);
    open_optional_parts(&ui);
    ui.fps_since = SDL_GetTicks();
    while (!ui.quit) {
        poll_events(&ui);
        step(&ui);
    }
    close_ui(&ui);
    return 0;
}
