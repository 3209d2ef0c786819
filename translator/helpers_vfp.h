/*
 * VFP helpers: floating-point arithmetic under FPSCR control
 * (translator/vfp_helpers.c).
 *
 * Operands and results are raw IEEE bit patterns: single precision in the
 * low 32 bits, double precision in all 64.  Every helper reads the rounding
 * mode, FZ, DN and AHP from ArmCpu.fpscr and ORs the exceptions it raises
 * into the cumulative flags of ArmCpu.fpscr, exactly as the ARM ARM's
 * FPAdd, FPMul, FPMulAdd, FPRound, ... pseudocode does.
 *
 *   fixed-point conversion flags (argument c of vfp_tofix* / vfp_fromfix*):
 *     VFP_CVT_UNSIGNED  integer side is unsigned
 *     VFP_CVT_ROUND     tofix: round towards zero instead of FPSCR.RMode;
 *                       fromfix: round to nearest instead of FPSCR.RMode
 *     VFP_CVT_SIZE16    integer side is 16 bits (else 32)
 */
#ifndef SCION_HELPERS_VFP_H
#define SCION_HELPERS_VFP_H

#define SCION_HELPERS_VFP(X)                                                   \
    X(vfp_adds, 2, I32)      /* FPAdd(a, b) */                                \
    X(vfp_addd, 2, I64)                                                        \
    X(vfp_subs, 2, I32)      /* FPSub(a, b) */                                \
    X(vfp_subd, 2, I64)                                                        \
    X(vfp_muls, 2, I32)      /* FPMul(a, b) */                                \
    X(vfp_muld, 2, I64)                                                        \
    X(vfp_divs, 2, I32)      /* FPDiv(a, b) */                                \
    X(vfp_divd, 2, I64)                                                        \
    X(vfp_sqrts, 1, I32)     /* FPSqrt(a) */                                  \
    X(vfp_sqrtd, 1, I64)                                                       \
    X(vfp_fmas, 3, I32)      /* FPMulAdd(addend a, b, c) = a + b*c, fused */  \
    X(vfp_fmad, 3, I64)                                                        \
    X(vfp_cmps, 3, V)        /* FPCompare(a, b, quiet_nan_exc c) -> NZCV */   \
    X(vfp_cmpd, 3, V)                                                          \
    X(vfp_cvtds, 1, I64)     /* single a -> double */                         \
    X(vfp_cvtsd, 1, I32)     /* double a -> single */                         \
    X(vfp_cvths, 1, I32)     /* half a<15:0> -> single */                     \
    X(vfp_cvtsh, 1, I32)     /* single a -> half in bits 15:0 */              \
    X(vfp_tofixs, 3, I64)    /* FPToFixed(single a, fbits b, flags c),        \
                                result extended to 64 bits */               \
    X(vfp_tofixd, 3, I64)                                                      \
    X(vfp_fromfixs, 3, I32)  /* FixedToFP(a, fbits b, flags c) -> single */  \
    X(vfp_fromfixd, 3, I64)

/* FPSCR fields. */
enum {
    VFP_FPSCR_IOC = 1u << 0,
    VFP_FPSCR_DZC = 1u << 1,
    VFP_FPSCR_OFC = 1u << 2,
    VFP_FPSCR_UFC = 1u << 3,
    VFP_FPSCR_IXC = 1u << 4,
    VFP_FPSCR_IDC = 1u << 7,
    VFP_FPSCR_RMODE_SHIFT = 22,
    VFP_FPSCR_RMODE_MASK = 3u << 22,
    VFP_FPSCR_FZ = 1u << 24,
    VFP_FPSCR_DN = 1u << 25,
    VFP_FPSCR_AHP = 1u << 26,
    VFP_FPSCR_LEN_STRIDE = 0x00370000u,
    VFP_FPSCR_NZCV_MASK = 0xf0000000u,
    /* Bits a VMSR can change on Cortex-A15: NZCV, QC, AHP, DN, FZ, RMode,
     * Stride, Len and the cumulative flags; the trap enables are RAZ/WI
     * (no trapping support), bits 19, 14:13 and 6:5 are reserved. */
    VFP_FPSCR_WRITABLE = 0xfff7009fu,
};

enum {
    VFP_CVT_UNSIGNED = 1u << 0,
    VFP_CVT_ROUND = 1u << 1,
    VFP_CVT_SIZE16 = 1u << 2,
};

#endif
