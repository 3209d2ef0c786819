/* The baseline tier's IR clean-up (backend/baseline_opt.c) on small blocks
 * built by hand: what it must drop or fold, and what it must keep.  That
 * the result computes the same as the interpreter is the guest tests'
 * business (guest-baseline-check); this checks the optimisations happen
 * and stop where they must. */
#include <check.h>
#include <stddef.h>

#include "backend/baseline_opt.h"
#include "translator/ir.h"

#define R0 0x10
#define R1 0x14
#define R2 0x18
#define FLAG_Z 0x40

typedef struct Optimised {
    IrBlock *block;
    InterpCode *code;
    InterpCode out;
    uint32_t *keep_until;
    Scratch scratch;
    bool system;  /* softmmu: guest accesses may call out */
    bool segment; /* BaselineRequest.segment */
} Optimised;

static void optimise(Optimised *o)
{
    const char *err = ir_validate(o->block);
    ck_assert_msg(err == NULL, "hand-built block is invalid: %s", err);
    o->code = interp_prepare(o->block);
    o->scratch = (Scratch){0};
    scratch_reset(&o->scratch);
    baseline_optimize(o->code, o->system, o->segment, &o->out, &o->keep_until, &o->scratch);
}

static void release(Optimised *o)
{
    scratch_free(&o->scratch);
    interp_free(o->code);
    ir_block_free(o->block);
}

/* The op of `c` that sets temp t. */
static const IrInsn *setter(const InterpCode *c, IrTemp t)
{
    for (size_t i = 0; i < c->count; i++)
        if (ir_op_info[c->insns[i].op].result != IR_RESULT_V && c->insns[i].dst == t)
            return &c->insns[i];
    ck_abort_msg("no op sets t%u", t);
    return NULL;
}

/* The value stored to state word `off`, which must be a constant. */
static uint64_t stored_constant(const InterpCode *c, uint64_t off)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->insns[i].op == IR_STS32 && c->insns[i].imm == off) {
            const IrInsn *v = setter(c, c->insns[i].a);
            ck_assert_uint_eq(v->op, IR_MOVI);
            return v->imm;
        }
    ck_abort_msg("no store to 0x%llx", (unsigned long long)off);
    return 0;
}

/* Ops `op` (LDS32: of word imm). */
static unsigned count_ops(const InterpCode *c, IrOp op, uint64_t imm)
{
    unsigned n = 0;
    for (size_t i = 0; i < c->count; i++)
        n += c->insns[i].op == op && (op != IR_LDS32 || c->insns[i].imm == imm);
    return n;
}

/* LDRNE r1, [r2] then a read of r0 and r1: r0 is still known after the
 * conditional op (its skipped path left r0 alone), r1 is not.  (A guest
 * load may fault, so the op stays behind its branch.) */
START_TEST(a_conditional_op_forgets_only_what_it_sets)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    IrTemp r0 = ir_lds32(b, R0);
    IrLabel skip = ir_new_label(b);
    ir_brnz(b, ir_lds32(b, FLAG_Z), skip);
    ir_sts32(b, R1, ir_load(b, IR_LD32, ir_lds32(b, R2)));
    ir_label(b, skip);
    ir_sts32(b, R0, ir_op2(b, IR_ADD, ir_lds32(b, R0), ir_lds32(b, R1)));
    ir_sts32(b, R1, r0);
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    ck_assert_uint_eq(count_ops(&o.out, IR_BRNZ, 0), 1);
    ck_assert_uint_eq(count_ops(&o.out, IR_LDS32, R0), 1);
    ck_assert_uint_eq(count_ops(&o.out, IR_LDS32, R1), 1);
    release(&o);
}
END_TEST

/* MOVS r0, #0x80000000 sets N and Z from a constant (Thumb's 16-bit MOVS
 * is everywhere): both flags are constants, as is an op of folded ops. */
START_TEST(ops_of_constants_are_constants)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    IrTemp v = ir_movi(b, 0x80000000u);
    ir_sts32(b, R1, ir_op2(b, IR_LSHR, v, ir_movi(b, 31)));
    ir_sts32(b, FLAG_Z, ir_op2(b, IR_SETEQ, v, ir_movi(b, 0)));
    ir_sts32(b, R0, ir_op2(b, IR_SHL, ir_op2(b, IR_ADD, ir_movi(b, 5), ir_movi(b, 7)), ir_movi(b, 2)));
    ir_sts32(b, R2, ir_op1(b, IR_NOT, ir_movi(b, 0xff)));
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    ck_assert_uint_eq(stored_constant(&o.out, R1), 1);
    ck_assert_uint_eq(stored_constant(&o.out, FLAG_Z), 0);
    ck_assert_uint_eq(stored_constant(&o.out, R0), 48);
    ck_assert_uint_eq(stored_constant(&o.out, R2), 0xffffff00u);
    release(&o);
}
END_TEST

/* A label two branches reach is a merge: nothing known before it holds. */
START_TEST(a_merge_forgets_everything)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    IrTemp r0 = ir_lds32(b, R0);
    IrLabel join = ir_new_label(b);
    IrTemp z = ir_lds32(b, FLAG_Z);
    ir_brnz(b, z, join);
    ir_brz(b, ir_lds32(b, R1), join);
    ir_sts32(b, R1, ir_movi(b, 5));
    ir_label(b, join);
    ir_sts32(b, R1, ir_lds32(b, R0));
    ir_sts32(b, R2, r0); /* keeps the first load */
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    ck_assert_uint_eq(count_ops(&o.out, IR_LDS32, R0), 2);
    release(&o);
}
END_TEST

/* A helper call between the branch and the label may change any word. */
START_TEST(a_call_inside_a_conditional_op_forgets_everything)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    IrTemp r0 = ir_lds32(b, R0);
    IrLabel skip = ir_new_label(b);
    ir_brnz(b, ir_lds32(b, FLAG_Z), skip);
    ir_call(b, 0, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
    ir_label(b, skip);
    ir_sts32(b, R1, ir_lds32(b, R0));
    ir_sts32(b, R2, r0); /* keeps the first load */
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    ck_assert_uint_eq(count_ops(&o.out, IR_LDS32, R0), 2);
    release(&o);
}
END_TEST

/* CMP x, u as the translator lowers it (dataproc.c): x + NOT u + 1, Z
 * from the sum, C and V from ADDC and ADDV. */
static void compare(IrBlock *b, IrTemp x, IrTemp u)
{
    IrTemp y = ir_op1(b, IR_NOT, u);
    IrTemp one = ir_movi(b, 1);
    IrTemp r = ir_op2(b, IR_ADD, ir_op2(b, IR_ADD, x, y), one);
    ir_sts32(b, FLAG_Z, ir_op2(b, IR_SETEQ, r, ir_movi(b, 0)));
    ir_sts32(b, FLAG_Z + 4, ir_op3(b, IR_ADDC, x, y, one));
    ir_sts32(b, FLAG_Z + 8, ir_op3(b, IR_ADDV, x, y, one));
}

/* CMP r0, #imm.  Returns x, r0's temp. */
static IrTemp compare_block(Optimised *o, uint32_t imm)
{
    IrBlock *b = o->block = ir_block_new();
    IrTemp x = ir_lds32(b, R0);
    compare(b, x, ir_movi(b, imm));
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(o);
    return x;
}

/* With #0 the sum is r0 itself, the carry 1, the overflow 0. */
START_TEST(compare_with_zero_folds)
{
    Optimised o;
    IrTemp x = compare_block(&o, 0);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADD, 0), 0);
    ck_assert_uint_eq(count_ops(&o.out, IR_NOT, 0), 0);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADDC, 0), 0);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADDV, 0), 0);
    for (size_t i = 0; i < o.out.count; i++)
        if (o.out.insns[i].op == IR_SETEQ)
            ck_assert_uint_eq(o.out.insns[i].a, x);
    ck_assert_uint_eq(stored_constant(&o.out, FLAG_Z + 4), 1);
    ck_assert_uint_eq(stored_constant(&o.out, FLAG_Z + 8), 0);
    release(&o);
}
END_TEST

/* With #5 the add-with-carry group stays (the baseline fuses it into one
 * adc): only the NOT folds. */
START_TEST(compare_with_nonzero_keeps_its_flags)
{
    Optimised o;
    compare_block(&o, 5);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADD, 0), 2);
    ck_assert_uint_eq(count_ops(&o.out, IR_NOT, 0), 0);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADDC, 0), 1);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADDV, 0), 1);
    release(&o);
}
END_TEST

/* SUBS r1, r0, #3 whose flags nobody reads: x + ~3 + 1 is x + (-3). */
START_TEST(a_sub_with_dead_flags_is_one_add)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    IrTemp x = ir_lds32(b, R0);
    IrTemp y = ir_op1(b, IR_NOT, ir_movi(b, 3));
    ir_sts32(b, R1, ir_op2(b, IR_ADD, ir_op2(b, IR_ADD, x, y), ir_movi(b, 1)));
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADD, 0), 1);
    for (size_t i = 0; i < o.out.count; i++)
        if (o.out.insns[i].op == IR_ADD) {
            ck_assert_uint_eq(o.out.insns[i].a, x);
            ck_assert_uint_eq((uint32_t)setter(&o.out, o.out.insns[i].b)->imm, 0u - 3);
        }
    release(&o);
}
END_TEST

/* The first op `op` of the optimised block, and its keep_until. */
static const IrInsn *op_kept(const Optimised *o, IrOp op, uint32_t *keep)
{
    for (size_t i = 0; i < o->out.count; i++)
        if (o->out.insns[i].op == op) {
            *keep = o->keep_until[i];
            return &o->out.insns[i];
        }
    ck_abort_msg("no %s is left", ir_op_info[op].name);
    return NULL;
}

/* build(o, second_reader, &keep) optimises a block and returns the op a
 * peephole marks: with one reader it carries mark and keeps its operands
 * until op `until`; with a second reader it is left alone. */
typedef const IrInsn *MarkedBlock(Optimised *o, bool second_reader, uint32_t *keep);

static void expect_marked_for_one_reader(MarkedBlock *build, unsigned mark, IrOp until)
{
    Optimised o;
    uint32_t keep;
    const IrInsn *op = build(&o, false, &keep);
    ck_assert_uint_eq(op->aux, mark);
    ck_assert_uint_eq(o.out.insns[keep].op, until);
    release(&o);
    op = build(&o, true, &keep);
    ck_assert_uint_eq(op->aux, 0);
    ck_assert_uint_eq(keep, 0);
    release(&o);
}

/* CMP r0, r1: x + NOT u + 1 with its flags.  The NOT is marked for the
 * baseline's host sub, and u stays live until the last flag op; with
 * another reader of NOT u (here a store of it) it is not. */
static const IrInsn *compare_registers(Optimised *o, bool also_store_not, uint32_t *keep)
{
    *o = (Optimised){.block = ir_block_new()};
    IrBlock *b = o->block;
    IrTemp x = ir_lds32(b, R0);
    IrTemp y = ir_op1(b, IR_NOT, ir_lds32(b, R1));
    IrTemp one = ir_movi(b, 1);
    IrTemp r = ir_op2(b, IR_ADD, ir_op2(b, IR_ADD, x, y), one);
    IrTemp c = ir_op3(b, IR_ADDC, x, y, one), v = ir_op3(b, IR_ADDV, x, y, one); /* dataproc.c's order */
    ir_sts32(b, FLAG_Z, ir_op2(b, IR_SETEQ, r, ir_movi(b, 0)));
    ir_sts32(b, FLAG_Z + 4, c);
    ir_sts32(b, FLAG_Z + 8, v);
    if (also_store_not)
        ir_sts32(b, R2, y);
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(o);
    return op_kept(o, IR_NOT, keep);
}

START_TEST(a_register_compare_marks_its_not)
{
    expect_marked_for_one_reader(compare_registers, BASELINE_NOT_SUBTRAHEND, IR_ADDV);
}
END_TEST

/* CMP; IT NE; CMPNE; ...; CMP: Z from the first compare is read by the
 * branch, then written on one path and by the last compare on both, so
 * neither earlier store survives; a load between them would keep them. */
static unsigned z_stores(bool load_between)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    ir_sts32(b, FLAG_Z, ir_lds32(b, R0));
    IrLabel skip = ir_new_label(b);
    ir_brz(b, ir_lds32(b, FLAG_Z), skip);
    ir_sts32(b, FLAG_Z, ir_lds32(b, R1));
    ir_label(b, skip);
    if (load_between)
        ir_sts32(b, R2, ir_load(b, IR_LD32, ir_lds32(b, R2)));
    ir_sts32(b, FLAG_Z, ir_lds32(b, R2));
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    unsigned n = 0;
    for (size_t i = 0; i < o.out.count; i++)
        n += o.out.insns[i].op == IR_STS32 && o.out.insns[i].imm == FLAG_Z;
    release(&o);
    return n;
}

START_TEST(stores_every_path_overwrites_go)
{
    ck_assert_uint_eq(z_stores(false), 1);
    ck_assert_uint_eq(z_stores(true), 3);
}
END_TEST

/* CMP r0, r1; LDR r2, [r2]; CMP r0, r2: the load may fault and show the
 * first compare's flags, which the second overwrites.  Z is deferred (it
 * names the difference, no op of its own); the carry and the overflow are
 * stored, each one host setcc into its word, where deferring them would
 * keep a register each until the second compare. */
START_TEST(a_compares_carry_and_overflow_are_stored_not_deferred)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    IrTemp x = ir_lds32(b, R0);
    compare(b, x, ir_lds32(b, R1));
    compare(b, x, ir_load(b, IR_LD32, ir_lds32(b, R2)));
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    uint8_t first_aux[3] = {0xff, 0xff, 0xff};
    for (size_t i = 0; i < o.out.count; i++) {
        const IrInsn *in = &o.out.insns[i];
        if (in->op == IR_STS32 && in->imm >= FLAG_Z && in->imm <= FLAG_Z + 8 && first_aux[(in->imm - FLAG_Z) / 4] == 0xff)
            first_aux[(in->imm - FLAG_Z) / 4] = in->aux;
    }
    ck_assert_uint_eq(first_aux[0], BASELINE_STS_DEFERRED | BASELINE_STS_ZERO);
    ck_assert_uint_eq(first_aux[1], 0);
    ck_assert_uint_eq(first_aux[2], 0);
    release(&o);
}
END_TEST

/* SUBS r2, r0, r1 whose flags nothing reads: x + NOT u + 1 becomes x - u. */
START_TEST(a_register_subtract_with_dead_flags_is_a_sub)
{
    Optimised o = {.block = ir_block_new()};
    IrBlock *b = o.block;
    IrTemp x = ir_lds32(b, R0), u = ir_lds32(b, R1);
    IrTemp y = ir_op1(b, IR_NOT, u);
    IrTemp one = ir_movi(b, 1);
    ir_sts32(b, R2, ir_op2(b, IR_ADD, ir_op2(b, IR_ADD, x, y), one));
    ir_op3(b, IR_ADDC, x, y, one); /* the carry, unread */
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(&o);
    uint32_t keep;
    const IrInsn *sub = op_kept(&o, IR_SUB, &keep);
    ck_assert_uint_eq(sub->a, x);
    ck_assert_uint_eq(sub->b, u);
    for (size_t i = 0; i < o.out.count; i++)
        ck_assert_msg(o.out.insns[i].op != IR_NOT && o.out.insns[i].op != IR_ADD, "%s is left",
                      ir_op_info[o.out.insns[i].op].name);
    release(&o);
}
END_TEST

/* LSL r0, r1, r2 as dataproc lowers it: the amount's low byte, shifted if
 * below 32, else 0; also_store_compare keeps a second reader of the
 * compare. */
static const IrInsn *shift_by_register(Optimised *o, bool also_store_compare, uint32_t *keep)
{
    *o = (Optimised){.block = ir_block_new()};
    IrBlock *b = o->block;
    IrTemp amount = ir_op1(b, IR_ZEXT8, ir_lds32(b, R2));
    IrTemp in_range = ir_op2(b, IR_SETLTU, amount, ir_movi(b, 32));
    IrTemp shifted = ir_op2(b, IR_SHL, ir_lds32(b, R1), amount);
    ir_sts32(b, R0, ir_op3(b, IR_SELECT, in_range, shifted, ir_movi(b, 0)));
    if (also_store_compare)
        ir_sts32(b, R2, in_range);
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(o);
    return op_kept(o, IR_SETLTU, keep);
}

START_TEST(a_compare_only_a_select_reads_is_marked)
{
    expect_marked_for_one_reader(shift_by_register, BASELINE_SET_FOR_SELECT, IR_SELECT);
}
END_TEST

/* LDR r0, [r1, r2, LSL #2]: the shift is marked for the baseline's lea
 * and r2 stays live until the add; with another reader of the shift (here
 * a store of it) it is not. */
static const IrInsn *scaled_register_offset(Optimised *o, bool also_store_shift, uint32_t *keep)
{
    *o = (Optimised){.block = ir_block_new()};
    IrBlock *b = o->block;
    IrTemp shifted = ir_op2(b, IR_SHL, ir_lds32(b, R2), ir_movi(b, 2));
    ir_sts32(b, R0, ir_load(b, IR_LD32, ir_op2(b, IR_ADD, ir_lds32(b, R1), shifted)));
    if (also_store_shift)
        ir_sts32(b, R2, shifted);
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(o);
    return op_kept(o, IR_SHL, keep);
}

START_TEST(a_scaled_register_offset_marks_its_shift)
{
    expect_marked_for_one_reader(scaled_register_offset, BASELINE_SHL_SCALED, IR_ADD);
}
END_TEST

/* LDR r0, [r1, r2, LSL #2] in user mode with gs at guest address 0: the
 * add is the load's address, which the load makes itself (gs:[x + u * 4]),
 * keeping the add's operands and the shift's until then; a second reader
 * of the sum (a store of it) needs its value. */
static const IrInsn *address_add(Optimised *o, bool also_store_sum, bool segment, uint32_t *keep)
{
    *o = (Optimised){.block = ir_block_new(), .segment = segment};
    IrBlock *b = o->block;
    IrTemp shifted = ir_op2(b, IR_SHL, ir_lds32(b, R2), ir_movi(b, 2));
    IrTemp sum = ir_op2(b, IR_ADD, ir_lds32(b, R1), shifted);
    ir_sts32(b, R0, ir_load(b, IR_LD32, sum));
    if (also_store_sum)
        ir_sts32(b, R2, sum);
    ir_exit(b, 0x8000, IR_EXIT_JUMP);
    optimise(o);
    return op_kept(o, IR_ADD, keep);
}

static const IrInsn *address_add_with_segment(Optimised *o, bool also_store_sum, uint32_t *keep)
{
    return address_add(o, also_store_sum, true, keep);
}

START_TEST(an_address_add_is_the_access_with_a_segment)
{
    expect_marked_for_one_reader(address_add_with_segment, BASELINE_ADD_ADDRESS, IR_LD32);
    Optimised o;
    uint32_t keep;
    address_add(&o, false, true, &keep);
    const IrInsn *shl = op_kept(&o, IR_SHL, &keep);
    ck_assert_uint_eq(shl->aux, BASELINE_SHL_SCALED);
    ck_assert_uint_eq(o.out.insns[keep].op, IR_LD32);
    release(&o);
    ck_assert_uint_eq(address_add(&o, false, false, &keep)->aux, 0); /* no segment: a lea */
    release(&o);
}
END_TEST

/* LDR r0, [r1, #k] with the address as r1 op k. */
static IrTemp load_at_offset(Optimised *o, IrOp op, uint32_t k, bool system)
{
    *o = (Optimised){.block = ir_block_new(), .system = system};
    IrBlock *b = o->block;
    IrTemp r1 = ir_lds32(b, R1);
    ir_sts32(b, R0, ir_load(b, IR_LD32, ir_op2(b, op, r1, ir_movi(b, k))));
    ir_exit(b, 0x8004, IR_EXIT_JUMP);
    optimise(o);
    return r1;
}

static const IrInsn *the_load(const InterpCode *c)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->insns[i].op == IR_LD32)
            return &c->insns[i];
    ck_abort_msg("the load is gone");
    return NULL;
}

/* User mode: r1 + 8 and r1 - 4095 become the load's displacement, and the
 * add or sub goes. */
START_TEST(user_mode_folds_small_offsets_into_the_access)
{
    Optimised o;
    IrTemp r1 = load_at_offset(&o, IR_ADD, 8, false);
    ck_assert_uint_eq(the_load(&o.out)->a, r1);
    ck_assert_uint_eq(the_load(&o.out)->imm, 8);
    ck_assert_uint_eq(count_ops(&o.out, IR_ADD, 0), 0);
    release(&o);
    r1 = load_at_offset(&o, IR_SUB, 4095, false);
    ck_assert_uint_eq(the_load(&o.out)->a, r1);
    ck_assert_uint_eq((int32_t)the_load(&o.out)->imm, -4095);
    ck_assert_uint_eq(count_ops(&o.out, IR_SUB, 0), 0);
    release(&o);
}
END_TEST

/* An offset the guard pages do not cover (4096, or -4096 as an add), and
 * any offset in system mode, stays an add. */
START_TEST(large_offsets_and_system_mode_keep_the_add)
{
    const struct { IrOp op; uint32_t k; bool system; } cases[] = {
        {IR_ADD, 4096, false}, {IR_ADD, 0u - 4096, false}, {IR_SUB, 4096, false}, {IR_ADD, 8, true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Optimised o;
        IrTemp r1 = load_at_offset(&o, cases[i].op, cases[i].k, cases[i].system);
        ck_assert_msg(the_load(&o.out)->a != r1 && the_load(&o.out)->imm == 0, "case %zu folded", i);
        ck_assert_uint_eq(count_ops(&o.out, cases[i].op, 0), 1);
        release(&o);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("baseline_opt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_conditional_op_forgets_only_what_it_sets);
    tcase_add_test(tc, a_compares_carry_and_overflow_are_stored_not_deferred);
    tcase_add_test(tc, an_address_add_is_the_access_with_a_segment);
    tcase_add_test(tc, a_merge_forgets_everything);
    tcase_add_test(tc, a_call_inside_a_conditional_op_forgets_everything);
    tcase_add_test(tc, compare_with_zero_folds);
    tcase_add_test(tc, compare_with_nonzero_keeps_its_flags);
    tcase_add_test(tc, a_sub_with_dead_flags_is_one_add);
    tcase_add_test(tc, a_register_compare_marks_its_not);
    tcase_add_test(tc, a_compare_only_a_select_reads_is_marked);
    tcase_add_test(tc, a_register_subtract_with_dead_flags_is_a_sub);
    tcase_add_test(tc, stores_every_path_overwrites_go);
    tcase_add_test(tc, a_scaled_register_offset_marks_its_shift);
    tcase_add_test(tc, ops_of_constants_are_constants);
    tcase_add_test(tc, user_mode_folds_small_offsets_into_the_access);
    tcase_add_test(tc, large_offsets_and_system_mode_keep_the_add);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
