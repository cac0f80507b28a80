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

#include <dirent.h>
#include <errno.h>
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
    double number;

    if (reserve((void **)&e->ds, &e->capds, e->nds, sizeof *e->ds) < 0)
        return GLCA_ENOMEM;
    r->ds = &e->ds[e->nds++];
    memset(r->ds, 0, sizeof *r->ds);
    r->ds->loc = glca_xml_loc(r->x);
    r->ds->loc.file = glca_inventories__imp_intern(e->im, r->ds->loc.file, &r->oom);
    r->ds->number = num_attr(r, "number", &number) ? (int)number : 0;
    return 0;
}

static int start_exchange(es1_rd *r)
{
    glca_es1_dataset *ds = r->ds;
    glca_es1_exchange *x;
    double v;

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
    x->number = num_attr(r, "number", &v) ? (int)v : 0;
    x->has_amount = num_attr(r, "meanValue", &x->amount);
    x->group = -1;
    x->utype = num_attr(r, "uncertaintyType", &v) ? (int)v : 0;
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
    a->coproduct = num_attr(r, "referenceToCoProduct", &v) ? (int)v : -1;
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

int glca_inventories__es1_read_file(glca_es1 *e, const char *path, const glca_xml_limits *limits,
                                    glca_diag_fn diag, void *payload, glca_error *err)
{
    es1_rd r;
    glca_error xe = GLCA_ERROR_INIT;
    int ev, rc = 0;

    memset(&r, 0, sizeof r);
    r.e = e;
    glca_diag_init(&r.sink, diag, payload, err);
    if ((rc = glca_xml_open(&r.x, path, limits, &xe)) < 0) {
        glca_diag_report(&r.sink, &xe);
        return rc;
    }
    glca_xml_keep_text(r.x, true);
    while ((ev = glca_xml_next(r.x, &xe)) > 0) {
        const char *name = glca_xml_name(r.x);
        int depth = glca_xml_depth(r.x);

        if (ev == GLCA_XML_START && depth == 0 &&
            (strcmp(glca_xml_ns(r.x), GLCA_NS_ECOSPOLD1) != 0 || strcmp(name, "ecoSpold") != 0)) {
            glca_srcloc where = glca_xml_loc(r.x);

            rc = glca_diag_problem(&r.sink, GLCA_EPARSE, &where,
                                   "not an EcoSpold 1 file: root element <%s> in namespace '%s'",
                                   name, glca_xml_ns(r.x));
            goto cleanup;
        }
        rc = ev == GLCA_XML_START ? on_start(&r, name, depth) : on_end(&r, name);
        if (rc < 0 || r.oom) {
            rc = glca_diag_problem(&r.sink, GLCA_ENOMEM, NULL, "out of memory");
            goto cleanup;
        }
    }
    if (ev < 0) {
        glca_diag_report(&r.sink, &xe);
        rc = ev;
    }
cleanup:
    glca_xml_free(r.x);
    return r.sink.first ? r.sink.first : rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The .xml files of a directory, sorted; the caller frees each and the array. */
static int list_dir(const char *path, char ***out, size_t *n, glca_error *err)
{
    DIR *d = opendir(path);
    struct dirent *de;
    char **names = NULL, **grown;
    size_t cap = 0, len;
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (!d)
        return glca_error_set(err, GLCA_EIO, &(glca_srcloc){path, 0, 0}, "cannot open: %s",
                              strerror(errno));
    while ((de = readdir(d))) {
        len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            if (!(grown = glca_reallocarray(names, cap, sizeof *names))) {
                rc = glca_error_oom(err);
                break;
            }
            names = grown;
        }
        len += strlen(path) + 2;
        if (!(names[*n] = glca_malloc(len))) {
            rc = glca_error_oom(err);
            break;
        }
        snprintf(names[(*n)++], len, "%s/%s", path, de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, by_name);
    *out = names;
    return rc;
}

/* Whether a file's root element is EcoSpold 1 (other XML in a directory is noted, not read). */
static bool is_es1(const char *path)
{
    glca_xml *x = NULL;
    bool yes;

    if (glca_xml_open(&x, path, NULL, NULL) < 0)
        return true; /* let the reader report why */
    glca_xml_keep_text(x, true);
    yes = glca_xml_next(x, NULL) != GLCA_XML_START ||
          (strcmp(glca_xml_ns(x), GLCA_NS_ECOSPOLD1) == 0 &&
           strcmp(glca_xml_name(x), "ecoSpold") == 0);
    glca_xml_free(x);
    return yes;
}

int glca_inventories__read_ecospold1(glca_import *im, const char *path,
                                     const glca_xml_limits *limits, glca_diag_fn diag,
                                     void *payload, glca_error *err)
{
    glca_es1 e;
    glca_diag_sink sink;
    glca_error fe = GLCA_ERROR_INIT;
    struct stat st;
    char **files = NULL;
    size_t nfiles = 0, i;
    int rc = 0;

    memset(&e, 0, sizeof e);
    e.im = im;
    glca_diag_init(&sink, diag, payload, err);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if ((rc = list_dir(path, &files, &nfiles, &fe)) < 0) {
            glca_diag_report(&sink, &fe);
            goto cleanup;
        }
        for (i = 0; i < nfiles; i++) {
            if (!is_es1(files[i])) {
                glca_imp_note n = {GLCA_IMP_OUT_OF_SCOPE,
                                   NULL,
                                   NULL,
                                   NAN,
                                   NULL,
                                   NULL,
                                   "not an EcoSpold 1 <ecoSpold> file: not read",
                                   {files[i], 0, 0}};

                if (glca_inventories__imp_note(im, &n, &fe) < 0) {
                    rc = glca_diag_report(&sink, &fe);
                    goto cleanup;
                }
                continue;
            }
            if (glca_inventories__es1_read_file(&e, files[i], limits, diag, payload, &fe) < 0 &&
                sink.first == 0) {
                sink.first = fe.code;
                if (err)
                    *err = fe;
            }
        }
    } else if (glca_inventories__es1_read_file(&e, path, limits, diag, payload, &fe) < 0) {
        sink.first = fe.code;
        if (err)
            *err = fe;
    }
    if (sink.first == 0 && (rc = glca_inventories__es1_emit(&e, &fe)) < 0)
        glca_diag_report(&sink, &fe);
cleanup:
    for (i = 0; i < nfiles; i++)
        glca_free(files[i]);
    glca_free(files);
    glca_inventories__es1_free(&e);
    return sink.first ? sink.first : rc;
}
