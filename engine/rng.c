/*
 * The out-of-line parts of rng.h: the uniform of one parameter and the tails of the normal
 * quantile (Acklam's coefficients, see rng.h).  The hot paths are inline in the header.
 */
#include "rng.h"

double glca_engine__rng_uniform(uint64_t seed, uint64_t iteration, uint64_t param)
{
    glca_engine__rng_block b = glca_engine__rng_draw(seed, iteration, param >> 1);

    return glca_engine__rng_u01(&b, (int)(param & 1));
}

double glca_engine__normal_tail(double p)
{
    static const double qc[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00,  2.938163982698783e+00};
    static const double qd[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00};
    double t = sqrt(-2.0 * log(p));

    return (((((qc[0] * t + qc[1]) * t + qc[2]) * t + qc[3]) * t + qc[4]) * t + qc[5]) /
           ((((qd[0] * t + qd[1]) * t + qd[2]) * t + qd[3]) * t + 1.0);
}
