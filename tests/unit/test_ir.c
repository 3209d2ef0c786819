/* IR builder, validator and interpreter: every op executed against C. */
#include <check.h>
#include <stddef.h>
#include <string.h>

#include "backend/cpu_common.h"
#include "backend/interp.h"

typedef struct TestState {
    CpuCommon common;
    uint32_t w[8];
    uint64_t q[4];
} TestState;

static uint8_t guest_mem[256];

static IrExitKind run(IrBlock *b, TestState *st, uint32_t *next)
{
    ck_assert_msg(ir_validate(b) == NULL, "invalid IR: %s", ir_validate(b));
    InterpCode *code = interp_prepare(b);
    IrExitKind k = interp_run(code, st, next);
    interp_free(code);
    return k;
}

/* Run dst = op(a, b, c) on constants; returns the 64-bit result. */
static uint64_t eval(IrOp op, uint64_t a, uint64_t bv, uint64_t c)
{
    IrBlock *b = ir_block_new();
    IrTemp ta = ir_movi64(b, a), tb = ir_movi64(b, bv), tc = ir_movi64(b, c);
    IrTemp r = ir_emit(b, op, ta, tb, tc, 0, 0);
    if (ir_op_info[op].result == IR_RESULT_I32)
        ir_sts32(b, offsetof(TestState, w[0]), r);
    else
        ir_sts64(b, offsetof(TestState, q[0]), r);
    ir_exit(b, 0, IR_EXIT_JUMP);
    TestState st = {.common.mem_base = guest_mem};
    uint32_t next;
    run(b, &st, &next);
    ir_block_free(b);
    return ir_op_info[op].result == IR_RESULT_I32 ? st.w[0] : st.q[0];
}

START_TEST(arith_ops)
{
    ck_assert_uint_eq(eval(IR_ADD, 0xffffffff, 2, 0), 1);
    ck_assert_uint_eq(eval(IR_SUB, 1, 2, 0), 0xffffffff);
    ck_assert_uint_eq(eval(IR_MUL, 0x10000, 0x10000, 0), 0);
    ck_assert_uint_eq(eval(IR_AND, 0xf0f0, 0xff00, 0), 0xf000);
    ck_assert_uint_eq(eval(IR_OR, 0xf0f0, 0xff00, 0), 0xfff0);
    ck_assert_uint_eq(eval(IR_XOR, 0xf0f0, 0xff00, 0), 0x0ff0);
    ck_assert_uint_eq(eval(IR_NOT, 0, 0, 0), 0xffffffff);
    ck_assert_uint_eq(eval(IR_SHL, 1, 33, 0), 2);
    ck_assert_uint_eq(eval(IR_LSHR, 0x80000000, 31, 0), 1);
    ck_assert_uint_eq(eval(IR_ASHR, 0x80000000, 31, 0), 0xffffffff);
    ck_assert_uint_eq(eval(IR_ROR, 0x1, 1, 0), 0x80000000);
    ck_assert_uint_eq(eval(IR_ROR, 0x12345678, 0, 0), 0x12345678);
    ck_assert_uint_eq(eval(IR_ADDC, 0xffffffff, 0, 1), 1);
    ck_assert_uint_eq(eval(IR_ADDC, 0xfffffffe, 0, 1), 0);
    ck_assert_uint_eq(eval(IR_ADDV, 0x7fffffff, 0, 1), 1);
    ck_assert_uint_eq(eval(IR_ADDV, 0x80000000, 0xffffffff, 0), 1);
    ck_assert_uint_eq(eval(IR_ADDV, 1, 1, 0), 0);
    ck_assert_uint_eq(eval(IR_SETEQ, 3, 3, 0), 1);
    ck_assert_uint_eq(eval(IR_SETNE, 3, 3, 0), 0);
    ck_assert_uint_eq(eval(IR_SETLTU, 1, 0xffffffff, 0), 1);
    ck_assert_uint_eq(eval(IR_SETLTS, 1, 0xffffffff, 0), 0);
    ck_assert_uint_eq(eval(IR_SELECT, 0, 5, 6), 6);
    ck_assert_uint_eq(eval(IR_SELECT, 7, 5, 6), 5);
}
END_TEST

START_TEST(division_is_total)
{
    ck_assert_uint_eq(eval(IR_UDIV, 7, 0, 0), 0);
    ck_assert_uint_eq(eval(IR_SDIV, 7, 0, 0), 0);
    ck_assert_uint_eq(eval(IR_SDIV, 0x80000000, 0xffffffff, 0), 0x80000000);
    ck_assert_uint_eq(eval(IR_SDIV, (uint32_t)-7, 2, 0), (uint32_t)-3);
    ck_assert_uint_eq(eval(IR_UDIV, 0xffffffff, 2, 0), 0x7fffffff);
}
END_TEST

START_TEST(bit_ops)
{
    ck_assert_uint_eq(eval(IR_CLZ, 0, 0, 0), 32);
    ck_assert_uint_eq(eval(IR_CLZ, 1, 0, 0), 31);
    ck_assert_uint_eq(eval(IR_BSWAP, 0x11223344, 0, 0), 0x44332211);
    ck_assert_uint_eq(eval(IR_SEXT8, 0x80, 0, 0), 0xffffff80);
    ck_assert_uint_eq(eval(IR_SEXT16, 0x7fff, 0, 0), 0x7fff);
    ck_assert_uint_eq(eval(IR_ZEXT8, 0x1ff, 0, 0), 0xff);
    ck_assert_uint_eq(eval(IR_ZEXT16, 0x1ffff, 0, 0), 0xffff);
}
END_TEST

START_TEST(wide_ops)
{
    ck_assert_uint_eq(eval(IR_ZEXT64, 0xffffffff, 0, 0), 0xffffffffull);
    ck_assert_uint_eq(eval(IR_SEXT64, 0xffffffff, 0, 0), ~0ull);
    ck_assert_uint_eq(eval(IR_LO32, 0x1122334455667788ull, 0, 0), 0x55667788);
    ck_assert_uint_eq(eval(IR_HI32, 0x1122334455667788ull, 0, 0), 0x11223344);
    ck_assert_uint_eq(eval(IR_PAIR64, 0x55667788, 0x11223344, 0), 0x1122334455667788ull);
    ck_assert_uint_eq(eval(IR_ADD64, ~0ull, 2, 0), 1);
    ck_assert_uint_eq(eval(IR_SUB64, 0, 1, 0), ~0ull);
    ck_assert_uint_eq(eval(IR_MUL64, 0xffffffffull, 0xffffffffull, 0), 0xfffffffe00000001ull);
    ck_assert_uint_eq(eval(IR_SHL64, 1, 40, 0), 1ull << 40);
    ck_assert_uint_eq(eval(IR_LSHR64, 1ull << 63, 63, 0), 1);
    ck_assert_uint_eq(eval(IR_ASHR64, 1ull << 63, 63, 0), ~0ull);
}
END_TEST

START_TEST(memory_ops)
{
    memset(guest_mem, 0, sizeof guest_mem);
    IrBlock *b = ir_block_new();
    IrTemp addr = ir_movi(b, 16), val = ir_movi(b, 0x8081fffe);
    ir_store(b, IR_ST32, addr, val);
    ir_store(b, IR_ST8, ir_movi(b, 40), ir_movi(b, 0x1ff));
    ir_store(b, IR_ST16, ir_movi(b, 42), ir_movi(b, 0x12345));
    ir_store(b, IR_ST64, ir_movi(b, 48), ir_movi64(b, 0x0102030405060708ull));
    ir_sts32(b, offsetof(TestState, w[0]), ir_load(b, IR_LD8U, ir_movi(b, 19)));
    ir_sts32(b, offsetof(TestState, w[1]), ir_load(b, IR_LD8S, ir_movi(b, 19)));
    ir_sts32(b, offsetof(TestState, w[2]), ir_load(b, IR_LD16U, ir_movi(b, 16)));
    ir_sts32(b, offsetof(TestState, w[3]), ir_load(b, IR_LD16S, ir_movi(b, 16)));
    ir_sts32(b, offsetof(TestState, w[4]), ir_load(b, IR_LD32, ir_movi(b, 17)));
    ir_sts64(b, offsetof(TestState, q[1]), ir_load(b, IR_LD64, ir_movi(b, 48)));
    ir_exit(b, 0x1234, IR_EXIT_JUMP);
    TestState st = {.common.mem_base = guest_mem};
    uint32_t next;
    ck_assert_int_eq(run(b, &st, &next), IR_EXIT_JUMP);
    ck_assert_uint_eq(next, 0x1234);
    ck_assert_uint_eq(st.w[0], 0x80);
    ck_assert_uint_eq(st.w[1], 0xffffff80);
    ck_assert_uint_eq(st.w[2], 0xfffe);
    ck_assert_uint_eq(st.w[3], 0xfffffffe);
    ck_assert_uint_eq(st.w[4], 0x008081ff); /* unaligned, byte 20 is zero */
    ck_assert_uint_eq(guest_mem[40], 0xff);
    ck_assert_uint_eq(guest_mem[42] | guest_mem[43] << 8, 0x2345);
    ck_assert_uint_eq(st.q[1], 0x0102030405060708ull);
    ir_block_free(b);
}
END_TEST

START_TEST(control_flow_and_exits)
{
    IrBlock *b = ir_block_new();
    IrLabel skip = ir_new_label(b), done = ir_new_label(b);
    IrTemp flag = ir_lds32(b, offsetof(TestState, w[0]));
    ir_emit(b, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, 0x1000 | (uint64_t)3 << 32, 0);
    ir_brz(b, flag, skip);
    ir_sts32(b, offsetof(TestState, w[1]), ir_movi(b, 11));
    ir_br(b, done);
    ir_label(b, skip);
    ir_brnz(b, flag, done);
    ir_exit_ind(b, ir_movi(b, 0x2000), ir_movi(b, 0), IR_EXIT_SYSCALL);
    ir_label(b, done);
    ir_exit(b, 0x3000, IR_EXIT_UNDEF);
    TestState st = {.common.mem_base = guest_mem};
    uint32_t next;
    ck_assert_int_eq(run(b, &st, &next), IR_EXIT_SYSCALL);
    ck_assert_uint_eq(next, 0x2000);
    ck_assert_uint_eq(st.common.insn_pc, 0x1000);
    ck_assert_uint_eq(st.common.insn_mode, 3);
    st.w[0] = 1;
    ck_assert_int_eq(run(b, &st, &next), IR_EXIT_UNDEF);
    ck_assert_uint_eq(next, 0x3000);
    ck_assert_uint_eq(st.w[1], 11);
    ir_block_free(b);
}
END_TEST

START_TEST(validator_rejects_bad_blocks)
{
    IrBlock *b = ir_block_new();
    ir_movi(b, 1);
    ck_assert_str_eq(ir_validate(b), "block does not end in an exit");
    ir_block_reset(b);
    ir_emit(b, IR_ADD, 5, 6, IR_NO_TEMP, 0, 0);
    ir_exit(b, 0, IR_EXIT_JUMP);
    ck_assert_str_eq(ir_validate(b), "operand temp used before it is defined");
    ir_block_reset(b);
    IrLabel l = ir_new_label(b);
    ir_label(b, l);
    ir_br(b, l);
    ir_exit(b, 0, IR_EXIT_JUMP);
    ck_assert_str_eq(ir_validate(b), "backward branch inside a block");
    ir_block_free(b);
}
END_TEST

START_TEST(every_op_has_a_name)
{
    for (unsigned op = 0; op < IR_OP_COUNT; op++) {
        ck_assert_ptr_nonnull(ir_op_info[op].name);
        ck_assert_uint_le(ir_op_info[op].nargs, 3);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ir");
    TCase *tc = tcase_create("ops");
    tcase_add_test(tc, arith_ops);
    tcase_add_test(tc, division_is_total);
    tcase_add_test(tc, bit_ops);
    tcase_add_test(tc, wide_ops);
    tcase_add_test(tc, memory_ops);
    tcase_add_test(tc, control_flow_and_exits);
    tcase_add_test(tc, validator_rejects_bad_blocks);
    tcase_add_test(tc, every_op_has_a_name);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
