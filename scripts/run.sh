#!/bin/sh
# Set up, build, and run scion's default job: Debian's own armhf busybox
# (from the Debian archive) under scion.  With arguments, runs those instead:
#   scripts/run.sh                 interactive busybox shell (a demo when not on a terminal)
#   scripts/run.sh PROGRAM ARGS    any ARM program, with Debian's armhf sysroot as -L
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
SYSROOT=$(scripts/fetch-debian-armhf.sh | tail -n 1)
if [ $# -gt 0 ]; then
    exec build/scion run -L "$SYSROOT" "$@"
fi
BUSYBOX=$SYSROOT/bin/busybox
if [ -t 0 ]; then
    echo "scion: Debian armhf busybox shell (type 'exit' to leave)" >&2
    exec build/scion run "$BUSYBOX" sh
fi
exec build/scion run "$BUSYBOX" sh -c 'echo "Hello from Debian armhf busybox under scion"; busybox uname -m; busybox echo "1+2*3" | busybox bc 2>/dev/null || busybox expr 1 + 2 \* 3; busybox seq 3 | busybox tac'
