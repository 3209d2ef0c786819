/* Snapshot state tables, the stream format and RAM records
 * (snapshot/vmstate.h, stream.h, ram.h): every device table is walked for
 * a sound layout, round-tripped with random values and fed out-of-range,
 * short, long and newer sections; streams are written to memory and read
 * back, with every byte flipped and every truncation refused; RAM written
 * with and without a dirty map loads back exactly, and corrupt page
 * records are refused. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

#include "devices/gicv2.h"
#include "devices/pl011.h"
#include "devices/pl031.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"
#include "frontend/arm_sys.h"
#include "snapshot/ram.h"
#include "snapshot/stream.h"
#include "snapshot/vmstate.h"

#define RAM_BASE 0x40000000u
#define DMA_SIZE (64u * 1024)

/* --- the tables under test and a valid state for each ----------------------- */

static Log quiet = {0, NULL};
static Bus bus;
static uint8_t dma_ram[DMA_SIZE];
static VirtioRng rng_dev;

static void init_cpu(void *s)
{
    arm_cpu_reset_system(s);
}

static void init_gic(void *s)
{
    gic_init(s, &quiet, 288, (IrqLine){0}, (IrqLine){0});
}

static void init_uart(void *s)
{
    pl011_init(s, &quiet, (IrqLine){0}, NULL, NULL);
}

static void init_rtc(void *s)
{
    pl031_init(s, &quiet, (IrqLine){0}, NULL, NULL, 1700000000);
}

/* A virtio-rng transport on a bus with 64 KiB of RAM, so the check's
 * rings-in-RAM test has something to look at. */
static void init_mmio(void *s)
{
    bus_init(&bus, &quiet);
    ck_assert(bus_add_ram(&bus, "ram", RAM_BASE, DMA_SIZE, dma_ram));
    virtio_mmio_init(s, &bus, &quiet, (IrqLine){0}, &virtio_rng_ops, &rng_dev);
}

static void init_rng(void *s)
{
    virtio_rng_init(s, 0x5eed);
}

typedef struct Table {
    const VmsDesc *desc;
    void (*init)(void *s);
} Table;

static const Table tables[] = {
    {&arm_cpu_vmstate, init_cpu},  {&gic_vmstate, init_gic},         {&pl011_vmstate, init_uart},
    {&pl031_vmstate, init_rtc},    {&virtio_mmio_vmstate, init_mmio}, {&virtio_rng_vmstate, init_rng},
};
#define NTABLES ((int)(sizeof tables / sizeof tables[0]))

static const unsigned type_bytes[] = {[VMS_T_BOOL] = 1, [VMS_T_U8] = 1, [VMS_T_U16] = 2, [VMS_T_U32] = 4,
                                      [VMS_T_U64] = 8};

static uint64_t type_max(VmsType t)
{
    return t == VMS_T_BOOL ? 1 : t == VMS_T_U64 ? ~0ull : (1ull << (8 * type_bytes[t])) - 1;
}

/* A struct of any table, zeroed or initialised. */
static void *new_state(const Table *t)
{
    void *s = calloc(1, t->desc->size);
    ck_assert_ptr_nonnull(s);
    t->init(s);
    return s;
}

/* The same table without its check, for states that are valid field by
 * field but not as a whole (random values). */
static VmsDesc unchecked(const VmsDesc *d)
{
    VmsDesc u = *d;
    u.check = NULL;
    return u;
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* --- walking tables: every scalar element with its struct and stream offsets -- */

typedef struct Elem {
    const VmsField *f;
    uint32_t k;
    size_t at;      /* offset of the element in the top-level struct */
    size_t enc;     /* offset of its bytes in the encoding */
    char path[128]; /* as messages name it, e.g. "vq[3].num" */
} Elem;

typedef void (*ElemFn)(const Elem *e, void *ctx);

static void label(char *out, size_t outlen, const char *prefix, const VmsField *f, uint32_t k)
{
    if (f->count > 1)
        snprintf(out, outlen, "%s%s[%u]", prefix, f->name, k);
    else
        snprintf(out, outlen, "%s%s", prefix, f->name);
}

/* Calls fn for every scalar element of d (at struct offset base, stream
 * offset enc); returns the stream offset after the last. */
static size_t each_elem(const VmsDesc *d, size_t base, size_t enc, const char *prefix, ElemFn fn, void *ctx)
{
    for (unsigned i = 0; i < d->nfields; i++) {
        const VmsField *f = &d->fields[i];
        for (uint32_t k = 0; k < f->count; k++) {
            Elem e = {f, k, 0, enc, ""};
            label(e.path, sizeof e.path, prefix, f, k);
            if (f->type == VMS_T_STRUCT) {
                char sub[128];
                snprintf(sub, sizeof sub, "%s.", e.path);
                enc = each_elem(f->sub, base + f->offset + k * f->stride, enc, sub, fn, ctx);
                continue;
            }
            e.at = base + f->offset + (size_t)k * type_bytes[f->type];
            fn(&e, ctx);
            enc += type_bytes[f->type];
        }
    }
    return enc;
}

static uint64_t load(const uint8_t *p, VmsType t)
{
    if (t == VMS_T_BOOL)
        return *(const bool *)p;
    uint64_t v = 0;
    memcpy(&v, p, type_bytes[t]); /* little-endian host */
    return v;
}

static void store(uint8_t *p, VmsType t, uint64_t v)
{
    if (t == VMS_T_BOOL)
        *(bool *)p = v != 0;
    else
        memcpy(p, &v, type_bytes[t]);
}

static void no_elem(const Elem *e, void *ctx)
{
    (void)e;
    (void)ctx;
}

/* --- (a) layout ------------------------------------------------------------- */

typedef struct Span {
    size_t start, end;
    const char *name;
} Span;

static int span_cmp(const void *a, const void *b)
{
    const Span *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Fields inside the struct, types and limits consistent, no two fields
 * sharing a byte; nested tables the same, recursively. */
static void check_layout(const VmsDesc *d, unsigned depth)
{
    ck_assert_msg(depth < 4, "tables nest too deep at %s", d->name);
    ck_assert_ptr_nonnull(d->name);
    ck_assert_msg(d->name[0] && strlen(d->name) <= SNAP_NAME_MAX, "table name '%s' unfit for a section", d->name);
    ck_assert_msg(d->version >= 1, "table %s has version 0", d->name);
    ck_assert_msg(d->nfields > 0, "table %s is empty", d->name);
    Span *spans = calloc(d->nfields, sizeof *spans);
    ck_assert_ptr_nonnull(spans);
    size_t encoded = 0;
    for (unsigned i = 0; i < d->nfields; i++) {
        const VmsField *f = &d->fields[i];
        ck_assert_msg(f->name && f->name[0], "table %s field %u has no name", d->name, i);
        for (unsigned j = 0; j < i; j++)
            ck_assert_msg(strcmp(f->name, d->fields[j].name), "table %s names %s twice", d->name, f->name);
        ck_assert_msg(f->count >= 1, "%s.%s has no elements", d->name, f->name);
        ck_assert_msg(f->since <= d->version, "%s.%s is from a version after the table's", d->name, f->name);
        size_t elem;
        if (f->type == VMS_T_STRUCT) {
            ck_assert_msg(f->sub != NULL, "%s.%s has no table", d->name, f->name);
            ck_assert_msg(f->stride == f->sub->size, "%s.%s: stride %zu, element table size %zu", d->name, f->name,
                          f->stride, f->sub->size);
            ck_assert_msg(f->max == 0, "%s.%s: a struct field with a maximum", d->name, f->name);
            check_layout(f->sub, depth + 1);
            elem = f->stride;
            encoded += f->count * vms_encoded_size(f->sub, f->sub->version);
        } else {
            ck_assert_msg(f->type <= VMS_T_U64, "%s.%s has an unknown type", d->name, f->name);
            ck_assert_msg(f->sub == NULL, "%s.%s: a scalar with a table", d->name, f->name);
            ck_assert_msg(f->max <= type_max(f->type), "%s.%s: maximum %llu beyond its type", d->name, f->name,
                          (unsigned long long)f->max);
            elem = type_bytes[f->type];
            ck_assert_msg(f->offset % elem == 0, "%s.%s is misaligned", d->name, f->name);
            encoded += f->count * elem;
        }
        ck_assert_msg(f->offset < d->size && f->count * elem <= d->size - f->offset,
                      "%s.%s (offset %zu, %u x %zu bytes) lies outside the %zu-byte struct", d->name, f->name,
                      f->offset, f->count, elem, d->size);
        spans[i] = (Span){f->offset, f->offset + f->count * elem, f->name};
    }
    qsort(spans, d->nfields, sizeof *spans, span_cmp);
    for (unsigned i = 1; i < d->nfields; i++)
        ck_assert_msg(spans[i].start >= spans[i - 1].end, "%s: fields %s and %s overlap", d->name, spans[i - 1].name,
                      spans[i].name);
    free(spans);
    ck_assert_uint_eq(vms_encoded_size(d, d->version), encoded);
}

START_TEST(test_layout)
{
    const Table *t = &tables[_i];
    check_layout(t->desc, 0);
    /* The encoding of a real state has the size the table promises. */
    void *s = new_state(t);
    VmsBuf b = {0};
    vms_encode(t->desc, s, &b);
    ck_assert(!b.failed);
    ck_assert_uint_eq(b.len, vms_encoded_size(t->desc, t->desc->version));
    ck_assert_uint_eq(each_elem(t->desc, 0, 0, "", no_elem, NULL), b.len);
    vms_buf_free(&b);
    free(s);
}
END_TEST

/* --- (b) round trip ---------------------------------------------------------- */

static void fill_random(const Elem *e, void *ctx)
{
    uint64_t v = rnd();
    uint64_t max = e->f->type == VMS_T_BOOL ? 1 : e->f->max ? e->f->max : type_max(e->f->type);
    if (max != ~0ull)
        v %= max + 1;
    store((uint8_t *)ctx + e->at, e->f->type, v);
}

typedef struct Pair {
    const uint8_t *a, *b;
    const char *table;
} Pair;

static void compare_elem(const Elem *e, void *ctx)
{
    const Pair *p = ctx;
    uint64_t x = load(p->a + e->at, e->f->type), y = load(p->b + e->at, e->f->type);
    ck_assert_msg(x == y, "%s: field %s is %llu after a round trip, was %llu", p->table, e->path,
                  (unsigned long long)y, (unsigned long long)x);
}

/* Marks the bytes an element occupies. */
static void mark_elem(const Elem *e, void *ctx)
{
    memset((uint8_t *)ctx + e->at, 1, type_bytes[e->f->type]);
}

START_TEST(test_round_trip)
{
    const Table *t = &tables[_i];
    VmsDesc d = unchecked(t->desc);
    size_t n = d.size;
    uint8_t *orig = calloc(1, n), *copy = calloc(1, n), *described = calloc(1, n);
    ck_assert(orig && copy && described);
    each_elem(&d, 0, 0, "", mark_elem, described);
    for (unsigned round = 0; round < 20; round++) {
        memset(orig, 0x33, n);
        each_elem(&d, 0, 0, "", fill_random, orig);
        VmsBuf b = {0};
        vms_encode(&d, orig, &b);
        ck_assert(!b.failed);
        ck_assert_uint_eq(b.len, each_elem(&d, 0, 0, "", no_elem, NULL));
        char err[256] = "";
        /* Into a zeroed copy: every described field comes back. */
        memset(copy, 0, n);
        ck_assert_msg(vms_decode(&d, d.version, b.data, b.len, copy, err, sizeof err), "%s: %s", d.name, err);
        Pair p = {orig, copy, d.name};
        each_elem(&d, 0, 0, "", compare_elem, &p);
        /* Into a patterned copy: nothing but the described bytes is written. */
        memset(copy, 0x5a, n);
        ck_assert(vms_decode(&d, d.version, b.data, b.len, copy, err, sizeof err));
        for (size_t i = 0; i < n; i++)
            if (!described[i])
                ck_assert_msg(copy[i] == 0x5a, "%s: decoding wrote byte %zu, which no field describes", d.name, i);
        /* Encoding again gives the same bytes. */
        VmsBuf again = {0};
        vms_encode(&d, copy, &again);
        ck_assert_uint_eq(again.len, b.len);
        ck_assert(!memcmp(again.data, b.data, b.len));
        vms_buf_free(&again);
        vms_buf_free(&b);
    }
    /* The real table (with its check) takes the device's own reset state,
     * into a staging copy of a device that ran with random state. */
    void *s = new_state(t), *staged = new_state(t);
    each_elem(&d, 0, 0, "", fill_random, staged);
    VmsBuf b = {0};
    vms_encode(t->desc, s, &b);
    char err[256] = "";
    ck_assert_msg(vms_decode(t->desc, t->desc->version, b.data, b.len, staged, err, sizeof err), "%s: %s", d.name,
                  err);
    Pair p = {s, staged, d.name};
    each_elem(&d, 0, 0, "", compare_elem, &p);
    vms_buf_free(&b);
    free(s);
    free(staged);
    free(orig);
    free(copy);
    free(described);
}
END_TEST

/* --- (c) refusals -------------------------------------------------------------- */

typedef struct RangeCtx {
    const Table *t;
    const VmsBuf *valid;
    void *base_state;
    unsigned tested;
} RangeCtx;

static void try_out_of_range(const Elem *e, void *opaque)
{
    RangeCtx *c = opaque;
    uint64_t max = e->f->type == VMS_T_BOOL ? 1 : e->f->max;
    if (!max || max == type_max(e->f->type))
        return;
    const VmsDesc *d = c->t->desc;
    VmsDesc u = unchecked(d);
    uint8_t *bytes = malloc(c->valid->len), *staged = malloc(d->size);
    ck_assert(bytes && staged);
    char err[256] = "", want[256];
    unsigned w = type_bytes[e->f->type];
    /* The largest valid value loads (checks aside)... */
    memcpy(bytes, c->valid->data, c->valid->len);
    for (unsigned i = 0; i < w; i++)
        bytes[e->enc + i] = (uint8_t)(max >> (8 * i));
    memcpy(staged, c->base_state, d->size);
    ck_assert_msg(vms_decode(&u, d->version, bytes, c->valid->len, staged, err, sizeof err), "%s", err);
    ck_assert_uint_eq(load(staged + e->at, e->f->type), max);
    /* ...one more is refused, naming the section and the field. */
    for (unsigned i = 0; i < w; i++)
        bytes[e->enc + i] = (uint8_t)((max + 1) >> (8 * i));
    memcpy(staged, c->base_state, d->size);
    err[0] = 0;
    ck_assert(!vms_decode(d, d->version, bytes, c->valid->len, staged, err, sizeof err));
    snprintf(want, sizeof want, "section %s: field %s = %llu is out of range (at most %llu)", d->name, e->path,
             (unsigned long long)(max + 1), (unsigned long long)max);
    ck_assert_str_eq(err, want);
    c->tested++;
    free(bytes);
    free(staged);
}

START_TEST(test_refusals)
{
    const Table *t = &tables[_i];
    const VmsDesc *d = t->desc;
    void *s = new_state(t), *staged = new_state(t);
    VmsBuf b = {0};
    vms_encode(d, s, &b);
    ck_assert(!b.failed && b.len > 0);
    RangeCtx c = {t, &b, s, 0};
    each_elem(d, 0, 0, "", try_out_of_range, &c);

    char err[256] = "", want[128];
    /* Short at every length, naming the section. */
    for (size_t len = 0; len < b.len; len += len < 64 ? 1 : 61) {
        err[0] = 0;
        ck_assert(!vms_decode(d, d->version, b.data, len, staged, err, sizeof err));
        snprintf(want, sizeof want, "section %s is too short (field ", d->name);
        ck_assert_msg(!strncmp(err, want, strlen(want)), "%s at %zu bytes: %s", d->name, len, err);
    }
    /* Too long. */
    vms_buf_put(&b, "x", 1);
    err[0] = 0;
    ck_assert(!vms_decode(d, d->version, b.data, b.len, staged, err, sizeof err));
    snprintf(want, sizeof want, "section %s is too long (1 bytes left over)", d->name);
    ck_assert_str_eq(err, want);
    b.len--;
    /* Newer than this scion. */
    err[0] = 0;
    ck_assert(!vms_decode(d, d->version + 1, b.data, b.len, staged, err, sizeof err));
    snprintf(want, sizeof want, "section %s has version %u", d->name, d->version + 1);
    ck_assert_msg(!strncmp(err, want, strlen(want)), "%s", err);
    /* After all those refusals a good section still loads. */
    ck_assert(vms_decode(d, d->version, b.data, b.len, staged, err, sizeof err));
    vms_buf_free(&b);
    free(s);
    free(staged);
}
END_TEST

/* Every bounded field is tested (the tables do have some). */
START_TEST(test_bounded_fields_exist)
{
    unsigned total = 0;
    for (int i = 0; i < NTABLES; i++) {
        void *s = new_state(&tables[i]);
        VmsBuf b = {0};
        vms_encode(tables[i].desc, s, &b);
        RangeCtx c = {&tables[i], &b, s, 0};
        each_elem(tables[i].desc, 0, 0, "", try_out_of_range, &c);
        total += c.tested;
        vms_buf_free(&b);
        free(s);
    }
    ck_assert_uint_ge(total, 30); /* 35 when this was written */
}
END_TEST

/* The tables' checks run on decode and name their section. */
START_TEST(test_checks_run)
{
    char err[256];
    Gic *gic = new_state(&tables[1]), *gstaged = new_state(&tables[1]);
    gic->priority[40] = 0x41;
    VmsBuf b = {0};
    vms_encode(&gic_vmstate, gic, &b);
    err[0] = 0;
    ck_assert(!vms_decode(&gic_vmstate, 1, b.data, b.len, gstaged, err, sizeof err));
    ck_assert_msg(strstr(err, "section gic") && strstr(err, "40"), "%s", err);
    vms_buf_free(&b);
    free(gic);
    free(gstaged);

    ArmCpu *cpu = new_state(&tables[0]), *cstaged = new_state(&tables[0]);
    cpu->cpsr_rest = (cpu->cpsr_rest & ~ARM_CPSR_M) | ARM_MODE_HYP;
    vms_encode(&arm_cpu_vmstate, cpu, &b);
    err[0] = 0;
    ck_assert(!vms_decode(&arm_cpu_vmstate, 1, b.data, b.len, cstaged, err, sizeof err));
    ck_assert_msg(strstr(err, "section cpu") != NULL, "%s", err);
    vms_buf_free(&b);
    free(cpu);
    free(cstaged);

    /* A ready queue: inside RAM it loads; 8 bytes past it, it is refused. */
    VirtioMmio *t = new_state(&tables[4]), *tstaged = new_state(&tables[4]);
    t->vq[0].num = 16;
    t->vq[0].ready = true;
    t->vq[0].desc = RAM_BASE;
    t->vq[0].avail = RAM_BASE + 0x1000;
    t->vq[0].used = RAM_BASE + 0x2000;
    t->vq[0].last_avail = t->vq[0].used_idx = 3;
    vms_encode(&virtio_mmio_vmstate, t, &b);
    ck_assert_msg(vms_decode(&virtio_mmio_vmstate, 1, b.data, b.len, tstaged, err, sizeof err), "%s", err);
    vms_buf_free(&b);
    t->vq[0].used = RAM_BASE + DMA_SIZE - 8;
    vms_encode(&virtio_mmio_vmstate, t, &b);
    err[0] = 0;
    ck_assert(!vms_decode(&virtio_mmio_vmstate, 1, b.data, b.len, tstaged, err, sizeof err));
    ck_assert_msg(strstr(err, "section virtio-mmio") && strstr(err, "queue 0"), "%s", err);
    vms_buf_free(&b);
    /* A queue larger than the device allows (virtio-rng: 64). */
    t->vq[0].used = RAM_BASE + 0x2000;
    t->vq[0].num = 128;
    vms_encode(&virtio_mmio_vmstate, t, &b);
    ck_assert(!vms_decode(&virtio_mmio_vmstate, 1, b.data, b.len, tstaged, err, sizeof err));
    vms_buf_free(&b);
    free(t);
    free(tstaged);
}
END_TEST

/* Fields added in a later version: absent from older sections, which keep
 * the staging value. */
typedef struct Demo {
    uint32_t a;
    bool b;
    uint16_t c[3];
    uint64_t d;
    void *host;
} Demo;

static const VmsField demo_fields[] = {VMS(Demo, a), VMS(Demo, b), VMS_MAX(Demo, c, 500), VMS_SINCE(Demo, d, 2)};
static const VmsDesc demo_vmstate = VMS_DESC("demo", 2, Demo, demo_fields, NULL);

START_TEST(test_since)
{
    ck_assert_uint_eq(vms_encoded_size(&demo_vmstate, 1), 4 + 1 + 6);
    ck_assert_uint_eq(vms_encoded_size(&demo_vmstate, 2), 4 + 1 + 6 + 8);
    const uint8_t v1[] = {1, 0, 0, 0, 1, 10, 0, 20, 0, 0xf4, 1};
    Demo staged = {.d = 77, .host = &staged};
    char err[256] = "";
    ck_assert_msg(vms_decode(&demo_vmstate, 1, v1, sizeof v1, &staged, err, sizeof err), "%s", err);
    ck_assert_uint_eq(staged.a, 1);
    ck_assert(staged.b);
    ck_assert_uint_eq(staged.c[2], 500);
    ck_assert_uint_eq(staged.d, 77);
    ck_assert_ptr_eq(staged.host, &staged);
    /* The same bytes as version 2 are a field short. */
    ck_assert(!vms_decode(&demo_vmstate, 2, v1, sizeof v1, &staged, err, sizeof err));
    ck_assert_str_eq(err, "section demo is too short (field d)");
    /* A bool holding 2, an array element above its maximum. */
    uint8_t bad[sizeof v1];
    memcpy(bad, v1, sizeof v1);
    bad[4] = 2;
    ck_assert(!vms_decode(&demo_vmstate, 1, bad, sizeof bad, &staged, err, sizeof err));
    ck_assert_str_eq(err, "section demo: field b = 2 is out of range (at most 1)");
    memcpy(bad, v1, sizeof v1);
    bad[9] = 0xf5;
    ck_assert(!vms_decode(&demo_vmstate, 1, bad, sizeof bad, &staged, err, sizeof err));
    ck_assert_str_eq(err, "section demo: field c[2] = 501 is out of range (at most 500)");
    /* An empty section lacks the first field. */
    ck_assert(!vms_decode(&demo_vmstate, 1, NULL, 0, &staged, err, sizeof err));
    ck_assert_str_eq(err, "section demo is too short (field a)");
}
END_TEST

/* --- (d) the stream -------------------------------------------------------------- */

static bool sink_write(void *opaque, const void *data, size_t len)
{
    VmsBuf *b = opaque;
    vms_buf_put(b, data, len);
    return !b->failed;
}

typedef struct MemSource {
    const uint8_t *p;
    size_t n;
} MemSource;

static bool mem_read(void *opaque, void *data, size_t len)
{
    MemSource *m = opaque;
    if (len > m->n)
        return false;
    memcpy(data, m->p, len);
    m->p += len;
    m->n -= len;
    return true;
}

typedef struct TestSection {
    const char *name;
    uint32_t instance, version;
    uint8_t payload[80];
    size_t len;
} TestSection;

static const char test_header[] = "machine=virt\nram_size=4096\ndrives=0";
static TestSection test_sections[3] = {
    {"cpu", 0, 1, {0}, 50}, {"virtio-mmio", 31, 7, {0}, 80}, {"e", 0xffffffffu, 0, {0}, 0}};

static void write_test_stream(VmsBuf *out)
{
    for (unsigned i = 0; i < 3; i++)
        for (size_t j = 0; j < test_sections[i].len; j++)
            test_sections[i].payload[j] = (uint8_t)(i * 100 + j * 7);
    SnapSink sink = {sink_write, out, 0, 0, false};
    snap_write_header(&sink, test_header);
    for (unsigned i = 0; i < 3; i++)
        snap_write_section(&sink, test_sections[i].name, test_sections[i].instance, test_sections[i].version,
                           test_sections[i].payload, test_sections[i].len);
    snap_write_end(&sink);
    ck_assert(!sink.failed && !out->failed);
    ck_assert_uint_eq(sink.sections, 3);
    ck_assert_uint_eq(sink.bytes, out->len);
}

/* Reads a whole stream; true if it read back exactly test_sections, false
 * on an error (with the message in err). */
static bool read_test_stream(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    MemSource m = {data, len};
    SnapSource src = {.read = mem_read, .opaque = &m};
    err[0] = 0;
    char *text = snap_read_header(&src, err, errlen);
    if (!text) {
        ck_assert_msg(err[0], "header refused without a message");
        return false;
    }
    bool same = !strcmp(text, test_header);
    free(text);
    SnapSection sec;
    SnapReadResult r;
    unsigned i = 0;
    while ((r = snap_read_section(&src, &sec, err, errlen)) == SNAP_SECTION) {
        ck_assert_ptr_nonnull(sec.data);
        if (i >= 3 || strcmp(sec.name, test_sections[i].name) || sec.instance != test_sections[i].instance ||
            sec.version != test_sections[i].version || sec.len != test_sections[i].len ||
            memcmp(sec.data, test_sections[i].payload, sec.len))
            same = false;
        i++;
        snap_section_free(&sec);
        ck_assert_ptr_null(sec.data);
    }
    ck_assert_ptr_null(sec.data);
    if (r == SNAP_ERROR) {
        ck_assert_msg(err[0], "section refused without a message");
        return false;
    }
    ck_assert_uint_eq(src.sections, i);
    return same && i == 3 && m.n == 0;
}

START_TEST(test_stream_round_trip)
{
    VmsBuf b = {0};
    write_test_stream(&b);
    char err[256];
    ck_assert_msg(read_test_stream(b.data, b.len, err, sizeof err), "%s", err);
    vms_buf_free(&b);
}
END_TEST

START_TEST(test_stream_flipped_bytes)
{
    VmsBuf b = {0};
    write_test_stream(&b);
    uint8_t *copy = malloc(b.len);
    ck_assert_ptr_nonnull(copy);
    static const uint8_t flips[] = {0x01, 0x80, 0xff};
    char err[256];
    for (size_t i = 0; i < b.len; i++)
        for (unsigned f = 0; f < sizeof flips; f++) {
            memcpy(copy, b.data, b.len);
            copy[i] ^= flips[f];
            bool read = read_test_stream(copy, b.len, err, sizeof err);
            ck_assert_msg(!read, "byte %zu ^ 0x%02x of %zu went unnoticed", i, flips[f], b.len);
        }
    free(copy);
    vms_buf_free(&b);
}
END_TEST

START_TEST(test_stream_truncated)
{
    VmsBuf b = {0};
    write_test_stream(&b);
    char err[256];
    for (size_t len = 0; len < b.len; len++) {
        ck_assert_msg(!read_test_stream(b.data, len, err, sizeof err), "read %zu of %zu bytes", len, b.len);
        /* Up to the magic the reader cannot tell a stub from another file. */
        if (len >= 8)
            ck_assert_msg(strstr(err, "truncated") != NULL, "at %zu bytes: %s", len, err);
    }
    vms_buf_free(&b);
}
END_TEST

/* A section written byte by byte, for names the writer would not produce. */
static void raw_section(VmsBuf *b, const char *name, size_t nlen, uint64_t len, const void *payload, size_t have)
{
    VmsBuf h = {0};
    vms_buf_put_le(&h, nlen, 2);
    vms_buf_put(&h, name, nlen);
    vms_buf_put_le(&h, 0, 4);
    vms_buf_put_le(&h, 1, 4);
    vms_buf_put_le(&h, len, 8);
    vms_buf_put(&h, payload, have);
    uint32_t crc = (uint32_t)crc32(0, h.data, (uInt)h.len);
    vms_buf_put(b, "SECT", 4);
    vms_buf_put(b, h.data, h.len);
    vms_buf_put_le(b, crc, 4);
    vms_buf_free(&h);
}

static void expect_section_error(const VmsBuf *b, const char *fragment)
{
    MemSource m = {b->data, b->len};
    SnapSource src = {.read = mem_read, .opaque = &m};
    char err[256] = "";
    char *text = snap_read_header(&src, err, sizeof err);
    ck_assert_ptr_nonnull(text);
    free(text);
    SnapSection sec;
    ck_assert_int_eq(snap_read_section(&src, &sec, err, sizeof err), SNAP_ERROR);
    ck_assert_msg(strstr(err, fragment) != NULL, "wanted '%s', got '%s'", fragment, err);
    ck_assert_ptr_null(sec.data);
}

START_TEST(test_stream_corrupt_heads)
{
    const char name[40] = "ok\0hidden-----------------------------";
    for (unsigned c = 0; c < 5; c++) {
        VmsBuf b = {0};
        SnapSink sink = {sink_write, &b, 0, 0, false};
        snap_write_header(&sink, "machine=virt");
        switch (c) {
        case 0: raw_section(&b, name, 0, 0, NULL, 0); break;                       /* empty name */
        case 1: raw_section(&b, "abcdefghijabcdefghijabcdefghijab", 32, 0, NULL, 0); break; /* too long */
        case 2: raw_section(&b, name, 9, 0, NULL, 0); break;                       /* NUL inside */
        case 3: raw_section(&b, "big", 3, 1ull << 40, "x", 1); break;              /* length beyond the stream */
        default: vms_buf_put(&b, "SECX", 4); break;
        }
        static const char *const want[] = {"name length 0", "name length 32", "NUL in its name", "truncated",
                                           "bad section marker"};
        expect_section_error(&b, want[c]);
        vms_buf_free(&b);
    }
    /* An end marker that counts another number of sections. */
    VmsBuf b = {0};
    SnapSink sink = {sink_write, &b, 0, 0, false};
    snap_write_header(&sink, "machine=virt");
    sink.sections = 2;
    snap_write_end(&sink);
    expect_section_error(&b, "2 sections announced, 0 read");
    vms_buf_free(&b);
    /* A header whose text holds a NUL, or claims more than the limit. */
    uint8_t head[] = {'S', 'C', 'I', 'O', 'N', 'S', 'N', 'P', 1, 0, 0, 0, 3, 0, 0, 0, 'a', 0, 'b', 0, 0, 0, 0};
    uint32_t crc = (uint32_t)crc32(0, head + 16, 3);
    memcpy(head + 19, &crc, 4);
    MemSource m = {head, sizeof head};
    SnapSource src = {.read = mem_read, .opaque = &m};
    char err[256] = "";
    ck_assert_ptr_null(snap_read_header(&src, err, sizeof err));
    ck_assert_msg(strstr(err, "header is corrupt") != NULL, "%s", err);
    head[14] = 0x01; /* 65539 bytes */
    m = (MemSource){head, sizeof head};
    ck_assert_ptr_null(snap_read_header(&src, err, sizeof err));
    ck_assert_msg(strstr(err, "text length 65539") != NULL, "%s", err);
}
END_TEST

START_TEST(test_header_get)
{
    const char *text = "machine=virt\nram_size=16777216\nram=1\ndrive0=rw 512 ab /x y\nlast=end";
    char v[64];
    ck_assert(snap_header_get(text, "ram_size", v, sizeof v));
    ck_assert_str_eq(v, "16777216");
    ck_assert(snap_header_get(text, "ram", v, sizeof v));
    ck_assert_str_eq(v, "1");
    ck_assert(snap_header_get(text, "drive0", v, sizeof v));
    ck_assert_str_eq(v, "rw 512 ab /x y");
    ck_assert(snap_header_get(text, "last", v, sizeof v));
    ck_assert_str_eq(v, "end");
    ck_assert(!snap_header_get(text, "ram_", v, sizeof v));
    ck_assert(!snap_header_get(text, "drives", v, sizeof v));
    ck_assert(!snap_header_get("", "machine", v, sizeof v));
    char small[4];
    ck_assert(snap_header_get(text, "ram_size", small, sizeof small));
    ck_assert_str_eq(small, "167");
}
END_TEST

/* --- (e) RAM ---------------------------------------------------------------------- */

/* Page-aligned, zeroed host memory as guest RAM is. */
static uint8_t *map_ram(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(p != MAP_FAILED);
    return p;
}

/* Writes RAM to a stream and applies every section of it to dst. */
static void ram_transfer(const uint8_t *src, uint8_t *dst, uint64_t size, const uint8_t *dirty, SnapRamStats *stats,
                         uint32_t *sections)
{
    VmsBuf b = {0};
    SnapSink sink = {sink_write, &b, 0, 0, false};
    snap_ram_write(&sink, src, size, dirty, 1, stats);
    ck_assert(!sink.failed);
    MemSource m = {b.data, b.len};
    SnapSource in = {.read = mem_read, .opaque = &m};
    SnapSection sec;
    char err[256] = "";
    for (uint32_t i = 0; i < sink.sections; i++) {
        ck_assert_int_eq(snap_read_section(&in, &sec, err, sizeof err), SNAP_SECTION);
        ck_assert_str_eq(sec.name, "ram");
        ck_assert_uint_le(sec.len, SNAP_RAM_SECTION_BYTES);
        ck_assert_msg(snap_ram_apply(&sec, dst, size, err, sizeof err), "%s", err);
        snap_section_free(&sec);
    }
    ck_assert_uint_eq(m.n, 0);
    if (sections)
        *sections = sink.sections;
    vms_buf_free(&b);
}

/* Pages of text, of random bytes and of zeros, and a page zero but for its
 * last byte. */
static void fill_pages(uint8_t *ram, uint64_t pages, uint64_t seed)
{
    rnd_state = seed;
    for (uint64_t p = 0; p < pages; p++) {
        uint8_t *pg = ram + p * SNAP_PAGE_SIZE;
        switch (rnd() % 4) {
        case 0: memset(pg, 0, SNAP_PAGE_SIZE); break;
        case 1:
            for (unsigned i = 0; i < SNAP_PAGE_SIZE; i++)
                pg[i] = (uint8_t)("snapshot pages "[i % 15] + p);
            break;
        case 2:
            for (unsigned i = 0; i < SNAP_PAGE_SIZE; i += 8) {
                uint64_t r = rnd();
                memcpy(pg + i, &r, 8);
            }
            break;
        default:
            memset(pg, 0, SNAP_PAGE_SIZE);
            pg[SNAP_PAGE_SIZE - 1] = (uint8_t)(p | 1);
        }
    }
}

static uint64_t nonzero_pages(const uint8_t *ram, uint64_t pages)
{
    static const uint8_t zero[SNAP_PAGE_SIZE];
    uint64_t n = 0;
    for (uint64_t p = 0; p < pages; p++)
        n += memcmp(ram + p * SNAP_PAGE_SIZE, zero, SNAP_PAGE_SIZE) != 0;
    return n;
}

START_TEST(test_ram_full)
{
    /* 3 whole chunks and a partial one. */
    const uint64_t pages = 3 * SNAP_CHUNK_PAGES + 13, size = pages * SNAP_PAGE_SIZE;
    uint8_t *a = map_ram(size), *b = map_ram(size);
    fill_pages(a, pages, 1);
    SnapRamStats st;
    ram_transfer(a, b, size, NULL, &st, NULL);
    ck_assert(!memcmp(a, b, size));
    ck_assert_uint_eq(st.pages_sent, nonzero_pages(a, pages));
    ck_assert_uint_eq(st.zero_pages_sent, 0);
    munmap(a, size);
    munmap(b, size);
}
END_TEST

START_TEST(test_ram_dirty)
{
    const uint64_t pages = 2 * SNAP_CHUNK_PAGES + 40, size = pages * SNAP_PAGE_SIZE;
    uint8_t *old = map_ram(size), *now = map_ram(size), *dst = map_ram(size), *dirty = calloc(1, pages);
    ck_assert_ptr_nonnull(dirty);
    fill_pages(old, pages, 2);
    memcpy(now, old, size);
    uint64_t zeroed = 0, marked = 0;
    for (uint64_t p = 0; p < pages; p++) {
        uint8_t *pg = now + p * SNAP_PAGE_SIZE;
        switch (p % 5) {
        case 0: pg[p % SNAP_PAGE_SIZE] ^= 0x5a; break;  /* changed */
        case 1: memset(pg, 0, SNAP_PAGE_SIZE); break;   /* now zero (maybe was) */
        case 2: break;                                  /* dirty, unchanged */
        default: continue;                              /* clean */
        }
        dirty[p] = 1;
        marked++;
    }
    for (uint64_t p = 0; p < pages; p++)
        if (dirty[p] && !nonzero_pages(now + p * SNAP_PAGE_SIZE, 1))
            zeroed++;
    ck_assert_uint_gt(zeroed, 10);
    memcpy(dst, old, size);
    SnapRamStats st;
    ram_transfer(now, dst, size, dirty, &st, NULL);
    ck_assert(!memcmp(now, dst, size));
    ck_assert_uint_eq(st.pages_sent, marked);
    ck_assert_uint_eq(st.zero_pages_sent, zeroed);
    /* Nothing dirty: nothing sent, nothing changed. */
    memset(dirty, 0, pages);
    memcpy(dst, old, size);
    uint32_t sections = 99;
    ram_transfer(now, dst, size, dirty, &st, &sections);
    ck_assert_uint_eq(sections, 0);
    ck_assert_uint_eq(st.pages_sent, 0);
    ck_assert(!memcmp(old, dst, size));
    munmap(old, size);
    munmap(now, size);
    munmap(dst, size);
    free(dirty);
}
END_TEST

/* More than one section's worth of incompressible pages. */
START_TEST(test_ram_many_sections)
{
    const uint64_t size = 6u << 20, pages = size / SNAP_PAGE_SIZE;
    uint8_t *a = map_ram(size), *b = map_ram(size);
    rnd_state = 3;
    for (uint64_t i = 0; i < size; i += 8) {
        uint64_t r = rnd();
        memcpy(a + i, &r, 8);
    }
    memset(a + 5 * SNAP_PAGE_SIZE, 0, 3 * SNAP_PAGE_SIZE);
    uint32_t sections = 0;
    SnapRamStats st;
    ram_transfer(a, b, size, NULL, &st, &sections);
    ck_assert_uint_ge(sections, 2);
    ck_assert_uint_eq(st.pages_sent, pages - 3);
    ck_assert(!memcmp(a, b, size));
    munmap(a, size);
    munmap(b, size);
}
END_TEST

/* RAM need not start on a host page: a guest page straddling two host
 * pages, the first never touched, still carries its data. */
START_TEST(test_ram_unaligned)
{
    const uint64_t pages = 8, size = pages * SNAP_PAGE_SIZE, host = size + 2 * SNAP_PAGE_SIZE;
    uint8_t *base = map_ram(host), *dst = map_ram(size);
    uint8_t *ram = base + SNAP_PAGE_SIZE / 2;
    ram[SNAP_PAGE_SIZE - 100] = 0x77; /* guest page 0, in the second host page */
    ram[3 * SNAP_PAGE_SIZE + 5] = 0x66;
    ram_transfer(ram, dst, size, NULL, NULL, NULL);
    ck_assert_uint_eq(dst[SNAP_PAGE_SIZE - 100], 0x77);
    ck_assert(!memcmp(ram, dst, size));
    munmap(base, host);
    munmap(dst, size);
}
END_TEST

/* --- corrupt RAM records --- */

typedef struct Record {
    uint32_t index;
    uint64_t zero_mask, data_mask;
    const uint8_t *z; /* compressed data, or NULL */
    size_t zlen;
    int64_t zlen_adjust; /* added to the recorded length */
} Record;

static void put_record(VmsBuf *b, const Record *r)
{
    vms_buf_put_le(b, r->index, 4);
    vms_buf_put_le(b, r->zero_mask, 8);
    vms_buf_put_le(b, r->data_mask, 8);
    vms_buf_put_le(b, (uint64_t)((int64_t)r->zlen + r->zlen_adjust), 4);
    vms_buf_put(b, r->z, r->zlen);
}

/* The zlib stream of n pages, page i filled with byte fill + i. */
static uint8_t *compress_pages_of(unsigned n, uint8_t fill, size_t *zlen)
{
    size_t raw = (size_t)n * SNAP_PAGE_SIZE;
    uint8_t *in = malloc(raw ? raw : 1);
    uLongf out_len = compressBound((uLong)raw);
    uint8_t *out = malloc(out_len);
    ck_assert(in && out);
    for (unsigned i = 0; i < n; i++)
        memset(in + (size_t)i * SNAP_PAGE_SIZE, fill + i, SNAP_PAGE_SIZE);
    ck_assert_int_eq(compress(out, &out_len, in, (uLong)raw), Z_OK);
    free(in);
    *zlen = out_len;
    return out;
}

/* Applies one section holding the given records to RAM of ram_size. */
static bool apply_records(uint64_t declared, uint64_t ram_size, uint32_t version, const Record *r, unsigned n,
                          uint8_t *ram, char *err, size_t errlen)
{
    VmsBuf b = {0};
    vms_buf_put_le(&b, declared, 8);
    for (unsigned i = 0; i < n; i++)
        put_record(&b, &r[i]);
    SnapSection sec = {"ram", 0, version, b.data, b.len};
    err[0] = 0;
    bool ok = snap_ram_apply(&sec, ram, ram_size, err, errlen);
    vms_buf_free(&b);
    return ok;
}

START_TEST(test_ram_corrupt)
{
    const uint64_t pages = SNAP_CHUNK_PAGES + 8, size = pages * SNAP_PAGE_SIZE; /* chunk 1 holds 8 pages */
    uint8_t *ram = map_ram(size);
    size_t z2len, z1len, z3len;
    uint8_t *z2 = compress_pages_of(2, 0x10, &z2len), *z1 = compress_pages_of(1, 0x10, &z1len),
            *z3 = compress_pages_of(3, 0x10, &z3len);
    char err[256];
    /* The hand-made record is right: pages 2 and 5 of chunk 1, page 3 zeroed. */
    memset(ram + (SNAP_CHUNK_PAGES + 3) * SNAP_PAGE_SIZE, 0xee, SNAP_PAGE_SIZE);
    Record good = {1, 1u << 3, (1u << 2) | (1u << 5), z2, z2len, 0};
    ck_assert_msg(apply_records(size, size, 1, &good, 1, ram, err, sizeof err), "%s", err);
    ck_assert_uint_eq(ram[(SNAP_CHUNK_PAGES + 2) * SNAP_PAGE_SIZE + 7], 0x10);
    ck_assert_uint_eq(ram[(SNAP_CHUNK_PAGES + 5) * SNAP_PAGE_SIZE + 4095], 0x11);
    ck_assert_uint_eq(ram[(SNAP_CHUNK_PAGES + 3) * SNAP_PAGE_SIZE], 0);

    /* Another RAM size, a newer version, no size at all. */
    ck_assert(!apply_records(size * 2, size, 1, &good, 1, ram, err, sizeof err));
    ck_assert_msg(strstr(err, "section ram is for"), "%s", err);
    ck_assert(!apply_records(size, size, 2, &good, 1, ram, err, sizeof err));
    ck_assert_msg(strstr(err, "section ram has version 2"), "%s", err);
    SnapSection stub = {"ram", 0, 1, (uint8_t *)"abc", 3};
    ck_assert(!snap_ram_apply(&stub, ram, size, err, sizeof err));
    ck_assert_msg(strstr(err, "section ram"), "%s", err);

    const struct {
        Record r;
        const char *why;
    } bad[] = {
        {{2, 1, 0, NULL, 0, 0}, "chunk past the end of RAM"},
        {{0xffffffffu, 1, 0, NULL, 0, 0}, "chunk index at its maximum"},
        {{1, 1u << 8, 0, NULL, 0, 0}, "zero page past the end of RAM"},
        {{1, 0, (1u << 8) | 1, z2, z2len, 0}, "data page past the end of RAM"},
        {{1, 1u << 2, 1u << 2, z1, z1len, 0}, "a page both zero and data"},
        {{1, 0, 3, NULL, 0, 0}, "data pages without data"},
        {{1, 1, 0, z1, z1len, 0}, "data without data pages"},
        {{1, 0, 3, z2, z2len, 1000}, "compressed length past the section"},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(!apply_records(size, size, 1, &bad[i].r, 1, ram, err, sizeof err), "%s accepted", bad[i].why);
        ck_assert_msg(strstr(err, "section ram") && strstr(err, "corrupt"), "%s: %s", bad[i].why, err);
    }

    /* Compressed data that is not what the masks say. */
    uint8_t garbage[64];
    memset(garbage, 0xff, sizeof garbage);
    uint8_t *trailing = malloc(z2len + 1);
    ck_assert_ptr_nonnull(trailing);
    memcpy(trailing, z2, z2len);
    trailing[z2len] = 0;
    uint8_t *cut = malloc(z2len);
    ck_assert_ptr_nonnull(cut);
    memcpy(cut, z2, z2len);
    cut[z2len / 2] ^= 0x55; /* the Adler-32 at the end no longer matches */
    const Record undecodable[] = {
        {1, 0, 3, garbage, sizeof garbage, 0},   /* not zlib */
        {1, 0, 3, z1, z1len, 0},                 /* one page short */
        {1, 0, 3, z3, z3len, 0},                 /* a page too many */
        {1, 0, 3, trailing, z2len + 1, 0},       /* bytes after the stream */
        {1, 0, 3, z2, z2len - 1, 0},             /* stream cut short */
        {1, 0, 3, cut, z2len, 0},                /* corrupted inside */
    };
    for (unsigned i = 0; i < sizeof undecodable / sizeof undecodable[0]; i++) {
        ck_assert_msg(!apply_records(size, size, 1, &undecodable[i], 1, ram, err, sizeof err),
                      "undecodable record %u accepted", i);
        ck_assert_msg(strstr(err, "section ram") && strstr(err, "decompress"), "record %u: %s", i, err);
    }
    /* A good record followed by a truncated one. */
    Record two[2] = {good, good};
    VmsBuf b = {0};
    vms_buf_put_le(&b, size, 8);
    put_record(&b, &two[0]);
    put_record(&b, &two[1]);
    SnapSection sec = {"ram", 0, 1, b.data, b.len - z2len - 5};
    ck_assert(!snap_ram_apply(&sec, ram, size, err, sizeof err));
    ck_assert_msg(strstr(err, "section ram") && strstr(err, "truncated"), "%s", err);
    vms_buf_free(&b);
    free(trailing);
    free(cut);
    free(z1);
    free(z2);
    free(z3);
    munmap(ram, size);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vmstate");
    TCase *tables_tc = tcase_create("tables");
    tcase_add_loop_test(tables_tc, test_layout, 0, NTABLES);
    tcase_add_loop_test(tables_tc, test_round_trip, 0, NTABLES);
    tcase_add_loop_test(tables_tc, test_refusals, 0, NTABLES);
    tcase_add_test(tables_tc, test_bounded_fields_exist);
    tcase_add_test(tables_tc, test_checks_run);
    tcase_add_test(tables_tc, test_since);
    suite_add_tcase(s, tables_tc);
    TCase *stream_tc = tcase_create("stream");
    tcase_add_test(stream_tc, test_stream_round_trip);
    tcase_add_test(stream_tc, test_stream_flipped_bytes);
    tcase_add_test(stream_tc, test_stream_truncated);
    tcase_add_test(stream_tc, test_stream_corrupt_heads);
    tcase_add_test(stream_tc, test_header_get);
    suite_add_tcase(s, stream_tc);
    TCase *ram_tc = tcase_create("ram");
    tcase_set_timeout(ram_tc, 60);
    tcase_add_test(ram_tc, test_ram_full);
    tcase_add_test(ram_tc, test_ram_dirty);
    tcase_add_test(ram_tc, test_ram_many_sections);
    tcase_add_test(ram_tc, test_ram_unaligned);
    tcase_add_test(ram_tc, test_ram_corrupt);
    suite_add_tcase(s, ram_tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
