/*
 * irq_timer_dma: interrupt control (IME/IE/IF, the BIOS handler hook),
 * the display status interrupts, the four timers and DMA.  Timings come
 * from GBATEK: 1232 cycles per line, 228 lines per frame, HBlank
 * DMA only in lines 0-159.  Check n of group g is numbered g * 100 + n.
 */
#include "irq.h"
#include "test.h"

const char test_name[] = "IRQ_TIMER_DMA";

#define TIMER_ENABLE 0x0080u
#define TIMER_IRQ 0x0040u
#define TIMER_COUNT_UP 0x0004u

#define DMA_DEST_DEC (1u << 5)
#define DMA_DEST_FIXED (2u << 5)
#define DMA_SRC_DEC (1u << 7)
#define DMA_SRC_FIXED (2u << 7)
#define DMA_REPEAT (1u << 9)
#define DMA_WORDS (1u << 10)
#define DMA_AT_VBLANK (1u << 12)
#define DMA_AT_HBLANK (2u << 12)
#define DMA_AT_SPECIAL (3u << 12) /* DMA3: video capture */
#define DMA_IRQ (1u << 14)
#define DMA_ENABLE (1u << 15)

#define VCOUNT_ADDR 0x04000006u

static u32 src_words[8] = {0x11111111, 0x22222222, 0x33333333, 0x44444444,
                           0x55555555, 0x66666666, 0x77777777, 0x88888888};
static u32 dst_words[16];
static u16 line_log[232];

static void test_interrupt_registers(void)
{
    irq_disable();
    REG_IE = 0x3fff;
    check_eq(101, REG_IE, 0x3fff);
    REG_IE = 0;
    REG_IME = 1;
    check_eq(102, REG_IME & 1, 1);
    REG_IME = 0;
    /* IF latches a request even while IE and IME keep it from the CPU. */
    REG_DISPSTAT = DISPSTAT_VBLANK_IRQ;
    REG_IF = 0xffff;
    wait_line(150);
    check_eq(103, REG_IF & IRQ_VBLANK, 0);
    wait_line(161);
    check_eq(104, REG_IF & IRQ_VBLANK, IRQ_VBLANK);
    REG_IF = IRQ_VBLANK; /* writing 1 acknowledges */
    check_eq(105, REG_IF & IRQ_VBLANK, 0);
    /* Pending and enabled in IE, but IME = 0: no call. */
    irq_counts_reset();
    BIOS_IRQ_HANDLER = irq_handler;
    REG_IE = IRQ_VBLANK;
    wait_line(0);
    wait_line(161);
    check_eq(106, irq_counts[0], 0);
    irq_disable();
}

static void test_display_interrupts(void)
{
    const u32 frames = 5;

    REG_DISPSTAT = DISPSTAT_VBLANK_IRQ;
    irq_enable(IRQ_VBLANK);
    wait_line(0);
    irq_counts_reset();
    for (u32 i = 0; i < frames; i++) {
        wait_line(170);
        wait_line(0);
    }
    check_eq(201, irq_counts[0], frames);
    check_eq(202, BIOS_IRQ_FLAGS & IRQ_VBLANK, IRQ_VBLANK);

    REG_DISPSTAT = DISPSTAT_VCOUNT_IRQ | 100u << 8;
    irq_enable(IRQ_VCOUNT);
    wait_line(0);
    irq_counts_reset();
    for (u32 i = 0; i < 3; i++) {
        wait_line(170);
        wait_line(0);
    }
    check_eq(203, irq_counts[2], 3);
    check_eq(204, irq_vcount_line, 100);
    wait_line(100);
    check_eq(205, REG_DISPSTAT & DISPSTAT_VCOUNT, DISPSTAT_VCOUNT);
    wait_line(101);
    check_eq(206, REG_DISPSTAT & DISPSTAT_VCOUNT, 0);

    /* One HBlank IRQ per line, VBlank lines included. */
    REG_DISPSTAT = DISPSTAT_HBLANK_IRQ;
    irq_enable(IRQ_HBLANK);
    wait_line(10);
    irq_counts_reset();
    wait_line(11);
    wait_line(10);
    check_range(207, irq_counts[1], 227, 229);
    irq_disable();
    REG_DISPSTAT = 0;

    /* The VBlank flag covers lines 160-226, not 227. */
    wait_line(50);
    check_eq(208, REG_DISPSTAT & DISPSTAT_VBLANK, 0);
    wait_line(200);
    check_eq(209, REG_DISPSTAT & DISPSTAT_VBLANK, DISPSTAT_VBLANK);
    wait_line(227);
    check_eq(210, REG_DISPSTAT & DISPSTAT_VBLANK, 0);
    /* The HBlank flag goes up and down within every line. */
    wait_line(60);
    u32 seen = 0;
    while (REG_VCOUNT == 60)
        seen |= REG_DISPSTAT & DISPSTAT_HBLANK ? 2 : 1;
    check_eq(211, seen, 3);
}

/* Timer 0 ticks over a whole number of lines (1232 cycles each). */
static u32 timer0_ticks(u32 prescaler, u32 lines)
{
    REG_TM_CNT_H(0) = 0;
    REG_TM_CNT_L(0) = 0;
    wait_next_line();
    REG_TM_CNT_H(0) = TIMER_ENABLE | prescaler;
    for (u32 i = 0; i < lines; i++)
        wait_next_line();
    u32 ticks = REG_TM_CNT_L(0);
    REG_TM_CNT_H(0) = 0;
    return ticks;
}

static void test_timers(void)
{
    /* 40 lines = 49280 cycles; the windows allow 3% for the polling. */
    check_range(301, timer0_ticks(0, 40), 47800, 50760);      /* /1 */
    check_range(302, timer0_ticks(1, 40), 740, 800);          /* /64: 770 */
    check_range(303, timer0_ticks(2, 160), 740, 800);         /* /256: 770 */
    check_range(304, timer0_ticks(3, 456), 530, 570);         /* /1024: 548.6 */

    /* Enabling loads the reload value. */
    REG_TM_CNT_L(0) = 0xfff0;
    REG_TM_CNT_H(0) = TIMER_ENABLE | 3;
    check_range(305, REG_TM_CNT_L(0), 0xfff0, 0xffff);
    REG_TM_CNT_H(0) = 0;

    /* Timer 1 in count-up mode counts timer 0's overflows, each of which
     * also raises a timer 0 IRQ: the two counts must agree exactly. */
    irq_enable(IRQ_TIMER(0));
    irq_counts_reset();
    REG_TM_CNT_H(1) = 0;
    REG_TM_CNT_L(1) = 0;
    REG_TM_CNT_H(1) = TIMER_ENABLE | TIMER_COUNT_UP;
    REG_TM_CNT_L(0) = 0xff00; /* overflows every 256 * 64 cycles */
    REG_TM_CNT_H(0) = TIMER_ENABLE | TIMER_IRQ | 1;
    for (u32 lines = 0; irq_counts[3] < 20 && lines < 3 * 228; lines++)
        wait_next_line();
    REG_TM_CNT_H(0) = 0;
    wait_next_line(); /* let a last request be taken */
    u32 overflows = REG_TM_CNT_L(1);
    check_range(306, irq_counts[3], 20, 21);
    check_eq(307, overflows, irq_counts[3]);
    REG_TM_CNT_H(1) = 0;

    /* A timer's own IRQ: timer 2 overflowing once. */
    irq_enable(IRQ_TIMER(2));
    irq_counts_reset();
    REG_TM_CNT_L(2) = 0xfffd; /* overflows after 3 * 1024 cycles */
    REG_TM_CNT_H(2) = TIMER_ENABLE | TIMER_IRQ | 3;
    for (int i = 0; i < 4; i++)
        wait_next_line(); /* 3696-4928 cycles: before a second one */
    REG_TM_CNT_H(2) = 0;
    check_eq(308, irq_counts[5], 1);
    irq_disable();
}

static void dma3(const void *src, void *dst, u32 count, u32 control)
{
    REG_DMA_SAD(3) = (u32)src;
    REG_DMA_DAD(3) = (u32)dst;
    REG_DMA_CNT_L(3) = count;
    REG_DMA_CNT_H(3) = control | DMA_ENABLE;
    barrier(); /* the CPU stalls until the copy is done */
}

static void clear_dst(void)
{
    for (int i = 0; i < 16; i++)
        dst_words[i] = 0;
}

static void test_immediate_dma(void)
{
    u16 *dst_halves = (u16 *)dst_words;

    clear_dst();
    dma3(src_words, dst_words, 8, DMA_WORDS);
    check_eq(401, dst_words[0], 0x11111111);
    check_eq(402, dst_words[7], 0x88888888);
    check_eq(403, dst_words[8], 0);
    check_eq(404, REG_DMA_CNT_H(3) & DMA_ENABLE, 0); /* done: enable clear */

    clear_dst();
    dma3(src_words, dst_words, 3, 0); /* 3 halfwords */
    check_eq(405, dst_halves[0], 0x1111);
    check_eq(406, dst_halves[2], 0x2222);
    check_eq(407, dst_halves[3], 0);

    clear_dst();
    dma3(&src_words[7], dst_words, 4, DMA_WORDS | DMA_SRC_DEC);
    check_eq(408, dst_words[0], 0x88888888);
    check_eq(409, dst_words[3], 0x55555555);
    check_eq(410, dst_words[4], 0);

    clear_dst();
    dma3(src_words, &dst_words[7], 4, DMA_WORDS | DMA_DEST_DEC);
    check_eq(411, dst_words[7], 0x11111111);
    check_eq(412, dst_words[4], 0x44444444);
    check_eq(413, dst_words[3], 0);

    clear_dst();
    dma3(src_words, dst_words, 4, DMA_WORDS | DMA_DEST_FIXED);
    check_eq(414, dst_words[0], 0x44444444);
    check_eq(415, dst_words[1], 0);

    clear_dst();
    dma3(&src_words[2], &dst_halves[1], 2, DMA_SRC_DEC | DMA_DEST_DEC);
    check_eq(416, dst_halves[1], 0x3333); /* low half of src_words[2] */
    check_eq(417, dst_halves[0], 0x2222); /* high half of src_words[1] */

    /* Fill: a fixed source word copied 16 times.  In IWRAM: from the
     * cartridge ROM the source address always increments (GBATEK). */
    static u32 pattern = 0xa5a5c3c3;
    clear_dst();
    dma3(&pattern, dst_words, 16, DMA_WORDS | DMA_SRC_FIXED);
    u32 all = 0xffffffff;
    for (int i = 0; i < 16; i++)
        all &= dst_words[i] == pattern ? 0xffffffff : 0;
    check_eq(418, all, 0xffffffff);

    /* The end-of-transfer IRQ. */
    irq_enable(IRQ_DMA(3));
    irq_counts_reset();
    dma3(src_words, dst_words, 8, DMA_WORDS | DMA_IRQ);
    wait_next_line();
    check_eq(419, irq_counts[11], 1);
    irq_disable();
}

static void clear_line_log(void)
{
    for (int i = 0; i < 232; i++)
        line_log[i] = 0xffff;
}

/* DMA 0 copies VCOUNT (fixed source) into line_log (incrementing
 * destination, not reloaded) one halfword per trigger, repeating. */
static void start_vcount_logger(u32 timing)
{
    REG_DMA_SAD(0) = VCOUNT_ADDR;
    REG_DMA_DAD(0) = (u32)line_log;
    REG_DMA_CNT_L(0) = 1;
    REG_DMA_CNT_H(0) = DMA_ENABLE | DMA_REPEAT | DMA_SRC_FIXED | timing;
}

static void test_timed_dma(void)
{
    clear_line_log();
    wait_line(200);
    start_vcount_logger(DMA_AT_HBLANK);
    wait_line(0);
    wait_line(161);
    REG_DMA_CNT_H(0) = 0;
    barrier();
    u32 in_order = 0;
    while (in_order < 232 && line_log[in_order] == in_order)
        in_order++;
    check_eq(501, in_order, 160); /* lines 0-159, then untouched */

    clear_line_log();
    wait_line(0);
    start_vcount_logger(DMA_AT_VBLANK);
    for (u32 i = 0; i < 3; i++) {
        wait_line(170);
        wait_line(0);
    }
    REG_DMA_CNT_H(0) = 0;
    barrier();
    check_eq(502, line_log[0], 160);
    check_eq(503, line_log[2], 160);
    check_eq(504, line_log[3], 0xffff);
}

/* DMA 3's special timing is video capture: one transfer at each HBlank of
 * lines 2 to 161, after which the hardware stops the channel (GBATEK
 * "DMA3 Video Capture Mode"). */
static void test_video_capture(void)
{
    clear_line_log();
    wait_line(200);
    REG_DMA_SAD(3) = VCOUNT_ADDR;
    REG_DMA_DAD(3) = (u32)line_log;
    REG_DMA_CNT_L(3) = 1;
    REG_DMA_CNT_H(3) = DMA_ENABLE | DMA_REPEAT | DMA_SRC_FIXED | DMA_AT_SPECIAL;
    wait_line(0);
    wait_line(170);
    barrier();
    u32 in_order = 0;
    while (in_order < 232 && line_log[in_order] == in_order + 2)
        in_order++;
    check_eq(601, in_order, 160); /* lines 2-161, then untouched */
    check_eq(602, REG_DMA_CNT_H(3) & DMA_ENABLE, 0);
    REG_DMA_CNT_H(3) = 0;
}

int main(void)
{
    test_interrupt_registers();
    test_display_interrupts();
    test_timers();
    test_immediate_dma();
    test_timed_dma();
    test_video_capture();
    return 0;
}
