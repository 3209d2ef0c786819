/* Monitor transport: console and UNIX-socket command lines (system/monitor.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "system/monitor.h"
#include "system/sock_uri.h"

#define PROMPT "(scion) "
#define BANNER "scion monitor - type 'help' for the commands\n"

void monitor_init(Monitor *mon, int console_out_fd)
{
    memset(mon, 0, sizeof *mon);
    mon->listen_fd = -1;
    mon->client.fd = -1;
    mon->console.fd = console_out_fd;
    mon->reply_fd = console_out_fd;
}

/* Socket clients and the console alike; a peer that went away notices
 * at its next read. */
static void write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL); /* no SIGPIPE from a client gone */
        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        write_all(mon->reply_fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Not a reply: nobody asked just now.  With no socket client and the
 * console switched to the guest, the console is the guest's serial output,
 * and a notice there would land in the middle of the guest's lines. */
void monitor_notify(Monitor *mon, const char *msg)
{
    if (mon->client.fd >= 0)
        write_all(mon->client.fd, msg, strlen(msg));
    else if (mon->console_active)
        write_all(mon->console.fd, msg, strlen(msg));
}

bool monitor_listen(Monitor *mon, const char *spec, char *err, size_t errlen)
{
    const char *path = sock_uri_unix_path(spec);
    if (!path) {
        snprintf(err, errlen, "bad -monitor '%s' (unix:PATH; never a network port)", spec);
        return false;
    }
    int fd = sock_uri_listen(spec, err, errlen);
    if (fd < 0)
        return false;
    mon->listen_fd = fd;
    mon->socket_path = strdup(path);
    return true;
}

static void drop_client(Monitor *mon)
{
    if (mon->client.fd >= 0)
        close(mon->client.fd);
    mon->client = (MonitorPeer){.fd = -1};
    mon->reply_fd = mon->console.fd;
}

void monitor_close(Monitor *mon)
{
    drop_client(mon);
    if (mon->listen_fd >= 0)
        close(mon->listen_fd);
    if (mon->socket_path)
        unlink(mon->socket_path);
    free(mon->socket_path);
    mon->listen_fd = -1;
    mon->socket_path = NULL;
}

/* Feeds bytes into a peer's line; runs each complete line. */
static bool feed(Monitor *mon, MonitorPeer *p, const char *bytes, size_t len, MonitorCommandFn fn, void *opaque)
{
    bool ran = false;
    for (size_t i = 0; i < len; i++) {
        char ch = bytes[i];
        if (ch == '\r' || ch == '\n') {
            if (p == &mon->console)
                write_all(p->fd, "\r\n", 2);
            p->line[p->len] = 0;
            mon->reply_fd = p->fd;
            if (p->overflow)
                monitor_printf(mon, "error: line too long (at most %d bytes)\n", MONITOR_LINE_MAX - 1);
            else if (p->len)
                fn(opaque, mon, p->line);
            ran = true;
            p->len = 0;
            p->overflow = false;
            if (p->fd >= 0 && (p != &mon->console || mon->console_active))
                write_all(p->fd, PROMPT, sizeof PROMPT - 1);
        } else if (p == &mon->console && (ch == 0x7f || ch == '\b')) {
            if (p->len) {
                p->len--;
                write_all(p->fd, "\b \b", 3);
            }
        } else if (p->len + 1 < MONITOR_LINE_MAX) {
            p->line[p->len++] = ch;
            if (p == &mon->console)
                write_all(p->fd, &ch, 1); /* raw terminal: echo */
        } else {
            p->overflow = true;
        }
    }
    return ran;
}

void monitor_console_input(Monitor *mon, const char *bytes, size_t len, MonitorCommandFn fn, void *opaque)
{
    feed(mon, &mon->console, bytes, len, fn, opaque);
}

void monitor_console_toggle(Monitor *mon)
{
    mon->console_active = !mon->console_active;
    mon->console.len = 0;
    const char *msg = mon->console_active ? "\r\n" BANNER PROMPT : "\r\n";
    write_all(mon->console.fd, msg, strlen(msg));
}

static void accept_client(Monitor *mon)
{
    int fd = accept4(mon->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    drop_client(mon); /* one client at a time: the newest wins */
    mon->client.fd = fd;
    write_all(fd, BANNER PROMPT, sizeof BANNER PROMPT - 1);
}

bool monitor_poll(Monitor *mon, int timeout_ms, MonitorCommandFn fn, void *opaque)
{
    int fds[2];
    unsigned n = monitor_fds(mon, fds);
    if (!n) {
        if (timeout_ms > 0)
            poll(NULL, 0, timeout_ms);
        return false;
    }
    struct pollfd p[2];
    for (unsigned i = 0; i < n; i++)
        p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    if (poll(p, n, timeout_ms) <= 0)
        return false;
    bool ran = false;
    for (unsigned i = 0; i < n; i++) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (p[i].fd == mon->listen_fd) {
            accept_client(mon);
            continue;
        }
        char buf[512];
        ssize_t got = read(mon->client.fd, buf, sizeof buf);
        if (got <= 0 && !(got < 0 && (errno == EINTR || errno == EAGAIN)))
            drop_client(mon);
        else if (got > 0)
            ran |= feed(mon, &mon->client, buf, (size_t)got, fn, opaque);
    }
    return ran;
}

unsigned monitor_fds(const Monitor *mon, int fds[2])
{
    unsigned n = 0;
    if (mon->listen_fd >= 0)
        fds[n++] = mon->listen_fd;
    if (mon->client.fd >= 0)
        fds[n++] = mon->client.fd;
    return n;
}
