/*
 * Merging results stores (see results_merge.h).  The part is ATTACHed to a connection of its
 * own on the target and copied by INSERT … SELECT, so SQLite moves the values as stored: a REAL
 * is copied bit for bit, never through text, and the merged store equals one written directly.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/results_merge.h"
#include "store/results_store.h"

/* The tables that hold a run's products; their columns are read from the schema, so a column
 * added to one of them is merged without a change here. */
static const char *const tables[] = {"product", "impact", "indicator", "verdict", NULL};
static int fail(glca_error *err, sqlite3 *db, const char *path)
{
    return glca_inventories__db_error(err, db, path, "merging results");
}

/* The part's run with this key (0: none).  A rank killed before it created its store's schema
 * leaves a part with no tables: nothing of it was committed, so there is nothing to merge. */
static int part_run(sqlite3 *db, const char *key, long long *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *out = 0;
    if ((rc = sqlite3_prepare_v2(db,
                                 "SELECT count(*) FROM part.sqlite_master WHERE type = 'table' "
                                 "AND name = 'run'",
                                 -1, &st, NULL)) != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0) {
        sqlite3_finalize(st);
        return SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return rc;
    if ((rc = sqlite3_prepare_v2(db, "SELECT max(id) FROM part.run WHERE key = ?1", -1, &st,
                                 NULL)) != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* "INSERT OR IGNORE INTO main.T (run, a, b) SELECT ?1, a, b FROM part.T WHERE run = ?2" */
static int copy_sql(sqlite3 *db, const char *table, sqlite3_str *out)
{
    sqlite3_str *cols = sqlite3_str_new(db);
    sqlite3_stmt *st = NULL;
    char *list;
    int rc;

    if ((rc = sqlite3_prepare_v2(db,
                                 "SELECT name FROM pragma_table_info(?1, 'main')"
                                 " WHERE name <> 'run' ORDER BY cid",
                                 -1, &st, NULL)) != SQLITE_OK) {
        sqlite3_free(sqlite3_str_finish(cols));
        return rc;
    }
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        sqlite3_str_appendf(cols, ", \"%w\"", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    list = sqlite3_str_finish(cols);
    if (rc != SQLITE_DONE || !list) {
        sqlite3_free(list);
        return rc == SQLITE_DONE ? SQLITE_NOMEM : rc;
    }
    sqlite3_str_appendf(out,
                        "INSERT OR IGNORE INTO main.\"%w\" (run%s) SELECT ?1%s FROM part.\"%w\""
                        " WHERE run = ?2",
                        table, list, list, table);
    sqlite3_free(list);
    return SQLITE_OK;
}

static int copy_rows(sqlite3 *db, long long run, long long from, size_t *products)
{
    const char *const *t;
    int rc;

    for (t = tables; *t; t++) {
        sqlite3_str *q = sqlite3_str_new(db);
        sqlite3_stmt *st = NULL;
        char *sql;

        rc = copy_sql(db, *t, q);
        sql = sqlite3_str_finish(q);
        if (rc != SQLITE_OK || !sql) {
            sqlite3_free(sql);
            return rc != SQLITE_OK ? rc : SQLITE_NOMEM;
        }
        rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK)
            return rc;
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int64(st, 2, from);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return rc;
        if (t == tables)
            *products = (size_t)sqlite3_changes(db);
    }
    return SQLITE_OK;
}

int glca_inventories__store_merge(const char *path, long long run, const char *part,
                                  const char *key, size_t *products, glca_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long from = 0;
    int rc;

    *products = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        rc = fail(err, db, path);
        goto cleanup;
    }
    sqlite3_busy_timeout(db, 10000);
    /* a part's rows land between those of other parts: keep the tables' pages in memory */
    sqlite3_exec(db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "ATTACH ?1 AS part", -1, &st, NULL) != SQLITE_OK) {
        rc = fail(err, db, path);
        goto cleanup;
    }
    sqlite3_bind_text(st, 1, part, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail(err, db, part);
        goto cleanup;
    }
    if (part_run(db, key, &from) != SQLITE_OK ||
        (from && copy_rows(db, run, from, products) != SQLITE_OK) ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail(err, db, part);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        goto cleanup;
    }
    rc = 0;
cleanup:
    sqlite3_close(db);
    return rc;
}

int glca_inventories__store_trim(const char *path, long long run, size_t from, glca_error *err)
{
    const char *const *t;
    sqlite3 *db = NULL;
    char sql[96];
    int rc = 0;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE", NULL, NULL, NULL) !=
            SQLITE_OK) {
        rc = fail(err, db, path);
        goto cleanup;
    }
    for (t = tables; *t && rc == 0; t++) {
        sqlite3_stmt *st = NULL;

        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE run = ?1 AND ordinal >= ?2", *t);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            rc = fail(err, db, path);
            break;
        }
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)from);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = fail(err, db, path);
        sqlite3_finalize(st);
    }
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(err, db, path);
    if (rc < 0)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
    sqlite3_close(db);
    return rc;
}

int glca_inventories__store_remove(const char *path, glca_error *err)
{
    static const char *const suffixes[] = {"-wal", "-shm", "", NULL};
    const char *const *sfx;
    char name[4096];
    glca_srcloc where = {path, 0, 0};

    /* called once the rows are merged; the WAL goes first so that a kill in between never leaves
     * a WAL that a later store of the same name would take for its own */
    for (sfx = suffixes; *sfx; sfx++) {
        if ((size_t)snprintf(name, sizeof name, "%s%s", path, *sfx) >= sizeof name)
            return glca_error_set(err, GLCA_EIO, &where, "path too long");
        if (unlink(name) != 0 && errno != ENOENT)
            return glca_error_set(err, GLCA_EIO, &where, "cannot remove %s: %s", name,
                                  strerror(errno));
    }
    return 0;
}
