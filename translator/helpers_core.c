/* Core ARM helpers: CPSR access, exclusive monitor, bit reversal. */
#include <string.h>

#include "backend/softmmu.h"
#include "backend/store_log.h"
#include "frontend/arm_cpu.h"
#include "translator/helpers.h"

uint64_t helper_cpsr_read(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)a, (void)b, (void)c;
    return arm_cpsr_read(env);
}

uint64_t helper_cpsr_write(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    arm_cpsr_write(env, (uint32_t)a, (uint32_t)b);
    return 0;
}

uint64_t helper_rbit(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)env, (void)b, (void)c;
    uint32_t v = (uint32_t)a, r = 0;
    for (int i = 0; i < 32; i++)
        r |= ((v >> i) & 1u) << (31 - i);
    return r;
}

/*
 * The exclusive monitor.  scion runs one guest thread per host process, so a
 * local monitor that remembers the address and the value read is enough:
 * STREX succeeds when the address matches and memory still holds the value
 * LDREX saw (nothing else can have stored in between except this thread,
 * and the architecture lets a store by the same thread clear or keep it).
 */
uint64_t helper_ldrex_mark(void *env, uint64_t addr, uint64_t size, uint64_t c)
{
    (void)c;
    ArmCpu *cpu = env;
    uint64_t v = guest_load_aligned(&cpu->common, (uint32_t)addr, (unsigned)size, (unsigned)size - 1);
    cpu->excl_addr = (uint32_t)addr;
    cpu->excl_val = v;
    cpu->excl_valid = (uint32_t)size;
    return 0;
}

uint64_t helper_clrex(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    (void)a, (void)b, (void)c;
    ((ArmCpu *)env)->excl_valid = 0;
    return 0;
}

static uint64_t strex_common(ArmCpu *cpu, uint32_t addr, uint64_t value, unsigned size)
{
    if (addr & (size - 1)) /* alignment fault in system mode (no-op load in user mode) */
        guest_load_aligned(&cpu->common, addr, size, size - 1);
    bool ok = cpu->excl_valid == size && cpu->excl_addr == addr;
    cpu->excl_valid = 0;
    if (!ok)
        return 1;
    if (guest_load(&cpu->common, addr, size) != cpu->excl_val)
        return 1;
    if (cpu->common.store_log)
        store_log_record(cpu->common.store_log, cpu->common.mem_base, addr, size);
    guest_store(&cpu->common, addr, value, size);
    return 0;
}

uint64_t helper_strex32(void *env, uint64_t addr, uint64_t v, uint64_t c)
{
    (void)c;
    return strex_common(env, (uint32_t)addr, (uint32_t)v, 4);
}

uint64_t helper_strex16(void *env, uint64_t addr, uint64_t v, uint64_t c)
{
    (void)c;
    return strex_common(env, (uint32_t)addr, (uint16_t)v, 2);
}

uint64_t helper_strex8(void *env, uint64_t addr, uint64_t v, uint64_t c)
{
    (void)c;
    return strex_common(env, (uint32_t)addr, (uint8_t)v, 1);
}

uint64_t helper_strexd(void *env, uint64_t addr, uint64_t lo, uint64_t hi)
{
    return strex_common(env, (uint32_t)addr, (uint32_t)lo | (hi << 32), 8);
}
