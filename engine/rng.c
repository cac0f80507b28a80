/*
 * Philox4x32-10 draws keyed by (seed, iteration, parameter), and the two deviates everything
 * else is made of: a uniform on (0, 1) and a standard normal.  See rng.h for why the generator
 * is counter-based.
 */
#include "rng.h"

#include <math.h>

#include <Random123/philox.h>

glca_engine__rng_block glca_engine__rng_draw(uint64_t seed, uint64_t iteration, uint64_t param)
{
    philox4x32_ctr_t ctr = {{(uint32_t)param, (uint32_t)(param >> 32), (uint32_t)iteration,
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

    /* The half step keeps both ends out: log(u) and log(1 - u) stay finite. */
    return ((double)bits + 0.5) * 0x1p-53;
}

double glca_engine__rng_normal(const glca_engine__rng_block *b)
{
    const double two_pi = 6.283185307179586476925286766559;
    double u1 = glca_engine__rng_u01(b, 0), u2 = glca_engine__rng_u01(b, 1);

    return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}
