#!/bin/sh
# Build the fuzz targets and run each for SECONDS on a copy of its seed
# corpus, after replaying its regression inputs.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]      (default: all targets)
#
# Environment: FUZZ_BUILD_DIR  build here instead of a temporary directory
#              FUZZ_TIMEOUT    seconds one input may take (default 10)
#              FUZZ_JOBS       parallel fuzzing processes per target (default 1)
# Exits non-zero if any regression input or new input crashes, times out,
# leaks or runs out of memory; the reproducer's path is printed (it lives
# in the temporary work directory, which is then kept).  The repository is
# never modified: the corpus is copied and new inputs stay in the copy.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 SECONDS [TARGET...]" >&2
    exit 2
fi
seconds=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
targets=${*:-fuzz_elf fuzz_boot fuzz_fdt fuzz_virtio fuzz_snapshot fuzz_gba_rom fuzz_tcache}
timeout=${FUZZ_TIMEOUT:-10}
jobs=${FUZZ_JOBS:-1}

work=$(mktemp -d "${TMPDIR:-/tmp}/scion-fuzz.XXXXXX")
keep=0
cleanup() {
    if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "run.sh: work directory kept: $work" >&2; fi
}
trap cleanup EXIT
build=${FUZZ_BUILD_DIR:-$work/bin}
# shellcheck disable=SC2086 # one argument per target
"$here/build.sh" "$build" $targets >/dev/null

# fuzz_elf makes its private sysroot under TMPDIR: keep it in the work dir.
export TMPDIR="$work"
# A fresh crash must stop the run with a non-zero status; ASan/UBSan
# reports go to stderr, which is saved per target.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=""
report_artifacts() {
    for a in "$1"/crash-* "$1"/timeout-* "$1"/oom-* "$1"/leak-* "$1"/slow-unit-*; do
        [ -e "$a" ] && echo "run.sh: $2: reproducer $a (replay: $build/$2 $a)" >&2
    done
    return 0
}

for t in $targets; do
    bin=$build/$t
    log=$work/$t.log
    regress=$here/regressions/$t
    if [ -d "$regress" ] && [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
        for input in "$regress"/*; do
            if ! "$bin" -timeout="$timeout" -runs=1 "$input" >"$log.regress" 2>&1; then
                echo "run.sh: $t: regression input fails: $input (log: $log.regress)" >&2
                tail -n 30 "$log.regress" >&2
                failed="$failed $t"
                keep=1
            fi
        done
    fi
    corpus=$work/corpus-$t
    art=$work/artifacts-$t
    mkdir -p "$corpus" "$art"
    cp "$here/corpus/$t"/* "$corpus"/
    echo "run.sh: fuzzing $t for ${seconds}s" >&2
    status=0
    if [ "$jobs" -gt 1 ]; then
        "$bin" -max_total_time="$seconds" -timeout="$timeout" -artifact_prefix="$art/" -print_final_stats=1 \
            -jobs="$jobs" -workers="$jobs" "$corpus" >"$log" 2>&1 || status=$?
        cat "$work"/fuzz-*.log >>"$log" 2>/dev/null || true
        rm -f "$work"/fuzz-*.log
    else
        "$bin" -max_total_time="$seconds" -timeout="$timeout" -artifact_prefix="$art/" -print_final_stats=1 \
            "$corpus" >"$log" 2>&1 || status=$?
    fi
    grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$log" | tail -n 1 >&2 || true
    grep -E "stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log" >&2 || true
    if [ "$status" != 0 ] || [ -n "$(ls -A "$art")" ]; then
        echo "run.sh: $t FAILED (exit $status); log: $log" >&2
        grep -E "ERROR: |SUMMARY: |runtime error|Test unit written" "$log" | head -n 10 >&2 || true
        report_artifacts "$art" "$t"
        failed="$failed $t"
        keep=1
    fi
done

if [ -n "$failed" ]; then
    echo "run.sh: failures in:$failed" >&2
    exit 1
fi
echo "run.sh: all targets ran ${seconds}s without a failure" >&2
