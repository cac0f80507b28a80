/*
 * Allocation wrappers.  Every array allocation checks its size multiplication for overflow, as
 * KLU's klu_memory.c does, so a hostile count becomes a failed allocation, not a short buffer.
 */
#include <glca/engine.h>

#include <stdlib.h>
#include <string.h>

void *glca_malloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *glca_calloc(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

void *glca_mallocarray(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return glca_malloc(n * size);
}

void *glca_reallocarray(void *p, size_t n, size_t size)
{
    size_t bytes;

    if (size && n > SIZE_MAX / size)
        return NULL;
    bytes = n * size;
    return realloc(p, bytes ? bytes : 1);
}

char *glca_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = glca_malloc(len);

    if (copy)
        memcpy(copy, s, len);
    return copy;
}

void glca_free(void *p)
{
    free(p);
}
