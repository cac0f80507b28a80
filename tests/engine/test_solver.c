/*
 * Solves on random technosphere matrices (engine/solver.c, sparse.c, background.c): no
 * expected number comes from our own code.  Each check compares two independent routes:
 * Lambda·f (k transposed solves, done once) against C·B·(A^-1 f) (one direct solve), the KLU
 * solution against dense Gaussian elimination written here, and the relative residual
 * ||f - A s|| / (||A|| ||s||) against a small multiple of the unit round-off.
 *
 * The matrices are column diagonally dominant by construction (diagonal 1, at most 4 inputs
 * of at most 0.2 each per column), so they are well conditioned and every check has slack.
 */
#include "engine_helpers.h"
#include "helpers_random.h"

#include "engine/background_int.h"
#include "engine/solver.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NP 40 /* processes */
#define NF 6  /* elementary flows */
#define NC 3  /* categories */

typedef struct random_case {
    glca_model *m;
    glca_method *me;
    glca_background *bg;
    double a[NP][NP]; /* dense copy of A, row-major, built here from the same draws */
    double b[NF][NP];
    double c[NC][NF];
} random_case;

static void build(random_case *rc, uint64_t seed)
{
    glca_error err = GLCA_ERROR_INIT;
    uint64_t st = seed;
    char id[32], prov[32];
    int p, i;

    memset(rc, 0, sizeof *rc);
    OK(glca_model_new(&rc->m, &err), &err);
    random_flows(rc->m, NP, NF);
    for (p = 0; p < NP; p++) {
        snprintf(id, sizeof id, "proc-%d", p);
        snprintf(prov, sizeof prov, "prod-%d", p);
        process(rc->m, id, prov, 1, NULL);
        rc->a[p][p] = 1;
        for (i = 0; i < 4; i++) {
            int q = (int)(next_random(&st) % NP);
            double amt = 0.2 * uniform(&st);

            snprintf(prov, sizeof prov, "prod-%d", q);
            input(rc->m, prov, amt, NULL, NULL); /* repeats and self-use sum up */
            rc->a[q][p] -= amt;
        }
        for (i = 0; i < 2; i++) {
            int e = (int)(next_random(&st) % NF);
            double amt = uniform(&st);

            snprintf(prov, sizeof prov, "elem-%d", e);
            output(rc->m, prov, amt, NULL);
            rc->b[e][p] += amt;
        }
    }
    OK(glca_model_link(rc->m, NULL, NULL, &err), &err);
    rc->me = random_method(NC, NF, &st, &rc->c[0][0]);
    OK(glca_background_new(&rc->bg, rc->m, rc->me, NULL, &err), &err);
    cr_assert_eq(glca_background_nprocesses(rc->bg), NP);
}

static void destroy(random_case *rc)
{
    glca_background_free(rc->bg);
    glca_method_free(rc->me);
    glca_model_free(rc->m);
}

/* The processes were added in order, so process p is column p of the background. */
static void check_process_order(const random_case *rc)
{
    char id[32];
    int p;

    for (p = 0; p < NP; p++) {
        snprintf(id, sizeof id, "proc-%d", p);
        cr_assert_eq(glca_background_find_process(rc->bg, id), p);
    }
}

Test(engine_solver, lambda_f_equals_c_b_a_inverse_f)
{
    static random_case rc;
    glca_error err = GLCA_ERROR_INIT;
    uint64_t st = 0x5eed;
    int trial;

    build(&rc, 0x1234567);
    check_process_order(&rc);
    for (trial = 0; trial < 5; trial++) {
        double f[NP], s[NP], g[NF], via_lambda[NC], via_solve[NC];
        const double *lambda = glca_background_lambda(rc.bg);
        const double *cf = glca_background_cf(rc.bg);
        int p, c, e;

        for (p = 0; p < NP; p++)
            f[p] = uniform(&st) < 0.3 ? 10 * uniform(&st) - 2 : 0;
        memcpy(s, f, sizeof f);
        OK(glca_background_solve(rc.bg, s, &err), &err);
        glca_background_inventory(rc.bg, s, g);
        for (c = 0; c < NC; c++) {
            via_lambda[c] = via_solve[c] = 0;
            for (p = 0; p < NP; p++)
                via_lambda[c] += lambda[c * NP + p] * f[p];
            for (e = 0; e < NF; e++)
                via_solve[c] += cf[e * NC + c] * g[e];
            ASSERT_REL(via_lambda[c], via_solve[c], 1e-12);
        }
    }
    destroy(&rc);
}

Test(engine_solver, klu_matches_dense_elimination_with_small_residual)
{
    static random_case rc;
    glca_error err = GLCA_ERROR_INIT;
    uint64_t st = 0xfeed;
    double f[NP], s[NP], x[NP];
    double norm_a = 0, norm_s = 0, norm_r = 0;
    int i, j;

    build(&rc, 0x9abcdef);
    for (i = 0; i < NP; i++)
        f[i] = uniform(&st) - 0.5;
    memcpy(s, f, sizeof f);
    OK(glca_background_solve(rc.bg, s, &err), &err);
    dense_solve(&rc.a[0][0], f, x, NP, false);
    for (i = 0; i < NP; i++)
        ASSERT_REL(s[i], x[i], 1e-11);
    /* residual with the dense A built here, infinity norms */
    for (i = 0; i < NP; i++) {
        double row = 0, ri = f[i];

        for (j = 0; j < NP; j++) {
            row += fabs(rc.a[i][j]);
            ri -= rc.a[i][j] * s[j];
        }
        norm_a = fmax(norm_a, row);
        norm_s = fmax(norm_s, fabs(s[i]));
        norm_r = fmax(norm_r, fabs(ri));
    }
    cr_assert(norm_r / (norm_a * norm_s) < 1e-14, "relative residual %g",
              norm_r / (norm_a * norm_s));
    destroy(&rc);
}

Test(engine_solver, lambda_matches_dense_transposed_solve)
{
    static random_case rc;
    static double at[NP][NP];
    double rhs[NP], x[NP];
    int c, i, j, e;

    build(&rc, 0x777);
    /* Lambda row c solves A^T x = (C B)^T row c */
    for (i = 0; i < NP; i++)
        for (j = 0; j < NP; j++)
            at[i][j] = rc.a[j][i];
    for (c = 0; c < NC; c++) {
        for (j = 0; j < NP; j++) {
            rhs[j] = 0;
            for (e = 0; e < NF; e++)
                rhs[j] += rc.c[c][e] * rc.b[e][j];
        }
        dense_solve(&at[0][0], rhs, x, NP, false);
        for (j = 0; j < NP; j++)
            ASSERT_REL(glca_background_lambda(rc.bg)[c * NP + j], x[j], 1e-11);
    }
    destroy(&rc);
}

/* The demand route (hotspots) and the Lambda route (evaluate) agree for a product. */
Test(engine_solver, product_demand_agrees_with_evaluation)
{
    static random_case rc;
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    double impacts[NC * GLCA_NSTAGES], totals[NC], s[NP], g[NF];
    int c, e;

    build(&rc, 0x4242);
    OK(glca_product_new(&p, "random", NULL, NULL, NULL, NULL, &err), &err);
    OK(glca_product_add_material(p, "m", NULL, NULL, "proc-3", 1500, "g", 2, false, 0, NULL,
                                 NULL, &err),
       &err);
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_USE, "proc-17", 4, "kg");
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_END_OF_LIFE, "proc-3", -0.5, "kg");
    OK(glca_product_bind(p, rc.bg, NULL, NULL, &err), &err);
    OK(glca_evaluate(rc.bg, p, impacts, &err), &err);
    glca_impacts_totals(NC, impacts, totals);
    OK(glca_engine__background_demand(rc.bg, p, s, &err), &err);
    glca_background_inventory(rc.bg, s, g);
    for (c = 0; c < NC; c++) {
        double h = 0;

        for (e = 0; e < NF; e++)
            h += rc.c[c][e] * g[e];
        ASSERT_REL(totals[c], h, 1e-12);
    }
    glca_product_free(p);
    destroy(&rc);
}

/* Monte Carlo's route: new values on the same pattern, refactor, solve. */
Test(engine_solver, refactor_with_new_values)
{
    static random_case rc;
    glca_error err = GLCA_ERROR_INIT;
    glca_engine__solver *s = NULL;
    const glca_engine__csc *a;
    double *v, f[NP], x[NP], y[NP];
    size_t k, col;
    int i;

    build(&rc, 0x31415);
    a = rc.bg->a;
    v = malloc(a->nnz * sizeof *v);
    cr_assert_not_null(v);
    OK(glca_engine__solver_clone(&s, rc.bg->solver, &err), &err);
    /* scale every off-diagonal entry by 1.5 in both the CSC values and the dense copy */
    for (col = 0; col < a->ncols; col++) {
        for (k = a->colptr[col]; k < a->colptr[col + 1]; k++) {
            size_t row = a->rowidx[k];

            v[k] = row == col ? a->values[k] : 1.5 * a->values[k];
            if (row != col)
                rc.a[row][col] *= 1.5;
        }
    }
    OK(glca_engine__solver_refactor(s, v, NULL, &err), &err);
    for (i = 0; i < NP; i++)
        f[i] = (double)(i % 7) - 3;
    memcpy(y, f, sizeof f);
    OK(glca_engine__solver_solve(s, y, 1, &err), &err);
    dense_solve(&rc.a[0][0], f, x, NP, false);
    for (i = 0; i < NP; i++)
        ASSERT_REL(y[i], x[i], 1e-11);
    cr_assert(glca_engine__solver_rcond(s) > 0);
    glca_engine__solver_free(s);
    free(v);
    destroy(&rc);
}
