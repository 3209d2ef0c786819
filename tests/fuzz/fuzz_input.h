/*
 * A cursor over a fuzz input, shared by the fuzz targets: reads fixed-size
 * little-endian fields and byte runs, yielding zeros once the input is
 * used up (so every input, however short, is a valid program of reads).
 *
 *   FuzzInput in = {data, size};
 *   uint8_t flags = fin_u8(&in);
 *   size_t len = fin_u16(&in);
 *   const uint8_t *p = fin_take(&in, &len);   // len may shrink
 */
#ifndef SCION_FUZZ_INPUT_H
#define SCION_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct FuzzInput {
    const uint8_t *p;
    size_t n;
} FuzzInput;

static inline uint8_t fin_u8(FuzzInput *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static inline uint16_t fin_u16(FuzzInput *in)
{
    uint16_t lo = fin_u8(in);
    return (uint16_t)(lo | fin_u8(in) << 8);
}

static inline uint32_t fin_u24(FuzzInput *in)
{
    uint32_t lo = fin_u16(in);
    return lo | (uint32_t)fin_u8(in) << 16;
}

static inline uint32_t fin_u32(FuzzInput *in)
{
    uint32_t lo = fin_u16(in);
    return lo | (uint32_t)fin_u16(in) << 16;
}

/* Up to *len bytes from the input (fewer at its end; *len is updated). */
static inline const uint8_t *fin_take(FuzzInput *in, size_t *len)
{
    const uint8_t *p = in->p;
    if (*len > in->n)
        *len = in->n;
    in->p += *len;
    in->n -= *len;
    return p;
}

#endif
