#!/bin/sh
# Build a small busybox initramfs (gzip'ed newc cpio) for booting a Debian
# armmp kernel on scion's (or QEMU's) `virt` board.
#
# Usage: scripts/mkinitramfs.sh -b BUSYBOX -k MODROOT -o OUT.cpio.gz [MODULE...]
#   -b BUSYBOX   a static ARM busybox binary (Debian's busybox-static:armhf)
#   -k MODROOT   the kernel package's lib/modules/<version> directory
#   -o OUT       the archive to write (atomically: temp file + rename)
#   MODULE...    module names to load at boot (virtio_blk, virtio-rng, ...);
#                their dependencies are found in MODROOT/modules.dep when
#                present, else in each module's own .modinfo "depends=".
#                Modules listed in MODROOT/modules.builtin are skipped.
#
# The archive holds /bin/busybox, links for the applets /init needs before
# `busybox --install -s` makes the rest, /dev/console and /dev/null, the
# modules (decompressed: busybox insmod may lack xz/zstd support) and:
#   /init        mounts proc, sysfs, devtmpfs and devpts, insmods the
#                modules in dependency order, prints SCION-INIT-READY, then
#                hands over to busybox init
#                (or, with scion.run=NAME on the kernel command line, runs
#                the test workload /etc/scion/NAME and powers off)
#   /etc/inittab a respawning `cttyhack sh` on the console (so the shell
#                gets the real tty, ttyAMA0, as controlling tty and job
#                control works); `poweroff`/`reboot` work through init.
#
# Needs: cpio (GNU), gzip, and xz/zstd only for compressed modules.
set -eu

log() { echo "mkinitramfs: $*" >&2; }
die() { log "error: $*"; exit 1; }

BUSYBOX="" MODROOT="" OUT=""
while getopts b:k:o: opt; do
    case $opt in
        b) BUSYBOX=$OPTARG ;;
        k) MODROOT=$OPTARG ;;
        o) OUT=$OPTARG ;;
        *) die "usage: $0 -b BUSYBOX -k MODROOT -o OUT.cpio.gz [MODULE...]" ;;
    esac
done
shift $((OPTIND - 1))
[ -n "$BUSYBOX" ] && [ -n "$MODROOT" ] && [ -n "$OUT" ] ||
    die "usage: $0 -b BUSYBOX -k MODROOT -o OUT.cpio.gz [MODULE...]"
[ -f "$BUSYBOX" ] || die "busybox binary $BUSYBOX not found"
[ -d "$MODROOT" ] || die "module directory $MODROOT not found"
command -v cpio >/dev/null 2>&1 || die "cpio not installed (apt-get install cpio)"
KVER=${MODROOT%/}
KVER=${KVER##*/}

# Module names use '-' and '_' interchangeably; compare in '_' form.
norm() { echo "$1" | tr - _; }

# "name path" for every module file under MODROOT/kernel (name in '_'
# form, path relative to MODROOT), made once: lookups are then one awk.
index_modules() {
    (cd "$MODROOT" && find kernel -name '*.ko' -o -name '*.ko.*') |
        awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko.*/, "", n);
               gsub(/-/, "_", n); print n, $0 }' >"$work/modindex"
    if [ -f "$MODROOT/modules.builtin" ]; then
        awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko$/, "", n);
               gsub(/-/, "_", n); print n }' "$MODROOT/modules.builtin"
    fi >"$work/builtin"
}

# Path (relative to MODROOT) of module $1's file, compressed or not.
module_file() {
    awk -v n="$(norm "$1")" '$1 == n { print $2; exit }' "$work/modindex"
}

is_builtin() {
    grep -qx "$(norm "$1")" "$work/builtin"
}

# Write the module's uncompressed contents to stdout.
module_cat() {
    case $1 in
        *.ko) cat "$1" ;;
        *.ko.xz) command -v xz >/dev/null 2>&1 || die "xz needed for $1"; xz -dc "$1" ;;
        *.ko.zst) command -v zstd >/dev/null 2>&1 || die "zstd needed for $1"; zstd -dcq "$1" ;;
        *.ko.gz) gzip -dc "$1" ;;
        *) die "unknown module format: $1" ;;
    esac
}

# Names of the modules module file $1 depends on.
module_deps() {
    if [ -f "$MODROOT/modules.dep" ]; then
        grep "^$1:" "$MODROOT/modules.dep" | cut -d: -f2- | tr ' ' '\n' |
            sed -n 's|.*/||; s|\.ko.*||p'
    else
        module_cat "$MODROOT/$1" | tr '\0' '\n' |
            sed -n 's/^depends=//p' | tr ',' '\n'
    fi
}

# Depth-first walk: prints "name file" with dependencies before dependents.
ORDER=""
visit() {
    _n=$(norm "$1")
    case " $ORDER " in *" $_n "*) return 0 ;; esac
    if is_builtin "$_n"; then
        log "$1: built into the kernel"
        ORDER="$ORDER $_n"
        return 0
    fi
    _file=$(module_file "$_n")
    [ -n "$_file" ] || die "module $1 not found under $MODROOT/kernel"
    for _d in $(module_deps "$_file"); do
        [ -n "$_d" ] && visit "$_d"
    done
    # re-read: the recursive calls reused the shell's (global) variables
    _n=$(norm "$1")
    _file=$(module_file "$_n")
    ORDER="$ORDER $_n"
    echo "$_n $_file"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
         "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/etc" \
         "$root/root" "$root/lib/modules/$KVER"
cp "$BUSYBOX" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
for a in sh mount mkdir insmod echo cat; do
    ln -s busybox "$root/bin/$a"
done

# Modules, renamed to NAME.ko, and the load order.
index_modules
visit_all() { for m in "$@"; do visit "$m"; done; }
visit_all "$@" >"$work/modlist"
while read -r name file; do
    module_cat "$MODROOT/$file" >"$root/lib/modules/$KVER/$name.ko"
    log "module $name <- $file"
    echo "$name" >>"$root/lib/modules/$KVER/load-order"
done <"$work/modlist"
touch "$root/lib/modules/$KVER/load-order"

cat >"$root/init" <<EOF
#!/bin/sh
# scion initramfs: set up, load modules, mark readiness, start busybox init.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
for m in \$(cat /lib/modules/$KVER/load-order); do
    insmod /lib/modules/$KVER/\$m.ko || echo "init: insmod \$m failed"
done
echo SCION-INIT-READY
# scion.run=NAME on the kernel command line: run /etc/scion/NAME, power off.
for arg in \$(cat /proc/cmdline); do
    case \$arg in
        scion.run=*) /bin/sh /etc/scion/\${arg#scion.run=}; poweroff -f ;;
    esac
done
exec /sbin/init
EOF
chmod 755 "$root/init"

# Workloads for tests (scion.run=NAME).  Phase markers go to /dev/kmsg so
# the console shows them with the kernel's timestamp: with -icount that is
# the instruction count, so a test can aim a snapshot at a phase.
mkdir -p "$root/etc/scion"
cat >"$root/etc/scion/checksum" <<'EOF'
# A running checksum, then disk reads, disk writes and a timer storm.
phase() { echo "SCION-PHASE $1" >/dev/kmsg; }
phase compute
s=0 i=0
while [ $i -lt 400 ]; do
    s=$(( (s * 31 + i * i + 7) % 1000000007 )); i=$((i + 1))
    [ $((i % 50)) -eq 0 ] && echo "checksum $i $s"
done
if [ -b /dev/vda ]; then
    phase disk-read
    sha256sum /dev/vda
    phase disk-write
    dd if=/dev/urandom of=/dev/vda bs=4096 seek=8 count=64 conv=fsync 2>/dev/null
    dd if=/dev/vda bs=4096 skip=8 count=64 2>/dev/null | sha256sum
fi
phase timers
j=0
while [ $j -lt 300 ]; do usleep 300; j=$((j + 1)); done
echo "timers $j"
phase done
echo "checksum done $s"
EOF
cat >"$root/etc/scion/counter" <<'EOF'
# An increasing counter every few milliseconds, forever (live migration).
i=0
while :; do echo "count $i"; i=$((i + 1)); usleep 3000; done
EOF

cat >"$root/etc/inittab" <<'EOF'
::respawn:/bin/cttyhack /bin/sh -l
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
EOF
printf 'export PS1="\\w # "\nexport PATH=/bin:/sbin:/usr/bin:/usr/sbin\n' >"$root/etc/profile"
echo scion >"$root/etc/hostname"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

# One newc entry for a character device, written by hand so that building
# the archive needs no root (mknod) and no fakeroot.
# newc header: magic, then 13 fields of 8 hex digits (ino, mode, uid, gid,
# nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
# namesize, check), then the NUL-terminated name padded to 4 bytes.
newc_entry() { # NAME MODE RDEVMAJOR RDEVMINOR INO
    _len=$(( ${#1} + 1 ))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$5" "$2" 0 0 1 0 0 0 0 "$3" "$4" "$_len" 0
    printf '%s\000' "$1"
    _pad=$(( (4 - (110 + _len) % 4) % 4 ))
    while [ $_pad -gt 0 ]; do printf '\000'; _pad=$((_pad - 1)); done
}
dev_archive() {
    newc_entry dev/console $((0020000 | 0600)) 5 1 900001
    newc_entry dev/null $((0020000 | 0666)) 1 3 900002
    newc_entry TRAILER!!! 0 0 0 0
}

# Fixed mtimes and owners: the same inputs give the same archive.
find "$root" -exec touch -h -d @0 {} +
tmpout=$OUT.tmp.$$
{
    (cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet)
    dev_archive
} | gzip -9n >"$tmpout" || { rm -f "$tmpout"; die "writing $OUT failed"; }
mv "$tmpout" "$OUT"
log "wrote $OUT"
