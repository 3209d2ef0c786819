/* Encoding and checked decoding of state tables (snapshot/vmstate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/vmstate.h"

static const unsigned type_bytes[] = {[VMS_T_BOOL] = 1, [VMS_T_U8] = 1, [VMS_T_U16] = 2, [VMS_T_U32] = 4,
                                      [VMS_T_U64] = 8};

void vms_buf_put(VmsBuf *b, const void *data, size_t len)
{
    if (b->failed || len == 0) /* data may be NULL then: memcpy must not see it */
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len)
            cap *= 2;
        uint8_t *p = realloc(b->data, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

void vms_buf_put_le(VmsBuf *b, uint64_t value, unsigned bytes)
{
    uint8_t le[8];
    for (unsigned i = 0; i < bytes; i++)
        le[i] = (uint8_t)(value >> (8 * i));
    vms_buf_put(b, le, bytes);
}

void vms_buf_free(VmsBuf *b)
{
    free(b->data);
    *b = (VmsBuf){0};
}

static uint64_t load_elem(const uint8_t *p, VmsType t)
{
    switch (t) {
    case VMS_T_BOOL: return *(const bool *)p;
    case VMS_T_U8: return *p;
    case VMS_T_U16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case VMS_T_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static void store_elem(uint8_t *p, VmsType t, uint64_t v)
{
    switch (t) {
    case VMS_T_BOOL: *(bool *)p = v != 0; break;
    case VMS_T_U8: *p = (uint8_t)v; break;
    case VMS_T_U16: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case VMS_T_U32: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static bool field_present(const VmsField *f, uint32_t version)
{
    return f->since <= version;
}

void vms_encode(const VmsDesc *d, const void *s, VmsBuf *out)
{
    const uint8_t *base = s;
    for (unsigned i = 0; i < d->nfields; i++) {
        const VmsField *f = &d->fields[i];
        for (uint32_t k = 0; k < f->count; k++) {
            if (f->type == VMS_T_STRUCT) {
                vms_encode(f->sub, base + f->offset + k * f->stride, out);
                continue;
            }
            unsigned n = type_bytes[f->type];
            vms_buf_put_le(out, load_elem(base + f->offset + (size_t)k * n, f->type), n);
        }
    }
}

size_t vms_encoded_size(const VmsDesc *d, uint32_t version)
{
    size_t total = 0;
    for (unsigned i = 0; i < d->nfields; i++) {
        const VmsField *f = &d->fields[i];
        if (!field_present(f, version))
            continue;
        size_t each = f->type == VMS_T_STRUCT ? vms_encoded_size(f->sub, f->sub->version) : type_bytes[f->type];
        total += each * f->count;
    }
    return total;
}

/* Decoding state; messages name the stream's section (the top table) and
 * the path to the field through nested tables, e.g. "vq[3].num". */
typedef struct Decoder {
    const uint8_t *p, *end;
    const char *section;
    char path[128]; /* the enclosing struct fields, each followed by '.' */
    char *err;
    size_t errlen;
} Decoder;

static bool decode_fields(Decoder *dc, const VmsDesc *d, uint32_t version, uint8_t *base);

/* "name" or "name[k]" for element k of an array field. */
static void field_label(const VmsField *f, uint32_t k, char *out, size_t outlen)
{
    if (f->count > 1)
        snprintf(out, outlen, "%s[%u]", f->name, k);
    else
        snprintf(out, outlen, "%s", f->name);
}

/* One element of a scalar field, range-checked.  The label is built only
 * for a message: big arrays (a GBA cartridge save, 128 Ki elements) decode
 * at memory speed, which rewind relies on. */
static bool decode_elem(Decoder *dc, const VmsField *f, uint32_t k, uint8_t *base)
{
    unsigned n = type_bytes[f->type];
    char label[64];
    if ((size_t)(dc->end - dc->p) < n) {
        field_label(f, k, label, sizeof label);
        snprintf(dc->err, dc->errlen, "section %s is too short (field %s%s)", dc->section, dc->path, label);
        return false;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)dc->p[i] << (8 * i);
    dc->p += n;
    uint64_t max = f->type == VMS_T_BOOL ? 1 : f->max;
    if (max && v > max) {
        field_label(f, k, label, sizeof label);
        snprintf(dc->err, dc->errlen, "section %s: field %s%s = %llu is out of range (at most %llu)", dc->section,
                 dc->path, label, (unsigned long long)v, (unsigned long long)max);
        return false;
    }
    store_elem(base + f->offset + (size_t)k * n, f->type, v);
    return true;
}

/* Element k of a struct field: its own table, under "field[k]." in the path. */
static bool decode_struct(Decoder *dc, const VmsField *f, uint32_t k, uint8_t *base)
{
    size_t at = strlen(dc->path);
    char label[64];
    field_label(f, k, label, sizeof label);
    snprintf(dc->path + at, sizeof dc->path - at, "%s.", label);
    bool ok = decode_fields(dc, f->sub, f->sub->version, base + f->offset + (size_t)k * f->stride);
    dc->path[at] = 0;
    return ok;
}

static bool decode_fields(Decoder *dc, const VmsDesc *d, uint32_t version, uint8_t *base)
{
    for (unsigned i = 0; i < d->nfields; i++) {
        const VmsField *f = &d->fields[i];
        if (!field_present(f, version))
            continue;
        for (uint32_t k = 0; k < f->count; k++) {
            bool ok = f->type == VMS_T_STRUCT ? decode_struct(dc, f, k, base) : decode_elem(dc, f, k, base);
            if (!ok)
                return false;
        }
    }
    return true;
}

bool vms_decode(const VmsDesc *d, uint32_t version, const uint8_t *data, size_t len, void *staged, char *err,
                size_t errlen)
{
    if (version > d->version) {
        snprintf(err, errlen, "section %s has version %u; this scion reads up to version %u", d->name, version,
                 d->version);
        return false;
    }
    Decoder dc = {data, len ? data + len : data, d->name, "", err, errlen};
    if (!decode_fields(&dc, d, version, staged))
        return false;
    if (dc.p != dc.end) {
        snprintf(err, errlen, "section %s is too long (%zu bytes left over)", d->name, (size_t)(dc.end - dc.p));
        return false;
    }
    if (d->check && !d->check(staged, err, errlen))
        return false;
    return true;
}
