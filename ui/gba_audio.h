/*
 * The GBA window's sound: the machine's 32768 Hz stereo resampled to the
 * device's rate and queued to SDL, and the queue's level used as the clock
 * that paces emulation.  The resampling ratio is nudged (at most 0.5%) by
 * how full the queue is, so it neither runs dry (crackle) nor grows
 * (latency) when the device's clock and the emulated one disagree.
 */
#ifndef SCION_GBA_AUDIO_H
#define SCION_GBA_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <SDL.h>

#include "system/gba.h"
#include "ui/gba_resample.h"


typedef struct GbaAudio {
    SDL_AudioDeviceID device; /* 0 when there is no sound */
    int rate;                 /* the device's frames per second */
    size_t target;            /* queued frames to keep: the latency */
    GbaResampler resampler;
    int16_t *out;             /* resampled frames for one queueing */
    size_t out_cap;
} GbaAudio;

/* Open the default output device (the audio subsystem must be
 * initialised); false, with a warning on warn, if there is none: the
 * caller then paces with a timer. */
bool gba_audio_open(GbaAudio *a, FILE *warn);
void gba_audio_close(GbaAudio *a);
static inline bool gba_audio_on(const GbaAudio *a)
{
    return a->device != 0;
}
/* Move the sound the machine has made to the device. */
void gba_audio_queue(GbaAudio *a, Gba *g);
/* Throw away the sound the machine has made (fast-forward, rewind, mute). */
void gba_audio_discard(Gba *g);
/* Block until the device has played the queue down to the target: called
 * before each frame, this runs the machine at the device's pace. */
void gba_audio_wait(GbaAudio *a);
/* Drop what is queued (after a pause or a jump in time). */
void gba_audio_flush(GbaAudio *a);

#endif
