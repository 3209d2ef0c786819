/* Snapshots of the `virt` board (system/virt_snapshot.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend/sha256.h"
#include "frontend/arm_sys.h"
#include "snapshot/vmstate.h"
#include "system/atomic_file.h"
#include "system/virt_snapshot.h"

/* The board's own state: guest time. */
typedef struct BoardState {
    uint64_t icount;   /* instructions run (-icount: guest time) */
    uint64_t guest_ns; /* guest time when saved */
} BoardState;

static const VmsField board_fields[] = {VMS(BoardState, icount), VMS(BoardState, guest_ns)};
static const VmsDesc board_vmstate = VMS_DESC("board", 1, BoardState, board_fields, NULL);

/* Everything loaded before it replaces the running machine's state. */
typedef struct Staging {
    ArmCpu cpu;
    BoardState board;
    Gic gic;
    Pl011 uart;
    Pl031 rtc;
    VirtioMmio mmio[VIRT_MMIO_COUNT];
    VirtioRng rng;
    BlkOverlay overlay[VIRT_MAX_DRIVES];
    uint8_t *ram;
    SnapRamLoader ram_loader;
} Staging;

/* One kind of section: its table, the live struct(s) and their staging copies. */
typedef struct Part {
    const char *name;
    const VmsDesc *desc;
    void *live, *staged;
    unsigned instances;
    size_t stride;
} Part;

enum { PART_CPU, PART_BOARD, PART_GIC, PART_UART, PART_RTC, PART_MMIO, PART_RNG, PART_COUNT };

static void describe_parts(VirtBoard *b, Staging *st, BoardState *live_board, Part parts[PART_COUNT])
{
    parts[PART_CPU] = (Part){"cpu", &arm_cpu_vmstate, &b->m.cpu, st ? &st->cpu : NULL, 1, 0};
    parts[PART_BOARD] = (Part){"board", &board_vmstate, live_board, st ? &st->board : NULL, 1, 0};
    parts[PART_GIC] = (Part){"gic", &gic_vmstate, &b->gic, st ? &st->gic : NULL, 1, 0};
    parts[PART_UART] = (Part){"pl011", &pl011_vmstate, &b->uart, st ? &st->uart : NULL, 1, 0};
    parts[PART_RTC] = (Part){"pl031", &pl031_vmstate, &b->rtc, st ? &st->rtc : NULL, 1, 0};
    parts[PART_MMIO] = (Part){"virtio-mmio", &virtio_mmio_vmstate, b->mmio, st ? st->mmio : NULL, VIRT_MMIO_COUNT,
                              sizeof(VirtioMmio)};
    parts[PART_RNG] = (Part){"virtio-rng", &virtio_rng_vmstate, &b->rng, st ? &st->rng : NULL, 1, 0};
}

static void *part_instance(void *base, const Part *p, unsigned i)
{
    return (uint8_t *)base + (size_t)i * p->stride;
}

/* --- header ----------------------------------------------------------------- */

static const char *drive_mode(const VirtDrive *d)
{
    return d->readonly ? "ro" : d->snapshot ? "snapshot" : "rw";
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

/* A live migration's writable disks change while RAM is copied: they are
 * shared storage, identified by size alone ("-" for the hash). */
#define NO_HASH "-"

static bool drive_writable(const VirtDrive *d)
{
    return !d->readonly && !d->snapshot;
}

static bool drive_hash_hex(VirtBoard *b, unsigned i, char out[2 * SHA256_SIZE + 1])
{
    uint8_t digest[SHA256_SIZE];
    if (!virtio_blk_content_hash(&b->blk[i], digest))
        return false;
    hex(digest, sizeof digest, out);
    return true;
}

char *virt_snapshot_header(VirtBoard *b, bool live, char *err, size_t errlen)
{
    VmsBuf t = {0};
    char line[PATH_MAX + 256];
    int n = snprintf(line, sizeof line, "machine=virt\nscion=%s\ncpu=cortex-a15\nram_size=%llu\nicount=%d\ndrives=%u\n",
                     SCION_VERSION, (unsigned long long)b->ram_size, b->icount_shift, b->nblk);
    vms_buf_put(&t, line, (size_t)n);
    for (unsigned i = 0; i < b->nblk; i++) {
        char digest_hex[2 * SHA256_SIZE + 1] = NO_HASH;
        if (!(live && drive_writable(&b->drive[i])) && !drive_hash_hex(b, i, digest_hex)) {
            snprintf(err, errlen, "cannot read disk image '%s' to record its identity", b->drive_path[i]);
            vms_buf_free(&t);
            return NULL;
        }
        n = snprintf(line, sizeof line, "drive%u=%s %llu %s %s\n", i, drive_mode(&b->drive[i]),
                     (unsigned long long)(b->blk[i].capacity * VIRTIO_BLK_SECTOR), digest_hex, b->drive_path[i]);
        vms_buf_put(&t, line, (size_t)n);
    }
    vms_buf_put(&t, "", 1);
    if (t.failed) {
        snprintf(err, errlen, "out of memory");
        vms_buf_free(&t);
        return NULL;
    }
    return (char *)t.data;
}

/* --- writing ---------------------------------------------------------------- */

void virt_snapshot_write_devices(VirtBoard *b, SnapSink *sink)
{
    BoardState live_board = {b->m.cpu.common.icount, virt_guest_ns(b)};
    Part parts[PART_COUNT];
    describe_parts(b, NULL, &live_board, parts);
    VmsBuf buf = {0};
    for (unsigned k = 0; k < PART_COUNT; k++)
        for (unsigned i = 0; i < parts[k].instances; i++) {
            buf.len = 0;
            vms_encode(parts[k].desc, part_instance(parts[k].live, &parts[k], i), &buf);
            snap_write_section(sink, parts[k].name, i, parts[k].desc->version, buf.data, buf.len);
        }
    for (unsigned i = 0; i < b->nblk; i++) {
        if (!b->drive[i].snapshot)
            continue;
        buf.len = 0;
        virtio_blk_overlay_save(&b->blk[i], &buf);
        snap_write_section(sink, "blk-overlay", i, 1, buf.data, buf.len);
    }
    if (buf.failed)
        sink->failed = true;
    vms_buf_free(&buf);
}

bool virt_snapshot_write(VirtBoard *b, SnapSink *sink, char *err, size_t errlen)
{
    char *header = virt_snapshot_header(b, false, err, errlen);
    if (!header)
        return false;
    snap_write_header(sink, header);
    free(header);
    virt_snapshot_write_devices(b, sink);
    snap_ram_write(sink, b->ram, b->ram_size, NULL, 1, NULL);
    snap_write_end(sink);
    if (sink->failed)
        snprintf(err, errlen, "writing the snapshot failed: %s", errno ? strerror(errno) : "out of memory");
    return !sink->failed;
}

static bool file_write(void *opaque, const void *data, size_t len)
{
    return fwrite(data, 1, len, opaque) == len;
}

bool virt_snapshot_save(VirtBoard *b, const char *path, VirtSnapInfo *info, char *err, size_t errlen)
{
    uint64_t t0 = virt_host_ns();
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp) {
        snprintf(err, errlen, "snapshot path '%s' is too long", path);
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    SnapSink sink = {file_write, f, 0, 0, false};
    errno = 0;
    jit_hold(b->m.jit, true);
    bool ok = virt_snapshot_write(b, &sink, err, errlen);
    jit_hold(b->m.jit, false);
    if (ok && (fflush(f) != 0 || fsync(fileno(f)) != 0)) {
        snprintf(err, errlen, "writing '%s' failed: %s", tmp, strerror(errno));
        ok = false;
    }
    if (fclose(f) != 0 && ok) {
        snprintf(err, errlen, "writing '%s' failed: %s", tmp, strerror(errno));
        ok = false;
    }
    if (ok && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        return false;
    }
    atomic_sync_parent_dir(path); /* or a crash may lose the rename */
    if (info)
        *info = (VirtSnapInfo){sink.bytes, 0, (double)(virt_host_ns() - t0) * 1e-9};
    return true;
}

/* --- configuration from a header ------------------------------------------- */

typedef struct DriveRecord {
    char mode[16];
    uint64_t size;
    char hash[2 * SHA256_SIZE + 1];
    char path[PATH_MAX];
} DriveRecord;

static bool parse_drive_record(const char *header, unsigned i, DriveRecord *d)
{
    char key[16], value[PATH_MAX + 128];
    snprintf(key, sizeof key, "drive%u", i);
    if (!snap_header_get(header, key, value, sizeof value))
        return false;
    unsigned long long size;
    int used = 0;
    if (sscanf(value, "%15s %llu %64s %n", d->mode, &size, d->hash, &used) != 3 || !used || !value[used])
        return false;
    d->size = size;
    snprintf(d->path, sizeof d->path, "%s", value + used);
    return (strlen(d->hash) == 2 * SHA256_SIZE || !strcmp(d->hash, NO_HASH)) &&
           (!strcmp(d->mode, "rw") || !strcmp(d->mode, "ro") || !strcmp(d->mode, "snapshot"));
}

static bool header_u64(const char *header, const char *key, uint64_t *out)
{
    char v[32], *end;
    if (!snap_header_get(header, key, v, sizeof v))
        return false;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *end || end == v)
        return false;
    *out = (uint64_t)x;
    return true;
}

/* The recorded path, or the same name beside the snapshot (a moved machine). */
static char *locate_drive(const char *recorded, const char *snapshot_path)
{
    if (access(recorded, R_OK) == 0)
        return strdup(recorded);
    char *snap = strdup(snapshot_path), *rec = strdup(recorded);
    char *found = NULL;
    if (snap && rec) {
        const char *dir = dirname(snap), *name = basename(rec); /* may point into their arguments */
        size_t n = strlen(dir) + strlen(name) + 2;
        found = malloc(n);
        if (found)
            snprintf(found, n, "%s/%s", dir, name);
    }
    free(snap);
    free(rec);
    return found;
}

static bool config_error(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "the snapshot does not fit this machine: %s", what);
    return false;
}

static bool config_drives(const char *header, const char *snapshot_path, VirtOptions *o, char *err, size_t errlen)
{
    uint64_t n;
    if (!header_u64(header, "drives", &n) || n > VIRT_MAX_DRIVES)
        return config_error(err, errlen, "its header has no valid drive count");
    if (o->ndrives && o->ndrives != n) {
        snprintf(err, errlen, "the snapshot has %llu drives; the command line gives %u", (unsigned long long)n,
                 o->ndrives);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        DriveRecord d;
        if (!parse_drive_record(header, i, &d))
            return config_error(err, errlen, "a drive record in its header is malformed");
        if (o->ndrives)
            continue; /* the user's drives, checked against the records once open */
        char *path = locate_drive(d.path, snapshot_path);
        if (!path)
            return config_error(err, errlen, "out of memory");
        o->drives[i] = (VirtDrive){path, !strcmp(d.mode, "ro"), !strcmp(d.mode, "snapshot") || o->all_snapshot};
        o->owned_paths[i] = path;
    }
    o->ndrives = (unsigned)n;
    return true;
}

bool virt_snapshot_config(const char *header, const char *snapshot_path, VirtOptions *o, char *err, size_t errlen)
{
    char machine[32] = "";
    uint64_t ram, icount;
    if (!snap_header_get(header, "machine", machine, sizeof machine) || strcmp(machine, "virt")) {
        snprintf(err, errlen, "the snapshot is of machine '%s', not virt", machine);
        return false;
    }
    if (!header_u64(header, "ram_size", &ram) || !header_u64(header, "icount", &icount))
        return config_error(err, errlen, "its header lacks the RAM size or the clock mode");
    /* The same bounds as -m and -icount: a header is input like any other. */
    if (ram < VIRT_MIN_RAM || ram > VIRT_MAX_RAM || ram % (1u << 20))
        return config_error(err, errlen, "its RAM size is impossible");
    if ((int64_t)icount < -1 || (int64_t)icount > VIRT_MAX_ICOUNT_SHIFT)
        return config_error(err, errlen, "its clock mode (icount) is impossible");
    if (o->ram_size && o->ram_size != ram) {
        snprintf(err, errlen, "the snapshot has %llu MiB of RAM; -m asks for %llu MiB", (unsigned long long)(ram >> 20),
                 (unsigned long long)(o->ram_size >> 20));
        return false;
    }
    int shift = (int)(int64_t)icount;
    if (o->icount_given && o->icount_shift != shift) {
        snprintf(err, errlen, "the snapshot was taken with %s; the command line asks for %s",
                 shift < 0 ? "host time" : "-icount", o->icount_shift < 0 ? "host time" : "another -icount");
        return false;
    }
    o->ram_size = ram;
    o->icount_shift = shift;
    return config_drives(header, snapshot_path, o, err, errlen);
}

/* --- loading ---------------------------------------------------------------- */

/* The disks must be the ones the snapshot was taken with: same size and,
 * where the snapshot names one, the same content hash. */
static bool check_drives(VirtBoard *b, const char *header, char *err, size_t errlen)
{
    for (unsigned i = 0; i < b->nblk; i++) {
        DriveRecord theirs;
        char ours[2 * SHA256_SIZE + 1];
        if (!parse_drive_record(header, i, &theirs)) {
            snprintf(err, errlen, "the snapshot does not fit this machine: drive %u's record is malformed", i);
            return false;
        }
        bool hashed = strcmp(theirs.hash, NO_HASH) != 0;
        if (hashed && !drive_hash_hex(b, i, ours)) {
            snprintf(err, errlen, "cannot read disk image '%s' to check its identity", b->drive_path[i]);
            return false;
        }
        if (theirs.size != b->blk[i].capacity * VIRTIO_BLK_SECTOR || (hashed && strcmp(theirs.hash, ours))) {
            snprintf(err, errlen,
                     "disk image '%s' has changed since the snapshot was taken (size or content differs); "
                     "resuming would corrupt the guest's file systems", b->drive_path[i]);
            return false;
        }
    }
    return true;
}

static bool check_header(VirtBoard *b, const char *header, char *err, size_t errlen)
{
    char mine[256];
    snprintf(mine, sizeof mine, "machine=virt\ncpu=cortex-a15\nram_size=%llu\nicount=%d\ndrives=%u\n",
             (unsigned long long)b->ram_size, b->icount_shift, b->nblk);
    static const char *const keys[] = {"machine", "cpu", "ram_size", "icount", "drives"};
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char a[64] = "", c[64] = "";
        snap_header_get(header, keys[i], a, sizeof a);
        snap_header_get(mine, keys[i], c, sizeof c);
        if (strcmp(a, c)) {
            snprintf(err, errlen, "the snapshot does not fit this machine: %s is %s in the snapshot, %s here", keys[i],
                     a[0] ? a : "(missing)", c);
            return false;
        }
    }
    return check_drives(b, header, err, errlen);
}

static Staging *staging_new(VirtBoard *b, Part parts[PART_COUNT], BoardState *live_board, char *err, size_t errlen)
{
    Staging *st = calloc(1, sizeof *st);
    if (st)
        st->ram = mmap(NULL, b->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (!st || st->ram == MAP_FAILED) {
        snprintf(err, errlen, "out of memory for loading the snapshot");
        free(st);
        return NULL;
    }
    /* Loaded RAM is written densely (kernel, page cache): huge pages take
     * one fault where 4 KiB pages take 512. */
    madvise(st->ram, b->ram_size, MADV_HUGEPAGE);
    snap_ram_loader_init(&st->ram_loader, st->ram, b->ram_size);
    describe_parts(b, st, live_board, parts);
    for (unsigned k = 0; k < PART_COUNT; k++)
        memcpy(parts[k].staged, parts[k].live, parts[k].desc->size * parts[k].instances);
    return st;
}

static void staging_free(VirtBoard *b, Staging *st)
{
    if (!st)
        return;
    snap_ram_loader_free(&st->ram_loader);
    if (st->ram)
        munmap(st->ram, b->ram_size);
    for (unsigned i = 0; i < VIRT_MAX_DRIVES; i++)
        virtio_blk_overlay_discard(&st->overlay[i]);
    free(st);
}

/* Tracks which sections arrived: each exactly once (RAM any number of times). */
typedef struct Seen {
    bool part[PART_COUNT][VIRT_MMIO_COUNT];
    bool overlay[VIRT_MAX_DRIVES];
} Seen;

static bool stage_overlay(VirtBoard *b, Staging *st, Seen *seen, const SnapSection *sec, char *err, size_t errlen)
{
    unsigned i = sec->instance;
    if (i >= b->nblk || seen->overlay[i] || sec->version > 1) {
        snprintf(err, errlen, "section blk-overlay (instance %u) is unexpected: no such drive, repeated, or a newer "
                 "version", i);
        return false;
    }
    seen->overlay[i] = true;
    return virtio_blk_overlay_load(&b->blk[i], sec->data, sec->len, &st->overlay[i], err, errlen);
}

static bool stage_section(VirtBoard *b, Staging *st, Part parts[PART_COUNT], Seen *seen, SnapSection *sec,
                          char *err, size_t errlen)
{
    if (!strcmp(sec->name, "ram"))
        return snap_ram_loader_add(&st->ram_loader, sec, err, errlen);
    if (!strcmp(sec->name, "blk-overlay"))
        return stage_overlay(b, st, seen, sec, err, errlen);
    for (unsigned k = 0; k < PART_COUNT; k++) {
        const Part *p = &parts[k];
        if (strcmp(sec->name, p->name))
            continue;
        if (sec->instance >= p->instances || seen->part[k][sec->instance]) {
            snprintf(err, errlen, "section %s instance %u is unexpected (no such device, or repeated)", p->name,
                     sec->instance);
            return false;
        }
        seen->part[k][sec->instance] = true;
        return vms_decode(p->desc, sec->version, sec->data, sec->len, part_instance(p->staged, p, sec->instance), err,
                          errlen);
    }
    snprintf(err, errlen, "section %s is unknown to this scion", sec->name);
    return false;
}

static bool all_seen(VirtBoard *b, const Part parts[PART_COUNT], const Seen *seen, char *err, size_t errlen)
{
    for (unsigned k = 0; k < PART_COUNT; k++)
        for (unsigned i = 0; i < parts[k].instances; i++)
            if (!seen->part[k][i]) {
                snprintf(err, errlen, "the snapshot lacks section %s (instance %u)", parts[k].name, i);
                return false;
            }
    for (unsigned i = 0; i < b->nblk; i++)
        if (b->drive[i].snapshot && !seen->overlay[i]) {
            snprintf(err, errlen, "the snapshot lacks section blk-overlay (instance %u)", i);
            return false;
        }
    return true;
}

static void *unmap_main(void *opaque)
{
    void **range = opaque;
    munmap(range[0], (size_t)(uintptr_t)range[1]);
    free(range);
    return NULL;
}

/* Unmapping a RAM that the guest wrote page by page frees thousands of
 * pages (tens of milliseconds): done off the critical path. */
static void unmap_later(void *addr, size_t len)
{
    void **range = malloc(2 * sizeof *range);
    pthread_t t;
    pthread_attr_t attr;
    bool started = false;
    if (range && pthread_attr_init(&attr) == 0) {
        range[0] = addr;
        range[1] = (void *)(uintptr_t)len;
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&t, &attr, unmap_main, range) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started) {
        free(range);
        munmap(addr, len);
    }
}

/* The staged RAM takes the live RAM's place (same address, so the bus,
 * TLBs and devices need no new pointer); the old pages go. */
static void replace_ram(VirtBoard *b, Staging *st)
{
    /* mremap without a fixed target may leave a mapping where it is: move
     * the old RAM onto a reservation of its own first. */
    void *spare = mmap(NULL, b->ram_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    void *old = spare == MAP_FAILED ? MAP_FAILED
                                    : mremap(b->ram, b->ram_size, b->ram_size, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
    if (old == spare &&
        mremap(st->ram, b->ram_size, b->ram_size, MREMAP_MAYMOVE | MREMAP_FIXED, b->ram) == b->ram) {
        st->ram = NULL;
        unmap_later(old, b->ram_size);
        return;
    }
    if (old == spare) /* put it back: the range is free, this cannot fail */
        mremap(old, b->ram_size, b->ram_size, MREMAP_MAYMOVE | MREMAP_FIXED, b->ram);
    else if (spare != MAP_FAILED)
        munmap(spare, b->ram_size);
    memcpy(b->ram, st->ram, b->ram_size);
}

/* From here on nothing can fail: the staged state becomes the machine's. */
static void commit(VirtBoard *b, Staging *st, Part parts[PART_COUNT])
{
    for (unsigned k = 0; k < PART_COUNT; k++)
        if (k != PART_BOARD)
            memcpy(parts[k].live, parts[k].staged, parts[k].desc->size * parts[k].instances);
    replace_ram(b, st);
    for (unsigned i = 0; i < b->nblk; i++)
        if (b->drive[i].snapshot)
            virtio_blk_overlay_commit(&b->blk[i], &st->overlay[i]);
    b->m.cpu.common.icount = st->board.icount;
    virt_set_guest_ns(b, st->board.guest_ns);
    sysmem_flush_tlb(&b->mem);
    sysmem_regime_switch(&b->mem);
    machine_invalidate_code(&b->m, (uint32_t)b->mem.ram_base, b->ram_size);
    virt_update_timers(b);
}

bool virt_snapshot_load(VirtBoard *b, SnapSource *src, const char *header, char *err, size_t errlen)
{
    if (!check_header(b, header, err, errlen))
        return false;
    Part parts[PART_COUNT];
    BoardState live_board = {0};
    Staging *st = staging_new(b, parts, &live_board, err, errlen);
    if (!st)
        return false;
    if (src->live)
        st->ram_loader.batch_bytes = 0;
    Seen seen = {0};
    SnapSection sec;
    SnapReadResult r;
    bool ok = true;
    while (ok && (r = snap_read_section(src, &sec, err, errlen)) == SNAP_SECTION) {
        ok = stage_section(b, st, parts, &seen, &sec, err, errlen);
        snap_section_free(&sec);
    }
    ok = ok && r == SNAP_END && all_seen(b, parts, &seen, err, errlen) &&
         snap_ram_loader_finish(&st->ram_loader, err, errlen);
    if (ok)
        commit(b, st, parts);
    staging_free(b, st);
    return ok;
}

static bool file_read(void *opaque, void *data, size_t len)
{
    return fread(data, 1, len, opaque) == len;
}

bool snap_file_open(SnapFile *sf, const char *path, char *err, size_t errlen)
{
    memset(sf, 0, sizeof *sf);
    sf->f = fopen(path, "rb");
    if (!sf->f) {
        snprintf(err, errlen, "cannot open snapshot '%s': %s", path, strerror(errno));
        return false;
    }
    setvbuf(sf->f, NULL, _IOFBF, 1 << 20);
    sf->src = (SnapSource){.read = file_read, .opaque = sf->f};
    char why[256];
    sf->header = snap_read_header(&sf->src, why, sizeof why);
    if (!sf->header) {
        snprintf(err, errlen, "snapshot '%s': %s", path, why);
        snap_file_close(sf);
        return false;
    }
    return true;
}

void snap_file_close(SnapFile *sf)
{
    if (sf->f)
        fclose(sf->f);
    free(sf->header);
    memset(sf, 0, sizeof *sf);
}

bool virt_snapshot_load_file(VirtBoard *b, const char *path, char *err, size_t errlen)
{
    SnapFile sf;
    if (!snap_file_open(&sf, path, err, errlen))
        return false;
    char why[512];
    bool ok = virt_snapshot_load(b, &sf.src, sf.header, why, sizeof why);
    if (!ok)
        snprintf(err, errlen, "snapshot '%s': %s", path, why);
    snap_file_close(&sf);
    return ok;
}

/* --- state hash ------------------------------------------------------------- */

static bool hash_write(void *opaque, const void *data, size_t len)
{
    sha256_update(opaque, data, len);
    return true;
}

void virt_state_hash(VirtBoard *b, uint8_t digest[32])
{
    Sha256 h;
    sha256_init(&h);
    SnapSink sink = {hash_write, &h, 0, 0, false};
    virt_snapshot_write_devices(b, &sink);
    sha256_update(&h, b->ram, b->ram_size);
    sha256_final(&h, digest);
}
