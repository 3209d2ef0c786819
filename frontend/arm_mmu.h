/*
 * ARMv7-A short-descriptor translation (ARM ARM B3.5 - B3.7): the table
 * walk and the access checks for one virtual address.  No LPAE.
 *
 * The walk is independent of the TLB: backend/softmmu.h caches its result
 * per page, and the system board calls arm_mmu_translate on a miss.
 *
 *   ArmMmuResult r;
 *   uint32_t fsr = arm_mmu_translate(&cpu->sys, read_phys, bus, va, user, &r);
 *   if (fsr == 0 && (fsr = arm_mmu_check(&r, ARM_ACCESS_WRITE)) == 0)
 *       ... r.pa ...
 */
#ifndef SCION_ARM_MMU_H
#define SCION_ARM_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/arm_cpu.h"

typedef enum ArmAccess { ARM_ACCESS_READ, ARM_ACCESS_WRITE, ARM_ACCESS_EXEC } ArmAccess;

/* Fault status codes, FS[4:0] (ARM ARM table B3-23). */
enum {
    ARM_FS_ALIGNMENT = 0x01,
    ARM_FS_DEBUG = 0x02,
    ARM_FS_ACCESS_FLAG_SECTION = 0x03,
    ARM_FS_TRANSLATION_SECTION = 0x05,
    ARM_FS_ACCESS_FLAG_PAGE = 0x06,
    ARM_FS_TRANSLATION_PAGE = 0x07,
    ARM_FS_EXTERNAL = 0x08,
    ARM_FS_DOMAIN_SECTION = 0x09,
    ARM_FS_DOMAIN_PAGE = 0x0b,
    ARM_FS_WALK_EXTERNAL_L1 = 0x0c,
    ARM_FS_PERMISSION_SECTION = 0x0d,
    ARM_FS_WALK_EXTERNAL_L2 = 0x0e,
    ARM_FS_PERMISSION_PAGE = 0x0f,
};

typedef struct ArmMmuResult {
    uint32_t pa;
    unsigned page_bits;        /* 12, 16, 20 or 24 */
    bool read, write, exec;    /* allowed at the privilege asked for */
    bool global;
    bool manager;              /* domain is Manager: no permission checks */
    bool page;                 /* from a second-level table (for FS codes) */
    uint32_t domain;
} ArmMmuResult;

/* Reads a 32-bit word of physical memory for the walk; false if nothing is there. */
typedef bool (*ArmPhysRead)(void *opaque, uint32_t pa, uint32_t *value);

/* Walk the tables for va; returns 0 and fills out, or a fault status in
 * FSR layout (FS[3:0] in bits 3:0, FS[4] in bit 10, domain in bits 7:4). */
uint32_t arm_mmu_translate(const ArmSys *sys, ArmPhysRead read, void *opaque, uint32_t va, bool user,
                           ArmMmuResult *out);
/* 0 if the translated page allows access, else the permission fault FSR. */
uint32_t arm_mmu_check(const ArmMmuResult *r, ArmAccess access);
/* FS code in FSR layout. */
static inline uint32_t arm_fsr(uint32_t fs, uint32_t domain)
{
    return (fs & 0xf) | ((fs & 0x10) << 6) | (domain << 4);
}

#endif
