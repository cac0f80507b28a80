/*
 * greenlca inventories: every byte that enters or leaves as data.
 *
 * Safe XML reading (libxml2's streaming reader with no network, no entity substitution, no DTD
 * loading, size and depth limits), the readers of the native formats of FORMATS.md (inventory,
 * method, product, catalog), and the writers of results (JSON, CSV).  Readers fill the engine's
 * builders; every problem is reported as file:line:column: message.
 */
#ifndef GLCA_INVENTORIES_H
#define GLCA_INVENTORIES_H

#include <stdio.h>

#include <glca/engine.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- limits */

typedef struct glca_xml_limits {
    int version;
    long long max_bytes; /* largest input file accepted */
    int max_depth;       /* deepest element nesting accepted */
} glca_xml_limits;

/* 2 GiB and 256 levels: far beyond any real inventory, far below what hurts. */
#define GLCA_XML_LIMITS_INIT {1, 2147483647LL, 256}

/* ---------------------------------------------------------------- safe XML */

/**
 * A safe, streaming XML element reader over libxml2's xmlTextReader: no network, no entity
 * substitution, no DTD loading (a DOCTYPE is an error), size and depth limits.  It hands out
 * start and end element events only (an empty element gives both); comments, processing
 * instructions and whitespace are skipped, other text is an error unless asked for.  Every
 * error carries file:line:column.  Other modules (ruleset/) read their files through it.
 */
typedef struct glca_xml glca_xml;

typedef enum glca_xml_event { GLCA_XML_EOF = 0, GLCA_XML_START = 1, GLCA_XML_END = 2 } glca_xml_event;

int glca_xml_open(glca_xml **out, const char *path, const glca_xml_limits *limits,
                  glca_error *err);
void glca_xml_free(glca_xml *x);

/** The next event (>= 0) or a negative error code (malformed XML, limits, stray text). */
int glca_xml_next(glca_xml *x, glca_error *err);

const char *glca_xml_name(const glca_xml *x);      /* local name of the current element */
const char *glca_xml_ns(const glca_xml *x);        /* namespace URI, "" if none */
const char *glca_xml_path(const glca_xml *x);      /* the file name, as opened */
int glca_xml_depth(const glca_xml *x);             /* root element = 0 */
glca_srcloc glca_xml_loc(const glca_xml *x);       /* of the current element */

/** The attribute's value, or NULL when absent (borrowed until the next glca_xml_next). */
const char *glca_xml_attr(glca_xml *x, const char *name);

/**
 * Unknown attributes of the current element are errors: `allowed` is a NULL-terminated list.
 * xmlns declarations are always allowed.
 */
int glca_xml_check_attrs(glca_xml *x, const char *const *allowed, glca_error *err);

/** A required attribute (error "missing required attribute 'name' on <elem>"). */
int glca_xml_attr_required(glca_xml *x, const char *name, const char **out, glca_error *err);

/**
 * A number attribute: finite, fully parsed (C locale).  Absent: `*out` = `dflt` when not
 * `required`, else an error.
 */
int glca_xml_attr_double(glca_xml *x, const char *name, bool required, double dflt, double *out,
                         glca_error *err);

/** "true"/"false" attribute; absent gives `dflt`. */
int glca_xml_attr_bool(glca_xml *x, const char *name, bool dflt, bool *out, glca_error *err);

/** Skip the current element's subtree (positioned on its end event afterwards). */
int glca_xml_skip(glca_xml *x, glca_error *err);

/* ---------------------------------------------------------------- readers */

/** Which of our formats a file is, from its root element and namespace. */
typedef enum glca_doc_kind {
    GLCA_DOC_UNKNOWN = 0,
    GLCA_DOC_INVENTORY, /* urn:greenlca:inventory:1 */
    GLCA_DOC_METHOD,    /* urn:greenlca:method:1 */
    GLCA_DOC_PRODUCT,   /* urn:greenlca:product:1 */
    GLCA_DOC_CATALOG,   /* urn:greenlca:catalog:1 */
    GLCA_DOC_RULESET    /* urn:greenlca:ruleset:1 (read by ruleset/) */
} glca_doc_kind;

/**
 * Read an inventory file into `m` (which may already hold other files).  Every problem goes to
 * `diag` (may be NULL); returns the first one's code, with its error in `err`.  `limits` may be
 * NULL for the defaults.  References across files are resolved later by glca_model_link.
 */
int glca_read_inventory(glca_model *m, const char *path, const glca_xml_limits *limits,
                        glca_diag_fn diag, void *payload, glca_error *err);

/** Read a method file. */
int glca_read_method(glca_method **out, const char *path, const glca_xml_limits *limits,
                     glca_diag_fn diag, void *payload, glca_error *err);

/** Read a product file (one <product> root element). */
int glca_read_product(glca_product **out, const char *path, const glca_xml_limits *limits,
                      glca_diag_fn diag, void *payload, glca_error *err);

/**
 * Validate any of our files: detects the kind and reports every problem to `diag` (the syntax
 * of inventory, method, product and catalog files; rulesets are validated by ruleset/).
 * `kind` (may be NULL) receives what the file is.
 */
int glca_validate_file(const char *path, const glca_xml_limits *limits, glca_doc_kind *kind,
                       glca_diag_fn diag, void *payload, glca_error *err);

/** The kind of a file from its root element, reading no further; GLCA_EPARSE if not ours. */
int glca_detect_kind(const char *path, glca_doc_kind *out, glca_error *err);

/* ---------------------------------------------------------------- studies */

/**
 * Read inventories and a method, link, build the background.  Convenience for the CLI, the
 * batch and the benchmarks; each step is also available on its own.
 */
int glca_load_background(glca_background **out, const char *const *inventory_paths,
                         size_t ninventories, const char *method_path,
                         const glca_background_options *opts, glca_diag_fn diag, void *payload,
                         glca_error *err);

/* ---------------------------------------------------------------- catalogs */

/**
 * A catalog read as a stream: one product at a time, inline <product> elements and <include
 * href> files (relative to the catalog, no URLs) in document order.  Memory does not grow with
 * the number of products.
 */
typedef struct glca_catalog glca_catalog;

int glca_catalog_open(glca_catalog **out, const char *path, const glca_xml_limits *limits,
                      glca_error *err);
void glca_catalog_free(glca_catalog *c);

/**
 * The next product: 1 and `*out` set (caller frees), 0 at the end, or < 0 with `*out` NULL when
 * this product is bad (its error in `err`, with file:line); after a bad product the stream
 * continues with the next one where the document allows it, and returns GLCA_EPARSE at the end
 * of input if it cannot recover (malformed XML).  `ordinal` (may be NULL) receives the
 * product's position in the catalog, counting from 0, bad ones included.
 */
int glca_catalog_next(glca_catalog *c, glca_product **out, size_t *ordinal, glca_error *err);

/* ---------------------------------------------------------------- writers */

/** Per-product assessment result as the JSON of FORMATS.md, without the verdict part. */
typedef struct glca_assessment {
    const glca_product *product;
    const glca_background *bg;
    const double *impacts; /* k × GLCA_NSTAGES, from glca_evaluate */
} glca_assessment;

/**
 * Write `"impacts": {...}` members (no braces around the whole object) so callers can add the
 * verdict.  Numbers are printed with 17 significant digits (round trip).
 */
int glca_write_impacts_json(FILE *f, const glca_assessment *a, glca_error *err);

/** Write a JSON string literal with escapes. */
void glca_write_json_string(FILE *f, const char *s);

/** CSV rows "product,category,unit,stage,value" for each category and stage plus "total". */
int glca_write_impacts_csv(FILE *f, const glca_assessment *a, bool header, glca_error *err);

/* ---------------------------------------------------------------- batch, results store, content hashes (batch developer) */
/* (end of section) */

#ifdef __cplusplus
}
#endif
#endif
