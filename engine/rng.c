/*
 * Philox4x32-10 blocks keyed by (seed, iteration, block), the uniform of one parameter, and the
 * standard normal quantile everything Gaussian is made of.  See rng.h for the stream layout.
 */
#include "rng.h"

#include <math.h>

#include <Random123/philox.h>

glca_engine__rng_block glca_engine__rng_draw(uint64_t seed, uint64_t iteration, uint64_t block)
{
    philox4x32_ctr_t ctr = {{(uint32_t)block, (uint32_t)(block >> 32), (uint32_t)iteration,
                             (uint32_t)(iteration >> 32)}};
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    glca_engine__rng_block b = {{r.v[0], r.v[1], r.v[2], r.v[3]}};

    return b;
}

double glca_engine__rng_u01(const glca_engine__rng_block *b, int second)
{
    const uint32_t *w = b->w + (second ? 2 : 0);
    uint64_t bits = ((uint64_t)w[0] << 32 | w[1]) >> 11; /* 53 bits: every double is exact */

    /* The half step keeps both ends out: quantiles stay finite. */
    return ((double)bits + 0.5) * 0x1p-53;
}

double glca_engine__rng_uniform(uint64_t seed, uint64_t iteration, uint64_t param)
{
    glca_engine__rng_block b = glca_engine__rng_draw(seed, iteration, param >> 1);

    return glca_engine__rng_u01(&b, (int)(param & 1));
}

/*
 * P. J. Acklam's rational approximation of the normal quantile (published coefficients): a
 * rational function of (u - 1/2)^2 in the centre, of sqrt(-2 log(tail)) in the tails.
 */
static const double qa[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                            -2.759285104469687e+02, 1.383577518672690e+02,
                            -3.066479806614716e+01, 2.506628277459239e+00};
static const double qb[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                            -1.556989798598866e+02, 6.680131188771972e+01,
                            -1.328068155288572e+01};
static const double qc[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                            -2.400758277161838e+00, -2.549732539343734e+00,
                            4.374664141464968e+00,  2.938163982698783e+00};
static const double qd[] = {7.784695709041462e-03, 3.224671290700398e-01,
                            2.445134137142996e+00, 3.754408661907416e+00};

static double tail(double p)
{
    double t = sqrt(-2.0 * log(p));

    return (((((qc[0] * t + qc[1]) * t + qc[2]) * t + qc[3]) * t + qc[4]) * t + qc[5]) /
           ((((qd[0] * t + qd[1]) * t + qd[2]) * t + qd[3]) * t + 1.0);
}

double glca_engine__normal_quantile(double u)
{
    const double low = 0.02425;
    double q, r;

    if (u < low)
        return tail(u);
    if (u > 1.0 - low)
        return -tail(1.0 - u);
    q = u - 0.5;
    r = q * q;
    return (((((qa[0] * r + qa[1]) * r + qa[2]) * r + qa[3]) * r + qa[4]) * r + qa[5]) * q /
           (((((qb[0] * r + qb[1]) * r + qb[2]) * r + qb[3]) * r + qb[4]) * r + 1.0);
}
