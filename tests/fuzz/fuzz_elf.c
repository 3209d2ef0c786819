/*
 * libFuzzer target: the user-mode ELF loader (user/elf_load.h).
 *
 * elf_load only takes paths, so the input goes into a memfd and the loader
 * opens /proc/self/fd/N: no file on disk per input.  An input is
 *
 *   MAIN-ELF [ "#INTERP#" INTERPRETER-ELF ]
 *
 * Without the marker the program is its own interpreter.  The sysroot is a
 * private temporary directory (made once per process) whose only entries
 * are symlinks to the interpreter memfd, at lib/ld-linux-armhf.so.3 (the
 * name in the seeds) and at "i"; inputs whose PT_INTERP contains ".." are
 * rejected so the loader never opens anything else on the host.
 *
 * After a successful load the target checks what the ELF specification
 * promises: every PT_LOAD segment's range is mapped in the guest, the
 * program header count is reported, and the initial stack and vector page
 * can be built on top.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_input.h"
#include "user/elf_load.h"

#define INTERP_MARKER "#INTERP#"
#define INTERP_MARKER_LEN (sizeof INTERP_MARKER - 1)

typedef struct ElfFuzz {
    GuestMem mem;          /* reused: a fresh 4 GiB reservation per input is slow */
    uint32_t mmap_top;     /* its initial mmap search start, restored per input */
    int prog_fd, interp_fd;
    char prog_path[64];
    char sysroot[64];
    char link_lib[96], link_lib_dir[96], link_short[96];
} ElfFuzz;

static ElfFuzz fuzz;

static void cleanup(void)
{
    unlink(fuzz.link_lib);
    unlink(fuzz.link_short);
    rmdir(fuzz.link_lib_dir);
    rmdir(fuzz.sysroot);
}

static void die(const char *what)
{
    perror(what);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!guest_mem_init(&fuzz.mem))
        die("guest_mem_init");
    fuzz.mmap_top = fuzz.mem.mmap_top;
    fuzz.prog_fd = memfd_create("fuzz-elf-prog", MFD_CLOEXEC);
    fuzz.interp_fd = memfd_create("fuzz-elf-interp", MFD_CLOEXEC);
    if (fuzz.prog_fd < 0 || fuzz.interp_fd < 0)
        die("memfd_create");
    snprintf(fuzz.prog_path, sizeof fuzz.prog_path, "/proc/self/fd/%d", fuzz.prog_fd);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(fuzz.sysroot, sizeof fuzz.sysroot, "%s/scion-fuzz-elf.XXXXXX", tmp);
    if (!mkdtemp(fuzz.sysroot))
        die("mkdtemp");
    char target[64];
    snprintf(target, sizeof target, "/proc/self/fd/%d", fuzz.interp_fd);
    snprintf(fuzz.link_lib_dir, sizeof fuzz.link_lib_dir, "%s/lib", fuzz.sysroot);
    snprintf(fuzz.link_lib, sizeof fuzz.link_lib, "%s/lib/ld-linux-armhf.so.3", fuzz.sysroot);
    snprintf(fuzz.link_short, sizeof fuzz.link_short, "%s/i", fuzz.sysroot);
    atexit(cleanup);
    if (mkdir(fuzz.link_lib_dir, 0700) != 0 || symlink(target, fuzz.link_lib) != 0 ||
        symlink(target, fuzz.link_short) != 0)
        die("sysroot setup");
    return 0;
}

static void set_file(int fd, const uint8_t *data, size_t len)
{
    if (ftruncate(fd, 0) != 0 || (len && pwrite(fd, data, len, 0) != (ssize_t)len))
        die("memfd write");
}

/* True if a PT_INTERP entry (as the loader will read it) names a path with
 * "..", which could leave the private sysroot. */
static bool interp_escapes(const uint8_t *d, size_t n)
{
    Elf32_Ehdr eh;
    if (n < sizeof eh)
        return false;
    memcpy(&eh, d, sizeof eh);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        uint64_t at = (uint64_t)eh.e_phoff + (uint64_t)i * sizeof(Elf32_Phdr);
        if (at + sizeof(Elf32_Phdr) > n)
            break;
        Elf32_Phdr ph;
        memcpy(&ph, d + at, sizeof ph);
        if (ph.p_type != PT_INTERP || ph.p_offset >= n)
            continue;
        size_t len = ph.p_filesz < n - ph.p_offset ? ph.p_filesz : n - ph.p_offset;
        const uint8_t *s = d + ph.p_offset;
        for (size_t k = 0; k + 1 < len; k++)
            if (s[k] == '.' && s[k + 1] == '.')
                return true;
    }
    return false;
}

/* ELF: each loaded segment occupies [p_vaddr, p_vaddr + p_memsz) of the
 * process image (shifted by the load bias for ET_DYN). */
static void check_segments_mapped(const GuestMem *g, const uint8_t *d, size_t n, const ElfInfo *info)
{
    Elf32_Ehdr eh;
    memcpy(&eh, d, sizeof eh);
    uint32_t bias = info->entry - eh.e_entry;
    if (info->phnum != eh.e_phnum)
        abort();
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, d + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_LOAD && ph.p_memsz && !guest_access_ok(g, ph.p_vaddr + bias, ph.p_memsz, 0)) {
            fprintf(stderr, "segment %u (0x%x+0x%x, bias 0x%x) not mapped after a successful load\n", i,
                    ph.p_vaddr, ph.p_memsz, bias);
            abort();
        }
    }
    (void)n;
}

/* Back to an empty address space, as guest_mem_init leaves it. */
static void reset_guest(GuestMem *g)
{
    if (guest_unmap(g, 0, 0xfffff000u) != 0 || guest_unmap(g, 0xfffff000u, GUEST_PAGE) != 0)
        die("guest_unmap");
    g->mmap_top = fuzz.mmap_top;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *marker = memmem(data, size, INTERP_MARKER, INTERP_MARKER_LEN);
    size_t prog_len = marker ? (size_t)(marker - data) : size;
    const uint8_t *interp = marker ? marker + INTERP_MARKER_LEN : data;
    size_t interp_len = marker ? size - prog_len - INTERP_MARKER_LEN : size;
    if (interp_escapes(data, prog_len))
        return -1;
    set_file(fuzz.prog_fd, data, prog_len);
    set_file(fuzz.interp_fd, interp, interp_len);

    GuestMem *g = &fuzz.mem;
    ElfInfo info;
    char err[256];
    if (elf_load(g, fuzz.prog_path, fuzz.sysroot, &info, err, sizeof err) == 0) {
        check_segments_mapped(g, data, prog_len, &info);
        char *const argv[] = {"prog", "arg", NULL};
        char *const envp[] = {"A=1", NULL};
        uint32_t sp;
        if (elf_setup_stack(g, &info, 2, argv, envp, "prog", &sp) == 0 && (sp % 8 || !guest_access_ok(g, sp, 4, GPAGE_R)))
            abort(); /* AAPCS: 8-byte aligned stack that holds argc */
        elf_map_vectors(g);
    } else if (!memchr(err, 0, sizeof err) || err[0] == 0) {
        abort(); /* the contract: -1 comes with a one-line message */
    }
    reset_guest(g);
    return 0;
}
