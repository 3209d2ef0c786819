/* VFP family (being written). */
#include "translator/families.h"

const TransEntry vfp_entries[] = {{ARM_INS_INVALID, NULL}};
const size_t vfp_entry_count = 0;
