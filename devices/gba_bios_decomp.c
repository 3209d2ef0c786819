/*
 * GBA BIOS unpacker, decompressors and unfilters: BitUnPack, LZ77, Huffman,
 * run-length, Diff8bit and Diff16bit (GBATEK "BIOS Decompression
 * Functions").
 *
 * Streams come from the guest and may be corrupt or hostile.  Every loop
 * here is bounded by the output size in the header (at most 16 MiB) or by
 * the input length, and nothing is written past that size, so a bad stream
 * ends early or produces garbage, never a hang.
 */
#include "devices/gba_bios.h"

/* Header types (bits 4-7 of the first word). */
enum { TYPE_LZ77 = 1, TYPE_HUFFMAN = 2, TYPE_RUN_LENGTH = 3, TYPE_DIFF = 8 };

typedef struct StreamHeader {
    unsigned type;
    unsigned param; /* bits 0-3: Huffman symbol bits, Diff unit bytes */
    uint32_t size;  /* decompressed bytes */
} StreamHeader;

/* The BIOS reads the header with a word load, so the source is taken as
 * 4-aligned; the stream body follows at source + 4. */
static StreamHeader read_header(const GbaBiosBus *bus, uint32_t src)
{
    uint32_t word = gba_bios_rd(bus, src & ~3u, 4);
    StreamHeader h = {.type = (word >> 4) & 0xf, .param = word & 0xf, .size = word >> 8};
    if (h.size > GBA_BIOS_MAX_UNCOMP)
        h.size = GBA_BIOS_MAX_UNCOMP;
    return h;
}

static uint32_t cycles_for(uint32_t bytes, uint32_t per_byte)
{
    return GBA_BIOS_MIN_CYCLES + bytes * per_byte;
}

/* --- byte output, 8-bit ("Wram") or paired into 16-bit writes ("Vram") --- */

typedef struct ByteSink {
    const GbaBiosBus *bus;
    uint32_t start; /* first destination byte */
    uint32_t at;    /* next destination byte */
    uint32_t end;   /* one past the last byte the header allows */
    bool halfwords;
    uint8_t pending; /* the even byte of a halfword not yet written */
} ByteSink;

static ByteSink sink_open(const GbaBiosBus *bus, uint32_t dst, uint32_t size, bool vram)
{
    /* VRAM destinations must be halfword aligned (GBATEK); the BIOS's
     * STRH ignores bit 0, so we do too. */
    uint32_t start = vram ? dst & ~1u : dst;
    ByteSink s = {.bus = bus, .start = start, .at = start, .end = start + size, .halfwords = vram};
    return s;
}

static bool sink_full(const ByteSink *s)
{
    return s->at - s->start >= s->end - s->start;
}

/* An odd final byte of a halfword sink is dropped: writing its halfword
 * would write past the size in the header. */
static void sink_put(ByteSink *s, uint8_t byte)
{
    if (sink_full(s))
        return;
    if (!s->halfwords)
        gba_bios_wr(s->bus, s->at, byte, 1);
    else if ((s->at & 1) == 0)
        s->pending = byte;
    else
        gba_bios_wr(s->bus, s->at - 1, s->pending | (uint32_t)byte << 8, 2);
    s->at++;
}

/* A back-reference reads what the destination memory holds now.  In a
 * halfword sink the byte just before an odd position is still pending,
 * and memory holds its old value: GBATEK's caution that "Vram" LZ77 fails
 * with displacement 0 holds here as on hardware. */
static uint8_t sink_peek_back(const ByteSink *s, uint32_t distance)
{
    return (uint8_t)gba_bios_rd(s->bus, s->at - distance, 1);
}

/* --- BitUnPack ------------------------------------------------------------- */

static bool valid_width(unsigned bits, unsigned max)
{
    return bits != 0 && bits <= max && (bits & (bits - 1)) == 0;
}

/* Widens each source unit to a destination unit, LSB first, adding the
 * offset to nonzero units (and zero units if bit 31 is set); output is
 * stored a word at a time, and a final partial word is not stored.  An
 * offset too big for the destination width is ORed in unmasked: GBATEK
 * leaves that case to the caller ("should not exceed"). */
uint32_t gba_bios_bit_unpack(const GbaBiosBus *bus, uint32_t src, uint32_t dst, uint32_t info)
{
    uint32_t length = gba_bios_rd(bus, info, 2);
    unsigned src_bits = gba_bios_rd(bus, info + 2, 1);
    unsigned dst_bits = gba_bios_rd(bus, info + 3, 1);
    uint32_t offset_word = gba_bios_rd(bus, info + 4, 4);
    uint32_t offset = offset_word & 0x7fffffffu;
    bool offset_zeros = offset_word >> 31;
    if (!valid_width(src_bits, 8) || !valid_width(dst_bits, 32))
        return GBA_BIOS_MIN_CYCLES;
    dst &= ~3u;
    uint32_t word = 0;
    unsigned filled = 0;
    uint32_t unit_mask = (1u << src_bits) - 1;
    for (uint32_t i = 0; i < length; i++) {
        uint32_t byte = gba_bios_rd(bus, src + i, 1);
        for (unsigned bit = 0; bit < 8; bit += src_bits) {
            uint32_t unit = (byte >> bit) & unit_mask;
            if (unit != 0 || offset_zeros)
                unit += offset;
            word |= unit << filled;
            filled += dst_bits;
            if (filled == 32) {
                gba_bios_wr(bus, dst, word, 4);
                dst += 4;
                word = 0;
                filled = 0;
            }
        }
    }
    return cycles_for(length, 8 * 8 / src_bits);
}

/* --- LZ77 ------------------------------------------------------------------ */

/* Blocks follow a flag byte, MSB first: 0 = one literal byte; 1 = two bytes
 * (count-3 in the high nibble of the first, displacement in the rest, high
 * bits first) copying count bytes from dest - displacement - 1. */
uint32_t gba_bios_lz77_uncomp(const GbaBiosBus *bus, uint32_t src, uint32_t dst, bool vram)
{
    StreamHeader h = read_header(bus, src);
    if (h.type != TYPE_LZ77)
        return GBA_BIOS_MIN_CYCLES;
    uint32_t in = (src & ~3u) + 4;
    ByteSink out = sink_open(bus, dst, h.size, vram);
    while (!sink_full(&out)) {
        unsigned flags = gba_bios_rd(bus, in++, 1);
        for (unsigned block = 0; block < 8 && !sink_full(&out); block++, flags <<= 1) {
            if (!(flags & 0x80)) {
                sink_put(&out, (uint8_t)gba_bios_rd(bus, in++, 1));
                continue;
            }
            unsigned hi = gba_bios_rd(bus, in++, 1);
            unsigned lo = gba_bios_rd(bus, in++, 1);
            unsigned count = (hi >> 4) + 3;
            uint32_t distance = (((hi & 0xf) << 8) | lo) + 1;
            for (unsigned k = 0; k < count; k++)
                sink_put(&out, sink_peek_back(&out, distance));
        }
    }
    return cycles_for(h.size, vram ? 14 : 10);
}

/* --- run-length ------------------------------------------------------------ */

/* A flag byte: bit 7 set = the next byte repeated (bits 0-6) + 3 times;
 * clear = (bits 0-6) + 1 literal bytes follow. */
uint32_t gba_bios_rl_uncomp(const GbaBiosBus *bus, uint32_t src, uint32_t dst, bool vram)
{
    StreamHeader h = read_header(bus, src);
    if (h.type != TYPE_RUN_LENGTH)
        return GBA_BIOS_MIN_CYCLES;
    uint32_t in = (src & ~3u) + 4;
    ByteSink out = sink_open(bus, dst, h.size, vram);
    while (!sink_full(&out)) {
        unsigned flag = gba_bios_rd(bus, in++, 1);
        if (flag & 0x80) {
            uint8_t byte = (uint8_t)gba_bios_rd(bus, in++, 1);
            for (unsigned k = 0; k < (flag & 0x7f) + 3u; k++)
                sink_put(&out, byte);
        } else {
            for (unsigned k = 0; k < (flag & 0x7f) + 1u; k++)
                sink_put(&out, (uint8_t)gba_bios_rd(bus, in++, 1));
        }
    }
    return cycles_for(h.size, vram ? 10 : 7);
}

/* --- Huffman --------------------------------------------------------------- */

/* Output symbols are packed LSB first into words.  A final partial word
 * (size not a multiple of 4) is stored byte by byte so that nothing past
 * the header's size is written. */
typedef struct WordSink {
    const GbaBiosBus *bus;
    uint32_t at, left; /* next word address; bytes still allowed */
    uint32_t word;
    unsigned filled; /* bits */
} WordSink;

static void word_sink_put(WordSink *s, uint32_t symbol, unsigned bits)
{
    s->word |= symbol << s->filled;
    s->filled += bits;
    if (s->filled < 32)
        return;
    gba_bios_wr(s->bus, s->at, s->word, 4);
    s->at += 4;
    s->left -= 4;
    s->word = 0;
    s->filled = 0;
}

static void word_sink_flush_tail(WordSink *s)
{
    for (uint32_t k = 0; k < s->left && k * 8 < s->filled; k++)
        gba_bios_wr(s->bus, s->at + k, (s->word >> (8 * k)) & 0xff, 1);
}

typedef struct HuffTree {
    uint32_t root; /* address of the root node */
    uint32_t end;  /* one past the table; the bitstream starts here */
} HuffTree;

/* Bitstream words are consumed from bit 31 down.  A Huffman code averages
 * at most one bit more than the symbol width, so a stream needing more
 * than HUFF_BITS_PER_BYTE bits per output byte is corrupt; the budget stops
 * a deep hostile tree from walking billions of nodes. */
#define HUFF_BITS_PER_BYTE 16u
#define HUFF_BITS_SLACK 0x10000u

typedef struct BitReader {
    const GbaBiosBus *bus;
    uint32_t next; /* address of the next bitstream word */
    uint32_t word;
    unsigned left;   /* bits left in word */
    uint32_t budget; /* bits still allowed */
} BitReader;

static bool next_bit(BitReader *b, unsigned *bit)
{
    if (b->budget == 0)
        return false;
    b->budget--;
    if (b->left == 0) {
        b->word = gba_bios_rd(b->bus, b->next, 4);
        b->next += 4;
        b->left = 32;
    }
    b->left--;
    *bit = (b->word >> b->left) & 1;
    return true;
}

/* Decodes one symbol; false if the bit budget runs out or the walk leaves
 * the tree table.  Children always lie after their parent, so a walk that
 * stays inside the (at most 512-byte) table ends. */
static bool huff_symbol(const GbaBiosBus *bus, const HuffTree *t, BitReader *bits, uint32_t *symbol)
{
    uint32_t node = t->root;
    for (;;) {
        unsigned value = gba_bios_rd(bus, node, 1);
        unsigned bit;
        if (!next_bit(bits, &bit))
            return false;
        uint32_t child = (node & ~1u) + (value & 0x3f) * 2 + 2 + bit;
        if (child >= t->end)
            return false;
        if (value & (0x80u >> bit)) {
            *symbol = gba_bios_rd(bus, child, 1);
            return true;
        }
        node = child;
    }
}

uint32_t gba_bios_huff_uncomp(const GbaBiosBus *bus, uint32_t src, uint32_t dst)
{
    StreamHeader h = read_header(bus, src);
    unsigned bits = h.param;
    if (h.type != TYPE_HUFFMAN || !valid_width(bits, 8))
        return GBA_BIOS_MIN_CYCLES;
    uint32_t base = (src & ~3u) + 4;
    HuffTree tree = {.root = base + 1, .end = base + (gba_bios_rd(bus, base, 1) + 1) * 2};
    BitReader in = {.bus = bus, .next = tree.end, .budget = h.size * HUFF_BITS_PER_BYTE + HUFF_BITS_SLACK};
    WordSink out = {.bus = bus, .at = dst & ~3u, .left = h.size};
    uint32_t symbol_mask = (1u << bits) - 1;
    while (out.left >= 4) {
        uint32_t symbol;
        if (!huff_symbol(bus, &tree, &in, &symbol))
            return cycles_for(h.size - out.left, 30);
        word_sink_put(&out, symbol & symbol_mask, bits);
    }
    while (out.filled < 8 * out.left) {
        uint32_t symbol;
        if (!huff_symbol(bus, &tree, &in, &symbol))
            break;
        out.word |= (symbol & symbol_mask) << out.filled;
        out.filled += bits;
    }
    word_sink_flush_tail(&out);
    return cycles_for(h.size, 30);
}

/* --- Diff unfilters -------------------------------------------------------- */

/* Each unit after the first holds its difference from the previous one. */
uint32_t gba_bios_diff8_unfilter(const GbaBiosBus *bus, uint32_t src, uint32_t dst, bool vram)
{
    StreamHeader h = read_header(bus, src);
    if (h.type != TYPE_DIFF)
        return GBA_BIOS_MIN_CYCLES;
    uint32_t in = (src & ~3u) + 4;
    ByteSink out = sink_open(bus, dst, h.size, vram);
    uint8_t value = 0;
    for (uint32_t i = 0; i < h.size; i++) {
        value = (uint8_t)(value + gba_bios_rd(bus, in + i, 1));
        sink_put(&out, value);
    }
    return cycles_for(h.size, vram ? 8 : 6);
}

uint32_t gba_bios_diff16_unfilter(const GbaBiosBus *bus, uint32_t src, uint32_t dst)
{
    StreamHeader h = read_header(bus, src);
    if (h.type != TYPE_DIFF)
        return GBA_BIOS_MIN_CYCLES;
    uint32_t in = (src & ~3u) + 4;
    dst &= ~1u;
    uint16_t value = 0;
    for (uint32_t i = 0; i + 2 <= h.size; i += 2) {
        value = (uint16_t)(value + gba_bios_rd(bus, in + i, 2));
        gba_bios_wr(bus, dst + i, value, 2);
    }
    return cycles_for(h.size, 5);
}
