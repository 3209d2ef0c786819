#!/bin/bash
# Run every built guest test binary under RUNNER and compare stdout with the
# golden output.
#
#   tests/guest/check.sh RUNNER BUILD_DIR [NAME...]
#
# RUNNER is a command prefix, word-split on spaces, e.g.
#   "qemu-arm -L /usr/arm-linux-gnueabihf"
#   "build/scion run -L /usr/arm-linux-gnueabihf"
# (an empty string runs the binaries directly, e.g. on an ARM host).
# Optional NAMEs restrict the run to those programs (e.g. "vfp signals").
#
# Prints one "PASS name.variant" / "FAIL name.variant (...)" line per binary
# and finally exactly "N passed, M failed". Exit status is non-zero on any
# failure.
#
# Golden file lookup for NAME.VARIANT: golden/NAME.arm.out (for arm-* variants)
# or golden/NAME.thumb.out (for thumb-* and static) if present, else
# golden/NAME.out.
#
# Each binary runs in a fresh empty working directory with a minimal fixed
# environment (PATH, LC_ALL=C, TZ=UTC; no HOME; plus any variables named in
# GUEST_CHECK_PASSENV), stdin from /dev/null and a timeout of
# ${TEST_TIMEOUT:-20} seconds. Exit status must be 0.  GUEST_RUNS=N runs
# every binary N times in a row (a runner with a cache: later runs use it).
#
# fork_exec re-executes itself via /proc/self/exe. qemu-arm without
# binfmt_misc cannot do that, so when the runner is qemu-arm*, the variable
# GUEST_EXEC_WRAPPER="$RUNNER" is passed to the guest, which then retries the
# exec through the wrapper. Other runners must support the exec natively.
set -uo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 RUNNER BUILD_DIR [NAME...]" >&2
    exit 2
fi

RUNNER_STR=$1
BUILD=$2
shift 2
FILTER=("$@")

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GOLDEN="$SRCDIR/golden"
TIMEOUT=${TEST_TIMEOUT:-20}
RUNS=${GUEST_RUNS:-1}

if [ ! -d "$BUILD" ]; then
    echo "check.sh: build dir '$BUILD' not found (run tests/guest/build.sh first)" >&2
    exit 2
fi
BUILD=$(cd "$BUILD" && pwd)

read -r -a RUNNER <<<"$RUNNER_STR"
# make a relative runner path (e.g. build/scion) work from the temp cwd
if [ ${#RUNNER[@]} -gt 0 ] && [[ ${RUNNER[0]} == */* ]] && [ -e "${RUNNER[0]}" ]; then
    RUNNER[0]=$(cd "$(dirname "${RUNNER[0]}")" && pwd)/$(basename "${RUNNER[0]}")
fi

EXTRA_ENV=()
# GUEST_CHECK_PASSENV="VAR1 VAR2": host variables to pass through to the runner
for v in ${GUEST_CHECK_PASSENV:-}; do
    if [ -n "${!v+x}" ]; then EXTRA_ENV+=("$v=${!v}"); fi
done
if [ ${#RUNNER[@]} -gt 0 ] && [[ $(basename "${RUNNER[0]}") == qemu-arm* ]]; then
    EXTRA_ENV+=("GUEST_EXEC_WRAPPER=${RUNNER[*]}")
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/guest-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

VARIANTS=(arm-O0 arm-O2 thumb-O0 thumb-O2 static)
# GUEST_VARIANTS="static thumb-O2" restricts the run to those variants.
if [ -n "${GUEST_VARIANTS:-}" ]; then
    read -r -a VARIANTS <<<"$GUEST_VARIANTS"
fi
pass=0
fail=0

golden_for() {
    local name=$1 variant=$2 isa
    case $variant in
    arm-*) isa=arm ;;
    *) isa=thumb ;;
    esac
    if [ -f "$GOLDEN/$name.$isa.out" ]; then
        echo "$GOLDEN/$name.$isa.out"
    else
        echo "$GOLDEN/$name.out"
    fi
}

shopt -s nullglob
for src in "$SRCDIR"/*.c; do
    name=$(basename "$src" .c)
    if [ ${#FILTER[@]} -gt 0 ]; then
        want=0
        for f in "${FILTER[@]}"; do [ "$f" = "$name" ] && want=1; done
        [ $want -eq 1 ] || continue
    fi
    for v in "${VARIANTS[@]}"; do
        bin="$BUILD/$name.$v"
        id="$name.$v"
        if [ ! -x "$bin" ]; then
            echo "FAIL $id (binary missing)"
            fail=$((fail + 1))
            continue
        fi
        gold=$(golden_for "$name" "$v")
        if [ ! -f "$gold" ]; then
            echo "FAIL $id (no golden file $(basename "$gold"))"
            fail=$((fail + 1))
            continue
        fi
        for ((round = 1; round <= RUNS; round++)); do
        ((RUNS > 1)) && id="$name.$v (run $round)"
        run="$WORK/run.$id"
        mkdir -p "$run"
        (
            cd "$run" &&
                exec env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C TZ=UTC "${EXTRA_ENV[@]}" \
                    timeout -k 5 "$TIMEOUT" "${RUNNER[@]}" "$bin" </dev/null
        ) >"$WORK/$id.stdout" 2>"$WORK/$id.stderr"
        rc=$?
        if ! cmp -s "$gold" "$WORK/$id.stdout"; then
            echo "FAIL $id (output differs from $(basename "$gold"), exit status $rc)"
            diff -u "$gold" "$WORK/$id.stdout" | head -n 30 | sed 's/^/    /'
            if [ -s "$WORK/$id.stderr" ]; then
                echo "    --- stderr:"
                head -n 10 "$WORK/$id.stderr" | sed 's/^/    /'
            fi
            fail=$((fail + 1))
        elif [ $rc -ne 0 ]; then
            echo "FAIL $id (exit status $rc)"
            head -n 10 "$WORK/$id.stderr" | sed 's/^/    /'
            fail=$((fail + 1))
        else
            echo "PASS $id"
            pass=$((pass + 1))
        fi
        rm -rf "$run"
        done
    done
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
