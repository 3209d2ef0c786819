#!/bin/sh
# Long fuzzing run: every fuzz target (or those named) for SECONDS each,
# default 600 (10 minutes), through tests/fuzz/run.sh (which replays the
# regression inputs first and fails on any crash, printing the reproducer).
#
#   bench/fuzz_long.sh [SECONDS] [TARGET...]
#   FUZZ_JOBS=4 bench/fuzz_long.sh 3600 fuzz_virtio
set -eu
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-600}
[ $# -gt 0 ] && shift
exec "$here/../tests/fuzz/run.sh" "$seconds" "$@"
