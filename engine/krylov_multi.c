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
 * met leaves the solve.  So its arithmetic is exactly what krylov.c would do to it alone.
 */
#include "krylov.h"

#include <math.h>
#include <string.h>

/* Iterations of the first cycle, as in krylov.c: weights from a poor first guess can stall. */
#define FIRST_CYCLE 8

enum { RUNNING, IN_CYCLE, OUT_OF_CYCLE, FINISHED };

struct glca_engine__gmres_multi {
    size_t n, width;
    int m;
    double *v;            /* (m + 1) vectors of n × width */
    double *h;            /* per system (m + 1) × m, column-major */
    double *cs, *sn, *g;  /* per system m, m, m + 1 */
    double *y;            /* m */
    double *w, *z, *t, *r; /* n × width */
    double *beta, *be, *dot; /* width */
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
        !(g->y = glca_calloc(m, sizeof *g->y)) ||
        !(g->w = glca_calloc((n + 1) * b, sizeof *g->w)) ||
        !(g->z = glca_calloc((n + 1) * b, sizeof *g->z)) ||
        !(g->t = glca_calloc((n + 1) * b, sizeof *g->t)) ||
        !(g->r = glca_calloc((n + 1) * b, sizeof *g->r)) ||
        !(g->beta = glca_calloc(b, sizeof *g->beta)) ||
        !(g->be = glca_calloc(b, sizeof *g->be)) || !(g->dot = glca_calloc(b, sizeof *g->dot)) ||
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
    glca_free(g->y);
    glca_free(g->w);
    glca_free(g->z);
    glca_free(g->t);
    glca_free(g->r);
    glca_free(g->beta);
    glca_free(g->be);
    glca_free(g->dot);
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

/* krylov.c's set_weights for system c */
static void set_weights(glca_engine__gmres_multi *g, size_t c, size_t width)
{
    double wmax = 0, *w = g->w;
    size_t i;

    for (i = c; i < g->n * width; i += width) {
        w[i] = g->t[i] > 0 ? 1 / g->t[i] : 0;
        if (w[i] > wmax && isfinite(w[i]))
            wmax = w[i];
    }
    for (i = c; i < g->n * width; i += width)
        if (!(w[i] > 0) || !isfinite(w[i]))
            w[i] = wmax > 0 ? wmax : 1;
}

/* column sums of squares, each in the order of i */
static void norms(const double *v, size_t n, size_t width, double *out)
{
    size_t i, c;

    for (c = 0; c < width; c++)
        out[c] = 0;
    for (i = 0; i < n * width; i += width)
        for (c = 0; c < width; c++)
            out[c] += v[i + c] * v[i + c];
    for (c = 0; c < width; c++)
        out[c] = sqrt(out[c]);
}

/* One Givens step of system c at iteration j; 0 if its cycle goes on, 1 if it ends here. */
static int rotate(glca_engine__gmres_multi *g, size_t c, size_t j, double hn, double tol)
{
    const size_t m = (size_t)g->m;
    double *hj = g->h + c * (m + 1) * m + j * (m + 1), *cs = g->cs + c * m, *sn = g->sn + c * m;
    double *gg = g->g + c * (m + 1), den;
    size_t l;

    hj[j + 1] = hn;
    for (l = 0; l < j; l++) {
        double a = hj[l], b = hj[l + 1];

        hj[l] = cs[l] * a + sn[l] * b;
        hj[l + 1] = -sn[l] * a + cs[l] * b;
    }
    den = hypot(hj[j], hj[j + 1]);
    if (!(den > 0) || !isfinite(den))
        return 1;
    cs[j] = hj[j] / den;
    sn[j] = hj[j + 1] / den;
    hj[j] = den;
    hj[j + 1] = 0;
    gg[j + 1] = -sn[j] * gg[j];
    gg[j] *= cs[j];
    g->used[c] = (int)j + 1;
    return fabs(gg[j + 1]) <= tol || hn == 0;
}

/* z[:, c] = V_c y_c for the systems that moved, 0 for the others */
static void combine(glca_engine__gmres_multi *g, size_t width)
{
    const size_t n = g->n, m = (size_t)g->m;
    size_t i, j, l, c;

    memset(g->z, 0, n * width * sizeof *g->z);
    for (c = 0; c < width; c++) {
        const double *h = g->h + c * (m + 1) * m, *gg = g->g + c * (m + 1);
        const size_t used = (size_t)g->used[c];

        for (l = used; l-- > 0;) {
            double s = gg[l];

            for (j = l + 1; j < used; j++)
                s -= h[j * (m + 1) + l] * g->y[j];
            g->y[l] = s / h[l * (m + 1) + l];
        }
        for (l = 0; l < used; l++) {
            const double *vl = g->v + l * n * width, yl = g->y[l];

            for (i = c; i < n * width; i += width)
                g->z[i] += yl * vl[i];
        }
        for (i = c; i < n * width; i += width)
            g->z[i] /= g->w[i];
    }
}

/* One cycle of every system IN_CYCLE (residual in g->r, weights set); x updated. */
static void cycle(glca_engine__gmres_multi *g, const glca_engine__krylov_multi_ops *ops,
                  double *x, size_t width, double tol)
{
    const size_t n = g->n, m = (size_t)g->m, nw = n * width;
    size_t i, j, l, c;
    int live;

    for (i = 0; i < nw; i++)
        g->v[i] = g->w[i] * g->r[i];
    norms(g->v, n, width, g->beta);
    for (c = 0; c < width; c++) {
        g->used[c] = 0;
        if (g->state[c] != IN_CYCLE)
            continue;
        if (!(g->beta[c] > 0) || !isfinite(g->beta[c])) {
            g->state[c] = OUT_OF_CYCLE;
            continue;
        }
        for (i = c; i < nw; i += width)
            g->v[i] /= g->beta[c];
        memset(g->g + c * (m + 1), 0, (m + 1) * sizeof *g->g);
        g->g[c * (m + 1)] = g->beta[c];
    }
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
        for (i = 0; i < nw; i++)
            u[i] *= g->w[i];
        /* modified Gram-Schmidt, each system against its own basis */
        for (l = 0; l <= j; l++) {
            const double *vl = g->v + l * nw;

            for (c = 0; c < width; c++)
                g->dot[c] = 0;
            for (i = 0; i < nw; i += width)
                for (c = 0; c < width; c++)
                    g->dot[c] += u[i + c] * vl[i + c];
            for (c = 0; c < width; c++)
                g->h[c * (m + 1) * m + j * (m + 1) + l] = g->dot[c];
            for (i = 0; i < nw; i += width)
                for (c = 0; c < width; c++)
                    u[i + c] -= g->dot[c] * vl[i + c];
        }
        norms(u, n, width, g->beta);
        for (c = 0; c < width; c++) {
            const double hn = g->beta[c];

            if (g->state[c] != IN_CYCLE)
                continue;
            if (hn > 0)
                for (i = c; i < nw; i += width)
                    u[i] /= hn;
            if (rotate(g, c, j, hn, tol))
                g->state[c] = OUT_OF_CYCLE;
        }
    }
    combine(g, width);
    ops->precond(ops->payload, g->z, width);
    for (i = 0; i < nw; i++)
        x[i] += g->z[i];
}

int glca_engine__gmres_multi_solve(glca_engine__gmres_multi *g,
                                   const glca_engine__krylov_multi_ops *ops, const double *b,
                                   double *x, size_t width, double tol, int max_iter,
                                   size_t *iters)
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
            set_weights(g, c, width);
        }
        if (!running)
            break;
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
