/*
 * Catalogs as a stream (FORMATS.md, urn:greenlca:catalog:1): one product at a time from inline
 * <product> elements and <include href> files, in document order.  Only the current product
 * and one open reader per nesting level are in memory, so a catalog of millions of products
 * reads in constant memory.
 *
 * Includes: href is a path relative to the including file's directory; URLs (anything with a
 * scheme) and absolute paths are refused.  An included file's root is either a <catalog>
 * (read as a nested stream) or a single <product>.  Nesting is limited to MAX_LEVELS files and
 * a file that includes itself, directly or not, is refused (compared by realpath).
 *
 * Errors: a bad product, a failed include or an unknown element is returned as one bad entry
 * (with an ordinal) and the stream goes on.  Malformed XML ends the file it is in: the error is
 * returned once, then reading resumes in the including file, or the stream ends if it was the
 * catalog itself.  An empty (0-byte) catalog file is an error ("empty file": it is not XML);
 * <catalog id="x"/> with no products is a valid, empty catalog.
 */
/* realpath() is an X/Open extension in glibc's headers */
#define _XOPEN_SOURCE 700

#include "native/inv_readers.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEVELS 16

typedef struct level {
    glca_xml *x;
    char *dir;            /* directory of the file ("." if none), for relative includes */
    char *real;           /* realpath of the file, for cycle detection */
    bool pending_product; /* the root is a <product> not yet read */
    bool failure_sent;    /* its XML failure already went to the diagnostics sink */
} level;

struct glca_catalog {
    level levels[MAX_LEVELS];
    size_t nlevels;
    glca_xml_limits limits;
    size_t ordinal;
    glca_diag_fn diag;
    void *payload;
    int (*on_include)(const char *path, void *payload);
    void *include_payload;
    int include_rc; /* what on_include returned when it stopped the walk */
};

void glca_inventories__catalog_set_diag(glca_catalog *c, glca_diag_fn diag, void *payload)
{
    c->diag = diag;
    c->payload = payload;
}

static void pop(glca_catalog *c)
{
    level *l = &c->levels[--c->nlevels];

    glca_xml_free(l->x);
    glca_free(l->dir);
    glca_free(l->real);
    memset(l, 0, sizeof *l);
}

void glca_catalog_free(glca_catalog *c)
{
    if (!c)
        return;
    while (c->nlevels)
        pop(c);
    glca_free(c);
}

static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    char *dir = glca_malloc(len + 1);

    if (!dir)
        return NULL;
    if (!slash)
        memcpy(dir, ".", 2);
    else if (slash == path)
        memcpy(dir, "/", 2);
    else {
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    return dir;
}

/* Check the root element of a newly opened level: a <catalog id> or a single <product>. */
static int check_root(level *l, glca_error *err)
{
    static const char *const catalog_attrs[] = {"id", NULL};
    glca_srcloc loc;
    const char *id;
    int rc;

    if ((rc = glca_xml_next(l->x, err)) < 0)
        return rc;
    loc = glca_xml_loc(l->x);
    switch (glca_inventories__kind_of(glca_xml_name(l->x), glca_xml_ns(l->x))) {
    case GLCA_DOC_CATALOG:
        if ((rc = glca_xml_check_attrs(l->x, catalog_attrs, err)) < 0 ||
            (rc = glca_inventories__attr_id(l->x, "id", &id, err)) < 0)
            return rc;
        return 0;
    case GLCA_DOC_PRODUCT:
        l->pending_product = true;
        return 0;
    default:
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "not a catalog or product file: root element <%s> in namespace "
                              "'%s'",
                              glca_xml_name(l->x), glca_xml_ns(l->x));
    }
}

/* Open `path` as a new level on top of the stack. */
static int push(glca_catalog *c, const char *path, const glca_srcloc *from, glca_error *err)
{
    level l;
    char real[PATH_MAX];
    size_t i;
    int rc;

    memset(&l, 0, sizeof l);
    if (c->nlevels == MAX_LEVELS)
        return glca_error_set(err, GLCA_ELIMIT, from, "includes nested deeper than %d files",
                              MAX_LEVELS);
    if (!realpath(path, real)) {
        glca_srcloc where = {path, 0, 0};
        return glca_error_set(err, GLCA_EIO, from ? from : &where, "cannot open '%s': %s",
                              path, strerror(errno));
    }
    for (i = 0; i < c->nlevels; i++)
        if (strcmp(c->levels[i].real, real) == 0)
            return glca_error_set(err, GLCA_EPARSE, from, "include cycle: '%s' is already open",
                                  path);
    if ((rc = glca_xml_open(&l.x, path, &c->limits, err)) < 0)
        return rc;
    if (!(l.dir = directory_of(path)) || !(l.real = glca_strdup(real))) {
        rc = glca_error_oom(err);
        goto fail;
    }
    if ((rc = check_root(&l, err)) < 0)
        goto fail;
    c->levels[c->nlevels++] = l;
    return 0;
fail:
    glca_xml_free(l.x);
    glca_free(l.dir);
    glca_free(l.real);
    return rc;
}

int glca_catalog_open(glca_catalog **out, const char *path, const glca_xml_limits *limits,
                      glca_error *err)
{
    static const glca_xml_limits defaults = GLCA_XML_LIMITS_INIT;
    glca_catalog *c;
    int rc;

    *out = NULL;
    if (!(c = glca_calloc(1, sizeof *c)))
        return glca_error_oom(err);
    c->limits = limits ? *limits : defaults;
    if ((rc = push(c, path, NULL, err)) < 0) {
        glca_catalog_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

/* A bad entry: counted, reported, returned. */
static int bad_entry(glca_catalog *c, const glca_error *e, bool sent, size_t *ordinal,
                     glca_error *err)
{
    if (ordinal)
        *ordinal = c->ordinal;
    c->ordinal++;
    if (c->diag && !sent)
        c->diag(e, c->payload);
    if (err)
        *err = *e;
    return e->code;
}

static int read_one(glca_catalog *c, glca_product **out, size_t *ordinal, glca_error *err)
{
    level *l = &c->levels[c->nlevels - 1];
    glca_rd r;
    int rc;

    glca_inventories__rd_init(&r, l->x, GLCA_NS_PRODUCT, c->diag, c->payload);
    rc = glca_inventories__read_product(&r, out);
    if (ordinal)
        *ordinal = c->ordinal;
    c->ordinal++;
    if (r.broken) {
        /* The XML broke inside the product.  If that was its first problem it is the error
         * returned now; otherwise the failure is returned on the next call (glca_xml keeps
         * returning it), without sending it to the diagnostics sink a second time. */
        if (r.first.code == rc && r.nproblems == 1)
            pop(c);
        else
            l->failure_sent = true;
    }
    if (rc < 0) {
        if (err)
            *err = r.first;
        return rc;
    }
    return 1;
}

/*
 * Resolve an <include href> of the top level; on success the included file is the new top.
 * The include element's end is consumed first, so the including level is ready to go on.
 */
static int include(glca_catalog *c, bool *broken, glca_error *err)
{
    static const char *const include_attrs[] = {"href", NULL};
    level *l = &c->levels[c->nlevels - 1];
    glca_srcloc loc = glca_xml_loc(l->x);
    const char *href, *p;
    char *path = NULL;
    size_t len;
    int rc;

    if ((rc = glca_xml_check_attrs(l->x, include_attrs, err)) < 0 ||
        (rc = glca_xml_attr_required(l->x, "href", &href, err)) < 0)
        return rc;
    for (p = href; *p && *p != '/' && *p != ':'; p++)
        ;
    if (*p == ':')
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "include href '%.80s' is a URL; only relative paths are allowed",
                              href);
    if (href[0] == '/' || href[0] == '\0')
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "include href '%.80s' must be a relative path", href);
    len = strlen(l->dir) + strlen(href) + 2;
    if (!(path = glca_malloc(len)))
        return glca_error_oom(err);
    snprintf(path, len, "%s/%s", l->dir, href);
    /* the href string dies at the next event: the path is already copied */
    if ((rc = glca_xml_skip(l->x, err)) < 0) {
        *broken = true;
        glca_free(path);
        return rc;
    }
    if (c->on_include && (rc = c->on_include(path, c->include_payload)) < 0) {
        c->include_rc = rc;
        glca_free(path);
        return glca_error_set(err, rc, &loc, "include '%.200s' stopped by the caller", path);
    }
    rc = push(c, path, &loc, err);
    glca_free(path);
    return rc;
}

int glca_catalog_next(glca_catalog *c, glca_product **out, size_t *ordinal, glca_error *err)
{
    glca_error e = GLCA_ERROR_INIT;
    level *l;
    int ev, rc;

    *out = NULL;
    while (c->nlevels) {
        l = &c->levels[c->nlevels - 1];
        if (l->pending_product) {
            l->pending_product = false;
            return read_one(c, out, ordinal, err);
        }
        if ((ev = glca_xml_next(l->x, &e)) < 0) {
            /* malformed XML: this file cannot go on, the including one can */
            bool sent = l->failure_sent;
            pop(c);
            return bad_entry(c, &e, sent, ordinal, err);
        }
        if (ev == GLCA_XML_EOF) {
            pop(c);
            continue;
        }
        if (ev == GLCA_XML_END)
            continue; /* the root's end: EOF comes next */
        if (strcmp(glca_xml_ns(l->x), GLCA_NS_PRODUCT) == 0 &&
            strcmp(glca_xml_name(l->x), "product") == 0)
            return read_one(c, out, ordinal, err);
        if (strcmp(glca_xml_ns(l->x), GLCA_NS_CATALOG) == 0 &&
            strcmp(glca_xml_name(l->x), "include") == 0) {
            bool broken = false;
            if ((rc = include(c, &broken, &e)) < 0) {
                /* still on the <include> start when its attributes were wrong; a skip that
                 * fails leaves the failure for the next call */
                if (broken)
                    pop(c); /* the failure is the error returned */
                else
                    glca_xml_skip(l->x, NULL);
                return bad_entry(c, &e, false, ordinal, err);
            }
            continue;
        }
        {
            glca_srcloc loc = glca_xml_loc(l->x);
            if (strcmp(glca_xml_ns(l->x), GLCA_NS_CATALOG) == 0)
                glca_error_set(&e, GLCA_EPARSE, &loc, "unknown element <%s>",
                               glca_xml_name(l->x));
            else
                glca_error_set(&e, GLCA_EPARSE, &loc, "unknown element <%s> in namespace '%s'",
                               glca_xml_name(l->x), glca_xml_ns(l->x));
            glca_xml_skip(l->x, NULL); /* a failure comes out at the next call */
            return bad_entry(c, &e, false, ordinal, err);
        }
    }
    return 0;
}

int glca_inventories__catalog_includes(const char *path, const glca_xml_limits *limits,
                                       int (*fn)(const char *path, void *payload),
                                       void *payload, glca_error *err)
{
    glca_catalog *c = NULL;
    glca_error e = GLCA_ERROR_INIT;
    level *l;
    int ev, rc;

    if ((rc = glca_catalog_open(&c, path, limits, err)) < 0)
        return rc;
    c->on_include = fn;
    c->include_payload = payload;
    /* the walk of glca_catalog_next with products skipped rather than read: what matters here
     * is which files the stream opens, and a bad entry is the batch's business, not ours */
    while (c->nlevels) {
        l = &c->levels[c->nlevels - 1];
        if (l->pending_product) {
            pop(c);
            continue;
        }
        if ((ev = glca_xml_next(l->x, &e)) < 0 || ev == GLCA_XML_EOF) {
            pop(c);
            continue;
        }
        if (ev == GLCA_XML_END)
            continue;
        if (strcmp(glca_xml_ns(l->x), GLCA_NS_CATALOG) == 0 &&
            strcmp(glca_xml_name(l->x), "include") == 0) {
            bool broken = false;

            if ((rc = include(c, &broken, &e)) < 0 &&
                (c->include_rc < 0 || e.code == GLCA_ENOMEM)) {
                *err = e;
                goto cleanup;
            }
            if (rc < 0 && broken)
                pop(c);
            else if (rc < 0)
                glca_xml_skip(l->x, NULL);
            continue;
        }
        glca_xml_skip(l->x, NULL);
    }
    rc = 0;
cleanup:
    glca_catalog_free(c);
    return rc;
}
