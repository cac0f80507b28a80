/*
 * The realistic technosphere (synth.h, `realistic`): markets, producers and product sizes,
 * calibrated against the public facts about ecoinvent 3 (about 20 % of its activities are
 * markets; 11,607 of the 14,927 activities of 3.4 APOS form one strongly connected component;
 * A has about 12 nonzeros per column and B about 10; condition estimates 1e12-1e14).
 *
 * Layout: processes 0 .. G-1 are the markets of goods 0 .. G-1 (G = n / 5), the others are
 * producers.  Goods 0-5 are the basic commodities of synth_world.c (material, electricity, heat,
 * transport, water, unit); every good has at least one producer and popular goods more (capped
 * so a market stays the size real ones have).  A market buys its good from its producers, in
 * shares that add up to one plus a loss of up to 4 %, and some transport.  A producer buys from
 * markets: electricity, heat, transport and water with the probabilities below, then ~8 goods,
 * 60 % of them from its own sector (a block of 40 goods, the locality real supply chains have)
 * and the rest skewed towards the basic ones; rarely from a producer directly (3 %), and often
 * from infrastructure (a good in units: 30 %).  The last FINAL_SHARE of the goods are final
 * products nobody in the background buys: their markets and producers reach the loop but are
 * not reached from it, which is what keeps the largest strongly connected component near 78 %.
 *
 * Sizes: one reference unit of a good is `size` times a typical one: 1 for the basic goods,
 * 10^U(-1, 1) for ordinary ones and 10^U(2, 5) for goods in units (a machine, a building).
 * An exchange of j buying a share w of q's good is written as w · size[j] / size[q] provider
 * units per reference unit of j, so A = S (I - W) S^-1 with W the dimensionless shares and
 * S = diag(size): the sizes scale the condition number by up to (max size / min size)^2 without
 * changing what is singular.  Emissions scale with size[j] too.
 *
 * Why A is non-singular: column sums of W are at most 1.04 + 0.04 for a market and at most 0.6
 * for a producer, and a market buys only from producers and the transport market, so every
 * column of W^2 sums to at most 1.04 · 0.6 + 0.04 · 1.08 < 0.67: ||W^2||_1 < 1, the spectral
 * radius of W is below 0.82 and I - W (hence A) is non-singular.
 */
#include "synth_int.h"

#include <math.h>

#define MARKET_SHARE 0.2
#define FINAL_SHARE 0.28
#define SECTOR_GOODS 40
#define MAX_PRODUCERS 40
#define GOOD_ELECTRICITY 1
#define GOOD_HEAT 2
#define GOOD_TRANSPORT 3
#define GOOD_WATER 4

bool glca_synth__is_market(const glca_synth *s, size_t p)
{
    return s->good && p < s->ngoods;
}

static double good_size(glca_bench_rng *r, size_t g, int fam)
{
    if (g < SYNTH_NPCLASSES)
        return 1;
    if (fam == FAM_UNIT)
        return pow(10, glca_bench_rng_range(r, 2, 5));
    return pow(10, glca_bench_rng_range(r, -1, 1));
}

int glca_synth__build_markets(glca_synth *s, glca_bench_rng *r, glca_error *err)
{
    const size_t n = s->opt.processes;
    size_t G = (size_t)((double)n * MARKET_SHARE), p, g, *count = NULL;
    int rc = 0;

    if (G < SYNTH_NPCLASSES)
        G = SYNTH_NPCLASSES;
    if (n < 2 * G)
        return glca_error_set(err, GLCA_EPARSE, NULL,
                              "the realistic background needs at least %d processes",
                              2 * SYNTH_NPCLASSES);
    s->ngoods = G;
    if (!(s->good = glca_mallocarray(n, sizeof *s->good)) ||
        !(s->size = glca_mallocarray(n, sizeof *s->size)) ||
        !(s->prod_start = glca_calloc(G + 1, sizeof *s->prod_start)) ||
        !(s->prod_list = glca_mallocarray(n - G, sizeof *s->prod_list)) ||
        !(count = glca_calloc(G, sizeof *count))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (g = 0; g < G; g++) {
        s->good[g] = g;
        s->size[g] = good_size(r, g, s->pfam[g]);
    }
    for (p = G; p < n; p++) {
        /* one producer per good first, then popular goods get more, up to MAX_PRODUCERS */
        g = p - G;
        if (g >= G) {
            g = glca_bench_rng_chance(r, 0.5) ? glca_bench_rng_skewed(r, G, 2.0)
                                              : glca_bench_rng_below(r, G);
            while (count[g] >= MAX_PRODUCERS)
                g = glca_bench_rng_below(r, G);
        }
        count[g]++;
        s->good[p] = g;
        s->pfam[p] = s->pfam[g];
        s->size[p] = s->size[g];
    }
    for (g = 0; g < G; g++)
        s->prod_start[g + 1] = s->prod_start[g] + count[g];
    for (g = 0; g < G; g++)
        count[g] = 0;
    for (p = G; p < n; p++) {
        g = s->good[p];
        s->prod_list[s->prod_start[g] + count[g]++] = p;
    }
cleanup:
    glca_free(count);
    return rc;
}

void glca_synth__free_markets(glca_synth *s)
{
    glca_free(s->good);
    glca_free(s->size);
    glca_free(s->prod_start);
    glca_free(s->prod_list);
}

static bool add(size_t *q, size_t *nq, size_t cap, size_t j, size_t c)
{
    size_t i;

    if (c == j || *nq >= cap)
        return false;
    for (i = 0; i < *nq; i++)
        if (q[i] == c)
            return false;
    q[(*nq)++] = c;
    return true;
}

/* A good bought by producers: from the sector of `own` or skewed to the basic ones, not final. */
static size_t pick_good(const glca_synth *s, glca_bench_rng *r, size_t own)
{
    const size_t bought = s->ngoods - (size_t)((double)s->ngoods * FINAL_SHARE);
    const size_t lo = own / SECTOR_GOODS * SECTOR_GOODS;

    if (lo < bought && glca_bench_rng_chance(r, 0.6)) {
        size_t hi = lo + SECTOR_GOODS < bought ? lo + SECTOR_GOODS : bought;

        return lo + glca_bench_rng_below(r, hi - lo);
    }
    return glca_bench_rng_skewed(r, bought, 2.0);
}

static size_t market_of(const glca_synth *s, glca_bench_rng *r, size_t j, size_t *q, double *w,
                        size_t cap)
{
    const size_t g = j, first = s->prod_start[g], np = s->prod_start[g + 1] - first;
    double sum = 0, total = 1 + glca_bench_rng_range(r, 0, 0.04);
    size_t nq = 0, k;

    for (k = 0; k < np && nq < cap; k++) {
        q[nq] = s->prod_list[first + k];
        sum += (w[nq] = glca_bench_rng_lognormal(r, 1, 2));
        nq++;
    }
    for (k = 0; k < nq; k++)
        w[k] *= total / sum;
    if (g != GOOD_TRANSPORT && glca_bench_rng_chance(r, 0.6) &&
        add(q, &nq, cap, j, GOOD_TRANSPORT))
        w[nq - 1] = glca_bench_rng_range(r, 0.005, 0.04);
    return nq;
}

size_t glca_synth__market_inputs(const glca_synth *s, glca_bench_rng *r, size_t j, size_t *q,
                                 double *w, size_t cap)
{
    static const struct {
        size_t good;
        double p;
    } basics[] = {{GOOD_ELECTRICITY, 0.9}, {GOOD_HEAT, 0.5}, {GOOD_TRANSPORT, 0.8},
                  {GOOD_WATER, 0.3}};
    size_t nq = 0, want, k, tries;
    double sum = 0, budget;

    if (j < s->ngoods)
        return market_of(s, r, j, q, w, cap);
    for (k = 0; k < sizeof basics / sizeof basics[0]; k++)
        if (glca_bench_rng_chance(r, basics[k].p))
            add(q, &nq, cap, j, basics[k].good);
    want = 6 + glca_bench_rng_below(r, 9);
    for (k = 0, tries = 0; k < want && tries < 4 * want; tries++)
        if (add(q, &nq, cap, j, pick_good(s, r, s->good[j])))
            k++;
    if (glca_bench_rng_chance(r, 0.03))
        add(q, &nq, cap, j, s->ngoods + glca_bench_rng_below(r, s->opt.processes - s->ngoods));
    if (glca_bench_rng_chance(r, 0.3)) {
        long u = glca_synth__pick_process(s, r, FAM_UNIT);

        if (u >= 0)
            add(q, &nq, cap, j, (size_t)u);
    }
    budget = glca_bench_rng_range(r, 0.1, 0.6);
    for (k = 0; k < nq; k++)
        sum += (w[k] = glca_bench_rng_lognormal(r, 1, 3));
    for (k = 0; k < nq; k++)
        w[k] *= budget / sum;
    return nq;
}
