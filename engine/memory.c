/*
 * Allocation wrappers.  Every array allocation checks its size multiplication for overflow, as
 * KLU's klu_memory.c does, so a hostile count becomes a failed allocation, not a short buffer.
 */
#include <glca/engine.h>

#include <stdlib.h>
#include <string.h>

/*
 * Fault injection, as KLU's test allocator and SQLite's malloc tests do it: after
 * glca_alloc_fail_after(n), allocations on this thread succeed n times and then all fail, so a
 * test can walk a failure through every allocation of an operation.  Thread-local, so batch
 * threads and parallel tests do not interfere; -1 (the default) means never.  This is the one
 * piece of state outside any handle, and only tests change it.
 */
static _Thread_local long fail_countdown = -1;
static _Thread_local size_t failures;

void glca_alloc_fail_after(long n)
{
    fail_countdown = n;
    failures = 0;
}

size_t glca_alloc_failures(void)
{
    return failures;
}

static int injected_failure(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0) {
        failures++;
        return 1;
    }
    fail_countdown--;
    return 0;
}

void *glca_malloc(size_t size)
{
    if (injected_failure())
        return NULL;
    return malloc(size ? size : 1);
}

void *glca_calloc(size_t n, size_t size)
{
    if (injected_failure())
        return NULL;
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
    if (injected_failure())
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
