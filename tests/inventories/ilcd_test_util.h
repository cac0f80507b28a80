/*
 * Helpers of the ILCD reader tests: reading an ILCD tree into an import whose units are a
 * model's, linking it into that model, and the engine's impact of one process per reference
 * unit under ILCD LCIA method datasets.
 */
#ifndef ILCD_TEST_UTIL_H
#define ILCD_TEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <sys/stat.h>

#include <zip.h>

#include "inv_test_util.h"
#include "inventories/importers/archive.h"
#include "inventories/importers/import_int.h"
#include "inventories/importers/importers.h"

#define TIANGONG GLCA_TEST_DIR "/fixtures/ilcd/tiangong/tiangong_lca_data"
#define OLCA GLCA_TEST_DIR "/fixtures/ilcd/olca"

typedef struct ilcd_run {
    glca_model *model;
    glca_import *im;
    int rc;
    glca_error err;
} ilcd_run;

static inline ilcd_run ilcd_read(const char *path)
{
    ilcd_run r;

    memset(&r, 0, sizeof r);
    cr_assert_eq(glca_model_new(&r.model, &r.err), 0);
    cr_assert_eq(glca_inventories__imp_new(&r.im, glca_model_units(r.model), &r.err), 0);
    r.rc = glca_inventories__read_ilcd(r.im, path, NULL, NULL, NULL, &r.err);
    return r;
}

static inline void ilcd_done(ilcd_run *r)
{
    glca_inventories__imp_free(r->im);
    glca_model_free(r->model);
}

/* Link, read the methods at `methods`, and return lambda of `process` in `category`. */
static inline double ilcd_impact(ilcd_run *r, const char *methods, const char *category,
                                 const char *process)
{
    glca_imp_sink s = glca_inventories__model_sink(r->model);
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_method *m = NULL;
    glca_background *bg = NULL;
    glca_error e = GLCA_ERROR_INIT;
    long p, c;
    double v;

    cr_assert_eq(glca_inventories__imp_link(r->im, GLCA_ALLOCATION_DATA, NULL, &s, NULL, NULL,
                                            &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(glca_model_link(r->model, NULL, NULL, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(glca_method_new(&m, "ilcd", "ILCD methods", "1", &e), 0);
    cr_assert_eq(glca_inventories__read_ilcd_methods(m, methods, NULL, NULL, NULL, &e), 0, "%s",
                 inv_fmt(&e));
    cr_assert_eq(glca_background_new(&bg, r->model, m, &o, &e), 0, "%s", inv_fmt(&e));
    cr_assert_geq(p = glca_background_find_process(bg, process), 0, "%s", process);
    cr_assert_geq(c = glca_background_find_category(bg, category), 0, "%s", category);
    v = glca_background_lambda(bg)[(size_t)c * glca_background_nprocesses(bg) + (size_t)p];
    glca_background_free(bg);
    glca_method_free(m);
    return v;
}

/* A zip holding every file of `folder` under the same relative paths. */
static inline char *ilcd_zip_folder(const char *folder, const char *zipname)
{
    size_t len = strlen(inv_tmpdir()) + strlen(zipname) + 2;
    char *path = malloc(len);
    glca_archive *a = NULL;
    glca_error e = GLCA_ERROR_INIT;
    int zerr;
    zip_t *za;

    snprintf(path, len, "%s/%s", inv_tmpdir(), zipname);
    cr_assert_not_null(za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr));
    cr_assert_eq(glca_inventories__archive_open(&a, folder, NULL, &e), 0, "%s", e.message);
    for (size_t i = 0; i < glca_inventories__archive_count(a); i++) {
        zip_source_t *src =
            zip_source_file(za, glca_inventories__archive_display(a, i), 0, -1);
        cr_assert_not_null(src);
        cr_assert_geq(zip_file_add(za, glca_inventories__archive_entry(a, i), src,
                                   ZIP_FL_ENC_UTF_8), 0);
    }
    cr_assert_eq(zip_close(za), 0, "%s", zip_strerror(za));
    glca_inventories__archive_free(a);
    return path;
}

/* Write `content` to dir/name, creating dir/ and one level of subfolder as needed. */
static inline void ilcd_put(const char *dir, const char *name, const char *content)
{
    char path[512];
    const char *slash = strchr(name, '/');
    FILE *f;

    mkdir(dir, 0700);
    if (slash) {
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)(slash - name), name);
        mkdir(path, 0700);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_not_null(f = fopen(path, "wb"));
    fputs(content, f);
    fclose(f);
}

#endif
