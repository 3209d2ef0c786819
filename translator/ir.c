/* IR construction, validation and printing. */
#include "translator/ir.h"

#include <stdlib.h>
#include <string.h>

const IrOpInfo ir_op_info[IR_OP_COUNT] = {
#define SCION_IR_INFO(name, nargs, result) [IR_##name] = {#name, nargs, IR_RESULT_##result},
    SCION_IR_OPS(SCION_IR_INFO)
#undef SCION_IR_INFO
};

static const char *const exit_kind_names[IR_EXIT_KIND_COUNT] = {
    [IR_EXIT_JUMP] = "jump",       [IR_EXIT_INDIRECT] = "indirect", [IR_EXIT_SYSCALL] = "syscall",
    [IR_EXIT_UNDEF] = "undef",     [IR_EXIT_BKPT] = "bkpt",         [IR_EXIT_UNIMPL] = "unimpl",
    [IR_EXIT_YIELD] = "yield",     [IR_EXIT_WFI] = "wfi",           [IR_EXIT_HVC] = "hvc",
};

const char *ir_exit_kind_name(IrExitKind k)
{
    return k < IR_EXIT_KIND_COUNT ? exit_kind_names[k] : "?";
}

IrBlock *ir_block_new(void)
{
    IrBlock *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    return b;
}

void ir_block_free(IrBlock *b)
{
    if (b) {
        free(b->insns);
        free(b);
    }
}

void ir_block_reset(IrBlock *b)
{
    b->count = 0;
    b->ntemps = 0;
    b->nlabels = 0;
    b->overflow = false;
}

static void ir_grow(IrBlock *b)
{
    size_t cap = b->capacity ? b->capacity * 2 : 256;
    IrInsn *n = realloc(b->insns, cap * sizeof *n);
    if (!n)
        abort();
    b->insns = n;
    b->capacity = cap;
}

IrTemp ir_emit(IrBlock *b, IrOp op, IrTemp a, IrTemp x, IrTemp y, uint64_t imm, uint8_t aux)
{
    if (b->count == b->capacity)
        ir_grow(b);
    IrTemp dst = IR_NO_TEMP;
    if (ir_op_info[op].result != IR_RESULT_V) {
        if (b->ntemps >= IR_MAX_TEMPS) {
            b->overflow = true; /* keep going on temp 0; the block is discarded */
            dst = 0;
        } else {
            dst = (IrTemp)b->ntemps++;
        }
    }
    b->insns[b->count++] = (IrInsn){.op = op, .aux = aux, .dst = dst, .a = a, .b = x, .c = y, .imm = imm};
    return dst;
}

IrLabel ir_new_label(IrBlock *b)
{
    return (IrLabel)b->nlabels++;
}

void ir_label(IrBlock *b, IrLabel l)
{
    ir_emit(b, IR_LABEL, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, l, 0);
}

void ir_br(IrBlock *b, IrLabel l)
{
    ir_emit(b, IR_BR, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, l, 0);
}

void ir_brz(IrBlock *b, IrTemp cond, IrLabel l)
{
    ir_emit(b, IR_BRZ, cond, IR_NO_TEMP, IR_NO_TEMP, l, 0);
}

void ir_brnz(IrBlock *b, IrTemp cond, IrLabel l)
{
    ir_emit(b, IR_BRNZ, cond, IR_NO_TEMP, IR_NO_TEMP, l, 0);
}

void ir_exit_to(IrBlock *b, uint32_t next_pc, uint32_t next_mode, IrExitKind kind)
{
    ir_emit(b, IR_EXIT, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, next_pc | (uint64_t)next_mode << 32, (uint8_t)kind);
}

void ir_exit(IrBlock *b, uint32_t next_pc, IrExitKind kind)
{
    ir_exit_to(b, next_pc, IR_MODE_UNKNOWN, kind);
}

void ir_exit_ind(IrBlock *b, IrTemp next_pc, IrTemp next_mode, IrExitKind kind)
{
    ir_emit(b, IR_EXIT_IND, next_pc, next_mode, IR_NO_TEMP, 0, (uint8_t)kind);
}

/* Bit sets indexed by temp or label (both 16-bit), on the stack: this
 * runs for every block translated. */
enum { IR_BITSET_WORDS = 0x10000 / 64 };

static bool bit_test(const uint64_t *set, unsigned i)
{
    return set[i / 64] >> (i % 64) & 1;
}

static void bit_set(uint64_t *set, unsigned i)
{
    set[i / 64] |= 1ull << (i % 64);
}

static bool temp_ok(IrTemp t, const uint64_t *defined, unsigned ntemps)
{
    return t < ntemps && bit_test(defined, t);
}

static const char *check_operands(const IrInsn *in, const uint64_t *defined, unsigned ntemps)
{
    unsigned n = ir_op_info[in->op].nargs;
    const IrTemp args[3] = {in->a, in->b, in->c};
    for (unsigned i = 0; i < n; i++) {
        /* CALL may pass fewer than three arguments. */
        if (in->op == IR_CALL && args[i] == IR_NO_TEMP)
            continue;
        if (!temp_ok(args[i], defined, ntemps))
            return "operand temp used before it is defined";
    }
    return NULL;
}

static const char *check_label_use(const IrInsn *in, const uint64_t *placed, unsigned nlabels)
{
    if (in->op != IR_BR && in->op != IR_BRZ && in->op != IR_BRNZ)
        return NULL;
    if (in->imm >= nlabels)
        return "branch to an unknown label";
    if (bit_test(placed, in->imm))
        return "backward branch inside a block";
    return NULL;
}

const char *ir_validate(const IrBlock *b)
{
    if (b->overflow)
        return "temp overflow";
    if (b->count == 0)
        return "empty block";
    const IrInsn *last = &b->insns[b->count - 1];
    if (last->op != IR_EXIT && last->op != IR_EXIT_IND)
        return "block does not end in an exit";
    if (b->ntemps > 0x10000 || b->nlabels > 0x10000)
        return "temp or label overflow";
    uint64_t defined[IR_BITSET_WORDS], placed[IR_BITSET_WORDS];
    memset(defined, 0, (b->ntemps + 63) / 64 * sizeof *defined);
    memset(placed, 0, (b->nlabels + 63) / 64 * sizeof *placed);
    const char *err = NULL;
    for (size_t i = 0; i < b->count && !err; i++) {
        const IrInsn *in = &b->insns[i];
        if (in->op >= IR_OP_COUNT) {
            err = "unknown op";
            break;
        }
        err = check_operands(in, defined, b->ntemps);
        if (!err)
            err = check_label_use(in, placed, b->nlabels);
        if (!err && in->op == IR_LABEL) {
            if (in->imm >= b->nlabels || bit_test(placed, in->imm))
                err = "label placed twice or unknown";
            else
                bit_set(placed, in->imm);
        }
        if (!err && in->dst != IR_NO_TEMP) {
            if (in->dst >= b->ntemps)
                err = "result temp out of range";
            else
                bit_set(defined, in->dst);
        }
    }
    return err;
}

static void print_temp(FILE *out, IrTemp t)
{
    if (t == IR_NO_TEMP)
        fputs(" -", out);
    else
        fprintf(out, " t%u", t);
}

void ir_print(const IrBlock *b, FILE *out)
{
    for (size_t i = 0; i < b->count; i++) {
        const IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        if (in->op == IR_INSN_START) {
            fprintf(out, " ---- %08llx\n", (unsigned long long)in->imm);
            continue;
        }
        fputs("  ", out);
        if (in->dst != IR_NO_TEMP)
            fprintf(out, "t%u = ", in->dst);
        fputs(info->name, out);
        const IrTemp args[3] = {in->a, in->b, in->c};
        for (unsigned k = 0; k < info->nargs; k++)
            print_temp(out, args[k]);
        if (in->op == IR_EXIT || in->op == IR_EXIT_IND)
            fprintf(out, " [%s]", ir_exit_kind_name((IrExitKind)in->aux));
        if (info->nargs < 3 || in->op == IR_CALL)
            fprintf(out, " #0x%llx", (unsigned long long)in->imm);
        fputc('\n', out);
    }
}
