/*
 * VFP instructions for the vfp test, kept out of C so that no compiled code
 * touches the floating-point unit.  Soft-float calling convention: doubles
 * travel in r0:r1 / r2:r3 and come back in r0:r1, floats in r0 / r1.
 */
    .syntax unified
    .arch armv7-a
    .fpu vfpv4
    .arm
    .text

.macro FUNC name
    .global \name
    .type \name, %function
\name:
.endm

FUNC vfp_read_fpsid
    vmrs    r0, fpsid
    bx      lr
FUNC vfp_read_mvfr0
    vmrs    r0, mvfr0
    bx      lr
FUNC vfp_read_mvfr1
    vmrs    r0, mvfr1
    bx      lr
FUNC vfp_read_fpexc
    vmrs    r0, fpexc
    bx      lr
FUNC vfp_write_fpexc
    vmsr    fpexc, r0
    bx      lr
FUNC vfp_read_fpscr
    vmrs    r0, fpscr
    bx      lr
FUNC vfp_write_fpscr
    vmsr    fpscr, r0
    bx      lr

.macro BINOP_F64 name, op
FUNC \name
    vmov    d0, r0, r1
    vmov    d1, r2, r3
    \op     d0, d0, d1
    vmov    r0, r1, d0
    bx      lr
.endm
    BINOP_F64 vfp_add_f64, vadd.f64
    BINOP_F64 vfp_mul_f64, vmul.f64
    BINOP_F64 vfp_div_f64, vdiv.f64

FUNC vfp_sqrt_f64
    vmov    d0, r0, r1
    vsqrt.f64 d0, d0
    vmov    r0, r1, d0
    bx      lr

FUNC vfp_div_f32
    vmov    s0, r0
    vmov    s1, r1
    vdiv.f32 s0, s0, s1
    vmov    r0, s0
    bx      lr

@ int32_t vfp_f64_to_s32(double): VCVT rounds towards zero
FUNC vfp_f64_to_s32
    vmov    d0, r0, r1
    vcvt.s32.f64 s0, d0
    vmov    r0, s0
    bx      lr

FUNC vfp_s32_to_f64
    vmov    s0, r0
    vcvt.f64.s32 d0, s0
    vmov    r0, r1, d0
    bx      lr

@ uint32_t vfp_cmp_f64(double a, double b): the APSR flags after VCMP
FUNC vfp_cmp_f64
    vmov    d0, r0, r1
    vmov    d1, r2, r3
    vcmp.f64 d0, d1
    vmrs    APSR_nzcv, fpscr
    mrs     r0, apsr
    and     r0, r0, #0xf0000000
    bx      lr

@ uint64_t vfp_d31_roundtrip(uint64_t): through D31 (needs 32 D registers)
FUNC vfp_d31_roundtrip
    vmov    d31, r0, r1
    vmov    d0, r2, r3
    vmov    r0, r1, d31
    bx      lr
