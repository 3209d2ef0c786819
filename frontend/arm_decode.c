/* Capstone wrapper for A32/T32/VFP decoding. */
#include "frontend/arm_decode.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/decode_memo.h"

/* What arm_decode_text needs when the last answer came from the memo. */
typedef struct LastDecode {
    uint8_t bytes[4];
    unsigned size;
    uint32_t pc;
    bool recalled;
} LastDecode;

struct ArmDecoder {
    csh arm, thumb;
    cs_insn *arm_insn, *thumb_insn;
    /* Instructions left in the IT block Capstone's Thumb handle is in: the
     * memo answers only outside IT blocks. */
    unsigned it_left;
    DecodeMemo *memo;
    LastDecode last[2]; /* [thumb] */
};

static csh open_handle(cs_mode mode)
{
    csh h;
    if (cs_open(CS_ARCH_ARM, mode, &h) != CS_ERR_OK) {
        fprintf(stderr, "scion: cannot open the Capstone ARM decoder\n");
        exit(1);
    }
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    return h;
}

ArmDecoder *arm_decoder_new(void)
{
    ArmDecoder *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->arm = open_handle(CS_MODE_ARM);
    d->thumb = open_handle(CS_MODE_THUMB);
    d->arm_insn = cs_malloc(d->arm);
    d->thumb_insn = cs_malloc(d->thumb);
    d->memo = decode_memo_new();
    return d;
}

void arm_decoder_free(ArmDecoder *d)
{
    if (!d)
        return;
    cs_free(d->arm_insn, 1);
    cs_free(d->thumb_insn, 1);
    cs_close(&d->arm);
    cs_close(&d->thumb);
    decode_memo_free(d->memo);
    free(d);
}

/* Instructions an IT instruction's mask (its low 4 bits) covers. */
static unsigned it_length(uint32_t mask)
{
    return (mask & 0xf) ? 4 - (unsigned)__builtin_ctz(mask & 0xf) : 0;
}

/* Capstone's Thumb handle takes an IT instruction's conditions, and each
 * instruction decoded after it uses one up. */
static bool decode_raw(ArmDecoder *d, bool thumb, const uint8_t *bytes, size_t len, uint32_t pc)
{
    const uint8_t *p = bytes;
    size_t n = len;
    uint64_t addr = pc;
    cs_insn *ci = thumb ? d->thumb_insn : d->arm_insn;
    if (!cs_disasm_iter(thumb ? d->thumb : d->arm, &p, &n, &addr, ci))
        return false; /* whether Capstone used up a condition or not, the block ends: end_block drains */
    if (thumb && ci->id == ARM_INS_IT)
        d->it_left = it_length(bytes[0]);
    else if (thumb && d->it_left)
        d->it_left--;
    return true;
}

static const uint8_t thumb_nop[2] = {0x00, 0xbf};

/* An IT instruction whose firstcond:mask equals the IT state recreates that
 * state, so decoding one primes Capstone for a block that starts mid-IT.
 * Slots something else left open (an IT instruction disassembled for a
 * log) are drained first. */
void arm_decode_begin_block(ArmDecoder *d, bool thumb, uint32_t itstate)
{
    for (int i = 0; i < 4 && d->it_left; i++)
        decode_raw(d, true, thumb_nop, 2, 0);
    if (!thumb || (itstate & 0xf) == 0)
        return;
    uint8_t it[2] = {(uint8_t)itstate, 0xbf};
    decode_raw(d, true, it, 2, 0);
}

/* Each decoded instruction pops one IT slot; NOPs drain what is left. */
void arm_decode_end_block(ArmDecoder *d, bool thumb, uint32_t itstate)
{
    if (!thumb)
        return;
    for (int i = 0; i < 4 && (itstate & 0xf) != 0; i++) {
        decode_raw(d, true, thumb_nop, 2, 0);
        itstate = (itstate & 7) == 0 ? 0 : (itstate & 0xe0) | ((itstate << 1) & 0x1f);
    }
    d->it_left = 0;
}

static uint32_t read_raw(const uint8_t *b, bool thumb, unsigned size)
{
    if (!thumb)
        return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    uint32_t hw1 = (uint32_t)b[0] | (uint32_t)b[1] << 8;
    if (size == 2)
        return hw1;
    return hw1 << 16 | (uint32_t)b[2] | (uint32_t)b[3] << 8;
}

bool arm_decode(ArmDecoder *d, const uint8_t *bytes, size_t avail, uint32_t pc, bool thumb, ArmInsn *out)
{
    unsigned size = 4;
    if (thumb) {
        if (avail < 2)
            return false;
        size = thumb_is_32bit((uint16_t)(bytes[0] | bytes[1] << 8)) ? 4 : 2;
    }
    if (avail < size)
        return false;
    out->pc = pc;
    out->size = (uint8_t)size;
    out->thumb = thumb;
    out->raw = read_raw(bytes, thumb, size);
    LastDecode *last = &d->last[thumb];
    *last = (LastDecode){.size = size, .pc = pc};
    memcpy(last->bytes, bytes, size);
    bool outside_it = !thumb || d->it_left == 0;
    if (outside_it && (out->detail = decode_memo_recall(d->memo, out->raw, thumb, &out->id)))
        last->recalled = true;
    else {
        if (!decode_raw(d, thumb, bytes, size, pc))
            return false;
        const cs_insn *ci = thumb ? d->thumb_insn : d->arm_insn;
        out->id = ci->id;
        out->detail = &ci->detail->arm;
        if (outside_it && ci->id != ARM_INS_IT)
            decode_memo_keep(d->memo, out->raw, thumb, ci->id, out->detail);
    }
    out->cond = (out->detail->cc == ARM_CC_INVALID) ? 14 : (int)out->detail->cc - 1;
    return true;
}

void arm_decode_text(ArmDecoder *d, bool thumb, char *buf, size_t len)
{
    const LastDecode *last = &d->last[thumb];
    /* outside an IT block, so decoding again leaves Capstone's state alone */
    if (last->recalled && !decode_raw(d, thumb, last->bytes, last->size, last->pc)) {
        snprintf(buf, len, "(undefined)");
        return;
    }
    const cs_insn *ci = thumb ? d->thumb_insn : d->arm_insn;
    snprintf(buf, len, "%s %s", ci->mnemonic, ci->op_str);
}

int arm_reg_index(unsigned r)
{
    if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
        return (int)(r - ARM_REG_R0);
    switch (r) {
    case ARM_REG_SP: return 13;
    case ARM_REG_LR: return 14;
    case ARM_REG_PC: return 15;
    default: return -1;
    }
}

int arm_sreg_index(unsigned r)
{
    return (r >= ARM_REG_S0 && r <= ARM_REG_S31) ? (int)(r - ARM_REG_S0) : -1;
}

int arm_dreg_index(unsigned r)
{
    return (r >= ARM_REG_D0 && r <= ARM_REG_D31) ? (int)(r - ARM_REG_D0) : -1;
}
