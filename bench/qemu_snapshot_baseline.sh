#!/bin/sh
# qemu-system-arm's snapshot costs on the guest scion's virt board uses
# (Debian's armmp kernel + the project's busybox initramfs, 256 MiB, -cpu
# cortex-a15), as a baseline to put next to scion's own snapshot figures.
#
# Each round boots a fresh qemu on a fresh qcow2 disk, waits for the
# initramfs's SCION-INIT-READY marker on the serial port, then drives the
# HMP monitor (UNIX socket, tiny python3 client) to measure:
#   savevm snap1    wall time until the monitor prompt returns, the growth of
#                   the qcow2 file, and the snapshot's vm-state-size
#   loadvm snap1    wall time until the prompt returns with the VM running
#   migrate         live migration to a second qemu started with -incoming
#                   unix:SOCK (same disk image, as with shared storage):
#                   `migrate -d`, then `info migrate` polled until completed;
#                   qemu's own total time, downtime and RAM transferred
# and, in the first round only, the "zlib reference size": guest RAM
# (pmemsave of 0x40000000..+256 MiB on the source, stopped after the
# migration), all-zero 4 KiB pages dropped, the rest concatenated and
# compressed with zlib at levels 6 and 1.
# savevm is the first snapshot after boot, so its time includes qemu's first
# read of never-touched guest RAM (host page faults); under load that is
# most of it.
#
# Usage: bench/qemu_snapshot_baseline.sh [RUNS]   (RUNS defaults to 3)
# Prints "qemu KEY VALUE" lines, medians over RUNS (each run's values go to
# stderr as "runs: KEY V1 V2 ...").
# Environment:
#   MIGRATE_BW  migrate max-bandwidth in bytes/s (default 100G, in effect
#               unthrottled; qemu 7.2's own default, 128 MiB/s, would put a
#               floor of ~0.3 s under the ~37 MB this guest sends);
#               "default" keeps qemu's setting
#   BOOT_TIMEOUT  seconds to wait for SCION-INIT-READY (default 120)
# Needs qemu-system-arm, qemu-img (apt-get install -y qemu-utils), python3.
set -eu
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
MIGRATE_BW=${MIGRATE_BW:-100G}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
MEM=256M
RAM_BASE=0x40000000
RAM_SIZE=0x10000000

die() { echo "qemu_snapshot_baseline: error: $*" >&2; exit 1; }
for t in qemu-system-arm qemu-img python3; do
    command -v "$t" >/dev/null 2>&1 || case $t in
        qemu-img) die "qemu-img missing: apt-get install -y qemu-utils" ;;
        *) die "$t missing" ;;
    esac
done

. "$HERE/lib.sh"
bench_kernel

bench_workdir

# HMP client: hmp.py SOCK CMD prints CMD's output (echo, escape sequences
# and the prompt removed); with -t it prints the seconds from sending CMD
# to the prompt coming back instead, and the output on stderr.
cat > "$W/hmp.py" <<'EOF'
import re, socket, sys, time
timed = sys.argv[1] == "-t"
sock, cmd = sys.argv[1 + timed:3 + timed]
s = socket.socket(socket.AF_UNIX)
s.settimeout(600)
s.connect(sock)
def until_prompt():
    buf = b""
    while not buf.endswith(b"(qemu) "):
        d = s.recv(65536)
        if not d:
            sys.exit("hmp: monitor closed the connection")
        buf += d
    return buf[:-7].decode(errors="replace")
until_prompt()
t0 = time.monotonic()
s.sendall(cmd.encode() + b"\n")
out = until_prompt()
dt = time.monotonic() - t0
out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).replace("\r", "")
out = out.split("\n", 1)[1] if "\n" in out else ""   # drop the echoed command
if timed:
    print("%.3f" % dt)
    sys.stderr.write(out)   # normally empty: savevm/loadvm print only errors
else:
    print(out, end="")
EOF

# Non-zero 4 KiB pages of a RAM dump: their size and zlib-6 / zlib-1 sizes.
cat > "$W/zref.py" <<'EOF'
import sys, zlib
zero, pages = bytes(4096), []
with open(sys.argv[1], "rb") as f:
    while (p := f.read(4096)):
        if p != zero[:len(p)]:
            pages.append(p)
data = b"".join(pages)
print("qemu ram_nonzero_bytes", len(data))
print("qemu ram_nonzero_zlib6_bytes", len(zlib.compress(data, 6)))
print("qemu ram_nonzero_zlib1_bytes", len(zlib.compress(data, 1)))
EOF

hmp() { python3 "$W/hmp.py" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fsize() { stat -c %s "$1"; }

# start_qemu NAME EXTRA...: a qemu on $W/NAME.{mon,serial}; sets QPID.
start_qemu() {
    name=$1; shift
    rm -f "$W/$name.mon" "$W/$name.serial"
    qemu-system-arm -M virt -cpu cortex-a15 -m "$MEM" -nographic -nic none \
        -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND" \
        -drive file="$W/disk.qcow2",if=virtio,format=qcow2 \
        -monitor unix:"$W/$name.mon",server,nowait \
        -serial file:"$W/$name.serial" "$@" \
        </dev/null >"$W/$name.log" 2>&1 &
    QPID=$!
    PIDS="$PIDS $QPID"
}

# wait_for SECONDS WHAT TEST...: poll TEST until it succeeds, die on timeout
# or when qemu $QPID has exited.
wait_for() {
    limit=$1 what=$2; shift 2
    end=$(($(date +%s) + limit))
    until "$@"; do
        kill -0 "$QPID" 2>/dev/null ||
            die "qemu exited while waiting for $what: $(cat "$W"/*.log 2>/dev/null)"
        [ "$(date +%s)" -lt "$end" ] || die "timed out after ${limit}s waiting for $what"
        sleep 0.05
    done
}
ready() { grep -q SCION-INIT-READY "$W/src.serial" 2>/dev/null; }

# stop_qemu NAME PID: HMP quit, then make sure it is gone.
stop_qemu() {
    hmp "$W/$1.mon" quit >/dev/null 2>&1 || true
    sleep 0.2
    kill "$2" 2>/dev/null || true
    wait "$2" 2>/dev/null || true
    PIDS=$(echo " $PIDS " | sed "s/ $2 / /")
}

vm_status() { hmp "$1" "info status" | tr -d '\n'; }

# On the source after the migration (stopped, RAM intact): a pmemsave before
# savevm would fault in all of guest RAM on the host and make that round's
# savevm several times faster than the others.  The filename is quoted, or
# HMP's expression parser takes its '/' for a division.
zlib_reference() {
    out=$(hmp "$W/src.mon" "pmemsave $RAM_BASE $RAM_SIZE \"$W/guest.ram\"")
    [ -z "$out" ] || die "pmemsave: $out"
    [ "$(fsize "$W/guest.ram")" -eq $((RAM_SIZE)) ] || die "pmemsave wrote $(fsize "$W/guest.ram") bytes"
    python3 "$W/zref.py" "$W/guest.ram" > "$W/zref"
    rm -f "$W/guest.ram"
}

measure_savevm() {
    before=$(fsize "$W/disk.qcow2")
    t=$(hmp -t "$W/src.mon" "savevm snap1")
    after=$(fsize "$W/disk.qcow2")
    vmstate=$(qemu-img info -U --output=json "$W/disk.qcow2" | python3 -c \
        'import json,sys; print(json.load(sys.stdin)["snapshots"][0]["vm-state-size"])')
    echo "savevm_s $t"
    echo "savevm_qcow2_growth_bytes $((after - before))"
    echo "savevm_vmstate_bytes $vmstate"
}

# loadvm resumes a VM that was running; should it not, `cont` is timed too.
measure_loadvm() {
    t=$(hmp -t "$W/src.mon" "loadvm snap1")
    case $(vm_status "$W/src.mon") in
        *running*) ;;
        *) t=$(echo "$t + $(hmp -t "$W/src.mon" cont)" | bc) ;;
    esac
    echo "loadvm_s $t"
}

# Live migration to a second qemu; prints total/downtime/bytes as qemu reports them.
measure_migrate() {
    src=$QPID
    start_qemu dst -incoming unix:"$W/mig.sock"
    dst=$QPID
    wait_for 30 "the incoming qemu" test -S "$W/mig.sock"
    wait_for 30 "the incoming qemu's monitor" test -S "$W/dst.mon"
    QPID=$src
    [ "$MIGRATE_BW" = default ] || hmp "$W/src.mon" "migrate_set_parameter max-bandwidth $MIGRATE_BW" >/dev/null
    hmp "$W/src.mon" "migrate -d unix:$W/mig.sock" >/dev/null
    end=$(($(date +%s) + 120))
    while :; do
        hmp "$W/src.mon" "info migrate" > "$W/info"
        st=$(sed -n 's/^Migration status: //p' "$W/info")
        case $st in
            completed) break ;;
            failed|cancelled) die "migration $st: $(cat "$W/info")" ;;
        esac
        [ "$(date +%s)" -lt "$end" ] || die "timed out after 120s waiting for the migration (status $st)"
        sleep 0.05
    done
    QPID=$dst
    wait_for 30 "the migrated VM to run" sh -c "python3 '$W/hmp.py' '$W/dst.mon' 'info status' | grep -q running"
    awk '/^total time:/ {print "migrate_total_ms", $3}
         /^downtime:/ {print "migrate_downtime_ms", $2}
         /^transferred ram:/ {print "migrate_bytes", $3 * 1024}' "$W/info"
    stop_qemu dst "$dst"
}

# round N: one boot, the three measurements (and the zlib reference in round 1).
round() {
    rm -f "$W/disk.qcow2"
    qemu-img create -q -f qcow2 "$W/disk.qcow2" 64M
    start_qemu src
    src=$QPID
    wait_for "$BOOT_TIMEOUT" SCION-INIT-READY ready
    wait_for 10 "the monitor socket" test -S "$W/src.mon"
    sleep 1     # let the shell start and the guest go idle
    measure_savevm
    measure_loadvm
    measure_migrate
    [ "$1" -ne 1 ] || zlib_reference
    stop_qemu src "$src"
}

for i in $(seq "$RUNS"); do
    round "$i"
done > "$W/results"
for k in savevm_s savevm_qcow2_growth_bytes savevm_vmstate_bytes loadvm_s \
         migrate_downtime_ms migrate_total_ms migrate_bytes; do
    runs=$(awk -v k="$k" '$1 == k {print $2}' "$W/results")
    echo "qemu $k $(echo "$runs" | median)"
    echo "runs: $k $(echo "$runs" | tr "\n" " ")" >&2
done
cat "$W/zref"
echo "# medians of $RUNS; qemu $(qemu-system-arm --version | sed -n 's/.*version \([^ ]*\).*/\1/p'), migrate max-bandwidth $MIGRATE_BW, migrate_bytes = 'transferred ram' (KiB resolution)"
