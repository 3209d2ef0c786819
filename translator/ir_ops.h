/*
 * The scion IR opcode list: the one place every IR op is named.
 *
 * X(NAME, NARGS, RESULT) where NARGS is the number of temp operands (a, b, c)
 * and RESULT the type of the value written to dst: V (none), I32 or I64.
 * Every consumer (the interpreter's dispatch table, the LLVM emitter, names
 * for -d op tracing, unit tests) expands this list, so adding an op here and
 * forgetting an executor fails to build or fails the op-coverage test.
 *
 * The IR knows nothing about ARM.  Semantics are total: shifts take the
 * amount modulo 32 (modulo 64 for 64-bit ops), division by zero yields 0 and
 * INT_MIN / -1 yields INT_MIN; anything with guest-specific corner cases is
 * spelled out by the lowering.
 *
 * Operand fields: a, b, c are temps; imm is a 64-bit immediate whose meaning
 * depends on the op (constant, state offset, label, helper id, guest pc).
 */
#ifndef SCION_IR_OPS_H
#define SCION_IR_OPS_H

#define SCION_IR_OPS(X)                                                        \
    /* structure */                                                            \
    X(INSN_START, 0, V)  /* imm = guest pc | mode bits << 32 */              \
    X(LABEL, 0, V)       /* imm = label number */                             \
    X(BR, 0, V)          /* goto label imm */                                 \
    X(BRZ, 1, V)         /* if (a == 0) goto label imm */                     \
    X(BRNZ, 1, V)        /* if (a != 0) goto label imm */                     \
    X(EXIT, 0, V)        /* leave, imm = next pc | next mode << 32, aux = kind */ \
    X(EXIT_IND, 2, V)    /* leave, next pc = a, next mode = b, aux = kind */  \
    /* guest state (imm = byte offset into the CPU state) */                  \
    X(LDS32, 0, I32)                                                           \
    X(STS32, 1, V)                                                             \
    X(LDS64, 0, I64)                                                           \
    X(STS64, 1, V)                                                             \
    /* constants and moves */                                                  \
    X(MOVI, 0, I32)      /* dst = (u32)imm */                                 \
    X(MOVI64, 0, I64)    /* dst = imm */                                      \
    /* 32-bit integer */                                                       \
    X(ADD, 2, I32)                                                             \
    X(SUB, 2, I32)                                                             \
    X(MUL, 2, I32)                                                             \
    X(AND, 2, I32)                                                             \
    X(OR, 2, I32)                                                              \
    X(XOR, 2, I32)                                                             \
    X(NOT, 1, I32)                                                             \
    X(SHL, 2, I32)       /* a << (b & 31) */                                  \
    X(LSHR, 2, I32)      /* a >> (b & 31), logical */                         \
    X(ASHR, 2, I32)      /* a >> (b & 31), arithmetic */                      \
    X(ROR, 2, I32)       /* rotate right by b & 31 */                         \
    X(ADDC, 3, I32)      /* carry out of a + b + c (c is 0 or 1) */           \
    X(ADDV, 3, I32)      /* signed overflow of a + b + c */                   \
    X(SETEQ, 2, I32)     /* 1 if a == b else 0 */                             \
    X(SETNE, 2, I32)                                                           \
    X(SETLTU, 2, I32)                                                          \
    X(SETLTS, 2, I32)                                                          \
    X(SELECT, 3, I32)    /* a ? b : c */                                      \
    X(UDIV, 2, I32)                                                            \
    X(SDIV, 2, I32)                                                            \
    X(CLZ, 1, I32)       /* count leading zeros, 32 for 0 */                  \
    X(BSWAP, 1, I32)                                                           \
    X(SEXT8, 1, I32)                                                           \
    X(SEXT16, 1, I32)                                                          \
    X(ZEXT8, 1, I32)                                                           \
    X(ZEXT16, 1, I32)                                                          \
    /* 64-bit integer */                                                       \
    X(ZEXT64, 1, I64)    /* u32 -> u64 */                                     \
    X(SEXT64, 1, I64)    /* s32 -> s64 */                                     \
    X(LO32, 1, I32)                                                            \
    X(HI32, 1, I32)                                                            \
    X(PAIR64, 2, I64)    /* (u64)b << 32 | a */                               \
    X(ADD64, 2, I64)                                                           \
    X(SUB64, 2, I64)                                                           \
    X(MUL64, 2, I64)                                                           \
    X(SHL64, 2, I64)     /* a << (b & 63), b is a 32-bit temp */              \
    X(LSHR64, 2, I64)                                                          \
    X(ASHR64, 2, I64)                                                          \
    /* guest memory: a = guest address, b = value to store, aux = mask of   \
     * address bits that must be 0 (alignment; system mode only) */          \
    X(LD8U, 1, I32)                                                            \
    X(LD8S, 1, I32)                                                            \
    X(LD16U, 1, I32)                                                           \
    X(LD16S, 1, I32)                                                           \
    X(LD32, 1, I32)                                                            \
    X(LD64, 1, I64)                                                            \
    X(ST8, 2, V)                                                               \
    X(ST16, 2, V)                                                              \
    X(ST32, 2, V)                                                              \
    X(ST64, 2, V)                                                              \
    /* out-of-line semantics: imm = helper id (see helpers.h) */              \
    X(CALL, 3, I64)      /* dst = helper(env, a, b, c) */

typedef enum IrOp {
#define SCION_IR_ENUM(name, nargs, result) IR_##name,
    SCION_IR_OPS(SCION_IR_ENUM)
#undef SCION_IR_ENUM
    IR_OP_COUNT
} IrOp;

#endif
