#!/bin/sh
# -bios FILE: the machine boots a BIOS image from its reset vector in SVC
# mode and takes SWIs and IRQs through its vectors.  The image here is
# written by this script (Nintendo's BIOS is not ours to ship): exception
# vectors, a reset that jumps to the cartridge, and an IRQ dispatcher that
# calls the handler at 0x03007ffc as the real one does.  The test ROMs that
# use no BIOS function must pass on it as they do on the HLE BIOS.
#   tests/gba/bios_file.sh SCION ROMDIR
set -u
scion=$1 roms=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Little-endian 32-bit word at a byte offset of the image.
put_word() {
    w=$2
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((w & 255)) $((w >> 8 & 255)) $((w >> 16 & 255)) $((w >> 24 & 255)))" |
        dd of="$T/bios.bin" bs=1 seek=$(($1)) conv=notrunc 2>/dev/null
}
head -c 16384 /dev/zero >"$T/bios.bin"
put_word 0x000 0xe3a0f408 # reset: mov pc, #0x08000000
put_word 0x004 0xe1b0f00e # undefined: movs pc, lr
put_word 0x008 0xe1b0f00e # SWI: movs pc, lr
put_word 0x00c 0xe25ef004 # prefetch abort: subs pc, lr, #4
put_word 0x010 0xe25ef008 # data abort: subs pc, lr, #8
put_word 0x014 0xeafffffe # reserved: b .
put_word 0x018 0xea000042 # IRQ: b 0x128
put_word 0x01c 0xe25ef004 # FIQ: subs pc, lr, #4
put_word 0x128 0xe92d500f # stmfd sp!, {r0-r3, r12, lr}
put_word 0x12c 0xe3a00301 # mov r0, #0x04000000
put_word 0x130 0xe28fe000 # add lr, pc, #0
put_word 0x134 0xe510f004 # ldr pc, [r0, #-4]
put_word 0x138 0xe8bd500f # ldmfd sp!, {r0-r3, r12, lr}
put_word 0x13c 0xe25ef004 # subs pc, lr, #4
[ "$(wc -c <"$T/bios.bin")" -eq 16384 ] || { echo "FAIL: BIOS image has the wrong size" >&2; exit 1; }

status=0
for rom in cpu_arm cpu_thumb irq_timer_dma; do
    out=$(timeout 120 "$scion" gba -display none -frames 300 -jit-cache off -bios "$T/bios.bin" -result \
        "$roms/$rom.gba" 2>&1)
    echo "$rom: $out"
    case $out in *"result: PASS"*) ;; *) status=1 ;; esac
done
[ $status -eq 0 ] || echo "FAIL: a test ROM failed on a BIOS image" >&2
exit $status
