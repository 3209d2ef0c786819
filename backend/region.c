/* Region formation (see region.h). */
#include "backend/region.h"

static bool contains(TransBlock *const *list, unsigned n, const TransBlock *tb)
{
    for (unsigned i = 0; i < n; i++)
        if (list[i] == tb)
            return true;
    return false;
}

unsigned region_form(BlockCache *c, TransBlock *head, uint64_t min_runs, uint32_t page_local_bits, TransBlock **out)
{
    unsigned n = 0, insns = head->ninsns;
    out[n++] = head;
    for (unsigned next = 0; next < n; next++) {
        const TransBlock *from = out[next];
        const InterpCode *code = from->code;
        for (size_t i = 0; i < code->count; i++) {
            const IrInsn *in = &code->insns[i];
            if (in->op != IR_EXIT || in->aux != IR_EXIT_JUMP)
                continue;
            uint32_t mode = jit_direct_target_mode(page_local_bits, from->pc, from->mode, ir_exit_pc(in), ir_exit_mode(in));
            if (mode == IR_MODE_UNKNOWN)
                continue;
            TransBlock *tb = block_cache_peek(c, ir_exit_pc(in), mode);
            /* A block with compiled code of its own is reached by chaining:
             * copying it into this region too would only cost compile time. */
            if (!tb || tb->exec_count < min_runs || tb->jit_busy || tb->jit_fn || contains(out, n, tb))
                continue;
            if (n == REGION_MAX_BLOCKS || insns + tb->ninsns > REGION_MAX_INSNS)
                return n;
            out[n++] = tb;
            insns += tb->ninsns;
        }
    }
    return n;
}
