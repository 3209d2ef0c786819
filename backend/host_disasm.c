/* -d out_asm: generated x86-64 code through Capstone's x86 decoder. */
#include "backend/host_disasm.h"

#include <capstone/capstone.h>
#include <inttypes.h>

void host_disasm_log(Log *log, const uint8_t *code, size_t n)
{
    csh h;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
        log_printf(log, "OUT: (no x86 disassembler in this Capstone)\n\n");
        return;
    }
    log_printf(log, "OUT: [size=%zu]\n", n);
    cs_insn *insn = cs_malloc(h);
    uint64_t addr = (uintptr_t)code;
    const uint8_t *p = code;
    size_t left = n;
    while (left > 0) {
        if (!cs_disasm_iter(h, &p, &left, &addr, insn)) { /* data or a byte Capstone lacks: show it, go on */
            log_printf(log, "0x%" PRIx64 ":  .byte 0x%02x\n", addr, *p);
            p++, left--, addr++;
            continue;
        }
        log_printf(log, "0x%" PRIx64 ":  %s %s\n", insn->address, insn->mnemonic, insn->op_str);
    }
    log_printf(log, "\n");
    cs_free(insn, 1);
    cs_close(&h);
}
