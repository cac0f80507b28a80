/*
 * Restarted right-preconditioned GMRES with weighted residuals (krylov.h); the ILU is ilu.c's.
 *
 * GMRES works on the weighted system  W Op M^-1 W^-1 u = W r0  (W = diag(w)): the Arnoldi
 * vectors live in the weighted residual space, so the least-squares problem minimizes the
 * weighted residual, and x = x0 + M^-1 W^-1 V y.  Modified Gram-Schmidt and Givens rotations
 * as in Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., Algorithm 6.9 / 6.5.3.
 * The inner loop stops on the rotated residual estimate; convergence is only ever declared on
 * the true residual recomputed at the end of a cycle.
 */
#include "krylov.h"

#include <math.h>
#include <string.h>

/* Iterations of the first cycle (see glca_engine__gmres_solve). */
#define FIRST_CYCLE 8

struct glca_engine__gmres {
    size_t n;
    int m;
    double *v;  /* (m + 1) × n Arnoldi vectors */
    double *h;  /* (m + 1) × m Hessenberg, column-major */
    double *cs, *sn, *g, *y;
    double *w;  /* weights */
    double *z, *t, *r;
};

int glca_engine__gmres_new(glca_engine__gmres **out, size_t n, int restart, glca_error *err)
{
    glca_engine__gmres *g;
    const size_t m = restart > 0 ? (size_t)restart : 1;

    if (!(g = glca_calloc(1, sizeof *g)))
        return glca_error_oom(err);
    g->n = n;
    g->m = (int)m;
    if (n + 1 > SIZE_MAX / (m + 1) ||
        !(g->v = glca_mallocarray((m + 1) * (n + 1), sizeof *g->v)) ||
        !(g->h = glca_calloc((m + 1) * m, sizeof *g->h)) ||
        !(g->cs = glca_calloc(m, sizeof *g->cs)) || !(g->sn = glca_calloc(m, sizeof *g->sn)) ||
        !(g->g = glca_calloc(m + 1, sizeof *g->g)) || !(g->y = glca_calloc(m, sizeof *g->y)) ||
        !(g->w = glca_calloc(n + 1, sizeof *g->w)) || !(g->z = glca_calloc(n + 1, sizeof *g->z)) ||
        !(g->t = glca_calloc(n + 1, sizeof *g->t)) || !(g->r = glca_calloc(n + 1, sizeof *g->r))) {
        glca_engine__gmres_free(g);
        return glca_error_oom(err);
    }
    *out = g;
    return 0;
}

void glca_engine__gmres_free(glca_engine__gmres *g)
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
    glca_free(g);
}

double glca_engine__backward_error(const double *r, const double *t, size_t n)
{
    double worst = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (r[i] != 0) {
            double be = t[i] > 0 ? fabs(r[i]) / t[i] : INFINITY;

            if (!(be <= worst))
                worst = be;
        }
    }
    return worst;
}

/* r = b - Op x and t = |Op| |x| + |b|; returns the backward error */
static double residual(glca_engine__gmres *g, const glca_engine__krylov_ops *ops, const double *b,
                       const double *x)
{
    size_t i;

    ops->apply(ops->payload, x, g->r, g->t);
    for (i = 0; i < g->n; i++) {
        g->r[i] = b[i] - g->r[i];
        g->t[i] += fabs(b[i]);
    }
    return glca_engine__backward_error(g->r, g->t, g->n);
}

double glca_engine__dot(const double *u, const double *v, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i;

    for (i = 0; i + 4 <= n; i += 4) {
        s0 += u[i] * v[i];
        s1 += u[i + 1] * v[i + 1];
        s2 += u[i + 2] * v[i + 2];
        s3 += u[i + 3] * v[i + 3];
    }
    if (i < n)
        s0 += u[i] * v[i];
    if (i + 1 < n)
        s1 += u[i + 1] * v[i + 1];
    if (i + 2 < n)
        s2 += u[i + 2] * v[i + 2];
    return (s0 + s1) + (s2 + s3);
}

static double norm2(const double *v, size_t n)
{
    return sqrt(glca_engine__dot(v, v, n));
}

/*
 * u -= d v, then u . t: modified Gram-Schmidt's step against v and its next projection (or,
 * with t = u, the new vector's squared norm) in one pass over u, each u_i used as it is
 * written, so the bits are those of axpy then dot
 */
static double axpy_dot(double *u, const double *v, double d, const double *t, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i;

    for (i = 0; i + 4 <= n; i += 4) {
        u[i] -= d * v[i];
        u[i + 1] -= d * v[i + 1];
        u[i + 2] -= d * v[i + 2];
        u[i + 3] -= d * v[i + 3];
        s0 += u[i] * t[i];
        s1 += u[i + 1] * t[i + 1];
        s2 += u[i + 2] * t[i + 2];
        s3 += u[i + 3] * t[i + 3];
    }
    for (; i < n; i++)
        u[i] -= d * v[i];
    i = n - n % 4;
    if (i < n)
        s0 += u[i] * t[i];
    if (i + 1 < n)
        s1 += u[i + 1] * t[i + 1];
    if (i + 2 < n)
        s2 += u[i + 2] * t[i + 2];
    return (s0 + s1) + (s2 + s3);
}

/* Weights 1 / t; rows with t = 0 (no entries met yet) get the largest weight of the others. */
static void set_weights(glca_engine__gmres *g)
{
    double wmax = 0;
    size_t i;

    for (i = 0; i < g->n; i++) {
        g->w[i] = g->t[i] > 0 ? 1 / g->t[i] : 0;
        if (g->w[i] > wmax && isfinite(g->w[i]))
            wmax = g->w[i];
    }
    for (i = 0; i < g->n; i++)
        if (!(g->w[i] > 0) || !isfinite(g->w[i]))
            g->w[i] = wmax > 0 ? wmax : 1;
}

/* One GMRES cycle from the residual in g->r; x updated.  Returns iterations or < 0. */
static int cycle(glca_engine__gmres *g, const glca_engine__krylov_ops *ops, double *x, double tol,
                 int budget, glca_error *err)
{
    const size_t n = g->n, m = (size_t)g->m;
    double beta, *v0 = g->v;
    size_t i, j, l, used = 0;
    int rc;

#pragma omp simd
    for (i = 0; i < n; i++)
        v0[i] = g->w[i] * g->r[i];
    beta = norm2(v0, n);
    if (!(beta > 0) || !isfinite(beta))
        return 0;
#pragma omp simd
    for (i = 0; i < n; i++)
        v0[i] /= beta;
    memset(g->g, 0, (m + 1) * sizeof *g->g);
    g->g[0] = beta;
    for (j = 0; j < m && (int)j < budget; j++) {
        double *vj = g->v + j * n, *u = g->v + (j + 1) * n, *hj = g->h + j * (m + 1), hn, den;

#pragma omp simd
        for (i = 0; i < n; i++)
            g->z[i] = vj[i] / g->w[i];
        if ((rc = ops->precond(ops->payload, g->z, err)) < 0)
            return rc;
        ops->apply(ops->payload, g->z, u, NULL);
#pragma omp simd
        for (i = 0; i < n; i++)
            u[i] *= g->w[i];
        hj[0] = glca_engine__dot(u, g->v, n);
        for (l = 1; l <= j; l++)
            hj[l] = axpy_dot(u, g->v + (l - 1) * n, hj[l - 1], g->v + l * n, n);
        hn = sqrt(axpy_dot(u, vj, hj[j], u, n));
        hj[j + 1] = hn;
        if (hn > 0) {
#pragma omp simd
            for (i = 0; i < n; i++)
                u[i] /= hn;
        }
        for (l = 0; l < j; l++) {
            double a = hj[l], b = hj[l + 1];

            hj[l] = g->cs[l] * a + g->sn[l] * b;
            hj[l + 1] = -g->sn[l] * a + g->cs[l] * b;
        }
        den = hypot(hj[j], hj[j + 1]);
        if (!(den > 0) || !isfinite(den))
            break;
        g->cs[j] = hj[j] / den;
        g->sn[j] = hj[j + 1] / den;
        hj[j] = den;
        hj[j + 1] = 0;
        g->g[j + 1] = -g->sn[j] * g->g[j];
        g->g[j] *= g->cs[j];
        used = j + 1;
        if (fabs(g->g[j + 1]) <= tol || hn == 0)
            break;
    }
    /* y = H^-1 g (upper triangular), then x += M^-1 W^-1 V y */
    for (l = used; l-- > 0;) {
        double s = g->g[l];

        for (j = l + 1; j < used; j++)
            s -= g->h[j * (m + 1) + l] * g->y[j];
        g->y[l] = s / g->h[l * (m + 1) + l];
    }
    memset(g->z, 0, n * sizeof *g->z);
    for (l = 0; l < used; l++) {
        const double *vl = g->v + l * n, yl = g->y[l];

#pragma omp simd
        for (i = 0; i < n; i++)
            g->z[i] += yl * vl[i];
    }
#pragma omp simd
    for (i = 0; i < n; i++)
        g->z[i] /= g->w[i];
    if ((rc = ops->precond(ops->payload, g->z, err)) < 0)
        return rc;
#pragma omp simd
    for (i = 0; i < n; i++)
        x[i] += g->z[i];
    return (int)used;
}

int glca_engine__gmres_solve_weighted(glca_engine__gmres *g, const glca_engine__krylov_ops *ops,
                                      const double *b, double *x, const double *w, double tol,
                                      int max_iter, size_t *iters, double *estimate,
                                      glca_error *err)
{
    size_t total = 0, i;
    double est;
    int rc = 0, stalls = 0;

    memcpy(g->w, w, g->n * sizeof *g->w);
    for (i = 0; i < g->n; i++)
        if (!(g->w[i] > 0))
            g->w[i] = 0;
    for (;;) {
        /* the estimate reads r alone: no |Op| |x| */
        ops->apply(ops->payload, x, g->r, NULL);
        for (est = 0, i = 0; i < g->n; i++) {
            g->r[i] = b[i] - g->r[i];
            est += g->w[i] * fabs(g->r[i]);
        }
        if (!(est > tol) || (int)total >= max_iter)
            break;
        /* a zero weight would make W singular in the Arnoldi space: give those rows a weight
           far below the others, so they neither matter nor break the iteration */
        for (i = 0; i < g->n; i++)
            if (g->w[i] == 0)
                g->w[i] = 1e-300;
        rc = cycle(g, ops, x, tol / 4, max_iter - (int)total, err);
        for (i = 0; i < g->n; i++)
            if (g->w[i] == 1e-300)
                g->w[i] = 0;
        if (rc < 0)
            return rc;
        if (rc == 0 && ++stalls > 1)
            break;
        total += (size_t)rc;
    }
    if (iters)
        *iters = total;
    if (estimate)
        *estimate = est;
    return est <= tol ? 1 : 0;
}

int glca_engine__gmres_solve(glca_engine__gmres *g, const glca_engine__krylov_ops *ops,
                             const double *b, double *x, double tol, int max_iter,
                             size_t *iters, double *omega, glca_error *err)
{
    size_t total = 0;
    double be = residual(g, ops, b, x);
    int rc = 0, stalls = 0;

    /* the estimate of the weighted 2-norm is tested against tol · sqrt(n)/4: rounding leaves
       about that much in a vector of n components each at the backward-error target */
    const double inner = tol * sqrt((double)g->n) / 4;

    while (be > tol && (int)total < max_iter) {
        int budget = max_iter - (int)total;

        /* the weights come from the current x: the first cycle is short, because weights from
           a poor first guess (rows whose x0 is far too small get huge weights) can stall it */
        if (total == 0 && budget > FIRST_CYCLE)
            budget = FIRST_CYCLE;
        set_weights(g);
        rc = cycle(g, ops, x, inner, budget, err);
        if (rc < 0)
            return rc;
        if (rc == 0 && ++stalls > 1)
            break;
        total += (size_t)rc;
        be = residual(g, ops, b, x);
    }
    if (iters)
        *iters = total;
    if (omega)
        *omega = be;
    return be <= tol ? 1 : 0;
}
