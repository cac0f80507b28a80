/*
 * The synthetic LCIA method (urn:greenlca:method:1): K categories, each characterizing a
 * seeded subset of the elementary flows.  The first categories carry real names and a few
 * factors of the right order of magnitude (GWP100 AR6 for CO2, CH4, N2O, HFC-32) so hand checks
 * on generated data stay readable; the rest of every category is random.  Each category also
 * has factors for two flows that no inventory has, which readers ignore and count.
 */
#include "synth_int.h"

#include <math.h>

typedef struct named_category {
    const char *id, *name, *unit;
    size_t nfix;
    struct {
        size_t flow;
        double value;
    } fix[4];
} named_category;

static const named_category named[] = {
    {"gwp100", "Climate change, GWP100", "kg CO2-eq", 4,
     {{EF_CO2, 1}, {EF_CH4, 29.8}, {EF_N2O, 273}, {EF_HFC32, 771}}},
    {"acidification", "Acidification", "mol H+-eq", 3, {{EF_SO2, 1.31}, {EF_NOX, 0.74}, {EF_NH3, 3.02}}},
    {"eutrophication-fw", "Eutrophication, freshwater", "kg P-eq", 1, {{EF_PHOSPHATE, 0.33}}},
    {"particulate-matter", "Particulate matter formation", "disease incidence", 1,
     {{EF_PM25, 6.3e-4}}},
    {"water-use", "Water use", "m3 world-eq", 1, {{EF_WATER, 42.95}}},
    {"fossil-resources", "Resource use, fossils", "MJ", 2, {{EF_GAS, 1}, {EF_COAL, 27.9}}},
    {"land-use", "Land use", "Pt", 1, {{EF_LAND, 20}}},
    {"ionising-radiation", "Ionising radiation", "kBq U235-eq", 1, {{EF_RADON, 2.4e-4}}},
    {"photochemical-ozone", "Photochemical ozone formation", "kg NMVOC-eq", 3,
     {{EF_NMVOC, 1}, {EF_NOX, 1.8}, {EF_CO, 0.046}}},
    {"ozone-depletion", "Ozone depletion", "kg CFC-11-eq", 0, {{0, 0}}},
    {"human-toxicity-cancer", "Human toxicity, cancer", "CTUh", 0, {{0, 0}}},
    {"ecotoxicity-fw", "Ecotoxicity, freshwater", "CTUe", 0, {{0, 0}}},
};
#define NNAMED (sizeof named / sizeof named[0])

static void write_factor(glca_bench_out *o, const glca_synth *s, glca_bench_rng *r, size_t f,
                         double value)
{
    /* now and then a factor per gram, to exercise the unit attribute */
    const bool per_g = s->eflows[f].fam == FAM_KG && glca_bench_rng_chance(r, 0.05);

    GLCA_BENCH_OUT_LIT(o, "    <factor flow=\"");
    glca_synth__eflow_id(o, s, f);
    GLCA_BENCH_OUT_LIT(o, "\" value=\"");
    glca_bench_out_num(o, per_g ? value / 1000 : value, 4);
    glca_bench_out_str(o, per_g ? "\" unit=\"g\"/>\n" : "\"/>\n");
}

static size_t write_category(glca_bench_out *o, const glca_synth *s, glca_bench_rng *r,
                             size_t c)
{
    const named_category *nc = c < NNAMED ? &named[c] : NULL;
    const double p = glca_bench_rng_range(r, 0.05, 0.3);
    const double median = pow(10, glca_bench_rng_range(r, -3, 1));
    size_t f, k, nf = 0;

    GLCA_BENCH_OUT_LIT(o, "  <category id=\"");
    if (nc) {
        glca_bench_out_str(o, nc->id);
        GLCA_BENCH_OUT_LIT(o, "\" name=\"");
        glca_bench_out_str(o, nc->name);
        GLCA_BENCH_OUT_LIT(o, "\" unit=\"");
        glca_bench_out_str(o, nc->unit);
    } else {
        GLCA_BENCH_OUT_LIT(o, "category-");
        glca_bench_out_uint(o, c, 2);
        GLCA_BENCH_OUT_LIT(o, "\" name=\"Synthetic category ");
        glca_bench_out_uint(o, c, 0);
        GLCA_BENCH_OUT_LIT(o, "\" unit=\"pt");
    }
    GLCA_BENCH_OUT_LIT(o, "\">\n");
    for (f = 0; f < s->opt.flows; f++) {
        bool fixed = false;

        for (k = 0; nc && k < nc->nfix; k++) {
            if (nc->fix[k].flow == f) {
                write_factor(o, s, r, f, nc->fix[k].value);
                fixed = true;
                nf++;
            }
        }
        /* named categories keep their named flows exact; random factors go to the rest */
        if (!fixed && (f >= SYNTH_NNAMED || !nc) && glca_bench_rng_chance(r, p)) {
            write_factor(o, s, r, f, glca_bench_rng_lognormal(r, median, 5));
            nf++;
        }
    }
    for (k = 1; k <= 2; k++) {
        GLCA_BENCH_OUT_LIT(o, "    <factor flow=\"absent-flow-");
        glca_bench_out_uint(o, k, 0);
        GLCA_BENCH_OUT_LIT(o, "\" value=\"1\"/>\n");
        nf++;
    }
    GLCA_BENCH_OUT_LIT(o, "  </category>\n");
    return nf;
}

int glca_synth_write_method(const glca_synth *s, const char *path, glca_synth_stats *stats,
                            glca_error *err)
{
    glca_bench_out o;
    glca_bench_rng r;
    size_t c, nf = 0;
    int rc;

    if ((rc = glca_bench_out_open(&o, path, err)) < 0)
        return rc;
    glca_bench_rng_seed(&r, s->opt.seed, STREAM_METHOD);
    GLCA_BENCH_OUT_LIT(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<method xmlns=\"urn:greenlca:method:1\" id=\"synthetic-method-");
    glca_bench_out_uint(&o, s->opt.seed, 0);
    GLCA_BENCH_OUT_LIT(&o, "\" name=\"Synthetic method (gen_synthetic)\" version=\"1\">\n");
    for (c = 0; c < s->opt.categories; c++)
        nf += write_category(&o, s, &r, c);
    GLCA_BENCH_OUT_LIT(&o, "</method>\n");
    stats->bytes = o.total;
    stats->elements = s->opt.categories;
    stats->exchanges = nf;
    return glca_bench_out_close(&o, err);
}
