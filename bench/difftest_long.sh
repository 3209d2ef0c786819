#!/bin/bash
# Long differential-testing runs of scion against Unicorn (tests/difftest):
# 1,000,000 A32 and 1,000,000 T32 single instructions, 100,000 blocks of 5
# and 10,000 blocks of 100, each split into JOBS shards with their own seeds
# and run in parallel.  Failures (minimized reproducers for --replay) go to
# OUT/*.log; the last line is the total "N passed, M failed, K skipped".
#
# Usage: bench/difftest_long.sh [OUT_DIR]
# Environment: DIFFTEST (binary, default build/tests/difftest/difftest),
#   TIER (interp|jit|both, default both), JOBS (default nproc), SEED (base
#   seed, default 1000), SCALE (divides every count, e.g. 100 for a smoke run).
# With TIER=both the LLVM tier dominates (it compiles every block): about
# 4 ms per single instruction and 0.1 s per block of 100 on one core.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-difftest-long.$(date +%Y%m%d-%H%M%S)}
DIFFTEST=${DIFFTEST:-build/tests/difftest/difftest}
TIER=${TIER:-both}
JOBS=${JOBS:-$(nproc)}
SEED=${SEED:-1000}
SCALE=${SCALE:-1}
mkdir -p "$OUT"
if [ ! -x "$DIFFTEST" ]; then
    echo "difftest_long: $DIFFTEST not built (needs libunicorn-dev; ninja -C build)" >&2
    exit 2
fi

# name isa block count
RUNS="a32-single a32 1 1000000
t32-single t32 1 1000000
block5 both 5 100000
block100 both 100 10000"

shard=0
while read -r name isa block count; do
    count=$((count / SCALE))
    per=$(((count + JOBS - 1) / JOBS))
    for ((j = 0; j < JOBS; j++)); do
        n=$((count - j * per < per ? count - j * per : per))
        [ "$n" -gt 0 ] || continue
        shard=$((shard + 1))
        log="$OUT/$name.$j.log"
        "$DIFFTEST" --seed "$((SEED + shard))" --count "$n" --isa "$isa" --block "$block" \
            --tier "$TIER" --max-fail 50 >"$log" 2>&1 &
        # Keep at most JOBS runs going.
        while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    done
done <<<"$RUNS"
wait

passed=0 failed=0 skipped=0
for log in "$OUT"/*.log; do
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "difftest_long: $log has no summary (crashed?)" >&2
        failed=$((failed + 1))
        continue
    fi
    read -r p _ f _ s _ <<<"${line//,/}"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    [ "$f" -eq 0 ] || echo "difftest_long: failures in $log" >&2
done
echo "logs in $OUT"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
