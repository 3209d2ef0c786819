/*
 * Self-modifying code inside one straight-line block, for smc.c.  Both
 * routines store an instruction and then run the full barrier sequence
 * the ARM ARM requires before the new instruction may be executed: DCCMVAU, DSB, ICIMVAU, BPIALL, DSB, ISB.
 */
    .syntax unified
    .arch armv7-a
    .arm
    .text

.macro SYNC_LINE reg
    mcr     p15, 0, \reg, c7, c11, 1    @ DCCMVAU
    dsb
    mcr     p15, 0, \reg, c7, c5, 1     @ ICIMVAU
    mcr     p15, 0, \reg, c7, c5, 6     @ BPIALL
    dsb
    isb
.endm

@ uint32_t smc_patch_next(uint32_t insn, uint32_t x): writes insn over the
@ instruction that follows the barrier sequence and executes it with r1 = x;
@ returns its r0.
    .global smc_patch_next
    .balign 64
smc_patch_next:
    adr     r2, 1f
    str     r0, [r2]
    SYNC_LINE r2
1:  mov     r0, #0                      @ replaced by insn
    bx      lr

@ uint32_t smc_self_loop(uint32_t n): n iterations of a loop whose first
@ instruction `add r0, r0, #k` has its immediate incremented by the loop
@ body each time round; returns 0 + 1 + ... + (n - 1) for n <= 256.
    .global smc_self_loop
    .balign 64
smc_self_loop:
    mov     r3, r0
    mov     r0, #0
    adr     r2, 2f
    ldr     r1, =0xe2800000             @ add r0, r0, #0
    str     r1, [r2]
    SYNC_LINE r2
2:  add     r0, r0, #0                  @ immediate = iteration number
    ldr     r1, [r2]
    add     r1, r1, #1
    str     r1, [r2]
    SYNC_LINE r2
    subs    r3, r3, #1
    bne     2b
    bx      lr
    .ltorg
