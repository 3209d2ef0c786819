/*
 * VFP helpers: IEEE arithmetic with the ARM ARM's semantics (VFPv4 on
 * Cortex-A15), in software.
 *
 * The reference is the ARMv7 ARM pseudocode (FPUnpack, FPRound,
 * FPProcessNaNs, FPAdd, FPMul, FPMulAdd, FPDiv, FPSqrt, FPCompare,
 * FPToFixed, FixedToFP and the precision conversions).  What differs from
 * the host's IEEE arithmetic and is therefore done here rather than with
 * fenv:
 *   - NaN propagation: the first signalling NaN operand, quietened, else
 *     the first quiet NaN; invalid operations give the positive default NaN;
 *     FPSCR.DN replaces every NaN result by the default NaN;
 *   - FPSCR.FZ: denormal inputs read as zero (IDC), results whose unrounded
 *     exponent is below the normal range become zero (UFC, no IXC);
 *   - underflow is detected before rounding (x86 detects it after);
 *   - float -> integer conversions saturate, NaN converts to 0 (IOC);
 *   - FPSCR.AHP alternative half precision.
 *
 * Representation: an unpacked nonzero finite value is sig * 2^(exp - 63)
 * with bit 63 of sig set, i.e. exp is the exponent of the leading bit.
 * Intermediate results are exact 128-bit integers scaled by a power of two,
 * or 64-bit significands whose bit 0 is a sticky bit; FPRound turns either
 * into the destination format.
 *
 * Fast path: with round-to-nearest and IXC already set, an operation on
 * normal (or zero) operands whose host result is normal and not within a
 * factor of two of the underflow threshold can raise nothing that is not
 * already recorded and needs no NaN or flush-to-zero treatment, so the
 * host's correctly rounded result is the ARM result.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "frontend/arm_cpu.h"
#include "translator/helpers.h"

typedef unsigned __int128 u128;

enum { FPT_ZERO, FPT_NONZERO, FPT_INF, FPT_QNAN, FPT_SNAN };
enum { RM_NEAREST, RM_PLUSINF, RM_MINUSINF, RM_ZERO };

typedef struct FpFmt {
    unsigned n;   /* total bits */
    unsigned e;   /* exponent bits */
    unsigned f;   /* fraction bits */
    int minexp;   /* exponent of the smallest normal */
} FpFmt;

static const FpFmt F16 = {16, 5, 10, -14};
static const FpFmt F32 = {32, 8, 23, -126};
static const FpFmt F64 = {64, 11, 52, -1022};

typedef struct FpVal {
    int type;
    bool sign;
    int exp;
    uint64_t sig;
} FpVal;

typedef struct FpCtx {
    uint32_t fpscr;
    unsigned rmode;
    uint32_t exc; /* exceptions raised, ORed into FPSCR at the end */
} FpCtx;

static inline FpCtx fp_ctx(const ArmCpu *cpu)
{
    return (FpCtx){cpu->fpscr, (cpu->fpscr >> VFP_FPSCR_RMODE_SHIFT) & 3, 0};
}

static inline uint64_t fmt_emax(const FpFmt *f) { return (1ull << f->e) - 1; }
static inline uint64_t fmt_fracmask(const FpFmt *f) { return (1ull << f->f) - 1; }
static inline uint64_t fmt_sign(const FpFmt *f, bool s) { return (uint64_t)s << (f->n - 1); }

static inline uint64_t fp_zero(const FpFmt *f, bool s) { return fmt_sign(f, s); }
static inline uint64_t fp_inf(const FpFmt *f, bool s) { return fmt_sign(f, s) | fmt_emax(f) << f->f; }
static inline uint64_t fp_default_nan(const FpFmt *f) { return fmt_emax(f) << f->f | 1ull << (f->f - 1); }

static inline int clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* x >> d, ORing any bits shifted out into bit 0. */
static inline u128 shr_jam128(u128 x, int d)
{
    if (d <= 0)
        return x;
    if (d >= 128)
        return x != 0;
    return (x >> d) | ((x << (128 - d)) != 0);
}

/* --- FPUnpack ----------------------------------------------------------- */

static FpVal fp_unpack(const FpFmt *f, uint64_t bits, FpCtx *c)
{
    FpVal v = {FPT_ZERO, (bits >> (f->n - 1)) & 1, 0, 0};
    uint64_t exp = (bits >> f->f) & fmt_emax(f);
    uint64_t frac = bits & fmt_fracmask(f);
    if (exp == 0) {
        if (frac == 0)
            return v;
        if (f->n != 16 && (c->fpscr & VFP_FPSCR_FZ)) {
            c->exc |= VFP_FPSCR_IDC;
            return v;
        }
        int msb = 63 - __builtin_clzll(frac);
        v.type = FPT_NONZERO;
        v.sig = frac << (63 - msb);
        v.exp = f->minexp - (int)f->f + msb;
        return v;
    }
    if (exp == fmt_emax(f) && (f->n != 16 || !(c->fpscr & VFP_FPSCR_AHP))) {
        if (frac == 0)
            v.type = FPT_INF;
        else
            v.type = (frac >> (f->f - 1)) & 1 ? FPT_QNAN : FPT_SNAN;
        return v;
    }
    v.type = FPT_NONZERO;
    v.sig = (1ull << f->f | frac) << (63 - f->f);
    v.exp = (int)exp - (int)(fmt_emax(f) >> 1);
    return v;
}

static inline bool is_nan(const FpVal *v)
{
    return v->type == FPT_QNAN || v->type == FPT_SNAN;
}

/* --- NaN handling ------------------------------------------------------- */

static uint64_t fp_process_nan(const FpFmt *f, const FpVal *v, uint64_t bits, FpCtx *c)
{
    if (v->type == FPT_SNAN)
        c->exc |= VFP_FPSCR_IOC;
    if (c->fpscr & VFP_FPSCR_DN)
        return fp_default_nan(f);
    return bits | 1ull << (f->f - 1);
}

static uint64_t fp_invalid(const FpFmt *f, FpCtx *c)
{
    c->exc |= VFP_FPSCR_IOC;
    return fp_default_nan(f);
}

/* FPProcessNaNs / FPProcessNaNs3: n operands in order. */
static bool fp_process_nans(const FpFmt *f, const FpVal *v, const uint64_t *bits, int n, FpCtx *c, uint64_t *r)
{
    for (int i = 0; i < n; i++)
        if (v[i].type == FPT_SNAN) {
            *r = fp_process_nan(f, &v[i], bits[i], c);
            return true;
        }
    for (int i = 0; i < n; i++)
        if (v[i].type == FPT_QNAN) {
            *r = fp_process_nan(f, &v[i], bits[i], c);
            return true;
        }
    return false;
}

/* --- FPRound ------------------------------------------------------------ */

/* Round sign * sig * 2^(exp - 63) (bit 63 of sig set; bit 0 may be a
 * sticky bit) to format f under the context's rounding mode. */
static uint64_t fp_round(const FpFmt *f, bool sign, int exp, uint64_t sig, FpCtx *c)
{
    uint64_t s = fmt_sign(f, sign);
    if (f->n != 16 && (c->fpscr & VFP_FPSCR_FZ) && exp < f->minexp) {
        c->exc |= VFP_FPSCR_UFC; /* no Inexact when flushing */
        return s;
    }
    int biased = exp - f->minexp + 1;
    int shift = 63 - (int)f->f;
    if (biased <= 0) { /* denormal: mantissa / 2^(minexp - exp) */
        int extra = 1 - biased;
        shift = extra > 66 ? 66 : shift + extra; /* any shift above 64 is "below half" */
        if (shift > 66)
            shift = 66;
        biased = 0;
    }
    uint64_t mant;
    int err; /* 0 exact, 1 below half an ulp, 2 exactly half, 3 above half */
    if (shift >= 65) {
        mant = 0;
        err = 1;
    } else if (shift == 64) {
        mant = 0;
        err = sig == 1ull << 63 ? 2 : 3;
    } else {
        mant = sig >> shift;
        uint64_t rem = sig & ((1ull << shift) - 1), half = 1ull << (shift - 1);
        err = rem == 0 ? 0 : rem < half ? 1 : rem == half ? 2 : 3;
    }
    if (biased == 0 && err)
        c->exc |= VFP_FPSCR_UFC;
    bool up, overflow_to_inf;
    switch (c->rmode) {
    case RM_NEAREST:
        up = err == 3 || (err == 2 && (mant & 1));
        overflow_to_inf = true;
        break;
    case RM_PLUSINF:
        up = err && !sign;
        overflow_to_inf = !sign;
        break;
    case RM_MINUSINF:
        up = err && sign;
        overflow_to_inf = sign;
        break;
    default:
        up = false;
        overflow_to_inf = false;
        break;
    }
    if (up) {
        mant++;
        if (mant == 1ull << f->f) /* denormal rounded up to the smallest normal */
            biased = 1;
        if (mant == 1ull << (f->f + 1)) {
            biased++;
            mant >>= 1;
        }
    }
    uint64_t r;
    int emax = (int)fmt_emax(f);
    if (f->n != 16 || !(c->fpscr & VFP_FPSCR_AHP)) {
        if (biased >= emax) {
            r = overflow_to_inf ? fp_inf(f, sign) : s | (uint64_t)(emax - 1) << f->f | fmt_fracmask(f);
            c->exc |= VFP_FPSCR_OFC;
            err = 1;
        } else {
            r = s | (uint64_t)biased << f->f | (mant & fmt_fracmask(f));
        }
    } else {
        if (biased > emax) {
            r = s | 0x7fff;
            c->exc |= VFP_FPSCR_IOC;
            err = 0;
        } else {
            r = s | (uint64_t)biased << f->f | (mant & fmt_fracmask(f));
        }
    }
    if (err)
        c->exc |= VFP_FPSCR_IXC;
    return r;
}

/* Round sign * x * 2^e0 for a nonzero exact (or bit-0-sticky) x. */
static uint64_t fp_round128(const FpFmt *f, bool sign, int e0, u128 x, FpCtx *c)
{
    int p = 127 - clz128(x);
    uint64_t sig;
    if (p >= 63) {
        int sh = p - 63;
        sig = (uint64_t)(x >> sh) | ((x & (((u128)1 << sh) - 1)) != 0);
    } else {
        sig = (uint64_t)x << (63 - p);
    }
    return fp_round(f, sign, e0 + p, sig, c);
}

/* --- arithmetic --------------------------------------------------------- */

static uint64_t fp_add(const FpFmt *f, uint64_t a, uint64_t b, bool sub, FpCtx *c)
{
    FpVal v[2] = {fp_unpack(f, a, c), fp_unpack(f, b, c)};
    uint64_t ops[2] = {a, b}, r;
    if (fp_process_nans(f, v, ops, 2, c, &r))
        return r;
    FpVal x = v[0], y = v[1];
    y.sign ^= sub;
    if (x.type == FPT_INF && y.type == FPT_INF && x.sign != y.sign)
        return fp_invalid(f, c);
    if (x.type == FPT_INF)
        return fp_inf(f, x.sign);
    if (y.type == FPT_INF)
        return fp_inf(f, y.sign);
    if (x.type == FPT_ZERO && y.type == FPT_ZERO)
        return fp_zero(f, x.sign == y.sign ? x.sign : c->rmode == RM_MINUSINF);
    if (x.type == FPT_ZERO) /* exact: b itself (it was not flushed) */
        return sub ? b ^ fmt_sign(f, 1) : b;
    if (y.type == FPT_ZERO)
        return a;
    if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) {
        FpVal t = x;
        x = y;
        y = t;
    }
    u128 X = (u128)x.sig << 62;
    u128 Y = shr_jam128((u128)y.sig << 62, x.exp - y.exp);
    u128 S;
    if (x.sign == y.sign) {
        S = X + Y;
    } else {
        S = X - Y;
        if (S == 0)
            return fp_zero(f, c->rmode == RM_MINUSINF);
    }
    return fp_round128(f, x.sign, x.exp - 125, S, c);
}

static uint64_t fp_mul(const FpFmt *f, uint64_t a, uint64_t b, FpCtx *c)
{
    FpVal v[2] = {fp_unpack(f, a, c), fp_unpack(f, b, c)};
    uint64_t ops[2] = {a, b}, r;
    if (fp_process_nans(f, v, ops, 2, c, &r))
        return r;
    FpVal x = v[0], y = v[1];
    bool s = x.sign ^ y.sign;
    if ((x.type == FPT_INF && y.type == FPT_ZERO) || (x.type == FPT_ZERO && y.type == FPT_INF))
        return fp_invalid(f, c);
    if (x.type == FPT_INF || y.type == FPT_INF)
        return fp_inf(f, s);
    if (x.type == FPT_ZERO || y.type == FPT_ZERO)
        return fp_zero(f, s);
    return fp_round128(f, s, x.exp + y.exp - 126, (u128)x.sig * y.sig, c);
}

static uint64_t fp_div(const FpFmt *f, uint64_t a, uint64_t b, FpCtx *c)
{
    FpVal v[2] = {fp_unpack(f, a, c), fp_unpack(f, b, c)};
    uint64_t ops[2] = {a, b}, r;
    if (fp_process_nans(f, v, ops, 2, c, &r))
        return r;
    FpVal x = v[0], y = v[1];
    bool s = x.sign ^ y.sign;
    if ((x.type == FPT_INF && y.type == FPT_INF) || (x.type == FPT_ZERO && y.type == FPT_ZERO))
        return fp_invalid(f, c);
    if (x.type == FPT_INF || y.type == FPT_ZERO) {
        if (x.type != FPT_INF)
            c->exc |= VFP_FPSCR_DZC;
        return fp_inf(f, s);
    }
    if (x.type == FPT_ZERO || y.type == FPT_INF)
        return fp_zero(f, s);
    u128 n = (u128)x.sig << 64;
    u128 q = n / y.sig;
    bool rem = n - q * y.sig != 0;
    return fp_round128(f, s, x.exp - y.exp - 64, q | rem, c);
}

/* floor(sqrt(n)) for n < 2^128. */
static uint64_t isqrt128(u128 n)
{
    double est = sqrt((double)n);
    u128 r = est >= 18446744073709551615.0 ? UINT64_MAX : (u128)(uint64_t)est;
    if (r == 0)
        r = 1;
    r = (r + n / r) >> 1; /* one Newton step: error now below 1 */
    if (r > UINT64_MAX)
        r = UINT64_MAX;
    while (r * r > n)
        r--;
    while (r < UINT64_MAX && (r + 1) * (r + 1) <= n)
        r++;
    return (uint64_t)r;
}

static uint64_t fp_sqrt(const FpFmt *f, uint64_t a, FpCtx *c)
{
    FpVal x = fp_unpack(f, a, c);
    if (is_nan(&x))
        return fp_process_nan(f, &x, a, c);
    if (x.type == FPT_ZERO)
        return fp_zero(f, x.sign);
    if (x.type == FPT_INF && !x.sign)
        return fp_inf(f, false);
    if (x.sign)
        return fp_invalid(f, c);
    int e0 = x.exp - 63; /* value = sig * 2^e0; make the exponent even */
    u128 n;
    if (e0 & 1) {
        n = (u128)x.sig << 63;
        e0 -= 63;
    } else {
        n = (u128)x.sig << 64;
        e0 -= 64;
    }
    uint64_t r = isqrt128(n);
    bool inexact = (u128)r * r != n;
    return fp_round128(f, false, e0 / 2, (u128)(r | inexact), c);
}

/* FPMulAdd(addend, op1, op2): addend + op1 * op2 with a single rounding. */
static uint64_t fp_muladd(const FpFmt *f, uint64_t addend, uint64_t op1, uint64_t op2, FpCtx *c)
{
    FpVal v[3] = {fp_unpack(f, addend, c), fp_unpack(f, op1, c), fp_unpack(f, op2, c)};
    uint64_t ops[3] = {addend, op1, op2}, r;
    FpVal z = v[0], x = v[1], y = v[2];
    bool inf_zero = (x.type == FPT_INF && y.type == FPT_ZERO) || (x.type == FPT_ZERO && y.type == FPT_INF);
    if (fp_process_nans(f, v, ops, 3, c, &r)) {
        if (z.type == FPT_QNAN && inf_zero)
            r = fp_invalid(f, c);
        return r;
    }
    bool sp = x.sign ^ y.sign;
    bool infp = x.type == FPT_INF || y.type == FPT_INF;
    bool zerop = x.type == FPT_ZERO || y.type == FPT_ZERO;
    if (inf_zero || (z.type == FPT_INF && infp && z.sign != sp))
        return fp_invalid(f, c);
    if ((z.type == FPT_INF && !z.sign) || (infp && !sp))
        return fp_inf(f, false);
    if ((z.type == FPT_INF && z.sign) || (infp && sp))
        return fp_inf(f, true);
    if (z.type == FPT_ZERO && zerop)
        return fp_zero(f, z.sign == sp ? z.sign : c->rmode == RM_MINUSINF);
    if (zerop) /* exact: the (unflushed, nonzero) addend */
        return addend;
    u128 p = (u128)x.sig * y.sig; /* value p * 2^pe */
    int pe = x.exp + y.exp - 126;
    if (z.type == FPT_ZERO)
        return fp_round128(f, sp, pe, p, c);
    /* Line both up with the leading bit at 125 (no bits are lost: the
     * significands have at most 53 bits, so p has trailing zeros). */
    if (p >> 127) {
        p = shr_jam128(p, 2);
        pe += 2;
    } else {
        p = shr_jam128(p, 1);
        pe += 1;
    }
    u128 zz = (u128)z.sig << 62;
    int ze = z.exp - 125;
    u128 A, B;
    bool sa, sb;
    int e0;
    if (pe > ze || (pe == ze && p >= zz)) {
        A = p, sa = sp, B = shr_jam128(zz, pe - ze), sb = z.sign, e0 = pe;
    } else {
        A = zz, sa = z.sign, B = shr_jam128(p, ze - pe), sb = sp, e0 = ze;
    }
    u128 S = sa == sb ? A + B : A - B;
    if (S == 0)
        return fp_zero(f, c->rmode == RM_MINUSINF);
    return fp_round128(f, sa, e0, S, c);
}

/* -1, 0, 1 for two non-NaN values. */
static int fp_cmp(const FpVal *x, const FpVal *y)
{
    int sx = x->type == FPT_ZERO ? 0 : x->sign ? -1 : 1;
    int sy = y->type == FPT_ZERO ? 0 : y->sign ? -1 : 1;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    if (sx == 0)
        return 0;
    int m;
    if (x->type == FPT_INF || y->type == FPT_INF)
        m = (x->type == FPT_INF) - (y->type == FPT_INF);
    else if (x->exp != y->exp)
        m = x->exp < y->exp ? -1 : 1;
    else
        m = x->sig < y->sig ? -1 : x->sig > y->sig;
    return sx < 0 ? -m : m;
}

static uint32_t fp_compare(const FpFmt *f, uint64_t a, uint64_t b, bool quiet_nan_exc, FpCtx *c)
{
    FpVal x = fp_unpack(f, a, c), y = fp_unpack(f, b, c);
    if (is_nan(&x) || is_nan(&y)) {
        if (x.type == FPT_SNAN || y.type == FPT_SNAN || quiet_nan_exc)
            c->exc |= VFP_FPSCR_IOC;
        return 0x3; /* unordered: C, V */
    }
    int r = fp_cmp(&x, &y);
    return r == 0 ? 0x6 : r < 0 ? 0x8 : 0x2;
}

/* --- conversions -------------------------------------------------------- */

/* FPToFixed: result saturated to size bits and extended to 64. */
static uint64_t fp_tofix(const FpFmt *f, uint64_t a, unsigned fbits, unsigned flags, FpCtx *c)
{
    FpVal x = fp_unpack(f, a, c);
    bool uns = flags & VFP_CVT_UNSIGNED;
    unsigned size = flags & VFP_CVT_SIZE16 ? 16 : 32;
    unsigned rmode = flags & VFP_CVT_ROUND ? RM_ZERO : c->rmode;
    int64_t maxv = uns ? ((int64_t)1 << size) - 1 : ((int64_t)1 << (size - 1)) - 1;
    int64_t minv = uns ? 0 : -((int64_t)1 << (size - 1));
    if (is_nan(&x)) {
        c->exc |= VFP_FPSCR_IOC;
        return 0;
    }
    if (x.type == FPT_ZERO)
        return 0;
    uint64_t mag;
    int err = 0;
    int e = x.exp + (int)fbits; /* value = sig * 2^(e - 63) */
    if (x.type == FPT_INF || e >= 40) {
        mag = (uint64_t)1 << 40; /* saturates whatever the rounding */
    } else if (e < 0) {
        mag = 0;
        err = e < -1 ? 1 : x.sig == 1ull << 63 ? 2 : 3;
    } else {
        int shift = 63 - e;
        mag = x.sig >> shift;
        uint64_t rem = x.sig & ((1ull << shift) - 1), half = 1ull << (shift - 1);
        err = rem == 0 ? 0 : rem < half ? 1 : rem == half ? 2 : 3;
    }
    bool up;
    switch (rmode) {
    case RM_NEAREST: up = err == 3 || (err == 2 && (mag & 1)); break;
    case RM_PLUSINF: up = err && !x.sign; break;
    case RM_MINUSINF: up = err && x.sign; break;
    default: up = false; break;
    }
    mag += up;
    int64_t v = x.sign ? -(int64_t)mag : (int64_t)mag;
    if (v > maxv) {
        v = maxv;
        c->exc |= VFP_FPSCR_IOC;
    } else if (v < minv) {
        v = minv;
        c->exc |= VFP_FPSCR_IOC;
    } else if (err) {
        c->exc |= VFP_FPSCR_IXC;
    }
    return (uint64_t)v;
}

/* FixedToFP from the low 16 or 32 bits of a. */
static uint64_t fp_fromfix(const FpFmt *f, uint64_t a, unsigned fbits, unsigned flags, FpCtx *c)
{
    unsigned size = flags & VFP_CVT_SIZE16 ? 16 : 32;
    uint64_t raw = a & ((1ull << size) - 1);
    int64_t x = (flags & VFP_CVT_UNSIGNED) ? (int64_t)raw : (int64_t)(raw << (64 - size)) >> (64 - size);
    if (x == 0)
        return fp_zero(f, false);
    bool sign = x < 0;
    uint64_t mag = sign ? -(uint64_t)x : (uint64_t)x;
    int msb = 63 - __builtin_clzll(mag);
    if (flags & VFP_CVT_ROUND)
        c->rmode = RM_NEAREST;
    return fp_round(f, sign, msb - (int)fbits, mag << (63 - msb), c);
}

/* FPSingleToDouble, FPDoubleToSingle, FPHalfToSingle, FPSingleToHalf share
 * this shape: NaNs keep their top fraction bits, the rest rounds. */
static uint64_t fp_convert(const FpFmt *from, const FpFmt *to, uint64_t a, FpCtx *c)
{
    FpVal x = fp_unpack(from, a, c);
    bool ahp_out = to->n == 16 && (c->fpscr & VFP_FPSCR_AHP);
    if (is_nan(&x)) {
        uint64_t r;
        if (ahp_out) {
            r = fp_zero(to, x.sign);
        } else if (c->fpscr & VFP_FPSCR_DN) {
            r = fp_default_nan(to);
        } else {
            uint64_t frac = a & fmt_fracmask(from);
            frac = to->f > from->f ? frac << (to->f - from->f) : frac >> (from->f - to->f);
            r = fp_inf(to, x.sign) | 1ull << (to->f - 1) | frac;
        }
        if (x.type == FPT_SNAN || ahp_out)
            c->exc |= VFP_FPSCR_IOC;
        return r;
    }
    if (x.type == FPT_INF) {
        if (ahp_out) {
            c->exc |= VFP_FPSCR_IOC;
            return fmt_sign(to, x.sign) | 0x7fff;
        }
        return fp_inf(to, x.sign);
    }
    if (x.type == FPT_ZERO)
        return fp_zero(to, x.sign);
    return fp_round(to, x.sign, x.exp, x.sig, c);
}

/* --- host fast paths ---------------------------------------------------- */

#if FLT_EVAL_METHOD == 0 && FLT_RADIX == 2 && FLT_MANT_DIG == 24 && DBL_MANT_DIG == 53
#define VFP_HOST_FAST 1
#else
#define VFP_HOST_FAST 0
#endif

static inline float f32_of(uint64_t b)
{
    float f;
    uint32_t w = (uint32_t)b;
    memcpy(&f, &w, 4);
    return f;
}

static inline uint32_t bits_f32(float f)
{
    uint32_t w;
    memcpy(&w, &f, 4);
    return w;
}

static inline double f64_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, 8);
    return d;
}

static inline uint64_t bits_f64(double d)
{
    uint64_t w;
    memcpy(&w, &d, 8);
    return w;
}

/* The fast path applies: round to nearest, IXC already set. */
static inline bool fast_mode(const ArmCpu *cpu)
{
    return VFP_HOST_FAST && (cpu->fpscr & (VFP_FPSCR_RMODE_MASK | VFP_FPSCR_IXC)) == VFP_FPSCR_IXC;
}

/* Normal or zero (not denormal, infinite or NaN). */
static inline bool plain32(uint64_t b)
{
    uint32_t e = ((uint32_t)b >> 23) & 0xff;
    return e != 0xff && (e != 0 || ((uint32_t)b & 0x7fffffff) == 0);
}

static inline bool plain64(uint64_t b)
{
    uint64_t e = (b >> 52) & 0x7ff;
    return e != 0x7ff && (e != 0 || (b << 1) == 0);
}

/* Finite, and at least twice the smallest normal: no underflow possible. */
static inline bool safe32(uint32_t r)
{
    uint32_t e = (r >> 23) & 0xff;
    return e >= 2 && e != 0xff;
}

static inline bool safe64(uint64_t r)
{
    uint64_t e = (r >> 52) & 0x7ff;
    return e >= 2 && e != 0x7ff;
}

static inline bool zero32(uint64_t b) { return ((uint32_t)b & 0x7fffffff) == 0; }
static inline bool zero64(uint64_t b) { return (b << 1) == 0; }

/* --- helpers ------------------------------------------------------------ */

#define VFP_BEGIN                                                              \
    ArmCpu *cpu = env;                                                         \
    FpCtx ctx = fp_ctx(cpu)
#define VFP_RETURN(expr)                                                       \
    do {                                                                       \
        uint64_t vfp_r_ = (expr);                                              \
        cpu->fpscr |= ctx.exc;                                                 \
        return vfp_r_;                                                         \
    } while (0)

uint64_t helper_vfp_adds(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain32(a) && plain32(b)) {
        uint32_t r = bits_f32(f32_of(a) + f32_of(b));
        if (safe32(r) || zero32(r))
            return r;
    }
    VFP_RETURN(fp_add(&F32, (uint32_t)a, (uint32_t)b, false, &ctx));
}

uint64_t helper_vfp_addd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain64(a) && plain64(b)) {
        uint64_t r = bits_f64(f64_of(a) + f64_of(b));
        if (safe64(r) || zero64(r))
            return r;
    }
    VFP_RETURN(fp_add(&F64, a, b, false, &ctx));
}

uint64_t helper_vfp_subs(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain32(a) && plain32(b)) {
        uint32_t r = bits_f32(f32_of(a) - f32_of(b));
        if (safe32(r) || zero32(r))
            return r;
    }
    VFP_RETURN(fp_add(&F32, (uint32_t)a, (uint32_t)b, true, &ctx));
}

uint64_t helper_vfp_subd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain64(a) && plain64(b)) {
        uint64_t r = bits_f64(f64_of(a) - f64_of(b));
        if (safe64(r) || zero64(r))
            return r;
    }
    VFP_RETURN(fp_add(&F64, a, b, true, &ctx));
}

uint64_t helper_vfp_muls(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain32(a) && plain32(b)) {
        uint32_t r = bits_f32(f32_of(a) * f32_of(b));
        if (safe32(r) || zero32(a) || zero32(b))
            return r;
    }
    VFP_RETURN(fp_mul(&F32, (uint32_t)a, (uint32_t)b, &ctx));
}

uint64_t helper_vfp_muld(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain64(a) && plain64(b)) {
        uint64_t r = bits_f64(f64_of(a) * f64_of(b));
        if (safe64(r) || zero64(a) || zero64(b))
            return r;
    }
    VFP_RETURN(fp_mul(&F64, a, b, &ctx));
}

uint64_t helper_vfp_divs(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain32(a) && plain32(b) && !zero32(b)) {
        uint32_t r = bits_f32(f32_of(a) / f32_of(b));
        if (safe32(r) || zero32(a))
            return r;
    }
    VFP_RETURN(fp_div(&F32, (uint32_t)a, (uint32_t)b, &ctx));
}

uint64_t helper_vfp_divd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain64(a) && plain64(b) && !zero64(b)) {
        uint64_t r = bits_f64(f64_of(a) / f64_of(b));
        if (safe64(r) || zero64(a))
            return r;
    }
    VFP_RETURN(fp_div(&F64, a, b, &ctx));
}

uint64_t helper_vfp_sqrts(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain32(a) && !((uint32_t)a >> 31))
        return bits_f32(__builtin_sqrtf(f32_of(a)));
    VFP_RETURN(fp_sqrt(&F32, (uint32_t)a, &ctx));
}

uint64_t helper_vfp_sqrtd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    VFP_BEGIN;
    if (fast_mode(cpu) && plain64(a) && !(a >> 63))
        return bits_f64(__builtin_sqrt(f64_of(a)));
    VFP_RETURN(fp_sqrt(&F64, a, &ctx));
}

uint64_t helper_vfp_fmas(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    if (fast_mode(cpu) && plain32(a) && plain32(b) && plain32(c)) {
        uint32_t r = bits_f32(fmaf(f32_of(b), f32_of(c), f32_of(a)));
        if (safe32(r))
            return r;
    }
    VFP_RETURN(fp_muladd(&F32, (uint32_t)a, (uint32_t)b, (uint32_t)c, &ctx));
}

uint64_t helper_vfp_fmad(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    if (fast_mode(cpu) && plain64(a) && plain64(b) && plain64(c)) {
        uint64_t r = bits_f64(fma(f64_of(b), f64_of(c), f64_of(a)));
        if (safe64(r))
            return r;
    }
    VFP_RETURN(fp_muladd(&F64, a, b, c, &ctx));
}

uint64_t helper_vfp_cmps(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    uint32_t nzcv = fp_compare(&F32, (uint32_t)a, (uint32_t)b, c != 0, &ctx);
    cpu->fpscr = (cpu->fpscr & ~VFP_FPSCR_NZCV_MASK) | nzcv << 28 | ctx.exc;
    return 0;
}

uint64_t helper_vfp_cmpd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    uint32_t nzcv = fp_compare(&F64, a, b, c != 0, &ctx);
    cpu->fpscr = (cpu->fpscr & ~VFP_FPSCR_NZCV_MASK) | nzcv << 28 | ctx.exc;
    return 0;
}

uint64_t helper_vfp_cvtds(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    VFP_BEGIN;
    if (VFP_HOST_FAST && plain32(a))
        return bits_f64((double)f32_of(a)); /* exact, no exceptions */
    VFP_RETURN(fp_convert(&F32, &F64, (uint32_t)a, &ctx));
}

uint64_t helper_vfp_cvtsd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    VFP_BEGIN;
    if (VFP_HOST_FAST && ctx.rmode == RM_NEAREST && plain64(a)) {
        double d = f64_of(a);
        float r = (float)d;
        if (safe32(bits_f32(r)) || d == 0) {
            if ((double)r != d)
                cpu->fpscr |= VFP_FPSCR_IXC;
            return bits_f32(r);
        }
    }
    VFP_RETURN(fp_convert(&F64, &F32, a, &ctx));
}

uint64_t helper_vfp_cvths(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    VFP_BEGIN;
    VFP_RETURN(fp_convert(&F16, &F32, (uint16_t)a, &ctx));
}

uint64_t helper_vfp_cvtsh(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    VFP_BEGIN;
    VFP_RETURN(fp_convert(&F32, &F16, (uint32_t)a, &ctx));
}

uint64_t helper_vfp_tofixs(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    VFP_RETURN(fp_tofix(&F32, (uint32_t)a, (unsigned)b, (unsigned)c, &ctx));
}

uint64_t helper_vfp_tofixd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    VFP_RETURN(fp_tofix(&F64, a, (unsigned)b, (unsigned)c, &ctx));
}

uint64_t helper_vfp_fromfixs(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    VFP_RETURN(fp_fromfix(&F32, a, (unsigned)b, (unsigned)c, &ctx));
}

uint64_t helper_vfp_fromfixd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    VFP_BEGIN;
    VFP_RETURN(fp_fromfix(&F64, a, (unsigned)b, (unsigned)c, &ctx));
}
