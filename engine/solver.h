/*
 * Sparse LU solves of the technosphere matrix through SuiteSparse KLU.
 *
 * A solver owns int copies of A's pattern and values (KLU takes int indexes; sizes beyond
 * INT_MAX are GLCA_ELIMIT), the symbolic analysis (BTF + AMD ordering) and the numeric
 * factorization.  Use from later modules:
 *
 *   - many right-hand sides at once: glca_engine__solver_solve / _tsolve with nrhs > 1 (KLU
 *     processes them four at a time; Lambda uses one tsolve with nrhs = k);
 *   - Monte Carlo: perturb the values on the SAME pattern (glca_engine__solver_values gives
 *     the order: CSC of A as built by sparse.c) and call glca_engine__solver_refactor, which
 *     reuses the symbolic analysis and the memory of the factors (klu_refactor keeps the pivot
 *     order chosen by the nominal factorization; if a perturbed matrix needs another pivot
 *     order KLU may report it singular, then refactor from scratch with _solver_new);
 *   - threads: a solve writes workspace inside the numeric object and the KLU Common, so one
 *     solver serves one thread at a time; glca_engine__solver_clone gives an independent one.
 *
 * Singularity is GLCA_ESINGULAR with the offending columns in a glca_engine__singular: the
 * zero-pivot column first, then the other columns of its BTF block (the set of processes that
 * supply each other and whose balance fails), or all-zero rows and columns found before KLU
 * ran.  The caller turns columns into process ids.
 */
#ifndef GLCA_ENGINE_SOLVER_H
#define GLCA_ENGINE_SOLVER_H

#include <glca/engine.h>

#include "sparse.h"

typedef struct glca_engine__solver glca_engine__solver;

typedef struct glca_engine__solver_options {
    bool use_btf;
    double pivot_tol;
} glca_engine__solver_options;

#define GLCA_ENGINE__SOLVER_OPTIONS_INIT {true, 0.001}

#define GLCA_ENGINE__SINGULAR_MAX 8

typedef struct glca_engine__singular {
    size_t ncols;                         /* entries used in cols */
    size_t cols[GLCA_ENGINE__SINGULAR_MAX]; /* columns (= processes) involved */
    size_t total;                         /* how many are involved, >= ncols */
} glca_engine__singular;

/**
 * Analyze and factorize the square matrix `a` (copied).  `sing` (may be NULL) is filled on
 * GLCA_ESINGULAR.  Other failures: GLCA_ENOMEM, GLCA_ELIMIT (too large for KLU's int).
 */
int glca_engine__solver_new(glca_engine__solver **out, const glca_engine__csc *a,
                            const glca_engine__solver_options *opts, glca_engine__singular *sing,
                            glca_error *err);
void glca_engine__solver_free(glca_engine__solver *s);

/** A copy of `a` ready to analyze (glca_engine__solver_factor analyzes first if needed). */
int glca_engine__solver_load(glca_engine__solver **out, const glca_engine__csc *a,
                             const glca_engine__solver_options *opts, glca_error *err);
/** The symbolic analysis of a loaded solver (nothing if done already). */
int glca_engine__solver_analyze_loaded(glca_engine__solver *s, glca_error *err);
/** Order of the largest block of the block triangular form (BTF, O(nnz)); -1 out of memory. */
long glca_engine__solver_largest_block(const glca_engine__solver *s);

/**
 * The symbolic analysis only (BTF + AMD ordering, cheap): glca_engine__solver_estimate tells
 * what the factorization would cost, glca_engine__solver_factor does it.  No solve before that.
 */
int glca_engine__solver_analyze(glca_engine__solver **out, const glca_engine__csc *a,
                                const glca_engine__solver_options *opts, glca_error *err);
/** Factorize an analyzed solver (nothing if already factorized); errors as _new. */
int glca_engine__solver_factor(glca_engine__solver *s, glca_engine__singular *sing,
                               glca_error *err);
/** AMD's estimates of the entries of L + U (+ off-diagonal blocks) and the factor's flops. */
void glca_engine__solver_estimate(const glca_engine__solver *s, double *fill, double *flops);
/** Flops of the numeric factorization (what a refactorization costs), 0 if none. */
double glca_engine__solver_flops(glca_engine__solver *s);
/** Whether a valid factorization exists (not only the analysis). */
bool glca_engine__solver_factorized(const glca_engine__solver *s);
/** Entries of L + U + off-diagonal blocks of the factorization, 0 before it. */
size_t glca_engine__solver_fill(const glca_engine__solver *s);

/** An independent solver of the same matrix (its own factorization), e.g. one per thread. */
int glca_engine__solver_clone(glca_engine__solver **out, const glca_engine__solver *s,
                              glca_error *err);

/** The options the solver was made with (borrowed). */
const glca_engine__solver_options *glca_engine__solver_opts(const glca_engine__solver *s);
size_t glca_engine__solver_n(const glca_engine__solver *s);
size_t glca_engine__solver_nnz(const glca_engine__solver *s);
/** The current values of A in CSC order (nnz entries), read-only. */
const double *glca_engine__solver_values(const glca_engine__solver *s);

/** A X = B in place; B is n × nrhs, column-major (column j at b + j·n). */
int glca_engine__solver_solve(glca_engine__solver *s, double *b, size_t nrhs, glca_error *err);
/** A^T X = B in place; layout as glca_engine__solver_solve. */
int glca_engine__solver_tsolve(glca_engine__solver *s, double *b, size_t nrhs, glca_error *err);

/**
 * Replace A's values (nnz entries, same pattern and order as the matrix given to _new) and
 * refactorize with the existing symbolic analysis and pivot order.  On GLCA_ESINGULAR the
 * solver keeps its memory but must be refactored successfully before the next solve.
 */
int glca_engine__solver_refactor(glca_engine__solver *s, const double *values,
                                 glca_engine__singular *sing, glca_error *err);

/** KLU's cheap reciprocal condition estimate (min |U_ii| / max |U_ii|), or -1 on failure. */
double glca_engine__solver_rcond(glca_engine__solver *s);

#endif
