/* Undoable store log for tier-versus-tier checking. */
#include "backend/store_log.h"

#include <stdlib.h>
#include <string.h>

void store_log_record(StoreLog *log, const uint8_t *mem, uint32_t addr, unsigned size)
{
    if (log->count == log->capacity) {
        size_t cap = log->capacity ? log->capacity * 2 : 64;
        StoreLogEntry *e = realloc(log->entries, cap * sizeof *e);
        if (!e)
            abort();
        log->entries = e;
        log->capacity = cap;
    }
    StoreLogEntry *e = &log->entries[log->count++];
    e->addr = addr;
    e->size = (uint8_t)size;
    e->old_bytes = 0;
    memcpy(&e->old_bytes, mem + addr, size);
}

void store_log_capture_and_undo(StoreLog *log, uint8_t *mem)
{
    for (size_t i = 0; i < log->count; i++) {
        StoreLogEntry *e = &log->entries[i];
        e->new_bytes = 0;
        memcpy(&e->new_bytes, mem + e->addr, e->size);
    }
    for (size_t i = log->count; i-- > 0;)
        memcpy(mem + log->entries[i].addr, &log->entries[i].old_bytes, log->entries[i].size);
}

long store_log_first_difference(const StoreLog *log, const uint8_t *mem)
{
    for (size_t i = 0; i < log->count; i++) {
        const StoreLogEntry *e = &log->entries[i];
        uint64_t now = 0;
        memcpy(&now, mem + e->addr, e->size);
        if (now != e->new_bytes)
            return (long)i;
    }
    return -1;
}

void store_log_redo(const StoreLog *log, uint8_t *mem)
{
    for (size_t i = 0; i < log->count; i++)
        memcpy(mem + log->entries[i].addr, &log->entries[i].new_bytes, log->entries[i].size);
}

void store_log_reset(StoreLog *log)
{
    log->count = 0;
}

void store_log_free(StoreLog *log)
{
    free(log->entries);
    log->entries = NULL;
    log->count = log->capacity = 0;
}
