/* Processor modes, banked registers and exceptions (ARM ARM B1.3, B1.8). */
#include <string.h>

#include "frontend/arm_sys.h"

int arm_mode_bank(uint32_t mode)
{
    switch (mode) {
    case ARM_MODE_USR: case ARM_MODE_SYS: return ARM_BANK_USR;
    case ARM_MODE_FIQ: return ARM_BANK_FIQ;
    case ARM_MODE_IRQ: return ARM_BANK_IRQ;
    case ARM_MODE_SVC: return ARM_BANK_SVC;
    case ARM_MODE_ABT: return ARM_BANK_ABT;
    case ARM_MODE_UND: return ARM_BANK_UND;
    case ARM_MODE_MON: return ARM_BANK_MON;
    case ARM_MODE_HYP: return ARM_BANK_HYP;
    default: return -1;
    }
}

void arm_cpu_reset_system(ArmCpu *cpu)
{
    CpuCommon keep = cpu->common;
    memset(cpu, 0, sizeof *cpu);
    cpu->common = keep;
    cpu->system = true;
    cpu->cpsr_rest = ARM_MODE_SVC | ARM_CPSR_A | ARM_CPSR_I | ARM_CPSR_F;
    /* SCTLR reset value of a Cortex-A15: MMU, caches off; the RES1 bits set. */
    cpu->sys.sctlr = 0x00c50078;
    cpu->sys.cntfrq = 62500000;
}

/* Swap r8-r12 between the FIQ bank and everyone else's. */
static void swap_fiq_regs(ArmCpu *cpu, bool to_fiq)
{
    uint32_t *save = to_fiq ? cpu->sys.usr_r8_12 : cpu->sys.fiq_r8_12;
    const uint32_t *load = to_fiq ? cpu->sys.fiq_r8_12 : cpu->sys.usr_r8_12;
    memcpy(save, &cpu->r[8], 5 * sizeof(uint32_t));
    memcpy(&cpu->r[8], load, 5 * sizeof(uint32_t));
}

void arm_switch_mode(ArmCpu *cpu, uint32_t mode)
{
    uint32_t old = arm_cpu_mode(cpu);
    int ob = arm_mode_bank(old), nb = arm_mode_bank(mode);
    if (nb < 0 || ob < 0)
        return;
    if (ob != nb) {
        cpu->sys.r13[ob] = cpu->r[13];
        cpu->sys.r14[ob] = cpu->r[14];
        cpu->r[13] = cpu->sys.r13[nb];
        cpu->r[14] = cpu->sys.r14[nb];
        if ((ob == ARM_BANK_FIQ) != (nb == ARM_BANK_FIQ))
            swap_fiq_regs(cpu, nb == ARM_BANK_FIQ);
    }
    cpu->cpsr_rest = (cpu->cpsr_rest & ~ARM_CPSR_M) | mode;
}

static void write_rest(ArmCpu *cpu, uint32_t value, uint32_t mask)
{
    uint32_t keep_mode = cpu->cpsr_rest & ARM_CPSR_M;
    uint32_t flags = ARM_CPSR_REST_BITS & ~ARM_CPSR_M & mask;
    cpu->cpsr_rest = (cpu->cpsr_rest & ~flags) | (value & flags);
    uint32_t mode = value & ARM_CPSR_M;
    if ((mask & ARM_CPSR_M) && mode != keep_mode && arm_mode_bank(mode) >= 0 && mode != ARM_MODE_MON &&
        mode != ARM_MODE_HYP)
        arm_switch_mode(cpu, mode);
}

void arm_cpsr_write_privileged(ArmCpu *cpu, uint32_t value, uint32_t mask)
{
    arm_cpsr_write(cpu, value, mask & 0xf80f0000u);
    write_rest(cpu, value, mask);
}

void arm_cpsr_restore(ArmCpu *cpu, uint32_t spsr)
{
    arm_cpsr_write(cpu, spsr, 0xffffffffu);
    write_rest(cpu, spsr, 0xffffffffu);
}

uint32_t arm_spsr_read(const ArmCpu *cpu)
{
    int bank = arm_mode_bank(arm_cpu_mode(cpu));
    return bank > ARM_BANK_USR ? cpu->sys.spsr[bank] : 0;
}

void arm_spsr_write(ArmCpu *cpu, uint32_t value, uint32_t mask)
{
    int bank = arm_mode_bank(arm_cpu_mode(cpu));
    if (bank > ARM_BANK_USR)
        cpu->sys.spsr[bank] = (cpu->sys.spsr[bank] & ~mask) | (value & mask);
}

uint32_t arm_banked_read(const ArmCpu *cpu, uint32_t mode, unsigned reg)
{
    int bank = arm_mode_bank(mode);
    if (bank < 0)
        return 0;
    if (reg < 8 || reg > 14)
        return cpu->r[reg & 15];
    if (reg >= 8 && reg <= 12) {
        bool want_fiq = bank == ARM_BANK_FIQ, in_fiq = arm_cpu_mode(cpu) == ARM_MODE_FIQ;
        return want_fiq == in_fiq ? cpu->r[reg] : (want_fiq ? cpu->sys.fiq_r8_12 : cpu->sys.usr_r8_12)[reg - 8];
    }
    if (bank == arm_mode_bank(arm_cpu_mode(cpu)))
        return cpu->r[reg];
    return reg == 13 ? cpu->sys.r13[bank] : cpu->sys.r14[bank];
}

void arm_banked_write(ArmCpu *cpu, uint32_t mode, unsigned reg, uint32_t value)
{
    int bank = arm_mode_bank(mode);
    if (bank < 0)
        return;
    if (reg < 8 || reg > 14) {
        cpu->r[reg & 15] = value;
        return;
    }
    if (reg >= 8 && reg <= 12) {
        bool want_fiq = bank == ARM_BANK_FIQ, in_fiq = arm_cpu_mode(cpu) == ARM_MODE_FIQ;
        if (want_fiq == in_fiq)
            cpu->r[reg] = value;
        else
            (want_fiq ? cpu->sys.fiq_r8_12 : cpu->sys.usr_r8_12)[reg - 8] = value;
        return;
    }
    if (bank == arm_mode_bank(arm_cpu_mode(cpu)))
        cpu->r[reg] = value;
    else if (reg == 13)
        cpu->sys.r13[bank] = value;
    else
        cpu->sys.r14[bank] = value;
}

typedef struct ExceptionInfo {
    uint32_t mode, vector_offset, lr_arm, lr_thumb, mask;
} ExceptionInfo;

/* Target mode, vector offset, LR offsets from the preferred return address
 * (ARM ARM table B1-7) and the CPSR mask bits each exception sets. */
static const ExceptionInfo exception_info[] = {
    [ARM_EXC_RESET] = {ARM_MODE_SVC, 0x00, 0, 0, ARM_CPSR_A | ARM_CPSR_I | ARM_CPSR_F},
    [ARM_EXC_UNDEF] = {ARM_MODE_UND, 0x04, 4, 2, ARM_CPSR_I},
    [ARM_EXC_SVC] = {ARM_MODE_SVC, 0x08, 0, 0, ARM_CPSR_I},
    [ARM_EXC_PABT] = {ARM_MODE_ABT, 0x0c, 4, 4, ARM_CPSR_A | ARM_CPSR_I},
    [ARM_EXC_DABT] = {ARM_MODE_ABT, 0x10, 8, 8, ARM_CPSR_A | ARM_CPSR_I},
    [ARM_EXC_IRQ] = {ARM_MODE_IRQ, 0x18, 4, 4, ARM_CPSR_A | ARM_CPSR_I},
    [ARM_EXC_FIQ] = {ARM_MODE_FIQ, 0x1c, 4, 4, ARM_CPSR_A | ARM_CPSR_I | ARM_CPSR_F},
};

enum { SCTLR_V = 1u << 13, SCTLR_EE = 1u << 25, SCTLR_TE = 1u << 30 };

void arm_take_exception(ArmCpu *cpu, ArmException e, uint32_t preferred)
{
    const ExceptionInfo *x = &exception_info[e];
    uint32_t spsr = arm_cpsr_read(cpu);
    uint32_t lr = preferred + (cpu->thumb ? x->lr_thumb : x->lr_arm);
    arm_switch_mode(cpu, x->mode);
    cpu->sys.spsr[arm_mode_bank(x->mode)] = spsr;
    cpu->r[14] = lr;
    cpu->cpsr_rest |= x->mask;
    cpu->cpsr_rest = (cpu->cpsr_rest & ~ARM_CPSR_E) | ((cpu->sys.sctlr & SCTLR_EE) ? ARM_CPSR_E : 0);
    cpu->thumb = (cpu->sys.sctlr & SCTLR_TE) != 0;
    cpu->itstate = 0;
    cpu->sys.halted = 0;
    uint32_t base = (cpu->sys.sctlr & SCTLR_V) ? 0xffff0000u : (cpu->sys.vbar & ~0x1fu);
    cpu->r[15] = base + x->vector_offset;
}

void arm_exception_return(ArmCpu *cpu, uint32_t new_pc)
{
    arm_cpsr_restore(cpu, arm_spsr_read(cpu));
    cpu->r[15] = new_pc & (cpu->thumb ? ~1u : ~3u);
}

bool arm_interrupt_deliverable(const ArmCpu *cpu)
{
    return ((cpu->sys.pending & ARM_PENDING_IRQ) && !(cpu->cpsr_rest & ARM_CPSR_I)) ||
           ((cpu->sys.pending & ARM_PENDING_FIQ) && !(cpu->cpsr_rest & ARM_CPSR_F));
}
