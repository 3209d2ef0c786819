/* ARM7TDMI cycle estimates (devices/gba_timing.h) against GBATEK's "ARM
 * CPU Instruction Cycle Times" and "GBA Memory Map" wait states, worked
 * out by hand for each case. */
#include <check.h>
#include <stdlib.h>

#include "devices/gba_timing.h"

static const GbaFetchCost iwram = {1, 1};

START_TEST(wait_table_default_and_game_setting)
{
    GbaWaitTable t;
    gba_wait_table(&t, 0); /* WS0 N = 4 waits, S = 2 waits, no prefetch */
    ck_assert_uint_eq(t.fetch[0x8][1].n, 5);
    ck_assert_uint_eq(t.fetch[0x8][1].s, 3);
    ck_assert_uint_eq(t.fetch[0x8][0].s, 6); /* ARM: two 16-bit fetches */
    ck_assert_uint_eq(t.fetch[0x8][0].n, 8);
    ck_assert_uint_eq(t.fetch[0xc][1].s, 9);  /* WS2 S = 8 waits */
    ck_assert_uint_eq(t.fetch[0x2][1].s, 3);  /* EWRAM: 3 cycles per halfword */
    ck_assert_uint_eq(t.fetch[0x2][0].s, 6);
    ck_assert_uint_eq(t.fetch[0x3][0].s, 1);  /* IWRAM: 32-bit, no waits */
    /* 0x4317, what most games write: WS0 3/1, WS1 4/1, WS2 8/1 (bits), prefetch on. */
    gba_wait_table(&t, 0x4317);
    ck_assert_uint_eq(t.fetch[0x8][1].n, 4);
    ck_assert_uint_eq(t.fetch[0x8][1].s, 1); /* sequential code streams from the prefetch buffer */
    ck_assert_uint_eq(t.fetch[0x8][0].n, 6);
}
END_TEST

START_TEST(arm_classes)
{
    ck_assert_uint_eq(gba_arm_cycles(0xea000000, iwram), 3); /* B: 2S + 1N */
    ck_assert_uint_eq(gba_arm_cycles(0xe12fff1e, iwram), 3); /* BX lr */
    ck_assert_uint_eq(gba_arm_cycles(0xe5910000, iwram), 3); /* LDR r0, [r1]: 1S + 1N + 1I */
    ck_assert_uint_eq(gba_arm_cycles(0xe5810000, iwram), 2); /* STR r0, [r1]: 2N */
    ck_assert_uint_eq(gba_arm_cycles(0xe1d100b0, iwram), 3); /* LDRH r0, [r1] */
    ck_assert_uint_eq(gba_arm_cycles(0xe1c100b0, iwram), 2); /* STRH r0, [r1] */
    ck_assert_uint_eq(gba_arm_cycles(0xe890001e, iwram), 6); /* LDMIA r0, {r1-r4}: 4S + 1N + 1I */
    ck_assert_uint_eq(gba_arm_cycles(0xe880001e, iwram), 5); /* STMIA r0, {r1-r4}: 3S + 2N */
    ck_assert_uint_eq(gba_arm_cycles(0xe8bd8000, iwram), 5); /* LDMIA sp!, {pc}: + refill */
    ck_assert_uint_eq(gba_arm_cycles(0xe0000291, iwram), 3); /* MUL: 1S + m I, m taken as 2 */
    ck_assert_uint_eq(gba_arm_cycles(0xe0203291, iwram), 4); /* MLA: one more I */
    ck_assert_uint_eq(gba_arm_cycles(0xe0810392, iwram), 4); /* UMULL: 1S + (m + 1) I */
    ck_assert_uint_eq(gba_arm_cycles(0xe1020091, iwram), 4); /* SWP: 1S + 2N + 1I */
    ck_assert_uint_eq(gba_arm_cycles(0xe0810002, iwram), 1); /* ADD r0, r1, r2 */
    ck_assert_uint_eq(gba_arm_cycles(0xe0810312, iwram), 2); /* ADD r0, r1, r2, lsl r3: + 1I */
    ck_assert_uint_eq(gba_arm_cycles(0xe1a0f00e, iwram), 3); /* MOV pc, lr: + refill */
    ck_assert_uint_eq(gba_arm_cycles(0xe15f000e, iwram), 1); /* CMP pc, lr writes nothing */
    GbaFetchCost rom = {6, 8};
    ck_assert_uint_eq(gba_arm_cycles(0xea000000, rom), 20); /* B from ROM: 2S + 1N = 6 + 6 + 8 */
}
END_TEST

START_TEST(thumb_classes)
{
    unsigned size;
    ck_assert_uint_eq(gba_thumb_cycles(0x1888, 0, iwram, &size), 1); /* ADDS r0, r1, r2 */
    ck_assert_uint_eq(size, 2);
    ck_assert_uint_eq(gba_thumb_cycles(0xf000, 0xf800, iwram, &size), 4); /* BL: 3S + 1N */
    ck_assert_uint_eq(size, 4);
    ck_assert_uint_eq(gba_thumb_cycles(0x4770, 0, iwram, &size), 3);  /* BX lr */
    ck_assert_uint_eq(gba_thumb_cycles(0x46f7, 0, iwram, &size), 3);  /* MOV pc, lr */
    ck_assert_uint_eq(gba_thumb_cycles(0x45f7, 0, iwram, &size), 1);  /* CMP pc, lr */
    ck_assert_uint_eq(gba_thumb_cycles(0x4348, 0, iwram, &size), 3);  /* MULS r0, r1 */
    ck_assert_uint_eq(gba_thumb_cycles(0x4088, 0, iwram, &size), 2);  /* LSLS r0, r1 (by register) */
    ck_assert_uint_eq(gba_thumb_cycles(0x4801, 0, iwram, &size), 3);  /* LDR r0, [pc, #4] */
    ck_assert_uint_eq(gba_thumb_cycles(0x6808, 0, iwram, &size), 3);  /* LDR r0, [r1] */
    ck_assert_uint_eq(gba_thumb_cycles(0x6008, 0, iwram, &size), 2);  /* STR r0, [r1] */
    ck_assert_uint_eq(gba_thumb_cycles(0x5088, 0, iwram, &size), 2);  /* STR r0, [r1, r2] */
    ck_assert_uint_eq(gba_thumb_cycles(0x5e88, 0, iwram, &size), 3);  /* LDRSH r0, [r1, r2] */
    ck_assert_uint_eq(gba_thumb_cycles(0xb5f0, 0, iwram, &size), 6);  /* PUSH {r4-r7, lr}: 4S + 2N */
    ck_assert_uint_eq(gba_thumb_cycles(0xbdf0, 0, iwram, &size), 9);  /* POP {r4-r7, pc}: 5S+1N+1I + refill */
    ck_assert_uint_eq(gba_thumb_cycles(0xc90e, 0, iwram, &size), 5);  /* LDMIA r1!, {r1-r3} */
    ck_assert_uint_eq(gba_thumb_cycles(0xd0fe, 0, iwram, &size), 3);  /* BEQ, counted as taken */
    ck_assert_uint_eq(gba_thumb_cycles(0xe7fe, 0, iwram, &size), 3);  /* B */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gba_timing");
    TCase *t = tcase_create("timing");
    tcase_add_test(t, wait_table_default_and_game_setting);
    tcase_add_test(t, arm_classes);
    tcase_add_test(t, thumb_classes);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
