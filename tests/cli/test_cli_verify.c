/*
 * End-to-end tests of `greenlca verify`: a JSON report of the worked example's heater is
 * reproduced from its files; one byte changed in the product file shows as a hash difference
 * whose old value is the independent tool's (sha256sum) digest of the original file; one byte
 * changed in a number moves that number and nothing else.
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

static void replace_once(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);

    cr_assert_not_null(at, "no '%s' in the fixture", from);
    cr_assert_eq(strlen(from), strlen(to), "one byte for one byte");
    memcpy(at, to, strlen(to));
}

static int lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void verify(run_result *r, const char *dir)
{
    char cmd[2048];

    snprintf(cmd, sizeof cmd, GLCA_CLI " verify %s/r.json " STUDY "--ruleset " RULES, dir);
    cr_assert_eq(run_command(r, cmd), 0);
}

Test(cli_verify, reproduces_a_report_and_names_each_difference, .timeout = 60)
{
    char *dir = make_temp_dir(), *text, *product, cmd[2048], digest[65];
    run_result r;
    FILE *p;

    cr_assert_not_null(dir);
    text = read_whole_file(FIX "heater.product.xml", NULL);
    cr_assert_not_null(text);
    product = write_temp_file(dir, "p.xml", text);
    snprintf(cmd, sizeof cmd, "sha256sum %s", product);
    cr_assert_not_null(p = popen(cmd, "r"));
    cr_assert_eq(fscanf(p, "%64s", digest), 1);
    pclose(p);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " report %s " STUDY "--ruleset " RULES " --format json -o %s/r.json", product,
             dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);

    /* nothing changed: reproduced; the fixture's verdict is "E1 not evaluable" */
    verify(&r, dir);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert_str_eq(r.out, "reproduced: same input hashes, same numbers bitwise, same verdict "
                            "(not certified (not evaluable: E1))\n");
    run_result_free(&r);

    /* one byte of the product's name: the hash changes, no number does */
    replace_once(text, "name=\"Electric heater\"", "name=\"electric heater\"");
    free(write_temp_file(dir, "p.xml", text));
    verify(&r, dir);
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_assert(strncmp(r.out, "hash changed: product ", 22) == 0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, digest), "the report's hash is sha256sum's: %s", r.out);
    cr_assert_null(strstr(r.out, "number moved"), "%s", r.out);
    cr_assert_eq(lines(r.out), 1, "exactly one difference: %s", r.out);
    run_result_free(&r);

    /* one byte of the lead content, 40 -> 90 ppm: V1's value moves, it still passes 1000 */
    replace_once(text, "ppm=\"40\"", "ppm=\"90\"");
    free(write_temp_file(dir, "p.xml", text));
    verify(&r, dir);
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_assert_not_null(strstr(r.out, "\nnumber moved: verdict.V1.value: 40 -> 90\n"), "%s", r.out);
    cr_assert_null(strstr(r.out, "outcome flipped"), "%s", r.out);
    cr_assert_null(strstr(r.out, "impacts."), "lead content is no impact: %s", r.out);
    run_result_free(&r);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(product);
    free(text);
    free(dir);
}
