/*
 * Random instruction generation from encoding templates.
 *
 * A template is a bit pattern written MSB first ("cccc 0000 100S nnnn ...",
 * 32 characters for A32 and 32-bit T32, 16 for 16-bit T32; spaces ignored):
 * '0'/'1' are fixed bits, every other letter names a field whose bits are
 * gathered in pattern order (so split fields such as T32's i:imm3:imm8
 * concatenate naturally).  Field letters with a meaning:
 *
 *   c  condition (A32): AL half of the time, else any of EQ..LE
 *   d n m s t u a   core registers (Rd Rn Rm Rs Rt Rt2/RdHi Ra/RdLo):
 *      4-bit fields avoid r15 (A32) or r13 and r15 (T32) unless the
 *      template's flags allow them; 3-bit fields are r0-r7
 *   n  with T_MEM: a base register pointing into the data region
 *   m  with T_MEM: an index register holding a small value
 *   r  register list (random, non-empty)
 *   anything else: random bits
 *
 * After the fields are drawn, the template's fix function (if any) applies
 * the constraints that keep the encoding architecturally predictable, and
 * records what the instruction writes (for the pointer tracking below).
 */
#ifndef SCION_DIFFTEST_GEN_H
#define SCION_DIFFTEST_GEN_H

#include "tests/difftest/dt.h"

enum {
    T_MEM = 1u << 0,       /* memory access: n is a base, m an index */
    T_ALIGN = 1u << 1,     /* needs a word-aligned base (LDRD, LDM, VLDR, ...) */
    T_PC_N = 1u << 2,      /* Rn may be r15 (read as pc) */
    T_PC_M = 1u << 3,      /* Rm may be r15 */
    T_SP_OK = 1u << 4,     /* T32: r13 allowed in 4-bit fields */
    T_BRANCH = 1u << 5,    /* offset filled in at layout (field 'o') */
    T_NOT_IN_IT = 1u << 6, /* T32: UNPREDICTABLE inside an IT block */
    T_IT = 1u << 7,        /* the IT instruction */
    T_ENDS_IT = 1u << 8,   /* T32: must be last in an IT block (branches) */
    T_FPSCR_RT = 1u << 9,  /* VMSR: Rt holds a valid FPSCR value */
    T_WB_ALIGNED = 1u << 10, /* write-back keeps a word-aligned base aligned */
    T_ALIGN8 = 1u << 11,   /* needs a doubleword-aligned base (LDREXD, STREXD) */
    T_WRITES_LR = 1u << 12, /* BL */
};

typedef struct GenInsn GenInsn;
typedef struct Gen Gen;

typedef struct Tmpl {
    const char *name;
    const char *pat;
    unsigned flags;
    const char *writes; /* fields naming registers the instruction writes */
    void (*fix)(Gen *g, GenInsn *in);
    unsigned weight;
} Tmpl;

typedef struct TmplSet {
    const Tmpl *t;
    size_t n;
    unsigned weight; /* family weight */
    const char *family;
} TmplSet;

struct GenInsn {
    const Tmpl *t;
    uint32_t f[128];   /* field values by letter */
    uint8_t fbits[128];/* field widths */
    uint32_t enc;
    unsigned size;     /* bytes */
    uint16_t writes;   /* registers written (for the tracking) */
    bool wb;           /* base write-back */
    bool wb_keeps_ptr; /* the written-back base still points into the data region */
    bool wb_aligned;   /* ... and stays word-aligned */
    bool reject;       /* fix found no predictable form: draw again */
    unsigned ldrex_size; /* LDREX* of this many bytes (opens the monitor) */
    bool writes_fpscr; /* VMSR FPSCR */
    bool needs_rn;     /* must run with FPSCR.RMode = RN (see fix_vcvt_fixed) */
    /* branches: layout fills the offset */
    int br_kind;       /* GenBranchKind */
};

/* The generator's view of the machine while it emits a case. */
struct Gen {
    Rng *rng;
    bool thumb;
    uint16_t ptr;   /* registers that point into the data region */
    uint16_t aptr;  /* ... word-aligned */
    uint16_t a8ptr; /* ... doubleword-aligned */
    uint16_t small; /* registers holding small values (index registers) */
    uint16_t fpv;   /* registers holding a valid FPSCR value */
    uint32_t it;    /* T32 IT state of the next instruction */
    unsigned ldrex_sizes; /* bit n: an LDREX of 2^n bytes was emitted */
    bool fpscr_written; /* a VMSR FPSCR was emitted: RMode no longer known */
    unsigned left;  /* instructions left to emit in this case */
    void *checker;  /* DtChecker */
};

typedef enum GenBranchKind {
    BR_NONE,
    BR_A32,      /* imm24, target = pc + 8 + 4*imm */
    BR_T16_COND, /* imm8 */
    BR_T16,      /* imm11 */
    BR_T32_COND, /* S:J2:J1:imm6:imm11 */
    BR_T32,      /* S:I1:I2:imm10:imm11 (B.W, BL) */
    BR_CBZ,      /* i:imm5 */
} GenBranchKind;

/* Field helpers for fix functions. */
static inline uint32_t gf(const GenInsn *in, char c) { return in->f[(unsigned char)c]; }
static inline void sf(GenInsn *in, char c, uint32_t v) { in->f[(unsigned char)c] = v; }
static inline bool has(const GenInsn *in, char c) { return in->fbits[(unsigned char)c] != 0; }

/* Draw a register for a role (same policy as the pattern letters). */
unsigned gen_reg(Gen *g, unsigned bits, bool allow_sp, bool allow_pc);
int gen_base(Gen *g, unsigned bits, unsigned align, bool allow_sp);
int gen_index(Gen *g, unsigned bits);

/* Encode the fields back into in->enc. */
void gen_encode(GenInsn *in);

/* Draw and fix one instruction from a set of families. */
bool gen_from_sets(Gen *g, const TmplSet *sets, size_t nsets, GenInsn *out);

/* Per-ISA family tables. */
extern const TmplSet gen_a32_sets[];
extern const size_t gen_a32_nsets;
extern const TmplSet gen_t32_sets[];
extern const size_t gen_t32_nsets;
extern const TmplSet gen_t32_it_sets[]; /* what may stand inside an IT block */
extern const size_t gen_t32_it_nsets;

/* VFP templates (A32 patterns; T32 uses them with cond = 1110). */
extern const Tmpl gen_vfp_dp[];
extern const size_t gen_vfp_dp_n;
extern const Tmpl gen_vfp_ls[];
extern const size_t gen_vfp_ls_n;
extern const Tmpl gen_vfp_mov[];
extern const size_t gen_vfp_mov_n;

/* Common fix functions. */
void fix_ldst_imm(Gen *g, GenInsn *in);
void fix_ldst_reg(Gen *g, GenInsn *in);
void fix_ldst_pair(Gen *g, GenInsn *in);
void fix_ldm(Gen *g, GenInsn *in);
/* Exclusives: an LDREX of size bytes, or a STREX that must match the size
 * of every LDREX before it (a size mismatch is UNPREDICTABLE). */
void note_ldrex(GenInsn *in, unsigned size);
void check_strex(Gen *g, GenInsn *in, unsigned size);

#endif
