/*
 * The snapshot stream: the byte format of a snapshot file and of a live
 * migration, independent of what machine it holds.
 *
 *   header   "SCIONSNP" | u32 format version | u32 text length | text | u32 CRC32
 *   section  "SECT" | u16 name length | name | u32 instance | u32 version
 *            | u64 payload length | payload | u32 CRC32 (name .. payload)
 *   ...
 *   end      "END." | u32 number of sections before it | u32 CRC32
 *
 * All integers are little-endian.  The header text is "key=value" lines
 * (machine type, configuration, scion version) for the machine to check
 * before it reads any section.  A reader never trusts a length before the
 * bytes behind it have arrived: payloads are read in bounded pieces, so a
 * corrupt length cannot make it allocate more than the stream holds.
 *
 *   SnapSink out = {fd_write, &fd};
 *   snap_write_header(&out, "machine=virt\n");
 *   snap_write_section(&out, "cpu", 0, 1, payload, len);
 *   snap_write_end(&out);
 *   if (out.failed) ...
 */
#ifndef SCION_SNAP_STREAM_H
#define SCION_SNAP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_FORMAT_VERSION 1
#define SNAP_NAME_MAX 31
#define SNAP_HEADER_TEXT_MAX 65536

typedef struct SnapSink {
    bool (*write)(void *opaque, const void *data, size_t len); /* false: give up */
    void *opaque;
    uint64_t bytes;     /* written so far */
    uint32_t sections;  /* sections written so far */
    bool failed;
} SnapSink;

typedef struct SnapSource {
    /* Exactly len bytes, or false (end of stream or error). */
    bool (*read)(void *opaque, void *data, size_t len);
    void *opaque;
    uint64_t bytes;     /* read so far */
    uint32_t sections;  /* sections read so far */
    bool live;          /* a migration: data arrives over time, the source waits at the end */
} SnapSource;

typedef struct SnapSection {
    char name[SNAP_NAME_MAX + 1];
    uint32_t instance, version;
    uint8_t *data; /* malloc'ed payload, freed by snap_section_free */
    size_t len;
} SnapSection;

typedef enum SnapReadResult { SNAP_SECTION, SNAP_END, SNAP_ERROR } SnapReadResult;

void snap_write_header(SnapSink *s, const char *text);
void snap_write_section(SnapSink *s, const char *name, uint32_t instance, uint32_t version, const void *payload,
                        size_t len);
/* The same with the payload in two pieces, head then body (no copy). */
void snap_write_section2(SnapSink *s, const char *name, uint32_t instance, uint32_t version, const void *head,
                         size_t head_len, const void *body, size_t body_len);
void snap_write_end(SnapSink *s);

/* The header text (malloc'ed, NUL-terminated) or NULL with err set. */
char *snap_read_header(SnapSource *src, char *err, size_t errlen);
/* The next section into sec (payload checked against its CRC), or the end
 * marker (its section count checked), or an error naming what is wrong. */
SnapReadResult snap_read_section(SnapSource *src, SnapSection *sec, char *err, size_t errlen);
void snap_section_free(SnapSection *sec);

/* The value of "key=" in header text, copied into out (false if absent). */
bool snap_header_get(const char *text, const char *key, char *out, size_t outlen);

#endif
