/*
 * Fuzz the method reader (glca_read_method): any bytes as a method file.
 */
#include "harness.h"

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *path = glca_fuzz_write("input.method.xml", data, size);
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_method *m = NULL;

    glca_fuzz_check_diag(glca_read_method(&m, path, NULL, glca_fuzz_diag_fn, &d, &err), &err,
                         &d);
    glca_method_free(m);
    return 0;
}
