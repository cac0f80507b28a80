/*
 * The iterative paths on whole backgrounds (engine/background_lambda.c, montecarlo_solve.c):
 * Lambda by GMRES against a loop worked out by hand and against dense Gaussian elimination on
 * random seeded models whose processes form one strongly connected component, with the residual
 * computed here; singular technosphere matrices still named when the iterative path is forced;
 * and every Monte Carlo solver equal to klu_refactor draw by draw on such a model.
 */
#include "engine_helpers.h"
#include "helpers_random.h"

#include <stdint.h>
#include <stdlib.h>

#define NP 60 /* processes */
#define NF 5  /* elementary flows */
#define NC 3  /* categories */

static glca_background *prepare(const glca_model *m, const glca_method *me, glca_bg_solver how)
{
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = NULL;
    glca_bg_stats st;

    o.solver = how;
    OK(glca_background_new(&bg, m, me, &o, &err), &err);
    glca_background_stats(bg, &st);
    cr_assert_eq(st.solver, how, "asked for %d, Lambda computed by %d", (int)how, (int)st.solver);
    return bg;
}

Test(engine_iterative, lambda_of_a_two_process_loop_by_hand, .timeout = 10)
{
    /* a: 1 kg pa from 0.5 kg pb, emits 1 kg co2; b: 1 kg pb from 0.25 kg pa, emits 2 kg co2.
       Impact per kg: y_a = 1 + 0.5 y_b, y_b = 2 + 0.25 y_a, so y_a = 2 + y_a / 8:
       y_a = 16/7, y_b = 2 + 4/7 = 18/7. */
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg;
    const double *lambda;

    OK(glca_model_new(&m, &err), &err);
    flow(m, "pa", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "pb", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    process(m, "a", "pa", 1, NULL);
    input(m, "pb", 0.5, NULL, NULL);
    output(m, "co2", 1, NULL);
    process(m, "b", "pb", 1, NULL);
    input(m, "pa", 0.25, NULL, NULL);
    output(m, "co2", 2, NULL);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_new(&me, "gwp", NULL, NULL, &err), &err);
    category(me, "gwp");
    factor(me, "gwp", "co2", 1, NULL);
    bg = prepare(m, me, GLCA_BG_SOLVER_ITERATIVE);
    lambda = glca_background_lambda(bg);
    ASSERT_REL(lambda[glca_background_find_process(bg, "a")], 16.0 / 7, 1e-12);
    ASSERT_REL(lambda[glca_background_find_process(bg, "b")], 18.0 / 7, 1e-12);
    glca_background_free(bg);
    glca_method_free(me);
    glca_model_free(m);
}

typedef struct scc_case {
    glca_model *m;
    glca_method *me;
    double a[NP][NP]; /* dense A, row-major, from the same draws */
    double cb[NC][NP];
} scc_case;

/*
 * Process p takes 1-4 random inputs plus one from process p+1 (mod NP), so all processes form
 * one strongly connected component; sizes 10^U(-3, 3) make A = S (I - W) S^-1 badly scaled.
 * Column sums of W are at most 0.7.  Every exchange is uncertain when `unc` is set.
 */
static void build(scc_case *sc, uint64_t seed, bool unc)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_uncertainty u;
    double size[NP], b[NF][NP], cf[NC][NF];
    uint64_t st = seed;
    char id[32], prov[32];
    int p, i, f, c, q;

    memset(sc, 0, sizeof *sc);
    memset(b, 0, sizeof b);
    memset(&u, 0, sizeof u);
    u.dist = GLCA_DIST_LOGNORMAL;
    u.a = 1.2; /* geometric standard deviation */
    for (p = 0; p < NP; p++)
        size[p] = pow(10, 6 * uniform(&st) - 3);
    OK(glca_model_new(&sc->m, &err), &err);
    random_flows(sc->m, NP, NF);
    for (p = 0; p < NP; p++) {
        int ninputs = 2 + (int)(next_random(&st) % 4);

        snprintf(id, sizeof id, "proc-%d", p);
        snprintf(prov, sizeof prov, "prod-%d", p);
        process(sc->m, id, prov, 1, NULL);
        sc->a[p][p] = 1;
        for (i = 0; i < ninputs; i++) {
            double share = 0.7 / 5 * uniform(&st), amt;

            q = i == 0 ? (p + 1) % NP : (int)(next_random(&st) % NP);
            if (q == p)
                continue;
            amt = share * size[p] / size[q];
            snprintf(prov, sizeof prov, "prod-%d", q);
            OK(glca_model_add_exchange(sc->m, GLCA_INPUT, prov, amt, NULL, NULL,
                                       unc ? &u : NULL, NULL, &err), &err);
            sc->a[q][p] -= amt;
        }
        for (i = 0; i < 2; i++) {
            double amt = uniform(&st) * size[p];

            f = (int)(next_random(&st) % NF);
            snprintf(prov, sizeof prov, "elem-%d", f);
            OK(glca_model_add_exchange(sc->m, GLCA_OUTPUT, prov, amt, NULL, NULL,
                                       unc ? &u : NULL, NULL, &err), &err);
            b[f][p] += amt;
        }
    }
    OK(glca_model_link(sc->m, NULL, NULL, &err), &err);
    sc->me = random_method(NC, NF, &st, &cf[0][0]);
    for (c = 0; c < NC; c++)
        for (p = 0; p < NP; p++)
            for (f = 0; f < NF; f++)
                sc->cb[c][p] += cf[c][f] * b[f][p];
}

/* Dense Gaussian elimination with partial pivoting: y = A^-T r. */
static void dense_tsolve(double a[NP][NP], const double *r, double *y)
{
    dense_solve(&a[0][0], r, y, NP, true);
}

Test(engine_iterative, lambda_matches_gaussian_elimination_on_a_giant_scc, .timeout = 30)
{
    uint64_t seed;

    for (seed = 11; seed <= 14; seed++) {
        static scc_case sc;
        glca_background *it, *di;
        const double *li, *ld;
        double want[NP];
        int c, p, q;

        build(&sc, seed, false);
        it = prepare(sc.m, sc.me, GLCA_BG_SOLVER_ITERATIVE);
        di = prepare(sc.m, sc.me, GLCA_BG_SOLVER_DIRECT);
        li = glca_background_lambda(it);
        ld = glca_background_lambda(di);
        for (c = 0; c < NC; c++) {
            dense_tsolve(sc.a, sc.cb[c], want);
            for (p = 0; p < NP; p++) {
                char id[32];
                double r = sc.cb[c][p], t = fabs(r), y;
                long j;

                snprintf(id, sizeof id, "proc-%d", p);
                j = glca_background_find_process(it, id);
                y = li[(size_t)c * NP + (size_t)j];
                ASSERT_REL(y, want[p], 1e-9);
                ASSERT_REL(y, ld[(size_t)c * NP + (size_t)j], 1e-9);
                /* row p of A^T y = (C B)^T, by the dense A built alongside */
                for (q = 0; q < NP; q++) {
                    char qid[32];
                    double v;

                    snprintf(qid, sizeof qid, "proc-%d", q);
                    v = sc.a[q][p] * li[(size_t)c * NP +
                                        (size_t)glca_background_find_process(it, qid)];
                    r -= v;
                    t += fabs(v);
                }
                cr_assert(fabs(r) <= 1e-12 * t, "seed %llu c %d p %d: residual %g of %g",
                          (unsigned long long)seed, c, p, r, t);
            }
        }
        glca_background_free(it);
        glca_background_free(di);
        glca_method_free(sc.me);
        glca_model_free(sc.m);
    }
}

Test(engine_iterative, singular_matrix_is_named_on_the_iterative_path, .timeout = 10)
{
    /* a makes pa from 1 pb, b makes pb from 1 pa: A = [1 -1; -1 1] is singular */
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;

    OK(glca_model_new(&m, &err), &err);
    flow(m, "pa", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "pb", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    process(m, "a", "pa", 1, NULL);
    input(m, "pb", 1, NULL, NULL);
    output(m, "co2", 1, NULL);
    process(m, "b", "pb", 1, NULL);
    input(m, "pa", 1, NULL, NULL);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_new(&me, "gwp", NULL, NULL, &err), &err);
    category(me, "gwp");
    factor(me, "gwp", "co2", 1, NULL);
    o.solver = GLCA_BG_SOLVER_ITERATIVE;
    cr_assert_eq(glca_background_new(&bg, m, me, &o, &err), GLCA_ESINGULAR);
    cr_assert_null(bg);
    cr_assert(strstr(err.message, "'a'") && strstr(err.message, "'b'"), "%s", err.message);
    glca_method_free(me);
    glca_model_free(m);
}

static double mc_total(const glca_montecarlo *mc, size_t i)
{
    const double *h = glca_montecarlo_impacts(mc, i);
    double t = 0;
    int s;

    for (s = 0; s < GLCA_NSTAGES; s++)
        t += h[s];
    return t;
}

Test(engine_iterative, every_monte_carlo_solver_equals_refactorization_draw_by_draw,
     .timeout = 60)
{
    static const glca_mc_solver solvers[] = {GLCA_MC_SOLVER_REFINE, GLCA_MC_SOLVER_GMRES,
                                             GLCA_MC_SOLVER_GMRES_ILU, GLCA_MC_SOLVER_AUTO};
    static scc_case sc;
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg;
    glca_product *p = NULL;
    glca_montecarlo_options o = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_montecarlo *ref = NULL;
    size_t s, i;

    build(&sc, 21, true);
    bg = prepare(sc.m, sc.me, GLCA_BG_SOLVER_DIRECT);
    OK(glca_product_new(&p, "widget", "widget", NULL, NULL, NULL, &err), &err);
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_PRODUCTION, "proc-7", 2, "kg");
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_USE, "proc-40", 0.5, "kg");
    OK(glca_product_bind(p, bg, NULL, NULL, &err), &err);
    o.iterations = 60;
    o.threads = 2;
    o.stages = false;
    o.solver = GLCA_MC_SOLVER_REFACTOR;
    OK(glca_montecarlo_run(&ref, bg, p, &o, &err), &err);
    for (s = 0; s < sizeof solvers / sizeof solvers[0]; s++) {
        glca_montecarlo *mc = NULL;

        o.solver = solvers[s];
        OK(glca_montecarlo_run(&mc, bg, p, &o, &err), &err);
        for (i = 0; i < o.iterations; i++)
            ASSERT_REL(mc_total(mc, i), mc_total(ref, i), 1e-9);
        glca_montecarlo_free(mc);
    }
    glca_montecarlo_free(ref);
    glca_product_free(p);
    glca_background_free(bg);
    glca_method_free(sc.me);
    glca_model_free(sc.m);
}

Test(engine_iterative, single_solve_after_iterative_lambda_needs_no_factorization, .timeout = 30)
{
    static scc_case sc;
    static double at[NP][NP];
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg;
    glca_bg_stats st;
    double x[NP], f[NP], want[NP];
    int p, q;

    build(&sc, 31, false);
    bg = prepare(sc.m, sc.me, GLCA_BG_SOLVER_ITERATIVE);
    for (p = 0; p < NP; p++)
        for (q = 0; q < NP; q++)
            at[p][q] = sc.a[q][p];
    memset(f, 0, sizeof f);
    f[7] = 2;
    f[40] = 0.5;
    dense_tsolve(at, f, want); /* (A^T)^T x = A x = f */
    for (p = 0; p < NP; p++) {
        char id[32];

        snprintf(id, sizeof id, "proc-%d", p);
        cr_assert_eq(glca_background_find_process(bg, id), p);
    }
    memcpy(x, f, sizeof x);
    OK(glca_background_solve(bg, x, &err), &err);
    for (p = 0; p < NP; p++)
        ASSERT_REL(x[p], want[p], 1e-9);
    glca_background_stats(bg, &st);
    cr_assert_eq(st.fill, 0, "the single solve factorized A (%zu entries)", st.fill);
    glca_background_free(bg);
    glca_method_free(sc.me);
    glca_model_free(sc.m);
}
