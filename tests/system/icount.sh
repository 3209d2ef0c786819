#!/bin/sh
# -icount makes a run deterministic: booting Debian's armmp kernel (to a
# deliberate "no init" panic, which reboots and ends scion) prints exactly
# the same console output, timestamps included, in the interpreter alone
# and with background compilation, whatever the host's load and however
# long LLVM takes.
# Usage: icount.sh SCION
set -eu
SCION=$1
. "$(dirname "$0")/debian_kernel.sh"
trap 'rm -rf "$W"' EXIT
for mode in off on; do
    timeout 600 "$SCION" virt -m 256M -kernel "$KERNEL" -initrd "$INITRD" \
        -append "console=ttyAMA0 rdinit=/nonexistent panic=-1" -icount 3 -rng-seed 1 -rtc-base 1790000000 \
        -jit "$mode" -jit-cache off </dev/null >"$W/$mode.out" 2>&1 ||
        { echo "icount: FAIL: scion -jit $mode exited with $?"; tail -20 "$W/$mode.out"; exit 1; }
done
grep -q "Kernel panic - not syncing: VFS: Unable to mount root fs" "$W/off.out" ||
    { echo "icount: FAIL: the boot did not reach the expected panic"; tail -20 "$W/off.out"; exit 1; }
grep -q "rtc-pl031 .*: setting system clock to 2026-09-21T" "$W/off.out" ||
    { echo "icount: FAIL: -rtc-base was not used"; grep rtc "$W/off.out"; exit 1; }
if ! cmp -s "$W/off.out" "$W/on.out"; then
    echo "icount: FAIL: -jit off and -jit on runs differ:"
    diff "$W/off.out" "$W/on.out" | head -20
    exit 1
fi
echo "icount: PASS ($(wc -l < "$W/off.out") identical console lines)"
