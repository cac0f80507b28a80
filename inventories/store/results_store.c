/*
 * The SQLite results store: schema, runs, chunked writes (see results_store.h for the schema and
 * why impacts are stored one row per category).  The verdict rows a rule engine fills are in
 * verdict_rows.c, reading a store back out in results_export.c, the one-writer row in
 * store_lock.c, what is said when the file fails (full, read-only, corrupt, removed) in
 * store_faults.c.
 *
 * Durability: WAL with synchronous=NORMAL.  A committed chunk survives the process being killed
 * (the WAL is in the OS's hands once COMMIT returns); only a power cut may lose the last chunks,
 * which a resume then redoes.  Each chunk is one transaction, so a kill -9 loses at most the
 * chunk being written and never leaves half a product.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "store/results_store.h"

struct glca_inventories__store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *ins_product, *ins_impact, *ins_indicator, *ins_verdict;
    bool locked;  /* this handle holds the writer row (store_lock.c) */
    bool no_wait; /* busy_wait gives up at once (glca_inventories__store_try_write_chunk) */
    void (*meanwhile)(void *); /* glca_inventories__store_set_meanwhile */
    void *meanwhile_payload;
    dev_t dev;   /* the file opened, to notice it removed or replaced under us */
    ino_t ino;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS run ("
    " id INTEGER PRIMARY KEY, key TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,"
    " catalog TEXT NOT NULL, catalog_sha256 TEXT NOT NULL, method TEXT NOT NULL,"
    " method_sha256 TEXT NOT NULL, method_id TEXT, ruleset_version TEXT,"
    " greenlca_version TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'done')));"
    "CREATE INDEX IF NOT EXISTS run_by_key ON run(key);"
    "CREATE TABLE IF NOT EXISTS run_input ("
    " run INTEGER NOT NULL, position INTEGER NOT NULL, role TEXT NOT NULL, path TEXT NOT NULL,"
    " sha256 TEXT NOT NULL, PRIMARY KEY (run, position)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS category ("
    " run INTEGER NOT NULL, idx INTEGER NOT NULL, id TEXT NOT NULL, name TEXT, unit TEXT,"
    " PRIMARY KEY (run, idx)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS product ("
    " run INTEGER NOT NULL, ordinal INTEGER NOT NULL, id TEXT, source TEXT,"
    " status TEXT NOT NULL CHECK (status IN ('ok', 'error')), message TEXT,"
    " PRIMARY KEY (run, ordinal)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS impact ("
    " run INTEGER NOT NULL, ordinal INTEGER NOT NULL, category INTEGER NOT NULL,"
    " raw_materials REAL NOT NULL, production REAL NOT NULL, distribution REAL NOT NULL,"
    " use REAL NOT NULL, end_of_life REAL NOT NULL, total REAL NOT NULL,"
    " PRIMARY KEY (run, ordinal, category)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS indicator ("
    " run INTEGER NOT NULL, ordinal INTEGER NOT NULL, position INTEGER NOT NULL,"
    " id TEXT NOT NULL, value REAL, baseline REAL, comparator TEXT, outcome TEXT, reason TEXT,"
    " PRIMARY KEY (run, ordinal, position)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS verdict ("
    " run INTEGER NOT NULL, ordinal INTEGER NOT NULL, ruleset TEXT,"
    " certified INTEGER NOT NULL, reasons TEXT, status TEXT, provisional TEXT,"
    " PRIMARY KEY (run, ordinal)) WITHOUT ROWID;"
    "CREATE VIEW IF NOT EXISTS impact_by_stage AS"
    " SELECT i.run, i.ordinal, p.id AS product, c.id AS category, s.stage, CASE s.stage"
    " WHEN 'raw-materials' THEN i.raw_materials WHEN 'production' THEN i.production"
    " WHEN 'distribution' THEN i.distribution WHEN 'use' THEN i.use"
    " WHEN 'end-of-life' THEN i.end_of_life ELSE i.total END AS value"
    " FROM impact i JOIN product p ON p.run = i.run AND p.ordinal = i.ordinal"
    " JOIN category c ON c.run = i.run AND c.idx = i.category"
    " JOIN (SELECT 'raw-materials' AS stage UNION ALL SELECT 'production' UNION ALL"
    " SELECT 'distribution' UNION ALL SELECT 'use' UNION ALL SELECT 'end-of-life'"
    " UNION ALL SELECT 'total') s;";

static int exec(glca_inventories__store *s, const char *sql, glca_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return glca_inventories__db_error(err, s->db, s->path, "results store");
    return 0;
}

static int prepare(glca_inventories__store *s, const char *sql, sqlite3_stmt **out,
                   glca_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK)
        return glca_inventories__db_error(err, s->db, s->path, "results store");
    return 0;
}

static int user_version(glca_inventories__store *s, int *out, glca_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if ((rc = prepare(s, "PRAGMA user_version", &st, err)) < 0)
        return rc;
    *out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}

/*
 * Waiting for another process's write lock (ranks of one host take turns committing,
 * batch_mpi.c).  SQLite's own handler (sqlite3_busy_timeout) sleeps 1, 2, 5, 10, 15, 20 and 25
 * ms between tries, so a rank that found the other committing (about 20 ms a chunk) slept on
 * for up to 30 ms past the commit with its core idle (strace of a 2-rank batch: 33 ms at a
 * time).  Here: a try every 0.1 ms for the first 10 ms, then every millisecond, and the same
 * 10 s in all before SQLITE_BUSY.
 */
enum { BUSY_FINE = 100, BUSY_TRIES = BUSY_FINE + 9990 };

static int busy_wait(void *payload, int tries)
{
    const struct timespec fine = {0, 100000}, coarse = {0, 1000000};
    const glca_inventories__store *s = payload;

    if (s->no_wait || tries >= BUSY_TRIES)
        return 0;
    if (s->meanwhile)
        s->meanwhile(s->meanwhile_payload);
    nanosleep(tries < BUSY_FINE ? &fine : &coarse, NULL);
    return 1;
}

static int progress(void *payload)
{
    const glca_inventories__store *s = payload;

    s->meanwhile(s->meanwhile_payload);
    return 0; /* go on */
}

/* SQLite virtual machine steps between calls of `meanwhile` while writing: a chunk of 512
 * products (13,000 rows) took about 16 ms to write, in which rank 0 answered nobody. */
#define PROGRESS_STEPS 5000

void glca_inventories__store_set_meanwhile(glca_inventories__store *s, void (*fn)(void *),
                                           void *payload)
{
    s->meanwhile = fn;
    s->meanwhile_payload = payload;
    sqlite3_progress_handler(s->db, fn ? PROGRESS_STEPS : 0, fn ? progress : NULL, s);
}

int glca_inventories__store_open(glca_inventories__store **out, const char *path,
                                 glca_error *err)
{
    glca_inventories__store *s = glca_calloc(1, sizeof *s);
    glca_srcloc where = {path, 0, 0};
    int rc, version;

    *out = NULL;
    if (!s || !(s->path = glca_strdup(path))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    /* NOMUTEX: the batch hands the connection from thread to thread but never uses it from two
     * at once (one committing thread per step, a barrier between steps), so SQLite's own
     * per-call locking is pure cost. */
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = glca_inventories__db_error(err, s->db, path, "cannot open results store");
        goto cleanup;
    }
    sqlite3_busy_handler(s->db, busy_wait, s);
    /* SQLite opens a file it may not write read-only without a word: say so before any work */
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        rc = glca_error_set(err, GLCA_EIO, &where, "results store is read-only%s",
                            glca_inventories__advice(SQLITE_READONLY));
        goto cleanup;
    }
    /* checked before WAL mode is set, which would change a file that is not ours */
    if ((rc = user_version(s, &version, err)) < 0 ||
        (rc = glca_inventories__check_ours(s->db, s->path, version, err)) < 0)
        goto cleanup;
    if ((rc = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err)) < 0)
        goto cleanup;
    if (version == 0) {
        if ((rc = exec(s, "BEGIN IMMEDIATE", err)) < 0 || (rc = exec(s, schema, err)) < 0 ||
            (rc = exec(s, "PRAGMA user_version = 2; COMMIT", err)) < 0)
            goto cleanup;
    }
    /* Schema 2: the verdict's status (certified-provisional, ...) and the provisional
     * thresholds it rests on; older rows keep NULL there. */
    if (version == 1 &&
        (rc = exec(s,
                   "BEGIN IMMEDIATE; ALTER TABLE verdict ADD COLUMN status TEXT;"
                   " ALTER TABLE verdict ADD COLUMN provisional TEXT; PRAGMA user_version = 2;"
                   " COMMIT",
                   err)) < 0)
        goto cleanup;
    if ((rc = prepare(s, "INSERT INTO product VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &s->ins_product,
                      err)) < 0 ||
        (rc = prepare(s, "INSERT INTO impact VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                      &s->ins_impact, err)) < 0 ||
        (rc = prepare(s, "INSERT INTO indicator VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                      &s->ins_indicator, err)) < 0 ||
        (rc = prepare(s, "INSERT INTO verdict VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      &s->ins_verdict, err)) < 0)
        goto cleanup;
    {
        struct stat st;

        if (stat(path, &st) != 0) {
            rc = glca_error_set(err, GLCA_EIO, &where, "results store vanished as it was opened");
            goto cleanup;
        }
        s->dev = st.st_dev;
        s->ino = st.st_ino;
    }
    *out = s;
    s = NULL;
    rc = 0;
cleanup:
    glca_inventories__store_close(s);
    return rc;
}

int glca_inventories__store_lock(glca_inventories__store *s, glca_error *err)
{
    int rc;

    if ((rc = glca_inventories__lock_take(s->db, s->path, err)) == 0)
        s->locked = true;
    return rc;
}

void glca_inventories__store_close(glca_inventories__store *s)
{
    if (!s)
        return;
    if (s->locked)
        glca_inventories__lock_release(s->db);
    sqlite3_finalize(s->ins_product);
    sqlite3_finalize(s->ins_impact);
    sqlite3_finalize(s->ins_indicator);
    sqlite3_finalize(s->ins_verdict);
    sqlite3_close(s->db);
    glca_free(s->path);
    glca_free(s);
}

static void now_utc(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int bind_text(sqlite3_stmt *st, int i, const char *text)
{
    return text ? sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Runs one statement to completion; `st` is finalized. */
static int step_done(glca_inventories__store *s, sqlite3_stmt *st, glca_error *err)
{
    int rc = sqlite3_step(st);

    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return glca_inventories__db_error(err, s->db, s->path, "results store");
    return 0;
}

static int find_run(glca_inventories__store *s, const char *key, long long *run, glca_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *run = 0;
    if ((rc = prepare(s, "SELECT max(id) FROM run WHERE key = ?1", &st, err)) < 0)
        return rc;
    bind_text(st, 1, key);
    if (sqlite3_step(st) == SQLITE_ROW)
        *run = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int delete_runs(glca_inventories__store *s, const char *key, glca_error *err)
{
    static const char *const tables[] = {"run_input", "category", "product", "impact",
                                         "indicator", "verdict", NULL};
    const char *const *t;
    char sql[160];
    sqlite3_stmt *st;
    int rc;

    for (t = tables; *t; t++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE run IN (SELECT id FROM run WHERE key = ?1)",
                 *t);
        if ((rc = prepare(s, sql, &st, err)) < 0)
            return rc;
        bind_text(st, 1, key);
        if ((rc = step_done(s, st, err)) < 0)
            return rc;
    }
    if ((rc = prepare(s, "DELETE FROM run WHERE key = ?1", &st, err)) < 0)
        return rc;
    bind_text(st, 1, key);
    return step_done(s, st, err);
}

static int insert_input(glca_inventories__store *s, long long run, int position,
                        const char *role, const char *path, const char *sha, glca_error *err)
{
    sqlite3_stmt *st;
    int rc;

    if ((rc = prepare(s, "INSERT INTO run_input VALUES (?1, ?2, ?3, ?4, ?5)", &st, err)) < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int(st, 2, position);
    bind_text(st, 3, role);
    bind_text(st, 4, path);
    bind_text(st, 5, sha);
    return step_done(s, st, err);
}

static int create_run(glca_inventories__store *s, const glca_inventories__run_desc *d,
                      const glca_background *bg, long long *run, glca_error *err)
{
    sqlite3_stmt *st;
    char started[32];
    size_t i, j;
    int rc;

    now_utc(started);
    if ((rc = prepare(s,
                      "INSERT INTO run (key, started, catalog, catalog_sha256, method,"
                      " method_sha256, method_id, ruleset_version, greenlca_version, status)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'running')",
                      &st, err)) < 0)
        return rc;
    bind_text(st, 1, d->key);
    bind_text(st, 2, started);
    bind_text(st, 3, d->catalog);
    bind_text(st, 4, d->catalog_sha256);
    bind_text(st, 5, d->method);
    bind_text(st, 6, d->method_sha256);
    bind_text(st, 7, d->method_id);
    bind_text(st, 8, d->ruleset_version);
    bind_text(st, 9, GLCA_VERSION);
    if ((rc = step_done(s, st, err)) < 0)
        return rc;
    *run = sqlite3_last_insert_rowid(s->db);
    for (i = 0; i < d->ninventories; i++)
        if ((rc = insert_input(s, *run, (int)i, "inventory", d->inventories[i],
                               d->inventory_sha256[i], err)) < 0)
            return rc;
    if ((rc = insert_input(s, *run, (int)i, "method", d->method, d->method_sha256, err)) < 0 ||
        (rc = insert_input(s, *run, (int)i + 1, "catalog", d->catalog, d->catalog_sha256,
                           err)) < 0)
        return rc;
    for (j = 0; j < d->nmore; j++)
        if ((rc = insert_input(s, *run, (int)(i + 2 + j), d->more[j].role, d->more[j].path,
                               d->more[j].sha256, err)) < 0)
            return rc;
    for (i = 0; i < glca_background_ncategories(bg); i++) {
        if ((rc = prepare(s, "INSERT INTO category VALUES (?1, ?2, ?3, ?4, ?5)", &st, err)) < 0)
            return rc;
        sqlite3_bind_int64(st, 1, *run);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, glca_background_category_id(bg, i));
        bind_text(st, 4, glca_background_category_name(bg, i));
        bind_text(st, 5, glca_background_category_unit(bg, i));
        if ((rc = step_done(s, st, err)) < 0)
            return rc;
    }
    return 0;
}

int glca_inventories__store_begin_run(glca_inventories__store *s,
                                      const glca_inventories__run_desc *d,
                                      const glca_background *bg, bool fresh, long long *run_id,
                                      bool *resumed, glca_error *err)
{
    long long run = 0;
    int rc;

    *resumed = false;
    if ((rc = exec(s, "BEGIN IMMEDIATE", err)) < 0)
        return rc;
    if (fresh)
        rc = delete_runs(s, d->key, err);
    else
        rc = find_run(s, d->key, &run, err);
    if (rc < 0)
        goto cleanup;
    if (run) {
        *resumed = true;
    } else if ((rc = create_run(s, d, bg, &run, err)) < 0) {
        goto cleanup;
    }
    *run_id = run;
    rc = exec(s, "COMMIT", err);
cleanup:
    if (rc < 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int glca_inventories__store_stored(glca_inventories__store *s, long long run,
                                   unsigned char **bitmap, size_t *nbits, glca_error *err)
{
    sqlite3_stmt *st = NULL;
    unsigned char *bits = NULL;
    size_t n = 0;
    int rc;

    *bitmap = NULL;
    *nbits = 0;
    if ((rc = prepare(s, "SELECT max(ordinal) FROM product WHERE run = ?1", &st, err)) < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        n = (size_t)sqlite3_column_int64(st, 0) + 1;
    sqlite3_finalize(st);
    if (n == 0)
        return 0;
    if (!(bits = glca_calloc(n / 8 + 1, 1)))
        return glca_error_oom(err);
    if ((rc = prepare(s, "SELECT ordinal FROM product WHERE run = ?1", &st, err)) < 0) {
        glca_free(bits);
        return rc;
    }
    sqlite3_bind_int64(st, 1, run);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t o = (size_t)sqlite3_column_int64(st, 0);

        if (o < n)
            bits[o / 8] |= (unsigned char)(1u << (o % 8));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        glca_free(bits);
        return glca_inventories__db_error(err, s->db, s->path, "results store");
    }
    *bitmap = bits;
    *nbits = n;
    return 0;
}

static int run_stmt(glca_inventories__store *s, sqlite3_stmt *st, glca_error *err)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return glca_inventories__db_error(err, s->db, s->path, "results store");
    return 0;
}

static int write_verdict(glca_inventories__store *s, long long run,
                         const glca_inventories__slot *slot, glca_error *err)
{
    const glca_verdict_rows *v = &slot->verdict;
    sqlite3_stmt *st = s->ins_indicator;
    size_t i;
    int rc;

    for (i = 0; i < v->nrows; i++) {
        const glca_indicator_row *r = &v->rows[i];

        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)slot->ordinal);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
        bind_text(st, 4, r->id);
        if (r->has_value)
            sqlite3_bind_double(st, 5, r->value);
        if (r->has_baseline)
            sqlite3_bind_double(st, 6, r->baseline);
        bind_text(st, 7, r->comparator);
        bind_text(st, 8, r->outcome);
        bind_text(st, 9, r->reason);
        if ((rc = run_stmt(s, st, err)) < 0)
            return rc;
    }
    st = s->ins_verdict;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)slot->ordinal);
    bind_text(st, 3, v->ruleset);
    sqlite3_bind_int(st, 4, v->certified);
    bind_text(st, 5, v->reasons);
    bind_text(st, 6, v->status);
    bind_text(st, 7, v->provisional);
    return run_stmt(s, st, err);
}

static int write_slot(glca_inventories__store *s, long long run,
                      const glca_inventories__slot *slot, size_t ncategories, glca_error *err)
{
    sqlite3_stmt *st = s->ins_product;
    size_t c;
    int rc, k;

    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)slot->ordinal);
    bind_text(st, 3, slot->product ? glca_product_id(slot->product) : NULL);
    bind_text(st, 4, slot->source[0] ? slot->source : NULL);
    bind_text(st, 5, slot->ok ? "ok" : "error");
    bind_text(st, 6, slot->ok ? NULL : slot->message);
    if ((rc = run_stmt(s, st, err)) < 0 || !slot->ok)
        return rc;
    st = s->ins_impact;
    for (c = 0; c < ncategories; c++) {
        const double *row = slot->impacts + c * GLCA_NSTAGES;
        double total = 0;

        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)slot->ordinal);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)c);
        /* the total in stage order, as glca_impacts_totals sums it */
        for (k = 0; k < GLCA_NSTAGES; k++) {
            sqlite3_bind_double(st, 4 + k, row[k]);
            total += row[k];
        }
        sqlite3_bind_double(st, 4 + GLCA_NSTAGES, total);
        if ((rc = run_stmt(s, st, err)) < 0)
            return rc;
    }
    if (slot->verdict.has_verdict)
        return write_verdict(s, run, slot, err);
    return 0;
}

/* The chunk in one transaction; 1 when `no_wait` and another connection holds the lock. */
static int write_chunk(glca_inventories__store *s, long long run,
                       const glca_inventories__slot *slots, size_t n, size_t ncategories,
                       bool no_wait, glca_error *err)
{
    size_t i;
    int rc;

    if ((rc = glca_inventories__check_same_file(s->path, s->dev, s->ino, err)) < 0)
        return rc;
    s->no_wait = no_wait;
    rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    s->no_wait = false;
    if (rc == SQLITE_BUSY && no_wait)
        return 1;
    if (rc != SQLITE_OK)
        return glca_inventories__db_error(err, s->db, s->path, "results store");
    for (i = 0; i < n; i++)
        if (!slots[i].skip && (rc = write_slot(s, run, &slots[i], ncategories, err)) < 0)
            goto cleanup;
    rc = exec(s, "COMMIT", err);
cleanup:
    if (rc < 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int glca_inventories__store_write_chunk(glca_inventories__store *s, long long run,
                                        const glca_inventories__slot *slots, size_t n,
                                        size_t ncategories, glca_error *err)
{
    return write_chunk(s, run, slots, n, ncategories, false, err);
}

int glca_inventories__store_try_write_chunk(glca_inventories__store *s, long long run,
                                            const glca_inventories__slot *slots, size_t n,
                                            size_t ncategories, glca_error *err)
{
    return write_chunk(s, run, slots, n, ncategories, true, err);
}

int glca_inventories__store_set_status(glca_inventories__store *s, long long run,
                                       const char *status, glca_error *err)
{
    sqlite3_stmt *st;
    char now[32];
    int rc;

    now_utc(now);
    if ((rc = prepare(s,
                      "UPDATE run SET status = ?2,"
                      " finished = CASE WHEN ?2 = 'done' THEN ?3 ELSE NULL END WHERE id = ?1",
                      &st, err)) < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    bind_text(st, 2, status);
    bind_text(st, 3, now);
    return step_done(s, st, err);
}

int glca_inventories__store_counts(glca_inventories__store *s, long long run, size_t *ok,
                                   size_t *errors, size_t *certified, glca_error *err)
{
    sqlite3_stmt *st;
    int rc;

    *ok = *errors = *certified = 0;
    if ((rc = prepare(s,
                      "SELECT (SELECT count(*) FROM product WHERE run = ?1 AND status = 'ok'),"
                      " (SELECT count(*) FROM product WHERE run = ?1 AND status = 'error'),"
                      " (SELECT count(*) FROM verdict WHERE run = ?1 AND certified)",
                      &st, err)) < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *ok = (size_t)sqlite3_column_int64(st, 0);
        *errors = (size_t)sqlite3_column_int64(st, 1);
        *certified = (size_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return 0;
}
