/*
 * A log of guest stores that can be undone, for running one block twice
 * (interpreter, then compiled code) on the same memory in -jit check mode.
 * The interpreter and store helpers record into CpuCommon.store_log when it
 * is set; it is NULL in normal runs.
 */
#ifndef SCION_STORE_LOG_H
#define SCION_STORE_LOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct StoreLogEntry {
    uint32_t addr;
    uint8_t size;
    uint64_t old_bytes, new_bytes;
} StoreLogEntry;

typedef struct StoreLog {
    StoreLogEntry *entries;
    size_t count, capacity;
} StoreLog;

/* Before a store of size bytes at guest addr. */
void store_log_record(StoreLog *log, const uint8_t *mem, uint32_t addr, unsigned size);
/* After the block: remember what each store left, then restore the old bytes. */
void store_log_capture_and_undo(StoreLog *log, uint8_t *mem);
/* Index of the first entry whose captured bytes differ from memory now, or -1. */
long store_log_first_difference(const StoreLog *log, const uint8_t *mem);
/* Put back what the logged stores wrote. */
void store_log_redo(const StoreLog *log, uint8_t *mem);
void store_log_reset(StoreLog *log);
void store_log_free(StoreLog *log);

#endif
