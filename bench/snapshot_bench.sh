#!/bin/sh
# scion's snapshot costs on a 256 MiB guest booted to its shell, against the
# snapshot issue's targets and, side by side, qemu-system-arm on the same
# guest (bench/qemu_snapshot_baseline.sh):
#
#   save     under 0.3 s
#   restore  under 0.15 s, the restored machine running again
#   size     snapshot file <= 1.1x the zlib-6 size of the guest's non-zero pages
#   migrate  downtime under 50 ms with an idle guest
#
# One scion boots Debian's armmp kernel with the project's busybox initramfs
# (scripts/fetch-debian-kernel.sh), -m 256M -jit-cache off, with its monitor
# on a UNIX socket; SETTLE seconds after SCION-INIT-READY (the shell idle)
# the monitor gets, over a tiny python3 client:
#   savevm FILE   RUNS times: scion's own seconds ("saved F: N bytes in S s")
#                 and the wall time of the command's round trip
#   loadvm FILE   RUNS times, likewise ("loaded F in S s": reading, checking
#                 and committing the state; the machine runs right after,
#                 checked with `info status`)
#   migrate       RUNS times, each to a fresh `scion virt -incoming unix:...`
#                 which then becomes the next round's source (a source stops
#                 for good once it has migrated); rounds, pages, bytes, total
#                 and downtime from the source's "migration completed" line
# The size reference is computed from the snapshot file itself, not by
# scion's compressor: python3 reads the stream (snapshot/stream.h,
# snapshot/ram.h; CRCs checked), inflates every page record, drops all-zero
# pages, concatenates the rest in address order and compresses that with
# zlib at level 6 (and 1), as the qemu baseline does with a pmemsave dump.
#
# Usage: bench/snapshot_bench.sh [RUNS]    (RUNS defaults to 3)
# Prints "scion KEY VALUE" lines (medians over RUNS; each run's values go to
# stderr as "runs: KEY V1 V2 ..."), then unless QEMU=0 the baseline's
# "qemu KEY VALUE" lines, a side-by-side table and the targets met or not.
# Figures are noisy on a loaded machine: the load average is printed at the
# start and at the end.
# Environment:
#   SCION         the executable (default build/scion; copied at the start so
#                 that a rebuild during the run cannot mix two builds)
#   QEMU=0        scion's figures only
#   SETTLE        seconds to let the guest go idle after boot and after each
#                 migration (default 2)
#   BOOT_TIMEOUT  seconds to wait for SCION-INIT-READY (default 300; also
#                 passed to the qemu baseline)
#   MON_TIMEOUT   seconds to wait for a monitor reply (default 120)
# Needs python3; the qemu side needs qemu-system-arm and qemu-img.
set -eu
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
SCION=${SCION:-$HERE/../build/scion}
QEMU=${QEMU:-1}
SETTLE=${SETTLE:-2}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
MON_TIMEOUT=${MON_TIMEOUT:-120}
MIGRATE_TIMEOUT=120
export MON_TIMEOUT

die() { echo "snapshot_bench: error: $*" >&2; exit 1; }
note() { echo "snapshot_bench: $*" >&2; }

case $RUNS in ''|*[!0-9]*|0) die "RUNS must be a positive number, not '$RUNS'" ;; esac
[ -x "$SCION" ] || die "no scion executable at $SCION (build it, or set SCION)"
command -v python3 >/dev/null 2>&1 || die "python3 missing"
if [ "$QEMU" != 0 ]; then
    for t in qemu-system-arm qemu-img; do
        command -v "$t" >/dev/null 2>&1 || die "$t missing (apt-get install -y qemu-system-arm qemu-utils), or run with QEMU=0"
    done
fi

. "$HERE/lib.sh"
bench_kernel

bench_workdir

LOAD_START=$(cat /proc/loadavg)
SCION_BUILT=$(date -r "$SCION" '+%Y-%m-%d %H:%M:%S')
cp "$SCION" "$W/scion"

# Monitor client: mon.py [-t] SOCK CMD prints the reply to CMD (the text
# before the next "(scion) " prompt); with -t a first line "WALL S" gives
# the seconds from sending CMD to the prompt coming back.
cat > "$W/mon.py" <<'EOF'
import os, socket, sys, time
args = sys.argv[1:]
timed = args[0] == "-t"
sock, cmd = args[timed:timed + 2]
limit = float(os.environ.get("MON_TIMEOUT", "120"))
PROMPT = b"(scion) "
s = socket.socket(socket.AF_UNIX)
for i in range(100):
    try:
        s.connect(sock)
        break
    except OSError as e:
        if i == 99:
            sys.exit("monitor %s: cannot connect: %s" % (sock, e))
        time.sleep(0.1)
s.settimeout(limit)
def until_prompt(what):
    buf = b""
    while not buf.endswith(PROMPT):
        try:
            d = s.recv(65536)
        except socket.timeout:
            sys.exit("monitor %s: no prompt within %gs after %s (got %r)" % (sock, limit, what, buf[-200:]))
        if not d:
            sys.exit("monitor %s: scion closed the connection after %s (got %r)" % (sock, what, buf[-200:]))
        buf += d
    return buf[:-len(PROMPT)].decode(errors="replace")
until_prompt("connecting")     # the banner
t0 = time.monotonic()
s.sendall(cmd.encode() + b"\n")
out = until_prompt("'%s'" % cmd)
dt = time.monotonic() - t0
if timed:
    print("WALL %.4f" % dt)
sys.stdout.write(out)
EOF

# The snapshot file's RAM, independently of scion's loader: its non-zero
# pages and their zlib sizes, plus how the file divides into sections.
cat > "$W/zref.py" <<'EOF'
import struct, sys, zlib
PAGE, CHUNK = 4096, 64
data = open(sys.argv[1], "rb").read()
def fail(msg):
    sys.exit("zref: %s: %s" % (sys.argv[1], msg))
if data[:8] != b"SCIONSNP":
    fail("not a scion snapshot")
version, tlen = struct.unpack_from("<II", data, 8)
text = data[16:16 + tlen]
if struct.unpack_from("<I", data, 16 + tlen)[0] != zlib.crc32(text):
    fail("header CRC mismatch")
pos, nsect, ram_size = 20 + tlen, 0, None
pages = {}                        # page number -> contents (non-zero only)
ram_payload = other_payload = 0
while True:
    magic = data[pos:pos + 4]
    if magic == b"END.":
        count, crc = struct.unpack_from("<II", data, pos + 4)
        if count != nsect or crc != zlib.crc32(data[pos:pos + 8]):
            fail("bad end marker")
        pos += 12
        break
    if magic != b"SECT":
        fail("no section at offset %d" % pos)
    (nlen,) = struct.unpack_from("<H", data, pos + 4)
    name = data[pos + 6:pos + 6 + nlen].decode()
    inst, ver, plen = struct.unpack_from("<IIQ", data, pos + 6 + nlen)
    p0 = pos + 6 + nlen + 16
    payload = data[p0:p0 + plen]
    if struct.unpack_from("<I", data, p0 + plen)[0] != zlib.crc32(data[pos + 4:p0 + plen]):
        fail("section %s at offset %d: CRC mismatch" % (name, pos))
    nsect += 1
    pos = p0 + plen + 4
    if name != "ram":
        other_payload += plen
        continue
    ram_payload += plen
    (size,) = struct.unpack_from("<Q", payload, 0)
    if ram_size not in (None, size):
        fail("ram sections disagree on the RAM size")
    ram_size, q = size, 8
    while q < len(payload):
        index, zmask, dmask, clen = struct.unpack_from("<IQQI", payload, q)
        q += 24
        raw = zlib.decompress(payload[q:q + clen]) if dmask else b""
        q += clen
        if zmask:
            fail("a full snapshot holding zero-page records")
        bits = [i for i in range(CHUNK) if dmask >> i & 1]
        if len(raw) != PAGE * len(bits):
            fail("chunk %d: %d bytes for %d pages" % (index, len(raw), len(bits)))
        for k, i in enumerate(bits):
            pg = raw[k * PAGE:(k + 1) * PAGE]
            if pg.count(0) != PAGE:
                pages[index * CHUNK + i] = pg
if pos != len(data):
    fail("%d bytes after the end marker" % (len(data) - pos))
nz = b"".join(pages[n] for n in sorted(pages))
print("ram_size_bytes", ram_size)
print("ram_nonzero_pages", len(pages))
print("ram_nonzero_bytes", len(nz))
print("ram_nonzero_zlib6_bytes", len(zlib.compress(nz, 6)))
print("ram_nonzero_zlib1_bytes", len(zlib.compress(nz, 1)))
print("file_ram_payload_bytes", ram_payload)
print("file_other_payload_bytes", other_payload)
print("file_sections", nsect)
EOF

mon() { python3 "$W/mon.py" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

# start_scion NAME ARGS...: a scion with its monitor on $W/NAME.mon, output
# in $W/NAME.{out,err}; sets SPID.
start_scion() {
    name=$1; shift
    rm -f "$W/$name.mon"
    "$W/scion" virt -m 256M -jit-cache off -monitor "unix:$W/$name.mon" "$@" \
        </dev/null >"$W/$name.out" 2>"$W/$name.err" &
    SPID=$!
    PIDS="$PIDS $SPID"
}

# wait_for SECONDS WHAT NAME PID TEST...: poll TEST; die on a timeout or
# when scion NAME (PID) has exited, with the end of its stderr.
wait_for() {
    limit=$1 what=$2 wname=$3 wpid=$4; shift 4
    end=$(($(date +%s) + limit))
    until "$@"; do
        if ! kill -0 "$wpid" 2>/dev/null; then
            die "scion ($wname) exited while waiting for $what; its stderr ends:
$(tail -5 "$W/$wname.err" 2>/dev/null)"
        fi
        [ "$(date +%s)" -lt "$end" ] ||
            die "timed out after ${limit}s waiting for $what (scion $wname); its stderr ends:
$(tail -5 "$W/$wname.err" 2>/dev/null)"
        sleep 0.05
    done
}
has() { grep -q "$2" "$W/$1" 2>/dev/null; }

# stop_scion NAME PID: monitor quit, then make sure it is gone.
stop_scion() {
    mon "$W/$1.mon" quit >/dev/null 2>&1 || true
    i=0
    while kill -0 "$2" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill "$2" 2>/dev/null || true
    wait "$2" 2>/dev/null || true
    PIDS=$(echo " $PIDS " | sed "s/ $2 / /")
}

status_running() { mon "$W/$1.mon" "info status" | grep -q "VM status: running"; }

R=$W/results
: > "$R"
SNAP=$W/snap.scion

# --- boot ------------------------------------------------------------------
t0=$(now)
start_scion s0 -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND"
CUR=s0 CPID=$SPID
wait_for "$BOOT_TIMEOUT" SCION-INIT-READY s0 "$CPID" has s0.out SCION-INIT-READY
echo "boot_to_marker_s $(echo "$(now) $t0" | awk '{printf "%.2f", $1 - $2}')" >> "$R"
wait_for 10 "the monitor socket" s0 "$CPID" test -S "$W/s0.mon"
sleep "$SETTLE"

# --- savevm ------------------------------------------------------------------
for i in $(seq "$RUNS"); do
    out=$(mon -t "$W/$CUR.mon" "savevm $SNAP")
    line=$(echo "$out" | grep "^saved ") || die "savevm: $out"
    wall=$(echo "$out" | sed -n 's/^WALL //p')
    n=$(echo "$line" | sed -n 's/.*: \([0-9]*\) bytes in .*/\1/p')
    s=$(echo "$line" | sed -n 's/.* bytes in \([0-9.]*\) s.*/\1/p')
    [ -n "$n" ] && [ -n "$s" ] || die "cannot parse the savevm reply: $line"
    size=$(stat -c %s "$SNAP")
    [ "$size" -eq "$n" ] || die "savevm said $n bytes, the file has $size"
    echo "savevm_s $s" >> "$R"
    echo "savevm_wall_s $wall" >> "$R"
    echo "snapshot_bytes $size" >> "$R"
    sleep 0.5
done

python3 "$W/zref.py" "$SNAP" > "$W/zref" || die "reading the snapshot file failed"

# --- loadvm ------------------------------------------------------------------
for i in $(seq "$RUNS"); do
    out=$(mon -t "$W/$CUR.mon" "loadvm $SNAP")
    line=$(echo "$out" | grep "^loaded ") || die "loadvm: $out"
    wall=$(echo "$out" | sed -n 's/^WALL //p')
    s=$(echo "$line" | sed -n 's/.* in \([0-9.]*\) s$/\1/p')
    [ -n "$s" ] || die "cannot parse the loadvm reply: $line"
    status_running "$CUR" || die "the machine is not running after loadvm: $(mon "$W/$CUR.mon" "info status")"
    echo "loadvm_s $s" >> "$R"
    echo "loadvm_wall_s $wall" >> "$R"
    sleep 0.5
done
sleep "$SETTLE"

# --- live migration -------------------------------------------------------------
for i in $(seq "$RUNS"); do
    tgt=m$i
    start_scion "$tgt" -incoming "unix:$W/mig$i.sock"
    TPID=$SPID
    wait_for 60 "the target to listen" "$tgt" "$TPID" has "$tgt.err" "waiting for a migration"
    out=$(mon "$W/$CUR.mon" "migrate unix:$W/mig$i.sock")
    echo "$out" | grep -q "^migration to .* started" || die "migrate: $out"
    wait_for "$MIGRATE_TIMEOUT" "the migration to finish" "$CUR" "$CPID" \
        has "$CUR.err" "migration completed\|migration failed"
    line=$(grep -o "migration completed.*\|migration failed.*" "$W/$CUR.err" | tail -1)
    case $line in "migration failed"*) die "round $i: $line" ;; esac
    wait_for 30 "the target to load the machine" "$tgt" "$TPID" has "$tgt.err" "incoming migration loaded"
    status_running "$tgt" || die "the target is not running after the migration: $(mon "$W/$tgt.mon" "info status")"
    grep "^DBG" "$W/$CUR.err" | sed "s/^/migration $i: /" >&2 || true
    echo "$line" | awk '{
        for (k = 1; k <= NF; k++) {
            v = $k; sub(/,$/, "", v)
            if ($(k + 1) ~ /^rounds/) print "migrate_rounds", v
            if ($(k + 1) ~ /^pages/) print "migrate_pages", v
            if ($(k + 1) ~ /^bytes/) print "migrate_bytes", v
            if ($k == "total") print "migrate_total_ms", $(k + 1) * 1000
            if ($k == "downtime") print "migrate_downtime_ms", $(k + 1)
        } }' >> "$R"
    stop_scion "$CUR" "$CPID"
    CUR=$tgt CPID=$TPID
    sleep "$SETTLE"
done
stop_scion "$CUR" "$CPID"

# --- scion's figures -------------------------------------------------------------
{
    echo "# scion $SCION (built $SCION_BUILT), 256 MiB, -jit-cache off; medians of $RUNS"
    echo "# loadavg at the start: $LOAD_START"
    for k in boot_to_marker_s savevm_s savevm_wall_s loadvm_s loadvm_wall_s snapshot_bytes \
             migrate_downtime_ms migrate_total_ms migrate_bytes migrate_pages migrate_rounds; do
        runs=$(awk -v k="$k" '$1 == k {print $2}' "$R")
        echo "runs: $k $(echo "$runs" | tr '\n' ' ')" >&2
        echo "scion $k $(echo "$runs" | median)"
    done
    sed 's/^/scion /' "$W/zref"
} > "$W/scion"
snap_bytes=$(awk '$2 == "snapshot_bytes" {print $3}' "$W/scion")
z6=$(awk '$1 == "ram_nonzero_zlib6_bytes" {print $2}' "$W/zref")
echo "scion size_ratio_vs_zlib6 $(awk -v a="$snap_bytes" -v b="$z6" 'BEGIN {printf "%.3f", a / b}')" >> "$W/scion"
cat "$W/scion"

# --- qemu --------------------------------------------------------------------------
if [ "$QEMU" = 0 ]; then
    : > "$W/qemu"
else
    BOOT_TIMEOUT=$BOOT_TIMEOUT "$HERE/qemu_snapshot_baseline.sh" "$RUNS" > "$W/qemu" ||
        die "bench/qemu_snapshot_baseline.sh failed (QEMU=0 skips it)"
    cat "$W/qemu"
fi

# --- side by side, and the targets ---------------------------------------------------
echo
cat "$W/scion" "$W/qemu" | awk -v have_qemu="$([ "$QEMU" = 0 ] && echo 0 || echo 1)" '
    $1 == "scion" || $1 == "qemu" { v[$1, $2] = $3 }
    function num(x) { return x == "" ? "-" : x }
    function row(label, s, q,   r) {
        r = (s != "" && q != "" && q + 0 != 0) ? sprintf("%.2f", s / q) : "-"
        printf "| %-42s | %12s | %12s | %12s |\n", label, num(s), have_qemu ? num(q) : "(QEMU=0)", r
    }
    END {
        if (v["qemu", "savevm_vmstate_bytes"] != "" && v["qemu", "ram_nonzero_zlib6_bytes"] != "")
            v["qemu", "size_ratio_vs_zlib6"] = sprintf("%.3f", v["qemu", "savevm_vmstate_bytes"] / v["qemu", "ram_nonzero_zlib6_bytes"])
        printf "| %-42s | %12s | %12s | %12s |\n", "median", "scion", "qemu", "scion/qemu"
        printf "| %-42s | %12s | %12s | %12s |\n", "---", "---", "---", "---"
        row("savevm s (wall, monitor round trip)", v["scion", "savevm_wall_s"], v["qemu", "savevm_s"])
        row("savevm s (scion: its own figure)", v["scion", "savevm_s"], "")
        row("loadvm s (wall, running again)", v["scion", "loadvm_wall_s"], v["qemu", "loadvm_s"])
        row("loadvm s (scion: its own figure)", v["scion", "loadvm_s"], "")
        row("snapshot bytes (scion file, qemu vmstate)", v["scion", "snapshot_bytes"], v["qemu", "savevm_vmstate_bytes"])
        row("qcow2 growth bytes", "", v["qemu", "savevm_qcow2_growth_bytes"])
        row("guest non-zero RAM bytes", v["scion", "ram_nonzero_bytes"], v["qemu", "ram_nonzero_bytes"])
        row("  zlib-6 of it", v["scion", "ram_nonzero_zlib6_bytes"], v["qemu", "ram_nonzero_zlib6_bytes"])
        row("snapshot / zlib-6 of non-zero pages", v["scion", "size_ratio_vs_zlib6"], v["qemu", "size_ratio_vs_zlib6"])
        row("migrate downtime ms", v["scion", "migrate_downtime_ms"], v["qemu", "migrate_downtime_ms"])
        row("migrate total ms", v["scion", "migrate_total_ms"], v["qemu", "migrate_total_ms"])
        row("migrate bytes", v["scion", "migrate_bytes"], v["qemu", "migrate_bytes"])
        print ""
        t("save under 0.3 s (wall)", v["scion", "savevm_wall_s"], 0.3, 0, " s")
        t("restore under 0.15 s (wall, running again)", v["scion", "loadvm_wall_s"], 0.15, 0, " s")
        t("file <= 1.1x zlib-6 of non-zero pages", v["scion", "size_ratio_vs_zlib6"], 1.1, 1, "x")
        t("migration downtime under 50 ms (idle)", v["scion", "migrate_downtime_ms"], 50, 0, " ms")
    }
    function t(what, x, lim, or_equal, unit,   ok) {
        ok = x ~ /^[0-9.]+$/ && (or_equal ? x + 0 <= lim : x + 0 < lim)
        printf "target: %-44s %-12s %s\n", what, x unit, ok ? "met" : "NOT MET"
    }'
echo "# scion downtime: guest stopped .. target acknowledged the whole state loaded; qemu's: its own 'downtime' (source side)"
echo "# loadavg at the end: $(cat /proc/loadavg)"
