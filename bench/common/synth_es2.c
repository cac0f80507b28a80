/*
 * The synthetic EcoSpold 2 database of synth_es2.h.  Everything comes from one generator
 * seeded once, in a fixed order, so a seed gives the same bytes on every machine.
 */
#include "synth_es2.h"
#include "bench_rng.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define NELEMENTARY 2000
#define ES2_NS "http://www.EcoInvent.org/EcoSpold02"

typedef char uuid[37];

static const char lorem[] =
    "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
    "ullamco laboris nisi ut aliquip ex ea commodo consequat.";

static const struct {
    const char *name, *id;
} product_units[] = {{"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                     {"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                     {"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                     {"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                     {"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                     {"MJ", "980b811e-3905-4797-82a5-173f5568bc7e"},
                     {"kWh", "77ae64fa-7e74-4252-9c3b-889c1cd20bfc"},
                     {"metric ton*km", "2f4daad7-5331-4f14-930c-d8bca924557d"},
                     {"m3", "de5b3c87-0e35-4fb0-9765-4f3ba34c99e5"},
                     {"unit", "5b972631-34e3-4db7-a615-f6931770a0cb"}},
  elementary_units[] = {{"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                        {"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                        {"kg", "487df68b-4994-4027-8fdc-a4dc298257b7"},
                        {"m3", "de5b3c87-0e35-4fb0-9765-4f3ba34c99e5"},
                        {"m2*year", "eb955fd6-4ea1-4b4a-9f3e-0a4a8da7b0a7"},
                        {"kBq", "77f5cff2-5ed6-4b3b-9bd1-8e73e2e0e0a1"}};

static const char *const compartments[][2] = {
    {"air", "urban air close to ground"},     {"air", "non-urban air or from high stacks"},
    {"air", "unspecified"},                   {"water", "surface water"},
    {"water", "ground-, long-term"},          {"soil", "agricultural"},
    {"natural resource", "in ground"},        {"natural resource", "land"}};

static const char *const geographies[] = {"GLO", "RER", "CH", "DE", "CN", "US", "RoW", "BR"};

static void make_uuid(glca_bench_rng *r, uuid out)
{
    uint64_t a = glca_bench_rng_next(r), b = glca_bench_rng_next(r);

    snprintf(out, sizeof(uuid), "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
             (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
             (unsigned long long)(b & 0xffffffffffffULL));
}

static int fail_io(glca_error *err, const char *path)
{
    return glca_error_set(err, GLCA_EIO, &(glca_srcloc){path, 0, 0}, "%s", strerror(errno));
}

static int make_dir(const char *path, glca_error *err)
{
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return fail_io(err, path);
    return 0;
}

typedef struct world {
    size_t n;
    uuid *activity, *product, *elementary;
    size_t *unit, *eunit, *ecomp; /* indexes into the tables above */
} world;

static void uncertainty(FILE *f, glca_bench_rng *r, double amount)
{
    double var = glca_bench_rng_range(r, 0.0006, 0.3);

    fprintf(f, "        <uncertainty>\n          <lognormal meanValue=\"%.10g\" mu=\"%.10g\" "
               "variance=\"%.6g\" varianceWithPedigreeUncertainty=\"%.6g\" />\n"
               "          <pedigreeMatrix reliability=\"%d\" completeness=\"%d\" "
               "temporalCorrelation=\"%d\" geographicalCorrelation=\"%d\" "
               "furtherTechnologyCorrelation=\"%d\" />\n        </uncertainty>\n",
            amount, amount > 0 ? log(amount) : 0.0, var,
            var + 0.0006 * (double)(1 + glca_bench_rng_below(r, 20)),
            1 + (int)glca_bench_rng_below(r, 5), 1 + (int)glca_bench_rng_below(r, 5),
            1 + (int)glca_bench_rng_below(r, 5), 1 + (int)glca_bench_rng_below(r, 5),
            1 + (int)glca_bench_rng_below(r, 5));
}

static void property(FILE *f, const char *id, const char *name, double amount, const char *unit)
{
    fprintf(f, "        <property propertyId=\"%s\" amount=\"%.8g\" unitId=\"%s\">\n"
               "          <name xml:lang=\"en\">%s</name>\n"
               "          <unitName xml:lang=\"en\">%s</unitName>\n        </property>\n",
            id, amount, "487df68b-4994-4027-8fdc-a4dc298257b7", name, unit);
}

static void intermediate(FILE *f, glca_bench_rng *r, const world *w, size_t p, double amount,
                         const char *link, int group, bool output, glca_synth_es2_stats *st)
{
    uuid id;

    make_uuid(r, id);
    fprintf(f, "      <intermediateExchange id=\"%s\" unitId=\"%s\" amount=\"%.10g\" "
               "intermediateExchangeId=\"%s\"",
            id, product_units[w->unit[p]].id, amount, w->product[p]);
    if (link)
        fprintf(f, " activityLinkId=\"%s\"", link), st->linked++;
    fprintf(f, ">\n        <name xml:lang=\"en\">synthetic product %zu</name>\n"
               "        <unitName xml:lang=\"en\">%s</unitName>\n"
               "        <comment xml:lang=\"en\">%.*s</comment>\n",
            p, product_units[w->unit[p]].name, 60 + (int)glca_bench_rng_below(r, 100), lorem);
    if (!output)
        uncertainty(f, r, amount);
    property(f, "38f94dd1-d5aa-41b8-b182-c0c42985d9dc", "price", glca_bench_rng_range(r, 0.01, 50),
             "EUR2005");
    property(f, "67f102e2-9cb6-4d20-aa16-bf74d8a03326", "wet mass", glca_bench_rng_range(r, 0.1, 2),
             "kg");
    property(f, "3a0af1d6-04c3-41c6-a3da-92c4f61e0eaa", "dry mass", glca_bench_rng_range(r, 0.1, 2),
             "kg");
    fprintf(f, "        <classification classificationId=\"39b0f0ab-1a2f-401b-9f4d-6e39400760a4\">"
               "\n          <classificationSystem xml:lang=\"en\">By-product classification"
               "</classificationSystem>\n          <classificationValue xml:lang=\"en\">"
               "allocatable product</classificationValue>\n        </classification>\n"
               "        <%s>%d</%s>\n      </intermediateExchange>\n",
            output ? "outputGroup" : "inputGroup", group, output ? "outputGroup" : "inputGroup");
    st->intermediate++;
}

static void elementary(FILE *f, glca_bench_rng *r, const world *w, size_t e, bool formula,
                       glca_synth_es2_stats *st)
{
    double amount = glca_bench_rng_lognormal(r, 1e-4, 10);
    bool resource = w->ecomp[e] >= 6;
    uuid id;

    make_uuid(r, id);
    fprintf(f, "      <elementaryExchange id=\"%s\" unitId=\"%s\" amount=\"%.10g\" "
               "elementaryExchangeId=\"%s\"%s>\n"
               "        <name xml:lang=\"en\">synthetic substance %zu</name>\n"
               "        <unitName xml:lang=\"en\">%s</unitName>\n"
               "        <comment xml:lang=\"en\">%.*s</comment>\n",
            id, elementary_units[w->eunit[e]].id, amount, w->elementary[e],
            formula ? " variableName=\"emission_x\" isCalculatedAmount=\"true\" "
                      "mathematicalRelation=\"load * 0.5 + base\""
                    : "",
            e, elementary_units[w->eunit[e]].name, 40 + (int)glca_bench_rng_below(r, 120), lorem);
    uncertainty(f, r, amount);
    fprintf(f, "        <compartment subcompartmentId=\"be7e06e9-0bf5-462e-99dc-fe4aee383c48\">\n"
               "          <compartment xml:lang=\"en\">%s</compartment>\n"
               "          <subcompartment xml:lang=\"en\">%s</subcompartment>\n"
               "        </compartment>\n        <%s>4</%s>\n      </elementaryExchange>\n",
            compartments[w->ecomp[e]][0], compartments[w->ecomp[e]][1],
            resource ? "inputGroup" : "outputGroup", resource ? "inputGroup" : "outputGroup");
    st->elementary++;
}

static void metadata_head(FILE *f, glca_bench_rng *r, const world *w, size_t i)
{
    uuid name_id, geo_id;

    make_uuid(r, name_id);
    make_uuid(r, geo_id);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ecoSpold xmlns=\"" ES2_NS "\">\n"
               "  <activityDataset>\n    <activityDescription>\n"
               "      <activity id=\"%s\" activityNameId=\"%s\" inheritanceDepth=\"0\" type=\"1\" "
               "specialActivityType=\"0\">\n"
               "        <activityName xml:lang=\"en\">synthetic activity %zu</activityName>\n"
               "        <includedActivitiesStart xml:lang=\"en\">%s</includedActivitiesStart>\n"
               "        <includedActivitiesEnd xml:lang=\"en\">%s</includedActivitiesEnd>\n"
               "        <generalComment>\n"
               "          <text xml:lang=\"en\" index=\"1\">%s</text>\n"
               "          <text xml:lang=\"en\" index=\"2\">%s</text>\n"
               "          <text xml:lang=\"en\" index=\"3\">%s</text>\n"
               "        </generalComment>\n        <tag>synthetic</tag>\n      </activity>\n"
               "      <classification classificationId=\"844bb5bd-c3ab-491d-bd6b-baea2f2ba27b\">\n"
               "        <classificationSystem xml:lang=\"en\">ISIC rev.4 ecoinvent"
               "</classificationSystem>\n        <classificationValue xml:lang=\"en\">%04u:"
               "Synthetic manufacturing</classificationValue>\n      </classification>\n"
               "      <geography geographyId=\"%s\">\n"
               "        <shortname xml:lang=\"en\">%s</shortname>\n"
               "        <comment><text xml:lang=\"en\" index=\"1\">%s</text></comment>\n"
               "      </geography>\n      <technology technologyLevel=\"3\">\n"
               "        <comment><text xml:lang=\"en\" index=\"1\">%s</text></comment>\n"
               "      </technology>\n"
               "      <timePeriod startDate=\"2011-01-01\" endDate=\"2022-12-31\" "
               "isDataValidForEntirePeriod=\"true\" />\n"
               "      <macroEconomicScenario macroEconomicScenarioId=\"d9f57f0a-a01f-42eb-a57b-"
               "8f18d6635801\">\n        <name xml:lang=\"en\">Business-as-Usual</name>\n"
               "      </macroEconomicScenario>\n    </activityDescription>\n    <flowData>\n",
            w->activity[i], name_id, i, lorem, lorem, lorem, lorem, lorem,
            (unsigned)glca_bench_rng_below(r, 10000), geo_id,
            geographies[glca_bench_rng_below(r, sizeof geographies / sizeof *geographies)],
            lorem, lorem);
}

static void metadata_tail(FILE *f)
{
    fprintf(f, "      <parameter parameterId=\"2061882d-efb6-4725-a206-28252bb9911a\" "
               "variableName=\"load\" amount=\"0.0002\">\n"
               "        <name xml:lang=\"en\">load</name>\n"
               "        <unitName xml:lang=\"en\">kg</unitName>\n      </parameter>\n"
               "      <parameter parameterId=\"d18721d5-c187-4c7d-be7a-b1c60e0b98d3\" "
               "variableName=\"base\" mathematicalRelation=\"load / 4\">\n"
               "        <name xml:lang=\"en\">base</name>\n"
               "        <unitName xml:lang=\"en\">kg</unitName>\n      </parameter>\n"
               "    </flowData>\n    <modellingAndValidation>\n"
               "      <representativeness percent=\"80\" systemModelId=\"06590a66-662a-4885-8494-"
               "ad0cf410f956\">\n        <systemModelName xml:lang=\"en\">Allocation, cut-off by "
               "classification</systemModelName>\n        <samplingProcedure xml:lang=\"en\">%s"
               "</samplingProcedure>\n        <extrapolations xml:lang=\"en\">%s"
               "</extrapolations>\n      </representativeness>\n"
               "      <review reviewerId=\"5ccabe2c-aa6b-4c10-9cd7-77074bee0c03\" reviewerName="
               "\"Synthetic Reviewer\" reviewerEmail=\"review@example.org\" reviewDate="
               "\"2022-06-01\" reviewedMajorRelease=\"3\" reviewedMinorRelease=\"0\" "
               "reviewedMajorRevision=\"1\" reviewedMinorRevision=\"0\">\n"
               "        <details><text xml:lang=\"en\" index=\"1\">%s</text></details>\n"
               "      </review>\n    </modellingAndValidation>\n"
               "    <administrativeInformation>\n"
               "      <dataEntryBy personId=\"5ccabe2c-aa6b-4c10-9cd7-77074bee0c03\" "
               "isActiveAuthor=\"true\" personName=\"Synthetic Author\" personEmail="
               "\"author@example.org\" />\n"
               "      <dataGeneratorAndPublication personId=\"5ccabe2c-aa6b-4c10-9cd7-"
               "77074bee0c03\" personName=\"Synthetic Author\" personEmail=\"author@example.org\""
               " dataPublishedIn=\"2\" isCopyrightProtected=\"true\" accessRestrictedTo=\"1\" />\n"
               "      <fileAttributes majorRelease=\"3\" minorRelease=\"0\" majorRevision=\"1\" "
               "minorRevision=\"0\" internalSchemaVersion=\"2.0.10\" defaultLanguage=\"en\" "
               "creationTimestamp=\"2022-01-01T00:00:00\" fileGenerator=\"bench_import\" "
               "fileTimestamp=\"2022-01-01T00:00:00\" contextId=\"de659012-50c4-4e96-b54a-"
               "fc781bf987ab\">\n        <contextName xml:lang=\"en\">ecoinvent</contextName>\n"
               "      </fileAttributes>\n    </administrativeInformation>\n"
               "  </activityDataset>\n</ecoSpold>\n",
            lorem, lorem, lorem);
}

static int write_dataset(const char *dir, glca_bench_rng *r, const world *w, size_t i,
                         glca_synth_es2_stats *st, glca_error *err)
{
    char path[1024];
    size_t k, nin = 6 + glca_bench_rng_below(r, 13), nel = 5 + glca_bench_rng_below(r, 11);
    FILE *f;

    snprintf(path, sizeof path, "%s/datasets/%s_%s.spold", dir, w->activity[i], w->product[i]);
    if (!(f = fopen(path, "w")))
        return fail_io(err, path);
    metadata_head(f, r, w, i);
    intermediate(f, r, w, i, 1, NULL, 0, true, st);
    if (glca_bench_rng_chance(r, 0.1)) { /* a by-product: some other activity's product */
        size_t b = glca_bench_rng_below(r, w->n);

        if (b != i)
            intermediate(f, r, w, b, glca_bench_rng_range(r, 0.05, 0.5), NULL, 2, true, st);
    }
    for (k = 0; k < nin; k++) {
        size_t p = glca_bench_rng_skewed(r, w->n, 3); /* a few products are used everywhere */

        if (p == i)
            continue;
        intermediate(f, r, w, p, glca_bench_rng_lognormal(r, 0.05, 8),
                     glca_bench_rng_chance(r, 0.95) ? w->activity[p] : NULL, 5, false, st);
    }
    for (k = 0; k < nel; k++)
        elementary(f, r, w, glca_bench_rng_skewed(r, NELEMENTARY, 2), k == 0, st);
    metadata_tail(f);
    st->bytes += ftell(f);
    if (fclose(f) != 0)
        return fail_io(err, path);
    st->datasets++;
    return 0;
}

static int write_master(const char *dir, const world *w, glca_error *err)
{
    char path[1024];
    size_t i;
    FILE *f;

    snprintf(path, sizeof path, "%s/MasterData/IntermediateExchanges.xml", dir);
    if (!(f = fopen(path, "w")))
        return fail_io(err, path);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
               "<validIntermediateExchanges xmlns=\"" ES2_NS "\">\n");
    for (i = 0; i < w->n; i++)
        fprintf(f, "  <intermediateExchange id=\"%s\" unitId=\"%s\">\n"
                   "    <name xml:lang=\"en\">synthetic product %zu</name>\n"
                   "    <unitName xml:lang=\"en\">%s</unitName>\n  </intermediateExchange>\n",
                w->product[i], product_units[w->unit[i]].id, i, product_units[w->unit[i]].name);
    fprintf(f, "</validIntermediateExchanges>\n");
    if (fclose(f) != 0)
        return fail_io(err, path);
    snprintf(path, sizeof path, "%s/MasterData/ElementaryExchanges.xml", dir);
    if (!(f = fopen(path, "w")))
        return fail_io(err, path);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
               "<validElementaryExchanges xmlns=\"" ES2_NS "\">\n");
    for (i = 0; i < NELEMENTARY; i++)
        fprintf(f, "  <elementaryExchange id=\"%s\" unitId=\"%s\">\n"
                   "    <name xml:lang=\"en\">synthetic substance %zu</name>\n"
                   "    <unitName xml:lang=\"en\">%s</unitName>\n"
                   "    <compartment subcompartmentId=\"be7e06e9-0bf5-462e-99dc-fe4aee383c48\">\n"
                   "      <compartment xml:lang=\"en\">%s</compartment>\n"
                   "      <subcompartment xml:lang=\"en\">%s</subcompartment>\n"
                   "    </compartment>\n  </elementaryExchange>\n",
                w->elementary[i], elementary_units[w->eunit[i]].id, i,
                elementary_units[w->eunit[i]].name, compartments[w->ecomp[i]][0],
                compartments[w->ecomp[i]][1]);
    fprintf(f, "</validElementaryExchanges>\n");
    if (fclose(f) != 0)
        return fail_io(err, path);
    return 0;
}

int glca_synth_es2(const char *dir, size_t n, uint64_t seed, glca_synth_es2_stats *st,
                   glca_error *err)
{
    glca_bench_rng r;
    world w;
    char path[1024];
    size_t i;
    int rc = 0;

    memset(st, 0, sizeof *st);
    memset(&w, 0, sizeof w);
    w.n = n;
    w.activity = glca_mallocarray(n, sizeof *w.activity);
    w.product = glca_mallocarray(n, sizeof *w.product);
    w.unit = glca_mallocarray(n, sizeof *w.unit);
    w.elementary = glca_mallocarray(NELEMENTARY, sizeof *w.elementary);
    w.eunit = glca_mallocarray(NELEMENTARY, sizeof *w.eunit);
    w.ecomp = glca_mallocarray(NELEMENTARY, sizeof *w.ecomp);
    if (!w.activity || !w.product || !w.unit || !w.elementary || !w.eunit || !w.ecomp) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    glca_bench_rng_seed(&r, seed, 9);
    for (i = 0; i < n; i++) {
        make_uuid(&r, w.activity[i]);
        make_uuid(&r, w.product[i]);
        w.unit[i] = glca_bench_rng_below(&r, sizeof product_units / sizeof *product_units);
    }
    for (i = 0; i < NELEMENTARY; i++) {
        make_uuid(&r, w.elementary[i]);
        w.eunit[i] = glca_bench_rng_below(&r, sizeof elementary_units / sizeof *elementary_units);
        w.ecomp[i] = glca_bench_rng_below(&r, sizeof compartments / sizeof *compartments);
    }
    snprintf(path, sizeof path, "%s/datasets", dir);
    if ((rc = make_dir(dir, err)) < 0 || (rc = make_dir(path, err)) < 0)
        goto cleanup;
    snprintf(path, sizeof path, "%s/MasterData", dir);
    if ((rc = make_dir(path, err)) < 0 || (rc = write_master(dir, &w, err)) < 0)
        goto cleanup;
    for (i = 0; i < n && rc == 0; i++)
        rc = write_dataset(dir, &r, &w, i, st, err);
cleanup:
    glca_free(w.activity);
    glca_free(w.product);
    glca_free(w.unit);
    glca_free(w.elementary);
    glca_free(w.eunit);
    glca_free(w.ecomp);
    return rc;
}
