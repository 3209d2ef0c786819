/* Core ARM helpers: CPSR access, exclusives, bit reversal. */
#ifndef SCION_HELPERS_CORE_H
#define SCION_HELPERS_CORE_H

#define SCION_HELPERS_CORE(X)                                                  \
    X(cpsr_read, 0, I32)      /* -> CPSR assembled from the flag words */     \
    X(cpsr_write, 2, V)       /* a = value, b = mask of fields to write */    \
    X(rbit, 1, I32)                                                            \
    X(strex32, 2, I32)        /* a = addr, b = value -> 0 stored / 1 failed */\
    X(strex16, 2, I32)                                                         \
    X(strex8, 2, I32)                                                          \
    X(strexd, 3, I32)         /* a = addr, b = low word, c = high word */     \
    X(ldrex_mark, 2, V)       /* a = addr, b = size: open the monitor */      \
    X(clrex, 0, V)

#endif
