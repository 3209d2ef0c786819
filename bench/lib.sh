# Shared by the snapshot benchmarks (sourced, not run).
#
#   . "$HERE/lib.sh"
#   bench_kernel            # KERNEL, INITRD (Debian armmp + busybox initramfs), APPEND
#   bench_workdir           # W (removed at exit) and PIDS (killed at exit)

bench_kernel() {
    paths=$("$HERE/../scripts/fetch-debian-kernel.sh") || die "scripts/fetch-debian-kernel.sh failed"
    KERNEL=$(echo "$paths" | sed -n 1p)
    INITRD=$(echo "$paths" | sed -n 2p)
    APPEND=${APPEND:-console=ttyAMA0}
}

bench_cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$W"
}

bench_workdir() {
    W=$(mktemp -d)
    PIDS=""
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
