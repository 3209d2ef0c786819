/*
 * bench_cpu.gba: a CPU-bound workload for bench/gba_bench.sh that never
 * halts, with its frame count on screen so that an emulator without a
 * headless benchmark mode (mGBA) can be timed from its picture.
 *
 * One round of work: a prime sieve in Thumb code running from the
 * cartridge ROM (16-bit bus, wait states), then a shell sort and a
 * checksum of 512 words in ARM code running from IWRAM (32-bit, no wait
 * states), the two places and states games run code from.  Rounds repeat
 * back to back; nothing waits for VBlank.
 *
 * With BENCH_WAIT defined (bench_wait.c) each frame does one small
 * slice of the same work and then sleeps in BIOS VBlankIntrWait, as
 * games do: the emulator's cost of idling and of the frame itself.
 *
 * The picture (mode 0, BG0): two rows of 24 squares of 8x8 pixels, white
 * for a 1 bit and black for a 0 bit, most significant bit on the left.
 * Tile row COUNT_ROW shows the number of VBlank IRQs taken (frames since
 * IRQs were enabled), tile row ROUND_ROW the number of rounds finished.
 * The VBlank IRQ handler redraws both, so a picture never shows a
 * half-updated number.  Everything else is black.
 */
#include "gba.h"

#define COUNT_ROW 2
#define ROUND_ROW 4
#define BITS 24

#define SIEVE_N 4096
#define SORT_N 512

/* IWRAM ARM code, called from ROM: more than 32 MiB away, so long calls. */
#define IWRAM_ARM __attribute__((section(".iwram"), target("arm"), noinline, long_call))
#define ROM_THUMB __attribute__((target("thumb"), noinline))

#define BG0_MAP ((volatile u16 *)0x0600f800u) /* screenblock 31 */
#define BG_PALETTE ((volatile u16 *)0x05000000u)
#define REG_BG0CNT REG16(0x008)

/* lib/report.c wants one; main never returns, so it is never shown. */
#ifdef BENCH_WAIT
const char test_name[] = "BENCH_WAIT";
#else
const char test_name[] = "BENCH_CPU";
#endif

static volatile u32 frames;        /* VBlank IRQs */
static volatile u32 rounds;        /* work rounds finished */
static volatile u32 checksum;      /* keeps the work observable */
/* In IWRAM, the page after the IWRAM code (and the first page with it),
 * as games keep hot data and code together in the fast 32 KiB: an
 * emulator that tracks code per page sees stores next to code. */
static u8 sieve[SIEVE_N];
static u32 keys[SORT_N];

/* A row of BITS map entries: tile 1 (white) for a 1 bit, tile 0 (black). */
IWRAM_ARM static void show_bits(u32 row, u32 value)
{
    volatile u16 *map = BG0_MAP + row * 32;
    for (u32 i = 0; i < BITS; i++)
        map[i] = (value >> (BITS - 1 - i)) & 1;
}

/* The IRQ handler the BIOS calls in ARM state: acknowledges, tells
 * VBlankIntrWait through the BIOS flag word, counts and redraws. */
IWRAM_ARM static void on_irq(void)
{
    u16 pending = REG_IE & REG_IF;
    REG_IF = pending;
    BIOS_IRQ_FLAGS |= pending;
    if (pending & IRQ_VBLANK) {
        frames++;
        show_bits(COUNT_ROW, frames);
        show_bits(ROUND_ROW, rounds);
    }
}

/* Primes below n, counted: byte loads and stores, a nested loop. */
ROM_THUMB static u32 count_primes(u32 n)
{
    u32 count = 0;
    for (u32 i = 0; i < n; i++)
        sieve[i] = 1;
    for (u32 i = 2; i < n; i++) {
        if (!sieve[i])
            continue;
        count++;
        for (u32 j = i * i; j < n; j += i)
            sieve[j] = 0;
    }
    return count;
}

/* Fills keys[0..n) from an xorshift generator seeded by seed. */
IWRAM_ARM static void fill_keys(u32 n, u32 seed)
{
    u32 x = seed | 1;
    for (u32 i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        keys[i] = x;
    }
}

/* Shell sort (gaps n/2, n/4, ...) then a multiply-and-rotate checksum:
 * word loads and stores, compares, shifts, a multiply. */
IWRAM_ARM static u32 sort_and_sum(u32 n)
{
    for (u32 gap = n / 2; gap > 0; gap /= 2) {
        for (u32 i = gap; i < n; i++) {
            u32 v = keys[i], j = i;
            for (; j >= gap && keys[j - gap] > v; j -= gap)
                keys[j] = keys[j - gap];
            keys[j] = v;
        }
    }
    u32 sum = 0;
    for (u32 i = 0; i < n; i++)
        sum = ((sum << 7) | (sum >> 25)) * 33 + keys[i];
    return sum;
}

/* Tile 0 black (palette index 0), tile 1 white (index 1); BG0 alone. */
static void setup_screen(void)
{
    volatile u32 *tiles = (volatile u32 *)0x06000000u;
    for (u32 i = 0; i < 8; i++) {
        tiles[i] = 0;
        tiles[8 + i] = 0x11111111u;
    }
    for (u32 i = 0; i < 32 * 32; i++)
        BG0_MAP[i] = 0;
    BG_PALETTE[0] = 0x0000;
    BG_PALETTE[1] = 0x7fff;
    REG_BG0CNT = 31u << 8;           /* map in screenblock 31, tiles at 0 */
    REG_DISPCNT = 0x0100;            /* mode 0, BG0 on */
}

static void enable_vblank_irq(void)
{
    REG_IME = 0;
    BIOS_IRQ_HANDLER = on_irq;
    REG_IF = 0xffff;
    BIOS_IRQ_FLAGS = 0;
    REG_DISPSTAT = DISPSTAT_VBLANK_IRQ;
    REG_IE = IRQ_VBLANK;
    REG_IME = 1;
}

#ifdef BENCH_WAIT
/* One frame's slice, about a fifth of a frame of CPU, then sleep. */
static void run(void)
{
    for (;;) {
        fill_keys(SORT_N / 4, rounds);
        checksum += count_primes(SIEVE_N / 8) + sort_and_sum(SORT_N / 4);
        rounds++;
        __asm__ volatile("swi 0x050000" ::: "r0", "r1", "r2", "r3", "r12", "memory", "cc");
    }
}
#else
static void run(void)
{
    for (;;) {
        fill_keys(SORT_N, rounds);
        checksum += count_primes(SIEVE_N) + sort_and_sum(SORT_N);
        rounds++;
    }
}
#endif

int main(void)
{
    setup_screen();
    enable_vblank_irq();
    run();
    return 0;
}
