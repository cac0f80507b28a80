/*
 * Design comparison: the heater against itself (all zeros, every line the same) and against
 * fixtures/analysis/heater-v2.product.xml, whose changes are worked out in that folder's README.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <glca/engine.h>
#include <glca/inventories.h>

#define XML GLCA_TEST_DIR "/fixtures/xml/"
#define LG (0.6117 / 0.9995)
#define LS (2.2049 / 0.9995)
#define W (GLCA_NSTAGES + 1)

static glca_background *bg;
static glca_product *heater, *v2;

static glca_product *load(const char *path)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;

    cr_assert_eq(glca_read_product(&p, path, NULL, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &err), 0, "%s", err.message);
    return p;
}

static void setup(void)
{
    const char *inv[] = {XML "loop.inventory.xml"};
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_load_background(&bg, inv, 1, XML "gwp.method.xml", &o, NULL, NULL, &err), 0,
                 "%s", err.message);
    heater = load(XML "heater.product.xml");
    v2 = load(GLCA_TEST_DIR "/fixtures/analysis/heater-v2.product.xml");
}

static void teardown(void)
{
    glca_product_free(heater);
    glca_product_free(v2);
    glca_background_free(bg);
}

static void near(double got, double want)
{
    cr_assert(fabs(got - want) <= 1e-9 * fabs(want) + 1e-12, "got %.15g want %.15g", got, want);
}

TestSuite(engine_compare, .init = setup, .fini = teardown, .timeout = 20);

Test(engine_compare, product_against_itself_is_all_zeros)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_comparison *c = NULL;
    size_t i;

    cr_assert_eq(glca_compare_products(&c, bg, heater, heater, &err), 0, "%s", err.message);
    for (i = 0; i < W; i++) {
        cr_assert_eq(c->change[i], 0);
        cr_assert_eq(c->relative[i], 0);
    }
    cr_assert_eq(c->nlines, 5);
    for (i = 0; i < c->nlines; i++) {
        cr_assert_eq(c->lines[i].change, GLCA_LINE_SAME, "%s", c->lines[i].key);
        cr_assert_eq(c->lines[i].a, (long)i);
        cr_assert_eq(c->lines[i].b, (long)i);
        cr_assert_eq(c->line_change[i], 0);
    }
    glca_comparison_free(c);
}

Test(engine_compare, redesign_changes_by_stage)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_comparison *c = NULL;

    cr_assert_eq(glca_compare_products(&c, bg, heater, v2, &err), 0, "%s", err.message);
    near(c->change[GLCA_STAGE_RAW_MATERIALS], -LS);
    near(c->relative[GLCA_STAGE_RAW_MATERIALS], -1 / 3.5);
    near(c->change[GLCA_STAGE_PRODUCTION], LG);
    near(c->relative[GLCA_STAGE_PRODUCTION], 0.5);
    cr_assert_eq(c->change[GLCA_STAGE_DISTRIBUTION], 0);
    cr_assert_eq(c->relative[GLCA_STAGE_DISTRIBUTION], 0);
    near(c->change[GLCA_STAGE_USE], -100 * LG);
    near(c->change[GLCA_STAGE_END_OF_LIFE], LG);
    cr_assert(isnan(c->relative[GLCA_STAGE_END_OF_LIFE]));
    near(c->change[GLCA_NSTAGES], -LS - 98 * LG);
    near(c->relative[GLCA_NSTAGES], (-LS - 98 * LG) / 628.661025512757);
    glca_comparison_free(c);
}

Test(engine_compare, redesign_lines_matched_by_path_and_stage)
{
    static const struct {
        const char *key;
        glca_line_change change;
        double delta;
    } want[] = {
        {"material body/shell", GLCA_LINE_CHANGED, -0.5 * LS},
        {"material body/bracket/plate", GLCA_LINE_REMOVED, -0.5 * LS},
        {"production input grid", GLCA_LINE_CHANGED, LG},
        {"use input grid", GLCA_LINE_CHANGED, -100 * LG},
        {"use emission hfc-32", GLCA_LINE_SAME, 0},
        {"end-of-life input grid", GLCA_LINE_ADDED, LG},
    };
    glca_error err = GLCA_ERROR_INIT;
    glca_comparison *c = NULL;
    size_t i;

    cr_assert_eq(glca_compare_products(&c, bg, heater, v2, &err), 0, "%s", err.message);
    cr_assert_eq(c->nlines, 6);
    for (i = 0; i < 6; i++) {
        cr_assert_str_eq(c->lines[i].key, want[i].key);
        cr_assert_eq(c->lines[i].change, want[i].change, "%s", want[i].key);
        near(c->line_change[i], want[i].delta);
    }
    cr_assert_eq(c->lines[1].b, -1);
    cr_assert_eq(c->lines[5].a, -1);
    glca_comparison_free(c);
}
