/*
 * Start-up code and exception entry for the bare-metal test programs.
 *
 * Entered (as QEMU and scion start an ELF) in SVC mode, MMU off, IRQ/FIQ
 * masked; r2 holds a DTB pointer that is not used.  Sets a stack for each
 * mode, clears SCTLR.{M,A,V}, points VBAR at rom_vectors, clears .bss,
 * runs rom_init(), test_main(), finish().
 *
 * Every vector goes to a stub that saves r0-r12, the preferred return
 * address and the SPSR as a struct exc_frame (rom.h) on the exception
 * mode's stack, calls exc_dispatch(kind, frame), and returns with
 * LDM {..., pc}^ (which also copies SPSR to CPSR).
 */
    .syntax unified
    .arch armv7-a
    .arch_extension virt
    .arm

    .equ MODE_USR, 0x10
    .equ MODE_FIQ, 0x11
    .equ MODE_IRQ, 0x12
    .equ MODE_SVC, 0x13
    .equ MODE_ABT, 0x17
    .equ MODE_UND, 0x1b
    .equ MODE_SYS, 0x1f
    .equ STACK_SIZE, 4096
    .equ FAULT_RECOVER_PC, 24      @ offsetof(struct fault_record, recover_pc)

    .section .text.vectors, "ax"
    .global _start, rom_vectors
    .balign 32
_start:
rom_vectors:
    b       reset
    b       und_stub
    b       svc_stub
    b       pabt_stub
    b       dabt_stub
    b       .                       @ Hyp trap: not used at PL1
    b       irq_stub
    b       fiq_stub

    .text
reset:
    cpsid   aif, #MODE_FIQ
    ldr     sp, =stack_fiq_top
    cpsid   aif, #MODE_IRQ
    ldr     sp, =stack_irq_top
    cpsid   aif, #MODE_ABT
    ldr     sp, =stack_abt_top
    cpsid   aif, #MODE_UND
    ldr     sp, =stack_und_top
    cpsid   aif, #MODE_SYS          @ sets the User-mode SP too
    ldr     sp, =stack_usr_top
    cpsid   aif, #MODE_SVC
    ldr     sp, =stack_svc_top

    mrc     p15, 0, r0, c1, c0, 0   @ SCTLR
    bic     r0, r0, #(1 << 0)       @ M: MMU off
    bic     r0, r0, #(1 << 1)       @ A: no alignment checking
    bic     r0, r0, #(1 << 13)      @ V: vectors at VBAR
    mcr     p15, 0, r0, c1, c0, 0
    ldr     r0, =rom_vectors
    mcr     p15, 0, r0, c12, c0, 0  @ VBAR
    isb

    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b

    bl      rom_init
    bl      test_main
    bl      finish

    .global psci_system_off
psci_system_off:
    ldr     r0, =0x84000008         @ PSCI SYSTEM_OFF
    hvc     #0
1:  wfi
    b       1b

@ kind: enum exc_kind; adjust: LR minus preferred return address (ARM state)
.macro EXC_STUB name, kind, adjust
\name:
    .if \adjust
    sub     lr, lr, #\adjust
    .endif
    push    {r0-r12, lr}
    mrs     r0, spsr
    push    {r0, r1}                @ spsr, pad
    mov     r0, #\kind
    mov     r1, sp
    bl      exc_dispatch
    pop     {r0, r1}
    msr     spsr_cxsf, r0
    ldm     sp!, {r0-r12, pc}^
.endm

    EXC_STUB und_stub, 1, 4
    EXC_STUB svc_stub, 2, 0
    EXC_STUB pabt_stub, 3, 4
    EXC_STUB dabt_stub, 4, 8
    EXC_STUB irq_stub, 6, 4
    EXC_STUB fiq_stub, 7, 4

@ void run_in_user(void (*fn)(void))
    .global run_in_user, user_resume
run_in_user:
    push    {r4-r11, lr}
    ldr     r1, =user_saved_sp
    str     sp, [r1]
    mov     r4, r0
    msr     cpsr_c, #(0xc0 | MODE_USR)  @ User mode, IRQ/FIQ still masked
    blx     r4
    svc     #0xff                   @ SVC_RETURN_FROM_USER: to user_resume
    b       .
user_resume:                        @ SVC mode again (exc_dispatch saw to it)
    ldr     r1, =user_saved_sp
    ldr     sp, [r1]
    pop     {r4-r11, pc}

@ uint32_t try_call(uint32_t addr): the callee's r0, or 0xdeadbeef after a
@ prefetch abort (fault_arm()ed) sent the PABT handler to label 1.
    .global try_call
try_call:
    push    {r4-r11, lr}
    ldr     r1, =try_saved_sp
    str     sp, [r1]
    ldr     r1, =fault
    adr     r2, 1f
    str     r2, [r1, #FAULT_RECOVER_PC]
    blx     r0
    b       2f
1:  ldr     r1, =try_saved_sp
    ldr     sp, [r1]
    ldr     r0, =0xdeadbeef
2:  ldr     r1, =fault
    mov     r2, #0
    str     r2, [r1, #FAULT_RECOVER_PC]
    pop     {r4-r11, pc}

    .bss
    .balign 4
user_saved_sp:  .space 4
try_saved_sp:   .space 4

    .section .stack, "aw", %nobits
    .balign 16
    .space  STACK_SIZE
stack_svc_top:
    .space  STACK_SIZE
stack_irq_top:
    .space  STACK_SIZE
stack_fiq_top:
    .space  STACK_SIZE
stack_abt_top:
    .space  STACK_SIZE
stack_und_top:
    .space  STACK_SIZE
    .global stack_usr_top
stack_usr_top:
