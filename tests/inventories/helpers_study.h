/*
 * A study for the batch and results-store tests: a temporary directory holding the worked
 * example of the spec (loop.inventory.xml, gwp.method.xml and heater.product.xml, copied from
 * tests/fixtures/xml), catalogs written there, batch options over them, and queries of the
 * results stores a batch leaves (SQL through sqlite3, not through our store code).  The file
 * helpers serve tests that set up a directory of their own too.
 */
#ifndef GLCA_TESTS_HELPERS_STUDY_H
#define GLCA_TESTS_HELPERS_STUDY_H

#include <stddef.h>

#include <sqlite3.h>

#include <glca/inventories.h>

typedef struct study {
    char *dir, *inventory, *method, *heater;
    char *catalog;      /* catalog.xml of study_init's `n` products; NULL when n is 0 */
    const char *inv[1]; /* the inventory, as glca_batch_options takes it */
} study;

/* A fresh directory with the worked example in it, and a catalog of `n` products when n > 0. */
void study_init(study *s, size_t n);
/* Remove the study's directory and free its paths. */
void study_free(study *s);
/* dir/name, malloc'd. */
char *path_in(const char *dir, const char *name);
/* tests/fixtures/xml/<name> copied into `dir`; its path, malloc'd. */
char *copy_fixture(const char *dir, const char *name);
/* Replace the first `from` in the file at `path` with `to`; `from` must be there. */
void replace_in(const char *path, const char *from, const char *to);
/* rm -rf `dir`, then free the string. */
void remove_tree(char *dir);
/* n products in `name`: product i ("p<i>") uses (i % 7) kg of steel-sheet in production and
 * (i + 1) kWh of grid in use; its path, malloc'd. */
char *study_big_catalog(const study *s, const char *name, size_t n);
/* The defaults, with the study's inventory and method, `catalog`, `results` and 2 threads. */
void study_options(glca_batch_options *o, const study *s, const char *catalog,
                   const char *results);

/* A store opened for reading and writing, waiting up to 5 s for a lock. */
sqlite3 *open_db(const char *path);
/* A store opened for reading only. */
sqlite3 *open_db_readonly(const char *path);
/* The first column of the first row of `sql`, -1 when there is no row. */
long long query_int(sqlite3 *db, const char *sql);
/* The same for a real; there must be a row. */
double query_double(sqlite3 *db, const char *sql);
/* How many impact rows of the latest runs of two stores are bitwise equal, product ids too. */
long long same_impacts(const char *a, const char *b);

#endif
