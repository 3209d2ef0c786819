#!/bin/sh
# The warm cache with background compilation (-jit on), where region
# formation depends on the compile thread's timing: a second run of the
# same program forms the regions the first formed (region recipes), so it
# finds most units the first run compiled in the code cache and compiles
# none of them again, and it translates no block again (translation cache).
# A damaged recipe file is ignored and written again.
# Debian's armhf bzip2 -9 on 4 MiB of text; the output must equal the
# host's bzip2 -9 of the same bytes.
# Usage: warm_cache.sh SCION [SYSROOT]   (SYSROOT: as tests/debian/run_busybox.sh)
. "$(dirname "$0")/../sysroot_test.sh"

# Text-like and deterministic (words picked by an LCG): bzip2 -9 takes
# about a second on it under scion, long enough for the compile thread to
# load every unit the first run compiled before the program ends.
awk 'BEGIN {
    n = split("alpha beta gamma delta scion arm thumb block cache the of and to in is that for it as with", w, " ")
    x = 12345
    for (len = 0; len < 4194304; len += length(s)) {
        x = (x * 69069 + 1) % 4294967296
        s = w[int(x / 65536) % n + 1] ((x % 11 == 0) ? "\n" : " ")
        printf "%s", s
    }
}' >"$T/input"
bzip2 -9 -c "$T/input" >"$T/expected" || fail "the host's bzip2 failed"
# number RUN PATTERN: the number before PATTERN in RUN's statistics
number() { grep -o "[0-9]* $2" "$T/$1.err" | head -n 1 | cut -d' ' -f1; }
for run in first second; do
    "$SCION" run -jit on -jit-cache "$T/cache" --stats -L "$SYSROOT" "$SYSROOT/usr/bin/bzip2" -9 -c "$T/input" \
        >"$T/$run.out" 2>"$T/$run.err" || fail "$run run: scion exited with status $?"
    cmp -s "$T/expected" "$T/$run.out" || fail "$run run: the output differs from the host's bzip2"
    echo "$run run: $(grep -E 'code cache:|region recipes:|translation cache:' "$T/$run.err" | tr '\n' ' ')"
done
written=$(number first written)
[ "${written:-0}" -gt 10 ] || fail "the first run compiled only ${written:-0} units"
# A miss is a unit whose key the first run did not write, so the second
# run compiles nothing the first compiled; what shows that the regions
# are formed as before is how many of the first run's units it finds.
# Not every one: a block that got hot in the first run may run inside
# another region's code in the second and never get hot (up to an eighth
# of them, measured on a loaded machine).
hits=$(number second 'hits, [0-9]* misses, [0-9]* rejected, [0-9]* written')
[ $((${hits:-0} * 4)) -ge $((written * 3)) ] || fail "the second run found ${hits:-0} of the $written units the first compiled"
[ "$(number second 'regions formed as an earlier run')" -gt 0 ] || fail "the second run used no region recipe"
grep -q 'translation cache: [0-9]* hits, 0 misses' "$T/second.err" || fail "the second run translated blocks again"
# A damaged recipe file is ignored (its digest fails) and written again.
r=$(find "$T/cache" -name '*.r')
[ -f "$r" ] || fail "no recipe file in the cache"
printf '\377' | dd of="$r" bs=1 seek=60 conv=notrunc status=none
for run in damaged repaired; do
    "$SCION" run -jit on -jit-cache "$T/cache" --stats -L "$SYSROOT" "$SYSROOT/usr/bin/bzip2" -9 -c "$T/input" \
        >"$T/$run.out" 2>"$T/$run.err" || fail "$run run: scion exited with status $?"
    cmp -s "$T/expected" "$T/$run.out" || fail "$run run: the output differs from the host's bzip2"
done
[ "$(number damaged 'regions formed as an earlier run')" = 0 ] || fail "recipes of a damaged file were used"
grep 'region recipes:' "$T/damaged.err" | grep -q ', [1-9][0-9]* saved' || fail "the damaged recipe file was not written again"
[ "$(number repaired 'regions formed as an earlier run')" -gt 0 ] || fail "the rewritten recipe file was not used"
echo "warm cache OK: the second run loaded ${hits:-0} of the $written units the first compiled"
