@ test_finish(result, got, lo, hi): the end of every test ROM.
@ Callable from any mode and with any stack state: it takes back System
@ mode with IRQs masked and a fresh stack, reports, then parks in `b .`
@ with r0 = result (0 = pass) for the harness.
#include "gba_asm.inc"

    .section .text.test_finish, "ax"
    .arm
    .global test_finish
    .type test_finish, %function
test_finish:
    msr cpsr_c, #(MODE_SYS | PSR_I | PSR_F)
    ldr sp, =STACK_SYS
    mov r4, #IO_BASE
    mov r5, #0
    str r5, [r4, #REG_IME]
    mov r4, r0
    bl report_result
    mov r0, r4
    b .
    .size test_finish, . - test_finish
    .ltorg

@ Where the check macros of check_asm.inc go on a failure: r0 = check,
@ r1 = value seen, r2 = value wanted.
    .global check_failed
    .type check_failed, %function
check_failed:
    mov r3, r2
    b test_finish
    .size check_failed, . - check_failed

    .thumb
    .global thumb_check_failed
    .type thumb_check_failed, %function
    .thumb_func
thumb_check_failed:
    ldr r3, =check_failed
    bx r3
    .size thumb_check_failed, . - thumb_check_failed
    .balign 4
    .ltorg
