/*
 * GBA BIOS software interrupts: the dispatcher, the reset, halt, memory
 * copy and misc functions (GBATEK "BIOS Functions").  The arithmetic and
 * affine functions are in gba_bios_math.c, the decompressors in
 * gba_bios_decomp.c.
 */
#include <math.h>
#include <stddef.h>

#include "devices/gba_bios.h"
#include "devices/gba_map.h"

#define IO(reg) (GBA_IO_BASE + (reg))

/* Memory copies are 21-bit counts with mode bits above (GBATEK CpuSet). */
#define CPUSET_COUNT_MASK 0x1fffffu
#define CPUSET_FILL (1u << 24)
#define CPUSET_WORDS (1u << 26)

/* SOUNDBIAS bits 1-9 hold the level; SoundBias moves it to 0 or 0x200. */
#define SOUNDBIAS_LEVEL_MASK 0x3ffu
#define SOUNDBIAS_LEVEL_HIGH 0x200u

/* I/O registers outside gba_map.h's list, by offset (GBATEK). */
enum {
    REG_SIOCNT_END = 0x12c + 4, /* SIOCNT, SIODATA8 and padding */
    REG_JOY_FIRST = 0x140,      /* JOYCNT .. JOYSTAT */
    REG_JOY_END = 0x15c,
    REG_DMA_END = 0x0e0,
    REG_TIMER_END = 0x110,
    REG_RCNT_GPIO = 0x8000, /* RCNT bits 15-14 = 10: general-purpose mode */
    DISPCNT_FORCED_BLANK = 0x0080,
    AFFINE_ONE = 0x100, /* 1.0 in the 8.8 BG matrices */
};

/* --- helpers ---------------------------------------------------------------- */

static void zero_words(const GbaBiosBus *bus, uint32_t addr, uint32_t bytes)
{
    for (uint32_t off = 0; off < bytes; off += 4)
        gba_bios_wr(bus, addr + off, 0, 4);
}

/* A word store costs one cycle plus the memory's wait states, and the
 * loop around it a few more: about 4 cycles per word over RAM and I/O. */
static uint32_t zeroing_cycles(uint32_t bytes)
{
    return bytes;
}

/* --- reset ------------------------------------------------------------------ */

/* Continues at EWRAM if the flag byte at 0x03007ffa was set, else ROM; the
 * BIOS RAM at the top of IWRAM is cleared and r0-r12 zeroed (GBATEK). */
static GbaSwiAction soft_reset(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    bool to_ram = gba_bios_rd(bus, GBA_BIOS_RESET_FLAG, 1) != 0;
    zero_words(bus, GBA_BIOS_RAM_BASE, GBA_BIOS_RAM_SIZE);
    for (unsigned i = 1; i <= 12; i++)
        r[i] = 0;
    r[0] = r[14] = to_ram ? GBA_EWRAM_BASE : GBA_ROM_BASE;
    *cycles = GBA_BIOS_MIN_CYCLES + zeroing_cycles(GBA_BIOS_RAM_SIZE);
    return GBA_SWI_SOFT_RESET;
}

static uint32_t reset_sio(const GbaBiosBus *bus)
{
    zero_words(bus, IO(GBA_REG_SIODATA32), REG_SIOCNT_END - GBA_REG_SIODATA32);
    zero_words(bus, IO(REG_JOY_FIRST), REG_JOY_END - REG_JOY_FIRST);
    gba_bios_wr(bus, IO(GBA_REG_RCNT), REG_RCNT_GPIO, 2);
    return 64;
}

/* SOUNDCNT_X goes last: powering the APU off is what clears its PSG
 * registers, which ignore writes while it is off. */
static uint32_t reset_sound(const GbaBiosBus *bus)
{
    zero_words(bus, IO(GBA_REG_SOUND_FIRST), GBA_REG_SOUNDBIAS - GBA_REG_SOUND_FIRST);
    zero_words(bus, IO(GBA_REG_WAVE_RAM), GBA_REG_SOUND_END - GBA_REG_WAVE_RAM);
    gba_bios_wr(bus, IO(GBA_REG_SOUNDBIAS), SOUNDBIAS_LEVEL_HIGH, 2); /* its power-on value */
    gba_bios_wr(bus, IO(GBA_REG_SOUNDCNT_X), 0, 2);
    return 128;
}

/* Everything but SIO and sound: video (DISPCNT keeps its forced blank,
 * the BG matrices become identities), DMA, timers, KEYCNT, IE, IF (all
 * acknowledged: IF bits clear on writing 1), WAITCNT, IME. */
static uint32_t reset_other_registers(const GbaBiosBus *bus)
{
    gba_bios_wr(bus, IO(GBA_REG_GREENSWAP), 0, 2);
    zero_words(bus, IO(GBA_REG_DISPSTAT), GBA_REG_SOUND_FIRST - GBA_REG_DISPSTAT);
    gba_bios_wr(bus, IO(GBA_REG_BG2PA), AFFINE_ONE, 2);
    gba_bios_wr(bus, IO(GBA_REG_BG2PA + 6), AFFINE_ONE, 2);
    gba_bios_wr(bus, IO(GBA_REG_BG3PA), AFFINE_ONE, 2);
    gba_bios_wr(bus, IO(GBA_REG_BG3PA + 6), AFFINE_ONE, 2);
    zero_words(bus, IO(GBA_REG_DMA0SAD), REG_DMA_END - GBA_REG_DMA0SAD);
    zero_words(bus, IO(GBA_REG_TM0CNT_L), REG_TIMER_END - GBA_REG_TM0CNT_L);
    gba_bios_wr(bus, IO(GBA_REG_KEYCNT), 0, 2);
    gba_bios_wr(bus, IO(GBA_REG_IE), 0, 2);
    gba_bios_wr(bus, IO(GBA_REG_IF), 0xffff, 2);
    gba_bios_wr(bus, IO(GBA_REG_WAITCNT), 0, 2);
    gba_bios_wr(bus, IO(GBA_REG_IME), 0, 2);
    return 256;
}

typedef struct RamArea {
    uint32_t base, size;
} RamArea;

/* r0 bits 0-4, in order; IWRAM spares the BIOS RAM at its top. */
static const RamArea reset_areas[] = {
    {GBA_EWRAM_BASE, GBA_EWRAM_SIZE},     {GBA_IWRAM_BASE, GBA_IWRAM_SIZE - GBA_BIOS_RAM_SIZE},
    {GBA_PALETTE_BASE, GBA_PALETTE_SIZE}, {GBA_VRAM_BASE, GBA_VRAM_SIZE},
    {GBA_OAM_BASE, GBA_OAM_SIZE},
};

/* The BIOS forces the screen blank whatever r0 says (GBATEK).  Its bug of
 * always clobbering SIODATA32's low bits is not reproduced. */
static GbaSwiAction register_ram_reset(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    uint32_t flags = r[0];
    uint32_t spent = GBA_BIOS_MIN_CYCLES;
    gba_bios_wr(bus, IO(GBA_REG_DISPCNT), DISPCNT_FORCED_BLANK, 2);
    for (unsigned i = 0; i < sizeof reset_areas / sizeof reset_areas[0]; i++) {
        if (flags & (1u << i)) {
            zero_words(bus, reset_areas[i].base, reset_areas[i].size);
            spent += zeroing_cycles(reset_areas[i].size);
        }
    }
    if (flags & (1u << 5))
        spent += reset_sio(bus);
    if (flags & (1u << 6))
        spent += reset_sound(bus);
    if (flags & (1u << 7))
        spent += reset_other_registers(bus);
    *cycles = spent;
    return GBA_SWI_DONE;
}

/* --- halt and interrupt waits ---------------------------------------------- */

static GbaSwiAction halt(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)r, (void)bus;
    *cycles = GBA_BIOS_MIN_CYCLES;
    return GBA_SWI_HALT;
}

static GbaSwiAction stop(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)r, (void)bus;
    *cycles = GBA_BIOS_MIN_CYCLES;
    return GBA_SWI_STOP;
}

/* IntrWait forces IME=1 and, when r0 asks to wait for a new interrupt,
 * first discards the awaited flags; the board does the waiting. */
static GbaSwiAction intr_wait(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    gba_bios_wr(bus, IO(GBA_REG_IME), 1, 2);
    if (r[0] != 0) {
        uint32_t flags = gba_bios_rd(bus, GBA_BIOS_IF, 2);
        gba_bios_wr(bus, GBA_BIOS_IF, flags & ~r[1] & 0xffffu, 2);
    }
    *cycles = GBA_BIOS_MIN_CYCLES;
    return GBA_SWI_INTR_WAIT;
}

static GbaSwiAction vblank_intr_wait(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    r[0] = 1;
    r[1] = GBA_IRQ_VBLANK;
    return intr_wait(r, bus, cycles);
}

/* CustomHalt writes r2's low byte to HALTCNT: bit 7 selects Stop. */
static GbaSwiAction custom_halt(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    return (r[2] & 0x80) ? stop(r, bus, cycles) : halt(r, bus, cycles);
}

bool gba_bios_intr_acknowledged(const GbaBiosBus *bus, uint16_t mask)
{
    uint32_t flags = gba_bios_rd(bus, GBA_BIOS_IF, 2);
    if (!(flags & mask))
        return false;
    gba_bios_wr(bus, GBA_BIOS_IF, flags & ~(uint32_t)mask & 0xffffu, 2);
    return true;
}

/* --- arithmetic ------------------------------------------------------------ */

static void store_div(uint32_t r[16], int32_t num, int32_t den)
{
    GbaDivResult d = gba_bios_div(num, den);
    r[0] = (uint32_t)d.quot;
    r[1] = (uint32_t)d.rem;
    r[3] = d.abs_quot;
}

static GbaSwiAction div_swi(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)bus;
    store_div(r, (int32_t)r[0], (int32_t)r[1]);
    *cycles = GBA_BIOS_MIN_CYCLES + 60;
    return GBA_SWI_DONE;
}

static GbaSwiAction div_arm(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)bus;
    store_div(r, (int32_t)r[1], (int32_t)r[0]);
    *cycles = GBA_BIOS_MIN_CYCLES + 63; /* 3 more than Div (GBATEK) */
    return GBA_SWI_DONE;
}

static GbaSwiAction sqrt_swi(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)bus;
    r[0] = gba_bios_sqrt(r[0]);
    *cycles = GBA_BIOS_MIN_CYCLES + 100;
    return GBA_SWI_DONE;
}

static GbaSwiAction arctan(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)bus;
    r[0] = (uint32_t)gba_bios_arctan((int32_t)r[0]);
    *cycles = GBA_BIOS_MIN_CYCLES + 60;
    return GBA_SWI_DONE;
}

static GbaSwiAction arctan2(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)bus;
    r[0] = gba_bios_arctan2((int32_t)r[0], (int32_t)r[1]);
    *cycles = GBA_BIOS_MIN_CYCLES + 130;
    return GBA_SWI_DONE;
}

/* --- memory copy ----------------------------------------------------------- */

/* The GBA BIOS silently refuses to read from itself (GBATEK): a source
 * starting below EWRAM, or a copy whose end wraps around to there. */
static bool reads_bios(uint32_t src, uint32_t bytes)
{
    return src < GBA_EWRAM_BASE || src + (bytes - 1) < GBA_EWRAM_BASE;
}

static void copy_units(const GbaBiosBus *bus, uint32_t src, uint32_t dst, uint32_t count, unsigned unit,
                       bool fill)
{
    uint32_t value = fill ? gba_bios_rd(bus, src, unit) : 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!fill)
            value = gba_bios_rd(bus, src + i * unit, unit);
        gba_bios_wr(bus, dst + i * unit, value, unit);
    }
}

static GbaSwiAction cpu_set(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    unsigned unit = (r[2] & CPUSET_WORDS) ? 4 : 2;
    bool fill = r[2] & CPUSET_FILL;
    uint32_t count = r[2] & CPUSET_COUNT_MASK;
    uint32_t src = r[0] & ~(uint32_t)(unit - 1);
    uint32_t dst = r[1] & ~(uint32_t)(unit - 1);
    *cycles = GBA_BIOS_MIN_CYCLES;
    if (count == 0 || reads_bios(src, fill ? unit : count * unit))
        return GBA_SWI_DONE;
    copy_units(bus, src, dst, count, unit, fill);
    *cycles += count * (fill ? 4 : 8);
    return GBA_SWI_DONE;
}

/* Words in blocks of 8: the count is rounded up (GBATEK). */
static GbaSwiAction cpu_fast_set(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    bool fill = r[2] & CPUSET_FILL;
    uint32_t count = ((r[2] & CPUSET_COUNT_MASK) + 7) & ~7u;
    uint32_t src = r[0] & ~3u;
    uint32_t dst = r[1] & ~3u;
    *cycles = GBA_BIOS_MIN_CYCLES;
    if (count == 0 || reads_bios(src, fill ? 4 : count * 4))
        return GBA_SWI_DONE;
    copy_units(bus, src, dst, count, 4, fill);
    *cycles += count * (fill ? 2 : 4);
    return GBA_SWI_DONE;
}

/* --- misc ------------------------------------------------------------------ */

static GbaSwiAction get_bios_checksum(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    (void)bus;
    r[0] = GBA_BIOS_CHECKSUM;
    *cycles = GBA_BIOS_MIN_CYCLES + 4 * (GBA_BIOS_SIZE / 4); /* it sums the whole ROM */
    return GBA_SWI_DONE;
}

/* The real BIOS steps the level with short delays; an immediate set is
 * indistinguishable to games at our sample rate. */
static GbaSwiAction sound_bias(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    uint32_t bias = gba_bios_rd(bus, IO(GBA_REG_SOUNDBIAS), 2);
    uint32_t level = r[0] ? SOUNDBIAS_LEVEL_HIGH : 0;
    gba_bios_wr(bus, IO(GBA_REG_SOUNDBIAS), (bias & ~SOUNDBIAS_LEVEL_MASK & 0xffffu) | level, 2);
    *cycles = GBA_BIOS_MIN_CYCLES + 8 * 0x200; /* a fixed delay of 8 per step (GBATEK) */
    return GBA_SWI_DONE;
}

/* WaveData.freq (at r0 + 4) / 2^((180 - key - fine/256) / 12), the
 * formula GBATEK gives for the field (key 180 plays at the sample's own
 * rate); rounded down, and saturated where the real table would wrap. */
static GbaSwiAction midi_key_2_freq(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    double freq = gba_bios_rd(bus, r[0] + 4, 4);
    double semitones = 180.0 - (double)(r[1] & 0xff) - (double)(r[2] & 0xff) / 256.0;
    double result = floor(freq / exp2(semitones / 12.0));
    r[0] = result >= 4294967295.0 ? 0xffffffffu : (uint32_t)result;
    *cycles = GBA_BIOS_MIN_CYCLES + 80;
    return GBA_SWI_DONE;
}

/* --- the decompressors' and affine functions' register interface ---------- */

static GbaSwiAction bg_affine_set(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_bg_affine_set(bus, r[0], r[1], r[2]);
    return GBA_SWI_DONE;
}

static GbaSwiAction obj_affine_set(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_obj_affine_set(bus, r[0], r[1], r[2], r[3]);
    return GBA_SWI_DONE;
}

static GbaSwiAction bit_unpack(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_bit_unpack(bus, r[0], r[1], r[2]);
    return GBA_SWI_DONE;
}

static GbaSwiAction lz77_wram(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_lz77_uncomp(bus, r[0], r[1], false);
    return GBA_SWI_DONE;
}

static GbaSwiAction lz77_vram(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_lz77_uncomp(bus, r[0], r[1], true);
    return GBA_SWI_DONE;
}

static GbaSwiAction huff(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_huff_uncomp(bus, r[0], r[1]);
    return GBA_SWI_DONE;
}

static GbaSwiAction rl_wram(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_rl_uncomp(bus, r[0], r[1], false);
    return GBA_SWI_DONE;
}

static GbaSwiAction rl_vram(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_rl_uncomp(bus, r[0], r[1], true);
    return GBA_SWI_DONE;
}

static GbaSwiAction diff8_wram(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_diff8_unfilter(bus, r[0], r[1], false);
    return GBA_SWI_DONE;
}

static GbaSwiAction diff8_vram(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_diff8_unfilter(bus, r[0], r[1], true);
    return GBA_SWI_DONE;
}

static GbaSwiAction diff16(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = gba_bios_diff16_unfilter(bus, r[0], r[1]);
    return GBA_SWI_DONE;
}

/* --- dispatch -------------------------------------------------------------- */

typedef GbaSwiAction (*SwiFn)(uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles);

typedef struct SwiEntry {
    const char *name;
    SwiFn run; /* NULL: not emulated (the sound driver, MultiBoot, HardReset) */
} SwiEntry;

static const SwiEntry swis[] = {
    [0x00] = {"SoftReset", soft_reset},
    [0x01] = {"RegisterRamReset", register_ram_reset},
    [0x02] = {"Halt", halt},
    [0x03] = {"Stop", stop},
    [0x04] = {"IntrWait", intr_wait},
    [0x05] = {"VBlankIntrWait", vblank_intr_wait},
    [0x06] = {"Div", div_swi},
    [0x07] = {"DivArm", div_arm},
    [0x08] = {"Sqrt", sqrt_swi},
    [0x09] = {"ArcTan", arctan},
    [0x0a] = {"ArcTan2", arctan2},
    [0x0b] = {"CpuSet", cpu_set},
    [0x0c] = {"CpuFastSet", cpu_fast_set},
    [0x0d] = {"GetBiosChecksum", get_bios_checksum},
    [0x0e] = {"BgAffineSet", bg_affine_set},
    [0x0f] = {"ObjAffineSet", obj_affine_set},
    [0x10] = {"BitUnPack", bit_unpack},
    [0x11] = {"LZ77UnCompWram", lz77_wram},
    [0x12] = {"LZ77UnCompVram", lz77_vram},
    [0x13] = {"HuffUnComp", huff},
    [0x14] = {"RLUnCompWram", rl_wram},
    [0x15] = {"RLUnCompVram", rl_vram},
    [0x16] = {"Diff8bitUnFilterWram", diff8_wram},
    [0x17] = {"Diff8bitUnFilterVram", diff8_vram},
    [0x18] = {"Diff16bitUnFilter", diff16},
    [0x19] = {"SoundBias", sound_bias},
    [0x1a] = {"SoundDriverInit", NULL},
    [0x1b] = {"SoundDriverMode", NULL},
    [0x1c] = {"SoundDriverMain", NULL},
    [0x1d] = {"SoundDriverVSync", NULL},
    [0x1e] = {"SoundChannelClear", NULL},
    [0x1f] = {"MidiKey2Freq", midi_key_2_freq},
    [0x20] = {"SoundWhatever0", NULL},
    [0x21] = {"SoundWhatever1", NULL},
    [0x22] = {"SoundWhatever2", NULL},
    [0x23] = {"SoundWhatever3", NULL},
    [0x24] = {"SoundWhatever4", NULL},
    [0x25] = {"MultiBoot", NULL},
    [0x26] = {"HardReset", NULL},
    [0x27] = {"CustomHalt", custom_halt},
    [0x28] = {"SoundDriverVSyncOff", NULL},
    [0x29] = {"SoundDriverVSyncOn", NULL},
    [0x2a] = {"SoundGetJumpList", NULL},
};

#define NSWIS (sizeof swis / sizeof swis[0])

const char *gba_bios_name(unsigned number)
{
    return number < NSWIS ? swis[number].name : NULL;
}

GbaSwiAction gba_bios_swi(unsigned number, uint32_t r[16], const GbaBiosBus *bus, uint32_t *cycles)
{
    *cycles = GBA_BIOS_MIN_CYCLES;
    if (number >= NSWIS || swis[number].run == NULL)
        return GBA_SWI_UNIMPLEMENTED;
    GbaSwiAction action = swis[number].run(r, bus, cycles);
    if (*cycles < GBA_BIOS_MIN_CYCLES)
        *cycles = GBA_BIOS_MIN_CYCLES;
    return action;
}
