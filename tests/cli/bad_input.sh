#!/bin/sh
# Bad input to the command line and the ELF loader: each case must give one
# clear message naming the problem and a non-zero exit status below 128 (no
# crash, no hang).
# Usage: bad_input.sh SCION ARM_DYNAMIC_BINARY
set -u
SCION=$1
ARM_BIN=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(cd "$(dirname "$0")" && pwd)/expect.sh"

printf 'just text\n' >"$T/text"
head -c 200 "$ARM_BIN" >"$T/truncated"
head -c 30 "$ARM_BIN" >"$T/tiny"
mkdir "$T/empty-sysroot"
: >"$T/empty"

expect not-elf "not an ELF file" "$SCION" "$T/text"
expect empty-file "not an ELF file" "$SCION" "$T/empty"
expect truncated-elf "truncated" "$SCION" "$T/truncated"
expect tiny-elf "truncated" "$SCION" "$T/tiny"
expect other-machine "x86-64" "$SCION" /bin/true
expect missing-file "No such file" "$SCION" "$T/does-not-exist"
expect directory "not a regular file" "$SCION" "$T"
expect missing-interpreter "interpreter /lib/ld-linux-armhf.so.3 not found" "$SCION" -L "$T/empty-sysroot" "$ARM_BIN"
expect missing-sysroot "sysroot $T/nowhere: not a directory" "$SCION" -L "$T/nowhere" "$ARM_BIN"
expect no-program "no program given" "$SCION"
expect bad-option "unknown or incomplete option" "$SCION" --frobnicate "$ARM_BIN"
expect bad-log-item "unknown log item" "$SCION" -d nonsense "$ARM_BIN"
expect bad-cpu "unknown CPU model" "$SCION" -cpu pentium "$ARM_BIN"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
