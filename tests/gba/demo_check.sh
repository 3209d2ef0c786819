#!/bin/sh
# roms/gba/demo.gba (Breakout) driven headless by key scripts:
#  - the title screen (frame 20) differs from the game (frame 300);
#  - the game reacts to input: mirrored paddle moves give another frame 300;
#  - it is deterministic: the same script twice gives the same frame 300;
#  - save states continue exactly: frame 300 after saving at 150 and
#    loading in a fresh process equals frame 300 of one run.
#   tests/gba/demo_check.sh SCION ROM JIT_MODE
set -u
scion=$1 rom=$2 mode=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# START at 30, A (launch) at 60, paddle moves, A again after losing a ball.
keys="30:START,31:,60:A,61:,70:RIGHT,100:,120:LEFT,135:,180:A+LEFT,200:,230:RIGHT,250:"
mirror="30:START,31:,60:A,61:,70:LEFT,100:,120:RIGHT,135:,180:A+RIGHT,200:,230:LEFT,250:"

fail() {
    echo "FAIL: demo under -jit $mode: $*" >&2
    exit 1
}

# hash ARGS...: the frame hash line's digest of one headless run.
hash() {
    out=$(timeout 300 "$scion" gba -display none -jit "$mode" -jit-cache off -frame-hash "$@" "$rom" 2>&1) ||
        fail "scion exited with $? ($out)"
    h=$(printf '%s\n' "$out" | sed -n 's/^frame [0-9]* sha256 \([0-9a-f]\{64\}\)$/\1/p')
    [ -n "$h" ] || fail "no frame hash in: $out"
    echo "$h"
}

title=$(hash -frames 20 -keys "$keys") || exit 1
game=$(hash -frames 300 -keys "$keys") || exit 1
again=$(hash -frames 300 -keys "$keys") || exit 1
other=$(hash -frames 300 -keys "$mirror") || exit 1
echo "title  $title"
echo "game   $game"
echo "again  $again"
echo "mirror $other"
[ "$title" != "$game" ] || fail "the title screen and the game look the same"
[ "$game" = "$again" ] || fail "two runs with the same keys differ"
[ "$game" != "$other" ] || fail "different keys give the same frame (no reaction to input)"

hash -frames 150 -keys "$keys" -save-state-at 150 "$tmp/demo.state" >/dev/null || exit 1
[ -s "$tmp/demo.state" ] || fail "no save state written"
resumed=$(hash -load-state "$tmp/demo.state" -frames 150 -keys "$keys") || exit 1
echo "resumed $resumed"
[ "$resumed" = "$game" ] || fail "frame 300 after a save state at 150 differs from one run"
echo "demo OK under -jit $mode"
