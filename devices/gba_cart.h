/*
 * The Game Boy Advance cartridge: the ROM image, its backup (save) chip and
 * the .sav file that keeps the backup between runs (GBATEK "GBA Cartridge
 * Header", "GBA Cart Backup IDs", "GBA Cart Backup SRAM/FRAM", "... Flash
 * ROM", "... EEPROM", "GamePak ROM Unused Memory").
 *
 * Three files share the work:
 *   gba_cart.c      ROM loading and checking, header fields, save-chip
 *                   detection from the ID strings, open-bus ROM reads;
 *   gba_save.c      the chips as the bus sees them: SRAM bytes, the Flash
 *                   command state machine, the EEPROM serial protocol, and
 *                   the snapshot table of all that state;
 *   gba_save_file.c the .sav file: checked reading, atomic writing.
 *
 * The board calls:
 *
 *   GbaCart *c = calloc(1, sizeof *c);            // ~130 KiB: not on the stack
 *   if (!gba_cart_load(c, rom_path, err, sizeof err, warn, sizeof warn)) fail(err);
 *   if (warn[0]) log(warn);
 *   if (!gba_cart_read_save(c, sav_path, err, sizeof err)) log(err); // keeps running, never overwrites
 *   // bus: 0x08000000-0x0dffffff -> gba_cart_rom_read(c, addr & 0x1ffffff, size),
 *   //      except where gba_cart_is_eeprom(c, addr): gba_cart_eeprom_read/_write;
 *   //      0x0e000000-0x0fffffff -> gba_cart_backup_read/_write(c, addr - 0x0e000000, byte)
 *   if (c->save_dirty) gba_cart_write_save(c, sav_path, err, sizeof err);  // e.g. once a second
 *   gba_cart_free(c);
 *
 * Timing is not modelled: Flash erase/program and EEPROM writes finish at
 * once, so the status polls games do (Flash: read until the byte is the
 * expected one; EEPROM: read until bit 0 is 1) succeed on the first read.
 */
#ifndef SCION_GBA_CART_H
#define SCION_GBA_CART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/gba_map.h"
#include "snapshot/vmstate.h"

typedef enum GbaSaveType {
    GBA_SAVE_NONE,
    GBA_SAVE_SRAM,      /* 32 KiB SRAM or FRAM */
    GBA_SAVE_FLASH64,   /* 64 KiB Flash */
    GBA_SAVE_FLASH128,  /* 128 KiB Flash: two 64 KiB banks */
    GBA_SAVE_EEPROM512, /* 512 B EEPROM: 6-bit addresses */
    GBA_SAVE_EEPROM8K,  /* 8 KiB EEPROM: 14-bit addresses */
} GbaSaveType;

#define GBA_CART_HEADER_SIZE 192u
#define GBA_SAVE_MAX (128u * 1024)
/* The longest EEPROM request: "10", 14 address bits, 64 data bits, "0". */
#define GBA_EEPROM_MAX_REQUEST_BITS 81u
/* Bits a read request returns: 4 dummy bits, then 64 data bits. */
#define GBA_EEPROM_READ_BITS 68u

/* Flash command sequence progress: the unlock cycles seen so far. */
enum { GBA_FLASH_IDLE, GBA_FLASH_UNLOCK1, GBA_FLASH_UNLOCK2 };

/* Flash chip IDs, device << 8 | manufacturer (GBATEK): ID mode reads the
 * manufacturer at offset 0 and the device at offset 1. */
#define GBA_FLASH_ID_PANASONIC_64K 0x1b32u
#define GBA_FLASH_ID_SANYO_128K 0x1362u

typedef struct GbaCart {
    uint8_t *rom;        /* host copy, padded with the open-bus pattern to rom_alloc bytes (not state) */
    uint32_t rom_size;   /* bytes in the file */
    uint32_t rom_alloc;  /* rom_size rounded up to a power of two: rom[] may be mapped that far */
    char title[13], game_code[5]; /* NUL-terminated; unprintable bytes shown as '?' */
    bool save_locked;    /* the .sav file was refused: gba_cart_write_save leaves it alone (not state) */

    /* --- state (plain fixed-size fields: snapshots copy them) --- */
    GbaSaveType save_type;
    uint8_t save[GBA_SAVE_MAX]; /* backup contents; bytes past the type's size stay 0xff */
    bool save_dirty;            /* changed since loaded/written */

    /* Flash: where the command sequence is, and what it has armed. */
    uint8_t flash_state;        /* GBA_FLASH_IDLE / _UNLOCK1 / _UNLOCK2 */
    uint8_t flash_bank;         /* 64 KiB bank the window shows (128 KiB chips) */
    bool flash_id_mode;         /* offsets 0 and 1 read the chip ID */
    bool flash_erase_armed;     /* 0x80 seen: the next sequence may erase */
    bool flash_program_pending; /* 0xa0 seen: the next write programs a byte */
    bool flash_bank_pending;    /* 0xb0 seen: the next write to offset 0 picks the bank */

    /* EEPROM: the request being shifted in (one bit per element, in
     * arrival order), the read being shifted out, and the address width
     * learnt from the game's first complete request (0 = not yet). */
    uint8_t eeprom_request[GBA_EEPROM_MAX_REQUEST_BITS];
    uint8_t eeprom_request_bits;
    bool eeprom_reading;
    uint8_t eeprom_read_pos;    /* bits of the 68 already read */
    uint64_t eeprom_read_data;  /* the 64-bit unit being read, first bit in bit 63 */
    uint8_t eeprom_addr_width;  /* 0, 6 or 14 */
} GbaCart;

/* Load and check a ROM: refuse (false, clear message in err) a missing or
 * unreadable file, one smaller than the 192-byte header, larger than
 * 32 MiB, or one that is not a GBA ROM (the fixed byte 0x96 at 0xB2 missing
 * AND the entry at 0 not an ARM branch); a bad header complement checksum
 * (0xBD) is a warning in warn (empty string when there is none), not a
 * refusal.  c need not be initialised (a ROM it held must be freed first);
 * on success the save type is detected and the backup is fresh (0xff), on
 * failure c holds no ROM (gba_cart_free is still fine). */
bool gba_cart_load(GbaCart *c, const char *path, char *err, size_t errlen, char *warn, size_t warnlen);
/* The same from memory (the fuzz target and tests use this). */
bool gba_cart_load_mem(GbaCart *c, const uint8_t *data, size_t size, char *err, size_t errlen, char *warn,
                       size_t warnlen);
void gba_cart_free(GbaCart *c);

/* The save chip the ROM's ID string names ("EEPROM_V", "SRAM_V",
 * "SRAM_F_V", "FLASH_V", "FLASH512_V", "FLASH1M_V" at a word-aligned
 * offset; the first one found wins).  EEPROM is reported as 8 KiB: the
 * width of the game's first EEPROM address refines it. */
GbaSaveType gba_cart_detect_save(const uint8_t *rom, size_t size);
/* Bytes of backup a type holds (0 for none), and a short name for messages. */
uint32_t gba_save_type_size(GbaSaveType t);
const char *gba_save_type_name(GbaSaveType t);

/* Back to power-on for the chips' protocol state (Flash sequence, bank,
 * ID mode, EEPROM shift registers); the backup contents stay. */
void gba_cart_reset(GbaCart *c);

/* .sav file.  A missing file is fine: a fresh backup (all 0xff).  A file
 * whose size fits no save type (accepted: 512, 8192, 32768, 65536, 131072),
 * whose size names a different kind of chip than the ROM (say 32 KiB for an
 * EEPROM game), or that cannot be read, is refused with a message: the
 * backup stays fresh, save_dirty false, and save_locked is set so that
 * gba_cart_write_save never overwrites the file.  Within a kind the file
 * decides (512 bytes makes an EEPROM game EEPROM512, 128 KiB a Flash game
 * FLASH128); a ROM without an ID string takes the type the size names. */
bool gba_cart_read_save(GbaCart *c, const char *path, char *err, size_t errlen);
/* Writes the backup (exactly gba_save_type_size bytes) atomically: a
 * temporary file in the same directory, fsync, rename, then fsync of the
 * directory.  Clears save_dirty on success.  Nothing is written for
 * GBA_SAVE_NONE; refused while save_locked. */
bool gba_cart_write_save(GbaCart *c, const char *path, char *err, size_t errlen);

/* ROM read at offset within the 32 MiB window (masked to it; size 1, 2 or
 * 4, the offset aligned down to size), little-endian.  Beyond the ROM's
 * end the open-bus pattern: each halfword reads as (offset / 2) & 0xffff. */
uint32_t gba_cart_rom_read(const GbaCart *c, uint32_t offset, unsigned size);

/* The 0x0E000000 region (8-bit bus): offset is taken modulo the 64 KiB
 * window.  SRAM: 32 KiB, mirrored twice in the window.  Flash: the command
 * sequences of GBATEK (ID mode, chip erase, 4 KiB sector erase, byte
 * program, bank switch on 128 KiB chips).  No chip (or EEPROM): reads 0xff,
 * writes ignored. */
uint8_t gba_cart_backup_read(GbaCart *c, uint32_t offset);
void gba_cart_backup_write(GbaCart *c, uint32_t offset, uint8_t value);

/* True if a ROM-area bus address (0x08000000-0x0dffffff) reaches the
 * EEPROM: 0x0d000000-0x0dffffff for ROMs of 16 MiB or less, only
 * 0x0dffff00-0x0dffffff for bigger ones; never without an EEPROM. */
bool gba_cart_is_eeprom(const GbaCart *c, uint32_t addr);
/* One bit per access, in bit 0 (GBATEK serial protocol).  Read request:
 * "11", address (6 or 14 bits, MSB first), "0", then 68 reads: 4 zeros and
 * the 64 data bits MSB first.  Write request: "10", address, 64 data bits,
 * "0".  A request's address width is known from its length: when the
 * width is not known yet, a write of 73 bits is told from the longer
 * 81-bit one by the read that follows it.  Idle reads return 1 (ready). */
uint16_t gba_cart_eeprom_read(GbaCart *c);
void gba_cart_eeprom_write(GbaCart *c, uint16_t value);

extern const VmsDesc gba_cart_vmstate;

#endif
