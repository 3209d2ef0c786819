/*
 * Region recipes: which blocks the LLVM tier compiled together around each
 * hot block, kept per program next to its translations, so that a later
 * run forms the same regions and finds their code in the code cache.
 *
 * Region formation depends on timing (which blocks already have code of
 * their own or are compiling, how often each has run when its neighbour
 * gets hot), so without the recipe a second run formed different regions
 * around the same hot blocks and compiled them again under other keys.
 * A recipe is only a hint: its members must all be translated blocks now,
 * and the unit's key (guest bytes and IR of every member) decides whether
 * cached code is used.
 *
 * One code cache entry per program, DIR/<key in hex>.r (code_cache.h: a
 * header with the SHA-256 of the contents, so a damaged file is ignored),
 * holding records of n, then n (pc, mode) pairs, the head first.  Written
 * whole at exit or execve when the run formed new regions.
 *
 *   RegionRecipes *rr = recipes_open(dir, max_bytes, key, log);
 *   uint32_t members[REGION_MAX_BLOCKS][2];
 *   unsigned n = recipes_find(rr, head_pc, head_mode, members);
 *   recipes_add(rr, blocks, n);          // a region formed afresh
 *   recipes_save(rr);                    // at exit
 *   recipes_close(rr);
 */
#ifndef SCION_REGION_RECIPES_H
#define SCION_REGION_RECIPES_H

#include <stdint.h>

#include "backend/block_cache.h"
#include "backend/log.h"
#include "backend/region.h"
#include "backend/sha256.h"

typedef struct RegionRecipes RegionRecipes;

typedef struct RecipeStats {
    uint64_t used;  /* regions formed from a recipe */
    uint64_t saved; /* recipes written at exit */
} RecipeStats;

/* NULL if dir is unusable (said on log, unless it is NULL). */
RegionRecipes *recipes_open(const char *dir, uint64_t max_bytes, const uint8_t key[SHA256_SIZE], Log *log);
void recipes_close(RegionRecipes *rr);
/* The members (pc, mode; head first) of the region formed around (pc,
 * mode) before, or 0. */
unsigned recipes_find(const RegionRecipes *rr, uint32_t pc, uint32_t mode, uint32_t members[][2]);
void recipes_add(RegionRecipes *rr, TransBlock *const *blocks, unsigned n);
void recipes_note_used(RegionRecipes *rr);
/* From a forked child on: save nothing (the parent does). */
void recipes_fork_child(RegionRecipes *rr);
void recipes_save(RegionRecipes *rr);
RecipeStats recipes_stats(const RegionRecipes *rr);

#endif
