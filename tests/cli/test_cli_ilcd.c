/*
 * `greenlca assess` and `greenlca convert` straight on an ILCD tree, as a user runs them: the
 * TianGong subset (tests/fixtures/ilcd/tiangong) as a folder and as a zip made with `zip`, the
 * EF 3.x climate change method from the same tree.  1 t of high-nickel matte (process 8758c687)
 * is 1000 × 1.0576149896470586 kg CO2-eq, the figure of tools/ilcd_direct_impact.py --system
 * (ElementTree and numpy, independent of our readers).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runcmd.h"

#define TIANGONG GLCA_TEST_DIR "/fixtures/ilcd/tiangong/tiangong_lca_data"
#define CLIMATE TIANGONG "/lciamethods/6209b35f-9447-40b5-b68c-a1099e3674a0.xml"

static const char product[] =
    "<product xmlns=\"urn:greenlca:product:1\" id=\"matte\" name=\"High-nickel matte\" "
    "functional-unit=\"1 t\"><production><input "
    "process=\"8758c687-2be3-4f20-89e5-16d6a9ed529f\" amount=\"1000\" unit=\"kg\"/>"
    "</production></product>\n";

static double total_of(const char *json)
{
    const char *at = strstr(json, "\"total\": ");

    cr_assert_not_null(at, "%s", json);
    return strtod(at + 9, NULL);
}

Test(cli_ilcd, assess_on_an_ilcd_folder_and_zip, .timeout = 120)
{
    char *dir = make_temp_dir(), cmd[4096], *prod, *report;
    const double expected = 1000 * 1.0576149896470586;
    run_result r, z;

    prod = write_temp_file(dir, "matte.product.xml", product);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess %s --inventory " TIANGONG " --method " CLIMATE
                      " --format json --linking-report %s/link.json",
             prod, dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(fabs(total_of(r.out) - expected) <= 1e-12 * expected, "%s", r.out);
    /* the subset's 57 dangling exchanges and 3 processes without a reference flow */
    snprintf(cmd, sizeof cmd, "%s/link.json", dir);
    cr_assert_not_null(report = read_whole_file(cmd, NULL));
    cr_assert_not_null(strstr(report, "\"dangling\": 60,"), "%s", report);
    cr_assert_not_null(strstr(report, "\"flow\": \"vitrified brick\""));
    free(report);

    /* the same tree zipped: the same output */
    snprintf(cmd, sizeof cmd, "cd " TIANGONG " && zip -qr %s/tiangong.zip .", dir);
    cr_assert_eq(run_command(&z, cmd), 0);
    cr_assert_eq(z.status, 0, "%s", z.err);
    run_result_free(&z);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess %s --inventory %s/tiangong.zip --method " CLIMATE " --format json",
             prod, dir);
    cr_assert_eq(run_command(&z, cmd), 0);
    cr_assert_eq(z.status, 0, "stderr: %s", z.err);
    cr_assert_str_eq(z.out, r.out);
    run_result_free(&z);

    /* converted to our format, then assessed: the same output */
    snprintf(cmd, sizeof cmd, GLCA_CLI " convert %s/tiangong.zip -o %s/tg.inventory.xml", dir,
             dir);
    cr_assert_eq(run_command(&z, cmd), 0);
    cr_assert_eq(z.status, 0, "stderr: %s", z.err);
    run_result_free(&z);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess %s --inventory %s/tg.inventory.xml --method %s/tiangong.zip "
                      "--format json",
             prod, dir, dir);
    cr_assert_eq(run_command(&z, cmd), 0);
    cr_assert_eq(z.status, 0, "stderr: %s", z.err);
    cr_assert_not_null(strstr(z.out, "\"6209b35f-9447-40b5-b68c-a1099e3674a0\": {\"unit\": "
                                     "\"kg CO2 Equivalents\", \"total\": 1057.6149896470588"),
                       "%s", z.out);
    run_result_free(&z);
    run_result_free(&r);
    free(prod);
    free(dir);
}

Test(cli_ilcd, a_hostile_zip_is_an_input_error, .timeout = 30)
{
    char *dir = make_temp_dir(), cmd[4096];
    run_result r;

    /* an entry named ../evil.xml (zip stores what it is given with -j off and a relative
     * path from a subfolder) */
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/a/processes && echo '<x/>' > %s/evil.xml && cd %s/a && "
             "zip -q ../slip.zip ../evil.xml",
             dir, dir, dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    run_result_free(&r);
    snprintf(cmd, sizeof cmd, GLCA_CLI " convert %s/slip.zip -o %s/never.xml", dir, dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "slip.zip:../evil.xml: entry name leads outside"), "%s",
                       r.err);
    run_result_free(&r);
    free(dir);
}
