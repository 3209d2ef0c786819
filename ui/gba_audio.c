/* Sound output for the GBA window (see gba_audio.h).  SDL_QueueAudio keeps
 * everything on the emulation thread: no callback, no lock. */
#include <stdlib.h>
#include <string.h>

#include "ui/gba_audio.h"

/* Queued sound to aim for: 50 ms, about three frames, enough to ride out
 * a slow frame without being heard as lag. */
#define TARGET_MS 50
/* Longest gba_audio_wait blocks: a device that stops consuming (a
 * suspended sink) must not hang the window. */
#define MAX_WAIT_MS 100
#define TAKE_CHUNK 1024

bool gba_audio_open(GbaAudio *a, FILE *warn)
{
    memset(a, 0, sizeof *a);
    SDL_AudioSpec want = {0}, have;
    want.freq = 48000;
    want.format = AUDIO_S16SYS;
    want.channels = 2;
    want.samples = 512;
    a->device = SDL_OpenAudioDevice(NULL, 0, &want, &have, SDL_AUDIO_ALLOW_FREQUENCY_CHANGE);
    if (a->device == 0) {
        fprintf(warn, "scion: no sound (%s); pacing by the clock\n", SDL_GetError());
        return false;
    }
    a->rate = have.freq;
    a->target = (size_t)have.freq * TARGET_MS / 1000;
    /* At the highest ratio, a chunk of input makes this many frames. */
    a->out_cap = (size_t)((double)TAKE_CHUNK * have.freq / GBA_AUDIO_RATE * (1 + GBA_AUDIO_MAX_SKEW)) + 4;
    a->out = malloc(a->out_cap * 2 * sizeof *a->out);
    if (!a->out) {
        gba_audio_close(a);
        return false;
    }
    SDL_PauseAudioDevice(a->device, 0);
    return true;
}

void gba_audio_close(GbaAudio *a)
{
    if (a->device)
        SDL_CloseAudioDevice(a->device);
    free(a->out);
    memset(a, 0, sizeof *a);
}

static size_t queued_frames(const GbaAudio *a)
{
    return SDL_GetQueuedAudioSize(a->device) / (2 * sizeof(int16_t));
}

void gba_audio_queue(GbaAudio *a, Gba *g)
{
    int16_t in[TAKE_CHUNK * 2];
    double factor = gba_audio_rate_factor(queued_frames(a), a->target);
    double step = (double)GBA_AUDIO_RATE / (a->rate * factor);
    size_t got;
    while ((got = gba_audio_take(g, in, TAKE_CHUNK)) > 0) {
        size_t n = gba_resample(&a->resampler, in, got, step, a->out, a->out_cap);
        SDL_QueueAudio(a->device, a->out, (Uint32)(n * 2 * sizeof *a->out));
        if (got < TAKE_CHUNK)
            break;
    }
}

void gba_audio_discard(Gba *g)
{
    int16_t in[TAKE_CHUNK * 2];
    while (gba_audio_take(g, in, TAKE_CHUNK) == TAKE_CHUNK)
        ;
}

void gba_audio_wait(GbaAudio *a)
{
    Uint32 start = SDL_GetTicks();
    while (queued_frames(a) > a->target && SDL_GetTicks() - start < MAX_WAIT_MS)
        SDL_Delay(1);
}

void gba_audio_flush(GbaAudio *a)
{
    SDL_ClearQueuedAudio(a->device);
}
