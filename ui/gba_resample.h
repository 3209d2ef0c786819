/*
 * Sample-rate conversion for the GBA window's sound: linear interpolation
 * of stereo 16-bit frames, and the small rate correction that keeps an
 * audio queue at its target level.  Pure functions, no SDL.
 */
#ifndef SCION_GBA_RESAMPLE_H
#define SCION_GBA_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* Linear interpolation between stereo frames, carried across calls. */
typedef struct GbaResampler {
    uint64_t pos;      /* next output's place in 32.32 fixed point: 0 = prev,
                        * 1.0 = the first input of the next call; fixed point
                        * so that how the input is chunked changes nothing */
    int16_t prev[2];   /* the last input frame of the previous call */
} GbaResampler;

/* Resample in_frames stereo frames, stepping step input frames per output
 * frame (in rate / out rate), into out; returns the output frames written
 * (never more than out_max: input past that is dropped). */
size_t gba_resample(GbaResampler *r, const int16_t *in, size_t in_frames, double step, int16_t *out,
                    size_t out_max);
/* The factor to multiply the output rate by: above 1 when the queue holds
 * less than target (make more sound), below when it holds more; within
 * 1 +- GBA_AUDIO_MAX_SKEW. */
#define GBA_AUDIO_MAX_SKEW 0.005
double gba_audio_rate_factor(size_t queued, size_t target);

#endif
