/*
 * ARM7TDMI instruction timing on the GBA's buses (GBATEK "ARM CPU
 * Instruction Cycle Times" and "GBA Memory Map"): what each translated
 * block costs in CPU cycles, estimated when it is translated.
 *
 * Code fetches cost what the code's region costs (sequential S, or
 * non-sequential N after a branch); data accesses are counted as one cycle
 * each, since their region is only known at run time; internal cycles (I)
 * as the cycle-time table says, with multiplies taking their average.
 */
#ifndef SCION_GBA_TIMING_H
#define SCION_GBA_TIMING_H

#include <stdbool.h>
#include <stdint.h>

/* Fetch costs of one instruction (16 or 32 bits) from a region. */
typedef struct GbaFetchCost {
    uint8_t s, n;
} GbaFetchCost;

/* Per-region fetch costs, index: address bits 27:24; [0] ARM, [1] Thumb. */
typedef struct GbaWaitTable {
    GbaFetchCost fetch[16][2];
} GbaWaitTable;

/* The table for a WAITCNT value. */
void gba_wait_table(GbaWaitTable *t, uint16_t waitcnt);
/* Cycles of one ARM instruction. */
unsigned gba_arm_cycles(uint32_t insn, GbaFetchCost f);
/* Cycles of the Thumb instruction starting with halfword h (next: the one
 * after it, for the two halves of BL); *size receives 2 or 4. */
unsigned gba_thumb_cycles(uint16_t h, uint16_t next, GbaFetchCost f, unsigned *size);

#endif
