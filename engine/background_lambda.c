/*
 * Lambda = C·B·A^-1 of a new background, and the factorization of A, chosen per matrix.
 *
 * DIRECT     KLU (BTF + AMD) and one transposed solve of k right-hand sides.  On nearly
 *            triangular backgrounds this is cheap (0.1 s at 20,000 processes).
 * ITERATIVE  per category, GMRES on A^T y = (C·B)^T_c preconditioned by an incomplete LU of
 *            A^T (ilu.c: level 1, fill below ILU_DROP of its row dropped; ILU(0) if that fails),
 *            with the componentwise backward error of the true residual at most LAMBDA_TOL.
 *            The categories go in blocks advanced in lockstep (krylov_multi.c: one pass over
 *            A^T and the ILU per step for the whole block, 3.5× faster at 250,000 processes
 *            than one category at a time) and the blocks go to the threads, one block per
 *            thread as wide as that needs (at most MAX_BLOCK_WIDTH): blocks of a fixed 8 cut
 *            25 categories into 8, 8, 8 and 1, and the block of 1 cost nearly a full one, its
 *            padding computed; two blocks of 13 and 12 take 11 % less time (one thread,
 *            100,000 processes, measured alternately);
 *            each category's arithmetic is its own, so Lambda does not depend on the thread
 *            count.  Any category that does not converge, or a zero pivot in ILU(0), sends all
 *            of Lambda to DIRECT, which also names the processes of a singular A.  A is then
 *            factorized only when something needs the factors (Monte Carlo with an LU-based
 *            solver): batch evaluation reads only Lambda, and a single solve (contributions,
 *            glca_background_solve) is GMRES on A preconditioned by the same ILU, with the
 *            backward error checked and the factorization as fallback.
 *
 * AUTO is a cost model on the actual matrix: ITERATIVE costs about k · EXPECTED_ITERATIONS ·
 * (2 nnz(A) + 2 nnz(ILU) + 2 RESTART n) plus ILU_WORK · nnz(A) for the ILU, with nnz(ILU) =
 * EXPECTED_FILL · nnz(A), weighted by MEMORY_BOUND because sparse products and triangular
 * solves run at memory speed while KLU's elimination reuses cached columns.  First
 * the block triangular form (O(nnz)): when even a dense LU of the largest block (b^2 entries,
 * 2 k b^2 flops to solve with) would cost more than ITERATIVE, KLU's symbolic analysis is not
 * run, because AMD's own time grows with the fill it finds (at 100,000 processes of the
 * realistic background it took longer than the whole iterative Lambda).  Otherwise the
 * analysis (the first half of DIRECT anyway) estimates the factorization's flops and the
 * entries of L + U, and DIRECT costs flops + 2 k fill.  A giant block that would still factor
 * sparsely goes to ITERATIVE unanalyzed: the price is the difference between two sub-second
 * preparations, where the other mistake costs minutes.  Measured with bench_background
 * (bench/README.md): on the easy synthetic background (largest SCC 0.8 %) the estimate is
 * 2.8 M flops and DIRECT wins; on the realistic one (largest SCC 78 %) it is ~10^10 flops and
 * ITERATIVE wins by an order of magnitude.  The constants describe the machine's kernels, not
 * one matrix: the choice follows the fill, which is what differs between databases.
 */
#include "background_int.h"
#include "krylov.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

/* How many processes a singular-matrix message names before "and N more". */
#define BG_MAX_NAMED 5
/* Componentwise backward error of an accepted iterative Lambda row. */
#define LAMBDA_TOL 1e-13
#define RESTART 30
#define MAX_ITERATIONS 400
/* Categories solved together at most: one pass over A and the ILU serves them all
   (krylov_multi.c); a block with fewer than its width is padded with zero right-hand sides,
   which converge at once but still go through the kernels. */
#define MAX_BLOCK_WIDTH 16
/* The preconditioner: ILU(1) keeping the fill above ILU_DROP of its row (balanced), at most
   ILU_MAX_FILL times A's entries; measured in bench/README.md ("Realistic backgrounds"). */
#define ILU_LEVEL 1
#define ILU_DROP 1e-2
#define ILU_MAX_FILL 4.0
/* Cost model (see the top of the file): iterations per category with that ILU (12.6 measured
   at 100,000 processes, 17.6 with ILU(0)), its entries per entry of A (1.3) and the work of
   making it per entry of A (balancing, and the fill through market rows). */
#define EXPECTED_ITERATIONS 22.0
#define EXPECTED_FILL 1.3
#define ILU_WORK 100.0
#define MEMORY_BOUND 4.0

/* "technosphere matrix is singular; processes involved: 'a', 'b' and 3 more" */
static int singular(const glca_background *bg, const glca_engine__singular *sing,
                    glca_error *err)
{
    char names[200];
    size_t i, used = 0;

    names[0] = '\0';
    for (i = 0; i < sing->ncols && i < BG_MAX_NAMED; i++) {
        int w = snprintf(names + used, sizeof names - used, "%s'%s'", i ? ", " : "",
                         bg->process_id[sing->cols[i]]);

        if (w < 0 || (size_t)w >= sizeof names - used)
            break;
        used += (size_t)w;
    }
    if (sing->total > i)
        snprintf(names + used, sizeof names - used, " and %zu more", sing->total - i);
    if (!sing->ncols)
        return glca_error_set(err, GLCA_ESINGULAR, NULL, "technosphere matrix is singular");
    return glca_error_set(err, GLCA_ESINGULAR, NULL,
                          "technosphere matrix is singular; processes involved: %s", names);
}

/* Rows of C·B into lambda (k × n), the right-hand sides of A^T Lambda^T = (C·B)^T. */
static void right_hand_sides(glca_background *bg)
{
    const glca_engine__csc *b = bg->b;
    size_t p, q, c, n = bg->n, k = bg->k;

    memset(bg->lambda, 0, k * n * sizeof *bg->lambda);
    for (p = 0; p < n; p++) {
        for (q = b->colptr[p]; q < b->colptr[p + 1]; q++) {
            const double *cf = &bg->cf[b->rowidx[q] * k];

            for (c = 0; c < k; c++)
                bg->lambda[c * n + p] += cf[c] * b->values[q];
        }
    }
}

static int factorize(glca_background *bg, glca_error *err)
{
    glca_engine__singular sing;
    double t0 = omp_get_wtime();
    int rc;

    if ((rc = glca_engine__solver_factor(bg->solver, &sing, err)) < 0) {
        if (rc == GLCA_ESINGULAR)
            singular(bg, &sing, err);
        return rc;
    }
    bg->stats.seconds_factor += omp_get_wtime() - t0;
    return 0;
}

static int lambda_direct(glca_background *bg, glca_error *err)
{
    double t0;
    int rc;

    if ((rc = factorize(bg, err)) < 0)
        return rc;
    t0 = omp_get_wtime();
    right_hand_sides(bg);
    if ((rc = glca_engine__solver_tsolve(bg->solver, bg->lambda, bg->k, err)) < 0)
        return rc;
    bg->stats.seconds_lambda = omp_get_wtime() - t0;
    bg->stats.solver = GLCA_BG_SOLVER_DIRECT;
    return 0;
}

/* ---------------------------------------------------------------- iterative */

/* A^T as the iterations read it: A's pattern with 32-bit indices, half the bytes of size_t */
typedef struct tsystem {
    size_t n;
    uint32_t *colptr, *rowidx; /* owned */
    const double *values;      /* borrowed from A */
    const glca_engine__ilu *ilu;
} tsystem;

/* sys->colptr and sys->rowidx from A; GLCA_ERROR past 32 bits */
static int tsystem_init(tsystem *sys, const glca_engine__csc *a, glca_error *err)
{
    size_t p;

    sys->n = a->ncols;
    sys->values = a->values;
    if (a->ncols >= UINT32_MAX || a->nnz >= UINT32_MAX)
        return glca_error_set(err, GLCA_ERROR, NULL,
                              "%zu processes and %zu exchanges exceed 32-bit indices", a->ncols,
                              a->nnz);
    if (!(sys->colptr = glca_mallocarray(a->ncols + 1, sizeof *sys->colptr)) ||
        !(sys->rowidx = glca_mallocarray(a->nnz + GLCA_ENGINE__PREFETCH_AHEAD,
                                         sizeof *sys->rowidx)))
        return glca_error_oom(err);
    for (p = 0; p <= a->ncols; p++)
        sys->colptr[p] = (uint32_t)a->colptr[p];
    for (p = 0; p < a->nnz; p++)
        sys->rowidx[p] = (uint32_t)a->rowidx[p];
    /* row 0 for apply_t's prefetches past the last entry: valid, and harmless */
    for (; p < a->nnz + GLCA_ENGINE__PREFETCH_AHEAD; p++)
        sys->rowidx[p] = 0;
    return 0;
}

/* apply_t for a width the caller may make a constant */
static inline void apply_t_w(const tsystem *a, const double *restrict x, double *restrict y,
                             double *restrict y_abs, size_t width)
{
    const uint32_t *restrict rowidx = a->rowidx;
    const double *restrict values = a->values;
    const size_t ahead = GLCA_ENGINE__PREFETCH_AHEAD;
    size_t p, e, c;

    for (p = 0; p < a->n; p++) {
        double *yp = y + p * width, *tp = y_abs ? y_abs + p * width : NULL;

        for (c = 0; c < width; c++)
            yp[c] = 0;
        if (tp)
            for (c = 0; c < width; c++)
                tp[c] = 0;
        for (e = a->colptr[p]; e < a->colptr[p + 1]; e++) {
            const double ae = values[e], *xe = x + (size_t)rowidx[e] * width;

            /* rowidx has `ahead` zeros past its end (tsystem_init) */
            __builtin_prefetch(x + (size_t)rowidx[e + ahead] * width);
#pragma omp simd
            for (c = 0; c < width; c++)
                yp[c] += ae * xe[c];
            if (tp)
                for (c = 0; c < width; c++)
                    tp[c] += fabs(ae * xe[c]);
        }
    }
}

/* Y = A^T X for `width` interleaved vectors: row p of A^T is column p of A */
static void apply_t(void *payload, const double *x, double *y, double *y_abs, size_t width)
{
    const tsystem *a = payload;

    if (width == GLCA_ENGINE__MULTI_WIDTH)
        apply_t_w(a, x, y, y_abs, GLCA_ENGINE__MULTI_WIDTH);
    else
        apply_t_w(a, x, y, y_abs, width);
}

static void precond_ilu(void *payload, double *x, size_t width)
{
    glca_engine__ilu_solve_multi(((const tsystem *)payload)->ilu, x, width);
}

/* Categories [first, first + count) of Lambda by GMRES in lockstep; 1 if all converged. */
static int lambda_block(glca_background *bg, const glca_engine__krylov_multi_ops *ops,
                        glca_engine__gmres_multi *g, double *b, double *x, size_t width,
                        size_t first, size_t count, size_t *iterations)
{
    const size_t n = bg->n;
    size_t i, c, used = 0;
    int ok;

    /* interleaved in order, each category read as a stream (by category, each store was a
       cache line of its own) */
    for (i = 0; i < n; i++)
        for (c = 0; c < width; c++)
            b[i * width + c] = c < count ? bg->lambda[(first + c) * n + i] : 0;
    memcpy(x, b, n * width * sizeof *x);
    ops->precond(ops->payload, x, width);
    ok = glca_engine__gmres_multi_solve(g, ops, b, x, width, LAMBDA_TOL, MAX_ITERATIONS,
                                        &used) == (int)width;
    *iterations += used;
    for (i = 0; ok && i < n; i++)
        for (c = 0; c < count; c++)
            bg->lambda[(first + c) * n + i] = x[i * width + c];
    return ok;
}

/*
 * ILU(ILU_LEVEL) with dropping into *out, or ILU(0) where that fails (a tiny pivot, too much
 * fill): 1 with a factorization, 0 when neither exists (the direct route names the cause), or
 * < 0 on failure.  A cached background rebuilds its ILU here too, so that its single solves
 * are bitwise those of the background it was saved from.
 */
int glca_engine__background_ilu(const glca_background *bg, glca_engine__ilu **out,
                                glca_error *err)
{
    glca_engine__ilu_options opts = GLCA_ENGINE__ILU_OPTIONS_INIT;
    glca_error ignored = GLCA_ERROR_INIT;
    int rc;

    opts.level = ILU_LEVEL;
    opts.drop = ILU_DROP;
    opts.max_fill = ILU_MAX_FILL;
    if ((rc = glca_engine__ilu_new_opts(out, bg->a, &opts, &ignored)) == 0)
        return 1;
    if (rc == GLCA_ENOMEM)
        return glca_error_oom(err);
    if ((rc = glca_engine__ilu_new(out, bg->a, err)) < 0)
        return rc == GLCA_ESINGULAR ? 0 : rc;
    return 1;
}

static int choose(glca_background *bg, glca_bg_solver *how, glca_error *err);

/*
 * 1 if every category converged, 0 if not (then Lambda is garbage), < 0 on failure.  With
 * `choosing` (AUTO), the other thread runs the choice while the ILU is made, and, should it
 * choose DIRECT, the direct Lambda too: 2 then.  The choice's block triangular form took 0.2 s
 * at 250,000 processes on a thread that had nothing else to do before the ILU; where DIRECT
 * wins, the ILU is made for nothing on a thread that would have waited anyway.
 */
static int lambda_iterative(glca_background *bg, int threads, bool choosing, glca_error *err)
{
    const size_t n = bg->n, k = bg->k;
    /* how the categories are split does not change a result (krylov_multi.c) */
    size_t width, blocks = (size_t)(threads > 1 ? threads : 1);
    glca_engine__ilu *ilu = NULL;
    tsystem sys = {0, NULL, NULL, NULL, NULL};
    glca_engine__krylov_multi_ops ops;
    glca_error sys_err = GLCA_ERROR_INIT;
    double t0 = omp_get_wtime(), made = 0;
    size_t iterations = 0;
    int ok = 1, oom = 0, rc, rc_sys = 0;
    glca_bg_solver how = GLCA_BG_SOLVER_ITERATIVE;

    /* a multiple of the threads, so that they finish together */
    blocks *= (k + blocks * MAX_BLOCK_WIDTH - 1) / (blocks * MAX_BLOCK_WIDTH);
    width = blocks && k ? (k + blocks - 1) / blocks : 1;
    /* the ILU is made on one thread (its rows depend on the rows before them); the other
       copies A's pattern and forms the right-hand sides meanwhile, neither needing the ILU */
#pragma omp parallel sections num_threads(threads > 1 ? 2 : 1)
    {
#pragma omp section
        {
            rc = glca_engine__background_ilu(bg, &ilu, err);
            made = omp_get_wtime();
        }
#pragma omp section
        {
            if (choosing)
                rc_sys = choose(bg, &how, &sys_err);
            if (rc_sys == 0 && how == GLCA_BG_SOLVER_DIRECT)
                rc_sys = lambda_direct(bg, &sys_err);
            else if (rc_sys == 0 && (rc_sys = tsystem_init(&sys, bg->a, &sys_err)) == 0)
                right_hand_sides(bg);
        }
    }
    if (rc_sys < 0) {
        rc = rc_sys;
        *err = sys_err;
        goto cleanup;
    }
    if (how == GLCA_BG_SOLVER_DIRECT) {
        rc = 2;
        goto cleanup;
    }
    if (rc <= 0)
        goto cleanup;
    bg->stats.seconds_factor += made - t0;
    t0 = made;
    sys.ilu = ilu;
    ops.apply = apply_t;
    ops.precond = precond_ilu;
    ops.payload = &sys;
#pragma omp parallel num_threads(threads) reduction(+ : iterations)
    {
        glca_engine__gmres_multi *g = NULL;
        double *b = glca_mallocarray(n * width + 1, sizeof *b);
        double *x = glca_mallocarray(n * width + 1, sizeof *x);
        glca_error local = GLCA_ERROR_INIT;
        long blk;
        int mine = b && x && glca_engine__gmres_multi_new(&g, n, width, RESTART, &local) == 0;

        if (!mine) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (blk = 0; blk < (long)blocks; blk++) {
            const size_t first = (size_t)blk * width;
            int go;

#pragma omp atomic read
            go = ok;
            if (!go || !mine || first >= k)
                continue;
            if (!lambda_block(bg, &ops, g, b, x, width, first,
                              k - first < width ? k - first : width, &iterations)) {
#pragma omp atomic write
                ok = 0;
            }
        }
        glca_engine__gmres_multi_free(g);
        glca_free(b);
        glca_free(x);
    }
    if (oom) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if (ok) {
        bg->ilu = ilu; /* kept for single solves (glca_engine__background_solve_a) */
        ilu = NULL;
    }
    bg->stats.iterations = iterations;
    bg->stats.seconds_lambda = omp_get_wtime() - t0;
    bg->stats.solver = GLCA_BG_SOLVER_ITERATIVE;
    rc = ok;
cleanup:
    glca_free(sys.colptr);
    glca_free(sys.rowidx);
    glca_engine__ilu_free(ilu);
    return rc;
}

/* AUTO: the cheaper by the cost model at the top of the file; < 0 on failure */
static int choose(glca_background *bg, glca_bg_solver *how, glca_error *err)
{
    const double n = (double)bg->n, k = (double)bg->k, nnz = (double)bg->a->nnz;
    double fill, flops, direct, iterative, per_iteration, block;
    int rc;

    per_iteration = 2 * (1 + EXPECTED_FILL) * nnz + 2 * RESTART * n;
    iterative = MEMORY_BOUND * (ILU_WORK * nnz + k * EXPECTED_ITERATIONS * per_iteration);
    /* the fill of an expensive LU cannot be known without AMD, whose own time grows with it:
       analyze only when a dense factor of the largest block would be affordable */
    block = (double)glca_engine__solver_largest_block(bg->solver);
    bg->stats.largest_block = block > 0 ? (size_t)block : 0;
    if (block * block > iterative / (2 * (k > 0 ? k : 1))) {
        *how = GLCA_BG_SOLVER_ITERATIVE;
        return 0;
    }
    if ((rc = glca_engine__solver_analyze_loaded(bg->solver, err)) < 0)
        return rc;
    glca_engine__solver_estimate(bg->solver, &fill, &flops);
    bg->stats.estimated_fill = (size_t)fill;
    direct = flops + 2 * k * fill;
    *how = direct > iterative ? GLCA_BG_SOLVER_ITERATIVE : GLCA_BG_SOLVER_DIRECT;
    return 0;
}

int glca_engine__background_prepare(glca_background *bg, const glca_background_options *opts,
                                    glca_error *err)
{
    glca_engine__solver_options so = GLCA_ENGINE__SOLVER_OPTIONS_INIT;
    glca_bg_solver how = opts->solver;
    int threads = opts->threads > 0 ? opts->threads : omp_get_max_threads(), rc;
    double t0 = omp_get_wtime();

    so.use_btf = opts->use_btf;
    so.pivot_tol = opts->pivot_tol;
    bg->stats.rcond = -1;
    if ((rc = glca_engine__solver_load(&bg->solver, bg->a, &so, err)) < 0)
        return rc;
    if (!(bg->lambda = glca_calloc(bg->k * bg->n + 1, sizeof *bg->lambda)))
        return glca_error_oom(err);
    if (how == GLCA_BG_SOLVER_AUTO && threads > 1 && bg->n && bg->k) {
        bg->stats.seconds_factor = omp_get_wtime() - t0;
        if ((rc = lambda_iterative(bg, threads, true, err)) < 0)
            return rc;
        return rc >= 1 ? 0 : lambda_direct(bg, err);
    }
    if (how == GLCA_BG_SOLVER_AUTO && (rc = choose(bg, &how, err)) < 0)
        return rc;
    bg->stats.seconds_factor = omp_get_wtime() - t0;
    if (how == GLCA_BG_SOLVER_ITERATIVE && bg->n && bg->k) {
        if ((rc = lambda_iterative(bg, threads, false, err)) < 0)
            return rc;
        if (rc == 1)
            return 0;
    }
    return lambda_direct(bg, err);
}

int glca_engine__background_solver(const glca_background *cbg, glca_engine__solver **out,
                                   glca_error *err)
{
    /* A factorization made on first need is a cache: the background stays logically const */
    glca_background *bg = (glca_background *)cbg;
    int rc = 0;

    *out = NULL;
    if (!bg->solver)
        return glca_error_set(err, GLCA_ERROR, NULL,
                              "this background has no technosphere matrix to solve with "
                              "(read from the Lambda cache)");
#pragma omp critical(glca_background_factor)
    rc = factorize(bg, err);
    if (rc < 0)
        return rc;
    *out = bg->solver;
    return 0;
}

/* y = A x and |A| |x| with A's own values */
static void apply_a(void *payload, const double *x, double *y, double *y_abs)
{
    const glca_engine__csc *a = payload;
    size_t j, e;

    memset(y, 0, a->nrows * sizeof *y);
    if (y_abs)
        memset(y_abs, 0, a->nrows * sizeof *y_abs);
    for (j = 0; j < a->ncols; j++) {
        const double xj = x[j];

        if (xj == 0)
            continue;
        for (e = a->colptr[j]; e < a->colptr[j + 1]; e++) {
            y[a->rowidx[e]] += a->values[e] * xj;
            if (y_abs)
                y_abs[a->rowidx[e]] += fabs(a->values[e] * xj);
        }
    }
}

typedef struct asystem {
    const glca_engine__csc *a;
    const glca_engine__ilu *ilu;
} asystem;

static void apply_asys(void *payload, const double *x, double *y, double *y_abs)
{
    apply_a((void *)((const asystem *)payload)->a, x, y, y_abs);
}

static int precond_ilu_t(void *payload, double *x, glca_error *err)
{
    (void)err;
    glca_engine__ilu_tsolve(((const asystem *)payload)->ilu, x);
    return 0;
}

/* 1 if GMRES solved A x = b into x within LAMBDA_TOL, 0 if not, < 0 on failure */
static int solve_a_iterative(glca_background *bg, double *x, glca_error *err)
{
    const size_t n = bg->n;
    glca_engine__gmres *g = NULL;
    asystem sys = {bg->a, bg->ilu};
    glca_engine__krylov_ops ops = {apply_asys, precond_ilu_t, &sys};
    double *b = glca_mallocarray(n + 1, sizeof *b);
    int rc;

    if (!b)
        return glca_error_oom(err);
    memcpy(b, x, n * sizeof *b);
    if ((rc = glca_engine__gmres_new(&g, n, RESTART, err)) == 0) {
        glca_engine__ilu_tsolve(bg->ilu, x);
        rc = glca_engine__gmres_solve(g, &ops, b, x, LAMBDA_TOL, MAX_ITERATIONS, NULL, NULL,
                                      err);
        if (rc == 0)
            memcpy(x, b, n * sizeof *x); /* the direct solve starts from b again */
    }
    glca_engine__gmres_free(g);
    glca_free(b);
    return rc;
}

int glca_engine__background_solve_a(glca_background *bg, double *x, glca_error *err)
{
    glca_engine__solver *s;
    int rc;

    if (bg->ilu && bg->solver && !glca_engine__solver_factorized(bg->solver) && bg->n) {
        if ((rc = solve_a_iterative(bg, x, err)) != 0)
            return rc < 0 ? rc : 0;
    }
    if ((rc = glca_engine__background_solver(bg, &s, err)) < 0)
        return rc;
    return glca_engine__solver_solve(s, x, 1, err);
}

void glca_background_stats(const glca_background *bg, glca_bg_stats *out)
{
    *out = bg->stats;
    if (bg->solver) {
        out->fill = glca_engine__solver_fill(bg->solver);
        if (out->fill)
            out->rcond = glca_engine__solver_rcond(bg->solver);
    }
}
