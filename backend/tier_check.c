/* Running compiled blocks against the interpreter. */
#include "backend/tier_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/store_log.h"

/* The first field where two states differ, as "r3" or "d17", or NULL. */
static const char *first_difference(const ArmCpu *a, const ArmCpu *b, char *buf, size_t len)
{
    for (int i = 0; i < 16; i++)
        if (a->r[i] != b->r[i])
            return snprintf(buf, len, "r%d", i), buf;
    static const struct {
        const char *name;
        size_t off;
    } words[] = {
        {"N", offsetof(ArmCpu, nf)}, {"Z", offsetof(ArmCpu, zf)}, {"C", offsetof(ArmCpu, cf)},
        {"V", offsetof(ArmCpu, vf)}, {"Q", offsetof(ArmCpu, qf)}, {"GE", offsetof(ArmCpu, ge)},
        {"T", offsetof(ArmCpu, thumb)}, {"ITSTATE", offsetof(ArmCpu, itstate)}, {"FPSCR", offsetof(ArmCpu, fpscr)},
        {"FPEXC", offsetof(ArmCpu, fpexc)}, {"TPIDRURW", offsetof(ArmCpu, tpidrurw)},
        {"TPIDRURO", offsetof(ArmCpu, tpidruro)}, {"exclusive monitor", offsetof(ArmCpu, excl_valid)},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        uint32_t x, y;
        memcpy(&x, (const uint8_t *)a + words[i].off, 4);
        memcpy(&y, (const uint8_t *)b + words[i].off, 4);
        if (x != y)
            return words[i].name;
    }
    for (int i = 0; i < 32; i++)
        if (a->vfp.d[i] != b->vfp.d[i])
            return snprintf(buf, len, "d%d", i), buf;
    return NULL;
}

static int report(TransBlock *tb, const char *what, uint64_t interp, uint64_t jit)
{
    fprintf(stderr,
            "scion: tier mismatch in block 0x%08x (mode %x, %u instructions): %s: interpreter 0x%llx, "
            "compiled 0x%llx\n",
            tb->pc, tb->mode, tb->ninsns, what, (unsigned long long)interp, (unsigned long long)jit);
    return STEP_TIER_MISMATCH;
}

static uint64_t field_value(const ArmCpu *c, const char *name)
{
    if (name[0] == 'r')
        return c->r[atoi(name + 1)];
    if (name[0] == 'd')
        return c->vfp.d[atoi(name + 1)];
    return 0;
}

/* Run the block's compiled code (LLVM unit or baseline) on a copy of the state. */
static uint64_t run_compiled(Machine *m, ArmCpu *cpu, TransBlock *tb, JitFn fn, const BaselineCode *base)
{
    if (fn)
        return fn(cpu, NULL, tb->pc);
    uint32_t next;
    IrExitKind kind = baseline_run(m->baseline, base, cpu, &next);
    return (uint64_t)kind << 32 | next;
}

static int check_block(Machine *m, TransBlock *tb, JitFn fn, const BaselineCode *base)
{
    if (!m->check_log && !(m->check_log = calloc(1, sizeof *m->check_log)))
        abort();
    StoreLog *log = m->check_log;
    ArmCpu compiled = m->cpu;
    store_log_reset(log);
    m->cpu.common.store_log = log;
    uint32_t next;
    IrExitKind kind = interp_run(tb->code, &m->cpu, &next);
    m->cpu.common.store_log = NULL;
    m->cpu.r[15] = next;
    uint8_t *mem = m->cpu.common.mem_base;
    store_log_capture_and_undo(log, mem);
    uint64_t r = run_compiled(m, &compiled, tb, fn, base);
    compiled.r[15] = (uint32_t)r;
    if (fn)
        m->stats.jit_dispatches++;
    else
        m->stats.baseline_blocks++, m->stats.baseline_insns += tb->ninsns;
    long bad_store = store_log_first_difference(log, mem);
    store_log_redo(log, mem);
    char buf[16];
    const char *diff = first_difference(&m->cpu, &compiled, buf, sizeof buf);
    if ((int)(r >> 32) != (int)kind)
        return report(tb, "exit kind", kind, r >> 32);
    if (diff)
        return report(tb, diff, field_value(&m->cpu, diff), field_value(&compiled, diff));
    if (bad_store >= 0)
        return report(tb, "stored bytes at", log->entries[bad_store].addr, log->entries[bad_store].new_bytes);
    return kind;
}

int tier_check_run(Machine *m, TransBlock *tb, JitFn fn)
{
    return check_block(m, tb, fn, NULL);
}

int tier_check_baseline(Machine *m, TransBlock *tb, const BaselineCode *base)
{
    return check_block(m, tb, NULL, base);
}
