/*
 * Loading ruleset files: everything FORMATS.md shows is accepted, and every bad input is a
 * clear error with file:line (expression errors also say the character within the expression).
 * Each bad case is a small ruleset whose faulty element is on a known line: RULESET_HEAD takes
 * lines 1-2, so the first rule is on line 3.
 */
#include "ruleset_test.h"

typedef struct bad_file {
    const char *body;    /* rules after RULESET_HEAD */
    long line;           /* where the error must point */
    const char *message; /* expected substring */
} bad_file;

#define B1 "<basic-requirement id=\"B1\" name=\"x\" check=\"true\"/>\n"

static const bad_file bad_files[] = {
    /* expression syntax, unknown function, argument count and type */
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"&gt;=\" baseline=\"1\" "
        "value=\"(mass() * 2\"/>\n",
     4, "in value expression at character 12: expected ')', found end of expression"},
    {"<basic-requirement id=\"B1\" check=\"attribute('x')\"/>\n", 3,
     "in check expression at character 1: unknown function 'attribute'"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"&gt;=\" baseline=\"1\" "
        "value=\"min(mass())\"/>\n",
     4, "min() takes 2 arguments, got 1"},
    {B1 "<indicator id=\"C1\" attribute=\"environment\" comparator=\"report\" "
        "value=\"impact(gwp100)\"/>\n",
     4, "argument 1 of impact() must be a quoted name"},
    {B1 "<indicator id=\"C1\" attribute=\"environment\" comparator=\"report\" "
        "value=\"impact('gwp100', 'recycling')\"/>\n",
     4, "unknown stage 'recycling'"},
    /* comparators and baselines */
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"!=\" baseline=\"1\" "
        "value=\"mass()\"/>\n",
     4, "comparator '!=' is not one of >=, <=, >, <, ==, report"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"=&gt;\" baseline=\"1\" "
        "value=\"mass()\"/>\n",
     4, "comparator '=>' is not one of"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"&gt;=\" value=\"mass()\"/>\n", 4,
     "indicator 'R1' has no baseline (comparator '>=' needs"},
    {B1 "<indicator id=\"C1\" attribute=\"environment\" comparator=\"report\" baseline=\"3\" "
        "value=\"mass()\"/>\n",
     4, "comparator 'report', which takes no baseline"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"&gt;=\" baseline=\"high\" "
        "value=\"mass()\"/>\n",
     4, "unparsable number 'high' in attribute 'baseline'"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"&gt;=\" baseline=\"true\" "
        "value=\"mass()\"/>\n",
     4, "comparator '>=' needs a number baseline, not 'true'"},
    {B1 "<indicator id=\"R2\" attribute=\"resource\" comparator=\"==\" baseline=\"true\" "
        "value=\"mass()\"/>\n",
     4, "the value is a number but the baseline 'true' is a true/false value"},
    {B1 "<indicator id=\"E1\" attribute=\"energy\" comparator=\"&gt;=\" baseline=\"1\" "
        "value=\"attr('apf')\">\n  <baseline value=\"2\"/>\n</indicator>\n",
     5, "has both a baseline attribute and <baseline> elements"},
    {B1 "<indicator id=\"E1\" attribute=\"energy\" comparator=\"&gt;=\" value=\"attr('apf')\">\n"
        "  <baseline value=\"4.5\"/>\n  <baseline when=\"true\" value=\"5\"/>\n</indicator>\n",
     6, "this baseline can never apply: the baseline at line 5 has no condition"},
    {B1 "<indicator id=\"E1\" attribute=\"energy\" comparator=\"&gt;=\" value=\"attr('apf')\">\n"
        "  <baseline when=\"attr('c') + 1\" value=\"4.5\"/>\n</indicator>\n",
     5, "a baseline condition must be true/false, not a number"},
    {B1 "<indicator id=\"E1\" attribute=\"energy\" comparator=\"&gt;=\" value=\"attr('apf')\">\n"
        "  <baseline when=\"attr('c') &lt; \" value=\"4.5\"/>\n</indicator>\n",
     5, "in when expression at character 13: expected a value"},
    {B1 "<indicator id=\"E1\" attribute=\"energy\" comparator=\"&gt;=\" value=\"attr('apf')\">\n"
        "  <limit value=\"4.5\"/>\n</indicator>\n",
     5, "unknown element <limit> inside <indicator>"},
    /* ids, attributes, elements */
    {B1 "<indicator id=\"B1\" attribute=\"resource\" comparator=\"report\" value=\"mass()\"/>\n", 4,
     "duplicate id 'B1' (first at line 3)"},
    {B1 "<indicator id=\"R1\" attribute=\"material\" comparator=\"report\" value=\"mass()\"/>\n", 4,
     "attribute 'material' is not one of resource, energy, environment, product"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" stage=\"usage\" comparator=\"report\" "
        "value=\"mass()\"/>\n",
     4, "unknown stage 'usage'"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" comparator=\"report\" value=\"mass()\" "
        "weight=\"2\"/>\n",
     4, "unknown attribute 'weight' on <indicator>"},
    {B1 "<indicator id=\"R1\" attribute=\"resource\" value=\"mass()\"/>\n", 4,
     "missing required attribute 'comparator' on <indicator>"},
    {"<basic-requirement id=\"B1\" name=\"x\"/>\n", 3,
     "missing required attribute 'check' on <basic-requirement>"},
    {"<basic-requirement id=\"B1\" check=\"mass() + 1\"/>\n", 3,
     "basic requirement 'B1': the check must be true/false, not a number"},
    {B1 "<rule id=\"X\"/>\n", 4, "unknown element <rule>"},
    {"<basic-requirement id=\"B1\" check=\"true\">\n  <note/>\n</basic-requirement>\n", 4,
     "unexpected element <note> inside <basic-requirement>"},
    {"", 2, "has no basic requirement and no indicator"},
};

Test(ruleset_load, every_bad_input_is_an_error_with_file_and_line, .timeout = 10)
{
    size_t i;

    for (i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        char xml[2048];
        glca_ruleset *rs = NULL;
        glca_error err = GLCA_ERROR_INIT;
        int rc;

        snprintf(xml, sizeof xml, "%s%s%s", RULESET_HEAD, bad_files[i].body, RULESET_TAIL);
        rc = load_text(&rs, xml, &err);
        cr_assert_eq(rc, GLCA_EPARSE, "case %zu loaded (rc %d)", i, rc);
        cr_assert_null(rs);
        cr_assert(strstr(err.message, bad_files[i].message), "case %zu: got \"%s\", want \"%s\"", i,
                  err.message, bad_files[i].message);
        cr_assert(strstr(err.file, "glca_ruleset_test_"), "case %zu: file '%s'", i, err.file);
        cr_assert_eq(err.line, bad_files[i].line, "case %zu: line %ld, want %ld (%s)", i, err.line,
                     bad_files[i].line, err.message);
    }
}

Test(ruleset_load, the_root_must_be_a_ruleset_with_its_attributes, .timeout = 10)
{
    static const struct {
        const char *xml, *message;
    } cases[] = {
        {"<ruleset xmlns=\"urn:greenlca:ruleset:2\" id=\"t\" version=\"1\" category=\"c\"/>",
         "expected <ruleset> in 'urn:greenlca:ruleset:1'"},
        {"<product xmlns=\"urn:greenlca:product:1\" id=\"p\"/>", "not a ruleset"},
        {"<ruleset xmlns=\"urn:greenlca:ruleset:1\" id=\"t\" version=\"1\"/>",
         "missing required attribute 'category' on <ruleset>"},
        {"<ruleset xmlns=\"urn:greenlca:ruleset:1\" id=\"t\" version=\"1\" category=\"c\" "
         "scope=\"x\"/>",
         "unknown attribute 'scope' on <ruleset>"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        glca_ruleset *rs = NULL;
        glca_error err = GLCA_ERROR_INIT;

        cr_assert_eq(load_text(&rs, cases[i].xml, &err), GLCA_EPARSE, "case %zu", i);
        cr_assert(strstr(err.message, cases[i].message), "case %zu: %s", i, err.message);
        cr_assert_eq(err.line, 1);
    }
}

Test(ruleset_load, malformed_xml_stops_with_its_location, .timeout = 10)
{
    glca_ruleset *rs = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_lt(load_text(&rs,
                           RULESET_HEAD B1 "<indicator id=\"R1\" attribute=\"resource\"\n"
                                           "  comparator=\">=\" <oops/>\n" RULESET_TAIL,
                           &err),
                 0);
    cr_assert_null(rs);
    cr_assert_geq(err.line, 4, "%s (line %ld)", err.message, err.line);
    cr_assert_eq(glca_ruleset_load(&rs, FIXTURES "/no-such-file.xml", NULL, NULL, NULL, &err),
                 GLCA_EIO);
}

static void count_problem(const glca_error *e, void *payload)
{
    int *lines = payload;

    lines[++lines[0]] = (int)e->line;
}

Test(ruleset_load, every_problem_of_a_file_goes_to_diag, .timeout = 10)
{
    int lines[16] = {0};
    glca_ruleset *rs = NULL;
    glca_error err = GLCA_ERROR_INIT;

    /* fixture: errors on lines 6 (unknown function), 8 (no baseline), 10 (duplicate id), 12
     * (bad comparator); the good rules between them are read too */
    cr_assert_eq(glca_ruleset_load(&rs, FIXTURES "/several-errors.ruleset.xml", NULL, count_problem,
                                   lines, &err),
                 GLCA_EPARSE);
    cr_assert_null(rs);
    cr_assert_eq(lines[0], 4, "%d problems", lines[0]);
    cr_assert_eq(lines[1], 6);
    cr_assert_eq(lines[2], 8);
    cr_assert_eq(lines[3], 10);
    cr_assert_eq(lines[4], 12);
    cr_assert_eq(err.line, 6, "the first problem is returned");
    cr_assert(strstr(err.message, "unknown function 'recycling_rate'"), "%s", err.message);
}

Test(ruleset_load, the_example_of_formats_md_loads, .timeout = 10)
{
    glca_ruleset *rs = NULL;

    TRY(glca_ruleset_load(&rs, FIXTURES "/formats-example.ruleset.xml", NULL, NULL, NULL, &e_));
    cr_assert_str_eq(glca_ruleset_id(rs), "room-air-conditioner");
    cr_assert_str_eq(glca_ruleset_version(rs), "1");
    cr_assert_str_eq(glca_ruleset_standard(rs), "(category specification id)");
    cr_assert_str_eq(glca_ruleset_category(rs), "room-air-conditioner");
    cr_assert_str_eq(glca_ruleset_method(rs), "ipcc-ar6-gwp100");
    cr_assert_eq(glca_ruleset_nitems(rs), 5);
    glca_ruleset_free(rs);
    glca_ruleset_free(NULL);
}

Test(ruleset_load, a_ruleset_for_another_category_is_an_error, .timeout = 10)
{
    glca_ruleset *rs = NULL;
    glca_product *p = NULL, *q = NULL;
    glca_srcloc where = {"ac.product.xml", 2, 1};
    glca_error err = GLCA_ERROR_INIT;
    char msg[600];

    TRY(glca_ruleset_load(&rs, FIXTURES "/formats-example.ruleset.xml", NULL, NULL, NULL, &e_));
    TRY(glca_product_new(&p, "tv-55", NULL, "television", NULL, &where, &e_));
    cr_assert_eq(glca_ruleset_check_category(rs, p, &err), GLCA_EPARSE);
    glca_error_format(&err, msg, sizeof msg);
    cr_assert(strstr(msg, "ac.product.xml:2:1: product 'tv-55' is in category 'television' but "
                          "ruleset 'room-air-conditioner' ("),
              "%s", msg);
    cr_assert(strstr(msg, "formats-example.ruleset.xml:2) is for category "
                          "'room-air-conditioner'"),
              "%s", msg);
    TRY(glca_product_new(&q, "ac", NULL, "room-air-conditioner", NULL, NULL, &e_));
    cr_assert_eq(glca_ruleset_check_category(rs, q, &err), 0);
    glca_product_free(q);
    TRY(glca_product_new(&q, "nocat", NULL, NULL, NULL, NULL, &e_));
    cr_assert_eq(glca_ruleset_check_category(rs, q, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "product 'nocat' has no category"), "%s", err.message);
    glca_product_free(q);
    glca_product_free(p);
    glca_ruleset_free(rs);
}

Test(ruleset_load, a_ruleset_for_another_method_is_an_error, .timeout = 10)
{
    glca_ruleset *rs = NULL;
    glca_background *bg = example_background("example-gwp");
    glca_error err = GLCA_ERROR_INIT;

    TRY(glca_ruleset_load(&rs, FIXTURES "/formats-example.ruleset.xml", NULL, NULL, NULL, &e_));
    cr_assert_eq(glca_ruleset_check_method(rs, bg, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "needs method 'ipcc-ar6-gwp100' but the assessment uses "
                                  "'example-gwp'"),
              "%s", err.message);
    cr_assert_eq(err.line, 2);
    glca_ruleset_free(rs);
    glca_background_free(bg);
}
