#!/bin/sh
# Live migration between two scion processes on this machine, sharing a
# writable disk image.
#
# The source boots Debian's armmp kernel with the busybox initramfs's
# `counter` workload (a line "count N" every 3 ms of guest time, forever);
# the target waits with -incoming.  Once the guest has counted a while,
# the source's monitor gets `migrate unix:...`; the guest keeps counting
# during the pre-copy.  Then the console output of source and target
# together must hold every count exactly once, in order, with the target
# continuing where the source stopped; the source reports rounds, bytes
# and downtime and stays stopped (postmigrate).
#
# A second migration to a target that is not there fails and leaves the
# source running.
#
# Usage: migrate_linux.sh SCION
set -eu
SCION=$1
. "$(dirname "$0")/debian_kernel.sh"
SRC_PID="" DST_PID=""
cleanup() {
    for p in $SRC_PID $DST_PID; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT

fail() {
    echo "migrate-linux: FAIL: $*"
    for f in src.err dst.err; do [ -f "$W/$f" ] && { echo "--- $f"; tail -5 "$W/$f"; }; done
    exit 1
}

# monitor SOCKET COMMAND...: runs each command, prints the replies.
monitor() {
    python3 - "$@" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(600):
    try:
        s.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.1)
def until_prompt():
    buf = b''
    while not buf.endswith(b'(scion) '):
        c = s.recv(4096)
        if not c: break
        buf += c
    return buf.decode(errors='replace')
until_prompt()
for cmd in sys.argv[2:]:
    s.sendall((cmd + '\n').encode())
    sys.stdout.write(until_prompt().replace('(scion) ', ''))
EOF
}

wait_for() { # FILE PATTERN SECONDS
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le $(($3 * 10)) ] || fail "timed out waiting for '$2' in $(basename "$1")"
        sleep 0.1
    done
}

# A writable disk, shared by both processes: the target takes its lock over
# when the source has stopped for good.
dd if=/dev/zero of="$W/disk.img" bs=1M count=1 2>/dev/null
DRIVE="file=$W/disk.img,if=virtio"
"$SCION" virt -m 256M -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyAMA0 scion.run=counter" \
    -drive "$DRIVE" -jit-cache off -monitor "unix:$W/src.mon" </dev/null >"$W/src.out" 2>"$W/src.err" &
SRC_PID=$!
"$SCION" virt -m 256M -drive "$DRIVE" -jit-cache off -incoming "unix:$W/mig.sock" -monitor "unix:$W/dst.mon" \
    </dev/null >"$W/dst.out" 2>"$W/dst.err" &
DST_PID=$!
wait_for "$W/src.out" "^count 200[[:space:]]*\$" 600
wait_for "$W/dst.err" "waiting for a migration" 60

# A target that does not exist: refused at once, the guest runs on.
monitor "$W/src.mon" "migrate unix:$W/nobody.sock" "info status" >"$W/bad.txt"
grep -q "error: migration not started" "$W/bad.txt" || { cat "$W/bad.txt"; fail "a migration to nowhere was not refused"; }
grep -q "VM status: running" "$W/bad.txt" || fail "the source stopped after a failed migration"

monitor "$W/src.mon" "migrate unix:$W/mig.sock" >"$W/mig.txt"
wait_for "$W/src.err" "migration completed\|migration failed" 120
grep -q "migration completed" "$W/src.err" || fail "the migration failed"
wait_for "$W/dst.err" "incoming migration loaded" 30
sleep 0.5
# The notice is for the monitor and stderr: with no monitor client left it
# must not land in the guest's console output, between two of its lines.
grep -aq "migration completed" "$W/src.out" && fail "the migration's notice went into the guest's console output"
grep -q "still locked" "$W/dst.err" && fail "the target could not take the disk's lock over"
last=$(grep -a '^count' "$W/src.out" | tail -1)
# Let the target count on for a while.
n=$(grep -ac '^count' "$W/src.out")
wait_for "$W/dst.out" "^count $((n + 100))[[:space:]]*\$" 120
monitor "$W/src.mon" "info status" "info migrate" >"$W/src-status.txt"
grep -q "VM status: postmigrate" "$W/src-status.txt" || fail "the source is not stopped after migrating"
monitor "$W/dst.mon" "info status" "quit" >"$W/dst-status.txt" || true
grep -q "VM status: running" "$W/dst-status.txt" || fail "the target is not running"
monitor "$W/src.mon" "quit" >/dev/null || true
wait "$SRC_PID" || true
wait "$DST_PID" || true
SRC_PID="" DST_PID=""

# Every count once, in order, across the two outputs (a line may be split
# between them: the guest can stop in the middle of printing it).
cat "$W/src.out" "$W/dst.out" | tr -d '\r' | grep -a '^count' | awk '
    { if ($2 != NR - 1) { printf "count %d where %d was due\n", $2, NR - 1; bad = 1; exit 1 } }
    END { if (!bad) printf "%d counts in sequence\n", NR }' >"$W/seq.txt" || { cat "$W/seq.txt"; fail "the count sequence breaks"; }
after=$(grep -ac '^count' "$W/dst.out")
[ "$after" -ge 100 ] || fail "the target printed only $after counts"
echo "migrate-linux: $(cat "$W/seq.txt"); source stopped at '$last', target printed $after more"
echo "migrate-linux: $(grep -o 'migration completed.*' "$W/src.err")"
echo "migrate-linux: PASS"
