/*
 * GBA save states through the snapshot stream (snapshot/stream.h): a
 * header naming the machine and the ROM (its SHA-256), then one section
 * per state table and per memory, then the end marker.  Loading stages
 * everything in a copy of the machine and commits only when every section
 * has been read and checked, so a bad state changes nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend/sha256.h"
#include "snapshot/stream.h"
#include "snapshot/vmstate.h"
#include "system/atomic_file.h"
#include "system/gba_board.h"

static bool regs_check(const void *state, char *err, size_t errlen)
{
    const GbaRegs *r = state;
    if (r->line >= GBA_LINES || r->devices_at > r->cycles + GBA_CYCLES_FRAME || r->line_start > r->cycles) {
        snprintf(err, errlen, "board timing out of range (line %u)", r->line);
        return false;
    }
    return true;
}

static const VmsField regs_fields[] = {
    VMS(GbaRegs, ie), VMS(GbaRegs, iflags), VMS_MAX(GbaRegs, ime, 1), VMS(GbaRegs, waitcnt), VMS(GbaRegs, keycnt),
    VMS_MAX(GbaRegs, keys_pressed, GBA_KEYS_ALL), VMS(GbaRegs, line), VMS_MAX(GbaRegs, in_hblank, 1),
    VMS_MAX(GbaRegs, halted, 1), VMS_MAX(GbaRegs, intr_wait, 1), VMS(GbaRegs, intr_wait_mask),
    VMS(GbaRegs, bios_latch), VMS(GbaRegs, line_start), VMS(GbaRegs, devices_at), VMS(GbaRegs, cycles),
    VMS(GbaRegs, frames),
};
static const VmsDesc gba_regs_vmstate = VMS_DESC("gba-board", 1, GbaRegs, regs_fields, regs_check);

static const struct {
    const VmsDesc *desc;
    size_t offset;
} tables[] = {
    {&arm_cpu_vmstate, offsetof(Gba, m.cpu)}, {&gba_regs_vmstate, offsetof(Gba, regs)},
    {&gba_timers_vmstate, offsetof(Gba, timers)}, {&gba_dma_vmstate, offsetof(Gba, dma)},
    {&gba_ppu_vmstate, offsetof(Gba, ppu)}, {&gba_apu_vmstate, offsetof(Gba, apu)},
    {&gba_cart_vmstate, offsetof(Gba, cart)},
};
#define NTABLES (sizeof tables / sizeof tables[0])

static const struct {
    const char *name;
    size_t offset, size;
} memories[] = {
    {"ewram", offsetof(Gba, ewram), GBA_EWRAM_SIZE}, {"iwram", offsetof(Gba, iwram), GBA_IWRAM_SIZE},
    {"io", offsetof(Gba, io), GBA_IO_SIZE}, {"palette", offsetof(Gba, palette), GBA_PALETTE_SIZE},
    {"vram", offsetof(Gba, vram), GBA_VRAM_SIZE}, {"oam", offsetof(Gba, oam), GBA_OAM_SIZE},
};
#define NMEMORIES (sizeof memories / sizeof memories[0])

static void header_text(const Gba *g, char *out, size_t outlen)
{
    uint8_t digest[SHA256_SIZE];
    char hex[2 * SHA256_SIZE + 1];
    sha256(g->cart.rom, g->cart.rom_size, digest);
    for (unsigned i = 0; i < SHA256_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    snprintf(out, outlen, "machine=gba\nrom-sha256=%s\nrom-title=%s\nscion=%s\n", hex, g->cart.title, SCION_VERSION);
}

static void write_state(Gba *g, SnapSink *sink)
{
    char header[512];
    header_text(g, header, sizeof header);
    g->regs.cycles = g->m.cpu.common.icount;
    snap_write_header(sink, header);
    for (size_t i = 0; i < NTABLES; i++) {
        VmsBuf buf = {0};
        vms_encode(tables[i].desc, (const char *)g + tables[i].offset, &buf);
        sink->failed |= buf.failed;
        snap_write_section(sink, tables[i].desc->name, 0, tables[i].desc->version, buf.data, buf.len);
        vms_buf_free(&buf);
    }
    for (size_t i = 0; i < NMEMORIES; i++)
        snap_write_section(sink, memories[i].name, 0, 1, (const char *)g + memories[i].offset, memories[i].size);
    snap_write_end(sink);
}

static bool buf_write(void *opaque, const void *data, size_t len)
{
    VmsBuf *b = opaque;
    vms_buf_put(b, data, len);
    return !b->failed;
}

bool gba_state_to_buffer(Gba *g, uint8_t **out, size_t *len)
{
    VmsBuf buf = {0};
    SnapSink sink = {buf_write, &buf, 0, 0, false};
    jit_hold(g->m.jit, true);
    write_state(g, &sink);
    jit_hold(g->m.jit, false);
    if (sink.failed || buf.failed) {
        vms_buf_free(&buf);
        return false;
    }
    *out = buf.data;
    *len = buf.len;
    return true;
}

bool gba_save_state(Gba *g, const char *path, char *err, size_t errlen)
{
    uint8_t *data;
    size_t len;
    if (!gba_state_to_buffer(g, &data, &len)) {
        snprintf(err, errlen, "out of memory while saving the state");
        return false;
    }
    bool ok = atomic_write_file(path, data, len, err, errlen);
    free(data);
    return ok;
}

/* --- loading ------------------------------------------------------------------------- */

typedef struct MemSource {
    const uint8_t *data;
    size_t len, pos;
} MemSource;

static bool mem_read(void *opaque, void *out, size_t len)
{
    MemSource *m = opaque;
    if (len > m->len - m->pos)
        return false;
    memcpy(out, m->data + m->pos, len);
    m->pos += len;
    return true;
}

static bool check_header(const Gba *g, SnapSource *src, char *err, size_t errlen)
{
    char *text = snap_read_header(src, err, errlen);
    if (!text)
        return false;
    char mine[512], machine[32], rom[2 * SHA256_SIZE + 1], my_rom[2 * SHA256_SIZE + 1];
    header_text(g, mine, sizeof mine);
    bool ok = snap_header_get(text, "machine", machine, sizeof machine) && !strcmp(machine, "gba");
    if (!ok)
        snprintf(err, errlen, "not a GBA save state");
    else if (!snap_header_get(text, "rom-sha256", rom, sizeof rom) ||
             !snap_header_get(mine, "rom-sha256", my_rom, sizeof my_rom) || strcmp(rom, my_rom) != 0) {
        snprintf(err, errlen, "the save state belongs to another ROM");
        ok = false;
    }
    free(text);
    return ok;
}

/* Decode one section into the staged copy; *seen marks what was found. */
static bool stage_section(Gba *staged, const SnapSection *sec, uint32_t *seen, char *err, size_t errlen)
{
    for (size_t i = 0; i < NTABLES; i++) {
        if (strcmp(sec->name, tables[i].desc->name) != 0)
            continue;
        *seen |= 1u << i;
        return vms_decode(tables[i].desc, sec->version, sec->data, sec->len, (char *)staged + tables[i].offset,
                          err, errlen);
    }
    for (size_t i = 0; i < NMEMORIES; i++) {
        if (strcmp(sec->name, memories[i].name) != 0)
            continue;
        if (sec->version != 1 || sec->len != memories[i].size) {
            snprintf(err, errlen, "section '%s' has the wrong size or version", sec->name);
            return false;
        }
        *seen |= 1u << (NTABLES + i);
        memcpy((char *)staged + memories[i].offset, sec->data, sec->len);
        return true;
    }
    snprintf(err, errlen, "unknown section '%s' in the save state", sec->name);
    return false;
}

static bool stage_all(Gba *staged, SnapSource *src, char *err, size_t errlen)
{
    uint32_t seen = 0;
    for (;;) {
        SnapSection sec;
        SnapReadResult r = snap_read_section(src, &sec, err, errlen);
        if (r == SNAP_ERROR)
            return false;
        if (r == SNAP_END)
            break;
        bool ok = stage_section(staged, &sec, &seen, err, errlen);
        snap_section_free(&sec);
        if (!ok)
            return false;
    }
    if (seen != (1u << (NTABLES + NMEMORIES)) - 1) {
        snprintf(err, errlen, "the save state is incomplete");
        return false;
    }
    return true;
}

static void commit(Gba *g, const Gba *staged)
{
    for (size_t i = 0; i < NTABLES; i++)
        memcpy((char *)g + tables[i].offset, (const char *)staged + tables[i].offset, tables[i].desc->size);
    for (size_t i = 0; i < NMEMORIES; i++)
        memcpy((char *)g + memories[i].offset, (const char *)staged + memories[i].offset, memories[i].size);
    g->m.cpu.common.icount = g->regs.cycles;
    g->m.cpu.common.exit_request = 0;
    gba_mem_waitstates(g);
    gba_mem_flush(g);
    machine_invalidate_code(&g->m, 0, 1ull << 32); /* memory under translated code changed */
}

bool gba_state_from_buffer(Gba *g, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    MemSource mem = {data, len, 0};
    SnapSource src = {mem_read, &mem, 0, 0, false};
    if (!check_header(g, &src, err, errlen))
        return false;
    Gba *staged = malloc(sizeof *staged);
    if (!staged) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(staged, g, sizeof *staged);
    bool ok = stage_all(staged, &src, err, errlen);
    if (ok)
        commit(g, staged);
    free(staged);
    return ok;
}

bool gba_load_state(Gba *g, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open save state '%s': %s", path, strerror(errno));
        return false;
    }
    VmsBuf buf = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && buf.len < (64u << 20))
        vms_buf_put(&buf, chunk, n);
    bool read_error = ferror(f);
    fclose(f);
    bool ok = !read_error && !buf.failed;
    if (!ok)
        snprintf(err, errlen, "cannot read save state '%s'", path);
    else
        ok = gba_state_from_buffer(g, buf.data, buf.len, err, errlen);
    vms_buf_free(&buf);
    return ok;
}
