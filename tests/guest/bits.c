/* Bit manipulation and ARMv6/v7 media (SIMD-in-GPR, saturating, DSP multiply)
 * instructions. Prints results plus Q flag and GE bits read from APSR.
 * Output is identical for ARM and Thumb builds. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const uint32_t vals[] = {
    0x00000000u, 0xffffffffu, 0x7fff8000u, 0x80007fffu, 0x01020304u, 0xff80017fu,
    0x12345678u, 0xfedcba98u, 0x7f7f7f7fu, 0x80808080u, 0x00010001u,
};

/* q flag and GE bits of an APSR value */
#define QBIT(f) (((f) >> 27) & 1u)
#define GEB(f) (((f) >> 16) & 0xfu)

typedef uint32_t (*op3_fn)(uint32_t, uint32_t, uint32_t, uint32_t *);
typedef uint32_t (*op4_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t *);

/* Rd = op(Rn, Rm) with APSR preset to fin */
#define OP3(name)                                                                   \
    static uint32_t f3_##name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout) \
    {                                                                               \
        uint32_t r, f;                                                              \
        __asm__ volatile("msr APSR_nzcvqg, %[fi]\n\t" #name " %[r], %[a], %[b]\n\t"  \
                         "mrs %[f], apsr"                                           \
                         : [r] "=&r"(r), [f] "=&r"(f)                               \
                         : [a] "r"(a), [b] "r"(b), [fi] "r"(fin)                    \
                         : "cc");                                                   \
        *fout = f;                                                                  \
        return r;                                                                   \
    }

/* Rd = op(Rn, Rm, Ra) */
#define OP4(name)                                                                   \
    static uint32_t f4_##name(uint32_t a, uint32_t b, uint32_t c, uint32_t fin,     \
                              uint32_t *fout)                                       \
    {                                                                               \
        uint32_t r, f;                                                              \
        __asm__ volatile("msr APSR_nzcvqg, %[fi]\n\t" #name                          \
                         " %[r], %[a], %[b], %[c]\n\t"                              \
                         "mrs %[f], apsr"                                           \
                         : [r] "=&r"(r), [f] "=&r"(f)                               \
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fi] "r"(fin)        \
                         : "cc");                                                   \
        *fout = f;                                                                  \
        return r;                                                                   \
    }

#define OP3LIST(X)                                                                  \
    X(qadd) X(qsub) X(qdadd) X(qdsub)                                               \
    X(sadd16) X(sadd8) X(ssub16) X(ssub8) X(sasx) X(ssax)                           \
    X(uadd16) X(uadd8) X(usub16) X(usub8) X(uasx) X(usax)                           \
    X(qadd16) X(qadd8) X(qsub16) X(qsub8) X(qasx) X(qsax)                           \
    X(uqadd16) X(uqadd8) X(uqsub16) X(uqsub8) X(uqasx) X(uqsax)                     \
    X(shadd16) X(shadd8) X(shsub16) X(shsub8) X(shasx) X(shsax)                     \
    X(uhadd16) X(uhadd8) X(uhsub16) X(uhsub8) X(uhasx) X(uhsax)                     \
    X(sel) X(usad8)                                                                 \
    X(smuad) X(smuadx) X(smusd) X(smusdx) X(smmul) X(smmulr)                        \
    X(smulbb) X(smulbt) X(smultb) X(smultt) X(smulwb) X(smulwt)                     \
    X(sxtab) X(sxtah) X(sxtab16) X(uxtab) X(uxtah) X(uxtab16)                       \
    X(mul)

#define OP4LIST(X)                                                                  \
    X(smlad) X(smladx) X(smlsd) X(smlsdx) X(smmla) X(smmlar) X(smmls) X(smmlsr)     \
    X(smlabb) X(smlabt) X(smlatb) X(smlatt) X(smlawb) X(smlawt) X(usada8)           \
    X(mla) X(mls)

OP3LIST(OP3)
OP4LIST(OP4)

#define E3(name) { #name, f3_##name },
#define E4(name) { #name, f4_##name },
static const struct { const char *name; op3_fn fn; } ops3[] = { OP3LIST(E3) };
static const struct { const char *name; op4_fn fn; } ops4[] = { OP4LIST(E4) };

static void test_op3(void)
{
    printf("== 3-operand media ops (flags in: Q=0 GE=0 / Q=1 GE=5) ==\n");
    for (unsigned k = 0; k < N(ops3); k++) {
        for (unsigned i = 0; i < N(vals); i++) {
            printf("%s %08x:", ops3[k].name, vals[i]);
            for (unsigned j = 0; j < N(vals); j++) {
                uint32_t f1, f2;
                uint32_t r1 = ops3[k].fn(vals[i], vals[j], 0, &f1);
                uint32_t r2 = ops3[k].fn(vals[i], vals[j], 0x08050000u, &f2);
                printf(" %08x/%u%x", r1, QBIT(f1), GEB(f1));
                if (r2 != r1 || QBIT(f2) != (QBIT(f1) | 1u) || GEB(f2) != GEB(f1))
                    printf("[%08x/%u%x]", r2, QBIT(f2), GEB(f2));
            }
            printf("\n");
        }
    }
}

static void test_op4(void)
{
    static const uint32_t acc[] = { 0, 0x7fffffffu, 0x80000000u, 0xffffffffu };
    printf("== 4-operand media ops ==\n");
    for (unsigned k = 0; k < N(ops4); k++) {
        for (unsigned c = 0; c < N(acc); c++) {
            for (unsigned i = 0; i < N(vals); i++) {
                printf("%s acc=%08x %08x:", ops4[k].name, acc[c], vals[i]);
                for (unsigned j = 0; j < N(vals); j++) {
                    uint32_t f;
                    uint32_t r = ops4[k].fn(vals[i], vals[j], acc[c], 0, &f);
                    printf(" %08x/%u", r, QBIT(f));
                }
                printf("\n");
            }
        }
    }
}

/* long accumulate: RdLo, RdHi, Rn, Rm */
#define OPL(name)                                                                   \
    static void fl_##name(uint32_t a, uint32_t b, uint32_t *lo, uint32_t *hi)       \
    {                                                                               \
        __asm__ volatile(#name " %[lo], %[hi], %[a], %[b]"                          \
                         : [lo] "+&r"(*lo), [hi] "+&r"(*hi)                         \
                         : [a] "r"(a), [b] "r"(b));                                 \
    }
#define OPLLIST(X) X(smlald) X(smlaldx) X(smlsld) X(smlsldx) X(smlalbb) X(smlalbt) \
    X(smlaltb) X(smlaltt)
OPLLIST(OPL)
#define EL(name) { #name, fl_##name },
static const struct { const char *name; void (*fn)(uint32_t, uint32_t, uint32_t *, uint32_t *); }
    opsl[] = { OPLLIST(EL) };

static void test_long(void)
{
    printf("== long accumulate ==\n");
    for (unsigned k = 0; k < N(opsl); k++) {
        for (unsigned i = 0; i < N(vals); i++) {
            printf("%s %08x:", opsl[k].name, vals[i]);
            for (unsigned j = 0; j < N(vals); j++) {
                uint32_t lo = 0xfffffff0u, hi = 0x7fffffffu;
                opsl[k].fn(vals[i], vals[j], &lo, &hi);
                printf(" %08x%08x", hi, lo);
            }
            printf("\n");
        }
    }
}

/* GE-dependent SEL after each GE-setting instruction */
#define GESEL(insn, A, B, R, G)                                                     \
    __asm__ volatile("msr APSR_nzcvqg, %[z]\n\t" insn " %[r], %[x], %[y]\n\t"        \
                     "sel %[r], %[x], %[y]\n\tmrs %[g], apsr"                       \
                     : [r] "=&r"(R), [g] "=&r"(G)                                   \
                     : [x] "r"(A), [y] "r"(B), [z] "r"(0u)                          \
                     : "cc")

static void test_sel(void)
{
    printf("== sel after GE-setting ops ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        for (unsigned j = 0; j < N(vals); j++) {
            uint32_t a = vals[i], b = vals[j], r[6], g[6];
            GESEL("uadd8", a, b, r[0], g[0]);
            GESEL("usub8", a, b, r[1], g[1]);
            GESEL("sadd8", a, b, r[2], g[2]);
            GESEL("ssub16", a, b, r[3], g[3]);
            GESEL("uasx", a, b, r[4], g[4]);
            GESEL("ssax", a, b, r[5], g[5]);
            printf("%08x %08x uadd8=%08x/%x usub8=%08x/%x sadd8=%08x/%x ssub16=%08x/%x "
                   "uasx=%08x/%x ssax=%08x/%x\n",
                   a, b, r[0], GEB(g[0]), r[1], GEB(g[1]), r[2], GEB(g[2]), r[3], GEB(g[3]),
                   r[4], GEB(g[4]), r[5], GEB(g[5]));
        }
    }
    /* sel with each GE pattern set directly */
    for (uint32_t ge = 0; ge < 16; ge++) {
        uint32_t r;
        __asm__ volatile("msr APSR_nzcvqg, %[f]\n\tsel %[r], %[a], %[b]"
                         : [r] "=&r"(r)
                         : [a] "r"(0x11223344u), [b] "r"(0xaabbccddu), [f] "r"(ge << 16)
                         : "cc");
        printf("sel GE=%x -> %08x\n", ge, r);
    }
}

/* Saturation with immediates and shifts */
static void test_sat(void)
{
    printf("== ssat/usat ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        uint32_t x = vals[i], r[12], f[12];
#define SAT(n, insn)                                                                \
    __asm__ volatile("msr APSR_nzcvqg, %[z]\n\t" insn "\n\tmrs %[f], apsr"          \
                     : [r] "=&r"(r[n]), [f] "=&r"(f[n])                             \
                     : [x] "r"(x), [z] "r"(0u)                                      \
                     : "cc")
        SAT(0, "ssat %[r], #1, %[x]");
        SAT(1, "ssat %[r], #8, %[x]");
        SAT(2, "ssat %[r], #16, %[x], asr #4");
        SAT(3, "ssat %[r], #32, %[x], lsl #1");
        SAT(4, "usat %[r], #0, %[x]");
        SAT(5, "usat %[r], #8, %[x]");
        SAT(6, "usat %[r], #31, %[x], asr #31");
        SAT(7, "usat %[r], #16, %[x], lsl #8");
        SAT(8, "ssat16 %[r], #1, %[x]");
        SAT(9, "ssat16 %[r], #8, %[x]");
        SAT(10, "usat16 %[r], #0, %[x]");
        SAT(11, "usat16 %[r], #15, %[x]");
#undef SAT
        printf("%08x:", x);
        for (int k = 0; k < 12; k++)
            printf(" %08x/%u", r[k], QBIT(f[k]));
        printf("\n");
    }
}

static void test_bits(void)
{
    printf("== bit ops ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        uint32_t x = vals[i], r[20];
        __asm__("clz %0, %1" : "=r"(r[0]) : "r"(x));
        __asm__("rev %0, %1" : "=r"(r[1]) : "r"(x));
        __asm__("rev16 %0, %1" : "=r"(r[2]) : "r"(x));
        __asm__("revsh %0, %1" : "=r"(r[3]) : "r"(x));
        __asm__("rbit %0, %1" : "=r"(r[4]) : "r"(x));
        __asm__("ubfx %0, %1, #4, #12" : "=r"(r[5]) : "r"(x));
        __asm__("sbfx %0, %1, #4, #12" : "=r"(r[6]) : "r"(x));
        __asm__("ubfx %0, %1, #0, #32" : "=r"(r[7]) : "r"(x));
        __asm__("sbfx %0, %1, #31, #1" : "=r"(r[8]) : "r"(x));
        r[9] = 0xa5a5a5a5u;
        __asm__("bfi %0, %1, #8, #12" : "+r"(r[9]) : "r"(x));
        r[10] = x;
        __asm__("bfc %0, #3, #17" : "+r"(r[10]));
        r[11] = 0x5a5a5a5au;
        __asm__("bfi %0, %1, #0, #32" : "+r"(r[11]) : "r"(x));
        __asm__("sxtb16 %0, %1" : "=r"(r[12]) : "r"(x));
        __asm__("uxtb16 %0, %1, ror #8" : "=r"(r[13]) : "r"(x));
        __asm__("sxtb %0, %1, ror #16" : "=r"(r[14]) : "r"(x));
        __asm__("sxth %0, %1, ror #8" : "=r"(r[15]) : "r"(x));
        __asm__("uxtb %0, %1, ror #24" : "=r"(r[16]) : "r"(x));
        __asm__("uxth %0, %1" : "=r"(r[17]) : "r"(x));
        __asm__("pkhbt %0, %1, %2, lsl #8" : "=r"(r[18]) : "r"(x), "r"(0x12345678u));
        __asm__("pkhtb %0, %1, %2, asr #12" : "=r"(r[19]) : "r"(x), "r"(0x87654321u));
        printf("%08x:", x);
        static const char *nm[20] = { "clz", "rev", "rev16", "revsh", "rbit", "ubfx4_12",
                                      "sbfx4_12", "ubfx0_32", "sbfx31_1", "bfi8_12", "bfc3_17",
                                      "bfi0_32", "sxtb16", "uxtb16r8", "sxtbr16", "sxthr8",
                                      "uxtbr24", "uxth", "pkhbt", "pkhtb" };
        for (int k = 0; k < 20; k++)
            printf(" %s=%08x", nm[k], r[k]);
        printf("\n");
    }
    /* extend-and-add with rotation */
    for (unsigned i = 0; i < N(vals); i++) {
        uint32_t x = vals[i], r[4];
        __asm__("sxtab %0, %1, %2, ror #8" : "=r"(r[0]) : "r"(0x1000u), "r"(x));
        __asm__("uxtah %0, %1, %2, ror #16" : "=r"(r[1]) : "r"(0xffff0001u), "r"(x));
        __asm__("sxtab16 %0, %1, %2, ror #24" : "=r"(r[2]) : "r"(0x7fff0001u), "r"(x));
        __asm__("uxtab16 %0, %1, %2, ror #8" : "=r"(r[3]) : "r"(0xffffff00u), "r"(x));
        printf("xta %08x: %08x %08x %08x %08x\n", x, r[0], r[1], r[2], r[3]);
    }
}

static void test_builtins(void)
{
    static const uint32_t bv[] = { 1, 2, 3, 0x80000000u, 0xffffffffu, 0x00f0f000u,
                                   0x12345678u, 0x00010000u, 0x7fffffffu };
    static const uint64_t bv64[] = { 1, 0x8000000000000000ull, 0x0000000100000000ull,
                                     0xffffffffffffffffull, 0x0123456789abcdefull,
                                     0x00000000ffff0000ull };
    printf("== builtins ==\n");
    for (unsigned i = 0; i < N(bv); i++) {
        volatile uint32_t x = bv[i];
        printf("%08x popcount=%d ctz=%d clz=%d parity=%d ffs=%d bswap32=%08x bswap16=%04x\n",
               x, __builtin_popcount(x), __builtin_ctz(x), __builtin_clz(x),
               __builtin_parity(x), __builtin_ffs((int)x), __builtin_bswap32(x),
               __builtin_bswap16((uint16_t)x));
    }
    for (unsigned i = 0; i < N(bv64); i++) {
        volatile uint64_t x = bv64[i];
        printf("%016llx popcountll=%d ctzll=%d clzll=%d bswap64=%016llx\n",
               (unsigned long long)x, __builtin_popcountll(x), __builtin_ctzll(x),
               __builtin_clzll(x), (unsigned long long)__builtin_bswap64(x));
    }
    /* clz of zero via asm is defined (32) */
    uint32_t z;
    __asm__ volatile("clz %0, %1" : "=r"(z) : "r"(0u));
    printf("clz(0)=%u\n", z);
    /* rotate idioms and bitfields */
    volatile uint32_t v = 0x80000001u;
    for (int s = 1; s < 32; s += 5)
        printf("rotl(%d)=%08x rotr(%d)=%08x\n", s, (v << s) | (v >> (32 - s)), s,
               (v >> s) | (v << (32 - s)));
    struct bf { unsigned a : 3; signed b : 5; unsigned c : 11; signed d : 13; } b;
    memset(&b, 0, sizeof b);
    volatile int seven = 7;
    b.a = seven + 2;
    b.b = -seven * 2;
    b.c = 2047 + seven;
    b.d = -4096 - seven;
    uint32_t raw;
    memcpy(&raw, &b, 4);
    printf("bitfield a=%u b=%d c=%u d=%d raw=%08x\n", b.a, b.b, b.c, b.d, raw);
}

int main(void)
{
    test_bits();
    test_builtins();
    test_sat();
    test_sel();
    test_op3();
    test_op4();
    test_long();
    printf("done\n");
    return 0;
}
