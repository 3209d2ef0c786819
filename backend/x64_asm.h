/*
 * A small x86-64 assembler: the instruction forms the baseline code
 * generator (backend/baseline.c) needs, encoded from the Intel SDM's
 * tables into a growing byte buffer.
 *
 * Operands are registers (X64_RAX..X64_R15) and memory [base + disp] or
 * [base + index]; every encoder takes a width (4 or 8 bytes; 1 and 2 for
 * the sub-word moves) so 32-bit guest values stay 32-bit and zero-extend
 * into their 64-bit register, as x86-64 does for every 32-bit write.
 *
 *   X64Buf b = {.p = mem, .cap = size};
 *   x64_load(&b, 4, X64_RAX, X64_RSP, 16);        // mov eax, [rsp+16]
 *   x64_alu_rm(&b, 4, X64_ADD, X64_RAX, X64_RBX, 8); // add eax, [rbx+8]
 *   x64_ret(&b);
 *
 * Writing past cap sets b.overflow and writes nothing more, so callers test
 * once at the end.
 */
#ifndef SCION_X64_ASM_H
#define SCION_X64_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum X64Reg {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
} X64Reg;

/* The ALU group: its /digit in the 0x81 immediate form, and (digit << 3 | 3)
 * is the "op reg, r/m" opcode. */
typedef enum X64Alu {
    X64_ADD = 0, X64_OR = 1, X64_ADC = 2, X64_SBB = 3, X64_AND = 4, X64_SUB = 5, X64_XOR = 6, X64_CMP = 7
} X64Alu;

/* Shift group /digit (0xD3 by cl, 0xC1 by imm8). */
typedef enum X64Shift { X64_ROR = 1, X64_SHL = 4, X64_SHR = 5, X64_SAR = 7 } X64Shift;

/* Condition codes (the low nibble of Jcc, SETcc, CMOVcc). */
typedef enum X64Cond {
    X64_CC_O = 0x0, X64_CC_B = 0x2, X64_CC_AE = 0x3, X64_CC_E = 0x4, X64_CC_NE = 0x5, X64_CC_BE = 0x6, X64_CC_A = 0x7,
    X64_CC_S = 0x8, X64_CC_L = 0xc, X64_CC_GE = 0xd, X64_CC_LE = 0xe, X64_CC_G = 0xf,
} X64Cond;

typedef struct X64Buf {
    uint8_t *p;
    size_t len, cap;
    bool overflow;
} X64Buf;

/* Inline: every byte of generated code goes through these. */
static inline void x64_byte(X64Buf *b, uint8_t v)
{
    if (b->len >= b->cap) {
        b->overflow = true;
        return;
    }
    b->p[b->len++] = v;
}

static inline void x64_u32(X64Buf *b, uint32_t v)
{
    if (b->cap - b->len < 4) {
        b->len = b->cap;
        b->overflow = true;
        return;
    }
    for (int i = 0; i < 4; i++) /* little-endian, whatever the compiler's host */
        b->p[b->len++] = (uint8_t)(v >> (8 * i));
}

/* reg <- [base + disp] with width 1/2 (zero-extended), 4 or 8. */
void x64_load(X64Buf *b, unsigned width, X64Reg reg, X64Reg base, int32_t disp);
/* reg <- [base + disp], sign-extended from width 1, 2 or 4 (to 32 bits for
 * 1 and 2, to 64 for 4). */
void x64_load_sx(X64Buf *b, unsigned width, X64Reg reg, X64Reg base, int32_t disp);
/* [base + disp] <- reg, width 1, 2, 4 or 8. */
void x64_store(X64Buf *b, unsigned width, X64Reg base, int32_t disp, X64Reg reg);
/* The same two with an index register: [base + index + disp]. */
void x64_load_idx(X64Buf *b, unsigned width, bool sign, X64Reg reg, X64Reg base, X64Reg index, int32_t disp);
void x64_store_idx(X64Buf *b, unsigned width, X64Reg base, X64Reg index, int32_t disp, X64Reg reg);
/* The same two relative to gs's base, with a 32-bit address that wraps:
 * gs:[(base + index * scale + disp) mod 2^32], scale 1, 2, 4 or 8, index
 * X64_RSP for none (user mode's guest memory when gs's base is
 * CpuCommon.mem_base); and gs:[disp] with neither register. */
void x64_load_gs(X64Buf *b, unsigned width, bool sign, X64Reg reg, X64Reg base, X64Reg index, unsigned scale,
                 int32_t disp);
void x64_store_gs(X64Buf *b, unsigned width, X64Reg base, X64Reg index, unsigned scale, int32_t disp, X64Reg reg);
void x64_load_gs_abs(X64Buf *b, unsigned width, bool sign, X64Reg reg, int32_t disp);
void x64_store_gs_abs(X64Buf *b, unsigned width, int32_t disp, X64Reg reg);
/* [base + disp] <- imm32 (sign-extended for width 8). */
void x64_store_imm(X64Buf *b, unsigned width, X64Reg base, int32_t disp, uint32_t imm);

/* reg <- imm, the shortest encoding that gives the 64-bit value. */
void x64_mov_imm(X64Buf *b, X64Reg reg, uint64_t imm);
void x64_mov_rr(X64Buf *b, unsigned width, X64Reg dst, X64Reg src);

/* dst op= src (registers), dst op= [base + disp], dst op= imm32. */
void x64_alu_rr(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, X64Reg src);
void x64_alu_rm(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, X64Reg base, int32_t disp);
/* op [base + disp], imm8 (sign-extended) */
/* op dst, [index * scale + disp]: no base, disp an absolute address below
 * 2 GiB (sign-extended). */
void x64_alu_rm_abs_idx(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, X64Reg index, unsigned scale, int32_t disp);
void x64_alu_mem_imm8(X64Buf *b, unsigned width, X64Alu op, X64Reg base, int32_t disp, int8_t imm);
void x64_alu_imm(X64Buf *b, unsigned width, X64Alu op, X64Reg dst, uint32_t imm);

void x64_imul_rr(X64Buf *b, unsigned width, X64Reg dst, X64Reg src);
void x64_not(X64Buf *b, unsigned width, X64Reg reg);
void x64_neg(X64Buf *b, unsigned width, X64Reg reg);
/* edx:eax / reg (unsigned or signed), width 4. */
void x64_div(X64Buf *b, bool sign, X64Reg reg);
void x64_cdq(X64Buf *b);
void x64_stc(X64Buf *b); /* set the carry flag */
void x64_cmc(X64Buf *b); /* complement the carry flag */
void x64_test_rr(X64Buf *b, unsigned width, X64Reg a, X64Reg c);
void x64_shift_cl(X64Buf *b, unsigned width, X64Shift op, X64Reg reg);
void x64_shift_imm(X64Buf *b, unsigned width, X64Shift op, X64Reg reg, uint8_t n);
/* reg <- 0 or 1 by condition (clobbers the upper bits: zero-extends). */
/* reg = cc ? 1 : 0 (setcc, then zero-extends the byte). */
void x64_setcc(X64Buf *b, X64Cond cc, X64Reg reg);
/* The low byte only: for a register cleared before the flags were set. */
void x64_setcc_byte(X64Buf *b, X64Cond cc, X64Reg reg);
/* byte [base + disp] <- cc ? 1 : 0 */
void x64_setcc_mem(X64Buf *b, X64Cond cc, X64Reg base, int32_t disp);
void x64_cmov(X64Buf *b, unsigned width, X64Cond cc, X64Reg dst, X64Reg src);
void x64_bsr(X64Buf *b, X64Reg dst, X64Reg src);
void x64_bswap(X64Buf *b, X64Reg reg);
/* Sign or zero extension between registers from width 1 or 2 to 32 bits,
 * or (width 4, sign) from 32 to 64 bits. */
void x64_extend(X64Buf *b, unsigned width, bool sign, X64Reg dst, X64Reg src);
/* dst <- base + index * scale + disp (scale 1, 2, 4 or 8). */
void x64_lea(X64Buf *b, unsigned width, X64Reg dst, X64Reg base, X64Reg index, unsigned scale, int32_t disp);

void x64_push(X64Buf *b, X64Reg reg);
void x64_pop(X64Buf *b, X64Reg reg);
void x64_call_reg(X64Buf *b, X64Reg reg);
void x64_jmp_reg(X64Buf *b, X64Reg reg);
/* jmp qword [index * scale + disp], disp as x64_alu_rm_abs_idx's. */
void x64_jmp_mem_abs_idx(X64Buf *b, X64Reg index, unsigned scale, int32_t disp);
void x64_ret(X64Buf *b);

/* Forward jumps: emit with a zero displacement, returning the offset of the
 * rel32 field; x64_patch points it at the current position. */
size_t x64_jmp_fwd(X64Buf *b);
size_t x64_jcc_fwd(X64Buf *b, X64Cond cc);
void x64_patch(X64Buf *b, size_t rel32_at);
/* A jump to a known earlier or later position. */
void x64_patch_to(X64Buf *b, size_t rel32_at, size_t target);

#endif
