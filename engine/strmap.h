/*
 * String -> index map for ids (processes, flows, categories, units).  Open addressing with
 * linear probing and FNV-1a hashes; keys are borrowed (the owner keeps them alive, usually in
 * its arena), values are size_t indexes.  Lookups of 20,000+ ids must stay O(1): linking a
 * model resolves every exchange by id.
 */
#ifndef GLCA_ENGINE_STRMAP_H
#define GLCA_ENGINE_STRMAP_H

#include <glca/engine.h>

typedef struct glca_engine__strmap_slot {
    const char *key; /* NULL = empty */
    uint64_t hash;
    size_t value;
} glca_engine__strmap_slot;

typedef struct glca_engine__strmap {
    glca_engine__strmap_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t count;
} glca_engine__strmap;

#define GLCA_ENGINE__STRMAP_INIT {NULL, 0, 0}

/**
 * Insert `key` -> `value`.  Returns 0 if inserted, 1 if the key was already present (then
 * `*existing`, if not NULL, receives its value and nothing changes), GLCA_ENOMEM on failure.
 */
int glca_engine__strmap_put(glca_engine__strmap *m, const char *key, size_t value,
                            size_t *existing);
/** True and `*value` set if `key` is present. */
bool glca_engine__strmap_get(const glca_engine__strmap *m, const char *key, size_t *value);
/** Start loading the slot a lookup of `key` reads first, so that several lookups' cache misses
 *  overlap (binding a product looks up each of its lines). */
void glca_engine__strmap_prefetch(const glca_engine__strmap *m, const char *key);
/** Make room for `n` keys without rehashing; GLCA_ENOMEM on failure. */
int glca_engine__strmap_reserve(glca_engine__strmap *m, size_t n);
void glca_engine__strmap_free(glca_engine__strmap *m);

#endif
