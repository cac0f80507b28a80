/*
 * The ILCD datasets that give exchanges their meaning: unit groups (units and their factors to
 * the group's reference unit), flow properties (which unit group measures them) and flows
 * (name, kind, compartment, CAS number, and the flow properties with their values per unit of
 * the flow).  Only what the import needs is kept; the rest of each dataset is skipped.
 */
#include "importers/ilcd_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AT(suffix) ILCD_AT(&path, suffix)

static int grow(void **items, size_t n, size_t size, glca_error *err)
{
    /* one more slot; arrays here are short (units of a group, properties of a flow) */
    void *grown = glca_reallocarray(*items, n + 1, size);

    if (!grown)
        return glca_error_oom(err);
    *items = grown;
    memset((char *)grown + n * size, 0, size);
    return 0;
}

static int internal_id(glca_xml *x, long *out, glca_error *err)
{
    double v;
    int rc;

    if ((rc = glca_xml_attr_double(x, "dataSetInternalID", true, 0, &v, err)) < 0)
        return rc;
    *out = (long)v;
    return 0;
}

static int text_id(glca_xml *x, long *out, glca_error *err)
{
    double v;
    int rc;

    if ((rc = glca_inventories__ilcd_number(x, &v, err)) < 0)
        return rc;
    *out = (long)v;
    return 0;
}

/* Keep the first text of a repeated element (names come in several languages, English
 * first in the data we know). */
static void keep_first(char **slot, char *text)
{
    if (*slot)
        glca_free(text);
    else
        *slot = text;
}

static int missing(const char *what, const char *kind, glca_srcloc loc, glca_error *err)
{
    return glca_error_set(err, GLCA_EPARSE, &loc, "ILCD %s dataset without %s", kind, what);
}

int glca_inventories__ilcd_parse_unitgroup(ilcd_unitgroup *out, glca_xml *x, glca_error *err)
{
    ilcd_path path = {{{0}}, {0}, 0, false};
    ilcd_unit *u = NULL;
    bool oom = false, has_ref = false;
    int ev, rc;

    memset(out, 0, sizeof *out);
    while ((ev = glca_inventories__ilcd_next(x, &path, err)) > 0) {
        if (ev == GLCA_XML_START) {
            if (path.depth == 1) {
                out->loc = glca_xml_loc(x);
                if ((rc = glca_inventories__ilcd_root(x, "unitGroupDataSet",
                                                      GLCA_NS_ILCD_UNITGROUP, "unit group",
                                                      err)) < 0)
                    return rc;
            } else if (AT("units/unit")) {
                if ((rc = grow((void **)&out->units, out->nunits, sizeof *out->units, err)) < 0)
                    return rc;
                u = &out->units[out->nunits++];
                u->factor = NAN;
                if ((rc = internal_id(x, &u->internal_id, err)) < 0)
                    return rc;
            }
            continue;
        }
        if (AT("dataSetInformation/UUID"))
            keep_first(&out->uuid, glca_inventories__ilcd_text(x, &oom));
        else if (AT("dataSetInformation/name"))
            keep_first(&out->name, glca_inventories__ilcd_text(x, &oom));
        else if (AT("quantitativeReference/referenceToReferenceUnit")) {
            if ((rc = text_id(x, &out->ref_unit, err)) < 0)
                return rc;
            has_ref = true;
        } else if (u && AT("units/unit/name"))
            keep_first(&u->name, glca_inventories__ilcd_text(x, &oom));
        else if (u && AT("units/unit/meanValue")) {
            if ((rc = glca_inventories__ilcd_number(x, &u->factor, err)) < 0)
                return rc;
        }
        if (oom)
            return glca_error_oom(err);
    }
    if (ev < 0)
        return ev;
    if (!out->uuid)
        return missing("a UUID", "unit group", out->loc, err);
    if (!has_ref)
        return missing("a reference unit", "unit group", out->loc, err);
    return 0;
}

int glca_inventories__ilcd_parse_flowprop(ilcd_flowprop *out, glca_xml *x, glca_error *err)
{
    ilcd_path path = {{{0}}, {0}, 0, false};
    bool oom = false;
    int ev, rc;

    memset(out, 0, sizeof *out);
    while ((ev = glca_inventories__ilcd_next(x, &path, err)) > 0) {
        if (ev == GLCA_XML_START) {
            if (path.depth == 1) {
                out->loc = glca_xml_loc(x);
                if ((rc = glca_inventories__ilcd_root(x, "flowPropertyDataSet",
                                                      GLCA_NS_ILCD_FLOWPROPERTY,
                                                      "flow property", err)) < 0)
                    return rc;
            } else if (AT("quantitativeReference/referenceToReferenceUnitGroup")) {
                const char *id = glca_xml_attr(x, "refObjectId");
                if (id && !out->unitgroup && !(out->unitgroup = glca_strdup(id)))
                    return glca_error_oom(err);
            }
            continue;
        }
        if (AT("dataSetInformation/UUID"))
            keep_first(&out->uuid, glca_inventories__ilcd_text(x, &oom));
        else if (AT("dataSetInformation/name"))
            keep_first(&out->name, glca_inventories__ilcd_text(x, &oom));
        if (oom)
            return glca_error_oom(err);
    }
    if (ev < 0)
        return ev;
    if (!out->uuid)
        return missing("a UUID", "flow property", out->loc, err);
    if (!out->unitgroup)
        return missing("a reference unit group", "flow property", out->loc, err);
    return 0;
}

/* "Elementary flow", "Product flow", "Waste flow" (ILCD's typeOfDataSet). */
static int flow_kind(ilcd_flow *f, glca_xml *x, glca_error *err)
{
    const char *t = glca_xml_text(x);
    glca_srcloc loc = glca_xml_loc(x);

    while (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r')
        t++;
    if (!strncmp(t, "Elementary flow", 15))
        f->kind = GLCA_IMP_FLOW_ELEMENTARY;
    else if (!strncmp(t, "Product flow", 12))
        f->kind = GLCA_IMP_FLOW_PRODUCT;
    else if (!strncmp(t, "Waste flow", 10))
        f->kind = GLCA_IMP_FLOW_WASTE;
    else
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "flow type '%.40s' is not Elementary, Product or Waste flow", t);
    f->kind_known = true;
    return 0;
}

/* Elementary flow categories joined into one compartment: "Emissions/Emissions to air/...". */
static int add_category(ilcd_flow *f, char *cat, glca_error *err)
{
    size_t old = f->compartment ? strlen(f->compartment) : 0, len = strlen(cat);
    char *joined;

    if (!(joined = glca_reallocarray(f->compartment, old + len + 2, 1))) {
        glca_free(cat);
        return glca_error_oom(err);
    }
    if (old)
        joined[old++] = '/';
    memcpy(joined + old, cat, len + 1);
    f->compartment = joined;
    glca_free(cat);
    return 0;
}

int glca_inventories__ilcd_parse_flow(ilcd_flow *out, glca_xml *x, glca_error *err)
{
    ilcd_path path = {{{0}}, {0}, 0, false};
    ilcd_flow_prop_ref *pr = NULL;
    bool oom = false, has_ref = false;
    int ev, rc;

    memset(out, 0, sizeof *out);
    while ((ev = glca_inventories__ilcd_next(x, &path, err)) > 0) {
        if (ev == GLCA_XML_START) {
            if (path.depth == 1) {
                out->loc = glca_xml_loc(x);
                if ((rc = glca_inventories__ilcd_root(x, "flowDataSet", GLCA_NS_ILCD_FLOW,
                                                      "flow", err)) < 0)
                    return rc;
            } else if (AT("flowProperties/flowProperty")) {
                if ((rc = grow((void **)&out->props, out->nprops, sizeof *out->props, err)) < 0)
                    return rc;
                pr = &out->props[out->nprops++];
                pr->mean = NAN;
                if ((rc = internal_id(x, &pr->internal_id, err)) < 0)
                    return rc;
            } else if (pr && AT("flowProperty/referenceToFlowPropertyDataSet")) {
                const char *id = glca_xml_attr(x, "refObjectId");
                if (id && !pr->prop && !(pr->prop = glca_strdup(id)))
                    return glca_error_oom(err);
            }
            continue;
        }
        if (AT("flowInformation/dataSetInformation/UUID"))
            keep_first(&out->uuid, glca_inventories__ilcd_text(x, &oom));
        else if (AT("dataSetInformation/name/baseName"))
            keep_first(&out->name, glca_inventories__ilcd_text(x, &oom));
        else if (AT("dataSetInformation/CASNumber"))
            keep_first(&out->cas, glca_inventories__ilcd_text(x, &oom));
        else if (AT("elementaryFlowCategorization/category")) {
            char *cat = glca_inventories__ilcd_text(x, &oom);
            if (cat && (rc = add_category(out, cat, err)) < 0)
                return rc;
        } else if (AT("quantitativeReference/referenceToReferenceFlowProperty")) {
            if ((rc = text_id(x, &out->ref_prop, err)) < 0)
                return rc;
            has_ref = true;
        } else if (AT("LCIMethod/typeOfDataSet")) {
            if ((rc = flow_kind(out, x, err)) < 0)
                return rc;
        } else if (pr && AT("flowProperties/flowProperty/meanValue")) {
            if ((rc = glca_inventories__ilcd_number(x, &pr->mean, err)) < 0)
                return rc;
        }
        if (oom)
            return glca_error_oom(err);
    }
    if (ev < 0)
        return ev;
    if (!out->uuid)
        return missing("a UUID", "flow", out->loc, err);
    if (!out->kind_known)
        return missing("a type (typeOfDataSet)", "flow", out->loc, err);
    if (!has_ref)
        return missing("a reference flow property", "flow", out->loc, err);
    return 0;
}

void glca_inventories__ilcd_unitgroup_clear(ilcd_unitgroup *u)
{
    for (size_t i = 0; i < u->nunits; i++)
        glca_free(u->units[i].name);
    glca_free(u->units);
    glca_free(u->uuid);
    glca_free(u->name);
    memset(u, 0, sizeof *u);
}

void glca_inventories__ilcd_flowprop_clear(ilcd_flowprop *fp)
{
    glca_free(fp->uuid);
    glca_free(fp->name);
    glca_free(fp->unitgroup);
    memset(fp, 0, sizeof *fp);
}

void glca_inventories__ilcd_flow_clear(ilcd_flow *f)
{
    for (size_t i = 0; i < f->nprops; i++)
        glca_free(f->props[i].prop);
    glca_free(f->props);
    glca_free(f->uuid);
    glca_free(f->name);
    glca_free(f->cas);
    glca_free(f->compartment);
    memset(f, 0, sizeof *f);
}
