#!/bin/bash
# Regenerate tests/guest/golden/*.out from the reference emulator.
#
#   tests/guest/update_golden.sh BUILD_DIR [NAME...]
#
# Runs all five variants of each program under
# ${REF_RUNNER:-qemu-arm -L /usr/arm-linux-gnueabihf} (same environment as
# check.sh), requires all variants to print identical output and exit 0, and
# writes golden/NAME.out. If the ARM and Thumb outputs legitimately differ,
# write golden/NAME.arm.out and golden/NAME.thumb.out by hand instead (and
# document it in README.md); this script refuses to do that automatically.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [NAME...]" >&2
    exit 2
fi
BUILD=$(cd "$1" && pwd)
shift
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REF_RUNNER=${REF_RUNNER:-qemu-arm -L /usr/arm-linux-gnueabihf}
read -r -a RUNNER <<<"$REF_RUNNER"
VARIANTS=(arm-O0 arm-O2 thumb-O0 thumb-O2 static)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/guest-golden.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$SRCDIR/golden"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for src in "$SRCDIR"/*.c; do names+=("$(basename "$src" .c)"); done
fi

status=0
for name in "${names[@]}"; do
    first=""
    ok=1
    for v in "${VARIANTS[@]}"; do
        out="$WORK/$name.$v.out"
        mkdir -p "$WORK/run"
        rc=0
        (cd "$WORK/run" && exec env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C TZ=UTC \
            "GUEST_EXEC_WRAPPER=${RUNNER[*]}" timeout 60 "${RUNNER[@]}" "$BUILD/$name.$v" \
            </dev/null >"$out" 2>"$WORK/$name.$v.err") || rc=$?
        rm -rf "$WORK/run"
        if [ $rc -ne 0 ]; then
            echo "$name.$v: exit status $rc" >&2
            ok=0
        fi
        if [ -z "$first" ]; then
            first=$out
        elif ! cmp -s "$first" "$out"; then
            echo "$name.$v: output differs from $(basename "$first" .out)" >&2
            diff -u "$first" "$out" | head -n 20 >&2 || true
            ok=0
        fi
    done
    if [ $ok -eq 1 ]; then
        cp "$first" "$SRCDIR/golden/$name.out"
        echo "golden/$name.out: $(wc -l <"$first") lines"
    else
        status=1
    fi
done
exit $status
