/* Random cases: instruction choice, validity filter, IT blocks, branch layout. */
#include "tests/difftest/casegen.h"

#include <stdlib.h>
#include <string.h>

#include "frontend/arm_cpu.h"
#include "frontend/arm_decode.h"
#include "tests/difftest/gen.h"
#include "translator/translate.h"

struct DtChecker {
    ArmDecoder *dec;
    Translator *tr;
    DtStats *templates; /* optional: accepted instructions by template */
};

void dt_checker_count_templates(DtChecker *chk, DtStats *out)
{
    chk->templates = out;
}

void dt_stats_add(DtStats *s, const char *reason)
{
    for (unsigned i = 0; i < s->n; i++)
        if (!strcmp(s->r[i].name, reason)) {
            s->r[i].count++;
            return;
        }
    if (s->n == DT_MAX_REASONS)
        return;
    snprintf(s->r[s->n].name, sizeof s->r[0].name, "%s", reason);
    s->r[s->n++].count = 1;
}

static int by_count(const void *a, const void *b)
{
    unsigned long x = ((const DtReason *)a)->count, y = ((const DtReason *)b)->count;
    return x < y ? 1 : x > y ? -1 : 0;
}

void dt_stats_print(const DtStats *s, FILE *out, const char *title)
{
    DtStats sorted = *s;
    qsort(sorted.r, sorted.n, sizeof sorted.r[0], by_count);
    fprintf(out, "%s:%s\n", title, sorted.n ? "" : " none");
    for (unsigned i = 0; i < sorted.n; i++)
        fprintf(out, "  %8lu  %s\n", sorted.r[i].count, sorted.r[i].name);
}

DtChecker *dt_checker_new(void)
{
    DtChecker *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->dec = arm_decoder_new();
    c->tr = translator_new();
    return c;
}

void dt_checker_free(DtChecker *c)
{
    if (!c)
        return;
    arm_decoder_free(c->dec);
    translator_free(c->tr);
    free(c);
}

void *dt_checker_translator(DtChecker *c)
{
    return c->tr;
}

static void put_insn(uint8_t *b, uint32_t enc, unsigned size, bool thumb)
{
    if (!thumb || size == 2) {
        for (unsigned i = 0; i < size; i++)
            b[i] = (uint8_t)(enc >> (8 * i));
        return;
    }
    b[0] = (uint8_t)(enc >> 16);
    b[1] = (uint8_t)(enc >> 24);
    b[2] = (uint8_t)enc;
    b[3] = (uint8_t)(enc >> 8);
}

typedef struct OneInsn {
    uint8_t bytes[4];
    unsigned size;
} OneInsn;

static size_t fetch_one(void *opaque, uint32_t addr, uint8_t *buf, size_t len)
{
    const OneInsn *o = opaque;
    if (addr < DT_CODE_ADDR || addr >= DT_CODE_ADDR + o->size)
        return 0;
    size_t off = addr - DT_CODE_ADDR, n = o->size - off;
    if (n > len)
        n = len;
    memcpy(buf, o->bytes + off, n);
    return n;
}

static void first_word(const char *text, char *out, size_t len)
{
    size_t i = 0;
    while (text[i] && text[i] != ' ' && i + 1 < len) {
        out[i] = text[i];
        i++;
    }
    out[i] = 0;
}

/* Returns NULL if the instruction is usable, else a reason for the stats. */
static const char *check_insn(DtChecker *chk, uint32_t enc, unsigned size, bool thumb, uint32_t it, char *why,
                              size_t whylen)
{
    OneInsn one = {.size = size};
    put_insn(one.bytes, enc, size, thumb);
    ArmInsn insn;
    arm_decode_begin_block(chk->dec, thumb, it);
    bool ok = arm_decode(chk->dec, one.bytes, size, DT_CODE_ADDR, thumb, &insn);
    char text[200] = "";
    if (ok)
        arm_decode_text(chk->dec, thumb, text, sizeof text);
    arm_decode_end_block(chk->dec, thumb, ok && insn.id != ARM_INS_IT ? arm_it_advance(it) : it);
    if (!ok || insn.size != size)
        return "capstone cannot decode";
    TranslateResult r;
    uint32_t mode = (thumb ? ARM_MODEBIT_THUMB : 0) | it << ARM_MODEBIT_IT_SHIFT;
    if (translate_block(chk->tr, fetch_one, &one, DT_CODE_ADDR, mode, &r) != TRANSLATE_OK)
        return "translate failed";
    char mn[32];
    first_word(text, mn, sizeof mn);
    for (size_t i = 0; i < r.ir->count; i++) {
        const IrInsn *in = &r.ir->insns[i];
        if (in->op != IR_EXIT && in->op != IR_EXIT_IND)
            continue;
        if (in->aux == IR_EXIT_UNIMPL) {
            snprintf(why, whylen, "scion unimplemented: %s", mn);
            return why;
        }
    }
    return NULL;
}

/* --- random state ------------------------------------------------------- */

typedef struct CaseBuild {
    Gen g;
    DtCase *c;
    uint32_t it_at[DT_MAX_INSNS + 1]; /* IT state of each instruction */
    int br_kind[DT_MAX_INSNS];
    bool force_it; /* T32 single instruction inside a one-slot IT block */
    bool refill_at[DT_MAX_INSNS]; /* instruction loads a fresh pointer/index */
} CaseBuild;

/* --- IT ------------------------------------------------------------------ */

/* IT with k (1..4) instructions: firstcond, then T/E bits, then a 1. */
static void make_it(Gen *g, GenInsn *in, unsigned k)
{
    unsigned cond = rng_below(g->rng, 14), mask = 0;
    bool al = rng_chance(g->rng, 5);
    if (al)
        cond = 14;
    for (unsigned i = 0; i < k - 1; i++) {
        unsigned te = al ? 0 : rng_below(g->rng, 2);
        mask |= te << (3 - i);
    }
    mask |= 1u << (4 - k);
    sf(in, 'k', cond);
    sf(in, 'q', mask);
    gen_encode(in);
}

static bool allowed_here(const Gen *g, const Tmpl *t, unsigned left)
{
    bool in_it = (g->it & 0xf) != 0;
    bool last_in_it = (g->it & 0xf) == 8;
    if (in_it && (t->flags & T_NOT_IN_IT))
        return false;
    if (in_it && (t->flags & T_BRANCH) && !last_in_it)
        return false;
    if ((t->flags & T_IT) && left < 2)
        return false;
    return true;
}

static void update_masks(Gen *g, const GenInsn *in)
{
    if (in->ldrex_size)
        g->ldrex_sizes |= in->ldrex_size;
    uint16_t w = in->writes;
    unsigned n = gf(in, 'n');
    bool base_aligned = g->aptr >> n & 1;
    g->ptr &= (uint16_t)~w;
    g->aptr &= (uint16_t)~w;
    g->a8ptr &= (uint16_t)~w;
    g->small &= (uint16_t)~w;
    g->fpv &= (uint16_t)~w;
    if (in->wb) {
        g->small &= (uint16_t)~(1u << n);
        g->fpv &= (uint16_t)~(1u << n);
        g->a8ptr &= (uint16_t)~(1u << n);
        if (!in->wb_keeps_ptr || !(g->ptr >> n & 1)) {
            g->ptr &= (uint16_t)~(1u << n);
            g->aptr &= (uint16_t)~(1u << n);
        } else if (!(in->wb_aligned && base_aligned)) {
            g->aptr &= (uint16_t)~(1u << n);
        }
    }
}

static int branch_kind(const GenInsn *in, bool thumb)
{
    if (!(in->t->flags & T_BRANCH))
        return BR_NONE;
    if (!thumb)
        return BR_A32;
    if (in->size == 2) {
        uint32_t top = in->enc >> 12;
        if (top == 0xd)
            return BR_T16_COND;
        if (top == 0xe)
            return BR_T16;
        return BR_CBZ;
    }
    return (in->enc & 0x1000) ? BR_T32 : BR_T32_COND;
}

/* Draw, fix and check one instruction; false if nothing usable was found. */
static bool draw_insn(CaseBuild *b, DtChecker *chk, unsigned left, GenInsn *out, DtStats *rejects)
{
    Gen *g = &b->g;
    const TmplSet *sets = g->thumb ? gen_t32_sets : gen_a32_sets;
    size_t nsets = g->thumb ? gen_t32_nsets : gen_a32_nsets;
    char why[96], key[128];
    if (b->force_it) { /* the IT set: a one-slot IT block */
        while (!(sets->t->flags & T_IT))
            sets++;
        nsets = 1;
        b->force_it = false;
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
        if (!gen_from_sets(g, sets, nsets, out)) {
            dt_stats_add(rejects, "constraint (redrawn)");
            continue;
        }
        if (!allowed_here(g, out->t, left))
            continue;
        if ((out->t->flags & T_IT) && nsets == 1)
            make_it(g, out, 1);
        else if (out->t->flags & T_IT)
            make_it(g, out, 1 + rng_below(g->rng, left - 1 < 4 ? left - 1 : 4));
        const char *bad = check_insn(chk, out->enc, out->size, g->thumb, g->it, why, sizeof why);
        if (bad) {
            snprintf(key, sizeof key, "%s [%s]", bad, out->t->name);
            dt_stats_add(rejects, bad == why ? why : key);
            continue;
        }
        if (chk->templates)
            dt_stats_add(chk->templates, out->t->name);
        return true;
    }
    return false;
}

static void emit_raw(CaseBuild *b, uint32_t enc, unsigned size)
{
    DtCase *c = b->c;
    unsigned i = c->ninsns++;
    b->it_at[i] = 0;
    b->refill_at[i] = true;
    c->insn[i] = enc;
    c->size[i] = (uint8_t)size;
    b->br_kind[i] = BR_NONE;
}

/* MOVW/MOVT rd, #imm16 (top selects MOVT). */
static void emit_mov16(CaseBuild *b, unsigned rd, uint32_t imm, bool top)
{
    if (!b->g.thumb) {
        emit_raw(b, (top ? 0xe3400000u : 0xe3000000u) | (imm >> 12) << 16 | rd << 12 | (imm & 0xfff), 4);
        return;
    }
    uint32_t hw1 = (top ? 0xf2c0u : 0xf240u) | ((imm >> 11) & 1) << 10 | imm >> 12;
    uint32_t hw2 = ((imm >> 8) & 7) << 12 | rd << 8 | (imm & 0xff);
    emit_raw(b, hw1 << 16 | hw2, 4);
}

/* A register to overwrite: not a pointer, not sp/pc; low in T32. */
static int refill_target(Gen *g)
{
    uint16_t m = (g->thumb ? 0x00ff : 0x5fff) & (uint16_t)~(g->ptr | g->small | g->fpv);
    if (!m)
        return -1;
    for (;;) {
        unsigned r = rng_below(g->rng, 15);
        if (m >> r & 1)
            return (int)r;
    }
}

/* Long blocks overwrite their pointer and index registers; when too few are
 * left, load fresh ones with MOVW/MOVT so loads and stores stay mapped. */
static void refill(CaseBuild *b, unsigned left)
{
    Gen *g = &b->g;
    uint16_t low = g->thumb ? 0x00ff : 0x5fff;
    if ((g->it & 0xf) || left < 3)
        return;
    int rd = refill_target(g);
    if (rd >= 0 && __builtin_popcount(g->a8ptr & low) < 2) {
        uint32_t p = (DT_PTR_LO + rng_below(g->rng, DT_PTR_HI - DT_PTR_LO)) & ~7u;
        emit_mov16(b, (unsigned)rd, p & 0xffff, false);
        emit_mov16(b, (unsigned)rd, p >> 16, true);
        g->ptr |= (uint16_t)(1u << rd);
        g->aptr |= (uint16_t)(1u << rd);
        g->a8ptr |= (uint16_t)(1u << rd);
        return;
    }
    rd = refill_target(g);
    if (rd >= 0 && !(g->small & low)) {
        emit_mov16(b, (unsigned)rd, 4 * rng_below(g->rng, 64), false);
        g->small |= (uint16_t)(1u << rd);
    }
}

static void gen_insns(CaseBuild *b, DtChecker *chk, unsigned n, DtStats *rejects)
{
    DtCase *c = b->c;
    Gen *g = &b->g;
    c->ninsns = 0;
    while (c->ninsns < n) {
        GenInsn in;
        refill(b, n - c->ninsns);
        unsigned i = c->ninsns;
        b->it_at[i] = g->it;
        if (!draw_insn(b, chk, n - i, &in, rejects)) {
            in.enc = g->thumb ? 0xbf00 : 0xe320f000; /* NOP */
            in.size = g->thumb ? 2 : 4;
            in.t = NULL;
        }
        c->insn[i] = in.enc;
        c->size[i] = (uint8_t)in.size;
        b->br_kind[i] = in.t ? branch_kind(&in, g->thumb) : BR_NONE;
        c->ninsns++;
        if (in.t) {
            update_masks(g, &in);
            if (in.needs_rn) /* VCVT fixed to float: see fix_vcvt_fixed */
                c->init.fpscr &= ~(3u << 22);
            g->fpscr_written |= in.writes_fpscr;
            if (in.t->flags & T_IT)
                g->it = in.enc & 0xff;
            else if (g->thumb)
                g->it = arm_it_advance(g->it);
        }
    }
    b->it_at[c->ninsns] = 0;
}

/* --- branch layout -------------------------------------------------------- */

static bool in_range(int kind, int32_t off)
{
    switch (kind) {
    case BR_A32: return (off & 3) == 0 && off >= -(1 << 25) && off < (1 << 25);
    case BR_T16_COND: return off >= -256 && off <= 254;
    case BR_T16: return off >= -2048 && off <= 2046;
    case BR_T32_COND: return off >= -(1 << 20) && off < (1 << 20);
    case BR_T32: return off >= -(1 << 24) && off < (1 << 24);
    case BR_CBZ: return off >= 0 && off <= 126;
    default: return false;
    }
}

static uint32_t encode_offset(int kind, uint32_t enc, int32_t off)
{
    uint32_t u = (uint32_t)off;
    switch (kind) {
    case BR_A32: return (enc & 0xff000000u) | ((u >> 2) & 0xffffff);
    case BR_T16_COND: return (enc & 0xff00) | ((u >> 1) & 0xff);
    case BR_T16: return (enc & 0xf800) | ((u >> 1) & 0x7ff);
    case BR_CBZ: return (enc & 0xfd07) | (((u >> 6) & 1) << 9) | (((u >> 1) & 0x1f) << 3);
    case BR_T32_COND: {
        uint32_t s = (u >> 20) & 1, j2 = (u >> 19) & 1, j1 = (u >> 18) & 1;
        uint32_t hw1 = (enc >> 16 & 0xfbc0) | s << 10 | ((u >> 12) & 0x3f);
        uint32_t hw2 = (enc & 0xd000) | j1 << 13 | j2 << 11 | ((u >> 1) & 0x7ff);
        return hw1 << 16 | hw2;
    }
    case BR_T32: {
        uint32_t s = (u >> 24) & 1, i1 = (u >> 23) & 1, i2 = (u >> 22) & 1;
        uint32_t j1 = (~(i1 ^ s)) & 1, j2 = (~(i2 ^ s)) & 1;
        uint32_t hw1 = (enc >> 16 & 0xf800) | s << 10 | ((u >> 12) & 0x3ff);
        uint32_t hw2 = (enc & 0xd000) | j1 << 13 | j2 << 11 | ((u >> 1) & 0x7ff);
        return hw1 << 16 | hw2;
    }
    default: return enc;
    }
}

static void layout_branches(CaseBuild *b)
{
    DtCase *c = b->c;
    uint32_t addr[DT_MAX_INSNS + 1];
    addr[0] = DT_CODE_ADDR;
    for (unsigned i = 0; i < c->ninsns; i++)
        addr[i + 1] = addr[i] + c->size[i];
    for (unsigned i = 0; i < c->ninsns; i++) {
        int kind = b->br_kind[i];
        if (kind == BR_NONE)
            continue;
        uint32_t base = addr[i] + (c->isa == DT_A32 ? 8 : 4);
        unsigned cand[DT_MAX_INSNS + 1], nc = 0;
        /* Targets: not inside an IT block, and not past a refill (the
         * pointer tracking assumed it runs). */
        for (unsigned j = i + 1; j <= c->ninsns; j++) {
            if ((b->it_at[j] & 0xf) == 0 && in_range(kind, (int32_t)(addr[j] - base)))
                cand[nc++] = j;
            if (j < c->ninsns && b->refill_at[j])
                break;
        }
        if (!nc) { /* only CBZ can have no target: it becomes a NOP */
            c->insn[i] = 0xbf00;
            continue;
        }
        /* Prefer short hops so more of the block runs. */
        unsigned j = cand[rng_chance(b->g.rng, 60) ? 0 : rng_below(b->g.rng, nc)];
        c->insn[i] = encode_offset(kind, c->insn[i], (int32_t)(addr[j] - base));
    }
}

void dt_gen_case(DtChecker *chk, Rng *rng, DtIsa isa, unsigned n, DtCase *c, DtStats *rejects)
{
    CaseBuild b;
    memset(&b, 0, sizeof b);
    memset(c, 0, sizeof *c);
    b.c = c;
    b.g.rng = rng;
    b.g.thumb = isa == DT_T32;
    c->isa = isa;
    dt_random_state(rng, &c->init, b.g.thumb, &b.g.ptr, &b.g.small, &b.g.fpv);
    b.g.aptr = b.g.a8ptr = b.g.ptr;
    for (unsigned r = 0; r < 15; r++) {
        if (c->init.r[r] & 3)
            b.g.aptr &= (uint16_t)~(1u << r);
        if (c->init.r[r] & 7)
            b.g.a8ptr &= (uint16_t)~(1u << r);
    }
    /* A lone T32 instruction sometimes runs inside a one-slot IT block. */
    if (isa == DT_T32 && n == 1 && rng_chance(rng, 20)) {
        n = 2;
        b.force_it = true;
    }
    gen_insns(&b, chk, n, rejects);
    layout_branches(&b);
}

void dt_mnemonic_at(DtChecker *chk, const DtCase *c, uint32_t pc, char *buf, size_t len)
{
    uint32_t a = DT_CODE_ADDR;
    snprintf(buf, len, "?");
    for (unsigned i = 0; i < c->ninsns; a += c->size[i], i++) {
        if (a != pc)
            continue;
        uint8_t bytes[4];
        ArmInsn insn;
        bool thumb = c->isa == DT_T32;
        put_insn(bytes, c->insn[i], c->size[i], thumb);
        arm_decode_begin_block(chk->dec, thumb, 0);
        if (arm_decode(chk->dec, bytes, c->size[i], pc, thumb, &insn)) {
            char text[200];
            arm_decode_text(chk->dec, thumb, text, sizeof text);
            first_word(text, buf, len);
        }
        arm_decode_end_block(chk->dec, thumb, insn.id == ARM_INS_IT ? insn.raw & 0xff : 0);
        return;
    }
}

void dt_listing(DtChecker *chk, const DtCase *c, FILE *out)
{
    bool thumb = c->isa == DT_T32;
    uint32_t pc = DT_CODE_ADDR, it = 0;
    arm_decode_begin_block(chk->dec, thumb, 0);
    for (unsigned i = 0; i < c->ninsns; i++) {
        uint8_t bytes[4];
        ArmInsn insn;
        put_insn(bytes, c->insn[i], c->size[i], thumb);
        bool ok = arm_decode(chk->dec, bytes, c->size[i], pc, thumb, &insn);
        char text[200] = "(undefined)";
        if (ok)
            arm_decode_text(chk->dec, thumb, text, sizeof text);
        if (c->size[i] == 2)
            fprintf(out, "    %08x:     %04x  %s\n", pc, c->insn[i], text);
        else
            fprintf(out, "    %08x: %08x  %s\n", pc, c->insn[i], text);
        if (ok && insn.id == ARM_INS_IT)
            it = insn.raw & 0xff;
        else if (thumb)
            it = arm_it_advance(it);
        pc += c->size[i];
    }
    arm_decode_end_block(chk->dec, thumb, it);
}
