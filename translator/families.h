/*
 * The instruction families: each file translator/FAMILY.c defines a table
 * FAMILY_entries[] of (Capstone id, TranslateFn) and its length.  The
 * translator builds its dispatch table from these lists at start-up; an id
 * claimed by two families is a start-up error (see translate.c).
 */
#ifndef SCION_FAMILIES_H
#define SCION_FAMILIES_H

#include "translator/lower.h"

#define SCION_FAMILIES(X) \
    X(dataproc)           \
    X(branch)             \
    X(system)             \
    X(loadstore)          \
    X(multiply)           \
    X(media)              \
    X(vfp)                \
    X(privileged)

#define SCION_FAMILY_DECL(name)                  \
    extern const TransEntry name##_entries[];    \
    extern const size_t name##_entry_count;
SCION_FAMILIES(SCION_FAMILY_DECL)
#undef SCION_FAMILY_DECL

#define FAMILY_TABLE(name, ...)                                       \
    const TransEntry name##_entries[] = {__VA_ARGS__};                \
    const size_t name##_entry_count = sizeof name##_entries / sizeof name##_entries[0]

#endif
