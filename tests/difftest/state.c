/* Random initial states and the comparison of final states. */
#include <string.h>

#include "tests/difftest/dt.h"

void dt_fill_mem(uint8_t *mem, uint64_t seed)
{
    Rng r;
    rng_seed(&r, seed);
    for (uint32_t i = 0; i < DT_DATA_SIZE; i += 8) {
        uint64_t v = rng_next(&r);
        memcpy(mem + i, &v, 8);
    }
}

uint32_t dt_code_end(const DtCase *c)
{
    uint32_t a = DT_CODE_ADDR;
    for (unsigned i = 0; i < c->ninsns; i++)
        a += c->size[i];
    return a;
}

uint32_t dt_random_fpscr(Rng *rng)
{
    uint32_t v = rng_u32(rng) & 0xf8000000u; /* NZCV, QC */
    if (rng_chance(rng, 10))
        v |= 1u << 26; /* AHP */
    if (rng_chance(rng, 30))
        v |= 1u << 25; /* DN */
    if (rng_chance(rng, 30))
        v |= 1u << 24; /* FZ */
    v |= rng_below(rng, 4) << 22; /* RMode */
    if (rng_chance(rng, 50))
        v |= rng_u32(rng) & 0x9fu; /* IDC and cumulative flags */
    return v;
}

static uint32_t interesting_u32(Rng *rng)
{
    static const uint32_t special[] = {0, 1, 2, 0x7fffffff, 0x80000000u, 0xffffffffu, 0x8000, 0x7fff, 0xffff,
                                       0xffff8000u, 0x80, 0x7f, 0xff, 0xffffff80u, 0x00010000, 0x7fff7fff,
                                       0x80008000u, 0x7f7f7f7f, 0x80808080u, 0xfffefffe};
    switch (rng_below(rng, 6)) {
    case 0: return special[rng_below(rng, sizeof special / sizeof special[0])];
    case 1: return rng_below(rng, 40);                /* shift amounts */
    case 2: return rng_u32(rng) & 0xffff;
    case 3: return (uint32_t)-(int32_t)rng_below(rng, 300);
    default: return rng_u32(rng);
    }
}

static uint64_t interesting_f64(Rng *rng)
{
    static const uint64_t special[] = {
        0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
        0x7ff8000000000000ull, 0xfff8000000000001ull, 0x7ff0000000000001ull, 0x7ff4000000000000ull,
        0x3ff0000000000000ull, 0xbff0000000000000ull, 0x4000000000000000ull, 0x3fe0000000000000ull,
        0x7fefffffffffffffull, 0x0010000000000000ull, 0x000fffffffffffffull, 0x8000000000000001ull,
        0x41dfffffffc00000ull, 0xc1e0000000000000ull, 0x41efffffffe00000ull, 0x3ff8000000000000ull,
        0x4004000000000000ull, 0xbfe0000000000000ull, 0x41e0000000000000ull, 0x47efffffe0000000ull,
        0x3810000000000000ull, 0x380fffffffffffffull, 0x36a0000000000000ull, 0x40f0000000000000ull};
    uint64_t exp, man = rng_next(rng) & 0xfffffffffffffull;
    switch (rng_below(rng, 5)) {
    case 0: case 1: return special[rng_below(rng, sizeof special / sizeof special[0])];
    case 2: /* normal near 1.0 */
        exp = 1023 - 40 + rng_below(rng, 80);
        break;
    case 3: /* denormal or tiny */
        exp = rng_below(rng, 3);
        break;
    default: return rng_next(rng);
    }
    return (uint64_t)rng_below(rng, 2) << 63 | exp << 52 | man;
}

static uint32_t interesting_f32(Rng *rng)
{
    static const uint32_t special[] = {0x00000000, 0x80000000u, 0x7f800000, 0xff800000u, 0x7fc00000,
                                       0xffc00001u, 0x7f800001, 0x7fa00000, 0x3f800000, 0xbf800000u,
                                       0x40000000, 0x3f000000, 0x7f7fffff, 0x00800000, 0x007fffff,
                                       0x80000001u, 0x4effffff, 0xcf000000u, 0x4f7fffff, 0x3fc00000,
                                       0x40200000, 0xbf000000u, 0x4f000000, 0x477fe000, 0x477ff000,
                                       0x387fc000, 0x33800000, 0x38800000};
    uint32_t exp, man = rng_u32(rng) & 0x7fffff;
    switch (rng_below(rng, 5)) {
    case 0: case 1: return special[rng_below(rng, sizeof special / sizeof special[0])];
    case 2:
        exp = 127 - 30 + rng_below(rng, 60);
        break;
    case 3:
        exp = rng_below(rng, 3);
        break;
    default: return rng_u32(rng);
    }
    return rng_below(rng, 2) << 31 | exp << 23 | man;
}

static uint32_t random_ptr(Rng *rng, bool aligned8)
{
    uint32_t p = DT_PTR_LO + rng_below(rng, DT_PTR_HI - DT_PTR_LO);
    if (aligned8)
        return p & ~7u;
    uint32_t k = rng_below(rng, 100);
    return k < 50 ? p & ~7u : k < 85 ? p & ~3u : p;
}

/* Pick k distinct registers among those in avail (r0-r12, r14). */
static uint16_t pick_regs(Rng *rng, uint16_t avail, unsigned k)
{
    uint16_t out = 0;
    while (k && avail) {
        unsigned r = rng_below(rng, 15);
        if (avail >> r & 1) {
            out |= (uint16_t)(1u << r);
            avail &= (uint16_t)~(1u << r);
            k--;
        }
    }
    return out;
}

/* Random r0-r14: some pointers into the data region (sp always), some
 * small index values, one valid FPSCR value, the rest interesting integers. */
static void random_core(Rng *rng, DtState *st, uint16_t *ptr_regs, uint16_t *small_regs, uint16_t *fpscr_regs)
{
    uint16_t avail = 0x5fff; /* r0-r12, r14 */
    uint16_t ptr = pick_regs(rng, avail, 3 + rng_below(rng, 3));
    /* T32 16-bit encodings reach only r0-r7: make sure some are pointers. */
    if (!(ptr & 0xff))
        ptr |= (uint16_t)(1u << rng_below(rng, 8));
    avail &= (uint16_t)~ptr;
    uint16_t small = pick_regs(rng, avail, 2 + rng_below(rng, 2));
    avail &= (uint16_t)~small;
    uint16_t fpv = pick_regs(rng, avail, 1);
    for (unsigned r = 0; r < 15; r++) {
        if (ptr >> r & 1)
            st->r[r] = random_ptr(rng, false);
        else if (small >> r & 1)
            st->r[r] = 4 * rng_below(rng, 64);
        else if (fpv >> r & 1)
            st->r[r] = dt_random_fpscr(rng);
        else
            st->r[r] = interesting_u32(rng);
    }
    st->r[13] = random_ptr(rng, true);
    *ptr_regs = ptr | 1u << 13;
    *small_regs = small;
    *fpscr_regs = fpv;
}

void dt_random_state(Rng *rng, DtState *st, bool thumb, uint16_t *ptr_regs, uint16_t *small_regs,
                     uint16_t *fpscr_regs)
{
    (void)thumb;
    memset(st, 0, sizeof *st);
    random_core(rng, st, ptr_regs, small_regs, fpscr_regs);
    st->r[15] = DT_CODE_ADDR;
    st->cpsr = rng_u32(rng) & DT_CPSR_MASK;
    st->fpscr = dt_random_fpscr(rng);
    for (unsigned i = 0; i < 32; i++) {
        if (rng_chance(rng, 50))
            st->d[i] = interesting_f64(rng);
        else
            st->d[i] = (uint64_t)interesting_f32(rng) << 32 | interesting_f32(rng);
    }
    st->mem_seed = rng_next(rng);
}

static const char *stop_name(DtStop s)
{
    switch (s) {
    case DT_STOP_END: return "end";
    case DT_STOP_FAULT: return "memory fault";
    case DT_STOP_ALIGN: return "alignment fault";
    case DT_STOP_UNDEF: return "undefined";
    case DT_STOP_UNIMPL: return "unimplemented";
    default: return "other";
    }
}

static unsigned compare_mem(const uint8_t *a, const uint8_t *b, const char *na, const char *nb, FILE *out)
{
    unsigned shown = 0, diffs = 0;
    for (uint32_t i = 0; i < DT_DATA_SIZE; i += 4) {
        if (!memcmp(a + i, b + i, 4))
            continue;
        diffs++;
        if (shown++ < 8) {
            uint32_t x, y;
            memcpy(&x, a + i, 4);
            memcpy(&y, b + i, 4);
            fprintf(out, "  mem[%08x]: %s=%08x %s=%08x\n", DT_DATA_ADDR + i, na, x, nb, y);
        }
    }
    if (diffs > shown)
        fprintf(out, "  ... %u differing words in all\n", diffs);
    return diffs;
}

unsigned dt_compare(const DtResult *ra, const DtResult *rb, const char *na, const char *nb, FILE *out)
{
    const DtState *a = &ra->st, *b = &rb->st;
    unsigned n = 0;
    if (ra->stop != rb->stop) {
        fprintf(out, "  stop: %s=%s at %08x (%s) %s=%s at %08x (%s)\n", na, stop_name(ra->stop), ra->stop_pc,
                ra->why, nb, stop_name(rb->stop), rb->stop_pc, rb->why);
        return 1;
    }
    for (unsigned r = 0; r < 16; r++)
        if (a->r[r] != b->r[r]) {
            fprintf(out, "  r%u: %s=%08x %s=%08x\n", r, na, a->r[r], nb, b->r[r]);
            n++;
        }
    if ((a->cpsr ^ b->cpsr) & DT_CPSR_MASK) {
        fprintf(out, "  cpsr(nzcvq,ge): %s=%08x %s=%08x\n", na, a->cpsr & DT_CPSR_MASK, nb, b->cpsr & DT_CPSR_MASK);
        n++;
    }
    if ((a->fpscr ^ b->fpscr) & DT_FPSCR_MASK) {
        fprintf(out, "  fpscr: %s=%08x %s=%08x\n", na, a->fpscr & DT_FPSCR_MASK, nb, b->fpscr & DT_FPSCR_MASK);
        n++;
    }
    for (unsigned i = 0; i < 32; i++)
        if (a->d[i] != b->d[i]) {
            fprintf(out, "  d%u: %s=%016llx %s=%016llx\n", i, na, (unsigned long long)a->d[i], nb,
                    (unsigned long long)b->d[i]);
            n++;
        }
    n += compare_mem(a->mem, b->mem, na, nb, out);
    return n;
}
