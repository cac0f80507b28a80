/*
 * The EcoSpold 1 reader: <ecoSpold> files of one or several <dataset>s, or a directory of them
 * (file names in sorted order).  This file reads what the linking needs (reference function,
 * geography, end of the time period, exchanges with their groups and uncertainty, allocation
 * records) and skips the rest of the metadata; ecospold1_link.c turns the datasets into a
 * glca_import after the last file, because EcoSpold 1 names providers by product name only, so
 * linking needs every dataset first.
 */
#include "importers/ecospold1.h"
#include "xml/xmlsafe_int.h"

/* The zip layer (importers/archive.h) comes with the ILCD reader; without it a zip is not read
 * here and directories are listed below. */
#if defined(__has_include)
#if __has_include("importers/archive.h")
#include "importers/archive.h"
#define GLCA_HAVE_ARCHIVE 1
#endif
#endif
#ifndef GLCA_HAVE_ARCHIVE
#define GLCA_HAVE_ARCHIVE 0
#endif

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void glca_inventories__es1_free(glca_es1 *e)
{
    size_t i, j;

    for (i = 0; i < e->nds; i++) {
        for (j = 0; j < e->ds[i].nallocs; j++)
            glca_free(e->ds[i].allocs[j].refs);
        glca_free(e->ds[i].xs);
        glca_free(e->ds[i].allocs);
    }
    glca_free(e->ds);
    memset(e, 0, sizeof *e);
}

static int reserve(void **arr, size_t *cap, size_t n, size_t size)
{
    size_t c;
    void *p;

    if (n < *cap)
        return 0;
    c = *cap ? 2 * *cap : 16;
    if (!(p = glca_reallocarray(*arr, c, size)))
        return GLCA_ENOMEM;
    *arr = p;
    *cap = c;
    return 0;
}

/* Reading one file: the dataset / exchange / allocation being filled. */
typedef struct es1_rd {
    glca_es1 *e;
    glca_xml *x;
    glca_diag_sink sink;
    glca_es1_dataset *ds;
    glca_es1_exchange *xc;
    glca_es1_alloc *al;
    bool oom;
} es1_rd;

/* An attribute, cleaned (whitespace collapsed) and interned; NULL when absent. */
static const char *attr(es1_rd *r, const char *name, bool clean)
{
    const char *v = glca_xml_attr(r->x, name);
    char *copy;
    const char *s;

    if (!v)
        return NULL;
    if (!clean)
        return glca_inventories__imp_intern(r->e->im, v, &r->oom);
    if (!(copy = glca_strdup(v))) {
        r->oom = true;
        return NULL;
    }
    glca_inventories__es1_clean(copy);
    s = glca_inventories__imp_intern(r->e->im, copy, &r->oom);
    glca_free(copy);
    return s;
}

/* A number attribute: false when absent or not a number (Python's float() accepts more, but
 * not in this data). */
static bool num_attr(es1_rd *r, const char *name, double *out)
{
    const char *v = glca_xml_attr(r->x, name);

    return v && glca_inventories__parse_double(v, out) == 0 && isfinite(*out);
}

/* An integer attribute written as a number ("12", "12.0"): `dflt` when absent, not a number
 * or beyond an int (the schema's type), as if absent. */
static int int_attr(es1_rd *r, const char *name, int dflt)
{
    double v;

    return num_attr(r, name, &v) && v > INT_MIN && v < INT_MAX ? (int)v : dflt;
}

static bool int_text(const char *s, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    if (end == s || *end || errno || v < -2147483647L || v > 2147483647L)
        return false;
    *out = (int)v;
    return true;
}

static int start_dataset(es1_rd *r)
{
    glca_es1 *e = r->e;

    if (reserve((void **)&e->ds, &e->capds, e->nds, sizeof *e->ds) < 0)
        return GLCA_ENOMEM;
    r->ds = &e->ds[e->nds++];
    memset(r->ds, 0, sizeof *r->ds);
    r->ds->loc = glca_xml_loc(r->x);
    r->ds->loc.file = glca_inventories__imp_intern(e->im, r->ds->loc.file, &r->oom);
    r->ds->number = int_attr(r, "number", 0);
    return 0;
}

static int start_exchange(es1_rd *r)
{
    glca_es1_dataset *ds = r->ds;
    glca_es1_exchange *x;

    if (reserve((void **)&ds->xs, &ds->capx, ds->nx, sizeof *ds->xs) < 0)
        return GLCA_ENOMEM;
    x = r->xc = &ds->xs[ds->nx++];
    memset(x, 0, sizeof *x);
    x->loc = glca_xml_loc(r->x);
    x->loc.file = r->ds->loc.file;
    x->name = attr(r, "name", true);
    x->unit = attr(r, "unit", false);
    x->category = attr(r, "category", false);
    x->subcategory = attr(r, "subCategory", false);
    x->location = attr(r, "location", true);
    x->cas = attr(r, "CASNumber", false);
    x->number = int_attr(r, "number", 0);
    x->has_amount = num_attr(r, "meanValue", &x->amount);
    x->group = -1;
    x->utype = int_attr(r, "uncertaintyType", 0);
    x->has_sd95 = num_attr(r, "standardDeviation95", &x->sd95);
    x->has_min = num_attr(r, "minValue", &x->min);
    x->has_max = num_attr(r, "maxValue", &x->max);
    x->has_mode = num_attr(r, "mostLikelyValue", &x->mode);
    return 0;
}

static int start_alloc(es1_rd *r)
{
    glca_es1_dataset *ds = r->ds;
    glca_es1_alloc *a;
    double v;

    if (reserve((void **)&ds->allocs, &ds->capallocs, ds->nallocs, sizeof *ds->allocs) < 0)
        return GLCA_ENOMEM;
    a = r->al = &ds->allocs[ds->nallocs++];
    memset(a, 0, sizeof *a);
    a->loc = glca_xml_loc(r->x);
    a->loc.file = r->ds->loc.file;
    a->coproduct = int_attr(r, "referenceToCoProduct", -1);
    a->fraction = num_attr(r, "fraction", &v) ? v : NAN;
    return 0;
}

static int on_start(es1_rd *r, const char *name, int depth)
{
    if (depth == 1 && strcmp(name, "dataset") == 0)
        return start_dataset(r);
    if (!r->ds)
        return 0;
    if (strcmp(name, "referenceFunction") == 0) {
        r->ds->name = attr(r, "name", true);
        r->ds->unit = attr(r, "unit", false);
        r->ds->comment = attr(r, "generalComment", true);
        r->ds->has_amount = num_attr(r, "amount", &r->ds->amount);
    } else if (strcmp(name, "geography") == 0) {
        r->ds->location = attr(r, "location", true);
        r->ds->geo_text = attr(r, "text", true);
    } else if (strcmp(name, "exchange") == 0) {
        return start_exchange(r);
    } else if (strcmp(name, "allocation") == 0) {
        return start_alloc(r);
    }
    return 0;
}

static int on_end(es1_rd *r, const char *name)
{
    const char *text = glca_xml_text(r->x);
    int v;

    if (strcmp(name, "dataset") == 0) {
        r->ds = NULL;
        r->xc = NULL;
        r->al = NULL;
    } else if (strcmp(name, "exchange") == 0) {
        r->xc = NULL;
    } else if (strcmp(name, "allocation") == 0) {
        r->al = NULL;
    } else if (r->xc && (strcmp(name, "inputGroup") == 0 || strcmp(name, "outputGroup") == 0)) {
        r->xc->dir = name[0] == 'i' ? 'i' : 'o';
        r->xc->group = int_text(text, &v) ? v : -1;
    } else if (r->al && strcmp(name, "referenceToInputOutput") == 0 && int_text(text, &v)) {
        int *refs = glca_reallocarray(r->al->refs, r->al->nrefs + 1, sizeof *refs);

        if (!refs)
            return GLCA_ENOMEM;
        r->al->refs = refs;
        refs[r->al->nrefs++] = v;
    } else if (r->ds && strcmp(name, "endDate") == 0) {
        const char *p = text;

        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
            p++;
        /* the converter's rule: the first four characters, when they are all digits */
        if (strlen(p) >= 4 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
            p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9')
            r->ds->end_year =
                (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    }
    return 0;
}

/*
 * Read the datasets of an open document.  A root that is not EcoSpold 1's <ecoSpold> is an
 * error, or, with `skip_foreign`, a note (a file beside the datasets in a directory or zip) and
 * a return of 1.
 */
static int read_doc(glca_es1 *e, glca_xml *x, bool skip_foreign, glca_diag_sink *sink)
{
    es1_rd r;
    glca_error xe = GLCA_ERROR_INIT;
    int ev, rc = 0;

    memset(&r, 0, sizeof r);
    r.e = e;
    r.x = x;
    glca_xml_keep_text(x, true);
    while ((ev = glca_xml_next(x, &xe)) > 0) {
        const char *name = glca_xml_name(x);
        int depth = glca_xml_depth(x);

        if (ev == GLCA_XML_START && depth == 0 &&
            (strcmp(glca_xml_ns(x), GLCA_NS_ECOSPOLD1) != 0 || strcmp(name, "ecoSpold") != 0)) {
            glca_srcloc where = glca_xml_loc(x);
            glca_imp_note n = {GLCA_IMP_OUT_OF_SCOPE,
                               NULL,
                               NULL,
                               NAN,
                               NULL,
                               NULL,
                               "not an EcoSpold 1 <ecoSpold> file: not read",
                               where};

            if (!skip_foreign)
                return glca_diag_problem(sink, GLCA_EPARSE, &where,
                                         "not an EcoSpold 1 file: root element <%s> in "
                                         "namespace '%s'",
                                         name, glca_xml_ns(x));
            if (glca_inventories__imp_note(e->im, &n, &xe) < 0)
                return glca_diag_report(sink, &xe);
            return 1;
        }
        rc = ev == GLCA_XML_START ? on_start(&r, name, depth) : on_end(&r, name);
        if (rc < 0 || r.oom)
            return glca_diag_problem(sink, GLCA_ENOMEM, NULL, "out of memory");
    }
    if (ev < 0)
        return glca_diag_report(sink, &xe);
    return 0;
}

#if GLCA_HAVE_ARCHIVE
/* A zip (or, through the same layer, a folder): every .xml entry in sorted order. */
static int read_archive(glca_es1 *e, const char *path, const glca_xml_limits *limits,
                        glca_diag_sink *sink)
{
    glca_archive *a = NULL;
    glca_error ae = GLCA_ERROR_INIT;
    size_t i, n, len;
    int rc;

    if ((rc = glca_inventories__archive_open(&a, path, NULL, &ae)) < 0)
        return glca_diag_report(sink, &ae);
    n = glca_inventories__archive_count(a);
    for (i = 0; i < n; i++) {
        const char *entry = glca_inventories__archive_entry(a, i);
        glca_xml *x = NULL;
        char *buf = NULL;

        len = strlen(entry);
        if (len < 4 || strcmp(entry + len - 4, ".xml") != 0)
            continue;
        if ((rc = glca_inventories__archive_open_xml(&x, &buf, a, i, limits, &ae)) < 0) {
            glca_diag_report(sink, &ae);
        } else {
            rc = read_doc(e, x, true, sink);
            glca_xml_free(x);
        }
        glca_free(buf);
        if (rc == GLCA_ENOMEM)
            break;
    }
    glca_inventories__archive_free(a);
    return sink->first;
}
#endif

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct file_list {
    char **names;
    size_t n, cap;
} file_list;

/* The .xml files below `path` (subdirectories too, such as openLCA's EcoSpold01/), to `depth`
 * levels, appended to `l`. */
static int list_dir(const char *path, file_list *l, int depth, glca_error *err)
{
    DIR *d = opendir(path);
    struct dirent *de;
    struct stat st;
    char **grown, *full;
    size_t len;
    int rc = 0;

    if (!d)
        return glca_error_set(err, GLCA_EIO, &(glca_srcloc){path, 0, 0}, "cannot open: %s",
                              strerror(errno));
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        len = strlen(path) + strlen(de->d_name) + 2;
        if (!(full = glca_malloc(len))) {
            rc = glca_error_oom(err);
            break;
        }
        snprintf(full, len, "%s/%s", path, de->d_name);
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth > 0)
                rc = list_dir(full, l, depth - 1, err);
            glca_free(full);
            continue;
        }
        len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0) {
            glca_free(full);
            continue;
        }
        if (l->n == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 16;

            if (!(grown = glca_reallocarray(l->names, cap, sizeof *grown))) {
                glca_free(full);
                rc = glca_error_oom(err);
                break;
            }
            l->names = grown;
            l->cap = cap;
        }
        l->names[l->n++] = full;
    }
    closedir(d);
    return rc;
}

int glca_inventories__read_ecospold1(glca_import *im, const char *path,
                                     const glca_xml_limits *limits, glca_diag_fn diag,
                                     void *payload, glca_error *err)
{
    glca_es1 e;
    glca_diag_sink sink;
    glca_error fe = GLCA_ERROR_INIT;
    struct stat st;
    file_list files = {NULL, 0, 0};
    size_t i;
    int rc = 0;

    memset(&e, 0, sizeof e);
    e.im = im;
    glca_diag_init(&sink, diag, payload, err);
#if GLCA_HAVE_ARCHIVE
    if (glca_inventories__archive_is_zip(path)) {
        read_archive(&e, path, limits, &sink);
        goto emit;
    }
#endif
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if ((rc = list_dir(path, &files, 8, &fe)) < 0) {
            glca_diag_report(&sink, &fe);
            goto cleanup;
        }
        if (files.n)
            qsort(files.names, files.n, sizeof *files.names, by_name);
        for (i = 0; i < files.n; i++) {
            glca_xml *x = NULL;

            if (glca_xml_open(&x, files.names[i], limits, &fe) < 0) {
                glca_diag_report(&sink, &fe);
                continue;
            }
            rc = read_doc(&e, x, true, &sink);
            glca_xml_free(x);
            if (rc == GLCA_ENOMEM)
                goto cleanup;
        }
    } else {
        glca_xml *x = NULL;

        if (glca_xml_open(&x, path, limits, &fe) < 0) {
            glca_diag_report(&sink, &fe);
        } else {
            read_doc(&e, x, false, &sink);
            glca_xml_free(x);
        }
    }
#if GLCA_HAVE_ARCHIVE
emit:
#endif
    if (sink.first == 0 && (rc = glca_inventories__es1_emit(&e, &fe)) < 0)
        glca_diag_report(&sink, &fe);
cleanup:
    for (i = 0; i < files.n; i++)
        glca_free(files.names[i]);
    glca_free(files.names);
    glca_inventories__es1_free(&e);
    return sink.first ? sink.first : rc;
}
