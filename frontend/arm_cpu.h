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
    ARM_CPSR_T = 1u << 5,
    ARM_MODE_USR = 0x10,
};

/* Mode bits in a translation key. */
enum {
    ARM_MODEBIT_THUMB = 1u << 0,
    ARM_MODEBIT_IT_SHIFT = 1, /* IT state bits [8:1] */
};

typedef struct ArmCpu {
    CpuCommon common;
    uint32_t r[16];
    uint32_t nf, zf, cf, vf, qf;
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
} ArmCpu;

uint32_t arm_cpsr_read(const ArmCpu *cpu);
/* Writes the fields selected by mask (user-writable bits only in user mode). */
void arm_cpsr_write(ArmCpu *cpu, uint32_t value, uint32_t mask);
void arm_cpu_reset_user(ArmCpu *cpu);

static inline uint32_t arm_mode_bits(const ArmCpu *cpu)
{
    return (cpu->thumb ? ARM_MODEBIT_THUMB : 0) | (cpu->itstate << ARM_MODEBIT_IT_SHIFT);
}

/* Advance IT state after one instruction (ITAdvance in the ARM ARM). */
static inline uint32_t arm_it_advance(uint32_t it)
{
    if ((it & 7) == 0)
        return 0;
    return (it & 0xe0) | ((it << 1) & 0x1f);
}

#endif
