/*
 * libFuzzer target: the GBA cartridge (devices/gba_cart.h): ROM loading
 * and checking, save-chip detection, the .sav reader and writer, and the
 * backup chips driven by a program of bus accesses.
 *
 * Input: u8 flags, then the rest cut in two halves: the first (the longer
 * by one if odd) is the ROM image, the second the tail.
 *   flags bits 0-2 the .sav file: 0 none (a missing path), 1-5 a file of
 *                  512, 8192, 32768, 65536 or 131072 bytes (the tail
 *                  repeated), 6 exactly the tail, 7 a directory;
 *         bit 3    write the save back afterwards and read it again.
 * The .sav file is a memfd opened as /proc/self/fd/N (nothing on disk per
 * input); the write-back goes to a private temporary directory.  The tail
 * is also the access program, 4 bytes an operation (see run_op).
 *
 * Checks, from gba_cart.h's promises: a load refuses with a message or
 * loads; it must refuse headers under 192 bytes and files with neither the
 * fixed byte 0x96 nor an ARM branch, and accept any other size-valid file
 * with 0x96; a loaded cart holds the exact image, NUL-terminated printable
 * title and game code, and the save type gba_cart_detect_save reports; ROM
 * reads return the image's bytes, then the open-bus pattern; a refused
 * .sav leaves save_dirty false and makes writing refuse; an accepted one
 * is the cart's backup byte for byte; every state the accesses reach
 * passes the snapshot table's checks; a written save reads back the same.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/gba_cart.h"
#include "tests/fuzz/fuzz_input.h"

enum { SAV_NONE = 0, SAV_EXACT = 6, SAV_DIRECTORY = 7 };
#define FLAG_WRITE_BACK 0x08u

typedef struct Fuzz {
    int sav_fd;
    char sav_path[64];
    char dir[256];
    char missing_path[300];
    char write_path[300];
    GbaCart cart;
    uint8_t sav_bytes[GBA_SAVE_MAX + 1];
    size_t sav_len;
} Fuzz;

static Fuzz *fuzz;

static void fail(const char *what)
{
    fprintf(stderr, "gba rom fuzz: %s\n", what);
    abort();
}

static void cleanup(void)
{
    unlink(fuzz->write_path);
    rmdir(fuzz->dir);
}

static void setup(void)
{
    fuzz = calloc(1, sizeof *fuzz);
    if (!fuzz)
        fail("out of memory");
    fuzz->sav_fd = memfd_create("fuzz-gba-sav", MFD_CLOEXEC);
    if (fuzz->sav_fd < 0)
        fail("memfd_create");
    snprintf(fuzz->sav_path, sizeof fuzz->sav_path, "/proc/self/fd/%d", fuzz->sav_fd);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(fuzz->dir, sizeof fuzz->dir, "%s/scion-fuzz-gba.XXXXXX", tmp);
    if (!mkdtemp(fuzz->dir))
        fail("mkdtemp");
    snprintf(fuzz->missing_path, sizeof fuzz->missing_path, "%s/missing.sav", fuzz->dir);
    snprintf(fuzz->write_path, sizeof fuzz->write_path, "%s/written.sav", fuzz->dir);
    atexit(cleanup);
}

/* --- the .sav file ---------------------------------------------------------- */

static const char *prepare_sav(unsigned kind, const uint8_t *tail, size_t tail_len)
{
    static const size_t sizes[] = {0, 512, 8192, 32768, 65536, 131072};
    if (kind == SAV_NONE)
        return fuzz->missing_path;
    if (kind == SAV_DIRECTORY)
        return fuzz->dir;
    size_t len = kind == SAV_EXACT ? tail_len : sizes[kind];
    for (size_t i = 0; i < len; i++)
        fuzz->sav_bytes[i] = tail_len ? tail[i % tail_len] : 0xff;
    fuzz->sav_len = len;
    if (ftruncate(fuzz->sav_fd, 0) != 0 || pwrite(fuzz->sav_fd, fuzz->sav_bytes, len, 0) != (ssize_t)len)
        fail("memfd write");
    return fuzz->sav_path;
}

static void check_sav_result(GbaCart *c, bool ok, unsigned kind, const char *err)
{
    if (!ok) {
        if (!err[0])
            fail("refused .sav without a message");
        if (c->save_dirty || !c->save_locked)
            fail("refused .sav left the backup dirty or unlocked");
        char werr[256] = "";
        c->save_dirty = true;
        if (gba_cart_write_save(c, fuzz->write_path, werr, sizeof werr) || !werr[0])
            fail("writing over a refused .sav was allowed");
        c->save_dirty = false;
        return;
    }
    if (kind == SAV_NONE || kind == SAV_DIRECTORY)
        return;
    if (gba_save_type_size(c->save_type) != fuzz->sav_len)
        fail("accepted .sav whose size is not the save type's");
    if (memcmp(c->save, fuzz->sav_bytes, fuzz->sav_len) != 0)
        fail("accepted .sav differs from the backup");
}

/* --- bus accesses ----------------------------------------------------------- */

static uint8_t expected_rom_byte(const uint8_t *rom, size_t rom_len, uint32_t offset)
{
    if (offset < rom_len)
        return rom[offset];
    uint16_t half = (uint16_t)(offset >> 1);
    return (uint8_t)(offset & 1 ? half >> 8 : half & 0xff);
}

static void check_rom_read(GbaCart *c, const uint8_t *rom, size_t rom_len, uint32_t arg)
{
    static const unsigned sizes[] = {1, 2, 4, 4};
    unsigned size = sizes[arg >> 22];
    uint32_t offset = (arg * 2) & ~(uint32_t)(size - 1) & (GBA_ROM_MAX - 1);
    uint32_t want = 0;
    for (unsigned i = 0; i < size; i++)
        want |= (uint32_t)expected_rom_byte(rom, rom_len, offset + i) << (8 * i);
    if (gba_cart_rom_read(c, offset, size) != want)
        fail("ROM read is neither the image nor the open-bus pattern");
    /* The same offset in the WS2 mirror, whose upper half holds the EEPROM. */
    uint32_t addr = 0x0c000000u + offset;
    bool eeprom = c->save_type == GBA_SAVE_EEPROM512 || c->save_type == GBA_SAVE_EEPROM8K;
    bool want_eeprom = eeprom && addr >= 0x0d000000u && (rom_len <= 0x1000000u || addr >= 0x0dffff00u);
    if (gba_cart_is_eeprom(c, addr) != want_eeprom)
        fail("EEPROM window wrong");
}

/* One operation of 4 bytes: kind, then three argument bytes a, b, v. */
static void run_op(GbaCart *c, const uint8_t *rom, size_t rom_len, const uint8_t op[4])
{
    static const uint32_t flash_addrs[] = {0x5555, 0x2aaa, 0x0000, 0x1000};
    uint32_t arg = op[1] | (uint32_t)op[2] << 8 | (uint32_t)op[3] << 16;
    switch (op[0] % 6) {
    case 0:
        check_rom_read(c, rom, rom_len, arg);
        break;
    case 1: { /* a backup write, at a command address or anywhere */
        uint32_t offset = op[1] & 4 ? (uint32_t)op[1] << 8 | op[2] : flash_addrs[op[1] & 3];
        gba_cart_backup_write(c, offset, op[3]);
        break;
    }
    case 2:
        (void)gba_cart_backup_read(c, arg);
        break;
    case 3: /* a run of EEPROM bits, the 16 of a and v round and round */
        for (unsigned i = 0; i <= op[2] % 96u; i++)
            gba_cart_eeprom_write(c, (uint16_t)((op[1] | op[3] << 8) >> (i % 16)));
        break;
    case 4:
        for (unsigned i = 0; i <= op[1] % 96u; i++)
            if (gba_cart_eeprom_read(c) > 1)
                fail("EEPROM read more than one bit");
        break;
    default:
        gba_cart_reset(c);
        break;
    }
}

/* Element k of a scalar field of the table, as a number. */
static uint64_t field_elem(const VmsField *f, const GbaCart *c, uint32_t k)
{
    static const unsigned bytes[] = {[VMS_T_BOOL] = 1, [VMS_T_U8] = 1, [VMS_T_U16] = 2, [VMS_T_U32] = 4,
                                     [VMS_T_U64] = 8};
    const uint8_t *p = (const uint8_t *)c + f->offset + (size_t)k * bytes[f->type];
    uint64_t v = 0;
    memcpy(&v, p, bytes[f->type]); /* little-endian host */
    return v;
}

/* Every reachable state must be one a snapshot can carry: each field
 * within its table bound and the table's cross-field check passing.  (The
 * table is walked here rather than round-tripped through vms_decode, which
 * formats a label per array element: 128 Ki of them for the backup.) */
static void check_state_snapshots(GbaCart *c)
{
    const VmsDesc *d = &gba_cart_vmstate;
    for (unsigned i = 0; i < d->nfields; i++) {
        const VmsField *f = &d->fields[i];
        uint64_t max = f->type == VMS_T_BOOL ? 1 : f->max;
        for (uint32_t k = 0; max && k < f->count; k++)
            if (field_elem(f, c, k) > max) {
                fprintf(stderr, "gba rom fuzz: field %s[%u]\n", f->name, k);
                fail("a reachable cart state is out of its snapshot table's range");
            }
    }
    char err[256] = "";
    if (!d->check(c, err, sizeof err)) {
        fprintf(stderr, "gba rom fuzz: %s\n", err);
        fail("a reachable cart state is refused by its snapshot check");
    }
}

static void write_back(GbaCart *c)
{
    char err[256] = "";
    if (!gba_cart_write_save(c, fuzz->write_path, err, sizeof err)) {
        if (!c->save_locked)
            fail("writing the save failed");
        return;
    }
    uint32_t size = gba_save_type_size(c->save_type);
    if (!size)
        return;
    static GbaCart again;
    again.save_type = c->save_type;
    if (!gba_cart_read_save(&again, fuzz->write_path, err, sizeof err))
        fail("a written save does not read back");
    if (again.save_type != c->save_type || memcmp(again.save, c->save, size) != 0)
        fail("a written save reads back different");
    unlink(fuzz->write_path);
}

/* --- loading ------------------------------------------------------------------ */

static bool text_ok(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    return true;
}

static void check_load(GbaCart *c, bool ok, const uint8_t *rom, size_t len, const char *err, const char *warn)
{
    bool has_fixed = len >= GBA_CART_HEADER_SIZE && rom[0xb2] == 0x96;
    bool has_branch = len >= GBA_CART_HEADER_SIZE && (rom[3] == 0xea || rom[3] == 0xeb);
    if (!ok) {
        if (!err[0])
            fail("refused ROM without a message");
        if (c->rom)
            fail("refused ROM left an image behind");
        if (has_fixed)
            fail("refused a ROM with the fixed byte");
        return;
    }
    if (!has_fixed && !has_branch)
        fail("loaded a ROM with neither the fixed byte nor a branch");
    if (c->rom_size != len || memcmp(c->rom, rom, len) != 0 || c->rom_alloc < len)
        fail("loaded image differs from the file");
    if (!text_ok(c->title, sizeof c->title) || !text_ok(c->game_code, sizeof c->game_code))
        fail("title or game code not printable text");
    if (warn[0] && !strstr(warn, "checksum"))
        fail("unexpected warning");
    if (c->save_type != gba_cart_detect_save(rom, len))
        fail("save type is not the detected one");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz)
        setup();
    FuzzInput in = {data, size};
    unsigned flags = fin_u8(&in);
    size_t rom_len = (in.n + 1) / 2;
    const uint8_t *rom = fin_take(&in, &rom_len);
    size_t tail_len = in.n;
    const uint8_t *tail = fin_take(&in, &tail_len);

    GbaCart *c = &fuzz->cart;
    char err[512] = "", warn[512] = "";
    bool ok = gba_cart_load_mem(c, rom, rom_len, err, sizeof err, warn, sizeof warn);
    check_load(c, ok, rom, rom_len, err, warn);
    if (!ok)
        return 0;

    unsigned kind = flags & 7;
    const char *sav = prepare_sav(kind, tail, tail_len);
    err[0] = '\0';
    check_sav_result(c, gba_cart_read_save(c, sav, err, sizeof err), kind, err);

    for (size_t i = 0; i + 4 <= tail_len; i += 4)
        run_op(c, rom, rom_len, tail + i);
    check_state_snapshots(c);
    if (flags & FLAG_WRITE_BACK)
        write_back(c);
    gba_cart_free(c);
    return 0;
}
