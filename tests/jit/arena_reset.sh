#!/bin/sh
# A full code arena starts over: blocks that are still live are compiled
# again, and in the default mode, where blocks drop their IR once compiled,
# they are first translated again from their guest bytes.  jitgen (which
# keeps generating and running new code) in a 1 MiB arena (-tb-size 1),
# with four times its default generations (blocks get baseline code only
# once they are warm, and the default run fills three quarters of the
# arena), must print exactly GOLDEN (golden/jitgen.gens2400.out, qemu-arm's
# output for that run, which the host build of jitgen.c, its C model alone,
# prints too), having reset the arena and retranslated live blocks, both
# counted by --stats.
# Usage: arena_reset.sh SCION JITGEN_STATIC GOLDEN
set -u
SCION=$1
BIN=$2
GOLDEN=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "arena_reset: $*" >&2; exit 1; }

gens=$(sed -n '1s/^jitgen: \([0-9][0-9]*\) generations.*/\1/p' "$GOLDEN")
"$SCION" run -jit off -tb-size 1 --stats "$BIN" "$gens" >"$T/out" 2>"$T/err" || fail "scion exited with status $?"
cmp -s "$T/out" "$GOLDEN" || fail "jitgen $gens: output differs from $GOLDEN: $(tail -n 2 "$T/out")"
resets=$(sed -n 's/^scion stats: baseline tier: .* \([0-9][0-9]*\) arena resets.*/\1/p' "$T/err")
again=$(sed -n 's/^scion stats: translation: .* \([0-9][0-9]*\) translated again after an arena reset$/\1/p' "$T/err")
[ -n "$resets" ] && [ "$resets" -gt 0 ] || fail "the arena never started over (resets: '${resets}')"
[ -n "$again" ] && [ "$again" -gt 0 ] || fail "no live block was translated again (count: '${again}')"
echo "arena reset OK: $resets resets, $again blocks translated again"
