/* Resampling and rate control (see gba_resample.h). */
#include "ui/gba_resample.h"

#define FRAC_BITS 32
#define ONE ((uint64_t)1 << FRAC_BITS)

/* a + (b - a) * frac / 2^32, rounded to nearest. */
static int16_t lerp(int16_t a, int16_t b, uint64_t frac)
{
    return (int16_t)(a + (((int64_t)(b - a) * (int64_t)(frac >> 16) + 0x8000) >> 16));
}

size_t gba_resample(GbaResampler *r, const int16_t *in, size_t in_frames, double step, int16_t *out,
                    size_t out_max)
{
    if (in_frames == 0)
        return 0;
    uint64_t step_fx = (uint64_t)(step * (double)ONE + 0.5), end = (uint64_t)in_frames << FRAC_BITS;
    size_t n = 0;
    /* Input index i here is prev for 0 and in[i - 1] after it. */
    while (r->pos < end && n < out_max) {
        size_t i = (size_t)(r->pos >> FRAC_BITS);
        uint64_t frac = r->pos & (ONE - 1);
        const int16_t *a = i == 0 ? r->prev : &in[2 * (i - 1)];
        const int16_t *b = &in[2 * i];
        out[2 * n] = lerp(a[0], b[0], frac);
        out[2 * n + 1] = lerp(a[1], b[1], frac);
        n++;
        r->pos += step_fx;
    }
    r->pos = r->pos >= end ? r->pos - end : 0;
    r->prev[0] = in[2 * (in_frames - 1)];
    r->prev[1] = in[2 * (in_frames - 1) + 1];
    return n;
}

double gba_audio_rate_factor(size_t queued, size_t target)
{
    if (target == 0)
        return 1.0;
    double error = ((double)target - (double)queued) / (double)target;
    if (error > 1.0)
        error = 1.0;
    if (error < -1.0)
        error = -1.0;
    return 1.0 + GBA_AUDIO_MAX_SKEW * error;
}
