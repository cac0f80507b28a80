/*
 * --cache-dir on the commands that solve (hotspots, montecarlo, sensitivity): the first run
 * stores DIR/<key>.background, the second reads it, and both print byte for byte what the run
 * without a cache prints; the hand-worked total of tests/fixtures/analysis/README.md holds.  A
 * damaged cache file is a warning on stderr and the same output.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runcmd.h"

#define FIX GLCA_TEST_DIR "/fixtures/xml/"
#define ANA GLCA_TEST_DIR "/fixtures/analysis/"
#define HEATER FIX "heater.product.xml "
#define WORKED "--inventory " FIX "loop.inventory.xml --method " FIX "gwp.method.xml "
#define UNCERTAIN "--inventory " ANA "loop-uncertain.inventory.xml --method " FIX "gwp.method.xml "

/* Output of `args` run without a cache, then twice with `dir`: all three equal, no stderr. */
static char *same_with_cache(const char *args, const char *dir)
{
    char cmd[1500];
    run_result plain, r;
    int i;

    snprintf(cmd, sizeof cmd, GLCA_CLI " %s", args);
    cr_assert_eq(run_command(&plain, cmd), 0);
    cr_assert_eq(plain.status, 0, "%s\nstderr: %s", cmd, plain.err);
    snprintf(cmd, sizeof cmd, GLCA_CLI " %s --cache-dir %s", args, dir);
    for (i = 0; i < 2; i++) {
        cr_assert_eq(run_command(&r, cmd), 0);
        cr_assert_eq(r.status, 0, "%s\nstderr: %s", cmd, r.err);
        cr_assert_eq(r.err[0], '\0', "run %d stderr: %s", i, r.err);
        cr_assert_str_eq(r.out, plain.out, "run %d (%s) differs from no cache", i,
                         i ? "hit" : "miss");
        run_result_free(&r);
    }
    free(plain.err);
    return plain.out;
}

/* Files DIR/ *SUFFIX (run_command's stdin is /dev/null, so no pipe: lines of ls). */
static int count_files(const char *dir, const char *suffix)
{
    char cmd[400];
    const char *c;
    run_result r;
    int n = 0;

    snprintf(cmd, sizeof cmd, "ls -1 %s/*%s", dir, suffix);
    cr_assert_eq(run_command(&r, cmd), 0);
    for (c = r.out; *c; c++)
        n += *c == '\n';
    run_result_free(&r);
    return n;
}

Test(cli_background_cache, hotspots_montecarlo_sensitivity_same_with_and_without, .timeout = 120)
{
    char *dir = make_temp_dir(), *out, cmd[1500], *total;
    run_result r;

    out = same_with_cache("hotspots " HEATER WORKED "--format json --top 0", dir);
    total = strstr(out, "\"total\": ");
    cr_assert_not_null(total);
    cr_assert(fabs(strtod(total + 9, NULL) - 628.661025512757) <= 1e-9 * 628.661025512757,
              "%s", out);
    free(out);
    cr_assert_eq(count_files(dir, ".background"), 1);
    cr_assert_eq(count_files(dir, ".lambda"), 1, "the Lambda file too, for assess and batch");
    free(same_with_cache("assess " HEATER WORKED "--format json", dir));
    free(same_with_cache("montecarlo " HEATER UNCERTAIN "--iterations 300 --seed 4 --format csv",
                         dir));
    free(same_with_cache("sensitivity " HEATER UNCERTAIN "--iterations 300 --seed 4 --top 0 "
                         "--format csv",
                         dir));
    cr_assert_eq(count_files(dir, ".background"), 2, "one file per inputs");
    cr_assert_eq(count_files(dir, ".lambda"), 2);
    /* damage every cache file: a warning, then the same output */
    snprintf(cmd, sizeof cmd, "for f in %s/*.background; do truncate -s 100 $f; done", dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, GLCA_CLI " hotspots " HEATER WORKED "--format json --top 0 "
             "--cache-dir %s", dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "warning"), "stderr: %s", r.err);
    out = same_with_cache("hotspots " HEATER WORKED "--format json --top 0", dir);
    cr_assert_str_eq(r.out, out);
    free(out);
    run_result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

Test(cli_background_cache, import_options_refused_with_cache_dir, .timeout = 30)
{
    run_result r;

    cr_assert_eq(run_command(&r, GLCA_CLI " hotspots " HEATER WORKED
                             "--allocation physical --cache-dir /tmp/glca-never-made"),
                 0);
    cr_assert_eq(r.status, 2, "stderr: %s", r.err);
    cr_assert_eq(access("/tmp/glca-never-made", F_OK), -1);
    run_result_free(&r);
}
