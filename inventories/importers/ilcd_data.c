/*
 * The ILCD datasets that give exchanges their meaning: unit groups (units and their factors to
 * the group's reference unit), flow properties (which unit group measures them) and flows
 * (name, kind, compartment, CAS number, and the flow properties with their values per unit of
 * the flow).  Only what the import needs is kept; the rest of each dataset is skipped.
 *
 * The three kinds are read by one walk over the events (parse), which checks the root element
 * and keeps the UUID and name; each kind adds what it reads at element starts and ends.
 */
#include "importers/ilcd_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AT(suffix) ILCD_AT(path, suffix)

/* A path suffix ("dataSetInformation/UUID") with its length, as ILCD_AT takes it. */
typedef struct suffix {
    const char *at;
    size_t len;
} suffix;
#define SUFFIX(lit)                                                                                \
    {                                                                                              \
        "" lit, sizeof(lit) - 1                                                                    \
    }

typedef struct dataset_kind {
    const char *root, *ns, *what; /* root element, its namespace, the kind in messages */
    suffix uuid, name;
    /* an element start below the root; NULL: nothing to read there */
    int (*start)(void *rec, const ilcd_path *path, glca_xml *x, glca_error *err);
    /* an element end (its text is read there) other than the UUID's and the name's */
    int (*end)(void *rec, const ilcd_path *path, glca_xml *x, bool *oom, glca_error *err);
} dataset_kind;

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
    return glca_inventories__ilcd_id(x, v, out, err);
}

static int text_id(glca_xml *x, long *out, glca_error *err)
{
    double v;
    int rc;

    if ((rc = glca_inventories__ilcd_number(x, &v, err)) < 0)
        return rc;
    return glca_inventories__ilcd_id(x, v, out, err);
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

/* A reference element's refObjectId into `slot`; the first one wins and one without is
 * ignored (ilcd_join.c names what is then missing). */
static int ref_id(char **slot, glca_xml *x, glca_error *err)
{
    const char *id = glca_xml_attr(x, "refObjectId");

    if (id && !*slot && !(*slot = glca_strdup(id)))
        return glca_error_oom(err);
    return 0;
}

static int missing(const char *what, const char *kind, glca_srcloc loc, glca_error *err)
{
    return glca_error_set(err, GLCA_EPARSE, &loc, "ILCD %s dataset without %s", kind, what);
}

/* Walk one dataset of `kind` into `rec`: the root element checked and located in `*loc`, the
 * first UUID and name kept in `*uuid` and `*name`, every other element left to the kind; a
 * dataset without a UUID is an error. */
static int parse(const dataset_kind *kind, void *rec, char **uuid, char **name, glca_srcloc *loc,
                 glca_xml *x, glca_error *err)
{
    ilcd_path path = {{{0}}, {0}, 0, false};
    bool oom = false;
    int ev, rc;

    while ((ev = glca_inventories__ilcd_next(x, &path, err)) > 0) {
        rc = 0;
        if (ev == GLCA_XML_START && path.depth == 1) {
            *loc = glca_xml_loc(x);
            rc = glca_inventories__ilcd_root(x, kind->root, kind->ns, kind->what, err);
        } else if (ev == GLCA_XML_START) {
            if (kind->start)
                rc = kind->start(rec, &path, x, err);
        } else if (glca_inventories__ilcd_at(&path, kind->uuid.at, kind->uuid.len)) {
            keep_first(uuid, glca_inventories__ilcd_text(x, &oom));
        } else if (glca_inventories__ilcd_at(&path, kind->name.at, kind->name.len)) {
            keep_first(name, glca_inventories__ilcd_text(x, &oom));
        } else if (kind->end) {
            rc = kind->end(rec, &path, x, &oom, err);
        }
        if (rc < 0)
            return rc;
        if (oom)
            return glca_error_oom(err);
    }
    if (ev < 0)
        return ev;
    if (!*uuid)
        return missing("a UUID", kind->what, *loc, err);
    return 0;
}

/* ---------------------------------------------------------------- unit groups */

static int unitgroup_start(void *rec, const ilcd_path *path, glca_xml *x, glca_error *err)
{
    ilcd_unitgroup *ug = rec;
    ilcd_unit *u;
    int rc;

    if (!AT("units/unit"))
        return 0;
    if ((rc = grow((void **)&ug->units, ug->nunits, sizeof *ug->units, err)) < 0)
        return rc;
    u = &ug->units[ug->nunits++];
    u->factor = NAN;
    return internal_id(x, &u->internal_id, err);
}

static int unitgroup_end(void *rec, const ilcd_path *path, glca_xml *x, bool *oom, glca_error *err)
{
    ilcd_unitgroup *ug = rec;
    ilcd_unit *u = ug->nunits ? &ug->units[ug->nunits - 1] : NULL; /* the one being read */

    if (AT("quantitativeReference/referenceToReferenceUnit")) {
        ug->has_ref = true;
        return text_id(x, &ug->ref_unit, err);
    }
    if (u && AT("units/unit/name"))
        keep_first(&u->name, glca_inventories__ilcd_text(x, oom));
    else if (u && AT("units/unit/meanValue"))
        return glca_inventories__ilcd_number(x, &u->factor, err);
    return 0;
}

static const dataset_kind unitgroup_dataset = {
    .root = "unitGroupDataSet",
    .ns = GLCA_NS_ILCD_UNITGROUP,
    .what = "unit group",
    .uuid = SUFFIX("dataSetInformation/UUID"),
    .name = SUFFIX("dataSetInformation/name"),
    .start = unitgroup_start,
    .end = unitgroup_end,
};

int glca_inventories__ilcd_parse_unitgroup(ilcd_unitgroup *out, glca_xml *x, glca_error *err)
{
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = parse(&unitgroup_dataset, out, &out->uuid, &out->name, &out->loc, x, err)) < 0)
        return rc;
    if (!out->has_ref)
        return missing("a reference unit", "unit group", out->loc, err);
    return 0;
}

/* ---------------------------------------------------------------- flow properties */

static int flowprop_start(void *rec, const ilcd_path *path, glca_xml *x, glca_error *err)
{
    ilcd_flowprop *fp = rec;

    if (AT("quantitativeReference/referenceToReferenceUnitGroup"))
        return ref_id(&fp->unitgroup, x, err);
    return 0;
}

static const dataset_kind flowprop_dataset = {
    .root = "flowPropertyDataSet",
    .ns = GLCA_NS_ILCD_FLOWPROPERTY,
    .what = "flow property",
    .uuid = SUFFIX("dataSetInformation/UUID"),
    .name = SUFFIX("dataSetInformation/name"),
    .start = flowprop_start,
    .end = NULL,
};

int glca_inventories__ilcd_parse_flowprop(ilcd_flowprop *out, glca_xml *x, glca_error *err)
{
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = parse(&flowprop_dataset, out, &out->uuid, &out->name, &out->loc, x, err)) < 0)
        return rc;
    if (!out->unitgroup)
        return missing("a reference unit group", "flow property", out->loc, err);
    return 0;
}

/* ---------------------------------------------------------------- flows */

/* "Elementary flow", "Product flow", "Waste flow" (ILCD's typeOfDataSet). */
static int flow_type(ilcd_flow *f, glca_xml *x, glca_error *err)
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

static int flow_start(void *rec, const ilcd_path *path, glca_xml *x, glca_error *err)
{
    ilcd_flow *f = rec;
    ilcd_flow_prop_ref *pr;
    int rc;

    if (AT("flowProperties/flowProperty")) {
        if ((rc = grow((void **)&f->props, f->nprops, sizeof *f->props, err)) < 0)
            return rc;
        pr = &f->props[f->nprops++];
        pr->mean = NAN;
        return internal_id(x, &pr->internal_id, err);
    }
    if (f->nprops && AT("flowProperty/referenceToFlowPropertyDataSet"))
        return ref_id(&f->props[f->nprops - 1].prop, x, err);
    return 0;
}

static int flow_end(void *rec, const ilcd_path *path, glca_xml *x, bool *oom, glca_error *err)
{
    ilcd_flow *f = rec;
    char *cat;

    if (AT("dataSetInformation/CASNumber")) {
        keep_first(&f->cas, glca_inventories__ilcd_text(x, oom));
    } else if (AT("elementaryFlowCategorization/category")) {
        if ((cat = glca_inventories__ilcd_text(x, oom)))
            return add_category(f, cat, err);
    } else if (AT("quantitativeReference/referenceToReferenceFlowProperty")) {
        f->has_ref = true;
        return text_id(x, &f->ref_prop, err);
    } else if (AT("LCIMethod/typeOfDataSet")) {
        return flow_type(f, x, err);
    } else if (f->nprops && AT("flowProperties/flowProperty/meanValue")) {
        return glca_inventories__ilcd_number(x, &f->props[f->nprops - 1].mean, err);
    }
    return 0;
}

static const dataset_kind flow_dataset = {
    .root = "flowDataSet",
    .ns = GLCA_NS_ILCD_FLOW,
    .what = "flow",
    .uuid = SUFFIX("flowInformation/dataSetInformation/UUID"),
    .name = SUFFIX("dataSetInformation/name/baseName"),
    .start = flow_start,
    .end = flow_end,
};

int glca_inventories__ilcd_parse_flow(ilcd_flow *out, glca_xml *x, glca_error *err)
{
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = parse(&flow_dataset, out, &out->uuid, &out->name, &out->loc, x, err)) < 0)
        return rc;
    if (!out->kind_known)
        return missing("a type (typeOfDataSet)", "flow", out->loc, err);
    if (!out->has_ref)
        return missing("a reference flow property", "flow", out->loc, err);
    return 0;
}

/* ---------------------------------------------------------------- clearing */

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
