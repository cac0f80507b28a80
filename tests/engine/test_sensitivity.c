/*
 * Sensitivity: rho against the textbook Spearman formula 1 - 6 sum d^2 / (n (n^2 - 1)) on
 * ranks counted by hand from the draws (no ties in continuous draws), and the many-category
 * call with every top-N against the one-category call, bitwise, for any thread count.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <glca/engine.h>

/* One process "p" making 1 kg of prod and emitting 1 kg of co2 (lognormal, gsd 1.3); two
   categories that weigh co2 and ch4 differently, so their totals rank the lines differently. */
static glca_background *two_category_background(void)
{
    glca_uncertainty unc = {GLCA_DIST_LOGNORMAL, 1.3, 0};
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
    cr_assert_eq(glca_model_add_flow(m, "ch4", GLCA_FLOW_ELEMENTARY, NULL, "kg", NULL, NULL, NULL,
                                     &err), 0, "%s", err.message);
    cr_assert_eq(glca_model_add_process(m, "p", NULL, NULL, "prod", 1, NULL, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(glca_model_add_exchange(m, GLCA_OUTPUT, "co2", 1, NULL, NULL, &unc, NULL, &err),
                 0, "%s", err.message);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_method_new(&me, "m", "m", "1", &err), 0);
    cr_assert_eq(glca_method_add_category(me, "gwp", "GWP", "kg CO2-eq", NULL, &err), 0);
    cr_assert_eq(glca_method_add_factor(me, "gwp", "co2", 1, NULL, NULL, &err), 0);
    cr_assert_eq(glca_method_add_factor(me, "gwp", "ch4", 30, NULL, NULL, &err), 0);
    cr_assert_eq(glca_method_add_category(me, "ch4", "methane", "kg", NULL, &err), 0);
    cr_assert_eq(glca_method_add_factor(me, "ch4", "ch4", 1, NULL, NULL, &err), 0);
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

/* Eight uncertain lines (two of them constant) and the background's co2 exchange. */
static glca_product *product(const glca_background *bg)
{
    glca_uncertainty n1 = {GLCA_DIST_NORMAL, 1, 0}, n0 = {GLCA_DIST_NORMAL, 0, 0};
    glca_uncertainty ln = {GLCA_DIST_LOGNORMAL, 1.5, 0}, un = {GLCA_DIST_UNIFORM, 0.5, 1.5};
    glca_uncertainty tr = {GLCA_DIST_TRIANGULAR, 1, 4}, g1 = {GLCA_DIST_LOGNORMAL, 1, 0};
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;

    cr_assert_eq(glca_product_new(&p, "x", NULL, NULL, NULL, NULL, &err), 0);
    add_line(p, GLCA_LINE_INPUT, "p", 3, un);
    add_line(p, GLCA_LINE_EMISSION, "co2", 10, n1);
    add_line(p, GLCA_LINE_EMISSION, "ch4", 2, ln);
    add_line(p, GLCA_LINE_EMISSION, "co2", 5, n0);
    add_line(p, GLCA_LINE_EMISSION, "ch4", 2, tr);
    add_line(p, GLCA_LINE_EMISSION, "co2", 4, g1);
    add_line(p, GLCA_LINE_EMISSION, "ch4", 1, n1);
    add_line(p, GLCA_LINE_EMISSION, "co2", 3, ln);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", err.message);
    return p;
}

static glca_montecarlo *run(const glca_background *bg, const glca_product *p, size_t iterations)
{
    glca_montecarlo_options o = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_montecarlo *mc = NULL;

    o.iterations = iterations;
    o.seed = 7;
    o.threads = 2;
    cr_assert_eq(glca_montecarlo_run(&mc, bg, p, &o, &err), 0, "%s", err.message);
    return mc;
}

/* Rank (1-based) of v[i] among v[0..n) by counting the smaller ones: no ties assumed. */
static double count_rank(const double *v, size_t n, size_t i)
{
    size_t j, below = 0;

    for (j = 0; j < n; j++)
        below += v[j] < v[i];
    return (double)(below + 1);
}

Test(engine_sensitivity, rho_is_the_textbook_spearman_formula)
{
    enum { N = 40 };
    glca_background *bg = two_category_background();
    glca_product *p = product(bg);
    glca_montecarlo *mc = run(bg, p, N);
    glca_error err = GLCA_ERROR_INIT;
    size_t np = glca_montecarlo_nparameters(mc), c, k, i;
    double x[N], y[N];

    cr_assert_eq(np, 9); /* the co2 exchange and the eight lines (two of them constant) */
    for (c = 0; c < 2; c++) {
        glca_sensitivity *s = NULL;
        size_t constants = 0;

        cr_assert_eq(glca_sensitivity_compute(&s, mc, c, 2, &err), 0, "%s", err.message);
        for (i = 0; i < N; i++) {
            const double *h = glca_montecarlo_impacts(mc, i) + c * GLCA_NSTAGES;
            int st;

            y[i] = 0;
            for (st = 0; st < GLCA_NSTAGES; st++)
                y[i] += h[st];
        }
        for (k = 0; k < np; k++) {
            double d2 = 0, rho;

            glca_montecarlo_parameter_draws(mc, s[k].parameter, x);
            if (x[0] == x[1]) { /* sd 0 and gsd 1: one value, rho 0 by definition */
                cr_assert_eq(s[k].rho, 0);
                constants++;
                continue;
            }
            for (i = 0; i < N; i++) {
                double d = count_rank(x, N, i) - count_rank(y, N, i);

                d2 += d * d;
            }
            rho = 1 - 6 * d2 / ((double)N * ((double)N * N - 1));
            cr_assert_lt(fabs(s[k].rho - rho), 1e-12, "category %zu parameter %zu: %.15g vs %.15g",
                         c, s[k].parameter, s[k].rho, rho);
            if (k > 0)
                cr_assert_geq(fabs(s[k - 1].rho), fabs(s[k].rho));
        }
        cr_assert_eq(constants, 2);
        glca_free(s);
    }
    glca_montecarlo_free(mc);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_sensitivity, many_categories_give_each_category_s_first_entries)
{
    glca_background *bg = two_category_background();
    glca_product *p = product(bg);
    glca_montecarlo *mc = run(bg, p, 300);
    glca_error err = GLCA_ERROR_INIT;
    size_t np = glca_montecarlo_nparameters(mc), top, c, per;
    glca_sensitivity *one[2] = {NULL, NULL}, *many = NULL;
    int threads;

    for (c = 0; c < 2; c++)
        cr_assert_eq(glca_sensitivity_compute(&one[c], mc, c, 1, &err), 0, "%s", err.message);
    for (threads = 1; threads <= 2; threads++) {
        for (top = 0; top <= np + 1; top++) {
            size_t want = top == 0 || top > np ? np : top;

            cr_assert_eq(glca_sensitivity_compute_many(&many, &per, mc, 0, 2, top, threads,
                                                       &err), 0, "%s", err.message);
            cr_assert_eq(per, want);
            for (c = 0; c < 2; c++)
                cr_assert_eq(memcmp(many + c * per, one[c], per * sizeof *many), 0,
                             "category %zu, top %zu, %d threads", c, top, threads);
            glca_free(many);
            many = NULL;
        }
    }
    /* one category of the two: the second block alone */
    cr_assert_eq(glca_sensitivity_compute_many(&many, &per, mc, 1, 2, 3, 2, &err), 0);
    cr_assert_eq(per, 3);
    cr_assert_eq(memcmp(many, one[1], 3 * sizeof *many), 0);
    glca_free(many);
    glca_free(one[0]);
    glca_free(one[1]);
    glca_montecarlo_free(mc);
    glca_product_free(p);
    glca_background_free(bg);
}
