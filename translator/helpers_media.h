/* ARMv6 media helpers: saturating and parallel arithmetic (translator/media_helpers.c). */
#ifndef SCION_HELPERS_MEDIA_H
#define SCION_HELPERS_MEDIA_H

/*
 * Parallel add/subtract: a = Rn, b = Rm -> Rd.  The S and U forms write the
 * GE bits of the CPU state; the Q, SH, UQ and UH forms touch no flags.
 * Saturating ops set the Q flag when they saturate.
 */
#define SCION_HELPERS_MEDIA(X)                                                 \
    X(sadd16, 2, I32) X(sasx, 2, I32) X(ssax, 2, I32)                          \
    X(ssub16, 2, I32) X(sadd8, 2, I32) X(ssub8, 2, I32)                        \
    X(qadd16, 2, I32) X(qasx, 2, I32) X(qsax, 2, I32)                          \
    X(qsub16, 2, I32) X(qadd8, 2, I32) X(qsub8, 2, I32)                        \
    X(shadd16, 2, I32) X(shasx, 2, I32) X(shsax, 2, I32)                       \
    X(shsub16, 2, I32) X(shadd8, 2, I32) X(shsub8, 2, I32)                     \
    X(uadd16, 2, I32) X(uasx, 2, I32) X(usax, 2, I32)                          \
    X(usub16, 2, I32) X(uadd8, 2, I32) X(usub8, 2, I32)                        \
    X(uqadd16, 2, I32) X(uqasx, 2, I32) X(uqsax, 2, I32)                       \
    X(uqsub16, 2, I32) X(uqadd8, 2, I32) X(uqsub8, 2, I32)                     \
    X(uhadd16, 2, I32) X(uhasx, 2, I32) X(uhsax, 2, I32)                       \
    X(uhsub16, 2, I32) X(uhadd8, 2, I32) X(uhsub8, 2, I32)                     \
    /* a = Rm, b = Rn as in the ARM ARM: QADD = sat(Rm + Rn), QDADD =         \
     * sat(Rm + sat(2 * Rn)); Q set on any saturation */                       \
    X(qadd, 2, I32) X(qsub, 2, I32) X(qdadd, 2, I32) X(qdsub, 2, I32)          \
    /* a = value, b = saturation bits (SSAT 1..32, USAT 0..31,                \
     * SSAT16 1..16, USAT16 0..15); Q set on saturation */                     \
    X(ssat, 2, I32) X(usat, 2, I32) X(ssat16, 2, I32) X(usat16, 2, I32)        \
    X(usad8, 2, I32)          /* sum of absolute byte differences */

#endif
