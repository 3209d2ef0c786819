#!/bin/sh
# Snapshots through the monitor socket (-monitor unix:PATH) of a running
# `scion virt`: stop, savevm, info, loadvm of bad files (refused, machine
# unchanged), loadvm of a good one (restores it exactly), cont, quit.
# "Unchanged" is checked by saving again: a stopped machine saves to the
# same bytes every time.  The guest is an endless loop counting in r0 and
# in RAM, so any instruction run between two saves shows.
# Also: a savevm that cannot complete (parent not a directory, target a
# directory, a directory without write permission, a file size limit hit
# mid-write as on a full disk) fails with a message and leaves the previous
# file at that path intact and no temporary file behind.
# Runs in the interpreter with host time, and with background compilation
# and -icount.
# Usage: snapshot_monitor.sh SCION
set -eu
SCION=$1
T=$(mktemp -d)
PID=
CLIENT=
cleanup() {
    [ -z "$PID" ] || kill -9 "$PID" 2>/dev/null || true
    [ -z "$CLIENT" ] || kill "$CLIENT" 2>/dev/null || true
    chmod -R u+rwx "$T" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# The guest: count forever (r0 and the word at `counter`).
cat >"$T/loop.S" <<'EOF'
.global _start
_start:
    ldr r1, =counter
    mov r0, #0
1:  add r0, r0, #1
    str r0, [r1]
    b 1b
.ltorg
counter: .word 0
EOF
arm-linux-gnueabihf-gcc -nostdlib -static -Wl,--build-id=none -Wl,-Ttext=0x40010000 -Wl,-N \
    -Wl,--no-warn-rwx-segments -o "$T/loop.elf" "$T/loop.S"

# python3 mon.py SOCKET: a monitor client for the whole life of one scion
# (one python start, not one per command): connects (waiting for the
# socket), then sends each line of stdin as a command and prints the reply
# followed by a line @@END@@, or by @@EOF@@ when scion closes the
# connection instead of prompting (as after quit).
cat >"$T/mon.py" <<'EOF'
import socket, sys, time
PROMPT = b'(scion) '
deadline = time.time() + 30
while True:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sys.argv[1])
        break
    except OSError:
        s.close()
        if time.time() > deadline:
            sys.exit('mon.py: cannot connect to ' + sys.argv[1])
        time.sleep(0.05)
s.settimeout(30)
def until_prompt():
    buf = b''
    while not buf.endswith(PROMPT):
        got = s.recv(4096)
        if not got:
            return buf, False
        buf += got
    return buf[:-len(PROMPT)], True
until_prompt()  # the banner
for line in sys.stdin:
    s.sendall(line.encode())
    reply, prompted = until_prompt()
    sys.stdout.write(reply.decode(errors='replace'))
    sys.stdout.write('@@END@@\n' if prompted else '@@EOF@@\n')
    sys.stdout.flush()
    if not prompted:
        break
EOF

# start NAME COMMAND...: COMMAND (scion, to which -monitor unix:SOCKET is
# added) in the background, and a client on descriptors 3 (commands) and 4
# (replies).
start() {
    sock=$T/$1.sock
    shift
    "$@" -monitor "unix:$sock" </dev/null >"$T/console" 2>"$T/stderr" &
    PID=$!
    rm -f "$T/to-mon" "$T/from-mon"
    mkfifo "$T/to-mon" "$T/from-mon"
    python3 "$T/mon.py" "$sock" <"$T/to-mon" >"$T/from-mon" &
    CLIENT=$!
    exec 3>"$T/to-mon" 4<"$T/from-mon"
}

# mon COMMAND: the reply in $out; status 3 if scion hung up, 4 if the
# client died.
mon() {
    printf '%s\n' "$1" >&3
    out=
    while IFS= read -r line <&4; do
        case $line in
        @@END@@) return 0 ;;
        @@EOF@@) return 3 ;;
        esac
        out="$out$line
"
    done
    return 4
}

# reply NAME COMMAND PATTERN: the reply to COMMAND must match the grep
# pattern (an empty PATTERN: the reply must be empty).
reply() {
    rc=0
    mon "$2" || rc=$?
    if [ $rc -eq 0 ] && { { [ -z "$3" ] && [ -z "$out" ]; } || { [ -n "$3" ] && printf '%s' "$out" | grep -q -- "$3"; }; }
    then
        ok "$1"
    else
        bad "$1: '$2' answered (status $rc): $out"
    fi
}

# same NAME A B: two snapshot files must be byte-identical.
same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else bad "$1: $2 and $3 differ or are missing"; fi
}

no_tmp() {
    left=$(find "$T" -name '*.tmp.*' | head -5)
    if [ -z "$left" ]; then ok "$1: no temporary file left"; else bad "$1: temporary files left: $left"; fi
}

# finish NAME: quit through the monitor (no reply but maybe a last prompt);
# scion must exit with status 0 and remove its socket.
finish() {
    rc=0
    mon quit || rc=$?
    if { [ $rc -ne 0 ] && [ $rc -ne 3 ]; } || [ -n "$out" ]; then bad "$1: quit answered (status $rc): $out"; fi
    exec 3>&- 4<&-
    wait "$CLIENT" || true
    CLIENT=
    i=0
    while kill -0 "$PID" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    rc=0
    wait "$PID" || rc=$?
    PID=
    if [ $rc -eq 0 ]; then ok "$1: quit, exit status 0"; else bad "$1: scion exited with status $rc"; cat "$T/stderr"; fi
    if grep -q -i 'sanitizer\|runtime error' "$T/stderr"; then bad "$1: sanitizer report"; cat "$T/stderr"; fi
    if [ -e "$sock" ]; then bad "$1: the monitor socket $sock is left behind"; else ok "$1: monitor socket removed"; fi
}

scenario() {
    n=$1
    shift
    d=$T/$n
    mkdir "$d"
    start "$n" "$SCION" virt -kernel "$T/loop.elf" -m 16M -jit-cache off "$@"
    reply "$n: info status" "info status" "VM status: running"
    sleep 0.3
    reply "$n: stop" "stop" ""
    reply "$n: info status (stopped)" "info status" "VM status: paused"
    reply "$n: savevm" "savevm $d/f1.snap" "^saved $d/f1.snap: [0-9]* bytes"
    reply "$n: info snapshot" "info snapshot" "$d/f1.snap"
    reply "$n: savevm again" "savevm $d/f1b.snap" "^saved"
    same "$n: a stopped machine saves the same bytes" "$d/f1.snap" "$d/f1b.snap"

    reply "$n: loadvm nonexistent" "loadvm $d/nonexistent.snap" "^error: .*No such file.*unchanged"
    reply "$n: still paused" "info status" "VM status: paused"
    reply "$n: savevm f2" "savevm $d/f2.snap" "^saved"
    same "$n: unchanged by the missing file" "$d/f1.snap" "$d/f2.snap"

    # Cut just before the end marker: every section arrives and is staged,
    # then the load fails.
    head -c $(($(wc -c <"$d/f1.snap") - 12)) "$d/f1.snap" >"$d/cut.snap"
    reply "$n: loadvm truncated" "loadvm $d/cut.snap" "^error: .*truncated.*unchanged"
    reply "$n: savevm f3" "savevm $d/f3.snap" "^saved"
    same "$n: unchanged by the truncated file" "$d/f1.snap" "$d/f3.snap"
    printf 'SCIONSNP' >"$d/magic-only.snap"
    reply "$n: loadvm magic only" "loadvm $d/magic-only.snap" "^error: .*truncated.*unchanged"
    reply "$n: loadvm a directory" "loadvm $d" "^error: .*unchanged"
    reply "$n: savevm f3b" "savevm $d/f3b.snap" "^saved"
    same "$n: unchanged by bad files" "$d/f1.snap" "$d/f3b.snap"

    # Run on, stop elsewhere, and go back to f1.
    reply "$n: cont" "cont" ""
    reply "$n: info status (running)" "info status" "VM status: running"
    sleep 0.3
    reply "$n: stop again" "stop" ""
    reply "$n: savevm f4" "savevm $d/f4.snap" "^saved"
    if cmp -s "$d/f1.snap" "$d/f4.snap"; then bad "$n: the guest did not run after cont"
    else ok "$n: the guest ran after cont"; fi
    reply "$n: loadvm f1" "loadvm $d/f1.snap" "^loaded $d/f1.snap"
    reply "$n: info snapshot (loaded)" "info snapshot" "loaded $d/f1.snap"
    reply "$n: still paused after loadvm" "info status" "VM status: paused"
    reply "$n: savevm f5" "savevm $d/f5.snap" "^saved"
    same "$n: loadvm restores the machine exactly" "$d/f1.snap" "$d/f5.snap"

    # savevm that cannot complete: an error, the old file intact, no
    # temporary file.
    printf 'not a directory\n' >"$d/file"
    reply "$n: savevm under a regular file" "savevm $d/file/x.snap" "^error: cannot create .*Not a directory"
    mkdir "$d/adir"
    printf 'keep\n' >"$d/adir/keep"
    reply "$n: savevm onto a directory" "savevm $d/adir" "^error: cannot rename .*adir"
    if [ -d "$d/adir" ] && [ "$(cat "$d/adir/keep")" = keep ]; then ok "$n: the directory is intact"
    else bad "$n: the directory was changed"; fi
    if [ "$(id -u)" != 0 ]; then
        mkdir "$d/ro"
        cp "$d/f4.snap" "$d/ro/prev.snap"
        chmod a-w "$d/ro"
        reply "$n: savevm into a read-only directory" "savevm $d/ro/prev.snap" \
            "^error: cannot create .*Permission denied"
        same "$n: the previous file is intact" "$d/f4.snap" "$d/ro/prev.snap"
        chmod u+w "$d/ro"
    else
        echo "SKIP $n: savevm into a read-only directory (root writes anyway; see the size limit below)"
    fi
    no_tmp "$n: failed savevm"
    reply "$n: still paused after failed saves" "info status" "VM status: paused"
    reply "$n: savevm f6" "savevm $d/f6.snap" "^saved"
    same "$n: unchanged by failed saves" "$d/f1.snap" "$d/f6.snap"

    reply "$n: cont before quit" "cont" ""
    reply "$n: running before quit" "info status" "VM status: running"
    finish "$n"
    no_tmp "$n"
}

scenario host-time -jit off
scenario icount-jit -jit on -icount 1

# A file size limit reached mid-write (as on a full disk; root too): the
# write fails, the previous snapshot at that path stays, the temporary file
# goes.  The snapshot is larger than the limit (32 virtio-mmio sections
# alone are about 11 KiB).
mkdir "$T/full"
cp "$T/host-time/f4.snap" "$T/full/prev.snap"
start full python3 -c '
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
os.execv(sys.argv[1], sys.argv[1:])' "$SCION" virt -kernel "$T/loop.elf" -m 16M -jit off -jit-cache off
reply "full: savevm past the file size limit" "savevm $T/full/prev.snap" "^error: .*File too large"
same "full: the previous file is intact" "$T/host-time/f4.snap" "$T/full/prev.snap"
no_tmp "full"
reply "full: still running" "info status" "VM status: running"
finish "full"

echo "snapshot monitor: $pass passed, $fail failed"
[ $fail -eq 0 ]
