/*
 * Inventories of any format into one model: our own files read as they are, imported data
 * (EcoSpold 1, EcoSpold 2, ILCD; the format table of formats.c) gathered in one glca_import
 * and linked into the same model with the user's allocation and provider map; the linking
 * report written when asked.  Also `greenlca convert`: the same linking into the native
 * writer.
 */
#include "importers/importers.h"
#include "importers/import_int.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Read the inputs: imported formats into `im`, everything else (our inventories, and files of
 * no known format, so the native reader says precisely what is wrong) into `m`. */
static int read_all(glca_model *m, glca_import *im, const char *const *paths, size_t n,
                    const glca_load_options *o, glca_diag_sink *sink)
{
    glca_error e = GLCA_ERROR_INIT;
    size_t i;
    int rc;

    /* first what our own inventories make, so the readers may link to it */
    for (i = 0; m && i < n; i++) {
        struct stat st;

        if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode) &&
            !glca_inventories__detect_import(paths[i]) &&
            glca_inventories__imp_scan_native(im, paths[i], o->limits, &e) < 0)
            return glca_diag_report(sink, &e);
    }
    for (i = 0; i < n; i++) {
        const glca_import_format *f = glca_inventories__detect_import(paths[i]);
        struct stat st;

        if (!m && stat(paths[i], &st) != 0) {
            glca_diag_problem(sink, GLCA_EIO, &(glca_srcloc){paths[i], 0, 0}, "cannot open: %s",
                              strerror(errno));
            continue;
        }
        if (f && f->read) {
            rc = f->read(im, paths[i], o->limits, sink->fn, sink->payload, &e);
        } else if (f || (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))) {
            glca_diag_problem(sink, GLCA_EPARSE, &(glca_srcloc){paths[i], 0, 0},
                              f ? "%s data, not an inventory" : "%s",
                              f ? f->name : "a directory of no inventory format greenlca reads");
            continue;
        } else if (!m) {
            glca_diag_problem(sink, GLCA_EPARSE, &(glca_srcloc){paths[i], 0, 0},
                              "not inventory data of another format: nothing to convert");
            continue;
        } else {
            rc = glca_read_inventory(m, paths[i], o->limits, sink->fn, sink->payload, &e);
        }
        if (rc < 0 && sink->first == 0) {
            sink->first = e.code;
            if (sink->err)
                *sink->err = e;
        }
    }
    return sink->first;
}

static int write_report(const glca_import *im, const glca_load_options *o, glca_error *err)
{
    glca_report_format fmt = o->report_format;
    size_t len = strlen(o->linking_report);
    FILE *f;
    int rc;

    if (fmt == GLCA_REPORT_AUTO)
        fmt = len >= 5 && strcmp(o->linking_report + len - 5, ".json") == 0 ? GLCA_REPORT_JSON
                                                                            : GLCA_REPORT_MARKDOWN;
    if (!(f = fopen(o->linking_report, "w")))
        return glca_error_set(err, GLCA_EIO, &(glca_srcloc){o->linking_report, 0, 0},
                              "cannot write: %s", strerror(errno));
    rc = glca_inventories__imp_write_report(f, im, fmt, err);
    if (fclose(f) != 0 && rc == 0)
        rc = glca_error_set(err, GLCA_EIO, &(glca_srcloc){o->linking_report, 0, 0},
                            "cannot write: %s", strerror(errno));
    return rc;
}

/* Read, link into `sink`, write the report. */
static int load(glca_model *m, const glca_imp_sink *out, glca_units *units,
                const char *const *paths, size_t n, const glca_load_options *o, glca_diag_fn diag,
                void *payload, glca_error *err)
{
    glca_load_options dflt = GLCA_LOAD_OPTIONS_INIT;
    glca_import *im = NULL;
    glca_provider_map *pm = NULL;
    glca_diag_sink sink;
    glca_error e = GLCA_ERROR_INIT;
    int rc;

    if (!o)
        o = &dflt;
    glca_diag_init(&sink, diag, payload, err);
    if ((rc = glca_inventories__imp_new(&im, units, &e)) < 0) {
        glca_diag_report(&sink, &e);
        goto cleanup;
    }
    if (o->provider_map && glca_inventories__provider_map_read(&pm, o->provider_map, &e) < 0)
        glca_diag_report(&sink, &e);
    read_all(m, im, paths, n, o, &sink);
    if (sink.first == 0 && (im->nprocs || im->nflows) &&
        glca_inventories__imp_link(im, o->allocation, pm, out, sink.fn, sink.payload, &e) < 0 &&
        sink.first == 0) {
        sink.first = e.code;
        if (sink.err)
            *sink.err = e;
    }
    if (o->linking_report && write_report(im, o, &e) < 0)
        glca_diag_report(&sink, &e);
cleanup:
    glca_inventories__provider_map_free(pm);
    glca_inventories__imp_free(im);
    return sink.first ? sink.first : rc;
}

int glca_read_inventories(glca_model *m, const char *const *paths, size_t n,
                          const glca_load_options *opts, glca_diag_fn diag, void *payload,
                          glca_error *err)
{
    glca_imp_sink s = glca_inventories__model_sink(m);

    return load(m, &s, glca_model_units(m), paths, n, opts, diag, payload, err);
}

int glca_convert_inventories(FILE *out, const char *id, const char *const *paths, size_t n,
                             const glca_load_options *opts, glca_diag_fn diag, void *payload,
                             glca_error *err)
{
    glca_units *units = NULL;
    glca_native_writer *w = NULL;
    glca_imp_sink s;
    int rc;

    if ((rc = glca_units_new(&units, err)) < 0)
        return rc;
    if ((rc = glca_inventories__writer_new(&w, units, err)) < 0)
        goto cleanup;
    s = glca_inventories__writer_sink(w);
    if ((rc = load(NULL, &s, units, paths, n, opts, diag, payload, err)) < 0)
        goto cleanup;
    rc = glca_inventories__writer_finish(w, out, id, err);
cleanup:
    glca_inventories__writer_free(w);
    glca_units_free(units);
    return rc;
}
