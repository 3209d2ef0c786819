#!/bin/sh
# Regenerates tests/gba/ppu_golden.txt from mGBA, the independent oracle
# for the PPU scene ROMs (roms/gba/ppu_*.c).
#
#   tests/gba/make_golden.sh ROMDIR [OUT]
#
# ROMDIR holds the built scenes (roms/gba/build.sh ROMDIR); OUT defaults
# to tests/gba/ppu_golden.txt.  Needs Debian's mgba-sdl (0.10), Xvfb,
# xdotool and ImageMagick:
#   apt-get install -y mgba-sdl xvfb xauth xdotool imagemagick
#
# How the picture is taken: mGBA runs each ROM under Xvfb with -1 (a
# window of exactly 240x160, one screen pixel per GBA pixel) and no
# window manager, so the window sits at a known place on the root
# window; after a few seconds (well over 60 frames: the scenes are static
# from their first frames on) the root window is grabbed with `import`
# and the window's 240x160 cropped out, twice, half a second apart, and
# the two must agree.  mGBA's own screenshot key (F12) would be nicer,
# but key events injected with xdotool (XTEST or XSendEvent) never reach
# mGBA's SDL window under a bare Xvfb, with or without a window manager.
#
# Colours: scion's -frame-hash expands a 5-bit component c to
# (c << 3) | (c >> 2), and so does mGBA 0.10 for plain colours: ppu_mode3
# shows all 32768 colours once and mGBA's picture hashes the same as
# scion's without any conversion.  But mGBA computes colour effects
# (alpha, brighten, darken) at 8-bit precision, so its blended pixels are
# not 15-bit colours at all (brightening 3 by 8/16 gives 139, between the
# expansions of 17 and 18).  A GBA shows 5 bits per component, so every
# channel is cut to its top 5 bits and expanded again by scion's rule
# before hashing; the blending scenes keep every effect result an exact
# integer, and for those the top 5 bits of mGBA's value are that integer
# (roms/gba/ppu_blend.h).  For the other scenes the conversion changes
# nothing.
#
# Each line of OUT: ROM name, frame count for scion, SHA-256 of the RGB
# bytes row by row (what scion's -frame-hash prints).
set -eu

[ $# -ge 1 ] || { echo "usage: $0 ROMDIR [OUT]" >&2; exit 2; }
ROMDIR=$1
OUT=${2:-$(cd "$(dirname "$0")" && pwd)/ppu_golden.txt}
FRAMES=60
SCENES=${PPU_SCENES:-"ppu_text ppu_affine1 ppu_affine2 ppu_mode3 ppu_mode4 ppu_mode5 ppu_obj1d
 ppu_obj2d ppu_window ppu_alpha ppu_brighten ppu_darken ppu_mosaic"}
MGBA=${MGBA:-/usr/games/mgba}

for tool in "$MGBA" Xvfb xdotool import convert python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "make_golden.sh: $tool not found" >&2; exit 1; }
done

tmp=$(mktemp -d)
xvfb_pid=
mgba_pid=
cleanup() {
    [ -z "$mgba_pid" ] || kill "$mgba_pid" 2>/dev/null || true
    [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A display of our own: Xvfb picks a free number and writes it to fd 5.
Xvfb -displayfd 5 -screen 0 320x240x24 -nolisten tcp 5>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { echo "make_golden.sh: Xvfb did not start" >&2; exit 1; }
DISPLAY=:$(cat "$tmp/display")
export DISPLAY
# No audio device: mGBA's dummy SDL audio keeps it running at full speed.
export SDL_AUDIODRIVER=dummy

# The RGB bytes of a 240x160 PNG with every channel re-expanded from its
# top 5 bits by scion's rule, hashed.
hash_png() {
    convert "$1" -depth 8 rgb:- | python3 -c '
import hashlib, sys
data = sys.stdin.buffer.read()
assert len(data) == 240 * 160 * 3, len(data)
table = bytes(((b >> 3) << 3) | (b >> 5) for b in range(256))
print(hashlib.sha256(data.translate(table)).hexdigest())'
}

# Grabs mGBA's window from the root window into $2.
grab() {
    import -window root "$tmp/root.png"
    convert "$tmp/root.png" -crop "240x160+$1" +repage "$2"
}

# Runs one scene in mGBA and prints the hash of its picture.
capture() {
    rom=$1
    mkdir -p "$tmp/run"
    rm -rf "$tmp/run/"* "$tmp/cfg"
    cp "$ROMDIR/$rom.gba" "$tmp/run/"
    # A fresh configuration each time, so no saved window size applies.
    XDG_CONFIG_HOME=$tmp/cfg "$MGBA" -1 "$tmp/run/$rom.gba" >"$tmp/mgba.log" 2>&1 &
    mgba_pid=$!
    wid=$(timeout 20 xdotool search --sync --onlyvisible --class mgba | head -1)
    [ -n "$wid" ] || { echo "make_golden.sh: no mGBA window for $rom" >&2; exit 1; }
    sleep 3
    eval "$(xdotool getwindowgeometry --shell "$wid")"
    [ "$WIDTH" = 240 ] && [ "$HEIGHT" = 160 ] ||
        { echo "make_golden.sh: mGBA window is ${WIDTH}x$HEIGHT, not 240x160" >&2; exit 1; }
    grab "$X+$Y" "$tmp/$rom-a.png"
    sleep 0.5
    grab "$X+$Y" "$tmp/$rom-b.png"
    kill "$mgba_pid"
    wait "$mgba_pid" 2>/dev/null || true
    mgba_pid=
    a=$(hash_png "$tmp/$rom-a.png")
    b=$(hash_png "$tmp/$rom-b.png")
    [ "$a" = "$b" ] || { echo "make_golden.sh: $rom is not static in mGBA" >&2; exit 1; }
    [ -z "${KEEP_PNG:-}" ] || cp "$tmp/$rom-a.png" "$KEEP_PNG/$rom.mgba.png"
    echo "$a"
}

{
    echo "# PPU scene ROM, frames to run, SHA-256 of mGBA's picture (tests/gba/make_golden.sh)"
    for rom in $SCENES; do
        echo "$rom $FRAMES $(capture "$rom")"
    done
} >"$tmp/golden"
mv "$tmp/golden" "$OUT"
echo "make_golden.sh: wrote $OUT"
