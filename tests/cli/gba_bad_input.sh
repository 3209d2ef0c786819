#!/bin/sh
# Bad input to `scion gba`: ROMs that are empty, truncated, oversized or not
# GBA ROMs, a BIOS of the wrong size, a corrupt save file (which must be
# left as it was), save states that are truncated, corrupt or for another
# ROM, bad options.  Each must give a clear message naming the problem and
# a non-zero exit status below 124 (no crash, no hang); a warning case
# must run and keep its input intact.
# Usage: gba_bad_input.sh SCION ROM (a valid ROM, e.g. roms/gba's cpu_arm)
set -u
SCION=$1 ROM=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAX_LINES=3
. "$(cd "$(dirname "$0")" && pwd)/expect.sh"

: >"$T/empty.gba"
head -c 100 "$ROM" >"$T/short.gba"
head -c $((33 * 1024 * 1024)) /dev/zero >"$T/huge.gba"
head -c 4096 /dev/urandom | tr '\226' 'x' >"$T/noise.gba" # no 0x96 anywhere
printf '\000\000\000\000' | dd of="$T/noise.gba" bs=1 seek=0 conv=notrunc 2>/dev/null
head -c 1000 /dev/zero >"$T/bios-small.bin"
cp "$ROM" "$T/game.gba"
head -c 1234 /dev/urandom >"$T/game.sav"
cp "$T/game.sav" "$T/game.sav.orig"

expect empty-rom "shorter than" "$SCION" gba -display none -frames 1 "$T/empty.gba"
expect short-rom "shorter than" "$SCION" gba -display none -frames 1 "$T/short.gba"
expect huge-rom "32 MiB" "$SCION" gba -display none -frames 1 "$T/huge.gba"
expect not-a-rom "not a GBA ROM" "$SCION" gba -display none -frames 1 "$T/noise.gba"
expect missing-rom "No such file" "$SCION" gba -display none -frames 1 "$T/nope.gba"
expect bios-size "not a 16 KiB GBA BIOS" "$SCION" gba -display none -frames 1 -bios "$T/bios-small.bin" "$ROM"
expect no-rom "no ROM" "$SCION" gba -display none
expect bad-option "unknown option" "$SCION" gba -bogus "$ROM"
expect bad-display "unknown -display" "$SCION" gba -display vga "$ROM"
expect jit-check "jit check is not available" "$SCION" gba -display none -frames 1 -jit check "$ROM"
expect bad-keys "bad -keys" "$SCION" gba -display none -frames 1 -keys "5:JUMP" "$ROM"

# Save states: good one first, then damaged copies.
"$SCION" gba -display none -frames 5 -save-state-at 5 "$T/good.ss" "$ROM" >/dev/null 2>&1
head -c 2000 "$T/good.ss" >"$T/truncated.ss"
cp "$T/good.ss" "$T/flipped.ss"
printf 'Z' | dd of="$T/flipped.ss" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect truncated-state "truncated" "$SCION" gba -display none -frames 1 -load-state "$T/truncated.ss" "$ROM"
expect corrupt-state "CRC\|corrupt\|checksum" "$SCION" gba -display none -frames 1 -load-state "$T/flipped.ss" "$ROM"
cp "$ROM" "$T/other.gba"
printf 'X' | dd of="$T/other.gba" bs=1 seek=300 conv=notrunc 2>/dev/null
expect foreign-state "another ROM" "$SCION" gba -display none -frames 1 -load-state "$T/good.ss" "$T/other.gba"
expect not-a-state "not a\|snapshot" "$SCION" gba -display none -frames 1 -load-state "$ROM" "$ROM"

# A corrupt save file: a warning, the game runs, the file is untouched.
out=$(timeout 20 "$SCION" gba -display none -frames 3 "$T/game.gba" 2>&1)
if [ $? -eq 0 ] && printf '%s' "$out" | grep -q "not a GBA save size" && cmp -s "$T/game.sav" "$T/game.sav.orig"; then
    pass=$((pass + 1))
    echo "PASS corrupt-save-kept"
else
    fail=$((fail + 1))
    echo "FAIL corrupt-save-kept: $out"
fi

echo "gba bad input: $pass passed, $fail failed"
[ $fail -eq 0 ]
