/*
 * Region formation: which blocks to compile together with a hot block.
 *
 * Starting at the hot block, follow direct exits (whose next mode the
 * translator knows) to blocks already in the cache that have themselves
 * run often, breadth first, up to a size limit.  Loops through the hot block
 * become loops inside one host function; rarely taken paths stay out and
 * are reached by chaining.
 */
#ifndef SCION_REGION_H
#define SCION_REGION_H

#include "backend/block_cache.h"

/* Measured on bzip2 -9 (2 MiB): 16 blocks / 250 instructions compiled 27%
 * less than 48 / 800, with shorter waits for the first compiled code. */
#define REGION_MAX_BLOCKS 16
#define REGION_MAX_INSNS 250

/* Fills out[] (head first); returns the number of members. */
unsigned region_form(BlockCache *c, TransBlock *head, uint64_t min_runs, uint32_t page_local_bits, TransBlock **out);

#endif
