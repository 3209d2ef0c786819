/* The snapshot stream format (snapshot/stream.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "snapshot/stream.h"

static const char header_magic[8] = {'S', 'C', 'I', 'O', 'N', 'S', 'N', 'P'};
static const char section_magic[4] = {'S', 'E', 'C', 'T'};
static const char end_magic[4] = {'E', 'N', 'D', '.'};

/* Payloads arrive in pieces of this size at most, so that memory grows
 * with what the stream really holds, not with what a length claims. */
#define READ_PIECE (8u << 20)

/* zlib's crc32 restarts (returns 0) when given a NULL buffer, even of
 * length 0: an empty payload must leave the CRC as it is. */
static uint32_t crc_more(uint32_t crc, const void *data, size_t len)
{
    return len ? (uint32_t)crc32_z(crc, data, len) : crc;
}

/* --- writing ------------------------------------------------------------ */

static void put(SnapSink *s, const void *data, size_t len)
{
    if (s->failed || len == 0)
        return;
    if (!s->write(s->opaque, data, len)) {
        s->failed = true;
        return;
    }
    s->bytes += len;
}

static void put_le(SnapSink *s, uint64_t v, unsigned bytes, uint32_t *crc)
{
    uint8_t le[8];
    for (unsigned i = 0; i < bytes; i++)
        le[i] = (uint8_t)(v >> (8 * i));
    put(s, le, bytes);
    if (crc)
        *crc = (uint32_t)crc32(*crc, le, bytes);
}

void snap_write_header(SnapSink *s, const char *text)
{
    size_t len = strlen(text);
    put(s, header_magic, sizeof header_magic);
    put_le(s, SNAP_FORMAT_VERSION, 4, NULL);
    put_le(s, len, 4, NULL);
    put(s, text, len);
    put_le(s, crc32(0, (const Bytef *)text, (uInt)len), 4, NULL);
}

void snap_write_section(SnapSink *s, const char *name, uint32_t instance, uint32_t version, const void *payload,
                        size_t len)
{
    snap_write_section2(s, name, instance, version, payload, len, NULL, 0);
}

void snap_write_section2(SnapSink *s, const char *name, uint32_t instance, uint32_t version, const void *head,
                         size_t head_len, const void *body, size_t body_len)
{
    size_t nlen = strlen(name);
    uint32_t crc = 0;
    put(s, section_magic, sizeof section_magic);
    put_le(s, nlen, 2, &crc);
    put(s, name, nlen);
    crc = (uint32_t)crc32(crc, (const Bytef *)name, (uInt)nlen);
    put_le(s, instance, 4, &crc);
    put_le(s, version, 4, &crc);
    put_le(s, head_len + body_len, 8, &crc);
    put(s, head, head_len);
    put(s, body, body_len);
    crc = crc_more(crc, head, head_len);
    crc = crc_more(crc, body, body_len);
    put_le(s, crc, 4, NULL);
    s->sections++;
}

void snap_write_end(SnapSink *s)
{
    uint32_t crc = (uint32_t)crc32(0, (const Bytef *)end_magic, sizeof end_magic);
    put(s, end_magic, sizeof end_magic);
    put_le(s, s->sections, 4, &crc);
    put_le(s, crc, 4, NULL);
}

/* --- reading ------------------------------------------------------------ */

static bool get(SnapSource *src, void *data, size_t len)
{
    if (len && !src->read(src->opaque, data, len))
        return false;
    src->bytes += len;
    return true;
}

static bool get_le(SnapSource *src, unsigned bytes, uint64_t *v, uint32_t *crc)
{
    uint8_t le[8];
    if (!get(src, le, bytes))
        return false;
    *v = 0;
    for (unsigned i = 0; i < bytes; i++)
        *v |= (uint64_t)le[i] << (8 * i);
    if (crc)
        *crc = (uint32_t)crc32(*crc, le, bytes);
    return true;
}

static void truncated(char *err, size_t errlen, const char *where)
{
    snprintf(err, errlen, "the snapshot is truncated (in %s)", where);
}

char *snap_read_header(SnapSource *src, char *err, size_t errlen)
{
    char magic[8];
    uint64_t version, len, crc;
    if (!get(src, magic, sizeof magic) || memcmp(magic, header_magic, sizeof magic)) {
        snprintf(err, errlen, "not a scion snapshot (bad magic)");
        return NULL;
    }
    if (!get_le(src, 4, &version, NULL) || !get_le(src, 4, &len, NULL)) {
        truncated(err, errlen, "the header");
        return NULL;
    }
    if (version != SNAP_FORMAT_VERSION) {
        snprintf(err, errlen, "snapshot format version %llu is not supported (this scion reads version %d)",
                 (unsigned long long)version, SNAP_FORMAT_VERSION);
        return NULL;
    }
    if (len > SNAP_HEADER_TEXT_MAX) {
        snprintf(err, errlen, "the snapshot header is corrupt (text length %llu)", (unsigned long long)len);
        return NULL;
    }
    char *text = malloc(len + 1);
    if (!text || !get(src, text, len) || !get_le(src, 4, &crc, NULL)) {
        free(text);
        truncated(err, errlen, "the header");
        return NULL;
    }
    text[len] = 0;
    if (crc != crc32(0, (const Bytef *)text, (uInt)len) || strlen(text) != len) {
        free(text);
        snprintf(err, errlen, "the snapshot header is corrupt (CRC mismatch)");
        return NULL;
    }
    return text;
}

/* Reads len payload bytes in bounded pieces. */
static uint8_t *read_payload(SnapSource *src, uint64_t len)
{
    uint8_t *data = NULL;
    for (uint64_t have = 0; have < len || !data;) {
        uint64_t piece = len - have < READ_PIECE ? len - have : READ_PIECE;
        uint8_t *p = realloc(data, have + piece + 1);
        if (!p || !get(src, p + have, piece)) {
            free(p ? p : data);
            return NULL;
        }
        data = p;
        have += piece;
    }
    return data;
}

static SnapReadResult read_end(SnapSource *src, char *err, size_t errlen)
{
    uint32_t crc = (uint32_t)crc32(0, (const Bytef *)end_magic, sizeof end_magic);
    uint64_t count, stored;
    if (!get_le(src, 4, &count, &crc) || !get_le(src, 4, &stored, NULL)) {
        truncated(err, errlen, "the end marker");
        return SNAP_ERROR;
    }
    if (stored != crc || count != src->sections) {
        snprintf(err, errlen, "the snapshot's end marker is corrupt (%llu sections announced, %u read)",
                 (unsigned long long)count, src->sections);
        return SNAP_ERROR;
    }
    return SNAP_END;
}

static bool read_section_head(SnapSource *src, SnapSection *sec, uint64_t *len, uint32_t *crc, char *err,
                              size_t errlen)
{
    uint64_t nlen, instance, version;
    if (!get_le(src, 2, &nlen, crc)) {
        truncated(err, errlen, "a section header");
        return false;
    }
    if (nlen == 0 || nlen > SNAP_NAME_MAX) {
        snprintf(err, errlen, "section %u of the snapshot is corrupt (name length %llu)", src->sections + 1,
                 (unsigned long long)nlen);
        return false;
    }
    if (!get(src, sec->name, nlen) || !get_le(src, 4, &instance, NULL) || !get_le(src, 4, &version, NULL) ||
        !get_le(src, 8, len, NULL)) {
        truncated(err, errlen, "a section header");
        return false;
    }
    sec->name[nlen] = 0;
    *crc = (uint32_t)crc32(*crc, (const Bytef *)sec->name, (uInt)nlen);
    uint8_t rest[16];
    for (unsigned i = 0; i < 4; i++) {
        rest[i] = (uint8_t)(instance >> (8 * i));
        rest[4 + i] = (uint8_t)(version >> (8 * i));
    }
    for (unsigned i = 0; i < 8; i++)
        rest[8 + i] = (uint8_t)(*len >> (8 * i));
    *crc = (uint32_t)crc32(*crc, rest, sizeof rest);
    sec->instance = (uint32_t)instance;
    sec->version = (uint32_t)version;
    if (strlen(sec->name) != nlen) {
        snprintf(err, errlen, "section %u of the snapshot is corrupt (NUL in its name)", src->sections + 1);
        return false;
    }
    return true;
}

SnapReadResult snap_read_section(SnapSource *src, SnapSection *sec, char *err, size_t errlen)
{
    char magic[4];
    memset(sec, 0, sizeof *sec);
    if (!get(src, magic, sizeof magic)) {
        truncated(err, errlen, "the section list; no end marker");
        return SNAP_ERROR;
    }
    if (!memcmp(magic, end_magic, sizeof magic))
        return read_end(src, err, errlen);
    if (memcmp(magic, section_magic, sizeof magic)) {
        snprintf(err, errlen, "the snapshot is corrupt after section %u (bad section marker)", src->sections);
        return SNAP_ERROR;
    }
    uint64_t len, stored;
    uint32_t crc = 0;
    if (!read_section_head(src, sec, &len, &crc, err, errlen))
        return SNAP_ERROR;
    sec->data = read_payload(src, len);
    if (!sec->data || !get_le(src, 4, &stored, NULL)) {
        snap_section_free(sec);
        truncated(err, errlen, sec->name[0] ? sec->name : "a section");
        return SNAP_ERROR;
    }
    sec->len = len;
    if (crc_more(crc, sec->data, len) != stored) {
        snprintf(err, errlen, "section %s (instance %u) of the snapshot is corrupt (CRC mismatch)", sec->name,
                 sec->instance);
        snap_section_free(sec);
        return SNAP_ERROR;
    }
    src->sections++;
    return SNAP_SECTION;
}

void snap_section_free(SnapSection *sec)
{
    free(sec->data);
    sec->data = NULL;
    sec->len = 0;
}

bool snap_header_get(const char *text, const char *key, char *out, size_t outlen)
{
    size_t klen = strlen(key);
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        if (n > klen && !strncmp(line, key, klen) && line[klen] == '=') {
            snprintf(out, outlen, "%.*s", (int)(n - klen - 1), line + klen + 1);
            return true;
        }
        line += n + (eol != NULL);
    }
    return false;
}
