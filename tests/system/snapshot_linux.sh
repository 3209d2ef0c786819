#!/bin/sh
# Snapshots of a running Linux guest, checked against an uninterrupted run.
#
# In -icount mode, Debian's armmp kernel boots the busybox initramfs and
# runs its `checksum` workload (a running checksum, reads and writes of a
# virtio disk with a copy-on-write overlay, a timer-interrupt storm, then
# power-off).  The reference is one uninterrupted run: its console output
# and the SHA-256 of its final machine state (-state-hash).  Then, for
# snapshots frozen during boot, during disk I/O and during the timer storm
# (aimed through the kernel's timestamps of the workload's phase markers,
# which with -icount count instructions), each is resumed in a new scion
# process and must end with the same console output and the same state.
# The disk's own SHA-256 (sha256sum on the host) is what the guest must
# print for /dev/vda: an independent check of the disk path.
#
# Clone: two processes resume one snapshot at once (-snapshot: each its
# own overlay) and both finish identically.  Move: the snapshot and the
# disk copied to another directory, the original disk renamed away,
# resume there.
#
# Usage: snapshot_linux.sh SCION
set -eu
SCION=$1
. "$(dirname "$0")/debian_kernel.sh"
trap 'rm -rf "$W"' EXIT
SHIFT=3

fail() { echo "snapshot-linux: FAIL: $*"; exit 1; }

# A 4 MiB disk of deterministic bytes.
python3 -c "
import random
r = random.Random(2026)
open('$W/disk.img', 'wb').write(bytes(r.getrandbits(8) for _ in range(1 << 22)))"
DISK_SHA=$(sha256sum "$W/disk.img" | cut -d' ' -f1)

boot() { # OUT ERR [extra options...]
    out=$1 err=$2
    shift 2
    timeout 900 "$SCION" virt "$@" -jit-cache off </dev/null >"$out" 2>"$err" ||
        { echo "scion $* exited with $?"; tail -n 5 "$out" "$err"; return 1; }
}
fresh() { # OUT ERR [extra options...]
    out=$1 err=$2
    shift 2
    boot "$out" "$err" -m 256M -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyAMA0 scion.run=checksum" \
        -drive "file=$W/disk.img,if=virtio,snapshot=on" -icount $SHIFT -rng-seed 7 -rtc-base 1790000000 "$@"
}
state_of() { sed -n 's/^scion: state sha256 \([0-9a-f]*\) .*/\1/p' "$1"; }

fresh "$W/ref.out" "$W/ref.err" -state-hash || fail "the reference run failed"
REF=$(state_of "$W/ref.err")
[ -n "$REF" ] || fail "no state hash from the reference run"
grep -q "checksum done" "$W/ref.out" || fail "the workload did not finish"
grep -q "^$DISK_SHA  /dev/vda" "$W/ref.out" || fail "the guest read a disk that differs from the file"
grep -q "^timers 300" "$W/ref.out" || fail "the timer storm did not run"

# Instruction count 50 ms of guest time after a phase marker.
inside() {
    ts=$(tr -d '\r' <"$W/ref.out" | sed -n "s/^\[ *\([0-9.]*\)\] SCION-PHASE $1\$/\1/p")
    [ -n "$ts" ] || fail "phase $1 not found"
    echo "$ts" | awk -v s=$SHIFT '{ printf "%.0f\n", ($1 + 0.05) * 1e9 / (2 ^ s) }'
}
BOOT_AT=$(awk -v s=$SHIFT 'BEGIN { printf "%.0f\n", 3e9 / (2 ^ s) }')
READ_AT=$(inside disk-read)
WRITE_AT=$(inside disk-write)
TIMERS_AT=$(inside timers)
for n in "$READ_AT" "$WRITE_AT" "$TIMERS_AT"; do
    case $n in '' | *[!0-9]*) fail "no phase markers in the reference run's output" ;; esac
done

for point in "boot $BOOT_AT" "disk-read $READ_AT" "disk-write $WRITE_AT" "timers $TIMERS_AT"; do
    set -- $point
    snap=$W/$1.snap
    fresh "$W/$1.a.out" "$W/$1.a.err" -snapshot-at "$2" -snapshot-file "$snap" || fail "freezing at $1 ($2)"
    [ -s "$snap" ] || fail "no snapshot written at $1"
    boot "$W/$1.b.out" "$W/$1.b.err" -loadvm "$snap" -state-hash || fail "resuming at $1"
    cat "$W/$1.a.out" "$W/$1.b.out" | cmp -s - "$W/ref.out" ||
        { diff "$W/ref.out" "$W/$1.b.out" | head; fail "console output differs after resuming at $1 ($2)"; }
    [ "$(state_of "$W/$1.b.err")" = "$REF" ] || fail "final machine state differs after resuming at $1 ($2)"
    echo "snapshot-linux: $1: frozen at instruction $2 ($(wc -c <"$snap") bytes), resumed identically"
done

# Clone: two resumes of one snapshot at once, each with its own overlay.
snap=$W/disk-write.snap
boot "$W/c1.out" "$W/c1.err" -loadvm "$snap" -snapshot -state-hash &
pid1=$!
boot "$W/c2.out" "$W/c2.err" -loadvm "$snap" -snapshot -state-hash || fail "clone 2"
wait $pid1 || fail "clone 1"
for c in c1 c2; do
    cmp -s "$W/$c.out" "$W/disk-write.b.out" || fail "clone $c printed something else"
    [ "$(state_of "$W/$c.err")" = "$REF" ] || fail "clone $c ended in another state"
done
echo "snapshot-linux: clone: two processes resumed one snapshot and both finished identically"

# Move: snapshot and disk in another directory; the original disk is gone.
mkdir "$W/moved"
cp "$snap" "$W/disk.img" "$W/moved/"
mv "$W/disk.img" "$W/disk.img.away"
boot "$W/m.out" "$W/m.err" -loadvm "$W/moved/disk-write.snap" -state-hash || fail "resuming the moved snapshot"
[ "$(state_of "$W/m.err")" = "$REF" ] || fail "the moved machine ended in another state"
# A changed disk is refused, and nothing runs.
printf 'X' | dd of="$W/moved/disk.img" bs=1 seek=1000 conv=notrunc 2>/dev/null
if "$SCION" virt -loadvm "$W/moved/disk-write.snap" -jit-cache off </dev/null >"$W/x.out" 2>"$W/x.err"; then
    fail "a snapshot resumed against a changed disk"
fi
grep -q "has changed since the snapshot" "$W/x.err" || { cat "$W/x.err"; fail "no clear message for a changed disk"; }
echo "snapshot-linux: move: resumed from another directory; a changed disk is refused"
echo "snapshot-linux: PASS"
