/*
 * A WAV writer for headless audio dumps (scion gba -audio-dump): RIFF/WAVE
 * with one PCM "fmt " chunk, 16-bit stereo, and one "data" chunk.
 *
 *   char err[256];
 *   if (!wav_write_stereo16("out.wav", frames, count, 32768, err, sizeof err))
 *       fprintf(stderr, "scion: %s\n", err);
 */
#ifndef SCION_WAV_H
#define SCION_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* count stereo frames (L, R interleaved) at rate Hz, written through a
 * temporary file and a rename; false with a reason in err. */
bool wav_write_stereo16(const char *path, const int16_t *frames, size_t count, unsigned rate, char *err,
                        size_t errlen);

#endif
