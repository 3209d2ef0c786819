#!/bin/bash
# The persistent JIT code cache (-jit-cache DIR).
#
#   tests/jit/code_cache.sh SCION GUEST_BIN GOLDEN
#
# GUEST_BIN is a static guest program whose correct output is GOLDEN (made
# by qemu-arm).  With -jit sync the hot regions form at the same points on
# every run, so the cache's behaviour is deterministic:
#   1. a fresh cache: the run compiles and writes entries;
#   2. the same run again compiles nothing (no entry written) and hits;
#   3. entries truncated, bit-flipped or swapped with another entry's
#      contents are rejected, recompiled and replaced, never run: output
#      stays correct and the next run hits everything again;
#   4. four processes sharing a fresh cache: all correct, no temporary
#      files left, every entry valid for the next run;
#   5. with a 64 KiB bound the directory stays near the bound (eviction);
#   6. a process that writes little does not count a directory counted a
#      moment ago (a stat per entry), and one counted long ago is trimmed.
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 SCION GUEST_BIN GOLDEN" >&2
    exit 2
fi
SCION=$1 BIN=$2 GOLDEN=$3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# run DIR NAME [extra options]: runs the guest, checks its output, keeps stats in $W/NAME.stats
run() {
    local dir=$1 name=$2
    shift 2
    if ! timeout 600 "$SCION" run -jit sync -jit-threshold 64 -jit-cache "$dir" --stats "$@" "$BIN" >"$W/$name.out" 2>"$W/$name.stats"; then
        bad "$name: scion exited with status $? ($(grep -v 'scion stats' "$W/$name.stats" | tail -1))"
    fi
    cmp -s "$W/$name.out" "$GOLDEN" || bad "$name: output differs from $GOLDEN"
}

# stat NAME FIELD: a number from the code cache stats line ("N hits", "N written", ...)
stat() {
    grep 'code cache:' "$W/$1.stats" | grep -o "[0-9]* $2" | cut -d' ' -f1
}

entries() { find "$1" -name '*.o' | sort; }

run "$W/c" first
written=$(stat first written)
echo "first run: $(grep 'code cache' "$W/first.stats")"
[ "${written:-0}" -gt 0 ] || bad "first run wrote no cache entries"

run "$W/c" second
echo "second run: $(grep 'code cache' "$W/second.stats")"
[ "$(stat second written)" = 0 ] || bad "second run compiled again"
[ "$(stat second hits)" -ge "$written" ] || bad "second run hit fewer entries than the first wrote"

# Damage three entries in three ways.
mapfile -t files < <(entries "$W/c")
if [ "${#files[@]}" -lt 4 ]; then
    bad "too few entries (${#files[@]}) to damage"
else
    truncate -s 100 "${files[0]}"
    # one byte inverted (a fixed value could equal what is there already)
    byte=$(od -An -tu1 -j200 -N1 "${files[1]}" | tr -d ' ')
    printf "\\$(printf '%03o' $((255 - byte)))" | dd of="${files[1]}" bs=1 seek=200 conv=notrunc status=none
    cp "${files[3]}" "${files[2]}" # a foreign entry under this key
    run "$W/c" damaged
    echo "damaged run: $(grep 'code cache' "$W/damaged.stats")"
    [ "$(stat damaged rejected)" = 3 ] || bad "expected 3 rejected entries"
    [ "$(stat damaged written)" = 3 ] || bad "expected the 3 damaged entries to be replaced"
    run "$W/c" repaired
    [ "$(stat repaired rejected)" = 0 ] && [ "$(stat repaired written)" = 0 ] || bad "entries were not repaired"
fi

# Four processes on one fresh cache.
for i in 1 2 3 4; do run "$W/shared" "par$i" & done
wait
leftovers=$(find "$W/shared" -name '*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] || bad "$leftovers temporary files left in the shared cache"
run "$W/shared" after_parallel
[ "$(stat after_parallel rejected)" = 0 ] || bad "entries written concurrently were rejected"
[ "$(stat after_parallel written)" = 0 ] || bad "entries written concurrently were incomplete"

# A small bound: the directory is trimmed to it.
run "$W/small" bounded -jit-cache-max 64K
size=$(du -sk "$W/small" | cut -f1)
echo "bounded cache: ${size} KiB after $(stat bounded written) entries written, $(stat bounded evicted) evicted"
[ "$(stat bounded evicted)" -gt 0 ] || bad "nothing was evicted from a 64 KiB cache"
[ "$size" -le 192 ] || bad "the 64 KiB cache holds $size KiB"

# A directory over its bound: counted a moment ago, a process that writes
# less than a 64th of the bound leaves it; counted a minute ago, trimmed.
mkdir -p "$W/over"
for i in $(seq 1 70); do truncate -s 1M "$W/over/$(printf '%064x' "$i").o"; done
touch "$W/over/.counted"
run "$W/over" recent -jit-cache-max 64M
[ "$(stat recent evicted)" = 0 ] || bad "a directory counted a moment ago was counted again"
# what that run wrote goes, so that the next one writes it again
find "$W/over" -type f -name '*[otr]' -newer "$W/over/$(printf '%064x' 70).o" -delete
touch -d '1 minute ago' "$W/over/.counted"
run "$W/over" stale -jit-cache-max 64M
[ "$(stat stale evicted)" -gt 0 ] || bad "a directory over its bound, last counted a minute ago, was not trimmed"

[ $fail = 0 ] && echo "code cache: all checks passed"
exit $fail
