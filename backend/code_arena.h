/*
 * Executable memory for the baseline code generator: one region mapped
 * twice from a memfd, writable at one address and executable at another,
 * so no page is ever writable and executable at once.
 *
 * Code is bump-allocated and never freed one piece at a time.  When the
 * region is full the whole arena is reset and its generation number
 * changes: every code pointer handed out before is stale from then on.
 * Holders keep the generation beside the pointer and compare before use;
 * the reset itself must happen when none of that code is running (the
 * dispatcher, between blocks).  Memory stays bounded however much code a
 * guest generates.
 *
 *   CodeArena *a = code_arena_new(32 << 20);
 *   uint8_t *w = code_arena_reserve(a, 4096, &rw_cap);   // write here
 *   void *x = code_arena_commit(a, used);                 // run there
 */
#ifndef SCION_CODE_ARENA_H
#define SCION_CODE_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CodeArena CodeArena;

/* NULL if executable memory cannot be had (the caller runs without it). */
CodeArena *code_arena_new(size_t size);
void code_arena_free(CodeArena *a);
/* Writable space for at least `want` bytes (resetting the arena when the
 * rest is too small); *cap receives the space available. */
uint8_t *code_arena_reserve(CodeArena *a, size_t want, size_t *cap);
/* Keep the first `used` bytes of the last reservation; returns their
 * executable address. */
void *code_arena_commit(CodeArena *a, size_t used);
uint32_t code_arena_generation(const CodeArena *a);
/* The two addresses of arena offset `off` (of code handed out). */
uint8_t *code_arena_writable(CodeArena *a, size_t off);
uint8_t *code_arena_executable(CodeArena *a, size_t off);
/* In a child after fork(): the memfd is shared with the parent, so the
 * child takes a memory of its own, empty (a new generation).  Returns false
 * if it cannot; the arena is then unusable (code_arena_free only). */
bool code_arena_fork_child(CodeArena *a);
/* Bytes of code handed out since the last reset, and resets so far. */
size_t code_arena_used(const CodeArena *a);
uint64_t code_arena_resets(const CodeArena *a);
size_t code_arena_size(const CodeArena *a);

#endif
