/*
 * Runaway recursion for hostile.c: recurse with a 4-byte frame on a stack
 * whose lowest page is unmapped until a push faults.
 */
    .syntax unified
    .arch armv7-a
    .arm
    .text

@ uint32_t recurse_into_guard(uint32_t stack_top): runs `rec` on a stack
@ starting at stack_top.  `rec` counts its depth in r0 and never returns;
@ the data abort handler resumes at recursion_recover with r0 intact.
@ Returns the depth at the abort; the SP at the abort is left in
@ recursion_sp_at_abort.
    .global recurse_into_guard, recursion_recover, recursion_push
    .global recursion_sp_at_abort
recurse_into_guard:
    push    {r4-r11, lr}
    ldr     r1, =saved_sp
    str     sp, [r1]
    mov     sp, r0
    mov     r0, #0
rec:
    add     r0, r0, #1
recursion_push:
    str     lr, [sp, #-4]!
    bl      rec
recursion_recover:
    ldr     r1, =recursion_sp_at_abort
    str     sp, [r1]
    ldr     r1, =saved_sp
    ldr     sp, [r1]
    pop     {r4-r11, pc}
    .ltorg

    .bss
    .balign 4
saved_sp:               .space 4
recursion_sp_at_abort:  .space 4
