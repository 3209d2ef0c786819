/*
 * ARM (AArch32) architectural state as seen by translated code.
 *
 * The flags live in separate words (nf, zf, cf, vf, qf each 0 or 1, ge the
 * four GE bits) so translated code computes only the flags that are read and
 * the LLVM tier can keep them in SSA values.  CPSR is assembled on demand by
 * arm_cpsr_read / arm_cpsr_write.
 *
 * Translation mode bits (arm_mode_bits) name everything that changes how a
 * guest instruction at a given pc is translated: the Thumb bit and the IT
 * state.  Together with the pc they form the translation-block key.
 */
#ifndef SCION_ARM_CPU_H
#define SCION_ARM_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/cpu_common.h"

enum {
    ARM_CPSR_N = 1u << 31,
    ARM_CPSR_Z = 1u << 30,
    ARM_CPSR_C = 1u << 29,
    ARM_CPSR_V = 1u << 28,
    ARM_CPSR_Q = 1u << 27,
    ARM_CPSR_E = 1u << 9,
    ARM_CPSR_A = 1u << 8,
    ARM_CPSR_I = 1u << 7,
    ARM_CPSR_F = 1u << 6,
    ARM_CPSR_T = 1u << 5,
    ARM_CPSR_M = 0x1f,
    ARM_MODE_USR = 0x10,
    ARM_MODE_FIQ = 0x11,
    ARM_MODE_IRQ = 0x12,
    ARM_MODE_SVC = 0x13,
    ARM_MODE_MON = 0x16,
    ARM_MODE_ABT = 0x17,
    ARM_MODE_HYP = 0x1a,
    ARM_MODE_UND = 0x1b,
    ARM_MODE_SYS = 0x1f,
};

/* The CPSR fields kept in ArmCpu.cpsr_rest (the others have their own words). */
#define ARM_CPSR_REST_BITS (ARM_CPSR_E | ARM_CPSR_A | ARM_CPSR_I | ARM_CPSR_F | ARM_CPSR_M)

/* CPU models: the ARMv7-A Cortex-A15 (Linux user mode, the virt board) and
 * the ARMv4T ARM7TDMI (the Game Boy Advance). */
typedef enum ArmModel { ARM_MODEL_CORTEX_A15, ARM_MODEL_ARM7TDMI } ArmModel;

/* Register banks: r13, r14 and SPSR exist once per bank (usr and sys share). */
enum { ARM_BANK_USR, ARM_BANK_FIQ, ARM_BANK_IRQ, ARM_BANK_SVC, ARM_BANK_ABT, ARM_BANK_UND, ARM_BANK_MON,
       ARM_BANK_HYP, ARM_BANK_COUNT };

/* System-level state (the `virt` board; unused in Linux user mode). */
typedef struct ArmSys {
    uint32_t r13[ARM_BANK_COUNT], r14[ARM_BANK_COUNT], spsr[ARM_BANK_COUNT];
    uint32_t usr_r8_12[5], fiq_r8_12[5]; /* the bank not currently in r[8..12] */
    /* CP15 */
    uint32_t sctlr, actlr, cpacr, ttbr0, ttbr1, ttbcr, dacr;
    uint32_t dfsr, ifsr, dfar, ifar, adfsr, aifsr;
    uint32_t contextidr, tpidrprw, vbar, prrr, nmrr, par, csselr;
    /* Generic timer: physical and virtual timers (control, compare value). */
    uint32_t cntfrq, cntkctl, cntp_ctl, cntv_ctl;
    uint64_t cntp_cval, cntv_cval, cntvoff;
    uint32_t pending;  /* ARM_PENDING_* inputs from the interrupt controller */
    uint32_t halted;   /* in WFI until an interrupt is pending */
} ArmSys;

enum { ARM_PENDING_IRQ = 1, ARM_PENDING_FIQ = 2 };

/* What system registers need from the board (set by the board; not state). */
typedef struct ArmSysHooks {
    uint64_t (*counter)(void *opaque);        /* the system counter, VIRT_TIMER_HZ ticks */
    void (*timer_changed)(void *opaque);      /* a CNTP/CNTV register was written */
    void (*tlb_flush)(void *opaque);          /* translation regime or TLB maintenance */
    void (*tlb_flush_page)(void *opaque, uint32_t va);
    /* TTBR0, CONTEXTIDR (ASID) or DACR changed: the TLB of the new regime
     * may be one kept from before (like an ASID-tagged TLB). */
    void (*regime_switch)(void *opaque);
    /* ATS1C{P,U}{R,W}: translate va as that access would; returns PAR. */
    uint32_t (*address_translate)(void *opaque, uint32_t va, bool user, bool write);
} ArmSysHooks;

/* Mode bits in a translation key. */
enum {
    ARM_MODEBIT_THUMB = 1u << 0,
    ARM_MODEBIT_IT_SHIFT = 1, /* IT state bits [8:1] */
    ARM_MODEBIT_VFP_OFF = 1u << 9, /* system mode: VFP disabled (FPEXC.EN, CPACR) */
    ARM_MODEBIT_ALIGN = 1u << 10,  /* system mode: SCTLR.A, every access checked */
    /* System mode: bits [31:12] hold the physical page of the block's pc
     * (set by the dispatcher, ignored by the translator), so translations
     * of one virtual address in different address spaces never mix. */
    ARM_MODEBIT_PAGE_MASK = 0xfffff000u,
};

enum { ARM_FPEXC_EN = 1u << 30 };

/* nf, zf, cf, vf and qf: the words from nf on that hold 0 or 1. */
enum { ARM_FLAG_WORDS = 5 };

typedef struct ArmCpu {
    CpuCommon common;
    uint32_t r[16];
    uint32_t nf, zf, cf, vf, qf; /* ARM_FLAG_WORDS of them */
    uint32_t ge;
    uint32_t thumb;
    uint32_t itstate;  /* CPSR.IT[7:0]; valid at block boundaries */
    uint32_t cpsr_rest; /* E, A, I, F and mode bits */
    union {
        uint64_t d[32];
        uint32_t s[64];
    } vfp;
    uint32_t fpscr;
    uint32_t fpexc;
    uint32_t tpidrurw; /* user read/write thread id (TPIDRURW) */
    uint32_t tpidruro; /* user read-only thread id: the TLS pointer */
    /* Exclusive monitor for LDREX/STREX. */
    uint32_t excl_addr;
    uint32_t excl_valid;
    uint64_t excl_val;
    bool system;  /* full system (privileged modes, MMU) rather than Linux user mode */
    ArmSys sys;
    const ArmSysHooks *hooks; /* system mode only */
    void *hooks_opaque;
} ArmCpu;

uint32_t arm_cpsr_read(const ArmCpu *cpu);
/* Writes the fields selected by mask (user-writable bits only in user mode). */
void arm_cpsr_write(ArmCpu *cpu, uint32_t value, uint32_t mask);
void arm_cpu_reset_user(ArmCpu *cpu);

static inline uint32_t arm_cpu_mode(const ArmCpu *cpu)
{
    return cpu->cpsr_rest & ARM_CPSR_M;
}

static inline bool arm_privileged(const ArmCpu *cpu)
{
    return arm_cpu_mode(cpu) != ARM_MODE_USR;
}

static inline bool arm_vfp_off(const ArmCpu *cpu)
{
    return cpu->system && (!(cpu->fpexc & ARM_FPEXC_EN) || ((cpu->sys.cpacr >> 20) & 3) == 0);
}

static inline uint32_t arm_mode_bits(const ArmCpu *cpu)
{
    return (cpu->thumb ? ARM_MODEBIT_THUMB : 0) | (cpu->itstate << ARM_MODEBIT_IT_SHIFT) |
           (arm_vfp_off(cpu) ? ARM_MODEBIT_VFP_OFF : 0) | (cpu->system && (cpu->sys.sctlr & 2) ? ARM_MODEBIT_ALIGN : 0);
}

/* Go back to the instruction named by insn_pc and insn_mode (after a
 * fault), in its own mode. */
static inline void arm_resume_insn(ArmCpu *cpu)
{
    cpu->r[15] = cpu->common.insn_pc;
    cpu->thumb = cpu->common.insn_mode & ARM_MODEBIT_THUMB;
    cpu->itstate = (cpu->common.insn_mode >> ARM_MODEBIT_IT_SHIFT) & 0xff;
}

/* Advance IT state after one instruction (ITAdvance in the ARM ARM). */
static inline uint32_t arm_it_advance(uint32_t it)
{
    if ((it & 7) == 0)
        return 0;
    return (it & 0xe0) | ((it << 1) & 0x1f);
}

/* The state table for snapshots (frontend/arm_vmstate.c). */
struct VmsDesc;
extern const struct VmsDesc arm_cpu_vmstate;

#endif
