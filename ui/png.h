/*
 * A PNG writer for screenshots: 8-bit RGB, no interlace, one zlib stream.
 *
 *   char err[256];
 *   if (!png_write_rgb("shot.png", pixels, 240, 160, err, sizeof err))
 *       fprintf(stderr, "scion: %s\n", err);
 */
#ifndef SCION_PNG_H
#define SCION_PNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The PNG file for width x height pixels 0x00RRGGBB (row-major, top row
 * first) in *out (malloc'd, the caller frees) and its length in *len; false
 * with a reason in err (too large, out of memory, zlib failure). */
bool png_encode_rgb(const uint32_t *pixels, unsigned width, unsigned height, uint8_t **out, size_t *len, char *err,
                    size_t errlen);
/* The same written to path through a temporary file beside it and a
 * rename, so a reader never sees half a picture. */
bool png_write_rgb(const char *path, const uint32_t *pixels, unsigned width, unsigned height, char *err,
                   size_t errlen);

#endif
