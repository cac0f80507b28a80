/*
 * End-to-end tests of `greenlca report` and `assess --ruleset`: the verdict on the worked
 * example's heater (outcomes worked out by hand in tests/fixtures/cli/example.ruleset.xml), the
 * HTML report parsing as HTML with every item in it, and the JSON report carrying the SHA-256 of
 * its inputs as computed by an independent tool (sha256sum).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runcmd.h"

#define FIX GLCA_TEST_DIR "/fixtures/xml/"
#define RULES GLCA_TEST_DIR "/fixtures/cli/example.ruleset.xml"
#define STUDY "--inventory " FIX "loop.inventory.xml --method " FIX "gwp.method.xml "

Test(cli_report, assess_with_ruleset_gives_the_hand_worked_verdict, .timeout = 30)
{
    run_result r;
    const char *verdict;

    cr_assert_eq(run_command(&r, GLCA_CLI " assess " FIX "heater.product.xml " STUDY
                                           "--ruleset " RULES " --format json"),
                 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    verdict = strstr(r.out, "\"verdict\"");
    cr_assert_not_null(verdict, "%s", r.out);
    cr_assert_not_null(strstr(verdict, "\"certified\": false"), "%s", verdict);
    cr_assert_not_null(strstr(verdict, "\"ruleset\": \"example-rules\""), "%s", verdict);
    /* E1 is the only reason: apf is not declared. */
    cr_assert_not_null(strstr(verdict, "\"outcome\": \"not-evaluable\""), "%s", verdict);
    cr_assert_null(strstr(verdict, "\"outcome\": \"fail\""), "%s", verdict);
    run_result_free(&r);
}

Test(cli_report, ruleset_of_another_category_is_an_error, .timeout = 30)
{
    char *dir = make_temp_dir(), *rules, cmd[2048];
    run_result r;

    cr_assert_not_null(dir);
    rules = write_temp_file(dir, "ac.ruleset.xml",
                            "<?xml version=\"1.0\"?>\n"
                            "<ruleset xmlns=\"urn:greenlca:ruleset:1\" id=\"ac\" version=\"1\" "
                            "category=\"room-air-conditioner\">\n"
                            "  <indicator id=\"C1\" attribute=\"environment\" name=\"CF\" "
                            "comparator=\"report\" value=\"impact('gwp100')\"/>\n"
                            "</ruleset>\n");
    snprintf(cmd, sizeof cmd, GLCA_CLI " assess " FIX "heater.product.xml " STUDY "--ruleset %s",
             rules);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "room-air-conditioner"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "example"), "%s", r.err);
    run_result_free(&r);
    unlink(rules);
    rmdir(dir);
    free(rules);
    free(dir);
}

Test(cli_report, html_report_parses_and_lists_every_item, .timeout = 30)
{
    char *dir = make_temp_dir(), cmd[2048], html[1024];
    const char *ids[] = {"item-B1", "item-R1", "item-V1", "item-E1", "item-C1"};
    run_result r;
    char *text;
    size_t i;

    cr_assert_not_null(dir);
    snprintf(html, sizeof html, "%s/report.html", dir);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " report " FIX "heater.product.xml " STUDY "--ruleset " RULES " -o %s",
             html);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    run_result_free(&r);
    /* An HTML parser independent of ours accepts it without a single complaint. */
    snprintf(cmd, sizeof cmd, "xmllint --html --noout %s", html);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "xmllint: %s", r.err);
    cr_assert_eq(r.err[0], '\0', "xmllint: %s", r.err);
    run_result_free(&r);
    text = read_whole_file(html, NULL);
    cr_assert_not_null(text);
    for (i = 0; i < sizeof ids / sizeof *ids; i++)
        cr_assert_not_null(strstr(text, ids[i]), "missing %s", ids[i]);
    /* The chart is SVG embedded in the file; "PHN2Zy" is base64 for "<svg". */
    cr_assert_not_null(strstr(text, "src=\"data:image/svg+xml;base64,PHN2Zy"), "no chart");
    cr_assert_null(strstr(text, "<script"), "the report must need no script");
    cr_assert_null(strstr(text, "src=\"http"), "no external fetches");
    cr_assert_null(strstr(text, "href="), "no external fetches");
    /* E1 is not declared and nothing fails (fixture's hand-worked outcomes): the badge says
     * why in both languages */
    cr_assert_not_null(strstr(text, "<span class=\"badge no\" id=\"badge\">not certified (not "
                                    "evaluable: E1) — 不符合生态设计产品评价要求（无法评价：E1）"),
                       "badge");
    free(text);
    unlink(html);
    rmdir(dir);
    free(dir);
}

Test(cli_report, json_report_names_inputs_with_their_sha256, .timeout = 30)
{
    run_result r, sum;
    char digest[65];

    cr_assert_eq(run_command(&sum, "sha256sum " FIX "loop.inventory.xml"), 0);
    cr_assert_eq(sum.status, 0);
    memcpy(digest, sum.out, 64);
    digest[64] = '\0';
    cr_assert_eq(run_command(&r, GLCA_CLI " report " FIX "heater.product.xml " STUDY
                                           "--ruleset " RULES " --format json"),
                 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, digest), "no %s in %s", digest, r.out);
    cr_assert_not_null(strstr(r.out, "\"id\": \"example-loop\""), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\"dominant_stage\": \"use\""), "%s", r.out);
    run_result_free(&r);
    run_result_free(&sum);
}

Test(cli_report, validate_lists_every_problem_of_a_ruleset, .timeout = 30)
{
    run_result r;

    /* The fixture's header names its four problems: lines 6, 8, 10 and 12. */
    cr_assert_eq(run_command(&r, GLCA_CLI " validate " GLCA_TEST_DIR
                                           "/fixtures/ruleset/several-errors.ruleset.xml " RULES),
                 0);
    cr_assert_eq(r.status, 1, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "several-errors.ruleset.xml:6:"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "several-errors.ruleset.xml:8:"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "several-errors.ruleset.xml:10:"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "several-errors.ruleset.xml:12:"), "%s", r.err);
    cr_assert_not_null(strstr(r.out, "4 problems"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "example.ruleset.xml: ok (ruleset)"), "%s", r.out);
    run_result_free(&r);
}
