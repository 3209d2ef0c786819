#!/bin/sh
# Fetch Debian 12's armmp Linux kernel (armhf) and build a busybox initramfs
# for it, for booting on scion's `virt` board.
#
# Usage: scripts/fetch-debian-kernel.sh [DIR]
#   DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/scion/debian-kernel
#
# Layout of DIR:
#   vmlinuz             the kernel (zImage) from the linux-image package
#   initramfs.cpio.gz   busybox + virtio modules + /init (scripts/mkinitramfs.sh)
#   debs/               the downloaded .deb files
#   stamp               what the two files were built from
#
# A cache: when DIR is complete (the stamp matches this script's inputs),
# nothing is downloaded or rebuilt.  The kernel version is whatever
# linux-image-armmp:armhf depends on when the cache is first filled;
# SCION_FETCH_REFRESH=1 forces a new look-up and rebuild.
#
# On success the two paths are printed on stdout (vmlinuz first); progress
# and errors go to stderr.
set -eu

ARCH=armhf
META=linux-image-armmp
MODULES="virtio virtio_ring virtio_mmio virtio_blk virtio-rng virtio_console"
HERE=$(cd "$(dirname "$0")" && pwd)
MKINITRAMFS=$HERE/mkinitramfs.sh

DIR=${1:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/scion/debian-kernel}
DEBS=$DIR/debs
STAMP=$DIR/stamp

log() { echo "fetch-debian-kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }

export LC_ALL=C DEBIAN_FRONTEND=noninteractive

. "$HERE/apt_lib.sh"

# The stamp names the inputs: a change to the builder or the module list
# rebuilds the initramfs.
builder_id() {
    { cat "$MKINITRAMFS"; echo "$MODULES"; } | sha256sum | cut -d' ' -f1
}

cache_complete() {
    [ -s "$DIR/vmlinuz" ] && [ -s "$DIR/initramfs.cpio.gz" ] && [ -f "$STAMP" ] &&
        grep -qx "builder $(builder_id)" "$STAMP"
}

done_ok() {
    echo "$DIR/vmlinuz"
    echo "$DIR/initramfs.cpio.gz"
    exit 0
}

[ -f "$MKINITRAMFS" ] || die "$MKINITRAMFS missing"
mkdir -p "$DEBS" || die "cannot create $DEBS"

if [ "${SCION_FETCH_REFRESH:-0}" != 1 ] && cache_complete; then
    log "cache complete: $(grep '^kernel ' "$STAMP")"
    done_ok
fi

# ---------------------------------------------------- which packages
have_lists() { apt-cache show "$META:$ARCH" >/dev/null 2>&1; }
apt_update() {
    [ "$(id -u)" = 0 ] || die "apt has no $ARCH package lists; run apt-get update as root"
    log "running apt-get update"
    with_lock_retry apt-get -q update >&2 || die "apt-get update failed"
}
if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
    die "dpkg has no $ARCH architecture; run scripts/setup.sh first"
fi
have_lists || apt_update
have_lists || die "$META:$ARCH unknown to apt (no bookworm $ARCH lists?)"

candidate() {
    apt-cache policy "$1:$ARCH" | awk '/^ *Candidate:/ { print $2 }'
}
# The versioned image package the meta package points at, e.g.
# linux-image-6.1.0-50-armmp.
KPKG=$(apt-cache depends "$META:$ARCH" |
       sed -n 's/^ *Depends: *\(linux-image-[0-9][^:]*-armmp\).*/\1/p' | head -n 1)
[ -n "$KPKG" ] || die "cannot tell which kernel package $META:$ARCH depends on"
KVERSION=$(candidate "$KPKG")
BBVERSION=$(candidate busybox-static)
[ -n "$KVERSION" ] && [ "$KVERSION" != "(none)" ] || die "no candidate for $KPKG:$ARCH"
[ -n "$BBVERSION" ] && [ "$BBVERSION" != "(none)" ] || die "no candidate for busybox-static:$ARCH"
log "kernel $KPKG $KVERSION, busybox-static $BBVERSION"

# ---------------------------------------------------------- download
debname() { echo "${1}_$(echo "$2" | sed 's/:/%3a/g')_$ARCH.deb"; }
KDEB=$DEBS/$(debname "$KPKG" "$KVERSION")
BBDEB=$DEBS/$(debname busybox-static "$BBVERSION")
APT_OPTS="-q"
[ "$(id -u)" != 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"
download() {
    _want=""
    [ -s "$KDEB" ] || _want="$_want $KPKG:$ARCH=$KVERSION"
    [ -s "$BBDEB" ] || _want="$_want busybox-static:$ARCH=$BBVERSION"
    [ -n "$_want" ] || return 0
    log "downloading:$_want"
    # shellcheck disable=SC2086 # word lists
    (cd "$DEBS" && with_lock_retry apt-get $APT_OPTS download $_want >&2)
}
if ! download; then
    log "download failed; refreshing the package lists and retrying"
    apt_update
    download || die "apt-get download of $KPKG / busybox-static ($ARCH) failed"
fi
for f in "$KDEB" "$BBDEB"; do
    dpkg-deb --info "$f" >/dev/null 2>&1 || die "$f is not a valid .deb"
done

# ----------------------------------------------------------- extract
work=$(mktemp -d "$DIR/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$KDEB" "$work/k" || die "extracting $KDEB failed"
dpkg-deb -x "$BBDEB" "$work/bb" || die "extracting $BBDEB failed"
set -- "$work"/k/boot/vmlinuz-*
[ $# = 1 ] && [ -f "$1" ] || die "expected one /boot/vmlinuz-* in $KDEB"
KREL=${1##*/vmlinuz-}
MODROOT=$work/k/lib/modules/$KREL
[ -d "$MODROOT" ] || MODROOT=$work/k/usr/lib/modules/$KREL
[ -d "$MODROOT" ] || die "no lib/modules/$KREL in $KDEB"
[ -x "$work/bb/bin/busybox" ] || die "no /bin/busybox in $BBDEB"

# ------------------------------------------------------------- build
# shellcheck disable=SC2086 # MODULES is a word list
sh "$MKINITRAMFS" -b "$work/bb/bin/busybox" -k "$MODROOT" \
    -o "$work/initramfs.cpio.gz" $MODULES || die "building the initramfs failed"
cp "$work/k/boot/vmlinuz-$KREL" "$work/vmlinuz" || die "copying the kernel failed"

# Install: each file by rename; the stamp last, so an interrupted run is
# never taken for a complete cache.
rm -f "$STAMP"
mv "$work/vmlinuz" "$DIR/vmlinuz"
mv "$work/initramfs.cpio.gz" "$DIR/initramfs.cpio.gz"
{
    echo "kernel $KPKG $KVERSION $KREL"
    echo "busybox busybox-static $BBVERSION"
    echo "builder $(builder_id)"
} >"$STAMP.tmp"
mv "$STAMP.tmp" "$STAMP"
for f in "$DEBS"/*.deb; do
    [ "$f" = "$KDEB" ] || [ "$f" = "$BBDEB" ] || rm -f "$f"
done
log "ready: kernel $KREL ($KPKG $KVERSION)"
done_ok
