/*
 * String arena: many small copies freed at once.  Models, methods and products copy every id,
 * name and unit they are given; a batch builds thousands of products per second, so one
 * malloc per string would dominate.  Pointers handed out stay valid until the arena is freed
 * (blocks are chained, never moved).
 */
#ifndef GLCA_ENGINE_ARENA_H
#define GLCA_ENGINE_ARENA_H

#include <glca/engine.h>

typedef struct glca_engine__arena_block glca_engine__arena_block;

typedef struct glca_engine__arena {
    glca_engine__arena_block *head; /* the block being filled; older ones chained behind */
    size_t used, cap;               /* bytes used / available in head */
} glca_engine__arena;

#define GLCA_ENGINE__ARENA_INIT {NULL, 0, 0}

/** A copy of `s` in the arena; NULL if out of memory.  `s` NULL gives NULL. */
char *glca_engine__arena_strdup(glca_engine__arena *a, const char *s);
/** `size` bytes aligned for any type; NULL if out of memory. */
void *glca_engine__arena_alloc(glca_engine__arena *a, size_t size);
/**
 * Copy a source location into `out`, its file name into the arena.  Locations mostly repeat one
 * file, so `*last` (the previous copy, NULL at first) is reused when the name is the same.
 * `in` NULL gives an empty location.  Returns GLCA_ENOMEM on failure.
 */
int glca_engine__arena_srcloc(glca_engine__arena *a, const char **last, const glca_srcloc *in,
                              glca_srcloc *out);
/**
 * Make room in a growable array for element `n` (0-based): `arrayp` is the address of the
 * array pointer (any object pointer type), `*cap` its capacity in elements of `size` bytes.
 * Doubles the capacity (first 64).  Returns 0 or GLCA_ENOMEM (the array is then unchanged).
 */
int glca_engine__reserve(void *arrayp, size_t *cap, size_t n, size_t size);
/** Free every block; the arena is empty and reusable afterwards. */
void glca_engine__arena_free(glca_engine__arena *a);

#endif
