/*
 * Differential fuzzing of the batch's parallel catalog reader (batch/catalog_split.c) against
 * the serial one: for any catalog, the rows the splitter's blocks give, with the serial reader
 * taking over where the splitter hands over (batch.c's split_chunk, parse_block, finish_chunk
 * and serial_skip_to, on one thread), must be the serial reader's rows, field for field:
 * ordinal, product id, error code, message, file, line and column.  A mismatch aborts.
 * Small chunks and blocks, so that a short input spans several of each.
 */
#include "catalog_rows.h"

#include "batch/catalog_split.h"

#define CHUNK 5
#define PER_BLOCK 2

/* The rows of the batch's parallel reader (all serial when the splitter declines the file). */
static void split_rows(glca_fuzz_rows *r, const char *path)
{
    glca_inventories__split *s = NULL;
    glca_product *products[PER_BLOCK];
    glca_error errors[PER_BLOCK], err = GLCA_ERROR_INIT;
    glca_catalog *c = NULL;
    char *scratch = NULL;
    size_t scratch_cap = 0, serial_from = SIZE_MAX, expected = 0, serial_at = 0;
    bool eof = false;

    /* the batch opens both, the serial reader first: an error there ends it */
    if (glca_catalog_open(&c, path, NULL, &err) < 0)
        glca_fuzz_fail("the serial reader opened the catalog once but not twice");
    if (glca_fuzz_check(glca_inventories__split_open(&s, path, NULL, &err), &err) < 0)
        glca_fuzz_fail("splitter failed: %s", err.message);
    while (s && !eof && serial_from == SIZE_MAX) {
        const glca_inventories__block *blocks;
        size_t nblocks, k, i;

        if (glca_fuzz_check(glca_inventories__split_next(s, CHUNK, PER_BLOCK, &blocks, &nblocks,
                                                         &serial_from, &eof, &err),
                            &err) < 0)
            glca_fuzz_fail("splitter failed: %s", err.message);
        for (k = 0; k < nblocks; k++) {
            const glca_inventories__block *b = &blocks[k];

            if ((b->n == 0 && !b->last) || b->n > PER_BLOCK || b->first != expected)
                glca_fuzz_fail("block %zu: %zu entries from %zu, expected from %zu", k, b->n,
                               b->first, expected);
            if (glca_inventories__split_parse(s, b, &scratch, &scratch_cap, products, errors, &err) <
                0) {
                serial_from = b->first;
                break;
            }
            for (i = 0; i < b->n; i++) {
                if ((products[i] != NULL) == (errors[i].code != 0))
                    glca_fuzz_fail("entry %zu: a product and an error, or neither", b->first + i);
                if (errors[i].code)
                    glca_fuzz_check(errors[i].code, &errors[i]);
                glca_fuzz_rows_add(r, b->first + i, products[i], &errors[i]);
            }
            expected += b->n;
        }
    }
    glca_inventories__split_free(s);
    free(scratch);
    if (s && serial_from == SIZE_MAX)
        goto done;
    if (s && serial_from != expected)
        glca_fuzz_fail("serial reader takes over at %zu after %zu rows", serial_from, expected);
    /* serial_skip_to: the products before serial_from are read again and dropped */
    while (serial_at < expected) {
        glca_error e = GLCA_ERROR_INIT;
        glca_product *p = NULL;
        size_t got = serial_at;
        int rc = glca_catalog_next(c, &p, &got, &e);

        glca_product_free(p);
        if (rc == 0 || (rc < 0 && got < serial_at))
            break;
        serial_at = got + 1;
    }
    glca_fuzz_rows_serial(r, c, &expected);
done:
    glca_catalog_free(c);
}

static void describe(const glca_fuzz_row *row, char *buf, size_t size)
{
    char e[600];

    glca_error_format(&row->err, e, sizeof e);
    snprintf(buf, size, "#%zu %s%s (code %d)", row->ordinal, row->id, row->id[0] ? "" : e,
             (int)row->err.code);
}

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *path = glca_fuzz_write_catalog(data, size);
    glca_fuzz_rows serial = {0}, parallel = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_catalog *c = NULL;
    size_t expected = 0, i;

    if (glca_catalog_open(&c, path, NULL, &err) < 0)
        return 0; /* the batch stops here, before splitting */
    glca_fuzz_rows_serial(&serial, c, &expected);
    glca_catalog_free(c);
    split_rows(&parallel, path);
    for (i = 0; i < serial.n || i < parallel.n; i++) {
        const glca_fuzz_row *a = i < serial.n ? &serial.rows[i] : NULL;
        const glca_fuzz_row *b = i < parallel.n ? &parallel.rows[i] : NULL;
        char da[1000], db[1000];

        if (a && b && a->ordinal == b->ordinal && strcmp(a->id, b->id) == 0 &&
            a->err.code == b->err.code && strcmp(a->err.message, b->err.message) == 0 &&
            strcmp(a->err.file, b->err.file) == 0 && a->err.line == b->err.line &&
            a->err.column == b->err.column)
            continue;
        if (a)
            describe(a, da, sizeof da);
        if (b)
            describe(b, db, sizeof db);
        glca_fuzz_fail("row %zu: serial %s, parallel %s", i, a ? da : "(none)", b ? db : "(none)");
    }
    free(serial.rows);
    free(parallel.rows);
    return 0;
}
