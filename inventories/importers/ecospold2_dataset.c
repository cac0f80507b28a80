/*
 * One EcoSpold 2 dataset (.spold: root <ecoSpold> with one <activityDataset> or
 * <childActivityDataset>) into a glca_es2_dataset: the activity's id, name and geography, every
 * intermediate and elementary exchange with its amount, unit, group, activityLinkId,
 * uncertainty, compartment and the properties that allocation uses, and the parameters.
 * Amounts are kept as written, signs included (a treatment activity's reference output is
 * negative); an amount the file does not state is evaluated from its mathematicalRelation, and
 * when that cannot be done the exchange keeps NaN and gets a note.  Metadata (comments,
 * sources, persons, ...) are skipped.  Names and units of flows come from MasterData later
 * (ecospold2.c); what is read here is only what the dataset itself says.
 */
#include "importers/ecospold2_int.h"
#include "native/inv_readers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bound on what one dataset may hold, so that a hostile file cannot make us allocate without
 * end: ecoinvent's largest datasets have a few thousand exchanges. */
#define MAX_EXCHANGES 100000
#define MAX_PARAMS 100000

typedef struct reader {
    glca_xml *x;
    glca_es2_dataset *d;
    glca_error *err;
} reader;

/* ---------------------------------------------------------------- helpers */

static glca_srcloc here(const reader *r)
{
    glca_srcloc loc = glca_xml_loc(r->x);

    loc.file = r->d->file; /* the reader's own copy dies with it */
    return loc;
}

static bool named(const reader *r, const char *name)
{
    return glca_inventories__es2_is(r->x, name);
}

/* The text of the current element, trimmed, in `*out` (replacing what was there). */
static int text_of(reader *r, char **out)
{
    return glca_inventories__es2_text(r->x, r->err, out);
}

static int attr_copy(reader *r, const char *name, char **out)
{
    return glca_inventories__dup(glca_xml_attr(r->x, name), out, r->err);
}

/* ---------------------------------------------------------------- exchanges */

static int read_group(reader *r, glca_es2_exchange *e, bool output)
{
    glca_srcloc loc = here(r);
    char *text = NULL, *end;
    long g;
    int rc;

    if ((rc = text_of(r, &text)) < 0)
        return rc;
    g = strtol(text, &end, 10);
    if (!*text || *end || g < 0 || g > 5)
        rc = glca_error_set(r->err, GLCA_EPARSE, &loc, "%s must be 0..5, not '%.40s'",
                            output ? "outputGroup" : "inputGroup", text);
    glca_free(text);
    e->group = (int)g;
    e->output = output;
    return rc;
}

static int read_distribution(reader *r, glca_es2_exchange *e)
{
    const char *name = glca_xml_name(r->x);
    glca_srcloc loc = here(r);
    double v, lo, hi;
    int rc = 0;

    if (strcmp(name, "lognormal") == 0 || strcmp(name, "normal") == 0) {
        bool log = name[0] == 'l';

        /* the pedigree-inclusive variance is the one the data mean for sampling */
        if (glca_xml_attr(r->x, "varianceWithPedigreeUncertainty"))
            rc = glca_xml_attr_double(r->x, "varianceWithPedigreeUncertainty", true, 0, &v,
                                      r->err);
        else
            rc = glca_xml_attr_double(r->x, "variance", true, 0, &v, r->err);
        if (rc < 0)
            return rc;
        if (!(v >= 0))
            return glca_error_set(r->err, GLCA_EPARSE, &loc, "negative variance %g", v);
        e->unc.dist = log ? GLCA_DIST_LOGNORMAL : GLCA_DIST_NORMAL;
        e->unc.a = log ? exp(sqrt(v)) : sqrt(v);
    } else if (strcmp(name, "triangular") == 0 || strcmp(name, "uniform") == 0) {
        if ((rc = glca_xml_attr_double(r->x, "minValue", true, 0, &lo, r->err)) < 0 ||
            (rc = glca_xml_attr_double(r->x, "maxValue", true, 0, &hi, r->err)) < 0)
            return rc;
        e->unc.dist = name[0] == 't' ? GLCA_DIST_TRIANGULAR : GLCA_DIST_UNIFORM;
        e->unc.a = lo;
        e->unc.b = hi;
    } else if (strcmp(name, "pedigreeMatrix") != 0 && strcmp(name, "comment") != 0) {
        rc = glca_inventories__es2_note(r->d, GLCA_IMP_OUT_OF_SCOPE, e->flow, &loc, r->err,
                                        "uncertainty distribution '%.40s' is not modelled: "
                                        "the exchange is kept without uncertainty", name);
    }
    if (rc < 0)
        return rc;
    return glca_xml_skip(r->x, r->err);
}

static int read_uncertainty(reader *r, glca_es2_exchange *e)
{
    int ev, rc;

    while ((ev = glca_xml_next(r->x, r->err)) == GLCA_XML_START)
        if ((rc = read_distribution(r, e)) < 0)
            return rc;
    return ev < 0 ? ev : 0;
}

static int read_property(reader *r, glca_es2_exchange *e)
{
    const char *id = glca_xml_attr(r->x, "propertyId");
    double *slot = NULL;
    int rc;

    if (id && strcmp(id, GLCA_ES2_PROP_PRICE) == 0)
        slot = &e->price;
    else if (id && strcmp(id, GLCA_ES2_PROP_WET_MASS) == 0)
        slot = &e->mass;
    if (slot && glca_xml_attr(r->x, "amount") &&
        (rc = glca_xml_attr_double(r->x, "amount", true, 0, slot, r->err)) < 0)
        return rc;
    return glca_xml_skip(r->x, r->err);
}

static void exchange_clear(glca_es2_exchange *e)
{
    glca_free(e->flow);
    glca_free(e->name);
    glca_free(e->unit);
    glca_free(e->link);
    glca_free(e->provider);
    glca_free(e->compartment);
    glca_free(e->formula);
    glca_free(e->variable);
}

/* An exchange being read: what glca_inventories__es2_flow_children leaves to the dataset. */
typedef struct exchange_reader {
    reader *r;
    glca_es2_exchange *e;
    bool grouped; /* an inputGroup or outputGroup was read */
} exchange_reader;

static int read_exchange_child(void *payload)
{
    exchange_reader *xr = payload;
    reader *r = xr->r;

    if (named(r, "inputGroup") || named(r, "outputGroup")) {
        xr->grouped = true;
        return read_group(r, xr->e, named(r, "outputGroup"));
    }
    if (named(r, "uncertainty"))
        return read_uncertainty(r, xr->e);
    if (named(r, "property"))
        return read_property(r, xr->e);
    return glca_xml_skip(r->x, r->err);
}

static int read_exchange(reader *r, bool elementary)
{
    const char *id_attr = elementary ? "elementaryExchangeId" : "intermediateExchangeId", *id;
    glca_es2_dataset *d = r->d;
    glca_es2_exchange e;
    const glca_es2_flow_slots slots = {&e.name, &e.unit, &e.compartment, &e.waste};
    exchange_reader xr = {r, &e, false};
    int rc;

    memset(&e, 0, sizeof e);
    e.loc = here(r);
    e.elementary = elementary;
    e.price = e.mass = NAN;
    if (d->nx == MAX_EXCHANGES) {
        rc = glca_error_set(r->err, GLCA_ELIMIT, &e.loc,
                            "more than %d exchanges in one dataset", MAX_EXCHANGES);
        goto cleanup;
    }
    if ((rc = glca_xml_attr_required(r->x, id_attr, &id, r->err)) < 0 ||
        (rc = glca_inventories__dup(id, &e.flow, r->err)) < 0 ||
        (rc = glca_xml_attr_double(r->x, "amount", false, NAN, &e.amount, r->err)) < 0 ||
        (rc = attr_copy(r, "activityLinkId", &e.link)) < 0 ||
        (rc = attr_copy(r, "mathematicalRelation", &e.formula)) < 0 ||
        (rc = attr_copy(r, "variableName", &e.variable)) < 0 ||
        (rc = glca_inventories__es2_flow_children(r->x, r->err, &slots, read_exchange_child,
                                                  &xr)) < 0)
        goto cleanup;
    if (!xr.grouped) {
        rc = glca_error_set(r->err, GLCA_EPARSE, &e.loc,
                            "exchange '%s' has neither inputGroup nor outputGroup", e.flow);
        goto cleanup;
    }
    if ((rc = glca_inventories__es2_room((void **)&d->x, &d->capx, d->nx, sizeof *d->x, 32,
                                         r->err)) < 0)
        goto cleanup;
    d->x[d->nx++] = e;
    return 0;
cleanup:
    exchange_clear(&e);
    return rc;
}

static int read_intermediate(reader *r)
{
    return read_exchange(r, false);
}

static int read_elementary(reader *r)
{
    return read_exchange(r, true);
}

static int read_parameter(reader *r)
{
    glca_es2_dataset *d = r->d;
    glca_es2_param p = {NULL, NULL, NAN, here(r)};
    int rc;

    if (!glca_xml_attr(r->x, "variableName")) /* nothing can refer to it */
        return glca_xml_skip(r->x, r->err);
    if (d->nparams == MAX_PARAMS)
        return glca_error_set(r->err, GLCA_ELIMIT, &p.loc,
                              "more than %d parameters in one dataset", MAX_PARAMS);
    if ((rc = glca_inventories__es2_room((void **)&d->params, &d->capparams, d->nparams,
                                         sizeof *d->params, 8, r->err)) < 0)
        return rc;
    if ((rc = attr_copy(r, "variableName", &p.name)) < 0 ||
        (rc = attr_copy(r, "mathematicalRelation", &p.formula)) < 0 ||
        (rc = glca_xml_attr_double(r->x, "amount", false, NAN, &p.value, r->err)) < 0) {
        glca_free(p.name);
        glca_free(p.formula);
        return rc;
    }
    d->params[d->nparams++] = p;
    return glca_xml_skip(r->x, r->err);
}

/* ---------------------------------------------------------------- structure */

/* A child element that is read, by name; the others are skipped. */
typedef struct child {
    const char *name;
    int (*read)(reader *r);
} child;

/* Read the children of the current element up to its end: those in `kids` (ended by a NULL
 * name) by their function, the others skipped. */
static int read_children(reader *r, const child *kids)
{
    const child *k;
    int ev, rc;

    while ((ev = glca_xml_next(r->x, r->err)) == GLCA_XML_START) {
        for (k = kids; k->name && !named(r, k->name); k++)
            ;
        if ((rc = k->name ? k->read(r) : glca_xml_skip(r->x, r->err)) < 0)
            return rc;
    }
    return ev < 0 ? ev : 0;
}

static int read_flow_data(reader *r)
{
    static const child kids[] = {{"intermediateExchange", read_intermediate},
                                 {"elementaryExchange", read_elementary},
                                 {"parameter", read_parameter},
                                 {NULL, NULL}};

    return read_children(r, kids);
}

static int read_activity_name(reader *r)
{
    return text_of(r, &r->d->name);
}

/*
 * A child dataset of inheritance depth 1-3 (geography, time, scenario) states only what differs
 * from its parent; released databases carry them expanded (depth 0, or -1 for derived ones).
 */
static int read_activity(reader *r)
{
    static const child kids[] = {{"activityName", read_activity_name}, {NULL, NULL}};
    glca_srcloc loc = here(r);
    const char *id;
    double depth;
    int rc;

    if ((rc = glca_xml_attr_required(r->x, "id", &id, r->err)) < 0)
        return rc;
    glca_free(r->d->activity);
    if ((rc = glca_inventories__dup(id, &r->d->activity, r->err)) < 0 ||
        (rc = glca_xml_attr_double(r->x, "inheritanceDepth", false, 0, &depth, r->err)) < 0)
        return rc;
    if (depth > 0 && glca_xml_attr(r->x, "parentActivityId") &&
        (rc = glca_inventories__es2_note(r->d, GLCA_IMP_OUT_OF_SCOPE, NULL, &loc, r->err,
                                         "child of activity '%.40s' (inheritanceDepth %g): the "
                                         "parent's exchanges are not inherited, only those "
                                         "written here are read",
                                         glca_xml_attr(r->x, "parentActivityId"), depth)) < 0)
        return rc;
    return read_children(r, kids);
}

static int read_shortname(reader *r)
{
    return text_of(r, &r->d->geography);
}

static int read_geography(reader *r)
{
    static const child kids[] = {{"shortname", read_shortname}, {NULL, NULL}};

    return read_children(r, kids);
}

static int read_description(reader *r)
{
    static const child kids[] = {
        {"activity", read_activity}, {"geography", read_geography}, {NULL, NULL}};

    return read_children(r, kids);
}

static int read_dataset_element(reader *r)
{
    static const child kids[] = {
        {"activityDescription", read_description}, {"flowData", read_flow_data}, {NULL, NULL}};

    return read_children(r, kids);
}

static int read_root(reader *r)
{
    glca_srcloc loc;
    bool seen = false;
    int ev, rc;

    if ((ev = glca_xml_next(r->x, r->err)) < 0)
        return ev;
    loc = here(r);
    if (ev != GLCA_XML_START || !named(r, "ecoSpold"))
        return glca_error_set(r->err, GLCA_EPARSE, &loc,
                              "not an EcoSpold 2 dataset: root <%s> in namespace '%s' (expected "
                              "<ecoSpold> in '" GLCA_NS_ECOSPOLD2 "')",
                              ev == GLCA_XML_START ? glca_xml_name(r->x) : "",
                              ev == GLCA_XML_START ? glca_xml_ns(r->x) : "");
    while ((ev = glca_xml_next(r->x, r->err)) == GLCA_XML_START) {
        if (named(r, "activityDataset") || named(r, "childActivityDataset")) {
            loc = here(r);
            if (seen)
                return glca_error_set(r->err, GLCA_EPARSE, &loc,
                                      "a second activity dataset in one file (one per file)");
            seen = true;
            r->d->loc = loc;
            rc = read_dataset_element(r);
        } else {
            rc = glca_xml_skip(r->x, r->err);
        }
        if (rc < 0)
            return rc;
    }
    if (ev < 0)
        return ev;
    if (!seen)
        return glca_error_set(r->err, GLCA_EPARSE, &loc,
                              "<ecoSpold> holds no activityDataset or childActivityDataset");
    if (!r->d->activity)
        return glca_error_set(r->err, GLCA_EPARSE, &r->d->loc,
                              "activity dataset without <activity id=...>");
    return 0;
}

/* ---------------------------------------------------------------- entry */
int glca_inventories__es2_read_dataset(glca_es2_dataset **out, const char *path,
                                       const void *data, size_t len,
                                       const glca_xml_limits *limits, glca_error *err)
{
    reader r = {NULL, NULL, err};
    int rc;

    *out = NULL;
    if (!(r.d = glca_calloc(1, sizeof *r.d)) || !(r.d->file = glca_strdup(path))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    r.d->loc.file = r.d->file;
    if ((rc = glca_inventories__es2_check_prolog(path, data, len, err)) < 0)
        goto cleanup;
    if ((rc = data ? glca_xml_open_memory(&r.x, path, data, len, limits, err)
                   : glca_xml_open(&r.x, path, limits, err)) < 0)
        goto cleanup;
    glca_xml_keep_text(r.x, true);
    if ((rc = read_root(&r)) < 0 || (rc = glca_inventories__es2_finish(r.d, err)) < 0)
        goto cleanup;
    *out = r.d;
    r.d = NULL;
cleanup:
    glca_xml_free(r.x);
    glca_inventories__es2_dataset_free(r.d);
    return rc;
}

void glca_inventories__es2_dataset_free(glca_es2_dataset *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->nx; i++)
        exchange_clear(&d->x[i]);
    for (i = 0; i < d->nparams; i++) {
        glca_free(d->params[i].name);
        glca_free(d->params[i].formula);
    }
    for (i = 0; i < d->nnotes; i++) {
        glca_free(d->notes[i].flow);
        glca_free(d->notes[i].message);
    }
    glca_free(d->x);
    glca_free(d->params);
    glca_free(d->notes);
    glca_free(d->file);
    glca_free(d->stem);
    glca_free(d->activity);
    glca_free(d->name);
    glca_free(d->geography);
    glca_free(d);
}
