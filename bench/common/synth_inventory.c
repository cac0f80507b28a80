/*
 * The synthetic background inventory (urn:greenlca:inventory:1), written as a stream.
 *
 * Why the technosphere is non-singular: every column's inputs, converted to the providers'
 * reference units and divided by the reference amount, add up to at most 0.6 (plus at most 0.1
 * of self-use, which lowers the diagonal to >= 0.9).  A is then strictly column-diagonally
 * dominant, so it is non-singular and ||A^-1||_1 <= 1 / (0.9 - 0.6) whatever the loops, and it
 * stays well away from singular when Monte Carlo perturbs the amounts.
 */
#include "synth_int.h"

#include <math.h>

#define MAX_INPUTS 48
#define MAX_ELEMENTARY 20

static const char *const words[SYNTH_NPCLASSES][6] = {
    [FAM_KG] = {"steel, low-alloyed", "aluminium, primary", "polypropylene, granulate",
                "copper wire", "flat glass, coated", "iron &amp; steel scrap, sorted"},
    [FAM_KWH] = {"electricity, medium voltage", "electricity, low voltage",
                 "electricity, high voltage", "electricity, photovoltaic",
                 "electricity, hydro", "electricity, coal"},
    [FAM_MJ] = {"heat, natural gas", "heat, district", "heat, wood chips", "steam, in chemical industry",
                "heat, light fuel oil", "heat, coal"},
    [FAM_TKM] = {"transport, lorry 16-32t", "transport, freight train", "transport, container ship",
                 "transport, van", "transport, barge", "transport, air freight"},
    [FAM_M3] = {"tap water", "wastewater, average", "compressed air", "deionised water",
                "natural gas, low pressure", "cooling water"},
    [FAM_UNIT] = {"printed wiring board", "electric motor", "EUR-flat pallet", "packaging box",
                  "compressor, rotary", "LCD module"},
};

static const char *const locations[8] = {"CN", "CN-GD", "CN-JS", "GLO", "RoW", "RER", "US", "JP"};
static const char *const compartments[4] = {"air", "water", "soil", "resource"};

static void write_flows(glca_bench_out *o, const glca_synth *s)
{
    size_t f, p;

    for (f = 0; f < s->opt.flows; f++) {
        const synth_eflow *e = &s->eflows[f];

        GLCA_BENCH_OUT_LIT(o, "  <flow id=\"");
        glca_synth__eflow_id(o, s, f);
        GLCA_BENCH_OUT_LIT(o, "\" kind=\"elementary\" name=\"");
        if (e->name) {
            glca_bench_out_str(o, e->name);
        } else {
            GLCA_BENCH_OUT_LIT(o, "Substance ");
            glca_bench_out_uint(o, f, 0);
            GLCA_BENCH_OUT_LIT(o, ", ");
            glca_bench_out_str(o, compartments[e->comp]);
        }
        GLCA_BENCH_OUT_LIT(o, "\" compartment=\"");
        glca_bench_out_str(o, compartments[e->comp]);
        GLCA_BENCH_OUT_LIT(o, "\" unit=\"");
        glca_bench_out_str(o, glca_synth__family(e->fam)->ref.name);
        if (e->cas) {
            GLCA_BENCH_OUT_LIT(o, "\" cas=\"");
            glca_bench_out_str(o, e->cas);
        }
        GLCA_BENCH_OUT_LIT(o, "\"/>\n");
    }
    for (p = 0; p < s->opt.processes; p++) {
        GLCA_BENCH_OUT_LIT(o, "  <flow id=\"");
        glca_synth__product_flow_id(o, s, p);
        GLCA_BENCH_OUT_LIT(o, "\" kind=\"product\" name=\"");
        glca_bench_out_str(o, words[s->pfam[p]][p % 6]);
        GLCA_BENCH_OUT_LIT(o, " (");
        glca_bench_out_uint(o, p, 0);
        GLCA_BENCH_OUT_LIT(o, ")\" unit=\"");
        glca_bench_out_str(o, glca_synth__family(s->pfam[p])->ref.name);
        GLCA_BENCH_OUT_LIT(o, "\"/>\n");
    }
}

static bool contains(const size_t *a, size_t n, size_t x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (a[i] == x)
            return true;
    return false;
}

/*
 * Providers of process j.  The first nhubs processes are hubs (electricity, heat, transport,
 * basic materials): they supply each other in both directions, which forms the big loops of
 * real databases (electricity needs coal, coal mining needs electricity).  Every other process
 * takes mostly from upstream (lower index, skewed towards the hubs) and about 2 % of its inputs
 * from a near neighbour downstream (index j+1 .. j+BACK_WINDOW), the small loops between
 * related products.  Loops through arbitrary far-away processes would be unrealistic and would
 * make any LU factorization fill in almost completely.
 */
#define BACK_SHARE 0.02
#define BACK_WINDOW 50

static size_t pick_providers(const glca_synth *s, glca_bench_rng *r, size_t j, size_t *q)
{
    const size_t n = s->opt.processes, nhubs = glca_synth__nhubs(s);
    size_t want = 8 + glca_bench_rng_below(r, 15), k, nq = 0;
    int tries;

    for (k = 0; k < want; k++) {
        for (tries = 0; tries < 4; tries++) {
            size_t c;

            if (j < nhubs && (j == 0 || glca_bench_rng_chance(r, 0.5)))
                c = glca_bench_rng_below(r, nhubs);
            else if (j >= nhubs && j + 1 < n && glca_bench_rng_chance(r, BACK_SHARE))
                c = j + 1 + glca_bench_rng_below(r, n - j - 1 < BACK_WINDOW ? n - j - 1 : BACK_WINDOW);
            else
                c = glca_bench_rng_skewed(r, j, 2.0);
            if (c != j && !contains(q, nq, c)) {
                q[nq++] = c;
                break;
            }
        }
    }
    return nq;
}

static void write_input(glca_bench_out *o, const glca_synth *s, glca_bench_rng *r, size_t q,
                        double per_ref, double share, bool market)
{
    const synth_unit *u = glca_synth__pick_unit(r, s->pfam[q], 0.2, true);
    const double amount = share * per_ref / u->per;

    GLCA_BENCH_OUT_LIT(o, "    <input flow=\"");
    glca_synth__product_flow_id(o, s, q);
    GLCA_BENCH_OUT_LIT(o, "\"");
    glca_synth__amount(o, amount);
    if (u != &glca_synth__family(s->pfam[q])->ref || glca_bench_rng_chance(r, 0.3)) {
        GLCA_BENCH_OUT_LIT(o, " unit=\"");
        glca_bench_out_str(o, u->name);
        GLCA_BENCH_OUT_LIT(o, "\"");
    }
    if (glca_bench_rng_chance(r, 0.5)) {
        GLCA_BENCH_OUT_LIT(o, " provider=\"");
        glca_synth__process_id(o, s, q);
        GLCA_BENCH_OUT_LIT(o, "\"");
    }
    if (market && s->opt.uncertainty) /* shares of a market's suppliers: gsd 1.02-1.1 */
        glca_synth__close_exchange_lognormal(o, r, 1.02, 1.1, "    ", "input");
    else
        glca_synth__close_exchange(o, r, s->opt.uncertainty, amount, "    ", "input");
}

/* amount of flow f per reference unit of a process, before any unit change */
static double elementary_amount(const glca_synth *s, glca_bench_rng *r, size_t f)
{
    switch (s->eflows[f].fam) {
    case FAM_M3:
        return glca_bench_rng_lognormal(r, 0.005, 5);
    case FAM_MJ:
        return glca_bench_rng_lognormal(r, 1, 5);
    case FAM_LAND:
        return glca_bench_rng_lognormal(r, 0.005, 5);
    case FAM_KBQ:
        return glca_bench_rng_lognormal(r, 0.05, 10);
    default:
        if (f == EF_CO2)
            return glca_bench_rng_lognormal(r, 0.8, 3);
        if (f < SYNTH_NNAMED)
            return glca_bench_rng_lognormal(r, 1e-3, 10);
        return pow(10, glca_bench_rng_range(r, -9, -2));
    }
}

/* lo .. lo + span - 1 exchanges (fewer if there are not so many flows) */
static size_t write_elementary(glca_bench_out *o, const glca_synth *s, glca_bench_rng *r,
                               double per_ref, size_t lo, size_t span)
{
    const size_t m = s->opt.flows;
    size_t want = lo + glca_bench_rng_below(r, span), chosen[MAX_ELEMENTARY], n = 0, k;
    int tries;

    if (want > m)
        want = m;
    if (want && glca_bench_rng_chance(r, 0.9))
        chosen[n++] = EF_CO2;
    while (n < want) {
        size_t f = 0;

        for (tries = 0; tries < 8; tries++) {
            f = glca_bench_rng_skewed(r, m, 3.0);
            if (!contains(chosen, n, f))
                break;
        }
        if (tries == 8)
            break;
        chosen[n++] = f;
    }
    for (k = 0; k < n; k++) {
        const size_t f = chosen[k];
        const bool resource = s->eflows[f].comp == COMP_RESOURCE;
        const synth_unit *u = glca_synth__pick_unit(r, s->eflows[f].fam, 0.15, true);
        double amount = elementary_amount(s, r, f) * per_ref / u->per;

        if (f != EF_CO2 && glca_bench_rng_chance(r, 0.003))
            amount = -amount; /* a credit, e.g. carbon uptake */
        if (resource)
            GLCA_BENCH_OUT_LIT(o, "    <input flow=\"");
        else
            GLCA_BENCH_OUT_LIT(o, "    <output flow=\"");
        glca_synth__eflow_id(o, s, f);
        GLCA_BENCH_OUT_LIT(o, "\"");
        glca_synth__amount(o, amount);
        if (u != &glca_synth__family(s->eflows[f].fam)->ref) {
            GLCA_BENCH_OUT_LIT(o, " unit=\"");
            glca_bench_out_str(o, u->name);
            GLCA_BENCH_OUT_LIT(o, "\"");
        }
        glca_synth__close_exchange(o, r, s->opt.uncertainty, amount, "    ",
                                   resource ? "input" : "output");
    }
    return n;
}

static size_t write_process(glca_bench_out *o, const glca_synth *s, glca_bench_rng *r, size_t j)
{
    static const double sizes[4] = {10, 100, 0.5, 1000};
    const int fam = s->pfam[j];
    const synth_unit *ru = glca_synth__pick_unit(r, fam, 0.15, true);
    const double per_ref = glca_bench_rng_chance(r, 0.8) ? 1 : sizes[glca_bench_rng_below(r, 4)];
    size_t q[MAX_INPUTS], nq, k, nx;
    double w[MAX_INPUTS], wsum = 0, budget;

    GLCA_BENCH_OUT_LIT(o, "  <process id=\"");
    glca_synth__process_id(o, s, j);
    GLCA_BENCH_OUT_LIT(o, "\" name=\"");
    if (s->good)
        glca_bench_out_str(o, glca_synth__is_market(s, j) ? "market for " : "production of ");
    else
        glca_bench_out_str(o, j % 3 ? "production of " : "market for ");
    glca_bench_out_str(o, words[fam][j % 6]);
    GLCA_BENCH_OUT_LIT(o, " #");
    glca_bench_out_uint(o, j, 0);
    GLCA_BENCH_OUT_LIT(o, "\" location=\"");
    glca_bench_out_str(o, locations[glca_bench_rng_below(r, 8)]);
    GLCA_BENCH_OUT_LIT(o, "\" product=\"");
    glca_synth__product_flow_id(o, s, j);
    GLCA_BENCH_OUT_LIT(o, "\" amount=\"");
    glca_bench_out_num(o, per_ref / ru->per, 6);
    if (ru != &glca_synth__family(fam)->ref || glca_bench_rng_chance(r, 0.5)) {
        GLCA_BENCH_OUT_LIT(o, "\" unit=\"");
        glca_bench_out_str(o, ru->name);
    }
    GLCA_BENCH_OUT_LIT(o, "\">\n");

    if (s->good) {
        /* shares in provider units per unit of j, times the size ratio (synth_market.c) */
        nq = glca_synth__market_inputs(s, r, j, q, w, MAX_INPUTS);
        for (k = 0; k < nq; k++)
            write_input(o, s, r, q[k], per_ref, w[k] * s->size[j] / s->size[q[k]],
                        glca_synth__is_market(s, j) && !glca_synth__is_market(s, q[k]));
        if (glca_synth__is_market(s, j))
            nx = nq + write_elementary(o, s, r, per_ref, 0, 3);
        else
            nx = nq + write_elementary(o, s, r, per_ref * s->size[j], 6, 13);
        GLCA_BENCH_OUT_LIT(o, "  </process>\n");
        return nx;
    }
    nq = pick_providers(s, r, j, q);
    budget = glca_bench_rng_range(r, 0.1, 0.6);
    for (k = 0; k < nq; k++)
        wsum += (w[k] = glca_bench_rng_lognormal(r, 1, 3));
    for (k = 0; k < nq; k++)
        write_input(o, s, r, q[k], per_ref, budget * w[k] / wsum, false);
    nx = nq;
    if (glca_bench_rng_chance(r, 0.01)) { /* self-use, as in input-output models */
        write_input(o, s, r, j, per_ref, glca_bench_rng_range(r, 0.01, 0.1), false);
        nx++;
    }
    nx += write_elementary(o, s, r, per_ref, 8, 13);
    GLCA_BENCH_OUT_LIT(o, "  </process>\n");
    return nx;
}

int glca_synth_write_inventory(const glca_synth *s, const char *path, glca_synth_stats *stats,
                               glca_error *err)
{
    glca_bench_out o;
    glca_bench_rng r;
    size_t p, nx = 0;
    int rc;

    if ((rc = glca_bench_out_open(&o, path, err)) < 0)
        return rc;
    glca_bench_rng_seed(&r, s->opt.seed, STREAM_INVENTORY);
    GLCA_BENCH_OUT_LIT(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<!-- Synthetic background written by gen_synthetic: seeded random "
                           "data for benchmarks, not a real inventory. -->\n"
                           "<inventory xmlns=\"urn:greenlca:inventory:1\" id=\"synthetic-");
    glca_bench_out_uint(&o, s->opt.seed, 0);
    GLCA_BENCH_OUT_LIT(&o, "\" version=\"1\">\n"
                           "  <unit name=\"tkm\" dimension=\"transport\" factor=\"1000\"/>\n"
                           "  <unit name=\"m2*a\" dimension=\"land-occupation\" factor=\"1\"/>\n");
    write_flows(&o, s);
    for (p = 0; p < s->opt.processes; p++)
        nx += write_process(&o, s, &r, p);
    GLCA_BENCH_OUT_LIT(&o, "</inventory>\n");
    stats->bytes = o.total;
    stats->elements = s->opt.processes;
    stats->exchanges = nx;
    return glca_bench_out_close(&o, err);
}
