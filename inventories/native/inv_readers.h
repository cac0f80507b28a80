/*
 * Internals shared by the readers of our formats (inventory, method, product, catalog) and by
 * validation: a reading context that reports every problem and keeps the first one, element
 * helpers built on glca_xml, and the product reader that the catalog reuses element by element.
 *
 * Error model: a semantic problem in an element (bad attribute, duplicate id, ...) is reported
 * and the element's subtree skipped, so one bad element never hides the problems after it.
 * A glca_xml failure (malformed XML, limits) cannot be recovered from: it is reported, the
 * context is marked broken and every function returns its negative code.
 */
#ifndef GLCA_INV_READERS_H
#define GLCA_INV_READERS_H

#include <glca/inventories.h>

#define GLCA_NS_INVENTORY "urn:greenlca:inventory:1"
#define GLCA_NS_METHOD "urn:greenlca:method:1"
#define GLCA_NS_PRODUCT "urn:greenlca:product:1"
#define GLCA_NS_CATALOG "urn:greenlca:catalog:1"
#define GLCA_NS_RULESET "urn:greenlca:ruleset:1"

/* Longest id FORMATS.md allows. */
#define GLCA_ID_MAX 200

typedef struct glca_rd {
    glca_xml *x;
    const char *ns;      /* namespace every element must be in */
    glca_diag_fn diag;   /* may be NULL */
    void *payload;
    glca_error first;    /* the first problem */
    size_t nproblems;
    bool broken;         /* the XML cannot be read any further */
} glca_rd;

void glca_inventories__rd_init(glca_rd *r, glca_xml *x, const char *ns, glca_diag_fn diag,
                               void *payload);

/* Send a problem to the diagnostics sink and keep it if it is the first. */
void glca_inventories__report(glca_rd *r, const glca_error *e);

/* The next event; a failure is reported, marks `r` broken and is returned. */
int glca_inventories__next(glca_rd *r);

/* Report `e` (about the current start element) and skip the element; 0 or a fatal code. */
int glca_inventories__reject(glca_rd *r, const glca_error *e);

/* Report the current start element as unknown and skip it; 0 or a fatal code. */
int glca_inventories__unknown(glca_rd *r);

/* Whether the current element is in the expected namespace and called `name`. */
bool glca_inventories__is(const glca_rd *r, const char *name);

/* Consume the rest of an element that has no children (each child is reported as unknown). */
int glca_inventories__leaf(glca_rd *r);

/* Id rules of FORMATS.md: 1-200 bytes, no control characters; error names the attribute. */
int glca_inventories__check_id(glca_xml *x, const char *attr, const char *value,
                               glca_error *err);

/* A required attribute that must be an id. */
int glca_inventories__attr_id(glca_xml *x, const char *attr, const char **out, glca_error *err);

/*
 * Read an <uncertainty> element (current) for an exchange of `amount`; positioned at its end
 * afterwards.  Returns 0 with `*out` filled, 1 when a problem was reported (the element is
 * skipped), or a fatal code.
 */
int glca_inventories__read_uncertainty(glca_rd *r, double amount, glca_uncertainty *out);

/*
 * Children of an exchange-like element (current): at most one <uncertainty>.  Returns 0 with
 * `*unc` filled (dist NONE when absent), 1 when a problem was reported, or a fatal code; the
 * element's end has been consumed in the first two cases.
 */
int glca_inventories__exchange_children(glca_rd *r, double amount, glca_uncertainty *unc);

/* A copy of an attribute value that survives the next event (NULL stays NULL). */
int glca_inventories__dup(const char *s, char **out, glca_error *err);

/*
 * Body readers, positioned on the root start element of their document (already known to be
 * theirs); they return at its end.  Problems go through `r`; the return is 0 or a fatal code.
 */
int glca_inventories__read_inventory_root(glca_rd *r, glca_model *m);
int glca_inventories__read_method_root(glca_rd *r, glca_method **out);
/* The categories of another method file, added to `m` (a study with several methods). */
int glca_inventories__read_method_root_into(glca_rd *r, glca_method *m);

/*
 * Read one <product> element (the current start element, product namespace) into a new
 * product.  On return the reader is on the product's end element unless the XML broke.
 * Returns 0 with `*out` set, or < 0 with `*out` NULL: the first problem's code when the product
 * is invalid (every problem reported through `r`), or a fatal code with `r->broken` set.
 */
int glca_inventories__read_product(glca_rd *r, glca_product **out);

/* Send every problem of the catalog's products to `diag` too (validation wants them all). */
void glca_inventories__catalog_set_diag(glca_catalog *c, glca_diag_fn diag, void *payload);

/*
 * Every file the catalog at `path` includes, directly or not, in the order glca_catalog_next
 * opens them: `fn` gets each resolved path before it is opened (so a missing file is named
 * too); a negative return stops the walk with that code.  Products are skipped, not read.
 * Only a catalog that cannot be opened at all, out of memory or `fn` failing is an error: what
 * is wrong inside is what the batch reports per product.
 */
int glca_inventories__catalog_includes(const char *path, const glca_xml_limits *limits,
                                       int (*fn)(const char *path, void *payload),
                                       void *payload, glca_error *err);

/* The kind of a document from its root element's name and namespace. */
glca_doc_kind glca_inventories__kind_of(const char *name, const char *ns);

#endif
