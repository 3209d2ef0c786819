/*
 * State descriptions: how a component's state struct is saved and loaded.
 *
 * A stateful component describes its architectural state as a versioned
 * table of typed fields (the model is QEMU's vmstate and SameBoy's save
 * sections); snapshot/ turns the table into a section of the stream.  Only
 * the fields named in the table travel: pointers, host file descriptors,
 * callbacks and caches stay out and keep their values in the live struct.
 *
 * Loading never writes into a live struct directly: the section is decoded
 * into a staging copy of the struct (itself a copy of the live one, so the
 * unnamed fields keep their host values), every field is range-checked,
 * the component's check() looks at cross-field invariants, and only when
 * every section of the stream passed are the staging copies committed.
 *
 *   static const VmsField pl031_fields[] = {
 *       VMS(Pl031, epoch_seconds),
 *       VMS(Pl031, mr),
 *       VMS_MAX(Pl031, imsc, 1),          // values above 1 are refused
 *       VMS_SINCE(Pl031, lr, 2),          // present from section version 2
 *   };
 *   const VmsDesc pl031_vmstate = VMS_DESC("pl031", 2, Pl031, pl031_fields, NULL);
 *
 * Encoding: each field element in table order, little-endian, at its
 * type's width (bool is one byte, 0 or 1); a struct field is its own table,
 * element after element.  A field added in a later version carries `since`
 * and is absent from older sections, which then keep the staging value
 * (the live one).
 */
#ifndef SCION_VMSTATE_H
#define SCION_VMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum VmsType { VMS_T_BOOL, VMS_T_U8, VMS_T_U16, VMS_T_U32, VMS_T_U64, VMS_T_STRUCT } VmsType;

struct VmsDesc;

typedef struct VmsField {
    const char *name;
    VmsType type;
    size_t offset;
    uint32_t count;              /* array elements; 1 for a scalar */
    uint64_t max;                /* largest valid element value; 0: the type's whole range */
    uint32_t since;              /* first section version holding the field (0 = all) */
    const struct VmsDesc *sub;   /* VMS_T_STRUCT: the element's table */
    size_t stride;               /* VMS_T_STRUCT: bytes between elements */
} VmsField;

typedef struct VmsDesc {
    const char *name;    /* section name in the stream */
    uint32_t version;    /* written to the stream; newer versions are refused */
    size_t size;         /* sizeof the described struct */
    const VmsField *fields;
    unsigned nfields;
    /* Cross-field invariants of a staged copy, or NULL; on failure a
     * message for the user in err. */
    bool (*check)(const void *staged, char *err, size_t errlen);
} VmsDesc;

/* The VmsType of a struct member, and its element count: a compile error
 * for member types that have no VmsType (int, pointers, ...). */
#define VMS_TYPE_OF(x)                                                                                         \
    _Generic((x), bool: VMS_T_BOOL, bool *: VMS_T_BOOL, uint8_t: VMS_T_U8, uint8_t *: VMS_T_U8, char *: VMS_T_U8, \
             uint16_t: VMS_T_U16, uint16_t *: VMS_T_U16, uint32_t: VMS_T_U32, uint32_t *: VMS_T_U32,           \
             uint64_t: VMS_T_U64, uint64_t *: VMS_T_U64)
#define VMS_ELEM_BYTES(x)                                                                                      \
    _Generic((x), bool: 1, bool *: 1, uint8_t: 1, uint8_t *: 1, char *: 1, uint16_t: 2, uint16_t *: 2,         \
             uint32_t: 4, uint32_t *: 4, uint64_t: 8, uint64_t *: 8)
#define VMS_MEMBER(T, f) (((T *)0)->f)

#define VMS_FULL(T, f, maxval, since_ver)                                                                      \
    {#f, VMS_TYPE_OF(VMS_MEMBER(T, f)), offsetof(T, f),                                                       \
     (uint32_t)(sizeof VMS_MEMBER(T, f) / VMS_ELEM_BYTES(VMS_MEMBER(T, f))), (maxval), (since_ver), NULL, 0}
#define VMS(T, f) VMS_FULL(T, f, 0, 0)
#define VMS_MAX(T, f, maxval) VMS_FULL(T, f, maxval, 0)
#define VMS_SINCE(T, f, since_ver) VMS_FULL(T, f, 0, since_ver)
/* An array (or single) struct member described by its own table. */
#define VMS_STRUCT(T, f, elem_type, desc)                                                                      \
    {#f, VMS_T_STRUCT, offsetof(T, f), (uint32_t)(sizeof VMS_MEMBER(T, f) / sizeof(elem_type)), 0, 0, &(desc), \
     sizeof(elem_type)}

#define VMS_DESC(name, version, T, fields, check)                                                              \
    {name, version, sizeof(T), fields, (unsigned)(sizeof(fields) / sizeof(fields[0])), check}

/* A growable byte buffer that sections are encoded into. */
typedef struct VmsBuf {
    uint8_t *data;
    size_t len, cap;
    bool failed; /* out of memory: the contents are incomplete */
} VmsBuf;

void vms_buf_put(VmsBuf *b, const void *data, size_t len);
void vms_buf_put_le(VmsBuf *b, uint64_t value, unsigned bytes);
void vms_buf_free(VmsBuf *b);

/* Appends the fields of struct s (desc->version's layout) to out. */
void vms_encode(const VmsDesc *d, const void *s, VmsBuf *out);
/* Decodes a section of the given version into staged (a copy of the live
 * struct); false with a message naming the field on a short, long or
 * out-of-range section.  Runs d->check on success. */
bool vms_decode(const VmsDesc *d, uint32_t version, const uint8_t *data, size_t len, void *staged, char *err,
                size_t errlen);
/* Bytes vms_encode writes for one struct at the given version. */
size_t vms_encoded_size(const VmsDesc *d, uint32_t version);

#endif
