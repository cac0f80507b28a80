/*
 * The worked example of the specification (shared/spec/examples/README.md), rebuilt through
 * the builder API so the engine is checked without the XML readers.  The expected numbers are
 * the README's hand computation:
 *
 *   A = [[1, -0.5], [-0.001, 1]]  (grid takes 1 g = 0.001 kg steel per kWh; steel sheet is made
 *   per 1000 g = 1 kg and takes 0.5 kWh); B (co2, ch4, hfc-32) = [[0.58, 1.9], [0.001, 0],
 *   [0, 0]]; C = [1, 29.8, 771].  det A = 0.9995; C·B = [0.6098, 1.9];
 *   Lambda = [0.6098 + 1.9·0.001, 0.6098·0.5 + 1.9] / 0.9995 = [0.6117, 2.2049] / 0.9995
 *          = [0.612006003002, 2.206003001501].
 *   Heater: steel 3 kg + 2 × 250 g = 3.5 kg -> 3.5 · 2.206003001501 = 7.721010505253;
 *   production 2 kWh -> 1.224012006003; use 1000 kWh + 10 g HFC-32 -> 612.006003001501 + 7.71
 *   = 619.716003001501; total 628.661025512757.
 */
#include "engine_helpers.h"

#include "engine/background_int.h"

static glca_model *example_model(void)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;

    OK(glca_model_new(&m, &err), &err);
    /* flows and processes in file order, processes before nothing else needed */
    flow(m, "co2-fossil", GLCA_FLOW_ELEMENTARY, "kg");
    flow(m, "ch4-fossil", GLCA_FLOW_ELEMENTARY, "kg");
    flow(m, "hfc-32", GLCA_FLOW_ELEMENTARY, "kg");
    flow(m, "electricity", GLCA_FLOW_PRODUCT, "kWh");
    flow(m, "steel", GLCA_FLOW_PRODUCT, "kg");
    process(m, "grid", "electricity", 1, "kWh");
    input(m, "steel", 1, "g", NULL);
    output(m, "co2-fossil", 0.58, NULL);
    output(m, "ch4-fossil", 1, "g");
    process(m, "steel-sheet", "steel", 1000, "g");
    input(m, "electricity", 0.5, "kWh", "grid");
    output(m, "co2-fossil", 1.9, "kg");
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    return m;
}

static glca_method *example_method(void)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_method *m = NULL;

    OK(glca_method_new(&m, "example-gwp", "GWP100", "1", &err), &err);
    category(m, "gwp100");
    factor(m, "gwp100", "co2-fossil", 1, NULL);
    factor(m, "gwp100", "ch4-fossil", 29.8, NULL);
    factor(m, "gwp100", "hfc-32", 771, NULL);
    return m;
}

static glca_product *heater(void)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;

    OK(glca_product_new(&p, "heater", "Electric heater", "example", "1 unit over 5 years", NULL,
                        &err),
       &err);
    OK(glca_product_add_material(p, "shell", "Steel shell", "body", "steel-sheet", 3, "kg", 1,
                                 true, 0.2, NULL, NULL, &err),
       &err);
    /* bracket quantity 2 inside body quantity 1 */
    OK(glca_product_add_material(p, "plate", NULL, "body/bracket", "steel-sheet", 250, "g", 2,
                                 false, 0, NULL, NULL, &err),
       &err);
    OK(glca_product_add_substance(p, "7439-92-1", "Lead", 40, NULL, &err), &err);
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_PRODUCTION, "grid", 2, "kWh");
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_USE, "grid", 1000, "kWh");
    line(p, GLCA_LINE_EMISSION, GLCA_STAGE_USE, "hfc-32", 10, "g");
    return p;
}

Test(engine_example, matrices_lambda_and_stage_totals_match_the_readme)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = example_model();
    glca_method *me = example_method();
    glca_background *bg = NULL;
    glca_product *p = heater();
    double impacts[GLCA_NSTAGES], total;
    const double *lambda;
    long grid, steel;

    cr_assert_eq(glca_model_nprocesses(m), 2);
    cr_assert_eq(glca_model_nflows(m), 5);
    OK(glca_background_new(&bg, m, me, NULL, &err), &err);
    cr_assert_eq(glca_background_nprocesses(bg), 2);
    cr_assert_eq(glca_background_nflows(bg), 3);
    cr_assert_eq(glca_background_ncategories(bg), 1);
    cr_assert_eq(glca_background_unmatched_factors(bg), 0);
    grid = glca_background_find_process(bg, "grid");
    steel = glca_background_find_process(bg, "steel-sheet");
    cr_assert(grid >= 0 && steel >= 0);
    cr_assert_str_eq(glca_background_process_unit(bg, (size_t)steel), "kg");

    /* A entries as in the README (columns per reference unit) */
    ASSERT_REL(bg->a->values[glca_engine__csc_find(bg->a, (size_t)steel, (size_t)grid)], -0.001,
               1e-15);
    ASSERT_REL(bg->a->values[glca_engine__csc_find(bg->a, (size_t)grid, (size_t)steel)], -0.5,
               1e-15);
    cr_assert_eq(bg->a->values[glca_engine__csc_find(bg->a, (size_t)grid, (size_t)grid)], 1.0);

    lambda = glca_background_lambda(bg);
    ASSERT_REL(lambda[grid], 0.6117 / 0.9995, 1e-12);
    ASSERT_REL(lambda[steel], 2.2049 / 0.9995, 1e-12);
    ASSERT_REL(lambda[grid], 0.612006003002, 1e-12);
    ASSERT_REL(lambda[steel], 2.206003001501, 1e-12);
    ASSERT_REL(glca_background_cf(bg)[glca_background_find_flow(bg, "ch4-fossil")], 29.8, 0);

    OK(glca_product_bind(p, bg, NULL, NULL, &err), &err);
    OK(glca_evaluate(bg, p, impacts, &err), &err);
    ASSERT_REL(impacts[GLCA_STAGE_RAW_MATERIALS], 7.721010505253, 1e-12);
    ASSERT_REL(impacts[GLCA_STAGE_PRODUCTION], 1.224012006003, 1e-12);
    cr_assert_eq(impacts[GLCA_STAGE_DISTRIBUTION], 0.0);
    ASSERT_REL(impacts[GLCA_STAGE_USE], 619.716003001501, 1e-12);
    cr_assert_eq(impacts[GLCA_STAGE_END_OF_LIFE], 0.0);
    glca_impacts_totals(1, impacts, &total);
    ASSERT_REL(total, 628.661025512757, 1e-12);

    glca_product_free(p);
    glca_background_free(bg);
    glca_method_free(me);
    glca_model_free(m);
}

Test(engine_example, product_data_is_kept_as_written)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = example_model();
    glca_method *me = example_method();
    glca_background *bg = NULL;
    glca_product *p = heater();
    const glca_material *mats;
    const glca_substance *subs;
    const glca_product_line *lines;
    size_t n;

    OK(glca_background_new(&bg, m, me, NULL, &err), &err);
    OK(glca_product_bind(p, bg, NULL, NULL, &err), &err);
    mats = glca_product_materials(p, &n);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(mats[1].id, "plate");
    cr_assert_str_eq(mats[1].path, "body/bracket");
    ASSERT_REL(mats[1].mass, 500, 1e-15); /* 250 g × 2 */
    ASSERT_REL(mats[1].mass_kg, 0.5, 1e-15);
    ASSERT_REL(mats[0].mass_kg, 3, 1e-15);
    cr_assert(mats[0].recyclable && !mats[1].recyclable);
    ASSERT_REL(mats[0].recycled_content, 0.2, 0);
    cr_assert_eq(mats[0].nsubstances, 0);
    cr_assert_eq(mats[1].nsubstances, 1);
    subs = glca_product_substances(p, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(subs[mats[1].first_substance].cas, "7439-92-1");
    cr_assert_eq(subs[0].material, 1);
    ASSERT_REL(subs[0].ppm, 40, 0);
    lines = glca_product_lines(p, &n);
    cr_assert_eq(n, 5);
    cr_assert_eq(lines[mats[1].line].kind, GLCA_LINE_MATERIAL);
    cr_assert_eq(lines[mats[1].line].stage, GLCA_STAGE_RAW_MATERIALS);
    ASSERT_REL(lines[mats[1].line].amount_ref, 0.5, 1e-15);
    ASSERT_REL(lines[4].amount_ref, 0.01, 1e-15); /* 10 g HFC-32 in kg */
    cr_assert_str_eq(glca_product_id(p), "heater");
    cr_assert_str_eq(glca_product_functional_unit(p), "1 unit over 5 years");
    glca_product_free(p);
    glca_background_free(bg);
    glca_method_free(me);
    glca_model_free(m);
}
