/* The translation cache's file format (see tcache_file.h). */
#include "backend/tcache_file.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * File: a FileHeader, then entries, each a TcacheEntry, the guest bytes
 * [guest_start, guest_end), the IR instructions encoded (encode_insn), and
 * zeros to a multiple of 8 bytes.  Host byte order: scion's own executable
 * is part of the key.
 */
#define MAGIC "SCIONTC1"
#define FORMAT_VERSION 1
/* ESCAPE, op, aux, four temps of two bytes, imm of up to 10 */
#define MAX_ENCODED_INSN 21
/* Bounds any sane entry keeps (a block is at most TRANSLATE_MAX_INSNS
 * instructions of at most 4 bytes, and one may straddle a page). */
#define MAX_GUEST_BYTES (TRANSLATE_MAX_INSNS * 4 + 4)
#define MAX_IR_INSNS 65536u

typedef struct FileHeader {
    char magic[8];
    uint32_t version;
    uint32_t nentries;
    uint64_t size; /* of the whole file */
} FileHeader;

_Static_assert(sizeof(FileHeader) == TCACHE_FILE_HEADER, "the header's size is part of the format");
_Static_assert(sizeof(TcacheEntry) % 8 == 0, "entries stay 8-byte aligned");

static uint64_t rotl(uint64_t v, unsigned k)
{
    return v << k | v >> (64 - k);
}

/* Not cryptographic: it finds damage; the guest bytes decide validity.
 * Four independent lanes, so the multiplies overlap (every entry of a
 * first run is summed).  len is a multiple of 8. */
static uint64_t checksum(const uint8_t *p, size_t len)
{
    const uint64_t k = 0x9fb21c651e98df25ull;
    uint64_t lane[4] = {0x243f6a8885a308d3ull ^ len, 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
                        0x082efa98ec4e6c89ull};
    size_t i = 0;
    for (; i + 32 <= len; i += 32)
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * l, 8);
            lane[l] = rotl(lane[l] ^ w, 29) * k;
        }
    for (int l = 0; i + 8 <= len; i += 8, l++) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        lane[l] = rotl(lane[l] ^ w, 29) * k;
    }
    uint64_t h = lane[0] ^ rotl(lane[1], 17) ^ rotl(lane[2], 31) ^ rotl(lane[3], 47);
    h = (h ^ h >> 32) * k;
    return h ^ h >> 29;
}

static size_t entry_size(uint32_t guest_bytes, uint32_t ir_bytes)
{
    return (sizeof(TcacheEntry) + guest_bytes + ir_bytes + 7) & ~(size_t)7;
}

/*
 * An instruction in about 4 bytes instead of IrInsn's 24 (blocks came to
 * 850 bytes each, and writing the file is what a first run pays):
 *   op, with bit 7 set when an aux byte follows; aux;
 *   the temps the op has (dst if it has a result, then its nargs
 *   operands), one byte each in blocks of fewer than 255 temps, else two;
 *   imm as a zigzag varint, relative to the block's pc and mode for the
 *   ops whose imm is a guest address (instruction starts, exits).
 * An instruction with a temp where its op has none (never made by the
 * translator, but kept exactly all the same) is ESCAPE and every field.
 */
#define ESCAPE 0x7f
#define HAS_AUX 0x80
#define NARROW_NO_TEMP 0xff

_Static_assert(IR_OP_COUNT < ESCAPE, "IR ops fit in 7 bits, below ESCAPE");

static bool narrow_temps(unsigned ntemps)
{
    return ntemps < NARROW_NO_TEMP;
}

/* Small negative constants in few bytes too. */
static uint64_t zigzag(uint64_t v)
{
    return v >> 63 ? ~v << 1 | 1 : v << 1;
}

static uint64_t unzigzag(uint64_t v)
{
    return v & 1 ? ~(v >> 1) : v >> 1;
}

/* What INSN_START and EXIT imms look like: pc | mode << 32. */
static uint64_t block_key(uint32_t pc, uint32_t mode)
{
    return (uint64_t)mode << 32 | pc;
}

static uint64_t imm_base(uint8_t op, uint64_t block_key)
{
    return op == IR_INSN_START || op == IR_EXIT ? block_key : 0;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static const uint8_t *get_varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p == end)
            return NULL;
        uint8_t byte = *p++;
        *v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return p;
    }
    return NULL;
}

static const uint8_t *get_temp(const uint8_t *p, const uint8_t *end, IrTemp *t, bool narrow)
{
    if (end - p < (narrow ? 1 : 2))
        return NULL;
    if (narrow) {
        *t = *p == NARROW_NO_TEMP ? IR_NO_TEMP : *p;
        return p + 1;
    }
    memcpy(t, p, sizeof *t);
    return p + sizeof *t;
}

/* The temps op has are a run of dst, a, b, c: from dst if it has a
 * result, else from a, and as many as that and its nargs make. */
static unsigned first_temp(uint8_t op)
{
    return ir_op_info[op].result == IR_RESULT_V;
}

static unsigned temp_count(uint8_t op)
{
    return (ir_op_info[op].result != IR_RESULT_V) + ir_op_info[op].nargs;
}

_Static_assert(offsetof(IrInsn, a) == offsetof(IrInsn, dst) + 2 && offsetof(IrInsn, c) == offsetof(IrInsn, dst) + 6,
               "an instruction's temps are four adjacent lanes");

/* Few branches: every block a first run translates goes through here
 * (whole words of temps are stored, and the pointer moves by what counts). */
static uint8_t *encode_insn(uint8_t *p, const IrInsn *in, bool narrow, uint64_t block_key)
{
    unsigned first = first_temp(in->op), n = temp_count(in->op);
    uint64_t all;
    memcpy(&all, &in->dst, sizeof all); /* dst, a, b, c: one lane each */
    uint64_t lanes = n ? (~0ull >> (64 - 16 * n)) << (16 * first) : 0;
    if ((all | lanes) != ~0ull) { /* a temp where the op has none: keep all four */
        *p++ = ESCAPE;
        first = 0;
        n = 4;
    }
    p[0] = (uint8_t)(in->op | (in->aux ? HAS_AUX : 0));
    p[1] = in->aux;
    p += 1 + (in->aux != 0);
    if (narrow) { /* IR_NO_TEMP's low byte is NARROW_NO_TEMP */
        uint32_t bytes = (uint32_t)((all & 0xff) | (all >> 8 & 0xff00) | (all >> 16 & 0xff0000) | (all >> 24 & 0xff000000));
        bytes >>= 8 * first;
        memcpy(p, &bytes, 4);
        p += n;
    } else {
        all >>= 16 * first;
        memcpy(p, &all, 8);
        p += 2 * n;
    }
    uint64_t v = zigzag(in->imm - imm_base(in->op, block_key));
    if (v < 0x80) {
        *p = (uint8_t)v;
        return p + 1;
    }
    return put_varint(p, v);
}

/* NULL if the bytes do not hold an instruction. */
static const uint8_t *decode_insn(const uint8_t *p, const uint8_t *end, IrInsn *in, bool narrow, uint64_t block_key)
{
    bool escaped = p < end && *p == ESCAPE;
    p += escaped;
    if (p == end || (*p & ~HAS_AUX) >= IR_OP_COUNT)
        return NULL;
    uint8_t op = *p & ~HAS_AUX, aux = 0;
    if (*p++ & HAS_AUX) {
        if (p == end)
            return NULL;
        aux = *p++;
    }
    IrTemp temps[4] = {IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP};
    unsigned first = escaped ? 0 : first_temp(op), n = escaped ? 4 : temp_count(op);
    for (unsigned k = first; k < first + n && p; k++)
        p = get_temp(p, end, &temps[k], narrow);
    uint64_t v;
    if (!p || !(p = get_varint(p, end, &v)))
        return NULL;
    *in = (IrInsn){.op = op, .aux = aux, .dst = temps[0], .a = temps[1], .b = temps[2], .c = temps[3],
                   .imm = unzigzag(v) + imm_base(op, block_key)};
    return p;
}

static uint32_t slot_of(uint32_t pc, uint32_t mode, uint32_t mask)
{
    uint64_t h = ((uint64_t)mode << 32 | pc) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 40) & mask;
}

int64_t tcache_file_find(const TcacheFile *f, uint32_t pc, uint32_t mode)
{
    if (!f->index.slots)
        return -1;
    for (uint32_t s = slot_of(pc, mode, f->index.mask);; s = (s + 1) & f->index.mask) {
        uint32_t v = f->index.slots[s];
        if (!v)
            return -1;
        const TcacheEntry *e = tcache_file_entry(f, v - 1);
        if (e->pc == pc && e->mode == mode)
            return v - 1;
    }
}

/* An entry's fields agree with its size and the file's end. */
static bool entry_sane(const TcacheEntry *e, size_t room)
{
    if (room < sizeof *e)
        return false;
    uint32_t n = e->guest_end - e->guest_start;
    return e->size <= room && e->size % 8 == 0 && e->guest_start <= e->guest_end && n <= MAX_GUEST_BYTES &&
           e->count <= MAX_IR_INSNS && e->pc == e->guest_start && e->ir_bytes <= e->count * MAX_ENCODED_INSN &&
           e->size == entry_size(n, e->ir_bytes);
}

/* Of two entries for one (pc, mode) the later is the newer. */
static void index_entry(TcacheFile *f, uint32_t n)
{
    const TcacheEntry *e = tcache_file_entry(f, n);
    uint32_t s = slot_of(e->pc, e->mode, f->index.mask);
    for (const TcacheEntry *o; f->index.slots[s]; s = (s + 1) & f->index.mask) {
        o = tcache_file_entry(f, f->index.slots[s] - 1);
        if (o->pc == e->pc && o->mode == e->mode)
            break;
    }
    f->index.slots[s] = n + 1;
}

bool tcache_file_index(TcacheFile *f, const uint8_t *entries, size_t size, uint32_t nentries)
{
    uint32_t cap = 16;
    while (cap < 2 * nentries)
        cap *= 2;
    f->offset = malloc(nentries * sizeof *f->offset + 1);
    f->index.slots = calloc(cap, sizeof *f->index.slots);
    f->index.mask = cap - 1;
    if (!f->offset || !f->index.slots)
        abort();
    f->entries = entries;
    size_t off = 0;
    for (uint32_t i = 0; i < nentries; i++) {
        const TcacheEntry *e = (const TcacheEntry *)(entries + off);
        if (!entry_sane(e, size - off))
            return false;
        f->offset[i] = (uint32_t)off;
        off += e->size;
        f->n = i + 1;
        index_entry(f, i);
    }
    return off == size;
}

bool tcache_file_load(TcacheFile *f, const uint8_t *data, size_t size)
{
    *f = (TcacheFile){.data = data, .size = size};
    const FileHeader *fh = (const FileHeader *)data;
    bool ok = size >= sizeof *fh && !memcmp(fh->magic, MAGIC, 8) && fh->version == FORMAT_VERSION &&
              fh->size == size && fh->nentries <= size / sizeof(TcacheEntry) &&
              tcache_file_index(f, data + sizeof *fh, size - sizeof *fh, fh->nentries);
    if (!ok)
        tcache_file_free(f);
    return ok;
}

void tcache_file_free(TcacheFile *f)
{
    if (f->data)
        munmap((void *)f->data, f->size);
    free(f->offset);
    free(f->index.slots);
    *f = (TcacheFile){0};
}

void tcache_file_header(uint8_t out[TCACHE_FILE_HEADER], uint32_t nentries, uint64_t size)
{
    FileHeader fh = {.version = FORMAT_VERSION, .nentries = nentries, .size = size};
    memcpy(fh.magic, MAGIC, 8);
    memcpy(out, &fh, sizeof fh);
}

size_t tcache_entry_room(const TranslateResult *r)
{
    uint32_t len = r->guest_end - r->guest_start;
    if (len > MAX_GUEST_BYTES || r->ir->count > MAX_IR_INSNS)
        return 0;
    return entry_size(len, (uint32_t)(r->ir->count * MAX_ENCODED_INSN));
}

size_t tcache_entry_encode(uint8_t *out, uint32_t pc, uint32_t mode, const TranslateResult *r, const uint8_t *guest)
{
    uint32_t len = r->guest_end - r->guest_start;
    TcacheEntry e = {.pc = pc, .mode = mode, .guest_start = r->guest_start, .guest_end = r->guest_end,
                     .ninsns = r->ninsns, .count = (uint32_t)r->ir->count, .ntemps = r->ir->ntemps,
                     .nlabels = r->ir->nlabels};
    memcpy(out + sizeof e, guest, len);
    uint8_t *p = out + sizeof e + len;
    bool narrow = narrow_temps(e.ntemps);
    for (size_t i = 0; i < r->ir->count; i++)
        p = encode_insn(p, &r->ir->insns[i], narrow, block_key(pc, mode));
    e.ir_bytes = (uint32_t)(p - (out + sizeof e + len));
    e.size = (uint32_t)entry_size(len, e.ir_bytes);
    memset(p, 0, e.size - (size_t)(p - out));
    memcpy(out, &e, sizeof e);
    tcache_entry_seal(out);
    return e.size;
}

void tcache_entry_seal(uint8_t *entry)
{
    TcacheEntry e;
    memcpy(&e, entry, sizeof e);
    e.checksum = checksum(entry + 8, e.size - 8);
    memcpy(entry, &e.checksum, sizeof e.checksum);
}

bool tcache_entry_decode(const TcacheEntry *e, IrBlock *ir, size_t *cap)
{
    if (checksum((const uint8_t *)e + 8, e->size - 8) != e->checksum)
        return false;
    if (e->count > *cap) {
        free(ir->insns);
        *cap = e->count;
        if (!(ir->insns = malloc(e->count * sizeof *ir->insns)))
            abort();
    }
    const uint8_t *p = tcache_entry_bytes(e) + (e->guest_end - e->guest_start), *end = p + e->ir_bytes;
    bool narrow = narrow_temps(e->ntemps);
    for (uint32_t i = 0; i < e->count && p; i++)
        p = decode_insn(p, end, &ir->insns[i], narrow, block_key(e->pc, e->mode));
    ir->count = ir->capacity = e->count;
    ir->ntemps = e->ntemps;
    ir->nlabels = e->nlabels;
    ir->overflow = false;
    return p == end;
}
