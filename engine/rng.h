/*
 * Counter-based random numbers for Monte Carlo, and the distributions of FORMATS.md.
 *
 * Every draw is a pure function of (seed, iteration, parameter): one Philox4x32-10 block
 * (Random123) with the counter (parameter, iteration) and the key (seed).  No generator state is
 * carried from one draw to the next, so a draw comes out bitwise the same whatever thread computes
 * it and in whatever order, and sensitivity analysis can regenerate any parameter's draws instead
 * of storing them.  One block gives 128 random bits: enough for one normal deviate (Box-Muller on
 * two 53-bit uniforms) or one uniform, which is all any of our distributions needs.
 *
 * rng.c holds the generator, distributions.c the transformations to each distribution.
 */
#ifndef GLCA_ENGINE_RNG_H
#define GLCA_ENGINE_RNG_H

#include <stdint.h>

#include <glca/engine.h>

/** The 128 random bits of draw (seed, iteration, param). */
typedef struct glca_engine__rng_block {
    uint32_t w[4];
} glca_engine__rng_block;

glca_engine__rng_block glca_engine__rng_draw(uint64_t seed, uint64_t iteration, uint64_t param);

/** A uniform in the open interval (0, 1) from the first (`second` false) or last 64 bits. */
double glca_engine__rng_u01(const glca_engine__rng_block *b, int second);

/** A standard normal deviate from the whole block (Box-Muller, cosine branch). */
double glca_engine__rng_normal(const glca_engine__rng_block *b);

/**
 * GLCA_EPARSE (with `loc`, which may be NULL) when `u` cannot describe a value whose nominal is
 * `amount`: a geometric sd below 1, a negative sd, min > max, a triangular mode outside
 * [min, max], anything not finite.  GLCA_DIST_NONE is always fine.
 */
int glca_engine__dist_check(const glca_uncertainty *u, double amount, const glca_srcloc *loc,
                            glca_error *err);

/**
 * One value of the distribution `u` around the nominal `amount` (lognormal: the median; normal:
 * the mean; triangular: the mode), from the random block `b`.  GLCA_DIST_NONE gives `amount`.
 * `u` must have passed glca_engine__dist_check.
 */
double glca_engine__dist_sample(const glca_uncertainty *u, double amount,
                                const glca_engine__rng_block *b);

/**
 * A number that orders draws of `u` as the values do (the normal deviate or the uniform behind
 * them; minus it for a lognormal with a negative median).  Rank statistics can use it without
 * the transformation.
 */
double glca_engine__dist_score(const glca_uncertainty *u, double amount,
                               const glca_engine__rng_block *b);

#endif
