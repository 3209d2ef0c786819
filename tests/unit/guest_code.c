/* Single-instruction guest code for unit tests. */
#include "guest_code.h"

#include <string.h>

void guest_code_set(GuestCode *c, const void *bytes, uint32_t size, uint32_t pc)
{
    c->pc = pc;
    c->size = size < sizeof c->bytes ? size : sizeof c->bytes;
    memcpy(c->bytes, bytes, c->size);
}

void guest_code_encode(GuestCode *c, int kind, uint32_t raw, uint32_t pc)
{
    if (kind == GUEST_CODE_T32) {
        uint16_t hw[2] = {(uint16_t)(raw >> 16), (uint16_t)raw};
        guest_code_set(c, hw, 4, pc);
    } else if (kind == GUEST_CODE_T16) {
        uint16_t hw = (uint16_t)raw;
        guest_code_set(c, &hw, 2, pc);
    } else {
        guest_code_set(c, &raw, 4, pc);
    }
}

size_t guest_code_fetch(void *opaque, uint32_t addr, uint8_t *buf, size_t len)
{
    const GuestCode *c = opaque;
    if (addr < c->pc || addr >= c->pc + c->size)
        return 0;
    size_t n = c->pc + c->size - addr;
    if (n > len)
        n = len;
    memcpy(buf, c->bytes + (addr - c->pc), n);
    return n;
}
