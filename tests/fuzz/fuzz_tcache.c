/*
 * libFuzzer target: a translation cache file (backend/tcache_file.h), as
 * backend/translation_cache.c reads it from the cache directory.
 *
 * Input: u8 flags, then the file.
 *   flags bit 0: seal every entry (set its checksum) once the file's
 *                structure has been read, so that mutated IR gets past
 *                the checksums to the decoder (without it the checksums
 *                themselves are under test).
 *
 * The file is loaded from a private mapping, like a real one.  Every
 * entry is looked up by its (pc, mode) and decoded.  Checked besides
 * memory safety and leaks: the index finds an entry with the (pc, mode)
 * asked for; IR that decodes and passes ir_validate encodes again into an
 * entry that decodes to the same instructions.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend/tcache_file.h"
#include "tests/fuzz/fuzz_input.h"

static void fail(const char *what)
{
    fprintf(stderr, "tcache fuzz: %s\n", what);
    abort();
}

static bool same_insns(const IrBlock *a, const IrBlock *b)
{
    if (a->count != b->count || a->ntemps != b->ntemps || a->nlabels != b->nlabels)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const IrInsn *x = &a->insns[i], *y = &b->insns[i];
        if (x->op != y->op || x->aux != y->aux || x->dst != y->dst || x->a != y->a || x->b != y->b || x->c != y->c ||
            x->imm != y->imm)
            return false;
    }
    return true;
}

/* Encode the decoded IR again and decode that: the same instructions. */
static void check_round_trip(const TcacheEntry *e, const IrBlock *ir)
{
    TranslateResult r = {.ir = (IrBlock *)ir, .guest_start = e->guest_start, .guest_end = e->guest_end,
                         .ninsns = e->ninsns};
    size_t room = tcache_entry_room(&r);
    if (!room)
        fail("a decoded entry has no room to be encoded");
    uint8_t *buf = calloc(1, room);
    if (!buf)
        abort();
    size_t size = tcache_entry_encode(buf, e->pc, e->mode, &r, tcache_entry_bytes(e));
    if (size > room)
        fail("an encoded entry overran its room");
    IrBlock again = {0};
    size_t cap = 0;
    if (!tcache_entry_decode((const TcacheEntry *)buf, &again, &cap) || !same_insns(ir, &again))
        fail("an entry did not survive encoding and decoding");
    free(again.insns);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in = {data, size};
    bool seal = fin_u8(&in) & 1;
    if (!in.n)
        return 0;
    uint8_t *file = mmap(NULL, in.n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (file == MAP_FAILED)
        return 0;
    memcpy(file, in.p, in.n);
    TcacheFile f;
    if (!tcache_file_load(&f, file, in.n))
        return 0; /* unmapped by the load */
    IrBlock ir = {0};
    size_t cap = 0;
    for (uint32_t i = 0; i < f.n; i++) {
        const TcacheEntry *e = tcache_file_entry(&f, i);
        if (seal)
            tcache_entry_seal(file + (f.entries - file) + f.offset[i]);
        int64_t found = tcache_file_find(&f, e->pc, e->mode);
        if (found < 0 || tcache_file_entry(&f, (uint32_t)found)->pc != e->pc ||
            tcache_file_entry(&f, (uint32_t)found)->mode != e->mode)
            fail("the index lost an entry");
        if (tcache_entry_decode(e, &ir, &cap) && !ir_validate(&ir))
            check_round_trip(e, &ir);
    }
    free(ir.insns);
    tcache_file_free(&f);
    return 0;
}
