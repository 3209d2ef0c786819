/*
 * GBA BIOS arithmetic and affine functions: Div, Sqrt, ArcTan, ArcTan2,
 * the sine table, BgAffineSet and ObjAffineSet (GBATEK "BIOS Arithmetic
 * Functions", "BIOS Rotation/Scaling Functions").
 */
#include <math.h>

#include "devices/gba_bios.h"

/* A guest passing a huge count would keep the host busy for minutes; no
 * game needs more matrices than there are OBJs and BGs, many times over. */
#define MAX_AFFINE_ENTRIES 0x10000u

/* The BIOS computes with 32-bit MUL and ASR: products wrap, and right
 * shifts of negative values round towards minus infinity. */
static int32_t mul32(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a * (uint32_t)b);
}

static int32_t asr32(int32_t v, unsigned n)
{
    return v >= 0 ? (int32_t)((uint32_t)v >> n) : (int32_t)~(~(uint32_t)v >> n);
}

static int32_t shl32(int32_t v, unsigned n)
{
    return (int32_t)((uint32_t)v << n);
}

/* Division by zero hangs the real BIOS (GBATEK).  We must return, so we
 * give quotient sign(num) (1 for 0), remainder num, |quotient| 1: the
 * values a restoring divider stopped after one step would leave. */
GbaDivResult gba_bios_div(int32_t num, int32_t den)
{
    GbaDivResult d;
    if (den == 0) {
        d.quot = num < 0 ? -1 : 1;
        d.rem = num;
    } else if (num == INT32_MIN && den == -1) {
        d.quot = INT32_MIN; /* the ARM result wraps; C's would be undefined */
        d.rem = 0;
    } else {
        d.quot = num / den;
        d.rem = num % den;
    }
    d.abs_quot = d.quot < 0 ? 0u - (uint32_t)d.quot : (uint32_t)d.quot;
    return d;
}

/* floor(sqrt(x)), digit by digit so no floating point rounding enters. */
uint16_t gba_bios_sqrt(uint32_t x)
{
    uint32_t root = 0;
    uint32_t bit = 1u << 30;
    while (bit > x)
        bit >>= 2;
    while (bit) {
        if (x >= root + bit) {
            x -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return (uint16_t)root;
}

/* The BIOS's odd polynomial in t = tan (1.14 fixed), evaluated by Horner's
 * rule in -t^2 with a 14-bit shift after every product; the result is in
 * units of 2pi/0x10000 (0x4000 = pi/2).  These are the coefficients of the
 * BIOS routine; at t = 1 they give exactly 0x2000 (pi/4). */
int32_t gba_bios_arctan(int32_t t)
{
    static const int32_t coeff[] = {0x390, 0x91c, 0xfb6, 0x16aa, 0x2081, 0x3651, 0xa2f9};
    int32_t minus_t2 = -asr32(mul32(t, t), 14);
    int32_t poly = 0xa9;
    for (unsigned k = 0; k < sizeof coeff / sizeof coeff[0]; k++)
        poly = asr32(mul32(poly, minus_t2), 14) + coeff[k];
    return asr32(mul32(t, poly), 16);
}

/* tan of the smaller angle to an axis as 1.14 fixed, by the BIOS's Div. */
static int32_t ratio_q14(int32_t num, int32_t den)
{
    return gba_bios_div(shl32(num, 14), den).quot;
}

/* Angle of (x, y), 0..0xffff for 0..2pi.  ArcTan is only accurate for
 * |tan| <= 1, so each octant uses y/x or x/y, whichever is smaller, and
 * adds the octant's base angle. */
uint16_t gba_bios_arctan2(int32_t x, int32_t y)
{
    int32_t angle;
    if (y == 0)
        angle = x >= 0 ? 0 : 0x8000;
    else if (x == 0)
        angle = y >= 0 ? 0x4000 : 0xc000;
    else if (y > 0 && x > 0 && x >= y)
        angle = gba_bios_arctan(ratio_q14(y, x));
    else if (y > 0 && x < 0 && -(int64_t)x >= y)
        angle = gba_bios_arctan(ratio_q14(y, x)) + 0x8000;
    else if (y > 0)
        angle = 0x4000 - gba_bios_arctan(ratio_q14(x, y));
    else if (x < 0 && -(int64_t)x > -(int64_t)y)
        angle = gba_bios_arctan(ratio_q14(y, x)) + 0x8000;
    else if (x > 0 && x >= -(int64_t)y)
        angle = gba_bios_arctan(ratio_q14(y, x)) + 0x10000;
    else
        angle = 0xc000 - gba_bios_arctan(ratio_q14(x, y));
    return (uint16_t)angle;
}

/* The BIOS table holds sin(2pi i / 256) as 1.14 fixed, rounded to nearest
 * (entry 1 = 0x0192, entry 64 = 0x4000).  No entry lies near a half, so
 * the host's sin() reproduces it exactly. */
int16_t gba_bios_sine(unsigned index)
{
    return (int16_t)lround(sin((double)(index & 0xff) * M_PI / 128.0) * 16384.0);
}

/* The four parameters of a scale-then-rotate matrix, 8.8 fixed:
 * [pa pb; pc pd] = [sx cos, -sx sin; sy sin, sy cos], angle's top 8 bits. */
typedef struct AffineMatrix {
    int32_t pa, pb, pc, pd;
} AffineMatrix;

static AffineMatrix rotscale(int16_t sx, int16_t sy, uint16_t angle)
{
    int32_t s = gba_bios_sine(angle >> 8);
    int32_t c = gba_bios_sine((angle >> 8) + 64);
    AffineMatrix m = {
        .pa = asr32(mul32(sx, c), 14),
        .pb = asr32(mul32(-sx, s), 14),
        .pc = asr32(mul32(sy, s), 14),
        .pd = asr32(mul32(sy, c), 14),
    };
    return m;
}

static int16_t rd_s16(const GbaBiosBus *bus, uint32_t addr)
{
    return (int16_t)gba_bios_rd(bus, addr, 2);
}

static uint32_t entries(uint32_t count)
{
    return count < MAX_AFFINE_ENTRIES ? count : MAX_AFFINE_ENTRIES;
}

/* Source entries are 20 bytes (s32 centre x, y; s16 display x, y, scale x,
 * y; u16 angle; 2 bytes padding), destinations 16 (PA..PD, X, Y). */
uint32_t gba_bios_bg_affine_set(const GbaBiosBus *bus, uint32_t src, uint32_t dst, uint32_t count)
{
    uint32_t n = entries(count);
    for (uint32_t i = 0; i < n; i++, src += 20, dst += 16) {
        int32_t centre_x = (int32_t)gba_bios_rd(bus, src, 4);
        int32_t centre_y = (int32_t)gba_bios_rd(bus, src + 4, 4);
        int32_t disp_x = rd_s16(bus, src + 8);
        int32_t disp_y = rd_s16(bus, src + 10);
        AffineMatrix m = rotscale(rd_s16(bus, src + 12), rd_s16(bus, src + 14), (uint16_t)gba_bios_rd(bus, src + 16, 2));
        /* The screen point (disp_x, disp_y) must map to the texture centre. */
        int32_t start_x = centre_x - (mul32(m.pa, disp_x) + mul32(m.pb, disp_y));
        int32_t start_y = centre_y - (mul32(m.pc, disp_x) + mul32(m.pd, disp_y));
        gba_bios_wr(bus, dst, (uint16_t)m.pa, 2);
        gba_bios_wr(bus, dst + 2, (uint16_t)m.pb, 2);
        gba_bios_wr(bus, dst + 4, (uint16_t)m.pc, 2);
        gba_bios_wr(bus, dst + 6, (uint16_t)m.pd, 2);
        gba_bios_wr(bus, dst + 8, (uint32_t)start_x, 4);
        gba_bios_wr(bus, dst + 12, (uint32_t)start_y, 4);
    }
    return GBA_BIOS_MIN_CYCLES + 60 * n;
}

/* Source entries are 8 bytes (s16 scale x, y; u16 angle; padding); the four
 * parameters go `stride` bytes apart (2 packed, 8 into OAM). */
uint32_t gba_bios_obj_affine_set(const GbaBiosBus *bus, uint32_t src, uint32_t dst, uint32_t count,
                                 uint32_t stride)
{
    uint32_t n = entries(count);
    for (uint32_t i = 0; i < n; i++, src += 8) {
        AffineMatrix m = rotscale(rd_s16(bus, src), rd_s16(bus, src + 2), (uint16_t)gba_bios_rd(bus, src + 4, 2));
        const int32_t params[4] = {m.pa, m.pb, m.pc, m.pd};
        for (unsigned k = 0; k < 4; k++, dst += stride)
            gba_bios_wr(bus, dst, (uint16_t)params[k], 2);
    }
    return GBA_BIOS_MIN_CYCLES + 40 * n;
}
