/*
 * Counter-based random numbers for Monte Carlo, and the distributions of FORMATS.md.
 *
 * Every value is a pure function of (seed, iteration, parameter): parameter j of iteration i is
 * the uniform made of 32-bit word j % 4 of the Philox4x32-10 block (Random123) with the counter
 * (j / 4, i) under the key (seed).  No generator state is carried from one draw to the next, so
 * a draw comes out bitwise the same whatever thread computes it and in whatever order, and
 * sensitivity analysis can regenerate any parameter's draws instead of storing them.  Each
 * parameter owns its word, so neighbours are independent (every word of a Philox block is a
 * uniform 32-bit value, the four jointly uniform); sharing a block among four quarters the cost
 * of the generator, which with two per block was a third of a draw.
 *
 * 32 bits per uniform: (w + 1/2) / 2^32, a grid of step 2.3e-10 that stays inside (0, 1).  For
 * Monte Carlo this is plenty: the grid is far below the sampling error of any run (1e-10 would
 * need 1e20 draws to see), and the normal quantile of the extreme points, +-6.23, truncates the
 * standard normal where its tail mass is 2.3e-10 per side, i.e. once in 2e9 draws of a parameter.
 *
 * Every distribution is drawn by inversion of its distribution function from that one uniform
 * (the normal through Acklam's rational approximation of the normal quantile, relative error
 * below 1.2e-9, which needs a logarithm only in the 5 % of tails): no rejection, one uniform per
 * value, and a value's rank is the rank of its uniform.
 *
 * rng.c holds the generator and the normal quantile, distributions.c the distributions and the
 * batch sampler Monte Carlo uses for the background (many parameters per call).
 */
#ifndef GLCA_ENGINE_RNG_H
#define GLCA_ENGINE_RNG_H

#include <math.h>
#include <stddef.h>
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

/** The uniform in the open interval (0, 1) of one 32-bit word (see above). */
static inline double glca_engine__rng_u01(uint32_t w)
{
    /* The half step keeps both ends out: quantiles stay finite.  Exact in a double. */
    return ((double)w + 0.5) * 0x1p-32;
}

/** The uniform of parameter `param` in iteration `iteration` (see above). */
double glca_engine__rng_uniform(uint64_t seed, uint64_t iteration, uint64_t param);

/**
 * Blocks first_block .. first_block + nblocks - 1 of iteration `iteration`, four words each,
 * into out[0 .. 4 nblocks): the words of parameters 4 first_block onwards.  Bitwise the words
 * of glca_engine__rng_draw, computed several blocks at a time (rng.c).
 */
void glca_engine__rng_fill(uint64_t seed, uint64_t iteration, uint64_t first_block,
                           size_t nblocks, uint32_t *out);

/** sqrt(-2 log p) mapped to the quantile of p < 0.02425 (rng.c). */
double glca_engine__normal_tail(double p);

/** Where the tails of glca_engine__normal_quantile begin: below it and above 1 minus it. */
#define GLCA_ENGINE__NORMAL_LOW 0.02425

/**
 * The centre of glca_engine__normal_quantile, right only for u within [LOW, 1 - LOW] but finite
 * for every u in (0, 1) and free of branches, so that a loop over many uniforms vectorizes
 * (distributions.c computes it for all and then replaces the tails).
 */
static inline double glca_engine__normal_centre(double u)
{
    static const double qa[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double qb[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    double q = u - 0.5, r = q * q;

    return (((((qa[0] * r + qa[1]) * r + qa[2]) * r + qa[3]) * r + qa[4]) * r + qa[5]) * q /
           (((((qb[0] * r + qb[1]) * r + qb[2]) * r + qb[3]) * r + qb[4]) * r + 1.0);
}

/**
 * The standard normal quantile of u in (0, 1), relative error below 1.2e-9: P. J. Acklam's
 * rational approximation (published coefficients), a rational function of (u - 1/2)^2 in the
 * centre, of sqrt(-2 log(tail)) in the tails.  Inline: it runs once per uncertain exchange and
 * iteration.
 */
static inline double glca_engine__normal_quantile(double u)
{
    if (u < GLCA_ENGINE__NORMAL_LOW)
        return glca_engine__normal_tail(u);
    if (u > 1.0 - GLCA_ENGINE__NORMAL_LOW)
        return -glca_engine__normal_tail(1.0 - u);
    return glca_engine__normal_centre(u);
}

/** 2^(j/64) for glca_engine__exp: the doubles nearest to it, printed by Python's float.hex. */
static const double glca_engine__two_j64[64] = {
    0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0,
    0x1.0874518759bc8p+0, 0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0,
    0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0, 0x1.172b83c7d517bp+0,
    0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
    0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0,
    0x1.2d285a6e4030bp+0, 0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0,
    0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0, 0x1.3dea64c123422p+0,
    0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
    0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0,
    0x1.56f4736b527dap+0, 0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0,
    0x1.6247eb03a5585p+0, 0x1.6623882552225p+0, 0x1.6a09e667f3bcdp+0,
    0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
    0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0,
    0x1.868d99b4492edp+0, 0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0,
    0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0, 0x1.9c49182a3f090p+0,
    0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
    0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0,
    0x1.bcc1e904bc1d2p+0, 0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0,
    0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0, 0x1.d5818dcfba487p+0,
    0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
    0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0,
    0x1.fa7c1819e90d8p+0,
};

/**
 * e^x for the lognormal draws, within 2 ulp of the exact value (the engine tests compare with
 * libm over [-40, 40]).  x = (64 m + j) ln 2 / 64 + r with |r| <= ln 2 / 128 (Cody and Waite:
 * ln 2 / 64 split in a 33-bit head, so k times it is exact, and a tail), e^x = 2^m 2^(j/64) e^r,
 * 2^(j/64) from the table above and e^r by its Taylor polynomial of degree 5 (remainder below
 * 0.0055^6 / 720 = 4e-17).  Short, with no call and no branch; glibc's exp with its error
 * handling was the largest single cost of a draw.  Right for x in (-708, 709), where 2^m stays in
 * the normal range (glca_engine__exp checks); elsewhere a meaningless value but no undefined
 * behaviour, so a vector loop may run it on every value and replace the few outside
 * (distributions.c).  Integer operations only on the bits: k + shifter holds k in its low bits
 * (two's complement below 2^51), so j = k & 63 and 2^m's exponent field (k << 46 keeps
 * m = floor(k / 64) in the top 12 bits) come without a conversion to int64_t, which SSE2 lacks.
 */
static inline double glca_engine__exp_normal(double x)
{
    const double head = 0x1.62e42fefp-7, tail = 0x1.473de6af278edp-40; /* ln 2 / 64 */
    const double shifter = 0x1.8p52; /* adding it rounds to an integer */
    double k, r, p;
    union {
        double d;
        uint64_t u;
    } t, two_m;

    t.d = x * 0x1.71547652b82fep+6 + shifter; /* round(64 x / ln 2), in the low bits */
    k = t.d - shifter;
    r = (x - k * head) - k * tail;
    p = r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120)))));
    two_m.u = ((t.u << 46) & UINT64_C(0xfff0000000000000)) + (UINT64_C(1023) << 52);
    return (glca_engine__two_j64[t.u & 63] + glca_engine__two_j64[t.u & 63] * p) * two_m.d;
}

/** e^x from e = glca_engine__exp_normal(x): e inside (-708, 709), libm's exp outside. */
static inline double glca_engine__exp_finish(double x, double e)
{
    return x > -708.0 && x < 709.0 ? e : exp(x);
}

/** e^x: glca_engine__exp_normal inside (-708, 709), libm's exp outside. */
static inline double glca_engine__exp(double x)
{
    return glca_engine__exp_finish(x, glca_engine__exp_normal(x));
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

/** Inverse of the triangular distribution function (distributions.c). */
double glca_engine__triangular(double lo, double hi, double mode, double u);

/**
 * The background's uncertain values made ready for many draws (distributions.c).  Parameter j
 * adds scale_j (x_j - amount_j) to entry_j of A's or B's values, x_j drawn from its own uniform
 * (above); several parameters may add to one entry, always in the order of j.  The per-parameter
 * constants are computed once (ln gsd, scale times the bounds, ...), parameters are grouped by
 * distribution and by matrix so that the loop over them has no switch, and the uniforms are
 * made a chunk at a time so that they are used while in the first-level cache.
 */
typedef struct glca_engine__sampler glca_engine__sampler;

/** One uncertain value for glca_engine__sampler_new (`unc` passed glca_engine__dist_check). */
typedef struct glca_engine__sampler_param {
    bool in_b;    /* else in A */
    size_t entry; /* index into the values of A or B */
    double amount, scale;
    glca_uncertainty unc;
} glca_engine__sampler_param;

/** `get(ctx, j, &p)` describes parameter j of 0..n.  GLCA_ELIMIT beyond 2^32 parameters. */
int glca_engine__sampler_new(glca_engine__sampler **out, size_t n,
                             void (*get)(const void *ctx, size_t j,
                                         glca_engine__sampler_param *p),
                             const void *ctx, glca_error *err);
void glca_engine__sampler_free(glca_engine__sampler *s);

/**
 * Renumber the entries of A's parameters: entry e becomes map[e], for a caller that keeps A's
 * values in another order (Monte Carlo's ILU routes keep them by rows).  Parameters sharing an
 * entry still add to it in the order of j.  GLCA_ELIMIT (nothing changed) if a new entry does
 * not fit in 32 bits.  Not while a thread applies the sampler.
 */
int glca_engine__sampler_renumber_a(glca_engine__sampler *s, const size_t *map, glca_error *err);

/** Words of workspace glca_engine__sampler_apply needs (it keeps doubles there too). */
size_t glca_engine__sampler_workspace(const glca_engine__sampler *s);

/**
 * Iteration `iteration`: add every parameter's scale (x - amount) to avals (A) or bvals (B).
 * `ws` has glca_engine__sampler_workspace words, aligned as malloc aligns them.  Reads nothing
 * else that changes: threads may share one sampler.
 */
void glca_engine__sampler_apply(const glca_engine__sampler *s, uint64_t seed, uint64_t iteration,
                                uint32_t *ws, double *avals, double *bvals);

#endif
