/*
 * The results store under faults: disk full, a read-only store, a file that is not a greenlca
 * store, a corrupt store, the store's directory removed mid-run.  Each must be a clear error
 * naming the file, must lose nothing already committed, and (where the store still exists)
 * must let the next run resume.
 *
 * Disk full and read-only are made by a SQLite VFS shim registered here as the default VFS:
 * the library has no hook and no global state for it.  It wraps the real default VFS; after
 * `fail_after` writes every further write returns SQLITE_FULL (a full disk stays full), and in
 * read-only mode the main database is opened the way SQLite opens a file it may not write
 * (chmod does not stop root, which CI runs as).  Criterion runs each test in a process of its
 * own, so the registration does not leak into other tests.
 *
 * The products are those of test_batch.c: product i uses (i + 1) kWh of grid, so p41's use stage
 * is 42 × 0.6117 / 0.9995 kg CO2-eq (spec/examples/README.md).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <glca/inventories.h>

#include "runcmd.h"

#define FIXTURES GLCA_TEST_DIR "/fixtures/xml/"

/* ---------------------------------------------------------------- the VFS shim */

typedef struct shim_file {
    sqlite3_file base;
    sqlite3_file *real; /* follows this struct in the same allocation */
} shim_file;

static sqlite3_vfs shim_vfs;
static sqlite3_vfs *real_vfs;
static long fail_after = -1; /* writes allowed before the disk is full; -1 = never full */
static long writes;
static int read_only;

#define REAL(f) (((shim_file *)(f))->real)

static int shim_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (fail_after >= 0 && ++writes > fail_after)
        return SQLITE_FULL;
    if (fail_after < 0)
        writes++;
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int shim_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int shim_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int shim_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int shim_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int shim_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int shim_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int shim_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int shim_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_io = {
    3,                shim_close,      shim_read,          shim_write,
    shim_truncate,    shim_sync,       shim_file_size,     shim_lock,
    shim_unlock,      shim_check_reserved, shim_file_control, shim_sector_size,
    shim_device,      shim_shm_map,    shim_shm_lock,      shim_shm_barrier,
    shim_shm_unmap,   shim_fetch,      shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                     int *out_flags)
{
    shim_file *f = (shim_file *)file;
    int rc;

    (void)vfs;
    f->real = (sqlite3_file *)(f + 1);
    if (read_only && (flags & SQLITE_OPEN_MAIN_DB))
        flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    f->base.pMethods = f->real->pMethods ? &shim_io : NULL;
    return rc;
}

static void shim_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    cr_assert_not_null(real_vfs);
    cr_assert_geq(real_vfs->iVersion, 3);
    shim_vfs = *real_vfs;
    shim_vfs.zName = "glca-faulty";
    shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
    shim_vfs.pNext = NULL;
    shim_vfs.xOpen = shim_open;
    cr_assert_eq(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);
}

/* ---------------------------------------------------------------- a study */

typedef struct study {
    char *dir, *inventory, *method, *catalog;
    const char *inv[1];
} study;

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);

    sprintf(p, "%s/%s", dir, name);
    return p;
}

static char *copy_fixture(const char *dir, const char *name)
{
    char src[1024], *text, *path;

    snprintf(src, sizeof src, "%s%s", FIXTURES, name);
    cr_assert_not_null(text = read_whole_file(src, NULL), "fixture %s", src);
    path = write_temp_file(dir, name, text);
    free(text);
    return path;
}

/* n products: product i uses (i % 7) kg of steel in production and (i + 1) kWh of grid. */
static void study_init(study *s, size_t n)
{
    FILE *f;
    size_t i;

    cr_assert_not_null(s->dir = make_temp_dir());
    s->inventory = copy_fixture(s->dir, "loop.inventory.xml");
    s->method = copy_fixture(s->dir, "gwp.method.xml");
    s->inv[0] = s->inventory;
    s->catalog = path_in(s->dir, "catalog.xml");
    cr_assert_not_null(f = fopen(s->catalog, "w"));
    fputs("<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"big\">\n", f);
    for (i = 0; i < n; i++)
        fprintf(f,
                "<product xmlns=\"urn:greenlca:product:1\" id=\"p%zu\" category=\"x\">"
                "<production><input process=\"steel-sheet\" amount=\"%zu\" unit=\"kg\"/>"
                "</production><use><input process=\"grid\" amount=\"%zu\" unit=\"kWh\"/></use>"
                "</product>\n",
                i, i % 7, i + 1);
    fputs("</catalog>\n", f);
    fclose(f);
}

static void study_free(study *s)
{
    char cmd[1100];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    cr_assert_eq(system(cmd), 0);
    free(s->dir);
    free(s->inventory);
    free(s->method);
    free(s->catalog);
}

static void options_for(glca_batch_options *o, const study *s, const char *results)
{
    glca_batch_options init = GLCA_BATCH_OPTIONS_INIT;

    *o = init;
    o->catalog = s->catalog;
    o->inventories = s->inv;
    o->ninventories = 1;
    o->method = s->method;
    o->results = results;
    o->threads = 2;
    o->chunk = 50;
}

static long long query_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    long long v = -1;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static double query_double(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    double v = -1;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Rows of the latest runs of two stores that are bitwise equal, every column. */
static long long same_rows(const char *a, const char *b)
{
    sqlite3 *db = NULL;
    char sql[1024];
    long long n = -1;
    sqlite3_stmt *st;

    cr_assert_eq(sqlite3_open_v2(a, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "ATTACH '%s' AS other", b);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(
                     db,
                     "SELECT count(*) FROM impact x JOIN other.impact y USING (ordinal, category)"
                     " JOIN product p ON p.run = x.run AND p.ordinal = x.ordinal"
                     " JOIN other.product q ON q.run = y.run AND q.ordinal = y.ordinal"
                     " WHERE x.run = (SELECT max(id) FROM main.run)"
                     " AND y.run = (SELECT max(id) FROM other.run) AND p.id = q.id"
                     " AND x.raw_materials = y.raw_materials AND x.production = y.production"
                     " AND x.distribution = y.distribution AND x.use = y.use"
                     " AND x.end_of_life = y.end_of_life AND x.total = y.total",
                     -1, &st, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

#define assert_names_file(err, path, needle)                                                   \
    do {                                                                                       \
        cr_assert_str_eq((err)->file, (path));                                                 \
        cr_assert_not_null(strstr((err)->message, (needle)), "want '%s' in: %s", (needle),   \
                           (err)->message);                                                    \
    } while (0)

/* ---------------------------------------------------------------- tests */

Test(inventories_store_faults, disk_full_keeps_committed_chunks_and_the_next_run_resumes,
     .timeout = 120)
{
    const size_t n = 2000;
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *results, *reference;
    long long stored;
    long total;

    shim_install();
    study_init(&s, n);
    results = path_in(s.dir, "full.sqlite");
    reference = path_in(s.dir, "reference.sqlite");
    options_for(&o, &s, reference);
    writes = 0;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    total = writes;
    cr_assert_gt(total, 40, "only %ld writes: the shim is not in the way", total);

    /* the disk fills up half way through */
    options_for(&o, &s, results);
    writes = 0;
    fail_after = total / 2;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, results, "full");
    fail_after = -1;
    stored = query_int(results, "SELECT count(*) FROM product");
    cr_assert(stored > 0 && stored < (long long)n, "stored %lld", stored);
    cr_assert_eq(stored % 50, 0, "a chunk was half-written: %lld", stored);
    cr_assert_eq(query_int(results, "SELECT count(*) FROM impact"), stored);

    /* space again: the same command resumes, and the store equals an uninterrupted run */
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.skipped, (size_t)stored);
    cr_assert_eq(sum.processed, n - (size_t)stored);
    cr_assert_eq(query_int(results, "SELECT count(*) FROM run"), 1);
    cr_assert_eq(query_int(results, "SELECT count(DISTINCT ordinal) FROM product"),
                 (long long)n);
    cr_assert_eq(same_rows(results, reference), (long long)n);
    free(results);
    free(reference);
    study_free(&s);
}

static bool stop_now(void *payload)
{
    (void)payload;
    return true;
}

Test(inventories_store_faults, read_only_store_is_refused_untouched_then_resumed, .timeout = 60)
{
    const size_t n = 300;
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *results;
    double use;

    shim_install();
    study_init(&s, n);
    results = path_in(s.dir, "ro.sqlite");
    options_for(&o, &s, results);
    /* an interrupted run: the first chunk committed */
    o.should_stop = stop_now;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(!sum.complete);
    cr_assert_eq(query_int(results, "SELECT count(*) FROM product"), 50);

    read_only = 1;
    o.should_stop = NULL;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, results, "read-only");
    read_only = 0;
    cr_assert_eq(query_int(results, "SELECT count(*) FROM product"), 50);

    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.skipped, 50);
    cr_assert_eq(sum.ok, n);
    /* p41 (stored before the refusal): 42 kWh of grid in use */
    use = query_double(results, "SELECT i.use FROM impact i JOIN product p"
                                " USING (run, ordinal) WHERE p.id = 'p41'");
    cr_assert(fabs(use - 42 * 0.6117 / 0.9995) < 1e-12 * use, "%.17g", use);
    free(results);
    study_free(&s);
}

Test(inventories_store_faults, a_file_that_is_not_a_store_is_refused_and_left_alone,
     .timeout = 60)
{
    static const char text[] = "ordinal,product\n0,heater\n";
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *csv, *other, *after, cmd[4096];
    run_result r;
    sqlite3 *db = NULL;

    study_init(&s, 10);
    csv = write_temp_file(s.dir, "results.csv", text);
    options_for(&o, &s, csv);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, csv, "not a greenlca results store");
    cr_assert_str_eq(after = read_whole_file(csv, NULL), text);
    free(after);

    /* someone else's SQLite database: refused before anything is changed (not even WAL mode) */
    other = path_in(s.dir, "accounts.sqlite");
    cr_assert_eq(sqlite3_open(other, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "CREATE TABLE product (sku TEXT); INSERT INTO product"
                                  " VALUES ('a')",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    options_for(&o, &s, other);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, other, "not a greenlca results store");
    cr_assert_eq(query_int(other, "SELECT count(*) FROM sqlite_master"), 1);
    cr_assert_eq(query_int(other, "SELECT count(*) FROM product WHERE sku = 'a'"), 1);
    cr_assert_eq(query_int(other, "SELECT count(*) FROM pragma_journal_mode"
                                  " WHERE journal_mode = 'delete'"),
                 1);

    /* the CLI: exit 1, the file named */
    snprintf(cmd, sizeof cmd,
             "'%s' batch '%s' --inventory '%s' --method '%s' --results '%s' --no-cache --quiet",
             GLCA_CLI, s.catalog, s.inventory, s.method, csv);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, csv), "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "not a greenlca results store"), "stderr: %s", r.err);
    run_result_free(&r);
    free(csv);
    free(other);
    study_free(&s);
}

static void overwrite(const char *path, long offset, int byte, size_t n)
{
    FILE *f = fopen(path, "r+b");
    size_t i;

    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, offset, SEEK_SET), 0);
    for (i = 0; i < n; i++)
        fputc(byte, f);
    fclose(f);
}

Test(inventories_store_faults, a_corrupt_store_is_a_clear_error, .timeout = 60)
{
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *results, cmd[4096];
    run_result r;

    study_init(&s, 200);
    results = path_in(s.dir, "c.sqlite");
    options_for(&o, &s, results);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    /* the first page's b-tree (the schema) overwritten: the header still says SQLite */
    overwrite(results, 100, 0x5a, 3996);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, results, "damaged");
    snprintf(cmd, sizeof cmd, "'%s' export '%s'", GLCA_CLI, results);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, results), "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "damaged"), "stderr: %s", r.err);
    run_result_free(&r);

    /* the header overwritten: not recognisable as SQLite at all */
    overwrite(results, 0, 'x', 16);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, results, "not a greenlca results store");
    free(results);
    study_free(&s);
}

typedef struct remover {
    const char *dir;
    int calls;
} remover;

/* Called between chunks: the third time, the store's directory goes. */
static void remove_dir_midway(const glca_batch_progress *p, void *payload)
{
    remover *rm = payload;
    char cmd[1100];

    if (p->final || ++rm->calls != 3)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", rm->dir);
    cr_assert_eq(system(cmd), 0);
}

Test(inventories_store_faults, store_directory_removed_mid_run_stops_the_batch, .timeout = 60)
{
    const size_t n = 1000;
    study s;
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char *dir, *results, *reference;
    remover rm = {NULL, 0};

    study_init(&s, n);
    dir = path_in(s.dir, "store");
    cr_assert_eq(mkdir(dir, 0755), 0);
    results = path_in(dir, "r.sqlite");
    reference = path_in(s.dir, "reference.sqlite");
    options_for(&o, &s, results);
    rm.dir = dir;
    o.progress = remove_dir_midway;
    o.progress_payload = &rm;
    o.progress_interval = 0;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, results, "removed");
    cr_assert_lt(sum.processed, n, "the batch went on writing into a removed file");

    /* the next run says what is missing, then starts over once the directory is back */
    o.progress = NULL;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, results, "directory");
    cr_assert_eq(mkdir(dir, 0755), 0);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.skipped, 0);
    o.results = reference;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_eq(same_rows(results, reference), (long long)n);
    free(dir);
    free(results);
    free(reference);
    study_free(&s);
}
