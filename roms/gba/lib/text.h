/* Mode 3 text output for the test ROMs. */
#ifndef GBA_TEST_TEXT_H
#define GBA_TEST_TEXT_H

#include "gba.h"

#define RGB15(r, g, b) ((u16)((r) | (g) << 5 | (b) << 10))

void text_screen_init(u16 background);
/* Draws s with its top-left corner at (x, y), glyphs scaled by scale. */
void text_draw(int x, int y, const char *s, int scale, u16 colour);
/* Formats into buf (9 bytes for hex, 11 for decimal); returns buf. */
char *text_hex(char *buf, u32 value);
char *text_dec(char *buf, u32 value);

#endif
