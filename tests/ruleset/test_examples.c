/*
 * The certification examples (examples/certification): each category's passing product is
 * certified by the bundled rules and each failing product fails for exactly the one reason its
 * header comment states.  Products are read by the product reader and assessed on the bundled
 * USLCI inventory and IPCC AR6 method, as `greenlca assess --ruleset` does.  The expected
 * sentences are the ones written in the product files, worked from the declared numbers and the
 * rule tables, not taken from a run.
 */
#include "ruleset_test.h"

#define EXAMPLES GLCA_SOURCE_DIR "/examples/certification"
#define RULES GLCA_SOURCE_DIR "/ruleset/rules"

static glca_background *bundled_background(void)
{
    const char *inventories[] = {GLCA_SOURCE_DIR "/inventories/data/uslci/uslci.inventory.xml"};
    glca_background_options opts = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_background *bg = NULL;

    TRY(glca_load_background(&bg, inventories, 1,
                             GLCA_SOURCE_DIR "/inventories/data/methods/ipcc-ar6-gwp100.method.xml",
                             &opts, NULL, NULL, &e_));
    return bg;
}

static glca_verdict *assess(glca_background *bg, const char *rules, const char *product)
{
    glca_ruleset *rs = NULL;
    glca_product *p = NULL;
    glca_verdict *v = NULL;
    double *impacts = calloc(glca_background_ncategories(bg) * GLCA_NSTAGES, sizeof *impacts);

    cr_assert(impacts);
    TRY(glca_ruleset_load(&rs, rules, NULL, NULL, NULL, &e_));
    TRY(glca_read_product(&p, product, NULL, NULL, NULL, &e_));
    TRY(glca_ruleset_check_category(rs, p, &e_));
    TRY(glca_ruleset_check_method(rs, bg, &e_));
    TRY(glca_product_bind(p, bg, NULL, NULL, &e_));
    TRY(glca_evaluate(bg, p, impacts, &e_));
    TRY(glca_ruleset_evaluate(&v, rs, p, bg, impacts, &e_));
    free(impacts);
    glca_product_free(p);
    glca_ruleset_free(rs);
    return v;
}

static void check_pair(const char *category, const char *reason)
{
    glca_background *bg = bundled_background();
    char rules[512], pass[512], fail[512];
    const char *const *reasons;
    glca_verdict *v;
    size_t n;

    snprintf(rules, sizeof rules, RULES "/%s.ruleset.xml", category);
    snprintf(pass, sizeof pass, EXAMPLES "/%s-pass.product.xml", category);
    snprintf(fail, sizeof fail, EXAMPLES "/%s-fail.product.xml", category);
    v = assess(bg, rules, pass);
    reasons = glca_verdict_reasons(v, &n);
    cr_assert(glca_verdict_certified(v), "%s: %s", pass, n ? reasons[0] : "");
    cr_assert_eq(n, 0, "%s: %s", pass, reasons[0]);
    cr_assert_eq(item(v, "C1")->outcome, GLCA_OUTCOME_REPORT);
    cr_assert_gt(item(v, "C1")->value.number, 0);
    glca_verdict_free(v);
    v = assess(bg, rules, fail);
    reasons = glca_verdict_reasons(v, &n);
    cr_assert_not(glca_verdict_certified(v));
    cr_assert_eq(n, 1, "%s: %zu reasons", fail, n);
    cr_assert_str_eq(reasons[0], reason);
    glca_verdict_free(v);
    glca_background_free(bg);
}

Test(ruleset_examples, room_air_conditioner_pair)
{
    check_pair("room-air-conditioner", "E1: Annual performance factor (APF) 4.8 < 5.00 "
                                       "(provisional baseline for "
                                       "attr('cooling-capacity-w') <= 4500)");
}

Test(ruleset_examples, personal_computer_pair)
{
    check_pair("personal-computer", "E2: Standby / off-mode power 0.8 W > 0.5 W (provisional "
                                    "baseline)");
}

Test(ruleset_examples, ceramic_tile_pair)
{
    check_pair("ceramic-tile", "V3: NOx emission concentration 220 mg/m3 > 180 mg/m3 (provisional "
                               "baseline)");
}
