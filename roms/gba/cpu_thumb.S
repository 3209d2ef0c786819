@ cpu_thumb: the ARM7TDMI in Thumb state, format by format as GBATEK
@ numbers them (THUMB.1 to THUMB.19; THUMB.17, SWI, is bios_calls').
@ Expected values come from GBATEK and the ARM ARM (ARMv4T).
#include "lib/gba_asm.inc"
#include "lib/check_asm.inc"

    .syntax unified

    .section .rodata
    .global test_name
test_name:
    .asciz "CPU_THUMB"

    .data
    .balign 4
words:
    .word 0x33221100, 0x77665544, 0xbbaa9988, 0xffeeddcc

    .bss
    .balign 4
scratch:
    .space 32

    .text
    .arm
    .global main
    .type main, %function
main:
    adr r0, thumb_main + 1
    bx r0
    .size main, . - main

@ thumb_read_flags: r6 = CPSR with only NZCV.  thumb_write_flags: NZCV =
@ r6.  Thumb has no MRS/MSR, so both hop to ARM; BL and BX leave the
@ flags alone, so the flags seen are the caller's.
    .balign 4
    .thumb_func
thumb_read_flags:
    bx pc
    nop
    .arm
    mrs r6, cpsr
    and r6, r6, #0xf0000000
    bx lr

    .balign 4
    .thumb
    .thumb_func
thumb_write_flags:
    bx pc
    nop
    .arm
    msr cpsr_f, r6
    bx lr

    .thumb
    .thumb_func
thumb_main:
    bl test_shifts
    bl test_add_sub
    bl test_immediates
    bl test_alu
    bl test_hi_registers
    bl test_pc_relative_load
    bl test_register_offsets
    bl test_immediate_offsets
    bl test_sp_and_addresses
    bl test_push_pop
    bl test_multiple
    bl test_conditional_branches
    bl test_branch_link
    movs r0, #0
    movs r1, #0
    movs r2, #0
    movs r3, #0
    ldr r4, =test_finish
    bx r4
    pool_t

@ Each test routine keeps its return address in r8 (hi, so untouched by
@ the checks) and returns with BX.

@ THUMB.1: LSL/LSR/ASR by an immediate; LSR/ASR #32 are encoded as #0.
    .thumb_func
test_shifts:
    mov r8, lr
    group 100
    ldr r0, =0x80000001
    set_flags_t 0
    lsls r1, r0, #1
    expect_flags_t FLAG_C
    expect_t r1, 2
    set_flags_t FLAG_C
    lsls r1, r0, #0                 @ C kept
    expect_flags_t FLAG_N | FLAG_C
    expect_t r1, 0x80000001
    set_flags_t FLAG_V
    lsrs r1, r0, #1
    expect_flags_t FLAG_C | FLAG_V
    expect_t r1, 0x40000000
    set_flags_t 0
    lsrs r1, r0, #32
    expect_flags_t FLAG_Z | FLAG_C
    expect_t r1, 0
    set_flags_t 0
    asrs r1, r0, #32
    expect_flags_t FLAG_N | FLAG_C
    expect_t r1, 0xffffffff
    ldr r0, =0x80000002
    set_flags_t FLAG_C
    asrs r1, r0, #1
    expect_flags_t FLAG_N
    expect_t r1, 0xc0000001
    bx r8
    pool_t

@ THUMB.2: ADD/SUB with a register or a 3-bit immediate.
    .thumb_func
test_add_sub:
    mov r8, lr
    group 200
    movs r0, #5
    movs r2, #3
    adds r1, r0, r2
    expect_flags_t 0
    expect_t r1, 8
    subs r1, r0, r2
    expect_flags_t FLAG_C
    expect_t r1, 2
    adds r1, r0, #7
    expect_t r1, 12
    subs r1, r2, #4
    expect_flags_t FLAG_N
    expect_t r1, 0xffffffff
    subs r1, r0, #5
    expect_flags_t FLAG_Z | FLAG_C
    ldr r0, =0x7fffffff
    adds r1, r0, #1
    expect_flags_t FLAG_N | FLAG_V
    bx r8
    pool_t

@ THUMB.3: MOV/CMP/ADD/SUB with an 8-bit immediate.  MOV sets N and Z
@ only.
    .thumb_func
test_immediates:
    mov r8, lr
    group 300
    set_flags_t FLAG_C | FLAG_V
    movs r0, #0
    expect_flags_t FLAG_Z | FLAG_C | FLAG_V
    movs r0, #255
    expect_t r0, 255
    cmp r0, #255
    expect_flags_t FLAG_Z | FLAG_C
    cmp r0, #200
    expect_flags_t FLAG_C
    adds r0, #1
    expect_t r0, 256
    subs r0, #250
    expect_t r0, 6
    subs r0, #7
    expect_flags_t FLAG_N
    expect_t r0, 0xffffffff
    bx r8
    pool_t

@ THUMB.4: the 16 ALU operations.  Register shifts use the bottom byte
@ of Rs, as in ARM state.
    .thumb_func
test_alu:
    mov r8, lr
    group 400
    ldr r0, =0xff00ff00
    ldr r1, =0x0ff00ff0
    movs r2, r0
    ands r2, r1
    expect_t r2, 0x0f000f00
    movs r2, r0
    eors r2, r1
    expect_t r2, 0xf0f0f0f0
    movs r2, r0
    orrs r2, r1
    expect_t r2, 0xfff0fff0
    movs r2, r0
    bics r2, r1
    expect_t r2, 0xf000f000
    mvns r2, r0
    expect_t r2, 0x00ff00ff
    movs r2, r0
    movs r3, #4
    lsls r2, r3                     @ C = bit 28
    expect_flags_t FLAG_N | FLAG_C
    expect_t r2, 0xf00ff000
    ldr r0, =0x80000001
    movs r2, r0
    movs r3, #32
    lsls r2, r3                     @ 0, C = bit 0
    expect_flags_t FLAG_Z | FLAG_C
    movs r2, r0
    movs r3, #33
    lsls r2, r3
    expect_flags_t FLAG_Z
    movs r2, r0
    movs r3, #32
    lsrs r2, r3                     @ 0, C = bit 31
    expect_flags_t FLAG_Z | FLAG_C
    movs r2, r0
    movs r3, #33
    lsrs r2, r3
    expect_flags_t FLAG_Z
    movs r2, r0
    movs r3, #40
    asrs r2, r3
    expect_flags_t FLAG_N | FLAG_C
    expect_t r2, 0xffffffff
    movs r2, r0
    movs r3, #32
    rors r2, r3                     @ value kept, C = bit 31
    expect_flags_t FLAG_N | FLAG_C
    expect_t r2, 0x80000001
    movs r2, r0
    movs r3, #4
    rors r2, r3
    expect_flags_t 0
    expect_t r2, 0x18000000
    pool_t
    movs r2, r0
    movs r3, #1
    lsls r3, r3, #8                 @ 0x100: bottom byte 0, nothing moves
    set_flags_t FLAG_C
    rors r2, r3
    expect_flags_t FLAG_N | FLAG_C
    expect_t r2, 0x80000001
    set_flags_t FLAG_C
    movs r2, #1
    movs r3, #1
    adcs r2, r3
    expect_t r2, 3
    set_flags_t 0
    movs r2, #5
    movs r3, #3
    sbcs r2, r3                     @ 5 - 3 - !C
    expect_flags_t FLAG_C
    expect_t r2, 1
    set_flags_t FLAG_V
    movs r2, #0xf0
    movs r3, #0x0f
    tst r2, r3                      @ C and V kept
    expect_flags_t FLAG_Z | FLAG_V
    movs r2, #1
    negs r3, r2
    expect_flags_t FLAG_N
    expect_t r3, 0xffffffff
    movs r2, #0
    negs r3, r2
    expect_flags_t FLAG_Z | FLAG_C
    movs r2, #1
    movs r3, #2
    cmp r2, r3
    expect_flags_t FLAG_N
    ldr r2, =0xffffffff
    movs r3, #1
    cmn r2, r3
    expect_flags_t FLAG_Z | FLAG_C
    movs r2, #7
    movs r3, #6
    muls r2, r3, r2
    expect_t r2, 42
    ldr r2, =0xfffffffd
    muls r2, r3, r2                 @ -18: N (C is meaningless)
    bl thumb_read_flags
    lsrs r6, r6, #30
    expect_t r6, 2
    expect_t r2, 0xffffffee
    bx r8
    pool_t

@ THUMB.5: hi-register ADD/CMP/MOV (only CMP sets flags) and BX.
    .thumb_func
test_hi_registers:
    mov r8, lr
    group 500
    movs r0, #5
    mov r9, r0
    movs r1, #7
    set_flags_t FLAG_Z | FLAG_V
    add r9, r1
    mov r10, r9
    expect_flags_t FLAG_Z | FLAG_V
    mov r2, r10
    expect_t r2, 12
    cmp r9, r1
    expect_flags_t FLAG_C
    .balign 4
1:  mov r0, pc                      @ PC reads as the address + 4
    ldr r1, =1b + 4
    expect_same_t r0, r1
    ldr r0, =arm_island
    bx r0                           @ to ARM (bit 0 clear)
    .balign 4
    .arm
arm_island:
    mov r3, #0xc3
    adr r0, 2f + 1
    bx r0                           @ back to Thumb (bit 0 set)
    .thumb
2:  expect_t r3, 0xc3
    .balign 4
    bx pc                           @ from an aligned address: ARM at +4
    nop
    .arm
    mov r3, #0x3c
    adr r0, 3f + 1
    bx r0
    .thumb
3:  expect_t r3, 0x3c
    bx r8
    pool_t

@ THUMB.6: LDR [PC, #imm] uses the address + 4 with bit 1 cleared, so
@ loads from an aligned and a misaligned instruction reach one word.
    .thumb_func
test_pc_relative_load:
    mov r8, lr
    group 600
    .balign 4
    ldr r0, 1f
    ldr r1, 1f
    b 2f
    .balign 4
1:  .word 0x12345678
2:  expect_t r0, 0x12345678
    expect_t r1, 0x12345678
    bx r8
    pool_t

@ THUMB.7 / THUMB.8: register offsets, words, bytes, halfwords, signed;
@ ARM7TDMI misaligned rules as in ARM state.
    .thumb_func
test_register_offsets:
    mov r8, lr
    group 700
    ldr r4, =words
    movs r5, #4
    ldr r0, [r4, r5]
    expect_t r0, 0x77665544
    ldrb r0, [r4, r5]
    expect_t r0, 0x44
    ldrh r0, [r4, r5]
    expect_t r0, 0x5544
    movs r5, #10
    ldrsh r0, [r4, r5]
    expect_t r0, 0xffffbbaa
    movs r5, #9
    ldrsb r0, [r4, r5]
    expect_t r0, 0xffffff99
    ldrsh r0, [r4, r5]              @ odd: the byte, sign-extended
    expect_t r0, 0xffffff99
    movs r5, #5
    ldrh r0, [r4, r5]               @ odd: halfword rotated by 8
    expect_t r0, 0x44000055
    movs r5, #1
    ldr r0, [r4, r5]                @ misaligned: rotated by 8
    expect_t r0, 0x00332211
    ldr r3, =scratch
    movs r0, #0
    str r0, [r3]
    ldr r0, =0xdeadbeef
    movs r5, #4
    str r0, [r3, r5]
    ldr r1, [r3, #4]
    expect_t r1, 0xdeadbeef
    movs r5, #2
    strb r0, [r3, r5]
    ldr r1, [r3]
    expect_t r1, 0x00ef0000
    strh r0, [r3, r5]
    ldr r1, [r3]
    expect_t r1, 0xbeef0000
    bx r8
    pool_t

@ THUMB.9 / THUMB.10: immediate offsets (scaled by the access size).
    .thumb_func
test_immediate_offsets:
    mov r8, lr
    group 800
    ldr r4, =words
    ldr r0, [r4, #8]
    expect_t r0, 0xbbaa9988
    ldrb r0, [r4, #7]
    expect_t r0, 0x77
    ldrh r0, [r4, #14]
    expect_t r0, 0xffee
    ldr r3, =scratch
    movs r0, #0
    str r0, [r3, #8]
    ldr r0, =0x11223344
    strb r0, [r3, #9]
    ldr r1, [r3, #8]
    expect_t r1, 0x4400
    strh r0, [r3, #10]
    ldr r1, [r3, #8]
    expect_t r1, 0x33444400
    str r0, [r3, #12]
    ldr r1, [r3, #12]
    expect_t r1, 0x11223344
    bx r8
    pool_t

@ THUMB.11 to THUMB.13: SP-relative loads and stores, ADD Rd, PC/SP,
@ ADD SP, #+/-imm.
    .thumb_func
test_sp_and_addresses:
    mov r8, lr
    group 900
    mov r5, sp
    sub sp, #16
    ldr r0, =0xa5a5a5a5
    str r0, [sp, #8]
    ldr r1, [sp, #8]
    expect_t r1, 0xa5a5a5a5
    mov r1, sp
    adds r1, #16
    expect_same_t r1, r5
    add r0, sp, #8
    adds r0, #8
    expect_same_t r0, r5
    add sp, #16
    mov r1, sp
    expect_same_t r1, r5
    .balign 4
    nop                             @ ADR from a misaligned address
    adr r0, 1f                      @ (PC + 4) & ~3, plus the offset
    ldr r1, =1f
    expect_same_t r0, r1
    b 2f
    .balign 4
1:  .word 0
2:  bx r8
    pool_t

@ THUMB.14: PUSH/POP with LR/PC.  On ARMv4T POP {pc} ignores bit 0 and
@ stays in Thumb state; only BX changes state.
    .thumb_func
test_push_pop:
    mov r8, lr
    group 1000
    mov r5, sp
    movs r0, #1
    movs r1, #2
    movs r2, #3
    push {r0-r2}
    mov r3, sp
    subs r3, r5, r3
    expect_t r3, 12
    ldr r3, [sp]
    expect_t r3, 1
    ldr r3, [sp, #8]
    expect_t r3, 3
    movs r0, #0
    movs r1, #0
    movs r2, #0
    pop {r0-r2}
    expect_t r1, 2
    expect_t r2, 3
    mov r3, sp
    expect_same_t r3, r5
    bl push_lr_pop_pc
    expect_t r0, 0x99
    ldr r0, =pop_even_target        @ bit 0 clear: still Thumb on v4T
    push {r0}
    pop {pc}
    .balign 2
pop_even_target:
    movs r0, #0x77
    expect_t r0, 0x77
    ldr r0, =pop_odd_target + 1
    push {r0}
    pop {pc}
pop_odd_target:
    movs r0, #0x66
    expect_t r0, 0x66
    mov r3, sp
    expect_same_t r3, r5
    bx r8
    pool_t

    .thumb_func
push_lr_pop_pc:
    push {r4, lr}
    movs r4, #0x99
    movs r0, r4
    pop {r4, pc}

@ THUMB.15: LDMIA/STMIA, always with writeback.
    .thumb_func
test_multiple:
    mov r8, lr
    group 1100
    ldr r3, =scratch
    movs r5, r3
    movs r0, #0x10
    movs r1, #0x11
    movs r2, #0x12
    stmia r3!, {r0-r2}
    subs r4, r3, r5
    expect_t r4, 12
    ldr r4, [r5, #8]
    expect_t r4, 0x12
    ldr r3, =words
    ldmia r3!, {r0, r1}
    expect_t r0, 0x33221100
    expect_t r1, 0x77665544
    ldr r4, =words + 8
    expect_same_t r3, r4
    bx r8
    pool_t

@ THUMB.16: the 14 conditions against all NZCV combinations.  A taken
@ branch adds r9 (one bit per condition) to r1; hi-register ADDs keep
@ the flags.  Bit i is condition i (EQ = 0 ... LE = 13), as in cpu_arm.
    .thumb_func
test_conditional_branches:
    mov r8, lr
    group 1200
    movs r4, #0
next_nzcv:
    movs r1, #0
    movs r2, #1
    mov r9, r2
    lsls r6, r4, #28
    bl thumb_write_flags
    .irp cond, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le
    b\cond 1f
    b 2f
1:  add r1, r9
2:  add r9, r9
    .endr
    ldr r5, =thumb_condition_table
    lsls r2, r4, #2
    ldr r2, [r5, r2]
    cmp r1, r2
    beq 3f
    ldr r0, =1201                   @ check 1201 + NZCV
    adds r0, r4
    bl thumb_check_failed
3:  adds r4, #1
    cmp r4, #16
    blo next_nzcv
    bx r8
    pool_t

thumb_condition_table:              @ cpu_arm's table without AL
    .word 0x16aa, 0x2a6a, 0x15a6, 0x2966
    .word 0x26a9, 0x2a69, 0x26a5, 0x2a65
    .word 0x2a9a, 0x165a, 0x2996, 0x1556
    .word 0x2a99, 0x2659, 0x2a95, 0x2655

@ THUMB.18 / THUMB.19: B and BL; BL's link is the next instruction with
@ bit 0 set.
    .thumb_func
test_branch_link:
    mov r8, lr
    group 1300
    b 2f
1:  b 3f
2:  b 1b
    movs r0, #0                     @ skipped
    expect_t r0, 1
3:  bl return_lr_t
4:  ldr r1, =4b + 1
    expect_same_t r0, r1
    bl far_routine
    expect_t r0, 0x5a
    bx r8
    pool_t

    .thumb_func
return_lr_t:
    mov r0, lr
    bx lr

@ Far enough that BL needs both of its halves' offset bits.
    .section .text.far, "ax"
    .fill 0x1000, 2, 0x46c0         @ nop filler
    .thumb_func
far_routine:
    movs r0, #0x5a
    bx lr
