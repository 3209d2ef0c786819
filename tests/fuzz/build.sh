#!/bin/sh
# Build scion's libFuzzer targets with clang, ASan and UBSan.
#
#   tests/fuzz/build.sh OUTDIR [TARGET...]
#
# Targets: fuzz_elf fuzz_boot fuzz_fdt fuzz_virtio fuzz_snapshot fuzz_gba_rom fuzz_tcache (default: all).  Compiles
# the scion sources each target needs directly (no meson), so it works from
# a clean checkout after scripts/setup.sh plus clang: on Debian 12 that is
# the packages clang-14 and libclang-rt-14-dev (the latter holds libFuzzer
# and the sanitizer runtimes; clang-14 only recommends it).
# CC overrides the compiler (default clang-14, else clang).
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 OUTDIR [TARGET...]" >&2
    exit 2
fi
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
targets=${*:-fuzz_elf fuzz_boot fuzz_fdt fuzz_virtio fuzz_snapshot fuzz_gba_rom fuzz_tcache}

if [ -z "${CC:-}" ]; then
    if command -v clang-14 >/dev/null 2>&1; then CC=clang-14; else CC=clang; fi
fi
if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build.sh: $CC not found (Debian 12: apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 1
fi

CFLAGS="-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra
 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$root"

sources() {
    case $1 in
    fuzz_elf) echo "user/elf_load.c user/guest_mem.c" ;;
    fuzz_boot) echo "devices/boot.c devices/fdt_virt.c" ;;
    fuzz_fdt) echo "devices/fdt_virt.c" ;;
    fuzz_gba_rom) echo "devices/gba_cart.c devices/gba_save.c devices/gba_save_file.c" ;;
    fuzz_tcache) echo "backend/tcache_file.c translator/ir.c" ;;
    fuzz_virtio) echo "devices/virtio_mmio.c devices/virtio_blk.c devices/virtio_rng.c devices/bus.c backend/log.c
                      snapshot/vmstate.c backend/sha256.c" ;;
    fuzz_snapshot) echo "snapshot/stream.c snapshot/ram.c snapshot/vmstate.c frontend/arm_vmstate.c devices/gicv2.c
                        devices/pl011.c devices/pl031.c devices/virtio_mmio.c devices/virtio_blk.c devices/virtio_rng.c
                        devices/bus.c backend/log.c backend/sha256.c" ;;
    *) echo "build.sh: unknown target $1" >&2; return 1 ;;
    esac
}

libs() {
    case $1 in
    fuzz_boot | fuzz_fdt) echo "-lfdt" ;;
    fuzz_snapshot) echo "-lz" ;;
    *) echo "" ;;
    esac
}

mkdir -p "$out"
for t in $targets; do
    src=$(sources "$t")
    files="$here/$t.c"
    for s in $src; do files="$files $root/$s"; done
    # shellcheck disable=SC2086,SC2046 # word splitting of the flag and file lists is intended
    if ! "$CC" $CFLAGS -o "$out/$t" $files $(libs "$t"); then
        echo "build.sh: building $t failed (is libclang-rt-14-dev installed for -fsanitize=fuzzer?)" >&2
        exit 1
    fi
    echo "built $out/$t"
done
