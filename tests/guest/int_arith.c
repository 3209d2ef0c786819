/* Integer arithmetic edge cases for ARM (A32 and T32) guests.
 * Output is deterministic and identical for ARM and Thumb builds. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Only NZCVQ and GE are architecturally defined in APSR reads from user mode. */
#define APSR_MASK 0xf80f0000u

static const char *nzcv(uint32_t f)
{
    static char buf[8][6];
    static int idx;
    char *b = buf[idx++ & 7];
    b[0] = (f & 0x80000000u) ? 'N' : '-';
    b[1] = (f & 0x40000000u) ? 'Z' : '-';
    b[2] = (f & 0x20000000u) ? 'C' : '-';
    b[3] = (f & 0x10000000u) ? 'V' : '-';
    b[4] = 0;
    return b;
}

static const uint32_t vals[] = {
    0, 1, 2, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xffffffffu, 0xfffffffeu,
    0x12345678u, 0xdeadbeefu,
};

/* Run a flag-setting data-processing op with a given incoming NZCV. */
#define DP(insn, x, y, fin, res, fout)                                       \
    __asm__ volatile("msr APSR_nzcvq, %[fi]\n\t"                              \
                     insn " %[r], %[a], %[b]\n\t"                             \
                     "mrs %[fo], apsr"                                        \
                     : [r] "=&r"(res), [fo] "=&r"(fout)                       \
                     : [a] "r"(x), [b] "r"(y), [fi] "r"(fin)                  \
                     : "cc")

static void test_flag_ops(void)
{
    static const uint32_t fins[] = { 0x00000000u, 0x20000000u, 0xd0000000u, 0xf0000000u };
    printf("== flag-setting ALU ops ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        for (unsigned j = 0; j < N(vals); j++) {
            uint32_t a = vals[i], b = vals[j];
            for (unsigned k = 0; k < N(fins); k++) {
                uint32_t fi = fins[k];
                uint32_t r[8], f[8];
                DP("adds", a, b, fi, r[0], f[0]);
                DP("adcs", a, b, fi, r[1], f[1]);
                DP("subs", a, b, fi, r[2], f[2]);
                DP("sbcs", a, b, fi, r[3], f[3]);
                DP("rsbs", a, b, fi, r[4], f[4]);
                DP("ands", a, b, fi, r[5], f[5]);
                DP("eors", a, b, fi, r[6], f[6]);
                DP("bics", a, b, fi, r[7], f[7]);
                printf("%08x %08x in=%s add=%08x %s adc=%08x %s sub=%08x %s sbc=%08x %s "
                       "rsb=%08x %s and=%08x %s eor=%08x %s bic=%08x %s\n",
                       a, b, nzcv(fi),
                       r[0], nzcv(f[0] & APSR_MASK), r[1], nzcv(f[1] & APSR_MASK),
                       r[2], nzcv(f[2] & APSR_MASK), r[3], nzcv(f[3] & APSR_MASK),
                       r[4], nzcv(f[4] & APSR_MASK), r[5], nzcv(f[5] & APSR_MASK),
                       r[6], nzcv(f[6] & APSR_MASK), r[7], nzcv(f[7] & APSR_MASK));
            }
        }
    }
    /* compare ops */
    printf("== cmp/cmn/tst/teq ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        for (unsigned j = 0; j < N(vals); j++) {
            uint32_t a = vals[i], b = vals[j], f[4];
            __asm__ volatile("msr APSR_nzcvq, %2\n\tcmp %1, %3\n\tmrs %0, apsr"
                             : "=&r"(f[0]) : "r"(a), "r"(0u), "r"(b) : "cc");
            __asm__ volatile("msr APSR_nzcvq, %2\n\tcmn %1, %3\n\tmrs %0, apsr"
                             : "=&r"(f[1]) : "r"(a), "r"(0u), "r"(b) : "cc");
            __asm__ volatile("msr APSR_nzcvq, %2\n\ttst %1, %3\n\tmrs %0, apsr"
                             : "=&r"(f[2]) : "r"(a), "r"(0x30000000u), "r"(b) : "cc");
            __asm__ volatile("msr APSR_nzcvq, %2\n\tteq %1, %3\n\tmrs %0, apsr"
                             : "=&r"(f[3]) : "r"(a), "r"(0x10000000u), "r"(b) : "cc");
            printf("%08x %08x cmp=%s cmn=%s tst=%s teq=%s\n", a, b,
                   nzcv(f[0] & APSR_MASK), nzcv(f[1] & APSR_MASK),
                   nzcv(f[2] & APSR_MASK), nzcv(f[3] & APSR_MASK));
        }
    }
}

/* Register-controlled shifts: only the bottom byte of the shift register counts;
 * LSL/LSR by >= 32 give 0, ASR by >= 32 gives sign fill, ROR is modulo 32
 * (with carry = bit 31 when amount is a non-zero multiple of 32). */
#define SH(insn, x, s, fin, res, fout)                                        \
    __asm__ volatile("msr APSR_nzcvq, %[fi]\n\t"                              \
                     insn " %[r], %[a], %[b]\n\t"                             \
                     "mrs %[fo], apsr"                                        \
                     : [r] "=&r"(res), [fo] "=&r"(fout)                       \
                     : [a] "r"(x), [b] "r"(s), [fi] "r"(fin)                  \
                     : "cc")

static void test_reg_shifts(void)
{
    static const uint32_t amts[] = { 0, 1, 4, 16, 31, 32, 33, 63, 64, 127, 128, 255,
                                     256, 257, 288, 0xffffff01u, 0x80000020u };
    static const uint32_t svals[] = { 0x80000001u, 0x7fffffffu, 0xffffffffu, 0x00000001u,
                                      0x12345678u, 0x00000000u, 0xc0000003u };
    printf("== register shifts ==\n");
    for (unsigned i = 0; i < N(svals); i++) {
        for (unsigned j = 0; j < N(amts); j++) {
            for (unsigned c = 0; c < 2; c++) {
                uint32_t x = svals[i], s = amts[j], fi = c ? 0x30000000u : 0x40000000u;
                uint32_t r[4], f[4], rn[4];
                SH("lsls", x, s, fi, r[0], f[0]);
                SH("lsrs", x, s, fi, r[1], f[1]);
                SH("asrs", x, s, fi, r[2], f[2]);
                SH("rors", x, s, fi, r[3], f[3]);
                /* non-flag-setting variants */
                __asm__ volatile("lsl %0, %1, %2" : "=r"(rn[0]) : "r"(x), "r"(s));
                __asm__ volatile("lsr %0, %1, %2" : "=r"(rn[1]) : "r"(x), "r"(s));
                __asm__ volatile("asr %0, %1, %2" : "=r"(rn[2]) : "r"(x), "r"(s));
                __asm__ volatile("ror %0, %1, %2" : "=r"(rn[3]) : "r"(x), "r"(s));
                printf("%08x by %08x in=%s lsl=%08x %s lsr=%08x %s asr=%08x %s ror=%08x %s%s\n",
                       x, s, nzcv(fi),
                       r[0], nzcv(f[0] & APSR_MASK), r[1], nzcv(f[1] & APSR_MASK),
                       r[2], nzcv(f[2] & APSR_MASK), r[3], nzcv(f[3] & APSR_MASK),
                       (rn[0] == r[0] && rn[1] == r[1] && rn[2] == r[2] && rn[3] == r[3])
                           ? "" : " NOFLAG-MISMATCH");
            }
        }
    }
}

/* Immediate shifts, including the special encodings LSR #32, ASR #32 and RRX. */
static void test_imm_shifts(void)
{
    printf("== immediate shifts ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        for (unsigned c = 0; c < 2; c++) {
            uint32_t x = vals[i], fi = c ? 0x20000000u : 0x00000000u;
            uint32_t r[8], f[8];
#define SI(n, insn)                                                            \
    __asm__ volatile("msr APSR_nzcvq, %[fi]\n\t" insn "\n\tmrs %[fo], apsr"    \
                     : [r] "=&r"(r[n]), [fo] "=&r"(f[n])                       \
                     : [a] "r"(x), [fi] "r"(fi)                                \
                     : "cc")
            SI(0, "lsls %[r], %[a], #1");
            SI(1, "lsls %[r], %[a], #31");
            SI(2, "lsrs %[r], %[a], #1");
            SI(3, "lsrs %[r], %[a], #32");
            SI(4, "asrs %[r], %[a], #31");
            SI(5, "asrs %[r], %[a], #32");
            SI(6, "rors %[r], %[a], #7");
            SI(7, "rrxs %[r], %[a]");
#undef SI
            printf("%08x C=%u", x, c);
            static const char *nm[8] = { "lsl1", "lsl31", "lsr1", "lsr32",
                                         "asr31", "asr32", "ror7", "rrx" };
            for (int k = 0; k < 8; k++)
                printf(" %s=%08x %s", nm[k], r[k], nzcv(f[k] & APSR_MASK));
            printf("\n");
        }
    }
    /* shifted-register operands to ALU ops (ARM and Thumb-2 both allow immediates) */
    for (unsigned i = 0; i < N(vals); i++) {
        uint32_t x = vals[i], y = 0x0f0f0f0fu, r[4], f[4];
        __asm__ volatile("msr APSR_nzcvq, %3\n\tands %0, %2, %4, lsl #4\n\tmrs %1, apsr"
                         : "=&r"(r[0]), "=&r"(f[0]) : "r"(x), "r"(0u), "r"(y) : "cc");
        __asm__ volatile("msr APSR_nzcvq, %3\n\torrs %0, %2, %4, asr #3\n\tmrs %1, apsr"
                         : "=&r"(r[1]), "=&r"(f[1]) : "r"(y), "r"(0u), "r"(x) : "cc");
        __asm__ volatile("msr APSR_nzcvq, %3\n\tadds %0, %2, %4, ror #8\n\tmrs %1, apsr"
                         : "=&r"(r[2]), "=&r"(f[2]) : "r"(x), "r"(0u), "r"(x) : "cc");
        __asm__ volatile("msr APSR_nzcvq, %3\n\tsubs %0, %2, %4, lsr #31\n\tmrs %1, apsr"
                         : "=&r"(r[3]), "=&r"(f[3]) : "r"(y), "r"(0x20000000u), "r"(x) : "cc");
        printf("shifted-op %08x: and=%08x %s orr=%08x %s add=%08x %s sub=%08x %s\n", x,
               r[0], nzcv(f[0] & APSR_MASK), r[1], nzcv(f[1] & APSR_MASK),
               r[2], nzcv(f[2] & APSR_MASK), r[3], nzcv(f[3] & APSR_MASK));
    }
}

static uint32_t do_udiv(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static int32_t do_sdiv(int32_t a, int32_t b)
{
    int32_t r;
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static void test_hw_div(void)
{
    static const uint32_t dv[] = { 0, 1, 2, 3, 7, 10, 0x7fffffffu, 0x80000000u, 0x80000001u,
                                   0xffffffffu, 0xfffffffeu, 0xfffffff9u, 0x12345678u };
    printf("== sdiv/udiv ==\n");
    for (unsigned i = 0; i < N(dv); i++)
        for (unsigned j = 0; j < N(dv); j++)
            printf("%08x / %08x: udiv=%08x sdiv=%08x\n", dv[i], dv[j],
                   do_udiv(dv[i], dv[j]), (uint32_t)do_sdiv((int32_t)dv[i], (int32_t)dv[j]));
}

static void test_c_div32(void)
{
    static const int32_t sv[] = { 0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 100, -100,
                                  INT_MAX, INT_MIN, INT_MIN + 1, 0x12345678, -0x12345678 };
    volatile int32_t a, b;
    printf("== C 32-bit div/mod ==\n");
    for (unsigned i = 0; i < N(sv); i++) {
        for (unsigned j = 0; j < N(sv); j++) {
            a = sv[i];
            b = sv[j];
            if (b == 0 || (a == INT_MIN && b == -1))
                continue;
            volatile uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
            printf("%d / %d = %d rem %d; u: %u / %u = %u rem %u\n", a, b, a / b, a % b,
                   ua, ub, ua / ub, ua % ub);
        }
    }
}

static void test_wrap(void)
{
    volatile uint32_t u = 0xffffffffu;
    volatile int32_t s = INT_MAX;
    volatile uint16_t h = 0xffff;
    volatile uint8_t c = 0xff;
    volatile int8_t sc = -128;
    volatile int16_t sh = -32768;
    printf("== wrap and promotion ==\n");
    printf("u+1=%u u*u=%u 0-1u=%u\n", u + 1, u * u, 0u - 1u);
    printf("INT_MAX+1 (via unsigned)=%d\n", (int32_t)((uint32_t)s + 1u));
    printf("INT_MIN-1 (via unsigned)=%d\n", (int32_t)((uint32_t)INT_MIN - 1u));
    printf("h+1 as u16=%u h*h as u16=%u\n", (uint16_t)(h + 1), (uint16_t)((unsigned)h * h));
    printf("c+1 as u8=%u, (int8)c=%d\n", (uint8_t)(c + 1), (int8_t)c);
    printf("sc=%d -sc as int8=%d sc-1 as int8=%d\n", sc, (int8_t)-sc, (int8_t)(sc - 1));
    printf("sh=%d (int16)(sh-1)=%d (uint16)sh=%u\n", sh, (int16_t)(sh - 1), (uint16_t)sh);
    int r;
    printf("add_overflow(INT_MAX,1)=%d ", __builtin_add_overflow((int)s, 1, &r));
    printf("r=%d\n", r);
    printf("sub_overflow(INT_MIN,1)=%d ", __builtin_sub_overflow(INT_MIN, (int)(s - INT_MAX + 1), &r));
    printf("r=%d\n", r);
    printf("mul_overflow(65536,65536)=%d ", __builtin_mul_overflow((int)(s - INT_MAX + 65536), 65536, &r));
    printf("r=%d\n", r);
    unsigned ur;
    printf("uadd_overflow(u,u)=%d ", __builtin_add_overflow((unsigned)u, (unsigned)u, &ur));
    printf("r=%u\n", ur);

    /* Sign/zero extension loads of arrays */
    static volatile int8_t b8[] = { -128, -1, 0, 1, 127 };
    static volatile uint8_t u8[] = { 0x80, 0xff, 0, 1, 0x7f };
    static volatile int16_t b16[] = { -32768, -1, 0, 1, 32767 };
    static volatile uint16_t u16[] = { 0x8000, 0xffff, 0, 1, 0x7fff };
    for (int i = 0; i < 5; i++)
        printf("ext %d: s8=%d u8=%u s16=%d u16=%u\n", i, b8[i], u8[i], b16[i], u16[i]);
}

static void test_mul(void)
{
    printf("== multiplies ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        for (unsigned j = 0; j < N(vals); j++) {
            uint32_t a = vals[i], b = vals[j];
            uint32_t lo, hi, mla, mls;
            __asm__("umull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(a), "r"(b));
            printf("%08x %08x umull=%08x:%08x", a, b, hi, lo);
            __asm__("smull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(a), "r"(b));
            printf(" smull=%08x:%08x", hi, lo);
            lo = 0xfedcba98u; hi = 0x01234567u;
            __asm__("umlal %0, %1, %2, %3" : "+&r"(lo), "+&r"(hi) : "r"(a), "r"(b));
            printf(" umlal=%08x:%08x", hi, lo);
            lo = 0xfedcba98u; hi = 0x81234567u;
            __asm__("smlal %0, %1, %2, %3" : "+&r"(lo), "+&r"(hi) : "r"(a), "r"(b));
            printf(" smlal=%08x:%08x", hi, lo);
            lo = 0xffffffffu; hi = 0xffffffffu;
            __asm__("umaal %0, %1, %2, %3" : "+&r"(lo), "+&r"(hi) : "r"(a), "r"(b));
            printf(" umaal=%08x:%08x", hi, lo);
            __asm__("mla %0, %1, %2, %3" : "=r"(mla) : "r"(a), "r"(b), "r"(0x11111111u));
            __asm__("mls %0, %1, %2, %3" : "=r"(mls) : "r"(a), "r"(b), "r"(0x11111111u));
            printf(" mla=%08x mls=%08x\n", mla, mls);
        }
    }
}

static const uint64_t v64[] = {
    0, 1, 2, 3, 10, 0xffffffffull, 0x100000000ull, 0x100000001ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull,
    0xffffffffffffffffull, 0xfffffffffffffffeull, 0x123456789abcdef0ull,
    0xfedcba9876543210ull, 0x00000000deadbeefull, 0xffffffff00000000ull,
};

static void test_64(void)
{
    volatile uint64_t a, b;
    printf("== 64-bit arithmetic ==\n");
    for (unsigned i = 0; i < N(v64); i++) {
        for (unsigned j = 0; j < N(v64); j++) {
            a = v64[i];
            b = v64[j];
            int64_t sa = (int64_t)a, sb = (int64_t)b;
            printf("%016llx %016llx add=%016llx sub=%016llx mul=%016llx",
                   (unsigned long long)a, (unsigned long long)b,
                   (unsigned long long)(a + b), (unsigned long long)(a - b),
                   (unsigned long long)(a * b));
            if (b != 0)
                printf(" udiv=%016llx umod=%016llx", (unsigned long long)(a / b),
                       (unsigned long long)(a % b));
            if (sb != 0 && !(sa == INT64_MIN && sb == -1))
                printf(" sdiv=%lld smod=%lld", (long long)(sa / sb), (long long)(sa % sb));
            printf(" lt=%d slt=%d\n", a < b, sa < sb);
        }
    }
    static const unsigned sh[] = { 0, 1, 7, 31, 32, 33, 48, 63 };
    for (unsigned i = 0; i < N(v64); i++) {
        for (unsigned j = 0; j < N(sh); j++) {
            volatile unsigned s = sh[j];
            a = v64[i];
            printf("%016llx shift %2u: shl=%016llx shr=%016llx sar=%016llx\n",
                   (unsigned long long)a, s, (unsigned long long)(a << s),
                   (unsigned long long)(a >> s), (unsigned long long)((int64_t)a >> s));
        }
    }
    /* 32x32->64 in C */
    volatile int32_t x = -123456789, y = 987654321;
    volatile uint32_t ux = 0xffffffffu, uy = 0xfffffffeu;
    printf("smul64=%lld umul64=%llu\n", (long long)x * y, (unsigned long long)ux * uy);
    /* int <-> int64 conversions */
    volatile int64_t big = -5000000000LL;
    printf("trunc=%d sext=%lld zext=%llu\n", (int32_t)big, (long long)(int64_t)x,
           (unsigned long long)(uint32_t)x);
}

static void test_misc_alu(void)
{
    printf("== misc ==\n");
    for (unsigned i = 0; i < N(vals); i++) {
        uint32_t x = vals[i], r1, r2, r3, r4;
        __asm__("mvn %0, %1" : "=r"(r1) : "r"(x));
        __asm__("orr %0, %1, %2, ror #16" : "=r"(r2) : "r"(0x0000ffffu), "r"(x));
        __asm__("movw %0, #0xbeef\n\tmovt %0, #0xdead" : "=&r"(r3));
        __asm__("rsb %0, %1, #0" : "=r"(r4) : "r"(x));
        printf("%08x mvn=%08x orr-ror=%08x movwt=%08x neg=%08x\n", x, r1, r2, r3, r4);
    }
    /* conditional execution via IT blocks / conditional instructions */
    for (unsigned i = 0; i < N(vals); i++) {
        for (unsigned j = 0; j < 3; j++) {
            uint32_t a = vals[i], b = vals[j * 3], r = 0;
            __asm__("cmp %1, %2\n\t"
                    "ite hi\n\t"
                    "movhi %0, #1\n\t"
                    "movls %0, #2\n\t"
                    "it lt\n\t"
                    "addlt %0, %0, #16\n\t"
                    "it eq\n\t"
                    "addeq %0, %0, #256\n\t"
                    "it mi\n\t"
                    "addmi %0, %0, #4096\n\t"
                    "it vs\n\t"
                    "addvs %0, %0, #65536\n\t"
                    : "+&r"(r) : "r"(a), "r"(b) : "cc");
            printf("cond %08x vs %08x -> %x\n", a, b, r);
        }
    }
}

int main(void)
{
    test_flag_ops();
    test_reg_shifts();
    test_imm_shifts();
    test_hw_div();
    test_c_div32();
    test_wrap();
    test_mul();
    test_64();
    test_misc_alu();
    printf("done\n");
    return 0;
}
