/*
 * bios_calls: BIOS functions through SWI, from ARM and from Thumb.
 * Expected results from GBATEK "BIOS Functions".  The machine under test
 * may use a high-level BIOS, so only documented results are checked.
 * Check n of group g is numbered g * 100 + n.
 */
#include "irq.h"
#include "test.h"

const char test_name[] = "BIOS_CALLS";

struct bios_regs {
    u32 r0, r1, r2, r3;
};

#define BIOS_CALL(name)                          \
    void swi_arm_##name(struct bios_regs *regs); \
    void swi_thumb_##name(struct bios_regs *regs);
BIOS_CALL(vblank_intr_wait)
BIOS_CALL(div)
BIOS_CALL(div_arm)
BIOS_CALL(sqrt)
BIOS_CALL(arctan2)
BIOS_CALL(cpu_set)
BIOS_CALL(cpu_fast_set)
BIOS_CALL(bios_checksum)
BIOS_CALL(lz77_uncomp_wram)
BIOS_CALL(rl_uncomp_wram)

typedef void (*bios_fn)(struct bios_regs *);

extern const u8 lz77_sample[], lz77_sample_lz[];
extern const u32 lz77_sample_size;

#define CPUSET_FILL (1u << 24)
#define CPUSET_WORDS (1u << 26)

static u32 src[32], dst[32];
static u8 unpacked[1024] __attribute__((section(".ewram_bss")));

/* "ABCABCABCABCXY" in LZ77: three literals, 9 bytes copied from 3 back,
 * two literals. */
static const u8 lz77_hand[12] __attribute__((aligned(4))) = {
    0x10, 14, 0, 0, /* type 1, 14 bytes */
    0x10,           /* flags, MSB first: block 3 is a reference */
    'A', 'B', 'C',
    0x60, 0x02,     /* length 9 - 3, displacement 3 - 1 */
    'X', 'Y',
};

/* "AAAAAHI!!!!!" in RL: a run of 5, 2 literals, a run of 5.  12 bytes,
 * so that a decompressor writing whole words stops at the same place. */
static const u8 rl_hand[12] __attribute__((aligned(4))) = {
    0x30, 12, 0, 0, /* type 3, 12 bytes */
    0x82, 'A',      /* run of 2 + 3 */
    0x01, 'H', 'I', /* 1 + 1 literals */
    0x82, '!',      /* run of 2 + 3 */
    0,
};

static u32 call(bios_fn fn, u32 r0, u32 r1, u32 r2, struct bios_regs *out)
{
    out->r0 = r0;
    out->r1 = r1;
    out->r2 = r2;
    out->r3 = 0;
    fn(out);
    return out->r0;
}

static void test_arithmetic(u32 group, bios_fn div, bios_fn div_arm, bios_fn sqrt,
                            bios_fn arctan2)
{
    struct bios_regs r;
    call(div, (u32)-7, 2, 0, &r); /* rounds towards zero */
    check_eq(group + 1, r.r0, (u32)-3);
    check_eq(group + 2, r.r1, (u32)-1);
    check_eq(group + 3, r.r3, 3);
    call(div, 100, 7, 0, &r);
    check_eq(group + 4, r.r0, 14);
    check_eq(group + 5, r.r1, 2);
    call(div_arm, 7, 100, 0, &r); /* operands swapped */
    check_eq(group + 6, r.r0, 14);
    check_eq(group + 7, r.r1, 2);
    check_eq(group + 8, r.r3, 14);
    check_eq(group + 9, call(sqrt, 1000000, 0, 0, &r), 1000);
    check_eq(group + 10, call(sqrt, 2, 0, 0, &r), 1);
    check_eq(group + 11, call(sqrt, 0xffffffff, 0, 0, &r), 0xffff);
    check_eq(group + 12, call(sqrt, 0x10000, 0, 0, &r), 0x100);
    /* x, y in 1.14 fixed point; the angle as 0x0000-0xffff per turn. */
    check_eq(group + 13, call(arctan2, 0x4000, 0, 0, &r) & 0xffff, 0);
    check_eq(group + 14, call(arctan2, 0, 0x4000, 0, &r) & 0xffff, 0x4000);
    check_eq(group + 15, call(arctan2, (u32)-0x4000, 0, 0, &r) & 0xffff, 0x8000);
    check_eq(group + 16, call(arctan2, 0, (u32)-0x4000, 0, &r) & 0xffff, 0xc000);
    check_range(group + 17, call(arctan2, 0x4000, 0x4000, 0, &r) & 0xffff, 0x1fc0, 0x2040);
}

static void reset_buffers(void)
{
    for (int i = 0; i < 32; i++) {
        src[i] = 0x01010101u * (i + 1);
        dst[i] = 0;
    }
}

static void test_copies(u32 group, bios_fn cpu_set, bios_fn cpu_fast_set)
{
    struct bios_regs r;
    u16 *dst_halves = (u16 *)dst;

    reset_buffers();
    call(cpu_set, (u32)src, (u32)dst, 3, &r); /* 3 halfwords */
    check_eq(group + 1, dst_halves[2], 0x0202);
    check_eq(group + 2, dst_halves[3], 0);
    reset_buffers();
    call(cpu_set, (u32)src, (u32)dst, 4 | CPUSET_WORDS, &r);
    check_eq(group + 3, dst[3], 0x04040404);
    check_eq(group + 4, dst[4], 0);
    reset_buffers();
    call(cpu_set, (u32)&src[5], (u32)dst, 6 | CPUSET_WORDS | CPUSET_FILL, &r);
    check_eq(group + 5, dst[0], 0x06060606);
    check_eq(group + 6, dst[5], 0x06060606);
    check_eq(group + 7, dst[6], 0);
    reset_buffers();
    call(cpu_set, (u32)&src[2], (u32)dst, 3 | CPUSET_FILL, &r); /* halfwords */
    check_eq(group + 8, dst[0], 0x03030303);
    check_eq(group + 9, dst[1], 0x00000303); /* the third halfword only */
    /* CpuFastSet moves blocks of 8 words: a count of 10 moves 16. */
    reset_buffers();
    call(cpu_fast_set, (u32)src, (u32)dst, 10, &r);
    check_eq(group + 10, dst[9], 0x0a0a0a0a);
    check_eq(group + 11, dst[15], 0x10101010);
    check_eq(group + 12, dst[16], 0);
    reset_buffers();
    call(cpu_fast_set, (u32)&src[1], (u32)dst, 8 | CPUSET_FILL, &r);
    check_eq(group + 13, dst[7], 0x02020202);
    check_eq(group + 14, dst[8], 0);
}

/* Bytes that match want[0..n) at the start of got. */
static u32 matching_prefix(const u8 *got, const u8 *want, u32 n)
{
    u32 i = 0;
    while (i < n && got[i] == want[i])
        i++;
    return i;
}

static void test_decompression(u32 group, bios_fn lz77, bios_fn rl)
{
    struct bios_regs r;

    for (int i = 0; i < 1024; i++)
        unpacked[i] = 0xee;
    call(lz77, (u32)lz77_hand, (u32)unpacked, 0, &r);
    check_eq(group + 1, matching_prefix(unpacked, (const u8 *)"ABCABCABCABCXY", 14), 14);
    check_eq(group + 2, unpacked[14], 0xee);

    call(lz77, (u32)lz77_sample_lz, (u32)unpacked, 0, &r);
    check_eq(group + 3, matching_prefix(unpacked, lz77_sample, lz77_sample_size),
             lz77_sample_size);

    for (int i = 0; i < 16; i++)
        unpacked[i] = 0xee;
    call(rl, (u32)rl_hand, (u32)unpacked, 0, &r);
    check_eq(group + 4, matching_prefix(unpacked, (const u8 *)"AAAAAHI!!!!!", 12), 12);
    check_eq(group + 5, unpacked[12], 0xee);
}

/* VBlankIntrWait returns at the start of each VBlank, once the handler
 * has flagged it in 0x03007ff8. */
static void test_vblank_wait(u32 group, bios_fn vblank_intr_wait)
{
    struct bios_regs r;
    const u32 frames = 4;

    REG_DISPSTAT = DISPSTAT_VBLANK_IRQ;
    irq_enable(IRQ_VBLANK);
    wait_line(0);
    irq_counts_reset();
    for (u32 i = 0; i < frames; i++) {
        call(vblank_intr_wait, 0, 0, 0, &r);
        check_range(group + 1, REG_VCOUNT, 160, 161);
    }
    check_eq(group + 2, irq_counts[0], frames);
    irq_disable();
    REG_DISPSTAT = 0;
}

int main(void)
{
    struct bios_regs r;

    test_arithmetic(100, swi_arm_div, swi_arm_div_arm, swi_arm_sqrt, swi_arm_arctan2);
    test_arithmetic(200, swi_thumb_div, swi_thumb_div_arm, swi_thumb_sqrt,
                    swi_thumb_arctan2);
    test_copies(300, swi_arm_cpu_set, swi_arm_cpu_fast_set);
    test_copies(400, swi_thumb_cpu_set, swi_thumb_cpu_fast_set);
    test_decompression(500, swi_arm_lz77_uncomp_wram, swi_arm_rl_uncomp_wram);
    test_decompression(600, swi_thumb_lz77_uncomp_wram, swi_thumb_rl_uncomp_wram);
    test_vblank_wait(700, swi_arm_vblank_intr_wait);
    test_vblank_wait(800, swi_thumb_vblank_intr_wait);
    check_eq(901, call(swi_arm_bios_checksum, 0, 0, 0, &r), 0xbaae187f);
    check_eq(902, call(swi_thumb_bios_checksum, 0, 0, 0, &r), 0xbaae187f);
    return 0;
}
