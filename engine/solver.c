/*
 * KLU wrapper (see solver.h): int conversion with overflow checks, KLU status codes mapped to
 * glca codes, and singular matrices explained by the columns involved.  Structurally empty
 * rows and columns are found before KLU runs because KLU's own report (one zero pivot) would
 * name an arbitrary column of a large block instead of the process that has no entries.
 */
#include "solver.h"

#include <btf.h>
#include <klu.h>

#include <assert.h>
#include <limits.h>
#include <string.h>

struct glca_engine__solver {
    int n;
    int *ap, *ai; /* pattern of A, KLU's int */
    double *ax;   /* values of A */
    glca_engine__solver_options opts;
    klu_common common;
    klu_symbolic *symbolic;
    klu_numeric *numeric;
    bool valid; /* false after a failed refactor: the factors are partly overwritten */
};

static void add_col(glca_engine__singular *sing, size_t col)
{
    size_t i;

    for (i = 0; i < sing->ncols; i++)
        if (sing->cols[i] == col)
            return;
    if (sing->ncols < GLCA_ENGINE__SINGULAR_MAX)
        sing->cols[sing->ncols++] = col;
    sing->total++;
}

static int klu_failure(const klu_common *c, const char *what, glca_error *err)
{
    switch (c->status) {
    case KLU_OUT_OF_MEMORY:
        return glca_error_oom(err);
    case KLU_TOO_LARGE:
        return glca_error_set(err, GLCA_ELIMIT, NULL, "%s: matrix too large for KLU", what);
    case KLU_SINGULAR:
        return glca_error_set(err, GLCA_ESINGULAR, NULL, "%s: matrix is singular", what);
    default:
        return glca_error_set(err, GLCA_ERROR, NULL, "%s: KLU status %d", what, c->status);
    }
}

/* Rows or columns whose entries are all zero: each makes A singular by itself. */
static void find_empty(const glca_engine__solver *s, glca_engine__singular *sing)
{
    unsigned char *row_used = glca_calloc((size_t)s->n, 1);
    int j, k;

    for (j = 0; j < s->n; j++) {
        bool any = false;

        for (k = s->ap[j]; k < s->ap[j + 1]; k++) {
            if (s->ax[k] != 0) {
                any = true;
                if (row_used)
                    row_used[s->ai[k]] = 1;
            }
        }
        if (!any)
            add_col(sing, (size_t)j);
    }
    for (j = 0; row_used && j < s->n; j++)
        if (!row_used[j])
            add_col(sing, (size_t)j);
    glca_free(row_used);
}

/* The zero-pivot column and the rest of its BTF block. */
static void explain_singular(const glca_engine__solver *s, glca_engine__singular *sing)
{
    const klu_symbolic *sym = s->symbolic;
    int col = s->common.singular_col, pos = -1, b, k;

    find_empty(s, sing);
    if (sing->ncols || col < 0 || col >= s->n)
        return;
    add_col(sing, (size_t)col);
    for (k = 0; k < s->n; k++)
        if (sym->Q[k] == col)
            pos = k;
    if (pos < 0)
        return;
    for (b = 0; b < sym->nblocks; b++) {
        if (sym->R[b] <= pos && pos < sym->R[b + 1]) {
            for (k = sym->R[b]; k < sym->R[b + 1]; k++)
                add_col(sing, (size_t)sym->Q[k]);
            return;
        }
    }
}

static int analyze(glca_engine__solver *s, glca_error *err)
{
    if (s->n == 0 || s->symbolic)
        return 0;
    s->symbolic = klu_analyze(s->n, s->ap, s->ai, &s->common);
    if (!s->symbolic)
        return klu_failure(&s->common, "KLU analysis", err);
    return 0;
}

static int factor(glca_engine__solver *s, glca_engine__singular *sing, glca_error *err)
{
    int rc;

    if (s->n == 0) {
        s->valid = true;
        return 0;
    }
    if ((rc = analyze(s, err)) < 0)
        return rc;
    s->numeric = klu_factor(s->ap, s->ai, s->ax, s->symbolic, &s->common);
    if (!s->numeric) {
        if (s->common.status == KLU_SINGULAR && sing)
            explain_singular(s, sing);
        return klu_failure(&s->common, "KLU factorization", err);
    }
    s->valid = true;
    return 0;
}

static int alloc_solver(glca_engine__solver **out, size_t n, size_t nnz,
                        const glca_engine__solver_options *opts, glca_error *err)
{
    glca_engine__solver *s;

    if (n > (size_t)INT_MAX - 1 || nnz > (size_t)INT_MAX)
        return glca_error_set(err, GLCA_ELIMIT, NULL,
                              "matrix of order %zu with %zu entries is too large for KLU", n, nnz);
    if (!(s = glca_calloc(1, sizeof *s)))
        return glca_error_oom(err);
    s->n = (int)n;
    s->opts = *opts;
    if (!(s->ap = glca_mallocarray(n + 1, sizeof *s->ap)) ||
        !(s->ai = glca_mallocarray(nnz, sizeof *s->ai)) ||
        !(s->ax = glca_mallocarray(nnz, sizeof *s->ax))) {
        glca_engine__solver_free(s);
        return glca_error_oom(err);
    }
    klu_defaults(&s->common);
    s->common.btf = opts->use_btf ? 1 : 0;
    s->common.tol = opts->pivot_tol;
    s->common.halt_if_singular = 1;
    *out = s;
    return 0;
}

long glca_engine__solver_largest_block(const glca_engine__solver *s)
{
    int *p = glca_mallocarray((size_t)s->n + 1, sizeof *p);
    int *q = glca_mallocarray((size_t)s->n + 1, sizeof *q);
    int *r = glca_mallocarray((size_t)s->n + 2, sizeof *r);
    int *work = glca_mallocarray(5 * (size_t)s->n + 1, sizeof *work);
    long largest = -1;
    double done;
    int nblocks, nmatch, b;

    if (p && q && r && work) {
        /* the pattern only: btf_order does not read values */
        nblocks = btf_order(s->n, s->ap, s->ai, 0, &done, p, q, r, &nmatch, work);
        for (largest = 0, b = 0; b < nblocks; b++)
            if (r[b + 1] - r[b] > largest)
                largest = r[b + 1] - r[b];
    }
    glca_free(p);
    glca_free(q);
    glca_free(r);
    glca_free(work);
    return largest;
}

int glca_engine__solver_load(glca_engine__solver **out, const glca_engine__csc *a,
                             const glca_engine__solver_options *opts, glca_error *err)
{
    glca_engine__solver *s = NULL;
    size_t j, k;
    int rc;

    assert(a->nrows == a->ncols);
    if ((rc = alloc_solver(&s, a->ncols, a->nnz, opts, err)) < 0)
        return rc;
    for (j = 0; j <= a->ncols; j++)
        s->ap[j] = (int)a->colptr[j];
    for (k = 0; k < a->nnz; k++) {
        s->ai[k] = (int)a->rowidx[k];
        s->ax[k] = a->values[k];
    }
    *out = s;
    return 0;
}

int glca_engine__solver_analyze_loaded(glca_engine__solver *s, glca_error *err)
{
    return analyze(s, err);
}

int glca_engine__solver_analyze(glca_engine__solver **out, const glca_engine__csc *a,
                                const glca_engine__solver_options *opts, glca_error *err)
{
    glca_engine__solver *s = NULL;
    size_t j, k;
    int rc;

    assert(a->nrows == a->ncols);
    if ((rc = alloc_solver(&s, a->ncols, a->nnz, opts, err)) < 0)
        return rc;
    for (j = 0; j <= a->ncols; j++)
        s->ap[j] = (int)a->colptr[j];
    for (k = 0; k < a->nnz; k++) {
        s->ai[k] = (int)a->rowidx[k];
        s->ax[k] = a->values[k];
    }
    if ((rc = analyze(s, err)) < 0)
        goto cleanup;
    *out = s;
    s = NULL;
cleanup:
    glca_engine__solver_free(s);
    return rc;
}

int glca_engine__solver_factor(glca_engine__solver *s, glca_engine__singular *sing,
                               glca_error *err)
{
    if (sing)
        memset(sing, 0, sizeof *sing);
    if (s->valid)
        return 0;
    return factor(s, sing, err);
}

int glca_engine__solver_new(glca_engine__solver **out, const glca_engine__csc *a,
                            const glca_engine__solver_options *opts, glca_engine__singular *sing,
                            glca_error *err)
{
    glca_engine__solver *s = NULL;
    int rc;

    if (sing)
        memset(sing, 0, sizeof *sing);
    if ((rc = glca_engine__solver_analyze(&s, a, opts, err)) < 0)
        return rc;
    if ((rc = factor(s, sing, err)) < 0)
        goto cleanup;
    *out = s;
    s = NULL;
cleanup:
    glca_engine__solver_free(s);
    return rc;
}

void glca_engine__solver_estimate(const glca_engine__solver *s, double *fill, double *flops)
{
    *fill = *flops = 0;
    if (!s->symbolic)
        return;
    /* KLU estimates lnz and unz from AMD's analysis of each block; est_flops likewise */
    *fill = s->symbolic->lnz + s->symbolic->unz + (double)s->symbolic->nzoff;
    *flops = s->symbolic->est_flops > 0 ? s->symbolic->est_flops : 0;
}

double glca_engine__solver_flops(glca_engine__solver *s)
{
    if (!s->valid || s->n == 0 || !klu_flops(s->symbolic, s->numeric, &s->common))
        return 0;
    return s->common.flops;
}

bool glca_engine__solver_factorized(const glca_engine__solver *s)
{
    return s->valid;
}

size_t glca_engine__solver_fill(const glca_engine__solver *s)
{
    if (!s->numeric)
        return 0;
    return (size_t)s->numeric->lnz + (size_t)s->numeric->unz + (size_t)s->numeric->nzoff;
}

int glca_engine__solver_clone(glca_engine__solver **out, const glca_engine__solver *src,
                              glca_error *err)
{
    glca_engine__solver *s = NULL;
    size_t n = (size_t)src->n, nnz = (size_t)src->ap[src->n];
    int rc;

    if ((rc = alloc_solver(&s, n, nnz, &src->opts, err)) < 0)
        return rc;
    memcpy(s->ap, src->ap, (n + 1) * sizeof *s->ap);
    memcpy(s->ai, src->ai, nnz * sizeof *s->ai);
    memcpy(s->ax, src->ax, nnz * sizeof *s->ax);
    if ((rc = factor(s, NULL, err)) < 0)
        goto cleanup;
    *out = s;
    s = NULL;
cleanup:
    glca_engine__solver_free(s);
    return rc;
}

void glca_engine__solver_free(glca_engine__solver *s)
{
    if (!s)
        return;
    if (s->numeric)
        klu_free_numeric(&s->numeric, &s->common);
    if (s->symbolic)
        klu_free_symbolic(&s->symbolic, &s->common);
    glca_free(s->ap);
    glca_free(s->ai);
    glca_free(s->ax);
    glca_free(s);
}

const glca_engine__solver_options *glca_engine__solver_opts(const glca_engine__solver *s)
{
    return &s->opts;
}

size_t glca_engine__solver_n(const glca_engine__solver *s)
{
    return (size_t)s->n;
}

size_t glca_engine__solver_nnz(const glca_engine__solver *s)
{
    return (size_t)s->ap[s->n];
}

const double *glca_engine__solver_values(const glca_engine__solver *s)
{
    return s->ax;
}

static int solve(glca_engine__solver *s, double *b, size_t nrhs, bool transpose, glca_error *err)
{
    int ok;

    if (s->n == 0 || nrhs == 0)
        return 0;
    if (!s->valid)
        return glca_error_set(err, GLCA_ESINGULAR, NULL, "no valid factorization to solve with");
    if (nrhs > (size_t)INT_MAX)
        return glca_error_set(err, GLCA_ELIMIT, NULL, "too many right-hand sides for KLU");
    ok = transpose ? klu_tsolve(s->symbolic, s->numeric, s->n, (int)nrhs, b, &s->common)
                   : klu_solve(s->symbolic, s->numeric, s->n, (int)nrhs, b, &s->common);
    if (!ok || s->common.status < 0)
        return klu_failure(&s->common, transpose ? "KLU transposed solve" : "KLU solve", err);
    return 0;
}

int glca_engine__solver_solve(glca_engine__solver *s, double *b, size_t nrhs, glca_error *err)
{
    return solve(s, b, nrhs, false, err);
}

int glca_engine__solver_tsolve(glca_engine__solver *s, double *b, size_t nrhs, glca_error *err)
{
    return solve(s, b, nrhs, true, err);
}

int glca_engine__solver_refactor(glca_engine__solver *s, const double *values,
                                 glca_engine__singular *sing, glca_error *err)
{
    if (sing)
        memset(sing, 0, sizeof *sing);
    memcpy(s->ax, values, (size_t)s->ap[s->n] * sizeof *s->ax);
    if (s->n == 0)
        return 0;
    /* After a failed refactor KLU keeps the numeric object usable for another attempt. */
    s->valid = false;
    if (!klu_refactor(s->ap, s->ai, s->ax, s->symbolic, s->numeric, &s->common) ||
        s->common.status != KLU_OK) {
        if (s->common.status == KLU_SINGULAR && sing)
            explain_singular(s, sing);
        return klu_failure(&s->common, "KLU refactorization", err);
    }
    s->valid = true;
    return 0;
}

double glca_engine__solver_rcond(glca_engine__solver *s)
{
    if (s->n == 0)
        return 1;
    if (!s->valid || !klu_rcond(s->symbolic, s->numeric, &s->common))
        return -1;
    return s->common.rcond;
}
