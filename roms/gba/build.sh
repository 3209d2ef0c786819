#!/bin/sh
# Build the GBA test ROMs.
#
# Usage: roms/gba/build.sh OUTDIR
#   Builds the host tools (gbafix, lz77comp) with the host cc into OUTDIR,
#   then every ROM into OUTDIR/NAME.gba (and NAME.elf, for disassembly):
#   crt0.S + lib/ + NAME.S or NAME.c (+ NAME_asm.S when present, + the
#   IRQ handler lib/irq.S for the ROMs in IRQ_USERS), linked
#   with gba.ld, turned into a raw image and finished by gbafix.
#   GBA_CC overrides the cross compiler (default arm-none-eabi-gcc),
#   HOST_CC the host one (default cc); GBA_ROMS picks a subset.
# Exits non-zero, naming the ROM, when anything fails.
set -eu

[ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
SRC=$(cd "$(dirname "$0")" && pwd)
CC=${GBA_CC:-arm-none-eabi-gcc}
OBJCOPY=${CC%gcc}objcopy
HOST_CC=${HOST_CC:-cc}
# The ppu_* ROMs are static scenes checked by frame hash (tests/gba/ppu_golden.txt).
PPU_ROMS="ppu_text ppu_affine1 ppu_affine2 ppu_mode3 ppu_mode4 ppu_mode5 ppu_obj1d ppu_obj2d
 ppu_window ppu_alpha ppu_brighten ppu_darken ppu_mosaic"
# bench_* are workloads for bench/gba_bench.sh, not tests.
ROMS=${GBA_ROMS:-"cpu_arm cpu_thumb irq_timer_dma bios_calls demo sound_test $PPU_ROMS bench_cpu bench_wait"}
IRQ_USERS="irq_timer_dma bios_calls demo sound_test"   # they get lib/irq.S, the IRQ handler

command -v "$CC" >/dev/null 2>&1 ||
    { echo "roms/gba/build.sh: $CC not found (apt-get install gcc-arm-none-eabi)" >&2; exit 1; }
mkdir -p "$OUT"

for tool in gbafix lz77comp; do
    $HOST_CC -std=c11 -O2 -Wall -Wextra -Werror -o "$OUT/$tool" "$SRC/tools/$tool.c" ||
        { echo "roms/gba/build.sh: building $tool failed" >&2; exit 1; }
done
# bios_calls checks the BIOS decompressor against this.
"$OUT/lz77comp" "$SRC/data/lz77_sample.txt" "$OUT/lz77_sample.lz"

# Title (12 characters at most) and game code of each ROM's header.
header_of() {
    case $1 in
        cpu_arm) echo "SCN CPU ARM:SCNA" ;;
        cpu_thumb) echo "SCN CPU THUM:SCNT" ;;
        irq_timer_dma) echo "SCN IRQ TMR:SCNI" ;;
        bios_calls) echo "SCN BIOS:SCNB" ;;
        ppu_text) echo "SCN PPU TEXT:SCPA" ;;
        ppu_affine1) echo "SCN PPU AFF1:SCPB" ;;
        ppu_affine2) echo "SCN PPU AFF2:SCPC" ;;
        ppu_mode3) echo "SCN PPU M3:SCPD" ;;
        ppu_mode4) echo "SCN PPU M4:SCPE" ;;
        ppu_mode5) echo "SCN PPU M5:SCPF" ;;
        ppu_obj1d) echo "SCN PPU OBJ1:SCPG" ;;
        ppu_obj2d) echo "SCN PPU OBJ2:SCPH" ;;
        ppu_window) echo "SCN PPU WIN:SCPI" ;;
        ppu_alpha) echo "SCN PPU ALPH:SCPJ" ;;
        ppu_brighten) echo "SCN PPU BRIT:SCPK" ;;
        ppu_darken) echo "SCN PPU DARK:SCPL" ;;
        ppu_mosaic) echo "SCN PPU MOSA:SCPM" ;;
        demo) echo "SCN BREAKOUT:SCND" ;;
        sound_test) echo "SCN SOUND:SCNS" ;;
        bench_cpu) echo "SCN BENCHCPU:SCBC" ;;
        bench_wait) echo "SCN BENCH WT:SCBW" ;;
        *) echo "$1:SCNX" ;;
    esac
}

# ARM code throughout (the IRQ handler and the tests' helpers are ARM);
# no libc, no libgcc.
CFLAGS="-mcpu=arm7tdmi -marm -O2 -g -std=gnu11 -ffreestanding -fno-builtin
 -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables
 -fno-unwind-tables -fno-tree-loop-distribute-patterns
 -Wall -Wextra -Werror -I$SRC -I$SRC/lib -Wa,-I$SRC/data -Wa,-I$OUT"
LDFLAGS="-nostdlib -static -Wl,-T,$SRC/gba.ld -Wl,--build-id=none
 -Wl,--no-warn-rwx-segments"

for rom in $ROMS; do
    header=$(header_of "$rom")
    title=${header%%:*}
    code=${header#*:}
    srcs="$SRC/crt0.S $SRC/lib/finish.S $SRC/lib/report.c $SRC/lib/text.c"
    for f in "$SRC/$rom.S" "$SRC/$rom.c" "$SRC/${rom}_asm.S"; do
        [ ! -f "$f" ] || srcs="$srcs $f"
    done
    case " $IRQ_USERS " in *" $rom "*) srcs="$srcs $SRC/lib/irq.S" ;; esac
    # ROMs in more than one C file
    case $rom in demo) srcs="$srcs $SRC/demo_gfx.c $SRC/demo_sound.c" ;; esac
    # shellcheck disable=SC2086 # word lists
    if ! $CC $CFLAGS $LDFLAGS "-DROM_TITLE=\"$title\"" "-DROM_CODE=\"$code\"" \
            -o "$OUT/$rom.elf" $srcs ||
        ! $OBJCOPY -O binary "$OUT/$rom.elf" "$OUT/$rom.bin" ||
        ! "$OUT/gbafix" "$OUT/$rom.bin" "$OUT/$rom.gba"; then
        echo "roms/gba/build.sh: building $rom failed" >&2
        rm -f "$OUT/$rom.gba"
        exit 1
    fi
    rm -f "$OUT/$rom.bin"
done
