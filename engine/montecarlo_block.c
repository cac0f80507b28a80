/*
 * GMRES_BLOCK: GMRES_ILU (montecarlo_solve.c) on a block of draws at once.  On the realistic
 * background a draw's 15 iterations each stream A's indexes and the ILU factors, which is where
 * a single draw spends its time (transposed ILU solves 22 %, A x 17 % by perf).  The draws of a
 * block share A's pattern and the nominal ILU(0): their perturbed values are kept interleaved,
 * value[e * width + d], so one pass over A^T's indexes (and over the ILU, through
 * glca_engine__ilu_solve_multi) serves `width` draws, and krylov_draws.c advances their GMRES
 * processes in lockstep, each with its own weights, stop, restarts and fallback.
 *
 * A draw's arithmetic never involves another draw's numbers, so its impacts are bitwise the same
 * for any block width and any thread count (montecarlo.c hands whole blocks to threads).
 */
#include "montecarlo_int.h"

#include <assert.h>
#include <math.h>
#include <string.h>

void glca_engine__mc_block_free(glca_engine__mc_worker *w)
{
    glca_engine__gmres_draws_free(w->draws);
    glca_free(w->ivals);
    glca_free(w->ib);
    glca_free(w->ix);
    glca_free(w->iw);
    glca_free(w->dvals);
    glca_free(w->damount);
    glca_free(w->df);
    glca_free(w->dx);
    glca_free(w->iters);
    glca_free(w->converged);
    w->draws = NULL;
    w->ivals = w->ib = w->ix = w->iw = w->dvals = w->damount = w->df = w->dx = NULL;
    w->iters = NULL;
    w->converged = NULL;
}

int glca_engine__mc_block_init(glca_engine__mc_worker *w, const glca_montecarlo *mc)
{
    const glca_background *bg = mc->bg;
    const size_t width = mc->width, n = bg->n, nr = mc->nrhs ? mc->nrhs : 1;

    assert(width > 0);
    if (n > SIZE_MAX / width / nr || bg->a->nnz > SIZE_MAX / width ||
        bg->b->nnz > SIZE_MAX / width || mc->nlines > SIZE_MAX / width - 1)
        return glca_error_oom(&w->err);
    if (!(w->tc = glca_calloc(mc->k + 1, sizeof *w->tc)) ||
        !(w->ivals = glca_mallocarray(bg->a->nnz * width + 1, sizeof *w->ivals)) ||
        !(w->ib = glca_calloc(n * width + 1, sizeof *w->ib)) ||
        !(w->ix = glca_calloc(n * width + 1, sizeof *w->ix)) ||
        !(w->iw = glca_calloc(n * width + 1, sizeof *w->iw)) ||
        !(w->dvals = glca_mallocarray(bg->b->nnz * width + 1, sizeof *w->dvals)) ||
        !(w->damount = glca_calloc((mc->nlines + 1) * width, sizeof *w->damount)) ||
        !(w->df = glca_calloc(n * nr * width + 1, sizeof *w->df)) ||
        !(w->dx = glca_calloc(n * nr * width + 1, sizeof *w->dx)) ||
        !(w->iters = glca_calloc(width, sizeof *w->iters)) ||
        !(w->converged = glca_calloc(2 * width, sizeof *w->converged)))
        return glca_error_oom(&w->err);
    if (glca_engine__gmres_draws_new(&w->draws, n, width, GMRES_RESTART, &w->err) < 0)
        return w->err.code ? (int)w->err.code : GLCA_ENOMEM;
    return 0;
}

typedef struct block_ops {
    const glca_engine__csc *at; /* A^T: A by rows (its column pointers) */
    const uint32_t *col;        /* its row indexes */
    const double *vals;         /* the block's values of A^T, interleaved */
    const glca_engine__ilu *ilu;
} block_ops;

/*
 * y = A x by rows for w draws, each with its own values and each row in apply_rows's partial
 * sums (krylov.h: entry lo + t of a row into partial t mod 4)
 */
static inline void rows(const glca_engine__csc *t, const uint32_t *restrict col,
                        const double *restrict vals, const double *restrict x, double *restrict y,
                        double *restrict y_abs, size_t w)
{
    double part[GLCA_ENGINE__PARTIALS * MAX_WIDTH];
    size_t i, e, c;

    assert(w <= MAX_WIDTH);
    for (i = 0; i < t->ncols; i++) {
        const size_t lo = t->colptr[i];
        double *yi = y + i * w;

        for (c = 0; c < GLCA_ENGINE__PARTIALS * w; c++)
            part[c] = 0;
        for (e = lo; e < t->colptr[i + 1]; e++) {
            const double *ve = vals + e * w, *xe = x + (size_t)col[e] * w;
            double *pk = part + (e - lo) % GLCA_ENGINE__PARTIALS * w;

#pragma omp simd
            for (c = 0; c < w; c++)
                pk[c] += ve[c] * xe[c];
        }
        for (c = 0; c < w; c++)
            yi[c] = (part[c] + part[w + c]) + (part[2 * w + c] + part[3 * w + c]);
        if (y_abs) {
            double *ui = y_abs + i * w;

            for (c = 0; c < w; c++)
                ui[c] = 0;
            for (e = t->colptr[i]; e < t->colptr[i + 1]; e++)
                for (c = 0; c < w; c++)
                    ui[c] += fabs(vals[e * w + c] * x[(size_t)col[e] * w + c]);
        }
    }
}

static void apply_block(void *payload, const double *x, double *y, double *y_abs, size_t width)
{
    const block_ops *p = payload;

    if (width == GLCA_ENGINE__MULTI_WIDTH)
        rows(p->at, p->col, p->vals, x, y, y_abs, GLCA_ENGINE__MULTI_WIDTH);
    else
        rows(p->at, p->col, p->vals, x, y, y_abs, width);
}

static void precond_block(void *payload, double *x, size_t width)
{
    const block_ops *p = payload;

    glca_engine__ilu_solve_multi(p->ilu, x, width); /* ILU(0) of (A^T)^T = A */
}

/* The block's right-hand sides of column q interleaved, first guesses M^-1 f, goal weights. */
static void start(glca_engine__mc_worker *w, const glca_montecarlo *mc, size_t q, size_t width)
{
    const size_t n = mc->bg->n, len = n * mc->nrhs;
    size_t i, d;

    for (d = 0; d < width; d++) {
        const double *f = w->df + d * len + q * n;

        for (i = 0; i < n; i++)
            w->ib[i * width + d] = f[i];
        glca_engine__mc_goal_weights(mc, q, f, w->tc, w->t);
        for (i = 0; i < n; i++)
            w->iw[i * width + d] = w->t[i];
    }
    memcpy(w->ix, w->ib, n * width * sizeof *w->ix);
    glca_engine__ilu_solve_multi(mc->ilu, w->ix, width);
}

int glca_engine__mc_block(glca_engine__mc_worker *w, const glca_montecarlo *mc, size_t first,
                          size_t count, double *impacts)
{
    const glca_background *bg = mc->bg;
    const size_t n = bg->n, nnz = bg->a->nnz, nb = bg->b->nnz, len = n * mc->nrhs;
    const size_t stride = mc->k * GLCA_NSTAGES, na = mc->nlines + 1;
    block_ops sys = {mc->at, mc->at_col, w->ivals, mc->ilu};
    const glca_engine__krylov_multi_ops ops = {apply_block, precond_block, &sys};
    bool *bad = w->converged + mc->width; /* a draw some column of which did not converge */
    size_t d, e, i, q;
    int rc;

    assert(count > 0 && count <= mc->width && mc->nbg > 0);
    for (d = 0; d < count; d++) {
        glca_engine__mc_draw_values(w, mc, first + d, w->damount + d * na, w->avals,
                                    w->dvals + d * nb, w->df + d * len);
        for (e = 0; e < nnz; e++)
            w->ivals[e * count + d] = w->avals[e]; /* A^T's order (montecarlo_solve.c) */
        bad[d] = false;
    }
    for (q = 0; q < mc->nrhs; q++) {
        start(w, mc, q, count);
        for (d = 0; d < count; d++)
            w->iters[d] = 0;
        glca_engine__gmres_draws_solve(w->draws, &ops, w->ib, w->ix, w->iw, count, GOAL_TOL,
                                       GMRES_MAX_ITER, w->iters, w->converged);
        for (d = 0; d < count; d++) {
            double *x = w->dx + d * len + q * n;

            w->refine_steps += w->iters[d];
            bad[d] |= !w->converged[d];
            for (i = 0; i < n; i++)
                x[i] = w->ix[i * count + d];
        }
    }
    for (d = 0; d < count; d++) {
        if (bad[d]) {
            /* the values of this draw alone, back in A's order, and a pivot order of its own */
            for (e = 0; e < nnz; e++)
                w->avals[mc->at_perm[e]] = w->ivals[e * count + d];
            memcpy(w->f, w->df + d * len, len * sizeof *w->f);
            if ((rc = glca_engine__mc_solve_from_scratch(w, mc)) < 0)
                return rc;
            memcpy(w->dx + d * len, w->x, len * sizeof *w->x);
        }
        glca_engine__mc_characterize(mc, w->damount + d * na, w->dx + d * len, w->dvals + d * nb,
                                     w->g, impacts + d * stride);
    }
    return 0;
}
