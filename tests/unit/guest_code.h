/*
 * A few bytes of guest code at a fixed address, for unit tests that
 * translate single instructions: encodes a raw instruction as A32, 32-bit
 * T32 or 16-bit T32, and serves it to translate_block as its only
 * executable bytes (so the block ends after it).
 *
 *   GuestCode code;
 *   guest_code_encode(&code, GUEST_CODE_T32, 0xfb90f0f1, 0x1000);
 *   translate_block(t, guest_code_fetch, &code, 0x1000, mode, &r);
 */
#ifndef SCION_TEST_GUEST_CODE_H
#define SCION_TEST_GUEST_CODE_H

#include <stddef.h>
#include <stdint.h>

enum { GUEST_CODE_A32 = 0, GUEST_CODE_T16 = 2, GUEST_CODE_T32 = 4 };

typedef struct GuestCode {
    uint32_t pc, size;
    uint8_t bytes[16];
} GuestCode;

/* kind: GUEST_CODE_A32 (raw is the word), GUEST_CODE_T32 (raw is
 * hw1 << 16 | hw2) or GUEST_CODE_T16 (raw is the halfword). */
void guest_code_encode(GuestCode *c, int kind, uint32_t raw, uint32_t pc);
void guest_code_set(GuestCode *c, const void *bytes, uint32_t size, uint32_t pc);
/* A GuestFetchFn; opaque is the GuestCode. */
size_t guest_code_fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len);

#endif
