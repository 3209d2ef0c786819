#!/bin/sh
# The guest may close its stderr (ls and xz do before exiting); scion's own
# messages must still reach the stderr scion was started with.  Debian's
# busybox sh closes fd 2, then writes to it: the write fails in the guest
# (status 1, as any shell reports it) and --stats still appears.
# Usage: own_stderr.sh SCION [SYSROOT]   (SYSROOT: as tests/debian/run_busybox.sh)
. "$(dirname "$0")/../sysroot_test.sh"

"$SCION" run --stats "$SYSROOT/bin/busybox" sh -c 'exec 2>&-; echo out; echo err >&2; echo status $?' \
    >"$T/out" 2>"$T/err" || fail "scion exited with status $?"
printf 'out\nstatus 1\n' | cmp -s - "$T/out" || fail "guest stdout differs: $(cat "$T/out")"
grep -q '^scion stats: .* guest instructions' "$T/err" || fail "no --stats after the guest closed stderr"
! grep -q '^err$' "$T/err" || fail "the guest wrote to the stderr it had closed"
echo "own stderr OK"
