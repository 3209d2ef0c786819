/*
 * GBA cartridge ROM: loading and checking the image, the header fields,
 * save-chip detection from the backup ID strings, and ROM reads with the
 * open-bus pattern past the image's end (GBATEK "GBA Cartridge Header",
 * "GBA Cart Backup IDs", "GamePak ROM Unused Memory").
 */
#include "devices/gba_cart.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Header offsets (GBATEK "GBA Cartridge Header"). */
enum {
    HDR_TITLE = 0xa0,      /* 12 bytes, uppercase ASCII padded with zeros */
    HDR_GAME_CODE = 0xac,  /* 4 bytes */
    HDR_FIXED = 0xb2,      /* must be 0x96 */
    HDR_COMPLEMENT = 0xbd, /* complement check over 0xa0-0xbc */
};
#define HDR_FIXED_VALUE 0x96u

/* --- open bus ---------------------------------------------------------- */

/* The cartridge bus shares its lines between the lower address halfword
 * and the data, so an unmapped halfword reads back as its own address / 2;
 * this is that pattern's byte at offset. */
static uint8_t open_bus_byte(uint32_t offset)
{
    uint16_t half = (uint16_t)(offset / 2);
    return (uint8_t)(offset & 1 ? half >> 8 : half);
}

static uint8_t rom_byte(const GbaCart *c, uint32_t offset)
{
    return offset < c->rom_alloc ? c->rom[offset] : open_bus_byte(offset);
}

uint32_t gba_cart_rom_read(const GbaCart *c, uint32_t offset, unsigned size)
{
    if (size != 1 && size != 2)
        size = 4;
    offset &= (GBA_ROM_MAX - 1) & ~(uint32_t)(size - 1);
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i++)
        value |= (uint32_t)rom_byte(c, offset + i) << (8 * i);
    return value;
}

/* --- header checks ------------------------------------------------------- */

static bool is_arm_branch(const uint8_t *rom)
{
    /* B or BL with condition "always": 0xea or 0xeb in the top byte
     * (ARM: cond 1110, bits 27-25 101). */
    return rom[3] == 0xea || rom[3] == 0xeb;
}

static uint8_t header_complement(const uint8_t *rom)
{
    uint8_t chk = 0;
    for (unsigned i = HDR_TITLE; i < HDR_COMPLEMENT; i++)
        chk = (uint8_t)(chk - rom[i]);
    return (uint8_t)(chk - 0x19);
}

/* Copies a fixed-width header text field, stopping at its first zero and
 * showing unprintable bytes as '?' (the text ends up in log messages). */
static void copy_header_text(char *dst, const uint8_t *src, size_t width)
{
    size_t i;
    for (i = 0; i < width && src[i]; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[i] = '\0';
}

static bool check_rom(const uint8_t *data, size_t size, char *err, size_t errlen)
{
    if (size < GBA_CART_HEADER_SIZE) {
        snprintf(err, errlen, "ROM is %zu bytes, shorter than the %u-byte GBA cartridge header", size,
                 GBA_CART_HEADER_SIZE);
        return false;
    }
    if (size > GBA_ROM_MAX) {
        snprintf(err, errlen, "ROM is %zu bytes, larger than the GBA's 32 MiB cartridge space", size);
        return false;
    }
    if (data[HDR_FIXED] != HDR_FIXED_VALUE && !is_arm_branch(data)) {
        snprintf(err, errlen,
                 "not a GBA ROM: no ARM branch at the entry point and no fixed value 0x96 at header offset 0xb2");
        return false;
    }
    return true;
}

/* --- loading ------------------------------------------------------------- */

static uint32_t round_up_pow2(uint32_t n)
{
    uint32_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

bool gba_cart_load_mem(GbaCart *c, const uint8_t *data, size_t size, char *err, size_t errlen, char *warn,
                       size_t warnlen)
{
    memset(c, 0, sizeof *c);
    if (warnlen)
        warn[0] = '\0';
    if (!check_rom(data, size, err, errlen))
        return false;
    c->rom_size = (uint32_t)size;
    c->rom_alloc = round_up_pow2(c->rom_size);
    c->rom = malloc(c->rom_alloc);
    if (!c->rom) {
        snprintf(err, errlen, "out of memory for a %u-byte ROM", c->rom_size);
        return false;
    }
    memcpy(c->rom, data, size);
    for (uint32_t i = c->rom_size; i < c->rom_alloc; i++)
        c->rom[i] = open_bus_byte(i);

    copy_header_text(c->title, data + HDR_TITLE, 12);
    copy_header_text(c->game_code, data + HDR_GAME_CODE, 4);
    uint8_t want = header_complement(data);
    if (data[HDR_COMPLEMENT] != want)
        snprintf(warn, warnlen, "GBA header checksum is 0x%02x, should be 0x%02x (a real GBA would not boot it)",
                 data[HDR_COMPLEMENT], want);

    c->save_type = gba_cart_detect_save(data, size);
    memset(c->save, 0xff, sizeof c->save);
    gba_cart_reset(c);
    return true;
}

/* Reads a whole regular file of at most GBA_ROM_MAX bytes (one byte more
 * is read, so a larger file, or one that grew, is caught). */
static uint8_t *read_rom_file(const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open ROM %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st = {0}; /* a failed fstat leaves it zero: no type, no size, read as a stream */
    (void)fstat(fileno(f), &st);
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot read ROM %s: it is a directory", path);
        fclose(f);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && st.st_size > (off_t)GBA_ROM_MAX) {
        snprintf(err, errlen, "ROM %s is %lld bytes, larger than the GBA's 32 MiB cartridge space", path,
                 (long long)st.st_size);
        fclose(f);
        return NULL;
    }
    size_t cap = GBA_ROM_MAX + 1;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        snprintf(err, errlen, "out of memory reading ROM %s", path);
        fclose(f);
        return NULL;
    }
    *size = fread(buf, 1, cap, f);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "cannot read ROM %s: read error", path);
        free(buf);
        return NULL;
    }
    return buf;
}

bool gba_cart_load(GbaCart *c, const char *path, char *err, size_t errlen, char *warn, size_t warnlen)
{
    memset(c, 0, sizeof *c);
    if (warnlen)
        warn[0] = '\0';
    size_t size = 0;
    uint8_t *data = read_rom_file(path, &size, err, errlen);
    if (!data)
        return false;
    bool ok = gba_cart_load_mem(c, data, size, err, errlen, warn, warnlen);
    free(data);
    return ok;
}

void gba_cart_free(GbaCart *c)
{
    free(c->rom);
    c->rom = NULL;
    c->rom_size = c->rom_alloc = 0;
}

/* --- save-chip detection ------------------------------------------------- */

typedef struct BackupId {
    const char *text;
    GbaSaveType type;
} BackupId;

/* GBATEK "GBA Cart Backup IDs": the strings Nintendo's save libraries
 * leave in the ROM, word-aligned.  None is a prefix of another. */
static const BackupId backup_ids[] = {
    {"EEPROM_V", GBA_SAVE_EEPROM8K}, {"SRAM_V", GBA_SAVE_SRAM},       {"SRAM_F_V", GBA_SAVE_SRAM},
    {"FLASH_V", GBA_SAVE_FLASH64},   {"FLASH512_V", GBA_SAVE_FLASH64}, {"FLASH1M_V", GBA_SAVE_FLASH128},
};

static bool id_at(const uint8_t *rom, size_t size, size_t pos, GbaSaveType *type)
{
    for (size_t i = 0; i < sizeof backup_ids / sizeof backup_ids[0]; i++) {
        size_t len = strlen(backup_ids[i].text);
        if (len <= size - pos && memcmp(rom + pos, backup_ids[i].text, len) == 0) {
            *type = backup_ids[i].type;
            return true;
        }
    }
    return false;
}

GbaSaveType gba_cart_detect_save(const uint8_t *rom, size_t size)
{
    GbaSaveType type;
    for (size_t pos = 0; pos + 4 <= size; pos += 4) {
        uint8_t first = rom[pos];
        /* Cheap filter: every ID starts with 'E', 'S' or 'F'. */
        if ((first == 'E' || first == 'S' || first == 'F') && id_at(rom, size, pos, &type))
            return type;
    }
    return GBA_SAVE_NONE;
}

uint32_t gba_save_type_size(GbaSaveType t)
{
    switch (t) {
    case GBA_SAVE_SRAM: return 32u * 1024;
    case GBA_SAVE_FLASH64: return 64u * 1024;
    case GBA_SAVE_FLASH128: return 128u * 1024;
    case GBA_SAVE_EEPROM512: return 512;
    case GBA_SAVE_EEPROM8K: return 8u * 1024;
    case GBA_SAVE_NONE: break;
    }
    return 0;
}

const char *gba_save_type_name(GbaSaveType t)
{
    switch (t) {
    case GBA_SAVE_SRAM: return "SRAM 32 KiB";
    case GBA_SAVE_FLASH64: return "Flash 64 KiB";
    case GBA_SAVE_FLASH128: return "Flash 128 KiB";
    case GBA_SAVE_EEPROM512: return "EEPROM 512 B";
    case GBA_SAVE_EEPROM8K: return "EEPROM 8 KiB";
    case GBA_SAVE_NONE: break;
    }
    return "none";
}
