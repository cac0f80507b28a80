/*
 * `greenlca batch` straight on EcoSpold 1 data with --allocation, --provider-map and
 * --linking-report, as a user runs it.  The mill (tests/common/mill.h, which
 * tests/inventories/test_ecospold1.c reads too) makes 10 kg flour and 5 kg bran from 20 kg
 * wheat, emitting 2 kg CO2; its allocation records give the CO2 60 % to the flour and 40 % to
 * the bran.  The method counts CO2 only (factor 1).
 *   --allocation data: 1 kg flour = 0.6 × 2 / 10 = 0.12 kg CO2, 1 kg bran = 0.4 × 2 / 5 = 0.16
 *     loaf (0.5 kg flour) = 0.06, muffin (0.25 kg bran) = 0.04
 *   --allocation none: the flour process stands for its 10 kg flour alone, 1 kg = 2 / 10 = 0.2,
 *     loaf = 0.1; the bran is left out (one coproduct line in the report), so the muffin, which
 *     asks for the process flour/bran, is a product error.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mill.h"
#include "runcmd.h"

static const char catalog[] =
    "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"bakery\">\n"
    "<product xmlns=\"urn:greenlca:product:1\" id=\"loaf\" name=\"Loaf\" category=\"example\" "
    "functional-unit=\"1 loaf\"><production><input process=\"flour\" amount=\"0.5\" "
    "unit=\"kg\"/></production></product>\n"
    "<product xmlns=\"urn:greenlca:product:1\" id=\"muffin\" name=\"Muffin\" "
    "category=\"example\" functional-unit=\"1 muffin\"><production><input process=\"flour/bran\" "
    "amount=\"0.25\" unit=\"kg\"/></production></product>\n"
    "</catalog>\n";

/* A provider map with no choice in it, and the same with one more byte in its comment;
 * sha256sum of each, worked out by the coreutils tool. */
static const char map1[] = "consumer,flow,provider\n# no choice to make yet\n";
static const char map1_sha[] = "a2cdaa6d7024cf33914c49d4776e3582b8182ec17112e51ae1e774c859539820";
static const char map2[] = "consumer,flow,provider\n# no choice to make yet, still\n";

typedef struct bakery {
    char *dir, *inv, *meth, *cat, *db;
} bakery;

static void bakery_open(bakery *b)
{
    char path[1024], text[4096];

    b->dir = make_temp_dir();
    mill_ecospold1(text, sizeof text, "20");
    b->inv = write_temp_file(b->dir, "mill.xml", text);
    b->meth = write_temp_file(b->dir, "gwp.method.xml", mill_co2_method);
    b->cat = write_temp_file(b->dir, "bakery.catalog.xml", catalog);
    snprintf(path, sizeof path, "%s/results.sqlite", b->dir);
    b->db = strdup(path);
    cr_assert(b->inv && b->meth && b->cat && b->db);
}

static void bakery_close(bakery *b)
{
    free(b->inv);
    free(b->meth);
    free(b->cat);
    free(b->db);
    free(b->dir);
}

/* greenlca batch on the bakery with `extra` options; the run id the summary names. */
static long batch(const bakery *b, const char *extra, int status, run_result *r)
{
    char cmd[4096];
    const char *at;

    snprintf(cmd, sizeof cmd, GLCA_CLI " batch %s --inventory %s --method %s --results %s %s",
             b->cat, b->inv, b->meth, b->db, extra);
    cr_assert_eq(run_command(r, cmd), 0);
    cr_assert_eq(r->status, status, "%s\nstderr: %s", cmd, r->err);
    at = strstr(r->err, " run ");
    cr_assert_not_null(at, "%s", r->err);
    return strtol(at + 5, NULL, 10);
}

/* The total of product `id` in run `run`, exported as JSON; NAN when stored as an error. */
static double total_of(const bakery *b, long run, const char *id)
{
    char cmd[2048], key[64];
    const char *at, *end;
    run_result r;
    double v;

    snprintf(cmd, sizeof cmd, GLCA_CLI " export %s --run %ld --format json", b->db, run);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    snprintf(key, sizeof key, "\"product\": \"%s\"", id);
    cr_assert_not_null(at = strstr(r.out, key), "%s", r.out);
    end = strchr(at, '\n');
    if (strstr(at, "\"status\": \"error\"") && strstr(at, "\"status\": \"error\"") < end) {
        run_result_free(&r);
        return NAN;
    }
    cr_assert_not_null(at = strstr(at, "\"total\": "), "%s", r.out);
    v = strtod(at + 9, NULL);
    run_result_free(&r);
    return v;
}

static void assert_close(double got, double want)
{
    cr_assert(fabs(got - want) <= 1e-12 * want, "%.17g, not %.17g", got, want);
}

static char *report_of(const char *dir, const char *name)
{
    char path[1024];
    char *text;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_not_null(text = read_whole_file(path, NULL), "%s not written", path);
    return text;
}

/* The run_input row of `role` of `run` as "path|sha256", "" when there is none. */
static void input_row(const bakery *b, long run, const char *role, char *buf, size_t size)
{
    sqlite3 *db;
    sqlite3_stmt *st;

    buf[0] = '\0';
    cr_assert_eq(sqlite3_open_v2(b->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT path || '|' || sha256 FROM run_input "
                                    "WHERE run = ?1 AND role = ?2",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

Test(cli_batch_import, allocation_is_part_of_the_run, .timeout = 60)
{
    bakery b;
    run_result r;
    char extra[1024], row[256], *report;
    long data, none;

    bakery_open(&b);
    snprintf(extra, sizeof extra, "--no-cache --allocation data --linking-report %s/data.json",
             b.dir);
    data = batch(&b, extra, 0, &r);
    run_result_free(&r);
    assert_close(total_of(&b, data, "loaf"), 0.06);
    assert_close(total_of(&b, data, "muffin"), 0.04);
    report = report_of(b.dir, "data.json");
    cr_assert_not_null(strstr(report, "{\"cutoff\": 0, \"ambiguous\": 0, \"coproduct\": 0,"),
                       "%s", report);
    free(report);
    /* the default allocation is data: the same run, resumed with both products stored */
    cr_assert_eq(batch(&b, "--no-cache", 0, &r), data);
    cr_assert_not_null(strstr(r.err, "(2 already stored)"), "%s", r.err);
    run_result_free(&r);
    input_row(&b, data, "option", row, sizeof row);
    cr_assert_str_eq(row, "");

    /* none: a new run, the muffin an error (exit status 1), the bran listed */
    snprintf(extra, sizeof extra, "--no-cache --allocation none --linking-report %s/none.md",
             b.dir);
    none = batch(&b, extra, 1, &r);
    run_result_free(&r);
    cr_assert_neq(none, data);
    assert_close(total_of(&b, none, "loaf"), 0.1);
    cr_assert(isnan(total_of(&b, none, "muffin")));
    report = report_of(b.dir, "none.md");
    cr_assert_not_null(strstr(report, "coproduct"), "%s", report);
    cr_assert_not_null(strstr(report, "bran"), "%s", report);
    free(report);
    input_row(&b, none, "option", row, sizeof row);
    cr_assert_str_eq(row, "allocation=none|-");
    /* and again: that run resumed, nothing redone */
    cr_assert_eq(batch(&b, "--no-cache --allocation none", 1, &r), none);
    cr_assert_not_null(strstr(r.err, "(2 already stored)"), "%s", r.err);
    run_result_free(&r);
    /* the first run is still there to resume */
    cr_assert_eq(batch(&b, "--no-cache --allocation data", 0, &r), data);
    run_result_free(&r);
    bakery_close(&b);
}

Test(cli_batch_import, json_linking_report_counts, .timeout = 60)
{
    bakery b;
    run_result r;
    char extra[1024], *report;

    bakery_open(&b);
    snprintf(extra, sizeof extra, "--no-cache --allocation none --linking-report %s/link.json",
             b.dir);
    batch(&b, extra, 1, &r);
    run_result_free(&r);
    report = report_of(b.dir, "link.json");
    cr_assert_not_null(strstr(report, "{\"cutoff\": 0, \"ambiguous\": 0, \"coproduct\": 1, "
                                      "\"dangling\": 0,"),
                       "%s", report);
    cr_assert_not_null(strstr(report, "\"process\": \"flour\", \"flow\": \"bran\", \"amount\": 5"),
                       "%s", report);
    free(report);
    bakery_close(&b);
}

Test(cli_batch_import, provider_map_bytes_are_part_of_the_run, .timeout = 60)
{
    bakery b;
    run_result r;
    char extra[1024], row[256], want[1200], *map;
    long plain, mapped, edited;

    bakery_open(&b);
    plain = batch(&b, "--no-cache", 0, &r);
    run_result_free(&r);
    map = write_temp_file(b.dir, "providers.csv", map1);
    snprintf(extra, sizeof extra, "--no-cache --provider-map %s", map);
    mapped = batch(&b, extra, 0, &r);
    run_result_free(&r);
    cr_assert_neq(mapped, plain);
    input_row(&b, mapped, "provider-map", row, sizeof row);
    snprintf(want, sizeof want, "%s|%s", map, map1_sha);
    cr_assert_str_eq(row, want);
    /* the map chooses nothing here: the same numbers */
    assert_close(total_of(&b, mapped, "loaf"), 0.06);
    cr_assert_eq(batch(&b, extra, 0, &r), mapped);
    run_result_free(&r);
    /* a byte more in the map: another run */
    free(write_temp_file(b.dir, "providers.csv", map2));
    edited = batch(&b, extra, 0, &r);
    run_result_free(&r);
    cr_assert(edited != mapped && edited != plain);
    free(map);
    bakery_close(&b);
}

/* The Lambda cache keeps one background per allocation: the second allocation is not served
 * the first one's background, and each is served its own on the next run. */
Test(cli_batch_import, lambda_cache_follows_the_allocation, .timeout = 60)
{
    bakery b;
    run_result r;
    char extra[1024];
    long data, none, run;

    bakery_open(&b);
    snprintf(extra, sizeof extra, "--cache-dir %s/cache --fresh --allocation data", b.dir);
    data = batch(&b, extra, 0, &r);
    cr_assert_null(strstr(r.err, "from the Lambda cache"), "%s", r.err);
    run_result_free(&r);
    snprintf(extra, sizeof extra, "--cache-dir %s/cache --fresh --allocation none", b.dir);
    none = batch(&b, extra, 1, &r);
    cr_assert_null(strstr(r.err, "from the Lambda cache"), "%s", r.err);
    run_result_free(&r);
    assert_close(total_of(&b, none, "loaf"), 0.1);
    /* --fresh redoes the products; the backgrounds now come from the cache */
    snprintf(extra, sizeof extra, "--cache-dir %s/cache --fresh --allocation data", b.dir);
    run = batch(&b, extra, 0, &r);
    cr_assert_not_null(strstr(r.err, "from the Lambda cache"), "%s", r.err);
    run_result_free(&r);
    assert_close(total_of(&b, run, "loaf"), 0.06);
    assert_close(total_of(&b, run, "muffin"), 0.04);
    snprintf(extra, sizeof extra, "--cache-dir %s/cache --fresh --allocation none", b.dir);
    run = batch(&b, extra, 1, &r);
    cr_assert_not_null(strstr(r.err, "from the Lambda cache"), "%s", r.err);
    run_result_free(&r);
    assert_close(total_of(&b, run, "loaf"), 0.1);
    cr_assert_neq(run, data);
    /* a linking report asked for is written even when the cache holds the background */
    snprintf(extra, sizeof extra,
             "--cache-dir %s/cache --allocation none --linking-report %s/again.json", b.dir,
             b.dir);
    batch(&b, extra, 1, &r);
    run_result_free(&r);
    free(report_of(b.dir, "again.json"));
    bakery_close(&b);
}
