/*
 * Fuzz the EcoSpold 2 dataset reader (one .spold from memory: structure, groups, uncertainty,
 * properties, parameters and the formulas it evaluates) and the formula evaluator on the raw
 * bytes: any input, an answer that is either a dataset with a process id or an error naming
 * the input, no crash, no leak.
 */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inventories/importers/ecospold2_int.h"

static bool lookup(const char *name, size_t len, double *out, void *payload)
{
    (void)payload;
    return len == 1 && name[0] == 'a' && (*out = 2, true);
}

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;
    char expr[512];
    double v;
    size_t i, n = size < sizeof expr - 1 ? size : sizeof expr - 1;
    int rc;

    rc = glca_inventories__es2_read_dataset(&d, "input.spold", data, size, NULL, &err);
    if (glca_fuzz_check(rc, &err) == 0) {
        if (!d || !d->stem || !d->activity)
            glca_fuzz_fail("dataset without a process id");
        for (i = 0; i < d->nnotes; i++)
            if (!d->notes[i].message || !d->notes[i].message[0])
                glca_fuzz_fail("note without a message");
        glca_inventories__es2_dataset_free(d);
    } else if (d) {
        glca_fuzz_fail("dataset returned with an error");
    }
    memcpy(expr, data, n);
    expr[n] = '\0';
    glca_error_clear(&err);
    rc = glca_inventories__es2_eval(expr, lookup, NULL, &v, &err);
    if (rc == 0 && !isfinite(v))
        glca_fuzz_fail("formula evaluated to a non-finite number");
    if (rc < 0 && (rc != GLCA_EPARSE || !err.message[0]))
        glca_fuzz_fail("formula error without a message");
    return 0;
}
