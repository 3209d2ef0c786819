/* The block translation loop: decode, condition and IT handling, dispatch. */
#include "translator/translate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "translator/families.h"
#include "translator/isa_v4t.h"

struct Translator {
    ArmDecoder *dec;
    IrBlock *ir;
    TranslateFn table[ARM_INS_ENDING];
    bool system;
    ArmModel model;
};

void translator_set_system(Translator *t, bool system)
{
    t->system = system;
}

void translator_set_model(Translator *t, ArmModel model)
{
    t->model = model;
}

static void register_family(Translator *t, const TransEntry *entries, size_t n, const char *family)
{
    for (size_t i = 0; i < n; i++) {
        unsigned id = entries[i].id;
        if (id >= ARM_INS_ENDING || t->table[id]) {
            fprintf(stderr, "scion: internal error: family %s claims instruction id %u twice\n", family, id);
            abort();
        }
        t->table[id] = entries[i].fn;
    }
}

Translator *translator_new(void)
{
    Translator *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->dec = arm_decoder_new();
    t->ir = ir_block_new();
#define SCION_FAMILY_REGISTER(name) register_family(t, name##_entries, name##_entry_count, #name);
    SCION_FAMILIES(SCION_FAMILY_REGISTER)
#undef SCION_FAMILY_REGISTER
    return t;
}

void translator_free(Translator *t)
{
    if (!t)
        return;
    arm_decoder_free(t->dec);
    ir_block_free(t->ir);
    free(t);
}

bool translator_handles(const Translator *t, unsigned id)
{
    return id < ARM_INS_ENDING && t->table[id] != NULL;
}

static bool in_it_block(uint32_t it)
{
    return (it & 0xf) != 0;
}

/* Condition of an instruction: IT-block instructions take theirs from the IT
 * state, the IT instruction itself is unconditional. */
static int insn_condition(const ArmInsn *insn, uint32_t it)
{
    if (insn->id == ARM_INS_IT)
        return 14;
    if (insn->thumb && in_it_block(it))
        return (int)(it >> 4);
    return insn->cond;
}

static uint32_t it_after(const ArmInsn *insn, uint32_t it)
{
    if (insn->id == ARM_INS_IT)
        return insn->raw & 0xff;
    return in_it_block(it) ? arm_it_advance(it) : 0;
}

static void lower_one(Translator *t, LowerCtx *ctx)
{
    const ArmInsn *insn = ctx->insn;
    int cond = insn_condition(insn, ctx->it_cur);
    IrLabel skip = 0;
    if (ctx->v4t && !isa_v4t_has(insn)) {
        lower_exit_fault(ctx, IR_EXIT_UNDEF);
        return;
    }
    if (cond != 14) {
        skip = ir_new_label(ctx->ir);
        lower_skip_unless(ctx, cond, skip);
    }
    TranslateFn fn = t->table[insn->id];
    if (!fn || !fn(ctx))
        lower_unimplemented(ctx);
    if (cond != 14) {
        ir_label(ctx->ir, skip);
        if (ctx->ends_block)
            lower_exit_direct(ctx, ctx->next_pc, ctx->thumb);
    }
}

TranslateStatus translate_block(Translator *t, GuestFetchFn fetch, void *opaque, uint32_t pc, uint32_t mode,
                                TranslateResult *out)
{
    bool thumb = mode & ARM_MODEBIT_THUMB;
    uint32_t it = (mode >> ARM_MODEBIT_IT_SHIFT) & 0xff;
    IrBlock *ir = t->ir;
    ir_block_reset(ir);
    arm_decode_begin_block(t->dec, thumb, it);
    out->ir = ir;
    out->guest_start = pc;
    out->ninsns = 0;
    LowerCtx ctx = {.ir = ir, .thumb = thumb, .it_touched = it != 0, .it_entry = it, .system = t->system,
                    .vfp_off = (mode & ARM_MODEBIT_VFP_OFF) != 0, .align_all = (mode & ARM_MODEBIT_ALIGN) != 0,
                    .v4t = t->model == ARM_MODEL_ARM7TDMI};
    for (;;) {
        uint8_t bytes[4];
        size_t avail = fetch(opaque, pc, bytes, 4);
        if (avail < 2 || (!thumb && avail < 4) || (avail < 4 && thumb_is_32bit((uint16_t)(bytes[0] | bytes[1] << 8)))) {
            if (out->ninsns == 0) {
                arm_decode_end_block(t->dec, thumb, it);
                return TRANSLATE_FETCH_FAULT;
            }
            /* The next instruction faults on fetch: let its own block report it. */
            ctx.it_next = it;
            lower_exit_direct(&ctx, pc, thumb);
            break;
        }
        ArmInsn insn;
        ctx.pc = pc;
        ctx.it_cur = it;
        ctx.ends_block = false;
        ir_emit(ir, IR_INSN_START, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP,
                pc | (uint64_t)((thumb ? ARM_MODEBIT_THUMB : 0) | it << ARM_MODEBIT_IT_SHIFT) << 32, 0);
        if (!arm_decode(t->dec, bytes, avail, pc, thumb, &insn)) {
            ctx.insn = NULL;
            lower_exit_fault(&ctx, IR_EXIT_UNDEF);
            out->ninsns++;
            pc += thumb ? 2 : 4;
            break;
        }
        ctx.insn = &insn;
        ctx.next_pc = pc + insn.size;
        ctx.in_it = thumb && in_it_block(it) && insn.id != ARM_INS_IT;
        ctx.it_next = it_after(&insn, it);
        if (insn.id == ARM_INS_IT)
            ctx.it_touched = true;
        lower_one(t, &ctx);
        out->ninsns++;
        it = ctx.it_next;
        pc = ctx.next_pc;
        if (ctx.ends_block)
            break;
        if (out->ninsns >= TRANSLATE_MAX_INSNS || (pc & (TRANSLATE_PAGE_SIZE - 1)) < insn.size ||
            ir->ntemps > IR_MAX_TEMPS / 2) {
            lower_exit_direct(&ctx, pc, thumb);
            break;
        }
    }
    arm_decode_end_block(t->dec, thumb, it);
    out->guest_end = pc;
    return TRANSLATE_OK;
}

void translator_disasm(Translator *t, const uint8_t *bytes, size_t len, uint32_t pc, bool thumb, char *buf,
                       size_t buflen, unsigned *size)
{
    /* No begin_block: a log lists a block's instructions in order, and an
     * IT instruction's conditions carry to those after it (the next
     * translate_block drains what is left). */
    ArmInsn insn;
    if (arm_decode(t->dec, bytes, len, pc, thumb, &insn)) {
        arm_decode_text(t->dec, thumb, buf, buflen);
        *size = insn.size;
    } else {
        snprintf(buf, buflen, "(undefined)");
        *size = thumb ? 2 : 4;
    }
}
