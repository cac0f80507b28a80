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

#include <stdint.h>

#include <glca/engine.h>

/** The 128 random bits of Philox counter (block, iteration) under the key seed. */
typedef struct glca_engine__rng_block {
    uint32_t w[4];
} glca_engine__rng_block;

glca_engine__rng_block glca_engine__rng_draw(uint64_t seed, uint64_t iteration, uint64_t block);

/** A uniform in the open interval (0, 1) from the first (`second` 0) or last 64 bits. */
double glca_engine__rng_u01(const glca_engine__rng_block *b, int second);

/** The uniform of parameter `param` in iteration `iteration` (see above). */
double glca_engine__rng_uniform(uint64_t seed, uint64_t iteration, uint64_t param);

/** The standard normal quantile of u in (0, 1), relative error below 1.2e-9. */
double glca_engine__normal_quantile(double u);

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
/** glca_engine__dist_sample of the prepared distribution (bitwise the same value). */
double glca_engine__dist_sample_ready(const glca_engine__dist_ready *d, double amount, double x);

#endif
