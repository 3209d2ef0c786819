/*
 * GBA registers for the test ROMs' C code (GBATEK).  Addresses only; the
 * bit meanings the tests rely on are named where they are used.
 */
#ifndef GBA_TEST_GBA_H
#define GBA_TEST_GBA_H

#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int32_t s32;

#define REG16(off) (*(volatile u16 *)(0x04000000u + (off)))
#define REG32(off) (*(volatile u32 *)(0x04000000u + (off)))

#define REG_DISPCNT REG16(0x000)
#define REG_DISPSTAT REG16(0x004)
#define REG_VCOUNT REG16(0x006)
#define REG_IE REG16(0x200)
#define REG_IF REG16(0x202)
#define REG_IME REG16(0x208)

/* DMA channel n: source, destination, count, control. */
#define REG_DMA_SAD(n) REG32(0x0b0 + 12 * (n))
#define REG_DMA_DAD(n) REG32(0x0b4 + 12 * (n))
#define REG_DMA_CNT_L(n) REG16(0x0b8 + 12 * (n))
#define REG_DMA_CNT_H(n) REG16(0x0ba + 12 * (n))

/* Timer n: reload (write) / counter (read), control. */
#define REG_TM_CNT_L(n) REG16(0x100 + 4 * (n))
#define REG_TM_CNT_H(n) REG16(0x102 + 4 * (n))

#define DISPSTAT_VBLANK 0x0001u
#define DISPSTAT_HBLANK 0x0002u
#define DISPSTAT_VCOUNT 0x0004u
#define DISPSTAT_VBLANK_IRQ 0x0008u
#define DISPSTAT_HBLANK_IRQ 0x0010u
#define DISPSTAT_VCOUNT_IRQ 0x0020u

#define IRQ_VBLANK 0x0001u
#define IRQ_HBLANK 0x0002u
#define IRQ_VCOUNT 0x0004u
#define IRQ_TIMER(n) (0x0008u << (n))
#define IRQ_DMA(n) (0x0100u << (n))

#define VRAM ((volatile u16 *)0x06000000u)
#define SCREEN_W 240
#define SCREEN_H 160

/* Words the BIOS owns at the top of IWRAM. */
#define BIOS_IRQ_FLAGS (*(volatile u32 *)0x03007ff8u)
#define BIOS_IRQ_HANDLER (*(void (*volatile *)(void))0x03007ffcu)

/* Where the emulator's test harness finds the verdict. */
#define RESULT_MAILBOX ((volatile u32 *)0x0203fff0u)
#define RESULT_MAGIC 0x524e4353u /* "SCNR" */

/* Compiler barrier: memory written by DMA must be re-read after it. */
#define barrier() __asm__ volatile("" ::: "memory")

#endif
