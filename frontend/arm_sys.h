/*
 * ARMv7-A system level: processor modes and banked registers, privileged
 * CPSR/SPSR access, exception entry and return (ARM ARM B1.3, B1.8).
 *
 * The current mode's r8-r14 always live in ArmCpu.r[]; the other banks are
 * in ArmSys and are swapped in by arm_switch_mode.
 *
 *   arm_take_exception(cpu, ARM_EXC_SVC, cpu->r[15]);  // SVC already past
 *   ...
 *   arm_exception_return(cpu, lr_value);              // SUBS pc, lr / RFE
 */
#ifndef SCION_ARM_SYS_H
#define SCION_ARM_SYS_H

#include "frontend/arm_cpu.h"

typedef enum ArmException {
    ARM_EXC_RESET,
    ARM_EXC_UNDEF,
    ARM_EXC_SVC,
    ARM_EXC_PABT,
    ARM_EXC_DABT,
    ARM_EXC_IRQ,
    ARM_EXC_FIQ,
} ArmException;

/* The bank of a mode, or -1 for a reserved mode number. */
int arm_mode_bank(uint32_t mode);
/* Reset into SVC mode with interrupts masked and the MMU off (cold boot). */
void arm_cpu_reset_system(ArmCpu *cpu);
/* Change CPSR.M, swapping banked registers; mode must be valid. */
void arm_switch_mode(ArmCpu *cpu, uint32_t mode);
/* MSR CPSR_<fields> and CPS from a privileged mode: NZCVQ, GE, E, A, I, F
 * and M as selected by mask (execution state bits T, IT, J untouched);
 * an invalid mode number is ignored (UNPREDICTABLE). */
void arm_cpsr_write_privileged(ArmCpu *cpu, uint32_t value, uint32_t mask);
/* Write every CPSR field from an SPSR value (exception return). */
void arm_cpsr_restore(ArmCpu *cpu, uint32_t spsr);
/* SPSR of the current mode (UNPREDICTABLE in usr/sys: reads 0, writes ignored). */
uint32_t arm_spsr_read(const ArmCpu *cpu);
void arm_spsr_write(ArmCpu *cpu, uint32_t value, uint32_t mask);
/* r13/r14 of another mode (MRS/MSR banked, LDM/STM ^ for user registers). */
uint32_t arm_banked_read(const ArmCpu *cpu, uint32_t mode, unsigned reg);
void arm_banked_write(ArmCpu *cpu, uint32_t mode, unsigned reg, uint32_t value);
/* Enter an exception.  preferred is the ARM ARM's preferred return address:
 * the faulting instruction for UNDEF and aborts, the next instruction for
 * SVC, IRQ and FIQ; the mode's LR gets the architectural offset added. */
void arm_take_exception(ArmCpu *cpu, ArmException e, uint32_t preferred);
/* CPSR <- SPSR, pc <- new_pc (aligned to the restored instruction set). */
void arm_exception_return(ArmCpu *cpu, uint32_t new_pc);
/* An interrupt is pending and not masked by CPSR.I / CPSR.F. */
bool arm_interrupt_deliverable(const ArmCpu *cpu);

#endif
