/*
 * xoshiro256** seeded by splitmix64 (see bench_rng.h).  Both algorithms are public domain
 * descriptions by Vigna; this is our own transcription of the published recurrences.
 */
#include "bench_rng.h"

#include <assert.h>
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void glca_bench_rng_seed(glca_bench_rng *r, uint64_t seed, uint64_t stream)
{
    /* mix the stream into the seed so streams of one seed do not overlap in practice */
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t glca_bench_rng_next(glca_bench_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double glca_bench_rng_uniform(glca_bench_rng *r)
{
    return (double)(glca_bench_rng_next(r) >> 11) * 0x1.0p-53;
}

double glca_bench_rng_range(glca_bench_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * glca_bench_rng_uniform(r);
}

size_t glca_bench_rng_below(glca_bench_rng *r, size_t n)
{
    assert(n > 0);
    /* the modulo bias is below 2^-40 for the sizes a benchmark uses */
    return (size_t)(glca_bench_rng_next(r) % (uint64_t)n);
}

int glca_bench_rng_chance(glca_bench_rng *r, double p)
{
    return glca_bench_rng_uniform(r) < p;
}

double glca_bench_rng_normal(glca_bench_rng *r)
{
    const double two_pi = 6.283185307179586;
    double u1 = 1.0 - glca_bench_rng_uniform(r); /* (0, 1]: log is finite */
    double u2 = glca_bench_rng_uniform(r);

    return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}

double glca_bench_rng_lognormal(glca_bench_rng *r, double median, double gsd)
{
    assert(gsd >= 1.0);
    return median * exp(log(gsd) * glca_bench_rng_normal(r));
}

size_t glca_bench_rng_skewed(glca_bench_rng *r, size_t n, double power)
{
    size_t i;

    assert(n > 0);
    i = (size_t)((double)n * pow(glca_bench_rng_uniform(r), power));
    return i < n ? i : n - 1;
}
