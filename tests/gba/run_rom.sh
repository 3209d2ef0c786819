#!/bin/sh
# One of the project's self-checking GBA test ROMs (roms/gba), headless:
# it must report PASS in its result word (roms/gba/README.md).
#   tests/gba/run_rom.sh SCION ROM JIT_MODE [FRAMES]
# JIT_MODE is a -jit mode, or interp for the IR interpreter alone.
set -u
scion=$1 rom=$2 mode=$3 frames=${4:-300}
case $mode in
interp) tier_opts="-jit off -baseline off" ;;
*) tier_opts="-jit $mode" ;;
esac
out=$(timeout 300 "$scion" gba -display none $tier_opts -jit-cache off -frames "$frames" -result -d unimp "$rom" 2>&1)
status=$?
printf '%s\n' "$out"
case $out in
*"result: PASS"*) [ $status -eq 0 ] && exit 0 ;;
esac
echo "FAIL: $(basename "$rom") under -jit $mode (exit status $status)" >&2
exit 1
