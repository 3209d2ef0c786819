/*
 * A unit of compilation for the LLVM tier: one or more translated blocks
 * (a region) that become one host function.  The first member is the entry.
 * Direct exits between members become branches inside the function; other
 * direct exits are chained through per-exit cells, indirect ones through the
 * CPU's lookup table (see cpu_common.h).
 *
 * The compile thread owns a unit's IR copies once it is queued, so blocks
 * can be retired while their region compiles.
 */
#ifndef SCION_JIT_UNIT_H
#define SCION_JIT_UNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/interp.h"

/* Compiled code: fn(state, link, pc) returns exit kind << 32 | next pc.
 * link and pc are for the chain-miss stub only; compiled units ignore them. */
typedef uint64_t (*JitFn)(void *state, void **link, uint64_t pc);

typedef struct JitMember {
    uint32_t pc, mode;
    uint32_t guest_start, guest_end;
    unsigned ninsns;
    unsigned cost; /* added to CpuCommon.icount when the block starts (-icount) */
    InterpCode *code; /* the unit's own copy */
} JitMember;

typedef struct JitUnit {
    JitMember *members;
    unsigned nmembers;
    bool chain;    /* link exits to other compiled code (off for -jit check) */
    bool count;    /* count entries, blocks and instructions (--stats) */
    bool softmmu;  /* guest memory through the system-mode TLB (softmmu.h) */
    bool icount;   /* count instructions and stop at icount_limit (cpu_common.h) */
    uint32_t page_local_bits; /* see jit_direct_target_mode (0: no page rule) */
    char name[48]; /* the function's symbol */
} JitUnit;

/* The key mode of the block a direct exit of (from_pc, from_mode) goes to,
 * or IR_MODE_UNKNOWN if compiled code may not go there without the
 * dispatcher.  In system mode (page_local_bits != 0) block keys carry
 * address-space bits (the physical page) that only the MMU can supply, so
 * compiled code follows a direct exit only within the same virtual page,
 * where the mapping that let it run still holds; page_local_bits are the
 * key bits that carry over such a jump. */
static inline uint32_t jit_direct_target_mode(uint32_t page_local_bits, uint32_t from_pc, uint32_t from_mode,
                                              uint32_t to_pc, uint32_t exit_mode)
{
    if (exit_mode == 0xffffffffu || !page_local_bits)
        return exit_mode;
    if ((from_pc ^ to_pc) >> 12)
        return 0xffffffffu;
    return exit_mode | (from_mode & page_local_bits);
}

#endif
