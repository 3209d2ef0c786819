/*
 * Snapshots of the `virt` board: which sections make up its state, how a
 * snapshot's header describes the machine, saving to a file atomically,
 * and loading with every section staged and checked before anything of
 * the running machine changes.
 *
 *   char err[512];
 *   if (!virt_snapshot_save(b, "vm.snap", err, sizeof err)) fprintf(stderr, "scion: %s\n", err);
 *   ...
 *   SnapFile f;
 *   if (!snap_file_open(&f, "vm.snap", err, sizeof err) ||
 *       !virt_snapshot_config(f.header, "vm.snap", &opts, err, sizeof err)) ...  // before building the board
 *   ... build the board from opts ...
 *   if (!virt_snapshot_load(b, &f.src, f.header, err, sizeof err)) ...
 */
#ifndef SCION_VIRT_SNAPSHOT_H
#define SCION_VIRT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snapshot/ram.h"
#include "snapshot/stream.h"
#include "system/virt_board.h"

/* A snapshot file being read: its stream and header text. */
typedef struct SnapFile {
    FILE *f;
    SnapSource src;
    char *header;
} SnapFile;

bool snap_file_open(SnapFile *sf, const char *path, char *err, size_t errlen);
void snap_file_close(SnapFile *sf);

/* What a save wrote, for `info snapshot` and the benchmark. */
typedef struct VirtSnapInfo {
    uint64_t bytes, ram_pages;
    double seconds;
} VirtSnapInfo;

/* The header text describing b's machine and configuration (malloc'ed),
 * or NULL with err set (a disk image could not be hashed).  live: for a
 * migration, writable disks are identified by size only (shared storage
 * the guest keeps writing while RAM is copied). */
char *virt_snapshot_header(VirtBoard *b, bool live, char *err, size_t errlen);
/* Header, device sections, RAM (all non-zero pages unless dirty says
 * which), end marker. */
bool virt_snapshot_write(VirtBoard *b, SnapSink *sink, char *err, size_t errlen);
/* The device sections alone (after the RAM rounds of a migration). */
void virt_snapshot_write_devices(VirtBoard *b, SnapSink *sink);
/* Writes a snapshot file: temporary file, fsync, rename. */
bool virt_snapshot_save(VirtBoard *b, const char *path, VirtSnapInfo *info, char *err, size_t errlen);
/* Before the board exists: take the machine's configuration from a
 * snapshot header into o, refusing what conflicts with options the user
 * gave.  Drives not given are looked up at their recorded path, then
 * beside the snapshot file. */
bool virt_snapshot_config(const char *header, const char *snapshot_path, VirtOptions *o, char *err, size_t errlen);
/* Checks the header against b, reads every section into staging copies,
 * checks them, and only then replaces b's state.  b is untouched on failure. */
bool virt_snapshot_load(VirtBoard *b, SnapSource *src, const char *header, char *err, size_t errlen);
bool virt_snapshot_load_file(VirtBoard *b, const char *path, char *err, size_t errlen);
/* SHA-256 of the machine state: every device section and all of RAM. */
void virt_state_hash(VirtBoard *b, uint8_t digest[32]);

#endif
