/*
 * Triplet collection and compression to CSC (see sparse.h).  Compression is a counting sort by
 * column (stable, so each column keeps insertion order), then a stable merge sort of each
 * column by row, then summation of equal rows in that order.  LCA columns are short (a process
 * has tens of inputs), so the per-column sort is cheap and the whole is O(nnz log c).
 */
#include "sparse.h"

#include <assert.h>
#include <math.h>
#include <string.h>

void glca_engine__triplets_init(glca_engine__triplets *t, size_t nrows, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->nrows = nrows;
    t->ncols = ncols;
}

int glca_engine__triplets_add(glca_engine__triplets *t, size_t row, size_t col, double val)
{
    assert(row < t->nrows && col < t->ncols);
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        size_t *r = glca_reallocarray(t->row, cap, sizeof *r);
        size_t *c;
        double *v;

        if (!r)
            return GLCA_ENOMEM;
        t->row = r;
        if (!(c = glca_reallocarray(t->col, cap, sizeof *c)))
            return GLCA_ENOMEM;
        t->col = c;
        if (!(v = glca_reallocarray(t->val, cap, sizeof *v)))
            return GLCA_ENOMEM;
        t->val = v;
        t->cap = cap;
    }
    t->row[t->n] = row;
    t->col[t->n] = col;
    t->val[t->n] = val;
    t->n++;
    return 0;
}

void glca_engine__triplets_free(glca_engine__triplets *t)
{
    glca_free(t->row);
    glca_free(t->col);
    glca_free(t->val);
    t->row = t->col = NULL;
    t->val = NULL;
    t->n = t->cap = 0;
}

void glca_engine__csc_free(glca_engine__csc *a)
{
    if (!a)
        return;
    glca_free(a->colptr);
    glca_free(a->rowidx);
    glca_free(a->values);
    glca_free(a);
}

/* Stable sort of triplet positions idx[0..n) by row, using tmp[0..n). */
static void sort_by_row(size_t *idx, size_t *tmp, size_t n, const size_t *row)
{
    size_t half, i, j, k;

    if (n <= 16) {
        for (i = 1; i < n; i++) {
            size_t v = idx[i];

            for (j = i; j > 0 && row[idx[j - 1]] > row[v]; j--)
                idx[j] = idx[j - 1];
            idx[j] = v;
        }
        return;
    }
    half = n / 2;
    sort_by_row(idx, tmp, half, row);
    sort_by_row(idx + half, tmp, n - half, row);
    for (i = 0, j = half, k = 0; i < half && j < n;)
        tmp[k++] = row[idx[j]] < row[idx[i]] ? idx[j++] : idx[i++];
    while (i < half)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

int glca_engine__csc_from_triplets(glca_engine__csc **out, const glca_engine__triplets *t,
                                   glca_error *err)
{
    glca_engine__csc *a = NULL;
    size_t *next = NULL, *idx = NULL, *tmp = NULL;
    size_t i, c, nnz = 0;
    int rc = 0;

    if (!(a = glca_calloc(1, sizeof *a)) ||
        !(a->colptr = glca_calloc(t->ncols + 1, sizeof *a->colptr)) ||
        !(next = glca_calloc(t->ncols + 1, sizeof *next)) ||
        !(idx = glca_mallocarray(t->n, sizeof *idx)) ||
        !(tmp = glca_mallocarray(t->n, sizeof *tmp)) ||
        !(a->rowidx = glca_mallocarray(t->n, sizeof *a->rowidx)) ||
        !(a->values = glca_mallocarray(t->n, sizeof *a->values))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    a->nrows = t->nrows;
    a->ncols = t->ncols;
    /* counting sort by column: next[c] = first slot of column c, then its fill pointer */
    for (i = 0; i < t->n; i++)
        next[t->col[i] + 1]++;
    next[0] = 0;
    for (c = 0; c < t->ncols; c++)
        next[c + 1] += next[c];
    for (i = 0; i < t->n; i++)
        idx[next[t->col[i]]++] = i;
    /* next[c] is now the end of column c; columns are contiguous in idx */
    for (c = 0; c < t->ncols; c++) {
        size_t begin = c ? next[c - 1] : 0, end = next[c];

        sort_by_row(idx + begin, tmp, end - begin, t->row);
        a->colptr[c] = nnz;
        for (i = begin; i < end; i++) {
            size_t k = idx[i];

            if (i > begin && a->rowidx[nnz - 1] == t->row[k]) {
                a->values[nnz - 1] += t->val[k];
            } else {
                a->rowidx[nnz] = t->row[k];
                a->values[nnz] = t->val[k];
                nnz++;
            }
        }
    }
    a->colptr[t->ncols] = nnz;
    a->nnz = nnz;
    *out = a;
    a = NULL;
cleanup:
    glca_free(next);
    glca_free(idx);
    glca_free(tmp);
    glca_engine__csc_free(a);
    return rc;
}

void glca_engine__csc_mv(const glca_engine__csc *a, const double *x, double *y)
{
    size_t c, k;

    for (k = 0; k < a->nrows; k++)
        y[k] = 0;
    for (c = 0; c < a->ncols; c++)
        for (k = a->colptr[c]; k < a->colptr[c + 1]; k++)
            y[a->rowidx[k]] += a->values[k] * x[c];
}

void glca_engine__csc_tmv(const glca_engine__csc *a, const double *x, double *y)
{
    size_t c, k;

    for (c = 0; c < a->ncols; c++) {
        double s = 0;

        for (k = a->colptr[c]; k < a->colptr[c + 1]; k++)
            s += a->values[k] * x[a->rowidx[k]];
        y[c] = s;
    }
}

double glca_engine__csc_norm1(const glca_engine__csc *a)
{
    double norm = 0;
    size_t c, k;

    for (c = 0; c < a->ncols; c++) {
        double s = 0;

        for (k = a->colptr[c]; k < a->colptr[c + 1]; k++)
            s += fabs(a->values[k]);
        if (s > norm)
            norm = s;
    }
    return norm;
}

long glca_engine__csc_find(const glca_engine__csc *a, size_t row, size_t col)
{
    size_t lo = a->colptr[col], hi = a->colptr[col + 1];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (a->rowidx[mid] < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->colptr[col + 1] && a->rowidx[lo] == row ? (long)lo : -1;
}
