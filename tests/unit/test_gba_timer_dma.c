/* The GBA timers and DMA channels (devices/gba_timer.h, gba_dma.h) against
 * GBATEK's "GBA Timers" and "GBA DMA Transfers": prescalers, reload on
 * start and on overflow, cascade, the next-overflow estimate; DMA
 * stepping, widths, counts, repeat, reload, interrupts and the sound FIFO
 * mode, on a small fake bus. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gba_dma.h"
#include "devices/gba_map.h"
#include "devices/gba_timer.h"

/* --- timers ------------------------------------------------------------------ */

typedef struct Overflows {
    unsigned count[4];
    unsigned order[64], n;
} Overflows;

static void count_overflow(void *opaque, unsigned n)
{
    Overflows *o = opaque;
    o->count[n]++;
    if (o->n < 64)
        o->order[o->n++] = n;
}

START_TEST(timer_start_loads_reload)
{
    GbaTimers t;
    gba_timers_reset(&t);
    gba_timer_write_reload(&t, 0, 0x1234);
    ck_assert_uint_eq(gba_timer_read_counter(&t, 0), 0); /* writing the reload does not load it */
    gba_timer_write_control(&t, 0, GBA_TIMER_START);
    ck_assert_uint_eq(gba_timer_read_counter(&t, 0), 0x1234);
    gba_timer_write_reload(&t, 0, 0x5555);
    gba_timer_write_control(&t, 0, GBA_TIMER_START); /* already running: no reload */
    ck_assert_uint_eq(gba_timer_read_counter(&t, 0), 0x1234);
}
END_TEST

START_TEST(timer_prescalers)
{
    static const unsigned divider[4] = {1, 64, 256, 1024};
    for (unsigned p = 0; p < 4; p++) {
        GbaTimers t;
        Overflows o = {0};
        gba_timers_reset(&t);
        gba_timer_write_control(&t, 2, (uint16_t)(GBA_TIMER_START | p));
        gba_timers_advance(&t, 10 * divider[p] - 1, count_overflow, &o);
        ck_assert_uint_eq(gba_timer_read_counter(&t, 2), 9); /* one cycle short of the tenth tick */
        gba_timers_advance(&t, 1, count_overflow, &o);
        ck_assert_uint_eq(gba_timer_read_counter(&t, 2), 10);
    }
}
END_TEST

START_TEST(timer_overflow_reloads)
{
    GbaTimers t;
    Overflows o = {0};
    gba_timers_reset(&t);
    gba_timer_write_reload(&t, 1, 0xfff0);
    gba_timer_write_control(&t, 1, GBA_TIMER_START | 1); /* 64 cycles a tick, 16 ticks to overflow */
    ck_assert_uint_eq(gba_timers_next_overflow(&t), 16 * 64);
    gba_timers_advance(&t, 16 * 64 * 3 + 64 * 5, count_overflow, &o);
    ck_assert_uint_eq(o.count[1], 3);
    ck_assert_uint_eq(gba_timer_read_counter(&t, 1), 0xfff5);
    ck_assert_uint_eq(gba_timers_next_overflow(&t), 11 * 64);
}
END_TEST

START_TEST(timer_cascade)
{
    GbaTimers t;
    Overflows o = {0};
    gba_timers_reset(&t);
    gba_timer_write_reload(&t, 0, 0xff00); /* overflows every 256 cycles */
    gba_timer_write_control(&t, 0, GBA_TIMER_START);
    gba_timer_write_reload(&t, 1, 0xfffe); /* counts overflows of timer 0, overflows every 2 */
    gba_timer_write_control(&t, 1, GBA_TIMER_START | GBA_TIMER_CASCADE | 3); /* prescaler ignored */
    gba_timers_advance(&t, 256 * 5, count_overflow, &o);
    ck_assert_uint_eq(o.count[0], 5);
    ck_assert_uint_eq(o.count[1], 2);
    ck_assert_uint_eq(gba_timer_read_counter(&t, 1), 0xffff);
    /* Timer 1 overflows right after timer 0's 2nd and 4th. */
    unsigned want[7] = {0, 0, 1, 0, 0, 1, 0};
    ck_assert_uint_eq(o.n, 7);
    for (unsigned i = 0; i < 7; i++)
        ck_assert_uint_eq(o.order[i], want[i]);
    ck_assert_uint_eq(gba_timers_next_overflow(&t), 256); /* only free-running timers count */
}
END_TEST

START_TEST(timer_stopped_holds)
{
    GbaTimers t;
    Overflows o = {0};
    gba_timers_reset(&t);
    gba_timer_write_reload(&t, 3, 100);
    gba_timer_write_control(&t, 3, GBA_TIMER_START);
    gba_timers_advance(&t, 50, count_overflow, &o);
    gba_timer_write_control(&t, 3, 0);
    gba_timers_advance(&t, 1000, count_overflow, &o);
    ck_assert_uint_eq(gba_timer_read_counter(&t, 3), 150);
    ck_assert_uint_eq(gba_timers_next_overflow(&t), UINT32_MAX);
}
END_TEST

/* --- DMA ----------------------------------------------------------------------- */

/* 64 KiB of fake memory at 0x02000000, and a log of FIFO writes. */
typedef struct FakeMem {
    uint8_t ram[0x10000];
    uint32_t fifo_writes[16];
    unsigned nfifo;
} FakeMem;

static uint32_t fake_read(void *opaque, uint32_t addr, unsigned size)
{
    FakeMem *m = opaque;
    uint32_t v = 0;
    if (addr >= GBA_EWRAM_BASE && addr + size <= GBA_EWRAM_BASE + sizeof m->ram)
        memcpy(&v, m->ram + (addr - GBA_EWRAM_BASE), size);
    return v;
}

static void fake_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    FakeMem *m = opaque;
    if (addr == GBA_IO_BASE + GBA_REG_FIFO_A && m->nfifo < 16)
        m->fifo_writes[m->nfifo++] = value;
    else if (addr >= GBA_EWRAM_BASE && addr + size <= GBA_EWRAM_BASE + sizeof m->ram)
        memcpy(m->ram + (addr - GBA_EWRAM_BASE), &value, size);
}

static FakeMem *mem;
static GbaBus bus;

static void setup(void)
{
    mem = calloc(1, sizeof *mem);
    for (unsigned i = 0; i < 0x1000; i++)
        mem->ram[i] = (uint8_t)i;
    bus = (GbaBus){fake_read, fake_write, mem};
}

static void teardown(void)
{
    free(mem);
}

static unsigned program(GbaDma *d, unsigned n, uint32_t src, uint32_t dst, uint16_t count, uint16_t control)
{
    uint32_t base = 12 * n;
    gba_dma_write16(d, base + 0, (uint16_t)src);
    gba_dma_write16(d, base + 2, (uint16_t)(src >> 16));
    gba_dma_write16(d, base + 4, (uint16_t)dst);
    gba_dma_write16(d, base + 6, (uint16_t)(dst >> 16));
    gba_dma_write16(d, base + 8, count);
    return gba_dma_write16(d, base + 10, control);
}

static uint16_t ram16(uint32_t off)
{
    return (uint16_t)(mem->ram[off] | mem->ram[off + 1] << 8);
}

START_TEST(dma_immediate_halfwords)
{
    GbaDma d;
    uint16_t irq = 0;
    gba_dma_reset(&d);
    unsigned start = program(&d, 3, GBA_EWRAM_BASE + 0x10, GBA_EWRAM_BASE + 0x8000, 4, GBA_DMA_ENABLE);
    ck_assert_uint_eq(start, 1u << 3);
    gba_dma_run(&d, GBA_DMA_AT_ONCE, start, &bus, &irq);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(ram16(0x8000 + 2 * i), ram16(0x10 + 2 * i));
    ck_assert_uint_eq(ram16(0x8008), 0); /* exactly 4 units */
    ck_assert_uint_eq(gba_dma_read16(&d, 12 * 3 + 10) & GBA_DMA_ENABLE, 0); /* switched off at the end */
    ck_assert_uint_eq(irq, 0);
}
END_TEST

START_TEST(dma_word_decrement_fixed_irq)
{
    GbaDma d;
    uint16_t irq = 0;
    gba_dma_reset(&d);
    /* Source decrements from 0x20, destination fixed: the last word written wins. */
    uint16_t control = GBA_DMA_ENABLE | GBA_DMA_WORD | GBA_DMA_IRQ | 1u << GBA_DMA_SRC_SHIFT | 2u << GBA_DMA_DST_SHIFT;
    unsigned start = program(&d, 0, GBA_EWRAM_BASE + 0x20, GBA_EWRAM_BASE + 0x9000, 3, control);
    gba_dma_run(&d, GBA_DMA_AT_ONCE, start, &bus, &irq);
    ck_assert_uint_eq(fake_read(mem, GBA_EWRAM_BASE + 0x9000, 4), 0x1b1a1918u); /* the word at 0x18 */
    ck_assert_uint_eq(fake_read(mem, GBA_EWRAM_BASE + 0x9004, 4), 0);
    ck_assert_uint_eq(irq, GBA_IRQ_DMA0);
}
END_TEST

START_TEST(dma_waits_for_timing_and_repeats)
{
    GbaDma d;
    uint16_t irq = 0;
    gba_dma_reset(&d);
    /* HBlank, repeat, 2 halfwords, destination increment/reload. */
    uint16_t control = GBA_DMA_ENABLE | GBA_DMA_REPEAT | GBA_DMA_AT_HBLANK << GBA_DMA_TIMING_SHIFT |
                       3u << GBA_DMA_DST_SHIFT;
    ck_assert_uint_eq(program(&d, 1, GBA_EWRAM_BASE, GBA_EWRAM_BASE + 0xa000, 2, control), 0);
    gba_dma_run(&d, GBA_DMA_AT_VBLANK, 0xf, &bus, &irq);
    ck_assert_uint_eq(ram16(0xa000), 0); /* not at VBlank */
    gba_dma_run(&d, GBA_DMA_AT_HBLANK, 0xf, &bus, &irq);
    gba_dma_run(&d, GBA_DMA_AT_HBLANK, 0xf, &bus, &irq);
    /* The destination reloaded: the second run wrote source halfwords 2, 3 over 0, 1. */
    ck_assert_uint_eq(ram16(0xa000), ram16(4));
    ck_assert_uint_eq(ram16(0xa002), ram16(6));
    ck_assert_uint_eq(ram16(0xa004), 0);
    ck_assert_uint_ne(gba_dma_read16(&d, 12 + 10) & GBA_DMA_ENABLE, 0); /* still armed */
}
END_TEST

START_TEST(dma_count_zero_is_maximum)
{
    GbaDma d;
    uint16_t irq = 0;
    gba_dma_reset(&d);
    /* 0x4000 halfwords of a fixed source: 32 KiB written from 0x2000. */
    mem->ram[0] = 0xaa;
    mem->ram[1] = 0x55;
    uint16_t control = GBA_DMA_ENABLE | 2u << GBA_DMA_SRC_SHIFT;
    unsigned start = program(&d, 2, GBA_EWRAM_BASE, GBA_EWRAM_BASE + 0x2000, 0, control);
    gba_dma_run(&d, GBA_DMA_AT_ONCE, start, &bus, &irq);
    ck_assert_uint_eq(ram16(0x2000), 0x55aa);
    ck_assert_uint_eq(ram16(0x2000 + 0x7ffe), 0x55aa);
    ck_assert_uint_eq(ram16(0x2000 + 0x8000), 0);
}
END_TEST

START_TEST(dma_sound_fifo_mode)
{
    GbaDma d;
    uint16_t irq = 0;
    gba_dma_reset(&d);
    /* Special timing on DMA1: four words into FIFO A whatever count and width say. */
    uint16_t control = GBA_DMA_ENABLE | GBA_DMA_REPEAT | GBA_DMA_AT_SPECIAL << GBA_DMA_TIMING_SHIFT;
    program(&d, 1, GBA_EWRAM_BASE + 0x100, GBA_IO_BASE + GBA_REG_FIFO_A, 1, control);
    gba_dma_run(&d, GBA_DMA_AT_SPECIAL, 1u << 1, &bus, &irq);
    ck_assert_uint_eq(mem->nfifo, 4);
    ck_assert_uint_eq(mem->fifo_writes[0], 0x03020100u);
    ck_assert_uint_eq(mem->fifo_writes[3], 0x0f0e0d0cu);
    gba_dma_run(&d, GBA_DMA_AT_SPECIAL, 1u << 1, &bus, &irq);
    ck_assert_uint_eq(mem->fifo_writes[4], 0x13121110u); /* the source went on */
}
END_TEST

START_TEST(dma_registers_write_only)
{
    GbaDma d;
    gba_dma_reset(&d);
    program(&d, 0, 0x12345678, 0x0abcdef0, 7, 0x0200);
    ck_assert_uint_eq(gba_dma_read16(&d, 0), 0);
    ck_assert_uint_eq(gba_dma_read16(&d, 8), 0);
    ck_assert_uint_eq(gba_dma_read16(&d, 10), 0x0200);
    program(&d, 0, 0, 0, 0, 0x0800); /* the game pak DRQ bit exists on DMA3 only */
    ck_assert_uint_eq(gba_dma_read16(&d, 10), 0);
    program(&d, 3, 0, 0, 0, 0x0800);
    ck_assert_uint_eq(gba_dma_read16(&d, 36 + 10), 0x0800);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("gba_timer_dma");
    TCase *t = tcase_create("timers");
    tcase_add_test(t, timer_start_loads_reload);
    tcase_add_test(t, timer_prescalers);
    tcase_add_test(t, timer_overflow_reloads);
    tcase_add_test(t, timer_cascade);
    tcase_add_test(t, timer_stopped_holds);
    suite_add_tcase(s, t);
    TCase *d = tcase_create("dma");
    tcase_add_checked_fixture(d, setup, teardown);
    tcase_add_test(d, dma_immediate_halfwords);
    tcase_add_test(d, dma_word_decrement_fixed_irq);
    tcase_add_test(d, dma_waits_for_timing_and_repeats);
    tcase_add_test(d, dma_count_zero_is_maximum);
    tcase_add_test(d, dma_sound_fifo_mode);
    tcase_add_test(d, dma_registers_write_only);
    suite_add_tcase(s, d);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
