#!/bin/sh
# Bad input to `scion virt`: a kernel that is not a kernel, a DTB that fails
# libfdt's check, an initrd larger than RAM, a missing disk image, bad
# options.  Each must give one clear message naming the problem and a
# non-zero exit status below 124 (no crash, no hang).
# Usage: virt_bad_input.sh SCION
set -u
SCION=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAX_LINES=3
. "$(cd "$(dirname "$0")" && pwd)/expect.sh"

printf 'just text\n' >"$T/text"
: >"$T/empty"
# A minimal valid ELF32 ARM executable (one empty segment in RAM) to boot
# with broken companions: take it from the cross compiler.
printf '.global _start\n_start: b _start\n' >"$T/k.S"
arm-linux-gnueabihf-gcc -nostdlib -static -Wl,--build-id=none -Wl,-Ttext=0x40010000 -Wl,-N -o "$T/kernel.elf" "$T/k.S" 2>/dev/null
head -c 100 /dev/zero | tr '\0' 'x' >"$T/bad.dtb"
printf '\320\015\376\355\000\000\001\000' >"$T/truncated.dtb" # FDT magic, then nothing
head -c $((20 * 1024 * 1024)) /dev/zero >"$T/big-initrd"

expect text-kernel "not a kernel image" "$SCION" virt -kernel "$T/text"
expect empty-kernel "not a kernel image" "$SCION" virt -kernel "$T/empty"
expect x86-kernel "not a kernel image\|machine\|ARM" "$SCION" virt -kernel /bin/true
expect missing-kernel "No such file" "$SCION" virt -kernel "$T/nope"
expect no-kernel "no -kernel" "$SCION" virt
expect bad-dtb "bad.dtb" "$SCION" virt -kernel "$T/kernel.elf" -dtb "$T/bad.dtb"
expect truncated-dtb "truncated.dtb" "$SCION" virt -kernel "$T/kernel.elf" -dtb "$T/truncated.dtb"
expect initrd-too-big "does not fit in RAM" "$SCION" virt -m 16M -kernel "$T/kernel.elf" -initrd "$T/big-initrd"
expect missing-disk "$T/disk-missing" "$SCION" virt -kernel "$T/kernel.elf" -drive file="$T/disk-missing",if=virtio
expect bad-drive "bad -drive" "$SCION" virt -kernel "$T/kernel.elf" -drive if=virtio
expect bad-ram "bad -m" "$SCION" virt -kernel "$T/kernel.elf" -m 5
expect bad-machine "unknown machine" "$SCION" virt -M vexpress -kernel "$T/kernel.elf"
expect bad-option "unknown option" "$SCION" virt -kernel "$T/kernel.elf" -bogus

echo "virt bad input: $pass passed, $fail failed"
[ $fail -eq 0 ]
