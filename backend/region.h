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

#define REGION_MAX_BLOCKS 48
#define REGION_MAX_INSNS 800

/* Fills out[] (head first); returns the number of members. */
unsigned region_form(BlockCache *c, TransBlock *head, uint64_t min_runs, TransBlock **out);

#endif
