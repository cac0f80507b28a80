/*
 * One writer per results store: the writer row.  A batch takes it before any other work, so a
 * second batch on the same store stops at once, naming the process that has it, instead of
 * working through the catalog and failing on the first product the other one stored.
 *
 * The row (pid, host, start of that process, when it took the store) outlives a writer that was
 * killed; a row of this host whose process is gone, or whose pid now belongs to a process that
 * started at another time (the pid was reused), is stale and taken over.  A row of another host
 * cannot be checked from here and is respected: the message says so and names the command that
 * clears it once the user knows that process is gone (glca_results_unlock).  Readers (export)
 * never look at it: WAL lets them read while the writer writes.
 *
 * The row lives in the store rather than in a file beside it so that it is taken and checked in
 * the same SQLite transaction (BEGIN IMMEDIATE) on whatever file system SQLite's own locking
 * works on, and is never left behind by a store that is moved or copied while idle.
 */
/* gethostname: POSIX 2008 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/results_store.h"

static const char lock_schema[] =
    "CREATE TABLE IF NOT EXISTS writer ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL,"
    " process_start INTEGER, since TEXT NOT NULL)";

/* When process `pid` started, in clock ticks since boot (/proc/PID/stat field 22), or -1; with
 * `zombie` set when it has exited and only waits to be reaped (state Z, field 3). */
static long long process_start(long long pid, bool *zombie)
{
    char path[64], buf[1024], *p;
    long long start = -1;
    size_t got;
    FILE *f;
    int i;

    snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    if (!(f = fopen(path, "r")))
        return -1;
    got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    /* the command name (field 2) may hold spaces and parentheses: fields 3.. follow the last ')' */
    if (!(p = strrchr(buf, ')')))
        return -1;
    *zombie = p[1] == ' ' && p[2] == 'Z';
    for (i = 2; i < 22 && p; i++)
        p = strchr(p + 1, ' ');
    if (p)
        start = strtoll(p + 1, NULL, 10);
    return start;
}

static void this_host(char host[256])
{
    if (gethostname(host, 256) != 0)
        snprintf(host, 256, "unknown");
    host[255] = '\0';
}

/* Whether a writer row of this host still has its process. */
static bool writer_alive(long long pid, long long started)
{
    bool zombie = false;
    long long now;

    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
        return false;
    /* a killed writer whose parent died too may stay a zombie for a while (its new parent reaps
     * it when it gets round to it): it holds nothing any more */
    now = process_start(pid, &zombie);
    if (zombie)
        return false;
    return started < 0 || now < 0 || now == started;
}

static int fail(glca_error *err, sqlite3 *db, const char *path)
{
    int rc = glca_inventories__db_error(err, db, path, "results store");

    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* The writer row, as read inside the write transaction that takes or clears it. */
typedef struct writer_row {
    bool present;
    long long pid, started; /* started -1 where unknown */
    /* longer than any host name (255 at most), so whether it is this host is exact; a longer
     * text, which no greenlca wrote, is cut in messages only */
    char host[1024], since[256];
    bool has_host, has_since;
} writer_row;

static void copy_text(char *to, size_t size, const unsigned char *text, bool *has)
{
    *has = text != NULL;
    snprintf(to, size, "%s", text ? (const char *)text : "");
}

/* Open the write transaction (BEGIN IMMEDIATE, the lock's table made if missing) and read the
 * writer row into *w; on failure the transaction is rolled back. */
static int read_writer(sqlite3 *db, const char *path, writer_row *w, glca_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    memset(w, 0, sizeof *w);
    if (sqlite3_exec(db, lock_schema, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return glca_inventories__db_error(err, db, path, "results store");
    if (sqlite3_prepare_v2(db, "SELECT pid, host, process_start, since FROM writer", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(err, db, path);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        w->present = true;
        w->pid = sqlite3_column_int64(st, 0);
        copy_text(w->host, sizeof w->host, sqlite3_column_text(st, 1), &w->has_host);
        w->started = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);
        copy_text(w->since, sizeof w->since, sqlite3_column_text(st, 3), &w->has_since);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(err, db, path);
    return 0;
}

int glca_inventories__lock_take(sqlite3 *db, const char *path, glca_error *err)
{
    const long long self = (long long)getpid();
    bool zombie = false;
    sqlite3_stmt *st = NULL;
    char host[256], since[32];
    time_t t = time(NULL);
    long long started;
    struct tm tm;
    writer_row w;
    int rc;

    this_host(host);
    if ((rc = read_writer(db, path, &w, err)) < 0)
        return rc;
    if (w.present) {
        bool here = w.has_host && strcmp(w.host, host) == 0;

        /* our own pid: a row left by an earlier handle of this process, which runs one batch
         * per store at a time */
        if (!here || (w.pid != self && writer_alive(w.pid, w.started))) {
            const char *since_text = w.has_since ? w.since : "?";

            if (here)
                rc = glca_error_set(err, GLCA_ERROR, NULL,
                                    "results store %s in use by process %lld (host %s) since %s",
                                    path, w.pid, host, since_text);
            else /* the user can tell whether it is gone, we cannot */
                rc = glca_error_set(err, GLCA_ERROR, NULL,
                                    "results store %s in use by process %lld on host %s since %s"
                                    " (another host: if it is gone, 'greenlca store unlock %s')",
                                    path, w.pid, w.has_host ? w.host : "?", since_text, path);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
    gmtime_r(&t, &tm);
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO writer VALUES (1, ?1, ?2, ?3, ?4)", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(err, db, path);
    sqlite3_bind_int64(st, 1, self);
    sqlite3_bind_text(st, 2, host, -1, SQLITE_TRANSIENT);
    if ((started = process_start(self, &zombie)) >= 0)
        sqlite3_bind_int64(st, 3, started);
    sqlite3_bind_text(st, 4, since, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(err, db, path);
    return 0;
}

int glca_inventories__lock_clear(sqlite3 *db, const char *path, char *cleared, size_t size,
                                 glca_error *err)
{
    char host[256];
    writer_row w;
    int rc;

    cleared[0] = '\0';
    this_host(host);
    if ((rc = read_writer(db, path, &w, err)) < 0)
        return rc;
    if (w.present) {
        if (w.has_host && strcmp(w.host, host) == 0 && writer_alive(w.pid, w.started)) {
            rc = glca_error_set(err, GLCA_ERROR, NULL,
                                "results store %s: its writer, process %lld of this host, still "
                                "runs",
                                path, w.pid);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
        snprintf(cleared, size, "process %lld on host %s since %s", w.pid,
                 w.has_host ? w.host : "?", w.has_since ? w.since : "?");
    }
    if (sqlite3_exec(db, "DELETE FROM writer; COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(err, db, path);
    return 0;
}

void glca_inventories__lock_release(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    char host[256];

    this_host(host);
    /* only our own row: after a takeover by another process the row is no longer ours */
    if (sqlite3_prepare_v2(db, "DELETE FROM writer WHERE pid = ?1 AND host = ?2", -1, &st, NULL) !=
        SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, (long long)getpid());
    sqlite3_bind_text(st, 2, host, -1, SQLITE_TRANSIENT);
    sqlite3_step(st); /* a store that can no longer be written keeps a stale row, taken over */
    sqlite3_finalize(st);
}

int glca_results_unlock(const char *path, char *cleared, size_t size, glca_error *err)
{
    glca_srcloc where = {path, 0, 0};
    sqlite3_stmt *st = NULL;
    sqlite3 *db = NULL;
    int rc, version = 0;

    cleared[0] = '\0';
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = glca_inventories__db_error(err, db, path, "cannot open results store");
        goto cleanup;
    }
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
        rc = glca_inventories__db_error(err, db, path, "results store");
        goto cleanup;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if ((rc = glca_inventories__check_ours(db, path, version, err)) < 0)
        goto cleanup;
    if (version == 0) {
        rc = glca_error_set(err, GLCA_EIO, &where, "not a results store (empty)");
        goto cleanup;
    }
    rc = glca_inventories__lock_clear(db, path, cleared, size, err);
cleanup:
    sqlite3_close(db);
    return rc;
}
