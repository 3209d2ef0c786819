/*
 * An interrupt line from a device to an interrupt controller.
 *
 * The device holds an IrqLine and calls irq_set when its output level
 * changes; the controller decides what the level means (GICv2: SPI number
 * line, level-sensitive).  An unconnected line (set == NULL) is ignored.
 */
#ifndef SCION_IRQ_H
#define SCION_IRQ_H

#include <stdbool.h>

typedef struct IrqLine {
    void (*set)(void *controller, unsigned line, bool level);
    void *controller;
    unsigned line;
} IrqLine;

static inline void irq_set(const IrqLine *irq, bool level)
{
    if (irq->set)
        irq->set(irq->controller, irq->line, level);
}

#endif
