#!/bin/sh
# Regenerate the seed corpora in tests/fuzz/corpus/<target>/ (committed;
# rerun only when an input format changes).  Needs gcc-arm-linux-gnueabihf
# and libfdt-dev (both installed by scripts/setup.sh) and a host cc.
#
#   tests/fuzz/make_seeds.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=$here/corpus
work=$(mktemp -d "${TMPDIR:-/tmp}/scion-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT

ARMCC=${ARMCC:-arm-linux-gnueabihf-gcc}
# Tiny programs: no libc, 4 KiB segment alignment so each stays around 1 KiB.
cat >"$work/prog.c" <<'PROG'
void _start(void)
{
    __asm__ volatile("mov r0, #0\n\tmov r7, #1\n\tsvc #0");
    for (;;)
        ;
}
PROG
small="-Os -ffreestanding -nostdlib -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096 -Wl,--build-id=none -s"
# shellcheck disable=SC2086 # $small is a flag list
{
    $ARMCC $small -static -o "$work/static.elf" "$work/prog.c"
    $ARMCC $small -fPIE -pie -Wl,--no-dynamic-linker -o "$work/pie.elf" "$work/prog.c"
    $ARMCC $small -fPIE -pie -Wl,-dynamic-linker,/lib/ld-linux-armhf.so.3 -o "$work/dynamic.elf" "$work/prog.c"
    # A bare-metal kernel for the virt board: Thumb entry, linked into RAM.
    $ARMCC $small -mthumb -static -Wl,-Ttext=0x40010000 -o "$work/baremetal.elf" "$work/prog.c"
}

${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O1 -I"$root" -o "$work/make_seeds" "$here/make_seeds.c" "$root/devices/fdt_virt.c" -lfdt
for t in fuzz_elf fuzz_boot fuzz_fdt fuzz_virtio; do
    rm -rf "${corpus:?}/$t"
    mkdir -p "$corpus/$t"
done
"$work/make_seeds" "$corpus" "$work/static.elf" "$work/pie.elf" "$work/dynamic.elf" "$work/baremetal.elf"

# fuzz_tcache: the translation cache files scion itself writes for a small
# program with a loop, a call and a division, in ARM and in Thumb (as is,
# and with the flag that seals mutated entries).  Needs a built scion
# ($SCION, default build/scion).
cat >"$work/loop.c" <<'PROG'
static unsigned step(unsigned x) { return x % 7 ? x * 3 + 1 : x / 7; }
void _start(void)
{
    unsigned x = 5;
    for (int i = 0; i < 100; i++)
        x = step(x);
    register unsigned r0 __asm__("r0") = x & 1;
    __asm__ volatile("mov r7, #1\n\tsvc #0" : : "r"(r0));
    for (;;)
        ;
}
PROG
SCION=${SCION:-$root/build/scion}
rm -rf "${corpus:?}/fuzz_tcache"
mkdir -p "$corpus/fuzz_tcache"
for isa in arm thumb; do
    # shellcheck disable=SC2086 # $small is a flag list
    $ARMCC $small -m$isa -mcpu=cortex-a15 -static -o "$work/loop-$isa.elf" "$work/loop.c"
    "$SCION" run -jit-cache "$work/tc-$isa" "$work/loop-$isa.elf" || true # its exit status is x & 1
    for flag in 0 1; do
        { printf "\\$flag"; cat "$work/tc-$isa"/*.t; } >"$corpus/fuzz_tcache/loop-$isa-$flag"
    done
done
ls -l "$corpus"/*
