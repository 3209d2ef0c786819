/*
 * The test ROMs' result convention.  A test ends in test_finish(): the
 * screen shows PASS or FAIL <n> (n = the first failing check) with the
 * test name, the EWRAM mailbox at 0x0203fff0 gets "SCNR" and the result,
 * and the CPU parks in `b .` with r0 = the result (0 = pass).
 */
#ifndef GBA_TEST_TEST_H
#define GBA_TEST_TEST_H

#include "gba.h"

/* Defined by each test ROM. */
extern const char test_name[];

/* result = 0 for pass, else the failing check's number; on failure got
 * is the value seen and lo..hi the accepted range.  ARM code, IRQs off. */
void test_finish(u32 result, u32 got, u32 lo, u32 hi) __attribute__((noreturn));

static inline void check_eq(u32 check, u32 got, u32 want)
{
    if (got != want)
        test_finish(check, got, want, want);
}

static inline void check_range(u32 check, u32 got, u32 lo, u32 hi)
{
    if (got < lo || got > hi)
        test_finish(check, got, lo, hi);
}

#endif
