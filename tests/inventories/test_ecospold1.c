/*
 * The EcoSpold 1 reader.  The USLCI source must give what the bundled converted inventory
 * (tools/convert_uslci.py, an independent implementation in Python) gives: the same impacts for
 * every example product under both bundled methods, and the cut-off counts its LINKING.md
 * states (input 3,512 + waste to treatment 245 cut off, 187 by-products, 2 unknown units).
 * Small datasets written here check the conversions by hand.
 */
#include "imp_test_util.h"

#include "importers/ecospold1.h"
#include "mill.h"

#include <sys/stat.h>

#define SRC GLCA_SOURCE_DIR "/"
#define USLCI_ZIP SRC "inventories/data/uslci/uslci_fy21_q3_01_olca_10_3_ecospold2.zip"
#define CONVERTED SRC "inventories/data/uslci/uslci.inventory.xml"
#define FIXTURES GLCA_TEST_DIR "/fixtures/bw2io-ecospold1"

/* The zip's EcoSpold01/ folder, unzipped once per test process. */
static const char *uslci_dir(void)
{
    static char dir[256];
    char cmd[1024];

    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/uslci", inv_tmpdir());
        snprintf(cmd, sizeof cmd, "unzip -q -o '%s' -d '%s'", USLCI_ZIP, dir);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        strncat(dir, "/EcoSpold01", sizeof dir - strlen(dir) - 1);
    }
    return dir;
}

static glca_background *load(const char *inventory, const char *method)
{
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_background *bg = NULL;
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_load_background_ex(&bg, &inventory, 1, &method, 1, NULL, &o, NULL, NULL, &e),
                 0, "%s", inv_fmt(&e));
    return bg;
}

static double *assess(glca_background *bg, const char *product)
{
    glca_product *p = NULL;
    glca_error e = GLCA_ERROR_INIT;
    double *impacts = calloc(glca_background_ncategories(bg) * GLCA_NSTAGES, sizeof *impacts);

    cr_assert_eq(glca_read_product(&p, product, NULL, NULL, NULL, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(glca_evaluate(bg, p, impacts, &e), 0, "%s", inv_fmt(&e));
    glca_product_free(p);
    return impacts;
}

Test(inventories_ecospold1, uslci_source_gives_the_converted_results, .timeout = 120)
{
    static const char *const methods[] = {SRC "inventories/data/methods/ipcc-ar6-gwp100.method.xml",
                                          SRC "inventories/data/methods/traci-2.1.method.xml"};
    static const char *const products[] = {SRC "examples/ceramic-tile.product.xml",
                                           SRC "examples/desktop-computer.product.xml",
                                           SRC "examples/room-air-conditioner.product.xml"};
    size_t m, p, i;

    for (m = 0; m < 2; m++) {
        glca_background *conv = load(CONVERTED, methods[m]), *src = load(uslci_dir(), methods[m]);
        size_t k = glca_background_ncategories(conv);

        cr_assert_eq(glca_background_ncategories(src), k);
        cr_assert_eq(glca_background_nprocesses(src), 639);
        cr_assert_eq(glca_background_nprocesses(conv), 639);
        for (p = 0; p < 3; p++) {
            double *a = assess(conv, products[p]), *b = assess(src, products[p]);

            for (i = 0; i < k * GLCA_NSTAGES; i++)
                cr_assert(fabs(a[i] - b[i]) <= 1e-12 * fabs(a[i]),
                          "%s, %s, entry %zu: converted %.17g, source %.17g", products[p],
                          methods[m], i, a[i], b[i]);
            free(a);
            free(b);
        }
        glca_background_free(conv);
        glca_background_free(src);
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

Test(inventories_ecospold1, uslci_linking_report_has_the_documented_counts, .timeout = 60)
{
    glca_load_options o = GLCA_LOAD_OPTIONS_INIT;
    glca_model *m = NULL;
    glca_error e = GLCA_ERROR_INIT;
    const char *path = uslci_dir();
    char report[512], *json;

    snprintf(report, sizeof report, "%s/uslci-linking.json", inv_tmpdir());
    o.linking_report = report;
    cr_assert_eq(glca_model_new(&m, NULL), 0);
    cr_assert_eq(glca_read_inventories(m, &path, 1, &o, NULL, NULL, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(glca_model_nprocesses(m), 639);
    json = slurp(report);
    /* LINKING.md: 3,946 cut off = input 3,512 + waste to treatment 245 (no provider) + by-product
     * 187 + unknown unit 2; out of scope: its 7 "zero exchanges dropped" and categories.xml,
     * the one file not read */
    cr_assert_not_null(strstr(json, "\"cutoff\": 3757, \"ambiguous\": 0, \"coproduct\": 187, "
                                    "\"dangling\": 0, \"not-evaluable\": 0, \"unit\": 2, "
                                    "\"out-of-scope\": 8"),
                       "%.300s", json);
    cr_assert_not_null(strstr(json, "Aluminum, cold rolling, at plant"), "the source fix");
    free(json);
    glca_model_free(m);
}

/* Two datasets by hand: a widget from steel, with every uncertainty type. */
static const char hand[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ecoSpold xmlns=\"http://www.EcoInvent.org/EcoSpold01\">\n"
    "<dataset number=\"1\"><metaInformation><processInformation>\n"
    "<referenceFunction name=\"Widget,  at plant\" unit=\"Item(s)\" amount=\"2\"/>\n"
    "</processInformation></metaInformation><flowData>\n"
    "<exchange number=\"1\" name=\"Widget, at plant\" unit=\"Item(s)\" meanValue=\"2\">"
    "<outputGroup>0</outputGroup></exchange>\n"
    "<exchange number=\"2\" name=\"Steel, at mill\" unit=\"g\" meanValue=\"5000\" "
    "uncertaintyType=\"1\" standardDeviation95=\"1.44\"><inputGroup>5</inputGroup></exchange>\n"
    "<exchange number=\"3\" name=\"Carbon dioxide\" category=\"air\" subCategory=\"urban\" "
    "unit=\"kg\" meanValue=\"3\" uncertaintyType=\"2\" standardDeviation95=\"0.4\">"
    "<outputGroup>4</outputGroup></exchange>\n"
    "<exchange number=\"4\" name=\"Sawdust\" unit=\"kg\" meanValue=\"0.5\">"
    "<outputGroup>2</outputGroup></exchange>\n"
    "<exchange number=\"5\" name=\"Licence\" unit=\"EUR 2000\" meanValue=\"7\">"
    "<inputGroup>5</inputGroup></exchange>\n"
    "<exchange number=\"6\" name=\"Unobtainium\" unit=\"kg\" meanValue=\"0.25\">"
    "<inputGroup>5</inputGroup></exchange>\n"
    "<exchange number=\"7\" name=\"Carbon dioxide\" category=\"Air\" subCategory=\"rural\" "
    "unit=\"g\" meanValue=\"500\"><outputGroup>4</outputGroup></exchange>\n"
    "</flowData></dataset>\n"
    "<dataset number=\"2\"><metaInformation><processInformation>\n"
    "<referenceFunction name=\"Steel, at mill\" unit=\"kg\" amount=\"1\"/>\n"
    "<geography location=\"RNA\"/>\n"
    "</processInformation></metaInformation><flowData>\n"
    "<exchange number=\"1\" name=\"Iron ore\" category=\"resource\" subCategory=\"in ground\" "
    "unit=\"kg\" meanValue=\"1.5\" uncertaintyType=\"3\" minValue=\"1\" maxValue=\"2\" "
    "mostLikelyValue=\"1.5\"><inputGroup>4</inputGroup></exchange>\n"
    "<exchange number=\"2\" name=\"Carbon dioxide\" category=\"air\" subCategory=\"urban\" "
    "unit=\"kg\" meanValue=\"2\" uncertaintyType=\"4\" minValue=\"1\" maxValue=\"3\">"
    "<outputGroup>4</outputGroup></exchange>\n"
    "</flowData></dataset>\n"
    "</ecoSpold>\n";

Test(inventories_ecospold1, hand_written_datasets)
{
    glca_units *u;
    glca_import *im = imp_start(&u);
    glca_error e = GLCA_ERROR_INIT;
    char *path = inv_write("hand.es1.xml", hand);
    const rec_p *p;
    const rec_x *x;
    recorder r;

    cr_assert_eq(glca_inventories__read_ecospold1(im, path, NULL, NULL, NULL, &e), 0, "%s",
                 inv_fmt(&e));
    {
        glca_imp_sink s = rec_sink(&r);

        cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &s, NULL, NULL, &e),
                     0, "%s", inv_fmt(&e));
    }
    cr_assert_eq(r.np, 2);
    cr_assert_not_null(p = rec_find_p(&r, "widget-at-plant"));
    cr_assert_str_eq(p->product, "widget-at-plant");
    cr_assert_float_eq(p->amount, 2, 0);
    cr_assert_not_null(p = rec_find_p(&r, "steel-at-mill-rna"));
    /* 5000 g of steel, lognormal with GSD = sqrt(1.44) = 1.2 */
    cr_assert_not_null(x = rec_find_x(&r, "widget-at-plant", "steel-at-mill"));
    cr_assert_str_eq(x->provider, "steel-at-mill-rna");
    cr_assert_float_eq(x->amount, 5000, 0);
    cr_assert_eq(x->unc.dist, GLCA_DIST_LOGNORMAL);
    cr_assert_float_eq(x->unc.a, 1.2, 1e-15);
    /* two CO2 emissions (air/urban, Air/rural) merge into one: 3 kg + 500 g = 3.5 kg, without
     * uncertainty; the flow's unit is kg (the more frequent: 2 of its 3 exchanges) */
    cr_assert_not_null(x = rec_find_x(&r, "widget-at-plant", "carbon-dioxide@air"));
    cr_assert_float_eq(x->amount, 3.5, 1e-15);
    cr_assert_eq(x->unc.dist, GLCA_DIST_NONE);
    /* triangular (mode = mean) and uniform as stated */
    cr_assert_not_null(x = rec_find_x(&r, "steel-at-mill-rna", "iron-ore@resource"));
    cr_assert_eq(x->dir, GLCA_INPUT);
    cr_assert_eq(x->unc.dist, GLCA_DIST_TRIANGULAR);
    cr_assert_float_eq(x->unc.a, 1, 0);
    cr_assert_float_eq(x->unc.b, 2, 0);
    cr_assert_not_null(x = rec_find_x(&r, "steel-at-mill-rna", "carbon-dioxide@air"));
    cr_assert_eq(x->unc.dist, GLCA_DIST_UNIFORM);
    cr_assert_eq(r.nx, 4);
    cr_assert_eq(imp_count(im, GLCA_IMP_COPRODUCT), 1); /* sawdust */
    cr_assert_eq(imp_count(im, GLCA_IMP_UNIT), 1);      /* EUR 2000 */
    cr_assert_eq(imp_count(im, GLCA_IMP_CUTOFF), 1);    /* unobtainium */
    cr_assert_eq(glca_inventories__imp_nnotes(im), 3);
    free(path);
    imp_done(im, u);
}

Test(inventories_ecospold1, normal_uncertainty_is_half_sd95)
{
    glca_units *u;
    glca_import *im = imp_start(&u);
    glca_error e = GLCA_ERROR_INIT;
    char *path =
        inv_write("normal.es1.xml", "<ecoSpold xmlns=\"http://www.EcoInvent.org/EcoSpold01\">"
                                    "<dataset number=\"9\"><metaInformation><processInformation>"
                                    "<referenceFunction name=\"Heat\" unit=\"MJ\" amount=\"1\"/>"
                                    "</processInformation></metaInformation><flowData>"
                                    "<exchange name=\"Methane\" category=\"air\" unit=\"kg\" "
                                    "meanValue=\"0.01\" uncertaintyType=\"2\" "
                                    "standardDeviation95=\"0.004\"><outputGroup>4</outputGroup>"
                                    "</exchange></flowData></dataset></ecoSpold>");
    glca_imp_sink s;
    recorder r;
    const rec_x *x;

    cr_assert_eq(glca_inventories__read_ecospold1(im, path, NULL, NULL, NULL, &e), 0, "%s",
                 inv_fmt(&e));
    s = rec_sink(&r);
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &s, NULL, NULL, &e), 0);
    cr_assert_not_null(x = rec_find_x(&r, "heat", "methane@air"));
    cr_assert_eq(x->unc.dist, GLCA_DIST_NORMAL);
    cr_assert_float_eq(x->unc.a, 0.002, 1e-18);
    free(path);
    imp_done(im, u);
}

Test(inventories_ecospold1, names_slugs_and_cas_as_the_converter)
{
    char out[256], s[64];

    /* worked from tools/glca_common.py's rules */
    glca_inventories__es1_slug("Particulate matter, \xe2\x89\xa4 2.5\xce\xbcm", out, sizeof out);
    cr_assert_str_eq(out, "particulate-matter-le-2-5um");
    glca_inventories__es1_slug("Caf\xc3\xa9 + 10%", out, sizeof out);
    cr_assert_str_eq(out, "cafe-plus-10-pct");
    glca_inventories__es1_slug("\xe2\x80\x93", out, sizeof out);
    cr_assert_str_eq(out, "x");
    snprintf(s, sizeof s, " a\xc2\xa0\t b  ");
    glca_inventories__es1_clean(s);
    cr_assert_str_eq(s, "a b");
    cr_assert(glca_inventories__es1_cas("000124-38-9", out, sizeof out));
    cr_assert_str_eq(out, "124-38-9");
    cr_assert(glca_inventories__es1_cas("=\"0-00-0\"", out, sizeof out));
    cr_assert_str_eq(out, "0-00-0");
    cr_assert_not(glca_inventories__es1_cas("n.a.", out, sizeof out));
}

Test(inventories_ecospold1, bw2io_fixtures)
{
    glca_units *u;
    glca_import *im = imp_start(&u);
    glca_error e = GLCA_ERROR_INIT;

    /* the directory: two datasets read, the <notecoSpold> file noted */
    cr_assert_eq(glca_inventories__read_ecospold1(im, FIXTURES, NULL, NULL, NULL, &e), 0, "%s",
                 inv_fmt(&e));
    {
        glca_model *m = NULL;
        glca_imp_sink ms;

        cr_assert_eq(glca_model_new(&m, NULL), 0);
        ms = glca_inventories__model_sink(m);
        cr_assert_eq(
            glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &ms, NULL, NULL, &e), 0,
            "%s", inv_fmt(&e));
        cr_assert_eq(glca_model_nprocesses(m), 2);
        glca_model_free(m);
    }
    /* ABS: 4 technosphere inputs, 1 by-product; aluminium: 4 inputs, 9 wastes; none of their
     * providers is in the fixtures */
    cr_assert_eq(imp_count(im, GLCA_IMP_CUTOFF), 17);
    cr_assert_eq(imp_count(im, GLCA_IMP_COPRODUCT), 1);
    cr_assert_eq(imp_count(im, GLCA_IMP_OUT_OF_SCOPE), 1);
    imp_done(im, u);
    /* alone, the odd file is an error naming its root element and line */
    im = imp_start(&u);
    cr_assert_eq(glca_inventories__read_ecospold1(im, FIXTURES "/Acetic acid, at plant.xml", NULL,
                                                  NULL, NULL, &e),
                 GLCA_EPARSE);
    cr_assert_eq(e.line, 2);
    inv_assert_msg(&e, "root element <notecoSpold>");
    imp_done(im, u);
}

Test(inventories_ecospold1, convert_round_trip_is_bitwise, .timeout = 120)
{
    const char *method = SRC "inventories/data/methods/traci-2.1.method.xml";
    const char *src = uslci_dir();
    char out[512];
    glca_error e = GLCA_ERROR_INIT;
    glca_background *a, *b;
    double *ia, *ib;
    size_t i, k, n;
    FILE *f;

    snprintf(out, sizeof out, "%s/uslci.converted.inventory.xml", inv_tmpdir());
    cr_assert_not_null(f = fopen(out, "w"));
    cr_assert_eq(glca_convert_inventories(f, "uslci", &src, 1, NULL, NULL, NULL, &e), 0, "%s",
                 inv_fmt(&e));
    fclose(f);
    a = load(src, method);
    b = load(out, method);
    k = glca_background_ncategories(a);
    n = glca_background_nprocesses(a);
    cr_assert_eq(glca_background_nprocesses(b), n);
    for (i = 0; i < k * n; i++)
        cr_assert(glca_background_lambda(a)[i] == glca_background_lambda(b)[i],
                  "Lambda entry %zu: %.17g vs %.17g", i, glca_background_lambda(a)[i],
                  glca_background_lambda(b)[i]);
    ia = assess(a, SRC "examples/ceramic-tile.product.xml");
    ib = assess(b, SRC "examples/ceramic-tile.product.xml");
    cr_assert_eq(memcmp(ia, ib, k * GLCA_NSTAGES * sizeof *ia), 0);
    free(ia);
    free(ib);
    glca_background_free(a);
    glca_background_free(b);
}

Test(inventories_ecospold1, detected_by_namespace_file_and_directory)
{
    glca_doc_kind k = GLCA_DOC_UNKNOWN;
    glca_error e = GLCA_ERROR_INIT;
    char *path = inv_write("detect.es1.xml", hand);

    cr_assert_eq(glca_detect_kind(path, &k, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(k, GLCA_DOC_ECOSPOLD1);
    k = GLCA_DOC_UNKNOWN;
    cr_assert_eq(glca_detect_kind(FIXTURES, &k, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(k, GLCA_DOC_ECOSPOLD1);
    cr_assert_eq(glca_detect_kind(GLCA_TEST_DIR "/fixtures/analysis", &k, &e), GLCA_EPARSE);
    free(path);
}

/* Out of memory at every allocation of reading, linking, reporting and converting: each time
 * an error (never a crash, never success with a failure behind it); ASan checks for leaks. */
Test(inventories_ecospold1, every_allocation_failure_is_reported_and_cleaned_up, .timeout = 120)
{
    char *path = inv_write("oom.es1.xml", hand);
    char *map = inv_write("oom.map.csv", "*,steel-at-mill,steel-at-mill-rna\n");
    char report[512];
    glca_load_options o = GLCA_LOAD_OPTIONS_INIT;
    const char *paths[] = {path};
    size_t n, failed;
    int rc;

    snprintf(report, sizeof report, "%s/oom-report.md", inv_tmpdir());
    o.linking_report = report;
    o.provider_map = map;
    for (n = 0;; n++) {
        glca_model *m = NULL;
        glca_error e = GLCA_ERROR_INIT;
        FILE *sink = fopen("/dev/null", "w");

        cr_assert_not_null(sink);
        glca_alloc_fail_after((long)n);
        rc = glca_model_new(&m, &e);
        if (rc == 0)
            rc = glca_read_inventories(m, paths, 1, &o, NULL, NULL, &e);
        if (rc == 0)
            rc = glca_model_link(m, NULL, NULL, &e);
        if (rc == 0)
            rc = glca_convert_inventories(sink, "oom", paths, 1, &o, NULL, NULL, &e);
        failed = glca_alloc_failures();
        glca_alloc_fail_after(-1);
        glca_model_free(m);
        fclose(sink);
        if (failed == 0) {
            cr_assert_eq(rc, 0, "n=%zu: %s", n, inv_fmt(&e));
            break;
        }
        cr_assert_lt(rc, 0, "n=%zu: success although allocation failed", n);
    }
    cr_assert_gt(n, 50);
    free(path);
    free(map);
}

/* --method twice: one method holding the categories of both, each row of Lambda as when the
 * method is alone; a method given twice repeats its category ids, an error. */
Test(inventories_ecospold1, two_methods_in_one_study, .timeout = 60)
{
    const char *methods[] = {SRC "inventories/data/methods/ipcc-ar6-gwp100.method.xml",
                             SRC "inventories/data/methods/traci-2.1.method.xml"};
    const char *twice[] = {methods[0], methods[0]};
    const char *inv = CONVERTED;
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_background *both = NULL, *one[2];
    glca_error e = GLCA_ERROR_INIT;
    size_t n, k0, k1, c;

    cr_assert_eq(glca_load_background_ex(&both, &inv, 1, methods, 2, NULL, &o, NULL, NULL, &e), 0,
                 "%s", inv_fmt(&e));
    one[0] = load(inv, methods[0]);
    one[1] = load(inv, methods[1]);
    n = glca_background_nprocesses(both);
    k0 = glca_background_ncategories(one[0]);
    k1 = glca_background_ncategories(one[1]);
    cr_assert_eq(glca_background_ncategories(both), k0 + k1);
    for (c = 0; c < k0 + k1; c++) {
        const glca_background *alone = c < k0 ? one[0] : one[1];
        size_t ca = c < k0 ? c : c - k0;

        cr_assert_str_eq(glca_background_category_id(both, c),
                         glca_background_category_id(alone, ca));
        cr_assert_eq(memcmp(glca_background_lambda(both) + c * n,
                            glca_background_lambda(alone) + ca * n, n * sizeof(double)),
                     0, "category %zu", c);
    }
    glca_background_free(both);
    glca_background_free(one[0]);
    glca_background_free(one[1]);
    both = NULL;
    cr_assert_eq(glca_load_background_ex(&both, &inv, 1, twice, 2, NULL, &o, NULL, NULL, &e),
                 GLCA_EPARSE);
    inv_assert_msg(&e, "duplicate category id");
    cr_assert_null(both);
}

/* The mill of tests/common/mill.h: wheat 80/20 and CO2 60/40 between flour and bran, as in
 * test_import_link.c but read from the format. */
Test(inventories_ecospold1, allocation_records)
{
    glca_units *u;
    glca_import *im = imp_start(&u);
    glca_error e = GLCA_ERROR_INIT;
    char mill[4096], *path;
    glca_imp_sink s;
    const rec_x *x;
    recorder r;

    mill_ecospold1(mill, sizeof mill, "20");
    path = inv_write("mill.es1.xml", mill);
    cr_assert_eq(glca_inventories__read_ecospold1(im, path, NULL, NULL, NULL, &e), 0, "%s",
                 inv_fmt(&e));
    s = rec_sink(&r);
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &s, NULL, NULL, &e), 0,
                 "%s", inv_fmt(&e));
    cr_assert_eq(r.np, 2);
    cr_assert_not_null(rec_find_p(&r, "flour"));
    cr_assert_not_null(rec_find_p(&r, "flour/bran"));
    cr_assert_not_null(x = rec_find_x(&r, "flour", "wheat@resource"));
    cr_assert_float_eq(x->amount, 16, 1e-12);
    cr_assert_not_null(x = rec_find_x(&r, "flour/bran", "wheat@resource"));
    cr_assert_float_eq(x->amount, 4, 1e-12);
    cr_assert_not_null(x = rec_find_x(&r, "flour", "carbon-dioxide@air"));
    cr_assert_float_eq(x->amount, 1.2, 1e-12);
    cr_assert_not_null(x = rec_find_x(&r, "flour/bran", "carbon-dioxide@air"));
    cr_assert_float_eq(x->amount, 0.8, 1e-12);
    cr_assert_eq(glca_inventories__imp_nnotes(im), 0);
    /* --allocation none: the bran is left out and listed */
    s = rec_sink(&r);
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_NONE, NULL, &s, NULL, NULL, &e), 0);
    cr_assert_eq(r.np, 1);
    cr_assert_eq(imp_count(im, GLCA_IMP_COPRODUCT), 1);
    free(path);
    imp_done(im, u);

    /* 80 % + 30 %: an error at the exchange's first allocation record (line 9) */
    im = imp_start(&u);
    mill_ecospold1(mill, sizeof mill, "30");
    path = inv_write("mill110.es1.xml", mill);
    cr_assert_eq(glca_inventories__read_ecospold1(im, path, NULL, NULL, NULL, &e), 0);
    s = rec_sink(&r);
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &s, NULL, NULL, &e),
                 GLCA_EPARSE);
    cr_assert_eq(e.line, 9, "%s", inv_fmt(&e));
    inv_assert_msg(&e, "sum to 110 %");
    free(path);
    imp_done(im, u);
}

/* The Lambda cache key of a directory of datasets follows every byte and every name in it. */
Test(inventories_ecospold1, cache_key_of_a_directory)
{
    char dir[512], a[600], b[600];
    unsigned char k1[GLCA_SHA256_SIZE], k2[GLCA_SHA256_SIZE], k3[GLCA_SHA256_SIZE];
    const char *method = SRC "inventories/data/methods/ipcc-ar6-gwp100.method.xml";
    const char *inv[1] = {dir};
    glca_error e = GLCA_ERROR_INIT;
    FILE *f;

    snprintf(dir, sizeof dir, "%s/keydir", inv_tmpdir());
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(a, sizeof a, "%s/a.xml", dir);
    snprintf(b, sizeof b, "%s/b.xml", dir);
    cr_assert_not_null(f = fopen(a, "w"));
    fputs(hand, f);
    fclose(f);
    cr_assert_eq(glca_lambda_cache_key(k1, inv, 1, method, NULL, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(rename(a, b), 0);
    cr_assert_eq(glca_lambda_cache_key(k2, inv, 1, method, NULL, &e), 0);
    cr_assert_neq(memcmp(k1, k2, sizeof k1), 0, "a renamed file gives another key");
    cr_assert_not_null(f = fopen(b, "a"));
    fputs(" ", f);
    fclose(f);
    cr_assert_eq(glca_lambda_cache_key(k3, inv, 1, method, NULL, &e), 0);
    cr_assert_neq(memcmp(k2, k3, sizeof k2), 0, "a changed byte gives another key");
}

#if defined(__has_include)
#if __has_include("importers/archive.h")
/* The bundled zip read as it is (with the archive layer): the same Lambda as its unzipped
 * folder, bit for bit, and the same linking report counts. */
Test(inventories_ecospold1, uslci_zip_read_directly, .timeout = 120)
{
    const char *method = SRC "inventories/data/methods/traci-2.1.method.xml";
    glca_background *a = load(USLCI_ZIP, method), *b = load(uslci_dir(), method);
    size_t n = glca_background_nprocesses(a), k = glca_background_ncategories(a);

    cr_assert_eq(glca_background_nprocesses(b), n);
    cr_assert_eq(memcmp(glca_background_lambda(a), glca_background_lambda(b),
                        n * k * sizeof(double)),
                 0);
    glca_background_free(a);
    glca_background_free(b);
}
#endif
#endif
