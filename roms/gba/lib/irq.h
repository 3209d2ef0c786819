/* The shared IRQ handler (irq.S) and video-line waits. */
#ifndef GBA_TEST_IRQ_H
#define GBA_TEST_IRQ_H

#include "gba.h"

/* Per IE/IF bit: how many times the handler saw that source. */
extern volatile u32 irq_counts[14];
/* VCOUNT when the handler last saw a VCOUNT-match IRQ. */
extern volatile u32 irq_vcount_line;
void irq_handler(void);

static inline void irq_counts_reset(void)
{
    for (int i = 0; i < 14; i++)
        irq_counts[i] = 0;
    irq_vcount_line = 0;
}

/* Handler in place, nothing stale pending, only the sources in ie. */
static inline void irq_enable(u16 ie)
{
    REG_IME = 0;
    BIOS_IRQ_HANDLER = irq_handler;
    REG_IF = 0xffff;
    BIOS_IRQ_FLAGS = 0;
    REG_IE = ie;
    REG_IME = 1;
}

static inline void irq_disable(void)
{
    REG_IME = 0;
    REG_IE = 0;
    REG_IF = 0xffff;
}

static inline void wait_line(u32 line)
{
    while (REG_VCOUNT != line)
        ;
}

/* Waits until VCOUNT changes: returns early in the new line. */
static inline void wait_next_line(void)
{
    u32 line = REG_VCOUNT;
    while (REG_VCOUNT == line)
        ;
}

#endif
