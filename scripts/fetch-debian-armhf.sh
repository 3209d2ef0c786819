#!/bin/sh
# Fetch real Debian armhf programs (and the shared libraries they need) from
# the Debian archive with apt, and unpack them into a sysroot for the
# system-level tests in tests/debian/.
#
# Usage: scripts/fetch-debian-armhf.sh [CACHE_DIR]
#   CACHE_DIR defaults to ${SCION_CACHE:-$HOME/.cache/scion}/debian-armhf
#
# Layout of CACHE_DIR:
#   debs/       the downloaded .deb files
#   sysroot/    all of them extracted with dpkg-deb -x (merged /usr; the
#               lib, bin, sbin -> usr/... symlinks are made if missing)
#   stamp       "package version" lines of what sysroot/ was built from
#
# Idempotent: when the stamp matches (or apt cannot be asked, e.g. no
# network and no package lists) and the sysroot is complete, nothing is
# downloaded.  SCION_FETCH_REFRESH=1 forces a rebuild of the sysroot.
#
# The sysroot path is printed as the last line of stdout; everything else
# goes to stderr.
set -eu

# Seed packages; their Depends/Pre-Depends are followed transitively.
SEED="busybox-static coreutils bzip2 libbz2-1.0 xz-utils liblzma5 libc6
libacl1 libattr1 libselinux1 libpcre2-8-0 libgmp10 libcrypt1 libgcc-s1
lua5.4 sqlite3 libsqlite3-0 zlib1g libreadline8 libtinfo6 7zip libstdc++6"
ARCH=armhf
STAMP_FORMAT=1

CACHE=${1:-${SCION_CACHE:-${HOME:-/root}/.cache/scion}/debian-armhf}
DEBS=$CACHE/debs
SYSROOT=$CACHE/sysroot
STAMP=$CACHE/stamp

log() { echo "fetch-debian-armhf: $*" >&2; }
die() { log "error: $*"; exit 1; }

export LC_ALL=C DEBIAN_FRONTEND=noninteractive

. "$(cd "$(dirname "$0")" && pwd)/apt_lib.sh"

# Everything that makes the sysroot usable for the tests.
sysroot_complete() {
    [ -f "$STAMP" ] || return 1
    head -n 1 "$STAMP" | grep -qx "format $STAMP_FORMAT" || return 1
    for f in lib/ld-linux-armhf.so.3 usr/lib/arm-linux-gnueabihf/libc.so.6 \
             bin/busybox usr/bin/ls usr/bin/sort usr/bin/bzip2 usr/bin/xz; do
        [ -e "$SYSROOT/$f" ] || return 1
    done
    # every package listed in the stamp must still have its .deb
    tail -n +2 "$STAMP" | while read -r pkg ver file; do
        [ -f "$DEBS/$file" ] || exit 1
    done || return 1
    # every seed package must be in the stamp (SEED may have grown since)
    for p in $SEED; do
        grep -q "^$p " "$STAMP" || return 1
    done
}

have_apt_lists() {
    apt-cache show "busybox-static:$ARCH" >/dev/null 2>&1
}

# "pkg version" for each package given (one apt-cache call: it is slow).
candidates() {
    _args=""
    for _p in "$@"; do _args="$_args $_p:$ARCH"; done
    apt-cache policy $_args 2>/dev/null | awk '
        /^[^ ].*:$/ { p = $0; sub(/:[^:]*:$/, "", p); next }
        /^ *Candidate:/ { if (p != "") print p, $2; p = "" }'
}

# Transitive closure of Depends + Pre-Depends (first of any alternatives).
# A dependency apt prints in <angle brackets> has no armhf package: it is
# virtual or Architecture: all (e.g. readline-common, only data files that
# the emulated programs do not need); it is skipped with a note.
closure() {
    todo=$SEED
    seen=" "
    while :; do
        new=""
        for p in $todo; do
            case $seen in *" $p "*) continue ;; esac
            seen="$seen$p "
            new="$new $p:$ARCH"
        done
        [ -n "$new" ] || break
        todo=$(apt-cache depends --no-recommends --no-suggests --no-conflicts \
                 --no-breaks --no-replaces --no-enhances $new 2>/dev/null |
               awk '
                 /^ *\|?(Pre)?Depends:/ {
                    if (skip) { skip = ($1 ~ /^\|/); next }
                    skip = ($1 ~ /^\|/)
                    d = $2; sub(/:.*/, "", d)
                    if (d ~ /^</) {
                        sub(/^</, "", d)
                        print "fetch-debian-armhf: skipping " d \
                              " (no armhf package: virtual or arch all)" > "/dev/stderr"
                        next }
                    print d; next }
                 { skip = 0 }' | sort -u)
    done
    echo $seen | tr ' ' '\n' | sort -u
}

mkdir -p "$CACHE"

# ---------------------------------------------------------------- fast path
if [ "${SCION_FETCH_REFRESH:-0}" != 1 ] && sysroot_complete; then
    uptodate=1
    if have_apt_lists; then
        cands=$(candidates $(tail -n +2 "$STAMP" | cut -d' ' -f1))
        while read -r pkg ver file; do
            c=$(printf '%s\n' "$cands" | awk -v p="$pkg" '$1 == p { print $2 }')
            if [ -n "$c" ] && [ "$c" != "$ver" ]; then
                log "$pkg: cached $ver, archive has $c"
                uptodate=0
            fi
        done <<EOF
$(tail -n +2 "$STAMP")
EOF
    else
        log "apt lists for $ARCH not available; using cached sysroot"
    fi
    if [ $uptodate = 1 ]; then
        log "sysroot up to date"
        echo "$SYSROOT"
        exit 0
    fi
fi

# -------------------------------------------------------------- apt set-up
if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
    [ "$(id -u)" = 0 ] || die "need root to run dpkg --add-architecture $ARCH"
    log "adding architecture $ARCH"
    with_lock_retry dpkg --add-architecture "$ARCH"
fi
if ! have_apt_lists; then
    [ "$(id -u)" = 0 ] || die "need root to run apt-get update"
    log "running apt-get update"
    with_lock_retry apt-get -q update >&2 || die "apt-get update failed"
    have_apt_lists || die "busybox-static:$ARCH unknown to apt after update"
fi

PKGS=$(closure)
log "packages: $(echo $PKGS)"

# ---------------------------------------------------------------- download
mkdir -p "$DEBS"
newstamp=$CACHE/stamp.new
echo "format $STAMP_FORMAT" >"$newstamp"
CANDS=$(candidates $PKGS)
APT_OPTS="-q"
[ "$(id -u)" != 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"
# name of the file apt-get download makes: pkg_ver_arch.deb, ':' as %3a
debname() { echo "${1}_$(echo "$2" | sed 's/:/%3a/g')_$ARCH.deb"; }
# "pkg ver file" for every package, from $CANDS
plan() {
    for p in $PKGS; do
        ver=$(printf '%s\n' "$CANDS" | awk -v p="$p" '$1 == p { print $2 }')
        [ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no candidate version for $p:$ARCH"
        echo "$p $ver $(debname "$p" "$ver")"
    done
}
# download (in one apt-get call) whatever the plan lacks
download_missing() {
    want=""
    while read -r p ver file; do
        [ -s "$DEBS/$file" ] || want="$want $p:$ARCH=$ver"
    done <<EOF
$1
EOF
    [ -n "$want" ] || return 0
    log "downloading:$want"
    (cd "$DEBS" && with_lock_retry apt-get $APT_OPTS download $want >&2)
}
PLAN=$(plan)
if ! download_missing "$PLAN"; then
    if sysroot_complete; then
        log "warning: download failed; keeping the cached sysroot (older versions)"
        rm -f "$newstamp"
        echo "$SYSROOT"
        exit 0
    fi
    [ "$(id -u)" = 0 ] || die "download failed"
    log "download failed; refreshing package lists and retrying"
    with_lock_retry apt-get -q update >&2 || die "apt-get update failed"
    CANDS=$(candidates $PKGS)
    PLAN=$(plan)
    download_missing "$PLAN" || die "download failed"
fi
while read -r p ver file; do
    [ -s "$DEBS/$file" ] || die "expected $DEBS/$file after download"
    dpkg-deb --info "$DEBS/$file" >/dev/null 2>&1 || die "$DEBS/$file is not a valid .deb"
    echo "$p $ver $file" >>"$newstamp"
done <<EOF
$PLAN
EOF

# ----------------------------------------------------------------- extract
tmp=$CACHE/sysroot.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
# merged /usr: make the top-level symlinks first so that packages which
# still ship files under /lib or /bin land in usr/.
mkdir -p "$tmp/usr/lib" "$tmp/usr/bin" "$tmp/usr/sbin"
ln -s usr/lib "$tmp/lib"
ln -s usr/bin "$tmp/bin"
ln -s usr/sbin "$tmp/sbin"
while read -r pkg ver file; do
    log "extracting $file"
    dpkg-deb -x "$DEBS/$file" "$tmp"
done <<EOF
$(tail -n +2 "$newstamp")
EOF
# dpkg-deb -x of a package shipping a real lib/ directory would replace the
# symlink on some dpkg versions; repair that by merging it back.
for d in lib bin sbin; do
    if [ ! -L "$tmp/$d" ] && [ -d "$tmp/$d" ]; then
        cp -a "$tmp/$d/." "$tmp/usr/$d/"
        rm -rf "${tmp:?}/$d"
        ln -s "usr/$d" "$tmp/$d"
    fi
done
[ -e "$tmp/lib/ld-linux-armhf.so.3" ] || die "no lib/ld-linux-armhf.so.3 in sysroot"

# --------------------------------------------- check NEEDED shared objects
if command -v readelf >/dev/null 2>&1; then
    # one readelf over every candidate file; a NEEDED name must exist in
    # the multiarch lib dir, usr/lib, or the file's own dir (gconv modules
    # load helpers such as libJIS.so from there)
    missing=$(cd "$tmp" &&
        find usr/bin usr/sbin usr/lib -type f \( -perm -u+x -o -name '*.so*' \) -print |
        xargs readelf -d 2>/dev/null |
        awk '/^File: / { f = $2; next }
             /\(NEEDED\)/ { n = $NF; gsub(/[][]/, "", n); print f, n }' |
        while read -r f n; do
            [ -e "usr/lib/arm-linux-gnueabihf/$n" ] || [ -e "usr/lib/$n" ] ||
                [ -e "${f%/*}/$n" ] || echo "$f:$n"
        done)
    [ -z "$missing" ] || die "unresolved NEEDED entries: $(echo $missing)"
    log "all NEEDED entries resolve inside the sysroot"
else
    log "readelf not found; skipping NEEDED check"
fi

rm -rf "$SYSROOT"
mv "$tmp" "$SYSROOT"
mv "$newstamp" "$STAMP"
# drop .debs of versions no longer used
for f in "$DEBS"/*.deb; do
    [ -e "$f" ] || continue
    grep -q " ${f##*/}\$" "$STAMP" || rm -f "$f"
done
log "sysroot ready"
echo "$SYSROOT"
