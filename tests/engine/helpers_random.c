/*
 * Seeded test data for the engine tests (helpers_random.h).  Compiled once into the engine test
 * executable; the draws are in a fixed order, so a seed always gives the same model.
 */
#include "helpers_random.h"

#include "engine_helpers.h"

#include <stdlib.h>

uint64_t next_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * UINT64_C(2685821657736338717);
}

double uniform(uint64_t *state)
{
    return (double)(next_random(state) >> 11) / 9007199254740992.0;
}

void random_flows(glca_model *m, int np, int nf)
{
    char id[32];
    int i;

    for (i = 0; i < np; i++) {
        snprintf(id, sizeof id, "prod-%d", i);
        flow(m, id, GLCA_FLOW_PRODUCT, "kg");
    }
    for (i = 0; i < nf; i++) {
        snprintf(id, sizeof id, "elem-%d", i);
        flow(m, id, GLCA_FLOW_ELEMENTARY, "kg");
    }
}

glca_method *random_method(int nc, int nf, uint64_t *st, double *cf)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_method *me = NULL;
    char id[32], elem[32];
    int c, f;

    OK(glca_method_new(&me, "random", NULL, NULL, &err), &err);
    for (c = 0; c < nc; c++) {
        snprintf(id, sizeof id, "cat-%d", c);
        category(me, id);
        for (f = 0; f < nf; f++) {
            cf[c * nf + f] = uniform(st) * 10;
            snprintf(elem, sizeof elem, "elem-%d", f);
            factor(me, id, elem, cf[c * nf + f], NULL);
        }
    }
    return me;
}

void dense_solve(const double *a_in, const double *f, double *x, size_t n, bool trans)
{
    double *a = malloc(n * (n + 1) * sizeof *a);
    size_t i, j, k;

    cr_assert_not_null(a);
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++)
            a[i * (n + 1) + j] = trans ? a_in[j * n + i] : a_in[i * n + j];
        a[i * (n + 1) + n] = f[i];
    }
    for (k = 0; k < n; k++) {
        size_t piv = k;

        for (i = k + 1; i < n; i++)
            if (fabs(a[i * (n + 1) + k]) > fabs(a[piv * (n + 1) + k]))
                piv = i;
        for (j = 0; j <= n; j++) {
            double t = a[k * (n + 1) + j];

            a[k * (n + 1) + j] = a[piv * (n + 1) + j];
            a[piv * (n + 1) + j] = t;
        }
        for (i = k + 1; i < n; i++) {
            double m = a[i * (n + 1) + k] / a[k * (n + 1) + k];

            for (j = k; j <= n; j++)
                a[i * (n + 1) + j] -= m * a[k * (n + 1) + j];
        }
    }
    for (i = n; i-- > 0;) {
        double s = a[i * (n + 1) + n];

        for (j = i + 1; j < n; j++)
            s -= a[i * (n + 1) + j] * x[j];
        x[i] = s / a[i * (n + 1) + i];
    }
    free(a);
}
