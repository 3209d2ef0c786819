/* The GBA cartridge (devices/gba_cart.h): ROM loading and its refusals,
 * header checksum warnings, save-chip detection, open-bus ROM reads, SRAM,
 * the Flash command sequences and bank switching, the EEPROM serial
 * protocol bit by bit with both address widths, .sav files (round trips,
 * refusals that leave the file alone, atomic replacement) and the snapshot
 * table.  Expected values come from GBATEK, not from the code. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/gba_cart.h"

#define ROM_SIZE 0x1000u

static char err[512], warn[512];
static char tmpdir[200];

static void make_tmpdir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_gba_cart.XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(tmpdir);
}

static void tmp_path(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", tmpdir, name);
}

/* GBATEK header complement check: chk = 0; for 0xa0..0xbc chk -= byte; chk -= 0x19. */
static uint8_t complement_of(const uint8_t *rom)
{
    unsigned sum = 0;
    for (unsigned i = 0xa0; i <= 0xbc; i++)
        sum += rom[i];
    return (uint8_t)(0u - sum - 0x19u);
}

/* A plausible ROM: "B 0x080000c0" at the entry, fixed byte, title, code,
 * a correct complement, and the given backup ID string at offset id_at. */
static uint8_t *make_rom(size_t size, const char *id, size_t id_at)
{
    uint8_t *rom = calloc(1, size);
    ck_assert_ptr_nonnull(rom);
    static const uint8_t branch[4] = {0x2e, 0x00, 0x00, 0xea};
    memcpy(rom, branch, 4);
    memcpy(rom + 0xa0, "SCIONTEST", 9);
    memcpy(rom + 0xac, "ASCE", 4);
    memcpy(rom + 0xb0, "01", 2);
    rom[0xb2] = 0x96;
    if (id)
        memcpy(rom + id_at, id, strlen(id));
    rom[0xbd] = complement_of(rom);
    return rom;
}

static GbaCart *load_rom_with(const char *id)
{
    GbaCart *c = malloc(sizeof *c);
    ck_assert_ptr_nonnull(c);
    uint8_t *rom = make_rom(ROM_SIZE, id, 0x800);
    ck_assert_msg(gba_cart_load_mem(c, rom, ROM_SIZE, err, sizeof err, warn, sizeof warn), "%s", err);
    free(rom);
    return c;
}

static void destroy(GbaCart *c)
{
    gba_cart_free(c);
    free(c);
}

/* True if len bytes are all 0xff (erased Flash, fresh backup). */
static bool all_erased(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != 0xff)
            return false;
    return true;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* --- loading ------------------------------------------------------------ */

START_TEST(test_load_refusals)
{
    GbaCart *c = malloc(sizeof *c);
    uint8_t *rom = make_rom(ROM_SIZE, NULL, 0);

    ck_assert(!gba_cart_load_mem(c, rom, 191, err, sizeof err, warn, sizeof warn));
    ck_assert_msg(strstr(err, "191") && strstr(err, "header"), "%s", err);
    ck_assert_ptr_null(c->rom);

    uint8_t *zeros = calloc(1, 256);
    ck_assert(!gba_cart_load_mem(c, zeros, 256, err, sizeof err, warn, sizeof warn));
    ck_assert_msg(strstr(err, "not a GBA ROM"), "%s", err);
    free(zeros);

    size_t huge = GBA_ROM_MAX + 1;
    uint8_t *big = calloc(1, huge);
    memcpy(big, rom, ROM_SIZE);
    ck_assert(!gba_cart_load_mem(c, big, huge, err, sizeof err, warn, sizeof warn));
    ck_assert_msg(strstr(err, "32 MiB"), "%s", err);
    /* Exactly 32 MiB is the largest cartridge there is. */
    ck_assert_msg(gba_cart_load_mem(c, big, GBA_ROM_MAX, err, sizeof err, warn, sizeof warn), "%s", err);
    gba_cart_free(c);
    free(big);

    make_tmpdir();
    char path[256];
    tmp_path(path, sizeof path, "missing.gba");
    ck_assert(!gba_cart_load(c, path, err, sizeof err, warn, sizeof warn));
    ck_assert_msg(strstr(err, "cannot open") && strstr(err, "missing.gba"), "%s", err);

    ck_assert(!gba_cart_load(c, tmpdir, err, sizeof err, warn, sizeof warn));
    ck_assert_msg(strstr(err, "directory"), "%s", err);

    tmp_path(path, sizeof path, "huge.gba");
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, rom, ROM_SIZE), ROM_SIZE);
    ck_assert_int_eq(ftruncate(fd, 33 * 1024 * 1024), 0); /* sparse: no 33 MiB written */
    close(fd);
    ck_assert(!gba_cart_load(c, path, err, sizeof err, warn, sizeof warn));
    ck_assert_msg(strstr(err, "34603008") && strstr(err, "32 MiB"), "%s", err);

    tmp_path(path, sizeof path, "short.gba");
    write_file(path, rom, 100);
    ck_assert(!gba_cart_load(c, path, err, sizeof err, warn, sizeof warn));
    ck_assert_msg(strstr(err, "100"), "%s", err);

    remove_tmpdir();
    free(rom);
    free(c);
}
END_TEST

START_TEST(test_load_accepts)
{
    GbaCart *c = malloc(sizeof *c);
    uint8_t *rom = make_rom(ROM_SIZE, NULL, 0);

    ck_assert_msg(gba_cart_load_mem(c, rom, ROM_SIZE, err, sizeof err, warn, sizeof warn), "%s", err);
    ck_assert_str_eq(warn, "");
    ck_assert_str_eq(c->title, "SCIONTEST");
    ck_assert_str_eq(c->game_code, "ASCE");
    ck_assert_uint_eq(c->rom_size, ROM_SIZE);
    ck_assert_int_eq(c->save_type, GBA_SAVE_NONE);
    gba_cart_free(c);

    /* Either mark is enough: the fixed byte alone (entry not a branch)... */
    uint8_t saved[4];
    memcpy(saved, rom, 4);
    memset(rom, 0, 4);
    ck_assert_msg(gba_cart_load_mem(c, rom, ROM_SIZE, err, sizeof err, warn, sizeof warn), "%s", err);
    gba_cart_free(c);
    /* ...or the branch alone (homebrew often leaves 0xb2 zero). */
    memcpy(rom, saved, 4);
    rom[0xb2] = 0;
    ck_assert_msg(gba_cart_load_mem(c, rom, ROM_SIZE, err, sizeof err, warn, sizeof warn), "%s", err);
    gba_cart_free(c);

    /* From a file, odd size. */
    make_tmpdir();
    char path[256];
    tmp_path(path, sizeof path, "game.gba");
    rom[0xb2] = 0x96;
    write_file(path, rom, 0x201);
    ck_assert_msg(gba_cart_load(c, path, err, sizeof err, warn, sizeof warn), "%s", err);
    ck_assert_uint_eq(c->rom_size, 0x201);
    ck_assert_uint_eq(c->rom_alloc, 0x400);
    ck_assert_mem_eq(c->rom, rom, 0x201);
    gba_cart_free(c);
    remove_tmpdir();
    free(rom);
    free(c);
}
END_TEST

START_TEST(test_bad_checksum_warns)
{
    GbaCart *c = malloc(sizeof *c);
    uint8_t *rom = make_rom(ROM_SIZE, NULL, 0);
    rom[0xbd] ^= 0x01;
    ck_assert_msg(gba_cart_load_mem(c, rom, ROM_SIZE, err, sizeof err, warn, sizeof warn), "%s", err);
    ck_assert_msg(strstr(warn, "checksum"), "%s", warn);
    gba_cart_free(c);
    free(rom);
    free(c);
}
END_TEST

START_TEST(test_title_sanitised)
{
    GbaCart *c = malloc(sizeof *c);
    uint8_t *rom = make_rom(ROM_SIZE, NULL, 0);
    memcpy(rom + 0xa0, "AB\x01\xff" "CDEFGHIJ", 12); /* all 12 bytes used, two unprintable */
    rom[0xbd] = complement_of(rom);
    ck_assert(gba_cart_load_mem(c, rom, ROM_SIZE, err, sizeof err, warn, sizeof warn));
    ck_assert_str_eq(c->title, "AB??CDEFGHIJ");
    gba_cart_free(c);
    free(rom);
    free(c);
}
END_TEST

/* --- save detection ------------------------------------------------------ */

START_TEST(test_detect_save)
{
    static const struct {
        const char *id;
        GbaSaveType type;
    } cases[] = {
        {"EEPROM_V124", GBA_SAVE_EEPROM8K}, {"SRAM_V113", GBA_SAVE_SRAM},       {"SRAM_F_V100", GBA_SAVE_SRAM},
        {"FLASH_V126", GBA_SAVE_FLASH64},   {"FLASH512_V131", GBA_SAVE_FLASH64}, {"FLASH1M_V103", GBA_SAVE_FLASH128},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *rom = make_rom(ROM_SIZE, cases[i].id, 0x400);
        ck_assert_int_eq(gba_cart_detect_save(rom, ROM_SIZE), cases[i].type);
        free(rom);
        /* GBATEK: the ID is word-aligned; off the alignment it is not one. */
        rom = make_rom(ROM_SIZE, cases[i].id, 0x402);
        ck_assert_int_eq(gba_cart_detect_save(rom, ROM_SIZE), GBA_SAVE_NONE);
        free(rom);
        /* At the very end of the image, with no room for the version digits. */
        rom = make_rom(ROM_SIZE, NULL, 0);
        size_t len = strlen(cases[i].id) - 3, at = (ROM_SIZE - len) & ~(size_t)3;
        memcpy(rom + at, cases[i].id, len);
        ck_assert_int_eq(gba_cart_detect_save(rom, at + len), cases[i].type);
        free(rom);
    }
    uint8_t *rom = make_rom(ROM_SIZE, NULL, 0);
    ck_assert_int_eq(gba_cart_detect_save(rom, ROM_SIZE), GBA_SAVE_NONE);
    /* A cut-off ID is none. */
    memcpy(rom + 0x400, "FLASH1M_V", 9);
    ck_assert_int_eq(gba_cart_detect_save(rom, 0x404), GBA_SAVE_NONE);
    /* Two IDs: the first in the image wins. */
    memcpy(rom + 0x300, "SRAM_V", 6);
    ck_assert_int_eq(gba_cart_detect_save(rom, ROM_SIZE), GBA_SAVE_SRAM);
    free(rom);

    GbaCart *c = load_rom_with("FLASH1M_V102");
    ck_assert_int_eq(c->save_type, GBA_SAVE_FLASH128);
    ck_assert(all_erased(c->save, GBA_SAVE_MAX));
    ck_assert(!c->save_dirty);
    destroy(c);
}
END_TEST

/* --- ROM reads and open bus ---------------------------------------------- */

START_TEST(test_rom_reads_and_open_bus)
{
    GbaCart *c = malloc(sizeof *c);
    uint8_t *rom = make_rom(0x101, NULL, 0);
    rom[0x10] = 0x11;
    rom[0x11] = 0x22;
    rom[0x12] = 0x33;
    rom[0x13] = 0x44;
    rom[0x100] = 0x5a;
    ck_assert(gba_cart_load_mem(c, rom, 0x101, err, sizeof err, warn, sizeof warn));
    free(rom);

    ck_assert_uint_eq(gba_cart_rom_read(c, 0x10, 1), 0x11);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x10, 2), 0x2211);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x10, 4), 0x44332211);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x12, 2), 0x4433);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x13, 4), 0x44332211); /* aligned down */
    /* The 32 MiB window repeats the offsets (0x0a000000 and 0x0c000000 mirrors). */
    ck_assert_uint_eq(gba_cart_rom_read(c, GBA_ROM_MAX + 0x10, 4), 0x44332211);

    /* GBATEK: unused ROM reads as halfwords of (address / 2) & 0xffff. */
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x200, 2), 0x0100);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x1000, 4), 0x08010800u);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x1fffffe, 2), 0xffff);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x1fffffc, 4), 0xfffffffeu); /* 0xfffe then 0xffff */
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x20000, 2), 0x0000);           /* 0x10000 & 0xffff */
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x1235, 1), 0x09);              /* high byte of 0x091a */
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x1234, 1), 0x1a);
    /* The odd last byte is ROM; its halfword's other byte is bus: 0x100 / 2 = 0x80. */
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x100, 2), 0x005a);
    ck_assert_uint_eq(gba_cart_rom_read(c, 0x102, 2), 0x0081);
    /* The host copy is padded with the same pattern. */
    ck_assert_uint_eq(c->rom_alloc, 0x200);
    ck_assert_uint_eq(c->rom[0x1fe], 0xff);
    ck_assert_uint_eq(c->rom[0x1ff], 0x00);
    destroy(c);
}
END_TEST

/* --- SRAM ---------------------------------------------------------------- */

START_TEST(test_sram)
{
    GbaCart *c = load_rom_with("SRAM_V113");
    ck_assert_int_eq(c->save_type, GBA_SAVE_SRAM);
    gba_cart_backup_write(c, 0x1234, 0xab);
    ck_assert(c->save_dirty);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1234), 0xab);
    ck_assert_uint_eq(c->save[0x1234], 0xab);
    /* 32 KiB mirrored in the 64 KiB window, the window over the region. */
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x9234), 0xab);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x11234), 0xab);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1ff9234), 0xab);
    gba_cart_backup_write(c, 0xfff0, 0x12);
    ck_assert_uint_eq(c->save[0x7ff0], 0x12);
    /* Writing what is already there changes nothing. */
    c->save_dirty = false;
    gba_cart_backup_write(c, 0x1234, 0xab);
    ck_assert(!c->save_dirty);
    destroy(c);

    c = load_rom_with(NULL);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x10), 0xff);
    gba_cart_backup_write(c, 0x10, 0);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x10), 0xff);
    ck_assert(!c->save_dirty);
    destroy(c);
}
END_TEST

/* --- Flash (GBATEK "GBA Cart Backup Flash ROM") -------------------------- */

static void flash_cmd(GbaCart *c, uint8_t cmd)
{
    gba_cart_backup_write(c, 0x5555, 0xaa);
    gba_cart_backup_write(c, 0x2aaa, 0x55);
    gba_cart_backup_write(c, 0x5555, cmd);
}

static void flash_program(GbaCart *c, uint32_t offset, uint8_t value)
{
    flash_cmd(c, 0xa0);
    gba_cart_backup_write(c, offset, value);
}

static void flash_erase_sector(GbaCart *c, uint32_t sector_base)
{
    flash_cmd(c, 0x80);
    gba_cart_backup_write(c, 0x5555, 0xaa);
    gba_cart_backup_write(c, 0x2aaa, 0x55);
    gba_cart_backup_write(c, sector_base, 0x30);
}

START_TEST(test_flash_id_mode)
{
    GbaCart *c = load_rom_with("FLASH_V126");
    c->save[0] = 0x77;
    flash_cmd(c, 0x90);
    /* Panasonic MN63F805MNP: ID 0x1b32, manufacturer 0x32 first. */
    ck_assert_uint_eq(gba_cart_backup_read(c, 0), 0x32);
    ck_assert_uint_eq(gba_cart_backup_read(c, 1), 0x1b);
    flash_cmd(c, 0xf0);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0), 0x77);
    /* A lone F0 (terminate after timeout) also ends ID mode. */
    flash_cmd(c, 0x90);
    gba_cart_backup_write(c, 0x5555, 0xf0);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0), 0x77);
    destroy(c);

    c = load_rom_with("FLASH1M_V103");
    flash_cmd(c, 0x90);
    /* Sanyo LE26FV10N1TS: ID 0x1362. */
    ck_assert_uint_eq(gba_cart_backup_read(c, 0), 0x62);
    ck_assert_uint_eq(gba_cart_backup_read(c, 1), 0x13);
    destroy(c);
}
END_TEST

START_TEST(test_flash_program_and_erase)
{
    GbaCart *c = load_rom_with("FLASH512_V131");
    flash_program(c, 0x1234, 0x5a);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1234), 0x5a);
    ck_assert(c->save_dirty);
    /* Only one byte per A0 command. */
    gba_cart_backup_write(c, 0x1235, 0x00);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1235), 0xff);
    /* A broken unlock sequence does nothing. */
    gba_cart_backup_write(c, 0x5555, 0xaa);
    gba_cart_backup_write(c, 0x2aab, 0x55);
    gba_cart_backup_write(c, 0x5555, 0xa0);
    gba_cart_backup_write(c, 0x2000, 0x00);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x2000), 0xff);
    /* Programming an unerased byte can only clear bits. */
    flash_program(c, 0x1234, 0xf0);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1234), 0x50);

    /* 4 KiB sector erase: only 0x1000-0x1fff. */
    flash_program(c, 0x0fff, 0x01);
    flash_program(c, 0x1000, 0x02);
    flash_program(c, 0x1fff, 0x03);
    flash_program(c, 0x2000, 0x04);
    flash_erase_sector(c, 0x1000);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x0fff), 0x01);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1000), 0xff);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1234), 0xff);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1fff), 0xff);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x2000), 0x04);
    /* Erased, the byte takes a new value exactly. */
    flash_program(c, 0x1234, 0xa5);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x1234), 0xa5);

    /* Chip erase. */
    flash_cmd(c, 0x80);
    flash_cmd(c, 0x10);
    bool erased = true;
    for (uint32_t i = 0; i < 0x10000; i++)
        erased &= gba_cart_backup_read(c, i) == 0xff;
    ck_assert(erased);
    /* 0x80 then a sequence with neither 0x10 nor 0x30 disarms the erase. */
    flash_program(c, 0x3000, 0x00);
    flash_cmd(c, 0x80);
    flash_cmd(c, 0x90);
    flash_cmd(c, 0x10);
    ck_assert_uint_eq(c->save[0x3000], 0x00);
    destroy(c);
}
END_TEST

START_TEST(test_flash_banks)
{
    GbaCart *c = load_rom_with("FLASH1M_V103");
    flash_program(c, 0x100, 0x11);
    flash_cmd(c, 0xb0);
    gba_cart_backup_write(c, 0, 1);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x100), 0xff);
    flash_program(c, 0x100, 0x22);
    ck_assert_uint_eq(c->save[0x100], 0x11);
    ck_assert_uint_eq(c->save[0x10100], 0x22);
    /* Sector erase in bank 1 leaves bank 0 alone. */
    flash_erase_sector(c, 0x0000);
    ck_assert_uint_eq(c->save[0x10100], 0xff);
    ck_assert_uint_eq(c->save[0x100], 0x11);
    flash_cmd(c, 0xb0);
    gba_cart_backup_write(c, 0, 0);
    ck_assert_uint_eq(gba_cart_backup_read(c, 0x100), 0x11);
    /* Chip erase clears both banks. */
    flash_program(c, 0xffff, 0x00);
    flash_cmd(c, 0x80);
    flash_cmd(c, 0x10);
    ck_assert(all_erased(c->save, 0x20000));
    destroy(c);

    /* A 64 KiB chip has no banks. */
    c = load_rom_with("FLASH_V126");
    flash_cmd(c, 0xb0);
    gba_cart_backup_write(c, 0, 1);
    ck_assert_uint_eq(c->flash_bank, 0);
    ck_assert_uint_eq(c->save[0], 0xff); /* nor was the 1 programmed */
    destroy(c);
}
END_TEST

/* --- EEPROM (GBATEK "GBA Cart Backup EEPROM") ------------------------------ */

static void send_bits(GbaCart *c, uint64_t value, unsigned count)
{
    for (unsigned i = count; i-- > 0;)
        gba_cart_eeprom_write(c, (uint16_t)(value >> i & 1));
}

static void eeprom_write_unit(GbaCart *c, unsigned width, uint32_t addr, uint64_t data)
{
    send_bits(c, 2, 2); /* "10" */
    send_bits(c, addr, width);
    send_bits(c, data, 64);
    send_bits(c, 0, 1);
}

static uint64_t eeprom_read_unit(GbaCart *c, unsigned width, uint32_t addr)
{
    send_bits(c, 3, 2); /* "11" */
    send_bits(c, addr, width);
    send_bits(c, 0, 1);
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(gba_cart_eeprom_read(c) & 1, 0);
    uint64_t v = 0;
    for (int i = 0; i < 64; i++)
        v = v << 1 | (gba_cart_eeprom_read(c) & 1);
    return v;
}

START_TEST(test_eeprom_512)
{
    GbaCart *c = load_rom_with("EEPROM_V124");
    ck_assert_int_eq(c->save_type, GBA_SAVE_EEPROM8K);
    /* First access: a 9-bit read request, so 6 address bits, 512 bytes. */
    ck_assert_uint_eq(eeprom_read_unit(c, 6, 0), UINT64_MAX);
    ck_assert_int_eq(c->save_type, GBA_SAVE_EEPROM512);
    ck_assert_uint_eq(gba_cart_eeprom_read(c), 1); /* idle: ready */

    eeprom_write_unit(c, 6, 0x3f, 0x0123456789abcdefull);
    ck_assert_uint_eq(gba_cart_eeprom_read(c), 1); /* write done: ready */
    ck_assert(c->save_dirty);
    /* The unit at 63 * 8: the first data bit is the top bit of the first byte. */
    static const uint8_t want[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    ck_assert_mem_eq(c->save + 0x1f8, want, 8);
    ck_assert_uint_eq(eeprom_read_unit(c, 6, 0x3f), 0x0123456789abcdefull);
    ck_assert_uint_eq(eeprom_read_unit(c, 6, 0x3e), UINT64_MAX);
    destroy(c);
}
END_TEST

START_TEST(test_eeprom_8k)
{
    GbaCart *c = load_rom_with("EEPROM_V124");
    /* First access a write: 81 bits complete a 14-bit request at once. */
    eeprom_write_unit(c, 14, 0x3ff, 0xfedcba9876543210ull);
    ck_assert_int_eq(c->save_type, GBA_SAVE_EEPROM8K);
    static const uint8_t want[8] = {0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
    ck_assert_mem_eq(c->save + 0x3ff * 8, want, 8);
    ck_assert_uint_eq(gba_cart_eeprom_read(c), 1);
    ck_assert_uint_eq(eeprom_read_unit(c, 14, 0x3ff), 0xfedcba9876543210ull);
    /* Only the low 10 of the 14 address bits count. */
    eeprom_write_unit(c, 14, 0x2005, 0x5555aaaa5555aaaaull);
    ck_assert_uint_eq(eeprom_read_unit(c, 14, 5), 0x5555aaaa5555aaaaull);
    ck_assert_uint_eq(eeprom_read_unit(c, 14, 0x1405), 0x5555aaaa5555aaaaull);
    destroy(c);
}
END_TEST

START_TEST(test_eeprom_first_write_short)
{
    /* First access a 73-bit write (6-bit address): it is known complete
     * when the game polls for ready. */
    GbaCart *c = load_rom_with("EEPROM_V124");
    eeprom_write_unit(c, 6, 1, 0x8000000000000001ull);
    ck_assert_uint_eq(c->save[8], 0xff);
    ck_assert_uint_eq(gba_cart_eeprom_read(c), 1);
    ck_assert_int_eq(c->save_type, GBA_SAVE_EEPROM512);
    ck_assert_uint_eq(c->save[8], 0x80);
    ck_assert_uint_eq(c->save[15], 0x01);
    ck_assert_uint_eq(eeprom_read_unit(c, 6, 1), 0x8000000000000001ull);
    /* Now the width is known, a write completes at its last bit. */
    eeprom_write_unit(c, 6, 2, 0);
    ck_assert_uint_eq(c->save[16], 0x00);
    destroy(c);
}
END_TEST

START_TEST(test_eeprom_window)
{
    GbaCart *c = load_rom_with("EEPROM_V124");
    ck_assert(gba_cart_is_eeprom(c, 0x0d000000));
    ck_assert(gba_cart_is_eeprom(c, 0x0dffffff));
    ck_assert(!gba_cart_is_eeprom(c, 0x0cffffff));
    ck_assert(!gba_cart_is_eeprom(c, 0x0e000000));
    destroy(c);
    c = load_rom_with("SRAM_V113");
    ck_assert(!gba_cart_is_eeprom(c, 0x0d000000));
    destroy(c);

    size_t big = 16u * 1024 * 1024 + 4;
    uint8_t *rom = make_rom(big, "EEPROM_V124", 0x800);
    c = malloc(sizeof *c);
    ck_assert(gba_cart_load_mem(c, rom, big, err, sizeof err, warn, sizeof warn));
    ck_assert(!gba_cart_is_eeprom(c, 0x0d000000));
    ck_assert(!gba_cart_is_eeprom(c, 0x0dfffeff));
    ck_assert(gba_cart_is_eeprom(c, 0x0dffff00));
    ck_assert(gba_cart_is_eeprom(c, 0x0dffffff));
    destroy(c);
    free(rom);
}
END_TEST

/* --- .sav files ------------------------------------------------------------ */

static const char *const ids_by_type[] = {
    [GBA_SAVE_SRAM] = "SRAM_V113",         [GBA_SAVE_FLASH64] = "FLASH_V126",
    [GBA_SAVE_FLASH128] = "FLASH1M_V103",  [GBA_SAVE_EEPROM512] = "EEPROM_V124",
    [GBA_SAVE_EEPROM8K] = "EEPROM_V124",
};
static const uint32_t size_by_type[] = {
    [GBA_SAVE_SRAM] = 32768, [GBA_SAVE_FLASH64] = 65536, [GBA_SAVE_FLASH128] = 131072,
    [GBA_SAVE_EEPROM512] = 512, [GBA_SAVE_EEPROM8K] = 8192,
};

START_TEST(test_sav_round_trip)
{
    make_tmpdir();
    char path[256];
    tmp_path(path, sizeof path, "game.sav");
    for (int t = GBA_SAVE_SRAM; t <= GBA_SAVE_EEPROM8K; t++) {
        unlink(path);
        GbaCart *c = load_rom_with(ids_by_type[t]);
        ck_assert_msg(gba_cart_read_save(c, path, err, sizeof err), "%s", err); /* missing: fresh */
        c->save_type = (GbaSaveType)t;
        for (uint32_t i = 0; i < size_by_type[t]; i++)
            c->save[i] = (uint8_t)(i * 7 + t);
        c->save_dirty = true;
        ck_assert_msg(gba_cart_write_save(c, path, err, sizeof err), "%s", err);
        ck_assert(!c->save_dirty);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_int_eq(st.st_size, size_by_type[t]);

        GbaCart *d = load_rom_with(ids_by_type[t]);
        ck_assert_msg(gba_cart_read_save(d, path, err, sizeof err), "%s", err);
        ck_assert_int_eq(d->save_type, t);
        ck_assert_mem_eq(d->save, c->save, size_by_type[t]);
        ck_assert(!d->save_dirty);
        ck_assert(all_erased(d->save + size_by_type[t], GBA_SAVE_MAX - size_by_type[t]));
        destroy(c);
        destroy(d);
    }
    remove_tmpdir();
}
END_TEST

START_TEST(test_sav_adapts_type)
{
    make_tmpdir();
    char path[256];
    tmp_path(path, sizeof path, "game.sav");
    static uint8_t data[131072];
    memset(data, 0x42, sizeof data);
    static const struct {
        const char *id;
        uint32_t size;
        GbaSaveType type;
    } cases[] = {
        {"EEPROM_V124", 512, GBA_SAVE_EEPROM512}, {"EEPROM_V124", 8192, GBA_SAVE_EEPROM8K},
        {"FLASH_V126", 131072, GBA_SAVE_FLASH128}, {"FLASH1M_V103", 65536, GBA_SAVE_FLASH64},
        {NULL, 32768, GBA_SAVE_SRAM},             {NULL, 512, GBA_SAVE_EEPROM512},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(path, data, cases[i].size);
        GbaCart *c = load_rom_with(cases[i].id);
        ck_assert_msg(gba_cart_read_save(c, path, err, sizeof err), "%s", err);
        ck_assert_int_eq(c->save_type, cases[i].type);
        ck_assert_uint_eq(c->save[cases[i].size - 1], 0x42);
        destroy(c);
    }
    remove_tmpdir();
}
END_TEST

static void check_refused_and_kept(const char *id, uint32_t size)
{
    char path[256];
    tmp_path(path, sizeof path, "bad.sav");
    uint8_t *data = malloc(size + 1);
    memset(data, 0x5c, size + 1);
    write_file(path, data, size);

    GbaCart *c = load_rom_with(id);
    GbaSaveType type = c->save_type;
    err[0] = '\0';
    ck_assert(!gba_cart_read_save(c, path, err, sizeof err));
    ck_assert_msg(strstr(err, "bad.sav") && strstr(err, "left alone"), "%s", err);
    ck_assert(!c->save_dirty);
    ck_assert_int_eq(c->save_type, type);
    ck_assert_uint_eq(c->save[0], 0xff);
    /* The game runs and saves; the file still must not be overwritten. */
    gba_cart_backup_write(c, 0, 0x00);
    c->save_dirty = true;
    ck_assert(!gba_cart_write_save(c, path, err, sizeof err));
    ck_assert_msg(strstr(err, "refused"), "%s", err);
    uint8_t *back = malloc(size + 16);
    ck_assert_uint_eq(read_file(path, back, size + 16), size);
    ck_assert_mem_eq(back, data, size);
    free(back);
    free(data);
    destroy(c);
}

START_TEST(test_sav_refusals)
{
    make_tmpdir();
    check_refused_and_kept("SRAM_V113", 1000);        /* no type has that size */
    check_refused_and_kept("SRAM_V113", 32769);       /* one byte too many */
    check_refused_and_kept("FLASH_V126", 0);          /* empty */
    check_refused_and_kept("FLASH1M_V103", 131073);   /* longer than any save */
    check_refused_and_kept("EEPROM_V124", 32768);     /* SRAM-sized for an EEPROM game */
    check_refused_and_kept("SRAM_V113", 65536);       /* Flash-sized for an SRAM game */

    /* A .sav that is a directory cannot be read. */
    char path[256];
    tmp_path(path, sizeof path, "dir.sav");
    ck_assert_int_eq(mkdir(path, 0755), 0);
    GbaCart *c = load_rom_with("SRAM_V113");
    ck_assert(!gba_cart_read_save(c, path, err, sizeof err));
    ck_assert_msg(strstr(err, "directory"), "%s", err);
    ck_assert(!c->save_dirty);
    ck_assert(!gba_cart_write_save(c, path, err, sizeof err));
    rmdir(path);
    destroy(c);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sav_atomic)
{
    make_tmpdir();
    char path[256], link_path[256];
    tmp_path(path, sizeof path, "game.sav");
    tmp_path(link_path, sizeof link_path, "old.sav");
    GbaCart *c = load_rom_with("SRAM_V113");
    memset(c->save, 0x11, 32768);
    ck_assert(gba_cart_write_save(c, path, err, sizeof err));
    ck_assert_int_eq(chmod(path, 0640), 0);
    /* A second name for the old file: rewriting in place would change it. */
    ck_assert_int_eq(link(path, link_path), 0);
    memset(c->save, 0x22, 32768);
    ck_assert(gba_cart_write_save(c, path, err, sizeof err));

    static uint8_t buf[40000];
    ck_assert_uint_eq(read_file(link_path, buf, sizeof buf), 32768);
    ck_assert_uint_eq(buf[0], 0x11);
    ck_assert_uint_eq(read_file(path, buf, sizeof buf), 32768);
    ck_assert_uint_eq(buf[32767], 0x22);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0640); /* the old file's mode is kept */

    /* Only the two files: no temporary left behind. */
    DIR *d = opendir(tmpdir);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        files += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(files, 2);

    /* A directory that does not exist: an error, and still dirty. */
    char nowhere[300];
    snprintf(nowhere, sizeof nowhere, "%s/no/such.sav", tmpdir);
    c->save_dirty = true;
    ck_assert(!gba_cart_write_save(c, nowhere, err, sizeof err));
    ck_assert_msg(strstr(err, "temporary"), "%s", err);
    ck_assert(c->save_dirty);

    /* No chip: nothing written. */
    destroy(c);
    c = load_rom_with(NULL);
    char none[256];
    tmp_path(none, sizeof none, "none.sav");
    ck_assert(gba_cart_write_save(c, none, err, sizeof err));
    ck_assert_int_ne(access(none, F_OK), 0);
    destroy(c);
    remove_tmpdir();
}
END_TEST

/* --- snapshot table -------------------------------------------------------- */

START_TEST(test_vmstate)
{
    GbaCart *c = load_rom_with("FLASH1M_V103");
    flash_program(c, 0x42, 0x24);
    flash_cmd(c, 0xb0);
    gba_cart_backup_write(c, 0, 1);
    gba_cart_backup_write(c, 0x5555, 0xaa); /* mid-sequence */
    VmsBuf b = {0};
    vms_encode(&gba_cart_vmstate, c, &b);
    ck_assert(!b.failed);

    GbaCart *d = load_rom_with(NULL);
    ck_assert_msg(vms_decode(&gba_cart_vmstate, gba_cart_vmstate.version, b.data, b.len, d, err, sizeof err), "%s",
                  err);
    ck_assert_int_eq(d->save_type, GBA_SAVE_FLASH128);
    ck_assert_uint_eq(d->flash_bank, 1);
    ck_assert_uint_eq(d->flash_state, GBA_FLASH_UNLOCK1);
    ck_assert_mem_eq(d->save, c->save, GBA_SAVE_MAX);
    ck_assert_ptr_nonnull(d->rom); /* host fields keep their values */
    destroy(d);

    /* Bank 1 on a 64 KiB chip is refused by the check. */
    c->save_type = GBA_SAVE_FLASH64;
    vms_buf_free(&b);
    vms_encode(&gba_cart_vmstate, c, &b);
    d = load_rom_with(NULL);
    ck_assert(!vms_decode(&gba_cart_vmstate, gba_cart_vmstate.version, b.data, b.len, d, err, sizeof err));
    ck_assert_msg(strstr(err, "bank"), "%s", err);
    destroy(d);
    vms_buf_free(&b);
    destroy(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gba_cart");
    TCase *load = tcase_create("load");
    tcase_add_test(load, test_load_refusals);
    tcase_add_test(load, test_load_accepts);
    tcase_add_test(load, test_bad_checksum_warns);
    tcase_add_test(load, test_title_sanitised);
    tcase_add_test(load, test_detect_save);
    tcase_add_test(load, test_rom_reads_and_open_bus);
    suite_add_tcase(s, load);
    TCase *chips = tcase_create("chips");
    tcase_add_test(chips, test_sram);
    tcase_add_test(chips, test_flash_id_mode);
    tcase_add_test(chips, test_flash_program_and_erase);
    tcase_add_test(chips, test_flash_banks);
    tcase_add_test(chips, test_eeprom_512);
    tcase_add_test(chips, test_eeprom_8k);
    tcase_add_test(chips, test_eeprom_first_write_short);
    tcase_add_test(chips, test_eeprom_window);
    tcase_add_test(chips, test_vmstate);
    suite_add_tcase(s, chips);
    TCase *sav = tcase_create("sav");
    tcase_add_test(sav, test_sav_round_trip);
    tcase_add_test(sav, test_sav_adapts_type);
    tcase_add_test(sav, test_sav_refusals);
    tcase_add_test(sav, test_sav_atomic);
    suite_add_tcase(s, sav);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
