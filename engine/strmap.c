/*
 * String -> index hash map (see strmap.h).  Load factor stays at most 1/2 so probe sequences are
 * short; the hash is stored so growing never re-reads the keys and most mismatches cost one
 * integer compare instead of a strcmp.
 */
#include "strmap.h"

#include <string.h>

static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static int grow(glca_engine__strmap *m, size_t cap)
{
    glca_engine__strmap_slot *slots = glca_calloc(cap, sizeof *slots);
    size_t i;

    if (!slots)
        return GLCA_ENOMEM;
    for (i = 0; i < m->cap; i++) {
        const glca_engine__strmap_slot *s = &m->slots[i];
        size_t j;

        if (!s->key)
            continue;
        for (j = (size_t)s->hash & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
            ;
        slots[j] = *s;
    }
    glca_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int glca_engine__strmap_reserve(glca_engine__strmap *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 16;

    while (cap / 2 < n) {
        if (cap > SIZE_MAX / 4)
            return GLCA_ENOMEM;
        cap *= 2;
    }
    return cap == m->cap ? 0 : grow(m, cap);
}

int glca_engine__strmap_put(glca_engine__strmap *m, const char *key, size_t value,
                            size_t *existing)
{
    uint64_t h = fnv1a(key);
    size_t j;

    if (m->count + 1 > m->cap / 2 && glca_engine__strmap_reserve(m, m->count + 1) < 0)
        return GLCA_ENOMEM;
    for (j = (size_t)h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
            if (existing)
                *existing = m->slots[j].value;
            return 1;
        }
    }
    m->slots[j].key = key;
    m->slots[j].hash = h;
    m->slots[j].value = value;
    m->count++;
    return 0;
}

bool glca_engine__strmap_get(const glca_engine__strmap *m, const char *key, size_t *value)
{
    uint64_t h;
    size_t j;

    if (!m->cap || !key)
        return false;
    h = fnv1a(key);
    for (j = (size_t)h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
            *value = m->slots[j].value;
            return true;
        }
    }
    return false;
}

void glca_engine__strmap_prefetch(const glca_engine__strmap *m, const char *key)
{
    if (m->cap && key)
        __builtin_prefetch(&m->slots[(size_t)fnv1a(key) & (m->cap - 1)]);
}

void glca_engine__strmap_free(glca_engine__strmap *m)
{
    glca_free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}
