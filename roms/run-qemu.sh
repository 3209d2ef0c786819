#!/bin/sh
# Reference run: boot every test program under QEMU (the oracle the tests
# were checked against) and print each one's result line.
#
# Usage: roms/run-qemu.sh [ELFDIR]   (default: build into a temp dir first)
#   QEMU overrides the emulator binary (default qemu-system-arm);
#   TIMEOUT the seconds allowed per program (default 20).
# Exit status: 0 when every program printed PASS.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-arm}
TIMEOUT=${TIMEOUT:-20}
command -v "$QEMU" >/dev/null 2>&1 || { echo "run-qemu.sh: $QEMU not found" >&2; exit 1; }

if [ $# -ge 1 ]; then
    DIR=$1
else
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/scion-roms.XXXXXX")
    trap 'rm -rf "$DIR"' EXIT
    "$HERE/build.sh" "$DIR"
fi

status=0
for elf in "$DIR"/*.elf; do
    name=${elf##*/}
    name=${name%.elf}
    log=$(timeout "$TIMEOUT" "$QEMU" -M virt -cpu cortex-a15 -m 256M -nographic \
              -nic none -kernel "$elf" </dev/null 2>&1) && rc=0 || rc=$?
    result=$(printf '%s\n' "$log" | tr -d '\r' | grep -E '^(PASS|FAIL: )' | tail -n 1)
    [ -n "$result" ] || result="FAIL: no result line"
    if [ "$rc" = 124 ]; then
        result="$result (timed out after ${TIMEOUT}s)"
    elif [ "$rc" != 0 ]; then
        result="$result (qemu exit $rc)"
    fi
    printf '%-12s %s\n' "$name" "$result"
    case $result in PASS) ;; *) status=1; printf '%s\n' "$log" | sed 's/^/    | /' ;; esac
done
exit $status
