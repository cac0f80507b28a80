/*
 * Products (engine/product.c, bind.c, evaluate.c): nested quantities, unit conversions at
 * binding, products with only direct emissions, declarations and binding errors.
 *
 * Background for these tests (Lambda by hand, no loops so A is the identity per reference
 * unit): grid makes 1 kWh and emits 0.5 kg co2 => Lambda_gwp(grid) = 0.5 per kWh;
 * pellets makes 1 kg and emits 2 kg co2 => 2 per kg; ch4 is 29.8 per kg.
 */
#include "engine_helpers.h"

#include "engine/background_int.h"

typedef struct fixture {
    glca_model *m;
    glca_method *me;
    glca_background *bg;
} fixture;

static void setup(fixture *f)
{
    glca_error err = GLCA_ERROR_INIT;

    OK(glca_model_new(&f->m, &err), &err);
    flow(f->m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    flow(f->m, "ch4", GLCA_FLOW_ELEMENTARY, "kg");
    flow(f->m, "electricity", GLCA_FLOW_PRODUCT, "kWh");
    flow(f->m, "pp", GLCA_FLOW_PRODUCT, "kg");
    process(f->m, "grid", "electricity", 1, NULL);
    output(f->m, "co2", 0.5, NULL);
    process(f->m, "pellets", "pp", 1, NULL);
    output(f->m, "co2", 2, NULL);
    OK(glca_model_link(f->m, NULL, NULL, &err), &err);
    OK(glca_method_new(&f->me, "gwp", NULL, NULL, &err), &err);
    category(f->me, "gwp");
    factor(f->me, "gwp", "co2", 1, NULL);
    factor(f->me, "gwp", "ch4", 29.8, NULL);
    OK(glca_background_new(&f->bg, f->m, f->me, NULL, &err), &err);
}

static void teardown(fixture *f)
{
    glca_background_free(f->bg);
    glca_method_free(f->me);
    glca_model_free(f->m);
}

/*
 * A blade of 150 g in a fan of quantity 2 in a unit of quantity 3: 150 × 2 × 3 = 900 g
 * = 0.9 kg of pellets => 1.8 kg co2 in raw-materials.  Production: 1500 Wh = 1.5 kWh of grid
 * => 0.75.  End of life: 2 kg ch4 avoided (-2 kg) => -59.6.
 */
Test(engine_product, nested_quantities_and_units)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    fixture f;
    double impacts[GLCA_NSTAGES], total;
    const glca_material *mat;
    size_t n;

    setup(&f);
    OK(glca_product_new(&p, "fan-unit", NULL, NULL, NULL, NULL, &err), &err);
    OK(glca_product_add_material(p, "blade", "Blade", "unit/fan", "pellets", 150, "g", 2 * 3,
                                 true, 0.5, NULL, NULL, &err),
       &err);
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_PRODUCTION, "grid", 1500, "Wh");
    line(p, GLCA_LINE_EMISSION, GLCA_STAGE_END_OF_LIFE, "ch4", -2, NULL);
    OK(glca_product_bind(p, f.bg, NULL, NULL, &err), &err);
    mat = glca_product_materials(p, &n);
    cr_assert_eq(n, 1);
    ASSERT_REL(mat->mass, 900, 1e-15);
    ASSERT_REL(mat->mass_kg, 0.9, 1e-15);
    cr_assert_str_eq(mat->unit, "g");
    OK(glca_evaluate(f.bg, p, impacts, &err), &err);
    ASSERT_REL(impacts[GLCA_STAGE_RAW_MATERIALS], 1.8, 1e-14);
    ASSERT_REL(impacts[GLCA_STAGE_PRODUCTION], 0.75, 1e-14);
    cr_assert_eq(impacts[GLCA_STAGE_DISTRIBUTION], 0.0);
    cr_assert_eq(impacts[GLCA_STAGE_USE], 0.0);
    ASSERT_REL(impacts[GLCA_STAGE_END_OF_LIFE], -59.6, 1e-14);
    glca_impacts_totals(1, impacts, &total);
    ASSERT_REL(total, 1.8 + 0.75 - 59.6, 1e-14);
    glca_product_free(p);
    teardown(&f);
}

/* Only direct emissions: 300 g co2 and 10 g ch4 in use => 0.3 + 0.298 = 0.598. */
Test(engine_product, only_direct_emissions)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    fixture f;
    double impacts[GLCA_NSTAGES], s[2];

    setup(&f);
    OK(glca_product_new(&p, "candle", NULL, NULL, NULL, NULL, &err), &err);
    line(p, GLCA_LINE_EMISSION, GLCA_STAGE_USE, "co2", 300, "g");
    line(p, GLCA_LINE_EMISSION, GLCA_STAGE_USE, "ch4", 10, "g");
    OK(glca_product_bind(p, f.bg, NULL, NULL, &err), &err);
    OK(glca_evaluate(f.bg, p, impacts, &err), &err);
    ASSERT_REL(impacts[GLCA_STAGE_USE], 0.598, 1e-14);
    cr_assert_eq(impacts[GLCA_STAGE_RAW_MATERIALS], 0.0);
    /* no technosphere demand at all */
    OK(glca_engine__background_demand(f.bg, p, s, &err), &err);
    cr_assert(s[0] == 0 && s[1] == 0);
    glca_product_free(p);
    teardown(&f);
}

Test(engine_product, evaluate_requires_binding)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    fixture f;
    double impacts[GLCA_NSTAGES];

    setup(&f);
    OK(glca_product_new(&p, "x", NULL, NULL, NULL, NULL, &err), &err);
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_USE, "grid", 1, NULL);
    cr_assert_eq(glca_evaluate(f.bg, p, impacts, &err), GLCA_ERROR);
    OK(glca_product_bind(p, f.bg, NULL, NULL, &err), &err);
    OK(glca_evaluate(f.bg, p, impacts, &err), &err);
    ASSERT_REL(impacts[GLCA_STAGE_USE], 0.5, 1e-15);
    /* adding a line invalidates the binding */
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_USE, "grid", 1, NULL);
    cr_assert_eq(glca_evaluate(f.bg, p, impacts, &err), GLCA_ERROR);
    glca_product_free(p);
    teardown(&f);
}

Test(engine_product, binding_reports_every_problem_with_its_location)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_product_line l;
    glca_srcloc loc;
    diag_log log = {0};
    fixture f;

    setup(&f);
    OK(glca_product_new(&p, "bad", NULL, NULL, NULL, NULL, &err), &err);
    loc = at("p.xml", 5);
    /* a material from a process that makes energy */
    OK(glca_product_add_material(p, "wire", NULL, NULL, "grid", 1, "kg", 1, false, 0, NULL, &loc,
                                 &err),
       &err);
    memset(&l, 0, sizeof l);
    l.kind = GLCA_LINE_INPUT;
    l.stage = GLCA_STAGE_USE;
    l.ref = "grid";
    l.amount = 3;
    l.unit = "kg"; /* mass given where energy is needed */
    l.loc = at("p.xml", 8);
    OK(glca_product_add_line(p, &l, &err), &err);
    l.ref = "no-such-process";
    l.unit = NULL;
    l.loc = at("p.xml", 9);
    OK(glca_product_add_line(p, &l, &err), &err);
    l.kind = GLCA_LINE_EMISSION;
    l.ref = "no-such-flow";
    l.loc = at("p.xml", 10);
    OK(glca_product_add_line(p, &l, &err), &err);

    cr_assert_eq(glca_product_bind(p, f.bg, diag_collect, &log, &err), GLCA_EUNIT);
    cr_assert_eq(log.count, 4);
    cr_assert_eq(err.line, 5);
    cr_assert(strstr(log.errors[0].message, "'grid'") && strstr(log.errors[0].message, "'kWh'") &&
                  strstr(log.errors[0].message, "not a mass"),
              "%s", log.errors[0].message);
    cr_assert_eq(log.errors[1].code, GLCA_EUNIT);
    cr_assert_eq(log.errors[1].line, 8);
    cr_assert(strstr(log.errors[1].message, "'kg' (mass)") &&
                  strstr(log.errors[1].message, "'kWh' (energy)"),
              "%s", log.errors[1].message);
    cr_assert_eq(log.errors[2].code, GLCA_ENOTFOUND);
    cr_assert_eq(log.errors[2].line, 9);
    cr_assert(strstr(log.errors[2].message, "'no-such-process'"), "%s", log.errors[2].message);
    cr_assert_eq(log.errors[3].code, GLCA_ENOTFOUND);
    cr_assert_str_eq(log.errors[3].file, "p.xml");
    cr_assert(strstr(log.errors[3].message, "'no-such-flow'"), "%s", log.errors[3].message);
    glca_product_free(p);
    teardown(&f);
}

Test(engine_product, declarations_and_input_checks)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_declare d;
    const glca_declare *got;
    size_t n;

    OK(glca_product_new(&p, "ac", "AC", "room-air-conditioner", NULL, NULL, &err), &err);
    memset(&d, 0, sizeof d);
    d.name = "apf";
    d.kind = GLCA_VALUE_NUMBER;
    d.number = 5.3;
    d.string = "5.3";
    d.loc = at("p.xml", 2);
    OK(glca_product_declare(p, &d, &err), &err);
    d.name = "refrigerant";
    d.kind = GLCA_VALUE_STRING;
    d.string = "R32";
    OK(glca_product_declare(p, &d, &err), &err);
    d.name = "apf";
    d.loc = at("p.xml", 6);
    cr_assert_eq(glca_product_declare(p, &d, &err), GLCA_EPARSE);
    cr_assert_eq(err.line, 6);
    cr_assert(strstr(err.message, "'apf'") && strstr(err.message, "p.xml:2:3"), "%s",
              err.message);
    got = glca_product_find_declare(p, "apf");
    cr_assert_not_null(got);
    cr_assert_eq(got->kind, GLCA_VALUE_NUMBER);
    ASSERT_REL(got->number, 5.3, 0);
    cr_assert_str_eq(glca_product_find_declare(p, "refrigerant")->string, "R32");
    cr_assert_null(glca_product_find_declare(p, "cooling-capacity-w"));
    glca_product_declares(p, &n);
    cr_assert_eq(n, 2);

    cr_assert_eq(glca_product_add_substance(p, "7439-92-1", NULL, 1, NULL, &err), GLCA_ERROR);
    cr_assert_eq(glca_product_add_material(p, "m", NULL, NULL, "x", -1, "kg", 1, false, 0, NULL,
                                           NULL, &err),
                 GLCA_EPARSE);
    cr_assert_eq(glca_product_add_material(p, "m", NULL, NULL, "x", 1, "kg", 1, false, 1.5, NULL,
                                           NULL, &err),
                 GLCA_EPARSE);
    OK(glca_product_add_material(p, "m", NULL, NULL, "x", 1, "kg", 1, false, 0, NULL, NULL, &err),
       &err);
    cr_assert_eq(glca_product_add_substance(p, "7439-92-1", NULL, 2e6, NULL, &err), GLCA_EPARSE);
    glca_product_free(p);
    glca_product_free(NULL);
}
