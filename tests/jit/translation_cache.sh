#!/bin/bash
# The persistent translation cache (user mode, backend/translation_cache.h).
#
#   tests/jit/translation_cache.sh SCION GUEST_DIR GOLDEN_DIR
#
# GUEST_DIR holds the guest test programs, GOLDEN_DIR their outputs under
# qemu-arm.  Every run's output must equal the golden one:
#   1. a fresh cache: run 1 translates everything and saves; run 2 takes
#      every block from the file (no misses, nothing saved); for a static
#      and a dynamic (ld.so, libc from the sysroot) program; and the IR
#      printed by -d op is the same in both runs;
#   2. self-modifying code: the blocks whose bytes changed since they were
#      saved are translated again ("changed"), never run from the file;
#   3. a file bit-flipped in an entry, truncated, or replaced by garbage or
#      by another program's file: entries are rejected or do not match,
#      the run is still right, and the file is rewritten whole;
#   4. a program whose forked children run code of their own and exec:
#      run 2 translates next to nothing in any of its processes;
#   5. four processes on one fresh cache: all right, no temporary files;
#   6. -jit-cache off writes nothing;
#   7. a guest that keeps rewriting its code (jitgen): peak RSS within
#      8 MiB of a run without the cache;
#   8. an unusable directory is reported once if named, silently skipped
#      if it is the default.
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 SCION GUEST_DIR GOLDEN_DIR" >&2
    exit 2
fi
SCION=$1 GUEST=$2 GOLDEN=$3
SYSROOT=/usr/arm-linux-gnueabihf
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# run DIR TAG PROGRAM GOLDEN [options]: output checked, stats in $W/TAG.stats
run() {
    local dir=$1 tag=$2 prog=$3 gold=$4
    shift 4
    (cd "$W" && timeout 300 "$SCION" run -jit-cache "$dir" --stats "$@" -L "$SYSROOT" "$prog") \
        >"$W/$tag.out" 2>"$W/$tag.stats" </dev/null
    local rc=$?
    [ $rc = 0 ] || bad "$tag: exit status $rc ($(grep -v 'scion stats' "$W/$tag.stats" | tail -1))"
    cmp -s "$W/$tag.out" "$gold" || bad "$tag: output differs from $(basename "$gold")"
}

# tstat TAG FIELD: a number from the translation cache stats, summed over
# the processes of the run (forked children print theirs too)
tstat() {
    grep 'translation cache:' "$W/$1.stats" | grep -o "[0-9]* $2" | awk '{ s += $1 } END { print s + 0 }'
}

files() { find "$1" -name '*.t' | sort; }

# 1. run 1 saves, run 2 translates nothing.
for prog in int_arith.static misc.arm-O2; do
    gold=$GOLDEN/${prog%%.*}.out
    run "$W/c1" "$prog.1" "$GUEST/$prog" "$gold"
    run "$W/c1" "$prog.2" "$GUEST/$prog" "$gold"
    echo "$prog: run 1: $(grep 'translation cache' "$W/$prog.1.stats" | sed 's/.*translation cache: //')"
    echo "$prog: run 2: $(grep 'translation cache' "$W/$prog.2.stats" | sed 's/.*translation cache: //')"
    [ "$(tstat "$prog.1" saved)" -gt 100 ] || bad "$prog: run 1 saved too little"
    [ "$(tstat "$prog.2" hits)" -ge "$(tstat "$prog.1" saved)" ] || bad "$prog: run 2 found fewer blocks than run 1 saved"
    [ "$(tstat "$prog.2" misses)" = 0 ] || bad "$prog: run 2 translated blocks again"
    [ "$(tstat "$prog.2" saved)" = 0 ] || bad "$prog: run 2 wrote the file again"
done
[ "$(files "$W/c1" | wc -l)" = 2 ] || bad "expected one file per program in the cache"
# The IR of every block as the translator made it (run 1) and as the file
# gave it back (run 2), printed by -d op: the same.
prog=misc.arm-O2
run "$W/c1b" op.1 "$GUEST/$prog" "$GOLDEN/misc.out" -d op -D "$W/op.1.log"
run "$W/c1b" op.2 "$GUEST/$prog" "$GOLDEN/misc.out" -d op -D "$W/op.2.log"
[ "$(tstat op.2 misses)" = 0 ] || bad "op: run 2 translated blocks again"
[ "$(grep -c '^OP for' "$W/op.1.log")" -gt 1000 ] || bad "op: too few blocks logged"
cmp -s "$W/op.1.log" "$W/op.2.log" || bad "op: the IR from the file differs from the translator's"

# 2. Self-modifying code: the rewritten blocks are not taken from the file.
run "$W/c2" smc.1 "$GUEST/smc.static" "$GOLDEN/smc.out"
run "$W/c2" smc.2 "$GUEST/smc.static" "$GOLDEN/smc.out"
echo "smc: run 2: $(grep 'translation cache' "$W/smc.2.stats" | sed 's/.*translation cache: //')"
[ "$(tstat smc.2 changed)" -gt 0 ] || bad "smc: no block was found changed"
[ "$(tstat smc.2 hits)" -gt 100 ] || bad "smc: run 2 found too few blocks"

# 3. Damaged and foreign files.
prog=$GUEST/int_arith.static gold=$GOLDEN/int_arith.out
damage_and_check() {
    local what=$1
    run "$W/c3" "$what" "$prog" "$gold"
    [ "$(tstat "$what" saved)" -gt 100 ] || bad "$what: the file was not rewritten"
    run "$W/c3" "$what.after" "$prog" "$gold"
    [ "$(tstat "$what.after" misses)" = 0 ] && [ "$(tstat "$what.after" rejected)" = 0 ] ||
        bad "$what: the rewritten file was not whole"
}
run "$W/c3" fresh "$prog" "$gold"
f=$(files "$W/c3")
size=$(stat -c %s "$f")
# One byte inverted in the middle of the entries (a fixed value could
# equal what is there already).
at=$((size / 2))
byte=$(od -An -tu1 -j"$at" -N1 "$f" | tr -d ' ')
printf "\\$(printf '%03o' $((255 - byte)))" | dd of="$f" bs=1 seek="$at" conv=notrunc status=none
damage_and_check flipped
[ "$(tstat flipped rejected)" -ge 1 ] || [ "$(tstat flipped changed)" -ge 1 ] || bad "flipped: the damage went unseen"
truncate -s $((size / 3)) "$f"
damage_and_check truncated
[ "$(tstat truncated rejected)" = 1 ] || bad "truncated: the file was not rejected"
head -c "$size" /dev/urandom >"$f"
damage_and_check garbage
[ "$(tstat garbage rejected)" = 1 ] || bad "garbage: the file was not rejected"
# Another program's file under this program's key: its blocks lie
# elsewhere or hold other bytes.
run "$W/c4" other "$GUEST/bits.static" "$GOLDEN/bits.out"
cp "$(files "$W/c4")" "$f"
damage_and_check foreign
[ "$(tstat foreign hits)" -lt 50 ] || bad "foreign: $(tstat foreign hits) blocks of another program were used"

# 4. fork + exec: what the children translate is kept too.
run "$W/c5" fork.1 "$GUEST/fork_exec.static" "$GOLDEN/fork_exec.out"
run "$W/c5" fork.2 "$GUEST/fork_exec.static" "$GOLDEN/fork_exec.out"
# Processes that save at the same moment can each miss the other's newest
# entries (the later rename wins); what is left to translate stays small.
echo "fork_exec: run 2: $(tstat fork.2 hits) hits, $(tstat fork.2 misses) misses in all processes"
[ $(($(tstat fork.2 misses) * 100)) -le "$(tstat fork.2 hits)" ] || bad "fork_exec: run 2 translated over 1% again"

# 5. Four processes on one fresh cache.
for i in 1 2 3 4; do run "$W/c6" "par$i" "$prog" "$gold" & done
wait
leftovers=$(find "$W/c6" -name '*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] || bad "$leftovers temporary files left in the shared cache"
run "$W/c6" after_parallel "$prog" "$gold"
[ "$(tstat after_parallel misses)" = 0 ] && [ "$(tstat after_parallel rejected)" = 0 ] ||
    bad "the file written by four processes at once was not whole"

# 6. -jit-cache off.
(cd "$W" && "$SCION" run -jit-cache off --stats -L "$SYSROOT" "$prog" >"$W/off.out" 2>"$W/off.stats")
cmp -s "$W/off.out" "$gold" || bad "off: output differs"
[ "$(tstat off hits)" = 0 ] && [ "$(tstat off saved)" = 0 ] || bad "off: the cache was used"

# 7. A guest that keeps rewriting code at the same addresses (jitgen, four
# times its default generations): the cache keeps the newest version of
# each block, so memory stays within a few MiB of a run without a cache.
rss() { /usr/bin/time -f %M -o "$W/$1.rss" "${@:2}" >"$W/$1.out" 2>/dev/null </dev/null; cat "$W/$1.rss"; }
gold=$GOLDEN/jitgen.gens2400.out
without=$(rss jit_off "$SCION" run -jit-cache off "$GUEST/jitgen.static" 2400)
with=$(rss jit_cache "$SCION" run -jit-cache "$W/c7" "$GUEST/jitgen.static" 2400)
echo "jitgen 2400: peak RSS ${without} KiB without the cache, ${with} KiB with it"
cmp -s "$W/jit_cache.out" "$gold" && cmp -s "$W/jit_off.out" "$gold" || bad "jitgen: output differs"
[ "$with" -le $((without + 8192)) ] || bad "jitgen: the cache took $((with - without)) KiB"

# 8. An unusable directory: said once when named with -jit-cache, silent
# when it is the default one (tried on every run).
prog=$GUEST/int_arith.static gold=$GOLDEN/int_arith.out
(cd "$W" && HOME=/proc XDG_CACHE_HOME= "$SCION" run -L "$SYSROOT" "$prog" >"$W/quiet.out" 2>"$W/quiet.err")
cmp -s "$W/quiet.out" "$gold" && [ ! -s "$W/quiet.err" ] || bad "an unusable default directory was not silent"
(cd "$W" && "$SCION" run -jit-cache /proc/none -L "$SYSROOT" "$prog" >"$W/named.out" 2>"$W/named.err")
cmp -s "$W/named.out" "$gold" && [ "$(grep -c 'unusable' "$W/named.err")" = 1 ] ||
    bad "an unusable named directory was not reported once"

[ $fail = 0 ] && echo "translation cache: all checks passed"
exit $fail
