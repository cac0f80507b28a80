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
 * The products are the study's (helpers_study.c): product i uses (i + 1) kWh of grid, so p41's
 * use stage is 42 × 0.6117 / 0.9995 kg CO2-eq (spec/examples/README.md).
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

#include "helpers_study.h"
#include "runcmd.h"

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
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved,
    shim_file_control,
    shim_sector_size,
    shim_device,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
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

/* The study's catalog into `results`, in chunks of 50. */
static void options_for(glca_batch_options *o, const study *s, const char *results)
{
    study_options(o, s, s->catalog, results);
    o->chunk = 50;
}

/* query_int and query_double on a store opened read-only, which the query cannot change. */
static long long stored_int(const char *path, const char *sql)
{
    sqlite3 *db = open_db_readonly(path);
    long long v = query_int(db, sql);

    sqlite3_close(db);
    return v;
}

static double stored_double(const char *path, const char *sql)
{
    sqlite3 *db = open_db_readonly(path);
    double v = query_double(db, sql);

    sqlite3_close(db);
    return v;
}

#define assert_names_file(err, path, needle)                                                       \
    do {                                                                                           \
        cr_assert_str_eq((err)->file, (path));                                                     \
        cr_assert_not_null(strstr((err)->message, (needle)), "want '%s' in: %s", (needle),         \
                           (err)->message);                                                        \
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
    stored = stored_int(results, "SELECT count(*) FROM product");
    cr_assert(stored > 0 && stored < (long long)n, "stored %lld", stored);
    cr_assert_eq(stored % 50, 0, "a chunk was half-written: %lld", stored);
    cr_assert_eq(stored_int(results, "SELECT count(*) FROM impact"), stored);

    /* space again: the same command resumes, and the store equals an uninterrupted run */
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.skipped, (size_t)stored);
    cr_assert_eq(sum.processed, n - (size_t)stored);
    cr_assert_eq(stored_int(results, "SELECT count(*) FROM run"), 1);
    cr_assert_eq(stored_int(results, "SELECT count(DISTINCT ordinal) FROM product"), (long long)n);
    cr_assert_eq(same_impacts(results, reference), (long long)n);
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
    cr_assert_eq(stored_int(results, "SELECT count(*) FROM product"), 50);

    read_only = 1;
    o.should_stop = NULL;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, results, "read-only");
    read_only = 0;
    cr_assert_eq(stored_int(results, "SELECT count(*) FROM product"), 50);

    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.complete);
    cr_assert_eq(sum.skipped, 50);
    cr_assert_eq(sum.ok, n);
    /* p41 (stored before the refusal): 42 kWh of grid in use */
    use = stored_double(results, "SELECT i.use FROM impact i JOIN product p"
                                " USING (run, ordinal) WHERE p.id = 'p41'");
    cr_assert(fabs(use - 42 * 0.6117 / 0.9995) < 1e-12 * use, "%.17g", use);
    free(results);
    study_free(&s);
}

Test(inventories_store_faults, a_file_that_is_not_a_store_is_refused_and_left_alone, .timeout = 60)
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
    cr_assert_eq(sqlite3_exec(db,
                              "CREATE TABLE product (sku TEXT); INSERT INTO product"
                              " VALUES ('a')",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    options_for(&o, &s, other);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), GLCA_EIO);
    assert_names_file(&err, other, "not a greenlca results store");
    cr_assert_eq(stored_int(other, "SELECT count(*) FROM sqlite_master"), 1);
    cr_assert_eq(stored_int(other, "SELECT count(*) FROM product WHERE sku = 'a'"), 1);
    cr_assert_eq(stored_int(other, "SELECT count(*) FROM pragma_journal_mode"
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
    cr_assert_eq(same_impacts(results, reference), (long long)n);
    free(dir);
    free(results);
    free(reference);
    study_free(&s);
}
