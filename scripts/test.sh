#!/bin/sh
# Set up, build and run every test (unit, guest programs, Debian programs).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
SCION_SYSROOT=$(scripts/fetch-debian-armhf.sh | tail -n 1)
export SCION_SYSROOT
meson test -C build --print-errorlogs --num-processes 2
