/*
 * `greenlca assess` straight on an EcoSpold 2 directory, as the README shows it: one furnace of
 * the ecospold2matrix three-activity test system with IPCC AR6 GWP100 for its two elementary
 * flows.  The expected total is worked out by hand in examples/ecospold2/furnace.product.xml:
 * 0.00123 × 27.9 + 1.81284 × 2.108e-7 × (0.000231 × 27.9 + 2.24e-8 × 1930) kg CO2-eq.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runcmd.h"

#define E2M GLCA_TEST_DIR "/fixtures/ecospold2/e2m-fake-system"
#define EXAMPLES GLCA_SOURCE_DIR "/examples/ecospold2"

Test(cli_ecospold2, assess_on_an_ecospold2_directory, .timeout = 60)
{
    const double pipeline = 0.000231 * 27.9 + 2.24e-8 * 1930;
    const double expected = 0.00123 * 27.9 + 1.81284 * (2.108e-7 * pipeline);
    char *dir = make_temp_dir(), cmd[4096], *report;
    const char *at;
    run_result r;

    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess " EXAMPLES "/furnace.product.xml --inventory " E2M
                      " --method " EXAMPLES "/gwp-ecoinvent-ids.method.xml --format json"
                      " --linking-report %s/link.md",
             dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(at = strstr(r.out, "\"total\": "), "%s", r.out);
    cr_assert(fabs(strtod(at + 9, NULL) - expected) <= 1e-12 * expected, "%s", r.out);
    run_result_free(&r);

    /* the two exchanges written in a unit of another kind than MasterData's are listed */
    snprintf(cmd, sizeof cmd, "%s/link.md", dir);
    cr_assert_not_null(report = read_whole_file(cmd, NULL));
    cr_assert_not_null(strstr(report, "| unit | 2 |"), "%s", report);
    cr_assert_not_null(strstr(report, "amount in 'kg' but the flow is in 't*km'"), "%s", report);
    free(report);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    run_result_free(&r);
    free(dir);
}
