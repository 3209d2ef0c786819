/* The GBA HLE BIOS (devices/gba_bios.h): every implemented SWI on a fake
 * sparse bus, with expectations worked out by hand from GBATEK.  The
 * compressed streams are written out byte by byte from the format
 * descriptions; hostile streams must end without writing past their
 * header's size. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gba_bios.h"
#include "devices/gba_map.h"

/* --- a fake bus: the GBA's RAMs and a little ROM, unmapped reads as 0 ----- */

typedef struct Region {
    uint32_t base, size;
    uint8_t *mem;
} Region;

enum { R_EWRAM, R_IWRAM, R_IO, R_PAL, R_VRAM, R_OAM, R_ROM, NREGIONS };
#define ROM_SIZE 0x10000u

typedef struct FakeBus {
    Region region[NREGIONS];
    unsigned writes[5];      /* by size */
    unsigned vram_byte_writes; /* ignored, as on hardware */
    unsigned unmapped_writes;
} FakeBus;

static FakeBus fb;
static GbaBiosBus bus;

static Region *find(uint32_t addr)
{
    for (int i = 0; i < NREGIONS; i++) {
        Region *r = &fb.region[i];
        if (addr - r->base < r->size)
            return r;
    }
    return NULL;
}

static uint32_t fb_read(void *opaque, uint32_t addr, unsigned size)
{
    (void)opaque;
    ck_assert(size == 1 || size == 2 || size == 4);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        Region *r = find(addr + i);
        if (r)
            v |= (uint32_t)r->mem[addr + i - r->base] << (8 * i);
    }
    return v;
}

static void fb_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    (void)opaque;
    ck_assert(size == 1 || size == 2 || size == 4);
    fb.writes[size]++;
    Region *r = find(addr);
    if (!r) {
        fb.unmapped_writes++;
        return;
    }
    if (r == &fb.region[R_VRAM] && size == 1) {
        fb.vram_byte_writes++;
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        Region *b = find(addr + i);
        if (b)
            b->mem[addr + i - b->base] = (uint8_t)(value >> (8 * i));
    }
}

static void setup(void)
{
    static const uint32_t layout[NREGIONS][2] = {
        [R_EWRAM] = {GBA_EWRAM_BASE, GBA_EWRAM_SIZE}, [R_IWRAM] = {GBA_IWRAM_BASE, GBA_IWRAM_SIZE},
        [R_IO] = {GBA_IO_BASE, GBA_IO_SIZE},          [R_PAL] = {GBA_PALETTE_BASE, GBA_PALETTE_SIZE},
        [R_VRAM] = {GBA_VRAM_BASE, GBA_VRAM_SIZE},    [R_OAM] = {GBA_OAM_BASE, GBA_OAM_SIZE},
        [R_ROM] = {GBA_ROM_BASE, ROM_SIZE},
    };
    memset(&fb, 0, sizeof fb);
    for (int i = 0; i < NREGIONS; i++) {
        fb.region[i] = (Region){layout[i][0], layout[i][1], calloc(1, layout[i][1])};
        ck_assert_ptr_nonnull(fb.region[i].mem);
    }
    bus = (GbaBiosBus){fb_read, fb_write, &fb};
}

static void teardown(void)
{
    for (int i = 0; i < NREGIONS; i++)
        free(fb.region[i].mem);
}

static uint8_t *host(uint32_t addr)
{
    Region *r = find(addr);
    ck_assert_ptr_nonnull(r);
    return r->mem + (addr - r->base);
}

static void put_bytes(uint32_t addr, const uint8_t *bytes, size_t n)
{
    memcpy(host(addr), bytes, n);
}

static uint32_t rd(uint32_t addr, unsigned size)
{
    return fb_read(NULL, addr, size);
}

static void poke(uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        host(addr + i)[0] = (uint8_t)(value >> (8 * i));
}

static uint32_t regs[16];
static uint32_t cycles;

static GbaSwiAction swi(unsigned n, uint32_t r0, uint32_t r1, uint32_t r2, uint32_t r3)
{
    memset(regs, 0, sizeof regs);
    regs[0] = r0, regs[1] = r1, regs[2] = r2, regs[3] = r3;
    regs[13] = 0x03007f00;
    cycles = 0;
    GbaSwiAction a = gba_bios_swi(n, regs, &bus, &cycles);
    ck_assert_uint_ge(cycles, GBA_BIOS_MIN_CYCLES);
    return a;
}

/* Destination bytes [from, to), inside one region, all hold `value`. */
static void assert_fill(uint32_t from, uint32_t to, uint8_t value)
{
    const uint8_t *p = host(from);
    ck_assert_ptr_eq(find(to - 1), find(from));
    for (uint32_t i = 0; i < to - from; i++)
        if (p[i] != value)
            ck_abort_msg("byte at %08x is %02x, not %02x", from + i, p[i], value);
}

#define SENTINEL 0xee
#define SRC (GBA_ROM_BASE + 0x100)
#define DST (GBA_EWRAM_BASE + 0x1000)
#define VDST (GBA_VRAM_BASE + 0x800)

static void sentinel(uint32_t addr, uint32_t bytes)
{
    memset(host(addr), SENTINEL, bytes);
}

/* --- dispatch -------------------------------------------------------------- */

START_TEST(test_names_and_unimplemented)
{
    ck_assert_str_eq(gba_bios_name(0x00), "SoftReset");
    ck_assert_str_eq(gba_bios_name(0x06), "Div");
    ck_assert_str_eq(gba_bios_name(0x11), "LZ77UnCompWram");
    ck_assert_str_eq(gba_bios_name(0x1f), "MidiKey2Freq");
    ck_assert_str_eq(gba_bios_name(0x25), "MultiBoot");
    ck_assert_ptr_null(gba_bios_name(0x2b));
    ck_assert_ptr_null(gba_bios_name(0xff));
    static const unsigned unimplemented[] = {0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x20, 0x24, 0x25, 0x26, 0x28, 0x2a, 0x2b, 0xff};
    for (unsigned i = 0; i < sizeof unimplemented / sizeof unimplemented[0]; i++)
        ck_assert_int_eq(swi(unimplemented[i], 0, 0, 0, 0), GBA_SWI_UNIMPLEMENTED);
    ck_assert_uint_eq(fb.writes[1] + fb.writes[2] + fb.writes[4], 0);
}
END_TEST

START_TEST(test_halt_stop)
{
    ck_assert_int_eq(swi(0x02, 0, 0, 0, 0), GBA_SWI_HALT);
    ck_assert_int_eq(swi(0x03, 0, 0, 0, 0), GBA_SWI_STOP);
    ck_assert_int_eq(swi(0x27, 0, 0, 0x00, 0), GBA_SWI_HALT);
    ck_assert_int_eq(swi(0x27, 0, 0, 0x80, 0), GBA_SWI_STOP);
}
END_TEST

/* --- arithmetic ------------------------------------------------------------ */

static void assert_div(int32_t quot, int32_t rem, uint32_t abs_quot)
{
    ck_assert_int_eq((int32_t)regs[0], quot);
    ck_assert_int_eq((int32_t)regs[1], rem);
    ck_assert_uint_eq(regs[3], abs_quot);
}

START_TEST(test_div)
{
    /* GBATEK's example: -1234, 10 gives -123, -4, +123. */
    ck_assert_int_eq(swi(0x06, (uint32_t)-1234, 10, 0, 0), GBA_SWI_DONE);
    assert_div(-123, -4, 123);
    swi(0x06, 1234, (uint32_t)-10, 0, 0);
    assert_div(-123, 4, 123);
    swi(0x06, (uint32_t)-1234, (uint32_t)-10, 0, 0);
    assert_div(123, -4, 123);
    swi(0x06, 7, 2, 0, 0);
    assert_div(3, 1, 3);
    swi(0x06, 0x80000000u, (uint32_t)-1, 0, 0);
    assert_div(INT32_MIN, 0, 0x80000000u);
    /* DivArm: denominator in r0, number in r1. */
    ck_assert_int_eq(swi(0x07, 10, (uint32_t)-1234, 0, 0), GBA_SWI_DONE);
    assert_div(-123, -4, 123);
}
END_TEST

/* The documented stand-in for the BIOS's hang: quotient sign(n), remainder n. */
START_TEST(test_div_by_zero)
{
    ck_assert_int_eq(swi(0x06, 55, 0, 0, 0), GBA_SWI_DONE);
    assert_div(1, 55, 1);
    swi(0x06, (uint32_t)-55, 0, 0, 0);
    assert_div(-1, -55, 1);
    ck_assert_int_eq(swi(0x07, 0, 0x80000000u, 0, 0), GBA_SWI_DONE);
    assert_div(-1, INT32_MIN, 1);
}
END_TEST

START_TEST(test_sqrt)
{
    static const uint32_t cases[][2] = {
        {0, 0},           {1, 1},         {2, 1},          {4, 2},          {15, 3},
        {16, 4},          {17, 4},        {144, 12},       {0x10000, 0x100}, {0xfffe0001u, 0xffff},
        {0xffffffffu, 0xffff}, {2u << 30, 46340}, /* 46340^2 = 2147395600 <= 2^31 < 46341^2 */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(swi(0x08, cases[i][0], 0, 0, 0), GBA_SWI_DONE);
        ck_assert_uint_eq(regs[0], cases[i][1]);
    }
}
END_TEST

START_TEST(test_arctan)
{
    swi(0x09, 0, 0, 0, 0);
    ck_assert_uint_eq(regs[0], 0);
    /* tan 1.0: -t^2 = -0x4000 exactly, so each Horner step just subtracts the
     * previous value: 0xa9 -> 0x2e7 -> 0x635 -> 0x981 -> 0xd29 -> 0x1358
     * -> 0x22f9 -> 0x8000; 0x4000 * 0x8000 >> 16 = 0x2000 (pi/4). */
    swi(0x09, 0x4000, 0, 0, 0);
    ck_assert_uint_eq(regs[0], 0x2000);
    swi(0x09, (uint32_t)-0x4000, 0, 0, 0);
    ck_assert_int_eq((int32_t)regs[0], -0x2000);
    /* tan 1/64 (0x100): -t^2 = -4; with floor shifts the steps subtract
     * 1, 1, 1, 1, 2, 3, 4: 0xa2f5; 0x100 * 0xa2f5 >> 16 = 0xa2 (atan2 would
     * say 162.97: the BIOS truncates). */
    swi(0x09, 0x100, 0, 0, 0);
    ck_assert_uint_eq(regs[0], 0xa2);
}
END_TEST

START_TEST(test_arctan2_axes_and_diagonals)
{
    static const int32_t cases[][3] = {
        {0x4000, 0, 0},           {0, 0x4000, 0x4000},        {-0x4000, 0, 0x8000},     {0, -0x4000, 0xc000},
        {0x2000, 0x2000, 0x2000}, {-0x2000, 0x2000, 0x6000}, {-0x2000, -0x2000, 0xa000}, {0x2000, -0x2000, 0xe000},
        {0, 0, 0},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        swi(0x0a, (uint32_t)cases[i][0], (uint32_t)cases[i][1], 0, 0);
        ck_assert_msg(regs[0] == (uint32_t)cases[i][2], "ArcTan2(%d, %d) = %04x, want %04x", cases[i][0],
                      cases[i][1], regs[0], cases[i][2]);
    }
}
END_TEST

/* Against the host's atan2 all round the circle (all four quadrants and
 * both octants of each): the BIOS polynomial is good to about 2 units of
 * 2pi/65536 where |tan| <= 1, which is all ArcTan2 asks of it. */
START_TEST(test_arctan2_quadrants)
{
    for (int i = 0; i < 256; i++) {
        double a = (i + 0.5) * 2 * M_PI / 256;
        int32_t x = (int32_t)lround(cos(a) * 0x3800);
        int32_t y = (int32_t)lround(sin(a) * 0x3800);
        double want = atan2(y, x) / (2 * M_PI) * 65536;
        if (want < 0)
            want += 65536;
        swi(0x0a, (uint32_t)x, (uint32_t)y, 0, 0);
        ck_assert_uint_le(regs[0], 0xffff);
        double err = fabs(regs[0] - want);
        if (err > 32768)
            err = 65536 - err;
        ck_assert_msg(err <= 4, "ArcTan2(%d, %d) = %u, atan2 says %.1f", x, y, regs[0], want);
    }
}
END_TEST

/* --- memory copy ----------------------------------------------------------- */

START_TEST(test_cpu_set_copy)
{
    static const uint8_t data[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    put_bytes(SRC, data, sizeof data);
    sentinel(DST, 32);
    /* 16-bit: 5 halfwords; odd addresses are forced down to halfwords. */
    ck_assert_int_eq(swi(0x0b, SRC + 1, DST + 1, 5, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(DST), data, 10);
    assert_fill(DST + 10, DST + 32, SENTINEL);
    ck_assert_uint_eq(fb.writes[2], 5);
    /* 32-bit: 3 words; addresses forced down to words. */
    sentinel(DST, 32);
    swi(0x0b, SRC + 2, DST + 3, (1u << 26) | 3, 0);
    ck_assert_mem_eq(host(DST), data, 12);
    assert_fill(DST + 12, DST + 32, SENTINEL);
    ck_assert_uint_eq(fb.writes[4], 3);
}
END_TEST

START_TEST(test_cpu_set_fill)
{
    poke(SRC, 0xa1b2c3d4u, 4);
    sentinel(DST, 32);
    swi(0x0b, SRC, DST, (1u << 24) | 3, 0); /* 16-bit fill */
    for (unsigned i = 0; i < 3; i++)
        ck_assert_uint_eq(rd(DST + 2 * i, 2), 0xc3d4);
    assert_fill(DST + 6, DST + 32, SENTINEL);
    swi(0x0b, SRC, DST + 8, (1u << 24) | (1u << 26) | 2, 0); /* 32-bit fill */
    ck_assert_uint_eq(rd(DST + 8, 4), 0xa1b2c3d4u);
    ck_assert_uint_eq(rd(DST + 12, 4), 0xa1b2c3d4u);
    assert_fill(DST + 16, DST + 32, SENTINEL);
    /* Count bits above 20 are mode bits, not count: bit 21 is ignored. */
    sentinel(DST, 32);
    swi(0x0b, SRC, DST, (1u << 24) | (1u << 21) | 1, 0);
    ck_assert_uint_eq(rd(DST, 2), 0xc3d4);
    assert_fill(DST + 2, DST + 32, SENTINEL);
}
END_TEST

START_TEST(test_cpu_set_refuses_bios_source)
{
    sentinel(DST, 16);
    swi(0x0b, 0x00000100, DST, (1u << 26) | 4, 0);
    swi(0x0c, 0x00003f00, DST, 8, 0);
    assert_fill(DST, DST + 16, SENTINEL);
    ck_assert_uint_eq(fb.writes[1] + fb.writes[2] + fb.writes[4], 0);
}
END_TEST

START_TEST(test_cpu_fast_set)
{
    uint8_t data[64];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(0x40 + i);
    put_bytes(SRC, data, sizeof data);
    sentinel(DST, 128);
    /* 3 words round up to a block of 8. */
    ck_assert_int_eq(swi(0x0c, SRC, DST, 3, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(DST), data, 32);
    assert_fill(DST + 32, DST + 128, SENTINEL);
    /* Fill, 9 words: 16 written. */
    sentinel(DST, 128);
    swi(0x0c, SRC, DST, (1u << 24) | 9, 0);
    for (unsigned i = 0; i < 16; i++)
        ck_assert_uint_eq(rd(DST + 4 * i, 4), 0x43424140u);
    assert_fill(DST + 64, DST + 128, SENTINEL);
    /* Exactly 8: no rounding. */
    sentinel(DST, 128);
    swi(0x0c, SRC, DST, 8, 0);
    assert_fill(DST + 32, DST + 128, SENTINEL);
}
END_TEST

/* --- misc ------------------------------------------------------------------ */

START_TEST(test_checksum_soundbias_midikey)
{
    swi(0x0d, 0, 0, 0, 0);
    ck_assert_uint_eq(regs[0], 0xbaae187fu);

    uint32_t soundbias = GBA_IO_BASE + GBA_REG_SOUNDBIAS;
    poke(soundbias, 0xc100, 2);
    swi(0x19, 1, 0, 0, 0);
    ck_assert_uint_eq(rd(soundbias, 2), 0xc200);
    swi(0x19, 0, 0, 0, 0);
    ck_assert_uint_eq(rd(soundbias, 2), 0xc000);

    /* WaveData.freq at +4; key 180 is the sample's own rate, each octave
     * (12 keys) below halves it, and 256 fine steps make a semitone. */
    poke(DST + 4, 0x12345678u, 4);
    swi(0x1f, DST, 180, 0, 0);
    ck_assert_uint_eq(regs[0], 0x12345678u);
    swi(0x1f, DST, 168, 0, 0);
    ck_assert_uint_eq(regs[0], 0x12345678u / 2);
    swi(0x1f, DST, 156, 0, 0);
    ck_assert_uint_eq(regs[0], 0x12345678u / 4);
    swi(0x1f, DST, 167, 0, 0); /* key 167 + one semitone of fine tune = key 168 */
    uint32_t coarse = regs[0];
    swi(0x1f, DST, 167, 255, 0);
    ck_assert_uint_gt(regs[0], coarse);
    ck_assert_uint_le(regs[0], 0x12345678u / 2);
    ck_assert_uint_ge(regs[0], 0x12345678u / 2 - 0x12345678u / 2 / 2000);
    /* GBATEK's BIOS-reading trick: (key 168) * 2 >> 24 is the top byte. */
    swi(0x1f, DST, 168, 0, 0);
    ck_assert_uint_eq((regs[0] * 2) >> 24, 0x12);
}
END_TEST

/* --- reset ------------------------------------------------------------------ */

START_TEST(test_soft_reset)
{
    memset(host(GBA_IWRAM_BASE + 0x7d00), 0x5a, 0x300);
    poke(GBA_BIOS_RESET_FLAG, 1, 1);
    ck_assert_int_eq(swi(0x00, 7, 7, 7, 7), GBA_SWI_SOFT_RESET);
    ck_assert_uint_eq(regs[0], GBA_EWRAM_BASE);
    ck_assert_uint_eq(regs[3], 0);
    assert_fill(0x03007e00, 0x03008000, 0);
    assert_fill(0x03007d00, 0x03007e00, 0x5a);
    /* The flag was cleared with the rest: a second reset goes to ROM. */
    ck_assert_int_eq(swi(0x00, 0, 0, 0, 0), GBA_SWI_SOFT_RESET);
    ck_assert_uint_eq(regs[0], GBA_ROM_BASE);
}
END_TEST

START_TEST(test_register_ram_reset_memory)
{
    for (int i = R_EWRAM; i <= R_OAM; i++)
        if (i != R_IO)
            memset(fb.region[i].mem, 0x77, fb.region[i].size);
    poke(GBA_IO_BASE + GBA_REG_DISPCNT, 0x0403, 2);
    ck_assert_int_eq(swi(0x01, 0x1f & ~0x04u, 0, 0, 0), GBA_SWI_DONE); /* all but palette */
    assert_fill(GBA_EWRAM_BASE, GBA_EWRAM_BASE + GBA_EWRAM_SIZE, 0);
    assert_fill(GBA_IWRAM_BASE, GBA_IWRAM_BASE + 0x7e00, 0);
    assert_fill(GBA_IWRAM_BASE + 0x7e00, GBA_IWRAM_BASE + 0x8000, 0x77);
    assert_fill(GBA_PALETTE_BASE, GBA_PALETTE_BASE + GBA_PALETTE_SIZE, 0x77);
    assert_fill(GBA_VRAM_BASE, GBA_VRAM_BASE + GBA_VRAM_SIZE, 0);
    assert_fill(GBA_OAM_BASE, GBA_OAM_BASE + GBA_OAM_SIZE, 0);
    ck_assert_uint_eq(rd(GBA_IO_BASE + GBA_REG_DISPCNT, 2), 0x0080); /* forced blank, always */
    ck_assert_uint_eq(fb.writes[1], 0);
}
END_TEST

START_TEST(test_register_ram_reset_registers)
{
    uint32_t io = GBA_IO_BASE;
    memset(host(io), 0x77, GBA_IO_SIZE);
    swi(0x01, 0x20, 0, 0, 0); /* SIO only */
    ck_assert_uint_eq(rd(io + GBA_REG_RCNT, 2), 0x8000);
    ck_assert_uint_eq(rd(io + GBA_REG_SIOCNT, 2), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_BG2PA, 2), 0x7777);
    ck_assert_uint_eq(rd(io + GBA_REG_SOUNDCNT_X, 2), 0x7777);
    swi(0x01, 0x40, 0, 0, 0); /* sound */
    ck_assert_uint_eq(rd(io + GBA_REG_SOUNDCNT_X, 2), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_SOUND_FIRST, 4), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_WAVE_RAM, 4), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_SOUNDBIAS, 2), 0x200);
    ck_assert_uint_eq(rd(io + GBA_REG_DMA0SAD, 4), 0x77777777u);
    swi(0x01, 0x80, 0, 0, 0); /* the rest */
    ck_assert_uint_eq(rd(io + GBA_REG_BG2PA, 2), 0x100);
    ck_assert_uint_eq(rd(io + GBA_REG_BG2PA + 2, 2), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_BG2PA + 6, 2), 0x100);
    ck_assert_uint_eq(rd(io + GBA_REG_BG3PA + 6, 2), 0x100);
    ck_assert_uint_eq(rd(io + GBA_REG_BG0CNT, 4), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_DMA0SAD + 3 * 12 + 8, 4), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_TM0CNT_L + 12, 4), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_IE, 2), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_IME, 2), 0);
    ck_assert_uint_eq(rd(io + GBA_REG_RCNT, 2), 0x8000); /* SIO's, untouched */
}
END_TEST

/* --- interrupt waits --------------------------------------------------------- */

START_TEST(test_intr_wait)
{
    poke(GBA_BIOS_IF, GBA_IRQ_VBLANK | GBA_IRQ_HBLANK, 2);
    /* r0 = 1: the old VBlank flag is discarded, HBlank's kept. */
    ck_assert_int_eq(swi(0x04, 1, GBA_IRQ_VBLANK, 0, 0), GBA_SWI_INTR_WAIT);
    ck_assert_uint_eq(rd(GBA_BIOS_IF, 2), GBA_IRQ_HBLANK);
    ck_assert_uint_eq(rd(GBA_IO_BASE + GBA_REG_IME, 2), 1);
    ck_assert(!gba_bios_intr_acknowledged(&bus, GBA_IRQ_VBLANK));
    poke(GBA_BIOS_IF, GBA_IRQ_VBLANK | GBA_IRQ_HBLANK, 2); /* the handler acknowledges one */
    ck_assert(gba_bios_intr_acknowledged(&bus, GBA_IRQ_VBLANK | GBA_IRQ_TIMER0));
    ck_assert_uint_eq(rd(GBA_BIOS_IF, 2), GBA_IRQ_HBLANK);
    /* r0 = 0: an old flag stays, to satisfy the wait at once. */
    swi(0x04, 0, GBA_IRQ_HBLANK, 0, 0);
    ck_assert_uint_eq(rd(GBA_BIOS_IF, 2), GBA_IRQ_HBLANK);
    ck_assert(gba_bios_intr_acknowledged(&bus, GBA_IRQ_HBLANK));
    ck_assert_uint_eq(rd(GBA_BIOS_IF, 2), 0);
    /* VBlankIntrWait is IntrWait(1, VBlank). */
    poke(GBA_BIOS_IF, GBA_IRQ_VBLANK, 2);
    ck_assert_int_eq(swi(0x05, 9, 9, 0, 0), GBA_SWI_INTR_WAIT);
    ck_assert_uint_eq(regs[0], 1);
    ck_assert_uint_eq(regs[1], 1);
    ck_assert_uint_eq(rd(GBA_BIOS_IF, 2), 0);
}
END_TEST

/* --- affine ------------------------------------------------------------------ */

START_TEST(test_sine_table)
{
    /* round(16384 sin(2 pi i / 256)): 402.1, 804.0, 1205.2, 11585.2 */
    ck_assert_int_eq(gba_bios_sine(0), 0);
    ck_assert_int_eq(gba_bios_sine(1), 0x0192);
    ck_assert_int_eq(gba_bios_sine(2), 0x0324);
    ck_assert_int_eq(gba_bios_sine(3), 0x04b5);
    ck_assert_int_eq(gba_bios_sine(32), 11585);
    ck_assert_int_eq(gba_bios_sine(64), 0x4000);
    ck_assert_int_eq(gba_bios_sine(128), 0);
    ck_assert_int_eq(gba_bios_sine(129), -0x0192);
    ck_assert_int_eq(gba_bios_sine(192), -0x4000);
    ck_assert_int_eq(gba_bios_sine(256 + 1), 0x0192);
}
END_TEST

static void put_obj_source(uint32_t at, int16_t sx, int16_t sy, uint16_t angle)
{
    poke(at, (uint16_t)sx, 2);
    poke(at + 2, (uint16_t)sy, 2);
    poke(at + 4, angle, 2);
}

/* [pa pb; pc pd] = [sx cos, -sx sin; sy sin, sy cos]. */
START_TEST(test_obj_affine_set)
{
    put_obj_source(SRC, 0x100, 0x100, 0);
    put_obj_source(SRC + 8, 0x100, 0x100, 0x4000);
    put_obj_source(SRC + 16, 0x200, 0x80, 0x40ff); /* low angle byte ignored */
    /* Into OAM: the parameters of matrix n are at 6 + 32n, 8 bytes apart. */
    ck_assert_int_eq(swi(0x0f, SRC, GBA_OAM_BASE + 6, 3, 8), GBA_SWI_DONE);
    static const int16_t want[3][4] = {{0x100, 0, 0, 0x100}, {0, -0x100, 0x100, 0}, {0, -0x200, 0x80, 0}};
    for (unsigned m = 0; m < 3; m++)
        for (unsigned k = 0; k < 4; k++)
            ck_assert_int_eq((int16_t)rd(GBA_OAM_BASE + 6 + 32 * m + 8 * k, 2), want[m][k]);
    ck_assert_uint_eq(rd(GBA_OAM_BASE, 4), 0); /* attributes untouched */
    /* Packed (stride 2). */
    swi(0x0f, SRC + 8, DST, 1, 2);
    for (unsigned k = 0; k < 4; k++)
        ck_assert_int_eq((int16_t)rd(DST + 2 * k, 2), want[1][k]);
}
END_TEST

static void put_bg_source(uint32_t at, int32_t cx, int32_t cy, int16_t dx, int16_t dy, int16_t sx, int16_t sy,
                          uint16_t angle)
{
    poke(at, (uint32_t)cx, 4);
    poke(at + 4, (uint32_t)cy, 4);
    poke(at + 8, (uint16_t)dx, 2);
    poke(at + 10, (uint16_t)dy, 2);
    poke(at + 12, (uint16_t)sx, 2);
    poke(at + 14, (uint16_t)sy, 2);
    poke(at + 16, angle, 2);
}

/* The display point (dx, dy) maps to the texture centre:
 * start = centre - P (dx, dy). */
START_TEST(test_bg_affine_set)
{
    put_bg_source(SRC, 0x1000, 0x2000, 120, 80, 0x100, 0x100, 0);
    put_bg_source(SRC + 20, 0x1000, 0x2000, 120, 80, 0x100, 0x100, 0x4000);
    ck_assert_int_eq(swi(0x0e, SRC, DST, 2, 0), GBA_SWI_DONE);
    ck_assert_int_eq((int16_t)rd(DST, 2), 0x100);
    ck_assert_int_eq((int16_t)rd(DST + 2, 2), 0);
    ck_assert_int_eq((int16_t)rd(DST + 4, 2), 0);
    ck_assert_int_eq((int16_t)rd(DST + 6, 2), 0x100);
    ck_assert_int_eq((int32_t)rd(DST + 8, 4), 0x1000 - 120 * 0x100);
    ck_assert_int_eq((int32_t)rd(DST + 12, 4), 0x2000 - 80 * 0x100);
    /* 90 degrees: P = [0 -1; 1 0]. */
    ck_assert_int_eq((int16_t)rd(DST + 16, 2), 0);
    ck_assert_int_eq((int16_t)rd(DST + 18, 2), -0x100);
    ck_assert_int_eq((int16_t)rd(DST + 20, 2), 0x100);
    ck_assert_int_eq((int16_t)rd(DST + 22, 2), 0);
    ck_assert_int_eq((int32_t)rd(DST + 24, 4), 0x1000 + 80 * 0x100);
    ck_assert_int_eq((int32_t)rd(DST + 28, 4), 0x2000 - 120 * 0x100);
}
END_TEST

/* --- BitUnPack --------------------------------------------------------------- */

static void put_unpack_info(uint32_t at, uint16_t len, uint8_t src_bits, uint8_t dst_bits, uint32_t offset)
{
    poke(at, len, 2);
    poke(at + 2, src_bits, 1);
    poke(at + 3, dst_bits, 1);
    poke(at + 4, offset, 4);
}

START_TEST(test_bit_unpack)
{
    uint32_t info = SRC + 0x40;
    poke(SRC, 0xb1, 1); /* bits, LSB first: 1 0 0 0 1 1 0 1 */
    sentinel(DST, 16);
    put_unpack_info(info, 1, 1, 4, 0);
    ck_assert_int_eq(swi(0x10, SRC, DST, info, 0), GBA_SWI_DONE);
    ck_assert_uint_eq(rd(DST, 4), 0x10110001u);
    assert_fill(DST + 4, DST + 16, SENTINEL);
    put_unpack_info(info, 1, 1, 4, 2); /* offset added to nonzero units */
    swi(0x10, SRC, DST, info, 0);
    ck_assert_uint_eq(rd(DST, 4), 0x30330003u);
    put_unpack_info(info, 1, 1, 4, 0x80000002u); /* and to zeros too */
    swi(0x10, SRC, DST, info, 0);
    ck_assert_uint_eq(rd(DST, 4), 0x32332223u);
    /* 2 bytes of 2-bit units into bytes: 0x1b = units 3 2 1 0, 0xe4 = 0 1 2 3 */
    poke(SRC, 0xe41b, 2);
    put_unpack_info(info, 2, 2, 8, 0);
    swi(0x10, SRC, DST, info, 0);
    ck_assert_uint_eq(rd(DST, 4), 0x00010203u);
    ck_assert_uint_eq(rd(DST + 4, 4), 0x03020100u);
    assert_fill(DST + 8, DST + 16, SENTINEL);
    /* An unsupported width writes nothing. */
    put_unpack_info(info, 2, 3, 8, 0);
    sentinel(DST, 16);
    swi(0x10, SRC, DST, info, 0);
    assert_fill(DST, DST + 16, SENTINEL);
}
END_TEST

/* --- LZ77 ---------------------------------------------------------------------- */

/* "ABCABCABCD": three literals, a reference of 6 bytes at distance 3
 * (disp 2; first byte (6-3) << 4 | disp >> 8 = 0x30, second disp & 0xff),
 * a literal; flags 0 0 0 1 0 = 0x10. */
static const uint8_t lz77_abc[] = {0x10, 10, 0, 0, 0x10, 'A', 'B', 'C', 0x30, 0x02, 'D'};

START_TEST(test_lz77_wram)
{
    put_bytes(SRC, lz77_abc, sizeof lz77_abc);
    sentinel(DST, 32);
    ck_assert_int_eq(swi(0x11, SRC, DST, 0, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(DST), "ABCABCABCD", 10);
    assert_fill(DST + 10, DST + 32, SENTINEL);
}
END_TEST

START_TEST(test_lz77_vram)
{
    put_bytes(SRC, lz77_abc, sizeof lz77_abc);
    sentinel(VDST, 32);
    ck_assert_int_eq(swi(0x12, SRC, VDST, 0, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(VDST), "ABCABCABCD", 10);
    assert_fill(VDST + 10, VDST + 32, SENTINEL);
    ck_assert_uint_eq(fb.writes[1], 0);
    ck_assert_uint_eq(fb.writes[2], 5);
}
END_TEST

/* Longer: a run made by a distance-1 reference, and a second flag byte.
 * Flags 0x40: 'x', then 18 more 'x' (count 18, disp 0: 0xf0, 0x00), then
 * literals 0..5 in blocks 2-7; flags 0x00: literals 6, 7.  27 bytes. */
START_TEST(test_lz77_run_and_flag_groups)
{
    static const uint8_t s[] = {0x10, 27, 0, 0, 0x40, 'x', 0xf0, 0x00, 0, 1, 2, 3, 4, 5, 0x00, 6, 7};
    put_bytes(SRC, s, sizeof s);
    sentinel(DST, 40);
    swi(0x11, SRC, DST, 0, 0);
    assert_fill(DST, DST + 19, 'x');
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(rd(DST + 19 + i, 1), i);
    assert_fill(DST + 27, DST + 40, SENTINEL);
}
END_TEST

START_TEST(test_lz77_hostile)
{
    /* Size 0: nothing written. */
    static const uint8_t empty[] = {0x10, 0, 0, 0, 0xff, 0xff, 0xff};
    put_bytes(SRC, empty, sizeof empty);
    sentinel(DST, 16);
    swi(0x11, SRC, DST, 0, 0);
    assert_fill(DST, DST + 16, SENTINEL);
    /* A reference 4096 bytes before the start: reads what is there, stops at 8. */
    static const uint8_t before[] = {0x10, 8, 0, 0, 0x80, 0xff, 0xff};
    memset(host(DST - 4096), 0x33, 16);
    put_bytes(SRC, before, sizeof before);
    swi(0x11, SRC, DST, 0, 0);
    assert_fill(DST, DST + 8, 0x33);
    assert_fill(DST + 8, DST + 16, SENTINEL);
    /* Truncated: 0x2000 bytes promised, the stream runs off the end of the
     * ROM into unmapped space (reads 0: literal zeros); exactly 0x2000 written. */
    static const uint8_t cut[] = {0x10, 0x00, 0x20, 0x00, 0xff};
    uint32_t tail = GBA_ROM_BASE + ROM_SIZE - 8;
    put_bytes(tail, cut, sizeof cut);
    sentinel(DST, 0x2010);
    swi(0x11, tail, DST, 0, 0);
    assert_fill(DST + 0x2000, DST + 0x2010, SENTINEL);
    /* Wrong type nibble: refused. */
    static const uint8_t wrong[] = {0x20, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    put_bytes(SRC, wrong, sizeof wrong);
    sentinel(DST, 16);
    swi(0x11, SRC, DST, 0, 0);
    assert_fill(DST, DST + 16, SENTINEL);
}
END_TEST

/* --- run-length ---------------------------------------------------------------- */

/* "AAAAA" (0x80 | 5-3), "xyz" (3-1), "BBB" (0x80 | 0): 11 bytes. */
static const uint8_t rle_stream[] = {0x30, 11, 0, 0, 0x82, 'A', 0x02, 'x', 'y', 'z', 0x80, 'B'};

START_TEST(test_rl_wram)
{
    put_bytes(SRC, rle_stream, sizeof rle_stream);
    sentinel(DST, 16);
    ck_assert_int_eq(swi(0x14, SRC, DST, 0, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(DST), "AAAAAxyzBBB", 11);
    assert_fill(DST + 11, DST + 16, SENTINEL);
}
END_TEST

/* 16-bit writes only; the odd 11th byte would need a halfword reaching
 * past the size, so it is not written. */
START_TEST(test_rl_vram)
{
    put_bytes(SRC, rle_stream, sizeof rle_stream);
    sentinel(VDST, 16);
    swi(0x15, SRC, VDST, 0, 0);
    ck_assert_mem_eq(host(VDST), "AAAAAxyzBB", 10);
    assert_fill(VDST + 10, VDST + 16, SENTINEL);
    ck_assert_uint_eq(fb.writes[1], 0);
    ck_assert_uint_eq(fb.writes[2], 5);
}
END_TEST

START_TEST(test_rl_hostile)
{
    /* A run of 130 in a 4-byte output. */
    static const uint8_t run[] = {0x30, 4, 0, 0, 0xff, 'Q'};
    put_bytes(SRC, run, sizeof run);
    sentinel(DST, 16);
    swi(0x14, SRC, DST, 0, 0);
    assert_fill(DST, DST + 4, 'Q');
    assert_fill(DST + 4, DST + 16, SENTINEL);
    /* Truncated at the end of ROM: unmapped reads are flag 0, one zero byte each. */
    static const uint8_t cut[] = {0x30, 0x00, 0x01, 0x00};
    uint32_t tail = GBA_ROM_BASE + ROM_SIZE - 4;
    put_bytes(tail, cut, sizeof cut);
    sentinel(DST, 0x110);
    swi(0x14, tail, DST, 0, 0);
    assert_fill(DST, DST + 0x100, 0);
    assert_fill(DST + 0x100, DST + 0x110, SENTINEL);
}
END_TEST

/* --- Huffman ------------------------------------------------------------------- */

/* GBATEK's "Huff" example: root.0 = data 'f', root.1 = a node whose
 * children are 'H' and 'u'; codes H=10 u=11 f=0.  Table (from src+4):
 * size byte 3 (8 bytes, so the bitstream stays word aligned), root 0x80
 * (node0 is data, children at +2), 'f', node 0xc0 (both data, children at
 * +4), 'H', 'u', padding.  Bits 10 11 0 0 from bit 31: 0xb0000000. */
static const uint8_t huff8[] = {0x28, 4, 0, 0, 3, 0x80, 'f', 0xc0, 'H', 'u', 0, 0, 0x00, 0x00, 0x00, 0xb0};

START_TEST(test_huffman_8bit)
{
    put_bytes(SRC, huff8, sizeof huff8);
    sentinel(DST, 16);
    ck_assert_int_eq(swi(0x13, SRC, DST, 0, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(DST), "Huff", 4);
    assert_fill(DST + 4, DST + 16, SENTINEL);
    ck_assert_uint_eq(fb.writes[4], 1);
}
END_TEST

/* 4-bit symbols, low nibble first: root 0xc0 with data 1 (code 0) and 2
 * (code 1); bits 0101... give nibbles 1 2 1 2 = bytes 0x21.  Two words of
 * output need 16 bits: 0x55550000. */
START_TEST(test_huffman_4bit)
{
    static const uint8_t s[] = {0x24, 8, 0, 0, 1, 0xc0, 1, 2, 0x00, 0x00, 0x55, 0x55};
    put_bytes(SRC, s, sizeof s);
    sentinel(DST, 16);
    swi(0x13, SRC, DST, 0, 0);
    ck_assert_uint_eq(rd(DST, 4), 0x21212121u);
    ck_assert_uint_eq(rd(DST + 4, 4), 0x21212121u);
    assert_fill(DST + 8, DST + 16, SENTINEL);
}
END_TEST

START_TEST(test_huffman_hostile)
{
    /* A child pointer past the tree table (offset 0x3f from a 4-byte table). */
    static const uint8_t outside[] = {0x28, 8, 0, 0, 1, 0x3f, 0, 0, 0xff, 0xff, 0xff, 0xff};
    put_bytes(SRC, outside, sizeof outside);
    sentinel(DST, 16);
    swi(0x13, SRC, DST, 0, 0);
    assert_fill(DST, DST + 16, SENTINEL);
    /* A chain of inner nodes with no data node in reach: every walk leaves
     * the table; a big size must still end quickly. */
    static const uint8_t no_leaves[] = {0x28, 0x00, 0x00, 0x10, 3, 0x00, 0x00, 0x00, 0x00, 0x00, 0, 0};
    put_bytes(SRC, no_leaves, sizeof no_leaves);
    swi(0x13, SRC, DST, 0, 0);
    assert_fill(DST, DST + 16, SENTINEL);
    /* Size 0 writes nothing; so does an unsupported symbol width (3). */
    static const uint8_t empty[] = {0x28, 0, 0, 0, 3, 0x80, 'f', 0xc0, 'H', 'u', 0, 0, 0, 0, 0, 0};
    put_bytes(SRC, empty, sizeof empty);
    swi(0x13, SRC, DST, 0, 0);
    put_bytes(SRC, huff8, sizeof huff8);
    poke(SRC, 0x23, 1);
    swi(0x13, SRC, DST, 0, 0);
    assert_fill(DST, DST + 16, SENTINEL);
    /* A size that is not a multiple of 4: the tail goes byte by byte, no further. */
    static const uint8_t odd[] = {0x28, 3, 0, 0, 3, 0x80, 'f', 0xc0, 'H', 'u', 0, 0, 0x00, 0x00, 0x00, 0xb0};
    put_bytes(SRC, odd, sizeof odd);
    swi(0x13, SRC, DST, 0, 0);
    ck_assert_mem_eq(host(DST), "Huf", 3);
    assert_fill(DST + 3, DST + 16, SENTINEL);
}
END_TEST

/* --- Diff unfilters ------------------------------------------------------------ */

/* GBATEK's example, 10 +1 +1 ... -> 10..19, then 0xff + 2 wraps to 1. */
static const uint8_t diff8_stream[] = {0x81, 12, 0, 0, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0xec, 2};
static const uint8_t diff8_out[] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0xff, 1};

START_TEST(test_diff8)
{
    put_bytes(SRC, diff8_stream, sizeof diff8_stream);
    sentinel(DST, 16);
    ck_assert_int_eq(swi(0x16, SRC, DST, 0, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(DST), diff8_out, sizeof diff8_out);
    assert_fill(DST + 12, DST + 16, SENTINEL);
    sentinel(VDST, 16);
    unsigned bytes_before = fb.writes[1];
    ck_assert_int_eq(swi(0x17, SRC, VDST, 0, 0), GBA_SWI_DONE);
    ck_assert_mem_eq(host(VDST), diff8_out, sizeof diff8_out);
    assert_fill(VDST + 12, VDST + 16, SENTINEL);
    ck_assert_uint_eq(fb.writes[1], bytes_before);
}
END_TEST

START_TEST(test_diff16)
{
    /* 0x1000, +1, -1 (0xffff), +0x8000: 0x1000 0x1001 0x1000 0x9000 */
    static const uint8_t s[] = {0x82, 8, 0, 0, 0x00, 0x10, 0x01, 0x00, 0xff, 0xff, 0x00, 0x80};
    put_bytes(SRC, s, sizeof s);
    sentinel(VDST, 16);
    ck_assert_int_eq(swi(0x18, SRC, VDST, 0, 0), GBA_SWI_DONE);
    ck_assert_uint_eq(rd(VDST, 2), 0x1000);
    ck_assert_uint_eq(rd(VDST + 2, 2), 0x1001);
    ck_assert_uint_eq(rd(VDST + 4, 2), 0x1000);
    ck_assert_uint_eq(rd(VDST + 6, 2), 0x9000);
    assert_fill(VDST + 8, VDST + 16, SENTINEL);
    ck_assert_uint_eq(fb.writes[1], 0);
}
END_TEST

/* --- the suite ----------------------------------------------------------------- */

static Suite *gba_bios_suite(void)
{
    Suite *s = suite_create("gba_bios");
    TCase *misc = tcase_create("dispatch");
    tcase_add_checked_fixture(misc, setup, teardown);
    tcase_add_test(misc, test_names_and_unimplemented);
    tcase_add_test(misc, test_halt_stop);
    tcase_add_test(misc, test_soft_reset);
    tcase_add_test(misc, test_register_ram_reset_memory);
    tcase_add_test(misc, test_register_ram_reset_registers);
    tcase_add_test(misc, test_intr_wait);
    tcase_add_test(misc, test_checksum_soundbias_midikey);
    suite_add_tcase(s, misc);
    TCase *math = tcase_create("math");
    tcase_add_checked_fixture(math, setup, teardown);
    tcase_add_test(math, test_div);
    tcase_add_test(math, test_div_by_zero);
    tcase_add_test(math, test_sqrt);
    tcase_add_test(math, test_arctan);
    tcase_add_test(math, test_arctan2_axes_and_diagonals);
    tcase_add_test(math, test_arctan2_quadrants);
    tcase_add_test(math, test_sine_table);
    tcase_add_test(math, test_obj_affine_set);
    tcase_add_test(math, test_bg_affine_set);
    suite_add_tcase(s, math);
    TCase *copy = tcase_create("copy");
    tcase_add_checked_fixture(copy, setup, teardown);
    tcase_add_test(copy, test_cpu_set_copy);
    tcase_add_test(copy, test_cpu_set_fill);
    tcase_add_test(copy, test_cpu_set_refuses_bios_source);
    tcase_add_test(copy, test_cpu_fast_set);
    suite_add_tcase(s, copy);
    TCase *decomp = tcase_create("decompress");
    tcase_add_checked_fixture(decomp, setup, teardown);
    tcase_add_test(decomp, test_bit_unpack);
    tcase_add_test(decomp, test_lz77_wram);
    tcase_add_test(decomp, test_lz77_vram);
    tcase_add_test(decomp, test_lz77_run_and_flag_groups);
    tcase_add_test(decomp, test_lz77_hostile);
    tcase_add_test(decomp, test_rl_wram);
    tcase_add_test(decomp, test_rl_vram);
    tcase_add_test(decomp, test_rl_hostile);
    tcase_add_test(decomp, test_huffman_8bit);
    tcase_add_test(decomp, test_huffman_4bit);
    tcase_add_test(decomp, test_huffman_hostile);
    tcase_add_test(decomp, test_diff8);
    tcase_add_test(decomp, test_diff16);
    suite_add_tcase(s, decomp);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(gba_bios_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
