/* VFP helpers: floating-point arithmetic under FPSCR control (translator/vfp_helpers.c). */
#ifndef SCION_HELPERS_VFP_H
#define SCION_HELPERS_VFP_H

#define SCION_HELPERS_VFP(X)

#endif
