#!/usr/bin/env python3
"""Independent model of the ARMv6 media instructions checked in bits.c.
Usage: bits_model.py golden/bits.out  -> verifies the 3-operand, 4-operand and
long-accumulate sections (results, Q flag, GE bits)."""
import re, sys
M = 0xffffffff
vals = [0x00000000, 0xffffffff, 0x7fff8000, 0x80007fff, 0x01020304, 0xff80017f, 0x12345678,
        0xfedcba98, 0x7f7f7f7f, 0x80808080, 0x00010001]


def sx(v, b):
    v &= (1 << b) - 1
    return v - (1 << b) if v >> (b - 1) else v


def h(v, i): return (v >> (16 * i)) & 0xffff
def by(v, i): return (v >> (8 * i)) & 0xff


def ssat(x, b):
    lo, hi = -(1 << (b - 1)), (1 << (b - 1)) - 1
    return min(max(x, lo), hi), x < lo or x > hi


def usat(x, b):
    hi = (1 << b) - 1
    return min(max(x, 0), hi), x < 0 or x > hi


def par(a, b, n, op):
    r = ge = 0
    for i in range(32 // n):
        x = (a >> (n * i)) & ((1 << n) - 1)
        res, g = op(i, x)
        r |= (res & ((1 << n) - 1)) << (n * i)
        if g is not None:
            ge |= ((3 if g else 0) << (2 * i)) if n == 16 else ((1 if g else 0) << i)
    return r, ge


def mk(n, signed, kind, pattern):
    def f(a, b):
        def op(i, x):
            sgn, bi = pattern(i)
            y = (b >> (n * bi)) & ((1 << n) - 1)
            xv, yv = (sx(x, n), sx(y, n)) if signed else (x, y)
            s = xv + yv if sgn == '+' else xv - yv
            if kind == 'plain':
                g = (s >= 0) if signed or sgn == '-' else (s >= (1 << n))
                return s, g
            if kind == 'q':
                return (ssat(s, n)[0] if signed else usat(s, n)[0]), None
            return s >> 1, None
        return par(a, b, n, op)
    return f


def same(sg): return lambda i: (sg, i)
def asx(i): return ('-', 1) if i == 0 else ('+', 0)
def sax(i): return ('+', 1) if i == 0 else ('-', 0)


ops = {}
for pre, signed, kind in [('s', 1, 'plain'), ('u', 0, 'plain'), ('q', 1, 'q'), ('uq', 0, 'q'),
                          ('sh', 1, 'h'), ('uh', 0, 'h')]:
    ops[pre + 'add16'] = mk(16, signed, kind, same('+'))
    ops[pre + 'add8'] = mk(8, signed, kind, same('+'))
    ops[pre + 'sub16'] = mk(16, signed, kind, same('-'))
    ops[pre + 'sub8'] = mk(8, signed, kind, same('-'))
    ops[pre + 'asx'] = mk(16, signed, kind, asx)
    ops[pre + 'sax'] = mk(16, signed, kind, sax)


def qadd(a, b): return ssat(sx(a, 32) + sx(b, 32), 32)
def qsub(a, b): return ssat(sx(a, 32) - sx(b, 32), 32)


def qdadd(a, b):
    d, q1 = ssat(2 * sx(b, 32), 32)
    r, q2 = ssat(sx(a, 32) + d, 32)
    return r, q1 or q2


def qdsub(a, b):
    d, q1 = ssat(2 * sx(b, 32), 32)
    r, q2 = ssat(sx(a, 32) - d, 32)
    return r, q1 or q2


def ovf(x): return x & M, not (-(1 << 31) <= x < (1 << 31))
def swap(v): return ((v & 0xffff) << 16) | (v >> 16)
def smuad(a, b): return ovf(sx(h(a, 0), 16) * sx(h(b, 0), 16) + sx(h(a, 1), 16) * sx(h(b, 1), 16))
def smusd(a, b): return (sx(h(a, 0), 16) * sx(h(b, 0), 16) - sx(h(a, 1), 16) * sx(h(b, 1), 16)) & M, False


q_ops = {
    'qadd': qadd, 'qsub': qsub, 'qdadd': qdadd, 'qdsub': qdsub,
    'smuad': smuad, 'smuadx': lambda a, b: smuad(a, swap(b)),
    'smusd': smusd, 'smusdx': lambda a, b: smusd(a, swap(b)),
    'smmul': lambda a, b: ((sx(a, 32) * sx(b, 32)) >> 32, False),
    'smmulr': lambda a, b: ((sx(a, 32) * sx(b, 32) + 0x80000000) >> 32, False),
    'smulbb': lambda a, b: (sx(h(a, 0), 16) * sx(h(b, 0), 16), False),
    'smulbt': lambda a, b: (sx(h(a, 0), 16) * sx(h(b, 1), 16), False),
    'smultb': lambda a, b: (sx(h(a, 1), 16) * sx(h(b, 0), 16), False),
    'smultt': lambda a, b: (sx(h(a, 1), 16) * sx(h(b, 1), 16), False),
    'smulwb': lambda a, b: ((sx(a, 32) * sx(h(b, 0), 16)) >> 16, False),
    'smulwt': lambda a, b: ((sx(a, 32) * sx(h(b, 1), 16)) >> 16, False),
    'sxtab': lambda a, b: (a + sx(by(b, 0), 8), False),
    'sxtah': lambda a, b: (a + sx(h(b, 0), 16), False),
    'sxtab16': lambda a, b: (((h(a, 0) + sx(by(b, 0), 8)) & 0xffff) |
                             (((h(a, 1) + sx(by(b, 2), 8)) & 0xffff) << 16), False),
    'uxtab': lambda a, b: (a + by(b, 0), False),
    'uxtah': lambda a, b: (a + h(b, 0), False),
    'uxtab16': lambda a, b: (((h(a, 0) + by(b, 0)) & 0xffff) |
                             (((h(a, 1) + by(b, 2)) & 0xffff) << 16), False),
    'mul': lambda a, b: (a * b, False),
    'usad8': lambda a, b: (sum(abs(by(a, i) - by(b, i)) for i in range(4)), False),
}


def ops4(name, a, b, c):
    A = sx(c, 32)
    if name in ('smlad', 'smladx', 'smlsd', 'smlsdx'):
        bb = swap(b) if name.endswith('x') else b
        p0 = sx(h(a, 0), 16) * sx(h(bb, 0), 16)
        p1 = sx(h(a, 1), 16) * sx(h(bb, 1), 16)
        return ovf(A + p0 + p1 if name.startswith('smlad') else A + p0 - p1)
    p = sx(a, 32) * sx(b, 32)
    if name == 'smmla': return (((A << 32) + p) >> 32) & M, False
    if name == 'smmlar': return (((A << 32) + p + 0x80000000) >> 32) & M, False
    if name == 'smmls': return (((A << 32) - p) >> 32) & M, False
    if name == 'smmlsr': return (((A << 32) - p + 0x80000000) >> 32) & M, False
    if name in ('smlabb', 'smlabt', 'smlatb', 'smlatt'):
        return ovf(A + sx(h(a, name[4] == 't'), 16) * sx(h(b, name[5] == 't'), 16))
    if name in ('smlawb', 'smlawt'):
        return ovf(A + ((sx(a, 32) * sx(h(b, name[5] == 't'), 16)) >> 16))
    if name == 'usada8': return (c + sum(abs(by(a, i) - by(b, i)) for i in range(4))) & M, False
    if name == 'mla': return (c + a * b) & M, False
    if name == 'mls': return (c - a * b) & M, False
    raise KeyError(name)


def opsl(name, a, b, acc):
    A = sx(acc, 64)
    if name in ('smlald', 'smlaldx', 'smlsld', 'smlsldx'):
        bb = swap(b) if name.endswith('x') else b
        p0 = sx(h(a, 0), 16) * sx(h(bb, 0), 16)
        p1 = sx(h(a, 1), 16) * sx(h(bb, 1), 16)
        return (A + p0 + p1 if 'lald' in name else A + p0 - p1) & 0xffffffffffffffff
    x = sx(h(a, name[5] == 't'), 16)
    y = sx(h(b, name[6] == 't'), 16)
    return (A + x * y) & 0xffffffffffffffff


bad = checked = 0
sect = ''
for line in open(sys.argv[1]):
    line = line.rstrip('\n')
    if line.startswith('=='):
        sect = line
        continue
    if line == 'done':
        continue
    if sect.startswith('== 3-operand'):
        m = re.match(r'(\w+) ([0-9a-f]{8}):(.*)', line)
        name, a = m.group(1), int(m.group(2), 16)
        for j, it in enumerate(m.group(3).split()):
            it = re.sub(r'\[.*\]', '', it)
            r, qge = it.split('/')
            r, q, ge = int(r, 16), int(qge[0]), int(qge[1], 16)
            b = vals[j]
            if name in ops:
                er, ege = ops[name](a, b)
                eq = 0
            elif name == 'sel':
                er, ege, eq = b, 0, 0  # GE=0 on entry: every byte from the second operand
            else:
                er, eqb = q_ops[name](a, b)
                ege, eq = 0, int(eqb)
            checked += 1
            if (er & M) != r or ege != ge or eq != q:
                bad += 1
                print('MISMATCH', name, hex(a), hex(b), 'got', hex(r), q, ge, 'exp', hex(er & M), eq, ege)
    elif sect.startswith('== 4-operand'):
        m = re.match(r'(\w+) acc=([0-9a-f]{8}) ([0-9a-f]{8}):(.*)', line)
        name, c, a = m.group(1), int(m.group(2), 16), int(m.group(3), 16)
        for j, it in enumerate(m.group(4).split()):
            r, q = it.split('/')
            er, eq = ops4(name, a, vals[j], c)
            checked += 1
            if (er & M) != int(r, 16) or int(eq) != int(q):
                bad += 1
                print('MISMATCH', name, hex(c), hex(a), hex(vals[j]), 'got', r, q, 'exp', hex(er & M), int(eq))
    elif sect.startswith('== long'):
        m = re.match(r'(\w+) ([0-9a-f]{8}):(.*)', line)
        name, a = m.group(1), int(m.group(2), 16)
        for j, it in enumerate(m.group(3).split()):
            er = opsl(name, a, vals[j], 0x7ffffffffffffff0)
            checked += 1
            if int(it, 16) != er:
                bad += 1
                print('MISMATCH', name, hex(a), hex(vals[j]), it, hex(er))
print('bits model: checked', checked, 'mismatches', bad)
sys.exit(1 if bad or not checked else 0)
