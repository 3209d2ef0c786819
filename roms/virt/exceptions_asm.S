/*
 * Assembly helpers of the exceptions test: instructions that must sit at
 * known addresses, the banked-register probe, and a second vector table
 * whose handlers use each ARMv7 exception-return form.
 */
    .syntax unified
    .arch armv7-a
    .arm

    .equ MODE_FIQ, 0x11
    .equ MODE_IRQ, 0x12
    .equ MODE_SVC, 0x13
    .equ MODE_ABT, 0x17
    .equ MODE_UND, 0x1b
    .equ MODE_SYS, 0x1f

    .text

@ uint32_t udf_with_flags(uint32_t nzcv): set the flags, execute UDF,
@ return the CPSR seen after the handler returned.
    .global udf_with_flags, udf_site
udf_with_flags:
    msr     cpsr_f, r0
udf_site:
    udf     #0xabc
    mrs     r0, cpsr
    bx      lr

@ uint32_t svc_call(uint32_t arg): SVC #0x123456 with r0 = arg; returns r0.
    .global svc_call, svc_site
svc_call:
    push    {lr}                    @ the SVC overwrites LR_svc
svc_site:
    svc     #0x123456
    pop     {pc}

@ void bkpt_call(void)
    .global bkpt_call, bkpt_site
bkpt_call:
bkpt_site:
    bkpt    #0x7
    bx      lr

@ uint32_t ldm_at(uint32_t addr): LDM of one word (word alignment required).
    .global ldm_at
ldm_at:
    ldr     r1, =0xdeadbeef
    ldm     r0, {r1}
    mov     r0, r1
    bx      lr

@ void bank_probe(uint32_t out[18]): give SP, LR and SPSR of FIQ, IRQ,
@ ABT, UND and SYS (no SPSR) distinct values, then read them all back
@ into out[] (mode by mode: sp, lr, spsr), then restore the originals.
.macro FOR_MODES m
    \m MODE_FIQ, 0
    \m MODE_IRQ, 1
    \m MODE_ABT, 2
    \m MODE_UND, 3
.endm
.macro SAVE mode, i
    cps     #\mode
    str     sp, [r1, #(\i * 12)]
    str     lr, [r1, #(\i * 12 + 4)]
    mrs     r2, spsr
    str     r2, [r1, #(\i * 12 + 8)]
.endm
.macro SET mode, i
    cps     #\mode
    ldr     sp, =(0x5a000000 + \i * 0x100)
    ldr     lr, =(0x5a000000 + \i * 0x100 + 4)
    ldr     r2, =(0x80000000 + \i * 0x100 + \mode)
    msr     spsr_cxsf, r2
.endm
.macro GET mode, i
    cps     #\mode
    str     sp, [r0, #(\i * 12)]
    str     lr, [r0, #(\i * 12 + 4)]
    mrs     r2, spsr
    str     r2, [r0, #(\i * 12 + 8)]
.endm
.macro RESTORE mode, i
    cps     #\mode
    ldr     sp, [r1, #(\i * 12)]
    ldr     lr, [r1, #(\i * 12 + 4)]
    ldr     r2, [r1, #(\i * 12 + 8)]
    msr     spsr_cxsf, r2
.endm
    .global bank_probe
bank_probe:
    push    {r4-r11, lr}
    ldr     r1, =bank_saved
    FOR_MODES SAVE
    cps     #MODE_SYS
    str     sp, [r1, #48]
    str     lr, [r1, #52]
    FOR_MODES SET
    cps     #MODE_SYS
    ldr     sp, =0x5a000400
    ldr     lr, =0x5a000404
    cps     #MODE_SVC
    mrs     r3, spsr                @ SPSR_svc: set and read back too
    ldr     r2, =0x40000000 + MODE_SVC
    msr     spsr_cxsf, r2
    FOR_MODES GET
    cps     #MODE_SYS
    str     sp, [r0, #48]
    str     lr, [r0, #52]
    cps     #MODE_SVC
    mrs     r2, spsr
    str     r2, [r0, #56]
    msr     spsr_cxsf, r3
    FOR_MODES RESTORE
    cps     #MODE_SYS
    ldr     sp, [r1, #48]
    ldr     lr, [r1, #52]
    cps     #MODE_SVC
    pop     {r4-r11, pc}

@ void fiq_bank_probe(uint32_t out[15]): r8-r12 as seen from SVC, FIQ
@ and SYS after writing different values in SVC and FIQ mode.
    .global fiq_bank_probe
fiq_bank_probe:
    push    {r4-r11, lr}
    ldr     r8, =0x5c000008
    ldr     r9, =0x5c000009
    ldr     r10, =0x5c00000a
    ldr     r11, =0x5c00000b
    ldr     r12, =0x5c00000c
    cps     #MODE_FIQ
    ldr     r8, =0xf1000008
    ldr     r9, =0xf1000009
    ldr     r10, =0xf100000a
    ldr     r11, =0xf100000b
    ldr     r12, =0xf100000c
    cps     #MODE_SVC
    stm     r0, {r8-r12}
    cps     #MODE_FIQ
    add     r1, r0, #20
    stm     r1, {r8-r12}
    cps     #MODE_SYS
    add     r1, r0, #40
    stm     r1, {r8-r12}
    cps     #MODE_SVC
    pop     {r4-r11, pc}

@ A vector table whose handlers each use another exception-return form.
@ Each adds its own mark to r0 (r0 is not banked) and clears the flags in
@ its own CPSR, so the caller can see that the handler ran and that the
@ CPSR came back from the SPSR.
    .balign 32
    .global alt_vectors
alt_vectors:
    b       .
    b       alt_und
    b       alt_svc
    b       alt_pabt
    b       alt_dabt
    b       .
    b       .
    b       .
alt_und:                            @ LR_und = UDF + 4: the next instruction
    add     r0, r0, #0x1
    msr     cpsr_f, #0
    movs    pc, lr
alt_svc:                            @ LR_svc = the next instruction
    srsdb   sp!, #MODE_SVC
    add     r0, r0, #0x10
    msr     cpsr_f, #0
    rfeia   sp!
alt_pabt:                           @ LR_abt = BKPT + 4: the next instruction
    push    {r1, lr}
    add     r0, r0, #0x100
    msr     cpsr_f, #0
    ldm     sp!, {r1, pc}^
alt_dabt:                           @ LR_abt = faulting instruction + 8
    add     r0, r0, #0x1000
    msr     cpsr_f, #0
    subs    pc, lr, #4

@ uint32_t alt_vectors_run(uint32_t cpsr_after[4], uint32_t misaligned):
@ with VBAR = alt_vectors, raise UND, SVC, PABT (BKPT) and DABT (LDM of a
@ misaligned address) with different flags set; return the sum of the
@ handlers' marks (0x1111 when each ran once) and store the CPSR after
@ each return.  VBAR is restored before returning.
    .global alt_vectors_run
alt_vectors_run:
    push    {r4-r6, lr}
    mov     r4, r0
    mov     r6, r1
    mrc     p15, 0, r5, c12, c0, 0
    ldr     r1, =alt_vectors
    mcr     p15, 0, r1, c12, c0, 0
    isb
    mov     r0, #0
    msr     cpsr_f, #0xf0000000
    udf     #1
    mrs     r1, cpsr
    str     r1, [r4, #0]
    msr     cpsr_f, #0x80000000
    svc     #1
    mrs     r1, cpsr
    str     r1, [r4, #4]
    msr     cpsr_f, #0x40000000
    bkpt    #1
    mrs     r1, cpsr
    str     r1, [r4, #8]
    msr     cpsr_f, #0x20000000
    ldm     r6, {r1}
    mrs     r1, cpsr
    str     r1, [r4, #12]
    mcr     p15, 0, r5, c12, c0, 0
    isb
    pop     {r4-r6, pc}

    .bss
    .balign 4
bank_saved:
    .space  56
