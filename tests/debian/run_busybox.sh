#!/bin/sh
# Run tests/debian/busybox_applets.sh with Debian's armhf busybox-static
# under an emulator and compare its output with the golden file.
#
# Usage: tests/debian/run_busybox.sh EMU_CMD [SYSROOT]
#   EMU_CMD   emulator command prefix, e.g. "qemu-arm" or "build/scion run".
#             The empty string runs $BUSYBOX natively (for cross-checks).
#   SYSROOT   sysroot made by scripts/fetch-debian-armhf.sh (default:
#             $SCION_SYSROOT, else run that script, which is quick once its
#             cache is complete).
# Environment:
#   BUSYBOX        busybox binary to run (default SYSROOT/bin/busybox)
#   UPDATE_GOLDEN  =1: write the output to the golden file instead
#   KEEP_WORKDIR   =1: keep the temporary work directory
#   BB_TIMEOUT     seconds allowed for the whole run (default 900)
#
# Prints one line per section of the applets script, then
# "N passed, M failed"; exits non-zero on any failure.
set -u

HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
GOLDEN=$HERE/golden/busybox_applets.out
SCRIPT=$HERE/busybox_applets.sh

[ $# -ge 1 ] || { echo "usage: $0 EMU_CMD [SYSROOT]" >&2; exit 2; }
EMU_IN=$1

if [ -z "${BUSYBOX:-}" ]; then
    if [ $# -ge 2 ] && [ -n "$2" ]; then
        SYSROOT=$2
    elif [ -n "${SCION_SYSROOT:-}" ]; then
        SYSROOT=$SCION_SYSROOT
    else
        SYSROOT=$("$ROOT/scripts/fetch-debian-armhf.sh" | tail -n 1) || exit 2
    fi
    BUSYBOX=$SYSROOT/bin/busybox
fi
[ -f "$BUSYBOX" ] || { echo "no busybox at $BUSYBOX" >&2; exit 2; }
BUSYBOX=$(cd "$(dirname "$BUSYBOX")" && pwd -P)/$(basename "$BUSYBOX")

# Make the emulator's first word absolute: the guest gets a PATH that has
# only the applet wrappers in it.
EMU=""
if [ -n "$EMU_IN" ]; then
    set -- $EMU_IN
    first=$1; shift
    case $first in
    */*) first=$(cd "$(dirname "$first")" && pwd -P)/$(basename "$first") ;;
    *)   first=$(command -v "$first") || { echo "emulator $1 not found" >&2; exit 2; } ;;
    esac
    EMU=$first
    for a in "$@"; do EMU="$EMU $a"; done
fi

# A binfmt_misc entry for ARM ELF (qemu-user-binfmt, qemu-user-static) would
# make every execve of an ARM binary run under that interpreter instead.
for f in /proc/sys/fs/binfmt_misc/*; do
    [ -f "$f" ] || continue
    if grep -q '^enabled' "$f" 2>/dev/null &&
       grep -q '^magic 7f454c460101010000000000000000000200280' "$f" 2>/dev/null; then
        echo "warning: binfmt_misc entry $f runs ARM executables; programs that" >&2
        echo "         the guest execs may run under $(sed -n 's/^interpreter //p' "$f")" >&2
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scion-bb.XXXXXX")
cleanup() { [ "${KEEP_WORKDIR:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

# One wrapper per applet: busybox sh first tries execve("/proc/self/exe"),
# which an emulator without binfmt_misc cannot run; it then searches $PATH
# and finds the wrapper, which starts the applet in a fresh emulator.
BIN=$WORK/bin
mkdir -p "$BIN"
cat >"$BIN/.wrapper" <<EOF
#!/bin/sh
exec $EMU '$BUSYBOX' "\${0##*/}" "\$@"
EOF
chmod +x "$BIN/.wrapper"
# applet names: from busybox itself, or (emulator too broken for that)
# the commands the applets script uses
applets=$(timeout -k 5 60 $EMU "$BUSYBOX" --list 2>/dev/null) || applets=""
if [ -z "$applets" ]; then
    echo "warning: '$EMU_IN $BUSYBOX --list' failed; using a built-in applet list" >&2
    applets="awk base64 basename bc bunzip2 bzcat bzip2 cal cat chmod cmp cp cpio
crc32 cut date dd diff dirname dos2unix echo ed egrep env expand expr factor
false fgrep find fold getopt grep gunzip gzip head hexdump ipcalc kill link ln
ls md5sum mkdir mkfifo mkpasswd mv nl od paste patch printf pwd readlink
realpath rev rm rmdir sed seq sh sha1sum sha256sum sha3sum sha512sum shred
sleep sort stat strings tac tail tar tee test touch tr true truncate unexpand
uniq unix2dos unlink usleep uudecode uuencode wc which xargs xxd yes zcat"
fi
for a in $applets; do
    case $a in *[!A-Za-z0-9_.+-]*) continue ;; esac
    ln -s .wrapper "$BIN/$a"
done

OUT=$WORK/out
start=$(date +%s)
# the whole run is bounded (BB_TIMEOUT seconds, default 900) so that a hung
# emulator fails the test instead of stalling it
timeout -k 10 "${BB_TIMEOUT:-900}" \
    env -i PATH="$BIN" HOME="$WORK" TZ=UTC0 LC_ALL=C ${BB_TIMING:+BB_TIMING=1} \
    $EMU "$BUSYBOX" sh "$SCRIPT" "$WORK/run" >"$OUT" 2>"$WORK/err" </dev/null
rc=$?
end=$(date +%s)
echo "busybox sh exit status $rc, $((end - start)) s" >&2

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$OUT" "$GOLDEN"
    echo "wrote $GOLDEN ($(wc -l <"$GOLDEN") lines)" >&2
fi
[ -f "$GOLDEN" ] || { echo "no golden file $GOLDEN" >&2; exit 2; }

# Compare section by section ("== N name" headers).
split_sections() { # file dir
    mkdir -p "$2"
    awk -v d="$2" '
        /^== [0-9]+ / { f = sprintf("%s/%03d", d, $2); names[$2] = $0 }
        { if (f == "") f = d "/000"; print > f }' "$1"
}
split_sections "$GOLDEN" "$WORK/g"
split_sections "$OUT" "$WORK/o"
pass=0; fail=0
for g in "$WORK"/g/*; do
    s=${g##*/}
    name=$(head -n 1 "$g" | sed 's/^== [0-9]* //')
    if [ -f "$WORK/o/$s" ] && cmp -s "$g" "$WORK/o/$s"; then
        echo "ok   busybox $s $name"; pass=$((pass + 1))
    else
        echo "FAIL busybox $s $name"; fail=$((fail + 1))
        if [ -f "$WORK/o/$s" ]; then
            diff -u "$g" "$WORK/o/$s" | sed -n '3,40p' | sed 's/^/    /'
        else
            echo "    (section missing from output)"
        fi
    fi
done
for o in "$WORK"/o/*; do
    [ -f "$o" ] || continue
    [ -f "$WORK/g/${o##*/}" ] && continue
    echo "FAIL busybox ${o##*/} (extra section not in golden)"; fail=$((fail + 1))
done
if [ $rc -ne 0 ]; then
    echo "FAIL busybox exit status $rc"; fail=$((fail + 1))
else
    echo "ok   busybox exit status"; pass=$((pass + 1))
fi
if [ $fail -ne 0 ] && [ -s "$WORK/err" ]; then
    echo "stderr of the run (first 30 lines):"
    head -n 30 "$WORK/err" | sed 's/^/    /'
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
