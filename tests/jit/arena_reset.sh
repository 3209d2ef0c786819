#!/bin/sh
# A full code arena starts over: blocks that are still live are compiled
# again, and in the default mode, where blocks drop their IR once compiled,
# they are first translated again from their guest bytes.  jitgen (which
# keeps generating and running new code) in a 1 MiB arena (-tb-size 1)
# must print exactly the golden output (qemu-arm's), having reset the arena
# and retranslated live blocks, both counted by --stats.
# Usage: arena_reset.sh SCION JITGEN_STATIC GOLDEN
set -u
SCION=$1
BIN=$2
GOLDEN=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "arena_reset: $*" >&2; exit 1; }

"$SCION" run -jit off -tb-size 1 --stats "$BIN" >"$T/out" 2>"$T/err" || fail "scion exited with status $?"
cmp -s "$T/out" "$GOLDEN" || fail "output differs from $GOLDEN"
resets=$(sed -n 's/^scion stats: baseline tier: .* \([0-9][0-9]*\) arena resets.*/\1/p' "$T/err")
again=$(sed -n 's/^scion stats: translation: .* \([0-9][0-9]*\) translated again after an arena reset$/\1/p' "$T/err")
[ -n "$resets" ] && [ "$resets" -gt 0 ] || fail "the arena never started over (resets: '${resets}')"
[ -n "$again" ] && [ "$again" -gt 0 ] || fail "no live block was translated again (count: '${again}')"
echo "arena reset OK: $resets resets, $again blocks translated again"
