/*
 * The product reader: the spec's heater parsed line by line against the file (expected values
 * read off tests/fixtures/xml/heater.product.xml by hand: plate amount = 2 brackets × 250 g =
 * 500 g), the whole worked example through glca_load_background / bind / evaluate (expected
 * impacts from the hand calculation in tests/fixtures/xml/README.md), and product problems.
 */
#include <criterion/criterion.h>

#include <pthread.h>

#include "inv_test_util.h"

static glca_product *read_heater(void)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;

    cr_assert_eq(glca_read_product(&p, inv_fixture("heater.product.xml"), NULL, NULL, NULL, &err),
                 0, "%s", inv_fmt(&err));
    return p;
}

static void check_line(const glca_product_line *l, glca_line_kind kind, glca_stage stage,
                       const char *ref, double amount, const char *unit, const char *path,
                       long line, long column)
{
    cr_assert_eq(l->kind, kind);
    cr_assert_eq(l->stage, stage);
    cr_assert_str_eq(l->ref, ref);
    cr_assert_eq(l->amount, amount, "%s: %g", ref, l->amount);
    cr_assert_str_eq(l->unit, unit);
    if (path)
        cr_assert_str_eq(l->path, path);
    else
        cr_assert_null(l->path);
    cr_assert_eq(l->loc.line, line, "%s", ref);
    cr_assert_eq(l->loc.column, column, "%s", ref);
    cr_assert(strstr(l->loc.file, "heater.product.xml") != NULL);
}

Test(inventories_product, heater_lines_match_the_file)
{
    glca_product *p = read_heater();
    const glca_product_line *l;
    size_t n;

    cr_assert_str_eq(glca_product_id(p), "heater");
    cr_assert_str_eq(glca_product_name(p), "Electric heater");
    cr_assert_str_eq(glca_product_category(p), "example");
    cr_assert_str_eq(glca_product_functional_unit(p), "1 unit over 5 years");
    cr_assert_eq(glca_product_loc(p).line, 2);
    l = glca_product_lines(p, &n);
    cr_assert_eq(n, 5);
    check_line(&l[0], GLCA_LINE_MATERIAL, GLCA_STAGE_RAW_MATERIALS, "steel-sheet", 3, "kg",
               "body/shell", 6, 5);
    check_line(&l[1], GLCA_LINE_MATERIAL, GLCA_STAGE_RAW_MATERIALS, "steel-sheet", 2 * 250.0, "g",
               "body/bracket/plate", 8, 7);
    check_line(&l[2], GLCA_LINE_INPUT, GLCA_STAGE_PRODUCTION, "grid", 2, "kWh", NULL, 14, 5);
    check_line(&l[3], GLCA_LINE_INPUT, GLCA_STAGE_USE, "grid", 1000, "kWh", NULL, 17, 5);
    check_line(&l[4], GLCA_LINE_EMISSION, GLCA_STAGE_USE, "hfc-32", 10, "g", NULL, 18, 5);
    cr_assert_eq(l[0].unc.dist, GLCA_DIST_NONE);
    glca_product_free(p);
}

Test(inventories_product, heater_materials_substances_declares)
{
    glca_product *p = read_heater();
    const glca_material *m;
    const glca_substance *s;
    const glca_declare *d;
    size_t n;

    m = glca_product_materials(p, &n);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(m[0].id, "shell");
    cr_assert_str_eq(m[0].name, "Steel shell");
    cr_assert_str_eq(m[0].path, "body/shell");
    cr_assert_eq(m[0].mass, 3);
    cr_assert(m[0].recyclable);
    cr_assert_eq(m[0].recycled_content, 0.2);
    cr_assert_eq(m[0].nsubstances, 0);
    cr_assert_str_eq(m[1].path, "body/bracket/plate");
    cr_assert_null(m[1].name);
    cr_assert_eq(m[1].mass, 500);
    cr_assert_str_eq(m[1].unit, "g");
    cr_assert_not(m[1].recyclable);
    cr_assert_eq(m[1].recycled_content, 0, "default 0");
    cr_assert_eq(m[1].line, 1);
    cr_assert_eq(m[1].nsubstances, 1);
    s = glca_product_substances(p, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(s[0].cas, "7439-92-1");
    cr_assert_str_eq(s[0].name, "Lead");
    cr_assert_eq(s[0].ppm, 40);
    cr_assert_eq(s[0].material, 1);
    d = glca_product_declares(p, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(d[0].name, "rated-power-w");
    cr_assert_eq(d[0].kind, GLCA_VALUE_NUMBER);
    cr_assert_eq(d[0].number, 2000);
    cr_assert_str_eq(d[0].string, "2000");
    glca_product_free(p);
}

static glca_background *load_example(void)
{
    const char *inv[1];
    char method[1024];
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = NULL;
    char invpath[1024];

    snprintf(invpath, sizeof invpath, "%s", inv_fixture("loop.inventory.xml"));
    snprintf(method, sizeof method, "%s", inv_fixture("gwp.method.xml"));
    inv[0] = invpath;
    cr_assert_eq(glca_load_background(&bg, inv, 1, method, NULL, NULL, NULL, &err), 0, "%s",
                 inv_fmt(&err));
    return bg;
}

Test(inventories_product, worked_example_end_to_end)
{
    /* by hand, tests/fixtures/xml/README.md: Λ = [0.612006003002, 2.206003001501] per kWh, kg */
    static const double expected[GLCA_NSTAGES] = {7.721010505253, 1.224012006003, 0,
                                                  619.716003001501, 0};
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = load_example();
    glca_product *p = read_heater();
    double impacts[GLCA_NSTAGES];
    int s;

    cr_assert_eq(glca_background_ncategories(bg), 1);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", inv_fmt(&err));
    cr_assert_eq(glca_evaluate(bg, p, impacts, &err), 0, "%s", inv_fmt(&err));
    for (s = 0; s < GLCA_NSTAGES; s++)
        cr_assert_float_eq(impacts[s], expected[s], 1e-9, "stage %d: %.12f", s, impacts[s]);
    glca_product_free(p);
    glca_background_free(bg);
}

/* A product document with `body` inside <product id="p">; the body starts on line 2. */
static int read_body(const char *name, const char *body, glca_product **p, inv_diags *d,
                     glca_error *err)
{
    char doc[8192];
    char *path;
    int rc;

    snprintf(doc, sizeof doc, "<product xmlns=\"urn:greenlca:product:1\" id=\"p\">\n%s</product>\n",
             body);
    path = inv_write(name, doc);
    memset(d, 0, sizeof *d);
    rc = glca_read_product(p, path, NULL, inv_collect, d, err);
    free(path);
    return rc;
}

static void expect_bind_problem(const char *name, const char *body, int code, long line,
                                const char *needle)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = load_example();
    glca_product *p = NULL;
    inv_diags d;

    cr_assert_eq(read_body(name, body, &p, &d, &err), 0, "%s", inv_fmt(&err));
    memset(&d, 0, sizeof d);
    cr_assert_eq(glca_product_bind(p, bg, inv_collect, &d, &err), code, "%s", inv_fmt(&err));
    cr_assert_eq(d.n, 1);
    cr_assert(strstr(err.file, name) != NULL, "%s", inv_fmt(&err));
    cr_assert_eq(err.line, line, "%s", inv_fmt(&err));
    inv_assert_msg(&err, needle);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(inventories_product, mass_unit_where_energy_is_needed)
{
    expect_bind_problem("kg-for-kwh.xml",
                        "  <production>\n"
                        "    <input process=\"grid\" amount=\"2\" unit=\"kg\"/>\n"
                        "  </production>\n",
                        GLCA_EUNIT, 3, "'kg' (mass)");
}

Test(inventories_product, material_from_a_non_mass_process)
{
    expect_bind_problem("mat-kwh.xml",
                        "  <material id=\"m\" process=\"grid\" mass=\"1\"/>\n", GLCA_EUNIT, 2,
                        "not a mass");
}

Test(inventories_product, dangling_process)
{
    expect_bind_problem("no-proc.xml",
                        "  <use>\n"
                        "    <input process=\"nuclear\" amount=\"2\" unit=\"kWh\"/>\n"
                        "  </use>\n",
                        GLCA_ENOTFOUND, 3, "unknown process 'nuclear'");
}

static void expect_one(const char *name, const char *body, long line, long column,
                       const char *needle)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    inv_diags d;

    cr_assert_eq(read_body(name, body, &p, &d, &err), GLCA_EPARSE, "%s", inv_fmt(&err));
    cr_assert_null(p);
    cr_assert_eq(d.n, 1, "%zu problems, first %s", d.n, d.text[0]);
    cr_assert(strstr(err.file, name) != NULL, "%s", inv_fmt(&err));
    cr_assert_eq(err.line, line, "%s", inv_fmt(&err));
    cr_assert_eq(err.column, column, "%s", inv_fmt(&err));
    inv_assert_msg(&err, needle);
}

Test(inventories_product, recycled_content_outside_zero_one)
{
    expect_one("rc.xml",
               "  <material id=\"m\" process=\"steel-sheet\" mass=\"1\" recycled-content=\"1.5\"/>\n",
               2, 3, "recycled-content must be between 0 and 1");
}

Test(inventories_product, negative_mass)
{
    expect_one("mass.xml", "  <material id=\"m\" process=\"steel-sheet\" mass=\"-1\"/>\n", 2, 3,
               "mass must not be negative");
}

Test(inventories_product, zero_quantity)
{
    expect_one("qty.xml",
               "  <component id=\"c\" quantity=\"0\">\n"
               "    <material id=\"m\" process=\"steel-sheet\" mass=\"1\"/>\n"
               "  </component>\n",
               2, 3, "quantity must be positive");
}

Test(inventories_product, negative_ppm)
{
    expect_one("ppm.xml",
               "  <material id=\"m\" process=\"steel-sheet\" mass=\"1\">\n"
               "    <substance cas=\"7439-92-1\" ppm=\"-5\"/>\n"
               "  </material>\n",
               3, 5, "ppm must be between 0 and 1000000");
}

Test(inventories_product, bad_boolean)
{
    expect_one("bool.xml",
               "  <material id=\"m\" process=\"steel-sheet\" mass=\"1\" recyclable=\"yes\"/>\n", 2,
               3, "must be true or false");
}

Test(inventories_product, unknown_stage)
{
    expect_one("stage.xml",
               "  <transport>\n"
               "    <input process=\"lorry\" amount=\"1\"/>\n"
               "  </transport>\n",
               2, 3, "unknown element <transport>");
}

Test(inventories_product, material_inside_a_stage_is_unknown)
{
    expect_one("mat-stage.xml",
               "  <raw-materials>\n"
               "    <material id=\"m\" process=\"steel-sheet\" mass=\"1\"/>\n"
               "  </raw-materials>\n",
               3, 5, "unknown element <material>");
}

Test(inventories_product, duplicate_declaration)
{
    expect_one("decl.xml",
               "  <declare name=\"apf\" value=\"5\"/>\n"
               "  <declare name=\"apf\" value=\"6\"/>\n",
               3, 3, "duplicate declaration 'apf'");
}

Test(inventories_product, duplicate_material_path)
{
    expect_one("dup-mat.xml",
               "  <component id=\"c\">\n"
               "    <material id=\"m\" process=\"steel-sheet\" mass=\"1\"/>\n"
               "    <material id=\"m\" process=\"steel-sheet\" mass=\"2\"/>\n"
               "  </component>\n",
               4, 5, "duplicate material 'c/m'");
}

Test(inventories_product, declared_value_kinds_and_uncertainty)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    const glca_declare *d;
    const glca_product_line *l;
    inv_diags diags;
    size_t n;

    cr_assert_eq(read_body("kinds.xml",
                           "  <declare name=\"apf\" value=\"5.3\" unit=\"W/W\"/>\n"
                           "  <declare name=\"label\" value=\"true\"/>\n"
                           "  <declare name=\"refrigerant\" value=\"R32\"/>\n"
                           "  <use>\n"
                           "    <emission flow=\"hfc-32\" amount=\"0.05\" unit=\"kg\">\n"
                           "      <uncertainty distribution=\"lognormal\" gsd=\"1.5\"/>\n"
                           "    </emission>\n"
                           "  </use>\n"
                           "  <end-of-life>\n"
                           "    <input process=\"weee\" amount=\"-2\">\n"
                           "      <uncertainty distribution=\"uniform\" min=\"-3\" max=\"-1\"/>\n"
                           "    </input>\n"
                           "  </end-of-life>\n",
                           &p, &diags, &err),
                 0, "%s", inv_fmt(&err));
    d = glca_product_declares(p, &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(d[0].kind, GLCA_VALUE_NUMBER);
    cr_assert_eq(d[0].number, 5.3);
    cr_assert_str_eq(d[0].unit, "W/W");
    cr_assert_eq(d[1].kind, GLCA_VALUE_BOOL);
    cr_assert(d[1].boolean);
    cr_assert_eq(d[2].kind, GLCA_VALUE_STRING);
    cr_assert_str_eq(d[2].string, "R32");
    l = glca_product_lines(p, &n);
    cr_assert_eq(n, 2);
    cr_assert_eq(l[0].unc.dist, GLCA_DIST_LOGNORMAL);
    cr_assert_eq(l[0].unc.a, 1.5);
    cr_assert_eq(l[1].stage, GLCA_STAGE_END_OF_LIFE);
    cr_assert_eq(l[1].amount, -2, "negative amounts (avoided burdens) are allowed");
    cr_assert_null(l[1].unit, "no unit: the provider's reference unit");
    cr_assert_eq(l[1].unc.dist, GLCA_DIST_UNIFORM);
    cr_assert_eq(l[1].unc.a, -3);
    cr_assert_eq(l[1].unc.b, -1);
    glca_product_free(p);
}

/* Readers share no state: several threads reading the same file at once all succeed. */
static void *read_many(void *arg)
{
    size_t i, *ok = arg;
    char path[1024]; /* not inv_fixture: its buffer is shared */

    snprintf(path, sizeof path, "%s/fixtures/xml/heater.product.xml", GLCA_TEST_DIR);
    for (i = 0; i < 50; i++) {
        glca_error err = GLCA_ERROR_INIT;
        glca_product *p = NULL;
        size_t n;
        if (glca_read_product(&p, path, NULL, NULL, NULL, &err) == 0 &&
            glca_product_lines(p, &n) && n == 5)
            (*ok)++;
        glca_product_free(p);
    }
    return NULL;
}

Test(inventories_product, readers_in_parallel_threads, .timeout = 20)
{
    pthread_t t[4];
    size_t ok[4] = {0, 0, 0, 0};
    int i;

    for (i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, read_many, &ok[i]), 0);
    for (i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(ok[i], 50, "thread %d: %zu of 50", i, ok[i]);
    }
}
