/*
 * Linking of imported data, on small imports built by hand; every expected entry is worked out
 * in the comments (factor × stated amount), not taken from our output.
 */
#include "imp_test_util.h"

/* A mill: 10 kg flour (reference, exchange 0) and 5 kg bran (co-product, exchange 1) from
 * 20 kg wheat (exchange 2, elementary) with 2 kg CO2 (exchange 3). */
static glca_import *mill(glca_units **units)
{
    glca_import *im = imp_start(units);

    imp_flow(im, "flour", GLCA_IMP_FLOW_PRODUCT, "kg");
    imp_flow(im, "bran", GLCA_IMP_FLOW_PRODUCT, "kg");
    imp_flow(im, "wheat", GLCA_IMP_FLOW_ELEMENTARY, "kg");
    imp_flow(im, "co2", GLCA_IMP_FLOW_ELEMENTARY, "kg");
    imp_proc(im, "mill", 10);
    cr_assert_eq(imp_x(im, "flour", GLCA_OUTPUT, 10, true, false, 11), 0);
    cr_assert_eq(imp_x(im, "bran", GLCA_OUTPUT, 5, false, true, 12), 1);
    cr_assert_eq(imp_x(im, "wheat", GLCA_INPUT, 20, false, false, 13), 2);
    cr_assert_eq(imp_x(im, "co2", GLCA_OUTPUT, 2, false, false, 14), 3);
    return im;
}

static void link_ok(glca_import *im, glca_allocation a, const glca_provider_map *map, recorder *r)
{
    glca_imp_sink s = rec_sink(r);
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_inventories__imp_link(im, a, map, &s, NULL, NULL, &e), 0, "%s", inv_fmt(&e));
}

static void assert_x(const recorder *r, const char *p, const char *flow, double amount)
{
    const rec_x *x = rec_find_x(r, p, flow);

    cr_assert_not_null(x, "no exchange %s of %s", flow, p);
    cr_assert_float_eq(x->amount, amount, 1e-12, "%s of %s: %.17g, expected %.17g", flow, p,
                       x->amount, amount);
}

Test(inventories_import_link, two_outputs_by_data_factors)
{
    glca_units *u;
    glca_import *im = mill(&u);
    recorder r;

    /* wheat 80/20, CO2 60/40 between flour and bran */
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 0, 2, 0.8, 20);
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 1, 2, 0.2, 21);
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 0, 3, 0.6, 22);
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 1, 3, 0.4, 23);
    link_ok(im, GLCA_ALLOCATION_DATA, NULL, &r);
    cr_assert_eq(r.np, 2);
    cr_assert_str_eq(r.p[0].id, "mill");
    cr_assert_str_eq(r.p[0].product, "flour");
    cr_assert_float_eq(r.p[0].amount, 10, 0);
    cr_assert_str_eq(r.p[1].id, "mill/bran");
    cr_assert_str_eq(r.p[1].product, "bran");
    cr_assert_float_eq(r.p[1].amount, 5, 0);
    assert_x(&r, "mill", "wheat", 16);     /* 0.8 × 20 */
    assert_x(&r, "mill", "co2", 1.2);      /* 0.6 × 2 */
    assert_x(&r, "mill/bran", "wheat", 4); /* 0.2 × 20 */
    assert_x(&r, "mill/bran", "co2", 0.8); /* 0.4 × 2 */
    cr_assert_eq(r.nx, 4);
    cr_assert_eq(glca_inventories__imp_nnotes(im), 0);
    imp_done(im, u);
}

Test(inventories_import_link, two_outputs_by_physical_and_economic_factors)
{
    glca_units *u;
    glca_import *im = mill(&u);
    recorder r;

    /* physical: by mass, 10 : 5; economic: flour 0.9 of the revenue */
    imp_alloc(im, GLCA_IMP_ALLOC_PHYSICAL, 0, SIZE_MAX, 10.0 / 15, 20);
    imp_alloc(im, GLCA_IMP_ALLOC_PHYSICAL, 1, SIZE_MAX, 5.0 / 15, 21);
    imp_alloc(im, GLCA_IMP_ALLOC_ECONOMIC, 0, SIZE_MAX, 0.9, 22);
    imp_alloc(im, GLCA_IMP_ALLOC_ECONOMIC, 1, SIZE_MAX, 0.1, 23);
    link_ok(im, GLCA_ALLOCATION_PHYSICAL, NULL, &r);
    assert_x(&r, "mill", "wheat", 40.0 / 3);
    assert_x(&r, "mill/bran", "wheat", 20.0 / 3);
    assert_x(&r, "mill", "co2", 4.0 / 3);
    assert_x(&r, "mill/bran", "co2", 2.0 / 3);
    link_ok(im, GLCA_ALLOCATION_ECONOMIC, NULL, &r);
    assert_x(&r, "mill", "wheat", 18);
    assert_x(&r, "mill/bran", "wheat", 2);
    assert_x(&r, "mill", "co2", 1.8);
    assert_x(&r, "mill/bran", "co2", 0.2);
    cr_assert_eq(glca_inventories__imp_nnotes(im), 0);
    /* the data states no per-exchange factors: "data" leaves the bran out and says so */
    link_ok(im, GLCA_ALLOCATION_DATA, NULL, &r);
    cr_assert_eq(r.np, 1);
    assert_x(&r, "mill", "wheat", 20);
    cr_assert_eq(imp_count(im, GLCA_IMP_COPRODUCT), 1);
    imp_done(im, u);
}

Test(inventories_import_link, no_allocation_keeps_the_reference_product_alone)
{
    glca_units *u;
    glca_import *im = mill(&u);
    const glca_imp_note *n;
    recorder r;

    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 0, 2, 0.8, 20);
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 1, 2, 0.2, 21);
    link_ok(im, GLCA_ALLOCATION_NONE, NULL, &r);
    cr_assert_eq(r.np, 1);
    cr_assert_str_eq(r.p[0].id, "mill");
    assert_x(&r, "mill", "wheat", 20);
    assert_x(&r, "mill", "co2", 2);
    cr_assert_null(rec_find_x(&r, "mill", "bran"));
    cr_assert_eq(glca_inventories__imp_nnotes(im), 1);
    n = glca_inventories__imp_note_at(im, 0);
    cr_assert_eq(n->kind, GLCA_IMP_COPRODUCT);
    cr_assert_str_eq(n->flow, "bran");
    cr_assert_str_eq(n->process, "mill");
    cr_assert_float_eq(n->amount, 5, 0);
    cr_assert_eq(n->loc.line, 12);
    imp_done(im, u);
}

Test(inventories_import_link, factors_not_summing_to_one_are_an_error_at_the_factor)
{
    glca_units *u;
    glca_import *im = mill(&u);
    glca_error e = GLCA_ERROR_INIT;
    recorder r;
    glca_imp_sink s = rec_sink(&r);

    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 0, 2, 0.8, 20);
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 1, 2, 0.3, 21); /* 110 % */
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 0, 3, 0.6, 22);
    imp_alloc(im, GLCA_IMP_ALLOC_DATA, 1, 3, 0.4, 23);
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &s, NULL, NULL, &e),
                 GLCA_EPARSE);
    cr_assert_str_eq(e.file, "hand.xml");
    cr_assert_eq(e.line, 20);
    inv_assert_msg(&e, "'wheat'");
    inv_assert_msg(&e, "sum to 110 %");
    cr_assert_eq(r.np, 0, "nothing is emitted after an error");
    imp_done(im, u);
}

/* A widget made with 2 kWh from the grid, leaving 0.5 kg scrap that a landfill treats (its
 * reference is an input of 1 kg scrap) and 0.25 kg slag that an incinerator treats (its
 * reference is an output of -2 kg slag).  A charger's reference is an input of electricity: it
 * must not serve the widget's electricity input. */
static glca_import *widget(glca_units **units)
{
    glca_import *im = imp_start(units);

    imp_flow(im, "widget", GLCA_IMP_FLOW_PRODUCT, "item");
    imp_flow(im, "electricity", GLCA_IMP_FLOW_PRODUCT, "kWh");
    imp_flow(im, "scrap", GLCA_IMP_FLOW_WASTE, "kg");
    imp_flow(im, "slag", GLCA_IMP_FLOW_WASTE, "kg");
    imp_flow(im, "co2", GLCA_IMP_FLOW_ELEMENTARY, "kg");
    imp_flow(im, "ch4", GLCA_IMP_FLOW_ELEMENTARY, "kg");
    imp_proc(im, "make-widget", 10);
    imp_x(im, "widget", GLCA_OUTPUT, 1, true, false, 11);
    imp_x(im, "electricity", GLCA_INPUT, 2, false, false, 12);
    imp_x(im, "scrap", GLCA_OUTPUT, 0.5, false, false, 13);
    imp_x(im, "slag", GLCA_OUTPUT, 0.25, false, false, 14);
    imp_proc(im, "grid", 20);
    imp_x(im, "electricity", GLCA_OUTPUT, 1, true, false, 21);
    imp_x(im, "co2", GLCA_OUTPUT, 0.5, false, false, 22);
    imp_proc(im, "charger", 30);
    imp_x(im, "electricity", GLCA_INPUT, 1, true, false, 31);
    imp_x(im, "co2", GLCA_OUTPUT, 7, false, false, 32);
    imp_proc(im, "landfill", 40);
    imp_x(im, "scrap", GLCA_INPUT, 1, true, false, 41);
    imp_x(im, "ch4", GLCA_OUTPUT, 0.1, false, false, 42);
    imp_proc(im, "incinerator", 50);
    imp_x(im, "slag", GLCA_OUTPUT, -2, true, false, 51);
    imp_x(im, "co2", GLCA_OUTPUT, 3, false, false, 52);
    return im;
}

Test(inventories_import_link, treatment_and_direction)
{
    glca_units *u;
    glca_import *im = widget(&u);
    const rec_p *p;
    const rec_x *x;
    recorder r;

    link_ok(im, GLCA_ALLOCATION_DATA, NULL, &r);
    cr_assert_eq(glca_inventories__imp_nnotes(im), 0);
    x = rec_find_x(&r, "make-widget", "electricity");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->provider, "grid");
    cr_assert_eq(x->dir, GLCA_INPUT);
    cr_assert_float_eq(x->amount, 2, 0);
    /* waste outputs become inputs of the treatment service, served by the treater */
    x = rec_find_x(&r, "make-widget", "treatment/scrap");
    cr_assert_not_null(x);
    cr_assert_eq(x->dir, GLCA_INPUT);
    cr_assert_float_eq(x->amount, 0.5, 0);
    cr_assert_str_eq(x->provider, "landfill");
    x = rec_find_x(&r, "make-widget", "treatment/slag");
    cr_assert_not_null(x);
    cr_assert_float_eq(x->amount, 0.25, 0);
    cr_assert_str_eq(x->provider, "incinerator");
    cr_assert_not_null(p = rec_find_p(&r, "landfill"));
    cr_assert_str_eq(p->product, "treatment/scrap");
    cr_assert_float_eq(p->amount, 1, 0);
    cr_assert_not_null(p = rec_find_p(&r, "incinerator"));
    cr_assert_str_eq(p->product, "treatment/slag");
    cr_assert_float_eq(p->amount, 2, 0);
    /* the charger is a process for the service "treatment of electricity", not a producer */
    cr_assert_not_null(p = rec_find_p(&r, "charger"));
    cr_assert_str_eq(p->product, "treatment/electricity");
    imp_done(im, u);
}

/* Through the engine: impacts per widget in kg CO2e with CH4 at 28, by hand:
 * grid 2 kWh × 0.5 = 1.0; landfill 0.5 kg × 0.1 kg CH4 × 28 = 1.4; incinerator 0.25 / 2 × 3
 * = 0.375; total 2.775. */
Test(inventories_import_link, treatment_through_the_engine)
{
    glca_units *u;
    glca_import *im = widget(&u);
    glca_model *m = NULL;
    glca_method *meth = NULL;
    glca_background *bg = NULL;
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error e = GLCA_ERROR_INIT;
    glca_imp_sink s;
    long p;

    cr_assert_eq(glca_model_new(&m, &e), 0);
    s = glca_inventories__model_sink(m);
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &s, NULL, NULL, &e), 0,
                 "%s", inv_fmt(&e));
    cr_assert_eq(glca_model_link(m, NULL, NULL, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(glca_method_new(&meth, "gwp", "GWP", "1", &e), 0);
    cr_assert_eq(glca_method_add_category(meth, "gwp", "GWP", "kg CO2e", NULL, &e), 0);
    cr_assert_eq(glca_method_add_factor(meth, "gwp", "co2", 1, NULL, NULL, &e), 0);
    cr_assert_eq(glca_method_add_factor(meth, "gwp", "ch4", 28, NULL, NULL, &e), 0);
    cr_assert_eq(glca_background_new(&bg, m, meth, &o, &e), 0, "%s", inv_fmt(&e));
    p = glca_background_find_process(bg, "make-widget");
    cr_assert_geq(p, 0);
    cr_assert_float_eq(glca_background_lambda(bg)[p], 2.775, 1e-12);
    glca_background_free(bg);
    glca_method_free(meth);
    glca_model_free(m);
    imp_done(im, u);
}

/* Two steel mills and nobody making unobtainium. */
static glca_import *steel(glca_units **units)
{
    glca_import *im = imp_start(units);

    imp_flow(im, "car", GLCA_IMP_FLOW_PRODUCT, "item");
    imp_flow(im, "steel", GLCA_IMP_FLOW_PRODUCT, "kg");
    imp_flow(im, "unobtainium", GLCA_IMP_FLOW_PRODUCT, "kg");
    imp_proc(im, "car-assembly", 10);
    imp_x(im, "car", GLCA_OUTPUT, 1, true, false, 11);
    imp_x(im, "steel", GLCA_INPUT, 900, false, false, 12);
    imp_x(im, "unobtainium", GLCA_INPUT, 0.5, false, false, 13);
    imp_proc(im, "steel-a", 20);
    imp_x(im, "steel", GLCA_OUTPUT, 1, true, false, 21);
    imp_proc(im, "steel-b", 30);
    imp_x(im, "steel", GLCA_OUTPUT, 1, true, false, 31);
    return im;
}

Test(inventories_import_link, ambiguity_and_cutoff_in_the_report)
{
    glca_units *u;
    glca_import *im = steel(&u);
    const glca_imp_note *n;
    recorder r;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    link_ok(im, GLCA_ALLOCATION_DATA, NULL, &r);
    cr_assert_null(rec_find_x(&r, "car-assembly", "steel"));
    cr_assert_null(rec_find_x(&r, "car-assembly", "unobtainium"));
    cr_assert_eq(glca_inventories__imp_nnotes(im), 2);
    n = glca_inventories__imp_note_at(im, 0);
    cr_assert_eq(n->kind, GLCA_IMP_AMBIGUOUS);
    cr_assert_str_eq(n->flow, "steel");
    cr_assert_float_eq(n->amount, 900, 0);
    cr_assert_str_eq(n->unit, "kg");
    cr_assert_eq(n->loc.line, 12);
    cr_assert_str_eq(n->candidates[0], "steel-a");
    cr_assert_str_eq(n->candidates[1], "steel-b");
    cr_assert_null(n->candidates[2]);
    n = glca_inventories__imp_note_at(im, 1);
    cr_assert_eq(n->kind, GLCA_IMP_CUTOFF);
    cr_assert_str_eq(n->flow, "unobtainium");
    cr_assert_eq(n->loc.line, 13);

    cr_assert_not_null(f = open_memstream(&buf, &len));
    cr_assert_eq(glca_inventories__imp_write_report(f, im, GLCA_REPORT_JSON, NULL), 0);
    fclose(f);
    cr_assert_not_null(strstr(buf, "\"cutoff\": 1, \"ambiguous\": 1, \"coproduct\": 0"), "%s", buf);
    cr_assert_not_null(strstr(buf, "\"candidates\": [\"steel-a\", \"steel-b\"]"), "%s", buf);
    cr_assert_not_null(strstr(buf, "\"file\": \"hand.xml\", \"line\": 13"), "%s", buf);
    free(buf);
    buf = NULL;
    cr_assert_not_null(f = open_memstream(&buf, &len));
    cr_assert_eq(glca_inventories__imp_write_report(f, im, GLCA_REPORT_MARKDOWN, NULL), 0);
    fclose(f);
    cr_assert_not_null(strstr(buf, "| cutoff | 1 |"), "%s", buf);
    cr_assert_not_null(strstr(buf, "| car-assembly | steel | 900 | kg | hand.xml:12 | steel-a, "
                                   "steel-b |"),
                       "%s", buf);
    free(buf);
    imp_done(im, u);
}

Test(inventories_import_link, provider_map_resolves_ambiguity)
{
    glca_units *u;
    glca_import *im = steel(&u);
    glca_provider_map *pm = NULL;
    glca_error e = GLCA_ERROR_INIT;
    char *path = inv_write("map.csv", "consumer,flow,provider\n# the user's choice\n"
                                      "*,steel,steel-b\n");
    const rec_x *x;
    recorder r;

    cr_assert_eq(glca_inventories__provider_map_read(&pm, path, &e), 0, "%s", inv_fmt(&e));
    link_ok(im, GLCA_ALLOCATION_DATA, pm, &r);
    cr_assert_not_null(x = rec_find_x(&r, "car-assembly", "steel"));
    cr_assert_str_eq(x->provider, "steel-b");
    cr_assert_eq(imp_count(im, GLCA_IMP_PROVIDER_MAP), 1);
    cr_assert_eq(imp_count(im, GLCA_IMP_AMBIGUOUS), 0);
    cr_assert_eq(imp_count(im, GLCA_IMP_CUTOFF), 1);
    glca_inventories__provider_map_free(pm);
    free(path);
    imp_done(im, u);
}

Test(inventories_import_link, provider_map_errors_name_the_line)
{
    glca_provider_map *pm = NULL;
    glca_error e = GLCA_ERROR_INIT;
    char *twice = inv_write("twice.csv", "*,steel,steel-a\ncar,steel,steel-b\n*,steel,steel-b\n");
    char *short_line = inv_write("short.csv", "\n*,steel\n");

    cr_assert_eq(glca_inventories__provider_map_read(&pm, twice, &e), GLCA_EPARSE);
    cr_assert_eq(e.line, 3);
    inv_assert_msg(&e, "first on line 1");
    cr_assert_null(pm);
    cr_assert_eq(glca_inventories__provider_map_read(&pm, short_line, &e), GLCA_EPARSE);
    cr_assert_eq(e.line, 2);
    free(twice);
    free(short_line);
}

Test(inventories_import_link, named_provider_wins_and_a_wrong_one_is_noted)
{
    glca_units *u;
    glca_import *im = imp_start(&u);
    glca_imp_exchange x;
    const rec_x *rx;
    recorder r;

    imp_flow(im, "car", GLCA_IMP_FLOW_PRODUCT, "item");
    imp_flow(im, "steel", GLCA_IMP_FLOW_PRODUCT, "kg");
    imp_proc(im, "steel-a", 20);
    imp_x(im, "steel", GLCA_OUTPUT, 1, true, false, 21);
    imp_proc(im, "steel-b", 30);
    imp_x(im, "steel", GLCA_OUTPUT, 1, true, false, 31);
    imp_proc(im, "car-assembly", 10);
    imp_x(im, "car", GLCA_OUTPUT, 1, true, false, 11);
    memset(&x, 0, sizeof x);
    x.flow = "steel";
    x.dir = GLCA_INPUT;
    x.amount = 900;
    x.provider = "steel-a";
    x.loc = (glca_srcloc){"hand.xml", 12, 1};
    cr_assert_eq(glca_inventories__imp_add_exchange(im, &x, NULL), 0);
    x.amount = 100;
    x.provider = "car-assembly"; /* makes cars, not steel: noted, then ambiguous */
    x.loc.line = 13;
    cr_assert_eq(glca_inventories__imp_add_exchange(im, &x, NULL), 0);
    link_ok(im, GLCA_ALLOCATION_DATA, NULL, &r);
    cr_assert_not_null(rx = rec_find_x(&r, "car-assembly", "steel"));
    cr_assert_str_eq(rx->provider, "steel-a");
    cr_assert_float_eq(rx->amount, 900, 0);
    cr_assert_eq(imp_count(im, GLCA_IMP_DANGLING), 1);
    cr_assert_eq(imp_count(im, GLCA_IMP_AMBIGUOUS), 1);
    imp_done(im, u);
}

Test(inventories_import_link, duplicate_flows_and_processes)
{
    glca_units *u;
    glca_import *im = imp_start(&u);
    glca_imp_flow f = {"steel", NULL, "MJ", NULL, NULL, GLCA_IMP_FLOW_PRODUCT, {"b.xml", 7, 1}};
    glca_imp_process p = {"mill", NULL, NULL, {"b.xml", 9, 1}};
    glca_error e = GLCA_ERROR_INIT;

    imp_flow(im, "steel", GLCA_IMP_FLOW_PRODUCT, "kg");
    imp_flow(im, "steel", GLCA_IMP_FLOW_PRODUCT, "kg"); /* agrees: ignored */
    cr_assert_eq(glca_inventories__imp_add_flow(im, &f, &e), GLCA_EPARSE);
    cr_assert_eq(e.line, 7);
    inv_assert_msg(&e, "hand.xml:1");
    imp_proc(im, "mill", 3);
    cr_assert_eq(glca_inventories__imp_add_process(im, &p, &e), GLCA_EPARSE);
    inv_assert_msg(&e, "first at hand.xml:3");
    imp_done(im, u);
}
