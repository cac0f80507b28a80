/*
 * Sensitivity from a Monte Carlo run: the Spearman rank correlation between each uncertain
 * parameter's draws and a category's total.  rho² is the share of the result's rank variance
 * that moves with the parameter, a scale-free ranking that needs no model of the response.
 *
 * Draws are not stored: the counter-based generator regenerates parameter j's N values
 * (glca_montecarlo_parameter_draws), so memory stays O(N) per thread however many parameters
 * the background has.  Ties get average ranks (Pearson on ranks), so a constant result or
 * parameter gives rho = 0 rather than a division by zero.
 */
#include "analysis.h"

#include <math.h>
#include <string.h>

#include <omp.h>

/* Average ranks (1-based) of values[0..n) into ranks; idx and tmp are workspaces of n. */
static void average_ranks(const double *values, size_t n, size_t *idx, size_t *tmp,
                          double *ranks)
{
    size_t i = 0, j, t;

    for (t = 0; t < n; t++)
        idx[t] = t;
    glca_engine__argsort(idx, tmp, n, values, 1, false);
    while (i < n) {
        double avg;

        for (j = i + 1; j < n && values[idx[j]] == values[idx[i]]; j++)
            ;
        avg = 0.5 * (double)(i + 1 + j); /* mean of ranks i+1 .. j */
        for (t = i; t < j; t++)
            ranks[idx[t]] = avg;
        i = j;
    }
}

/* Pearson correlation of two rank vectors, both with mean (n + 1) / 2. */
static double rank_correlation(const double *rx, const double *ry, size_t n)
{
    double mean = 0.5 * (double)(n + 1), sxy = 0, sxx = 0, syy = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        double dx = rx[i] - mean, dy = ry[i] - mean;

        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx <= 0 || syy <= 0)
        return 0;
    return sxy / sqrt(sxx * syy);
}

int glca_sensitivity_compute(glca_sensitivity **out, const glca_montecarlo *mc, size_t c,
                             int threads, glca_error *err)
{
    size_t n = glca_montecarlo_iterations(mc), np = glca_montecarlo_nparameters(mc), i;
    size_t big = n > np ? n : np + 1;
    glca_sensitivity *res = NULL;
    double *y = NULL, *ry = NULL, *rho = NULL;
    size_t *idx = NULL, *tmp = NULL, *order = NULL;
    int nthreads = threads > 0 ? threads : omp_get_max_threads(), failed = 0, s, rc = 0;

    res = glca_calloc(np + 1, sizeof *res);
    rho = glca_calloc(np + 1, sizeof *rho);
    order = glca_mallocarray(np + 1, sizeof *order);
    y = glca_mallocarray(n, sizeof *y);
    ry = glca_mallocarray(n, sizeof *ry);
    idx = glca_mallocarray(big, sizeof *idx);
    tmp = glca_mallocarray(big, sizeof *tmp);
    if (!res || !rho || !order || !y || !ry || !idx || !tmp) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        const double *h = glca_montecarlo_impacts(mc, i) + c * GLCA_NSTAGES;

        y[i] = 0;
        for (s = 0; s < GLCA_NSTAGES; s++)
            y[i] += h[s];
    }
    average_ranks(y, n, idx, tmp, ry);

    /* Each parameter is independent of the others: one per loop iteration, no reduction. */
#pragma omp parallel num_threads(nthreads)
    {
        double *x = glca_mallocarray(n, sizeof *x), *rx = glca_mallocarray(n, sizeof *rx);
        size_t *wi = glca_mallocarray(n, sizeof *wi), *wt = glca_mallocarray(n, sizeof *wt);
        bool ok = x && rx && wi && wt;
        long j;

        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 16)
        for (j = 0; j < (long)np; j++) {
            if (!ok)
                continue;
            glca_montecarlo_parameter_draws(mc, (size_t)j, x);
            average_ranks(x, n, wi, wt, rx);
            rho[j] = rank_correlation(rx, ry, n);
        }
        glca_free(x);
        glca_free(rx);
        glca_free(wi);
        glca_free(wt);
    }
    if (failed) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < np; i++)
        order[i] = i;
    glca_engine__argsort(order, tmp, np, rho, 1, true);
    for (i = 0; i < np; i++) {
        res[i].parameter = order[i];
        res[i].rho = rho[order[i]];
    }
    *out = res;
    res = NULL;
cleanup:
    glca_free(res);
    glca_free(rho);
    glca_free(order);
    glca_free(y);
    glca_free(ry);
    glca_free(idx);
    glca_free(tmp);
    return rc;
}
