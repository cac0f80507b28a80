/*
 * The data functions on the hand-worked example of spec/examples (built through the engine's
 * builder API, see ruleset_test.h for the arithmetic): impact() in total and by stage,
 * mass(), recyclable_share(), recycled_share(), substance_ppm(), and what happens when the
 * data are absent.  Expected numbers are those of spec/examples/README.md, worked by hand.
 */
#include "ruleset_test.h"

#include "ruleset/expr.h"

static glca_rule_value eval_on(const example *ex, const char *method, const char *text, char *why,
                               size_t size, char *evidence, size_t esize)
{
    glca_ruleset__expr *e = NULL;
    glca_ruleset__env env;
    glca_rule_value v;

    TRY(glca_ruleset__expr_compile(&e, text, "value", NULL, &e_));
    glca_ruleset__env_init(&env, ex->product, ex->bg, ex->impacts, method);
    v = glca_ruleset__expr_eval(e, &env);
    if (why)
        snprintf(why, size, "%s", env.why);
    if (evidence)
        snprintf(evidence, esize, "%s", env.evidence);
    glca_ruleset__expr_free(e);
    return v;
}

static void assert_number_on(const example *ex, const char *text, double want, double tol)
{
    glca_rule_value v = eval_on(ex, NULL, text, NULL, 0, NULL, 0);

    cr_assert(v.present && v.kind == GLCA_VALUE_NUMBER, "'%s' is not a number", text);
    cr_assert_float_eq(v.number, want, tol, "'%s' = %.17g, want %.17g", text, v.number, want);
}

Test(ruleset_functions, bom_figures_of_the_heater, .timeout = 10)
{
    example ex = {0};

    example_product(&ex, "example", NULL);
    assert_number_on(&ex, "mass()", 3.5, 1e-12);                        /* 3 + 2 x 0.25 */
    assert_number_on(&ex, "recyclable_share()", 0.857142857143, 1e-12); /* 3 / 3.5 */
    assert_number_on(&ex, "recycled_share()", 0.171428571429, 1e-12);   /* 3 x 0.2 / 3.5 */
    assert_number_on(&ex, "substance_ppm('7439-92-1')", 40, 0);         /* the plates */
    assert_number_on(&ex, "substance_ppm('7440-43-9')", 0, 0);          /* never declared */
    assert_number_on(&ex, "recyclable_share() * 100", 85.7142857142857, 1e-9);
    example_free(&ex);
}

Test(ruleset_functions, impacts_in_total_and_by_stage, .timeout = 10)
{
    example ex = {0};

    example_product(&ex, "example", NULL);
    assert_number_on(&ex, "impact('gwp100')", 628.661025512757, 1e-9);
    assert_number_on(&ex, "impact('gwp100', 'raw-materials')", 7.721010505253, 1e-9);
    assert_number_on(&ex, "impact('gwp100', 'production')", 1.224012006003, 1e-9);
    assert_number_on(&ex, "impact('gwp100', 'distribution')", 0, 0);
    assert_number_on(&ex, "impact('gwp100', 'use')", 619.716003001501, 1e-9);
    assert_number_on(&ex, "impact('gwp100', 'end-of-life')", 0, 0);
    /* per kg of product: 628.661025512757 / 3.5 = 179.617435860788 */
    assert_number_on(&ex, "impact('gwp100') / mass()", 179.617435860788, 1e-9);
    example_free(&ex);
}

Test(ruleset_functions, absent_data_make_missing_values_with_reasons, .timeout = 10)
{
    example ex = {0};
    char why[256];
    glca_rule_value v;

    example_product(&ex, "example", NULL);
    v = eval_on(&ex, NULL, "impact('acidification')", why, sizeof why, NULL, 0);
    cr_assert_not(v.present);
    cr_assert_str_eq(why, "impact category 'acidification' is not in method 'example-gwp'");
    v = eval_on(&ex, "ipcc-ar6-gwp100", "impact('gwp100')", why, sizeof why, NULL, 0);
    cr_assert_not(v.present);
    cr_assert(strstr(why, "needs method 'ipcc-ar6-gwp100', the assessment used 'example-gwp'"),
              "%s", why);
    v = eval_on(&ex, "example-gwp", "impact('gwp100')", why, sizeof why, NULL, 0);
    cr_assert(v.present);
    v = eval_on(&ex, NULL, "attr('apf')", why, sizeof why, NULL, 0);
    cr_assert_not(v.present);
    cr_assert_str_eq(why, "attribute 'apf' is not declared");
    example_free(&ex);
}

Test(ruleset_functions, shares_need_materials, .timeout = 10)
{
    glca_product *p = NULL;
    glca_ruleset__expr *e = NULL;
    glca_ruleset__env env;
    glca_rule_value v;

    TRY(glca_product_new(&p, "empty", NULL, "example", NULL, NULL, &e_));
    TRY(glca_ruleset__expr_compile(&e, "recycled_share()", "value", NULL, &e_));
    glca_ruleset__env_init(&env, p, NULL, NULL, NULL);
    v = glca_ruleset__expr_eval(e, &env);
    cr_assert_not(v.present);
    cr_assert(strstr(env.why, "recycled share needs BOM materials"), "%s", env.why);
    glca_ruleset__expr_free(e);
    TRY(glca_ruleset__expr_compile(&e, "mass()", "value", NULL, &e_));
    glca_ruleset__env_reset(&env);
    v = glca_ruleset__expr_eval(e, &env);
    cr_assert(v.present && v.number == 0);
    glca_ruleset__expr_free(e);
    glca_product_free(p);
}

Test(ruleset_functions, evidence_names_each_datum_and_its_source, .timeout = 10)
{
    static const test_declare decl[] = {{"rated-power-w", "2000"}, {NULL, NULL}};
    example ex = {0};
    char evidence[1024];

    example_product(&ex, "example", decl);
    eval_on(&ex, NULL, "attr('rated-power-w') / 1000 + recyclable_share()", NULL, 0, evidence,
            sizeof evidence);
    cr_assert(strstr(evidence, "rated-power-w = 2000 declared"), "%s", evidence);
    cr_assert(strstr(evidence, "recyclable mass 3 of 3.5 kg in 2 materials (BOM)"), "%s", evidence);
    eval_on(&ex, NULL, "substance_ppm('7439-92-1')", NULL, 0, evidence, sizeof evidence);
    cr_assert_str_eq(evidence, "substance 7439-92-1 at most 40 ppm, in material 'plate' (BOM)");
    eval_on(&ex, NULL, "impact('gwp100', 'use') + impact('gwp100', 'use')", NULL, 0, evidence,
            sizeof evidence);
    /* the same datum twice is listed once; 619.716003 to 6 significant digits */
    cr_assert_str_eq(evidence, "gwp100 (use) = 619.716 kg CO2-eq from the LCA");
    example_free(&ex);
}
