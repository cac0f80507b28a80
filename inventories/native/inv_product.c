/*
 * The product reader (FORMATS.md, urn:greenlca:product:1): one <product> element, from an open
 * glca_xml positioned on it, into a glca_product.  glca_read_product uses it for a product file
 * and the catalog for each product of a stream, so it never reads past the product's end.
 *
 * Bill of materials: a material's path is the ids of its enclosing components joined by '/'
 * then its own id ("outdoor/fan/blade"), and its amount is its mass times the product of the
 * enclosing components' quantities.  Component quantities must be positive (a component that
 * is not there is left out, not given quantity 0); masses may be 0 (a declared trace part),
 * never negative; recycled-content is a fraction in [0, 1]; ppm >= 0.  Two materials with the
 * same path are an error, since rules and reports name materials by path.
 * Units, processes and flows are resolved later by glca_product_bind against a background.
 */
#include "native/inv_readers.h"
#include "xml/xmlsafe_int.h"

#include <string.h>

static const char *const product_attrs[] = {"id", "name", "category", "functional-unit", NULL};
static const char *const declare_attrs[] = {"name", "value", "unit", NULL};
static const char *const component_attrs[] = {"id", "name", "quantity", NULL};
static const char *const material_attr_names[] = {
    "id", "name", "process", "mass", "unit", "recyclable", "recycled-content", NULL};
static const char *const substance_attrs[] = {"cas", "name", "ppm", NULL};
static const char *const input_attrs[] = {"process", "amount", "unit", NULL};
static const char *const emission_attrs[] = {"flow", "amount", "unit", NULL};

typedef struct product_reader {
    glca_rd *r;
    glca_product *p;
    char *path; /* enclosing component ids, each followed by '/' */
    size_t pathlen, pathcap;
    double quantity; /* product of the enclosing components' quantities */
    uint64_t *path_hash; /* hash of each material's path so far, for the duplicate check */
    size_t nhashed, caphash;
} product_reader;

typedef struct substance {
    char *cas, *name;
    double ppm;
    glca_srcloc loc;
} substance;

static int oom(product_reader *s)
{
    glca_error e = GLCA_ERROR_INIT;

    glca_error_oom(&e);
    return glca_inventories__reject(s->r, &e);
}

/* ---------------------------------------------------------------- declare */

static int read_declare(product_reader *s)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_xml *x = s->r->x;
    glca_declare d;
    const char *value;

    memset(&d, 0, sizeof d);
    d.loc = glca_xml_loc(x);
    if (glca_xml_check_attrs(x, declare_attrs, &e) < 0 ||
        glca_inventories__attr_id(x, "name", &d.name, &e) < 0 ||
        glca_xml_attr_required(x, "value", &value, &e) < 0)
        return glca_inventories__reject(s->r, &e);
    d.string = value;
    d.unit = glca_xml_attr(x, "unit");
    if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
        d.kind = GLCA_VALUE_BOOL;
        d.boolean = value[0] == 't';
    } else if (glca_inventories__parse_double(value, &d.number) == 0) {
        d.kind = GLCA_VALUE_NUMBER;
    } else {
        d.kind = GLCA_VALUE_STRING;
    }
    if (glca_product_declare(s->p, &d, &e) < 0) {
        glca_error_locate(&e, &d.loc);
        return glca_inventories__reject(s->r, &e);
    }
    return glca_inventories__leaf(s->r);
}

/* ---------------------------------------------------------------- bill of materials */

/* FNV-1a: material paths are compared by hash first, strcmp only on a match. */
static uint64_t path_hash(const char *p)
{
    uint64_t h = 14695981039346656037ull;

    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h;
}

/* Whether a material of the product already has `path`; 1, 0, or < 0 when out of memory.
 * Without the hashes this was quadratic in strcmp calls, a visible share of catalog parsing. */
static int same_path_exists(product_reader *s, const char *path)
{
    const glca_material *m;
    uint64_t h = path_hash(path);
    size_t n, i;

    m = glca_product_materials(s->p, &n);
    if (n > s->caphash) {
        size_t cap = 2 * n;
        uint64_t *grown = glca_reallocarray(s->path_hash, cap, sizeof *grown);
        if (!grown)
            return GLCA_ENOMEM;
        s->path_hash = grown;
        s->caphash = cap;
    }
    for (; s->nhashed < n; s->nhashed++)
        s->path_hash[s->nhashed] = path_hash(m[s->nhashed].path);
    for (i = 0; i < n; i++)
        if (s->path_hash[i] == h && strcmp(m[i].path, path) == 0)
            return 1;
    return 0;
}

static int read_substance(product_reader *s, substance **list, size_t *n, size_t *cap)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_xml *x = s->r->x;
    substance sub;
    const char *cas;

    memset(&sub, 0, sizeof sub);
    sub.loc = glca_xml_loc(x);
    if (glca_xml_check_attrs(x, substance_attrs, &e) < 0 ||
        glca_inventories__attr_id(x, "cas", &cas, &e) < 0 ||
        glca_xml_attr_double(x, "ppm", true, 0, &sub.ppm, &e) < 0)
        return glca_inventories__reject(s->r, &e);
    if (sub.ppm < 0 || sub.ppm > 1e6) {
        glca_error_set(&e, GLCA_EPARSE, &sub.loc,
                       "substance %s: ppm must be between 0 and 1000000, not %g", cas, sub.ppm);
        return glca_inventories__reject(s->r, &e);
    }
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 4;
        substance *grown = glca_reallocarray(*list, c, sizeof *grown);
        if (!grown)
            return oom(s);
        *list = grown;
        *cap = c;
    }
    if (glca_inventories__dup(cas, &sub.cas, &e) < 0 ||
        glca_inventories__dup(glca_xml_attr(x, "name"), &sub.name, &e) < 0) {
        glca_free(sub.cas);
        return oom(s);
    }
    (*list)[(*n)++] = sub;
    return glca_inventories__leaf(s->r);
}

/* Attributes of a <material>, copied out of the reader before its children are read. */
typedef struct material_attrs_copy {
    char *id, *name, *process, *unit, *path;
    double mass, recycled;
    bool recyclable;
} material_attrs_copy;

static int material_attrs(product_reader *s, material_attrs_copy *m, glca_error *e)
{
    glca_xml *x = s->r->x;
    glca_srcloc loc = glca_xml_loc(x);
    const char *id, *process;
    size_t idlen;
    int rc;

    if ((rc = glca_xml_check_attrs(x, material_attr_names, e)) < 0 ||
        (rc = glca_inventories__attr_id(x, "id", &id, e)) < 0 ||
        (rc = glca_inventories__attr_id(x, "process", &process, e)) < 0 ||
        (rc = glca_xml_attr_double(x, "mass", true, 0, &m->mass, e)) < 0 ||
        (rc = glca_xml_attr_bool(x, "recyclable", false, &m->recyclable, e)) < 0 ||
        (rc = glca_xml_attr_double(x, "recycled-content", false, 0, &m->recycled, e)) < 0)
        return rc;
    if (m->mass < 0)
        return glca_error_set(e, GLCA_EPARSE, &loc, "material '%s': mass must not be negative",
                              id);
    if (m->recycled < 0 || m->recycled > 1)
        return glca_error_set(e, GLCA_EPARSE, &loc,
                              "material '%s': recycled-content must be between 0 and 1, not %g",
                              id, m->recycled);
    idlen = strlen(id);
    if (!(m->path = glca_malloc(s->pathlen + idlen + 1)))
        return glca_error_oom(e);
    if (s->pathlen)
        memcpy(m->path, s->path, s->pathlen);
    memcpy(m->path + s->pathlen, id, idlen + 1);
    if ((rc = same_path_exists(s, m->path)) < 0)
        return glca_error_oom(e);
    if (rc)
        return glca_error_set(e, GLCA_EPARSE, &loc, "duplicate material '%s'", m->path);
    if ((rc = glca_inventories__dup(id, &m->id, e)) < 0 ||
        (rc = glca_inventories__dup(glca_xml_attr(x, "name"), &m->name, e)) < 0 ||
        (rc = glca_inventories__dup(process, &m->process, e)) < 0 ||
        (rc = glca_inventories__dup(glca_xml_attr(x, "unit"), &m->unit, e)) < 0)
        return rc;
    return 0;
}

static int read_material(product_reader *s)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(s->r->x);
    material_attrs_copy m;
    glca_uncertainty unc, parsed;
    substance *subs = NULL;
    size_t nsubs = 0, capsubs = 0, i;
    bool bad = false;
    int ev, rc = 0;

    memset(&m, 0, sizeof m);
    memset(&unc, 0, sizeof unc);
    if (material_attrs(s, &m, &e) < 0) {
        rc = glca_inventories__reject(s->r, &e);
        goto cleanup;
    }
    while ((ev = glca_inventories__next(s->r)) == GLCA_XML_START) {
        if (glca_inventories__is(s->r, "substance")) {
            rc = read_substance(s, &subs, &nsubs, &capsubs);
        } else if (glca_inventories__is(s->r, "uncertainty") && unc.dist == GLCA_DIST_NONE) {
            if ((rc = glca_inventories__read_uncertainty(s->r, m.mass, &parsed)) == 0)
                unc = parsed;
        } else {
            rc = glca_inventories__unknown(s->r);
            bad = true;
        }
        if (rc < 0)
            goto cleanup;
        bad |= rc > 0;
    }
    if ((rc = ev) < 0 || bad)
        goto cleanup;
    if (glca_product_add_material(s->p, m.id, m.name, m.path, m.process, m.mass, m.unit,
                                  s->quantity, m.recyclable, m.recycled,
                                  unc.dist == GLCA_DIST_NONE ? NULL : &unc, &loc, &e) < 0) {
        glca_error_locate(&e, &loc);
        glca_inventories__report(s->r, &e);
        goto cleanup;
    }
    for (i = 0; i < nsubs; i++) {
        if (glca_product_add_substance(s->p, subs[i].cas, subs[i].name, subs[i].ppm,
                                       &subs[i].loc, &e) < 0) {
            glca_error_locate(&e, &subs[i].loc);
            glca_inventories__report(s->r, &e);
        }
    }
cleanup:
    for (i = 0; i < nsubs; i++) {
        glca_free(subs[i].cas);
        glca_free(subs[i].name);
    }
    glca_free(subs);
    glca_free(m.id);
    glca_free(m.name);
    glca_free(m.process);
    glca_free(m.unit);
    glca_free(m.path);
    return rc < 0 ? rc : 0;
}

static int read_component(product_reader *s)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_xml *x = s->r->x;
    glca_srcloc loc = glca_xml_loc(x);
    const char *id;
    double quantity, outer = s->quantity;
    size_t outer_len = s->pathlen, idlen;
    int ev, rc = 0;

    if (glca_xml_check_attrs(x, component_attrs, &e) < 0 ||
        glca_inventories__attr_id(x, "id", &id, &e) < 0 ||
        glca_xml_attr_double(x, "quantity", false, 1, &quantity, &e) < 0)
        return glca_inventories__reject(s->r, &e);
    if (!(quantity > 0)) {
        glca_error_set(&e, GLCA_EPARSE, &loc,
                       "component '%s': quantity must be positive, not %g", id, quantity);
        return glca_inventories__reject(s->r, &e);
    }
    idlen = strlen(id);
    if (s->pathcap - s->pathlen < idlen + 2) {
        size_t cap = 2 * (s->pathcap + idlen + 2);
        char *grown = glca_reallocarray(s->path, cap, 1);
        if (!grown)
            return oom(s);
        s->path = grown;
        s->pathcap = cap;
    }
    memcpy(s->path + s->pathlen, id, idlen);
    s->pathlen += idlen;
    s->path[s->pathlen++] = '/';
    s->quantity = outer * quantity;
    while ((ev = glca_inventories__next(s->r)) == GLCA_XML_START) {
        if (glca_inventories__is(s->r, "component"))
            rc = read_component(s);
        else if (glca_inventories__is(s->r, "material"))
            rc = read_material(s);
        else
            rc = glca_inventories__unknown(s->r);
        if (rc < 0)
            break;
    }
    s->pathlen = outer_len;
    s->quantity = outer;
    return rc < 0 ? rc : ev < 0 ? ev : 0;
}

/* ---------------------------------------------------------------- stage lines */

static int read_line(product_reader *s, glca_stage stage, glca_line_kind kind)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_xml *x = s->r->x;
    glca_product_line line;
    const char *ref;
    char *ref_copy = NULL, *unit_copy = NULL;
    int rc;

    memset(&line, 0, sizeof line);
    line.kind = kind;
    line.stage = stage;
    line.loc = glca_xml_loc(x);
    if (glca_xml_check_attrs(x, kind == GLCA_LINE_INPUT ? input_attrs : emission_attrs, &e) < 0 ||
        glca_inventories__attr_id(x, kind == GLCA_LINE_INPUT ? "process" : "flow", &ref, &e) < 0 ||
        glca_xml_attr_double(x, "amount", true, 0, &line.amount, &e) < 0)
        return glca_inventories__reject(s->r, &e);
    if (glca_inventories__dup(ref, &ref_copy, &e) < 0 ||
        glca_inventories__dup(glca_xml_attr(x, "unit"), &unit_copy, &e) < 0) {
        rc = oom(s);
        goto cleanup;
    }
    if ((rc = glca_inventories__exchange_children(s->r, line.amount, &line.unc)) != 0)
        goto cleanup;
    line.ref = ref_copy;
    line.unit = unit_copy;
    if (glca_product_add_line(s->p, &line, &e) < 0) {
        glca_error_locate(&e, &line.loc);
        glca_inventories__report(s->r, &e);
    }
cleanup:
    glca_free(ref_copy);
    glca_free(unit_copy);
    return rc < 0 ? rc : 0;
}

static int read_stage(product_reader *s, glca_stage stage)
{
    static const char *const none[] = {NULL};
    glca_error e = GLCA_ERROR_INIT;
    int ev, rc = 0;

    if (glca_xml_check_attrs(s->r->x, none, &e) < 0)
        return glca_inventories__reject(s->r, &e);
    while ((ev = glca_inventories__next(s->r)) == GLCA_XML_START) {
        if (glca_inventories__is(s->r, "input"))
            rc = read_line(s, stage, GLCA_LINE_INPUT);
        else if (glca_inventories__is(s->r, "emission"))
            rc = read_line(s, stage, GLCA_LINE_EMISSION);
        else
            rc = glca_inventories__unknown(s->r);
        if (rc < 0)
            return rc;
    }
    return ev < 0 ? ev : 0;
}

/* ---------------------------------------------------------------- product */

static int read_children(product_reader *s)
{
    glca_stage stage;
    int ev, rc;

    while ((ev = glca_inventories__next(s->r)) == GLCA_XML_START) {
        if (glca_inventories__is(s->r, "declare"))
            rc = read_declare(s);
        else if (glca_inventories__is(s->r, "component"))
            rc = read_component(s);
        else if (glca_inventories__is(s->r, "material"))
            rc = read_material(s);
        else if (strcmp(glca_xml_ns(s->r->x), s->r->ns) == 0 &&
                 glca_stage_parse(glca_xml_name(s->r->x), &stage) == 0)
            rc = read_stage(s, stage);
        else
            rc = glca_inventories__unknown(s->r);
        if (rc < 0)
            return rc;
    }
    return ev < 0 ? ev : 0;
}

int glca_inventories__read_product(glca_rd *r, glca_product **out)
{
    glca_error e = GLCA_ERROR_INIT, outer_first = r->first;
    size_t outer_problems = r->nproblems;
    const char *outer_ns = r->ns;
    glca_srcloc loc = glca_xml_loc(r->x);
    product_reader s;
    const char *id;
    int rc = 0;

    *out = NULL;
    memset(&s, 0, sizeof s);
    s.r = r;
    s.quantity = 1;
    /* count this product's problems on their own, so its first one is the one returned */
    r->ns = GLCA_NS_PRODUCT;
    r->nproblems = 0;
    if (glca_xml_check_attrs(r->x, product_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "id", &id, &e) < 0 ||
        glca_product_new(&s.p, id, glca_xml_attr(r->x, "name"), glca_xml_attr(r->x, "category"),
                         glca_xml_attr(r->x, "functional-unit"), &loc, &e) < 0) {
        glca_error_locate(&e, &loc);
        rc = glca_inventories__reject(r, &e);
    } else {
        rc = read_children(&s);
    }
    if (rc == 0 && r->nproblems == 0) {
        *out = s.p;
        s.p = NULL;
    } else if (rc == 0) {
        rc = r->first.code;
    }
    if (outer_problems) {
        r->first = outer_first;
    }
    r->nproblems += outer_problems;
    r->ns = outer_ns;
    glca_product_free(s.p);
    glca_free(s.path);
    glca_free(s.path_hash);
    return rc;
}
