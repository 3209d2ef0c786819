#!/bin/bash
# Memory stays bounded while a guest keeps generating new code.
#
#   tests/jit/bounded_memory.sh SCION GUEST_BIN
#
# GUEST_BIN is a build of tests/guest/jitgen.c (the static variant needs no
# sysroot; dynamic ones get -L $SYSROOT, default /usr/arm-linux-gnueabihf).
# For each JIT mode in $MODES (default "off sync always", see README.md),
# jitgen runs twice:
#   small: N = D/4 generations per phase (D = the default, read from the
#          golden file's first line), must print "jitgen: OK" and exit 0;
#   large: the default D = 4N generations per phase, stdout must equal
#          tests/guest/golden/jitgen.out.
# Peak RSS (/usr/bin/time -f %M) of each run is printed, and the test fails
# if the large run's peak exceeds RSS_RATIO * small + RSS_SLACK_MIB (default
# 1.10x + 12 MiB), or either run exceeds RSS_CAP_MIB (default 400 MiB).
# Both runs execute millions of blocks, so both load the LLVM tier (its
# ~60-75 MiB are in both peaks); the --stats lines of each run are printed.
# Every block jitgen generates is new code, so an emulator that keeps
# anything per translated or compiled block (code, IR, LLVM objects or
# symbols) grows linearly with the number of generations and fails here.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 SCION GUEST_BIN" >&2
    exit 2
fi
SCION=$1
BIN=$2
SYSROOT=${SYSROOT:-/usr/arm-linux-gnueabihf}
MODES=${MODES:-off sync always}
RSS_RATIO=${RSS_RATIO:-1.10}
RSS_SLACK_MIB=${RSS_SLACK_MIB:-12}
RSS_CAP_MIB=${RSS_CAP_MIB:-400}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GOLDEN=$HERE/../guest/golden/jitgen.out
TIMEOUT=${TEST_TIMEOUT:-400}

for f in "$SCION" "$BIN" "$GOLDEN" /usr/bin/time; do
    if [ ! -e "$f" ]; then
        echo "bounded_memory.sh: $f not found" >&2
        exit 2
    fi
done
D=$(sed -n '1s/^jitgen: \([0-9]*\) generations per phase.*/\1/p' "$GOLDEN")
if [ -z "$D" ] || [ $((D % 4)) -ne 0 ]; then
    echo "bounded_memory.sh: cannot read the default generation count from $GOLDEN" >&2
    exit 2
fi
N=$((D / 4))

T=$(mktemp -d "${TMPDIR:-/tmp}/bounded-memory.XXXXXX")
trap 'rm -rf "$T"' EXIT

status=0
fail() {
    echo "FAIL $*"
    status=1
}

# run MODE TAG [ARGS...]: sets RSS (KiB) and SECS; output in $T/TAG.out
run() {
    local mode=$1 tag=$2
    shift 2
    (cd "$T" && exec env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C TZ=UTC \
        /usr/bin/time -f '%M %e' -o "$T/$tag.time" \
        timeout -k 5 "$TIMEOUT" "$SCION" run --stats -jit "$mode" -jit-threshold 64 -L "$SYSROOT" "$BIN" "$@" \
        </dev/null >"$T/$tag.out" 2>"$T/$tag.err")
    RC=$?
    read -r RSS SECS < <(tail -n 1 "$T/$tag.time")
    if ! [[ $RSS =~ ^[0-9]+$ ]]; then
        RSS=0
        SECS=?
    fi
}

for mode in $MODES; do
    run "$mode" "$mode-small" "$N"
    rss1=$RSS secs1=$SECS rc1=$RC
    run "$mode" "$mode-large"
    rss4=$RSS secs4=$SECS rc4=$RC
    bound=$(awk -v a="$rss1" -v r="$RSS_RATIO" -v s="$RSS_SLACK_MIB" 'BEGIN { printf "%d", a * r + s * 1024 }')
    cap=$((RSS_CAP_MIB * 1024))
    per_gen=$(awk -v a="$rss1" -v b="$rss4" -v n=$((5 * (D - N))) 'BEGIN { printf "%.2f", (b - a) / n }')
    printf 'mode %-6s %5d gens: %7d KiB %7s s | %5d gens: %7d KiB %7s s | growth %s KiB/generation, bound %d KiB\n' \
        "$mode" $((5 * N)) "$rss1" "$secs1" $((5 * D)) "$rss4" "$secs4" "$per_gen" "$bound"
    for tag in small large; do
        grep -h 'LLVM tier' "$T/$mode-$tag.err" | sed "s/^/    $tag: /"
    done
    ok=1
    if [ "$rc1" -ne 0 ] || ! grep -qx 'jitgen: OK' "$T/$mode-small.out"; then
        fail "$mode: jitgen $N exited with status $rc1 or did not print 'jitgen: OK'"
        tail -n 5 "$T/$mode-small.out" "$T/$mode-small.err" | sed 's/^/    /'
        ok=0
    fi
    if [ "$rc4" -ne 0 ] || ! cmp -s "$GOLDEN" "$T/$mode-large.out"; then
        fail "$mode: jitgen (default, $D per phase) exited with status $rc4 or differs from golden/jitgen.out"
        diff -u "$GOLDEN" "$T/$mode-large.out" | head -n 20 | sed 's/^/    /'
        tail -n 5 "$T/$mode-large.err" | sed 's/^/    /'
        ok=0
    fi
    if [ "$rss1" -le 0 ] || [ "$rss4" -le 0 ]; then
        fail "$mode: no peak RSS measured"
        ok=0
    fi
    if [ "$rss4" -gt "$bound" ]; then
        fail "$mode: peak RSS grew from $rss1 KiB to $rss4 KiB with 4x the generations (bound ${RSS_RATIO}x + $RSS_SLACK_MIB MiB = $bound KiB)"
        ok=0
    fi
    if [ "$rss1" -gt "$cap" ] || [ "$rss4" -gt "$cap" ]; then
        fail "$mode: peak RSS above the cap of $RSS_CAP_MIB MiB"
        ok=0
    fi
    [ $ok -eq 1 ] && echo "PASS $mode"
done
exit $status
