/*
 * The results store on its own (internal API, results_store.h): schema version, verdict rows
 * written and exported, a store from a newer greenlca refused, the bitmap of stored ordinals.
 * The background is the spec's worked example (one category, gwp100, "kg CO2-eq").
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "inventories/store/results_store.h"

#define FIXTURES GLCA_TEST_DIR "/fixtures/xml/"

static glca_background *example_background(void)
{
    const char *inv[] = {FIXTURES "loop.inventory.xml"};
    glca_background *bg = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_load_background(&bg, inv, 1, FIXTURES "gwp.method.xml", NULL, NULL, NULL,
                                      &err),
                 0, "%s", err.message);
    return bg;
}

static char *temp_db(const char *name)
{
    char *dir = malloc(64), *path = malloc(128);

    snprintf(dir, 64, "/tmp/glca-store-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, 128, "%s/%s", dir, name);
    free(dir);
    return path;
}

static const glca_inventories__run_desc desc = {
    "k1", "cat.xml", "c0", "m.xml", "m0", "example-gwp", NULL, NULL, 0, "rules@1", NULL, 0};

Test(inventories_results_store, verdict_rows_are_stored_and_exported)
{
    glca_background *bg = example_background();
    glca_inventories__store *s = NULL;
    glca_inventories__slot slots[3];
    glca_error err = GLCA_ERROR_INIT;
    glca_indicator_row row = {"R1", true, 90, true, 85, ">=", "pass", NULL};
    glca_indicator_row missing = {"E1", false, 0, true, 5, ">=", "not-evaluable",
                                  "E1: apf not declared"};
    double impacts[3][GLCA_NSTAGES] = {{1, 2, 3, 4, 5}, {0.5, 0, 0, 0, 0}, {0}};
    char *path = temp_db("s.sqlite"), *out = NULL;
    unsigned char *bits = NULL;
    size_t nbits = 0, len = 0, i;
    long long run;
    bool resumed;
    FILE *f;

    cr_assert_eq(glca_inventories__store_open(&s, path, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__store_begin_run(s, &desc, bg, false, &run, &resumed, &err), 0);
    cr_assert(!resumed);
    memset(slots, 0, sizeof slots);
    for (i = 0; i < 3; i++) {
        glca_verdict_rows_init(&slots[i].verdict);
        slots[i].ordinal = i;
        slots[i].ok = true;
        slots[i].impacts = impacts[i];
    }
    cr_assert_eq(glca_verdict_rows_set(&slots[0].verdict, false, "rules", &err), 0);
    cr_assert_eq(glca_verdict_rows_add(&slots[0].verdict, &row, &err), 0);
    cr_assert_eq(glca_verdict_rows_add(&slots[0].verdict, &missing, &err), 0);
    cr_assert_eq(glca_verdict_rows_add_reason(&slots[0].verdict, "E1: apf not declared", &err),
                 0);
    cr_assert_eq(glca_verdict_rows_add_reason(&slots[0].verdict, "second reason", &err), 0);
    cr_assert_str_eq(slots[0].verdict.reasons, "E1: apf not declared\nsecond reason");
    slots[1].ok = false;
    snprintf(slots[1].message, sizeof slots[1].message, "cat.xml:7:3: broken");
    snprintf(slots[1].source, sizeof slots[1].source, "cat.xml:7");
    slots[2].skip = true; /* stored by an earlier attempt: not written */
    cr_assert_eq(glca_inventories__store_write_chunk(s, run, slots, 3, 1, &err), 0, "%s",
                 err.message);
    cr_assert_eq(glca_inventories__store_stored(s, run, &bits, &nbits, &err), 0);
    cr_assert_eq(nbits, 2); /* ordinals 0 and 1 */
    cr_assert_eq(bits[0], 3);
    glca_free(bits);
    glca_inventories__store_close(s);

    /* reopening finds the run by its key */
    cr_assert_eq(glca_inventories__store_open(&s, path, &err), 0);
    cr_assert_eq(glca_inventories__store_begin_run(s, &desc, bg, false, &run, &resumed, &err), 0);
    cr_assert(resumed);
    glca_inventories__store_close(s);

    f = open_memstream(&out, &len);
    cr_assert_eq(glca_results_export(f, path, GLCA_EXPORT_JSON, 0, &err), 0, "%s", err.message);
    fclose(f);
    /* total = 1 + 2 + 3 + 4 + 5 = 15, stages in order */
    cr_assert_not_null(strstr(out, "\"gwp100\": {\"unit\": \"kg CO2-eq\", \"total\": 15, "
                                   "\"stages\": {\"raw-materials\": 1, \"production\": 2, "
                                   "\"distribution\": 3, \"use\": 4, \"end-of-life\": 5}}"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "\"verdict\": {\"ruleset\": \"rules\", \"certified\": false"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "{\"id\": \"E1\", \"value\": null, \"baseline\": 5, "
                                   "\"comparator\": \">=\", \"outcome\": \"not-evaluable\"}"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "\"reasons\": [\"E1: apf not declared\", \"second reason\"]"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "{\"ordinal\": 1, \"product\": null, \"source\": \"cat.xml:7\","
                                   " \"status\": \"error\", \"message\": \"cat.xml:7:3: broken\"}"),
                       "%s", out);
    cr_assert_null(strstr(out, "\"ordinal\": 2"), "a skipped slot was written");
    free(out);

    f = open_memstream(&out, &len);
    cr_assert_eq(glca_results_export(f, path, GLCA_EXPORT_CSV, 0, &err), 0);
    fclose(f);
    cr_assert_not_null(strstr(out, "0,ordinal 0,ok,indicator,R1,,90,,85,>=,pass,,\n"), "%s",
                       out);
    cr_assert_not_null(strstr(out, "0,ordinal 0,ok,verdict,rules,,0,,,,not-certified,\"E1: apf "
                                   "not declared\nsecond reason\",\n"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "1,ordinal 1 at cat.xml:7,error,error,,,,,,,,"
                                   "cat.xml:7:3: broken,\n"), "%s", out);
    free(out);
    for (i = 0; i < 3; i++)
        glca_verdict_rows_free(&slots[i].verdict);
    glca_background_free(bg);
    free(path);
}

Test(inventories_results_store, newer_schema_is_refused_and_missing_run_reported)
{
    glca_inventories__store *s = NULL;
    glca_error err = GLCA_ERROR_INIT;
    char *path = temp_db("new.sqlite");
    sqlite3 *db;
    FILE *f = fopen("/dev/null", "w");

    cr_assert_eq(glca_inventories__store_open(&s, path, &err), 0);
    glca_inventories__store_close(s);
    cr_assert_eq(glca_results_export(f, path, GLCA_EXPORT_CSV, 0, &err), GLCA_ENOTFOUND);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(glca_inventories__store_open(&s, path, &err), GLCA_EIO);
    cr_assert_not_null(strstr(err.message, "schema version 3"), "%s", err.message);
    cr_assert_null(s);
    fclose(f);
    free(path);
}

/* A store written with schema 1 (no verdict status) gains the two verdict columns, NULL in old
 * rows, when this greenlca opens it; nothing else changes. */
Test(inventories_results_store, schema_1_gains_the_verdict_status_columns)
{
    glca_inventories__store *s = NULL;
    glca_error err = GLCA_ERROR_INIT;
    char *path = temp_db("v1.sqlite");
    sqlite3 *db;
    sqlite3_stmt *st;

    cr_assert_eq(glca_inventories__store_open(&s, path, &err), 0, "%s", err.message);
    glca_inventories__store_close(s);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "ALTER TABLE verdict DROP COLUMN status;"
                              " ALTER TABLE verdict DROP COLUMN provisional;"
                              " INSERT INTO verdict VALUES (1, 0, 'r', 1, '');"
                              " PRAGMA user_version = 1",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    s = NULL;
    cr_assert_eq(glca_inventories__store_open(&s, path, &err), 0, "%s", err.message);
    glca_inventories__store_close(s);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT (SELECT user_version FROM pragma_user_version),"
                                    " status IS NULL, provisional IS NULL, certified FROM verdict",
                                    -1, &st, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 2);
    cr_assert_eq(sqlite3_column_int(st, 1), 1);
    cr_assert_eq(sqlite3_column_int(st, 2), 1);
    cr_assert_eq(sqlite3_column_int(st, 3), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
    unlink(path);
    free(path);
}

static void count_call(void *payload)
{
    ++*(int *)payload;
}

typedef struct holder {
    sqlite3 *db;
    long hold_ns;
} holder;

static void *release_later(void *arg)
{
    holder *h = arg;
    const struct timespec t = {0, h->hold_ns};

    nanosleep(&t, NULL);
    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    return NULL;
}

/* While a write waits for another connection's lock, and every few thousand steps while it
 * writes, the handle calls its `meanwhile` hook (rank 0 answers the other ranks then); the
 * write itself is done once the lock is free, and without a hook nothing is called. */
Test(inventories_results_store, a_write_calls_its_hook_while_it_waits_and_writes)
{
    glca_background *bg = example_background();
    glca_inventories__store *s = NULL;
    glca_inventories__slot slots[400];
    glca_error err = GLCA_ERROR_INIT;
    double impacts[GLCA_NSTAGES] = {1, 2, 3, 4, 5};
    char *path = temp_db("w.sqlite");
    holder h = {NULL, 50000000L};
    pthread_t t;
    long long run;
    bool resumed;
    int calls = 0;
    size_t i;

    cr_assert_eq(glca_inventories__store_open(&s, path, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__store_begin_run(s, &desc, bg, false, &run, &resumed, &err), 0);
    memset(slots, 0, sizeof slots);
    for (i = 0; i < 400; i++) {
        glca_verdict_rows_init(&slots[i].verdict);
        slots[i].ordinal = i;
        slots[i].ok = true;
        slots[i].impacts = impacts;
    }
    /* another connection holds the write lock for 50 ms */
    cr_assert_eq(sqlite3_open(path, &h.db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h.db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(pthread_create(&t, NULL, release_later, &h), 0);
    glca_inventories__store_set_meanwhile(s, count_call, &calls);
    cr_assert_eq(glca_inventories__store_write_chunk(s, run, slots, 1, 1, &err), 0, "%s",
                 err.message);
    pthread_join(t, NULL);
    sqlite3_close(h.db);
    /* tries every 0.1 ms during the 50 ms at least, give or take the sleeps' overshoot */
    cr_assert_gt(calls, 20, "%d calls", calls);
    /* no one else writing: the steps of 399 products' rows call it too */
    calls = 0;
    cr_assert_eq(glca_inventories__store_write_chunk(s, run, slots + 1, 399, 1, &err), 0);
    cr_assert_gt(calls, 0);
    glca_inventories__store_set_meanwhile(s, NULL, NULL);
    calls = 0;
    for (i = 0; i < 400; i++)
        slots[i].ordinal = 400 + i;
    cr_assert_eq(glca_inventories__store_write_chunk(s, run, slots, 400, 1, &err), 0);
    cr_assert_eq(calls, 0);
    glca_inventories__store_close(s);
    glca_background_free(bg);
    unlink(path);
    free(path);
}
