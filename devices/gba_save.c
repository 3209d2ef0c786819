/*
 * GBA backup chips as the bus sees them: SRAM, the Flash command state
 * machine and the EEPROM serial protocol (GBATEK "GBA Cart Backup SRAM/
 * FRAM", "GBA Cart Backup Flash ROM", "GBA Cart Backup EEPROM"), and the
 * snapshot table of their state.
 */
#include <stdio.h>
#include <string.h>

#include "devices/gba_cart.h"

#define SRAM_SIZE (32u * 1024)
#define WINDOW_SIZE 0x10000u /* the 0x0E000000 region decodes 16 address bits */
#define FLASH_BANK_SIZE 0x10000u
#define FLASH_SECTOR_SIZE 0x1000u

/* Flash command addresses and bytes (GBATEK). */
enum {
    FLASH_ADDR_A = 0x5555,
    FLASH_ADDR_B = 0x2aaa,
    FLASH_UNLOCK_A = 0xaa,
    FLASH_UNLOCK_B = 0x55,
    FLASH_CMD_ID_ENTER = 0x90,
    FLASH_CMD_ID_EXIT = 0xf0, /* also "terminate command after timeout" */
    FLASH_CMD_ERASE = 0x80,
    FLASH_CMD_ERASE_CHIP = 0x10,
    FLASH_CMD_ERASE_SECTOR = 0x30,
    FLASH_CMD_PROGRAM = 0xa0,
    FLASH_CMD_BANK = 0xb0,
};

/* EEPROM request codes: the first two bits of a request. */
enum { EEPROM_REQ_WRITE = 2, EEPROM_REQ_READ = 3 };
#define EEPROM_UNIT_BYTES 8u
#define EEPROM_DUMMY_BITS 4u
/* Request lengths: 2 code bits + address + (64 data bits) + 1 end bit. */
#define READ_REQUEST_BITS(width) (2u + (width) + 1u)
#define WRITE_REQUEST_BITS(width) (2u + (width) + 64u + 1u)

static bool is_flash(const GbaCart *c)
{
    return c->save_type == GBA_SAVE_FLASH64 || c->save_type == GBA_SAVE_FLASH128;
}

static bool is_eeprom_type(GbaSaveType t)
{
    return t == GBA_SAVE_EEPROM512 || t == GBA_SAVE_EEPROM8K;
}

static void set_save_byte(GbaCart *c, uint32_t index, uint8_t value)
{
    if (c->save[index] != value) {
        c->save[index] = value;
        c->save_dirty = true;
    }
}

void gba_cart_reset(GbaCart *c)
{
    c->flash_state = GBA_FLASH_IDLE;
    c->flash_bank = 0;
    c->flash_id_mode = false;
    c->flash_erase_armed = false;
    c->flash_program_pending = false;
    c->flash_bank_pending = false;
    memset(c->eeprom_request, 0, sizeof c->eeprom_request);
    c->eeprom_request_bits = 0;
    c->eeprom_reading = false;
    c->eeprom_read_pos = 0;
    c->eeprom_read_data = 0;
    /* eeprom_addr_width stays: it describes the chip, not the protocol. */
}

/* --- Flash --------------------------------------------------------------- */

static uint32_t flash_index(const GbaCart *c, uint32_t window_offset)
{
    return (uint32_t)c->flash_bank * FLASH_BANK_SIZE + window_offset;
}

static uint8_t flash_id_byte(const GbaCart *c, uint32_t window_offset)
{
    uint16_t id = c->save_type == GBA_SAVE_FLASH128 ? GBA_FLASH_ID_SANYO_128K : GBA_FLASH_ID_PANASONIC_64K;
    return (uint8_t)(window_offset == 0 ? id : id >> 8);
}

static uint8_t flash_read(GbaCart *c, uint32_t window_offset)
{
    if (c->flash_id_mode && window_offset < 2)
        return flash_id_byte(c, window_offset);
    return c->save[flash_index(c, window_offset)];
}

static void flash_erase(GbaCart *c, uint32_t first, uint32_t len)
{
    for (uint32_t i = first; i < first + len; i++)
        set_save_byte(c, i, 0xff);
}

/* Programming a Flash cell can only clear bits (an erased byte, 0xff,
 * takes the value exactly): games erase before they program. */
static void flash_program(GbaCart *c, uint32_t window_offset, uint8_t value)
{
    uint32_t i = flash_index(c, window_offset);
    set_save_byte(c, i, c->save[i] & value);
}

/* The byte after AA/55: a command at 0x5555, or with an erase armed the
 * erase target (0x10 at 0x5555: chip; 0x30 at a sector's base: sector). */
static void flash_command(GbaCart *c, uint32_t window_offset, uint8_t value)
{
    if (c->flash_erase_armed) {
        c->flash_erase_armed = false;
        if (value == FLASH_CMD_ERASE_CHIP && window_offset == FLASH_ADDR_A)
            flash_erase(c, 0, gba_save_type_size(c->save_type));
        else if (value == FLASH_CMD_ERASE_SECTOR)
            flash_erase(c, flash_index(c, window_offset & ~(FLASH_SECTOR_SIZE - 1)), FLASH_SECTOR_SIZE);
        return;
    }
    if (window_offset != FLASH_ADDR_A)
        return;
    switch (value) {
    case FLASH_CMD_ID_ENTER: c->flash_id_mode = true; break;
    case FLASH_CMD_ID_EXIT: c->flash_id_mode = false; break;
    case FLASH_CMD_ERASE: c->flash_erase_armed = true; break;
    case FLASH_CMD_PROGRAM: c->flash_program_pending = true; break;
    case FLASH_CMD_BANK: c->flash_bank_pending = c->save_type == GBA_SAVE_FLASH128; break;
    default: break;
    }
}

static void flash_write(GbaCart *c, uint32_t window_offset, uint8_t value)
{
    if (c->flash_program_pending) {
        c->flash_program_pending = false;
        flash_program(c, window_offset, value);
        return;
    }
    if (c->flash_bank_pending && window_offset == 0) {
        c->flash_bank_pending = false;
        c->flash_bank = value & 1;
        return;
    }
    switch (c->flash_state) {
    case GBA_FLASH_IDLE:
        if (window_offset == FLASH_ADDR_A && value == FLASH_UNLOCK_A)
            c->flash_state = GBA_FLASH_UNLOCK1;
        else if (value == FLASH_CMD_ID_EXIT)
            c->flash_id_mode = false; /* a lone F0 ends ID mode or a timed-out command */
        return;
    case GBA_FLASH_UNLOCK1:
        c->flash_state = window_offset == FLASH_ADDR_B && value == FLASH_UNLOCK_B ? GBA_FLASH_UNLOCK2 : GBA_FLASH_IDLE;
        return;
    default:
        c->flash_state = GBA_FLASH_IDLE;
        flash_command(c, window_offset, value);
        return;
    }
}

/* --- the 0x0E000000 region ----------------------------------------------- */

uint8_t gba_cart_backup_read(GbaCart *c, uint32_t offset)
{
    offset &= WINDOW_SIZE - 1;
    if (c->save_type == GBA_SAVE_SRAM)
        return c->save[offset & (SRAM_SIZE - 1)];
    if (is_flash(c))
        return flash_read(c, offset);
    return 0xff; /* nothing drives the bus */
}

void gba_cart_backup_write(GbaCart *c, uint32_t offset, uint8_t value)
{
    offset &= WINDOW_SIZE - 1;
    if (c->save_type == GBA_SAVE_SRAM)
        set_save_byte(c, offset & (SRAM_SIZE - 1), value);
    else if (is_flash(c))
        flash_write(c, offset, value);
}

/* --- EEPROM -------------------------------------------------------------- */

bool gba_cart_is_eeprom(const GbaCart *c, uint32_t addr)
{
    if (!is_eeprom_type(c->save_type) || addr < 0x0d000000u || addr > 0x0dffffffu)
        return false;
    return c->rom_size <= 16u * 1024 * 1024 || addr >= 0x0dffff00u;
}

/* Request bits [first, first + count) as a number, first bit most significant. */
static uint64_t request_field(const GbaCart *c, unsigned first, unsigned count)
{
    uint64_t v = 0;
    for (unsigned i = first; i < first + count; i++)
        v = v << 1 | c->eeprom_request[i];
    return v;
}

/* The first request of the game tells the chip's size: 6 address bits
 * address 512 bytes, 14 bits (of which the low 10 count) 8 KiB. */
static void learn_width(GbaCart *c, unsigned width)
{
    if (c->eeprom_addr_width)
        return;
    c->eeprom_addr_width = (uint8_t)width;
    c->save_type = width == 6 ? GBA_SAVE_EEPROM512 : GBA_SAVE_EEPROM8K;
}

static uint32_t eeprom_unit_offset(const GbaCart *c, unsigned width)
{
    uint32_t addr = (uint32_t)request_field(c, 2, width);
    uint32_t units = (width == 6 ? 512u : 8192u) / EEPROM_UNIT_BYTES;
    return (addr & (units - 1)) * EEPROM_UNIT_BYTES;
}

static void eeprom_start_read(GbaCart *c, unsigned width)
{
    learn_width(c, width);
    uint32_t at = eeprom_unit_offset(c, width);
    c->eeprom_read_data = 0;
    for (unsigned i = 0; i < EEPROM_UNIT_BYTES; i++)
        c->eeprom_read_data = c->eeprom_read_data << 8 | c->save[at + i];
    c->eeprom_reading = true;
    c->eeprom_read_pos = 0;
}

static void eeprom_commit_write(GbaCart *c, unsigned width)
{
    learn_width(c, width);
    uint32_t at = eeprom_unit_offset(c, width);
    for (unsigned i = 0; i < EEPROM_UNIT_BYTES; i++)
        set_save_byte(c, at + i, (uint8_t)request_field(c, 2 + width + 8 * i, 8));
}

static void clear_request(GbaCart *c)
{
    c->eeprom_request_bits = 0;
}

/* Width of a request of nbits bits, from its length alone (0: neither). */
static unsigned width_from_length(unsigned nbits, unsigned code)
{
    for (unsigned width = 6; width <= 14; width += 8) {
        unsigned want = code == EEPROM_REQ_READ ? READ_REQUEST_BITS(width) : WRITE_REQUEST_BITS(width);
        if (nbits == want)
            return width;
    }
    return 0;
}

/* A read ends the request being shifted in: its length says what it was.
 * Anything that is neither a read nor a write request is dropped. */
static void finish_request(GbaCart *c)
{
    unsigned nbits = c->eeprom_request_bits;
    clear_request(c);
    if (nbits < 2)
        return;
    unsigned code = (unsigned)request_field(c, 0, 2);
    unsigned width = width_from_length(nbits, code);
    if (!width)
        return;
    if (code == EEPROM_REQ_READ)
        eeprom_start_read(c, width);
    else if (code == EEPROM_REQ_WRITE && request_field(c, nbits - 1, 1) == 0)
        eeprom_commit_write(c, width);
}

/* A write request is complete without waiting for a read once it reaches
 * the length of the width in use, or the longest length there is. */
static bool write_request_complete(const GbaCart *c)
{
    unsigned nbits = c->eeprom_request_bits;
    if (nbits < 2 || request_field(c, 0, 2) != EEPROM_REQ_WRITE)
        return false;
    if (c->eeprom_addr_width)
        return nbits == WRITE_REQUEST_BITS(c->eeprom_addr_width);
    return nbits == GBA_EEPROM_MAX_REQUEST_BITS;
}

void gba_cart_eeprom_write(GbaCart *c, uint16_t value)
{
    if (!is_eeprom_type(c->save_type))
        return; /* no EEPROM on this cartridge: the bus goes nowhere */
    c->eeprom_reading = false; /* a new request abandons an unfinished read */
    if (c->eeprom_request_bits >= GBA_EEPROM_MAX_REQUEST_BITS)
        clear_request(c); /* overlong garbage: start over */
    c->eeprom_request[c->eeprom_request_bits++] = value & 1;
    if (write_request_complete(c))
        finish_request(c);
}

uint16_t gba_cart_eeprom_read(GbaCart *c)
{
    if (!is_eeprom_type(c->save_type))
        return 1;
    if (c->eeprom_request_bits)
        finish_request(c);
    if (!c->eeprom_reading)
        return 1; /* idle, or a write finished: ready */
    unsigned pos = c->eeprom_read_pos++;
    if (c->eeprom_read_pos == GBA_EEPROM_READ_BITS)
        c->eeprom_reading = false;
    if (pos < EEPROM_DUMMY_BITS)
        return 0;
    return (uint16_t)(c->eeprom_read_data >> (63 - (pos - EEPROM_DUMMY_BITS)) & 1);
}

/* --- snapshot state ------------------------------------------------------- */

_Static_assert(sizeof(GbaSaveType) == sizeof(uint32_t), "save_type travels as a u32");

static bool gba_cart_state_check(const void *staged, char *err, size_t errlen)
{
    const GbaCart *c = staged;
    if (c->flash_bank && c->save_type != GBA_SAVE_FLASH128) {
        snprintf(err, errlen, "Flash bank %u selected on a %s chip", c->flash_bank, gba_save_type_name(c->save_type));
        return false;
    }
    unsigned w = c->eeprom_addr_width;
    if (w != 0 && w != 6 && w != 14) {
        snprintf(err, errlen, "EEPROM address width %u is neither 6 nor 14", w);
        return false;
    }
    if (w && (c->save_type != (w == 6 ? GBA_SAVE_EEPROM512 : GBA_SAVE_EEPROM8K))) {
        snprintf(err, errlen, "EEPROM address width %u does not match a %s chip", w, gba_save_type_name(c->save_type));
        return false;
    }
    if (c->eeprom_reading && c->eeprom_read_pos >= GBA_EEPROM_READ_BITS) {
        snprintf(err, errlen, "EEPROM read position %u past the %u bits of a read", c->eeprom_read_pos,
                 GBA_EEPROM_READ_BITS);
        return false;
    }
    return true;
}

static const VmsField gba_cart_fields[] = {
    /* An enum has no VmsType of its own: described by hand as the u32 it is. */
    {"save_type", VMS_T_U32, offsetof(GbaCart, save_type), 1, GBA_SAVE_EEPROM8K, 0, NULL, 0},
    VMS(GbaCart, save),
    VMS(GbaCart, save_dirty),
    VMS_MAX(GbaCart, flash_state, GBA_FLASH_UNLOCK2),
    VMS_MAX(GbaCart, flash_bank, 1),
    VMS(GbaCart, flash_id_mode),
    VMS(GbaCart, flash_erase_armed),
    VMS(GbaCart, flash_program_pending),
    VMS(GbaCart, flash_bank_pending),
    VMS_MAX(GbaCart, eeprom_request, 1),
    VMS_MAX(GbaCart, eeprom_request_bits, GBA_EEPROM_MAX_REQUEST_BITS),
    VMS(GbaCart, eeprom_reading),
    VMS_MAX(GbaCart, eeprom_read_pos, GBA_EEPROM_READ_BITS),
    VMS(GbaCart, eeprom_read_data),
    VMS_MAX(GbaCart, eeprom_addr_width, 14),
};
const VmsDesc gba_cart_vmstate = VMS_DESC("gba-cart", 1, GbaCart, gba_cart_fields, gba_cart_state_check);
