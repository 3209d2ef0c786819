@ Start-up code for the test ROMs: the cartridge header, then the reset
@ path (own stacks and modes, section copies, .bss clearing, main).
@ ROM_TITLE (up to 12 characters) and ROM_CODE (4) come from build.sh;
@ gbafix fills in the header complement byte afterwards.
#include "lib/gba_asm.inc"

    .section .header, "ax"
    .arm
    .global _start
_start:
    b reset                         @ 0x00: entry point
    .fill 156, 1, 0                 @ 0x04: logo area, left zero
    .ascii ROM_TITLE                @ 0xa0: title
    .org 0xac
    .ascii ROM_CODE                 @ 0xac: game code
    .ascii "00"                     @ 0xb0: maker code
    .byte 0x96                      @ 0xb2: fixed value
    .byte 0x00                      @ 0xb3: main unit code
    .byte 0x00                      @ 0xb4: device type
    .fill 7, 1, 0                   @ 0xb5: reserved
    .byte 0x00                      @ 0xbc: software version
    .byte 0x00                      @ 0xbd: complement check (gbafix)
    .fill 2, 1, 0                   @ 0xbe: reserved

    @ 0xc0.  Whatever mode the BIOS left us in, set up each stack this
    @ code uses, with IRQs masked until main wants them.
reset:
    msr cpsr_c, #(MODE_IRQ | PSR_I | PSR_F)
    ldr sp, =STACK_IRQ
    msr cpsr_c, #(MODE_SVC | PSR_I | PSR_F)
    ldr sp, =STACK_SVC
    msr cpsr_c, #(MODE_SYS | PSR_I | PSR_F)
    ldr sp, =STACK_SYS

    mov r0, #IO_BASE                @ no interrupts from a previous life
    mov r1, #0
    str r1, [r0, #REG_IME]

    ldr r0, =__iwram_lma            @ .iwram and .data: one block
    ldr r1, =__iwram_start
    ldr r2, =__data_end
    bl copy_words
    ldr r0, =__ewram_lma
    ldr r1, =__ewram_start
    ldr r2, =__ewram_end
    bl copy_words
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    bl clear_words
    ldr r0, =__ewram_bss_start
    ldr r1, =__ewram_bss_end
    bl clear_words
    ldr r0, =0x0203fff0             @ the result mailbox: no verdict yet
    ldr r1, =0x0203fff8
    bl clear_words

    msr cpsr_c, #MODE_SYS           @ CPSR.I clear; IME still gates IRQs
    ldr r0, =main
    mov lr, pc
    bx r0
    mov r1, #0                      @ main's return value is the result
    mov r2, #0
    mov r3, #0
    b test_finish

@ copy_words(src r0, dst r1, dst_end r2); the linker script keeps the
@ sections word-aligned and word-sized.
copy_words:
    cmp r1, r2
    ldrlo r3, [r0], #4
    strlo r3, [r1], #4
    blo copy_words
    bx lr

@ clear_words(start r0, end r1)
clear_words:
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b
    bx lr
    .ltorg
