/* The memo of Capstone's answers (see decode_memo.h). */
#include "frontend/decode_memo.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SLOT_BITS 15
#define SLOTS (1u << SLOT_BITS)
#define MAX_ENTRIES (SLOTS / 2) /* open addressing stays short at half load */
#define HUGE_PAGE (2u << 20)
#define STORE_SIZE (HUGE_PAGE - SLOTS * sizeof(Slot))
#define THUMB_REF 0x80000000u
#define HEADER offsetof(cs_arm, operands)
#define NSLOTS (sizeof ((cs_arm *)0)->operands / sizeof(cs_arm_op))

/*
 * An operand in 20 bytes instead of cs_arm_op's 48 (a cold start keeps
 * 12.8 k entries of two or three operands): the fields Capstone fills,
 * narrowed.  An operand its packed form does not give back exactly (a
 * floating-point immediate, a field out of range) keeps its instruction
 * out of the memo.
 */
typedef struct PackedOp {
    int32_t word;   /* reg, imm, or mem.base */
    int32_t disp;   /* mem.disp */
    uint16_t index; /* mem.index */
    int8_t scale;   /* mem.scale */
    uint8_t lshift; /* mem.lshift */
    uint8_t type, shift_type, shift_value, flags; /* flags: subtracted | access << 1 */
    int8_t vector_index, neon_lane;
    uint16_t unused;
} PackedOp;

/* An entry in the store: the id, cs_arm up to its operands, then op_count
 * packed operands, padded to 8 bytes. */
typedef struct Entry {
    uint32_t id;
    uint32_t size; /* of the entry */
    uint8_t header[HEADER];
    PackedOp ops[];
} Entry;

typedef struct Slot {
    uint32_t raw;
    uint32_t ref; /* 1 + the entry's offset in the store / 8, THUMB_REF for T32; 0: empty */
} Slot;

struct DecodeMemo {
    Slot *slots;
    uint8_t *store;
    size_t used;
    unsigned entries;
    cs_arm_op blank; /* what Capstone leaves in an operand slot it does not use */
    bool have_blank;
    /* What recall hands out: operands from recalled_ops on are blank. */
    cs_arm recalled;
    unsigned recalled_ops;
};

/* The table and the store in one huge page where the host has them: a
 * cold start fills 1.5 MiB, which is 400 page faults in 4 KiB pages (a
 * microsecond each here) or one. */
static uint8_t *map_memory(void)
{
    size_t size = HUGE_PAGE;
    uint8_t *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    if (p == MAP_FAILED)
        abort();
    uint8_t *aligned = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (aligned > p)
        munmap(p, (size_t)(aligned - p));
    munmap(aligned + size, (size_t)(p + HUGE_PAGE - aligned));
    madvise(aligned, size, MADV_HUGEPAGE);
    return aligned;
}

DecodeMemo *decode_memo_new(void)
{
    DecodeMemo *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    uint8_t *mem = map_memory();
    m->slots = (Slot *)mem;
    m->store = mem + SLOTS * sizeof(Slot);
    return m;
}

void decode_memo_free(DecodeMemo *m)
{
    if (!m)
        return;
    munmap(m->slots, HUGE_PAGE);
    free(m);
}

bool decode_memo_pc_dependent(unsigned id)
{
    switch (id) {
    case ARM_INS_B:
    case ARM_INS_BL:
    case ARM_INS_BLX:
    case ARM_INS_CBZ:
    case ARM_INS_CBNZ: return true;
    default: return false;
    }
}

static uint32_t first_slot(uint32_t raw, bool thumb)
{
    return ((raw ^ (thumb ? 0x5bd1e995u : 0)) * 0x9e3779b1u) >> (32 - SLOT_BITS);
}

static bool slot_holds(const Slot *s, uint32_t raw, bool thumb)
{
    return s->raw == raw && (s->ref & THUMB_REF) == (thumb ? THUMB_REF : 0);
}

/* The slot holding (raw, thumb), or the empty one where it would go. */
static const Slot *find_slot(const DecodeMemo *m, uint32_t raw, bool thumb)
{
    for (uint32_t i = first_slot(raw, thumb);; i = (i + 1) & (SLOTS - 1)) {
        const Slot *s = &m->slots[i];
        if (!s->ref || slot_holds(s, raw, thumb))
            return s;
    }
}

static PackedOp pack(const cs_arm_op *op)
{
    return (PackedOp){.word = op->mem.base, .disp = op->mem.disp, .index = (uint16_t)op->mem.index,
                      .scale = (int8_t)op->mem.scale, .lshift = (uint8_t)op->mem.lshift, .type = (uint8_t)op->type,
                      .shift_type = (uint8_t)op->shift.type, .shift_value = (uint8_t)op->shift.value,
                      .flags = (uint8_t)(op->subtracted | op->access << 1), .vector_index = (int8_t)op->vector_index,
                      .neon_lane = op->neon_lane};
}

/* From the blank, so padding and the rest of the union are Capstone's. */
static void unpack(const DecodeMemo *m, const PackedOp *p, cs_arm_op *op)
{
    *op = m->blank;
    op->vector_index = p->vector_index;
    op->shift.type = (arm_shifter)p->shift_type;
    op->shift.value = p->shift_value;
    op->type = (arm_op_type)p->type;
    op->mem = (arm_op_mem){.base = (arm_reg)p->word, .index = p->index, .scale = p->scale, .disp = p->disp,
                           .lshift = p->lshift};
    op->subtracted = p->flags & 1;
    op->access = p->flags >> 1;
    op->neon_lane = p->neon_lane;
}

const cs_arm *decode_memo_recall(DecodeMemo *m, uint32_t raw, bool thumb, unsigned *id)
{
    const Slot *s = find_slot(m, raw, thumb);
    if (!s->ref)
        return NULL;
    const Entry *e = (const Entry *)(m->store + (size_t)((s->ref & ~THUMB_REF) - 1) * 8);
    *id = e->id;
    cs_arm *d = &m->recalled;
    memcpy(d, e->header, HEADER);
    for (size_t k = 0; k < d->op_count; k++)
        unpack(m, &e->ops[k], &d->operands[k]);
    for (size_t k = d->op_count; k < m->recalled_ops; k++)
        d->operands[k] = m->blank;
    m->recalled_ops = d->op_count;
    return d;
}

static void start_over(DecodeMemo *m)
{
    memset(m->slots, 0, SLOTS * sizeof *m->slots);
    m->used = 0;
    m->entries = 0;
}

/* Only details whose unused slots are all alike can be rebuilt from one
 * blank: the first one seen sets it, and the first and last unused slots
 * of every later one are checked against it. */
static bool unused_slots_blank(DecodeMemo *m, const cs_arm *detail)
{
    if (detail->op_count >= NSLOTS)
        return false;
    if (!m->have_blank) {
        m->blank = detail->operands[NSLOTS - 1];
        m->have_blank = true;
        for (size_t k = 0; k < NSLOTS; k++)
            m->recalled.operands[k] = m->blank;
    }
    return !memcmp(&detail->operands[detail->op_count], &m->blank, sizeof m->blank) &&
           !memcmp(&detail->operands[NSLOTS - 1], &m->blank, sizeof m->blank);
}

void decode_memo_keep(DecodeMemo *m, uint32_t raw, bool thumb, unsigned id, const cs_arm *detail)
{
    if (decode_memo_pc_dependent(id) || !unused_slots_blank(m, detail))
        return;
    size_t room = (sizeof(Entry) + detail->op_count * sizeof(PackedOp) + 7) & ~(size_t)7;
    if (m->entries == MAX_ENTRIES || m->used + room > STORE_SIZE)
        start_over(m);
    Slot *s = (Slot *)find_slot(m, raw, thumb);
    if (s->ref)
        return;
    Entry *e = (Entry *)(m->store + m->used);
    for (size_t k = 0; k < detail->op_count; k++) {
        cs_arm_op back;
        e->ops[k] = pack(&detail->operands[k]);
        unpack(m, &e->ops[k], &back);
        if (memcmp(&back, &detail->operands[k], sizeof back))
            return;
    }
    e->id = id;
    e->size = (uint32_t)room;
    memcpy(e->header, detail, HEADER);
    *s = (Slot){.raw = raw, .ref = (uint32_t)(m->used / 8 + 1) | (thumb ? THUMB_REF : 0)};
    m->used += room;
    m->entries++;
}
