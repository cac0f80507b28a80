/*
 * Random numbers and distributions (engine/rng.c, engine/distributions.c).  Expected values are
 * analytic; statistical bounds are 5 standard errors of the statistic (derivations inline), so a
 * correct generator fails a check with probability below 1e-6 and the seeds are fixed anyway.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "engine/rng.h"

#define N 200000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Mean and sample standard deviation of `n` draws of `u` around `amount`, iteration varying. */
static void moments(const glca_uncertainty *u, double amount, uint64_t seed, double *mean,
                    double *sd, double *values)
{
    double sum = 0, ss = 0;
    size_t i;

    for (i = 0; i < N; i++) {
        values[i] = glca_engine__dist_sample(u, amount, glca_engine__rng_uniform(seed, i, 7));
        sum += values[i];
    }
    *mean = sum / N;
    for (i = 0; i < N; i++)
        ss += (values[i] - *mean) * (values[i] - *mean);
    *sd = sqrt(ss / (N - 1));
}

Test(engine_distributions, philox_matches_random123_known_answers)
{
    /* Known-answer vectors published with Random123 (kat_vectors, philox4x32 10 rounds). */
    glca_engine__rng_block b = glca_engine__rng_draw(0, 0, 0);

    cr_assert_eq(b.w[0], 0x6627e8d5u);
    cr_assert_eq(b.w[1], 0xe169c58du);
    cr_assert_eq(b.w[2], 0xbc57ac4cu);
    cr_assert_eq(b.w[3], 0x9b00dbd8u);
    /* counter (243f6a88 85a308d3 13198a2e 03707344), key (a4093822 299f31d0): the counter is
       (block low, block high, iteration low, iteration high), the key (seed low, seed high). */
    b = glca_engine__rng_draw(0x299f31d0a4093822ull, 0x0370734413198a2eull,
                              0x85a308d3243f6a88ull);
    cr_assert_eq(b.w[0], 0xd16cfe09u);
    cr_assert_eq(b.w[1], 0x94fdccebu);
    cr_assert_eq(b.w[2], 0x5001e420u);
    cr_assert_eq(b.w[3], 0x24126ea1u);
}

Test(engine_distributions, uniform_bits_map_to_open_interval)
{
    /* All-zero bits give half a step above 0, all-one bits half a step below 1; 2^63 gives
       (2^52 + 0.5) / 2^53. */
    glca_engine__rng_block zero = {{0, 0, 0, 0}}, ones = {{~0u, ~0u, ~0u, ~0u}};
    glca_engine__rng_block half = {{0x80000000u, 0, 0, 0}};

    cr_assert_eq(glca_engine__rng_u01(&zero, 0), 0.5 * 0x1p-53);
    cr_assert_eq(glca_engine__rng_u01(&ones, 1), 1.0 - 0.5 * 0x1p-53);
    cr_assert_eq(glca_engine__rng_u01(&half, 0), 0.5 + 0.5 * 0x1p-53);
}

Test(engine_distributions, draws_depend_only_on_seed_iteration_and_parameter)
{
    glca_engine__rng_block a = glca_engine__rng_draw(42, 1000, 3);
    glca_engine__rng_block b;
    int i;

    /* Other draws in between change nothing: there is no state. */
    for (i = 0; i < 10; i++)
        (void)glca_engine__rng_draw(42, (uint64_t)i, 4);
    b = glca_engine__rng_draw(42, 1000, 3);
    cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
    b = glca_engine__rng_draw(43, 1000, 3);
    cr_assert_neq(memcmp(&a, &b, sizeof a), 0);
    b = glca_engine__rng_draw(42, 1001, 3);
    cr_assert_neq(memcmp(&a, &b, sizeof a), 0);
    b = glca_engine__rng_draw(42, 1000, 4);
    cr_assert_neq(memcmp(&a, &b, sizeof a), 0);
}

Test(engine_distributions, parameters_pair_up_on_block_halves)
{
    /* Parameters 2q and 2q + 1 are the two halves of block q. */
    glca_engine__rng_block b = glca_engine__rng_draw(5, 77, 21);

    cr_assert_eq(glca_engine__rng_uniform(5, 77, 42), glca_engine__rng_u01(&b, 0));
    cr_assert_eq(glca_engine__rng_uniform(5, 77, 43), glca_engine__rng_u01(&b, 1));
}

Test(engine_distributions, normal_quantile_at_known_points)
{
    /* Standard normal quantiles from tables: 0.975 -> 1.959963984540054 (centre region),
       0.001 -> -3.090232306167813 (tail); the approximation is good to 1.2e-9 relative. */
    cr_assert_eq(glca_engine__normal_quantile(0.5), 0);
    cr_assert_float_eq(glca_engine__normal_quantile(0.975), 1.959963984540054, 2.4e-9);
    cr_assert_float_eq(glca_engine__normal_quantile(0.025), -1.959963984540054, 2.4e-9);
    cr_assert_float_eq(glca_engine__normal_quantile(0.001), -3.090232306167813, 3.8e-9);
    cr_assert_float_eq(glca_engine__normal_quantile(0.999), 3.090232306167813, 3.8e-9);
}

Test(engine_distributions, triangular_inverts_its_distribution_function)
{
    /* min 0, mode 1, max 4: F(mode) = 1/4.  u = 0.5 + 2^-54 is above it, so
       x = 4 - sqrt((1 - u) * 4 * 3) = 4 - sqrt(6 - 12 * 2^-54) = 4 - sqrt(6) to 1e-15.
       u = 2^-54 is below it: x = sqrt(u * 4 * 1) = 2 * 2^-27 = 2^-26. */
    glca_uncertainty t = {GLCA_DIST_TRIANGULAR, 0, 4};

    cr_assert_float_eq(glca_engine__dist_sample(&t, 1, 0.5 + 0x1p-54), 4 - sqrt(6.0), 1e-14);
    cr_assert_float_eq(glca_engine__dist_sample(&t, 1, 0x1p-54), 0x1p-26, 1e-22);
    /* a degenerate triangle is its mode */
    t.a = t.b = 1;
    cr_assert_eq(glca_engine__dist_sample(&t, 1, 0.3), 1);
}

Test(engine_distributions, lognormal_median_and_gsd_within_bounds)
{
    /* ln x ~ Normal(ln 2.5, ln 1.5).  sigma = ln 1.5 = 0.405465.  Standard error of the sample
       median of ln x: sqrt(pi/2) sigma / sqrt(N) = 1.2533 * 0.405465 / 447.21 = 0.0011364; of the
       sample sd of ln x: sigma / sqrt(2 (N - 1)) = 0.405465 / 632.45 = 0.00064110.  Five of each:
       |ln(median) - ln 2.5| < 0.0056821 and |ln(gsd) - ln 1.5| < 0.0032055. */
    glca_uncertainty u = {GLCA_DIST_LOGNORMAL, 1.5, 0};
    double *v = malloc(N * sizeof *v), sum = 0, ss = 0, mean, median;
    size_t i;

    cr_assert_not_null(v);
    for (i = 0; i < N; i++) {
        v[i] = log(glca_engine__dist_sample(&u, 2.5, glca_engine__rng_uniform(20240601, i, 0)));
        sum += v[i];
    }
    mean = sum / N;
    for (i = 0; i < N; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    qsort(v, N, sizeof *v, cmp_double);
    median = 0.5 * (v[N / 2 - 1] + v[N / 2]);
    cr_assert_lt(fabs(median - log(2.5)), 0.0056821, "median %g", exp(median));
    cr_assert_lt(fabs(sqrt(ss / (N - 1)) - log(1.5)), 0.0032055, "gsd %g",
                 exp(sqrt(ss / (N - 1))));
    free(v);
}

Test(engine_distributions, lognormal_keeps_sign_of_negative_median)
{
    glca_uncertainty u = {GLCA_DIST_LOGNORMAL, 2, 0};
    size_t i;

    for (i = 0; i < 1000; i++)
        cr_assert_lt(glca_engine__dist_sample(&u, -3, glca_engine__rng_uniform(1, i, 0)), 0);
}

Test(engine_distributions, normal_mean_and_sd_within_bounds)
{
    /* Normal(10, 2): standard error of the mean 2 / sqrt(N) = 0.0044721, of the sd
       2 / sqrt(2 (N - 1)) = 0.0031623; bounds are five of them: 0.022361 and 0.015811. */
    glca_uncertainty u = {GLCA_DIST_NORMAL, 2, 0};
    double *v = malloc(N * sizeof *v), mean, sd;

    cr_assert_not_null(v);
    moments(&u, 10, 99, &mean, &sd, v);
    cr_assert_lt(fabs(mean - 10), 0.022361, "mean %g", mean);
    cr_assert_lt(fabs(sd - 2), 0.015811, "sd %g", sd);
    free(v);
}

Test(engine_distributions, triangular_mean_and_range)
{
    /* min 1, mode 2, max 6: mean (1 + 2 + 6) / 3 = 3; variance
       (1 + 4 + 36 - 1*2 - 1*6 - 2*6) / 18 = 21 / 18, sd 1.0801; bound 5 * 1.0801 / sqrt(N) =
       0.012076.  Every draw within [1, 6]. */
    glca_uncertainty u = {GLCA_DIST_TRIANGULAR, 1, 6};
    double *v = malloc(N * sizeof *v), mean, sd;
    size_t i;

    cr_assert_not_null(v);
    moments(&u, 2, 5, &mean, &sd, v);
    cr_assert_lt(fabs(mean - 3), 0.012076, "mean %g", mean);
    /* se of the sd: sigma sqrt((kurtosis - 1) / (4N)) with kurtosis 2.4: 0.0014289; five: 0.0071 */
    cr_assert_lt(fabs(sd - sqrt(21.0 / 18)), 0.0072, "sd %g", sd);
    for (i = 0; i < N; i++)
        cr_assert(v[i] >= 1 && v[i] <= 6);
    free(v);
}

Test(engine_distributions, uniform_mean_and_range)
{
    /* [2, 5]: mean 3.5; variance 9 / 12 = 0.75, sd 0.86603; bound 5 * 0.86603 / sqrt(N) =
       0.0096825. */
    glca_uncertainty u = {GLCA_DIST_UNIFORM, 2, 5};
    double *v = malloc(N * sizeof *v), mean, sd;
    size_t i;

    cr_assert_not_null(v);
    moments(&u, 3, 11, &mean, &sd, v);
    cr_assert_lt(fabs(mean - 3.5), 0.0096825, "mean %g", mean);
    for (i = 0; i < N; i++)
        cr_assert(v[i] >= 2 && v[i] <= 5);
    free(v);
}

Test(engine_distributions, none_returns_the_amount)
{
    glca_uncertainty u = {GLCA_DIST_NONE, 0, 0};

    cr_assert_eq(glca_engine__dist_sample(&u, 4.25, 0.9), 4.25);
}

Test(engine_distributions, rejects_impossible_parameters)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_srcloc loc = {"x.xml", 3, 5};
    glca_uncertainty gsd_low = {GLCA_DIST_LOGNORMAL, 0.9, 0};
    glca_uncertainty sd_neg = {GLCA_DIST_NORMAL, -1, 0};
    glca_uncertainty tri_out = {GLCA_DIST_TRIANGULAR, 1, 2};
    glca_uncertainty uni_rev = {GLCA_DIST_UNIFORM, 3, 2};
    glca_uncertainty ok = {GLCA_DIST_TRIANGULAR, 1, 3};

    cr_assert_eq(glca_engine__dist_check(&gsd_low, 1, &loc, &err), GLCA_EPARSE);
    cr_assert_eq(err.line, 3);
    cr_assert_eq(glca_engine__dist_check(&sd_neg, 1, NULL, NULL), GLCA_EPARSE);
    cr_assert_eq(glca_engine__dist_check(&tri_out, 5, NULL, NULL), GLCA_EPARSE);
    cr_assert_eq(glca_engine__dist_check(&uni_rev, 2.5, NULL, NULL), GLCA_EPARSE);
    cr_assert_eq(glca_engine__dist_check(&ok, 2, NULL, NULL), 0);
}
