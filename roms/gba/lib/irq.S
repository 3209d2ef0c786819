@ The IRQ handler of the ROMs that take interrupts (irq_timer_dma,
@ bios_calls).  The BIOS's IRQ vector saves r0-r3, r12, lr and calls the word at 0x03007ffc in IRQ
@ mode (GBATEK "BIOS Interrupt handling"), so this is a plain ARM routine
@ returning with BX LR.  It acknowledges IE & IF in IF, ORs the same bits
@ into the BIOS flag word at 0x03007ff8 (what IntrWait looks at), and
@ counts each source in irq_counts[bit]; for a VCOUNT match it also
@ notes the line it came on.  It runs from IWRAM, as games' handlers do.
#include "lib/gba_asm.inc"

    .syntax unified
    .section .iwram, "ax"
    .arm
    .global irq_handler
    .type irq_handler, %function
irq_handler:
    mov r0, #IO_BASE
    add r3, r0, #0x200
    ldr r1, [r3]                    @ IE | IF << 16
    and r1, r1, r1, lsr #16         @ the pending, enabled sources
    strh r1, [r3, #2]               @ IF: writing 1 clears
    ldr r3, =0x03007ff8
    ldr r2, [r3]
    orr r2, r2, r1
    str r2, [r3]
    tst r1, #0x0004                 @ VCOUNT match: where are we?
    ldrhne r2, [r0, #6]
    ldrne r3, =irq_vcount_line
    strne r2, [r3]
    ldr r3, =irq_counts
1:  movs r1, r1, lsr #1             @ next source into C
    ldrcs r2, [r3]
    addcs r2, r2, #1
    strcs r2, [r3]
    add r3, r3, #4
    bne 1b
    bx lr
    .size irq_handler, . - irq_handler
    .ltorg

    .bss
    .balign 4
    .global irq_counts, irq_vcount_line
irq_counts:
    .space 14 * 4
irq_vcount_line:
    .space 4
