#!/bin/sh
# Run dynamically linked Debian armhf programs (coreutils, bzip2, xz) from
# the sysroot made by scripts/fetch-debian-armhf.sh through an emulator and
# compare their output with tests/debian/golden/dynamic.out.
#
# Usage: tests/debian/run_dynamic.sh EMU_CMD [SYSROOT]
#   EMU_CMD   emulator command prefix that takes -L, e.g. "qemu-arm" or
#             "build/scion run"; each program runs as
#             EMU_CMD -L SYSROOT SYSROOT/usr/bin/PROG ARGS...
#   SYSROOT   default: $SCION_SYSROOT, else the path printed by
#             scripts/fetch-debian-armhf.sh
# Environment:
#   UPDATE_GOLDEN  =1: write the output to the golden file instead
#   KEEP_WORKDIR   =1: keep the temporary work directory
#   ONLY           run only the checks whose names match this glob
#   DYN_TIMEOUT    seconds allowed for one program (default 300)
#
# Prints one line per check, then "N passed, M failed"; exits non-zero on
# any failure.
set -u

HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
GOLDEN=$HERE/golden/dynamic.out

[ $# -ge 1 ] && [ -n "$1" ] || { echo "usage: $0 EMU_CMD [SYSROOT]" >&2; exit 2; }
EMU_IN=$1
if [ $# -ge 2 ] && [ -n "$2" ]; then
    SYSROOT=$2
elif [ -n "${SCION_SYSROOT:-}" ]; then
    SYSROOT=$SCION_SYSROOT
else
    SYSROOT=$("$ROOT/scripts/fetch-debian-armhf.sh" | tail -n 1) || exit 2
fi
[ -e "$SYSROOT/lib/ld-linux-armhf.so.3" ] || { echo "$SYSROOT is not a sysroot" >&2; exit 2; }
SYSROOT=$(cd "$SYSROOT" && pwd -P)

# Make the emulator's first word absolute (programs run with env -i).
set -- $EMU_IN
first=$1; shift
case $first in
*/*) first=$(cd "$(dirname "$first")" && pwd -P)/$(basename "$first") ;;
*)   first=$(command -v "$first") || { echo "emulator $1 not found" >&2; exit 2; } ;;
esac
EMU=$first
for a in "$@"; do EMU="$EMU $a"; done

W=$(mktemp -d "${TMPDIR:-/tmp}/scion-dyn.XXXXXX")
W=$(cd "$W" && pwd -P)
cleanup() { [ "${KEEP_WORKDIR:-0}" = 1 ] || rm -rf "$W"; }
trap cleanup EXIT INT TERM
D=$W/data
mkdir -p "$D"

# run PROG ARGS...: one emulated Debian program, clean environment, bounded
# in time so that a hung emulator fails the check instead of stalling it.
run() {
    _p=$1; shift
    timeout -k 5 "${DYN_TIMEOUT:-300}" env -i LC_ALL=C TZ=UTC0 HOME="$W" PATH=/usr/bin:/bin \
        $EMU -L "$SYSROOT" "$SYSROOT/usr/bin/$_p" "$@"
}

# ------------------------------------------------------------------ data
# Test inputs are made here with POSIX awk using only exact integer
# arithmetic below 2^53 and values below 2^31, so any awk gives the same
# bytes; the "inputs" check records their sizes and checksums.
mkdir -p "$D/dir/sub" "$D/dir/.hidden"
printf 'alpha\n' >"$D/dir/a.txt"
printf 'bravo bravo\n' >"$D/dir/b.log"
printf '' >"$D/dir/empty"
printf 'x\n' >"$D/dir/sub/deep.txt"
ln -s a.txt "$D/dir/link"
awk 'BEGIN { s = 1
    for (i = 0; i < 24000; i++) {
        s = (s * 69069 + 1) % 2147483648
        printf "%06d %s %d the quick brown fox %d\n", i, (s % 7 == 0 ? "seven" : "other"), s, s % 1000
    } }' >"$D/big.txt"
awk 'BEGIN { for (i = 1; i <= 200; i++) printf "%d,%s,%d\n", (i * 37) % 101, substr("abcdefghij", i % 10 + 1, 2), i % 7 }' >"$D/small.csv"
printf 'one\ntwo\nthree\nfour\nfive\n' >"$D/lines.txt"
printf 'b\na\nc\na\nb\nb\n' >"$D/dups.txt"
printf '\000\001\002ABC\177\200\377\n' >"$D/bin.dat"

# ------------------------------------------------------------------ checks
c_inputs() {
    wc -c <"$D/big.txt"; wc -c <"$D/small.csv"
    run sha256sum big.txt small.csv bin.dat
}
c_ls() {
    run ls dir; echo "--"; run ls -a dir; echo "--"; run ls -1F dir; echo "--"
    run ls -R dir; echo "--"; run ls -r -m dir; echo "--"; run ls -S dir/b.log dir/a.txt dir/empty dir/sub/deep.txt; echo "--"
    run ls -d dir/*.txt dir/sub
}
c_ls_missing() { run ls nonexistent; }
c_true_false() {
    run true; echo "true rc=$?"; run false; echo "false rc=$?"
    run test 3 -lt 4; echo "test rc=$?"; run expr 1 = 2; echo "expr rc=$?"
}
c_echo_printf() {
    run echo hello "two  words" -n; run echo -e 'a\tb\x41\0101'
    run printf '%d|%5.2f|%x|%o|%e|%s|%c|%b|%q\n' 42 3.14159 255 8 12345.678 str xyz 'a\tb' 'a b'
    run printf '%s=%d\n' a 1 b 2
}
c_sort() {
    run sort -n -t, -k1,1 small.csv | run head -n 5
    run sort -t, -k2,2 -k1,1nr small.csv | run tail -n 3
    run sort -r lines.txt; run sort -u dups.txt
    run sort big.txt | run sha256sum
    run sort -k5,5n -k1,1r big.txt | run md5sum
}
c_uniq() { run sort dups.txt | run uniq -c; run uniq -d dups.txt; }
c_checksums() {
    run sha256sum big.txt; run md5sum big.txt lines.txt; run sha1sum big.txt
    run sha512sum lines.txt; run b2sum lines.txt; run cksum big.txt; run sum lines.txt
    run sha256sum big.txt >sums.txt; run sha256sum -c sums.txt
}
c_wc() { run wc big.txt lines.txt; run wc -l big.txt; run wc -L small.csv; }
c_seq() {
    run seq 5 | run tr '\n' ' '; echo
    run seq -w 8 2 12; run seq -s, 1.5 0.5 3; run seq -f '%.3e' 1 3
    run seq 200000 | run tail -n 1
}
c_factor() {
    run factor 1 360 9973 600851475143 4294967297 18446744073709551615
    run factor 18446744073709551617 340282366920938463463374607431768211455
}
c_date() {
    run date -u -d @0; run date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S %A %j %s'
    run date -u -d '2001-02-03 04:05:06 UTC' +%s; run date -u -d @2147483648 +%F
    run date -u -d '2024-02-29 +1 year' +%F
}
c_od() {
    run od -c bin.dat; run od -An -tx1 bin.dat; run od -An -tu4 -N 8 big.txt
    run od -An -td2 -tf4 -N 8 big.txt
}
c_base64() {
    run base64 bin.dat; run base64 -w 20 lines.txt
    run base64 big.txt | run base64 -d | run sha256sum
}
c_cut_tr() {
    run cut -d, -f2 small.csv | run head -n 3; run cut -c1-6 big.txt | run tail -n 2
    run tr a-z A-Z <lines.txt; run tr -d aeiou <lines.txt; run tr -s 'a-z' <dups.txt
    run tr -c 'a-z\n' '_' <bin.dat | run od -c
}
c_head_tail_cat() {
    run head -n 2 lines.txt; run head -c 10 big.txt; echo
    run tail -n 2 lines.txt; run tail -c 12 big.txt; run tail -n +4 lines.txt
    run cat -n lines.txt; run cat -A bin.dat; run tac lines.txt; run nl -ba -s: lines.txt
}
c_expr_names() {
    run expr 7 \* 6; run expr 2147483647 + 1; run expr 9223372036854775807 + 0
    run expr length hello; run expr abc123 : '[a-z]*'
    run basename /x/y/z.tar.gz .gz; run dirname /x/y/z; run basename -a a/b c/d
}
c_stat_du() {
    run stat --format='%s %n' big.txt lines.txt dir/empty
    run stat -L --format='%s %F' dir/link; run stat --format='%F' dir dir/link
    run du -b big.txt lines.txt; run du -ab dir/a.txt
}
c_misc() {
    run paste -d: lines.txt dups.txt; run fold -w 7 lines.txt | run head -n 4
    run comm -12 lines.txt lines.txt | run wc -l; run join -t, small.csv small.csv | run head -n 2
    run yes abc | run head -n 3; run numfmt --to=iec 1048576 123456789
    run printenv LC_ALL; run env -i A=1 B=2; run pwd
    run realpath --relative-to=. dir/link; run readlink dir/link; run sleep 0; echo "sleep rc=$?"
}
c_files() {
    mkdir fs && cd fs || return 1
    run mkdir -p t/u/v; run touch -d '2001-02-03 04:05:06' t/f; run cp ../lines.txt t/u/; run mv t/u/lines.txt t/u/moved
    run ln -s moved t/u/sym; run chmod 640 t/f; run stat --format='%a %s %Y %n' t/f; run stat --format='%a %s %n' t/u/moved
    run truncate -s 3000 t/f; run ls -R t; run rm -r t/u; run rmdir t 2>&1; echo "rmdir rc=$?"
    run split -l 2 ../lines.txt part_; run cat part_ab; run ls
}
c_bzip2() {
    run bzip2 -9 -c big.txt >big.bz2; echo "compress rc=$?"
    run wc -c <big.bz2; run sha256sum <big.bz2
    run bzip2 -t big.bz2; echo "test rc=$?"
    run bzip2 -d -c big.bz2 | run sha256sum
    run bzip2 -c lines.txt | run bzip2 -d
}
c_xz() {
    run xz -9 -T1 -c big.txt >big.xz; echo "compress rc=$?"
    run wc -c <big.xz; run sha256sum <big.xz
    run xz -t big.xz; echo "test rc=$?"
    run xz -d -c big.xz | run sha256sum
    run xz -0 --check=sha256 -T1 -c lines.txt | run xz -d
}

CHECKS="inputs ls ls_missing true_false echo_printf sort uniq checksums wc seq factor date od base64 cut_tr head_tail_cat expr_names stat_du misc files bzip2 xz"

OUT=$W/out
: >"$OUT"
mkdir -p "$W/o" "$W/g"
start=$(date +%s)
for c in $CHECKS; do
    case $c in ${ONLY:-*}) ;; *) continue ;; esac
    # stdout and stderr of the check, its exit status, with the sysroot
    # and work directory paths replaced (they appear in argv[0] and errors)
    t0=$(date +%s%N)
    ( cd "$D" && "c_$c" ) >"$W/o/$c.raw" 2>&1
    rc=$?
    [ -z "${TIMING:-}" ] || echo "$c: $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
    { echo "### $c"; sed -e "s|$SYSROOT|SYSROOT|g" -e "s|$W|W|g" "$W/o/$c.raw"; echo "### $c rc=$rc"; } >"$W/o/$c"
    cat "$W/o/$c" >>"$OUT"
done
end=$(date +%s)
echo "dynamic checks took $((end - start)) s" >&2

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$OUT" "$GOLDEN"
    echo "wrote $GOLDEN ($(wc -l <"$GOLDEN") lines)" >&2
fi
[ -f "$GOLDEN" ] || { echo "no golden file $GOLDEN" >&2; exit 2; }

# split the golden file into one file per check
awk -v d="$W/g" '/^### [^ ]+$/ { f = d "/" $2 } { if (f != "") print > f }' "$GOLDEN"
pass=0; fail=0
for c in $CHECKS; do
    case $c in ${ONLY:-*}) ;; *) continue ;; esac
    if [ ! -f "$W/g/$c" ]; then
        echo "FAIL dynamic $c (not in golden)"; fail=$((fail + 1))
    elif cmp -s "$W/g/$c" "$W/o/$c"; then
        echo "ok   dynamic $c"; pass=$((pass + 1))
    else
        echo "FAIL dynamic $c"; fail=$((fail + 1))
        diff -u "$W/g/$c" "$W/o/$c" | sed -n '3,40p' | sed 's/^/    /'
    fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
