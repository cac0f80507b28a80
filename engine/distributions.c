/*
 * The uncertainty distributions of FORMATS.md as transformations of one random block: lognormal
 * (amount = median, parameter the geometric standard deviation), normal (amount = mean,
 * parameter the standard deviation), triangular (min, max, mode = amount), uniform (min, max),
 * each as its quantile function of one uniform: the value of parameter j in iteration i depends
 * on its own uniform only, and ranks of values are ranks of uniforms.
 *
 * The batch sampler (rng.h) draws the background's hundreds of thousands of values per
 * iteration.  What a draw of parameter j adds to its matrix entry, delta = scale (x - amount),
 * is written with constants worked out once per parameter, so that the loop is the quantile and
 * at most one exp (rng.h's own) or sqrt:
 *   lognormal   x = amount exp(sigma z), sigma = ln gsd:   delta = c0 exp(c1 z) - c0,
 *               c0 = scale amount, c1 = sigma
 *   normal      x = amount + sd z:                         delta = c0 z, c0 = scale sd
 *   uniform     x = min + (max - min) u:                   delta = c0 + c1 u,
 *               c0 = scale (min - amount), c1 = scale (max - min)
 *   triangular  below the mode's F = (mode - min) / (max - min): x = min + sqrt(u w (mode - min)),
 *               else x = max - sqrt((1 - u) w (max - mode)), w = max - min; both branches are
 *               computed as selects (no branch to mispredict on a random u).
 * Algebraically the same values as glca_engine__dist_sample; they agree to rounding (a few ulp),
 * and ranks of draws are still ranks of uniforms.  Parameters are grouped by distribution and
 * matrix (struct of arrays, no switch per value) and visited a chunk of CHUNK parameters at a
 * time: the chunk's uniforms are made into a small buffer first (several Philox blocks at a time,
 * rng.c), then each group takes its parameters of the chunk in increasing j, so an entry that
 * several parameters share still receives them in a fixed order, whatever thread draws.
 */
#include "rng.h"

#include <math.h>

static const char *dist_name(glca_dist d)
{
    switch (d) {
    case GLCA_DIST_LOGNORMAL:
        return "lognormal";
    case GLCA_DIST_NORMAL:
        return "normal";
    case GLCA_DIST_TRIANGULAR:
        return "triangular";
    case GLCA_DIST_UNIFORM:
        return "uniform";
    case GLCA_DIST_NONE:
        break;
    }
    return "none";
}

int glca_engine__dist_check(const glca_uncertainty *u, double amount, const glca_srcloc *loc,
                            glca_error *err)
{
    const char *name = dist_name(u->dist);

    switch (u->dist) {
    case GLCA_DIST_NONE:
        return 0;
    case GLCA_DIST_LOGNORMAL:
        if (!isfinite(u->a) || u->a < 1.0)
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "lognormal uncertainty needs a finite gsd >= 1, got %g", u->a);
        break;
    case GLCA_DIST_NORMAL:
        if (!isfinite(u->a) || u->a < 0.0)
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "normal uncertainty needs a finite sd >= 0, got %g", u->a);
        break;
    case GLCA_DIST_TRIANGULAR:
    case GLCA_DIST_UNIFORM:
        if (!isfinite(u->a) || !isfinite(u->b) || u->a > u->b)
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "%s uncertainty needs finite min <= max, got min %g max %g",
                                  name, u->a, u->b);
        if (u->dist == GLCA_DIST_TRIANGULAR && !(amount >= u->a && amount <= u->b))
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "triangular uncertainty: the amount %g (the mode) is outside "
                                  "[%g, %g]",
                                  amount, u->a, u->b);
        break;
    default:
        return glca_error_set(err, GLCA_EPARSE, loc, "unknown uncertainty distribution %d",
                              (int)u->dist);
    }
    if (!isfinite(amount))
        return glca_error_set(err, GLCA_EPARSE, loc, "%s uncertainty on a non-finite amount",
                              name);
    return 0;
}

double glca_engine__triangular(double lo, double hi, double mode, double u)
{
    double width = hi - lo;

    if (width <= 0.0)
        return mode;
    /* Inverse of the distribution function, whose value at the mode is (mode - lo) / width. */
    if (u * width < mode - lo)
        return lo + sqrt(u * width * (mode - lo));
    return hi - sqrt((1.0 - u) * width * (hi - mode));
}

double glca_engine__dist_sample(const glca_uncertainty *u, double amount, double x)
{
    switch (u->dist) {
    case GLCA_DIST_LOGNORMAL:
        return amount * exp(log(u->a) * glca_engine__normal_quantile(x));
    case GLCA_DIST_NORMAL:
        return amount + u->a * glca_engine__normal_quantile(x);
    case GLCA_DIST_TRIANGULAR:
        return glca_engine__triangular(u->a, u->b, amount, x);
    case GLCA_DIST_UNIFORM:
        return u->a + (u->b - u->a) * x;
    case GLCA_DIST_NONE:
        break;
    }
    return amount;
}

/* Parameters per chunk: a multiple of 4 words per block times the lanes of rng_fill. */
#define CHUNK 4096

enum { KIND_LOGNORMAL, KIND_NORMAL, KIND_UNIFORM, KIND_TRIANGULAR, NKINDS };
#define NCONST 6

typedef struct group {
    size_t n, cap;
    uint32_t *param, *entry;
    double *c[NCONST];
    size_t *start; /* nchunks + 1: the group's parameters of chunk q are start[q]..start[q+1] */
} group;

struct glca_engine__sampler {
    size_t n, nchunks;
    group g[NKINDS][2]; /* [kind][in_b] */
};

static const int kind_consts[NKINDS] = {2, 1, 2, 6};

static void group_free(group *g)
{
    int c;

    glca_free(g->param);
    glca_free(g->entry);
    glca_free(g->start);
    for (c = 0; c < NCONST; c++)
        glca_free(g->c[c]);
}

void glca_engine__sampler_free(glca_engine__sampler *s)
{
    int k, t;

    if (!s)
        return;
    for (k = 0; k < NKINDS; k++)
        for (t = 0; t < 2; t++)
            group_free(&s->g[k][t]);
    glca_free(s);
}

static int kind_of(glca_dist d)
{
    switch (d) {
    case GLCA_DIST_LOGNORMAL:
        return KIND_LOGNORMAL;
    case GLCA_DIST_NORMAL:
        return KIND_NORMAL;
    case GLCA_DIST_UNIFORM:
        return KIND_UNIFORM;
    case GLCA_DIST_TRIANGULAR:
        return KIND_TRIANGULAR;
    case GLCA_DIST_NONE:
        break;
    }
    return -1;
}

/* The constants of the comment at the top. */
static void constants(const glca_engine__sampler_param *p, double *c)
{
    const double s = p->scale, lo = p->unc.a, hi = p->unc.b, mode = p->amount;

    switch (p->unc.dist) {
    case GLCA_DIST_LOGNORMAL:
        c[0] = s * p->amount;
        c[1] = log(p->unc.a);
        break;
    case GLCA_DIST_NORMAL:
        c[0] = s * p->unc.a;
        break;
    case GLCA_DIST_UNIFORM:
        c[0] = s * (lo - p->amount);
        c[1] = s * (hi - lo);
        break;
    case GLCA_DIST_TRIANGULAR:
        /* F(mode); a degenerate triangle (lo = hi = mode) adds 0 either way */
        c[0] = hi > lo ? (mode - lo) / (hi - lo) : 0.5;
        c[1] = s * (lo - mode);
        c[2] = s * (hi - mode);
        c[3] = s;
        c[4] = (hi - lo) * (mode - lo);
        c[5] = (hi - lo) * (hi - mode);
        break;
    case GLCA_DIST_NONE:
        break;
    }
}

/* Room for n parameters in every group (counted first, so no reallocation). */
static int group_alloc(group *g, int kind, size_t nchunks)
{
    int c;

    if (!(g->start = glca_calloc(nchunks + 1, sizeof *g->start)))
        return GLCA_ENOMEM;
    if (g->cap == 0)
        return 0;
    g->param = glca_mallocarray(g->cap, sizeof *g->param);
    g->entry = glca_mallocarray(g->cap, sizeof *g->entry);
    if (!g->param || !g->entry)
        return GLCA_ENOMEM;
    for (c = 0; c < kind_consts[kind]; c++)
        if (!(g->c[c] = glca_mallocarray(g->cap, sizeof *g->c[c])))
            return GLCA_ENOMEM;
    return 0;
}

int glca_engine__sampler_new(glca_engine__sampler **out, size_t n,
                             void (*get)(const void *ctx, size_t j,
                                         glca_engine__sampler_param *p),
                             const void *ctx, glca_error *err)
{
    glca_engine__sampler *s;
    glca_engine__sampler_param p;
    size_t j, q;
    int k, t, c, rc = 0;

    *out = NULL;
    if (n > UINT32_MAX)
        return glca_error_set(err, GLCA_ELIMIT, NULL,
                              "Monte Carlo: %zu uncertain exchanges, at most %lu", n,
                              (unsigned long)UINT32_MAX);
    if (!(s = glca_calloc(1, sizeof *s)))
        return glca_error_oom(err);
    s->n = n;
    s->nchunks = (n + CHUNK - 1) / CHUNK;
    for (j = 0; j < n; j++) {
        get(ctx, j, &p);
        if ((k = kind_of(p.unc.dist)) >= 0)
            s->g[k][p.in_b].cap++;
        if (p.entry > UINT32_MAX) {
            rc = glca_error_set(err, GLCA_ELIMIT, NULL, "Monte Carlo: matrix too large");
            goto cleanup;
        }
    }
    for (k = 0; k < NKINDS; k++)
        for (t = 0; t < 2; t++)
            if (group_alloc(&s->g[k][t], k, s->nchunks) < 0) {
                rc = glca_error_oom(err);
                goto cleanup;
            }
    for (j = 0; j < n; j++) {
        group *g;
        double cs[NCONST];

        get(ctx, j, &p);
        if ((k = kind_of(p.unc.dist)) < 0)
            continue;
        g = &s->g[k][p.in_b];
        constants(&p, cs);
        g->param[g->n] = (uint32_t)j;
        g->entry[g->n] = (uint32_t)p.entry;
        for (c = 0; c < kind_consts[k]; c++)
            g->c[c][g->n] = cs[c];
        g->n++;
        /* j is in chunk j / CHUNK: the chunks after it start after it */
        g->start[j / CHUNK + 1] = g->n;
    }
    /* chunks without a parameter of the group start where the previous one ended */
    for (k = 0; k < NKINDS; k++)
        for (t = 0; t < 2; t++)
            for (q = 1; q <= s->nchunks; q++)
                if (s->g[k][t].start[q] < s->g[k][t].start[q - 1])
                    s->g[k][t].start[q] = s->g[k][t].start[q - 1];
    *out = s;
    s = NULL;
cleanup:
    glca_engine__sampler_free(s);
    return rc;
}

int glca_engine__sampler_renumber_a(glca_engine__sampler *s, const size_t *map, glca_error *err)
{
    size_t i;
    int k;

    /* checked first, so a failure leaves every entry as it was */
    for (k = 0; k < NKINDS; k++)
        for (i = 0; i < s->g[k][0].n; i++)
            if (map[s->g[k][0].entry[i]] > UINT32_MAX)
                return glca_error_set(err, GLCA_ELIMIT, NULL, "Monte Carlo: matrix too large");
    for (k = 0; k < NKINDS; k++)
        for (i = 0; i < s->g[k][0].n; i++)
            s->g[k][0].entry[i] = (uint32_t)map[s->g[k][0].entry[i]];
    return 0;
}

/* The chunk's Philox words, then two doubles per parameter of a chunk (malloc's alignment). */
size_t glca_engine__sampler_workspace(const glca_engine__sampler *s)
{
    (void)s;
    return CHUNK + 2 * CHUNK * (sizeof(double) / sizeof(uint32_t));
}

/*
 * The loops below: u is the word of parameter param[i] in the chunk's buffer.  The normal and
 * lognormal draws go in passes over the group's parameters of the chunk so that the costly ones
 * vectorize (#pragma omp simd; GCC at -O2 leaves loops with calls and branches scalar): the
 * centre of the quantile for every parameter, then the 5 % in the tails scalar; for the
 * lognormal, glca_engine__exp_normal of every exponent (meaningless outside (-708, 709), where
 * the scatter takes libm's exp through glca_engine__exp_finish, as glca_engine__exp does); last
 * the scatter-add in increasing i.  The uniform's deltas likewise go in a vector loop before their scatter; the
 * triangular's loop stays as it was, as GCC checks sqrt's argument for errno unless told
 * -fno-math-errno, which keeps it scalar.  Each value goes through the same IEEE operations in
 * the same order as one parameter at a time with glca_engine__normal_quantile and
 * glca_engine__exp: the same draws, bit for bit (test_sampler_bitwise.c), in 20-30 % less time.
 */
static void quantiles(const group *g, size_t i0, size_t i1, const uint32_t *w, size_t base,
                      double *z)
{
    const uint32_t *param = g->param + i0;
    const size_t n = i1 - i0;
    size_t i;

#pragma omp simd
    for (i = 0; i < n; i++)
        z[i] = glca_engine__normal_centre(glca_engine__rng_u01(w[param[i] - base]));
    for (i = 0; i < n; i++) {
        double u = glca_engine__rng_u01(w[param[i] - base]);

        if (u < GLCA_ENGINE__NORMAL_LOW || u > 1.0 - GLCA_ENGINE__NORMAL_LOW)
            z[i] = glca_engine__normal_quantile(u);
    }
}

static void apply_lognormal(const group *g, size_t i0, size_t i1, const uint32_t *w, size_t base,
                            double *z, double *e, double *v)
{
    const double *c0 = g->c[0] + i0, *c1 = g->c[1] + i0;
    const uint32_t *entry = g->entry + i0;
    const size_t n = i1 - i0;
    size_t i;

    quantiles(g, i0, i1, w, base, z);
#pragma omp simd
    for (i = 0; i < n; i++) {
        z[i] *= c1[i]; /* the exponent, kept for the scatter */
        e[i] = glca_engine__exp_normal(z[i]);
    }
    for (i = 0; i < n; i++)
        v[entry[i]] += c0[i] * glca_engine__exp_finish(z[i], e[i]) - c0[i];
}

static void apply_normal(const group *g, size_t i0, size_t i1, const uint32_t *w, size_t base,
                         double *z, double *v)
{
    const double *c0 = g->c[0] + i0;
    const uint32_t *entry = g->entry + i0;
    const size_t n = i1 - i0;
    size_t i;

    quantiles(g, i0, i1, w, base, z);
    for (i = 0; i < n; i++)
        v[entry[i]] += c0[i] * z[i];
}

static void apply_uniform(const group *g, size_t i0, size_t i1, const uint32_t *w, size_t base,
                          double *d, double *v)
{
    const double *c0 = g->c[0] + i0, *c1 = g->c[1] + i0;
    const uint32_t *param = g->param + i0, *entry = g->entry + i0;
    const size_t n = i1 - i0;
    size_t i;

#pragma omp simd
    for (i = 0; i < n; i++)
        d[i] = c0[i] + c1[i] * glca_engine__rng_u01(w[param[i] - base]);
    for (i = 0; i < n; i++)
        v[entry[i]] += d[i];
}

static void apply_triangular(const group *g, size_t i0, size_t i1, const uint32_t *w,
                             size_t base, double *v)
{
    const double *f = g->c[0], *dlo = g->c[1], *dhi = g->c[2], *sc = g->c[3], *klo = g->c[4],
                 *khi = g->c[5];
    size_t i;

    for (i = i0; i < i1; i++) {
        double u = glca_engine__rng_u01(w[g->param[i] - base]);
        int below = u < f[i];
        double r = sqrt(below ? u * klo[i] : (1.0 - u) * khi[i]);

        v[g->entry[i]] += below ? dlo[i] + sc[i] * r : dhi[i] - sc[i] * r;
    }
}

void glca_engine__sampler_apply(const glca_engine__sampler *s, uint64_t seed, uint64_t iteration,
                                uint32_t *ws, double *avals, double *bvals)
{
    double *z = (double *)(void *)(ws + CHUNK), *e = z + CHUNK;
    size_t q;
    int t;

    for (q = 0; q < s->nchunks; q++) {
        const size_t base = q * CHUNK, len = s->n - base < CHUNK ? s->n - base : CHUNK;

        glca_engine__rng_fill(seed, iteration, base / 4, (len + 3) / 4, ws);
        for (t = 0; t < 2; t++) {
            double *v = t ? bvals : avals;
            const group *g = s->g[KIND_LOGNORMAL] + t;

            apply_lognormal(g, g->start[q], g->start[q + 1], ws, base, z, e, v);
            g = s->g[KIND_NORMAL] + t;
            apply_normal(g, g->start[q], g->start[q + 1], ws, base, z, v);
            g = s->g[KIND_UNIFORM] + t;
            apply_uniform(g, g->start[q], g->start[q + 1], ws, base, z, v);
            g = s->g[KIND_TRIANGULAR] + t;
            apply_triangular(g, g->start[q], g->start[q + 1], ws, base, v);
        }
    }
}
