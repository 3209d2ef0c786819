/*
 * Live migration of the `virt` board, pre-copy style.
 *
 * Source (`migrate unix:PATH` in the monitor): a thread sends the header
 * and all of RAM while the guest keeps running, then round after round
 * the pages the guest dirtied meanwhile (sysmem's dirty tracking, fed by
 * the slow store path of both tiers and by device DMA).  When a round is
 * small enough (or after MIGRATE_MAX_ROUNDS) the board's thread stops the
 * guest, sends the last dirty pages, the device sections and the end
 * marker, and waits for the target's acknowledgement: then the source
 * stays stopped ("postmigrate").  If anything fails - the connection
 * breaks, the target refuses - the source goes on running and nothing is
 * lost.  Rounds, bytes and downtime are reported.
 *
 * Target (-incoming unix:PATH or tcp:127.0.0.1:PORT): started with the
 * same configuration, it waits for one connection, stages every section
 * (RAM rounds included) as -loadvm does, commits, acknowledges, and runs.
 *
 * The stream is the snapshot stream (snapshot/stream.h); the target's
 * acknowledgement is one byte, MIGRATE_ACK.
 */
#ifndef SCION_MIGRATE_H
#define SCION_MIGRATE_H

#include <stdbool.h>

#include "system/monitor.h"

struct VirtBoard;

#define MIGRATE_MAX_ROUNDS 30
#define MIGRATE_FINAL_PAGES 256 /* a round this small (1 MiB) ends the pre-copy */
#define MIGRATE_ACK 'K'

/* The monitor's `migrate URI`: connects and starts the pre-copy thread. */
void migrate_start(struct VirtBoard *b, Monitor *mon, const char *uri);
/* Called by the board's thread between blocks: harvests dirty pages for
 * the sending thread and finishes (or abandons) the migration. */
void migrate_service(struct VirtBoard *b);
/* Abandons a migration in progress (scion is ending). */
void migrate_cancel(struct VirtBoard *b);
/* -incoming: waits for a migration and loads it; false (reported) if it
 * failed. */
bool migrate_incoming(struct VirtBoard *b, const char *uri);

#endif
