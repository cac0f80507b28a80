/*
 * The synthetic product catalog (urn:greenlca:catalog:1 with inline urn:greenlca:product:1
 * products), written as a stream: each product is planned and written from its own random
 * stream (seed, product index), so memory does not depend on the number of products and product
 * i is the same whatever --products and --bad are (except the products made bad).
 *
 * A product has ~--lines lines: about 60 % BOM materials in nested components (mass-unit
 * providers), the rest inputs and a few direct emissions spread over the other stages, plus the
 * declared data GB/T 32161 rules read (basic requirements as booleans, category figures such as
 * apf or standby-power-w).  Categories cycle room-air-conditioner, personal-computer,
 * ceramic-tile.
 */
#include "synth_int.h"

#include <math.h>

enum { ST_RAW, ST_PRODUCTION, ST_DISTRIBUTION, ST_USE, ST_EOL, NSTAGES };
enum { BAD_NONE = -1, BAD_PROCESS, BAD_FLOW, BAD_QUANTITY, BAD_MASS, BAD_UNIT, BAD_PROVIDER, NBAD };
enum { CAT_AC, CAT_PC, CAT_TILE, NCATS };

static const char *const bad_names[NBAD] = {"dangling-process",  "dangling-flow",
                                            "negative-quantity", "negative-mass",
                                            "non-mass-unit",     "non-mass-provider"};
static const char *const stage_tags[NSTAGES] = {"raw-materials", "production", "distribution",
                                                "use", "end-of-life"};
static const char *const cat_ids[NCATS] = {"room-air-conditioner", "personal-computer",
                                           "ceramic-tile"};
static const char *const cat_names[NCATS] = {"Split air conditioner", "Desktop computer",
                                             "Porcelain floor tile"};
static const char *const cat_units[NCATS] = {"1 unit over 10 years", "1 unit over 6 years",
                                             "1 m2 of floor covering over 50 years"};
static const double cat_mass[NCATS] = {0.8, 0.1, 1.5}; /* median material mass, kg */
static const char *const part_names[10] = {"Housing", "Bracket", "Fin stock", "Tube", "Cable",
                                           "Screw", "Panel", "Glaze", "Body", "Frame"};
static const struct {
    const char *cas, *name;
} substances[6] = {{"7439-92-1", "Lead"},
                   {"7439-97-6", "Mercury"},
                   {"7440-43-9", "Cadmium"},
                   {"18540-29-9", "Chromium VI"},
                   {"59536-65-1", "Polybrominated biphenyls"},
                   {"32534-81-9", "Pentabromodiphenyl ether"}};
/* The names the bundled rule files read (ruleset/rules/README.md), so generated products are
 * judged for real rather than coming out not evaluable. */
static const char *const requirements[7] = {
    "pollutant-discharge-compliant", "no-major-accident-3y",      "quality-standards-met",
    "no-obsolete-equipment",         "env-management-system",     "quality-management-system",
    "energy-management-system"};

/* which family of provider each stage's inputs use, and their median amount (reference units) */
static const double stage_fam[NSTAGES][SYNTH_NPCLASSES] = {
    {0.5, 0.2, 0.1, 0.2, 0, 0},      {0.1, 0.5, 0.25, 0, 0.1, 0.05}, {0.05, 0, 0, 0.85, 0, 0.1},
    {0.05, 0.8, 0, 0, 0.13, 0.02},   {0.75, 0, 0.05, 0.2, 0, 0}};
static const double stage_median[NSTAGES][SYNTH_NPCLASSES] = {
    {2, 5, 10, 1, 0.01, 1},  {0.5, 20, 50, 1, 0.05, 1}, {0.5, 1, 1, 0.5, 0.01, 1},
    {1, 2000, 100, 1, 2, 2}, {5, 1, 10, 0.1, 0.01, 1}};

static const char *const indents[8] = {"",       "  ",         "    ",         "      ",
                                       "        ", "          ", "            ", "              "};

typedef struct plan {
    size_t index;
    int cat;
    int bad;
    size_t nmat, nin[NSTAGES], nem[NSTAGES];
    size_t mat_left, ncomp, nmatw; /* progress while writing the component tree */
    size_t lines;
} plan;

typedef struct ctx {
    const glca_synth *s;
    glca_bench_out *o;
    glca_bench_rng *r;
    plan *pl;
} ctx;

static void attr(glca_bench_out *o, const char *name, const char *value)
{
    GLCA_BENCH_OUT_LIT(o, " ");
    glca_bench_out_str(o, name);
    GLCA_BENCH_OUT_LIT(o, "=\"");
    glca_bench_out_str(o, value);
    GLCA_BENCH_OUT_LIT(o, "\"");
}

static void make_plan(const glca_synth *s, glca_bench_rng *r, plan *pl, size_t i, int bad)
{
    static const double bucket[6] = {0.05, 0.35, 0.12, 0.2, 0.18, 0.10}; /* last: emissions */
    size_t t = (size_t)llround((double)s->opt.lines * glca_bench_rng_range(r, 0.5, 1.5)), k;
    int b;

    pl->index = i;
    pl->cat = (int)(i % NCATS);
    pl->bad = bad;
    if (t < 1)
        t = 1;
    pl->nmat = (size_t)llround(0.6 * (double)t);
    if (pl->nmat < 1)
        pl->nmat = 1;
    for (b = 0; b < NSTAGES; b++)
        pl->nin[b] = pl->nem[b] = 0;
    for (k = pl->nmat; k < t; k++) {
        double u = glca_bench_rng_uniform(r), acc = 0;

        for (b = 0; b < 5; b++) {
            acc += bucket[b];
            if (u < acc)
                break;
        }
        if (b < 5) {
            pl->nin[b]++;
        } else {
            u = glca_bench_rng_uniform(r);
            pl->nem[u < 0.5 ? ST_PRODUCTION : u < 0.9 ? ST_USE : ST_EOL]++;
        }
    }
    if (bad == BAD_PROVIDER && s->fam_start[SYNTH_NPCLASSES] == s->fam_start[FAM_KWH])
        pl->bad = bad = BAD_PROCESS; /* every process makes a mass: nothing non-mass to name */
    if (bad == BAD_PROCESS && pl->nin[ST_PRODUCTION] == 0)
        pl->nin[ST_PRODUCTION] = 1;
    if (bad == BAD_FLOW && pl->nem[ST_USE] == 0)
        pl->nem[ST_USE] = 1;
    pl->mat_left = pl->nmat;
    pl->ncomp = pl->nmatw = 0;
    pl->lines = 0;
}

static void write_declares(ctx *c)
{
    static const char *const refrigerants[3] = {"R32", "R410A", "R290"};
    static const double refrigerant_gwp[3] = {771, 2256, 0.02};
    static const double capacities[4] = {2600, 3500, 5000, 7200};
    glca_bench_out *o = c->o;
    glca_bench_rng *r = c->r;
    size_t k;

#define DECLARE_NUM(name, x, sig)                                                               \
    do {                                                                                        \
        GLCA_BENCH_OUT_LIT(o, "    <declare name=\"" name "\" value=\"");                       \
        glca_bench_out_num(o, (x), (sig));                                                      \
        GLCA_BENCH_OUT_LIT(o, "\"/>\n");                                                        \
    } while (0)
#define DECLARE_BOOL(name, p)                                                                   \
    do {                                                                                        \
        GLCA_BENCH_OUT_LIT(o, "    <declare name=\"");                                          \
        glca_bench_out_str(o, (name));                                                          \
        if (glca_bench_rng_chance(r, (p)))                                                      \
            GLCA_BENCH_OUT_LIT(o, "\" value=\"true\"/>\n");                                     \
        else                                                                                    \
            GLCA_BENCH_OUT_LIT(o, "\" value=\"false\"/>\n");                                    \
    } while (0)

    for (k = 0; k < sizeof requirements / sizeof *requirements; k++)
        DECLARE_BOOL(requirements[k], 0.97);
    switch (c->pl->cat) {
    case CAT_AC:
        k = glca_bench_rng_below(r, 3);
        DECLARE_NUM("apf", glca_bench_rng_range(r, 3.5, 6.0), 3);
        DECLARE_NUM("cooling-capacity-w", capacities[glca_bench_rng_below(r, 4)], 4);
        GLCA_BENCH_OUT_LIT(o, "    <declare name=\"refrigerant\"");
        attr(o, "value", refrigerants[k]);
        GLCA_BENCH_OUT_LIT(o, "/>\n");
        DECLARE_NUM("refrigerant-gwp", refrigerant_gwp[k], 4);
        DECLARE_NUM("noise-indoor-db", glca_bench_rng_range(r, 36, 48), 3);
        DECLARE_BOOL("recycling-info-in-manual", 0.9);
        break;
    case CAT_PC:
        DECLARE_NUM("energy-grade", (double)(1 + glca_bench_rng_below(r, 3)), 1);
        DECLARE_NUM("standby-power-w", glca_bench_rng_range(r, 0.1, 1.0), 2);
        DECLARE_BOOL("plastic-parts-marked", 0.85);
        DECLARE_BOOL("packaging-heavy-metal-free", 0.9);
        break;
    default:
        DECLARE_NUM("thickness-mm", glca_bench_rng_range(r, 5, 12), 3);
        DECLARE_NUM("water-absorption-pct", glca_bench_rng_range(r, 0.05, 10), 2);
        DECLARE_NUM("energy-kgce-per-m2", glca_bench_rng_range(r, 2, 8), 3);
        DECLARE_NUM("radioactivity-internal-index", glca_bench_rng_range(r, 0.1, 1.1), 2);
        DECLARE_NUM("radioactivity-external-index", glca_bench_rng_range(r, 0.2, 1.5), 2);
        DECLARE_NUM("recycled-raw-material-pct", glca_bench_rng_range(r, 0, 40), 3);
        DECLARE_NUM("particulate-mg-m3", glca_bench_rng_range(r, 5, 40), 3);
        DECLARE_NUM("so2-mg-m3", glca_bench_rng_range(r, 10, 80), 3);
        DECLARE_NUM("nox-mg-m3", glca_bench_rng_range(r, 60, 240), 3);
        break;
    }
#undef DECLARE_NUM
#undef DECLARE_BOOL
}

static void write_material(ctx *c, int level)
{
    const glca_synth *s = c->s;
    glca_bench_out *o = c->o;
    glca_bench_rng *r = c->r;
    plan *pl = c->pl;
    const bool first = pl->nmatw++ == 0;
    const bool in_g = glca_bench_rng_chance(r, 0.45);
    double mass = glca_bench_rng_lognormal(r, cat_mass[pl->cat], 4);
    long p = glca_synth__pick_process(s, r, FAM_KG);
    size_t k, nsub = 0;

    if (first && pl->bad == BAD_PROVIDER)
        p = (long)s->by_fam[s->fam_start[FAM_KWH]];
    if (first && pl->bad == BAD_MASS)
        mass = -mass;
    glca_bench_out_str(o, indents[level]);
    GLCA_BENCH_OUT_LIT(o, "<material id=\"m");
    glca_bench_out_uint(o, pl->nmatw, 0);
    GLCA_BENCH_OUT_LIT(o, "\"");
    if (glca_bench_rng_chance(r, 0.5))
        attr(o, "name", part_names[glca_bench_rng_below(r, 10)]);
    GLCA_BENCH_OUT_LIT(o, " process=\"");
    if (p >= 0)
        glca_synth__process_id(o, s, (size_t)p);
    else
        GLCA_BENCH_OUT_LIT(o, "p-0"); /* no mass process at all: the binder will say so */
    GLCA_BENCH_OUT_LIT(o, "\" mass=\"");
    glca_bench_out_num(o, in_g ? mass * 1000 : mass, 4);
    if (first && pl->bad == BAD_UNIT)
        GLCA_BENCH_OUT_LIT(o, "\" unit=\"kWh\"");
    else if (in_g)
        GLCA_BENCH_OUT_LIT(o, "\" unit=\"g\"");
    else
        GLCA_BENCH_OUT_LIT(o, "\" unit=\"kg\"");
    if (glca_bench_rng_chance(r, 0.9))
        attr(o, "recyclable", glca_bench_rng_chance(r, 0.75) ? "true" : "false");
    if (glca_bench_rng_chance(r, 0.4)) {
        GLCA_BENCH_OUT_LIT(o, " recycled-content=\"");
        glca_bench_out_num(o, glca_bench_rng_range(r, 0, 0.6), 2);
        GLCA_BENCH_OUT_LIT(o, "\"");
    }
    if (glca_bench_rng_chance(r, 0.08))
        nsub = 1 + glca_bench_rng_below(r, 2);
    if (!nsub) {
        GLCA_BENCH_OUT_LIT(o, "/>\n");
    } else {
        GLCA_BENCH_OUT_LIT(o, ">\n");
        size_t which = glca_bench_rng_below(r, 6);

        for (k = 0; k < nsub; k++) {
            which = k ? (which + 1 + glca_bench_rng_below(r, 5)) % 6 : which; /* distinct */

            glca_bench_out_str(o, indents[level + 1]);
            GLCA_BENCH_OUT_LIT(o, "<substance");
            attr(o, "cas", substances[which].cas);
            attr(o, "name", substances[which].name);
            GLCA_BENCH_OUT_LIT(o, " ppm=\"");
            glca_bench_out_num(o, glca_bench_rng_lognormal(r, 30, 5), 3);
            GLCA_BENCH_OUT_LIT(o, "\"/>\n");
        }
        glca_bench_out_str(o, indents[level]);
        GLCA_BENCH_OUT_LIT(o, "</material>\n");
    }
    pl->lines++;
}

/* A component with a few materials and, near the top, sub-components (depth <= 3). */
static void write_component(ctx *c, int level, int depth)
{
    glca_bench_out *o = c->o;
    glca_bench_rng *r = c->r;
    plan *pl = c->pl;
    const bool first = pl->ncomp++ == 0;
    size_t k, nm, nsub = 0, id = pl->ncomp;
    double u = glca_bench_rng_uniform(r);

    glca_bench_out_str(o, indents[level]);
    GLCA_BENCH_OUT_LIT(o, "<component id=\"c");
    glca_bench_out_uint(o, id, 0);
    GLCA_BENCH_OUT_LIT(o, "\"");
    if (depth == 0)
        attr(o, "name", part_names[id % 10]);
    GLCA_BENCH_OUT_LIT(o, " quantity=\"");
    if (first && pl->bad == BAD_QUANTITY)
        GLCA_BENCH_OUT_LIT(o, "-2");
    else if (depth == 0 || u < 0.7)
        GLCA_BENCH_OUT_LIT(o, "1");
    else if (u < 0.95)
        glca_bench_out_uint(o, 2 + glca_bench_rng_below(r, 3), 0);
    else
        glca_bench_out_num(o, 0.5 * (double)(1 + 2 * glca_bench_rng_below(r, 3)), 2);
    GLCA_BENCH_OUT_LIT(o, "\">\n");
    nm = 1 + glca_bench_rng_below(r, pl->mat_left < 5 ? pl->mat_left : 5);
    pl->mat_left -= nm;
    for (k = 0; k < nm; k++)
        write_material(c, level + 1);
    if (depth < 2 && pl->mat_left > 0 && glca_bench_rng_chance(r, 0.4))
        nsub = 1 + glca_bench_rng_below(r, 2);
    for (k = 0; k < nsub && pl->mat_left > 0; k++)
        write_component(c, level + 1, depth + 1);
    glca_bench_out_str(o, indents[level]);
    GLCA_BENCH_OUT_LIT(o, "</component>\n");
}

static int pick_family(glca_bench_rng *r, int stage)
{
    double u = glca_bench_rng_uniform(r), acc = 0;
    int f;

    for (f = 0; f < SYNTH_NPCLASSES - 1; f++) {
        acc += stage_fam[stage][f];
        if (u < acc)
            break;
    }
    return f;
}

static void write_input(ctx *c, int stage, bool first)
{
    const glca_synth *s = c->s;
    glca_bench_out *o = c->o;
    glca_bench_rng *r = c->r;
    int fam = pick_family(r, stage);
    long p = glca_synth__pick_process(s, r, fam);
    const synth_unit *u;
    double amount;

    if (p < 0)
        p = glca_synth__pick_process(s, r, SYNTH_NPCLASSES);
    fam = s->pfam[p];
    amount = glca_bench_rng_lognormal(r, stage_median[stage][fam], 3);
    if (fam == FAM_UNIT)
        amount = amount < 1 ? 1 : floor(amount + 0.5);
    u = glca_synth__pick_unit(r, fam, 0.25, false);
    amount /= u->per;
    GLCA_BENCH_OUT_LIT(o, "      <input process=\"");
    if (first && c->pl->bad == BAD_PROCESS)
        GLCA_BENCH_OUT_LIT(o, "no-such-process");
    else
        glca_synth__process_id(o, s, (size_t)p);
    GLCA_BENCH_OUT_LIT(o, "\"");
    glca_synth__amount(o, amount);
    attr(o, "unit", u->name);
    glca_synth__close_exchange(o, r, s->opt.uncertainty, amount, "      ", "input");
    c->pl->lines++;
}

static void write_emission(ctx *c, bool first)
{
    static const size_t usual[4] = {EF_CO2, EF_CH4, EF_HFC32, EF_NMVOC};
    const glca_synth *s = c->s;
    glca_bench_out *o = c->o;
    glca_bench_rng *r = c->r;
    size_t f = usual[glca_bench_rng_below(r, 4)];
    const bool in_g = glca_bench_rng_chance(r, 0.4);
    double amount = glca_bench_rng_lognormal(r, 0.05, 10);

    if (f >= s->opt.flows || glca_bench_rng_chance(r, 0.3))
        f = s->nair_kg ? s->air_kg[glca_bench_rng_skewed(r, s->nair_kg, 2.0)] : 0;
    if (in_g)
        amount *= 1000;
    GLCA_BENCH_OUT_LIT(o, "      <emission flow=\"");
    if (first && c->pl->bad == BAD_FLOW)
        GLCA_BENCH_OUT_LIT(o, "no-such-flow");
    else
        glca_synth__eflow_id(o, s, f);
    GLCA_BENCH_OUT_LIT(o, "\"");
    glca_synth__amount(o, amount);
    /* the flow's own unit when not in g: generic flows in kBq or m3 must not get "kg" */
    if (in_g && s->eflows[f].fam == FAM_KG)
        GLCA_BENCH_OUT_LIT(o, " unit=\"g\"");
    glca_synth__close_exchange(o, r, s->opt.uncertainty, amount, "      ", "emission");
    c->pl->lines++;
}

static void write_product(ctx *c)
{
    const glca_synth *s = c->s;
    glca_bench_out *o = c->o;
    plan *pl = c->pl;
    int st;
    size_t k;

    GLCA_BENCH_OUT_LIT(o, "  <product xmlns=\"urn:greenlca:product:1\" id=\"prod-");
    glca_bench_out_uint(o, pl->index, s->cwidth);
    GLCA_BENCH_OUT_LIT(o, "\" name=\"");
    glca_bench_out_str(o, cat_names[pl->cat]);
    GLCA_BENCH_OUT_LIT(o, ", model ");
    glca_bench_out_uint(o, pl->index, 0);
    GLCA_BENCH_OUT_LIT(o, "\" category=\"");
    glca_bench_out_str(o, cat_ids[pl->cat]);
    GLCA_BENCH_OUT_LIT(o, "\" functional-unit=\"");
    glca_bench_out_str(o, cat_units[pl->cat]);
    GLCA_BENCH_OUT_LIT(o, "\">\n");
    write_declares(c);
    while (pl->mat_left > 0)
        write_component(c, 2, 0);
    for (st = 0; st < NSTAGES; st++) {
        if (pl->nin[st] + pl->nem[st] == 0)
            continue;
        GLCA_BENCH_OUT_LIT(o, "    <");
        glca_bench_out_str(o, stage_tags[st]);
        GLCA_BENCH_OUT_LIT(o, ">\n");
        for (k = 0; k < pl->nin[st]; k++)
            write_input(c, st, st == ST_PRODUCTION && k == 0);
        for (k = 0; k < pl->nem[st]; k++)
            write_emission(c, st == ST_USE && k == 0);
        GLCA_BENCH_OUT_LIT(o, "    </");
        glca_bench_out_str(o, stage_tags[st]);
        GLCA_BENCH_OUT_LIT(o, ">\n");
    }
    GLCA_BENCH_OUT_LIT(o, "  </product>\n");
}

int glca_synth_write_catalog(const glca_synth *s, const char *path, const char *bad_path,
                             glca_synth_stats *stats, glca_error *err)
{
    glca_bench_out o, ob;
    glca_bench_rng r, rbad;
    size_t i, need = s->opt.bad, nbad = 0, lines = 0;
    plan pl;
    ctx c = {s, &o, &r, &pl};
    int rc, rc2;

    memset(&ob, 0, sizeof ob);
    if ((rc = glca_bench_out_open(&o, path, err)) < 0)
        return rc;
    if (bad_path && (rc = glca_bench_out_open(&ob, bad_path, err)) < 0)
        goto cleanup;
    /* the bad positions have a stream of their own: good products do not depend on --bad */
    glca_bench_rng_seed(&rbad, s->opt.seed, STREAM_CATALOG);
    GLCA_BENCH_OUT_LIT(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"synthetic-catalog-");
    glca_bench_out_uint(&o, s->opt.seed, 0);
    GLCA_BENCH_OUT_LIT(&o, "\">\n");
    for (i = 0; i < s->opt.products; i++) {
        int bad = BAD_NONE;

        /* selection sampling (Knuth's algorithm S): exactly --bad positions, uniformly */
        if (need && glca_bench_rng_below(&rbad, s->opt.products - i) < need) {
            bad = (int)(nbad % NBAD);
            need--;
        }
        glca_bench_rng_seed(&r, s->opt.seed, ((uint64_t)(i + 1) << 8) | STREAM_CATALOG);
        make_plan(s, &r, &pl, i, bad);
        write_product(&c);
        lines += pl.lines;
        if (pl.bad != BAD_NONE) {
            nbad++;
            if (bad_path) {
                glca_bench_out_uint(&ob, i, 0);
                GLCA_BENCH_OUT_LIT(&ob, "\tprod-");
                glca_bench_out_uint(&ob, i, s->cwidth);
                GLCA_BENCH_OUT_LIT(&ob, "\t");
                glca_bench_out_str(&ob, bad_names[pl.bad]);
                GLCA_BENCH_OUT_LIT(&ob, "\n");
            }
        }
    }
    GLCA_BENCH_OUT_LIT(&o, "</catalog>\n");
    stats->bytes = o.total;
    stats->elements = s->opt.products;
    stats->exchanges = lines;
cleanup:
    rc2 = glca_bench_out_close(&o, rc < 0 ? NULL : err);
    if (rc == 0)
        rc = rc2;
    if (bad_path) {
        rc2 = glca_bench_out_close(&ob, rc < 0 ? NULL : err);
        if (rc == 0)
            rc = rc2;
    }
    return rc;
}
