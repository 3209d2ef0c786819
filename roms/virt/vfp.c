/*
 * vfp: enabling the floating-point unit (ARM ARM B4.1.40 CPACR,
 * B6.1 FPEXC): VFP instructions are UNDEFINED until CPACR grants CP10/CP11
 * and FPEXC.EN is set; the ID registers; a few IEEE 754 operations with
 * exact expected bit patterns, comparisons, exception flags, rounding.
 */
#include "rom.h"

uint32_t vfp_read_fpsid(void);
uint32_t vfp_read_mvfr0(void);
uint32_t vfp_read_mvfr1(void);
uint32_t vfp_read_fpexc(void);
void vfp_write_fpexc(uint32_t v);
uint32_t vfp_read_fpscr(void);
void vfp_write_fpscr(uint32_t v);
uint64_t vfp_add_f64(uint64_t a, uint64_t b);
uint64_t vfp_mul_f64(uint64_t a, uint64_t b);
uint64_t vfp_div_f64(uint64_t a, uint64_t b);
uint64_t vfp_sqrt_f64(uint64_t a);
uint32_t vfp_div_f32(uint32_t a, uint32_t b);
uint32_t vfp_f64_to_s32(uint64_t a);
uint64_t vfp_s32_to_f64(uint32_t a);
uint32_t vfp_cmp_f64(uint64_t a, uint64_t b);
uint64_t vfp_d31_roundtrip(uint64_t v);

#define FPEXC_EN (1u << 30)
#define CPACR_CP10_CP11_FULL (0xfu << 20)
#define FPSCR_IOC (1u << 0)
#define FPSCR_DZC (1u << 1)
#define FPSCR_IXC (1u << 4)
#define FPSCR_RZ (3u << 22)

/* IEEE 754 double bit patterns */
#define D_0 0x0000000000000000ull
#define D_1 0x3ff0000000000000ull
#define D_1_5 0x3ff8000000000000ull
#define D_2 0x4000000000000000ull
#define D_2_25 0x4002000000000000ull
#define D_2_5 0x4004000000000000ull
#define D_3 0x4008000000000000ull
#define D_M2_5 0xc004000000000000ull
#define D_M3 0xc008000000000000ull
#define D_3_75 0x400e000000000000ull
#define D_4 0x4010000000000000ull
#define D_M7_5 0xc01e000000000000ull
#define D_10 0x4024000000000000ull
#define D_SQRT2 0x3ff6a09e667f3bcdull
#define D_INF 0x7ff0000000000000ull
#define D_DEFAULT_NAN 0x7ff8000000000000ull
#define F_1 0x3f800000u
#define F_3 0x40400000u

static volatile uint32_t undefs;

static void on_und(struct exc_frame *f)
{
    undefs++;
    f->pc += 4;
}

static int check_eq64(uint64_t got, uint64_t want, const char *what)
{
    int ok = check(got == want, what);
    if (!ok) {
        puts_raw("       got ");
        print_hex((uint32_t)(got >> 32));
        print_hex((uint32_t)got);
        puts_raw(", want ");
        print_hex((uint32_t)(want >> 32));
        print_hex((uint32_t)want);
        uart_putc('\n');
    }
    return ok;
}

static void test_enable(void)
{
    section("enabling (CPACR, FPEXC)");
    exc_set_handler(EXC_UND, on_und);
    write_cpacr(0);
    isb();
    undefs = 0;
    (void)vfp_read_fpsid();
    check_eq(undefs, 1, "CPACR CP10/CP11 = no access: VMRS FPSID is UNDEFINED");
    undefs = 0;
    (void)vfp_add_f64(D_1, D_1);
    check(undefs >= 1, "  and so is VADD");

    write_cpacr(CPACR_CP10_CP11_FULL);
    isb();
    check_eq(read_cpacr() & CPACR_CP10_CP11_FULL, CPACR_CP10_CP11_FULL,
             "CPACR CP10/CP11 = full access reads back");
    undefs = 0;
    vfp_write_fpexc(0);
    uint32_t fpsid = vfp_read_fpsid();
    uint32_t mvfr0 = vfp_read_mvfr0();
    uint32_t mvfr1 = vfp_read_mvfr1();
    check_eq(vfp_read_fpexc() & FPEXC_EN, 0, "FPEXC.EN = 0");
    check_eq(undefs, 0, "FPEXC, FPSID, MVFR0/1 accessible while FPEXC.EN = 0");
    (void)vfp_add_f64(D_1, D_1);
    check(undefs >= 1, "FPEXC.EN = 0: VADD is UNDEFINED");
    undefs = 0;
    (void)vfp_read_fpscr();
    check_eq(undefs, 1, "FPEXC.EN = 0: VMRS FPSCR is UNDEFINED");

    puts_raw("  FPSID ");
    print_hex(fpsid);
    puts_raw(" MVFR0 ");
    print_hex(mvfr0);
    puts_raw(" MVFR1 ");
    print_hex(mvfr1);
    uart_putc('\n');
    check_eq(fpsid >> 24, 0x41, "FPSID.Implementer = 0x41 (ARM)");
    check_eq(fpsid & (1u << 23), 0, "FPSID.SW = 0 (hardware)");
    check_eq(mvfr0 & 0xf, 2, "MVFR0: 32 double-precision registers");
    check_eq((mvfr0 >> 4) & 0xf, 2, "MVFR0: single precision, VFPv3 or later");
    check_eq((mvfr0 >> 8) & 0xf, 2, "MVFR0: double precision, VFPv3 or later");
    check_eq((mvfr0 >> 16) & 0xf, 1, "MVFR0: hardware divide");
    check_eq((mvfr0 >> 20) & 0xf, 1, "MVFR0: hardware square root");

    vfp_write_fpexc(FPEXC_EN);
    isb();
    check_eq(vfp_read_fpexc() & FPEXC_EN, FPEXC_EN, "FPEXC.EN = 1 reads back");
    undefs = 0;
    vfp_write_fpscr(0);
    check_eq64(vfp_add_f64(D_1, D_1), D_2, "VADD now works: 1 + 1 = 2");
    check_eq(undefs, 0, "  no undefined instruction");
    exc_set_handler(EXC_UND, 0);
}

static void test_arithmetic(void)
{
    section("arithmetic (round to nearest)");
    vfp_write_fpscr(0);
    check_eq64(vfp_add_f64(D_1_5, D_2_25), D_3_75, "1.5 + 2.25 = 3.75");
    check_eq64(vfp_mul_f64(D_3, D_M2_5), D_M7_5, "3 * -2.5 = -7.5");
    check_eq64(vfp_div_f64(D_10, D_4), D_2_5, "10 / 4 = 2.5");
    check_eq64(vfp_sqrt_f64(D_2), D_SQRT2, "sqrt(2) correctly rounded");
    check_eq(vfp_f64_to_s32(D_M7_5), (uint32_t)-7, "VCVT.S32.F64 -7.5 -> -7 (towards zero)");
    check_eq64(vfp_s32_to_f64((uint32_t)-3), D_M3, "VCVT.F64.S32 -3 -> -3.0");
    check_eq64(vfp_d31_roundtrip(D_SQRT2), D_SQRT2, "D31 holds a value");
    check_eq(vfp_read_fpscr() & (FPSCR_IOC | FPSCR_DZC), 0, "no invalid/div-by-zero flags yet");
}

static void test_compare_and_flags(void)
{
    section("comparisons and exception flags");
    check_eq(vfp_cmp_f64(D_1, D_2), 0x80000000, "VCMP 1 < 2: N");
    check_eq(vfp_cmp_f64(D_2, D_2), 0x60000000, "VCMP 2 == 2: Z C");
    check_eq(vfp_cmp_f64(D_2, D_1), 0x20000000, "VCMP 2 > 1: C");
    check_eq(vfp_cmp_f64(D_DEFAULT_NAN, D_1), 0x30000000, "VCMP NaN, 1: unordered C V");

    vfp_write_fpscr(0);
    check_eq64(vfp_div_f64(D_1, D_0), D_INF, "1 / 0 = +infinity");
    check_eq(vfp_read_fpscr() & (FPSCR_DZC | FPSCR_IOC), FPSCR_DZC, "  FPSCR.DZC set");
    vfp_write_fpscr(0);
    check_eq64(vfp_div_f64(D_0, D_0), D_DEFAULT_NAN, "0 / 0 = default NaN");
    check_eq(vfp_read_fpscr() & (FPSCR_DZC | FPSCR_IOC), FPSCR_IOC, "  FPSCR.IOC set");

    vfp_write_fpscr(0);
    check_eq(vfp_div_f32(F_1, F_3), 0x3eaaaaab, "1/3 (single), round to nearest");
    check_eq(vfp_read_fpscr() & FPSCR_IXC, FPSCR_IXC, "  FPSCR.IXC (inexact) set");
    vfp_write_fpscr(FPSCR_RZ);
    check_eq(vfp_read_fpscr() & FPSCR_RZ, FPSCR_RZ, "FPSCR.RMode = round towards zero");
    check_eq(vfp_div_f32(F_1, F_3), 0x3eaaaaaa, "1/3 (single), round towards zero");
    vfp_write_fpscr(0);
}

void test_main(void)
{
    print_line("vfp: floating-point unit enable and operations");
    test_enable();
    test_arithmetic();
    test_compare_and_flags();
}
