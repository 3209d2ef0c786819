#!/usr/bin/env python3
"""Exact-rational IEEE model (ARM NaN rules, FZ=0, round-to-nearest,
tininess before rounding) for the single/double arithmetic grid in vfp.c.
Usage: vfp_model.py golden/vfp.out"""
import sys
from fractions import Fraction as F
FMT = {32: (8, 23), 64: (11, 52)}


def decode(bits, w):
    eb, mb = FMT[w]
    sign = bits >> (w - 1)
    e = (bits >> mb) & ((1 << eb) - 1)
    m = bits & ((1 << mb) - 1)
    bias = (1 << (eb - 1)) - 1
    if e == (1 << eb) - 1:
        if m == 0:
            return ('inf', sign)
        return ('qnan' if m >> (mb - 1) else 'snan', sign)
    v = F(m) * F(2) ** (1 - bias - mb) if e == 0 else F(m + (1 << mb)) * F(2) ** (e - bias - mb)
    return ('num', -v if sign else v, sign)


def log2floor(x):
    e = x.numerator.bit_length() - x.denominator.bit_length()
    while F(2) ** e > x: e -= 1
    while F(2) ** (e + 1) <= x: e += 1
    return e


def rnd(x, w, neg_zero=False):
    eb, mb = FMT[w]
    bias = (1 << (eb - 1)) - 1
    emin, emax = 1 - bias, bias
    fl = set()
    if x == 0:
        return ((1 << (w - 1)) if neg_zero else 0), fl
    s = 1 if x < 0 else 0
    a = abs(x)
    tiny = a < F(2) ** emin
    q = F(2) ** ((emin if tiny else log2floor(a)) - mb)
    t = a / q
    n = t.numerator // t.denominator
    r = t - n
    if r > F(1, 2) or (r == F(1, 2) and n % 2 == 1):
        n += 1
    v = n * q
    if v != a:
        fl.add('X')
        if tiny:
            fl.add('U')
    if v >= F(2) ** (emax + 1):
        return (s << (w - 1)) | (((1 << eb) - 1) << mb), {'O', 'X'}
    if v == 0:
        return s << (w - 1), fl
    if v < F(2) ** emin:
        return (s << (w - 1)) | int(v / F(2) ** (emin - mb)), fl
    E = log2floor(v)
    return (s << (w - 1)) | ((E + bias) << mb) | int(v / F(2) ** (E - mb) - (1 << mb)), fl


def quiet(bits, w): return bits | (1 << (FMT[w][1] - 1))
def dnan(w): return 0x7fc00000 if w == 32 else 0x7ff8000000000000
def inf(s, w): return (s << (w - 1)) | (((1 << FMT[w][0]) - 1) << FMT[w][1])


def op(name, a, b, w):
    A, B = decode(a, w), decode(b, w)
    if A[0] == 'snan': return quiet(a, w), {'I'}
    if B[0] == 'snan': return quiet(b, w), {'I'}
    if A[0] == 'qnan': return a, set()
    if B[0] == 'qnan': return b, set()
    sa, sb = A[-1], B[-1]
    if name == 'sub':
        sb ^= 1
        B = ('inf', sb) if B[0] == 'inf' else ('num', -B[1], sb)
        name = 'add'
    if name == 'add':
        if A[0] == 'inf' and B[0] == 'inf':
            return (inf(sa, w), set()) if sa == sb else (dnan(w), {'I'})
        if A[0] == 'inf': return inf(sa, w), set()
        if B[0] == 'inf': return inf(sb, w), set()
        x = A[1] + B[1]
        return rnd(x, w, x == 0 and sa == 1 and sb == 1)
    s = sa ^ sb
    if name == 'mul':
        if A[0] == 'inf' or B[0] == 'inf':
            if (A[0] == 'num' and A[1] == 0) or (B[0] == 'num' and B[1] == 0):
                return dnan(w), {'I'}
            return inf(s, w), set()
        return rnd(A[1] * B[1], w, s == 1)
    if name == 'div':
        if A[0] == 'inf' and B[0] == 'inf': return dnan(w), {'I'}
        if A[0] == 'inf': return inf(s, w), set()
        if B[0] == 'inf': return s << (w - 1), set()
        if B[1] == 0:
            return (dnan(w), {'I'}) if A[1] == 0 else (inf(s, w), {'Z'})
        return rnd(A[1] / B[1], w, s == 1)


def fs(fl): return ''.join(c if c in fl else '-' for c in 'IZOUX')


bad = n = 0
sect = ''
for line in open(sys.argv[1]):
    if line.startswith('=='):
        sect = line
        continue
    if not (sect.startswith('== single arithmetic') or sect.startswith('== double arithmetic')):
        continue
    w = 32 if 'single' in sect else 64
    t = line.split()
    a, b, res = int(t[0], 16), int(t[1], 16), t[3:]
    for k, nm in enumerate(['add', 'sub', 'mul', 'div', 'nmul']):
        if nm == 'nmul':
            eb_, ef = op('mul', a, b, w)
            eb_ ^= 1 << (w - 1)
        else:
            eb_, ef = op(nm, a, b, w)
        n += 1
        if int(res[2 * k], 16) != eb_ or res[2 * k + 1] != fs(ef):
            bad += 1
            print('MISMATCH', w, nm, t[0], t[1], 'got', res[2 * k], res[2 * k + 1], 'exp', hex(eb_), fs(ef))
print('vfp model: checked', n, 'mismatches', bad)
sys.exit(1 if bad or not n else 0)
