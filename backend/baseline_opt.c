/* State reuse, dead state stores and dead ops (baseline_opt.h). */
#include "backend/baseline_opt.h"

#include <string.h>

#define NONE 0xffffffffu

/* Per state word: the temp known to hold it and the store not yet
 * observed, each valid only in the generation it was set in, so that
 * "forget everything" is one increment. */
typedef struct Word {
    uint32_t known, known_gen;
    uint32_t pending, pending_gen;
    uint32_t pending_accesses; /* Pass.accesses when pending was stored */
    uint32_t pending_exits;    /* Pass.exits when pending was stored */
} Word;

typedef struct Pass {
    InterpCode *c;
    bool *removed;
    bool *is64;
    IrTemp *alias;
    Word *words;
    size_t nwords;
    Scratch *scratch;
    /* A conditional instruction: a forward branch over its ops to a label
     * that nothing else reaches.  At the label, what was known at the
     * branch still holds except the words set on the way (touched). */
    uint32_t *label_refs; /* per op index: branches to it */
    size_t skip_label;    /* NONE when no such branch is open */
    uint32_t skip_gen;
    /* The stores pending at the branch are pending again after the label
     * (neither path observed them) unless a helper call or an exit on
     * the way saw them (skip_clean false). */
    uint32_t skip_pending_gen;
    bool skip_clean;
    uint32_t touched[16];
    unsigned ntouched;    /* more than 16: too many to remember */
    uint32_t *def;  /* per temp: the op that sets it (NONE before it) */
    bool *is_const; /* per temp: a MOVI, whose value is konst */
    uint32_t *konst;
    uint32_t known_gen, pending_gen;
    uint32_t accesses; /* guest memory accesses so far */
    uint32_t exits;    /* exits inside conditional instructions so far */
    uint32_t *keep_until;
    bool memory_calls;
    bool segment; /* BaselineRequest.segment */
} Pass;

static bool is_guest_memory(uint8_t op)
{
    return op >= IR_LD8U && op <= IR_ST64;
}

static bool is_guest_load(uint8_t op)
{
    return op >= IR_LD8U && op <= IR_LD64;
}

static Word *word(Pass *p, uint64_t off)
{
    size_t w = (size_t)(off / 4);
    return w < p->nwords ? &p->words[w] : NULL;
}

static void touch(Pass *p, const Word *w)
{
    if (p->skip_label == NONE)
        return;
    if (p->ntouched < sizeof p->touched / sizeof *p->touched)
        p->touched[p->ntouched] = (uint32_t)(w - p->words);
    p->ntouched++;
}

static void forget_word(Pass *p, uint64_t off)
{
    Word *w = word(p, off);
    if (!w)
        return;
    touch(p, w);
    w->known_gen = w->pending_gen = 0; /* generations start at 1 */
}

static void load32(Pass *p, IrInsn *in, size_t i)
{
    Word *w = word(p, in->imm);
    if (!w || in->imm % 4)
        return;
    if (w->known_gen == p->known_gen) {
        p->alias[in->dst] = (IrTemp)w->known;
        p->removed[i] = true;
        return;
    }
    touch(p, w);
    w->known = in->dst;
    w->known_gen = p->known_gen;
    w->pending_gen = 0; /* the store before is observed */
}

static bool constant(const Pass *p, IrTemp t, uint32_t value);

/* Store `store` is overwritten by op `until`, with guest accesses in
 * between: defer it.  A flag computed from x (N = x >> 31, Z = x == 0)
 * names x instead, so that the flag's op can go if nothing else reads it. */
static void defer(Pass *p, uint32_t store, uint32_t until)
{
    IrInsn *st = &p->c->insns[store];
    st->aux = BASELINE_STS_DEFERRED;
    p->keep_until[store] = until;
    uint32_t d = p->def[st->a];
    if (d == NONE)
        return;
    const IrInsn *f = &p->c->insns[d];
    if (f->op == IR_LSHR && constant(p, f->b, 31) && !p->is64[f->a])
        st->aux |= BASELINE_STS_SIGN;
    else if (f->op == IR_SETEQ && constant(p, f->b, 0) && !p->is64[f->a])
        st->aux |= BASELINE_STS_ZERO;
    else
        return;
    st->a = f->a;
}

/* Is t a carry or an overflow (ADDC, ADDV)?  Stored into its flag word,
 * it is one host setcc to memory; deferred, it would be a setcc into a
 * register that stays taken until the overwrite. */
static bool is_flag_op(const Pass *p, IrTemp t)
{
    if (t >= p->c->ntemps || p->def[t] == NONE)
        return false;
    uint8_t op = p->c->insns[p->def[t]].op;
    return op == IR_ADDC || op == IR_ADDV;
}

static void store32(Pass *p, IrInsn *in, size_t i)
{
    Word *w = word(p, in->imm);
    if (!w || in->imm % 4)
        return;
    if (w->pending_gen == p->pending_gen && w->pending_accesses == p->accesses && w->pending_exits == p->exits) {
        p->removed[w->pending] = true; /* overwritten before anyone looked */
    } else if (w->pending_gen == p->pending_gen && !is_flag_op(p, p->c->insns[w->pending].a)) {
        defer(p, w->pending, (uint32_t)i); /* only a fault or a side exit could look */
    }
    touch(p, w);
    w->pending = (uint32_t)i;
    w->pending_gen = p->pending_gen;
    w->pending_accesses = p->accesses;
    w->pending_exits = p->exits;
    w->known = in->a;
    w->known_gen = p->is64[in->a] ? 0 : p->known_gen;
}

static bool constant(const Pass *p, IrTemp t, uint32_t value)
{
    return t < p->c->ntemps && p->is_const[t] && p->konst[t] == value;
}

/* Are all of a pure 32-bit op's operands constants?  Then args holds them. */
static bool all_constant(const Pass *p, const IrInsn *in, uint32_t args[3])
{
    const IrTemp t[3] = {in->a, in->b, in->c};
    for (unsigned k = 0; k < 3; k++) {
        args[k] = 0;
        if (k >= ir_op_info[in->op].nargs)
            continue;
        if (t[k] >= p->c->ntemps || !p->is_const[t[k]])
            return false;
        args[k] = p->konst[t[k]];
    }
    return true;
}

/* The value of an op that its constant operands decide, if they do: all
 * of them constants (the interpreter evaluates it), or the compare forms
 * SUBS/CMP with #0 (x + ~0 + 1: always carries, never overflows) and
 * ADDS/CMN with #0 (x + 0 + 0: neither). */
static bool folded_value(const Pass *p, const IrInsn *in, uint32_t *v)
{
    uint32_t args[3];
    if (interp_op_is_pure32(in->op) && all_constant(p, in, args)) {
        *v = interp_eval32(in->op, args);
        return true;
    }
    bool adds_zero = (constant(p, in->b, 0xffffffffu) && constant(p, in->c, 1)) ||
                     (constant(p, in->b, 0) && constant(p, in->c, 0));
    switch (in->op) {
    case IR_ADDC:
        *v = constant(p, in->c, 1);
        return adds_zero;
    case IR_ADDV:
        *v = 0;
        return adds_zero;
    default: return false;
    }
}

/* r = ADD (ADD x K) -K, CMP/SUBS #0's result in its add-with-carry form:
 * r is x. */
static bool cancels_out(const Pass *p, const IrInsn *in)
{
    if (in->op != IR_ADD || in->b >= p->c->ntemps || !p->is_const[in->b] || p->def[in->a] == NONE)
        return false;
    const IrInsn *s = &p->c->insns[p->def[in->a]];
    return s->op == IR_ADD && constant(p, s->b, 0u - p->konst[in->b]);
}

static void fold_constants(Pass *p, IrInsn *in, size_t i)
{
    uint32_t v;
    if (ir_op_info[in->op].result != IR_RESULT_V)
        p->def[in->dst] = (uint32_t)i;
    if (cancels_out(p, in)) {
        p->alias[in->dst] = p->c->insns[p->def[in->a]].a;
        p->removed[i] = true;
        return;
    }
    if (folded_value(p, in, &v))
        *in = (IrInsn){.op = IR_MOVI, .dst = in->dst, .a = IR_NO_TEMP, .b = IR_NO_TEMP, .c = IR_NO_TEMP, .imm = v};
    if (in->op == IR_MOVI) {
        p->is_const[in->dst] = true;
        p->konst[in->dst] = (uint32_t)in->imm;
    }
}

/* User mode: an access to x + K or x - K with |K| < BASELINE_MAX_DISP
 * reads x and carries K in imm, which becomes the host access's
 * displacement; the ADD or SUB goes if nothing else reads it. */
static void fold_address(Pass *p, IrInsn *in)
{
    uint32_t d = p->def[in->a];
    if (d == NONE)
        return;
    const IrInsn *a = &p->c->insns[d];
    if ((a->op != IR_ADD && a->op != IR_SUB) || a->b >= p->c->ntemps || !p->is_const[a->b] || p->is64[a->a])
        return;
    int32_t k = (int32_t)p->konst[a->b];
    if (a->op == IR_SUB)
        k = (int32_t)(0u - (uint32_t)k);
    if (k <= -BASELINE_MAX_DISP || k >= BASELINE_MAX_DISP)
        return;
    in->a = a->a;
    in->imm = (uint64_t)(uint32_t)k;
}

static void branch(Pass *p, const IrInsn *in, size_t i)
{
    uint32_t before = p->pending_gen++;
    if (in->op == IR_BR || in->imm <= i || p->label_refs[in->imm] != 1)
        return;
    p->skip_label = in->imm;
    p->skip_gen = p->known_gen;
    p->skip_pending_gen = before;
    p->skip_clean = true;
    p->ntouched = 0;
}

/* A merge forgets everything; the end of a conditional instruction only
 * the words its ops set or read (the skipped path left them as they were),
 * so a store before it can still be dropped or deferred by one after it
 * (a CMP's flags, overwritten by a SUBS after an IT block with a store in
 * it, the hottest block of bzip2 -9). */
static void label(Pass *p, size_t i)
{
    bool skip = i == p->skip_label && p->known_gen == p->skip_gen &&
                p->ntouched <= sizeof p->touched / sizeof *p->touched;
    p->skip_label = NONE;
    if (!skip) {
        p->known_gen++;
        p->pending_gen++;
        return;
    }
    for (unsigned k = 0; k < p->ntouched; k++) {
        p->words[p->touched[k]].known_gen = 0;
        p->words[p->touched[k]].pending_gen = 0;
    }
    if (p->skip_clean)
        p->pending_gen = p->skip_pending_gen;
    else
        p->pending_gen++;
}

/* An exit inside a conditional instruction (a superblock's side exit,
 * superblock.h) writes the deferred stores it sees itself (baseline.c's
 * flush_deferred), so the stores pending at the branch stay pending
 * after the label: one after it that overwrites them defers them rather
 * than dropping them.  Elsewhere an exit sees every store. */
static void exit_op(Pass *p)
{
    p->pending_gen++;
    if (p->skip_label != NONE)
        p->exits++;
    else
        p->skip_clean = false;
}

static void forward_pass(Pass *p)
{
    InterpCode *c = p->c;
    for (size_t i = 0; i < c->count; i++) {
        IrInsn *in = &c->insns[i];
        IrTemp *args[3] = {&in->a, &in->b, &in->c};
        for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
            if (*args[k] < c->ntemps)
                *args[k] = p->alias[*args[k]];
        fold_constants(p, in, i);
        if (p->removed[i])
            continue;
        switch (in->op) {
        case IR_LDS32: load32(p, in, i); break;
        case IR_STS32: store32(p, in, i); break;
        case IR_LDS64:
        case IR_STS64: forget_word(p, in->imm); forget_word(p, in->imm + 4); break;
        case IR_LABEL: label(p, i); break;
        case IR_CALL: p->known_gen++; p->pending_gen++; p->skip_clean = false; break;
        case IR_BR: case IR_BRZ: case IR_BRNZ: branch(p, in, i); break;
        case IR_EXIT: case IR_EXIT_IND: exit_op(p); break;
        default:
            if (is_guest_memory(in->op)) {
                if (!p->memory_calls)
                    fold_address(p, in);
                p->accesses++; /* a fault shows the state as it is */
                /* and a slow path's C may read or change it */
                p->pending_gen += p->memory_calls;
                p->known_gen += p->memory_calls;
                p->skip_clean &= !p->memory_calls;
            }
            break;
        }
    }
}

/* --- stores nothing reads: backward liveness of the state words -------- */

typedef struct Liveness {
    uint64_t *live;   /* the words live after the op being looked at */
    uint64_t *labels; /* per label (in label_slot order): live where it is */
    uint32_t *label_slot;
    size_t width;     /* uint64_t per set */
} Liveness;

static void all_live(Liveness *l)
{
    memset(l->live, 0xff, l->width * sizeof *l->live);
}

static void set_word(uint64_t *set, uint64_t off, bool live)
{
    size_t w = (size_t)(off / 4);
    if (live)
        set[w / 64] |= 1ull << (w % 64);
    else
        set[w / 64] &= ~(1ull << (w % 64));
}

static bool word_live(const uint64_t *set, uint64_t off)
{
    size_t w = (size_t)(off / 4);
    return set[w / 64] >> (w % 64) & 1;
}

/* What op i does to the live words, going backwards; removes a store to
 * a word that is not live after it.  Exits, helper calls and guest memory
 * accesses (a fault shows the state) make every word live. */
static void live_before(Pass *p, Liveness *l, size_t i)
{
    IrInsn *in = &p->c->insns[i];
    switch (in->op) {
    case IR_LABEL:
        memcpy(&l->labels[l->label_slot[i] * l->width], l->live, l->width * sizeof *l->live);
        break;
    case IR_BR:
        memcpy(l->live, &l->labels[l->label_slot[in->imm] * l->width], l->width * sizeof *l->live);
        break;
    case IR_BRZ:
    case IR_BRNZ:
        for (size_t k = 0; k < l->width; k++)
            l->live[k] |= l->labels[l->label_slot[in->imm] * l->width + k];
        break;
    case IR_LDS32: set_word(l->live, in->imm, true); break;
    case IR_LDS64: set_word(l->live, in->imm, true); set_word(l->live, in->imm + 4, true); break;
    case IR_STS32:
        if (in->aux || in->imm % 4)
            break; /* a deferred store writes nothing yet */
        if (!word_live(l->live, in->imm))
            p->removed[i] = true;
        set_word(l->live, in->imm, false);
        break;
    case IR_STS64:
        if (in->imm % 4 == 0) {
            set_word(l->live, in->imm, false);
            set_word(l->live, in->imm + 4, false);
        }
        break;
    case IR_EXIT:
    case IR_EXIT_IND:
    case IR_CALL: all_live(l); break;
    default:
        if (is_guest_memory(in->op))
            all_live(l);
        break;
    }
}

/* A state store that every path overwrites before anything can see it
 * goes, also across a conditional instruction's branch (which the
 * forward pass stops at): the flags of a CMP that an IT block's CMPNE and
 * a later CMP set again. */
static void dead_store_pass(Pass *p)
{
    InterpCode *c = p->c;
    Liveness l = {.width = (p->nwords + 63) / 64};
    l.label_slot = scratch_alloc(p->scratch, c->count + 1, sizeof *l.label_slot);
    size_t nlabels = 0;
    for (size_t i = 0; i < c->count; i++)
        if (c->insns[i].op == IR_LABEL)
            l.label_slot[i] = (uint32_t)nlabels++;
    l.labels = scratch_alloc(p->scratch, nlabels * l.width + 1, sizeof *l.labels);
    l.live = scratch_alloc(p->scratch, l.width, sizeof *l.live);
    all_live(&l);
    for (size_t i = c->count; i-- > 0;)
        if (!p->removed[i])
            live_before(p, &l, i);
}

static bool removable_if_unused(uint8_t op)
{
    return ir_op_info[op].result != IR_RESULT_V && op != IR_CALL && !is_guest_load(op);
}

/* Per temp: the ops not removed that read it. */
static unsigned *count_uses(Pass *p)
{
    InterpCode *c = p->c;
    unsigned *uses = scratch_zalloc(p->scratch, c->ntemps, sizeof *uses);
    for (size_t i = 0; i < c->count; i++) {
        if (p->removed[i])
            continue;
        const IrInsn *in = &c->insns[i];
        const IrTemp args[3] = {in->a, in->b, in->c};
        for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
            if (args[k] < c->ntemps)
                uses[args[k]]++;
    }
    return uses;
}

/* Returns per temp the ops left that read it, which the later passes keep
 * true (a rewrite reads what the ops it replaces read). */
static unsigned *dead_code_pass(Pass *p)
{
    InterpCode *c = p->c;
    unsigned *uses = count_uses(p);
    for (size_t i = c->count; i-- > 0;) {
        const IrInsn *in = &c->insns[i];
        if (p->removed[i] || !removable_if_unused(in->op) || uses[in->dst])
            continue;
        p->removed[i] = true;
        const IrTemp args[3] = {in->a, in->b, in->c};
        for (unsigned k = 0; k < ir_op_info[in->op].nargs; k++)
            if (args[k] < c->ntemps)
                uses[args[k]]--;
    }
    return uses;
}

/* Does a flag op of the add group ending at op i (ADDC/ADDV of x, y, cin,
 * after it) survive? */
static bool has_live_flags(const Pass *p, size_t i, IrTemp x, IrTemp y, IrTemp cin)
{
    for (size_t j = i + 1; j < p->c->count; j++) {
        const IrInsn *f = &p->c->insns[j];
        if (!p->removed[j] && (f->op == IR_ADDC || f->op == IR_ADDV) && f->a == x && f->b == y && f->c == cin)
            return true;
    }
    return false;
}

/* r = ADD (ADD x (NOT u)) 1, each inner op read by nothing else and no
 * carry or overflow of the group wanted (a SUBS with a register whose
 * flags are dead): r = SUB x u.  True if op i was that. */
static bool combine_subtract(Pass *p, const unsigned *uses, size_t i)
{
    InterpCode *c = p->c;
    IrInsn *in = &c->insns[i];
    uint32_t sum = p->def[in->a];
    if (p->konst[in->b] != 1 || uses[in->a] != 1 || c->insns[sum].op != IR_ADD)
        return false;
    IrInsn *s = &c->insns[sum];
    uint32_t negation = s->b < c->ntemps ? p->def[s->b] : NONE;
    if (negation == NONE || c->insns[negation].op != IR_NOT || uses[s->b] != 1 || has_live_flags(p, i, s->a, s->b, in->b))
        return false;
    *in = (IrInsn){.op = IR_SUB, .dst = in->dst, .a = s->a, .b = c->insns[negation].a, .c = IR_NO_TEMP};
    p->removed[sum] = p->removed[negation] = true;
    return true;
}

/* r = ADD (ADD x K1) K2, the inner sum read by nothing else and no carry
 * or overflow of the pair wanted (a SUBS #K whose flags are dead leaves
 * x + ~K + 1): the inner op becomes the constant K1 + K2 and r = x + it. */
static void combine_add(Pass *p, const unsigned *uses, size_t i)
{
    InterpCode *c = p->c;
    IrInsn *in = &c->insns[i];
    if (in->b >= c->ntemps || !p->is_const[in->b] || p->def[in->a] == NONE || combine_subtract(p, uses, i))
        return;
    IrInsn *s = &c->insns[p->def[in->a]];
    if (s->op != IR_ADD || s->b >= c->ntemps || !p->is_const[s->b] || uses[in->a] != 1 ||
        has_live_flags(p, i, s->a, s->b, in->b))
        return;
    uint32_t k = p->konst[s->b] + p->konst[in->b];
    in->a = s->a;
    in->b = s->dst;
    *s = (IrInsn){.op = IR_MOVI, .dst = s->dst, .a = IR_NO_TEMP, .b = IR_NO_TEMP, .c = IR_NO_TEMP, .imm = k};
    p->is_const[s->dst] = true;
    p->konst[s->dst] = k;
}

/* The next op after i that is not removed (count if none). */
static size_t next_kept(const Pass *p, size_t i)
{
    do
        i++;
    while (i < p->c->count && p->removed[i]);
    return i;
}

/* Is cin a carry the baseline may hold in the host's CF: 1, or an ADDC's
 * result (0 or 1)? */
static bool is_carry_in(const Pass *p, IrTemp cin)
{
    if (cin >= p->c->ntemps)
        return false;
    if (p->is_const[cin])
        return p->konst[cin] == 1;
    return p->def[cin] != NONE && p->c->insns[p->def[cin]].op == IR_ADDC;
}

/* Is y = NOT u (op j) read only by ops the baseline makes a host sub,
 * sbb or cmp of u:
 *   [s = ADD x y;  r = ADD s cin]  then ADDC x y cin and/or ADDV x y cin
 * in consecutive kept ops, cin a carry (is_carry_in), and a flag op or
 * the pair (SUBS, CMP, SBCS and SBC with a register; a CMP whose only
 * flag wanted is C has no pair).  Returns the last op, else 0. */
static size_t subtract_group(const Pass *p, const unsigned *uses, size_t j)
{
    const InterpCode *c = p->c;
    IrTemp y = c->insns[j].dst;
    size_t i = next_kept(p, j);
    while (i < c->count && !ir_reads(&c->insns[i], y)) /* its first reader: s or a flag op */
        i = next_kept(p, i);
    if (i >= c->count)
        return 0;
    const IrInsn *s = &c->insns[i];
    IrTemp x = s->a, cin;
    unsigned readers = 0;
    size_t last = 0, f = i;
    if (s->op == IR_ADD) {
        size_t k = next_kept(p, i);
        if (k >= c->count)
            return 0;
        const IrInsn *r = &c->insns[k];
        if (s->b != y || s->a == y || r->op != IR_ADD || r->a != s->dst || uses[s->dst] != 1 ||
            !is_carry_in(p, r->b) || (p->is_const[r->b] && uses[y] == 1))
            return 0;
        cin = r->b;
        readers = 1;
        last = k;
        f = next_kept(p, k);
    } else if ((s->op == IR_ADDC || s->op == IR_ADDV) && s->b == y && s->a != y && is_carry_in(p, s->c)) {
        cin = s->c;
    } else {
        return 0;
    }
    for (; f < c->count && readers < uses[y]; f = next_kept(p, f)) {
        const IrInsn *in = &c->insns[f];
        if ((in->op != IR_ADDC && in->op != IR_ADDV) || in->a != x || in->b != y || in->c != cin)
            break;
        readers++;
        last = f;
    }
    return readers == uses[y] ? last : 0;
}

static void mark_subtrahend(Pass *p, const unsigned *uses, size_t j)
{
    IrInsn *in = &p->c->insns[j];
    if (in->a >= p->c->ntemps || p->is_const[in->a] || p->is64[in->a])
        return;
    size_t last = subtract_group(p, uses, j);
    if (last) {
        in->aux = BASELINE_NOT_SUBTRAHEND;
        p->keep_until[j] = (uint32_t)last;
    }
}

/* A 32-bit temp that is not a constant. */
static bool plain_temp(const Pass *p, IrTemp t)
{
    return t < p->c->ntemps && !p->is_const[t] && !p->is64[t];
}

/* The op after i that reads t (t has one reader), or 0. */
static size_t reader_of(const Pass *p, size_t i, IrTemp t)
{
    for (size_t j = i + 1; j < p->c->count; j++)
        if (!p->removed[j] && ir_reads(&p->c->insns[j], t))
            return j;
    return 0;
}

static void mark_address_add(Pass *p, const unsigned *uses, size_t i)
{
    InterpCode *c = p->c;
    IrInsn *in = &c->insns[i];
    if (!p->segment || in->op != IR_ADD || in->aux || uses[in->dst] != 1 || !plain_temp(p, in->a) ||
        !plain_temp(p, in->b))
        return;
    size_t j = reader_of(p, i, in->dst);
    const IrInsn *access = &c->insns[j];
    if (!j || !is_guest_memory(access->op) || access->a != in->dst ||
        (ir_op_info[access->op].nargs > 1 && access->b == in->dst))
        return;
    in->aux = BASELINE_ADD_ADDRESS;
    p->keep_until[i] = (uint32_t)j;
    const IrTemp ops[2] = {in->a, in->b};
    for (int k = 0; k < 2; k++) { /* a scaled index's operand too */
        uint32_t d = p->def[ops[k]];
        if (d != NONE && c->insns[d].op == IR_SHL && (c->insns[d].aux & BASELINE_SHL_SCALED))
            p->keep_until[d] = (uint32_t)j;
    }
}

static bool is_compare(uint8_t op)
{
    return op == IR_SETEQ || op == IR_SETNE || op == IR_SETLTU || op == IR_SETLTS;
}

static void mark_select_compare(Pass *p, const unsigned *uses, size_t i)
{
    InterpCode *c = p->c;
    const IrInsn *in = &c->insns[i];
    if (in->a >= c->ntemps || p->def[in->a] == NONE || uses[in->a] != 1)
        return;
    uint32_t d = p->def[in->a];
    IrInsn *set = &c->insns[d];
    if (p->removed[d] || !is_compare(set->op) || !plain_temp(p, set->a) ||
        (!p->is_const[set->b] && !plain_temp(p, set->b)))
        return;
    set->aux = BASELINE_SET_FOR_SELECT;
    p->keep_until[d] = (uint32_t)i;
}

/* ADD x (SHL u n), n 1-3, the shift read by nothing else: mark the shift
 * (BASELINE_SHL_SCALED).  Either operand may be the shift; the other must
 * be a temp, the lea's base. */
static void mark_scaled_index(Pass *p, const unsigned *uses, size_t i)
{
    InterpCode *c = p->c;
    const IrInsn *in = &c->insns[i];
    const IrTemp ops[2] = {in->a, in->b};
    for (int k = 0; k < 2; k++) {
        IrTemp shifted = ops[k], base = ops[1 - k];
        if (!plain_temp(p, shifted) || !plain_temp(p, base) || p->def[shifted] == NONE || uses[shifted] != 1)
            continue;
        uint32_t d = p->def[shifted];
        IrInsn *shl = &c->insns[d];
        if (p->removed[d] || shl->op != IR_SHL || !plain_temp(p, shl->a) || !p->is_const[shl->b] ||
            p->konst[shl->b] < 1 || p->konst[shl->b] > 3)
            continue;
        shl->aux = BASELINE_SHL_SCALED;
        p->keep_until[d] = (uint32_t)i;
        return;
    }
}

/* The op defining t if it is `op` of some temp and the constant k (either
 * order), read by nothing else when sole; NONE if not.  *other: the temp. */
static uint32_t def_with_const(const Pass *p, const unsigned *uses, IrTemp t, uint8_t op, uint32_t k, bool sole,
                               IrTemp *other)
{
    if (!plain_temp(p, t) || p->def[t] == NONE || p->removed[p->def[t]] || (sole && uses[t] != 1))
        return NONE;
    const IrInsn *in = &p->c->insns[p->def[t]];
    if (in->op != op)
        return NONE;
    for (int k2 = 0; k2 < 2; k2++) {
        IrTemp c = k2 ? in->a : in->b, x = k2 ? in->b : in->a;
        if (c < p->c->ntemps && p->is_const[c] && (uint32_t)p->konst[c] == k && plain_temp(p, x)) {
            *other = x;
            return p->def[t];
        }
    }
    return NONE;
}

/* EXIT_IND (AND x (ADD t -3)) t with t = AND x 1 (BASELINE_BX_PART). */
static void mark_bx_target(Pass *p, const unsigned *uses, size_t i)
{
    InterpCode *c = p->c;
    const IrInsn *exit = &c->insns[i];
    IrTemp pc = exit->a, t = exit->b, x, tx, m = IR_NO_TEMP;
    if (exit->aux != IR_EXIT_INDIRECT || !plain_temp(p, pc) || p->def[pc] == NONE || uses[pc] != 1)
        return;
    IrTemp inner;
    if (def_with_const(p, uses, t, IR_OR, 0, false, &inner) != NONE) /* the IT bits, none after a BX */
        t = inner;
    uint32_t and = p->def[pc];
    IrInsn *pc_op = &c->insns[and];
    if (pc_op->op != IR_AND || p->removed[and])
        return;
    for (int k = 0; k < 2 && m == IR_NO_TEMP; k++) {
        IrTemp cand = k ? pc_op->a : pc_op->b;
        IrTemp base;
        uint32_t add = def_with_const(p, uses, cand, IR_ADD, 0u - 3, true, &base);
        if (add != NONE && base == t) {
            m = cand;
            x = k ? pc_op->b : pc_op->a;
        }
    }
    if (m == IR_NO_TEMP || def_with_const(p, uses, t, IR_AND, 1, false, &tx) == NONE || tx != x)
        return;
    c->insns[p->def[m]].aux = BASELINE_BX_PART;
    pc_op->aux = BASELINE_BX_PART;
    p->keep_until[and] = (uint32_t)i;
}

/* The rewrites and marks that need the final uses, in one scan: none
 * touches an op another one looks at. */
static void peepholes(Pass *p, const unsigned *uses)
{
    for (size_t i = 0; i < p->c->count; i++) {
        if (p->removed[i])
            continue;
        switch (p->c->insns[i].op) {
        case IR_ADD:
            combine_add(p, uses, i);
            if (p->c->insns[i].op == IR_ADD)
                mark_scaled_index(p, uses, i);
            mark_address_add(p, uses, i);
            break;
        case IR_NOT: mark_subtrahend(p, uses, i); break;
        case IR_SELECT: mark_select_compare(p, uses, i); break;
        case IR_EXIT_IND:
            if (!p->memory_calls)
                mark_bx_target(p, uses, i);
            break;
        default: break;
        }
    }
}

/* Drop the removed ops; branch targets follow their labels. */
static void compact(Pass *p)
{
    InterpCode *c = p->c;
    size_t *new_index = scratch_alloc(p->scratch, c->count, sizeof *new_index), n = 0;
    for (size_t i = 0; i < c->count; i++) {
        new_index[i] = n;
        if (!p->removed[i])
            c->insns[n++] = c->insns[i];
    }
    for (size_t i = 0; i < n; i++) {
        IrInsn *in = &c->insns[i];
        if (in->op == IR_BR || in->op == IR_BRZ || in->op == IR_BRNZ)
            in->imm = new_index[in->imm];
    }
    /* a deferred store's overwriter may be dropped: then its value lasts
     * until the next op kept, which is no later than any access after it */
    for (size_t i = 0; i < c->count; i++)
        if (!p->removed[i])
            p->keep_until[new_index[i]] = p->keep_until[i] ? (uint32_t)new_index[p->keep_until[i]] : 0;
    c->count = n;
}

void baseline_optimize(const InterpCode *code, bool memory_calls, bool segment, InterpCode *out, uint32_t **keep_until,
                       Scratch *s)
{
    *out = (InterpCode){.insns = scratch_alloc(s, code->count + 1, sizeof *out->insns), .count = code->count,
                        .ntemps = code->ntemps};
    memcpy(out->insns, code->insns, code->count * sizeof *out->insns);
    Pass p = {.c = out, .known_gen = 1, .pending_gen = 1, .memory_calls = memory_calls, .segment = segment,
              .scratch = s};
    size_t count = out->count;
    unsigned ntemps = out->ntemps;
    p.removed = scratch_zalloc(s, count + 1, sizeof *p.removed);
    p.keep_until = scratch_zalloc(s, count + 1, sizeof *p.keep_until);
    p.is64 = scratch_zalloc(s, ntemps, sizeof *p.is64);
    p.alias = scratch_alloc(s, ntemps, sizeof *p.alias);
    p.label_refs = scratch_zalloc(s, count + 1, sizeof *p.label_refs);
    p.skip_label = NONE;
    size_t max_off = 0;
    for (size_t i = 0; i < count; i++) { /* one scan for what the passes need up front */
        const IrInsn *in = &out->insns[i];
        if ((in->op == IR_LDS32 || in->op == IR_STS32 || in->op == IR_LDS64 || in->op == IR_STS64) && in->imm > max_off)
            max_off = in->imm;
        if ((in->op == IR_BR || in->op == IR_BRZ || in->op == IR_BRNZ) && in->imm < count)
            p.label_refs[in->imm]++;
        if (ir_op_info[in->op].result == IR_RESULT_I64)
            p.is64[in->dst] = true;
    }
    p.nwords = max_off / 4 + 3;
    p.def = scratch_alloc(s, ntemps, sizeof *p.def);
    p.is_const = scratch_zalloc(s, ntemps, sizeof *p.is_const);
    p.konst = scratch_zalloc(s, ntemps, sizeof *p.konst);
    p.words = scratch_zalloc(s, p.nwords, sizeof *p.words);
    for (unsigned t = 0; t < ntemps; t++) {
        p.def[t] = NONE;
        p.alias[t] = (IrTemp)t;
    }
    forward_pass(&p);
    dead_store_pass(&p);
    peepholes(&p, dead_code_pass(&p));
    compact(&p);
    *keep_until = p.keep_until;
}
