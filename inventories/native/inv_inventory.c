/*
 * The process inventory reader (FORMATS.md, urn:greenlca:inventory:1): <unit> declarations,
 * <flow>s and <process>es with their <input>/<output> exchanges, into a glca_model.  Nothing
 * is resolved here: flows and providers may live in other files, so references are checked by
 * glca_model_link.  Units are checked as they are met, so a <unit> must come before its use.
 */
#include "native/inv_readers.h"

#include <string.h>

static const char *const inventory_attrs[] = {"id", "version", NULL};
static const char *const unit_attrs[] = {"name", "dimension", "factor", NULL};
static const char *const flow_attrs[] = {"id", "kind", "name", "compartment", "unit", "cas", NULL};
static const char *const process_attrs[] = {"id", "name", "location", "product", "amount",
                                            "unit", NULL};
static const char *const input_attrs[] = {"flow", "amount", "unit", "provider", NULL};
static const char *const output_attrs[] = {"flow", "amount", "unit", NULL};

static int read_unit(glca_rd *r, glca_model *m)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    const char *name, *dimension;
    double factor;

    if (glca_xml_check_attrs(r->x, unit_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "name", &name, &e) < 0 ||
        glca_inventories__attr_id(r->x, "dimension", &dimension, &e) < 0 ||
        glca_xml_attr_double(r->x, "factor", true, 0, &factor, &e) < 0)
        return glca_inventories__reject(r, &e);
    if (!(factor > 0)) {
        glca_error_set(&e, GLCA_EUNIT, &loc, "unit '%s': factor must be positive, not %g", name,
                       factor);
        return glca_inventories__reject(r, &e);
    }
    if (glca_units_declare(glca_model_units(m), name, dimension, factor, &e) < 0) {
        glca_error_locate(&e, &loc);
        return glca_inventories__reject(r, &e);
    }
    return glca_inventories__leaf(r);
}

static int read_flow(glca_rd *r, glca_model *m)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    const char *id, *kind, *unit;
    glca_flow_kind k;

    if (glca_xml_check_attrs(r->x, flow_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "id", &id, &e) < 0 ||
        glca_xml_attr_required(r->x, "kind", &kind, &e) < 0 ||
        glca_xml_attr_required(r->x, "unit", &unit, &e) < 0)
        return glca_inventories__reject(r, &e);
    if (strcmp(kind, "product") == 0) {
        k = GLCA_FLOW_PRODUCT;
    } else if (strcmp(kind, "elementary") == 0) {
        k = GLCA_FLOW_ELEMENTARY;
    } else {
        glca_error_set(&e, GLCA_EPARSE, &loc,
                       "flow '%s': kind must be product or elementary, not '%.40s'", id, kind);
        return glca_inventories__reject(r, &e);
    }
    if (glca_model_add_flow(m, id, k, glca_xml_attr(r->x, "name"), unit,
                            glca_xml_attr(r->x, "compartment"), glca_xml_attr(r->x, "cas"), &loc,
                            &e) < 0) {
        glca_error_locate(&e, &loc);
        return glca_inventories__reject(r, &e);
    }
    return glca_inventories__leaf(r);
}

static int read_exchange(glca_rd *r, glca_model *m, glca_direction dir)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    const char *flow, *provider;
    char *flow_copy = NULL, *unit_copy = NULL, *provider_copy = NULL;
    glca_uncertainty unc;
    double amount;
    int rc;

    if (glca_xml_check_attrs(r->x, dir == GLCA_INPUT ? input_attrs : output_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "flow", &flow, &e) < 0 ||
        glca_xml_attr_double(r->x, "amount", true, 0, &amount, &e) < 0)
        return glca_inventories__reject(r, &e);
    if ((provider = glca_xml_attr(r->x, "provider")) &&
        glca_inventories__check_id(r->x, "provider", provider, &e) < 0)
        return glca_inventories__reject(r, &e);
    /* the reader reuses its buffers at the next event: copy before reading the children */
    if (glca_inventories__dup(flow, &flow_copy, &e) < 0 ||
        glca_inventories__dup(glca_xml_attr(r->x, "unit"), &unit_copy, &e) < 0 ||
        glca_inventories__dup(provider, &provider_copy, &e) < 0) {
        rc = glca_inventories__reject(r, &e);
        goto cleanup;
    }
    if ((rc = glca_inventories__exchange_children(r, amount, &unc)) != 0)
        goto cleanup; /* fatal, or a problem already reported */
    if (glca_model_add_exchange(m, dir, flow_copy, amount, unit_copy, provider_copy,
                                unc.dist == GLCA_DIST_NONE ? NULL : &unc, &loc, &e) < 0) {
        glca_error_locate(&e, &loc);
        glca_inventories__report(r, &e);
    }
cleanup:
    glca_free(flow_copy);
    glca_free(unit_copy);
    glca_free(provider_copy);
    return rc < 0 ? rc : 0;
}

static int read_process(glca_rd *r, glca_model *m)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc loc = glca_xml_loc(r->x);
    const char *id, *product;
    double amount;
    int ev, rc;

    if (glca_xml_check_attrs(r->x, process_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "id", &id, &e) < 0 ||
        glca_inventories__attr_id(r->x, "product", &product, &e) < 0 ||
        glca_xml_attr_double(r->x, "amount", true, 0, &amount, &e) < 0)
        return glca_inventories__reject(r, &e);
    if (!(amount > 0)) {
        glca_error_set(&e, GLCA_EPARSE, &loc,
                       "process '%s': reference amount must be positive, not %g", id, amount);
        return glca_inventories__reject(r, &e);
    }
    /* a process the model refused must not collect the exchanges that follow: skip them */
    if (glca_model_add_process(m, id, glca_xml_attr(r->x, "name"),
                               glca_xml_attr(r->x, "location"), product, amount,
                               glca_xml_attr(r->x, "unit"), &loc, &e) < 0) {
        glca_error_locate(&e, &loc);
        return glca_inventories__reject(r, &e);
    }
    while ((ev = glca_inventories__next(r)) == GLCA_XML_START) {
        if (glca_inventories__is(r, "input"))
            rc = read_exchange(r, m, GLCA_INPUT);
        else if (glca_inventories__is(r, "output"))
            rc = read_exchange(r, m, GLCA_OUTPUT);
        else
            rc = glca_inventories__unknown(r);
        if (rc < 0)
            return rc;
    }
    return ev < 0 ? ev : 0;
}

int glca_inventories__read_inventory_root(glca_rd *r, glca_model *m)
{
    glca_error e = GLCA_ERROR_INIT;
    const char *id;
    int ev, rc;

    if (glca_xml_check_attrs(r->x, inventory_attrs, &e) < 0 ||
        glca_inventories__attr_id(r->x, "id", &id, &e) < 0)
        glca_inventories__report(r, &e); /* the content is still worth checking */
    while ((ev = glca_inventories__next(r)) == GLCA_XML_START) {
        if (glca_inventories__is(r, "unit"))
            rc = read_unit(r, m);
        else if (glca_inventories__is(r, "flow"))
            rc = read_flow(r, m);
        else if (glca_inventories__is(r, "process"))
            rc = read_process(r, m);
        else
            rc = glca_inventories__unknown(r);
        if (rc < 0)
            return rc;
    }
    return ev < 0 ? ev : 0;
}
