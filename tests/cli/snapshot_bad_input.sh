#!/bin/sh
# Bad snapshots given to `scion virt -loadvm`: files that are no snapshot,
# truncated ones, corrupt, unknown, newer or missing sections, fields out of
# range, a newer format, a machine or disk that does not fit, and option
# combinations that make no sense.  Each must be refused with exactly one
# line on stderr naming the problem (usage errors: that line and scion's
# "Try 'scion --help'."), a status from 1 to 123 (no crash, no sanitizer
# report, no hang) and no guest output.  A good snapshot, taken
# mid-run of the timer ROM, must resume to the ROM's PASS with the same
# state hash as an uninterrupted run.
# The snapshot stream is edited with a small python3 parser of the format
# of snapshot/stream.h (CRCs recomputed as snapshot/stream.c does).
# Usage: snapshot_bad_input.sh SCION ROM_DIR
# shellcheck disable=SC2086 # $BOOT and $RUN are option lists
set -eu
SCION=$1
ROM=$2/timer.elf
T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T"
pass=0
fail=0

# Deterministic runs: guest time from the instruction count, a fixed RTC and
# RNG, the interpreter alone (fast enough for a 3.3 million instruction ROM).
RUN="-jit off -jit-cache off"
BOOT="-m 16M -icount 2 -rtc-base 1790000000 -rng-seed 1"
# The timer ROM ends after about 3.3 million instructions (at -icount 2),
# most of them in WFI: 1,000,000 lands mid-run.
AT=1000000

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# refuse NAME LINES FRAGMENT COMMAND...: the command must fail with a status
# from 1 to 123, print 1 to LINES lines on stderr, one of them matching the
# grep pattern FRAGMENT, no sanitizer report, and nothing on stdout (the
# guest never ran).
refuse() {
    name=$1 maxl=$2 frag=$3
    shift 3
    rc=0
    timeout 20 "$@" </dev/null >"$T/out" 2>"$T/err" || rc=$?
    lines=$(grep -c . "$T/err" || true)
    if [ $rc -ge 1 ] && [ $rc -le 123 ] && [ "$lines" -ge 1 ] && [ "$lines" -le "$maxl" ] &&
        grep -q -- "$frag" "$T/err" && ! grep -q -i 'sanitizer\|runtime error' "$T/err" && [ ! -s "$T/out" ]; then
        ok "$name"
    else
        bad "$name (status $rc, $lines stderr lines, wanted '$frag'):"
        head -c 2000 "$T/err"
        [ ! -s "$T/out" ] || { echo "  stdout:"; head -5 "$T/out"; }
    fi
}

# resume NAME SNAPSHOT [OPTIONS...]: -loadvm must run the ROM to PASS with
# status 0; the state hash line goes to $T/hash.NAME.
resume() {
    name=$1 snap=$2
    shift 2
    rc=0
    timeout 60 "$SCION" virt -loadvm "$snap" $RUN -state-hash "$@" </dev/null >"$T/out" 2>"$T/err" || rc=$?
    if [ $rc -eq 0 ] && [ "$(tr -d '\r' <"$T/out" | tail -n 1)" = PASS ] &&
        grep '^scion: state sha256 ' "$T/err" >"$T/hash.$name"; then
        ok "$name"
    else
        bad "$name (status $rc):"
        tail -5 "$T/out"
        head -c 2000 "$T/err"
    fi
}

# python3 snap.py IN OUT EDIT ARGS...: a copy of snapshot IN with one edit;
# python3 snap.py IN - offsets: where things are, for truncating.
cat >"$T/snap.py" <<'EOF'
import struct, sys, zlib

def parse(data):
    assert data[:8] == b'SCIONSNP', 'not a snapshot'
    fmt, tlen = struct.unpack_from('<II', data, 8)
    text = data[16:16 + tlen]
    p = 16 + tlen + 4
    secs = []
    while data[p:p + 4] == b'SECT':
        start = p
        nlen, = struct.unpack_from('<H', data, p + 4)
        name = data[p + 6:p + 6 + nlen].decode()
        inst, ver, plen = struct.unpack_from('<IIQ', data, p + 6 + nlen)
        pay = p + 6 + nlen + 16
        secs.append({'name': name, 'inst': inst, 'ver': ver, 'payload': bytearray(data[pay:pay + plen]),
                     'start': start, 'payload_at': pay, 'crc': data[pay + plen:pay + plen + 4]})
        p = pay + plen + 4
    assert data[p:p + 4] == b'END.', 'no end marker at %d' % p
    return fmt, text, secs, p

def section_bytes(s, fix_crc=True):
    name = s['name'].encode()
    body = struct.pack('<H', len(name)) + name + struct.pack('<IIQ', s['inst'], s['ver'], len(s['payload']))
    body += bytes(s['payload'])
    crc = struct.pack('<I', zlib.crc32(body)) if fix_crc else s['crc']
    return b'SECT' + body + crc

def build(fmt, text, secs, keep_crc=()):
    out = b'SCIONSNP' + struct.pack('<II', fmt, len(text)) + text + struct.pack('<I', zlib.crc32(text))
    for s in secs:
        out += section_bytes(s, id(s) not in keep_crc)
    end = b'END.' + struct.pack('<I', len(secs))
    return out + end + struct.pack('<I', zlib.crc32(end))

def find(secs, spec):
    name, _, inst = spec.partition(':')
    for s in secs:
        if s['name'] == name and s['inst'] == int(inst or 0):
            return s
    sys.exit('snap.py: no section ' + spec)

src, dst, edit, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
data = open(src, 'rb').read()
fmt, text, secs, end_at = parse(data)
assert build(fmt, text, secs) == data, 'the parser does not reproduce the file'
keep = ()
if edit == 'offsets':
    s = find(secs, 'gic')
    print('header_text', 20)
    print('section_head', s['start'] + 8)
    print('section_payload', s['payload_at'] + len(s['payload']) // 2)
    print('before_end', end_at)
    print('in_end', end_at + 6)
    sys.exit(0)
elif edit == 'flip':                       # payload byte changed, CRC kept
    s = find(secs, args[0])
    s['payload'][len(s['payload']) // 2] ^= 0x40
    keep = (id(s),)
elif edit == 'rename':
    find(secs, args[0])['name'] = args[1]
elif edit == 'version':
    find(secs, args[0])['ver'] = int(args[1])
elif edit == 'drop':
    secs.remove(find(secs, args[0]))
elif edit == 'u32':                        # u32 at a payload offset
    struct.pack_into('<I', find(secs, args[0])['payload'], int(args[1]), int(args[2]))
elif edit == 'format':
    fmt = int(args[0])
elif edit == 'text':                       # header text byte changed, CRC kept
    out = bytearray(data)
    out[20] ^= 0x01
    open(dst, 'wb').write(out)
    sys.exit(0)
else:
    sys.exit('snap.py: unknown edit ' + edit)
open(dst, 'wb').write(build(fmt, text, secs, keep))
EOF
snap() { python3 "$T/snap.py" "$@"; }

# --- a good snapshot, and the uninterrupted reference run -------------------
rc=0
"$SCION" virt -kernel "$ROM" $BOOT $RUN -state-hash </dev/null >ref.out 2>ref.err || rc=$?
if [ $rc -ne 0 ] || [ "$(tr -d '\r' <ref.out | tail -n 1)" != PASS ]; then
    echo "FAIL reference run of $ROM (status $rc)"; cat ref.err; exit 1
fi
rc=0
"$SCION" virt -kernel "$ROM" $BOOT $RUN -snapshot-at $AT -snapshot-file good.snap </dev/null >save.out 2>save.err ||
    rc=$?
if [ $rc -eq 0 ] && [ -s good.snap ] && grep -q "^scion: snapshot saved at instruction" save.err &&
    ! grep -q PASS save.out; then
    ok "snapshot-at ($(sed -n 's/.*saved at instruction \([0-9]*\).*/\1/p' save.err) of $(
        sed -n 's/.* at instruction //p' ref.err) instructions)"
else
    bad "snapshot-at (status $rc)"; cat save.err; exit 1
fi
resume resume-good good.snap
if cmp -s ref.err "$T/hash.resume-good"; then
    ok "resumed state hash = uninterrupted run's"
else
    bad "resumed state hash differs from the uninterrupted run's:"; cat ref.err "$T/hash.resume-good"
fi
resume resume-same-m good.snap -m 16M -icount 2

# --- not a snapshot ------------------------------------------------------------
head -c 4096 /dev/urandom >random.bin
: >empty.snap
mkdir adir
refuse random-bytes 1 "not a scion snapshot" "$SCION" virt -loadvm random.bin
refuse empty-file 1 "not a scion snapshot" "$SCION" virt -loadvm empty.snap
refuse directory 1 "adir.*\(Is a directory\|not a scion snapshot\)" "$SCION" virt -loadvm adir
refuse nonexistent 1 "nope.snap.*No such file" "$SCION" virt -loadvm nope.snap
head -c 8 good.snap >magic-only.snap
refuse magic-only 1 "truncated" "$SCION" virt -loadvm magic-only.snap

# --- truncated -------------------------------------------------------------------
snap good.snap - offsets >cut-points.txt
while read -r where at; do
    head -c "$at" good.snap >"cut-$where.snap"
    refuse "truncated-$where" 1 "truncated" "$SCION" virt -loadvm "cut-$where.snap"
done <cut-points.txt
head -c $(($(wc -c <good.snap) - 1)) good.snap >cut-last-byte.snap
refuse truncated-last-byte 1 "truncated" "$SCION" virt -loadvm cut-last-byte.snap

# --- corrupt, unknown, newer, missing, out of range --------------------------------
snap good.snap crc-gic.snap flip gic
refuse crc-mismatch-gic 1 "section gic.*CRC mismatch" "$SCION" virt -loadvm crc-gic.snap
snap good.snap crc-ram.snap flip ram
refuse crc-mismatch-ram 1 "section ram.*CRC mismatch" "$SCION" virt -loadvm crc-ram.snap
snap good.snap header-crc.snap text
refuse header-crc 1 "header is corrupt" "$SCION" virt -loadvm header-crc.snap
snap good.snap unknown.snap rename pl031 pl099
refuse unknown-section 1 "section pl099 is unknown" "$SCION" virt -loadvm unknown.snap
snap good.snap unknown-long.snap rename virtio-rng virtio-gpu-with-a-long-name
refuse unknown-section-long 1 "section virtio-gpu-with-a-long-name is unknown" "$SCION" virt -loadvm unknown-long.snap
snap good.snap newer.snap version pl031 2
refuse newer-section 1 "section pl031 has version 2" "$SCION" virt -loadvm newer.snap
snap good.snap newer-cpu.snap version cpu 9
refuse newer-section-cpu 1 "section cpu has version 9" "$SCION" virt -loadvm newer-cpu.snap
snap good.snap no-pl031.snap drop pl031
refuse missing-section 1 "lacks section pl031" "$SCION" virt -loadvm no-pl031.snap
snap good.snap no-mmio5.snap drop virtio-mmio:5
refuse missing-instance 1 "lacks section virtio-mmio (instance 5)" "$SCION" virt -loadvm no-mmio5.snap
# cpu: r[16], nf, zf, cf, vf, qf, ge, thumb, ... (frontend/arm_vmstate.c), u32 each
snap good.snap thumb7.snap u32 cpu 88 7
refuse field-out-of-range 1 "section cpu: field thumb.* out of range" "$SCION" virt -loadvm thumb7.snap
snap good.snap format2.snap format 2
refuse format-version 1 "format version 2 is not supported" "$SCION" virt -loadvm format2.snap

# --- the machine or its disk does not fit --------------------------------------------
refuse ram-mismatch 1 "RAM.*32 MiB\|32 MiB.*RAM" "$SCION" virt -loadvm good.snap -m 32M
refuse clock-mismatch 1 "icount" "$SCION" virt -loadvm good.snap -icount 3
head -c 65536 /dev/zero >disk.img
rc=0
"$SCION" virt -kernel "$ROM" $BOOT $RUN -drive file="$T/disk.img",if=virtio -snapshot-at $AT \
    -snapshot-file disk.snap </dev/null >/dev/null 2>disk-save.err || rc=$?
if [ $rc -eq 0 ] && [ -s disk.snap ]; then ok "snapshot-at with a disk"
else bad "snapshot-at with a disk"; cat disk-save.err; fi
resume resume-disk disk.snap
printf 'X' | dd of=disk.img bs=1 seek=1000 conv=notrunc 2>/dev/null
refuse disk-changed 1 "disk image .*disk.img.* has changed" "$SCION" virt -loadvm disk.snap
printf '\000' | dd of=disk.img bs=1 seek=1000 conv=notrunc 2>/dev/null
resume resume-disk-restored disk.snap
head -c 65536 /dev/zero >>disk.img
refuse disk-grown 1 "disk image .*disk.img.* has changed" "$SCION" virt -loadvm disk.snap
truncate -s 65536 disk.img
# A moved machine: the disk is looked for at its recorded path, then beside
# the snapshot.
mkdir moved
mv disk.img moved/
cp disk.snap moved/
refuse disk-missing 1 "cannot open disk image '$T/disk.img'" "$SCION" virt -loadvm "$T/disk.snap"
resume resume-moved moved/disk.snap
cd moved
resume resume-moved-bare-name disk.snap
cd "$T"

# --- options that do not go together (usage errors: the message and a hint) ----------
refuse loadvm-with-kernel 2 "-kernel.*restored\|-loadvm" "$SCION" virt -loadvm good.snap -kernel "$ROM"
refuse snapshot-at-without-file 2 "snapshot-at N and -snapshot-file FILE go together" \
    "$SCION" virt -kernel "$ROM" -icount 2 -snapshot-at $AT
refuse snapshot-file-without-at 2 "snapshot-at N and -snapshot-file FILE go together" \
    "$SCION" virt -kernel "$ROM" -icount 2 -snapshot-file x.snap
refuse snapshot-at-without-icount 2 "needs -icount" \
    "$SCION" virt -kernel "$ROM" -snapshot-at $AT -snapshot-file x.snap
refuse snapshot-at-zero 2 "bad -snapshot-at" "$SCION" virt -kernel "$ROM" -icount 2 -snapshot-at 0 -snapshot-file x.snap
if [ ! -e x.snap ]; then ok "no snapshot file from usage errors"; else bad "a usage error left x.snap behind"; fi

# No temporary files left behind by any of it.
left=$(find "$T" -name '*.tmp.*' | head -5)
if [ -z "$left" ]; then ok "no temporary files left"; else bad "temporary files left: $left"; fi

echo "snapshot bad input: $pass passed, $fail failed"
[ $fail -eq 0 ]
