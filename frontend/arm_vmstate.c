/* The ARM CPU's state table for snapshots: architectural registers only
 * (the TLB, translated code and the board's hooks are rebuilt or kept). */
#include <stdio.h>

#include "frontend/arm_cpu.h"
#include "snapshot/vmstate.h"

static bool mode_supported(uint32_t mode)
{
    switch (mode) {
    case ARM_MODE_USR: case ARM_MODE_FIQ: case ARM_MODE_IRQ: case ARM_MODE_SVC:
    case ARM_MODE_ABT: case ARM_MODE_UND: case ARM_MODE_SYS: return true;
    default: return false; /* Monitor and Hyp are never entered on this model */
    }
}

static bool arm_cpu_state_check(const void *staged, char *err, size_t errlen)
{
    const ArmCpu *cpu = staged;
    const char *bad = NULL;
    if (cpu->cpsr_rest & ~ARM_CPSR_REST_BITS || !mode_supported(cpu->cpsr_rest & ARM_CPSR_M))
        bad = "CPSR has an impossible mode or reserved bits";
    else if (cpu->itstate && !cpu->thumb)
        bad = "IT state is set in ARM state";
    else if ((cpu->itstate & 0xf) == 0 && cpu->itstate)
        bad = "IT state has a condition but no mask";
    else if (cpu->r[15] & (cpu->thumb ? 1 : 3))
        bad = "the pc is not aligned for its instruction set";
    else if (cpu->sys.pending & ~(uint32_t)(ARM_PENDING_IRQ | ARM_PENDING_FIQ))
        bad = "unknown pending interrupt lines";
    if (bad)
        snprintf(err, errlen, "section cpu: %s", bad);
    return bad == NULL;
}

static const VmsField arm_sys_fields[] = {
    VMS(ArmSys, r13), VMS(ArmSys, r14), VMS(ArmSys, spsr), VMS(ArmSys, usr_r8_12), VMS(ArmSys, fiq_r8_12),
    VMS(ArmSys, sctlr), VMS(ArmSys, actlr), VMS(ArmSys, cpacr), VMS(ArmSys, ttbr0), VMS(ArmSys, ttbr1),
    VMS_MAX(ArmSys, ttbcr, 7), VMS(ArmSys, dacr), VMS(ArmSys, dfsr), VMS(ArmSys, ifsr), VMS(ArmSys, dfar),
    VMS(ArmSys, ifar), VMS(ArmSys, adfsr), VMS(ArmSys, aifsr), VMS(ArmSys, contextidr), VMS(ArmSys, tpidrprw),
    VMS(ArmSys, vbar), VMS(ArmSys, prrr), VMS(ArmSys, nmrr), VMS(ArmSys, par), VMS(ArmSys, csselr),
    VMS(ArmSys, cntfrq), VMS(ArmSys, cntkctl), VMS(ArmSys, cntp_ctl), VMS(ArmSys, cntv_ctl), VMS(ArmSys, cntp_cval),
    VMS(ArmSys, cntv_cval), VMS(ArmSys, cntvoff), VMS(ArmSys, pending), VMS_MAX(ArmSys, halted, 1),
};
static const VmsDesc arm_sys_vmstate = VMS_DESC("cpu-sys", 1, ArmSys, arm_sys_fields, NULL);

static const VmsField arm_cpu_fields[] = {
    VMS(ArmCpu, r), VMS_MAX(ArmCpu, nf, 1), VMS_MAX(ArmCpu, zf, 1), VMS_MAX(ArmCpu, cf, 1), VMS_MAX(ArmCpu, vf, 1),
    VMS_MAX(ArmCpu, qf, 1), VMS_MAX(ArmCpu, ge, 0xf), VMS_MAX(ArmCpu, thumb, 1), VMS_MAX(ArmCpu, itstate, 0xff),
    VMS(ArmCpu, cpsr_rest), VMS(ArmCpu, vfp.d), VMS(ArmCpu, fpscr), VMS(ArmCpu, fpexc), VMS(ArmCpu, tpidrurw),
    VMS(ArmCpu, tpidruro), VMS(ArmCpu, excl_addr), VMS_MAX(ArmCpu, excl_valid, 8), VMS(ArmCpu, excl_val),
    VMS_STRUCT(ArmCpu, sys, ArmSys, arm_sys_vmstate),
};
const VmsDesc arm_cpu_vmstate = VMS_DESC("cpu", 1, ArmCpu, arm_cpu_fields, arm_cpu_state_check);
