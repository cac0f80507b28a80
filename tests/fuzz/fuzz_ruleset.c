/*
 * Fuzz the ruleset reader (glca_ruleset_load: XML, rules, baselines, the expressions compiled
 * at load); a ruleset it accepts is evaluated on the example product and its verdict written
 * as JSON, so whatever loads must also evaluate safely.
 */
#include "harness.h"

#include <stdio.h>

#include <glca/ruleset.h>

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    static FILE *sink;
    const glca_fuzz_example *ex = glca_fuzz_example_get();
    const char *path = glca_fuzz_write("input.ruleset.xml", data, size);
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_ruleset *rs = NULL;
    glca_verdict *v = NULL;

    if (!sink && !(sink = fopen("/dev/null", "w")))
        glca_fuzz_fail("cannot open /dev/null");
    if (glca_fuzz_check_diag(glca_ruleset_load(&rs, path, NULL, glca_fuzz_diag_fn, &d, &err),
                             &err, &d) < 0)
        goto cleanup;
    glca_error_clear(&err);
    if (glca_fuzz_check(glca_ruleset_evaluate(&v, rs, ex->product, ex->bg, ex->impacts, &err),
                        &err) < 0)
        goto cleanup;
    glca_error_clear(&err);
    glca_fuzz_check(glca_write_verdict_json(sink, v, &err), &err);
cleanup:
    glca_verdict_free(v);
    glca_ruleset_free(rs);
    return 0;
}
