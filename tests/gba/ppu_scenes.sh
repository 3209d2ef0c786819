#!/bin/sh
# The PPU scene ROMs (roms/gba/ppu_*.c) against mGBA's pictures: for each
# line of tests/gba/ppu_golden.txt (ROM, frames, SHA-256, made by
# make_golden.sh), run scion headless for that many frames and compare
# its -frame-hash.  On a mismatch scion's picture is kept as a PNG in a
# temporary directory, named in the output, for a look side by side with
# mGBA's.
#   tests/gba/ppu_scenes.sh SCION ROMDIR JIT_MODE [GOLDEN]
set -u
[ $# -ge 3 ] || { echo "usage: $0 SCION ROMDIR JIT_MODE [GOLDEN]" >&2; exit 2; }
scion=$1 romdir=$2 mode=$3
golden=${4:-$(cd "$(dirname "$0")" && pwd)/ppu_golden.txt}
[ -r "$golden" ] || { echo "ppu_scenes.sh: cannot read $golden" >&2; exit 2; }

shots=$(mktemp -d "${TMPDIR:-/tmp}/ppu_scenes.XXXXXX")
failed=0 count=0
while read -r rom frames want; do
    case $rom in '' | '#'*) continue ;; esac
    count=$((count + 1))
    png=$shots/$rom.png
    out=$(timeout 120 "$scion" gba -display none -jit "$mode" -jit-cache off -frames "$frames" \
        -frame-hash -screenshot "$png" "$romdir/$rom.gba" 2>&1)
    got=$(printf '%s\n' "$out" | sed -n "s/^frame $frames sha256 \([0-9a-f]*\)$/\1/p")
    if [ "$got" = "$want" ]; then
        echo "ok   $rom"
        rm -f "$png"
    else
        echo "FAIL $rom: scion ${got:-(no hash)}, mGBA $want; scion's picture: $png"
        [ -n "$got" ] || printf '%s\n' "$out"
        failed=$((failed + 1))
    fi
done <"$golden"

if [ "$failed" -ne 0 ]; then
    echo "ppu_scenes.sh: $failed of $count scenes differ from mGBA under -jit $mode" >&2
    exit 1
fi
rmdir "$shots"
[ "$count" -gt 0 ] || { echo "ppu_scenes.sh: no scenes in $golden" >&2; exit 1; }
echo "ppu_scenes.sh: all $count scenes match under -jit $mode"
