/*
 * The loadstore family: single, dual, multiple and exclusive loads and
 * stores of ARMv7-A user code, in A32 and T32 (16- and 32-bit encodings).
 *
 *   LDR/STR{B,H,SB,SH}   immediate, register, scaled register; offset,
 *                        pre-indexed, post-indexed; literal
 *   LDR*T/STR*T          unprivileged forms: in user mode a normal access
 *   LDRD/STRD            immediate, register, literal
 *   LDM/STM{IA,IB,DA,DB} and PUSH/POP, with and without writeback
 *   LDREX/STREX{,B,H,D}  through the exclusive-monitor helpers
 *
 * Capstone 4's operand details for these instructions are unreliable:
 * writeback is 0 for LDRT & co. and for A32 PUSH/POP of a list, the
 * subtracted flag is missing for negative A32 LDRSBT/STRHT offsets, and
 * post-indexed offsets are an extra operand whose sign is a flag in A32 but
 * a negative immediate in T32.  So every encoding is decoded from its raw
 * bits into an LsInsn; the Capstone id only selects the TranslateFn, which
 * checks that the raw decoding agrees on the kind of access.
 *
 * Ordering (precise faults): every memory access comes first, then base
 * writeback, then loaded registers, and a load into pc (LoadWritePC) last
 * because it ends the block.  The loaded value therefore wins when a loaded
 * register is also the written-back base (UNPREDICTABLE, or UNKNOWN for
 * LDM), and STM stores the original base value.
 *
 * Other UNPREDICTABLE encodings (pc as a dual, exclusive or writeback
 * register, odd Rt for A32 LDRD/STRD/LDREXD/STREXD, empty lists, the
 * user-bank LDM/STM forms) are made UNDEFINED.  SWP/SWPB exist on ARMv4T
 * only (reported as unimplemented for the Cortex-A15).  The ARMv4T rules
 * for unaligned addresses, stores of pc and STM of the base are marked
 * v4t.
 */
#include "translator/families.h"

#include <string.h>

typedef enum LsKind {
    LS_BAD,    /* not a load/store encoding this file knows */
    LS_UNPRED, /* UNPREDICTABLE: scion makes it UNDEFINED */
    LS_SINGLE, /* LDR, STR and their byte/halfword/signed/unprivileged forms */
    LS_DUAL,   /* LDRD, STRD */
    LS_MULTI,  /* LDM, STM, PUSH, POP */
    LS_LDREX,  /* LDREX{,B,H,D} */
    LS_STREX,  /* STREX{,B,H,D} */
    LS_SWP,    /* SWP, SWPB */
} LsKind;

typedef struct LsInsn {
    LsKind kind;
    bool load;
    bool sign;          /* sign-extending load */
    unsigned size;      /* access size in bytes (8 for LDREXD/STREXD) */
    int rt, rt2, rn;
    int rd;             /* STREX status register */
    int rm;             /* offset register, -1 for an immediate offset */
    uint32_t imm;       /* immediate offset, already scaled */
    arm_shifter shift;  /* shift applied to rm (amount 0: none) */
    unsigned amount;
    bool add;           /* offset is added (U bit) */
    bool index;         /* access at the offset address (P bit) */
    bool wback;         /* the offset address (or LDM/STM end) goes to rn */
    uint16_t list;      /* LDM/STM register list */
    bool inc, before;   /* LDM/STM: IA, IB, DA, DB */
    bool user_regs;     /* LDM/STM ^: User mode registers, or exception return with pc */
} LsInsn;

static inline unsigned bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline bool bit(uint32_t v, unsigned n)
{
    return (v >> n) & 1;
}

/* --- A32 decoding ------------------------------------------------------ */

/* DecodeImmShift for a register offset. */
static void a32_imm_shift(LsInsn *d, unsigned type, unsigned imm5)
{
    static const arm_shifter types[4] = {ARM_SFT_LSL, ARM_SFT_LSR, ARM_SFT_ASR, ARM_SFT_ROR};
    d->shift = types[type];
    d->amount = imm5;
    if (imm5 == 0 && (type == 1 || type == 2))
        d->amount = 32;
    else if (imm5 == 0 && type == 3)
        d->shift = ARM_SFT_RRX;
}

/* P, U, W addressing (W set or P clear means writeback; P clear and W set
 * are the unprivileged forms, which are post-indexed with writeback). */
static void a32_puw(LsInsn *d, uint32_t w)
{
    d->index = bit(w, 24);
    d->add = bit(w, 23);
    d->wback = !bit(w, 24) || bit(w, 21);
}

/* LDR, STR, LDRB, STRB (and their T forms): cond 01 I P U B W L ... */
static LsKind a32_word_byte(uint32_t w, LsInsn *d)
{
    if (bit(w, 25) && bit(w, 4))
        return LS_BAD; /* media instructions */
    d->load = bit(w, 20);
    d->size = bit(w, 22) ? 1 : 4;
    d->rn = (int)bits(w, 19, 16);
    d->rt = (int)bits(w, 15, 12);
    a32_puw(d, w);
    if (bit(w, 25)) {
        d->rm = (int)bits(w, 3, 0);
        a32_imm_shift(d, bits(w, 6, 5), bits(w, 11, 7));
    } else {
        d->imm = bits(w, 11, 0);
    }
    return LS_SINGLE;
}

/* Extra loads and stores: cond 000 P U I W L Rn Rt imm4H 1 op2 1 imm4L. */
static LsKind a32_extra(uint32_t w, LsInsn *d)
{
    unsigned op2 = bits(w, 6, 5);
    bool l = bit(w, 20);
    d->rn = (int)bits(w, 19, 16);
    d->rt = (int)bits(w, 15, 12);
    a32_puw(d, w);
    if (bit(w, 22))
        d->imm = bits(w, 11, 8) << 4 | bits(w, 3, 0);
    else
        d->rm = (int)bits(w, 3, 0);
    if (op2 == 1) { /* STRH, LDRH */
        d->load = l;
        d->size = 2;
        return LS_SINGLE;
    }
    if (l) { /* LDRSB, LDRSH */
        d->load = true;
        d->sign = true;
        d->size = op2 == 2 ? 1 : 2;
        return LS_SINGLE;
    }
    /* LDRD (op2 == 2), STRD (op2 == 3): Rt even, Rt2 = Rt + 1. */
    if ((d->rt & 1) || (!bit(w, 24) && bit(w, 21)))
        return LS_UNPRED;
    d->load = op2 == 2;
    d->size = 4;
    d->rt2 = d->rt + 1;
    return LS_DUAL;
}

/* Synchronization primitives: cond 0001 1 op L Rn Rt 1111 1001 Rt'. */
static LsKind a32_sync(uint32_t w, LsInsn *d)
{
    static const unsigned sizes[4] = {4, 8, 1, 2};
    if (!bit(w, 23)) { /* SWP, SWPB: cond 0001 0B00 Rn Rt 0000 1001 Rt2 */
        d->size = bit(w, 22) ? 1 : 4;
        d->rn = (int)bits(w, 19, 16);
        d->rt = (int)bits(w, 15, 12);
        d->rt2 = (int)bits(w, 3, 0);
        return (bits(w, 21, 20) == 0 && bits(w, 11, 8) == 0) ? LS_SWP : LS_BAD;
    }
    if (bits(w, 11, 8) != 0xf)
        return LS_BAD; /* ARMv8 load-acquire / store-release */
    d->load = bit(w, 20);
    d->size = sizes[bits(w, 22, 21)];
    d->rn = (int)bits(w, 19, 16);
    if (d->load) {
        d->rt = (int)bits(w, 15, 12);
    } else {
        d->rd = (int)bits(w, 15, 12);
        d->rt = (int)bits(w, 3, 0);
    }
    if (d->size == 8) {
        if (d->rt & 1)
            return LS_UNPRED;
        d->rt2 = d->rt + 1;
    }
    return d->load ? LS_LDREX : LS_STREX;
}

/* LDM, STM: cond 100 P U S W L Rn list. */
static LsKind a32_multi(uint32_t w, LsInsn *d)
{
    d->user_regs = bit(w, 22); /* user-bank / exception-return forms */
    d->before = bit(w, 24);
    d->inc = bit(w, 23);
    d->wback = bit(w, 21);
    d->load = bit(w, 20);
    d->rn = (int)bits(w, 19, 16);
    d->list = (uint16_t)bits(w, 15, 0);
    return LS_MULTI;
}

static LsKind decode_a32(uint32_t w, LsInsn *d)
{
    switch (bits(w, 27, 25)) {
    case 0:
        if (!bit(w, 7) || !bit(w, 4))
            return LS_BAD;
        if (bits(w, 6, 5) != 0)
            return a32_extra(w, d);
        if (bits(w, 27, 24) == 1)
            return a32_sync(w, d);
        return LS_BAD;
    case 2:
    case 3:
        return a32_word_byte(w, d);
    case 4:
        return a32_multi(w, d);
    default:
        return LS_BAD;
    }
}

/* --- T32 16-bit decoding ----------------------------------------------- */

static LsKind t16_single(LsInsn *d, bool load, unsigned size, int rt, int rn, uint32_t imm)
{
    d->load = load;
    d->size = size;
    d->rt = rt;
    d->rn = rn;
    d->imm = imm;
    d->add = true;
    d->index = true;
    return LS_SINGLE;
}

static LsKind t16_multi(LsInsn *d, bool load, int rn, uint16_t list, bool inc, bool wback)
{
    d->load = load;
    d->rn = rn;
    d->list = list;
    d->inc = inc;
    d->before = !inc;
    d->wback = wback;
    return LS_MULTI;
}

static LsKind decode_t16(uint32_t h, LsInsn *d)
{
    int rt = (int)bits(h, 2, 0), rn = (int)bits(h, 5, 3);
    unsigned imm5 = bits(h, 10, 6);
    switch (bits(h, 15, 11)) {
    case 0x09: /* LDR (literal) */
        return t16_single(d, true, 4, (int)bits(h, 10, 8), 15, bits(h, 7, 0) << 2);
    case 0x0a:
    case 0x0b: { /* register offset: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH */
        static const uint8_t sizes[8] = {4, 2, 1, 1, 4, 2, 1, 2};
        unsigned op = bits(h, 11, 9);
        t16_single(d, op >= 3, sizes[op], rt, rn, 0);
        d->sign = op == 3 || op == 7;
        d->rm = (int)bits(h, 8, 6);
        return LS_SINGLE;
    }
    case 0x0c: return t16_single(d, false, 4, rt, rn, imm5 << 2);
    case 0x0d: return t16_single(d, true, 4, rt, rn, imm5 << 2);
    case 0x0e: return t16_single(d, false, 1, rt, rn, imm5);
    case 0x0f: return t16_single(d, true, 1, rt, rn, imm5);
    case 0x10: return t16_single(d, false, 2, rt, rn, imm5 << 1);
    case 0x11: return t16_single(d, true, 2, rt, rn, imm5 << 1);
    case 0x12: return t16_single(d, false, 4, (int)bits(h, 10, 8), 13, bits(h, 7, 0) << 2);
    case 0x13: return t16_single(d, true, 4, (int)bits(h, 10, 8), 13, bits(h, 7, 0) << 2);
    case 0x16:
    case 0x17:
        if ((h & 0xfe00) == 0xb400) /* PUSH: STMDB sp!, list + lr */
            return t16_multi(d, false, 13, (uint16_t)(bits(h, 7, 0) | bit(h, 8) << 14), false, true);
        if ((h & 0xfe00) == 0xbc00) /* POP: LDMIA sp!, list + pc */
            return t16_multi(d, true, 13, (uint16_t)(bits(h, 7, 0) | bit(h, 8) << 15), true, true);
        return LS_BAD;
    case 0x18: /* STMIA rn!, list */
        return t16_multi(d, false, (int)bits(h, 10, 8), (uint16_t)bits(h, 7, 0), true, true);
    case 0x19: { /* LDMIA rn{!}, list: writeback unless rn is in the list */
        int n = (int)bits(h, 10, 8);
        uint16_t list = (uint16_t)bits(h, 7, 0);
        return t16_multi(d, true, n, list, true, !(list >> n & 1));
    }
    default:
        return LS_BAD;
    }
}

/* --- T32 32-bit decoding ----------------------------------------------- */

/* LDM, STM: 1110 100 op 0 W L Rn | P M (0) list.  An sp in the list
 * (UNPREDICTABLE) is simply loaded or stored. */
static LsKind t32_multi(uint32_t hw1, uint32_t hw2, LsInsn *d)
{
    unsigned op = bits(hw1, 8, 7);
    if (op == 0 || op == 3)
        return LS_BAD; /* SRS, RFE */
    d->inc = op == 1;
    d->before = op == 2;
    d->wback = bit(hw1, 5);
    d->load = bit(hw1, 4);
    d->rn = (int)bits(hw1, 3, 0);
    d->list = (uint16_t)hw2;
    return LS_MULTI;
}

/* Load/store dual, exclusive, table branch: 1110 100 P U 1 W L Rn. */
static LsKind t32_dual_excl(uint32_t hw1, uint32_t hw2, LsInsn *d)
{
    unsigned op1 = bits(hw1, 8, 7), op2 = bits(hw1, 5, 4);
    d->rn = (int)bits(hw1, 3, 0);
    d->rt = (int)bits(hw2, 15, 12);
    if (op1 == 0 && op2 <= 1) { /* STREX, LDREX: [Rn, #imm8 << 2] */
        d->load = op2 == 1;
        d->size = 4;
        d->imm = bits(hw2, 7, 0) << 2;
        if (d->load)
            return bits(hw2, 11, 8) == 0xf ? LS_LDREX : LS_UNPRED;
        d->rd = (int)bits(hw2, 11, 8);
        return LS_STREX;
    }
    if (op1 == 1 && op2 <= 1) { /* STREX{B,H,D}, LDREX{B,H,D}, TBB, TBH */
        static const uint8_t sizes[4] = {1, 2, 0, 8};
        unsigned op3 = bits(hw2, 7, 4);
        if (op3 < 4 || op3 == 6)
            return LS_BAD;
        d->load = op2 == 1;
        d->size = sizes[op3 - 4];
        if (d->size == 8)
            d->rt2 = (int)bits(hw2, 11, 8);
        else if (bits(hw2, 11, 8) != 0xf)
            return LS_UNPRED;
        if (d->load)
            return bits(hw2, 3, 0) == 0xf ? LS_LDREX : LS_UNPRED;
        d->rd = (int)bits(hw2, 3, 0);
        return LS_STREX;
    }
    /* LDRD, STRD (immediate, literal): imm8 << 2 */
    d->index = bit(hw1, 8);
    d->add = bit(hw1, 7);
    d->wback = bit(hw1, 5);
    d->load = bit(hw1, 4);
    d->size = 4;
    d->rt2 = (int)bits(hw2, 11, 8);
    d->imm = bits(hw2, 7, 0) << 2;
    return LS_DUAL;
}

/* Single loads and stores: 1111 100 S U' size L Rn | Rt ... */
static LsKind t32_single(uint32_t hw1, uint32_t hw2, LsInsn *d)
{
    unsigned size = bits(hw1, 6, 5);
    d->sign = bit(hw1, 8);
    d->load = bit(hw1, 4);
    d->rn = (int)bits(hw1, 3, 0);
    d->rt = (int)bits(hw2, 15, 12);
    if (size == 3 || (d->sign && (size == 2 || !d->load)))
        return LS_BAD;
    d->size = 1u << size;
    d->index = true;
    if (d->rn == 15 || bit(hw1, 7)) { /* literal (U in hw1[7]) or [Rn, #imm12] */
        if (d->rn == 15 && !d->load)
            return LS_BAD;
        d->add = d->rn != 15 || bit(hw1, 7);
        d->imm = bits(hw2, 11, 0);
    } else if (bit(hw2, 11)) { /* imm8 with P U W in hw2[10:8]; 1110 = unprivileged */
        d->index = bit(hw2, 10);
        d->add = bit(hw2, 9);
        d->wback = bit(hw2, 8);
        d->imm = bits(hw2, 7, 0);
        if (!d->index && !d->wback)
            return LS_BAD;
    } else if (bits(hw2, 11, 6) == 0) { /* [Rn, Rm, LSL #imm2] */
        d->add = true;
        d->rm = (int)bits(hw2, 3, 0);
        d->amount = bits(hw2, 5, 4);
    } else {
        return LS_BAD;
    }
    return LS_SINGLE;
}

static LsKind decode_t32(uint32_t raw, LsInsn *d)
{
    uint32_t hw1 = raw >> 16, hw2 = raw & 0xffff;
    if ((hw1 & 0xfe40) == 0xe800)
        return t32_multi(hw1, hw2, d);
    if ((hw1 & 0xfe40) == 0xe840)
        return t32_dual_excl(hw1, hw2, d);
    if ((hw1 & 0xfe00) == 0xf800)
        return t32_single(hw1, hw2, d);
    return LS_BAD;
}

/* UNPREDICTABLE register choices that scion does not try to imitate.
 * (A loaded register that is also the written-back base is accepted: the
 * loaded value wins.) */
static LsKind ls_check(const LsInsn *d)
{
    switch (d->kind) {
    case LS_SINGLE:
        if ((d->wback && d->rn == 15) || (d->load && d->rt == 15 && d->size != 4))
            return LS_UNPRED;
        break;
    case LS_DUAL:
        if (d->rt == 15 || d->rt2 == 15 || (d->wback && d->rn == 15))
            return LS_UNPRED;
        break;
    case LS_MULTI:
        if (d->list == 0 || d->rn == 15)
            return LS_UNPRED;
        break;
    case LS_SWP:
        if (d->rt == 15 || d->rt2 == 15 || d->rn == 15 || d->rn == d->rt || d->rn == d->rt2)
            return LS_UNPRED;
        break;
    case LS_LDREX:
    case LS_STREX:
        if (d->rt == 15 || d->rt2 == 15 || d->rn == 15 || d->rd == 15)
            return LS_UNPRED;
        break;
    default:
        break;
    }
    return d->kind;
}

static LsKind ls_decode(const LowerCtx *ctx, LsInsn *d)
{
    memset(d, 0, sizeof *d);
    d->rm = -1;
    d->rt2 = -1;
    d->rd = -1;
    d->shift = ARM_SFT_LSL;
    if (!ctx->thumb)
        d->kind = decode_a32(ctx->insn->raw, d);
    else if (ctx->insn->size == 2)
        d->kind = decode_t16(ctx->insn->raw, d);
    else
        d->kind = decode_t32(ctx->insn->raw, d);
    d->kind = ls_check(d);
    return d->kind;
}

/* --- lowering ---------------------------------------------------------- */

static bool is_unprivileged(unsigned id)
{
    switch (id) {
    case ARM_INS_LDRT: case ARM_INS_LDRBT: case ARM_INS_LDRHT: case ARM_INS_LDRSBT: case ARM_INS_LDRSHT:
    case ARM_INS_STRT: case ARM_INS_STRBT: case ARM_INS_STRHT:
        return true;
    default:
        return false;
    }
}

/* IR access flags of LDR/STR and their forms (see ir_load_al). */
static unsigned single_flags(const LowerCtx *ctx, const LsInsn *d)
{
    return lower_amask(ctx, 0, d->size) | (is_unprivileged(ctx->insn->id) ? IR_MEM_UNPRIV : 0);
}

static IrOp load_op(unsigned size, bool sign)
{
    switch (size) {
    case 1: return sign ? IR_LD8S : IR_LD8U;
    case 2: return sign ? IR_LD16S : IR_LD16U;
    default: return IR_LD32;
    }
}

static IrOp store_op(unsigned size)
{
    return size == 1 ? IR_ST8 : size == 2 ? IR_ST16 : IR_ST32;
}

static IrTemp add_imm(LowerCtx *ctx, IrTemp v, uint32_t imm)
{
    return imm ? ir_op2(ctx->ir, IR_ADD, v, ir_movi(ctx->ir, imm)) : v;
}

/* The access address of a single or dual access; *offaddr receives the
 * offset address (the writeback value).  A base of r15 is Align(PC, 4), so
 * a literal address is a constant. */
static IrTemp ls_address(LowerCtx *ctx, const LsInsn *d, IrTemp *offaddr)
{
    IrBlock *b = ctx->ir;
    if (d->rm < 0) {
        uint32_t off = d->add ? d->imm : 0u - d->imm;
        if (d->rn == 15) {
            uint32_t pc = (ctx->pc + (ctx->thumb ? 4 : 8)) & ~3u;
            *offaddr = ir_movi(b, pc + off);
            return d->index ? *offaddr : ir_movi(b, pc);
        }
        IrTemp base = lower_read_reg(ctx, d->rn);
        *offaddr = add_imm(ctx, base, off);
        return d->index ? *offaddr : base;
    }
    IrTemp base = d->rn == 15 ? lower_read_pc_aligned(ctx) : lower_read_reg(ctx, d->rn);
    IrTemp off = lower_shift_imm(ctx, lower_read_reg(ctx, d->rm), d->shift, d->amount, NULL);
    *offaddr = ir_op2(b, d->add ? IR_ADD : IR_SUB, base, off);
    return d->index ? *offaddr : base;
}

/* ARMv4T (ARM7TDMI) ignores the low address bits of halfword and word
 * accesses: a load returns the aligned unit rotated right by 8 times the
 * dropped bits, so the addressed byte lands in bits 7:0 (LDRSH from an odd
 * address: the addressed byte, sign-extended); a store writes the aligned
 * unit.  Later architectures make these accesses unaligned or UNPREDICTABLE. */
static IrTemp v4t_aligned(LowerCtx *ctx, IrTemp addr, unsigned size)
{
    return size == 1 ? addr : ir_op2(ctx->ir, IR_AND, addr, ir_movi(ctx->ir, ~(size - 1)));
}

static IrTemp v4t_load(LowerCtx *ctx, unsigned size, bool sign, IrTemp addr, unsigned flags)
{
    IrBlock *b = ctx->ir;
    IrTemp v = ir_load_al(b, load_op(size, sign), v4t_aligned(ctx, addr, size), flags);
    if (size == 1)
        return v;
    IrTemp rot = ir_op2(b, IR_SHL, ir_op2(b, IR_AND, addr, ir_movi(b, size - 1)), ir_movi(b, 3));
    return ir_op2(b, sign ? IR_ASHR : IR_ROR, v, rot);
}

/* A register as a store's data: r15 reads as the instruction + 12 on ARMv4T
 * in ARM state (IMPLEMENTATION DEFINED + 8 or + 12; the ARM7TDMI gives 12). */
static IrTemp store_data(LowerCtx *ctx, int reg)
{
    if (reg == 15 && ctx->v4t && !ctx->thumb)
        return ir_movi(ctx->ir, ctx->pc + 12);
    return lower_read_reg(ctx, reg);
}

static IrTemp load_single(LowerCtx *ctx, const LsInsn *d, IrTemp addr)
{
    if (ctx->v4t)
        return v4t_load(ctx, d->size, d->sign, addr, single_flags(ctx, d));
    return ir_load_al(ctx->ir, load_op(d->size, d->sign), addr, single_flags(ctx, d));
}

static void store_single(LowerCtx *ctx, const LsInsn *d, IrTemp addr, IrTemp v)
{
    if (ctx->v4t)
        addr = v4t_aligned(ctx, addr, d->size);
    ir_store_al(ctx->ir, store_op(d->size), addr, v, single_flags(ctx, d));
}

static bool emit_single(LowerCtx *ctx, const LsInsn *d)
{
    IrTemp offaddr, addr = ls_address(ctx, d, &offaddr);
    IrTemp val = IR_NO_TEMP;
    if (d->load)
        val = load_single(ctx, d, addr);
    else
        store_single(ctx, d, addr, store_data(ctx, d->rt));
    if (d->wback)
        lower_write_reg(ctx, d->rn, offaddr);
    if (d->load)
        lower_write_reg_load(ctx, d->rt, val);
    return true;
}

static bool emit_dual(LowerCtx *ctx, const LsInsn *d)
{
    IrBlock *b = ctx->ir;
    IrTemp offaddr, addr = ls_address(ctx, d, &offaddr);
    IrTemp addr2 = add_imm(ctx, addr, 4);
    if (d->load) {
        IrTemp lo = ir_load_al(b, IR_LD32, addr, 3); /* LDRD/STRD: word aligned */
        IrTemp hi = ir_load_al(b, IR_LD32, addr2, 3);
        if (d->wback)
            lower_write_reg(ctx, d->rn, offaddr);
        lower_write_reg(ctx, d->rt, lo);
        lower_write_reg(ctx, d->rt2, hi);
    } else {
        IrTemp lo = lower_read_reg(ctx, d->rt);
        IrTemp hi = lower_read_reg(ctx, d->rt2);
        ir_store_al(b, IR_ST32, addr, lo, 3);
        ir_store_al(b, IR_ST32, addr2, hi, 3);
        if (d->wback)
            lower_write_reg(ctx, d->rn, offaddr);
    }
    return true;
}

/* Register i as seen by LDM/STM: the User mode bank for the ^ forms. */
static IrTemp multi_read(LowerCtx *ctx, const LsInsn *d, int i)
{
    if (!d->user_regs || i < 8)
        return lower_read_reg(ctx, i);
    IrBlock *b = ctx->ir;
    return ir_op1(b, IR_LO32, ir_call(b, HELPER_banked_read, ir_movi(b, ARM_MODE_USR), ir_movi(b, (uint32_t)i),
                                      IR_NO_TEMP));
}

static void multi_write(LowerCtx *ctx, const LsInsn *d, int i, IrTemp v)
{
    bool exc_return = d->list >> 15 & 1;
    if (!d->user_regs || exc_return || i < 8) {
        lower_write_reg(ctx, i, v);
        return;
    }
    IrBlock *b = ctx->ir;
    ir_call(b, HELPER_banked_write, ir_movi(b, ARM_MODE_USR), ir_movi(b, (uint32_t)i), v);
}

/* The final base of LDM/STM with writeback. */
static IrTemp multi_new_base(LowerCtx *ctx, const LsInsn *d, IrTemp base)
{
    unsigned n = (unsigned)__builtin_popcount(d->list);
    return d->inc ? add_imm(ctx, base, 4 * n) : ir_op2(ctx->ir, IR_SUB, base, ir_movi(ctx->ir, 4 * n));
}

/* STM with the base in the list stores the original base (ARMv7: only
 * defined when it is the lowest register).  The ARM7TDMI writes the base
 * back after the first transfer, so a later slot sees the new base. */
static IrTemp stm_base_value(LowerCtx *ctx, const LsInsn *d, IrTemp base)
{
    bool lowest = (d->list & ((1u << d->rn) - 1)) == 0;
    if (!ctx->v4t || !d->wback || lowest)
        return base;
    return multi_new_base(ctx, d, base);
}

static bool emit_multi(LowerCtx *ctx, const LsInsn *d)
{
    IrBlock *b = ctx->ir;
    unsigned n = (unsigned)__builtin_popcount(d->list);
    IrTemp base = lower_read_reg(ctx, d->rn);
    IrTemp low = d->inc ? base : ir_op2(b, IR_SUB, base, ir_movi(b, 4 * n));
    IrTemp start = add_imm(ctx, low, d->inc == d->before ? 4 : 0); /* IB, DA */
    IrTemp vals[16];
    unsigned k = 0;
    for (int i = 0; i < 16; i++) {
        if (!(d->list >> i & 1))
            continue;
        IrTemp addr = add_imm(ctx, start, 4 * k++);
        if (d->load) {
            vals[i] = ir_load_al(b, IR_LD32, addr, 3); /* LDM/STM: word aligned */
        } else {
            IrTemp v = i == d->rn ? stm_base_value(ctx, d, base) : i == 15 ? store_data(ctx, 15) : multi_read(ctx, d, i);
            ir_store_al(b, IR_ST32, addr, v, 3);
        }
    }
    if (d->wback)
        lower_write_reg(ctx, d->rn, multi_new_base(ctx, d, base));
    if (!d->load)
        return true;
    for (int i = 0; i < 15; i++)
        if (d->list >> i & 1)
            multi_write(ctx, d, i, vals[i]);
    if ((d->list >> 15 & 1) && d->user_regs)
        lower_exception_return(ctx, vals[15]);
    else if (d->list >> 15 & 1)
        lower_write_reg_load(ctx, 15, vals[15]);
    return true;
}

/* SWP, SWPB (ARMv4T): load then store at [Rn], as one bus-locked access. */
static bool emit_swp(LowerCtx *ctx, const LsInsn *d)
{
    IrTemp addr = lower_read_reg(ctx, d->rn);
    IrTemp old = v4t_load(ctx, d->size, false, addr, 0);
    ir_store_al(ctx->ir, store_op(d->size), v4t_aligned(ctx, addr, d->size), lower_read_reg(ctx, d->rt2), 0);
    lower_write_reg(ctx, d->rt, old);
    return true;
}

static bool emit_ldrex(LowerCtx *ctx, const LsInsn *d)
{
    IrBlock *b = ctx->ir;
    IrTemp addr = add_imm(ctx, lower_read_reg(ctx, d->rn), d->imm);
    IrTemp lo, hi = IR_NO_TEMP;
    if (d->size == 8) {
        IrTemp v = ir_load_al(b, IR_LD64, addr, 7); /* exclusives: naturally aligned */
        lo = ir_op1(b, IR_LO32, v);
        hi = ir_op1(b, IR_HI32, v);
    } else {
        lo = ir_load_al(b, load_op(d->size, false), addr, d->size - 1);
    }
    ir_call(b, HELPER_ldrex_mark, addr, ir_movi(b, d->size), IR_NO_TEMP);
    lower_write_reg(ctx, d->rt, lo);
    if (d->size == 8)
        lower_write_reg(ctx, d->rt2, hi);
    return true;
}

static bool emit_strex(LowerCtx *ctx, const LsInsn *d)
{
    IrBlock *b = ctx->ir;
    IrTemp addr = add_imm(ctx, lower_read_reg(ctx, d->rn), d->imm);
    IrTemp v = lower_read_reg(ctx, d->rt);
    IrTemp status;
    switch (d->size) {
    case 1: status = ir_call(b, HELPER_strex8, addr, v, IR_NO_TEMP); break;
    case 2: status = ir_call(b, HELPER_strex16, addr, v, IR_NO_TEMP); break;
    case 4: status = ir_call(b, HELPER_strex32, addr, v, IR_NO_TEMP); break;
    default: status = ir_call(b, HELPER_strexd, addr, v, lower_read_reg(ctx, d->rt2)); break;
    }
    lower_write_reg(ctx, d->rd, ir_op1(b, IR_LO32, status));
    return true;
}

/* --- translate functions ----------------------------------------------- */

/* Decode the raw encoding and lower it if it is one of the kinds (a bit
 * mask) that the Capstone id promised. */
static bool lower_kinds(LowerCtx *ctx, unsigned kinds)
{
    LsInsn d;
    LsKind k = ls_decode(ctx, &d);
    if (k == LS_MULTI && d.user_regs && !ctx->system)
        k = LS_UNPRED; /* UNPREDICTABLE in User mode */
    if (k == LS_UNPRED) {
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
        return true;
    }
    if (!(kinds >> k & 1))
        return false;
    switch (k) {
    case LS_SINGLE: return emit_single(ctx, &d);
    case LS_DUAL: return emit_dual(ctx, &d);
    case LS_MULTI: return emit_multi(ctx, &d);
    case LS_LDREX: return emit_ldrex(ctx, &d);
    case LS_STREX: return emit_strex(ctx, &d);
    default: /* SWP, SWPB: ARMv4T only (a Cortex-A15 has SCTLR.SW clear) */
        return ctx->v4t ? emit_swp(ctx, &d) : lower_unimplemented(ctx);
    }
}

#define KIND(k) (1u << (k))

static bool trans_single(LowerCtx *ctx) { return lower_kinds(ctx, KIND(LS_SINGLE)); }
static bool trans_dual(LowerCtx *ctx) { return lower_kinds(ctx, KIND(LS_DUAL)); }
static bool trans_multi(LowerCtx *ctx) { return lower_kinds(ctx, KIND(LS_MULTI)); }
/* Capstone names A32 LDR rt, [sp], #4 "pop" as well as the list forms. */
static bool trans_push_pop(LowerCtx *ctx) { return lower_kinds(ctx, KIND(LS_SINGLE) | KIND(LS_MULTI)); }
static bool trans_ldrex(LowerCtx *ctx) { return lower_kinds(ctx, KIND(LS_LDREX)); }
static bool trans_strex(LowerCtx *ctx) { return lower_kinds(ctx, KIND(LS_STREX)); }
/* SWP and SWPB: deprecated, and absent from ARMv7 Linux user code. */
static bool trans_swp(LowerCtx *ctx) { return lower_kinds(ctx, KIND(LS_SWP)); }

FAMILY_TABLE(loadstore,
    {ARM_INS_LDR, trans_single}, {ARM_INS_LDRB, trans_single}, {ARM_INS_LDRH, trans_single},
    {ARM_INS_LDRSB, trans_single}, {ARM_INS_LDRSH, trans_single},
    {ARM_INS_STR, trans_single}, {ARM_INS_STRB, trans_single}, {ARM_INS_STRH, trans_single},
    {ARM_INS_LDRT, trans_single}, {ARM_INS_LDRBT, trans_single}, {ARM_INS_LDRHT, trans_single},
    {ARM_INS_LDRSBT, trans_single}, {ARM_INS_LDRSHT, trans_single},
    {ARM_INS_STRT, trans_single}, {ARM_INS_STRBT, trans_single}, {ARM_INS_STRHT, trans_single},
    {ARM_INS_LDRD, trans_dual}, {ARM_INS_STRD, trans_dual},
    {ARM_INS_LDM, trans_multi}, {ARM_INS_LDMIB, trans_multi}, {ARM_INS_LDMDA, trans_multi},
    {ARM_INS_LDMDB, trans_multi},
    {ARM_INS_STM, trans_multi}, {ARM_INS_STMIB, trans_multi}, {ARM_INS_STMDA, trans_multi},
    {ARM_INS_STMDB, trans_multi},
    {ARM_INS_PUSH, trans_push_pop}, {ARM_INS_POP, trans_push_pop},
    {ARM_INS_LDREX, trans_ldrex}, {ARM_INS_LDREXB, trans_ldrex}, {ARM_INS_LDREXH, trans_ldrex},
    {ARM_INS_LDREXD, trans_ldrex},
    {ARM_INS_STREX, trans_strex}, {ARM_INS_STREXB, trans_strex}, {ARM_INS_STREXH, trans_strex},
    {ARM_INS_STREXD, trans_strex},
    {ARM_INS_SWP, trans_swp}, {ARM_INS_SWPB, trans_swp});
