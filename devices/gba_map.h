/*
 * The Game Boy Advance as constant data: memory map, I/O register offsets,
 * interrupt bits and video timing (GBATEK).  Shared by the board
 * (devices/gba.c) and its parts (PPU, APU, HLE BIOS, cartridge).
 */
#ifndef SCION_GBA_MAP_H
#define SCION_GBA_MAP_H

/* --- memory map ------------------------------------------------------------ */
#define GBA_BIOS_BASE 0x00000000u
#define GBA_BIOS_SIZE 0x4000u
#define GBA_EWRAM_BASE 0x02000000u
#define GBA_EWRAM_SIZE 0x40000u /* mirrored over 0x02000000-0x02ffffff */
#define GBA_IWRAM_BASE 0x03000000u
#define GBA_IWRAM_SIZE 0x8000u  /* mirrored over 0x03000000-0x03ffffff */
#define GBA_IO_BASE 0x04000000u
#define GBA_IO_SIZE 0x400u
#define GBA_PALETTE_BASE 0x05000000u
#define GBA_PALETTE_SIZE 0x400u /* mirrored every 1 KiB */
#define GBA_VRAM_BASE 0x06000000u
#define GBA_VRAM_SIZE 0x18000u  /* 96 KiB, mirrored every 128 KiB (upper 32 KiB repeat) */
#define GBA_OAM_BASE 0x07000000u
#define GBA_OAM_SIZE 0x400u     /* mirrored every 1 KiB */
#define GBA_ROM_BASE 0x08000000u /* wait state 0; 0x0a000000 WS1, 0x0c000000 WS2 */
#define GBA_ROM_MAX 0x2000000u
#define GBA_SRAM_BASE 0x0e000000u /* SRAM / Flash, 8-bit bus */

/* BIOS-owned words at the top of IWRAM (the IRQ handler pointer and the
 * interrupt flags IntrWait looks at), as guest addresses. */
#define GBA_IRQ_HANDLER_PTR 0x03007ffcu
#define GBA_BIOS_IF 0x03007ff8u

/* --- I/O registers (offsets from GBA_IO_BASE) ----------------------------- */
enum {
    GBA_REG_DISPCNT = 0x000,
    GBA_REG_GREENSWAP = 0x002,
    GBA_REG_DISPSTAT = 0x004,
    GBA_REG_VCOUNT = 0x006,
    GBA_REG_BG0CNT = 0x008, /* BG0CNT..BG3CNT at 0x008, 0x00a, 0x00c, 0x00e */
    GBA_REG_BG0HOFS = 0x010, /* BGnHOFS at 0x010 + 4n, BGnVOFS at 0x012 + 4n */
    GBA_REG_BG2PA = 0x020,   /* BG2 PA, PB, PC, PD, then X (32 bit), Y (32 bit) */
    GBA_REG_BG2X = 0x028,
    GBA_REG_BG2Y = 0x02c,
    GBA_REG_BG3PA = 0x030,
    GBA_REG_BG3X = 0x038,
    GBA_REG_BG3Y = 0x03c,
    GBA_REG_WIN0H = 0x040,
    GBA_REG_WIN1H = 0x042,
    GBA_REG_WIN0V = 0x044,
    GBA_REG_WIN1V = 0x046,
    GBA_REG_WININ = 0x048,
    GBA_REG_WINOUT = 0x04a,
    GBA_REG_MOSAIC = 0x04c,
    GBA_REG_BLDCNT = 0x050,
    GBA_REG_BLDALPHA = 0x052,
    GBA_REG_BLDY = 0x054,
    GBA_REG_SOUND_FIRST = 0x060, /* SOUND1CNT_L .. FIFO_B: the APU's */
    GBA_REG_SOUNDCNT_L = 0x080,
    GBA_REG_SOUNDCNT_H = 0x082,
    GBA_REG_SOUNDCNT_X = 0x084,
    GBA_REG_SOUNDBIAS = 0x088,
    GBA_REG_WAVE_RAM = 0x090,
    GBA_REG_FIFO_A = 0x0a0,
    GBA_REG_FIFO_B = 0x0a4,
    GBA_REG_SOUND_END = 0x0a8,
    GBA_REG_DMA0SAD = 0x0b0, /* channel n at 0x0b0 + 12n: SAD, DAD, CNT_L, CNT_H */
    GBA_REG_TM0CNT_L = 0x100, /* timer n at 0x100 + 4n: reload/counter, control */
    GBA_REG_SIODATA32 = 0x120,
    GBA_REG_SIOCNT = 0x128,
    GBA_REG_KEYINPUT = 0x130,
    GBA_REG_KEYCNT = 0x132,
    GBA_REG_RCNT = 0x134,
    GBA_REG_IE = 0x200,
    GBA_REG_IF = 0x202,
    GBA_REG_WAITCNT = 0x204,
    GBA_REG_IME = 0x208,
    GBA_REG_POSTFLG = 0x300,
    GBA_REG_HALTCNT = 0x301,
};

/* --- interrupts (IE / IF bits) -------------------------------------------- */
enum {
    GBA_IRQ_VBLANK = 1u << 0,
    GBA_IRQ_HBLANK = 1u << 1,
    GBA_IRQ_VCOUNT = 1u << 2,
    GBA_IRQ_TIMER0 = 1u << 3, /* timer n: bit 3 + n */
    GBA_IRQ_SERIAL = 1u << 7,
    GBA_IRQ_DMA0 = 1u << 8,   /* DMA n: bit 8 + n */
    GBA_IRQ_KEYPAD = 1u << 12,
    GBA_IRQ_GAMEPAK = 1u << 13,
};

/* --- keys (KEYINPUT bits, 0 = pressed) ------------------------------------ */
enum {
    GBA_KEY_A = 1u << 0,
    GBA_KEY_B = 1u << 1,
    GBA_KEY_SELECT = 1u << 2,
    GBA_KEY_START = 1u << 3,
    GBA_KEY_RIGHT = 1u << 4,
    GBA_KEY_LEFT = 1u << 5,
    GBA_KEY_UP = 1u << 6,
    GBA_KEY_DOWN = 1u << 7,
    GBA_KEY_R = 1u << 8,
    GBA_KEY_L = 1u << 9,
    GBA_KEYS_ALL = 0x3ffu,
};

/* --- video timing (CPU cycles at 16.78 MHz) -------------------------------- */
#define GBA_CPU_HZ 16777216u
#define GBA_SCREEN_W 240
#define GBA_SCREEN_H 160
#define GBA_LINES 228
#define GBA_CYCLES_HDRAW 1006u /* HBlank flag set after this many cycles of a line */
#define GBA_CYCLES_LINE 1232u
#define GBA_CYCLES_FRAME (GBA_CYCLES_LINE * GBA_LINES) /* 280896: 59.73 frames/s */

#endif
