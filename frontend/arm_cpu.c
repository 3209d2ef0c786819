/* CPSR packing and CPU reset for the ARM state. */
#include "frontend/arm_cpu.h"

#include <string.h>

uint32_t arm_cpsr_read(const ArmCpu *cpu)
{
    uint32_t it = cpu->itstate;
    return (cpu->nf << 31) | (cpu->zf << 30) | (cpu->cf << 29) | (cpu->vf << 28) | (cpu->qf << 27) |
           ((it & 3) << 25) | (cpu->ge << 16) | ((it >> 2) << 10) | (cpu->thumb ? ARM_CPSR_T : 0) |
           cpu->cpsr_rest;
}

void arm_cpsr_write(ArmCpu *cpu, uint32_t v, uint32_t mask)
{
    if (mask & 0xf8000000u) {
        cpu->nf = v >> 31 & 1;
        cpu->zf = v >> 30 & 1;
        cpu->cf = v >> 29 & 1;
        cpu->vf = v >> 28 & 1;
        cpu->qf = v >> 27 & 1;
    }
    if (mask & 0x000f0000u)
        cpu->ge = v >> 16 & 0xf;
    if (mask & 0x0600fc00u)
        cpu->itstate = ((v >> 25) & 3) | (((v >> 10) & 0x3f) << 2);
    if (mask & ARM_CPSR_T)
        cpu->thumb = (v & ARM_CPSR_T) != 0;
}

void arm_cpu_reset_user(ArmCpu *cpu)
{
    CpuCommon keep = cpu->common;
    memset(cpu, 0, sizeof *cpu);
    cpu->common = keep;
    cpu->cpsr_rest = ARM_MODE_USR;
}
