/*
 * The batch driver end to end over the worked example of the spec (loop.inventory.xml,
 * gwp.method.xml, heater.product.xml, copied into tests/fixtures/xml): impacts and error rows in
 * the store, resume after kill -9, thread-count identity, the Lambda cache and its
 * invalidation, and the CLI's batch + export round trip.
 *
 * Expected numbers come from the worked example's README (spec/examples/README.md):
 *   A = [[1, -0.5], [-0.001, 1]], det A = 0.9995, C·B = [0.6098, 1.9],
 *   Lambda = [0.6117, 2.2049] / 0.9995 = [0.612006003002, 2.206003001501] kg CO2-eq per kWh
 *   (grid) and per kg (steel-sheet).
 *   heater: raw-materials 7.721010505253, production 1.224012006003, use 619.716003001501,
 *           total 628.661025512757.
 *   "grid-10" (10 kWh in use): 10 × 0.6117 / 0.9995 = 6.12006003002 (use).
 *   "steel-2" (2 kg steel-sheet in production): 2 × 2.2049 / 0.9995 = 4.412006003002.
 *   With the CO2 factor changed from 1 to 2: C·B = [2·0.58 + 29.8·0.001, 2·1.9] = [1.1898, 3.8],
 *   Lambda_grid = (1.1898 + 0.001·3.8) / 0.9995 = 1.1936 / 0.9995, so grid-10 = 11.941970985493.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <glca/inventories.h>

#include "helpers_study.h"
#include "runcmd.h"

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};

    nanosleep(&ts, NULL);
}

/* The worked example's catalog: line numbers matter (the bad input is on line 8). */
static const char example_catalog[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"
    "  <include href=\"heater.product.xml\"/>\n"
    "  <product xmlns=\"urn:greenlca:product:1\" id=\"grid-10\" category=\"x\">\n"
    "    <use><input process=\"grid\" amount=\"10\" unit=\"kWh\"/></use>\n"
    "  </product>\n"
    "  <product xmlns=\"urn:greenlca:product:1\" id=\"bad\" category=\"x\">\n"
    "    <use><input process=\"nope\" amount=\"10\" unit=\"kWh\"/></use>\n"
    "  </product>\n"
    "  <product xmlns=\"urn:greenlca:product:1\" id=\"steel-2\" category=\"x\">\n"
    "    <production><input process=\"steel-sheet\" amount=\"2\" unit=\"kg\"/></production>\n"
    "  </product>\n"
    "</catalog>\n";

static double impact_of(sqlite3 *db, const char *product, const char *column)
{
    char sql[256];
    sqlite3_stmt *st;
    double v = -1;

    snprintf(sql, sizeof sql,
             "SELECT i.%s FROM impact i JOIN product p USING (run, ordinal) WHERE p.id = '%s'"
             " AND i.run = (SELECT max(id) FROM run)",
             column, product);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no impact for %s", product);
    v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void assert_rel(double got, double want, double tol, const char *what)
{
    cr_assert(fabs(got - want) <= tol * fabs(want), "%s: got %.17g, want %.17g", what, got, want);
}

Test(inventories_batch, worked_example_impacts_and_error_row, .timeout = 60)
{
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *catalog, *results, msg[1024];
    sqlite3 *db;
    sqlite3_stmt *st;

    study_init(&s, 0);
    catalog = write_temp_file(s.dir, "catalog.xml", example_catalog);
    results = path_in(s.dir, "out.sqlite");
    study_options(&o, &s, catalog, results);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.ok, 3);
    cr_assert_eq(sum.errors, 1);
    cr_assert_eq(sum.processed, 4);

    db = open_db(results);
    assert_rel(impact_of(db, "heater", "total"), 628.661025512757, 1e-11, "heater total");
    assert_rel(impact_of(db, "heater", "raw_materials"), 7.721010505253, 1e-11, "heater raw");
    assert_rel(impact_of(db, "heater", "production"), 1.224012006003, 1e-11, "heater prod");
    assert_rel(impact_of(db, "heater", "use"), 619.716003001501, 1e-11, "heater use");
    cr_assert_eq(impact_of(db, "heater", "distribution"), 0.0);
    assert_rel(impact_of(db, "grid-10", "use"), 6.12006003002, 1e-11, "grid-10");
    assert_rel(impact_of(db, "steel-2", "production"), 4.412006003002, 1e-11, "steel-2");
    cr_assert_eq(query_int(db, "PRAGMA user_version"), 2);
    /* the bad product: ordinal 2, status error, message with file:line of the bad input */
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT ordinal, message FROM product WHERE status = 'error'",
                                    -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 2);
    snprintf(msg, sizeof msg, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    cr_assert_not_null(strstr(msg, "catalog.xml:8:"), "message: %s", msg);
    cr_assert_not_null(strstr(msg, "nope"), "message: %s", msg);
    /* the run records the content hashes of its inputs: the inventory, the method, the catalog
     * and the heater.product.xml it includes */
    cr_assert_eq(query_int(db, "SELECT count(*) FROM run_input WHERE length(sha256) = 64"), 4);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM run_input WHERE role = 'include' AND"
                               " path LIKE '%/heater.product.xml'"),
                 1);
    sqlite3_close(db);
    free(catalog);
    free(results);
    study_free(&s);
}

/* A verdict callback that only slows the batch down, so the test can kill it mid-run. */
static int slow_judge(glca_verdict_rows *out, const glca_product *p, const glca_background *bg,
                      const double *impacts, glca_error *err, void *payload)
{
    (void)out, (void)p, (void)bg, (void)impacts, (void)err, (void)payload;
    sleep_us(300);
    return 0;
}

/* The batch of `o` in a child process slowed down by slow_judge, returned once it has committed
 * its first chunk (of 50) and left running. */
static pid_t start_slow_batch(glca_batch_options *o)
{
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    long long stored = 0;
    sqlite3 *db;
    pid_t child;
    int polls;

    /* fork before this process has started any OpenMP thread */
    child = fork();
    cr_assert(child >= 0);
    if (child == 0) {
        o->verdict = slow_judge;
        _exit(glca_batch_run(&sum, o, &err) < 0 ? 1 : 0);
    }
    for (polls = 0; polls < 20000 && stored < 50; polls++) {
        sleep_us(1000);
        if (access(o->results, F_OK) != 0)
            continue;
        db = open_db(o->results);
        if (query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'product'") == 1)
            stored = query_int(db, "SELECT count(*) FROM product");
        sqlite3_close(db);
    }
    return child;
}

/* Kill the child without warning; it must not have finished before. */
static void kill_batch(pid_t child)
{
    int status;

    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    cr_assert(WIFSIGNALED(status), "the child finished before it could be killed");
}

Test(inventories_batch, resumes_after_kill_9_without_redoing_or_losing, .timeout = 120)
{
    const size_t n = 3000;
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *catalog, *results, *reference;
    long long stored;
    sqlite3 *db;

    study_init(&s, 0);
    catalog = study_big_catalog(&s, "big.xml", n);
    results = path_in(s.dir, "resume.sqlite");
    reference = path_in(s.dir, "reference.sqlite");
    study_options(&o, &s, catalog, results);
    o.chunk = 50;

    /* at least one chunk committed, then killed without warning */
    kill_batch(start_slow_batch(&o));
    db = open_db(results);
    stored = query_int(db, "SELECT count(*) FROM product");
    sqlite3_close(db);
    cr_assert(stored >= 50 && stored < (long long)n, "stored %lld", stored);
    cr_assert_eq(stored % 50, 0, "a chunk was half-written: %lld", stored);

    /* the same command again: skips what is stored, does the rest */
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.skipped, (size_t)stored);
    cr_assert_eq(sum.processed, n - (size_t)stored);
    cr_assert_eq(sum.ok, n);
    db = open_db(results);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM run"), 1);
    cr_assert_eq(query_int(db, "SELECT count(DISTINCT ordinal) FROM product"), (long long)n);
    cr_assert_eq(query_int(db, "SELECT max(ordinal) FROM product"), (long long)n - 1);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM impact"), (long long)n);
    cr_assert_eq(query_int(db, "SELECT status = 'done' FROM run"), 1);
    /* product p41: 42 kWh grid in use = 42 × 0.6117 / 0.9995 */
    assert_rel(impact_of(db, "p41", "use"), 42 * 0.6117 / 0.9995, 1e-12, "p41 use");
    sqlite3_close(db);

    /* equal, bitwise, to a run that was never interrupted */
    o.results = reference;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_eq(same_impacts(results, reference), (long long)n);

    /* --fresh starts over */
    o.results = results;
    o.fresh = true;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_eq(sum.skipped, 0);
    cr_assert_eq(sum.processed, n);
    db = open_db(results);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM product"), (long long)n);
    sqlite3_close(db);
    free(catalog);
    free(results);
    free(reference);
    study_free(&s);
}

Test(inventories_batch, one_and_two_threads_are_bitwise_identical, .timeout = 60)
{
    const size_t n = 2000;
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *catalog, *one, *two;

    study_init(&s, 0);
    catalog = study_big_catalog(&s, "big.xml", n);
    one = path_in(s.dir, "one.sqlite");
    two = path_in(s.dir, "two.sqlite");
    study_options(&o, &s, catalog, one);
    o.chunk = 64;
    o.threads = 1;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    o.results = two;
    o.threads = 2;
    o.chunk = 37; /* other chunk boundaries too */
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_eq(same_impacts(one, two), (long long)n);
    free(catalog);
    free(one);
    free(two);
    study_free(&s);
}

Test(inventories_batch, lambda_cache_hits_and_any_input_change_misses, .timeout = 60)
{
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *catalog, *r1, *r2, *r3, *cache, path[2048], hex[GLCA_SHA256_HEX];
    unsigned char key[GLCA_SHA256_SIZE];
    sqlite3 *db;
    FILE *f;

    study_init(&s, 0);
    catalog = write_temp_file(s.dir, "catalog.xml", example_catalog);
    r1 = path_in(s.dir, "r1.sqlite");
    r2 = path_in(s.dir, "r2.sqlite");
    r3 = path_in(s.dir, "r3.sqlite");
    cache = path_in(s.dir, "cache/nested");
    study_options(&o, &s, catalog, r1);
    o.cache_dir = cache;

    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(!sum.cache.hit);
    cr_assert(sum.cache.stored, "%s", sum.cache.warning);
    o.results = r2;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.cache.hit, "%s", sum.cache.warning);
    /* the cached background gives the same numbers, bitwise */
    cr_assert_eq(same_impacts(r1, r2), 3);

    /* a byte appended to the method that changes no number still changes the key */
    f = fopen(s.method, "a");
    fputs("<!-- edited -->\n", f);
    fclose(f);
    o.results = r3;
    o.fresh = true;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(!sum.cache.hit);
    cr_assert(sum.cache.stored);
    /* a changed factor misses and the new numbers are the new method's */
    replace_in(s.method, "flow=\"co2-fossil\" value=\"1\"", "flow=\"co2-fossil\" value=\"2\"");
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(!sum.cache.hit);
    db = open_db(r3);
    assert_rel(impact_of(db, "grid-10", "use"), 11.941970985493, 1e-11, "grid-10, CO2 = 2");
    sqlite3_close(db);

    /* a truncated cache file is ignored with a warning, and rewritten */
    cr_assert_eq(glca_lambda_cache_key(key, s.inv, 1, s.method, &o.background, &err), 0);
    glca_sha256_hex(key, hex);
    snprintf(path, sizeof path, "%s/%s.lambda", cache, hex);
    cr_assert_eq(truncate(path, 100), 0, "cache file %s", path);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(!sum.cache.hit);
    cr_assert_not_null(strstr(sum.cache.warning, "truncated"), "%s", sum.cache.warning);
    cr_assert(sum.cache.stored);
    /* one flipped byte in the payload: checksum mismatch */
    f = fopen(path, "r+b");
    fseek(f, 200, SEEK_SET);
    fputc(0x55 ^ fgetc(f), f);
    fseek(f, 200, SEEK_SET);
    fputc('X', f);
    fclose(f);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(!sum.cache.hit);
    cr_assert_not_null(strstr(sum.cache.warning, "checksum"), "%s", sum.cache.warning);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.cache.hit);
    free(catalog);
    free(r1);
    free(r2);
    free(r3);
    free(cache);
    study_free(&s);
}

Test(inventories_batch, cli_batch_then_export_round_trips_values, .timeout = 60)
{
    study s;
    run_result r;
    char cmd[4096], *catalog, *results, *line;
    size_t rows = 0;
    sqlite3 *db;

    study_init(&s, 0);
    catalog = write_temp_file(s.dir, "catalog.xml", example_catalog);
    results = path_in(s.dir, "cli.sqlite");
    snprintf(cmd, sizeof cmd,
             "'%s' batch '%s' --inventory '%s' --method '%s' --results '%s' --no-cache",
             GLCA_CLI, catalog, s.inventory, s.method, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    /* one product is bad: stored, reported, exit status 1 */
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "3 ok, 1 error"), "stderr: %s", r.err);
    run_result_free(&r);

    snprintf(cmd, sizeof cmd, "'%s' export '%s' --format csv", GLCA_CLI, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    db = open_db(results);
    /* every impact value printed reads back as the stored double */
    for (line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
        char product[64], category[64], stage[64], column[64], sql[512];
        double value, stored;
        char *p;
        sqlite3_stmt *st;

        if (sscanf(line, "%*d,%63[^,],ok,impact,%63[^,],%63[^,],%lf", product, category, stage,
                   &value) != 4)
            continue;
        snprintf(column, sizeof column, "%s", stage);
        for (p = column; *p; p++)
            if (*p == '-')
                *p = '_';
        snprintf(sql, sizeof sql,
                 "SELECT i.%s FROM impact i JOIN product p USING (run, ordinal)"
                 " JOIN category c ON c.run = i.run AND c.idx = i.category"
                 " WHERE p.id = '%s' AND c.id = '%s'",
                 column, product, category);
        cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        stored = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
        cr_assert(memcmp(&stored, &value, sizeof value) == 0, "%s: %.17g vs %.17g", line,
                  value, stored);
        rows++;
    }
    sqlite3_close(db);
    /* 3 good products × 1 category × (5 stages + total) */
    cr_assert_eq(rows, 18);
    run_result_free(&r);

    snprintf(cmd, sizeof cmd, "'%s' export '%s' --format json", GLCA_CLI, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0);
    line = strstr(r.out, "\"product\": \"heater\"");
    cr_assert_not_null(line);
    line = strstr(line, "\"total\": ");
    cr_assert_not_null(line);
    assert_rel(strtod(line + 9, NULL), 628.661025512757, 1e-11, "heater total from JSON");
    cr_assert_not_null(strstr(r.out, "\"status\": \"error\", \"message\": \""));
    run_result_free(&r);
    free(catalog);
    free(results);
    study_free(&s);
}

/* Line 4 is a product without an id: the reader rejects it before any id is known. */
static const char anonymous_catalog[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"
    "  <product xmlns=\"urn:greenlca:product:1\" id=\"grid-10\" category=\"x\">\n"
    "    <use><input process=\"grid\" amount=\"10\" unit=\"kWh\"/></use></product>\n"
    "  <product xmlns=\"urn:greenlca:product:1\" category=\"x\">\n"
    "    <use><input process=\"grid\" amount=\"1\" unit=\"kWh\"/></use></product>\n"
    "</catalog>\n";

Test(inventories_batch, quiet_speaks_on_failure_and_export_names_anonymous_products,
     .timeout = 60)
{
    study s;
    run_result r;
    char cmd[4096], *good, *bad, *results;

    study_init(&s, 0);
    good = write_temp_file(s.dir, "good.xml",
                           "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"g\">\n"
                           "  <include href=\"heater.product.xml\"/>\n</catalog>\n");
    bad = write_temp_file(s.dir, "bad.xml", anonymous_catalog);
    results = path_in(s.dir, "quiet.sqlite");

    /* success: quiet is silent */
    snprintf(cmd, sizeof cmd,
             "'%s' batch '%s' --inventory '%s' --method '%s' --results '%s' --no-cache --quiet",
             GLCA_CLI, good, s.inventory, s.method, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_str_eq(r.err, "");
    run_result_free(&r);

    /* a product is an error: exit 1, and stderr says how many and where to look */
    snprintf(cmd, sizeof cmd,
             "'%s' batch '%s' --inventory '%s' --method '%s' --results '%s' --no-cache --quiet",
             GLCA_CLI, bad, s.inventory, s.method, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "1 ok, 1 error"), "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "greenlca export"), "stderr: %s", r.err);
    run_result_free(&r);

    /* the anonymous product (ordinal 1, line 5 of bad.xml) is named by ordinal and place */
    snprintf(cmd, sizeof cmd, "'%s' export '%s' --format csv", GLCA_CLI, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    snprintf(cmd, sizeof cmd, "\n1,ordinal 1 at %s:5,error,error,", bad);
    cr_assert_not_null(strstr(r.out, cmd), "want '%s' in:\n%s", cmd, r.out);
    cr_assert_not_null(strstr(r.out, "\n0,grid-10,ok,impact,"), "%s", r.out);
    run_result_free(&r);
    free(good);
    free(bad);
    free(results);
    study_free(&s);
}

static void set_writer(const char *results, const char *sql)
{
    sqlite3 *db = open_db(results);

    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

Test(inventories_batch, second_writer_stops_at_once_and_dead_writer_is_taken_over,
     .timeout = 120)
{
    const size_t n = 3000;
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *catalog, *results, cmd[4096], want[1024], host[256];
    long long stored;
    run_result r;
    sqlite3 *db;
    pid_t child;
    int polls, status;

    study_init(&s, 0);
    catalog = study_big_catalog(&s, "big.xml", n);
    results = path_in(s.dir, "shared.sqlite");
    study_options(&o, &s, catalog, results);
    o.chunk = 50;
    cr_assert_eq(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';

    child = start_slow_batch(&o);
    /* a second batch on the store: refused before any work, naming the writer */
    snprintf(cmd, sizeof cmd,
             "'%s' batch '%s' --inventory '%s' --method '%s' --results '%s' --no-cache --quiet",
             GLCA_CLI, catalog, s.inventory, s.method, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    snprintf(want, sizeof want, "results store %s in use by process %d (host %s) since ",
             results, (int)child, host);
    cr_assert_not_null(strstr(r.err, want), "want '%s' in: %s", want, r.err);
    run_result_free(&r);

    kill_batch(child);
    /* the dead writer's row is left behind, and taken over */
    db = open_db(results);
    cr_assert_eq(query_int(db, "SELECT pid FROM writer"), (long long)child);
    stored = query_int(db, "SELECT count(*) FROM product");
    sqlite3_close(db);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.skipped, (size_t)stored);
    db = open_db(results);
    cr_assert_eq(query_int(db, "SELECT count(DISTINCT ordinal) FROM product"), (long long)n);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM product"), (long long)n);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM writer"), 0, "the row was not given back");
    sqlite3_close(db);

    /* a live process of this host (our parent, the test runner) holds it: refused */
    snprintf(cmd, sizeof cmd,
             "INSERT INTO writer VALUES (1, %d, '%s', NULL, '2026-01-01T00:00:00Z')",
             (int)getppid(), host);
    set_writer(results, cmd);
    cr_assert_lt(glca_batch_run(&sum, &o, &err), 0);
    snprintf(want, sizeof want, "in use by process %d (host %s) since 2026-01-01T00:00:00Z",
             (int)getppid(), host);
    cr_assert_not_null(strstr(err.message, want), "%s", err.message);
    /* the same pid with another start time is a reused pid: taken over */
    set_writer(results, "UPDATE writer SET process_start = 1");
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    /* another host cannot be checked from here: refused, with the command that clears it */
    set_writer(results, "INSERT INTO writer VALUES (1, 1, 'elsewhere.invalid', NULL, 'then')");
    cr_assert_lt(glca_batch_run(&sum, &o, &err), 0);
    snprintf(want, sizeof want,
             "in use by process 1 on host elsewhere.invalid since then (another host: if it is "
             "gone, 'greenlca store unlock %s')",
             results);
    cr_assert_not_null(strstr(err.message, want), "%s", err.message);
    /* which clears it: then the batch goes on */
    cr_assert_eq(glca_results_unlock(results, want, sizeof want, &err), 0, "%s", err.message);
    cr_assert_str_eq(want, "process 1 on host elsewhere.invalid since then");
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    /* a live writer of this host is not cleared */
    snprintf(cmd, sizeof cmd,
             "INSERT INTO writer VALUES (1, %d, '%s', NULL, '2026-01-01T00:00:00Z')",
             (int)getppid(), host);
    set_writer(results, cmd);
    cr_assert_lt(glca_results_unlock(results, want, sizeof want, &err), 0);
    cr_assert_not_null(strstr(err.message, "still runs"), "%s", err.message);
    db = open_db(results);
    cr_assert_eq(query_int(db, "SELECT pid FROM writer"), (long long)getppid());
    sqlite3_close(db);
    /* a writer that exited and is not reaped yet (a zombie, as a killed MPI rank whose mpirun
     * was killed too stays until its new parent reaps it) holds nothing: taken over */
    child = fork();
    cr_assert(child >= 0);
    if (child == 0)
        _exit(0);
    snprintf(cmd, sizeof cmd, "/proc/%d/stat", (int)child);
    for (polls = 0; polls < 1000; polls++) {
        FILE *f = fopen(cmd, "r");
        char line[512] = "";

        cr_assert_not_null(f);
        cr_assert_not_null(fgets(line, sizeof line, f));
        fclose(f);
        if (strstr(line, ") Z "))
            break;
        sleep_us(1000);
    }
    cr_assert_lt(polls, 1000, "the child never became a zombie");
    snprintf(cmd, sizeof cmd, "INSERT OR REPLACE INTO writer VALUES (1, %d, '%s', NULL, 'then')",
             (int)child, host);
    set_writer(results, cmd);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    waitpid(child, &status, 0);
    free(catalog);
    free(results);
    study_free(&s);
}

typedef struct stopper {
    int polls, stop_at;
} stopper;

static bool stop_after(void *payload)
{
    stopper *st = payload;

    return ++st->polls >= st->stop_at;
}

/* n products like write_big_catalog's, but the one at `broken` ends <use> with </usx>: nesting
 * stays balanced, so the splitter's scan cuts the blocks as usual and the parse meets it. */
static char *write_broken_catalog(const study *s, const char *name, size_t n, size_t broken)
{
    char *path = path_in(s->dir, name);
    FILE *f = fopen(path, "w");
    size_t i;

    cr_assert_not_null(f);
    fputs("<?xml version=\"1.0\"?>\n<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"b\">\n", f);
    for (i = 0; i < n; i++)
        fprintf(f,
                "<product xmlns=\"urn:greenlca:product:1\" id=\"p%zu\" category=\"x\">"
                "<use><input process=\"grid\" amount=\"%zu\" unit=\"kWh\"/>%s</product>\n",
                i, i + 1, i == broken ? "</usx>" : "</use>");
    fputs("</catalog>\n", f);
    fclose(f);
    return path;
}

/*
 * Resuming skips the blocks an earlier attempt stored without parsing them again; where the XML
 * breaks, the stream must still end where an uninterrupted run ends it.  Blocks are 16 products
 * and chunks 50, so the chunk of ordinals 100..149 is cut into 100..115, 116..131, ...: a break
 * at 131 is in the last entry of a block, at 120 inside one.  The serial reader ends the stream
 * at malformed XML with one error entry, so an uninterrupted run stores broken + 1 entries.
 */
Test(inventories_batch, resume_over_broken_xml_ends_where_an_uninterrupted_run_does, .timeout = 120)
{
    static const size_t breaks[] = {120, 131};
    const size_t n = 300;
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    size_t b;
    int stops;

    study_init(&s, 0);
    for (b = 0; b < 2; b++) {
        char name[32], *catalog, *reference, *results;
        sqlite3 *db;

        snprintf(name, sizeof name, "broken%zu.xml", breaks[b]);
        catalog = write_broken_catalog(&s, name, n, breaks[b]);
        reference = path_in(s.dir, "reference.sqlite");
        results = path_in(s.dir, "resumed.sqlite");
        study_options(&o, &s, catalog, reference);
        o.chunk = 50;
        o.fresh = true;
        cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
        cr_assert_eq(sum.ok, breaks[b]);
        cr_assert_eq(sum.errors, 1);
        /* rerunning a finished run: nothing to do, nothing added */
        o.fresh = false;
        cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
        cr_assert_eq(sum.processed, 0);
        cr_assert_eq(sum.skipped, breaks[b] + 1);
        db = open_db(reference);
        cr_assert_eq(query_int(db, "SELECT count(*) FROM product"
                                   " WHERE run = (SELECT max(id) FROM run)"),
                     (long long)breaks[b] + 1);
        sqlite3_close(db);
        for (stops = 1; stops <= 3; stops++) {
            stopper st = {0, stops};

            o.results = results;
            o.fresh = true;
            o.should_stop = stop_after;
            o.stop_payload = &st;
            cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
            o.fresh = false;
            o.should_stop = NULL;
            cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
            cr_assert(sum.complete);
            cr_assert_eq(sum.ok, breaks[b], "break %zu, stop %d", breaks[b], stops);
            cr_assert_eq(sum.errors, 1, "break %zu, stop %d", breaks[b], stops);
            cr_assert_eq(same_impacts(results, reference), (long long)breaks[b]);
            db = open_db(results);
            cr_assert_eq(query_int(db, "SELECT ordinal FROM product WHERE status = 'error'"
                                       " AND run = (SELECT max(id) FROM run)"),
                         (long long)breaks[b]);
            sqlite3_close(db);
        }
        o.results = reference;
        free(catalog);
        free(reference);
        free(results);
    }
    study_free(&s);
}
