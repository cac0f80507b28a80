/*
 * `greenlca batch --rules-dir` then `greenlca export` on the bundled data and rules: the six
 * certification examples, whose verdicts were worked out by hand from the bundled rule files
 * (each failing file's header comment names the one indicator it fails and why: air conditioner
 * E1, APF 4.80 < 5.00; computer E2, standby 0.8 W > 0.5 W; tile V5, NOx 220 > 180 mg/m3).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runcmd.h"

#define SRC GLCA_SOURCE_DIR "/"
#define STUDY                                                                                  \
    "--inventory " SRC "inventories/data/uslci/uslci.inventory.xml --method " SRC              \
    "inventories/data/methods/ipcc-ar6-gwp100.method.xml --rules-dir " SRC "ruleset/rules "

/* The export line (JSON lines) of product `id`. */
static const char *line_of(const char *json, const char *id, char *buf, size_t size)
{
    char key[128];
    const char *at, *end;

    snprintf(key, sizeof key, "\"product\": \"%s\"", id);
    at = strstr(json, key);
    cr_assert_not_null(at, "no product %s in %s", id, json);
    while (at > json && at[-1] != '\n')
        at--;
    end = strchr(at, '\n');
    cr_assert_not_null(end);
    cr_assert_lt((size_t)(end - at), size);
    memcpy(buf, at, (size_t)(end - at));
    buf[end - at] = '\0';
    return buf;
}

static void expect(const char *json, const char *id, bool certified, const char *status,
                   const char *failing)
{
    static char buf[65536];
    const char *line = line_of(json, id, buf, sizeof buf), *item;
    char key[64];

    cr_assert_not_null(strstr(line, certified ? "\"certified\": true" : "\"certified\": false"),
                       "%s: %s", id, line);
    snprintf(key, sizeof key, "\"status\": \"%s\"", status);
    cr_assert_not_null(strstr(line, key), "%s: %s", id, line);
    if (!failing) {
        cr_assert_null(strstr(line, "\"outcome\": \"fail\""), "%s: %s", id, line);
        cr_assert_null(strstr(line, "\"outcome\": \"not-evaluable\""), "%s: %s", id, line);
        return;
    }
    snprintf(key, sizeof key, "{\"id\": \"%s\"", failing);
    item = strstr(line, key);
    cr_assert_not_null(item, "%s: no %s in %s", id, failing, line);
    cr_assert_eq(strncmp(strstr(item, "\"outcome\": "), "\"outcome\": \"fail\"", 17), 0,
                 "%s: %s", id, item);
    /* the stated reason is the only one */
    {
        const char *at = line;
        int fails = 0;

        while ((at = strstr(at, "\"outcome\": \"fail\""))) {
            fails++;
            at++;
        }
        cr_assert_eq(fails, 1, "%s: %s", id, line);
        cr_assert_null(strstr(line, "\"outcome\": \"not-evaluable\""), "%s: %s", id, line);
    }
}

Test(cli_batch, certification_examples_get_their_hand_checked_verdicts, .timeout = 120)
{
    char *dir = make_temp_dir(), cmd[4096], db[1024];
    run_result r;

    cr_assert_not_null(dir);
    snprintf(db, sizeof db, "%s/results.sqlite", dir);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " batch " GLCA_TEST_DIR "/fixtures/cli/certification.catalog.xml " STUDY
                      "--results %s --no-cache --quiet",
             db);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    run_result_free(&r);
    snprintf(cmd, sizeof cmd, GLCA_CLI " export %s --format json", db);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    /* Every bundled threshold but the GB/T 26572-2011 limits is provisional, so the passing
     * products pass on provisional thresholds too, and the failing ones fail only on a
     * provisional threshold (E1, E2, V3): both qualified. */
    expect(r.out, "room-ac-3.5kw-r290", true, "certified-provisional", NULL);
    expect(r.out, "room-ac-3.5kw-r290-apf48", false, "not-certified-provisional", "E1");
    expect(r.out, "desktop-pc-minitower-cert", true, "certified-provisional", NULL);
    expect(r.out, "desktop-computer-standby08", false, "not-certified-provisional", "E2");
    expect(r.out, "thin-porcelain-tile-600x600", true, "certified-provisional", NULL);
    expect(r.out, "thin-porcelain-tile-600x600-nox", false, "not-certified-provisional", "V3");
    run_result_free(&r);
    /* the CSV verdict row: status in outcome, the provisional thresholds in the last column */
    snprintf(cmd, sizeof cmd, GLCA_CLI " export %s --format csv", db);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_not_null(strstr(r.out, ",thin-porcelain-tile-600x600-nox,ok,verdict,ceramic-tile,,0,"
                                     ",,,not-certified-provisional,V3: NOx emission concentration "
                                     "220 mg/m3 > 180 mg/m3 (provisional baseline),V3\n"),
                       "%s", r.out);
    run_result_free(&r);
    /* the summary of the same run (nothing left to do) counts the two kinds apart */
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " batch " GLCA_TEST_DIR "/fixtures/cli/certification.catalog.xml " STUDY
                      "--results %s --no-cache",
             db);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "verdicts: 0 certified, 3 certified on provisional "
                                     "thresholds, 3 not certified (3 of them on provisional "
                                     "thresholds), 0 not evaluable"),
                       "%s", r.err);
    run_result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}
