/*
 * Fuzz the archive layer and the ILCD reader on any bytes as a .zip: names, symbolic links,
 * sizes, ratios and contents of entries all come from the input.  Every problem reported to
 * diag, no crash, no leak, no file written outside the scratch directory.
 */
#include "harness.h"

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *path = glca_fuzz_write("input.zip", data, size);
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;

    if (glca_model_new(&m, &err) < 0)
        return 0;
    glca_fuzz_check_diag(glca_read_inventories(m, &path, 1, NULL, glca_fuzz_diag_fn, &d, &err),
                         &err, &d);
    glca_model_free(m);
    return 0;
}
