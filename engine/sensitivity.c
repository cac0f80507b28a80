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

/* Whether all n values are the same: such a parameter has rho = 0 with every result. */
static bool constant(const double *x, size_t n)
{
    size_t i;

    for (i = 1; i < n; i++)
        if (x[i] != x[0])
            return false;
    return true;
}

/* Whether parameter a goes before b: larger |rho| first, ties by parameter (argsort's order). */
static bool ahead(const double *rho, size_t a, size_t b)
{
    return fabs(rho[a]) > fabs(rho[b]) || (fabs(rho[a]) == fabs(rho[b]) && a < b);
}

/* Restore the heap (its root the parameter that goes last) below position i. */
static void sift_down(const double *rho, size_t *heap, size_t m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i, t;

        if (l < m && ahead(rho, heap[w], heap[l]))
            w = l;
        if (r < m && ahead(rho, heap[w], heap[r]))
            w = r;
        if (w == i)
            return;
        t = heap[i];
        heap[i] = heap[w];
        heap[w] = t;
        i = w;
    }
}

/*
 * The first m of the np parameters in argsort's order into out.  For m < np a heap of the m
 * best keeps the cost at O(np log m); its root, the m-th, then picks the same m parameters in
 * increasing index, and the stable sort of those gives exactly the order the full sort would.
 * heap and tmp have np entries.
 */
static void select_top(const double *rho, size_t np, size_t m, size_t *heap, size_t *tmp,
                       glca_sensitivity *out)
{
    size_t i, j, nsel = 0;

    if (m < np && m > 0) {
        size_t last;

        for (j = 0; j < m; j++)
            heap[j] = j;
        for (i = m / 2; i-- > 0;)
            sift_down(rho, heap, m, i);
        for (j = m; j < np; j++) {
            if (ahead(rho, j, heap[0])) {
                heap[0] = j;
                sift_down(rho, heap, m, 0);
            }
        }
        last = heap[0];
        for (j = 0; j < np; j++)
            if (j == last || ahead(rho, j, last))
                heap[nsel++] = j;
    } else {
        for (j = 0; j < np; j++)
            heap[nsel++] = j;
    }
    glca_engine__argsort(heap, tmp, nsel, rho, 1, true);
    for (i = 0; i < nsel; i++) {
        out[i].parameter = heap[i];
        out[i].rho = rho[heap[i]];
    }
}

int glca_sensitivity_compute_many(glca_sensitivity **out, size_t *per_category,
                                  const glca_montecarlo *mc, size_t first, size_t last,
                                  size_t top, int threads, glca_error *err)
{
    size_t n = glca_montecarlo_iterations(mc), np = glca_montecarlo_nparameters(mc);
    size_t k = last > first ? last - first : 0, m = top && top < np ? top : np, i, c;
    size_t big = n > np ? n : np + 1;
    glca_sensitivity *res = NULL;
    double *y = NULL, *ry = NULL, *rho = NULL;
    size_t *idx = NULL, *tmp = NULL;
    int nthreads = threads > 0 ? threads : omp_get_max_threads(), failed = 0, s, rc = 0;

    res = glca_mallocarray(k * m + 1, sizeof *res);
    rho = glca_mallocarray(k * np + 1, sizeof *rho);
    y = glca_mallocarray(n + 1, sizeof *y);
    ry = glca_mallocarray(k * n + 1, sizeof *ry);
    idx = glca_mallocarray(big, sizeof *idx);
    tmp = glca_mallocarray(big, sizeof *tmp);
    if (!res || !rho || !y || !ry || !idx || !tmp) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (c = 0; c < k; c++) {
        for (i = 0; i < n; i++) {
            const double *h = glca_montecarlo_impacts(mc, i) + (first + c) * GLCA_NSTAGES;

            y[i] = 0;
            for (s = 0; s < GLCA_NSTAGES; s++)
                y[i] += h[s];
        }
        average_ranks(y, n, idx, tmp, ry + c * n);
    }

    /*
     * Each parameter is independent of the others: one per loop iteration, no reduction.  Its
     * draws are regenerated and ranked once for all k categories, which is most of the work.
     */
#pragma omp parallel num_threads(nthreads)
    {
        double *x = glca_mallocarray(n + 1, sizeof *x), *rx = glca_mallocarray(n + 1, sizeof *rx);
        size_t *wi = glca_mallocarray(n + 1, sizeof *wi), *wt = glca_mallocarray(n + 1, sizeof *wt);
        bool ok = x && rx && wi && wt;
        long j;

        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 64)
        for (j = 0; j < (long)np; j++) {
            size_t cc;

            if (!ok)
                continue;
            glca_montecarlo_parameter_draws(mc, (size_t)j, x);
            if (constant(x, n)) {
                for (cc = 0; cc < k; cc++)
                    rho[cc * np + (size_t)j] = 0;
                continue;
            }
            average_ranks(x, n, wi, wt, rx);
            for (cc = 0; cc < k; cc++)
                rho[cc * np + (size_t)j] = rank_correlation(rx, ry + cc * n, n);
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
    for (c = 0; c < k; c++)
        select_top(rho + c * np, np, m, idx, tmp, res + c * m);
    *out = res;
    res = NULL;
    if (per_category)
        *per_category = m;
cleanup:
    glca_free(res);
    glca_free(rho);
    glca_free(y);
    glca_free(ry);
    glca_free(idx);
    glca_free(tmp);
    return rc;
}

int glca_sensitivity_compute(glca_sensitivity **out, const glca_montecarlo *mc, size_t c,
                             int threads, glca_error *err)
{
    return glca_sensitivity_compute_many(out, NULL, mc, c, c + 1, 0, threads, err);
}
