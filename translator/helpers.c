/* The helper registry: one table built from every family's list. */
#include "translator/helpers.h"

#include "translator/ir.h"

const HelperInfo helper_info[HELPER_COUNT] = {
#define SCION_HELPER_INFO(name, nargs, result) [HELPER_##name] = {#name, helper_##name, nargs, IR_RESULT_##result},
    SCION_HELPERS(SCION_HELPER_INFO)
#undef SCION_HELPER_INFO
};
