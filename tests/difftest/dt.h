/*
 * difftest: random-instruction differential testing of scion against
 * Unicorn (QEMU 5 based), shared declarations.
 *
 * A case is a short guest program (1, 5 or 100 instructions, A32 or T32)
 * plus an initial architectural state.  Both emulators run it from the same
 * state until the pc reaches the end of the code; the final states must
 * agree.  See tests/difftest/README.md.
 */
#ifndef SCION_DIFFTEST_H
#define SCION_DIFFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Guest memory layout shared by both sides. */
/* The code region is mapped (zero-filled) from DT_CODE_BASE; code starts
 * 4 KiB in, so literal loads with negative offsets stay mapped. */
#define DT_CODE_BASE 0x00010000u
#define DT_CODE_SIZE 0x00010000u
#define DT_CODE_ADDR 0x00011000u
#define DT_DATA_ADDR 0x00100000u
#define DT_DATA_SIZE 0x00020000u
/* Pointer registers start inside this window of the data region, so
 * immediate offsets (up to 4095) and write-back drift stay mapped. */
#define DT_PTR_LO (DT_DATA_ADDR + 0x8000u)
#define DT_PTR_HI (DT_DATA_ADDR + 0x18000u)

#define DT_MAX_INSNS 128

/* CPSR bits compared: N Z C V Q and GE[3:0]. */
#define DT_CPSR_MASK 0xf80f0000u
/* FPSCR bits set in initial states and compared: NZCV, QC, AHP, DN, FZ,
 * RMode, IDC and the cumulative exception flags.  Len, Stride and the trap
 * enables are RAZ/WI or unsupported on Cortex-A15 (see EXCLUSIONS.md). */
#define DT_FPSCR_MASK 0xffc0009fu

/* xorshift64* */
typedef struct Rng {
    uint64_t s;
} Rng;

static inline void rng_seed(Rng *r, uint64_t seed)
{
    r->s = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    if (!r->s)
        r->s = 1;
}

static inline uint64_t rng_next(Rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static inline uint32_t rng_u32(Rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

/* Uniform in [0, n) (n > 0). */
static inline uint32_t rng_below(Rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static inline bool rng_chance(Rng *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

/* The architectural state both sides start from and are compared on. */
typedef struct DtState {
    uint32_t r[16];   /* r15: pc */
    uint32_t cpsr;    /* NZCVQ and GE only (DT_CPSR_MASK) */
    uint32_t fpscr;
    uint64_t d[32];
    uint64_t mem_seed; /* the data region's initial bytes come from this */
    uint8_t *mem;      /* DT_DATA_SIZE bytes */
} DtState;

typedef enum DtIsa { DT_A32, DT_T32 } DtIsa;

typedef struct DtCase {
    DtIsa isa;
    unsigned ninsns;
    uint32_t insn[DT_MAX_INSNS]; /* A32 word; T32 hw or hw1 << 16 | hw2 */
    uint8_t size[DT_MAX_INSNS];
    DtState init;
} DtCase;

/* Why a run stopped. */
typedef enum DtStop {
    DT_STOP_END,    /* pc reached the end of the code */
    DT_STOP_FAULT,  /* memory access outside the mapped regions */
    DT_STOP_ALIGN,  /* alignment fault (Unicorn only) */
    DT_STOP_UNDEF,  /* undefined instruction */
    DT_STOP_UNIMPL, /* scion: IR_EXIT_UNIMPL */
    DT_STOP_OTHER,  /* syscall, bkpt, runaway pc, JIT failure, other error */
} DtStop;

typedef struct DtResult {
    DtStop stop;
    uint32_t stop_pc; /* pc of the instruction that stopped the run */
    char why[96];
    DtState st;       /* final state (st.mem is the runner's buffer) */
} DtResult;

/* --- state (state.c) ----------------------------------------------------- */
void dt_fill_mem(uint8_t *mem, uint64_t seed);
void dt_random_state(Rng *rng, DtState *st, bool thumb, uint16_t *ptr_regs, uint16_t *small_regs,
                     uint16_t *fpscr_regs);
/* Appends lines naming each differing field; returns how many differ. */
unsigned dt_compare(const DtResult *a, const DtResult *b, const char *na, const char *nb, FILE *out);
uint32_t dt_code_end(const DtCase *c);
uint32_t dt_random_fpscr(Rng *rng);

/* --- reproducer lines (repro.c) ------------------------------------------ */
void dt_print_case(FILE *out, const DtCase *c);
/* Parses one line; false with a message in err for a malformed line. */
bool dt_parse_case(const char *line, DtCase *c, char *err, size_t errlen);

#endif
