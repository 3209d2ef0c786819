/*
 * Case generation: random state, instruction selection with validity
 * checks (Capstone decodes it, scion implements it), IT blocks, and the
 * layout that points branches at later instructions of the case.
 */
#ifndef SCION_DIFFTEST_CASEGEN_H
#define SCION_DIFFTEST_CASEGEN_H

#include "tests/difftest/dt.h"

/* Counters by reason, for the summary. */
#define DT_MAX_REASONS 512
typedef struct DtReason {
    char name[160];
    unsigned long count;
} DtReason;

typedef struct DtStats {
    DtReason r[DT_MAX_REASONS];
    unsigned n;
} DtStats;

void dt_stats_add(DtStats *s, const char *reason);
void dt_stats_print(const DtStats *s, FILE *out, const char *title);

typedef struct DtChecker DtChecker;

DtChecker *dt_checker_new(void);
void dt_checker_free(DtChecker *c);
/* The translator the checker uses (for disassembly in reports). */
void *dt_checker_translator(DtChecker *c);

/* Build a random case of n instructions (T32 may add an IT in front of a
 * single instruction).  Rejected candidates are counted in rejects. */
void dt_gen_case(DtChecker *chk, Rng *rng, DtIsa isa, unsigned n, DtCase *c, DtStats *rejects);
/* Count generated instructions by template from now on (NULL: stop). */
void dt_checker_count_templates(DtChecker *chk, DtStats *out);

/* Mnemonic of the instruction of c at guest address pc ("?" if none). */
void dt_mnemonic_at(DtChecker *chk, const DtCase *c, uint32_t pc, char *buf, size_t len);

/* Print the case's code with addresses, encodings and disassembly. */
void dt_listing(DtChecker *chk, const DtCase *c, FILE *out);

#endif
