/* VFP (single/double) arithmetic, conversions, rounding modes, NaN handling,
 * denormals, comparisons and FPSCR cumulative exception flags.
 * Arithmetic is done with inline asm so the exact instruction is known, and
 * exception flags are cleared and read inside the same asm statement. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <fenv.h>
#include <math.h>
#include <stdlib.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t fb(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float bf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint64_t db(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double bd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

/* FPSCR cumulative flags: IOC(0) DZC(1) OFC(2) UFC(3) IXC(4) IDC(7) */
static const char *fl(uint32_t s)
{
    static char buf[8][8];
    static int idx;
    char *b = buf[idx++ & 7];
    b[0] = (s & 0x01) ? 'I' : '-';
    b[1] = (s & 0x02) ? 'Z' : '-';
    b[2] = (s & 0x04) ? 'O' : '-';
    b[3] = (s & 0x08) ? 'U' : '-';
    b[4] = (s & 0x10) ? 'X' : '-';
    b[5] = (s & 0x80) ? 'D' : 0;
    b[6] = 0;
    return b;
}

static const char *fe(int e)
{
    static char buf[8][8];
    static int idx;
    char *b = buf[idx++ & 7];
    b[0] = (e & FE_INVALID) ? 'I' : '-';
    b[1] = (e & FE_DIVBYZERO) ? 'Z' : '-';
    b[2] = (e & FE_OVERFLOW) ? 'O' : '-';
    b[3] = (e & FE_UNDERFLOW) ? 'U' : '-';
    b[4] = (e & FE_INEXACT) ? 'X' : '-';
    b[5] = 0;
    return b;
}

static uint32_t get_fpscr(void)
{
    uint32_t v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
    return v;
}

static void set_fpscr(uint32_t v) { __asm__ volatile("vmsr fpscr, %0" : : "r"(v)); }

#define CLR "vmrs %[t], fpscr\n\tbic %[t], %[t], #0x9f\n\tvmsr fpscr, %[t]\n\t"

#define FOP2(name, insn)                                                            \
    static float name(float a, float b, uint32_t *fs)                               \
    {                                                                               \
        float r;                                                                    \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %[r], %[a], %[b]\n\tvmrs %[f], fpscr"           \
                         : [r] "=&t"(r), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "t"(a), [b] "t"(b));                                 \
        *fs = f;                                                                    \
        return r;                                                                   \
    }
#define DOP2(name, insn)                                                            \
    static double name(double a, double b, uint32_t *fs)                            \
    {                                                                               \
        double r;                                                                   \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %P[r], %P[a], %P[b]\n\tvmrs %[f], fpscr"        \
                         : [r] "=&w"(r), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "w"(a), [b] "w"(b));                                 \
        *fs = f;                                                                    \
        return r;                                                                   \
    }
/* accumulating: d = op(d, a, b) */
#define FOP3(name, insn)                                                            \
    static float name(float d, float a, float b, uint32_t *fs)                      \
    {                                                                               \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %[d], %[a], %[b]\n\tvmrs %[f], fpscr"           \
                         : [d] "+&t"(d), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "t"(a), [b] "t"(b));                                 \
        *fs = f;                                                                    \
        return d;                                                                   \
    }
#define DOP3(name, insn)                                                            \
    static double name(double d, double a, double b, uint32_t *fs)                  \
    {                                                                               \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %P[d], %P[a], %P[b]\n\tvmrs %[f], fpscr"        \
                         : [d] "+&w"(d), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "w"(a), [b] "w"(b));                                 \
        *fs = f;                                                                    \
        return d;                                                                   \
    }
#define FOP1(name, insn)                                                            \
    static float name(float a, uint32_t *fs)                                        \
    {                                                                               \
        float r;                                                                    \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %[r], %[a]\n\tvmrs %[f], fpscr"                 \
                         : [r] "=&t"(r), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "t"(a));                                             \
        *fs = f;                                                                    \
        return r;                                                                   \
    }
#define DOP1(name, insn)                                                            \
    static double name(double a, uint32_t *fs)                                      \
    {                                                                               \
        double r;                                                                   \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %P[r], %P[a]\n\tvmrs %[f], fpscr"               \
                         : [r] "=&w"(r), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "w"(a));                                             \
        *fs = f;                                                                    \
        return r;                                                                   \
    }

FOP2(fadd, "vadd.f32") FOP2(fsub, "vsub.f32") FOP2(fmul, "vmul.f32") FOP2(fdiv, "vdiv.f32")
FOP2(fnmul, "vnmul.f32")
DOP2(dadd, "vadd.f64") DOP2(dsub, "vsub.f64") DOP2(dmul, "vmul.f64") DOP2(ddiv, "vdiv.f64")
DOP2(dnmul, "vnmul.f64")
FOP1(fsqrt, "vsqrt.f32") FOP1(fabs_, "vabs.f32") FOP1(fneg, "vneg.f32")
DOP1(dsqrt, "vsqrt.f64") DOP1(dabs, "vabs.f64") DOP1(dneg, "vneg.f64")
FOP3(fmla, "vmla.f32") FOP3(fmls, "vmls.f32") FOP3(fnmla, "vnmla.f32") FOP3(fnmls, "vnmls.f32")
DOP3(dmla, "vmla.f64") DOP3(dmls, "vmls.f64") DOP3(dnmla, "vnmla.f64") DOP3(dnmls, "vnmls.f64")
/* VFPv4 fused multiply-add (Cortex-A15 has it); assembled with a local .fpu switch */
FOP3(ffma, ".fpu vfpv4-d16\n\tvfma.f32") FOP3(ffms, ".fpu vfpv4-d16\n\tvfms.f32")
FOP3(ffnma, ".fpu vfpv4-d16\n\tvfnma.f32") FOP3(ffnms, ".fpu vfpv4-d16\n\tvfnms.f32")
DOP3(dfma, ".fpu vfpv4-d16\n\tvfma.f64") DOP3(dfms, ".fpu vfpv4-d16\n\tvfms.f64")
DOP3(dfnma, ".fpu vfpv4-d16\n\tvfnma.f64") DOP3(dfnms, ".fpu vfpv4-d16\n\tvfnms.f64")

static const uint32_t fvals[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40400000,
    0x3eaaaaab, 0x00000001, 0x80000001, 0x00800000, 0x007fffff, 0x7f7fffff,
    0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345, 0x7f800001,
    0xff812345, 0x4b800001, 0x3dcccccd,
};
static const uint64_t dvals[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x3ff8000000000000ull, 0x4008000000000000ull,
    0x3fd5555555555555ull, 0x0000000000000001ull, 0x8000000000000001ull,
    0x0010000000000000ull, 0x000fffffffffffffull, 0x7fefffffffffffffull,
    0xffefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0xfff8000000012345ull, 0x7ff0000000000001ull,
    0xfff4000000012345ull, 0x4340000000000001ull, 0x3fb999999999999aull,
};

static void test_arith(void)
{
    printf("== single arithmetic: a b -> add sub mul div nmul ==\n");
    for (unsigned i = 0; i < N(fvals); i++) {
        for (unsigned j = 0; j < N(fvals); j++) {
            float a = bf(fvals[i]), b = bf(fvals[j]);
            uint32_t s[5];
            uint32_t r0 = fb(fadd(a, b, &s[0])), r1 = fb(fsub(a, b, &s[1]));
            uint32_t r2 = fb(fmul(a, b, &s[2])), r3 = fb(fdiv(a, b, &s[3]));
            uint32_t r4 = fb(fnmul(a, b, &s[4]));
            printf("%08x %08x -> %08x %s %08x %s %08x %s %08x %s %08x %s\n", fvals[i],
                   fvals[j], r0, fl(s[0]), r1, fl(s[1]), r2, fl(s[2]), r3, fl(s[3]), r4,
                   fl(s[4]));
        }
    }
    printf("== double arithmetic: a b -> add sub mul div nmul ==\n");
    for (unsigned i = 0; i < N(dvals); i++) {
        for (unsigned j = 0; j < N(dvals); j++) {
            double a = bd(dvals[i]), b = bd(dvals[j]);
            uint32_t s[5];
            uint64_t r0 = db(dadd(a, b, &s[0])), r1 = db(dsub(a, b, &s[1]));
            uint64_t r2 = db(dmul(a, b, &s[2])), r3 = db(ddiv(a, b, &s[3]));
            uint64_t r4 = db(dnmul(a, b, &s[4]));
            printf("%016llx %016llx -> %016llx %s %016llx %s %016llx %s %016llx %s %016llx %s\n",
                   (unsigned long long)dvals[i], (unsigned long long)dvals[j],
                   (unsigned long long)r0, fl(s[0]), (unsigned long long)r1, fl(s[1]),
                   (unsigned long long)r2, fl(s[2]), (unsigned long long)r3, fl(s[3]),
                   (unsigned long long)r4, fl(s[4]));
        }
    }
    printf("== unary: sqrt abs neg ==\n");
    for (unsigned i = 0; i < N(fvals); i++) {
        uint32_t s[3];
        float a = bf(fvals[i]);
        uint32_t r0 = fb(fsqrt(a, &s[0])), r1 = fb(fabs_(a, &s[1])), r2 = fb(fneg(a, &s[2]));
        printf("f %08x -> %08x %s %08x %s %08x %s\n", fvals[i], r0, fl(s[0]), r1, fl(s[1]),
               r2, fl(s[2]));
    }
    for (unsigned i = 0; i < N(dvals); i++) {
        uint32_t s[3];
        double a = bd(dvals[i]);
        uint64_t r0 = db(dsqrt(a, &s[0])), r1 = db(dabs(a, &s[1])), r2 = db(dneg(a, &s[2]));
        printf("d %016llx -> %016llx %s %016llx %s %016llx %s\n", (unsigned long long)dvals[i],
               (unsigned long long)r0, fl(s[0]), (unsigned long long)r1, fl(s[1]),
               (unsigned long long)r2, fl(s[2]));
    }
}

static void test_mac(void)
{
    /* (1+2^-12)^2 = 1 + 2^-11 + 2^-24: the 2^-24 is lost when rounding to single */
    static const uint32_t fa[][3] = {
        { 0xbf801000, 0x3f800800, 0x3f800800 }, /* d=-(1+2^-11), a=b=1+2^-12 */
        { 0x3f800000, 0x3f800000, 0x3f800000 },
        { 0x00000000, 0x80000000, 0x3f800000 },
        { 0x80000000, 0x00000000, 0x3f800000 },
        { 0x7f800000, 0x00000000, 0x7f800000 }, /* inf + 0*inf -> invalid */
        { 0x7fc00000, 0x00000000, 0x7f800000 }, /* qnan + 0*inf: invalid? */
        { 0x7f800001, 0x3f800000, 0x3f800000 }, /* snan accumulator */
        { 0x3f800000, 0x7fc01234, 0x7f804321 }, /* qnan, snan multiplicands */
        { 0x7f7fffff, 0x7f7fffff, 0x40000000 }, /* overflow */
        { 0x00800000, 0x00800000, 0xbf000000 }, /* result denormal */
        { 0xff800000, 0x7f800000, 0x3f800000 }, /* -inf + inf */
    };
    printf("== single multiply-accumulate: d a b -> mla mls nmla nmls fma fms fnma fnms ==\n");
    for (unsigned i = 0; i < N(fa); i++) {
        float d = bf(fa[i][0]), a = bf(fa[i][1]), b = bf(fa[i][2]);
        uint32_t s[8], r[8];
        r[0] = fb(fmla(d, a, b, &s[0]));
        r[1] = fb(fmls(d, a, b, &s[1]));
        r[2] = fb(fnmla(d, a, b, &s[2]));
        r[3] = fb(fnmls(d, a, b, &s[3]));
        r[4] = fb(ffma(d, a, b, &s[4]));
        r[5] = fb(ffms(d, a, b, &s[5]));
        r[6] = fb(ffnma(d, a, b, &s[6]));
        r[7] = fb(ffnms(d, a, b, &s[7]));
        printf("%08x %08x %08x ->", fa[i][0], fa[i][1], fa[i][2]);
        for (int k = 0; k < 8; k++)
            printf(" %08x %s", r[k], fl(s[k]));
        printf("\n");
    }
    static const uint64_t da[][3] = {
        { 0xbff0020000000000ull, 0x3ff0010000000000ull, 0x3ff0010000000000ull },
        { 0xbff0000000000001ull, 0x3ff0000000000001ull, 0x3ff0000000000001ull },
        { 0x3ff0000000000000ull, 0x3ff0000000000000ull, 0x3ff0000000000000ull },
        { 0x7ff0000000000000ull, 0x0000000000000000ull, 0x7ff0000000000000ull },
        { 0x7ff0000000000001ull, 0x3ff0000000000000ull, 0x3ff0000000000000ull },
        { 0x3ff0000000000000ull, 0x7ff8000000001234ull, 0x7ff0000000004321ull },
        { 0x7fefffffffffffffull, 0x7fefffffffffffffull, 0x4000000000000000ull },
    };
    printf("== double multiply-accumulate ==\n");
    for (unsigned i = 0; i < N(da); i++) {
        double d = bd(da[i][0]), a = bd(da[i][1]), b = bd(da[i][2]);
        uint32_t s[8];
        uint64_t r[8];
        r[0] = db(dmla(d, a, b, &s[0]));
        r[1] = db(dmls(d, a, b, &s[1]));
        r[2] = db(dnmla(d, a, b, &s[2]));
        r[3] = db(dnmls(d, a, b, &s[3]));
        r[4] = db(dfma(d, a, b, &s[4]));
        r[5] = db(dfms(d, a, b, &s[5]));
        r[6] = db(dfnma(d, a, b, &s[6]));
        r[7] = db(dfnms(d, a, b, &s[7]));
        printf("%016llx %016llx %016llx ->\n   ", (unsigned long long)da[i][0],
               (unsigned long long)da[i][1], (unsigned long long)da[i][2]);
        for (int k = 0; k < 8; k++)
            printf(" %016llx %s", (unsigned long long)r[k], fl(s[k]));
        printf("\n");
    }
    /* libm fma (software or hardware, result must be correctly rounded) */
    volatile double x = 1.0 + 0x1p-30, y = 1.0 - 0x1p-30, z = -1.0;
    printf("libm fma=%a fmaf=%a\n", fma(x, y, z), (double)fmaf(1.0f + 0x1p-12f, 1.0f + 0x1p-12f,
                                                               -(1.0f + 0x1p-11f)));
}

/* conversions */
#define CVT_FI(name, insn)                                                          \
    static uint32_t name(float a, uint32_t *fs)                                     \
    {                                                                               \
        float r;                                                                    \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %[r], %[a]\n\tvmrs %[f], fpscr"                 \
                         : [r] "=&t"(r), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "t"(a));                                             \
        *fs = f;                                                                    \
        return fb(r);                                                               \
    }
#define CVT_DI(name, insn)                                                          \
    static uint32_t name(double a, uint32_t *fs)                                    \
    {                                                                               \
        float r;                                                                    \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn " %[r], %P[a]\n\tvmrs %[f], fpscr"                \
                         : [r] "=&t"(r), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "w"(a));                                             \
        *fs = f;                                                                    \
        return fb(r);                                                               \
    }
#define CVT_ID(name, insn)                                                          \
    static uint64_t name(uint32_t a, uint32_t *fs)                                  \
    {                                                                               \
        double r;                                                                   \
        uint32_t t, f;                                                              \
        float in = bf(a);                                                           \
        __asm__ volatile(CLR insn " %P[r], %[a]\n\tvmrs %[f], fpscr"                \
                         : [r] "=&w"(r), [f] "=&r"(f), [t] "=&r"(t)                 \
                         : [a] "t"(in));                                            \
        *fs = f;                                                                    \
        return db(r);                                                               \
    }
/* fixed point: operates in place */
#define CVT_FX(name, insn)                                                          \
    static uint32_t name(float a, uint32_t *fs)                                     \
    {                                                                               \
        uint32_t t, f;                                                              \
        __asm__ volatile(CLR insn "\n\tvmrs %[f], fpscr"                            \
                         : [a] "+&t"(a), [f] "=&r"(f), [t] "=&r"(t));               \
        *fs = f;                                                                    \
        return fb(a);                                                               \
    }

CVT_FI(f_to_s32, "vcvt.s32.f32") CVT_FI(f_to_u32, "vcvt.u32.f32")
CVT_FI(f_to_s32r, "vcvtr.s32.f32") CVT_FI(f_to_u32r, "vcvtr.u32.f32")
CVT_FI(s32_to_f, "vcvt.f32.s32") CVT_FI(u32_to_f, "vcvt.f32.u32")
CVT_DI(d_to_s32, "vcvt.s32.f64") CVT_DI(d_to_u32, "vcvt.u32.f64")
CVT_DI(d_to_s32r, "vcvtr.s32.f64") CVT_DI(d_to_u32r, "vcvtr.u32.f64")
CVT_DI(d_to_f, "vcvt.f32.f64")
CVT_ID(f_to_d, "vcvt.f64.f32") CVT_ID(s32_to_d, "vcvt.f64.s32") CVT_ID(u32_to_d, "vcvt.f64.u32")
CVT_FX(f_to_s32x16, "vcvt.s32.f32 %[a], %[a], #16")
CVT_FX(f_to_u16x8, "vcvt.u16.f32 %[a], %[a], #8")
CVT_FX(f_to_s16x8, "vcvt.s16.f32 %[a], %[a], #8")
CVT_FX(s32x16_to_f, "vcvt.f32.s32 %[a], %[a], #16")
CVT_FX(s16x4_to_f, "vcvt.f32.s16 %[a], %[a], #4")

static const uint32_t cvt_f[] = {
    0x00000000, 0x80000000, 0x3f000000, 0xbf000000, 0x3fc00000, 0xbfc00000,
    0x40200000, 0xc0200000, 0x40600000, 0x3f7fffff, 0x4effffff, 0x4f000000,
    0xcf000000, 0xcf000001, 0x4f800000, 0x4f7fffff, 0x7f800000, 0xff800000,
    0x7fc00000, 0x7f800001, 0x00000001, 0xc2c80000, 0x47000000, 0x477fff00,
};
static const uint64_t cvt_d[] = {
    0x0000000000000000ull, 0x3fe0000000000000ull, 0xbfe0000000000000ull,
    0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull,
    0x41dfffffffc00000ull, 0x41dfffffffe00000ull, 0x41e0000000000000ull,
    0xc1e0000000000000ull, 0xc1e0000000100000ull, 0x41efffffffe00000ull,
    0x41f0000000000000ull, 0x7ff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff0000000000001ull, 0xfff4000012345678ull, 0x3ff0000010000000ull,
    0x3ff0000030000000ull, 0x47efffffe0000000ull, 0x47efffffefffffffull,
    0x47effffff0000000ull, 0x3810000000000000ull, 0x380fffffffffffffull,
    0x380ffffff0000000ull, 0x36a0000000000000ull, 0x3690000000000000ull,
    0x3690000000000001ull, 0x0000000000000001ull, 0xb690000000000001ull,
};
static const uint32_t cvt_i[] = {
    0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x01000001, 0x01000003, 0xfefffffd,
    0x00ffffff, 0x7fffffbf, 0x7fffffc0, 0xffffff80,
};

static void test_cvt(void)
{
    static const char *rm[4] = { "RN", "RP", "RM", "RZ" };
    for (int m = 0; m < 4; m++) {
        set_fpscr((get_fpscr() & ~0x00c00000u) | ((uint32_t)m << 22));
        printf("== conversions, FPSCR rounding %s ==\n", rm[m]);
        for (unsigned i = 0; i < N(cvt_f); i++) {
            float a = bf(cvt_f[i]);
            uint32_t s[8], r[8];
            uint64_t d;
            r[0] = f_to_s32(a, &s[0]);
            r[1] = f_to_u32(a, &s[1]);
            r[2] = f_to_s32r(a, &s[2]);
            r[3] = f_to_u32r(a, &s[3]);
            r[4] = f_to_s32x16(a, &s[4]);
            r[5] = f_to_u16x8(a, &s[5]);
            r[7] = f_to_s16x8(a, &s[7]);
            d = f_to_d(cvt_f[i], &s[6]);
            printf("f %08x: s32=%08x %s u32=%08x %s s32r=%08x %s u32r=%08x %s "
                   "s32x16=%08x %s u16x8=%08x %s s16x8=%08x %s f64=%016llx %s\n",
                   cvt_f[i], r[0], fl(s[0]), r[1], fl(s[1]), r[2], fl(s[2]), r[3], fl(s[3]),
                   r[4], fl(s[4]), r[5], fl(s[5]), r[7], fl(s[7]), (unsigned long long)d, fl(s[6]));
        }
        for (unsigned i = 0; i < N(cvt_d); i++) {
            double a = bd(cvt_d[i]);
            uint32_t s[5], r[5];
            r[0] = d_to_s32(a, &s[0]);
            r[1] = d_to_u32(a, &s[1]);
            r[2] = d_to_s32r(a, &s[2]);
            r[3] = d_to_u32r(a, &s[3]);
            r[4] = d_to_f(a, &s[4]);
            printf("d %016llx: s32=%08x %s u32=%08x %s s32r=%08x %s u32r=%08x %s f32=%08x %s\n",
                   (unsigned long long)cvt_d[i], r[0], fl(s[0]), r[1], fl(s[1]), r[2],
                   fl(s[2]), r[3], fl(s[3]), r[4], fl(s[4]));
        }
        for (unsigned i = 0; i < N(cvt_i); i++) {
            uint32_t s[6], r[4];
            uint64_t d0, d1;
            r[0] = s32_to_f(bf(cvt_i[i]), &s[0]);
            r[1] = u32_to_f(bf(cvt_i[i]), &s[1]);
            d0 = s32_to_d(cvt_i[i], &s[2]);
            d1 = u32_to_d(cvt_i[i], &s[3]);
            r[2] = s32x16_to_f(bf(cvt_i[i]), &s[4]);
            /* the s16 form only looks at the low halfword */
            r[3] = s16x4_to_f(bf(cvt_i[i]), &s[5]);
            printf("i %08x: s2f=%08x %s u2f=%08x %s s2d=%016llx %s u2d=%016llx %s "
                   "x16=%08x %s s16x4=%08x %s\n",
                   cvt_i[i], r[0], fl(s[0]), r[1], fl(s[1]), (unsigned long long)d0, fl(s[2]),
                   (unsigned long long)d1, fl(s[3]), r[2], fl(s[4]), r[3], fl(s[5]));
        }
    }
    set_fpscr(get_fpscr() & ~0x00c00000u);
}

static void test_rounding(void)
{
    static const int modes[4] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
    static const char *names[4] = { "nearest", "upward", "downward", "towardzero" };
    static const double num[] = { 1, -1, 2, -2, 1, 10, 1e308, -1e308, 0x1p-1022, 5, -5 };
    static const double den[] = { 3, 3, 3, 3, 10, 3, 0.1, 0.1, 3, 0x1p1, 0x1p1 };
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        volatile int got = fegetround();
        printf("== rounding %s: fegetround ok=%d rmode=%u ==\n", names[m], got == modes[m],
               (get_fpscr() >> 22) & 3);
        for (unsigned i = 0; i < N(num); i++) {
            volatile double a = num[i], b = den[i];
            volatile float fa = (float)num[i], fb_ = (float)den[i];
            feclearexcept(FE_ALL_EXCEPT);
            volatile double q = a / b;
            int e1 = fetestexcept(FE_ALL_EXCEPT);
            feclearexcept(FE_ALL_EXCEPT);
            volatile float fq = fa / fb_;
            int e2 = fetestexcept(FE_ALL_EXCEPT);
            printf("%a/%a = %a [%s] %.17g; float %a [%s] %.9g\n", a, b, q, fe(e1), q,
                   (double)fq, fe(e2), (double)fq);
        }
        volatile double h[] = { 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 1e300 };
        for (unsigned i = 0; i < N(h); i++)
            printf("rint(%g)=%g nearbyint=%g lrint=%ld round=%g trunc=%g floor=%g ceil=%g\n",
                   h[i], rint(h[i]), nearbyint(h[i]), fabs(h[i]) < 1e10 ? lrint(h[i]) : 0L,
                   round(h[i]), trunc(h[i]), floor(h[i]), ceil(h[i]));
        volatile double big = 0x1.fffffffffffffp1023;
        volatile float fbig = 0x1.fffffep127f;
        feclearexcept(FE_ALL_EXCEPT);
        volatile double ov = big * 2.0;
        volatile float fov = fbig * 2.0f;
        printf("overflow: %a %a [%s]\n", ov, (double)fov, fe(fetestexcept(FE_ALL_EXCEPT)));
        volatile double one = 1.0, tiny = 0x1p-60;
        printf("1+tiny=%a 1-tiny=%a -1+tiny=%a\n", one + tiny, one - tiny, -one + tiny);
        volatile double dv = 1.0 / 3.0;
        printf("(float)(1/3)=%a (float)(2/3)=%a\n", (double)(float)dv, (double)(float)(2 * dv));
        volatile int i1 = 16777217, i2 = -16777219;
        printf("(float)16777217=%a (float)-16777219=%a\n", (double)(float)i1,
               (double)(float)i2);
    }
    fesetround(FE_TONEAREST);
}

/* compare: returns FPSCR NZCV after vcmp/vcmpe plus exception flags */
static uint32_t fcmp(float a, float b, int e)
{
    uint32_t t, f;
    if (e)
        __asm__ volatile(CLR "vcmpe.f32 %[a], %[b]\n\tvmrs %[f], fpscr"
                         : [f] "=&r"(f), [t] "=&r"(t) : [a] "t"(a), [b] "t"(b));
    else
        __asm__ volatile(CLR "vcmp.f32 %[a], %[b]\n\tvmrs %[f], fpscr"
                         : [f] "=&r"(f), [t] "=&r"(t) : [a] "t"(a), [b] "t"(b));
    return f;
}
static uint32_t dcmp(double a, double b, int e)
{
    uint32_t t, f;
    if (e)
        __asm__ volatile(CLR "vcmpe.f64 %P[a], %P[b]\n\tvmrs %[f], fpscr"
                         : [f] "=&r"(f), [t] "=&r"(t) : [a] "w"(a), [b] "w"(b));
    else
        __asm__ volatile(CLR "vcmp.f64 %P[a], %P[b]\n\tvmrs %[f], fpscr"
                         : [f] "=&r"(f), [t] "=&r"(t) : [a] "w"(a), [b] "w"(b));
    return f;
}
static uint32_t fcmpz(float a)
{
    uint32_t t, f;
    __asm__ volatile(CLR "vcmpe.f32 %[a], #0\n\tvmrs %[f], fpscr"
                     : [f] "=&r"(f), [t] "=&r"(t) : [a] "t"(a));
    return f;
}
/* move FPSCR flags to APSR and use a condition */
static int fcmp_apsr(float a, float b)
{
    int r;
    __asm__ volatile("vcmp.f32 %[a], %[b]\n\t"
                     "vmrs APSR_nzcv, fpscr\n\t"
                     "mov %[r], #0\n\t"
                     "it gt\n\taddgt %[r], %[r], #1\n\t"
                     "it ge\n\taddge %[r], %[r], #2\n\t"
                     "it mi\n\taddmi %[r], %[r], #4\n\t"
                     "it vs\n\taddvs %[r], %[r], #8\n\t"
                     "it eq\n\taddeq %[r], %[r], #16\n\t"
                     "it hi\n\taddhi %[r], %[r], #32\n\t"
                     "it ls\n\taddls %[r], %[r], #64\n\t"
                     : [r] "=&r"(r) : [a] "t"(a), [b] "t"(b) : "cc");
    return r;
}

static void test_cmp(void)
{
    static const uint32_t cv[] = { 0x00000000, 0x80000000, 0x3f800000, 0xbf800000,
                                   0x00000001, 0x7f800000, 0xff800000, 0x7fc00000,
                                   0x7f800001 };
    printf("== compares (FPSCR NZCV, flags): vcmp vcmpe | C ops < <= == != > >= | apsr cond ==\n");
    for (unsigned i = 0; i < N(cv); i++) {
        for (unsigned j = 0; j < N(cv); j++) {
            float a = bf(cv[i]), b = bf(cv[j]);
            uint32_t c0 = fcmp(a, b, 0), c1 = fcmp(a, b, 1);
            uint32_t d0 = dcmp((double)a, (double)b, 0);
            volatile float va = a, vb = b;
            feclearexcept(FE_ALL_EXCEPT);
            volatile int lt = va < vb, le = va <= vb, eq = va == vb, ne = va != vb,
                         gt = va > vb, ge = va >= vb;
            int ex = fetestexcept(FE_ALL_EXCEPT);
            int un = isunordered(va, vb), isl = isless(va, vb);
            printf("%08x %08x: %x %s %x %s d:%x | %d%d%d%d%d%d [%s] unord=%d isless=%d | %02x\n",
                   cv[i], cv[j], c0 >> 28, fl(c0), c1 >> 28, fl(c1), d0 >> 28, lt, le, eq, ne,
                   gt, ge, fe(ex), un, isl, fcmp_apsr(a, b));
        }
    }
    for (unsigned i = 0; i < N(cv); i++) {
        uint32_t z = fcmpz(bf(cv[i]));
        printf("%08x vs #0: %x %s\n", cv[i], z >> 28, fl(z));
    }
}

static void test_modes(void)
{
    printf("== default-NaN and flush-to-zero modes ==\n");
    uint32_t saved = get_fpscr();
    uint32_t s;
    float q = bf(0x7fc12345), sn = bf(0x7f812345), one = 1.0f;
    set_fpscr(saved | (1u << 25)); /* DN */
    printf("DN: qnan+1=%08x", fb(fadd(q, one, &s)));
    printf(" %s snan*1=%08x", fl(s), fb(fmul(sn, one, &s)));
    printf(" %s 0/0=%08x", fl(s), fb(fdiv(0.0f, 0.0f, &s)));
    printf(" %s sqrt(-1)=%08x %s", fl(s), fb(fsqrt(-one, &s)), fl(s));
    printf(" d:%016llx\n", (unsigned long long)db(dadd(bd(0xfff8000000012345ull), 1.0, &s)));
    /* abs/neg are not arithmetic: NaN payload and sign untouched even with DN */
    printf("DN: abs(-qnan)=%08x neg(snan)=%08x %s\n", fb(fabs_(bf(0xffc12345), &s)),
           fb(fneg(sn, &s)), fl(s));
    set_fpscr(saved);
    printf("no DN: qnan+1=%08x", fb(fadd(q, one, &s)));
    printf(" %s snan*1=%08x %s\n", fl(s), fb(fmul(sn, one, &s)), fl(s));
    printf("no DN: 1+snan=%08x qnan+snan=%08x snan+qnan=%08x -qnan+qnan=%08x\n",
           fb(fadd(one, sn, &s)), fb(fadd(q, sn, &s)), fb(fadd(sn, q, &s)),
           fb(fadd(bf(0xffc00001), q, &s)));
    /* flush-to-zero: denormal inputs and outputs become zero */
    float dn = bf(0x00400000), mn = bf(0x00800000), half = 0.5f;
    uint32_t r1, r2, r3, s1, s2, s3;
    set_fpscr(saved | (1u << 24));
    r1 = fb(fadd(dn, mn, &s1));
    r2 = fb(fmul(mn, half, &s2));
    r3 = fb(fmul(bf(0x80800000), half, &s3));
    set_fpscr(saved);
    printf("FZ: den+min=%08x %s min*0.5=%08x %s -min*0.5=%08x %s\n", r1, fl(s1), r2, fl(s2),
           r3, fl(s3));
    r1 = fb(fadd(dn, mn, &s1));
    r2 = fb(fmul(mn, half, &s2));
    printf("noFZ: den+min=%08x %s min*0.5=%08x %s\n", r1, fl(s1), r2, fl(s2));
    printf("fpscr restored low bits=%08x\n", get_fpscr() & 0x03c0009fu & ~0x9fu);
}

static void test_denormals(void)
{
    printf("== denormals ==\n");
    volatile float f = 0x1p-126f;
    volatile double d = 0x1p-1022;
    for (int i = 0; i < 26; i++) {
        feclearexcept(FE_ALL_EXCEPT);
        f = f / 2.0f;
        int e = fetestexcept(FE_ALL_EXCEPT);
        printf("f=%a %08x [%s]\n", (double)f, fb(f), fe(e));
    }
    for (int i = 0; i < 54; i += 4) {
        feclearexcept(FE_ALL_EXCEPT);
        d = d / 16.0;
        int e = fetestexcept(FE_ALL_EXCEPT);
        printf("d=%a [%s]\n", d, fe(e));
    }
    volatile float a = 0x1.000002p-126f, b = 0x1p-126f;
    feclearexcept(FE_ALL_EXCEPT);
    volatile float c = a - b;
    printf("minnorm diff=%a [%s]\n", (double)c, fe(fetestexcept(FE_ALL_EXCEPT)));
    volatile float x = 0x1.8p-148f;
    feclearexcept(FE_ALL_EXCEPT);
    c = x * 0.5f;
    printf("1.5*2^-148*0.5=%a [%s]\n", (double)c, fe(fetestexcept(FE_ALL_EXCEPT)));
    volatile float y = 0x1p-100f;
    feclearexcept(FE_ALL_EXCEPT);
    c = y * y;
    printf("2^-100^2=%a [%s]\n", (double)c, fe(fetestexcept(FE_ALL_EXCEPT)));
    volatile double dd = 0x1p-537;
    feclearexcept(FE_ALL_EXCEPT);
    volatile double e2 = dd * dd;
    printf("2^-537^2=%a [%s]\n", e2, fe(fetestexcept(FE_ALL_EXCEPT)));
    /* fpclassify */
    volatile double cl[] = { 0.0, 0x1p-1074, 1.0, INFINITY, NAN };
    for (unsigned i = 0; i < N(cl); i++)
        printf("classify %a: normal=%d subnormal=%d zero=%d inf=%d nan=%d signbit=%d\n", cl[i],
               fpclassify(cl[i]) == FP_NORMAL, fpclassify(cl[i]) == FP_SUBNORMAL,
               fpclassify(cl[i]) == FP_ZERO, isinf(cl[i]) != 0, isnan(cl[i]) != 0,
               signbit(cl[i]) != 0);
}

static void test_c_level(void)
{
    printf("== C-level ops and exceptions ==\n");
    volatile double z = 0.0, one = 1.0, m1 = -1.0;
    volatile float fz = 0.0f;
    feclearexcept(FE_ALL_EXCEPT);
    volatile double r = one / z;
    printf("1/0=%a [%s]\n", r, fe(fetestexcept(FE_ALL_EXCEPT)));
    feclearexcept(FE_ALL_EXCEPT);
    r = m1 / z;
    printf("-1/0=%a [%s]\n", r, fe(fetestexcept(FE_ALL_EXCEPT)));
    feclearexcept(FE_ALL_EXCEPT);
    r = z / z;
    printf("0/0 bits=%016llx [%s]\n", (unsigned long long)db(r), fe(fetestexcept(FE_ALL_EXCEPT)));
    feclearexcept(FE_ALL_EXCEPT);
    volatile float fr = fz / fz;
    printf("0f/0f bits=%08x [%s]\n", fb(fr), fe(fetestexcept(FE_ALL_EXCEPT)));
    feclearexcept(FE_ALL_EXCEPT);
    r = r + one;
    printf("nan+1 bits=%016llx [%s]\n", (unsigned long long)db(r), fe(fetestexcept(FE_ALL_EXCEPT)));
    union { uint64_t u; double d; } sn = { 0x7ff0000000000badull };
    volatile double snd = sn.d;
    feclearexcept(FE_ALL_EXCEPT);
    r = snd + one;
    printf("snan+1 bits=%016llx [%s]\n", (unsigned long long)db(r), fe(fetestexcept(FE_ALL_EXCEPT)));
    feclearexcept(FE_ALL_EXCEPT);
    volatile float sf = (float)snd;
    printf("(float)snan bits=%08x [%s]\n", fb(sf), fe(fetestexcept(FE_ALL_EXCEPT)));
    union { uint32_t u; float f; } snf = { 0xff800bad };
    volatile float snfv = snf.f;
    feclearexcept(FE_ALL_EXCEPT);
    r = (double)snfv;
    printf("(double)snanf bits=%016llx [%s]\n", (unsigned long long)db(r),
           fe(fetestexcept(FE_ALL_EXCEPT)));
    feclearexcept(FE_ALL_EXCEPT);
    r = sqrt(m1 * m1 * 4.0);
    printf("sqrt(4)=%a [%s]\n", r, fe(fetestexcept(FE_ALL_EXCEPT)));
    feclearexcept(FE_ALL_EXCEPT);
    r = sqrt(2.0 * one);
    printf("sqrt(2)=%.17g [%s]\n", r, fe(fetestexcept(FE_ALL_EXCEPT)));
    /* feraiseexcept / fetestexcept round trip, fegetenv/fesetenv */
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    printf("raised [%s] fpscr=%02x\n", fe(fetestexcept(FE_ALL_EXCEPT)), get_fpscr() & 0x1f);
    fenv_t env;
    fegetenv(&env);
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(FE_UPWARD);
    fesetenv(&env);
    printf("after fesetenv [%s] round_nearest=%d\n", fe(fetestexcept(FE_ALL_EXCEPT)),
           fegetround() == FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    /* int<->fp conversions done by the compiler */
    volatile double dv[] = { 2.9, -2.9, 2147483647.0, -2147483648.0, 4294967295.0, 1e-300 };
    for (unsigned i = 0; i < N(dv); i++)
        printf("(int)%.17g=%d (unsigned)=%u (long long)=%lld (float)=%a\n", dv[i],
               dv[i] >= -2147483648.0 && dv[i] < 2147483648.0 ? (int)dv[i] : 0,
               dv[i] >= 0 && dv[i] < 4294967296.0 ? (unsigned)dv[i] : 0u, (long long)dv[i],
               (double)(float)dv[i]);
    volatile long long ll[] = { 9007199254740993LL, -9007199254740993LL, 0x7fffffffffffffffLL,
                                (long long)0x8000000000000000ull };
    volatile unsigned long long ull = 0xffffffffffffffffull;
    for (unsigned i = 0; i < N(ll); i++)
        printf("(double)%lld=%a (float)=%a\n", ll[i], (double)ll[i], (double)(float)ll[i]);
    printf("(double)%llu=%a (ull)1e19=%llu\n", ull, (double)ull,
           (unsigned long long)(volatile double){ 1e19 });
}

static void test_format(void)
{
    printf("== formatting ==\n");
    static const double fv[] = { 0.0, -0.0, 1.0, 0.1, 1.0 / 3, 2.0 / 3, 1e300, 1e-300,
                                 0x1p-1074, 0x1.fffffffffffffp1023, 123456789.125, -2.5,
                                 3.14159265358979323846, 6.02214076e23, 1e21, 1e-7 };
    for (unsigned i = 0; i < N(fv); i++) {
        volatile double v = fv[i];
        printf("%a | %.17g | %.3e | %f | %g | %.0f | %10.4f| %-12.3g|\n", v, v, v,
               fabs(v) < 1e30 ? v : 0.0, v, fabs(v) < 1e30 ? v : 0.0, fabs(v) < 1e30 ? v : 0.0,
               v);
        float f = (float)fv[i];
        printf("  float %a %.9g %08x\n", (double)f, (double)f, fb(f));
    }
    printf("%f %f %f %e\n", (double)INFINITY, -(double)INFINITY, (double)NAN, -(double)NAN);
    printf("%.30f\n%.20e\n", 0.1, 1.0 / 7);
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", 0.1 + 0.2);
    double back;
    sscanf(buf, "%lf", &back);
    printf("roundtrip %s ok=%d\n", buf, back == 0.1 + 0.2);
    printf("strtod: %a %a %a %a\n", strtod("0x1.8p3", NULL), strtod("1e-320", NULL),
           strtod("  -inf", NULL), strtod("2.2250738585072011e-308", NULL));
}

int main(void)
{
    feclearexcept(FE_ALL_EXCEPT);
    printf("initial fpscr: rmode=%u dn=%u fz=%u flags=%02x\n", (get_fpscr() >> 22) & 3,
           (get_fpscr() >> 25) & 1, (get_fpscr() >> 24) & 1, get_fpscr() & 0x9f);
    test_arith();
    test_mac();
    test_cvt();
    test_rounding();
    test_cmp();
    test_modes();
    test_denormals();
    test_c_level();
    test_format();
    printf("done\n");
    return 0;
}
