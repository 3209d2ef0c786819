#!/bin/sh
# The project's bare-metal system tests (roms/) on the virt board: each
# program checks architectural facts itself and ends with PASS or FAIL.
# Usage: roms.sh SCION ROM_DIR JIT_MODE [NAME...]   (default: every program)
# JIT_MODE is a -jit mode, or interp for the IR interpreter alone.
set -u
SCION=$1
DIR=$2
JIT=$3
shift 3
case $JIT in
interp) tier_opts="-jit off -baseline off" ;;
*) tier_opts="-jit $JIT" ;;
esac
names=${*:-$(cd "$DIR" && ls *.elf | sed 's/\.elf$//')}
fail=0
for name in $names; do
    rom=$DIR/$name.elf
    out=$(timeout 120 "$SCION" virt -kernel "$rom" $tier_opts -jit-cache off </dev/null 2>&1)
    rc=$?
    last=$(printf '%s\n' "$out" | tr -d '\r' | tail -n 1)
    if [ $rc -eq 0 ] && [ "$last" = "PASS" ]; then
        echo "PASS $name (-jit $JIT)"
    else
        echo "FAIL $name (-jit $JIT, status $rc):"
        printf '%s\n' "$out" | grep -v '^  ok' | tail -n 20
        fail=1
    fi
done
exit $fail
