/*
 * The vfp family: VFPv3-D32 with the VFPv4 fused multiply-accumulate and
 * half-precision conversions, as in Cortex-A15, in A32 and T32.
 *
 *   VLDR/VSTR (incl. literal), VLDM/VSTM IA/DB (incl. VPUSH/VPOP, FLDMX)
 *   VMOV: core<->S, two cores<->D, two cores<->two S, core<->scalar,
 *         S<->S, D<->D, immediate
 *   VMRS/VMSR FPSCR (VMRS APSR_nzcv); other system registers are
 *         privileged-only: UNDEFINED at PL0
 *   VADD VSUB VMUL VNMUL VDIV VSQRT VABS VNEG VMLA VMLS VNMLA VNMLS
 *   VFMA VFMS VFNMA VFNMS VCMP VCMPE VCVT VCVTR VCVTB VCVTT
 *
 * VFP encodings are identical in A32 and T32 apart from the top nibble
 * (cond in A32, 1110 in T32), so everything is decoded from the raw bits;
 * the Capstone id only selects the TranslateFn.  Capstone ids such as
 * VADD, VMOV and VCVT also cover Advanced SIMD encodings: those are
 * reported as unimplemented (scion has no NEON yet).  The ARMv8-only
 * floating-point instructions (VSEL, VMAXNM, VRINT, VCVTA, ...) are
 * UNDEFINED on Cortex-A15.
 *
 * Values live in ArmCpu.vfp: S<n> is vfp.s[n], D<n> is vfp.d[n], and the
 * halves of D<n> are vfp.s[2n] and vfp.s[2n+1] for every n < 32 (host is
 * little-endian).  Arithmetic is done by the helpers of vfp_helpers.c, which
 * apply FPSCR's rounding mode, FZ, DN and AHP and accumulate its exception
 * flags; VABS, VNEG and the moves are bit operations in IR, as in the ARM
 * ARM (no NaN processing, no flushing).  FPSCR.Len and Stride read back as
 * written, but Cortex-A15 has no short vectors: with either nonzero the
 * vector-capable data-processing instructions are UNDEFINED.
 *
 * Loads and stores are not checked for alignment (VLDR/VLDM need word
 * alignment: a guest SIGBUS on Linux); scion has no alignment-fault exit.
 */
#include "translator/families.h"

static inline unsigned bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline bool bit(uint32_t v, unsigned n)
{
    return (v >> n) & 1;
}

static inline uint32_t raw(const LowerCtx *ctx)
{
    return ctx->insn->raw;
}

/* --- encoding space ---------------------------------------------------- */

enum { SPACE_OTHER, SPACE_VFP, SPACE_V8 };

/* Coprocessor 10/11 instructions: VFP proper when conditional (A32) or
 * with top nibble 1110 (T32); the unconditional forms are ARMv8 additions. */
static int vfp_space(const LowerCtx *ctx)
{
    uint32_t w = raw(ctx);
    if (ctx->thumb && ctx->insn->size != 4)
        return SPACE_OTHER;
    if (bits(w, 27, 25) < 6 || bits(w, 27, 24) == 0xf || bits(w, 11, 9) != 5)
        return SPACE_OTHER;
    unsigned top = w >> 28;
    if (ctx->thumb ? top == 0xe : top != 0xf)
        return SPACE_VFP;
    return SPACE_V8;
}

static bool undef(LowerCtx *ctx)
{
    lower_exit_fault(ctx, IR_EXIT_UNDEF);
    return true;
}

/* Cortex-A15 has no short vectors: with FPSCR.Len or Stride nonzero the
 * vector-capable data-processing instructions (all but VCMP and VCVT) are
 * UNDEFINED, as in QEMU; the check is at run time because FPSCR is not part
 * of the translation key.  The exit is taken with this instruction's state. */
static void require_scalar(LowerCtx *ctx)
{
    IrBlock *b = ctx->ir;
    IrLabel ok = ir_new_label(b);
    IrTemp vec = ir_op2(b, IR_AND, ir_lds32(b, CPU_OFF(fpscr)), ir_movi(b, VFP_FPSCR_LEN_STRIDE));
    ir_brz(b, vec, ok);
    lower_store_itstate(ctx, ctx->it_cur);
    ir_exit(b, ctx->pc, IR_EXIT_UNDEF);
    ir_label(b, ok);
}

/* Capstone id shared with an encoding that is not VFP. */
static bool not_vfp(LowerCtx *ctx)
{
    if (vfp_space(ctx) == SPACE_V8)
        return undef(ctx);
    return lower_unimplemented(ctx); /* Advanced SIMD */
}

/* System mode with FPEXC.EN or CPACR clear: UNDEFINED, so the kernel can
 * switch VFP contexts lazily. */
#define REQUIRE_VFP(ctx)                                                       \
    do {                                                                       \
        if (vfp_space(ctx) != SPACE_VFP)                                       \
            return not_vfp(ctx);                                               \
        if ((ctx)->vfp_off)                                                    \
            return undef(ctx);                                                 \
    } while (0)

/* --- registers --------------------------------------------------------- */

/* Vd:D (single) or D:Vd (double), and likewise for Vn/N and Vm/M. */
static int reg_d(uint32_t w, bool dp)
{
    return dp ? (int)(bit(w, 22) << 4 | bits(w, 15, 12)) : (int)(bits(w, 15, 12) << 1 | bit(w, 22));
}

static int reg_n(uint32_t w, bool dp)
{
    return dp ? (int)(bit(w, 7) << 4 | bits(w, 19, 16)) : (int)(bits(w, 19, 16) << 1 | bit(w, 7));
}

static int reg_m(uint32_t w, bool dp)
{
    return dp ? (int)(bit(w, 5) << 4 | bits(w, 3, 0)) : (int)(bits(w, 3, 0) << 1 | bit(w, 5));
}

static IrTemp vread(LowerCtx *ctx, bool dp, int r)
{
    return dp ? ir_lds64(ctx->ir, CPU_OFF(vfp.d[r])) : ir_lds32(ctx->ir, CPU_OFF(vfp.s[r]));
}

static void vwrite(LowerCtx *ctx, bool dp, int r, IrTemp v)
{
    if (dp)
        ir_sts64(ctx->ir, CPU_OFF(vfp.d[r]), v);
    else
        ir_sts32(ctx->ir, CPU_OFF(vfp.s[r]), v);
}

/* FPNeg: flip the sign bit (NaNs included). */
static IrTemp vneg(LowerCtx *ctx, bool dp, IrTemp v)
{
    IrBlock *b = ctx->ir;
    IrTemp sign = ir_movi(b, 0x80000000u);
    if (!dp)
        return ir_op2(b, IR_XOR, v, sign);
    IrTemp hi = ir_op2(b, IR_XOR, ir_op1(b, IR_HI32, v), sign);
    return ir_op2(b, IR_PAIR64, ir_op1(b, IR_LO32, v), hi);
}

static IrTemp call(LowerCtx *ctx, HelperId h, IrTemp a, IrTemp x, IrTemp y)
{
    return ir_call(ctx->ir, h, a, x, y);
}

/* --- loads and stores -------------------------------------------------- */

/* VLDR, VSTR: cond 1101 U D 0 L Rn Vd 101 sz imm8. */
static bool trans_vldr_vstr(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    uint32_t w = raw(ctx);
    if (bits(w, 27, 24) != 0xd || bit(w, 21))
        return undef(ctx);
    IrBlock *b = ctx->ir;
    bool dp = bit(w, 8), load = bit(w, 20);
    int d = reg_d(w, dp), n = (int)bits(w, 19, 16);
    uint32_t imm = bits(w, 7, 0) << 2;
    IrTemp base = n == 15 ? lower_read_pc_aligned(ctx) : lower_read_reg(ctx, n);
    IrTemp addr = imm ? ir_op2(b, bit(w, 23) ? IR_ADD : IR_SUB, base, ir_movi(b, imm)) : base;
    if (load)
        vwrite(ctx, dp, d, ir_load_al(b, dp ? IR_LD64 : IR_LD32, addr, 3)); /* word aligned */
    else
        ir_store_al(b, dp ? IR_ST64 : IR_ST32, addr, vread(ctx, dp, d), 3);
    return true;
}

/* VLDM, VSTM, VPUSH, VPOP, FLDMX, FSTMX: cond 110 P U D W L Rn Vd 101 sz imm8.
 * FLDMX/FSTMX (sz = 1, imm8 odd) transfer imm8 / 2 registers and move the
 * base by imm8 words, which the general formulas already give. */
static bool trans_vldm_vstm(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    uint32_t w = raw(ctx);
    bool p = bit(w, 24), u = bit(w, 23), wback = bit(w, 21), load = bit(w, 20), dp = bit(w, 8);
    if (bits(w, 27, 25) != 6 || p == u || (p && !wback))
        return undef(ctx);
    unsigned imm8 = bits(w, 7, 0), regs = dp ? imm8 / 2 : imm8;
    int first = reg_d(w, dp), n = (int)bits(w, 19, 16);
    if (regs == 0 || first + regs > 32 || (dp && regs > 16))
        return undef(ctx); /* UNPREDICTABLE */
    if (n == 15 && (wback || ctx->thumb))
        return undef(ctx); /* UNPREDICTABLE */
    IrBlock *b = ctx->ir;
    unsigned size = dp ? 8 : 4;
    IrTemp base = lower_read_reg(ctx, n);
    IrTemp start = u ? base : ir_op2(b, IR_SUB, base, ir_movi(b, imm8 << 2));
    IrTemp vals[32];
    for (unsigned i = 0; i < regs; i++) {
        IrTemp addr = i ? ir_op2(b, IR_ADD, start, ir_movi(b, i * size)) : start;
        if (load)
            vals[i] = ir_load_al(b, dp ? IR_LD64 : IR_LD32, addr, 3);
        else
            ir_store_al(b, dp ? IR_ST64 : IR_ST32, addr, vread(ctx, dp, first + (int)i), 3);
    }
    if (load)
        for (unsigned i = 0; i < regs; i++)
            vwrite(ctx, dp, first + (int)i, vals[i]);
    if (wback)
        lower_write_reg(ctx, n, ir_op2(b, u ? IR_ADD : IR_SUB, base, ir_movi(b, imm8 << 2)));
    return true;
}

/* --- moves ------------------------------------------------------------- */

/* VFPExpandImm. */
static uint64_t vfp_expand_imm(unsigned imm8, bool dp)
{
    uint64_t sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, e2 = (imm8 >> 4) & 3, frac = imm8 & 0xf;
    if (!dp) {
        uint64_t exp = (b6 ^ 1) << 7 | (b6 ? 0x1fu : 0) << 2 | e2;
        return sign << 31 | exp << 23 | frac << 19;
    }
    uint64_t exp = (b6 ^ 1) << 10 | (b6 ? 0xffu : 0) << 2 | e2;
    return sign << 63 | exp << 52 | frac << 48;
}

/* VMOV immediate and register: cond 1110 1D11 ... 101 sz ... 0 ... */
static bool vmov_dp(LowerCtx *ctx, uint32_t w)
{
    IrBlock *b = ctx->ir;
    bool dp = bit(w, 8);
    int d = reg_d(w, dp);
    if ((bits(w, 23, 20) & 0xb) != 0xb || (bit(w, 6) && (bits(w, 19, 16) != 0 || bit(w, 7))))
        return undef(ctx);
    require_scalar(ctx);
    if (!bit(w, 6)) {
        uint64_t v = vfp_expand_imm(bits(w, 19, 16) << 4 | bits(w, 3, 0), dp);
        vwrite(ctx, dp, d, dp ? ir_movi64(b, v) : ir_movi(b, (uint32_t)v));
        return true;
    }
    vwrite(ctx, dp, d, vread(ctx, dp, reg_m(w, dp)));
    return true;
}

/* VMOV Rt, Sn / VMOV Sn, Rt: cond 1110 000 op Vn Rt 1010 N 00 1 0000. */
static bool vmov_core_single(LowerCtx *ctx, uint32_t w)
{
    int t = (int)bits(w, 15, 12), n = reg_n(w, false);
    if (bit(w, 20)) {
        if (t == 15)
            return undef(ctx); /* UNPREDICTABLE */
        lower_write_reg(ctx, t, vread(ctx, false, n));
    } else {
        vwrite(ctx, false, n, lower_read_reg(ctx, t));
    }
    return true;
}

/* VMOV between a core register and a scalar Dd[x]:
 *   to scalar: cond 1110 0 opc1 0 Vd Rt 1011 D opc2 1 0000
 *   to core:   cond 1110 U opc1 1 Vn Rt 1011 N opc2 1 0000
 * The 32-bit forms are VFP; the 8- and 16-bit ones are Advanced SIMD
 * but need nothing but the register file. */
static bool vmov_scalar(LowerCtx *ctx, uint32_t w)
{
    IrBlock *b = ctx->ir;
    bool to_core = bit(w, 20), u = bit(w, 23);
    unsigned opc1 = bits(w, 22, 21), opc2 = bits(w, 6, 5), esize, index;
    int t = (int)bits(w, 15, 12), dreg = (int)(bit(w, 7) << 4 | bits(w, 19, 16));
    if (opc1 & 2) {
        esize = 8, index = (opc1 & 1) << 2 | opc2;
    } else if (opc2 & 1) {
        esize = 16, index = (opc1 & 1) << 1 | opc2 >> 1;
    } else if (opc2 == 0 && !u) {
        esize = 32, index = opc1 & 1;
    } else {
        return undef(ctx);
    }
    if (!to_core && u)
        return not_vfp(ctx); /* VDUP */
    unsigned byte = index * esize / 8;
    size_t word = CPU_OFF(vfp.d[dreg]) + (byte & ~3u);
    IrTemp shift = ir_movi(b, (byte & 3) * 8);
    if (to_core) {
        if (t == 15)
            return undef(ctx); /* UNPREDICTABLE */
        IrTemp v = ir_op2(b, IR_LSHR, ir_lds32(b, word), shift);
        if (esize == 8)
            v = ir_op1(b, u ? IR_ZEXT8 : IR_SEXT8, v);
        else if (esize == 16)
            v = ir_op1(b, u ? IR_ZEXT16 : IR_SEXT16, v);
        lower_write_reg(ctx, t, v);
        return true;
    }
    IrTemp r = lower_read_reg(ctx, t);
    if (esize == 32) {
        ir_sts32(b, word, r);
        return true;
    }
    uint32_t emask = esize == 8 ? 0xffu : 0xffffu;
    IrTemp mask = ir_op2(b, IR_SHL, ir_movi(b, emask), shift);
    IrTemp field = ir_op2(b, IR_SHL, ir_op2(b, IR_AND, r, ir_movi(b, emask)), shift);
    IrTemp old = ir_op2(b, IR_AND, ir_lds32(b, word), ir_op1(b, IR_NOT, mask));
    ir_sts32(b, word, ir_op2(b, IR_OR, old, field));
    return true;
}

/* VMOV Rt, Rt2, Dm / Sm, Sm1 and back: cond 1100 010 op Rt2 Rt 101 C 00 M 1 Vm.
 * Dm's halves are s[2m] and s[2m+1], so both forms are a pair of words. */
static bool vmov_two_core(LowerCtx *ctx, uint32_t w)
{
    bool to_core = bit(w, 20), dreg = bit(w, 8);
    int t = (int)bits(w, 15, 12), t2 = (int)bits(w, 19, 16);
    int m = reg_m(w, dreg);
    int s = dreg ? 2 * m : m;
    if (!dreg && m == 31)
        return undef(ctx); /* UNPREDICTABLE */
    if (to_core) {
        if (t == 15 || t2 == 15 || t == t2)
            return undef(ctx); /* UNPREDICTABLE */
        IrTemp lo = vread(ctx, false, s), hi = vread(ctx, false, s + 1);
        lower_write_reg(ctx, t, lo);
        lower_write_reg(ctx, t2, hi);
    } else {
        IrTemp lo = lower_read_reg(ctx, t), hi = lower_read_reg(ctx, t2);
        vwrite(ctx, false, s, lo);
        vwrite(ctx, false, s + 1, hi);
    }
    return true;
}

static bool trans_vmov(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    uint32_t w = raw(ctx);
    if (bits(w, 27, 24) == 0xe && !bit(w, 4))
        return vmov_dp(ctx, w);
    if (bits(w, 27, 24) == 0xe && bit(w, 8))
        return vmov_scalar(ctx, w);
    if (bits(w, 27, 24) == 0xe && bits(w, 23, 21) == 0 && bits(w, 6, 5) == 0)
        return vmov_core_single(ctx, w);
    if (bits(w, 27, 21) == 0x62 && bits(w, 7, 6) == 0 && bit(w, 4))
        return vmov_two_core(ctx, w);
    return undef(ctx);
}

/* --- system registers -------------------------------------------------- */

/* VMRS Rt, reg: cond 1110 1111 reg Rt 1010 0001 0000.  Only FPSCR is
 * accessible in User mode; FPSID, MVFR0/1 and FPEXC are privileged
 * (UNDEFINED at PL0, as Linux and QEMU's linux-user give SIGILL). */
/* System mode: VMRS/VMSR of FPSID, MVFR0/1 and FPEXC, which work with VFP
 * disabled (that is how it is enabled). */
static bool vfp_sysreg(LowerCtx *ctx, bool read)
{
    uint32_t w = raw(ctx);
    IrBlock *b = ctx->ir;
    IrTemp reg = ir_movi(b, bits(w, 19, 16));
    int t = (int)bits(w, 15, 12);
    if (t == 15)
        return undef(ctx);
    if (read) {
        IrTemp r = ir_call(b, HELPER_vfp_sysreg_read, reg, IR_NO_TEMP, IR_NO_TEMP);
        lower_check_status(ctx, ir_op1(b, IR_HI32, r));
        lower_write_reg(ctx, t, ir_op1(b, IR_LO32, r));
        return true;
    }
    IrTemp st = ir_call(b, HELPER_vfp_sysreg_write, reg, lower_read_reg(ctx, t), IR_NO_TEMP);
    lower_check_status(ctx, ir_op1(b, IR_LO32, st));
    lower_exit_resync(ctx); /* FPEXC.EN is part of the translation mode */
    return true;
}

static bool trans_vmrs(LowerCtx *ctx)
{
    if (ctx->system && vfp_space(ctx) == SPACE_VFP && bits(raw(ctx), 19, 16) != 1)
        return vfp_sysreg(ctx, true);
    REQUIRE_VFP(ctx);
    uint32_t w = raw(ctx);
    IrBlock *b = ctx->ir;
    int t = (int)bits(w, 15, 12);
    if (bits(w, 23, 20) != 0xf || bits(w, 19, 16) != 1)
        return undef(ctx);
    IrTemp v = ir_lds32(b, CPU_OFF(fpscr));
    if (t != 15) {
        lower_write_reg(ctx, t, v);
        return true;
    }
    /* VMRS APSR_nzcv, FPSCR */
    IrTemp one = ir_movi(b, 1);
    ir_sts32(b, CPU_OFF(nf), ir_op2(b, IR_LSHR, v, ir_movi(b, 31)));
    ir_sts32(b, CPU_OFF(zf), ir_op2(b, IR_AND, ir_op2(b, IR_LSHR, v, ir_movi(b, 30)), one));
    ir_sts32(b, CPU_OFF(cf), ir_op2(b, IR_AND, ir_op2(b, IR_LSHR, v, ir_movi(b, 29)), one));
    ir_sts32(b, CPU_OFF(vf), ir_op2(b, IR_AND, ir_op2(b, IR_LSHR, v, ir_movi(b, 28)), one));
    return true;
}

/* VMSR reg, Rt: cond 1110 1110 reg Rt 1010 0001 0000. */
static bool trans_vmsr(LowerCtx *ctx)
{
    if (ctx->system && vfp_space(ctx) == SPACE_VFP && bits(raw(ctx), 19, 16) != 1)
        return vfp_sysreg(ctx, false);
    REQUIRE_VFP(ctx);
    uint32_t w = raw(ctx);
    IrBlock *b = ctx->ir;
    if (bits(w, 23, 20) != 0xe || bits(w, 19, 16) != 1)
        return undef(ctx);
    IrTemp v = lower_read_reg(ctx, (int)bits(w, 15, 12));
    ir_sts32(b, CPU_OFF(fpscr), ir_op2(b, IR_AND, v, ir_movi(b, VFP_FPSCR_WRITABLE)));
    return true;
}

/* --- arithmetic -------------------------------------------------------- */

/* The data-processing encodings all have cond 1110 ... 101 sz ... 0 ....
 * Returns false (after emitting UNDEF) if this one does not; emits the
 * short-vector check when vector_capable. */
static bool dp_form(LowerCtx *ctx, bool vector_capable)
{
    uint32_t w = raw(ctx);
    if (bits(w, 27, 24) != 0xe || bit(w, 4)) {
        undef(ctx);
        return false;
    }
    if (vector_capable)
        require_scalar(ctx);
    return true;
}

static HelperId pick(bool dp, HelperId s, HelperId d)
{
    return dp ? d : s;
}

/* VADD, VSUB, VMUL, VDIV: Vd = op(Vn, Vm). */
static bool trans_binop(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, true))
        return true;
    uint32_t w = raw(ctx);
    bool dp = bit(w, 8);
    HelperId h;
    switch (ctx->insn->id) {
    case ARM_INS_VADD: h = pick(dp, HELPER_vfp_adds, HELPER_vfp_addd); break;
    case ARM_INS_VSUB: h = pick(dp, HELPER_vfp_subs, HELPER_vfp_subd); break;
    case ARM_INS_VMUL: h = pick(dp, HELPER_vfp_muls, HELPER_vfp_muld); break;
    default: h = pick(dp, HELPER_vfp_divs, HELPER_vfp_divd); break;
    }
    IrTemp r = call(ctx, h, vread(ctx, dp, reg_n(w, dp)), vread(ctx, dp, reg_m(w, dp)), IR_NO_TEMP);
    vwrite(ctx, dp, reg_d(w, dp), r);
    return true;
}

/* VNMUL, VMLA, VMLS, VNMLA, VNMLS: a rounded product, then (except VNMUL)
 * a rounded FPAdd with the destination, signs flipped by FPNeg:
 *   VMLA  d + p     VMLS  d + -p     VNMLA  -d + -p     VNMLS  -d + p */
static bool trans_mac(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, true))
        return true;
    uint32_t w = raw(ctx);
    bool dp = bit(w, 8);
    unsigned id = ctx->insn->id;
    int d = reg_d(w, dp);
    IrTemp p = call(ctx, pick(dp, HELPER_vfp_muls, HELPER_vfp_muld), vread(ctx, dp, reg_n(w, dp)),
                    vread(ctx, dp, reg_m(w, dp)), IR_NO_TEMP);
    if (id == ARM_INS_VNMUL) {
        vwrite(ctx, dp, d, vneg(ctx, dp, p));
        return true;
    }
    IrTemp acc = vread(ctx, dp, d);
    if (id == ARM_INS_VNMLA || id == ARM_INS_VNMLS)
        acc = vneg(ctx, dp, acc);
    if (id == ARM_INS_VMLS || id == ARM_INS_VNMLA)
        p = vneg(ctx, dp, p);
    vwrite(ctx, dp, d, call(ctx, pick(dp, HELPER_vfp_adds, HELPER_vfp_addd), acc, p, IR_NO_TEMP));
    return true;
}

/* VFMA, VFMS, VFNMA, VFNMS: FPMulAdd with one rounding:
 *   VFMA  d + n*m   VFMS  d + (-n)*m   VFNMA  -d + (-n)*m   VFNMS  -d + n*m */
static bool trans_fma(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, true))
        return true;
    uint32_t w = raw(ctx);
    bool dp = bit(w, 8);
    unsigned id = ctx->insn->id;
    int d = reg_d(w, dp);
    IrTemp acc = vread(ctx, dp, d), n = vread(ctx, dp, reg_n(w, dp)), m = vread(ctx, dp, reg_m(w, dp));
    if (id == ARM_INS_VFNMA || id == ARM_INS_VFNMS)
        acc = vneg(ctx, dp, acc);
    if (id == ARM_INS_VFMS || id == ARM_INS_VFNMA)
        n = vneg(ctx, dp, n);
    vwrite(ctx, dp, d, call(ctx, pick(dp, HELPER_vfp_fmas, HELPER_vfp_fmad), acc, n, m));
    return true;
}

static bool trans_vsqrt(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, true))
        return true;
    uint32_t w = raw(ctx);
    bool dp = bit(w, 8);
    IrTemp r = call(ctx, pick(dp, HELPER_vfp_sqrts, HELPER_vfp_sqrtd), vread(ctx, dp, reg_m(w, dp)), IR_NO_TEMP,
                    IR_NO_TEMP);
    vwrite(ctx, dp, reg_d(w, dp), r);
    return true;
}

/* VABS, VNEG: sign-bit operations on the (high) word, no FP semantics. */
static bool trans_vabs_vneg(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, true))
        return true;
    IrBlock *b = ctx->ir;
    uint32_t w = raw(ctx);
    bool dp = bit(w, 8);
    int d = reg_d(w, dp), m = reg_m(w, dp);
    int hd = dp ? 2 * d + 1 : d, hm = dp ? 2 * m + 1 : m;
    IrTemp lo = dp ? vread(ctx, false, 2 * m) : IR_NO_TEMP;
    IrTemp hi = vread(ctx, false, hm);
    if (ctx->insn->id == ARM_INS_VABS)
        hi = ir_op2(b, IR_AND, hi, ir_movi(b, 0x7fffffffu));
    else
        hi = ir_op2(b, IR_XOR, hi, ir_movi(b, 0x80000000u));
    if (dp)
        vwrite(ctx, false, 2 * d, lo);
    vwrite(ctx, false, hd, hi);
    return true;
}

/* VCMP, VCMPE: cond 1110 1D11 010 Z Vd 101 sz E 1 M 0 Vm (Z: with #0.0). */
static bool trans_vcmp(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, false))
        return true;
    IrBlock *b = ctx->ir;
    uint32_t w = raw(ctx);
    bool dp = bit(w, 8);
    IrTemp x = vread(ctx, dp, reg_d(w, dp));
    IrTemp y = bit(w, 16) ? (dp ? ir_movi64(b, 0) : ir_movi(b, 0)) : vread(ctx, dp, reg_m(w, dp));
    call(ctx, pick(dp, HELPER_vfp_cmps, HELPER_vfp_cmpd), x, y, ir_movi(b, bit(w, 7)));
    return true;
}

/* --- conversions ------------------------------------------------------- */

/* VCVT between integer and floating point: cond 1110 1D11 1 opc2 Vd 101 sz op 1 M 0 Vm.
 *   opc2 000: Vd (S or D) = float(Sm), op: 1 signed, 0 unsigned, FPSCR rounding
 *   opc2 10x: Sd = int(Vm), bit 16: signed; op: 1 towards zero (VCVT), 0 FPSCR (VCVTR) */
static bool vcvt_int(LowerCtx *ctx, uint32_t w)
{
    IrBlock *b = ctx->ir;
    bool dp = bit(w, 8);
    unsigned opc2 = bits(w, 18, 16);
    if (opc2 == 0) {
        unsigned flags = bit(w, 7) ? 0 : VFP_CVT_UNSIGNED;
        IrTemp r = call(ctx, pick(dp, HELPER_vfp_fromfixs, HELPER_vfp_fromfixd), vread(ctx, false, reg_m(w, false)),
                        ir_movi(b, 0), ir_movi(b, flags));
        vwrite(ctx, dp, reg_d(w, dp), r);
        return true;
    }
    if ((opc2 & 6) != 4)
        return undef(ctx);
    unsigned flags = (bit(w, 16) ? 0 : VFP_CVT_UNSIGNED) | (bit(w, 7) ? VFP_CVT_ROUND : 0);
    IrTemp r = call(ctx, pick(dp, HELPER_vfp_tofixs, HELPER_vfp_tofixd), vread(ctx, dp, reg_m(w, dp)), ir_movi(b, 0),
                    ir_movi(b, flags));
    vwrite(ctx, false, reg_d(w, false), ir_op1(b, IR_LO32, r));
    return true;
}

/* VCVT between floating point and fixed point, in place:
 * cond 1110 1D11 1 op 1 U Vd 101 sf sx 1 i 0 imm4; size 16 or 32 (sx),
 * frac_bits = size - imm4:i.  To fixed rounds towards zero, from fixed to
 * nearest; the integer is extended to the register width. */
static bool vcvt_fixed(LowerCtx *ctx, uint32_t w)
{
    IrBlock *b = ctx->ir;
    bool dp = bit(w, 8), to_fixed = bit(w, 18);
    unsigned size = bit(w, 7) ? 32 : 16;
    int frac = (int)size - (int)(bits(w, 3, 0) << 1 | bit(w, 5));
    if (frac < 0)
        return undef(ctx); /* UNPREDICTABLE */
    unsigned flags = (bit(w, 16) ? VFP_CVT_UNSIGNED : 0) | VFP_CVT_ROUND | (size == 16 ? VFP_CVT_SIZE16 : 0);
    int d = reg_d(w, dp);
    HelperId h = to_fixed ? pick(dp, HELPER_vfp_tofixs, HELPER_vfp_tofixd)
                          : pick(dp, HELPER_vfp_fromfixs, HELPER_vfp_fromfixd);
    IrTemp r = call(ctx, h, vread(ctx, dp, d), ir_movi(b, (uint32_t)frac), ir_movi(b, flags));
    vwrite(ctx, dp, d, dp || !to_fixed ? r : ir_op1(b, IR_LO32, r));
    return true;
}

/* VCVT.F64.F32 / VCVT.F32.F64: cond 1110 1D11 0111 Vd 101 sz 11 M 0 Vm. */
static bool vcvt_precision(LowerCtx *ctx, uint32_t w)
{
    bool dp = bit(w, 8); /* source is double */
    if (!bit(w, 7))
        return undef(ctx);
    IrTemp r = call(ctx, dp ? HELPER_vfp_cvtsd : HELPER_vfp_cvtds, vread(ctx, dp, reg_m(w, dp)), IR_NO_TEMP,
                    IR_NO_TEMP);
    vwrite(ctx, !dp, reg_d(w, !dp), r);
    return true;
}

static bool trans_vcvt(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, false))
        return true;
    uint32_t w = raw(ctx);
    if ((bits(w, 23, 20) & 0xb) != 0xb || !bit(w, 6))
        return undef(ctx);
    unsigned opc2 = bits(w, 19, 16);
    if (opc2 == 7)
        return vcvt_precision(ctx, w);
    if (opc2 == 8 || (opc2 & 0xe) == 0xc)
        return vcvt_int(ctx, w);
    if ((opc2 & 0xa) == 0xa)
        return vcvt_fixed(ctx, w);
    return undef(ctx);
}

/* VCVTB, VCVTT: cond 1110 1D11 001 op Vd 1010 T 1 M 0 Vm; half precision in
 * the bottom (B) or top (T) half of the single register.  sz = 1 (double)
 * is ARMv8. */
static bool trans_vcvtbt(LowerCtx *ctx)
{
    REQUIRE_VFP(ctx);
    if (!dp_form(ctx, false))
        return true;
    IrBlock *b = ctx->ir;
    uint32_t w = raw(ctx);
    if ((bits(w, 23, 20) & 0xb) != 0xb || bits(w, 19, 17) != 1 || bit(w, 8) || !bit(w, 6))
        return undef(ctx);
    bool top = bit(w, 7);
    int d = reg_d(w, false);
    IrTemp m = vread(ctx, false, reg_m(w, false));
    if (!bit(w, 16)) { /* half -> single */
        IrTemp h = top ? ir_op2(b, IR_LSHR, m, ir_movi(b, 16)) : ir_op1(b, IR_ZEXT16, m);
        vwrite(ctx, false, d, call(ctx, HELPER_vfp_cvths, h, IR_NO_TEMP, IR_NO_TEMP));
        return true;
    }
    IrTemp h = ir_op1(b, IR_ZEXT16, ir_op1(b, IR_LO32, call(ctx, HELPER_vfp_cvtsh, m, IR_NO_TEMP, IR_NO_TEMP)));
    IrTemp old = vread(ctx, false, d);
    IrTemp r = top ? ir_op2(b, IR_OR, ir_op1(b, IR_ZEXT16, old), ir_op2(b, IR_SHL, h, ir_movi(b, 16)))
                   : ir_op2(b, IR_OR, ir_op2(b, IR_AND, old, ir_movi(b, 0xffff0000u)), h);
    vwrite(ctx, false, d, r);
    return true;
}

/* ARMv8 floating-point instructions: UNDEFINED on Cortex-A15. */
static bool trans_v8_undef(LowerCtx *ctx)
{
    return undef(ctx);
}

FAMILY_TABLE(vfp,
    {ARM_INS_VLDR, trans_vldr_vstr},
    {ARM_INS_VSTR, trans_vldr_vstr},
    {ARM_INS_VLDMIA, trans_vldm_vstm},
    {ARM_INS_VLDMDB, trans_vldm_vstm},
    {ARM_INS_VSTMIA, trans_vldm_vstm},
    {ARM_INS_VSTMDB, trans_vldm_vstm},
    {ARM_INS_VPUSH, trans_vldm_vstm},
    {ARM_INS_VPOP, trans_vldm_vstm},
    {ARM_INS_FLDMIAX, trans_vldm_vstm},
    {ARM_INS_FLDMDBX, trans_vldm_vstm},
    {ARM_INS_FSTMIAX, trans_vldm_vstm},
    {ARM_INS_FSTMDBX, trans_vldm_vstm},
    {ARM_INS_VMOV, trans_vmov},
    {ARM_INS_VMRS, trans_vmrs},
    {ARM_INS_VMSR, trans_vmsr},
    {ARM_INS_VADD, trans_binop},
    {ARM_INS_VSUB, trans_binop},
    {ARM_INS_VMUL, trans_binop},
    {ARM_INS_VDIV, trans_binop},
    {ARM_INS_VNMUL, trans_mac},
    {ARM_INS_VMLA, trans_mac},
    {ARM_INS_VMLS, trans_mac},
    {ARM_INS_VNMLA, trans_mac},
    {ARM_INS_VNMLS, trans_mac},
    {ARM_INS_VFMA, trans_fma},
    {ARM_INS_VFMS, trans_fma},
    {ARM_INS_VFNMA, trans_fma},
    {ARM_INS_VFNMS, trans_fma},
    {ARM_INS_VSQRT, trans_vsqrt},
    {ARM_INS_VABS, trans_vabs_vneg},
    {ARM_INS_VNEG, trans_vabs_vneg},
    {ARM_INS_VCMP, trans_vcmp},
    {ARM_INS_VCMPE, trans_vcmp},
    {ARM_INS_VCVT, trans_vcvt},
    {ARM_INS_VCVTR, trans_vcvt},
    {ARM_INS_VCVTB, trans_vcvtbt},
    {ARM_INS_VCVTT, trans_vcvtbt},
    {ARM_INS_VSELEQ, trans_v8_undef},
    {ARM_INS_VSELGE, trans_v8_undef},
    {ARM_INS_VSELGT, trans_v8_undef},
    {ARM_INS_VSELVS, trans_v8_undef},
    {ARM_INS_VMAXNM, trans_v8_undef},
    {ARM_INS_VMINNM, trans_v8_undef},
    {ARM_INS_VRINTA, trans_v8_undef},
    {ARM_INS_VRINTM, trans_v8_undef},
    {ARM_INS_VRINTN, trans_v8_undef},
    {ARM_INS_VRINTP, trans_v8_undef},
    {ARM_INS_VRINTR, trans_v8_undef},
    {ARM_INS_VRINTX, trans_v8_undef},
    {ARM_INS_VRINTZ, trans_v8_undef},
    {ARM_INS_VCVTA, trans_v8_undef},
    {ARM_INS_VCVTM, trans_v8_undef},
    {ARM_INS_VCVTN, trans_v8_undef},
    {ARM_INS_VCVTP, trans_v8_undef});
