/*
 * Random numbers and distributions (engine/rng.c, engine/distributions.c).  Expected values are
 * analytic; statistical bounds are 5 standard errors of the statistic (derivations inline), so a
 * correct generator fails a check with probability below 1e-6 and the seeds are fixed anyway.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>
#include <stdlib.h>

#include <Random123/philox.h>

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
    /* 32-bit words: all-zero bits give half a step above 0, all-one bits half a step below 1;
       2^31 gives (2^31 + 0.5) / 2^32 = 0.5 + 2^-33. */
    cr_assert_eq(glca_engine__rng_u01(0), 0.5 * 0x1p-32);
    cr_assert_eq(glca_engine__rng_u01(~0u), 1.0 - 0.5 * 0x1p-32);
    cr_assert_eq(glca_engine__rng_u01(0x80000000u), 0.5 + 0x1p-33);
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

Test(engine_distributions, parameters_share_blocks_by_fours)
{
    /* Parameters 4q .. 4q + 3 are the four words of block q. */
    glca_engine__rng_block b = glca_engine__rng_draw(5, 77, 21);
    int w;

    for (w = 0; w < 4; w++)
        cr_assert_eq(glca_engine__rng_uniform(5, 77, 84 + (uint64_t)w),
                     glca_engine__rng_u01(b.w[w]));
}

Test(engine_distributions, fill_matches_random123_block_by_block)
{
    /* The lane-parallel Philox of rng.c against Random123's own philox4x32 (the reference,
       called directly here): 37 blocks (four groups of 8 lanes and a remainder of 5) starting
       3 below 2^32, so the counter's high word changes inside the run. */
    const uint64_t seed = 0x0123456789abcdefull, iteration = 0x00000002fffffffeull;
    const uint64_t first = 0xfffffffdull;
    uint32_t out[4 * 37];
    size_t q;
    int w;

    glca_engine__rng_fill(seed, iteration, first, 37, out);
    for (q = 0; q < 37; q++) {
        uint64_t block = first + q;
        philox4x32_ctr_t ctr = {{(uint32_t)block, (uint32_t)(block >> 32), (uint32_t)iteration,
                                 (uint32_t)(iteration >> 32)}};
        philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
        philox4x32_ctr_t r = philox4x32(ctr, key);

        for (w = 0; w < 4; w++)
            cr_assert_eq(out[4 * q + (size_t)w], r.v[w], "block %zu word %d", q, w);
    }
}

Test(engine_distributions, exp_within_two_ulp_of_libm)
{
    /* libm's exp is within 1 ulp of e^x, and ours is claimed within 2 ulp: they differ by at
       most 3 ulp, i.e. 3 * 2^-52 relative.  Also outside (-708, 709), where libm takes over. */
    const double xs[] = {-750, -708.5, -707.9, 0, 1e-300, -1e-300, 708.9, 709.5, 800};
    size_t i;

    for (i = 0; i <= 400000; i++) {
        double x = -40 + 80.0 * (double)i / 400000, e = exp(x);

        cr_assert_leq(fabs(glca_engine__exp(x) - e), 3 * 0x1p-52 * e, "x %.17g", x);
    }
    for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double e = exp(xs[i]);

        cr_assert(glca_engine__exp(xs[i]) == e || fabs(glca_engine__exp(xs[i]) - e) <= 3 * 0x1p-52 * e,
                  "x %g", xs[i]);
    }
}

/* Parameters of the sampler test: one of each distribution, two on entry 1 of A. */
static const glca_engine__sampler_param sampler_params[] = {
    {false, 1, 2.5, -0.5, {GLCA_DIST_LOGNORMAL, 1.5, 0}},
    {true, 0, 10, 2, {GLCA_DIST_NORMAL, 2, 0}},
    {false, 1, 2, 1, {GLCA_DIST_TRIANGULAR, 1, 6}},
    {true, 2, 3, 0.25, {GLCA_DIST_UNIFORM, 2, 5}},
    {false, 0, 7, 1, {GLCA_DIST_NONE, 0, 0}},
};

static void sampler_get(const void *ctx, size_t j, glca_engine__sampler_param *p)
{
    (void)ctx;
    *p = sampler_params[j];
}

Test(engine_distributions, sampler_adds_each_draw_to_its_entry)
{
    /* Entry e receives scale (x - amount) of each of its parameters, x from
       glca_engine__dist_sample at the parameter's own uniform (the sampler's constants are the
       same formulas rearranged: equal to rounding, 1e-13 relative to the terms). */
    glca_engine__sampler *s = NULL;
    uint32_t *ws;
    size_t i, j;

    cr_assert_eq(glca_engine__sampler_new(&s, 5, sampler_get, NULL, NULL), 0);
    ws = malloc(glca_engine__sampler_workspace(s) * sizeof *ws);
    cr_assert_not_null(ws);
    for (i = 0; i < 200; i++) {
        double a[3] = {1, 1, 1}, b[3] = {1, 1, 1}, ea[3] = {1, 1, 1}, eb[3] = {1, 1, 1};
        int e;

        glca_engine__sampler_apply(s, 31, i, ws, a, b);
        for (j = 0; j < 5; j++) {
            const glca_engine__sampler_param *p = &sampler_params[j];
            double x = glca_engine__dist_sample(&p->unc, p->amount,
                                                glca_engine__rng_uniform(31, i, j));

            (p->in_b ? eb : ea)[p->entry] += p->scale * (x - p->amount);
        }
        for (e = 0; e < 3; e++) {
            cr_assert_float_eq(a[e], ea[e], 1e-13 * (1 + fabs(ea[e])), "A %d draw %zu", e, i);
            cr_assert_float_eq(b[e], eb[e], 1e-13 * (1 + fabs(eb[e])), "B %d draw %zu", e, i);
        }
        cr_assert_eq(a[2], 1); /* nothing there */
    }
    free(ws);
    glca_engine__sampler_free(s);
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
