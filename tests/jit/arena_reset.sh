#!/bin/sh
# A full code arena starts over: blocks that are still live are compiled
# again, and in the default mode, where blocks drop their IR once compiled,
# they are first translated again from their guest bytes.  jitgen (which
# keeps generating and running new code) in a 1 MiB arena (-tb-size 1),
# with four times its default generations (blocks get baseline code only
# once they are warm, and the default run fills three quarters of the
# arena), must find every result equal to its C model's ("jitgen: OK",
# mismatches=0), having reset the arena and retranslated live blocks, both
# counted by --stats.  (The default run's output is checked against
# qemu-arm's in the same arena by the guest-small-arena test.)
# Usage: arena_reset.sh SCION JITGEN_STATIC GOLDEN
set -u
SCION=$1
BIN=$2
GOLDEN=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "arena_reset: $*" >&2; exit 1; }

gens=$(($(sed -n '1s/^jitgen: \([0-9][0-9]*\) generations.*/\1/p' "$GOLDEN") * 4))
"$SCION" run -jit off -tb-size 1 --stats "$BIN" "$gens" >"$T/out" 2>"$T/err" || fail "scion exited with status $?"
grep -q "^total: generations=$((gens * 5)) .* mismatches=0 " "$T/out" && grep -qx 'jitgen: OK' "$T/out" ||
    fail "jitgen $gens: results differ from its C model: $(tail -n 3 "$T/out")"
resets=$(sed -n 's/^scion stats: baseline tier: .* \([0-9][0-9]*\) arena resets.*/\1/p' "$T/err")
again=$(sed -n 's/^scion stats: translation: .* \([0-9][0-9]*\) translated again after an arena reset$/\1/p' "$T/err")
[ -n "$resets" ] && [ "$resets" -gt 0 ] || fail "the arena never started over (resets: '${resets}')"
[ -n "$again" ] && [ "$again" -gt 0 ] || fail "no live block was translated again (count: '${again}')"
echo "arena reset OK: $resets resets, $again blocks translated again"
