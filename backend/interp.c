/*
 * Tier 0: the IR interpreter.  Every IR op has a case here; the switch has
 * no default so the compiler names any op this file forgets (-Wswitch).
 */
#include "backend/interp.h"

#include <stdlib.h>
#include <string.h>

#include "backend/cpu_common.h"
#include "backend/softmmu.h"
#include "backend/store_log.h"
#include "translator/helpers.h"

static bool is_branch(uint8_t op)
{
    return op == IR_BR || op == IR_BRZ || op == IR_BRNZ;
}

InterpCode *interp_prepare(const IrBlock *b)
{
    InterpCode *code = malloc(sizeof *code);
    size_t *label_pos = calloc(b->nlabels + 1, sizeof *label_pos);
    if (!code || !label_pos)
        abort();
    code->insns = malloc(b->count * sizeof *code->insns);
    if (!code->insns)
        abort();
    memcpy(code->insns, b->insns, b->count * sizeof *code->insns);
    code->count = b->count;
    code->ntemps = b->ntemps + 1;
    IrTemp zero = (IrTemp)b->ntemps;
    for (size_t i = 0; i < b->count; i++)
        if (b->insns[i].op == IR_LABEL)
            label_pos[b->insns[i].imm] = i;
    for (size_t i = 0; i < code->count; i++) {
        IrInsn *in = &code->insns[i];
        if (is_branch(in->op))
            in->imm = label_pos[in->imm];
        if (in->op == IR_CALL) {
            if (in->a == IR_NO_TEMP)
                in->a = zero;
            if (in->b == IR_NO_TEMP)
                in->b = zero;
            if (in->c == IR_NO_TEMP)
                in->c = zero;
        }
    }
    free(label_pos);
    return code;
}

void interp_free(InterpCode *code)
{
    if (code) {
        free(code->insns);
        free(code);
    }
}

static inline uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t carry_of(uint32_t a, uint32_t b, uint32_t c)
{
    return (uint32_t)(((uint64_t)a + b + c) >> 32);
}

static inline uint32_t overflow_of(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t r = a + b + c;
    return ((~(a ^ b) & (a ^ r)) >> 31) & 1;
}

static inline uint32_t ror32(uint32_t v, uint32_t n)
{
    n &= 31;
    return n ? (v >> n) | (v << (32 - n)) : v;
}

static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return 0;
    if (a == 0x80000000u && b == 0xffffffffu)
        return a;
    return (uint32_t)((int32_t)a / (int32_t)b);
}

/* A guest store; -jit check records what it overwrites so it can be undone. */
static inline void store(CpuCommon *common, uint32_t addr, uint64_t value, unsigned size, unsigned amask)
{
    if (__builtin_expect(common->store_log != NULL, 0))
        store_log_record(common->store_log, common->mem_base, addr, size);
    guest_store_aligned(common, addr, value, size, amask);
}

uint32_t interp_eval32(uint8_t op, const uint32_t args[3])
{
    IrInsn insns[] = {
        {.op = IR_MOVI, .dst = 0, .imm = args[0]},
        {.op = IR_MOVI, .dst = 1, .imm = args[1]},
        {.op = IR_MOVI, .dst = 2, .imm = args[2]},
        {.op = op, .dst = 3, .a = 0, .b = 1, .c = 2},
        {.op = IR_EXIT_IND, .a = 3, .b = 0, .aux = IR_EXIT_INDIRECT},
    };
    InterpCode code = {.insns = insns, .count = sizeof insns / sizeof *insns, .ntemps = 5};
    CpuCommon unused = {0};
    uint32_t value;
    interp_run(&code, &unused, &value);
    return value;
}

IrExitKind interp_run(const InterpCode *code, void *state, uint32_t *next_pc)
{
    uint64_t t[code->ntemps];
    uint8_t *st = state;
    CpuCommon *common = state;
    const IrInsn *base = code->insns;
    const IrInsn *in = base;

    t[code->ntemps - 1] = 0;
#define A ((uint32_t)t[in->a])
#define B ((uint32_t)t[in->b])
#define C ((uint32_t)t[in->c])
#define D t[in->dst]
    for (;; in++) {
        switch ((IrOp)in->op) {
        case IR_INSN_START:
            common->insn_pc = (uint32_t)in->imm;
            common->insn_mode = (uint32_t)(in->imm >> 32);
            break;
        case IR_LABEL: break;
        case IR_BR: in = base + in->imm; break;
        case IR_BRZ: if (!A) in = base + in->imm; break;
        case IR_BRNZ: if (A) in = base + in->imm; break;
        case IR_EXIT: *next_pc = (uint32_t)in->imm; return (IrExitKind)in->aux;
        case IR_EXIT_IND: *next_pc = A; return (IrExitKind)in->aux;
        case IR_LDS32: D = load32(st + in->imm); break;
        case IR_STS32: memcpy(st + in->imm, &(uint32_t){A}, 4); break;
        case IR_LDS64: D = load64(st + in->imm); break;
        case IR_STS64: memcpy(st + in->imm, &t[in->a], 8); break;
        case IR_MOVI: D = (uint32_t)in->imm; break;
        case IR_MOVI64: D = in->imm; break;
        case IR_ADD: D = A + B; break;
        case IR_SUB: D = A - B; break;
        case IR_MUL: D = A * B; break;
        case IR_AND: D = A & B; break;
        case IR_OR: D = A | B; break;
        case IR_XOR: D = A ^ B; break;
        case IR_NOT: D = ~A; break;
        case IR_SHL: D = A << (B & 31); break;
        case IR_LSHR: D = A >> (B & 31); break;
        case IR_ASHR: D = (uint32_t)((int32_t)A >> (B & 31)); break;
        case IR_ROR: D = ror32(A, B); break;
        case IR_ADDC: D = carry_of(A, B, C); break;
        case IR_ADDV: D = overflow_of(A, B, C); break;
        case IR_SETEQ: D = A == B; break;
        case IR_SETNE: D = A != B; break;
        case IR_SETLTU: D = A < B; break;
        case IR_SETLTS: D = (int32_t)A < (int32_t)B; break;
        case IR_SELECT: D = A ? B : C; break;
        case IR_UDIV: D = B ? A / B : 0; break;
        case IR_SDIV: D = sdiv32(A, B); break;
        case IR_CLZ: D = A ? (uint32_t)__builtin_clz(A) : 32; break;
        case IR_BSWAP: D = __builtin_bswap32(A); break;
        case IR_SEXT8: D = (uint32_t)(int32_t)(int8_t)A; break;
        case IR_SEXT16: D = (uint32_t)(int32_t)(int16_t)A; break;
        case IR_ZEXT8: D = (uint8_t)A; break;
        case IR_ZEXT16: D = (uint16_t)A; break;
        case IR_ZEXT64: D = A; break;
        case IR_SEXT64: D = (uint64_t)(int64_t)(int32_t)A; break;
        case IR_LO32: D = (uint32_t)t[in->a]; break;
        case IR_HI32: D = (uint32_t)(t[in->a] >> 32); break;
        case IR_PAIR64: D = (uint64_t)B << 32 | A; break;
        case IR_ADD64: D = t[in->a] + t[in->b]; break;
        case IR_SUB64: D = t[in->a] - t[in->b]; break;
        case IR_MUL64: D = t[in->a] * t[in->b]; break;
        case IR_SHL64: D = t[in->a] << (B & 63); break;
        case IR_LSHR64: D = t[in->a] >> (B & 63); break;
        case IR_ASHR64: D = (uint64_t)((int64_t)t[in->a] >> (B & 63)); break;
        case IR_LD8U: D = (uint32_t)guest_load_aligned(common, A, 1, in->aux); break;
        case IR_LD8S: D = (uint32_t)(int32_t)(int8_t)guest_load_aligned(common, A, 1, in->aux); break;
        case IR_LD16U: D = (uint32_t)guest_load_aligned(common, A, 2, in->aux); break;
        case IR_LD16S: D = (uint32_t)(int32_t)(int16_t)guest_load_aligned(common, A, 2, in->aux); break;
        case IR_LD32: D = (uint32_t)guest_load_aligned(common, A, 4, in->aux); break;
        case IR_LD64: D = guest_load_aligned(common, A, 8, in->aux); break;
        case IR_ST8: store(common, A, B, 1, in->aux); break;
        case IR_ST16: store(common, A, B, 2, in->aux); break;
        case IR_ST32: store(common, A, B, 4, in->aux); break;
        case IR_ST64: store(common, A, t[in->b], 8, in->aux); break;
        case IR_CALL: D = helper_info[in->imm].fn(state, t[in->a], t[in->b], t[in->c]); break;
        case IR_OP_COUNT: abort();
        }
    }
#undef A
#undef B
#undef C
#undef D
}
