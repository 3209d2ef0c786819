/*
 * Tier 0: the IR interpreter.  Every IR op has a handler here; the
 * dispatch table names every op of ir_ops.h, so an op this file forgets
 * does not build.
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
    /* Threaded dispatch: each handler ends in its own indirect jump, whose
     * history predicts the next op far better than one shared switch
     * (interp_run was a third of its samples on the switch's jump).  The
     * table names every op of ir_ops.h, so a missing handler does not
     * build. */
    static const void *const handler[IR_OP_COUNT] = {
#define HANDLER(name, nargs, result) [IR_##name] = &&op_##name,
        SCION_IR_OPS(HANDLER)
#undef HANDLER
    };
#define NEXT goto *handler[(++in)->op]
    goto *handler[in->op];

    op_INSN_START:
        common->insn_pc = (uint32_t)in->imm;
        common->insn_mode = (uint32_t)(in->imm >> 32);
        NEXT;
    op_LABEL: NEXT;
    op_BR: in = base + in->imm; NEXT;
    op_BRZ: if (!A) in = base + in->imm; NEXT;
    op_BRNZ: if (A) in = base + in->imm; NEXT;
    op_EXIT: *next_pc = (uint32_t)in->imm; return (IrExitKind)in->aux;
    op_EXIT_IND: *next_pc = A; return (IrExitKind)in->aux;
    op_LDS32: D = load32(st + in->imm); NEXT;
    op_STS32: memcpy(st + in->imm, &(uint32_t){A}, 4); NEXT;
    op_LDS64: D = load64(st + in->imm); NEXT;
    op_STS64: memcpy(st + in->imm, &t[in->a], 8); NEXT;
    op_MOVI: D = (uint32_t)in->imm; NEXT;
    op_MOVI64: D = in->imm; NEXT;
    op_ADD: D = A + B; NEXT;
    op_SUB: D = A - B; NEXT;
    op_MUL: D = A * B; NEXT;
    op_AND: D = A & B; NEXT;
    op_OR: D = A | B; NEXT;
    op_XOR: D = A ^ B; NEXT;
    op_NOT: D = ~A; NEXT;
    op_SHL: D = A << (B & 31); NEXT;
    op_LSHR: D = A >> (B & 31); NEXT;
    op_ASHR: D = (uint32_t)((int32_t)A >> (B & 31)); NEXT;
    op_ROR: D = ror32(A, B); NEXT;
    op_ADDC: D = carry_of(A, B, C); NEXT;
    op_ADDV: D = overflow_of(A, B, C); NEXT;
    op_SETEQ: D = A == B; NEXT;
    op_SETNE: D = A != B; NEXT;
    op_SETLTU: D = A < B; NEXT;
    op_SETLTS: D = (int32_t)A < (int32_t)B; NEXT;
    op_SELECT: D = A ? B : C; NEXT;
    op_UDIV: D = B ? A / B : 0; NEXT;
    op_SDIV: D = sdiv32(A, B); NEXT;
    op_CLZ: D = A ? (uint32_t)__builtin_clz(A) : 32; NEXT;
    op_BSWAP: D = __builtin_bswap32(A); NEXT;
    op_SEXT8: D = (uint32_t)(int32_t)(int8_t)A; NEXT;
    op_SEXT16: D = (uint32_t)(int32_t)(int16_t)A; NEXT;
    op_ZEXT8: D = (uint8_t)A; NEXT;
    op_ZEXT16: D = (uint16_t)A; NEXT;
    op_ZEXT64: D = A; NEXT;
    op_SEXT64: D = (uint64_t)(int64_t)(int32_t)A; NEXT;
    op_LO32: D = (uint32_t)t[in->a]; NEXT;
    op_HI32: D = (uint32_t)(t[in->a] >> 32); NEXT;
    op_PAIR64: D = (uint64_t)B << 32 | A; NEXT;
    op_ADD64: D = t[in->a] + t[in->b]; NEXT;
    op_SUB64: D = t[in->a] - t[in->b]; NEXT;
    op_MUL64: D = t[in->a] * t[in->b]; NEXT;
    op_SHL64: D = t[in->a] << (B & 63); NEXT;
    op_LSHR64: D = t[in->a] >> (B & 63); NEXT;
    op_ASHR64: D = (uint64_t)((int64_t)t[in->a] >> (B & 63)); NEXT;
    op_LD8U: D = (uint32_t)guest_load_aligned(common, A, 1, in->aux); NEXT;
    op_LD8S: D = (uint32_t)(int32_t)(int8_t)guest_load_aligned(common, A, 1, in->aux); NEXT;
    op_LD16U: D = (uint32_t)guest_load_aligned(common, A, 2, in->aux); NEXT;
    op_LD16S: D = (uint32_t)(int32_t)(int16_t)guest_load_aligned(common, A, 2, in->aux); NEXT;
    op_LD32: D = (uint32_t)guest_load_aligned(common, A, 4, in->aux); NEXT;
    op_LD64: D = guest_load_aligned(common, A, 8, in->aux); NEXT;
    op_ST8: store(common, A, B, 1, in->aux); NEXT;
    op_ST16: store(common, A, B, 2, in->aux); NEXT;
    op_ST32: store(common, A, B, 4, in->aux); NEXT;
    op_ST64: store(common, A, t[in->b], 8, in->aux); NEXT;
    op_CALL: D = helper_info[in->imm].fn(state, t[in->a], t[in->b], t[in->c]); NEXT;
#undef NEXT
#undef A
#undef B
#undef C
#undef D
}
