/*
 * The `virt` board's monitor commands (stop, cont, savevm, loadvm,
 * migrate, info, quit) and the run loop's handling of console and monitor
 * input.  Commands run in the board's thread between guest blocks, so they
 * see and change a machine that stands still.
 */
#ifndef SCION_VIRT_MONITOR_H
#define SCION_VIRT_MONITOR_H

#include "system/monitor.h"
#include "system/virt_board.h"

/* A MonitorCommandFn; opaque is the VirtBoard. */
void virt_monitor_command(void *opaque, Monitor *mon, const char *line);
/* Console input to the UART, or to the monitor after Ctrl-A c. */
void virt_feed_console(VirtBoard *b);
/* Waits up to timeout_ms for console or monitor input; runs the monitor
 * commands that arrived and flags console input for virt_feed_console. */
void virt_wait_input(VirtBoard *b, int timeout_ms);

#endif
