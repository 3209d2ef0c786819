/* Serial console on stdio with raw mode and escape keys. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "system/console.h"

#define ESCAPE_KEY 0x01 /* Ctrl-A */

void console_open(Console *c)
{
    memset(c, 0, sizeof *c);
    c->in_fd = STDIN_FILENO;
    c->out_fd = STDOUT_FILENO;
    if (isatty(c->in_fd) && tcgetattr(c->in_fd, &c->saved) == 0) {
        struct termios t = c->saved;
        cfmakeraw(&t);
        t.c_oflag |= OPOST | ONLCR; /* the guest prints \n; keep the host terminal sane */
        c->raw = tcsetattr(c->in_fd, TCSANOW, &t) == 0;
    }
}

void console_close(Console *c)
{
    if (c->raw)
        tcsetattr(c->in_fd, TCSANOW, &c->saved);
    c->raw = false;
}

static void print_help(Console *c)
{
    static const char help[] = "\r\nC-a h    print this help\r\n"
                               "C-a x    exit scion\r\n"
                               "C-a c    switch between the console and the monitor\r\n"
                               "C-a C-a  send C-a to the guest\r\n";
    console_write(c, (const uint8_t *)help, sizeof help - 1);
}

/* One byte typed by the user: true if it goes to the guest. */
static bool filter_escape(Console *c, uint8_t ch)
{
    if (!c->escape) {
        if (ch != ESCAPE_KEY)
            return true;
        c->escape = true;
        return false;
    }
    c->escape = false;
    switch (ch) {
    case ESCAPE_KEY: return true;
    case 'x': c->quit = true; return false;
    case 'h': print_help(c); return false;
    case 'c': c->monitor_toggle = true; return false;
    default: return false;
    }
}

/* Raw bytes typed, after those held back by the last read. */
static ssize_t read_raw(Console *c, uint8_t *raw, size_t len)
{
    if (c->nheld) {
        size_t n = c->nheld < len ? c->nheld : len;
        memcpy(raw, c->held, n);
        memmove(c->held, c->held + n, c->nheld - n);
        c->nheld -= n;
        return (ssize_t)n;
    }
    if (c->eof || !console_wait(c, 0))
        return -1;
    ssize_t n = read(c->in_fd, raw, len);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        c->eof = true;
    return n;
}

size_t console_read(Console *c, uint8_t *buf, size_t len)
{
    uint8_t raw[sizeof c->held];
    ssize_t n = read_raw(c, raw, len < sizeof raw ? len : sizeof raw);
    size_t out = 0;
    for (ssize_t i = 0; i < n; i++) {
        if (filter_escape(c, raw[i]))
            buf[out++] = raw[i];
        if (c->monitor_toggle) { /* the rest is for the other side: keep it */
            c->nheld = (size_t)(n - i - 1);
            memcpy(c->held, raw + i + 1, c->nheld);
            break;
        }
    }
    return out;
}

void console_write(Console *c, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(c->out_fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* stdout gone: the guest's output is lost, the guest goes on */
        buf += n;
        len -= (size_t)n;
    }
}

bool console_wait(Console *c, int timeout_ms)
{
    if (c->nheld)
        return true;
    if (c->eof) {
        if (timeout_ms > 0)
            poll(NULL, 0, timeout_ms);
        return false;
    }
    struct pollfd p = {.fd = c->in_fd, .events = POLLIN};
    return poll(&p, 1, timeout_ms) > 0;
}
