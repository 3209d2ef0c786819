/* Decoder wrapper and translator: Capstone quirks scion relies on, IT
 * handling, and small blocks run through the interpreter with results
 * worked out by hand from the ARM ARM. */
#include <check.h>
#include <stddef.h>
#include <string.h>

#include <capstone/capstone.h>

#include "backend/interp.h"
#include "frontend/arm_cpu.h"
#include "frontend/arm_decode.h"
#include "frontend/decode_memo.h"
#include "translator/translate.h"

static uint8_t mem[0x2000];

static size_t fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len)
{
    (void)opaque;
    size_t n = 0;
    while (n < len && addr + n < sizeof mem) {
        buf[n] = mem[addr + n];
        n++;
    }
    return n;
}

static void put32(uint32_t addr, uint32_t v)
{
    memcpy(mem + addr, &v, 4);
}

static void put16(uint32_t addr, uint16_t v)
{
    memcpy(mem + addr, &v, 2);
}

/* Translate and run one block at pc; returns the exit kind. */
static IrExitKind run_block(Translator *t, ArmCpu *cpu, uint32_t pc)
{
    TranslateResult r;
    ck_assert_int_eq(translate_block(t, fetch, NULL, pc, arm_mode_bits(cpu), &r), TRANSLATE_OK);
    ck_assert_msg(ir_validate(r.ir) == NULL, "%s", ir_validate(r.ir));
    InterpCode *code = interp_prepare(r.ir);
    uint32_t next;
    IrExitKind k = interp_run(code, cpu, &next);
    cpu->r[15] = next;
    interp_free(code);
    return k;
}

static void reset(ArmCpu *cpu)
{
    memset(cpu, 0, sizeof *cpu);
    cpu->common.mem_base = mem;
}

START_TEST(thumb_raw_and_size)
{
    ArmDecoder *d = arm_decoder_new();
    const uint8_t sdiv[] = {0x90, 0xfb, 0xf1, 0xf0}; /* sdiv r0, r0, r1 */
    ArmInsn insn;
    ck_assert(arm_decode(d, sdiv, 4, 0x100, true, &insn));
    ck_assert_uint_eq(insn.size, 4);
    ck_assert_uint_eq(insn.raw, 0xfb90f0f1);
    ck_assert_uint_eq(insn.id, ARM_INS_SDIV);
    const uint8_t half[] = {0x90, 0xfb};
    ck_assert(!arm_decode(d, half, 2, 0x100, true, &insn));
    arm_decoder_free(d);
}
END_TEST

START_TEST(it_state_priming)
{
    ArmDecoder *d = arm_decoder_new();
    const uint8_t adds[] = {0x40, 0x18}; /* adds r0, r0, r1 outside IT; add inside */
    ArmInsn insn;
    arm_decode_begin_block(d, true, 0x08); /* IT EQ with one instruction */
    ck_assert(arm_decode(d, adds, 2, 0x100, true, &insn));
    ck_assert(!insn.detail->update_flags);
    arm_decode_end_block(d, true, 0);
    ck_assert(arm_decode(d, adds, 2, 0x100, true, &insn));
    ck_assert(insn.detail->update_flags);
    /* A block that stops mid-IT must not leak IT state into the next. */
    const uint8_t itt[] = {0x04, 0xbf}; /* itt eq */
    ck_assert(arm_decode(d, itt, 2, 0x100, true, &insn));
    arm_decode_end_block(d, true, 0x04);
    ck_assert(arm_decode(d, adds, 2, 0x100, true, &insn));
    ck_assert(insn.detail->update_flags);
    arm_decoder_free(d);
}
END_TEST

/* The decoder's memo answers outside IT blocks only: an encoding it holds
 * from outside means something else inside one. */
START_TEST(memo_stays_out_of_it_blocks)
{
    ArmDecoder *d = arm_decoder_new();
    const uint8_t adds[] = {0x40, 0x18}, itt[] = {0x04, 0xbf}; /* adds r0, r0, r1; itt eq */
    ArmInsn insn;
    for (int i = 0; i < 2; i++) { /* the second from the memo */
        ck_assert(arm_decode(d, adds, 2, 0x100, true, &insn));
        ck_assert(insn.detail->update_flags);
    }
    ck_assert(arm_decode(d, itt, 2, 0x102, true, &insn));
    for (int i = 0; i < 2; i++) {
        ck_assert(arm_decode(d, adds, 2, 0x104 + 2 * i, true, &insn));
        ck_assert(!insn.detail->update_flags);
        ck_assert_int_eq(insn.cond, 0);
    }
    ck_assert(arm_decode(d, adds, 2, 0x108, true, &insn)); /* the IT block is over */
    ck_assert(insn.detail->update_flags);
    arm_decode_end_block(d, true, 0);
    arm_decode_begin_block(d, true, 0x18); /* a block that starts inside IT NE */
    ck_assert(arm_decode(d, adds, 2, 0x200, true, &insn));
    ck_assert(!insn.detail->update_flags);
    ck_assert_int_eq(insn.cond, 1);
    arm_decode_end_block(d, true, 0);
    arm_decoder_free(d);
}
END_TEST

/* raw (ArmInsn's form) as the bytes in memory. */
static void put_raw(uint8_t bytes[4], uint32_t raw, bool thumb, unsigned size)
{
    if (thumb && size == 4) {
        const uint8_t b[4] = {(uint8_t)(raw >> 16), (uint8_t)(raw >> 24), (uint8_t)raw, (uint8_t)(raw >> 8)};
        memcpy(bytes, b, 4);
    } else {
        const uint8_t b[4] = {(uint8_t)raw, (uint8_t)(raw >> 8), (uint8_t)(raw >> 16), (uint8_t)(raw >> 24)};
        memcpy(bytes, b, 4);
    }
}

/* Decodes raw twice (the second time from the memo, at another pc) and
 * compares with Capstone's own decoding at that pc, detail byte for byte. */
static void check_recall(ArmDecoder *d, csh reference, cs_insn *ref, uint32_t raw, bool thumb, unsigned size)
{
    uint8_t bytes[4];
    put_raw(bytes, raw, thumb, size);
    ArmInsn first, again;
    if (!arm_decode(d, bytes, size, 0x8000, thumb, &first))
        return;
    ck_assert(arm_decode(d, bytes, size, 0x7654320, thumb, &again));
    const uint8_t *p = bytes;
    size_t n = size;
    uint64_t addr = 0x7654320;
    ck_assert(cs_disasm_iter(reference, &p, &n, &addr, ref));
    ck_assert_msg(again.id == ref->id && !memcmp(again.detail, &ref->detail->arm, sizeof *again.detail),
                  "%s %08x (%s %s): decoded again, not what Capstone says at another pc", thumb ? "T32" : "A32", raw,
                  ref->mnemonic, ref->op_str);
}

static bool is_it(uint32_t raw16)
{
    return (raw16 & 0xff00) == 0xbf00 && (raw16 & 0xf) != 0;
}

/* The memo itself keeps nearly everything it is given (an operand its
 * packed form loses keeps an instruction out) and gives it back exactly. */
static void keep_and_recall(DecodeMemo *m, csh h, cs_insn *ci, uint32_t raw, bool thumb, unsigned *kept,
                            unsigned *recalled)
{
    uint8_t bytes[4];
    unsigned size = thumb && raw < 0x10000 ? 2 : 4;
    if (size == 2 && is_it(raw)) /* it would change the handle's state */
        return;
    put_raw(bytes, raw, thumb, size);
    const uint8_t *p = bytes;
    size_t n = size;
    uint64_t addr = 0x8000;
    if (!cs_disasm_iter(h, &p, &n, &addr, ci) || ci->id == ARM_INS_IT || decode_memo_pc_dependent(ci->id))
        return;
    decode_memo_keep(m, raw, thumb, ci->id, &ci->detail->arm);
    (*kept)++;
    unsigned id;
    const cs_arm *back = decode_memo_recall(m, raw, thumb, &id);
    if (!back)
        return;
    (*recalled)++;
    ck_assert_msg(id == ci->id && !memcmp(back, &ci->detail->arm, sizeof *back), "%s %08x (%s %s) recalled wrong",
                  thumb ? "T32" : "A32", raw, ci->mnemonic, ci->op_str);
}

START_TEST(memo_answers_as_capstone_does)
{
    ArmDecoder *d = arm_decoder_new();
    csh arm, thumb;
    ck_assert(cs_open(CS_ARCH_ARM, CS_MODE_ARM, &arm) == CS_ERR_OK);
    ck_assert(cs_open(CS_ARCH_ARM, CS_MODE_THUMB, &thumb) == CS_ERR_OK);
    cs_option(arm, CS_OPT_DETAIL, CS_OPT_ON);
    cs_option(thumb, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *ref_arm = cs_malloc(arm), *ref_thumb = cs_malloc(thumb);
    for (uint32_t v = 0; v < 0x10000; v++) /* every 16-bit Thumb encoding */
        if (!thumb_is_32bit((uint16_t)v) && !is_it(v))
            check_recall(d, thumb, ref_thumb, v, true, 2);
    uint32_t x = 0x2545f491;
    DecodeMemo *m = decode_memo_new();
    unsigned kept = 0, recalled = 0;
    for (int i = 0; i < 60000; i++) { /* 32-bit encodings (xorshift) */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        check_recall(d, arm, ref_arm, x, false, 4);
        check_recall(d, thumb, ref_thumb, x | 0xe8000000, true, 4);
        keep_and_recall(m, arm, ref_arm, x, false, &kept, &recalled);
        keep_and_recall(m, thumb, ref_thumb, (x & 0xffff) | (i & 1 ? 0 : 0xe8000000u), true, &kept, &recalled);
    }
    ck_assert_msg(recalled > kept / 100 * 99, "the memo gave back %u of %u", recalled, kept);
    decode_memo_free(m);
    cs_free(ref_arm, 1);
    cs_free(ref_thumb, 1);
    cs_close(&arm);
    cs_close(&thumb);
    arm_decoder_free(d);
}
END_TEST

START_TEST(register_indices)
{
    ck_assert_int_eq(arm_reg_index(ARM_REG_R0), 0);
    ck_assert_int_eq(arm_reg_index(ARM_REG_R12), 12);
    ck_assert_int_eq(arm_reg_index(ARM_REG_SP), 13);
    ck_assert_int_eq(arm_reg_index(ARM_REG_LR), 14);
    ck_assert_int_eq(arm_reg_index(ARM_REG_PC), 15);
    ck_assert_int_eq(arm_reg_index(ARM_REG_S3), -1);
    ck_assert_int_eq(arm_sreg_index(ARM_REG_S3), 3);
    ck_assert_int_eq(arm_dreg_index(ARM_REG_D31), 31);
}
END_TEST

START_TEST(arm_adds_flags_and_bx)
{
    Translator *t = translator_new();
    ArmCpu cpu;
    reset(&cpu);
    put32(0x1000, 0xe0910002); /* adds r0, r1, r2 */
    put32(0x1004, 0xe12fff1e); /* bx lr */
    cpu.r[1] = 0x7fffffff;
    cpu.r[2] = 1;
    cpu.r[14] = 0x1801; /* Thumb return address */
    ck_assert_int_eq(run_block(t, &cpu, 0x1000), IR_EXIT_INDIRECT);
    ck_assert_uint_eq(cpu.r[0], 0x80000000);
    ck_assert_uint_eq(cpu.nf, 1);
    ck_assert_uint_eq(cpu.zf, 0);
    ck_assert_uint_eq(cpu.cf, 0);
    ck_assert_uint_eq(cpu.vf, 1);
    ck_assert_uint_eq(cpu.r[15], 0x1800);
    ck_assert_uint_eq(cpu.thumb, 1);
    translator_free(t);
}
END_TEST

/* Disassembling for a log (-d in_asm) decodes an IT instruction on its
 * own; the IT block it opens must not reach the next translation. */
START_TEST(logging_an_it_instruction_leaves_translation_alone)
{
    Translator *t = translator_new();
    const uint8_t itt[] = {0x04, 0xbf}; /* itt eq */
    char text[80];
    unsigned size;
    translator_disasm(t, itt, 2, 0x1800, true, text, sizeof text, &size);
    ck_assert_str_eq(text, "itt eq");
    ArmCpu cpu;
    reset(&cpu);
    cpu.thumb = 1;
    put16(0x1000, 0x1840); /* adds r0, r0, r1 */
    put16(0x1002, 0x4770); /* bx lr */
    cpu.r[0] = 0xffffffff;
    cpu.r[1] = 1;
    cpu.r[14] = 0x1801;
    ck_assert_int_eq(run_block(t, &cpu, 0x1000), IR_EXIT_INDIRECT);
    ck_assert_uint_eq(cpu.r[0], 0);
    ck_assert_uint_eq(cpu.zf, 1);
    ck_assert_uint_eq(cpu.cf, 1);
    translator_free(t);
}
END_TEST

START_TEST(arm_register_shift_by_33_and_carry)
{
    Translator *t = translator_new();
    ArmCpu cpu;
    reset(&cpu);
    put32(0x1000, 0xe1b00231); /* lsrs r0, r1, r2 */
    put32(0x1004, 0xeafffffe); /* b . */
    cpu.r[1] = 0x80000001;
    cpu.r[2] = 32;
    run_block(t, &cpu, 0x1000);
    ck_assert_uint_eq(cpu.r[0], 0);
    ck_assert_uint_eq(cpu.cf, 1); /* bit 31 shifted out last */
    ck_assert_uint_eq(cpu.zf, 1);
    cpu.r[2] = 33;
    run_block(t, &cpu, 0x1000);
    ck_assert_uint_eq(cpu.cf, 0);
    translator_free(t);
}
END_TEST

START_TEST(arm_rotated_immediate)
{
    Translator *t = translator_new();
    ArmCpu cpu;
    reset(&cpu);
    put32(0x1000, 0xe28cca38); /* add ip, ip, #0x38000 (Capstone: "#56, #20") */
    put32(0x1004, 0xe3b004ff); /* movs r0, #0xff000000: carry = bit 31 */
    put32(0x1008, 0xeafffffe); /* b . */
    cpu.r[12] = 0x1000;
    run_block(t, &cpu, 0x1000);
    ck_assert_uint_eq(cpu.r[12], 0x39000);
    ck_assert_uint_eq(cpu.r[0], 0xff000000);
    ck_assert_uint_eq(cpu.cf, 1);
    ck_assert_uint_eq(cpu.nf, 1);
    translator_free(t);
}
END_TEST

START_TEST(arm_immediate_shift_instructions)
{
    Translator *t = translator_new();
    ArmCpu cpu;
    reset(&cpu);
    put32(0x1000, 0xe1a05e20); /* lsr r5, r0, #28 */
    put32(0x1004, 0xe1b06200); /* lsls r6, r0, #4 */
    put32(0x1008, 0xe1a07060); /* rrx r7, r0 */
    put32(0x100c, 0xeafffffe); /* b . */
    cpu.r[0] = 0xc80606a1;
    cpu.cf = 0;
    run_block(t, &cpu, 0x1000);
    ck_assert_uint_eq(cpu.r[5], 0xc);
    ck_assert_uint_eq(cpu.r[6], 0x80606a10);
    ck_assert_uint_eq(cpu.cf, 0); /* bit 28 of r0 shifted out last */
    ck_assert_uint_eq(cpu.r[7], 0x64030350);
    translator_free(t);
}
END_TEST

START_TEST(thumb2_adc_without_s_keeps_flags)
{
    Translator *t = translator_new();
    ArmCpu cpu;
    reset(&cpu);
    put16(0x1000, 0xeb42); /* adc.w r2, r2, r2 (S = 0) */
    put16(0x1002, 0x0202);
    put16(0x1004, 0xe7fe); /* b . */
    cpu.thumb = 1;
    cpu.r[2] = 0x80000000;
    cpu.cf = 1;
    run_block(t, &cpu, 0x1000);
    ck_assert_uint_eq(cpu.r[2], 1);
    ck_assert_uint_eq(cpu.cf, 1); /* unchanged, though the add carried out */
    ck_assert_uint_eq(cpu.zf, 0);
    translator_free(t);
}
END_TEST

START_TEST(thumb_it_block_conditions)
{
    Translator *t = translator_new();
    ArmCpu cpu;
    reset(&cpu);
    put16(0x1000, 0xbf0c); /* ite eq */
    put16(0x1002, 0x2001); /* moveq r0, #1 */
    put16(0x1004, 0x2002); /* movne r0, #2 */
    put16(0x1006, 0xe7fe); /* b . */
    cpu.thumb = 1;
    cpu.zf = 1;
    cpu.nf = 1;
    run_block(t, &cpu, 0x1000);
    ck_assert_uint_eq(cpu.r[0], 1);
    ck_assert_uint_eq(cpu.nf, 1); /* MOV inside IT does not set flags */
    cpu.zf = 0;
    run_block(t, &cpu, 0x1000);
    ck_assert_uint_eq(cpu.r[0], 2);
    ck_assert_uint_eq(cpu.itstate, 0);
    translator_free(t);
}
END_TEST

START_TEST(undefined_and_svc_exits)
{
    Translator *t = translator_new();
    ArmCpu cpu;
    reset(&cpu);
    put32(0x1000, 0xe3a07001); /* mov r7, #1 */
    put32(0x1004, 0xef000000); /* svc 0 */
    put32(0x1008, 0xe7f000f0); /* udf */
    ck_assert_int_eq(run_block(t, &cpu, 0x1000), IR_EXIT_SYSCALL);
    ck_assert_uint_eq(cpu.r[15], 0x1008);
    ck_assert_uint_eq(cpu.r[7], 1);
    ck_assert_int_eq(run_block(t, &cpu, 0x1008), IR_EXIT_UNDEF);
    ck_assert_uint_eq(cpu.r[15], 0x1008);
    translator_free(t);
}
END_TEST

START_TEST(block_ends_at_page_boundary)
{
    Translator *t = translator_new();
    TranslateResult r;
    for (uint32_t a = 0xff0; a < 0x1010; a += 4)
        put32(a, 0xe2800001); /* add r0, r0, #1 */
    ck_assert_int_eq(translate_block(t, fetch, NULL, 0xff0, 0, &r), TRANSLATE_OK);
    ck_assert_uint_eq(r.guest_end, 0x1000);
    ck_assert_uint_eq(r.ninsns, 4);
    ck_assert_int_eq(translate_block(t, fetch, NULL, 0x1ffc + 4, 0, &r), TRANSLATE_FETCH_FAULT);
    translator_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, thumb_raw_and_size);
    tcase_add_test(tc, it_state_priming);
    tcase_add_test(tc, memo_stays_out_of_it_blocks);
    tcase_add_test(tc, memo_answers_as_capstone_does);
    tcase_add_test(tc, register_indices);
    tcase_add_test(tc, arm_adds_flags_and_bx);
    tcase_add_test(tc, logging_an_it_instruction_leaves_translation_alone);
    tcase_add_test(tc, arm_register_shift_by_33_and_carry);
    tcase_add_test(tc, arm_rotated_immediate);
    tcase_add_test(tc, arm_immediate_shift_instructions);
    tcase_add_test(tc, thumb2_adc_without_s_keeps_flags);
    tcase_add_test(tc, thumb_it_block_conditions);
    tcase_add_test(tc, undefined_and_svc_exits);
    tcase_add_test(tc, block_ends_at_page_boundary);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
