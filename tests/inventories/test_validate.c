/*
 * glca_validate_file, glca_detect_kind and the method reader: every problem of a file is
 * reported (up to the first well-formedness error, after which the parser cannot go on), and
 * each kind of file is recognised by its root element and namespace.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "inv_test_util.h"

static void expect_kind(const char *path, glca_doc_kind want)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_doc_kind k = GLCA_DOC_UNKNOWN;
    inv_diags d;

    cr_assert_eq(glca_detect_kind(path, &k, &err), 0, "%s", inv_fmt(&err));
    cr_assert_eq(k, want);
    memset(&d, 0, sizeof d);
    k = GLCA_DOC_UNKNOWN;
    cr_assert_eq(glca_validate_file(path, NULL, &k, inv_collect, &d, &err), 0, "%s",
                 d.n ? d.text[0] : "");
    cr_assert_eq(d.n, 0);
    cr_assert_eq(k, want);
}

Test(inventories_validate, spec_examples_are_valid)
{
    char *cat;

    expect_kind(inv_fixture("loop.inventory.xml"), GLCA_DOC_INVENTORY);
    expect_kind(inv_fixture("gwp.method.xml"), GLCA_DOC_METHOD);
    expect_kind(inv_fixture("heater.product.xml"), GLCA_DOC_PRODUCT);
    cat = inv_write("c.xml", "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\"/>");
    expect_kind(cat, GLCA_DOC_CATALOG);
    free(cat);
}

Test(inventories_validate, ruleset_is_detected_not_validated_here)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_doc_kind k;
    char *path = inv_write("r.xml", "<ruleset xmlns=\"urn:greenlca:ruleset:1\" id=\"r\"/>");

    cr_assert_eq(glca_detect_kind(path, &k, &err), 0);
    cr_assert_eq(k, GLCA_DOC_RULESET);
    free(path);
}

Test(inventories_validate, foreign_root_is_not_ours)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_doc_kind k;
    inv_diags d;
    char *path = inv_write("svg.xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    char *nons = inv_write("nons.xml", "<inventory id=\"x\"/>");

    cr_assert_eq(glca_detect_kind(path, &k, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "not a greenlca file: root element <svg>");
    cr_assert_eq(glca_detect_kind(nons, &k, &err), GLCA_EPARSE, "the namespace is required");
    memset(&d, 0, sizeof d);
    cr_assert_eq(glca_validate_file(path, NULL, &k, inv_collect, &d, &err), GLCA_EPARSE);
    cr_assert_eq(k, GLCA_DOC_UNKNOWN);
    cr_assert_eq(d.n, 1);
    free(path);
    free(nons);
}

Test(inventories_validate, reports_every_problem_then_stops_at_malformed_xml,
     .init = cr_redirect_stderr)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_doc_kind k;
    inv_diags d;
    char *path = inv_write("prod-bad.xml",
                           "<product xmlns=\"urn:greenlca:product:1\" id=\"p\">\n"            /* 1 */
                           "  <declare name=\"a\"/>\n"                                        /* 2 */
                           "  <material id=\"m\" process=\"s\" mass=\"x\"/>\n"                /* 3 */
                           "  <use>\n"                                                        /* 4 */
                           "    <input process=\"grid\" amount=\"1\" colour=\"red\"/>\n"      /* 5 */
                           "  </use>\n"                                                       /* 6 */
                           "  <use>\n"                                                        /* 7 */
                           "</product>\n"                                                     /* 8 */
                           "  <declare name=\"after\"/>\n");

    memset(&d, 0, sizeof d);
    cr_assert_eq(glca_validate_file(path, NULL, &k, inv_collect, &d, &err), GLCA_EPARSE);
    cr_assert_eq(k, GLCA_DOC_PRODUCT);
    cr_assert_eq(d.n, 4, "%zu problems", d.n);
    cr_assert_eq(d.e[0].line, 2);
    cr_assert(strstr(d.e[0].message, "missing required attribute 'value'"));
    cr_assert_eq(d.e[1].line, 3);
    cr_assert(strstr(d.e[1].message, "unparsable number 'x'"));
    cr_assert_eq(d.e[2].line, 5);
    cr_assert(strstr(d.e[2].message, "unknown attribute 'colour'"));
    cr_assert_eq(d.e[3].line, 8);
    cr_assert(strstr(d.e[3].message, "malformed XML"));
    cr_assert_eq(err.line, 2, "the return is the first problem");
    free(path);
}

Test(inventories_validate, catalog_problems_of_every_product)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_doc_kind k;
    inv_diags d;
    char *path = inv_write(
        "vcat.xml", "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"                  /* 1 */
                    "  <product xmlns=\"urn:greenlca:product:1\" id=\"a\">\n"                /* 2 */
                    "    <component id=\"x\" quantity=\"-1\"/>\n"                           /* 3 */
                    "    <declare name=\"k\"/>\n"                                            /* 4 */
                    "  </product>\n"                                                         /* 5 */
                    "  <product xmlns=\"urn:greenlca:product:1\" id=\"ok\"/>\n"              /* 6 */
                    "  <product xmlns=\"urn:greenlca:product:1\"/>\n"                        /* 7 */
                    "</catalog>\n");

    memset(&d, 0, sizeof d);
    cr_assert_eq(glca_validate_file(path, NULL, &k, inv_collect, &d, &err), GLCA_EPARSE);
    cr_assert_eq(k, GLCA_DOC_CATALOG);
    cr_assert_eq(d.n, 3, "%zu problems", d.n);
    cr_assert_eq(d.e[0].line, 3);
    cr_assert_eq(d.e[1].line, 4);
    cr_assert_eq(d.e[2].line, 7);
    cr_assert(strstr(d.e[2].message, "missing required attribute 'id' on <product>"));
    cr_assert_eq(err.line, 3);
    free(path);
}

/* ---------------------------------------------------------------- method reader */

Test(inventories_validate, method_example)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_method *m = NULL;

    cr_assert_eq(glca_read_method(&m, inv_fixture("gwp.method.xml"), NULL, NULL, NULL, &err), 0,
                 "%s", inv_fmt(&err));
    cr_assert_str_eq(glca_method_id(m), "example-gwp");
    cr_assert_str_eq(glca_method_name(m), "GWP100 (IPCC AR6 values for these gases)");
    cr_assert_str_eq(glca_method_version(m), "1");
    cr_assert_eq(glca_method_ncategories(m), 1);
    glca_method_free(m);
}

Test(inventories_validate, method_problems)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_method *m = (glca_method *)1;
    inv_diags d;
    char *path = inv_write("bad.method.xml",
                           "<method xmlns=\"urn:greenlca:method:1\" id=\"m\">\n"              /* 1 */
                           "  <category id=\"gwp\" unit=\"kg CO2-eq\">\n"                     /* 2 */
                           "    <factor flow=\"co2\" value=\"NaN\"/>\n"                       /* 3 */
                           "    <factor value=\"1\"/>\n"                                      /* 4 */
                           "  </category>\n"                                                  /* 5 */
                           "  <category id=\"gwp\"/>\n"                                       /* 6 */
                           "</method>\n");

    memset(&d, 0, sizeof d);
    cr_assert_eq(glca_read_method(&m, path, NULL, inv_collect, &d, &err), GLCA_EPARSE);
    cr_assert_null(m);
    cr_assert_eq(d.n, 3, "%zu problems", d.n);
    cr_assert_eq(d.e[0].line, 3);
    cr_assert(strstr(d.e[0].message, "non-finite number 'NaN'"));
    cr_assert_eq(d.e[1].line, 4);
    cr_assert(strstr(d.e[1].message, "missing required attribute 'flow' on <factor>"));
    cr_assert_eq(d.e[2].line, 6);
    cr_assert(strstr(d.e[2].message, "duplicate category id 'gwp'"), "%s", d.text[2]);
    free(path);
}

Test(inventories_validate, load_background_reports_problems_of_all_files)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = (glca_background *)1;
    inv_diags d;
    char *inv = inv_write("lb.inventory.xml",
                          "<inventory xmlns=\"urn:greenlca:inventory:1\" id=\"i\">\n"
                          "  <flow id=\"e\" kind=\"product\" unit=\"kWh\" x=\"1\"/>\n");
    char *method = inv_write("lb.method.xml",
                             "<method xmlns=\"urn:greenlca:method:1\" id=\"m\">\n"
                             "  <categry id=\"c\"/>\n"
                             "</method>\n");
    const char *invs[1] = {inv};

    memset(&d, 0, sizeof d);
    cr_redirect_stderr();
    cr_assert_lt(glca_load_background(&bg, invs, 1, method, NULL, inv_collect, &d, &err), 0);
    cr_assert_null(bg);
    /* the inventory's unknown attribute, its truncation, the method's unknown element */
    cr_assert_eq(d.n, 3, "%zu problems: %s | %s", d.n, d.text[0], d.text[1]);
    cr_assert(strstr(d.e[0].file, "lb.inventory.xml"));
    cr_assert(strstr(d.e[0].message, "unknown attribute 'x'"));
    cr_assert(strstr(d.e[1].message, "malformed XML"));
    cr_assert(strstr(d.e[2].file, "lb.method.xml"));
    cr_assert(strstr(d.e[2].message, "unknown element <categry>"));
    cr_assert_eq(err.line, 2);
    cr_assert(strstr(err.file, "lb.inventory.xml"));
    free(inv);
    free(method);
}

Test(inventories_validate, every_formats_md_example_reads)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *meth = NULL;
    glca_product *p = NULL;
    const glca_product_line *l;
    const glca_material *mat;
    size_t n;

    /* the XML blocks of FORMATS.md, saved verbatim as tests/fixtures/xml/formats-*.xml */
    expect_kind(inv_fixture("formats-inventory.xml"), GLCA_DOC_INVENTORY);
    expect_kind(inv_fixture("formats-method.xml"), GLCA_DOC_METHOD);
    expect_kind(inv_fixture("formats-product.xml"), GLCA_DOC_PRODUCT);
    cr_assert_eq(glca_model_new(&m, &err), 0);
    cr_assert_eq(glca_read_inventory(m, inv_fixture("formats-inventory.xml"), NULL, NULL, NULL,
                                     &err),
                 0, "%s", inv_fmt(&err));
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), 0, "%s", inv_fmt(&err));
    cr_assert_eq(glca_read_method(&meth, inv_fixture("formats-method.xml"), NULL, NULL, NULL,
                                  &err),
                 0, "%s", inv_fmt(&err));
    cr_assert_eq(glca_read_product(&p, inv_fixture("formats-product.xml"), NULL, NULL, NULL,
                                   &err),
                 0, "%s", inv_fmt(&err));
    /* ac-35: housing 9.8 kg; blade 150 g in fan (quantity 2) in outdoor (quantity 1) = 300 g;
     * then production 15 kWh, distribution 0.04 t*km, use 8200 kWh + 0.05 kg, eol 38 kg */
    l = glca_product_lines(p, &n);
    cr_assert_eq(n, 7);
    cr_assert_str_eq(l[1].path, "outdoor/fan/blade");
    cr_assert_eq(l[1].amount, 300);
    cr_assert_str_eq(l[3].unit, "t*km");
    cr_assert_eq(l[3].stage, GLCA_STAGE_DISTRIBUTION);
    cr_assert_eq(l[5].kind, GLCA_LINE_EMISSION);
    cr_assert_eq(l[6].amount, 38);
    mat = glca_product_materials(p, &n);
    cr_assert_eq(n, 2);
    cr_assert_eq(mat[0].recycled_content, 0.15);
    cr_assert_eq(glca_product_find_declare(p, "energy-label")->kind, GLCA_VALUE_BOOL);
    cr_assert_eq(glca_product_find_declare(p, "refrigerant")->kind, GLCA_VALUE_STRING);
    glca_product_free(p);
    glca_method_free(meth);
    glca_model_free(m);
}
