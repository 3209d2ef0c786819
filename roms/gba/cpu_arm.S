@ cpu_arm: the ARM7TDMI in ARM state.  Every expected value is worked
@ out from the ARM Architecture Reference Manual (ARMv4T) and GBATEK's
@ ARM7TDMI notes; the comment next to a check says why it is right.
#include "lib/gba_asm.inc"
#include "lib/check_asm.inc"

    .syntax unified
    .arm

    .section .rodata
    .global test_name
test_name:
    .asciz "CPU_ARM"

    .data
    .balign 4
@ Loads read this; distinct bytes make rotations visible.
words:
    .word 0x33221100, 0x77665544, 0xbbaa9988, 0xffeeddcc

    .bss
    .balign 64                      @ clear_scratch relies on it
scratch:
    .space 64

    .text
    .global main
    .type main, %function
main:
    bl test_immediate_shifts
    bl test_register_shifts
    bl test_immediate_operands
    bl test_arithmetic_flags
    bl test_logical_flags
    bl test_multiply
    bl test_load_store
    bl test_unaligned
    bl test_halfword_byte
    bl test_block_transfer
    bl test_swap
    bl test_psr_and_modes
    bl test_conditions
    bl test_branches
    bl test_open_bus
    mov r0, #0
    mov r1, #0
    mov r2, #0
    mov r3, #0
    b test_finish
    .size main, . - main

@ Each test routine keeps lr in r10 while it runs its checks.

@ Shifts by an immediate.  LSL #0 leaves C alone; LSR #32 and ASR #32
@ are the encodings of "#0"; ROR #0 encodes RRX.
test_immediate_shifts:
    mov r10, lr
    group 100
    ldr r0, =0x80000001
    set_flags 0
    movs r1, r0, lsl #1             @ bit 31 goes to C
    expect_flags FLAG_C
    expect r1, 2
    set_flags FLAG_C
    movs r1, r0, lsl #0             @ no shift: C kept
    expect_flags FLAG_N | FLAG_C
    expect r1, 0x80000001
    set_flags FLAG_C | FLAG_V
    movs r1, r0, lsr #1             @ bit 0 to C, V untouched
    expect_flags FLAG_C | FLAG_V
    expect r1, 0x40000000
    set_flags 0
    movs r1, r0, lsr #32            @ all out, C = bit 31
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    ldr r0, =0x80000002
    set_flags FLAG_C
    movs r1, r0, asr #1             @ sign fill, C = bit 0 = 0
    expect_flags FLAG_N
    expect r1, 0xc0000001
    set_flags 0
    movs r1, r0, asr #32            @ all sign, C = bit 31
    expect_flags FLAG_N | FLAG_C
    expect r1, 0xffffffff
    ldr r0, =0x40000000
    set_flags FLAG_C
    movs r1, r0, asr #32
    expect_flags FLAG_Z
    expect r1, 0
    ldr r0, =0x80000003
    set_flags FLAG_C
    movs r1, r0, ror #4             @ C = new bit 31 = 0
    expect_flags 0
    expect r1, 0x38000000
    set_flags 0
    movs r1, r0, ror #1
    expect_flags FLAG_N | FLAG_C
    expect r1, 0xc0000001
    set_flags FLAG_C
    movs r1, r0, rrx                @ C into bit 31, bit 0 into C
    expect_flags FLAG_N | FLAG_C
    expect r1, 0xc0000001
    ldr r0, =0x80000002
    set_flags 0
    movs r1, r0, rrx
    expect_flags 0
    expect r1, 0x40000001
    set_flags FLAG_Z | FLAG_C
    mov r1, r0, lsl #1              @ no S: flags kept
    expect_flags FLAG_Z | FLAG_C
    expect r1, 4
    ldr r2, =0x12345678             @ shifted operand into arithmetic
    mov r3, #0x10
    add r1, r3, r2, lsl #4
    expect r1, 0x23456790
    sub r1, r2, r3, ror #4          @ 0x10 ror 4 = 1
    expect r1, 0x12345677
    bx r10
    pool

@ Shifts by a register: only its bottom byte counts; 0 leaves value and
@ C alone; 32 and beyond behave as GBATEK / the ARM ARM tabulate.
test_register_shifts:
    mov r10, lr
    group 200
    ldr r0, =0x80000001
    mov r2, #0
    set_flags FLAG_C
    movs r1, r0, lsl r2
    expect_flags FLAG_N | FLAG_C
    expect r1, 0x80000001
    mov r2, #32
    set_flags 0
    movs r1, r0, lsl r2             @ LSL 32: 0, C = bit 0
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    mov r2, #33
    set_flags FLAG_C
    movs r1, r0, lsl r2             @ LSL >32: 0, C = 0
    expect_flags FLAG_Z
    expect r1, 0
    ldr r2, =0x101                  @ bottom byte: shift by 1
    set_flags 0
    movs r1, r0, lsl r2
    expect_flags FLAG_C
    expect r1, 2
    mov r2, #0
    set_flags 0
    movs r1, r0, lsr r2
    expect_flags FLAG_N
    expect r1, 0x80000001
    mov r2, #32
    set_flags 0
    movs r1, r0, lsr r2             @ LSR 32: 0, C = bit 31
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    mov r2, #33
    set_flags FLAG_C
    movs r1, r0, lsr r2             @ LSR >32: 0, C = 0
    expect_flags FLAG_Z
    expect r1, 0
    mov r2, #1
    set_flags 0
    movs r1, r0, lsr r2
    expect_flags FLAG_C
    expect r1, 0x40000000
    mov r2, #32
    set_flags 0
    movs r1, r0, asr r2             @ ASR >=32: sign, C = bit 31
    expect_flags FLAG_N | FLAG_C
    expect r1, 0xffffffff
    mov r2, #200
    set_flags 0
    movs r1, r0, asr r2
    expect_flags FLAG_N | FLAG_C
    expect r1, 0xffffffff
    ldr r3, =0x40000000
    set_flags FLAG_C
    movs r1, r3, asr r2
    expect_flags FLAG_Z
    expect r1, 0
    mov r2, #0
    set_flags FLAG_C
    movs r1, r3, asr r2
    expect_flags FLAG_C
    expect r1, 0x40000000
    mov r2, #0
    set_flags FLAG_C
    movs r1, r0, ror r2             @ ROR 0: value and C kept
    expect_flags FLAG_N | FLAG_C
    expect r1, 0x80000001
    mov r2, #32
    set_flags 0
    movs r1, r0, ror r2             @ ROR 32: value kept, C = bit 31
    expect_flags FLAG_N | FLAG_C
    expect r1, 0x80000001
    mov r2, #36                     @ ROR 36 = ROR 4
    set_flags FLAG_C
    movs r1, r0, ror r2
    expect_flags 0
    expect r1, 0x18000000
    mov r2, #64                     @ a multiple of 32: as ROR 32
    ldr r3, =0x7fffffff
    set_flags FLAG_C
    movs r1, r3, ror r2
    expect_flags 0
    expect r1, 0x7fffffff
    bx r10
    pool

@ An immediate with a non-zero rotation puts its bit 31 in C; rotation
@ 0 leaves C alone.  PC reads as the instruction's address + 8.
test_immediate_operands:
    mov r10, lr
    group 300
    set_flags 0
    movs r1, #0x80000000
    expect_flags FLAG_N | FLAG_C
    set_flags FLAG_C
    movs r1, #0x3f0
    expect_flags 0
    set_flags FLAG_C
    movs r1, #0xff
    expect_flags FLAG_C
    mvn r1, #0xff
    expect r1, 0xffffff00
1:  mov r1, pc
    adr r2, 1b + 8
    expect_same r1, r2
    bx r10
    pool

@ C is "no borrow" for subtraction; V is signed overflow.
test_arithmetic_flags:
    mov r10, lr
    group 400
    ldr r0, =0x7fffffff
    adds r1, r0, #1
    expect_flags FLAG_N | FLAG_V
    expect r1, 0x80000000
    ldr r0, =0xffffffff
    adds r1, r0, #1
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    ldr r0, =0x80000000
    adds r1, r0, r0
    expect_flags FLAG_Z | FLAG_C | FLAG_V
    mov r0, #5
    subs r1, r0, #5
    expect_flags FLAG_Z | FLAG_C
    subs r1, r0, #6
    expect_flags FLAG_N
    expect r1, 0xffffffff
    ldr r0, =0x80000000
    subs r1, r0, #1
    expect_flags FLAG_C | FLAG_V
    expect r1, 0x7fffffff
    mov r0, #1
    set_flags FLAG_C
    adcs r1, r0, #1                 @ 1 + 1 + C
    expect_flags 0
    expect r1, 3
    ldr r0, =0xffffffff
    set_flags FLAG_C
    adcs r1, r0, #0
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    set_flags 0
    adcs r1, r0, #0
    expect_flags FLAG_N
    expect r1, 0xffffffff
    ldr r0, =0x7fffffff
    set_flags FLAG_C
    adcs r1, r0, #0
    expect_flags FLAG_N | FLAG_V
    expect r1, 0x80000000
    mov r0, #5
    set_flags FLAG_C
    sbcs r1, r0, #5                 @ 5 - 5 - !C
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    set_flags 0
    sbcs r1, r0, #5
    expect_flags FLAG_N
    expect r1, 0xffffffff
    set_flags 0
    sbcs r1, r0, #4
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    ldr r0, =0x80000000
    set_flags FLAG_C
    sbcs r1, r0, #1
    expect_flags FLAG_C | FLAG_V
    expect r1, 0x7fffffff
    mov r0, #3
    set_flags FLAG_C
    rscs r1, r0, #10                @ 10 - 3 - !C
    expect_flags FLAG_C
    expect r1, 7
    set_flags 0
    rscs r1, r0, #3
    expect_flags FLAG_N
    expect r1, 0xffffffff
    set_flags 0
    rscs r1, r0, #4
    expect_flags FLAG_Z | FLAG_C
    expect r1, 0
    mov r0, #1
    rsbs r1, r0, #0
    expect_flags FLAG_N
    expect r1, 0xffffffff
    cmp r0, #2
    expect_flags FLAG_N
    cmp r0, #1
    expect_flags FLAG_Z | FLAG_C
    cmp r0, #0
    expect_flags FLAG_C
    ldr r0, =0x80000000
    cmp r0, #1
    expect_flags FLAG_C | FLAG_V
    ldr r0, =0xffffffff
    cmn r0, #1
    expect_flags FLAG_Z | FLAG_C
    ldr r0, =0x7fffffff
    cmn r0, #1
    expect_flags FLAG_N | FLAG_V
    bx r10
    pool

@ Logical operations: N and Z from the result, C from the shifter, V kept.
test_logical_flags:
    mov r10, lr
    group 500
    mov r0, #0xf0
    set_flags FLAG_C | FLAG_V
    tst r0, #0x0f
    expect_flags FLAG_Z | FLAG_C | FLAG_V
    set_flags 0
    tst r0, r0, lsl #25             @ 0xe0000000 & 0xf0; C = bit 7
    expect_flags FLAG_Z | FLAG_C
    ldr r0, =0x80000000
    set_flags FLAG_V
    teq r0, #0
    expect_flags FLAG_N | FLAG_V
    set_flags FLAG_C
    teq r0, r0
    expect_flags FLAG_Z | FLAG_C
    ldr r0, =0xff00ff00
    ldr r2, =0x0ff00ff0
    set_flags 0
    ands r1, r0, r2
    expect_flags 0
    expect r1, 0x0f000f00
    set_flags 0                     @ (each check's CMP changes C)
    eors r1, r0, r2
    expect_flags FLAG_N
    expect r1, 0xf0f0f0f0
    orrs r1, r0, r2
    expect r1, 0xfff0fff0
    bics r1, r0, r2
    expect r1, 0xf000f000
    set_flags 0
    mvns r1, r0
    expect_flags 0
    expect r1, 0x00ff00ff
    set_flags FLAG_N
    movs r1, #0
    expect_flags FLAG_Z
    bx r10
    pool

@ MUL/MLA (32-bit) and the long multiplies.  With S, N and Z come from
@ the result (all 64 bits for the long forms); C is meaningless on the
@ ARM7TDMI, so only N and Z are looked at.
test_multiply:
    mov r10, lr
    group 600
    mov r0, #7
    mov r1, #6
    mul r2, r0, r1
    expect r2, 42
    ldr r0, =0xffffffff
    mov r1, #3
    muls r2, r0, r1
    mrs r11, cpsr
    and r11, r11, #(FLAG_N | FLAG_Z)
    expect r11, FLAG_N
    expect r2, 0xfffffffd
    mov r0, #0
    muls r2, r1, r0
    mrs r11, cpsr
    and r11, r11, #(FLAG_N | FLAG_Z)
    expect r11, FLAG_Z
    mov r0, #10
    mov r1, #20
    mov r3, #5
    mla r2, r0, r1, r3
    expect r2, 205
    ldr r0, =0x10000
    mov r3, #0
    mlas r2, r0, r0, r3             @ 2^32 wraps to 0
    mrs r11, cpsr
    and r11, r11, #(FLAG_N | FLAG_Z)
    expect r11, FLAG_Z
    ldr r0, =0xffffffff
    ldr r1, =0xffffffff
    umull r2, r3, r0, r1            @ 0xfffffffe_00000001
    expect r2, 1
    expect r3, 0xfffffffe
    ldr r2, =0xffffffff
    mov r3, #1
    mov r0, #2
    mov r1, #1
    umlal r2, r3, r0, r1            @ 0x1_ffffffff + 2
    expect r2, 1
    expect r3, 2
    ldr r0, =0xfffffffe
    mov r1, #3
    smulls r2, r3, r0, r1           @ -6
    mrs r11, cpsr
    and r11, r11, #(FLAG_N | FLAG_Z)
    expect r11, FLAG_N
    expect r2, 0xfffffffa
    expect r3, 0xffffffff
    ldr r0, =0x80000000
    smull r2, r3, r0, r0            @ (-2^31)^2 = 2^62
    expect r2, 0
    expect r3, 0x40000000
    mov r2, #10
    mov r3, #0
    ldr r0, =0xfffffffd
    mov r1, #4
    smlal r2, r3, r0, r1            @ 10 + -12
    expect r2, 0xfffffffe
    expect r3, 0xffffffff
    ldr r0, =0x10000
    umulls r2, r3, r0, r0           @ 2^32: low word 0 but Z clear
    mrs r11, cpsr
    and r11, r11, #(FLAG_N | FLAG_Z)
    expect r11, 0
    expect r2, 0
    expect r3, 1
    mov r0, #0
    umulls r2, r3, r0, r1
    mrs r11, cpsr
    and r11, r11, #(FLAG_N | FLAG_Z)
    expect r11, FLAG_Z
    mov r2, #0
    mov r3, #0x80000000
    smlals r2, r3, r0, r1           @ accumulator alone: negative
    mrs r11, cpsr
    and r11, r11, #(FLAG_N | FLAG_Z)
    expect r11, FLAG_N
    bx r10
    pool

@ LDR/STR addressing: offsets up and down, pre-indexed with and without
@ writeback, post-indexed (always writes back), scaled register offsets.
test_load_store:
    mov r10, lr
    group 700
    ldr r4, =words
    ldr r0, [r4]
    expect r0, 0x33221100
    ldr r0, [r4, #4]
    expect r0, 0x77665544
    mov r5, r4
    ldr r0, [r5, #8]!
    expect r0, 0xbbaa9988
    sub r1, r5, r4
    expect r1, 8
    ldr r0, [r5], #-4
    expect r0, 0xbbaa9988
    sub r1, r5, r4
    expect r1, 4
    ldr r0, [r5, #-4]
    expect r0, 0x33221100
    sub r1, r5, r4
    expect r1, 4
    mov r6, #2
    ldr r0, [r4, r6, lsl #2]
    expect r0, 0xbbaa9988
    add r5, r4, #12
    mov r6, #8
    ldr r0, [r5, -r6, lsr #1]       @ r5 - 4
    expect r0, 0xbbaa9988
    ldr r6, =0xfffffff8
    ldr r0, [r5, r6, asr #1]        @ r5 + (-4)
    expect r0, 0xbbaa9988
    mov r6, #0x10
    ldr r0, [r4, r6, ror #2]        @ offset 4
    expect r0, 0x77665544
    mov r6, #8
    set_flags 0
    ldr r0, [r4, r6, rrx]           @ offset 4
    expect r0, 0x77665544
    mov r5, r4
    mov r6, #4
    ldr r0, [r5], r6, lsl #1
    expect r0, 0x33221100
    sub r1, r5, r4
    expect r1, 8
    mov r5, r4
    ldr r0, [r5, r6]!
    expect r0, 0x77665544
    sub r1, r5, r4
    expect r1, 4
    add r5, r4, #8
    ldr r0, [r5, -r6]!
    expect r0, 0x77665544
    sub r1, r5, r4
    expect r1, 4

    ldr r4, =scratch
    ldr r0, =0xdeadbeef
    mov r1, #0
    str r0, [r4]
    str r1, [r4, #4]
    ldr r2, [r4]
    expect r2, 0xdeadbeef
    mov r5, r4
    str r0, [r5, #4]!
    sub r1, r5, r4
    expect r1, 4
    str r1, [r5], #8                @ stores 4 at scratch+4
    sub r1, r5, r4
    expect r1, 12
    ldr r2, [r4, #4]
    expect r2, 4
    mov r6, #3
    str r0, [r4, r6, lsl #2]        @ scratch + 12
    ldr r2, [r4, #12]
    expect r2, 0xdeadbeef
1:  str pc, [r4]                    @ stores its own address + 12
    ldr r2, [r4]
    adr r3, 1b + 12
    expect_same r2, r3
    bx r10
    pool

@ ARMv4T misaligned accesses (GBATEK "ARM CPU Memory Alignments"): LDR
@ reads the aligned word rotated right by 8 * (address & 3); STR ignores
@ the low two address bits.
test_unaligned:
    mov r10, lr
    group 800
    ldr r4, =words
    ldr r0, [r4, #1]
    expect r0, 0x00332211
    ldr r0, [r4, #2]
    expect r0, 0x11003322
    ldr r0, [r4, #3]
    expect r0, 0x22110033
    ldr r0, [r4, #7]
    expect r0, 0x66554477
    ldr r4, =scratch
    mov r1, #0
    str r1, [r4, #16]
    str r1, [r4, #20]
    ldr r0, =0xdeadbeef
    str r0, [r4, #17]
    ldr r2, [r4, #16]
    expect r2, 0xdeadbeef
    ldr r2, [r4, #20]
    expect r2, 0
    bx r10
    pool

@ Halfword and byte transfers.  On the ARM7TDMI LDRH from an odd address
@ returns the aligned halfword rotated right by 8 and LDRSH from an odd
@ address loads the byte sign-extended; STRH ignores address bit 0.
test_halfword_byte:
    mov r10, lr
    group 900
    ldr r4, =words
    ldrh r0, [r4, #2]
    expect r0, 0x3322
    ldrh r0, [r4, #5]               @ 0x5544 ror 8
    expect r0, 0x44000055
    ldrh r0, [r4, #7]
    expect r0, 0x66000077
    ldrsh r0, [r4, #10]
    expect r0, 0xffffbbaa
    ldrsh r0, [r4, #6]
    expect r0, 0x7766
    ldrsh r0, [r4, #9]              @ the byte 0x99
    expect r0, 0xffffff99
    ldrsh r0, [r4, #5]              @ the byte 0x55
    expect r0, 0x55
    ldrsb r0, [r4, #12]
    expect r0, 0xffffffcc
    ldrsb r0, [r4, #1]
    expect r0, 0x11
    ldrb r0, [r4, #6]
    expect r0, 0x66
    mov r6, #9
    ldrb r0, [r4, r6]
    expect r0, 0x99
    mov r5, r4
    ldrh r0, [r5], #6
    expect r0, 0x1100
    ldrh r0, [r5, #2]!
    expect r0, 0x9988               @ halfword at words + 8
    sub r1, r5, r4
    expect r1, 8
    mov r6, #4
    ldrsh r0, [r5, -r6]
    expect r0, 0x5544

    ldr r4, =scratch
    mov r1, #0
    str r1, [r4]
    str r1, [r4, #4]
    ldr r0, =0xdeadbeef
    strb r0, [r4, #1]
    ldr r2, [r4]
    expect r2, 0xef00
    strh r0, [r4, #6]
    ldr r2, [r4, #4]
    expect r2, 0xbeef0000
    str r1, [r4, #4]
    strh r0, [r4, #5]               @ lands on scratch + 4
    ldr r2, [r4, #4]
    expect r2, 0xbeef
    bx r10
    pool

@ clear_scratch: zero the 16 scratch words (r11, r12 clobbered).
clear_scratch:
    ldr r11, =scratch
    mov r12, #0
1:  str r12, [r11], #4
    tst r11, #0x3c
    bne 1b
    bx lr

@ LDM/STM in the four modes with writeback; lowest register at the
@ lowest address.  STM with the base in the list stores the old base if
@ it is the first register, else the written-back one; LDM with the base
@ in the list and writeback keeps the loaded value (ARMv4, GBATEK).
test_block_transfer:
    mov r10, lr
    group 1000
    ldr r4, =scratch
    mov r0, #0x10
    mov r1, #0x11
    mov r2, #0x12
    mov r3, #0x13
    bl clear_scratch
    mov r5, r4
    stmia r5!, {r0-r3}
    sub r6, r5, r4
    expect r6, 16
    ldr r6, [r4]
    expect r6, 0x10
    ldr r6, [r4, #12]
    expect r6, 0x13
    bl clear_scratch
    mov r5, r4
    stmib r5!, {r0, r1}
    sub r6, r5, r4
    expect r6, 8
    ldr r6, [r4, #4]
    expect r6, 0x10
    ldr r6, [r4, #8]
    expect r6, 0x11
    bl clear_scratch
    add r5, r4, #12
    stmda r5!, {r0, r1}
    sub r6, r5, r4
    expect r6, 4
    ldr r6, [r4, #8]
    expect r6, 0x10
    ldr r6, [r4, #12]
    expect r6, 0x11
    bl clear_scratch
    add r5, r4, #16
    stmdb r5!, {r0, r1}
    sub r6, r5, r4
    expect r6, 8
    ldr r6, [r4, #8]
    expect r6, 0x10
    ldr r6, [r4, #12]
    expect r6, 0x11
    stmia r4, {r2, r3}              @ no writeback
    ldr r6, [r4]
    expect r6, 0x12

    ldr r4, =words
    mov r5, r4
    ldmia r5!, {r0, r1}
    expect r0, 0x33221100
    expect r1, 0x77665544
    sub r6, r5, r4
    expect r6, 8
    mov r5, r4
    ldmib r5!, {r0, r1}
    expect r0, 0x77665544
    expect r1, 0xbbaa9988
    sub r6, r5, r4
    expect r6, 8
    add r5, r4, #12
    ldmda r5!, {r0, r1}
    expect r0, 0xbbaa9988
    expect r1, 0xffeeddcc
    sub r6, r5, r4
    expect r6, 4
    add r5, r4, #16
    ldmdb r5!, {r0-r2}
    expect r0, 0x77665544
    expect r2, 0xffeeddcc
    sub r6, r5, r4
    expect r6, 4

    ldr r4, =scratch
    bl clear_scratch
    mov r0, r4
    .inst 0xe8a00003                @ stmia r0!, {r0, r1}: base first
    ldr r6, [r4]
    expect_same r6, r4
    sub r6, r0, r4
    expect r6, 8
    mov r1, r4
    .inst 0xe8a10003                @ stmia r1!, {r0, r1}: base second
    add r5, r4, #8
    ldr r6, [r4, #4]
    expect_same r6, r5
    ldr r4, =words
    mov r1, r4
    .inst 0xe8b10007                @ ldmia r1!, {r0-r2}: load wins
    expect r1, 0x77665544
    expect r0, 0x33221100
    bx r10
    pool

@ SWP/SWPB: the old memory value to Rd, Rm to memory, atomically.
test_swap:
    mov r10, lr
    group 1100
    ldr r4, =scratch
    ldr r0, =0x12345678
    str r0, [r4]
    ldr r1, =0xcafef00d
    swp r2, r1, [r4]
    expect r2, 0x12345678
    ldr r3, [r4]
    expect r3, 0xcafef00d
    swp r0, r0, [r4]                @ same register both ways
    expect r0, 0xcafef00d
    ldr r3, [r4]
    expect r3, 0x12345678
    ldr r0, =0x11223344
    str r0, [r4]
    mov r1, #0xab
    add r5, r4, #1
    swpb r2, r1, [r5]
    expect r2, 0x33
    ldr r3, [r4]
    expect r3, 0x1122ab44
    bx r10
    pool

@ MRS/MSR: flags alone, and mode changes.  IRQ and SVC have their own
@ r13, r14 and SPSR; FIQ also its own r8-r12; SYS shares User's.
test_psr_and_modes:
    mov r10, lr
    group 1200
    mrs r0, cpsr
    and r0, r0, #0xff
    expect r0, MODE_SYS             @ as crt0 left it: ARM, IRQs on
    msr cpsr_f, #0xf0000000
    mrs r0, cpsr
    expect r0, 0xf0000000 | MODE_SYS
    ldr r0, =0x50000000 | MODE_SYS | PSR_I
    msr cpsr_fc, r0
    mrs r1, cpsr
    expect r1, 0x50000000 | MODE_SYS | PSR_I

    mov r8, sp                      @ SYS's r13/r14
    mov r9, lr
    msr cpsr_c, #(MODE_IRQ | PSR_I | PSR_F)
    mrs r0, cpsr
    and r0, r0, #0xff
    expect r0, MODE_IRQ | PSR_I | PSR_F
    expect sp, STACK_IRQ            @ crt0's IRQ stack
    ldr sp, =0x11111111
    ldr lr, =0x22222222
    ldr r0, =0xa000001f
    msr spsr_fsxc, r0
    msr cpsr_c, #(MODE_SVC | PSR_I | PSR_F)
    expect sp, STACK_SVC
    ldr sp, =0x33333333
    ldr lr, =0x44444444
    ldr r0, =0x500000d2
    msr spsr_fsxc, r0
    msr cpsr_c, #(MODE_SYS | PSR_I)
    expect_same sp, r8
    expect_same lr, r9
    msr cpsr_c, #(MODE_IRQ | PSR_I | PSR_F)
    expect sp, 0x11111111
    expect lr, 0x22222222
    mrs r0, spsr
    expect r0, 0xa000001f
    ldr sp, =STACK_IRQ
    msr cpsr_c, #(MODE_SVC | PSR_I | PSR_F)
    expect sp, 0x33333333
    expect lr, 0x44444444
    mrs r0, spsr
    expect r0, 0x500000d2
    ldr sp, =STACK_SVC

    msr cpsr_c, #(MODE_SYS | PSR_I)
    mov r3, r10                     @ r10 is banked in FIQ mode
    mov r8, #0x08
    mov r9, #0x09
    mov r10, #0x0a
    msr cpsr_c, #(MODE_FIQ | PSR_I | PSR_F)
    mov r8, #0xf8
    mov r9, #0xf9
    mov r10, #0xfa
    msr cpsr_c, #(MODE_SYS | PSR_I)
    expect r8, 0x08
    expect r9, 0x09
    expect r10, 0x0a
    msr cpsr_c, #(MODE_FIQ | PSR_I | PSR_F)
    mov r0, r8
    mov r1, r10
    msr cpsr_c, #MODE_SYS
    expect r0, 0xf8
    expect r1, 0xfa
    bx r3
    pool

@ Every condition code against all 16 NZCV combinations.  Each ORR sets
@ one bit when its condition passes; the table has the bits the ARM ARM's
@ condition definitions give, bit i for condition i (EQ = 0 ... AL = 14).
test_conditions:
    mov r10, lr
    group 1300
    ldr r5, =condition_table
    mov r4, #0
1:  mov r0, r4, lsl #28
    msr cpsr_f, r0
    mov r1, #0
    orreq r1, r1, #1 << 0
    orrne r1, r1, #1 << 1
    orrcs r1, r1, #1 << 2
    orrcc r1, r1, #1 << 3
    orrmi r1, r1, #1 << 4
    orrpl r1, r1, #1 << 5
    orrvs r1, r1, #1 << 6
    orrvc r1, r1, #1 << 7
    orrhi r1, r1, #1 << 8
    orrls r1, r1, #1 << 9
    orrge r1, r1, #1 << 10
    orrlt r1, r1, #1 << 11
    orrgt r1, r1, #1 << 12
    orrle r1, r1, #1 << 13
    orral r1, r1, #1 << 14
    ldr r2, [r5, r4, lsl #2]
    cmp r1, r2
    ldrne r0, =1301                 @ check 1301 + NZCV
    addne r0, r0, r4
    bne check_failed
    add r4, r4, #1
    cmp r4, #16
    blo 1b
    bx r10
    pool

condition_table:                    @ indexed by NZCV
    .word 0x56aa, 0x6a6a, 0x55a6, 0x6966    @ ----  ---V  --C-  --CV
    .word 0x66a9, 0x6a69, 0x66a5, 0x6a65    @ -Z--  -Z-V  -ZC-  -ZCV
    .word 0x6a9a, 0x565a, 0x6996, 0x5556    @ N---  N--V  N-C-  N-CV
    .word 0x6a99, 0x6659, 0x6a95, 0x6655    @ NZ--  NZ-V  NZC-  NZCV

@ B forwards and back, BL's link, BX into Thumb and back.
test_branches:
    mov r10, lr
    group 1400
    b 2f
1:  b 3f
2:  b 1b
    mov r0, #0                      @ skipped
    expect r0, 1
3:  bl return_lr
4:  adr r1, 4b                      @ BL links the next instruction
    expect_same r0, r1
    adr r0, thumb_code + 1
    mov lr, pc
    bx r0
    adr r2, thumb_pc_read + 4       @ Thumb PC reads as address + 4
    expect_same r1, r2
    expect r0, 42
    mrs r0, cpsr
    and r0, r0, #PSR_T
    expect r0, 0                    @ back in ARM state
    adr r0, 5f
    bx r0                           @ BX to ARM code
    expect r0, 0                    @ skipped
5:  bx r10
    pool

return_lr:
    mov r0, lr
    bx lr

    .thumb
thumb_code:
    movs r0, #40
    adds r0, r0, #2
thumb_pc_read:
    mov r1, pc
    bx lr
    .arm

@ Reads where nothing answers return the last prefetched instruction
@ (GBATEK "GBA Unpredictable Things", open bus): in ARM state the word
@ two instructions ahead of the load, whatever the address and width.
test_open_bus:
    mov r10, lr
    group 1500
    ldr r1, =0x01000000             @ nothing between the BIOS and EWRAM
    ldr r0, [r1]
    b 1f
    .word 0xa5c3e10f                @ pc + 8 of the load above
1:  expect r0, 0xa5c3e10f
    ldr r1, =0x10000000             @ above the 28-bit bus
    ldrh r0, [r1, #2]
    b 2f
    .word 0x7e5a1b2c
2:  expect r0, 0x7e5a                @ the upper halfword lane
    bx r10
    pool
