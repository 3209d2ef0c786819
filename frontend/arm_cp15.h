/*
 * CP15 system control registers of the Cortex-A15 model (ARM ARM B4.1,
 * Cortex-A15 TRM chapter 4) and the generic timer's CP15 interface (B8).
 *
 * A register is named by its MRC/MCR encoding packed by ARM_CP15_KEY;
 * 64-bit registers (MRRC/MCRR) by ARM_CP15_KEY64.  Reads and writes from a
 * mode that may not access the register, and encodings scion does not
 * know, return false: the caller raises UNDEFINED (and logs unknown ones
 * under -d unimp).
 */
#ifndef SCION_ARM_CP15_H
#define SCION_ARM_CP15_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/arm_cpu.h"

#define ARM_CP15_KEY(crn, opc1, crm, opc2) ((uint32_t)(crn) << 12 | (opc1) << 8 | (crm) << 4 | (opc2))
#define ARM_CP15_KEY64(opc1, crm) (1u << 16 | (uint32_t)(opc1) << 8 | (crm) << 4)

typedef enum ArmCp15Status {
    CP15_OK,
    CP15_UNDEFINED, /* architecturally UNDEFINED here (e.g. from user mode) */
    CP15_UNKNOWN,   /* a register scion does not implement */
} ArmCp15Status;

ArmCp15Status arm_cp15_read(ArmCpu *cpu, uint32_t key, uint64_t *value);
ArmCp15Status arm_cp15_write(ArmCpu *cpu, uint32_t key, uint64_t value);

/* Timer state derived from the registers, for the board. */
uint64_t arm_timer_counter(const ArmCpu *cpu);   /* physical count */
/* Level of the physical (phys = true) or virtual timer's interrupt output. */
bool arm_timer_irq(const ArmCpu *cpu, bool phys);
/* Physical count at which the next enabled, unfired timer fires (UINT64_MAX: none). */
uint64_t arm_timer_deadline(const ArmCpu *cpu);

#endif
