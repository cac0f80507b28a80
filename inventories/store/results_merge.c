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

/* ---------------------------------------------------------------- greenlca merge */

/*
 * The keys of the runs a part holds, in the order they were begun (none: a part without its
 * schema, left by a rank killed before it created it).  The part is opened for writing although
 * it is only read: a read-only connection to a store in WAL mode creates its -wal and -shm files
 * and, unable to take the write lock that checkpointing needs, leaves them when it closes, and a
 * part with no run is never attached by the merge, whose close would remove them.  A second
 * `greenlca merge OUT OUT.part-*` then took the -shm file for a part.
 */
static int part_keys(const char *part, char ***keys, size_t *n, glca_error *err)
{
    glca_srcloc where = {part, 0, 0};
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 0, step;

    *keys = NULL;
    *n = 0;
    if (access(part, R_OK) != 0)
        return glca_error_set(err, GLCA_EIO, &where, "cannot read: %s", strerror(errno));
    if (sqlite3_open_v2(part, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT key FROM run ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
        /* no run table: the statement cannot even be prepared */
        if (db && sqlite3_errcode(db) == SQLITE_ERROR &&
            strstr(sqlite3_errmsg(db), "no such table"))
            rc = 0;
        else
            rc = fail(err, db, part);
        goto cleanup;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char **grown = glca_reallocarray(*keys, *n + 1, sizeof **keys);

        if (!grown || !(grown[*n] = glca_strdup((const char *)sqlite3_column_text(st, 0)))) {
            if (grown)
                *keys = grown;
            rc = glca_error_oom(err);
            goto cleanup;
        }
        *keys = grown;
        (*n)++;
    }
    if (step != SQLITE_DONE)
        rc = fail(err, db, part);
cleanup:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* The latest run of the store at `path` with `key` (0: none). */
static int target_run(sqlite3 *db, const char *path, const char *key, long long *run,
                      glca_error *err)
{
    sqlite3_stmt *st = NULL;

    *run = 0;
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM run WHERE key = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(err, db, path);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        *run = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static void free_keys(char **keys, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        glca_free(keys[i]);
    glca_free(keys);
}

/*
 * Whether `name` is one of SQLite's own files beside a store that exists (its write-ahead log,
 * shared memory or rollback journal): a shell glob such as OUT.sqlite.part-* takes those too
 * whenever a part is open or its rank was killed, and SQLite reads them through the part.
 */
static bool sqlite_sidecar(const char *name)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal", NULL};
    const size_t n = strlen(name);
    const char *const *sfx;
    char stem[4096];

    for (sfx = suffixes; *sfx; sfx++) {
        const size_t k = strlen(*sfx);

        if (n > k && n - k < sizeof stem && strcmp(name + n - k, *sfx) == 0) {
            memcpy(stem, name, n - k);
            stem[n - k] = '\0';
            return access(stem, F_OK) == 0;
        }
    }
    return false;
}

int glca_results_merge(size_t *products, size_t *merged, const char *path, const char *const *parts,
                       size_t nparts, glca_error *err)
{
    glca_srcloc where = {path, 0, 0};
    glca_inventories__store *store = NULL;
    sqlite3 *db = NULL;
    char **keys = NULL;
    size_t nkeys = 0, i, k;
    int rc;

    *products = 0;
    *merged = 0;
    /* a store that does not exist would be created empty by the open below */
    if (access(path, R_OK | W_OK) != 0)
        return glca_error_set(err, GLCA_EIO, &where, "cannot open results store: %s",
                              strerror(errno));
    /* the merge is the store's writer while it runs: never beside a batch on it */
    if ((rc = glca_inventories__store_open(&store, path, err)) < 0 ||
        (rc = glca_inventories__store_lock(store, err)) < 0)
        goto cleanup;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = fail(err, db, path);
        goto cleanup;
    }
    for (i = 0; i < nparts && rc == 0; i++) {
        glca_srcloc at = {parts[i], 0, 0};

        if (sqlite_sidecar(parts[i]))
            continue;
        if ((rc = part_keys(parts[i], &keys, &nkeys, err)) < 0)
            goto cleanup;
        for (k = 0; k < nkeys && rc == 0; k++) {
            long long run;
            size_t added = 0;

            if ((rc = target_run(db, path, keys[k], &run, err)) < 0)
                break;
            if (run == 0) {
                rc = glca_error_set(err, GLCA_ERROR, &at,
                                    "its run %.12s is not in %s: a part merges only into the "
                                    "store of its own job",
                                    keys[k], path);
                break;
            }
            if ((rc = glca_inventories__store_merge(path, run, parts[i], keys[k], &added, err)) ==
                0)
                *products += added;
        }
        free_keys(keys, nkeys);
        keys = NULL;
        nkeys = 0;
        if (rc == 0)
            (*merged)++;
    }
cleanup:
    free_keys(keys, nkeys);
    sqlite3_close(db);
    glca_inventories__store_close(store);
    return rc;
}
