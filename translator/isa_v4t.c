/* Which instructions an ARMv4T core (the ARM7TDMI) has. */
#include "translator/isa_v4t.h"

/* A32: everything up to ARMv4T without coprocessors (the GBA has none).
 * Capstone names some encodings by their UAL aliases (shifts as LSL & co.,
 * ADD/SUB rd, pc as ADR, LDM/STM on sp as POP/PUSH). */
static bool a32_has(unsigned id)
{
    switch (id) {
    case ARM_INS_ADC: case ARM_INS_ADD: case ARM_INS_ADR: case ARM_INS_AND: case ARM_INS_ASR:
    case ARM_INS_B: case ARM_INS_BIC: case ARM_INS_BL: case ARM_INS_BX: case ARM_INS_CMN: case ARM_INS_CMP:
    case ARM_INS_EOR: case ARM_INS_LDM: case ARM_INS_LDMDA: case ARM_INS_LDMDB: case ARM_INS_LDMIB:
    case ARM_INS_LDR: case ARM_INS_LDRB: case ARM_INS_LDRBT: case ARM_INS_LDRH: case ARM_INS_LDRSB:
    case ARM_INS_LDRSH: case ARM_INS_LDRT: case ARM_INS_LSL: case ARM_INS_LSR: case ARM_INS_MLA:
    case ARM_INS_MOV: case ARM_INS_MRS: case ARM_INS_MSR: case ARM_INS_MUL: case ARM_INS_MVN:
    case ARM_INS_ORR: case ARM_INS_POP: case ARM_INS_PUSH: case ARM_INS_ROR: case ARM_INS_RRX:
    case ARM_INS_RSB: case ARM_INS_RSC: case ARM_INS_SBC: case ARM_INS_SMLAL: case ARM_INS_SMULL:
    case ARM_INS_STM: case ARM_INS_STMDA: case ARM_INS_STMDB: case ARM_INS_STMIB: case ARM_INS_STR:
    case ARM_INS_STRB: case ARM_INS_STRBT: case ARM_INS_STRH: case ARM_INS_STRT: case ARM_INS_SUB:
    case ARM_INS_SVC: case ARM_INS_SWP: case ARM_INS_SWPB: case ARM_INS_TEQ: case ARM_INS_TST:
    case ARM_INS_UMLAL: case ARM_INS_UMULL:
        return true;
    default:
        return false;
    }
}

/* T16 as in ARMv4T (no CBZ, IT, CPS, REV, extends, hints, BKPT, BLX); the
 * only 32-bit encoding is the BL prefix/suffix pair. */
static bool t32_has(unsigned id, unsigned size)
{
    if (size == 4)
        return id == ARM_INS_BL;
    switch (id) {
    case ARM_INS_ADC: case ARM_INS_ADD: case ARM_INS_ADR: case ARM_INS_AND: case ARM_INS_ASR:
    case ARM_INS_B: case ARM_INS_BIC: case ARM_INS_BX: case ARM_INS_CMN: case ARM_INS_CMP:
    case ARM_INS_EOR: case ARM_INS_LDM: case ARM_INS_LDR: case ARM_INS_LDRB: case ARM_INS_LDRH:
    case ARM_INS_LDRSB: case ARM_INS_LDRSH: case ARM_INS_LSL: case ARM_INS_LSR: case ARM_INS_MOV:
    case ARM_INS_MUL: case ARM_INS_MVN: case ARM_INS_ORR: case ARM_INS_POP: case ARM_INS_PUSH:
    case ARM_INS_ROR: case ARM_INS_RSB: case ARM_INS_SBC: case ARM_INS_STM: case ARM_INS_STR:
    case ARM_INS_STRB: case ARM_INS_STRH: case ARM_INS_SUB: case ARM_INS_SVC: case ARM_INS_TST:
        return true;
    default:
        return false;
    }
}

bool isa_v4t_has(const ArmInsn *insn)
{
    if (!insn->thumb && insn->raw >> 28 == 0xf)
        return false; /* the NV condition: UNPREDICTABLE in ARMv4, ARMv5+ encodings */
    return insn->thumb ? t32_has(insn->id, insn->size) : a32_has(insn->id);
}
