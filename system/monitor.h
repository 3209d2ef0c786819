/*
 * The monitor's transport: command lines from the console (after Ctrl-A c)
 * or from a client of a UNIX socket (-monitor unix:PATH), replies to
 * whichever asked.  What the commands do is the board's business
 * (system/virt_monitor.c); this file only assembles lines and prints.
 *
 * Never on a network port: anyone who can reach the monitor controls the
 * machine and can write files as the user running scion.
 *
 *   Monitor mon;
 *   monitor_init(&mon, STDOUT_FILENO);
 *   if (!monitor_listen(&mon, "unix:/tmp/vm.mon", err, sizeof err)) ...
 *   monitor_poll(&mon, 10, run_command, board);   // calls run_command per line
 *   monitor_printf(&mon, "VM status: %s\n", "running");  // to the asker
 */
#ifndef SCION_MONITOR_H
#define SCION_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#define MONITOR_LINE_MAX 1024

typedef struct MonitorPeer {
    int fd;        /* -1: none */
    char line[MONITOR_LINE_MAX];
    size_t len;
    bool overflow; /* the line being typed is too long: dropped at its end */
} MonitorPeer;

typedef struct Monitor {
    int listen_fd;        /* -1 without -monitor */
    char *socket_path;    /* unlinked at close */
    MonitorPeer client;   /* the socket's client */
    MonitorPeer console;  /* lines typed on the console; fd is stdout */
    bool console_active;  /* Ctrl-A c: console input goes to the monitor */
    int reply_fd;         /* where monitor_printf writes: the asker */
} Monitor;

/* A command line; reply with monitor_printf. */
typedef void (*MonitorCommandFn)(void *opaque, Monitor *mon, const char *line);

void monitor_init(Monitor *mon, int console_out_fd);
/* spec: "unix:PATH".  A stale socket file at PATH is replaced. */
bool monitor_listen(Monitor *mon, const char *spec, char *err, size_t errlen);
void monitor_close(Monitor *mon);
/* Accepts a client and runs the command lines it sent; waits up to
 * timeout_ms for something to happen.  True if a command ran. */
bool monitor_poll(Monitor *mon, int timeout_ms, MonitorCommandFn fn, void *opaque);
/* Bytes typed on the console while it is switched to the monitor. */
void monitor_console_input(Monitor *mon, const char *bytes, size_t len, MonitorCommandFn fn, void *opaque);
/* Switches the console to the monitor (prints a prompt) or back to the guest. */
void monitor_console_toggle(Monitor *mon);
void monitor_printf(Monitor *mon, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A notice nobody asked for now (a migration that ended): to the socket's
 * client if one is connected, to the console if it is switched to the
 * monitor, else nowhere (callers log it on stderr too). */
void monitor_notify(Monitor *mon, const char *msg);
/* The socket's file descriptors to wait on (for the board's idle poll):
 * returns how many were written to fds (at most 2). */
unsigned monitor_fds(const Monitor *mon, int fds[2]);

#endif
