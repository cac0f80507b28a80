/*
 * Fuzz the inventory reader (glca_read_inventory) and the linking of what it read: any bytes
 * as an inventory file, every problem reported to diag, no crash, no leak.
 */
#include "harness.h"

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *path = glca_fuzz_write("input.inventory.xml", data, size);
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;

    if (glca_model_new(&m, &err) < 0)
        return 0;
    if (glca_fuzz_check_diag(glca_read_inventory(m, path, NULL, glca_fuzz_diag_fn, &d, &err),
                             &err, &d) == 0) {
        glca_fuzz_diag linked = {0};

        glca_error_clear(&err);
        glca_fuzz_check_diag(glca_model_link(m, glca_fuzz_diag_fn, &linked, &err), &err,
                             &linked);
    }
    glca_model_free(m);
    return 0;
}
