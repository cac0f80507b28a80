/*
 * The ways Monte Carlo solves a perturbed A (montecarlo.c draws, this file solves), each thread
 * with its own solver objects (a KLU solve writes workspace inside them):
 *
 *   REFACTOR   klu_refactor on the thread's copy of the nominal factorization (symbolic
 *              analysis and pivot order reused).  A perturbed A the nominal pivots cannot
 *              handle shows up as singular or as a large backward error; that iteration is
 *              factorized from scratch.
 *   REFINE     x += A0^-1 (f - A x) with the nominal factorization until the step is below
 *              refine_tol relative to x; refactor after refine_max steps.
 *   GMRES      GMRES on A x = f preconditioned by the nominal factorization A0 (x0 = A0^-1 f),
 *              until the componentwise backward error is at most GMRES_TOL.  The Krylov space
 *              of A0^-1 A = I + A0^-1 (A - A0) captures a large perturbation in a few steps
 *              where refinement, a fixed-point iteration, converges only linearly (and not at
 *              all once the spectral radius of A0^-1 (A - A0) exceeds one).
 *   GMRES_ILU  the same preconditioned by ILU(0) of the nominal A (by rows, see transpose): no
 *              factorization at all, for the backgrounds where KLU fills in (Lambda was
 *              computed iteratively).  Its first guess is poor, and componentwise weights from
 *              it stalled GMRES (100-200 iterations, some draws not converging) on both synthetic
 *              backgrounds; it stops on a goal-oriented estimate instead (montecarlo_goal.c): the
 *              error of the totals, which are what a draw keeps, through the nominal Lambda.
 *
 *   GMRES_BLOCK GMRES_ILU on blocks of draws in lockstep (montecarlo_block.c): one pass over
 *              A's indexes and the ILU serves the whole block, each draw with its own values,
 *              weights, stop and fallback, and each draw's arithmetic that of GMRES_ILU, so its
 *              results are bitwise GMRES_ILU's for any block width.
 *
 * Not converged within the iteration cap: the iteration is refactorized (GMRES) or factorized
 * from scratch (GMRES_ILU, GMRES_BLOCK), so every draw meets the same bound as REFACTOR.
 *
 * AUTO, the choice between them, is montecarlo_auto.c.
 */
#include "montecarlo_int.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* Backward error above which a refactorized solution is not trusted. */
#define MAX_BACKWARD_ERROR 1e-10
/*
 * Componentwise backward error at which a GMRES solve stops.  With the forward error bounded by
 * Skeel's condition number times this, draws agree with a refactorization far inside 1e-9 on
 * the synthetic backgrounds (measured 1e-12 and below, bench_montecarlo).
 */
#define GMRES_TOL 1e-13

void glca_engine__mc_worker_free(glca_engine__mc_worker *w)
{
    glca_engine__mc_block_free(w);
    glca_engine__solver_free(w->solver);
    glca_engine__solver_free(w->spare);
    glca_engine__gmres_free(w->gmres);
    glca_free(w->tc);
    glca_free(w->atvals);
    glca_free(w->avals);
    glca_free(w->bvals);
    glca_free(w->amount);
    glca_free(w->x);
    glca_free(w->f);
    glca_free(w->r);
    glca_free(w->t);
    glca_free(w->g);
    glca_free(w->xs);
    glca_free(w->fs);
    glca_free(w->words);
}

int glca_engine__mc_worker_init(glca_engine__mc_worker *w, const glca_montecarlo *mc)
{
    return glca_engine__mc_worker_init_as(w, mc, mc->opts.solver);
}

int glca_engine__mc_worker_init_as(glca_engine__mc_worker *w, const glca_montecarlo *mc,
                                   glca_mc_solver solver)
{
    const glca_background *bg = mc->bg;
    size_t nr = mc->nrhs ? mc->nrhs : 1;

    memset(w, 0, sizeof *w);
    w->amount = glca_calloc(mc->nlines + 1, sizeof *w->amount);
    if (!w->amount)
        return glca_error_oom(&w->err);
    if (mc->nbg == 0)
        return 0;
    w->avals = glca_mallocarray(bg->a->nnz + 1, sizeof *w->avals);
    w->bvals = glca_mallocarray(bg->b->nnz + 1, sizeof *w->bvals);
    w->x = glca_calloc(bg->n * nr + 1, sizeof *w->x);
    w->f = glca_calloc(bg->n * nr + 1, sizeof *w->f);
    w->r = glca_calloc(bg->n * nr + 1, sizeof *w->r);
    w->t = glca_calloc(bg->n + 1, sizeof *w->t);
    w->g = glca_calloc(bg->m * nr + 1, sizeof *w->g);
    w->xs = glca_calloc(bg->n + 1, sizeof *w->xs);
    w->fs = glca_calloc(bg->n + 1, sizeof *w->fs);
    w->words = glca_mallocarray(glca_engine__sampler_workspace(mc->sampler), sizeof *w->words);
    if (!w->avals || !w->bvals || !w->x || !w->f || !w->r || !w->t || !w->g || !w->xs || !w->fs ||
        !w->words)
        return glca_error_oom(&w->err);
    if ((solver == GLCA_MC_SOLVER_GMRES || solver == GLCA_MC_SOLVER_GMRES_ILU) &&
        glca_engine__gmres_new(&w->gmres, bg->n, GMRES_RESTART, &w->err) < 0)
        return w->err.code ? (int)w->err.code : GLCA_ENOMEM;
    if (solver == GLCA_MC_SOLVER_GMRES_BLOCK)
        return glca_engine__mc_block_init(w, mc);
    if (solver == GLCA_MC_SOLVER_GMRES_ILU)
        return (w->tc = glca_calloc(mc->k + 1, sizeof *w->tc)) &&
                       (w->atvals = glca_mallocarray(bg->a->nnz + 1, sizeof *w->atvals))
                   ? 0
                   : glca_error_oom(&w->err);
    return glca_engine__solver_clone(&w->solver, mc->nominal, &w->err);
}

/*
 * Componentwise backward error max |f - A x| / (|A| |x| + |f|) of the summed right-hand sides
 * (by linearity x_1 + ... + x_q solves A x = f_1 + ... + f_q): one product with A instead of
 * one per stage.  A factorization gone bad with stale pivots spoils every column, so the sum
 * shows it.  r and t are workspaces of n; xs and fs receive the sums.
 */
static double backward_error(const glca_engine__csc *a, const double *avals, const double *x,
                             const double *f, size_t nrhs, double *xs, double *fs, double *r,
                             double *t)
{
    size_t n = a->ncols, q, j, e, i;
    double worst = 0;

    for (i = 0; i < n; i++) {
        xs[i] = x[i];
        fs[i] = f[i];
    }
    for (q = 1; q < nrhs; q++)
        for (i = 0; i < n; i++) {
            xs[i] += x[q * n + i];
            fs[i] += f[q * n + i];
        }
    for (i = 0; i < n; i++) {
        r[i] = fs[i];
        t[i] = fabs(fs[i]);
    }
    for (j = 0; j < n; j++) {
        double xj = xs[j];

        if (xj == 0)
            continue;
        for (e = a->colptr[j]; e < a->colptr[j + 1]; e++) {
            double v = avals[e] * xj;

            r[a->rowidx[e]] -= v;
            t[a->rowidx[e]] += fabs(v);
        }
    }
    for (i = 0; i < n; i++)
        if (r[i] != 0) {
            double be = t[i] > 0 ? fabs(r[i]) / t[i] : INFINITY;

            if (!(be <= worst))
                worst = be;
        }
    return worst;
}

int glca_engine__mc_solve_from_scratch(glca_engine__mc_worker *w, const glca_montecarlo *mc)
{
    glca_engine__csc view = *mc->bg->a;
    glca_engine__solver *s = NULL;
    glca_engine__solver_options so = GLCA_ENGINE__SOLVER_OPTIONS_INIT;
    int rc;

    view.values = w->avals;
    w->fallbacks++;
    memcpy(w->x, w->f, mc->bg->n * mc->nrhs * sizeof *w->x);
    if ((rc = glca_engine__solver_new(&s, &view, &so, NULL, &w->err)) == 0)
        rc = glca_engine__solver_solve(s, w->x, mc->nrhs, &w->err);
    glca_engine__solver_free(s);
    return rc;
}

static int solve_refactor(glca_engine__mc_worker *w, glca_engine__solver *s,
                          const glca_montecarlo *mc)
{
    const glca_engine__csc *a = mc->bg->a;
    size_t len = a->ncols * mc->nrhs;
    int rc;

    rc = glca_engine__solver_refactor(s, w->avals, NULL, &w->err);
    if (rc == 0) {
        memcpy(w->x, w->f, len * sizeof *w->x);
        rc = glca_engine__solver_solve(s, w->x, mc->nrhs, &w->err);
    }
    if (rc == GLCA_ESINGULAR ||
        (rc == 0 && !(backward_error(a, w->avals, w->x, w->f, mc->nrhs, w->xs, w->fs, w->r,
                                     w->t) <= MAX_BACKWARD_ERROR)))
        return glca_engine__mc_solve_from_scratch(w, mc);
    return rc;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0;
    size_t i;

    for (i = 0; i < n; i++)
        if (fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

static int solve_refine(glca_engine__mc_worker *w, const glca_montecarlo *mc)
{
    const glca_engine__csc *a = mc->bg->a;
    size_t n = a->ncols, len = n * mc->nrhs, q, j, e;
    int step, rc;

    memcpy(w->x, w->f, len * sizeof *w->x);
    if ((rc = glca_engine__solver_solve(w->solver, w->x, mc->nrhs, &w->err)) < 0)
        return rc;
    for (step = 0; step < mc->opts.refine_max; step++) {
        memcpy(w->r, w->f, len * sizeof *w->r);
        for (q = 0; q < mc->nrhs; q++)
            for (j = 0; j < n; j++) {
                double xj = w->x[q * n + j];

                if (xj == 0)
                    continue;
                for (e = a->colptr[j]; e < a->colptr[j + 1]; e++)
                    w->r[q * n + a->rowidx[e]] -= w->avals[e] * xj;
            }
        if ((rc = glca_engine__solver_solve(w->solver, w->r, mc->nrhs, &w->err)) < 0)
            return rc;
        for (q = 0; q < len; q++)
            w->x[q] += w->r[q];
        w->refine_steps++;
        if (max_abs(w->r, len) <= mc->opts.refine_tol * max_abs(w->x, len))
            return 0;
    }
    if (!w->spare && (rc = glca_engine__solver_clone(&w->spare, mc->nominal, &w->err)) < 0)
        return rc;
    w->fallbacks++; /* counted as a fallback even when the refactorization is good */
    return solve_refactor(w, w->spare, mc);
}

/* ---------------------------------------------------------------- GMRES */

typedef struct perturbed {
    const glca_engine__csc *a;
    const double *avals;
    glca_engine__solver *lu; /* GMRES: nominal factorization; NULL for GMRES_ILU */
    const glca_engine__ilu *ilu;
    const glca_engine__csc *at; /* GMRES_ILU: A^T, i.e. A by rows (its column pointers) ... */
    const uint32_t *col;        /* ... its row indexes ... */
    const double *atvals;       /* ... with the perturbed values in that order (w->avals) */
} perturbed;

/*
 * A^T in CSC (= A by rows) and perm: entry e of A^T is entry perm[e] of A.  GMRES_ILU works by
 * rows: products with A and the ILU(0) triangular solves then gather instead of scatter, which
 * perf found twice as costly (A x by columns 17 %, transposed ILU solves 22 % of a draw).
 */
static int transpose(const glca_engine__csc *a, glca_engine__csc **out, size_t **perm,
                     glca_error *err)
{
    const size_t n = a->ncols, nnz = a->nnz;
    glca_engine__csc *t = glca_calloc(1, sizeof *t);
    size_t *next = NULL, j, e;

    *out = NULL;
    *perm = NULL;
    if (!t || !(t->colptr = glca_calloc(n + 1, sizeof *t->colptr)) ||
        !(t->rowidx = glca_mallocarray(nnz + 1, sizeof *t->rowidx)) ||
        !(t->values = glca_mallocarray(nnz + 1, sizeof *t->values)) ||
        !(*perm = glca_mallocarray(nnz + 1, sizeof **perm)) ||
        !(next = glca_mallocarray(n + 1, sizeof *next))) {
        glca_engine__csc_free(t);
        glca_free(*perm);
        *perm = NULL;
        return glca_error_oom(err);
    }
    t->nrows = t->ncols = n;
    t->nnz = nnz;
    for (e = 0; e < nnz; e++)
        t->colptr[a->rowidx[e] + 1]++;
    for (j = 0; j < n; j++)
        t->colptr[j + 1] += t->colptr[j];
    memcpy(next, t->colptr, n * sizeof *next);
    for (j = 0; j < n; j++) /* columns in order: row indexes of A^T come out ascending */
        for (e = a->colptr[j]; e < a->colptr[j + 1]; e++) {
            size_t d = next[a->rowidx[e]]++;

            t->rowidx[d] = j;
            t->values[d] = a->values[e];
            (*perm)[d] = e;
        }
    glca_free(next);
    *out = t;
    return 0;
}

/*
 * y = A x with the perturbed values by rows (A^T's columns), each row in the partial sums of
 * krylov.h (montecarlo_block.c's rows sums in the same order), and |A| |x|
 */
static void apply_rows(void *payload, const double *x, double *y, double *y_abs)
{
    const perturbed *p = payload;
    const glca_engine__csc *t = p->at;
    const uint32_t *ri = p->col;
    const double *v = p->atvals;
    size_t i, e;

    for (i = 0; i < t->ncols; i++) {
        const size_t lo = t->colptr[i], hi = t->colptr[i + 1];
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;

        for (e = lo; e + 4 <= hi; e += 4) {
            s0 += v[e] * x[ri[e]];
            s1 += v[e + 1] * x[ri[e + 1]];
            s2 += v[e + 2] * x[ri[e + 2]];
            s3 += v[e + 3] * x[ri[e + 3]];
        }
        if (e < hi)
            s0 += v[e] * x[ri[e]];
        if (e + 1 < hi)
            s1 += v[e + 1] * x[ri[e + 1]];
        if (e + 2 < hi)
            s2 += v[e + 2] * x[ri[e + 2]];
        y[i] = (s0 + s1) + (s2 + s3);
        if (y_abs) {
            double u = 0;

            for (e = lo; e < hi; e++)
                u += fabs(v[e] * x[ri[e]]);
            y_abs[i] = u;
        }
    }
}

/* y = A x with the perturbed values, and |A| |x| */
static void apply_a(void *payload, const double *x, double *y, double *y_abs)
{
    const perturbed *p = payload;
    const glca_engine__csc *a = p->a;
    size_t j, e, n = a->ncols;

    memset(y, 0, n * sizeof *y);
    if (y_abs)
        memset(y_abs, 0, n * sizeof *y_abs);
    for (j = 0; j < n; j++) {
        const double xj = x[j];

        if (xj == 0)
            continue;
        for (e = a->colptr[j]; e < a->colptr[j + 1]; e++)
            y[a->rowidx[e]] += p->avals[e] * xj;
        if (y_abs)
            for (e = a->colptr[j]; e < a->colptr[j + 1]; e++)
                y_abs[a->rowidx[e]] += fabs(p->avals[e] * xj);
    }
}

static int precond(void *payload, double *x, glca_error *err)
{
    const perturbed *p = payload;

    if (p->lu)
        return glca_engine__solver_solve(p->lu, x, 1, err);
    glca_engine__ilu_solve(p->ilu, x); /* ILU(0) of (A^T)^T = A */
    return 0;
}

static int solve_gmres(glca_engine__mc_worker *w, const glca_montecarlo *mc)
{
    const size_t n = mc->bg->n;
    perturbed sys = {mc->bg->a, w->avals, NULL, mc->ilu, mc->at, mc->at_col, w->avals};
    glca_engine__krylov_ops ops = {apply_a, precond, &sys};
    size_t q, used, e;
    int rc;

    if (mc->opts.solver == GLCA_MC_SOLVER_GMRES)
        sys.lu = w->solver;
    else
        ops.apply = apply_rows; /* the sampler wrote the values in A^T's order */
    for (q = 0; q < mc->nrhs; q++) {
        double *x = w->x + q * n;
        const double *f = w->f + q * n;

        memcpy(x, f, n * sizeof *x);
        if ((rc = precond(&sys, x, &w->err)) < 0)
            return rc;
        if (sys.lu) {
            rc = glca_engine__gmres_solve(w->gmres, &ops, f, x, GMRES_TOL, GMRES_MAX_ITER, &used,
                                          NULL, &w->err);
        } else {
            glca_engine__mc_goal_weights(mc, q, f, w->tc, w->t);
            rc = glca_engine__gmres_solve_weighted(w->gmres, &ops, f, x, w->t, GOAL_TOL,
                                                   GMRES_MAX_ITER, &used, NULL, &w->err);
        }
        w->refine_steps += used;
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
    }
    if (q == mc->nrhs)
        return 0;
    if (mc->at) { /* the values back in A's order for a factorization */
        memcpy(w->atvals, w->avals, mc->at->nnz * sizeof *w->atvals);
        for (e = 0; e < mc->at->nnz; e++)
            w->avals[mc->at_perm[e]] = w->atvals[e];
    }
    w->fallbacks++;
    if (!mc->nominal)
        return glca_engine__mc_solve_from_scratch(w, mc);
    if (!w->spare && (rc = glca_engine__solver_clone(&w->spare, mc->nominal, &w->err)) < 0)
        return rc;
    return solve_refactor(w, w->spare, mc);
}

int glca_engine__mc_solve(glca_engine__mc_worker *w, const glca_montecarlo *mc)
{
    assert(mc->opts.solver != GLCA_MC_SOLVER_GMRES_BLOCK); /* montecarlo_block.c */
    switch (mc->opts.solver) {
    case GLCA_MC_SOLVER_REFINE:
        return solve_refine(w, mc);
    case GLCA_MC_SOLVER_GMRES:
    case GLCA_MC_SOLVER_GMRES_ILU:
        return solve_gmres(w, mc);
    default:
        return solve_refactor(w, w->solver, mc);
    }
}

/*
 * A^T and the sampler writing A's values in its order: the ILU routes read them by rows, and a
 * gather of every draw's values through at_perm was 3 % of a draw (and its copy 3 % more).
 * A x by rows streams 32-bit row indexes: perf found it waiting on the index loads.
 */
static int by_rows(glca_montecarlo *mc, glca_error *err)
{
    size_t *map = NULL, e;
    int rc;

    if ((rc = transpose(mc->bg->a, &mc->at, &mc->at_perm, err)) < 0)
        return rc;
    if (mc->at->nnz > UINT32_MAX || mc->at->ncols > UINT32_MAX) {
        rc = glca_error_set(err, GLCA_ELIMIT, NULL, "Monte Carlo: matrix too large");
        goto cleanup;
    }
    if (!(mc->at_col = glca_mallocarray(mc->at->nnz + 1, sizeof *mc->at_col)) ||
        !(map = glca_mallocarray(mc->at->nnz + 1, sizeof *map))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (e = 0; e < mc->at->nnz; e++) {
        mc->at_col[e] = (uint32_t)mc->at->rowidx[e];
        map[mc->at_perm[e]] = e;
    }
    if (mc->sampler)
        rc = glca_engine__sampler_renumber_a(mc->sampler, map, err);
cleanup:
    glca_free(map);
    if (rc < 0) {
        glca_engine__csc_free(mc->at);
        glca_free(mc->at_perm);
        glca_free(mc->at_col);
        mc->at = NULL;
        mc->at_perm = NULL;
        mc->at_col = NULL;
    }
    return rc;
}

void glca_engine__mc_rows_free(glca_montecarlo *mc)
{
    if (mc->at && mc->sampler) /* back to A's order: cannot fail, A's entries fitted before */
        glca_engine__sampler_renumber_a(mc->sampler, mc->at_perm, NULL);
    glca_engine__ilu_free(mc->ilu);
    glca_engine__csc_free(mc->at);
    glca_free(mc->at_perm);
    glca_free(mc->at_col);
    glca_engine__mc_goal_free(mc);
    mc->ilu = NULL;
    mc->at = NULL;
    mc->at_perm = NULL;
    mc->at_col = NULL;
}

/* What the solver shares between threads: the nominal factorization, ILU(0). */
int glca_engine__mc_shared_parts(glca_montecarlo *mc, glca_error *err)
{
    int rc;

    if (mc->opts.solver == GLCA_MC_SOLVER_GMRES_ILU ||
        mc->opts.solver == GLCA_MC_SOLVER_GMRES_BLOCK) {
        if (!mc->at && (rc = by_rows(mc, err)) < 0)
            return rc;
        if (!mc->ilu && (rc = glca_engine__ilu_new(&mc->ilu, mc->at, err)) < 0)
            return rc;
        return glca_engine__mc_goal_new(mc, err);
    }
    if (!mc->nominal)
        return glca_engine__background_solver(mc->bg, &mc->nominal, err);
    return 0;
}
