/*
 * Background construction (engine/background.c): A and B assembly with unit conversions on
 * every exchange kind, Lambda for a three-process loop worked by hand, avoided products,
 * self-use, unmatched factors and singular technosphere matrices.
 *
 * The loop (flows A kg, B kWh, C unit; elementary co2 kg, ch4 kg):
 *   a makes 1000 g of A (= 1 kg), takes 200 Wh of B (= 0.2 kWh), emits 2 kg co2;
 *   b makes 1 kWh of B, takes 0.1 unit of C, emits 0.5 kg co2 and 10 g ch4 (= 0.01 kg);
 *   c makes 2 unit of C, takes 0.4 kg of A, emits 1000 g co2 (per 2 units).
 * Per reference unit, rows/columns (a, b, c):
 *   A = [[1, 0, -0.2], [-0.2, 1, 0], [0, -0.1, 1]]
 *   B = co2 [2, 0.5, 0.5]; ch4 [0, 0.01, 0]
 * Method: gwp co2 1 /kg, ch4 0.0298 per g (= 29.8 per kg); methane: ch4 1 per kg.
 * C·B: gwp [2, 0.5 + 0.298, 0.5] = [2, 0.798, 0.5]; methane [0, 0.01, 0].
 * Lambda A = C·B, column by column (L = Lambda row of one category):
 *   a: La - 0.2 Lb = 2;  b: Lb - 0.1 Lc = 0.798;  c: -0.2 La + Lc = 0.5
 *   => Lc = 0.5 + 0.2 La, Lb = 0.798 + 0.05 + 0.02 La = 0.848 + 0.02 La,
 *      La = 2 + 0.2 Lb = 2.1696 + 0.004 La  =>  La = 2.1696 / 0.996,
 *      Lb = (0.848·0.996 + 0.043392) / 0.996 = 0.888 / 0.996,
 *      Lc = (0.498 + 0.43392) / 0.996 = 0.93192 / 0.996.
 *   methane: Lc = 0.2 La, Lb = 0.01 + 0.02 La, La = 0.2 Lb = 0.002 + 0.004 La
 *      => La = 0.002 / 0.996, Lb = 0.01 / 0.996, Lc = 0.0004 / 0.996.
 * Avoided product: r makes 1 kg of R, takes -0.8 kg of A (avoided), emits 0.1 kg co2 and
 *   -0.05 kg ch4: column r of A has +0.8 in row a; gwp: 0.8 La + Lr = 0.1 - 1.49 = -1.39
 *   => Lr = -1.39 - 0.8·2.1696/0.996 = (-1.38444 - 1.73568)/0.996 = -3.12012/0.996;
 *   methane: Lr = -0.05 - 0.8·0.002/0.996 = (-0.0498 - 0.0016)/0.996 = -0.0514/0.996.
 */
#include "engine_helpers.h"

#include "engine/background_int.h"

static glca_model *loop_model(void)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;

    OK(glca_model_new(&m, &err), &err);
    /* processes before their flows: linking does not care about order */
    process(m, "a", "A", 1000, "g");
    input(m, "B", 200, "Wh", NULL);
    output(m, "co2", 2, NULL);
    process(m, "b", "B", 1, NULL);
    input(m, "C", 0.1, NULL, "c");
    output(m, "co2", 0.5, "kg");
    output(m, "ch4", 10, "g");
    process(m, "c", "C", 2, "unit");
    input(m, "A", 0.4, "kg", NULL);
    output(m, "co2", 1000, "g");
    process(m, "r", "R", 1, NULL);
    input(m, "A", -0.8, NULL, NULL);
    output(m, "co2", 0.1, NULL);
    output(m, "ch4", -0.05, NULL);
    flow(m, "A", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "B", GLCA_FLOW_PRODUCT, "kWh");
    flow(m, "C", GLCA_FLOW_PRODUCT, "unit");
    flow(m, "R", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    flow(m, "ch4", GLCA_FLOW_ELEMENTARY, "kg");
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    return m;
}

static glca_method *loop_method(void)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_method *m = NULL;

    OK(glca_method_new(&m, "loop", NULL, NULL, &err), &err);
    category(m, "gwp");
    category(m, "methane");
    factor(m, "gwp", "co2", 1, NULL);
    factor(m, "gwp", "ch4", 0.0298, "g");
    factor(m, "methane", "ch4", 1, NULL);
    factor(m, "gwp", "sf6", 25200, NULL);    /* not in the model: counted */
    factor(m, "methane", "A", 1, NULL);      /* a product flow: not elementary, counted */
    return m;
}

static double entry(const glca_engine__csc *x, long row, long col)
{
    long k = glca_engine__csc_find(x, (size_t)row, (size_t)col);

    return k < 0 ? 0 : x->values[k];
}

Test(engine_background, assembles_a_and_b_per_reference_unit)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = loop_model();
    glca_method *me = loop_method();
    glca_background *bg = NULL;
    long a, b, c, r, co2, ch4;

    OK(glca_background_new(&bg, m, me, NULL, &err), &err);
    a = glca_background_find_process(bg, "a");
    b = glca_background_find_process(bg, "b");
    c = glca_background_find_process(bg, "c");
    r = glca_background_find_process(bg, "r");
    co2 = glca_background_find_flow(bg, "co2");
    ch4 = glca_background_find_flow(bg, "ch4");
    cr_assert(a >= 0 && b >= 0 && c >= 0 && r >= 0 && co2 >= 0 && ch4 >= 0);
    cr_assert_eq(glca_background_find_flow(bg, "A"), -1); /* product flows are not rows of B */
    ASSERT_REL(entry(bg->a, a, a), 1, 0);
    ASSERT_REL(entry(bg->a, b, a), -0.2, 1e-15);  /* 200 Wh per 1000 g */
    ASSERT_REL(entry(bg->a, c, b), -0.1, 1e-15);
    ASSERT_REL(entry(bg->a, a, c), -0.2, 1e-15);  /* 0.4 kg per 2 units */
    ASSERT_REL(entry(bg->a, a, r), 0.8, 1e-15);   /* avoided */
    ASSERT_REL(entry(bg->b, co2, c), 0.5, 1e-15); /* 1000 g per 2 units */
    ASSERT_REL(entry(bg->b, ch4, b), 0.01, 1e-15);
    ASSERT_REL(entry(bg->b, ch4, r), -0.05, 1e-15);
    cr_assert_eq(bg->a->nnz, 4 + 4);
    /* cf per kg: 0.0298 per g = 29.8 per kg */
    ASSERT_REL(glca_background_cf(bg)[ch4 * 2 + glca_background_find_category(bg, "gwp")],
               29.8, 1e-14);
    cr_assert_eq(glca_background_unmatched_factors(bg), 2);
    cr_assert_str_eq(glca_background_process_unit(bg, (size_t)c), "unit");
    cr_assert_str_eq(glca_background_flow_unit(bg, (size_t)ch4), "kg");
    cr_assert_str_eq(glca_background_method_id(bg), "loop");
    glca_background_free(bg);
    glca_method_free(me);
    glca_model_free(m);
}

Test(engine_background, lambda_of_a_three_process_loop_by_hand)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = loop_model();
    glca_method *me = loop_method();
    glca_background *bg = NULL;
    const double *lambda;
    long a, b, c, r, gwp, meth;
    size_t n;

    OK(glca_background_new(&bg, m, me, NULL, &err), &err);
    n = glca_background_nprocesses(bg);
    a = glca_background_find_process(bg, "a");
    b = glca_background_find_process(bg, "b");
    c = glca_background_find_process(bg, "c");
    r = glca_background_find_process(bg, "r");
    gwp = glca_background_find_category(bg, "gwp");
    meth = glca_background_find_category(bg, "methane");
    lambda = glca_background_lambda(bg);
    ASSERT_REL(lambda[gwp * n + a], 2.1696 / 0.996, 1e-12);
    ASSERT_REL(lambda[gwp * n + b], 0.888 / 0.996, 1e-12);
    ASSERT_REL(lambda[gwp * n + c], 0.93192 / 0.996, 1e-12);
    ASSERT_REL(lambda[gwp * n + r], -3.12012 / 0.996, 1e-12);
    ASSERT_REL(lambda[meth * n + a], 0.002 / 0.996, 1e-12);
    ASSERT_REL(lambda[meth * n + b], 0.01 / 0.996, 1e-12);
    ASSERT_REL(lambda[meth * n + c], 0.0004 / 0.996, 1e-12);
    ASSERT_REL(lambda[meth * n + r], -0.0514 / 0.996, 1e-12);
    glca_background_free(bg);
    glca_method_free(me);
    glca_model_free(m);
}

Test(engine_background, same_lambda_without_btf)
{
    glca_background_options opts = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = loop_model();
    glca_method *me = loop_method();
    glca_background *bg = NULL;
    long a;

    opts.use_btf = false;
    opts.pivot_tol = 1.0; /* full partial pivoting */
    OK(glca_background_new(&bg, m, me, &opts, &err), &err);
    a = glca_background_find_process(bg, "a");
    ASSERT_REL(glca_background_lambda(bg)[a], 2.1696 / 0.996, 1e-12);
    glca_background_free(bg);
    glca_method_free(me);
    glca_model_free(m);
}

/*
 * Self-use: s makes 10 MJ of heat and burns 1000 kJ (= 1 MJ) of its own heat, emitting
 * 0.9 kg co2.  Diagonal = (10 - 1) / 10 = 0.9; Lambda_s · 0.9 = 0.09 => 0.1 kg per MJ
 * (0.9 kg for the 9 MJ that leave the process).
 */
Test(engine_background, self_use_reduces_the_diagonal)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;

    OK(glca_model_new(&m, &err), &err);
    flow(m, "heat", GLCA_FLOW_PRODUCT, "MJ");
    flow(m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    process(m, "s", "heat", 10, NULL);
    input(m, "heat", 1000, "kJ", NULL);
    output(m, "co2", 0.9, NULL);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_new(&me, "gwp", NULL, NULL, &err), &err);
    category(me, "gwp");
    factor(me, "gwp", "co2", 1, NULL);
    OK(glca_background_new(&bg, m, me, NULL, &err), &err);
    cr_assert_eq(bg->a->nnz, 1);
    ASSERT_REL(bg->a->values[0], 0.9, 1e-15);
    ASSERT_REL(glca_background_lambda(bg)[0], 0.1, 1e-14);
    glca_background_free(bg);
    glca_method_free(me);
    glca_model_free(m);
}

/*
 * Two processes that each need exactly one unit of the other's product: A = [[1, -1], [-1, 1]]
 * is singular.  A third, unrelated process must not be blamed.
 */
Test(engine_background, singular_matrix_names_the_processes_of_the_loop)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;

    OK(glca_model_new(&m, &err), &err);
    flow(m, "x", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "y", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "z", GLCA_FLOW_PRODUCT, "kg");
    process(m, "bystander", "z", 1, NULL);
    input(m, "x", 0.5, NULL, NULL);
    process(m, "loop-x", "x", 1, NULL);
    input(m, "y", 1, NULL, NULL);
    process(m, "loop-y", "y", 1, NULL);
    input(m, "x", 1, NULL, NULL);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_new(&me, "gwp", NULL, NULL, &err), &err);
    category(me, "gwp");
    cr_assert_eq(glca_background_new(&bg, m, me, NULL, &err), GLCA_ESINGULAR);
    cr_assert_null(bg);
    cr_assert(strstr(err.message, "'loop-x'") && strstr(err.message, "'loop-y'"), "%s",
              err.message);
    cr_assert(!strstr(err.message, "bystander"), "%s", err.message);
    glca_method_free(me);
    glca_model_free(m);
}

/* A process whose own product is fully consumed by itself: diagonal 1 - 1 = 0, a zero column. */
Test(engine_background, zero_column_names_its_process)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;

    OK(glca_model_new(&m, &err), &err);
    flow(m, "x", GLCA_FLOW_PRODUCT, "kg");
    flow(m, "z", GLCA_FLOW_PRODUCT, "kg");
    process(m, "fine", "z", 1, NULL);
    process(m, "perpetuum", "x", 1, NULL);
    input(m, "x", 1000, "g", NULL);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_new(&me, "gwp", NULL, NULL, &err), &err);
    category(me, "gwp");
    cr_assert_eq(glca_background_new(&bg, m, me, NULL, &err), GLCA_ESINGULAR);
    cr_assert(strstr(err.message, "'perpetuum'"), "%s", err.message);
    cr_assert(!strstr(err.message, "'fine'"), "%s", err.message);
    glca_method_free(me);
    glca_model_free(m);
}

Test(engine_background, refuses_an_unlinked_model_and_bad_factor_units)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;
    glca_srcloc l = at("m.xml", 7);

    OK(glca_model_new(&m, &err), &err);
    flow(m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    flow(m, "x", GLCA_FLOW_PRODUCT, "kg");
    process(m, "p", "x", 1, NULL);
    output(m, "co2", 1, NULL);
    OK(glca_method_new(&me, "gwp", NULL, NULL, &err), &err);
    category(me, "gwp");
    cr_assert_eq(glca_background_new(&bg, m, me, NULL, &err), GLCA_ERROR);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_add_factor(me, "gwp", "co2", 1, "kWh", &l, &err), &err);
    cr_assert_eq(glca_background_new(&bg, m, me, NULL, &err), GLCA_EUNIT);
    cr_assert_eq(err.line, 7);
    cr_assert(strstr(err.message, "'kWh'") && strstr(err.message, "'kg'"), "%s", err.message);
    cr_assert_eq(glca_method_add_factor(me, "nope", "co2", 1, NULL, &l, &err), GLCA_ENOTFOUND);
    glca_method_free(me);
    glca_model_free(m);
}

Test(engine_background, duplicate_factor_is_an_error)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;

    OK(glca_model_new(&m, &err), &err);
    flow(m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    flow(m, "x", GLCA_FLOW_PRODUCT, "kg");
    process(m, "p", "x", 1, NULL);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_new(&me, "gwp", NULL, NULL, &err), &err);
    category(me, "gwp");
    factor(me, "gwp", "co2", 1, NULL);
    factor(me, "gwp", "co2", 1000, "g");
    cr_assert_eq(glca_background_new(&bg, m, me, NULL, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "'co2'"), "%s", err.message);
    glca_method_free(me);
    glca_model_free(m);
}
