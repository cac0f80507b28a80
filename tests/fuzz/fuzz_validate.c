/*
 * Fuzz validation (glca_validate_any, what `greenlca validate` runs): any bytes as any of our
 * files, the kind detected from the root, every problem reported to diag.
 */
#include "harness.h"

#include <glca/ruleset.h>

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *path = glca_fuzz_write("input.xml", data, size);
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_doc_kind kind = GLCA_DOC_UNKNOWN;

    glca_fuzz_check_diag(glca_validate_any(path, NULL, &kind, glca_fuzz_diag_fn, &d, &err), &err,
                         &d);
    return 0;
}
