/*
 * ELF loading for ARM EABI executables (static, PIE, dynamic) and the
 * initial process stack (argv, envp, auxv) as the Linux kernel builds it.
 */
#include "user/elf_load.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define PIE_BASE 0x00400000u
#define STACK_TOP 0xbf000000u
#define STACK_SIZE (8u * 1024 * 1024)

/* Features scion implements, as Linux reports them in AT_HWCAP. */
#define HWCAP_HALF (1u << 1)
#define HWCAP_THUMB (1u << 2)
#define HWCAP_FAST_MULT (1u << 4)
#define HWCAP_VFP (1u << 6)
#define HWCAP_EDSP (1u << 7)
#define HWCAP_VFPv3 (1u << 13)
#define HWCAP_TLS (1u << 15)
#define HWCAP_VFPv4 (1u << 16)
#define HWCAP_IDIVA (1u << 17)
#define HWCAP_IDIVT (1u << 18)
#define HWCAP_VFPD32 (1u << 19)
#define SCION_HWCAP                                                                                            \
    (HWCAP_HALF | HWCAP_THUMB | HWCAP_FAST_MULT | HWCAP_VFP | HWCAP_EDSP | HWCAP_VFPv3 | HWCAP_TLS |           \
     HWCAP_VFPv4 | HWCAP_IDIVA | HWCAP_IDIVT | HWCAP_VFPD32)

static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return -1;
}

typedef struct ElfFile {
    int fd;
    off_t size;
    Elf32_Ehdr eh;
    Elf32_Phdr *ph;
} ElfFile;

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_AARCH64: return "AArch64";
    case EM_MIPS: return "MIPS";
    case EM_PPC: return "PowerPC";
    case EM_RISCV: return "RISC-V";
    default: return "an unknown machine";
    }
}

static int check_header(const ElfFile *f, const char *path, char *err, size_t n)
{
    const Elf32_Ehdr *eh = &f->eh;
    if (eh->e_ident[EI_CLASS] == ELFCLASS64) {
        const Elf64_Ehdr *e64 = (const Elf64_Ehdr *)eh;
        return fail(err, n, "%s: 64-bit ELF for %s, not a 32-bit ARM program", path, machine_name(e64->e_machine));
    }
    if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, n, "%s: not a 32-bit little-endian ELF file", path);
    if (eh->e_machine != EM_ARM)
        return fail(err, n, "%s: ELF for %s, not 32-bit ARM", path, machine_name(eh->e_machine));
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return fail(err, n, "%s: not an executable or shared object (ELF type %u)", path, eh->e_type);
    if (eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64)
        return fail(err, n, "%s: corrupt ELF program header table", path);
    if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > (uint64_t)f->size)
        return fail(err, n, "%s: truncated ELF file (program headers past the end)", path);
    if (eh->e_flags && (eh->e_flags & EF_ARM_EABIMASK) != EF_ARM_EABI_VER5)
        return fail(err, n, "%s: not an ARM EABI version 5 program (flags 0x%x)", path, eh->e_flags);
    return 0;
}

static int elf_open(ElfFile *f, const char *path, char *err, size_t n)
{
    memset(f, 0, sizeof *f);
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0)
        return fail(err, n, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(f->fd);
        return fail(err, n, "%s: not a regular file", path);
    }
    f->size = st.st_size;
    unsigned char ident[EI_NIDENT];
    if (pread(f->fd, ident, sizeof ident, 0) != (ssize_t)sizeof ident || memcmp(ident, ELFMAG, SELFMAG) != 0) {
        close(f->fd);
        return fail(err, n, "%s: not an ELF file", path);
    }
    if (pread(f->fd, &f->eh, sizeof f->eh, 0) != (ssize_t)sizeof f->eh) {
        close(f->fd);
        return fail(err, n, "%s: truncated ELF file (header)", path);
    }
    if (check_header(f, path, err, n) != 0) {
        close(f->fd);
        return -1;
    }
    size_t phsize = (size_t)f->eh.e_phnum * sizeof(Elf32_Phdr);
    f->ph = malloc(phsize);
    if (!f->ph || pread(f->fd, f->ph, phsize, f->eh.e_phoff) != (ssize_t)phsize) {
        close(f->fd);
        free(f->ph);
        return fail(err, n, "%s: truncated ELF file (program headers)", path);
    }
    return 0;
}

static void elf_close(ElfFile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    free(f->ph);
}

/* Lowest and highest addresses of the PT_LOAD segments.  They must come in
 * ascending order without overlapping, as the ELF specification says: this
 * also bounds the loader's work by the size of the address space, however
 * many huge segments a hostile file lists. */
static int load_span(const ElfFile *f, const char *path, uint32_t *lo, uint32_t *hi, char *err, size_t n)
{
    uint64_t min = UINT64_MAX, max = 0, prev_end = 0;
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf32_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        if (p->p_filesz > p->p_memsz || (uint64_t)p->p_offset + p->p_filesz > (uint64_t)f->size)
            return fail(err, n, "%s: truncated or corrupt ELF segment %u", path, i);
        if ((uint64_t)p->p_vaddr + p->p_memsz > 0xffff0000u)
            return fail(err, n, "%s: ELF segment %u outside the user address space", path, i);
        if (p->p_memsz && p->p_vaddr < prev_end)
            return fail(err, n, "%s: ELF segment %u overlaps an earlier one or is out of order", path, i);
        if (p->p_memsz)
            prev_end = (uint64_t)p->p_vaddr + p->p_memsz;
        if (p->p_vaddr < min)
            min = p->p_vaddr;
        if ((uint64_t)p->p_vaddr + p->p_memsz > max)
            max = (uint64_t)p->p_vaddr + p->p_memsz;
    }
    if (max == 0)
        return fail(err, n, "%s: ELF file has no loadable segments", path);
    *lo = (uint32_t)min & ~(GUEST_PAGE - 1);
    *hi = page_round_up((uint32_t)max);
    return 0;
}

static int prot_of(uint32_t pflags)
{
    return ((pflags & PF_R) ? GPAGE_R : 0) | ((pflags & PF_W) ? GPAGE_W : 0) | ((pflags & PF_X) ? GPAGE_X : 0);
}

/* Map each segment read-write, copy its file bytes, then apply its
 * protection (copying rather than mapping keeps odd alignments simple). */
static int map_segments(GuestMem *g, const ElfFile *f, uint32_t bias, const char *path, char *err, size_t n)
{
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf32_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        uint32_t start = (p->p_vaddr + bias) & ~(GUEST_PAGE - 1);
        uint32_t end = page_round_up(p->p_vaddr + bias + p->p_memsz);
        int r = guest_map_fixed(g, start, end - start, GPAGE_R | GPAGE_W, MAP_PRIVATE, -1, 0);
        if (r < 0)
            return fail(err, n, "%s: cannot map segment at 0x%08x: %s", path, start, strerror(-r));
        if (p->p_filesz &&
            pread(f->fd, g->base + p->p_vaddr + bias, p->p_filesz, p->p_offset) != (ssize_t)p->p_filesz)
            return fail(err, n, "%s: truncated ELF file (segment %u)", path, i);
    }
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf32_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        uint32_t start = (p->p_vaddr + bias) & ~(GUEST_PAGE - 1);
        uint32_t end = page_round_up(p->p_vaddr + bias + p->p_memsz);
        guest_protect(g, start, end - start, prot_of(p->p_flags));
    }
    return 0;
}

static int read_interp(const ElfFile *f, char *buf, size_t len, const char *path, char *err, size_t n)
{
    buf[0] = 0;
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf32_Phdr *p = &f->ph[i];
        if (p->p_type != PT_INTERP)
            continue;
        if (p->p_filesz == 0 || p->p_filesz >= len || (uint64_t)p->p_offset + p->p_filesz > (uint64_t)f->size ||
            pread(f->fd, buf, p->p_filesz, p->p_offset) != (ssize_t)p->p_filesz)
            return fail(err, n, "%s: corrupt PT_INTERP entry", path);
        buf[p->p_filesz] = 0;
    }
    return 0;
}

static uint32_t find_phdr_addr(const ElfFile *f, uint32_t bias)
{
    for (unsigned i = 0; i < f->eh.e_phnum; i++)
        if (f->ph[i].p_type == PT_PHDR)
            return f->ph[i].p_vaddr + bias;
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf32_Phdr *p = &f->ph[i];
        if (p->p_type == PT_LOAD && f->eh.e_phoff >= p->p_offset && f->eh.e_phoff < p->p_offset + p->p_filesz)
            return p->p_vaddr + bias + (f->eh.e_phoff - p->p_offset);
    }
    return 0;
}

static int load_interp(GuestMem *g, const char *interp, const char *sysroot, ElfInfo *info, char *err, size_t n)
{
    char path[4096];
    if (sysroot)
        snprintf(path, sizeof path, "%s/%s", sysroot, interp);
    else
        snprintf(path, sizeof path, "%s", interp);
    if (access(path, F_OK) != 0) {
        if (sysroot)
            return fail(err, n, "interpreter %s not found in sysroot %s", interp, sysroot);
        return fail(err, n, "interpreter %s not found (give the ARM sysroot with -L DIR or SCION_LD_PREFIX)",
                    interp);
    }
    ElfFile f;
    if (elf_open(&f, path, err, n) != 0)
        return -1;
    uint32_t lo, hi;
    int r = load_span(&f, path, &lo, &hi, err, n);
    uint32_t base = r == 0 ? guest_find_free(g, hi - lo) : 0;
    if (r == 0 && base == 0)
        r = fail(err, n, "%s: no room in the guest address space", path);
    if (r == 0)
        r = map_segments(g, &f, base - lo, path, err, n);
    if (r == 0) {
        info->interp_base = base - lo;
        info->start_pc = f.eh.e_entry + base - lo;
    }
    elf_close(&f);
    return r;
}

int elf_load(GuestMem *g, const char *path, const char *sysroot, ElfInfo *info, char *err, size_t n)
{
    memset(info, 0, sizeof *info);
    if (sysroot) {
        struct stat st;
        if (stat(sysroot, &st) != 0 || !S_ISDIR(st.st_mode))
            return fail(err, n, "sysroot %s: not a directory", sysroot);
    }
    ElfFile f;
    if (elf_open(&f, path, err, n) != 0)
        return -1;
    char interp[512];
    uint32_t lo, hi;
    int r = read_interp(&f, interp, sizeof interp, path, err, n);
    if (r == 0)
        r = load_span(&f, path, &lo, &hi, err, n);
    uint32_t bias = 0;
    if (r == 0 && f.eh.e_type == ET_DYN)
        bias = PIE_BASE - lo;
    if (r == 0)
        r = map_segments(g, &f, bias, path, err, n);
    if (r == 0) {
        info->entry = f.eh.e_entry + bias;
        info->start_pc = info->entry;
        info->phdr = find_phdr_addr(&f, bias);
        info->phnum = f.eh.e_phnum;
        info->brk = hi + bias;
        if (interp[0])
            r = load_interp(g, interp, sysroot, info, err, n);
    }
    elf_close(&f);
    return r;
}

/* --- the initial stack ------------------------------------------------- */

typedef struct StackBuilder {
    GuestMem *g;
    uint32_t sp;
} StackBuilder;

static uint32_t push_bytes(StackBuilder *s, const void *data, size_t len)
{
    s->sp -= (uint32_t)len;
    memcpy(s->g->base + s->sp, data, len);
    return s->sp;
}

static uint32_t push_string(StackBuilder *s, const char *str)
{
    return push_bytes(s, str, strlen(str) + 1);
}

int elf_setup_stack(GuestMem *g, const ElfInfo *info, int argc, char *const argv[], char *const envp[],
                    const char *execfn, uint32_t *sp_out)
{
    int r = guest_map_fixed(g, STACK_TOP - STACK_SIZE, STACK_SIZE, GPAGE_R | GPAGE_W, MAP_PRIVATE, -1, 0);
    if (r < 0)
        return r;
    StackBuilder s = {g, STACK_TOP};
    int envc = 0;
    while (envp[envc])
        envc++;
    uint32_t *argv_addr = calloc((size_t)argc + 1, 4), *envp_addr = calloc((size_t)envc + 1, 4);
    uint32_t execfn_addr = push_string(&s, execfn);
    for (int i = envc - 1; i >= 0; i--)
        envp_addr[i] = push_string(&s, envp[i]);
    for (int i = argc - 1; i >= 0; i--)
        argv_addr[i] = push_string(&s, argv[i]);
    uint32_t platform = push_string(&s, "v7l");
    uint8_t random_bytes[16] = {0};
    if (getrandom(random_bytes, sizeof random_bytes, 0) != (ssize_t)sizeof random_bytes)
        memset(random_bytes, 0x5a, sizeof random_bytes);
    uint32_t random_addr = push_bytes(&s, random_bytes, 16);
    const uint32_t auxv[][2] = {
        {AT_PHDR, info->phdr},     {AT_PHENT, sizeof(Elf32_Phdr)}, {AT_PHNUM, info->phnum},
        {AT_PAGESZ, GUEST_PAGE},   {AT_BASE, info->interp_base},   {AT_FLAGS, 0},
        {AT_ENTRY, info->entry},   {AT_UID, (uint32_t)getuid()},   {AT_EUID, (uint32_t)geteuid()},
        {AT_GID, (uint32_t)getgid()}, {AT_EGID, (uint32_t)getegid()}, {AT_HWCAP, SCION_HWCAP},
        {AT_CLKTCK, 100},          {AT_SECURE, 0},                 {AT_RANDOM, random_addr},
        {AT_HWCAP2, 0},            {AT_EXECFN, execfn_addr},       {AT_PLATFORM, platform},
        {AT_NULL, 0},
    };
    size_t nwords = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
    s.sp = (s.sp - (uint32_t)nwords * 4) & ~15u;
    uint32_t sp = s.sp;
    uint32_t *out = (uint32_t *)(g->base + sp);
    size_t k = 0;
    out[k++] = (uint32_t)argc;
    for (int i = 0; i < argc; i++)
        out[k++] = argv_addr[i];
    out[k++] = 0;
    for (int i = 0; i < envc; i++)
        out[k++] = envp_addr[i];
    out[k++] = 0;
    for (size_t i = 0; i < sizeof auxv / sizeof auxv[0]; i++) {
        out[k++] = auxv[i][0];
        out[k++] = auxv[i][1];
    }
    free(argv_addr);
    free(envp_addr);
    *sp_out = sp;
    return 0;
}

/* The kuser helpers page (0xffff0000), as real ARM code so the translator
 * runs it like any other guest code, plus scion's signal-return trampolines. */
int elf_map_vectors(GuestMem *g)
{
    static const struct {
        uint32_t offset;
        uint32_t words[8];
        unsigned count;
    } code[] = {
        /* sigreturn trampolines: mov r7, #173 (rt_sigreturn); svc 0 / mov r7, #119; svc 0 */
        {0x500, {0xe3a070ad, 0xef000000, 0xe3a07077, 0xef000000}, 4},
        /* __kuser_memory_barrier: dmb ish; bx lr */
        {0xfa0, {0xf57ff05b, 0xe12fff1e}, 2},
        /* __kuser_cmpxchg: ldrex/strex loop, r0 = 0 and C set on success */
        {0xfc0, {0xe1923f9f, 0xe0533000, 0x01823f91, 0x03330001, 0x0afffffa, 0xe2730000, 0xe12fff1e}, 7},
        /* __kuser_get_tls: mrc p15, 0, r0, c13, c0, 3; bx lr */
        {0xfe0, {0xee1d0f70, 0xe12fff1e}, 2},
        /* __kuser_helper_version */
        {0xffc, {3}, 1},
    };
    uint32_t page = 0xffff0000u;
    int r = guest_map_fixed(g, page, GUEST_PAGE, GPAGE_R | GPAGE_W, MAP_PRIVATE, -1, 0);
    if (r < 0)
        return r;
    for (size_t i = 0; i < sizeof code / sizeof code[0]; i++)
        memcpy(g->base + page + code[i].offset, code[i].words, code[i].count * 4);
    return guest_protect(g, page, GUEST_PAGE, GPAGE_R | GPAGE_X);
}
