/*
 * Goal-oriented GMRES on a block of systems in lockstep (krylov_draws.h): the algorithm of
 * krylov.c's glca_engine__gmres_solve_weighted, every vector interleaved so that the operator
 * and the preconditioner stream their indexes once for the whole block.  On the realistic
 * background a draw is bound by memory traffic (A, its ILU and the Arnoldi basis are read once
 * per iteration for 15 iterations), so a block of draws reuses each index from cache.
 *
 * Each system keeps its own weights, Hessenberg matrix, rotations, budget and stall count; a
 * system whose cycle has ended sits out the rest of the block's cycle with its search direction
 * zeroed, and one whose estimate is met leaves.  Every loop runs over the rows in order with the
 * systems innermost and every value a system reads is its own (terms of other systems' steps
 * are masked, never multiplied by zero, so a NaN elsewhere cannot leak in): a draw's result is
 * the same in any block.  Each system's operations are those of krylov.c's solve, in the same
 * order (modified Gram-Schmidt included), so a draw's result is bit for bit GMRES_ILU's too.
 */
#include "krylov_draws.h"

#include <math.h>
#include <string.h>

/* A zero goal weight in the Arnoldi space: far below the others, as krylov.c. */
#define TINY_WEIGHT 1e-300

enum { RUNNING, IN_CYCLE, OUT_OF_CYCLE, FINISHED };

struct glca_engine__gmres_draws {
    size_t n, width;
    int m;
    double *v;                /* (m + 1) vectors of n × width */
    double *h;                /* per system (m + 1) × m, column-major */
    double *cs, *sn, *g;      /* per system m, m, m + 1 */
    double *w, *z, *r;        /* n × width: the cycle's weights (none zero) */
    double *beta, *est, *dot; /* width */
    double *proj;             /* (m + 1) × width: projections, then the solutions y */
    double *part;             /* GLCA_ENGINE__PARTIALS × width: partial sums of a dot */
    int *state, *used, *budget, *total, *stalls;
};

int glca_engine__gmres_draws_new(glca_engine__gmres_draws **out, size_t n, size_t width,
                                 int restart, glca_error *err)
{
    glca_engine__gmres_draws *g;
    const size_t m = restart > 0 ? (size_t)restart : 1, b = width ? width : 1;

    if (!(g = glca_calloc(1, sizeof *g)))
        return glca_error_oom(err);
    g->n = n;
    g->width = b;
    g->m = (int)m;
    if (n + 1 > SIZE_MAX / b / (m + 1) ||
        !(g->v = glca_mallocarray((m + 1) * (n + 1) * b, sizeof *g->v)) ||
        !(g->h = glca_calloc((m + 1) * m * b, sizeof *g->h)) ||
        !(g->cs = glca_calloc(m * b, sizeof *g->cs)) ||
        !(g->sn = glca_calloc(m * b, sizeof *g->sn)) ||
        !(g->g = glca_calloc((m + 1) * b, sizeof *g->g)) ||
        !(g->w = glca_calloc((n + 1) * b, sizeof *g->w)) ||
        !(g->z = glca_calloc((n + 1) * b, sizeof *g->z)) ||
        !(g->r = glca_calloc((n + 1) * b, sizeof *g->r)) ||
        !(g->beta = glca_calloc(b, sizeof *g->beta)) ||
        !(g->est = glca_calloc(b, sizeof *g->est)) || !(g->dot = glca_calloc(b, sizeof *g->dot)) ||
        !(g->proj = glca_calloc((m + 1) * b, sizeof *g->proj)) ||
        !(g->part = glca_calloc(GLCA_ENGINE__PARTIALS * b, sizeof *g->part)) ||
        !(g->state = glca_calloc(b, sizeof *g->state)) ||
        !(g->used = glca_calloc(b, sizeof *g->used)) ||
        !(g->budget = glca_calloc(b, sizeof *g->budget)) ||
        !(g->total = glca_calloc(b, sizeof *g->total)) ||
        !(g->stalls = glca_calloc(b, sizeof *g->stalls))) {
        glca_engine__gmres_draws_free(g);
        return glca_error_oom(err);
    }
    *out = g;
    return 0;
}

void glca_engine__gmres_draws_free(glca_engine__gmres_draws *g)
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
    glca_free(g->r);
    glca_free(g->beta);
    glca_free(g->est);
    glca_free(g->dot);
    glca_free(g->proj);
    glca_free(g->part);
    glca_free(g->state);
    glca_free(g->used);
    glca_free(g->budget);
    glca_free(g->total);
    glca_free(g->stalls);
    glca_free(g);
}

/* r = b - Op x and each system's estimate sum_i w_i |r_i| (w clipped at 0), in the order of i */
static void residuals(glca_engine__gmres_draws *g, const glca_engine__krylov_multi_ops *ops,
                      const double *b, const double *x, const double *w, size_t width)
{
    size_t i, c;

    ops->apply(ops->payload, x, g->r, NULL, width);
    for (c = 0; c < width; c++)
        g->est[c] = 0;
    for (i = 0; i < g->n * width; i += width)
        for (c = 0; c < width; c++) {
            const double r = b[i + c] - g->r[i + c], wi = w[i + c] > 0 ? w[i + c] : 0;

            g->r[i + c] = r;
            g->est[c] += wi * fabs(r);
        }
}

/*
 * d[c] = u[:, c] . v[:, c], each in krylov.c's partial sums (krylov.h: row i into partial
 * i mod 4, part holding the 4 × w partials); w a constant where the caller can
 */
static inline void dot(const double *restrict u, const double *restrict v, double *restrict d,
                       double *restrict part, size_t n, size_t w)
{
    size_t i, c;

    for (c = 0; c < GLCA_ENGINE__PARTIALS * w; c++)
        part[c] = 0;
    for (i = 0; i < n; i++) {
        const double *ui = u + i * w, *vi = v + i * w;
        double *pk = part + (i % GLCA_ENGINE__PARTIALS) * w;

#pragma omp simd
        for (c = 0; c < w; c++)
            pk[c] += ui[c] * vi[c];
    }
    for (c = 0; c < w; c++)
        d[c] = (part[c] + part[w + c]) + (part[2 * w + c] + part[3 * w + c]);
}

/* Column 2-norms as krylov.c's norm2 (glca_engine__lockstep_norms sums in one chain) */
static void norms(glca_engine__gmres_draws *g, const double *v, size_t width, double *out)
{
    size_t c;

    if (width == GLCA_ENGINE__MULTI_WIDTH)
        dot(v, v, out, g->part, g->n, GLCA_ENGINE__MULTI_WIDTH);
    else
        dot(v, v, out, g->part, g->n, width);
    for (c = 0; c < width; c++)
        out[c] = sqrt(out[c]);
}

/* u[:, c] -= d[c] v[:, c] */
static inline void axpy(double *restrict u, const double *restrict v, const double *restrict d,
                        size_t nw, size_t w)
{
    size_t i, c;

    for (i = 0; i < nw; i += w)
#pragma omp simd
        for (c = 0; c < w; c++)
            u[i + c] -= d[c] * v[i + c];
}

/*
 * Modified Gram-Schmidt of u against V_0..V_j, each system against its own basis: krylov.c's
 * arithmetic, system by system, so a draw's result is bitwise GMRES_ILU's.  Classical
 * Gram-Schmidt with reorthogonalization, as krylov_multi.c, was measured no faster here (8.3
 * against 8.0 draws/s on the realistic background, within the noise of the shared machine)
 * and gives that property up.  A system outside the cycle gets zero projections.
 */
static void orthogonalize(glca_engine__gmres_draws *g, double *u, size_t j, size_t width)
{
    const size_t n = g->n, m = (size_t)g->m, nw = n * width;
    double *d = g->proj;
    size_t l, c;

    for (l = 0; l <= j; l++) {
        const double *vl = g->v + l * nw;

        if (width == GLCA_ENGINE__MULTI_WIDTH)
            dot(u, vl, d, g->part, n, GLCA_ENGINE__MULTI_WIDTH);
        else
            dot(u, vl, d, g->part, n, width);
        for (c = 0; c < width; c++) {
            if (g->state[c] != IN_CYCLE)
                d[c] = 0;
            else
                g->h[c * (m + 1) * m + j * (m + 1) + l] = d[c];
        }
        if (width == GLCA_ENGINE__MULTI_WIDTH)
            axpy(u, vl, d, nw, GLCA_ENGINE__MULTI_WIDTH);
        else
            axpy(u, vl, d, nw, width);
    }
}

/* One Givens step of system c at iteration j; 0 if its cycle goes on, 1 if it ends here. */
static int rotate(glca_engine__gmres_draws *g, size_t c, size_t j, double hn, double tol)
{
    const size_t m = (size_t)g->m;

    return glca_engine__lockstep_givens(g->h + c * (m + 1) * m + j * (m + 1), g->cs + c * m,
                                        g->sn + c * m, g->g + c * (m + 1), j, hn, tol, &g->used[c]);
}

/* z[:, c] = W^-1 V_c y_c over system c's own iterations, 0 for a system that did not move */
static void combine(glca_engine__gmres_draws *g, size_t width)
{
    const size_t n = g->n, m = (size_t)g->m, nw = n * width;
    double *y = g->proj;
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
                if (l < (size_t)g->used[c])
                    z[c] += y[l * width + c] * vl[c];
        }
        for (c = 0; c < width; c++)
            z[c] = g->used[c] ? z[c] / g->w[i + c] : 0;
    }
}

/* One cycle of every system IN_CYCLE (residual in g->r); x updated where a system moved. */
static void cycle(glca_engine__gmres_draws *g, const glca_engine__krylov_multi_ops *ops, double *x,
                  size_t width, double tol)
{
    const size_t n = g->n, m = (size_t)g->m, nw = n * width;
    size_t i, j, c;
    bool live;

    for (i = 0; i < nw; i++)
        g->v[i] = g->w[i] * g->r[i];
    norms(g, g->v, width, g->beta);
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

        for (live = false, c = 0; c < width; c++) {
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
        for (i = 0; i < nw; i++)
            u[i] *= g->w[i];
        orthogonalize(g, u, j, width);
        norms(g, u, width, g->beta);
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
    for (i = 0; i < nw; i += width)
        for (c = 0; c < width; c++)
            if (g->used[c])
                x[i + c] += g->z[i + c];
}

size_t glca_engine__gmres_draws_solve(glca_engine__gmres_draws *g,
                                      const glca_engine__krylov_multi_ops *ops, const double *b,
                                      double *x, const double *w, size_t width, double tol,
                                      int max_iter, size_t *iters, bool *converged)
{
    const size_t nw = g->n * (width > g->width ? g->width : width);
    size_t c, i, done = 0;
    bool running;

    if (width > g->width)
        width = g->width;
    for (i = 0; i < nw; i++)
        g->w[i] = w[i] > 0 ? w[i] : TINY_WEIGHT;
    residuals(g, ops, b, x, w, width);
    for (c = 0; c < width; c++) {
        g->total[c] = g->stalls[c] = 0;
        g->state[c] = g->est[c] > tol && max_iter > 0 ? RUNNING : FINISHED;
    }
    for (;;) {
        for (running = false, c = 0; c < width; c++) {
            if (g->state[c] != RUNNING)
                continue;
            running = true;
            g->state[c] = IN_CYCLE;
            g->budget[c] = max_iter - g->total[c];
        }
        if (!running)
            break;
        cycle(g, ops, x, width, tol / 4);
        residuals(g, ops, b, x, w, width);
        for (c = 0; c < width; c++) {
            if (g->state[c] != OUT_OF_CYCLE && g->state[c] != IN_CYCLE)
                continue;
            g->total[c] += g->used[c];
            if ((g->used[c] == 0 && ++g->stalls[c] > 1) || !(g->est[c] > tol) ||
                g->total[c] >= max_iter)
                g->state[c] = FINISHED;
            else
                g->state[c] = RUNNING;
        }
    }
    for (c = 0; c < width; c++) {
        iters[c] = (size_t)g->total[c];
        converged[c] = g->est[c] <= tol;
        done += converged[c];
    }
    return done;
}
