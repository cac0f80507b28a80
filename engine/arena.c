/*
 * String arena (see arena.h).  Blocks grow geometrically from 1 KiB so a small product costs one
 * allocation and a large model a few dozen; a request larger than a block gets its own block.
 */
#include "arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <string.h>

struct glca_engine__arena_block {
    glca_engine__arena_block *next;
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_FIRST_BLOCK 1024u
#define ARENA_MAX_BLOCK (1u << 20)

/* Strings need no alignment, so they pack tightly; other objects get max_align_t. */
static void *take(glca_engine__arena *a, size_t size, size_t align)
{
    size_t start = (a->used + align - 1) & ~(align - 1);
    glca_engine__arena_block *b;
    size_t cap;

    if (a->head && start <= a->cap && size <= a->cap - start) {
        a->used = start + size;
        return a->head->data + start;
    }
    cap = a->cap ? a->cap * 2 : ARENA_FIRST_BLOCK;
    if (cap > ARENA_MAX_BLOCK)
        cap = ARENA_MAX_BLOCK;
    if (cap < size)
        cap = size;
    if (cap > SIZE_MAX - sizeof *b)
        return NULL;
    b = glca_malloc(sizeof *b + cap);
    if (!b)
        return NULL;
    b->next = a->head;
    a->head = b;
    a->cap = cap;
    a->used = size;
    return b->data;
}

void *glca_engine__arena_alloc(glca_engine__arena *a, size_t size)
{
    return take(a, size, alignof(max_align_t));
}

char *glca_engine__arena_strdup(glca_engine__arena *a, const char *s)
{
    size_t len;
    char *copy;

    if (!s)
        return NULL;
    len = strlen(s) + 1;
    copy = take(a, len, 1);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

void glca_engine__arena_free(glca_engine__arena *a)
{
    glca_engine__arena_block *b = a->head;

    while (b) {
        glca_engine__arena_block *next = b->next;
        glca_free(b);
        b = next;
    }
    a->head = NULL;
    a->used = a->cap = 0;
}

int glca_engine__arena_srcloc(glca_engine__arena *a, const char **last, const glca_srcloc *in,
                              glca_srcloc *out)
{
    out->file = NULL;
    out->line = out->column = 0;
    if (!in)
        return 0;
    out->line = in->line;
    out->column = in->column;
    if (!in->file)
        return 0;
    if (!*last || strcmp(*last, in->file) != 0) {
        const char *copy = glca_engine__arena_strdup(a, in->file);

        if (!copy)
            return GLCA_ENOMEM;
        *last = copy;
    }
    out->file = *last;
    return 0;
}

int glca_engine__reserve(void *arrayp, size_t *cap, size_t n, size_t size)
{
    void *old, *p;
    size_t c;

    if (n < *cap)
        return 0;
    c = *cap ? 2 * *cap : 64;
    while (c <= n)
        c *= 2;
    /* The pointer is read and written as bytes so any T ** can be passed without aliasing it. */
    memcpy(&old, arrayp, sizeof old);
    if (!(p = glca_reallocarray(old, c, size)))
        return GLCA_ENOMEM;
    memcpy(arrayp, &p, sizeof p);
    *cap = c;
    return 0;
}
