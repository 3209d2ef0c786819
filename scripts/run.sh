#!/bin/sh
# Set up, build, and run scion's default job: Debian 12's own armhf Linux
# kernel (armmp) with a busybox initramfs, both from the Debian archive,
# booted on scion's `virt` board to an interactive shell on this terminal.
#   scripts/run.sh                 the Linux shell (Ctrl-A x quits; `poweroff -f` too)
#   scripts/run.sh PROGRAM ARGS    any ARM Linux program in user mode, with
#                                  Debian's armhf sysroot as -L
#   scripts/run.sh gba [ROM]       the project's GBA demo game (or ROM): in a
#                                  window when a display is present, else
#                                  headless for 10 s with a screenshot
# Without a terminal on stdin, the shell runs a short demo and powers off.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
if [ "${1:-}" = gba ]; then
    shift
    ROM=${1:-build/tests/gba-roms/demo.gba}
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        exec build/scion gba "$ROM"
    fi
    echo "scion: no display: running $ROM headless for 600 frames" >&2
    exec build/scion gba -display none -frames 600 --stats -screenshot gba-last-frame.png "$ROM"
fi
if [ $# -gt 0 ]; then
    SYSROOT=$(scripts/fetch-debian-armhf.sh | tail -n 1)
    exec build/scion run -L "$SYSROOT" "$@"
fi
paths=$(scripts/fetch-debian-kernel.sh)
KERNEL=$(echo "$paths" | sed -n 1p)
INITRD=$(echo "$paths" | sed -n 2p)
set -- virt -m 256M -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyAMA0 quiet"
if [ -t 0 ]; then
    echo "scion: booting Debian's armmp kernel on the virt board (Ctrl-A x quits)" >&2
    exec build/scion "$@"
fi
# Not a terminal: type a few commands once the shell is up.
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkfifo "$W/in"
build/scion "$@" < "$W/in" | tee "$W/out" &
exec 3> "$W/in"
t=0
until grep -q "/ #" "$W/out" 2>/dev/null; do
    sleep 0.2
    t=$((t + 1))
    [ $t -lt 1500 ] || { echo "scion: the guest shell did not come up" >&2; exit 1; }
done
printf 'uname -a; cat /proc/cpuinfo | head -4; free; poweroff -f\n' >&3
wait
