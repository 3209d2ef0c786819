@ BIOS calls for bios_calls.c, each in both SWI encodings: swi_arm_NAME
@ uses the ARM SWI (the BIOS reads the function from bits 16-23),
@ swi_thumb_NAME the Thumb one (bits 0-7).  Both take a struct
@ bios_regs * with r0-r3 in, and write r0-r3 back after the call.
    .syntax unified
    .text

    .macro bios_call name, number
    .arm
    .global swi_arm_\name
    .type swi_arm_\name, %function
swi_arm_\name:
    push {r4, lr}
    mov r4, r0
    ldm r4, {r0-r3}
    swi #(\number << 16)
    stm r4, {r0-r3}
    pop {r4, lr}
    bx lr

    .global swi_thumb_\name
    .type swi_thumb_\name, %function
swi_thumb_\name:
    push {r4, lr}
    mov r4, r0
    ldm r4, {r0-r3}
    add r12, pc, #1                 @ the Thumb code just below
    bx r12
    .thumb
    swi #\number
    stmia r4!, {r0-r3}
    pop {r4}
    pop {r1}
    bx r1                           @ back to the ARM caller
    .balign 4
    .endm

    bios_call vblank_intr_wait, 0x05
    bios_call div, 0x06
    bios_call div_arm, 0x07
    bios_call sqrt, 0x08
    bios_call arctan2, 0x0a
    bios_call cpu_set, 0x0b
    bios_call cpu_fast_set, 0x0c
    bios_call bios_checksum, 0x0d
    bios_call lz77_uncomp_wram, 0x11
    bios_call rl_uncomp_wram, 0x14

@ Compressed data.  The BIOS wants the headers word-aligned.
    .section .rodata
    .balign 4
    .global lz77_sample, lz77_sample_lz, lz77_sample_size
lz77_sample:                        @ the original text
    .incbin "lz77_sample.txt"
lz77_sample_end:
    .balign 4
lz77_sample_size:
    .word lz77_sample_end - lz77_sample
lz77_sample_lz:                     @ built by tools/lz77comp
    .incbin "lz77_sample.lz"
