/*
 * Loading ARM EABI ELF programs into guest memory (user mode).
 *
 *   ElfInfo info;
 *   char err[256];
 *   if (elf_load(&mem, "prog", sysroot, &info, err, sizeof err) != 0) die(err);
 *   elf_map_vectors(&mem);
 *   elf_setup_stack(&mem, &info, argc, argv, envp, "prog", &sp);
 */
#ifndef SCION_ELF_LOAD_H
#define SCION_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "user/guest_mem.h"

typedef struct ElfInfo {
    uint32_t entry;       /* program entry (AT_ENTRY) */
    uint32_t start_pc;    /* where execution begins: the interpreter's entry if any */
    uint32_t phdr, phnum; /* AT_PHDR, AT_PHNUM */
    uint32_t interp_base; /* AT_BASE */
    uint32_t brk;         /* end of the program's segments: initial program break */
} ElfInfo;

/* Returns 0, or -1 with a one-line message in err. */
int elf_load(GuestMem *g, const char *path, const char *sysroot, ElfInfo *info, char *err, size_t errlen);
int elf_setup_stack(GuestMem *g, const ElfInfo *info, int argc, char *const argv[], char *const envp[],
                    const char *execfn, uint32_t *sp_out);
int elf_map_vectors(GuestMem *g);

#define VECTORS_RT_SIGRETURN 0xffff0500u
#define VECTORS_SIGRETURN 0xffff0508u

#endif
