/*
 * The out-of-line parts of rng.h: the uniform of one parameter, many Philox blocks at once, and
 * the tails of the normal quantile (Acklam's coefficients, see rng.h).
 *
 * glca_engine__rng_fill computes Philox4x32-10 on LANES counters side by side, each step a loop
 * over the lanes with a fixed trip count, so that the compiler can keep the lanes in vector
 * registers (the 32 x 32 -> 64-bit products are independent across lanes).  The rounds are
 * those of Random123's philox4x32 (multipliers 0xD2511F53 and 0xCD9E8D57, Weyl key increments
 * 0x9E3779B9 and 0xBB67AE85, ten rounds with the key bumped between them); the engine tests
 * compare the words with Random123's own function block by block.
 */
#include "rng.h"

#define LANES 8

double glca_engine__rng_uniform(uint64_t seed, uint64_t iteration, uint64_t param)
{
    glca_engine__rng_block b = glca_engine__rng_draw(seed, iteration, param >> 2);

    return glca_engine__rng_u01(b.w[param & 3]);
}

/* LANES blocks from `block` on, the words of block block + l at out[4 l .. 4 l + 3]. */
static void philox_lanes(uint32_t k0, uint32_t k1, uint64_t block, uint64_t iteration,
                         uint32_t *out)
{
    uint32_t x0[LANES], x1[LANES], x2[LANES], x3[LANES];
    int l, r;

    for (l = 0; l < LANES; l++) {
        uint64_t b = block + (uint64_t)l;

        x0[l] = (uint32_t)b;
        x1[l] = (uint32_t)(b >> 32);
        x2[l] = (uint32_t)iteration;
        x3[l] = (uint32_t)(iteration >> 32);
    }
    for (r = 0; r < 10; r++) {
        for (l = 0; l < LANES; l++) {
            uint64_t p0 = (uint64_t)x0[l] * UINT64_C(0xD2511F53);
            uint64_t p1 = (uint64_t)x2[l] * UINT64_C(0xCD9E8D57);
            uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1[l] ^ k0;
            uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3[l] ^ k1;

            x0[l] = y0;
            x1[l] = (uint32_t)p1;
            x2[l] = y2;
            x3[l] = (uint32_t)p0;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    for (l = 0; l < LANES; l++) {
        out[4 * l] = x0[l];
        out[4 * l + 1] = x1[l];
        out[4 * l + 2] = x2[l];
        out[4 * l + 3] = x3[l];
    }
}

void glca_engine__rng_fill(uint64_t seed, uint64_t iteration, uint64_t first_block,
                           size_t nblocks, uint32_t *out)
{
    const uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    size_t q = 0;

    for (; q + LANES <= nblocks; q += LANES)
        philox_lanes(k0, k1, first_block + q, iteration, out + 4 * q);
    for (; q < nblocks; q++) {
        glca_engine__rng_block b = glca_engine__rng_draw(seed, iteration, first_block + q);

        out[4 * q] = b.w[0];
        out[4 * q + 1] = b.w[1];
        out[4 * q + 2] = b.w[2];
        out[4 * q + 3] = b.w[3];
    }
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
