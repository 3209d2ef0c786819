/* The `virt` board's monitor commands and the run loop's look at the
 * monitor and console while the guest runs or stands still. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "system/migrate.h"
#include "system/virt_monitor.h"
#include "system/virt_snapshot.h"

static const char help_text[] =
    "stop                 stop the guest (guest time stands still)\n"
    "cont                 let it run again\n"
    "savevm FILE          save the machine to FILE (atomically: a temporary file, fsync, rename)\n"
    "loadvm FILE          replace the machine's state with FILE's (refused, unchanged, if FILE is bad)\n"
    "migrate unix:PATH    live-migrate to a scion started with -incoming (also tcp:127.0.0.1:PORT)\n"
    "info status          running, paused or postmigrate\n"
    "info snapshot        what the last savevm/loadvm did\n"
    "info migrate         what the last migration did\n"
    "quit                 end scion\n";

static const char *state_name(VirtRunState s)
{
    return s == VIRT_RUNNING ? "running" : s == VIRT_PAUSED ? "paused" : "postmigrate";
}

static void cmd_savevm(VirtBoard *b, Monitor *mon, const char *path)
{
    char err[512];
    VirtSnapInfo info;
    if (!virt_snapshot_save(b, path, &info, err, sizeof err)) {
        monitor_printf(mon, "error: %s\n", err);
        return;
    }
    int n = snprintf(b->snap_info, sizeof b->snap_info, "saved %s: %llu bytes in %.3f s", path,
                     (unsigned long long)info.bytes, info.seconds);
    if (b->icount_shift >= 0 && n > 0 && (size_t)n < sizeof b->snap_info)
        snprintf(b->snap_info + n, sizeof b->snap_info - (size_t)n, " at instruction %llu",
                 (unsigned long long)b->m.cpu.common.icount);
    monitor_printf(mon, "%s\n", b->snap_info);
}

static void cmd_loadvm(VirtBoard *b, Monitor *mon, const char *path)
{
    char err[1024];
    uint64_t t0 = virt_host_ns();
    if (b->run_state == VIRT_POSTMIGRATE || b->migration) {
        monitor_printf(mon, "error: this machine is migrating or has migrated away\n");
        return;
    }
    if (!virt_snapshot_load_file(b, path, err, sizeof err)) {
        monitor_printf(mon, "error: %s (the machine is unchanged)\n", err);
        return;
    }
    snprintf(b->snap_info, sizeof b->snap_info, "loaded %s in %.3f s", path, (double)(virt_host_ns() - t0) * 1e-9);
    monitor_printf(mon, "%s\n", b->snap_info);
}

static void cmd_cont(VirtBoard *b, Monitor *mon)
{
    if (b->run_state == VIRT_POSTMIGRATE)
        monitor_printf(mon, "error: this machine has migrated away; it would run on as a second copy\n");
    else
        virt_resume(b);
}

static void cmd_info(VirtBoard *b, Monitor *mon, const char *what)
{
    if (!strcmp(what, "status"))
        monitor_printf(mon, "VM status: %s\n", state_name(b->run_state));
    else if (!strcmp(what, "snapshot"))
        monitor_printf(mon, "%s\n", b->snap_info[0] ? b->snap_info : "no snapshot saved or loaded yet");
    else if (!strcmp(what, "migrate"))
        monitor_printf(mon, "%s\n", b->migrate_info[0] ? b->migrate_info : "no migration yet");
    else
        monitor_printf(mon, "error: unknown 'info %s' (status, snapshot, migrate)\n", what);
}

/* The command word and its argument (rest of the line, trimmed). */
static void split(const char *line, char *cmd, size_t cmdlen, const char **arg)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strcspn(line, " \t");
    snprintf(cmd, cmdlen, "%.*s", (int)n, line);
    line += n;
    while (*line == ' ' || *line == '\t')
        line++;
    *arg = line;
}

void virt_monitor_command(void *opaque, Monitor *mon, const char *line)
{
    VirtBoard *b = opaque;
    char cmd[32];
    const char *arg;
    split(line, cmd, sizeof cmd, &arg);
    bool needs_arg = !strcmp(cmd, "savevm") || !strcmp(cmd, "loadvm") || !strcmp(cmd, "migrate") ||
                     !strcmp(cmd, "info");
    if (needs_arg && !*arg)
        monitor_printf(mon, "error: '%s' needs an argument (see help)\n", cmd);
    else if (!strcmp(cmd, "help") || !strcmp(cmd, "?"))
        monitor_printf(mon, "%s", help_text);
    else if (!strcmp(cmd, "stop"))
        virt_pause(b);
    else if (!strcmp(cmd, "cont") || !strcmp(cmd, "c"))
        cmd_cont(b, mon);
    else if (!strcmp(cmd, "savevm"))
        cmd_savevm(b, mon, arg);
    else if (!strcmp(cmd, "loadvm"))
        cmd_loadvm(b, mon, arg);
    else if (!strcmp(cmd, "migrate"))
        migrate_start(b, mon, arg);
    else if (!strcmp(cmd, "info"))
        cmd_info(b, mon, arg);
    else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q"))
        b->off = true;
    else
        monitor_printf(mon, "error: unknown command '%s' (try help)\n", cmd);
}

/* --- the run loop's side ---------------------------------------------------- */

void virt_feed_console(VirtBoard *b)
{
    uint8_t buf[64];
    for (;;) {
        size_t n = 0;
        if (b->mon.console_active) {
            n = console_read(&b->con, buf, sizeof buf);
            if (n)
                monitor_console_input(&b->mon, (const char *)buf, n, virt_monitor_command, b);
        } else if (pl011_can_receive(&b->uart) && (n = console_read(&b->con, buf, 1)) == 1) {
            pl011_receive(&b->uart, buf[0]);
        }
        if (b->con.monitor_toggle) {
            b->con.monitor_toggle = false;
            monitor_console_toggle(&b->mon);
        } else if (!n) {
            break;
        }
    }
    if (b->con.quit)
        b->off = true;
}

void virt_wait_input(VirtBoard *b, int timeout_ms)
{
    struct pollfd p[3] = {{.fd = b->con.eof ? -1 : b->con.in_fd, .events = POLLIN}};
    int fds[2];
    unsigned n = monitor_fds(&b->mon, fds);
    for (unsigned i = 0; i < n; i++)
        p[1 + i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    if (b->con.nheld)
        timeout_ms = 0;
    if (poll(p, 1 + n, timeout_ms) < 0)
        return;
    if ((p[0].revents & (POLLIN | POLLHUP)) || b->con.nheld)
        atomic_store(&b->input_ready, true);
    bool monitor = false;
    for (unsigned i = 0; i < n; i++)
        monitor |= (p[1 + i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    if (monitor)
        monitor_poll(&b->mon, 0, virt_monitor_command, b);
}
