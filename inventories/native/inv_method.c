/*
 * The LCIA method reader (FORMATS.md, urn:greenlca:method:1): <category> elements holding
 * <factor flow value [unit]>.  Factors are matched to flows and their units converted when a
 * background is built, since a method is read without any inventory.
 */
#include "native/inv_readers.h"

static const char *const method_attrs[] = {"id", "name", "version", NULL};
static const char *const category_attrs[] = {"id", "name", "unit", NULL};
static const char *const factor_attrs[] = {"flow", "value", "unit", NULL};

static int read_factor(glca_rd *r, glca_method *m, const char *category)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    const char *flow;
    double value;

    if (glca_xml_check_attrs(r->x, factor_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "flow", &flow, &e) < 0 ||
        glca_xml_attr_double(r->x, "value", true, 0, &value, &e) < 0)
        return glca_inventories__reject(r, &e);
    if (glca_method_add_factor(m, category, flow, value, glca_xml_attr(r->x, "unit"), &loc,
                               &e) < 0) {
        glca_error_locate(&e, &loc);
        return glca_inventories__reject(r, &e);
    }
    return glca_inventories__leaf(r);
}

static int read_category(glca_rd *r, glca_method *m)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    const char *id;
    char *category = NULL;
    int ev, rc = 0;

    if (glca_xml_check_attrs(r->x, category_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "id", &id, &e) < 0)
        return glca_inventories__reject(r, &e);
    if (glca_method_add_category(m, id, glca_xml_attr(r->x, "name"), glca_xml_attr(r->x, "unit"),
                                 &loc, &e) < 0 ||
        glca_inventories__dup(id, &category, &e) < 0) {
        glca_error_locate(&e, &loc);
        return glca_inventories__reject(r, &e);
    }
    while ((ev = glca_inventories__next(r)) == GLCA_XML_START) {
        if (glca_inventories__is(r, "factor"))
            rc = read_factor(r, m, category);
        else
            rc = glca_inventories__unknown(r);
        if (rc < 0)
            break;
    }
    glca_free(category);
    return rc < 0 ? rc : ev < 0 ? ev : 0;
}

/* The <category> children of the root, into `m`. */
static int read_categories(glca_rd *r, glca_method *m)
{
    int ev, rc = 0;

    while ((ev = glca_inventories__next(r)) == GLCA_XML_START) {
        if (glca_inventories__is(r, "category"))
            rc = read_category(r, m);
        else
            rc = glca_inventories__unknown(r);
        if (rc < 0)
            break;
    }
    return rc < 0 ? rc : ev < 0 ? ev : 0;
}

int glca_inventories__read_method_root(glca_rd *r, glca_method **out)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    glca_method *m = NULL;
    const char *id;
    int rc;

    *out = NULL;
    if (glca_xml_check_attrs(r->x, method_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "id", &id, &e) < 0)
        return glca_inventories__reject(r, &e);
    if (glca_method_new(&m, id, glca_xml_attr(r->x, "name"), glca_xml_attr(r->x, "version"),
                        &e) < 0) {
        glca_error_locate(&e, &loc);
        return glca_inventories__reject(r, &e);
    }
    if ((rc = read_categories(r, m)) < 0) {
        glca_method_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int glca_inventories__read_method_root_into(glca_rd *r, glca_method *m)
{
    glca_error e = GLCA_ERROR_INIT;
    const char *id;

    if (glca_xml_check_attrs(r->x, method_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "id", &id, &e) < 0)
        return glca_inventories__reject(r, &e);
    return read_categories(r, m);
}
