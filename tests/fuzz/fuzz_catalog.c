/*
 * Fuzz the serial catalog reader (glca_catalog: inline products, includes, recovery after a
 * bad entry): ordinals are handed out in order, one per entry, and the stream ends.
 */
#include "catalog_rows.h"

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *path = glca_fuzz_write_catalog(data, size);
    glca_fuzz_rows rows = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_catalog *c = NULL;
    size_t expected = 0;

    if (glca_fuzz_check(glca_catalog_open(&c, path, NULL, &err), &err) == 0)
        glca_fuzz_rows_serial(&rows, c, &expected);
    glca_catalog_free(c);
    free(rows.rows);
    return 0;
}
