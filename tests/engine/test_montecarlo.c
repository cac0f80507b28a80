/*
 * Monte Carlo: statistics with known answers (one lognormal exchange; normal, triangular and
 * uniform product lines), every draw of an uncertain loop against its closed form (fixtures/
 * analysis/README.md) for every solver, reproducibility by seed and independence of the thread
 * count, and Spearman sensitivity against the analytic value for Gaussian inputs.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glca/engine.h>
#include <glca/inventories.h>

#define N 20000

/* One process making 1 kg of "prod" and emitting 1 kg of co2 (with `unc`); gwp(co2) = 1. */
static glca_background *single_background(const glca_uncertainty *unc)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;

    cr_assert_eq(glca_model_new(&m, &err), 0);
    cr_assert_eq(glca_model_add_flow(m, "prod", GLCA_FLOW_PRODUCT, NULL, "kg", NULL, NULL, NULL,
                                     &err), 0, "%s", err.message);
    cr_assert_eq(glca_model_add_flow(m, "co2", GLCA_FLOW_ELEMENTARY, NULL, "kg", NULL, NULL, NULL,
                                     &err), 0, "%s", err.message);
    cr_assert_eq(glca_model_add_process(m, "p", NULL, NULL, "prod", 1, NULL, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(glca_model_add_exchange(m, GLCA_OUTPUT, "co2", 1, NULL, NULL, unc, NULL, &err), 0,
                 "%s", err.message);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_method_new(&me, "m", "m", "1", &err), 0);
    cr_assert_eq(glca_method_add_category(me, "gwp", "GWP", "kg CO2-eq", NULL, &err), 0);
    cr_assert_eq(glca_method_add_factor(me, "gwp", "co2", 1, NULL, NULL, &err), 0);
    cr_assert_eq(glca_background_new(&bg, m, me, &o, &err), 0, "%s", err.message);
    glca_model_free(m);
    glca_method_free(me);
    return bg;
}

static void add_line(glca_product *p, glca_line_kind kind, const char *ref, double amount,
                     glca_uncertainty unc)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product_line l;

    memset(&l, 0, sizeof l);
    l.kind = kind;
    l.stage = GLCA_STAGE_USE;
    l.ref = ref;
    l.amount = amount;
    l.unit = "kg";
    l.unc = unc;
    cr_assert_eq(glca_product_add_line(p, &l, &err), 0, "%s", err.message);
}

static glca_montecarlo *run(const glca_background *bg, const glca_product *p, uint64_t seed,
                            int threads, glca_mc_solver solver, size_t iterations)
{
    glca_montecarlo_options o = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_montecarlo *mc = NULL;

    o.iterations = iterations;
    o.seed = seed;
    o.threads = threads;
    o.solver = solver;
    cr_assert_eq(glca_montecarlo_run(&mc, bg, p, &o, &err), 0, "%s", err.message);
    return mc;
}

static double total(const glca_montecarlo *mc, size_t i)
{
    const double *h = glca_montecarlo_impacts(mc, i);
    double t = 0;
    int s;

    for (s = 0; s < GLCA_NSTAGES; s++)
        t += h[s];
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

Test(engine_montecarlo, single_lognormal_exchange_median_and_gsd, .timeout = 30)
{
    /* total = 2 kg × co2 per kg, co2 lognormal with median 1 and gsd 1.5, so ln(total / 2) ~
       Normal(0, ln 1.5 = 0.405465).  Standard errors at N = 20000: median of the logs
       sqrt(pi/2) 0.405465 / sqrt(N) = 0.0035935, sd of the logs 0.405465 / sqrt(2 (N - 1)) =
       0.0020274; bounds five of each: 0.017968 and 0.010137. */
    glca_uncertainty u = {GLCA_DIST_LOGNORMAL, 1.5, 0}, none = {GLCA_DIST_NONE, 0, 0};
    glca_background *bg = single_background(&u);
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_montecarlo *mc;
    glca_mc_stats st;
    double *v = malloc(N * sizeof *v), mean = 0, ss = 0;
    size_t i;

    cr_assert_not_null(v);
    cr_assert_eq(glca_product_new(&p, "x", NULL, NULL, NULL, NULL, &err), 0);
    add_line(p, GLCA_LINE_INPUT, "p", 2, none);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", err.message);
    mc = run(bg, p, 7, 2, GLCA_MC_SOLVER_AUTO, N);
    glca_montecarlo_stats(mc, &st);
    cr_assert_eq(st.background, 1);
    cr_assert_eq(st.foreground, 0);
    for (i = 0; i < N; i++) {
        v[i] = log(total(mc, i) / 2);
        mean += v[i] / N;
    }
    for (i = 0; i < N; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    qsort(v, N, sizeof *v, cmp_double);
    cr_assert_lt(fabs(0.5 * (v[N / 2 - 1] + v[N / 2])), 0.017968);
    cr_assert_lt(fabs(sqrt(ss / (N - 1)) - log(1.5)), 0.010137);
    glca_montecarlo_free(mc);
    glca_product_free(p);
    glca_background_free(bg);
    free(v);
}

Test(engine_montecarlo, product_line_means_normal_triangular_uniform, .timeout = 30)
{
    /* Each product has one uncertain line; the background is exact (1 kg co2 per kg of p, and
       emissions of co2 count 1), so total = the drawn amount.
       normal mean 10 sd 2: se 2/sqrt(N) = 0.014142, bound 0.070711;
       triangular (1, mode 2, 6): mean 3, sd sqrt(21/18) = 1.0801, bound 5 × 1.0801/sqrt(N) = 0.038188;
       uniform (2, 5): mean 3.5, sd sqrt(0.75) = 0.86603, bound 0.030619. */
    static const struct {
        glca_line_kind kind;
        double amount;
        glca_uncertainty u;
        double mean, bound;
    } c[] = {
        {GLCA_LINE_EMISSION, 10, {GLCA_DIST_NORMAL, 2, 0}, 10, 0.070711},
        {GLCA_LINE_INPUT, 2, {GLCA_DIST_TRIANGULAR, 1, 6}, 3, 0.038188},
        {GLCA_LINE_INPUT, 3, {GLCA_DIST_UNIFORM, 2, 5}, 3.5, 0.030619},
    };
    glca_background *bg = single_background(NULL);
    size_t t, i;

    for (t = 0; t < 3; t++) {
        glca_error err = GLCA_ERROR_INIT;
        glca_product *p = NULL;
        glca_montecarlo *mc;
        glca_mc_summary sum;
        double mean = 0;

        cr_assert_eq(glca_product_new(&p, "x", NULL, NULL, NULL, NULL, &err), 0);
        add_line(p, c[t].kind, c[t].kind == GLCA_LINE_EMISSION ? "co2" : "p", c[t].amount, c[t].u);
        cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", err.message);
        mc = run(bg, p, 11 + t, 2, GLCA_MC_SOLVER_AUTO, N);
        for (i = 0; i < N; i++)
            mean += total(mc, i);
        mean /= N;
        cr_assert_lt(fabs(mean - c[t].mean), c[t].bound, "case %zu mean %g", t, mean);
        cr_assert_eq(glca_montecarlo_summary(mc, 0, -1, &sum, &err), 0);
        cr_assert_float_eq(sum.mean, mean, 1e-9 * fabs(mean));
        if (c[t].u.dist != GLCA_DIST_NORMAL) {
            cr_assert_geq(sum.p025, c[t].u.a);
            cr_assert_leq(sum.p975, c[t].u.b);
        }
        glca_montecarlo_free(mc);
        glca_product_free(p);
    }
    glca_background_free(bg);
}

Test(engine_montecarlo, certain_product_gives_nominal_statistics)
{
    glca_uncertainty none = {GLCA_DIST_NONE, 0, 0};
    glca_background *bg = single_background(NULL);
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_montecarlo *mc;
    glca_mc_summary s;

    cr_assert_eq(glca_product_new(&p, "x", NULL, NULL, NULL, NULL, &err), 0);
    add_line(p, GLCA_LINE_INPUT, "p", 2.5, none);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", err.message);
    mc = run(bg, p, 1, 1, GLCA_MC_SOLVER_AUTO, 10);
    cr_assert_eq(glca_montecarlo_summary(mc, 0, -1, &s, &err), 0);
    cr_assert_eq(s.mean, 2.5);
    cr_assert_eq(s.sd, 0);
    cr_assert_eq(s.median, 2.5);
    cr_assert_eq(s.p025, 2.5);
    cr_assert_eq(s.p975, 2.5);
    glca_montecarlo_free(mc);
    glca_product_free(p);
    glca_background_free(bg);
}

/* The heater on the uncertain loop (fixtures/analysis). */
static void load_uncertain_heater(glca_background **bg, glca_product **p)
{
    const char *inv[] = {GLCA_TEST_DIR "/fixtures/analysis/loop-uncertain.inventory.xml"};
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_load_background(bg, inv, 1, GLCA_TEST_DIR "/fixtures/xml/gwp.method.xml", &o,
                                      NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_read_product(p, GLCA_TEST_DIR "/fixtures/xml/heater.product.xml", NULL, NULL,
                                   NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_product_bind(*p, *bg, NULL, NULL, &err), 0, "%s", err.message);
}

static void check_closed_form(glca_mc_solver solver)
{
    glca_background *bg = NULL;
    glca_product *p = NULL;
    glca_montecarlo *mc;
    const size_t n = 500;
    double *x = NULL, *y = NULL, *z = NULL;
    size_t j, i;
    long grid, steel;

    load_uncertain_heater(&bg, &p);
    grid = glca_background_find_process(bg, "grid");
    steel = glca_background_find_process(bg, "steel-sheet");
    mc = run(bg, p, 2024, 2, solver, n);
    cr_assert_eq(glca_montecarlo_nparameters(mc), 3);
    for (j = 0; j < 3; j++) {
        glca_mc_parameter par;
        double *d = malloc(n * sizeof *d);

        cr_assert_not_null(d);
        glca_montecarlo_parameter(mc, j, &par);
        glca_montecarlo_parameter_draws(mc, j, d);
        if (par.kind == GLCA_PARAM_TECHNOSPHERE) {
            cr_assert_eq(par.row, (size_t)grid);
            cr_assert_eq(par.col, (size_t)steel);
            x = d;
        } else if (par.col == (size_t)grid) {
            y = d;
        } else {
            z = d;
        }
    }
    cr_assert(x && y && z);
    for (i = 0; i < n; i++) {
        double det = 1 - 0.001 * x[i], cbg = y[i] + 0.0298;
        double lg = (cbg + 0.001 * z[i]) / det, ls = (x[i] * cbg + z[i]) / det;
        double want = 1002 * lg + 3.5 * ls + 7.71, got = total(mc, i);

        cr_assert_leq(x[i], 0.6);
        cr_assert_geq(x[i], 0.4);
        cr_assert(fabs(got - want) <= 1e-10 * want, "iteration %zu: %.15g vs %.15g", i, got, want);
    }
    free(x);
    free(y);
    free(z);
    glca_montecarlo_free(mc);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_montecarlo, refactor_matches_closed_form_every_draw, .timeout = 30)
{
    check_closed_form(GLCA_MC_SOLVER_REFACTOR);
}

Test(engine_montecarlo, refine_matches_closed_form_every_draw, .timeout = 30)
{
    check_closed_form(GLCA_MC_SOLVER_REFINE);
}

Test(engine_montecarlo, gmres_matches_closed_form_every_draw, .timeout = 30)
{
    check_closed_form(GLCA_MC_SOLVER_GMRES);
}

Test(engine_montecarlo, gmres_ilu_matches_closed_form_every_draw, .timeout = 30)
{
    check_closed_form(GLCA_MC_SOLVER_GMRES_ILU);
}

Test(engine_montecarlo, gmres_block_matches_closed_form_every_draw, .timeout = 30)
{
    check_closed_form(GLCA_MC_SOLVER_GMRES_BLOCK);
}

Test(engine_montecarlo, auto_matches_closed_form_every_draw, .timeout = 30)
{
    check_closed_form(GLCA_MC_SOLVER_AUTO);
}

Test(engine_montecarlo, totals_only_run_matches_stage_run, .timeout = 30)
{
    /* Same draws, one right-hand side instead of one per stage: totals agree to rounding,
       the total sits in the first slot, and per-stage statistics are refused. */
    glca_montecarlo_options o = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = NULL;
    glca_product *p = NULL;
    glca_montecarlo *a, *b = NULL;
    glca_mc_summary sum;
    size_t i;

    load_uncertain_heater(&bg, &p);
    a = run(bg, p, 8, 2, GLCA_MC_SOLVER_REFACTOR, 200);
    o.iterations = 200;
    o.seed = 8;
    o.threads = 2;
    o.solver = GLCA_MC_SOLVER_REFACTOR;
    o.stages = false;
    cr_assert_eq(glca_montecarlo_run(&b, bg, p, &o, &err), 0, "%s", err.message);
    for (i = 0; i < 200; i++) {
        cr_assert(fabs(total(a, i) - total(b, i)) <= 1e-12 * total(a, i));
        cr_assert_eq(glca_montecarlo_impacts(b, i)[0], total(b, i));
    }
    cr_assert_eq(glca_montecarlo_summary(b, 0, GLCA_STAGE_USE, &sum, &err), GLCA_ERROR);
    glca_montecarlo_free(a);
    glca_montecarlo_free(b);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_montecarlo, same_seed_same_draws_any_thread_count, .timeout = 30)
{
    glca_background *bg = NULL;
    glca_product *p = NULL;
    glca_montecarlo *a, *b, *c, *d;
    const size_t n = 400, len = n * GLCA_NSTAGES * sizeof(double);

    load_uncertain_heater(&bg, &p);
    a = run(bg, p, 99, 1, GLCA_MC_SOLVER_REFACTOR, n);
    b = run(bg, p, 99, 2, GLCA_MC_SOLVER_REFACTOR, n);
    c = run(bg, p, 99, 2, GLCA_MC_SOLVER_REFACTOR, n);
    d = run(bg, p, 100, 2, GLCA_MC_SOLVER_REFACTOR, n);
    cr_assert_eq(memcmp(glca_montecarlo_impacts(a, 0), glca_montecarlo_impacts(b, 0), len), 0);
    cr_assert_eq(memcmp(glca_montecarlo_impacts(b, 0), glca_montecarlo_impacts(c, 0), len), 0);
    cr_assert_neq(memcmp(glca_montecarlo_impacts(b, 0), glca_montecarlo_impacts(d, 0), len), 0);
    glca_montecarlo_free(a);
    glca_montecarlo_free(b);
    a = run(bg, p, 99, 1, GLCA_MC_SOLVER_REFINE, n);
    b = run(bg, p, 99, 2, GLCA_MC_SOLVER_REFINE, n);
    cr_assert_eq(memcmp(glca_montecarlo_impacts(a, 0), glca_montecarlo_impacts(b, 0), len), 0);
    glca_montecarlo_free(a);
    glca_montecarlo_free(b);
    glca_montecarlo_free(c);
    glca_montecarlo_free(d);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_montecarlo, spearman_of_gaussian_sum_matches_theory, .timeout = 30)
{
    /* total = x1 + x2 + x3, x1 ~ N(10, 1), x2 ~ N(10, 2), x3 constant (sd 0).  Pearson
       correlations of x1, x2 with the sum: 1/sqrt(5) = 0.44721 and 2/sqrt(5) = 0.89443; for
       bivariate normals Spearman's rho is (6/pi) asin(r/2): 0.43071 and 0.88547.  Its standard
       error at N = 20000 is below 1/sqrt(N) = 0.0071; bound 0.03.  x3 has only ties: rho 0. */
    glca_uncertainty s1 = {GLCA_DIST_NORMAL, 1, 0}, s2 = {GLCA_DIST_NORMAL, 2, 0};
    glca_uncertainty s0 = {GLCA_DIST_NORMAL, 0, 0};
    glca_background *bg = single_background(NULL);
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_montecarlo *mc;
    glca_sensitivity *sens = NULL;
    glca_mc_parameter par;

    cr_assert_eq(glca_product_new(&p, "x", NULL, NULL, NULL, NULL, &err), 0);
    add_line(p, GLCA_LINE_EMISSION, "co2", 10, s1);
    add_line(p, GLCA_LINE_EMISSION, "co2", 10, s2);
    add_line(p, GLCA_LINE_EMISSION, "co2", 10, s0);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", err.message);
    mc = run(bg, p, 5, 2, GLCA_MC_SOLVER_AUTO, N);
    cr_assert_eq(glca_sensitivity_compute(&sens, mc, 0, 2, &err), 0);
    glca_montecarlo_parameter(mc, sens[0].parameter, &par);
    cr_assert_eq(par.line, 1);
    cr_assert_lt(fabs(sens[0].rho - 0.88547), 0.03, "rho %g", sens[0].rho);
    glca_montecarlo_parameter(mc, sens[1].parameter, &par);
    cr_assert_eq(par.line, 0);
    cr_assert_lt(fabs(sens[1].rho - 0.43071), 0.03, "rho %g", sens[1].rho);
    glca_montecarlo_parameter(mc, sens[2].parameter, &par);
    cr_assert_eq(par.line, 2);
    cr_assert_eq(sens[2].rho, 0);
    glca_free(sens);
    glca_montecarlo_free(mc);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_montecarlo, bad_uncertainty_is_an_input_error)
{
    glca_uncertainty bad = {GLCA_DIST_TRIANGULAR, 5, 6}; /* mode 2 outside [5, 6] */
    glca_background *bg = single_background(NULL);
    glca_montecarlo_options o = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_montecarlo *mc = NULL;

    cr_assert_eq(glca_product_new(&p, "x", NULL, NULL, NULL, NULL, &err), 0);
    add_line(p, GLCA_LINE_INPUT, "p", 2, bad);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_montecarlo_run(&mc, bg, p, &o, &err), GLCA_EPARSE);
    cr_assert_null(mc);
    glca_product_free(p);
    glca_background_free(bg);
}
