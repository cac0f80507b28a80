/*
 * The iterative solvers (engine/krylov.c): ILU(0) on systems worked out by hand and on
 * triangular matrices (where ILU(0) is the exact LU), and GMRES on random seeded systems with
 * one giant strongly connected component and product sizes six orders of magnitude apart.
 * Expected values come from dense Gaussian elimination written here and from residuals
 * computed here, never from the engine.
 */
#include "engine_helpers.h"
#include "helpers_random.h"

#include "engine/krylov.h"
#include "engine/sparse.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>

#define N 120

/* CSC from a dense row-major n × n matrix, keeping the diagonal even when zero. */
static glca_engine__csc *to_csc(const double *a, size_t n)
{
    glca_engine__triplets t;
    glca_engine__csc *out = NULL;
    glca_error err = GLCA_ERROR_INIT;
    size_t i, j;

    glca_engine__triplets_init(&t, n, n);
    for (j = 0; j < n; j++)
        for (i = 0; i < n; i++)
            if (a[i * n + j] != 0 || i == j)
                OK(glca_engine__triplets_add(&t, i, j, a[i * n + j]), &err);
    OK(glca_engine__csc_from_triplets(&out, &t, &err), &err);
    glca_engine__triplets_free(&t);
    return out;
}

Test(engine_krylov, ilu_of_a_full_2x2_is_its_lu, .timeout = 5)
{
    /* A = [1 -0.5; -0.25 1].  A x = (1, 0): x1 = x0 / 4, x0 (1 - 1/8) = 1, so x = (8/7, 2/7);
       A^T y = (1, 0): y1 = y0 / 2, y0 (1 - 1/8) = 1, so y = (8/7, 4/7). */
    const double a[4] = {1, -0.5, -0.25, 1};
    glca_engine__csc *m = to_csc(a, 2);
    glca_engine__ilu *f = NULL;
    glca_error err = GLCA_ERROR_INIT;
    double x[2] = {1, 0}, y[2] = {1, 0};

    OK(glca_engine__ilu_new(&f, m, &err), &err);
    glca_engine__ilu_tsolve(f, x);
    glca_engine__ilu_solve(f, y);
    ASSERT_REL(x[0], 8.0 / 7, 1e-15);
    ASSERT_REL(x[1], 2.0 / 7, 1e-15);
    ASSERT_REL(y[0], 8.0 / 7, 1e-15);
    ASSERT_REL(y[1], 4.0 / 7, 1e-15);
    glca_engine__ilu_free(f);
    glca_engine__csc_free(m);
}

Test(engine_krylov, ilu_of_triangular_matrices_solves_exactly, .timeout = 5)
{
    uint64_t st = 42;
    int lower;

    for (lower = 0; lower < 2; lower++) {
        double *a = calloc(N * N, sizeof *a), b[N], x[N], y[N], want[N];
        glca_engine__csc *m;
        glca_engine__ilu *f = NULL;
        glca_error err = GLCA_ERROR_INIT;
        size_t i, j;

        cr_assert(a);
        for (i = 0; i < N; i++) {
            a[i * N + i] = 1 + uniform(&st);
            for (j = 0; j < 4; j++) {
                size_t o = (size_t)(next_random(&st) % N);

                if ((lower && o < i) || (!lower && o > i))
                    a[i * N + o] = -uniform(&st);
            }
            b[i] = uniform(&st) - 0.3;
        }
        m = to_csc(a, N);
        OK(glca_engine__ilu_new(&f, m, &err), &err);
        memcpy(x, b, sizeof x);
        glca_engine__ilu_tsolve(f, x); /* A x = b */
        dense_solve(a, b, want, N, false);
        for (i = 0; i < N; i++)
            ASSERT_REL(x[i], want[i], 1e-12);
        memcpy(y, b, sizeof y);
        glca_engine__ilu_solve(f, y); /* A^T y = b */
        dense_solve(a, b, want, N, true);
        for (i = 0; i < N; i++)
            ASSERT_REL(y[i], want[i], 1e-12);
        glca_engine__ilu_free(f);
        glca_engine__csc_free(m);
        free(a);
    }
}

Test(engine_krylov, ilu_reports_a_zero_pivot, .timeout = 5)
{
    /* A = [1 1; 1 1]: the second pivot is 1 - 1·1 = 0 */
    const double a[4] = {1, 1, 1, 1};
    glca_engine__csc *m = to_csc(a, 2);
    glca_engine__ilu *f = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_engine__ilu_new(&f, m, &err), GLCA_ESINGULAR);
    cr_assert_null(f);
    glca_engine__csc_free(m);
}

/*
 * A = S (I - W) S^-1: W has 5 entries per column in random rows, column sums at most 0.8, so
 * the graph is one strongly connected component with high probability (checked: every row and
 * column has an off-diagonal entry) and I - W is non-singular; S spans 1e-3 .. 1e3.
 */
static double *giant_scc(uint64_t seed, size_t n)
{
    double *a = calloc(n * n, sizeof *a), *s = malloc(n * sizeof *s);
    uint64_t st = seed;
    size_t i, j, e;

    cr_assert(a && s);
    for (i = 0; i < n; i++)
        s[i] = pow(10, 6 * uniform(&st) - 3);
    for (j = 0; j < n; j++) {
        double w[5], sum = 0, budget = 0.2 + 0.6 * uniform(&st);
        size_t rows[5];

        for (e = 0; e < 5; e++) {
            rows[e] = (j + 1 + (size_t)(next_random(&st) % (n - 1))) % n;
            sum += (w[e] = 0.1 + uniform(&st));
        }
        rows[0] = (j + 1) % n; /* a cycle through everything: one SCC for sure */
        for (e = 0; e < 5; e++)
            a[rows[e] * n + j] -= budget * w[e] / sum * s[rows[e]] / s[j];
        a[j * n + j] += 1;
    }
    free(s);
    return a;
}

typedef struct op_payload {
    const glca_engine__csc *a;
    const glca_engine__ilu *ilu;
    bool trans;
} op_payload;

static void apply(void *payload, const double *x, double *y, double *y_abs)
{
    const op_payload *p = payload;

    if (p->trans)
        glca_engine__csc_tmv(p->a, x, y);
    else
        glca_engine__csc_mv(p->a, x, y);
    if (y_abs) {
        size_t j, e;

        memset(y_abs, 0, p->a->ncols * sizeof *y_abs);
        for (j = 0; j < p->a->ncols; j++)
            for (e = p->a->colptr[j]; e < p->a->colptr[j + 1]; e++) {
                size_t i = p->a->rowidx[e];
                double v = fabs(p->a->values[e]);

                if (p->trans)
                    y_abs[j] += v * fabs(x[i]);
                else
                    y_abs[i] += v * fabs(x[j]);
            }
    }
}

static int precond(void *payload, double *x, glca_error *err)
{
    const op_payload *p = payload;

    (void)err;
    if (p->trans)
        glca_engine__ilu_solve(p->ilu, x);
    else
        glca_engine__ilu_tsolve(p->ilu, x);
    return 0;
}

Test(engine_krylov, gmres_matches_gaussian_elimination_on_a_giant_scc, .timeout = 30)
{
    uint64_t seed;

    for (seed = 1; seed <= 4; seed++) {
        double *a = giant_scc(seed, N), b[N], x[N], want[N], r[N], t[N];
        glca_engine__csc *m = to_csc(a, N);
        glca_engine__ilu *f = NULL;
        glca_engine__gmres *g = NULL;
        glca_error err = GLCA_ERROR_INIT;
        op_payload pl = {m, NULL, seed % 2 == 0};
        glca_engine__krylov_ops ops = {apply, precond, &pl};
        uint64_t st = seed * 77;
        size_t i, j, iters = 0;
        double omega = 1;

        for (i = 0; i < N; i++)
            b[i] = uniform(&st) < 0.3 ? uniform(&st) * 10 : 0;
        b[0] = 1;
        OK(glca_engine__ilu_new(&f, m, &err), &err);
        pl.ilu = f;
        OK(glca_engine__gmres_new(&g, N, 10, &err), &err); /* small restart: cycles are tested */
        memcpy(x, b, sizeof x);
        precond(&pl, x, &err);
        cr_assert_eq(glca_engine__gmres_solve(g, &ops, b, x, 1e-13, 500, &iters, &omega, &err),
                     1, "seed %llu: not converged after %zu iterations (omega %g)",
                     (unsigned long long)seed, iters, omega);
        dense_solve(a, b, want, N, pl.trans);
        for (i = 0; i < N; i++)
            ASSERT_REL(x[i], want[i], 1e-9);
        /* componentwise backward error computed here from the dense matrix */
        for (i = 0; i < N; i++) {
            r[i] = b[i];
            t[i] = fabs(b[i]);
            for (j = 0; j < N; j++) {
                double v = (pl.trans ? a[j * N + i] : a[i * N + j]) * x[j];

                r[i] -= v;
                t[i] += fabs(v);
            }
            cr_assert(fabs(r[i]) <= 1e-12 * t[i], "row %zu: residual %g of %g", i, r[i], t[i]);
        }
        glca_engine__gmres_free(g);
        glca_engine__ilu_free(f);
        glca_engine__csc_free(m);
        free(a);
    }
}

/* 2 (1 + 2 + ... + n) = n (n + 1), exact in doubles: every tail of the partial sums counts */
Test(engine_krylov, dot_of_known_vectors_every_tail, .timeout = 5)
{
    double u[11], v[11];
    size_t n, i;

    for (i = 0; i < 11; i++) {
        u[i] = (double)(i + 1);
        v[i] = 2;
    }
    for (n = 0; n <= 11; n++)
        cr_assert_eq(glca_engine__dot(u, v, n), (double)(n * (n + 1)), "n = %zu", n);
}

/*
 * The goal-oriented solve on orders that are not multiples of 4 (krylov.h's partial sums end in
 * a short tail: 7, 13 and 118 leave 3, 1 and 2 terms) and on 4 itself; the estimate
 * sum_i w_i |r_i| is checked here from a residual computed on the dense matrix.
 */
Test(engine_krylov, weighted_gmres_matches_gaussian_elimination_on_short_tails, .timeout = 30)
{
    static const size_t orders[] = {4, 7, 13, 118};
    size_t o;

    for (o = 0; o < sizeof orders / sizeof orders[0]; o++) {
        const size_t n = orders[o];
        double *a = giant_scc(o + 11, n), *b = malloc(n * sizeof *b), *x = malloc(n * sizeof *x);
        double *want = malloc(n * sizeof *want), *w = malloc(n * sizeof *w), est = 1, sum = 0;
        double slack = 0;
        glca_engine__csc *m = to_csc(a, n);
        glca_engine__ilu *f = NULL;
        glca_engine__gmres *g = NULL;
        glca_error err = GLCA_ERROR_INIT;
        op_payload pl = {m, NULL, false};
        glca_engine__krylov_ops ops = {apply, precond, &pl};
        uint64_t st = o * 31 + 5;
        size_t i, j, iters = 0;

        cr_assert(b && x && want && w);
        for (i = 0; i < n; i++)
            b[i] = uniform(&st) < 0.5 ? uniform(&st) * 10 : 0;
        b[n - 1] = 1;
        /* w_i = 1 / (|A| |x| + |b|)_i from the dense solution: the estimate is a sum of
           componentwise backward errors, which rounding leaves near n eps */
        dense_solve(a, b, want, n, false);
        for (i = 0; i < n; i++) {
            double t = fabs(b[i]);

            for (j = 0; j < n; j++)
                t += fabs(a[i * n + j] * want[j]);
            w[i] = 1 / t;
        }
        OK(glca_engine__ilu_new(&f, m, &err), &err);
        pl.ilu = f;
        OK(glca_engine__gmres_new(&g, n, 10, &err), &err);
        memcpy(x, b, n * sizeof *x);
        precond(&pl, x, &err);
        cr_assert_eq(glca_engine__gmres_solve_weighted(g, &ops, b, x, w, 1e-13 * n, 500, &iters,
                                                       &est, &err),
                     1, "n %zu: not converged after %zu iterations (estimate %g)", n, iters, est);
        for (i = 0; i < n; i++)
            ASSERT_REL(x[i], want[i], 1e-9);
        /* the residual's own rounding (n + 1 terms, each within eps of |a x|) is allowed for */
        for (i = 0; i < n; i++) {
            double r = b[i], t = fabs(b[i]);

            for (j = 0; j < n; j++) {
                r -= a[i * n + j] * x[j];
                t += fabs(a[i * n + j] * x[j]);
            }
            sum += w[i] * fabs(r);
            slack += w[i] * (double)(n + 1) * DBL_EPSILON * t;
        }
        cr_assert(sum <= 1e-13 * n + slack, "n %zu: estimate %g (rounding %g)", n, sum, slack);
        glca_engine__gmres_free(g);
        glca_engine__ilu_free(f);
        glca_engine__csc_free(m);
        free(a);
        free(b);
        free(x);
        free(want);
        free(w);
    }
}

Test(engine_krylov, gmres_preconditioned_by_a_nominal_ilu_solves_a_perturbed_system, .timeout = 30)
{
    double *a = giant_scc(9, N), *ap = malloc(N * N * sizeof *ap), b[N], x[N], want[N];
    glca_engine__csc *m = to_csc(a, N), *mp;
    glca_engine__ilu *f = NULL;
    glca_engine__gmres *g = NULL;
    glca_error err = GLCA_ERROR_INIT;
    op_payload pl = {NULL, NULL, false};
    glca_engine__krylov_ops ops = {apply, precond, &pl};
    uint64_t st = 5;
    size_t i, iters = 0;
    double omega = 1;

    cr_assert(ap);
    /* off-diagonal entries scaled by factors in [0.5, 1.5): a large perturbation */
    for (i = 0; i < N * N; i++)
        ap[i] = a[i] * (i % (N + 1) == 0 ? 1 : 0.5 + uniform(&st));
    mp = to_csc(ap, N);
    OK(glca_engine__ilu_new(&f, m, &err), &err);
    pl.a = mp;
    pl.ilu = f;
    for (i = 0; i < N; i++)
        b[i] = i % 7 == 0 ? 1 : 0;
    OK(glca_engine__gmres_new(&g, N, 40, &err), &err);
    memcpy(x, b, sizeof x);
    precond(&pl, x, &err);
    cr_assert_eq(glca_engine__gmres_solve(g, &ops, b, x, 1e-13, 200, &iters, &omega, &err), 1,
                 "not converged after %zu iterations (omega %g)", iters, omega);
    dense_solve(ap, b, want, N, false);
    for (i = 0; i < N; i++)
        ASSERT_REL(x[i], want[i], 1e-9);
    glca_engine__gmres_free(g);
    glca_engine__ilu_free(f);
    glca_engine__csc_free(m);
    glca_engine__csc_free(mp);
    free(a);
    free(ap);
}

typedef struct multi_payload {
    const double *a; /* dense, row-major */
    const glca_engine__ilu *ilu;
} multi_payload;

/* Y = A^T X on interleaved vectors, from the dense matrix */
static void apply_multi(void *payload, const double *x, double *y, double *y_abs, size_t width)
{
    const multi_payload *p = payload;
    size_t i, j, c;

    for (i = 0; i < N; i++)
        for (c = 0; c < width; c++) {
            double s = 0, t = 0;

            for (j = 0; j < N; j++) {
                s += p->a[j * N + i] * x[j * width + c];
                t += fabs(p->a[j * N + i] * x[j * width + c]);
            }
            y[i * width + c] = s;
            if (y_abs)
                y_abs[i * width + c] = t;
        }
}

static void precond_multi(void *payload, double *x, size_t width)
{
    glca_engine__ilu_solve_multi(((const multi_payload *)payload)->ilu, x, width);
}

/* GMRES on `width` interleaved transposed systems, columns [first, first + width) of b */
static void solve_multi(const multi_payload *pl, const double *b, double *x, size_t first,
                        size_t width)
{
    glca_engine__krylov_multi_ops ops = {apply_multi, precond_multi, (void *)pl};
    glca_engine__gmres_multi *g = NULL;
    glca_error err = GLCA_ERROR_INIT;
    double *bb = malloc(N * width * sizeof *bb);
    size_t i, c, iters = 0;

    cr_assert(bb);
    for (i = 0; i < N; i++)
        for (c = 0; c < width; c++)
            bb[i * width + c] = b[(first + c) * N + i];
    memcpy(x, bb, N * width * sizeof *x);
    precond_multi((void *)pl, x, width);
    OK(glca_engine__gmres_multi_new(&g, N, width, 10, &err), &err);
    cr_assert_eq(glca_engine__gmres_multi_solve(g, &ops, bb, x, width, 1e-13, 500, &iters),
                 (int)width, "not all of %zu systems converged", width);
    cr_assert_gt(iters, width); /* the initial guesses are not the solutions */
    glca_engine__gmres_multi_free(g);
    free(bb);
}

Test(engine_krylov, gmres_in_lockstep_matches_gaussian_elimination_whatever_the_width,
     .timeout = 30)
{
    enum { K = 5, W = GLCA_ENGINE__MULTI_WIDTH };
    double *a = giant_scc(21, N), b[W * N], x5[N * K], x2[N * 2], x3[N * 3], x8[N * W];
    double want[N], r, t;
    glca_engine__csc *m = to_csc(a, N);
    glca_engine__ilu *f = NULL;
    glca_error err = GLCA_ERROR_INIT;
    multi_payload pl = {a, NULL};
    uint64_t st = 5;
    size_t i, j, c;

    /* right-hand sides of different supports and magnitudes, like rows of C·B */
    for (c = 0; c < K; c++)
        for (i = 0; i < N; i++)
            b[c * N + i] = uniform(&st) < 0.2 + 0.15 * (double)c ? pow(10, (double)c) *
                                                                      uniform(&st)
                                                                : 0;
    OK(glca_engine__ilu_new(&f, m, &err), &err);
    pl.ilu = f;
    solve_multi(&pl, b, x5, 0, K);
    solve_multi(&pl, b, x2, 0, 2); /* the same systems split differently */
    solve_multi(&pl, b, x3, 2, 3);
    /* padded to the kernels' width with zero right-hand sides, as background_lambda.c does:
       those converge before any cycle and must stay exactly zero */
    memset(b + K * N, 0, (W - K) * N * sizeof *b);
    solve_multi(&pl, b, x8, 0, W);
    for (i = 0; i < N; i++)
        for (c = K; c < W; c++)
            cr_assert_eq(x8[i * W + c], 0.0, "padding %zu row %zu", c, i);
    for (c = 0; c < K; c++) {
        dense_solve(a, b + c * N, want, N, true);
        for (i = 0; i < N; i++) {
            const double got = x5[i * K + c];

            ASSERT_REL(got, want[i], 1e-9);
            /* a system's arithmetic is its own: the block it shares does not change a bit */
            cr_assert_eq(got, c < 2 ? x2[i * 2 + c] : x3[i * 3 + c - 2], "system %zu row %zu", c,
                         i);
            cr_assert_eq(got, x8[i * W + c], "system %zu row %zu, padded", c, i);
            /* componentwise backward error of A^T x = b, from the dense matrix */
            r = b[c * N + i];
            t = fabs(r);
            for (j = 0; j < N; j++) {
                r -= a[j * N + i] * x5[j * K + c];
                t += fabs(a[j * N + i] * x5[j * K + c]);
            }
            cr_assert(fabs(r) <= 1e-12 * t, "system %zu row %zu: residual %g of %g", c, i, r, t);
        }
    }
    glca_engine__ilu_free(f);
    glca_engine__csc_free(m);
    free(a);
}

/* Y = D X, D = diag(1 + 1e-6 (1 + i mod 10)), on interleaved vectors; no preconditioner */
static void apply_near_identity(void *payload, const double *x, double *y, double *y_abs,
                                size_t width)
{
    size_t i, c;

    (void)payload;
    for (i = 0; i < N; i++)
        for (c = 0; c < width; c++) {
            y[i * width + c] = (1 + 1e-6 * (double)(1 + i % 10)) * x[i * width + c];
            if (y_abs)
                y_abs[i * width + c] = fabs(y[i * width + c]);
        }
}

static void precond_none(void *payload, double *x, size_t width)
{
    (void)payload;
    (void)x;
    (void)width;
}

Test(engine_krylov, gmres_in_lockstep_reorthogonalizes_a_vector_that_lost_its_norm,
     .timeout = 10)
{
    /* each new vector D v is v to within 1e-5, so one Gram-Schmidt pass keeps ~1e-6 of its
       norm, far below the 1 % that calls for the second pass: the solutions, b / d worked out
       here, and their independence of the block hold only if that pass is right */
    enum { W = GLCA_ENGINE__MULTI_WIDTH };
    glca_engine__krylov_multi_ops ops = {apply_near_identity, precond_none, NULL};
    glca_engine__gmres_multi *g = NULL;
    glca_error err = GLCA_ERROR_INIT;
    double b[N * W], x[N * W], b1[N], x1[N];
    uint64_t st = 9;
    size_t i, c, iters = 0;

    for (i = 0; i < N * W; i++)
        b[i] = (uniform(&st) + 0.5) * pow(10, (double)(i % W) - 3);
    memcpy(x, b, sizeof x);
    OK(glca_engine__gmres_multi_new(&g, N, W, 10, &err), &err);
    cr_assert_eq(glca_engine__gmres_multi_solve(g, &ops, b, x, W, 1e-13, 50, &iters), W);
    cr_assert_gt(iters, W);
    for (c = 0; c < W; c++)
        for (i = 0; i < N; i++)
            ASSERT_REL(x[i * W + c], b[i * W + c] / (1 + 1e-6 * (double)(1 + i % 10)), 1e-13);
    glca_engine__gmres_multi_free(g);
    /* the last system alone, in a block of one: the same bits */
    for (i = 0; i < N; i++)
        b1[i] = x1[i] = b[i * W + W - 1];
    OK(glca_engine__gmres_multi_new(&g, N, 1, 10, &err), &err);
    cr_assert_eq(glca_engine__gmres_multi_solve(g, &ops, b1, x1, 1, 1e-13, 50, NULL), 1);
    for (i = 0; i < N; i++)
        cr_assert_eq(x1[i], x[i * W + W - 1], "row %zu", i);
    glca_engine__gmres_multi_free(g);
}
