/*
 * Hotspots of the worked example's heater: every breakdown against the hand-worked numbers of
 * fixtures/analysis/README.md, and each summing to the total within 1e-9 relative.
 */
#include <criterion/criterion.h>

#include <math.h>

#include <glca/engine.h>
#include <glca/inventories.h>

#define XML GLCA_TEST_DIR "/fixtures/xml/"
#define REL 1e-9

static glca_background *bg;
static glca_product *heater;

static void setup(void)
{
    const char *inv[] = {XML "loop.inventory.xml"};
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_load_background(&bg, inv, 1, XML "gwp.method.xml", &o, NULL, NULL, &err), 0,
                 "%s", err.message);
    cr_assert_eq(glca_read_product(&heater, XML "heater.product.xml", NULL, NULL, NULL, &err), 0,
                 "%s", err.message);
    cr_assert_eq(glca_product_bind(heater, bg, NULL, NULL, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    glca_product_free(heater);
    glca_background_free(bg);
}

static void near(double got, double want)
{
    cr_assert(fabs(got - want) <= REL * fabs(want), "got %.15g want %.15g", got, want);
}

TestSuite(engine_contrib, .init = setup, .fini = teardown, .timeout = 20);

Test(engine_contrib, process_breakdown_matches_hand_solve)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_contributions *c = NULL;
    long grid = glca_background_find_process(bg, "grid");
    long steel = glca_background_find_process(bg, "steel-sheet");

    cr_assert_eq(glca_contributions_compute(&c, bg, heater, &err), 0, "%s", err.message);
    cr_assert_eq(c->ncategories, 1);
    near(c->scaling[grid], 1003.75 / 0.9995);
    near(c->scaling[steel], 4.502 / 0.9995);
    near(c->process[grid], 612.08675 / 0.9995);
    near(c->process[steel], 8.5538 / 0.9995);
    near(c->direct[0], 7.71);
    near(c->process[grid] + c->process[steel] + c->direct[0], c->total[0]);
    near(c->total[0], 628.661025512757);
    glca_contributions_free(c);
}

Test(engine_contrib, flow_breakdown_matches_hand_inventory)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_contributions *c = NULL;
    long co2 = glca_background_find_flow(bg, "co2-fossil");
    long ch4 = glca_background_find_flow(bg, "ch4-fossil");
    long hfc = glca_background_find_flow(bg, "hfc-32");
    double sum = 0;
    size_t f;

    cr_assert_eq(glca_contributions_compute(&c, bg, heater, &err), 0, "%s", err.message);
    near(c->flow[co2], 590.7288 / 0.9995);
    near(c->flow[ch4], 29.91175 / 0.9995);
    near(c->flow[hfc], 7.71);
    for (f = 0; f < c->nflows; f++)
        sum += c->flow[f];
    near(sum, c->total[0]);
    glca_contributions_free(c);
}

Test(engine_contrib, line_and_stage_breakdowns_sum_to_total)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_contributions *c = NULL;
    const double ls = 2.2049 / 0.9995, lg = 0.6117 / 0.9995;
    double sum = 0;
    size_t l;
    int s;

    cr_assert_eq(glca_contributions_compute(&c, bg, heater, &err), 0, "%s", err.message);
    cr_assert_eq(c->nlines, 5);
    near(c->line[0], 3 * ls);
    near(c->line[1], 0.5 * ls);
    near(c->line[2], 2 * lg);
    near(c->line[3], 1000 * lg);
    near(c->line[4], 7.71);
    for (l = 0; l < c->nlines; l++)
        sum += c->line[l];
    near(sum, c->total[0]);
    near(c->stage[GLCA_STAGE_RAW_MATERIALS], 3.5 * ls);
    near(c->stage[GLCA_STAGE_USE], 1000 * lg + 7.71);
    cr_assert_eq(c->stage[GLCA_STAGE_DISTRIBUTION], 0);
    for (sum = 0, s = 0; s < GLCA_NSTAGES; s++)
        sum += c->stage[s];
    near(sum, c->total[0]);
    glca_contributions_free(c);
}

Test(engine_contrib, ranks_by_magnitude_largest_first)
{
    const double v[] = {1.0, -5.0, 0.0, 3.0, -3.0, 0.5};
    size_t idx[6];

    /* |v| ordering: -5 (1), 3 (3) and -3 (4) tie -> index order, 1 (0), 0.5 (5); 0 left out */
    cr_assert_eq(glca_rank_by_magnitude(v, 6, 1, 6, idx), 5);
    cr_assert_eq(idx[0], 1);
    cr_assert_eq(idx[1], 3);
    cr_assert_eq(idx[2], 4);
    cr_assert_eq(idx[3], 0);
    cr_assert_eq(idx[4], 5);
    /* stride 2 reads 1.0, 0.0, -3.0: entry 2 (-3.0) then entry 0; the zero is left out */
    cr_assert_eq(glca_rank_by_magnitude(v, 3, 2, 3, idx), 2);
    cr_assert_eq(idx[0], 2);
    cr_assert_eq(idx[1], 0);
}
