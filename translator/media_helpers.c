/*
 * ARMv6 media helpers: parallel add/subtract (S, Q, SH, U, UQ, UH prefixes
 * on ADD16, ASX, SAX, SUB16, ADD8, SUB8), QADD/QSUB/QDADD/QDSUB, the
 * SSAT/USAT family and USAD8.  Semantics follow the ARM ARM pseudocode:
 * every lane is computed exactly, then wrapped, saturated or halved.
 */
#include <stdbool.h>

#include "frontend/arm_cpu.h"
#include "translator/helpers.h"

/* --- saturation -------------------------------------------------------- */

/* SignedSat(v, n) for n in 1..32; *sat set when v was out of range. */
static int64_t sat_s(int64_t v, unsigned n, bool *sat)
{
    int64_t max = ((int64_t)1 << (n - 1)) - 1, min = -((int64_t)1 << (n - 1));
    if (v > max) {
        *sat = true;
        return max;
    }
    if (v < min) {
        *sat = true;
        return min;
    }
    return v;
}

/* UnsignedSat(v, n) for n in 0..31. */
static int64_t sat_u(int64_t v, unsigned n, bool *sat)
{
    int64_t max = ((int64_t)1 << n) - 1;
    if (v > max) {
        *sat = true;
        return max;
    }
    if (v < 0) {
        *sat = true;
        return 0;
    }
    return v;
}

/* --- parallel add/subtract --------------------------------------------- */

enum { PK_S, PK_Q, PK_SH, PK_U, PK_UQ, PK_UH };
enum { PO_ADD16, PO_ASX, PO_SAX, PO_SUB16, PO_ADD8, PO_SUB8 };

static int32_t lane(uint32_t x, unsigned i, unsigned bits, bool sgn)
{
    uint32_t v = (x >> (i * bits)) & ((1u << bits) - 1);
    if (sgn && (v >> (bits - 1)))
        return (int32_t)v - (int32_t)(1u << bits);
    return (int32_t)v;
}

static uint32_t parallel(ArmCpu *cpu, uint32_t a, uint32_t b, int kind, int op)
{
    unsigned bits = op >= PO_ADD8 ? 8 : 16, lanes = 32 / bits;
    bool sgn = kind == PK_S || kind == PK_Q || kind == PK_SH;
    uint32_t res = 0, ge = 0;
    for (unsigned i = 0; i < lanes; i++) {
        unsigned j = i; /* lane of b */
        bool sub;
        switch (op) {
        case PO_ASX: j = i ^ 1, sub = i == 0; break; /* lo = a.lo - b.hi, hi = a.hi + b.lo */
        case PO_SAX: j = i ^ 1, sub = i == 1; break; /* lo = a.lo + b.hi, hi = a.hi - b.lo */
        case PO_SUB16:
        case PO_SUB8: sub = true; break;
        default: sub = false; break;
        }
        int32_t x = lane(a, i, bits, sgn), y = lane(b, j, bits, sgn);
        int32_t r = sub ? x - y : x + y;
        bool g = false, sat = false;
        switch (kind) {
        case PK_S: g = r >= 0; break;
        case PK_U: g = sub ? r >= 0 : r >= (int32_t)(1u << bits); break;
        case PK_Q: r = (int32_t)sat_s(r, bits, &sat); break;
        case PK_UQ: r = (int32_t)sat_u(r, bits, &sat); break;
        default: r >>= 1; break; /* SH, UH: exact result halved */
        }
        res |= ((uint32_t)r & ((1u << bits) - 1)) << (i * bits);
        if (g)
            ge |= (bits == 16 ? 3u : 1u) << (i * bits / 8);
    }
    if (kind == PK_S || kind == PK_U)
        cpu->ge = ge;
    return res;
}

#define PARALLEL_HELPER(pfx, kind, name, op)                                   \
    uint64_t helper_##pfx##name(void *env, uint64_t a, uint64_t b, uint64_t c) \
    {                                                                          \
        (void)c;                                                               \
        return parallel(env, (uint32_t)a, (uint32_t)b, kind, op);              \
    }

#define PARALLEL_SET(pfx, kind)                                                \
    PARALLEL_HELPER(pfx, kind, add16, PO_ADD16)                                \
    PARALLEL_HELPER(pfx, kind, asx, PO_ASX)                                    \
    PARALLEL_HELPER(pfx, kind, sax, PO_SAX)                                    \
    PARALLEL_HELPER(pfx, kind, sub16, PO_SUB16)                                \
    PARALLEL_HELPER(pfx, kind, add8, PO_ADD8)                                  \
    PARALLEL_HELPER(pfx, kind, sub8, PO_SUB8)

PARALLEL_SET(s, PK_S)
PARALLEL_SET(q, PK_Q)
PARALLEL_SET(sh, PK_SH)
PARALLEL_SET(u, PK_U)
PARALLEL_SET(uq, PK_UQ)
PARALLEL_SET(uh, PK_UH)

/* --- QADD, QSUB, QDADD, QDSUB ------------------------------------------ */

static uint64_t set_q(void *env, bool sat, int64_t v)
{
    if (sat)
        ((ArmCpu *)env)->qf = 1;
    return (uint32_t)v;
}

/* a = Rm, b = Rn */
uint64_t helper_qadd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t r = sat_s((int64_t)(int32_t)a + (int32_t)b, 32, &sat);
    return set_q(env, sat, r);
}

uint64_t helper_qsub(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t r = sat_s((int64_t)(int32_t)a - (int32_t)b, 32, &sat);
    return set_q(env, sat, r);
}

uint64_t helper_qdadd(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t d = sat_s(2 * (int64_t)(int32_t)b, 32, &sat);
    int64_t r = sat_s((int64_t)(int32_t)a + d, 32, &sat);
    return set_q(env, sat, r);
}

uint64_t helper_qdsub(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t d = sat_s(2 * (int64_t)(int32_t)b, 32, &sat);
    int64_t r = sat_s((int64_t)(int32_t)a - d, 32, &sat);
    return set_q(env, sat, r);
}

/* --- SSAT, USAT, SSAT16, USAT16 ---------------------------------------- */

uint64_t helper_ssat(void *env, uint64_t a, uint64_t n, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t r = sat_s((int32_t)a, (unsigned)n, &sat);
    return set_q(env, sat, r);
}

uint64_t helper_usat(void *env, uint64_t a, uint64_t n, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t r = sat_u((int32_t)a, (unsigned)n, &sat);
    return set_q(env, sat, r);
}

uint64_t helper_ssat16(void *env, uint64_t a, uint64_t n, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t lo = sat_s((int16_t)a, (unsigned)n, &sat);
    int64_t hi = sat_s((int16_t)(a >> 16), (unsigned)n, &sat);
    return set_q(env, sat, (int64_t)(((uint32_t)lo & 0xffff) | (uint32_t)hi << 16));
}

uint64_t helper_usat16(void *env, uint64_t a, uint64_t n, uint64_t c)
{
    (void)c;
    bool sat = false;
    int64_t lo = sat_u((int16_t)a, (unsigned)n, &sat);
    int64_t hi = sat_u((int16_t)(a >> 16), (unsigned)n, &sat);
    return set_q(env, sat, (int64_t)((uint32_t)lo | (uint32_t)hi << 16));
}

/* --- USAD8 ------------------------------------------------------------- */

uint64_t helper_usad8(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)env, (void)c;
    uint32_t sum = 0;
    for (unsigned i = 0; i < 32; i += 8) {
        int32_t d = (int32_t)((a >> i) & 0xff) - (int32_t)((b >> i) & 0xff);
        sum += (uint32_t)(d < 0 ? -d : d);
    }
    return sum;
}
