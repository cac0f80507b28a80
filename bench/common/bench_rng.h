/*
 * A small seeded random number generator for the benchmarks: xoshiro256** (Blackman & Vigna)
 * seeded through splitmix64.  Its state lives in a caller-owned struct, so there is no global
 * state and independent streams (one per output file) are just separate structs.  Same seed and
 * stream on the same build give the same sequence, which is what makes generated data
 * byte-identical from run to run.
 */
#ifndef GLCA_BENCH_RNG_H
#define GLCA_BENCH_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct glca_bench_rng {
    uint64_t s[4];
} glca_bench_rng;

/** Seed stream `stream` of `seed`; different streams of one seed are independent. */
void glca_bench_rng_seed(glca_bench_rng *r, uint64_t seed, uint64_t stream);
uint64_t glca_bench_rng_next(glca_bench_rng *r);
/** Uniform in [0, 1), 53 random bits. */
double glca_bench_rng_uniform(glca_bench_rng *r);
/** Uniform in [lo, hi). */
double glca_bench_rng_range(glca_bench_rng *r, double lo, double hi);
/** Uniform integer in [0, n); n > 0. */
size_t glca_bench_rng_below(glca_bench_rng *r, size_t n);
/** True with probability p. */
int glca_bench_rng_chance(glca_bench_rng *r, double p);
/** Standard normal (Box-Muller, one value per call so the state stays just the four words). */
double glca_bench_rng_normal(glca_bench_rng *r);
/** Lognormal with the given median and geometric standard deviation (gsd >= 1). */
double glca_bench_rng_lognormal(glca_bench_rng *r, double median, double gsd);
/**
 * An index in [0, n) skewed towards 0: floor(n · u^power).  power 1 is uniform; larger powers
 * make the first indexes far more common (a few flows like CO2 are in nearly every process).
 */
size_t glca_bench_rng_skewed(glca_bench_rng *r, size_t n, double power);

#endif
