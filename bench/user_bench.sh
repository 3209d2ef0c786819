#!/bin/bash
# Side-by-side user-mode benchmark: the same Debian armhf programs under
# scion and under qemu-arm (Debian's qemu-user), and the native amd64 build
# where the host has it.  Prints median wall times over RUNS runs, the
# scion/qemu-arm ratio, peak RSS, and scion's instruction rate.
#
# Usage: bench/user_bench.sh [RUNS] [SIZE_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SIZE_MB=${2:-4}
SYSROOT=$(scripts/fetch-debian-armhf.sh | tail -n 1)
SCION=${SCION:-build/scion}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# Deterministic, compressible input: text-like lines from a fixed LCG.
awk -v mb="$SIZE_MB" 'BEGIN {
    split("alpha beta gamma delta scion arm thumb vfp block cache", w, " ")
    x = 12345; n = 0; limit = mb * 1024 * 1024
    while (n < limit) {
        x = (x * 1103515245 + 12345) % 2147483648
        s = w[x % 10 + 1] ((x % 7 == 0) ? "\n" : " ")
        printf "%s", s; n += length(s)
    }
}' >"$W/input"
bzip2 -9 -k -c "$W/input" >"$W/input.bz2"
xz -6 -T1 -k -c "$W/input" >"$W/input.xz"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_cmd OUT_PREFIX CMD...: median seconds and max RSS (KiB) of RUNS runs
time_cmd() {
    local times=() rss=0 r t
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null 2>"$W/err" || { echo "FAILED: $* ($(tail -1 "$W/err"))" >&2; echo "nan 0"; return; }
        read -r t r <"$W/t"
        times+=("$t")
        ((r > rss)) && rss=$r
    done
    echo "$(printf '%s\n' "${times[@]}" | median) $rss"
}

ARM="$SYSROOT/usr/bin"
declare -A WORK=(
    ["bzip2 -9"]="bzip2 -9 -c $W/input"
    ["bzip2 -d"]="bzip2 -d -c $W/input.bz2"
    ["xz -d"]="xz -d -T1 -c $W/input.xz"
    ["sha256sum"]="sha256sum $W/input"
)
printf '%-12s %10s %10s %10s %8s %8s %10s %10s\n' workload native_s qemu_s scion_s scion/qemu scion/nat qemu_rssK scion_rssK
for name in "bzip2 -9" "bzip2 -d" "xz -d" "sha256sum"; do
    read -r prog args <<<"${WORK[$name]}"
    read -r nat _ <<<"$(time_cmd "$prog" $args)"
    read -r qemu qrss <<<"$(time_cmd qemu-arm -L "$SYSROOT" "$ARM/$prog" $args)"
    read -r sc srss <<<"$(time_cmd "$SCION" run -L "$SYSROOT" "$ARM/$prog" $args)"
    printf '%-12s %10s %10s %10s %8.2f %8.2f %10s %10s\n' "$name" "$nat" "$qemu" "$sc" \
        "$(awk -v a="$sc" -v b="$qemu" 'BEGIN{print a/b}')" "$(awk -v a="$sc" -v b="$nat" 'BEGIN{print a/b}')" \
        "$qrss" "$srss"
done
