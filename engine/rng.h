/*
 * Counter-based random numbers for Monte Carlo, and the distributions of FORMATS.md.
 *
 * Every value is a pure function of (seed, iteration, parameter): parameter j of iteration i is
 * the uniform made of half of the Philox4x32-10 block (Random123) with the counter
 * (j / 2, i) under the key (seed): the first 64 bits for even j, the last 64 for odd j.  No
 * generator state is carried from one draw to the next, so a draw comes out bitwise the same
 * whatever thread computes it and in whatever order, and sensitivity analysis can regenerate any
 * parameter's draws instead of storing them.  Each parameter owns its bits, so neighbours are
 * independent; sharing a block between two halves the cost of the generator.
 *
 * Every distribution is drawn by inversion of its distribution function from that one uniform
 * (the normal through Acklam's rational approximation of the normal quantile, relative error
 * below 1.2e-9, which needs a logarithm only in the 5 % of tails): no rejection, one uniform per
 * value, and a value's rank is the rank of its uniform.
 *
 * rng.c holds the generator and the normal quantile, distributions.c the distributions.
 */
#ifndef GLCA_ENGINE_RNG_H
#define GLCA_ENGINE_RNG_H

#include <math.h>
#include <stdint.h>

#include <Random123/philox.h>

#include <glca/engine.h>

/** The 128 random bits of Philox counter (block, iteration) under the key seed. */
typedef struct glca_engine__rng_block {
    uint32_t w[4];
} glca_engine__rng_block;

static inline glca_engine__rng_block glca_engine__rng_draw(uint64_t seed, uint64_t iteration,
                                                           uint64_t block)
{
    philox4x32_ctr_t ctr = {{(uint32_t)block, (uint32_t)(block >> 32), (uint32_t)iteration,
                             (uint32_t)(iteration >> 32)}};
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    glca_engine__rng_block b = {{r.v[0], r.v[1], r.v[2], r.v[3]}};

    return b;
}

/** A uniform in the open interval (0, 1) from the first (`second` 0) or last 64 bits. */
static inline double glca_engine__rng_u01(const glca_engine__rng_block *b, int second)
{
    const uint32_t *w = b->w + (second ? 2 : 0);
    uint64_t bits = ((uint64_t)w[0] << 32 | w[1]) >> 11; /* 53 bits: every double is exact */

    /* The half step keeps both ends out: quantiles stay finite. */
    return ((double)bits + 0.5) * 0x1p-53;
}

/** The uniform of parameter `param` in iteration `iteration` (see above). */
double glca_engine__rng_uniform(uint64_t seed, uint64_t iteration, uint64_t param);

/** sqrt(-2 log p) mapped to the quantile of p < 0.02425 (rng.c). */
double glca_engine__normal_tail(double p);

/**
 * The standard normal quantile of u in (0, 1), relative error below 1.2e-9: P. J. Acklam's
 * rational approximation (published coefficients), a rational function of (u - 1/2)^2 in the
 * centre, of sqrt(-2 log(tail)) in the tails.  Inline: it runs once per uncertain exchange and
 * iteration.
 */
static inline double glca_engine__normal_quantile(double u)
{
    static const double qa[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double qb[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    const double low = 0.02425;
    double q, r;

    if (u < low)
        return glca_engine__normal_tail(u);
    if (u > 1.0 - low)
        return -glca_engine__normal_tail(1.0 - u);
    q = u - 0.5;
    r = q * q;
    return (((((qa[0] * r + qa[1]) * r + qa[2]) * r + qa[3]) * r + qa[4]) * r + qa[5]) * q /
           (((((qb[0] * r + qb[1]) * r + qb[2]) * r + qb[3]) * r + qb[4]) * r + 1.0);
}

/**
 * GLCA_EPARSE (with `loc`, which may be NULL) when `u` cannot describe a value whose nominal is
 * `amount`: a geometric sd below 1, a negative sd, min > max, a triangular mode outside
 * [min, max], anything not finite.  GLCA_DIST_NONE is always fine.
 */
int glca_engine__dist_check(const glca_uncertainty *u, double amount, const glca_srcloc *loc,
                            glca_error *err);

/**
 * The value of the distribution `u` around the nominal `amount` (lognormal: the median;
 * normal: the mean; triangular: the mode) at the uniform `x` in (0, 1): its quantile function.
 * GLCA_DIST_NONE gives `amount`.  `u` must have passed glca_engine__dist_check.
 */
double glca_engine__dist_sample(const glca_uncertainty *u, double amount, double x);

/** A distribution made ready for many draws: a lognormal's `a` is ln(gsd) here. */
typedef struct glca_engine__dist_ready {
    glca_dist dist;
    double a, b;
} glca_engine__dist_ready;

glca_engine__dist_ready glca_engine__dist_prepare(const glca_uncertainty *u);

/** Inverse of the triangular distribution function (distributions.c). */
double glca_engine__triangular(double lo, double hi, double mode, double u);

/** glca_engine__dist_sample of the prepared distribution (bitwise the same value). */
static inline double glca_engine__dist_sample_ready(const glca_engine__dist_ready *d,
                                                    double amount, double x)
{
    switch (d->dist) {
    case GLCA_DIST_LOGNORMAL:
        return amount * exp(d->a * glca_engine__normal_quantile(x));
    case GLCA_DIST_NORMAL:
        return amount + d->a * glca_engine__normal_quantile(x);
    case GLCA_DIST_TRIANGULAR:
        return glca_engine__triangular(d->a, d->b, amount, x);
    case GLCA_DIST_UNIFORM:
        return d->a + (d->b - d->a) * x;
    case GLCA_DIST_NONE:
        break;
    }
    return amount;
}

#endif
