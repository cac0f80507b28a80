/*
 * The goal weights of Monte Carlo's ILU routes (engine/montecarlo_goal.c) on a background of
 * three processes and two categories worked out by hand: a draw's weights are the nominal
 * ones scaled by rho = max_c t0_c / t_c, never below the draw's own max_c |Lambda_ci| / t_c,
 * and a draw reaching a category the nominal right-hand side does not gets its own weights.
 */
#include "engine_helpers.h"

#include "engine/montecarlo_int.h"

/* lambda by category: category c is lambda[c * 3 .. c * 3 + 2] */
static void hand_run(glca_background *bg, glca_montecarlo *mc, double *lambda, double *t0,
                     double *w0)
{
    static size_t rows[] = {0, 2}, start[] = {0, 2};

    memset(bg, 0, sizeof *bg);
    memset(mc, 0, sizeof *mc);
    bg->n = 3;
    bg->k = 2;
    bg->lambda = lambda;
    mc->bg = bg;
    mc->k = 2;
    mc->nrhs = 1;
    mc->goal_t = t0;
    mc->goal_w = w0;
    mc->goal_rows = rows; /* the product's lines are at processes 0 and 2 */
    mc->goal_start = start;
}

Test(engine_montecarlo_goal, draw_weights_are_the_nominal_ones_scaled_to_bound_its_own,
     .timeout = 5)
{
    /* nominal f0 = (1, 0, 1): t0 = (1 + 4, 3 + 0.5), w0_i = max(|L0i| / 5, |L1i| / 3.5) */
    double lambda[] = {1, 2, 4, 3, -1, 0.5}, t0[] = {5, 3.5}, w0[] = {3 / 3.5, 2.0 / 5, 4.0 / 5};
    /* the draw f = (2, 0, 0.5): t = (2 + 2, 6 + 0.25) = (4, 6.25), rho = max(5/4, 3.5/6.25) */
    const double f[] = {2, 0, 0.5}, own[] = {3 / 6.25, 2.0 / 4, 4.0 / 4};
    double tc[2], w[3];
    glca_background bg;
    glca_montecarlo mc;
    size_t i;

    hand_run(&bg, &mc, lambda, t0, w0);
    glca_engine__mc_goal_weights(&mc, 0, f, tc, w);
    ASSERT_REL(w[0], 1.25 * 3 / 3.5, 1e-15);
    ASSERT_REL(w[1], 0.5, 1e-15);
    ASSERT_REL(w[2], 1.0, 1e-15);
    for (i = 0; i < 3; i++)
        cr_assert(w[i] >= own[i] * (1 - 1e-15), "row %zu: %g below the draw's own %g", i, w[i],
                  own[i]);
}

Test(engine_montecarlo_goal, a_category_the_nominal_misses_gives_the_draw_its_own_weights,
     .timeout = 5)
{
    /* Lambda_1 is zero at process 0 and the nominal f0 = (1, 0, 0) (the line at process 2 has
       amount 0): t0 = (1, 0), w0 = (1, 2, 4) */
    double lambda[] = {1, 2, 4, 0, -1, 0.5}, t0[] = {1, 0}, w0[] = {1, 2, 4};
    const double f[] = {2, 0, 0.5};
    double tc[2], w[3];
    glca_background bg;
    glca_montecarlo mc;

    hand_run(&bg, &mc, lambda, t0, w0);
    /* t = (2 + 2, 0 + 0.25): category 1 is reached, so w_i = max(|L0i| / 4, |L1i| / 0.25) */
    glca_engine__mc_goal_weights(&mc, 0, f, tc, w);
    ASSERT_REL(w[0], 0.25, 1e-15);
    ASSERT_REL(w[1], 4.0, 1e-15);
    ASSERT_REL(w[2], 2.0, 1e-15);
}
