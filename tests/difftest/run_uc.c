/* Running a case under Unicorn (the reference). */
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "tests/difftest/runners.h"

/* A page outside everything scion maps, holding CLREX: Unicorn keeps its
 * exclusive monitor across uc_emu_start calls, so every case first runs
 * this to start with the monitor open, as scion's fresh CPU does. */
#define STUB_ADDR 0x00008000u

struct UcRunner {
    uc_engine *uc[2]; /* UC_MODE_ARM, UC_MODE_THUMB */
    uint8_t mem[DT_DATA_SIZE];
    uint8_t code[DT_CODE_SIZE];
};

static void check(uc_err e, const char *what)
{
    if (e != UC_ERR_OK) {
        fprintf(stderr, "difftest: unicorn %s: %s\n", what, uc_strerror(e));
        exit(2);
    }
}

static uc_engine *open_engine(uc_mode mode)
{
    uc_engine *uc;
    check(uc_open(UC_ARCH_ARM, mode, &uc), "open");
    check(uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_A15), "cpu model");
    check(uc_mem_map(uc, DT_CODE_BASE, DT_CODE_SIZE, UC_PROT_READ | UC_PROT_EXEC), "map code");
    check(uc_mem_map(uc, DT_DATA_ADDR, DT_DATA_SIZE, UC_PROT_READ | UC_PROT_WRITE), "map data");
    check(uc_mem_map(uc, STUB_ADDR, 0x1000, UC_PROT_READ | UC_PROT_EXEC), "map stub");
    static const uint8_t clrex_a32[4] = {0x1f, 0xf0, 0x7f, 0xf5}, clrex_t32[4] = {0xbf, 0xf3, 0x2f, 0x8f};
    check(uc_mem_write(uc, STUB_ADDR, mode == UC_MODE_THUMB ? clrex_t32 : clrex_a32, 4), "stub");
    /* User mode, as under Linux; then enable the FPU. */
    uint32_t cpsr = 0x10, fpexc = 1u << 30;
    check(uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr), "cpsr");
    check(uc_reg_write(uc, UC_ARM_REG_FPEXC, &fpexc), "fpexc");
    return uc;
}

UcRunner *uc_runner_new(void)
{
    UcRunner *u = calloc(1, sizeof *u);
    if (!u)
        abort();
    u->uc[0] = open_engine(UC_MODE_ARM);
    u->uc[1] = open_engine(UC_MODE_THUMB);
    return u;
}

void uc_runner_free(UcRunner *u)
{
    if (!u)
        return;
    uc_close(u->uc[0]);
    uc_close(u->uc[1]);
    free(u);
}

static void load_state(uc_engine *uc, const DtCase *c)
{
    const DtState *st = &c->init;
    uint32_t cpsr = (st->cpsr & DT_CPSR_MASK) | 0x10, fpexc = 1u << 30;
    uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr);
    uc_reg_write(uc, UC_ARM_REG_FPEXC, &fpexc);
    for (int r = 0; r < 13; r++)
        uc_reg_write(uc, UC_ARM_REG_R0 + r, &st->r[r]);
    uc_reg_write(uc, UC_ARM_REG_SP, &st->r[13]);
    uc_reg_write(uc, UC_ARM_REG_LR, &st->r[14]);
    uc_reg_write(uc, UC_ARM_REG_FPSCR, &st->fpscr);
    for (int i = 0; i < 32; i++)
        uc_reg_write(uc, UC_ARM_REG_D0 + i, &st->d[i]);
}

static void save_state(UcRunner *u, uc_engine *uc, DtResult *out)
{
    DtState *st = &out->st;
    for (int r = 0; r < 13; r++)
        uc_reg_read(uc, UC_ARM_REG_R0 + r, &st->r[r]);
    uc_reg_read(uc, UC_ARM_REG_SP, &st->r[13]);
    uc_reg_read(uc, UC_ARM_REG_LR, &st->r[14]);
    uc_reg_read(uc, UC_ARM_REG_PC, &st->r[15]);
    uint32_t cpsr;
    uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
    st->cpsr = cpsr & DT_CPSR_MASK;
    uc_reg_read(uc, UC_ARM_REG_FPSCR, &st->fpscr);
    for (int i = 0; i < 32; i++)
        uc_reg_read(uc, UC_ARM_REG_D0 + i, &st->d[i]);
    uc_mem_read(uc, DT_DATA_ADDR, u->mem, DT_DATA_SIZE);
    st->mem = u->mem;
}

static DtStop classify(uc_err e)
{
    switch (e) {
    case UC_ERR_OK: return DT_STOP_END;
    case UC_ERR_READ_UNMAPPED: case UC_ERR_WRITE_UNMAPPED: case UC_ERR_READ_PROT: case UC_ERR_WRITE_PROT:
        return DT_STOP_FAULT;
    case UC_ERR_READ_UNALIGNED: case UC_ERR_WRITE_UNALIGNED: case UC_ERR_FETCH_UNALIGNED: return DT_STOP_ALIGN;
    case UC_ERR_INSN_INVALID: return DT_STOP_UNDEF;
    default: return DT_STOP_OTHER;
    }
}

void uc_run(UcRunner *u, const DtCase *c, DtResult *out)
{
    bool thumb = c->isa == DT_T32;
    uc_engine *uc = u->uc[thumb];
    memset(out, 0, sizeof *out);
    memset(u->code, 0, sizeof u->code);
    size_t off = DT_CODE_ADDR - DT_CODE_BASE;
    size_t len = dt_code_bytes(c, u->code + off, sizeof u->code - off);
    uint32_t end = DT_CODE_ADDR + (uint32_t)len;
    uc_mem_write(uc, DT_CODE_BASE, u->code, sizeof u->code);
    uc_ctl_remove_cache(uc, DT_CODE_BASE, DT_CODE_BASE + DT_CODE_SIZE);
    dt_fill_mem(u->mem, c->init.mem_seed);
    uc_mem_write(uc, DT_DATA_ADDR, u->mem, DT_DATA_SIZE);
    uc_emu_start(uc, STUB_ADDR | thumb, STUB_ADDR + 4, 0, 1);
    load_state(uc, c);
    uc_err e = uc_emu_start(uc, DT_CODE_ADDR | thumb, end, 0, 4 * c->ninsns + 16);
    save_state(u, uc, out);
    out->stop = classify(e);
    out->stop_pc = out->st.r[15];
    snprintf(out->why, sizeof out->why, "%s", uc_strerror(e));
    if (out->stop == DT_STOP_END && out->st.r[15] != end) {
        out->stop = DT_STOP_OTHER;
        snprintf(out->why, sizeof out->why, "stopped at %08x before the end", out->st.r[15]);
    }
}
