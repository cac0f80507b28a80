/*
 * Fuzz the product reader (glca_read_product); a product it accepts is bound to the example
 * background and evaluated, so what the reader lets through must also be safe to compute on.
 */
#include "harness.h"

#include <stdlib.h>

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const glca_fuzz_example *ex = glca_fuzz_example_get();
    const char *path = glca_fuzz_write("input.product.xml", data, size);
    glca_fuzz_diag d = {0}, bound = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    double *impacts = NULL;

    if (glca_fuzz_check_diag(glca_read_product(&p, path, NULL, glca_fuzz_diag_fn, &d, &err),
                             &err, &d) < 0)
        goto cleanup;
    if (!p)
        glca_fuzz_fail("read a product but returned none");
    glca_error_clear(&err);
    if (glca_fuzz_check_diag(glca_product_bind(p, ex->bg, glca_fuzz_diag_fn, &bound, &err), &err,
                             &bound) < 0)
        goto cleanup;
    if (!(impacts = calloc(glca_background_ncategories(ex->bg) * GLCA_NSTAGES, sizeof *impacts)))
        goto cleanup;
    glca_error_clear(&err);
    glca_fuzz_check(glca_evaluate(ex->bg, p, impacts, &err), &err);
cleanup:
    free(impacts);
    glca_product_free(p);
    return 0;
}
