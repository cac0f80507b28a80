/*
 * End-to-end tests of `greenlca assess` and `greenlca validate`, run as a user runs them.
 * Expected numbers come from the hand-worked example (tests/fixtures/xml/README.md, copied from
 * the specification's examples): never from our own output.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runcmd.h"

#define FIX GLCA_TEST_DIR "/fixtures/xml/"
#define WORKED "--inventory " FIX "loop.inventory.xml --method " FIX "gwp.method.xml "

/* The number after `key` in `json`, searching from `from`. */
static double json_number_after(const char *json, const char *from, const char *key)
{
    const char *at = strstr(from ? from : json, key);

    cr_assert_not_null(at, "no %s in output: %s", key, json);
    return strtod(at + strlen(key), NULL);
}

static void assert_rel(double got, double want, double tol)
{
    cr_assert(fabs(got - want) <= tol * fabs(want), "got %.17g, want %.17g", got, want);
}

Test(cli_assess, json_reproduces_worked_example, .timeout = 30)
{
    run_result r;
    const char *stages;

    cr_assert_eq(run_command(&r, GLCA_CLI " assess " FIX "heater.product.xml " WORKED
                                           "--format json"),
                 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "\"product\": \"heater\""), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\"gwp100\": {\"unit\": \"kg CO2-eq\""), "%s", r.out);
    /* README of the worked example: total 628.661025512757 and the stage table. */
    assert_rel(json_number_after(r.out, NULL, "\"total\": "), 628.661025512757, 1e-12);
    stages = strstr(r.out, "\"stages\"");
    cr_assert_not_null(stages);
    assert_rel(json_number_after(r.out, stages, "\"raw-materials\": "), 7.721010505253, 1e-12);
    assert_rel(json_number_after(r.out, stages, "\"production\": "), 1.224012006003, 1e-12);
    cr_assert_eq(json_number_after(r.out, stages, "\"distribution\": "), 0.0);
    assert_rel(json_number_after(r.out, stages, "\"use\": "), 619.716003001501, 1e-12);
    cr_assert_eq(json_number_after(r.out, stages, "\"end-of-life\": "), 0.0);
    run_result_free(&r);
}

Test(cli_assess, csv_has_header_and_a_row_per_stage_and_total, .timeout = 30)
{
    run_result r;
    const char *use;

    cr_assert_eq(run_command(&r, GLCA_CLI " assess " FIX "heater.product.xml " WORKED
                                           "--format csv"),
                 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(strncmp(r.out, "product,category,unit,stage,value\n", 34), 0, "%s", r.out);
    use = strstr(r.out, "heater,gwp100,kg CO2-eq,use,");
    cr_assert_not_null(use, "%s", r.out);
    assert_rel(strtod(use + strlen("heater,gwp100,kg CO2-eq,use,"), NULL), 619.716003001501,
               1e-12);
    cr_assert_not_null(strstr(r.out, "heater,gwp100,kg CO2-eq,total,"));
    run_result_free(&r);
}

Test(cli_assess, usage_errors_exit_2, .timeout = 30)
{
    run_result r;

    cr_assert_eq(run_command(&r, GLCA_CLI " assess"), 0);
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " assess " FIX "heater.product.xml " WORKED
                                           "--bogus"),
                 0);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "--bogus"), "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " frobnicate"), 0);
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
}

Test(cli_assess, help_and_version_exit_0, .timeout = 30)
{
    run_result r;

    cr_assert_eq(run_command(&r, GLCA_CLI " --version"), 0);
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "greenlca "));
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " assess --help"), 0);
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "--inventory"));
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " validate --help"), 0);
    cr_assert_eq(r.status, 0);
    run_result_free(&r);
}

Test(cli_assess, bad_product_exits_1_with_location_on_stderr, .timeout = 30)
{
    char *dir = make_temp_dir(), *path, cmd[2048];
    run_result r;

    cr_assert_not_null(dir);
    /* Line 3 references a process that the inventory does not have. */
    path = write_temp_file(dir, "bad.product.xml",
                           "<?xml version=\"1.0\"?>\n"
                           "<product xmlns=\"urn:greenlca:product:1\" id=\"x\">\n"
                           "  <production><input process=\"no-such-process\" amount=\"1\" "
                           "unit=\"kWh\"/></production>\n"
                           "</product>\n");
    snprintf(cmd, sizeof cmd, GLCA_CLI " assess %s " WORKED, path);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "bad.product.xml:3"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "no-such-process"), "%s", r.err);
    cr_assert_eq(r.out[0], '\0', "nothing on stdout for a bad product: %s", r.out);
    run_result_free(&r);
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

Test(cli_validate, lists_every_problem_not_just_the_first, .timeout = 30)
{
    char *dir = make_temp_dir(), *path, cmd[2048];
    run_result r;

    cr_assert_not_null(dir);
    /* Two independent problems: an unknown attribute on line 3, a non-numeric amount on line 4. */
    path = write_temp_file(dir, "two.product.xml",
                           "<?xml version=\"1.0\"?>\n"
                           "<product xmlns=\"urn:greenlca:product:1\" id=\"x\">\n"
                           "  <declare name=\"a\" value=\"1\" colour=\"red\"/>\n"
                           "  <use><input process=\"grid\" amount=\"lots\" unit=\"kWh\"/></use>\n"
                           "</product>\n");
    snprintf(cmd, sizeof cmd, GLCA_CLI " validate %s " FIX "loop.inventory.xml", path);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "two.product.xml:3"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "colour"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "two.product.xml:4"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "lots"), "%s", r.err);
    cr_assert_not_null(strstr(r.out, "loop.inventory.xml: ok (inventory)"), "%s", r.out);
    run_result_free(&r);
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* The one *.lambda file in `dir` into `path`; fails the test unless there is exactly one. */
static void the_cache_file(const char *dir, char *path, size_t size)
{
    char cmd[512];
    FILE *p;
    size_t len;

    snprintf(cmd, sizeof cmd, "ls %s/*.lambda", dir);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(path, (int)size, p), "no cache file in %s", dir);
    len = strcspn(path, "\n");
    path[len] = '\0';
    cr_assert_null(fgets(cmd, sizeof cmd, p), "more than one cache file: %s", cmd);
    pclose(p);
}

static double cached_total(const char *dir, const char *want_err)
{
    char cmd[1024];
    run_result r;
    double total;

    snprintf(cmd, sizeof cmd, GLCA_CLI " assess " FIX "heater.product.xml " WORKED
             "--format json --cache-dir %s", dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    if (want_err)
        cr_assert_not_null(strstr(r.err, want_err), "stderr: %s", r.err);
    else
        cr_assert_eq(r.err[0], '\0', "stderr: %s", r.err);
    total = json_number_after(r.out, NULL, "\"total\": ");
    run_result_free(&r);
    return total;
}

Test(cli_assess, cache_dir_gives_the_worked_example_cold_warm_and_after_damage, .timeout = 60)
{
    char dir[] = "/tmp/glca-assess-cacheXXXXXX", file[1024], cmd[1200];
    run_result r;
    FILE *f;
    long len;

    cr_assert_not_null(mkdtemp(dir));
    /* README of the worked example: total 628.661025512757, whichever way the background came */
    assert_rel(cached_total(dir, NULL), 628.661025512757, 1e-12); /* miss: stored */
    the_cache_file(dir, file, sizeof file);
    assert_rel(cached_total(dir, NULL), 628.661025512757, 1e-12); /* hit */
    /* truncated: detected, ignored with a warning, rebuilt from the inputs */
    f = fopen(file, "r+b");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    fclose(f);
    cr_assert_eq(truncate(file, len / 2), 0);
    assert_rel(cached_total(dir, "warning"), 628.661025512757, 1e-12);
    assert_rel(cached_total(dir, NULL), 628.661025512757, 1e-12); /* rewritten whole */
    /* a second method is not in the key: refused rather than cached wrongly */
    snprintf(cmd, sizeof cmd, GLCA_CLI " assess " FIX "heater.product.xml " WORKED
             "--method " FIX "gwp.method.xml --cache-dir %s", dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 2, "stderr: %s", r.err);
    run_result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
