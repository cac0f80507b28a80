/*
 * Fuzz the EcoSpold 1 reader and the import linking (glca_read_inventories on an EcoSpold 1
 * file), then the engine's linking of what it emitted: any bytes, every problem reported to
 * diag, no crash, no leak.
 */
#include "harness.h"

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *path = glca_fuzz_write("input.ecospold1.xml", data, size);
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;

    if (glca_model_new(&m, &err) < 0)
        return 0;
    if (glca_fuzz_check_diag(glca_read_inventories(m, &path, 1, NULL, glca_fuzz_diag_fn, &d, &err),
                             &err, &d) == 0) {
        glca_fuzz_diag linked = {0};

        glca_error_clear(&err);
        glca_fuzz_check_diag(glca_model_link(m, glca_fuzz_diag_fn, &linked, &err), &err, &linked);
    }
    glca_model_free(m);
    return 0;
}
