/*
 * Out-of-line instruction semantics called from IR (IR_CALL, imm = helper id).
 *
 * Some guest operations are clearer and no slower as a C function than as a
 * string of IR ops: saturating and parallel arithmetic, VFP arithmetic under
 * FPSCR control, exclusive stores.  They are still the one definition of
 * those semantics: both executors call the same functions.
 *
 * Each family keeps its own X-macro list X(name, nargs, result) in its own
 * header; this file concatenates them into one numbering.  A helper is
 *   uint64_t helper_NAME(void *env, uint64_t a, uint64_t b, uint64_t c)
 * where env is the guest CPU state and unused arguments are 0.
 */
#ifndef SCION_HELPERS_H
#define SCION_HELPERS_H

#include <stdint.h>

#include "translator/helpers_core.h"
#include "translator/helpers_media.h"
#include "translator/helpers_sys.h"
#include "translator/helpers_vfp.h"

#define SCION_HELPERS(X) SCION_HELPERS_CORE(X) SCION_HELPERS_MEDIA(X) SCION_HELPERS_VFP(X) SCION_HELPERS_SYS(X)

typedef uint64_t (*HelperFn)(void *env, uint64_t a, uint64_t b, uint64_t c);

typedef enum HelperId {
#define SCION_HELPER_ENUM(name, nargs, result) HELPER_##name,
    SCION_HELPERS(SCION_HELPER_ENUM)
#undef SCION_HELPER_ENUM
    HELPER_COUNT
} HelperId;

#define SCION_HELPER_DECL(name, nargs, result) uint64_t helper_##name(void *env, uint64_t a, uint64_t b, uint64_t c);
SCION_HELPERS(SCION_HELPER_DECL)
#undef SCION_HELPER_DECL

typedef struct HelperInfo {
    const char *name;
    HelperFn fn;
    uint8_t nargs;
    uint8_t result; /* IR_RESULT_V, IR_RESULT_I32 or IR_RESULT_I64 */
} HelperInfo;

extern const HelperInfo helper_info[HELPER_COUNT];

#endif
