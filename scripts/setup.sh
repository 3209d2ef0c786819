#!/bin/sh
# Install what scion needs to build and test on Debian 12, and nothing that is
# already there.  Run as root (or with sudo available).  Idempotent.
set -eu

PACKAGES="meson ninja-build pkg-config gcc libc6-dev libcapstone-dev llvm-19-dev libsdl2-dev clang-14 libclang-rt-14-dev
zlib1g-dev check libfdt-dev gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user
libunicorn-dev time cpio gcc-arm-none-eabi
xvfb xdotool x11-utils imagemagick"

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# A mirror caught mid-sync makes apt-get update fail for one index while the
# others are fine: carry on with what it got, the install step says if
# anything is really missing.
apt_update() {
    as_root apt-get update -q || echo "scion setup: apt-get update reported errors; continuing" >&2
}

if ! dpkg --print-foreign-architectures | grep -qx armhf; then
    as_root dpkg --add-architecture armhf
    apt_update
fi

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "scion setup: installing$missing" >&2
    apt_update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi
