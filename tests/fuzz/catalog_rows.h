/*
 * The two catalog harnesses' view of a catalog: the rows a batch stores, one per ordinal (the
 * product's id, or the error with its location), collected from the serial reader the way
 * batch.c's read_chunk takes them.  The input may carry an included file after a line
 * "--part--": everything after it is written to part.xml next to the catalog, so the fuzzer
 * reaches <include href="part.xml"> with content of its own.
 */
#ifndef GLCA_FUZZ_CATALOG_ROWS_H
#define GLCA_FUZZ_CATALOG_ROWS_H

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A catalog with more rows than this, or a reader that will not end, is a finding. */
#define GLCA_FUZZ_MAX_ROWS 100000

typedef struct glca_fuzz_row {
    size_t ordinal;
    char id[64]; /* the product's id (truncated), "" for an error */
    glca_error err;
} glca_fuzz_row;

typedef struct glca_fuzz_rows {
    glca_fuzz_row *rows;
    size_t n, cap;
} glca_fuzz_rows;

static inline void glca_fuzz_rows_add(glca_fuzz_rows *r, size_t ordinal, glca_product *p,
                                      const glca_error *e)
{
    glca_fuzz_row *row;

    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        glca_fuzz_row *grown = realloc(r->rows, cap * sizeof *grown);

        if (!grown)
            glca_fuzz_fail("out of memory");
        r->rows = grown;
        r->cap = cap;
    }
    if (r->n == GLCA_FUZZ_MAX_ROWS)
        glca_fuzz_fail("more than %d catalog rows", GLCA_FUZZ_MAX_ROWS);
    row = &r->rows[r->n++];
    memset(row, 0, sizeof *row);
    row->ordinal = ordinal;
    if (p)
        snprintf(row->id, sizeof row->id, "%s", glca_product_id(p));
    else
        row->err = *e;
    glca_product_free(p);
}

/*
 * Read from the serial reader until its end, starting at `*expected` (the ordinal the next row
 * gets; the reader has handed out those before it): batch.c's read_chunk, one row per call.
 */
static inline void glca_fuzz_rows_serial(glca_fuzz_rows *r, glca_catalog *c, size_t *expected)
{
    for (;;) {
        glca_error e = GLCA_ERROR_INIT;
        glca_product *p = NULL;
        size_t ordinal = *expected;
        int rc = glca_catalog_next(c, &p, &ordinal, &e);

        if (rc == 0)
            return;
        glca_fuzz_check(rc, &e);
        if ((rc > 0) != (p != NULL))
            glca_fuzz_fail("catalog_next returned %d with product %p", rc, (void *)p);
        if (rc < 0 && ordinal < *expected) {
            /* no new product: the stream cannot recover */
            glca_fuzz_rows_add(r, *expected, NULL, &e);
            return;
        }
        if (ordinal != *expected)
            glca_fuzz_fail("catalog_next gave ordinal %zu, expected %zu", ordinal, *expected);
        *expected = ordinal + 1;
        glca_fuzz_rows_add(r, ordinal, p, rc < 0 ? &e : NULL);
    }
}

/* Write the input (catalog, and part.xml when there is a "--part--" line); the catalog's path. */
static inline const char *glca_fuzz_write_catalog(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n--part--\n";
    const uint8_t *part = NULL;
    size_t i;

    for (i = 0; i + sizeof sep - 1 <= size; i++)
        if (memcmp(data + i, sep, sizeof sep - 1) == 0) {
            part = data + i + sizeof sep - 1;
            break;
        }
    glca_fuzz_write("part.xml", part, part ? size - (size_t)(part - data) : 0);
    return glca_fuzz_write("input.catalog.xml", data, part ? i : size);
}

#endif
