#!/bin/sh
# Boot Debian 12's armmp kernel with the project's busybox initramfs on the
# virt board and use it as a person would: uname, /proc/cpuinfo, mount,
# dmesg, sha256sum of a virtio disk, date, writes to a disk image (and to
# one with snapshot=on), then poweroff -f, which must end scion with 0.
#
# Usage: boot_linux.sh SCION [JIT-MODE]
# Environment: VIRT_OPTS, more scion options (word-split).
# Expected values come from the host: the disk's sha256 from sha256sum(1),
# the year from date(1), the written bytes read back from the image file.
set -eu
SCION=$1
JIT=${2:-on}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$HERE/../..
TIMEOUT=${BOOT_TIMEOUT:-240}

paths=$("$TOP/scripts/fetch-debian-kernel.sh") || { echo "boot_linux: cannot fetch the kernel" >&2; exit 1; }
KERNEL=$(echo "$paths" | sed -n 1p)
INITRD=$(echo "$paths" | sed -n 2p)

W=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$W"' EXIT
# Disk 1: 1 MiB of known bytes, read-only check; disk 2: written by the
# guest; disk 3: written by the guest with snapshot=on (file unchanged).
i=0
while [ $i -lt 16384 ]; do printf 'scion-disk-line-%08d-abcdefghijklmnopqrstuvwxyz01234\n' $i; i=$((i + 1)); done > "$W/data.img"
dd if=/dev/zero of="$W/rw.img" bs=1024 count=1024 2>/dev/null
dd if=/dev/zero of="$W/snap.img" bs=1024 count=1024 2>/dev/null
DATA_SUM=$(sha256sum < "$W/data.img" | cut -d' ' -f1)
SNAP_SUM=$(sha256sum < "$W/snap.img" | cut -d' ' -f1)

mkfifo "$W/in"
"$SCION" virt -m 256M -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyAMA0" -jit "$JIT" -jit-cache off ${VIRT_OPTS:-} \
    -drive file="$W/data.img",if=virtio,readonly=on -drive file="$W/rw.img",if=virtio \
    -drive file="$W/snap.img",if=virtio,snapshot=on < "$W/in" > "$W/out" 2>&1 &
PID=$!
exec 3> "$W/in"

fail() {
    echo "boot_linux: FAIL: $*" >&2
    echo "--- console (last 40 lines) ---" >&2
    tail -n 40 "$W/out" >&2
    exit 1
}

# Wait until the console shows the fixed string $1 (at most TIMEOUT seconds).
wait_for() {
    t=0
    while ! grep -qF -- "$1" "$W/out"; do
        kill -0 $PID 2>/dev/null || fail "scion exited before '$1'"
        [ $t -lt $((TIMEOUT * 10)) ] || fail "timed out waiting for '$1'"
        sleep 0.1
        t=$((t + 1))
    done
}

# The console so far, without the CRs of the guest's terminal line discipline.
console() {
    tr -d '\r' < "$W/out"
}

n=0
# Run a shell command in the guest; its output ends before the marker line.
run() {
    n=$((n + 1))
    printf '%s; echo "@@""done-%d"\n' "$1" $n >&3
    wait_for "@@done-$n"
}

wait_for "SCION-INIT-READY"
wait_for "/ #"
run "uname -a"
console | grep -q "Linux (none) 6.1.0-.*-armmp .* armv7l" || fail "uname -a"
run "cat /proc/cpuinfo"
console | grep -q "model name.*ARMv7 Processor" && console | grep -q "CPU implementer.*0x41" || fail "/proc/cpuinfo"
run "mount"
console | grep -q "^proc on /proc type proc" || fail "mount"
run "dmesg | grep -c virtio"
run "dmesg | grep -q 'vda' && echo dmesg-saw-vda"
console | grep -q "^dmesg-saw-vda" || fail "dmesg does not mention vda"
run "sha256sum /dev/vda"
console | grep -q "^$DATA_SUM  /dev/vda" || fail "sha256sum of /dev/vda (want $DATA_SUM)"
run "date +%Y"
console | grep -q "^$(date -u +%Y)\$" || fail "date"
run "echo scion-wrote-this | dd of=/dev/vdb bs=512 seek=3 conv=notrunc,fsync 2>/dev/null"
run "echo scion-snapshot | dd of=/dev/vdc bs=512 seek=3 conv=notrunc,fsync 2>/dev/null"
run "dd if=/dev/vdc bs=512 skip=3 count=1 2>/dev/null | head -c 14; echo"
console | grep -q "^scion-snapshot\$" || fail "snapshot disk does not read back the guest's write"
printf 'poweroff -f\n' >&3
t=0
while kill -0 $PID 2>/dev/null; do
    [ $t -lt 300 ] || fail "scion still running 30 s after poweroff -f"
    sleep 0.1
    t=$((t + 1))
done
status=0
wait $PID || status=$?
[ $status -eq 0 ] || fail "scion exited with $status after poweroff -f"
[ "$(dd if="$W/rw.img" bs=512 skip=3 count=1 2>/dev/null | head -c 16)" = "scion-wrote-this" ] ||
    fail "the guest's write is not in rw.img"
[ "$(sha256sum < "$W/snap.img" | cut -d' ' -f1)" = "$SNAP_SUM" ] || fail "snapshot=on changed snap.img"
echo "boot_linux: PASS (-jit $JIT)"
