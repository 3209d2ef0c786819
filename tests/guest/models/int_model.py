#!/usr/bin/env python3
"""Independent model of the flag-setting ALU ops and register shifts checked in
int_arith.c. Usage: int_model.py golden/int_arith.out"""
import sys
M = 0xffffffff


def pf(s): return sum((8 >> i) for i, c in enumerate(s) if c != '-')
def nz(r): return (8 if r >> 31 else 0) | (4 if r == 0 else 0)
def s32(x): return x - (1 << 32) if x >> 31 else x


def addc(a, b, c):
    u = a + b + c
    r = u & M
    v = not (-(1 << 31) <= s32(a) + s32(b) + c < (1 << 31))
    return r, nz(r) | (2 if u >> 32 else 0) | (1 if v else 0)


def logic(r, fin): return r, nz(r) | (fin & 3)


def shift(kind, x, s, C):
    if s == 0:
        return x, C
    if kind == 'lsl':
        if s < 32: return (x << s) & M, (x >> (32 - s)) & 1
        return 0, (x & 1 if s == 32 else 0)
    if kind == 'lsr':
        if s < 32: return x >> s, (x >> (s - 1)) & 1
        return 0, (x >> 31 if s == 32 else 0)
    if kind == 'asr':
        if s < 32: return (s32(x) >> s) & M, (s32(x) >> (s - 1)) & 1
        return (s32(x) >> 31) & M, x >> 31
    k = s % 32
    if k == 0:
        return x, x >> 31
    r = ((x >> k) | (x << (32 - k))) & M
    return r, r >> 31


bad = n = 0
sect = ''
for line in open(sys.argv[1]):
    if line.startswith('=='):
        sect = line
        continue
    t = line.split()
    if sect.startswith('== flag-setting'):
        a, b, fin = int(t[0], 16), int(t[1], 16), pf(t[2][3:])
        C = (fin >> 1) & 1
        exp = [addc(a, b, 0), addc(a, b, C), addc(a, ~b & M, 1), addc(a, ~b & M, C),
               addc(b, ~a & M, 1), logic(a & b, fin), logic(a ^ b, fin), logic(a & ~b & M, fin)]
        got = [(int(t[i].split('=')[1], 16), pf(t[i + 1])) for i in range(3, 19, 2)]
        for e, g in zip(exp, got):
            n += 1
            if e != g:
                bad += 1
                print('MISMATCH', line.strip(), e, g)
    elif sect.startswith('== register shifts'):
        x, s, fin = int(t[0], 16), int(t[2], 16) & 0xff, pf(t[3][3:])
        for i, kind in enumerate(['lsl', 'lsr', 'asr', 'ror']):
            r, c = shift(kind, x, s, (fin >> 1) & 1)
            exp = (r, nz(r) | (c << 1) | (fin & 1))
            got = (int(t[4 + 2 * i].split('=')[1], 16), pf(t[5 + 2 * i]))
            n += 1
            if exp != got:
                bad += 1
                print('MISMATCH', kind, line.strip(), exp, got)
print('int model: checked', n, 'mismatches', bad)
sys.exit(1 if bad or not n else 0)
