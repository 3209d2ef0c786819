/* --stats: the execution statistics printed at exit. */
#include <stdio.h>

#include "ui/stats.h"

#include "backend/translation_cache.h"

static unsigned long long ull(uint64_t v)
{
    return (unsigned long long)v;
}

/* Like QEMU's "info jit": where the time and the guest code went. */
void stats_print(const Machine *m, double seconds)
{
    const BlockCacheStats *c = block_cache_stats(m->cache);
    const ExecStats *x = &m->stats;
    const CpuCommon *k = &m->cpu.common;
    JitStats js;
    jit_stats(m->jit, &js);
    uint64_t baseline_blocks = x->baseline_blocks + k->baseline_blocks;
    uint64_t insns = x->interp_insns + x->baseline_insns + k->baseline_insns + k->jit_insns;
    fprintf(stderr, "scion stats: %.3f s, %llu guest instructions (%.1f M/s), %llu blocks\n", seconds, ull(insns),
            seconds > 0 ? (double)insns / seconds / 1e6 : 0.0, ull(x->interp_blocks + baseline_blocks + k->jit_blocks));
    fprintf(stderr, "scion stats: interpreter: %llu blocks, %llu instructions\n", ull(x->interp_blocks),
            ull(x->interp_insns));
    BaselineStats bs = m->baseline ? baseline_stats(m->baseline) : (BaselineStats){0};
    fprintf(stderr, "scion stats: baseline tier: %llu blocks, %llu instructions; %llu blocks compiled "
            "(%llu KiB of code), %llu declined, %llu arena resets; %llu links, %llu unlink rounds\n",
            ull(baseline_blocks), ull(x->baseline_insns + k->baseline_insns), ull(bs.compiled),
            ull(bs.code_bytes >> 10), ull(bs.declined), ull(bs.resets), ull(bs.links), ull(bs.unlink_rounds));
    fprintf(stderr, "scion stats: superblocks: %llu compiled, of %llu blocks\n", ull(x->superblocks),
            ull(x->superblock_blocks));
    fprintf(stderr, "scion stats: LLVM code: %llu blocks, %llu instructions; %llu entries from the dispatcher, "
            "%llu through chains or the lookup table\n", ull(k->jit_blocks), ull(k->jit_insns), ull(x->jit_dispatches),
            ull(k->jit_entries > x->jit_dispatches ? k->jit_entries - x->jit_dispatches : 0));
    fprintf(stderr, "scion stats: translation: %llu blocks translated, %llu invalidated, %llu lookups, %llu misses, "
            "%llu translated again after an arena reset\n",
            ull(c->translated), ull(c->invalidated), ull(c->lookups), ull(c->misses), ull(x->ir_restores));
    fprintf(stderr, "scion stats: LLVM tier: %llu units compiled or loaded (%llu blocks), %.3f s compiling, "
            "%llu failed, %llu discarded, %llu retired\n", ull(js.units), ull(js.unit_blocks), js.compile_seconds,
            ull(js.failed), ull(js.discarded), ull(js.retired));
    fprintf(stderr, "scion stats: chaining: %llu links, %llu unlink rounds, %llu lookup-table fills; %llu blocks "
            "run from the dispatcher\n", ull(js.links), ull(js.unlink_rounds), ull(x->lookup_fills), ull(x->dispatches));
    TcacheStats ts = tcache_stats(m->tcache);
    fprintf(stderr, "scion stats: translation cache: %llu hits, %llu misses, %llu changed, %llu rejected, %llu saved\n",
            ull(ts.hits), ull(ts.misses), ull(ts.changed), ull(ts.rejected), ull(ts.saved));
    fprintf(stderr, "scion stats: region recipes: %llu regions formed as an earlier run formed them, %llu saved\n",
            ull(js.recipes.used), ull(js.recipes.saved));
    fprintf(stderr, "scion stats: code cache: %llu hits, %llu misses, %llu rejected, %llu written, %llu evicted\n",
            ull(js.code_cache.hits), ull(js.code_cache.misses), ull(js.code_cache.rejected),
            ull(js.code_cache.written), ull(js.code_cache.evicted));
}

