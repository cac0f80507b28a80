/*
 * Entry points of the file readers: open a file, check that its root element is the expected
 * kind, run the body reader, and check that nothing follows.  Also glca_detect_kind, which
 * reads no further than the root element, and glca_validate_file, which runs the reader of
 * whatever kind the file is into throwaway objects and reports every problem.
 */
#include "native/inv_readers.h"
#include "importers/importers.h"

#include <string.h>
#include <sys/stat.h>

static const char *kind_name(glca_doc_kind k)
{
    switch (k) {
    case GLCA_DOC_INVENTORY:
        return "an inventory";
    case GLCA_DOC_METHOD:
        return "a method";
    case GLCA_DOC_PRODUCT:
        return "a product";
    case GLCA_DOC_CATALOG:
        return "a catalog";
    case GLCA_DOC_RULESET:
        return "a ruleset";
    default:
        return "a greenlca file";
    }
}

/*
 * Open `path` and read up to its root element.  On success `*out` is open on the root and
 * `*kind` says what it is; on failure the problem has been reported through `r` and its code
 * is returned (`*out` NULL).
 */
static int open_root(glca_rd *r, glca_xml **out, glca_doc_kind *kind, const char *path,
                     const glca_xml_limits *limits)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_xml *x = NULL;
    int rc;

    *out = NULL;
    *kind = GLCA_DOC_UNKNOWN;
    if ((rc = glca_xml_open(&x, path, limits, &e)) < 0) {
        glca_inventories__report(r, &e);
        return rc;
    }
    r->x = x;
    if ((rc = glca_inventories__next(r)) < 0) {
        glca_xml_free(x);
        r->x = NULL;
        return rc;
    }
    /* a well-formed document has a root element, so EOF here cannot happen */
    *kind = glca_inventories__kind_of(glca_xml_name(x), glca_xml_ns(x));
    *out = x;
    return 0;
}

static int not_expected(glca_rd *r, glca_doc_kind want)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);

    glca_error_set(&e, GLCA_EPARSE, &loc,
                   "not %s file: root element <%s> in namespace '%s' (expected '%s')",
                   kind_name(want), glca_xml_name(r->x), glca_xml_ns(r->x), r->ns);
    glca_inventories__report(r, &e);
    return e.code;
}

/* After the root's end: only the end of input may follow. */
static int finish(glca_rd *r)
{
    int ev;

    if (r->broken)
        return r->first.code;
    ev = glca_inventories__next(r);
    return ev < 0 ? ev : 0;
}

static int result(glca_rd *r, glca_error *err)
{
    if (!r->nproblems)
        return 0;
    if (err)
        *err = r->first;
    return r->first.code;
}

int glca_read_inventory(glca_model *m, const char *path, const glca_xml_limits *limits,
                        glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_rd r;
    glca_xml *x;
    glca_doc_kind kind;

    glca_inventories__rd_init(&r, NULL, GLCA_NS_INVENTORY, diag, payload);
    if (open_root(&r, &x, &kind, path, limits) == 0) {
        if (kind != GLCA_DOC_INVENTORY)
            not_expected(&r, GLCA_DOC_INVENTORY);
        else if (glca_inventories__read_inventory_root(&r, m) == 0)
            finish(&r);
        glca_xml_free(x);
    }
    return result(&r, err);
}

int glca_read_method(glca_method **out, const char *path, const glca_xml_limits *limits,
                     glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_rd r;
    glca_xml *x;
    glca_doc_kind kind;
    glca_method *m = NULL;

    *out = NULL;
    glca_inventories__rd_init(&r, NULL, GLCA_NS_METHOD, diag, payload);
    if (open_root(&r, &x, &kind, path, limits) == 0) {
        if (kind != GLCA_DOC_METHOD)
            not_expected(&r, GLCA_DOC_METHOD);
        else if (glca_inventories__read_method_root(&r, &m) == 0)
            finish(&r);
        glca_xml_free(x);
    }
    if (r.nproblems) {
        glca_method_free(m);
        return result(&r, err);
    }
    *out = m;
    return 0;
}

int glca_read_method_into(glca_method *m, const char *path, const glca_xml_limits *limits,
                          glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_rd r;
    glca_xml *x;
    glca_doc_kind kind;

    glca_inventories__rd_init(&r, NULL, GLCA_NS_METHOD, diag, payload);
    if (open_root(&r, &x, &kind, path, limits) == 0) {
        if (kind != GLCA_DOC_METHOD)
            not_expected(&r, GLCA_DOC_METHOD);
        else if (glca_inventories__read_method_root_into(&r, m) == 0)
            finish(&r);
        glca_xml_free(x);
    }
    return result(&r, err);
}

int glca_read_product(glca_product **out, const char *path, const glca_xml_limits *limits,
                      glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_rd r;
    glca_xml *x;
    glca_doc_kind kind;
    glca_product *p = NULL;

    *out = NULL;
    glca_inventories__rd_init(&r, NULL, GLCA_NS_PRODUCT, diag, payload);
    if (open_root(&r, &x, &kind, path, limits) == 0) {
        if (kind != GLCA_DOC_PRODUCT)
            not_expected(&r, GLCA_DOC_PRODUCT);
        else if (glca_inventories__read_product(&r, &p) == 0 || !r.broken)
            finish(&r);
        glca_xml_free(x);
    }
    if (r.nproblems) {
        glca_product_free(p);
        return result(&r, err);
    }
    *out = p;
    return 0;
}

int glca_detect_kind(const char *path, glca_doc_kind *out, glca_error *err)
{
    const glca_import_format *f;
    struct stat st;
    glca_rd r;
    glca_xml *x;
    int rc;

    /* directories (and, with the archive layer, zips) hold datasets of another format */
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        *out = GLCA_DOC_UNKNOWN;
        if ((f = glca_inventories__detect_import(path)))
            *out = f->kind;
        return f ? 0
                 : glca_error_set(err, GLCA_EPARSE, &(glca_srcloc){path, 0, 0},
                                  "a directory of no format greenlca reads");
    }
    glca_inventories__rd_init(&r, NULL, "", NULL, NULL);
    if ((rc = open_root(&r, &x, out, path, NULL)) < 0)
        return result(&r, err);
    if (*out == GLCA_DOC_UNKNOWN && (f = glca_inventories__detect_import(path)))
        *out = f->kind;
    if (*out == GLCA_DOC_UNKNOWN) {
        glca_srcloc loc = glca_xml_loc(x);
        rc = glca_error_set(err, GLCA_EPARSE, &loc,
                            "not a greenlca file: root element <%s> in namespace '%s'",
                            glca_xml_name(x), glca_xml_ns(x));
    }
    glca_xml_free(x);
    return rc;
}

/* Every product of a catalog, each problem reported; the catalog stream does the work. */
static void validate_catalog(glca_rd *r, const char *path, const glca_xml_limits *limits)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_catalog *c = NULL;
    glca_product *p;
    int rc;

    if (glca_catalog_open(&c, path, limits, &e) < 0) {
        glca_inventories__report(r, &e);
        return;
    }
    glca_inventories__catalog_set_diag(c, r->diag, r->payload);
    while ((rc = glca_catalog_next(c, &p, NULL, &e)) != 0) {
        glca_product_free(p);
        if (rc < 0 && !r->nproblems++)
            r->first = e; /* the diagnostics were sent by the catalog itself */
    }
    glca_catalog_free(c);
}

/* Data of another format: read and linked as a study would (every problem to diag). */
static int validate_import(const glca_import_format *f, const char *path,
                           const glca_xml_limits *limits, glca_diag_fn diag, void *payload,
                           glca_error *err)
{
    glca_load_options o = GLCA_LOAD_OPTIONS_INIT;
    glca_model *m = NULL;
    glca_method *method = NULL;
    int rc;

    o.limits = limits;
    if (f->read) {
        if ((rc = glca_model_new(&m, err)) == 0 &&
            (rc = glca_read_inventories(m, &path, 1, &o, diag, payload, err)) == 0)
            rc = glca_model_link(m, diag, payload, err);
        glca_model_free(m);
        return rc;
    }
    if ((rc = glca_method_new(&method, "validate", NULL, NULL, err)) == 0)
        rc = f->read_method(method, path, limits, diag, payload, err);
    glca_method_free(method);
    return rc;
}

int glca_validate_file(const char *path, const glca_xml_limits *limits, glca_doc_kind *kind,
                       glca_diag_fn diag, void *payload, glca_error *err)
{
    const glca_import_format *f = glca_inventories__detect_import(path);
    glca_rd r;
    glca_xml *x;
    glca_doc_kind k = GLCA_DOC_UNKNOWN;
    glca_model *m = NULL;
    glca_method *method = NULL;
    glca_product *p = NULL;
    glca_error e = GLCA_ERROR_INIT;

    if (f) {
        if (kind)
            *kind = f->kind;
        return validate_import(f, path, limits, diag, payload, err);
    }
    glca_inventories__rd_init(&r, NULL, "", diag, payload);
    if (open_root(&r, &x, &k, path, limits) == 0) {
        switch (k) {
        case GLCA_DOC_INVENTORY:
            r.ns = GLCA_NS_INVENTORY;
            if (glca_model_new(&m, &e) < 0)
                glca_inventories__report(&r, &e);
            else if (glca_inventories__read_inventory_root(&r, m) == 0)
                finish(&r);
            break;
        case GLCA_DOC_METHOD:
            r.ns = GLCA_NS_METHOD;
            if (glca_inventories__read_method_root(&r, &method) == 0)
                finish(&r);
            break;
        case GLCA_DOC_PRODUCT:
            r.ns = GLCA_NS_PRODUCT;
            if (glca_inventories__read_product(&r, &p) == 0 || !r.broken)
                finish(&r);
            break;
        case GLCA_DOC_CATALOG:
            glca_xml_free(x);
            x = NULL;
            validate_catalog(&r, path, limits);
            break;
        case GLCA_DOC_RULESET:
            break; /* validated by ruleset/, which knows the expression language */
        default: {
            glca_srcloc loc = glca_xml_loc(x);
            glca_error_set(&e, GLCA_EPARSE, &loc,
                           "not a greenlca file: root element <%s> in namespace '%s'",
                           glca_xml_name(x), glca_xml_ns(x));
            glca_inventories__report(&r, &e);
        }
        }
        glca_xml_free(x);
    }
    if (kind)
        *kind = k;
    glca_model_free(m);
    glca_method_free(method);
    glca_product_free(p);
    return result(&r, err);
}
