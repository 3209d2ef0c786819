/*
 * Superblocks for the baseline tier (user mode).
 *
 * A block whose interpreted runs nearly always left through the same
 * direct exit is compiled together with the block that exit reaches: the
 * successor's IR takes the place of the exit op, so its ops follow the
 * head's on the hot path.  What one block stores to the guest state and
 * the next one loads stays in a host register, and a store the successor
 * overwrites is made only on the paths that leave before it
 * (baseline_opt).  The successor may continue into its own likely
 * successor, up to SUPERBLOCK_MAX_BLOCKS blocks and BASELINE_MAX_SITES
 * linkable exits.
 *
 * The joined IR is the head's IR from then on (the interpreter and
 * -baseline check run it too), and the head's block covers the bytes of
 * every block in it, so a write to any of them retires it.
 *
 *   superblock_note_exit(tb, next_pc);       after each interpreted run
 *   InterpCode *c = superblock_form(tb, &lookup, count, &span);
 */
#ifndef SCION_SUPERBLOCK_H
#define SCION_SUPERBLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/block_cache.h"
#include "backend/interp.h"

#define SUPERBLOCK_MAX_BLOCKS 3

/* An interpreted run of tb left for next_pc through a direct exit. */
void superblock_note_exit(TransBlock *tb, uint32_t next_pc);

/* Did tb's runs so far go to one successor nearly always? */
bool superblock_likely(const TransBlock *tb);

/* The guest bytes a superblock's blocks span, as one range. */
typedef struct SuperblockSpan {
    uint32_t start, end;
    unsigned blocks;
} SuperblockSpan;

/* How superblock_form finds a successor's block: the cache's block for
 * (pc, mode), or NULL.  With guess, a block whose runs had no majority
 * (-baseline check compiles blocks on their first run, and joins them so
 * that joined code is checked too) continues into its last direct exit's
 * block, which find may translate for the purpose. */
typedef struct SuperblockLookup {
    const TransBlock *(*find)(void *opaque, uint32_t pc, uint32_t mode);
    void *opaque;
    bool guess;
} SuperblockLookup;

/* The IR of tb joined with its likely successors (with their IR still
 * there, within tb's first and last guest page, in tb's mode), or NULL
 * when its runs had no likely successor or none can join.  With count,
 * each successor's part first adds its run and instructions to
 * CpuCommon's baseline counters (--stats), as baseline code does at a
 * block's start.  The caller owns the result. */
InterpCode *superblock_form(const TransBlock *tb, const SuperblockLookup *lookup, bool count, SuperblockSpan *span);

/* The IR of head with next's ops in place of its op exit_at (an EXIT):
 * next's temps and branch targets renumbered after head's, the zero temp
 * (interp_prepare's, the last) shared.  A conditional exit that comes
 * before the other exit of its branch trades places with it first (the
 * branch inverted), so that the joined path falls through.  *next_at:
 * where next's ops start. */
InterpCode *superblock_join(const InterpCode *head, size_t exit_at, const InterpCode *next, size_t *next_at);

#endif
