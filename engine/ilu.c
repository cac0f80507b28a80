/*
 * Incomplete LU of A^T by levels of fill with dropping (krylov.h): the preconditioner of
 * Lambda's GMRES (background_lambda.c, ILU(1) with dropping) and of Monte Carlo's
 * (montecarlo_solve.c, ILU(0)).
 *
 * The rows of A^T are the columns of A in CSC, so no transposition is needed.  Levels as in
 * Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., section 10.3.3: A's entries have
 * level 0, and eliminating row i's entry (i, k) with row k of U creates (i, j) at level
 * lev(i, k) + lev(k, j) + 1, kept when that is at most the level asked for.  Each row is made
 * in one pass, the IKJ variant (Algorithm 10.4): its pattern is a sorted linked list walked in
 * ascending order while fill is inserted behind the cursor, each row k of U merged in one
 * sweep.  With level 0 the factors are ILU(0)'s bit for bit.
 *
 * On the realistic backgrounds level 1 alone keeps ~9 entries per entry of A (every producer
 * buys from the same market hubs), so fill is also dropped by magnitude, as ILUT does (Saad,
 * Algorithm 10.7), but measured in D A^T D^-1 with D balancing the matrix (balance): a good
 * counted in grams would otherwise lose all its fill to one counted in tonnes.
 *
 * Indices are 32-bit: the triangular solves stream every index once per application, and at
 * 250,000 processes the half saved is a fifth of the bytes a GMRES step reads.  A matrix with
 * more entries than that fails with a clear error, which the caller treats as a failed ILU.
 */
#include "krylov.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* A pivot below this fraction of its row's largest entry in A^T is treated as zero: the
   factors would amplify rounding by more than the backward error GMRES must reach. */
#define TINY_PIVOT 1e-14
#define NONE UINT32_MAX
/* Osborne sweeps for the drop test's scaling: each brings the sums within a factor of ~2. */
#define BALANCE_SWEEPS 8

struct glca_engine__ilu {
    size_t n;
    uint32_t *rowptr, *col; /* the pattern of L + U, rows ascending */
    uint32_t *diag;         /* position of the diagonal in each row */
    double *val;            /* L (below the diagonal, unit diagonal implied) and U */
};

void glca_engine__ilu_free(glca_engine__ilu *f)
{
    if (!f)
        return;
    glca_free(f->rowptr);
    glca_free(f->col);
    glca_free(f->diag);
    glca_free(f->val);
    glca_free(f);
}

size_t glca_engine__ilu_nnz(const glca_engine__ilu *f)
{
    return f->rowptr[f->n];
}

/* room for `need` entries in col, lev and val (growing by half); 0 or GLCA_ENOMEM */
static int reserve(glca_engine__ilu *f, uint8_t **lev, size_t *cap, size_t need, glca_error *err)
{
    size_t c = *cap;
    void *p;

    if (need <= c)
        return 0;
    while (c < need)
        c = c + c / 2 + 16;
    if (!(p = glca_reallocarray(f->col, c, sizeof *f->col)))
        return glca_error_oom(err);
    f->col = p;
    if (!(p = glca_reallocarray(f->val, c, sizeof *f->val)))
        return glca_error_oom(err);
    f->val = p;
    if (!(p = glca_reallocarray(*lev, c, sizeof **lev)))
        return glca_error_oom(err);
    *lev = p;
    *cap = c;
    return 0;
}

/*
 * Weights s_j = 1 / d_j of a diagonal D that balances D A^T D^-1 (row and column sums of the
 * off-diagonal magnitudes equal, Osborne's iteration, all rows at once): the drop test compares
 * the entries of that matrix, so the fill kept does not depend on the units of the goods.
 */
static int balance(double *s, const glca_engine__csc *a, glca_error *err)
{
    const size_t n = a->ncols;
    double *r = NULL, *c = NULL;
    size_t i, p, sweep;

    if (!(r = glca_mallocarray(n + 1, sizeof *r)) || !(c = glca_mallocarray(n + 1, sizeof *c))) {
        glca_free(r);
        return glca_error_oom(err);
    }
    for (i = 0; i < n; i++)
        s[i] = 1;
    for (sweep = 0; sweep < BALANCE_SWEEPS; sweep++) {
        memset(r, 0, n * sizeof *r);
        memset(c, 0, n * sizeof *c);
        for (i = 0; i < n; i++)
            for (p = a->colptr[i]; p < a->colptr[i + 1]; p++)
                if (a->rowidx[p] != i) {
                    const double v = fabs(a->values[p]) * s[a->rowidx[p]] / s[i];

                    r[i] += v;
                    c[a->rowidx[p]] += v;
                }
        for (i = 0; i < n; i++)
            if (r[i] > 0 && c[i] > 0 && isfinite(r[i]) && isfinite(c[i]))
                s[i] /= sqrt(c[i] / r[i]);
    }
    glca_free(r);
    glca_free(c);
    return 0;
}

/*
 * Row by row: the pattern of row i (a sorted list, head next[n], end n) grows while the row is
 * eliminated in ascending order, since fill at j comes only from rows k < j.  Fill is dropped
 * when its magnitude is below `drop` times the row's largest entry in A^T; entries of A are
 * always kept, so level 0 is ILU(0) whatever `drop` is.  A fill entry is created by an update
 * at least that large and then collects the later, smaller ones.
 */
static int factor(glca_engine__ilu *f, const glca_engine__csc *a, unsigned level, double drop,
                  const double *s, size_t cap, glca_error *err)
{
    const size_t n = f->n;
    uint32_t *next = NULL;
    uint8_t *lev = NULL, *rowlev = NULL;
    double *w = NULL;
    size_t i, p, have = 0, used = 0;
    int rc = 0;

    if (!(next = glca_mallocarray(n + 1, sizeof *next)) ||
        !(rowlev = glca_mallocarray(n + 1, sizeof *rowlev)) ||
        !(w = glca_mallocarray(n + 1, sizeof *w))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < n; i++)
        rowlev[i] = UINT8_MAX; /* not in the current row */
    f->rowptr[0] = 0;
    for (i = 0; i < n; i++) {
        const uint32_t head = (uint32_t)n;
        uint32_t at = head, k;
        size_t len = 0;
        double big = 0, d;

        for (p = a->colptr[i]; p < a->colptr[i + 1]; p++) {
            next[at] = (uint32_t)a->rowidx[p];
            at = next[at];
            rowlev[at] = 0;
            w[at] = a->values[p];
            if (fabs(w[at]) * s[at] > big)
                big = fabs(w[at]) * s[at];
            len++;
        }
        next[at] = (uint32_t)n;
        for (k = next[head]; k < i; k = next[k]) {
            const unsigned lk = rowlev[k];
            const double lik = w[k] / f->val[f->diag[k]];

            w[k] = lik;
            if (lk > 0 && fabs(lik * f->val[f->diag[k]]) * s[k] < drop * big)
                continue; /* dropped when the row is stored */
            at = k;
            for (p = f->diag[k] + 1; p < f->rowptr[k + 1]; p++) {
                const uint32_t j = f->col[p];
                const unsigned lj = lk + lev[p] + 1;

                if (rowlev[j] != UINT8_MAX) {
                    w[j] -= lik * f->val[p];
                    if (lj < rowlev[j])
                        rowlev[j] = (uint8_t)lj;
                    continue;
                }
                /* fill starts only from an update that would itself be kept: most of the
                   level-1 candidates through a market's row are negligible, and inserting
                   them first would cost more than the factorization */
                if (lj > level || fabs(lik * f->val[p]) * s[j] < drop * big)
                    continue;
                while (next[at] < j)
                    at = next[at];
                next[j] = next[at];
                next[at] = j;
                rowlev[j] = (uint8_t)lj;
                w[j] = -lik * f->val[p];
                len++;
                at = j;
            }
        }
        if (used + len > cap || used + len >= UINT32_MAX) {
            rc = glca_error_set(err, GLCA_ERROR, NULL,
                                "ILU(%u): more than %zu entries by row %zu of %zu", level,
                                cap < UINT32_MAX ? cap : (size_t)UINT32_MAX - 1, i, n);
            goto cleanup;
        }
        if ((rc = reserve(f, &lev, &have, used + len, err)) < 0)
            goto cleanup;
        f->diag[i] = NONE;
        for (k = next[head]; k < n; k = next[k]) {
            const unsigned lj = rowlev[k];

            rowlev[k] = UINT8_MAX;
            if (k == i)
                f->diag[i] = (uint32_t)used;
            else if (lj > 0 && fabs(k < i ? w[k] * f->val[f->diag[k]] : w[k]) * s[k] < drop * big)
                continue;
            f->col[used] = k;
            f->val[used] = w[k];
            lev[used++] = (uint8_t)lj;
        }
        f->rowptr[i + 1] = (uint32_t)used;
        if (f->diag[i] == NONE) {
            rc = glca_error_set(err, GLCA_ESINGULAR, NULL, "ILU: no diagonal in row %zu", i);
            goto cleanup;
        }
        d = f->val[f->diag[i]];
        if (!(fabs(d) * s[i] > TINY_PIVOT * big) || !isfinite(d)) {
            rc = glca_error_set(err, GLCA_ESINGULAR, NULL, "ILU(%u): %s pivot in row %zu", level,
                                d == 0 ? "zero" : "tiny", i);
            goto cleanup;
        }
    }
cleanup:
    glca_free(next);
    glca_free(rowlev);
    glca_free(lev);
    glca_free(w);
    return rc;
}

int glca_engine__ilu_new_opts(glca_engine__ilu **out, const glca_engine__csc *a,
                              const glca_engine__ilu_options *opts, glca_error *err)
{
    const size_t n = a->ncols;
    const unsigned level = opts->level < UINT8_MAX - 1 ? opts->level : UINT8_MAX - 2;
    glca_engine__ilu *f = NULL;
    double *s = NULL;
    size_t cap = SIZE_MAX, i;
    int rc = 0;

    assert(opts->version == 1);
    if (opts->max_fill > 0 && (double)a->nnz * opts->max_fill < (double)SIZE_MAX)
        cap = (size_t)((double)a->nnz * opts->max_fill);
    if (n >= UINT32_MAX || a->nnz >= UINT32_MAX)
        return glca_error_set(err, GLCA_ERROR, NULL,
                              "ILU: %zu processes and %zu entries exceed 32-bit indices", n,
                              a->nnz);
    if (!(f = glca_calloc(1, sizeof *f)) ||
        !(f->rowptr = glca_mallocarray(n + 1, sizeof *f->rowptr)) ||
        !(f->diag = glca_mallocarray(n + 1, sizeof *f->diag))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    f->n = n;
    if (!(s = glca_mallocarray(n + 1, sizeof *s))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if (level > 0 && opts->drop > 0) {
        if ((rc = balance(s, a, err)) < 0)
            goto cleanup;
    } else {
        for (i = 0; i < n; i++)
            s[i] = 1;
    }
    if ((rc = factor(f, a, level, opts->drop, s, cap, err)) < 0)
        goto cleanup;
    *out = f;
    f = NULL;
cleanup:
    glca_free(s);
    glca_engine__ilu_free(f);
    return rc;
}

int glca_engine__ilu_new(glca_engine__ilu **out, const glca_engine__csc *a, glca_error *err)
{
    const glca_engine__ilu_options opts = GLCA_ENGINE__ILU_OPTIONS_INIT;

    return glca_engine__ilu_new_opts(out, a, &opts, err);
}

void glca_engine__ilu_solve(const glca_engine__ilu *f, double *x)
{
    size_t i, p;

    for (i = 0; i < f->n; i++) {
        double s = x[i];

        for (p = f->rowptr[i]; p < f->diag[i]; p++)
            s -= f->val[p] * x[f->col[p]];
        x[i] = s;
    }
    for (i = f->n; i-- > 0;) {
        double s = x[i];

        for (p = f->diag[i] + 1; p < f->rowptr[i + 1]; p++)
            s -= f->val[p] * x[f->col[p]];
        x[i] = s / f->val[f->diag[i]];
    }
}

void glca_engine__ilu_tsolve(const glca_engine__ilu *f, double *x)
{
    size_t i, p;

    /* U^T y = x: U^T is lower triangular, its columns are U's rows */
    for (i = 0; i < f->n; i++) {
        const double yi = x[i] / f->val[f->diag[i]];

        x[i] = yi;
        for (p = f->diag[i] + 1; p < f->rowptr[i + 1]; p++)
            x[f->col[p]] -= f->val[p] * yi;
    }
    /* L^T z = y: unit upper triangular, its columns are L's rows */
    for (i = f->n; i-- > 0;) {
        const double zi = x[i];

        for (p = f->rowptr[i]; p < f->diag[i]; p++)
            x[f->col[p]] -= f->val[p] * zi;
    }
}

/* glca_engine__ilu_solve_multi for a width the caller may make a constant */
static inline void solve_multi(const glca_engine__ilu *f, double *restrict x, size_t width)
{
    const uint32_t *restrict col = f->col;
    const double *restrict val = f->val;
    const size_t ahead = GLCA_ENGINE__PREFETCH_AHEAD, nnz = f->rowptr[f->n];
    size_t i, p, c;

    /* the order of each vector's sums is glca_engine__ilu_solve's; the prefetches look ahead
       in the order the entries are read, rows up and rows down (krylov.h) */
    for (i = 0; i < f->n; i++) {
        double *xi = x + i * width;

        for (p = f->rowptr[i]; p < f->diag[i]; p++) {
            const double l = val[p], *xk = x + (size_t)col[p] * width;

            if (p + ahead < nnz)
                __builtin_prefetch(x + (size_t)col[p + ahead] * width);
#pragma omp simd
            for (c = 0; c < width; c++)
                xi[c] -= l * xk[c];
        }
    }
    for (i = f->n; i-- > 0;) {
        double *xi = x + i * width;
        const double d = val[f->diag[i]];

        for (p = f->diag[i] + 1; p < f->rowptr[i + 1]; p++) {
            const double u = val[p], *xk = x + (size_t)col[p] * width;

            if (p >= ahead)
                __builtin_prefetch(x + (size_t)col[p - ahead] * width);
#pragma omp simd
            for (c = 0; c < width; c++)
                xi[c] -= u * xk[c];
        }
        for (c = 0; c < width; c++)
            xi[c] /= d;
    }
}

void glca_engine__ilu_solve_multi(const glca_engine__ilu *f, double *x, size_t width)
{
    if (width == GLCA_ENGINE__MULTI_WIDTH)
        solve_multi(f, x, GLCA_ENGINE__MULTI_WIDTH);
    else
        solve_multi(f, x, width);
}
