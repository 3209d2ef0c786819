/*
 * The GBA PPU's line driver (devices/gba_ppu.h): which layers a mode has,
 * the affine reference points between lines, and the snapshot table.
 */
#include <stdio.h>
#include <string.h>

#include "devices/gba_ppu_internal.h"

#define REF_BITS 28

/* BGxX/BGxY are 28-bit two's complement values in 32-bit registers. */
static int32_t sign_extend_ref(uint32_t v)
{
    v &= (1u << REF_BITS) - 1;
    return (int32_t)(v ^ (1u << (REF_BITS - 1))) - (int32_t)(1u << (REF_BITS - 1));
}

void gba_ppu_reset(GbaPpu *p)
{
    memset(p, 0, sizeof *p);
}

void gba_ppu_ref_written(GbaPpu *p, const uint8_t *io, unsigned bg)
{
    if (bg != 2 && bg != 3)
        return;
    uint32_t x_reg = bg == 2 ? GBA_REG_BG2X : GBA_REG_BG3X;
    p->ref_x[bg - 2] = sign_extend_ref(ppu_rd32(io, x_reg));
    p->ref_y[bg - 2] = sign_extend_ref(ppu_rd32(io, x_reg + 4));
}

void gba_ppu_vblank(GbaPpu *p, const uint8_t *io)
{
    gba_ppu_ref_written(p, io, 2);
    gba_ppu_ref_written(p, io, 3);
}

/* Kinds of background a mode gives BG0..BG3. */
typedef enum BgKind { BG_NONE, BG_TEXT, BG_AFFINE, BG_BITMAP } BgKind;

static const uint8_t bg_kinds[8][4] = {
    {BG_TEXT, BG_TEXT, BG_TEXT, BG_TEXT},
    {BG_TEXT, BG_TEXT, BG_AFFINE, BG_NONE},
    {BG_NONE, BG_NONE, BG_AFFINE, BG_AFFINE},
    {BG_NONE, BG_NONE, BG_BITMAP, BG_NONE},
    {BG_NONE, BG_NONE, BG_BITMAP, BG_NONE},
    {BG_NONE, BG_NONE, BG_BITMAP, BG_NONE},
    {BG_NONE, BG_NONE, BG_NONE, BG_NONE}, /* modes 6 and 7 are prohibited: backdrop and OBJs only */
    {BG_NONE, BG_NONE, BG_NONE, BG_NONE},
};

/* With vertical mosaic an affine BG repeats the first line of each block:
 * keep that line's reference points. */
static void latch_mosaic_references(GbaPpu *p, const uint8_t *io, unsigned y)
{
    if (y % ppu_mosaic_size(io, MOSAIC_BG_V) != 0)
        return;
    memcpy(p->mosaic_ref_x, p->ref_x, sizeof p->ref_x);
    memcpy(p->mosaic_ref_y, p->ref_y, sizeof p->ref_y);
}

static void line_reference(const GbaPpu *p, const uint8_t *io, unsigned bg, int32_t *x, int32_t *y)
{
    unsigned i = bg - 2;
    bool mosaic = ppu_rd16(io, GBA_REG_BG0CNT + 2 * bg) & BGCNT_MOSAIC;
    *x = mosaic ? p->mosaic_ref_x[i] : p->ref_x[i];
    *y = mosaic ? p->mosaic_ref_y[i] : p->ref_y[i];
}

static void draw_bg(const GbaPpu *p, const PpuView *m, unsigned mode, unsigned bg, unsigned y, uint16_t *out)
{
    int32_t rx, ry;
    switch (bg_kinds[mode][bg]) {
    case BG_TEXT:
        gba_bg_text_line(m, bg, y, out);
        break;
    case BG_AFFINE:
        line_reference(p, m->io, bg, &rx, &ry);
        gba_bg_affine_line(m, bg, rx, ry, out);
        break;
    case BG_BITMAP:
        line_reference(p, m->io, bg, &rx, &ry);
        gba_bg_bitmap_line(m, mode, rx, ry, out);
        break;
    default:
        break;
    }
}

/* Draws the enabled BGs and lists them front to back: by BGxCNT
 * priority, then by number. */
static void draw_backgrounds(const GbaPpu *p, const PpuView *m, unsigned y, GbaLineLayers *l)
{
    unsigned dispcnt = ppu_rd16(m->io, GBA_REG_DISPCNT);
    unsigned mode = dispcnt & DISPCNT_MODE_MASK;
    l->nbg = 0;
    for (unsigned prio = 0; prio < 4; prio++) {
        for (unsigned bg = 0; bg < 4; bg++) {
            bool enabled = dispcnt >> (DISPCNT_BG_ENABLE_SHIFT + bg) & 1;
            if (!enabled || bg_kinds[mode][bg] == BG_NONE || (ppu_rd16(m->io, GBA_REG_BG0CNT + 2 * bg) & 3) != prio)
                continue;
            draw_bg(p, m, mode, bg, y, l->bg[bg]);
            l->bg_order[l->nbg] = (uint8_t)bg;
            l->bg_prio[l->nbg++] = (uint8_t)prio;
        }
    }
}

/* After each drawn line the reference points move by (PB, PD). */
static void advance_references(GbaPpu *p, const uint8_t *io)
{
    static const uint32_t pa_regs[2] = {GBA_REG_BG2PA, GBA_REG_BG3PA};
    for (unsigned i = 0; i < 2; i++) {
        int32_t pb = (int16_t)ppu_rd16(io, pa_regs[i] + 2), pd = (int16_t)ppu_rd16(io, pa_regs[i] + 6);
        p->ref_x[i] = sign_extend_ref((uint32_t)p->ref_x[i] + (uint32_t)pb);
        p->ref_y[i] = sign_extend_ref((uint32_t)p->ref_y[i] + (uint32_t)pd);
    }
}

/* Copies a 256-colour half of the palette with the transparent indexes
 * marked: every 16th for 16-colour tiles, only the first for 256. */
static void transparent_copies(const uint16_t *half, uint16_t *tiles16, uint16_t *tiles256)
{
    memcpy(tiles16, half, 256 * sizeof *half);
    memcpy(tiles256, half, 256 * sizeof *half);
    for (unsigned i = 0; i < 256; i += 16)
        tiles16[i] = PPU_TRANSPARENT;
    tiles256[0] = PPU_TRANSPARENT;
}

static void decode_palette(GbaPpu *p, const uint8_t *palette)
{
    if (p->palette_valid && !memcmp(p->palette_seen, palette, GBA_PALETTE_SIZE))
        return;
    memcpy(p->palette_seen, palette, GBA_PALETTE_SIZE);
    p->palette_valid = true;
    for (unsigned i = 0; i < 512; i++)
        p->colours[i] = (uint16_t)(ppu_rd16(palette, i * 2) & 0x7fff);
    transparent_copies(p->colours, p->bg_tiles16, p->bg_tiles256);
    transparent_copies(p->colours + 256, p->obj_tiles16, p->obj_tiles256);
}

static void make_view(GbaPpu *p, const GbaPpuMem *mem, PpuView *v)
{
    decode_palette(p, mem->palette);
    *v = (PpuView){mem->vram, mem->oam, mem->io, p->colours, p->bg_tiles16, p->bg_tiles256, p->obj_tiles16,
                   p->obj_tiles256};
}

void gba_ppu_draw_line(GbaPpu *p, const GbaPpuMem *mem, unsigned y, uint32_t *out)
{
    unsigned dispcnt = ppu_rd16(mem->io, GBA_REG_DISPCNT);
    latch_mosaic_references(p, mem->io, y);
    if (dispcnt & DISPCNT_FORCED_BLANK) {
        for (unsigned x = 0; x < GBA_SCREEN_W; x++)
            out[x] = 0xffffff;
    } else {
        PpuView view;
        GbaLineLayers layers;
        make_view(p, mem, &view);
        draw_backgrounds(p, &view, y, &layers);
        layers.obj_on = dispcnt & DISPCNT_OBJ_ENABLE;
        if (layers.obj_on)
            gba_obj_line(&view, y, &layers.obj);
        gba_compose_line(&view, y, &layers, out);
    }
    advance_references(p, mem->io);
}

/* --- snapshot state ----------------------------------------------------- */

/* The reference points are signed; they travel as their 32-bit two's
 * complement, and check() refuses values outside the 28-bit range. */
#define VMS_I32_ARRAY(T, f) {#f, VMS_T_U32, offsetof(T, f), (uint32_t)(sizeof VMS_MEMBER(T, f) / 4), 0, 0, NULL, 0}

static bool ref_in_range(int32_t v)
{
    return v >= -(1 << (REF_BITS - 1)) && v < (1 << (REF_BITS - 1));
}

static bool gba_ppu_check(const void *staged, char *err, size_t errlen)
{
    const GbaPpu *p = staged;
    for (unsigned i = 0; i < 2; i++) {
        if (!ref_in_range(p->ref_x[i]) || !ref_in_range(p->ref_y[i]) || !ref_in_range(p->mosaic_ref_x[i]) ||
            !ref_in_range(p->mosaic_ref_y[i])) {
            snprintf(err, errlen, "gba_ppu: BG%u reference point outside 28 bits", i + 2);
            return false;
        }
    }
    return true;
}

static const VmsField gba_ppu_fields[] = {
    VMS_I32_ARRAY(GbaPpu, ref_x),
    VMS_I32_ARRAY(GbaPpu, ref_y),
    VMS_I32_ARRAY(GbaPpu, mosaic_ref_x),
    VMS_I32_ARRAY(GbaPpu, mosaic_ref_y),
};
const VmsDesc gba_ppu_vmstate = VMS_DESC("gba_ppu", 1, GbaPpu, gba_ppu_fields, gba_ppu_check);
