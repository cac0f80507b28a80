/*
 * Restarted GMRES on several systems in lockstep (krylov.h): the algorithm of krylov.c, with
 * every vector interleaved so that the operator and the preconditioner stream their entries
 * once for all systems.  At 250,000 processes one pass over A and its ILU(0) is ~100 MB while
 * the vectors are 2 MB each: one system at a time is bound by memory bandwidth, a block of
 * them reuses each entry of A and the ILU `width` times from cache.
 *
 * Each system keeps its own weights, Hessenberg matrix, rotations and iteration budget; a
 * system whose cycle has ended (its estimate met, a breakdown, its budget) sits out the rest
 * of the block's cycle with its search direction zeroed, and one whose true backward error is
 * met leaves the solve.  Every loop runs over the rows in order with the systems innermost, so
 * a system's arithmetic never involves another's: its result is the same in any block.  The
 * orthogonalization is classical Gram-Schmidt with reorthogonalization where needed rather
 * than krylov.c's modified one (see orthogonalize), so it is not bit for bit krylov.c's.
 */
#include "krylov.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* Iterations of the first cycle, as in krylov.c: weights from a poor first guess can stall. */
#define FIRST_CYCLE 8
/* A second Gram-Schmidt pass for a system whose new vector kept less than this fraction of
   its norm (see orthogonalize). */
#define REDO_BELOW 1e-2

enum { RUNNING, IN_CYCLE, OUT_OF_CYCLE, FINISHED };

struct glca_engine__gmres_multi {
    size_t n, width;
    int m;
    double *v;               /* (m + 1) vectors of n × width */
    double *h;               /* per system (m + 1) × m, column-major */
    double *cs, *sn, *g;     /* per system m, m, m + 1 */
    double *w, *z, *t, *r;   /* n × width */
    double *beta, *be, *dot; /* width */
    double *proj;            /* (m + 1) × width: projections, then the solutions y */
    int *redo;               /* width: a second Gram-Schmidt pass */
    int *state, *used, *budget, *total, *stalls;
};

int glca_engine__gmres_multi_new(glca_engine__gmres_multi **out, size_t n, size_t width,
                                 int restart, glca_error *err)
{
    glca_engine__gmres_multi *g;
    const size_t m = restart > 0 ? (size_t)restart : 1, b = width ? width : 1;

    if (!(g = glca_calloc(1, sizeof *g)))
        return glca_error_oom(err);
    g->n = n;
    g->width = b;
    g->m = (int)m;
    /* v is only touched as far as the Arnoldi process gets: untouched pages cost nothing */
    if (n + 1 > SIZE_MAX / b / (m + 1) ||
        !(g->v = glca_mallocarray((m + 1) * (n + 1) * b, sizeof *g->v)) ||
        !(g->h = glca_calloc((m + 1) * m * b, sizeof *g->h)) ||
        !(g->cs = glca_calloc(m * b, sizeof *g->cs)) ||
        !(g->sn = glca_calloc(m * b, sizeof *g->sn)) ||
        !(g->g = glca_calloc((m + 1) * b, sizeof *g->g)) ||
        !(g->w = glca_calloc((n + 1) * b, sizeof *g->w)) ||
        !(g->z = glca_calloc((n + 1) * b, sizeof *g->z)) ||
        !(g->t = glca_calloc((n + 1) * b, sizeof *g->t)) ||
        !(g->r = glca_calloc((n + 1) * b, sizeof *g->r)) ||
        !(g->beta = glca_calloc(b, sizeof *g->beta)) || !(g->be = glca_calloc(b, sizeof *g->be)) ||
        !(g->dot = glca_calloc(b, sizeof *g->dot)) ||
        !(g->proj = glca_calloc((m + 1) * b, sizeof *g->proj)) ||
        !(g->redo = glca_calloc(b, sizeof *g->redo)) ||
        !(g->state = glca_calloc(b, sizeof *g->state)) ||
        !(g->used = glca_calloc(b, sizeof *g->used)) ||
        !(g->budget = glca_calloc(b, sizeof *g->budget)) ||
        !(g->total = glca_calloc(b, sizeof *g->total)) ||
        !(g->stalls = glca_calloc(b, sizeof *g->stalls))) {
        glca_engine__gmres_multi_free(g);
        return glca_error_oom(err);
    }
    *out = g;
    return 0;
}

void glca_engine__gmres_multi_free(glca_engine__gmres_multi *g)
{
    if (!g)
        return;
    glca_free(g->v);
    glca_free(g->h);
    glca_free(g->cs);
    glca_free(g->sn);
    glca_free(g->g);
    glca_free(g->w);
    glca_free(g->z);
    glca_free(g->t);
    glca_free(g->r);
    glca_free(g->beta);
    glca_free(g->be);
    glca_free(g->dot);
    glca_free(g->proj);
    glca_free(g->redo);
    glca_free(g->state);
    glca_free(g->used);
    glca_free(g->budget);
    glca_free(g->total);
    glca_free(g->stalls);
    glca_free(g);
}

/* r = b - Op x, t = |Op| |x| + |b| and each system's backward error, as krylov.c's */
static void residuals(glca_engine__gmres_multi *g, const glca_engine__krylov_multi_ops *ops,
                      const double *b, const double *x, size_t width)
{
    size_t i, c;

    ops->apply(ops->payload, x, g->r, g->t, width);
    for (c = 0; c < width; c++)
        g->be[c] = 0;
    for (i = 0; i < g->n * width; i += width) {
        for (c = 0; c < width; c++) {
            const double r = b[i + c] - g->r[i + c], t = g->t[i + c] + fabs(b[i + c]);

            g->r[i + c] = r;
            g->t[i + c] = t;
            if (r != 0) {
                double e = t > 0 ? fabs(r) / t : INFINITY;

                if (!(e <= g->be[c]))
                    g->be[c] = e;
            }
        }
    }
}

/* krylov.c's set_weights for the systems about to start a cycle, in two passes over all */
static void set_weights(glca_engine__gmres_multi *g, size_t width)
{
    double *w = g->w, *wmax = g->dot;
    size_t i, c;

    for (c = 0; c < width; c++)
        wmax[c] = 0;
    for (i = 0; i < g->n * width; i += width)
        for (c = 0; c < width; c++) {
            if (g->state[c] != IN_CYCLE)
                continue;
            w[i + c] = g->t[i + c] > 0 ? 1 / g->t[i + c] : 0;
            if (w[i + c] > wmax[c] && isfinite(w[i + c]))
                wmax[c] = w[i + c];
        }
    for (i = 0; i < g->n * width; i += width)
        for (c = 0; c < width; c++)
            if (g->state[c] == IN_CYCLE && (!(w[i + c] > 0) || !isfinite(w[i + c])))
                w[i + c] = wmax[c] > 0 ? wmax[c] : 1;
}

/*
 * u := w ∘ u and out[c] = ||u[:, c]||_2 of the result in the same pass, the sums in the order
 * of glca_engine__lockstep_norms.  This and the two below are called with the constant
 * GLCA_ENGINE__MULTI_WIDTH where it applies, so the compiler unrolls and vectorizes the
 * innermost loop; restrict tells it the accumulators are not the vectors.
 */
static inline void weigh(double *restrict u, const double *restrict w, double *restrict out,
                         size_t nw, size_t width)
{
    size_t i, c;

    for (c = 0; c < width; c++)
        out[c] = 0;
    for (i = 0; i < nw; i += width) {
#pragma omp simd
        for (c = 0; c < width; c++) {
            u[i + c] *= w[i + c];
            out[c] += u[i + c] * u[i + c];
        }
    }
    for (c = 0; c < width; c++)
        out[c] = sqrt(out[c]);
}

/* d[l, c] += u[:, c] . V_l[:, c] for l <= j */
static inline void project(const double *restrict u, const double *restrict v, double *restrict d,
                           size_t nw, size_t j, size_t w)
{
    size_t i, l, c;

    for (i = 0; i < nw; i += w)
        for (l = 0; l <= j; l++) {
            const double *vl = v + l * nw + i;

#pragma omp simd
            for (c = 0; c < w; c++)
                d[l * w + c] += u[i + c] * vl[c];
        }
}

/* u[:, c] -= d[l, c] V_l[:, c] for l <= j, and out[c] = ||u[:, c]||_2 of the result as weigh */
static inline void subtract(double *restrict u, const double *restrict v, const double *restrict d,
                            double *restrict out, size_t nw, size_t j, size_t w)
{
    size_t i, l, c;

    for (c = 0; c < w; c++)
        out[c] = 0;
    for (i = 0; i < nw; i += w) {
        for (l = 0; l <= j; l++) {
            const double *vl = v + l * nw + i;

#pragma omp simd
            for (c = 0; c < w; c++)
                u[i + c] -= d[l * w + c] * vl[c];
        }
#pragma omp simd
        for (c = 0; c < w; c++)
            out[c] += u[i + c] * u[i + c];
    }
    for (c = 0; c < w; c++)
        out[c] = sqrt(out[c]);
}

/*
 * u := w ∘ u, then classical Gram-Schmidt of u against V_0..V_j, each system against its own
 * basis: the j + 1 inner products in one pass over the basis and one update pass (modified
 * Gram-Schmidt reads u again for every basis vector, which at 250,000 rows made it the largest
 * cost).  One pass leaves the new vector orthogonal to the basis within about eps / ratio,
 * ratio being its norm after the pass over its norm before, so the pass is repeated only for
 * the systems whose ratio fell below REDO_BELOW, where rounding would show (h gets the sum).
 * Daniel, Gragg, Kaufman and Stewart's 1/sqrt(2) repeats far more often: on the realistic
 * background at 250,000 processes every step fell below it (the lowest ratio was 0.02), so each
 * step read the basis four times instead of two, and without the second pass the categories
 * took 321 iterations instead of 322 with Lambda within 4.2e-12 (bench/README.md).  GMRES's
 * true residual is checked after every cycle either way.  The norms come out of the weighting
 * and the update passes, so u is read once less for each; g->beta receives the norms of the
 * result.
 */
static void orthogonalize(glca_engine__gmres_multi *g, double *u, size_t j, size_t width)
{
    const size_t n = g->n, m = (size_t)g->m, nw = n * width;
    const bool wide = width == GLCA_ENGINE__MULTI_WIDTH;
    double *d = g->proj, *before = g->beta, *after = g->dot;
    size_t l, c, pass;
    int again;

    if (wide)
        weigh(u, g->w, before, nw, GLCA_ENGINE__MULTI_WIDTH);
    else
        weigh(u, g->w, before, nw, width);
    for (pass = 0; pass < 2; pass++) {
        memset(d, 0, (j + 1) * width * sizeof *d);
        if (wide)
            project(u, g->v, d, nw, j, GLCA_ENGINE__MULTI_WIDTH);
        else
            project(u, g->v, d, nw, j, width);
        for (c = 0; c < width; c++)
            if (g->state[c] != IN_CYCLE || (pass == 1 && !g->redo[c]))
                for (l = 0; l <= j; l++)
                    d[l * width + c] = 0;
        if (wide)
            subtract(u, g->v, d, after, nw, j, GLCA_ENGINE__MULTI_WIDTH);
        else
            subtract(u, g->v, d, after, nw, j, width);
        for (c = 0; c < width; c++)
            for (l = 0; l <= j; l++)
                g->h[c * (m + 1) * m + j * (m + 1) + l] =
                    (pass ? g->h[c * (m + 1) * m + j * (m + 1) + l] : 0) + d[l * width + c];
        if (pass == 1)
            break;
        for (again = 0, c = 0; c < width; c++) {
            g->redo[c] = g->state[c] == IN_CYCLE && after[c] < before[c] * REDO_BELOW;
            again |= g->redo[c];
        }
        if (!again)
            break;
    }
    memcpy(g->beta, after, width * sizeof *g->beta);
}

/* One Givens step of system c at iteration j; 0 if its cycle goes on, 1 if it ends here. */
static int rotate(glca_engine__gmres_multi *g, size_t c, size_t j, double hn, double tol)
{
    const size_t m = (size_t)g->m;

    return glca_engine__lockstep_givens(g->h + c * (m + 1) * m + j * (m + 1), g->cs + c * m,
                                        g->sn + c * m, g->g + c * (m + 1), j, hn, tol, &g->used[c]);
}

/* z[:, c] = W^-1 V_c y_c for the systems that moved, 0 for the others, in one pass */
static void combine(glca_engine__gmres_multi *g, size_t width)
{
    const size_t n = g->n, m = (size_t)g->m, nw = n * width;
    double *y = g->proj; /* y[l * width + c], 0 beyond a system's iterations */
    size_t i, j, l, c, most = 0;

    for (c = 0; c < width; c++) {
        const double *h = g->h + c * (m + 1) * m, *gg = g->g + c * (m + 1);
        const size_t used = (size_t)g->used[c];

        for (l = 0; l < m; l++)
            y[l * width + c] = 0;
        for (l = used; l-- > 0;) {
            double s = gg[l];

            for (j = l + 1; j < used; j++)
                s -= h[j * (m + 1) + l] * y[j * width + c];
            y[l * width + c] = s / h[l * (m + 1) + l];
        }
        if (used > most)
            most = used;
    }
    for (i = 0; i < nw; i += width) {
        double *z = g->z + i;

        for (c = 0; c < width; c++)
            z[c] = 0;
        for (l = 0; l < most; l++) {
            const double *vl = g->v + l * nw + i;

            for (c = 0; c < width; c++)
                z[c] += y[l * width + c] * vl[c];
        }
        /* a system that did not move may never have had weights (converged at the start) */
        for (c = 0; c < width; c++)
            z[c] = g->used[c] ? z[c] / g->w[i + c] : 0;
    }
}

/* One cycle of every system IN_CYCLE (residual in g->r, weights set); x updated. */
static void cycle(glca_engine__gmres_multi *g, const glca_engine__krylov_multi_ops *ops, double *x,
                  size_t width, double tol)
{
    const size_t n = g->n, m = (size_t)g->m, nw = n * width;
    size_t i, j, c;
    int live;

    for (i = 0; i < nw; i++)
        g->v[i] = g->w[i] * g->r[i];
    glca_engine__lockstep_norms(g->v, n, width, g->beta);
    for (c = 0; c < width; c++) {
        g->used[c] = 0;
        g->dot[c] = 1;
        if (g->state[c] != IN_CYCLE)
            continue;
        if (!(g->beta[c] > 0) || !isfinite(g->beta[c])) {
            g->state[c] = OUT_OF_CYCLE;
            continue;
        }
        g->dot[c] = g->beta[c];
        memset(g->g + c * (m + 1), 0, (m + 1) * sizeof *g->g);
        g->g[c * (m + 1)] = g->beta[c];
    }
    glca_engine__lockstep_scale(g->v, n, width, g->dot);
    for (j = 0; j < m; j++) {
        double *vj = g->v + j * nw, *u = g->v + (j + 1) * nw;

        for (live = 0, c = 0; c < width; c++) {
            if (g->state[c] == IN_CYCLE && (int)j >= g->budget[c])
                g->state[c] = OUT_OF_CYCLE;
            live |= g->state[c] == IN_CYCLE;
        }
        if (!live)
            break;
        for (i = 0; i < nw; i += width)
            for (c = 0; c < width; c++)
                g->z[i + c] = g->state[c] == IN_CYCLE ? vj[i + c] / g->w[i + c] : 0;
        ops->precond(ops->payload, g->z, width);
        ops->apply(ops->payload, g->z, u, NULL, width);
        orthogonalize(g, u, j, width);
        for (c = 0; c < width; c++) {
            const double hn = g->beta[c];

            g->dot[c] = 1;
            if (g->state[c] != IN_CYCLE)
                continue;
            if (hn > 0)
                g->dot[c] = hn;
            if (rotate(g, c, j, hn, tol))
                g->state[c] = OUT_OF_CYCLE;
        }
        glca_engine__lockstep_scale(u, n, width, g->dot);
    }
    combine(g, width);
    ops->precond(ops->payload, g->z, width);
    for (i = 0; i < nw; i++)
        x[i] += g->z[i];
}

int glca_engine__gmres_multi_solve(glca_engine__gmres_multi *g,
                                   const glca_engine__krylov_multi_ops *ops, const double *b,
                                   double *x, size_t width, double tol, int max_iter, size_t *iters)
{
    const double inner = tol * sqrt((double)g->n) / 4; /* as krylov.c */
    size_t c, sum = 0;
    int running, converged = 0;

    if (width > g->width)
        width = g->width;
    residuals(g, ops, b, x, width);
    for (c = 0; c < width; c++) {
        g->total[c] = g->stalls[c] = 0;
        g->state[c] = g->be[c] > tol && max_iter > 0 ? RUNNING : FINISHED;
    }
    for (;;) {
        for (running = 0, c = 0; c < width; c++) {
            if (g->state[c] != RUNNING)
                continue;
            running = 1;
            g->state[c] = IN_CYCLE;
            g->budget[c] = max_iter - g->total[c];
            if (g->total[c] == 0 && g->budget[c] > FIRST_CYCLE)
                g->budget[c] = FIRST_CYCLE;
        }
        if (!running)
            break;
        set_weights(g, width);
        cycle(g, ops, x, width, inner);
        residuals(g, ops, b, x, width);
        for (c = 0; c < width; c++) {
            if (g->state[c] != OUT_OF_CYCLE && g->state[c] != IN_CYCLE)
                continue;
            g->total[c] += g->used[c];
            if ((g->used[c] == 0 && ++g->stalls[c] > 1) || !(g->be[c] > tol) ||
                g->total[c] >= max_iter)
                g->state[c] = FINISHED;
            else
                g->state[c] = RUNNING;
        }
    }
    for (c = 0; c < width; c++) {
        sum += (size_t)g->total[c];
        converged += g->be[c] <= tol;
    }
    if (iters)
        *iters = sum;
    return converged;
}
