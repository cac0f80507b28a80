/*
 * Helpers shared by the readers of our formats: problem reporting (every problem to the
 * diagnostics sink, the first one kept), skipping bad or unknown elements, id rules, and the
 * <uncertainty> element that inventories and products share.
 */
#include "native/inv_readers.h"

#include <math.h>
#include <string.h>

void glca_inventories__rd_init(glca_rd *r, glca_xml *x, const char *ns, glca_diag_fn diag,
                               void *payload)
{
    memset(r, 0, sizeof *r);
    r->x = x;
    r->ns = ns;
    r->diag = diag;
    r->payload = payload;
    glca_error_clear(&r->first);
}

void glca_inventories__report(glca_rd *r, const glca_error *e)
{
    if (r->nproblems++ == 0)
        r->first = *e;
    if (r->diag)
        r->diag(e, r->payload);
}

static int broke(glca_rd *r, int rc, glca_error *e)
{
    glca_srcloc file = {glca_xml_path(r->x), 0, 0};

    glca_error_locate(e, &file);
    glca_inventories__report(r, e);
    r->broken = true;
    return rc;
}

int glca_inventories__next(glca_rd *r)
{
    int rc;

    /* no glca_error on the way: clearing one per event was a visible cost; a failure is
     * sticky, so asking again fetches its details */
    if ((rc = glca_xml_next(r->x, NULL)) < 0) {
        glca_error e = GLCA_ERROR_INIT;

        glca_xml_next(r->x, &e);
        return broke(r, rc, &e);
    }
    return rc;
}

int glca_inventories__reject(glca_rd *r, const glca_error *e)
{
    glca_error skip = GLCA_ERROR_INIT;
    int rc;

    glca_inventories__report(r, e);
    if ((rc = glca_xml_skip(r->x, &skip)) < 0)
        return broke(r, rc, &skip);
    return 0;
}

bool glca_inventories__is(const glca_rd *r, const char *name)
{
    const char *n = glca_xml_name(r->x);

    /* the name first, and its first byte before a call: it is what usually differs */
    return n[0] == name[0] && strcmp(n, name) == 0 && strcmp(glca_xml_ns(r->x), r->ns) == 0;
}

int glca_inventories__unknown(glca_rd *r)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    const char *ns = glca_xml_ns(r->x);

    if (strcmp(ns, r->ns) == 0)
        glca_error_set(&e, GLCA_EPARSE, &loc, "unknown element <%s>", glca_xml_name(r->x));
    else
        glca_error_set(&e, GLCA_EPARSE, &loc, "unknown element <%s> in namespace '%s'",
                       glca_xml_name(r->x), ns);
    return glca_inventories__reject(r, &e);
}

int glca_inventories__leaf(glca_rd *r)
{
    int ev, rc;

    while ((ev = glca_inventories__next(r)) == GLCA_XML_START)
        if ((rc = glca_inventories__unknown(r)) < 0)
            return rc;
    return ev < 0 ? ev : 0;
}

int glca_inventories__check_id(glca_xml *x, const char *attr, const char *value,
                               glca_error *err)
{
    glca_srcloc loc = glca_xml_loc(x);
    const unsigned char *c = (const unsigned char *)value;
    size_t len = strlen(value);

    if (len == 0 || len > GLCA_ID_MAX)
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "attribute '%s' on <%s> must be 1 to %d characters long, not %zu",
                              attr, glca_xml_name(x), GLCA_ID_MAX, len);
    for (; *c; c++) {
        /* C0 controls and DEL, and the C1 controls U+0080-U+009F (UTF-8 C2 80 to C2 9F) */
        if (*c < 0x20 || *c == 0x7F || (c[0] == 0xC2 && c[1] >= 0x80 && c[1] <= 0x9F))
            return glca_error_set(err, GLCA_EPARSE, &loc,
                                  "attribute '%s' on <%s> contains a control character", attr,
                                  glca_xml_name(x));
    }
    return 0;
}

int glca_inventories__attr_id(glca_xml *x, const char *attr, const char **out, glca_error *err)
{
    int rc;

    if ((rc = glca_xml_attr_required(x, attr, out, err)) < 0)
        return rc;
    return glca_inventories__check_id(x, attr, *out, err);
}

int glca_inventories__dup(const char *s, char **out, glca_error *err)
{
    *out = NULL;
    if (s && !(*out = glca_strdup(s)))
        return glca_error_oom(err);
    return 0;
}

/* ---------------------------------------------------------------- uncertainty */

static const char *const lognormal_attrs[] = {"distribution", "gsd", NULL};
static const char *const normal_attrs[] = {"distribution", "sd", NULL};
static const char *const range_attrs[] = {"distribution", "min", "max", NULL};

static int uncertainty_attrs(glca_xml *x, double amount, glca_uncertainty *u, glca_error *err)
{
    glca_srcloc loc = glca_xml_loc(x);
    const char *dist;
    int rc;

    memset(u, 0, sizeof *u);
    if ((rc = glca_xml_attr_required(x, "distribution", &dist, err)) < 0)
        return rc;
    if (strcmp(dist, "lognormal") == 0) {
        u->dist = GLCA_DIST_LOGNORMAL;
        if ((rc = glca_xml_check_attrs(x, lognormal_attrs, err)) < 0 ||
            (rc = glca_xml_attr_double(x, "gsd", true, 0, &u->a, err)) < 0)
            return rc;
        /* a geometric standard deviation is a factor: 1 means no spread, below 1 is nonsense */
        if (u->a < 1)
            return glca_error_set(err, GLCA_EPARSE, &loc,
                                  "lognormal gsd must be at least 1, not %g", u->a);
    } else if (strcmp(dist, "normal") == 0) {
        u->dist = GLCA_DIST_NORMAL;
        if ((rc = glca_xml_check_attrs(x, normal_attrs, err)) < 0 ||
            (rc = glca_xml_attr_double(x, "sd", true, 0, &u->a, err)) < 0)
            return rc;
        if (u->a < 0)
            return glca_error_set(err, GLCA_EPARSE, &loc, "normal sd must not be negative");
    } else if (strcmp(dist, "triangular") == 0 || strcmp(dist, "uniform") == 0) {
        bool tri = dist[0] == 't';
        u->dist = tri ? GLCA_DIST_TRIANGULAR : GLCA_DIST_UNIFORM;
        if ((rc = glca_xml_check_attrs(x, range_attrs, err)) < 0 ||
            (rc = glca_xml_attr_double(x, "min", true, 0, &u->a, err)) < 0 ||
            (rc = glca_xml_attr_double(x, "max", true, 0, &u->b, err)) < 0)
            return rc;
        if (u->a > u->b)
            return glca_error_set(err, GLCA_EPARSE, &loc, "%s min %g is above max %g", dist,
                                  u->a, u->b);
        if (tri && (amount < u->a || amount > u->b))
            return glca_error_set(err, GLCA_EPARSE, &loc,
                                  "triangular mode (the amount) %g is outside [%g, %g]", amount,
                                  u->a, u->b);
    } else {
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "unknown distribution '%.40s' (lognormal, normal, triangular, "
                              "uniform)",
                              dist);
    }
    return 0;
}

int glca_inventories__read_uncertainty(glca_rd *r, double amount, glca_uncertainty *out)
{
    glca_error e = GLCA_ERROR_INIT;
    int rc;

    if (uncertainty_attrs(r->x, amount, out, &e) < 0) {
        memset(out, 0, sizeof *out);
        return (rc = glca_inventories__reject(r, &e)) < 0 ? rc : 1;
    }
    return glca_inventories__leaf(r);
}

int glca_inventories__exchange_children(glca_rd *r, double amount, glca_uncertainty *unc)
{
    bool seen = false, bad = false;
    int ev, rc;

    memset(unc, 0, sizeof *unc);
    while ((ev = glca_inventories__next(r)) == GLCA_XML_START) {
        if (glca_inventories__is(r, "uncertainty") && seen) {
            glca_error e = GLCA_ERROR_INIT;
            glca_srcloc loc = glca_xml_loc(r->x);
            glca_error_set(&e, GLCA_EPARSE, &loc, "more than one <uncertainty>");
            rc = glca_inventories__reject(r, &e);
            bad = true;
        } else if (glca_inventories__is(r, "uncertainty")) {
            seen = true;
            rc = glca_inventories__read_uncertainty(r, amount, unc);
        } else {
            rc = glca_inventories__unknown(r);
            bad = true;
        }
        if (rc < 0)
            return rc;
        bad |= rc > 0;
    }
    if (ev < 0)
        return ev;
    return bad ? 1 : 0;
}

glca_doc_kind glca_inventories__kind_of(const char *name, const char *ns)
{
    static const struct {
        const char *name, *ns;
        glca_doc_kind kind;
    } kinds[] = {
        {"inventory", GLCA_NS_INVENTORY, GLCA_DOC_INVENTORY},
        {"method", GLCA_NS_METHOD, GLCA_DOC_METHOD},
        {"product", GLCA_NS_PRODUCT, GLCA_DOC_PRODUCT},
        {"catalog", GLCA_NS_CATALOG, GLCA_DOC_CATALOG},
        {"ruleset", GLCA_NS_RULESET, GLCA_DOC_RULESET},
    };
    size_t i;

    for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(name, kinds[i].name) == 0 && strcmp(ns, kinds[i].ns) == 0)
            return kinds[i].kind;
    return GLCA_DOC_UNKNOWN;
}
