/*
 * The inventory reader: the spec example, and each kind of problem FORMATS.md requires to be
 * reported as file:line:column.  Documents are written at test time; the expected lines and
 * columns are counted by hand in the literals (the <inventory> start tag is line 1, every body
 * line is indented by two spaces, so elements there start at column 3, their children at 5).
 */
#include <criterion/criterion.h>

#include "inv_test_util.h"

#define HEAD "<inventory xmlns=\"urn:greenlca:inventory:1\" id=\"t\">\n"
#define TAIL "</inventory>\n"
#define FLOWS                                                                                  \
    "  <flow id=\"co2\" kind=\"elementary\" unit=\"kg\" compartment=\"air\"/>\n"               \
    "  <flow id=\"electricity\" kind=\"product\" unit=\"kWh\"/>\n"

/* Read `body` (between HEAD and TAIL) as inventory `name`; every problem into `d`. */
static int read_body(const char *name, const char *body, glca_model **m, inv_diags *d,
                     glca_error *err)
{
    char doc[8192];
    char *path;
    int rc;

    snprintf(doc, sizeof doc, HEAD "%s" TAIL, body);
    path = inv_write(name, doc);
    cr_assert_eq(glca_model_new(m, err), 0);
    memset(d, 0, sizeof *d);
    rc = glca_read_inventory(*m, path, NULL, inv_collect, d, err);
    free(path);
    return rc;
}

/* Read, expect exactly one problem with `code` at `line`:`column` mentioning `needle`. */
static void expect_one(const char *name, const char *body, int code, long line, long column,
                       const char *needle)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m;
    inv_diags d;

    cr_assert_eq(read_body(name, body, &m, &d, &err), code, "%s", inv_fmt(&err));
    cr_assert_eq(d.n, 1, "problems: %zu, first: %s", d.n, d.text[0]);
    cr_assert(strstr(err.file, name) != NULL, "%s", inv_fmt(&err));
    cr_assert_eq(err.line, line, "%s", inv_fmt(&err));
    cr_assert_eq(err.column, column, "%s", inv_fmt(&err));
    inv_assert_msg(&err, needle);
    glca_model_free(m);
}

Test(inventories_inventory, reads_the_spec_example)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m;

    cr_assert_eq(glca_model_new(&m, &err), 0);
    cr_assert_eq(glca_read_inventory(m, inv_fixture("loop.inventory.xml"), NULL, NULL, NULL,
                                     &err),
                 0, "%s", inv_fmt(&err));
    /* the file declares co2-fossil, ch4-fossil, hfc-32, electricity, steel; grid, steel-sheet */
    cr_assert_eq(glca_model_nflows(m), 5);
    cr_assert_eq(glca_model_nprocesses(m), 2);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), 0, "%s", inv_fmt(&err));
    glca_model_free(m);
}

Test(inventories_inventory, unit_declarations)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m;
    inv_diags d;
    double f;
    int dim;

    cr_assert_eq(read_body("units.xml",
                           "  <unit name=\"tkm\" dimension=\"transport\" factor=\"1000\"/>\n"
                           "  <unit name=\"USD\" dimension=\"currency\" factor=\"1\"/>\n"
                           "  <flow id=\"lorry\" kind=\"product\" unit=\"tkm\"/>\n"
                           "  <flow id=\"money\" kind=\"product\" unit=\"USD\"/>\n",
                           &m, &d, &err),
                 0, "%s", inv_fmt(&err));
    cr_assert_eq(glca_units_lookup(glca_model_units(m), "tkm", &dim, &f), 0);
    cr_assert_eq(f, 1000.0);
    cr_assert_str_eq(glca_units_dimension_name(glca_model_units(m), dim), "transport");
    cr_assert_eq(glca_units_lookup(glca_model_units(m), "USD", &dim, &f), 0);
    cr_assert_str_eq(glca_units_dimension_name(glca_model_units(m), dim), "currency");
    glca_model_free(m);
}

Test(inventories_inventory, unknown_element)
{
    expect_one("unk-elem.xml", FLOWS "  <procss id=\"p\"/>\n", GLCA_EPARSE, 4, 3,
               "unknown element <procss>");
}

Test(inventories_inventory, element_in_another_namespace_is_unknown)
{
    expect_one("other-ns.xml", FLOWS "  <flow xmlns=\"urn:other\" id=\"x\"/>\n", GLCA_EPARSE, 4,
               3, "in namespace 'urn:other'");
}

Test(inventories_inventory, unknown_attribute)
{
    expect_one("unk-attr.xml",
               "  <flow id=\"co2\" kind=\"elementary\" unit=\"kg\" colour=\"grey\"/>\n",
               GLCA_EPARSE, 2, 3, "unknown attribute 'colour' on <flow>");
}

Test(inventories_inventory, missing_required_attribute)
{
    expect_one("missing.xml", FLOWS "  <process id=\"grid\" amount=\"1\"/>\n", GLCA_EPARSE, 4, 3,
               "missing required attribute 'product' on <process>");
}

#define GRID_WITH(amount)                                                                      \
    FLOWS "  <process id=\"grid\" product=\"electricity\" amount=\"1\">\n"                      \
          "    <output flow=\"co2\" amount=\"" amount "\"/>\n"                                 \
          "  </process>\n"

Test(inventories_inventory, non_numeric_amount)
{
    expect_one("abc.xml", GRID_WITH("abc"), GLCA_EPARSE, 5, 5,
               "unparsable number 'abc' in attribute 'amount' on <output>");
}

Test(inventories_inventory, nan_amount)
{
    expect_one("nan.xml", GRID_WITH("NaN"), GLCA_EPARSE, 5, 5, "non-finite number 'NaN'");
}

Test(inventories_inventory, inf_amount)
{
    expect_one("inf.xml", GRID_WITH("-inf"), GLCA_EPARSE, 5, 5, "non-finite number '-inf'");
}

Test(inventories_inventory, overflowing_amount_is_not_finite)
{
    expect_one("huge.xml", GRID_WITH("1e400"), GLCA_EPARSE, 5, 5, "non-finite number '1e400'");
}

Test(inventories_inventory, unknown_unit_on_a_flow)
{
    expect_one("unit-flow.xml", "  <flow id=\"road\" kind=\"product\" unit=\"furlong\"/>\n",
               GLCA_EUNIT, 2, 3, "unknown unit 'furlong'");
}

Test(inventories_inventory, unknown_unit_on_an_exchange)
{
    expect_one("unit-exch.xml",
               FLOWS "  <process id=\"grid\" product=\"electricity\" amount=\"1\">\n"
                     "    <output flow=\"co2\" amount=\"1\" unit=\"stone\"/>\n"
                     "  </process>\n",
               GLCA_EUNIT, 5, 5, "unknown unit 'stone'");
}

Test(inventories_inventory, non_positive_reference_amount)
{
    expect_one("zero.xml", FLOWS "  <process id=\"grid\" product=\"electricity\" amount=\"0\"/>\n",
               GLCA_EPARSE, 4, 3, "must be positive");
}

Test(inventories_inventory, duplicate_ids_name_both_places)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m;
    inv_diags d;

    cr_assert_eq(read_body("dup.xml",
                           FLOWS "  <flow id=\"co2\" kind=\"elementary\" unit=\"kg\"/>\n", &m, &d,
                           &err),
                 GLCA_EPARSE);
    cr_assert_eq(d.n, 1);
    cr_assert_eq(err.line, 4, "%s", inv_fmt(&err));
    inv_assert_msg(&err, "duplicate flow id 'co2'");
    inv_assert_msg(&err, "dup.xml:2:3"); /* the first one */
    glca_model_free(m);
}

Test(inventories_inventory, bad_ids)
{
    char body[512], longid[202];

    memset(longid, 'x', 201);
    longid[201] = '\0';
    snprintf(body, sizeof body, "  <flow id=\"%s\" kind=\"product\" unit=\"kg\"/>\n", longid);
    expect_one("long-id.xml", body, GLCA_EPARSE, 2, 3, "1 to 200 characters");
    expect_one("empty-id.xml", "  <flow id=\"\" kind=\"product\" unit=\"kg\"/>\n", GLCA_EPARSE, 2,
               3, "1 to 200 characters");
    expect_one("ctl-id.xml", "  <flow id=\"a&#9;b\" kind=\"product\" unit=\"kg\"/>\n",
               GLCA_EPARSE, 2, 3, "control character");
}

Test(inventories_inventory, bad_uncertainty)
{
    expect_one("tri.xml",
               FLOWS "  <process id=\"grid\" product=\"electricity\" amount=\"1\">\n"
                     "    <output flow=\"co2\" amount=\"1\">\n"
                     "      <uncertainty distribution=\"triangular\" min=\"2\" max=\"1\"/>\n"
                     "    </output>\n"
                     "  </process>\n",
               GLCA_EPARSE, 6, 7, "min 2 is above max 1");
    expect_one("dist.xml",
               FLOWS "  <process id=\"grid\" product=\"electricity\" amount=\"1\">\n"
                     "    <output flow=\"co2\" amount=\"1\">\n"
                     "      <uncertainty distribution=\"normal\" gsd=\"1.2\"/>\n"
                     "    </output>\n"
                     "  </process>\n",
               GLCA_EPARSE, 6, 7, "unknown attribute 'gsd' on <uncertainty>");
}

Test(inventories_inventory, every_problem_is_reported)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m;
    inv_diags d;

    cr_assert_eq(read_body("many.xml",
                           FLOWS "  <flow id=\"a\" kind=\"mineral\" unit=\"kg\"/>\n"   /* 4 */
                                 "  <bogus/>\n"                                         /* 5 */
                                 "  <process id=\"p\" product=\"electricity\" amount=\"1\">\n"
                                 "    <input flow=\"co2\" amount=\"x\"/>\n"             /* 7 */
                                 "  </process>\n",
                           &m, &d, &err),
                 GLCA_EPARSE);
    cr_assert_eq(d.n, 3, "%zu problems", d.n);
    cr_assert_eq(d.e[0].line, 4);
    cr_assert(strstr(d.e[0].message, "kind must be product or elementary") != NULL);
    cr_assert_eq(d.e[1].line, 5);
    cr_assert_eq(d.e[2].line, 7);
    cr_assert_eq(err.line, 4, "the return is the first problem");
    glca_model_free(m);
}

Test(inventories_inventory, wrong_kind_of_file)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m;

    cr_assert_eq(glca_model_new(&m, &err), 0);
    cr_assert_eq(glca_read_inventory(m, inv_fixture("gwp.method.xml"), NULL, NULL, NULL, &err),
                 GLCA_EPARSE);
    inv_assert_msg(&err, "not an inventory file");
    cr_assert_eq(err.line, 2);
    glca_model_free(m);
}

/* ---------------------------------------------------------------- linking */

static void expect_link_problem(const char *name, const char *body, long line,
                                const char *needle1, const char *needle2)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m;
    inv_diags d;

    cr_assert_eq(read_body(name, body, &m, &d, &err), 0, "%s", inv_fmt(&err));
    memset(&d, 0, sizeof d);
    cr_assert_eq(glca_model_link(m, inv_collect, &d, &err), GLCA_ENOTFOUND, "%s", inv_fmt(&err));
    cr_assert_eq(d.n, 1, "%zu problems, first %s", d.n, d.text[0]);
    cr_assert(strstr(err.file, name) != NULL, "%s", inv_fmt(&err));
    cr_assert_eq(err.line, line, "%s", inv_fmt(&err));
    cr_assert_eq(err.column, 5, "%s", inv_fmt(&err));
    inv_assert_msg(&err, needle1);
    if (needle2)
        inv_assert_msg(&err, needle2);
    glca_model_free(m);
}

Test(inventories_inventory, dangling_flow)
{
    expect_link_problem("dangle-flow.xml",
                        FLOWS "  <process id=\"grid\" product=\"electricity\" amount=\"1\">\n"
                              "    <output flow=\"methane\" amount=\"1\"/>\n"
                              "  </process>\n",
                        5, "flow 'methane' not found", NULL);
}

Test(inventories_inventory, dangling_provider)
{
    expect_link_problem("dangle-prov.xml",
                        FLOWS "  <process id=\"grid\" product=\"electricity\" amount=\"1\"/>\n"
                              "  <process id=\"use\" product=\"electricity\" amount=\"1\">\n"
                              "    <input flow=\"electricity\" amount=\"1\" provider=\"ghost\"/>\n"
                              "  </process>\n",
                        6, "provider 'ghost' not found", NULL);
}

Test(inventories_inventory, ambiguous_provider_names_the_candidates)
{
    expect_link_problem("ambiguous.xml",
                        FLOWS "  <flow id=\"steel\" kind=\"product\" unit=\"kg\"/>\n"
                              "  <process id=\"grid-a\" product=\"electricity\" amount=\"1\"/>\n"
                              "  <process id=\"grid-b\" product=\"electricity\" amount=\"1\"/>\n"
                              "  <process id=\"mill\" product=\"steel\" amount=\"1\">\n"
                              "    <input flow=\"electricity\" amount=\"2\"/>\n"
                              "  </process>\n",
                        8, "'grid-a'", "'grid-b'");
}
