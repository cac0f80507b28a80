/*
 * Iterative solves for the backgrounds where a sparse LU fills in (a giant strongly connected
 * component with market hubs): restarted GMRES with right preconditioning, and an incomplete LU
 * of A^T by levels of fill with dropping (ilu.c).  The direct solver stays KLU (solver.h); these
 * are used by Lambda (background_lambda.c: A^T y = (C·B)^T_c preconditioned by ILU(1), the
 * categories in lockstep blocks, krylov_multi.c) and by Monte Carlo (montecarlo.c: the
 * perturbed A preconditioned by the nominal KLU factors or by ILU(0)).
 *
 * Residuals are weighted: GMRES minimizes ||w ∘ (b - Op x)||_2 with w_i = 1 / (|Op| |x0| + |b|)_i
 * from a first approximation x0, which is the componentwise backward error when x0 is close to
 * x.  An unweighted 2-norm would be dominated by the rows of the largest products (a machine
 * next to a kilowatt-hour is 10^5 times larger) and leave the small ones inaccurate; weighted,
 * the result is as accurate componentwise as a backward-stable direct solve.  The caller checks
 * the true componentwise backward error of what it accepts (glca_engine__backward_error).
 */
#ifndef GLCA_ENGINE_KRYLOV_H
#define GLCA_ENGINE_KRYLOV_H

#include <glca/engine.h>

#include "sparse.h"

/*
 * Sums over the rows (the dot products and norms of the Arnoldi process, the row sums of A x by
 * rows) run in GLCA_ENGINE__PARTIALS independent partial sums: term t of a sum goes to partial
 * t mod 4 and the partials are added as (s0 + s1) + (s2 + s3).  One chain of dependent additions
 * ran at one add per latency of the adder (GCC at -O2 may not reorder a double sum); four
 * chains keep it busy.  The order is fixed, so results do not depend on threads or blocks, and
 * krylov_draws.c sums in exactly this order so that a block's draws stay bitwise krylov.c's.
 */
#define GLCA_ENGINE__PARTIALS 4

/** u . v (n entries each) in the partial sums above. */
double glca_engine__dot(const double *u, const double *v, size_t n);

/** The operator and preconditioner of one GMRES solve. */
typedef struct glca_engine__krylov_ops {
    /** y = Op x (n entries each); also y_abs = |Op| |x| when y_abs is not NULL. */
    void (*apply)(void *payload, const double *x, double *y, double *y_abs);
    /** x := M^-1 x in place; 0 or a negative glca_code. */
    int (*precond)(void *payload, double *x, glca_error *err);
    void *payload;
} glca_engine__krylov_ops;

typedef struct glca_engine__gmres glca_engine__gmres;

/** Workspace for GMRES(restart) on systems of order n; one per thread. */
int glca_engine__gmres_new(glca_engine__gmres **out, size_t n, int restart, glca_error *err);
void glca_engine__gmres_free(glca_engine__gmres *g);

/**
 * Solve Op x = b.  x holds the initial guess on entry (e.g. M^-1 b) and the solution on return;
 * the weights come from it.  Stops when the componentwise backward error of the true residual,
 * max_i |b - Op x|_i / (|Op| |x| + |b|)_i, is at most `tol`, or after `max_iter` iterations.
 * `*iters` (may be NULL) receives the iterations used, `*omega` (may be NULL) the final backward
 * error.  Returns 1 if converged, 0 if not, or a negative glca_code from the preconditioner.
 */
int glca_engine__gmres_solve(glca_engine__gmres *g, const glca_engine__krylov_ops *ops,
                             const double *b, double *x, double tol, int max_iter,
                             size_t *iters, double *omega, glca_error *err);

/**
 * As glca_engine__gmres_solve with fixed weights w >= 0 and a goal-oriented stop: the estimate
 * sum_i w_i |b - Op x|_i is at most `tol`.  With w_i = max_c |Lambda_ci| / (the total of
 * category c), the estimate bounds the relative error of every category's total to first order
 * (the error of C B x is Lambda r), which is what Monte Carlo keeps; rows no total depends on
 * (w_i = 0) need not converge.  Returns as glca_engine__gmres_solve; `*estimate` may be NULL.
 */
int glca_engine__gmres_solve_weighted(glca_engine__gmres *g, const glca_engine__krylov_ops *ops,
                                      const double *b, double *x, const double *w, double tol,
                                      int max_iter, size_t *iters, double *estimate,
                                      glca_error *err);

/** Componentwise backward error from r = b - Op x and t = |Op| |x| + |b|. */
double glca_engine__backward_error(const double *r, const double *t, size_t n);

/** Incomplete LU of A^T (ilu.c): L unit lower triangular, L + U on a pattern chosen by levels. */
typedef struct glca_engine__ilu glca_engine__ilu;

typedef struct glca_engine__ilu_options {
    int version;
    /** Levels of fill: 0 keeps the pattern of A^T (ILU(0)), 1 adds the fill of fill-free
        eliminations (ILU(1)), and so on. */
    unsigned level;
    /** Fill smaller than drop times its row's largest entry of A^T is dropped. */
    double drop;
    /** Give up (GLCA_ERROR) past max_fill · nnz(A) entries; 0 for no limit. */
    double max_fill;
} glca_engine__ilu_options;
#define GLCA_ENGINE__ILU_OPTIONS_INIT {1, 0, 0, 0}

/**
 * Factorize A^T incompletely (a is n × n with every diagonal entry stored, as the background's
 * A is).  GLCA_ESINGULAR on a zero, tiny or non-finite pivot, GLCA_ERROR past the fill limit or
 * 2^32 - 1 entries: the caller preconditions less or solves directly instead.
 */
int glca_engine__ilu_new_opts(glca_engine__ilu **out, const glca_engine__csc *a,
                              const glca_engine__ilu_options *opts, glca_error *err);
/** ILU(0): glca_engine__ilu_new_opts with the default options. */
int glca_engine__ilu_new(glca_engine__ilu **out, const glca_engine__csc *a, glca_error *err);
void glca_engine__ilu_free(glca_engine__ilu *f);
/** Entries of L + U (the unit diagonal of L not counted). */
size_t glca_engine__ilu_nnz(const glca_engine__ilu *f);
/** x := (L U)^-1 x in place, read-only on f (safe from several threads). */
void glca_engine__ilu_solve(const glca_engine__ilu *f, double *x);
/** x := (L U)^-T x in place: the preconditioner of A itself (A = (A^T)^T ~ U^T L^T). */
void glca_engine__ilu_tsolve(const glca_engine__ilu *f, double *x);

/*
 * Several systems with the same operator advanced in lockstep (krylov_multi.c): vectors are
 * interleaved, entry i of system c at [i * width + c], so one pass over the operator's and the
 * preconditioner's entries serves every system.  Each system's arithmetic is that of its own
 * GMRES (its sums run over i in the same order, its cycles end on its own estimate and it
 * leaves when its own true backward error is met), so a result does not depend on the width,
 * on which systems share a block or on how blocks go to threads.
 */
typedef struct glca_engine__krylov_multi_ops {
    /** y = Op x for `width` interleaved vectors; also y_abs = |Op| |x| if not NULL. */
    void (*apply)(void *payload, const double *x, double *y, double *y_abs, size_t width);
    /** x := M^-1 x for `width` interleaved vectors, in place. */
    void (*precond)(void *payload, double *x, size_t width);
    void *payload;
} glca_engine__krylov_multi_ops;

/** Column 2-norms of n × width interleaved vectors, each sum in the order of i. */
void glca_engine__lockstep_norms(const double *v, size_t n, size_t width, double *out);
/** u[:, c] /= s[c] in one pass (s[c] = 1 leaves a system exactly as it is). */
void glca_engine__lockstep_scale(double *u, size_t n, size_t width, const double *s);
/**
 * One Givens step of a system at iteration j: hj its Hessenberg column j (with hn, the new
 * vector's norm, below the diagonal), cs, sn its rotations, g its rotated residual.  0 if its
 * cycle goes on, 1 if it ends here; *used becomes j + 1 unless the rotation broke down.
 */
int glca_engine__lockstep_givens(double *hj, double *cs, double *sn, double *g, size_t j, double hn,
                                 double tol, int *used);

typedef struct glca_engine__gmres_multi glca_engine__gmres_multi;

/** The width the kernels are specialized for (blocks of it run fastest). */
#define GLCA_ENGINE__MULTI_WIDTH 8

/*
 * Entries ahead whose row of x a lockstep sparse loop (A^T·X, the ILU solves) prefetches: the
 * rows it gathers are in no useful order and X (n × width doubles) is far larger than L2, so
 * each gather is a miss the hardware cannot predict.  At 250,000 processes, width 8, this took
 * a fifth off the ILU solve and a third off A^T·X; 8 and 32 did as well within the noise
 * (bench/README.md).
 */
#define GLCA_ENGINE__PREFETCH_AHEAD 16

/** Workspace for up to `width` systems of order n; one per thread. */
int glca_engine__gmres_multi_new(glca_engine__gmres_multi **out, size_t n, size_t width,
                                 int restart, glca_error *err);
void glca_engine__gmres_multi_free(glca_engine__gmres_multi *g);

/**
 * glca_engine__gmres_solve for `width` (at most the workspace's) interleaved systems: b and x
 * are n × width, x the initial guesses.  `iters` (may be NULL) receives the iterations summed
 * over the systems; returns the number of systems that converged (width when all did).
 */
int glca_engine__gmres_multi_solve(glca_engine__gmres_multi *g,
                                   const glca_engine__krylov_multi_ops *ops, const double *b,
                                   double *x, size_t width, double tol, int max_iter,
                                   size_t *iters);

/** glca_engine__ilu_solve on `width` interleaved vectors (x[i * width + c]). */
void glca_engine__ilu_solve_multi(const glca_engine__ilu *f, double *x, size_t width);

#endif
