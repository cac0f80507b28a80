/*
 * The goal weights of Monte Carlo's ILU routes (GMRES_ILU, GMRES_BLOCK): GMRES stops when
 * sum_i w_i |r_i| <= GOAL_TOL with w_i = max_c |Lambda_ci| / t_c, t_c = sum_i |Lambda_ci| |f_i|
 * the magnitude of category c's total for right-hand side f, so that the estimate bounds every
 * category's relative error to first order (the error of C B x is Lambda r).  The nominal
 * Lambda stands in for the perturbed one, hence GOAL_TOL well below 1e-9.
 *
 * A draw's weights depend on the draw only through its t_c, and f has a nonzero only where a
 * product line is (a handful of rows).  So the weights w0 of the nominal right-hand side f0 are
 * made once per run, and a draw takes rho w0 with rho = max_c t0_c / t_c: for every c,
 * |Lambda_ci| / t_c = (|Lambda_ci| / t0_c) (t0_c / t_c) <= rho w0_i, a stricter stop than the
 * draw's own weights, for O(k nnz(f) + n) a draw instead of O(k n).  A category the nominal f
 * does not reach but the draw does is not bounded that way: that draw gets its own weights.
 */
#include "montecarlo_int.h"

#include <math.h>
#include <string.h>

/* t_c = sum_i |Lambda_ci f_i| over the listed rows (ascending) where f_i is not zero */
static double total(const double *lambda, const size_t *rows, size_t nrows, const double *f)
{
    double t = 0;
    size_t r;

    for (r = 0; r < nrows; r++)
        if (f[rows[r]] != 0)
            t += fabs(lambda[rows[r]] * f[rows[r]]);
    return t;
}

/* w_i = max_c |Lambda_ci| / t_c over the categories with t_c > 0 */
static void weights(const glca_background *bg, const double *t, double *w)
{
    const size_t n = bg->n, k = bg->k;
    size_t c, i;

    for (i = 0; i < n; i++)
        w[i] = 0;
    for (c = 0; c < k; c++) {
        const double *l = bg->lambda + c * n, inv = t[c] > 0 ? 1 / t[c] : 0;

        if (inv == 0)
            continue;
        for (i = 0; i < n; i++) {
            const double v = fabs(l[i]) * inv;

            if (v > w[i])
                w[i] = v;
        }
    }
}

void glca_engine__mc_goal_free(glca_montecarlo *mc)
{
    glca_free(mc->goal_w);
    glca_free(mc->goal_t);
    glca_free(mc->goal_rows);
    glca_free(mc->goal_start);
    mc->goal_w = mc->goal_t = NULL;
    mc->goal_rows = mc->goal_start = NULL;
}

int glca_engine__mc_goal_new(glca_montecarlo *mc, glca_error *err)
{
    const glca_background *bg = mc->bg;
    const size_t n = bg->n, k = bg->k, nr = mc->nrhs;
    const glca_product_line *lines;
    double *f0 = NULL;
    size_t nl, l, q, c;
    int rc = 0;

    if (mc->goal_w || nr == 0)
        return 0;
    lines = glca_product_lines(mc->product, &nl);
    if (n > SIZE_MAX / nr / sizeof *f0 ||
        !(mc->goal_w = glca_mallocarray(n * nr, sizeof *mc->goal_w)) ||
        !(mc->goal_t = glca_mallocarray(k * nr + 1, sizeof *mc->goal_t)) ||
        !(mc->goal_rows = glca_mallocarray(nl + 1, sizeof *mc->goal_rows)) ||
        !(mc->goal_start = glca_calloc(nr + 1, sizeof *mc->goal_start)) ||
        !(f0 = glca_calloc(n * nr, sizeof *f0))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    /* the nominal right-hand sides, as glca_engine__mc_draw_values makes a draw's */
    for (l = 0; l < nl; l++)
        if (lines[l].kind != GLCA_LINE_EMISSION)
            f0[(size_t)mc->stage_col[lines[l].stage] * n + (size_t)lines[l].index] +=
                lines[l].amount_ref;
    /* rows where a line of column q is, ascending and once each: where a draw's f can be
       nonzero (a line drawn as zero only skips its row) */
    for (q = 0; q < nr; q++) {
        size_t *rows = mc->goal_rows + mc->goal_start[q], m = 0;

        for (l = 0; l < nl; l++) {
            size_t at, idx = (size_t)lines[l].index;

            if (lines[l].kind == GLCA_LINE_EMISSION || (size_t)mc->stage_col[lines[l].stage] != q)
                continue;
            for (at = m; at > 0 && rows[at - 1] > idx; at--)
                ;
            if (at > 0 && rows[at - 1] == idx)
                continue;
            memmove(rows + at + 1, rows + at, (m - at) * sizeof *rows);
            rows[at] = idx;
            m++;
        }
        mc->goal_start[q + 1] = mc->goal_start[q] + m;
    }
    for (q = 0; q < nr; q++) {
        const size_t *rows = mc->goal_rows + mc->goal_start[q];
        const size_t m = mc->goal_start[q + 1] - mc->goal_start[q];
        double *t0 = mc->goal_t + q * k;

        for (c = 0; c < k; c++)
            t0[c] = total(bg->lambda + c * n, rows, m, f0 + q * n);
        weights(bg, t0, mc->goal_w + q * n);
    }
cleanup:
    glca_free(f0);
    if (rc < 0)
        glca_engine__mc_goal_free(mc);
    return rc;
}

void glca_engine__mc_goal_weights(const glca_montecarlo *mc, size_t q, const double *f,
                                  double *tc, double *w)
{
    const glca_background *bg = mc->bg;
    const size_t n = bg->n, k = bg->k;
    const size_t *rows = mc->goal_rows + mc->goal_start[q];
    const size_t m = mc->goal_start[q + 1] - mc->goal_start[q];
    const double *t0 = mc->goal_t + q * k, *w0 = mc->goal_w + q * n;
    double rho = 0;
    size_t c, i;

    for (c = 0; c < k; c++) {
        tc[c] = total(bg->lambda + c * n, rows, m, f);
        if (!(tc[c] > 0))
            continue;
        if (!(t0[c] > 0)) { /* the nominal weights do not see category c */
            weights(bg, tc, w);
            return;
        }
        if (t0[c] / tc[c] > rho)
            rho = t0[c] / tc[c];
    }
    for (i = 0; i < n; i++)
        w[i] = rho * w0[i];
}
