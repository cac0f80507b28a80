/*
 * End-to-end tests of the design-analysis commands: hotspots, compare, montecarlo, sensitivity.
 * Expected numbers are worked out by hand in tests/fixtures/analysis/README.md (on the worked
 * example of tests/fixtures/xml), never taken from our own output.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runcmd.h"

#define FIX GLCA_TEST_DIR "/fixtures/xml/"
#define ANA GLCA_TEST_DIR "/fixtures/analysis/"
#define HEATER FIX "heater.product.xml "
#define WORKED "--inventory " FIX "loop.inventory.xml --method " FIX "gwp.method.xml "
#define UNCERTAIN "--inventory " ANA "loop-uncertain.inventory.xml --method " FIX "gwp.method.xml "

static double number_after(const char *text, const char *key)
{
    const char *at = strstr(text, key);

    cr_assert_not_null(at, "no %s in output: %s", key, text);
    return strtod(at + strlen(key), NULL);
}

static void assert_rel(double got, double want, double tol)
{
    cr_assert(fabs(got - want) <= tol * fabs(want), "got %.17g, want %.17g", got, want);
}

static void run_ok(run_result *r, const char *cmd)
{
    cr_assert_eq(run_command(r, cmd), 0);
    cr_assert_eq(r->status, 0, "%s\nstderr: %s", cmd, r->err);
}

Test(cli_analysis, hotspots_json_has_hand_worked_breakdowns, .timeout = 30)
{
    run_result r;
    const char *process;

    run_ok(&r, GLCA_CLI " hotspots " HEATER WORKED "--format json --top 0");
    assert_rel(number_after(r.out, "\"total\": "), 628.661025512757, 1e-9);
    process = strstr(r.out, "\"process\": [");
    cr_assert_not_null(process);
    /* largest process first: grid 612.08675 / 0.9995, then steel-sheet 8.5538 / 0.9995 */
    assert_rel(number_after(strstr(process, "\"id\": \"grid\""), "\"value\": "),
               612.08675 / 0.9995, 1e-9);
    assert_rel(number_after(strstr(process, "\"id\": \"steel-sheet\""), "\"value\": "),
               8.5538 / 0.9995, 1e-9);
    assert_rel(number_after(strstr(r.out, "\"id\": \"ch4-fossil\""), "\"value\": "),
               29.91175 / 0.9995, 1e-9);
    run_result_free(&r);
}

Test(cli_analysis, hotspots_table_top_and_bad_category, .timeout = 30)
{
    run_result r;

    run_ok(&r, GLCA_CLI " hotspots " HEATER WORKED "--top 1");
    cr_assert_not_null(strstr(r.out, "use input grid"));
    cr_assert_null(strstr(r.out, "material body/shell"), "--top 1 lists one line: %s", r.out);
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " hotspots " HEATER WORKED "--category nope"), 0);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "nope"));
    run_result_free(&r);
}

Test(cli_analysis, compare_with_itself_is_all_zeros, .timeout = 30)
{
    run_result r;
    const char *p;

    run_ok(&r, GLCA_CLI " compare " HEATER HEATER WORKED "--format json");
    for (p = strstr(r.out, "\"change\": "); p; p = strstr(p + 1, "\"change\": ")) {
        if (p[11] == '"')
            continue; /* a line's change kind */
        cr_assert_eq(strtod(p + 11, NULL), 0, "%s", r.out);
    }
    cr_assert_not_null(strstr(r.out, "\"lines\": []"), "no line changed: %s", r.out);
    run_result_free(&r);
}

Test(cli_analysis, compare_redesign_total_and_flip, .timeout = 30)
{
    run_result r;

    run_ok(&r, GLCA_CLI " compare " HEATER ANA "heater-v2.product.xml " WORKED
                        "--ruleset " ANA "heater.ruleset.xml --format json");
    /* total change −Λs − 98 Λg = −62.182591295648 */
    assert_rel(number_after(strstr(r.out, "\"total\": "), "\"change\": "), -62.182591295648,
               1e-9);
    cr_assert_not_null(strstr(r.out, "\"id\": \"C1\", \"from\": \"fail\", \"to\": \"pass\""),
                       "%s", r.out);
    cr_assert_null(strstr(r.out, "\"id\": \"R1\", \"from\""), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\"certified\": {\"a\": false, \"b\": true}"), "%s", r.out);
    run_result_free(&r);
}

Test(cli_analysis, montecarlo_same_for_one_and_two_threads, .timeout = 60)
{
    run_result a, b, c;

    run_ok(&a, GLCA_CLI " montecarlo " HEATER UNCERTAIN "--iterations 300 --seed 4 --threads 1 "
                        "--format json");
    run_ok(&b, GLCA_CLI " montecarlo " HEATER UNCERTAIN "--iterations 300 --seed 4 --threads 2 "
                        "--format json");
    run_ok(&c, GLCA_CLI " montecarlo " HEATER UNCERTAIN "--iterations 300 --seed 5 --threads 2 "
                        "--format json");
    cr_assert_str_eq(a.out, b.out);
    cr_assert_str_neq(b.out, c.out);
    cr_assert_eq(number_after(a.out, "\"uncertain_exchanges\": "), 3);
    run_result_free(&a);
    run_result_free(&b);
    run_result_free(&c);
}

Test(cli_analysis, montecarlo_without_uncertainty_is_nominal, .timeout = 30)
{
    run_result r;

    run_ok(&r, GLCA_CLI " montecarlo " HEATER WORKED "--iterations 20 --format json");
    assert_rel(number_after(r.out, "\"mean\": "), 628.661025512757, 1e-9);
    cr_assert_eq(number_after(r.out, "\"sd\": "), 0);
    run_result_free(&r);
}

Test(cli_analysis, montecarlo_pass_probability_of_bom_rule_is_one, .timeout = 30)
{
    run_result r;
    double c1;

    run_ok(&r, GLCA_CLI " montecarlo " HEATER UNCERTAIN "--iterations 200 --ruleset " ANA
                        "heater.ruleset.xml --format json");
    cr_assert_eq(number_after(r.out, "\"R1\":"), 1);
    c1 = number_after(r.out, "\"C1\":");
    cr_assert(c1 > 0 && c1 < 1, "C1 passes in some iterations only: %g", c1);
    run_result_free(&r);
}

Test(cli_analysis, sensitivity_ranks_grid_co2_first, .timeout = 30)
{
    /* Grid CO2 (gsd 1.1 on ~582 of 629 kg CO2-eq, sd ~55) dwarfs steel's electricity (uniform
       ±0.1 kWh/kg, ±0.2 kg CO2-eq at most) and steel's CO2 (sd 0.1 × 4.5 kg = 0.45): its rank
       correlation with the total is above 0.99. */
    run_result r;
    const char *first;

    run_ok(&r, GLCA_CLI " sensitivity " HEATER UNCERTAIN "--iterations 1000 --format json");
    first = strstr(r.out, "\"parameter\": ");
    cr_assert_not_null(first, "%s", r.out);
    cr_assert_eq(strncmp(first, "\"parameter\": \"exchange: co2-fossil of grid\"", 43), 0, "%s",
                 r.out);
    cr_assert_gt(number_after(first, "\"rho2\": "), 0.99);
    run_result_free(&r);
}
