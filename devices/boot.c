/*
 * Kernel, initrd and DTB loading for the `virt` board (see boot.h for the
 * memory layout and its reasons).
 *
 * The images are untrusted: every header field, offset and size is checked
 * against the buffer length and the RAM range before it is used, the
 * parsing works on buffers (boot_load_images) so a fuzzer can drive it, and
 * RAM is only written once the whole layout has been checked.
 */
#include "devices/boot.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024u * 1024u)
#define PAGE_SIZE_4K 4096u

/* ARM Linux zImage header (arch/arm/boot/compressed/head.S, booting.rst). */
#define ZIMAGE_MAGIC_OFFSET 0x24
#define ZIMAGE_START_OFFSET 0x28
#define ZIMAGE_END_OFFSET 0x2c
#define ZIMAGE_ENDIAN_OFFSET 0x30
#define ZIMAGE_MAGIC 0x016f2818u
/* The endianness flag 0x04030201, as a little-endian read of a big-endian
 * kernel's header sees it. */
#define ZIMAGE_ENDIAN_SWAPPED 0x01020304u
/* Load offset into RAM: the traditional TEXT_OFFSET, leaving the first
 * 32 KiB for the kernel's initial page tables. */
#define ZIMAGE_LOAD_OFFSET 0x8000u
/* booting.rst: DTB and initrd are safe "just above the 128 MiB boundary". */
#define ZIMAGE_BLOB_OFFSET (128u * MIB)
/* Keep DTB and initrd well inside lowmem (~760 MiB on a 3G/1G split). */
#define LOWMEM_SAFE_SIZE (512u * MIB)

#define ARM64_IMAGE_MAGIC_OFFSET 0x38
#define UIMAGE_MAGIC 0x27051956u

#define NOT_A_KERNEL "not a kernel image: expected an ARM zImage, an ELF32 ARM executable, or a raw .bin"

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v & ~(a - 1);
}

static const char *name_or(const char *name, const char *fallback)
{
    return name ? name : fallback;
}

typedef struct Ram {
    uint8_t *host;
    uint64_t base, size;
} Ram;

static bool ram_contains(const Ram *ram, uint64_t addr, uint64_t len)
{
    return addr >= ram->base && len <= ram->size && addr - ram->base <= ram->size - len;
}

static uint8_t *ram_ptr(const Ram *ram, uint64_t addr)
{
    return ram->host + (addr - ram->base);
}

/* What the kernel image needs, worked out before anything touches RAM. */
typedef struct KernelPlan {
    BootKind kind;
    uint64_t start, end; /* RAM the image occupies, [start, end) */
    uint32_t entry;      /* with the Thumb bit */
} KernelPlan;

/* ---- zImage ---- */

static bool plan_zimage(const BootImages *img, const Ram *ram, KernelPlan *k, char *err, size_t errlen)
{
    const uint8_t *d = img->kernel;
    size_t n = img->kernel_len;
    const char *name = name_or(img->kernel_name, "kernel");
    if (le32(d + ZIMAGE_MAGIC_OFFSET) != ZIMAGE_MAGIC ||
        (n >= ZIMAGE_ENDIAN_OFFSET + 4 && le32(d + ZIMAGE_ENDIAN_OFFSET) == ZIMAGE_ENDIAN_SWAPPED)) {
        set_err(err, errlen, "%s: a big-endian zImage; the virt board runs little-endian kernels", name);
        return false;
    }
    uint32_t start = le32(d + ZIMAGE_START_OFFSET), end = le32(d + ZIMAGE_END_OFFSET);
    if (end <= start || end - start > n) {
        set_err(err, errlen, "%s: zImage header gives 0x%" PRIx32 "-0x%" PRIx32 ", but the file has %zu bytes", name,
                start, end, n);
        return false;
    }
    /* A start of 0 means position independent; otherwise it was linked to
     * run at that address. */
    uint64_t load = start ? start : ram->base + ZIMAGE_LOAD_OFFSET;
    if (!ram_contains(ram, load, n)) {
        set_err(err, errlen, "kernel %s (%zu bytes) does not fit in RAM (%" PRIu64 " bytes) at 0x%" PRIx64, name, n,
                ram->size, load);
        return false;
    }
    *k = (KernelPlan){BOOT_ZIMAGE, load, load + n, (uint32_t)load};
    return true;
}

/* ---- ELF32 ---- */

static bool elf_check_ident(const uint8_t *d, size_t n, const char *name, char *err, size_t errlen)
{
    if (n < EI_NIDENT || n < sizeof(Elf32_Ehdr)) {
        set_err(err, errlen, "%s: truncated ELF header (%zu bytes)", name, n);
        return false;
    }
    if (d[EI_CLASS] != ELFCLASS32) {
        set_err(err, errlen, "%s: %s; the virt board runs 32-bit ARM code (ELF32)", name,
                d[EI_CLASS] == ELFCLASS64 ? "a 64-bit ELF file (ELF64)" : "unknown ELF class");
        return false;
    }
    if (d[EI_DATA] != ELFDATA2LSB) {
        set_err(err, errlen, "%s: %s; the virt board runs little-endian code", name,
                d[EI_DATA] == ELFDATA2MSB ? "a big-endian ELF file" : "unknown ELF data encoding");
        return false;
    }
    if (d[EI_VERSION] != EV_CURRENT) {
        set_err(err, errlen, "%s: unsupported ELF version %u", name, d[EI_VERSION]);
        return false;
    }
    return true;
}

static bool elf_check_header(const Elf32_Ehdr *eh, size_t n, const char *name, char *err, size_t errlen)
{
    if (eh->e_machine != EM_ARM) {
        set_err(err, errlen, "%s: ELF machine %u is not ARM (%u)", name, eh->e_machine, EM_ARM);
        return false;
    }
    if (eh->e_type != ET_EXEC) {
        set_err(err, errlen, "%s: ELF type %u is not an executable (ET_EXEC)", name, eh->e_type);
        return false;
    }
    if (eh->e_version != EV_CURRENT || eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phnum == 0) {
        set_err(err, errlen, "%s: bad ELF header (version %u, %u program headers of %u bytes)", name,
                eh->e_version, eh->e_phnum, eh->e_phentsize);
        return false;
    }
    if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > n) {
        set_err(err, errlen, "%s: ELF program headers (offset 0x%" PRIx32 ", %u of them) lie outside the file", name,
                eh->e_phoff, eh->e_phnum);
        return false;
    }
    return true;
}

static Elf32_Phdr elf_phdr(const uint8_t *d, const Elf32_Ehdr *eh, unsigned i)
{
    Elf32_Phdr ph;
    memcpy(&ph, d + eh->e_phoff + (size_t)i * sizeof ph, sizeof ph);
    return ph;
}

static bool elf_loads(const Elf32_Phdr *ph)
{
    return ph->p_type == PT_LOAD && ph->p_memsz > 0;
}

static bool elf_check_segment(const Elf32_Phdr *ph, unsigned i, size_t n, const Ram *ram, const char *name,
                              char *err, size_t errlen)
{
    if (ph->p_filesz > ph->p_memsz || (uint64_t)ph->p_offset + ph->p_filesz > n) {
        set_err(err, errlen,
                "%s: ELF segment %u (file offset 0x%" PRIx32 ", 0x%" PRIx32 " bytes of 0x%" PRIx32
                ") lies outside the file",
                name, i, ph->p_offset, ph->p_filesz, ph->p_memsz);
        return false;
    }
    if (!ram_contains(ram, ph->p_paddr, ph->p_memsz)) {
        set_err(err, errlen,
                "%s: ELF segment %u (0x%" PRIx32 "-0x%" PRIx64 ") lies outside RAM (0x%" PRIx64 "-0x%" PRIx64 ")",
                name, i, ph->p_paddr, (uint64_t)ph->p_paddr + ph->p_memsz, ram->base, ram->base + ram->size);
        return false;
    }
    return true;
}

static bool plan_elf(const BootImages *img, const Ram *ram, KernelPlan *k, char *err, size_t errlen)
{
    const uint8_t *d = img->kernel;
    size_t n = img->kernel_len;
    const char *name = name_or(img->kernel_name, "kernel");
    if (!elf_check_ident(d, n, name, err, errlen))
        return false;
    Elf32_Ehdr eh;
    memcpy(&eh, d, sizeof eh);
    if (!elf_check_header(&eh, n, name, err, errlen))
        return false;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph = elf_phdr(d, &eh, i);
        if (!elf_loads(&ph))
            continue;
        if (!elf_check_segment(&ph, i, n, ram, name, err, errlen))
            return false;
        lo = ph.p_paddr < lo ? ph.p_paddr : lo;
        hi = ph.p_paddr + (uint64_t)ph.p_memsz > hi ? ph.p_paddr + (uint64_t)ph.p_memsz : hi;
    }
    if (hi == 0) {
        set_err(err, errlen, "%s: ELF file has no loadable segment", name);
        return false;
    }
    if (!ram_contains(ram, eh.e_entry & ~1u, 2)) {
        set_err(err, errlen, "%s: ELF entry point 0x%" PRIx32 " is outside RAM", name, eh.e_entry);
        return false;
    }
    *k = (KernelPlan){BOOT_ELF, lo, hi, eh.e_entry};
    return true;
}

static void load_elf(const BootImages *img, const Ram *ram)
{
    Elf32_Ehdr eh;
    memcpy(&eh, img->kernel, sizeof eh);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph = elf_phdr(img->kernel, &eh, i);
        if (!elf_loads(&ph))
            continue;
        uint8_t *dst = ram_ptr(ram, ph.p_paddr);
        memcpy(dst, img->kernel + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz); /* bss */
    }
}

/* ---- Raw binary and format detection ---- */

static bool plan_raw(const BootImages *img, const Ram *ram, KernelPlan *k, char *err, size_t errlen)
{
    if (img->kernel_len > ram->size) {
        set_err(err, errlen, "kernel %s (%zu bytes) does not fit in RAM (%" PRIu64 " bytes)",
                name_or(img->kernel_name, "kernel"), img->kernel_len, ram->size);
        return false;
    }
    *k = (KernelPlan){BOOT_RAW, ram->base, ram->base + img->kernel_len, (uint32_t)ram->base};
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static bool refuse_unknown(const BootImages *img, char *err, size_t errlen)
{
    static const uint8_t arm64_magic[4] = {'A', 'R', 'M', 0x64};
    const uint8_t *d = img->kernel;
    size_t n = img->kernel_len;
    const char *why = "";
    if (n == 0)
        why = " (the file is empty)";
    else if (n >= ARM64_IMAGE_MAGIC_OFFSET + 4 && memcmp(d + ARM64_IMAGE_MAGIC_OFFSET, arm64_magic, 4) == 0)
        why = " (this is an arm64 kernel Image; the virt board runs 32-bit ARM)";
    else if (n >= 4 && be32(d) == UIMAGE_MAGIC)
        why = " (this is a U-Boot uImage; its zImage follows the 64-byte header)";
    else if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
        why = " (this is gzip-compressed data)";
    set_err(err, errlen, "%s: " NOT_A_KERNEL "%s", name_or(img->kernel_name, "kernel"), why);
    return false;
}

static bool is_zimage(const uint8_t *d, size_t n)
{
    return n >= ZIMAGE_END_OFFSET + 4 &&
           (le32(d + ZIMAGE_MAGIC_OFFSET) == ZIMAGE_MAGIC || be32(d + ZIMAGE_MAGIC_OFFSET) == ZIMAGE_MAGIC);
}

static bool plan_kernel(const BootImages *img, const Ram *ram, KernelPlan *k, char *err, size_t errlen)
{
    const uint8_t *d = img->kernel;
    size_t n = d ? img->kernel_len : 0;
    if (n >= SELFMAG && memcmp(d, ELFMAG, SELFMAG) == 0)
        return plan_elf(img, ram, k, err, errlen);
    if (is_zimage(d, n))
        return plan_zimage(img, ram, k, err, errlen);
    if (n > 0 && img->kernel_name && ends_with(img->kernel_name, ".bin"))
        return plan_raw(img, ram, k, err, errlen);
    BootImages empty = *img;
    empty.kernel_len = n;
    return refuse_unknown(&empty, err, errlen);
}

/* ---- Where the DTB and initrd go ---- */

typedef struct Layout {
    uint64_t dtb, initrd;
} Layout;

/* Room the zImage needs above its load address when RAM is small: the
 * decompressed kernel (up to about 4x the compressed size) plus the
 * decompressor relocated past it. */
static uint64_t zimage_footprint(const KernelPlan *k)
{
    return 5 * (k->end - k->start) + MIB;
}

static bool layout_zimage(const KernelPlan *k, const Ram *ram, uint64_t dtb_slot, uint64_t initrd_len,
                          Layout *l, char *err, size_t errlen)
{
    uint64_t need = dtb_slot + align_up(initrd_len, PAGE_SIZE_4K);
    uint64_t window = ram->size < LOWMEM_SAFE_SIZE ? ram->size : LOWMEM_SAFE_SIZE;
    uint64_t top = ram->base + window;
    uint64_t lo = ram->base + ZIMAGE_BLOB_OFFSET;
    if (lo < k->end || lo + need > top) {
        if (need > window) {
            set_err(err, errlen, "DTB and initrd (%" PRIu64 " bytes) do not fit in the first %" PRIu64
                    " bytes of RAM, where the kernel can reach them early", need, window);
            return false;
        }
        lo = align_down(top - need, PAGE_SIZE_4K);
        if (lo < k->start + zimage_footprint(k)) {
            set_err(err, errlen, "RAM (%" PRIu64 " bytes) is too small: the zImage needs about %" PRIu64
                    " bytes to decompress, and DTB and initrd %" PRIu64 " more", ram->size,
                    zimage_footprint(k) + (k->start - ram->base), need);
            return false;
        }
    }
    *l = (Layout){lo, lo + dtb_slot};
    return true;
}

/* Bare-metal images: DTB at the top of RAM, initrd just below it. */
static bool layout_high(const KernelPlan *k, const Ram *ram, uint64_t dtb_slot, uint64_t initrd_len, Layout *l,
                        char *err, size_t errlen)
{
    uint64_t need = dtb_slot + align_up(initrd_len, PAGE_SIZE_4K) + PAGE_SIZE_4K;
    uint64_t top = ram->base + ram->size;
    uint64_t dtb = 0, initrd = 0;
    if (need <= ram->size) {
        dtb = align_down(top - dtb_slot, PAGE_SIZE_4K);
        initrd = align_down(dtb - initrd_len, PAGE_SIZE_4K);
    }
    if (need > ram->size || initrd < k->end) {
        set_err(err, errlen, "no room for the DTB%s above the image: it ends at 0x%" PRIx64 ", they need %" PRIu64
                " bytes below the top of RAM (0x%" PRIx64 ")", initrd_len ? " and initrd" : "", k->end,
                need, top);
        return false;
    }
    *l = (Layout){dtb, initrd};
    return true;
}

/* Whatever the arithmetic above did (RAM at 0, sizes not page multiples),
 * nothing is written unless it lies in RAM and clear of the image. */
static bool layout_safe(const KernelPlan *k, const Ram *ram, const Layout *l, uint64_t dtb_size,
                        uint64_t initrd_len, char *err, size_t errlen)
{
    bool ok = ram_contains(ram, l->dtb, dtb_size) && (l->dtb >= k->end || l->dtb + dtb_size <= k->start);
    if (initrd_len)
        ok = ok && ram_contains(ram, l->initrd, initrd_len) &&
             (l->initrd >= k->end || l->initrd + initrd_len <= k->start) &&
             (l->initrd >= l->dtb + dtb_size || l->initrd + initrd_len <= l->dtb);
    if (!ok)
        set_err(err, errlen, "no room in RAM (%" PRIu64 " bytes) for the DTB and initrd next to the image", ram->size);
    return ok;
}

/* ---- DTB ---- */

static void *make_dtb(const BootImages *img, const FdtVirtConfig *board, const Ram *ram, uint64_t initrd_start,
                      size_t *size, char *err, size_t errlen)
{
    FdtVirtConfig cfg = *board;
    cfg.ram_base = ram->base;
    cfg.ram_size = ram->size;
    cfg.cmdline = img->cmdline;
    cfg.initrd_start = img->initrd ? initrd_start : 0;
    cfg.initrd_end = img->initrd ? initrd_start + img->initrd_len : 0;
    if (img->dtb)
        return fdt_virt_patch_user(img->dtb, img->dtb_len, name_or(img->dtb_name, "DTB"), &cfg, size, err, errlen);
    return fdt_virt_build(&cfg, size, err, errlen);
}

/* The DTB's size does not depend on where the initrd goes (the initrd
 * properties are fixed-width), so a first build with a stand-in address
 * sizes its slot. */
static bool measure_dtb(const BootImages *img, const FdtVirtConfig *board, const Ram *ram, size_t *size,
                        char *err, size_t errlen)
{
    void *dtb = make_dtb(img, board, ram, ram->base, size, err, errlen);
    free(dtb);
    return dtb != NULL;
}

/* ---- Putting it together ---- */

static bool check_ram(const Ram *ram, char *err, size_t errlen)
{
    if (!ram->host || ram->size == 0 || ram->base > UINT32_MAX || ram->size > (1ull << 32) - ram->base) {
        set_err(err, errlen, "RAM 0x%" PRIx64 "+0x%" PRIx64 " must be non-empty and lie below 4 GiB", ram->base,
                ram->size);
        return false;
    }
    return true;
}

static bool check_initrd(const BootImages *img, const Ram *ram, char *err, size_t errlen)
{
    const char *name = name_or(img->initrd_name, "initrd");
    if (img->initrd && img->initrd_len == 0) {
        set_err(err, errlen, "initrd %s is empty", name);
        return false;
    }
    if (img->initrd && img->initrd_len > ram->size) {
        set_err(err, errlen, "initrd %s (%zu bytes) does not fit in RAM (%" PRIu64 " bytes)", name, img->initrd_len,
                ram->size);
        return false;
    }
    return true;
}

static const char *kind_name(BootKind kind)
{
    return kind == BOOT_ZIMAGE ? "zImage" : kind == BOOT_ELF ? "ELF" : "raw binary";
}

static void fill_state(BootState *out, const BootImages *img, const KernelPlan *k, const Layout *l,
                       size_t dtb_size)
{
    out->kind = k->kind;
    out->pc = k->entry & ~1u;
    out->thumb = k->kind == BOOT_ELF && (k->entry & 1);
    out->r0 = 0;
    out->r1 = 0xffffffffu; /* no machine number: the DTB describes the board */
    out->r2 = (uint32_t)l->dtb;
    out->image_start = k->start;
    out->image_end = k->end;
    out->dtb_addr = l->dtb;
    out->dtb_size = dtb_size;
    out->initrd_start = img->initrd ? l->initrd : 0;
    out->initrd_end = img->initrd ? l->initrd + img->initrd_len : 0;
    char initrd[64] = "no initrd";
    if (img->initrd)
        snprintf(initrd, sizeof initrd, "initrd 0x%" PRIx64 "-0x%" PRIx64, out->initrd_start, out->initrd_end);
    snprintf(out->desc, sizeof out->desc,
             "%s %s at 0x%" PRIx64 "-0x%" PRIx64 ", entry 0x%" PRIx32 "%s; %s DTB at 0x%" PRIx64
             " (%zu bytes); %s",
             kind_name(k->kind), name_or(img->kernel_name, "kernel"), k->start, k->end, out->pc,
             out->thumb ? " (Thumb)" : "", img->dtb ? "user" : "generated", l->dtb, dtb_size, initrd);
}

static void write_images(const BootImages *img, const KernelPlan *k, const Ram *ram, const Layout *l,
                         const void *dtb, size_t dtb_size)
{
    if (k->kind == BOOT_ELF)
        load_elf(img, ram);
    else
        memcpy(ram_ptr(ram, k->start), img->kernel, img->kernel_len);
    memcpy(ram_ptr(ram, l->dtb), dtb, dtb_size);
    if (img->initrd)
        memcpy(ram_ptr(ram, l->initrd), img->initrd, img->initrd_len);
}

bool boot_load_images(const BootImages *img, const FdtVirtConfig *board, uint8_t *ram_host, uint64_t ram_base,
                      uint64_t ram_size, BootState *out, char *err, size_t errlen)
{
    Ram ram = {ram_host, ram_base, ram_size};
    KernelPlan k;
    size_t measured;
    memset(out, 0, sizeof *out);
    if (!check_ram(&ram, err, errlen) || !check_initrd(img, &ram, err, errlen) ||
        !plan_kernel(img, &ram, &k, err, errlen) || !measure_dtb(img, board, &ram, &measured, err, errlen))
        return false;
    uint64_t slot = align_up(measured, PAGE_SIZE_4K);
    uint64_t initrd_len = img->initrd ? img->initrd_len : 0;
    Layout l;
    bool placed = k.kind == BOOT_ZIMAGE ? layout_zimage(&k, &ram, slot, initrd_len, &l, err, errlen)
                                        : layout_high(&k, &ram, slot, initrd_len, &l, err, errlen);
    if (!placed)
        return false;
    size_t dtb_size;
    void *dtb = make_dtb(img, board, &ram, l.initrd, &dtb_size, err, errlen);
    if (!dtb)
        return false;
    if (dtb_size > slot) { /* cannot happen: the properties are fixed-width */
        set_err(err, errlen, "device tree grew from %zu to %zu bytes once the initrd was placed", measured, dtb_size);
        free(dtb);
        return false;
    }
    if (!layout_safe(&k, &ram, &l, dtb_size, initrd_len, err, errlen)) {
        free(dtb);
        return false;
    }
    write_images(img, &k, &ram, &l, dtb, dtb_size);
    free(dtb);
    fill_state(out, img, &k, &l, dtb_size);
    return true;
}

/* ---- Files ---- */

typedef struct FileData {
    uint8_t *data;
    size_t len;
} FileData;

static bool read_all(int fd, uint8_t *buf, size_t *len)
{
    size_t got = 0;
    while (got < *len) {
        ssize_t r = read(fd, buf + got, *len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return false;
        if (r == 0)
            break; /* the file shrank meanwhile: use what is there */
        got += (size_t)r;
    }
    *len = got;
    return true;
}

/* The size-checked contents of an open regular file. */
static bool read_checked(int fd, const char *what, const char *path, uint64_t limit, const char *limit_name,
                         FileData *out, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "%s %s: %s", what, path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s %s: not a regular file", what, path);
        return false;
    }
    if ((uint64_t)st.st_size > limit) {
        set_err(err, errlen, "%s %s (%" PRIu64 " bytes) does not fit in %s (%" PRIu64 " bytes)", what, path,
                (uint64_t)st.st_size, limit_name, limit);
        return false;
    }
    out->len = (size_t)st.st_size;
    out->data = malloc(out->len ? out->len : 1);
    if (!out->data) {
        set_err(err, errlen, "%s %s: out of memory", what, path);
        return false;
    }
    if (!read_all(fd, out->data, &out->len)) {
        set_err(err, errlen, "%s %s: %s", what, path, strerror(errno));
        free(out->data);
        out->data = NULL;
        return false;
    }
    return true;
}

/* Read what (e.g. "initrd") from path, refusing files larger than limit
 * with "WHAT PATH (N bytes) does not fit in LIMIT_NAME (LIMIT bytes)". */
static bool read_input(const char *what, const char *path, uint64_t limit, const char *limit_name, FileData *out,
                       char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, "%s %s: %s", what, path, strerror(errno));
        return false;
    }
    bool ok = read_checked(fd, what, path, limit, limit_name, out, err, errlen);
    close(fd);
    return ok;
}

bool boot_load(const BootConfig *cfg, uint8_t *ram, uint64_t ram_base, uint64_t ram_size, BootState *out,
               char *err, size_t errlen)
{
    FileData kernel = {0}, initrd = {0}, dtb = {0};
    bool ok = read_input("kernel", cfg->kernel_path, ram_size, "RAM", &kernel, err, errlen) &&
              (!cfg->initrd_path || read_input("initrd", cfg->initrd_path, ram_size, "RAM", &initrd, err, errlen)) &&
              (!cfg->dtb_path || read_input("DTB", cfg->dtb_path, FDT_VIRT_MAX_SIZE, "the kernel's DTB window",
                                            &dtb, err, errlen));
    if (ok) {
        BootImages img = {
            .kernel_name = cfg->kernel_path, .kernel = kernel.data, .kernel_len = kernel.len,
            .initrd_name = cfg->initrd_path, .initrd = initrd.data, .initrd_len = initrd.len,
            .dtb_name = cfg->dtb_path, .dtb = dtb.data, .dtb_len = dtb.len,
            .cmdline = cfg->cmdline,
        };
        ok = boot_load_images(&img, &cfg->board, ram, ram_base, ram_size, out, err, errlen);
    }
    free(kernel.data);
    free(initrd.data);
    free(dtb.data);
    return ok;
}
