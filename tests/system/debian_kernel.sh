# Sourced by the tests that boot Debian's armmp kernel: sets KERNEL and
# INITRD (fetched and cached by scripts/fetch-debian-kernel.sh) and W, a
# work directory.  The caller removes W (its own EXIT trap).
paths=$("$(dirname "$0")/../../scripts/fetch-debian-kernel.sh") ||
    { echo "$(basename "$0"): cannot fetch Debian's kernel" >&2; exit 1; }
KERNEL=$(echo "$paths" | sed -n 1p)
INITRD=$(echo "$paths" | sed -n 2p)
W=$(mktemp -d)
