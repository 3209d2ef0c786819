/*
 * Host (x86-64) disassembly of generated code, for -d out_asm: the
 * baseline tier's code for each block, one instruction a line, as QEMU's
 * out_asm prints TCG's output.
 */
#ifndef SCION_HOST_DISASM_H
#define SCION_HOST_DISASM_H

#include <stddef.h>
#include <stdint.h>

#include "backend/log.h"

/* Prints the n bytes at code (executable, at that address) to the log. */
void host_disasm_log(Log *log, const uint8_t *code, size_t n);

#endif
