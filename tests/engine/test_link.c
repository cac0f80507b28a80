/*
 * Model building and linking errors (engine/model.c, engine/link.c): every problem is reported
 * with the location of the element at fault and a message naming the ids involved.
 */
#include "engine_helpers.h"

static glca_model *new_model(void)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;

    OK(glca_model_new(&m, &err), &err);
    flow(m, "co2", GLCA_FLOW_ELEMENTARY, "kg");
    flow(m, "electricity", GLCA_FLOW_PRODUCT, "kWh");
    flow(m, "steel", GLCA_FLOW_PRODUCT, "kg");
    return m;
}

Test(engine_link, duplicate_ids_name_both_places)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();
    glca_srcloc first = at("a.xml", 4), second = at("b.xml", 9);

    OK(glca_model_add_flow(m, "water", GLCA_FLOW_ELEMENTARY, NULL, "m3", NULL, NULL, &first,
                           &err),
       &err);
    cr_assert_eq(glca_model_add_flow(m, "water", GLCA_FLOW_ELEMENTARY, NULL, "kg", NULL, NULL,
                                     &second, &err),
                 GLCA_EPARSE);
    cr_assert_str_eq(err.file, "b.xml");
    cr_assert_eq(err.line, 9);
    cr_assert(strstr(err.message, "'water'") && strstr(err.message, "a.xml:4:3"), "%s",
              err.message);

    OK(glca_model_add_process(m, "grid", NULL, NULL, "electricity", 1, NULL, &first, &err),
       &err);
    cr_assert_eq(glca_model_add_process(m, "grid", NULL, NULL, "electricity", 1, NULL, &second,
                                        &err),
                 GLCA_EPARSE);
    cr_assert(strstr(err.message, "'grid'") && strstr(err.message, "a.xml:4:3"), "%s",
              err.message);
    glca_model_free(m);
}

Test(engine_link, refuses_bad_numbers_and_units_when_added)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();

    cr_assert_eq(glca_model_add_exchange(m, GLCA_INPUT, "co2", 1, NULL, NULL, NULL, NULL, &err),
                 GLCA_ERROR); /* no process yet */
    cr_assert_eq(glca_model_add_process(m, "p", NULL, NULL, "steel", 0, NULL, NULL, &err),
                 GLCA_EPARSE);
    cr_assert_eq(glca_model_add_process(m, "p", NULL, NULL, "steel", INFINITY, NULL, NULL, &err),
                 GLCA_EPARSE);
    cr_assert_eq(glca_model_add_process(m, "p", NULL, NULL, "steel", 1, "stone", NULL, &err),
                 GLCA_EUNIT);
    cr_assert(strstr(err.message, "'stone'"), "%s", err.message);
    process(m, "p", "steel", 1, NULL);
    cr_assert_eq(glca_model_add_exchange(m, GLCA_OUTPUT, "co2", NAN, NULL, NULL, NULL, NULL, &err),
                 GLCA_EPARSE);
    cr_assert_eq(glca_model_add_exchange(m, GLCA_OUTPUT, "co2", 1, "furlong", NULL, NULL, NULL,
                                         &err),
                 GLCA_EUNIT);
    cr_assert(strstr(err.message, "'furlong'"), "%s", err.message);
    cr_assert_eq(glca_model_add_flow(m, "x", GLCA_FLOW_PRODUCT, NULL, "stone", NULL, NULL, NULL,
                                     &err),
                 GLCA_EUNIT);
    glca_model_free(m);
}

Test(engine_link, reports_every_dangling_reference_with_its_location)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();
    glca_srcloc l1 = at("inv.xml", 11), l2 = at("inv.xml", 12), l3 = at("inv.xml", 13),
                l4 = at("inv.xml", 14);
    diag_log log = {0};

    process(m, "grid", "electricity", 1, NULL);
    OK(glca_model_add_exchange(m, GLCA_OUTPUT, "co2-typo", 1, NULL, NULL, NULL, &l1, &err),
       &err);
    process(m, "steel-sheet", "steel", 1, NULL);
    OK(glca_model_add_exchange(m, GLCA_INPUT, "electricity", 1, NULL, "no-such-grid", NULL, &l2,
                               &err),
       &err);
    OK(glca_model_add_exchange(m, GLCA_INPUT, "electricity", 1, NULL, "steel-sheet", NULL, &l3,
                               &err),
       &err);
    OK(glca_model_add_process(m, "orphan", NULL, NULL, "unobtainium", 1, NULL, &l4, &err), &err);

    cr_assert_eq(glca_model_link(m, diag_collect, &log, &err), GLCA_ENOTFOUND);
    cr_assert_eq(log.count, 4);
    /* the first problem reported (the orphan's product, line 14) is in err too */
    cr_assert_eq(err.line, 14);
    /* processes are resolved first, then exchanges in order */
    cr_assert(strstr(log.errors[0].message, "'unobtainium'"), "%s", log.errors[0].message);
    cr_assert_eq(log.errors[0].line, 14);
    cr_assert(strstr(log.errors[1].message, "'co2-typo'"), "%s", log.errors[1].message);
    cr_assert_eq(log.errors[1].line, 11);
    cr_assert_str_eq(log.errors[1].file, "inv.xml");
    cr_assert(strstr(log.errors[2].message, "'no-such-grid'"), "%s", log.errors[2].message);
    cr_assert_eq(log.errors[2].line, 12);
    /* an explicit provider that makes another flow */
    cr_assert(strstr(log.errors[3].message, "'steel-sheet'") &&
                  strstr(log.errors[3].message, "'steel'"),
              "%s", log.errors[3].message);
    cr_assert_eq(log.errors[3].line, 13);
    glca_model_free(m);
}

Test(engine_link, first_problem_is_the_returned_error)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();
    glca_srcloc l1 = at("inv.xml", 21);

    process(m, "steel-sheet", "steel", 1, NULL);
    OK(glca_model_add_exchange(m, GLCA_OUTPUT, "nope", 1, NULL, NULL, NULL, &l1, &err), &err);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_ENOTFOUND);
    cr_assert_eq(err.code, GLCA_ENOTFOUND);
    cr_assert_eq(err.line, 21);
    cr_assert(strstr(err.message, "'nope'"), "%s", err.message);
    glca_model_free(m);
}

Test(engine_link, missing_provider_is_an_error)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();

    process(m, "steel-sheet", "steel", 1, NULL);
    input(m, "electricity", 0.5, NULL, NULL); /* nobody makes electricity */
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_ENOTFOUND);
    cr_assert(strstr(err.message, "no process makes 'electricity'"), "%s", err.message);
    glca_model_free(m);
}

Test(engine_link, ambiguous_provider_names_the_candidates)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();

    process(m, "grid-north", "electricity", 1, NULL);
    process(m, "grid-south", "electricity", 1, NULL);
    process(m, "steel-sheet", "steel", 1, NULL);
    input(m, "electricity", 0.5, NULL, NULL);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_ENOTFOUND);
    cr_assert(strstr(err.message, "'grid-north'") && strstr(err.message, "'grid-south'"), "%s",
              err.message);
    glca_model_free(m);

    /* an explicit provider settles it */
    m = new_model();
    process(m, "grid-north", "electricity", 1, NULL);
    process(m, "grid-south", "electricity", 1, NULL);
    process(m, "steel-sheet", "steel", 1, NULL);
    input(m, "electricity", 0.5, NULL, "grid-south");
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    glca_model_free(m);
}

Test(engine_link, many_candidates_are_summarized)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();
    char id[32];
    int i;

    for (i = 0; i < 7; i++) {
        snprintf(id, sizeof id, "grid-%d", i);
        process(m, id, "electricity", 1, NULL);
    }
    process(m, "steel-sheet", "steel", 1, NULL);
    input(m, "electricity", 0.5, NULL, NULL);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_ENOTFOUND);
    /* 7 candidates, 4 named, "and 3 more" */
    cr_assert(strstr(err.message, "7 processes"), "%s", err.message);
    cr_assert(strstr(err.message, "'grid-0'") && strstr(err.message, "'grid-3'"), "%s",
              err.message);
    cr_assert(!strstr(err.message, "'grid-4'"), "%s", err.message);
    cr_assert(strstr(err.message, "and 3 more"), "%s", err.message);
    glca_model_free(m);
}

Test(engine_link, co_product_output_is_refused)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();

    process(m, "grid", "electricity", 1, NULL);
    process(m, "steel-sheet", "steel", 1, NULL);
    output(m, "electricity", 0.1, NULL);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "co-product") && strstr(err.message, "'electricity'") &&
                  strstr(err.message, "negative input"),
              "%s", err.message);
    glca_model_free(m);
}

Test(engine_link, exchange_unit_across_dimensions_names_both)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();
    glca_srcloc l = at("inv.xml", 30);

    process(m, "grid", "electricity", 1, NULL);
    process(m, "steel-sheet", "steel", 1, NULL);
    OK(glca_model_add_exchange(m, GLCA_INPUT, "electricity", 2, "kg", NULL, NULL, &l, &err),
       &err);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_EUNIT);
    cr_assert_eq(err.line, 30);
    cr_assert(strstr(err.message, "'kg' (mass)") && strstr(err.message, "'kWh' (energy)"), "%s",
              err.message);
    glca_model_free(m);

    /* the reference amount too */
    m = new_model();
    process(m, "steel-sheet", "steel", 1, "MJ");
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_EUNIT);
    cr_assert(strstr(err.message, "'MJ' (energy)") && strstr(err.message, "'kg' (mass)"), "%s",
              err.message);
    glca_model_free(m);
}

Test(engine_link, elementary_reference_and_provider_misuse)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();
    diag_log log = {0};

    process(m, "bad", "co2", 1, NULL); /* reference product must be a product flow */
    process(m, "grid", "electricity", 1, NULL);
    input(m, "co2", 1, NULL, "grid"); /* providers only for product flows */
    cr_assert_eq(glca_model_link(m, diag_collect, &log, &err), GLCA_EPARSE);
    cr_assert_eq(log.count, 2);
    cr_assert(strstr(log.errors[0].message, "elementary"), "%s", log.errors[0].message);
    cr_assert(strstr(log.errors[1].message, "provider"), "%s", log.errors[1].message);
    glca_model_free(m);
}

Test(engine_link, linking_after_fixing_succeeds_and_is_idempotent)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = new_model();

    process(m, "steel-sheet", "steel", 1, NULL);
    input(m, "electricity", 0.5, NULL, NULL);
    cr_assert_eq(glca_model_link(m, NULL, NULL, &err), GLCA_ENOTFOUND);
    /* flows and processes may come in any order: the provider arrives later */
    process(m, "grid", "electricity", 1, NULL);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    glca_model_free(m);
}
