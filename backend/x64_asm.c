/* x86-64 instruction encoding (Intel SDM volume 2 opcode tables). */
#include "backend/x64_asm.h"

#include <string.h>

static bool fits_i8(int64_t v)
{
    return v >= -128 && v <= 127;
}

enum { BYTE_REG = 1, BYTE_RM = 2 };

/* Operand-size prefix and REX.  bytes (BYTE_REG, BYTE_RM): which register
 * operands are byte registers, where numbers 4-7 mean spl..dil only with a
 * REX prefix (ah..bh without). */
static void prefix(X64Buf *b, bool op16, bool w, unsigned reg, unsigned index, unsigned base, unsigned bytes)
{
    if (op16)
        x64_byte(b, 0x66);
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | (reg & 8) >> 1 | (index & 8) >> 2 | (base & 8) >> 3);
    bool low_byte_reg = ((bytes & BYTE_REG) && reg >= 4 && reg < 8) || ((bytes & BYTE_RM) && base >= 4 && base < 8);
    if (rex != 0x40 || low_byte_reg)
        x64_byte(b, rex);
}

/* ModRM (+ SIB, displacement) for [base + disp]. */
static void modrm_mem(X64Buf *b, unsigned reg, unsigned base, int32_t disp)
{
    unsigned mod = (disp == 0 && (base & 7) != 5) ? 0 : fits_i8(disp) ? 1 : 2;
    x64_byte(b, (uint8_t)(mod << 6 | (reg & 7) << 3 | (base & 7)));
    if ((base & 7) == 4)
        x64_byte(b, 0x24); /* SIB: no index, base rsp/r12 */
    if (mod == 1)
        x64_byte(b, (uint8_t)disp);
    else if (mod == 2)
        x64_u32(b, (uint32_t)disp);
}

/* ModRM + SIB for [base + index * scale + disp] (index is never rsp). */
static void modrm_sib(X64Buf *b, unsigned reg, unsigned base, unsigned index, unsigned scale, int32_t disp)
{
    unsigned mod = (disp == 0 && (base & 7) != 5) ? 0 : fits_i8(disp) ? 1 : 2;
    unsigned ss = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
    x64_byte(b, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
    x64_byte(b, (uint8_t)(ss << 6 | (index & 7) << 3 | (base & 7)));
    if (mod == 1)
        x64_byte(b, (uint8_t)disp);
    else if (mod == 2)
        x64_u32(b, (uint32_t)disp);
}

/* ModRM + SIB for [index * scale + disp32] with no base register: an
 * absolute address (a table in the low 2 GiB), indexed. */
static void modrm_abs_idx(X64Buf *b, unsigned reg, unsigned index, unsigned scale, int32_t disp)
{
    unsigned ss = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
    x64_byte(b, (uint8_t)((reg & 7) << 3 | 4));
    x64_byte(b, (uint8_t)(ss << 6 | (index & 7) << 3 | 5));
    x64_u32(b, (uint32_t)disp);
}

static void modrm_rr(X64Buf *b, unsigned reg, unsigned rm)
{
    x64_byte(b, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* The opcode bytes of a load of the given width, zero- or sign-extending. */
static size_t load_opcode(unsigned width, bool sign, uint8_t op[2], bool *w)
{
    *w = width == 8 || (width == 4 && sign);
    if (width >= 4) {
        op[0] = (width == 4 && sign) ? 0x63 : 0x8b;
        return 1;
    }
    op[0] = 0x0f;
    op[1] = (uint8_t)((sign ? 0xbe : 0xb6) + (width == 2));
    return 2;
}

static void emit_load(X64Buf *b, unsigned width, bool sign, X64Reg reg, X64Reg base, int32_t disp)
{
    uint8_t op[2];
    bool w;
    size_t n = load_opcode(width, sign, op, &w);
    prefix(b, false, w, reg, 0, base, 0);
    for (size_t i = 0; i < n; i++)
        x64_byte(b, op[i]);
    modrm_mem(b, reg, base, disp);
}

void x64_load(X64Buf *b, unsigned width, X64Reg reg, X64Reg base, int32_t disp)
{
    emit_load(b, width, false, reg, base, disp);
}

void x64_load_sx(X64Buf *b, unsigned width, X64Reg reg, X64Reg base, int32_t disp)
{
    emit_load(b, width, true, reg, base, disp);
}

void x64_load_idx(X64Buf *b, unsigned width, bool sign, X64Reg reg, X64Reg base, X64Reg index, int32_t disp)
{
    uint8_t op[2];
    bool w;
    size_t n = load_opcode(width, sign, op, &w);
    prefix(b, false, w, reg, index, base, 0);
    for (size_t i = 0; i < n; i++)
        x64_byte(b, op[i]);
    modrm_sib(b, reg, base, index, 1, disp);
}

/* The gs segment override and the 32-bit address size: the address is
 * base + index * scale + disp modulo 2^32, then gs's base is added. */
static void guest_prefixes(X64Buf *b)
{
    x64_byte(b, 0x65);
    x64_byte(b, 0x67);
}

void x64_load_gs(X64Buf *b, unsigned width, bool sign, X64Reg reg, X64Reg base, X64Reg index, unsigned scale,
                 int32_t disp)
{
    uint8_t op[2];
    bool w;
    size_t n = load_opcode(width, sign, op, &w);
    guest_prefixes(b);
    prefix(b, false, w, reg, index, base, 0);
    for (size_t i = 0; i < n; i++)
        x64_byte(b, op[i]);
    modrm_sib(b, reg, base, index, scale, disp);
}

/* ModRM + SIB for [disp32] alone: no base, no index (mod 00 with rm 101
 * would be rip-relative). */
static void modrm_abs(X64Buf *b, unsigned reg, int32_t disp)
{
    x64_byte(b, (uint8_t)((reg & 7) << 3 | 4));
    x64_byte(b, 0x25);
    x64_u32(b, (uint32_t)disp);
}

void x64_load_gs_abs(X64Buf *b, unsigned width, bool sign, X64Reg reg, int32_t disp)
{
    uint8_t op[2];
    bool w;
    size_t n = load_opcode(width, sign, op, &w);
    guest_prefixes(b);
    prefix(b, false, w, reg, 0, 0, 0);
    for (size_t i = 0; i < n; i++)
        x64_byte(b, op[i]);
    modrm_abs(b, reg, disp);
}

static void store_opcode(X64Buf *b, unsigned width, unsigned reg, unsigned index, unsigned base)
{
    prefix(b, width == 2, width == 8, reg, index, base, width == 1 ? BYTE_REG : 0);
    x64_byte(b, width == 1 ? 0x88 : 0x89);
}

void x64_store(X64Buf *b, unsigned width, X64Reg base, int32_t disp, X64Reg reg)
{
    store_opcode(b, width, reg, 0, base);
    modrm_mem(b, reg, base, disp);
}

void x64_store_idx(X64Buf *b, unsigned width, X64Reg base, X64Reg index, int32_t disp, X64Reg reg)
{
    store_opcode(b, width, reg, index, base);
    modrm_sib(b, reg, base, index, 1, disp);
}

void x64_store_gs(X64Buf *b, unsigned width, X64Reg base, X64Reg index, unsigned scale, int32_t disp, X64Reg reg)
{
    guest_prefixes(b);
    store_opcode(b, width, reg, index, base);
    modrm_sib(b, reg, base, index, scale, disp);
}

void x64_store_gs_abs(X64Buf *b, unsigned width, int32_t disp, X64Reg reg)
{
    guest_prefixes(b);
    store_opcode(b, width, reg, 0, 0);
    modrm_abs(b, reg, disp);
}

void x64_store_imm(X64Buf *b, unsigned width, X64Reg base, int32_t disp, uint32_t imm)
{
    prefix(b, false, width == 8, 0, 0, base, 0);
    x64_byte(b, 0xc7);
    modrm_mem(b, 0, base, disp);
    x64_u32(b, imm);
}

void x64_mov_imm(X64Buf *b, X64Reg reg, uint64_t imm)
{
    if (imm <= 0xffffffffu) { /* mov r32, imm32 zero-extends */
        prefix(b, false, false, 0, 0, reg, 0);
        x64_byte(b, (uint8_t)(0xb8 + (reg & 7)));
        x64_u32(b, (uint32_t)imm);
    } else if ((int64_t)imm == (int32_t)imm) { /* mov r/m64, simm32 */
        prefix(b, false, true, 0, 0, reg, 0);
        x64_byte(b, 0xc7);
        modrm_rr(b, 0, reg);
        x64_u32(b, (uint32_t)imm);
    } else {
        prefix(b, false, true, 0, 0, reg, 0);
        x64_byte(b, (uint8_t)(0xb8 + (reg & 7)));
        x64_u32(b, (uint32_t)imm);
        x64_u32(b, (uint32_t)(imm >> 32));
    }
}

void x64_mov_rr(X64Buf *b, unsigned width, X64Reg dst, X64Reg src)
{
    prefix(b, false, width == 8, src, 0, dst, 0);
    x64_byte(b, 0x89);
    modrm_rr(b, src, dst);
}

void x64_alu_rr(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, X64Reg src)
{
    prefix(b, false, width == 8, src, 0, dst, 0);
    x64_byte(b, (uint8_t)(op << 3 | 1));
    modrm_rr(b, src, dst);
}

void x64_alu_rm(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, X64Reg base, int32_t disp)
{
    prefix(b, false, width == 8, dst, 0, base, 0);
    x64_byte(b, (uint8_t)(op << 3 | 3));
    modrm_mem(b, dst, base, disp);
}

void x64_alu_rm_abs_idx(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, X64Reg index, unsigned scale, int32_t disp)
{
    prefix(b, false, width == 8, dst, index, 0, 0);
    x64_byte(b, (uint8_t)(op << 3 | 3));
    modrm_abs_idx(b, dst, index, scale, disp);
}

void x64_alu_mem_imm8(X64Buf *b, unsigned width, X64Alu op, X64Reg base, int32_t disp, int8_t imm)
{
    prefix(b, false, width == 8, 0, 0, base, 0);
    x64_byte(b, 0x83);
    modrm_mem(b, (X64Reg)op, base, disp);
    x64_byte(b, (uint8_t)imm);
}

void x64_alu_imm(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, uint32_t imm)
{
    prefix(b, false, width == 8, 0, 0, dst, 0);
    bool short_form = fits_i8((int32_t)imm);
    x64_byte(b, short_form ? 0x83 : 0x81);
    modrm_rr(b, op, dst);
    if (short_form)
        x64_byte(b, (uint8_t)imm);
    else
        x64_u32(b, imm);
}

void x64_imul_rr(X64Buf *b, unsigned width, X64Reg dst, X64Reg src)
{
    prefix(b, false, width == 8, dst, 0, src, 0);
    x64_byte(b, 0x0f);
    x64_byte(b, 0xaf);
    modrm_rr(b, dst, src);
}

static void group3(X64Buf *b, unsigned width, unsigned digit, X64Reg reg)
{
    prefix(b, false, width == 8, 0, 0, reg, 0);
    x64_byte(b, 0xf7);
    modrm_rr(b, digit, reg);
}

void x64_not(X64Buf *b, unsigned width, X64Reg reg)
{
    group3(b, width, 2, reg);
}

void x64_neg(X64Buf *b, unsigned width, X64Reg reg)
{
    group3(b, width, 3, reg);
}

void x64_div(X64Buf *b, bool sign, X64Reg reg)
{
    group3(b, 4, sign ? 7 : 6, reg);
}

void x64_cdq(X64Buf *b)
{
    x64_byte(b, 0x99);
}

void x64_stc(X64Buf *b)
{
    x64_byte(b, 0xf9);
}

void x64_test_rr(X64Buf *b, unsigned width, X64Reg a, X64Reg c)
{
    prefix(b, false, width == 8, c, 0, a, 0);
    x64_byte(b, 0x85);
    modrm_rr(b, c, a);
}

void x64_shift_cl(X64Buf *b, unsigned width, X64Shift op, X64Reg reg)
{
    prefix(b, false, width == 8, 0, 0, reg, 0);
    x64_byte(b, 0xd3);
    modrm_rr(b, op, reg);
}

void x64_shift_imm(X64Buf *b, unsigned width, X64Shift op, X64Reg reg, uint8_t n)
{
    prefix(b, false, width == 8, 0, 0, reg, 0);
    x64_byte(b, 0xc1);
    modrm_rr(b, op, reg);
    x64_byte(b, n);
}

void x64_setcc_byte(X64Buf *b, X64Cond cc, X64Reg reg)
{
    prefix(b, false, false, 0, 0, reg, BYTE_RM);
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)(0x90 + cc));
    modrm_rr(b, 0, reg);
}

void x64_cmc(X64Buf *b)
{
    x64_byte(b, 0xf5);
}

void x64_setcc_mem(X64Buf *b, X64Cond cc, X64Reg base, int32_t disp)
{
    prefix(b, false, false, 0, 0, base, 0);
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)(0x90 + cc));
    modrm_mem(b, 0, base, disp);
}

void x64_setcc(X64Buf *b, X64Cond cc, X64Reg reg)
{
    x64_setcc_byte(b, cc, reg);
    x64_extend(b, 1, false, reg, reg);
}

void x64_cmov(X64Buf *b, unsigned width, X64Cond cc, X64Reg dst, X64Reg src)
{
    prefix(b, false, width == 8, dst, 0, src, 0);
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)(0x40 + cc));
    modrm_rr(b, dst, src);
}

void x64_bsr(X64Buf *b, X64Reg dst, X64Reg src)
{
    prefix(b, false, false, dst, 0, src, 0);
    x64_byte(b, 0x0f);
    x64_byte(b, 0xbd);
    modrm_rr(b, dst, src);
}

void x64_bswap(X64Buf *b, X64Reg reg)
{
    prefix(b, false, false, 0, 0, reg, 0);
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)(0xc8 + (reg & 7)));
}

void x64_extend(X64Buf *b, unsigned width, bool sign, X64Reg dst, X64Reg src)
{
    if (width == 4) { /* movsxd r64, r/m32 */
        prefix(b, false, true, dst, 0, src, 0);
        x64_byte(b, 0x63);
        modrm_rr(b, dst, src);
        return;
    }
    prefix(b, false, false, dst, 0, src, width == 1 ? BYTE_RM : 0);
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)((sign ? 0xbe : 0xb6) + (width == 2)));
    modrm_rr(b, dst, src);
}

void x64_lea(X64Buf *b, unsigned width, X64Reg dst, X64Reg base, X64Reg index, unsigned scale, int32_t disp)
{
    prefix(b, false, width == 8, dst, index, base, 0);
    x64_byte(b, 0x8d);
    modrm_sib(b, dst, base, index, scale, disp);
}

void x64_push(X64Buf *b, X64Reg reg)
{
    prefix(b, false, false, 0, 0, reg, 0);
    x64_byte(b, (uint8_t)(0x50 + (reg & 7)));
}

void x64_pop(X64Buf *b, X64Reg reg)
{
    prefix(b, false, false, 0, 0, reg, 0);
    x64_byte(b, (uint8_t)(0x58 + (reg & 7)));
}

void x64_call_reg(X64Buf *b, X64Reg reg)
{
    prefix(b, false, false, 0, 0, reg, 0);
    x64_byte(b, 0xff);
    modrm_rr(b, 2, reg);
}

void x64_jmp_reg(X64Buf *b, X64Reg reg)
{
    prefix(b, false, false, 0, 0, reg, 0);
    x64_byte(b, 0xff);
    modrm_rr(b, 4, reg);
}

void x64_jmp_mem_abs_idx(X64Buf *b, X64Reg index, unsigned scale, int32_t disp)
{
    prefix(b, false, false, 0, index, 0, 0);
    x64_byte(b, 0xff);
    modrm_abs_idx(b, 4, index, scale, disp);
}

void x64_ret(X64Buf *b)
{
    x64_byte(b, 0xc3);
}

size_t x64_jmp_fwd(X64Buf *b)
{
    x64_byte(b, 0xe9);
    size_t at = b->len;
    x64_u32(b, 0);
    return at;
}

size_t x64_jcc_fwd(X64Buf *b, X64Cond cc)
{
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)(0x80 + cc));
    size_t at = b->len;
    x64_u32(b, 0);
    return at;
}

void x64_patch_to(X64Buf *b, size_t rel32_at, size_t target)
{
    if (b->overflow || rel32_at + 4 > b->len)
        return;
    uint32_t rel = (uint32_t)(target - (rel32_at + 4));
    memcpy(b->p + rel32_at, &rel, 4);
}

void x64_patch(X64Buf *b, size_t rel32_at)
{
    x64_patch_to(b, rel32_at, b->len);
}
