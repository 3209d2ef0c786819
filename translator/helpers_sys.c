/* System-level helpers (see helpers_sys.h). */
#include "frontend/arm_cp15.h"
#include "frontend/arm_sys.h"
#include "translator/helpers.h"

/* After a CPSR write: 1 if the dispatcher must look again (the mode and
 * its banked registers changed, or an interrupt is now deliverable), 0 if
 * the block may go on (masking bits set, flags written). */
static uint64_t needs_resync(const ArmCpu *cpu, uint32_t old_mode)
{
    return arm_cpu_mode(cpu) != old_mode || arm_interrupt_deliverable(cpu);
}

uint64_t helper_sys_cpsr_write(void *env, uint64_t value, uint64_t mask, uint64_t c)
{
    (void)c;
    ArmCpu *cpu = env;
    uint32_t old_mode = arm_cpu_mode(cpu);
    if (arm_privileged(cpu))
        arm_cpsr_write_privileged(cpu, (uint32_t)value, (uint32_t)mask);
    else
        arm_cpsr_write(cpu, (uint32_t)value, (uint32_t)mask & 0xf80f0000u);
    return needs_resync(cpu, old_mode);
}

uint64_t helper_spsr_read(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)a, (void)b, (void)c;
    return arm_spsr_read(env);
}

uint64_t helper_spsr_write(void *env, uint64_t value, uint64_t mask, uint64_t c)
{
    (void)c;
    arm_spsr_write(env, (uint32_t)value, (uint32_t)mask);
    return 0;
}

/* CPS is a NOP in User mode (ARM ARM B9.3.2). */
uint64_t helper_cps(void *env, uint64_t set, uint64_t clear, uint64_t mode)
{
    ArmCpu *cpu = env;
    if (!arm_privileged(cpu))
        return 0;
    uint32_t old_mode = arm_cpu_mode(cpu);
    uint32_t v = (cpu->cpsr_rest & ~(uint32_t)clear) | (uint32_t)set;
    uint32_t mask = ARM_CPSR_A | ARM_CPSR_I | ARM_CPSR_F;
    if ((uint32_t)mode != ~0u) {
        v = (v & ~ARM_CPSR_M) | ((uint32_t)mode & ARM_CPSR_M);
        mask |= ARM_CPSR_M;
    }
    arm_cpsr_write_privileged(cpu, v, mask);
    return needs_resync(cpu, old_mode);
}

uint64_t helper_exception_return(void *env, uint64_t pc, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    arm_exception_return(env, (uint32_t)pc);
    return 0;
}

uint64_t helper_rfe(void *env, uint64_t pc, uint64_t cpsr, uint64_t c)
{
    (void)c;
    ArmCpu *cpu = env;
    arm_cpsr_restore(cpu, (uint32_t)cpsr);
    cpu->r[15] = (uint32_t)pc & (cpu->thumb ? ~1u : ~3u);
    return 0;
}

uint64_t helper_banked_read(void *env, uint64_t mode, uint64_t reg, uint64_t c)
{
    (void)c;
    return arm_banked_read(env, (uint32_t)mode, (unsigned)reg);
}

uint64_t helper_banked_write(void *env, uint64_t mode, uint64_t reg, uint64_t value)
{
    arm_banked_write(env, (uint32_t)mode, (unsigned)reg, (uint32_t)value);
    return 0;
}

uint64_t helper_cp15_read(void *env, uint64_t key, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    uint64_t v = 0;
    ArmCp15Status st = arm_cp15_read(env, (uint32_t)key, &v);
    return st == CP15_OK ? (uint32_t)v : (uint64_t)st << 32;
}

uint64_t helper_cp15_write(void *env, uint64_t key, uint64_t value, uint64_t c)
{
    (void)c;
    return arm_cp15_write(env, (uint32_t)key, (uint32_t)value);
}

uint64_t helper_cp15_check(void *env, uint64_t key, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    uint64_t v;
    return arm_cp15_read(env, (uint32_t)key, &v);
}

uint64_t helper_cp15_read64(void *env, uint64_t key, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    uint64_t v = 0;
    arm_cp15_read(env, (uint32_t)key, &v);
    return v;
}

uint64_t helper_cp15_write64(void *env, uint64_t key, uint64_t value, uint64_t c)
{
    (void)c;
    return arm_cp15_write(env, (uint32_t)key, value);
}

/* VFP system registers of a VFPv4-D32 unit without Advanced SIMD. */
enum { VFP_FPSID = 0, VFP_FPSCR = 1, VFP_MVFR1 = 6, VFP_MVFR0 = 7, VFP_FPEXC = 8 };

/* CPACR.cp10 = no access makes every VFP instruction UNDEFINED, these too;
 * FPEXC.EN = 0 alone still lets PL1 reach them. */
static bool vfp_sysreg_denied(const ArmCpu *cpu)
{
    return !arm_privileged(cpu) || ((cpu->sys.cpacr >> 20) & 3) == 0;
}

uint64_t helper_vfp_sysreg_read(void *env, uint64_t reg, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    ArmCpu *cpu = env;
    if (vfp_sysreg_denied(cpu))
        return (uint64_t)CP15_UNDEFINED << 32;
    switch (reg) {
    case VFP_FPSID: return 0x410430f0;
    case VFP_MVFR0: return 0x10110222;
    case VFP_MVFR1: return 0x01000011;
    case VFP_FPEXC: return cpu->fpexc;
    default: return (uint64_t)CP15_UNKNOWN << 32;
    }
}

uint64_t helper_vfp_sysreg_write(void *env, uint64_t reg, uint64_t value, uint64_t c)
{
    (void)c;
    ArmCpu *cpu = env;
    if (vfp_sysreg_denied(cpu))
        return CP15_UNDEFINED;
    if (reg == VFP_FPEXC) {
        cpu->fpexc = (uint32_t)value & ARM_FPEXC_EN;
        return CP15_OK;
    }
    return reg == VFP_FPSID ? CP15_OK : CP15_UNKNOWN;
}
