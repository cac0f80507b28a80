/*
 * Merging a per-rank store into the results store (results_merge.h), as the MPI batch does at
 * the end of a job: every column copied as stored (doubles bit for bit), a part merged twice
 * adding nothing, a part of another run adding nothing, the trim of a catalog that broke off,
 * and the removal of a part with its WAL.  The background is the spec's worked example (one
 * category); the values written are the test's own.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "helpers_study.h"
#include "inventories/store/results_merge.h"
#include "inventories/store/results_store.h"
#include "runcmd.h"

#define FIXTURES GLCA_TEST_DIR "/fixtures/xml/"

static glca_background *example_background(void)
{
    const char *inv[] = {FIXTURES "loop.inventory.xml"};
    glca_background *bg = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(
        glca_load_background(&bg, inv, 1, FIXTURES "gwp.method.xml", NULL, NULL, NULL, &err), 0,
        "%s", err.message);
    return bg;
}

static void temp_dir(char dir[64])
{
    snprintf(dir, 64, "/tmp/glca-merge-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static const glca_inventories__run_desc run_k = {
    "k", "cat.xml", "c0", "m.xml", "m0", "example-gwp", NULL, NULL, 0, "rules@1", NULL, 0};
static const glca_inventories__run_desc run_other = {
    "other", "cat.xml", "c0", "m.xml", "m0", "example-gwp", NULL, NULL, 0, "rules@1", NULL, 0};

/* A store at `path` with run `d` holding `n` slots; returns the run id. */
static long long write_store(const char *path, const glca_inventories__run_desc *d,
                             const glca_background *bg, glca_inventories__slot *slots, size_t n)
{
    glca_inventories__store *s = NULL;
    glca_error err = GLCA_ERROR_INIT;
    long long run;
    bool resumed;

    cr_assert_eq(glca_inventories__store_open(&s, path, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__store_begin_run(s, d, bg, false, &run, &resumed, &err), 0);
    if (n)
        cr_assert_eq(glca_inventories__store_write_chunk(s, run, slots, n, 1, &err), 0, "%s",
                     err.message);
    glca_inventories__store_close(s);
    return run;
}

static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long n;

    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* An SQLite file with a page but no table, as sqlite3_open and a pragma leave it: the part of a
 * rank killed before it created its store's schema. */
static void write_part_without_schema(const char *path)
{
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

Test(inventories_results_merge, copies_every_column_once)
{
    glca_background *bg = example_background();
    glca_inventories__slot slots[2];
    glca_error err = GLCA_ERROR_INIT;
    glca_indicator_row row = {"R1", true, 0.1, true, 1.0 / 3.0, "<=", "pass", NULL};
    /* values whose decimal forms would not round-trip at 15 digits */
    double impacts[GLCA_NSTAGES] = {0.1, 0.2, 1.0 / 3.0, 1e-300, -2.5}, total = 0, got[6];
    char dir[64], target[128], part[128], other[128];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    size_t added, i;
    long long run;
    int k;

    temp_dir(dir);
    snprintf(target, sizeof target, "%s/out.sqlite", dir);
    snprintf(part, sizeof part, "%s/out.sqlite.part-1", dir);
    snprintf(other, sizeof other, "%s/other.sqlite", dir);
    memset(slots, 0, sizeof slots);
    for (i = 0; i < 2; i++)
        glca_verdict_rows_init(&slots[i].verdict);
    slots[0].ordinal = 1;
    slots[0].ok = true;
    slots[0].impacts = impacts;
    snprintf(slots[0].source, sizeof slots[0].source, "cat.xml:12");
    cr_assert_eq(glca_verdict_rows_set(&slots[0].verdict, true, "rules", &err), 0);
    cr_assert_eq(glca_verdict_rows_add(&slots[0].verdict, &row, &err), 0);
    slots[1].ordinal = 3;
    slots[1].ok = false;
    snprintf(slots[1].source, sizeof slots[1].source, "cat.xml:40");
    snprintf(slots[1].message, sizeof slots[1].message, "cat.xml:41:5: no such process");

    /* the target has the run (and nothing of it yet); the part has two products */
    run = write_store(target, &run_k, bg, NULL, 0);
    write_store(part, &run_k, bg, slots, 2);
    write_store(other, &run_other, bg, slots, 2);
    cr_assert_eq(glca_inventories__store_merge(target, run, part, "k", &added, &err), 0, "%s",
                 err.message);
    cr_assert_eq(added, 2);
    cr_assert_eq(glca_inventories__store_merge(target, run, part, "k", &added, &err), 0);
    cr_assert_eq(added, 0, "a part merged twice stored something twice");
    cr_assert_eq(glca_inventories__store_merge(target, run, other, "k", &added, &err), 0);
    cr_assert_eq(added, 0, "rows of another run were merged");

    cr_assert_eq(sqlite3_open(target, &db), SQLITE_OK);
    cr_assert_eq(count(db, "SELECT count(*) FROM product"), 2);
    cr_assert_eq(count(db, "SELECT count(*) FROM impact"), 1);
    cr_assert_eq(count(db, "SELECT count(*) FROM indicator"), 1);
    cr_assert_eq(count(db, "SELECT count(*) FROM verdict WHERE certified AND ruleset = 'rules'"),
                 1);
    cr_assert_eq(count(db, "SELECT count(*) FROM product WHERE ordinal = 3 AND status = 'error'"
                           " AND source = 'cat.xml:40'"
                           " AND message = 'cat.xml:41:5: no such process'"),
                 1);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT raw_materials, production, distribution, use,"
                                    " end_of_life, total FROM impact WHERE run = ?1 AND"
                                    " ordinal = 1 AND category = 0",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_int64(st, 1, run);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    for (k = 0; k < 6; k++)
        got[k] = sqlite3_column_double(st, k);
    sqlite3_finalize(st);
    for (k = 0; k < GLCA_NSTAGES; k++) {
        cr_assert(memcmp(&got[k], &impacts[k], sizeof got[k]) == 0, "stage %d: %.17g != %.17g", k,
                  got[k], impacts[k]);
        total += impacts[k];
    }
    cr_assert(memcmp(&got[5], &total, sizeof total) == 0, "total %.17g != %.17g", got[5], total);
    cr_assert_eq(
        sqlite3_prepare_v2(db, "SELECT baseline FROM indicator WHERE ordinal = 1", -1, &st, NULL),
        SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    got[0] = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    cr_assert(got[0] == 1.0 / 3.0, "baseline %.17g", got[0]);

    /* a catalog that broke off after ordinal 1: ordinal 3 and its rows go */
    cr_assert_eq(glca_inventories__store_trim(target, run, 2, &err), 0, "%s", err.message);
    cr_assert_eq(count(db, "SELECT count(*) FROM product"), 1);
    cr_assert_eq(count(db, "SELECT max(ordinal) FROM product"), 1);
    cr_assert_eq(count(db, "SELECT count(*) FROM impact"), 1);
    sqlite3_close(db);

    cr_assert_eq(glca_inventories__store_remove(part, &err), 0, "%s", err.message);
    cr_assert_eq(access(part, F_OK), -1);
    cr_assert_eq(glca_inventories__store_remove(part, &err), 0, "a missing part is not an error");
    glca_inventories__store_remove(target, &err);
    glca_inventories__store_remove(other, &err);
    rmdir(dir);
    for (i = 0; i < 2; i++)
        glca_verdict_rows_free(&slots[i].verdict);
    glca_background_free(bg);
}

/* A rank killed before its store had a schema leaves a part with no tables (seen when a job was
 * killed at its first commit): it holds nothing, so merging it adds nothing and is no error. */
Test(inventories_results_merge, a_part_without_schema_adds_nothing)
{
    glca_background *bg = example_background();
    glca_error err = GLCA_ERROR_INIT;
    char dir[64], target[128], part[128];
    size_t added = 99;
    long long run;

    temp_dir(dir);
    snprintf(target, sizeof target, "%s/out.sqlite", dir);
    snprintf(part, sizeof part, "%s/out.sqlite.part-2", dir);
    run = write_store(target, &run_k, bg, NULL, 0);
    write_part_without_schema(part);
    cr_assert_eq(glca_inventories__store_merge(target, run, part, "k", &added, &err), 0, "%s",
                 err.message);
    cr_assert_eq(added, 0);
    cr_assert_eq(glca_inventories__store_remove(part, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__store_remove(target, &err), 0, "%s", err.message);
    rmdir(dir);
    glca_background_free(bg);
}

/* greenlca merge (glca_results_merge): every part's run found by its key in the target, a
 * schema-less part adding nothing, SQLite's files beside a part neither read nor counted as parts,
 * a second merge adding nothing, a part of another job refused with its name, a missing target
 * not created, and a target with a live writer left alone. */
Test(inventories_results_merge, merge_command_matches_parts_by_run_key)
{
    glca_background *bg = example_background();
    glca_inventories__slot slots[2];
    glca_error err = GLCA_ERROR_INIT;
    double impacts[GLCA_NSTAGES] = {1, 2, 3, 4, 5};
    char dir[64], target[128], part[128], empty[128], other[128], missing[128], sql[512], host[256];
    char wal[160], shm[160];
    const char *parts[4];
    sqlite3 *db = NULL, *hold = NULL;
    size_t added = 99, merged = 99, i;

    temp_dir(dir);
    snprintf(target, sizeof target, "%s/out.sqlite", dir);
    snprintf(part, sizeof part, "%s/out.sqlite.part-1", dir);
    snprintf(empty, sizeof empty, "%s/out.sqlite.part-2", dir);
    snprintf(other, sizeof other, "%s/other.sqlite", dir);
    snprintf(missing, sizeof missing, "%s/missing.sqlite", dir);
    memset(slots, 0, sizeof slots);
    for (i = 0; i < 2; i++) {
        glca_verdict_rows_init(&slots[i].verdict);
        slots[i].ordinal = i;
        slots[i].ok = true;
        slots[i].impacts = impacts;
        snprintf(slots[i].source, sizeof slots[i].source, "cat.xml:%zu", 10 + i);
    }
    /* the target holds an older run of other inputs first: the part's goes to run 2 */
    write_store(target, &run_other, bg, NULL, 0);
    cr_assert_eq(write_store(target, &run_k, bg, NULL, 0), 2);
    write_store(part, &run_k, bg, slots, 2);
    write_store(other, &run_other, bg, slots, 2);
    write_part_without_schema(empty);

    /* a connection open on the part, as a killed rank leaves it: its -wal and -shm lie beside
     * it, and a glob of the parts takes them too */
    cr_assert_eq(sqlite3_open(part, &hold), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(hold, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(hold, "SELECT count(*) FROM product", NULL, NULL, NULL), SQLITE_OK);
    snprintf(wal, sizeof wal, "%s-wal", part);
    snprintf(shm, sizeof shm, "%s-shm", part);
    cr_assert_eq(access(wal, F_OK), 0);
    cr_assert_eq(access(shm, F_OK), 0);
    parts[0] = part;
    parts[1] = wal;
    parts[2] = shm;
    parts[3] = empty;
    cr_assert_eq(glca_results_merge(&added, &merged, target, parts, 4, &err), 0, "%s", err.message);
    cr_assert_eq(added, 2);
    cr_assert_eq(merged, 2, "the -wal and -shm files were counted as parts");
    sqlite3_close(hold);
    parts[1] = empty;
    cr_assert_eq(glca_results_merge(&added, &merged, target, parts, 2, &err), 0, "%s", err.message);
    cr_assert_eq(added, 0, "a part merged twice stored something twice");
    cr_assert_eq(merged, 2);
    cr_assert_eq(sqlite3_open(target, &db), SQLITE_OK);
    cr_assert_eq(count(db, "SELECT count(*) FROM product WHERE run = 2"), 2);
    cr_assert_eq(count(db, "SELECT count(*) FROM product WHERE run = 1"), 0);
    cr_assert_eq(count(db, "SELECT count(*) FROM writer"), 0, "the merge kept the writer row");
    sqlite3_close(db);

    /* other.sqlite's run "other" is run 1 of the target: it merges there; a part whose key the
     * target has not is refused, naming the part */
    parts[0] = other;
    cr_assert_eq(glca_results_merge(&added, &merged, target, parts, 1, &err), 0, "%s", err.message);
    cr_assert_eq(added, 2);
    cr_assert_eq(merged, 1);
    cr_assert_eq(glca_results_merge(&added, &merged, part, parts, 1, &err), GLCA_ERROR);
    cr_assert_str_eq(err.file, other);
    cr_assert_not_null(strstr(err.message, "is not in"), "%s", err.message);

    cr_assert_lt(glca_results_merge(&added, &merged, missing, parts, 1, &err), 0);
    cr_assert_eq(access(missing, F_OK), -1, "a missing store was created");

    /* a live writer of this host (the test runner) holds the target: no merge beside it */
    cr_assert_eq(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';
    snprintf(sql, sizeof sql, "INSERT INTO writer VALUES (1, %d, '%s', NULL, 'now')",
             (int)getppid(), host);
    cr_assert_eq(sqlite3_open(target, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    parts[0] = part;
    cr_assert_lt(glca_results_merge(&added, &merged, target, parts, 1, &err), 0);
    cr_assert_not_null(strstr(err.message, "in use by process"), "%s", err.message);

    glca_inventories__store_remove(target, &err);
    glca_inventories__store_remove(part, &err);
    glca_inventories__store_remove(empty, &err);
    glca_inventories__store_remove(other, &err);
    rmdir(dir);
    for (i = 0; i < 2; i++)
        glca_verdict_rows_free(&slots[i].verdict);
    glca_background_free(bg);
}

/* Whether SQLite's -wal, -shm or -journal file lies beside `path`. */
static bool has_sidecar(const char *path)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal", NULL};
    const char *const *sfx;
    char name[256];

    for (sfx = suffixes; *sfx; sfx++) {
        snprintf(name, sizeof name, "%s%s", path, *sfx);
        if (access(name, F_OK) == 0)
            return true;
    }
    return false;
}

/* A merge of closed parts leaves no -wal or -shm file beside any of them, so that a second
 * greenlca merge OUT OUT.part-* is given the parts alone.  A read-only connection to a store in
 * WAL mode creates both files and cannot remove them when it closes (that needs a write lock on
 * the store); the parts here are those a merge reads without copying rows: one without a schema
 * and one with its schema but no run, as ranks killed before their first commit leave them. */
Test(inventories_results_merge, merge_of_closed_parts_leaves_no_sqlite_files)
{
    glca_background *bg = example_background();
    glca_inventories__slot slot;
    glca_inventories__store *st = NULL;
    glca_error err = GLCA_ERROR_INIT;
    double impacts[GLCA_NSTAGES] = {1, 2, 3, 4, 5};
    char dir[64], target[128], names[3][128];
    const char *parts[3];
    size_t added = 99, merged = 99, i;

    temp_dir(dir);
    snprintf(target, sizeof target, "%s/out.sqlite", dir);
    for (i = 0; i < 3; i++) {
        snprintf(names[i], sizeof names[i], "%s/out.sqlite.part-%zu", dir, i + 1);
        parts[i] = names[i];
    }
    memset(&slot, 0, sizeof slot);
    glca_verdict_rows_init(&slot.verdict);
    slot.ordinal = 1;
    slot.ok = true;
    slot.impacts = impacts;
    write_store(target, &run_k, bg, NULL, 0);
    write_store(parts[0], &run_k, bg, &slot, 1);
    write_part_without_schema(parts[1]);
    cr_assert_eq(glca_inventories__store_open(&st, parts[2], &err), 0, "%s", err.message);
    glca_inventories__store_close(st);
    for (i = 0; i < 3; i++)
        cr_assert_not(has_sidecar(parts[i]), "%s: a closed part with SQLite's files", parts[i]);

    cr_assert_eq(glca_results_merge(&added, &merged, target, parts, 3, &err), 0, "%s", err.message);
    cr_assert_eq(added, 1);
    cr_assert_eq(merged, 3);
    cr_assert_not(has_sidecar(target), "the merge left SQLite's files beside the store");
    for (i = 0; i < 3; i++)
        cr_assert_not(has_sidecar(parts[i]), "the merge left SQLite's files beside %s", parts[i]);

    for (i = 0; i < 3; i++)
        glca_inventories__store_remove(parts[i], &err);
    glca_inventories__store_remove(target, &err);
    rmdir(dir);
    glca_verdict_rows_free(&slot.verdict);
    glca_background_free(bg);
}

/* The line greenlca merge prints counts the parts it read, not the names it was given: a glob of
 * the parts of a store open elsewhere takes SQLite's -wal and -shm files beside them too. */
Test(inventories_results_merge, merge_line_counts_parts_not_their_sqlite_files, .timeout = 60)
{
    study s;
    run_result r;
    char cmd[4096], wal[1024], shm[1024], *results, *part;
    sqlite3 *hold = NULL;

    study_init(&s, 3);
    results = path_in(s.dir, "out.sqlite");
    part = path_in(s.dir, "out.sqlite.part-1");
    snprintf(cmd, sizeof cmd,
             "'%s' batch '%s' --inventory '%s' --method '%s' --results '%s' --no-cache --quiet",
             GLCA_CLI, s.catalog, s.inventory, s.method, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    run_result_free(&r);
    /* a copy of the store is a part of the same job whose rows are all there already */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", results, part);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    run_result_free(&r);
    cr_assert_eq(sqlite3_open(part, &hold), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(hold, "SELECT count(*) FROM product", NULL, NULL, NULL), SQLITE_OK);

    snprintf(wal, sizeof wal, "%s-wal", part);
    snprintf(shm, sizeof shm, "%s-shm", part);
    cr_assert_eq(access(wal, F_OK), 0);
    cr_assert_eq(access(shm, F_OK), 0);

    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' merge out.sqlite out.sqlite.part-*", s.dir,
             GLCA_CLI);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_str_eq(r.out, "greenlca merge: 0 products added to out.sqlite from 1 part\n");
    run_result_free(&r);
    sqlite3_close(hold);
    free(part);
    free(results);
    study_free(&s);
}
