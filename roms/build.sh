#!/bin/sh
# Build the bare-metal system test programs for the `virt` board.
#
# Usage: roms/build.sh OUTDIR
#   Compiles every program virt/NAME.c (plus virt/NAME_asm.S when present)
#   with the common virt/crt0.S and virt/rom.c into OUTDIR/NAME.elf;
#   the programs in EXTRA_USERS also get virt/rom_extra.c (cache
#   maintenance for written code, MMU set-up).
#   ROM_CC overrides the compiler (default arm-linux-gnueabihf-gcc).
# Exits non-zero, naming the program, when anything fails.
set -eu

[ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
SRC=$(cd "$(dirname "$0")/virt" && pwd)
CC=${ROM_CC:-arm-linux-gnueabihf-gcc}
PROGRAMS=${ROM_PROGRAMS:-"exceptions mmu timer gic uart vfp smc hostile"}
EXTRA_USERS="smc hostile"

command -v "$CC" >/dev/null 2>&1 ||
    { echo "roms/build.sh: $CC not found (apt-get install gcc-arm-linux-gnueabihf)" >&2; exit 1; }
mkdir -p "$OUT"

# Soft-float so that no C code touches VFP before a program enables it;
# no unaligned accesses, since with the MMU off all memory is
# Strongly-ordered and an unaligned access to it faults.
CFLAGS="-march=armv7-a -marm -mfloat-abi=soft -mno-unaligned-access
 -ffreestanding -fno-builtin -fno-pic -fno-stack-protector
 -fno-asynchronous-unwind-tables -fno-unwind-tables
 -fno-tree-loop-distribute-patterns -O2 -g -std=gnu11 -Wall -Wextra -Werror
 -I$SRC"
LDFLAGS="-nostdlib -static -no-pie -Wl,-T,$SRC/rom.ld -Wl,--build-id=none
 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments"

for p in $PROGRAMS; do
    srcs="$SRC/crt0.S $SRC/rom.c $SRC/$p.c"
    [ ! -f "$SRC/${p}_asm.S" ] || srcs="$srcs $SRC/${p}_asm.S"
    case " $EXTRA_USERS " in *" $p "*) srcs="$srcs $SRC/rom_extra.c" ;; esac
    # shellcheck disable=SC2086 # word lists
    $CC $CFLAGS $LDFLAGS -o "$OUT/$p.elf.tmp" $srcs ||
        { echo "roms/build.sh: building $p failed" >&2; rm -f "$OUT/$p.elf.tmp"; exit 1; }
    mv "$OUT/$p.elf.tmp" "$OUT/$p.elf"
done
