/*
 * glca_load_background: the usual way into a study.  Reads every inventory into one model
 * (so references may cross files; other formats through glca_read_inventories), links it,
 * reads the methods and builds the background.  All files are read even after a problem, so
 * one run reports every problem of the input.
 */
#include "native/inv_readers.h"
#include "importers/importers.h"

#include <string.h>

/* Every method into one: native files (the first gives the method's id and name) and ILCD LCIA
 * method datasets (one category each). */
static int read_methods(glca_method **out, const char *const *paths, size_t n,
                        const glca_xml_limits *limits, glca_diag_fn diag, void *payload,
                        glca_error *err)
{
    glca_method *m = NULL;
    glca_error e = GLCA_ERROR_INIT;
    size_t i;
    int rc = 0;

    *out = NULL;
    for (i = 0; i < n && rc == 0; i++) {
        const glca_import_format *f = NULL;
        glca_doc_kind k;

        if (glca_detect_kind(paths[i], &k, NULL) == 0 && k == GLCA_DOC_METHOD) {
            /* the first names the study's method; the others add their categories */
            if (m)
                rc = glca_read_method_into(m, paths[i], limits, diag, payload, &e);
            else
                rc = glca_read_method(&m, paths[i], limits, diag, payload, &e);
            continue;
        }
        f = glca_inventories__detect_import(paths[i]);
        if (!f || !f->read_method) {
            rc = glca_error_set(&e, GLCA_EPARSE, &(glca_srcloc){paths[i], 0, 0},
                                "not a method greenlca reads");
            if (diag)
                diag(&e, payload);
            continue;
        }
        if (!m && (rc = glca_method_new(&m, "imported", "Imported LCIA methods", "1", &e)) < 0)
            continue;
        rc = f->read_method(m, paths[i], limits, diag, payload, &e);
    }
    if (rc < 0) {
        glca_method_free(m);
        if (err)
            *err = e;
        return rc;
    }
    *out = m;
    return 0;
}

int glca_load_background_ex(glca_background **out, const char *const *inventory_paths,
                            size_t ninventories, const char *const *method_paths,
                            size_t nmethods, const glca_load_options *lopts,
                            const glca_background_options *opts, glca_diag_fn diag,
                            void *payload, glca_error *err)
{
    glca_error e = GLCA_ERROR_INIT, first = GLCA_ERROR_INIT;
    glca_model *model = NULL;
    glca_method *method = NULL;
    int rc;

    *out = NULL;
    if ((rc = glca_model_new(&model, err)) < 0)
        return rc;
    if (glca_read_inventories(model, inventory_paths, ninventories, lopts, diag, payload, &e) <
        0)
        first = e;
    if (first.code == GLCA_OK && glca_model_link(model, diag, payload, &e) < 0)
        first = e;
    if (read_methods(&method, method_paths, nmethods, lopts ? lopts->limits : NULL, diag,
                     payload, &e) < 0 &&
        first.code == GLCA_OK)
        first = e;
    if (first.code == GLCA_OK && glca_background_new(out, model, method, opts, &e) < 0) {
        first = e;
        if (diag)
            diag(&e, payload);
    }
    glca_model_free(model);
    glca_method_free(method);
    if (first.code != GLCA_OK) {
        if (err)
            *err = first;
        return first.code;
    }
    return 0;
}

int glca_load_background(glca_background **out, const char *const *inventory_paths,
                         size_t ninventories, const char *method_path,
                         const glca_background_options *opts, glca_diag_fn diag, void *payload,
                         glca_error *err)
{
    return glca_load_background_ex(out, inventory_paths, ninventories, &method_path, 1, NULL,
                                   opts, diag, payload, err);
}
