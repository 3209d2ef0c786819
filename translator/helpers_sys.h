/* System-level helpers: privileged CPSR/SPSR access, banked registers,
 * exception return, CP15 (frontend/arm_sys.c, frontend/arm_cp15.c). */
#ifndef SCION_HELPERS_SYS_H
#define SCION_HELPERS_SYS_H

#define SCION_HELPERS_SYS(X)                                                   \
    X(sys_cpsr_write, 2, I32) /* MSR CPSR: a = value, b = field mask -> resync */ \
    X(spsr_read, 0, I32)                                                       \
    X(spsr_write, 2, V)       /* a = value, b = field mask */                  \
    X(cps, 3, I32)            /* a = set, b = clear, c = mode or ~0 -> resync */ \
    X(exception_return, 1, V) /* a = new pc: CPSR <- SPSR */                   \
    X(rfe, 2, V)              /* a = new pc, b = new CPSR */                   \
    X(banked_read, 2, I32)    /* a = mode, b = register number */             \
    X(banked_write, 3, V)     /* a = mode, b = register number, c = value */   \
    X(cp15_read, 1, I64)      /* a = key -> value | status << 32 */            \
    X(cp15_write, 2, I32)     /* a = key, b = value -> status */               \
    X(cp15_read64, 1, I64)    /* a = key -> value (after cp15_check) */        \
    X(cp15_write64, 2, I32)   /* a = key, b = value -> status */               \
    X(cp15_check, 1, I32)     /* a = key -> status of a read */                \
    X(vfp_sysreg_read, 1, I64)  /* a = VMRS reg -> value | status << 32 */     \
    X(vfp_sysreg_write, 2, I32) /* a = VMSR reg, b = value -> status */

#endif
