# Sourced by the tests that run Debian's own armhf programs under scion:
#   . "$(dirname "$0")/../sysroot_test.sh"      with arguments SCION [SYSROOT]
# sets SCION, ROOT (the source tree), SYSROOT (the argument, else
# $SCION_SYSROOT, else what scripts/fetch-debian-armhf.sh fetches) and T (a
# temporary directory removed at exit), and defines fail MESSAGE.
set -u
SCION=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
SYSROOT=${2:-${SCION_SYSROOT:-}}
[ -n "$SYSROOT" ] || SYSROOT=$("$ROOT/scripts/fetch-debian-armhf.sh" | tail -n 1) || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "$(basename "$0" .sh): $*" >&2; exit 1; }
