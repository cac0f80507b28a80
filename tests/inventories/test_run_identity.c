/*
 * A run's identity covers every byte that changes its results: the content hash of a file, a
 * zip or a directory tree (glca_sha256_path), the files a catalog includes, the rule files, the
 * reader's limits.  A changed input starts a new run instead of resuming the old one.
 *
 * Expected hashes were computed with Python's hashlib, independently of our SHA-256:
 *   sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2)
 *   the tree {a.txt = "abc", sub/b.txt = ""}: sha256 of
 *     "greenlca-tree-1\n" "a.txt\0" <sha256("abc")> "\n" "sub/b.txt\0" <sha256("")> "\n"
 *     = afdc70b1a06e91455fd951e9515f5e7173f844813c5d48f00bdc5eef0dec221a
 *   the same with sub/b.txt renamed sub/c.txt
 *     = 05bfc67c73a025f469ca4cb6cf7afd4d6e19c94473d7de69765023f9d21370ee
 *   sha256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
 * Impacts (the worked example, spec/examples/README.md): Lambda_grid = 0.6117 / 0.9995 kg
 * CO2-eq per kWh, so the heater's production (2 kWh of grid) is 1.224012006003 and with 4 kWh
 * it is 4 × 0.6117 / 0.9995 = 2.448024012006.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <glca/inventories.h>

#include "helpers_study.h"
#include "runcmd.h"
#include "store/digest_memo.h"

static void hex_of_path(const char *path, char hex[GLCA_SHA256_HEX])
{
    unsigned char d[GLCA_SHA256_SIZE];
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_sha256_path(d, path, &err), 0, "%s", err.message);
    glca_sha256_hex(d, hex);
}

Test(inventories_run_identity, path_hash_of_a_file_and_of_a_tree)
{
    char *dir = make_temp_dir(), *a, *sub, *b, *c, hex[GLCA_SHA256_HEX], again[GLCA_SHA256_HEX];
    unsigned char d[GLCA_SHA256_SIZE];
    glca_error err = GLCA_ERROR_INIT;

    /* written in reverse order of the sorted paths: the hash must not follow readdir */
    sub = path_in(dir, "sub");
    cr_assert_eq(mkdir(sub, 0755), 0);
    b = write_temp_file(sub, "b.txt", "");
    a = write_temp_file(dir, "a.txt", "abc");
    hex_of_path(a, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hex_of_path(dir, hex);
    cr_assert_str_eq(hex, "afdc70b1a06e91455fd951e9515f5e7173f844813c5d48f00bdc5eef0dec221a");
    /* a rename changes nothing but a path, and still the hash */
    c = path_in(sub, "c.txt");
    cr_assert_eq(rename(b, c), 0);
    hex_of_path(dir, again);
    cr_assert_str_eq(again, "05bfc67c73a025f469ca4cb6cf7afd4d6e19c94473d7de69765023f9d21370ee");
    cr_assert_eq(glca_sha256_path(d, "/nonexistent/greenlca", &err), GLCA_EIO);
    cr_assert_str_eq(err.file, "/nonexistent/greenlca");
    free(a);
    free(b);
    free(c);
    free(sub);
    remove_tree(dir);
}

static double heater_production(const char *results, long long run)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    double v = -1;

    cr_assert_eq(sqlite3_open_v2(results, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT i.production FROM impact i JOIN product p"
                                    " USING (run, ordinal) WHERE p.id = 'heater' AND i.run = ?1",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_int64(st, 1, run);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

Test(inventories_run_identity, a_changed_include_or_rule_file_starts_a_new_run, .timeout = 60)
{
    char *dir = make_temp_dir(), *inventory, *method, *heater, *catalog, *results, *rules, *rule;
    const char *inv[1];
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    glca_xml_limits limits = GLCA_XML_LIMITS_INIT;
    long long first;

    inventory = copy_fixture(dir, "loop.inventory.xml");
    method = copy_fixture(dir, "gwp.method.xml");
    heater = copy_fixture(dir, "heater.product.xml");
    /* the include sits in a nested catalog: identity follows includes of includes */
    free(write_temp_file(dir, "inner.xml",
                         "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"inner\">\n"
                         "  <include href=\"heater.product.xml\"/>\n</catalog>\n"));
    catalog = write_temp_file(dir, "catalog.xml",
                              "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"
                              "  <include href=\"inner.xml\"/>\n</catalog>\n");
    rules = path_in(dir, "rules");
    cr_assert_eq(mkdir(rules, 0755), 0);
    rule = write_temp_file(rules, "x.xml", "<!-- rule version 1 -->\n");
    results = path_in(dir, "r.sqlite");
    inv[0] = inventory;
    o.catalog = catalog;
    o.inventories = inv;
    o.ninventories = 1;
    o.method = method;
    o.results = results;
    o.threads = 2;
    o.rules_path = rules;

    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    first = sum.run_id;
    cr_assert_eq(sum.processed, 1);
    cr_assert(fabs(heater_production(results, first) - 1.224012006003) < 1e-11);
    /* nothing changed: the same run, resumed, nothing redone */
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_eq(sum.run_id, first);
    cr_assert_eq(sum.skipped, 1);
    cr_assert_eq(sum.processed, 0);

    /* the included file changes (twice the production electricity): a new run, new numbers */
    replace_in(heater, "amount=\"2\" unit=\"kWh\"", "amount=\"4\" unit=\"kWh\"");
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_neq(sum.run_id, first);
    cr_assert_eq(sum.skipped, 0);
    cr_assert_eq(sum.processed, 1);
    cr_assert(fabs(heater_production(results, sum.run_id) - 2.448024012006) < 1e-11, "%.15g",
              heater_production(results, sum.run_id));
    first = sum.run_id;

    /* a rule file changes: a new run */
    replace_in(rule, "version 1", "version 2");
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_neq(sum.run_id, first);
    cr_assert_eq(sum.skipped, 0);
    first = sum.run_id;

    /* other reader limits may refuse other products: a new run */
    limits.max_depth = 64;
    o.limits = &limits;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert_neq(sum.run_id, first);
    free(inventory);
    free(method);
    free(heater);
    free(catalog);
    free(rule);
    free(rules);
    free(results);
    remove_tree(dir);
}

/* The hasher reads 64 KiB blocks and looks for "<include" or ":include" to decide whether to
 * look for included files: one cut in two by a block boundary must still be seen, with or
 * without a namespace prefix. */
Test(inventories_run_identity, include_across_a_read_block_is_found, .timeout = 60)
{
    static const char *const heads[] = {
        "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n<!-- ",
        "<c:catalog xmlns:c=\"urn:greenlca:catalog:1\" id=\"c\">\n<!-- "};
    static const char *const tails[] = {
        " -->\n<include href=\"heater.product.xml\"/>\n</catalog>\n",
        " -->\n<c:include href=\"heater.product.xml\"/>\n</c:catalog>\n"};
    /* where "include" starts: across the boundary at 65536, then just after it (the ':' or
     * '<' before it is the last byte of the first block); the same at 8 MiB, where the
     * catalog's first hash range ends and the second is hashed on its own */
    static const size_t starts[] = {65536 - 3, 65536, 8388608 - 3, 8388608};
    /* the identity of the first form's 8,388,655 bytes with "include" at 8 MiB: the SHA-256 of
     * "greenlca-ranges-1\n8388655 8388608\n" and its two ranges' SHA-256s (hashlib) */
    static const char catalog_id[] =
        "d0322f90330dd72eacca3de93a334a78715ddc933b72f55ac1a279a517a660e4";
    char *dir = make_temp_dir(), *inventory, *method, *heater, *catalog, *results, *text;
    const char *inv[1];
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    size_t form, at, n, pre;

    inventory = copy_fixture(dir, "loop.inventory.xml");
    method = copy_fixture(dir, "gwp.method.xml");
    heater = copy_fixture(dir, "heater.product.xml");
    inv[0] = inventory;
    o.inventories = inv;
    o.ninventories = 1;
    o.method = method;
    for (form = 0; form < 2; form++) {
        for (at = 0; at < sizeof starts / sizeof *starts; at++) {
            /* the tail's bytes before "include": " -->\n<" or " -->\n<c:" */
            pre = form ? 8 : 6;
            text = malloc(starts[at] + 200);
            strcpy(text, heads[form]);
            n = strlen(heads[form]);
            memset(text + n, 'x', starts[at] - pre - n);
            strcpy(text + starts[at] - pre, tails[form]);
            cr_assert_eq(memcmp(text + starts[at], "include", 7), 0);
            catalog = write_temp_file(dir, "catalog.xml", text);
            results = path_in(dir, "r.sqlite");
            o.catalog = catalog;
            o.results = results;
            o.fresh = true;
            cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
            cr_assert_eq(sum.ok, 1, "form %zu at %zu", form, starts[at]);
            cr_assert_eq(sqlite3_open_v2(results, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
            cr_assert_eq(sqlite3_prepare_v2(db,
                                            "SELECT count(*) FROM run_input WHERE role ="
                                            " 'include' AND run = (SELECT max(id) FROM run)",
                                            -1, &st, NULL),
                         SQLITE_OK);
            cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
            cr_assert_eq(sqlite3_column_int(st, 0), 1, "form %zu at %zu", form, starts[at]);
            sqlite3_finalize(st);
            if (form == 0 && starts[at] == 8388608) {
                cr_assert_eq(sqlite3_prepare_v2(db,
                                                "SELECT catalog_sha256 FROM run"
                                                " WHERE id = (SELECT max(id) FROM run)",
                                                -1, &st, NULL),
                             SQLITE_OK);
                cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
                cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), catalog_id);
                sqlite3_finalize(st);
            }
            sqlite3_close(db);
            free(text);
            free(catalog);
            free(results);
        }
    }
    free(inventory);
    free(method);
    free(heater);
    remove_tree(dir);
}

/* The Lambda cache key read through the memo is the key read without it, and the memo then
 * holds each file's plain SHA-256 (hashlib's), for as long as the file keeps its size and
 * mtime. */
Test(inventories_run_identity, the_digest_memo_keeps_the_lambda_key_and_the_file_hashes)
{
    char *dir = make_temp_dir(), *inv, *method, hex[GLCA_SHA256_HEX];
    unsigned char plain[GLCA_SHA256_SIZE], memoized[GLCA_SHA256_SIZE], d[GLCA_SHA256_SIZE];
    glca_inventories__digest_memo memo = {.n = 0};
    const struct timespec later[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
    glca_error err = GLCA_ERROR_INIT;
    const char *invs[1];

    inv = write_temp_file(dir, "a.inventory.xml", "abc");
    method = write_temp_file(dir, "m.method.xml", "");
    invs[0] = inv;
    cr_assert_eq(glca_lambda_cache_key_ex(plain, invs, 1, method, NULL, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(glca_inventories__lambda_cache_key_memo(memoized, invs, 1, method, NULL, NULL,
                                                         &memo, &err),
                 0, "%s", err.message);
    cr_assert_eq(memcmp(plain, memoized, sizeof plain), 0);
    cr_assert_eq(memo.n, 2);
    cr_assert(glca_inventories__digest_memo_get(&memo, inv, d));
    glca_sha256_hex(d, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    cr_assert(glca_inventories__digest_memo_get(&memo, method, d));
    glca_sha256_hex(d, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* a file the memo never saw, a NULL memo */
    cr_assert_not(glca_inventories__digest_memo_get(&memo, dir, d));
    cr_assert_not(glca_inventories__digest_memo_get(NULL, inv, d));
    /* the same size, another mtime: rewritten in place, so no longer the remembered bytes */
    replace_in(inv, "abc", "abd");
    cr_assert_eq(utimensat(AT_FDCWD, inv, later, 0), 0);
    cr_assert_not(glca_inventories__digest_memo_get(&memo, inv, d));
    cr_assert(glca_inventories__digest_memo_get(&memo, method, d));
    free(inv);
    free(method);
    remove_tree(dir);
}

/* A batch with the Lambda cache takes the run key's inventory and method hashes from the
 * cache key's read (the memo); it must find the run that a batch without the cache stored, and
 * record the same hashes as glca_sha256_path gives (checked against hashlib above). */
Test(inventories_run_identity, a_batch_with_the_cache_resumes_one_without, .timeout = 60)
{
    char *dir = make_temp_dir(), *inventory, *method, *catalog, *results, *cache;
    char want[GLCA_SHA256_HEX], sql[256];
    const char *inv[1];
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    long long first;
    sqlite3 *db;

    inventory = copy_fixture(dir, "loop.inventory.xml");
    method = copy_fixture(dir, "gwp.method.xml");
    free(copy_fixture(dir, "heater.product.xml"));
    catalog = write_temp_file(dir, "catalog.xml",
                              "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"
                              "  <include href=\"heater.product.xml\"/>\n</catalog>\n");
    results = path_in(dir, "r.sqlite");
    cache = path_in(dir, "cache");
    inv[0] = inventory;
    o.catalog = catalog;
    o.inventories = inv;
    o.ninventories = 1;
    o.method = method;
    o.results = results;
    o.threads = 1;

    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    first = sum.run_id;
    cr_assert_eq(sum.processed, 1);
    o.cache_dir = cache;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.cache.stored);
    cr_assert_eq(sum.run_id, first);
    cr_assert_eq(sum.skipped, 1);
    cr_assert_eq(sum.processed, 0);
    /* and once more on a cache hit */
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", err.message);
    cr_assert(sum.cache.hit);
    cr_assert_eq(sum.run_id, first);
    cr_assert_eq(sum.skipped, 1);

    db = open_db_readonly(results);
    cr_assert_eq(query_int(db, "SELECT count(*) FROM run"), 1);
    hex_of_path(inventory, want);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM run_input WHERE role = 'inventory' AND sha256 = '%s'", want);
    cr_assert_eq(query_int(db, sql), 1);
    hex_of_path(method, want);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM run WHERE method_sha256 = '%s'", want);
    cr_assert_eq(query_int(db, sql), 1);
    sqlite3_close(db);
    free(inventory);
    free(method);
    free(catalog);
    free(results);
    free(cache);
    remove_tree(dir);
}
