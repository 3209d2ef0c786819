#!/bin/sh
# Time from start to the initramfs's SCION-INIT-READY marker, booting
# Debian's armmp kernel with the project's busybox initramfs, under scion's
# virt board and under qemu-system-arm -M virt -cpu cortex-a15 (same
# kernel, initramfs and command line), side by side; then a CPU-bound job
# in the guest (sha256sum of 16 MiB from /dev/zero), timed by the guest.
# Usage: bench/virt_boot_bench.sh [RUNS]     (prints medians and ratios)
# SCION_OPTS adds options to both scion runs (e.g. "-jit off").
set -eu
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
SCION=${SCION:-$HERE/../build/scion}
SCION_OPTS=${SCION_OPTS:-}
paths=$("$HERE/../scripts/fetch-debian-kernel.sh")
KERNEL=$(echo "$paths" | sed -n 1p)
INITRD=$(echo "$paths" | sed -n 2p)
APPEND=${APPEND:-console=ttyAMA0}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }

for t in qemu-system-arm bc; do
    command -v "$t" >/dev/null || { echo "virt_boot_bench: $t missing: apt-get install -y qemu-system-arm bc" >&2; exit 1; }
done

# wait_for PATTERN INTERVAL: until the run's output has PATTERN; fails if
# the emulator has exited first (a hang here would hide its error).
wait_for() {
    until grep -q "$1" "$W/out" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "virt_boot_bench: $name exited before printing '$1':" >&2
            tail -n 5 "$W/out" >&2
            exit 1
        fi
        sleep "$2"
    done
}

# run_boot NAME COMMAND...: seconds to the marker; then the guest job; then poweroff.
run_boot() {
    name=$1; shift
    rm -f "$W/in" "$W/out"; mkfifo "$W/in"
    start=$(now)
    "$@" < "$W/in" > "$W/out" 2>&1 &
    pid=$!
    exec 3> "$W/in"
    wait_for SCION-INIT-READY 0.02
    t_boot=$(echo "$(now) - $start" | bc)
    wait_for "/ #" 0.05
    printf 'a=$(cut -d" " -f1 /proc/uptime); dd if=/dev/zero bs=1M count=16 2>/dev/null | sha256sum; b=$(cut -d" " -f1 /proc/uptime); echo "JOB $a $b"\n' >&3
    wait_for "^JOB" 0.05
    t_job=$(grep "^JOB" "$W/out" | tr -d '\r' | awk '{print $3 - $2}')
    printf 'poweroff -f\n' >&3
    wait $pid || true
    exec 3>&-
    echo "$name $t_boot $t_job"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for i in $(seq "$RUNS"); do
    run_boot qemu qemu-system-arm -M virt -cpu cortex-a15 -m 256M -nographic -nic none \
        -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND"
    rm -rf "$W/cache"
    # shellcheck disable=SC2086  # SCION_OPTS is a list of options
    run_boot scion-cold "$SCION" virt -m 256M -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND" \
        -jit-cache "$W/cache" $SCION_OPTS
    # shellcheck disable=SC2086
    run_boot scion-warm "$SCION" virt -m 256M -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND" \
        -jit-cache "$W/cache" $SCION_OPTS
done > "$W/results"
for k in qemu scion-cold scion-warm; do
    b=$(grep "^$k " "$W/results" | awk '{print $2}' | median)
    j=$(grep "^$k " "$W/results" | awk '{print $3}' | median)
    echo "$k boot_to_marker_s=$b sha256_16MiB_s=$j"
done | tee "$W/summary"
qb=$(awk '/^qemu /{print $2}' "$W/summary" | cut -d= -f2)
awk -v RUNS="$RUNS" '
    { split($2, b, "="); split($3, j, "="); B[$1] = b[2]; J[$1] = j[2] }
    END {
        printf "boot to marker: scion cold / qemu = %.2f, scion warm / qemu = %.2f (medians of %d)\n", B["scion-cold"] / B["qemu"], B["scion-warm"] / B["qemu"], RUNS
        printf "sha256sum 16 MiB in the guest: scion (warm) / qemu = %.2f\n", J["scion-warm"] / J["qemu"]
    }' "$W/summary"
