/*
 * The batch sampler (distributions.c), whose normal and lognormal draws go in vectorized passes,
 * against the plain loop it replaced: per parameter in increasing j, Acklam's quantile with its
 * branches, e^x through int64_t with libm outside (-708, 709), the add to the entry.  Written
 * here from the published coefficients and the formulas of rng.h's comment, not with the
 * engine's functions, so that a changed operation in either shows.  Bitwise, not to rounding:
 * the passes must do the same IEEE operations in the same order.  Two chunks and a part of a
 * third (4096 parameters a chunk), entries shared by several parameters, tails (5 % of the
 * uniforms) and exponents beyond 709 and below -708 (gsd e^700: sigma z leaves the range for
 * |z| > 1.0114, a third of those draws; they add infinities and subnormals, so they have entries
 * of their own, the last EXTREME).
 */
#include "engine_helpers.h"

#include "engine/rng.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NPARAM 9000
#define NENTRY 700
#define EXTREME 10

static double ref_quantile(double u)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    double q, r, t, sign = 1;

    if (u < 0.02425 || u > 1.0 - 0.02425) {
        if (u > 0.5) {
            u = 1.0 - u;
            sign = -1;
        }
        t = sqrt(-2.0 * log(u));
        return sign * ((((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
                       ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0));
    }
    q = u - 0.5;
    r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

/* The Cody-Waite e^x of rng.h's comment, with the index and the power of two as integers. */
static double ref_exp(double x)
{
    const double shifter = 0x1.8p52;
    double k, r, p;
    int64_t ki, j;
    union {
        double d;
        uint64_t u;
    } two_m;

    if (!(x > -708.0 && x < 709.0))
        return exp(x);
    k = (x * 0x1.71547652b82fep+6 + shifter) - shifter;
    r = (x - k * 0x1.62e42fefp-7) - k * 0x1.473de6af278edp-40;
    ki = (int64_t)k;
    j = ki & 63;
    p = r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120)))));
    two_m.u = (uint64_t)((ki - j) / 64 + 1023) << 52;
    return (glca_engine__two_j64[j] + glca_engine__two_j64[j] * p) * two_m.d;
}

/* Parameter j: its distribution by j % 6 (lognormal twice, a quarter of one of them extreme),
   spread over the entries of A and of B so that most entries have several parameters. */
static void param_of(size_t j, glca_engine__sampler_param *p)
{
    static const glca_dist dists[] = {GLCA_DIST_LOGNORMAL, GLCA_DIST_NORMAL,
                                      GLCA_DIST_LOGNORMAL, GLCA_DIST_UNIFORM,
                                      GLCA_DIST_TRIANGULAR, GLCA_DIST_NORMAL};
    double amount = 0.5 + (double)(j % 37) / 8;

    memset(p, 0, sizeof *p);
    p->in_b = j % 5 == 2;
    p->entry = (j * 7919) % (NENTRY - EXTREME);
    p->amount = amount;
    p->scale = j % 3 == 0 ? -1.25 : 0.75 + (double)(j % 11) / 16;
    p->unc.dist = dists[j % 6];
    switch (p->unc.dist) {
    case GLCA_DIST_LOGNORMAL:
        p->unc.a = 1.05 + (double)(j % 13) / 10;
        if (j % 6 == 2 && j % 4 == 0) {
            p->unc.a = exp(700.0);
            p->entry = NENTRY - EXTREME + j % EXTREME;
        }
        break;
    case GLCA_DIST_NORMAL:
        p->unc.a = 0.1 + (double)(j % 7) / 3;
        break;
    case GLCA_DIST_UNIFORM:
        p->unc.a = amount - 1;
        p->unc.b = amount + 2;
        break;
    default:
        p->unc.a = amount - 0.5;
        p->unc.b = amount + 3;
        break;
    }
}

static void get(const void *ctx, size_t j, glca_engine__sampler_param *p)
{
    (void)ctx;
    param_of(j, p);
}

Test(engine_sampler_bitwise, passes_give_the_plain_loops_values_bit_for_bit, .timeout = 20)
{
    glca_engine__sampler *s = NULL;
    glca_error err = GLCA_ERROR_INIT;
    uint32_t *ws;
    double *a = malloc(2 * NENTRY * sizeof *a), *b = a + NENTRY;
    double *ra = malloc(2 * NENTRY * sizeof *ra), *rb = ra + NENTRY;
    size_t it, j, e, tails = 0, high = 0, low = 0;

    cr_assert(a && ra);
    OK(glca_engine__sampler_new(&s, NPARAM, get, NULL, &err), &err);
    ws = malloc(glca_engine__sampler_workspace(s) * sizeof *ws);
    cr_assert_not_null(ws);
    for (it = 0; it < 6; it++) {
        for (e = 0; e < NENTRY; e++)
            a[e] = b[e] = ra[e] = rb[e] = 1.0 + (double)e / 64;
        glca_engine__sampler_apply(s, 77, it, ws, a, b);
        for (j = 0; j < NPARAM; j++) {
            glca_engine__sampler_param p;
            double u = glca_engine__rng_uniform(77, it, j), z, x, delta = 0;

            param_of(j, &p);
            switch (p.unc.dist) {
            case GLCA_DIST_LOGNORMAL:
                z = ref_quantile(u);
                x = log(p.unc.a) * z;
                delta = p.scale * p.amount * ref_exp(x) - p.scale * p.amount;
                tails += u < 0.02425 || u > 1.0 - 0.02425;
                high += x >= 709.0;
                low += x <= -708.0;
                break;
            case GLCA_DIST_NORMAL:
                delta = p.scale * p.unc.a * ref_quantile(u);
                break;
            case GLCA_DIST_UNIFORM:
                delta = p.scale * (p.unc.a - p.amount) + p.scale * (p.unc.b - p.unc.a) * u;
                break;
            default: {
                double lo = p.unc.a, hi = p.unc.b, f = (p.amount - lo) / (hi - lo);

                if (u < f)
                    delta = p.scale * (lo - p.amount) +
                            p.scale * sqrt(u * ((hi - lo) * (p.amount - lo)));
                else
                    delta = p.scale * (hi - p.amount) -
                            p.scale * sqrt((1.0 - u) * ((hi - lo) * (hi - p.amount)));
                break;
            }
            }
            (p.in_b ? rb : ra)[p.entry] += delta;
        }
        for (e = 0; e < NENTRY; e++) {
            cr_assert(memcmp(&a[e], &ra[e], sizeof a[e]) == 0, "A %zu draw %zu: %a, plain %a", e,
                      it, a[e], ra[e]);
            cr_assert(memcmp(&b[e], &rb[e], sizeof b[e]) == 0, "B %zu draw %zu: %a, plain %a", e,
                      it, b[e], rb[e]);
        }
    }
    /* the cases the passes treat apart did occur (about 150, 130 and 130 a round) */
    cr_assert_gt(tails, 0);
    cr_assert_gt(high, 0);
    cr_assert_gt(low, 0);
    free(ws);
    free(a);
    free(ra);
    glca_engine__sampler_free(s);
}
