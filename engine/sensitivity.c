/*
 * Sensitivity from a Monte Carlo run: the Spearman rank correlation between each uncertain
 * parameter's draws and a category's total.  rho² is the share of the result's rank variance
 * that moves with the parameter, a scale-free ranking that needs no model of the response.
 *
 * Draws are not stored: the counter-based generator regenerates parameter j's N values
 * (glca_montecarlo_parameter_draws), so memory stays O(N) per thread however many parameters
 * the background has.  Ties get average ranks (Pearson on ranks), so a constant result or
 * parameter gives rho = 0 rather than a division by zero.
 *
 * Regenerating and ranking the draws is the cost (realistic background: 419,547 parameters),
 * so it is done once per parameter for all the categories asked for, and the ranking sorts the
 * draws' Philox words (expected O(N)) rather than the values (merge sort, O(N log N)).  With
 * 25 categories that took the ranking from 159 s of CPU to 4.7 s wall on 2 threads at load 9
 * (bench/README.md).
 */
#include "analysis.h"

#include <math.h>
#include <string.h>

#include <omp.h>

#include "montecarlo_int.h"

/* Average ranks (1-based) of values[0..n) into ranks, idx ordering them ascending: a run of
   equal values shares the mean of its positions, whichever order idx has inside the run. */
static void assign_ranks(const double *values, const size_t *idx, size_t n, double *ranks)
{
    size_t i = 0, j, t;

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

/* Average ranks of values[0..n) into ranks; idx and tmp are workspaces of n. */
static void average_ranks(const double *values, size_t n, size_t *idx, size_t *tmp,
                          double *ranks)
{
    size_t t;

    for (t = 0; t < n; t++)
        idx[t] = t;
    glca_engine__argsort(idx, tmp, n, values, 1, false);
    assign_ranks(values, idx, n, ranks);
}

/* One thread's buffers for ranking a parameter's n draws and correlating them with k results. */
typedef struct ranker {
    size_t n, k, nbuckets;
    int shift;
    uint32_t *words;
    double *x, *rx, *sxy;
    size_t *order, *tmp, *count;
} ranker;

static void ranker_free(ranker *r)
{
    glca_free(r->words);
    glca_free(r->x);
    glca_free(r->rx);
    glca_free(r->sxy);
    glca_free(r->order);
    glca_free(r->tmp);
    glca_free(r->count);
}

/* About one bucket per draw (at most 2^20): the words are uniform, so a bucket holds O(1). */
static bool ranker_init(ranker *r, size_t n, size_t k)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->k = k;
    r->shift = 32;
    r->nbuckets = 1;
    while (r->nbuckets < n && r->shift > 12) {
        r->nbuckets *= 2;
        r->shift--;
    }
    r->words = glca_mallocarray(n + 1, sizeof *r->words);
    r->x = glca_mallocarray(n + 1, sizeof *r->x);
    r->rx = glca_mallocarray(n + 1, sizeof *r->rx);
    r->sxy = glca_mallocarray(k + 1, sizeof *r->sxy);
    r->order = glca_mallocarray(n + 1, sizeof *r->order);
    r->tmp = glca_mallocarray(n + 1, sizeof *r->tmp);
    r->count = glca_mallocarray(r->nbuckets + 1, sizeof *r->count);
    return r->words && r->x && r->rx && r->sxy && r->order && r->tmp && r->count;
}

/* order = the draws by increasing word: a counting sort on the top bits, then insertion sort,
   which has only the few inversions inside each bucket left to undo (expected O(n)). */
static void order_by_words(ranker *r)
{
    size_t i, b, t;

    for (b = 0; b <= r->nbuckets; b++)
        r->count[b] = 0;
    for (i = 0; i < r->n; i++)
        r->count[((uint64_t)r->words[i] >> r->shift) + 1]++;
    for (b = 1; b <= r->nbuckets; b++)
        r->count[b] += r->count[b - 1];
    for (i = 0; i < r->n; i++)
        r->order[r->count[(uint64_t)r->words[i] >> r->shift]++] = i;
    for (i = 1; i < r->n; i++) {
        size_t v = r->order[i];

        for (t = i; t > 0 && r->words[r->order[t - 1]] > r->words[v]; t--)
            r->order[t] = r->order[t - 1];
        r->order[t] = v;
    }
}

/*
 * Average ranks of the draws r->x into r->rx.  A draw is a monotone function of its word, so
 * the order of the words is an order of the values (reversed for a decreasing one, e.g. a
 * negative lognormal amount); that is checked, and where rounding or an unexpected
 * distribution breaks it the draws are sorted by value.  Either way the ranks are those of
 * average_ranks, bitwise.
 */
static void rank_draws(ranker *r)
{
    size_t i, n = r->n;
    bool up = true, down = true;

    order_by_words(r);
    for (i = 1; i < n && (up || down); i++) {
        double a = r->x[r->order[i - 1]], b = r->x[r->order[i]];

        up = up && a <= b;
        down = down && a >= b;
    }
    if (up) {
        assign_ranks(r->x, r->order, n, r->rx);
    } else if (down) {
        for (i = 0; i < n / 2; i++) {
            size_t t = r->order[i];

            r->order[i] = r->order[n - 1 - i];
            r->order[n - 1 - i] = t;
        }
        assign_ranks(r->x, r->order, n, r->rx);
    } else {
        average_ranks(r->x, n, r->order, r->tmp, r->rx);
    }
}

/*
 * Pearson correlations of the ranks r->rx with the k results' ranks at once: dy[i k + c] is
 * result c's rank of draw i minus the mean rank, syy[c] the sum of its squares.  Each sum runs
 * over i in order, as a one-pair loop would, so the values are the same bitwise.
 */
static void correlations(ranker *r, const double *dy, const double *syy, double *rho,
                         size_t stride)
{
    double mean = 0.5 * (double)(r->n + 1), sxx = 0;
    size_t i, c, k = r->k;

    for (c = 0; c < k; c++)
        r->sxy[c] = 0;
    for (i = 0; i < r->n; i++) {
        double dx = r->rx[i] - mean;
        const double *d = dy + i * k;

        sxx += dx * dx;
        for (c = 0; c < k; c++)
            r->sxy[c] += dx * d[c];
    }
    for (c = 0; c < k; c++)
        rho[c * stride] = sxx <= 0 || syy[c] <= 0 ? 0 : r->sxy[c] / sqrt(sxx * syy[c]);
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
    double *y = NULL, *ry = NULL, *dy = NULL, *syy = NULL, *rho = NULL;
    double mean = 0.5 * (double)(n + 1);
    size_t *idx = NULL, *tmp = NULL;
    int nthreads = threads > 0 ? threads : omp_get_max_threads(), failed = 0, s, rc = 0;

    res = glca_mallocarray(k * m + 1, sizeof *res);
    rho = glca_mallocarray(k * np + 1, sizeof *rho);
    y = glca_mallocarray(n + 1, sizeof *y);
    ry = glca_mallocarray(n + 1, sizeof *ry);
    dy = glca_mallocarray(n * k + 1, sizeof *dy);
    syy = glca_calloc(k + 1, sizeof *syy);
    idx = glca_mallocarray(big, sizeof *idx);
    tmp = glca_mallocarray(big, sizeof *tmp);
    if (!res || !rho || !y || !ry || !dy || !syy || !idx || !tmp) {
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
        average_ranks(y, n, idx, tmp, ry);
        for (i = 0; i < n; i++) {
            dy[i * k + c] = ry[i] - mean;
            syy[c] += dy[i * k + c] * dy[i * k + c];
        }
    }

    /*
     * Each parameter is independent of the others: one per loop iteration, no reduction.  Its
     * draws are regenerated and ranked once for all k categories, which is most of the work.
     */
#pragma omp parallel num_threads(nthreads)
    {
        ranker r;
        bool ok = ranker_init(&r, n, k);
        long j;

        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 64)
        for (j = 0; j < (long)np; j++) {
            if (!ok)
                continue;
            glca_engine__mc_parameter_words(mc, (size_t)j, r.words, r.x);
            rank_draws(&r);
            correlations(&r, dy, syy, rho + j, np);
        }
        ranker_free(&r);
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
    glca_free(dy);
    glca_free(syy);
    glca_free(idx);
    glca_free(tmp);
    return rc;
}

int glca_sensitivity_compute(glca_sensitivity **out, const glca_montecarlo *mc, size_t c,
                             int threads, glca_error *err)
{
    return glca_sensitivity_compute_many(out, NULL, mc, c, c + 1, 0, threads, err);
}
