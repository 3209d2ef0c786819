#!/bin/sh
# The code cache's keys are the same run after run for a dynamic program
# (Debian's armhf ls through ld.so and libc, whose blocks are many and
# varied): with -jit sync the regions form at the same points, so a second
# run must hit every entry the first wrote and compile nothing.  Keys that
# took in uninitialised bytes (padding inside the IR) missed a few.
# The listing must match the host's own ls of the same directory.
# Usage: code_cache_dynamic.sh SCION [SYSROOT]   (SYSROOT: as tests/debian/run_busybox.sh)
. "$(dirname "$0")/../sysroot_test.sh"
export LC_ALL=C

LC_ALL=C ls -1 "$SYSROOT/usr/bin" >"$T/expected"
for run in first second; do
    "$SCION" run -jit sync -jit-threshold 64 -jit-cache "$T/cache" --stats -L "$SYSROOT" "$SYSROOT/bin/ls" -1 \
        "$SYSROOT/usr/bin" >"$T/$run.out" 2>"$T/$run.err" || fail "$run run: scion exited with status $?"
    cmp -s "$T/expected" "$T/$run.out" || fail "$run run: the listing differs from the host's ls"
    grep 'code cache:' "$T/$run.err" >"$T/$run.cache" || fail "$run run: no code cache statistics"
    echo "$run run: $(cat "$T/$run.cache")"
done
written=$(grep -o '[0-9]* written' "$T/first.cache" | cut -d' ' -f1)
[ "${written:-0}" -gt 100 ] || fail "the first run wrote only ${written:-0} entries"
grep -q " $written hits, 0 misses, 0 rejected, 0 written" "$T/second.cache" ||
    fail "the second run did not hit exactly the $written entries the first wrote"
echo "code cache dynamic OK"
