/*
 * Digests kept across runs (store/digest_cache.c): found again while the file keeps its device,
 * inode, size, modification and status-change times; a file rewritten in place with its size and
 * mtime put back is hashed again, and a batch run again resumes its run without hashing.
 *
 * Expected digests are independent of our SHA-256 (Python's hashlib, as in
 * test_run_identity.c): sha256("abc") = ba7816bf...15ad (FIPS 180-2), sha256("") = e3b0c442...b855.
 * Files must be GLCA_DIGEST_SETTLE_S old before they are kept, so the tests wait that long once.
 */
#define _GNU_SOURCE /* realpath, st_mtim */

#include <criterion/criterion.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <glca/inventories.h>

#include "helpers_study.h"
#include "runcmd.h"
#include "store/digest_memo.h"

#define ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void settle(void)
{
    const struct timespec t = {GLCA_DIGEST_SETTLE_S, 200000000L};

    nanosleep(&t, NULL);
}

/* Replace `from` by `to` (the same length) in place and put the old atime and mtime back, as
 * cp -p or touch -r would: only the status-change time tells the change. */
static void rewrite_keeping_mtime(const char *path, const char *from, const char *to)
{
    struct timespec back[2];
    struct stat st;

    cr_assert_eq(stat(path, &st), 0);
    back[0] = st.st_atim;
    back[1] = st.st_mtim;
    replace_in(path, from, to);
    cr_assert_eq(utimensat(AT_FDCWD, path, back, 0), 0);
}

static int entries(const char *cache)
{
    char *sub = path_in(cache, "digests");
    struct dirent *e;
    DIR *d = opendir(sub);
    int n = 0;

    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    free(sub);
    return n;
}

Test(inventories_digest_cache, a_digest_is_found_while_the_file_is_unchanged, .timeout = 30)
{
    char *dir = make_temp_dir(), *cache, *old, *fresh, hex[GLCA_SHA256_HEX];
    struct stat st;
    bool flag = false;

    cache = path_in(dir, "cache");
    old = write_temp_file(dir, "old.xml", "abc");
    settle();
    fresh = write_temp_file(dir, "fresh.xml", "abc");

    cr_assert_not(glca_inventories__digest_cache_get(cache, old, "sha256", hex, NULL));
    cr_assert_eq(stat(old, &st), 0);
    glca_inventories__digest_cache_put(cache, old, &st, "sha256", ABC, true);
    cr_assert(glca_inventories__digest_cache_get(cache, old, "sha256", hex, &flag));
    cr_assert_str_eq(hex, ABC);
    cr_assert(flag);
    /* another kind of digest of the same file is another entry */
    cr_assert_not(glca_inventories__digest_cache_get(cache, old, "catalog-ranges-1", hex, NULL));
    /* no directory: nothing kept, nothing found */
    cr_assert_not(glca_inventories__digest_cache_get(NULL, old, "sha256", hex, NULL));

    /* written a moment ago: a second change within the clock's tick could not be told apart */
    cr_assert_eq(stat(fresh, &st), 0);
    glca_inventories__digest_cache_put(cache, fresh, &st, "sha256", ABC, false);
    cr_assert_not(glca_inventories__digest_cache_get(cache, fresh, "sha256", hex, NULL));
    cr_assert_eq(entries(cache), 1);

    /* rewritten in place, the same size, its mtime put back: the status-change time moved, so
     * the bytes are hashed again */
    rewrite_keeping_mtime(old, "abc", "abd");
    cr_assert_not(glca_inventories__digest_cache_get(cache, old, "sha256", hex, NULL));

    /* a stale or damaged entry is not an error: it is only not found */
    free(write_temp_file(dir, "cache/digests/junk", "greenlca-digest-1\nsha256\n"));
    cr_assert_not(glca_inventories__digest_cache_get(cache, old, "sha256", hex, NULL));
    free(cache);
    free(old);
    free(fresh);
    remove_tree(dir);
}

/* A batch run again with the same cache directory resumes its run from the kept digests: the
 * catalog's identity (with its include flag: the included file's hash is in the run key), the
 * inventory's and the method's SHA-256.  A kept digest is what the run takes: replaced by
 * another, the run is another one.  A catalog rewritten in place, size and mtime put back, is
 * a new run. */
Test(inventories_digest_cache, a_batch_run_again_resumes_from_the_kept_digests, .timeout = 60)
{
    char *catalog, *results, *cache, name[GLCA_SHA256_HEX], path[4096], real[4096], sql[256];
    glca_batch_options o;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    unsigned char d[GLCA_SHA256_SIZE];
    glca_sha256 s;
    struct stat st;
    long long first;
    study w;
    sqlite3 *db;
    FILE *f;

    study_init(&w, 0);
    catalog = write_temp_file(w.dir, "catalog.xml",
                              "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"
                              "  <include href=\"heater.product.xml\"/>\n</catalog>\n");
    results = path_in(w.dir, "r.sqlite");
    cache = path_in(w.dir, "cache");
    study_options(&o, &w, catalog, results);
    o.cache_dir = cache;
    settle();

    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    first = sum.run_id;
    cr_assert_eq(sum.processed, 1);
    cr_assert_eq(entries(cache), 3); /* catalog, inventory, method */
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_eq(sum.run_id, first);
    cr_assert_eq(sum.skipped, 1);
    cr_assert_eq(sum.processed, 0);

    /* the inventory's entry, named as digest_cache.c names it, made to say sha256("") */
    cr_assert(realpath(w.inventory, real));
    glca_sha256_init(&s);
    glca_sha256_update(&s, "sha256\n", 7);
    glca_sha256_update(&s, real, strlen(real));
    glca_sha256_final(&s, d);
    glca_sha256_hex(d, name);
    snprintf(path, sizeof path, "%s/digests/%s", cache, name);
    cr_assert_eq(stat(w.inventory, &st), 0);
    cr_assert(f = fopen(path, "wb"));
    fprintf(f, "greenlca-digest-1\nsha256\n%s\n%lld %lld %lld %lld %lld %lld %lld\n%s 0\n", real,
            (long long)st.st_dev, (long long)st.st_ino, (long long)st.st_size,
            (long long)st.st_mtim.tv_sec, (long long)st.st_mtim.tv_nsec,
            (long long)st.st_ctim.tv_sec, (long long)st.st_ctim.tv_nsec, EMPTY);
    fclose(f);
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_neq(sum.run_id, first);
    db = open_db_readonly(results);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM run_input WHERE role = 'inventory' AND sha256 = '%s'", EMPTY);
    cr_assert_eq(query_int(db, sql), 1);
    sqlite3_close(db);
    cr_assert_eq(unlink(path), 0);

    /* the catalog rewritten in place: same size, mtime put back */
    rewrite_keeping_mtime(catalog, "id=\"c\"", "id=\"d\"");
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_eq(sum.processed, 1);
    db = open_db_readonly(results);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM run"), 3);
    sqlite3_close(db);
    free(catalog);
    free(results);
    free(cache);
    study_free(&w);
}

/* An MPI rank reads the background from the Lambda cache beside rank 0 only when every input's
 * digest is kept (it reads nothing else, builds nothing): then it has the same blob, whose
 * SHA-256 it reports, and the worked example's Lambda_grid = 0.6117 / 0.9995 kg CO2-eq/kWh. */
Test(inventories_digest_cache, the_background_is_read_from_the_cache_when_the_digests_are_kept,
     .timeout = 60)
{
    char *cache, *file;
    glca_inventories__digest_memo memo = {.n = 0};
    unsigned char key[GLCA_SHA256_SIZE], sum[GLCA_SHA256_SIZE];
    char hex[GLCA_SHA256_HEX], name[80], *lambda;
    glca_background *bg = NULL;
    glca_cache_report report;
    glca_error err = GLCA_ERROR_INIT;
    size_t size;
    long grid;
    study w;

    study_init(&w, 0);
    cache = path_in(w.dir, "cache");
    memo.dir = cache;
    settle();

    /* nothing kept, nothing cached */
    cr_assert_eq(glca_inventories__background_if_cached(&bg, &report, cache, w.inv, 1, w.method,
                                                        NULL, NULL, &err),
                 0);
    cr_assert_null(bg);
    /* rank 0's load: builds, writes the Lambda file, keeps the two digests */
    cr_assert_eq(glca_inventories__load_background_cached_memo(
                     &bg, &report, cache, w.inv, 1, w.method, NULL, NULL, NULL, NULL, &memo, &err),
                 0, "%s", err.message);
    cr_assert(report.stored);
    glca_background_free(bg);
    bg = NULL;
    cr_assert_eq(entries(cache), 2);

    cr_assert_eq(glca_inventories__background_if_cached(&bg, &report, cache, w.inv, 1, w.method,
                                                        NULL, NULL, &err),
                 1, "%s", err.message);
    cr_assert(report.hit);
    cr_assert_geq(grid = glca_background_find_process(bg, "grid"), 0);
    cr_assert_float_eq(glca_background_lambda(bg)[grid], 0.6117 / 0.9995, 1e-12);
    glca_background_free(bg);
    bg = NULL;
    /* the blob's SHA-256: the file after its 48-byte header (magic, length, checksum) */
    cr_assert_eq(glca_lambda_cache_key(key, w.inv, 1, w.method, NULL, &err), 0, "%s", err.message);
    glca_sha256_hex(key, hex);
    snprintf(name, sizeof name, "%s.lambda", hex);
    lambda = path_in(cache, name);
    file = read_whole_file(lambda, &size);
    free(lambda);
    cr_assert_gt(size, 48);
    glca_sha256_buffer(sum, file + 48, size - 48);
    cr_assert_eq(memcmp(sum, report.sum, sizeof sum), 0);
    free(file);

    /* the method touched: its digest no longer holds, and nothing is hashed to find out more */
    cr_assert_eq(utimensat(AT_FDCWD, w.method, NULL, 0), 0);
    cr_assert_eq(glca_inventories__background_if_cached(&bg, &report, cache, w.inv, 1, w.method,
                                                        NULL, NULL, &err),
                 0);
    cr_assert_null(bg);
    free(cache);
    study_free(&w);
}
