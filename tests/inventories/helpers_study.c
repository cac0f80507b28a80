/*
 * The batch tests' study (helpers_study.h): compiled once into the inventories test executable.
 */
#include "helpers_study.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runcmd.h"

#define FIXTURES GLCA_TEST_DIR "/fixtures/xml/"

char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);

    cr_assert_not_null(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

char *copy_fixture(const char *dir, const char *name)
{
    char src[1024], *text, *path;

    snprintf(src, sizeof src, "%s%s", FIXTURES, name);
    cr_assert_not_null(text = read_whole_file(src, NULL), "fixture %s", src);
    path = write_temp_file(dir, name, text);
    free(text);
    return path;
}

void replace_in(const char *path, const char *from, const char *to)
{
    char *text = read_whole_file(path, NULL), *at;
    FILE *f;

    cr_assert_not_null(text);
    cr_assert_not_null(at = strstr(text, from), "'%s' not in %s", from, path);
    cr_assert_not_null(f = fopen(path, "w"));
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
    free(text);
}

void remove_tree(char *dir)
{
    char cmd[1100];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

char *study_big_catalog(const study *s, const char *name, size_t n)
{
    char *path = path_in(s->dir, name);
    FILE *f = fopen(path, "w");
    size_t i;

    cr_assert_not_null(f);
    fputs("<?xml version=\"1.0\"?>\n<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"big\">\n", f);
    for (i = 0; i < n; i++)
        fprintf(f,
                "<product xmlns=\"urn:greenlca:product:1\" id=\"p%zu\" category=\"x\">"
                "<production><input process=\"steel-sheet\" amount=\"%zu\" unit=\"kg\"/>"
                "</production><use><input process=\"grid\" amount=\"%zu\" unit=\"kWh\"/></use>"
                "</product>\n",
                i, i % 7, i + 1);
    fputs("</catalog>\n", f);
    fclose(f);
    return path;
}

void study_init(study *s, size_t n)
{
    memset(s, 0, sizeof *s);
    cr_assert_not_null(s->dir = make_temp_dir());
    s->inventory = copy_fixture(s->dir, "loop.inventory.xml");
    s->method = copy_fixture(s->dir, "gwp.method.xml");
    s->heater = copy_fixture(s->dir, "heater.product.xml");
    s->inv[0] = s->inventory;
    if (n > 0)
        s->catalog = study_big_catalog(s, "catalog.xml", n);
}

void study_free(study *s)
{
    remove_tree(s->dir);
    free(s->inventory);
    free(s->method);
    free(s->heater);
    free(s->catalog);
}

void study_options(glca_batch_options *o, const study *s, const char *catalog,
                   const char *results)
{
    glca_batch_options init = GLCA_BATCH_OPTIONS_INIT;

    *o = init;
    o->catalog = catalog;
    o->inventories = s->inv;
    o->ninventories = 1;
    o->method = s->method;
    o->results = results;
    o->threads = 2;
}

sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK, "%s", path);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

sqlite3 *open_db_readonly(const char *path)
{
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "%s", path);
    return db;
}

long long query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;

    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

double query_double(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    double v;

    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

long long same_impacts(const char *a, const char *b)
{
    sqlite3 *db = open_db_readonly(a);
    char sql[1024];
    long long n;

    snprintf(sql, sizeof sql, "ATTACH '%s' AS other", b);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    n = query_int(db, "SELECT count(*) FROM impact x JOIN other.impact y USING (ordinal, category)"
                      " JOIN product p ON p.run = x.run AND p.ordinal = x.ordinal"
                      " JOIN other.product q ON q.run = y.run AND q.ordinal = y.ordinal"
                      " WHERE x.run = (SELECT max(id) FROM main.run)"
                      " AND y.run = (SELECT max(id) FROM other.run) AND p.id = q.id"
                      " AND x.raw_materials = y.raw_materials AND x.production = y.production"
                      " AND x.distribution = y.distribution AND x.use = y.use"
                      " AND x.end_of_life = y.end_of_life AND x.total = y.total");
    sqlite3_close(db);
    return n;
}
