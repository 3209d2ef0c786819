/*
 * The x86-64 encoder against an independent disassembler: each case
 * encodes one instruction with backend/x64_asm.c and expects GNU objdump's
 * AT&T text for those bytes.  The cases cover what the encoder gets wrong
 * easily: REX.R/X/B for r8-r15, the SIB byte that rsp and r12 need as a
 * base, the displacement rbp and r13 always need, byte registers sil/dil
 * (REX without any extension bit), 16-bit stores (0x66), short and long
 * immediates.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/x64_asm.h"

typedef struct Case {
    const char *expect; /* objdump's instruction text, spaces collapsed */
    void (*emit)(X64Buf *b);
} Case;

static void load_r8_base(X64Buf *b) { x64_load(b, 4, X64_R8, X64_RBX, 0xb0); }
static void load_rsp_base(X64Buf *b) { x64_load(b, 8, X64_RAX, X64_RSP, 16); }
static void load_r12_base(X64Buf *b) { x64_load(b, 4, X64_RCX, X64_R12, 0); }
static void load_r13_base(X64Buf *b) { x64_load(b, 4, X64_RDX, X64_R13, 0); }
static void load_byte_zx(X64Buf *b) { x64_load(b, 1, X64_RSI, X64_RBX, -8); }
static void load_word_sx(X64Buf *b) { x64_load_sx(b, 2, X64_R9, X64_RDI, 0x1000); }
static void load_movsxd(X64Buf *b) { x64_load_sx(b, 4, X64_RAX, X64_RBX, 4); }
static void load_index(X64Buf *b) { x64_load_idx(b, 4, false, X64_RSI, X64_R14, X64_RSI, 0); }
static void load_index_byte_sx(X64Buf *b) { x64_load_idx(b, 1, true, X64_RAX, X64_RDX, X64_R10, 0); }
static void load_index_rbp(X64Buf *b) { x64_load_idx(b, 8, false, X64_RAX, X64_RBP, X64_RAX, 0); }
static void store_byte_sil(X64Buf *b) { x64_store_idx(b, 1, X64_R14, X64_RAX, 0, X64_RSI); }
static void load_index_disp8(X64Buf *b) { x64_load_idx(b, 2, true, X64_R9, X64_R14, X64_R13, -4); }
static void store_index_disp32(X64Buf *b) { x64_store_idx(b, 4, X64_R14, X64_RBP, 0xffc, X64_R11); }
static void load_gs_scaled(X64Buf *b) { x64_load_gs(b, 4, false, X64_R8, X64_RSI, X64_RDI, 4, 0); }
static void load_gs_r13_byte_sx(X64Buf *b) { x64_load_gs(b, 1, true, X64_RAX, X64_R13, X64_R9, 1, 0); }
static void load_gs_disp(X64Buf *b) { x64_load_gs(b, 2, false, X64_R10, X64_RBP, X64_R12, 2, 0x100); }
static void store_gs_halfword(X64Buf *b) { x64_store_gs(b, 2, X64_R15, X64_RSI, 8, -8, X64_R11); }
static void store_gs_byte_dil(X64Buf *b) { x64_store_gs(b, 1, X64_RAX, X64_RDX, 1, 0, X64_RDI); }
static void load_gs_no_index(X64Buf *b) { x64_load_gs(b, 8, false, X64_R14, X64_R12, X64_RSP, 1, 8); }
static void load_gs_abs(X64Buf *b) { x64_load_gs_abs(b, 2, true, X64_R11, 0x10024); }
static void store_gs_abs(X64Buf *b) { x64_store_gs_abs(b, 1, 0x7ffffff0, X64_RSI); }
static void store_word(X64Buf *b) { x64_store(b, 2, X64_RBX, 0x10, X64_R11); }
static void store_qword(X64Buf *b) { x64_store(b, 8, X64_RSP, 0x7ff8, X64_RAX); }
static void store_imm(X64Buf *b) { x64_store_imm(b, 4, X64_RBX, 0x30, 0x8000); }
static void store_imm64(X64Buf *b) { x64_store_imm(b, 8, X64_R12, 0, 0xfffffffeu); }
static void mov_imm32(X64Buf *b) { x64_mov_imm(b, X64_R15, 0x12345678); }
static void mov_imm_sx(X64Buf *b) { x64_mov_imm(b, X64_RAX, 0xffffffffffffff00ull); }
static void mov_imm64(X64Buf *b) { x64_mov_imm(b, X64_RCX, 0x123456789abcull); }
static void mov_rr(X64Buf *b) { x64_mov_rr(b, 8, X64_RBX, X64_RDI); }
static void alu_rr(X64Buf *b) { x64_alu_rr(b, 4, X64_XOR, X64_R8, X64_RSI); }
static void alu_rm(X64Buf *b) { x64_alu_rm(b, 4, X64_CMP, X64_RCX, X64_RDX, 8); }
static void alu_mem_imm8(X64Buf *b) { x64_alu_mem_imm8(b, 4, X64_CMP, X64_RBX, 0x48, 0); }
static void alu_mem_imm8_r12(X64Buf *b) { x64_alu_mem_imm8(b, 8, X64_ADD, X64_R12, 0x100, -1); }
static void alu_imm8(X64Buf *b) { x64_alu_imm(b, 4, X64_ADD, X64_R9, 0xfffffffeu); }
static void alu_imm32(X64Buf *b) { x64_alu_imm(b, 8, X64_SUB, X64_RSP, 0x8008); }
static void adc_imm(X64Buf *b) { x64_alu_imm(b, 4, X64_ADC, X64_RSI, 1); }
static void imul(X64Buf *b) { x64_imul_rr(b, 4, X64_R10, X64_R11); }
static void not_r(X64Buf *b) { x64_not(b, 4, X64_RDI); }
static void neg_r(X64Buf *b) { x64_neg(b, 4, X64_RCX); }
static void div_u(X64Buf *b) { x64_div(b, false, X64_RCX); }
static void div_s(X64Buf *b) { x64_div(b, true, X64_R8); }
static void test_rr(X64Buf *b) { x64_test_rr(b, 4, X64_RAX, X64_RAX); }
static void shift_cl(X64Buf *b) { x64_shift_cl(b, 8, X64_SAR, X64_R13); }
static void shift_imm(X64Buf *b) { x64_shift_imm(b, 4, X64_ROR, X64_RBP, 7); }
static void setcc_sil(X64Buf *b) { x64_setcc(b, X64_CC_O, X64_RSI); }
static void setcc_byte_r10(X64Buf *b) { x64_setcc_byte(b, X64_CC_E, X64_R10); }
static void setcc_mem(X64Buf *b) { x64_setcc_mem(b, X64_CC_S, X64_RBX, 0xe0); }
static void setcc_mem_r12(X64Buf *b) { x64_setcc_mem(b, X64_CC_B, X64_R12, 0); }
static void cmc(X64Buf *b) { x64_cmc(b); }
static void cmov(X64Buf *b) { x64_cmov(b, 4, X64_CC_NE, X64_RCX, X64_R9); }
static void bsr(X64Buf *b) { x64_bsr(b, X64_RAX, X64_R12); }
static void bswap(X64Buf *b) { x64_bswap(b, X64_R11); }
static void extend_dil(X64Buf *b) { x64_extend(b, 1, false, X64_RDI, X64_RDI); }
static void extend_word(X64Buf *b) { x64_extend(b, 2, true, X64_RAX, X64_R8); }
static void lea_scaled(X64Buf *b) { x64_lea(b, 8, X64_RDX, X64_RDX, X64_RDX, 2, 0); }
static void lea_base_only(X64Buf *b) { x64_lea(b, 4, X64_RCX, X64_RAX, X64_RSP, 1, 3); }
static void push_r13(X64Buf *b) { x64_push(b, X64_R13); }
static void pop_rbx(X64Buf *b) { x64_pop(b, X64_RBX); }
static void call_rax(X64Buf *b) { x64_call_reg(b, X64_RAX); }
static void jmp_r11(X64Buf *b) { x64_jmp_reg(b, X64_R11); }
static void stc(X64Buf *b) { x64_stc(b); }
static void cmp_abs_idx(X64Buf *b) { x64_alu_rm_abs_idx(b, 4, X64_CMP, X64_R9, X64_RAX, 8, 0x403a940); }
static void cmp_abs_idx_r10(X64Buf *b) { x64_alu_rm_abs_idx(b, 4, X64_CMP, X64_RCX, X64_R10, 8, 0x1004); }
static void jmp_abs_idx(X64Buf *b) { x64_jmp_mem_abs_idx(b, X64_RAX, 8, 0x403a948); }

static const Case cases[] = {
    {"mov 0xb0(%rbx),%r8d", load_r8_base},
    {"mov 0x10(%rsp),%rax", load_rsp_base},
    {"mov (%r12),%ecx", load_r12_base},
    {"mov 0x0(%r13),%edx", load_r13_base},
    {"movzbl -0x8(%rbx),%esi", load_byte_zx},
    {"movswl 0x1000(%rdi),%r9d", load_word_sx},
    {"movslq 0x4(%rbx),%rax", load_movsxd},
    {"mov (%r14,%rsi,1),%esi", load_index},
    {"movsbl (%rdx,%r10,1),%eax", load_index_byte_sx},
    {"mov 0x0(%rbp,%rax,1),%rax", load_index_rbp},
    {"mov %sil,(%r14,%rax,1)", store_byte_sil},
    {"movswl -0x4(%r14,%r13,1),%r9d", load_index_disp8},
    {"mov %r11d,0xffc(%r14,%rbp,1)", store_index_disp32},
    {"mov %gs:(%esi,%edi,4),%r8d", load_gs_scaled},
    {"movsbl %gs:0x0(%r13d,%r9d,1),%eax", load_gs_r13_byte_sx},
    {"movzwl %gs:0x100(%ebp,%r12d,2),%r10d", load_gs_disp},
    {"mov %r11w,%gs:-0x8(%r15d,%esi,8)", store_gs_halfword},
    {"mov %dil,%gs:(%eax,%edx,1)", store_gs_byte_dil},
    {"mov %gs:0x8(%r12d),%r14", load_gs_no_index},
    {"movswl %gs:0x10024(,%eiz,1),%r11d", load_gs_abs},
    {"mov %sil,%gs:0x7ffffff0(,%eiz,1)", store_gs_abs},
    {"mov %r11w,0x10(%rbx)", store_word},
    {"mov %rax,0x7ff8(%rsp)", store_qword},
    {"movl $0x8000,0x30(%rbx)", store_imm},
    {"movq $0xfffffffffffffffe,(%r12)", store_imm64},
    {"mov $0x12345678,%r15d", mov_imm32},
    {"mov $0xffffffffffffff00,%rax", mov_imm_sx},
    {"movabs $0x123456789abc,%rcx", mov_imm64},
    {"mov %rdi,%rbx", mov_rr},
    {"xor %esi,%r8d", alu_rr},
    {"cmp 0x8(%rdx),%ecx", alu_rm},
    {"cmpl $0x0,0x48(%rbx)", alu_mem_imm8},
    {"addq $0xffffffffffffffff,0x100(%r12)", alu_mem_imm8_r12},
    {"add $0xfffffffe,%r9d", alu_imm8},
    {"sub $0x8008,%rsp", alu_imm32},
    {"adc $0x1,%esi", adc_imm},
    {"imul %r11d,%r10d", imul},
    {"not %edi", not_r},
    {"neg %ecx", neg_r},
    {"div %ecx", div_u},
    {"idiv %r8d", div_s},
    {"test %eax,%eax", test_rr},
    {"sar %cl,%r13", shift_cl},
    {"ror $0x7,%ebp", shift_imm},
    {"seto %sil", setcc_sil},
    {"movzbl %sil,%esi", NULL}, /* the second half of setcc */
    {"sete %r10b", setcc_byte_r10},
    {"sets 0xe0(%rbx)", setcc_mem},
    {"cmc", cmc},
    {"setb (%r12)", setcc_mem_r12},
    {"cmovne %r9d,%ecx", cmov},
    {"bsr %r12d,%eax", bsr},
    {"bswap %r11d", bswap},
    {"movzbl %dil,%edi", extend_dil},
    {"movswl %r8w,%eax", extend_word},
    {"lea (%rdx,%rdx,2),%rdx", lea_scaled},
    {"lea 0x3(%rax,%riz,1),%ecx", lea_base_only}, /* a SIB byte with no index (objdump: %riz) */
    {"push %r13", push_r13},
    {"pop %rbx", pop_rbx},
    {"call *%rax", call_rax},
    {"jmp *%r11", jmp_r11},
    {"stc", stc},
    {"cmp 0x403a940(,%rax,8),%r9d", cmp_abs_idx},
    {"cmp 0x1004(,%r10,8),%ecx", cmp_abs_idx_r10},
    {"jmp *0x403a948(,%rax,8)", jmp_abs_idx},
};

/* objdump's instruction texts for the bytes, one per line, spaces collapsed
 * (NULL if objdump cannot be run). */
static char *disassemble(const uint8_t *code, size_t len)
{
    char path[] = "/tmp/scion-x64-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, code, len), (ssize_t)len);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "objdump -D -b binary -mi386:x86-64 %s", path);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t cap = 1 << 16, n = 0;
    char *out = calloc(cap, 1), line[512];
    while (fgets(line, sizeof line, p)) {
        /* "   0:\t8b 83 b0 00 00 00 \tmov    0xb0(%rbx),%eax" */
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2)
            continue;
        for (char *s = tab2 + 1; *s && *s != '\n' && n + 2 < cap; s++)
            if (*s != ' ' || (n && out[n - 1] != ' '))
                out[n++] = *s;
        out[n++] = '\n';
    }
    int status = pclose(p);
    unlink(path);
    ck_assert_msg(status == 0, "objdump failed (binutils is a build dependency of gcc)");
    return out;
}

static void collapse(const char *in, char *out, size_t len)
{
    size_t n = 0;
    for (; *in && n + 1 < len; in++)
        if (*in != ' ' || (n && out[n - 1] != ' '))
            out[n++] = *in;
    out[n] = 0;
}

START_TEST(encodings_match_objdump)
{
    uint8_t code[4096];
    X64Buf b = {.p = code, .cap = sizeof code};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (cases[i].emit)
            cases[i].emit(&b);
    ck_assert(!b.overflow);
    char *text = disassemble(code, b.len), *line = text;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *end = strchr(line, '\n');
        ck_assert_msg(end != NULL, "objdump shows fewer instructions than expected, stopping before '%s'",
                      cases[i].expect);
        *end = 0;
        char want[128];
        collapse(cases[i].expect, want, sizeof want);
        ck_assert_msg(!strcmp(line, want), "case %zu: encoded '%s', expected '%s'", i, line, want);
        line = end + 1;
    }
    ck_assert_msg(*line == 0, "objdump shows more instructions than expected: %s", line);
    free(text);
}
END_TEST

START_TEST(forward_jumps_land_where_patched)
{
    uint8_t code[64];
    X64Buf b = {.p = code, .cap = sizeof code};
    size_t j = x64_jcc_fwd(&b, X64_CC_E);
    x64_stc(&b);
    x64_patch(&b, j);
    x64_ret(&b);
    char *text = disassemble(code, b.len);
    ck_assert_str_eq(text, "je 0x7\nstc\nret\n");
    free(text);
}
END_TEST

START_TEST(overflow_is_reported_not_written)
{
    uint8_t code[8] = {0};
    X64Buf b = {.p = code, .cap = 4};
    x64_mov_imm(&b, X64_RCX, 0x123456789abcull);
    ck_assert(b.overflow);
    ck_assert_uint_eq(b.len, 4);
    ck_assert_uint_eq(code[4], 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x64_asm");
    TCase *tc = tcase_create("encode");
    tcase_add_test(tc, encodings_match_objdump);
    tcase_add_test(tc, forward_jumps_land_where_patched);
    tcase_add_test(tc, overflow_is_reported_not_written);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
