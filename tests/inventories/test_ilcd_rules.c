/*
 * The ILCD reader's rules on a small tree written here, every expected number worked out by
 * hand: amounts in another flow property, uncertainty, allocation factors, factors matched by
 * direction and by location; and hostile input: encodings, malformed XML, zip slip.
 *
 * The tree (UUIDs abbreviated in comments: U = unit groups, P = flow properties, F = flows):
 *   F-steel, F-coke: products, mass (reference, value 1) and energy (value 20 MJ per kg);
 *   F-slag: product, mass; F-so2: elementary, mass, "Emissions / Emissions to air";
 *   mill (at DE): 2 kg steel out (reference), 1 kg slag out (co-product), 0.5 kg SO2 out,
 *     40 MJ of coke in (= 2 kg), an input named "scrap" (a name, no flow): allocation
 *     60 % steel / 40 % slag on SO2 and coke;
 *   coker (at FR): 1 kg coke out (reference), 1 kg SO2 out, 0.25 kg SO2 in;
 *   method M: SO2 out 1, SO2 out at DE 5, SO2 in 7.
 */
#include <omp.h>
#include <unistd.h>

#include "ilcd_test_util.h"

#define U_MASS "00000000-0000-4000-8000-0000000000a1"
#define U_ENERGY "00000000-0000-4000-8000-0000000000a2"
#define P_MASS "00000000-0000-4000-8000-0000000000b1"
#define P_ENERGY "00000000-0000-4000-8000-0000000000b2"
#define F_STEEL "00000000-0000-4000-8000-0000000000c1"
#define F_COKE "00000000-0000-4000-8000-0000000000c2"
#define F_SLAG "00000000-0000-4000-8000-0000000000c3"
#define F_SO2 "00000000-0000-4000-8000-0000000000c4"
#define MILL "00000000-0000-4000-8000-0000000000d1"
#define COKER "00000000-0000-4000-8000-0000000000d2"
#define METHOD "00000000-0000-4000-8000-0000000000e1"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define COMMON "xmlns:common=\"http://lca.jrc.it/ILCD/Common\""

static void unitgroup(const char *dir, const char *uuid, const char *name, const char *unit)
{
    char xml[2048], file[128];

    snprintf(xml, sizeof xml,
             HEAD "<unitGroupDataSet xmlns=\"http://lca.jrc.it/ILCD/UnitGroup\" " COMMON ">\n"
                  "<unitGroupInformation><dataSetInformation><common:UUID>%s</common:UUID>"
                  "<common:name>%s</common:name></dataSetInformation>\n"
                  "<quantitativeReference><referenceToReferenceUnit>0</referenceToReferenceUnit>"
                  "</quantitativeReference></unitGroupInformation>\n"
                  "<units><unit dataSetInternalID=\"0\"><name>%s</name><meanValue>1</meanValue>"
                  "</unit></units></unitGroupDataSet>\n",
             uuid, name, unit);
    snprintf(file, sizeof file, "unitgroups/%s.xml", uuid);
    ilcd_put(dir, file, xml);
}

static void flowprop(const char *dir, const char *uuid, const char *ug)
{
    char xml[2048], file[128];

    snprintf(xml, sizeof xml,
             HEAD "<flowPropertyDataSet xmlns=\"http://lca.jrc.it/ILCD/FlowProperty\" " COMMON
                  ">\n<flowPropertiesInformation><dataSetInformation><common:UUID>%s"
                  "</common:UUID></dataSetInformation>\n<quantitativeReference>"
                  "<referenceToReferenceUnitGroup refObjectId=\"%s\"/></quantitativeReference>"
                  "</flowPropertiesInformation></flowPropertyDataSet>\n",
             uuid, ug);
    snprintf(file, sizeof file, "flowproperties/%s.xml", uuid);
    ilcd_put(dir, file, xml);
}

static void flow(const char *dir, const char *uuid, const char *name, const char *type,
                 bool energy)
{
    char xml[4096], file[128];

    snprintf(xml, sizeof xml,
             HEAD "<flowDataSet xmlns=\"http://lca.jrc.it/ILCD/Flow\" " COMMON ">\n"
                  "<flowInformation><dataSetInformation><common:UUID>%s</common:UUID>"
                  "<name><baseName>%s</baseName></name>\n<classificationInformation>"
                  "<common:elementaryFlowCategorization><common:category level=\"0\">Emissions"
                  "</common:category><common:category level=\"1\">Emissions to air"
                  "</common:category></common:elementaryFlowCategorization>"
                  "</classificationInformation></dataSetInformation>\n<quantitativeReference>"
                  "<referenceToReferenceFlowProperty>0</referenceToReferenceFlowProperty>"
                  "</quantitativeReference></flowInformation>\n<modellingAndValidation>"
                  "<LCIMethod><typeOfDataSet>%s</typeOfDataSet></LCIMethod>"
                  "</modellingAndValidation>\n<flowProperties>"
                  "<flowProperty dataSetInternalID=\"0\"><referenceToFlowPropertyDataSet "
                  "refObjectId=\"" P_MASS "\"/><meanValue>1</meanValue></flowProperty>%s"
                  "</flowProperties></flowDataSet>\n",
             uuid, name, type,
             energy ? "<flowProperty dataSetInternalID=\"1\"><referenceToFlowPropertyDataSet "
                      "refObjectId=\"" P_ENERGY "\"/><meanValue>20</meanValue></flowProperty>"
                    : "");
    snprintf(file, sizeof file, "flows/%s.xml", uuid);
    ilcd_put(dir, file, xml);
}

#define X(id, flow, dir, amount, extra)                                                       \
    "<exchange dataSetInternalID=\"" id "\"><referenceToFlowDataSet refObjectId=\"" flow      \
    "\"/><exchangeDirection>" dir "</exchangeDirection><meanAmount>" amount                   \
    "</meanAmount>" extra "</exchange>\n"
#define ALLOC(steel, slag)                                                                    \
    "<allocations><allocation internalReferenceToCoProduct=\"0\" allocatedFraction=\"" steel  \
    "\"/><allocation internalReferenceToCoProduct=\"1\" allocatedFraction=\"" slag            \
    "\"/></allocations>"

static const char *const mill =
    HEAD "<processDataSet xmlns=\"http://lca.jrc.it/ILCD/Process\" " COMMON ">\n"
         "<processInformation><dataSetInformation><common:UUID>" MILL "</common:UUID>"
         "<name><baseName>steel mill</baseName></name></dataSetInformation>\n"
         "<quantitativeReference><referenceToReferenceFlow>0</referenceToReferenceFlow>"
         "</quantitativeReference>\n<geography><locationOfOperationSupplyOrProduction "
         "location=\"DE\"/></geography></processInformation>\n<exchanges>\n"
    X("0", F_STEEL, "Output", "2", ALLOC("100", "0"))
    X("1", F_SLAG, "Output", "1", ALLOC("0", "100"))
    X("2", F_SO2, "Output", "0.5",
      "<uncertaintyDistributionType>log-normal</uncertaintyDistributionType>"
      "<relativeStandardDeviation95In>4</relativeStandardDeviation95In>" ALLOC("60", "40"))
    X("3", F_COKE, "Input", "40",
      "<referenceToFlowPropertyDataSet refObjectId=\"" P_ENERGY "\"/>"
      "<uncertaintyDistributionType>normal</uncertaintyDistributionType>"
      "<relativeStandardDeviation95In>10</relativeStandardDeviation95In>" ALLOC("60", "40"))
    X("4", "scrap", "Input", "3", "")
    "</exchanges></processDataSet>\n";

static const char *const coker =
    HEAD "<processDataSet xmlns=\"http://lca.jrc.it/ILCD/Process\" " COMMON ">\n"
         "<processInformation><dataSetInformation><common:UUID>" COKER "</common:UUID>"
         "</dataSetInformation>\n<quantitativeReference><referenceToReferenceFlow>5"
         "</referenceToReferenceFlow></quantitativeReference>\n<geography>"
         "<locationOfOperationSupplyOrProduction location=\"FR\"/></geography>"
         "</processInformation>\n<exchanges>\n"
    X("5", F_COKE, "Output", "1", "")
    X("6", F_SO2, "Output", "1",
      "<uncertaintyDistributionType>triangular</uncertaintyDistributionType>"
      "<minimumAmount>0.5</minimumAmount><maximumAmount>2</maximumAmount>")
    X("7", F_SO2, "Input", "0.25", "")
    "</exchanges></processDataSet>\n";

#define CF(flow, dir, loc, value)                                                             \
    "<factor><referenceToFlowDataSet refObjectId=\"" flow "\"/><location>" loc "</location>"  \
    "<exchangeDirection>" dir "</exchangeDirection><meanValue>" value "</meanValue></factor>\n"

static const char *const method =
    HEAD "<LCIAMethodDataSet xmlns=\"http://lca.jrc.it/ILCD/LCIAMethod\" " COMMON ">\n"
         "<LCIAMethodInformation><dataSetInformation><common:UUID>" METHOD "</common:UUID>"
         "<common:name>Acid test</common:name></dataSetInformation>\n<quantitativeReference>"
         "<referenceQuantity refObjectId=\"" P_MASS "\"><common:shortDescription>kg SO2-eq"
         "</common:shortDescription></referenceQuantity></quantitativeReference>"
         "</LCIAMethodInformation>\n<characterisationFactors>\n"
    CF(F_SO2, "Output", "", "1") CF(F_SO2, "Output", "DE", "5") CF(F_SO2, "Input", "", "7")
    "</characterisationFactors></LCIAMethodDataSet>\n";

static char *tree(const char *name)
{
    size_t len = strlen(inv_tmpdir()) + strlen(name) + 2;
    char *dir = malloc(len);

    snprintf(dir, len, "%s/%s", inv_tmpdir(), name);
    unitgroup(dir, U_MASS, "Units of mass", "kg");
    unitgroup(dir, U_ENERGY, "Units of energy", "MJ");
    flowprop(dir, P_MASS, U_MASS);
    flowprop(dir, P_ENERGY, U_ENERGY);
    flow(dir, F_STEEL, "steel", "Product flow", true);
    flow(dir, F_COKE, "coke", "Product flow", true);
    flow(dir, F_SLAG, "slag", "Product flow", false);
    flow(dir, F_SO2, "sulfur dioxide", "Elementary flow", false);
    ilcd_put(dir, "processes/" MILL ".xml", mill);
    ilcd_put(dir, "processes/" COKER ".xml", coker);
    ilcd_put(dir, "lciamethods/" METHOD ".xml", method);
    return dir;
}

static const glca_imp_exchange *exchange(const glca_import *im, const char *process,
                                         const char *flow)
{
    for (size_t p = 0; p < im->nprocs; p++)
        if (!strcmp(im->procs[p].p.id, process))
            for (size_t i = 0; i < im->procs[p].nx; i++)
                if (!strcmp(im->xs[im->procs[p].x0 + i].flow, flow))
                    return &im->xs[im->procs[p].x0 + i];
    cr_assert_fail("no exchange of %s in %s", flow, process);
    return NULL;
}

Test(inventories_ilcd_rules, amounts_uncertainty_and_ids_as_the_format_defines_them)
{
    char *dir = tree("rules");
    ilcd_run r = ilcd_read(dir);
    const glca_imp_exchange *x;
    const glca_imp_flow *so2 = NULL;

    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    cr_assert_eq(r.im->nprocs, 2);
    /* 40 MJ of coke at 20 MJ per kg: 2 kg; normal, 10 % = two sigma: sigma 0.1 kg */
    x = exchange(r.im, MILL, F_COKE);
    cr_assert_float_eq(x->amount, 2.0, 1e-15);
    cr_assert_eq(x->dir, GLCA_INPUT);
    cr_assert_eq(x->unc.dist, GLCA_DIST_NORMAL);
    cr_assert_float_eq(x->unc.a, 0.1, 1e-15);
    /* the mill is at DE and the method has an SO2-out factor at DE: the located id */
    x = exchange(r.im, MILL, F_SO2 "/out@DE");
    cr_assert_float_eq(x->amount, 0.5, 0);
    cr_assert_eq(x->unc.dist, GLCA_DIST_LOGNORMAL);
    cr_assert_float_eq(x->unc.a, 2.0, 1e-15); /* sqrt(4): ILCD gives GSD squared */
    cr_assert_str_eq(x->location, "DE");
    /* the coker is at FR, for which there is no factor: the plain ids, by direction */
    x = exchange(r.im, COKER, F_SO2 "/out");
    cr_assert_eq(x->unc.dist, GLCA_DIST_TRIANGULAR);
    cr_assert_float_eq(x->unc.a, 0.5, 0);
    cr_assert_float_eq(x->unc.b, 2.0, 0);
    cr_assert_eq(exchange(r.im, COKER, F_SO2 "/in")->dir, GLCA_INPUT);
    cr_assert(exchange(r.im, MILL, F_STEEL)->reference);
    cr_assert(exchange(r.im, MILL, F_SLAG)->coproduct);
    for (size_t i = 0; i < r.im->nflows; i++)
        if (!strcmp(r.im->flows[i].id, F_SO2 "/out"))
            so2 = &r.im->flows[i];
    cr_assert_not_null(so2);
    cr_assert_str_eq(so2->compartment, "Emissions/Emissions to air");
    cr_assert_str_eq(so2->unit, "kg");
    cr_assert_str_eq(so2->name, "sulfur dioxide");
    /* "scrap" names no flow dataset: a note at its exchange, line 11 of the file (head,
     * root, information in three lines, <exchanges>, then one exchange a line) */
    cr_assert_eq(r.im->nnotes, 1);
    cr_assert_eq(r.im->notes[0].kind, GLCA_IMP_DANGLING);
    cr_assert_str_eq(r.im->notes[0].flow, "scrap");
    cr_assert(strstr(r.im->notes[0].loc.file, "processes/" MILL ".xml"));
    cr_assert_eq(r.im->notes[0].loc.line, 11);
    /* 8 allocation factors of the mill (2 on each of 4 exchanges), percent / 100, in order */
    cr_assert_eq(r.im->nallocs, 8);
    cr_assert_float_eq(r.im->allocs[4].fraction, 0.6, 1e-15);
    cr_assert_float_eq(r.im->allocs[5].fraction, 0.4, 1e-15);
    ilcd_done(&r);
    free(dir);
}

Test(inventories_ilcd_rules, factors_apply_by_direction_location_and_allocation)
{
    char *dir = tree("impacts"), methods[600];
    ilcd_run r;
    double v;

    snprintf(methods, sizeof methods, "%s/lciamethods", dir);
    /* coker, per kg coke: 1 kg SO2 out at FR (no FR factor: 1) + 0.25 kg SO2 in (7) = 2.75 */
    r = ilcd_read(dir);
    v = ilcd_impact(&r, methods, METHOD, COKER);
    cr_assert_float_eq(v, 2.75, 1e-12);
    ilcd_done(&r);
    /* mill, steel part, per kg steel: SO2 0.5 × 60 % at DE (5) = 1.5, coke 2 kg × 60 % × 2.75
     * = 3.3; 4.8 for the 2 kg of steel: 2.4 */
    r = ilcd_read(dir);
    v = ilcd_impact(&r, methods, METHOD, MILL);
    cr_assert_float_eq(v, 2.4, 1e-12);
    ilcd_done(&r);
    /* slag part, per kg slag: SO2 0.5 × 40 % × 5 = 1.0, coke 2 × 40 % × 2.75 = 2.2: 3.2 */
    r = ilcd_read(dir);
    v = ilcd_impact(&r, methods, METHOD, MILL GLCA_IMP_COPRODUCT_SEP F_SLAG);
    cr_assert_float_eq(v, 3.2, 1e-12);
    ilcd_done(&r);
    free(dir);
}

/* The tree zipped, plus one more entry. */
static char *zip_with(const char *dir, const char *zipname, const char *entry,
                      const char *content, size_t len)
{
    char *zip = ilcd_zip_folder(dir, zipname);
    int zerr;
    zip_t *za = zip_open(zip, 0, &zerr);
    zip_source_t *src;

    cr_assert_not_null(za);
    cr_assert_not_null(src = zip_source_buffer(za, content, len, 0));
    cr_assert_geq(zip_file_add(za, entry, src, 0), 0);
    cr_assert_eq(zip_close(za), 0);
    return zip;
}

static void assert_read_error(const char *zip, const char *entry, long line, int code,
                              const char *needle)
{
    ilcd_run r = ilcd_read(zip);
    char file[600];

    cr_assert_eq(r.rc, code, "%s", inv_fmt(&r.err));
    snprintf(file, sizeof file, "%s:%s", zip, entry);
    if (line) {
        cr_assert_str_eq(r.err.file, file);
        cr_assert_eq(r.err.line, line, "%s", inv_fmt(&r.err));
    } else {
        cr_assert(strstr(r.err.message, file) || !strcmp(r.err.file, file), "%s",
                  inv_fmt(&r.err));
    }
    cr_assert(strstr(r.err.message, needle), "%s lacks '%s'", r.err.message, needle);
    /* the good datasets are still read */
    cr_assert_eq(r.im->nprocs, line ? 2 : 0);
    ilcd_done(&r);
}

Test(inventories_ilcd_rules, hostile_entries_are_errors_naming_archive_entry_and_line)
{
    char *dir = tree("hostile"), *zip;
    static const char sjis[] = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<processDataSet/>";
    static const char utf16[] = "\xff\xfe<\0?\0x\0m\0l\0";
    static const char broken[] = HEAD "<processDataSet xmlns=\"http://lca.jrc.it/ILCD/Process\">"
                                      "\n<exchanges>\n</processDataSet>\n";
    static const char stranger[] = HEAD "<processDataSet xmlns=\"urn:not-ilcd\"/>\n";

    zip = zip_with(dir, "sjis.zip", "processes/bad.xml", sjis, sizeof sjis - 1);
    assert_read_error(zip, "processes/bad.xml", 1, GLCA_EPARSE,
                      "encoding 'Shift_JIS' declared in the prolog");
    free(zip);
    zip = zip_with(dir, "utf16.zip", "processes/bad.xml", utf16, sizeof utf16 - 1);
    assert_read_error(zip, "processes/bad.xml", 1, GLCA_EPARSE, "UTF-16");
    free(zip);
    /* </processDataSet> tries to close <exchanges> on line 4 */
    zip = zip_with(dir, "broken.zip", "processes/bad.xml", broken, sizeof broken - 1);
    assert_read_error(zip, "processes/bad.xml", 4, GLCA_EPARSE, "malformed XML");
    free(zip);
    zip = zip_with(dir, "stranger.zip", "processes/bad.xml", stranger, sizeof stranger - 1);
    assert_read_error(zip, "processes/bad.xml", 2, GLCA_EPARSE, "not an ILCD process dataset");
    free(zip);
    /* 8 MiB of blanks deflates about 1000:1: a bomb, refused before anything is read */
    {
        size_t big = 8u << 20;
        char *blanks = malloc(big);
        memset(blanks, ' ', big);
        zip = zip_with(dir, "bomb.zip", "processes/bomb.xml", blanks, big);
        free(blanks);
        assert_read_error(zip, "processes/bomb.xml", 0, GLCA_ELIMIT, "ratio limit");
        free(zip);
    }
    /* an entry outside the folder refuses the whole archive before anything is read */
    zip = zip_with(dir, "slip.zip", "processes/../../evil.xml", broken, sizeof broken - 1);
    assert_read_error(zip, "processes/../../evil.xml", 0, GLCA_EPARSE, "leads outside");
    free(zip);
    free(dir);
}

Test(inventories_ilcd_rules, one_process_file_is_read_within_its_tree)
{
    char *dir = tree("single"), path[600];
    ilcd_run r;

    snprintf(path, sizeof path, "%s/processes/%s.xml", dir, COKER);
    r = ilcd_read(path);
    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    cr_assert_eq(r.im->nprocs, 1);
    cr_assert_str_eq(r.im->procs[0].p.id, COKER);
    cr_assert_eq(r.im->procs[0].nx, 3);
    ilcd_done(&r);
    /* and relative to the tree */
    cr_assert_eq(chdir(dir), 0);
    r = ilcd_read("processes/" COKER ".xml");
    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    cr_assert_eq(r.im->nprocs, 1);
    ilcd_done(&r);
    free(dir);
}

Test(inventories_ilcd_rules, every_allocation_failure_is_reported_not_crashed, .timeout = 120)
{
    char *dir = tree("oom"), *zip = ilcd_zip_folder(dir, "oom.zip");
    const char *inputs[] = {dir, zip};

    /* allocations fail on the calling thread only: parse on it alone */
    omp_set_num_threads(1);
    for (size_t k = 0; k < 2; k++) {
        size_t failed = 1;
        for (long n = 0; failed; n++) {
            ilcd_run r = ilcd_read(dir); /* a model and import to read into */
            glca_method *m = NULL;
            glca_error e = GLCA_ERROR_INIT;
            int rc, mrc;

            glca_inventories__imp_free(r.im);
            cr_assert_eq(glca_inventories__imp_new(&r.im, glca_model_units(r.model), &e), 0);
            cr_assert_eq(glca_method_new(&m, "m", "m", "1", &e), 0);
            glca_alloc_fail_after(n);
            rc = glca_inventories__read_ilcd(r.im, inputs[k], NULL, NULL, NULL, &e);
            mrc = glca_inventories__read_ilcd_methods(m, inputs[k], NULL, NULL, NULL, &e);
            failed = glca_alloc_failures();
            glca_alloc_fail_after(-1);
            cr_assert(rc == 0 || rc == GLCA_ENOMEM, "n=%ld: %d %s", n, rc, inv_fmt(&e));
            cr_assert(mrc == 0 || mrc == GLCA_ENOMEM, "n=%ld: %d %s", n, mrc, inv_fmt(&e));
            if (!failed) {
                cr_assert_gt(n, 100, "only %ld allocations?", n); /* the walk went through */
                cr_assert_eq(rc, 0);
                cr_assert_eq(r.im->nprocs, 2);
                cr_assert_eq(glca_method_ncategories(m), 1);
            }
            glca_method_free(m);
            ilcd_done(&r);
        }
    }
    free(zip);
    free(dir);
}

Test(inventories_ilcd_rules, a_dataset_of_200000_exchanges_reads_in_linear_time, .timeout = 60)
{
    /* every exchange with factors for two co-products: a quadratic join would not finish */
    enum { N = 200000 };
    char *dir = tree("huge"), path[600];
    FILE *f;
    ilcd_run r;

    snprintf(path, sizeof path, "%s/processes/%s.xml", dir, MILL);
    cr_assert_not_null(f = fopen(path, "wb"));
    fputs(HEAD "<processDataSet xmlns=\"http://lca.jrc.it/ILCD/Process\" " COMMON ">\n"
               "<processInformation><dataSetInformation><common:UUID>" MILL "</common:UUID>"
               "</dataSetInformation><quantitativeReference><referenceToReferenceFlow>0"
               "</referenceToReferenceFlow></quantitativeReference></processInformation>\n"
               "<exchanges>\n" X("0", F_STEEL, "Output", "2", ALLOC("100", "0"))
                   X("1", F_SLAG, "Output", "1", ALLOC("0", "100")),
          f);
    for (long i = 2; i < N; i++)
        fprintf(f,
                "<exchange dataSetInternalID=\"%ld\"><referenceToFlowDataSet refObjectId=\"" F_SO2
                "\"/><exchangeDirection>Output</exchangeDirection><meanAmount>1e-6</meanAmount>"
                ALLOC("60", "40") "</exchange>\n",
                i);
    fputs("</exchanges></processDataSet>\n", f);
    fclose(f);
    r = ilcd_read(dir);
    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    cr_assert_eq(r.im->procs[0].nx, N); /* the mill sorts first */
    cr_assert_eq(r.im->nallocs, 2 * (size_t)N); /* two per exchange; the coker has none */
    ilcd_done(&r);
    free(dir);
}
