#!/bin/bash
# Build the guest test programs for 32-bit ARM (armhf).
#
#   tests/guest/build.sh OUTDIR
#
# Every tests/guest/*.c is compiled in five variants:
#   NAME.arm-O0    -marm   -O0   (dynamically linked)
#   NAME.arm-O2    -marm   -O2
#   NAME.thumb-O0  -mthumb -O0
#   NAME.thumb-O2  -mthumb -O2
#   NAME.static    -mthumb -O2 -static
# all with -mcpu=cortex-a15 -mfpu=vfpv3-d16 -mfloat-abi=hard.
#
# Idempotent: a binary is rebuilt only when it is older than its source or
# than this script. Override the compiler with CC=..., parallelism with JOBS=N.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$SRCDIR/$(basename "${BASH_SOURCE[0]}")"
OUT=$1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

CC=${CC:-arm-linux-gnueabihf-gcc}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
COMMON=(-mcpu=cortex-a15 -mfpu=vfpv3-d16 -mfloat-abi=hard -std=gnu11 -Wall -g)
LIBS=(-lm)

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build.sh: compiler '$CC' not found (apt-get install gcc-arm-linux-gnueabihf libc6-dev-armhf-cross)" >&2
    exit 1
fi

variant_flags() {
    case $1 in
    arm-O0) echo "-marm -O0" ;;
    arm-O2) echo "-marm -O2" ;;
    thumb-O0) echo "-mthumb -O0" ;;
    thumb-O2) echo "-mthumb -O2" ;;
    static) echo "-mthumb -O2 -static" ;;
    *) return 1 ;;
    esac
}
VARIANTS=(arm-O0 arm-O2 thumb-O0 thumb-O2 static)

build_one() {
    local src=$1 variant=$2
    local name out tmp
    name=$(basename "$src" .c)
    out="$OUT/$name.$variant"
    if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$SELF" ]; then
        return 0
    fi
    tmp="$out.tmp.$$"
    # shellcheck disable=SC2046 # flags are intentionally word-split
    if "$CC" "${COMMON[@]}" $(variant_flags "$variant") -o "$tmp" "$src" "${LIBS[@]}"; then
        mv -f "$tmp" "$out"
        echo "  CC $name.$variant"
    else
        rm -f "$tmp"
        echo "build.sh: FAILED to build $name.$variant" >&2
        return 1
    fi
}

shopt -s nullglob
SRCS=("$SRCDIR"/*.c)
if [ ${#SRCS[@]} -eq 0 ]; then
    echo "build.sh: no sources in $SRCDIR" >&2
    exit 1
fi

failed=0
running=0
for src in "${SRCS[@]}"; do
    for v in "${VARIANTS[@]}"; do
        build_one "$src" "$v" &
        running=$((running + 1))
        if [ "$running" -ge "$JOBS" ]; then
            wait -n || failed=1
            running=$((running - 1))
        fi
    done
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done

if [ "$failed" -ne 0 ]; then
    echo "build.sh: some builds failed" >&2
    exit 1
fi
echo "build.sh: ${#SRCS[@]} programs x ${#VARIANTS[@]} variants up to date in $OUT"
