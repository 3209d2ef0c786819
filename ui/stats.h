/* --stats: what ran where, like QEMU's "info jit", printed to stderr. */
#ifndef SCION_STATS_H
#define SCION_STATS_H

#include "backend/machine.h"

void stats_print(const Machine *m, double seconds);

#endif
