/*
 * The sampler renumbered into another order of A's values (rng.h's
 * glca_engine__sampler_renumber_a, which Monte Carlo's ILU routes use to draw A by rows): each
 * draw is the permutation of the draw in A's order, bit for bit, B untouched, and renumbering
 * back gives A's order again.  The draws themselves are checked against
 * glca_engine__dist_sample in test_distributions.c.
 */
#include "engine_helpers.h"

#include "engine/rng.h"

#include <stdint.h>
#include <stdlib.h>

/* Three parameters on entry 1 of A (their order matters), one on A's entry 3, two in B. */
static const glca_engine__sampler_param params[] = {
    {false, 1, 2.5, -0.5, {GLCA_DIST_LOGNORMAL, 1.5, 0}},
    {true, 0, 10, 2, {GLCA_DIST_NORMAL, 2, 0}},
    {false, 1, 2, 1, {GLCA_DIST_TRIANGULAR, 1, 6}},
    {false, 3, 3, 0.25, {GLCA_DIST_UNIFORM, 2, 5}},
    {true, 1, 7, 1, {GLCA_DIST_LOGNORMAL, 1.2, 0}},
    {false, 1, 1, 3, {GLCA_DIST_NORMAL, 0.1, 0}},
};

static void get(const void *ctx, size_t j, glca_engine__sampler_param *p)
{
    (void)ctx;
    *p = params[j];
}

Test(engine_montecarlo_sampler, renumbered_draws_are_the_permuted_draws_bitwise, .timeout = 5)
{
    static const size_t to_rows[] = {2, 0, 3, 1}, back[] = {1, 3, 0, 2}; /* inverses */
    static const double nominal[] = {1.5, -0.25, 4, 0.125};
    glca_engine__sampler *s = NULL;
    glca_error err = GLCA_ERROR_INIT;
    uint32_t *ws;
    size_t i, e;

    OK(glca_engine__sampler_new(&s, 6, get, NULL, &err), &err);
    ws = malloc(glca_engine__sampler_workspace(s) * sizeof *ws);
    cr_assert_not_null(ws);
    for (i = 0; i < 50; i++) {
        double a[4], b[2] = {1, 2}, ra[4], rb[2] = {1, 2};

        memcpy(a, nominal, sizeof a);
        glca_engine__sampler_apply(s, 9, i, ws, a, b);
        OK(glca_engine__sampler_renumber_a(s, to_rows, &err), &err);
        for (e = 0; e < 4; e++)
            ra[to_rows[e]] = nominal[e];
        glca_engine__sampler_apply(s, 9, i, ws, ra, rb);
        for (e = 0; e < 4; e++)
            cr_assert(memcmp(&ra[to_rows[e]], &a[e], sizeof a[e]) == 0, "draw %zu entry %zu",
                      i, e);
        cr_assert(memcmp(rb, b, sizeof b) == 0, "draw %zu: B moved", i);
        cr_assert_neq(a[1], nominal[1]);
        OK(glca_engine__sampler_renumber_a(s, back, &err), &err);
        memcpy(ra, nominal, sizeof ra);
        glca_engine__sampler_apply(s, 9, i, ws, ra, rb);
        cr_assert(memcmp(ra, a, sizeof a) == 0, "draw %zu: back in A's order", i);
    }
    free(ws);
    glca_engine__sampler_free(s);
}
