/* Short-descriptor translation table walk and access permissions. */
#include "frontend/arm_mmu.h"

enum {
    SCTLR_M = 1u << 0,
    SCTLR_AFE = 1u << 29,
    TTBCR_PD0 = 1u << 4,
    TTBCR_PD1 = 1u << 5,
};

/* The level-one descriptor address for va, or 0 with *fault set when the
 * walk through that TTBR is disabled (TTBCR.PD0/PD1). */
static bool l1_address(const ArmSys *sys, uint32_t va, uint32_t *addr)
{
    unsigned n = sys->ttbcr & 7;
    if (n == 0 || (va >> (32 - n)) == 0) {
        if (sys->ttbcr & TTBCR_PD0)
            return false;
        uint32_t base = sys->ttbr0 & ~((1u << (14 - n)) - 1);
        *addr = base | ((va >> 20) & ((1u << (12 - n)) - 1)) << 2;
        return true;
    }
    if (sys->ttbcr & TTBCR_PD1)
        return false;
    *addr = (sys->ttbr1 & ~0x3fffu) | (va >> 20) << 2;
    return true;
}

/* AP[2:0] -> readable/writable at the given privilege (ARM ARM B3.7.1). */
static void access_permissions(const ArmSys *sys, unsigned ap, bool user, ArmMmuResult *r)
{
    if (sys->sctlr & SCTLR_AFE) {
        /* Simplified model: AP[0] is the access flag, checked by the caller. */
        unsigned ap21 = ap >> 1;
        r->read = !user || (ap21 & 1);
        r->write = !(ap21 & 2) && (!user || (ap21 & 1));
        return;
    }
    static const bool priv_r[8] = {0, 1, 1, 1, 0, 1, 1, 1}, priv_w[8] = {0, 1, 1, 1, 0, 0, 0, 0};
    static const bool usr_r[8] = {0, 0, 1, 1, 0, 0, 1, 1}, usr_w[8] = {0, 0, 0, 1, 0, 0, 0, 0};
    r->read = user ? usr_r[ap] : priv_r[ap];
    r->write = user ? usr_w[ap] : priv_w[ap];
}

/* Domain access: 0 no access (fault), 1 client, 3 manager (2 reserved: fault). */
static uint32_t check_domain(const ArmSys *sys, ArmMmuResult *r)
{
    unsigned d = (sys->dacr >> (2 * r->domain)) & 3;
    if (d == 0 || d == 2)
        return arm_fsr(r->page ? ARM_FS_DOMAIN_PAGE : ARM_FS_DOMAIN_SECTION, r->domain);
    r->manager = d == 3;
    return 0;
}

static uint32_t finish(const ArmSys *sys, ArmMmuResult *r, unsigned ap, bool xn, bool pxn, bool user)
{
    uint32_t fault = check_domain(sys, r);
    if (fault)
        return fault;
    if ((sys->sctlr & SCTLR_AFE) && !(ap & 1))
        return arm_fsr(r->page ? ARM_FS_ACCESS_FLAG_PAGE : ARM_FS_ACCESS_FLAG_SECTION, r->domain);
    if (r->manager) {
        r->read = r->write = r->exec = true;
        return 0;
    }
    access_permissions(sys, ap, user, r);
    r->exec = r->read && !xn && !(pxn && !user);
    return 0;
}

static uint32_t walk_l2(const ArmSys *sys, ArmPhysRead read, void *opaque, uint32_t va, uint32_t l1, bool user,
                        ArmMmuResult *r)
{
    uint32_t domain = (l1 >> 5) & 0xf, d;
    uint32_t addr = (l1 & 0xfffffc00u) | ((va >> 12) & 0xff) << 2;
    if (!read(opaque, addr, &d))
        return arm_fsr(ARM_FS_WALK_EXTERNAL_L2, domain);
    r->domain = domain;
    r->page = true;
    if ((d & 3) == 0)
        return arm_fsr(ARM_FS_TRANSLATION_PAGE, domain);
    unsigned ap = ((d >> 4) & 3) | ((d >> 7) & 4);
    bool xn;
    if ((d & 3) == 1) { /* large page, 64 KiB */
        r->pa = (d & 0xffff0000u) | (va & 0xffff);
        r->page_bits = 16;
        xn = (d >> 15) & 1;
    } else {            /* small page, 4 KiB */
        r->pa = (d & 0xfffff000u) | (va & 0xfff);
        r->page_bits = 12;
        xn = d & 1;
    }
    r->global = !((d >> 11) & 1);
    return finish(sys, r, ap, xn, (l1 >> 2) & 1, user);
}

static uint32_t walk_section(const ArmSys *sys, uint32_t va, uint32_t d, bool user, ArmMmuResult *r)
{
    bool super = (d >> 18) & 1;
    r->domain = super ? 0 : (d >> 5) & 0xf;
    r->page = false;
    if (super) {
        r->pa = (d & 0xff000000u) | (va & 0x00ffffffu);
        r->page_bits = 24;
    } else {
        r->pa = (d & 0xfff00000u) | (va & 0x000fffffu);
        r->page_bits = 20;
    }
    r->global = !((d >> 17) & 1);
    unsigned ap = ((d >> 10) & 3) | ((d >> 13) & 4);
    return finish(sys, r, ap, (d >> 4) & 1, d & 1, user);
}

uint32_t arm_mmu_translate(const ArmSys *sys, ArmPhysRead read, void *opaque, uint32_t va, bool user,
                           ArmMmuResult *out)
{
    *out = (ArmMmuResult){0};
    if (!(sys->sctlr & SCTLR_M)) {
        *out = (ArmMmuResult){.pa = va, .page_bits = 12, .read = true, .write = true, .exec = true,
                              .global = true, .manager = true};
        return 0;
    }
    uint32_t addr, d;
    if (!l1_address(sys, va, &addr))
        return arm_fsr(ARM_FS_TRANSLATION_SECTION, 0);
    if (!read(opaque, addr, &d))
        return arm_fsr(ARM_FS_WALK_EXTERNAL_L1, 0);
    switch (d & 3) {
    case 0: return arm_fsr(ARM_FS_TRANSLATION_SECTION, (d >> 5) & 0xf);
    case 1: return walk_l2(sys, read, opaque, va, d, user, out);
    default: return walk_section(sys, va, d, user, out);
    }
}

uint32_t arm_mmu_check(const ArmMmuResult *r, ArmAccess access)
{
    bool ok = access == ARM_ACCESS_READ ? r->read : access == ARM_ACCESS_WRITE ? r->write : r->exec;
    return ok ? 0 : arm_fsr(r->page ? ARM_FS_PERMISSION_PAGE : ARM_FS_PERMISSION_SECTION, r->domain);
}
