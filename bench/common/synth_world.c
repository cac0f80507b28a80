/*
 * The world of the synthetic data (see synth.h): unit families, elementary flows, the unit
 * family of each process, and the small writers every synthetic file shares (ids, amounts,
 * uncertainty).  Everything random here comes from the STREAM_WORLD stream, so the inventory and
 * the catalog, written separately, agree on which process makes what.
 */
#include "synth_int.h"

#include <assert.h>

static const synth_family families[SYNTH_NFAMS] = {
    [FAM_KG] = {{"kg", 1, false}, 4,
                {{"g", 1e-3, false}, {"t", 1e3, false}, {"mg", 1e-6, false},
                 {"lb", 0.45359237, false}}},
    [FAM_KWH] = {{"kWh", 1, false}, 4,
                 {{"Wh", 1e-3, false}, {"MWh", 1e3, false}, {"MJ", 1 / 3.6, false},
                  {"kJ", 1 / 3600.0, false}}},
    [FAM_MJ] = {{"MJ", 1, false}, 3, {{"kJ", 1e-3, false}, {"GJ", 1e3, false}, {"kWh", 3.6, false}}},
    [FAM_TKM] = {{"t*km", 1, false}, 2, {{"kg*km", 1e-3, false}, {"tkm", 1, true}}},
    [FAM_M3] = {{"m3", 1, false}, 2, {{"l", 1e-3, false}, {"ml", 1e-6, false}}},
    [FAM_UNIT] = {{"unit", 1, false}, 3, {{"piece", 1, false}, {"item", 1, false}, {"p", 1, false}}},
    [FAM_KBQ] = {{"kBq", 1, false}, 1, {{"Bq", 1e-3, false}}},
    [FAM_LAND] = {{"m2*a", 1, true}, 0, {{NULL, 0, false}}},
};

static const synth_eflow named_flows[SYNTH_NNAMED] = {
    [EF_CO2] = {"co2-fossil", "Carbon dioxide, fossil", "124-38-9", FAM_KG, COMP_AIR},
    [EF_CH4] = {"ch4-fossil", "Methane, fossil", "74-82-8", FAM_KG, COMP_AIR},
    [EF_N2O] = {"n2o", "Dinitrogen monoxide", "10024-97-2", FAM_KG, COMP_AIR},
    [EF_SO2] = {"so2", "Sulfur dioxide", "7446-09-5", FAM_KG, COMP_AIR},
    [EF_NOX] = {"nox", "Nitrogen oxides", "11104-93-1", FAM_KG, COMP_AIR},
    [EF_PM25] = {"pm2-5", "Particulates, &lt; 2.5 um", NULL, FAM_KG, COMP_AIR},
    [EF_NH3] = {"nh3", "Ammonia", "7664-41-7", FAM_KG, COMP_AIR},
    [EF_CO] = {"co-fossil", "Carbon monoxide, fossil", "630-08-0", FAM_KG, COMP_AIR},
    [EF_NMVOC] = {"nmvoc", "NMVOC, non-methane volatile organic compounds", NULL, FAM_KG,
                  COMP_AIR},
    [EF_WATER] = {"water-fresh", "Water, fresh", "7732-18-5", FAM_M3, COMP_RESOURCE},
    [EF_GAS] = {"natural-gas", "Energy, gross calorific value, in natural gas", NULL, FAM_MJ,
                COMP_RESOURCE},
    [EF_COAL] = {"hard-coal", "Coal, hard, unspecified, in ground", NULL, FAM_KG, COMP_RESOURCE},
    [EF_LAND] = {"land-occupation", "Occupation, industrial area", NULL, FAM_LAND, COMP_RESOURCE},
    [EF_RADON] = {"radon-222", "Radon-222", "14859-67-7", FAM_KBQ, COMP_AIR},
    [EF_PHOSPHATE] = {"phosphate", "Phosphate", "14265-44-2", FAM_KG, COMP_WATER},
    [EF_HFC32] = {"hfc-32", "Difluoromethane (HFC-32)", "75-10-5", FAM_KG, COMP_AIR},
};

const synth_family *glca_synth__family(int fam)
{
    assert(fam >= 0 && fam < SYNTH_NFAMS);
    return &families[fam];
}

const synth_unit *glca_synth__pick_unit(glca_bench_rng *r, int fam, double p_alt,
                                        bool allow_declared)
{
    const synth_family *f = glca_synth__family(fam);
    const synth_unit *u;

    if (f->nalt == 0 || !glca_bench_rng_chance(r, p_alt))
        return &f->ref;
    u = &f->alt[glca_bench_rng_below(r, f->nalt)];
    return u->declared && !allow_declared ? &f->ref : u;
}

static int digits(size_t n)
{
    int d = 1;

    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static void generic_eflow(glca_bench_rng *r, synth_eflow *e)
{
    double u = glca_bench_rng_uniform(r), v = glca_bench_rng_uniform(r);

    e->id = e->name = e->cas = NULL;
    e->fam = FAM_KG;
    if (u < 0.5) {
        e->comp = COMP_AIR;
        if (v < 0.03)
            e->fam = FAM_KBQ;
    } else if (u < 0.75) {
        e->comp = COMP_WATER;
    } else if (u < 0.85) {
        e->comp = COMP_SOIL;
    } else {
        e->comp = COMP_RESOURCE;
        e->fam = v < 0.2 ? FAM_M3 : v < 0.4 ? FAM_MJ : v < 0.45 ? FAM_LAND : FAM_KG;
    }
}

static int build(glca_synth *s, glca_error *err)
{
    const size_t n = s->opt.processes, m = s->opt.flows;
    size_t fill[SYNTH_NPCLASSES] = {0};
    /* shares of reference-product families: mostly materials, as in ecoinvent */
    static const double share[SYNTH_NPCLASSES] = {0.55, 0.08, 0.10, 0.08, 0.09, 0.10};
    glca_bench_rng r;
    size_t p, f;
    int c, rc;

    glca_bench_rng_seed(&r, s->opt.seed, STREAM_WORLD);
    if (!(s->pfam = glca_malloc(n)) || !(s->by_fam = glca_mallocarray(n, sizeof *s->by_fam)) ||
        !(s->eflows = glca_mallocarray(m, sizeof *s->eflows)) ||
        !(s->air_kg = glca_mallocarray(m, sizeof *s->air_kg)))
        return glca_error_oom(err);
    for (p = 0; p < n; p++) {
        double u = glca_bench_rng_uniform(&r), acc = 0;

        /* the first processes are one of each family: basic commodities everything uses */
        if (p < SYNTH_NPCLASSES) {
            s->pfam[p] = (unsigned char)p;
            continue;
        }
        for (c = 0; c < SYNTH_NPCLASSES - 1; c++) {
            acc += share[c];
            if (u < acc)
                break;
        }
        s->pfam[p] = (unsigned char)c;
    }
    if (s->opt.realistic && (rc = glca_synth__build_markets(s, &r, err)) < 0)
        return rc;
    for (c = 0; c <= SYNTH_NPCLASSES; c++)
        s->fam_start[c] = 0;
    for (p = 0; p < n; p++)
        s->fam_start[s->pfam[p] + 1]++;
    for (c = 0; c < SYNTH_NPCLASSES; c++)
        s->fam_start[c + 1] += s->fam_start[c];
    for (p = 0; p < n; p++) {
        c = s->pfam[p];
        s->by_fam[s->fam_start[c] + fill[c]++] = p;
    }
    s->nair_kg = 0;
    for (f = 0; f < m; f++) {
        if (f < SYNTH_NNAMED)
            s->eflows[f] = named_flows[f];
        else
            generic_eflow(&r, &s->eflows[f]);
        if (s->eflows[f].comp == COMP_AIR && s->eflows[f].fam == FAM_KG)
            s->air_kg[s->nair_kg++] = f;
    }
    return 0;
}

int glca_synth_new(glca_synth **out, const glca_synth_options *opts, glca_error *err)
{
    glca_synth *s = NULL;
    int rc;

    *out = NULL;
    if (opts->processes < 1 || opts->flows < 1 || opts->categories < 1)
        return glca_error_set(err, GLCA_EPARSE, NULL,
                              "need at least one process, flow and category");
    if (opts->bad > opts->products)
        return glca_error_set(err, GLCA_EPARSE, NULL, "--bad %zu exceeds --products %zu",
                              opts->bad, opts->products);
    if (opts->processes > 100000000 || opts->flows > 100000000 || opts->lines > 1000000)
        return glca_error_set(err, GLCA_ELIMIT, NULL, "sizes beyond what a benchmark needs");
    if (!(s = glca_calloc(1, sizeof *s)))
        return glca_error_oom(err);
    s->opt = *opts;
    s->pwidth = digits(opts->processes - 1);
    s->fwidth = digits(opts->flows - 1);
    s->cwidth = digits(opts->products ? opts->products - 1 : 0);
    if ((rc = build(s, err)) < 0)
        goto cleanup;
    *out = s;
    s = NULL;
cleanup:
    glca_synth_free(s);
    return rc;
}

void glca_synth_free(glca_synth *s)
{
    if (!s)
        return;
    glca_free(s->pfam);
    glca_free(s->by_fam);
    glca_free(s->eflows);
    glca_free(s->air_kg);
    glca_synth__free_markets(s);
    glca_free(s);
}

void glca_synth__process_id(glca_bench_out *o, const glca_synth *s, size_t p)
{
    GLCA_BENCH_OUT_LIT(o, "p-");
    glca_bench_out_uint(o, p, s->pwidth);
}

void glca_synth__product_flow_id(glca_bench_out *o, const glca_synth *s, size_t p)
{
    GLCA_BENCH_OUT_LIT(o, "pf-");
    glca_bench_out_uint(o, p, s->pwidth);
}

void glca_synth__eflow_id(glca_bench_out *o, const glca_synth *s, size_t f)
{
    if (s->eflows[f].id) {
        glca_bench_out_str(o, s->eflows[f].id);
        return;
    }
    GLCA_BENCH_OUT_LIT(o, "ef-");
    glca_bench_out_uint(o, f, s->fwidth);
}

size_t glca_synth__nhubs(const glca_synth *s)
{
    const size_t n = s->opt.processes, h = n / 200;

    return h > SYNTH_NPCLASSES ? h : (n < SYNTH_NPCLASSES ? n : SYNTH_NPCLASSES);
}

long glca_synth__pick_process(const glca_synth *s, glca_bench_rng *r, int fam)
{
    size_t n;

    if (fam >= SYNTH_NPCLASSES)
        return (long)glca_bench_rng_skewed(r, s->opt.processes, 2.0);
    n = s->fam_start[fam + 1] - s->fam_start[fam];
    if (n == 0)
        return -1;
    return (long)s->by_fam[s->fam_start[fam] + glca_bench_rng_skewed(r, n, 2.0)];
}

void glca_synth__amount(glca_bench_out *o, double amount)
{
    GLCA_BENCH_OUT_LIT(o, " amount=\"");
    glca_bench_out_num(o, amount, 4);
    GLCA_BENCH_OUT_LIT(o, "\"");
}

static void attr_num(glca_bench_out *o, const char *name, double x, int sig)
{
    GLCA_BENCH_OUT_LIT(o, " ");
    glca_bench_out_str(o, name);
    GLCA_BENCH_OUT_LIT(o, "=\"");
    glca_bench_out_num(o, x, sig);
    GLCA_BENCH_OUT_LIT(o, "\"");
}

void glca_synth__close_exchange(glca_bench_out *o, glca_bench_rng *r, bool uncertainty,
                                double amount, const char *indent, const char *tag)
{
    double u, d;

    if (!uncertainty) {
        GLCA_BENCH_OUT_LIT(o, "/>\n");
        return;
    }
    GLCA_BENCH_OUT_LIT(o, ">\n");
    glca_bench_out_str(o, indent);
    GLCA_BENCH_OUT_LIT(o, "  <uncertainty distribution=\"");
    u = amount < 0 ? 0.6 : glca_bench_rng_uniform(r);
    if (u < 0.55) {
        GLCA_BENCH_OUT_LIT(o, "lognormal\"");
        attr_num(o, "gsd", glca_bench_rng_range(r, 1.05, 2.0), 3);
    } else if (u < 0.7) {
        GLCA_BENCH_OUT_LIT(o, "normal\"");
        attr_num(o, "sd", (amount < 0 ? -amount : amount) * glca_bench_rng_range(r, 0.05, 0.3),
                 3);
    } else if (u < 0.85) {
        GLCA_BENCH_OUT_LIT(o, "triangular\"");
        attr_num(o, "min", amount * (1 - glca_bench_rng_range(r, 0.1, 0.5)), 4);
        attr_num(o, "max", amount * (1 + glca_bench_rng_range(r, 0.1, 1.0)), 4);
    } else {
        d = glca_bench_rng_range(r, 0.1, 0.5);
        GLCA_BENCH_OUT_LIT(o, "uniform\"");
        attr_num(o, "min", amount * (1 - d), 4);
        attr_num(o, "max", amount * (1 + d), 4);
    }
    GLCA_BENCH_OUT_LIT(o, "/>\n");
    glca_bench_out_str(o, indent);
    GLCA_BENCH_OUT_LIT(o, "</");
    glca_bench_out_str(o, tag);
    GLCA_BENCH_OUT_LIT(o, ">\n");
}

void glca_synth__close_exchange_lognormal(glca_bench_out *o, glca_bench_rng *r, double gsd_lo,
                                          double gsd_hi, const char *indent, const char *tag)
{
    GLCA_BENCH_OUT_LIT(o, ">\n");
    glca_bench_out_str(o, indent);
    GLCA_BENCH_OUT_LIT(o, "  <uncertainty distribution=\"lognormal\"");
    attr_num(o, "gsd", glca_bench_rng_range(r, gsd_lo, gsd_hi), 3);
    GLCA_BENCH_OUT_LIT(o, "/>\n");
    glca_bench_out_str(o, indent);
    GLCA_BENCH_OUT_LIT(o, "</");
    glca_bench_out_str(o, tag);
    GLCA_BENCH_OUT_LIT(o, ">\n");
}
