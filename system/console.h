/*
 * The host side of the guest's serial console: stdin/stdout, raw terminal
 * mode while the guest runs, and QEMU-style escape keys (Ctrl-A x quits,
 * Ctrl-A h lists the keys, Ctrl-A c switches to the monitor and back,
 * Ctrl-A Ctrl-A sends a Ctrl-A).
 *
 *   console_open(&con);             // raw mode if stdin is a terminal
 *   n = console_read(&con, buf, sizeof buf);  // non-blocking, escapes handled
 *   if (con.quit) ...
 *   console_close(&con);            // terminal restored
 */
#ifndef SCION_CONSOLE_H
#define SCION_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

typedef struct Console {
    int in_fd, out_fd;
    bool raw;           /* the terminal was switched to raw mode */
    struct termios saved;
    bool escape;        /* Ctrl-A seen, waiting for the command key */
    bool eof;           /* stdin closed: stop reading */
    bool quit;          /* Ctrl-A x */
    bool monitor_toggle; /* Ctrl-A c: the board switches to or from the monitor (and clears this) */
    uint8_t held[64];   /* typed after a Ctrl-A c, not yet read */
    size_t nheld;
} Console;

void console_open(Console *c);
void console_close(Console *c);
/* Guest-bound bytes available now (never blocks). */
size_t console_read(Console *c, uint8_t *buf, size_t len);
void console_write(Console *c, const uint8_t *buf, size_t len);
/* Wait up to timeout_ms for input; true if some may be ready. */
bool console_wait(Console *c, int timeout_ms);

#endif
