/*
 * Sparse matrices for the engine: triplet (coordinate) collection and compressed sparse
 * column (CSC) storage, the format KLU factorizes.  Indexes are size_t here; solver.c converts
 * to KLU's int with an overflow check.
 *
 * Duplicates are summed in insertion order, so the same triplets always give the bitwise same
 * matrix.  Explicit zeros are kept: the pattern of A must not depend on its values, because
 * Monte Carlo refactors perturbed values on the same symbolic analysis.
 */
#ifndef GLCA_ENGINE_SPARSE_H
#define GLCA_ENGINE_SPARSE_H

#include <glca/engine.h>

typedef struct glca_engine__triplets {
    size_t nrows, ncols;
    size_t n, cap;
    size_t *row, *col;
    double *val;
} glca_engine__triplets;

typedef struct glca_engine__csc {
    size_t nrows, ncols, nnz;
    size_t *colptr; /* ncols + 1 */
    size_t *rowidx; /* nnz, ascending within each column, no duplicates */
    double *values; /* nnz */
} glca_engine__csc;

/** An empty nrows × ncols collection (no allocation until the first add). */
void glca_engine__triplets_init(glca_engine__triplets *t, size_t nrows, size_t ncols);
/** Append one entry; asserts the indexes are in range.  Returns 0 or GLCA_ENOMEM. */
int glca_engine__triplets_add(glca_engine__triplets *t, size_t row, size_t col, double val);
void glca_engine__triplets_free(glca_engine__triplets *t);

/** Compress `t` into a new CSC matrix, summing duplicates: O(nnz log(max column count)). */
int glca_engine__csc_from_triplets(glca_engine__csc **out, const glca_engine__triplets *t,
                                   glca_error *err);
void glca_engine__csc_free(glca_engine__csc *a);

/** y = A x (y has nrows entries, overwritten). */
void glca_engine__csc_mv(const glca_engine__csc *a, const double *x, double *y);
/** y = A^T x (y has ncols entries, overwritten). */
void glca_engine__csc_tmv(const glca_engine__csc *a, const double *x, double *y);
/** The 1-norm (largest absolute column sum). */
double glca_engine__csc_norm1(const glca_engine__csc *a);
/** Index of entry (row, col) in values, or -1 if not stored (binary search in the column). */
long glca_engine__csc_find(const glca_engine__csc *a, size_t row, size_t col);

#endif
