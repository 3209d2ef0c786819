/* VFP helpers (being written). */
#include "translator/helpers.h"
