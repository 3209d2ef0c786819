/* WAV encoding: the canonical 44-byte header (RIFF, a PCM "fmt " chunk,
 * "data"), then the samples as little-endian 16-bit words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/atomic_file.h"
#include "ui/wav.h"

#define WAV_HEADER 44u
#define WAV_CHANNELS 2u
#define WAV_BYTES_PER_FRAME (WAV_CHANNELS * 2u)

static void put_le(uint8_t *p, uint32_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

bool wav_write_stereo16(const char *path, const int16_t *frames, size_t count, unsigned rate, char *err,
                        size_t errlen)
{
    if (count > (UINT32_MAX - WAV_HEADER) / WAV_BYTES_PER_FRAME) { /* RIFF sizes are 32-bit */
        snprintf(err, errlen, "%s: too much audio for a WAV file", path);
        return false;
    }
    uint32_t data_len = (uint32_t)count * WAV_BYTES_PER_FRAME;
    uint8_t *buf = malloc(WAV_HEADER + (size_t)data_len);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    memcpy(buf, "RIFF", 4);
    put_le(buf + 4, 36 + data_len, 4); /* the rest of the file */
    memcpy(buf + 8, "WAVEfmt ", 8);
    put_le(buf + 16, 16, 4);           /* the fmt chunk's size */
    put_le(buf + 20, 1, 2);            /* PCM */
    put_le(buf + 22, WAV_CHANNELS, 2);
    put_le(buf + 24, rate, 4);
    put_le(buf + 28, rate * WAV_BYTES_PER_FRAME, 4); /* bytes per second */
    put_le(buf + 32, WAV_BYTES_PER_FRAME, 2);        /* block align */
    put_le(buf + 34, 16, 2);                         /* bits per sample */
    memcpy(buf + 36, "data", 4);
    put_le(buf + 40, data_len, 4);
    for (size_t i = 0; i < count * WAV_CHANNELS; i++)
        put_le(buf + WAV_HEADER + 2 * i, (uint16_t)frames[i], 2);
    bool ok = atomic_write_file(path, buf, WAV_HEADER + (size_t)data_len, err, errlen);
    free(buf);
    return ok;
}
