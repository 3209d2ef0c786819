/*
 * Draws the verdict and fills in the result mailbox (called by
 * test_finish in finish.S, which then parks the CPU).
 */
#include "test.h"
#include "text.h"

void report_result(u32 result, u32 got, u32 lo, u32 hi);

void report_result(u32 result, u32 got, u32 lo, u32 hi)
{
    const u16 white = RGB15(31, 31, 31);
    char num[12], line[40];

    text_screen_init(result == 0 ? RGB15(0, 12, 0) : RGB15(14, 0, 0));
    text_draw(8, 8, test_name, 1, white);
    if (result == 0) {
        text_draw(8, 32, "PASS", 3, white);
    } else {
        text_draw(8, 32, "FAIL", 3, white);
        text_draw(8 + 5 * 24, 32, text_dec(num, result), 3, white);
        text_draw(8, 72, "GOT", 1, white);
        text_draw(48, 72, text_hex(num, got), 1, white);
        text_draw(8, 84, "WANT", 1, white);
        text_draw(48, 84, text_hex(num, lo), 1, white);
        if (hi != lo) {
            text_draw(48, 96, "TO", 1, white);
            text_draw(72, 96, text_hex(line, hi), 1, white);
        }
    }
    /* The value before the magic word, so a harness that polls for the
     * magic never sees a stale value. */
    RESULT_MAILBOX[1] = result;
    RESULT_MAILBOX[0] = RESULT_MAGIC;
}
