/* ARM7TDMI cycle estimates per instruction class on the GBA's buses. */
#include "devices/gba_timing.h"

/* Wait states of the cartridge's first (N) and second (S) accesses
 * (WAITCNT bits 2-3/4, 5-6/7, 8-9/10 for WS0, WS1, WS2). */
static const uint8_t rom_n_waits[4] = {4, 3, 2, 8};
static const uint8_t rom_s_waits[3][2] = {{2, 1}, {4, 1}, {8, 1}};

static GbaFetchCost cost(unsigned s, unsigned n)
{
    return (GbaFetchCost){(uint8_t)s, (uint8_t)n};
}

void gba_wait_table(GbaWaitTable *t, uint16_t waitcnt)
{
    bool prefetch = waitcnt >> 14 & 1;
    for (unsigned r = 0; r < 16; r++) {
        /* 32-bit buses without wait states: BIOS, IWRAM, I/O, OAM. */
        t->fetch[r][0] = t->fetch[r][1] = cost(1, 1);
    }
    t->fetch[0x2][1] = cost(3, 3); /* EWRAM: 16-bit bus, 2 wait states */
    t->fetch[0x2][0] = cost(6, 6);
    for (unsigned r = 0x5; r <= 0x6; r++) { /* palette, VRAM: 16-bit bus */
        t->fetch[r][1] = cost(1, 1);
        t->fetch[r][0] = cost(2, 2);
    }
    for (unsigned ws = 0; ws < 3; ws++) {
        unsigned n = 1 + rom_n_waits[waitcnt >> (2 + 3 * ws) & 3];
        unsigned s = 1 + rom_s_waits[ws][waitcnt >> (4 + 3 * ws) & 1];
        /* The prefetch buffer fetches ahead while the CPU is busy: sequential
         * code then mostly streams at one cycle per halfword. */
        unsigned s_seq = prefetch ? 1 : s;
        for (unsigned r = 0x8 + 2 * ws; r <= 0x9 + 2 * ws; r++) {
            t->fetch[r][1] = cost(s_seq, n);
            t->fetch[r][0] = cost(2 * s_seq, n + s);
        }
    }
}

/* The pipeline refill after a jump: one non-sequential and one sequential fetch. */
static unsigned refill(GbaFetchCost f)
{
    return (unsigned)f.n + f.s;
}

static unsigned popcount16(uint32_t v)
{
    return (unsigned)__builtin_popcount(v & 0xffffu);
}

static unsigned arm_data_processing(uint32_t w, GbaFetchCost f)
{
    unsigned c = f.s;
    if (!(w >> 25 & 1) && (w >> 4 & 1))
        c += 1; /* shift by register: one internal cycle */
    unsigned op = w >> 21 & 0xf;
    bool test_only = op >= 8 && op <= 11; /* TST, TEQ, CMP, CMN write no register */
    if (!test_only && (w >> 12 & 0xf) == 15)
        c += refill(f);
    return c;
}

unsigned gba_arm_cycles(uint32_t w, GbaFetchCost f)
{
    if ((w & 0x0ffffff0u) == 0x012fff10u) /* BX */
        return f.s + refill(f);
    if ((w & 0x0fb00ff0u) == 0x01000090u) /* SWP: 1S + 2N + 1I */
        return f.s + 3;
    if ((w & 0x0fc000f0u) == 0x00000090u) /* MUL, MLA: 1S + m I (+1 I) */
        return f.s + 2 + (w >> 21 & 1);
    if ((w & 0x0f8000f0u) == 0x00800090u) /* long multiplies: 1S + (m + 1) I (+1 I) */
        return f.s + 3 + (w >> 21 & 1);
    bool halfword = (w & 0x0e000090u) == 0x00000090u;
    bool single = (w >> 26 & 3) == 1;
    if (halfword || single) { /* LDR: 1S + 1N + 1I; STR: 2N */
        bool load = w >> 20 & 1;
        return load ? f.s + 2u + ((w >> 12 & 0xf) == 15 ? refill(f) : 0u) : f.s + 1u;
    }
    switch (w >> 25 & 7) {
    case 4: { /* LDM: nS + 1N + 1I; STM: (n - 1)S + 2N */
        unsigned n = popcount16(w);
        bool load = w >> 20 & 1;
        return load ? f.s + n + 1u + ((w >> 15 & 1) ? refill(f) : 0u) : f.s + n;
    }
    case 5: return f.s + refill(f); /* B, BL: 2S + 1N */
    case 6: case 7: return f.s + 1; /* coprocessor, SWI: the exception's cost is the board's */
    default: return arm_data_processing(w, f);
    }
}

static unsigned thumb_load_store(uint16_t h, GbaFetchCost f)
{
    bool load;
    if ((h & 0xf000) == 0x5000) /* register offset: STR, STRH, STRB are bits 11-9 = 000, 001, 010 */
        load = (h >> 9 & 7) >= 3;
    else
        load = h >> 11 & 1;
    return load ? f.s + 2 : f.s + 1;
}

unsigned gba_thumb_cycles(uint16_t h, uint16_t next, GbaFetchCost f, unsigned *size)
{
    *size = 2;
    if ((h & 0xf800) == 0xf000 && (next & 0xf800) == 0xf800) { /* BL: two halves, then the jump */
        *size = 4;
        return 2u * f.s + refill(f);
    }
    if ((h & 0xff00) == 0x4700) /* BX */
        return f.s + refill(f);
    if ((h & 0xfc00) == 0x4400) /* hi-register ADD, CMP, MOV: a jump when ADD or MOV writes pc */
        return f.s + ((h & 0x87) == 0x87 && (h >> 8 & 3) != 1 ? refill(f) : 0u);
    if ((h & 0xfc00) == 0x4000) { /* ALU: MUL (op 13) takes m I, shifts by register 1 I */
        unsigned op = h >> 6 & 0xf;
        return f.s + (op == 13 ? 2u : (op == 2 || op == 3 || op == 4 || op == 7) ? 1u : 0u);
    }
    if ((h & 0xf800) == 0x4800) /* LDR pc-relative */
        return f.s + 2;
    if ((h & 0xf000) == 0x5000 || (h & 0xe000) == 0x6000 || (h & 0xf000) == 0x8000 || (h & 0xf000) == 0x9000)
        return thumb_load_store(h, f);
    if ((h & 0xf600) == 0xb400) { /* PUSH, POP (bit 8: lr or pc) */
        unsigned n = popcount16(h & 0xff) + (h >> 8 & 1);
        bool pop = h >> 11 & 1;
        return pop ? f.s + n + 1u + ((h >> 8 & 1) ? refill(f) : 0u) : f.s + n;
    }
    if ((h & 0xf000) == 0xc000) { /* LDMIA, STMIA */
        unsigned n = popcount16(h & 0xff);
        return (h >> 11 & 1) ? f.s + n + 1u : f.s + n;
    }
    if ((h & 0xf000) == 0xd000 && (h >> 8 & 0xf) < 0xe) /* conditional branch, counted as taken */
        return f.s + refill(f);
    if ((h & 0xf800) == 0xe000) /* B */
        return f.s + refill(f);
    return f.s;
}
