/* Region recipes (see region_recipes.h). */
#include "backend/region_recipes.h"

#include <stdlib.h>
#include <string.h>

#include "backend/code_cache.h"

/* Words of records kept (a guest that keeps making code keeps forming
 * regions; the file stays bounded). */
#define MAX_WORDS (1u << 20)

struct RegionRecipes {
    CodeCache *cc;
    uint8_t key[SHA256_SIZE];
    /* Records, each n then n (pc, mode) pairs: the file's, then this run's. */
    uint32_t *words;
    size_t nwords, cap, file_words;
    uint32_t *slots; /* record offset + 1 by head (pc, mode), 0 for empty */
    uint32_t mask;
    size_t nrecords;
    bool forked;
    RecipeStats stats;
};

static uint32_t slot_of(uint32_t pc, uint32_t mode, uint32_t mask)
{
    uint64_t h = ((uint64_t)mode << 32 | pc) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 40) & mask;
}

static void grow_index(RegionRecipes *rr);

/* The record at off becomes the one for its head. */
static void index_record(RegionRecipes *rr, size_t off)
{
    if (2 * (rr->nrecords + 1) > (size_t)rr->mask + 1)
        grow_index(rr);
    const uint32_t *rec = rr->words + off;
    uint32_t s = slot_of(rec[1], rec[2], rr->mask);
    for (; rr->slots[s]; s = (s + 1) & rr->mask) {
        const uint32_t *o = rr->words + rr->slots[s] - 1;
        if (o[1] == rec[1] && o[2] == rec[2])
            break;
    }
    if (!rr->slots[s])
        rr->nrecords++;
    rr->slots[s] = (uint32_t)off + 1;
}

static void grow_index(RegionRecipes *rr)
{
    uint32_t *old = rr->slots, old_size = old ? rr->mask + 1 : 0;
    uint32_t size = old_size ? 2 * old_size : 256;
    if (!(rr->slots = calloc(size, sizeof *rr->slots)))
        abort();
    rr->mask = size - 1;
    rr->nrecords = 0;
    for (uint32_t i = 0; i < old_size; i++)
        if (old[i])
            index_record(rr, old[i] - 1);
    free(old);
}

static bool append_words(RegionRecipes *rr, const uint32_t *w, size_t n)
{
    if (rr->nwords + n > MAX_WORDS)
        return false;
    if (rr->nwords + n > rr->cap) {
        rr->cap = rr->cap ? 2 * rr->cap : 4096;
        while (rr->cap < rr->nwords + n)
            rr->cap *= 2;
        if (!(rr->words = realloc(rr->words, rr->cap * sizeof *rr->words)))
            abort();
    }
    memcpy(rr->words + rr->nwords, w, n * sizeof *w);
    rr->nwords += n;
    return true;
}

/* The records of an entry the code cache vouched for (its digest held;
 * malloc'd, so aligned), each checked against the entry's end. */
static void load(RegionRecipes *rr, const uint32_t *w, size_t nwords)
{
    for (size_t off = 0; off < nwords && nwords <= MAX_WORDS; off += 1 + 2 * w[off]) {
        if (w[off] == 0 || w[off] > REGION_MAX_BLOCKS || off + 1 + 2 * w[off] > nwords)
            return; /* what was read so far stays: each record was checked */
        size_t at = rr->nwords;
        append_words(rr, w + off, 1 + 2 * w[off]);
        index_record(rr, at);
    }
}

RegionRecipes *recipes_open(const char *dir, uint64_t max_bytes, const uint8_t key[SHA256_SIZE], Log *log)
{
    CodeCache *cc = code_cache_open(dir, max_bytes, log);
    if (!cc)
        return NULL;
    RegionRecipes *rr = calloc(1, sizeof *rr);
    if (!rr)
        abort();
    rr->cc = cc;
    memcpy(rr->key, key, SHA256_SIZE);
    grow_index(rr);
    code_cache_use_suffix(cc, ".r");
    uint8_t *data;
    size_t size;
    if (code_cache_get(cc, key, &data, &size)) {
        load(rr, (const uint32_t *)(void *)data, size / 4);
        free(data);
    }
    rr->file_words = rr->nwords;
    return rr;
}

void recipes_close(RegionRecipes *rr)
{
    if (!rr)
        return;
    code_cache_close(rr->cc);
    free(rr->words);
    free(rr->slots);
    free(rr);
}

unsigned recipes_find(const RegionRecipes *rr, uint32_t pc, uint32_t mode, uint32_t members[][2])
{
    for (uint32_t s = slot_of(pc, mode, rr->mask); rr->slots[s]; s = (s + 1) & rr->mask) {
        const uint32_t *rec = rr->words + rr->slots[s] - 1;
        if (rec[1] != pc || rec[2] != mode)
            continue;
        memcpy(members, rec + 1, rec[0] * 2 * sizeof *rec);
        return rec[0];
    }
    return 0;
}

void recipes_add(RegionRecipes *rr, TransBlock *const *blocks, unsigned n)
{
    uint32_t rec[1 + 2 * REGION_MAX_BLOCKS] = {n};
    if (n == 0 || n > REGION_MAX_BLOCKS)
        return;
    for (unsigned i = 0; i < n; i++) {
        rec[1 + 2 * i] = blocks[i]->pc;
        rec[2 + 2 * i] = blocks[i]->mode;
    }
    size_t at = rr->nwords;
    if (append_words(rr, rec, 1 + 2 * n))
        index_record(rr, at);
}

void recipes_note_used(RegionRecipes *rr)
{
    rr->stats.used++;
}

void recipes_fork_child(RegionRecipes *rr)
{
    if (rr)
        rr->forked = true;
}

/* The newest record of every head, in the order they were made. */
void recipes_save(RegionRecipes *rr)
{
    if (!rr || rr->forked || rr->nwords == rr->file_words)
        return;
    uint32_t *out = malloc(rr->nwords * sizeof *out + 1);
    if (!out)
        return;
    size_t n = 0, records = 0;
    for (size_t off = 0; off < rr->nwords; off += 1 + 2 * rr->words[off]) {
        const uint32_t *rec = rr->words + off;
        uint32_t s = slot_of(rec[1], rec[2], rr->mask);
        while (rr->slots[s] && rr->slots[s] - 1 != off)
            s = (s + 1) & rr->mask;
        if (!rr->slots[s])
            continue; /* a newer record has this head */
        memcpy(out + n, rec, (1 + 2 * rec[0]) * sizeof *rec);
        n += 1 + 2 * rec[0];
        records++;
    }
    uint64_t written = code_cache_stats(rr->cc).written;
    code_cache_put(rr->cc, rr->key, (const uint8_t *)out, n * sizeof *out);
    if (code_cache_stats(rr->cc).written > written)
        rr->stats.saved = records;
    free(out);
}

RecipeStats recipes_stats(const RegionRecipes *rr)
{
    return rr ? rr->stats : (RecipeStats){0};
}
