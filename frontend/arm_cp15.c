/* CP15 registers of the Cortex-A15 model and the generic timer (CP15 view). */
#include "frontend/arm_cp15.h"

#include <stddef.h>

#define K ARM_CP15_KEY

/* Identification (Cortex-A15 r4p0, without the Security, Virtualization
 * and Large Physical Address Extensions, which scion does not implement). */
static const struct {
    uint32_t key, value;
} id_registers[] = {
    {K(0, 0, 0, 0), 0x414fc0f0}, /* MIDR */
    {K(0, 0, 0, 1), 0x8444c004}, /* CTR */
    {K(0, 0, 0, 2), 0},          /* TCMTR */
    {K(0, 0, 0, 3), 0},          /* TLBTR: unified TLB */
    {K(0, 0, 0, 5), 0x80000000}, /* MPIDR: multiprocessing extensions, cpu 0 */
    {K(0, 0, 0, 6), 0},          /* REVIDR */
    {K(0, 0, 1, 0), 0x00000031}, /* ID_PFR0: ARM and Thumb-2 (no ThumbEE, no Jazelle) */
    {K(0, 0, 1, 1), 0x00010001}, /* ID_PFR1: programmers' model, generic timer */
    {K(0, 0, 1, 2), 0},          /* ID_DFR0: no debug architecture */
    {K(0, 0, 1, 3), 0},          /* ID_AFR0 */
    {K(0, 0, 1, 4), 0x10201104}, /* ID_MMFR0: VMSAv7 with PXN, no long descriptors */
    {K(0, 0, 1, 5), 0x20000000}, /* ID_MMFR1 */
    {K(0, 0, 1, 6), 0x01240000}, /* ID_MMFR2 */
    {K(0, 0, 1, 7), 0x02102211}, /* ID_MMFR3 */
    {K(0, 0, 2, 0), 0x02101110}, /* ID_ISAR0: incl. SDIV/UDIV in ARM and Thumb */
    {K(0, 0, 2, 1), 0x13112111}, /* ID_ISAR1 */
    {K(0, 0, 2, 2), 0x21232041}, /* ID_ISAR2 */
    {K(0, 0, 2, 3), 0x11112131}, /* ID_ISAR3 */
    {K(0, 0, 2, 4), 0x10011142}, /* ID_ISAR4 */
    {K(0, 0, 2, 5), 0},          /* ID_ISAR5 */
    /* CLIDR: L1 split, L2 unified, but Level of Coherency and of
     * Unification 0: caches are not modelled, so set/way maintenance loops
     * over them would be wasted time; software stops at LoC. */
    {K(0, 1, 0, 1), 0x00000023},
    {K(0, 1, 0, 7), 0},          /* AIDR */
    {K(15, 4, 0, 0), 0},         /* CBAR: no memory-mapped SCU */
};

/* CCSIDR for the level/type selected by CSSELR: L1D, L1I, L2 of a Cortex-A15. */
static uint32_t ccsidr(uint32_t csselr)
{
    switch (csselr & 0xf) {
    case 0: return 0x701fe00a;
    case 1: return 0x201fe00a;
    case 2: return 0x711fe07a;
    default: return 0;
    }
}

/* Cache and barrier maintenance: no effect (caches are not modelled). */
static bool is_cache_op(uint32_t key)
{
    if ((key >> 12) != 7)
        return false;
    unsigned crm = (key >> 4) & 0xf;
    return crm == 1 || crm == 5 || crm == 6 || crm == 10 || crm == 11 || crm == 14;
}

static bool is_user_barrier(uint32_t key)
{
    return key == K(7, 0, 5, 4) || key == K(7, 0, 10, 4) || key == K(7, 0, 10, 5);
}

static uint32_t *state_register(ArmCpu *cpu, uint32_t key)
{
    ArmSys *s = &cpu->sys;
    switch (key) {
    case K(1, 0, 0, 1): return &s->actlr;
    case K(2, 0, 0, 0): return &s->ttbr0;
    case K(2, 0, 0, 1): return &s->ttbr1;
    case K(5, 0, 0, 0): return &s->dfsr;
    case K(5, 0, 0, 1): return &s->ifsr;
    case K(5, 0, 1, 0): return &s->adfsr;
    case K(5, 0, 1, 1): return &s->aifsr;
    case K(6, 0, 0, 0): return &s->dfar;
    case K(6, 0, 0, 2): return &s->ifar;
    case K(7, 0, 4, 0): return &s->par;
    case K(10, 0, 2, 0): return &s->prrr;
    case K(10, 0, 2, 1): return &s->nmrr;
    case K(13, 0, 0, 4): return &s->tpidrprw;
    case K(14, 0, 1, 0): return &s->cntkctl;
    default: return NULL;
    }
}

uint64_t arm_timer_counter(const ArmCpu *cpu)
{
    return cpu->hooks ? cpu->hooks->counter(cpu->hooks_opaque) : 0;
}

enum { CNT_ENABLE = 1, CNT_IMASK = 2, CNT_ISTATUS = 4 };

static uint32_t timer_ctl(const ArmCpu *cpu, bool phys)
{
    uint64_t now = arm_timer_counter(cpu) - (phys ? 0 : cpu->sys.cntvoff);
    uint64_t cval = phys ? cpu->sys.cntp_cval : cpu->sys.cntv_cval;
    uint32_t ctl = phys ? cpu->sys.cntp_ctl : cpu->sys.cntv_ctl;
    ctl &= CNT_ENABLE | CNT_IMASK;
    if ((ctl & CNT_ENABLE) && (int64_t)(now - cval) >= 0)
        ctl |= CNT_ISTATUS;
    return ctl;
}

bool arm_timer_irq(const ArmCpu *cpu, bool phys)
{
    return (timer_ctl(cpu, phys) & (CNT_ISTATUS | CNT_IMASK)) == CNT_ISTATUS;
}

uint64_t arm_timer_deadline(const ArmCpu *cpu)
{
    uint64_t best = UINT64_MAX;
    if ((cpu->sys.cntp_ctl & CNT_ENABLE) && !(timer_ctl(cpu, true) & CNT_ISTATUS))
        best = cpu->sys.cntp_cval;
    if ((cpu->sys.cntv_ctl & CNT_ENABLE) && !(timer_ctl(cpu, false) & CNT_ISTATUS) &&
        cpu->sys.cntv_cval + cpu->sys.cntvoff < best)
        best = cpu->sys.cntv_cval + cpu->sys.cntvoff;
    return best;
}

static void timer_changed(ArmCpu *cpu)
{
    if (cpu->hooks)
        cpu->hooks->timer_changed(cpu->hooks_opaque);
}

static void tlb_flush(ArmCpu *cpu)
{
    if (cpu->hooks)
        cpu->hooks->tlb_flush(cpu->hooks_opaque);
}

/* CNTKCTL: PL0 access to the counters (bits 0, 1) and timers (bits 8, 9). */
static bool user_may_access_timer(const ArmCpu *cpu, uint32_t key)
{
    uint32_t k = cpu->sys.cntkctl;
    if (key == K(14, 0, 0, 0) || key == ARM_CP15_KEY64(0, 14) || key == ARM_CP15_KEY64(1, 14))
        return key == ARM_CP15_KEY64(0, 14) ? (k & 1) : key == ARM_CP15_KEY64(1, 14) ? (k & 2) : (k & 3);
    if (key == K(14, 0, 2, 0) || key == K(14, 0, 2, 1) || key == ARM_CP15_KEY64(2, 14))
        return k & (1u << 9);
    if (key == K(14, 0, 3, 0) || key == K(14, 0, 3, 1) || key == ARM_CP15_KEY64(3, 14))
        return k & (1u << 8);
    return false;
}

static bool is_timer_register(uint32_t key)
{
    return (key >> 12) == 14 || (key >> 16 == 1 && ((key >> 4) & 0xf) == 14);
}

static bool user_may_access(const ArmCpu *cpu, uint32_t key, bool write)
{
    if (key == K(13, 0, 0, 2) || is_user_barrier(key))
        return true;
    if (key == K(13, 0, 0, 3))
        return !write;
    return is_timer_register(key) && user_may_access_timer(cpu, key);
}

static bool read_timer(ArmCpu *cpu, uint32_t key, uint64_t *v)
{
    uint64_t now = arm_timer_counter(cpu);
    switch (key) {
    case K(14, 0, 0, 0): *v = cpu->sys.cntfrq; return true;
    case K(14, 0, 2, 0): *v = (uint32_t)(cpu->sys.cntp_cval - now); return true;
    case K(14, 0, 2, 1): *v = timer_ctl(cpu, true); return true;
    case K(14, 0, 3, 0): *v = (uint32_t)(cpu->sys.cntv_cval - (now - cpu->sys.cntvoff)); return true;
    case K(14, 0, 3, 1): *v = timer_ctl(cpu, false); return true;
    case ARM_CP15_KEY64(0, 14): *v = now; return true;
    case ARM_CP15_KEY64(1, 14): *v = now - cpu->sys.cntvoff; return true;
    case ARM_CP15_KEY64(2, 14): *v = cpu->sys.cntp_cval; return true;
    case ARM_CP15_KEY64(3, 14): *v = cpu->sys.cntv_cval; return true;
    default: return false;
    }
}

static bool write_timer(ArmCpu *cpu, uint32_t key, uint64_t v)
{
    uint64_t now = arm_timer_counter(cpu);
    int64_t tval = (int32_t)v;
    switch (key) {
    case K(14, 0, 0, 0): cpu->sys.cntfrq = (uint32_t)v; return true;
    case K(14, 0, 2, 0): cpu->sys.cntp_cval = now + (uint64_t)tval; break;
    case K(14, 0, 2, 1): cpu->sys.cntp_ctl = (uint32_t)v & (CNT_ENABLE | CNT_IMASK); break;
    case K(14, 0, 3, 0): cpu->sys.cntv_cval = now - cpu->sys.cntvoff + (uint64_t)tval; break;
    case K(14, 0, 3, 1): cpu->sys.cntv_ctl = (uint32_t)v & (CNT_ENABLE | CNT_IMASK); break;
    case ARM_CP15_KEY64(2, 14): cpu->sys.cntp_cval = v; break;
    case ARM_CP15_KEY64(3, 14): cpu->sys.cntv_cval = v; break;
    default: return false;
    }
    timer_changed(cpu);
    return true;
}

ArmCp15Status arm_cp15_read(ArmCpu *cpu, uint32_t key, uint64_t *v)
{
    if (!arm_privileged(cpu) && !user_may_access(cpu, key, false))
        return CP15_UNDEFINED;
    for (unsigned i = 0; i < sizeof id_registers / sizeof id_registers[0]; i++)
        if (id_registers[i].key == key) {
            *v = id_registers[i].value;
            return CP15_OK;
        }
    uint32_t *reg = state_register(cpu, key);
    if (reg) {
        *v = *reg;
        return CP15_OK;
    }
    if (read_timer(cpu, key, v))
        return CP15_OK;
    switch (key) {
    case K(0, 1, 0, 0): *v = ccsidr(cpu->sys.csselr); return CP15_OK;
    case K(0, 2, 0, 0): *v = cpu->sys.csselr; return CP15_OK;
    case K(1, 0, 0, 0): *v = cpu->sys.sctlr; return CP15_OK;
    case K(1, 0, 0, 2): *v = cpu->sys.cpacr; return CP15_OK;
    case K(2, 0, 0, 2): *v = cpu->sys.ttbcr; return CP15_OK;
    case K(3, 0, 0, 0): *v = cpu->sys.dacr; return CP15_OK;
    case K(12, 0, 0, 0): *v = cpu->sys.vbar; return CP15_OK;
    case K(12, 0, 1, 0): /* ISR */
        *v = ((cpu->sys.pending & ARM_PENDING_IRQ) ? 0x80u : 0) | ((cpu->sys.pending & ARM_PENDING_FIQ) ? 0x40u : 0);
        return CP15_OK;
    case K(13, 0, 0, 0): *v = 0; return CP15_OK; /* FCSEIDR: FCSE not implemented */
    case K(13, 0, 0, 1): *v = cpu->sys.contextidr; return CP15_OK;
    case K(13, 0, 0, 2): *v = cpu->tpidrurw; return CP15_OK;
    case K(13, 0, 0, 3): *v = cpu->tpidruro; return CP15_OK;
    default: return CP15_UNKNOWN;
    }
}

/* TTBR0, DACR and CONTEXTIDR change on every context switch and user
 * access: the board may keep a TLB per regime instead of flushing. */
static bool write_regime(ArmCpu *cpu, uint32_t key, uint32_t v)
{
    ArmSys *s = &cpu->sys;
    switch (key) {
    case K(2, 0, 0, 0): s->ttbr0 = v; break;
    case K(3, 0, 0, 0): s->dacr = v; break;
    case K(13, 0, 0, 1): s->contextidr = v; break;
    default: return false;
    }
    if (cpu->hooks)
        cpu->hooks->regime_switch(cpu->hooks_opaque);
    return true;
}

/* Other writes that change how addresses translate: the TLB must forget. */
static ArmCp15Status write_translation(ArmCpu *cpu, uint32_t key, uint32_t v)
{
    ArmSys *s = &cpu->sys;
    if (write_regime(cpu, key, v))
        return CP15_OK;
    switch (key) {
    case K(1, 0, 0, 0): s->sctlr = (v & ~0x00c50078u) | 0x00c50078u; break; /* RES1 bits stay set */
    case K(2, 0, 0, 1): s->ttbr1 = v; break;
    case K(2, 0, 0, 2): s->ttbcr = v & 0x37; break;
    default: return CP15_UNKNOWN;
    }
    tlb_flush(cpu);
    return CP15_OK;
}

static bool tlb_maintenance(ArmCpu *cpu, uint32_t key, uint32_t v)
{
    if ((key >> 12) != 8 || ((key >> 8) & 0xf) != 0)
        return false;
    unsigned opc2 = key & 0xf;
    if ((opc2 == 1 || opc2 == 3) && cpu->hooks)
        cpu->hooks->tlb_flush_page(cpu->hooks_opaque, v & 0xfffff000u); /* by MVA */
    else
        tlb_flush(cpu);
    return true;
}

/* ATS1CPR, ATS1CPW, ATS1CUR, ATS1CUW: the walk's result goes to PAR. */
static bool address_translation(ArmCpu *cpu, uint32_t key, uint32_t va)
{
    if ((key & ~3u) != K(7, 0, 8, 0) || !cpu->hooks)
        return false;
    unsigned op = key & 3;
    cpu->sys.par = cpu->hooks->address_translate(cpu->hooks_opaque, va, op >= 2, op & 1);
    return true;
}

ArmCp15Status arm_cp15_write(ArmCpu *cpu, uint32_t key, uint64_t value)
{
    uint32_t v = (uint32_t)value;
    if (!arm_privileged(cpu) && !user_may_access(cpu, key, true))
        return CP15_UNDEFINED;
    uint32_t *reg = state_register(cpu, key);
    if (reg) {
        *reg = v;
        return CP15_OK;
    }
    if (is_cache_op(key) || tlb_maintenance(cpu, key, v) || address_translation(cpu, key, v) ||
        write_timer(cpu, key, value))
        return CP15_OK;
    switch (key) {
    case K(0, 2, 0, 0): cpu->sys.csselr = v & 0xf; return CP15_OK;
    case K(1, 0, 0, 2): cpu->sys.cpacr = v & 0x00f00000u; return CP15_OK; /* cp10, cp11 only */
    case K(12, 0, 0, 0): cpu->sys.vbar = v & ~0x1fu; return CP15_OK;
    case K(13, 0, 0, 0): return CP15_OK;
    case K(13, 0, 0, 2): cpu->tpidrurw = v; return CP15_OK;
    case K(13, 0, 0, 3): cpu->tpidruro = v; return CP15_OK;
    default: return write_translation(cpu, key, v);
    }
}
